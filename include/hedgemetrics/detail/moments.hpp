// SPDX-License-Identifier: MIT
/// \file
/// The univariate moment kernel behind describe(), mean(), variance() and standard_deviation().
#ifndef HEDGEMETRICS_DETAIL_MOMENTS_HPP
#define HEDGEMETRICS_DETAIL_MOMENTS_HPP

#include <cmath>
#include <cstddef>

#include "hedgemetrics/detail/blocks.hpp"

namespace hedgemetrics::detail {

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

/// Summarises m values held in cache in two vectorised sweeps: sum and range, then the corrected
/// two-pass sum of squares M2 = Σd² − (Σd)²/m with d = x − x̂ (Chan, Golub & LeVeque 1983, eq. 1.7).
/// A block whose range is one value gets it as its exact mean and M2 = 0.
template <class Real, class X>
[[nodiscard]] moments<Real> block_moments(std::size_t m, const X* x) noexcept {
  moments<Real> out;
  out.count = m;
  if (m == 0) return out;
  const Real count = static_cast<Real>(m);
  const std::size_t whole = m - m % lanes;
  Real sum[lanes] = {};
  Real lo[lanes];
  Real hi[lanes];
  for (std::size_t j = 0; j < lanes; ++j) lo[j] = hi[j] = static_cast<Real>(x[0]);
  for (std::size_t i = 0; i < whole; i += lanes) {
    for (std::size_t j = 0; j < lanes; ++j) {
      const Real u = static_cast<Real>(x[i + j]);
      sum[j] += u;
      lo[j] = u < lo[j] ? u : lo[j];
      hi[j] = u > hi[j] ? u : hi[j];
    }
  }
  for (std::size_t i = whole; i < m; ++i) {
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
  out.min = lo[0];
  out.max = hi[0];
  for (std::size_t j = 1; j < lanes; ++j) {
    out.min = lo[j] < out.min ? lo[j] : out.min;
    out.max = hi[j] > out.max ? hi[j] : out.max;
  }
  if (out.min == out.max) {
    out.mean = out.min;
    return out;
  }
  const Real shift = total / count;
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

template <class Real>
struct moment_kernel {
  using state = moments<Real>;
  template <class X>
  [[nodiscard]] state block(std::size_t m, const X* x) const noexcept {
    return block_moments<Real>(m, x);
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
