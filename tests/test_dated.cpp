// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/dated.hpp>: date windows, calendar-year splits and resampling to k-day, weekly
// and monthly changes on a hand-worked dated series (every change, date and row written out; the ratio
// and R² against exact rational arithmetic); every bad input with the row and date its message must name;
// and Brent vs WTI (FRED) at horizons 1, 5, 21 days, weekly and monthly, written to dated_brent_wti.json
// for tests/check_dated_statsmodels.py (statsmodels recomputes ratio, R² and the HAC standard errors).
#include <hedgemetrics/dated.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iomanip>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "support/check.hpp"
#include "support/data.hpp"
#include "support/gmp.hpp"

namespace hm = hedgemetrics;

namespace {

using hm_test::check_throws_containing;

std::vector<std::int64_t> days(std::initializer_list<const char*> dates) {
  std::vector<std::int64_t> out;
  for (const char* d : dates) out.push_back(hm::parse_date(d));
  return out;
}

// The hand-worked series: nine trading days over two years-ends, a month-end and a 13-month gap.
//   row  date        weekday  S   F
//    0   2019-12-30  Mon      10  5
//    1   2019-12-31  Tue      12  6
//    2   2020-01-02  Thu      11  6
//    3   2020-01-03  Fri      15  8
//    4   2020-01-06  Mon      14  7
//    5   2020-01-07  Tue      18  9
//    6   2020-01-31  Fri      20  10
//    7   2020-02-03  Mon      17  9
//    8   2021-03-01  Mon      25  12
const std::vector<std::int64_t> hand_dates =
    days({"2019-12-30", "2019-12-31", "2020-01-02", "2020-01-03", "2020-01-06", "2020-01-07", "2020-01-31",
          "2020-02-03", "2021-03-01"});
const std::vector<int> hand_s{10, 12, 11, 15, 14, 18, 20, 17, 25};
const std::vector<int> hand_f{5, 6, 6, 8, 7, 9, 10, 9, 12};

// The exact minimum-variance ratio and R² of changes (small integers): S_SF/S_FF and S_SF²/(S_SS·S_FF).
struct exact_fit {
  mpq_class ratio, r2;
};
exact_fit exact_of(const std::vector<double>& s, const std::vector<double>& f) {
  const auto n = static_cast<long>(s.size());
  mpq_class ms = 0, mf = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    ms += mpq_class(static_cast<long>(s[i]));
    mf += mpq_class(static_cast<long>(f[i]));
  }
  ms /= n;
  mf /= n;
  mpq_class sss = 0, sff = 0, ssf = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const mpq_class ds = mpq_class(static_cast<long>(s[i])) - ms,
                    df = mpq_class(static_cast<long>(f[i])) - mf;
    sss += ds * ds;
    sff += df * df;
    ssf += ds * df;
  }
  return {mpq_class(ssf / sff), mpq_class(ssf * ssf / (sss * sff))};
}

void check_changes(const hm::dated_change_pair<double>& got, const std::vector<std::size_t>& start_rows,
                   const std::vector<std::size_t>& end_rows) {
  REQUIRE(got.dates.size() == end_rows.size());
  for (std::size_t i = 0; i < end_rows.size(); ++i) {
    CAPTURE(i);
    CHECK(got.start_dates[i] == hand_dates[start_rows[i]]);
    CHECK(got.dates[i] == hand_dates[end_rows[i]]);
    CHECK(got.exposure[i] == hand_s[end_rows[i]] - hand_s[start_rows[i]]);
    CHECK(got.hedge[i] == hand_f[end_rows[i]] - hand_f[start_rows[i]]);
  }
}

}  // namespace

