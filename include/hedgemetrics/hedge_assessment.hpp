// SPDX-License-Identifier: MIT
/// \file
/// The assessment of a hedging relationship: runs the dollar-offset, regression and variance reduction
/// tests and grades each criterion under ASC 815-style bright lines or IFRS 9-style evidence (part of the
/// hedge-accounting family: hedge_accounting.hpp includes it with the tests). The words of each line are in
/// detail/assessment_lines.hpp.
///
/// References: FASB ASC 815-20-25 and 815-20-35 (the 80–125% range is practice under ASC 815, formerly FAS
/// 133 implementation guidance, and was written into IAS 39 AG105(b)); IFRS 9 §6.4.1(c) and B6.4.4–B6.4.19
/// (economic relationship, hedge ratio; no bright line); Finnerty & Grant (2002).
#ifndef HEDGEMETRICS_HEDGE_ASSESSMENT_HPP
#define HEDGEMETRICS_HEDGE_ASSESSMENT_HPP

#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "hedgemetrics/detail/accounting_checks.hpp"
#include "hedgemetrics/detail/assessment_lines.hpp"
#include "hedgemetrics/dollar_offset.hpp"
#include "hedgemetrics/regression_test.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

/// A grade of the assessment.
enum class assessment_grade {
  pass,  ///< The criterion is met.
  warn,  ///< Met with a caveat (too few observations), or missed under IFRS 9-style rules.
  fail   ///< Missed under ASC 815-style rules, or, under IFRS 9, evidence against an economic relationship.
};

/// The rule set an assessment grades by.
enum class rule_set {
  asc_815,  ///< Bright lines (ASC 815, IAS 39): a criterion missed is a fail.
  ifrs_9    ///< IFRS 9: no bright line. The figures are evidence of an economic relationship; a missed
            ///< ASC-style line is a warning; fail only when the evidence goes against the relationship
            ///< (the instrument does not move against the item, or not significantly).
};

/// Which tests an assessment runs, and their options.
struct assessment_options {
  /// The rule set that grades the figures.
  rule_set rules = rule_set::asc_815;
  /// Run the regression test.
  bool regression = true;
  /// Run the variance reduction test.
  bool variance_reduction = true;
  /// Run the cumulative dollar-offset test (graded on the cumulative ratio at the last period).
  bool dollar_offset_cumulative = true;
  /// Run the period-by-period dollar-offset test (graded on every period).
  bool dollar_offset_periodic = true;
  /// Options of the dollar-offset tests.
  dollar_offset_options dollar_offset;
  /// Options of the regression test.
  regression_test_options regression_test;
  /// The variance reduction threshold (0.80). ≥ 0.
  double variance_reduction_threshold = 0.80;
  /// What non-finite values mean, for every test (see missing_data): propagate (the default), omit (drop
  /// the incomplete pairs; the dollar-offset tests grade those periods `undefined` and leave them out of
  /// the cumulative sums), raise (std::domain_error naming the first). It replaces the `missing` of the
  /// nested dollar_offset and regression_test options.
  missing_data missing = missing_data::propagate;
};

/// One line of an assessment: a criterion, its figure, its threshold, its grade and why.
struct assessment_line {
  /// The test and criterion, e.g. "regression: slope".
  std::string test;
  /// The figure (NaN when undefined).
  double figure = std::numeric_limits<double>::quiet_NaN();
  /// The threshold as text, e.g. "-1.25 to -0.80".
  std::string threshold;
  /// The grade.
  assessment_grade grade = assessment_grade::fail;
  /// Why, in words a controller can quote.
  std::string reason;
};

/// An assessment of a hedging relationship: each test's figures, one line per criterion, and the overall
/// grade (the worst line).
template <class Real = double>
struct hedge_assessment {
  /// The rule set used.
  rule_set rules = rule_set::asc_815;
  /// True under IFRS 9-style rules: the grades are informational, the figures are the evidence.
  bool informational = false;
  /// The worst grade of the lines (pass when no test ran).
  assessment_grade overall = assessment_grade::pass;
  /// One line per criterion, in the order: regression (slope, R², significance, observations), variance
  /// reduction, dollar offset cumulative, dollar offset period by period.
  std::vector<assessment_line> lines;
  /// The dollar-offset figures (empty when neither dollar-offset test ran).
  dollar_offset_result<Real> dollar_offset;
  /// The regression figures (NaN when it did not run).
  regression_test_result<Real> regression;
  /// The variance reduction figures (NaN when it did not run).
  variance_reduction_result<Real> variance_reduction;
};

