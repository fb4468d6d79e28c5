// SPDX-License-Identifier: MIT
/// \file
/// Powers of two for the range contract (detail/range.hpp): the exponent by which a series is divided on a
/// careful path, and the division itself (exact, unless a value falls among the subnormals). A header of
/// its own, light, for the families that scale their data once at their boundary (garch_hedge.hpp,
/// kalman_hedge.hpp) without the co-moment kernels range.hpp brings.
#ifndef HEDGEMETRICS_DETAIL_POWER_SCALE_HPP
#define HEDGEMETRICS_DETAIL_POWER_SCALE_HPP

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "hedgemetrics/detail/config.hpp"

namespace hedgemetrics::detail {

HEDGEMETRICS_NO_FP_CONTRACT_BEGIN

/// The power of two by which a series is divided on the careful path: the exponent of its spread
/// (max − min over finite values), so that deviations are of order one; of the largest magnitude when the
/// spread overflows or is 0 (a constant series, whose mean must still not overflow). 0 for an empty or
/// all-zero series.
/// With `partner` given, only values whose partner is finite count (the complete pairs of missing_data::omit:
/// an omitted pair's value must not set the scale, or the complete ones could underflow).
template <class Real, class X, class P = X>
[[nodiscard]] int deviation_exponent(const X* x, std::size_t n, const P* partner = nullptr) noexcept {
  Real lo = std::numeric_limits<Real>::infinity();
  Real hi = -std::numeric_limits<Real>::infinity();
  for (std::size_t i = 0; i < n; ++i) {
    const Real u = static_cast<Real>(x[i]);
    if (!std::isfinite(u)) continue;
    if (partner != nullptr && !std::isfinite(static_cast<double>(partner[i]))) continue;
    lo = u < lo ? u : lo;
    hi = u > hi ? u : hi;
  }
  if (!(lo <= hi)) return 0;
  // Halves first, so the spread of values near ±DBL_MAX does not overflow.
  const Real half_spread = hi / 2 - lo / 2;
  const Real largest = std::fabs(lo) > std::fabs(hi) ? std::fabs(lo) : std::fabs(hi);
  const Real scale = half_spread > 0 ? half_spread : largest;
  if (!(scale > 0)) return 0;
  int e = 0;
  static_cast<void>(std::frexp(scale, &e));
  return e;
}

/// Data whose deviations are within 2^±64 of one are summarised exactly as well unscaled (a constant
/// series, a perfect hedge): only scales beyond that are worth a second pass.
[[nodiscard]] inline int significant_exponent(int e) noexcept {
  return (e > 64 || e < -64) ? e : 0;
}

/// x·2^-e for every value into out[0 … n) (non-finite values kept as they are, for the missing-data policy).
template <class Real, class X>
void scale_into(const X* x, std::size_t n, int e, Real* out) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    const Real u = static_cast<Real>(x[i]);
    out[i] = std::isfinite(u) ? std::ldexp(u, -e) : u;
  }
}

/// x·2^-e for every value, as a new vector (see scale_into).
template <class Real, class X>
[[nodiscard]] std::vector<Real> scaled_copy(const X* x, std::size_t n, int e) {
  std::vector<Real> out(n);
  scale_into(x, n, e, out.data());
  return out;
}

HEDGEMETRICS_NO_FP_CONTRACT_END

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_POWER_SCALE_HPP
