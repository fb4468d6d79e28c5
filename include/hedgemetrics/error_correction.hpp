// SPDX-License-Identifier: MIT
/// \file
/// Error-correction hedge ratio for cointegrated spot and futures prices (two-step Engle–Granger).
///
/// When spot S and futures F prices are cointegrated, the regression of ΔS on ΔF alone omits the lagged
/// equilibrium error, and its ratio is biased downwards (Ghosh 1993, "Hedging with stock index futures:
/// estimation and forecasting with error correction model", J. Futures Markets 13(7); Lien 1996, "The effect
/// of the cointegration relationship on futures hedging: a note", J. Futures Markets 16(7)). The model:
/// \f[ S_t = c + \beta F_t + u_t \quad\text{(levels, step 1)} \f]
/// \f[ \Delta S_t = a + h\,\Delta F_t + \gamma\,\hat u_{t-1}
///     + \sum_{i=1}^{p} (\phi_i \Delta S_{t-i} + \theta_i \Delta F_{t-i}) + e_t \quad\text{(step 2)} \f]
/// with û the step-1 residuals (Engle & Granger 1987, Econometrica 55(2)). h is the error-correction hedge
/// ratio. Convention as everywhere in the library: S held long, h units of F sold.
#ifndef HEDGEMETRICS_ERROR_CORRECTION_HPP
#define HEDGEMETRICS_ERROR_CORRECTION_HPP

#include <Eigen/Core>

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/hedge_ratio.hpp"
#include "hedgemetrics/inference.hpp"
#include "hedgemetrics/multi_hedge.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

/// Options of error_correction_hedge.
struct error_correction_options {
  /// p, the lags of ΔS and ΔF in step 2 (0: none).
  std::size_t lags = 1;
  /// Confidence level of the intervals, in (0, 1).
  double level = 0.95;
  /// What non-finite prices mean: propagate (every figure NaN) or raise (std::domain_error). A gap in a
  /// price series breaks its differences and lags, so omit is not offered: fill or cut the series first.
  missing_data missing = missing_data::propagate;
};

/// The two-step Engle–Granger error-correction hedge, with its inference and its effectiveness beside the
/// plain OLS hedge of ΔS on ΔF over the same periods.
///
/// Step 2 runs over the n = N − 1 − p periods t = p + 1 … N − 1 that have all lags (N prices). Its
/// coefficients, in `model.ratios` and `tests.ratios`, are ordered (h, γ, φ_1…φ_p, θ_1…θ_p); standard
/// errors are OLS, s²(DᵀD)⁻¹ with n − (2 + 2p + 1) degrees of freedom (the generated regressor û needs no
/// correction: β̂ is super-consistent, Engle & Granger 1987, §4). For HAC errors pass the design to
/// newey_west (inference.hpp). NaN figures when n ≤ 2p + 3 or a series is constant.
struct error_correction_fit {
  /// N, the price pairs given.
  std::size_t prices = 0;
  /// n, the periods of the step-2 regression.
  std::size_t n = 0;
  /// β, the cointegrating ratio: the slope of S on F in levels (step 1).
  double cointegrating_ratio = std::numeric_limits<double>::quiet_NaN();
  /// c, step 1's intercept.
  double cointegrating_intercept = std::numeric_limits<double>::quiet_NaN();
  /// h, the error-correction hedge ratio (the coefficient on ΔF_t).
  double ratio = std::numeric_limits<double>::quiet_NaN();
  /// γ, the speed of adjustment (negative when S moves back towards c + βF).
  double adjustment = std::numeric_limits<double>::quiet_NaN();
  /// The t test and interval of h.
  coefficient_test<double> ratio_test;
  /// The t test and interval of γ (a significantly negative γ is evidence of error correction).
  coefficient_test<double> adjustment_test;
  /// 1 − Var(ΔS − h·ΔF)/Var(ΔS) over the n periods: the variance the hedge at ratio h removes.
  double effectiveness = std::numeric_limits<double>::quiet_NaN();
  /// The OLS ratio of ΔS on ΔF over the same n periods (hedge_ratio.hpp's fit_hedge).
  double ols_ratio = std::numeric_limits<double>::quiet_NaN();
  /// Its OLS standard error.
  double ols_ratio_standard_error = std::numeric_limits<double>::quiet_NaN();
  /// Its effectiveness, ρ²: never below `effectiveness` in sample, as OLS minimises that variance.
  double ols_effectiveness = std::numeric_limits<double>::quiet_NaN();
  /// Step 2's full fit (multi_hedge.hpp): R², residual variance, covariance of the coefficients.
  multi_hedge_fit<double> model;
  /// Step 2's t tests and F test (inference.hpp).
  hedge_inference<double> tests;
};

