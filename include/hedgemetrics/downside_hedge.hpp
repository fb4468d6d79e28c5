// SPDX-License-Identifier: MIT
/// \file
/// Downside risk of a hedge: how much a hedge ratio h reduces each downside measure of the exposure
/// (downside_effectiveness), and the ratios that minimise them: exactly on the data (expected shortfall,
/// semivariance below the mean, semivariance below a target) or in closed form under bivariate normality
/// (value at risk, expected shortfall).
///
/// Sign convention: exposure S and hedge F are P&L series (what each gains per period); the hedged position
/// is S − h·F (h of F sold per unit of S), as everywhere in hedgemetrics (hedge_ratio.hpp); its losses are
/// −(S − h·F). VaR and ES are losses (tail_risk.hpp), partial moments shortfalls of the P&L below a point
/// (partial_moments.hpp). Cotter & Hanly (2006), "Reevaluating hedging performance", J. Futures Markets
/// 26(7), show that these measures rank hedges differently from the variance.
#ifndef HEDGEMETRICS_DOWNSIDE_HEDGE_HPP
#define HEDGEMETRICS_DOWNSIDE_HEDGE_HPP

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "hedgemetrics/detail/comoments.hpp"
#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/detail/normal.hpp"
#include "hedgemetrics/detail/power_scale.hpp"
#include "hedgemetrics/downside_options.hpp"
#include "hedgemetrics/hedge_ratio.hpp"
#include "hedgemetrics/partial_moments.hpp"
#include "hedgemetrics/series.hpp"
#include "hedgemetrics/tail_risk.hpp"

