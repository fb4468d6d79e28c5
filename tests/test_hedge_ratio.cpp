// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/hedge_ratio.hpp>: fit_hedge, min_variance_hedge_ratio, hedge_effectiveness,
// residual_variance. Independent answers: exact rational arithmetic on the same inputs (GMP), NIST StRD
// Norris, Hull's Example 3.3, real WTI / jet fuel / Henry Hub prices; invariants; every input type; every
// bad input.
#include <hedgemetrics/hedge_ratio.hpp>

#include <doctest/doctest.h>

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iomanip>
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
#include "support/fit_check.hpp"
#include "support/generate.hpp"

namespace hm = hedgemetrics;
namespace ex = hm_test::exact;
using hm_test::check_all_nan;
using hm_test::check_close;
using hm_test::check_fit;
using hm_test::check_nan;
using hm_test::check_one_minus_effectiveness;
using hm_test::check_same_fit;
using hm_test::figure_tolerance;
using hm_test::figures;
using hm_test::magnitude;
using hm_test::residual_tolerance;
using hm_test::show;

namespace {

std::uint64_t seed_for(std::size_t n, std::uint64_t salt) {
  return 0x9e3779b97f4a7c15ULL ^ (n * 1000003ULL + salt);
}

/// Prints one row of the LRE table (ctest -V shows it) and returns nothing: the checks are separate.
void print_lre(const std::string& dataset, const std::string& figure, const std::string& certified,
               double computed, double ours, double exact) {
  std::cout << "LRE | " << std::left << std::setw(22) << dataset << " | " << std::setw(26) << figure << " | "
            << std::setw(22) << certified << " | " << std::setw(24) << std::setprecision(17) << computed
            << " | " << std::fixed << std::setprecision(2) << std::setw(5) << ours << " | " << std::setw(5)
            << exact << std::defaultfloat << '\n';
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Accuracy against exact rational arithmetic
// ---------------------------------------------------------------------------------------------------

TEST_CASE_TEMPLATE(
    "fit_hedge: every figure within 1e-11 of exact arithmetic on hard series, at every block size", T, double,
    float, int, long double) {
  using Real = hm::result_t<std::vector<T>>;
  static_assert(
      std::is_same_v<Real, std::conditional_t<std::is_same_v<T, long double>, long double, double>>);
  for (const std::size_t n : hm_test::block_sizes()) {
    for (const auto& p : hm_test::hard_families<T>(n, seed_for(n, 1))) {
      const std::string label =
          std::string(hm_test::type_name<T>()) + ", " + p.name + ", n = " + std::to_string(n);
      const auto fit = hm::fit_hedge(p.exposure, p.hedge);
      static_assert(std::is_same_v<std::remove_const_t<decltype(fit)>, hm::hedge_fit<Real>>);
      const ex::scaled_series ss = ex::scale(p.exposure.data(), n);
      const ex::scaled_series fs = ex::scale(p.hedge.data(), n);
      const ex::fit want = ex::fit_hedge(ss, fs);
      check_fit(label, fit, want, figure_tolerance, figure_tolerance);

      check_close(label + ": min_variance_hedge_ratio", hm::min_variance_hedge_ratio(p.exposure, p.hedge),
                  want.ratio, figure_tolerance, 1.0);
      check_close(label + ": hedge_effectiveness at h*", hm::hedge_effectiveness(p.exposure, p.hedge),
                  want.effectiveness, figure_tolerance, 1.0);

      // At given ratios: a naive 1:1 hedge, the wrong sign, and the fitted h* itself.
      std::vector<Real> ratios{Real(1), Real(-0.5)};
      if (std::isfinite(fit.ratio)) ratios.push_back(fit.ratio);
      const double var_s = magnitude(want.exposure_variance);
      const double var_f = magnitude(want.hedge_variance);
      const double h_star = want.ratio ? want.ratio->get_d() : 0.0;
      for (const Real r : ratios) {
        const std::string at = label + ", ratio " + show(r);
        const Real rv = hm::residual_variance(p.exposure, p.hedge, r);
        static_assert(std::is_same_v<std::remove_const_t<decltype(rv)>, Real>);
        const double floor = hm_test::residual_floor<Real>(static_cast<double>(r), h_star, var_f);
        check_close(at + ": residual_variance", rv, ex::residual_variance(ss, fs, ex::to_dyadic(r)),
                    figure_tolerance, var_s, floor);
        check_close(at + ": hedge_effectiveness", hm::hedge_effectiveness(p.exposure, p.hedge, r),
                    ex::hedge_effectiveness(ss, fs, ex::to_dyadic(r)), figure_tolerance, 1.0,
                    var_s > 0.0 ? floor / var_s : 0.0);
      }
    }
  }
}

TEST_CASE_TEMPLATE("fit_hedge: three observations", T, double, long double) {
  // Prices near 1e9 moving by about 1, the smallest sample with every figure defined.
  const std::vector<T> s{T(1000000001.25L), T(1000000003.5L), T(1000000002.0L)};
  const std::vector<T> f{T(999999999.75L), T(1000000001.0L), T(1000000003.25L)};
  const auto fit = hm::fit_hedge(s, f);
  check_fit("three observations near 1e9", fit, ex::fit_hedge(s.data(), f.data(), 3), figure_tolerance,
            figure_tolerance);
  // Decimal values near 1e7 (inexact in binary), negative correlation.
  const std::vector<T> s2{T(10000000.3L), T(10000000.1L), T(10000000.2L)};
  const std::vector<T> f2{T(10000000.1L), T(10000000.2L), T(10000000.25L)};
  check_fit("three observations near 1e7", hm::fit_hedge(s2, f2), ex::fit_hedge(s2.data(), f2.data(), 3),
            figure_tolerance, figure_tolerance);
}

TEST_CASE_TEMPLATE("fit_hedge: near-perfect hedges keep the residual figures to 1e-8", T, double, float, int,
                   long double) {
  using Real = hm::result_t<std::vector<T>>;
  for (const std::size_t n : {std::size_t{3}, std::size_t{50}, std::size_t{1023}, std::size_t{1025},
                              std::size_t{5000}, std::size_t{100000}}) {
    const auto p = hm_test::near_perfect<T>(n, seed_for(n, 2));
    const std::string label =
        std::string(hm_test::type_name<T>()) + ", " + p.name + ", n = " + std::to_string(n);
    const auto fit = hm::fit_hedge(p.exposure, p.hedge);
    const ex::scaled_series ss = ex::scale(p.exposure.data(), n);
    const ex::scaled_series fs = ex::scale(p.hedge.data(), n);
    const ex::fit want = ex::fit_hedge(ss, fs);
    if (n >= 50) {
      // The series really is near-perfect: 1 − R² between 1e-14 and 1e-10.
      const double unexplained = ex::rational(ex::rational(1) - *want.effectiveness).get_d();
      CHECK_MESSAGE((unexplained > 1e-14 && unexplained < 1e-10), label << ": 1 - R^2 = " << unexplained);
    }
    check_fit(label, fit, want, figure_tolerance, residual_tolerance);
    check_one_minus_effectiveness(label, fit.effectiveness, want.effectiveness);
    check_one_minus_effectiveness(label + ", hedge_effectiveness()",
                                  hm::hedge_effectiveness(p.exposure, p.hedge), want.effectiveness);

    const double var_s = magnitude(want.exposure_variance);
    const double var_f = magnitude(want.hedge_variance);
    for (const Real r : {Real(2.5), fit.ratio}) {
      const std::string at = label + ", ratio " + show(r);
      check_close(at + ": residual_variance", hm::residual_variance(p.exposure, p.hedge, r),
                  ex::residual_variance(ss, fs, ex::to_dyadic(r)), residual_tolerance, var_s,
                  hm_test::residual_floor<Real>(static_cast<double>(r), want.ratio->get_d(), var_f));
      check_one_minus_effectiveness(at, hm::hedge_effectiveness(p.exposure, p.hedge, r),
                                    ex::hedge_effectiveness(ss, fs, ex::to_dyadic(r)));
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// NIST StRD Norris: y = B0 + B1·x
// ---------------------------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("NIST StRD Norris: slope, intercept, their standard deviations, residual SD, R^2", Real,
                   double, long double) {
  const auto path = hm_test::data_file("nist/Norris.dat");
  if (!path) return;
  const hm_test::nist_linear norris = hm_test::read_nist_linear(*path);
  const auto y = hm_test::parse_values<Real>(norris.y);
  const auto x = hm_test::parse_values<Real>(norris.x);
  REQUIRE(y.size() == 36);
  REQUIRE(x.size() == 36);
  const auto fit = hm::fit_hedge(y, x);  // y is the exposure, x the hedge: ratio = B1, intercept = B0
  static_assert(std::is_same_v<std::remove_const_t<decltype(fit)>, hm::hedge_fit<Real>>);
  const ex::fit want = ex::fit_hedge(y.data(), x.data(), y.size());
  const ex::rational residual_ss_exact = *want.ssr;

  struct row {
    std::string figure;
    Real computed;
    ex::rational exact;
    const std::string& certified;
  };
  const std::vector<row> rows{
      {"B1 = ratio", fit.ratio, *want.ratio, norris.b1},
      {"B0 = intercept", fit.intercept, *want.intercept, norris.b0},
      {"sd(B1) = ratio_se", fit.ratio_standard_error, *want.ratio_standard_error, norris.b1_sd},
      {"sd(B0) = intercept_se", fit.intercept_standard_error, *want.intercept_standard_error, norris.b0_sd},
      {"residual SD = rse", fit.residual_standard_error, *want.residual_standard_error, norris.residual_sd},
      {"R^2 = effectiveness", fit.effectiveness, *want.effectiveness, norris.r_squared},
      {"residual SS", fit.residual_variance * Real(35), residual_ss_exact, norris.residual_ss},
  };
  const std::string dataset = std::string("Norris (") + hm_test::type_name<Real>() + ")";
  for (const auto& r : rows) {
    const ex::rational certified = ex::parse_decimal(r.certified);
    const double ours = hm_test::lre(r.computed, certified);
    const double exact = hm_test::lre(r.exact, certified);
    print_lre(dataset, r.figure, r.certified, static_cast<double>(r.computed), ours, exact);
    CHECK_MESSAGE(ours >= exact - 0.5, dataset << " " << r.figure << ": LRE " << ours << " vs " << exact
                                               << " for exact arithmetic on the same inputs (computed "
                                               << show(r.computed) << ", certified " << r.certified << ")");
    CHECK_MESSAGE(ours >= 12.0, dataset << " " << r.figure << ": LRE " << ours << " < 12 (computed "
                                        << show(r.computed) << ", certified " << r.certified << ")");
  }
  check_fit(dataset, fit, want, figure_tolerance, figure_tolerance);
}

// ---------------------------------------------------------------------------------------------------
// Hull, Options, Futures and Other Derivatives, Example 3.3 (Table 3.2): jet fuel and heating oil futures
// ---------------------------------------------------------------------------------------------------

namespace {
const std::vector<double> hull_dF{0.021, 0.035,  -0.046, 0.001,  0.044, -0.029, -0.026, -0.029,
                                  0.048, -0.006, -0.036, -0.011, 0.019, -0.027, 0.029};
const std::vector<double> hull_dS{0.029, 0.020, -0.044, 0.008,  0.026, -0.019, -0.010, -0.007,
                                  0.043, 0.011, -0.036, -0.018, 0.009, -0.032, 0.023};

/// x rounded to `decimals` decimal places, as a published figure is.
double rounded(double x, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(x * scale) / scale;
}
}  // namespace

TEST_CASE("Hull Example 3.3: sigma_F 0.0313, sigma_S 0.0263, rho 0.928, h* 0.78") {
  const auto fit = hm::fit_hedge(hull_dS, hull_dF);
  CHECK(fit.n == 15);
  CHECK(rounded(std::sqrt(fit.hedge_variance), 4) == doctest::Approx(0.0313).epsilon(1e-12));
  CHECK(rounded(std::sqrt(fit.exposure_variance), 4) == doctest::Approx(0.0263).epsilon(1e-12));
  CHECK(rounded(fit.correlation, 3) == doctest::Approx(0.928).epsilon(1e-12));
  CHECK(rounded(fit.ratio, 2) == doctest::Approx(0.78).epsilon(1e-12));
  CHECK(rounded(fit.ratio, 4) == doctest::Approx(0.7777).epsilon(1e-12));  // Hull: "0.7777"
  CHECK(rounded(hm::min_variance_hedge_ratio(hull_dS, hull_dF), 4) == doctest::Approx(0.7777).epsilon(1e-12));
  // h* = ρ·σ_S/σ_F (Hull eq. 3.1) with the unrounded figures.
  CHECK(fit.ratio == doctest::Approx(fit.correlation * std::sqrt(fit.exposure_variance / fit.hedge_variance))
                         .epsilon(1e-14));
  // And against exact arithmetic on the same inputs.
  check_fit("Hull Example 3.3", fit, ex::fit_hedge(hull_dS.data(), hull_dF.data(), 15), figure_tolerance,
            figure_tolerance);
  check_close("Hull Example 3.3: hedge_effectiveness", hm::hedge_effectiveness(hull_dS, hull_dF),
              ex::fit_hedge(hull_dS.data(), hull_dF.data(), 15).effectiveness, figure_tolerance);
}

// ---------------------------------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------------------------------

namespace {
/// A series whose values are multiples of 2^-8 in [−64, 64]: adding 1000 or 1e9, or scaling by a power
/// of two, is exact in double, so the exact answers of the transformed data are known exactly.
struct dyadic_pair {
  std::vector<double> s, f;
};

dyadic_pair dyadic_series(std::size_t n, std::uint64_t seed, double slope) {
  hm_test::random_source rng(seed);
  dyadic_pair p;
  for (std::size_t i = 0; i < n; ++i) {
    const double f = static_cast<double>(rng.integer(-8192, 8192)) / 256.0;
    const double noise = static_cast<double>(rng.integer(-2048, 2048)) / 256.0;
    p.f.push_back(f);
    p.s.push_back(std::round((slope * f + noise) * 256.0) / 256.0);
  }
  return p;
}

std::vector<double> plus(std::vector<double> x, double c) {
  for (auto& v : x) v += c;
  return x;
}

std::vector<double> times(std::vector<double> x, double c) {
  for (auto& v : x) v *= c;
  return x;
}
}  // namespace

TEST_CASE("invariant: adding constants to S and F changes only the means and the intercept") {
  for (const std::size_t n : {std::size_t{7}, std::size_t{1500}, std::size_t{5000}}) {
    const auto p = dyadic_series(n, seed_for(n, 3), 0.7);
    const auto base = hm::fit_hedge(p.s, p.f);
    for (const double c : {1000.0, 1e9, -3.5e6}) {
      const auto s = plus(p.s, c);
      const auto f = plus(p.f, 2.0 * c);
      const auto shifted = hm::fit_hedge(s, f);
      const std::string label = "shift by " + show(c) + ", n = " + std::to_string(n);
      // Exact answers coincide for everything but the means and the intercept.
      for (const auto& [name, value] : figures(shifted)) {
        const std::string figure = name;
        if (figure == "exposure_mean" || figure == "hedge_mean" || figure == "intercept" ||
            figure == "intercept_standard_error") {
          continue;
        }
        const auto original = figures(base);
        const auto it = std::find_if(original.begin(), original.end(),
                                     [&](const auto& entry) { return figure == entry.first; });
        hm_test::check_close_value(label + ": " + figure, value, it->second, 1e-13);
      }
      check_fit(label, shifted, ex::fit_hedge(s.data(), f.data(), n), figure_tolerance, figure_tolerance);
    }
  }
}

TEST_CASE("invariant: scaling F by c divides the ratio by c; effectiveness and correlation do not change") {
  const std::size_t n = 2000;
  const auto p = dyadic_series(n, seed_for(n, 4), -1.3);
  const auto base = hm::fit_hedge(p.s, p.f);
  for (const double c : {4.0, 0.125, 3.0, -7.0, 1e-6}) {
    const auto f = times(p.f, c);
    const auto scaled = hm::fit_hedge(p.s, f);
    const std::string label = "hedge scaled by " + show(c);
    hm_test::check_close_value(label + ": ratio", scaled.ratio, base.ratio / c, 1e-13);
    hm_test::check_close_value(label + ": ratio_standard_error", scaled.ratio_standard_error,
                               base.ratio_standard_error / std::fabs(c), 1e-13);
    hm_test::check_close_value(label + ": effectiveness", scaled.effectiveness, base.effectiveness, 1e-13);
    hm_test::check_close_value(label + ": correlation", scaled.correlation,
                               std::copysign(1.0, c) * base.correlation, 1e-13);
    hm_test::check_close_value(label + ": residual_variance", scaled.residual_variance,
                               base.residual_variance, 1e-13);
    hm_test::check_close_value(label + ": intercept", scaled.intercept, base.intercept, 1e-12);
    check_fit(label, scaled, ex::fit_hedge(p.s.data(), f.data(), n), figure_tolerance, figure_tolerance);
  }
  // Scaling the exposure multiplies the ratio.
  const auto s = times(p.s, 8.0);
  const auto scaled = hm::fit_hedge(s, p.f);
  hm_test::check_close_value("exposure scaled by 8: ratio", scaled.ratio, 8.0 * base.ratio, 1e-14);
  hm_test::check_close_value("exposure scaled by 8: residual_variance", scaled.residual_variance,
                             64.0 * base.residual_variance, 1e-14);
}

TEST_CASE("invariant: correlation and effectiveness are symmetric in S and F") {
  for (const std::size_t n : {std::size_t{5}, std::size_t{1024}, std::size_t{3001}}) {
    const auto p = hm_test::near_1e7<double>(n, seed_for(n, 5));
    const auto sf = hm::fit_hedge(p.exposure, p.hedge);
    const auto fs = hm::fit_hedge(p.hedge, p.exposure);
    const std::string label = "swap S and F, n = " + std::to_string(n);
    hm_test::check_close_value(label + ": correlation", fs.correlation, sf.correlation, 1e-13);
    hm_test::check_close_value(label + ": effectiveness", fs.effectiveness, sf.effectiveness, 1e-13);
    hm_test::check_close_value(label + ": covariance", fs.covariance, sf.covariance, 1e-13);
    // h*(S on F)·h*(F on S) = ρ².
    hm_test::check_close_value(label + ": ratio product", sf.ratio * fs.ratio, sf.effectiveness, 1e-12);
  }
}

TEST_CASE("invariant: a perfect hedge S = a + b·F scores effectiveness 1 and no residual") {
  for (const std::size_t n : {std::size_t{2}, std::size_t{3}, std::size_t{1000}, std::size_t{5000}}) {
    hm_test::random_source rng(seed_for(n, 6));
    for (const auto& coefficients : {std::pair{3.0, 2.0}, std::pair{5.0, -0.5}, std::pair{1e9, 0.25}}) {
      const double a = coefficients.first;
      const double b = coefficients.second;
      std::vector<double> s, f;
      for (std::size_t i = 0; i < n; ++i) {
        f.push_back(static_cast<double>(rng.integer(-100000, 100000)) / 64.0);
        s.push_back(a + b * f.back());  // exact: few significant bits
      }
      const auto fit = hm::fit_hedge(s, f);
      const std::string label =
          "perfect hedge S = " + show(a) + " + " + show(b) + " F, n = " + std::to_string(n);
      const ex::fit want = ex::fit_hedge(s.data(), f.data(), n);
      REQUIRE(sgn(*want.ssr) == 0);
      check_fit(label, fit, want, figure_tolerance, figure_tolerance);
      CHECK_MESSAGE(fit.effectiveness == doctest::Approx(1.0).epsilon(1e-14),
                    label << ": effectiveness " << show(fit.effectiveness));
      CHECK_MESSAGE(fit.correlation == doctest::Approx(b > 0 ? 1.0 : -1.0).epsilon(1e-14),
                    label << ": correlation " << show(fit.correlation));
      CHECK_MESSAGE(std::fabs(fit.residual_variance) <= 1e-14 * fit.exposure_variance,
                    label << ": residual_variance " << show(fit.residual_variance)
                          << " not ~0 (exposure variance " << show(fit.exposure_variance) << ")");
      CHECK_MESSAGE(hm::hedge_effectiveness(s, f, b) == doctest::Approx(1.0).epsilon(1e-14),
                    label << ": hedge_effectiveness at the true ratio");
      CHECK_MESSAGE(
          std::fabs(hm::residual_variance(s, f, b)) <= 1e-14 * fit.exposure_variance,
          label << ": residual_variance at the true ratio " << show(hm::residual_variance(s, f, b)));
    }
  }
}

TEST_CASE("invariant: negative correlation gives a negative ratio") {
  const auto p = hm_test::negative_across_scales<double>(500, 77);
  const auto fit = hm::fit_hedge(p.exposure, p.hedge);
  CHECK(fit.ratio < 0.0);
  CHECK(fit.correlation < -0.5);
  CHECK(fit.covariance < 0.0);
  CHECK(fit.effectiveness > 0.25);  // R² = ρ² is positive whatever the sign
  CHECK(hm::min_variance_hedge_ratio(p.exposure, p.hedge) < 0.0);
}

TEST_CASE("invariant: the order of the observations does not matter") {
  for (const std::size_t n : {std::size_t{3}, std::size_t{1025}, std::size_t{5000}}) {
    auto p = hm_test::near_1e9<double>(n, seed_for(n, 7));
    const auto forward = hm::fit_hedge(p.exposure, p.hedge);
    std::reverse(p.exposure.begin(), p.exposure.end());
    std::reverse(p.hedge.begin(), p.hedge.end());
    check_same_fit("reversed, n = " + std::to_string(n), hm::fit_hedge(p.exposure, p.hedge), forward, 1e-12);
    // A shuffle (Fisher–Yates on our own random source).
    hm_test::random_source rng(seed_for(n, 8));
    for (std::size_t i = n - 1; i > 0; --i) {
      const auto j = static_cast<std::size_t>(rng.integer(0, static_cast<long>(i)));
      std::swap(p.exposure[i], p.exposure[j]);
      std::swap(p.hedge[i], p.hedge[j]);
    }
    check_same_fit("shuffled, n = " + std::to_string(n), hm::fit_hedge(p.exposure, p.hedge), forward, 1e-12);
  }
}

// ---------------------------------------------------------------------------------------------------
// Every input type
// ---------------------------------------------------------------------------------------------------

namespace {
constexpr std::size_t k_n = 6;
constexpr double k_s[k_n] = {101.5, 99.25, 102.0, 98.75, 100.5, 103.25};
constexpr double k_f[k_n] = {50.25, 49.0, 51.5, 48.5, 50.0, 52.0};

const hm::hedge_fit<double>& reference_fit() {
  static const hm::hedge_fit<double> fit =
      hm::fit_hedge(std::vector<double>(k_s, k_s + k_n), std::vector<double>(k_f, k_f + k_n));
  return fit;
}

template <class Fit>
void check_same_as_vector(const std::string& label, const Fit& fit) {
  static_assert(std::is_same_v<Fit, hm::hedge_fit<double>>, "double series give a hedge_fit<double>");
  check_same_fit(label, fit, reference_fit(), 0.0);  // the same values: the same kernel, the same bits
}
}  // namespace

TEST_CASE("fit_hedge accepts every contiguous series type") {
  const ex::fit want = ex::fit_hedge(k_s, k_f, k_n);
  check_fit("std::vector<double>", reference_fit(), want, figure_tolerance, figure_tolerance);

  std::array<double, k_n> as{}, af{};
  std::copy(k_s, k_s + k_n, as.begin());
  std::copy(k_f, k_f + k_n, af.begin());
  check_same_as_vector("std::array", hm::fit_hedge(as, af));
  check_same_as_vector("C array", hm::fit_hedge(k_s, k_f));
  check_same_as_vector("series_view",
                       hm::fit_hedge(hm::series_view<double>(k_s, k_n), hm::series_view(k_f, k_n)));
#if __cplusplus >= 202002L && __has_include(<span>)
  check_same_as_vector("std::span",
                       hm::fit_hedge(std::span<const double>(k_s), std::span<const double, k_n>(k_f)));
#endif
  const Eigen::VectorXd vs = Eigen::Map<const Eigen::VectorXd>(k_s, k_n);
  const Eigen::VectorXd vf = Eigen::Map<const Eigen::VectorXd>(k_f, k_n);
  check_same_as_vector("Eigen::VectorXd", hm::fit_hedge(vs, vf));
  check_same_as_vector("Eigen::ArrayXd",
                       hm::fit_hedge(Eigen::ArrayXd(vs.array()), Eigen::ArrayXd(vf.array())));
  check_same_as_vector("Eigen::RowVectorXd",
                       hm::fit_hedge(Eigen::RowVectorXd(vs.transpose()), Eigen::RowVectorXd(vf.transpose())));
  check_same_as_vector("Eigen::Map<const VectorXd>",
                       hm::fit_hedge(Eigen::Map<const Eigen::VectorXd>(k_s, k_n),
                                     Eigen::Map<const Eigen::VectorXd>(k_f, Eigen::Index{k_n})));
  Eigen::VectorXd padded_s(k_n + 3), padded_f(k_n + 3);
  padded_s << -1e300, vs, 7.0, 8.0;
  padded_f << 1e300, vf, 9.0, 10.0;
  check_same_as_vector("Eigen segment", hm::fit_hedge(padded_s.segment(1, k_n), padded_f.segment(1, k_n)));
  Eigen::MatrixXd columns(k_n, 2);
  columns << vs, vf;
  check_same_as_vector("Eigen matrix columns", hm::fit_hedge(columns.col(0), columns.col(1)));
  Eigen::Matrix<double, 2, Eigen::Dynamic, Eigen::RowMajor> rows(2, k_n);
  rows << vs.transpose(), vf.transpose();
  check_same_as_vector("rows of a row-major matrix", hm::fit_hedge(rows.row(0), rows.row(1)));
  // Mixed containers.
  check_same_as_vector("std::vector with Eigen::VectorXd",
                       hm::fit_hedge(std::vector<double>(k_s, k_s + k_n), vf));
}

TEST_CASE("fit_hedge rejects a non-contiguous Eigen row at run time, saying so") {
  Eigen::MatrixXd m(2, k_n);  // column-major: a row has stride 2
  for (std::size_t i = 0; i < k_n; ++i) {
    m(0, static_cast<Eigen::Index>(i)) = k_s[i];
    m(1, static_cast<Eigen::Index>(i)) = k_f[i];
  }
  try {
    const auto fit = hm::fit_hedge(m.row(0), m.row(1));
    FAIL("a row of a column-major matrix was accepted (n = " << fit.n << ")");
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    CHECK_MESSAGE(message.find("contiguous") != std::string::npos, "message: " << message);
  }
  CHECK_THROWS_AS((void)hm::min_variance_hedge_ratio(m.row(0), std::vector<double>(k_f, k_f + k_n)),
                  std::invalid_argument);
  CHECK_THROWS_AS((void)hm::hedge_effectiveness(std::vector<double>(k_s, k_s + k_n), m.row(1)),
                  std::invalid_argument);
  CHECK_THROWS_AS((void)hm::residual_variance(m.row(0), m.row(1), 1.0), std::invalid_argument);
}

TEST_CASE("element types: integers and float compute in double, long double stays long double") {
  const std::vector<int> is{101, 99, 102, 98, 100, 103};
  const std::vector<int> iff{50, 49, 51, 48, 50, 52};
  const auto fi = hm::fit_hedge(is, iff);
  static_assert(std::is_same_v<std::remove_const_t<decltype(fi)>, hm::hedge_fit<double>>);
  static_assert(std::is_same_v<decltype(hm::min_variance_hedge_ratio(is, iff)), double>);
  check_fit("int elements", fi, ex::fit_hedge(is.data(), iff.data(), is.size()), figure_tolerance,
            figure_tolerance);

  const std::vector<float> fs{101.5f, 99.25f, 102.0f, 98.75f, 100.5f, 103.1f};
  const std::vector<float> ff{50.25f, 49.0f, 51.5f, 48.5f, 50.0f, 52.3f};
  const auto ffit = hm::fit_hedge(fs, ff);
  static_assert(std::is_same_v<std::remove_const_t<decltype(ffit)>, hm::hedge_fit<double>>);
  static_assert(std::is_same_v<decltype(hm::hedge_effectiveness(fs, ff)), double>);
  check_fit("float elements", ffit, ex::fit_hedge(fs.data(), ff.data(), fs.size()), figure_tolerance,
            figure_tolerance);

  const Eigen::VectorXf es = Eigen::Map<const Eigen::VectorXf>(fs.data(), 6);
  const auto efit = hm::fit_hedge(es, ff);
  static_assert(std::is_same_v<std::remove_const_t<decltype(efit)>, hm::hedge_fit<double>>);
  check_same_fit("Eigen::VectorXf", efit, ffit, 0.0);

  const std::vector<long double> ls{101.5L, 99.25L, 102.0L, 98.75L, 100.5L, 103.1L};
  const std::vector<long double> lf{50.25L, 49.0L, 51.5L, 48.5L, 50.0L, 52.3L};
  const auto lfit = hm::fit_hedge(ls, lf);
  static_assert(std::is_same_v<std::remove_const_t<decltype(lfit)>, hm::hedge_fit<long double>>);
  static_assert(std::is_same_v<decltype(hm::residual_variance(ls, lf, 1.0L)), long double>);
  check_fit("long double elements", lfit, ex::fit_hedge(ls.data(), lf.data(), ls.size()), figure_tolerance,
            figure_tolerance);

  // Mixed: float exposure with a long double hedge computes in long double.
  const auto mixed = hm::fit_hedge(fs, lf);
  static_assert(std::is_same_v<std::remove_const_t<decltype(mixed)>, hm::hedge_fit<long double>>);
  check_fit("float exposure, long double hedge", mixed, ex::fit_hedge(fs.data(), lf.data(), fs.size()),
            figure_tolerance, figure_tolerance);
  // Mixed: int exposure with a double hedge computes in double.
  const auto mixed2 = hm::fit_hedge(is, std::vector<double>(k_f, k_f + k_n));
  static_assert(std::is_same_v<std::remove_const_t<decltype(mixed2)>, hm::hedge_fit<double>>);
  check_fit("int exposure, double hedge", mixed2, ex::fit_hedge(is.data(), k_f, k_n), figure_tolerance,
            figure_tolerance);
}

// ---------------------------------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------------------------------

TEST_CASE("series of different lengths: std::invalid_argument naming both lengths") {
  const std::vector<double> s(1234, 1.0);
  const std::vector<double> f(987, 2.0);
  const auto names_both = [](const std::invalid_argument& e) {
    const std::string message = e.what();
    CHECK_MESSAGE(message.find("1234") != std::string::npos, "message: " << message);
    CHECK_MESSAGE(message.find("987") != std::string::npos, "message: " << message);
  };
  auto expect = [&](auto&& call, const std::string& what) {
    try {
      call();
      FAIL(what << " accepted series of lengths 1234 and 987");
    } catch (const std::invalid_argument& e) {
      names_both(e);
    }
  };
  expect([&] { (void)hm::fit_hedge(s, f); }, "fit_hedge");
  expect(
      [&] {
        (void)hm::fit_hedge(f, s, hm::fit_options{true, hm::missing_data::omit});
      },
      "fit_hedge (omit)");
  expect([&] { (void)hm::min_variance_hedge_ratio(s, f); }, "min_variance_hedge_ratio");
  expect([&] { (void)hm::hedge_effectiveness(s, f); }, "hedge_effectiveness");
  expect([&] { (void)hm::hedge_effectiveness(s, f, 0.5); }, "hedge_effectiveness(ratio)");
  expect([&] { (void)hm::residual_variance(s, f, 0.5); }, "residual_variance");
  // Even when one is empty.
  CHECK_THROWS_AS((void)hm::fit_hedge(std::vector<double>{}, std::vector<double>{1.0}),
                  std::invalid_argument);
}

TEST_CASE("too few observations: NaN, no throw") {
  SUBCASE("n = 0") {
    const std::vector<double> empty;
    hm::hedge_fit<double> fit{};
    CHECK_NOTHROW(fit = hm::fit_hedge(empty, empty));
    CHECK(fit.n == 0);
    check_all_nan("n = 0", fit);
    CHECK(std::isnan(hm::min_variance_hedge_ratio(empty, empty)));
    CHECK(std::isnan(hm::hedge_effectiveness(empty, empty)));
    CHECK(std::isnan(hm::hedge_effectiveness(empty, empty, 1.0)));
    CHECK(std::isnan(hm::residual_variance(empty, empty, 1.0)));
  }
  SUBCASE("n = 1") {
    const std::vector<double> s{3.5}, f{1.25};
    hm::hedge_fit<double> fit{};
    CHECK_NOTHROW(fit = hm::fit_hedge(s, f));
    CHECK(fit.n == 1);
    CHECK(fit.exposure_mean == 3.5);
    CHECK(fit.hedge_mean == 1.25);
    for (const auto& [name, value] : figures(fit)) {
      if (std::string(name) != "exposure_mean" && std::string(name) != "hedge_mean") check_nan(name, value);
    }
    CHECK(std::isnan(hm::min_variance_hedge_ratio(s, f)));
    CHECK(std::isnan(hm::hedge_effectiveness(s, f)));
    CHECK(std::isnan(hm::hedge_effectiveness(s, f, 1.0)));
    CHECK(std::isnan(hm::residual_variance(s, f, 1.0)));
  }
  SUBCASE("n = 2: the ratio exists, the regression figures do not") {
    const std::vector<double> s{3.5, 4.5}, f{1.25, 1.75};
    const auto fit = hm::fit_hedge(s, f);
    CHECK(fit.n == 2);
    CHECK(fit.ratio == doctest::Approx(2.0).epsilon(1e-15));
    CHECK(fit.effectiveness == doctest::Approx(1.0).epsilon(1e-15));
    check_nan("n = 2: residual_standard_error", fit.residual_standard_error);
    check_nan("n = 2: ratio_standard_error", fit.ratio_standard_error);
    check_nan("n = 2: intercept_standard_error", fit.intercept_standard_error);
    check_fit("n = 2", fit, ex::fit_hedge(s.data(), f.data(), 2), figure_tolerance, figure_tolerance);
  }
}

TEST_CASE("a constant series") {
  SUBCASE("constant hedge: NaN ratio and everything built on it") {
    const std::vector<double> s{1.0, 2.0, 4.0, 3.0}, f{7.5, 7.5, 7.5, 7.5};
    const auto fit = hm::fit_hedge(s, f);
    check_nan("constant hedge: ratio", fit.ratio);
    check_nan("constant hedge: intercept", fit.intercept);
    check_nan("constant hedge: effectiveness", fit.effectiveness);
    check_nan("constant hedge: correlation", fit.correlation);
    CHECK(fit.hedge_variance == 0.0);
    CHECK(fit.covariance == 0.0);
    CHECK(fit.exposure_variance == doctest::Approx(5.0 / 3.0));
    CHECK(std::isnan(hm::min_variance_hedge_ratio(s, f)));
    CHECK(std::isnan(hm::hedge_effectiveness(s, f)));
    // At a given ratio the residual still exists: Var(S − r·F) = Var(S).
    CHECK(hm::residual_variance(s, f, 0.5) == doctest::Approx(5.0 / 3.0).epsilon(1e-15));
    CHECK(hm::hedge_effectiveness(s, f, 0.5) == doctest::Approx(0.0).epsilon(1e-15));
  }
  SUBCASE("constant exposure: ratio 0, effectiveness undefined") {
    const std::vector<double> s{2.25, 2.25, 2.25, 2.25}, f{1.0, 3.0, 2.0, 5.0};
    const auto fit = hm::fit_hedge(s, f);
    CHECK(fit.ratio == 0.0);
    check_nan("constant exposure: effectiveness", fit.effectiveness);
    check_nan("constant exposure: correlation", fit.correlation);
    CHECK(fit.exposure_variance == 0.0);
    CHECK(fit.residual_variance == 0.0);
    CHECK(std::isnan(hm::hedge_effectiveness(s, f)));
    CHECK(std::isnan(hm::hedge_effectiveness(s, f, 1.0)));  // 1 − Var/0
  }
}

TEST_CASE_TEMPLATE("missing data: propagate, omit and raise at the first, a middle and the last position", T,
                   double, float, long double) {
  using Real = hm::result_t<std::vector<T>>;
  const std::size_t n = 40;
  const auto clean = hm_test::near_1e7<T>(n, 4242);
  const T specials[] = {std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity(),
                        -std::numeric_limits<T>::infinity()};
  for (const T bad : specials) {
    for (const std::size_t at : {std::size_t{0}, std::size_t{17}, n - 1}) {
      for (const bool in_hedge : {false, true}) {
        auto s = clean.exposure;
        auto f = clean.hedge;
        (in_hedge ? f : s)[at] = bad;
        const std::string where =
            std::string(in_hedge ? "hedge" : "exposure") + "[" + std::to_string(at) + "]";
        const std::string label = std::string(hm_test::type_name<T>()) + ", " + where + " = " + show(bad);

        // propagate, also the default: every figure NaN, n counts every pair.
        for (const auto& fit :
             {hm::fit_hedge(s, f), hm::fit_hedge(s, f, hm::fit_options{true, hm::missing_data::propagate})}) {
          CHECK(fit.n == n);
          check_all_nan(label + ", propagate", fit);
        }
        CHECK(std::isnan(hm::min_variance_hedge_ratio(s, f)));
        CHECK(std::isnan(hm::hedge_effectiveness(s, f)));
        CHECK(std::isnan(hm::hedge_effectiveness(s, f, Real(1))));
        CHECK(std::isnan(hm::residual_variance(s, f, Real(1))));

        // omit: the fit of the series without that pair.
        auto s_kept = s;
        auto f_kept = f;
        s_kept.erase(s_kept.begin() + static_cast<std::ptrdiff_t>(at));
        f_kept.erase(f_kept.begin() + static_cast<std::ptrdiff_t>(at));
        const auto omitted = hm::fit_hedge(s, f, hm::fit_options{true, hm::missing_data::omit});
        CHECK(omitted.n == n - 1);
        check_same_fit(label + ", omit vs the cleaned series", omitted, hm::fit_hedge(s_kept, f_kept), 1e-13);
        check_fit(label + ", omit vs exact", omitted, ex::fit_hedge(s_kept.data(), f_kept.data(), n - 1),
                  figure_tolerance, figure_tolerance);
        hm_test::check_close_value(
            label + ", omit: min_variance_hedge_ratio",
            hm::min_variance_hedge_ratio(s, f, hm::fit_options{true, hm::missing_data::omit}), omitted.ratio,
            1e-13);
        hm_test::check_close_value(
            label + ", omit: hedge_effectiveness",
            hm::hedge_effectiveness(s, f, hm::fit_options{true, hm::missing_data::omit}),
            omitted.effectiveness, 1e-13);
        check_close(label + ", omit: residual_variance(ratio)",
                    hm::residual_variance(s, f, Real(0.5), hm::fit_options{true, hm::missing_data::omit}),
                    ex::residual_variance(s_kept.data(), f_kept.data(), n - 1, Real(0.5)), figure_tolerance);
        check_close(label + ", omit: hedge_effectiveness(ratio)",
                    hm::hedge_effectiveness(s, f, Real(0.5), hm::fit_options{true, hm::missing_data::omit}),
                    ex::hedge_effectiveness(s_kept.data(), f_kept.data(), n - 1, Real(0.5)),
                    figure_tolerance);

        // raise: std::domain_error naming the series and the index.
        auto expect_raise = [&](auto&& call, const std::string& function) {
          try {
            call();
            FAIL(label << ": " << function << " with missing_data::raise did not throw");
          } catch (const std::domain_error& e) {
            const std::string message = e.what();
            CHECK_MESSAGE(message.find(where) != std::string::npos, label << ": " << function
                                                                          << ": the message does not name "
                                                                          << where << ": " << message);
          }
        };
        expect_raise(
            [&] {
              (void)hm::fit_hedge(s, f, hm::fit_options{true, hm::missing_data::raise});
            },
            "fit_hedge");
        expect_raise(
            [&] {
              (void)hm::min_variance_hedge_ratio(s, f, hm::fit_options{true, hm::missing_data::raise});
            },
            "min_variance_hedge_ratio");
        expect_raise(
            [&] {
              (void)hm::hedge_effectiveness(s, f, hm::fit_options{true, hm::missing_data::raise});
            },
            "hedge_effectiveness");
        expect_raise(
            [&] {
              (void)hm::hedge_effectiveness(s, f, Real(1), hm::fit_options{true, hm::missing_data::raise});
            },
            "hedge_effectiveness(ratio)");
        expect_raise(
            [&] {
              (void)hm::residual_variance(s, f, Real(1), hm::fit_options{true, hm::missing_data::raise});
            },
            "residual_variance");
      }
    }
  }
}

TEST_CASE("missing data: several gaps; omit drops each pair once, raise names the first") {
  auto p = hm_test::near_1e9<double>(2100, 99);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  p.hedge[5] = nan;
  p.exposure[5] = inf;  // the same pair twice
  p.exposure[1024] = -inf;
  p.hedge[2099] = nan;
  p.exposure[3] = nan;
  std::vector<double> s, f;
  for (std::size_t i = 0; i < p.exposure.size(); ++i) {
    if (std::isfinite(p.exposure[i]) && std::isfinite(p.hedge[i])) {
      s.push_back(p.exposure[i]);
      f.push_back(p.hedge[i]);
    }
  }
  REQUIRE(s.size() == 2096);
  const auto omitted = hm::fit_hedge(p.exposure, p.hedge, hm::fit_options{true, hm::missing_data::omit});
  CHECK(omitted.n == 2096);
  check_fit("four gaps, omit", omitted, ex::fit_hedge(s.data(), f.data(), s.size()), figure_tolerance,
            figure_tolerance);
  try {
    (void)hm::fit_hedge(p.exposure, p.hedge, hm::fit_options{true, hm::missing_data::raise});
    FAIL("missing_data::raise did not throw");
  } catch (const std::domain_error& e) {
    const std::string message = e.what();
    CHECK_MESSAGE(message.find("exposure[3]") != std::string::npos, "message: " << message);
  }
  // Everything missing: omit leaves nothing, NaN figures, no throw.
  std::vector<double> all_nan(10, nan);
  const auto none =
      hm::fit_hedge(all_nan, std::vector<double>(10, 1.0), hm::fit_options{true, hm::missing_data::omit});
  CHECK(none.n == 0);
  check_all_nan("everything missing, omit", none);
}

// ---------------------------------------------------------------------------------------------------
// Real data (EIA prices): daily price changes
// ---------------------------------------------------------------------------------------------------

namespace {
std::vector<double> changes(const std::vector<double>& levels) {
  std::vector<double> out;
  for (std::size_t i = 1; i < levels.size(); ++i) out.push_back(levels[i] - levels[i - 1]);
  return out;
}

void check_real_hedge(const std::string& file, const std::string& spot_column,
                      const std::string& futures_column, double ratio, double r_squared) {
  const auto path = hm_test::data_file(file);
  if (!path) return;
  const hm_test::csv_table table = hm_test::read_csv(*path);
  const auto ds = changes(table.numbers(spot_column));
  const auto df = changes(table.numbers(futures_column));
  REQUIRE(ds.size() > 1000);
  const auto fit = hm::fit_hedge(ds, df, hm::fit_options{true, hm::missing_data::omit});
  // The derived files have no gap in these columns: omit must keep everything.
  CHECK(fit.n == ds.size());
  check_fit(file, fit, ex::fit_hedge(ds.data(), df.data(), ds.size()), figure_tolerance, figure_tolerance);
  CHECK_MESSAGE(std::fabs(fit.ratio - ratio) < 5e-4,
                file << ": h* " << show(fit.ratio) << ", README says ~" << ratio);
  CHECK_MESSAGE(std::fabs(fit.effectiveness - r_squared) < 5e-4,
                file << ": R^2 " << show(fit.effectiveness) << ", README says ~" << r_squared);
  std::cout << "real data | " << file << " | n " << fit.n << " | h* " << show(fit.ratio) << " +- "
            << show(fit.ratio_standard_error) << " | R^2 " << show(fit.effectiveness) << '\n';
}
}  // namespace

TEST_CASE("WTI spot vs CL1: daily changes, h* ~ 0.979, R^2 ~ 0.944, exact to 1e-11") {
  check_real_hedge("market/derived/wti_spot_RWTC_vs_CL1_CL2_aligned.csv", "RWTC_spot_usd_bbl",
                   "RCLC1_usd_bbl", 0.979, 0.944);
}

TEST_CASE("jet fuel spot vs heating-oil futures 1: a cross hedge, h* ~ 0.907, R^2 ~ 0.496") {
  check_real_hedge("market/derived/jetfuel_gulf_spot_vs_heatingoil_HO1_futures_aligned.csv",
                   "jetfuel_usgulf_spot_usd_gal", "HO_contract1_usd_gal", 0.907, 0.496);
}

TEST_CASE("Henry Hub spot vs NG1: a poor hedge, R^2 ~ 0.06") {
  check_real_hedge("market/derived/henryhub_spot_vs_NG1_NG2_aligned.csv", "HenryHub_spot_usd_mmbtu",
                   "NG_contract1_usd_mmbtu", 0.487, 0.057);
}

TEST_CASE("fit_options: the missing-data policy and the intercept, and the deprecated positional policy") {
  // The Hull 3.3-sized series with one gap: omit must give the fit of the cleaned series, bit for bit.
  const std::vector<double> s{0.5, -0.3, 1.2, std::nan(""), 0.7, -1.1, 0.4};
  const std::vector<double> f{0.6, -0.2, 1.0, 0.3, 0.9, -1.2, 0.2};
  const std::vector<double> s_kept{0.5, -0.3, 1.2, 0.7, -1.1, 0.4};
  const std::vector<double> f_kept{0.6, -0.2, 1.0, 0.9, -1.2, 0.2};
  hm::fit_options omit;
  omit.missing = hm::missing_data::omit;
  const auto fit = hm::fit_hedge(s, f, omit);
  const auto kept = hm::fit_hedge(s_kept, f_kept);
  CHECK(fit.n == 6);
  CHECK(fit.ratio == kept.ratio);
  CHECK(hm::min_variance_hedge_ratio(s, f, omit) == kept.ratio);
  CHECK(hm::hedge_effectiveness(s, f, omit) == kept.effectiveness);
  CHECK(hm::hedge_effectiveness(s, f, 0.5, omit) == hm::hedge_effectiveness(s_kept, f_kept, 0.5));
  CHECK(hm::residual_variance(s, f, 0.5, omit) == hm::residual_variance(s_kept, f_kept, 0.5));
  CHECK(std::isnan(hm::fit_hedge(s, f).ratio));  // the default propagates

  // A fit through the origin is the several-instrument fit's; the one-instrument functions say so.
  hm::fit_options origin;
  origin.intercept = false;
  for (const auto& call : std::vector<std::function<void()>>{
           [&] { (void)hm::fit_hedge(s_kept, f_kept, origin); },
           [&] { (void)hm::min_variance_hedge_ratio(s_kept, f_kept, origin); },
           [&] { (void)hm::residual_variance(s_kept, f_kept, 1.0, origin); }}) {
    try {
      call();
      FAIL("intercept = false was accepted by a one-instrument function");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find("fit_options::intercept = false") != std::string::npos);
      CHECK(std::string(e.what()).find("several-instrument overload") != std::string::npos);
    }
  }

  // The positional policy of the previous version still works, for one version, and says so.
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
  CHECK(hm::fit_hedge(s, f, hm::missing_data::omit).ratio == kept.ratio);
  CHECK(hm::min_variance_hedge_ratio(s, f, hm::missing_data::omit) == kept.ratio);
  CHECK(hm::hedge_effectiveness(s, f, hm::missing_data::omit) == kept.effectiveness);
  CHECK(hm::hedge_effectiveness(s, f, 0.5, hm::missing_data::omit) ==
        hm::hedge_effectiveness(s_kept, f_kept, 0.5));
  CHECK(hm::residual_variance(s, f, 0.5, hm::missing_data::omit) ==
        hm::residual_variance(s_kept, f_kept, 0.5));
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
}
