// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/delta_hedge.hpp>: delta_hedge, simulate_delta_hedge, simulate_price_paths,
// leland_volatility. Independent answers: Hull's Tables 19.2 and 19.3 row by row and his Table 19.4;
// QuantLib's DiscreteHedging figures and Derman & Kamal's formula; the exact expectation of the hedging
// error under the risk-neutral drift, V(σ_hedge) − V(σ_realised); the attribution identity against the
// hedging cost; the vectorised simulation against delta_hedge on the same paths; every bad input.
#include <hedgemetrics/delta_hedge.hpp>

#include <doctest/doctest.h>

#include <Eigen/Core>

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "support/check.hpp"

namespace hm = hedgemetrics;
using hm::option_type;

namespace {

/// A row of Hull's Tables 19.2 and 19.3: stock price, delta (3 decimals) and cumulative cost including
/// interest ($000), as printed.
struct hull_row {
  double price, delta, cumulative_cost;
};

// Hull, Options, Futures and Other Derivatives, Table 19.2: the option closes in the money; cost of hedging
// $263,300.
const std::vector<hull_row> hull_table_19_2 = {
    {49.00, 0.522, 2557.8}, {48.12, 0.458, 2252.3}, {47.37, 0.400, 1979.8}, {50.25, 0.596, 2966.6},
    {51.75, 0.693, 3471.5}, {53.12, 0.774, 3905.1}, {53.00, 0.771, 3893.0}, {51.87, 0.706, 3559.5},
    {51.38, 0.674, 3398.5}, {53.00, 0.787, 4000.7}, {49.88, 0.550, 2822.3}, {48.50, 0.413, 2160.6},
    {49.88, 0.542, 2806.2}, {50.37, 0.591, 3055.7}, {52.13, 0.768, 3981.3}, {51.88, 0.759, 3938.4},
    {52.87, 0.865, 4502.6}, {54.87, 0.978, 5126.9}, {54.62, 0.990, 5197.3}, {55.87, 1.000, 5258.2},
    {57.25, 1.000, 5263.3}};

// Table 19.3: the option closes out of the money; cost of hedging $256,600.
const std::vector<hull_row> hull_table_19_3 = {
    {49.00, 0.522, 2557.8}, {49.75, 0.568, 2789.2}, {52.00, 0.705, 3504.3}, {50.00, 0.579, 2877.7},
    {48.38, 0.459, 2299.9}, {48.25, 0.443, 2224.9}, {48.75, 0.475, 2383.0}, {49.63, 0.540, 2707.9},
    {48.25, 0.420, 2131.5}, {48.25, 0.410, 2085.4}, {51.12, 0.658, 3355.2}, {51.50, 0.692, 3533.5},
    {49.88, 0.542, 2788.7}, {49.88, 0.538, 2771.4}, {48.75, 0.400, 2101.4}, {47.50, 0.236, 1324.4},
    {48.00, 0.261, 1445.7}, {46.25, 0.062, 526.7},  {48.13, 0.183, 1109.6}, {46.63, 0.007, 290.0},
    {48.12, 0.000, 256.6}};

/// Hull's position: 100,000 calls written, S0 49, K 50, r 5%, σ 20%, 20 weeks, hedged weekly.
hm::delta_hedge_options hull_options() {
  hm::delta_hedge_options o;
  o.type = option_type::call;
  o.strike = 50.0;
  o.expiry = 20.0 / 52.0;
  o.rate = 0.05;
  o.volatility = 0.20;
  o.quantity = 100000.0;
  return o;
}

std::vector<double> weeks(std::size_t n) {
  std::vector<double> t(n);
  for (std::size_t i = 0; i < n; ++i) t[i] = static_cast<double>(i) / 52.0;
  return t;
}

void check_hull_table(const std::vector<hull_row>& table, double hull_cost, const std::string& name) {
  std::vector<double> prices;
  for (const auto& row : table) prices.push_back(row.price);
  const auto times = weeks(prices.size());
  const auto o = hull_options();
  const auto h = hm::delta_hedge(prices, times, o);
  REQUIRE(h.delta.size() == table.size());
  double worst = 0;
  for (std::size_t i = 0; i < table.size(); ++i) {
    CHECK_MESSAGE(std::fabs(h.delta[i] - table[i].delta) <= 0.0005 + 1e-12,
                  name << " week " << i << ": delta " << h.delta[i] << ", Hull " << table[i].delta);
    CHECK_MESSAGE(h.shares_held[i] == doctest::Approx(o.quantity * h.delta[i]).epsilon(1e-15),
                  name << " week " << i);
    // Hull rounds each delta to 3 decimals (lots of 100 shares), so his position differs from the exact one
    // by up to 50 shares, $2,500 at $50, in the cumulative cost of each row. Taking each side's own position
    // at the row's price out (K_i − h_i·S_i, what the cost of hedging is made of), the cumulative costs
    // agree to $500; where Hull's delta is exact (1.000, 0.000: the last rows) the raw costs agree too.
    const double ours = h.cumulative_cost[i] - h.shares_held[i] * table[i].price;
    const double hull = 1000.0 * table[i].cumulative_cost - o.quantity * table[i].delta * table[i].price;
    const double gap = std::fabs(ours - hull);
    worst = std::fmax(worst, gap);
    CHECK_MESSAGE(gap <= 500.0, name << " week " << i << ": cumulative cost " << h.cumulative_cost[i]
                                     << ", Hull " << 1000.0 * table[i].cumulative_cost << " (gap $" << gap
                                     << ")");
  }
  CHECK(std::fabs(h.cumulative_cost.back() - 1000.0 * table.back().cumulative_cost) <= 500.0);
  MESSAGE(name << ": largest gap to Hull's cumulative cost $" << worst << "; cost of hedging $"
               << h.hedging_cost << " (Hull $" << hull_cost << ")");
  CHECK(std::fabs(h.hedging_cost - hull_cost) <= 500.0);
  CHECK(h.option_price == doctest::Approx(240053).epsilon(1e-5));  // Hull: "about $240,000"
  // The attribution: the steps' P&L sums to the hedging error, which the hedging cost gives another way.
  const double error = h.option_price * std::exp(o.rate * times.back()) - h.hedging_cost;
  CHECK(h.hedging_error == doctest::Approx(error).epsilon(1e-14));
  CHECK(h.total.pnl == doctest::Approx(error).epsilon(1e-10));
  const auto& a = h.total;
  CHECK(a.delta + a.gamma + a.theta + a.financing + a.costs + a.unexplained ==
        doctest::Approx(a.pnl).epsilon(1e-12));
  CHECK(a.delta == doctest::Approx(0.0));  // rebalanced every week to the model delta
  CHECK(a.costs == 0.0);
}

}  // namespace

