// SPDX-License-Identifier: MIT
// Is the hedge still working? On the three EIA hedges (WTI spot with NYMEX CL1, Gulf jet fuel with NY
// heating oil HO1, Henry Hub spot with NYMEX NG1): the dates of the structural breaks in the hedge
// regression of spot on futures price levels (Bai–Perron, BIC), a sup-F test, the Engle–Granger
// cointegration verdict with MacKinnon's critical value, the basis' half-life, and the rolling 250-day
// correlation of daily changes with its 95% Fisher band, written to hedge_monitor_<name>.csv (drawn by
// plot_hedge_monitor.sh) with the break dates in hedge_monitor_<name>_breaks.csv. For WTI, the basis
// spot − CL1 by time to the front contract's expiry, which the EIA files do not carry: derived from NYMEX's
// rule for CL (trading ends 3 business days before the 25th calendar day of the month before delivery, or
// before the business day preceding the 25th when the 25th is not one), counting weekends only, not
// exchange holidays, so an expiry next to a holiday may be placed a day late.
//
//   hedge_monitor <data folder: the one holding market/derived/>
#include <hedgemetrics/cointegration.hpp>
#include <hedgemetrics/correlation.hpp>
#include <hedgemetrics/structural_breaks.hpp>

#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <string>
#include <vector>

#include "price_csv.hpp"

namespace hm = hedgemetrics;

