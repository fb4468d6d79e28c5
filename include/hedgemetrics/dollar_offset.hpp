// SPDX-License-Identifier: MIT
/// \file
/// The dollar-offset test of hedge effectiveness, period by period and cumulative since inception, with a
/// materiality threshold for the "small numbers" problem (part of the hedge-accounting family:
/// hedge_accounting.hpp includes it with the regression tests and the assessment).
///
/// Inputs are the periodic changes in fair value of the hedged item and of the hedging instrument, in
/// money, with their signs (value_changes.hpp builds them from prices and documents the convention).
///
/// References: FASB ASC 815-20-35; IAS 39 AG105(b) (the 80–125% range); Finnerty & Grant (2002),
/// "Alternative approaches to testing hedge effectiveness under SFAS No. 133", Accounting Horizons 16(2).
#ifndef HEDGEMETRICS_DOLLAR_OFFSET_HPP
#define HEDGEMETRICS_DOLLAR_OFFSET_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "hedgemetrics/detail/accounting_checks.hpp"
#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/exact_sums.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

/// The outcome of the dollar-offset test in one period (or cumulatively up to it).
enum class offset_status {
  pass,        ///< The offset ratio is inside the band.
  fail,        ///< The ratio is outside the band (or undefined while the changes are material).
  immaterial,  ///< Not inside the band, but both changes are below the materiality threshold.
  undefined    ///< The hedged item did not change (or a value is missing) and nothing is immaterial.
};

/// Options of the dollar-offset test.
struct dollar_offset_options {
  /// The lower bound of the offset band (0.80: 80%). 0 < lower ≤ upper.
  double lower = 0.80;
  /// The upper bound of the offset band (1.25: 125%).
  double upper = 1.25;
  /// An absolute amount (in the currency of the changes): a period whose ratio is outside the band is
  /// judged immaterial, not failed, when both |Δitem| and |Δinstrument| are below it. 0 (the default)
  /// turns the variant off. ≥ 0.
  double materiality = 0.0;
  /// What non-finite values mean (see missing_data): propagate (the default: that period is `undefined`,
  /// and so is every cumulative point from it on), omit (that period is `undefined` and left out of the
  /// cumulative sums, which go on from the complete periods), raise (std::domain_error naming the first
  /// non-finite value).
  missing_data missing = missing_data::propagate;
};

/// The dollar-offset figures of one period, or of the cumulative changes since inception up to it.
template <class Real = double>
struct offset_period {
  /// The period's 0-based position in the input.
  std::size_t period = 0;
  /// The hedged item's change (this period's, or the sum since inception).
  Real item_change = std::numeric_limits<Real>::quiet_NaN();
  /// The hedging instrument's change (this period's, or the sum since inception).
  Real instrument_change = std::numeric_limits<Real>::quiet_NaN();
  /// The offset ratio −Δinstrument/Δitem (1 for a perfect offset; negative when both move the same way).
  /// NaN when Δitem is 0 (undefined, never a division by zero) or a value is not finite.
  Real ratio = std::numeric_limits<Real>::quiet_NaN();
  /// pass / fail / immaterial / undefined (see offset_status).
  offset_status status = offset_status::undefined;
};

/// The dollar-offset test, period by period and cumulative since inception.
template <class Real = double>
struct dollar_offset_result {
  /// The band and the materiality threshold used.
  dollar_offset_options options;
  /// One entry per period: that period's changes.
  std::vector<offset_period<Real>> periods;
  /// One entry per period: the changes summed from the first period to this one (compensated sums).
  std::vector<offset_period<Real>> cumulative;
  /// Periods (of `periods`) that passed.
  std::size_t passed = 0;
  /// Periods that failed.
  std::size_t failed = 0;
  /// Periods judged immaterial.
  std::size_t immaterial = 0;
  /// Periods whose ratio is undefined and not immaterial.
  std::size_t undefined = 0;
};

/// The text of a period's status: "pass", "fail", "immaterial", "undefined".
[[nodiscard]] inline const char* to_string(offset_status s) noexcept {
  switch (s) {
    case offset_status::pass:
      return "pass";
    case offset_status::fail:
      return "fail";
    case offset_status::immaterial:
      return "immaterial";
    default:
      return "undefined";
  }
}

