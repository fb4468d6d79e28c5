// SPDX-License-Identifier: MIT
// How well does delta hedging work on real prices? A written 3-month at-the-money call on the front-month
// NYMEX crude future (EIA's CL1 series) is delta hedged with the future, window after window since 1986,
// at several rebalancing frequencies and delta bands, paying 2 basis points of the traded notional.
//
//   delta_hedging_report [prices.csv [out.csv]]
//
// prices.csv: a CSV with a date column and the columns RCLC1_usd_bbl and RWTC_spot_usd_bbl, such as
// $HEDGEMETRICS_DATA_DIR/market/derived/wti_spot_RWTC_vs_CL1_CL2_aligned.csv (only CL1 is hedged). When the
// file is absent the program says so and exits with status 77 (skipped). Prints, per rule, the hedging
// error (standard deviation over the windows, as % of the premium), its mean, the transaction costs, the
// trades and the mean P&L attribution; writes out.csv (default delta_hedging_report.csv): rebalancing
// interval in days, the hedging error and Derman & Kamal's prediction, which examples/plot_delta_hedging.sh
// draws as a PNG with gnuplot.
//
// Model choices (a desk would use its own): Black's (1976) model for an option on a future (dividend yield =
// rate), rate 3%, hedging volatility = the realised volatility of the 63 days before each window (no implied
// volatility is in the data). CL1 rolls to the next contract each month, so its price path includes the roll
// gaps a futures hedger would roll through; windows with a price at or below zero (April 2020) are skipped.
#include <hedgemetrics/delta_hedge.hpp>

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "price_csv.hpp"

namespace hm = hedgemetrics;

namespace {

constexpr std::size_t window = 63;  // trading days: a 3-month option
constexpr double days_per_year = 252.0;
constexpr double rate = 0.03;
constexpr double cost = 2e-4;  // one way, of the traded notional

struct rule {
  std::string name;
  std::size_t every;
  double band;
};

struct summary {
  std::size_t windows = 0;
  double sum_error = 0, sum_error2 = 0, sum_premium = 0, sum_costs = 0, sum_trades = 0, sum_dk = 0;
  hm::hedge_attribution attribution;
};

}  // namespace

