// SPDX-License-Identifier: MIT
// Tests of the umbrella header <hedgemetrics/hedgemetrics.hpp>: it brings in the whole API, which works
// end to end on Hull's Example 3.3 (Options, Futures and Other Derivatives, Table 3.2): an airline hedging
// 2,000,000 gallons of jet fuel with heating-oil futures of 42,000 gallons each.
#include <hedgemetrics/hedgemetrics.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

namespace hm = hedgemetrics;

namespace {
double rounded(double x, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(x * scale) / scale;
}
}  // namespace

TEST_CASE("Hull Example 3.3 end to end: sigma_F 0.0313, sigma_S 0.0263, rho 0.928, h* 0.78, 37 contracts") {
  const std::vector<double> dF{0.021, 0.035,  -0.046, 0.001,  0.044, -0.029, -0.026, -0.029,
                               0.048, -0.006, -0.036, -0.011, 0.019, -0.027, 0.029};
  const std::vector<double> dS{0.029, 0.020, -0.044, 0.008,  0.026, -0.019, -0.010, -0.007,
                               0.043, 0.011, -0.036, -0.018, 0.009, -0.032, 0.023};
  const auto futures = hm::describe(dF);
  const auto spot = hm::describe(dS);
  CHECK(rounded(futures.stddev, 4) == doctest::Approx(0.0313).epsilon(1e-12));
  CHECK(rounded(spot.stddev, 4) == doctest::Approx(0.0263).epsilon(1e-12));
  const auto fit = hm::fit_hedge(dS, dF);
  CHECK(rounded(fit.correlation, 3) == doctest::Approx(0.928).epsilon(1e-12));
  CHECK(rounded(fit.ratio, 2) == doctest::Approx(0.78).epsilon(1e-12));
  CHECK(fit.hedge_variance == doctest::Approx(futures.variance).epsilon(1e-14));
  CHECK(fit.exposure_variance == doctest::Approx(spot.variance).epsilon(1e-14));
  const double contracts = hm::optimal_contracts(fit.ratio, 2000000.0, 42000.0);
  CHECK(rounded(contracts, 2) == doctest::Approx(37.03).epsilon(1e-12));
  CHECK(std::round(contracts) == 37.0);
  // Variance of the hedged position per gallon at h*, and the risk removed.
  CHECK(hm::residual_variance(dS, dF, fit.ratio) == doctest::Approx(fit.residual_variance).epsilon(1e-13));
  CHECK(hm::hedge_effectiveness(dS, dF, fit.ratio) == doctest::Approx(fit.effectiveness).epsilon(1e-13));
  // A naive 1:1 hedge removes less risk than the minimum-variance one.
  CHECK(hm::hedge_effectiveness(dS, dF, 1.0) < fit.effectiveness);
}

TEST_CASE("the umbrella header brings every public name") {
  const std::vector<double> levels{100.0, 101.0, 100.5, 102.0};
  const std::vector<double> futures{99.5, 100.75, 100.0, 101.25};
  CHECK(hm::price_changes(levels).size() == 3);
  CHECK(hm::simple_returns(levels).size() == 3);
  CHECK(hm::log_returns(levels).size() == 3);
  CHECK(hm::basis_risk(levels, futures).n == 4);
  CHECK(hm::mean(levels) == doctest::Approx(100.875));
  CHECK(hm::min_variance_hedge_ratio(levels, futures) > 0.0);
  CHECK(hm::series_view<double>(levels.data(), levels.size()).size() == 4);
  static_assert(HEDGEMETRICS_VERSION >= 0);
  static_assert(hm::is_series_v<std::vector<double>>);
  CHECK(hm::missing_data::omit != hm::missing_data::raise);
}
