// SPDX-License-Identifier: MIT
// A hedge-effectiveness assessment a controller can attach to hedge documentation: the regression, variance
// reduction and dollar-offset tests, each with its figure, threshold and grade, the period-by-period
// dollar offset, and the downside (tail) view of the same hedge.
//
//   hedge_accounting_report [file.csv item_column instrument_column] [--ifrs9] [--materiality X]
//                           [--prices --notional Q_A --contract-size Q_F (--contracts N | --ratio h)]
//
// file.csv: a CSV with a date column and, per period, the change in fair value of the hedged item and of
// the hedging instrument, in money, with their signs (the instrument as designated: contracts × size ×
// price change, negative for a short position when prices rise). With --prices the two columns are prices
// instead, and hedgemetrics::value_changes turns them into those changes: Q_A·ΔS for the item and
// −N·Q_F·ΔF for the N contracts sold (the library's hedged position S − h·F in money, h = N·Q_F/Q_A).
// Dates as YYYY-MM-DD or M/D/YYYY, any order (see price_csv.hpp). Without a file, the built-in scenario is
// Hull's Example 3.3 as prices: 2,000,000 gallons of jet fuel hedged with 37 heating-oil futures of 42,000
// gallons, 15 months.
//   --ifrs9            grade under IFRS 9-style rules (informational) instead of ASC 815 bright lines
//   --materiality X    the small-numbers threshold of the dollar-offset test, in the changes' currency
//   --prices           the columns are prices; size the hedge with --notional, --contract-size and
//                      --contracts or --ratio (days with a missing price are dropped)
// Exit status: 0 whatever the grade, 2 for bad input (one line on stderr).
#include <hedgemetrics/downside.hpp>
#include <hedgemetrics/hedge_accounting.hpp>
#include <hedgemetrics/hedge_ratio.hpp>

#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "price_csv.hpp"

namespace hm = hedgemetrics;