namespace detail {

inline void require_dollar_offset_options(const dollar_offset_options& o, const char* function) {
  require_band(o.lower, o.upper, "dollar-offset band", function);
  if (!(o.lower > 0.0)) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) + ": the dollar-offset band must lie above 0, but its lower bound is " +
        value_text(o.lower)));
  }
  require_non_negative(o.materiality, "the materiality threshold", function);
}

/// Grades one period (or one cumulative point) of the dollar-offset test into `p`, field by field, and
/// returns its status.
///
/// Written for speed (bench_hedge_accounting, BM_dollar_offset at 1e3, GCC 12 -O2): no branch on the data,
/// as pass and fail alternate at random in a hedge near the band's edges; the conditions are evaluated in
/// full (`&`, `|`) and the status is computed from them. And the fields are stored where they belong: a
/// whole offset_period built on the stack and then copied by push_back was reloaded in 16-byte pieces over
/// its 8- and 4-byte stores, a failed store-to-load forwarding twice per period, about half the time. The
/// quotient is formed with a divisor of 1 where the ratio is undefined, so nothing is divided by zero (nor
/// an infinity by an infinity), and then replaced by NaN there. Material false: the threshold is 0 (the
/// default, the variant off), so no change is below it and nothing is immaterial; the same grades, without
/// comparing |Δ| to it.
template <class Real, bool Material = true>
inline offset_status grade_offset(offset_period<Real>& p, std::size_t period, Real item, Real instrument,
                                  const dollar_offset_options& o) noexcept {
  // As ints, combined with & and |: Clang's -Wbitwise-instead-of-logical reads & on bools as a typo.
  const int finite = static_cast<int>(std::isfinite(item)) & static_cast<int>(std::isfinite(instrument));
  const int defined = finite & static_cast<int>(item != 0);
  const Real quotient = -instrument / (defined ? item : Real(1)) + Real(0);  // + 0: a ratio of 0 is +0
  const Real ratio = defined ? quotient : std::numeric_limits<Real>::quiet_NaN();
  const Real threshold = static_cast<Real>(o.materiality);
  // Comparisons with a NaN ratio are false: an undefined ratio is never inside the band.
  const int in_band = static_cast<int>(ratio >= static_cast<Real>(o.lower)) &
                      static_cast<int>(ratio <= static_cast<Real>(o.upper));
  int small = 0;
  if constexpr (Material) {
    small = finite & static_cast<int>(std::fabs(item) < threshold) &
            static_cast<int>(std::fabs(instrument) < threshold);
  } else {
    static_cast<void>(threshold);
  }
  // Outside the band: immaterial when both changes are small; else fail when either moved (a ratio
  // outside the band, or an item that did not move against an instrument that did); else undefined (both
  // changes 0, or a value missing).
  const int moved = finite & (static_cast<int>(item != 0) | static_cast<int>(instrument != 0));
  static_assert(static_cast<int>(offset_status::pass) == 0 && static_cast<int>(offset_status::fail) == 1 &&
                    static_cast<int>(offset_status::immaterial) == 2 &&
                    static_cast<int>(offset_status::undefined) == 3,
                "grade_offset computes the status by its number");
  const int outside = 3 - 2 * moved - small + 2 * small * moved;  // small: 2; else moved: 1; else 3
  const auto status = static_cast<offset_status>((1 - in_band) * outside);
  p.period = period;
  p.item_change = item;
  p.instrument_change = instrument;
  p.ratio = ratio;
  p.status = status;
  return status;
}

/// grade_offset as a value.
template <class Real>
[[nodiscard]] offset_period<Real> offset_of(std::size_t period, Real item, Real instrument,
                                            const dollar_offset_options& o) noexcept {
  offset_period<Real> p;
  grade_offset(p, period, item, instrument, o);
  return p;
}

