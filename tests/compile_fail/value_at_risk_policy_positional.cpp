// SPDX-License-Identifier: MIT
// Must NOT compile: a missing-data policy passed positionally where value_at_risk takes its options. The
// diagnostic must name the overload that takes downside_options and say the policy does not convert to it
// (checked by tests/CMakeLists.txt). With HEDGEMETRICS_TEST_CONTROL the policy goes into the options and it
// must compile.
#include <hedgemetrics/tail_risk.hpp>

#include <vector>

int main() {
  const std::vector<double> pnl{1.0, -2.0, 4.0, -3.0};
#ifdef HEDGEMETRICS_TEST_CONTROL
  hedgemetrics::downside_options options;
  options.missing = hedgemetrics::missing_data::omit;
  const double var = hedgemetrics::value_at_risk(pnl, options);
#else
  const double var = hedgemetrics::value_at_risk(pnl, hedgemetrics::missing_data::omit);
#endif
  return var > 0 ? 0 : 1;
}
