// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/walk_forward.hpp>. Independent answers: the walk-forward path recomputed by hand
// (fit_hedge on each trailing window, the rebalancing schedule and costs written out directly, variances in
// exact rational arithmetic), and the no-look-ahead property checked by perturbing the future.
#include <hedgemetrics/hedge_ratio.hpp>
#include <hedgemetrics/walk_forward.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/check.hpp"
#include "support/exact.hpp"

namespace hm = hedgemetrics;
namespace ex = hm_test::exact;

namespace {

struct pair_data {
  std::vector<double> s, f, price;
};

pair_data market(std::size_t n, std::uint64_t seed) {
  hm_test::random_source rng(seed);
  pair_data d;
  double level = 80;
  for (std::size_t i = 0; i < n; ++i) {
    const double h = 0.7 + 0.4 * std::sin(static_cast<double>(i) / 60.0);
    const double u = rng.symmetric() + rng.symmetric();
    d.f.push_back(u);
    d.s.push_back(h * u + 0.4 * rng.symmetric());
    d.price.push_back(level);
    level += u;
  }
  return d;
}

/// Exact 1 − Σ(p − p̄)²/Σ(s − s̄)² from the double values.
ex::rational exact_effectiveness(const std::vector<double>& p, const std::vector<double>& s,
                                 std::size_t begin, std::size_t end) {
  const std::size_t m = end - begin;
  const ex::summary sp = ex::describe(p.data() + begin, m);
  const ex::summary ss = ex::describe(s.data() + begin, m);
  return ex::rational(1) - *sp.variance / *ss.variance;
}

}  // namespace

TEST_CASE("walk_forward: every strategy's path recomputed by hand") {
  const pair_data d = market(700, 4);
  hm::walk_forward_options options;
  options.window = 60;
  options.rebalance_every = 5;
  options.cost = 0.0005;
  options.hedge_price = d.price;
  options.lambda = 0.9;
  std::vector<double> user(d.s.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t t = 100; t < user.size(); ++t) user[t] = 0.5;
  options.user.push_back({"half", user});
  const hm::walk_forward_result r = hm::walk_forward(d.s, d.f, options);
  REQUIRE(r.start == 60);
  REQUIRE(r.strategies.size() == 5);
  CHECK(r.strategies[0].name == "naive 1:1");
  CHECK(r.strategies[1].name == "static h* (in-sample)");
  CHECK(r.strategies[1].in_sample);
  CHECK(r.strategies[2].name == "rolling 60");
  CHECK(r.strategies[3].name == "EWMA 0.9");
  CHECK(r.strategies[4].name == "half");

  const std::size_t n = d.s.size();
  const auto ewma =
      hm::ewma_hedge(std::vector<double>(d.s.begin(), d.s.end()), d.f, hm::ewma_options{0.9, 2, {}});
  const double h_star = hm::fit_hedge(std::vector<double>(d.s.begin() + 60, d.s.end()),
                                      std::vector<double>(d.f.begin() + 60, d.f.end()))
                            .ratio;
  for (std::size_t k = 0; k < r.strategies.size(); ++k) {
    const hm::strategy_result& st = r.strategies[k];
    INFO(st.name);
    double held = 0, turnover = 0, total_cost = 0;
    std::vector<double> pnl(n, 0.0);
    for (std::size_t t = 60; t < n; ++t) {
      if ((t - 60) % 5 == 0) {
        double estimate = 0;
        if (k == 0) estimate = 1.0;
        if (k == 1) estimate = h_star;
        if (k == 2) {
          // The 60 periods before t, by fit_hedge: the second method.
          estimate = hm::fit_hedge(hm::series_view<double>(d.s.data() + t - 60, 60),
                                   hm::series_view<double>(d.f.data() + t - 60, 60))
                         .ratio;
        }
        if (k == 3) estimate = ewma.ratio[t - 1];
        if (k == 4) estimate = user[t];
        if (std::isfinite(estimate)) {
          const double cost = 0.0005 * std::fabs(estimate - held) * d.price[t];
          turnover += std::fabs(estimate - held);
          total_cost += cost;
          CHECK(st.cost[t] == doctest::Approx(cost).epsilon(1e-12));
          held = estimate;
        }
      }
      CHECK(st.ratio[t] == doctest::Approx(held).epsilon(1e-12));
      pnl[t] = d.s[t] - st.ratio[t] * d.f[t] - st.cost[t];
      CHECK(st.pnl[t] == pnl[t]);
    }
    CHECK(std::isnan(st.ratio[59]));
    CHECK(std::isnan(st.pnl[59]));
    hm_test::check_close_value("turnover", st.overall.turnover, turnover, 1e-12);
    hm_test::check_close_value("total cost", st.overall.total_cost, total_cost, 1e-12);
    hm_test::check_close("effectiveness", st.overall.effectiveness,
                         ex::maybe(exact_effectiveness(st.pnl, r.unhedged, 60, n)), 1e-12);
    double down_p = 0, down_s = 0;
    for (std::size_t t = 60; t < n; ++t) {
      down_p += st.pnl[t] < 0 ? st.pnl[t] * st.pnl[t] : 0.0;
      down_s += d.s[t] < 0 ? d.s[t] * d.s[t] : 0.0;
    }
    hm_test::check_close_value("semivariance reduction", st.overall.semivariance_reduction,
                               1.0 - down_p / down_s, 1e-12);
    CHECK(st.overall.periods == n - 60);
  }
  // The in-sample static ratio is the best constant ratio on the evaluated periods (before costs):
  // with costs of one opening trade only it beats the naive hedge here.
  CHECK(r.strategies[1].overall.effectiveness > r.strategies[0].overall.effectiveness);
}

