// SPDX-License-Identifier: MIT
// Checks every figure of a hedge_fit against the exact answer, with the tolerances of issue 2; shared by
// the tests of fit_hedge and of hedge_accumulator.
#ifndef HEDGEMETRICS_TESTS_SUPPORT_FIT_CHECK_HPP
#define HEDGEMETRICS_TESTS_SUPPORT_FIT_CHECK_HPP

#include <hedgemetrics/hedge_ratio.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "support/check.hpp"
#include "support/exact.hpp"

namespace hm_test {

namespace hm = hedgemetrics;
namespace ex = hm_test::exact;

/// Compares every figure of a hedge_fit with the exact answer. `residual_tol` applies to the figures
/// built on the residual sum of squares. Exact zeros (a perfect fit) are compared on the figure's scale.
///
/// Two absolute floors, both of the size of a few roundings and far below every tolerance on
/// well-conditioned figures:
///  - intercept = S̄ − h*·F̄ is a difference; it cannot be known better than a few roundings of its terms,
///    16·eps·(|S̄| + |h*·F̄|). This matters where S ≈ h·F passes through 0 (the near-perfect hedges, whose
///    intercepts are 1e6 to 1e8 times smaller than the means).
///  - the residual figures get residual_floor (see there), which matters only when SSR is 0 or nearly.
template <class Real>
void check_fit(const std::string& label, const hm::hedge_fit<Real>& got, const ex::fit& want, double tol,
               double residual_tol) {
  CHECK_MESSAGE(got.n == want.n, label << ": n is " << got.n << ", expected " << want.n);
  const double eps = static_cast<double>(std::numeric_limits<Real>::epsilon());
  const double n = static_cast<double>(want.n);
  const double var_s = magnitude(want.exposure_variance);
  const double var_f = magnitude(want.hedge_variance);
  const double mean_s = magnitude(want.exposure_mean);
  const double mean_f = magnitude(want.hedge_mean);
  const double h = want.ratio ? want.ratio->get_d() : 0.0;
  const double ratio_scale = var_f > 0.0 ? std::sqrt(var_s / var_f) : 0.0;
  check_close(label + ": exposure_mean", got.exposure_mean, want.exposure_mean, tol, 1.0 + mean_s);
  check_close(label + ": hedge_mean", got.hedge_mean, want.hedge_mean, tol, 1.0 + mean_f);
  check_close(label + ": exposure_variance", got.exposure_variance, want.exposure_variance, tol,
              mean_s * mean_s);
  check_close(label + ": hedge_variance", got.hedge_variance, want.hedge_variance, tol, mean_f * mean_f);
  check_close(label + ": covariance", got.covariance, want.covariance, tol, std::sqrt(var_s * var_f));
  check_close(label + ": ratio", got.ratio, want.ratio, tol, ratio_scale);
  check_close(label + ": intercept", got.intercept, want.intercept, tol, mean_s + std::fabs(h) * mean_f,
              16.0 * eps * (mean_s + std::fabs(h) * mean_f));
  check_close(label + ": effectiveness", got.effectiveness, want.effectiveness, tol, 1.0);
  check_close(label + ": correlation", got.correlation, want.correlation, tol, 1.0);
  // Residual figures: the floor on the variance, carried through the square root and the scalings.
  const double floor_variance = hm_test::residual_floor<Real>(h, h, var_f);
  const double floor_rse = n > 2.0 ? std::sqrt(floor_variance * (n - 1.0) / (n - 2.0)) : 0.0;
  const double sff = var_f * (n - 1.0);
  const double floor_ratio_se = sff > 0.0 ? floor_rse / std::sqrt(sff) : 0.0;
  const double floor_intercept_se = sff > 0.0 ? floor_rse * std::sqrt(1.0 / n + mean_f * mean_f / sff) : 0.0;
  check_close(label + ": residual_variance", got.residual_variance, want.residual_variance, residual_tol,
              var_s, floor_variance);
  check_close(label + ": residual_standard_error", got.residual_standard_error, want.residual_standard_error,
              residual_tol, std::sqrt(var_s), floor_rse);
  check_close(label + ": ratio_standard_error", got.ratio_standard_error, want.ratio_standard_error,
              residual_tol, ratio_scale, floor_ratio_se);
  check_close(label + ": intercept_standard_error", got.intercept_standard_error,
              want.intercept_standard_error, residual_tol,
              std::sqrt(var_s) * (1.0 + mean_f / (var_f > 0.0 ? std::sqrt(var_f) : 1.0)), floor_intercept_se);
}

/// 1 − effectiveness against its exact value, for near-perfect hedges. The tolerance is 1e-8 relative
/// plus what storing effectiveness (≈ 1 − 1e-12) in Real can hold: 2 ulps of 1, i.e. 2·epsilon absolute,
/// which is 2.2e-4 relative for double when 1 − R² ≈ 1e-12. No implementation can do better through the
/// `effectiveness` field; 1 − effectiveness itself is computed exactly (Sterbenz) by the test.
template <class Real>
void check_one_minus_effectiveness(const std::string& label, Real effectiveness,
                                   const ex::maybe& exact_effectiveness) {
  REQUIRE(exact_effectiveness);
  const ex::rational exact_complement = ex::rational(1) - *exact_effectiveness;
  const Real complement = Real(1) - effectiveness;
  const double representable =
      2.0 * static_cast<double>(std::numeric_limits<Real>::epsilon()) / std::fabs(exact_complement.get_d());
  check_close(label + ": 1 - effectiveness", complement, ex::maybe(exact_complement),
              residual_tolerance + representable);
}

/// Every Real figure of a hedge_fit, with its name, for tests that treat them alike.
template <class Real>
std::vector<std::pair<const char*, Real>> figures(const hm::hedge_fit<Real>& f) {
  return {{"ratio", f.ratio},
          {"intercept", f.intercept},
          {"effectiveness", f.effectiveness},
          {"correlation", f.correlation},
          {"exposure_mean", f.exposure_mean},
          {"hedge_mean", f.hedge_mean},
          {"exposure_variance", f.exposure_variance},
          {"hedge_variance", f.hedge_variance},
          {"covariance", f.covariance},
          {"residual_variance", f.residual_variance},
          {"residual_standard_error", f.residual_standard_error},
          {"ratio_standard_error", f.ratio_standard_error},
          {"intercept_standard_error", f.intercept_standard_error}};
}

/// Two fits of the same data (or of data whose exact answers coincide) agree figure by figure.
template <class Real>
void check_same_fit(const std::string& label, const hm::hedge_fit<Real>& got, const hm::hedge_fit<Real>& want,
                    double tol) {
  CHECK_MESSAGE(got.n == want.n, label << ": n is " << got.n << ", expected " << want.n);
  const auto g = figures(got);
  const auto w = figures(want);
  for (std::size_t i = 0; i < g.size(); ++i) {
    const std::string what = label + ": " + g[i].first;
    if (std::isnan(w[i].second)) {
      hm_test::check_nan(what, g[i].second);
    } else {
      hm_test::check_close_value(what, g[i].second, w[i].second, tol);
    }
  }
}

template <class Real>
void check_all_nan(const std::string& label, const hm::hedge_fit<Real>& got) {
  for (const auto& [name, value] : figures(got)) hm_test::check_nan(label + ": " + name, value);
}

}  // namespace hm_test

#endif  // HEDGEMETRICS_TESTS_SUPPORT_FIT_CHECK_HPP