namespace hedgemetrics {

namespace detail {

/// One affine piece of the expected shortfall of S − h·F as a function of h: ES(h) = slope·h + offset
/// near `ratio`, with the tail weights w_i of Rockafellar & Uryasev: slope = Σw_i·F_i, offset = −Σw_i·S_i.
template <class Real>
struct shortfall_piece {
  Real ratio = 0;
  Real shortfall = 0;
  Real slope = 0;
  Real offset = 0;
};

/// ES of the losses h·F_i − S_i and one subgradient (a convex combination of the one-sided derivatives
/// when losses tie at the boundary), with two passes after nth_element.
template <class Real>
[[nodiscard]] shortfall_piece<Real> shortfall_at(const std::vector<Real>& s, const std::vector<Real>& f,
                                                 Real h, double level, std::vector<Real>& loss,
                                                 std::vector<Real>& work, std::size_t total,
                                                 std::size_t dropped) {
  const std::size_t n = s.size();
  loss.resize(n);
  for (std::size_t i = 0; i < n; ++i) loss[i] = h * f[i] - s[i];
  // Select on a copy, then classify the very same stored losses: recomputing h·F − S could round
  // differently (a contracted fma) and lose the boundary tie.
  work.assign(loss.begin(), loss.end());
  // `dropped` observations of the `total` were set aside below the boundary (see the pruning in
  // min_shortfall_ratio_kernel): the boundary's rank among the rest is that much lower.
  const auto split = split_tail<Real>(level, total);
  const auto boundary = work.begin() + static_cast<std::ptrdiff_t>(split.rank - 1 - dropped);
  std::nth_element(work.begin(), boundary, work.end());
  const Real var = *boundary;
  Real excess = 0, above_f = 0, above_s = 0, tie_f = 0, tie_s = 0, above = 0, ties = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Real value = loss[i];
    if (value > var) {
      excess += value - var;
      above_f += f[i];
      above_s += s[i];
      above += 1;
    } else if (value == var) {
      tie_f += f[i];
      tie_s += s[i];
      ties += 1;
    }
  }
  const Real q = split.weight;
  shortfall_piece<Real> piece;
  piece.ratio = h;
  if (above == 0 || !(q > 0)) {
    // The boundary is the largest loss (a level whose tail is under one observation): ES = VaR, and its
    // slope is the mean over the tied largest losses, the limit of the weights below as q → 0.
    piece.shortfall = var;
    piece.slope = tie_f / ties;
    piece.offset = -tie_s / ties;
    return piece;
  }
  const Real rest = (q - above) / ties;  // the boundary weight, shared by the tied losses
  piece.shortfall = var + excess / q;
  piece.slope = (above_f + rest * tie_f) / q;
  piece.offset = -(above_s + rest * tie_s) / q;
  return piece;
}

/// The power of two 2^k that brings the largest |v_i| (and |extra|) into [2^−400, 2^400] when it lies
/// outside (k = 0 otherwise, so ordinary data are not touched): the hedge-ratio searches form products
/// and sums of squares of the data, which must neither overflow nor underflow. Scaling S by 2^a and F by
/// 2^b scales every ratio by 2^(a − b) exactly.
template <class Real>
[[nodiscard]] int range_shift(const std::vector<Real>& v, Real extra = 0) noexcept {
  if constexpr (std::is_same_v<Real, double> && std::numeric_limits<double>::is_iec559) {
    // The usual case first, in a pass that vectorises: |v| ≥ 2^401 for none and ≥ 2^−400 for some (the
    // bit patterns of |v| compare as integers in the order of the values).
    auto bits = [](double x) {
      std::uint64_t b = 0;
      std::memcpy(&b, &x, sizeof b);
      return b & 0x7fffffffffffffffULL;
    };
    const std::uint64_t high = bits(0x1p401), low = bits(0x1p-400);
    std::uint64_t over = bits(extra) >= high, reached = bits(extra) >= low;
    for (const double x : v) {
      const std::uint64_t b = bits(x);
      over |= static_cast<std::uint64_t>(b >= high);
      reached |= static_cast<std::uint64_t>(b >= low);
    }
    if (over == 0 && reached != 0) return 0;
  }
  Real largest = std::fabs(extra);
  for (const Real x : v) largest = std::max(largest, std::fabs(x));
  if (!(largest > 0)) return 0;
  const int e = std::ilogb(largest);
  return (e > 400 || e < -400) ? e : 0;
}

template <class Real>
void scale_by(std::vector<Real>& v, int shift) noexcept {
  if (shift != 0) {
    for (auto& x : v) x = std::ldexp(x, -shift);
  }
}

/// The ratio minimising ES(h) of S − h·F: see min_expected_shortfall_ratio.
template <class Real>
[[nodiscard]] Real min_shortfall_ratio_kernel(const std::vector<Real>& s, const std::vector<Real>& f,
                                              double level) {
  const Real nan = std::numeric_limits<Real>::quiet_NaN();
  const std::size_t n = s.size();
  if (n < 2) return nan;
  std::vector<Real> buffer;
  // Whether ES(h) has a minimiser: its slopes far out, ES(h)/h → ES of the loss F as h → +∞ and
  // → −ES of the loss −F as h → −∞, must be positive and negative. Asked only when the bracketing below
  // has not closed after a few doublings, to spare two selections in the usual case.
  auto has_minimiser = [&] {
    buffer.assign(f.begin(), f.end());
    const Real slope_right = tail_of_losses(buffer, level).expected_shortfall;
    for (std::size_t i = 0; i < n; ++i) buffer[i] = -f[i];
    const Real slope_left = -tail_of_losses(buffer, level).expected_shortfall;
    return slope_left < 0 && slope_right > 0;  // otherwise unbounded below, or flat to one side
  };

  // Start from h* (the co-moment kernel: the pairs are all finite here), then bracket: lo with slope < 0,
  // hi with slope > 0.
  Real start = compute_comoments<Real>(s.data(), f.data(), n, missing_data::propagate,
                                       "hedgemetrics::min_expected_shortfall_ratio", "exposure", "hedge")
                   .ratio;
  if (!std::isfinite(start)) start = 0;
  std::vector<Real> work;
  // The candidates: observations that can still reach the tail between lo and hi (all of them at first).
  std::vector<Real> cs, cf;
  std::size_t dropped = 0;
  auto at = [&](Real h) {
    return dropped == 0 ? shortfall_at(s, f, h, level, buffer, work, n, 0)
                        : shortfall_at(cs, cf, h, level, buffer, work, n, dropped);
  };
  shortfall_piece<Real> lo = at(start);
  if (lo.slope == 0) return has_minimiser() ? start : nan;
  shortfall_piece<Real> hi = lo;
  Real step = std::max(Real(1), std::fabs(start));
  const bool go_right = lo.slope < 0;
  for (int i = 0; i < 4400; ++i) {  // doubling from 1 passes every finite double within 2,100 steps
    if (i == 8 && !has_minimiser()) return nan;
    const shortfall_piece<Real> p = at(go_right ? hi.ratio + step : lo.ratio - step);
    if (p.slope == 0) return has_minimiser() ? p.ratio : nan;
    if (go_right) {
      if (p.slope > 0) {
        hi = p;
        break;
      }
      lo = p;
      hi = p;
    } else {
      if (p.slope < 0) {
        lo = p;
        break;
      }
      hi = p;
      lo = p;
    }
    step *= 2;
    if (!std::isfinite(step)) return nan;
  }
  if (!(lo.slope < 0 && hi.slope > 0)) return nan;

  // ES is convex and piecewise linear: the lines of lo and hi support it from below, so where they cross
  // is a lower bound on the minimum, and it is the minimiser once lo and hi lie on adjacent pieces
  // (Kelley's cutting planes in one dimension). Alternate with a secant step on the slope, which lands
  // near the minimiser in one step where ES is nearly quadratic (many small pieces, large n).
  const Real eps = std::numeric_limits<Real>::epsilon();
  // Pruning: on [lo, hi] each loss L_i(h) = h·F_i − S_i lies between its values at the ends, so VaR(h) is
  // at least B, the k-th smallest of min(L_i(lo), L_i(hi)); an observation with max(L_i(lo), L_i(hi)) < B
  // stays below the boundary on the whole bracket, carries no tail weight there, and can be set aside
  // (counted in `dropped`). As the bracket narrows, the candidates shrink towards the n(1 − α) tail, so
  // later steps cost a fraction of a pass. The margin covers the rounding of h·F − S.
  auto prune = [&] {
    const std::vector<Real>& ps = dropped == 0 ? s : cs;
    const std::vector<Real>& pf = dropped == 0 ? f : cf;
    const std::size_t c = ps.size();
    const std::size_t rank = split_tail<Real>(level, n).rank - dropped;  // 1-based, among the candidates
    work.resize(c);
    Real scale = 0;
    for (std::size_t i = 0; i < c; ++i) {
      const Real a = lo.ratio * pf[i] - ps[i], b = hi.ratio * pf[i] - ps[i];
      work[i] = std::min(a, b);
      scale = std::max(
          scale, std::max(std::fabs(lo.ratio), std::fabs(hi.ratio)) * std::fabs(pf[i]) + std::fabs(ps[i]));
    }
    const auto kth = work.begin() + static_cast<std::ptrdiff_t>(rank - 1);
    std::nth_element(work.begin(), kth, work.end());
    const Real bound = *kth - 16 * eps * scale;
    // The survivors go to cs, cf: copied from s, f the first time, compacted in place after that.
    if (dropped == 0) cs.resize(c), cf.resize(c);
    std::size_t kept = 0;
    for (std::size_t i = 0; i < c; ++i) {
      const Real a = lo.ratio * pf[i] - ps[i], b = hi.ratio * pf[i] - ps[i];
      if (!(std::max(a, b) < bound)) cs[kept] = ps[i], cf[kept] = pf[i], ++kept;
    }
    if (kept == c) return;  // nothing dropped (cs, cf are not read while dropped == 0)
    cs.resize(kept);
    cf.resize(kept);
    dropped += c - kept;
  };
  prune();
  for (int iteration = 0; iteration < 400; ++iteration) {
    const Real cut = (lo.offset - hi.offset) / (hi.slope - lo.slope);
    const bool secant = (iteration % 2) == 1;
    Real m = secant ? lo.ratio - lo.slope * ((hi.ratio - lo.ratio) / (hi.slope - lo.slope)) : cut;
    if (!(m > lo.ratio && m < hi.ratio)) {
      if (secant) continue;
      break;  // lo and hi are neighbouring doubles around the vertex
    }
    const shortfall_piece<Real> p = at(m);
    if (p.slope == 0) return m;
    const Real bound_lo = lo.slope * m + lo.offset;
    const Real bound_hi = hi.slope * m + hi.offset;
    const Real bound = std::max(bound_lo, bound_hi);
    const Real scale = std::fabs(lo.slope * m) + std::fabs(lo.offset) + std::fabs(hi.slope * m) +
                       std::fabs(hi.offset) + std::fabs(p.shortfall);
    if (!secant && p.shortfall <= bound + 16 * eps * scale) return m;
    if (p.slope < 0) {
      lo = p;
    } else {
      hi = p;
    }
    prune();
  }
  const Real cut = (lo.offset - hi.offset) / (hi.slope - lo.slope);
  if (cut >= lo.ratio && cut <= hi.ratio) return cut;
  return lo.shortfall <= hi.shortfall ? lo.ratio : hi.ratio;
}

/// The ratio minimising Σ(min(a_i − h·b_i, 0))², a convex, continuously differentiable, piecewise
/// quadratic function of h with breakpoints t_i = a_i/b_i: binary search over the sorted breakpoints on
/// the sign of the derivative (each evaluated directly, O(n)), then the stationary point of the quadratic
/// piece that holds the sign change, h = Σ_A a_i·b_i / Σ_A b_i² over its deficits A. O(n log n).
template <class Real>
[[nodiscard]] Real min_squared_deficit_ratio(const std::vector<Real>& a, const std::vector<Real>& b) {
  const Real nan = std::numeric_limits<Real>::quiet_NaN();
  const std::size_t n = a.size();
  bool positive = false, negative = false;
  std::vector<Real> breaks;
  breaks.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (b[i] > 0) positive = true;
    if (b[i] < 0) negative = true;
    if (b[i] != 0) breaks.push_back(a[i] / b[i]);
  }
  if (!positive || !negative) return nan;  // the deficits vanish to one side: no unique minimiser
  std::sort(breaks.begin(), breaks.end());
  // ½f'(h) = −Σ_{a − hb < 0} (a − hb)·b.
  auto derivative = [&](Real h) {
    Real sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const Real y = a[i] - h * b[i];
      if (y < 0) sum -= y * b[i];
    }
    return sum;
  };
  // The first breakpoint with f' ≥ 0 (f' < 0 far left, > 0 far right, monotone in between).
  std::size_t lo = 0, hi = breaks.size();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (derivative(breaks[mid]) >= 0) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  Real left = -std::numeric_limits<Real>::infinity(), right = std::numeric_limits<Real>::infinity();
  if (lo < breaks.size()) {
    right = breaks[lo];
    if (derivative(right) == 0) return right;
  }
  if (lo > 0) left = breaks[lo - 1];
  Real inside;
  if (std::isinf(left)) {
    inside = right - std::max(Real(1), std::fabs(right));
  } else if (std::isinf(right)) {
    inside = left + std::max(Real(1), std::fabs(left));
  } else {
    inside = left + (right - left) / 2;
  }
  Real ab = 0, bb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] - inside * b[i] < 0) {
      ab += a[i] * b[i];
      bb += b[i] * b[i];
    }
  }
  if (!(bb > 0)) return nan;
  const Real h = ab / bb;
  return std::min(std::max(h, left), right);
}

}  // namespace detail

