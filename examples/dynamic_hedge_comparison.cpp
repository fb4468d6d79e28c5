// SPDX-License-Identifier: MIT
// Does a dynamic model hedge better than OLS out of sample, after costs? WTI spot with NYMEX CL1, US Gulf
// jet fuel with NY heating oil HO1 (a cross hedge), Henry Hub gas with NG1, daily price changes.
//
//   dynamic_hedge_comparison <folder with the EIA derived CSV files> [output prefix]
//
// The folder is $HEDGEMETRICS_DATA_DIR/market/derived. Strategies, each holding a ratio decided from the
// days before (walk_forward.hpp): OLS over all earlier days (expanding), rolling 250-day OLS, EWMA (0.94),
// and the models of model_strategies.hpp re-estimated every 250 days on the 1,000 days before, their
// filters updated daily: Kalman (random-walk ratio, noise variances by maximum likelihood), ECM (two-step
// Engle-Granger on the price levels), CCC- and DCC-GARCH. Rebalanced daily; costs 2 bp of the futures
// notional traded. Prints, per market, the variance reduction by year and overall with semivariance
// reduction, turnover and cost, and which strategies beat expanding OLS after costs; writes
// <prefix>_<market>.csv (date and every strategy's ratio) for examples/plot_dynamic_hedge.sh.
// Exits 77 (skipped) when the data files are absent.
#include <hedgemetrics/hedge_ratio.hpp>
#include <hedgemetrics/model_strategies.hpp>
#include <hedgemetrics/rolling.hpp>
#include <hedgemetrics/walk_forward.hpp>

#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "price_csv.hpp"

namespace hm = hedgemetrics;

