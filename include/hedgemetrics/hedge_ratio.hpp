// SPDX-License-Identifier: MIT
/// \file
/// Minimum-variance hedge ratio, hedge effectiveness and residual variance of a one-instrument hedge.
///
/// Convention: the exposure S is held long and h units of the hedge instrument F are sold per unit of
/// exposure, so the hedged position is S − h·F. The series are whatever the caller passes (price changes,
/// returns); use transforms.hpp to build them from price levels.
#ifndef HEDGEMETRICS_HEDGE_RATIO_HPP
#define HEDGEMETRICS_HEDGE_RATIO_HPP

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "hedgemetrics/detail/comoments.hpp"
#include "hedgemetrics/detail/range.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

/// Every figure of a minimum-variance hedge of S with F over n pairs.
///
/// With S̄, F̄ the means, S_SS = Σ(S − S̄)², S_FF = Σ(F − F̄)², S_SF = Σ(S − S̄)(F − F̄) and
/// SSR = Σ(S − S̄ − h*(F − F̄))² the residual sum of squares at h*:
///
/// | member                     | formula                                   | undefined (NaN) when       |
/// |----------------------------|-------------------------------------------|----------------------------|
/// | `ratio`                    | h* = S_SF / S_FF = Cov(S,F)/Var(F)        | n < 2, F constant          |
/// | `intercept`                | S̄ − h*·F̄                                  | n < 2, F constant          |
/// | `effectiveness`            | 1 − Var(S − h*F)/Var(S) = ρ² = R²         | n < 2, S or F constant     |
/// | `correlation`              | S_SF / √(S_SS·S_FF)                       | n < 2, S or F constant     |
/// | `exposure_variance`        | S_SS/(n − 1)                              | n < 2                      |
/// | `hedge_variance`           | S_FF/(n − 1)                              | n < 2                      |
/// | `covariance`               | S_SF/(n − 1)                              | n < 2                      |
/// | `residual_variance`        | SSR/(n − 1), sample variance of S − h*F   | n < 2, F constant          |
/// | `residual_standard_error`  | √(SSR/(n − 2)), the regression's s        | n < 3, F constant          |
/// | `ratio_standard_error`     | s/√S_FF, the OLS standard error of h*     | n < 3, F constant          |
/// | `intercept_standard_error` | s·√(1/n + F̄²/S_FF)                        | n < 3, F constant          |
///
/// `n` counts the pairs used (all pairs, or the complete ones under missing_data::omit). The means are
/// defined from n = 1. Under missing_data::propagate a non-finite value makes every figure NaN.
///
/// Range: for finite data anywhere in the double range each figure is as accurate as on data of ordinary
/// size where its true value is a normal double; a variance or covariance whose magnitude exceeds DBL_MAX
/// is ±inf, one below the smallest normal double a subnormal or 0, while `ratio`, `effectiveness`,
/// `correlation`, the standard errors and the means stay exact (detail/range.hpp: power-of-two scaling on
/// the rare careful path only).
/// Reference: Ederington (1979), "The hedging performance of the new futures markets", J. Finance 34(1);
/// Hull, Options, Futures and Other Derivatives, ch. 3.
template <class Real = double>
struct hedge_fit {
  /// Pairs used: all of them, or the complete ones under missing_data::omit.
  std::size_t n = 0;
  /// h* = S_SF / S_FF, the minimum-variance hedge ratio.
  Real ratio = std::numeric_limits<Real>::quiet_NaN();
  /// S̄ − h*·F̄, the intercept of the regression of S on F.
  Real intercept = std::numeric_limits<Real>::quiet_NaN();
  /// 1 − Var(S − h*F)/Var(S) = ρ² = R², Ederington's hedge effectiveness.
  Real effectiveness = std::numeric_limits<Real>::quiet_NaN();
  /// ρ = S_SF / √(S_SS·S_FF).
  Real correlation = std::numeric_limits<Real>::quiet_NaN();
  /// S̄, the mean of the exposure series.
  Real exposure_mean = std::numeric_limits<Real>::quiet_NaN();
  /// F̄, the mean of the hedge series.
  Real hedge_mean = std::numeric_limits<Real>::quiet_NaN();
  /// S_SS/(n − 1), the sample variance of the exposure.
  Real exposure_variance = std::numeric_limits<Real>::quiet_NaN();
  /// S_FF/(n − 1), the sample variance of the hedge.
  Real hedge_variance = std::numeric_limits<Real>::quiet_NaN();
  /// S_SF/(n − 1), the sample covariance of exposure and hedge.
  Real covariance = std::numeric_limits<Real>::quiet_NaN();
  /// SSR/(n − 1), the sample variance of the hedged position S − h*F.
  Real residual_variance = std::numeric_limits<Real>::quiet_NaN();
  /// s = √(SSR/(n − 2)), the regression's residual standard error.
  Real residual_standard_error = std::numeric_limits<Real>::quiet_NaN();
  /// s/√S_FF, the OLS standard error of h*.
  Real ratio_standard_error = std::numeric_limits<Real>::quiet_NaN();
  /// s·√(1/n + F̄²/S_FF), the OLS standard error of the intercept.
  Real intercept_standard_error = std::numeric_limits<Real>::quiet_NaN();
};

