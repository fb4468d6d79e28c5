// SPDX-License-Identifier: MIT
// Exact rational reference answers for the tests; see exact.hpp. Inner loops use GMP's in-place
// functions (mpz_addmul and friends) rather than gmpxx expressions, to allocate nothing per value.
#include "support/exact.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hm_test::exact {

namespace {

mpz_class from_unsigned(std::uint64_t value) {
  if constexpr (sizeof(unsigned long) >= sizeof(std::uint64_t)) {
    return mpz_class(static_cast<unsigned long>(value));
  } else {  // two 32-bit halves where unsigned long is narrower (Windows)
    mpz_class result(static_cast<unsigned long>(value >> 32));
    mpz_mul_2exp(result.get_mpz_t(), result.get_mpz_t(), 32);
    mpz_add_ui(result.get_mpz_t(), result.get_mpz_t(), static_cast<unsigned long>(value & 0xffffffffULL));
    return result;
  }
}

rational count(std::size_t n) {
  return rational(static_cast<unsigned long>(n));
}

/// Σx and the centred sum of squares Σ(x − x̄)², exactly.
struct sums {
  std::size_t n = 0;
  rational sum;
  rational centred_squares;
};

sums sums_of(const scaled_series& x) {
  sums out;
  out.n = x.size();
  mpz_class s1;
  mpz_class s2;
  for (const auto& z : x.z) {
    mpz_add(s1.get_mpz_t(), s1.get_mpz_t(), z.get_mpz_t());
    mpz_addmul(s2.get_mpz_t(), z.get_mpz_t(), z.get_mpz_t());
  }
  out.sum = scale_by_power_of_two(rational(s1), x.exponent);
  if (out.n > 0) {
    const rational raw = scale_by_power_of_two(rational(s2), 2 * x.exponent);
    out.centred_squares = raw - out.sum * out.sum / count(out.n);
  }
  return out;
}

/// 2·atanh(z) = ln((1 + z)/(1 − z)) for |z| ≤ 1/5, by its series Σ 2z^(2k+1)/(2k+1), in `bits` bits.
mpf_class two_atanh(const mpf_class& z, mp_bitcnt_t bits) {
  mpf_class z2(z * z, bits);
  mpf_class power(z, bits);
  mpf_class sum(z, bits);
  mpf_class term(0, bits);
  mpf_class limit(1, bits);
  mpf_div_2exp(limit.get_mpf_t(), limit.get_mpf_t(), bits + 8);
  for (unsigned long k = 1; k < 10000; ++k) {
    power *= z2;
    term = power / (2 * k + 1);
    sum += term;
    if (abs(term) < limit) break;
  }
  return mpf_class(2 * sum, bits);
}

}  // namespace

dyadic to_dyadic(long double value) {
  static_assert(std::numeric_limits<long double>::digits <= 64, "long double wider than 64 bits");
  dyadic d;
  if (!std::isfinite(value)) throw std::domain_error("hm_test::exact: non-finite value has no exact value");
  if (value == 0.0L) return d;
  int e = 0;
  const long double fraction = std::frexp(value, &e);  // |fraction| in [0.5, 1)
  // 64 bits hold the mantissa of every long double format with at most 64 bits of precision.
  const long double scaled = std::ldexp(std::fabs(fraction), 64);  // an integer below 2^64, exactly
  d.mantissa = from_unsigned(static_cast<std::uint64_t>(scaled));
  if (fraction < 0.0L) d.mantissa = -d.mantissa;
  d.exponent = static_cast<long>(e) - 64;
  return d;
}

rational scale_by_power_of_two(rational q, long exponent) {
  if (exponent > 0) {
    mpq_mul_2exp(q.get_mpq_t(), q.get_mpq_t(), static_cast<mp_bitcnt_t>(exponent));
  } else if (exponent < 0) {
    mpq_div_2exp(q.get_mpq_t(), q.get_mpq_t(), static_cast<mp_bitcnt_t>(-exponent));
  }
  return q;
}

rational to_rational(const dyadic& d) {
  return scale_by_power_of_two(rational(d.mantissa), d.exponent);
}

rational parse_decimal(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  std::string digits;
  long fraction_digits = 0;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      if (seen_point) ++fraction_digits;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (digits.empty())
    throw std::invalid_argument("hm_test::exact::parse_decimal: no digits in '" + text + "'");
  long exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) exponent = std::stol(text.substr(i + 1));
  exponent -= fraction_digits;
  mpz_class numerator(digits, 10);
  if (negative) numerator = -numerator;
  mpz_class power;
  mpz_ui_pow_ui(power.get_mpz_t(), 10, static_cast<unsigned long>(exponent < 0 ? -exponent : exponent));
  rational q = exponent < 0 ? rational(numerator, power) : rational(numerator * power);
  q.canonicalize();
  return q;
}

