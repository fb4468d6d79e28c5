// SPDX-License-Identifier: MIT
/// \file
/// Tail risk of a P&L series: historical value at risk and expected shortfall (Rockafellar & Uryasev),
/// O(n) by selection, with overloads that reuse a caller's buffer.
///
/// Sign convention: pnl is what the position gains per period; the losses are L = −pnl, and VaR and ES
/// are returned as losses (positive when the tail loses money). For a hedged position pass S − h·F.
#ifndef HEDGEMETRICS_TAIL_RISK_HPP
#define HEDGEMETRICS_TAIL_RISK_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/exact_sums.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/downside_options.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

namespace detail {

/// Where the tail of n values starts at a level: the 1-based rank k of the lower level-quantile (the
/// smallest k with k ≥ level·n) and the tail weight q = n·(1 − level) in observations.
///
/// level·n within 8 ulps of a whole number is taken as that number: the double 0.9 is
/// 0.90000000000000002220, so 0.9·10 would otherwise start the tail at rank 10 rather than 9, against
/// what every caller who writes 0.9 means; the rounding of level itself is larger than that window.
/// Otherwise k is decided exactly (fma gives the sign of level·n − k without rounding).
template <class Real>
struct tail_split {
  std::size_t rank = 1;
  Real weight = 0;
};

template <class Real>
[[nodiscard]] tail_split<Real> split_tail(double level, std::size_t n) noexcept {
  const double count = static_cast<double>(n);
  const double product = level * count;
  const double whole = std::round(product);
  tail_split<Real> out;
  if (std::fabs(product - whole) <= 8 * std::numeric_limits<double>::epsilon() * product) {
    out.rank = whole < 1.0 ? 1 : static_cast<std::size_t>(whole);
    out.weight = static_cast<Real>(count - whole);
    return out;
  }
  double k = std::ceil(product);
  while (k > 1.0 && std::fma(level, count, -(k - 1.0)) <= 0.0) k -= 1.0;
  while (k < count && std::fma(level, count, -k) > 0.0) k += 1.0;
  if (k < 1.0) k = 1.0;
  out.rank = static_cast<std::size_t>(k);
  out.weight = static_cast<Real>(std::fma(-level, count, count));  // n − level·n, one rounding
  return out;
}

/// out[i] = sign·x[i] as Real for every i (out has room for x.size() values); whether every value is finite.
/// Value at risk and expected shortfall of the losses in `loss` (reordered in place by nth_element).
template <class Real>
struct tail_figures {
  Real value_at_risk = std::numeric_limits<Real>::quiet_NaN();
  Real expected_shortfall = std::numeric_limits<Real>::quiet_NaN();
};

/// VaR = L_(k), the lower level-quantile of the losses (k = ⌈level·n⌉), found by nth_element in O(n);
/// ES = VaR + Σ(L − VaR)⁺/(n(1 − level)), the minimum of Rockafellar & Uryasev's function at c = VaR,
/// computed as the weighted mean of the tail it is, (Σ_{L > VaR} L + (q − #{L > VaR})·VaR)/q with
/// q = n(1 − level), the sums compensated (Neumaier; TwoProduct for the boundary's share): VaR + excess/q
/// would lose the digits of an ES near 0 beside a VaR far from it. When the boundary is the largest loss
/// (a level so close to 1 that q is below one observation, or rounds to 0 in level·n), ES = VaR, the
/// limit as q → 0. A sum that overflows is redone on the losses times 2^−64 (exact), as ES ≤ max L is
/// always representable.
template <class Real>
[[nodiscard]] tail_figures<Real> tail_of_losses(Real* first, Real* last, double level) {
  tail_figures<Real> out;
  const auto n = static_cast<std::size_t>(last - first);
  if (n == 0) return out;
  const auto split = split_tail<Real>(level, n);
  Real* const boundary = first + static_cast<std::ptrdiff_t>(split.rank - 1);
  std::nth_element(first, boundary, last);
  const Real var = *boundary;
  out.value_at_risk = var;
  const Real above = static_cast<Real>(last - (boundary + 1));
  if (above == 0 || !(split.weight > 0)) {
    out.expected_shortfall = var;
    return out;
  }
  const Real q = split.weight;
  auto weighted_mean = [&](Real scale) {
    compensated_sum<Real> sum;
    for (const Real* it = boundary + 1; it != last; ++it) sum.add(*it * scale);
    sum.add_product(q - above, var * scale);
    return sum.value() / q;
  };
  Real es = weighted_mean(Real(1));
  if (!std::isfinite(es)) {
    const Real down = std::ldexp(Real(1), -64);
    es = std::ldexp(weighted_mean(down), 64);
  }
  // The mean of the tail lies between VaR and the largest loss; clamp the last rounding to that.
  out.expected_shortfall = es < var ? var : es;
  return out;
}

template <class Real>
[[nodiscard]] tail_figures<Real> tail_of_losses(std::vector<Real>& loss, double level) {
  return tail_of_losses(loss.data(), loss.data() + loss.size(), level);
}

/// VaR and ES of the losses −pnl under a missing-data policy, with `buffer` (room for pnl.size() values)
/// as the storage the selection reorders. The usual case, every value finite, is one copy into it; a
/// missing value sends the series through gather (NaN under propagate, the message naming the position
/// under raise, the complete values under omit).
template <class Real, class T>
[[nodiscard]] tail_figures<Real> tail_of_pnl(const series_view<T>& pnl, double level, missing_data policy,
                                             const char* function, Real* buffer) {
  if (signed_copy(pnl, Real(-1), buffer)) return tail_of_losses(buffer, buffer + pnl.size(), level);
  if (policy == missing_data::propagate) return {};
  bool complete = true;
  auto loss = gather(pnl, Real(-1), policy, function, "pnl", complete);
  return tail_of_losses(loss, level);
}

/// tail_of_pnl with storage it allocates and does not initialise (the copy fills it).
template <class Real, class T>
[[nodiscard]] tail_figures<Real> tail_of_pnl(const series_view<T>& pnl, double level, missing_data policy,
                                             const char* function) {
  const std::unique_ptr<Real[]> buffer(new Real[pnl.size()]);
  return tail_of_pnl(pnl, level, policy, function, buffer.get());
}

/// tail_of_pnl in a caller's buffer, resized to pnl.size(): a caller error when the buffer's storage is
/// the series' own (the copy would overwrite the values it reads).
template <class Real, class T>
[[nodiscard]] tail_figures<Real> tail_of_pnl(const series_view<T>& pnl, double level, missing_data policy,
                                             const char* function, std::vector<Real>& buffer) {
  const auto* storage_begin = reinterpret_cast<const unsigned char*>(buffer.data());
  const auto* storage_end = storage_begin + buffer.capacity() * sizeof(Real);
  const auto* values_begin = reinterpret_cast<const unsigned char*>(pnl.data());
  const auto* values_end = values_begin + pnl.size() * sizeof(T);
  if (pnl.size() > 0 && buffer.capacity() > 0 &&
      std::less<const unsigned char*>()(values_begin, storage_end) &&
      std::less<const unsigned char*>()(storage_begin, values_end)) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) +
                                             ": the buffer must not hold the pnl series itself (it would be "
                                             "overwritten by the losses); pass another std::vector"));
  }
  buffer.resize(pnl.size());
  return tail_of_pnl(pnl, level, policy, function, buffer.data());
}

