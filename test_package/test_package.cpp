// SPDX-License-Identifier: MIT
// Hull's Example 3.3 through the packaged headers: h* = 0.7777, effectiveness 0.862.
#include <hedgemetrics/hedgemetrics.hpp>

#include <Eigen/Core>

#include <cmath>
#include <cstdio>

int main() {
  Eigen::VectorXd jet_fuel(15), heating_oil(15);
  jet_fuel << 0.029, 0.020, -0.044, 0.008, 0.026, -0.019, -0.010, -0.007, 0.043, 0.011, -0.036, -0.018, 0.009,
      -0.032, 0.023;
  heating_oil << 0.021, 0.035, -0.046, 0.001, 0.044, -0.029, -0.026, -0.029, 0.048, -0.006, -0.036, -0.011,
      0.019, -0.027, 0.029;
  const auto fit = hedgemetrics::fit_hedge(jet_fuel, heating_oil);
#ifdef EIGEN_VERSION_STRING  // Eigen 5 and later
  const char* eigen = EIGEN_VERSION_STRING;
#else
  const char* eigen = "3.x";
#endif
  std::printf("hedgemetrics %d.%d.%d with Eigen %s: h* = %.4f, effectiveness %.3f\n",
              HEDGEMETRICS_VERSION_MAJOR, HEDGEMETRICS_VERSION_MINOR, HEDGEMETRICS_VERSION_PATCH, eigen,
              fit.ratio, fit.effectiveness);
  return std::fabs(fit.ratio - 0.7777) < 5e-5 && std::fabs(fit.effectiveness - 0.862) < 5e-4 ? 0 : 1;
}
