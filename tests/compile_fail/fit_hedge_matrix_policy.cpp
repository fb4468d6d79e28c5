// SPDX-License-Identifier: MIT
// Must NOT compile: the several-instrument fit_hedge takes its missing-data policy in fit_options, and
// hedgemetrics must say so in a static_assert that names fit_options (checked by tests/CMakeLists.txt).
// With HEDGEMETRICS_TEST_CONTROL the same call passes the policy in fit_options and must compile.
#include <hedgemetrics/multi_hedge.hpp>

#include <Eigen/Core>
#include <vector>

int main() {
  const std::vector<double> s{1.0, 2.0, 4.0, 3.0, 5.0};
  Eigen::MatrixXd m(5, 2);
  m << 1, 2, 2, 1, 3, 5, 4, 4, 6, 5;
#ifdef HEDGEMETRICS_TEST_CONTROL
  hedgemetrics::fit_options options;
  options.missing = hedgemetrics::missing_data::omit;
  const auto fit = hedgemetrics::fit_hedge(s, m, options);
  return fit.n == 5 ? 0 : 1;
#else
  hedgemetrics::fit_hedge(s, m, hedgemetrics::missing_data::omit);
  return 0;
#endif
}
