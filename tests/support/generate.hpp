// SPDX-License-Identifier: MIT
/// \file
/// Hard test series, generated from fixed seeds. Values are generated in long double and rounded once
/// to the element type under test; the exact references are then computed from the rounded values, so
/// whatever the rounding does, the reference answers the question the library was asked.
#ifndef HEDGEMETRICS_TESTS_SUPPORT_GENERATE_HPP
#define HEDGEMETRICS_TESTS_SUPPORT_GENERATE_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "support/check.hpp"

namespace hm_test {

template <class T>
struct pair_series {
  std::string name;
  std::vector<T> exposure;  ///< S
  std::vector<T> hedge;     ///< F
};

/// The base level of "prices near 1e9" for an element type: float has 24 bits, so 1e9 would leave it no
/// digit to move in; 1e5 gives float the same difficulty (moves of a few hundred ulps).
template <class T>
long double large_level() {
  return std::is_same_v<T, float> ? 1e5L : 1e9L;
}

/// Prices near 1e9 moving by about 1 per step (a random walk), the exposure following 0.8 of the hedge's
/// moves plus noise: raw sums of squares lose every digit here.
template <class T>
pair_series<T> near_1e9(std::size_t n, std::uint64_t seed) {
  random_source rng(seed);
  const long double base = large_level<T>();
  const long double unit = std::is_integral_v<T> ? 10.0L : 1.0L;  // integers move by about 10
  pair_series<T> p{"prices near " + show(base) + " moving by about " + show(unit), {}, {}};
  long double walk = 0.0L;
  for (std::size_t i = 0; i < n; ++i) {
    walk += unit * static_cast<long double>(rng.symmetric());
    const long double noise = 0.5L * unit * static_cast<long double>(rng.symmetric());
    p.hedge.push_back(to_element<T>(base + walk));
    p.exposure.push_back(to_element<T>(base + 0.8L * walk + noise));
  }
  return p;
}

/// Values near 1e7 that vary only in the first decimal (NIST's NumAcc4 pattern), hedge ratio about 0.6.
template <class T>
pair_series<T> near_1e7(std::size_t n, std::uint64_t seed) {
  random_source rng(seed);
  const long double base = std::is_same_v<T, float> ? 1e5L : 1e7L;
  const long double step = std::is_integral_v<T> ? 1.0L : 0.1L;
  pair_series<T> p{"values near " + show(base) + " varying by " + show(step), {}, {}};
  for (std::size_t i = 0; i < n; ++i) {
    const long k = rng.integer(-5, 5);
    const long j = std::lround(0.6 * static_cast<double>(k) + 2.0 * rng.symmetric());
    p.hedge.push_back(to_element<T>(base + step * static_cast<long double>(k)));
    p.exposure.push_back(to_element<T>(base + step * static_cast<long double>(j)));
  }
  return p;
}

/// Negative correlation across scales: the exposure near 1e-3, the hedge near 1e6 (integers: near 100
/// and 1e6), ratio about −4e-10 (integers: −4e-3), correlation about −0.9.
template <class T>
pair_series<T> negative_across_scales(std::size_t n, std::uint64_t seed) {
  random_source rng(seed);
  pair_series<T> p{"negative correlation, exposure ~1e-3, hedge ~1e6", {}, {}};
  for (std::size_t i = 0; i < n; ++i) {
    const long double x = static_cast<long double>(rng.symmetric());
    const long double e = static_cast<long double>(rng.symmetric());
    if constexpr (std::is_integral_v<T>) {
      const T f = to_element<T>(1e6L + 1e4L * x);
      p.hedge.push_back(f);
      p.exposure.push_back(to_element<T>(100.0L - 4e-3L * (static_cast<long double>(f) - 1e6L) + 10.0L * e));
    } else {
      const T f = to_element<T>(1e6L + 1e3L * x);
      p.hedge.push_back(f);
      p.exposure.push_back(to_element<T>(1e-3L - 4e-10L * (static_cast<long double>(f) - 1e6L) + 2e-7L * e));
    }
  }
  return p;
}

/// A near-perfect hedge: S = 2.5·F + noise of relative size about 1e-6, so 1 − R² is about 1e-12.
/// Residual figures computed as the difference of two nearly equal sums lose about 12 digits here.
template <class T>
pair_series<T> near_perfect(std::size_t n, std::uint64_t seed) {
  random_source rng(seed);
  pair_series<T> p{"near-perfect hedge S = 2.5 F + noise (1 - R^2 ~ 1e-12)", {}, {}};
  for (std::size_t i = 0; i < n; ++i) {
    const long double x = static_cast<long double>(rng.symmetric());
    const long double e = static_cast<long double>(rng.symmetric());
    if constexpr (std::is_integral_v<T>) {
      const T f = to_element<T>(1e7L + 1e6L * x);
      p.hedge.push_back(f);
      p.exposure.push_back(to_element<T>(2.5L * static_cast<long double>(f) + e));
    } else {
      const T f = to_element<T>(100.0L + 10.0L * x);
      p.hedge.push_back(f);
      p.exposure.push_back(to_element<T>(2.5L * static_cast<long double>(f) + 3e-5L * e));
    }
  }
  return p;
}

/// Price levels near 1e9 (1e5 for float) following a random walk with steps of about 1 (10 for integers),
/// so that changes are small differences of large numbers and returns are about 1e-9.
template <class T>
std::vector<T> random_walk_levels(std::size_t n, std::uint64_t seed) {
  random_source rng(seed);
  const long double base = large_level<T>();
  const long double unit = std::is_integral_v<T> ? 10.0L : 1.0L;
  std::vector<T> x;
  long double walk = 0.0L;
  for (std::size_t i = 0; i < n; ++i) {
    walk += unit * static_cast<long double>(rng.symmetric());
    x.push_back(to_element<T>(base + walk));
  }
  return x;
}

/// Every hard family at size n.
template <class T>
std::vector<pair_series<T>> hard_families(std::size_t n, std::uint64_t seed) {
  return {near_1e9<T>(n, seed), near_1e7<T>(n, seed + 1), negative_across_scales<T>(n, seed + 2)};
}

/// The sizes that cross the library's internal blocks (about 1024 pairs) in every way.
inline const std::vector<std::size_t>& block_sizes() {
  static const std::vector<std::size_t> sizes{1, 2, 3, 1023, 1024, 1025, 5000, 100000};
  return sizes;
}

}  // namespace hm_test

#endif  // HEDGEMETRICS_TESTS_SUPPORT_GENERATE_HPP
