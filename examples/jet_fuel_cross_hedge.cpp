// SPDX-License-Identifier: MIT
// A cross hedge, from Hull, "Options, Futures, and Other Derivatives", Example 3.3 (Table 3.2).
//
// An airline will buy 2 million gallons of jet fuel in one month. There are no jet fuel futures, so it
// hedges with heating oil futures (42,000 gallons per contract). From 15 monthly changes of the two
// prices, the minimum-variance hedge ratio is h* = rho * sigma_S / sigma_F, and the airline buys
// N* = h* * Q_A / Q_F futures contracts.

#include <cmath>
#include <cstdio>
#include <vector>

#include <hedgemetrics/hedgemetrics.hpp>

int main() {
  // Monthly price changes, $/gallon: heating oil futures (the hedge) and jet fuel spot (the exposure).
  const std::vector<double> futures_change = {0.021, 0.035,  -0.046, 0.001,  0.044, -0.029, -0.026, -0.029,
                                              0.048, -0.006, -0.036, -0.011, 0.019, -0.027, 0.029};
  const std::vector<double> spot_change = {0.029, 0.020, -0.044, 0.008,  0.026, -0.019, -0.010, -0.007,
                                           0.043, 0.011, -0.036, -0.018, 0.009, -0.032, 0.023};

  // The exposure comes first, the hedge instrument second.
  const auto fit = hedgemetrics::fit_hedge(spot_change, futures_change);

  const double gallons = 2'000'000.0;
  const double gallons_per_contract = 42'000.0;
  const double contracts = hedgemetrics::optimal_contracts(fit.ratio, gallons, gallons_per_contract);

  std::printf("Jet fuel hedged with heating oil futures (Hull, Example 3.3; %zu monthly changes)\n", fit.n);
  std::printf("  sigma_F  std dev of futures changes   %.4f\n", std::sqrt(fit.hedge_variance));
  std::printf("  sigma_S  std dev of jet fuel changes  %.4f\n", std::sqrt(fit.exposure_variance));
  std::printf("  rho      correlation                  %.3f\n", fit.correlation);
  std::printf("  h*       minimum-variance hedge ratio %.4f (standard error %.3f)\n", fit.ratio,
              fit.ratio_standard_error);
  std::printf("  hedge effectiveness                   %.3f of the variance removed\n", fit.effectiveness);
  std::printf("  N* = %.4f x %.0f / %.0f = %.2f -> %.0f contracts\n", fit.ratio, gallons,
              gallons_per_contract, contracts, std::round(contracts));
  return 0;
}
