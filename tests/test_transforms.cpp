// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/transforms.hpp>: price_changes, simple_returns, log_returns.
// Independent answers: exact rational arithmetic for changes and simple returns; log1p in long double of
// the exactly computed simple return for log returns; the real WTI series with its negative price.
#include <hedgemetrics/transforms.hpp>

#include <doctest/doctest.h>

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>
#if __cplusplus >= 202002L && __has_include(<span>)
#include <span>
#endif

#include "support/check.hpp"
#include "support/data.hpp"
#include "support/exact.hpp"
#include "support/generate.hpp"

namespace hm = hedgemetrics;
namespace ex = hm_test::exact;
using hm_test::show;

namespace {

/// Positive levels spanning several orders of magnitude (large returns both ways).
template <class T>
std::vector<T> wide_levels(std::size_t n, std::uint64_t seed) {
  hm_test::random_source rng(seed);
  std::vector<T> p;
  for (std::size_t i = 0; i < n; ++i) {
    const double magnitude = std::pow(10.0, 4.0 * rng.uniform());  // 1 .. 1e4
    p.push_back(
        hm_test::to_element<T>(static_cast<long double>(magnitude) * (std::is_integral_v<T> ? 10.0L : 1.0L)));
    if (p.back() == T(0)) p.back() = T(1);
  }
  return p;
}

template <class Real>
constexpr double eps() {
  return static_cast<double>(std::numeric_limits<Real>::epsilon());
}

template <class Fn>
void expect_domain_error(Fn&& call, const std::string& label, const std::vector<std::string>& mentions) {
  try {
    call();
    FAIL(label << ": no std::domain_error");
  } catch (const std::domain_error& e) {
    const std::string message = e.what();
    for (const auto& m : mentions) {
      CHECK_MESSAGE(message.find(m) != std::string::npos,
                    label << ": the message should mention '" << m << "': " << message);
    }
  }
}

}  // namespace

TEST_CASE_TEMPLATE("price_changes, simple_returns, log_returns against exact arithmetic", T, double, float,
                   int, long double) {
  using Real = hm::result_t<std::vector<T>>;
  for (const std::size_t n : {std::size_t{2}, std::size_t{3}, std::size_t{1025}, std::size_t{3000}}) {
    for (const auto& p : {hm_test::random_walk_levels<T>(n, 1000 + n), wide_levels<T>(n, 2000 + n)}) {
      const std::string label = std::string(hm_test::type_name<T>()) + ", n = " + std::to_string(n);
      const auto changes = hm::price_changes(p);
      const auto simple = hm::simple_returns(p);
      const auto logs = hm::log_returns(p);
      static_assert(std::is_same_v<std::remove_const_t<decltype(changes)>, std::vector<Real>>);
      static_assert(std::is_same_v<std::remove_const_t<decltype(simple)>, std::vector<Real>>);
      static_assert(std::is_same_v<std::remove_const_t<decltype(logs)>, std::vector<Real>>);
      REQUIRE(changes.size() == n - 1);
      REQUIRE(simple.size() == n - 1);
      REQUIRE(logs.size() == n - 1);
      for (std::size_t t = 1; t < n; ++t) {
        const ex::rational before = ex::to_rational(p[t - 1]);
        const ex::rational now = ex::to_rational(p[t]);
        const ex::rational change = now - before;
        const ex::rational ratio = change / before;
        const std::string at = label + ", t = " + std::to_string(t);
        // One rounding (a subtraction), one or two (subtract, divide), and log1p's own error.
        hm_test::check_close(at + ": price change", changes[t - 1], ex::maybe(change), eps<Real>(), 1.0);
        hm_test::check_close(at + ": simple return", simple[t - 1], ex::maybe(ratio), 2.5 * eps<Real>(), 1.0);
        // ln(P_t/P_{t−1}) in 320-bit arithmetic. A log return can be had to a few ulps in every regime
        // (log1p of the relative change for small moves, log of the ratio for large ones); 4 eps allows that.
        hm_test::check_close(at + ": log return", logs[t - 1], ex::maybe(ex::log_of(now / before)),
                             4.0 * eps<Real>(), 1e-300);
      }
    }
  }
}

