// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/model_strategies.hpp>. Independent answers: each strategy's ratio recomputed
// directly from its model fitted on the data before the re-estimation (the forecast of dcc_hedge, the
// filtered ratio of kalman_hedge, error_correction_hedge's h); the no-look-ahead property checked by
// changing the future; walk_forward running them beside its built-in strategies.
#include <hedgemetrics/model_strategies.hpp>
#include <hedgemetrics/walk_forward.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

#include "support/check.hpp"

namespace hm = hedgemetrics;

namespace {

class gaussian {
 public:
  explicit gaussian(std::uint64_t seed) : rng_(seed) {}
  double operator()() {
    const double u1 = 1.0 - rng_.uniform(), u2 = rng_.uniform();
    return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  hm_test::random_source rng_;
};

/// Cointegrated levels (N + 1 values) and their changes (N values) with GARCH-like volatility clusters.
struct market {
  std::vector<double> spot, futures, ds, df;
};

market simulate(std::size_t n, std::uint64_t seed) {
  gaussian z(seed);
  market m;
  double f = 60, s = 61, vol = 1, e = 0;
  m.spot.push_back(s);
  m.futures.push_back(f);
  for (std::size_t t = 0; t < n; ++t) {
    vol = 0.05 + 0.1 * e * e + 0.85 * vol;
    e = std::sqrt(vol) * z();
    const double ds = 0.9 * e - 0.1 * (s - 1 - f) + 0.3 * std::sqrt(vol) * z();
    f += e;
    s += ds;
    m.spot.push_back(s);
    m.futures.push_back(f);
    m.ds.push_back(ds);
    m.df.push_back(e);
  }
  return m;
}

bool same(double a, double b, double tolerance) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::fabs(a - b) <= tolerance * std::fmax(1.0, std::fabs(b));
}

}  // namespace

TEST_CASE(
    "kalman_strategy with given variances, refitted every period, is the filtered ratio one period late") {
  const market m = simulate(600, 1);
  hm::kalman_options k;
  k.observation_variance = 0.1;
  k.ratio_variance = 1e-4;
  hm::model_strategy_options o;
  o.refit_every = 1;
  o.start = 50;
  const auto strategy = hm::kalman_strategy(m.ds, m.df, k, o);
  const auto full = hm::kalman_hedge(m.ds, m.df, k);
  CHECK(std::isnan(strategy.ratio[49]));
  for (std::size_t t = 50; t < m.ds.size(); ++t) CHECK(same(strategy.ratio[t], full.ratio[t - 1], 1e-14));
  // Refitted every 100 periods with the same given variances: the filter runs on between refits.
  o.refit_every = 100;
  const auto sparse = hm::kalman_strategy(m.ds, m.df, k, o);
  for (std::size_t t = 50; t < m.ds.size(); ++t) CHECK(same(sparse.ratio[t], full.ratio[t - 1], 1e-14));
}

TEST_CASE("kalman_strategy by maximum likelihood: the ratio at a refit is the filter fitted on the past") {
  const market m = simulate(800, 2);
  hm::model_strategy_options o;
  o.refit_every = 200;
  o.start = 300;
  o.window = 250;
  const auto strategy = hm::kalman_strategy(m.ds, m.df, {}, o);
  for (std::size_t tau : {300UL, 500UL, 700UL}) {
    const hm::series_view<double> s(m.ds.data() + tau - 250, 250), f(m.df.data() + tau - 250, 250);
    const auto fit = hm::kalman_hedge(s, f);
    REQUIRE(fit.converged);
    CHECK(same(strategy.ratio[tau], fit.ratio.back(), 1e-12));
  }
}

TEST_CASE("error_correction_strategy: h of the levels known at the refit, aligned with the changes") {
  const market m = simulate(700, 3);
  hm::model_strategy_options o;
  o.refit_every = 100;
  o.start = 200;
  const auto strategy = hm::error_correction_strategy(m.spot, m.futures, {}, o);
  REQUIRE(strategy.ratio.size() == m.ds.size());
  CHECK(std::isnan(strategy.ratio[199]));
  for (std::size_t tau : {200UL, 300UL, 600UL}) {
    const auto fit = hm::error_correction_hedge(hm::series_view<double>(m.spot.data(), tau + 1),
                                                hm::series_view<double>(m.futures.data(), tau + 1));
    for (std::size_t t = tau; t < tau + 100 && t < m.ds.size(); ++t) CHECK(strategy.ratio[t] == fit.ratio);
  }
}