/// A risk measure of the unhedged and the hedged position, and the hedge's effectiveness by it.
template <class Real = double>
struct risk_reduction {
  /// The measure of the exposure S alone.
  Real unhedged = std::numeric_limits<Real>::quiet_NaN();
  /// The measure of the hedged position S − h·F.
  Real hedged = std::numeric_limits<Real>::quiet_NaN();
  /// 1 − hedged/unhedged: 1 for a hedge that removes the risk, negative for one that adds risk. NaN when
  /// unhedged is 0 or NaN. Meaningful for VaR and ES only when the unhedged figure is a loss (> 0).
  Real effectiveness = std::numeric_limits<Real>::quiet_NaN();
};

/// Downside effectiveness of a hedge (Cotter & Hanly 2006): VaR, ES, semivariance and the lower partial
/// moments of order 0–3 of the exposure S and of the hedged position S − h·F, each with its
/// effectiveness 1 − risk(hedged)/risk(unhedged).
template <class Real = double>
struct downside_effectiveness_result {
  /// Pairs used: all of them, or the complete ones under missing_data::omit.
  std::size_t n = 0;
  /// The confidence level α of VaR and ES.
  double level = 0.95;
  /// The hedge ratio h of the hedged position S − h·F.
  Real ratio = std::numeric_limits<Real>::quiet_NaN();
  /// The target τ of the lower partial moments.
  Real target = 0;
  /// Historical VaR_α (value_at_risk), as losses.
  risk_reduction<Real> value_at_risk;
  /// Historical ES_α (expected_shortfall), as losses.
  risk_reduction<Real> expected_shortfall;
  /// Semivariance about the mean (semivariance), divisor n.
  risk_reduction<Real> semivariance;
  /// LPM_m(τ) for m = 0, 1, 2, 3 (lower_partial_moment).
  std::array<risk_reduction<Real>, 4> lower_partial_moment;
};