namespace detail {

// The figures round the same in every unit, whatever its flags (detail/config.hpp).
HEDGEMETRICS_NO_FP_CONTRACT_BEGIN

template <class Real>
[[nodiscard]] hedge_fit<Real> fit_from(const comoments<Real>& c) noexcept {
  hedge_fit<Real> fit;
  fit.n = c.count;
  if (c.nonfinite || c.count == 0) return fit;
  fit.exposure_mean = c.mean_x + c.tail_x;
  fit.hedge_mean = c.mean_y + c.tail_y;
  if (c.count < 2) return fit;
  const Real n = static_cast<Real>(c.count);
  fit.exposure_variance = c.sxx / (n - 1);
  fit.hedge_variance = c.syy / (n - 1);
  fit.covariance = c.sxy / (n - 1);
  // Not c.sxy/(√c.sxx·√c.syy) > 1: rounding must not push |ρ| past 1.
  const Real rho = c.sxy / (std::sqrt(c.sxx) * std::sqrt(c.syy));
  fit.correlation = rho > 1 ? Real(1) : (rho < -1 ? Real(-1) : rho);
  if (!(c.syy > 0)) return fit;
  fit.ratio = c.ratio + c.ratio_tail;
  // x̄ − h*·ȳ with h*·ȳ formed exactly: the intercept is the small difference of two large numbers when
  // the data sit far from the origin (Norris: condition number 3,200).
  Real product = 0, product_error = 0;
  two_product(c.ratio, c.mean_y, product, product_error);
  fit.intercept = (c.mean_x - product) +
                  (((c.tail_x - product_error) - c.ratio * c.tail_y) - c.ratio_tail * (c.mean_y + c.tail_y));
  // R² from whichever side of ½ it is on, so that both R² and 1 − R² keep their relative accuracy:
  // ρ² = h*·S_SF/S_SS for weak hedges, 1 − SSR/S_SS for good ones.
  const Real unexplained = c.ssr / c.sxx;
  const Real r2 = unexplained < Real(0.5) ? 1 - unexplained : c.ratio * (c.sxy / c.sxx);
  fit.effectiveness = r2 > 1 ? Real(1) : r2;
  fit.residual_variance = c.ssr / (n - 1);
  if (c.count < 3) return fit;
  const Real s = std::sqrt(c.ssr / (n - 2));
  fit.residual_standard_error = s;
  fit.ratio_standard_error = s / std::sqrt(c.syy);
  fit.intercept_standard_error = s * std::sqrt(1 / n + (fit.hedge_mean / c.syy) * fit.hedge_mean);
  return fit;
}

/// The co-moments of exposure and hedge for `function`; error messages call the series by `exposure_name`
/// and `hedge_name` (hedge_accounting.hpp's "item" and "instrument").
template <class Exposure, class Hedge>
[[nodiscard]] comoments<result_t<Exposure, Hedge>> comoments_of(const Exposure& exposure, const Hedge& hedge,
                                                                missing_data policy, const char* function,
                                                                const char* exposure_name = "exposure",
                                                                const char* hedge_name = "hedge") {
  const auto s = view_of(exposure, function, exposure_name);
  const auto f = view_of(hedge, function, hedge_name);
  require_same_length(function, exposure_name, s.size(), hedge_name, f.size());
  return compute_comoments<result_t<Exposure, Hedge>>(s.data(), f.data(), s.size(), policy, function,
                                                      exposure_name, hedge_name);
}

/// comoments_of under the range contract: the co-moments of the data, or of the data divided by a power of
/// two per series where the plain sums would overflow or underflow (detail/range.hpp).
template <class Exposure, class Hedge>
[[nodiscard]] scaled_comoments<result_t<Exposure, Hedge>> scaled_comoments_of(const Exposure& exposure,
                                                                              const Hedge& hedge,
                                                                              missing_data policy,
                                                                              const char* function) {
  const auto s = view_of(exposure, function, "exposure");
  const auto f = view_of(hedge, function, "hedge");
  require_same_length(function, "exposure", s.size(), "hedge", f.size());
  return compute_comoments_in_range<result_t<Exposure, Hedge>>(s.data(), f.data(), s.size(), policy, function,
                                                               "exposure", "hedge");
}

/// fit_from on scaled co-moments: every figure computed at the scaled size, then multiplied back by its own
/// power of two (std::ldexp rounds once, to +inf or a subnormal where the true figure is out of range).
template <class Real>
[[nodiscard]] hedge_fit<Real> fit_from(const scaled_comoments<Real>& scaled) noexcept {
  hedge_fit<Real> fit = fit_from(scaled.c);
  const int ex = scaled.scale_x;
  const int ey = scaled.scale_y;
  if (ex == 0 && ey == 0) return fit;
  fit.ratio = std::ldexp(fit.ratio, ex - ey);
  fit.intercept = std::ldexp(fit.intercept, ex);
  fit.exposure_mean = std::ldexp(fit.exposure_mean, ex);
  fit.hedge_mean = std::ldexp(fit.hedge_mean, ey);
  fit.exposure_variance = std::ldexp(fit.exposure_variance, 2 * ex);
  fit.hedge_variance = std::ldexp(fit.hedge_variance, 2 * ey);
  fit.covariance = std::ldexp(fit.covariance, ex + ey);
  fit.residual_variance = std::ldexp(fit.residual_variance, 2 * ex);
  fit.residual_standard_error = std::ldexp(fit.residual_standard_error, ex);
  fit.ratio_standard_error = std::ldexp(fit.ratio_standard_error, ex - ey);
  fit.intercept_standard_error = std::ldexp(fit.intercept_standard_error, ex);
  return fit;
}

HEDGEMETRICS_NO_FP_CONTRACT_END

}  // namespace detail

