// SPDX-License-Identifier: MIT
// The program every consumer project builds: Hull's Example 3.3 (jet fuel hedged with heating oil
// futures) through hedgemetrics::fit_hedge. Exits non-zero unless the published figures come out, and,
// when the build passes the version its package manager reported (HEDGEMETRICS_EXPECTED_VERSION),
// unless the header's version is that one. Eigen comes through hedgemetrics::hedgemetrics: the package
// carries it as a dependency. In the compiled mode (HEDGEMETRICS_COMPILED: the consumers compiled/ and
// check-packaging's bare command line) it also fits the same hedge through the several-instrument
// fit_hedge, whose kernel then comes from the library, not from this file.
#include <hedgemetrics/hedgemetrics.hpp>

#include <Eigen/Core>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#define HM_STR2(x) #x
#define HM_STR(x) HM_STR2(x)

int main() {
  const std::vector<double> jet_fuel = {0.029, 0.020, -0.044, 0.008,  0.026, -0.019, -0.010, -0.007,
                                        0.043, 0.011, -0.036, -0.018, 0.009, -0.032, 0.023};
  const std::vector<double> heating_oil = {0.021, 0.035,  -0.046, 0.001,  0.044, -0.029, -0.026, -0.029,
                                           0.048, -0.006, -0.036, -0.011, 0.019, -0.027, 0.029};
  // The hedge series as an Eigen::Map over the vector's buffer: no copy.
  const Eigen::Map<const Eigen::VectorXd> hedge(heating_oil.data(),
                                                static_cast<Eigen::Index>(heating_oil.size()));
  const auto fit = hedgemetrics::fit_hedge(jet_fuel, hedge);
#ifdef EIGEN_VERSION_STRING  // Eigen 5 and later
  const char* eigen = EIGEN_VERSION_STRING;
#else
  const char* eigen =
      HM_STR(EIGEN_WORLD_VERSION) "." HM_STR(EIGEN_MAJOR_VERSION) "." HM_STR(EIGEN_MINOR_VERSION);
#endif
  const char* version = HM_STR(HEDGEMETRICS_VERSION_MAJOR) "." HM_STR(HEDGEMETRICS_VERSION_MINOR) "." HM_STR(
      HEDGEMETRICS_VERSION_PATCH);
  std::printf("hedgemetrics %s, Eigen %s: h* = %.4f, effectiveness %.3f\n", version, eigen, fit.ratio,
              fit.effectiveness);
  if (std::fabs(fit.ratio - 0.7777) > 5e-5 || std::fabs(fit.effectiveness - 0.862) > 5e-4) {
    std::fprintf(stderr, "consumer: expected h* = 0.7777 and effectiveness 0.862 (Hull, Example 3.3)\n");
    return 1;
  }
#ifdef HEDGEMETRICS_COMPILED
  const auto multi = hedgemetrics::fit_hedge(jet_fuel, Eigen::MatrixXd(hedge));
  std::printf("compiled mode: h* = %.4f with the several-instrument fit\n", multi.ratios(0));
  if (std::fabs(multi.ratios(0) - fit.ratio) > 1e-12) {
    std::fprintf(stderr, "consumer: the compiled several-instrument fit disagrees with fit_hedge\n");
    return 1;
  }
#endif
#ifdef HEDGEMETRICS_EXPECTED_VERSION
  if (std::strcmp(version, HEDGEMETRICS_EXPECTED_VERSION) != 0) {
    std::fprintf(stderr, "consumer: the package says version %s, the header %s\n",
                 HEDGEMETRICS_EXPECTED_VERSION, version);
    return 1;
  }
#endif
  return 0;
}
