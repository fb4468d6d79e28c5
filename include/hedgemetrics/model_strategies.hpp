// SPDX-License-Identifier: MIT
/// \file
/// The model-based hedge ratios (Kalman filter, error correction, CCC/DCC-GARCH) as walk-forward
/// strategies: each returns a user_strategy (walk_forward.hpp) whose ratio[t] uses data up to t − 1 only,
/// so that `walk_forward(S, F, {.user = {kalman_strategy(...), dcc_strategy(...), ...}})` compares OLS,
/// rolling, EWMA and the models out of sample, after costs, in one call.
///
/// Every strategy re-estimates its parameters every `refit_every` periods (at start, start + k, …) from the
/// `window` periods before (all earlier periods when 0), and between re-estimations its filter runs on with
/// those parameters, updated every period: the Kalman filter's state, the GARCH variances and the DCC
/// correlation take in each new observation; the error-correction ratio, a constant of its model, changes
/// at re-estimations only. Parameters are never estimated on data from t or later (Dahlgran & Ma 2008 on
/// why this is the comparison to report).
#ifndef HEDGEMETRICS_MODEL_STRATEGIES_HPP
#define HEDGEMETRICS_MODEL_STRATEGIES_HPP

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/power_scale.hpp"
#include "hedgemetrics/error_correction.hpp"
#include "hedgemetrics/garch_hedge.hpp"
#include "hedgemetrics/kalman_hedge.hpp"
#include "hedgemetrics/series.hpp"
#include "hedgemetrics/walk_forward.hpp"

namespace hedgemetrics {

/// When and on what the model strategies re-estimate their parameters.
struct model_strategy_options {
  /// k: parameters are re-estimated every k periods, starting at `start`. At least 1.
  std::size_t refit_every = 250;
  /// Estimation window: the `window` periods before the re-estimation; 0: every earlier period.
  std::size_t window = 0;
  /// The first period with a ratio (earlier ones are NaN: "no estimate", walk_forward keeps the previous
  /// position). At least 30, so that every model has data to estimate from.
  std::size_t start = 250;
  /// The label in the comparison table; empty: the strategy's own ("Kalman", "ECM", "DCC", "CCC").
  std::string name;
};

namespace detail {

inline void require_strategy_options(const model_strategy_options& o, const char* function) {
  if (o.refit_every == 0) {
    HEDGEMETRICS_THROW(
        std::invalid_argument(std::string(function) + ": refit_every must be at least 1, but it is 0"));
  }
  if (o.start < 30) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) + ": start must be at least 30, but it is " + std::to_string(o.start)));
  }
}

/// The periods [first, τ) a re-estimation at τ uses.
inline std::size_t window_begin(const model_strategy_options& o, std::size_t tau) {
  return o.window == 0 || o.window >= tau ? 0 : tau - o.window;
}

template <class Series>
std::vector<double> as_doubles(const Series& series, const char* function, const char* name) {
  const auto v = view_of(series, function, name);
  std::vector<double> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = static_cast<double>(v[i]);
  return out;
}

/// Range (detail/power_scale.hpp): divides each series by the power of two of its spread where that is
/// beyond 2^±64 (exact; non-finite values kept), so that the models are estimated on data of ordinary
/// size; returns {e_S, e_F}: the strategy's ratios are multiplied back by 2^(e_S − e_F). Prices near
/// 1e±270 gave an estimated variance of +inf, which the refit then rejected as an option (Kalman), or
/// ratios of another scale (DCC, whose ratio path reran the fit's parameters on the raw data).
inline std::pair<int, int> scale_strategy_series(std::vector<double>& s, std::vector<double>& f) {
  const int es = significant_exponent(deviation_exponent<double>(s.data(), s.size()));
  const int ef = significant_exponent(deviation_exponent<double>(f.data(), f.size()));
  if (es != 0) scale_into(s.data(), s.size(), es, s.data());  // in place: value by value
  if (ef != 0) scale_into(f.data(), f.size(), ef, f.data());
  return {es, ef};
}

inline void scale_ratios_back(user_strategy& out, int shift) {
  if (shift == 0) return;
  for (double& r : out.ratio) r = std::ldexp(r, shift);
}

}  // namespace detail

/// Kalman-filter strategy on P&L series (price changes) S, F: at each re-estimation τ, kalman_hedge
/// estimates the noise variances the options leave NaN on periods [τ − window, τ); the filter with those
/// variances then runs over [τ − window, t) and ratio[t] is its filtered ratio at t − 1, for t in
/// [τ, τ + k). NaN where the filter has no ratio yet or the estimation did not converge.
/// \throws std::invalid_argument when the lengths differ or the options are out of range.
template <class Exposure, class Hedge>
[[nodiscard]] user_strategy kalman_strategy(const Exposure& exposure, const Hedge& hedge,
                                            const kalman_options& model = {},
                                            const model_strategy_options& options = {}) {
  constexpr const char* function = "hedgemetrics::kalman_strategy";
  std::vector<double> s = detail::as_doubles(exposure, function, "exposure");
  std::vector<double> f = detail::as_doubles(hedge, function, "hedge");
  detail::require_same_length(function, "exposure", s.size(), "hedge", f.size());
  detail::require_strategy_options(options, function);
  const std::size_t n = s.size();
  const auto [es, ef] = detail::scale_strategy_series(s, f);
  const int shift = es - ef;
  // Variances the caller fixed, in the scaled units: S's by 2^-2e_S, the ratio's by 2^-2(e_S − e_F).
  kalman_options scaled_model = model;
  scaled_model.observation_variance = std::ldexp(model.observation_variance, -2 * es);
  scaled_model.ratio_variance = std::ldexp(model.ratio_variance, -2 * shift);
  scaled_model.intercept_variance = std::ldexp(model.intercept_variance, -2 * es);
  user_strategy out;
  out.name = options.name.empty() ? "Kalman" : options.name;
  out.ratio.assign(n, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t tau = options.start; tau < n; tau += options.refit_every) {
    const std::size_t begin = detail::window_begin(options, tau);
    const std::size_t end = tau + options.refit_every < n ? tau + options.refit_every : n;
    const series_view<double> s_fit(s.data() + begin, tau - begin), f_fit(f.data() + begin, tau - begin);
    kalman_options fixed = scaled_model;
    fixed.smooth = false;
    const kalman_hedge_result estimated = kalman_hedge(s_fit, f_fit, fixed);
    if (estimated.estimated && !estimated.converged) continue;
    fixed.observation_variance = estimated.observation_variance;
    fixed.ratio_variance = estimated.ratio_variance_noise;
    fixed.intercept_variance = estimated.intercept_variance_noise;
    // The filter over [begin, end − 1): its state at t − 1 is the ratio for t.
    const kalman_hedge_result run =
        kalman_hedge(series_view<double>(s.data() + begin, end - 1 - begin),
                     series_view<double>(f.data() + begin, end - 1 - begin), fixed);
    for (std::size_t t = tau; t < end; ++t) out.ratio[t] = run.ratio[t - 1 - begin];
  }
  detail::scale_ratios_back(out, shift);
  return out;
}