namespace detail {

/// Step 2's design: columns ΔF_t, û_{t−1}, ΔS_{t−i}, ΔF_{t−i} for t = p + 1 … N − 1, and the response ΔS_t.
inline void error_correction_design(const std::vector<double>& s, const std::vector<double>& f, double beta,
                                    double c, std::size_t p, Eigen::VectorXd& response,
                                    Eigen::MatrixXd& design) {
  const std::size_t big_n = s.size();
  const std::size_t n = big_n > p + 1 ? big_n - 1 - p : 0;
  const auto k = static_cast<Eigen::Index>(2 + 2 * p);
  response.resize(static_cast<Eigen::Index>(n));
  design.resize(static_cast<Eigen::Index>(n), k);
  for (std::size_t row = 0; row < n; ++row) {
    const std::size_t t = row + p + 1;
    const auto r = static_cast<Eigen::Index>(row);
    response[r] = s[t] - s[t - 1];
    design(r, 0) = f[t] - f[t - 1];
    design(r, 1) = s[t - 1] - c - beta * f[t - 1];
    for (std::size_t i = 1; i <= p; ++i) {
      design(r, static_cast<Eigen::Index>(1 + i)) = s[t - i] - s[t - i - 1];
      design(r, static_cast<Eigen::Index>(1 + p + i)) = f[t - i] - f[t - i - 1];
    }
  }
}

}  // namespace detail

/// Fits the two-step Engle–Granger error-correction hedge of `spot` with `futures` price levels (see
/// the file comment for the model, error_correction_fit for each figure, its degrees of freedom and when
/// it is NaN). Step 1 is fit_hedge of the levels; step 2 the multi-instrument fit_hedge (QR) of ΔS on
/// [ΔF, û_{t−1}, lags]; tests from inference().
///
/// \param spot    S, price levels (not changes): any contiguous series.
/// \param futures F, price levels aligned with `spot`.
/// \returns error_correction_fit.
/// \throws std::invalid_argument when the lengths differ or the level is outside (0, 1);
///         std::domain_error under missing_data::raise, naming the first non-finite price.
template <class Spot, class Futures>
[[nodiscard]] error_correction_fit error_correction_hedge(const Spot& spot, const Futures& futures,
                                                          const error_correction_options& options = {}) {
  constexpr const char* function = "hedgemetrics::error_correction_hedge";
  const auto sv = detail::view_of(spot, function, "spot");
  const auto fv = detail::view_of(futures, function, "futures");
  detail::require_same_length(function, "spot", sv.size(), "futures", fv.size());
  detail::require_open_unit(options.level, "the confidence level", function);
  const std::size_t big_n = sv.size();
  const detail::nonfinite_position where =
      detail::find_nonfinite(0, big_n, detail::named_series<series_element_t<Spot>>{"spot", sv.data()},
                             detail::named_series<series_element_t<Futures>>{"futures", fv.data()});
  if (where.found && options.missing == missing_data::raise) detail::throw_nonfinite(function, where);
  error_correction_fit out;
  out.prices = big_n;
  const std::size_t p = options.lags;
  out.n = big_n > p + 1 ? big_n - 1 - p : 0;
  if (where.found || out.n <= 2 * p + 3) return out;
  std::vector<double> s(big_n), f(big_n);
  for (std::size_t i = 0; i < big_n; ++i)
    s[i] = static_cast<double>(sv[i]), f[i] = static_cast<double>(fv[i]);
  const hedge_fit<double> levels = fit_hedge(s, f);
  out.cointegrating_ratio = levels.ratio;
  out.cointegrating_intercept = levels.intercept;
  if (std::isnan(levels.ratio)) return out;
  Eigen::VectorXd response;
  Eigen::MatrixXd design;
  detail::error_correction_design(s, f, levels.ratio, levels.intercept, p, response, design);
  out.model = fit_hedge(response, design, fit_options{});
  out.tests = inference(out.model, options.level);
  out.ratio = out.model.ratios[0];
  out.adjustment = out.model.ratios[1];
  out.ratio_test = out.tests.ratios[0];
  out.adjustment_test = out.tests.ratios[1];
  const Eigen::VectorXd df = design.col(0);
  const hedge_fit<double> ols = fit_hedge(response, df);
  out.ols_ratio = ols.ratio;
  out.ols_ratio_standard_error = ols.ratio_standard_error;
  out.ols_effectiveness = ols.effectiveness;
  if (std::isfinite(out.ratio)) out.effectiveness = hedge_effectiveness(response, df, out.ratio);
  return out;
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_ERROR_CORRECTION_HPP