TEST_CASE("conditional_correlation_strategy: at a refit the model's forecast ratio, then its filter") {
  const market m = simulate(1500, 4);
  hm::model_strategy_options o;
  o.refit_every = 500;
  o.start = 500;
  for (auto model : {hm::correlation_model::dynamic, hm::correlation_model::constant}) {
    const auto strategy = hm::conditional_correlation_strategy(m.ds, m.df, model, {}, o);
    for (std::size_t tau : {500UL, 1000UL}) {
      const hm::series_view<double> s(m.ds.data(), tau), f(m.df.data(), tau);
      const auto fit = hm::dcc_hedge(s, f, model);
      REQUIRE(fit.converged);
      CHECK(same(strategy.ratio[tau], fit.forecast_ratio, 1e-12));
      // The recursions run on with the same parameters: over the estimation sample they reproduce the
      // fit's own path, after it they give the strategy's ratios until the next refit.
      std::vector<double> path(tau + 501);
      hm::detail::conditional_ratio_path(fit, m.ds.data(), m.df.data(), tau + 500, path.data());
      for (std::size_t t = 0; t < tau; ++t) CHECK(same(path[t], fit.ratio[t], 1e-12));
      for (std::size_t t = tau; t < tau + 500; ++t) CHECK(same(strategy.ratio[t], path[t], 1e-12));
    }
  }
}

TEST_CASE("model strategies never look ahead: changing the future leaves every earlier ratio as it was") {
  const market m = simulate(900, 5);
  hm::model_strategy_options o;
  o.refit_every = 150;
  o.start = 300;
  market changed = m;
  const std::size_t cut = 620;
  for (std::size_t t = cut; t < changed.ds.size(); ++t) changed.ds[t] *= -3, changed.df[t] += 1;
  for (std::size_t t = cut + 1; t < changed.spot.size(); ++t) changed.spot[t] += 50;
  const auto check_prefix = [&](const hm::user_strategy& a, const hm::user_strategy& b) {
    for (std::size_t t = 0; t <= cut; ++t) CHECK(same(a.ratio[t], b.ratio[t], 0));
    bool differs = false;
    for (std::size_t t = cut + 1; t < a.ratio.size(); ++t) differs = differs || a.ratio[t] != b.ratio[t];
    CHECK(differs);  // the check could fail: the future does change later ratios
  };
  check_prefix(hm::kalman_strategy(m.ds, m.df, {}, o), hm::kalman_strategy(changed.ds, changed.df, {}, o));
  check_prefix(
      hm::conditional_correlation_strategy(m.ds, m.df, hm::correlation_model::dynamic, {}, o),
      hm::conditional_correlation_strategy(changed.ds, changed.df, hm::correlation_model::dynamic, {}, o));
  check_prefix(hm::error_correction_strategy(m.spot, m.futures, {}, o),
               hm::error_correction_strategy(changed.spot, changed.futures, {}, o));
}

TEST_CASE("walk_forward compares the model strategies with OLS, rolling and EWMA in one call") {
  const market m = simulate(1200, 6);
  hm::model_strategy_options o;
  o.start = 400;
  hm::walk_forward_options w;
  w.start = 400;
  w.cost = 0.01;
  w.user = {hm::kalman_strategy(m.ds, m.df, {}, o), hm::error_correction_strategy(m.spot, m.futures, {}, o),
            hm::conditional_correlation_strategy(m.ds, m.df, hm::correlation_model::dynamic, {}, o)};
  const auto result = hm::walk_forward(m.ds, m.df, w);
  REQUIRE(result.strategies.size() == 7);
  CHECK(result.strategies[4].name == "Kalman");
  CHECK(result.strategies[5].name == "ECM");
  CHECK(result.strategies[6].name == "DCC");
  for (std::size_t i = 4; i < 7; ++i) {
    CHECK(result.strategies[i].overall.effectiveness > 0.5);  // every model hedges most of the risk
    CHECK(result.strategies[i].overall.total_cost > 0);
  }
}