TEST_CASE("calendar_period_of: ISO weeks from Monday, months, quarters, years") {
  // 1970-01-01 is a Thursday: its week began on Monday 1969-12-29.
  CHECK(hm::calendar_period_of(hm::parse_date("1969-12-29"), hm::calendar_period::week) ==
        hm::calendar_period_of(hm::parse_date("1970-01-04"), hm::calendar_period::week));
  CHECK(hm::calendar_period_of(hm::parse_date("1970-01-05"), hm::calendar_period::week) ==
        hm::calendar_period_of(hm::parse_date("1970-01-04"), hm::calendar_period::week) + 1);
  CHECK(hm::calendar_period_of(hm::parse_date("1900-01-07"), hm::calendar_period::week) + 1 ==
        hm::calendar_period_of(hm::parse_date("1900-01-08"), hm::calendar_period::week));  // a Monday
  CHECK(hm::calendar_period_of(hm::parse_date("2020-03-31"), hm::calendar_period::quarter) == 2020 * 4);
  CHECK(hm::calendar_period_of(hm::parse_date("2020-04-01"), hm::calendar_period::quarter) == 2020 * 4 + 1);
  CHECK(hm::calendar_period_of(hm::parse_date("2020-12-31"), hm::calendar_period::month) == 2020 * 12 + 11);
  CHECK(hm::calendar_period_of(hm::parse_date("2020-12-31"), hm::calendar_period::year) == 2020);
}

TEST_CASE("resample_changes: the hand-worked series at every horizon, change by change") {
  const auto resample = [](hm::change_horizon h) {
    hm::resample_options o;
    o.horizon = h;
    return hm::resample_changes(hand_dates, hand_s, hand_f, o);
  };
  SUBCASE("1 day: every row after the first") {
    check_changes(resample(hm::change_horizon::days(1)), {0, 1, 2, 3, 4, 5, 6, 7}, {1, 2, 3, 4, 5, 6, 7, 8});
  }
  SUBCASE("2 days, non-overlapping: rows 0, 2, 4, 6, 8") {
    check_changes(resample(hm::change_horizon::days(2)), {0, 2, 4, 6}, {2, 4, 6, 8});
  }
  SUBCASE("3 days, non-overlapping: rows 0, 3, 6; row 8 is an incomplete stretch") {
    check_changes(resample(hm::change_horizon::days(3)), {0, 3}, {3, 6});
  }
  SUBCASE("2 days, overlapping: every row from the third") {
    check_changes(resample(hm::change_horizon::days(2, true)), {0, 1, 2, 3, 4, 5, 6}, {2, 3, 4, 5, 6, 7, 8});
  }
  SUBCASE("9 days: no change") {
    CHECK(resample(hm::change_horizon::days(9)).dates.empty());
    CHECK(resample(hm::change_horizon::days(9, true)).dates.empty());
  }
  SUBCASE("weekly: the last rows of the weeks of 2019-12-30, 2020-01-06, -01-27, -02-03, 2021-03-01") {
    check_changes(resample(hm::change_horizon::calendar(hm::calendar_period::week)), {3, 5, 6, 7},
                  {5, 6, 7, 8});
  }
  SUBCASE("monthly: the last rows of December 2019, January and February 2020, March 2021") {
    check_changes(resample(hm::change_horizon::calendar(hm::calendar_period::month)), {1, 6, 7}, {6, 7, 8});
  }
  SUBCASE("yearly") {
    check_changes(resample(hm::change_horizon::calendar(hm::calendar_period::year)), {1, 7}, {7, 8});
  }
  SUBCASE("one series gives the same changes and dates") {
    hm::resample_options o;
    o.horizon = hm::change_horizon::calendar(hm::calendar_period::week);
    const auto one = hm::resample_changes(hand_dates, hand_s, o);
    const auto two = hm::resample_changes(hand_dates, hand_s, hand_f, o);
    CHECK(one.changes == two.exposure);
    CHECK(one.dates == two.dates);
    CHECK(one.start_dates == two.start_dates);
  }
}

