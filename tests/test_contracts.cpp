// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/contracts.hpp>: optimal_contracts, Hull's N* = h*·Q_A/Q_F.
#include <hedgemetrics/contracts.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "support/check.hpp"
#include "support/exact.hpp"

namespace hm = hedgemetrics;
namespace ex = hm_test::exact;

TEST_CASE("Hull Example 3.3: 0.7777 x 2,000,000 / 42,000 = 37.03, so 37 contracts") {
  static_assert(std::is_same_v<decltype(hm::optimal_contracts(0.7777, 2000000.0, 42000.0)), double>);
  const double n = hm::optimal_contracts(0.7777, 2000000.0, 42000.0);
  CHECK(n == doctest::Approx(37.033333333333333).epsilon(1e-15));
  CHECK(std::round(n * 100.0) / 100.0 == doctest::Approx(37.03).epsilon(1e-15));
  CHECK(std::round(n) == 37.0);  // not rounded by the library: rounding is the user's choice
  CHECK(n != 37.0);
}

TEST_CASE("Hull, tailing the hedge: values instead of quantities, 0.7777 x 3,880,000 / 83,580 = 36.10") {
  // Spot 1.94 and futures 1.99 per gallon: V_A = 2,000,000 x 1.94, V_F = 42,000 x 1.99.
  const double n = hm::optimal_contracts(0.7777, 2000000.0 * 1.94, 42000.0 * 1.99);
  CHECK(std::round(n * 100.0) / 100.0 == doctest::Approx(36.10).epsilon(1e-15));
  CHECK(std::round(n) == 36.0);
}

TEST_CASE("N* = h*·Q_A/Q_F to within two roundings, for any sign of the ratio") {
  hm_test::random_source rng(424242);
  for (int i = 0; i < 2000; ++i) {
    const double ratio = 4.0 * rng.symmetric();
    const double exposure = 1e7 * rng.uniform();
    const double contract = 1.0 + 1e5 * rng.uniform();
    const double n = hm::optimal_contracts(ratio, exposure, contract);
    const ex::rational exact = ex::to_rational(ratio) * ex::to_rational(exposure) / ex::to_rational(contract);
    hm_test::check_close("optimal_contracts(" + hm_test::show(ratio) + ", " + hm_test::show(exposure) + ", " +
                             hm_test::show(contract) + ")",
                         n, ex::maybe(exact), 2.5 * std::numeric_limits<double>::epsilon(), 1.0);
  }
  CHECK(hm::optimal_contracts(-0.5, 1000.0, 100.0) == -5.0);  // a negative ratio: buy futures
  CHECK(hm::optimal_contracts(0.9, 0.0, 100.0) == 0.0);
  CHECK(hm::optimal_contracts(0.0, 1000.0, 100.0) == 0.0);
}

TEST_CASE("bad arguments: std::invalid_argument naming the value") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  auto expect = [](double ratio, double exposure, double contract, const std::string& mentions) {
    try {
      const double n = hm::optimal_contracts(ratio, exposure, contract);
      FAIL("optimal_contracts(" << ratio << ", " << exposure << ", " << contract << ") returned " << n);
    } catch (const std::invalid_argument& e) {
      const std::string message = e.what();
      CHECK_MESSAGE(message.find(mentions) != std::string::npos,
                    "the message should mention '" << mentions << "': " << message);
    }
  };
  expect(0.78, 2000000.0, 0.0, "contract_size");
  expect(0.78, 2000000.0, -42000.0, "contract_size");
  expect(0.78, 2000000.0, -42000.0, "-42000");
  expect(0.78, 2000000.0, nan, "contract_size");
  expect(0.78, 2000000.0, inf, "contract_size");
  expect(nan, 2000000.0, 42000.0, "ratio");
  expect(inf, 2000000.0, 42000.0, "ratio");
  expect(0.78, nan, 42000.0, "exposure_size");
  expect(0.78, -inf, 42000.0, "exposure_size");
}

TEST_CASE("range: N* right where h*·Q_A overflows or underflows, +inf only where N* does (issue 10)") {
  hm_test::random_source rng(1010);
  const ex::rational largest = ex::to_rational(std::numeric_limits<double>::max());
  for (int i = 0; i < 4000; ++i) {
    const double ratio = rng.symmetric() * std::pow(10.0, static_cast<double>(rng.integer(-300, 300)));
    const double exposure = rng.symmetric() * std::pow(10.0, static_cast<double>(rng.integer(-300, 300)));
    const double contract =
        (0.01 + rng.uniform()) * std::pow(10.0, static_cast<double>(rng.integer(-300, 300)));
    const double n = hm::optimal_contracts(ratio, exposure, contract);
    const ex::rational exact = ex::to_rational(ratio) * ex::to_rational(exposure) / ex::to_rational(contract);
    const std::string what = "optimal_contracts(" + hm_test::show(ratio) + ", " + hm_test::show(exposure) +
                             ", " + hm_test::show(contract) + ") = " + hm_test::show(n);
    if (abs(exact) > largest) {
      CHECK_MESSAGE(std::isinf(n), what);
      CHECK_MESSAGE((n > 0) == (sgn(exact) > 0), what);
    } else {
      ex::rational error = ex::to_rational(n) - exact;
      if (sgn(error) < 0) error = -error;
      // Two roundings, plus one of the subnormal spacing where N* is that small.
      const ex::rational bound = abs(exact) * ex::to_rational(2.5 * std::numeric_limits<double>::epsilon()) +
                                 ex::to_rational(std::numeric_limits<double>::denorm_min());
      CHECK_MESSAGE(error <= bound, what);
    }
  }
  CHECK(hm::optimal_contracts(1e200, 1e200, 1e300) == doctest::Approx(1e100).epsilon(1e-15));
  CHECK(hm::optimal_contracts(1e-200, 1e-200, 1e-300) == doctest::Approx(1e-100).epsilon(1e-15));
  CHECK(hm::optimal_contracts(1e200, 1e200, 1.0) == std::numeric_limits<double>::infinity());
  CHECK(hm::optimal_contracts(-1e200, 1e200, 1.0) == -std::numeric_limits<double>::infinity());
  // Messages show the value as it is: 1e-300 is not "0.000000".
  CHECK_THROWS_WITH_AS((void)hm::optimal_contracts(0.5, 1.0, -1e-300), doctest::Contains("got -1e-300"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS((void)hm::optimal_contracts(0.5, std::numeric_limits<double>::quiet_NaN(), 2.0),
                       doctest::Contains("exposure_size nan"), std::invalid_argument);
}