namespace {

struct changes {
  std::string source;
  std::vector<std::string> dates;
  std::vector<double> item, instrument;
  // From prices only: the designated ratio h, and h* and R² of the price changes (NaN otherwise).
  double ratio = std::numeric_limits<double>::quiet_NaN();
  double contracts = std::numeric_limits<double>::quiet_NaN();
  hm::hedge_fit<double> fit;
};

/// The changes of the designated hedge from prices: value_changes, and the minimum-variance fit of the same
/// price changes (to say how the regression slope relates to the ratio).
void from_prices(changes& c, const std::vector<double>& spot, const std::vector<double>& futures,
                 const hm::value_changes_options& sizing) {
  const auto v = hm::value_changes(spot, futures, sizing);
  c.item = v.item;
  c.instrument = v.instrument;
  c.ratio = v.ratio;
  c.contracts = v.contracts;
  // The price changes over the same dates (the days with both prices).
  std::vector<double> s, f, ds, df;
  for (std::size_t t = 0; t < spot.size(); ++t) {
    if (!std::isfinite(spot[t]) || !std::isfinite(futures[t])) continue;
    s.push_back(spot[t]);
    f.push_back(futures[t]);
  }
  for (std::size_t t = 1; t < s.size(); ++t) {
    ds.push_back(s[t] - s[t - 1]);
    df.push_back(f[t] - f[t - 1]);
  }
  c.fit = hm::fit_hedge(ds, df);
}

changes builtin() {
  const double ds[] = {0.029, 0.020, -0.044, 0.008,  0.026, -0.019, -0.010, -0.007,
                       0.043, 0.011, -0.036, -0.018, 0.009, -0.032, 0.023};
  const double df[] = {0.021, 0.035,  -0.046, 0.001,  0.044, -0.029, -0.026, -0.029,
                       0.048, -0.006, -0.036, -0.011, 0.019, -0.027, 0.029};
  changes c;
  c.source =
      "built-in scenario: Hull, Example 3.3 (jet fuel, 2,000,000 gal, hedged with 37 heating-oil futures)";
  // Prices that move by Hull's monthly changes, from $2.000 (jet fuel) and $2.100 (heating oil) a gallon,
  // quoted per 1,000 gallons so that they are whole numbers and every change is exact in binary.
  std::vector<double> jet{2000.0}, heating_oil{2100.0};
  for (int m = 0; m < 15; ++m) {
    char date[16];
    std::snprintf(date, sizeof date, "month %2d", m + 1);
    c.dates.emplace_back(date);
    jet.push_back(jet.back() + std::round(ds[m] * 1000.0));
    heating_oil.push_back(heating_oil.back() + std::round(df[m] * 1000.0));
  }
  hm::value_changes_options sizing;
  sizing.notional = 2000.0;     // 2,000,000 gallons, in thousands
  sizing.contract_size = 42.0;  // 42,000 gallons a contract, in thousands
  sizing.contracts = 37.0;
  from_prices(c, jet, heating_oil, sizing);
  return c;
}

changes from_csv(const std::string& path, const std::string& item, const std::string& instrument,
                 const hm::value_changes_options* sizing) {
  const auto columns = price_csv::align(price_csv::read_csv(path), item, instrument);
  changes c;
  c.source = path + " (" + item + " vs " + instrument + (sizing ? ", prices)" : ")");
  if (sizing == nullptr) {
    for (const auto& d : columns.dates) c.dates.push_back(d.iso());
    c.item = columns.first;
    c.instrument = columns.second;
    return c;
  }
  // One change per date after the first with both prices: dated by the day it ends.
  bool first = true;
  for (std::size_t t = 0; t < columns.dates.size(); ++t) {
    if (!std::isfinite(columns.first[t]) || !std::isfinite(columns.second[t])) continue;
    if (!first) c.dates.push_back(columns.dates[t].iso());
    first = false;
  }
  hm::value_changes_options omit = *sizing;
  omit.missing = hm::missing_data::omit;
  from_prices(c, columns.first, columns.second, omit);
  return c;
}

double number_after(int& i, int argc, char** argv) {
  const std::string flag = argv[i];
  if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a number");
  std::size_t used = 0;
  const std::string text = argv[++i];
  const double value = std::stod(text, &used);
  if (used != text.size()) throw std::invalid_argument(flag + ": '" + text + "' is not a number");
  return value;
}

std::string figure(double value) {
  if (std::isnan(value)) return "undefined";
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::vector<std::string> positional;
    hm::assessment_options options;
    bool prices = false;
    hm::value_changes_options sizing;
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == "--ifrs9") {
        options.rules = hm::rule_set::ifrs_9;
      } else if (arg == "--materiality") {
        options.dollar_offset.materiality = number_after(i, argc, argv);
      } else if (arg == "--prices") {
        prices = true;
      } else if (arg == "--notional") {
        sizing.notional = number_after(i, argc, argv);
      } else if (arg == "--contract-size") {
        sizing.contract_size = number_after(i, argc, argv);
      } else if (arg == "--contracts") {
        sizing.contracts = number_after(i, argc, argv);
      } else if (arg == "--ratio") {
        sizing.ratio = number_after(i, argc, argv);
      } else {
        positional.push_back(arg);
      }
    }
    if (!positional.empty() && positional.size() != 3) {
      throw std::invalid_argument("expected: file.csv item_column instrument_column (or nothing)");
    }
    if (prices && positional.empty()) throw std::invalid_argument("--prices needs a file and two columns");
    const changes c = positional.empty()
                          ? builtin()
                          : from_csv(positional[0], positional[1], positional[2], prices ? &sizing : nullptr);
    const auto a = hm::assess_hedge(c.item, c.instrument, options);

    std::printf("Hedge effectiveness assessment (%s rules%s)\n", hm::to_string(a.rules),
                a.informational ? ", grades informational" : "");
    std::printf("Data: %s, %zu periods\n", c.source.c_str(), c.item.size());
    if (!std::isnan(c.ratio)) {
      // The sign convention (value_changes): item Q_A·ΔS, instrument −N·Q_F·ΔF, so the slope is not h.
      std::printf(
          "Designated hedge: %s contracts, hedge ratio h = %s; minimum-variance h* = %s, R^2 = %s of\n"
          "the price changes. Regression slope, instrument on item: -(h/h*)·R^2 = %s; item on\n"
          "instrument: -h*/h = %s (-1 at h = h*).\n",
          figure(c.contracts).c_str(), figure(c.ratio).c_str(), figure(c.fit.ratio).c_str(),
          figure(c.fit.effectiveness).c_str(), figure(-(c.ratio / c.fit.ratio) * c.fit.effectiveness).c_str(),
          figure(-c.fit.ratio / c.ratio).c_str());
    }
    std::printf("\n");
    std::printf("%-32s %12s  %-26s %-5s  %s\n", "test", "figure", "threshold", "grade", "reason");
    for (const auto& line : a.lines) {
      std::printf("%-32s %12s  %-26s %-5s  %s\n", line.test.c_str(), figure(line.figure).c_str(),
                  line.threshold.c_str(), hm::to_string(line.grade), line.reason.c_str());
    }
    std::printf("%-32s %12s  %-26s %-5s\n\n", "overall", "", "", hm::to_string(a.overall));

    std::printf(
        "Dollar offset, ratio = -instrument change / item change, band %.2f to %.2f, materiality %.10g\n",
        options.dollar_offset.lower, options.dollar_offset.upper, options.dollar_offset.materiality);
    std::printf("%-12s %14s %14s %9s %-10s %9s %-10s\n", "period", "item", "instrument", "ratio", "status",
                "cum ratio", "cum status");
    for (std::size_t t = 0; t < a.dollar_offset.periods.size(); ++t) {
      const auto& p = a.dollar_offset.periods[t];
      const auto& q = a.dollar_offset.cumulative[t];
      std::printf("%-12s %14.2f %14.2f %9s %-10s %9s %-10s\n", c.dates[t].c_str(), p.item_change,
                  p.instrument_change, figure(p.ratio).c_str(), hm::to_string(p.status),
                  figure(q.ratio).c_str(), hm::to_string(q.status));
    }

    // The tail view: the designated hedge is the instrument as given (ratio 1 on item + instrument).
    std::vector<double> hedge_short(c.instrument.size());
    for (std::size_t i = 0; i < hedge_short.size(); ++i) hedge_short[i] = -c.instrument[i];
    if (c.item.size() >= 2) {
      hm::downside_options tail;
      tail.level = 0.9;
      const auto d = hm::downside_effectiveness(c.item, hedge_short, 1.0, tail);
      std::printf("\nDownside effectiveness of the designated hedge (level 0.90; 1 - hedged/unhedged)\n");
      std::printf("  VaR %s -> %s (%s), ES %s -> %s (%s), semivariance effectiveness %s\n",
                  figure(d.value_at_risk.unhedged).c_str(), figure(d.value_at_risk.hedged).c_str(),
                  figure(d.value_at_risk.effectiveness).c_str(),
                  figure(d.expected_shortfall.unhedged).c_str(), figure(d.expected_shortfall.hedged).c_str(),
                  figure(d.expected_shortfall.effectiveness).c_str(),
                  figure(d.semivariance.effectiveness).c_str());
      std::printf("  hedge ratio (units of the designated instrument): minimum variance %s, minimum ES %s\n",
                  figure(hm::min_variance_hedge_ratio(c.item, hedge_short)).c_str(),
                  figure(hm::min_expected_shortfall_ratio(c.item, hedge_short, tail)).c_str());
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hedge_accounting_report: %s\n", e.what());
    return 2;
  }
}