/// The VaR and ES of pnl as the public functions compute them (one implementation for the current and the
/// deprecated signatures).
template <class Real, class Series>
[[nodiscard]] tail_figures<Real> tail_risk_of(const Series& pnl, double level, missing_data policy,
                                              const char* function) {
  require_tail_level(level, function);
  return tail_of_pnl<Real>(view_of(pnl, function, "pnl"), level, policy, function);
}

template <class Real, class Series>
[[nodiscard]] tail_figures<Real> tail_risk_of(const Series& pnl, double level, missing_data policy,
                                              const char* function, std::vector<Real>& buffer) {
  require_tail_level(level, function);
  return tail_of_pnl<Real>(view_of(pnl, function, "pnl"), level, policy, function, buffer);
}

}  // namespace detail

/// Historical value at risk of a P&L series: the lower α-quantile of the losses L = −pnl,
/// \f[ \mathrm{VaR}_\alpha = L_{(k)},\quad k = \lceil \alpha n \rceil, \f]
/// the smallest loss c with #{L ≤ c} ≥ α·n (the α-VaR of the empirical distribution, Rockafellar &
/// Uryasev 2002). Returned as a loss: positive when the α-quantile of the P&L is a loss. α·n within 8 ulps
/// of a whole number is taken as that number, as the caller means it: the double 0.9 is slightly above 9/10,
/// and 0.9·10 must give k = 9, not 10. O(n) with std::nth_element (no full sort).
///
/// \param pnl     the position's profit and loss per period (any contiguous series; see series.hpp).
/// \param options reads `level` (α, 0 < α < 1; 0.95 by default) and `missing` (what non-finite values
///                mean; see missing_data).
/// \returns NaN when no value is used (empty series, or a non-finite value under missing_data::propagate).
/// \throws std::invalid_argument when level is not in (0, 1) (the message gives it); std::domain_error
///         under missing_data::raise.
/// Reference: Rockafellar & Uryasev (2002), "Conditional value-at-risk for general loss distributions",
/// J. Banking & Finance 26(7).
template <class Series, HEDGEMETRICS_REQUIRES_SERIES(Series)>
[[nodiscard]] result_t<Series> value_at_risk(const Series& pnl, const downside_options& options = {}) {
  return detail::tail_risk_of<result_t<Series>>(pnl, options.level, options.missing,
                                                "hedgemetrics::value_at_risk")
      .value_at_risk;
}

