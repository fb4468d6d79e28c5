// SPDX-License-Identifier: MIT
/// \file
/// Correlation bands: is today's correlation between exposure and hedge really lower than last year's?
/// Pearson's r with its Fisher-z confidence interval and t test (as R's cor.test computes them), and the
/// test of equal correlation in two independent windows.
///
/// The hedge's effectiveness is ρ² (Ederington 1979), so a band on ρ is a band on what the hedge can
/// remove; "monitor the correlation" is the usual third remedy for hedging inefficiency.
#ifndef HEDGEMETRICS_CORRELATION_HPP
#define HEDGEMETRICS_CORRELATION_HPP

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/exact_sums.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/detail/normal.hpp"
#include "hedgemetrics/detail/power_scale.hpp"
#include "hedgemetrics/inference.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

/// Options of the correlation intervals and tests.
struct correlation_options {
  /// Confidence level of the interval, in (0, 1).
  double level = 0.95;
  /// Non-finite values: propagate (every figure NaN), omit (drop the pairs) or raise (std::domain_error).
  missing_data missing = missing_data::propagate;
};

/// Pearson's correlation of S and F with its confidence interval and test of ρ = 0.
///
/// | member        | formula                                                          | NaN when          |
/// |---------------|------------------------------------------------------------------|-------------------|
/// | `estimate`    | r = Σ(S − S̄)(F − F̄)/√(Σ(S − S̄)² Σ(F − F̄)²) (two-pass, centred)   | n < 2, a constant |
/// | `lower/upper` | tanh(atanh r ∓ z_{(1+level)/2}/√(n − 3)) (Fisher 1921)            | n ≤ 3             |
/// | `t_statistic` | r√((n − 2)/(1 − r²)), n − 2 df                                   | n ≤ 2             |
/// | `p_value`     | P(\|T_{n−2}\| ≥ \|t\|), two-sided                              | n ≤ 2             |
///
/// These are R's cor.test(x, y, method = "pearson") figures. |r| = 1 gives an interval of zero width
/// and t = ±inf, p = 0.
struct correlation_interval_result {
  std::size_t n = 0;                                              ///< pairs used
  double level = 0.95;                                            ///< confidence level
  double estimate = std::numeric_limits<double>::quiet_NaN();     ///< r
  double lower = std::numeric_limits<double>::quiet_NaN();        ///< lower confidence limit
  double upper = std::numeric_limits<double>::quiet_NaN();        ///< upper confidence limit
  double t_statistic = std::numeric_limits<double>::quiet_NaN();  ///< t of H0: ρ = 0
  double p_value = std::numeric_limits<double>::quiet_NaN();      ///< its two-sided p
};

/// The test of equal correlation in two independent windows (Fisher 1921; e.g. Cohen, Cohen, West &
/// Aiken, Applied Multiple Regression/Correlation Analysis, 3rd ed., §2.8.2):
/// \f[ z = \frac{\operatorname{atanh} r_1 - \operatorname{atanh} r_2}{\sqrt{1/(n_1 - 3) + 1/(n_2 - 3)}}
///     \sim N(0, 1) \f]
/// two-sided p = P(|Z| ≥ |z|). NaN when either window has n ≤ 3 or an undefined r.
struct correlation_difference_result {
  correlation_interval_result first;                              ///< the first window's r and interval
  correlation_interval_result second;                             ///< the second window's
  double difference = std::numeric_limits<double>::quiet_NaN();   ///< r_1 − r_2
  double z_statistic = std::numeric_limits<double>::quiet_NaN();  ///< z
  double p_value = std::numeric_limits<double>::quiet_NaN();      ///< two-sided p
};