TEST_CASE_TEMPLATE("resample_changes: every element type computes in result_t (long double stays)", T, int,
                   float, double, long double) {
  const std::vector<T> s(hand_s.begin(), hand_s.end()), f(hand_f.begin(), hand_f.end());
  hm::resample_options o;
  o.horizon = hm::change_horizon::calendar(hm::calendar_period::month);
  const auto got = hm::resample_changes(hand_dates, s, f, o);
  using Real = typename decltype(got.exposure)::value_type;
  static_assert(std::is_same_v<Real, hm::result_t<std::vector<T>>>, "changes in result_t");
  CHECK(got.exposure == std::vector<Real>{8, -3, 8});
  CHECK(got.hedge == std::vector<Real>{4, -1, 3});
  hm::horizon_options h;
  h.horizons = {hm::change_horizon::days(1), hm::change_horizon::days(2, true),
                hm::change_horizon::calendar(hm::calendar_period::week)};
  const auto table = hm::hedge_by_horizon(hand_dates, s, f, h);
  REQUIRE(table.rows.size() == 3);
  // Small integers: every element type holds them exactly, so the figures are double's to rounding.
  const auto reference = hm::hedge_by_horizon(hand_dates, hand_s, hand_f, h);
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    CAPTURE(table.rows[i].label);
    CHECK(static_cast<double>(table.rows[i].fit.ratio) ==
          doctest::Approx(reference.rows[i].fit.ratio).epsilon(1e-13));
    CHECK(static_cast<double>(table.rows[i].ratio.standard_error) ==
          doctest::Approx(reference.rows[i].ratio.standard_error).epsilon(1e-13));
  }
}

TEST_CASE("hedge_by_horizon: too few rows give NaN figures, not an exception") {
  const std::vector<std::int64_t> d{hm::parse_date("2020-01-02")};
  const std::vector<double> s{1}, f{2};
  const auto table = hm::hedge_by_horizon(d, s, f);
  REQUIRE(table.rows.size() == 5);
  for (const auto& row : table.rows) {
    CAPTURE(row.label);
    CHECK(row.n == 0);
    CHECK(std::isnan(row.fit.ratio));
    CHECK(std::isnan(row.ratio.standard_error));
    CHECK(std::isnan(row.ratio.t_statistic));
  }
  const std::vector<std::int64_t> none;
  const std::vector<double> empty;
  CHECK(hm::hedge_by_horizon(none, empty, empty).rows[4].n == 0);
  CHECK(hm::by_year(none, empty, [](auto x) { return x.size(); }).empty());
}

TEST_CASE("hedge_by_horizon: ratio and R² of the hand-worked series against exact rationals") {
  hm::horizon_options o;
  o.horizons = {hm::change_horizon::days(1), hm::change_horizon::days(2), hm::change_horizon::days(2, true),
                hm::change_horizon::calendar(hm::calendar_period::week)};
  const auto table = hm::hedge_by_horizon(hand_dates, hand_s, hand_f, o);
  REQUIRE(table.rows.size() == 4);
  CHECK(table.rows[0].label == "1 day");
  CHECK(table.rows[1].label == "2 days");
  CHECK(table.rows[2].label == "2 days, overlapping");
  CHECK(table.rows[3].label == "weekly");
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    const auto& row = table.rows[i];
    hm::resample_options r;
    r.horizon = row.horizon;
    const auto changes = hm::resample_changes(hand_dates, hand_s, hand_f, r);
    CAPTURE(row.label);
    CHECK(row.n == changes.dates.size());
    CHECK(row.first_date == changes.dates.front());
    CHECK(row.last_date == changes.dates.back());
    const auto want = exact_of(changes.exposure, changes.hedge);
    hm_test::check_close(row.label + " ratio", row.fit.ratio, hm_test::exact::maybe(want.ratio), 1e-15);
    hm_test::check_close(row.label + " R²", row.fit.effectiveness, hm_test::exact::maybe(want.r2), 1e-15);
    // The HAC figures are newey_west's on the resampled changes, with the lag the table reports.
    hm::hac_options h;
    h.lag = static_cast<long>(row.hac.lag);
    if (row.hac.lag < row.n) {
      const auto hac = hm::newey_west(changes.exposure, changes.hedge, row.fit, h);
      CHECK(row.hac.ratio_standard_errors(0) == hac.ratio_standard_errors(0));
      CHECK(row.ratio.standard_error == hac.ratio_standard_errors(0));
    }
  }
  // Automatic lags ⌊4(n/100)^{2/9}⌋: 2 for the 8 daily and the 7 overlapping changes (k − 1 = 1 is less),
  // 1 for the 4 weekly ones.
  CHECK(table.rows[0].hac.lag == 2);
  CHECK(table.rows[2].hac.lag == 2);
  CHECK(table.rows[3].hac.lag == 1);
  CHECK(std::isfinite(table.rows[3].ratio.standard_error));
}