/// Error-correction strategy on price levels: `spot` and `futures` hold N + 1 levels, and the strategy's
/// ratio series has N values, aligned with the P&L series of changes ΔS_t = S_{t+1} − S_t (what
/// walk_forward takes). At each re-estimation τ (a change index), error_correction_hedge fits levels
/// [τ − window, τ] (known when period τ starts) and ratio[t] = its h for t in [τ, τ + k). NaN when the fit
/// has no ratio.
/// \throws std::invalid_argument when the lengths differ or the options are out of range.
template <class Spot, class Futures>
[[nodiscard]] user_strategy error_correction_strategy(const Spot& spot, const Futures& futures,
                                                      const error_correction_options& model = {},
                                                      const model_strategy_options& options = {}) {
  constexpr const char* function = "hedgemetrics::error_correction_strategy";
  std::vector<double> s = detail::as_doubles(spot, function, "spot");
  std::vector<double> f = detail::as_doubles(futures, function, "futures");
  detail::require_same_length(function, "spot", s.size(), "futures", f.size());
  detail::require_strategy_options(options, function);
  const auto [es, ef] = detail::scale_strategy_series(s, f);
  const int shift = es - ef;
  const std::size_t n = s.empty() ? 0 : s.size() - 1;
  user_strategy out;
  out.name = options.name.empty() ? "ECM" : options.name;
  out.ratio.assign(n, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t tau = options.start; tau < n; tau += options.refit_every) {
    const std::size_t begin = detail::window_begin(options, tau);
    const std::size_t end = tau + options.refit_every < n ? tau + options.refit_every : n;
    const error_correction_fit fit =
        error_correction_hedge(series_view<double>(s.data() + begin, tau + 1 - begin),
                               series_view<double>(f.data() + begin, tau + 1 - begin), model);
    for (std::size_t t = tau; t < end; ++t) out.ratio[t] = fit.ratio;
  }
  detail::scale_ratios_back(out, shift);
  return out;
}

/// CCC or DCC(1,1)-GARCH strategy on return (or price-change) series S, F: at each re-estimation τ,
/// dcc_hedge fits periods [τ − window, τ); with those parameters the GARCH and correlation recursions run
/// on over [τ − window, τ + k), and ratio[t] = ρ_t σ_{S,t}/σ_{F,t}, each from data before t. NaN when a
/// maximisation did not converge.
/// \throws std::invalid_argument when the lengths differ or the options are out of range;
///         std::domain_error for a non-finite value.
template <class Exposure, class Hedge>
[[nodiscard]] user_strategy conditional_correlation_strategy(
    const Exposure& exposure, const Hedge& hedge, correlation_model model = correlation_model::dynamic,
    const garch_options& garch = {}, const model_strategy_options& options = {}) {
  constexpr const char* function = "hedgemetrics::conditional_correlation_strategy";
  std::vector<double> s = detail::as_doubles(exposure, function, "exposure");
  std::vector<double> f = detail::as_doubles(hedge, function, "hedge");
  detail::require_same_length(function, "exposure", s.size(), "hedge", f.size());
  detail::require_strategy_options(options, function);
  const auto [es, ef] = detail::scale_strategy_series(s, f);
  const int shift = es - ef;
  const std::size_t n = s.size();
  user_strategy out;
  out.name = options.name.empty() ? (model == correlation_model::dynamic ? "DCC" : "CCC") : options.name;
  out.ratio.assign(n, std::numeric_limits<double>::quiet_NaN());
  std::vector<double> path;
  for (std::size_t tau = options.start; tau < n; tau += options.refit_every) {
    const std::size_t begin = detail::window_begin(options, tau);
    const std::size_t end = tau + options.refit_every < n ? tau + options.refit_every : n;
    const conditional_correlation_hedge fit =
        dcc_hedge(series_view<double>(s.data() + begin, tau - begin),
                  series_view<double>(f.data() + begin, tau - begin), model, garch);
    if (!fit.converged) continue;
    path.assign(end - begin + 1, 0.0);
    detail::conditional_ratio_path(fit, s.data() + begin, f.data() + begin, end - begin, path.data());
    for (std::size_t t = tau; t < end; ++t) out.ratio[t] = path[t - begin];
  }
  detail::scale_ratios_back(out, shift);
  return out;
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_MODEL_STRATEGIES_HPP
