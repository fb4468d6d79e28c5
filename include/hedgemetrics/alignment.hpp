// SPDX-License-Identifier: MIT
/// \file
/// Aligning series that do not tick together: dates, and the as-of join of k timestamped series.
///
/// Timestamps are `std::int64_t` counts in one unit the caller chooses and keeps: days since 1970-01-01
/// for daily prices (what parse_date returns), or seconds, milliseconds, nanoseconds for intraday ticks.
/// Ages and the staleness limit are in the same unit. Each series' timestamps must be strictly
/// increasing; a duplicated or out-of-order timestamp is a caller error naming the series, index and value.
///
/// Policies (join_policy):
/// - `inner`:    a row at every timestamp present in all series; every age is 0.
/// - `as_of`:    a row at every timestamp of the anchor series (options.anchor), each other series giving
///               its last value at or before that time (pandas `merge_asof`, direction "backward").
/// - `union_as_of`: a row at every timestamp where any series ticks, each series giving its last value at
///               or before it (two markets with different holidays: each day either trades).
/// - `calendar_grid`: a row at every grid point grid_start + k·grid_step (optionally weekdays only),
///               each series giving its last value at or before it.
/// Under the three as-of policies a row is dropped when a series has no value yet (`no_earlier_value`)
/// or its value is older than options.max_staleness (`stale`); alignment_report counts each reason.
#ifndef HEDGEMETRICS_ALIGNMENT_HPP
#define HEDGEMETRICS_ALIGNMENT_HPP

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/instruction_set.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

// ---------------------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------------------

/// A day of the proleptic Gregorian calendar.
struct civil_date {
  int year = 1970;     ///< e.g. 2023
  unsigned month = 1;  ///< 1..12
  unsigned day = 1;    ///< 1..days_in_month(year, month)
};

