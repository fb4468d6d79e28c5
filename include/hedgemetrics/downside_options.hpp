// SPDX-License-Identifier: MIT
/// \file
/// The options shared by the downside family (tail_risk.hpp, partial_moments.hpp, downside_hedge.hpp):
/// one struct, downside_options, whose fields keep the names the rest of hedgemetrics uses (`level` as in
/// inference_options and correlation_options, `missing` as in fit_options and hac_options), and the
/// gathering of a series' values under the missing-data policy that every downside figure shares.
///
/// Sign convention of the whole family: a series of P&L (profit and loss) is what a position gains per
/// period; its loss is −P&L. The hedged position is S − h·F (exposure S, hedge instrument F sold in the
/// ratio h), as everywhere in hedgemetrics (hedge_ratio.hpp). Value at risk and expected shortfall are
/// returned as losses (positive when the tail loses money); lower partial moments and semivariances
/// measure the P&L's shortfall below a point (a target τ, or the mean) and are ≥ 0.
#ifndef HEDGEMETRICS_DOWNSIDE_OPTIONS_HPP
#define HEDGEMETRICS_DOWNSIDE_OPTIONS_HPP

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "hedgemetrics/detail/blocks.hpp"
#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

/// Options of every downside function (value_at_risk, expected_shortfall, lower_partial_moment,
/// semivariance, downside_effectiveness, min_expected_shortfall_ratio, min_semivariance_ratio,
/// min_target_semivariance_ratio and the normal closed forms). Each function reads the fields its
/// documentation names and ignores the others, so one options object can serve a whole report.
///
/// C++20: `hm::expected_shortfall(pnl, {.level = 0.99, .missing = hm::missing_data::omit})`; C++17:
/// declare `hm::downside_options options;` and set the fields.
struct downside_options {
  /// α, the confidence level of value at risk and expected shortfall, in (0, 1): 0.95 (the default),
  /// 0.975 (Basel's ES level), 0.99. Read by the VaR and ES functions, downside_effectiveness and the
  /// minimum-ES and minimum-VaR ratios.
  double level = 0.95;
  /// τ, the point below which lower partial moments and the target semivariance count a shortfall of the
  /// P&L, finite; 0 (the default) counts losses. Converted to the result type (long double for long double
  /// data). Read by lower_partial_moment, downside_effectiveness and min_target_semivariance_ratio.
  double target = 0;
  /// What non-finite values mean (see missing_data): propagate (the default: every figure NaN), omit
  /// (drop the values, or the pairs together, that are not finite) or raise (std::domain_error naming the
  /// series, the index and the value). Read by every downside function that takes data.
  missing_data missing = missing_data::propagate;
};

namespace detail {

/// The deprecated positional overloads take their scalars as deduced template parameters constrained by
/// these, so that a braced list (`{}`, `{0.99}`, C++20's `{.level = 0.99}`) never selects them: it can only
/// initialise downside_options. With a plain `double level`, `expected_shortfall(pnl, {})` would pick the
/// deprecated overload (an empty list converts to double by the identity, to an aggregate by a user-defined
/// conversion) and throw for level 0, and `min_semivariance_ratio(S, F, {})` would compute the target
/// semivariance at 0 instead of the one below the mean.
template <class T>
using if_number_t = std::enable_if_t<std::is_arithmetic_v<T> && !std::is_same_v<T, bool>, int>;
template <class T>
using if_policy_t = std::enable_if_t<std::is_same_v<T, missing_data>, int>;

/// Caller error unless 0 < level < 1 (NaN included).
inline void require_tail_level(double level, const char* function) {
  require_open_unit(level, "level", function);
}

/// Caller error unless the order of a lower partial moment is ≥ 0.
inline void require_moment_order(int order, const char* function) {
  if (order < 0) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) +
                                             ": the order of a lower partial moment must be 0 or more, but "
                                             "it is " +
                                             std::to_string(order)));
  }
}

/// Caller error unless a target (or a ratio) is finite.
template <class Real>
void require_finite_parameter(Real value, const char* what, const char* function) {
  if (!std::isfinite(value)) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": " + what +
                                             " must be a finite number, but it is " + value_text(value)));
  }
}

