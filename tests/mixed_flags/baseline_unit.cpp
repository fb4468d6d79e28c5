// SPDX-License-Identifier: MIT
#include "mixed_flags/units.hpp"

hedgemetrics::hedge_fit<double> fit_in_baseline_unit(const std::vector<double>& exposure,
                                                     const std::vector<double>& hedge) {
  return hedgemetrics::fit_hedge(exposure, hedge);
}

std::vector<double> qr_in_baseline_unit(const std::vector<double>& exposure,
                                        const std::vector<double>& hedges) {
  return streaming_qr_figures(exposure, hedges);
}
