// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/alignment.hpp>: dates (against Python's datetime and a day-by-day calendar walk),
// the as-of join on hand-worked series (every row, age and count written out) and against a brute-force
// join by binary search on random series; every bad input, with the message it must carry.
#include <hedgemetrics/alignment.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/check.hpp"

namespace hm = hedgemetrics;
using hm_test::show;

namespace {

using hm_test::check_throws_containing;

std::vector<std::int64_t> times(std::initializer_list<std::int64_t> t) {
  return t;
}

}  // namespace

TEST_CASE("dates: days since 1970-01-01 and weekdays agree with Python's datetime") {
  // (date(y, m, d) - date(1970, 1, 1)).days and date(y, m, d).weekday(), from CPython 3.11.
  struct known {
    int y;
    unsigned m, d;
    std::int64_t days;
    int weekday;
  };
  const known cases[] = {{1970, 1, 1, 0, 3},      {2000, 2, 29, 11016, 1},   {2000, 3, 1, 11017, 2},
                         {1900, 3, 1, -25508, 3}, {1600, 1, 1, -135140, 5},  {2023, 1, 24, 19381, 1},
                         {1987, 5, 20, 6348, 2},  {2019, 1, 7, 17903, 0},    {1969, 12, 31, -1, 2},
                         {1, 1, 1, -719162, 0},   {9999, 12, 31, 2932896, 4}};
  for (const auto& c : cases) {
    const std::int64_t days = hm::days_from_civil(hm::civil_date{c.y, c.m, c.d});
    CHECK_MESSAGE(days == c.days, c.y << "-" << c.m << "-" << c.d << ": " << days << " vs " << c.days);
    CHECK(hm::weekday_of(days) == c.weekday);
    const auto back = hm::civil_from_days(days);
    CHECK((back.year == c.y && back.month == c.m && back.day == c.d));
  }
  static_assert(hm::days_from_civil(hm::civil_date{2023, 1, 24}) == 19381, "constexpr");
}

TEST_CASE("dates: a day-by-day walk of the calendar from 1600 to 2400 is consecutive and round-trips") {
  // The second algorithm: count days by stepping day, month and year with days_in_month.
  std::int64_t expected = hm::days_from_civil(hm::civil_date{1600, 1, 1});
  std::size_t failures = 0;
  for (int y = 1600; y < 2400; ++y) {
    for (unsigned m = 1; m <= 12; ++m) {
      for (unsigned d = 1; d <= hm::days_in_month(y, m); ++d) {
        const std::int64_t days = hm::days_from_civil(hm::civil_date{y, m, d});
        const auto back = hm::civil_from_days(days);
        if (days != expected || back.year != y || back.month != m || back.day != d) ++failures;
        ++expected;
      }
    }
  }
  CHECK(failures == 0);
  CHECK(expected - hm::days_from_civil(hm::civil_date{1600, 1, 1}) == 800 * 365 + 194);  // 194 leap days
}

TEST_CASE("parse_date: ISO and M/D/YYYY, and format_date") {
  CHECK(hm::parse_date("2023-01-24") == 19381);
  CHECK(hm::parse_date("1/24/2023") == 19381);
  CHECK(hm::parse_date("01/24/2023") == 19381);
  CHECK(hm::parse_date("01/3/1980", hm::date_format::us) == hm::days_from_civil(hm::civil_date{1980, 1, 3}));
  CHECK(hm::parse_date("2000-02-29", hm::date_format::iso) == 11016);
  CHECK(hm::detect_date_format("2/3/2004") == hm::date_format::us);
  CHECK(hm::detect_date_format("2004-02-03") == hm::date_format::iso);
  CHECK(hm::format_date(19381) == "2023-01-24");
  CHECK(hm::format_date(-719162) == "0001-01-01");
  CHECK(hm::format_date(hm::parse_date("12/31/1999")) == "1999-12-31");
}