TEST_CASE(
    "hedge_by_horizon: overlapping 21-day changes get a lag of at least 20, and an explicit lower one "
    "is refused") {
  // A random walk pair, 400 days: ⌊4(380/100)^{2/9}⌋ = 5 < 20.
  hm_test::random_source rng(17);
  std::vector<std::int64_t> d;
  std::vector<double> s, f;
  double a = 100, b = 50;
  for (std::int64_t t = 0; t < 400; ++t) {
    d.push_back(t);
    const double common = rng.symmetric();
    a += common + 0.5 * rng.symmetric();
    b += 0.8 * common + 0.3 * rng.symmetric();
    s.push_back(a);
    f.push_back(b);
  }
  hm::horizon_options o;
  o.horizons = {hm::change_horizon::days(21, true), hm::change_horizon::days(21)};
  const auto table = hm::hedge_by_horizon(d, s, f, o);
  CHECK(table.rows[0].hac.lag == 20);
  CHECK(table.rows[1].hac.lag == hm::newey_west_default_lag(table.rows[1].n));
  CHECK(table.rows[0].n == 379);
  CHECK(table.rows[1].n == 19);
  o.lag = 19;
  check_throws_containing<std::invalid_argument>(
      [&] { (void)hm::hedge_by_horizon(d, s, f, o); },
      {"hedgemetrics::hedge_by_horizon", "lag is 19", "21 days, overlapping", "at least 20"});
  o.lag = 20;
  CHECK(hm::hedge_by_horizon(d, s, f, o).rows[1].hac.lag == 20);
  // A lag not below the number of changes: NaN HAC figures, not an exception.
  o.lag = 25;
  const auto few = hm::hedge_by_horizon(d, s, f, o);
  CHECK(std::isnan(few.rows[1].ratio.standard_error));
  CHECK(std::isfinite(few.rows[0].ratio.standard_error));
}

TEST_CASE("resample_changes: 1,500 weekdays with holidays against a brute force on civil dates") {
  // A second implementation: a row ends its week when the next row is on or after the following Monday
  // (date − weekday + 7), its month when the next row's civil month or year differs.
  hm_test::random_source rng(2026);
  std::vector<std::int64_t> d;
  std::vector<double> s, f;
  std::int64_t day = hm::parse_date("1999-12-27");
  for (int t = 0; t < 1500; ++t) {
    do {
      day += rng.integer(1, 9) == 1 ? 2 : 1;  // a holiday now and then
    } while (hm::weekday_of(day) >= 5);
    d.push_back(day);
    s.push_back(static_cast<double>(rng.integer(-50, 50)));
    f.push_back(static_cast<double>(rng.integer(-50, 50)));
  }
  const auto brute = [&](const hm::change_horizon& h) {
    std::vector<std::size_t> picks;
    const std::size_t n = d.size();
    for (std::size_t i = 0; i < n; ++i) {
      bool last = i + 1 == n;
      if (!last && h.period == hm::calendar_period::week) {
        last = d[i + 1] >= d[i] - hm::weekday_of(d[i]) + 7;
      } else if (!last && h.period == hm::calendar_period::month) {
        const auto x = hm::civil_from_days(d[i]), y = hm::civil_from_days(d[i + 1]);
        last = x.month != y.month || x.year != y.year;
      }
      if (last) picks.push_back(i);
    }
    std::vector<std::pair<std::size_t, std::size_t>> out;
    if (h.period != hm::calendar_period::none) {
      for (std::size_t j = 1; j < picks.size(); ++j) out.emplace_back(picks[j - 1], picks[j]);
    } else {
      for (std::size_t t = h.rows; t < n; t += h.overlapping ? 1 : h.rows) out.emplace_back(t - h.rows, t);
    }
    return out;
  };
  for (const auto& h :
       {hm::change_horizon::days(1), hm::change_horizon::days(7), hm::change_horizon::days(7, true),
        hm::change_horizon::calendar(hm::calendar_period::week),
        hm::change_horizon::calendar(hm::calendar_period::month)}) {
    CAPTURE(hm::horizon_label(h));
    hm::resample_options o;
    o.horizon = h;
    const auto got = hm::resample_changes(d, s, f, o);
    const auto want = brute(h);
    REQUIRE(got.dates.size() == want.size());
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < want.size(); ++i) {
      const auto [a, b] = want[i];
      mismatches += got.start_dates[i] != d[a] || got.dates[i] != d[b] || got.exposure[i] != s[b] - s[a] ||
                            got.hedge[i] != f[b] - f[a]
                        ? 1U
                        : 0U;
    }
    CHECK(mismatches == 0);
  }
}

