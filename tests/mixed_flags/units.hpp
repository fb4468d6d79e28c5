// SPDX-License-Identifier: MIT
// Two translation units built with different flags (see tests/CMakeLists.txt), each fitting through its own
// instantiation of the library's templates.
#ifndef HEDGEMETRICS_TESTS_MIXED_FLAGS_UNITS_HPP
#define HEDGEMETRICS_TESTS_MIXED_FLAGS_UNITS_HPP

#include <hedgemetrics/hedge_ratio.hpp>

#include <vector>

/// fit_hedge in a unit built with -O2 and no -march (the x86-64 baseline).
hedgemetrics::hedge_fit<double> fit_in_baseline_unit(const std::vector<double>& exposure,
                                                     const std::vector<double>& hedge);
/// fit_hedge in a unit built with -O3 -march=native.
hedgemetrics::hedge_fit<double> fit_in_native_unit(const std::vector<double>& exposure,
                                                   const std::vector<double>& hedge);

#endif  // HEDGEMETRICS_TESTS_MIXED_FLAGS_UNITS_HPP