TEST_CASE("delta_hedge: Hull's Table 19.2 (in the money) row by row, cost of hedging $263,300") {
  check_hull_table(hull_table_19_2, 263300.0, "Table 19.2");
}

TEST_CASE("delta_hedge: Hull's Table 19.3 (out of the money) row by row, cost of hedging $256,600") {
  check_hull_table(hull_table_19_3, 256600.0, "Table 19.3");
}

TEST_CASE_TEMPLATE("delta_hedge: every accepted series type gives the figures of the same values as doubles",
                   T, float, double, long double, int) {
  // Hull's prices (in cents for int), converted to T; the reference is delta_hedge on those values as double.
  const double scale = std::is_same_v<T, int> ? 100.0 : 1.0;
  auto o = hull_options();
  o.strike *= scale;
  std::vector<T> prices;
  for (const auto& row : hull_table_19_2) prices.push_back(static_cast<T>(std::round(row.price * scale)));
  if constexpr (!std::is_same_v<T, int>) {
    for (std::size_t i = 0; i < prices.size(); ++i) prices[i] = static_cast<T>(hull_table_19_2[i].price);
  }
  std::vector<double> as_double(prices.begin(), prices.end());
  const auto times = weeks(prices.size());
  const auto reference = hm::delta_hedge(as_double, times, o);
  const auto h = hm::delta_hedge(prices, times, o);
  CHECK(h.cumulative_cost == reference.cumulative_cost);
  CHECK(h.hedging_cost == reference.hedging_cost);
  const hm::series_view<T> view(prices.data(), prices.size());
  CHECK(hm::delta_hedge(view, times, o).hedging_cost == reference.hedging_cost);
  const Eigen::Matrix<double, Eigen::Dynamic, 1> eigen =
      Eigen::Map<const Eigen::VectorXd>(as_double.data(), static_cast<Eigen::Index>(as_double.size()));
  CHECK(hm::delta_hedge(eigen, times, o).hedging_cost == reference.hedging_cost);
}

TEST_CASE("delta_hedge: the attribution explains the P&L; the unexplained part is third order") {
  // Per step the remainder is O(Δt^{3/2}) and the gamma term O(Δt), so over a fixed horizon their ratio
  // falls like √Δt: four times as many steps halve it. Paths from the simulator (tested below), the last
  // step (no Taylor expansion at the expiry) left out.
  auto o = hull_options();
  auto ratio = [&](std::size_t steps, double cost) {
    hm::hedging_simulation sim;
    sim.paths = 20;
    sim.rebalances = steps;
    sim.seed = 7;
    const auto paths = hm::simulate_price_paths(49.0, o, sim);
    std::vector<double> times(steps + 1);
    for (std::size_t i = 0; i <= steps; ++i)
      times[i] = o.expiry * static_cast<double>(i) / static_cast<double>(steps);
    times.back() = o.expiry;
    double gamma_size = 0, unexplained = 0;
    auto options = o;
    options.cost = cost;
    for (const auto& path : paths) {
      const auto h = hm::delta_hedge(path, times, options);
      for (std::size_t i = 1; i + 1 < h.attribution.size(); ++i) {
        gamma_size += std::fabs(h.attribution[i].gamma);
        unexplained += std::fabs(h.attribution[i].unexplained);
      }
      double fees = 0;
      for (std::size_t i = 0; i < path.size(); ++i) fees += cost * std::fabs(h.shares_traded[i]) * path[i];
      CHECK(-h.total.costs == doctest::Approx(fees).epsilon(1e-12));
      const double error = h.option_price * std::exp(o.rate * times.back()) - h.hedging_cost;
      CHECK(h.total.pnl == doctest::Approx(error).epsilon(1e-9));
      const auto& a = h.total;
      CHECK(a.delta + a.gamma + a.theta + a.financing + a.costs + a.unexplained ==
            doctest::Approx(a.pnl).epsilon(1e-9));
    }
    return unexplained / gamma_size;
  };
  const double coarse = ratio(100, 0.001), fine = ratio(400, 0.0);
  MESSAGE("sum |unexplained| / sum |gamma P&L|: " << coarse << " with 100 steps, " << fine << " with 400");
  CHECK(coarse < 0.15);
  CHECK(fine / coarse > 0.35);
  CHECK(fine / coarse < 0.65);
}