namespace detail {

/// downside_effectiveness for the current and the deprecated signatures.
template <class Real, class Exposure, class Hedge>
[[nodiscard]] downside_effectiveness_result<Real> downside_effectiveness_impl(const Exposure& exposure,
                                                                              const Hedge& hedge, Real ratio,
                                                                              double level, Real target,
                                                                              missing_data policy) {
  const char* function = "hedgemetrics::downside_effectiveness";
  detail::require_tail_level(level, function);
  detail::require_finite_parameter(ratio, "ratio", function);
  detail::require_finite_parameter(target, "target", function);
  std::vector<Real> s, f;
  bool complete = true;
  detail::gather_pairs(detail::view_of(exposure, function, "exposure"),
                       detail::view_of(hedge, function, "hedge"), policy, function, s, f, complete);
  downside_effectiveness_result<Real> out;
  out.level = level;
  out.ratio = ratio;
  out.target = target;
  if (!complete) {
    out.n = detail::view_of(exposure, function, "exposure").size();
    return out;
  }
  out.n = s.size();
  if (s.empty()) return out;
  std::vector<Real> hedged(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) hedged[i] = s[i] - ratio * f[i];
  // Whether any S − h·F overflowed: h − h is 0 for every finite h and NaN for ±inf (four sums, so that
  // the probe vectorises like the loop above).
  Real probe[4] = {0, 0, 0, 0};
  for (std::size_t i = 0; i + 4 <= hedged.size(); i += 4) {
    for (std::size_t j = 0; j < 4; ++j) probe[j] += hedged[i + j] - hedged[i + j];
  }
  for (std::size_t i = hedged.size() - hedged.size() % 4; i < hedged.size(); ++i)
    probe[0] += hedged[i] - hedged[i];
  const bool overflow = !((probe[0] + probe[1]) + (probe[2] + probe[3]) == 0);
  // S − h·F beyond DBL_MAX (S near 1e300 and h·F larger): the hedged position in units of 2^shift, chosen
  // so that no |S − h·F| exceeds 2^1021; its figures are scaled back (+inf where they exceed DBL_MAX) and
  // its effectiveness, a ratio, stays right. The unhedged figures use S as it is.
  int shift = 0;
  if (overflow) {
    Real largest_s = 0, largest_f = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      largest_s = std::max(largest_s, std::fabs(s[i]));
      largest_f = std::max(largest_f, std::fabs(f[i]));
    }
    const int top = std::max(std::ilogb(largest_s) + 1, std::ilogb(ratio) + std::ilogb(largest_f) + 2);
    shift = top + 1 - 1021;
    for (std::size_t i = 0; i < s.size(); ++i) {
      hedged[i] = std::ldexp(s[i], -shift) - ratio * std::ldexp(f[i], -shift);
    }
  }
  auto reduce = [shift](risk_reduction<Real>& r, Real unhedged_value, Real hedged_value) {
    r.unhedged = unhedged_value;
    r.hedged = detail::ldexp_wide(hedged_value, shift);
    r.effectiveness = unhedged_value != 0 ? 1 - detail::ldexp_wide(hedged_value / unhedged_value, shift)
                                          : std::numeric_limits<Real>::quiet_NaN();
  };
  // The moments as scaled figures: their ratio is right where a moment overflows or underflows.
  auto reduce_scaled = [](risk_reduction<Real>& r, const detail::scaled_figure<Real>& unhedged_value,
                          const detail::scaled_figure<Real>& hedged_value) {
    r.unhedged = detail::value_of(unhedged_value);
    r.hedged = detail::value_of(hedged_value);
    r.effectiveness = 1 - detail::ratio_of(hedged_value, unhedged_value);
  };
  const auto lpm_s = detail::lower_partial_moments_0_to_3(s, target);
  auto lpm_h = detail::lower_partial_moments_0_to_3(hedged, std::ldexp(target, -shift));
  for (std::size_t m = 0; m < 4; ++m) {
    lpm_h[m].exponent += static_cast<long long>(m) * shift;
    reduce_scaled(out.lower_partial_moment[m], lpm_s[m], lpm_h[m]);
  }
  auto semivariance_h = detail::semivariance_scaled(hedged);
  semivariance_h.exponent += 2 * static_cast<long long>(shift);
  reduce_scaled(out.semivariance, detail::semivariance_scaled(s), semivariance_h);
  for (auto& v : s) v = -v;
  for (auto& v : hedged) v = -v;
  const auto tail_s = detail::tail_of_losses(s, level);
  const auto tail_h = detail::tail_of_losses(hedged, level);
  reduce(out.value_at_risk, tail_s.value_at_risk, tail_h.value_at_risk);
  reduce(out.expected_shortfall, tail_s.expected_shortfall, tail_h.expected_shortfall);
  return out;
}

/// min_expected_shortfall_ratio for the current and the deprecated signatures.
template <class Real, class Exposure, class Hedge>
[[nodiscard]] Real min_expected_shortfall_ratio_impl(const Exposure& exposure, const Hedge& hedge,
                                                     double level, missing_data policy) {
  const char* function = "hedgemetrics::min_expected_shortfall_ratio";
  detail::require_tail_level(level, function);
  std::vector<Real> s, f;
  bool complete = true;
  detail::gather_pairs(detail::view_of(exposure, function, "exposure"),
                       detail::view_of(hedge, function, "hedge"), policy, function, s, f, complete);
  if (!complete) return std::numeric_limits<Real>::quiet_NaN();
  const int shift_s = detail::range_shift(s), shift_f = detail::range_shift(f);
  detail::scale_by(s, shift_s);
  detail::scale_by(f, shift_f);
  return detail::ldexp_wide(detail::min_shortfall_ratio_kernel(s, f, level),
                            static_cast<long long>(shift_s) - shift_f);
}

/// min_semivariance_ratio (below the mean) for the current and the deprecated signatures.
template <class Real, class Exposure, class Hedge>
[[nodiscard]] Real min_semivariance_ratio_impl(const Exposure& exposure, const Hedge& hedge,
                                               missing_data policy) {
  const char* function = "hedgemetrics::min_semivariance_ratio";
  std::vector<Real> s, f;
  bool complete = true;
  detail::gather_pairs(detail::view_of(exposure, function, "exposure"),
                       detail::view_of(hedge, function, "hedge"), policy, function, s, f, complete);
  if (!complete || s.size() < 2) return std::numeric_limits<Real>::quiet_NaN();
  const int shift_s = detail::range_shift(s), shift_f = detail::range_shift(f);
  detail::scale_by(s, shift_s);
  detail::scale_by(f, shift_f);
  // Centred with the means as hi + lo: a mean near 1e9 in one double would shift every deviation.
  const auto mean_s = detail::mean_of(s.data(), s.size()), mean_f = detail::mean_of(f.data(), f.size());
  for (auto& v : s) v = (v - mean_s.hi) - mean_s.lo;
  for (auto& v : f) v = (v - mean_f.hi) - mean_f.lo;
  return detail::ldexp_wide(detail::min_squared_deficit_ratio(s, f),
                            static_cast<long long>(shift_s) - shift_f);
}

