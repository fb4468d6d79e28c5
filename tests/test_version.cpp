// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/version.hpp>: the version is defined once, there, and CMake reads it from there.
#include <hedgemetrics/version.hpp>

#include <doctest/doctest.h>

#include <string>

#if HEDGEMETRICS_VERSION < 0
#error "HEDGEMETRICS_VERSION must be usable in preprocessor comparisons"
#endif

TEST_CASE("the version macros agree with each other and with the CMake project version") {
  static_assert(HEDGEMETRICS_VERSION == HEDGEMETRICS_VERSION_MAJOR * 10000 +
                                            HEDGEMETRICS_VERSION_MINOR * 100 + HEDGEMETRICS_VERSION_PATCH);
  static_assert(HEDGEMETRICS_VERSION_MINOR < 100 && HEDGEMETRICS_VERSION_PATCH < 100);
  const std::string from_header = std::to_string(HEDGEMETRICS_VERSION_MAJOR) + "." +
                                  std::to_string(HEDGEMETRICS_VERSION_MINOR) + "." +
                                  std::to_string(HEDGEMETRICS_VERSION_PATCH);
  CHECK(from_header == std::string(HEDGEMETRICS_TEST_PROJECT_VERSION));
}