TEST_CASE("parse_date: every bad date says where, what and why") {
  using E = std::invalid_argument;
  check_throws_containing<E>([] { (void)hm::parse_date("2023-02-29", hm::date_format::any, "a.csv row 7"); },
                             {"a.csv row 7", "'2023-02-29'", "February 2023 has 28 days"});
  check_throws_containing<E>([] { (void)hm::parse_date("2023-13-01"); }, {"'2023-13-01'", "month 13"});
  check_throws_containing<E>([] { (void)hm::parse_date("0/5/2020"); }, {"month 0"});
  check_throws_containing<E>([] { (void)hm::parse_date("4/31/2020"); }, {"April 2020 has 30 days"});
  check_throws_containing<E>(
      [] { (void)hm::parse_date("1/24/2023", hm::date_format::iso, "DCOILWTICO.csv row 3"); },
      {"DCOILWTICO.csv row 3", "written M/D/YYYY", "YYYY-MM-DD", "mixed date formats"});
  check_throws_containing<E>([] { (void)hm::parse_date("2023-01-24", hm::date_format::us); },
                             {"written YYYY-MM-DD", "mixed date formats"});
  for (const char* bad : {"", ".", "abc", "2023-1-24", "2023-01-24 ", " 2023-01-24", "20230124", "2023-01",
                          "2023-01-24-01", "1/2/23", "2023/01/24", "1/x/2023", "0000-01-01"}) {
    check_throws_containing<E>([&] { (void)hm::parse_date(bad); }, {std::string("'") + bad + "'"});
  }
}

namespace {

// The hand-worked pair: A ticks at 1, 2, 4, 7; B at 2, 3, 4, 8.
struct hand_pair {
  std::vector<std::int64_t> ta{1, 2, 4, 7}, tb{2, 3, 4, 8};
  std::vector<double> a{10, 20, 40, 70}, b{200, 300, 400, 800};
};

template <class Real>
void check_rows(const hm::aligned_series<Real>& got, const std::vector<std::int64_t>& time,
                const std::vector<double>& a, const std::vector<double>& b,
                const std::vector<std::int64_t>& age_a, const std::vector<std::int64_t>& age_b) {
  REQUIRE(got.time.size() == time.size());
  REQUIRE(got.values.size() == 2);
  for (std::size_t r = 0; r < time.size(); ++r) {
    CAPTURE(r);
    CHECK(got.time[r] == time[r]);
    CHECK(static_cast<double>(got.values[0][r]) == a[r]);
    CHECK(static_cast<double>(got.values[1][r]) == b[r]);
    CHECK(got.age[0][r] == age_a[r]);
    CHECK(got.age[1][r] == age_b[r]);
  }
  CHECK(got.report.rows == time.size());
}

}  // namespace