/// min_target_semivariance_ratio, and the deprecated min_semivariance_ratio with a target (`function` names
/// the one the caller used).
template <class Real, class Exposure, class Hedge>
[[nodiscard]] Real min_target_semivariance_ratio_impl(const Exposure& exposure, const Hedge& hedge,
                                                      Real target, missing_data policy,
                                                      const char* function) {
  detail::require_finite_parameter(target, "target", function);
  std::vector<Real> s, f;
  bool complete = true;
  detail::gather_pairs(detail::view_of(exposure, function, "exposure"),
                       detail::view_of(hedge, function, "hedge"), policy, function, s, f, complete);
  if (!complete || s.size() < 2) return std::numeric_limits<Real>::quiet_NaN();
  // S − τ scaled with S and τ, so that it cannot overflow.
  const int shift_s = detail::range_shift(s, target), shift_f = detail::range_shift(f);
  const Real scaled_target = std::ldexp(target, -shift_s);
  for (auto& v : s) v = std::ldexp(v, -shift_s) - scaled_target;
  detail::scale_by(f, shift_f);
  return detail::ldexp_wide(detail::min_squared_deficit_ratio(s, f),
                            static_cast<long long>(shift_s) - shift_f);
}

}  // namespace detail

/// Means, standard deviations and correlation of the exposure S and the hedge F, for the normal closed
/// forms.
struct normal_hedge_moments {
  /// μ_S, the expected P&L of the exposure.
  double exposure_mean = 0;
  /// μ_F, the expected P&L of the hedge instrument.
  double hedge_mean = 0;
  /// σ_S > 0.
  double exposure_stddev = 1;
  /// σ_F > 0.
  double hedge_stddev = 1;
  /// ρ, in [−1, 1].
  double correlation = 0;
};

namespace detail {

/// The minimiser of −μ(h) + k·σ(h) for S − h·F jointly normal, k > 0 (see min_value_at_risk_ratio_normal).
[[nodiscard]] inline double min_normal_risk_ratio(const normal_hedge_moments& m, double k) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (!(m.exposure_stddev > 0) || !(m.hedge_stddev > 0) || !(std::fabs(m.correlation) <= 1)) return nan;
  // In the dimensionless μ_F/σ_F, so that no product of moments overflows or underflows (σ_F near 1e200,
  // μ_F·σ_S beyond DBL_MAX): h = (σ_S/σ_F)·(ρ − (μ_F/σ_F)·√(1 − ρ²)/√(k² − (μ_F/σ_F)²)).
  const double drift = m.hedge_mean / m.hedge_stddev;
  const double slack = k * k - drift * drift;
  if (!(slack > 0)) return nan;  // k·σ_F ≤ |μ_F|: the risk decreases without bound in h
  const double residual = std::sqrt(std::max(0.0, (1 - m.correlation) * (1 + m.correlation)));
  return (m.exposure_stddev / m.hedge_stddev) * (m.correlation - drift * residual / std::sqrt(slack));
}

/// The moments of the normal closed forms. Range (detail/power_scale.hpp): a series whose spread is beyond
/// 2^±64 is fitted divided by its power of two and its mean and standard deviation multiplied back, so a
/// standard deviation is right wherever it is a normal double (its variance may not be: near 1e±200 the
/// variance over- or underflowed and the ratios were NaN).
template <class Exposure, class Hedge>
[[nodiscard]] normal_hedge_moments moments_for_normal(const Exposure& exposure, const Hedge& hedge,
                                                      missing_data policy, const char* function) {
  const auto s = view_of(exposure, function, "exposure");
  const auto f = view_of(hedge, function, "hedge");
  require_same_length(function, "exposure", s.size(), "hedge", f.size());
  const int es = significant_exponent(deviation_exponent<double>(s.data(), s.size(), f.data()));
  const int ef = significant_exponent(deviation_exponent<double>(f.data(), f.size(), s.data()));
  const auto moments = [policy](const auto& x, const auto& y, int ex, int ey) {
    const auto fit = fit_hedge(x, y, fit_options{true, policy});
    normal_hedge_moments m;
    m.exposure_mean = std::ldexp(static_cast<double>(fit.exposure_mean), ex);
    m.hedge_mean = std::ldexp(static_cast<double>(fit.hedge_mean), ey);
    m.exposure_stddev = std::ldexp(std::sqrt(static_cast<double>(fit.exposure_variance)), ex);
    m.hedge_stddev = std::ldexp(std::sqrt(static_cast<double>(fit.hedge_variance)), ey);
    m.correlation = static_cast<double>(fit.correlation);
    return m;
  };
  if (es == 0 && ef == 0) return moments(exposure, hedge, 0, 0);
  return moments(scaled_copy<double>(s.data(), s.size(), es), scaled_copy<double>(f.data(), f.size(), ef), es,
                 ef);
}

/// The ratio minimising −μ(h) + z_α·σ(h) (VaR) or −μ(h) + φ(z_α)/(1 − α)·σ(h) (ES) of S − h·F, jointly
/// normal: the public closed forms and their deprecated spellings.
[[nodiscard]] inline double min_normal_value_at_risk_ratio(const normal_hedge_moments& moments, double level,
                                                           const char* function) {
  require_tail_level(level, function);
  const double z = normal_quantile(level);
  if (!(z > 0)) return std::numeric_limits<double>::quiet_NaN();
  return min_normal_risk_ratio(moments, z);
}

[[nodiscard]] inline double min_normal_expected_shortfall_ratio(const normal_hedge_moments& moments,
                                                                double level, const char* function) {
  require_tail_level(level, function);
  const double z = normal_quantile(level);
  const double k = std::exp(-z * z / 2) / (2.5066282746310002 * (1 - level));
  return min_normal_risk_ratio(moments, k);
}

}  // namespace detail

