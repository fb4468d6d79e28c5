// SPDX-License-Identifier: MIT
// Must NOT compile: downside_options passed where downside_effectiveness expects the hedge ratio. The
// compiler must reject it at overload resolution and name the overload that takes (exposure, hedge, ratio,
// options) (checked by tests/CMakeLists.txt), not fail later inside a body. With HEDGEMETRICS_TEST_CONTROL
// the same call passes the ratio and must compile, so the failure can only come from the missing ratio.
#include <hedgemetrics/downside_hedge.hpp>

#include <vector>

int main() {
  const std::vector<double> exposure{1.0, -2.0, 4.0, -3.0};
  const std::vector<double> hedge{2.0, -1.0, 3.0, -5.0};
  hedgemetrics::downside_options options;
  options.level = 0.75;
#ifdef HEDGEMETRICS_TEST_CONTROL
  const auto d = hedgemetrics::downside_effectiveness(exposure, hedge, 0.5, options);
#else
  const auto d = hedgemetrics::downside_effectiveness(exposure, hedge, options);
#endif
  return d.n == 4 ? 0 : 1;
}
