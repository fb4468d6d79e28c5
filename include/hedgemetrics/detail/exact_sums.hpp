// SPDX-License-Identifier: MIT
/// \file
/// Error-free transformations (TwoSum, TwoProduct) and the compensated sums built on them, and the fixed-order
/// reductions of lane accumulators.
#ifndef HEDGEMETRICS_DETAIL_EXACT_SUMS_HPP
#define HEDGEMETRICS_DETAIL_EXACT_SUMS_HPP

#include <cmath>
#include <cstddef>

namespace hedgemetrics::detail {

/// Knuth's TwoSum: sum + error == a + b exactly (Knuth, TAOCP vol. 2, §4.2.2, Theorem B). Means are kept
/// as such a pair, a double and its rounding error: a mean near 1e9 stored in one double is off by up to
/// 6e-8, which is the whole signal when two blocks of a near-perfect hedge are merged.
template <class Real>
constexpr void two_sum(Real a, Real b, Real& sum, Real& error) noexcept {
  sum = a + b;
  const Real b_part = sum - a;
  error = (a - (sum - b_part)) + (b - b_part);
}

/// product + error == a·b exactly (the FMA form of Dekker's TwoProduct; Ogita, Rump & Oishi 2005).
template <class Real>
void two_product(Real a, Real b, Real& product, Real& error) noexcept {
  product = a * b;
  error = std::fma(a, b, -product);
}

/// Σ terms accumulated with TwoSum/TwoProduct (Ogita, Rump & Oishi 2005, "Accurate sum and dot
/// product", Algorithm Dot2): as if in twice the working precision; with add() alone, Neumaier's
/// compensated sum.
template <class Real>
struct compensated_sum {
  Real sum = 0;
  Real error = 0;
  void add(Real value) noexcept {
    Real s = 0, e = 0;
    two_sum(sum, value, s, e);
    sum = s;
    error += e;
  }
  void add_product(Real a, Real b) noexcept {
    Real product = 0, product_error = 0;
    two_product(a, b, product, product_error);
    add(product);
    error += product_error;
  }
  [[nodiscard]] Real value() const noexcept { return sum + error; }
};

/// Sum of the lanes of an accumulator array, in a fixed order.
template <class Real, std::size_t N>
[[nodiscard]] constexpr Real lane_sum(const Real (&acc)[N]) noexcept {
  Real total = 0;
  for (std::size_t j = 0; j < N; ++j) total += acc[j];
  return total;
}

/// Least and greatest of the lanes of a running minimum or maximum.
template <class Real, std::size_t N>
[[nodiscard]] constexpr Real lane_min(const Real (&acc)[N]) noexcept {
  Real least = acc[0];
  for (std::size_t j = 1; j < N; ++j) least = acc[j] < least ? acc[j] : least;
  return least;
}

template <class Real, std::size_t N>
[[nodiscard]] constexpr Real lane_max(const Real (&acc)[N]) noexcept {
  Real greatest = acc[0];
  for (std::size_t j = 1; j < N; ++j) greatest = acc[j] > greatest ? acc[j] : greatest;
  return greatest;
}

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_EXACT_SUMS_HPP
