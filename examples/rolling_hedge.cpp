// SPDX-License-Identifier: MIT
// Time-varying hedge ratios and their out-of-sample effectiveness: WTI spot (Cushing) hedged with the
// front-month NYMEX crude future CL1, on daily price changes.
//
//   rolling_hedge [prices.csv [out.csv [spot_column hedge_column]]]
//
// prices.csv: a CSV with a date column and the two price columns, by default RWTC_spot_usd_bbl and
// RCLC1_usd_bbl, as in ../shared/data/market/derived/wti_spot_RWTC_vs_CL1_CL2_aligned.csv. Without it (no
// argument, or "") a built-in scenario is used; a file that cannot be read, or a column it lacks, is an
// error (exit status 2). Prints the walk-forward comparison of the strategies by year and
// overall, after costs: 2 bp of the notional traded, half a bid-ask spread and square-root market impact
// for a hedge of 10 million barrels (assumed figures, stated below: the EIA files have no quotes or
// volumes), and each strategy's cost drag; writes out.csv (default rolling_hedge.csv): date, rolling and
// EWMA ratio and effectiveness. examples/plot_rolling_hedge.sh draws that CSV as a PNG with gnuplot.
#include <hedgemetrics/rolling.hpp>
#include <hedgemetrics/walk_forward.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "price_csv.hpp"

namespace hm = hedgemetrics;

namespace {

constexpr std::size_t window = 250;     // about one trading year
constexpr double lambda = 0.94;         // RiskMetrics' daily decay
constexpr std::size_t rebalance = 5;    // weekly
constexpr double cost_fraction = 2e-4;  // 2 basis points of the futures notional traded
// Liquidity (walk_forward's spread and impact), assumed: CL trades at a one-tick spread, $0.01/bbl; the
// impact coefficient is Almgren et al. (2005)'s η = 0.142, used with the square root; the front month
// trades 200,000 contracts of 1,000 bbl a day (a round figure for recent years, far above the 1980s'); the
// hedger holds 10 million barrels. σ_t is the RiskMetrics EWMA of the future's daily change up to t − 1.
constexpr double spread_usd_bbl = 0.01;
constexpr double impact_eta = 0.142;
constexpr double volume_bbl = 200000.0 * 1000.0;
constexpr double exposure_bbl = 1e7;

struct prices {
  std::string source;
  std::string pair;  // what is hedged with what, for the chart's title
  std::vector<std::string> dates;
  std::vector<double> spot, futures;
};

/// A built-in scenario: ten years of daily prices, the spot following the future with a hedge ratio that
/// drifts between 0.7 and 1.1 (a deterministic generator, so the output is reproducible).
prices builtin() {
  prices p;
  p.source = "built-in scenario (10 years, hedge ratio drifting between 0.7 and 1.1)";
  p.pair = "built-in scenario";
  std::uint64_t state = 20240229;
  auto uniform = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) * 0x1.0p-53 - 0.5;
  };
  double f = 60, s = 58;
  for (int day = 0; day < 2500; ++day) {
    const int year = 2010 + day / 250, within = day % 250;
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", year, 1 + within / 21, 1 + within % 21);
    const double h = 0.9 + 0.2 * std::sin(static_cast<double>(day) / 300.0);
    const double df = 1.2 * (uniform() + uniform() + uniform());
    f += df;
    s += h * df + 0.35 * (uniform() + uniform());
    p.dates.emplace_back(date);
    p.futures.push_back(f);
    p.spot.push_back(s);
  }
  return p;
}

constexpr const char* default_spot = "RWTC_spot_usd_bbl";
constexpr const char* default_hedge = "RCLC1_usd_bbl";