/// Options of every fit of the minimum-variance hedge: fit_hedge, min_variance_hedge_ratio,
/// hedge_effectiveness and residual_variance with one instrument, and fit_hedge with several
/// (multi_hedge.hpp). Positional arguments are only the data (and, where a function evaluates a given
/// hedge, its ratio); everything else is here, under the names every options struct of the library uses.
struct fit_options {
  /// Fit an intercept (the default). False fits through the origin, as NIST's NoInt1 and NoInt2 are: only
  /// the several-instrument fit does; the one-instrument functions throw std::invalid_argument for it.
  bool intercept = true;
  /// What non-finite values mean (see missing_data): propagate (every figure NaN), omit (drop the pairs,
  /// or rows, with any non-finite value) or raise (std::domain_error naming the first one).
  missing_data missing = missing_data::propagate;
};

namespace detail {

inline void require_intercept(const fit_options& options, const char* function) {
  if (!options.intercept) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) +
        ": fit_options::intercept = false (a fit through the origin) needs the several-instrument overload; "
        "pass the hedge as a one-column Eigen matrix, e.g. Eigen::Map<const Eigen::MatrixXd>(f.data(), n, "
        "1)"));
  }
}

template <class Exposure, class Hedge>
[[nodiscard]] scaled_comoments<result_t<Exposure, Hedge>> fit_comoments(const Exposure& exposure,
                                                                        const Hedge& hedge,
                                                                        const fit_options& options,
                                                                        const char* function) {
  require_intercept(options, function);
  return scaled_comoments_of(exposure, hedge, options.missing, function);
}

}  // namespace detail

