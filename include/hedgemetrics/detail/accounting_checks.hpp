// SPDX-License-Identifier: MIT
/// \file
/// What the hedge-accounting headers share: the checks of their options and the number format of their
/// messages and assessment lines (dollar_offset.hpp, regression_test.hpp, hedge_assessment.hpp).
#ifndef HEDGEMETRICS_DETAIL_ACCOUNTING_CHECKS_HPP
#define HEDGEMETRICS_DETAIL_ACCOUNTING_CHECKS_HPP

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/messages.hpp"

namespace hedgemetrics::detail {

/// A number for a message or a threshold text, with `digits` significant digits.
[[nodiscard]] inline std::string accounting_number(double value, int digits = 4) {
  if (std::isnan(value)) return "undefined";
  char text[64];
  std::snprintf(text, sizeof text, "%.*g", digits, value);
  return text;
}

inline void require_band(double lower, double upper, const char* what, const char* function) {
  if (!std::isfinite(lower) || !std::isfinite(upper) || lower > upper) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": the " + what +
                                             " must be finite with lower <= upper, but it is " +
                                             value_text(lower) + " to " + value_text(upper)));
  }
}

inline void require_non_negative(double value, const char* what, const char* function) {
  if (!(value >= 0.0) || !std::isfinite(value)) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": " + what +
                                             " must be a finite number >= 0, but it is " +
                                             value_text(value)));
  }
}

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_ACCOUNTING_CHECKS_HPP
