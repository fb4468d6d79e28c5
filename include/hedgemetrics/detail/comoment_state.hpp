// SPDX-License-Identifier: MIT
/// \file
/// The state of the bivariate co-moment kernel (detail/comoments.hpp) and its merge.
///
/// State of a regression of x (the exposure) on y (the hedge) over `count` pairs:
///   means x̄, ȳ; centred co-moments Sxx = Σ(x − x̄)², Syy = Σ(y − ȳ)², Sxy = Σ(x − x̄)(y − ȳ);
///   a reference ratio r = Sxy/Syy (0 when Syy = 0); and SSR = Σ((x − x̄) − r(y − ȳ))², the residual sum
///   of squares at r, accumulated from the residuals themselves.
/// Keeping SSR as its own sum is what keeps near-perfect hedges exact: SSR = Sxx − Sxy²/Syy would be the
/// difference of two nearly equal numbers and lose every digit when 1 − R² is near the rounding unit.
#ifndef HEDGEMETRICS_DETAIL_COMOMENT_STATE_HPP
#define HEDGEMETRICS_DETAIL_COMOMENT_STATE_HPP

#include <cstddef>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/exact_sums.hpp"
#include "hedgemetrics/detail/messages.hpp"

namespace hedgemetrics::detail {

// Merges and spreads round the same in every unit, whatever its flags (detail/config.hpp).
HEDGEMETRICS_NO_FP_CONTRACT_BEGIN

template <class Real>
struct comoments {
  std::size_t count = 0;
  Real mean_x = 0;  // x̄ = mean_x + tail_x, see two_sum
  Real mean_y = 0;
  Real tail_x = 0;
  Real tail_y = 0;
  Real sxx = 0;
  Real syy = 0;
  Real sxy = 0;
  Real ratio = 0;       // reference ratio r; Sxy − r·Syy = 0 (up to rounding) by construction
  Real ratio_tail = 0;  // h* − r beyond double precision, set by refine_ratio (0 otherwise)
  Real ssr = 0;         // Σ((x − x̄) − r(y − ȳ))²
  bool finite = true;
  bool nonfinite = false;

  /// The state of a single pair: its values are the means, every centred sum is 0.
  [[nodiscard]] static comoments of_pair(Real x, Real y) noexcept {
    comoments one;
    one.count = 1;
    one.mean_x = x;
    one.mean_y = y;
    return one;
  }

  /// Σ((x − x̄) − h(y − ȳ))² for any h. Since Σ(e_r)(y − ȳ) = 0 at the reference ratio r, this is
  /// SSR + (h − r)²·Syy: a sum of two non-negative terms, so no digits cancel whatever h is.
  [[nodiscard]] Real spread_at(Real h) const noexcept {
    const Real gap = h - ratio;
    // (gap·Syy)·gap, not gap²·Syy: gap² can overflow where the term itself, at most about Sxx, does not
    // (a ratio near 1e230 against Syy = 0 must give 0, not inf·0 = NaN).
    return ssr + (gap * syy) * gap;
  }

  /// Combines the states of two disjoint samples (`earlier` before `later`).
  ///
  /// Co-moments follow Chan, Golub & LeVeque (1979), eq. 2.1: S = S_a + S_b + (n_a·n_b/n)·δx·δy.
  /// The residual sum is re-expressed at the merged ratio r: each part's residual sum at r is
  /// SSR_k + (r − r_k)²·Syy_k (see spread_at), and the between-part term is (n_a·n_b/n)·(δx − r·δy)².
  /// Every term is non-negative, so the merged SSR is as exact as its parts.
  [[nodiscard]] static comoments merge(const comoments& earlier, const comoments& later) noexcept {
    if (earlier.count == 0) return later;
    if (later.count == 0) return earlier;
    comoments out;
    out.count = earlier.count + later.count;
    const Real n_a = static_cast<Real>(earlier.count);
    const Real n_b = static_cast<Real>(later.count);
    const Real share_b = n_b / static_cast<Real>(out.count);
    const Real weight = n_a * share_b;
    const Real dx = (later.mean_x - earlier.mean_x) + (later.tail_x - earlier.tail_x);
    const Real dy = (later.mean_y - earlier.mean_y) + (later.tail_y - earlier.tail_y);
    two_sum(earlier.mean_x, earlier.tail_x + dx * share_b, out.mean_x, out.tail_x);
    two_sum(earlier.mean_y, earlier.tail_y + dy * share_b, out.mean_y, out.tail_y);
    out.sxx = earlier.sxx + later.sxx + weight * dx * dx;
    out.syy = earlier.syy + later.syy + weight * dy * dy;
    out.sxy = earlier.sxy + later.sxy + weight * dx * dy;
    out.ratio = out.syy > 0 ? out.sxy / out.syy : Real(0);
    const Real gap_a = out.ratio - earlier.ratio;
    const Real gap_b = out.ratio - later.ratio;
    const Real de = dx - out.ratio * dy;
    out.ssr = earlier.ssr + later.ssr + (gap_a * earlier.syy) * gap_a + (gap_b * later.syy) * gap_b +
              weight * de * de;
    out.finite = earlier.finite && later.finite;
    out.nonfinite = earlier.nonfinite || later.nonfinite;
    return out;
  }
};

HEDGEMETRICS_NO_FP_CONTRACT_END

/// What the fast path carries from one block to the next: the previous block's means (the shift for this
/// block's deviations) and its ratio (the reference for this block's residuals).
template <class Real>
struct comoment_context {
  Real shift_x = 0;
  Real shift_y = 0;
  Real ratio = 0;
  bool primed = false;
};

/// The careful block kernel for any Real (detail/comoments.hpp defines it); declared here for the lane
/// engine's per-set copies, which use it for types other than double.
template <class Real, class X, class Y>
[[nodiscard]] comoments<Real> generic_careful_block_comoments(std::size_t m, const X* x, const Y* y) noexcept;

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_COMOMENT_STATE_HPP