/// Every downside measure of the exposure S and of the hedged position S − h·F, and each effectiveness
/// 1 − risk(hedged)/risk(unhedged) (Cotter & Hanly 2006, "Reevaluating hedging performance",
/// J. Futures Markets 26(7)): VaR_α and ES_α of the losses −S and −(S − h·F) (tail_risk.hpp), the
/// semivariance below each one's own mean (semivariance), and LPM_m(τ) for m = 0…3 below the target τ
/// (lower_partial_moment). A few passes over the data: two nth_element selections for the quantiles.
///
/// \param exposure S, the position held, as P&L per period.
/// \param hedge    F, the instrument sold, aligned with `exposure`.
/// \param ratio    h, finite (min_variance_hedge_ratio, min_expected_shortfall_ratio, a naive 1, ...): data,
///                 so positional, and required (there is no default hedge).
/// \param options  reads `level` (α of VaR and ES, in (0, 1)), `target` (τ of the lower partial moments,
///                 finite) and `missing` (pairs are dropped together under omit).
/// Range: each effectiveness is right at any scale (the moments are compared as mantissa and exponent);
/// where S − h·F overflows, the hedged position is formed in units of a power of two and its figures
/// scaled back (+inf only where they exceed DBL_MAX).
/// \returns every figure NaN when no pair is used.
/// \throws std::invalid_argument for different lengths, a level outside (0, 1), a non-finite ratio or
///         target; std::domain_error under missing_data::raise.
template <class Exposure, class Hedge, HEDGEMETRICS_REQUIRES_SERIES(Exposure, Hedge)>
[[nodiscard]] downside_effectiveness_result<result_t<Exposure, Hedge>> downside_effectiveness(
    const Exposure& exposure, const Hedge& hedge, detail::type_identity_t<result_t<Exposure, Hedge>> ratio,
    const downside_options& options = {}) {
  using Real = result_t<Exposure, Hedge>;
  return detail::downside_effectiveness_impl<Real>(exposure, hedge, ratio, options.level,
                                                   static_cast<Real>(options.target), options.missing);
}

/// The hedge ratio h minimising the historical expected shortfall of the hedged position S − h·F, whose
/// losses are h·F − S (Rockafellar & Uryasev 2000, the hedging application of §3; Cotter & Hanly 2006):
/// \f[ h_{ES} = \arg\min_h \; \min_c \Big\{ c + \frac{1}{n(1-\alpha)} \sum_i (h F_i - S_i - c)^+ \Big\}. \f]
///
/// ES(h) is convex and piecewise linear in h (jointly convex in (h, c), minimised over c). The minimiser
/// is found exactly, as a vertex: the slope of ES at h is Σw_i·F_i over R&U's tail weights w at h, so a
/// bracket [lo, hi] with negative and positive slopes is found by doubling steps from h*, then narrowed
/// with the lines of the pieces at lo and hi (they support ES from below; where they cross is the vertex
/// once the pieces are adjacent: Kelley's cutting planes), alternated with a secant step on the slope,
/// which lands next to the minimiser where ES is nearly quadratic (many small pieces, large n). Each step is
/// one nth_element and two passes over the candidates, O(n); observations that cannot reach the tail
/// anywhere in the bracket are set aside as it narrows (their losses at both ends lie below a lower bound
/// of VaR on it), so later steps read a fraction of the data. Each step shrinks the bracket; the count is
/// not bounded by a formula, but is small: 9–17 steps reading on average 20–30% of the data, on 1e3 to
/// 1e6 normal and Student-t(3) pairs; 72 ms at 1e6 against 70 ms for one std::sort
/// (bench_hedge_accounting). No grid: the answer is the vertex to a few roundings (ES at it is within 16
/// ulps of the lower bound the two lines give), never a boundary of a search range. If ES is flat at its
/// minimum, a point of the flat piece is returned.
///
/// \param exposure S, the position held, as P&L per period.
/// \param hedge    F, the instrument sold, aligned with `exposure`.
/// \param options  reads `level` (α, in (0, 1)) and `missing` (pairs are dropped together under omit).
/// \returns NaN when fewer than 2 pairs are used, or when ES(h) has no minimiser: it decreases without
///          bound, or is flat, to one side (F's α-tail mean, ES_α(F) or ES_α(−F), not positive, e.g. a
///          hedge constant at a nonzero value).
/// \throws std::invalid_argument for different lengths or a level outside (0, 1); std::domain_error under
///         missing_data::raise.
template <class Exposure, class Hedge, HEDGEMETRICS_REQUIRES_SERIES(Exposure, Hedge)>
[[nodiscard]] result_t<Exposure, Hedge> min_expected_shortfall_ratio(const Exposure& exposure,
                                                                     const Hedge& hedge,
                                                                     const downside_options& options = {}) {
  return detail::min_expected_shortfall_ratio_impl<result_t<Exposure, Hedge>>(exposure, hedge, options.level,
                                                                              options.missing);
}

/// The hedge ratio minimising the semivariance below the mean of the hedged position S − h·F (as
/// semivariance: the shortfall of each P&L below the position's own mean, not below a fixed target; for
/// that see min_target_semivariance_ratio):
/// \f[ h_{SV} = \arg\min_h \frac{1}{n}\sum_i \big(\min(\tilde S_i - h\tilde F_i, 0)\big)^2, \quad
///     \tilde S = S - \bar S,\ \tilde F = F - \bar F, \f]
/// a convex, piecewise quadratic function of h, minimised exactly: a binary search over the sorted
/// breakpoints S̃_i/F̃_i for the sign change of its derivative, then the stationary point of that piece,
/// Σ_A S̃_i F̃_i / Σ_A F̃_i² over its deficits A. O(n log n).
///
/// \param exposure S, the position held, as P&L per period.
/// \param hedge    F, the instrument sold, aligned with `exposure`.
/// \param options  reads `missing` (pairs are dropped together under omit).
/// \returns NaN when fewer than 2 pairs are used or the minimiser is not unique (no F̃_i of one sign).
/// \throws std::invalid_argument for different lengths; std::domain_error under missing_data::raise.
/// Reference: Markowitz (1959), ch. 9, for the semivariance; the minimiser as Lien & Tse (2000) with the
/// target replaced by the mean.
template <class Exposure, class Hedge, HEDGEMETRICS_REQUIRES_SERIES(Exposure, Hedge)>
[[nodiscard]] result_t<Exposure, Hedge> min_semivariance_ratio(const Exposure& exposure, const Hedge& hedge,
                                                               const downside_options& options = {}) {
  return detail::min_semivariance_ratio_impl<result_t<Exposure, Hedge>>(exposure, hedge, options.missing);
}