/// grade_offset for a cumulative point whose sums are held scaled: the item's as sh·2^eh and the
/// instrument's as si·2^ei, each finite. The changes are reported at their true size (±inf past DBL_MAX),
/// the ratio −(si/sh)·2^(ei − eh) likewise, and the status is graded as grade_offset grades it, from the true
/// sizes (an infinite change is material and has moved).
template <class Real>
void grade_scaled_offset(offset_period<Real>& p, std::size_t period, Real sh, int eh, Real si, int ei,
                         const dollar_offset_options& o) noexcept {
  const Real item = std::ldexp(sh, eh);
  const Real instrument = std::ldexp(si, ei);
  const bool defined = sh != 0;
  const Real ratio =
      defined ? std::ldexp(-si / sh, ei - eh) + Real(0) : std::numeric_limits<Real>::quiet_NaN();
  const Real threshold = static_cast<Real>(o.materiality);
  const bool in_band = ratio >= static_cast<Real>(o.lower) && ratio <= static_cast<Real>(o.upper);
  const bool small = std::fabs(item) < threshold && std::fabs(instrument) < threshold;
  const bool moved = sh != 0 || si != 0;
  p.period = period;
  p.item_change = item;
  p.instrument_change = instrument;
  p.ratio = ratio;
  p.status = in_band ? offset_status::pass
             : small ? offset_status::immaterial
             : moved ? offset_status::fail
                     : offset_status::undefined;
}

/// An exact running sum: a nonoverlapping expansion, its components in increasing magnitude (Shewchuk 1997,
/// "Adaptive precision floating-point arithmetic and fast robust geometric predicates", Grow-Expansion with
/// zero elimination). Doubles span 2^-1074…2^1024, so it holds at most about 40 components; value() adds
/// them smallest first, within a rounding of the exact sum.
template <class Real>
class exact_sum {
 public:
  void add(Real x) {
    Real q = x;
    std::size_t kept = 0;
    for (std::size_t j = 0; j < parts_.size(); ++j) {
      Real s = 0, e = 0;
      two_sum(q, parts_[j], s, e);
      q = s;
      if (e != 0) parts_[kept++] = e;
    }
    parts_.resize(kept);
    if (q != 0) parts_.push_back(q);
  }
  [[nodiscard]] Real value() const noexcept {
    Real v = 0;
    for (const Real p : parts_) v += p;
    return v;
  }

 private:
  std::vector<Real> parts_;
};

/// A running sum of finite changes held as S·2^scale (scale 0 or rescale_cumulative's 64) for sums that
/// may pass DBL_MAX. Each change is divided by 2^scale, and the bits that division drops (those of a change
/// near 1e-314 below 2^(scale − 1074), each drop exactly representable) are kept apart, unscaled: a sum that
/// ends small is read unscaled with them (the item's 1.39e-309, divided by 2^64 beside its own later
/// changes near 1e308, fell to 0 and its ratio to NaN for −1.4e617: a fuzz finding), one beyond DBL_MAX
/// scaled, where the dropped bits are below its last digit. The scaled parts are summed exactly
/// (exact_sum): after an overflow the sums may cancel back to small values (changes of 1e300 and 1e308 in
/// both directions leaving 1e-20), which a compensated sum at 2^-64 lost (0, the ratio NaN for 2).
template <class Real>
struct split_running_sum {
  int scale = 0;
  exact_sum<Real> scaled;
  Real dropped = 0;
  void add(Real change) {
    const Real part = std::ldexp(change, -scale);
    scaled.add(part);
    dropped += change - std::ldexp(part, scale);
  }
  /// The sum as value·2^exponent, exponent 0 wherever the unscaled sum is finite.
  void read(Real& value, int& exponent) const noexcept {
    const Real part = scaled.value();
    const Real whole = std::ldexp(part, scale) + dropped;
    const bool beyond = scale != 0 && !std::isfinite(whole);
    value = beyond ? part : whole;
    exponent = beyond ? scale : 0;
  }
};

