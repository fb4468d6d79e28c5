// SPDX-License-Identifier: MIT
/// \file
/// Partial moments of a P&L series: lower partial moments of any order at a target τ (Bawa 1975; Fishburn
/// 1977) and the semivariance about the mean (Markowitz 1959), exact to a few ulps at any scale.
///
/// Sign convention: pnl is what the position gains per period; a shortfall is how far the P&L falls below
/// a point (τ, or the mean), so the moments are ≥ 0 and grow with the downside. "Semivariance" here is
/// below the mean; the semivariance below a target τ is the lower partial moment of order 2,
/// lower_partial_moment(pnl, 2, options) with options.target = τ (0: below zero, i.e. losses).
#ifndef HEDGEMETRICS_PARTIAL_MOMENTS_HPP
#define HEDGEMETRICS_PARTIAL_MOMENTS_HPP

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/exact_sums.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/downside_options.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

namespace detail {

/// A figure f ≥ 0 held as mantissa·2^exponent, so that the ratio of two figures (an effectiveness) is
/// right even where either of them overflows or underflows a double. mantissa is NaN for an undefined
/// figure.
template <class Real>
struct scaled_figure {
  Real mantissa = std::numeric_limits<Real>::quiet_NaN();
  long long exponent = 0;
};

/// ldexp for an exponent of any size: ±inf or 0 beyond the range (one rounding).
template <class Real>
[[nodiscard]] Real ldexp_wide(Real mantissa, long long exponent) noexcept {
  const long long bound = 1 << 20;  // far beyond every exponent a finite Real can take
  const long long e = exponent > bound ? bound : (exponent < -bound ? -bound : exponent);
  return std::ldexp(mantissa, static_cast<int>(e));
}

/// The value of a scaled figure: +inf above the largest Real, 0 or a subnormal below the smallest.
template <class Real>
[[nodiscard]] Real value_of(const scaled_figure<Real>& f) noexcept {
  return ldexp_wide(f.mantissa, f.exponent);
}

/// a/b of two scaled figures (NaN when b is 0 or either is undefined).
template <class Real>
[[nodiscard]] Real ratio_of(const scaled_figure<Real>& a, const scaled_figure<Real>& b) noexcept {
  if (!(b.mantissa != 0)) return std::numeric_limits<Real>::quiet_NaN();
  if (a.mantissa == 0) return Real(0);
  return ldexp_wide(a.mantissa / b.mantissa, a.exponent - b.exponent);
}

/// A mean as an unevaluated sum hi + lo (a double-double): hi + lo is Σx/n to about twice the working
/// precision, so that deviations x − mean keep their digits when the mean is large against them (values
/// near 1e9 that differ by units: hi alone is off by up to 6e-8, which is 3e-8 of a deviation of 2).
template <class Real>
struct split_mean {
  Real hi = 0;
  Real lo = 0;
};

/// The mean of n values as hi + lo: Neumaier's compensated sum s + e (Neumaier 1974), hi = fl((s + e)/n),
/// lo = (s − hi·n + e)/n with s − hi·n formed exactly by an fma (the remainder of a division is
/// representable). Not finite when Σx overflows.
template <class Real>
[[nodiscard]] split_mean<Real> mean_of(const Real* x, std::size_t n) noexcept {
  compensated_sum<Real> sum;
  for (std::size_t i = 0; i < n; ++i) sum.add(x[i]);
  const Real count = static_cast<Real>(n);
  split_mean<Real> m;
  m.hi = (sum.sum + sum.error) / count;
  m.lo = (std::fma(-m.hi, count, sum.sum) + sum.error) / count;
  return m;
}

/// (1/n)·Σ_i max((t.hi − x_i) + t.lo, 0)^order for order ≥ 1, with every value scaled by a power of two
/// so that the largest shortfall M is in [½, 1): no square overflows or underflows, whatever the range
/// of the data (the careful path of lower_partial_moment_scaled). Terms ≥ 0 summed with compensation;
/// for order ≥ 4 each shortfall is divided by M first and raised with std::pow, so that the largest term
/// is 1 whatever the order. Relative error about (order + 3)·ε.
template <class Real>
[[nodiscard]] scaled_figure<Real> careful_lower_partial_moment(const Real* x, std::size_t n, int order,
                                                               split_mean<Real> target) {
  scaled_figure<Real> out;
  // The largest shortfall, halved (t/2 − x/2 cannot overflow; halving is exact above the subnormals,
  // which cannot decide the exponent of the largest shortfall).
  Real largest = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Real d = (target.hi / 2 - x[i] / 2) + target.lo / 2;
    if (d > largest) largest = d;
  }
  out.exponent = 0;
  if (!(largest > 0)) {
    out.mantissa = 0;  // no value falls short of the target: exactly 0
    return out;
  }
  const int shift = std::ilogb(largest) + 2;  // M·2^−shift ∈ [½, 1)
  const Real t_hi = std::ldexp(target.hi, -shift), t_lo = std::ldexp(target.lo, -shift);
  Real top = 0;  // the largest scaled shortfall
  for (std::size_t i = 0; i < n; ++i) {
    const Real d = (t_hi - std::ldexp(x[i], -shift)) + t_lo;
    if (d > top) top = d;
  }
  compensated_sum<Real> sum;
  if (order <= 3) {
    for (std::size_t i = 0; i < n; ++i) {
      const Real d0 = (t_hi - std::ldexp(x[i], -shift)) + t_lo;
      const Real d = d0 > 0 ? d0 : Real(0);  // a NaN (inf − inf of values far above τ) is no shortfall
      sum.add(order == 1 ? d : (order == 2 ? d * d : d * d * d));
    }
    out.mantissa = sum.value() / static_cast<Real>(n);
    out.exponent = static_cast<long long>(shift) * order;
    return out;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Real d0 = (t_hi - std::ldexp(x[i], -shift)) + t_lo;
    if (d0 > 0) sum.add(std::pow(d0 / top, static_cast<Real>(order)));
  }
  // top^order as m·2^e without underflow: frexp keeps the exponent apart while squaring.
  int top_exponent = 0;
  const Real top_mantissa = std::frexp(top, &top_exponent);
  Real power = 1, base = top_mantissa;
  long long power_exponent = 0, base_exponent = 0;
  for (unsigned k = static_cast<unsigned>(order); k != 0; k >>= 1) {
    int e = 0;
    if (k & 1U) {
      power = std::frexp(power * base, &e);
      power_exponent += base_exponent + e;
    }
    base = std::frexp(base * base, &e);
    base_exponent = 2 * base_exponent + e;
  }
  out.mantissa = (sum.value() / static_cast<Real>(n)) * power;
  out.exponent = power_exponent + (static_cast<long long>(shift) + top_exponent) * order;
  return out;
}