int main(int argc, char** argv) try {
  const std::string path = argc > 1 ? argv[1] : "wti_spot_RWTC_vs_CL1_CL2_aligned.csv";
  const std::string out_path = argc > 2 ? argv[2] : "delta_hedging_report.csv";
  if (!std::filesystem::exists(path)) {
    std::printf("skipped: %s not found (the EIA prices of HEDGEMETRICS_DATA_DIR/market/derived)\n",
                path.c_str());
    return 77;
  }
  const price_csv::aligned_columns columns =
      price_csv::align(price_csv::read_csv(path), "RCLC1_usd_bbl", "RWTC_spot_usd_bbl");
  const std::vector<double>& cl1 = columns.first;
  const std::size_t n = cl1.size();
  std::printf("Delta hedging a written 3-month ATM call on CL1 (Black-76, r %.0f%%, cost %.0f bp one way)\n",
              100 * rate, 1e4 * cost);
  std::printf("%s: %zu days, %s to %s\n", path.c_str(), n, columns.dates.front().iso().c_str(),
              columns.dates.back().iso().c_str());

  const std::vector<rule> rules = {{"daily", 1, 0.0},          {"every 2 days", 2, 0.0},
                                   {"weekly (5)", 5, 0.0},     {"every 10 days", 10, 0.0},
                                   {"every 21 days", 21, 0.0}, {"band 0.05", 1, 0.05},
                                   {"band 0.10", 1, 0.10},     {"band 0.20", 1, 0.20}};
  std::vector<summary> results(rules.size());
  std::vector<double> times(window + 1);
  for (std::size_t i = 0; i <= window; ++i) times[i] = static_cast<double>(i) / days_per_year;
  std::size_t skipped = 0;
  // Non-overlapping windows, each after 63 days of history for the volatility.
  for (std::size_t start = window; start + window < n; start += window) {
    bool positive = true;
    for (std::size_t i = start - window; i <= start + window; ++i) positive = positive && cl1[i] > 0.0;
    if (!positive) {
      ++skipped;
      continue;
    }
    double sum = 0, sum2 = 0;
    for (std::size_t i = start - window + 1; i <= start; ++i) {
      const double r = std::log(cl1[i] / cl1[i - 1]);
      sum += r;
      sum2 += r * r;
    }
    const double m = static_cast<double>(window);
    const double volatility = std::sqrt((sum2 - sum * sum / m) / (m - 1) * days_per_year);
    const std::vector<double> path_prices(cl1.begin() + static_cast<std::ptrdiff_t>(start),
                                          cl1.begin() + static_cast<std::ptrdiff_t>(start + window + 1));
    hm::delta_hedge_options o;
    o.type = hm::option_type::call;
    o.strike = path_prices.front();
    o.expiry = times.back();
    o.rate = rate;
    o.dividend_yield = rate;  // Black's model: a future costs nothing to carry
    o.volatility = volatility;
    o.cost = cost;
    const auto greeks =
        hm::black_scholes(o.type, o.strike, o.strike, o.expiry, o.rate, o.volatility, o.dividend_yield);
    for (std::size_t k = 0; k < rules.size(); ++k) {
      o.rebalance_every = rules[k].every;
      o.band = rules[k].band;
      const auto h = hm::delta_hedge(path_prices, times, o);
      summary& s = results[k];
      // The error as % of the premium, so that windows at $15 and at $100 weigh alike.
      const double error = 100.0 * h.hedging_error / h.option_price;
      ++s.windows;
      s.sum_error += error;
      s.sum_error2 += error * error;
      s.sum_premium += h.option_price;
      s.sum_costs += 100.0 * -h.total.costs / h.option_price;
      s.sum_trades += static_cast<double>(h.trades);
      const double hedges = static_cast<double>(window) / static_cast<double>(rules[k].every);
      s.sum_dk += 100.0 * std::sqrt(3.14159265358979323846 / 4.0) * greeks.vega * volatility /
                  std::sqrt(hedges) / h.option_price;
      s.attribution.gamma += 100.0 * h.total.gamma / h.option_price;
      s.attribution.theta += 100.0 * h.total.theta / h.option_price;
      s.attribution.delta += 100.0 * h.total.delta / h.option_price;
      s.attribution.financing += 100.0 * h.total.financing / h.option_price;
      s.attribution.costs += 100.0 * h.total.costs / h.option_price;
      s.attribution.unexplained += 100.0 * h.total.unexplained / h.option_price;
    }
  }
  const double windows = static_cast<double>(results.front().windows);
  std::printf("%zu windows of %zu days (%zu skipped: a price at or below zero); mean premium $%.2f/bbl\n\n",
              results.front().windows, window, skipped, results.front().sum_premium / windows);
  std::printf(
      "all figures in %% of the premium, averaged over the windows; the hedging error is the writer's\n"
      "P&L at expiry (+ a gain, - a loss): its sd is the risk the hedge leaves, its mean the bias\n");
  std::printf("%-14s %8s %8s %8s %8s %7s | %8s %8s %8s %8s %8s %8s\n", "rule", "error sd", "D-K", "mean",
              "costs", "trades", "gamma", "theta", "delta", "financ.", "costs", "unexpl.");
  std::FILE* out = std::fopen(out_path.c_str(), "w");
  if (!out) {
    std::fprintf(stderr, "delta_hedging_report: cannot write %s\n", out_path.c_str());
    return 1;
  }
  std::fprintf(out, "interval_days,error_sd_pct,derman_kamal_pct\n");
  for (std::size_t k = 0; k < rules.size(); ++k) {
    const summary& s = results[k];
    const double mean = s.sum_error / windows;
    const double sd = std::sqrt((s.sum_error2 - windows * mean * mean) / (windows - 1));
    const double dk = s.sum_dk / windows;
    const bool banded = rules[k].band > 0.0;
    char dk_text[32] = "-";  // Derman–Kamal assumes N equally spaced hedges: no figure for a band
    if (!banded) std::snprintf(dk_text, sizeof dk_text, "%.1f", dk);
    std::printf("%-14s %8.1f %8s %8.1f %8.2f %7.1f | %8.1f %8.1f %8.1f %8.1f %8.2f %8.1f\n",
                rules[k].name.c_str(), sd, dk_text, mean, s.sum_costs / windows, s.sum_trades / windows,
                s.attribution.gamma / windows, s.attribution.theta / windows, s.attribution.delta / windows,
                s.attribution.financing / windows, s.attribution.costs / windows,
                s.attribution.unexplained / windows);
    if (!banded) std::fprintf(out, "%zu,%.4f,%.4f\n", rules[k].every, sd, dk);
  }
  std::fclose(out);
  std::printf(
      "\nD-K: Derman & Kamal's sqrt(pi/4) vega sigma / sqrt(N), the error discrete hedging alone would "
      "leave;\nthe rest is the gap between the hedging and the realised volatility, and CL1's jumps.\n");
  std::printf("written to %s\n", out_path.c_str());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "delta_hedging_report: %s\n", e.what());
  return 2;
}
