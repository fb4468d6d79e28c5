// SPDX-License-Identifier: MIT
/// \file
/// From price levels to the series a hedge is estimated on: price changes, simple and log returns.
#ifndef HEDGEMETRICS_TRANSFORMS_HPP
#define HEDGEMETRICS_TRANSFORMS_HPP

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

namespace detail {

// The one loop behind the three transforms: out[t − 1] = step(p[t − 1], p[t], t) for t = 1 … n − 1.
template <class Levels, class Step>
[[nodiscard]] std::vector<result_t<Levels>> transform_levels(const Levels& levels, const char* function,
                                                             Step step) {
  using Real = result_t<Levels>;
  const auto p = view_of(levels, function, "levels");
  std::vector<Real> out;
  if (p.size() < 2) return out;
  out.resize(p.size() - 1);
  for (std::size_t t = 1; t < p.size(); ++t) {
    out[t - 1] = step(static_cast<Real>(p[t - 1]), static_cast<Real>(p[t]), t);
  }
  return out;
}

}  // namespace detail

/// Price changes ΔP_t = P_t − P_{t−1}, t = 1 … n − 1 (n − 1 values; none when n < 2). A NaN level gives
/// NaN in the two changes that use it. The series of choice for hedging price (not return) risk: Hull's
/// Example 3.3 works in price changes.
template <class Levels>
[[nodiscard]] std::vector<result_t<Levels>> price_changes(const Levels& levels) {
  using Real = result_t<Levels>;
  return detail::transform_levels(levels, "hedgemetrics::price_changes",
                                  [](Real before, Real now, std::size_t) { return now - before; });
}

/// Simple returns R_t = P_t/P_{t−1} − 1, t = 1 … n − 1, as (P_t − P_{t−1})/P_{t−1} (one rounding per
/// operation); where the difference of two prices of opposite sign overflows, from the halved prices, so
/// the result is +inf (−inf) only where the return itself exceeds DBL_MAX. A NaN level gives NaN in the
/// returns that use it.
/// \throws std::domain_error when a previous price is 0 (the return does not exist), naming its index.
template <class Levels>
[[nodiscard]] std::vector<result_t<Levels>> simple_returns(const Levels& levels) {
  using Real = result_t<Levels>;
  return detail::transform_levels(
      levels, "hedgemetrics::simple_returns", [](Real before, Real now, std::size_t t) {
        if (before == 0) {
          HEDGEMETRICS_THROW(std::domain_error("hedgemetrics::simple_returns: levels[" +
                                               std::to_string(t - 1) +
                                               "] is 0; a simple return needs a non-zero previous price"));
        }
        const Real change = now - before;
        if (std::isfinite(change) || !std::isfinite(now) || !std::isfinite(before)) return change / before;
        // The difference of two finite prices of opposite sign overflowed; the return may not: halve
        // both (exact at this size) and double the quotient (+inf only where the return exceeds it).
        return (now / 2 - before / 2) / before * 2;
      });
}

/// Log returns r_t = ln(P_t/P_{t−1}), t = 1 … n − 1, computed as log1p((P_t − P_{t−1})/P_{t−1}) for moves
/// under 50%, to keep the digits of small returns, as ln(P_t/P_{t−1}) for larger ones, and as
/// ln P_t − ln P_{t−1} where the ratio overflows or underflows (log_returns({1e-300, 1e300}) is 1381.55,
/// not inf). A NaN level gives NaN in the returns that use it.
/// \throws std::domain_error on a price that is zero or negative (WTI settled at −37.63 on 2020-04-20),
///         naming its index and value: log returns do not exist there; use price_changes or simple_returns.
template <class Levels>
[[nodiscard]] std::vector<result_t<Levels>> log_returns(const Levels& levels) {
  using Real = result_t<Levels>;
  const auto reject = [](Real price, std::size_t index) {
    if (price <= 0) {
      HEDGEMETRICS_THROW(std::domain_error("hedgemetrics::log_returns: levels[" + std::to_string(index) +
                                           "] is " + detail::value_text(price) +
                                           "; log returns need positive prices (use price_changes or "
                                           "simple_returns)"));
    }
  };
  return detail::transform_levels(
      levels, "hedgemetrics::log_returns", [&reject](Real before, Real now, std::size_t t) {
        if (t == 1) reject(before, 0);
        reject(now, t);
        // log1p keeps small returns exact; it is ill-conditioned as the
        // price ratio nears 0, where log of the ratio is exact instead.
        const Real change = (now - before) / before;
        if (std::fabs(change) < Real(0.5)) return std::log1p(change);
        // A ratio that overflows or leaves the normal range (1e300/1e-300) has lost its digits:
        // ln P_t − ln P_{t−1} then, whose terms are large enough (|ln| > 700) not to cancel badly.
        const Real ratio = now / before;
        if (std::isnormal(ratio)) return std::log(ratio);
        if (std::isnan(ratio)) return ratio;
        return std::log(now) - std::log(before);
      });
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_TRANSFORMS_HPP
