// SPDX-License-Identifier: MIT
/// \file
/// The statistical tests of hedge effectiveness: the regression test (slope band, R², the slope's t and F)
/// and the variance reduction test (part of the hedge-accounting family: hedge_accounting.hpp includes it
/// with the dollar-offset test and the assessment).
///
/// Inputs are the periodic changes in fair value of the hedged item and of the hedging instrument, in
/// money, with their signs (value_changes.hpp builds them from prices and documents the convention and
/// how the slope relates to the hedge ratio).
///
/// References: FASB ASC 815-20-35 (long-haul assessment); Finnerty & Grant (2002), "Alternative approaches
/// to testing hedge effectiveness under SFAS No. 133", Accounting Horizons 16(2); Greene, Econometric
/// Analysis, §5.2–5.3.
#ifndef HEDGEMETRICS_REGRESSION_TEST_HPP
#define HEDGEMETRICS_REGRESSION_TEST_HPP

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>

#include "hedgemetrics/detail/accounting_checks.hpp"
#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/hedge_ratio.hpp"
#include "hedgemetrics/inference.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

/// Which change is regressed on which in the regression test.
enum class regression_direction {
  /// ΔInstrument = a + b·ΔItem + e: the instrument's change explained by the item's (the direction
  /// the issue and most hedge documentation use). The default.
  instrument_on_item,
  /// ΔItem = a + b·ΔInstrument + e. R², t, F and p are the same either way; the slopes differ
  /// (b_item-on-instrument = R²/b_instrument-on-item), and the band −1.25…−0.80, closed under reciprocals,
  /// tests both alike only when R² = 1.
  item_on_instrument
};

/// Options of the regression test.
struct regression_test_options {
  /// Which change is regressed on which.
  regression_direction direction = regression_direction::instrument_on_item;
  /// The slope band, lower bound (−1.25).
  double slope_lower = -1.25;
  /// The slope band, upper bound (−0.80).
  double slope_upper = -0.80;
  /// The least R² (0.80).
  double min_r_squared = 0.80;
  /// The significance level of the slope's t test (0.05): significant when p < it. In (0, 1).
  double significance = 0.05;
  /// Fewer observations than this give a warning (30).
  std::size_t min_observations = 30;
  /// What non-finite values mean (see missing_data): propagate (every figure NaN), omit (drop the pairs
  /// with a non-finite value), raise (std::domain_error naming the first).
  missing_data missing = missing_data::propagate;
};

/// The regression test's figures and verdicts.
template <class Real = double>
struct regression_test_result {
  /// Observations used (pairs).
  std::size_t n = 0;
  /// The options used.
  regression_test_options options;
  /// The OLS slope b.
  Real slope = std::numeric_limits<Real>::quiet_NaN();
  /// The OLS intercept a.
  Real intercept = std::numeric_limits<Real>::quiet_NaN();
  /// R² of the regression.
  Real r_squared = std::numeric_limits<Real>::quiet_NaN();
  /// The slope's OLS standard error, s/√Σ(x − x̄)².
  Real slope_standard_error = std::numeric_limits<Real>::quiet_NaN();
  /// t = b/se(b), n − 2 degrees of freedom.
  Real t_statistic = std::numeric_limits<Real>::quiet_NaN();
  /// Two-sided p-value of t (Student t, n − 2 df; inference.hpp).
  Real p_value = std::numeric_limits<Real>::quiet_NaN();
  /// F = t² with (1, n − 2) degrees of freedom.
  Real f_statistic = std::numeric_limits<Real>::quiet_NaN();
  /// P(F_{1, n−2} ≥ F) (equal to p_value).
  Real f_p_value = std::numeric_limits<Real>::quiet_NaN();
  /// slope_lower ≤ slope ≤ slope_upper.
  bool slope_in_band = false;
  /// R² ≥ min_r_squared.
  bool r_squared_met = false;
  /// p_value < significance.
  bool significant = false;
  /// n < min_observations: the figures are weak evidence.
  bool few_observations = false;
  /// All three criteria met.
  bool passed = false;
};

/// Options of the variance reduction test.
struct variance_reduction_options {
  /// The reduction the test requires (0.80). ≥ 0.
  double threshold = 0.80;
  /// What non-finite values mean (see missing_data), as in regression_test_options.
  missing_data missing = missing_data::propagate;
};

/// The variance reduction test.
template <class Real = double>
struct variance_reduction_result {
  /// Observations used (pairs).
  std::size_t n = 0;
  /// The threshold the reduction must reach.
  double threshold = 0.80;
  /// Var(item), divisor n − 1.
  Real item_variance = std::numeric_limits<Real>::quiet_NaN();
  /// Var(item + instrument), divisor n − 1: the variance of the hedged position.
  Real hedged_variance = std::numeric_limits<Real>::quiet_NaN();
  /// 1 − Var(item + instrument)/Var(item). NaN when n < 2 or the item is constant.
  Real reduction = std::numeric_limits<Real>::quiet_NaN();
  /// reduction ≥ threshold.
  bool passed = false;
};

