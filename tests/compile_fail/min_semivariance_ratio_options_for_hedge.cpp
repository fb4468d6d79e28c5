// SPDX-License-Identifier: MIT
// Must NOT compile: the hedge series forgotten, downside_options in its place. min_semivariance_ratio's
// overloads are constrained to series, so the call fails at overload resolution ("no matching function")
// rather than inside the body with a static_assert about contiguous series, which would mislead (checked
// by tests/CMakeLists.txt). With HEDGEMETRICS_TEST_CONTROL the hedge is passed and it must compile.
#include <hedgemetrics/downside_hedge.hpp>

#include <vector>

int main() {
  const std::vector<double> exposure{1.0, -2.0, 4.0, -3.0};
  const std::vector<double> hedge{2.0, -1.0, 3.0, -5.0};
  hedgemetrics::downside_options options;
  options.missing = hedgemetrics::missing_data::omit;
#ifdef HEDGEMETRICS_TEST_CONTROL
  const double ratio = hedgemetrics::min_semivariance_ratio(exposure, hedge, options);
#else
  const double ratio = hedgemetrics::min_semivariance_ratio(exposure, options);
#endif
  return ratio > 0 && hedge.size() == 4 ? 0 : 1;
}