/// Fits the minimum-variance hedge of `exposure` with `hedge`: h* = Cov(S,F)/Var(F), its standard error,
/// and every figure of hedge_fit (see there for each formula, its degrees of freedom and when it is NaN).
///
/// One pass over memory: the series are read in cache-resident blocks of co-moments merged pairwise
/// (Chan, Golub & LeVeque 1979), and the residual sum of squares is summed from the residuals, so the
/// figures keep their digits on price levels near 1e9 and on hedges with R² within 1e-12 of 1.
///
/// \param exposure the position held (S): any contiguous series (see series.hpp).
/// \param hedge    the instrument sold (F), aligned with `exposure`. An Eigen matrix of several instruments
///                 goes to the several-instrument overload (multi_hedge.hpp).
/// \param options  `missing`: what non-finite values mean (see missing_data); `intercept` must be true.
/// \returns hedge_fit<result_t<Exposure, Hedge>>.
/// \throws std::invalid_argument when the lengths differ (the message gives both) or options.intercept is
///         false; std::domain_error under missing_data::raise, naming the first non-finite value.
template <class Exposure, class Hedge, HEDGEMETRICS_ENABLE_IF(!detail::is_matrix_argument_v<Hedge>)>
[[nodiscard]] hedge_fit<result_t<Exposure, Hedge>> fit_hedge(const Exposure& exposure, const Hedge& hedge,
                                                             const fit_options& options = {}) {
  return detail::fit_from(detail::fit_comoments(exposure, hedge, options, "hedgemetrics::fit_hedge"));
}

/// The minimum-variance hedge ratio h* = Cov(S,F)/Var(F) (Hull, eq. 3.1 with σ_S/σ_F·ρ).
/// NaN when n < 2 or the hedge is constant. Options and throws as fit_hedge's.
template <class Exposure, class Hedge, HEDGEMETRICS_ENABLE_IF(!detail::is_matrix_argument_v<Hedge>)>
[[nodiscard]] result_t<Exposure, Hedge> min_variance_hedge_ratio(const Exposure& exposure, const Hedge& hedge,
                                                                 const fit_options& options = {}) {
  return detail::fit_from(
             detail::fit_comoments(exposure, hedge, options, "hedgemetrics::min_variance_hedge_ratio"))
      .ratio;
}

/// Hedge effectiveness at the minimum-variance ratio (Ederington 1979): 1 − Var(S − h*F)/Var(S), which
/// equals ρ² and the R² of the regression of S on F. In [0, 1]. NaN when n < 2 or either series is
/// constant. Options and throws as fit_hedge's.
template <class Exposure, class Hedge, HEDGEMETRICS_ENABLE_IF(!detail::is_matrix_argument_v<Hedge>)>
[[nodiscard]] result_t<Exposure, Hedge> hedge_effectiveness(const Exposure& exposure, const Hedge& hedge,
                                                            const fit_options& options = {}) {
  return detail::fit_from(
             detail::fit_comoments(exposure, hedge, options, "hedgemetrics::hedge_effectiveness"))
      .effectiveness;
}

/// Hedge effectiveness of a given ratio h (a naive 1:1 hedge, a stale ratio): 1 − Var(S − hF)/Var(S).
/// At most 1; negative when the hedge adds risk. Var(S − hF) is computed as SSR + (h − h*)²·S_FF, a sum
/// of non-negative terms, never as Var(S) − 2h·Cov + h²·Var(F). NaN when n < 2 or the exposure is
/// constant. Options and throws as fit_hedge's.
template <class Exposure, class Hedge, HEDGEMETRICS_ENABLE_IF(!detail::is_matrix_argument_v<Hedge>)>
[[nodiscard]] result_t<Exposure, Hedge> hedge_effectiveness(
    const Exposure& exposure, const Hedge& hedge,
    const detail::type_identity_t<result_t<Exposure, Hedge>> ratio, const fit_options& options = {}) {
  using Real = result_t<Exposure, Hedge>;
  const auto scaled = detail::fit_comoments(exposure, hedge, options, "hedgemetrics::hedge_effectiveness");
  const auto& c = scaled.c;
  if (c.nonfinite || c.count < 2 || !(c.sxx > 0)) return std::numeric_limits<Real>::quiet_NaN();
  return 1 - c.spread_at(scaled.scaled_ratio(ratio)) / c.sxx;
}