namespace detail {

inline void require_regression_options(const regression_test_options& o, const char* function) {
  require_band(o.slope_lower, o.slope_upper, "slope band", function);
  require_non_negative(o.min_r_squared, "the minimum R^2", function);
  require_open_unit(o.significance, "the significance level", function);
}

/// The co-moments of x and y under the range contract (scaled by a power of two per series where the
/// plain sums would overflow or underflow: detail/range.hpp), with the series' names for messages.
template <class X, class Y>
[[nodiscard]] scaled_comoments<result_t<X, Y>> accounting_comoments(const X& x, const Y& y,
                                                                    missing_data policy, const char* function,
                                                                    const char* x_name, const char* y_name) {
  const auto xv = view_of(x, function, x_name);
  const auto yv = view_of(y, function, y_name);
  require_same_length(function, x_name, xv.size(), y_name, yv.size());
  return compute_comoments_in_range<result_t<X, Y>>(xv.data(), yv.data(), xv.size(), policy, function, x_name,
                                                    y_name);
}

}  // namespace detail

/// The regression test of hedge effectiveness (ASC 815 long-haul practice): OLS of one change on the
/// other (see regression_direction; by default ΔI = a + b·ΔH + e), with the criteria
/// slope_lower ≤ b ≤ slope_upper (−1.25…−0.80), R² ≥ min_r_squared (0.80), and the slope significant,
/// p < significance for t = b/se(b) with n − 2 degrees of freedom; F = t² with (1, n − 2). Fewer than
/// min_observations pairs (30) sets few_observations: a warning, not a failure. The fit is fit_hedge's
/// (hedge_ratio.hpp); t, F and p come from inference.hpp (Student t and F via the regularised incomplete
/// beta function). Figures NaN when n < 3 (two points always fit a line with R² = 1: no evidence, so
/// slope, intercept and R² are NaN too, and no criterion is met) or the regressor is constant.
/// Reference: Finnerty & Grant (2002); Greene, Econometric Analysis, §5.2–5.3.
/// \param item       ΔH, the hedged item's change per period (value_changes.hpp builds it from prices).
/// \param instrument ΔI, the instrument's change per period, with its sign, aligned with `item`.
/// \param options    the direction, the criteria and the missing-data policy (regression_test_options).
/// \throws std::invalid_argument for different lengths, a slope band with lower > upper, a negative minimum
///         R², a significance level outside (0, 1); std::domain_error under missing_data::raise.
template <class Item, class Instrument>
[[nodiscard]] regression_test_result<result_t<Item, Instrument>> regression_test(
    const Item& item, const Instrument& instrument, const regression_test_options& options = {}) {
  const missing_data policy = options.missing;
  using Real = result_t<Item, Instrument>;
  const char* function = "hedgemetrics::regression_test";
  detail::require_regression_options(options, function);
  const bool on_item = options.direction == regression_direction::instrument_on_item;
  // fit_hedge(S, F) regresses S on F: S is the dependent variable. The co-moments under the range
  // contract (hedge_ratio.hpp's scaled_comoments_of, with the series' own names in messages).
  const auto scaled =
      on_item ? detail::accounting_comoments(instrument, item, policy, function, "instrument", "item")
              : detail::accounting_comoments(item, instrument, policy, function, "item", "instrument");
  const hedge_fit<Real> fit = detail::fit_from(scaled);
  // t, F and p are free of scale: taken from the fit at the scaled size, where the slope's standard error
  // is finite even when the data's is not (item changes near 1e307 against instrument changes 1e-171
  // apart: se beyond DBL_MAX, t 0.45; a fuzz finding). The same fit when no scaling was needed.
  const hedge_fit<Real> unscaled = detail::fit_from(scaled.c);
  regression_test_result<Real> out;
  out.n = fit.n;
  out.options = options;
  out.few_observations = fit.n < options.min_observations;
  // Two points always lie on a line: a slope and an R² of 1 without a residual degree of freedom are no
  // evidence, so with fewer than 3 observations every figure is NaN and nothing is met.
  if (fit.n < 3) return out;
  out.slope = fit.ratio;
  out.intercept = fit.intercept;
  out.r_squared = fit.effectiveness;
  out.slope_standard_error = fit.ratio_standard_error;
  if (std::isfinite(unscaled.ratio_standard_error)) {
    // t, p and F only: no confidence interval, so not the t critical value inference() would find by
    // bisection over the incomplete beta function, 60-80 evaluations, about 45 us, nearly all of
    // regression_test's time at 1e3 (bench_hedge_accounting, BM_regression_test). The same t, p and F.
    const auto tests = detail::ols_inference(unscaled, 0.95, std::numeric_limits<double>::quiet_NaN());
    out.t_statistic = tests.ratios[0].t_statistic;
    out.p_value = tests.ratios[0].p_value;
    out.f_statistic = tests.f_statistic;
    out.f_p_value = tests.f_p_value;
  }
  out.slope_in_band = out.slope >= static_cast<Real>(options.slope_lower) &&
                      out.slope <= static_cast<Real>(options.slope_upper);
  out.r_squared_met = out.r_squared >= static_cast<Real>(options.min_r_squared);
  out.significant = out.p_value < static_cast<Real>(options.significance);
  out.passed = out.slope_in_band && out.r_squared_met && out.significant;
  return out;
}

