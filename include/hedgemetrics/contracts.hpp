// SPDX-License-Identifier: MIT
/// \file
/// From a hedge ratio to a number of futures contracts.
#ifndef HEDGEMETRICS_CONTRACTS_HPP
#define HEDGEMETRICS_CONTRACTS_HPP

#include <cmath>
#include <stdexcept>
#include <string>

#include "hedgemetrics/detail/config.hpp"

namespace hedgemetrics {

/// Optimal number of futures contracts, N* = h*·Q_A/Q_F (Hull, Options, Futures and Other Derivatives,
/// eq. 3.2), not rounded: round it to a whole number of contracts yourself (Hull's Example 3.3:
/// 0.7777 × 2,000,000 / 42,000 = 37.03, so 37 contracts).
///
/// With quantities, `exposure_size` is the size of the position hedged (Q_A units) and `contract_size` the
/// size of one contract (Q_F units). With values instead — V_A, the dollar value of the position, and
/// V_F, the dollar value of one contract (futures price × contract size) — it is the tailed hedge
/// N* = h*·V_A/V_F (Hull, eq. 3.3), the one to use when h* comes from daily returns.
///
/// \throws std::invalid_argument when `contract_size` is not a finite positive number, or `ratio` or
///         `exposure_size` is not finite; the message gives the value.
[[nodiscard]] inline double optimal_contracts(double ratio, double exposure_size, double contract_size) {
  if (!std::isfinite(contract_size) || !(contract_size > 0)) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        "hedgemetrics::optimal_contracts: contract_size must be a finite positive number, got " +
        std::to_string(contract_size)));
  }
  if (!std::isfinite(ratio) || !std::isfinite(exposure_size)) {
    HEDGEMETRICS_THROW(
        std::invalid_argument("hedgemetrics::optimal_contracts: ratio and exposure_size must be "
                              "finite, got ratio " +
                              std::to_string(ratio) + " and exposure_size " + std::to_string(exposure_size)));
  }
  return ratio * exposure_size / contract_size;
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_CONTRACTS_HPP