TEST_CASE("date_window: the rows in [from, to], by dates or by text") {
  const auto w = hm::date_window(hand_dates, hm::parse_date("2020-01-01"), hm::parse_date("2020-01-31"));
  CHECK(w.first == 2);
  CHECK(w.last == 7);
  CHECK(w.size() == 5);
  CHECK(w.first_date == hm::parse_date("2020-01-02"));
  CHECK(w.last_date == hm::parse_date("2020-01-31"));
  const auto text = hm::date_window(hand_dates, "2019-12-31", "1/6/2020");
  CHECK(text.first == 1);
  CHECK(text.last == 5);
  const auto one = hm::date_window(hand_dates, "2021-03-01", "2021-03-01");
  CHECK(one.first == 8);
  CHECK(one.last == 9);
  const auto values = hm::slice(hand_s, w);
  REQUIRE(values.size() == 5);
  CHECK(values[0] == 11);
  CHECK(values[4] == 20);
  // The window of changes: dated by their later price.
  const auto changes = hm::resample_changes(hand_dates, hand_s);
  const auto january = hm::date_window(changes.dates, "2020-01-01", "2020-01-31");
  CHECK(january.first == 1);  // 2020-01-02, the change from 2019-12-31
  CHECK(january.size() == 5);
}

TEST_CASE("by_year: any estimator per calendar year, with its rows and dates") {
  // Prices: 2019 (rows 0-1), 2020 (rows 2-7), 2021 (row 8).
  const auto sums = hm::by_year(hand_dates, hand_s, [](auto x) {
    long total = 0;
    for (const auto v : x) total += v;
    return total;
  });
  REQUIRE(sums.size() == 3);
  CHECK(sums[0].year == 2019);
  CHECK(sums[0].rows.first == 0);
  CHECK(sums[0].rows.last == 2);
  CHECK(sums[0].value == 22);
  CHECK(sums[1].year == 2020);
  CHECK(sums[1].rows.first == 2);
  CHECK(sums[1].rows.last == 8);
  CHECK(sums[1].rows.first_date == hm::parse_date("2020-01-02"));
  CHECK(sums[1].rows.last_date == hm::parse_date("2020-02-03"));
  CHECK(sums[1].value == 11 + 15 + 14 + 18 + 20 + 17);
  CHECK(sums[2].year == 2021);
  CHECK(sums[2].rows.size() == 1);
  CHECK(sums[2].value == 25);

  // The hedge per year on daily changes: 2019 has one change (NaN ratio), 2020 six, 2021 one.
  const auto changes = hm::resample_changes(hand_dates, hand_s, hand_f);
  const auto fits = hm::by_year(changes.dates, changes.exposure, changes.hedge,
                                [](auto s, auto f) { return hm::fit_hedge(s, f); });
  REQUIRE(fits.size() == 3);
  CHECK(fits[0].year == 2019);
  CHECK(fits[0].value.n == 1);
  CHECK(std::isnan(fits[0].value.ratio));
  CHECK(fits[1].year == 2020);
  CHECK(fits[1].rows.first == 1);
  CHECK(fits[1].rows.last == 7);
  const std::vector<double> s2020(changes.exposure.begin() + 1, changes.exposure.begin() + 7);
  const std::vector<double> f2020(changes.hedge.begin() + 1, changes.hedge.begin() + 7);
  // 2020's daily changes: S −1, 4, −1, 4, 2, −3; F 0, 2, −1, 2, 1, −1.
  CHECK(s2020 == std::vector<double>{-1, 4, -1, 4, 2, -3});
  CHECK(f2020 == std::vector<double>{0, 2, -1, 2, 1, -1});
  const auto want = exact_of(s2020, f2020);
  CHECK(want.ratio == mpq_class(39, 19));  // S_SF = 22 − 6·(5/6)(1/2) = 39/2, S_FF = 11 − 6/4 = 19/2
  hm_test::check_close("2020 ratio", fits[1].value.ratio, hm_test::exact::maybe(want.ratio), 1e-15);
  hm_test::check_close("2020 R²", fits[1].value.effectiveness, hm_test::exact::maybe(want.r2), 1e-15);
  CHECK(fits[2].year == 2021);
  CHECK(fits[2].rows.size() == 1);
  // Any estimator: the effectiveness of a given ratio.
  const auto naive = hm::by_year(changes.dates, changes.exposure, changes.hedge,
                                 [](auto s, auto f) { return hm::hedge_effectiveness(s, f, 1.0); });
  CHECK(naive.size() == 3);
}