/// The variance reduction test: how much of the item's variance the hedge removes,
/// \f[ 1 - \frac{\mathrm{Var}(\Delta H + \Delta I)}{\mathrm{Var}(\Delta H)}, \f]
/// variances with divisor n − 1, computed as hedge_effectiveness(item, instrument, −1) (hedge_ratio.hpp:
/// Var(ΔH + ΔI) as SSR + (h − h*)²·S_FF, a sum of non-negative terms). Passes when ≥ threshold (0.80).
/// Negative when the instrument adds risk. NaN (not passed) when n < 2 or the item is constant.
/// Reference: Finnerty & Grant (2002), the "variability reduction" measure; Ederington (1979).
/// \param item       ΔH, the hedged item's change per period.
/// \param instrument ΔI, the instrument's change per period, with its sign, aligned with `item`.
/// \param options    the threshold and the missing-data policy (variance_reduction_options).
/// \throws std::invalid_argument for different lengths or a negative threshold; std::domain_error under
///         missing_data::raise.
template <class Item, class Instrument>
[[nodiscard]] variance_reduction_result<result_t<Item, Instrument>> variance_reduction_test(
    const Item& item, const Instrument& instrument, const variance_reduction_options& options = {}) {
  using Real = result_t<Item, Instrument>;
  const double threshold = options.threshold;
  const missing_data policy = options.missing;
  const char* function = "hedgemetrics::variance_reduction_test";
  detail::require_non_negative(threshold, "the variance reduction threshold", function);
  const auto scaled = detail::accounting_comoments(item, instrument, policy, function, "item", "instrument");
  const auto& fit = scaled.c;
  variance_reduction_result<Real> out;
  out.n = fit.count;
  out.threshold = threshold;
  if (fit.nonfinite || fit.count < 2) return out;
  // In the units of the scaled co-moments (a power of two per series where the data's squares would
  // overflow or underflow): the reduction is a ratio, the variances are scaled back (+inf past DBL_MAX).
  const Real n1 = static_cast<Real>(fit.count - 1);
  const Real spread = fit.spread_at(scaled.scaled_ratio(Real(-1)));
  out.item_variance = std::ldexp(fit.sxx / n1, 2 * scaled.scale_x);
  out.hedged_variance = std::ldexp(spread / n1, 2 * scaled.scale_x);
  if (fit.sxx > 0) {
    // From whichever side of ½ it is on, as fit_hedge's R²: 1 − Var(H + I)/Var(H) for a good hedge; for a
    // poor one the same figure as h·(2·S_HI − h·S_II)/S_HH (h = −1 in the scaled units), which keeps its
    // relative accuracy where the instrument is tiny beside the item (a reduction of 1e-91 is not 0).
    const Real unexplained = spread / fit.sxx;
    const Real h = scaled.scaled_ratio(Real(-1));
    out.reduction = unexplained <= Real(0.5) ? 1 - unexplained : h * (2 * fit.sxy - h * fit.syy) / fit.sxx;
  }
  out.passed = out.reduction >= static_cast<Real>(threshold);
  return out;
}

/// regression_test with the missing-data policy as a positional argument (before 0.2).
template <class Item, class Instrument>
[[deprecated(
    "use regression_test(item, instrument, options) with options.missing "
    "instead")]] [[nodiscard]] regression_test_result<result_t<Item, Instrument>>
regression_test(const Item& item, const Instrument& instrument, const regression_test_options& options,
                missing_data policy) {
  regression_test_options with_policy = options;
  with_policy.missing = policy;
  return regression_test(item, instrument, with_policy);
}

/// variance_reduction_test with a bare threshold and a positional policy (before 0.2).
template <class Item, class Instrument>
[[deprecated(
    "use variance_reduction_test(item, instrument, variance_reduction_options{threshold, missing}) "
    "instead")]] [[nodiscard]] variance_reduction_result<result_t<Item, Instrument>>
variance_reduction_test(const Item& item, const Instrument& instrument, double threshold,
                        missing_data policy = missing_data::propagate) {
  return variance_reduction_test(item, instrument, variance_reduction_options{threshold, policy});
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_REGRESSION_TEST_HPP
