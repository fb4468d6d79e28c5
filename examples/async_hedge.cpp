// SPDX-License-Identifier: MIT
// Hedging with prices that do not tick together: two files, each with its own dates and gaps.
//
//   async_hedge [data_dir [epps.csv [figures.csv]]]
//
// Pair 1, Brent spot hedged with WTI spot: two FRED files (ISO dates, "." where a market was closed: UK and
// US holidays differ). Pair 2, US Gulf jet fuel spot hedged with NYMEX heating oil, first contract (HO1):
// the FRED jet fuel file against the EIA futures export (M/D/YYYY dates, newest first, CRLF, blank cells).
// For each pair: the alignment report (what each file lacked, how stale the carried prices are, what was
// dropped and why), the hedge ratio from synchronous daily changes against Hayashi–Yoshida on each file's
// own dates, the Epps curve (ratio and effectiveness over 1, 2, 5, 10 and 20 days), and the Dimson and
// Scholes–Williams lead–lag ratios. The Epps curves go to a CSV that plot_async_hedge.sh draws; every
// figure, to 17 digits, to figures.csv when it is named (tests/check_async_pandas.py recomputes them with
// pandas and statsmodels from the raw files).
// Exit status 77 (CTest's skip) when the data files are absent.
#include <hedgemetrics/alignment.hpp>
#include <hedgemetrics/asynchronous.hpp>
#include <hedgemetrics/hedge_ratio.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "price_csv.hpp"

namespace hm = hedgemetrics;