TEST_CASE_TEMPLATE("align: the hand-worked pair under every policy", T, double, float, long double, int) {
  const hand_pair p;
  const std::vector<T> a(p.a.begin(), p.a.end()), b(p.b.begin(), p.b.end());
  hm::align_options o;

  SUBCASE("inner: the common timestamps 2 and 4") {
    o.policy = hm::join_policy::inner;
    const auto r = hm::align(p.ta, a, p.tb, b, o, "A", "B");
    check_rows(r, {2, 4}, {20, 40}, {200, 400}, {0, 0}, {0, 0});
    CHECK(r.report.dropped_not_in_all == 4);  // A's 1 and 7, B's 3 and 8
    CHECK(r.report.candidate_rows == 6);
    CHECK(r.report.series[0].name == "A");
    CHECK(r.report.series[1].used == 2);
  }
  SUBCASE("union_as_of: every timestamp of either; 1 has no B yet") {
    const auto r = hm::align(p.ta, a, p.tb, b, o, "A", "B");
    check_rows(r, {2, 3, 4, 7, 8}, {20, 20, 40, 70, 70}, {200, 300, 400, 400, 800}, {0, 1, 0, 0, 1},
               {0, 0, 0, 3, 0});
    const auto& rep = r.report;
    CHECK(rep.candidate_rows == 6);
    CHECK(rep.dropped_no_earlier_value == 1);
    CHECK(rep.dropped_stale == 0);
    CHECK(rep.series[1].no_earlier_value == 1);
    CHECK(rep.series[0].no_earlier_value == 0);
    CHECK(rep.series[0].filled == 2);
    CHECK(rep.series[1].filled == 1);
    CHECK(rep.series[0].max_age == 1);
    CHECK(rep.series[1].max_age == 3);
    CHECK(rep.series[0].mean_age == doctest::Approx(0.4).epsilon(1e-15));
    CHECK(rep.series[1].mean_age == doctest::Approx(0.6).epsilon(1e-15));
    CHECK(rep.series[0].used == 3);  // 10 (at 1) is never used: its row was dropped
    CHECK(rep.series[1].used == 4);
    CHECK(rep.series[0].observations == 4);
  }
  SUBCASE("union_as_of with max_staleness 2: the row at 7 (B 3 old) is dropped as stale") {
    o.max_staleness = 2;
    const auto r = hm::align(p.ta, a, p.tb, b, o);
    check_rows(r, {2, 3, 4, 8}, {20, 20, 40, 70}, {200, 300, 400, 800}, {0, 1, 0, 1}, {0, 0, 0, 0});
    CHECK(r.report.dropped_stale == 1);
    CHECK(r.report.series[1].stale == 1);
    CHECK(r.report.series[0].stale == 0);
    CHECK(r.report.candidate_rows == r.report.rows + r.report.dropped_stale +
                                         r.report.dropped_no_earlier_value + r.report.dropped_not_in_all);
  }
  SUBCASE("as_of on A (merge_asof backward) and on B") {
    o.policy = hm::join_policy::as_of;
    const auto r = hm::align(p.ta, a, p.tb, b, o);
    check_rows(r, {2, 4, 7}, {20, 40, 70}, {200, 400, 400}, {0, 0, 0}, {0, 0, 3});
    CHECK(r.report.dropped_no_earlier_value == 1);
    o.anchor = 1;
    const auto q = hm::align(p.ta, a, p.tb, b, o);
    check_rows(q, {2, 3, 4, 8}, {20, 20, 40, 70}, {200, 300, 400, 800}, {0, 1, 0, 1}, {0, 0, 0, 0});
  }
  SUBCASE("calendar_grid: 1, 3, 5, 7 (step 2, to the last timestamp 8)") {
    o.policy = hm::join_policy::calendar_grid;
    o.grid_step = 2;
    const auto r = hm::align(p.ta, a, p.tb, b, o);
    check_rows(r, {3, 5, 7}, {20, 40, 70}, {300, 400, 400}, {1, 1, 0}, {0, 1, 3});
    CHECK(r.report.candidate_rows == 4);
    CHECK(r.report.dropped_no_earlier_value == 1);
    o.grid_start = 4;
    o.grid_end = 6;
    const auto q = hm::align(p.ta, a, p.tb, b, o);
    check_rows(q, {4, 6}, {40, 40}, {400, 400}, {0, 2}, {0, 2});
  }
}

TEST_CASE("align: a business-day grid skips weekends, and holidays are filled with their age") {
  // Brent and WTI around a US holiday (Monday 2023-01-16, Martin Luther King Day): WTI does not print.
  const auto d = [](const char* s) { return hm::parse_date(s); };
  const std::vector<std::int64_t> brent_t{d("2023-01-13"), d("2023-01-16"), d("2023-01-17")};
  const std::vector<std::int64_t> wti_t{d("2023-01-13"), d("2023-01-17")};
  const std::vector<double> brent{85.28, 84.46, 86.21}, wti{79.86, 80.18};
  hm::align_options o;
  o.policy = hm::join_policy::calendar_grid;
  o.weekdays_only = true;
  const auto r = hm::align(brent_t, brent, wti_t, wti, o, "brent", "wti");
  check_rows(r, {d("2023-01-13"), d("2023-01-16"), d("2023-01-17")}, {85.28, 84.46, 86.21},
             {79.86, 79.86, 80.18}, {0, 0, 0}, {0, 3, 0});
  CHECK(r.report.candidate_rows == 3);  // Saturday and Sunday are not grid points
  CHECK(r.report.series[1].filled == 1);
  o.max_staleness = 2;  // a value 3 days old is too old: the holiday row goes
  const auto q = hm::align(brent_t, brent, wti_t, wti, o, "brent", "wti");
  CHECK(q.report.rows == 2);
  CHECK(q.report.dropped_stale == 1);
  CHECK(q.report.series[1].stale == 1);
}