TEST_CASE(
    "dated: missing prices propagated, omitted (the changes span the row) or raised with row and date") {
  std::vector<double> s(hand_s.begin(), hand_s.end()), f(hand_f.begin(), hand_f.end());
  f[4] = std::numeric_limits<double>::quiet_NaN();  // 2020-01-06
  hm::resample_options o;
  const auto propagated = hm::resample_changes(hand_dates, s, f, o);
  CHECK(propagated.hedge.size() == 8);
  CHECK(std::isnan(propagated.hedge[3]));
  CHECK(std::isnan(propagated.hedge[4]));
  CHECK(propagated.omitted == 0);
  o.missing = hm::missing_data::omit;
  const auto omitted = hm::resample_changes(hand_dates, s, f, o);
  REQUIRE(omitted.hedge.size() == 7);
  CHECK(omitted.omitted == 1);
  CHECK(omitted.start_dates[3] == hand_dates[3]);
  CHECK(omitted.dates[3] == hand_dates[5]);
  CHECK(omitted.exposure[3] == 18 - 15);
  CHECK(omitted.hedge[3] == 9 - 8);
  o.missing = hm::missing_data::raise;
  check_throws_containing<std::domain_error>(
      [&] { (void)hm::resample_changes(hand_dates, s, f, o); },
      {"hedgemetrics::resample_changes", "hedge is nan", "row 4", "2020-01-06"});
  hm::horizon_options h;
  h.missing = hm::missing_data::omit;
  const auto table = hm::hedge_by_horizon(hand_dates, s, f, h);
  CHECK(table.omitted == 1);
  CHECK(table.rows[0].n == 7);
  h.missing = hm::missing_data::propagate;
  CHECK(std::isnan(hm::hedge_by_horizon(hand_dates, s, f, h).rows[0].fit.ratio));
}