TEST_CASE("model strategies and walk_forward across the double range: series scaled by 2^a and 2^b") {
  // The strategies' ratios scale by 2^(a−b); walk_forward's effectiveness does not move and its P&L
  // figures scale by 2^a. The strategies now estimate their models on each series divided by the power of
  // two of its spread: before, the Kalman refit threw at 2^900 (its estimated variance, +inf, was rejected
  // as an option) and the DCC ratio path, which reran the fit's parameters on the raw data, gave ratios of
  // another scale. The fits stop at their optimisers' tolerances on data that differ by a power of two
  // from the unscaled ones (not the same numbers), hence 1e-6.
  const market m = simulate(400, 11);
  hm::model_strategy_options o;
  o.start = 150;
  o.refit_every = 100;
  const auto run = [&](int a, int b) {
    std::vector<double> ds(m.ds.size()), df(m.df.size()), spot(m.spot.size()), futures(m.futures.size());
    for (std::size_t t = 0; t < ds.size(); ++t)
      ds[t] = std::ldexp(m.ds[t], a), df[t] = std::ldexp(m.df[t], b);
    for (std::size_t t = 0; t < spot.size(); ++t)
      spot[t] = std::ldexp(m.spot[t], a), futures[t] = std::ldexp(m.futures[t], b);
    hm::walk_forward_options w;
    w.window = 60;
    w.start = 150;
    w.user = {hm::kalman_strategy(ds, df, {}, o),
              hm::conditional_correlation_strategy(ds, df, hm::correlation_model::dynamic, {}, o),
              hm::error_correction_strategy(spot, futures, {}, o)};
    return hm::walk_forward(ds, df, w);
  };
  const auto plain = run(0, 0);
  // Three scale pairs (each run refits Kalman by maximum likelihood and DCC three times: the sanitizer
  // build's slowest test otherwise).
  for (const auto& powers : {std::pair{-900, -900}, {-300, 600}, {900, 0}}) {
    const int a = powers.first, b = powers.second;  // INFO's lambda captures them: no structured binding
    INFO("exposure × 2^" << a << ", hedge × 2^" << b);
    const auto scaled = run(a, b);
    REQUIRE(scaled.strategies.size() == plain.strategies.size());
    for (std::size_t k = 0; k < plain.strategies.size(); ++k) {
      const auto& x = scaled.strategies[k];
      const auto& y = plain.strategies[k];
      INFO(y.name);
      if (y.name == "naive 1:1") continue;  // a ratio of 1 whatever the units: not scale-free
      for (std::size_t t = o.start; t < y.ratio.size(); ++t) {
        CHECK(same(std::ldexp(x.ratio[t], b - a), y.ratio[t], 1e-6));  // every ratio here is a normal double
      }
      CHECK(same(x.overall.effectiveness, y.overall.effectiveness, 1e-6));
      CHECK(same(std::ldexp(x.overall.mean_pnl, -a), y.overall.mean_pnl, 1e-6));
    }
  }
  // Ratios near 2^(-1800): not representable, so walk_forward says so rather than hedge with 0.
  std::vector<double> tiny(m.ds.size()), huge(m.df.size());
  for (std::size_t t = 0; t < tiny.size(); ++t)
    tiny[t] = std::ldexp(m.ds[t], -900), huge[t] = std::ldexp(m.df[t], 900);
  CHECK_THROWS_AS((void)hm::walk_forward(tiny, huge), std::domain_error);
}

TEST_CASE("model strategies: bad options and lengths") {
  const std::vector<double> s(100, 1.0), f(99, 1.0), g(100, 2.0);
  CHECK_THROWS_WITH_AS((void)hm::kalman_strategy(s, f), doctest::Contains("hedge has 99"),
                       std::invalid_argument);
  hm::model_strategy_options o;
  o.refit_every = 0;
  CHECK_THROWS_WITH_AS((void)hm::kalman_strategy(s, g, {}, o), doctest::Contains("refit_every"),
                       std::invalid_argument);
  o.refit_every = 10;
  o.start = 5;
  CHECK_THROWS_WITH_AS((void)hm::error_correction_strategy(s, g, {}, o), doctest::Contains("5"),
                       std::invalid_argument);
  CHECK_THROWS_AS((void)hm::conditional_correlation_strategy(s, f), std::invalid_argument);
}
