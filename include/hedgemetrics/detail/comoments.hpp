// SPDX-License-Identifier: MIT
/// \file
/// The bivariate co-moment kernel behind fit_hedge, hedge_effectiveness, residual_variance and basis_risk.
///
/// State of a regression of x (the exposure) on y (the hedge) over `count` pairs:
///   means x̄, ȳ; centred co-moments Sxx = Σ(x − x̄)², Syy = Σ(y − ȳ)², Sxy = Σ(x − x̄)(y − ȳ);
///   a reference ratio r = Sxy/Syy (0 when Syy = 0); and SSR = Σ((x − x̄) − r(y − ȳ))², the residual sum
///   of squares at r, accumulated from the residuals themselves.
/// Keeping SSR as its own sum is what keeps near-perfect hedges exact: SSR = Sxx − Sxy²/Syy would be the
/// difference of two nearly equal numbers and lose every digit when 1 − R² is near the rounding unit.
#ifndef HEDGEMETRICS_DETAIL_COMOMENTS_HPP
#define HEDGEMETRICS_DETAIL_COMOMENTS_HPP

#include <cmath>
#include <cstddef>
#include <type_traits>

#include "hedgemetrics/detail/blocks.hpp"
#include "hedgemetrics/detail/comoment_state.hpp"
#include "hedgemetrics/detail/kernels.hpp"

