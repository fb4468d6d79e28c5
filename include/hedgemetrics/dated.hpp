// SPDX-License-Identifier: MIT
/// \file
/// Dated series: values with their dates alongside, for date windows, calendar-year splits and the
/// hedge at horizons longer than one row (k trading days, calendar weeks and months) with HAC errors.
///
/// Dates are the library's (alignment.hpp): `std::int64_t` days since 1970-01-01, as parse_date returns
/// and align() produces in aligned_series::time. A dated series is a series of dates and one or more
/// series of values of the same length, row r of each belonging together; the dates must be strictly
/// increasing (one row per date, oldest first), and every function here checks that and names the row
/// and the date that break it.
///
/// A price change is dated by its later price: the change from 2019-12-31 to 2020-01-02 is a change of
/// 2020-01-02, and falls in 2020 (pandas' `diff()` keeps the later row's index too).
///
/// Why horizons matter: the minimum-variance ratio and its R² are not properties of the pair of markets
/// alone but of the horizon over which the hedge is held. Brent on WTI (FRED, 1987–2019, price changes):
/// R² 0.37 on daily changes, about 0.65 on weekly, 0.85 on monthly, because the two markets' closes are not
/// synchronous and their daily noise averages out over longer holding periods. hedge_by_horizon() gives
/// the ratio, R² and HAC standard error at each horizon in one call.
#ifndef HEDGEMETRICS_DATED_HPP
#define HEDGEMETRICS_DATED_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "hedgemetrics/alignment.hpp"
#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/hedge_ratio.hpp"
#include "hedgemetrics/inference.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

/// A run of consecutive rows of a dated series, [first, last), and the dates of its first and last row.
struct dated_rows {
  std::size_t first = 0;        ///< the first row
  std::size_t last = 0;         ///< one past the last row
  std::int64_t first_date = 0;  ///< the date of row `first` (days since 1970-01-01)
  std::int64_t last_date = 0;   ///< the date of row `last − 1`
  /// The number of rows, last − first.
  [[nodiscard]] constexpr std::size_t size() const noexcept { return last - first; }
};

/// Calendar periods: the ISO week (Monday to Sunday), the month, the quarter, the year.
enum class calendar_period {
  none,     ///< no calendar period: k rows (change_horizon::rows)
  week,     ///< Monday to Sunday (pandas' "W", which ends on Sunday)
  month,    ///< a calendar month
  quarter,  ///< January–March, April–June, July–September, October–December
  year      ///< a calendar year
};

/// The period that the day `days` (since 1970-01-01) falls in, as one integer that increases with time:
/// the Monday-based week number floor((days + 3)/7) (1970-01-01 is a Thursday), 12·year + month − 1,
/// 4·year + (month − 1)/3, or the year; `days` itself for calendar_period::none.
[[nodiscard]] constexpr std::int64_t calendar_period_of(std::int64_t days, calendar_period period) noexcept {
  if (period == calendar_period::none) return days;
  if (period == calendar_period::week) {
    const std::int64_t shifted = days + 3;
    return shifted >= 0 ? shifted / 7 : -((-shifted + 6) / 7);
  }
  const civil_date d = civil_from_days(days);
  const std::int64_t year = d.year;
  if (period == calendar_period::month) return year * 12 + static_cast<std::int64_t>(d.month) - 1;
  if (period == calendar_period::quarter) return year * 4 + static_cast<std::int64_t>(d.month - 1) / 3;
  return year;
}

/// The horizon of a price change: k rows apart (k trading days on daily data), non-overlapping or
/// overlapping, or from the last price of one calendar period to the last price of the next.
struct change_horizon {
  /// k ≥ 1: the change spans k rows (used when period is calendar_period::none).
  std::size_t rows = 1;
  /// A calendar period (week, month, ...): one change per period, between the last prices of consecutive
  /// periods that have a price; `rows` is then ignored.
  calendar_period period = calendar_period::none;
  /// With k rows: P_t − P_{t−k} at every row t ≥ k (n − k changes, each sharing k − 1 rows with the next,
  /// so that consecutive changes are correlated: an MA(k − 1)); otherwise P_{jk} − P_{(j−1)k} (⌊(n − 1)/k⌋
  /// changes, none sharing a row). Must be false with a calendar period.
  bool overlapping = false;

