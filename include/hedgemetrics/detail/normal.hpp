// SPDX-License-Identifier: MIT
/// \file
/// The standard normal distribution function and density, shared by the option pricing and the
/// structural-break headers (one definition: both may be included in one translation unit).
#ifndef HEDGEMETRICS_DETAIL_NORMAL_HPP
#define HEDGEMETRICS_DETAIL_NORMAL_HPP

#include <cmath>

namespace hedgemetrics::detail {

/// Standard normal distribution function through erfc, never 1 − erf: Φ(x) = ½ erfc(−x/√2) keeps its
/// relative accuracy in the lower tail (Φ(−30) ≈ 4.9e-198 rather than 0).
[[nodiscard]] inline double normal_cdf(double x) noexcept { return 0.5 * std::erfc(-x * 0.70710678118654752440); }

/// Standard normal density φ(x) = e^{−x²/2}/√(2π).
[[nodiscard]] inline double normal_pdf(double x) noexcept { return 0.39894228040143267794 * std::exp(-0.5 * x * x); }

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_NORMAL_HPP
