// SPDX-License-Identifier: MIT
// hedge_report: how well does one price series hedge another?
//
//   hedge_report FILE.csv --spot COL --hedge COL [options]
//   hedge_report --exposure-file A.csv [--exposure-column COL] --hedge-file B.csv [--hedge-column COL]
//                [--join union-as-of|as-of|inner] [--max-staleness DAYS] [options]
//   options: [--returns changes|log|simple] [--exposure Q --contract-size Q] [--format text|json]
//            [--hac-lags N] [--chart FILE.svg]
//
// One file: reads two columns of a dated CSV file (see price_csv.hpp for the formats it takes) and keeps
// the dates where both have a value. Two files (issue 16), each with its own dates, gaps and holidays:
// reads a column of each (a file with one value column needs no column option) and joins them as of date
// with hedgemetrics::align: by default a row on every date either file has a price, each side giving
// its last price at or before that date, at most 4 days old (a weekend and a holiday); --join as-of keeps
// the exposure's dates only, --join inner the dates both files have. The report then says, per file, how
// many dates it lacked (a price carried from an earlier day), how old the carried prices were (0, 1, 2, 3,
// 4+ days) and how many rows were dropped and why (stale, no earlier price, not in both).
//
// Either way it reports the minimum-variance hedge of the exposure (--spot, held long) with the hedge
// instrument (--hedge, sold): h* with its standard error and 95% interval, the t tests of h* = 0 (does the
// hedge work at all) and h* = 1 (is it different from the naive 1:1 hedge), the hedge effectiveness, the
// residual variance, the correlation, the basis risk on price levels, and the number of futures
// contracts for an exposure. --exposure and --contract-size are quantities in the units the prices are
// quoted per (gallons for $/gal): with price changes N* = h*·Q_A/Q_F (Hull eq. 3.2); with returns, whose
// h* is a ratio of returns, the position and one contract are valued at the last prices,
// N* = h*·(Q_A·S)/(Q_F·F) (Hull eq. 3.3, the tailed hedge), and the report shows those values. With no
// file it runs on a built-in scenario.
//
// Issue 17: Newey–West (HAC) standard errors of h*, with the Bartlett kernel and --hac-lags N lags (by
// default floor(4·(n/100)^{2/9}), the automatic rule of Newey & West 1994 that statsmodels uses: 9 lags
// for 9,000 daily changes), for daily changes that are autocorrelated or heteroskedastic; the 97.5%
// historical value at risk and expected shortfall of the unhedged and hedged P&L over one period of the
// data (one day for daily prices), per unit of exposure: L = −ΔS and −(ΔS − h*·ΔF); and a verdict line
// for a risk manager: the variance removed, the HAC interval for h*, the ES before and after, and whether
// the hedge passes the 80–125% dollar-offset rule on the whole period (cumulative offset
// h*·ΣΔF/ΣΔS). --chart FILE.svg draws the cumulative unhedged and hedged P&L as a self-contained SVG
// (no plotting program needed, unlike the plot_*.sh scripts for the other examples' CSV output).
//
// Bad input (a missing file, an unknown column, a cell that is not a number, too few rows, log returns
// of a non-positive price, a change beyond the range of double, the same column as exposure and hedge,
// contract sizing with returns at a last price that is not positive, --hac-lags negative or not below
// the number of changes, a --chart file that cannot be written; with two files also dates out of order or
// repeated, dates written two ways in one file, a staleness limit <= 0, FILE and two files together)
// prints one line on stderr and exits with status 2; so does a report that cannot be written (a full
// disk, a closed pipe: > /dev/full).

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <hedgemetrics/hedgemetrics.hpp>

#include "price_csv.hpp"

namespace {

constexpr int exit_bad_input = 2;

// The built-in scenario: synthetic monthly price levels whose changes are exactly Hull's Table 3.2
// (Options, Futures and Other Derivatives, Example 3.3), so the report reproduces h* = 0.78 and
// 37 contracts for 2,000,000 gallons of jet fuel at 42,000 gallons per heating-oil contract.
// The starting levels (2.000 and 2.100 $/gal) and the dates are made up.
constexpr const char* builtin_csv = R"(date,jet_fuel_spot,heating_oil_futures
2024-01-31,2.000,2.100
2024-02-29,2.029,2.121
2024-03-31,2.049,2.156
2024-04-30,2.005,2.110
2024-05-31,2.013,2.111
2024-06-30,2.039,2.155
2024-07-31,2.020,2.126
2024-08-31,2.010,2.100
2024-09-30,2.003,2.071
2024-10-31,2.046,2.119
2024-11-30,2.057,2.113
2024-12-31,2.021,2.077
2025-01-31,2.003,2.066
2025-02-28,2.012,2.085
2025-03-31,1.980,2.058
2025-04-30,2.003,2.087
)";
constexpr const char* builtin_spot = "jet_fuel_spot";
constexpr const char* builtin_hedge = "heating_oil_futures";
constexpr double builtin_exposure = 2'000'000.0;    // gallons of jet fuel
constexpr double builtin_contract_size = 42'000.0;  // gallons per heating-oil futures contract

/// Bad input that is not about the CSV format itself.
class input_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ---------------------------------------------------------------------------------------------------
// The report.

struct settings {
  std::string file;  // empty: the built-in scenario, or two files
  std::string spot;
  std::string hedge;
  std::string exposure_file, hedge_file;  // two files: each side on its own dates
  std::string exposure_column, hedge_column;
  std::string join = "union-as-of";
  std::optional<std::int64_t> max_staleness;  // days; default_max_staleness for the as-of joins
  std::string returns = "changes";
  std::optional<double> exposure;
  std::optional<double> contract_size;
  std::string format = "text";
  std::optional<long> hac_lags;  // none: newey_west_default_lag(n)
  std::string chart;             // empty: no chart

  [[nodiscard]] bool two_files() const { return !exposure_file.empty() || !hedge_file.empty(); }
};

// A weekend and a one-day holiday: Friday's price still stands on Tuesday. Older prices are dropped, so
// that a file that stops (or pauses for weeks) does not lend one flat price to every later date of the
// other; async_hedge uses the same limit on the same FRED files.
constexpr std::int64_t default_max_staleness = 4;

// Kept rows by the age of one side's price: 0, 1, 2, 3, and 4 or more days.
constexpr std::size_t age_buckets = 5;

struct contracts {
  double exposure = 0.0;
  double contract_size = 0.0;
  double optimal = 0.0;  // N* = h*·Q_A/Q_F (changes) or h*·V_A/V_F (returns), not rounded
  // Returns only: the position and one contract valued at the last prices, V_A = Q_A·S and V_F = Q_F·F.
  bool valued = false;
  double spot_price = 0.0, hedge_price = 0.0;
  double exposure_value = 0.0, contract_value = 0.0;
};

/// The t test of H0: h* = null (hedgemetrics::inference with inference_options::null_ratio).
struct ratio_test {
  double null = 0.0;
  double t = 0.0;
  double p = 0.0;
};

/// One file of the two-file mode, and what the join did with it.
struct joined_file {
  std::string file, column;
  price_csv::date_style style = price_csv::date_style::iso;
  bool newest_first = false;
  std::optional<price_csv::date> first, last;  // the file's dates (none for a file without rows)
  hedgemetrics::series_alignment counts;       // observations, non_finite, used, filled, ..., ages
  std::array<std::size_t, age_buckets> ages{};
};

/// The as-of join of the two-file mode.
struct join_summary {
  std::string policy;                   // union-as-of, as-of or inner
  std::int64_t max_staleness = 0;       // days (not used by inner)
  bool default_staleness = false;       // max_staleness is default_max_staleness, not asked for
  hedgemetrics::alignment_report join;  // the counts of hedgemetrics::align
  joined_file exposure, hedge;
};

