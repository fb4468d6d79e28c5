// SPDX-License-Identifier: MIT
#include "mixed_flags/units.hpp"

void use_set_in_native_unit(hedgemetrics::instruction_set set) {
  hedgemetrics::use_instruction_set(set);
}

hedgemetrics::hedge_fit<double> fit_in_native_unit(const std::vector<double>& exposure,
                                                   const std::vector<double>& hedge) {
  return hedgemetrics::fit_hedge(exposure, hedge);
}

std::vector<double> qr_in_native_unit(const std::vector<double>& exposure,
                                      const std::vector<double>& hedges) {
  return streaming_qr_figures(exposure, hedges);
}

std::vector<double> figures_in_native_unit(const std::vector<double>& exposure,
                                           const std::vector<double>& hedge) {
  return family_figures(exposure, hedge);
}