  /// Changes over k rows (trading days), overlapping or not.
  [[nodiscard]] static constexpr change_horizon days(std::size_t k, bool overlapping = false) noexcept {
    return change_horizon{k, calendar_period::none, overlapping};
  }
  /// Changes between the last prices of consecutive calendar periods.
  [[nodiscard]] static constexpr change_horizon calendar(calendar_period period) noexcept {
    return change_horizon{1, period, false};
  }
};

/// A horizon as a table shows it: "1 day", "5 days", "21 days, overlapping", "weekly", "monthly",
/// "quarterly", "yearly".
[[nodiscard]] inline std::string horizon_label(const change_horizon& horizon) {
  switch (horizon.period) {
    case calendar_period::week:
      return "weekly";
    case calendar_period::month:
      return "monthly";
    case calendar_period::quarter:
      return "quarterly";
    case calendar_period::year:
      return "yearly";
    case calendar_period::none:
      break;
  }
  std::string label = std::to_string(horizon.rows) + (horizon.rows == 1 ? " day" : " days");
  if (horizon.overlapping && horizon.rows > 1) label += ", overlapping";
  return label;
}

namespace detail {

/// Caller error unless the dates strictly increase; the message names the row and both dates.
inline void require_increasing_dates(const std::int64_t* dates, std::size_t n, const char* function) {
  for (std::size_t r = 1; r < n; ++r) {
    if (dates[r] > dates[r - 1]) continue;
    if (dates[r] == dates[r - 1]) {
      fail_invalid(std::string(function) + ": row " + std::to_string(r) + " repeats the date " +
                   format_date(dates[r]) + " of row " + std::to_string(r - 1) +
                   "; a dated series has one row per date (align() joins series on their dates)");
    }
    fail_invalid(std::string(function) + ": row " + std::to_string(r) + " is dated " + format_date(dates[r]) +
                 ", before row " + std::to_string(r - 1) + " (" + format_date(dates[r - 1]) +
                 "); dates must be strictly increasing: sort the rows by date, oldest first");
  }
}

/// The dates as a pointer + length view, checked: `std::int64_t` elements (a static_assert otherwise),
/// strictly increasing (a caller error naming the row and date otherwise).
template <class Dates>
[[nodiscard]] series_view<std::int64_t> dates_of(const Dates& dates, const char* function) {
  require_timestamps<Dates>();
  const auto d = view_of(dates, function, "dates");
  require_increasing_dates(d.data(), d.size(), function);
  return d;
}

/// The runs of rows whose dates fall in the same calendar period.
inline std::vector<dated_rows> period_runs(const std::int64_t* dates, std::size_t n, calendar_period period) {
  std::vector<dated_rows> out;
  std::size_t first = 0;
  while (first < n) {
    const std::int64_t key = calendar_period_of(dates[first], period);
    std::size_t last = first + 1;
    while (last < n && calendar_period_of(dates[last], period) == key) ++last;
    out.push_back(dated_rows{first, last, dates[first], dates[last - 1]});
    first = last;
  }
  return out;
}

inline void require_horizon(const change_horizon& horizon, const char* function) {
  if (horizon.period == calendar_period::none && horizon.rows == 0) {
    fail_invalid(std::string(function) +
                 ": the horizon has rows = 0; a change spans k ≥ 1 rows (1 for daily changes)");
  }
  if (horizon.period != calendar_period::none && horizon.overlapping) {
    fail_invalid(std::string(function) + ": the " + horizon_label(horizon) +
                 " horizon is marked overlapping; overlapping changes are k rows apart "
                 "(change_horizon::days(k, true)), calendar changes never overlap");
  }
}

/// The (start row, end row) of every change at `horizon`, over the rows listed in `rows` (the usable ones,
/// increasing).
inline std::vector<std::pair<std::size_t, std::size_t>> change_rows(const std::int64_t* dates,
                                                                    const std::vector<std::size_t>& rows,
                                                                    const change_horizon& horizon) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  const std::size_t m = rows.size();
  if (horizon.period != calendar_period::none) {
    // The last usable row of each period, then consecutive pairs.
    std::size_t previous = m;  // none yet
    for (std::size_t i = 0; i < m; ++i) {
      const bool last_of_period = i + 1 == m || calendar_period_of(dates[rows[i]], horizon.period) !=
                                                    calendar_period_of(dates[rows[i + 1]], horizon.period);
      if (!last_of_period) continue;
      if (previous != m) out.emplace_back(rows[previous], rows[i]);
      previous = i;
    }
    return out;
  }
  const std::size_t k = horizon.rows;
  if (m <= k) return out;
  if (horizon.overlapping) {
    out.reserve(m - k);
    for (std::size_t i = k; i < m; ++i) out.emplace_back(rows[i - k], rows[i]);
  } else {
    out.reserve((m - 1) / k);
    for (std::size_t i = k; i < m; i += k) out.emplace_back(rows[i - k], rows[i]);
  }
  return out;
}