/// Where a cumulative sum of finite changes overflowed (changes near 1e308), the cumulative points from
/// there on are redone with the series whose sum overflowed summed times 2^−64 (split_running_sum: exact at
/// that size, its dropped low bits kept apart), which holds any n < 2^63 of them, and the other as it is (divided alike, a change near 1e-314 beside
/// instrument changes near 1e308 fell to 0 and its ratio to NaN for −9.5e621: a fuzz finding); each point
/// is graded at the true sizes (grade_scaled_offset): +inf only where a sum itself exceeds DBL_MAX. Run
/// after the plain loop, which it leaves as it was: an overflowed compensated sum stays non-finite, so the
/// first non-finite cumulative point after finite changes marks it.
// Kept out of line (GCC, Clang): inlined, it grew dollar_offset enough that GCC 12 stopped inlining
// offset_of (now grade_offset) there, +34% instructions in bench_hedge_accounting's BM_dollar_offset
// (callgrind).
template <class Real, class H, class I>
#if defined(__GNUC__)
__attribute__((noinline))
#endif
void rescale_cumulative(const series_view<H>& h, const series_view<I>& i, const dollar_offset_options& options,
                        std::vector<offset_period<Real>>& cumulative) {
  // An overflowed compensated sum stays NaN (its error term is inf − inf), so a finite last point means
  // that none overflowed: one test in the usual case.
  if (cumulative.empty() ||
      (std::isfinite(cumulative.back().item_change) && std::isfinite(cumulative.back().instrument_change))) {
    return;
  }
  std::size_t first = 0;
  for (; first < cumulative.size(); ++first) {
    const auto& c = cumulative[first];
    if (!std::isfinite(c.item_change) || !std::isfinite(c.instrument_change)) break;
  }
  if (first == cumulative.size()) return;
  for (std::size_t t = 0; t <= first; ++t) {
    if (!is_finite_value(h[t]) || !is_finite_value(i[t]))
      return;  // a missing value: propagated as documented
  }
  // Which sums overflowed (after `first` every point of a series that did is non-finite, as the changes
  // are finite up to there and an overflowed compensated sum stays NaN), up to the first missing value
  // (from which on every point is NaN by propagation, which says nothing of overflow).
  bool item_over = false, instrument_over = false;
  for (std::size_t t = first; t < cumulative.size(); ++t) {
    if (!is_finite_value(h[t]) || !is_finite_value(i[t])) break;  // a missing value, not an overflow
    item_over = item_over || !std::isfinite(cumulative[t].item_change);
    instrument_over = instrument_over || !std::isfinite(cumulative[t].instrument_change);
  }
  constexpr int down = 64;
  split_running_sum<Real> sum_h, sum_i;
  sum_h.scale = item_over ? down : 0;
  sum_i.scale = instrument_over ? down : 0;
  for (std::size_t t = 0; t < cumulative.size(); ++t) {
    const Real dh = static_cast<Real>(h[t]);
    const Real di = static_cast<Real>(i[t]);
    if (t > first && (!std::isfinite(dh) || !std::isfinite(di))) {
      // A missing value after the overflow: propagated from here on, as the plain loop does.
      const Real nan = std::numeric_limits<Real>::quiet_NaN();
      for (std::size_t u = t; u < cumulative.size(); ++u) grade_offset(cumulative[u], u, nan, nan, options);
      return;
    }
    sum_h.add(dh);
    sum_i.add(di);
    if (t < first) continue;
    Real vh = 0, vi = 0;
    int eh = 0, ei = 0;
    sum_h.read(vh, eh);
    sum_i.read(vi, ei);
    grade_scaled_offset(cumulative[t], t, vh, eh, vi, ei, options);
  }
}

/// How close to 0 a compensated cumulative sum may come before it is redone exactly. Neumaier's sum
/// s_t + c_t is exact but for the roundings of its compensation (c_t = fl(c_{t−1} + e_t), each e_t exact
/// and each rounding at most u·|c_t|), so at period t it is off by at most u·|S_t| + u·Σ_{s≤t}|c_s| (u the
/// unit roundoff; Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., §4.3). A cumulative
/// change of at least 4·Σ|c_s| (the total over every period, the larger of the two series' each period)
/// is therefore within 1.25u of its exact value; one below (changes of 1e300 that cancel down to 1e-20, a
/// cumulative change back at exactly 0) is doubtful, and regraded on exact sums. The bound before this one,
/// 4n·u·max|c|, was smaller by a factor of about 1/u: changes of 1e16, 1, five of 5.5e-17, −1e16, −1 and
/// 4.6e-15 left a cumulative change 5.7% low and its ratio 1 for 0.943 (test_hedge_accounting).
/// The kernel keeps Σ|c_s| and the least |cumulative change| in its loop, on values it has.
template <class Real>
[[nodiscard]] Real doubtful_bound(Real compensation_total) noexcept {
  return Real(4) * compensation_total;
}