TEST_CASE("align: non-finite values are omitted (counted), propagated or raised") {
  const hand_pair p;
  std::vector<double> a = p.a;
  a[2] = std::numeric_limits<double>::quiet_NaN();  // A at time 4 is missing ("." in a FRED file)
  hm::align_options o;
  o.policy = hm::join_policy::as_of;
  o.anchor = 1;
  const auto omit = hm::align(p.ta, a, p.tb, p.b, o);
  check_rows(omit, {2, 3, 4, 8}, {20, 20, 20, 70}, {200, 300, 400, 800}, {0, 1, 2, 1}, {0, 0, 0, 0});
  CHECK(omit.report.series[0].non_finite == 1);
  o.missing = hm::missing_data::propagate;
  const auto kept = hm::align(p.ta, a, p.tb, p.b, o);
  REQUIRE(kept.time.size() == 4);
  CHECK(std::isnan(kept.values[0][2]));
  CHECK(kept.age[0][2] == 0);
  CHECK(kept.report.series[0].non_finite == 0);
  o.missing = hm::missing_data::raise;
  check_throws_containing<std::domain_error>(
      [&] { (void)hm::align(p.ta, a, p.tb, p.b, o, "brent.csv", "wti.csv"); },
      {"series 0 ('brent.csv')", "index 2", "timestamp 4", "nan"});
}