TEST_CASE(
    "delta_hedge: a put's hedge is the call's less a forward (parity of hedging costs); a bought option "
    "flips every sign") {
  // With q = 0 the put's delta is the call's − 1, so its hedge is the call's short `quantity` shares held
  // from t0, financed at r: hedging_cost(put) − hedging_cost(call) = quantity·(K − S0 e^{r(t_n − t0)}).
  for (const auto* table : {&hull_table_19_2, &hull_table_19_3}) {
    std::vector<double> prices;
    for (const auto& row : *table) prices.push_back(row.price);
    const auto times = weeks(prices.size());
    auto o = hull_options();
    const auto call = hm::delta_hedge(prices, times, o);
    o.type = option_type::put;
    const auto put = hm::delta_hedge(prices, times, o);
    const double expected = o.quantity * (o.strike - prices.front() * std::exp(o.rate * times.back()));
    CHECK(put.hedging_cost - call.hedging_cost == doctest::Approx(expected).epsilon(1e-12));
    for (std::size_t i = 0; i < prices.size(); ++i) {
      CHECK(std::fabs(put.shares_held[i] - (call.shares_held[i] - o.quantity)) <= 1e-15 * 4 * o.quantity);
    }
    o.type = option_type::call;
    o.quantity = -o.quantity;
    const auto bought = hm::delta_hedge(prices, times, o);
    CHECK(bought.hedging_error == doctest::Approx(-call.hedging_error).epsilon(1e-12));
    CHECK(bought.total.gamma == doctest::Approx(-call.total.gamma).epsilon(1e-12));
    CHECK(bought.shares_held.front() == doctest::Approx(-call.shares_held.front()).epsilon(1e-15));
  }
}

TEST_CASE("delta_hedge: rebalancing every k steps and inside a delta band") {
  std::vector<double> prices;
  for (const auto& row : hull_table_19_2) prices.push_back(row.price);
  const auto times = weeks(prices.size());
  auto o = hull_options();
  o.rebalance_every = 4;
  const auto every4 = hm::delta_hedge(prices, times, o);
  for (std::size_t i = 1; i + 1 < prices.size(); ++i) {
    CHECK_MESSAGE((every4.shares_traded[i] != 0.0) == (i % 4 == 0), "week " << i);
  }
  CHECK(every4.shares_traded.back() != 0.0);  // closed out to the expiry delta
  CHECK(every4.shares_held.back() == o.quantity);
  // The gap to the model delta is what the delta term measures now.
  double gap_pnl = 0;
  for (std::size_t i = 1; i < prices.size(); ++i) {
    gap_pnl += (every4.shares_held[i - 1] - o.quantity * every4.delta[i - 1]) * (prices[i] - prices[i - 1]);
  }
  CHECK(every4.total.delta == doctest::Approx(gap_pnl).epsilon(1e-12));

  o.rebalance_every = 1;
  o.band = 0.05;
  for (const auto target : {hm::band_target::delta, hm::band_target::edge}) {
    o.target = target;
    const auto banded = hm::delta_hedge(prices, times, o);
    std::size_t trades = 0;
    for (std::size_t i = 1; i + 1 < prices.size(); ++i) {
      const double before = banded.shares_held[i - 1] / o.quantity;
      const double after = banded.shares_held[i] / o.quantity;
      if (std::fabs(before - banded.delta[i]) <= 0.05) {
        CHECK(banded.shares_traded[i] == 0.0);
      } else {
        ++trades;
        CHECK(after == doctest::Approx(target == hm::band_target::delta
                                           ? banded.delta[i]
                                           : banded.delta[i] + (before > banded.delta[i] ? 0.05 : -0.05)));
      }
      CHECK(std::fabs(after - banded.delta[i]) <= 0.05 + 1e-12);
    }
    CHECK(banded.trades == trades + 2);  // plus the first trade and the close-out
    CHECK(trades < 19);
  }
}