/// Whether `year` is a Gregorian leap year (divisible by 4, and by 400 if by 100).
[[nodiscard]] constexpr bool is_leap_year(int year) noexcept {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

/// The number of days in `month` (1..12) of `year`; 0 for a month outside 1..12.
[[nodiscard]] constexpr unsigned days_in_month(int year, unsigned month) noexcept {
  constexpr unsigned lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && is_leap_year(year) ? 29U : lengths[month - 1];
}

/// Days since 1970-01-01 (negative before) of a valid civil date.
///
/// The year is counted from March, so that the leap day is the last day of the counted year; the days
/// before that year are 365·y + y/4 − y/100 + y/400 over 400-year cycles of 146097 days, and the day of the
/// year from March 1 is (153·m' + 2)/5 + d − 1 with m' = 0 for March (the month lengths 31, 30, 31, 30, 31
/// repeat every five months). Reference: Richards, "Calendars", in Explanatory Supplement to the
/// Astronomical Almanac (2013), ch. 15; Baum, "Date algorithms" (2017).
[[nodiscard]] constexpr std::int64_t days_from_civil(const civil_date& date) noexcept {
  const std::int64_t y = static_cast<std::int64_t>(date.year) - (date.month <= 2 ? 1 : 0);
  const std::int64_t cycle = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t year_of_cycle = y - cycle * 400;                                   // 0..399
  const std::int64_t shifted_month = date.month > 2 ? date.month - 3 : date.month + 9;  // March = 0
  const std::int64_t day_of_year = (153 * shifted_month + 2) / 5 + date.day - 1;        // 0..365
  const std::int64_t day_of_cycle =
      year_of_cycle * 365 + year_of_cycle / 4 - year_of_cycle / 100 + day_of_year;
  return cycle * 146097 + day_of_cycle - 719468;  // 719468: days from 0000-03-01 to 1970-01-01
}

/// The civil date of `days` since 1970-01-01: the inverse of days_from_civil.
[[nodiscard]] constexpr civil_date civil_from_days(std::int64_t days) noexcept {
  const std::int64_t z = days + 719468;
  const std::int64_t cycle = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t day_of_cycle = z - cycle * 146097;  // 0..146096
  const std::int64_t year_of_cycle =
      (day_of_cycle - day_of_cycle / 1460 + day_of_cycle / 36524 - day_of_cycle / 146096) / 365;
  const std::int64_t day_of_year =
      day_of_cycle - (365 * year_of_cycle + year_of_cycle / 4 - year_of_cycle / 100);
  const std::int64_t shifted_month = (5 * day_of_year + 2) / 153;  // March = 0
  civil_date date;
  date.day = static_cast<unsigned>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  date.month = static_cast<unsigned>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  date.year = static_cast<int>(year_of_cycle + cycle * 400 + (date.month <= 2 ? 1 : 0));
  return date;
}

/// Day of the week of `days` since 1970-01-01 (a Thursday): 0 = Monday .. 6 = Sunday.
[[nodiscard]] constexpr int weekday_of(std::int64_t days) noexcept {
  const std::int64_t w = (days + 3) % 7;  // 1970-01-01 + 3 = Monday index 0
  return static_cast<int>(w < 0 ? w + 7 : w);
}

/// The spellings of a date that parse_date reads.
enum class date_format {
  iso,  ///< YYYY-MM-DD, zero-padded (FRED, ISO 8601).
  us,   ///< M/D/YYYY, month and day with one or two digits (EIA website exports).
  any   ///< Whichever of the two the text is (decided by its first separator).
};

/// The name of a date format, for messages: "YYYY-MM-DD", "M/D/YYYY" or "any".
[[nodiscard]] constexpr const char* date_format_name(date_format format) noexcept {
  return format == date_format::iso ? "YYYY-MM-DD" : format == date_format::us ? "M/D/YYYY" : "any";
}

namespace detail {

[[noreturn]] inline void bad_date(std::string_view text, std::string_view where, const std::string& why) {
  std::string message = "hedgemetrics::parse_date: ";
  if (!where.empty()) message.append(where).append(": ");
  message.append("'").append(text).append("' ").append(why);
  HEDGEMETRICS_THROW(std::invalid_argument(message));
#if !(defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND))
  std::abort();
#endif
}

// Reads [first, last) as a decimal of min_digits..max_digits digits; -1 when it is not one.
[[nodiscard]] inline long read_digits(std::string_view text, std::size_t first, std::size_t last,
                                      std::size_t min_digits, std::size_t max_digits) noexcept {
  if (last < first || last - first < min_digits || last - first > max_digits) return -1;
  long value = 0;
  for (std::size_t i = first; i < last; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace detail

/// The format of a date's text: iso when its first separator is '-', us when it is '/'.
/// \throws std::invalid_argument when the text has neither separator (the message quotes it).
[[nodiscard]] inline date_format detect_date_format(std::string_view text, std::string_view where = {}) {
  for (const char c : text) {
    if (c == '-') return date_format::iso;
    if (c == '/') return date_format::us;
  }
  detail::bad_date(text, where, "is not a date: expected YYYY-MM-DD or M/D/YYYY");
}

/// Parses a date, YYYY-MM-DD or M/D/YYYY, into days since 1970-01-01 (see days_from_civil).
///
/// No surrounding spaces, no time of day, years 1..9999. `where` (e.g. "DCOILBRENTEU.csv row 17") is
/// put in front of the message, so that a reader can say which file and row held the bad text.
/// \param format the expected spelling; a date in the other spelling is an error naming both, so a file
///               that switches format mid-way is caught (detect the format on its first row).
/// \throws std::invalid_argument naming `where`, the text and what is wrong: not a date, the other
///         format, a month outside 1..12, a day beyond the month's length ("February 2023 has 28 days").
[[nodiscard]] inline std::int64_t parse_date(std::string_view text, date_format format = date_format::any,
                                             std::string_view where = {}) {
  const date_format found = detect_date_format(text, where);
  if (format != date_format::any && found != format) {
    detail::bad_date(text, where,
                     std::string("is written ") + date_format_name(found) + " but this series is written " +
                         date_format_name(format) + " (mixed date formats)");
  }
  const char separator = found == date_format::iso ? '-' : '/';
  const std::size_t first = text.find(separator);
  const std::size_t second = text.find(separator, first + 1);
  if (second == std::string_view::npos || text.find(separator, second + 1) != std::string_view::npos) {
    detail::bad_date(text, where, std::string("is not a date: expected ") + date_format_name(found));
  }
  long year = 0, month = 0, day = 0;
  if (found == date_format::iso) {
    year = detail::read_digits(text, 0, first, 4, 4);
    month = detail::read_digits(text, first + 1, second, 2, 2);
    day = detail::read_digits(text, second + 1, text.size(), 2, 2);
  } else {
    month = detail::read_digits(text, 0, first, 1, 2);
    day = detail::read_digits(text, first + 1, second, 1, 2);
    year = detail::read_digits(text, second + 1, text.size(), 4, 4);
  }
  if (year < 1 || month < 0 || day < 0) {
    detail::bad_date(text, where, std::string("is not a date: expected ") + date_format_name(found));
  }
  if (month < 1 || month > 12) {
    detail::bad_date(text, where, std::string("has month ") + std::to_string(month) + ", outside 1..12");
  }
  const unsigned length = days_in_month(static_cast<int>(year), static_cast<unsigned>(month));
  if (day < 1 || static_cast<unsigned>(day) > length) {
    constexpr const char* names[12] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};
    detail::bad_date(text, where,
                     "is not a valid date: " + std::string(names[month - 1]) + " " + std::to_string(year) +
                         " has " + std::to_string(length) + " days");
  }
  return days_from_civil(
      civil_date{static_cast<int>(year), static_cast<unsigned>(month), static_cast<unsigned>(day)});
}

/// `days` since 1970-01-01 as YYYY-MM-DD (years 1..9999).
[[nodiscard]] inline std::string format_date(std::int64_t days) {
  const civil_date d = civil_from_days(days);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", d.year, d.month, d.day);
  return text;
}

// ---------------------------------------------------------------------------------------------------------
// The as-of join
// ---------------------------------------------------------------------------------------------------------

/// One timestamped series, as a view: `size` strictly increasing timestamps and their values. `name`
/// (a file name, a ticker) is what error messages and the report call it.
template <class Real>
struct timed_series_view {
  const std::int64_t* time = nullptr;  ///< strictly increasing timestamps
  const Real* value = nullptr;         ///< the observation at each timestamp
  std::size_t size = 0;                ///< number of observations
  std::string name;                    ///< e.g. "DCOILBRENTEU.csv"
};

/// Which rows the join produces (see the file comment).
enum class join_policy { inner, as_of, union_as_of, calendar_grid };

/// Options of align().
struct align_options {
  /// Which rows the join produces.
  join_policy policy = join_policy::union_as_of;
  /// The oldest value a row may use, in timestamp units: a row where some series' last value is older
  /// (time − its timestamp > max_staleness) is dropped as `stale`. Must be > 0. The default keeps all.
  std::int64_t max_staleness = std::numeric_limits<std::int64_t>::max();
  /// join_policy::as_of: the series whose timestamps are the rows.
  std::size_t anchor = 0;
  /// join_policy::calendar_grid: first grid point (default: the earliest timestamp of any series).
  std::int64_t grid_start = std::numeric_limits<std::int64_t>::min();
  /// join_policy::calendar_grid: last grid point at most (default: the latest timestamp of any series).
  std::int64_t grid_end = std::numeric_limits<std::int64_t>::max();
  /// join_policy::calendar_grid: distance between grid points, > 0 (1 = every day for day timestamps).
  std::int64_t grid_step = 1;
  /// join_policy::calendar_grid with day timestamps: skip Saturdays and Sundays (a business-day grid).
  bool weekdays_only = false;
  /// Non-finite values: omit (the default: the observation is skipped, as if the market had not
  /// reported, and counted in series_alignment::non_finite), propagate (a NaN is an observation like any
  /// other and reaches the rows) or raise (std::domain_error naming the series, index and value).
  missing_data missing = missing_data::omit;
};

/// What happened to one input series in a join.
struct series_alignment {
  std::string name;                  ///< as given in timed_series_view::name
  std::size_t observations = 0;      ///< input length
  std::size_t non_finite = 0;        ///< observations skipped as non-finite (missing_data::omit)
  std::size_t used = 0;              ///< distinct observations that appear in at least one kept row
  std::size_t filled = 0;            ///< kept rows where this series did not tick (age > 0): dates it lacked
  std::size_t no_earlier_value = 0;  ///< candidate rows dropped because this series had not started
  std::size_t stale = 0;             ///< candidate rows dropped because this series' value was too old
  std::int64_t max_age = 0;          ///< the largest age in the kept rows
  double mean_age = 0;               ///< the mean age over the kept rows (NaN with no kept rows)
};

/// Why rows were dropped, with counts: what align() did to the data.
///
/// `candidate_rows` = `rows` + `dropped_not_in_all` + `dropped_no_earlier_value` + `dropped_stale`. A row
/// dropped for several series at once is counted once in the row totals (the first reason in the order
/// no_earlier_value, stale) but in each series' own counts.
struct alignment_report {
  std::size_t candidate_rows = 0;      ///< rows the policy proposed (union, anchor, grid, or all timestamps)
  std::size_t rows = 0;                ///< rows kept
  std::size_t dropped_not_in_all = 0;  ///< inner: timestamps some series lacked
  std::size_t dropped_no_earlier_value = 0;  ///< as-of: a series had no value at or before the row's time
  std::size_t dropped_stale = 0;             ///< as-of: a series' last value was older than max_staleness
  std::vector<series_alignment> series;      ///< one entry per input series, in input order
};

/// The rows of a join: time, and per series its value and the value's age at each row.
template <class Real>
struct aligned_series {
  std::vector<std::int64_t> time;              ///< the row timestamps, increasing
  std::vector<std::vector<Real>> values;       ///< values[j][r]: series j's value used at row r
  std::vector<std::vector<std::int64_t>> age;  ///< age[j][r] = time[r] − timestamp of values[j][r] (≥ 0)
  alignment_report report;                     ///< counts of what was dropped and why
};

namespace detail {

[[noreturn]] inline void fail_invalid(const std::string& message) {
  HEDGEMETRICS_THROW(std::invalid_argument(message));
#if !(defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND))
  std::abort();
#endif
}

inline std::string series_label(const std::string& name, std::size_t j) {
  // Appended, not "literal" + std::string&&: GCC 12 at -O2 in C++20 reports a false -Wrestrict
  // on the latter once inlined into a caller (seen in test_alignment).
  std::string text = "series ";
  text += std::to_string(j);
  if (!name.empty()) text += " ('" + name + "')";
  return text;
}

// The input checks of the joins, on 64-bit words: the exponent field of a double, the order of two
// timestamps. With GCC and Clang they run on pairs of words in the compilers' generic vectors (SSE2 on
// x86-64, NEON on AArch64), so that they are as fast at -O2, where GCC does not vectorise loops of unknown
// length, as at -O3; elsewhere one word at a time.
#if defined(__GNUC__) || defined(__clang__)
#define HEDGEMETRICS_WORD_PAIRS 1
typedef std::uint64_t word_pair __attribute__((vector_size(16)));
#endif

/// The sign bit of the result is set when the double whose bits are `bits` is not finite: its exponent
/// field plus one carries into the sign bit exactly when the field is all ones (±inf, NaN).
template <class Word>
[[nodiscard]] inline Word not_finite_flag(Word bits) noexcept {
  return (bits & 0x7ff0000000000000ULL) + 0x0010000000000000ULL;
}

/// The sign bit of the result is set when timestamp c (as bits) is not after p: for two stamps of one
/// sign the difference is exact and c − p − 1 < 0; a stamp < 0 after one ≥ 0 is out of order, one ≥ 0
/// after one < 0 is not. Integer operations only (SSE2 has no 64-bit comparison).
template <class Word>
[[nodiscard]] inline Word not_after_flag(Word c, Word p) noexcept {
  return (~(c ^ p) & (c - p - 1)) | (c & ~p);
}

/// The sums behind age_accumulator over a stretch of rows: the largest age, how many are > 0, their exact
/// sum in two words (low, high), and how many rows' stamps (time − age) differ from the row before.
struct age_totals {
  std::int64_t largest = 0;
  std::uint64_t positive = 0, low = 0, high = 0, changes = 0;
};

// The joins' input checks and age sums in AVX2 (4 words per instruction), chosen at run time as the other
// kernels are (instruction_set.hpp: HEDGEMETRICS_ISA=sse2 keeps the pairs of words above). Compiled for
// AVX2 exactly whatever the unit's -march, as kernels.hpp compiles its AVX2 copies (no FMA is used). At
// -O2, where GCC 12 does not vectorise loops of unknown length, the checks and the age sums were a quarter
// of the two-series as-of join's time; in AVX2 the join at 10⁷ observations takes 4.2–4.6 ns per
// observation against 5.2–5.4 (BM_as_of_join, medians of interleaved runs on the shared machine).
#if HEDGEMETRICS_DISPATCH_X86 && defined(HEDGEMETRICS_WORD_PAIRS)
#define HEDGEMETRICS_JOIN_AVX2 1
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("arch=x86-64,avx2,fma,no-avx512f"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("arch=x86-64,avx2,fma,no-avx512f")
#endif
namespace isa_avx2 {

typedef std::int64_t join_quad __attribute__((vector_size(32), aligned(8)));
typedef std::uint64_t join_uquad __attribute__((vector_size(32), aligned(8)));

template <class Quad = join_quad>
[[gnu::always_inline]] inline Quad load_quad(const void* p) noexcept {
  Quad x;
  std::memcpy(&x, p, sizeof x);
  return x;
}

/// increasing_stretch: whether time[i] > time[i − 1] for every i in [from, to) (i ≥ 1).
[[gnu::noinline]] inline bool join_increasing(const std::int64_t* time, std::size_t from,
                                              std::size_t to) noexcept {
  std::size_t i = from > 0 ? from : 1;
  join_quad ok = {-1, -1, -1, -1};
  for (; i + 8 <= to; i += 8) {
    ok &=
        (load_quad(time + i) > load_quad(time + i - 1)) & (load_quad(time + i + 4) > load_quad(time + i + 3));
  }
  bool good = (ok[0] & ok[1] & ok[2] & ok[3]) != 0;
  for (; i < to; ++i) good = good && time[i] > time[i - 1];
  return good;
}

/// all_finite for doubles: whether no value's exponent field is all ones.
[[gnu::noinline]] inline bool join_finite(const double* value, std::size_t n) noexcept {
  const join_quad field = {0x7ff0000000000000LL, 0x7ff0000000000000LL, 0x7ff0000000000000LL,
                           0x7ff0000000000000LL};
  join_quad bad = {0, 0, 0, 0};
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    bad |= ((load_quad(value + i) & field) == field) | ((load_quad(value + i + 4) & field) == field);
  }
  bool good = (bad[0] | bad[1] | bad[2] | bad[3]) == 0;
  for (; i < n; ++i) good = good && std::isfinite(value[i]);
  return good;
}

/// The sums of age_totals over rows [from, to) (ages ≥ 0); `changes` over rows (from, to).
[[gnu::noinline]] inline void join_age_totals(const std::int64_t* time, const std::int64_t* age,
                                              std::size_t from, std::size_t to, age_totals& totals) noexcept {
  const join_quad zero = {0, 0, 0, 0};
  const join_quad low_half = {0xffffffffLL, 0xffffffffLL, 0xffffffffLL, 0xffffffffLL};
  join_quad largest = zero, positive = zero, same = zero;
  const join_uquad uzero = {0, 0, 0, 0};
  std::size_t r = from;
  // Each age is split into 32-bit halves, summed in 64-bit lanes: no carry within a chunk of 2^24 rows.
  while (to - r >= 4) {
    const std::size_t end = r + std::min<std::size_t>((to - r) & ~std::size_t{3}, std::size_t{1} << 24);
    join_quad low = zero;
    join_uquad high = uzero;
    for (; r < end; r += 4) {
      const join_quad a = load_quad(age + r);
      largest = a > largest ? a : largest;
      positive -= a > zero;
      low += a & low_half;
      high += load_quad<join_uquad>(age + r) >> 32;
    }
    const auto add = [&totals](std::uint64_t lo, std::uint64_t hi) {
      totals.low += lo;
      totals.high += hi + (totals.low < lo ? 1U : 0U);
    };
    for (int l = 0; l < 4; ++l) {
      const auto h = static_cast<std::uint64_t>(high[l]);
      add(static_cast<std::uint64_t>(low[l]), 0);
      add(h << 32, h >> 32);
    }
  }
  for (; r < to; ++r) {
    const auto a = static_cast<std::uint64_t>(age[r]);
    largest[0] = age[r] > largest[0] ? age[r] : largest[0];
    positive[0] += age[r] > 0 ? 1 : 0;
    totals.low += a;
    totals.high += totals.low < a ? 1U : 0U;
  }
  std::size_t c = from + 1;
  for (; c + 4 <= to; c += 4) {
    same -= (load_quad(time + c) - load_quad(age + c)) == (load_quad(time + c - 1) - load_quad(age + c - 1));
  }
  const std::size_t compared = c > from + 1 ? c - (from + 1) : 0;  // rows compared 4 at a time
  std::uint64_t changes = compared;
  for (int l = 0; l < 4; ++l) changes -= static_cast<std::uint64_t>(same[l]);
  for (; c < to; ++c) changes += time[c] - age[c] != time[c - 1] - age[c - 1] ? 1U : 0U;
  totals.changes += changes;
  std::int64_t big = totals.largest;
  for (int l = 0; l < 4; ++l) {
    big = largest[l] > big ? largest[l] : big;
    totals.positive += static_cast<std::uint64_t>(positive[l]);
  }
  totals.largest = big;
}

}  // namespace isa_avx2
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

/// Whether the joins' checks and age sums run in AVX2 in this process (instruction_set.hpp).
[[nodiscard]] inline bool join_avx2() noexcept {
#ifdef HEDGEMETRICS_JOIN_AVX2
  const instruction_set set = active_instruction_set();
  return set == instruction_set::avx2 || set == instruction_set::avx512;
#else
  return false;
#endif
}

/// Whether every value is finite (by the exponent field, for double).
template <class Real>
[[nodiscard]] bool all_finite(const Real* value, std::size_t n) noexcept {
  if constexpr (std::is_same_v<Real, double> && sizeof(double) == sizeof(std::uint64_t)) {
#ifdef HEDGEMETRICS_JOIN_AVX2
    if (n >= 16 && join_avx2()) return isa_avx2::join_finite(value, n);
#endif
    std::uint64_t flag = 0;
    std::size_t i = 0;
#ifdef HEDGEMETRICS_WORD_PAIRS
    word_pair pairs = {0, 0};
    for (; i + 4 <= n; i += 4) {
      word_pair x, y;
      std::memcpy(&x, value + i, sizeof x);
      std::memcpy(&y, value + i + 2, sizeof y);
      pairs |= not_finite_flag(x) | not_finite_flag(y);
    }
    flag = pairs[0] | pairs[1];
#endif
    for (; i < n; ++i) {
      std::uint64_t bits;
      std::memcpy(&bits, value + i, sizeof bits);
      flag |= not_finite_flag(bits);
    }
    return (flag >> 63) == 0;
  } else {
    bool finite = true;
    for (std::size_t i = 0; i < n; ++i) finite = finite && std::isfinite(value[i]);
    return finite;
  }
}

/// Whether every timestamp of [from, to) is after its predecessor (from > 0: time[from − 1] is checked
/// against too).
[[nodiscard]] inline bool increasing_stretch(const std::int64_t* time, std::size_t from,
                                             std::size_t to) noexcept {
#ifdef HEDGEMETRICS_JOIN_AVX2
  if (to >= from + 16 && join_avx2()) return isa_avx2::join_increasing(time, from, to);
#endif
  std::uint64_t flag = 0;
  std::size_t i = from > 0 ? from : 1;
#ifdef HEDGEMETRICS_WORD_PAIRS
  word_pair pairs = {0, 0};
  for (; i + 4 <= to; i += 4) {
    word_pair c0, p0, c1, p1;
    std::memcpy(&c0, time + i, sizeof c0);
    std::memcpy(&p0, time + i - 1, sizeof p0);
    std::memcpy(&c1, time + i + 2, sizeof c1);
    std::memcpy(&p1, time + i + 1, sizeof p1);
    pairs |= not_after_flag(c0, p0) | not_after_flag(c1, p1);
  }
  flag = pairs[0] | pairs[1];
#endif
  for (; i < to; ++i) {
    flag |= not_after_flag(static_cast<std::uint64_t>(time[i]), static_cast<std::uint64_t>(time[i - 1]));
  }
  return (flag >> 63) == 0;
}

/// Checks one series' timestamps, strictly increasing; a caller error names the series, index and values.
inline void require_increasing(const std::int64_t* time, std::size_t n, const std::string& label,
                               const char* function) {
  // A branch-free pass; the loop that finds the offending index runs only on failure.
  if (increasing_stretch(time, 0, n)) return;
  for (std::size_t i = 1; i < n; ++i) {
    if (time[i] <= time[i - 1]) {
      fail_invalid(std::string(function) + ": " + label + " timestamp at index " + std::to_string(i) + " (" +
                   std::to_string(time[i]) + ") is " +
                   (time[i] == time[i - 1] ? "a duplicate of" : "before") + " the one at index " +
                   std::to_string(i - 1) + " (" + std::to_string(time[i - 1]) +
                   "): timestamps must be strictly increasing");
    }
  }
}

/// A series after checks: non-finite observations removed under omit (a compact copy, only then).
template <class Real>
struct checked_series {
  const std::int64_t* time;
  const Real* value;
  std::size_t size;
  std::vector<std::int64_t> time_copy;
  std::vector<Real> value_copy;
};

template <class Real>
void check_series(const timed_series_view<Real>& s, std::size_t j, const align_options& options,
                  const char* function, checked_series<Real>& out, series_alignment& report) {
  const std::string label = series_label(s.name, j);
  if (s.size > 0 && (s.time == nullptr || s.value == nullptr)) {
    fail_invalid(std::string(function) + ": " + label + " has " + std::to_string(s.size) +
                 " values but a null pointer");
  }
  require_increasing(s.time, s.size, label, function);
  report.name = s.name;
  report.observations = s.size;
  out.time = s.time;
  out.value = s.value;
  out.size = s.size;
  if (options.missing == missing_data::propagate || all_finite(s.value, s.size)) return;
  std::size_t bad = 0;
  for (std::size_t i = 0; i < s.size; ++i) bad += std::isfinite(s.value[i]) ? 0U : 1U;
  if (bad == 0) return;
  if (options.missing == missing_data::raise) {
    for (std::size_t i = 0; i < s.size; ++i) {
      if (!std::isfinite(s.value[i])) {
        HEDGEMETRICS_THROW(std::domain_error(std::string(function) + ": " + label + " value at index " +
                                             std::to_string(i) + " (timestamp " + std::to_string(s.time[i]) +
                                             ") is " + std::to_string(static_cast<double>(s.value[i])) +
                                             " (missing_data::raise)"));
      }
    }
  }
  report.non_finite = bad;
  out.time_copy.reserve(s.size - bad);
  out.value_copy.reserve(s.size - bad);
  for (std::size_t i = 0; i < s.size; ++i) {
    if (std::isfinite(s.value[i])) {
      out.time_copy.push_back(s.time[i]);
      out.value_copy.push_back(s.value[i]);
    }
  }
  out.time = out.time_copy.data();
  out.value = out.value_copy.data();
  out.size = out.time_copy.size();
}

/// The first index ≥ `i` whose time is after `t` (times sorted): #{times ≤ t} when all before `i` are.
///
/// The next four times are compared at once and the comparisons added (they are sorted, so the sum is
/// the number of leading times ≤ t): four independent loads instead of a `while` loop whose exit, with
/// ticks at random times, is mispredicted about once a row. The loop after it runs only on longer gaps.
[[nodiscard]] inline std::size_t advance_at_or_before(const std::int64_t* time, std::size_t n, std::size_t i,
                                                      std::int64_t t) noexcept {
  if (i + 4 <= n) {
    i += static_cast<std::size_t>(time[i] <= t) + static_cast<std::size_t>(time[i + 1] <= t) +
         static_cast<std::size_t>(time[i + 2] <= t) + static_cast<std::size_t>(time[i + 3] <= t);
  }
  while (i < n && time[i] <= t) ++i;
  return i;
}

/// The same by galloping (steps 1, 2, 4, … then a binary search): for a `t` far ahead of `i`.
[[nodiscard]] inline std::size_t gallop_at_or_before(const std::int64_t* time, std::size_t n, std::size_t i,
                                                     std::int64_t t) noexcept {
  std::size_t step = 1, hi = i;
  while (hi < n && time[hi] <= t) {
    i = hi + 1;
    hi += step;
    step *= 2;
  }
  hi = hi < n ? hi : n;
  return static_cast<std::size_t>(std::upper_bound(time + i, time + hi, t) - time);
}

/// The same for strictly before `t`: #{times < t}.
[[nodiscard]] inline std::size_t advance_before(const std::int64_t* time, std::size_t n, std::size_t i,
                                                std::int64_t t) noexcept {
  if (i + 4 <= n) {
    i += static_cast<std::size_t>(time[i] < t) + static_cast<std::size_t>(time[i + 1] < t) +
         static_cast<std::size_t>(time[i + 2] < t) + static_cast<std::size_t>(time[i + 3] < t);
  }
  while (i < n && time[i] < t) ++i;
  return i;
}

/// Fixed-size or run-time-size array of `T`, one per series.
template <std::size_t Fixed, class T>
using per_series = std::conditional_t<(Fixed > 0), std::array<T, (Fixed > 0 ? Fixed : 1)>, std::vector<T>>;

template <std::size_t Fixed, class T>
void fill_per_series(per_series<Fixed, T>& a, std::size_t k, T value) {
  if constexpr (Fixed > 0) {
    (void)k;
    a.fill(value);
  } else {
    a.assign(k, value);
  }
}

/// The counters of series_alignment that follow from one series' ages in the kept rows: filled (age > 0),
/// max_age, mean_age and used (the observation behind row r is the one stamped time − age; it is a new
/// one when that stamp differs from the previous row's). Added a stretch of rows at a time, in passes
/// that vectorise, after the merge loop (where each counter lengthened the chain of every row).
class age_accumulator {
 public:
  /// Adds rows [from, to) of the kept rows' times and this series' ages.
  void add(const std::int64_t* time, const std::int64_t* age, std::size_t from, std::size_t to) noexcept {
    if (from >= to) return;
    // The ages of kept rows are ≥ 0. Their sum is kept exactly in two 64-bit words (nanosecond ages over
    // 1e7 rows overflow one), with no chain of floating-point additions.
    age_totals t;
    t.largest = largest_;
    t.low = low_;
    t.high = high_;
#ifdef HEDGEMETRICS_JOIN_AVX2
    if (avx2_) {
      isa_avx2::join_age_totals(time, age, from, to, t);
    } else
#endif
    {
      for (std::size_t r = from; r < to; ++r) {
        const auto a = static_cast<std::uint64_t>(age[r]);
        t.largest = age[r] > t.largest ? age[r] : t.largest;
        t.positive += age[r] > 0 ? 1U : 0U;
        t.low += a;
        t.high += t.low < a ? 1U : 0U;
      }
      for (std::size_t r = from + 1; r < to; ++r) {
        t.changes += time[r] - age[r] != time[r - 1] - age[r - 1] ? 1U : 0U;
      }
    }
    largest_ = t.largest;
    low_ = t.low;
    high_ = t.high;
    positive_ += t.positive;
    distinct_ += t.changes + (rows_ == 0 || time[from] - age[from] != last_stamp_ ? 1U : 0U);
    last_stamp_ = time[to - 1] - age[to - 1];
    rows_ += to - from;
  }

  void report_to(series_alignment& report) const noexcept {
    report.max_age = largest_;
    report.filled = positive_;
    report.used = distinct_;
    const double sum = static_cast<double>(high_) * 18446744073709551616.0 + static_cast<double>(low_);
    report.mean_age = rows_ > 0 ? sum / static_cast<double>(rows_) : 0.0;
  }

 private:
  std::int64_t largest_ = 0, last_stamp_ = 0;
  std::uint64_t low_ = 0, high_ = 0;
  std::size_t positive_ = 0, distinct_ = 0, rows_ = 0;
  bool avx2_ = join_avx2();
};

/// age_accumulator over all `rows` at once.
inline void age_statistics(const std::int64_t* time, const std::int64_t* age, std::size_t rows,
                           series_alignment& report) {
  age_accumulator a;
  a.add(time, age, 0, rows);
  a.report_to(report);
}

/// t − stamp for stamp ≤ t, in unsigned arithmetic: exact (< 2^64) for any two int64 timestamps.
[[nodiscard]] inline std::uint64_t age_between(std::int64_t t, std::int64_t stamp) noexcept {
  return static_cast<std::uint64_t>(t) - static_cast<std::uint64_t>(stamp);
}

/// Whether observations [from, to) of a series are in order after their predecessor and, when
/// `finite` is asked, finite: the checks of check_series on a stretch, branch-free so that they cost
/// little on data the join is about to read anyway.
template <class Real>
[[nodiscard]] bool clean_stretch(const std::int64_t* time, const Real* value, std::size_t from,
                                 std::size_t to, bool finite) noexcept {
  return increasing_stretch(time, from, to) && (!finite || all_finite(value + from, to - from));
}

/// join_policy::as_of with two series (pandas merge_asof's case). The anchor's ticks before the other
/// series' first are rows with no earlier value (found by binary search); from there on the other
/// series' index moves by advance_at_or_before, the only chain from one row to the next. Each row is
/// written at position `rows` and kept by advancing `rows`: no branch on the data, few registers.
/// Measured no faster or slower in bench_alignment (BM_as_of_join, interleaved runs): streaming
/// (non-temporal) stores of the rows, whole rows staged or column by column; software prefetch of the next
/// block's inputs or output lines; the age counters in the row loop (faster at 2e3 observations, slower
/// from 2e5 on); blocks of 1024 rows; the anchor's zero ages by memset; the two input checks of a block
/// in one loop.
///
/// With `Verify`, the series are the caller's unchecked views and the checks of check_series are made
/// here, a block at a time, on data the join is about to read (in cache, so the input is read from
/// memory once): the anchor's block before it is joined, the other series up to the last observation
/// used, and the rest of both at the end. Every read stays within the series whatever their order, and
/// any failed check returns false (nothing is reported): the caller then runs the full checks, which
/// throw or drop the non-finite values, and joins again. `finite`: whether values must be finite
/// (missing_data other than propagate).
///
/// The output arrays hold at least the rows written so far; `grow(need)` is called before each block to
/// make them hold `need` rows (the block's rows are all written before the stale ones are dropped): see
/// align_kernel.
///
/// Fills both series' reports except `name`/`observations`/`non_finite`; `rows` is the rows kept.
template <bool Verify, class Real, class Grow>
[[nodiscard]] bool as_of_two(const checked_series<Real>& anchor, const checked_series<Real>& other,
                             std::int64_t limit, bool finite, std::int64_t* time_out, Real* anchor_value,
                             std::int64_t* anchor_age, Real* other_value, std::int64_t* other_age,
                             series_alignment& anchor_report, series_alignment& other_report,
                             std::size_t& rows_out, Grow&& grow) {
  const std::int64_t* ta = anchor.time;
  const Real* va = anchor.value;
  const std::int64_t* tb = other.time;
  const Real* vb = other.value;
  const std::size_t n = anchor.size, nb = other.size;
  const auto bound = static_cast<std::uint64_t>(limit);
  const std::size_t first = nb == 0 ? n : static_cast<std::size_t>(std::lower_bound(ta, ta + n, tb[0]) - ta);
  if (Verify && !clean_stretch(ta, va, 0, first, finite)) return false;
  // Blocks of rows in two passes: the chain of indices alone (few live registers), then the rows from
  // the indices (no chain but the row count).
  // A full block runs four chains side by side, one per quarter, each quarter's first index found by
  // galloping from the previous quarter's: four times the work in flight of one chain.
  constexpr std::size_t quarter = 64, block = 4 * quarter;
  std::size_t index[block];
  std::size_t rows = 0, ib = 0, checked = 0;  // checked: the other series' observations checked so far
  age_accumulator ages;
  for (std::size_t r0 = first; r0 < n; r0 += block) {
    const std::size_t m = std::min(block, n - r0);
    if (Verify && !clean_stretch(ta, va, r0, r0 + m, finite)) return false;
    grow(rows + m);
    const std::int64_t* t = ta + r0;
    if (m == block) {
      std::size_t i0 = advance_at_or_before(tb, nb, ib, t[0]);  // ≥ 1: tb[0] ≤ t
      std::size_t i1 = gallop_at_or_before(tb, nb, i0, t[quarter]);
      std::size_t i2 = gallop_at_or_before(tb, nb, i1, t[2 * quarter]);
      std::size_t i3 = gallop_at_or_before(tb, nb, i2, t[3 * quarter]);
      index[0] = i0 - 1;
      index[quarter] = i1 - 1;
      index[2 * quarter] = i2 - 1;
      index[3 * quarter] = i3 - 1;
      for (std::size_t q = 1; q < quarter; ++q) {
        i0 = advance_at_or_before(tb, nb, i0, t[q]);
        i1 = advance_at_or_before(tb, nb, i1, t[quarter + q]);
        i2 = advance_at_or_before(tb, nb, i2, t[2 * quarter + q]);
        i3 = advance_at_or_before(tb, nb, i3, t[3 * quarter + q]);
        index[q] = i0 - 1;
        index[quarter + q] = i1 - 1;
        index[2 * quarter + q] = i2 - 1;
        index[3 * quarter + q] = i3 - 1;
      }
      ib = i3;
    } else {
      for (std::size_t q = 0; q < m; ++q) {
        ib = advance_at_or_before(tb, nb, ib, t[q]);  // ≥ 1: tb[0] ≤ t
        index[q] = ib - 1;
      }
    }
    if (Verify) {
      if (!clean_stretch(tb, vb, checked, ib, finite)) return false;
      checked = ib;
    }
    const Real* v = va + r0;
    const std::size_t block_rows = rows;
    for (std::size_t q = 0; q < m; ++q) {
      const std::size_t i = index[q];
      const std::uint64_t age = age_between(t[q], tb[i]);
      time_out[rows] = t[q];
      anchor_value[rows] = v[q];
      anchor_age[rows] = 0;
      other_value[rows] = vb[i];
      other_age[rows] = static_cast<std::int64_t>(age);
      rows += age <= bound ? 1U : 0U;
    }
    ages.add(time_out, other_age, block_rows, rows);  // the block's rows, still in cache
  }
  if (Verify && !clean_stretch(tb, vb, checked, nb, finite)) return false;
  anchor_report.used = rows;  // every kept row is another anchor tick, of age 0
  other_report.no_earlier_value = first;
  other_report.stale = n - first - rows;
  ages.report_to(other_report);
  rows_out = rows;
  return true;
}

/// join_policy::union_as_of with two series: a branch-free merge of the two streams (the next row time is
/// the smaller head; each stream whose head equals it moves on), then the tail of whichever is longer.
/// The rows before both have started (no earlier value of one) are the ticks of the earlier series
/// before the other's first, found by binary search. Fills the reports as as_of_two does; returns the
/// rows kept, with the candidate rows and those with no earlier value in `candidates` and `missing`.
template <class Real>
std::size_t union_two(const checked_series<Real>& a, const checked_series<Real>& b, std::int64_t limit,
                      std::int64_t* time_out, Real* const* value_out, std::int64_t* const* age_out,
                      series_alignment& a_report, series_alignment& b_report, std::size_t& candidates,
                      std::size_t& missing) {
  const std::int64_t* ta = a.time;
  const std::int64_t* tb = b.time;
  const std::size_t na = a.size, nb = b.size;
  if (na == 0 || nb == 0) {  // every row lacks the empty series
    candidates = missing = na + nb;
    a_report.no_earlier_value = na == 0 ? candidates : 0;
    b_report.no_earlier_value = nb == 0 ? candidates : 0;
    return 0;
  }
  Real* const value_a = value_out[0];
  Real* const value_b = value_out[1];
  std::int64_t* const age_a = age_out[0];
  std::int64_t* const age_b = age_out[1];
  const auto bound = static_cast<std::uint64_t>(limit);
  std::size_t ia = 0, ib = 0, rows = 0, stale_a = 0, stale_b = 0;
  if (ta[0] < tb[0]) {
    ia = static_cast<std::size_t>(std::lower_bound(ta, ta + na, tb[0]) - ta);
  } else {
    ib = static_cast<std::size_t>(std::lower_bound(tb, tb + nb, ta[0]) - tb);
  }
  a_report.no_earlier_value = ib;
  b_report.no_earlier_value = ia;
  missing = ia + ib;
  candidates = missing;
  // A candidate row at time t with a's observation i and b's observation j, both at or before t.
  const auto emit = [&](std::int64_t t, std::size_t i, std::size_t j) {
    const std::uint64_t x = age_between(t, ta[i]), y = age_between(t, tb[j]);
    const bool old_a = x > bound, old_b = y > bound;
    time_out[rows] = t;
    value_a[rows] = a.value[i];
    value_b[rows] = b.value[j];
    age_a[rows] = static_cast<std::int64_t>(x);
    age_b[rows] = static_cast<std::int64_t>(y);
    stale_a += old_a ? 1U : 0U;
    stale_b += old_b ? 1U : 0U;
    rows += old_a || old_b ? 0U : 1U;
  };
  // From here on both have an observation at or before each row (see the function comment).
  while (ia < na && ib < nb) {
    const std::int64_t x = ta[ia], y = tb[ib];
    const std::int64_t t = x < y ? x : y;
    ia += x == t ? 1U : 0U;
    ib += y == t ? 1U : 0U;
    emit(t, ia - 1, ib - 1);
    ++candidates;
  }
  for (; ia < na; ++ia, ++candidates) emit(ta[ia], ia, ib - 1);
  for (; ib < nb; ++ib, ++candidates) emit(tb[ib], ia - 1, ib);
  a_report.stale = stale_a;
  b_report.stale = stale_b;
  age_statistics(time_out, age_a, rows, a_report);
  age_statistics(time_out, age_b, rows, b_report);
  return rows;
}

/// The rows of the three as-of policies: at each row time t, each series' last value at or before t.
/// `Fixed` is the number of series when known at compile time (2: the calendar grid), 0 otherwise.
template <std::size_t Fixed, class Real>
void as_of_rows(const std::vector<checked_series<Real>>& series, const align_options& options,
                std::int64_t grid_start, std::int64_t grid_end, std::int64_t* time_out,
                Real* const* value_out, std::int64_t* const* age_out, alignment_report& report,
                std::size_t& rows_out, std::size_t& candidates_out) {
  const std::size_t k = Fixed > 0 ? Fixed : series.size();
  per_series<Fixed, const std::int64_t*> time;
  per_series<Fixed, const Real*> value;
  per_series<Fixed, Real*> value_at;
  per_series<Fixed, std::int64_t*> age_at;
  per_series<Fixed, std::size_t> size, next, no_earlier, stale;
  fill_per_series<Fixed, const std::int64_t*>(time, k, nullptr);
  fill_per_series<Fixed, const Real*>(value, k, nullptr);
  fill_per_series<Fixed, Real*>(value_at, k, nullptr);
  fill_per_series<Fixed, std::int64_t*>(age_at, k, nullptr);
  for (auto* a : {&size, &next, &no_earlier, &stale}) fill_per_series<Fixed, std::size_t>(*a, k, 0);
  for (std::size_t j = 0; j < k; ++j) {
    time[j] = series[j].time;
    value[j] = series[j].value;
    size[j] = series[j].size;
    value_at[j] = value_out[j];
    age_at[j] = age_out[j];
  }
  const std::int64_t limit = options.max_staleness;
  std::size_t rows = 0, candidates = 0, dropped_missing = 0, dropped_stale = 0;
  auto emit = [&](std::int64_t t) {
    ++candidates;
    bool missing = false, too_old = false;
    for (std::size_t j = 0; j < k; ++j) {
      const std::size_t i = advance_at_or_before(time[j], size[j], next[j], t);
      next[j] = i;
      const bool none = i == 0;
      const bool old = !none && age_between(t, time[j][i - 1]) > static_cast<std::uint64_t>(limit);
      no_earlier[j] += none ? 1U : 0U;
      stale[j] += old ? 1U : 0U;
      missing = missing || none;
      too_old = too_old || old;
    }
    if (missing || too_old) {
      dropped_missing += missing ? 1U : 0U;
      dropped_stale += missing ? 0U : 1U;
      return;
    }
    time_out[rows] = t;
    for (std::size_t j = 0; j < k; ++j) {
      const std::size_t i = next[j] - 1;
      value_at[j][rows] = value[j][i];
      age_at[j][rows] = static_cast<std::int64_t>(age_between(t, time[j][i]));
    }
    ++rows;
  };
  switch (options.policy) {
    case join_policy::as_of: {
      const std::int64_t* anchor = series[options.anchor].time;
      const std::size_t n = series[options.anchor].size;
      for (std::size_t r = 0; r < n; ++r) emit(anchor[r]);
      break;
    }
    case join_policy::union_as_of: {
      per_series<Fixed, std::size_t> head;
      fill_per_series<Fixed, std::size_t>(head, k, 0);
      while (true) {
        std::int64_t t = std::numeric_limits<std::int64_t>::max();
        bool any = false;
        for (std::size_t j = 0; j < k; ++j) {
          if (head[j] < size[j]) {
            any = true;
            t = time[j][head[j]] < t ? time[j][head[j]] : t;
          }
        }
        if (!any) break;
        for (std::size_t j = 0; j < k; ++j) head[j] += head[j] < size[j] && time[j][head[j]] == t ? 1U : 0U;
        emit(t);
      }
      break;
    }
    case join_policy::calendar_grid: {
      if (grid_end < grid_start) break;
      bool any = false;
      for (std::size_t j = 0; j < k; ++j) any = any || size[j] > 0;
      if (!any) break;
      for (std::int64_t t = grid_start;; t += options.grid_step) {
        if (!options.weekdays_only || weekday_of(t) < 5) emit(t);
        if (grid_end - t < options.grid_step) break;
      }
      break;
    }
    case join_policy::inner:
      break;  // not an as-of policy
  }
  for (std::size_t j = 0; j < k; ++j) {
    auto& r = report.series[j];
    r.no_earlier_value = no_earlier[j];
    r.stale = stale[j];
    age_statistics(time_out, age_at[j], rows, r);
  }
  report.dropped_no_earlier_value = dropped_missing;
  report.dropped_stale = dropped_stale;
  rows_out = rows;
  candidates_out = candidates;
}

/// The one kernel behind every align overload: a k-way merge of sorted streams, O(Σn + rows·k).
template <class Real>
void align_kernel(const std::vector<timed_series_view<Real>>& input, const align_options& options,
                  const char* function, aligned_series<Real>& out) {
  const std::size_t k = input.size();
  if (k == 0) fail_invalid(std::string(function) + ": no series to align; pass at least one");
  if (options.max_staleness <= 0) {
    fail_invalid(std::string(function) + ": max_staleness is " + std::to_string(options.max_staleness) +
                 "; it must be > 0 (in timestamp units; 1 day, say): a row's value may be that much older");
  }
  if (options.policy == join_policy::as_of && options.anchor >= k) {
    fail_invalid(std::string(function) + ": anchor is " + std::to_string(options.anchor) +
                 " but there are only " + std::to_string(k) + " series");
  }
  if (options.policy == join_policy::calendar_grid && options.grid_step <= 0) {
    fail_invalid(std::string(function) + ": grid_step is " + std::to_string(options.grid_step) +
                 "; it must be > 0");
  }
  std::vector<checked_series<Real>> series(k);
  out.report = alignment_report{};
  out.report.series.resize(k);
  // Two series joined as of the anchor's ticks (merge_asof's case) are checked as the join reads them
  // (as_of_two<true>); every other join checks its input first.
  bool unchecked = k == 2 && options.policy == join_policy::as_of;
  for (std::size_t j = 0; j < k && unchecked; ++j)
    unchecked = input[j].size == 0 || (input[j].time != nullptr && input[j].value != nullptr);
  const auto check_all = [&] {
    for (std::size_t j = 0; j < k; ++j)
      check_series(input[j], j, options, function, series[j], out.report.series[j]);
  };
  if (unchecked) {
    for (std::size_t j = 0; j < k; ++j) {
      series[j] = checked_series<Real>{input[j].time, input[j].value, input[j].size, {}, {}};
      out.report.series[j].name = input[j].name;
      out.report.series[j].observations = input[j].size;
    }
  } else {
    check_all();
  }

  std::int64_t first = std::numeric_limits<std::int64_t>::max(),
               last = std::numeric_limits<std::int64_t>::min();
  std::size_t capacity = 0;
  for (const auto& s : series) {
    if (s.size == 0) continue;
    first = std::min(first, s.time[0]);
    last = std::max(last, s.time[s.size - 1]);
    capacity += s.size;
  }
  const std::int64_t grid_start =
      options.grid_start == std::numeric_limits<std::int64_t>::min() ? first : options.grid_start;
  const std::int64_t grid_end =
      options.grid_end == std::numeric_limits<std::int64_t>::max() ? last : options.grid_end;
  switch (options.policy) {
    case join_policy::inner:
      capacity = series[0].size;
      for (const auto& s : series) capacity = std::min(capacity, s.size);
      break;
    case join_policy::as_of:
      capacity = series[options.anchor].size;
      break;
    case join_policy::union_as_of:
      break;
    case join_policy::calendar_grid:
      capacity = capacity == 0 || grid_end < grid_start
                     ? 0
                     : static_cast<std::size_t>(
                           (static_cast<std::uint64_t>(grid_end) - static_cast<std::uint64_t>(grid_start)) /
                           static_cast<std::uint64_t>(options.grid_step)) +
                           1;
      break;
  }
  // Write through raw pointers into storage reserved for the most rows the policy can make, then shrink:
  // no reallocation and no per-row capacity checks in the merge loop. Reused storage (the align overload
  // with an output argument) keeps its capacity: no page faults. The arrays are lengthened (zero-filled:
  // std::vector cannot do otherwise) only as far as rows are written, by `grow`: the two-series as-of join
  // grows them a block at a time, so a join repeated on data of the same size fills nothing, where sizing
  // them for the most rows up front zeroed a fifth of the output (the stale and early rows) on every call
  // (BM_as_of_join: 4% of its time in memset). The other joins size them for the most rows up front.
  out.values.resize(k);
  out.age.resize(k);
  out.time.reserve(capacity);
  std::size_t sized = out.time.size();
  for (std::size_t j = 0; j < k; ++j) {
    out.values[j].reserve(capacity);
    out.age[j].reserve(capacity);
    sized = std::min({sized, out.values[j].size(), out.age[j].size()});
  }
  // Makes every array hold `need` rows, exactly: the rows that follow may all be dropped (the anchor's
  // last fifth in BM_as_of_join), and growing further would fill them for nothing. Never beyond the
  // reserved capacity: the pointers below stay valid.
  const auto grow = [&](std::size_t need) {
    if (need <= sized) return;
    out.time.resize(need);
    for (std::size_t j = 0; j < k; ++j) {
      out.values[j].resize(need);
      out.age[j].resize(need);
    }
    sized = need;
  };
  const bool grows_by_block = k == 2 && options.policy == join_policy::as_of;
  if (!grows_by_block) grow(capacity);
  std::vector<Real*> value_out(k);
  std::vector<std::int64_t*> age_out(k);
  for (std::size_t j = 0; j < k; ++j) {
    value_out[j] = out.values[j].data();
    age_out[j] = out.age[j].data();
  }
  std::int64_t* time_out = out.time.data();
  std::vector<std::size_t> next(k, 0);  // inner: the first observation not yet matched
  std::size_t rows = 0, candidates = 0;
  auto& report = out.report;

  switch (options.policy) {
    case join_policy::inner: {
      // Advance every stream to the largest head; a row when all heads agree.
      std::size_t total = 0;
      for (const auto& s : series) total += s.size;
      std::size_t matched_observations = 0;
      while (true) {
        bool done = false;
        std::int64_t target = std::numeric_limits<std::int64_t>::min();
        for (std::size_t j = 0; j < k; ++j) {
          if (next[j] >= series[j].size) {
            done = true;
            break;
          }
          target = std::max(target, series[j].time[next[j]]);
        }
        if (done) break;
        bool all = true;
        for (std::size_t j = 0; j < k; ++j) {
          auto& i = next[j];
          while (i < series[j].size && series[j].time[i] < target) ++i;
          if (i >= series[j].size || series[j].time[i] != target) all = false;
        }
        if (!all) continue;
        time_out[rows] = target;
        for (std::size_t j = 0; j < k; ++j) {
          value_out[j][rows] = series[j].value[next[j]];
          age_out[j][rows] = 0;
          ++report.series[j].used;
          ++next[j];
        }
        ++rows;
        matched_observations += k;
      }
      // Every observation not in a row is a timestamp the other series lacked; counted once per distinct
      // timestamp would need another merge, so count observations (a timestamp missing from one of two
      // series is one dropped observation).
      report.dropped_not_in_all = total - matched_observations;
      candidates = rows + report.dropped_not_in_all;
      break;
    }
    default:
      // Two series, the common case, get loops of their own with every counter in a register.
      if (k == 2 && options.policy != join_policy::calendar_grid) {
        auto& reports = report.series;
        if (options.policy == join_policy::as_of) {
          const std::size_t a = options.anchor, b = 1 - a;
          const bool finite = options.missing != missing_data::propagate;
          const auto join = [&](auto verify) {
            return as_of_two<decltype(verify)::value>(series[a], series[b], options.max_staleness, finite,
                                                      time_out, value_out[a], age_out[a], value_out[b],
                                                      age_out[b], reports[a], reports[b], rows, grow);
          };
          if (!unchecked || !join(std::true_type{})) {
            // Checked first: this throws, or drops the non-finite values (the join is then on fewer
            // observations than the storage was sized for, which suffices).
            if (unchecked) check_all();
            (void)join(std::false_type{});
          }
          candidates = series[a].size;
          report.dropped_no_earlier_value = reports[b].no_earlier_value;
          report.dropped_stale = reports[b].stale;
        } else {
          std::size_t missing = 0;
          rows = union_two(series[0], series[1], options.max_staleness, time_out, value_out.data(),
                           age_out.data(), reports[0], reports[1], candidates, missing);
          report.dropped_no_earlier_value = missing;
          report.dropped_stale = candidates - missing - rows;
        }
      } else if (k == 2) {
        as_of_rows<2>(series, options, grid_start, grid_end, time_out, value_out.data(), age_out.data(),
                      report, rows, candidates);
      } else {
        as_of_rows<0>(series, options, grid_start, grid_end, time_out, value_out.data(), age_out.data(),
                      report, rows, candidates);
      }
      break;
  }
  report.candidate_rows = candidates;
  report.rows = rows;
  out.time.resize(rows);
  for (std::size_t j = 0; j < k; ++j) {
    out.values[j].resize(rows);
    out.age[j].resize(rows);
    if (rows == 0) report.series[j].mean_age = std::numeric_limits<double>::quiet_NaN();
  }
}

template <class Real>
[[nodiscard]] aligned_series<Real> align_kernel(const std::vector<timed_series_view<Real>>& input,
                                                const align_options& options, const char* function) {
  aligned_series<Real> out;
  align_kernel(input, options, function, out);
  return out;
}

template <class Times>
void require_timestamps() {
  static_assert(
      std::is_same_v<series_element_t<Times>, std::int64_t>,
      "hedgemetrics needs timestamps as a contiguous series of std::int64_t (days from parse_date, or "
      "seconds, milliseconds, nanoseconds): copy them into a std::vector<std::int64_t> first.");
}

}  // namespace detail

/// The as-of join of k timestamped series (see the file comment for the policies).
///
/// One pass over each series (a k-way merge of sorted streams): O(Σn_j + rows·k) time, and the rows
/// written straight into storage sized for the most rows the policy can make.
///
/// \param series  the series, each with strictly increasing timestamps; a series may be empty.
/// \param options policy, max_staleness (> 0), anchor, grid and the missing-data policy.
/// \returns aligned_series: row times, values and ages per series, and the alignment_report.
/// \throws std::invalid_argument naming the series (its name and position), index and values when a
///         timestamp is duplicated or out of order; when max_staleness ≤ 0, grid_step ≤ 0, the anchor is
///         out of range or there is no series. std::domain_error under missing_data::raise, naming the
///         first non-finite value's series, index and timestamp.
template <class Real>
[[nodiscard]] aligned_series<Real> align(const std::vector<timed_series_view<Real>>& series,
                                         const align_options& options = {}) {
  static_assert(std::is_floating_point_v<Real>,
                "align of timed_series_view<Real> needs a floating-point Real");
  return detail::align_kernel(series, options, "hedgemetrics::align");
}

/// align(series, options) into `out`, reusing its storage: for a join repeated on data of about the same
/// size (a live feed, a benchmark), no allocation and no first touch of fresh pages once `out` is large
/// enough. Throws as align() does; `out` is unspecified after a throw.
template <class Real>
void align(const std::vector<timed_series_view<Real>>& series, const align_options& options,
           aligned_series<Real>& out) {
  static_assert(std::is_floating_point_v<Real>,
                "align of timed_series_view<Real> needs a floating-point Real");
  detail::align_kernel(series, options, "hedgemetrics::align", out);
}

/// The as-of join of two series, exposure (series 0) and hedge (series 1): align() of
/// {exposure_time, exposure}, {hedge_time, hedge}. Values of any arithmetic type are converted to
/// result_t (double, or long double); timestamps must be `std::int64_t`.
///
/// \param exposure_name, hedge_name what the messages and the report call the two series.
/// \throws as align() does, and std::invalid_argument when a series' timestamps and values differ in
///         length (the message gives both).
template <class ExposureTimes, class Exposure, class HedgeTimes, class Hedge>
[[nodiscard]] aligned_series<result_t<Exposure, Hedge>> align(
    const ExposureTimes& exposure_time, const Exposure& exposure, const HedgeTimes& hedge_time,
    const Hedge& hedge, const align_options& options = {}, std::string exposure_name = "exposure",
    std::string hedge_name = "hedge") {
  using Real = result_t<Exposure, Hedge>;
  constexpr const char* function = "hedgemetrics::align";
  detail::require_timestamps<ExposureTimes>();
  detail::require_timestamps<HedgeTimes>();
  const auto ts = detail::view_of(exposure_time, function, "exposure_time");
  const auto s = detail::view_of(exposure, function, "exposure");
  const auto tf = detail::view_of(hedge_time, function, "hedge_time");
  const auto f = detail::view_of(hedge, function, "hedge");
  detail::require_same_length(function, "exposure_time", ts.size(), "exposure", s.size());
  detail::require_same_length(function, "hedge_time", tf.size(), "hedge", f.size());
  std::vector<timed_series_view<Real>> views(2);
  std::vector<Real> s_copy, f_copy;
  auto view = [](auto v, std::vector<Real>& copy) -> const Real* {
    using element = typename decltype(v)::value_type;
    if constexpr (std::is_same_v<element, Real>) {
      return v.data();
    } else {
      copy.assign(v.begin(), v.end());
      return copy.data();
    }
  };
  views[0] = timed_series_view<Real>{ts.data(), view(s, s_copy), s.size(), std::move(exposure_name)};
  views[1] = timed_series_view<Real>{tf.data(), view(f, f_copy), f.size(), std::move(hedge_name)};
  return detail::align_kernel(views, options, function);
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_ALIGNMENT_HPP