TEST_CASE("short series: no changes, no throw") {
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}}) {
    const std::vector<double> p(n, 42.0);
    CHECK(hm::price_changes(p).empty());
    CHECK(hm::simple_returns(p).empty());
    CHECK(hm::log_returns(p).empty());
  }
  // A single non-positive price has no return to compute.
  const std::vector<double> alone{-5.0};
  CHECK(hm::simple_returns(alone).empty());
}

TEST_CASE("small returns keep their digits (log1p, not log of a ratio)") {
  const std::vector<double> p{1e9, 1e9 + 1.0, 1e9 + 0.5};
  const auto logs = hm::log_returns(p);
  // ln(1 + 1e-9) = 1e-9 − 5e-19 + …: a naive log(p1/p0) would be off in the 8th digit.
  hm_test::check_close("ln((1e9 + 1)/1e9)", logs[0],
                       ex::maybe(ex::log_of(ex::to_rational(p[1]) / ex::to_rational(p[0]))),
                       4.0 * eps<double>());
  hm_test::check_close("ln((1e9 + 0.5)/(1e9 + 1))", logs[1],
                       ex::maybe(ex::log_of(ex::to_rational(p[2]) / ex::to_rational(p[1]))),
                       4.0 * eps<double>());
}

TEST_CASE("NaN prices give NaN in the changes that touch them, without throwing") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const std::size_t at : {std::size_t{0}, std::size_t{2}, std::size_t{4}}) {
    std::vector<double> p{10.0, 11.0, 12.5, 12.0, 13.0};
    p[at] = nan;
    const std::string label = "levels[" + std::to_string(at) + "] = nan";
    std::vector<double> changes, simple, logs;
    CHECK_NOTHROW(changes = hm::price_changes(p));
    CHECK_NOTHROW(simple = hm::simple_returns(p));
    CHECK_NOTHROW(logs = hm::log_returns(p));
    REQUIRE(changes.size() == 4);
    REQUIRE(simple.size() == 4);
    REQUIRE(logs.size() == 4);
    for (std::size_t t = 1; t < p.size(); ++t) {
      const bool touched = (t == at || t - 1 == at);
      for (const auto* series : {&changes, &simple, &logs}) {
        const double v = (*series)[t - 1];
        CHECK_MESSAGE(std::isnan(v) == touched, label << ": change " << t << " is " << v);
      }
    }
  }
}

TEST_CASE("log_returns: a non-positive price is a std::domain_error naming its index and value") {
  expect_domain_error(
      [] {
        (void)hm::log_returns(std::vector<double>{10.0, 11.0, -37.63, 12.0});
      },
      "negative", {"levels[2]", "-37.63"});
  expect_domain_error(
      [] {
        (void)hm::log_returns(std::vector<double>{0.0, 1.0, 2.0});
      },
      "zero first", {"levels[0]", " 0"});
  expect_domain_error(
      [] {
        (void)hm::log_returns(std::vector<double>{-5.0, 1.0});
      },
      "negative first", {"levels[0]", "-5"});
  expect_domain_error(
      [] {
        (void)hm::log_returns(std::vector<double>{1.0, 2.0, 3.0, -0.25});
      },
      "negative last", {"levels[3]", "-0.25"});
  expect_domain_error([] { (void)hm::log_returns(std::vector<int>{5, 0, 5}); }, "int zero", {"levels[1]"});
  // The same price series is fine for price changes and simple returns.
  const std::vector<double> p{10.0, 11.0, -37.63, 12.0};
  CHECK_NOTHROW((void)hm::price_changes(p));
  const auto simple = hm::simple_returns(p);
  hm_test::check_close_value("simple return into a negative price", simple[1], -37.63 / 11.0 - 1.0, 2.5e-16);
  hm_test::check_close_value("simple return out of a negative price", simple[2], 12.0 / -37.63 - 1.0,
                             2.5e-16);
}

TEST_CASE("simple_returns: a previous price of 0 is a std::domain_error naming its index") {
  expect_domain_error(
      [] {
        (void)hm::simple_returns(std::vector<double>{2.0, 0.0, 3.0});
      },
      "zero in the middle", {"levels[1]"});
  expect_domain_error(
      [] {
        (void)hm::simple_returns(std::vector<double>{0.0, 1.0});
      },
      "zero first", {"levels[0]"});
  // A price of 0 at the end is a −100% return, not an error.
  const auto r = hm::simple_returns(std::vector<double>{2.0, 1.0, 0.0});
  CHECK(r[1] == -1.0);
}

