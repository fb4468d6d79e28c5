// SPDX-License-Identifier: MIT
/// \file
/// The sign convention of the hedge-accounting tests, in one place: the hedged item's and the hedging
/// instrument's changes in value, in money and with their signs, built from prices, the item's notional,
/// the contract size and the number of contracts (or the hedge ratio).
///
/// The rest of the library measures the hedged position S − h·F per unit of the item: long the item, short
/// h units of the futures. Hedge accounting (ASC 815-20-35, IFRS 9 B6.4) compares instead the change in
/// value of the hedged item with that of the hedging instrument, each with its own sign, so that for an
/// effective hedge they move in opposite directions. value_changes turns the first convention into the
/// second: with Q_A units of the item and N contracts of Q_F units sold against it,
/// \f[ \Delta H_t = Q_A\,(S_t - S_{t-1}), \qquad \Delta I_t = -N Q_F\,(F_t - F_{t-1}), \f]
/// so ΔH_t + ΔI_t = Q_A·(ΔS_t − h·ΔF_t) with h = N·Q_F/Q_A (Hull's eq. 3.3, N* = h*·Q_A/Q_F, read
/// backwards): item plus instrument is the library's hedged position, in money.
///
/// The regression test's slope is therefore not the hedge ratio. With h* = Cov(ΔS, ΔF)/Var(ΔF) (fit_hedge
/// on the price changes) and R² its effectiveness:
///  - instrument on item (regression_direction::instrument_on_item, the default): slope = −h·Cov(ΔS, ΔF)/
///    Var(ΔS) = −(h/h*)·R². At the minimum-variance ratio it is −R², not −h*: a 0.56 hedge of Brent with
///    WTI futures whose R² is 0.35 reads −0.35.
///  - item on instrument (regression_direction::item_on_instrument): slope = −h*/h, which is −1 at h = h*;
///    h* = −h·slope.
/// R², t and the variance reduction 1 − Var(ΔH + ΔI)/Var(ΔH) do not depend on the direction.
#ifndef HEDGEMETRICS_VALUE_CHANGES_HPP
#define HEDGEMETRICS_VALUE_CHANGES_HPP

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

/// How the hedge is sized, and what missing prices mean (see value_changes).
struct value_changes_options {
  /// Q_A, the hedged item's quantity in price units (2,000,000 gallons): positive for an item held or sold
  /// forward (long exposure), negative for a forecast purchase (short exposure). Finite, not 0.
  double notional = 1.0;
  /// Q_F, the quantity of one futures contract in price units (42,000 gallons). Finite, > 0.
  double contract_size = 1.0;
  /// N, the contracts sold against the item (37); negative for contracts bought. NaN (the default): taken
  /// from `ratio` as N = h·Q_A/Q_F, not rounded to a whole number. Exactly one of `contracts` and `ratio`
  /// is given.
  double contracts = std::numeric_limits<double>::quiet_NaN();
  /// h, the hedge ratio (futures units per unit of the item, as fit_hedge reports it). Used when
  /// `contracts` is NaN.
  double ratio = std::numeric_limits<double>::quiet_NaN();
  /// What a non-finite price means: propagate (the changes next to it are NaN), omit (a date with either
  /// price missing is dropped, and the next change spans the gap), raise (std::domain_error naming it).
  missing_data missing = missing_data::propagate;
};

/// The item's and the instrument's changes in value, aligned period by period, and the sizing used.
template <class Real = double>
struct value_changes_result {
  /// ΔH_t = Q_A·(S_t − S_{t−1}), one per period (one fewer than the prices).
  std::vector<Real> item;
  /// ΔI_t = −N·Q_F·(F_t − F_{t−1}), with its sign: opposite to the item's for an offsetting hedge.
  std::vector<Real> instrument;
  /// N, the contracts sold (given, or h·Q_A/Q_F).
  double contracts = std::numeric_limits<double>::quiet_NaN();
  /// h = N·Q_F/Q_A, the hedge ratio the contracts amount to.
  double ratio = std::numeric_limits<double>::quiet_NaN();
};