/// The text of a grade: "pass", "warn", "fail".
[[nodiscard]] inline const char* to_string(assessment_grade g) noexcept {
  return g == assessment_grade::pass ? "pass" : (g == assessment_grade::warn ? "warn" : "fail");
}

/// The name of a rule set: "ASC 815", "IFRS 9".
[[nodiscard]] inline const char* to_string(rule_set r) noexcept {
  return r == rule_set::asc_815 ? "ASC 815" : "IFRS 9";
}

namespace detail {

[[nodiscard]] inline assessment_grade worse(assessment_grade a, assessment_grade b) noexcept {
  return static_cast<int>(a) > static_cast<int>(b) ? a : b;
}

/// A missed bright line: fail under ASC 815, warn under IFRS 9 (evidence, not a rule).
[[nodiscard]] inline assessment_grade missed(rule_set rules) noexcept {
  return rules == rule_set::asc_815 ? assessment_grade::fail : assessment_grade::warn;
}

/// The Lines of detail/assessment_lines.hpp: appends each line to an assessment and keeps the worst grade.
template <class Real>
class assessment_writer {
 public:
  explicit assessment_writer(hedge_assessment<Real>& out) noexcept : out_(out) {}
  [[nodiscard]] bool ifrs() const noexcept { return out_.rules == rule_set::ifrs_9; }
  void pass(std::string test, double figure, std::string threshold, std::string reason) {
    add(std::move(test), figure, std::move(threshold), assessment_grade::pass, std::move(reason));
  }
  void warn(std::string test, double figure, std::string threshold, std::string reason) {
    add(std::move(test), figure, std::move(threshold), assessment_grade::warn, std::move(reason));
  }
  void fail(std::string test, double figure, std::string threshold, std::string reason) {
    add(std::move(test), figure, std::move(threshold), assessment_grade::fail, std::move(reason));
  }
  void missed(std::string test, double figure, std::string threshold, std::string reason) {
    add(std::move(test), figure, std::move(threshold), detail::missed(out_.rules), std::move(reason));
  }

 private:
  void add(std::string test, double figure, std::string threshold, assessment_grade grade,
           std::string reason) {
    out_.lines.push_back({std::move(test), figure, std::move(threshold), grade, std::move(reason)});
    out_.overall = worse(out_.overall, grade);
  }
  hedge_assessment<Real>& out_;
};

}  // namespace detail

/// Assesses a hedging relationship: runs the chosen tests (regression_test, variance_reduction_test,
/// dollar_offset cumulative and period by period) and grades each criterion pass / warn / fail with its
/// reason, under the chosen rule set. Missing a line is a fail under ASC 815 and a warning under IFRS 9,
/// except where noted:
///  - regression slope in the band: under IFRS 9 a slope ≥ 0 is a fail (the instrument does not offset);
///  - regression R² at or above the minimum;
///  - slope significant (p < α): a fail under both (no evidence of a relationship);
///  - observations at or above the minimum: a warning under both when fewer;
///  - variance reduction at or above the threshold: under IFRS 9 a reduction ≤ 0 is a fail (adds risk);
///  - cumulative dollar offset in the band at the last period: immaterial is a warning under both;
///  - every period's dollar offset in the band: any failed period is a fail (ASC 815) or a warning;
///    immaterial or undefined periods without failures are a warning.
///
/// Dollar offset is never a fail under IFRS 9: its ratios swing wildly when the changes are small (the
/// small-numbers problem), so they are evidence to weigh, not a verdict. An undefined figure (too few
/// observations, a constant series) is a fail under ASC 815 and a warning under IFRS 9. The overall grade
/// is the worst line. Both regression directions give a negative slope for an offsetting hedge.
/// References: ASC 815-20-25, 815-20-35; IAS 39 AG105; IFRS 9 B6.4.4–B6.4.6, B6.4.13.
/// \param item       ΔH, the hedged item's change per period.
/// \param instrument ΔI, the instrument's change per period, aligned with `item`.
/// \param options    the rule set, the tests to run, their options and the missing-data policy.
/// \throws std::invalid_argument for different lengths or invalid options (as each test);
///         std::domain_error under missing_data::raise.
template <class Item, class Instrument>
[[nodiscard]] hedge_assessment<result_t<Item, Instrument>> assess_hedge(
    const Item& item, const Instrument& instrument, const assessment_options& options = {});