/// The rows to resample: all (propagate), the complete ones (omit), or all after checking (raise).
template <class Real, std::size_t K>
[[nodiscard]] std::vector<std::size_t> usable_rows(const std::int64_t* dates, std::size_t n,
                                                   const series_view<Real> (&values)[K],
                                                   const char* const (&names)[K], missing_data missing,
                                                   const char* function, std::size_t& omitted) {
  std::vector<std::size_t> rows;
  rows.reserve(n);
  omitted = 0;
  for (std::size_t r = 0; r < n; ++r) {
    bool finite = true;
    for (std::size_t j = 0; j < K && missing != missing_data::propagate; ++j) {
      if (std::isfinite(values[j][r])) continue;
      if (missing == missing_data::raise) {
        HEDGEMETRICS_THROW(std::domain_error(std::string(function) + ": " + names[j] + " is " +
                                             value_text(values[j][r]) + " in row " + std::to_string(r) +
                                             " (" + format_date(dates[r]) +
                                             "); use missing_data::omit to skip the rows without a price"));
      }
      finite = false;
    }
    if (finite) {
      rows.push_back(r);
    } else {
      ++omitted;
    }
  }
  return rows;
}

/// Converts a series to Real, copying only when its elements are another type.
template <class Real, class Series>
[[nodiscard]] series_view<Real> as_real(const Series& series, std::vector<Real>& copy, const char* function,
                                        const char* name) {
  const auto v = view_of(series, function, name);
  if constexpr (std::is_same_v<series_element_t<Series>, Real>) {
    return v;
  } else {
    copy.assign(v.begin(), v.end());
    return series_view<Real>(copy.data(), copy.size());
  }
}

}  // namespace detail

/// The rows of a dated series whose dates lie in [from, to] (both included), found by binary search.
///
/// \param dates strictly increasing days since 1970-01-01 (`std::int64_t`, see parse_date).
/// \param from, to the window's first and last day, from ≤ to.
/// \returns dated_rows: [first, last) and the dates of the first and last row in the window; pass it to
///          slice() to view the values of those rows.
/// \throws std::invalid_argument naming the row and date when the dates repeat or decrease, when from > to
///         (naming both), and when no row falls in the window (naming the window and the span of the dates).
template <class Dates>
[[nodiscard]] dated_rows date_window(const Dates& dates, std::int64_t from, std::int64_t to) {
  constexpr const char* function = "hedgemetrics::date_window";
  const auto d = detail::dates_of(dates, function);
  if (from > to) {
    detail::fail_invalid(std::string(function) + ": the window starts on " + format_date(from) +
                         ", after its end " + format_date(to) + "; pass from ≤ to");
  }
  const std::size_t first = static_cast<std::size_t>(std::lower_bound(d.begin(), d.end(), from) - d.begin());
  const std::size_t last = static_cast<std::size_t>(std::upper_bound(d.begin(), d.end(), to) - d.begin());
  if (first >= last) {
    detail::fail_invalid(std::string(function) + ": no row is dated in [" + format_date(from) + ", " +
                         format_date(to) + "]; " +
                         (d.size() == 0
                              ? std::string("the series has no rows")
                              : "the " + std::to_string(d.size()) + " rows run from " + format_date(d[0]) +
                                    " (row 0) to " + format_date(d[d.size() - 1]) + " (row " +
                                    std::to_string(d.size() - 1) + ")"));
  }
  return dated_rows{first, last, d[first], d[last - 1]};
}