TEST_CASE(
    "simulate_delta_hedge: every path's P&L equals delta_hedge's on the same path; threads give the same "
    "bits") {
  auto o = hull_options();
  o.quantity = 1.0;
  o.cost = 0.002;
  o.band = 0.02;
  o.dividend_yield = 0.01;
  hm::hedging_simulation sim;
  sim.paths = 300;  // more than one block of 256
  sim.rebalances = 20;
  sim.drift = 0.13;
  sim.seed = 2024;
  const auto dist = hm::simulate_delta_hedge(49.0, o, sim);
  const auto paths = hm::simulate_price_paths(49.0, o, sim);
  REQUIRE(paths.size() == sim.paths);
  const auto times = weeks(21);
  for (std::size_t p = 0; p < paths.size(); ++p) {
    REQUIRE(paths[p].size() == 21);
    CHECK(paths[p].front() == 49.0);
    auto t = times;
    t.back() = o.expiry;
    const auto h = hm::delta_hedge(paths[p], t, o);
    const double pv = h.hedging_error * std::exp(-o.rate * o.expiry);
    CHECK_MESSAGE(std::fabs(dist.pnl[p] - pv) <= 1e-12 * 49.0,
                  "path " << p << ": simulated " << dist.pnl[p] << ", delta_hedge " << pv);
  }
  sim.threads = 3;
  const auto threaded = hm::simulate_delta_hedge(49.0, o, sim);
  CHECK(threaded.pnl == dist.pnl);
  CHECK(threaded.standard_deviation == dist.standard_deviation);
  // More blocks than threads (6 blocks of 256 on 1, 2, 3 and 4 threads, the last block partial): every
  // figure, not only the paths, is the same bits.
  sim.paths = 1300;
  sim.threads = 1;
  const auto one = hm::simulate_delta_hedge(49.0, o, sim);
  for (const unsigned threads : {2u, 3u, 4u}) {
    sim.threads = threads;
    const auto many = hm::simulate_delta_hedge(49.0, o, sim);
    CHECK_MESSAGE(many.pnl == one.pnl, threads << " threads");
    CHECK(many.mean == one.mean);
    CHECK(many.standard_deviation == one.standard_deviation);
    CHECK(many.skewness == one.skewness);
    CHECK(many.kurtosis == one.kurtosis);
    CHECK(many.quantile_01 == one.quantile_01);
    CHECK(many.expected_shortfall_99 == one.expected_shortfall_99);
    CHECK(many.mean_transaction_cost == one.mean_transaction_cost);
    CHECK(many.mean_trades == one.mean_trades);
    CHECK(hm::simulate_price_paths(49.0, o, sim) == hm::simulate_price_paths(49.0, o, [&] {
            auto single = sim;
            single.threads = 1;
            return single;
          }()));
  }
}

TEST_CASE("simulation kernels: the table of Phi within 2e-15 of erfc, exp_kernel within 2 ulps of std::exp") {
  const auto& cdf = hm::detail::normal_cdf_table::instance();
  double worst = 0;
  for (int i = -1000000; i <= 1000000; i += 7) {
    const double x = i * 1.1e-5;  // [−11, 11]
    worst = std::fmax(worst, std::fabs(cdf(x) - hm::detail::normal_cdf(x)));
  }
  MESSAGE("Phi table: largest absolute error " << worst);
  CHECK(worst <= 2e-15);
  double worst_exp = 0;
  for (int i = -200000; i <= 200000; i += 3) {
    const double x = i * 1.3e-4;  // [−26, 26]: log prices
    const double exact = std::exp(x);
    worst_exp = std::fmax(worst_exp, std::fabs(hm::detail::exp_kernel(x) - exact) / exact);
  }
  MESSAGE("exp_kernel: largest relative error " << worst_exp);
  CHECK(worst_exp <= 2 * std::numeric_limits<double>::epsilon());
}

TEST_CASE(
    "simulate_delta_hedge: mean error V(sigma_hedge) - V(sigma_realised) under the risk-neutral drift") {
  // With μ = r the hedge's discounted gains are a martingale, so E[pnl] = q(V(σ_h) − V(σ_r)) exactly, for
  // any rebalancing: the mean must be within 4 standard errors.
  auto o = hull_options();
  o.quantity = 1.0;
  hm::hedging_simulation sim;
  sim.paths = 4000;
  sim.rebalances = 20;
  for (const double realised : {0.2, 0.3, 0.12}) {
    sim.realised_volatility = realised;
    const auto d = hm::simulate_delta_hedge(49.0, o, sim);
    const double expected =
        d.option_price - hm::black_scholes(option_type::call, 49.0, 50.0, o.expiry, o.rate, realised).price;
    const double se = d.standard_deviation / std::sqrt(4000.0);
    CHECK_MESSAGE(std::fabs(d.mean - expected) <= 4 * se, "realised " << realised << ": mean " << d.mean
                                                                      << ", expected " << expected << ", se "
                                                                      << se);
  }
}

