// SPDX-License-Identifier: MIT
/// \file
/// Umbrella header: every public header of hedgemetrics.
#ifndef HEDGEMETRICS_HEDGEMETRICS_HPP
#define HEDGEMETRICS_HEDGEMETRICS_HPP

#include "hedgemetrics/accumulator.hpp"
#include "hedgemetrics/alignment.hpp"
#include "hedgemetrics/asynchronous.hpp"
#include "hedgemetrics/basis.hpp"
#include "hedgemetrics/cointegration.hpp"
#include "hedgemetrics/contracts.hpp"
#include "hedgemetrics/correlation.hpp"
#include "hedgemetrics/dated.hpp"
#include "hedgemetrics/delta_hedge.hpp"
#include "hedgemetrics/descriptive.hpp"
#include "hedgemetrics/dollar_offset.hpp"
#include "hedgemetrics/downside.hpp"
#include "hedgemetrics/downside_hedge.hpp"
#include "hedgemetrics/downside_options.hpp"
#include "hedgemetrics/error_correction.hpp"
#include "hedgemetrics/garch_hedge.hpp"
#include "hedgemetrics/greek_hedge.hpp"
#include "hedgemetrics/hedge_accounting.hpp"
#include "hedgemetrics/hedge_assessment.hpp"
#include "hedgemetrics/hedge_ratio.hpp"
#include "hedgemetrics/inference.hpp"
#include "hedgemetrics/instruction_set.hpp"
#include "hedgemetrics/kalman_hedge.hpp"
#include "hedgemetrics/model_strategies.hpp"
#include "hedgemetrics/multi_hedge.hpp"
#include "hedgemetrics/option_pricing.hpp"
#include "hedgemetrics/partial_moments.hpp"
#include "hedgemetrics/regression_test.hpp"
#include "hedgemetrics/rolling.hpp"
#include "hedgemetrics/series.hpp"
#include "hedgemetrics/structural_breaks.hpp"
#include "hedgemetrics/tail_risk.hpp"
#include "hedgemetrics/transforms.hpp"
#include "hedgemetrics/value_changes.hpp"
#include "hedgemetrics/version.hpp"
#include "hedgemetrics/walk_forward.hpp"

#endif  // HEDGEMETRICS_HEDGEMETRICS_HPP