/// value_at_risk with a buffer the caller keeps: the same figure, bit for bit, without allocating once
/// `buffer` has grown to the longest series (for a caller who asks again and again: a rolling window,
/// many positions). See the expected_shortfall overload that takes a buffer.
/// \throws as value_at_risk; std::invalid_argument when `buffer`'s storage holds pnl itself.
template <class Series, HEDGEMETRICS_REQUIRES_SERIES(Series)>
[[nodiscard]] result_t<Series> value_at_risk(const Series& pnl, std::vector<result_t<Series>>& buffer,
                                             const downside_options& options = {}) {
  return detail::tail_risk_of<result_t<Series>>(pnl, options.level, options.missing,
                                                "hedgemetrics::value_at_risk", buffer)
      .value_at_risk;
}

/// Historical expected shortfall (conditional value at risk) of a P&L series, as Rockafellar & Uryasev
/// define it for a discrete distribution: with losses L = −pnl,
/// \f[ \mathrm{ES}_\alpha = \min_c \Big\{ c + \frac{1}{n(1-\alpha)} \sum_i (L_i - c)^+ \Big\}
///     = \mathrm{VaR}_\alpha + \frac{1}{n(1-\alpha)} \sum_i (L_i - \mathrm{VaR}_\alpha)^+ , \f]
/// the mean of the worst n(1 − α) losses, the boundary loss L_(k) weighted by the fraction
/// (k − α·n) when α·n is not a whole number. At least VaR_α. Returned as a loss. O(n) (nth_element).
/// Computed as that weighted mean with compensated sums (a few ulps, also when ES is near 0 beside a
/// large VaR, and when the tail's sum overflows); when n(1 − α) is under one observation (α within a
/// few ulps of 1), ES is the largest loss, the limit, not NaN.
///
/// \param pnl, options as value_at_risk (`level`, `missing`).
/// \returns NaN when no value is used.
/// \throws as value_at_risk.
/// Reference: Rockafellar & Uryasev (2000), "Optimization of conditional value-at-risk", J. Risk 2(3),
/// Theorem 1; (2002), "Conditional value-at-risk for general loss distributions", J. Banking & Finance
/// 26(7).
template <class Series, HEDGEMETRICS_REQUIRES_SERIES(Series)>
[[nodiscard]] result_t<Series> expected_shortfall(const Series& pnl, const downside_options& options = {}) {
  return detail::tail_risk_of<result_t<Series>>(pnl, options.level, options.missing,
                                                "hedgemetrics::expected_shortfall")
      .expected_shortfall;
}