TEST_CASE("walk_forward: no look-ahead — changing the future does not change past ratios") {
  const pair_data d = market(500, 9);
  hm::walk_forward_options options;
  options.window = 40;
  options.rebalance_every = 3;
  const auto before = hm::walk_forward(d.s, d.f, options);
  for (std::size_t k : {40U, 41U, 200U, 499U}) {
    pair_data changed = d;
    for (std::size_t t = k; t < d.s.size(); ++t) {
      changed.s[t] = -3.0 * changed.s[t] + 7.0;
      changed.f[t] = 2.0 * changed.f[t] - 1.0;
    }
    const auto after = hm::walk_forward(changed.s, changed.f, options);
    for (std::size_t j : {0U, 2U, 3U}) {  // every strategy but the in-sample one
      for (std::size_t t = 40; t <= k; ++t) {
        // The rolling estimate at t − 1 may depend on later values of its window-long chunk through rounding
        // only (the chunk's shift, see rolling.hpp): equal to 1e-13. The others are equal bit for bit.
        const double allowed = j == 2 ? 1e-13 * std::fabs(before.strategies[j].ratio[t]) : 0.0;
        CHECK_MESSAGE(std::fabs(after.strategies[j].ratio[t] - before.strategies[j].ratio[t]) <= allowed,
                      before.strategies[j].name
                          << ": ratio at " << t << " changed when data from " << k
                          << " on changed: " << hm_test::show(before.strategies[j].ratio[t]) << " -> "
                          << hm_test::show(after.strategies[j].ratio[t]));
      }
    }
  }
}

TEST_CASE("walk_forward: a perfect hedge and the sub-range figures") {
  std::vector<double> f{1, -2, 3, 0.5, -1, 2, -0.5, 1.5, -3, 1};
  std::vector<double> s = f;
  hm::walk_forward_options options;
  options.window = 3;
  const auto r = hm::walk_forward(s, f, options);
  CHECK(r.strategies[0].overall.effectiveness == 1.0);
  CHECK(r.strategies[0].overall.semivariance_reduction == 1.0);
  CHECK(r.strategies[0].overall.turnover == 1.0);  // the opening trade
  const auto part = hm::walk_forward_metrics(r, r.strategies[0], 5, 8);
  CHECK(part.periods == 3);
  CHECK(part.turnover == 0.0);
  const auto before_start = hm::walk_forward_metrics(r, r.strategies[0], 0, 3);
  CHECK(before_start.periods == 0);
  CHECK(std::isnan(before_start.effectiveness));
  CHECK_THROWS_AS(static_cast<void>(hm::walk_forward_metrics(r, r.strategies[0], 4, 11)),
                  std::invalid_argument);
}

TEST_CASE("walk_forward: bad input") {
  const std::vector<double> s{1, 2, 3, 4, 5}, f{1, 3, 2, 5, 4};
  hm::walk_forward_options options;
  options.window = 2;
  options.cost = -0.01;
  CHECK_THROWS_WITH_AS(
      static_cast<void>(hm::walk_forward(s, f, options)),
      "hedgemetrics::walk_forward: the transaction cost must be finite and not negative, but it "
      "is -0.01",
      std::invalid_argument);
  options.cost = 0;
  options.rebalance_every = 0;
  CHECK_THROWS_AS(static_cast<void>(hm::walk_forward(s, f, options)), std::invalid_argument);
  options.rebalance_every = 1;
  options.lambda = 1.0;
  CHECK_THROWS_WITH_AS(static_cast<void>(hm::walk_forward(s, f, options)),
                       "hedgemetrics::ewma_hedge: the decay lambda must be in (0, 1), but it is 1",
                       std::invalid_argument);
  options.lambda = 0.94;
  options.window = 1;
  CHECK_THROWS_AS(static_cast<void>(hm::walk_forward(s, f, options)), std::invalid_argument);
  options.window = 2;
  options.hedge_price = {1, 2};
  CHECK_THROWS_AS(static_cast<void>(hm::walk_forward(s, f, options)), std::invalid_argument);
  options.hedge_price.clear();
  options.user.push_back({"too short", {0.5, 0.5}});
  CHECK_THROWS_WITH_AS(
      static_cast<void>(hm::walk_forward(s, f, options)),
      "hedgemetrics::walk_forward: exposure and the ratio series of too short must have the same "
      "length, but exposure has 5 values and the ratio series of too short has 2",
      std::invalid_argument);
  options.user.clear();
  const std::vector<double> gap{1, 2, std::numeric_limits<double>::quiet_NaN(), 4, 5};
  CHECK_THROWS_WITH_AS(
      static_cast<void>(hm::walk_forward(gap, f, options)),
      "hedgemetrics::walk_forward: exposure[2] is nan; a P&L series must be finite: drop or fill "
      "the missing periods first",
      std::domain_error);
}

