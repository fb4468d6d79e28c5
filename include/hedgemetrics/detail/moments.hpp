// SPDX-License-Identifier: MIT
/// \file
/// The univariate moment kernel behind describe(), mean(), variance() and standard_deviation().
#ifndef HEDGEMETRICS_DETAIL_MOMENTS_HPP
#define HEDGEMETRICS_DETAIL_MOMENTS_HPP

#include <cmath>
#include <cstddef>

#include <type_traits>

#include "hedgemetrics/detail/blocks.hpp"
#include "hedgemetrics/detail/kernels.hpp"
#include "hedgemetrics/detail/moment_state.hpp"

namespace hedgemetrics::detail {

/// Summarises m values the careful way (the first block, a jump in level, a constant block), in two
/// vectorised sweeps over the block, which is in cache by then: sum and range, then the corrected
/// two-pass sum of squares M2 = Σd² − (Σd)²/m with d = x − x̂ (Chan, Golub & LeVeque 1983, eq. 1.7).
/// A block whose range is one value gets it as its exact mean and M2 = 0.
template <class Real, class X>
[[nodiscard]] moments<Real> generic_careful_block_moments(std::size_t m, const X* x) noexcept {
  moments<Real> out;
  out.count = m;
  if (m == 0) return out;
  const Real count = static_cast<Real>(m);
  // Twice the lanes for the sweep that tracks the range: with `lanes` GCC 12 and Clang 14 leave the
  // min/max selects scalar; with twice as many they vectorise (bench_descriptive: 0.77 → see README).
  constexpr std::size_t range_lanes = 2 * lanes;
  const std::size_t whole_range = m - m % range_lanes;
  Real sum[range_lanes] = {};
  Real lo[range_lanes];
  Real hi[range_lanes];
  for (std::size_t j = 0; j < range_lanes; ++j) lo[j] = hi[j] = static_cast<Real>(x[0]);
  for (std::size_t i = 0; i < whole_range; i += range_lanes) {
    for (std::size_t j = 0; j < range_lanes; ++j) {
      const Real u = static_cast<Real>(x[i + j]);
      sum[j] += u;
      lo[j] = u < lo[j] ? u : lo[j];
      hi[j] = u > hi[j] ? u : hi[j];
    }
  }
  for (std::size_t i = whole_range; i < m; ++i) {
    const Real u = static_cast<Real>(x[i]);
    sum[0] += u;
    lo[0] = u < lo[0] ? u : lo[0];
    hi[0] = u > hi[0] ? u : hi[0];
  }
  const Real total = lane_sum(sum);
  if (!std::isfinite(total)) {
    out.finite = false;
    return out;
  }
  out.min = lane_min(lo);
  out.max = lane_max(hi);
  if (out.min == out.max) {
    out.mean = out.min;
    return out;
  }
  const Real shift = total / count;
  const std::size_t whole = m - m % lanes;
  Real dev[lanes] = {};
  Real sq[lanes] = {};
  for (std::size_t i = 0; i < whole; i += lanes) {
    for (std::size_t j = 0; j < lanes; ++j) {
      const Real d = static_cast<Real>(x[i + j]) - shift;
      dev[j] += d;
      sq[j] += d * d;
    }
  }
  for (std::size_t i = whole; i < m; ++i) {
    const Real d = static_cast<Real>(x[i]) - shift;
    dev[0] += d;
    sq[0] += d * d;
  }
  const Real dsum = lane_sum(dev);
  const Real m2 = lane_sum(sq) - dsum * (dsum / count);
  out.m2 = m2 > 0 ? m2 : Real(0);
  two_sum(shift, dsum / count, out.mean, out.tail);
  return out;
}

/// Summarises m values in one vectorised sweep, the common case: deviations a = x − x̂ from the previous
/// block's mean x̂ (the shifted-data algorithm, Chan, Golub & LeVeque 1983, §3), with Σa, Σa² and the range;
/// M2 = Σa² − (Σa)²/m. A block whose subtraction would cancel more than a factor 16 is summed again the
/// careful way (see block_comoments, which makes the same trade).
template <class Real, class X>
[[nodiscard]] moments<Real> generic_block_moments(std::size_t m, const X* x, Real& shift,
                                                  bool& primed) noexcept {
  constexpr Real cancellation_limit = 16;
  moments<Real> out;
  out.count = m;
  if (m == 0) return out;
  if (!primed) {
    out = generic_careful_block_moments<Real>(m, x);
  } else {
    constexpr std::size_t range_lanes = 2 * lanes;  // see careful_block_moments
    const std::size_t whole = m - m % range_lanes;
    const Real count = static_cast<Real>(m);
    Real sum[range_lanes] = {};
    Real sq[range_lanes] = {};
    Real lo[range_lanes];
    Real hi[range_lanes];
    for (std::size_t j = 0; j < range_lanes; ++j) lo[j] = hi[j] = static_cast<Real>(x[0]);
    for (std::size_t i = 0; i < whole; i += range_lanes) {
      for (std::size_t j = 0; j < range_lanes; ++j) {
        const Real u = static_cast<Real>(x[i + j]);
        const Real a = u - shift;
        sum[j] += a;
        sq[j] += a * a;
        lo[j] = u < lo[j] ? u : lo[j];
        hi[j] = u > hi[j] ? u : hi[j];
      }
    }
    for (std::size_t i = whole; i < m; ++i) {
      const Real u = static_cast<Real>(x[i]);
      const Real a = u - shift;
      sum[0] += a;
      sq[0] += a * a;
      lo[0] = u < lo[0] ? u : lo[0];
      hi[0] = u > hi[0] ? u : hi[0];
    }
    const Real da = lane_sum(sum);
    const Real raw = lane_sum(sq);
    out.min = lane_min(lo);
    out.max = lane_max(hi);
    if (!std::isfinite(da) || !std::isfinite(raw)) {
      out.finite = false;
      return out;
    }
    const Real m2 = raw - da * (da / count);
    if (out.min == out.max || !(m2 * cancellation_limit >= raw)) {
      out = generic_careful_block_moments<Real>(m, x);
    } else {
      out.m2 = m2;
      two_sum(shift, da / count, out.mean, out.tail);
    }
  }
  if (out.finite) {
    shift = out.mean;
    primed = true;
  }
  return out;
}

/// careful_block_moments and block_moments: the kernels of the process's instruction set for doubles
/// (detail/moment_kernels.ipp), the generic ones above for other Real.
template <class Real, class X>
[[nodiscard]] moments<Real> careful_block_moments(std::size_t m, const X* x) noexcept {
  if constexpr (std::is_same_v<Real, double>) {
    return on_active_set([&](auto set) { return careful_block_moments(set, m, x); });
  } else {
    return generic_careful_block_moments<Real>(m, x);
  }
}

template <class Real, class X>
[[nodiscard]] moments<Real> block_moments(std::size_t m, const X* x, Real& shift, bool& primed) noexcept {
  if constexpr (std::is_same_v<Real, double>) {
    return on_active_set([&](auto set) { return block_moments(set, m, x, shift, primed); });
  } else {
    return generic_block_moments<Real>(m, x, shift, primed);
  }
}

template <class Real>
struct moment_kernel {
  using state = moments<Real>;
  Real shift = 0;
  bool primed = false;
  template <class X>
  [[nodiscard]] state block(std::size_t m, const X* x) noexcept {
    return block_moments<Real>(m, x, shift, primed);
  }
};

/// Moments of one series under a missing-data policy (the single entry point of the kernel).
template <class Real, class X>
[[nodiscard]] moments<Real> compute_moments(const X* x, std::size_t n, missing_data policy,
                                            const char* function, const char* name) {
  moment_kernel<Real> kernel;
  return accumulate_blocks<Real>(kernel, policy, function, n, named_series<X>{name, x});
}

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_MOMENTS_HPP