/// The hedge ratio minimising the target semivariance of the hedged position S − h·F: its lower partial
/// moment of order 2 below the fixed target τ (lower_partial_moment(S − h·F, 2, options)), not below its
/// mean (Lien & Tse 2000, "Hedging downside risk with futures contracts", Applied Financial Economics
/// 10(2)):
/// \f[ h_{\tau} = \arg\min_h \frac{1}{n}\sum_i \big(\min(S_i - hF_i - \tau, 0)\big)^2 , \f]
/// exactly, as min_semivariance_ratio (breakpoints (S_i − τ)/F_i). With τ = 0 it minimises the mean
/// squared loss.
///
/// \param exposure S, the position held, as P&L per period.
/// \param hedge    F, the instrument sold, aligned with `exposure`.
/// \param options  reads `target` (τ, finite; 0 by default) and `missing`.
/// \returns NaN when fewer than 2 pairs are used or the minimiser is not unique (no F_i of one sign).
/// \throws std::invalid_argument for different lengths or a non-finite target; std::domain_error under
///         missing_data::raise.
template <class Exposure, class Hedge, HEDGEMETRICS_REQUIRES_SERIES(Exposure, Hedge)>
[[nodiscard]] result_t<Exposure, Hedge> min_target_semivariance_ratio(const Exposure& exposure,
                                                                      const Hedge& hedge,
                                                                      const downside_options& options = {}) {
  using Real = result_t<Exposure, Hedge>;
  return detail::min_target_semivariance_ratio_impl<Real>(exposure, hedge, static_cast<Real>(options.target),
                                                          options.missing,
                                                          "hedgemetrics::min_target_semivariance_ratio");
}

/// The ratio minimising the value at risk of S − h·F when (S, F) is bivariate normal: the position's P&L
/// is N(μ_S − hμ_F, σ²(h)), σ²(h) = σ_S² − 2hρσ_Sσ_F + h²σ_F², so its VaR (a loss) is
/// VaR_α(h) = −(μ_S − hμ_F) + z_α·σ(h) with z_α = Φ⁻¹(α), minimised at
/// \f[ h_{VaR} = \rho\frac{\sigma_S}{\sigma_F} - \mu_F \frac{\sigma_S}{\sigma_F}
///     \sqrt{\frac{1-\rho^2}{z_\alpha^2\sigma_F^2 - \mu_F^2}} \f]
/// (Hung, Chiu & Lee 2006, "Hedging with zero-value at risk hedge ratio", Applied Financial Economics
/// 16(3); Harris & Shen 2006, "Hedging and value at risk", J. Futures Markets 26(4)). It is h* = ρσ_S/σ_F
/// when μ_F = 0.
/// \param moments μ_S, μ_F, σ_S, σ_F, ρ.
/// \param options reads `level` (α, in (0, 1)).
/// \returns NaN when a standard deviation is not positive, |ρ| > 1, or z_α·σ_F ≤ |μ_F| (no minimum: then
///          the VaR decreases without bound as h moves; always so for α ≤ ½).
/// \throws std::invalid_argument when level is not in (0, 1).
[[nodiscard]] inline double min_value_at_risk_ratio_normal(const normal_hedge_moments& moments,
                                                           const downside_options& options = {}) {
  return detail::min_normal_value_at_risk_ratio(moments, options.level,
                                                "hedgemetrics::min_value_at_risk_ratio_normal");
}

/// The ratio minimising the expected shortfall of S − h·F under bivariate normality: ES_α(h) =
/// −(μ_S − hμ_F) + k·σ(h) with k = φ(z_α)/(1 − α) (the normal ES, e.g. McNeil, Frey & Embrechts,
/// Quantitative Risk Management, 2nd ed. 2015, ch. 2), so the closed form of min_value_at_risk_ratio_normal
/// with z_α replaced by k: \f[ h_{ES} = \rho\frac{\sigma_S}{\sigma_F} - \mu_F \frac{\sigma_S}{\sigma_F}
///     \sqrt{\frac{1-\rho^2}{k^2\sigma_F^2 - \mu_F^2}}. \f]
/// \param moments μ_S, μ_F, σ_S, σ_F, ρ.
/// \param options reads `level` (α, in (0, 1)).
/// \returns NaN as min_value_at_risk_ratio_normal (with k for z_α).
/// \throws std::invalid_argument when level is not in (0, 1).
[[nodiscard]] inline double min_expected_shortfall_ratio_normal(const normal_hedge_moments& moments,
                                                                const downside_options& options = {}) {
  return detail::min_normal_expected_shortfall_ratio(moments, options.level,
                                                     "hedgemetrics::min_expected_shortfall_ratio_normal");
}

/// min_value_at_risk_ratio_normal with the moments estimated from the data: the sample means, the sample
/// standard deviations (divisor n − 1) and correlation, as fit_hedge computes them.
/// \param options reads `level` and `missing`.
/// \throws as fit_hedge, and std::invalid_argument when level is not in (0, 1).
template <class Exposure, class Hedge, HEDGEMETRICS_REQUIRES_SERIES(Exposure, Hedge)>
[[nodiscard]] double min_value_at_risk_ratio_normal(const Exposure& exposure, const Hedge& hedge,
                                                    const downside_options& options = {}) {
  const char* function = "hedgemetrics::min_value_at_risk_ratio_normal";
  detail::require_tail_level(options.level, function);
  return detail::min_normal_value_at_risk_ratio(
      detail::moments_for_normal(exposure, hedge, options.missing, function), options.level, function);
}

/// min_expected_shortfall_ratio_normal with the moments estimated from the data (as
/// min_value_at_risk_ratio_normal does).
/// \param options reads `level` and `missing`.
/// \throws as fit_hedge, and std::invalid_argument when level is not in (0, 1).
template <class Exposure, class Hedge, HEDGEMETRICS_REQUIRES_SERIES(Exposure, Hedge)>
[[nodiscard]] double min_expected_shortfall_ratio_normal(const Exposure& exposure, const Hedge& hedge,
                                                         const downside_options& options = {}) {
  const char* function = "hedgemetrics::min_expected_shortfall_ratio_normal";
  detail::require_tail_level(options.level, function);
  return detail::min_normal_expected_shortfall_ratio(
      detail::moments_for_normal(exposure, hedge, options.missing, function), options.level, function);
}

// Deprecated spellings, kept for one version: each forwards to the implementation of its replacement.

/// Deprecated: downside_effectiveness(exposure, hedge, ratio, options) with level, target and policy in
/// downside_options.
template <class Exposure, class Hedge, class Level, detail::if_number_t<Level> = 0,
          HEDGEMETRICS_REQUIRES_SERIES(Exposure, Hedge)>
