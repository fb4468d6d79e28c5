// SPDX-License-Identifier: MIT
/// \file
/// Summary statistics of one series: mean, sample variance, standard deviation, range.
#ifndef HEDGEMETRICS_DESCRIPTIVE_HPP
#define HEDGEMETRICS_DESCRIPTIVE_HPP

#include <cmath>
#include <cstddef>
#include <limits>

#include "hedgemetrics/detail/moments.hpp"
#include "hedgemetrics/detail/range.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

/// Mean, sample variance (divisor n − 1), standard deviation and range of a series.
/// `mean`, `min`, `max` are NaN when n = 0; `variance` and `stddev` when n < 2. Under
/// missing_data::propagate a non-finite value makes every figure NaN.
/// Range: every figure is right for finite data anywhere in the double range; `variance` is +inf where
/// its true value exceeds the largest double (values near 1e200) while `stddev` stays exact, and a
/// subnormal or 0 where it is below the smallest one (see detail/range.hpp).
template <class Real = double>
struct series_summary {
  /// Values used: all of them, or the finite ones under missing_data::omit.
  std::size_t n = 0;
  /// x̄ = Σx / n.
  Real mean = std::numeric_limits<Real>::quiet_NaN();
  /// Σ(x − x̄)²/(n − 1), the sample variance.
  Real variance = std::numeric_limits<Real>::quiet_NaN();
  /// √variance.
  Real stddev = std::numeric_limits<Real>::quiet_NaN();
  /// The smallest value.
  Real min = std::numeric_limits<Real>::quiet_NaN();
  /// The largest value.
  Real max = std::numeric_limits<Real>::quiet_NaN();
};

namespace detail {

template <class Series>
[[nodiscard]] series_summary<result_t<Series>> summarise(const Series& x, missing_data policy,
                                                         const char* function) {
  using Real = result_t<Series>;
  const auto v = view_of(x, function, "x");
  const auto scaled = compute_moments_in_range<Real>(v.data(), v.size(), policy, function, "x");
  const auto& m = scaled.m;
  const int e = scaled.scale;
  series_summary<Real> out;
  out.n = m.count;
  if (m.nonfinite || m.count == 0) return out;
  out.mean = std::ldexp(m.mean + m.tail, e);
  out.min = m.min;
  out.max = m.max;
  if (m.count < 2) return out;
  // The standard deviation from the scaled variance, so that it is right where the variance is +inf.
  const Real variance = m.m2 / static_cast<Real>(m.count - 1);
  out.variance = std::ldexp(variance, 2 * e);
  out.stddev = std::ldexp(std::sqrt(variance), e);
  return out;
}

}  // namespace detail

/// Options of describe, mean, variance and standard_deviation.
struct describe_options {
  /// What non-finite values mean (see missing_data): propagate (every figure NaN), omit (drop them) or
  /// raise (std::domain_error naming the first one).
  missing_data missing = missing_data::propagate;
};

/// Summary of a series in one pass over memory: x̄ = Σx/n, s² = Σ(x − x̄)²/(n − 1), s, min, max.
/// The sum of squares is centred block by block and merged pairwise (Chan, Golub & LeVeque 1979, 1983),
/// so values near 1e7 that differ in the first decimal (NIST's NumAcc4) keep their digits.
/// \throws std::domain_error under missing_data::raise, naming the first non-finite value.
template <class Series>
[[nodiscard]] series_summary<result_t<Series>> describe(const Series& x,
                                                        const describe_options& options = {}) {
  return detail::summarise(x, options.missing, "hedgemetrics::describe");
}

/// Arithmetic mean Σx/n; NaN when n = 0. See describe().
template <class Series>
[[nodiscard]] result_t<Series> mean(const Series& x, const describe_options& options = {}) {
  return detail::summarise(x, options.missing, "hedgemetrics::mean").mean;
}

/// Sample variance Σ(x − x̄)²/(n − 1); NaN when n < 2. See describe().
template <class Series>
[[nodiscard]] result_t<Series> variance(const Series& x, const describe_options& options = {}) {
  return detail::summarise(x, options.missing, "hedgemetrics::variance").variance;
}

/// Sample standard deviation √(Σ(x − x̄)²/(n − 1)); NaN when n < 2. See describe().
template <class Series>
[[nodiscard]] result_t<Series> standard_deviation(const Series& x, const describe_options& options = {}) {
  return detail::summarise(x, options.missing, "hedgemetrics::standard_deviation").stddev;
}

/// \deprecated The missing-data policy now goes in describe_options (`missing`); removed in the next
/// version.
template <class Series, class Policy, HEDGEMETRICS_ENABLE_IF(detail::is_policy_v<Policy>)>
[[deprecated(
    "pass the policy in describe_options: {.missing = policy} in C++20, or set "
    "describe_options::missing")]] [[nodiscard]] series_summary<result_t<Series>>
describe(const Series& x, Policy policy) {
  return detail::summarise(x, policy, "hedgemetrics::describe");
}

/// \deprecated The missing-data policy now goes in describe_options (`missing`).
template <class Series, class Policy, HEDGEMETRICS_ENABLE_IF(detail::is_policy_v<Policy>)>
[[deprecated(
    "pass the policy in describe_options: {.missing = policy} in C++20, or set "
    "describe_options::missing")]] [[nodiscard]] result_t<Series>
mean(const Series& x, Policy policy) {
  return detail::summarise(x, policy, "hedgemetrics::mean").mean;
}

/// \deprecated The missing-data policy now goes in describe_options (`missing`).
template <class Series, class Policy, HEDGEMETRICS_ENABLE_IF(detail::is_policy_v<Policy>)>
[[deprecated(
    "pass the policy in describe_options: {.missing = policy} in C++20, or set "
    "describe_options::missing")]] [[nodiscard]] result_t<Series>
variance(const Series& x, Policy policy) {
  return detail::summarise(x, policy, "hedgemetrics::variance").variance;
}

/// \deprecated The missing-data policy now goes in describe_options (`missing`).
template <class Series, class Policy, HEDGEMETRICS_ENABLE_IF(detail::is_policy_v<Policy>)>
[[deprecated(
    "pass the policy in describe_options: {.missing = policy} in C++20, or set "
    "describe_options::missing")]] [[nodiscard]] result_t<Series>
standard_deviation(const Series& x, Policy policy) {
  return detail::summarise(x, policy, "hedgemetrics::standard_deviation").stddev;
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_DESCRIPTIVE_HPP