/// date_window(dates, parse_date(from), parse_date(to)): the window written as dates, "2015-01-01" or
/// "1/1/2015". \throws as date_window does, and as parse_date does for a text that is not a date.
template <class Dates>
[[nodiscard]] dated_rows date_window(const Dates& dates, std::string_view from, std::string_view to) {
  return date_window(dates, parse_date(from, date_format::any, "hedgemetrics::date_window: from"),
                     parse_date(to, date_format::any, "hedgemetrics::date_window: to"));
}

/// A read-only view of the rows `rows` of `series` (any contiguous series): series_view of
/// data() + rows.first, rows.size() values.
/// \throws std::invalid_argument when the rows run past the series' end (naming both).
template <class Series>
[[nodiscard]] auto slice(const Series& series, const dated_rows& rows) {
  const auto v = detail::view_of(series, "hedgemetrics::slice", "series");
  if (rows.first > rows.last || rows.last > v.size()) {
    detail::fail_invalid("hedgemetrics::slice: rows [" + std::to_string(rows.first) + ", " +
                         std::to_string(rows.last) + ") do not lie within the series' " +
                         std::to_string(v.size()) + " values");
  }
  return series_view<series_element_t<Series>>(v.data() + rows.first, rows.size());
}

/// The runs of rows that share a calendar period (week, month, quarter or year), oldest first; periods
/// without a row are absent.
/// \throws std::invalid_argument for calendar_period::none, and naming the row and date when the dates
///         repeat or decrease.
template <class Dates>
[[nodiscard]] std::vector<dated_rows> calendar_rows(const Dates& dates, calendar_period period) {
  constexpr const char* function = "hedgemetrics::calendar_rows";
  const auto d = detail::dates_of(dates, function);
  if (period == calendar_period::none) {
    detail::fail_invalid(std::string(function) + ": pass a calendar period (week, month, quarter, year)");
  }
  return detail::period_runs(d.data(), d.size(), period);
}

/// One calendar year's result of by_year().
template <class Value>
struct year_result {
  int year = 0;     ///< the calendar year
  dated_rows rows;  ///< the year's rows, [first, last), with its first and last date
  Value value{};    ///< what the estimator returned on those rows
};