TEST_CASE("walk_forward_metrics: a strategy of another run is an error naming both lengths (issue 10)") {
  const auto d = market(40, 3);
  hm::walk_forward_options options;
  options.window = 5;
  const auto r = hm::walk_forward(d.s, d.f, options);
  const std::vector<double> s_short(d.s.begin(), d.s.begin() + 30), f_short(d.f.begin(), d.f.begin() + 30);
  const auto other = hm::walk_forward(s_short, f_short, options);
  CHECK_THROWS_WITH_AS(
      static_cast<void>(hm::walk_forward_metrics(r, other.strategies[0], 5, 40)),
      "hedgemetrics::walk_forward_metrics: the strategy \"naive 1:1\" has 30 periods (pnl) but "
      "the result has 40; pass a strategy of the same walk_forward result",
      std::invalid_argument);
  auto cut = r.strategies[2];
  cut.cost.pop_back();
  CHECK_THROWS_WITH_AS(static_cast<void>(hm::walk_forward_metrics(r, cut, 5, 40)),
                       doctest::Contains("has 39 periods (cost) but the result has 40"),
                       std::invalid_argument);
  // A NaN price of the hedge is an error naming its row, not a NaN effectiveness.
  options.cost = 0.001;
  options.hedge_price = d.price;
  options.hedge_price[17] = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH_AS(static_cast<void>(hm::walk_forward(d.s, d.f, options)),
                       doctest::Contains("hedge_price[17] is nan"), std::invalid_argument);
  options.hedge_price[17] = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH_AS(static_cast<void>(hm::walk_forward(d.s, d.f, options)),
                       doctest::Contains("hedge_price[17] is inf"), std::invalid_argument);
}

TEST_CASE("walk_forward_metrics: scale-free figures at any scale, exact near 1e9 (issue 10)") {
  const auto d = market(60, 9);
  hm_test::random_source rng(13);
  for (int trial = 0; trial < 20; ++trial) {
    const int k = static_cast<int>(rng.integer(-1000, 1000));
    std::vector<double> s, f;
    for (std::size_t i = 0; i < d.s.size(); ++i) {
      s.push_back(std::ldexp(d.s[i], k));
      f.push_back(std::ldexp(d.f[i], k));
    }
    hm::walk_forward_options options;
    options.window = 10;
    options.user.push_back({"0.8", std::vector<double>(d.s.size(), 0.8)});
    const auto base = hm::walk_forward(d.s, d.f, options);
    const auto scaled = hm::walk_forward(s, f, options);
    for (const std::size_t j : {std::size_t{0}, std::size_t{4}}) {  // naive 1:1 and the user's 0.8
      const auto& a = base.strategies[j].overall;
      const auto& b = scaled.strategies[j].overall;
      const std::string label = base.strategies[j].name + " at 2^" + std::to_string(k);
      CHECK_MESSAGE(b.effectiveness == doctest::Approx(a.effectiveness).epsilon(1e-13), label);
      CHECK_MESSAGE(b.semivariance_reduction == doctest::Approx(a.semivariance_reduction).epsilon(1e-13),
                    label);
      const long double variance = std::ldexp(static_cast<long double>(a.hedged_variance), 2 * k);
      if (variance > std::numeric_limits<double>::max()) {
        CHECK_MESSAGE(b.hedged_variance == std::numeric_limits<double>::infinity(), label);
      } else if (variance >= std::numeric_limits<double>::min()) {
        CHECK_MESSAGE(b.hedged_variance == doctest::Approx(static_cast<double>(variance)).epsilon(1e-13),
                      label);
      }
    }
  }
  // P&L near 1e9 that differ by units: the effectiveness against exact arithmetic on the same doubles.
  std::vector<double> s, f;
  for (std::size_t i = 0; i < 80; ++i) {
    f.push_back(static_cast<double>(rng.integer(-40, 40)) / 8);
    s.push_back(1e9 + 0.75 * f.back() + static_cast<double>(rng.integer(-8, 8)) / 16);
  }
  hm::walk_forward_options options;
  options.window = 10;
  const auto r = hm::walk_forward(s, f, options);
  const auto& naive = r.strategies[0];
  hm_test::check_close("effectiveness near 1e9", naive.overall.effectiveness,
                       ex::maybe(exact_effectiveness(naive.pnl, r.unhedged, r.start, s.size())), 1e-14);
  // A user's ratio so large that S − h·F overflows: the hedged variance is +inf, the effectiveness −inf.
  options.user.push_back({"huge", std::vector<double>(s.size(), 1e308)});
  const auto big = hm::walk_forward(s, f, options);
  CHECK(big.strategies[4].overall.hedged_variance == std::numeric_limits<double>::infinity());
  CHECK(big.strategies[4].overall.effectiveness == -std::numeric_limits<double>::infinity());
}