TEST_CASE(
    "simulate_delta_hedge: Hull's Table 19.4 (sd of the hedging cost / option price), 5/2/1 weeks within "
    "0.02") {
  // Hull's setup: S0 49, K 50, r 5%, sigma 20%, mu 13%, 20 weeks; rebalancing every 5, 4, 2 and 1 weeks (at
  // weeks 0, 5, 10, 15; 0, 4, 8, 12, 16; ...; closed out at week 20); performance = sd of the cost of writing
  // and hedging the option / its Black-Scholes price. Hull prints 0.42, 0.34, 0.26, 0.19.
  //
  // The 4-week row, investigated (issue 12 review): this setup gives 0.374 (4e5 paths, seeds 42 and 7) with
  // the cost discounted to t = 0 as here, 0.382 with it left in week-20 money (a factor e^{rT} = 1.019: an
  // independent numpy simulation of the undiscounted cost, 2e5 paths, gave 0.424, 0.382, 0.274, 0.195). Hull's
  // three other rows scale as 1/sqrt(N) and all point to 0.37-0.38 for N = 5 (0.42·sqrt(4/5) = 0.376,
  // 0.26·sqrt(10/5) = 0.368, 0.19·sqrt(20/5) = 0.380), as does Derman-Kamal. Estimated from 1,000 paths
  // (the size of a textbook simulation), the figure has a sampling sd of 0.0105, so 0.34 lies 3.2 sd below
  // 0.374: 1 of 400 independent 1,000-path estimates came out at or below 0.345. Discounting or not moves the
  // figure by 2%, not 10%, and closing out at expiry cannot matter (the close-out trade is at S_T, which the
  // cost then takes back out); we conclude Hull's 4-week entry is a sampling accident or a misprint, not a
  // different experiment, and do not tune anything to reach it. That row is therefore held
  // to Hull's own 1/sqrt(N) scaling of his 5-week figure within 0.02, and to his printed 0.34 only within
  // 0.045 (4 sampling sd of a 1,000-path estimate); the other rows to the printed figures within 0.02.
  auto o = hull_options();
  o.quantity = 1.0;
  hm::hedging_simulation sim;
  sim.paths = 20000;  // sampling sd of each ratio about 0.002
  sim.drift = 0.13;
  struct row {
    std::size_t steps;
    double hull, tolerance;
  };
  double five_week = 0;
  for (const row& r : {row{4, 0.42, 0.02}, row{5, 0.34, 0.045}, row{10, 0.26, 0.02}, row{20, 0.19, 0.02}}) {
    sim.rebalances = r.steps;
    const auto d = hm::simulate_delta_hedge(49.0, o, sim);
    const double measure = d.standard_deviation / d.option_price;
    MESSAGE("Table 19.4, every " << 20 / r.steps << " weeks: " << measure << " (Hull " << r.hull << ")");
    CHECK_MESSAGE(std::fabs(measure - r.hull) <= r.tolerance, "every " << 20 / r.steps << " weeks: computed "
                                                                       << measure << ", Hull " << r.hull
                                                                       << ", allowed ±" << r.tolerance);
    if (r.steps == 4) five_week = measure;
    if (r.steps == 5) {
      const double scaled = 0.42 * std::sqrt(4.0 / 5.0);
      CHECK_MESSAGE(
          std::fabs(measure - scaled) <= 0.02,
          "every 4 weeks: computed " << measure << ", Hull's 5-week 0.42 scaled by sqrt(4/5): " << scaled);
      // And the simulation's own ratio follows the 1/sqrt(N) law to 2%.
      CHECK(measure / five_week == doctest::Approx(std::sqrt(4.0 / 5.0)).epsilon(0.02));
    }
  }
}

TEST_CASE("simulate_delta_hedge: QuantLib's DiscreteHedging figures and Derman-Kamal") {
  // S = K = 100, T = 1/12, σ 20%, r 5%: QuantLib prints option value 2.51207, sd 0.43 (21 hedges) and 0.22
  // (84 hedges), Derman–Kamal 0.44 and 0.22.
  hm::delta_hedge_options o;
  o.strike = 100.0;
  o.expiry = 1.0 / 12.0;
  o.rate = 0.05;
  o.volatility = 0.2;
  hm::hedging_simulation sim;
  sim.paths = 20000;
  for (const auto& [steps, sd, dk] :
       {std::tuple<std::size_t, double, double>{21, 0.43, 0.44}, {84, 0.22, 0.22}}) {
    sim.rebalances = steps;
    const auto d = hm::simulate_delta_hedge(100.0, o, sim);
    CHECK(d.option_price == doctest::Approx(2.51207).epsilon(1e-5));
    MESSAGE(steps << " hedges: mean " << d.mean << ", sd " << d.standard_deviation << ", Derman-Kamal "
                  << d.derman_kamal << ", skewness " << d.skewness << ", kurtosis " << d.kurtosis);
    CHECK(std::fabs(d.standard_deviation - sd) <= 0.01);
    CHECK(std::fabs(d.derman_kamal - dk) <= 0.005);
    CHECK(std::fabs(d.mean) <= 4 * d.standard_deviation / std::sqrt(20000.0));
    // Quantiles in order, ES beyond the 5% quantile.
    CHECK(d.quantile_01 <= d.quantile_05);
    CHECK(d.quantile_05 <= d.quantile_50);
    CHECK(d.quantile_50 <= d.quantile_95);
    CHECK(d.quantile_95 <= d.quantile_99);
    CHECK(d.expected_shortfall_95 >= -d.quantile_05);
    CHECK(d.expected_shortfall_99 >= d.expected_shortfall_95);
  }
}

TEST_CASE("leland_volatility: the round-trip convention, and a zero mean error with costs") {
  // σ_L² = σ²(1 + √(2/π)·k/(σ√Δt)), k = 2·cost: σ 20%, cost 0.5%, weekly: Le = √(2/π)·0.01/(0.2·√(1/52)).
  const double le = std::sqrt(2.0 / 3.14159265358979323846) * 0.01 / (0.2 * std::sqrt(1.0 / 52.0));
  CHECK(hm::leland_volatility(0.2, 0.005, 1.0 / 52.0) ==
        doctest::Approx(0.2 * std::sqrt(1 + le)).epsilon(1e-15));
  CHECK(hm::leland_volatility(0.2, 0.0, 1.0 / 52.0) == 0.2);
  // A written call priced and hedged at σ_L, paths at σ: the costs are paid for (mean P&L ≈ 0), and at σ
  // they are a loss.
  auto o = hull_options();
  o.quantity = 1.0;
  o.cost = 0.005;
  hm::hedging_simulation sim;
  sim.paths = 4000;
  sim.rebalances = 20;
  sim.realised_volatility = 0.2;
  const auto plain = hm::simulate_delta_hedge(49.0, o, sim);
  o.volatility = hm::leland_volatility(0.2, o.cost, o.expiry / 20.0);
  const auto leland = hm::simulate_delta_hedge(49.0, o, sim);
  const double se = leland.standard_deviation / std::sqrt(4000.0);
  MESSAGE("cost 0.5%: mean P&L " << plain.mean << " at sigma, " << leland.mean << " at Leland's "
                                 << o.volatility << " (costs " << leland.mean_transaction_cost << ")");
  CHECK(plain.mean < -10 * plain.standard_deviation / std::sqrt(4000.0));
  // Leland pays for the rebalancing trades, not for buying the first hedge: that cost remains.
  const double first_trade =
      o.cost * 49.0 * hm::black_scholes(option_type::call, 49, 50, o.expiry, o.rate, o.volatility).delta;
  CHECK(std::fabs(leland.mean + first_trade) <= 0.05 * leland.mean_transaction_cost + 4 * se);
}