TEST_CASE("dated: every bad input names the function, the row and the date") {
  auto repeated = hand_dates;
  repeated[5] = repeated[4];
  auto unsorted = hand_dates;
  std::swap(unsorted[6], unsorted[7]);
  check_throws_containing<std::invalid_argument>(
      [&] { (void)hm::date_window(repeated, "2020-01-01", "2020-12-31"); },
      {"hedgemetrics::date_window", "row 5", "repeats the date 2020-01-06", "row 4"});
  check_throws_containing<std::invalid_argument>(
      [&] { (void)hm::resample_changes(unsorted, hand_s); },
      {"hedgemetrics::resample_changes", "row 7", "dated 2020-01-31", "before row 6", "2020-02-03"});
  check_throws_containing<std::invalid_argument>(
      [&] { (void)hm::by_year(unsorted, hand_s, [](auto x) { return x.size(); }); },
      {"hedgemetrics::by_year", "row 7", "2020-01-31"});
  check_throws_containing<std::invalid_argument>(
      [&] { (void)hm::hedge_by_horizon(repeated, hand_s, hand_f); },
      {"hedgemetrics::hedge_by_horizon", "row 5", "2020-01-06"});
  check_throws_containing<std::invalid_argument>(
      [&] { (void)hm::calendar_rows(repeated, hm::calendar_period::month); },
      {"hedgemetrics::calendar_rows", "row 5"});
  // A window with no rows, and one that ends before it starts.
  check_throws_containing<std::invalid_argument>(
      [&] { (void)hm::date_window(hand_dates, "2020-03-01", "2021-02-28"); },
      {"hedgemetrics::date_window", "no row is dated in [2020-03-01, 2021-02-28]", "2019-12-30 (row 0)",
       "2021-03-01 (row 8)"});
  check_throws_containing<std::invalid_argument>(
      [&] { (void)hm::date_window(std::vector<std::int64_t>{}, "2020-03-01", "2021-02-28"); }, {"no rows"});
  check_throws_containing<std::invalid_argument>(
      [&] { (void)hm::date_window(hand_dates, "2020-03-01", "2020-02-28"); },
      {"hedgemetrics::date_window", "starts on 2020-03-01, after its end 2020-02-28"});
  check_throws_containing<std::invalid_argument>(
      [&] { (void)hm::date_window(hand_dates, "2020-02-30", "2020-03-01"); }, {"February 2020 has 29 days"});
  // Lengths, horizons, options.
  const std::vector<int> short_s(hand_s.begin(), hand_s.end() - 1);
  check_throws_containing<std::invalid_argument>(
      [&] { (void)hm::resample_changes(hand_dates, short_s, hand_f); },
      {"hedgemetrics::resample_changes", "dates", "exposure", "9", "8"});
  check_throws_containing<std::invalid_argument>(
      [&] { (void)hm::by_year(hand_dates, hand_s, short_s, [](auto, auto) { return 0; }); },
      {"hedgemetrics::by_year", "hedge", "8"});
  hm::resample_options r;
  r.horizon = hm::change_horizon::days(0);
  check_throws_containing<std::invalid_argument>([&] { (void)hm::resample_changes(hand_dates, hand_s, r); },
                                                 {"hedgemetrics::resample_changes", "rows = 0"});
  r.horizon = hm::change_horizon::calendar(hm::calendar_period::month);
  r.horizon.overlapping = true;
  check_throws_containing<std::invalid_argument>([&] { (void)hm::resample_changes(hand_dates, hand_s, r); },
                                                 {"monthly horizon is marked overlapping"});
  hm::horizon_options h;
  h.level = 1;
  check_throws_containing<std::invalid_argument>(
      [&] { (void)hm::hedge_by_horizon(hand_dates, hand_s, hand_f, h); },
      {"hedgemetrics::hedge_by_horizon", "confidence level"});
  check_throws_containing<std::invalid_argument>(
      [&] { (void)hm::calendar_rows(hand_dates, hm::calendar_period::none); }, {"calendar period"});
  check_throws_containing<std::invalid_argument>(
      [&] {
        (void)hm::slice(hand_s, hm::dated_rows{3, 12, 0, 0});
      },
      {"hedgemetrics::slice", "[3, 12)", "9"});
  const auto months = hm::calendar_rows(hand_dates, hm::calendar_period::month);
  REQUIRE(months.size() == 4);
  CHECK(months[1].first == 2);
  CHECK(months[1].last == 7);
}

