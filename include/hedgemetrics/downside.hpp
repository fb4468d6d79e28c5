// SPDX-License-Identifier: MIT
/// \file
/// The downside family in one include: tail risk (tail_risk.hpp: value_at_risk, expected_shortfall),
/// partial moments (partial_moments.hpp: lower_partial_moment, semivariance), and the downside of a hedge
/// (downside_hedge.hpp: downside_effectiveness, min_expected_shortfall_ratio, min_semivariance_ratio,
/// min_target_semivariance_ratio and the normal closed forms), all configured by one downside_options
/// (downside_options.hpp). Include a single header of the family to compile less.
///
/// Conventions: a series of P&L (profit and loss) is what the position gains; its loss is −P&L. Value at
/// risk and expected shortfall are returned as losses (positive numbers when the tail loses money). The
/// hedged position is S − h·F, as everywhere in hedgemetrics (hedge_ratio.hpp). "Semivariance" is below
/// the mean (semivariance, min_semivariance_ratio); below a fixed target τ it is the lower partial moment of
/// order 2 (lower_partial_moment, min_target_semivariance_ratio). Cotter & Hanly (2006), "Reevaluating
/// hedging performance", J. Futures Markets 26(7), show that these measures rank hedges differently from
/// the variance.
#ifndef HEDGEMETRICS_DOWNSIDE_HPP
#define HEDGEMETRICS_DOWNSIDE_HPP

#include "hedgemetrics/detail/normal.hpp"
#include "hedgemetrics/downside_hedge.hpp"
#include "hedgemetrics/downside_options.hpp"
#include "hedgemetrics/partial_moments.hpp"
#include "hedgemetrics/tail_risk.hpp"

#endif  // HEDGEMETRICS_DOWNSIDE_HPP