/// LPM_order at the target t.hi + t.lo as a scaled figure: (1/n)·Σ_{x < τ} (τ − x)^order (order 0: the
/// fraction of values below τ). The fast path is one branch-free pass (the shortfall max(τ − x, 0) and
/// the indicator as numbers, so that it streams at memory speed whatever the share of values below τ;
/// four accumulators so that it vectorises), trusted when its sum is finite and far enough above the
/// subnormals (n·2^−1000) that no underflowed term can matter; otherwise the careful path rescales.
/// O(n) for every order (std::pow from order 4).
template <class Real>
[[nodiscard]] scaled_figure<Real> lower_partial_moment_scaled(const Real* x, std::size_t n, int order,
                                                              split_mean<Real> target) {
  scaled_figure<Real> out;
  if (n == 0) return out;
  const Real count = static_cast<Real>(n);
  out.exponent = 0;
  // One loop per order and per target form (a plain τ, or a mean hi + lo), each with the order a
  // constant: a run-time order inside the loop keeps it from vectorising.
  auto sweep = [&](auto shortfall, auto power) {
    Real s[4] = {0, 0, 0, 0};
    std::size_t i = 0;
    for (const std::size_t whole = n - n % 4; i < whole; i += 4) {
      for (std::size_t j = 0; j < 4; ++j) s[j] += power(shortfall(x[i + j]));
    }
    for (; i < n; ++i) s[0] += power(shortfall(x[i]));
    return (s[0] + s[1]) + (s[2] + s[3]);
  };
  const Real t_hi = target.hi, t_lo = target.lo;
  auto plain = [t_hi](Real v) { return std::max(t_hi - v, Real(0)); };
  auto split = [t_hi, t_lo](Real v) { return std::max((t_hi - v) + t_lo, Real(0)); };
  auto by_order = [&](auto shortfall) {
    switch (order) {
      case 1:
        return sweep(shortfall, [](Real d) { return d; });
      case 2:
        return sweep(shortfall, [](Real d) { return d * d; });
      case 3:
        return sweep(shortfall, [](Real d) { return d * d * d; });
      default:
        return sweep(shortfall, [p = Real(order)](Real d) { return std::pow(d, p); });
    }
  };
  if (order == 0) {
    const Real below =
        t_lo == 0 ? sweep([t_hi](Real v) { return static_cast<Real>(v < t_hi); }, [](Real d) { return d; })
                  : sweep([t_hi, t_lo](Real v) { return static_cast<Real>((t_hi - v) + t_lo > 0); },
                          [](Real d) { return d; });
    out.mantissa = below / count;
    return out;
  }
  const Real sum = t_lo == 0 ? by_order(plain) : by_order(split);
  if (sum < std::numeric_limits<Real>::infinity() &&
      sum >= count * std::ldexp(Real(1), std::numeric_limits<Real>::min_exponent + 20)) {
    out.mantissa = sum / count;
    return out;
  }
  return careful_lower_partial_moment(x, n, order, target);
}