long double to_long_double(const rational& q) {
  const double high = q.get_d();
  if (!std::isfinite(high) || high == 0.0) return static_cast<long double>(high);
  const rational rest = q - to_rational(high);
  return static_cast<long double>(high) + static_cast<long double>(rest.get_d());
}

rational sqrt_of(const rational& q) {
  if (sgn(q) < 0) throw std::domain_error("hm_test::exact::sqrt_of: negative argument");
  mpf_class x(q, sqrt_bits);
  mpf_class root(0, sqrt_bits);
  mpf_sqrt(root.get_mpf_t(), x.get_mpf_t());
  rational result;
  mpq_set_f(result.get_mpq_t(), root.get_mpf_t());
  return result;
}

maybe sqrt_of(const maybe& q) {
  if (!q) return std::nullopt;
  return sqrt_of(*q);
}

// q = m·2^k with m in [1/√2, √2): ln q = k·ln 2 + 2·atanh((m − 1)/(m + 1)), |(m − 1)/(m + 1)| < 0.18.
rational log_of(const rational& q) {
  if (sgn(q) <= 0) throw std::domain_error("hm_test::exact::log_of: non-positive argument");
  const mp_bitcnt_t bits = sqrt_bits + 64;
  mpf_class x(q, bits);
  long k = 0;
  (void)mpf_get_d_2exp(&k, x.get_mpf_t());  // x = d·2^k, d in [0.5, 1)
  mpf_class m(0, bits);
  if (k >= 0) {
    mpf_div_2exp(m.get_mpf_t(), x.get_mpf_t(), static_cast<mp_bitcnt_t>(k));
  } else {
    mpf_mul_2exp(m.get_mpf_t(), x.get_mpf_t(), static_cast<mp_bitcnt_t>(-k));
  }
  if (m < mpf_class(0.70710678118654752, bits)) {
    m *= 2;
    --k;
  }
  static const mpf_class ln2 = two_atanh(mpf_class(mpf_class(1, bits) / 3, bits), bits);
  const mpf_class result(two_atanh(mpf_class((m - 1) / (m + 1), bits), bits) + ln2 * k, bits);
  rational out;
  mpq_set_f(out.get_mpq_t(), result.get_mpf_t());
  return out;
}

rational scaled_series::value(std::size_t i) const {
  return scale_by_power_of_two(rational(z[i]), exponent);
}

scaled_series scale(const long double* values, std::size_t n) {
  std::vector<std::uint64_t> mantissa(n);
  std::vector<long> exponent(n);
  std::vector<bool> negative(n);
  scaled_series s;
  bool any = false;
  for (std::size_t i = 0; i < n; ++i) {
    const long double v = values[i];
    if (!std::isfinite(v)) throw std::domain_error("hm_test::exact: non-finite value has no exact value");
    if (v == 0.0L) {
      mantissa[i] = 0;
      continue;
    }
    int e = 0;
    const long double fraction = std::frexp(v, &e);
    mantissa[i] = static_cast<std::uint64_t>(std::ldexp(std::fabs(fraction), 64));
    exponent[i] = static_cast<long>(e) - 64;
    negative[i] = fraction < 0.0L;
    s.exponent = any ? std::min(s.exponent, exponent[i]) : exponent[i];
    any = true;
  }
  s.z.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (mantissa[i] == 0) continue;
    mpz_class& z = s.z[i];
    z = from_unsigned(mantissa[i]);
    mpz_mul_2exp(z.get_mpz_t(), z.get_mpz_t(), static_cast<mp_bitcnt_t>(exponent[i] - s.exponent));
    if (negative[i]) mpz_neg(z.get_mpz_t(), z.get_mpz_t());
  }
  return s;
}

scaled_series combine(const scaled_series& s, const scaled_series& f, const dyadic& r) {
  scaled_series b;
  const long product_exponent = f.exponent + r.exponent;
  b.exponent = std::min(s.exponent, product_exponent);
  const auto s_shift = static_cast<mp_bitcnt_t>(s.exponent - b.exponent);
  const auto p_shift = static_cast<mp_bitcnt_t>(product_exponent - b.exponent);
  b.z.resize(s.size());
  mpz_class p;
  for (std::size_t i = 0; i < s.size(); ++i) {
    mpz_class& out = b.z[i];
    mpz_mul_2exp(out.get_mpz_t(), s.z[i].get_mpz_t(), s_shift);
    mpz_mul(p.get_mpz_t(), f.z[i].get_mpz_t(), r.mantissa.get_mpz_t());
    mpz_mul_2exp(p.get_mpz_t(), p.get_mpz_t(), p_shift);
    mpz_sub(out.get_mpz_t(), out.get_mpz_t(), p.get_mpz_t());
  }
  return b;
}

