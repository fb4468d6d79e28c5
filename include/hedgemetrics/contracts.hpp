// SPDX-License-Identifier: MIT
/// \file
/// From a hedge ratio to a number of futures contracts.
#ifndef HEDGEMETRICS_CONTRACTS_HPP
#define HEDGEMETRICS_CONTRACTS_HPP

#include <cmath>
#include <stdexcept>
#include <string>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/messages.hpp"

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
/// Range: the exact N* to two roundings wherever it is representable, ±inf where it exceeds DBL_MAX, 0 or
/// a subnormal where it underflows (the exponents are kept apart from the mantissas).
///
/// \throws std::invalid_argument when `contract_size` is not a finite positive number, or `ratio` or
///         `exposure_size` is not finite; the message gives the value.
[[nodiscard]] inline double optimal_contracts(double ratio, double exposure_size, double contract_size) {
  if (!std::isfinite(contract_size) || !(contract_size > 0)) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        "hedgemetrics::optimal_contracts: contract_size must be a finite positive number, got " +
        detail::value_text(contract_size)));
  }
  if (!std::isfinite(ratio) || !std::isfinite(exposure_size)) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        "hedgemetrics::optimal_contracts: ratio and exposure_size must be "
        "finite, got ratio " +
        detail::value_text(ratio) + " and exposure_size " + detail::value_text(exposure_size)));
  }
  // The mantissas multiplied and divided as before (the same two roundings), the exponents added apart:
  // an intermediate h*·Q_A beyond DBL_MAX (or below the normals) cannot overflow (underflow) when N*
  // does not: 1e200·1e200/1e300 is 1e100. ldexp rounds once more only where N* is subnormal.
  int exponent_ratio = 0, exponent_exposure = 0, exponent_contract = 0;
  const double m_ratio = std::frexp(ratio, &exponent_ratio);
  const double m_exposure = std::frexp(exposure_size, &exponent_exposure);
  const double m_contract = std::frexp(contract_size, &exponent_contract);
  return std::ldexp(m_ratio * m_exposure / m_contract,
                    exponent_ratio + exponent_exposure - exponent_contract);
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_CONTRACTS_HPP
