// SPDX-License-Identifier: MIT
/// \file
/// Comparison helpers for the tests: relative-error checks against exact references whose failure
/// messages show computed, expected, error and tolerance; the log relative error (LRE) used by NIST;
/// a seeded random source that does not depend on the standard library's distributions.
#ifndef HEDGEMETRICS_TESTS_SUPPORT_CHECK_HPP
#define HEDGEMETRICS_TESTS_SUPPORT_CHECK_HPP

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <exception>
#include <iomanip>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "support/exact.hpp"

namespace hm_test {

/// Runs `call`, which must throw Exception with a message containing every one of `parts` (the function,
/// the argument, the row: the library's errors name what is wrong).
template <class Exception, class Call>
void check_throws_containing(Call&& call, const std::vector<std::string>& parts) {
  bool thrown = false;
  try {
    call();
  } catch (const Exception& e) {
    thrown = true;
    const std::string message = e.what();
    for (const auto& part : parts) {
      CHECK_MESSAGE(message.find(part) != std::string::npos,
                    "message \"" << message << "\" should contain \"" << part << "\"");
    }
  } catch (const std::exception& e) {
    FAIL_CHECK("threw the wrong exception type: " << e.what());
    return;
  }
  CHECK_MESSAGE(thrown,
                "expected an exception whose message contains \"" << (parts.empty() ? "" : parts[0]) << "\"");
}

/// Issue 2, "Accuracy": every figure within 1e-11 relative of exact rational arithmetic on hard series.
inline constexpr double figure_tolerance = 1e-11;
/// Issue 2: for near-perfect hedges (1 − R² ≈ 1e-12) the residual figures within 1e-8.
inline constexpr double residual_tolerance = 1e-8;

/// A value printed with enough digits to tell neighbouring floating-point values apart.
template <class Real>
std::string show(Real value) {
  std::ostringstream out;
  if constexpr (std::is_floating_point_v<Real>) {
    out << std::setprecision(std::numeric_limits<Real>::max_digits10) << value;
  } else {
    out << value;
  }
  return out.str();
}

/// |q| as a double, 0 for an undefined figure: the natural size of a figure, for absolute floors.
inline double magnitude(const exact::maybe& q) {
  return q ? std::fabs(q->get_d()) : 0.0;
}

inline std::string show(const exact::rational& value) {
  return show(exact::to_real<long double>(value));
}

/// |computed − expected| / |expected|, in exact arithmetic, rounded to double at the very end.
/// For expected = 0 it is |computed| (an absolute error).
template <class Real>
double relative_error(Real computed, const exact::rational& expected) {
  if (!std::isfinite(computed)) return std::numeric_limits<double>::infinity();
  exact::rational difference = exact::to_rational(computed) - expected;
  if (sgn(difference) < 0) difference = -difference;
  if (sgn(expected) == 0) return difference.get_d();
  exact::rational magnitude = expected;
  if (sgn(magnitude) < 0) magnitude = -magnitude;
  return exact::rational(difference / magnitude).get_d();
}

/// Checks |computed − expected| ≤ tolerance·|expected| + floor. When the exact answer is 0 a relative
/// error does not exist: then |computed| ≤ tolerance·zero_scale + floor (zero_scale: the figure's natural
/// size, e.g. the exposure variance for a residual variance). `floor` is an absolute allowance for what
/// no floating-point result can avoid (documented where it is used). An undefined expected value
/// (std::nullopt) requires NaN.
template <class Real>
bool check_close(const std::string& what, Real computed, const exact::maybe& expected, double tolerance,
                 double zero_scale = 0.0, double floor = 0.0) {
  static_assert(std::is_floating_point_v<Real>, "check_close compares floating-point results");
  if (!expected) {
    const bool ok = std::isnan(computed);
    CHECK_MESSAGE(ok, what << ": expected NaN (the figure is undefined here), computed " << show(computed));
    return ok;
  }
  const bool zero = sgn(*expected) == 0;
  const double magnitude = std::fabs(expected->get_d());
  // Compare absolute errors: |computed − expected| ≤ bound.
  const double absolute = relative_error(computed, *expected) * (zero ? 1.0 : magnitude);
  const double bound = (zero ? tolerance * zero_scale : tolerance * magnitude) + floor;
  const bool ok = absolute <= bound;
  const std::string kind =
      zero ? " (the exact value is 0: absolute, tolerance x scale " + show(zero_scale) + ")"
           : " (relative " + show(tolerance) + ")";
  CHECK_MESSAGE(ok, what << ": computed " << show(computed) << ", expected " << show(*expected)
                         << ", absolute error " << absolute << ", relative error "
                         << (zero ? absolute : absolute / magnitude) << ", allowed " << bound << kind
                         << (floor > 0.0 ? std::string(" + floor ") + show(floor) : std::string()));
  return ok;
}

/// Checks a computed value against a floating-point expectation with a relative tolerance.
template <class Real, class Expected>
bool check_close_value(const std::string& what, Real computed, Expected expected, double tolerance) {
  return check_close(what, computed, exact::maybe(exact::to_rational(expected)), tolerance);
}

template <class Real>
bool check_nan(const std::string& what, Real computed) {
  const bool ok = std::isnan(computed);
  CHECK_MESSAGE(ok, what << ": expected NaN, computed " << show(computed));
  return ok;
}

/// What no floating-point result can avoid in a residual variance at ratio h, Var(S − hF) =
/// (SSR + (h − h*)²·S_FF)/(n − 1): h* itself is known only to a rounding, eps·|h*|, which moves the
/// second term by (2|h − h*| + eps|h*|)·eps|h*|·Var(F). It matters only where the exact value is itself
/// of that size (h within a few ulps of h* and an almost perfect fit, e.g. n = 2), and is 1e-19 of the
/// residual variance of the near-perfect hedges below. The last term is the rounding of the residuals
/// themselves, a few ulps of |h·(F − F̄)| each (8 ulps: builds that contract a − h·b into one fused
/// multiply-add round it differently from those that do not, and an exact 0 for n = 2 in one is ~1e-30 in
/// the other).
template <class Real>
double residual_floor(double h, double h_star, double var_f) {
  const double eps = static_cast<double>(std::numeric_limits<Real>::epsilon());
  const double hs = std::fabs(h_star);
  return 4.0 * (2.0 * std::fabs(h - h_star) + eps * hs) * eps * hs * var_f + 64.0 * eps * eps * h * h * var_f;
}

/// Log relative error, the number of correct significant digits (McCullough 1998; NIST StRD):
/// LRE = −log10(|computed − certified| / |certified|), or −log10|computed| when certified = 0; clamped
/// to [0, cap] because digits beyond those certified mean nothing.
inline double lre(const exact::rational& computed, const exact::rational& certified, double cap = 15.0) {
  exact::rational difference = computed - certified;
  if (sgn(difference) < 0) difference = -difference;
  if (sgn(difference) == 0) return cap;
  exact::rational error = difference;
  if (sgn(certified) != 0) {
    exact::rational magnitude = certified;
    if (sgn(magnitude) < 0) magnitude = -magnitude;
    error = difference / magnitude;
  }
  const double e = error.get_d();
  if (!(e > 0.0)) return cap;  // below the smallest double: as good as it gets
  const double digits = -std::log10(e);
  return digits < 0.0 ? 0.0 : (digits > cap ? cap : digits);
}

template <class Real>
double lre(Real computed, const exact::rational& certified, double cap = 15.0) {
  static_assert(std::is_floating_point_v<Real>, "lre of a floating-point result");
  if (!std::isfinite(computed)) return 0.0;
  return lre(exact::to_rational(computed), certified, cap);
}

/// A seeded source of uniform values built from mt19937_64's raw 64-bit outputs, which the standard
/// specifies exactly; the standard distributions are implementation-defined and would make the test
/// data differ between standard libraries.
class random_source {
 public:
  explicit random_source(std::uint64_t seed) : engine_(seed) {}

  /// Uniform on [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  /// Uniform on [−1, 1).
  double symmetric() { return 2.0 * uniform() - 1.0; }
  /// Uniform integer in [lo, hi] (a tiny modulo bias is irrelevant here).
  long integer(long lo, long hi) {
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1U;
    return lo + static_cast<long>(engine_() % span);
  }

 private:
  std::mt19937_64 engine_;
};

/// Rounds a generated value to the element type under test: to nearest for integers.
template <class T>
T to_element(long double x) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(std::llround(x));
  } else {
    return static_cast<T>(x);
  }
}

/// The name of an element type, for messages.
template <class T>
const char* type_name() {
  if constexpr (std::is_same_v<T, double>)
    return "double";
  else if constexpr (std::is_same_v<T, float>)
    return "float";
  else if constexpr (std::is_same_v<T, long double>)
    return "long double";
  else if constexpr (std::is_same_v<T, int>)
    return "int";
  else if constexpr (std::is_same_v<T, long>)
    return "long";
  else
    return "other";
}

}  // namespace hm_test

#endif  // HEDGEMETRICS_TESTS_SUPPORT_CHECK_HPP
