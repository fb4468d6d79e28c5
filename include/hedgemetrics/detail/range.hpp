// SPDX-License-Identifier: MIT
/// \file
/// The range contract of the moment and co-moment kernels: figures of data anywhere in the double range.
///
/// The block kernels square deviations, so on their own they overflow for deviations above about 2^512
/// (1.3e154) and lose digits to gradual underflow below about 2^-511. Rather than slow every sum down, the
/// kernels run as they are and their result is checked afterwards (a handful of comparisons); only a result
/// whose sums left the safe band [2^-900, 2^900] — or overflowed — is computed again on a copy of the data
/// scaled by a power of two per series (exact: only the exponent changes), chosen so that the scaled
/// deviations are of order one. The figures are then scaled back with std::ldexp, which rounds once at
/// most: a variance whose true value exceeds DBL_MAX becomes +inf, one below the smallest normal number a
/// subnormal or 0, and the scale-free figures (ratio up to its own power of two, R², correlation, t) are as
/// exact as on data of ordinary size. This is the approach of LAPACK's dnrm2 and of Blue's algorithm
/// (Blue 1978, "A portable Fortran program to find the Euclidean norm of a vector", ACM TOMS 4(1)): scale
/// in the rare careful path only.
#ifndef HEDGEMETRICS_DETAIL_RANGE_HPP
#define HEDGEMETRICS_DETAIL_RANGE_HPP

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "hedgemetrics/detail/comoments.hpp"
#include "hedgemetrics/detail/moments.hpp"
#include "hedgemetrics/detail/power_scale.hpp"

namespace hedgemetrics::detail {

// The careful paths round the same in every unit, whatever its flags (detail/config.hpp).
HEDGEMETRICS_NO_FP_CONTRACT_BEGIN

/// Sums of squares inside [2^-safe, 2^safe] lost nothing to overflow or gradual underflow: with deviations
/// this size, no square of a term that matters is subnormal and no partial sum can pass DBL_MAX.
template <class Real>
[[nodiscard]] constexpr int safe_sum_exponent() noexcept {
  // 900 for double: 2^900 leaves 2^124 of headroom for counts and cross terms; 2^-900 keeps a relative
  // rounding unit (2^-53) of every term that matters above the smallest normal number 2^-1022.
  return (std::numeric_limits<Real>::max_exponent * 7) / 8 + 4;
}

/// 2^e as a constant (exact: repeated doubling or halving of a power of two).
template <class Real>
[[nodiscard]] constexpr Real power_of_two(int e) noexcept {
  Real out = 1;
  for (; e > 0; --e) out *= 2;
  for (; e < 0; ++e) out /= 2;
  return out;
}

/// The edges of the safe band, 2^safe and 2^-safe.
template <class Real>
inline constexpr Real safe_sum_upper = power_of_two<Real>(safe_sum_exponent<Real>());
template <class Real>
inline constexpr Real safe_sum_lower = power_of_two<Real>(-safe_sum_exponent<Real>());

/// True when a sum of squares is 0, outside the safe band, or not finite: the figure may have lost digits
/// to underflow or overflowed, so the data are summarised again at another scale.
template <class Real>
[[nodiscard]] bool sum_out_of_range(Real s) noexcept {
  return !(s >= safe_sum_lower<Real> && s <= safe_sum_upper<Real>);
}

template <class X>
[[nodiscard]] bool any_nonfinite(const X* x, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(static_cast<double>(x[i]))) return true;
  return false;
}

/// Moments with the power of two their data were divided by: the true mean is mean·2^scale, the true
/// M2 is m2·2^(2·scale).
template <class Real>
struct scaled_moments {
  moments<Real> m;
  int scale = 0;
};

/// compute_moments under the range contract (see the file comment).
template <class Real, class X>
[[nodiscard]] scaled_moments<Real> compute_moments_in_range(const X* x, std::size_t n, missing_data policy,
                                                            const char* function, const char* name) {
  scaled_moments<Real> out;
  out.m = compute_moments<Real>(x, n, policy, function, name);
  const moments<Real>& m = out.m;
  bool redo = false;
  if (m.nonfinite) {
    // Poisoned by a non-finite value (propagate: NaN is the answer) or by sums that overflowed.
    redo = policy != missing_data::propagate || !any_nonfinite(x, n);
  } else if (m.count >= 2) {
    redo = m.min != m.max && sum_out_of_range(m.m2);
  }
  if (!redo) return out;
  out.scale = significant_exponent(deviation_exponent<Real>(x, n));
  if (out.scale == 0) return out;
  const std::vector<Real> copy = scaled_copy<Real>(x, n, out.scale);
  out.m = compute_moments<Real>(copy.data(), n, policy, function, name);
  // The range is the data's own values, never the scaled copy's (whose smallest values may underflow).
  Real lo = std::numeric_limits<Real>::infinity();
  Real hi = -std::numeric_limits<Real>::infinity();
  for (std::size_t i = 0; i < n; ++i) {
    const Real u = static_cast<Real>(x[i]);
    if (!std::isfinite(u)) continue;
    lo = u < lo ? u : lo;
    hi = u > hi ? u : hi;
  }
  out.m.min = lo;
  out.m.max = hi;
  return out;
}