/// LPM_0 … LPM_3 at τ in one fast pass (downside_effectiveness), each checked as in
/// lower_partial_moment_scaled and recomputed by the careful path when its sum is not trusted.
template <class Real>
[[nodiscard]] std::array<scaled_figure<Real>, 4> lower_partial_moments_0_to_3(const std::vector<Real>& x,
                                                                              Real target) {
  std::array<scaled_figure<Real>, 4> out{};
  if (x.empty()) return out;
  Real s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (const Real v : x) {
    const Real d = std::max(target - v, Real(0));
    s0 += static_cast<Real>(v < target);
    s1 += d;
    s2 += d * d;
    s3 += d * d * d;
  }
  const Real n = static_cast<Real>(x.size());
  const Real floor = n * std::ldexp(Real(1), std::numeric_limits<Real>::min_exponent + 20);
  const Real sums[4] = {s0, s1, s2, s3};
  for (int m = 0; m < 4; ++m) {
    out[static_cast<std::size_t>(m)].exponent = 0;
    if (m == 0 || (sums[m] < std::numeric_limits<Real>::infinity() && sums[m] >= floor)) {
      out[static_cast<std::size_t>(m)].mantissa = sums[m] / n;
    } else {
      out[static_cast<std::size_t>(m)] =
          careful_lower_partial_moment(x.data(), x.size(), m, split_mean<Real>{target, 0});
    }
  }
  return out;
}

/// LPM_order(τ) as a Real (lower_partial_moment).
template <class Real>
[[nodiscard]] Real lower_partial_moment_of(const std::vector<Real>& x, int order, Real target) {
  return value_of(lower_partial_moment_scaled(x.data(), x.size(), order, split_mean<Real>{target, 0}));
}

/// Semivariance about the mean, (1/n)·Σ_{x < x̄} (x̄ − x)², as a scaled figure: the mean as hi + lo
/// (mean_of), so that the deviations keep their digits; when Σx overflows, the values are first scaled
/// by a power of two (exactly) and the result scaled back.
template <class Real>
[[nodiscard]] scaled_figure<Real> semivariance_scaled(const std::vector<Real>& x) {
  scaled_figure<Real> out;
  if (x.empty()) return out;
  const split_mean<Real> mean = mean_of(x.data(), x.size());
  if (std::isfinite(mean.hi) && std::isfinite(mean.lo)) {
    return lower_partial_moment_scaled(x.data(), x.size(), 2, mean);
  }
  Real largest = 0;
  for (const Real v : x) largest = std::max(largest, std::fabs(v));
  const int shift = std::ilogb(largest) + 1;
  std::vector<Real> scaled(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) scaled[i] = std::ldexp(x[i], -shift);
  out = lower_partial_moment_scaled(scaled.data(), scaled.size(), 2, mean_of(scaled.data(), scaled.size()));
  out.exponent += 2 * static_cast<long long>(shift);
  return out;
}

/// Semivariance about the mean as a Real (semivariance).
template <class Real>
[[nodiscard]] Real semivariance_of(const std::vector<Real>& x) {
  return value_of(semivariance_scaled(x));
}

/// lower_partial_moment for the current and the deprecated signatures (the target in the result type).
template <class Real, class Series>
[[nodiscard]] Real lower_partial_moment_impl(const Series& pnl, int order, Real target, missing_data policy) {
  const char* function = "hedgemetrics::lower_partial_moment";
  require_moment_order(order, function);
  require_finite_parameter(target, "target", function);
  bool complete = true;
  const auto x = gather(view_of(pnl, function, "pnl"), Real(1), policy, function, "pnl", complete);
  if (!complete) return std::numeric_limits<Real>::quiet_NaN();
  return lower_partial_moment_of(x, order, target);
}