/// The careful path of the cumulative points: the doubtful ones (below `bound`, see doubtful_bound) regraded on exact
/// sums, so a cumulative change that the compensated sums lost (1e300 + 1 + 1e-20 − 1e300 − 1) is right
/// and the ratio on it too; the other points keep their bits. Stops at the first non-finite change (the
/// points from there on are propagated NaN) or where an exact sum overflows (rescale_cumulative's case).
// Kept out of line, as rescale_cumulative.
template <class Real, class H, class I>
#if defined(__GNUC__)
__attribute__((noinline))
#endif
void exact_cumulative(const series_view<H>& h, const series_view<I>& i, const dollar_offset_options& options,
                      std::vector<offset_period<Real>>& cumulative, Real bound) {
  exact_sum<Real> sum_h, sum_i;
  for (std::size_t t = 0; t < cumulative.size(); ++t) {
    const Real dh = static_cast<Real>(h[t]);
    const Real di = static_cast<Real>(i[t]);
    if (!std::isfinite(dh) || !std::isfinite(di)) return;
    sum_h.add(dh);
    sum_i.add(di);
    const auto& c = cumulative[t];
    if (!(std::fabs(c.item_change) < bound) && !(std::fabs(c.instrument_change) < bound)) continue;
    const Real vh = sum_h.value();
    const Real vi = sum_i.value();
    if (!std::isfinite(vh) || !std::isfinite(vi)) return;
    grade_offset(cumulative[t], t, vh, vi, options);
  }
}

/// The dollar-offset test of aligned views into `out`, whose vectors are empty (their storage is reused).
/// One pass: each period graded, its count taken without a branch, the compensated sums carried, the
/// cumulative point graded; then the overflowed cumulative points, if any, redone. Material: whether
/// options.materiality > 0 (grade_offset).
template <class Real, bool Material, class H, class I>
void dollar_offset_loop(const series_view<H>& h, const series_view<I>& i,
                        const dollar_offset_options& options, dollar_offset_result<Real>& out) {
  const std::size_t n = h.size();
  out.options = options;
  out.periods.reserve(n);
  out.cumulative.reserve(n);
  std::size_t passed = 0, failed = 0, immaterial = 0;
  compensated_sum<Real> sum_h, sum_i;
  // What the compensated sums may have lost (see doubtful_bound): the total of the larger |compensation|
  // of the two series over the periods, and the least |cumulative change| of either series.
  Real compensation_total = 0;
  Real smallest_sum = std::numeric_limits<Real>::infinity();
  // The counts of pass, fail and immaterial periods in three 21-bit fields of one word, one add a period
  // (three compares and adds were the price of the two comparisons above: bench_hedge_accounting,
  // BM_dollar_offset, callgrind), emptied every 2^20 periods before a field can overflow.
  constexpr std::uint64_t increment[4] = {1, std::uint64_t(1) << 21, std::uint64_t(1) << 42, 0};
  constexpr std::size_t block = std::size_t(1) << 20;
  constexpr std::uint64_t field = (std::uint64_t(1) << 21) - 1;
  for (std::size_t start = 0; start < n; start += block) {
    const std::size_t end = n - start > block ? start + block : n;
    std::uint64_t counts = 0;
    for (std::size_t t = start; t < end; ++t) {
      const Real dh = static_cast<Real>(h[t]);
      const Real di = static_cast<Real>(i[t]);
      const offset_status status =
          grade_offset<Real, Material>(out.periods.emplace_back(), t, dh, di, options);
      counts += increment[static_cast<int>(status)];
      sum_h.add(dh);
      sum_i.add(di);
      const Real vh = sum_h.value();
      const Real vi = sum_i.value();
      const Real ah = std::fabs(vh), ai = std::fabs(vi);  // the same as grade_offset's, computed once
      const Real low = ah < ai ? ah : ai;
      smallest_sum = low < smallest_sum ? low : smallest_sum;
      const Real ch = std::fabs(sum_h.error), ci = std::fabs(sum_i.error);
      const Real c = ch > ci ? ch : ci;
      compensation_total += c;
      grade_offset<Real, Material>(out.cumulative.emplace_back(), t, vh, vi, options);
    }
    passed += static_cast<std::size_t>(counts & field);
    failed += static_cast<std::size_t>((counts >> 21) & field);
    immaterial += static_cast<std::size_t>(counts >> 42);
  }
  out.passed = passed;
  out.failed = failed;
  out.immaterial = immaterial;
  out.undefined = n - passed - failed - immaterial;
  // After an overflow the error terms are NaN: every point is then doubtful until the exact sums overflow
  // too (rescale_cumulative redoes the points from there).
  const Real bound = compensation_total <= std::numeric_limits<Real>::max()
                         ? doubtful_bound(compensation_total)
                         : std::numeric_limits<Real>::infinity();
  if (smallest_sum < bound) exact_cumulative(h, i, options, out.cumulative, bound);
  rescale_cumulative(h, i, options, out.cumulative);
}

