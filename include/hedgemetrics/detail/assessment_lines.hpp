// SPDX-License-Identifier: MIT
/// \file
/// The prose of assess_hedge (hedge_assessment.hpp): for each test's figures, the assessment lines — the
/// criterion, its figure, its threshold as text, its grade and the reason in words a controller can quote.
///
/// Kept apart from the tests and from the grading rules' types: each function reads one test's result and
/// writes its lines through a `Lines` object that knows the rule set and keeps the grades, with
///   pass / warn / fail(test, figure, threshold, reason)  a grade that does not depend on the rule set;
///   missed(test, figure, threshold, reason)              a missed bright line: fail under ASC 815, warn
///                                                        under IFRS 9 (also for an undefined figure);
///   ifrs()                                               true under IFRS 9-style rules.
/// References: ASC 815-20-25, 815-20-35; IAS 39 AG105; IFRS 9 B6.4.4–B6.4.6, B6.4.9, B6.4.13.
#ifndef HEDGEMETRICS_DETAIL_ASSESSMENT_LINES_HPP
#define HEDGEMETRICS_DETAIL_ASSESSMENT_LINES_HPP

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>

#include "hedgemetrics/detail/accounting_checks.hpp"
#include "hedgemetrics/dollar_offset.hpp"
#include "hedgemetrics/regression_test.hpp"

namespace hedgemetrics::detail {

/// The regression test's four lines: slope, R², the slope's p-value (with t and F), observations.
template <class Lines, class Real>
void regression_lines(Lines& lines, const regression_test_result<Real>& r, const regression_test_options& o) {
  const bool ifrs = lines.ifrs();
  const double slope = static_cast<double>(r.slope);
  const std::string band = accounting_number(o.slope_lower, 3) + " to " + accounting_number(o.slope_upper, 3);
  if (std::isnan(slope)) {
    lines.missed("regression: slope", slope, band, "undefined: fewer than 3 observations or no variation");
  } else if (r.slope_in_band) {
    lines.pass("regression: slope", slope, band, "inside the band");
  } else if (ifrs && slope >= 0) {
    lines.fail("regression: slope", slope, band,
               "the instrument does not move against the item: no offsetting economic relationship");
  } else {
    lines.missed("regression: slope", slope, band,
                 ifrs ? "outside the ASC 815 band: review the hedge ratio (IFRS 9 B6.4.9, rebalancing)"
                      : "outside the band");
  }
  const double r2 = static_cast<double>(r.r_squared);
  const std::string r2_line = ">= " + accounting_number(o.min_r_squared, 3);
  if (std::isnan(r2)) {
    lines.missed("regression: R^2", r2, r2_line, "undefined");
  } else if (r.r_squared_met) {
    lines.pass("regression: R^2", r2, r2_line, "at or above the minimum");
  } else {
    lines.missed("regression: R^2", r2, r2_line, "below the minimum");
  }
  const double p = static_cast<double>(r.p_value);
  const std::string p_line = "p < " + accounting_number(o.significance, 3);
  const std::string t_and_f = "t = " + accounting_number(static_cast<double>(r.t_statistic)) +
                              ", F = " + accounting_number(static_cast<double>(r.f_statistic)) + " (1, " +
                              std::to_string(r.n >= 2 ? r.n - 2 : 0) + " df)";
  if (std::isnan(p)) {
    lines.missed("regression: slope p-value", p, p_line, "undefined");
  } else if (r.significant) {
    lines.pass("regression: slope p-value", p, p_line, "significant: " + t_and_f);
  } else {
    lines.fail("regression: slope p-value", p, p_line,
               "not significant: " + t_and_f + (ifrs ? "; no evidence of an economic relationship" : ""));
  }
  const std::string n_line = ">= " + std::to_string(o.min_observations);
  if (r.few_observations) {
    lines.warn("regression: observations", static_cast<double>(r.n), n_line,
               "fewer observations than the minimum: weak statistical evidence");
  } else {
    lines.pass("regression: observations", static_cast<double>(r.n), n_line, "enough");
  }
}

/// The variance reduction test's line.
template <class Lines, class Real>
void variance_reduction_line(Lines& lines, const variance_reduction_result<Real>& v) {
  const double value = static_cast<double>(v.reduction);
  const std::string line = ">= " + accounting_number(v.threshold, 3);
  if (std::isnan(value)) {
    lines.missed("variance reduction", value, line,
                 "undefined: fewer than 2 observations or a constant item");
  } else if (v.passed) {
    lines.pass("variance reduction", value, line, "at or above the threshold");
  } else if (lines.ifrs() && value <= 0) {
    lines.fail("variance reduction", value, line, "the instrument adds variance");
  } else {
    lines.missed("variance reduction", value, line, "below the threshold");
  }
}

/// The band of a dollar-offset line, e.g. "0.8 to 1.25".
[[nodiscard]] inline std::string offset_band(const dollar_offset_options& o) {
  return accounting_number(o.lower, 3) + " to " + accounting_number(o.upper, 3);
}

/// The cumulative dollar offset's line, graded on the last cumulative point. Immaterial is a warning
/// under both rule sets. `band` is offset_band's text, formatted once for both dollar-offset lines.
template <class Lines, class Real>
void cumulative_offset_line(Lines& lines, const dollar_offset_result<Real>& d, const std::string& band) {
  const char* test = "dollar offset: cumulative";
  if (d.cumulative.empty()) {
    lines.missed(test, std::numeric_limits<double>::quiet_NaN(), band, "no periods");
    return;
  }
  const auto& last = d.cumulative.back();
  const double ratio = static_cast<double>(last.ratio);
  switch (last.status) {
    case offset_status::pass:
      lines.pass(test, ratio, band, "inside the band since inception");
      break;
    case offset_status::immaterial:
      lines.warn(test, ratio, band,
                 "outside the band, but both cumulative changes are below the materiality threshold");
      break;
    case offset_status::undefined:
      lines.missed(test, ratio, band, "undefined: the cumulative item change is 0 (or a value is missing)");
      break;
    default:
      lines.missed(test, ratio, band,
                   ratio > 0 ? "outside the band"
                             : "outside the band: item and instrument moved the same way since inception");
  }
}

/// The period-by-period dollar offset's line: its figure is the share of periods that pass; any failed
/// period is a missed line, immaterial or undefined periods without failures a warning.
template <class Lines, class Real>
void periodic_offset_line(Lines& lines, const dollar_offset_result<Real>& d, const std::string& band) {
  const std::size_t n = d.periods.size();
  const double share = n > 0 ? static_cast<double>(d.passed) / static_cast<double>(n)
                             : std::numeric_limits<double>::quiet_NaN();
  const std::string counts = std::to_string(d.passed) + " of " + std::to_string(n) + " periods pass, " +
                             std::to_string(d.failed) + " fail, " + std::to_string(d.immaterial) +
                             " immaterial, " + std::to_string(d.undefined) + " undefined";
  const std::string line = "every period " + band;
  const char* test = "dollar offset: period by period";
  if (n == 0) {
    lines.missed(test, share, line, "no periods");
  } else if (d.failed > 0) {
    lines.missed(test, share, line, counts);
  } else if (d.undefined > 0 || d.immaterial > 0) {
    lines.warn(test, share, line, counts);
  } else {
    lines.pass(test, share, line, counts);
  }
}

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_ASSESSMENT_LINES_HPP