/// semivariance for the current and the deprecated signatures.
template <class Real, class Series>
[[nodiscard]] Real semivariance_impl(const Series& pnl, missing_data policy) {
  const char* function = "hedgemetrics::semivariance";
  bool complete = true;
  const auto x = gather(view_of(pnl, function, "pnl"), Real(1), policy, function, "pnl", complete);
  if (!complete) return std::numeric_limits<Real>::quiet_NaN();
  return semivariance_of(x);
}

}  // namespace detail

/// Lower partial moment of order m at target τ of a P&L series (Bawa 1975; Fishburn 1977):
/// \f[ \mathrm{LPM}_m(\tau) = \frac{1}{n} \sum_{x_i < \tau} (\tau - x_i)^m , \f]
/// divisor n, x the P&L (shortfalls below τ count; gains above it do not). Order 0 is the probability of
/// falling short of τ, order 1 the expected shortfall below τ, order 2 the target semivariance (below τ,
/// not below the mean: see semivariance), order 3 its skewness analogue.
///
/// Range: the result is the exact LPM to about (m + 3)·ε relative wherever it is representable, +inf
/// where it exceeds DBL_MAX, 0 or a subnormal (one rounding) where it underflows: the shortfalls are
/// rescaled by a power of two when a power overflows or underflows (the careful path). O(n) for every
/// order (std::pow from order 4).
///
/// \param pnl     the P&L series.
/// \param order   m ≥ 0 (0–3 are the usual ones): which moment, so it is an argument, not an option.
/// \param options reads `target` (τ, finite; 0 by default: losses) and `missing`.
/// \returns NaN when no value is used.
/// \throws std::invalid_argument for a negative order or a non-finite target (naming it);
///         std::domain_error under missing_data::raise.
template <class Series, HEDGEMETRICS_REQUIRES_SERIES(Series)>
[[nodiscard]] result_t<Series> lower_partial_moment(const Series& pnl, int order,
                                                    const downside_options& options = {}) {
  using Real = result_t<Series>;
  return detail::lower_partial_moment_impl<Real>(pnl, order, static_cast<Real>(options.target),
                                                 options.missing);
}

/// Semivariance below the mean (Markowitz 1959, ch. 9): \f$ \frac{1}{n}\sum_{x_i < \bar x}(\bar x - x_i)^2
/// \f$, divisor n, x the P&L, the mean kept as a double-double (hi + lo, compensated sum) so that the
/// deviations x̄ − x keep their digits when the mean is large against them (values near 1e9 that differ by
/// units). Below a fixed target τ instead (below 0: the downside of losses), use lower_partial_moment of
/// order 2. Range as lower_partial_moment: the exact figure to a few ulps, +inf above DBL_MAX, 0 or a
/// subnormal below the normals.
///
/// \param pnl     the P&L series.
/// \param options reads `missing`.
/// \returns NaN when no value is used.
/// \throws std::domain_error under missing_data::raise.
template <class Series, HEDGEMETRICS_REQUIRES_SERIES(Series)>
[[nodiscard]] result_t<Series> semivariance(const Series& pnl, const downside_options& options = {}) {
  return detail::semivariance_impl<result_t<Series>>(pnl, options.missing);
}

/// Deprecated spelling of lower_partial_moment(pnl, order, options) with the target and the policy
/// positional.
template <class Series, class Target, detail::if_number_t<Target> = 0, HEDGEMETRICS_REQUIRES_SERIES(Series)>
[[nodiscard, deprecated("use lower_partial_moment(pnl, order, options) with downside_options::target and "
                        "::missing")]] result_t<Series>
lower_partial_moment(const Series& pnl, int order, Target target,
                     missing_data policy = missing_data::propagate) {
  return detail::lower_partial_moment_impl<result_t<Series>>(pnl, order,
                                                             static_cast<result_t<Series>>(target), policy);
}

/// Deprecated spelling of semivariance(pnl, options) with the policy positional.
template <class Series, class Policy, detail::if_policy_t<Policy> = 0, HEDGEMETRICS_REQUIRES_SERIES(Series)>
[[nodiscard, deprecated("use semivariance(pnl, options) with downside_options::missing")]] result_t<Series>
semivariance(const Series& pnl, Policy policy) {
  return detail::semivariance_impl<result_t<Series>>(pnl, policy);
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_PARTIAL_MOMENTS_HPP