/// dollar_offset_loop, its grading without the materiality test where the threshold is 0 (the default): the
/// two tests of |Δ| against it in each of a period's two gradings were a fifth of the time on a Zen 5 at
/// -O2 (in one process against the loop with them: 7.3-7.7 ns a period against 9.2-9.7 at 10^3 and 10^4
/// periods; bench_hedge_accounting's data). The threshold is finite and ≥ 0 (checked before).
/// Tried and dropped: the results grown a block at a time and written through plain pointers, the options
/// and the series' pointers as locals, the least |cumulative change| taken after each block, and the two
/// cumulative sums kept out of GCC's SLP vectoriser (an empty asm on each). llvm-mca put that loop at 31
/// cycles a period against 48, but in one process it took 10% more time than the loop it was to replace.
template <class Real, class H, class I>
void dollar_offset_kernel(const series_view<H>& h, const series_view<I>& i,
                          const dollar_offset_options& options, dollar_offset_result<Real>& out) {
  if (options.materiality > 0) {
    dollar_offset_loop<Real, true>(h, i, options, out);
  } else {
    dollar_offset_loop<Real, false>(h, i, options, out);
  }
}

/// dollar_offset_kernel under options.missing. Propagate runs the kernel on the data as they are (the
/// kernel propagates a non-finite value period by period). Omit and raise first look for a non-finite
/// value (one scan, only under those policies): raise throws on it; omit runs the kernel on copies whose
/// incomplete pairs are (0, 0), which add nothing to the cumulative sums, and then grades those periods
/// from the data (`undefined`, ratio NaN), their counts moved to `undefined`.
template <class Real, class H, class I>
void dollar_offset_missing(const series_view<H>& h, const series_view<I>& i,
                           const dollar_offset_options& options, dollar_offset_result<Real>& out,
                           const char* function) {
  const std::size_t n = h.size();
  std::size_t first = n;
  if (options.missing != missing_data::propagate) {
    for (std::size_t t = 0; t < n; ++t) {
      if (!is_finite_value(h[t]) || !is_finite_value(i[t])) {
        first = t;
        break;
      }
    }
  }
  if (first == n) {
    dollar_offset_kernel(h, i, options, out);
    return;
  }
  if (options.missing == missing_data::raise) {
    if (!is_finite_value(h[first])) throw_nonfinite(function, "item", first, value_text(h[first]));
    throw_nonfinite(function, "instrument", first, value_text(i[first]));
  }
  std::vector<Real> hz(n), iz(n);
  for (std::size_t t = 0; t < n; ++t) {
    const bool complete = is_finite_value(h[t]) && is_finite_value(i[t]);
    hz[t] = complete ? static_cast<Real>(h[t]) : Real(0);
    iz[t] = complete ? static_cast<Real>(i[t]) : Real(0);
  }
  dollar_offset_kernel(series_view<Real>(hz.data(), n), series_view<Real>(iz.data(), n), options, out);
  for (std::size_t t = first; t < n; ++t) {
    if (is_finite_value(h[t]) && is_finite_value(i[t])) continue;
    switch (out.periods[t].status) {
      case offset_status::pass:
        --out.passed;
        break;
      case offset_status::fail:
        --out.failed;
        break;
      case offset_status::immaterial:
        --out.immaterial;
        break;
      default:
        --out.undefined;
    }
    ++out.undefined;
    grade_offset(out.periods[t], t, static_cast<Real>(h[t]), static_cast<Real>(i[t]), options);
  }
}

}  // namespace detail