TEST_CASE("transforms accept every contiguous series type") {
  constexpr std::size_t n = 4;
  constexpr double raw[n] = {100.0, 101.5, 99.25, 102.0};
  const std::vector<double> want = hm::log_returns(std::vector<double>(raw, raw + n));
  std::array<double, n> a{};
  std::copy(raw, raw + n, a.begin());
  CHECK(hm::log_returns(a) == want);
  CHECK(hm::log_returns(raw) == want);
  CHECK(hm::log_returns(hm::series_view<double>(raw, n)) == want);
#if __cplusplus >= 202002L && __has_include(<span>)
  CHECK(hm::log_returns(std::span<const double>(raw)) == want);
#endif
  const Eigen::VectorXd e = Eigen::Map<const Eigen::VectorXd>(raw, n);
  CHECK(hm::log_returns(e) == want);
  CHECK(hm::log_returns(Eigen::ArrayXd(e.array())) == want);
  CHECK(hm::log_returns(Eigen::Map<const Eigen::VectorXd>(raw, n)) == want);
  Eigen::VectorXd padded(n + 2);
  padded << -1.0, e, -2.0;
  CHECK(hm::log_returns(padded.segment(1, n)) == want);
  Eigen::MatrixXd m(2, n);
  m.row(0) = e.transpose();
  CHECK_THROWS_AS((void)hm::price_changes(m.row(0)), std::invalid_argument);
  try {
    (void)hm::log_returns(m.row(0));
    FAIL("a row of a column-major matrix was accepted");
  } catch (const std::invalid_argument& error) {
    CHECK_MESSAGE(std::string(error.what()).find("contiguous") != std::string::npos,
                  "message: " << error.what());
  }
  const std::vector<int> ints{100, 101, 99, 102};
  static_assert(std::is_same_v<decltype(hm::price_changes(ints)), std::vector<double>>);
  CHECK(hm::price_changes(ints) == std::vector<double>{1.0, -2.0, 3.0});
  const std::vector<float> floats{100.0f, 101.5f, 99.25f, 102.0f};
  static_assert(std::is_same_v<decltype(hm::simple_returns(floats)), std::vector<double>>);
  CHECK(hm::price_changes(floats) == std::vector<double>{1.5, -2.25, 2.75});
  const std::vector<long double> longs{100.0L, 101.5L, 99.25L, 102.0L};
  static_assert(std::is_same_v<decltype(hm::log_returns(longs)), std::vector<long double>>);
}

TEST_CASE("WTI: log returns do not exist on 2020-04-20, when spot settled at -36.98 and CL1 at -37.63") {
  const auto path = hm_test::data_file("market/derived/wti_spot_RWTC_vs_CL1_CL2_aligned.csv");
  if (!path) return;
  const auto table = hm_test::read_csv(*path);
  const auto dates = table.text("date");
  const auto spot = table.numbers("RWTC_spot_usd_bbl");
  const auto cl1 = table.numbers("RCLC1_usd_bbl");
  std::size_t negative = 0;
  while (negative < spot.size() && spot[negative] > 0.0) ++negative;
  REQUIRE(negative < spot.size());
  CHECK(dates[negative] == "2020-04-20");
  const std::string index = "levels[" + std::to_string(negative) + "]";
  expect_domain_error([&] { (void)hm::log_returns(spot); }, "WTI spot", {index, "-36.98"});
  expect_domain_error([&] { (void)hm::log_returns(cl1); }, "WTI CL1", {index, "-37.63"});
  // Price changes and simple returns exist there.
  const auto changes = hm::price_changes(spot);
  REQUIRE(changes.size() == spot.size() - 1);
  for (std::size_t t = 1; t < spot.size(); ++t) REQUIRE(changes[t - 1] == spot[t] - spot[t - 1]);
  const auto simple = hm::simple_returns(spot);
  hm_test::check_close_value("WTI simple return into 2020-04-20", simple[negative - 1],
                             spot[negative] / spot[negative - 1] - 1.0, 2.5e-16);
  // Log returns up to the day before are fine.
  const std::vector<double> before(spot.begin(), spot.begin() + static_cast<std::ptrdiff_t>(negative));
  CHECK(hm::log_returns(before).size() == negative - 1);
}