TEST_CASE("Brent on WTI (FRED): the hedge by horizon, for the statsmodels cross-check") {
  const auto brent_path = hm_test::data_file("market/fred_eia_spot/DCOILBRENTEU.csv");
  const auto wti_path = hm_test::data_file("market/fred_eia_spot/DCOILWTICO.csv");
  if (!brent_path || !wti_path) return;
  const auto read = [](const std::string& path, std::vector<std::int64_t>& d, std::vector<double>& v) {
    const auto table = hm_test::read_csv(path);
    for (const auto& text : table.text("DATE")) d.push_back(hm::parse_date(text, hm::date_format::iso, path));
    v = table.numbers("VALUE");  // "." is NaN
  };
  std::vector<std::int64_t> brent_dates, wti_dates;
  std::vector<double> brent, wti;
  read(*brent_path, brent_dates, brent);
  read(*wti_path, wti_dates, wti);
  hm::align_options join;
  join.policy = hm::join_policy::inner;  // days both markets priced ("." omitted)
  const auto aligned = hm::align(brent_dates, brent, wti_dates, wti, join, "Brent", "WTI");
  const auto& dates = aligned.time;
  REQUIRE(dates.size() > 7000);

  hm::horizon_options o;
  o.horizons = {hm::change_horizon::days(1),
                hm::change_horizon::days(5),
                hm::change_horizon::days(5, true),
                hm::change_horizon::days(21),
                hm::change_horizon::days(21, true),
                hm::change_horizon::calendar(hm::calendar_period::week),
                hm::change_horizon::calendar(hm::calendar_period::month)};
  const auto table = hm::hedge_by_horizon(dates, aligned.values[0], aligned.values[1], o);
  REQUIRE(table.rows.size() == 7);
  // Issue 17's figures: R² 0.37 on daily changes, 0.65 on 5-day and 0.85 on 21-day ones (non-overlapping);
  // calendar weeks 0.68 and months 0.78 (statsmodels checks every digit: check_dated_statsmodels.py).
  const auto r2 = [&](std::size_t i) { return table.rows[i].fit.effectiveness; };
  CHECK(r2(0) == doctest::Approx(0.3715).epsilon(0.001).scale(0));
  CHECK(r2(1) == doctest::Approx(0.6516).epsilon(0.001).scale(0));
  CHECK(r2(3) == doctest::Approx(0.8498).epsilon(0.001).scale(0));
  CHECK(r2(5) == doctest::Approx(0.6844).epsilon(0.001).scale(0));
  CHECK(r2(6) == doctest::Approx(0.7801).epsilon(0.001).scale(0));
  // Overlapping changes: HAC standard errors well above the OLS ones, which ignore the MA(k − 1).
  CHECK(table.rows[4].hac.lag >= 20);
  CHECK(table.rows[4].ratio.standard_error > 2 * table.rows[4].fit.ratio_standard_error);

#ifdef HEDGEMETRICS_DATED_JSON
  const std::string json = HEDGEMETRICS_DATED_JSON;  // tests/CMakeLists.txt: the build directory
#else
  const std::string json = "dated_brent_wti.json";
#endif
  std::ofstream out(json);
  REQUIRE(out);
  out << std::setprecision(17) << "{\n  \"brent\": \"" << *brent_path << "\",\n  \"wti\": \"" << *wti_path
      << "\",\n  \"rows\": " << dates.size() << ",\n  \"horizons\": [\n";
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    const auto& r = table.rows[i];
    const char* period = r.horizon.period == hm::calendar_period::week    ? "week"
                         : r.horizon.period == hm::calendar_period::month ? "month"
                                                                          : "none";
    out << "    {\"label\": \"" << r.label << "\", \"k\": " << r.horizon.rows << ", \"period\": \"" << period
        << "\", \"overlapping\": " << (r.horizon.overlapping ? "true" : "false") << ", \"n\": " << r.n
        << ", \"first_date\": \"" << hm::format_date(r.first_date) << "\", \"last_date\": \""
        << hm::format_date(r.last_date) << "\", \"lag\": " << r.hac.lag << ", \"params\": ["
        << r.fit.intercept << ", " << r.fit.ratio << "], \"rsquared\": " << r.fit.effectiveness
        << ", \"bse\": [" << r.fit.intercept_standard_error << ", " << r.fit.ratio_standard_error
        << "], \"bse_hac\": [" << r.hac.intercept_standard_error << ", " << r.hac.ratio_standard_errors(0)
        << "], \"t_hac\": " << r.ratio.t_statistic << ", \"p_hac\": " << r.ratio.p_value
        << ", \"lower_hac\": " << r.ratio.lower << ", \"upper_hac\": " << r.ratio.upper << "}"
        << (i + 1 < table.rows.size() ? ",\n" : "\n");
    MESSAGE(r.label << ": n = " << r.n << ", h* = " << r.fit.ratio << ", R² = " << r.fit.effectiveness
                    << ", se OLS " << r.fit.ratio_standard_error << ", se HAC " << r.ratio.standard_error
                    << " (lag " << r.hac.lag << ")");
  }
  out << "  ]\n}\n";
  MESSAGE("wrote " << json << " (" << dates.size() << " dated Brent/WTI pairs) for "
                   << "tests/check_dated_statsmodels.py");
}