namespace {

constexpr std::size_t start = 1000;     // four years of history before the first evaluated day
constexpr double cost_fraction = 2e-4;  // 2 basis points of the notional traded

struct market {
  const char* key;
  const char* title;
  const char* file;
  const char* spot;
  const char* futures;
};

void run(const market& m, const std::string& folder, const std::string& prefix) {
  const price_csv::aligned_columns c =
      price_csv::align(price_csv::read_csv(folder + "/" + m.file), m.spot, m.futures);
  const std::size_t n = c.first.size() - 1;
  std::vector<double> ds(n), df(n), trade_price(n);
  std::vector<std::string> period_end(n);
  for (std::size_t t = 0; t < n; ++t) {
    ds[t] = c.first[t + 1] - c.first[t];
    df[t] = c.second[t + 1] - c.second[t];
    trade_price[t] = std::fabs(c.second[t]);
    period_end[t] = c.dates[t + 1].iso();
  }
  std::printf("\n=== %s: %s vs %s, %zu daily changes %s to %s ===\n", m.title, m.spot, m.futures, n,
              period_end.front().c_str(), period_end.back().c_str());

  // Expanding OLS: the static hedge a hedger could actually have run (ratio of all earlier days).
  hm::user_strategy ols;
  ols.name = "OLS expanding";
  const auto expanding = hm::expanding_hedge(ds, df);
  ols.ratio.assign(n, std::nan(""));
  for (std::size_t t = 1; t < n; ++t) ols.ratio[t] = expanding.ratio[t - 1];

  hm::model_strategy_options models;
  models.start = start;
  models.refit_every = 250;
  models.window = 1000;
  hm::walk_forward_options options;
  options.start = start;
  options.window = 250;
  options.lambda = 0.94;
  options.cost = cost_fraction;
  options.hedge_price = trade_price;
  options.user = {ols, hm::kalman_strategy(ds, df, {}, models),
                  hm::error_correction_strategy(c.first, c.second, {}, models),
                  hm::conditional_correlation_strategy(ds, df, hm::correlation_model::constant, {}, models),
                  hm::conditional_correlation_strategy(ds, df, hm::correlation_model::dynamic, {}, models)};
  const hm::walk_forward_result result = hm::walk_forward(ds, df, options);

  std::printf("Out-of-sample variance reduction after costs, 1 - Var(hedged)/Var(unhedged), by year:\n%-6s",
              "year");
  for (const auto& s : result.strategies) std::printf(" %9.9s", s.name.c_str());
  std::printf("\n");
  const std::size_t ols_index = 4;  // naive, static, rolling, EWMA, then the user strategies
  std::vector<int> years_beating(result.strategies.size(), 0);
  int years = 0;
  for (std::size_t begin = result.start; begin < n;) {
    std::size_t end = begin;
    while (end < n && period_end[end].compare(0, 4, period_end[begin], 0, 4) == 0) ++end;
    std::printf("%-6s", period_end[begin].substr(0, 4).c_str());
    std::vector<double> row;
    for (const auto& s : result.strategies)
      row.push_back(hm::walk_forward_metrics(result, s, begin, end).effectiveness);
    for (double v : row) std::printf(" %9.3f", v);
    std::printf("\n");
    ++years;
    for (std::size_t i = 0; i < row.size(); ++i) years_beating[i] += row[i] > row[ols_index];
    begin = end;
  }
  std::printf("\nOverall, %zu days (* static h* is fitted on them: look-ahead):\n",
              result.strategies[0].overall.periods);
  std::printf("%-22s %10s %10s %9s %11s %14s\n", "strategy", "var. red.", "semivar.", "turnover", "cost/unit",
              "years > OLS");
  const double ols_effectiveness = result.strategies[ols_index].overall.effectiveness;
  std::string winners;
  for (std::size_t i = 0; i < result.strategies.size(); ++i) {
    const auto& s = result.strategies[i];
    std::printf("%-22s %10.4f %10.4f %9.2f %11.4f %9d of %2d\n", (s.name + (s.in_sample ? " *" : "")).c_str(),
                s.overall.effectiveness, s.overall.downside_variance_below_zero_reduction, s.overall.turnover,
                s.overall.total_cost, years_beating[i], years);
    if (i > 1 && i != ols_index && s.overall.effectiveness > ols_effectiveness) winners += " " + s.name + ",";
  }
  if (!winners.empty()) winners.pop_back();
  std::printf("%s: beat expanding OLS after costs overall:%s\n", m.title,
              winners.empty() ? " none" : winners.c_str());

  const std::string path = prefix + "_" + m.key + ".csv";
  std::FILE* csv = std::fopen(path.c_str(), "w");
  if (csv == nullptr) throw std::runtime_error("cannot write " + path);
  std::fprintf(csv, "date");
  for (std::size_t i = 2; i < result.strategies.size(); ++i)
    std::fprintf(csv, ",%s", result.strategies[i].name.c_str());
  std::fprintf(csv, "\n");
  for (std::size_t t = result.start; t < n; ++t) {
    std::fprintf(csv, "%s", period_end[t].c_str());
    for (std::size_t i = 2; i < result.strategies.size(); ++i)
      std::fprintf(csv, ",%.5f", result.strategies[i].ratio[t]);
    std::fprintf(csv, "\n");
  }
  std::fclose(csv);
  std::printf("ratios written to %s\n", path.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string folder = argc > 1 ? argv[1] : "";
    const std::string prefix = argc > 2 ? argv[2] : "dynamic_hedge";
    const market markets[] = {
        {"wti", "WTI", "wti_spot_RWTC_vs_CL1_CL2_aligned.csv", "RWTC_spot_usd_bbl", "RCLC1_usd_bbl"},
        {"jetfuel", "Jet fuel", "jetfuel_gulf_spot_vs_heatingoil_HO1_futures_aligned.csv",
         "jetfuel_usgulf_spot_usd_gal", "HO_contract1_usd_gal"},
        {"henryhub", "Henry Hub", "henryhub_spot_vs_NG1_NG2_aligned.csv", "HenryHub_spot_usd_mmbtu",
         "NG_contract1_usd_mmbtu"}};
    for (const market& m : markets) {
      if (folder.empty() || !std::filesystem::exists(folder + "/" + m.file)) {
        std::printf("skipped: %s/%s not found (the EIA prices of HEDGEMETRICS_DATA_DIR/market/derived)\n",
                    folder.c_str(), m.file);
        return 77;
      }
    }
    std::printf(
        "Walk-forward from day %zu, daily rebalancing, costs %.0f bp of the notional traded; models "
        "re-estimated every 250 days on the 1,000 days before.\n",
        start, cost_fraction * 1e4);
    for (const market& m : markets) run(m, folder, prefix);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dynamic_hedge_comparison: %s\n", e.what());
    return 2;
  }
}