/// Variance of the hedged position at a given ratio: Var(S − hF) = Σ(e − ē)²/(n − 1) with e = S − hF,
/// computed as (SSR + (h − h*)²·S_FF)/(n − 1) so that it is exact for ratios near h* as well as far
/// from it. NaN when n < 2. Options and throws as fit_hedge's.
template <class Exposure, class Hedge, HEDGEMETRICS_ENABLE_IF(!detail::is_matrix_argument_v<Hedge>)>
[[nodiscard]] result_t<Exposure, Hedge> residual_variance(
    const Exposure& exposure, const Hedge& hedge,
    const detail::type_identity_t<result_t<Exposure, Hedge>> ratio, const fit_options& options = {}) {
  using Real = result_t<Exposure, Hedge>;
  const auto scaled = detail::fit_comoments(exposure, hedge, options, "hedgemetrics::residual_variance");
  const auto& c = scaled.c;
  if (c.nonfinite || c.count < 2) return std::numeric_limits<Real>::quiet_NaN();
  return std::ldexp(c.spread_at(scaled.scaled_ratio(ratio)) / static_cast<Real>(c.count - 1),
                    2 * scaled.scale_x);
}

/// \deprecated The missing-data policy now goes in fit_options (`missing`); removed in the next version.
template <class Exposure, class Hedge, class Policy,
          HEDGEMETRICS_ENABLE_IF(!detail::is_matrix_argument_v<Hedge> && detail::is_policy_v<Policy>)>
[[deprecated(
    "pass the policy in fit_options: fit_hedge(exposure, hedge, {.missing = policy}) in C++20, or set "
    "fit_options::missing")]] [[nodiscard]] hedge_fit<result_t<Exposure, Hedge>>
fit_hedge(const Exposure& exposure, const Hedge& hedge, Policy policy) {
  return detail::fit_from(
      detail::fit_comoments(exposure, hedge, fit_options{true, policy}, "hedgemetrics::fit_hedge"));
}

/// \deprecated The missing-data policy now goes in fit_options (`missing`); removed in the next version.
template <class Exposure, class Hedge, class Policy,
          HEDGEMETRICS_ENABLE_IF(!detail::is_matrix_argument_v<Hedge> && detail::is_policy_v<Policy>)>
[[deprecated(
    "pass the policy in fit_options: {.missing = policy} in C++20, or set "
    "fit_options::missing")]] [[nodiscard]] result_t<Exposure, Hedge>
min_variance_hedge_ratio(const Exposure& exposure, const Hedge& hedge, Policy policy) {
  return min_variance_hedge_ratio(exposure, hedge, fit_options{true, policy});
}

/// \deprecated The missing-data policy now goes in fit_options (`missing`); removed in the next version.
template <class Exposure, class Hedge, class Policy,
          HEDGEMETRICS_ENABLE_IF(!detail::is_matrix_argument_v<Hedge> && detail::is_policy_v<Policy>)>
[[deprecated(
    "pass the policy in fit_options: {.missing = policy} in C++20, or set "
    "fit_options::missing")]] [[nodiscard]] result_t<Exposure, Hedge>
hedge_effectiveness(const Exposure& exposure, const Hedge& hedge, Policy policy) {
  return hedge_effectiveness(exposure, hedge, fit_options{true, policy});
}

/// \deprecated The missing-data policy now goes in fit_options (`missing`); removed in the next version.
template <class Exposure, class Hedge, class Policy,
          HEDGEMETRICS_ENABLE_IF(!detail::is_matrix_argument_v<Hedge> && detail::is_policy_v<Policy>)>
[[deprecated(
    "pass the policy in fit_options: {.missing = policy} in C++20, or set "
    "fit_options::missing")]] [[nodiscard]] result_t<Exposure, Hedge>
hedge_effectiveness(const Exposure& exposure, const Hedge& hedge,
                    const detail::type_identity_t<result_t<Exposure, Hedge>> ratio, Policy policy) {
  return hedge_effectiveness(exposure, hedge, ratio, fit_options{true, policy});
}

/// \deprecated The missing-data policy now goes in fit_options (`missing`); removed in the next version.
template <class Exposure, class Hedge, class Policy,
          HEDGEMETRICS_ENABLE_IF(!detail::is_matrix_argument_v<Hedge> && detail::is_policy_v<Policy>)>
[[deprecated(
    "pass the policy in fit_options: {.missing = policy} in C++20, or set "
    "fit_options::missing")]] [[nodiscard]] result_t<Exposure, Hedge>
residual_variance(const Exposure& exposure, const Hedge& hedge,
                  const detail::type_identity_t<result_t<Exposure, Hedge>> ratio, Policy policy) {
  return residual_variance(exposure, hedge, ratio, fit_options{true, policy});
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_HEDGE_RATIO_HPP