[[nodiscard,
  deprecated("use downside_effectiveness(exposure, hedge, ratio, options) with downside_options::level, "
             "::target and ::missing")]] downside_effectiveness_result<result_t<Exposure, Hedge>>
downside_effectiveness(const Exposure& exposure, const Hedge& hedge,
                       detail::type_identity_t<result_t<Exposure, Hedge>> ratio, Level level,
                       detail::type_identity_t<result_t<Exposure, Hedge>> target = 0,
                       missing_data policy = missing_data::propagate) {
  return detail::downside_effectiveness_impl<result_t<Exposure, Hedge>>(
      exposure, hedge, ratio, static_cast<double>(level), static_cast<result_t<Exposure, Hedge>>(target),
      policy);
}

/// Deprecated: min_expected_shortfall_ratio(exposure, hedge, options) with level and policy in
/// downside_options.
template <class Exposure, class Hedge, class Level, detail::if_number_t<Level> = 0,
          HEDGEMETRICS_REQUIRES_SERIES(Exposure, Hedge)>
[[nodiscard, deprecated("use min_expected_shortfall_ratio(exposure, hedge, options) with "
                        "downside_options::level and ::missing")]] result_t<Exposure, Hedge>
min_expected_shortfall_ratio(const Exposure& exposure, const Hedge& hedge, Level level,
                             missing_data policy = missing_data::propagate) {
  return detail::min_expected_shortfall_ratio_impl<result_t<Exposure, Hedge>>(
      exposure, hedge, static_cast<double>(level), policy);
}

/// Deprecated: min_semivariance_ratio(exposure, hedge, options) with the policy in downside_options.
template <class Exposure, class Hedge, class Policy, detail::if_policy_t<Policy> = 0,
          HEDGEMETRICS_REQUIRES_SERIES(Exposure, Hedge)>
[[nodiscard, deprecated("use min_semivariance_ratio(exposure, hedge, options) with "
                        "downside_options::missing")]] result_t<Exposure, Hedge>
min_semivariance_ratio(const Exposure& exposure, const Hedge& hedge, Policy policy) {
  return detail::min_semivariance_ratio_impl<result_t<Exposure, Hedge>>(exposure, hedge, policy);
}

/// Deprecated: with a target this was the semivariance below τ, not below the mean; it is now
/// min_target_semivariance_ratio(exposure, hedge, options) with downside_options::target.
template <class Exposure, class Hedge, class Target, detail::if_number_t<Target> = 0,
          HEDGEMETRICS_REQUIRES_SERIES(Exposure, Hedge)>
[[nodiscard,
  deprecated("below a target it is min_target_semivariance_ratio(exposure, hedge, options) with "
             "downside_options::target; min_semivariance_ratio is below the mean")]] result_t<Exposure, Hedge>
min_semivariance_ratio(const Exposure& exposure, const Hedge& hedge, Target target,
                       missing_data policy = missing_data::propagate) {
  return detail::min_target_semivariance_ratio_impl<result_t<Exposure, Hedge>>(
      exposure, hedge, static_cast<result_t<Exposure, Hedge>>(target), policy,
      "hedgemetrics::min_semivariance_ratio");
}

/// Deprecated: min_value_at_risk_ratio_normal(moments, options) with downside_options::level.
template <class Level, detail::if_number_t<Level> = 0>
[[nodiscard,
  deprecated("use min_value_at_risk_ratio_normal(moments, options) with downside_options::level")]] double
min_value_at_risk_ratio_normal(const normal_hedge_moments& moments, Level level) {
  return detail::min_normal_value_at_risk_ratio(moments, static_cast<double>(level),
                                                "hedgemetrics::min_value_at_risk_ratio_normal");
}

/// Deprecated: min_expected_shortfall_ratio_normal(moments, options) with downside_options::level.
template <class Level, detail::if_number_t<Level> = 0>
[[nodiscard, deprecated("use min_expected_shortfall_ratio_normal(moments, options) with "
                        "downside_options::level")]] double
min_expected_shortfall_ratio_normal(const normal_hedge_moments& moments, Level level) {
  return detail::min_normal_expected_shortfall_ratio(moments, static_cast<double>(level),
                                                     "hedgemetrics::min_expected_shortfall_ratio_normal");
}

/// Deprecated: min_value_at_risk_ratio_normal(exposure, hedge, options) with level and policy in
/// downside_options.
template <class Exposure, class Hedge, class Level, detail::if_number_t<Level> = 0,
          HEDGEMETRICS_REQUIRES_SERIES(Exposure, Hedge)>
[[nodiscard, deprecated("use min_value_at_risk_ratio_normal(exposure, hedge, options) with "
                        "downside_options::level and ::missing")]] double
min_value_at_risk_ratio_normal(const Exposure& exposure, const Hedge& hedge, Level level,
                               missing_data policy = missing_data::propagate) {
  const char* function = "hedgemetrics::min_value_at_risk_ratio_normal";
  detail::require_tail_level(static_cast<double>(level), function);
  return detail::min_normal_value_at_risk_ratio(detail::moments_for_normal(exposure, hedge, policy, function),
                                                static_cast<double>(level), function);
}

/// Deprecated: min_expected_shortfall_ratio_normal(exposure, hedge, options) with level and policy in
/// downside_options.
template <class Exposure, class Hedge, class Level, detail::if_number_t<Level> = 0,
          HEDGEMETRICS_REQUIRES_SERIES(Exposure, Hedge)>
[[nodiscard, deprecated("use min_expected_shortfall_ratio_normal(exposure, hedge, options) with "
                        "downside_options::level and ::missing")]] double
min_expected_shortfall_ratio_normal(const Exposure& exposure, const Hedge& hedge, Level level,
                                    missing_data policy = missing_data::propagate) {
  const char* function = "hedgemetrics::min_expected_shortfall_ratio_normal";
  detail::require_tail_level(static_cast<double>(level), function);
  return detail::min_normal_expected_shortfall_ratio(
      detail::moments_for_normal(exposure, hedge, policy, function), static_cast<double>(level), function);
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_DOWNSIDE_HEDGE_HPP
