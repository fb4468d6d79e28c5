// SPDX-License-Identifier: MIT
// Hedging WTI crude at Cushing with the first two NYMEX futures (CL1 and CL2) at once: the ratios with
// their standard errors, t statistics and p-values, and how much hedge effectiveness the second contract
// adds to the first.
//
//   multi_instrument_hedge [wti_spot_RWTC_vs_CL1_CL2_aligned.csv]
//
// The file (date, spot, CL1, CL2 in $/bbl; in ../shared/data/market/derived) is optional: without it the
// example runs on a built-in scenario of 500 days; a file that cannot be read is an error (exit 2). Daily
// price changes are hedged; a day with a missing price is dropped (missing_data::omit).

#include <hedgemetrics/inference.hpp>
#include <hedgemetrics/multi_hedge.hpp>

#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "price_csv.hpp"

namespace {

struct prices {
  std::string source;
  std::vector<double> spot, cl1, cl2;
};

/// date, spot, CL1, CL2 with a header row (examples/price_csv.hpp: quoting, CRLF, a byte-order mark; a
/// blank or "." is a missing price, NaN here, which missing_data::omit drops). Throws price_csv::error,
/// naming the file, row and column, for anything else that is not a finite number.
prices read_prices(const std::string& path) {
  const price_csv::table table = price_csv::read_csv(path);
  if (table.header.size() < 4) {
    throw price_csv::error(path + ": expected 4 columns (date, spot, CL1, CL2), found " +
                           std::to_string(table.header.size()));
  }
  prices out;
  out.source = path;
  std::vector<double>* columns[3] = {&out.spot, &out.cl1, &out.cl2};
  for (const auto& row : table.rows) {
    for (std::size_t c = 0; c < 3; ++c) {
      const std::string cell = c + 1 < row.cells.size() ? row.cells[c + 1] : std::string();
      const auto value = price_csv::parse_price(
          cell, path + ", row " + std::to_string(row.number) + ", column " + table.header[c + 1]);
      columns[c]->push_back(value ? *value : std::numeric_limits<double>::quiet_NaN());
    }
  }
  if (out.spot.size() < 4) throw price_csv::error(path + ": fewer than 4 rows of prices");
  return out;
}

/// 500 days of a two-factor futures curve: CL1 and CL2 share a level shock and differ by a slope shock;
/// spot follows the front month with its own basis noise. A fixed linear congruential generator, so the
/// figures are the same everywhere.
prices builtin_scenario() {
  prices p;
  p.source = "built-in scenario (500 days)";
  std::uint64_t state = 20240229;
  auto uniform = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) * 0x1.0p-53 - 0.5;
  };
  double level = 75.0, slope = -0.4, spot = 75.2;
  for (int t = 0; t < 500; ++t) {
    const double level_shock = 1.6 * uniform(), slope_shock = 0.3 * uniform();
    level += level_shock;
    slope += slope_shock;
    spot += 0.85 * level_shock - 0.6 * slope_shock + 0.25 * uniform();
    p.spot.push_back(spot);
    p.cl1.push_back(level);
    p.cl2.push_back(level + slope);
  }
  return p;
}

void print_tests(const char* title, const hedgemetrics::multi_hedge_fit<double>& fit,
                 const hedgemetrics::hedge_inference<double>& ols,
                 const hedgemetrics::hac_covariance<double>& hac) {
  static const char* const names[] = {"CL1", "CL2"};
  std::printf("%s (n = %zu daily changes)\n", title, fit.n);
  std::printf("  %-10s %10s %10s %9s %11s %10s\n", "", "ratio", "std error", "t", "p-value", "HAC s.e.");
  for (std::size_t j = 0; j < ols.ratios.size(); ++j) {
    const auto& c = ols.ratios[j];
    std::printf("  %-10s %10.4f %10.4f %9.2f %11.3g %10.4f\n", names[j], c.estimate, c.standard_error,
                c.t_statistic, c.p_value, hac.ratio_standard_errors(static_cast<Eigen::Index>(j)));
  }
  std::printf("  %-10s %10.5f %10.5f %9.2f %11.3g\n", "intercept", ols.intercept.estimate,
              ols.intercept.standard_error, ols.intercept.t_statistic, ols.intercept.p_value);
  std::printf("  effectiveness %.4f, F = %.1f on (%zu, %zu) df, p = %.3g; condition number %.1f\n",
              fit.effectiveness, ols.f_statistic, ols.model_df, ols.residual_df, ols.f_p_value,
              fit.condition_number);
}

}  // namespace

int main(int argc, char** argv) {
  namespace hm = hedgemetrics;
  prices p;
  try {
    p = argc < 2 ? builtin_scenario() : read_prices(argv[1]);
  } catch (const price_csv::error& e) {
    std::fprintf(stderr, "multi_instrument_hedge: %s\n", e.what());
    return 2;
  }
  // Daily changes; a NaN where a price is missing, which missing_data::omit then drops.
  const auto n = static_cast<Eigen::Index>(p.spot.size()) - 1;
  Eigen::VectorXd spot(n);
  Eigen::MatrixXd futures(n, 2);
  for (Eigen::Index t = 0; t < n; ++t) {
    const auto i = static_cast<std::size_t>(t);
    spot(t) = p.spot[i + 1] - p.spot[i];
    futures(t, 0) = p.cl1[i + 1] - p.cl1[i];
    futures(t, 1) = p.cl2[i + 1] - p.cl2[i];
  }
  std::printf("WTI spot hedged with NYMEX crude futures: %s\n\n", p.source.c_str());

  hm::fit_options options;
  options.missing = hm::missing_data::omit;
  hm::hac_options hac_options;
  hac_options.missing = hm::missing_data::omit;  // Newey-West lag: floor(4 (n/100)^(2/9))

  // One instrument, then two. Same rows in both fits: a day CL2 misses is dropped from the first too.
  Eigen::VectorXd spot_both = spot;
  for (Eigen::Index t = 0; t < n; ++t) {
    if (!std::isfinite(futures(t, 1))) spot_both(t) = std::numeric_limits<double>::quiet_NaN();
  }
  const auto one = hm::fit_hedge(spot_both, futures.leftCols(1), options);
  const auto two = hm::fit_hedge(spot_both, futures, options);
  print_tests("CL1 alone", one, hm::inference(one),
              hm::newey_west(spot_both, futures.leftCols(1), one, hac_options));
  std::printf("\n");
  print_tests("CL1 and CL2", two, hm::inference(two), hm::newey_west(spot_both, futures, two, hac_options));
  std::printf(
      "\nThe second contract adds %.4f effectiveness (%.4f -> %.4f): residual variance %.4f -> %.4f "
      "($/bbl)^2 per day.\n",
      two.effectiveness - one.effectiveness, one.effectiveness, two.effectiveness, one.residual_variance,
      two.residual_variance);
  return 0;
}