/// The two price series the report is computed on, one row per date, oldest first, and where each price
/// came from (file and spreadsheet row), for messages.
struct price_rows {
  std::vector<price_csv::date> dates;
  std::vector<double> spot, hedge;
  std::string spot_source, hedge_source;
  std::vector<std::size_t> spot_rows, hedge_rows;
};

struct report {
  std::string source;  // the file(s), or a description of the built-in scenario
  bool builtin = false;
  std::string spot, hedge;
  std::string returns;        // changes, log or simple
  std::string series_name;    // what the hedge was fitted on, in words
  std::size_t rows_read = 0;  // data rows in the file (one file)
  std::size_t rows_aligned = 0;
  bool reordered = false;
  price_csv::date first, last;
  std::optional<join_summary> alignment;  // two files
  hedgemetrics::hedge_fit<double> fit{};
  double naive_effectiveness = 0.0;  // of a 1:1 hedge
  std::size_t dof = 0;
  double t_quantile = 0.0;
  double ratio_low = 0.0, ratio_high = 0.0;
  ratio_test against_zero, against_one;  // H0: h* = 0 and H0: h* = 1 (the naive hedge)
  hedgemetrics::basis_stats<double> basis_unit{}, basis_optimal{};
  std::optional<contracts> position;
  // Newey–West (HAC) inference on h*: the lags, whether they are the automatic rule's, the standard error,
  // the 95% interval (same Student t critical value) and the t tests.
  std::size_t hac_lags = 0;
  bool hac_automatic = true;
  double hac_standard_error = 0.0;
  double hac_low = 0.0, hac_high = 0.0;
  ratio_test hac_zero, hac_one;
  // Tail risk of the P&L per unit of exposure over one period, as losses (historical, downside.hpp).
  double tail_level = 0.975;
  std::string horizon;  // "1-day", "1-week", "1-month" or "1-period", from the median gap between dates
  double unhedged_var = 0.0, unhedged_es = 0.0, hedged_var = 0.0, hedged_es = 0.0;
  // Dollar offset over the whole period: h*·ΣΔF / ΣΔS (the hedge's gain over the exposure's loss).
  double offset_ratio = 0.0;
  bool offset_effective = false;
  bool offset_small = false;  // |ΣΔS| below one period's standard deviation: the ratio is noise
  std::string verdict;
  // For the chart: the dates of the changes' ends and the unhedged and hedged P&L per period.
  std::vector<price_csv::date> change_dates;
  std::vector<double> unhedged_pnl, hedged_pnl;
};

std::string in_quotes(const std::string& text) {
  return price_csv::detail::quoted(text);
}

std::string number(double value, int digits = 6) {
  if (!std::isfinite(value)) return "n/a";
  char text[64];
  std::snprintf(text, sizeof text, "%.*g", digits, value);
  return text;
}