namespace detail {

template <class S, class F>
[[nodiscard]] correlation_interval_result correlation_kernel(const series_view<S>& s, const series_view<F>& f,
                                                             const correlation_options& options,
                                                             const char* function) {
  correlation_interval_result out;
  out.level = options.level;
  const nonfinite_position where =
      find_nonfinite(0, s.size(), named_series<S>{"spot", s.data()}, named_series<F>{"hedge", f.data()});
  if (where.found && options.missing == missing_data::raise) throw_nonfinite(function, where);
  std::vector<double> x, y;
  x.reserve(s.size());
  y.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (is_finite_value(s[i]) && is_finite_value(f[i])) {
      x.push_back(static_cast<double>(s[i]));
      y.push_back(static_cast<double>(f[i]));
    }
  }
  out.n = where.found && options.missing == missing_data::propagate ? s.size() : x.size();
  if (where.found && options.missing == missing_data::propagate) return out;
  const std::size_t n = x.size();
  if (n < 2) return out;
  // Range (detail/range.hpp): r is scale-free, so series whose spreads are beyond 2^±64 are divided by
  // the powers of two of their spreads (exact) before their squares are summed. Series near 1e-90 gave
  // r = 1, near 1e90 r = 0, and near 1e±270 NaN.
  for (auto* v : {&x, &y}) {
    const int e = significant_exponent(deviation_exponent<double>(v->data(), n));
    if (e != 0) scale_into(v->data(), n, e, v->data());
  }
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) mx += x[i], my += y[i];
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  compensated_sum<double> sxx, syy, sxy;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = x[i] - mx, dy = y[i] - my;
    sxx.add_product(dx, dx);
    syy.add_product(dy, dy);
    sxy.add_product(dx, dy);
  }
  if (!(sxx.value() > 0) || !(syy.value() > 0)) return out;
  const double r = std::clamp(sxy.value() / std::sqrt(sxx.value() * syy.value()), -1.0, 1.0);
  out.estimate = r;
  if (n > 2) {
    const double df = static_cast<double>(n - 2);
    out.t_statistic = std::fabs(r) == 1 ? std::copysign(std::numeric_limits<double>::infinity(), r)
                                        : r * std::sqrt(df / (1 - r * r));
    out.p_value = student_t_two_sided_p(out.t_statistic, df);
  }
  if (n > 3) {
    const double z = std::atanh(r),
                 half = normal_quantile(0.5 * (1 + options.level)) / std::sqrt(static_cast<double>(n - 3));
    out.lower = std::fabs(r) == 1 ? r : std::tanh(z - half);
    out.upper = std::fabs(r) == 1 ? r : std::tanh(z + half);
  }
  return out;
}

}  // namespace detail

/// Pearson's r of `spot` and `hedge` with its Fisher-z interval and t test (see
/// correlation_interval_result for the formulas, degrees of freedom and NaN cases).
///
/// \param spot  S: any contiguous series (see series.hpp).
/// \param hedge F: a series of the same length.
/// \throws std::invalid_argument when the lengths differ or the level is outside (0, 1);
///         std::domain_error under missing_data::raise, naming the first non-finite value.
/// Reference: Fisher (1921), "On the probable error of a coefficient of correlation deduced from a small
/// sample", Metron 1; R's cor.test.
template <class Spot, class Hedge>
[[nodiscard]] correlation_interval_result correlation_interval(const Spot& spot, const Hedge& hedge,
                                                               const correlation_options& options = {}) {
  constexpr const char* function = "hedgemetrics::correlation_interval";
  const auto s = detail::view_of(spot, function, "spot");
  const auto f = detail::view_of(hedge, function, "hedge");
  detail::require_same_length(function, "spot", s.size(), "hedge", f.size());
  detail::require_open_unit(options.level, "the confidence level", function);
  return detail::correlation_kernel(s, f, options, function);
}

/// The test of equal correlation in two independent windows (S_1, F_1) and (S_2, F_2), for example last
/// year's and this year's prices (see correlation_difference_result). Windows of one series are passed
/// as series_view{data + begin, length}.
///
/// \throws std::invalid_argument when a window's lengths differ or the level is outside (0, 1);
///         std::domain_error under missing_data::raise.
template <class Spot1, class Hedge1, class Spot2, class Hedge2>
[[nodiscard]] correlation_difference_result compare_correlations(const Spot1& spot_first,
                                                                 const Hedge1& hedge_first,
                                                                 const Spot2& spot_second,
                                                                 const Hedge2& hedge_second,
                                                                 const correlation_options& options = {}) {
  constexpr const char* function = "hedgemetrics::compare_correlations";
  const auto s1 = detail::view_of(spot_first, function, "spot_first");
  const auto f1 = detail::view_of(hedge_first, function, "hedge_first");
  const auto s2 = detail::view_of(spot_second, function, "spot_second");
  const auto f2 = detail::view_of(hedge_second, function, "hedge_second");
  detail::require_same_length(function, "spot_first", s1.size(), "hedge_first", f1.size());
  detail::require_same_length(function, "spot_second", s2.size(), "hedge_second", f2.size());
  detail::require_open_unit(options.level, "the confidence level", function);
  correlation_difference_result out;
  out.first = detail::correlation_kernel(s1, f1, options, function);
  out.second = detail::correlation_kernel(s2, f2, options, function);
  out.difference = out.first.estimate - out.second.estimate;
  if (out.first.n > 3 && out.second.n > 3 && std::fabs(out.first.estimate) < 1 &&
      std::fabs(out.second.estimate) < 1) {
    const double se =
        std::sqrt(1.0 / static_cast<double>(out.first.n - 3) + 1.0 / static_cast<double>(out.second.n - 3));
    out.z_statistic = (std::atanh(out.first.estimate) - std::atanh(out.second.estimate)) / se;
    out.p_value = std::erfc(std::fabs(out.z_statistic) / std::sqrt(2.0));
  }
  return out;
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_CORRELATION_HPP