///
/// Written for the copy to cost little beside the selection that follows it (expected_shortfall's target:
/// within 1.2× of std::nth_element on a reused buffer, bench_hedge_accounting at 1e3, GCC 12 -O2). The
/// values go four at a time, fixed-width code that GCC and Clang turn into vector instructions at -O2,
/// and finiteness is carried as four sums of v − v (+0 for a finite v, NaN for an infinity or a NaN, and a
/// NaN stays) rather than a flag per value: gather's push_back loop kept the vector's end in memory, a
/// store and a reload per value (2.4 ns a value, a third of expected_shortfall's time at 1e3), and a
/// scalar loop with a flag still cost 0.7 ns a value, this one 0.25–0.3.
template <class Real, class T>
[[nodiscard]] bool signed_copy(const series_view<T>& x, Real sign, Real* out) noexcept {
  const std::size_t n = x.size();
  const T* const in = x.data();
  // Written out four times, not as a loop over an array of lanes: GCC 12 at -O2 neither unrolls nor
  // vectorises that inner loop and keeps the lanes on the stack.
  // The bound as n rounded down to a multiple of 4, not i + 4 <= n: with that, GCC 12 -O2 could not rule
  // out a wrap of i + 4 and warned (-Waggressive-loop-optimizations, on by default) where it inlined this.
  const std::size_t whole = n - n % 4;
  Real nonfinite0 = 0, nonfinite1 = 0, nonfinite2 = 0, nonfinite3 = 0;
  std::size_t i = 0;
  for (; i < whole; i += 4) {
    const Real v0 = static_cast<Real>(in[i]), v1 = static_cast<Real>(in[i + 1]);
    const Real v2 = static_cast<Real>(in[i + 2]), v3 = static_cast<Real>(in[i + 3]);
    nonfinite0 += v0 - v0;
    nonfinite1 += v1 - v1;
    nonfinite2 += v2 - v2;
    nonfinite3 += v3 - v3;
    out[i] = sign * v0;
    out[i + 1] = sign * v1;
    out[i + 2] = sign * v2;
    out[i + 3] = sign * v3;
  }
  for (; i < n; ++i) {
    const Real value = static_cast<Real>(in[i]);
    nonfinite0 += value - value;
    out[i] = sign * value;
  }
  return (nonfinite0 + nonfinite1) + (nonfinite2 + nonfinite3) == 0;
}

/// The values of one series (times `sign`) as Real under a missing-data policy. `complete` is false when
/// a non-finite value was met under missing_data::propagate (the figures are then NaN).
template <class Real, class T>
[[nodiscard]] std::vector<Real> gather(const series_view<T>& x, Real sign, missing_data policy,
                                       const char* function, const char* name, bool& complete) {
  std::vector<Real> out(x.size());
  complete = true;
  if (signed_copy(x, sign, out.data())) return out;
  // A value is missing: again, value by value, under the policy.
  out.clear();
  for (std::size_t i = 0; i < x.size(); ++i) {
    const Real value = static_cast<Real>(x[i]);
    if (!std::isfinite(value)) {
      if (policy == missing_data::raise) throw_nonfinite(function, name, i, value_text(x[i]));
      if (policy == missing_data::propagate) {
        complete = false;
        return out;
      }
      continue;
    }
    out.push_back(sign * value);
  }
  return out;
}

/// The complete pairs (S_i, F_i) of two aligned series as Real, under a missing-data policy.
template <class Real, class TS, class TF>
void gather_pairs(const series_view<TS>& s, const series_view<TF>& f, missing_data policy,
                  const char* function, std::vector<Real>& exposure, std::vector<Real>& hedge,
                  bool& complete) {
  require_same_length(function, "exposure", s.size(), "hedge", f.size());
  exposure.clear();
  hedge.clear();
  exposure.reserve(s.size());
  hedge.reserve(s.size());
  complete = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const Real a = static_cast<Real>(s[i]);
    const Real b = static_cast<Real>(f[i]);
    if (!std::isfinite(a) || !std::isfinite(b)) {
      if (policy == missing_data::raise) {
        const bool first_bad = !std::isfinite(a);
        throw_nonfinite(function, first_bad ? "exposure" : "hedge", i,
                        first_bad ? value_text(s[i]) : value_text(f[i]));
      }
      if (policy == missing_data::propagate) {
        complete = false;
        return;
      }
      continue;
    }
    exposure.push_back(a);
    hedge.push_back(b);
  }
}

}  // namespace detail
}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_DOWNSIDE_OPTIONS_HPP