prices from_csv(const std::string& path, const std::string& spot, const std::string& hedge) {
  const price_csv::table table = price_csv::read_csv(path);
  const price_csv::aligned_columns columns = price_csv::align(table, spot, hedge);
  prices p;
  const std::string pair = spot == default_spot && hedge == default_hedge ? "WTI Cushing spot vs NYMEX CL1"
                                                                          : spot + " hedged with " + hedge;
  p.source = path + " (" + pair + ", " + std::to_string(columns.dates.size()) + " days)";
  p.pair = pair;
  for (const auto& d : columns.dates) p.dates.push_back(d.iso());
  p.spot = columns.first;
  p.futures = columns.second;
  return p;
}

void print_row(const char* label, const std::vector<double>& values, const char* format) {
  std::printf("%-8s", label);
  for (double v : values) {
    if (std::isnan(v)) {
      std::printf(" %13s", "-");
    } else {
      std::printf(format, v);
    }
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string input = argc > 1 ? argv[1] : "";
    const std::string output = argc > 2 ? argv[2] : "rolling_hedge.csv";
    if (argc == 4 || argc > 5) {
      std::fprintf(stderr, "usage: rolling_hedge [prices.csv [out.csv [spot_column hedge_column]]]\n");
      return 2;
    }
    const std::string spot_column = argc > 3 ? argv[3] : default_spot;
    const std::string hedge_column = argc > 4 ? argv[4] : default_hedge;
    if (input.empty() && argc > 3) {
      std::fprintf(stderr, "rolling_hedge: columns %s and %s given without a prices file\n",
                   spot_column.c_str(), hedge_column.c_str());
      return 2;
    }
    const prices p = input.empty() ? builtin() : from_csv(input, spot_column, hedge_column);
    std::printf("%s\n", p.source.c_str());
    if (!input.empty() && (spot_column != default_spot || hedge_column != default_hedge)) {
      std::printf(
          "(The liquidity figures below are those assumed for WTI crude: read bbl as one unit of these "
          "prices, and set your own spread, impact and volume for this market.)\n");
    }

    // Daily P&L per barrel: the change of the spot (the exposure) and of the future (the hedge). Period t
    // runs from close t to close t + 1; the trade before it is done at the future's price at close t.
    const std::size_t n = p.spot.size() - 1;
    std::vector<double> ds(n), df(n), trade_price(n);
    std::vector<std::string> period_end(n);
    for (std::size_t t = 0; t < n; ++t) {
      ds[t] = p.spot[t + 1] - p.spot[t];
      df[t] = p.futures[t + 1] - p.futures[t];
      trade_price[t] = p.futures[t];
      period_end[t] = p.dates[t + 1];
    }

    hm::walk_forward_options options;
    options.window = window;
    options.lambda = lambda;
    options.rebalance_every = rebalance;
    options.cost = cost_fraction;
    options.hedge_price = trade_price;
    options.spread.assign(n, spread_usd_bbl);
    options.impact = impact_eta;
    options.volume.assign(n, volume_bbl);
    options.exposure_size = exposure_bbl;
    double variance = n > 0 ? df[0] * df[0] : 0.0;  // forgotten (0.94^250 = 2e-7) by the first evaluated day
    for (std::size_t t = 0; t < n; ++t) {
      options.volatility.push_back(std::sqrt(variance));  // from the changes before t
      variance = lambda * variance + (1 - lambda) * df[t] * df[t];
    }
    const hm::walk_forward_result result = hm::walk_forward(ds, df, options);

    std::printf(
        "\nWalk-forward: ratio estimated from the days before, rebalanced every %zu days, costs %.0f bp "
        "of the notional traded, half a $%.2f/bbl spread and square-root impact (eta %.3f, %.0f million "
        "bbl hedged, %.0f million bbl traded a day).\nOut-of-sample variance reduction after costs, 1 - "
        "Var(hedged)/Var(unhedged):\n\n",
        rebalance, cost_fraction * 1e4, spread_usd_bbl, impact_eta, exposure_bbl / 1e6, volume_bbl / 1e6);
    std::printf("%-8s", "year");
    for (const auto& s : result.strategies) std::printf(" %13.13s", s.name.c_str());
    std::printf("\n");
    // Years: consecutive periods whose end date has the same year.
    std::size_t begin = result.start;
    while (begin < n) {
      std::size_t end = begin;
      while (end < n && period_end[end].compare(0, 4, period_end[begin], 0, 4) == 0) ++end;
      std::vector<double> row;
      for (const auto& s : result.strategies)
        row.push_back(hm::walk_forward_metrics(result, s, begin, end).effectiveness);
      print_row(period_end[begin].substr(0, 4).c_str(), row, " %13.3f");
      begin = end;
    }
    std::printf(
        "\nOverall, %zu days from %s to %s (static h* is fitted on these days: in-sample, a look-ahead "
        "benchmark):\n\n",
        result.strategies[0].overall.periods, period_end[result.start].c_str(), period_end[n - 1].c_str());
    std::printf("%-24s %13s %13s %10s %10s\n", "strategy", "var. reduct.", "semivar. red.", "turnover",
                "cost $/bbl");
    for (const auto& s : result.strategies) {
      std::printf("%-24s %13.4f %13.4f %10.2f %10.4f\n", (s.name + (s.in_sample ? " *" : "")).c_str(),
                  s.overall.effectiveness, s.overall.downside_variance_below_zero_reduction,
                  s.overall.turnover, s.overall.total_cost);
    }
    // The costs lower the mean P&L by their total; on the variance reduction they act only through their
    // variation from day to day, the drag.
    std::printf(
        "\nCosts, $/bbl of exposure over the %zu days ($ million for the %.0f million bbl), and the variance "
        "reduction before and after costs:\n\n%-24s %8s %8s %8s %8s %8s %9s %9s %9s\n",
        result.strategies[0].overall.periods, exposure_bbl / 1e6, "strategy", "2 bp", "spread", "impact",
        "total", "$ m", "before", "after", "drag");
    for (const auto& s : result.strategies) {
      const hm::strategy_metrics& o = s.overall;
      std::printf("%-24s %8.4f %8.4f %8.4f %8.4f %8.2f %9.6f %9.6f %9.1e\n",
                  (s.name + (s.in_sample ? " *" : "")).c_str(), o.proportional_cost, o.spread_cost,
                  o.impact_cost, o.total_cost, o.total_cost * exposure_bbl / 1e6,
                  o.effectiveness_before_costs, o.effectiveness, o.cost_drag);
    }

    // The estimates themselves, for the chart: as known at the end of each day.
    const auto rolled = hm::rolling_hedge(ds, df, hm::rolling_options{window});
    hm::ewma_options ewma;
    ewma.lambda = lambda;
    const auto weighted = hm::ewma_hedge(ds, df, ewma);
    std::FILE* csv = std::fopen(output.c_str(), "w");
    if (csv == nullptr) {
      std::fprintf(stderr, "rolling_hedge: cannot write %s\n", output.c_str());
      return 2;
    }
    std::fprintf(csv, "date,rolling_ratio,rolling_effectiveness,ewma_ratio,ewma_effectiveness\n");
    for (std::size_t t = 0; t < n; ++t) {
      if (std::isnan(rolled.ratio[t])) continue;
      std::fprintf(csv, "%s,%.6f,%.6f,%.6f,%.6f\n", period_end[t].c_str(), rolled.ratio[t],
                   rolled.effectiveness[t], weighted.ratio[t], weighted.effectiveness[t]);
    }
    std::fclose(csv);
    std::printf("\nRolling (%zu days) and EWMA (lambda %.2f) ratio and effectiveness written to %s\n", window,
                lambda, output.c_str());
    std::printf("Chart: examples/plot_rolling_hedge.sh %s %s.png \"%s\"\n", output.c_str(),
                output.substr(0, output.rfind('.')).c_str(), p.pair.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rolling_hedge: %s\n", e.what());
    return 2;
  }
}