namespace {

/// One price series read from a CSV file: dates (days since 1970-01-01, increasing) and values (NaN where
/// the file has "." or an empty cell).
struct price_file {
  std::string name;
  std::vector<std::int64_t> day;
  std::vector<double> price;
};

/// Reads the date column (the first) and the column named `column` of `path` (price_csv::read_column:
/// newest-first files are reversed; errors name the file, the row and the text).
price_file read_prices(const std::string& path, const std::string& column, const std::string& label) {
  const price_csv::dated_column c = price_csv::read_column(price_csv::read_csv(path), column);
  price_file out{label, {}, c.values};
  out.day.reserve(c.dates.size());
  for (const price_csv::date& d : c.dates) {
    out.day.push_back(
        hm::days_from_civil({d.year, static_cast<unsigned>(d.month), static_cast<unsigned>(d.day)}));
  }
  return out;
}

/// Keeps the days in [first, last].
price_file window(const price_file& p, std::int64_t first, std::int64_t last) {
  price_file out{p.name, {}, {}};
  for (std::size_t i = 0; i < p.day.size(); ++i) {
    if (p.day[i] >= first && p.day[i] <= last) {
      out.day.push_back(p.day[i]);
      out.price.push_back(p.price[i]);
    }
  }
  return out;
}

/// Drops the missing prices: the raw ticks, for Hayashi–Yoshida.
price_file observed(const price_file& p) {
  price_file out{p.name, {}, {}};
  for (std::size_t i = 0; i < p.day.size(); ++i) {
    if (std::isfinite(p.price[i])) {
      out.day.push_back(p.day[i]);
      out.price.push_back(p.price[i]);
    }
  }
  return out;
}

std::vector<double> changes(const std::vector<double>& level) {
  std::vector<double> d;
  for (std::size_t i = 1; i < level.size(); ++i) d.push_back(level[i] - level[i - 1]);
  return d;
}

/// Writes "pair<id>.<name>,<value>" to the figures file, if there is one, to 17 significant digits.
struct figure_writer {
  std::ofstream* out = nullptr;
  int pair = 0;
  void operator()(const std::string& name, double value) const {
    if (out == nullptr) return;
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", value);
    *out << "pair" << pair << '.' << name << ',' << text << '\n';
  }
};

void analyse(const price_file& exposure_file, const price_file& hedge_file, int pair,
             const std::string& title, std::ofstream& csv, std::ofstream* figures) {
  const figure_writer put{figures, pair};
  // The common span of the two files.
  const std::int64_t first = std::max(exposure_file.day.front(), hedge_file.day.front());
  const std::int64_t last = std::min(exposure_file.day.back(), hedge_file.day.back());
  const price_file s = window(exposure_file, first, last), f = window(hedge_file, first, last);
  std::printf("\n== %s, %s .. %s ==\n", title.c_str(), hm::format_date(first).c_str(),
              hm::format_date(last).c_str());

  // Alignment: a row on every day either market priced; a price carried over at most 4 calendar days
  // (a weekend and a holiday); missing prices ("." or blank) are skipped and counted.
  hm::align_options o;
  o.policy = hm::join_policy::union_as_of;
  o.max_staleness = 4;
  const auto rows = hm::align(s.day, s.price, f.day, f.price, o, s.name, f.name);
  const auto& r = rows.report;
  std::printf("alignment (union of dates, as-of, max staleness 4 days): %zu candidate days, %zu rows kept\n",
              r.candidate_rows, r.rows);
  std::printf("  dropped: %zu before a series started, %zu stale (older than 4 days)\n",
              r.dropped_no_earlier_value, r.dropped_stale);
  std::printf("  %-14s %8s %8s %12s %9s %8s %8s  ages 0/1/2/3/4 days\n", "series", "rows", "missing",
              "dates lacked", "max age", "mean age", "stale");
  for (std::size_t j = 0; j < 2; ++j) {
    const auto& sr = r.series[j];
    std::size_t histogram[5] = {0, 0, 0, 0, 0};
    for (const std::int64_t a : rows.age[j]) ++histogram[std::min<std::int64_t>(a, 4)];
    std::printf("  %-14s %8zu %8zu %12zu %9lld %8.4f %8zu  %zu/%zu/%zu/%zu/%zu\n", sr.name.c_str(),
                sr.observations, sr.non_finite, sr.filled, static_cast<long long>(sr.max_age), sr.mean_age,
                sr.stale, histogram[0], histogram[1], histogram[2], histogram[3], histogram[4]);
  }
  hm::align_options inner;
  inner.policy = hm::join_policy::inner;
  const auto common = hm::align(s.day, s.price, f.day, f.price, inner, s.name, f.name);
  std::printf("  inner join (both priced the same day): %zu rows\n", common.report.rows);
  put("first_day", static_cast<double>(first));
  put("last_day", static_cast<double>(last));
  put("candidate_rows", static_cast<double>(r.candidate_rows));
  put("rows", static_cast<double>(r.rows));
  put("dropped_stale", static_cast<double>(r.dropped_stale));
  put("inner_rows", static_cast<double>(common.report.rows));
  for (std::size_t j = 0; j < 2; ++j) {
    const std::string side = j == 0 ? "exposure" : "hedge";
    put(side + ".non_finite", static_cast<double>(r.series[j].non_finite));
    put(side + ".filled", static_cast<double>(r.series[j].filled));
    put(side + ".max_age", static_cast<double>(r.series[j].max_age));
    put(side + ".mean_age", r.series[j].mean_age);
  }

  // Hedge ratios.
  const auto sync = hm::fit_hedge(changes(common.values[0]), changes(common.values[1]));
  const auto carried = hm::fit_hedge(changes(rows.values[0]), changes(rows.values[1]));
  const price_file so = observed(s), fo = observed(f);
  const auto hy = hm::hayashi_yoshida(so.day, so.price, fo.day, fo.price);
  hm::covariation_options weekly;
  weekly.grid_step = 7;
  const auto pt_week = hm::previous_tick_fit(so.day, so.price, fo.day, fo.price, weekly);
  std::printf("hedge ratio of daily price changes:\n");
  std::printf("  %-44s h* %7.4f  (SE %.4f)  R^2 %.4f  n %zu\n",
              "synchronous (inner join, changes between rows)", sync.ratio, sync.ratio_standard_error,
              sync.effectiveness, sync.n);
  std::printf("  %-44s h* %7.4f  (SE %.4f)  R^2 %.4f  n %zu\n", "as-of rows (union, stale prices carried)",
              carried.ratio, carried.ratio_standard_error, carried.effectiveness, carried.n);
  std::printf("  %-44s h* %7.4f              rho^2 %.4f  %zu + %zu ticks\n",
              "Hayashi-Yoshida on each file's own dates", hy.ratio, hy.effectiveness, hy.exposure_ticks,
              hy.hedge_ticks);
  std::printf("  %-44s h* %7.4f              rho^2 %.4f\n", "previous tick, weekly grid", pt_week.ratio,
              pt_week.effectiveness);
  std::printf("  HY / synchronous ratio: %.4f\n", hy.ratio / sync.ratio);
  put("synchronous.ratio", sync.ratio);
  put("synchronous.ratio_se", sync.ratio_standard_error);
  put("synchronous.r2", sync.effectiveness);
  put("as_of.ratio", carried.ratio);
  put("as_of.ratio_se", carried.ratio_standard_error);
  put("as_of.r2", carried.effectiveness);
  put("hy.covariance", hy.covariance);
  put("hy.ratio", hy.ratio);
  put("hy.effectiveness", hy.effectiveness);
  put("previous_tick_weekly.ratio", pt_week.ratio);
  put("previous_tick_weekly.effectiveness", pt_week.effectiveness);

  // Lead-lag ratios on the as-of rows' daily changes.
  const auto ds = changes(rows.values[0]), df = changes(rows.values[1]);
  const auto dimson = hm::dimson_fit(ds, df);
  const auto sw = hm::scholes_williams_fit(ds, df);
  std::printf("lead-lag ratios (as-of rows' daily changes):\n");
  std::printf("  Dimson, 1 lag + 1 lead: h %7.4f (SE %.4f)  slopes %.4f %.4f %.4f\n", dimson.ratio,
              dimson.ratio_standard_error, dimson.slopes[0], dimson.slopes[1], dimson.slopes[2]);
  std::printf("  Scholes-Williams:       h %7.4f (SE %.4f)  b-1 %.4f b0 %.4f b+1 %.4f rho_F %.4f\n", sw.ratio,
              sw.ratio_standard_error, sw.slopes[0], sw.slopes[1], sw.slopes[2], sw.hedge_autocorrelation);

  for (std::size_t k = 0; k < 3; ++k) {
    put("dimson.slope" + std::to_string(k), dimson.slopes[k]);
    put("scholes_williams.slope" + std::to_string(k), sw.slopes[k]);
  }
  put("dimson.ratio", dimson.ratio);
  put("dimson.ratio_se", dimson.ratio_standard_error);
  put("scholes_williams.ratio", sw.ratio);
  put("scholes_williams.rho", sw.hedge_autocorrelation);

  // The Epps curve on the as-of rows' levels.
  const auto curve = hm::epps_curve(rows.values[0], rows.values[1]);
  std::printf("Epps curve (non-overlapping q-day changes of the as-of rows):\n");
  std::printf("  %4s %7s %8s %8s %8s\n", "q", "n", "h*", "SE", "R^2");
  for (const auto& p : curve) {
    std::printf("  %4zu %7zu %8.4f %8.4f %8.4f\n", p.interval, p.n, p.ratio, p.ratio_standard_error,
                p.effectiveness);
    csv << pair << ',' << title << ',' << p.interval << ',' << p.ratio << ',' << p.ratio_standard_error << ','
        << p.effectiveness << ',' << hy.ratio << ',' << sync.ratio << '\n';
    put("epps" + std::to_string(p.interval) + ".ratio", p.ratio);
    put("epps" + std::to_string(p.interval) + ".ratio_se", p.ratio_standard_error);
    put("epps" + std::to_string(p.interval) + ".r2", p.effectiveness);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "";
  const std::string csv_path = argc > 2 ? argv[2] : "async_hedge_epps.csv";
  const std::string figures_path = argc > 3 ? argv[3] : "";
  const std::string fred = dir + "/market/fred_eia_spot/";
  const std::string eia = dir + "/market/eia_petroleum_futures_CL_HO_RB_contracts1-4_daily.csv";
  for (const std::string& path :
       {fred + "DCOILBRENTEU.csv", fred + "DCOILWTICO.csv", fred + "DJFUELUSGULF.csv", eia}) {
    if (!std::ifstream(path)) {
      std::printf(
          "async_hedge: skipped: %s not found (pass the reference data folder, HEDGEMETRICS_DATA_DIR)\n",
          path.c_str());
      return 77;
    }
  }
  try {
    const auto brent = read_prices(fred + "DCOILBRENTEU.csv", "VALUE", "Brent");
    const auto wti = read_prices(fred + "DCOILWTICO.csv", "VALUE", "WTI");
    const auto jet = read_prices(fred + "DJFUELUSGULF.csv", "VALUE", "jet fuel");
    const auto ho1 =
        read_prices(eia, "New York Harbor No. 2 Heating Oil Future Contract 1 ($/gal) $/gal", "HO1");
    std::ofstream csv(csv_path);
    csv << "pair_id,pair,interval_days,ratio,ratio_se,effectiveness,hy_ratio,synchronous_ratio\n";
    std::ofstream figures;
    if (!figures_path.empty()) {
      figures.open(figures_path);
      if (!figures) throw std::runtime_error("cannot write " + figures_path);
      figures << "name,value\n";
    }
    std::ofstream* figures_out = figures_path.empty() ? nullptr : &figures;
    analyse(brent, wti, 1, "Brent spot on WTI spot", csv, figures_out);
    analyse(jet, ho1, 2, "Jet fuel spot on HO1", csv, figures_out);
    std::printf("\nEpps curves written to %s\n", csv_path.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "async_hedge: %s\n", e.what());
    return 2;
  }
  return 0;
}