namespace detail {

template <class Estimator, class... Views>
[[nodiscard]] auto by_year_kernel(const series_view<std::int64_t>& d, Estimator& estimator,
                                  const Views&... views) {
  using value = std::decay_t<decltype(estimator(views...))>;
  std::vector<year_result<value>> out;
  for (const dated_rows& rows : period_runs(d.data(), d.size(), calendar_period::year)) {
    year_result<value> r;
    r.year = civil_from_days(rows.first_date).year;
    r.rows = rows;
    r.value = estimator(series_view<typename Views::value_type>(views.data() + rows.first, rows.size())...);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace detail

/// Any estimator of one series, applied to each calendar year's rows: e.g. the yearly volatility of
/// changes, `by_year(dates, changes, [](auto x) { return hm::describe(x).stddev; })`.
///
/// \param dates     strictly increasing days since 1970-01-01, one per value.
/// \param values    any contiguous series, aligned with `dates`.
/// \param estimator called once per year as estimator(series_view of that year's values); whatever it
///                  returns is kept. Years without a row are absent; a year's row count is rows.size(),
///                  so that a partial first or last year can be told apart.
/// \returns std::vector<year_result<R>>, R the estimator's return type, oldest year first.
/// \throws std::invalid_argument when the lengths differ or the dates repeat or decrease (naming the row
///         and date); whatever the estimator throws.
template <class Dates, class Values, class Estimator,
          class = std::enable_if_t<std::is_invocable_v<Estimator&, series_view<series_element_t<Values>>>>>
[[nodiscard]] auto by_year(const Dates& dates, const Values& values, Estimator estimator) {
  constexpr const char* function = "hedgemetrics::by_year";
  const auto d = detail::dates_of(dates, function);
  const auto v = detail::view_of(values, function, "values");
  detail::require_same_length(function, "dates", d.size(), "values", v.size());
  return detail::by_year_kernel(d, estimator, v);
}

/// Any estimator of an exposure and a hedge, applied to each calendar year's rows: e.g. the yearly hedge,
/// `by_year(dates, ds, df, [](auto s, auto f) { return hm::fit_hedge(s, f); })`, with each result's year
/// and rows (first and last row and date).
///
/// \param exposure, hedge any contiguous series, aligned with `dates` (price changes dated by their later
///                  price, see dated_changes).
/// \param estimator called once per year as estimator(exposure rows, hedge rows), both series_view.
/// \returns std::vector<year_result<R>>, R the estimator's return type, oldest year first.
/// \throws std::invalid_argument when the lengths differ or the dates repeat or decrease (naming the row
///         and date); whatever the estimator throws.
template <class Dates, class Exposure, class Hedge, class Estimator,
          class = std::enable_if_t<std::is_invocable_v<Estimator&, series_view<series_element_t<Exposure>>,
                                                       series_view<series_element_t<Hedge>>>>>
[[nodiscard]] auto by_year(const Dates& dates, const Exposure& exposure, const Hedge& hedge,
                           Estimator estimator) {
  constexpr const char* function = "hedgemetrics::by_year";
  const auto d = detail::dates_of(dates, function);
  const auto s = detail::view_of(exposure, function, "exposure");
  const auto f = detail::view_of(hedge, function, "hedge");
  detail::require_same_length(function, "dates", d.size(), "exposure", s.size());
  detail::require_same_length(function, "dates", d.size(), "hedge", f.size());
  return detail::by_year_kernel(d, estimator, s, f);
}

/// Options of resample_changes().
struct resample_options {
  /// k rows (non-overlapping by default), or a calendar period.
  change_horizon horizon;
  /// Non-finite prices: propagate (the default: a NaN price gives NaN in the changes that use it), omit
  /// (the row is skipped, as if the market had not traded that day: the changes span it) or raise
  /// (std::domain_error naming the series, row and date).
  missing_data missing = missing_data::propagate;
};

/// Price changes of one series at a horizon, each with its dates.
template <class Real>
struct dated_changes {
  change_horizon horizon;                 ///< the horizon of the changes
  std::vector<std::int64_t> dates;        ///< the date of each change's later price: the change's date
  std::vector<std::int64_t> start_dates;  ///< the date of each change's earlier price
  std::vector<Real> changes;              ///< P(later) − P(earlier)
  std::size_t omitted = 0;                ///< rows skipped as non-finite (missing_data::omit)
};

/// Price changes of an exposure and a hedge at a horizon, each with its dates.
template <class Real>
struct dated_change_pair {
  change_horizon horizon;                 ///< the horizon of the changes
  std::vector<std::int64_t> dates;        ///< the date of each change's later price: the change's date
  std::vector<std::int64_t> start_dates;  ///< the date of each change's earlier price
  std::vector<Real> exposure;             ///< S(later) − S(earlier)
  std::vector<Real> hedge;                ///< F(later) − F(earlier)
  std::size_t omitted = 0;                ///< rows skipped because either price is non-finite (omit)
};

namespace detail {

/// The changes of K price series on the same rows: the usable rows (missing-data policy), the pairs of rows
/// the horizon takes, and for each pair its two dates and the K differences later − earlier. The one loop
/// behind both resample_changes (and resample_pair).
template <class Real, std::size_t K>
void resample_columns(const series_view<std::int64_t>& d, const series_view<Real> (&columns)[K],
                      const char* const (&names)[K], const resample_options& options, const char* function,
                      std::vector<std::int64_t>& dates, std::vector<std::int64_t>& start_dates,
                      std::vector<Real>* const (&changes)[K], std::size_t& omitted) {
  require_horizon(options.horizon, function);
  const auto rows = usable_rows(d.data(), d.size(), columns, names, options.missing, function, omitted);
  const auto pairs = change_rows(d.data(), rows, options.horizon);
  dates.resize(pairs.size());
  start_dates.resize(pairs.size());
  for (std::size_t j = 0; j < K; ++j) changes[j]->resize(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto [a, b] = pairs[i];
    start_dates[i] = d[a];
    dates[i] = d[b];
    for (std::size_t j = 0; j < K; ++j) (*changes[j])[i] = columns[j][b] - columns[j][a];
  }
}

template <class Real>
void resample_pair(const series_view<std::int64_t>& d, const series_view<Real>& s, const series_view<Real>& f,
                   const resample_options& options, const char* function, dated_change_pair<Real>& out) {
  const series_view<Real> columns[2] = {s, f};
  const char* const names[2] = {"exposure", "hedge"};
  std::vector<Real>* const changes[2] = {&out.exposure, &out.hedge};
  resample_columns(d, columns, names, options, function, out.dates, out.start_dates, changes, out.omitted);
  out.horizon = options.horizon;
}

}  // namespace detail

/// Price changes of a dated price series at a horizon: k rows apart (non-overlapping, P_{jk} − P_{(j−1)k}
/// from row 0, a last incomplete stretch dropped: pandas' `p.iloc[range(0, len(p), k)].diff()`; or overlapping,
/// P_t − P_{t−k}: pandas' `p.diff(k)`), or from the last price of each calendar period to the last price
/// of the next period that has one (pandas' `p.groupby(period).last().diff()`; `resample().last()` differs
/// only where a period has no price at all, which it fills with NaN).
///
/// Changes of log prices are log returns: pass ln P for k-day log returns ln(P_t/P_{t−k}).
/// Under missing_data::omit the rows holding a non-finite price are removed first, and k counts the rows
/// that remain.
/// \param dates  strictly increasing days since 1970-01-01, one per price.
/// \param prices any contiguous series of price levels.
/// \returns dated_changes: the changes, dated by their later price, with their start dates; none when there
///          are fewer than k + 1 usable rows (or fewer than two periods).
/// \throws std::invalid_argument when the lengths differ, the dates repeat or decrease (naming the row and
///         date), k = 0, or a calendar horizon is marked overlapping; std::domain_error under
///         missing_data::raise, naming the row and date of the first non-finite price.
template <class Dates, class Prices>
[[nodiscard]] dated_changes<result_t<Prices>> resample_changes(const Dates& dates, const Prices& prices,
                                                               const resample_options& options = {}) {
  using Real = result_t<Prices>;
  constexpr const char* function = "hedgemetrics::resample_changes";
  const auto d = detail::dates_of(dates, function);
  std::vector<Real> copy;
  const auto p = detail::as_real<Real>(prices, copy, function, "prices");
  detail::require_same_length(function, "dates", d.size(), "prices", p.size());
  const series_view<Real> columns[1] = {p};
  const char* const names[1] = {"prices"};
  dated_changes<Real> out;
  std::vector<Real>* const changes[1] = {&out.changes};
  detail::resample_columns(d, columns, names, options, function, out.dates, out.start_dates, changes,
                           out.omitted);
  out.horizon = options.horizon;
  return out;
}

/// Price changes of an exposure and a hedge (aligned price levels, one date per row: align() with
/// join_policy::inner) at a horizon: resample_changes of each, on the same rows. Under missing_data::omit
/// a row is skipped when either price is non-finite.
/// \returns dated_change_pair. \throws as resample_changes does, naming the series (exposure or hedge).
template <class Dates, class Exposure, class Hedge>
[[nodiscard]] dated_change_pair<result_t<Exposure, Hedge>> resample_changes(
    const Dates& dates, const Exposure& exposure, const Hedge& hedge, const resample_options& options = {}) {
  using Real = result_t<Exposure, Hedge>;
  constexpr const char* function = "hedgemetrics::resample_changes";
  const auto d = detail::dates_of(dates, function);
  std::vector<Real> s_copy, f_copy;
  const auto s = detail::as_real<Real>(exposure, s_copy, function, "exposure");
  const auto f = detail::as_real<Real>(hedge, f_copy, function, "hedge");
  detail::require_same_length(function, "dates", d.size(), "exposure", s.size());
  detail::require_same_length(function, "dates", d.size(), "hedge", f.size());
  dated_change_pair<Real> out;
  detail::resample_pair(d, s, f, options, function, out);
  return out;
}

/// The horizons hedge_by_horizon() reports by default: 1 day, 5 and 21 days (overlapping), weekly and
/// monthly.
[[nodiscard]] inline std::vector<change_horizon> default_horizons() {
  return {change_horizon::days(1), change_horizon::days(5, true), change_horizon::days(21, true),
          change_horizon::calendar(calendar_period::week), change_horizon::calendar(calendar_period::month)};
}

/// Options of hedge_by_horizon().
struct horizon_options {
  /// The horizons, one row of the table each.
  std::vector<change_horizon> horizons = default_horizons();
  /// The Newey–West lag L. Negative (the default): at each horizon max(k − 1, ⌊4(n/100)^{2/9}⌋) for
  /// overlapping k-row changes, ⌊4(n/100)^{2/9}⌋ otherwise (n the horizon's number of changes). An explicit
  /// lag is used at every horizon and must be at least k − 1 for each overlapping one.
  long lag = -1;
  /// Multiply the HAC covariance by n/(n − 2) (statsmodels' use_correction=True).
  bool small_sample_correction = false;
  /// Confidence level of the ratio's interval, in (0, 1).
  double level = 0.95;
  /// h0 of the ratio's t test (0: does the hedge explain the exposure; 1: does h* differ from 1:1).
  double null_ratio = 0;
  /// Non-finite prices (see resample_options::missing).
  missing_data missing = missing_data::propagate;
};

/// The hedge at one horizon: one row of hedge_by_horizon()'s table.
template <class Real = double>
struct horizon_fit {
  change_horizon horizon;       ///< the horizon
  std::string label;            ///< horizon_label(horizon): "1 day", "21 days, overlapping", "monthly"
  std::size_t n = 0;            ///< number of changes
  std::int64_t first_date = 0;  ///< the date of the first change (its later price); 0 when n = 0
  std::int64_t last_date = 0;   ///< the date of the last change; 0 when n = 0
  hedge_fit<Real> fit;          ///< ratio, R² (effectiveness), OLS standard errors, ... of the changes
  hac_covariance<Real> hac;     ///< Newey–West standard errors and the lag used
  /// The ratio's test with the HAC standard error: t = (h* − h0)/se_HAC, Student t with n − 2 degrees of
  /// freedom, the interval h* ± t_{(1+level)/2, n−2}·se_HAC.
  coefficient_test<Real> ratio;
};

/// hedge_by_horizon()'s table: one row per horizon, in the order asked.
template <class Real = double>
struct horizon_table {
  std::vector<horizon_fit<Real>> rows;  ///< one per horizon
  std::size_t omitted = 0;              ///< price rows skipped as non-finite (missing_data::omit)
};

/// The minimum-variance hedge at several horizons (1, 5 and 21 trading days, weekly, monthly by default):
/// at each, the price changes of resample_changes, fit_hedge of exposure on hedge changes (h*, R², ...),
/// and the Newey–West HAC standard error of h* (newey_west) with its t test and interval.
///
/// Overlapping k-day changes share k − 1 days with their neighbours, so their regression errors are an
/// MA(k − 1) even when daily errors are independent: OLS standard errors understate the ratio's
/// uncertainty by about √k, and a HAC estimator needs lags up to at least k − 1 (Hansen & Hodrick 1980;
/// with Bartlett weights, which shrink those lags, more is better: the default takes the larger of k − 1
/// and Newey & West's 1994 rule). Matches statsmodels: `OLS(ΔS, add_constant(ΔF)).fit(cov_type="HAC",
/// cov_kwds={"maxlags": L, "use_correction": c})` (tests/check_dated_statsmodels.py, 1e-10 relative).
///
/// \param dates    strictly increasing days since 1970-01-01 (aligned prices: align() with join_policy::inner).
/// \param exposure price levels of the position held (S), aligned with dates.
/// \param hedge    price levels of the hedge instrument (F).
/// \returns horizon_table; a horizon with fewer than 3 changes has NaN standard errors (and NaN ratio and R²
///          below 2), and one whose lag is not below its number of changes NaN HAC figures.
/// \throws std::invalid_argument when the lengths differ, the dates repeat or decrease (naming the row and
///         date), a horizon has k = 0 or is calendar and overlapping, an explicit lag is below k − 1 for an
///         overlapping horizon (naming both), options.level is not in (0, 1) or options.null_ratio is not
///         finite; std::domain_error under missing_data::raise, naming the series, row and date.
template <class Dates, class Exposure, class Hedge>
[[nodiscard]] horizon_table<result_t<Exposure, Hedge>> hedge_by_horizon(const Dates& dates,
                                                                        const Exposure& exposure,
                                                                        const Hedge& hedge,
                                                                        const horizon_options& options = {}) {
  using Real = result_t<Exposure, Hedge>;
  constexpr const char* function = "hedgemetrics::hedge_by_horizon";
  const auto d = detail::dates_of(dates, function);
  std::vector<Real> s_copy, f_copy;
  const auto s = detail::as_real<Real>(exposure, s_copy, function, "exposure");
  const auto f = detail::as_real<Real>(hedge, f_copy, function, "hedge");
  detail::require_same_length(function, "dates", d.size(), "exposure", s.size());
  detail::require_same_length(function, "dates", d.size(), "hedge", f.size());
  inference_options tests;
  tests.level = options.level;
  tests.null_ratio = options.null_ratio;
  detail::require_options(tests, function);
  for (const auto& h : options.horizons) {
    detail::require_horizon(h, function);
    if (options.lag >= 0 && h.overlapping && static_cast<unsigned long>(options.lag) + 1 < h.rows) {
      detail::fail_invalid(std::string(function) + ": the lag is " + std::to_string(options.lag) +
                           " but the " + horizon_label(h) + " changes need at least " +
                           std::to_string(h.rows - 1) +
                           " (k − 1): each shares k − 1 days with its neighbours");
    }
  }
  horizon_table<Real> table;
  resample_options resampling;
  resampling.missing = options.missing;
  for (const auto& h : options.horizons) {
    resampling.horizon = h;
    dated_change_pair<Real> changes;
    detail::resample_pair(d, s, f, resampling, function, changes);
    table.omitted = changes.omitted;
    horizon_fit<Real> row;
    row.horizon = h;
    row.label = horizon_label(h);
    row.n = changes.dates.size();
    if (row.n > 0) {
      row.first_date = changes.dates.front();
      row.last_date = changes.dates.back();
    }
    row.fit = fit_hedge(changes.exposure, changes.hedge);
    std::size_t lag = 0;
    if (options.lag >= 0) {
      lag = static_cast<std::size_t>(options.lag);
    } else {
      lag = newey_west_default_lag(row.n);
      if (h.overlapping && h.rows - 1 > lag) lag = h.rows - 1;
    }
    hac_options hac;
    hac.lag = static_cast<long>(lag);
    hac.small_sample_correction = options.small_sample_correction;
    if (lag < row.n) {
      row.hac = newey_west(changes.exposure, changes.hedge, row.fit, hac);
    } else {
      row.hac.lag = lag;
      row.hac.small_sample_correction = options.small_sample_correction;
      row.hac.ratio_standard_errors =
          Eigen::Matrix<Real, Eigen::Dynamic, 1>::Constant(1, std::numeric_limits<Real>::quiet_NaN());
      row.hac.ratio_covariance = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>::Constant(
          1, 1, std::numeric_limits<Real>::quiet_NaN());
    }
    row.ratio = inference(row.fit, row.hac, tests).ratios[0];
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_DATED_HPP