TEST_CASE("Henry Hub: a non-positive spot price stops log returns, naming it") {
  const auto path = hm_test::data_file("market/derived/henryhub_spot_vs_NG1_NG2_aligned.csv");
  if (!path) return;
  const auto spot = hm_test::read_csv(*path).numbers("HenryHub_spot_usd_mmbtu");
  std::size_t bad = 0;
  while (bad < spot.size() && spot[bad] > 0.0) ++bad;
  REQUIRE(bad < spot.size());
  expect_domain_error([&] { (void)hm::log_returns(spot); }, "Henry Hub spot",
                      {"levels[" + std::to_string(bad) + "]"});
}

TEST_CASE("range: log and simple returns of prices from 1e-300 to 1e300 (issue 10)") {
  // ln(1e300/1e-300) = ln 1e300 − ln 1e-300 = 1381.55…: the ratio overflows, the return does not.
  const std::vector<double> extreme{1e-300, 1e300, 1e-300, 4.9e-324, 1.7976931348623157e308};
  const auto r = hm::log_returns(extreme);
  REQUIRE(r.size() == 4);
  for (std::size_t t = 0; t < r.size(); ++t) {
    const long double expected =
        std::log(static_cast<long double>(extreme[t + 1])) - std::log(static_cast<long double>(extreme[t]));
    CHECK_MESSAGE(std::fabs(static_cast<long double>(r[t]) - expected) <= 4e-16L * std::fabs(expected),
                  "log return " << t << ": " << show(r[t]) << ", expected " << show(expected));
  }
  CHECK(r[0] == doctest::Approx(1381.5510557964274).epsilon(1e-15));
  // Property: random levels over the whole range, against long double logs.
  hm_test::random_source rng(77);
  for (int trial = 0; trial < 2000; ++trial) {
    const double a = (1 + rng.uniform()) * std::pow(10.0, static_cast<double>(rng.integer(-307, 307)));
    const double b = trial % 4 == 0
                         ? a * (1 + 0.7 * rng.symmetric())
                         : (1 + rng.uniform()) * std::pow(10.0, static_cast<double>(rng.integer(-307, 307)));
    const long double ratio = static_cast<long double>(b) / static_cast<long double>(a);
    const long double expected =
        std::fabs(ratio - 1) < 0.5L
            ? std::log1p((static_cast<long double>(b) - static_cast<long double>(a)) /
                         static_cast<long double>(a))
            : std::log(static_cast<long double>(b)) - std::log(static_cast<long double>(a));
    const double got = hm::log_returns(std::vector<double>{a, b})[0];
    CHECK_MESSAGE(std::fabs(static_cast<long double>(got) - expected) <= 6e-16L * std::fabs(expected),
                  "log_returns({" << show(a) << ", " << show(b) << "}) = " << show(got) << ", expected "
                                  << show(expected));
  }
  // Simple returns: the difference of prices of opposite sign overflows, the return −2.5 does not.
  const auto s = hm::simple_returns(std::vector<double>{-1e308, 1.5e308, -1.5e308, 1e-300, 1e300});
  CHECK(s[0] == -2.5);
  CHECK(s[1] == -2.0);
  CHECK(s[2] == doctest::Approx(-1.0 - 1e-300 / 1.5e308));
  CHECK(s[3] == std::numeric_limits<double>::infinity());  // 1e600: beyond DBL_MAX
  for (int trial = 0; trial < 2000; ++trial) {
    const double a = (rng.symmetric()) * std::pow(10.0, static_cast<double>(rng.integer(-307, 308)));
    const double b = (rng.symmetric()) * std::pow(10.0, static_cast<double>(rng.integer(-307, 308)));
    if (a == 0) continue;
    const ex::rational q = (ex::to_rational(b) - ex::to_rational(a)) / ex::to_rational(a);
    const double got = hm::simple_returns(std::vector<double>{a, b})[0];
    if (abs(q) > ex::to_rational(std::numeric_limits<double>::max())) {
      CHECK_MESSAGE(std::isinf(got), show(a) << " -> " << show(b) << ": " << show(got));
    } else {
      const double err = hm_test::relative_error(got, q);
      CHECK_MESSAGE(err <= 4.5e-16,
                    show(a) << " -> " << show(b) << ": " << show(got) << ", relative error " << err);
    }
  }
}