TEST_CASE("simulate_price_paths: the drift (with the jump compensator) gives E[S_T] = S0 e^{mu T}") {
  auto o = hull_options();
  hm::hedging_simulation sim;
  sim.paths = 20000;
  sim.rebalances = 4;
  sim.drift = 0.13;
  for (const double intensity : {0.0, 3.0}) {
    sim.jump_intensity = intensity;
    sim.jump_mean = -0.05;
    sim.jump_volatility = 0.1;
    const auto paths = hm::simulate_price_paths(49.0, o, sim);
    double sum = 0, sum2 = 0;
    for (const auto& p : paths) {
      sum += p.back();
      sum2 += p.back() * p.back();
    }
    const double mean = sum / 20000.0, sd = std::sqrt(sum2 / 20000.0 - mean * mean);
    CHECK_MESSAGE(std::fabs(mean - 49.0 * std::exp(0.13 * o.expiry)) <= 4 * sd / std::sqrt(20000.0),
                  "jumps " << intensity << ": mean " << mean);
    if (intensity > 0) {
      const auto d = hm::simulate_delta_hedge(49.0, o, sim);
      CHECK(d.kurtosis > 1.0);  // jumps fatten the tails of the hedging error
    }
  }
}

TEST_CASE("delta_hedge across the double range: Hull's hedge at prices scaled by 2^a") {
  // Every money figure is homogeneous of degree one in the prices and the strike, the deltas and shares of
  // degree zero, and scaling by a power of two is exact. Before the hedge scaled its prices, S² overflowed
  // near 1e±160 (an infinite theta and unexplained part at 2^600, a wrong one at 2^-600), the money figures
  // of 100,000 options at 1e304 gave NaN rather than ±inf, and spots near 1e-310 NaN attributions.
  std::vector<double> prices;
  for (const auto& row : hull_table_19_2) prices.push_back(row.price);
  const auto times = weeks(prices.size());
  const auto o = hull_options();
  const auto plain = hm::delta_hedge(prices, times, o);
  const auto same = [](const char* what, double got, double plain_value, int a, double unit) {
    const double want = std::ldexp(plain_value, a);
    INFO(what << " at 2^" << a << ": " << got << " against " << want);
    if (std::isinf(want) || want == 0) {
      CHECK(got == want);
    } else if (std::fabs(want) < std::numeric_limits<double>::min()) {
      CHECK(std::fabs(got - want) <= 4 * std::numeric_limits<double>::denorm_min());
    } else {
      CHECK(std::fabs(got - want) <= 1e-13 * std::max(std::fabs(want), std::ldexp(unit, a)));
    }
  };
  for (const int a : {-1000, -600, -300, -70, 70, 300, 600, 1000, 1007}) {
    std::vector<double> scaled(prices.size());
    for (std::size_t i = 0; i < prices.size(); ++i) scaled[i] = std::ldexp(prices[i], a);
    auto oa = o;
    oa.strike = std::ldexp(o.strike, a);
    const auto h = hm::delta_hedge(scaled, times, oa);
    const double unit = plain.option_price;  // the scale of the money figures
    same("option_price", h.option_price, plain.option_price, a, unit);
    same("hedging_cost", h.hedging_cost, plain.hedging_cost, a, unit);
    same("hedging_error", h.hedging_error, plain.hedging_error, a, unit);
    same("pnl", h.total.pnl, plain.total.pnl, a, unit);
    same("delta P&L", h.total.delta, plain.total.delta, a, unit);
    same("gamma P&L", h.total.gamma, plain.total.gamma, a, unit);
    same("theta P&L", h.total.theta, plain.total.theta, a, unit);
    same("financing", h.total.financing, plain.total.financing, a, unit);
    same("unexplained", h.total.unexplained, plain.total.unexplained, a, unit);
    for (std::size_t i = 0; i < prices.size(); ++i) {
      CHECK(h.delta[i] == plain.delta[i]);
      CHECK(h.shares_held[i] == plain.shares_held[i]);
      same("cumulative cost", h.cumulative_cost[i], plain.cumulative_cost[i], a, unit);
      same("option value", h.option_value[i], plain.option_value[i], a, unit);
      same("step gamma P&L", h.attribution[i].gamma, plain.attribution[i].gamma, a, unit);
      same("step theta P&L", h.attribution[i].theta, plain.attribution[i].theta, a, unit);
    }
  }
  // At 2^1010 the 100,000 options' figures are beyond DBL_MAX: ±inf with the sign of the ordinary ones.
  std::vector<double> top(prices.size());
  for (std::size_t i = 0; i < prices.size(); ++i) top[i] = std::ldexp(prices[i], 1010);
  auto ot = o;
  ot.strike = std::ldexp(o.strike, 1010);
  const auto h = hm::delta_hedge(top, times, ot);
  CHECK(h.hedging_cost == std::copysign(std::numeric_limits<double>::infinity(), plain.hedging_cost));
  CHECK(h.total.pnl == std::copysign(std::numeric_limits<double>::infinity(), plain.total.pnl));
}