std::string plural(std::size_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

// ---------------------------------------------------------------------------------------------------
// The prices: two columns of one file, or one column of each of two files joined as of date.

price_rows one_file(const price_csv::table& table, report& r) {
  // A column hedged with itself gives h* = 1 and R² = 1, which says nothing: most likely a typo.
  if (price_csv::detail::value_column(table, r.spot) == price_csv::detail::value_column(table, r.hedge)) {
    throw input_error(table.source + ": --spot and --hedge both name the column " + in_quotes(r.spot) +
                      "; a series hedged with itself gives h* = 1 and R^2 = 1 whatever it holds: name two "
                      "different columns (the columns are " +
                      table.value_columns() + ")");
  }
  const price_csv::aligned_columns data = price_csv::align(table, r.spot, r.hedge);
  r.rows_read = data.rows_read;
  r.reordered = data.reordered;
  const std::size_t n = data.dates.size();
  // Three changes (four prices) are the fewest that give h* a standard error (n − 2 ≥ 1).
  if (n < 4) {
    throw input_error(table.source + ": too few rows: " + in_quotes(r.spot) + " and " + in_quotes(r.hedge) +
                      " both have a value on " + std::to_string(n) + " date" + (n == 1 ? "" : "s") +
                      ", and a hedge ratio with a standard error needs at least 4");
  }
  return {data.dates, data.first, data.second, table.source, table.source, data.rows, data.rows};
}

std::int64_t days_since_epoch(const price_csv::date& d) {
  return hedgemetrics::days_from_civil(
      {d.year, static_cast<unsigned>(d.month), static_cast<unsigned>(d.day)});
}

// The column a file's prices are in: the one named, or the file's only value column.
std::string column_of(const price_csv::table& table, const std::string& chosen, const char* option) {
  if (!chosen.empty()) return chosen;
  if (table.header.size() == 2) return std::string(price_csv::detail::trim(table.header[1]));
  throw input_error(table.source + " has " +
                    (table.header.size() < 2 ? std::string("no value column")
                                             : std::to_string(table.header.size() - 1) + " value columns") +
                    ": name the one to use with " + option + "; the columns are " + table.value_columns());
}

price_rows two_files(const settings& options, report& r) {
  // Both files are read before either column is chosen: a missing second file is reported as such, not
  // as a problem of the first.
  const price_csv::table exposure_table = price_csv::read_csv(options.exposure_file);
  const price_csv::table hedge_table = price_csv::read_csv(options.hedge_file);
  const price_csv::dated_column e = price_csv::read_column(
      exposure_table, column_of(exposure_table, options.exposure_column, "--exposure-column"));
  const price_csv::dated_column h =
      price_csv::read_column(hedge_table, column_of(hedge_table, options.hedge_column, "--hedge-column"));
  r.spot = e.name;
  r.hedge = h.name;
  r.reordered = e.reversed || h.reversed;

  std::vector<std::int64_t> e_days, h_days;
  for (const auto& d : e.dates) e_days.push_back(days_since_epoch(d));
  for (const auto& d : h.dates) h_days.push_back(days_since_epoch(d));

  join_summary summary;
  summary.policy = options.join;
  hedgemetrics::align_options how;
  how.policy = options.join == "inner"   ? hedgemetrics::join_policy::inner
               : options.join == "as-of" ? hedgemetrics::join_policy::as_of
                                         : hedgemetrics::join_policy::union_as_of;
  how.anchor = 0;  // as-of: the exposure's dates
  how.max_staleness = options.max_staleness.value_or(default_max_staleness);
  how.missing = hedgemetrics::missing_data::omit;  // a blank or "." is a day without a price
  summary.max_staleness = how.max_staleness;
  summary.default_staleness = !options.max_staleness.has_value();
  hedgemetrics::aligned_series<double> rows;
  try {
    rows = hedgemetrics::align(e_days, e.values, h_days, h.values, how, e.source, h.source);
  } catch (const std::invalid_argument& x) {
    // What align() checks that read_column has not: the staleness limit.
    throw input_error("joining " + e.source + " and " + h.source + ": " + x.what());
  }
  summary.join = rows.report;
  // After the join, whose own checks (the staleness limit) come first.
  if (options.exposure_file == options.hedge_file && e.name == h.name) {
    throw input_error(e.source + ": the exposure and the hedge are both its column " + in_quotes(e.name) +
                      "; a series hedged with itself gives h* = 1 and R^2 = 1 whatever it holds: name two "
                      "different columns or files");
  }

  price_rows out;
  out.spot_source = e.source;
  out.hedge_source = h.source;
  const std::size_t n = rows.time.size();
  // The file row of each price used: the observation stamped time − age.
  auto file_rows = [&](const price_csv::dated_column& c, const std::vector<std::int64_t>& days,
                       std::size_t j) {
    std::vector<std::size_t> where(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::int64_t stamp = rows.time[i] - rows.age[j][i];
      where[i] =
          c.rows[static_cast<std::size_t>(std::lower_bound(days.begin(), days.end(), stamp) - days.begin())];
    }
    return where;
  };
  out.spot_rows = file_rows(e, e_days, 0);
  out.hedge_rows = file_rows(h, h_days, 1);
  for (const std::int64_t t : rows.time) {
    const hedgemetrics::civil_date d = hedgemetrics::civil_from_days(t);
    out.dates.push_back({d.year, static_cast<int>(d.month), static_cast<int>(d.day)});
  }
  out.spot = rows.values[0];
  out.hedge = rows.values[1];

  auto describe = [&](const price_csv::dated_column& c, std::size_t j) {
    joined_file f;
    f.file = c.source;
    f.column = c.name;
    f.style = c.style;
    f.newest_first = c.reversed;
    if (!c.dates.empty()) {
      f.first = c.dates.front();
      f.last = c.dates.back();
    }
    f.counts = rows.report.series[j];
    for (const std::int64_t age : rows.age[j]) {
      ++f.ages[static_cast<std::size_t>(std::min<std::int64_t>(age, age_buckets - 1))];
    }
    return f;
  };
  summary.exposure = describe(e, 0);
  summary.hedge = describe(h, 1);
  r.alignment = summary;

  if (n < 4) {
    const auto& j = rows.report;
    std::string why = plural(j.candidate_rows, "candidate date");
    if (j.dropped_stale > 0) {
      why += ", " + std::to_string(j.dropped_stale) + " dropped as staler than " +
             plural(static_cast<std::size_t>(how.max_staleness), "day");
    }
    if (j.dropped_no_earlier_value > 0) {
      why += ", " + std::to_string(j.dropped_no_earlier_value) + " before both files had a price";
    }
    if (j.dropped_not_in_all > 0) why += ", " + std::to_string(j.dropped_not_in_all) + " in one file only";
    throw input_error("too few rows: " + e.source + " (" + in_quotes(e.name) + ") and " + h.source + " (" +
                      in_quotes(h.name) + ") joined " + options.join + " give " + plural(n, "row") + " (" +
                      why + "), and a hedge ratio with a standard error needs at least 4" +
                      (j.dropped_stale > 0 ? " (a larger --max-staleness keeps stale rows)" : ""));
  }
  return out;
}

report make_report(const settings& options) {
  report r;
  price_rows data;
  if (options.two_files()) {
    data = two_files(options, r);
    r.source = options.exposure_file + " and " + options.hedge_file;
  } else {
    r.builtin = options.file.empty();
    const price_csv::table table = r.builtin ? price_csv::parse_csv(builtin_csv, "built-in scenario")
                                             : price_csv::read_csv(options.file);
    r.spot = options.spot.empty() && r.builtin ? builtin_spot : options.spot;
    r.hedge = options.hedge.empty() && r.builtin ? builtin_hedge : options.hedge;
    if (r.spot.empty() || r.hedge.empty()) {
      throw input_error("name the exposure and the hedge with --spot COL --hedge COL; the columns of " +
                        options.file + " are " + table.value_columns());
    }
    data = one_file(table, r);
    r.source = r.builtin ? "built-in scenario (synthetic monthly prices whose changes are Hull's Table 3.2)"
                         : options.file;
  }
  const std::size_t n = data.dates.size();
  r.rows_aligned = n;
  r.first = data.dates.front();
  r.last = data.dates.back();

  const std::vector<double>& spot = data.spot;
  const std::vector<double>& futures = data.hedge;
  std::vector<double> spot_series, futures_series;
  r.returns = options.returns;
  if (options.returns == "log") {
    for (std::size_t i = 0; i < n; ++i) {
      if (spot[i] <= 0.0 || futures[i] <= 0.0) {
        std::string what;
        if (spot[i] <= 0.0) what += in_quotes(r.spot) + " is " + number(spot[i], 10);
        if (futures[i] <= 0.0)
          what += (what.empty() ? "" : " and ") + in_quotes(r.hedge) + " is " + number(futures[i], 10);
        throw input_error((spot[i] <= 0.0 ? data.spot_source : data.hedge_source) +
                          ": --returns log needs positive prices, but on " + data.dates[i].iso() + " " +
                          what + " (use price changes, the default, or --returns simple)");
      }
    }
    spot_series = hedgemetrics::log_returns(spot);
    futures_series = hedgemetrics::log_returns(futures);
    r.series_name = "log returns";
  } else if (options.returns == "simple") {
    for (std::size_t i = 0; i + 1 < n; ++i) {
      if (spot[i] == 0.0 || futures[i] == 0.0) {
        throw input_error((spot[i] == 0.0 ? data.spot_source : data.hedge_source) +
                          ": --returns simple divides by the previous price, but on " + data.dates[i].iso() +
                          " " + in_quotes(spot[i] == 0.0 ? r.spot : r.hedge) +
                          " is 0 (use price changes, the default)");
      }
    }
    spot_series = hedgemetrics::simple_returns(spot);
    futures_series = hedgemetrics::simple_returns(futures);
    r.series_name = "simple returns";
  } else {
    spot_series = hedgemetrics::price_changes(spot);
    futures_series = hedgemetrics::price_changes(futures);
    r.series_name = "price changes";
  }

  // A change or return beyond the range of double (1.7e308 after -1.7e308) names its own column and rows,
  // before any figure is computed from it.
  const std::size_t steps = spot_series.size();
  for (std::size_t t = 0; t < steps; ++t) {
    for (const bool is_spot : {true, false}) {
      const double value = is_spot ? spot_series[t] : futures_series[t];
      if (std::isfinite(value)) continue;
      const std::vector<double>& levels = is_spot ? spot : futures;
      const std::vector<std::size_t>& rows = is_spot ? data.spot_rows : data.hedge_rows;
      throw input_error((is_spot ? data.spot_source : data.hedge_source) + ": the " +
                        r.series_name.substr(0, r.series_name.size() - 1) + " of " +
                        in_quotes(is_spot ? r.spot : r.hedge) + " from " + data.dates[t].iso() + " (row " +
                        std::to_string(rows[t]) + ", " + number(levels[t], 10) + ") to " +
                        data.dates[t + 1].iso() + " (row " + std::to_string(rows[t + 1]) + ", " +
                        number(levels[t + 1], 10) + ") is beyond the range of double (above 1.8e308)");
    }
  }

  // The exposure is held long and the hedge sold: the hedged position is S − h·F.
  r.fit = hedgemetrics::fit_hedge(spot_series, futures_series);
  if (!std::isfinite(r.fit.ratio)) {
    bool hedge_constant = true, hedge_still = true;
    for (const double v : futures_series) {
      hedge_constant = hedge_constant && v == futures_series.front();
      hedge_still = hedge_still && v == 0.0;
    }
    const std::string& source = data.hedge_source;
    if (hedge_still) {
      throw input_error(source + ": " + in_quotes(r.hedge) + " does not change from " + r.first.iso() +
                        " to " + r.last.iso() + ", so no hedge ratio exists");
    }
    if (hedge_constant) {
      throw input_error(source + ": the " + r.series_name + " of " + in_quotes(r.hedge) +
                        " are all equal from " + r.first.iso() + " to " + r.last.iso() +
                        ", so they have no variance and no hedge ratio exists");
    }
    if (std::isinf(r.fit.ratio)) {
      throw input_error(source + ": h* of " + in_quotes(r.spot) + " on " + in_quotes(r.hedge) +
                        " is beyond the range of double: the " + r.series_name +
                        " of the exposure are more than 1.8e308 times those of the hedge");
    }
    // Not a caller error: a figure the library should have given. Say so rather than print NaN.
    throw input_error(source + ": hedgemetrics gave no hedge ratio (NaN) although the " + r.series_name +
                      " of " + in_quotes(r.hedge) + " vary; their magnitude (" +
                      number(futures_series.front(), 3) + ", ...) may be beyond what it handles");
  }
  r.naive_effectiveness = hedgemetrics::hedge_effectiveness(spot_series, futures_series, 1.0);
  r.dof = r.fit.n - 2;
  r.t_quantile = hedgemetrics::student_t_critical_value(0.95, static_cast<double>(r.dof));
  r.ratio_low = r.fit.ratio - r.t_quantile * r.fit.ratio_standard_error;
  r.ratio_high = r.fit.ratio + r.t_quantile * r.fit.ratio_standard_error;
  for (ratio_test* test : {&r.against_zero, &r.against_one}) {
    hedgemetrics::inference_options how;
    how.null_ratio = test == &r.against_one ? 1.0 : 0.0;
    const auto tested = hedgemetrics::inference(r.fit, how).ratios.front();
    *test = {how.null_ratio, tested.t_statistic, tested.p_value};
  }

  // Newey–West standard error of h*: the default lag is the automatic rule, stated in the report.
  hedgemetrics::hac_options hac;
  if (options.hac_lags) {
    if (static_cast<std::size_t>(*options.hac_lags) >= r.fit.n) {
      throw input_error("--hac-lags " + std::to_string(*options.hac_lags) + " is not below the " +
                        std::to_string(r.fit.n) + " " + r.series_name +
                        ": a Newey-West estimate needs fewer lags than observations");
    }
    hac.lag = *options.hac_lags;
  }
  r.hac_automatic = !options.hac_lags.has_value();
  const auto covariance = hedgemetrics::newey_west(spot_series, futures_series, r.fit, hac);
  r.hac_lags = covariance.lag;
  r.hac_standard_error = covariance.ratio_standard_errors(0);
  for (ratio_test* test : {&r.hac_zero, &r.hac_one}) {
    hedgemetrics::inference_options how;
    how.null_ratio = test == &r.hac_one ? 1.0 : 0.0;
    const auto tested = hedgemetrics::inference(r.fit, covariance, how).ratios.front();
    *test = {how.null_ratio, tested.t_statistic, tested.p_value};
    r.hac_low = tested.lower;
    r.hac_high = tested.upper;
  }

  // Tail risk per unit of exposure over one period: the P&L of the exposure held long, ΔS, and of the
  // hedged position, ΔS − h*·ΔF.
  r.unhedged_pnl = spot_series;
  r.hedged_pnl.resize(steps);
  for (std::size_t t = 0; t < steps; ++t) r.hedged_pnl[t] = spot_series[t] - r.fit.ratio * futures_series[t];
  hedgemetrics::downside_options tail;
  tail.level = r.tail_level;
  r.unhedged_var = hedgemetrics::value_at_risk(r.unhedged_pnl, tail);
  r.unhedged_es = hedgemetrics::expected_shortfall(r.unhedged_pnl, tail);
  r.hedged_var = hedgemetrics::value_at_risk(r.hedged_pnl, tail);
  r.hedged_es = hedgemetrics::expected_shortfall(r.hedged_pnl, tail);
  r.change_dates.assign(data.dates.begin() + 1, data.dates.end());
  std::vector<std::int64_t> gaps;
  for (std::size_t i = 1; i < n; ++i) {
    gaps.push_back(days_since_epoch(data.dates[i]) - days_since_epoch(data.dates[i - 1]));
  }
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
  const std::int64_t gap = gaps[gaps.size() / 2];
  r.horizon = gap <= 4 ? "1-day" : gap <= 10 ? "1-week" : gap >= 25 && gap <= 35 ? "1-month" : "1-period";

  // The dollar-offset rule on the whole period (the cumulative dollar offset of hedge accounting): the
  // hedge's gain h*·ΣΔF against the exposure's change ΣΔS, effective within 80% to 125%.
  const double exposure_total = hedgemetrics::mean(spot_series) * static_cast<double>(steps);
  const double hedge_total = hedgemetrics::mean(futures_series) * static_cast<double>(steps);
  r.offset_ratio = r.fit.ratio * hedge_total / exposure_total;
  r.offset_effective = r.offset_ratio >= 0.8 && r.offset_ratio <= 1.25;
  r.offset_small = std::fabs(exposure_total) < std::sqrt(r.fit.exposure_variance);

  // Basis on price levels, b = S − ratio·F: Hull's basis (ratio 1) and the basis of the h* hedge.
  r.basis_unit = hedgemetrics::basis_risk(spot, futures);
  r.basis_optimal = hedgemetrics::basis_risk(spot, futures, r.fit.ratio);

  std::optional<double> exposure = options.exposure;
  std::optional<double> contract_size = options.contract_size;
  if (r.builtin && !exposure && !contract_size) {
    exposure = builtin_exposure;
    contract_size = builtin_contract_size;
  }
  if (exposure && contract_size) {
    contracts c;
    c.exposure = *exposure;
    c.contract_size = *contract_size;
    if (r.returns == "changes") {
      c.optimal = hedgemetrics::optimal_contracts(r.fit.ratio, c.exposure, c.contract_size);
    } else {
      // h* of returns hedges a value with a value: N* = h*·V_A/V_F, each quantity valued at its last price.
      c.valued = true;
      c.spot_price = spot.back();
      c.hedge_price = futures.back();
      if (!(c.spot_price > 0.0) || !(c.hedge_price > 0.0)) {
        const bool spot_bad = !(c.spot_price > 0.0);
        throw input_error((spot_bad ? data.spot_source : data.hedge_source) + ": with --returns " +
                          r.returns +
                          " the contracts hedge the value of the exposure, at the last prices, but on " +
                          r.last.iso() + " " + in_quotes(spot_bad ? r.spot : r.hedge) + " is " +
                          number(spot_bad ? c.spot_price : c.hedge_price, 10) +
                          " (use price changes, the default, for contracts)");
      }
      c.exposure_value = c.exposure * c.spot_price;
      c.contract_value = c.contract_size * c.hedge_price;
      c.optimal = hedgemetrics::optimal_contracts(r.fit.ratio, c.exposure_value, c.contract_value);
    }
    r.position = c;
  }
  return r;
}

// ---------------------------------------------------------------------------------------------------
// Output.

std::string fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string padded(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string percent(double share, int decimals = 1) {
  return fixed(100.0 * share, decimals) + "%";
}

// The conclusion first, in one line a risk manager can paste into a memo: how much variance the hedge
// removes, how sure we are of the ratio (the HAC interval, robust to the autocorrelation and volatility
// clustering of daily changes), what happens to the tail (ES before and after), and the accounting
// rule's yes/no. The dollar offset is the cumulative one over the whole period (the form hedge
// documentation usually designates); a period-by-period offset fails on small moves and says little.
std::string verdict_of(const report& r) {
  std::string v = "Hedge (h* = " + number(r.fit.ratio, 4) + ") reduces the variance of " + r.series_name +
                  " by " + percent(r.fit.effectiveness) + " (HAC 95% CI for h*: [" + number(r.hac_low, 4) +
                  ", " + number(r.hac_high, 4) + "]";
  if (r.hac_low <= 0.0 && r.hac_high >= 0.0) v += ", not significantly different from 0";
  v += "); " + r.horizon + " " + fixed(100.0 * r.tail_level, 1) + "% ES per unit " +
       number(r.unhedged_es, 4) + " -> " + number(r.hedged_es, 4) +
       "; effective under the 80-125% dollar-offset rule (cumulative offset " + percent(r.offset_ratio) +
       "): " + (r.offset_effective ? "yes" : "no") +
       (r.offset_small ? " (unreliable: the exposure's net change is under one period's standard deviation)"
                       : "");
  return v;
}

// The cumulative unhedged and hedged P&L per unit of exposure as a self-contained SVG: two polylines on
// shared axes, the zero line, the first, middle and last dates, and a legend. The colours are those of
// plot_rolling_hedge.sh. Throws input_error when the file cannot be written.
void write_chart(const report& r, const std::string& path) {
  const std::size_t m = r.unhedged_pnl.size();
  std::vector<double> unhedged(m + 1, 0.0), hedged(m + 1, 0.0);
  for (std::size_t t = 0; t < m; ++t) {
    unhedged[t + 1] = unhedged[t] + r.unhedged_pnl[t];
    hedged[t + 1] = hedged[t] + r.hedged_pnl[t];
  }
  double lo = 0.0, hi = 0.0;
  for (std::size_t t = 0; t <= m; ++t) {
    lo = std::min({lo, unhedged[t], hedged[t]});
    hi = std::max({hi, unhedged[t], hedged[t]});
  }
  if (!(hi > lo) || !std::isfinite(hi - lo)) hi = lo + 1.0;
  constexpr double width = 960, height = 540, left = 90, right = 20, top = 50, bottom = 60;
  const auto x_of = [&](std::size_t t) {
    return left + (width - left - right) * static_cast<double>(t) / static_cast<double>(m);
  };
  const auto y_of = [&](double v) { return top + (height - top - bottom) * (hi - v) / (hi - lo); };
  const auto escaped = [](const std::string& text) {
    std::string out;
    for (const char ch : text) {
      out += ch == '&'   ? std::string("&amp;")
             : ch == '<' ? std::string("&lt;")
             : ch == '>' ? "&gt;"
                         : std::string(1, ch);
    }
    return out;
  };
  const auto points = [&](const std::vector<double>& y) {
    std::string out;
    char xy[64];
    for (std::size_t t = 0; t <= m; ++t) {
      std::snprintf(xy, sizeof xy, "%s%.2f,%.2f", t == 0 ? "" : " ", x_of(t), y_of(y[t]));
      out += xy;
    }
    return out;
  };
  char buffer[256];
  std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  std::snprintf(buffer, sizeof buffer,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f "
                "%.0f\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"13\">\n",
                width, height, width, height);
  svg += buffer;
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<text x=\"" + fixed(width / 2, 0) + "\" y=\"24\" text-anchor=\"middle\" font-size=\"14\">" +
         escaped("Cumulative P&L per unit of exposure: " + r.spot + " long, hedged with " +
                 number(r.fit.ratio, 4) + " x " + r.hedge + " (" + r.series_name + ")") +
         "</text>\n";
  std::snprintf(
      buffer, sizeof buffer,
      "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#808080\"/>\n", left,
      top, width - left - right, height - top - bottom);
  svg += buffer;
  for (const double v : {lo, 0.0, hi}) {
    std::snprintf(buffer, sizeof buffer,
                  "<line x1=\"%.0f\" y1=\"%.2f\" x2=\"%.0f\" y2=\"%.2f\" stroke=\"#d0d0d0\"/>"
                  "<text x=\"%.0f\" y=\"%.2f\" text-anchor=\"end\">%s</text>\n",
                  left, y_of(v), width - right, y_of(v), left - 6, y_of(v) + 4, number(v, 4).c_str());
    svg += buffer;
  }
  if (m > 0) {
    for (const std::size_t t : {std::size_t{0}, m / 2, m - 1}) {
      std::snprintf(buffer, sizeof buffer, "<text x=\"%.2f\" y=\"%.0f\" text-anchor=\"middle\">%s</text>\n",
                    x_of(t + 1), height - bottom + 20, r.change_dates[t].iso().c_str());
      svg += buffer;
    }
  }
  // Each curve: its polyline, and its entry in the legend (a short line of its colour and its label).
  struct curve {
    const char* id;
    const char* colour;
    const char* label;
    const std::vector<double>& values;
  };
  const curve curves[] = {{"unhedged", "#c0c0c0", "unhedged", unhedged},
                          {"hedged", "#1f4e9c", "hedged (h*)", hedged}};
  std::string legend;
  for (std::size_t i = 0; i < std::size(curves); ++i) {
    const curve& c = curves[i];
    svg += std::string("<polyline id=\"") + c.id + "\" fill=\"none\" stroke=\"" + c.colour +
           "\" stroke-width=\"1.5\" points=\"" + points(c.values) + "\"/>\n";
    const int y = 18 * static_cast<int>(i);
    std::snprintf(buffer, sizeof buffer,
                  "<line x1=\"0\" y1=\"%d\" x2=\"24\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>"
                  "<text x=\"30\" y=\"%d\">%s</text>",
                  y, y, c.colour, y + 4, c.label);
    legend += buffer;
  }
  std::snprintf(buffer, sizeof buffer, "<g transform=\"translate(%.0f,%.0f)\">", left + 12, top + 16);
  svg += buffer + legend + "</g>\n";
  svg += "<text x=\"" + fixed(width / 2, 0) + "\" y=\"" + fixed(height - 14, 0) +
         "\" text-anchor=\"middle\">" +
         escaped("h* = " + number(r.fit.ratio, 4) + ": variance reduced by " + percent(r.fit.effectiveness) +
                 ", " + r.horizon + " " + fixed(100.0 * r.tail_level, 1) + "% ES " +
                 number(r.unhedged_es, 4) + " -> " + number(r.hedged_es, 4) + " per unit") +
         "</text>\n</svg>\n";
  errno = 0;
  std::FILE* file = std::fopen(path.c_str(), "wb");
  const int open_error = file == nullptr ? errno : 0;
  bool written = file != nullptr && std::fwrite(svg.data(), 1, svg.size(), file) == svg.size();
  const int write_error = errno;
  if (file != nullptr && std::fclose(file) != 0) written = false;
  if (!written) {
    const int cause = file == nullptr ? open_error : write_error;
    throw input_error("--chart: cannot write \"" + path + "\"" +
                      (cause != 0 ? std::string(": ") + std::strerror(cause) : std::string()));
  }
}

// The heading of the alignment section, and what the join does in words.
std::string join_heading(const join_summary& a) {
  std::string heading = "Alignment: " + a.policy + " join";
  if (a.policy != "inner") {
    heading += ", prices at most " + plural(static_cast<std::size_t>(a.max_staleness), "day") + " old" +
               (a.default_staleness ? " (the default)" : "");
  }
  const char* what =
      a.policy == "inner" ? "a row on every date both files have a price"
      : a.policy == "as-of"
          ? "a row on every date the exposure has a price; the hedge gives its last price at or "
            "before it"
          : "a row on every date either file has a price; each gives its last price at or "
            "before it";
  return heading + "\n  (" + what + ")\n";
}

std::string alignment_text(const join_summary& a) {
  std::string out = "\n" + join_heading(a);
  auto row = [&out](const std::string& label, const std::string& exposure, const std::string& hedge) {
    out += "  " + padded(label, 24) + padded(exposure, 16) + hedge + "\n";
  };
  auto both = [&](const std::string& label, auto field) { row(label, field(a.exposure), field(a.hedge)); };
  auto count = [](std::size_t n) { return std::to_string(n); };
  row("", "exposure", "hedge");
  both("dates written",
       [](const joined_file& f) { return std::string(price_csv::date_style_name(f.style)); });
  both("order in file",
       [](const joined_file& f) { return f.newest_first ? "newest first" : "oldest first"; });
  both("first date", [](const joined_file& f) { return f.first ? f.first->iso() : std::string("none"); });
  both("last date", [](const joined_file& f) { return f.last ? f.last->iso() : std::string("none"); });
  both("rows in file", [&](const joined_file& f) { return count(f.counts.observations); });
  both("missing prices", [&](const joined_file& f) { return count(f.counts.non_finite); });
  both("prices used", [&](const joined_file& f) { return count(f.counts.used); });
  both("dates lacked", [&](const joined_file& f) { return count(f.counts.filled); });
  both("dropped: no price yet", [&](const joined_file& f) { return count(f.counts.no_earlier_value); });
  both("dropped: stale", [&](const joined_file& f) { return count(f.counts.stale); });
  for (std::size_t k = 0; k < age_buckets; ++k) {
    const std::string days = k + 1 == age_buckets ? std::to_string(k) + "+ days"
                             : k == 1             ? std::string("1 day")
                                                  : std::to_string(k) + " days";
    row((k == 0 ? "rows by age: " : "             ") + days, count(a.exposure.ages[k]),
        count(a.hedge.ages[k]));
  }
  both("max age (days)", [](const joined_file& f) { return std::to_string(f.counts.max_age); });
  both("mean age (days)", [](const joined_file& f) { return fixed(f.counts.mean_age, 4); });
  const auto& j = a.join;
  auto line = [&out](const std::string& label, const std::string& value) {
    out += "  " + padded(label, 24) + value + "\n";
  };
  // With two files, inner's candidates (rows kept + prices whose date the other file lacks) are the
  // dates either file has a price on, as union-as-of's are; as-of's are the exposure's.
  line("candidate dates", count(j.candidate_rows) + (a.policy == "as-of" ? " (with an exposure price)"
                                                                         : " (with a price in either file)"));
  line("rows kept", count(j.rows));
  if (a.policy == "inner") {
    line("rows dropped", count(j.dropped_not_in_all) + " dates with a price in one file only");
  } else {
    line("rows dropped", count(j.dropped_no_earlier_value) + " before both files had a price, " +
                             count(j.dropped_stale) + " stale (a price older than " +
                             plural(static_cast<std::size_t>(a.max_staleness), "day") + ")");
  }
  out +=
      "  (dates lacked: kept rows where the file had no price that day and its last earlier one was used;\n"
      "  missing prices: blank or \".\" cells, skipped; a row dropped for both files counts once)\n";
  return out;
}

std::string text_report(const report& r) {
  const auto& fit = r.fit;
  std::string out;
  auto line = [&out](const std::string& label, const std::string& value) {
    out += "  " + padded(label, 24) + value + "\n";
  };
  out += "Hedge report: " + r.source + "\n";
  if (r.alignment) {
    const auto& a = *r.alignment;
    line("exposure (spot, long)", in_quotes(r.spot) + " of " + a.exposure.file);
    line("hedge (futures, sold)", in_quotes(r.hedge) + " of " + a.hedge.file);
    line("period", r.first.iso() + " to " + r.last.iso());
    line("rows", std::to_string(r.rows_aligned) + " joined (" + a.policy + "), of " +
                     std::to_string(a.join.candidate_rows) + " candidate dates");
  } else {
    line("exposure (spot, long)", r.spot);
    line("hedge (futures, sold)", r.hedge);
    line("period", r.first.iso() + " to " + r.last.iso() + (r.reordered ? " (rows sorted by date)" : ""));
    line("rows",
         std::to_string(r.rows_aligned) + " with both values, of " + std::to_string(r.rows_read) + " read");
  }
  line("fitted on", r.series_name + ", n = " + std::to_string(fit.n));
  out += "\nVerdict: " + verdict_of(r) + "\n";
  if (r.alignment) out += alignment_text(*r.alignment);
  out += "\nMinimum-variance hedge (OLS of exposure " + r.series_name + " on hedge " + r.series_name + ")\n";
  line("h*", number(fit.ratio) + "  (standard error " + number(fit.ratio_standard_error, 3) + ")");
  // The critical value is not the slope's t: say what it is, and give the t tests on lines of their own.
  line("95% interval", "[" + number(r.ratio_low) + ", " + number(r.ratio_high) + "]  (h* +/- " +
                           fixed(r.t_quantile, 4) + " x standard error; " + fixed(r.t_quantile, 4) +
                           " is the 97.5% quantile of Student's t with " + std::to_string(r.dof) +
                           " degrees of freedom)");
  const auto test_line = [&](const std::string& label, const ratio_test& test) {
    line(label, "t = " + number(test.t, 5) + ", p = " +
                    (test.p > 0.0 || !std::isfinite(test.p) ? number(test.p, 3) : std::string("< 1e-307")) +
                    "  (two-sided)");
  };
  test_line("test h* = 0", r.against_zero);
  test_line("test h* = 1 (1:1 hedge)", r.against_one);
  line("HAC standard error",
       number(r.hac_standard_error, 3) + "  (Newey-West, Bartlett kernel, " + plural(r.hac_lags, "lag") +
           (r.hac_automatic ? ": the default floor(4 (n/100)^(2/9))" : ": --hac-lags") + ")");
  line("HAC 95% interval", "[" + number(r.hac_low) + ", " + number(r.hac_high) + "]  (h* +/- " +
                               fixed(r.t_quantile, 4) + " x HAC standard error)");
  test_line("HAC test h* = 0", r.hac_zero);
  test_line("HAC test h* = 1", r.hac_one);
  line("effectiveness", fixed(fit.effectiveness, 4) + "  (share of variance removed; a 1:1 hedge removes " +
                            fixed(r.naive_effectiveness, 4) + ")");
  line("correlation", fixed(fit.correlation, 4));
  line("variance", "exposure " + number(fit.exposure_variance, 5) + ", hedged " +
                       number(fit.residual_variance, 5) + " (residual, n - 1)");
  line("std deviation", "exposure " + number(std::sqrt(fit.exposure_variance), 5) + ", hedge " +
                            number(std::sqrt(fit.hedge_variance), 5) + ", hedged " +
                            number(std::sqrt(fit.residual_variance), 5));

  out +=
      "\nTail risk, " + r.horizon + " " + r.series_name + " per unit of exposure (historical, as losses)\n";
  out += "  " + padded("", 24) + padded("unhedged", 16) + "hedged (h*)\n";
  out += "  " + padded(fixed(100.0 * r.tail_level, 1) + "% VaR", 24) + padded(number(r.unhedged_var, 5), 16) +
         number(r.hedged_var, 5) + "\n";
  out += "  " + padded(fixed(100.0 * r.tail_level, 1) + "% ES", 24) + padded(number(r.unhedged_es, 5), 16) +
         number(r.hedged_es, 5) + "\n";
  line("dollar offset",
       percent(r.offset_ratio) + "  (h* x sum of hedge changes / sum of exposure changes over " +
           "the period; effective within 80% to 125%: " + (r.offset_effective ? "yes" : "no") + ")");

  out += "\nBasis on price levels, b = spot - ratio x futures\n";
  const std::string h_label = "ratio h* = " + number(fit.ratio, 4);
  out += "  " + padded("", 24) + padded("ratio 1", 16) + h_label + "\n";
  auto row = [&](const std::string& label, double unit, double optimal) {
    out += "  " + padded(label, 24) + padded(number(unit, 5), 16) + number(optimal, 5) + "\n";
  };
  const auto& b1 = r.basis_unit;
  const auto& bh = r.basis_optimal;
  row("mean", b1.mean, bh.mean);
  row("std deviation", b1.stddev, bh.stddev);
  row("std dev of changes", b1.change_stddev, bh.change_stddev);
  row("min", b1.min, bh.min);
  row("max", b1.max, bh.max);
  row("last (" + r.last.iso() + ")", b1.last, bh.last);

  out += "\n";
  if (r.position) {
    const auto& p = *r.position;
    if (p.valued) {
      // h* of returns: the quantities valued at the last prices (Hull eq. 3.3), shown so that nothing is
      // implied.
      out += "Contracts: N* = h* x V_A / V_F = h* x (" + number(p.exposure, 10) + " x " +
             number(p.spot_price, 10) + ") / (" + number(p.contract_size, 10) + " x " +
             number(p.hedge_price, 10) + ") = " + fixed(p.optimal, 2) + " -> " +
             fixed(std::round(p.optimal), 0) + " contracts\n" + "  (h* is a ratio of " + r.series_name +
             ", so the exposure and one contract are valued at the " + "last prices, " + r.last.iso() +
             ": V_A = " + number(p.exposure_value, 10) + ", V_F = " + number(p.contract_value, 10) + ")\n";
    } else {
      out += "Contracts: N* = h* x " + number(p.exposure, 10) + " / " + number(p.contract_size, 10) + " = " +
             fixed(p.optimal, 2) + " -> " + fixed(std::round(p.optimal), 0) + " contracts" +
             (r.builtin && p.exposure == builtin_exposure && p.contract_size == builtin_contract_size
                  ? " (Hull's 2,000,000 gallons, 42,000 per contract)"
                  : "") +
             "\n";
    }
  } else {
    out +=
        "Contracts: give --exposure Q --contract-size Q (quantities, in the units the prices are quoted "
        "per) for N* = h* x Q / Q_F\n";
  }
  return out;
}

std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char ch : text) {
    const auto code = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (code < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(code));
      out += escaped;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string json_basis(const hedgemetrics::basis_stats<double>& b) {
  return "{\"ratio\": " + json_number(b.ratio) + ", \"n\": " + std::to_string(b.n) +
         ", \"mean\": " + json_number(b.mean) + ", \"variance\": " + json_number(b.variance) +
         ", \"stddev\": " + json_number(b.stddev) +
         ", \"change_variance\": " + json_number(b.change_variance) +
         ", \"change_stddev\": " + json_number(b.change_stddev) + ", \"min\": " + json_number(b.min) +
         ", \"max\": " + json_number(b.max) + ", \"last\": " + json_number(b.last) + "}";
}

std::string json_joined_file(const joined_file& f) {
  const auto& c = f.counts;
  std::string ages;
  for (std::size_t k = 0; k < age_buckets; ++k) ages += (k > 0 ? ", " : "") + std::to_string(f.ages[k]);
  return "{\"file\": " + json_string(f.file) + ", \"column\": " + json_string(f.column) +
         ", \"date_format\": " + json_string(price_csv::date_style_name(f.style)) +
         ", \"newest_first\": " + (f.newest_first ? "true" : "false") +
         ", \"first_date\": " + (f.first ? json_string(f.first->iso()) : "null") +
         ", \"last_date\": " + (f.last ? json_string(f.last->iso()) : "null") +
         ", \"rows_read\": " + std::to_string(c.observations) +
         ", \"missing\": " + std::to_string(c.non_finite) + ", \"used\": " + std::to_string(c.used) +
         ", \"dates_lacked\": " + std::to_string(c.filled) +
         ", \"no_earlier_value\": " + std::to_string(c.no_earlier_value) +
         ", \"stale\": " + std::to_string(c.stale) + ", \"max_age_days\": " + std::to_string(c.max_age) +
         ", \"mean_age_days\": " + json_number(c.mean_age) + ", \"rows_by_age_days\": [" + ages + "]}";
}

std::string json_alignment(const join_summary& a) {
  const auto& j = a.join;
  return "{\n    \"join\": " + json_string(a.policy) + ",\n    \"max_staleness_days\": " +
         (a.policy == "inner" ? "null" : std::to_string(a.max_staleness)) +
         ",\n    \"candidate_rows\": " + std::to_string(j.candidate_rows) +
         ",\n    \"rows\": " + std::to_string(j.rows) +
         ",\n    \"dropped_not_in_both\": " + std::to_string(j.dropped_not_in_all) +
         ",\n    \"dropped_no_earlier_value\": " + std::to_string(j.dropped_no_earlier_value) +
         ",\n    \"dropped_stale\": " + std::to_string(j.dropped_stale) +
         ",\n    \"exposure\": " + json_joined_file(a.exposure) +
         ",\n    \"hedge\": " + json_joined_file(a.hedge) + "\n  }";
}

std::string json_report(const report& r) {
  const auto& fit = r.fit;
  std::string out = "{\n";
  auto field = [&out](const std::string& key, const std::string& value, bool last = false) {
    out += "  " + json_string(key) + ": " + value + (last ? "\n" : ",\n");
  };
  field("source", json_string(r.builtin ? "built-in" : r.alignment ? "files" : "file"));
  field("file", r.builtin || r.alignment ? "null" : json_string(r.source));
  field("spot", json_string(r.spot));
  field("hedge", json_string(r.hedge));
  field("returns", json_string(r.returns));
  field("rows_read", r.alignment ? "null" : std::to_string(r.rows_read));  // two files: see "alignment"
  field("rows_aligned", std::to_string(r.rows_aligned));
  field("sorted_by_date", r.reordered ? "true" : "false");
  field("alignment", r.alignment ? json_alignment(*r.alignment) : "null");
  field("first_date", json_string(r.first.iso()));
  field("last_date", json_string(r.last.iso()));
  field("n", std::to_string(fit.n));
  field("hedge_ratio", json_number(fit.ratio));
  field("hedge_ratio_standard_error", json_number(fit.ratio_standard_error));
  field("degrees_of_freedom", std::to_string(r.dof));
  field("t_quantile_975", json_number(r.t_quantile));
  field("hedge_ratio_ci95", "[" + json_number(r.ratio_low) + ", " + json_number(r.ratio_high) + "]");
  field("hedge_ratio_t_vs_0", json_number(r.against_zero.t));
  field("hedge_ratio_p_vs_0", json_number(r.against_zero.p));
  field("hedge_ratio_t_vs_1", json_number(r.against_one.t));
  field("hedge_ratio_p_vs_1", json_number(r.against_one.p));
  field("intercept", json_number(fit.intercept));
  field("intercept_standard_error", json_number(fit.intercept_standard_error));
  field("effectiveness", json_number(fit.effectiveness));
  field("naive_effectiveness", json_number(r.naive_effectiveness));
  field("correlation", json_number(fit.correlation));
  field("exposure_mean", json_number(fit.exposure_mean));
  field("hedge_mean", json_number(fit.hedge_mean));
  field("exposure_variance", json_number(fit.exposure_variance));
  field("hedge_variance", json_number(fit.hedge_variance));
  field("covariance", json_number(fit.covariance));
  field("residual_variance", json_number(fit.residual_variance));
  field("residual_standard_error", json_number(fit.residual_standard_error));
  field("hac_lags", std::to_string(r.hac_lags));
  field("hac_lags_rule", json_string(r.hac_automatic ? "floor(4*(n/100)^(2/9))" : "--hac-lags"));
  field("hedge_ratio_hac_standard_error", json_number(r.hac_standard_error));
  field("hedge_ratio_hac_ci95", "[" + json_number(r.hac_low) + ", " + json_number(r.hac_high) + "]");
  field("hedge_ratio_hac_t_vs_0", json_number(r.hac_zero.t));
  field("hedge_ratio_hac_p_vs_0", json_number(r.hac_zero.p));
  field("hedge_ratio_hac_t_vs_1", json_number(r.hac_one.t));
  field("hedge_ratio_hac_p_vs_1", json_number(r.hac_one.p));
  field("tail_level", json_number(r.tail_level));
  field("tail_horizon", json_string(r.horizon));
  field("unhedged_value_at_risk", json_number(r.unhedged_var));
  field("unhedged_expected_shortfall", json_number(r.unhedged_es));
  field("hedged_value_at_risk", json_number(r.hedged_var));
  field("hedged_expected_shortfall", json_number(r.hedged_es));
  field("dollar_offset_ratio", json_number(r.offset_ratio));
  field("dollar_offset_effective", r.offset_effective ? "true" : "false");
  field("dollar_offset_small_denominator", r.offset_small ? "true" : "false");
  field("verdict", json_string(verdict_of(r)));
  field("basis_ratio_1", json_basis(r.basis_unit));
  field("basis_ratio_h", json_basis(r.basis_optimal));
  if (r.position) {
    const auto& p = *r.position;
    // Returns: the last prices and the values N* is computed from; null with price changes.
    const auto valued = [&p](double value) { return p.valued ? json_number(value) : std::string("null"); };
    field("contracts",
          "{\"exposure\": " + json_number(p.exposure) + ", \"contract_size\": " +
              json_number(p.contract_size) + ", \"optimal\": " + json_number(p.optimal) +
              ", \"rounded\": " + json_number(std::round(p.optimal)) +
              ", \"spot_price\": " + valued(p.spot_price) + ", \"hedge_price\": " + valued(p.hedge_price) +
              ", \"exposure_value\": " + valued(p.exposure_value) +
              ", \"contract_value\": " + valued(p.contract_value) + "}",
          true);
  } else {
    field("contracts", "null", true);
  }
  return out + "}\n";
}

// An error message as one line, whatever text from the input it quotes.
std::string one_line(std::string message) {
  for (char& ch : message) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  return message;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Minimum-variance hedge report for two price columns of a dated CSV file, or for one column of each\n"
      "of two files joined as of date (--exposure-file, --hedge-file).\n"
      "With no file, runs on a built-in scenario (Hull's Example 3.3 as synthetic price levels).",
      "hedge_report"};
  settings options;
  auto* file = app.add_option("FILE", options.file,
                              "CSV file: a header row, dates in the first column (YYYY-MM-DD or M/D/YYYY)");
  auto* spot = app.add_option("--spot", options.spot, "column of FILE held long (the spot price)");
  auto* hedge = app.add_option("--hedge", options.hedge, "column of FILE sold (the futures price)");
  auto* exposure_file = app.add_option(
      "--exposure-file", options.exposure_file,
      "two files: the CSV file of the exposure held long, dates in the first column, oldest or newest first");
  auto* hedge_file = app.add_option("--hedge-file", options.hedge_file,
                                    "two files: the CSV file of the hedge instrument sold, likewise");
  auto* exposure_column = app.add_option("--exposure-column", options.exposure_column,
                                         "column of --exposure-file (if it has more than one value column)");
  auto* hedge_column = app.add_option("--hedge-column", options.hedge_column,
                                      "column of --hedge-file (if it has more than one value column)");
  auto* join = app.add_option("--join", options.join,
                              "two files: union-as-of (default: every date either file has, each side's last "
                              "price at or before it), as-of (the exposure's dates) or inner (dates in both)")
                   ->check(CLI::IsMember({"union-as-of", "as-of", "inner"}));
  auto* max_staleness = app.add_option(
      "--max-staleness", options.max_staleness,
      "two files, as-of joins: drop a row whose price is more than DAYS calendar days old (default 4)");
  exposure_file->needs(hedge_file);
  hedge_file->needs(exposure_file);
  for (auto* option : {exposure_column, join, max_staleness}) option->needs(exposure_file);
  hedge_column->needs(hedge_file);
  app.add_option("--returns", options.returns,
                 "fit on price changes (default), log returns or simple returns")
      ->check(CLI::IsMember({"changes", "log", "simple"}));
  auto* exposure = app.add_option(
      "--exposure", options.exposure,
      "size of the exposure Q_A, in the units the spot price is quoted per (with returns it is valued at the "
      "last spot price)");
  auto* contract_size =
      app.add_option("--contract-size", options.contract_size,
                     "size of one futures contract Q_F, in the units the futures price is quoted per (with "
                     "returns it is valued at the last futures price)")
          ->check(CLI::Validator(
              [](std::string& text) -> std::string {
                double value = 0.0;
                const auto kind = price_csv::detail::read_price(text, value);
                if (kind == price_csv::detail::cell_kind::number && value > 0.0) return {};
                return "must be a positive number, not " + price_csv::detail::quoted(text);
              },
              "POSITIVE"));
  exposure->needs(contract_size);
  contract_size->needs(exposure);
  app.add_option("--format", options.format, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--hac-lags", options.hac_lags,
                 "lags N >= 0 of the Newey-West standard error of h* (default floor(4 (n/100)^(2/9)), "
                 "Newey & West 1994)")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            const char* first = text.c_str();
            char* end = nullptr;
            errno = 0;
            const long value = std::strtol(first, &end, 10);
            if (end != first && *end == '\0' && errno == 0 && value >= 0) return {};
            return "must be a whole number of lags, 0 or more, not " + price_csv::detail::quoted(text);
          },
          "LAGS"));
  app.add_option("--chart", options.chart,
                 "also draw the cumulative unhedged and hedged P&L into FILE.svg (an SVG file)");

  try {
    app.parse(argc, argv);
    // The two ways of giving the prices do not mix: say which options belong to which.
    if (options.two_files() && (file->count() > 0 || spot->count() > 0 || hedge->count() > 0)) {
      throw CLI::ValidationError(
          "FILE with --spot and --hedge (one file) and --exposure-file with --hedge-file (two files) are "
          "two ways of giving the prices; use one (with two files, name their columns with "
          "--exposure-column and --hedge-column)");
    }
    if (options.join == "inner" && max_staleness->count() > 0) {
      throw CLI::ValidationError(
          "--max-staleness limits the age of a carried price, and --join inner carries none (it keeps the "
          "dates both files have); use it with --join union-as-of or as-of");
    }
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    std::cerr << "hedge_report: " << one_line(e.what()) << " (see hedge_report --help)\n";
    return exit_bad_input;
  }

  try {
    const report r = make_report(options);
    // Before anything reaches stdout: a chart that cannot be written is an error with nothing printed.
    if (!options.chart.empty()) write_chart(r, options.chart);
    std::cout << (options.format == "json" ? json_report(r) : text_report(r));
    // The report is only written once it reaches the file: a full disk (> /dev/full) or a closed pipe shows
    // up when the buffers are flushed, and must not end in exit status 0.
    errno = 0;
    std::cout.flush();
    if (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
      const int cause = errno;
      std::cerr << "hedge_report: the report could not be written to standard output"
                << (cause != 0 ? std::string(": ") + std::strerror(cause) : std::string()) << '\n';
      return exit_bad_input;
    }
    return 0;
  } catch (const std::exception& e) {
    // price_csv::error and input_error describe the input; an exception from hedgemetrics is a caller
    // error the checks in make_report did not foresee. Either way: one line, and nothing on stdout.
    std::cerr << "hedge_report: " << one_line(e.what()) << '\n';
    return exit_bad_input;
  }
}