/// The dollar-offset test (ASC 815; IAS 39 AG105(b)): in each period t the offset ratio
/// \f[ r_t = -\frac{\Delta I_t}{\Delta H_t} \f]
/// of the instrument's change ΔI to the hedged item's change ΔH, and cumulatively since inception
/// R_t = −Σ_{s≤t} ΔI_s / Σ_{s≤t} ΔH_s, each judged against the band [lower, upper] (80%–125% by
/// default). The sign makes an offsetting hedge positive; the band 0.80–1.25 is closed under reciprocals
/// (0.80 = 1/1.25), so quoting ΔH/ΔI instead gives the same verdicts.
///
/// The small-numbers problem (Finnerty & Grant 2002): when both changes are tiny, any ratio is possible
/// and a good hedge fails. With options.materiality > 0, a period outside the band whose changes are both
/// below the threshold in absolute value is `immaterial`, not `fail`. A period whose item change is 0 has
/// an undefined ratio (NaN, never a division by zero): `undefined` when the instrument did not move either,
/// `fail` when it moved by a material amount, `immaterial` when it moved by less than the threshold.
/// Cumulative sums are compensated (Neumaier), so a cumulative change that returns to 0 does so exactly
/// up to the inputs' own rounding; where a sum of finite changes overflows, it is carried on the changes
/// times 2^−64, so the cumulative ratio stays right (−5e-9 for item 1e308 + 1e308 against instrument
/// 1e300) and a cumulative change is +inf only where it exceeds DBL_MAX.
///
/// Non-finite values as options.missing says: propagate (the default) makes that period `undefined`, and
/// every cumulative point from it on; omit makes that period `undefined` and leaves it out of the
/// cumulative sums; raise throws.
///
/// Range: every ratio is right (to a rounding or two) wherever the changes are finite, from subnormal to
/// DBL_MAX and at mixed scales (1e-300 against 1e300); a period's ratio beyond DBL_MAX is ±inf and one
/// below the smallest subnormal ±0, as the quotient rounds. NaN only for the documented cases (an item
/// change of 0, a non-finite value).
/// \param item       ΔH, the hedged item's change per period.
/// \param instrument ΔI, the instrument's change per period, aligned with `item`.
/// \param options    the band, the materiality threshold and the missing-data policy.
/// \throws std::invalid_argument when the lengths differ, the band is not finite with 0 < lower ≤ upper,
///         or the threshold is negative (the message names the values); std::domain_error under
///         missing_data::raise, naming the first non-finite value.
/// Reference: Finnerty & Grant (2002); Hull, Options, Futures and Other Derivatives, ch. 3.
template <class Item, class Instrument>
[[nodiscard]] dollar_offset_result<result_t<Item, Instrument>> dollar_offset(
    const Item& item, const Instrument& instrument, const dollar_offset_options& options = {}) {
  using Real = result_t<Item, Instrument>;
  const char* function = "hedgemetrics::dollar_offset";
  detail::require_dollar_offset_options(options, function);
  const auto h = detail::view_of(item, function, "item");
  const auto i = detail::view_of(instrument, function, "instrument");
  detail::require_same_length(function, "item", h.size(), "instrument", i.size());
  dollar_offset_result<Real> out;
  detail::dollar_offset_missing(h, i, options, out, function);
  return out;
}

/// dollar_offset into a result the caller keeps, for a caller who runs the test again and again (on a
/// rolling designation, or on many hedges): `out` is overwritten with exactly what dollar_offset returns,
/// and the storage of its two vectors is reused, so that once it has grown to the largest series no call
/// allocates. At 1e6 periods a fresh result is 80 MB the operating system must map and zero on every call,
/// most of the plain call's time (bench_hedge_accounting, BM_dollar_offset against BM_dollar_offset_reused).
/// \param item, instrument, options as dollar_offset.
/// \param out        the result; its previous contents are discarded (also when this throws).
/// \throws as dollar_offset.
template <class Item, class Instrument>
void dollar_offset(const Item& item, const Instrument& instrument, const dollar_offset_options& options,
                   dollar_offset_result<result_t<Item, Instrument>>& out) {
  const char* function = "hedgemetrics::dollar_offset";
  out.options = dollar_offset_options{};
  out.periods.clear();
  out.cumulative.clear();
  out.passed = out.failed = out.immaterial = out.undefined = 0;
  detail::require_dollar_offset_options(options, function);
  const auto h = detail::view_of(item, function, "item");
  const auto i = detail::view_of(instrument, function, "instrument");
  detail::require_same_length(function, "item", h.size(), "instrument", i.size());
  detail::dollar_offset_missing(h, i, options, out, function);
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_DOLLAR_OFFSET_HPP
