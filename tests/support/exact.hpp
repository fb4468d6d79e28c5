// SPDX-License-Identifier: MIT
/// \file
/// Exact reference answers for the tests, in rational arithmetic (GMP).
///
/// Every finite binary floating-point value is a rational number m·2^e, so the figures the library
/// estimates can be computed *exactly* from the very same inputs the library sees. The only rounding in
/// these references is in square roots (standard deviations, correlation, standard errors) and
/// logarithms, which are taken in 256-bit (or wider) floating point and are therefore exact far beyond
/// any precision under test.
///
/// The sums run on scaled integers: each series is converted to integers z_i with one common exponent E
/// (x_i = z_i·2^E), so that Σx, Σx² and Σxy are plain big-integer sums. The centred co-moments then
/// follow exactly from S_xy = Σxy − Σx·Σy/n (exact in rational arithmetic, whatever cancellation the
/// same formula would suffer in floating point).
///
/// The work is done in support/exact.cpp, compiled with optimisation even in Debug builds (it is the
/// reference, not the code under test), so that exact answers on 1e5 points stay cheap.
#ifndef HEDGEMETRICS_TESTS_SUPPORT_EXACT_HPP
#define HEDGEMETRICS_TESTS_SUPPORT_EXACT_HPP

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "support/gmp.hpp"

namespace hm_test::exact {

using rational = mpq_class;
using maybe = std::optional<rational>;  ///< std::nullopt: the figure is undefined, the library must give NaN.

/// Bits of the floating-point arithmetic used for square roots and logarithms.
inline constexpr mp_bitcnt_t sqrt_bits = 256;

/// A value m·2^e with an integer mantissa.
struct dyadic {
  mpz_class mantissa;
  long exponent = 0;
};

/// The exact value of a finite long double (which holds every float, double and 32-bit integer).
/// Throws std::domain_error for NaN and infinities.
dyadic to_dyadic(long double value);

/// The exact value of an arithmetic value (integers, float, double, long double).
template <class T>
dyadic to_dyadic(T value) {
  static_assert(std::is_arithmetic_v<T>, "to_dyadic needs an arithmetic value");
  static_assert(
      !std::is_integral_v<T> || std::numeric_limits<T>::digits <= std::numeric_limits<long double>::digits,
      "this integer type does not fit exactly in long double");
  return to_dyadic(static_cast<long double>(value));
}

rational scale_by_power_of_two(rational q, long exponent);
rational to_rational(const dyadic& d);

/// The exact rational value of an arithmetic value.
template <class T>
rational to_rational(T value) {
  return to_rational(to_dyadic(value));
}

/// An exact decimal literal such as "-0.429796848199937E-03" (NIST's certified values) as a rational.
rational parse_decimal(const std::string& text);

/// A long double within an ulp or so of q (used to print expected values and to feed references).
long double to_long_double(const rational& q);

template <class Real>
Real to_real(const rational& q) {
  return static_cast<Real>(to_long_double(q));
}

/// √q for q ≥ 0, in 256-bit floating point, returned as the (exact) rational value of that result.
rational sqrt_of(const rational& q);
maybe sqrt_of(const maybe& q);

/// ln q for q > 0, in 320-bit floating point, as the rational value of that result (no MPFR needed).
rational log_of(const rational& q);

/// A series as scaled integers z_i with one common exponent: x_i = z_i·2^exponent.
struct scaled_series {
  std::vector<mpz_class> z;
  long exponent = 0;

  [[nodiscard]] std::size_t size() const { return z.size(); }
  [[nodiscard]] rational value(std::size_t i) const;
};

scaled_series scale(const long double* values, std::size_t n);

template <class T>
scaled_series scale(const T* data, std::size_t n) {
  static_assert(std::is_arithmetic_v<T>, "scale needs arithmetic values");
  static_assert(
      !std::is_integral_v<T> || std::numeric_limits<T>::digits <= std::numeric_limits<long double>::digits,
      "this integer type does not fit exactly in long double");
  std::vector<long double> values(data, data + n);  // exact
  return scale(values.data(), n);
}

/// b_i = s_i − r·f_i, exactly.
scaled_series combine(const scaled_series& s, const scaled_series& f, const dyadic& r);

/// Consecutive differences x_i − x_{i−1}, exactly.
scaled_series differences(const scaled_series& x);

/// Exact describe(): mean, variance (n − 1), standard deviation, min, max.
struct summary {
  std::size_t n = 0;
  maybe mean, variance, stddev, min, max;
};

summary describe(const scaled_series& x);

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
  // Intermediate sums, for tests that need them: centred S_SS, S_FF, S_SF and SSR = S_SS − S_SF²/S_FF.
  maybe sss, sff, ssf, ssr;
};

fit fit_hedge(const scaled_series& s, const scaled_series& f);

template <class TS, class TF>
fit fit_hedge(const TS* s, const TF* f, std::size_t n) {
  return fit_hedge(scale(s, n), scale(f, n));
}

/// Exact basis_stats for b_t = s_t − ratio·f_t.
struct basis {
  std::size_t n = 0;
  maybe mean, variance, stddev, change_variance, change_stddev, min, max, last;
};

basis basis_risk(const scaled_series& s, const scaled_series& f, const dyadic& ratio);

template <class TS, class TF, class R>
basis basis_risk(const TS* s, const TF* f, std::size_t n, R ratio) {
  return basis_risk(scale(s, n), scale(f, n), to_dyadic(ratio));
}

/// Var(S − ratio·F) with n − 1, exactly (nullopt for n < 2).
maybe residual_variance(const scaled_series& s, const scaled_series& f, const dyadic& ratio);

template <class TS, class TF, class R>
maybe residual_variance(const TS* s, const TF* f, std::size_t n, R ratio) {
  return residual_variance(scale(s, n), scale(f, n), to_dyadic(ratio));
}

/// 1 − Var(S − ratio·F)/Var(S), exactly (nullopt for n < 2 or a constant exposure).
maybe hedge_effectiveness(const scaled_series& s, const scaled_series& f, const dyadic& ratio);

template <class TS, class TF, class R>
maybe hedge_effectiveness(const TS* s, const TF* f, std::size_t n, R ratio) {
  return hedge_effectiveness(scale(s, n), scale(f, n), to_dyadic(ratio));
}

}  // namespace hm_test::exact

#endif  // HEDGEMETRICS_TESTS_SUPPORT_EXACT_HPP