namespace {

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
long days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

bool weekend(long day) {                   // 1970-01-01 was a Thursday
  const long w = ((day % 7) + 7 + 3) % 7;  // 0 = Monday
  return w >= 5;
}

/// Last trading day of the CL contract for delivery in (year, month), weekends only (see the file comment).
long cl_last_trade(int year, int month) {
  if (--month == 0) month = 12, --year;
  long day = days_from_civil(year, month, 25);
  while (weekend(day)) --day;
  for (int back = 0; back < 3;) {
    --day;
    if (!weekend(day)) ++back;
  }
  return day;
}

/// Calendar days from each date to the expiry of the front CL contract then trading.
std::vector<double> cl_front_days_to_expiry(const std::vector<price_csv::date>& dates) {
  std::vector<double> tau(dates.size());
  for (std::size_t i = 0; i < dates.size(); ++i) {
    const long today = days_from_civil(dates[i].year, dates[i].month, dates[i].day);
    int y = dates[i].year, m = dates[i].month;
    while (cl_last_trade(y, m) < today) {
      if (++m == 13) m = 1, ++y;
    }
    tau[i] = static_cast<double>(cl_last_trade(y, m) - today);
  }
  return tau;
}

struct hedge {
  const char* name;
  const char* file;
  const char* spot;
  const char* futures;
};

void monitor(const std::string& folder, const hedge& h) {
  const price_csv::table table = price_csv::read_csv(folder + "/market/derived/" + h.file);
  const price_csv::aligned_columns c = price_csv::align(table, h.spot, h.futures);
  const std::size_t n = c.first.size();
  std::printf("%s: %zu days, %s to %s\n", h.name, n, c.dates.front().iso().c_str(),
              c.dates.back().iso().c_str());

  // Breaks in S_t = a + b F_t (levels): up to 5, each regime at least 15% of the sample.
  const auto bp = hm::breakpoints(c.first, c.second);
  std::printf("  Bai-Perron breaks (BIC picks %zu):", bp.chosen);
  std::ofstream breaks("hedge_monitor_" + std::string(h.name) + "_breaks.csv");
  breaks << "date\n";
  for (const std::size_t at : bp.breaks[bp.chosen]) {
    std::printf(" %s", c.dates[at].iso().c_str());
    breaks << c.dates[at].iso() << '\n';
  }
  if (bp.chosen > 0) {  // Bai (1997) 95% intervals of the break dates, as strucchange's confint
    const auto ci = hm::break_confidence_intervals(c.first, c.second, bp, bp.chosen);
    const auto clamp = [n](double at) {
      return at < 0 ? 0 : at >= static_cast<double>(n) ? n - 1 : static_cast<std::size_t>(at);
    };
    std::printf("\n  95%% intervals:");
    for (std::size_t i = 0; i < ci.breaks.size(); ++i) {
      if (std::isnan(ci.lower[i])) {
        std::printf(" [not computable]");
      } else {
        std::printf(" [%s, %s]", c.dates[clamp(ci.lower[i])].iso().c_str(),
                    c.dates[clamp(ci.upper[i])].iso().c_str());
      }
    }
  }
  const auto sup = hm::sup_f_test(c.first, c.second);
  std::printf("\n  sup-F %.1f at %s (Hansen p %.2g)\n", sup.statistic, c.dates[sup.break_index].iso().c_str(),
              sup.p_value);

  // Convergence: Engle-Granger on levels (lags by BIC, up to 10), and the basis' half-life.
  hm::cointegration_options co;
  co.lags = 10;
  co.select = hm::lag_selection::bic;
  const auto eg = hm::engle_granger(c.first, c.second, co);
  // Below the 1% critical value the p-value is an extrapolation of MacKinnon's surface: report a bound.
  char p_text[32];
  if (eg.p_value < 0.001) {
    std::snprintf(p_text, sizeof p_text, "< 0.001");
  } else {
    std::snprintf(p_text, sizeof p_text, "%.3f", eg.p_value);
  }
  std::printf("  Engle-Granger tau %.2f (5%% critical %.2f, p %s, %zu lags): %s\n", eg.statistic,
              eg.critical_values[1], p_text, eg.lags,
              eg.statistic < eg.critical_values[1] ? "cointegrated" : "no evidence of cointegration");
  std::vector<double> basis(n);
  for (std::size_t i = 0; i < n; ++i) basis[i] = c.first[i] - c.second[i];
  const auto life = hm::basis_half_life(basis);
  std::printf("  basis half-life %.1f days (se %.1f)\n", life.half_life, life.half_life_standard_error);
  if (std::string(h.name) == "wti") {
    const auto conv =
        hm::basis_convergence(c.first, c.second, cl_front_days_to_expiry(c.dates), {0, 3, 7, 14, 21, 28, 40});
    std::printf("  basis S - CL1 by calendar days to CL1 expiry (NYMEX rule, weekends only):\n");
    std::printf("    days     count   mean    sd      mean |b|\n");
    for (const auto& b : conv.buckets) {
      std::printf("    [%2.0f,%2.0f)  %5zu  %6.3f  %6.3f  %6.3f\n", b.from, b.to, b.count, b.mean, b.sd,
                  b.mean_absolute);
    }
    std::printf("    |b| = %.3f + %.5f x days (t %.1f, n %zu)\n", conv.intercept, conv.slope, conv.slope_t,
                conv.n);
  }

  // Rolling correlation of daily changes, 250 days, with its 95% band; and last year against the year before.
  std::vector<double> ds(n - 1), df(n - 1);
  for (std::size_t i = 1; i < n; ++i)
    ds[i - 1] = c.first[i] - c.first[i - 1], df[i - 1] = c.second[i] - c.second[i - 1];
  const std::size_t window = 250;
  std::ofstream out("hedge_monitor_" + std::string(h.name) + ".csv");
  out << "date,correlation,lower,upper\n";
  for (std::size_t end = window; end <= ds.size(); ++end) {
    const hm::series_view<double> s(ds.data() + end - window, window), f(df.data() + end - window, window);
    const auto r = hm::correlation_interval(s, f);
    out << c.dates[end].iso() << ',' << r.estimate << ',' << r.lower << ',' << r.upper << '\n';
  }
  const std::size_t m = ds.size();
  const hm::series_view<double> s1(ds.data() + m - 2 * window, window),
      f1(df.data() + m - 2 * window, window), s2(ds.data() + m - window, window),
      f2(df.data() + m - window, window);
  const auto d = hm::compare_correlations(s2, f2, s1, f1);
  std::printf(
      "  correlation of changes: last 250 days %.3f [%.3f, %.3f], the 250 before %.3f (z %.2f, p %.3g)\n",
      d.first.estimate, d.first.lower, d.first.upper, d.second.estimate, d.z_statistic, d.p_value);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: hedge_monitor <data folder holding market/derived/>\n");
    return 2;
  }
  const hedge hedges[] = {
      {"wti", "wti_spot_RWTC_vs_CL1_CL2_aligned.csv", "RWTC_spot_usd_bbl", "RCLC1_usd_bbl"},
      {"jet_fuel", "jetfuel_gulf_spot_vs_heatingoil_HO1_futures_aligned.csv", "jetfuel_usgulf_spot_usd_gal",
       "HO_contract1_usd_gal"},
      {"henry_hub", "henryhub_spot_vs_NG1_NG2_aligned.csv", "HenryHub_spot_usd_mmbtu",
       "NG_contract1_usd_mmbtu"}};
  try {
    for (const hedge& h : hedges) monitor(argv[1], h);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hedge_monitor: %s\n", e.what());
    return 1;
  }
  std::printf("written to hedge_monitor_<name>.csv and hedge_monitor_<name>_breaks.csv\n");
  return 0;
}