TEST_CASE("simulate_delta_hedge across the double range: spot, strike and quantity scaled by 2^a") {
  // The P&L is homogeneous of degree one in (spot, strike) and in the quantity. Before, the moments
  // summed fourth powers: at spots near 1e±100 the standard deviation was 0 and the skewness NaN.
  auto o = hull_options();
  o.quantity = 1.0;
  o.cost = 0.001;
  hm::hedging_simulation sim;
  sim.paths = 500;
  sim.rebalances = 20;
  sim.seed = 5;
  const auto plain = hm::simulate_delta_hedge(49.0, o, sim);
  for (const int a : {-1000, -400, -70, 70, 400, 1000}) {
    for (const bool prices : {true, false}) {
      INFO(std::string(prices ? "spot and strike" : "quantity") << " × 2^" << a);
      auto oa = o;
      (prices ? oa.strike : oa.quantity) = std::ldexp(prices ? o.strike : o.quantity, a);
      const auto r = hm::simulate_delta_hedge(prices ? std::ldexp(49.0, a) : 49.0, oa, sim);
      // Scaled prices are simulated at a spot of 49·2^-6 rather than 49: log S − log K then rounds
      // differently, so the figures agree to rounding rather than to the bit (the quantity scales exactly).
      const double tolerance = prices ? 1e-12 : 0.0;
      const auto close = [a, tolerance](double got, double want, int power = 1) {
        const double scaled = std::ldexp(want, power * a);
        return std::fabs(got - scaled) <= std::max(tolerance, 1e-15) * std::fabs(scaled);
      };
      CHECK(close(r.mean, plain.mean));
      CHECK(close(r.standard_deviation, plain.standard_deviation));
      CHECK(close(r.skewness, plain.skewness, 0));
      CHECK(close(r.kurtosis, plain.kurtosis, 0));
      CHECK(close(r.quantile_05, plain.quantile_05));
      CHECK(close(r.expected_shortfall_99, plain.expected_shortfall_99));
      CHECK(close(r.mean_transaction_cost, plain.mean_transaction_cost));
      CHECK(close(r.option_price, plain.option_price));
      CHECK(close(r.derman_kamal, plain.derman_kamal));
    }
  }
}

