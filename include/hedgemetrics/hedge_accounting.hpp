// SPDX-License-Identifier: MIT
/// \file
/// The hedge-accounting family in one include: the changes in value with their signs (value_changes.hpp),
/// the dollar-offset test (dollar_offset.hpp), the regression and variance reduction tests
/// (regression_test.hpp), and the assessment that grades a hedging relationship under ASC 815-style bright
/// lines or IFRS 9-style evidence (hedge_assessment.hpp). Include one of them for less.
///
/// Inputs are the periodic changes in fair value (or in cash flows) of the hedged item and of the hedging
/// instrument, in money, aligned period by period, as a hedge designation documents them: the instrument
/// sized as designated (contracts × contract size × price change, with its sign). For an effective hedge
/// the two move in opposite directions. value_changes builds them from prices and states the convention.
///
/// References: FASB ASC 815-20-25 and 815-20-35; IAS 39 AG105(b); IFRS 9 §6.4.1(c) and B6.4.4–B6.4.19;
/// Finnerty & Grant (2002), "Alternative approaches to testing hedge effectiveness under SFAS No. 133",
/// Accounting Horizons 16(2).
#ifndef HEDGEMETRICS_HEDGE_ACCOUNTING_HPP
#define HEDGEMETRICS_HEDGE_ACCOUNTING_HPP

#include "hedgemetrics/dollar_offset.hpp"
#include "hedgemetrics/hedge_assessment.hpp"
#include "hedgemetrics/regression_test.hpp"
#include "hedgemetrics/value_changes.hpp"

#endif  // HEDGEMETRICS_HEDGE_ACCOUNTING_HPP
