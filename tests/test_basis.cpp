// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/basis.hpp>: basis_risk on price levels, b_t = spot_t − ratio·futures_t.
// Independent answers: exact rational arithmetic on the same inputs (GMP) with b_t formed exactly;
// a hand-computed example; real WTI prices; invariants; bad input.
#include <hedgemetrics/basis.hpp>

#include <doctest/doctest.h>

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <iostream>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>
#if __cplusplus >= 202002L && __has_include(<span>)
#include <span>
#endif

#include "support/check.hpp"
#include "support/data.hpp"
#include "support/exact.hpp"
#include "support/generate.hpp"

namespace hm = hedgemetrics;
namespace ex = hm_test::exact;
using hm_test::check_close;
using hm_test::check_nan;
using hm_test::magnitude;
using hm_test::show;

namespace {

using hm_test::figure_tolerance;    // issue 2: every figure within 1e-11 of exact arithmetic
using hm_test::residual_tolerance;  // issue 2: near-perfect hedges

/// Absolute allowances for the basis variances (see hm_test::residual_floor): the variance of
/// b = S − h·F is SSR + (h − h*)²·S_FF over n − 1, and h* is known only to a rounding; this matters only
/// when the exact variance is itself of the size of that rounding (n = 2, h within ulps of h*).
struct floors {
  double variance = 0.0;
  double change_variance = 0.0;
};

/// The exact answers a test needs for one pair of level series: the series as scaled integers and the
/// regressions of levels and of changes (for the floors).
struct exact_levels {
  ex::scaled_series spot, futures;
  ex::fit levels, changes;

  template <class TS, class TF>
  exact_levels(const TS* s, const TF* f, std::size_t n) : spot(ex::scale(s, n)), futures(ex::scale(f, n)) {
    levels = ex::fit_hedge(spot, futures);
    if (n >= 3) changes = ex::fit_hedge(ex::differences(spot), ex::differences(futures));
  }

  [[nodiscard]] ex::basis basis(double ratio) const {
    return ex::basis_risk(spot, futures, ex::to_dyadic(ratio));
  }
  [[nodiscard]] ex::basis basis(long double ratio) const {
    return ex::basis_risk(spot, futures, ex::to_dyadic(ratio));
  }