/// Co-moments with the powers of two their series were divided by: the true S_xx is sxx·2^(2·scale_x),
/// S_xy is sxy·2^(scale_x + scale_y), h* is ratio·2^(scale_x − scale_y), and so on.
template <class Real>
struct scaled_comoments {
  comoments<Real> c;
  int scale_x = 0;
  int scale_y = 0;
  /// A ratio in the data's units, in the units of the scaled co-moments.
  [[nodiscard]] Real scaled_ratio(Real h) const noexcept { return std::ldexp(h, scale_y - scale_x); }

  /// The same state on coarser scales (ex ≥ scale_x, ey ≥ scale_y): every field multiplied by its power of
  /// two, exact unless it falls among the subnormals, where only parts far below the rounding of a state
  /// summarised at those scales are lost. Where S_yy becomes negligible (below the safe band), the
  /// reference ratio moves to 0 first (SSR_0 = SSR_r + r²·S_yy, an identity for the reference), so a ratio
  /// against a vanished S_yy can neither overflow nor leave the residual sum behind.
  [[nodiscard]] comoments<Real> on_scales(int ex, int ey) const noexcept {
    comoments<Real> out = c;
    const int dx = scale_x - ex;  // ≤ 0
    const int dy = scale_y - ey;  // ≤ 0
    if (dx == 0 && dy == 0) return out;
    out.mean_x = std::ldexp(c.mean_x, dx);
    out.tail_x = std::ldexp(c.tail_x, dx);
    out.mean_y = std::ldexp(c.mean_y, dy);
    out.tail_y = std::ldexp(c.tail_y, dy);
    out.sxx = std::ldexp(c.sxx, 2 * dx);
    out.syy = std::ldexp(c.syy, 2 * dy);
    out.sxy = std::ldexp(c.sxy, dx + dy);
    if (out.syy < safe_sum_lower<Real>) {
      out.ssr = std::ldexp(c.ssr + (c.ratio * c.syy) * c.ratio, 2 * dx);
      out.ratio = 0;
      out.ratio_tail = 0;
    } else {
      out.ssr = std::ldexp(c.ssr, 2 * dx);
      out.ratio = std::ldexp(c.ratio, dx - dy);
      out.ratio_tail = std::ldexp(c.ratio_tail, dx - dy);
    }
    return out;
  }

  /// Combines two disjoint samples summarised on any scales (comoments::merge, Chan, Golub & LeVeque 1979),
  /// under the range contract: on equal scales the plain merge, kept when its sums stay finite and below
  /// 2^safe; otherwise both states are brought to the coarser scale of each series, and coarser still by
  /// the gap between their means where that gap would overflow the between-sample term (two blocks of
  /// values near +1e300 and −1e300), so every merged sum is finite and the figures scale back exactly.
  [[nodiscard]] static scaled_comoments merge(const scaled_comoments& earlier,
                                              const scaled_comoments& later) noexcept {
    if (earlier.c.count == 0) return later;
    if (later.c.count == 0) return earlier;
    scaled_comoments out;
    if ((earlier.scale_x == later.scale_x && earlier.scale_y == later.scale_y) || earlier.c.nonfinite ||
        later.c.nonfinite) {
      out.c = comoments<Real>::merge(earlier.c, later.c);
      out.scale_x = earlier.scale_x;
      out.scale_y = earlier.scale_y;
      if (out.c.nonfinite || merged_in_range(out.c)) return out;
    }
    int ex = earlier.scale_x > later.scale_x ? earlier.scale_x : later.scale_x;
    int ey = earlier.scale_y > later.scale_y ? earlier.scale_y : later.scale_y;
    // The gap between the means on these scales, halved so that it cannot overflow; where it is large, a
    // coarser scale by its exponent keeps (n_a·n_b/n)·δ² finite.
    ex += gap_exponent(std::ldexp(earlier.c.mean_x, earlier.scale_x - ex),
                       std::ldexp(later.c.mean_x, later.scale_x - ex));
    ey += gap_exponent(std::ldexp(earlier.c.mean_y, earlier.scale_y - ey),
                       std::ldexp(later.c.mean_y, later.scale_y - ey));
    for (int attempt = 0;; ++attempt) {
      out.c = comoments<Real>::merge(earlier.on_scales(ex, ey), later.on_scales(ex, ey));
      out.scale_x = ex;
      out.scale_y = ey;
      if (attempt == 4 || out.c.nonfinite || merged_in_range(out.c)) break;
      // Sums of two parts each near the top of the band: coarser by 2^64 where they left it.
      constexpr Real upper = safe_sum_upper<Real>;
      const bool x_out = !(out.c.sxx <= upper && out.c.ssr <= upper && std::isfinite(out.c.mean_x));
      const bool y_out = !(out.c.syy <= upper && std::isfinite(out.c.mean_y));
      ex += (x_out || !y_out) ? 64 : 0;
      ey += (y_out || !x_out) ? 64 : 0;
    }
    return out;
  }

