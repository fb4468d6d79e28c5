// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/correlation.hpp>. Independent answers: R 4.2's cor.test on Hull's jet fuel and
// heating oil changes (Options, Futures and Other Derivatives, Example 3.3), printed with %.17g; the
// Fisher-z formulas recomputed in long double; the coverage of the 95% band over simulated windows; and R
// again on EIA windows (check_monitoring_r.R).
#include <hedgemetrics/correlation.hpp>

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <vector>

#include "support/check.hpp"

namespace hm = hedgemetrics;

namespace {
const std::vector<double> jet_fuel = {0.029, 0.020, -0.044, 0.008,  0.026, -0.019, -0.010, -0.007,
                                      0.043, 0.011, -0.036, -0.018, 0.009, -0.032, 0.023};
const std::vector<double> heating_oil = {0.021, 0.035,  -0.046, 0.001,  0.044, -0.029, -0.026, -0.029,
                                         0.048, -0.006, -0.036, -0.011, 0.019, -0.027, 0.029};
}  // namespace

TEST_CASE_TEMPLATE("correlation_interval: R cor.test on Hull Example 3.3", T, float, double, long double) {
  const std::vector<T> s(jet_fuel.begin(), jet_fuel.end()), f(heating_oil.begin(), heating_oil.end());
  const double tolerance = std::is_same_v<T, float> ? 1e-6 : 1e-12;
  const auto r = hm::correlation_interval(s, f);
  CHECK(r.n == 15);
  CHECK(r.estimate == doctest::Approx(0.92837234586826312).epsilon(tolerance));
  CHECK(r.lower == doctest::Approx(0.79345198429687491).epsilon(tolerance));
  CHECK(r.upper == doctest::Approx(0.97632409662677311).epsilon(tolerance));
  CHECK(r.t_statistic == doctest::Approx(9.0065416173539568).epsilon(tolerance * 10));
  CHECK(r.p_value == doctest::Approx(5.9721460695396865e-07).epsilon(std::is_same_v<T, float> ? 1e-4 : 1e-9));
  hm::correlation_options ninety;
  ninety.level = 0.9;
  const auto r90 = hm::correlation_interval(s, f, ninety);
  CHECK(r90.lower == doctest::Approx(0.82479938855048485).epsilon(tolerance));
  CHECK(r90.upper == doctest::Approx(0.97166698833085652).epsilon(tolerance));
}

TEST_CASE("correlation_interval across the double range: Hull's example scaled by 2^a and 2^b") {
  // r is scale-free and scaling by a power of two is exact: R's figures at every scale. Series near 1e-90
  // gave r = 1, near 1e90 r = 0, near 1e±270 NaN before (issue 10).
  for (const int a : {-1000, -300, 0, 300, 1000}) {
    for (const int b : {-900, 0, 900}) {
      std::vector<double> s(jet_fuel.size()), f(heating_oil.size());
      for (std::size_t t = 0; t < s.size(); ++t) {
        s[t] = std::ldexp(jet_fuel[t], a);
        f[t] = std::ldexp(heating_oil[t], b);
      }
      const auto r = hm::correlation_interval(s, f);
      INFO("2^" << a << ", 2^" << b);
      CHECK(r.estimate == doctest::Approx(0.92837234586826312).epsilon(1e-12));
      CHECK(r.lower == doctest::Approx(0.79345198429687491).epsilon(1e-12));
      CHECK(r.upper == doctest::Approx(0.97632409662677311).epsilon(1e-12));
    }
  }
}