  template <class Real>
  [[nodiscard]] floors floors_at(double ratio) const {
    floors out;
    if (levels.ratio) {
      out.variance =
          hm_test::residual_floor<Real>(ratio, levels.ratio->get_d(), levels.hedge_variance->get_d());
    }
    if (changes.ratio) {
      out.change_variance =
          hm_test::residual_floor<Real>(ratio, changes.ratio->get_d(), changes.hedge_variance->get_d());
    }
    return out;
  }
};

template <class Real>
void check_basis(const std::string& label, const hm::basis_stats<Real>& got, const ex::basis& want,
                 double tol, const floors& floor = {}) {
  CHECK_MESSAGE(got.n == want.n, label << ": n is " << got.n << ", expected " << want.n);
  const double level = 1.0 + magnitude(want.mean) + std::sqrt(magnitude(want.variance));
  check_close(label + ": mean", got.mean, want.mean, tol, level);
  check_close(label + ": variance", got.variance, want.variance, tol, level * level, floor.variance);
  check_close(label + ": stddev", got.stddev, want.stddev, tol, level, std::sqrt(floor.variance));
  check_close(label + ": change_variance", got.change_variance, want.change_variance, tol, level * level,
              floor.change_variance);
  check_close(label + ": change_stddev", got.change_stddev, want.change_stddev, tol, level,
              std::sqrt(floor.change_variance));
  check_close(label + ": min", got.min, want.min, tol, level);
  check_close(label + ": max", got.max, want.max, tol, level);
  check_close(label + ": last", got.last, want.last, tol, level);
}

template <class Real>
void check_all_nan(const std::string& label, const hm::basis_stats<Real>& got) {
  check_nan(label + ": mean", got.mean);
  check_nan(label + ": variance", got.variance);
  check_nan(label + ": stddev", got.stddev);
  check_nan(label + ": change_variance", got.change_variance);
  check_nan(label + ": change_stddev", got.change_stddev);
  check_nan(label + ": min", got.min);
  check_nan(label + ": max", got.max);
  check_nan(label + ": last", got.last);
}

template <class Real>
void check_identical(const std::string& label, const hm::basis_stats<Real>& got,
                     const hm::basis_stats<Real>& want) {
  auto same = [](Real a, Real b) { return a == b || (std::isnan(a) && std::isnan(b)); };
  CHECK_MESSAGE(got.n == want.n, label);
  CHECK_MESSAGE(same(got.ratio, want.ratio), label << ": ratio");
  CHECK_MESSAGE(same(got.mean, want.mean), label << ": mean " << show(got.mean) << " vs " << show(want.mean));
  CHECK_MESSAGE(same(got.variance, want.variance), label << ": variance");
  CHECK_MESSAGE(same(got.stddev, want.stddev), label << ": stddev");
  CHECK_MESSAGE(same(got.change_variance, want.change_variance), label << ": change_variance");
  CHECK_MESSAGE(same(got.change_stddev, want.change_stddev), label << ": change_stddev");
  CHECK_MESSAGE(same(got.min, want.min), label << ": min");
  CHECK_MESSAGE(same(got.max, want.max), label << ": max");
  CHECK_MESSAGE(same(got.last, want.last), label << ": last");
}

/// Price levels: random walks near 1e9 (1e5 for float), the spot following 0.8 of the futures' moves.
template <class T>
hm_test::pair_series<T> walking_levels(std::size_t n, std::uint64_t seed) {
  hm_test::random_source rng(seed);
  const long double base = hm_test::large_level<T>();
  const long double unit = std::is_integral_v<T> ? 10.0L : 1.0L;
  hm_test::pair_series<T> p{"random-walk levels near " + show(base), {}, {}};
  long double walk = 0.0L;
  long double spread = 0.0L;
  for (std::size_t i = 0; i < n; ++i) {
    walk += unit * static_cast<long double>(rng.symmetric());
    spread += 0.1L * unit * static_cast<long double>(rng.symmetric());
    p.hedge.push_back(hm_test::to_element<T>(base + walk));
    p.exposure.push_back(hm_test::to_element<T>(base + 0.8L * walk + spread));
  }
  return p;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Accuracy against exact rational arithmetic
// ---------------------------------------------------------------------------------------------------

TEST_CASE_TEMPLATE(
    "basis_risk: every figure within 1e-11 of exact arithmetic on hard levels, at every block size", T,
    double, float, int, long double) {
  using Real = hm::result_t<std::vector<T>>;
  for (const std::size_t n : hm_test::block_sizes()) {
    auto families = hm_test::hard_families<T>(n, 0xba515 + n);
    families.push_back(walking_levels<T>(n, 0xba516 + n));
    for (const auto& p : families) {
      const std::string label =
          std::string(hm_test::type_name<T>()) + ", " + p.name + ", n = " + std::to_string(n);
      const exact_levels exact(p.exposure.data(), p.hedge.data(), n);
      const auto hull = hm::basis_risk(p.exposure, p.hedge);
      static_assert(std::is_same_v<std::remove_const_t<decltype(hull)>, hm::basis_stats<Real>>);
      CHECK(hull.ratio == Real(1));
      check_basis(label + ", ratio 1", hull, exact.basis(Real(1)), figure_tolerance,
                  exact.floors_at<Real>(1.0));
      check_identical(label + ", ratio 1 given explicitly", hm::basis_risk(p.exposure, p.hedge, Real(1)),
                      hull);

      std::vector<Real> ratios{Real(0.75), Real(-0.5)};
      if (exact.levels.ratio)
        ratios.push_back(ex::to_real<Real>(*exact.levels.ratio));  // minimum-variance basis
      for (const Real r : ratios) {
        const auto b = hm::basis_risk(p.exposure, p.hedge, r);
        CHECK(b.ratio == r);
        check_basis(label + ", ratio " + show(r), b, exact.basis(r), figure_tolerance,
                    exact.floors_at<Real>(static_cast<double>(r)));
      }
    }
  }
}

TEST_CASE_TEMPLATE("basis_risk: a near-perfect hedge keeps its small basis to 1e-8", T, double, float, int,
                   long double) {
  using Real = hm::result_t<std::vector<T>>;
  for (const std::size_t n : {std::size_t{3}, std::size_t{1000}, std::size_t{1025}, std::size_t{100000}}) {
    const auto p = hm_test::near_perfect<T>(n, 0x5ca1ab1e + n);
    const std::string label =
        std::string(hm_test::type_name<T>()) + ", " + p.name + ", n = " + std::to_string(n);
    const exact_levels exact(p.exposure.data(), p.hedge.data(), n);
    for (const Real r : {Real(2.5), ex::to_real<Real>(*exact.levels.ratio)}) {
      check_basis(label + ", ratio " + show(r), hm::basis_risk(p.exposure, p.hedge, r), exact.basis(r),
                  residual_tolerance, exact.floors_at<Real>(static_cast<double>(r)));
    }
  }
}

TEST_CASE("basis_risk: a basis constant to the prices' last digits keeps its variance (fuzz finding)") {
  // 0.041 − (−0.044) and 0.084 − (−0.001) are both 0.085 to 17 digits: the exact basis values differ by
  // about 6e-18 and their variance is 1.8e-35, while S_SS and S_FF are near 1e-3. Rounded b_t, or
  // SSR + (1 − h*)²·S_FF, give that figure with no correct digit (4.6e-35 before the fix); the exact pass
  // over b_t = hi + lo keeps it. Also at a ratio other than 1, and with the pair shifted by 1e3.
  const std::vector<double> spot{0.041000000000000002, 0.084000000000000005};
  const std::vector<double> futures{-0.043999999999999997, -0.001};
  for (const double shift : {0.0, 1e3}) {
    std::vector<double> s = spot, f = futures;
    for (double& v : s) v += shift;
    for (double& v : f) v += shift;
    for (const double ratio : {1.0, 0.999999999999999889}) {
      const auto exact = ex::basis_risk(s.data(), f.data(), s.size(), ratio);
      const auto got = hm::basis_risk(s, f, ratio);
      INFO("shift " << shift << ", ratio " << ratio);
      REQUIRE(exact.variance);
      const long double want = ex::to_long_double(*exact.variance);
      CHECK(std::fabs(static_cast<long double>(got.variance) - want) <= 1e-12L * want);
    }
  }
}

TEST_CASE("basis_risk: a hand-computed example (Hull: basis = spot - futures)") {
  const std::vector<double> spot{10.0, 11.0, 13.0, 12.0};
  const std::vector<double> futures{9.5, 10.75, 12.25, 12.5};
  // b = {0.5, 0.25, 0.75, -0.5}; changes {-0.25, 0.5, -1.25}
  const auto b = hm::basis_risk(spot, futures);
  CHECK(b.n == 4);
  CHECK(b.ratio == 1.0);
  CHECK(b.mean == doctest::Approx(0.25).epsilon(1e-15));
  CHECK(b.variance == doctest::Approx(0.875 / 3.0).epsilon(1e-15));
  CHECK(b.stddev == doctest::Approx(std::sqrt(0.875 / 3.0)).epsilon(1e-15));
  CHECK(b.change_variance == doctest::Approx((1.0 / 144 + 100.0 / 144 + 121.0 / 144) / 2.0).epsilon(1e-15));
  CHECK(b.change_stddev == doctest::Approx(std::sqrt(b.change_variance)).epsilon(1e-15));
  CHECK(b.min == -0.5);
  CHECK(b.max == 0.75);
  CHECK(b.last == -0.5);
  // Half the futures: b = {5.25, 5.625, 6.875, 5.75}
  const auto h = hm::basis_risk(spot, futures, 0.5);
  CHECK(h.ratio == 0.5);
  CHECK(h.mean == doctest::Approx(5.875).epsilon(1e-15));
  CHECK(h.min == 5.25);
  CHECK(h.max == 6.875);
  CHECK(h.last == 5.75);
  check_basis("hand example, ratio 0.5", h, ex::basis_risk(spot.data(), futures.data(), 4, 0.5),
              figure_tolerance);
}

// ---------------------------------------------------------------------------------------------------
// Bad input, missing data
// ---------------------------------------------------------------------------------------------------

TEST_CASE("too few observations: NaN, no throw") {
  const std::vector<double> empty;
  hm::basis_stats<double> b{};
  CHECK_NOTHROW(b = hm::basis_risk(empty, empty));
  CHECK(b.n == 0);
  check_all_nan("n = 0", b);

  const auto one = hm::basis_risk(std::vector<double>{5.0}, std::vector<double>{4.5});
  CHECK(one.n == 1);
  CHECK(one.mean == 0.5);
  CHECK(one.min == 0.5);
  CHECK(one.max == 0.5);
  CHECK(one.last == 0.5);
  check_nan("n = 1: variance", one.variance);
  check_nan("n = 1: stddev", one.stddev);
  check_nan("n = 1: change_variance", one.change_variance);

  const auto two = hm::basis_risk(std::vector<double>{5.0, 6.0}, std::vector<double>{4.5, 5.0});
  CHECK(two.n == 2);
  CHECK(two.variance == doctest::Approx(0.125).epsilon(1e-15));  // b = {0.5, 1}
  check_nan("n = 2: change_variance", two.change_variance);      // one change: no variance
  check_nan("n = 2: change_stddev", two.change_stddev);
}

TEST_CASE("series of different lengths, a non-finite ratio: std::invalid_argument") {
  const std::vector<double> spot(1234, 1.0);
  const std::vector<double> futures(987, 1.0);
  for (int overload = 0; overload < 2; ++overload) {
    try {
      if (overload == 0) {
        (void)hm::basis_risk(spot, futures);
      } else {
        (void)hm::basis_risk(spot, futures, 0.9);
      }
      FAIL("basis_risk accepted series of lengths 1234 and 987");
    } catch (const std::invalid_argument& e) {
      const std::string message = e.what();
      CHECK_MESSAGE(message.find("1234") != std::string::npos, "message: " << message);
      CHECK_MESSAGE(message.find("987") != std::string::npos, "message: " << message);
    }
  }
  const std::vector<double> s{1.0, 2.0, 3.0};
  CHECK_THROWS_AS((void)hm::basis_risk(s, s, std::numeric_limits<double>::quiet_NaN()),
                  std::invalid_argument);
  CHECK_THROWS_AS((void)hm::basis_risk(s, s, std::numeric_limits<double>::infinity()), std::invalid_argument);
}

TEST_CASE_TEMPLATE("missing data: propagate, omit and raise at the first, a middle and the last position", T,
                   double, float, long double) {
  using Real = hm::result_t<std::vector<T>>;
  const std::size_t n = 2100;
  const auto clean = walking_levels<T>(n, 4243);
  const T specials[] = {std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity(),
                        -std::numeric_limits<T>::infinity()};
  for (const T bad : specials) {
    for (const std::size_t at :
         {std::size_t{0}, std::size_t{1023}, std::size_t{1024}, std::size_t{1500}, n - 1}) {
      for (const bool in_futures : {false, true}) {
        auto s = clean.exposure;
        auto f = clean.hedge;
        (in_futures ? f : s)[at] = bad;
        const std::string where =
            std::string(in_futures ? "futures" : "spot") + "[" + std::to_string(at) + "]";
        const std::string label = std::string(hm_test::type_name<T>()) + ", " + where + " = " + show(bad);
        for (const auto& b :
             {hm::basis_risk(s, f),
              hm::basis_risk(s, f, Real(0.8), hm::basis_options{hm::missing_data::propagate})}) {
          CHECK(b.n == n);
          check_all_nan(label + ", propagate", b);
        }
        // omit: the basis of the series without that observation; its changes bridge the gap.
        auto s_kept = s;
        auto f_kept = f;
        s_kept.erase(s_kept.begin() + static_cast<std::ptrdiff_t>(at));
        f_kept.erase(f_kept.begin() + static_cast<std::ptrdiff_t>(at));
        for (const Real r : {Real(1), Real(0.8)}) {
          const auto omitted = hm::basis_risk(s, f, r, hm::basis_options{hm::missing_data::omit});
          CHECK(omitted.n == n - 1);
          check_basis(label + ", omit, ratio " + show(r), omitted,
                      ex::basis_risk(s_kept.data(), f_kept.data(), n - 1, r), figure_tolerance);
        }
        CHECK(hm::basis_risk(s, f, hm::basis_options{hm::missing_data::omit}).n == n - 1);
        // raise: std::domain_error naming the series and the index.
        for (int overload = 0; overload < 2; ++overload) {
          try {
            if (overload == 0) {
              (void)hm::basis_risk(s, f, hm::basis_options{hm::missing_data::raise});
            } else {
              (void)hm::basis_risk(s, f, Real(0.8), hm::basis_options{hm::missing_data::raise});
            }
            FAIL(label << ": missing_data::raise did not throw");
          } catch (const std::domain_error& e) {
            const std::string message = e.what();
            CHECK_MESSAGE(message.find(where) != std::string::npos,
                          label << ": the message does not name " << where << ": " << message);
          }
        }
      }
    }
  }
}

TEST_CASE("missing data: omit bridges a run of gaps across blocks") {
  auto p = walking_levels<double>(5000, 8080);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = 1020; i < 1030; ++i) p.exposure[i] = nan;  // a run across the first block edge
  for (std::size_t i = 2040; i < 2100; ++i) p.hedge[i] = nan;     // a run across the second
  p.hedge[4999] = nan;
  std::vector<double> s, f;
  for (std::size_t i = 0; i < p.exposure.size(); ++i) {
    if (std::isfinite(p.exposure[i]) && std::isfinite(p.hedge[i])) {
      s.push_back(p.exposure[i]);
      f.push_back(p.hedge[i]);
    }
  }
  for (const double r : {1.0, 0.8}) {
    check_basis("runs of gaps, omit, ratio " + show(r),
                hm::basis_risk(p.exposure, p.hedge, r, hm::basis_options{hm::missing_data::omit}),
                ex::basis_risk(s.data(), f.data(), s.size(), r), figure_tolerance);
  }
}

// ---------------------------------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------------------------------

TEST_CASE("invariants: a common shift leaves the ratio-1 basis unchanged; reversal keeps the variances") {
  hm_test::random_source rng(2718);
  std::vector<double> s, f;
  for (int i = 0; i < 3000; ++i) {
    f.push_back(static_cast<double>(rng.integer(-8192, 8192)) / 128.0);
    s.push_back(f.back() + static_cast<double>(rng.integer(-512, 512)) / 128.0);
  }
  const auto base = hm::basis_risk(s, f);
  for (const double c : {1e9, -2048.0}) {
    std::vector<double> s2 = s, f2 = f;
    for (auto& v : s2) v += c;  // exact: multiples of 1/128 well inside 53 bits
    for (auto& v : f2) v += c;
    const auto shifted = hm::basis_risk(s2, f2);
    const std::string label = "common shift by " + show(c);
    hm_test::check_close_value(label + ": mean", shifted.mean, base.mean, 1e-13);
    hm_test::check_close_value(label + ": variance", shifted.variance, base.variance, 1e-13);
    hm_test::check_close_value(label + ": change_variance", shifted.change_variance, base.change_variance,
                               1e-13);
    CHECK(shifted.min == base.min);
    CHECK(shifted.max == base.max);
    CHECK(shifted.last == base.last);
  }
  std::vector<double> rs(s.rbegin(), s.rend()), rf(f.rbegin(), f.rend());
  const auto reversed = hm::basis_risk(rs, rf);
  hm_test::check_close_value("reversed: mean", reversed.mean, base.mean, 1e-13);
  hm_test::check_close_value("reversed: variance", reversed.variance, base.variance, 1e-13);
  hm_test::check_close_value("reversed: change_variance", reversed.change_variance, base.change_variance,
                             1e-13);
  CHECK(reversed.min == base.min);
  CHECK(reversed.max == base.max);
  CHECK(reversed.last == s.front() - f.front());
}

// ---------------------------------------------------------------------------------------------------
// Every input type
// ---------------------------------------------------------------------------------------------------

TEST_CASE("basis_risk accepts every contiguous series type and element type") {
  constexpr std::size_t n = 5;
  constexpr double spot[n] = {100.5, 101.25, 99.75, 102.0, 103.5};
  constexpr double futures[n] = {100.0, 101.0, 100.25, 101.5, 102.75};
  const std::vector<double> vs(spot, spot + n), vf(futures, futures + n);
  const auto want = hm::basis_risk(vs, vf, 0.9);
  check_basis("std::vector", want, ex::basis_risk(spot, futures, n, 0.9), figure_tolerance);
  std::array<double, n> as{}, af{};
  std::copy(spot, spot + n, as.begin());
  std::copy(futures, futures + n, af.begin());
  check_identical("std::array", hm::basis_risk(as, af, 0.9), want);
  check_identical("C array", hm::basis_risk(spot, futures, 0.9), want);
  check_identical("series_view", hm::basis_risk(hm::series_view(spot, n), hm::series_view(futures, n), 0.9),
                  want);
#if __cplusplus >= 202002L && __has_include(<span>)
  check_identical("std::span",
                  hm::basis_risk(std::span<const double>(spot), std::span<const double>(futures), 0.9), want);
#endif
  const Eigen::VectorXd es = Eigen::Map<const Eigen::VectorXd>(spot, n);
  const Eigen::VectorXd ef = Eigen::Map<const Eigen::VectorXd>(futures, n);
  check_identical("Eigen::VectorXd", hm::basis_risk(es, ef, 0.9), want);
  check_identical("Eigen::ArrayXd",
                  hm::basis_risk(Eigen::ArrayXd(es.array()), Eigen::ArrayXd(ef.array()), 0.9), want);
  check_identical("Eigen::Map", hm::basis_risk(Eigen::Map<const Eigen::VectorXd>(spot, n), ef, 0.9), want);
  Eigen::VectorXd padded(n + 1);
  padded << 7.0, ef;
  check_identical("Eigen segment", hm::basis_risk(es, padded.segment(1, n), 0.9), want);

  Eigen::MatrixXd m(2, n);
  m.row(0) = es.transpose();
  m.row(1) = ef.transpose();
  try {
    (void)hm::basis_risk(m.row(0), m.row(1));
    FAIL("rows of a column-major matrix were accepted");
  } catch (const std::invalid_argument& e) {
    CHECK_MESSAGE(std::string(e.what()).find("contiguous") != std::string::npos, "message: " << e.what());
  }

  const std::vector<int> is{100, 101, 99, 102, 103}, iff{100, 100, 101, 101, 102};
  static_assert(std::is_same_v<decltype(hm::basis_risk(is, iff)), hm::basis_stats<double>>);
  check_basis("int", hm::basis_risk(is, iff), ex::basis_risk(is.data(), iff.data(), n, 1.0),
              figure_tolerance);
  const std::vector<float> fs{100.5f, 101.3f, 99.7f, 102.1f, 103.5f};
  static_assert(std::is_same_v<decltype(hm::basis_risk(fs, vf)), hm::basis_stats<double>>);
  check_basis("float with double", hm::basis_risk(fs, vf, 0.9), ex::basis_risk(fs.data(), futures, n, 0.9),
              figure_tolerance);
  const std::vector<long double> ls{100.5L, 101.3L, 99.7L, 102.1L, 103.5L};
  static_assert(std::is_same_v<decltype(hm::basis_risk(ls, fs)), hm::basis_stats<long double>>);
  check_basis("long double with float", hm::basis_risk(ls, fs, 0.9L),
              ex::basis_risk(ls.data(), fs.data(), n, 0.9L), figure_tolerance);
}

// ---------------------------------------------------------------------------------------------------
// Real data: WTI spot vs the front-month future, levels
// ---------------------------------------------------------------------------------------------------

TEST_CASE("WTI spot vs CL1 levels (negative prices on 2020-04-20 included): exact to 1e-11") {
  const auto path = hm_test::data_file("market/derived/wti_spot_RWTC_vs_CL1_CL2_aligned.csv");
  if (!path) return;
  const auto table = hm_test::read_csv(*path);
  const auto spot = table.numbers("RWTC_spot_usd_bbl");
  const auto cl1 = table.numbers("RCLC1_usd_bbl");
  const auto cl2 = table.numbers("RCLC2_usd_bbl");
  REQUIRE(spot.size() > 9000);
  const auto b = hm::basis_risk(spot, cl1);
  check_basis("WTI spot - CL1", b, ex::basis_risk(spot.data(), cl1.data(), spot.size(), 1.0),
              figure_tolerance);
  // CL2 has one blank cell (2001-09-14): propagate gives NaN, omit bridges it.
  CHECK(std::isnan(hm::basis_risk(spot, cl2).variance));
  std::vector<double> s2, f2;
  for (std::size_t i = 0; i < spot.size(); ++i) {
    if (std::isfinite(cl2[i])) {
      s2.push_back(spot[i]);
      f2.push_back(cl2[i]);
    }
  }
  CHECK(s2.size() == spot.size() - 1);
  check_basis("WTI spot - CL2, omit", hm::basis_risk(spot, cl2, hm::basis_options{hm::missing_data::omit}),
              ex::basis_risk(s2.data(), f2.data(), s2.size(), 1.0), figure_tolerance);
  check_basis("WTI spot - 0.98 CL1", hm::basis_risk(spot, cl1, 0.98),
              ex::basis_risk(spot.data(), cl1.data(), spot.size(), 0.98), figure_tolerance);
  std::cout << "real data | WTI spot - CL1 basis | n " << b.n << " | mean " << show(b.mean) << " | sd "
            << show(b.stddev) << " | change sd " << show(b.change_stddev) << " | min " << show(b.min)
            << " | max " << show(b.max) << '\n';
}

TEST_CASE(
    "basis_risk: a basis spread far below the prices' scale keeps its digits (issue 10, a fuzz finding)") {
  // Spot 8.2e107 twice against futures 4.1e-111 and 1.13e-72: the basis moves by 1.13e-72, 180 orders below
  // the prices. Its deviations are squared at a scale of their own (squared at the prices' scale they
  // underflowed, and the variance came out 0). Exact: (f1 − f0)²/2 = 6.4066159755976007e-145 (rational
  // arithmetic, GMP, in fuzz_estimators' reference).
  const std::vector<double> spot{8.1968741124263195e+107, 8.1968741124263195e+107};
  const std::vector<double> futures{4.1226168625784191e-111, 1.1319554740004221e-72};
  const auto b = hm::basis_risk(spot, futures);
  CHECK(b.variance == doctest::Approx(6.406615975597600743e-145).epsilon(1e-12));
  CHECK(b.stddev == doctest::Approx(std::sqrt(6.406615975597600743e-145)).epsilon(1e-12));
  // Futures 2.26e-53 and 1.7e-77: at the prices' scale the spread's squares fell among the subnormals and
  // the variance was 1.2% off. Exact: 2.5576864670126296e-106.
  const auto c = hm::basis_risk(spot, std::vector<double>{2.2617190219002138e-53, 1.7272269805873591e-77});
  CHECK(c.variance == doctest::Approx(2.5576864670126296067e-106).epsilon(1e-12));
}

TEST_CASE("basis_options and the deprecated positional policy") {
  const std::vector<double> spot{10.0, 11.0, std::nan(""), 12.5, 12.0};
  const std::vector<double> futures{9.5, 10.0, 11.0, 12.0, 11.0};
  hm::basis_options omit;
  omit.missing = hm::missing_data::omit;
  const auto one = hm::basis_risk(spot, futures, omit);
  const auto half = hm::basis_risk(spot, futures, 0.5, omit);
  CHECK(one.n == 4);
  CHECK(one.mean == doctest::Approx(0.75).epsilon(1e-15));  // basis 0.5, 1.0, 0.5, 1.0
  CHECK(half.n == 4);
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
  CHECK(hm::basis_risk(spot, futures, hm::missing_data::omit).variance == one.variance);
  CHECK(hm::basis_risk(spot, futures, 0.5, hm::missing_data::omit).variance == half.variance);
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
}