 private:
  // Finite sums below 2^safe: nothing overflowed (merged parts that were in the band cannot underflow).
  [[nodiscard]] static bool merged_in_range(const comoments<Real>& m) noexcept {
    constexpr Real upper = safe_sum_upper<Real>;
    return m.sxx <= upper && m.syy <= upper && std::fabs(m.sxy) <= upper && m.ssr <= upper &&
           std::isfinite(m.mean_x) && std::isfinite(m.mean_y) && std::isfinite(m.ratio);
  }
  // The exponent of |later − earlier| where it is beyond 2^64 (0 otherwise): the extra scale it needs.
  [[nodiscard]] static int gap_exponent(Real earlier, Real later) noexcept {
    const Real half_gap = std::fabs(later / 2 - earlier / 2);
    if (!(half_gap > 0)) return 0;
    int e = 0;
    static_cast<void>(std::frexp(half_gap, &e));
    return e + 1 > 64 ? e + 1 : 0;
  }
};

/// Whether finite co-moments must be summarised again on scaled data: a sum of squares of two or more pairs
/// left the safe band. A 0 counts: deviations below 2^-537 square to 0, and a perfect hedge's residuals
/// may have underflowed (constant series and perfect hedges of ordinary size come back too, at the cost of
/// a scan).
template <class Real>
[[nodiscard]] bool comoments_out_of_range(const comoments<Real>& c) noexcept {
  return c.count >= 2 && (sum_out_of_range(c.sxx) || sum_out_of_range(c.syy) || sum_out_of_range(c.ssr));
}

/// The careful path's scales of two series (significant_exponent of each one's spread) into `out`; with
/// `complete_pairs` (missing_data::omit), only the pairs where both values are finite set them.
template <class Real, class X, class Y>
void choose_scales(scaled_comoments<Real>& out, const X* x, const Y* y, std::size_t n,
                   bool complete_pairs) noexcept {
  out.scale_x = significant_exponent(deviation_exponent<Real>(x, n, complete_pairs ? y : nullptr));
  out.scale_y = significant_exponent(deviation_exponent<Real>(y, n, complete_pairs ? x : nullptr));
}

/// compute_comoments under the range contract (see the file comment).
template <class Real, class X, class Y>
[[nodiscard]] scaled_comoments<Real> compute_comoments_in_range(const X* x, const Y* y, std::size_t n,
                                                                missing_data policy, const char* function,
                                                                const char* x_name, const char* y_name) {
  scaled_comoments<Real> out;
  out.c = compute_comoments<Real>(x, y, n, policy, function, x_name, y_name);
  const comoments<Real>& c = out.c;
  bool redo = false;
  if (c.nonfinite) {
    redo = policy != missing_data::propagate || (!any_nonfinite(x, n) && !any_nonfinite(y, n));
  } else {
    redo = comoments_out_of_range(c);
  }
  if (!redo) return out;
  choose_scales(out, x, y, n, policy == missing_data::omit);
  if (out.scale_x == 0 && out.scale_y == 0) return out;
  const std::vector<Real> sx = scaled_copy<Real>(x, n, out.scale_x);
  const std::vector<Real> sy = scaled_copy<Real>(y, n, out.scale_y);
  out.c = compute_comoments<Real>(sx.data(), sy.data(), n, policy, function, x_name, y_name);
  return out;
}

HEDGEMETRICS_NO_FP_CONTRACT_END

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_RANGE_HPP