/// assess_hedge into an assessment the caller keeps, for a caller who assesses again and again (every
/// reporting date, many designations): `out` is overwritten with exactly what assess_hedge returns, and
/// the storage of its dollar-offset vectors and lines is reused, as by the dollar_offset overload that
/// takes a result (at 1e6 periods, the 80 MB of a fresh dollar-offset result are most of the plain call's
/// time: bench_hedge_accounting, BM_assess_hedge against BM_assess_hedge_reused).
/// \param item, instrument, options as assess_hedge.
/// \param out the assessment; its previous contents are discarded (also when this throws).
/// \throws as assess_hedge.
template <class Item, class Instrument>
void assess_hedge(const Item& item, const Instrument& instrument, const assessment_options& options,
                  hedge_assessment<result_t<Item, Instrument>>& out) {
  const char* function = "hedgemetrics::assess_hedge";
  out.rules = options.rules;
  out.informational = options.rules == rule_set::ifrs_9;
  out.overall = assessment_grade::pass;
  out.lines.clear();
  out.dollar_offset.options = dollar_offset_options{};
  out.dollar_offset.periods.clear();
  out.dollar_offset.cumulative.clear();
  out.dollar_offset.passed = out.dollar_offset.failed = out.dollar_offset.immaterial =
      out.dollar_offset.undefined = 0;
  out.regression = {};
  out.variance_reduction = {};
  detail::require_dollar_offset_options(options.dollar_offset, function);
  detail::require_regression_options(options.regression_test, function);
  detail::require_non_negative(options.variance_reduction_threshold, "the variance reduction threshold",
                               function);
  detail::assessment_writer<result_t<Item, Instrument>> lines(out);
  if (options.regression) {
    regression_test_options o = options.regression_test;
    o.missing = options.missing;
    out.regression = regression_test(item, instrument, o);
    detail::regression_lines(lines, out.regression, o);
  }
  if (options.variance_reduction) {
    out.variance_reduction = variance_reduction_test(
        item, instrument, variance_reduction_options{options.variance_reduction_threshold, options.missing});
    detail::variance_reduction_line(lines, out.variance_reduction);
  }
  dollar_offset_options o = options.dollar_offset;
  o.missing = options.missing;
  if (options.dollar_offset_cumulative || options.dollar_offset_periodic) {
    dollar_offset(item, instrument, o, out.dollar_offset);
  }
  if (options.dollar_offset_cumulative || options.dollar_offset_periodic) {
    const std::string band = detail::offset_band(o);
    if (options.dollar_offset_cumulative) detail::cumulative_offset_line(lines, out.dollar_offset, band);
    if (options.dollar_offset_periodic) detail::periodic_offset_line(lines, out.dollar_offset, band);
  }
}

template <class Item, class Instrument>
[[nodiscard]] hedge_assessment<result_t<Item, Instrument>> assess_hedge(const Item& item,
                                                                        const Instrument& instrument,
                                                                        const assessment_options& options) {
  hedge_assessment<result_t<Item, Instrument>> out;
  assess_hedge(item, instrument, options, out);
  return out;
}

/// assess_hedge with the missing-data policy as a positional argument (before 0.2). The policy now also
/// applies to the dollar-offset tests (they propagated always).
template <class Item, class Instrument>
[[deprecated(
    "use assess_hedge(item, instrument, options) with options.missing "
    "instead")]] [[nodiscard]] hedge_assessment<result_t<Item, Instrument>>
assess_hedge(const Item& item, const Instrument& instrument, const assessment_options& options,
             missing_data policy) {
  assessment_options with_policy = options;
  with_policy.missing = policy;
  return assess_hedge(item, instrument, with_policy);
}

/// assess_hedge into a kept assessment with a positional policy (before 0.2).
template <class Item, class Instrument>
[[deprecated("use assess_hedge(item, instrument, options, out) with options.missing instead")]] void
assess_hedge(const Item& item, const Instrument& instrument, const assessment_options& options,
             hedge_assessment<result_t<Item, Instrument>>& out, missing_data policy) {
  assessment_options with_policy = options;
  with_policy.missing = policy;
  assess_hedge(item, instrument, with_policy, out);
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_HEDGE_ASSESSMENT_HPP
