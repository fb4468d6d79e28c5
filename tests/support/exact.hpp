// SPDX-License-Identifier: MIT
/// \file
/// Exact reference answers for the tests, in rational arithmetic (GMP).
///
/// Every finite binary floating-point value is a rational number m·2^e, so the figures the library
/// estimates can be computed *exactly* from the very same inputs the library sees. The only rounding in
/// these references is in square roots (standard deviations, correlation, standard errors), which are
/// taken in 256-bit floating point and are therefore exact far beyond any precision under test.
///
/// The sums run on scaled integers: each series is converted to integers z_i with one common exponent E
/// (x_i = z_i·2^E), so that Σx, Σx² and Σxy are plain big-integer sums. The centred co-moments then
/// follow exactly from S_xy = Σxy − Σx·Σy/n (exact in rational arithmetic, whatever cancellation the
/// same formula would suffer in floating point).
#ifndef HEDGEMETRICS_TESTS_SUPPORT_EXACT_HPP
#define HEDGEMETRICS_TESTS_SUPPORT_EXACT_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "support/gmp.hpp"

namespace hm_test::exact {

using rational = mpq_class;
using maybe = std::optional<rational>;  ///< std::nullopt: the figure is undefined, the library must give NaN.

/// Bits of the floating-point arithmetic used for square roots.
inline constexpr mp_bitcnt_t sqrt_bits = 256;

/// A value m·2^e with an integer mantissa.
struct dyadic {
  mpz_class mantissa;
  long exponent = 0;
};

inline mpz_class from_unsigned(std::uint64_t value) {
  // Two 32-bit halves, so that this does not depend on the width of unsigned long.
  mpz_class high(static_cast<unsigned long>(value >> 32));
  mpz_class low(static_cast<unsigned long>(value & 0xffffffffULL));
  mpz_class result;
  mpz_mul_2exp(result.get_mpz_t(), high.get_mpz_t(), 32);
  result += low;
  return result;
}

/// The exact value of an arithmetic value (integers, float, double, long double) as m·2^e.
template <class T>
dyadic to_dyadic(T value) {
  static_assert(std::is_arithmetic_v<T>, "to_dyadic needs an arithmetic value");
  dyadic d;
  if constexpr (std::is_integral_v<T>) {
    const bool negative = value < T(0);
    const auto magnitude = negative ? std::uint64_t(0) - static_cast<std::uint64_t>(value)
                                    : static_cast<std::uint64_t>(value);
    d.mantissa = from_unsigned(magnitude);
    if (negative) d.mantissa = -d.mantissa;
    d.exponent = 0;
  } else {
    const long double x = static_cast<long double>(value);  // exact: long double holds float and double
    if (!std::isfinite(x)) throw std::domain_error("hm_test::exact: non-finite value has no exact value");
    if (x == 0.0L) return d;
    int e = 0;
    const long double fraction = std::frexp(x, &e);  // |fraction| in [0.5, 1)
    // 64 bits hold the mantissa of every long double format with at most 64 bits of precision.
    static_assert(std::numeric_limits<long double>::digits <= 64, "long double wider than 64 bits");
    const long double scaled = std::ldexp(std::fabs(fraction), 64);  // an integer below 2^64, exactly
    d.mantissa = from_unsigned(static_cast<std::uint64_t>(scaled));
    if (fraction < 0.0L) d.mantissa = -d.mantissa;
    d.exponent = static_cast<long>(e) - 64;
  }
  return d;
}

inline rational scale_by_power_of_two(rational q, long exponent) {
  if (exponent > 0) {
    mpq_mul_2exp(q.get_mpq_t(), q.get_mpq_t(), static_cast<mp_bitcnt_t>(exponent));
  } else if (exponent < 0) {
    mpq_div_2exp(q.get_mpq_t(), q.get_mpq_t(), static_cast<mp_bitcnt_t>(-exponent));
  }
  return q;
}

inline rational to_rational(const dyadic& d) { return scale_by_power_of_two(rational(d.mantissa), d.exponent); }

/// The exact rational value of an arithmetic value.
template <class T>
rational to_rational(T value) {
  return to_rational(to_dyadic(value));
}

/// An exact decimal literal such as "-0.429796848199937E-03" (NIST's certified values) as a rational.
inline rational parse_decimal(const std::string& text) {
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
  if (digits.empty()) throw std::invalid_argument("hm_test::exact::parse_decimal: no digits in '" + text + "'");
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

/// Nearest-ish floating-point value of a rational (error within an ulp or so of Real; this is only used
/// to print expected values, never to compare).
template <class Real>
Real to_real(const rational& q) {
  const double high = q.get_d();
  if (!std::isfinite(high) || high == 0.0) return static_cast<Real>(high);
  const rational rest = q - to_rational(high);
  return static_cast<Real>(static_cast<long double>(high) + static_cast<long double>(rest.get_d()));
}

/// √q for q ≥ 0, in 256-bit floating point, returned as the (exact) rational value of that result.
inline rational sqrt_of(const rational& q) {
  if (sgn(q) < 0) throw std::domain_error("hm_test::exact::sqrt_of: negative argument");
  mpf_class x(q, sqrt_bits);
  mpf_class root(0, sqrt_bits);
  mpf_sqrt(root.get_mpf_t(), x.get_mpf_t());
  rational result;
  mpq_set_f(result.get_mpq_t(), root.get_mpf_t());
  return result;
}

inline maybe sqrt_of(const maybe& q) {
  if (!q) return std::nullopt;
  return sqrt_of(*q);
}

/// A series as scaled integers z_i with one common exponent: x_i = z_i·2^exponent.
struct scaled_series {
  std::vector<mpz_class> z;
  long exponent = 0;

  [[nodiscard]] std::size_t size() const { return z.size(); }
  [[nodiscard]] rational value(std::size_t i) const { return scale_by_power_of_two(rational(z[i]), exponent); }
};

inline scaled_series scale(const std::vector<dyadic>& values) {
  scaled_series s;
  bool any = false;
  for (const auto& d : values) {
    if (sgn(d.mantissa) == 0) continue;
    s.exponent = any ? std::min(s.exponent, d.exponent) : d.exponent;
    any = true;
  }
  s.z.reserve(values.size());
  for (const auto& d : values) {
    mpz_class z;
    if (sgn(d.mantissa) != 0) {
      mpz_mul_2exp(z.get_mpz_t(), d.mantissa.get_mpz_t(), static_cast<mp_bitcnt_t>(d.exponent - s.exponent));
    }
    s.z.push_back(std::move(z));
  }
  return s;
}

template <class T>
scaled_series scale(const T* data, std::size_t n) {
  std::vector<dyadic> values;
  values.reserve(n);
  for (std::size_t i = 0; i < n; ++i) values.push_back(to_dyadic(data[i]));
  return scale(values);
}

/// b_i = s_i − r·f_i, exactly.
inline scaled_series combine(const scaled_series& s, const scaled_series& f, const dyadic& r) {
  scaled_series b;
  const long product_exponent = f.exponent + r.exponent;
  b.exponent = std::min(s.exponent, product_exponent);
  const auto s_shift = static_cast<mp_bitcnt_t>(s.exponent - b.exponent);
  const auto p_shift = static_cast<mp_bitcnt_t>(product_exponent - b.exponent);
  b.z.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    mpz_class a;
    mpz_mul_2exp(a.get_mpz_t(), s.z[i].get_mpz_t(), s_shift);
    mpz_class p = f.z[i] * r.mantissa;
    mpz_mul_2exp(p.get_mpz_t(), p.get_mpz_t(), p_shift);
    b.z.push_back(a - p);
  }
  return b;
}

/// Consecutive differences x_i − x_{i−1}, exactly.
inline scaled_series differences(const scaled_series& x) {
  scaled_series d;
  d.exponent = x.exponent;
  if (x.size() < 2) return d;
  d.z.reserve(x.size() - 1);
  for (std::size_t i = 1; i < x.size(); ++i) d.z.push_back(x.z[i] - x.z[i - 1]);
  return d;
}

/// Σx and the centred sum of squares Σ(x − x̄)², exactly.
struct sums {
  std::size_t n = 0;
  rational sum;
  rational centred_squares;
};

inline sums sums_of(const scaled_series& x) {
  sums out;
  out.n = x.size();
  mpz_class s1;
  mpz_class s2;
  for (const auto& z : x.z) {
    s1 += z;
    s2 += z * z;
  }
  out.sum = scale_by_power_of_two(rational(s1), x.exponent);
  if (out.n > 0) {
    const rational raw = scale_by_power_of_two(rational(s2), 2 * x.exponent);
    out.centred_squares = raw - out.sum * out.sum / rational(static_cast<unsigned long>(out.n));
  }
  return out;
}

inline rational count(std::size_t n) { return rational(static_cast<unsigned long>(n)); }

/// Exact describe(): mean, variance (n − 1), standard deviation, min, max.
struct summary {
  std::size_t n = 0;
  maybe mean, variance, stddev, min, max;
};

inline summary describe(const scaled_series& x) {
  summary out;
  out.n = x.size();
  if (out.n == 0) return out;
  const sums s = sums_of(x);
  out.mean = s.sum / count(out.n);
  const auto [lo, hi] = std::minmax_element(x.z.begin(), x.z.end(), [](const mpz_class& a, const mpz_class& b) {
    return cmp(a, b) < 0;
  });
  out.min = scale_by_power_of_two(rational(*lo), x.exponent);
  out.max = scale_by_power_of_two(rational(*hi), x.exponent);
  if (out.n >= 2) {
    out.variance = s.centred_squares / count(out.n - 1);
    out.stddev = sqrt_of(*out.variance);
  }
  return out;
}

template <class T>
summary describe(const T* data, std::size_t n) {
  return describe(scale(data, n));
}

/// Exact hedge_fit: every figure of hedgemetrics::hedge_fit, from the same inputs.
struct fit {
  std::size_t n = 0;
  maybe ratio, intercept, effectiveness, correlation;
  maybe exposure_mean, hedge_mean;
  maybe exposure_variance, hedge_variance, covariance;
  maybe residual_variance, residual_standard_error, ratio_standard_error, intercept_standard_error;
  // Intermediate sums, for tests that need them.
  maybe sss, sff, ssf, ssr;
};

inline fit fit_hedge(const scaled_series& s, const scaled_series& f) {
  if (s.size() != f.size()) throw std::invalid_argument("hm_test::exact::fit_hedge: lengths differ");
  fit out;
  out.n = s.size();
  const std::size_t n = out.n;
  if (n == 0) return out;
  const sums ss = sums_of(s);
  const sums fs = sums_of(f);
  mpz_class cross;
  for (std::size_t i = 0; i < n; ++i) cross += s.z[i] * f.z[i];
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
  if (sgn(sff) != 0) {
    const rational h = ssf / sff;
    out.ratio = h;
    out.intercept = mean_s - h * mean_f;
    const rational ssr = sss - ssf * ssf / sff;
    out.ssr = ssr;
    out.residual_variance = ssr / dof;
    if (sgn(sss) != 0) {
      out.effectiveness = ssf * ssf / (sss * sff);
      // ρ = Ssf / √(Sss·Sff) = sign(Ssf)·√(R²)
      const rational r = sqrt_of(*out.effectiveness);
      out.correlation = sgn(ssf) < 0 ? rational(-r) : r;
    }
    if (n >= 3) {
      const rational mse = ssr / count(n - 2);
      out.residual_standard_error = sqrt_of(mse);
      out.ratio_standard_error = sqrt_of(rational(mse / sff));
      out.intercept_standard_error = sqrt_of(rational(mse * (rational(1) / nq + mean_f * mean_f / sff)));
    }
  }
  return out;
}

template <class TS, class TF>
fit fit_hedge(const TS* s, const TF* f, std::size_t n) {
  return fit_hedge(scale(s, n), scale(f, n));
}

/// Exact basis_stats for b_t = s_t − ratio·f_t.
struct basis {
  std::size_t n = 0;
  maybe mean, variance, stddev, change_variance, change_stddev, min, max, last;
};

inline basis basis_risk(const scaled_series& s, const scaled_series& f, const dyadic& ratio) {
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

template <class TS, class TF, class R>
basis basis_risk(const TS* s, const TF* f, std::size_t n, R ratio) {
  return basis_risk(scale(s, n), scale(f, n), to_dyadic(ratio));
}

/// Var(S − ratio·F) with n − 1, exactly.
template <class TS, class TF, class R>
maybe residual_variance(const TS* s, const TF* f, std::size_t n, R ratio) {
  return basis_risk(s, f, n, ratio).variance;
}

/// 1 − Var(S − ratio·F)/Var(S), exactly.
template <class TS, class TF, class R>
maybe hedge_effectiveness(const TS* s, const TF* f, std::size_t n, R ratio) {
  const maybe residual = residual_variance(s, f, n, ratio);
  const summary exposure = describe(s, n);
  if (!residual || !exposure.variance || sgn(*exposure.variance) == 0) return std::nullopt;
  return rational(1) - *residual / *exposure.variance;
}

}  // namespace hm_test::exact

#endif  // HEDGEMETRICS_TESTS_SUPPORT_EXACT_HPP