TEST_CASE("compare_correlations: Fisher z of two windows, symmetric, 5% size under equal correlation") {
  const auto same = hm::compare_correlations(jet_fuel, heating_oil, jet_fuel, heating_oil);
  CHECK(same.z_statistic == 0);
  CHECK(same.p_value == 1);
  const hm::series_view<double> s1(jet_fuel.data(), 8), f1(heating_oil.data(), 8), s2(jet_fuel.data() + 7, 8),
      f2(heating_oil.data() + 7, 8);
  const auto ab = hm::compare_correlations(s1, f1, s2, f2);
  const auto ba = hm::compare_correlations(s2, f2, s1, f1);
  CHECK(ab.z_statistic == doctest::Approx(-ba.z_statistic));
  CHECK(ab.p_value == doctest::Approx(ba.p_value));
  const long double z = (std::atanh(static_cast<long double>(ab.first.estimate)) -
                         std::atanh(static_cast<long double>(ab.second.estimate))) /
                        std::sqrt(1.0L / 5 + 1.0L / 5);
  CHECK(ab.z_statistic == doctest::Approx(static_cast<double>(z)).epsilon(1e-13));
  // Size and coverage: 2,000 pairs of windows of 40 with ρ = 0.8.
  hm_test::random_source rng(99);
  auto normal = [&] {
    const double u1 = 1.0 - rng.uniform(), u2 = rng.uniform();
    return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  };
  int rejections = 0, covered = 0;
  for (int rep = 0; rep < 2000; ++rep) {
    std::array<std::vector<double>, 4> w;
    for (int t = 0; t < 40; ++t) {
      for (std::size_t k = 0; k < 2; ++k) {
        const double a = normal(), b = normal();
        w[2 * k].push_back(a);
        w[2 * k + 1].push_back(0.8 * a + 0.6 * b);
      }
    }
    const auto d = hm::compare_correlations(w[0], w[1], w[2], w[3]);
    rejections += d.p_value < 0.05;
    covered += d.first.lower <= 0.8 && 0.8 <= d.first.upper;
  }
  CHECK(rejections > 60);  // 100 expected; binomial 99.99% range
  CHECK(rejections < 145);
  CHECK(covered > 1855);  // 1900 expected
  CHECK(covered < 1945);
}

TEST_CASE("correlation_interval: missing data, perfect and undefined correlations, bad input") {
  std::vector<double> s = {1, 2, 3, 4, 5}, f = {2, 4, 6, 8, 10};
  const auto perfect = hm::correlation_interval(s, f);
  CHECK(perfect.estimate == 1);
  CHECK(perfect.lower == 1);
  CHECK(perfect.p_value == 0);
  const std::vector<double> flat = {3, 3, 3, 3, 3};
  CHECK(std::isnan(hm::correlation_interval(s, flat).estimate));
  f[2] = std::numeric_limits<double>::quiet_NaN();
  CHECK(std::isnan(hm::correlation_interval(s, f).estimate));
  hm::correlation_options omit;
  omit.missing = hm::missing_data::omit;
  const auto dropped = hm::correlation_interval(s, f, omit);
  CHECK(dropped.n == 4);
  CHECK(dropped.estimate == doctest::Approx(1.0));
  hm::correlation_options raise;
  raise.missing = hm::missing_data::raise;
  CHECK_THROWS_WITH_AS((void)hm::correlation_interval(s, f, raise),
                       "hedgemetrics::correlation_interval: hedge[2] is nan (missing_data::raise)",
                       std::domain_error);
  const std::vector<double> shorter = {1, 2};
  CHECK_THROWS_WITH_AS(
      (void)hm::correlation_interval(s, shorter),
      "hedgemetrics::correlation_interval: spot and hedge must have the same length, but spot has 5 "
      "values and hedge has 2",
      std::invalid_argument);
  hm::correlation_options level;
  level.level = 1.5;
  CHECK_THROWS_AS((void)hm::correlation_interval(s, s, level), std::invalid_argument);
  const std::vector<double> three = {1, 2, 4}, three_f = {1, 3, 2};
  const auto small = hm::correlation_interval(three, three_f);
  CHECK(!std::isnan(small.p_value));
  CHECK(std::isnan(small.lower));  // n − 3 = 0
}
