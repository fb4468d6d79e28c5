// SPDX-License-Identifier: MIT
/// \file
/// How the library words its errors: a value as a message shows it, the named series of the block driver, the
/// (0, 1) parameter check, and the search for and report of the first non-finite value.
#ifndef HEDGEMETRICS_DETAIL_MESSAGES_HPP
#define HEDGEMETRICS_DETAIL_MESSAGES_HPP

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "hedgemetrics/detail/config.hpp"

namespace hedgemetrics::detail {

/// A series as the driver sees it: its name (for error messages) and its first element.
template <class T>
struct named_series {
  const char* name;
  const T* data;
};

template <class T>
[[nodiscard]] constexpr bool is_finite_value(T value) noexcept {
  if constexpr (std::is_floating_point_v<T>) {
    return std::isfinite(value);
  } else {
    return true;
  }
}

/// A value as an error message shows it: 15 significant digits, so -37.63 reads "-37.63".
template <class T>
[[nodiscard]] std::string value_text(T value) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    char text[64];
    std::snprintf(text, sizeof text, "%.15Lg", static_cast<long double>(value));
    return text;
  } else {
    return std::to_string(value);
  }
}

/// Caller error unless 0 < value < 1 (NaN included): "function: what must be in (0, 1), but it is value".
inline void require_open_unit(double value, const char* what, const char* function) {
  if (!(value > 0.0 && value < 1.0)) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": " + what +
                                             " must be in (0, 1), but it is " + value_text(value)));
  }
}

/// Position of the first index, in [begin, begin + m), where any series holds a non-finite value; and
/// the name and text of that value. `found` is false when every value is finite.
struct nonfinite_position {
  bool found = false;
  std::size_t index = 0;
  const char* name = nullptr;
  std::string value;
};

template <class... T>
[[nodiscard]] nonfinite_position find_nonfinite(std::size_t begin, std::size_t m,
                                                const named_series<T>&... series) {
  nonfinite_position where;
  for (std::size_t i = begin; i < begin + m && !where.found; ++i) {
    // Series are checked in the order given, so the message names the first series at the first index.
    ((!where.found && !is_finite_value(series.data[i])
          ? (where = nonfinite_position{true, i, series.name, value_text(series.data[i])}, 0)
          : 0),
     ...);
  }
  return where;
}

/// The error for a non-finite value, as the library words it: "function: name[index] is value" and the
/// ending, by default " (missing_data::raise)".
[[noreturn]] inline void throw_nonfinite(const char* function, const char* name, std::size_t index,
                                         const std::string& value,
                                         const char* ending = " (missing_data::raise)") {
  HEDGEMETRICS_THROW(std::domain_error(std::string(function) + ": " + name + "[" + std::to_string(index) +
                                       "] is " + value + ending));
}

[[noreturn]] inline void throw_nonfinite(const char* function, const nonfinite_position& where,
                                         const char* ending = " (missing_data::raise)") {
  throw_nonfinite(function, where.name, where.index, where.value, ending);
}

template <class... T>
[[nodiscard]] bool all_finite_at(std::size_t i, const named_series<T>&... series) {
  return (is_finite_value(series.data[i]) && ...);
}

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_MESSAGES_HPP
