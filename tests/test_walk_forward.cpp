// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/walk_forward.hpp>. Independent answers: the walk-forward path recomputed by hand
// (fit_hedge on each trailing window, the rebalancing schedule and costs written out directly, variances in
// exact rational arithmetic), and the no-look-ahead property checked by perturbing the future. Liquidity
// costs (issue 16): a few periods with every cost part worked out by hand in exact binary fractions, the
// impact recomputed for the whole position by another formula, and a spread of 2c against a cost c.
#include <hedgemetrics/descriptive.hpp>
#include <hedgemetrics/downside.hpp>
#include <hedgemetrics/hedge_ratio.hpp>
#include <hedgemetrics/walk_forward.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
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

/// The same series, value for value, NaN (no value yet) matching NaN; the failure names the first period
/// that differs.
void check_same_series(const std::string& what, const std::vector<double>& computed,
                       const std::vector<double>& expected) {
  REQUIRE_MESSAGE(computed.size() == expected.size(), what << ": lengths differ");
  for (std::size_t t = 0; t < computed.size(); ++t) {
    const bool same = computed[t] == expected[t] || (std::isnan(computed[t]) && std::isnan(expected[t]));
    if (!same) {
      CHECK_MESSAGE(same, what << "[" << t << "]: computed " << hm_test::show(computed[t]) << ", expected "
                               << hm_test::show(expected[t]));
      return;
    }
  }
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
    hm_test::check_close_value("semivariance reduction", st.overall.downside_variance_below_zero_reduction,
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
  CHECK(r.strategies[0].overall.downside_variance_below_zero_reduction == 1.0);
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
  // The inner estimators' parameters: the message names walk_forward, the function called (issue 17).
  CHECK_THROWS_WITH_AS(static_cast<void>(hm::walk_forward(s, f, options)),
                       "hedgemetrics::walk_forward: the decay lambda must be in (0, 1), but it is 1",
                       std::invalid_argument);
  options.lambda = 0.94;
  options.window = 1;
  CHECK_THROWS_WITH_AS(static_cast<void>(hm::walk_forward(s, f, options)),
                       "hedgemetrics::walk_forward: the window must hold at least 2 periods, but it is 1",
                       std::invalid_argument);
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
      CHECK_MESSAGE(b.downside_variance_below_zero_reduction ==
                        doctest::Approx(a.downside_variance_below_zero_reduction).epsilon(1e-13),
                    label);
      const long double variance = std::ldexp(static_cast<long double>(a.hedged_variance), 2 * k);
      if (variance > static_cast<long double>(std::numeric_limits<double>::max())) {
        CHECK_MESSAGE(b.hedged_variance == std::numeric_limits<double>::infinity(), label);
      } else if (variance >= static_cast<long double>(std::numeric_limits<double>::min())) {
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

namespace {

/// Six periods for the liquidity costs, evaluated from period 2 (window 2): the values before it are
/// deliberately unusable (a NaN spread, a negative volatility, no volume), since they must not be read.
struct liquidity_case {
  std::vector<double> s{1, -1, 2, -1, 3, -2};
  std::vector<double> f{1, -1, 2, -2, 2, -2};
  hm::walk_forward_options options;
  liquidity_case() {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    options.window = 2;
    options.start = 2;
    options.cost = 0.03125;  // 1/32 per unit of hedge (no hedge_price)
    options.spread = {nan, 0, 0.5, 0.25, 0.125, 1};
    options.impact = 0.125;
    options.volatility = {0, -1, 2, 3, 0.5, 1};
    options.volume = {0, 0, 1, 9, 48, 4};
    options.exposure_size = 16;
    // h: 0.25 from period 2 (a trade of 0.25), again 0.25 at 3 (no trade), 1 at 4 (a trade of 0.75), then
    // no estimate (kept).
    options.user.push_back({"user", {nan, nan, 0.25, 0.25, 1.0, nan}});
  }
};

}  // namespace

TEST_CASE("walk_forward: spread and square-root impact costs worked out by hand (issue 16)") {
  const liquidity_case c;
  const auto r = hm::walk_forward(c.s, c.f, c.options);
  REQUIRE(r.start == 2);
  REQUIRE(r.strategies.size() == 5);
  const hm::strategy_result& u = r.strategies[4];
  // Q = 16, η = 1/8, c = 1/32. Per unit of exposure, for a trade Δh:
  //   proportional c·|Δh|, spread s_t/2·|Δh|, impact η·σ_t·|Δh|·√(Q·|Δh|/V_t).
  // Period 2, Δh = 1/4 (Q·|Δh| = 4 units, V = 1): 1/128 + 1/16 + (1/8)·2·(1/4)·√4 = 1/128 + 1/16 + 1/8.
  //   For the whole position: 1/32·4 + 1/4·4 + (1/8)·2·4^{3/2}/√1 = 1/8 + 1 + 2 = 25/8, and 25/8/16 = 25/128.
  // Period 4, Δh = 3/4 (12 units, V = 48): 3/128 + 3/64 + (1/8)·(1/2)·(3/4)·√(12/48) = 3/128 + 3/64 + 3/128.
  const std::vector<double> proportional{0.0078125, 0, 0.0234375, 0};
  const std::vector<double> spread{0.0625, 0, 0.046875, 0};
  const std::vector<double> impact{0.125, 0, 0.0234375, 0};
  const std::vector<double> total{0.1953125, 0, 0.09375, 0};
  // Before costs g = S − h·F: 2 − 2/4, −1 + 2/4, 3 − 2, −2 + 2; after, g − cost.
  const std::vector<double> gross{1.5, -0.5, 1, 0};
  const std::vector<double> net{1.3046875, -0.5, 0.90625, 0};
  for (std::size_t k = 0; k < 4; ++k) {
    const std::size_t t = k + 2;
    INFO("period " << t);
    CHECK(u.proportional_cost[t] == proportional[k]);
    CHECK(u.spread_cost[t] == spread[k]);
    CHECK(u.impact_cost[t] == impact[k]);
    CHECK(u.cost[t] == total[k]);
    CHECK(u.pnl_before_costs[t] == gross[k]);
    CHECK(u.pnl[t] == net[k]);
  }
  for (std::size_t t = 0; t < 2; ++t) {
    CHECK(u.cost[t] == 0.0);
    CHECK(u.spread_cost[t] == 0.0);
    CHECK(u.impact_cost[t] == 0.0);
    CHECK(std::isnan(u.pnl_before_costs[t]));
  }
  // Totals over periods 2..5; the parts add up to the total.
  CHECK(u.overall.periods == 4);
  CHECK(u.overall.turnover == 1.0);
  CHECK(u.overall.proportional_cost == 0.03125);
  CHECK(u.overall.spread_cost == 0.109375);
  CHECK(u.overall.impact_cost == 0.1484375);
  CHECK(u.overall.total_cost == 0.2890625);
  // The mean falls by the mean cost: 0.5 − 0.2890625/4.
  CHECK(u.overall.mean_pnl == 0.427734375);
  // Before costs: Σ(g − ḡ)² = 1 + 1 + 1/4 + 1/4 = 5/2 against Σ(S − S̄)² = 17, so 1 − 5/34 = 29/34.
  hm_test::check_close("effectiveness before costs", u.overall.effectiveness_before_costs,
                       ex::maybe(ex::rational(29, 34)), 1e-15);
  const std::vector<double> unhedged(c.s.begin() + 2, c.s.end());
  hm_test::check_close("effectiveness after costs", u.overall.effectiveness,
                       ex::maybe(exact_effectiveness(net, unhedged, 0, 4)), 1e-15);
  CHECK(u.overall.cost_drag == u.overall.effectiveness_before_costs - u.overall.effectiveness);

  // Periods 3 and 4: S −1, 3 (Σ(S − S̄)² = 8); g −1/2, 1 (9/8): 1 − 9/64 = 55/64 before costs; p −1/2,
  // 29/32 (Σ = 2·(45/64)² = 2025/2048): 1 − 2025/16384 after. The cost falls on the gain, so the hedged
  // P&L varies less after costs: a negative drag of −279/16384.
  const hm::strategy_metrics part = hm::walk_forward_metrics(r, u, 3, 5);
  CHECK(part.periods == 2);
  CHECK(part.turnover == 0.75);
  CHECK(part.proportional_cost == 0.0234375);
  CHECK(part.spread_cost == 0.046875);
  CHECK(part.impact_cost == 0.0234375);
  CHECK(part.total_cost == 0.09375);
  CHECK(part.effectiveness_before_costs == 0.859375);
  CHECK(part.effectiveness == 0.87640380859375);
  CHECK(part.cost_drag == -0.01702880859375);
  // One period: no variance, so no effectiveness, but the costs are there.
  const hm::strategy_metrics one = hm::walk_forward_metrics(r, u, 2, 3);
  CHECK(std::isnan(one.effectiveness_before_costs));
  CHECK(std::isnan(one.cost_drag));
  CHECK(one.total_cost == 0.1953125);

  // Naive 1:1 trades once, 1 unit at period 2 (16 units, V = 1): 1/32 + 1/4 + (1/8)·2·1·√16 = 1/32 + 1/4 + 1.
  const hm::strategy_result& naive = r.strategies[0];
  CHECK(naive.proportional_cost[2] == 0.03125);
  CHECK(naive.spread_cost[2] == 0.25);
  CHECK(naive.impact_cost[2] == 1.0);
  CHECK(naive.cost[2] == 1.28125);
  for (std::size_t t = 3; t < 6; ++t) CHECK(naive.cost[t] == 0.0);
  CHECK(naive.overall.total_cost == 1.28125);
  // g = S − F = 0, 1, 1, 0: Σ(g − ḡ)² = 1 against 17, so 16/17 before costs.
  hm_test::check_close("naive effectiveness before costs", naive.overall.effectiveness_before_costs,
                       ex::maybe(ex::rational(16, 17)), 1e-15);

  // A zero volume where no strategy trades is fine: rebalancing every 2 periods, nothing trades at 3 or 5.
  liquidity_case every_other;
  every_other.options.rebalance_every = 2;
  every_other.options.volume[3] = 0;
  every_other.options.volume[5] = 0;
  const auto r2 = hm::walk_forward(every_other.s, every_other.f, every_other.options);
  CHECK(r2.strategies[4].cost == u.cost);
  CHECK(r2.strategies[4].overall.total_cost == 0.2890625);
}

TEST_CASE("walk_forward: a spread of 2c with no impact costs what a proportional cost c does (issue 16)") {
  const pair_data d = market(400, 21);
  hm::walk_forward_options proportional;
  proportional.window = 40;
  proportional.rebalance_every = 3;
  proportional.cost = 0.0005;
  hm::walk_forward_options spread = proportional;
  spread.cost = 0;
  spread.spread.assign(d.s.size(), 2 * 0.0005);
  const auto a = hm::walk_forward(d.s, d.f, proportional);
  const auto b = hm::walk_forward(d.s, d.f, spread);
  REQUIRE(a.strategies.size() == b.strategies.size());
  for (std::size_t k = 0; k < a.strategies.size(); ++k) {
    const auto& x = a.strategies[k];
    const auto& y = b.strategies[k];
    INFO(x.name);
    // (2c/2)·|Δh| is c·|Δh| to the last bit: halving is exact.
    CHECK(y.spread_cost == x.proportional_cost);
    CHECK(y.cost == x.cost);
    check_same_series("pnl", y.pnl, x.pnl);
    CHECK(y.overall.total_cost == x.overall.total_cost);
    CHECK(y.overall.spread_cost == x.overall.proportional_cost);
    CHECK(y.overall.proportional_cost == 0.0);
    CHECK(y.overall.effectiveness == x.overall.effectiveness);
    CHECK(y.overall.total_cost > 0);
  }
  // With prices: a relative cost c of the notional is a spread of 2c·price, to rounding (c·|Δh|·P against
  // (c·P)·|Δh|).
  proportional.hedge_price = d.price;
  spread.spread.clear();
  for (double price : d.price) spread.spread.push_back(2 * 0.0005 * price);
  const auto ap = hm::walk_forward(d.s, d.f, proportional);
  const auto bp = hm::walk_forward(d.s, d.f, spread);
  for (std::size_t k = 0; k < ap.strategies.size(); ++k) {
    INFO(ap.strategies[k].name);
    for (std::size_t t = 0; t < d.s.size(); ++t) {
      CHECK(bp.strategies[k].cost[t] == doctest::Approx(ap.strategies[k].cost[t]).epsilon(1e-15));
    }
    hm_test::check_close_value("total cost", bp.strategies[k].overall.total_cost,
                               ap.strategies[k].overall.total_cost, 1e-14);
  }
}

TEST_CASE("walk_forward: every cost part recomputed, no trade no cost, the drag decomposed (issue 16)") {
  const pair_data d = market(700, 8);
  const std::size_t n = d.s.size();
  hm_test::random_source rng(17);
  hm::walk_forward_options options;
  options.window = 60;
  options.rebalance_every = 5;
  options.cost = 0.0005;
  options.hedge_price = d.price;
  options.impact = 0.3;
  options.exposure_size = 5e4;
  double variance = 1;  // σ_t from F up to t − 1 (RiskMetrics' EWMA), as a user would estimate it
  for (std::size_t t = 0; t < n; ++t) {
    options.spread.push_back(0.01 + 0.02 * rng.uniform());
    options.volatility.push_back(std::sqrt(variance));
    options.volume.push_back(1e5 * (1 + rng.uniform()));
    variance = 0.94 * variance + 0.06 * d.f[t] * d.f[t];
  }
  std::vector<double> user(n, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t t = 100; t < n; ++t) user[t] = t % 50 < 25 ? 0.4 : 1.2;
  options.user.push_back({"switching", user});
  const auto r = hm::walk_forward(d.s, d.f, options);
  REQUIRE(r.start == 60);
  const std::size_t begin = 200, end = 450;  // a sub-range
  for (const hm::strategy_result& st : r.strategies) {
    INFO(st.name);
    double proportional = 0, spread = 0, impact = 0, total = 0, drag_costs = 0;
    double held = 0;
    for (std::size_t t = 60; t < n; ++t) {
      const double traded = std::fabs(st.ratio[t] - held);
      held = st.ratio[t];
      if ((t - 60) % 5 != 0) REQUIRE(traded == 0.0);  // held between rebalancing dates
      // The whole position trades X = Q·|Δh| units; its cost over Q, the impact by pow rather than √.
      const double x = options.exposure_size * traded;
      const double want_proportional = 0.0005 * traded * d.price[t];
      const double want_spread = options.spread[t] / 2 * x / options.exposure_size;
      const double want_impact = 0.3 * options.volatility[t] * std::pow(x, 1.5) /
                                 std::sqrt(options.volume[t]) / options.exposure_size;
      CHECK(st.proportional_cost[t] == doctest::Approx(want_proportional).epsilon(1e-14));
      CHECK(st.spread_cost[t] == doctest::Approx(want_spread).epsilon(1e-14));
      CHECK(st.impact_cost[t] == doctest::Approx(want_impact).epsilon(1e-13));
      if (traded == 0.0) {
        CHECK(st.cost[t] == 0.0);
        CHECK(st.spread_cost[t] == 0.0);
        CHECK(st.impact_cost[t] == 0.0);
      }
      CHECK(st.cost[t] == st.proportional_cost[t] + st.spread_cost[t] + st.impact_cost[t]);
      CHECK(st.pnl_before_costs[t] == d.s[t] - st.ratio[t] * d.f[t]);
      CHECK(st.pnl[t] == st.pnl_before_costs[t] - st.cost[t]);
      if (t >= begin && t < end) {
        proportional += st.proportional_cost[t];
        spread += st.spread_cost[t];
        impact += st.impact_cost[t];
        total += st.cost[t];
        drag_costs += st.pnl_before_costs[t] - st.pnl[t];
      }
    }
    const auto& o = st.overall;
    hm_test::check_close_value("parts against the total cost",
                               o.proportional_cost + o.spread_cost + o.impact_cost, o.total_cost, 1e-14);
    CHECK(o.cost_drag == o.effectiveness_before_costs - o.effectiveness);
    hm_test::check_close("effectiveness before costs", o.effectiveness_before_costs,
                         ex::maybe(exact_effectiveness(st.pnl_before_costs, r.unhedged, 60, n)), 1e-12);
    CHECK(o.impact_cost > 0);
    CHECK(o.spread_cost > 0);
    // Over the sub-range: the sums of the parts, and each effectiveness against exact arithmetic.
    const hm::strategy_metrics part = hm::walk_forward_metrics(r, st, begin, end);
    CHECK(part.periods == end - begin);
    hm_test::check_close_value("proportional cost [200, 450)", part.proportional_cost, proportional, 1e-13);
    hm_test::check_close_value("spread cost [200, 450)", part.spread_cost, spread, 1e-13);
    hm_test::check_close_value("impact cost [200, 450)", part.impact_cost, impact, 1e-13);
    hm_test::check_close_value("total cost [200, 450)", part.total_cost, total, 1e-13);
    hm_test::check_close_value("P&L before - after costs [200, 450)", drag_costs, total, 1e-12);
    hm_test::check_close("effectiveness before costs [200, 450)", part.effectiveness_before_costs,
                         ex::maybe(exact_effectiveness(st.pnl_before_costs, r.unhedged, begin, end)), 1e-12);
    hm_test::check_close("effectiveness [200, 450)", part.effectiveness,
                         ex::maybe(exact_effectiveness(st.pnl, r.unhedged, begin, end)), 1e-12);
    CHECK(part.cost_drag == part.effectiveness_before_costs - part.effectiveness);
  }
  // A strategy that holds its position trades only at the start: one impact, the largest (the whole
  // position at once).
  const auto& naive = r.strategies[0];
  CHECK(naive.impact_cost[60] > 0);
  CHECK(naive.overall.impact_cost == naive.impact_cost[60]);
  CHECK(naive.overall.turnover == 1.0);
}

TEST_CASE("walk_forward: without liquidity options the cost is the proportional one, as before (issue 16)") {
  const pair_data d = market(300, 5);
  hm::walk_forward_options options;
  options.window = 30;
  options.cost = 0.001;
  options.hedge_price = d.price;
  const auto r = hm::walk_forward(d.s, d.f, options);
  for (const auto& st : r.strategies) {
    INFO(st.name);
    CHECK(st.proportional_cost == st.cost);
    CHECK(st.spread_cost == std::vector<double>(d.s.size(), 0.0));
    CHECK(st.impact_cost == std::vector<double>(d.s.size(), 0.0));
    CHECK(st.overall.proportional_cost == st.overall.total_cost);
    CHECK(st.overall.spread_cost == 0.0);
    CHECK(st.overall.impact_cost == 0.0);
  }
  options.cost = 0;  // no cost at all: no drag
  const auto free = hm::walk_forward(d.s, d.f, options);
  for (const auto& st : free.strategies) {
    check_same_series(st.name + ": P&L before costs", st.pnl_before_costs, st.pnl);
    CHECK(st.overall.effectiveness_before_costs == st.overall.effectiveness);
    CHECK(st.overall.cost_drag == 0.0);
  }
}

TEST_CASE("walk_forward: bad liquidity input names the series, the period and the value (issue 16)") {
  const auto run = [](const liquidity_case& c) { return hm::walk_forward(c.s, c.f, c.options); };
  {
    liquidity_case c;
    c.options.spread = {0.1, 0.1};
    CHECK_THROWS_WITH_AS(static_cast<void>(run(c)),
                         "hedgemetrics::walk_forward: exposure and spread must have the same length, but "
                         "exposure has 6 values and spread has 2",
                         std::invalid_argument);
  }
  {
    liquidity_case c;
    c.options.spread[3] = -0.01;
    CHECK_THROWS_WITH_AS(
        static_cast<void>(run(c)),
        "hedgemetrics::walk_forward: spread[3] is -0.01; a bid-ask spread must be finite and "
        "not negative (ask - bid, in the hedge's price units)",
        std::invalid_argument);
    c.options.spread[3] = std::numeric_limits<double>::infinity();
    CHECK_THROWS_WITH_AS(static_cast<void>(run(c)), doctest::Contains("spread[3] is inf"),
                         std::invalid_argument);
  }
  {
    liquidity_case c;
    c.options.volatility[4] = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH_AS(static_cast<void>(run(c)),
                         "hedgemetrics::walk_forward: volatility[4] is nan; the hedge's volatility must be "
                         "finite and not negative (in its price units per period)",
                         std::invalid_argument);
    c.options.volatility = {1, 1, 1};
    CHECK_THROWS_WITH_AS(static_cast<void>(run(c)), doctest::Contains("volatility has 3"),
                         std::invalid_argument);
  }
  {
    liquidity_case c;
    c.options.volume[2] = 0;  // every strategy opens its position at period 2
    CHECK_THROWS_WITH_AS(static_cast<void>(run(c)),
                         "hedgemetrics::walk_forward: volume[2] is 0 where the strategy \"naive 1:1\" trades "
                         "1 per unit of exposure; the volume must be positive in every period with a trade",
                         std::invalid_argument);
    c.options.volume[2] = -5;
    CHECK_THROWS_WITH_AS(static_cast<void>(run(c)), doctest::Contains("volume[2] is -5; the traded volume"),
                         std::invalid_argument);
    c.options.volume[2] = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH_AS(static_cast<void>(run(c)), doctest::Contains("volume[2] is nan"),
                         std::invalid_argument);
    // Without impact a volume is still checked where a trade happens: the data is wrong either way.
    c.options.volume[2] = 0;
    c.options.impact = 0;
    CHECK_THROWS_WITH_AS(static_cast<void>(run(c)), doctest::Contains("volume[2] is 0 where the strategy"),
                         std::invalid_argument);
  }
  {
    liquidity_case c;
    c.options.impact = -0.5;
    CHECK_THROWS_WITH_AS(
        static_cast<void>(run(c)),
        "hedgemetrics::walk_forward: the impact coefficient must be finite and not negative, "
        "but it is -0.5",
        std::invalid_argument);
    c.options.impact = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH_AS(static_cast<void>(run(c)), doctest::Contains("but it is nan"),
                         std::invalid_argument);
  }
  {
    liquidity_case c;
    c.options.volume.clear();
    CHECK_THROWS_WITH_AS(static_cast<void>(run(c)),
                         "hedgemetrics::walk_forward: the square-root impact (impact 0.125) needs the "
                         "volatility and volume series, but volume is empty",
                         std::invalid_argument);
    c.options.impact = 0;  // no impact: neither series is needed
    CHECK(run(c).strategies[4].overall.impact_cost == 0.0);
  }
  {
    liquidity_case c;
    c.options.exposure_size = 0;
    CHECK_THROWS_WITH_AS(static_cast<void>(run(c)),
                         "hedgemetrics::walk_forward: exposure_size must be finite and positive, but it is 0",
                         std::invalid_argument);
  }
}

TEST_CASE("walk_forward: too few periods for the window, start or train is an error naming both (issue 17)") {
  const std::vector<double> s{1, 2, 3, 4, 5}, f{1, 3, 2, 5, 4};
  hm::walk_forward_options options;
  options.window = 10;
  CHECK_THROWS_WITH_AS(
      static_cast<void>(hm::walk_forward(s, f, options)),
      "hedgemetrics::walk_forward: the series have 5 periods, but the window is 10: the first "
      "evaluated period is 10, so at least 11 periods are needed",
      std::invalid_argument);
  options.window = 5;  // as many periods as the window: none left to evaluate
  CHECK_THROWS_WITH_AS(
      static_cast<void>(hm::walk_forward(s, f, options)),
      "hedgemetrics::walk_forward: the series have 5 periods, but the window is 5: the first "
      "evaluated period is 5, so at least 6 periods are needed",
      std::invalid_argument);
  options.window = 4;  // one period evaluated: figures of one period, not an error
  const auto one = hm::walk_forward(s, f, options);
  CHECK(one.start == 4);
  CHECK(one.strategies[0].overall.periods == 1);
  options.window = 2;
  options.start = 7;
  CHECK_THROWS_WITH_AS(static_cast<void>(hm::walk_forward(s, f, options)),
                       "hedgemetrics::walk_forward: the series have 5 periods, but start is 7: the first "
                       "evaluated period is 7, so at least 8 periods are needed",
                       std::invalid_argument);
  options.start = 0;
  options.train = 5;
  CHECK_THROWS_WITH_AS(static_cast<void>(hm::walk_forward(s, f, options)),
                       "hedgemetrics::walk_forward: the series have 5 periods, but train is 5: the first "
                       "evaluated period is 5, so at least 6 periods are needed",
                       std::invalid_argument);
  options.train = 1;
  CHECK_THROWS_WITH_AS(static_cast<void>(hm::walk_forward(s, f, options)),
                       "hedgemetrics::walk_forward: train must be at least 2 periods (0: no out-of-sample "
                       "static strategy), but it is 1",
                       std::invalid_argument);
  options.train = 4;
  options.start = 3;
  CHECK_THROWS_WITH_AS(static_cast<void>(hm::walk_forward(s, f, options)),
                       "hedgemetrics::walk_forward: start (3) is below train (4): the static ratio fitted on "
                       "periods 0 to 3 would be evaluated on periods it was fitted on; set start to at least "
                       "train, or 0",
                       std::invalid_argument);
  // The window's check comes before the count of periods: the message is about the window.
  options = {};
  options.window = 0;
  CHECK_THROWS_WITH_AS(static_cast<void>(hm::walk_forward(s, f, options)),
                       "hedgemetrics::walk_forward: the window must hold at least 2 periods, but it is 0",
                       std::invalid_argument);
}

TEST_CASE(
    "walk_forward: the out-of-sample static and the expanding strategies against fit_hedge (issue 17)") {
  const pair_data d = market(600, 12);
  const std::size_t n = d.s.size();
  for (const std::size_t rebalance : {std::size_t{1}, std::size_t{7}}) {
    for (const std::size_t start : {std::size_t{0}, std::size_t{250}}) {
      CAPTURE(rebalance);
      CAPTURE(start);
      hm::walk_forward_options options;
      options.window = 50;
      options.train = 200;
      options.expanding = true;
      options.start = start;
      options.rebalance_every = rebalance;
      options.cost = 0.001;
      options.user.push_back({"quarter", std::vector<double>(n, 0.25)});
      const hm::walk_forward_result r = hm::walk_forward(d.s, d.f, options);
      const std::size_t first = start == 0 ? 200 : start;  // start 0: max(window, train)
      REQUIRE(r.start == first);
      REQUIRE(r.strategies.size() == 7);
      CHECK(r.strategies[3].name == "EWMA 0.94");
      CHECK(r.strategies[4].name == "static h* (first 200)");
      CHECK(r.strategies[5].name == "expanding");
      CHECK(r.strategies[6].name == "quarter");
      CHECK_FALSE(r.strategies[4].in_sample);
      CHECK_FALSE(r.strategies[5].in_sample);

      // The second method: fit_hedge on the prefix, periods 0 … k − 1 (train) and 0 … t − 1 (expanding).
      const double h_train =
          hm::fit_hedge(hm::series_view<double>(d.s.data(), 200), hm::series_view<double>(d.f.data(), 200))
              .ratio;
      const hm::strategy_result& fixed = r.strategies[4];
      const hm::strategy_result& grown = r.strategies[5];
      double held = 0, cost_fixed = 0, cost_grown = 0;
      for (std::size_t t = first; t < n; ++t) {
        if ((t - first) % rebalance == 0) {
          const double prefix =
              hm::fit_hedge(hm::series_view<double>(d.s.data(), t), hm::series_view<double>(d.f.data(), t))
                  .ratio;
          cost_grown += 0.001 * std::fabs(prefix - held);
          held = prefix;
        }
        // The ratio held: fitted once (the same function on the same data: bit for bit) ...
        CHECK(fixed.ratio[t] == h_train);
        CHECK(fixed.pnl[t] == d.s[t] - h_train * d.f[t] - fixed.cost[t]);
        // ... and re-fitted on all the periods before the last rebalancing (a merge of co-moments against
        // one two-pass fit: equal to rounding).
        if (!hm_test::check_close_value("expanding ratio at " + std::to_string(t), grown.ratio[t], held,
                                        1e-12))
          break;
        CHECK(grown.pnl[t] == d.s[t] - grown.ratio[t] * d.f[t] - grown.cost[t]);
      }
      cost_fixed = 0.001 * std::fabs(h_train);  // the opening trade only
      CHECK(std::isnan(fixed.ratio[first - 1]));
      CHECK(std::isnan(grown.ratio[first - 1]));
      hm_test::check_close_value("static (first 200) cost", fixed.overall.total_cost, cost_fixed, 1e-15);
      hm_test::check_close_value("static (first 200) turnover", fixed.overall.turnover, std::fabs(h_train),
                                 1e-15);
      hm_test::check_close_value("expanding cost", grown.overall.total_cost, cost_grown, 1e-10);
      for (const hm::strategy_result* st : {&fixed, &grown}) {
        hm_test::check_close(st->name + " effectiveness", st->overall.effectiveness,
                             ex::maybe(exact_effectiveness(st->pnl, r.unhedged, first, n)), 1e-12);
        CHECK(st->overall.periods == n - first);
      }
    }
  }
  // Off by default: the four built-in strategies, as before.
  hm::walk_forward_options plain;
  plain.window = 50;
  CHECK(hm::walk_forward(d.s, d.f, plain).strategies.size() == 4);
}

namespace {

/// The second method for VaR and ES: the losses −p fully sorted; VaR the inverted-CDF quantile
/// L_(⌈αN⌉) (numpy.quantile(L, α, method="inverted_cdf"), ⌈αN⌉ taken within 8 ulps of a whole number as
/// value_at_risk does), ES the minimum over every loss c of Rockafellar & Uryasev's c + Σ(L − c)⁺/(N(1−α))
/// — a convex piecewise linear function of c whose minimum lies at a loss (a search, not the tail mean).
struct tail_by_sorting {
  double value_at_risk, expected_shortfall;
};

tail_by_sorting sorted_tail(const std::vector<double>& pnl, std::size_t begin, std::size_t end,
                            double level) {
  std::vector<double> loss;
  for (std::size_t t = begin; t < end; ++t) loss.push_back(-pnl[t]);
  std::sort(loss.begin(), loss.end());
  const double n = static_cast<double>(loss.size());
  const double an = level * n;
  const double nearest = std::round(an);
  const double rank =
      std::fabs(an - nearest) <= 8 * std::numeric_limits<double>::epsilon() * an ? nearest : std::ceil(an);
  tail_by_sorting out{loss[static_cast<std::size_t>(rank) - 1], std::numeric_limits<double>::infinity()};
  for (const double c : loss) {
    double excess = 0;
    for (const double l : loss) excess += l > c ? l - c : 0.0;
    out.expected_shortfall = std::min(out.expected_shortfall, c + excess / (n * (1 - level)));
  }
  return out;
}

}  // namespace

TEST_CASE("walk_forward: VaR and ES of the hedged P&L worked out by hand (issue 17)") {
  // A user strategy that never hedges (ratio 0, no cost): its P&L is S itself over periods 2 … 11.
  const std::vector<double> s{9, 9, -5, 3, -1, 2, -4, 1, 0, -2, 6, -3};
  const std::vector<double> f{1, -1, 2, 0.5, -1, 1, 3, -2, 1, 0.5, -1, 2};
  hm::walk_forward_options options;
  options.window = 2;
  options.level = 0.75;
  options.user.push_back({"unhedged", std::vector<double>(s.size(), 0.0)});
  const auto r = hm::walk_forward(s, f, options);
  REQUIRE(r.start == 2);
  CHECK(r.level == 0.75);
  const hm::strategy_result& u = r.strategies.back();
  // Losses 5, −3, 1, −2, 4, −1, 0, 2, −6, 3; sorted −6 −3 −2 −1 0 1 2 3 4 5. α·N = 7.5: VaR = L_(8) = 3,
  // ES = (5 + 4 + 0.5·3)/2.5 = 4.2.
  CHECK(u.overall.value_at_risk == 3.0);
  CHECK(u.overall.expected_shortfall == doctest::Approx(4.2).epsilon(1e-15));
  // Periods 2 … 6: losses 5, −3, 1, −2, 4; α·N = 3.75: VaR = L_(4) = 4, ES = (5 + 0.25·4)/1.25 = 4.8.
  const auto part = hm::walk_forward_metrics(r, u, 0, 7);
  CHECK(part.value_at_risk == 4.0);
  CHECK(part.expected_shortfall == doctest::Approx(4.8).epsilon(1e-15));
  // D(x) = Σ min(x, 0)²: 25 + 1 + 16 = 42 for both P&L and S, so no reduction; Var(p) = Var(S).
  CHECK(u.overall.downside_variance_below_zero_reduction == 0.0);
  CHECK(u.overall.effectiveness == 0.0);
  // α·N = 8 at 0.8 (the double 0.8 times 10 taken as 8): VaR = L_(8) = 3, ES = (4 + 5)/2 = 4.5; at the
  // default 0.975, α·N = 9.75, the tail is under one observation: ES = VaR = the largest loss, 5.
  options.level = 0.8;
  const auto at80 = hm::walk_forward(s, f, options).strategies.back().overall;
  CHECK(at80.value_at_risk == 3.0);
  CHECK(at80.expected_shortfall == doctest::Approx(4.5).epsilon(1e-15));
  options.level = hm::walk_forward_options{}.level;
  CHECK(options.level == 0.975);
  const auto at975 = hm::walk_forward(s, f, options).strategies.back().overall;
  CHECK(at975.value_at_risk == 5.0);
  CHECK(at975.expected_shortfall == 5.0);
  // Both as value_at_risk and expected_shortfall of downside.hpp on the stored P&L.
  const std::vector<double> evaluated(u.pnl.begin() + 2, u.pnl.end());
  CHECK(u.overall.value_at_risk == hm::value_at_risk(evaluated, hm::downside_options{0.75}));
  CHECK(u.overall.expected_shortfall == hm::expected_shortfall(evaluated, hm::downside_options{0.75}));
}

TEST_CASE("walk_forward: VaR and ES of every strategy against a full sort and the R-U minimum (issue 17)") {
  const pair_data d = market(700, 11);
  hm::walk_forward_options options;
  options.window = 60;
  options.rebalance_every = 3;
  options.cost = 0.0004;
  options.hedge_price = d.price;
  options.level = 0.97;
  options.expanding = true;
  const auto r = hm::walk_forward(d.s, d.f, options);
  for (const hm::strategy_result& st : r.strategies) {
    INFO(st.name);
    // The whole evaluation (640 periods, α·N = 620.8) and a sub-range (periods 100 … 332: α·N = 226.01).
    for (const auto& [begin, end] :
         {std::pair<std::size_t, std::size_t>{0, 700}, std::pair<std::size_t, std::size_t>{100, 333}}) {
      const auto m = begin == 0 ? st.overall : hm::walk_forward_metrics(r, st, begin, end);
      const tail_by_sorting expected = sorted_tail(st.pnl, std::max<std::size_t>(begin, r.start), end, 0.97);
      CHECK(m.value_at_risk == expected.value_at_risk);
      hm_test::check_close_value("expected shortfall", m.expected_shortfall, expected.expected_shortfall,
                                 1e-13);
      CHECK(m.expected_shortfall >= m.value_at_risk);
    }
  }
  // The hedge cuts the tail: the static in-sample hedge's ES is below the unhedged S's.
  std::vector<double> unhedged(d.s.begin() + 60, d.s.end());
  CHECK(r.strategies[1].overall.expected_shortfall <
        hm::expected_shortfall(unhedged, hm::downside_options{0.97}));
}

TEST_CASE("walk_forward: hedged variance by the moment kernel, exact; a bad level names the function") {
  // At ordinary scale and where squares underflow or overflow, the hedged variance is describe()'s
  // (bit for bit: the same moment kernel) and the exact rational variance of the stored P&L, rounded.
  const pair_data d = market(200, 5);
  for (const double scale : {1.0, 1e-300, 1e250}) {
    INFO("scale " << scale);
    std::vector<double> s(d.s.size()), f(d.f.size());
    for (std::size_t t = 0; t < s.size(); ++t) s[t] = d.s[t] * scale, f[t] = d.f[t] * scale;
    hm::walk_forward_options options;
    options.window = 20;
    options.user.push_back({"offset", std::vector<double>(s.size(), 0.5)});
    const auto r = hm::walk_forward(s, f, options);
    for (const hm::strategy_result& st : r.strategies) {
      INFO(st.name);
      const ex::summary exact = ex::describe(st.pnl.data() + 20, s.size() - 20);
      hm_test::check_close("hedged variance", st.overall.hedged_variance, ex::maybe(*exact.variance), 1e-13);
      CHECK(st.overall.hedged_variance ==
            hm::variance(std::vector<double>(st.pnl.begin() + 20, st.pnl.end())));
    }
  }
  const std::vector<double> s{1, 2, 3, 4, 5}, f{1, 3, 2, 5, 4};
  hm::walk_forward_options options;
  options.window = 2;
  options.level = 1.0;
  CHECK_THROWS_WITH_AS(static_cast<void>(hm::walk_forward(s, f, options)),
                       "hedgemetrics::walk_forward: level must be in (0, 1), but it is 1",
                       std::invalid_argument);
  options.level = 0.9;
  auto r = hm::walk_forward(s, f, options);
  r.level = 0;
  CHECK_THROWS_WITH_AS(static_cast<void>(hm::walk_forward_metrics(r, r.strategies[0], 0, 5)),
                       "hedgemetrics::walk_forward_metrics: level must be in (0, 1), but it is 0",
                       std::invalid_argument);
}

TEST_CASE("strategy_metrics: the deprecated semivariance_reduction is the downside variance below zero") {
  const pair_data d = market(300, 8);
  hm::walk_forward_options options;
  options.window = 30;
  const auto r = hm::walk_forward(d.s, d.f, options);
  const auto part = hm::walk_forward_metrics(r, r.strategies[2], 50, 200);
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
  CHECK(r.strategies[2].overall.semivariance_reduction ==
        r.strategies[2].overall.downside_variance_below_zero_reduction);
  CHECK(part.semivariance_reduction == part.downside_variance_below_zero_reduction);
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic pop
#endif
  CHECK(std::isfinite(part.downside_variance_below_zero_reduction));
  // D over the range by the lower partial moment of downside.hpp (target 0, order 2: Σ min(x, 0)²/N).
  const std::vector<double> p(r.strategies[2].pnl.begin() + 50, r.strategies[2].pnl.begin() + 200);
  const std::vector<double> u(d.s.begin() + 50, d.s.begin() + 200);
  hm_test::check_close_value("downside variance reduction", part.downside_variance_below_zero_reduction,
                             1 - hm::lower_partial_moment(p, 2, hm::downside_options{}) /
                                     hm::lower_partial_moment(u, 2, hm::downside_options{}),
                             1e-13);
}