scaled_series differences(const scaled_series& x) {
  scaled_series d;
  d.exponent = x.exponent;
  if (x.size() < 2) return d;
  d.z.resize(x.size() - 1);
  for (std::size_t i = 1; i < x.size(); ++i) {
    mpz_sub(d.z[i - 1].get_mpz_t(), x.z[i].get_mpz_t(), x.z[i - 1].get_mpz_t());
  }
  return d;
}

summary describe(const scaled_series& x) {
  summary out;
  out.n = x.size();
  if (out.n == 0) return out;
  const sums s = sums_of(x);
  out.mean = s.sum / count(out.n);
  const auto [lo, hi] = std::minmax_element(
      x.z.begin(), x.z.end(),
      [](const mpz_class& a, const mpz_class& b) { return mpz_cmp(a.get_mpz_t(), b.get_mpz_t()) < 0; });
  out.min = scale_by_power_of_two(rational(*lo), x.exponent);
  out.max = scale_by_power_of_two(rational(*hi), x.exponent);
  if (out.n >= 2) {
    out.variance = s.centred_squares / count(out.n - 1);
    out.stddev = sqrt_of(*out.variance);
  }
  return out;
}

fit fit_hedge(const scaled_series& s, const scaled_series& f) {
  if (s.size() != f.size()) throw std::invalid_argument("hm_test::exact::fit_hedge: lengths differ");
  fit out;
  out.n = s.size();
  const std::size_t n = out.n;
  if (n == 0) return out;
  const sums ss = sums_of(s);
  const sums fs = sums_of(f);
  mpz_class cross;
  for (std::size_t i = 0; i < n; ++i) mpz_addmul(cross.get_mpz_t(), s.z[i].get_mpz_t(), f.z[i].get_mpz_t());
  const rational raw_cross = scale_by_power_of_two(rational(cross), s.exponent + f.exponent);
  const rational nq = count(n);
  const rational mean_s = ss.sum / nq;
  const rational mean_f = fs.sum / nq;
  out.exposure_mean = mean_s;
  out.hedge_mean = mean_f;
  if (n < 2) return out;
  const rational sss = ss.centred_squares;
  const rational sff = fs.centred_squares;
  const rational ssf = raw_cross - ss.sum * fs.sum / nq;
  out.sss = sss;
  out.sff = sff;
  out.ssf = ssf;
  const rational dof = count(n - 1);
  out.exposure_variance = sss / dof;
  out.hedge_variance = sff / dof;
  out.covariance = ssf / dof;
  if (sgn(sss) != 0 && sgn(sff) != 0) {
    out.effectiveness = ssf * ssf / (sss * sff);
    // ρ = S_SF / √(S_SS·S_FF) = sign(S_SF)·√(R²)
    const rational r = sqrt_of(*out.effectiveness);
    out.correlation = sgn(ssf) < 0 ? rational(-r) : r;
  }
  if (sgn(sff) != 0) {
    const rational h = ssf / sff;
    out.ratio = h;
    out.intercept = mean_s - h * mean_f;
    const rational ssr = sss - ssf * ssf / sff;
    out.ssr = ssr;
    out.residual_variance = ssr / dof;
    if (n >= 3) {
      const rational mse = ssr / count(n - 2);
      out.residual_standard_error = sqrt_of(mse);
      out.ratio_standard_error = sqrt_of(rational(mse / sff));
      out.intercept_standard_error = sqrt_of(rational(mse * (rational(1) / nq + mean_f * mean_f / sff)));
    }
  }
  return out;
}

basis basis_risk(const scaled_series& s, const scaled_series& f, const dyadic& ratio) {
  if (s.size() != f.size()) throw std::invalid_argument("hm_test::exact::basis_risk: lengths differ");
  basis out;
  out.n = s.size();
  if (out.n == 0) return out;
  const scaled_series b = combine(s, f, ratio);
  const summary levels = describe(b);
  out.mean = levels.mean;
  out.variance = levels.variance;
  out.stddev = levels.stddev;
  out.min = levels.min;
  out.max = levels.max;
  out.last = b.value(b.size() - 1);
  if (out.n >= 3) {
    const summary changes = describe(differences(b));
    out.change_variance = changes.variance;
    out.change_stddev = changes.stddev;
  }
  return out;
}

maybe residual_variance(const scaled_series& s, const scaled_series& f, const dyadic& ratio) {
  if (s.size() < 2) return std::nullopt;
  const sums b = sums_of(combine(s, f, ratio));
  return b.centred_squares / count(b.n - 1);
}

maybe hedge_effectiveness(const scaled_series& s, const scaled_series& f, const dyadic& ratio) {
  const maybe residual = residual_variance(s, f, ratio);
  if (!residual) return std::nullopt;
  const sums exposure = sums_of(s);
  if (sgn(exposure.centred_squares) == 0) return std::nullopt;
  return rational(1) - *residual * count(s.size() - 1) / exposure.centred_squares;
}

}  // namespace hm_test::exact