/// The hedged item's and the hedging instrument's changes in value from their prices, with their signs,
/// as the hedge-accounting tests (dollar_offset, regression_test, variance_reduction_test, assess_hedge)
/// take them:
/// \f[ \Delta H_t = Q_A\,(S_t - S_{t-1}), \qquad \Delta I_t = -N Q_F\,(F_t - F_{t-1}), \f]
/// N contracts of Q_F units sold against Q_A units of the item, so that ΔH + ΔI = Q_A·(ΔS − h·ΔF) with
/// h = N·Q_F/Q_A: the library's hedged position S − h·F, in money (see the file comment for how the
/// regression slope then relates to h and h*). Each change is rounded twice (the difference, then the
/// product with Q_A or −N·Q_F, formed first); a change beyond DBL_MAX is ±inf. Fewer than two prices give
/// no changes.
/// Reference: Hull, Options, Futures and Other Derivatives, ch. 3 (eq. 3.3, Example 3.3); FASB ASC
/// 815-20-35; IFRS 9 B6.4.
/// \param item_prices       S_t, the hedged item's price per unit.
/// \param instrument_prices F_t, the futures price per unit, aligned with `item_prices`.
/// \param options           Q_A, Q_F, N or h, and the missing-data policy.
/// \throws std::invalid_argument when the lengths differ, Q_A is 0 or not finite, Q_F is not finite and
///         > 0, or not exactly one of N and h is finite (the message names the values); std::domain_error
///         under missing_data::raise, naming the first non-finite price.
template <class ItemPrices, class InstrumentPrices>
[[nodiscard]] value_changes_result<result_t<ItemPrices, InstrumentPrices>> value_changes(
    const ItemPrices& item_prices, const InstrumentPrices& instrument_prices,
    const value_changes_options& options) {
  using Real = result_t<ItemPrices, InstrumentPrices>;
  const char* function = "hedgemetrics::value_changes";
  const auto s = detail::view_of(item_prices, function, "item_prices");
  const auto f = detail::view_of(instrument_prices, function, "instrument_prices");
  detail::require_same_length(function, "item_prices", s.size(), "instrument_prices", f.size());
  if (!std::isfinite(options.notional) || options.notional == 0.0) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) +
                                             ": the notional must be finite and not 0, but it is " +
                                             detail::value_text(options.notional)));
  }
  if (!std::isfinite(options.contract_size) || !(options.contract_size > 0.0)) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) +
                                             ": the contract size must be finite and > 0, but it is " +
                                             detail::value_text(options.contract_size)));
  }
  if (std::isfinite(options.contracts) == std::isfinite(options.ratio)) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) + ": give exactly one finite sizing, contracts or ratio, but contracts is " +
        detail::value_text(options.contracts) + " and ratio is " + detail::value_text(options.ratio)));
  }
  value_changes_result<Real> out;
  out.contracts = std::isfinite(options.contracts) ? options.contracts
                                                   : options.ratio * options.notional / options.contract_size;
  out.ratio = std::isfinite(options.ratio) ? options.ratio
                                           : options.contracts * options.contract_size / options.notional;
  const Real item_scale = static_cast<Real>(options.notional);
  const Real instrument_scale =
      -(static_cast<Real>(out.contracts) * static_cast<Real>(options.contract_size));
  const std::size_t n = s.size();
  if (options.missing == missing_data::raise) {
    for (std::size_t t = 0; t < n; ++t) {
      if (!detail::is_finite_value(s[t]))
        detail::throw_nonfinite(function, "item_prices", t, detail::value_text(s[t]));
      if (!detail::is_finite_value(f[t]))
        detail::throw_nonfinite(function, "instrument_prices", t, detail::value_text(f[t]));
    }
  }
  const bool omit = options.missing == missing_data::omit;
  bool have_previous = false;
  Real previous_s = 0, previous_f = 0;
  out.item.reserve(n > 0 ? n - 1 : 0);
  out.instrument.reserve(n > 0 ? n - 1 : 0);
  for (std::size_t t = 0; t < n; ++t) {
    const Real st = static_cast<Real>(s[t]);
    const Real ft = static_cast<Real>(f[t]);
    if (omit && !(std::isfinite(st) && std::isfinite(ft))) continue;
    if (have_previous) {
      out.item.push_back(item_scale * (st - previous_s));
      out.instrument.push_back(instrument_scale * (ft - previous_f));
    }
    previous_s = st;
    previous_f = ft;
    have_previous = true;
  }
  return out;
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_VALUE_CHANGES_HPP
