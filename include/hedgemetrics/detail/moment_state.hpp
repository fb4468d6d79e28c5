// SPDX-License-Identifier: MIT
/// \file
/// The state of the univariate moment kernel (detail/moments.hpp) and its merge.
#ifndef HEDGEMETRICS_DETAIL_MOMENT_STATE_HPP
#define HEDGEMETRICS_DETAIL_MOMENT_STATE_HPP

#include <cstddef>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/exact_sums.hpp"
#include "hedgemetrics/detail/messages.hpp"

namespace hedgemetrics::detail {

// Merges round the same in every unit, whatever its flags (detail/config.hpp).
HEDGEMETRICS_NO_FP_CONTRACT_BEGIN

/// Count, mean, centred sum of squares M2 = Σ(x − x̄)², minimum and maximum of a sample.
template <class Real>
struct moments {
  std::size_t count = 0;
  Real mean = 0;  // x̄ = mean + tail, see two_sum
  Real tail = 0;
  Real m2 = 0;
  Real min = 0;
  Real max = 0;
  bool finite = true;
  bool nonfinite = false;

  /// Chan, Golub & LeVeque (1979), eq. 2.1: M2 = M2_a + M2_b + (n_a·n_b/n)·δ².
  [[nodiscard]] static moments merge(const moments& earlier, const moments& later) noexcept {
    if (earlier.count == 0) return later;
    if (later.count == 0) return earlier;
    moments out;
    out.count = earlier.count + later.count;
    const Real share_b = static_cast<Real>(later.count) / static_cast<Real>(out.count);
    const Real delta = (later.mean - earlier.mean) + (later.tail - earlier.tail);
    two_sum(earlier.mean, earlier.tail + delta * share_b, out.mean, out.tail);
    out.m2 = earlier.m2 + later.m2 + static_cast<Real>(earlier.count) * share_b * delta * delta;
    out.min = later.min < earlier.min ? later.min : earlier.min;
    out.max = later.max > earlier.max ? later.max : earlier.max;
    out.finite = earlier.finite && later.finite;
    out.nonfinite = earlier.nonfinite || later.nonfinite;
    return out;
  }
};

/// The careful block kernel for any Real (detail/moments.hpp defines it).
template <class Real, class X>
[[nodiscard]] moments<Real> generic_careful_block_moments(std::size_t m, const X* x) noexcept;

HEDGEMETRICS_NO_FP_CONTRACT_END

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_MOMENT_STATE_HPP