TEST_CASE("delta_hedge and simulate_delta_hedge: bad input names the argument and the index") {
  auto message_of = [](auto call) {
    try {
      call();
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  const auto o = hull_options();
  const std::vector<double> p = {49, 48, 50}, t = {0, 0.01, 0.02};
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(message_of([&] {
          (void)hm::delta_hedge(std::vector<double>{49, 48}, t, o);
        }) ==
        "hedgemetrics::delta_hedge: prices and times must have the same length, but prices has 2 values and "
        "times has 3");
  CHECK(message_of([&] {
          (void)hm::delta_hedge(std::vector<double>{49, nan, 50}, t, o);
        }) == "hedgemetrics::delta_hedge: prices[1] is nan (prices must be positive and finite)");
  CHECK(message_of([&] {
          (void)hm::delta_hedge(std::vector<double>{49, 48, -1}, t, o);
        }) == "hedgemetrics::delta_hedge: prices[2] is -1 (prices must be positive and finite)");
  CHECK(message_of([&] {
          (void)hm::delta_hedge(p, std::vector<double>{0, 0.02, 0.01}, o);
        }) ==
        "hedgemetrics::delta_hedge: times must be strictly increasing, but times[2] = 0.01 follows times[1] "
        "= 0.02");
  CHECK(message_of([&] {
          (void)hm::delta_hedge(p, std::vector<double>{0.5, 0.6, 0.7}, o);
        }) == "hedgemetrics::delta_hedge: options.expiry = 0.384615384615385 is not after times[0] = 0.5");
  CHECK(message_of([&] {
          (void)hm::delta_hedge(p, std::vector<double>{0, 0.2, 0.7}, o);
        }) == "hedgemetrics::delta_hedge: times[2] = 0.7 is after options.expiry = 0.384615384615385");
  CHECK(message_of([&] { (void)hm::delta_hedge(std::vector<double>{}, std::vector<double>{}, o); }) ==
        "hedgemetrics::delta_hedge: prices and times are empty");
  auto bad = o;
  bad.volatility = 0.0;
  CHECK(message_of([&] { (void)hm::delta_hedge(p, t, bad); }) ==
        "hedgemetrics::delta_hedge: options.volatility must be positive and finite, but it is 0");
  bad = o;
  bad.strike = -50;
  CHECK(message_of([&] { (void)hm::delta_hedge(p, t, bad); }) ==
        "hedgemetrics::delta_hedge: options.strike must be positive and finite, but it is -50");
  bad = o;
  bad.cost = 1.5;
  CHECK(message_of([&] { (void)hm::delta_hedge(p, t, bad); }) ==
        "hedgemetrics::delta_hedge: options.cost must be in [0, 1), but it is 1.5");
  bad = o;
  bad.quantity = 0.0;
  CHECK(message_of([&] { (void)hm::delta_hedge(p, t, bad); }) ==
        "hedgemetrics::delta_hedge: options.quantity must be finite and not 0, but it is 0");
  bad = o;
  bad.rebalance_every = 0;
  CHECK(message_of([&] { (void)hm::delta_hedge(p, t, bad); }) ==
        "hedgemetrics::delta_hedge: options.rebalance_every must be at least 1");
  // Zero and infinite prices, a NaN or repeated time, a NaN expiry or quantity, a negative band.
  CHECK(message_of([&] {
          (void)hm::delta_hedge(std::vector<double>{0, 48, 50}, t, o);
        }) == "hedgemetrics::delta_hedge: prices[0] is 0 (prices must be positive and finite)");
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(message_of([&] {
          (void)hm::delta_hedge(std::vector<double>{49, inf, 50}, t, o);
        }) == "hedgemetrics::delta_hedge: prices[1] is inf (prices must be positive and finite)");
  CHECK(message_of([&] {
          (void)hm::delta_hedge(p, std::vector<double>{0, nan, 0.02}, o);
        }) == "hedgemetrics::delta_hedge: times[1] is nan");
  CHECK(message_of([&] {
          (void)hm::delta_hedge(p, std::vector<double>{0, 0.01, 0.01}, o);
        }) ==
        "hedgemetrics::delta_hedge: times must be strictly increasing, but times[2] = 0.01 follows times[1] "
        "= 0.01");
  CHECK(message_of([&] {
          (void)hm::delta_hedge(p, std::vector<double>{0.384615384615385, 0.39, 0.4}, o);
        }) ==
        "hedgemetrics::delta_hedge: options.expiry = 0.384615384615385 is not after times[0] = "
        "0.384615384615385");
  bad = o;
  bad.expiry = nan;
  CHECK(message_of([&] { (void)hm::delta_hedge(p, t, bad); }) ==
        "hedgemetrics::delta_hedge: options.expiry must be finite, but it is nan");
  bad = o;
  bad.quantity = nan;
  CHECK(message_of([&] { (void)hm::delta_hedge(p, t, bad); }) ==
        "hedgemetrics::delta_hedge: options.quantity must be finite and not 0, but it is nan");
  bad = o;
  bad.band = -0.05;
  CHECK(message_of([&] { (void)hm::delta_hedge(p, t, bad); }) ==
        "hedgemetrics::delta_hedge: options.band must be non-negative and finite, but it is -0.05");
  // Prices throw std::domain_error (the data), options and times std::invalid_argument (the call).
  CHECK_THROWS_AS((void)hm::delta_hedge(std::vector<double>{49, nan, 50}, t, o), std::domain_error);
  CHECK_THROWS_AS((void)hm::delta_hedge(p, std::vector<double>{0, 0.02, 0.01}, o), std::invalid_argument);

  hm::hedging_simulation sim;
  CHECK(message_of([&] { (void)hm::simulate_delta_hedge(-49.0, o, sim); }) ==
        "hedgemetrics::simulate_delta_hedge: spot must be positive and finite, but it is -49");
  CHECK(message_of([&] { (void)hm::simulate_delta_hedge(0.0, o, sim); }) ==
        "hedgemetrics::simulate_delta_hedge: spot must be positive and finite, but it is 0");
  sim.paths = 1;
  CHECK(message_of([&] { (void)hm::simulate_delta_hedge(49.0, o, sim); }) ==
        "hedgemetrics::simulate_delta_hedge: simulation.paths must be at least 2, but it is 1");
  sim = {};
  sim.realised_volatility = -0.1;
  CHECK(message_of([&] { (void)hm::simulate_delta_hedge(49.0, o, sim); }) ==
        "hedgemetrics::simulate_delta_hedge: simulation.realised_volatility must be positive and finite, but "
        "it is -0.1");
  sim = {};
  sim.rebalances = 0;
  CHECK(message_of([&] { (void)hm::simulate_delta_hedge(49.0, o, sim); }) ==
        "hedgemetrics::simulate_delta_hedge: simulation.rebalances must be at least 1");
  sim = {};
  sim.threads = 0;
  CHECK(message_of([&] { (void)hm::simulate_delta_hedge(49.0, o, sim); }) ==
        "hedgemetrics::simulate_delta_hedge: simulation.threads must be at least 1");
  sim = {};
  sim.jump_intensity = -1.0;
  CHECK(message_of([&] { (void)hm::simulate_price_paths(49.0, o, sim); }) ==
        "hedgemetrics::simulate_price_paths: simulation.jump_intensity must be non-negative and finite, but "
        "it is -1");
  sim = {};
  bad = o;
  bad.expiry = -0.1;
  CHECK(message_of([&] { (void)hm::simulate_delta_hedge(49.0, bad, sim); }) ==
        "hedgemetrics::simulate_delta_hedge: options.expiry (years from the start, t = 0) must be positive, "
        "but it "
        "is -0.1");
  CHECK(message_of([&] { (void)hm::leland_volatility(0.2, 1.0, 0.02); }) ==
        "hedgemetrics::leland_volatility: cost must be in [0, 1), but it is 1");
  CHECK(message_of([&] { (void)hm::leland_volatility(0.0, 0.01, 0.02); }) ==
        "hedgemetrics::leland_volatility: volatility must be positive and finite, but it is 0");
  CHECK(message_of([&] { (void)hm::leland_volatility(0.2, 0.01, 0.0); }) ==
        "hedgemetrics::leland_volatility: rebalance_interval must be positive and finite, but it is 0");
}