/// expected_shortfall with a buffer the caller keeps, for a caller who asks again and again (a rolling
/// window, many positions, a bootstrap): the same figure, bit for bit, and no allocation once `buffer` has
/// grown to the longest series. The plain call allocates n values and copies the losses into them for
/// std::nth_element to reorder; here they are copied into `buffer` instead.
///
/// \param pnl, options as expected_shortfall.
/// \param buffer any std::vector of the result type (std::vector<double> for int, float and double data),
///               resized to pnl's length. After the call it holds the losses −pnl in the order the
///               selection left them (all of them when every value is finite; otherwise its contents
///               are unspecified). It must not be pnl itself.
/// \returns as expected_shortfall.
/// \throws as expected_shortfall; std::invalid_argument when `buffer`'s storage holds pnl itself.
template <class Series, HEDGEMETRICS_REQUIRES_SERIES(Series)>
[[nodiscard]] result_t<Series> expected_shortfall(const Series& pnl, std::vector<result_t<Series>>& buffer,
                                                  const downside_options& options = {}) {
  return detail::tail_risk_of<result_t<Series>>(pnl, options.level, options.missing,
                                                "hedgemetrics::expected_shortfall", buffer)
      .expected_shortfall;
}

/// Deprecated spelling of value_at_risk(pnl, options) with the level and the policy positional.
template <class Series, class Level, detail::if_number_t<Level> = 0, HEDGEMETRICS_REQUIRES_SERIES(Series)>
[[nodiscard,
  deprecated("use value_at_risk(pnl, options) with downside_options::level and ::missing")]] result_t<Series>
value_at_risk(const Series& pnl, Level level, missing_data policy = missing_data::propagate) {
  return detail::tail_risk_of<result_t<Series>>(pnl, static_cast<double>(level), policy,
                                                "hedgemetrics::value_at_risk")
      .value_at_risk;
}

/// Deprecated spelling of value_at_risk(pnl, buffer, options) with the level and the policy positional.
template <class Series, class Level, detail::if_number_t<Level> = 0, HEDGEMETRICS_REQUIRES_SERIES(Series)>
[[nodiscard,
  deprecated(
      "use value_at_risk(pnl, buffer, options) with downside_options::level and ::missing")]] result_t<Series>
value_at_risk(const Series& pnl, Level level, std::vector<result_t<Series>>& buffer,
              missing_data policy = missing_data::propagate) {
  return detail::tail_risk_of<result_t<Series>>(pnl, static_cast<double>(level), policy,
                                                "hedgemetrics::value_at_risk", buffer)
      .value_at_risk;
}

/// Deprecated spelling of expected_shortfall(pnl, options) with the level and the policy positional.
template <class Series, class Level, detail::if_number_t<Level> = 0, HEDGEMETRICS_REQUIRES_SERIES(Series)>
[[nodiscard,
  deprecated(
      "use expected_shortfall(pnl, options) with downside_options::level and ::missing")]] result_t<Series>
expected_shortfall(const Series& pnl, Level level, missing_data policy = missing_data::propagate) {
  return detail::tail_risk_of<result_t<Series>>(pnl, static_cast<double>(level), policy,
                                                "hedgemetrics::expected_shortfall")
      .expected_shortfall;
}

/// Deprecated spelling of expected_shortfall(pnl, buffer, options) with the level and the policy
/// positional.
template <class Series, class Level, detail::if_number_t<Level> = 0, HEDGEMETRICS_REQUIRES_SERIES(Series)>
[[nodiscard, deprecated("use expected_shortfall(pnl, buffer, options) with downside_options::level and "
                        "::missing")]] result_t<Series>
expected_shortfall(const Series& pnl, Level level, std::vector<result_t<Series>>& buffer,
                   missing_data policy = missing_data::propagate) {
  return detail::tail_risk_of<result_t<Series>>(pnl, static_cast<double>(level), policy,
                                                "hedgemetrics::expected_shortfall", buffer)
      .expected_shortfall;
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_TAIL_RISK_HPP