namespace {

// A brute-force as-of join: binary search for each row's last observation, independently of the merge.
struct brute_row {
  std::int64_t time;
  std::vector<double> value;
  std::vector<std::int64_t> age;
};

std::vector<brute_row> brute_as_of(const std::vector<std::vector<std::int64_t>>& t,
                                   const std::vector<std::vector<double>>& v,
                                   const std::vector<std::int64_t>& rows, std::int64_t max_staleness,
                                   std::size_t& no_earlier, std::size_t& stale,
                                   std::vector<std::size_t>& series_no_earlier,
                                   std::vector<std::size_t>& series_stale) {
  std::vector<brute_row> out;
  no_earlier = stale = 0;
  series_no_earlier.assign(t.size(), 0);
  series_stale.assign(t.size(), 0);
  for (const std::int64_t time : rows) {
    brute_row row{time, {}, {}};
    bool missing = false, too_old = false;
    for (std::size_t j = 0; j < t.size(); ++j) {
      const auto it = std::upper_bound(t[j].begin(), t[j].end(), time);
      if (it == t[j].begin()) {
        missing = true;
        ++series_no_earlier[j];
        continue;
      }
      const auto i = static_cast<std::size_t>(it - t[j].begin()) - 1;
      row.value.push_back(v[j][i]);
      row.age.push_back(time - t[j][i]);
      if (time - t[j][i] > max_staleness) {
        too_old = true;
        ++series_stale[j];
      }
    }
    if (missing) {
      ++no_earlier;
    } else if (too_old) {
      ++stale;
    } else {
      out.push_back(row);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("align: two and three random series against a brute-force join by binary search, every policy") {
  // Two series take loops of their own (as_of_two, union_two); three take the general k-way merge.
  hm_test::random_source rng(20261203);
  for (int trial = 0; trial < 40; ++trial) {
    const std::size_t k = trial % 2 == 0 ? 3 : 2;
    std::vector<std::vector<std::int64_t>> t(k);
    std::vector<std::vector<double>> v(k);
    std::vector<hm::timed_series_view<double>> views;
    for (std::size_t j = 0; j < k; ++j) {
      std::int64_t time = rng.integer(0, 20);
      const long n = rng.integer(0, 300);
      for (long i = 0; i < n; ++i) {
        t[j].push_back(time);
        v[j].push_back(rng.symmetric());
        time += rng.integer(1, 3 + static_cast<long>(j) * 4);
      }
    }
    for (std::size_t j = 0; j < k; ++j)
      views.push_back({t[j].data(), v[j].data(), t[j].size(), std::string(1, 's').append(std::to_string(j))});
    const std::int64_t staleness = rng.integer(1, 12);
    for (const auto policy :
         {hm::join_policy::as_of, hm::join_policy::union_as_of, hm::join_policy::calendar_grid}) {
      hm::align_options o;
      o.policy = policy;
      o.max_staleness = staleness;
      o.anchor = static_cast<std::size_t>(rng.integer(0, static_cast<long>(k) - 1));
      o.grid_step = rng.integer(1, 5);
      std::vector<std::int64_t> rows;
      if (policy == hm::join_policy::as_of) {
        rows = t[o.anchor];
      } else if (policy == hm::join_policy::union_as_of) {
        for (const auto& tj : t) rows.insert(rows.end(), tj.begin(), tj.end());
        std::sort(rows.begin(), rows.end());
        rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
      } else if (!std::all_of(t.begin(), t.end(), [](const auto& tj) { return tj.empty(); })) {
        std::int64_t lo = std::numeric_limits<std::int64_t>::max(),
                     hi = std::numeric_limits<std::int64_t>::min();
        for (const auto& tj : t) {
          if (tj.empty()) continue;
          lo = std::min(lo, tj.front());
          hi = std::max(hi, tj.back());
        }
        for (std::int64_t g = lo; g <= hi; g += o.grid_step) rows.push_back(g);
      }
      std::size_t no_earlier = 0, stale = 0;
      std::vector<std::size_t> series_no_earlier, series_stale;
      const auto expected =
          brute_as_of(t, v, rows, staleness, no_earlier, stale, series_no_earlier, series_stale);
      const auto got = hm::align(views, o);
      CAPTURE(trial);
      CAPTURE(static_cast<int>(policy));
      REQUIRE(got.time.size() == expected.size());
      CHECK(got.report.candidate_rows == rows.size());
      CHECK(got.report.dropped_no_earlier_value == no_earlier);
      CHECK(got.report.dropped_stale == stale);
      std::size_t mismatches = 0;
      for (std::size_t r = 0; r < expected.size(); ++r) {
        if (got.time[r] != expected[r].time) ++mismatches;
        for (std::size_t j = 0; j < k; ++j) {
          if (got.values[j][r] != expected[r].value[j] || got.age[j][r] != expected[r].age[j]) ++mismatches;
        }
      }
      CHECK(mismatches == 0);
      // Each series' counts, from the brute-force rows.
      for (std::size_t j = 0; j < k; ++j) {
        std::size_t filled = 0, used = 0;
        std::int64_t max_age = 0;
        double age_sum = 0;
        for (std::size_t r = 0; r < expected.size(); ++r) {
          const std::int64_t age = expected[r].age[j];
          filled += age > 0 ? 1U : 0U;
          max_age = std::max(max_age, age);
          age_sum += static_cast<double>(age);
          used += r == 0 || expected[r].time - age != expected[r - 1].time - expected[r - 1].age[j] ? 1U : 0U;
        }
        CAPTURE(j);
        const auto& sj = got.report.series[j];
        CHECK(sj.no_earlier_value == series_no_earlier[j]);
        CHECK(sj.stale == series_stale[j]);
        CHECK(sj.filled == filled);
        CHECK(sj.used == used);
        CHECK(sj.max_age == max_age);
        if (!expected.empty()) CHECK(sj.mean_age == age_sum / static_cast<double>(expected.size()));
      }
    }
    // inner: the timestamps in all series, by set intersection.
    std::vector<std::int64_t> common = t[0], tmp;
    for (std::size_t j = 1; j < k; ++j) {
      tmp.clear();
      std::set_intersection(common.begin(), common.end(), t[j].begin(), t[j].end(), std::back_inserter(tmp));
      common = tmp;
    }
    hm::align_options o;
    o.policy = hm::join_policy::inner;
    const auto got = hm::align(views, o);
    CHECK(got.time == common);
    std::size_t total = 0;
    for (const auto& tj : t) total += tj.size();
    CHECK(got.report.dropped_not_in_all == total - k * common.size());
  }
}

TEST_CASE(
    "align: two series as of the anchor, checked as the join reads them: every defect found, wherever") {
  // The two-series as-of join checks its input a block at a time while it joins (as_of_two); a defect
  // in any block, before the other series' first tick or after the last one used must still be found:
  // the non-finite values dropped (omit), and disorder reported with its index, as the full checks do.
  hm_test::random_source rng(20261204);
  const std::size_t n = 2000;
  std::vector<std::int64_t> ta(n), tb(n);
  std::vector<double> a(n), b(n);
  std::int64_t x = 0, y = 300;  // b starts later (rows with no earlier value) and ends later (a tail)
  for (std::size_t i = 0; i < n; ++i) {
    ta[i] = x += rng.integer(1, 3);  // a ends near 4000, b near 5300: b's last 500 or so are never used
    tb[i] = y += rng.integer(1, 4);
    a[i] = rng.symmetric();
    b[i] = rng.symmetric();
  }
  hm::align_options o;
  o.policy = hm::join_policy::as_of;
  o.max_staleness = 3;
  for (const std::size_t at : {std::size_t{5}, std::size_t{700}, std::size_t{1999}}) {
    for (const std::size_t which : {std::size_t{0}, std::size_t{1}}) {
      CAPTURE(at);
      CAPTURE(which);
      std::vector<std::vector<std::int64_t>> t{ta, tb};
      std::vector<std::vector<double>> v{a, b};
      v[which][at] = std::numeric_limits<double>::quiet_NaN();
      // omit: as if the observation were not there.
      std::vector<std::vector<std::int64_t>> t_clean = t;
      std::vector<std::vector<double>> v_clean = v;
      t_clean[which].erase(t_clean[which].begin() + static_cast<std::ptrdiff_t>(at));
      v_clean[which].erase(v_clean[which].begin() + static_cast<std::ptrdiff_t>(at));
      std::size_t no_earlier = 0, stale = 0;
      std::vector<std::size_t> series_no_earlier, series_stale;
      const auto expected =
          brute_as_of(t_clean, v_clean, t_clean[0], 3, no_earlier, stale, series_no_earlier, series_stale);
      const auto got = hm::align(t[0], v[0], t[1], v[1], o);
      REQUIRE(got.time.size() == expected.size());
      std::size_t mismatches = 0;
      for (std::size_t r = 0; r < expected.size(); ++r) {
        mismatches += got.time[r] != expected[r].time || got.values[0][r] != expected[r].value[0] ||
                              got.values[1][r] != expected[r].value[1] || got.age[1][r] != expected[r].age[1]
                          ? 1U
                          : 0U;
      }
      CHECK(mismatches == 0);
      CHECK(got.report.series[which].non_finite == 1);
      CHECK(got.report.dropped_no_earlier_value == no_earlier);
      CHECK(got.report.dropped_stale == stale);
      // raise: the message names the value.
      o.missing = hm::missing_data::raise;
      check_throws_containing<std::domain_error>(
          [&] { (void)hm::align(t[0], v[0], t[1], v[1], o); },
          {"series " + std::to_string(which), "index " + std::to_string(at)});
      o.missing = hm::missing_data::omit;
      // A timestamp out of order at the same place.
      t = {ta, tb};
      v = {a, b};
      t[which][at] = t[which][at - 1];
      check_throws_containing<std::invalid_argument>(
          [&] { (void)hm::align(t[0], v[0], t[1], v[1], o); },
          {"series " + std::to_string(which), "index " + std::to_string(at), "duplicate"});
    }
  }
}

TEST_CASE("align: timestamps at both ends of the int64 range (an age beyond INT64_MAX is stale, not fresh)") {
  const std::int64_t low = std::numeric_limits<std::int64_t>::min() + 1;
  const std::int64_t high = std::numeric_limits<std::int64_t>::max() - 1;
  const std::vector<std::int64_t> ta{low, 0, high}, tb{low}, tc{low, high};
  const std::vector<double> a{1, 2, 3}, b{10}, c{100, 200};
  for (const auto policy : {hm::join_policy::as_of, hm::join_policy::union_as_of}) {
    hm::align_options o;
    o.policy = policy;
    o.max_staleness = std::numeric_limits<std::int64_t>::max() / 2;  // 2^62: 0 − low is older
    CAPTURE(static_cast<int>(policy));
    // Two series: only the row at `low` is fresh; 0 − low and high − low are beyond the limit.
    const auto two = hm::align(ta, a, tb, b, o);
    CHECK(two.time == std::vector<std::int64_t>{low});
    CHECK(two.report.dropped_stale == 2);
    CHECK(two.report.series[1].stale == 2);
    // Three series (the general merge): the same rows.
    const std::vector<hm::timed_series_view<double>> views{
        {ta.data(), a.data(), 3, "a"}, {tb.data(), b.data(), 1, "b"}, {tc.data(), c.data(), 2, "c"}};
    const auto three = hm::align(views, o);
    CHECK(three.time == std::vector<std::int64_t>{low});
    CHECK(three.report.dropped_stale == 2);
    CHECK(three.report.series[1].stale == 2);
    CHECK(three.report.series[2].stale == 1);  // at 0 only: c ticks again at `high`
  }
}

TEST_CASE("align: empty series and a single series") {
  const std::vector<std::int64_t> none;
  const std::vector<double> empty;
  const hand_pair p;
  const auto r = hm::align(p.ta, p.a, none, empty);
  CHECK(r.time.empty());
  CHECK(r.report.dropped_no_earlier_value == 4);
  hm::align_options o;
  o.policy = hm::join_policy::calendar_grid;
  const auto g = hm::align(none, empty, none, empty, o);
  CHECK(g.time.empty());
  CHECK(g.report.candidate_rows == 0);
  std::vector<hm::timed_series_view<double>> one{{p.ta.data(), p.a.data(), p.ta.size(), "A"}};
  const auto s = hm::align(one);
  CHECK(s.time == p.ta);
}

TEST_CASE("align: every bad input names the series, index and value") {
  using E = std::invalid_argument;
  const hand_pair p;
  const auto dup = times({1, 2, 2, 7});
  const auto back = times({1, 5, 4, 7});
  check_throws_containing<E>(
      [&] { (void)hm::align(p.ta, p.a, dup, p.b, {}, "brent.csv", "wti.csv"); },
      {"hedgemetrics::align", "series 1 ('wti.csv')", "index 2", "(2)", "duplicate", "strictly increasing"});
  check_throws_containing<E>([&] { (void)hm::align(back, p.a, p.tb, p.b, {}, "brent.csv", "wti.csv"); },
                             {"series 0 ('brent.csv')", "index 2", "(4)", "before", "index 1 (5)"});
  for (const std::int64_t limit : {std::int64_t{0}, std::int64_t{-5}}) {
    hm::align_options o;
    o.max_staleness = limit;
    check_throws_containing<E>([&] { (void)hm::align(p.ta, p.a, p.tb, p.b, o); },
                               {"max_staleness is " + std::to_string(limit), "> 0"});
  }
  hm::align_options grid;
  grid.policy = hm::join_policy::calendar_grid;
  grid.grid_step = 0;
  check_throws_containing<E>([&] { (void)hm::align(p.ta, p.a, p.tb, p.b, grid); }, {"grid_step is 0"});
  hm::align_options anchor;
  anchor.policy = hm::join_policy::as_of;
  anchor.anchor = 2;
  check_throws_containing<E>([&] { (void)hm::align(p.ta, p.a, p.tb, p.b, anchor); },
                             {"anchor is 2", "only 2 series"});
  const std::vector<double> three{1, 2, 3};
  check_throws_containing<E>([&] { (void)hm::align(p.ta, three, p.tb, p.b); },
                             {"exposure_time", "has 4 values", "exposure has 3"});
  check_throws_containing<E>([&] { (void)hm::align(std::vector<hm::timed_series_view<double>>{}); },
                             {"no series"});
  std::vector<hm::timed_series_view<double>> null_view{{nullptr, nullptr, 3, "raw"}};
  check_throws_containing<E>([&] { (void)hm::align(null_view); }, {"series 0 ('raw')", "null pointer"});
}

TEST_CASE(
    "align: the checks and age sums give the same answers on every instruction set (AVX2 or word pairs)") {
  // The two-series as-of join checks its input and sums the ages in AVX2 where the CPU has it: a defect in
  // every lane position is found, and ages whose sum passes 2^64 are summed exactly, on each path.
  const hm::instruction_set before = hm::active_instruction_set();
  for (const auto set : {hm::instruction_set::sse2, hm::instruction_set::avx2, hm::instruction_set::avx512,
                         hm::instruction_set::portable}) {
    if (!hm::instruction_set_supported(set)) continue;
    hm::use_instruction_set(set);
    CAPTURE(hm::instruction_set_name(set));
    // 300 rows whose ages are 2^63 − 1000 + i: their sum, about 2.8e21, passes 2^64.
    const std::int64_t first = -(std::int64_t{1} << 62), start = (std::int64_t{1} << 62) - 1000;
    std::vector<std::int64_t> ta(300), tb{first};
    std::vector<double> a(300, 1.0), b{2.0};
    for (std::size_t i = 0; i < ta.size(); ++i) ta[i] = start + static_cast<std::int64_t>(i);
    hm::align_options o;
    o.policy = hm::join_policy::as_of;
    const auto far = hm::align(ta, a, tb, b, o);
    const hm::series_alignment& old = far.report.series[1];
    CHECK(far.report.rows == 300);
    CHECK(old.max_age == start - first + 299);
    CHECK(old.filled == 300);
    CHECK(old.used == 1);
    const double expected_mean = static_cast<double>(start - first) + 149.5;  // (2^63 − 1000) + 149.5
    CHECK(std::abs(old.mean_age - expected_mean) <= 1e-15 * expected_mean);
    // A defect at every position of 64 ticks: each lane of each 4- or 8-word step.
    std::vector<std::int64_t> tc(64), td(64);
    std::vector<double> c(64, 1.0), d(64, 2.0);
    for (std::size_t i = 0; i < 64; ++i) {
      tc[i] = 10 + 2 * static_cast<std::int64_t>(i);
      td[i] = 9 + 2 * static_cast<std::int64_t>(i);
    }
    for (std::size_t at = 1; at < 64; ++at) {
      CAPTURE(at);
      hm::align_options q;
      q.policy = hm::join_policy::as_of;
      std::vector<std::int64_t> bad = tc;
      bad[at] = bad[at - 1];
      check_throws_containing<std::invalid_argument>(
          [&] { (void)hm::align(bad, c, td, d, q); },
          {"series 0", "index " + std::to_string(at), "duplicate"});
      bad = td;
      bad[at] = bad[at - 1] - 1;
      check_throws_containing<std::invalid_argument>([&] { (void)hm::align(tc, c, bad, d, q); },
                                                     {"series 1", "index " + std::to_string(at), "before"});
      std::vector<double> missing = d;
      missing[at] = std::numeric_limits<double>::infinity();
      const auto omitted = hm::align(tc, c, td, missing, q);  // omit: as if d had not ticked at `at`
      CHECK(omitted.report.series[1].non_finite == 1);
      CHECK(omitted.report.rows == 64);
      CHECK(omitted.report.series[1].used == 63);  // every other tick of d is some row's last value
      q.missing = hm::missing_data::raise;
      missing = c;
      missing[at] = -std::numeric_limits<double>::infinity();
      check_throws_containing<std::domain_error>([&] { (void)hm::align(tc, missing, td, d, q); },
                                                 {"series 0", "index " + std::to_string(at)});
    }
  }
  hm::use_instruction_set(before);
}