namespace hedgemetrics::detail {

// The kernels below are written twice: here generically (any Real, scalar lanes), and for doubles in
// detail/comoment_kernels.ipp on explicit vectors, compiled once per instruction set (detail/kernels.hpp).
// The dispatching functions after the generic ones pick the doubles' kernel of the process's instruction
// set (instruction_set.hpp), and the generic one for other Real (long double).

/// Residual sum of squares Σ(e − ē)² of e = (x − x̂) − r(y − ŷ) over m pairs, by the corrected two-pass
/// formula Σe² − (Σe)²/m: one vectorised sweep.
template <class Real, class X, class Y>
[[nodiscard]] Real generic_residual_sweep(std::size_t m, const X* x, const Y* y, Real shift_x, Real shift_y,
                                          Real r) noexcept {
  const std::size_t whole = m - m % lanes;
  Real dev_e[lanes] = {};
  Real sq_e[lanes] = {};
  for (std::size_t i = 0; i < whole; i += lanes) {
    for (std::size_t j = 0; j < lanes; ++j) {
      const Real e = (static_cast<Real>(x[i + j]) - shift_x) - r * (static_cast<Real>(y[i + j]) - shift_y);
      dev_e[j] += e;
      sq_e[j] += e * e;
    }
  }
  for (std::size_t i = whole; i < m; ++i) {
    const Real e = (static_cast<Real>(x[i]) - shift_x) - r * (static_cast<Real>(y[i]) - shift_y);
    dev_e[0] += e;
    sq_e[0] += e * e;
  }
  const Real de = lane_sum(dev_e);
  const Real ssr = lane_sum(sq_e) - de * (de / static_cast<Real>(m));
  return ssr > 0 ? ssr : Real(0);
}

/// Summarises m pairs the careful way, for the blocks the fast path below cannot vouch for (the first
/// block, a jump in level, a constant series). Three sweeps over the block, which is in cache by then, each
/// vectorised over `lanes` independent accumulators:
///  1. sums and ranges: provisional means x̂, ŷ; a series whose range is a single value gets that value
///     as its exact mean, so a constant hedge has Syy = 0 exactly (and a NaN ratio, not a rounding ratio);
///  2. deviations a = x − x̂, b = y − ŷ: the corrected two-pass co-moments S_ab = Σab − Σa·Σb/m
///     (Chan, Golub & LeVeque 1983, "Algorithms for computing the sample variance", eq. 1.7);
///  3. residuals e = a − r·b at the block's own ratio r: SSR = Σe² − (Σe)²/m.
template <class Real, class X, class Y>
[[nodiscard]] comoments<Real> generic_careful_block_comoments(std::size_t m, const X* x,
                                                              const Y* y) noexcept {
  comoments<Real> out;
  out.count = m;
  if (m == 0) return out;
  const Real count = static_cast<Real>(m);
  const std::size_t whole = m - m % lanes;

  Real sum_x[lanes] = {};
  Real sum_y[lanes] = {};
  Real lo_x[lanes];
  Real hi_x[lanes];
  Real lo_y[lanes];
  Real hi_y[lanes];
  for (std::size_t j = 0; j < lanes; ++j) {
    lo_x[j] = hi_x[j] = static_cast<Real>(x[0]);
    lo_y[j] = hi_y[j] = static_cast<Real>(y[0]);
  }
  for (std::size_t i = 0; i < whole; i += lanes) {
    for (std::size_t j = 0; j < lanes; ++j) {
      const Real u = static_cast<Real>(x[i + j]);
      const Real v = static_cast<Real>(y[i + j]);
      sum_x[j] += u;
      sum_y[j] += v;
      lo_x[j] = u < lo_x[j] ? u : lo_x[j];
      hi_x[j] = u > hi_x[j] ? u : hi_x[j];
      lo_y[j] = v < lo_y[j] ? v : lo_y[j];
      hi_y[j] = v > hi_y[j] ? v : hi_y[j];
    }
  }
  for (std::size_t i = whole; i < m; ++i) {
    const Real u = static_cast<Real>(x[i]);
    const Real v = static_cast<Real>(y[i]);
    sum_x[0] += u;
    sum_y[0] += v;
    lo_x[0] = u < lo_x[0] ? u : lo_x[0];
    hi_x[0] = u > hi_x[0] ? u : hi_x[0];
    lo_y[0] = v < lo_y[0] ? v : lo_y[0];
    hi_y[0] = v > hi_y[0] ? v : hi_y[0];
  }
  const Real total_x = lane_sum(sum_x);
  const Real total_y = lane_sum(sum_y);
  if (!std::isfinite(total_x) || !std::isfinite(total_y)) {
    out.finite = false;
    return out;
  }
  const Real min_x = lane_min(lo_x), max_x = lane_max(hi_x), min_y = lane_min(lo_y), max_y = lane_max(hi_y);
  const Real shift_x = min_x == max_x ? min_x : total_x / count;
  const Real shift_y = min_y == max_y ? min_y : total_y / count;

  Real dev_x[lanes] = {};
  Real dev_y[lanes] = {};
  Real sq_x[lanes] = {};
  Real sq_y[lanes] = {};
  Real cross[lanes] = {};
  for (std::size_t i = 0; i < whole; i += lanes) {
    for (std::size_t j = 0; j < lanes; ++j) {
      const Real a = static_cast<Real>(x[i + j]) - shift_x;
      const Real b = static_cast<Real>(y[i + j]) - shift_y;
      dev_x[j] += a;
      dev_y[j] += b;
      sq_x[j] += a * a;
      sq_y[j] += b * b;
      cross[j] += a * b;
    }
  }
  for (std::size_t i = whole; i < m; ++i) {
    const Real a = static_cast<Real>(x[i]) - shift_x;
    const Real b = static_cast<Real>(y[i]) - shift_y;
    dev_x[0] += a;
    dev_y[0] += b;
    sq_x[0] += a * a;
    sq_y[0] += b * b;
    cross[0] += a * b;
  }
  const Real da = lane_sum(dev_x);
  const Real db = lane_sum(dev_y);
  const Real sxx = lane_sum(sq_x) - da * (da / count);
  const Real syy = lane_sum(sq_y) - db * (db / count);
  out.sxx = sxx > 0 ? sxx : Real(0);
  out.syy = syy > 0 ? syy : Real(0);
  out.sxy = lane_sum(cross) - da * (db / count);
  two_sum(shift_x, da / count, out.mean_x, out.tail_x);
  two_sum(shift_y, db / count, out.mean_y, out.tail_y);
  out.ratio = out.syy > 0 ? out.sxy / out.syy : Real(0);
  if (out.syy == 0) {
    out.ssr = out.sxx;  // nothing to regress on: the residual is the exposure itself
    return out;
  }

  out.ssr = generic_residual_sweep(m, x, y, shift_x, shift_y, out.ratio);
  return out;
}

/// Summarises m pairs in one vectorised sweep, the common case. Deviations are taken from the previous
/// block's means (the shifted-data algorithm: Chan, Golub & LeVeque 1983, §3) and residuals at the
/// previous block's ratio r₀, accumulating Σa, Σb, Σa², Σb², Σab, Σe, Σe² with a = x − x̂, b = y − ŷ,
/// e = a − r₀b. Then S_aa = Σa² − (Σa)²/m (and alike), and the residual sum at this block's own ratio r
/// is SSR = S_ee − S_eb²/S_bb with S_eb = S_ab − r₀S_bb.
///
/// Each of those subtractions loses about log10(before/after) digits, so the result is kept only when
/// it loses less than a factor `cancellation_limit`; otherwise the block is summed again the careful
/// way (it is in cache then). On market data the limit is met by every block but the first.
template <class Real, class X, class Y>
[[nodiscard]] comoments<Real> generic_block_comoments(std::size_t m, const X* x, const Y* y,
                                                      comoment_context<Real>& context) noexcept {
  // Trading 1.2 digits at most for one sweep instead of three: ample for the 1e-11 target.
  constexpr Real cancellation_limit = 16;
  comoments<Real> out;
  out.count = m;
  if (m == 0) return out;
  if (!context.primed) {
    out = generic_careful_block_comoments<Real>(m, x, y);
  } else {
    const Real count = static_cast<Real>(m);
    const std::size_t whole = m - m % lanes;
    const Real shift_x = context.shift_x;
    const Real shift_y = context.shift_y;
    const Real r0 = context.ratio;
    Real sum_a[lanes] = {};
    Real sum_b[lanes] = {};
    Real sum_e[lanes] = {};
    Real sq_a[lanes] = {};
    Real sq_b[lanes] = {};
    Real sq_e[lanes] = {};
    Real cross[lanes] = {};
    for (std::size_t i = 0; i < whole; i += lanes) {
      for (std::size_t j = 0; j < lanes; ++j) {
        const Real a = static_cast<Real>(x[i + j]) - shift_x;
        const Real b = static_cast<Real>(y[i + j]) - shift_y;
        const Real e = a - r0 * b;
        sum_a[j] += a;
        sum_b[j] += b;
        sum_e[j] += e;
        sq_a[j] += a * a;
        sq_b[j] += b * b;
        sq_e[j] += e * e;
        cross[j] += a * b;
      }
    }
    for (std::size_t i = whole; i < m; ++i) {
      const Real a = static_cast<Real>(x[i]) - shift_x;
      const Real b = static_cast<Real>(y[i]) - shift_y;
      const Real e = a - r0 * b;
      sum_a[0] += a;
      sum_b[0] += b;
      sum_e[0] += e;
      sq_a[0] += a * a;
      sq_b[0] += b * b;
      sq_e[0] += e * e;
      cross[0] += a * b;
    }
    const Real da = lane_sum(sum_a);
    const Real db = lane_sum(sum_b);
    if (!std::isfinite(da) || !std::isfinite(db)) {
      out.finite = false;
      return out;
    }
    const Real raw_aa = lane_sum(sq_a);
    const Real raw_bb = lane_sum(sq_b);
    const Real sxx = raw_aa - da * (da / count);
    const Real syy = raw_bb - db * (db / count);
    // A level shift since the previous block, or a constant series: sum this block the careful way.
    if (!(sxx * cancellation_limit >= raw_aa) || !(syy * cancellation_limit >= raw_bb) || !(syy > 0)) {
      out = generic_careful_block_comoments<Real>(m, x, y);
    } else {
      out.sxx = sxx;
      out.syy = syy;
      out.sxy = lane_sum(cross) - da * (db / count);
      two_sum(shift_x, da / count, out.mean_x, out.tail_x);
      two_sum(shift_y, db / count, out.mean_y, out.tail_y);
      out.ratio = out.sxy / out.syy;
      const Real de = lane_sum(sum_e);
      const Real see = lane_sum(sq_e) - de * (de / count);
      const Real seb = out.sxy - r0 * out.syy;
      const Real ssr = see - seb * (seb / out.syy);
      if (ssr * cancellation_limit >= see && ssr >= 0) {
        out.ssr = ssr;
      } else {
        // r₀ is too far from this block's ratio for this hedge's small residuals: sum them again at r.
        out.ssr = generic_residual_sweep(m, x, y, shift_x, shift_y, out.ratio);
      }
    }
  }
  if (out.finite) {
    context.shift_x = out.mean_x;
    context.shift_y = out.mean_y;
    context.ratio = out.ratio;
    context.primed = true;
  }
  return out;
}

/// careful_block_comoments: the kernel of the process's instruction set for doubles, the generic one else.
template <class Real, class X, class Y>
[[nodiscard]] comoments<Real> careful_block_comoments(std::size_t m, const X* x, const Y* y) noexcept {
  if constexpr (std::is_same_v<Real, double>) {
    return on_active_set([&](auto set) { return careful_block_comoments(set, m, x, y); });
  } else {
    return generic_careful_block_comoments<Real>(m, x, y);
  }
}

/// block_comoments: the kernel of the process's instruction set for doubles, the generic one else.
template <class Real, class X, class Y>
[[nodiscard]] comoments<Real> block_comoments(std::size_t m, const X* x, const Y* y,
                                              comoment_context<Real>& context) noexcept {
  if constexpr (std::is_same_v<Real, double>) {
    return on_active_set([&](auto set) { return block_comoments(set, m, x, y, context); });
  } else {
    return generic_block_comoments<Real>(m, x, y, context);
  }
}

/// The co-moments of two aligned series, for accumulate_blocks.
template <class Real>
struct comoment_kernel {
  using state = comoments<Real>;
  comoment_context<Real> context;
  template <class X, class Y>
  [[nodiscard]] state block(std::size_t m, const X* x, const Y* y) noexcept {
    return block_comoments<Real>(m, x, y, context);
  }
};

/// Samples up to this many pairs get a second, cache-resident sweep that refines h* beyond double precision
/// (refine_ratio). Above it the sweep would read memory twice; the benchmark bench_hedge_ratio at 1e3 pairs
/// shows what the sweep costs.
inline constexpr std::size_t refine_limit = 4096;

/// Refines the ratio to about twice the working precision: h* = r + Σe·(y − ȳ)/S_yy, with the residuals
/// e = (x − x̄) − r(y − ȳ) formed without rounding error beyond their own (TwoSum deviations from the
/// double-word means, TwoProduct r·(y − ȳ)) and summed with compensation (Ogita, Rump & Oishi 2005). The
/// correction is what a double h* misses; it matters for the intercept x̄ − h*ȳ, whose condition number
/// |h*ȳ|/|x̄ − h*ȳ| is 3,200 on NIST's Norris data. For the same reason Σe/n, what x̄ − r·ȳ still misses
/// after the plain sums of the sweeps, is added to the exposure mean's tail, where the intercept picks it
/// up. Non-finite pairs are skipped when `skip_nonfinite` (missing_data::omit); under the other policies
/// none reach here.
template <class Real, class X, class Y>
void generic_refine_ratio(comoments<Real>& c, const X* x, const Y* y, std::size_t n,
                          bool skip_nonfinite) noexcept {
  if (c.nonfinite || !(c.syy > 0)) return;
  const Real r = c.ratio;
  // Σe·(y − ȳ) for h*, and Σe for the intercept (see the per-set kernel in comoment_kernels.ipp), each a
  // compensated sum; the residuals e formed from the double-word means without rounding beyond their own.
  compensated_sum<Real> products;
  compensated_sum<Real> residuals;
  std::size_t used = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Real u = static_cast<Real>(x[i]);
    const Real v = static_cast<Real>(y[i]);
    if (skip_nonfinite && (!std::isfinite(u) || !std::isfinite(v))) continue;
    Real dx = 0, dx_low = 0, dy = 0, dy_low = 0, p = 0, p_low = 0;
    two_sum(u, -c.mean_x, dx, dx_low);
    two_sum(v, -c.mean_y, dy, dy_low);
    dx_low -= c.tail_x;
    dy_low -= c.tail_y;
    two_product(r, dy, p, p_low);
    const Real e = (dx - p) + ((dx_low - p_low) - r * dy_low);
    products.add_product(e, dy + dy_low);
    residuals.add(e);
    ++used;
  }
  c.ratio_tail = products.value() / c.syy;
  if (used > 0) {
    Real mean = 0, tail = 0;
    two_sum(c.mean_x, c.tail_x + residuals.value() / static_cast<Real>(used), mean, tail);
    c.mean_x = mean;
    c.tail_x = tail;
  }
}

/// refine_ratio: the kernel of the process's instruction set for doubles, the generic one else.
template <class Real, class X, class Y>
void refine_ratio(comoments<Real>& c, const X* x, const Y* y, std::size_t n, bool skip_nonfinite) noexcept {
  if constexpr (std::is_same_v<Real, double>) {
    on_active_set([&](auto set) { refine_ratio(set, c, x, y, n, skip_nonfinite); });
  } else {
    generic_refine_ratio(c, x, y, n, skip_nonfinite);
  }
}

/// Co-moments of exposure and hedge under a missing-data policy (the single entry point of the kernel).
template <class Real, class X, class Y>
[[nodiscard]] comoments<Real> compute_comoments(const X* exposure, const Y* hedge, std::size_t n,
                                                missing_data policy, const char* function,
                                                const char* exposure_name, const char* hedge_name) {
  comoment_kernel<Real> kernel;
  comoments<Real> c =
      accumulate_blocks<Real>(kernel, policy, function, n, named_series<X>{exposure_name, exposure},
                              named_series<Y>{hedge_name, hedge});
  if (n <= refine_limit) refine_ratio(c, exposure, hedge, n, policy == missing_data::omit);
  return c;
}

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_COMOMENTS_HPP
