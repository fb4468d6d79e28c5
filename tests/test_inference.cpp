// SPDX-License-Identifier: MIT
// Tests of inference.hpp: the t and F distributions against closed forms, the F statistic against NIST
// StRD's certified ANOVA tables, HAC with lag 0 against White's estimator computed directly, and (with
// tests/check_inference_statsmodels.py, run by CTest after this program) every figure against statsmodels
// on WTI spot vs CL1 and CL2 daily price changes: this program writes inference_wti.json (into the build
// directory), the script recomputes the figures with statsmodels and compares them.
#include <hedgemetrics/inference.hpp>

#include <doctest/doctest.h>

#include <Eigen/Core>
#include <Eigen/LU>
#include <Eigen/QR>

#include <cmath>
#include <cstddef>
#include <fstream>
#include <iomanip>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/check.hpp"
#include "support/data.hpp"
#include "support/exact.hpp"
#include "support/nist_models.hpp"

namespace {

namespace hm = hedgemetrics;
namespace ex = hm_test::exact;
using matrix = Eigen::MatrixXd;
using vector = Eigen::VectorXd;
constexpr double pi = 3.14159265358979323846;

}  // namespace

TEST_CASE("t and F distributions against closed forms") {
  // Student t with 1 degree of freedom (Cauchy): P(|T| ≥ t) = 1 − 2·atan(t)/π; with 2: 1 − t/√(2 + t²).
  for (const double t : {0.1, 0.5, 1.0, 2.0, 3.5, 10.0, 100.0}) {
    hm_test::check_close_value("t df=1 p", hm::student_t_two_sided_p(t, 1.0), 1.0 - 2.0 * std::atan(t) / pi,
                               1e-13);
    // 1 − t/√(2 + t²) = 2/(√(2 + t²)·(√(2 + t²) + t)), without the cancellation.
    const double root = std::sqrt(2.0 + t * t);
    hm_test::check_close_value("t df=2 p", hm::student_t_two_sided_p(-t, 2.0), 2.0 / (root * (root + t)),
                               1e-13);
    // F(2, d2): P(F ≥ f) = (d2/(d2 + 2f))^(d2/2); F(1, d2) = T².
    hm_test::check_close_value("F(2,7) p", hm::f_upper_p(t, 2.0, 7.0), std::pow(7.0 / (7.0 + 2.0 * t), 3.5),
                               1e-13);
    hm_test::check_close_value("F(1,12) = t^2", hm::f_upper_p(t * t, 1.0, 12.0),
                               hm::student_t_two_sided_p(t, 12.0), 1e-13);
  }
  // Critical values: df = 1: tan(π·level/2); df = 2: c·√(2/(1 − c²)) with c = level.
  for (const double level : {0.5, 0.9, 0.95, 0.99, 0.999}) {
    hm_test::check_close_value("t df=1 critical", hm::student_t_critical_value(level, 1.0),
                               std::tan(pi * level / 2.0), 1e-12);
    hm_test::check_close_value("t df=2 critical", hm::student_t_critical_value(level, 2.0),
                               level * std::sqrt(2.0 / (1.0 - level * level)), 1e-12);
  }
  // Larger df, 99%: mpmath (40 digits: findroot on betainc(df/2, 1/2, 0, df/(df + t²), regularized=True)
  // = 0.01). Eigen's betainc takes x = df/(df + t²) only, whose rounding costs about log10(df/t²)
  // digits: 1e-12 relative at df = 1e4 (1e-10 at 1e6, measured the same way).
  hm_test::check_close_value("t df=30 critical", hm::student_t_critical_value(0.99, 30.0),
                             2.7499956535672253324, 1e-13);
  hm_test::check_close_value("t df=1e4 critical", hm::student_t_critical_value(0.99, 1e4),
                             2.5763210466685288926, 2e-12);
  CHECK(std::isnan(hm::student_t_two_sided_p(1.0, 0.0)));
  CHECK(std::isnan(hm::student_t_critical_value(1.0, 5.0)));
  CHECK(hm::student_t_two_sided_p(std::numeric_limits<double>::infinity(), 5.0) == 0.0);
  CHECK(hm::newey_west_default_lag(100) == 4);
  CHECK(hm::newey_west_default_lag(9283) == 10);
}

TEST_CASE("the F statistic against NIST StRD's certified ANOVA tables") {
  for (const char* name :
       {"Norris", "Pontius", "NoInt1", "NoInt2", "Longley", "Wampler3", "Wampler4", "Filip"}) {
    const auto path = hm_test::data_file(std::string("nist/") + name + ".dat");
    if (!path) return;
    const auto model = hm_test::read_nist_model(*path, name);
    REQUIRE(!model.f_statistic.empty());
    vector y;
    matrix x;
    hm_test::nist_design(model, y, x);
    hm::fit_options options;
    options.intercept = model.intercept;
    const auto fit = hm::fit_hedge(y, x, options);
    const auto tests = hm::inference(fit);
    const double digits = hm_test::lre(tests.f_statistic, ex::parse_decimal(model.f_statistic));
    // The F statistic is a ratio of R²-type figures: its LRE follows that of R² and the residual SD.
    CHECK_MESSAGE(digits >= 7.0, name << ": F computed " << hm_test::show(tests.f_statistic) << ", certified "
                                      << model.f_statistic << ", LRE " << digits);
    CHECK(tests.residual_df == fit.residual_df);
    if (std::string(name) == "Norris") {
      // The univariate fit gives the same F (= t² of the ratio).
      std::vector<double> ys(y.data(), y.data() + y.size()), xs(x.data(), x.data() + x.size());
      const auto uni = hm::inference(hm::fit_hedge(ys, xs));
      CHECK(hm_test::lre(uni.f_statistic, ex::parse_decimal(model.f_statistic)) >= 10.0);
      CHECK(uni.residual_df == 34);
    }
  }
}

TEST_CASE("Newey-West with lag 0 is White's estimator; the lag and the correction behave") {
  hm_test::random_source rng(17);
  const Eigen::Index n = 500;
  matrix x(n, 2);
  vector y(n);
  for (Eigen::Index t = 0; t < n; ++t) {
    x(t, 0) = rng.symmetric();
    x(t, 1) = rng.symmetric() + 0.3 * x(t, 0);
    y(t) = 0.2 + 0.8 * x(t, 0) - 0.4 * x(t, 1) + (0.1 + std::fabs(x(t, 0))) * rng.symmetric();
  }
  const auto fit = hm::fit_hedge(y, x);
  // White (1980), HC0, by the textbook formula with Eigen: (AᵀA)⁻¹·Σe²aaᵀ·(AᵀA)⁻¹, A = [1 | X].
  matrix a(n, 3);
  a << vector::Ones(n), x;
  const vector b = a.colPivHouseholderQr().solve(y);
  const vector e = y - a * b;
  const matrix inv = (a.transpose() * a).inverse();
  const matrix hc0 = inv * (a.transpose() * e.array().square().matrix().asDiagonal() * a) * inv;
  hm::hac_options options;
  options.lag = 0;
  const auto white = hm::newey_west(y, x, fit, options);
  hm_test::check_close_value("HC0 intercept", white.intercept_standard_error, std::sqrt(hc0(0, 0)), 1e-12);
  hm_test::check_close_value("HC0 ratio 0", white.ratio_standard_errors(0), std::sqrt(hc0(1, 1)), 1e-12);
  hm_test::check_close_value("HC0 ratio 1", white.ratio_standard_errors(1), std::sqrt(hc0(2, 2)), 1e-12);
  hm_test::check_close_value("HC0 covariance", white.ratio_covariance(0, 1), hc0(1, 2), 1e-11);
  options.small_sample_correction = true;
  const auto hc1 = hm::newey_west(y, x, fit, options);
  hm_test::check_close_value("HC1", hc1.ratio_standard_errors(1), std::sqrt(hc0(2, 2) * 500.0 / 497.0),
                             1e-12);
  const auto automatic = hm::newey_west(y, x, fit);
  CHECK(automatic.lag == hm::newey_west_default_lag(500));
  // One instrument: the univariate overload agrees with the multi-instrument one.
  std::vector<double> ys(y.data(), y.data() + n), x0(x.data(), x.data() + n);
  const auto uni_fit = hm::fit_hedge(ys, x0);
  const matrix x0m = x.leftCols(1);
  const auto multi_fit = hm::fit_hedge(ys, x0m);
  options.lag = 7;
  options.small_sample_correction = false;
  const auto uni = hm::newey_west(ys, x0, uni_fit, options);
  const auto multi = hm::newey_west(ys, x0m, multi_fit, options);
  hm_test::check_close_value("univariate HAC ratio", uni.ratio_standard_errors(0),
                             multi.ratio_standard_errors(0), 1e-12);
  hm_test::check_close_value("univariate HAC intercept", uni.intercept_standard_error,
                             multi.intercept_standard_error, 1e-12);
  const auto with_hac = hm::inference(uni_fit, uni, 0.9);
  CHECK(with_hac.ratios[0].standard_error == uni.ratio_standard_errors(0));
  CHECK(with_hac.level == 0.9);
  CHECK_THROWS_AS((void)hm::inference(uni_fit, 1.5), std::invalid_argument);
  CHECK_THROWS_AS((void)hm::newey_west(ys, x, multi_fit), std::invalid_argument);
}

TEST_CASE("Newey-West across the double range: data scaled by 2^a and 2^b give the scaled standard errors") {
  // Scaling the exposure by 2^a and the hedge by 2^b is exact, so every standard error scales exactly: the
  // ratio's by 2^(a − b), the intercept's by 2^a. Before the scores were scaled (issue 10), spreads near
  // 1e-150 gave a ratio standard error of 0 (t = inf) and spreads near 1e±300 NaN.
  hm_test::random_source rng(29);
  const std::size_t n = 300;
  std::vector<double> s(n), f(n);
  double level = 50;
  for (std::size_t t = 0; t < n; ++t) {
    level += rng.symmetric();
    f[t] = level;
    s[t] = 0.7 * level + 0.4 * rng.symmetric() + (t > 0 ? 0.2 * (s[t - 1] - 0.7 * f[t - 1]) : 0.0);
  }
  for (const long lag : {-1L, 6L}) {
    hm::hac_options options;
    options.lag = lag;
    const auto base = hm::newey_west(s, f, hm::fit_hedge(s, f), options);
    REQUIRE(std::isfinite(base.ratio_standard_errors(0)));
    for (const int a : {-960, -500, -150, 0, 150, 500, 960}) {
      for (const int b : {-960, -150, 0, 500, 960}) {
        std::vector<double> sa(n), fb(n);
        for (std::size_t t = 0; t < n; ++t) sa[t] = std::ldexp(s[t], a), fb[t] = std::ldexp(f[t], b);
        const auto fit = hm::fit_hedge(sa, fb);
        const auto got = hm::newey_west(sa, fb, fit, options);
        const std::string at =
            "lag " + std::to_string(lag) + ", 2^" + std::to_string(a) + ", 2^" + std::to_string(b);
        // +inf where the scaled figure passes DBL_MAX (a ratio of 2^1110), 0 where it is below the
        // subnormals, as ldexp gives the expected one.
        const auto scaled_figure = [&](const std::string& what, double computed, double expected) {
          if (std::isfinite(expected) && expected != 0) {
            hm_test::check_close_value(at + " " + what, computed, expected, 1e-12);
          } else {
            CHECK_MESSAGE(computed == expected, at << " " << what << ": " << computed << " for " << expected);
          }
        };
        scaled_figure("ratio", got.ratio_standard_errors(0),
                      std::ldexp(base.ratio_standard_errors(0), a - b));
        scaled_figure("intercept", got.intercept_standard_error,
                      std::ldexp(base.intercept_standard_error, a));
        // The t statistic, scale-free, as inference() reports it; where the ratio itself is beyond the
        // double range (0/0 at 2^-1460, inf/inf at 2^1110), NaN, not a figure.
        const auto tested = hm::inference(fit, got);
        if (std::abs(a - b) <= 1000) {
          hm_test::check_close_value(at + " t", tested.ratios[0].t_statistic,
                                     hm::inference(hm::fit_hedge(s, f), base).ratios[0].t_statistic, 1e-12);
        } else {
          CHECK_MESSAGE(std::isnan(tested.ratios[0].t_statistic), at);
        }
      }
    }
  }
}

TEST_CASE("Newey-West with several instruments across the double range: each column at its own 2^b") {
  hm_test::random_source rng(31);
  const std::size_t n = 300;
  std::vector<double> s(n);
  matrix x(n, 2);
  double level = 50, other = -20;
  for (std::size_t t = 0; t < n; ++t) {
    level += rng.symmetric();
    other += rng.symmetric();
    const auto i = static_cast<Eigen::Index>(t);
    x(i, 0) = level;
    x(i, 1) = other;
    s[t] = 0.6 * level - 0.3 * other + 0.4 * rng.symmetric();
  }
  hm::hac_options options;
  options.lag = 5;
  const auto base = hm::newey_west(s, x, hm::fit_hedge(s, x), options);
  REQUIRE(std::isfinite(base.ratio_standard_errors(1)));
  const auto same = [](const std::string& at, double computed, double expected) {
    if (std::isfinite(expected) && expected != 0) {
      hm_test::check_close_value(at, computed, expected, 1e-11);
    } else {
      CHECK_MESSAGE(computed == expected, at << ": " << computed << " for " << expected);
    }
  };
  for (const int a : {-900, -150, 0, 150, 900}) {
    for (const int b0 : {-600, 0, 400}) {
      for (const int b1 : {-400, 0, 600}) {
        std::vector<double> sa(n);
        matrix xb(n, 2);
        for (std::size_t t = 0; t < n; ++t) {
          const auto i = static_cast<Eigen::Index>(t);
          sa[t] = std::ldexp(s[t], a);
          xb(i, 0) = std::ldexp(x(i, 0), b0);
          xb(i, 1) = std::ldexp(x(i, 1), b1);
        }
        const auto got = hm::newey_west(sa, xb, hm::fit_hedge(sa, xb), options);
        const std::string at =
            "2^" + std::to_string(a) + ", 2^" + std::to_string(b0) + ", 2^" + std::to_string(b1);
        same(at + " ratio 0", got.ratio_standard_errors(0),
             std::ldexp(base.ratio_standard_errors(0), a - b0));
        same(at + " ratio 1", got.ratio_standard_errors(1),
             std::ldexp(base.ratio_standard_errors(1), a - b1));
        same(at + " covariance", got.ratio_covariance(0, 1),
             std::ldexp(base.ratio_covariance(0, 1), 2 * a - b0 - b1));
        same(at + " intercept", got.intercept_standard_error, std::ldexp(base.intercept_standard_error, a));
      }
    }
  }
}

TEST_CASE("collinear instruments: the dropped one has NaN tests, the others those of the reduced fit") {
  hm_test::random_source rng(23);
  const Eigen::Index n = 300;
  matrix x(n, 3);
  vector y(n);
  for (Eigen::Index t = 0; t < n; ++t) {
    x(t, 0) = rng.symmetric();
    x(t, 1) = rng.symmetric();
    x(t, 2) = x(t, 1);  // the same future twice
    y(t) = 0.7 * x(t, 0) + 0.2 * x(t, 1) + 0.3 * rng.symmetric();
  }
  const auto fit = hm::fit_hedge(y, x);
  const matrix reduced_x = x.leftCols(2);
  const auto reduced = hm::fit_hedge(y, reduced_x);
  REQUIRE(fit.dropped.size() == 1);
  const auto gone = static_cast<std::size_t>(fit.dropped[0]);
  const auto tests = hm::inference(fit);
  const auto reference = hm::inference(reduced);
  CHECK(tests.model_df == 2);
  CHECK(tests.residual_df == n - 3);
  CHECK(std::isnan(tests.ratios[gone].t_statistic));
  CHECK(std::isnan(tests.ratios[gone].p_value));
  hm_test::check_close_value("F of the reduced fit", tests.f_statistic, reference.f_statistic, 1e-10);
  hm_test::check_close_value("t of instrument 0", tests.ratios[0].t_statistic,
                             reference.ratios[0].t_statistic, 1e-10);
  const auto hac = hm::newey_west(y, x, fit);
  const auto hac_reference = hm::newey_west(y, reduced_x, reduced);
  CHECK(std::isnan(hac.ratio_standard_errors(static_cast<Eigen::Index>(gone))));
  hm_test::check_close_value("HAC of instrument 0", hac.ratio_standard_errors(0),
                             hac_reference.ratio_standard_errors(0), 1e-10);

  // Under omit, a row missing only the dropped instrument is out of the fit, and so out of the HAC sums:
  // the same figures as without that row.
  matrix gap_x = x;
  gap_x(40, static_cast<Eigen::Index>(gone)) = std::numeric_limits<double>::quiet_NaN();
  hm::fit_options omit;
  omit.missing = hm::missing_data::omit;
  hm::hac_options hac_omit;
  hac_omit.missing = hm::missing_data::omit;
  hac_omit.lag = 0;  // rows are consecutive after omission: with lag 0 the row's neighbours do not matter
  const auto gap_fit = hm::fit_hedge(y, gap_x, omit);
  const auto gap_hac = hm::newey_west(y, gap_x, gap_fit, hac_omit);
  matrix short_x(n - 1, 3);
  vector short_y(n - 1);
  short_x << x.topRows(40), x.bottomRows(n - 41);
  short_y << y.head(40), y.tail(n - 41);
  const auto short_fit = hm::fit_hedge(short_y, short_x);
  hm::hac_options lag0;
  lag0.lag = 0;
  const auto short_hac = hm::newey_west(short_y, short_x, short_fit, lag0);
  CHECK(gap_fit.n == static_cast<std::size_t>(n - 1));
  hm_test::check_close_value("HAC without the incomplete row", gap_hac.ratio_standard_errors(0),
                             short_hac.ratio_standard_errors(0), 1e-12);
}

TEST_CASE("coefficient tests against a hypothesised ratio h0 (issue 17): a case worked out by hand") {
  // y = 1.5x + e with e = (1, −2, 0, 2, −1), orthogonal to 1 and x: h* = 1.5, a = 0, SSR = 10, n = 5,
  // s² = 10/3, S_xx = 10, se(h) = √(s²/S_xx) = 1/√3, se(a) = √(s²/n) = √(2/3). With 3 degrees of freedom,
  // P(|T| ≥ t) = 1 − (2/π)(atan(u) + u/(1 + u²)), u = t/√3 (Abramowitz & Stegun 26.7.3).
  const std::vector<double> x{-2, -1, 0, 1, 2}, y{-2, -3.5, 0, 3.5, 2};
  const auto fit = hm::fit_hedge(y, x);
  const auto p3 = [](double t) {
    const double u = std::fabs(t) / std::sqrt(3.0);
    return 1.0 - 2.0 / pi * (std::atan(u) + u / (1.0 + u * u));
  };
  const double se = 1.0 / std::sqrt(3.0);
  struct hypothesis {
    double h0, t;
  };
  // t = (1.5 − h0)·√3: 1.5√3 = 2.598 (h0 = 0, as before), √3/2 = 0.866 (the naive hedge h0 = 1), 0 at
  // h0 = h*, −1.5√3 at h0 = 3.
  for (const hypothesis& c : {hypothesis{0.0, 1.5 * std::sqrt(3.0)}, hypothesis{1.0, 0.5 * std::sqrt(3.0)},
                              hypothesis{1.5, 0.0}, hypothesis{3.0, -1.5 * std::sqrt(3.0)}}) {
    CAPTURE(c.h0);
    hm::inference_options options;
    options.null_ratio = c.h0;
    const auto tests = hm::inference(fit, options);
    REQUIRE(tests.ratios.size() == 1);
    const auto& r = tests.ratios[0];
    CHECK(r.null_value == c.h0);
    hm_test::check_close_value("estimate", r.estimate, 1.5, 1e-14);
    hm_test::check_close_value("standard error", r.standard_error, se, 1e-14);
    if (c.t == 0) {
      CHECK(std::fabs(r.t_statistic) <= 1e-14);
      hm_test::check_close_value("p at t = 0", r.p_value, 1.0, 1e-14);
    } else {
      hm_test::check_close_value("t = (h - h0)/se", r.t_statistic, c.t, 1e-14);
      hm_test::check_close_value("two-sided p (df 3)", r.p_value, p3(c.t), 1e-13);
    }
    // The interval, the intercept's test (against 0) and F (of h = 0) do not depend on h0.
    // mpmath: findroot of the closed form above at p = 0.05, 30 digits.
    const double critical = hm::student_t_critical_value(0.95, 3.0);
    hm_test::check_close_value("t_{0.975, 3}", critical, 3.18244630528370952042, 1e-13);
    hm_test::check_close_value("lower", r.lower, 1.5 - critical * se, 1e-14);
    hm_test::check_close_value("upper", r.upper, 1.5 + critical * se, 1e-14);
    CHECK(tests.intercept.null_value == 0.0);
    CHECK(std::fabs(tests.intercept.estimate) <= 1e-15);
    hm_test::check_close_value("se(a)", tests.intercept.standard_error, std::sqrt(2.0 / 3.0), 1e-14);
    hm_test::check_close_value("F = (h/se)^2 = 6.75", tests.f_statistic, 6.75, 1e-14);
    hm_test::check_close_value("p of F(1, 3) = p of t", tests.f_p_value, p3(1.5 * std::sqrt(3.0)), 1e-13);
  }
  // p at the naive hedge, to the digits: 1 − (2/π)(atan(½) + 0.4) = 0.4502... (u = ½).
  hm::inference_options naive;
  naive.null_ratio = 1;
  hm_test::check_close_value("p at h0 = 1", hm::inference(fit, naive).ratios[0].p_value,
                             1.0 - 2.0 / pi * (0.46364760900080611621 + 0.4), 1e-13);
  // Today's calls are the h0 = 0 tests: the same numbers as the options with their defaults.
  const auto old_call = hm::inference(fit, 0.9);
  hm::inference_options at_90;
  at_90.level = 0.9;
  const auto new_call = hm::inference(fit, at_90);
  CHECK(old_call.ratios[0].t_statistic == new_call.ratios[0].t_statistic);
  CHECK(old_call.ratios[0].p_value == new_call.ratios[0].p_value);
  CHECK(old_call.ratios[0].lower == new_call.ratios[0].lower);
  CHECK(old_call.ratios[0].null_value == 0.0);
  // Multi-instrument and HAC: every ratio against h0, the intercept against 0.
  Eigen::MatrixXd design(5, 1);
  for (Eigen::Index t = 0; t < 5; ++t) design(t, 0) = x[static_cast<std::size_t>(t)];
  const auto multi = hm::fit_hedge(y, design);
  const auto multi_tests = hm::inference(multi, naive);
  hm_test::check_close_value("multi t at h0 = 1", multi_tests.ratios[0].t_statistic, 0.5 * std::sqrt(3.0),
                             1e-14);
  hm_test::check_close_value("multi F of h = 0", multi_tests.f_statistic, 6.75, 1e-13);
  hm::hac_options lag0;
  lag0.lag = 0;
  const auto hac = hm::newey_west(y, x, fit, lag0);
  const auto hac_tests = hm::inference(fit, hac, naive);
  hm_test::check_close_value("HAC t at h0 = 1", hac_tests.ratios[0].t_statistic,
                             0.5 / hac.ratio_standard_errors(0), 1e-14);
  CHECK(hac_tests.ratios[0].null_value == 1.0);
  CHECK(hac_tests.intercept.null_value == 0.0);
  // Bad options: a non-finite h0, a level outside (0, 1).
  hm::inference_options bad;
  bad.null_ratio = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH_AS(
      (void)hm::inference(fit, bad),
      "hedgemetrics::inference: the hypothesised ratio null_ratio must be finite, but it is nan",
      std::invalid_argument);
  bad.null_ratio = 1;
  bad.level = 1.5;
  CHECK_THROWS_WITH_AS((void)hm::inference(fit, hac, bad),
                       "hedgemetrics::inference: the confidence level must be in (0, 1), but it is 1.5",
                       std::invalid_argument);
}

namespace {

void write_tests(std::ofstream& out, const char* name, const hm::hedge_inference<double>& tests, bool last) {
  out << "  \"" << name << "\": {\"params\": ";
  std::vector<hm::coefficient_test<double>> all;
  if (!std::isnan(tests.intercept.estimate)) all.push_back(tests.intercept);
  for (const auto& r : tests.ratios) all.push_back(r);
  auto list = [&](auto member) {
    out << "[";
    for (std::size_t i = 0; i < all.size(); ++i) out << (i ? ", " : "") << all[i].*member;
    out << "]";
  };
  list(&hm::coefficient_test<double>::estimate);
  out << ", \"bse\": ";
  list(&hm::coefficient_test<double>::standard_error);
  out << ", \"tvalues\": ";
  list(&hm::coefficient_test<double>::t_statistic);
  out << ", \"pvalues\": ";
  list(&hm::coefficient_test<double>::p_value);
  out << ", \"lower\": ";
  list(&hm::coefficient_test<double>::lower);
  out << ", \"upper\": ";
  list(&hm::coefficient_test<double>::upper);
  out << ", \"level\": " << tests.level << ", \"fvalue\": " << tests.f_statistic
      << ", \"f_pvalue\": " << tests.f_p_value << "}" << (last ? "\n" : ",\n");
}

}  // namespace

TEST_CASE("WTI spot on CL1 and CL2 daily changes: figures for the statsmodels cross-check") {
  const auto path = hm_test::data_file("market/derived/wti_spot_RWTC_vs_CL1_CL2_aligned.csv");
  if (!path) return;
  const auto table = hm_test::read_csv(*path);
  const auto spot = table.numbers("RWTC_spot_usd_bbl");
  const auto cl1 = table.numbers("RCLC1_usd_bbl");
  const auto cl2 = table.numbers("RCLC2_usd_bbl");
  const std::size_t n = spot.size() - 1;
  std::vector<double> ds(n);
  matrix df(static_cast<Eigen::Index>(n), 2);
  for (std::size_t t = 0; t < n; ++t) {
    ds[t] = spot[t + 1] - spot[t];
    df(static_cast<Eigen::Index>(t), 0) = cl1[t + 1] - cl1[t];
    df(static_cast<Eigen::Index>(t), 1) = cl2[t + 1] - cl2[t];
  }
  const std::vector<double> d1(df.data(), df.data() + n);
  const auto uni_fit = hm::fit_hedge(ds, d1);
  // CL2 has no price on 2001-09-14: the two changes it touches are dropped (statsmodels: missing="drop").
  hm::fit_options omit;
  omit.missing = hm::missing_data::omit;
  const auto multi_fit = hm::fit_hedge(ds, df, omit);
  CHECK(uni_fit.ratio == doctest::Approx(0.979).epsilon(0.001));  // the data README's h*
  CHECK(multi_fit.rank == 3);
  CHECK(multi_fit.n == n - 2);

#ifdef HEDGEMETRICS_INFERENCE_JSON
  const std::string json = HEDGEMETRICS_INFERENCE_JSON;  // tests/CMakeLists.txt: the build directory
#else
  const std::string json = "inference_wti.json";
#endif
  std::ofstream out(json);
  REQUIRE(out);
  out << std::setprecision(17) << "{\n  \"csv\": \"" << *path << "\",\n";
  write_tests(out, "univariate", hm::inference(uni_fit, 0.95), false);
  write_tests(out, "multi", hm::inference(multi_fit, 0.99), false);
  hm::fit_options origin = omit;
  origin.intercept = false;
  const auto origin_fit = hm::fit_hedge(ds, df, origin);
  write_tests(out, "multi_origin", hm::inference(origin_fit, 0.9), false);
  // H0: every ratio = 1 (the naive hedge), OLS and HAC (lag 5, no correction): statsmodels' t_test((R, 1)).
  hm::inference_options naive;
  naive.null_ratio = 1;
  hm::inference_options naive_99 = naive, naive_90 = naive;
  naive_99.level = 0.99;
  naive_90.level = 0.9;
  hm::hac_options lag5;
  lag5.lag = 5;
  lag5.missing = hm::missing_data::omit;
  const auto one_tests = [&out](const char* name, const hm::hedge_inference<double>& tests, bool last) {
    out << "    \"" << name << "\": {\"tvalues\": [";
    for (std::size_t j = 0; j < tests.ratios.size(); ++j)
      out << (j ? ", " : "") << tests.ratios[j].t_statistic;
    out << "], \"pvalues\": [";
    for (std::size_t j = 0; j < tests.ratios.size(); ++j) out << (j ? ", " : "") << tests.ratios[j].p_value;
    out << "]}" << (last ? "\n" : ",\n");
  };
  out << "  \"null_ratio_1\": {\n";
  one_tests("univariate", hm::inference(uni_fit, naive), false);
  one_tests("multi", hm::inference(multi_fit, naive_99), false);
  one_tests("multi_origin", hm::inference(origin_fit, naive_90), false);
  one_tests("hac_univariate", hm::inference(uni_fit, hm::newey_west(ds, d1, uni_fit, lag5), naive), false);
  one_tests("hac_multi", hm::inference(multi_fit, hm::newey_west(ds, df, multi_fit, lag5), naive), true);
  out << "  },\n";
  out << "  \"hac\": [\n";
  bool first = true;
  for (const long lag : {-1L, 0L, 5L, 20L}) {
    for (const bool correction : {false, true}) {
      hm::hac_options options;
      options.lag = lag;
      options.small_sample_correction = correction;
      options.missing = hm::missing_data::omit;
      const auto uni = hm::newey_west(ds, d1, uni_fit, options);
      const auto multi = hm::newey_west(ds, df, multi_fit, options);
      const auto through_origin = hm::newey_west(ds, df, origin_fit, options);
      out << (first ? "" : ",\n") << "    {\"lag\": " << uni.lag
          << ", \"use_correction\": " << (correction ? "true" : "false") << ", \"univariate\": ["
          << uni.intercept_standard_error << ", " << uni.ratio_standard_errors(0) << "], \"multi\": ["
          << multi.intercept_standard_error << ", " << multi.ratio_standard_errors(0) << ", "
          << multi.ratio_standard_errors(1) << "], \"multi_origin\": ["
          << through_origin.ratio_standard_errors(0) << ", " << through_origin.ratio_standard_errors(1)
          << "]}";
      first = false;
    }
  }
  out << "\n  ]\n}\n";
  MESSAGE("wrote " << json << " (n = " << n << " daily changes) for tests/check_inference_statsmodels.py");
}

TEST_CASE("range: t and F p-values where t² or d1·f overflow, against closed forms (issue 10)") {
  // df = 1: p = (2/π)·atan(1/|t|); df = 2: p = 2/(√(2 + t²)·(√(2 + t²) + |t|)), in long double, whose
  // exponent range holds t² for every double t.
  for (int k = 0; k <= 308; k += 4) {
    for (const double mantissa : {1.0, 3.7}) {
      const double t = mantissa * std::pow(10.0, k);
      if (!std::isfinite(t)) continue;
      const long double tl = static_cast<long double>(t);
      const long double p1 = 2.0L / 3.141592653589793238462643383279502884L * std::atan(1.0L / tl);
      const long double root = std::sqrt(2.0L + tl * tl);
      const long double p2 = 2.0L / (root * (root + tl));
      const struct {
        double df;
        long double expected;
      } cases[] = {{1.0, p1}, {2.0, p2}};
      for (const auto& c : cases) {
        const double got = hm::student_t_two_sided_p(-t, c.df);
        const long double allowed =
            4e-14L * c.expected + static_cast<long double>(std::numeric_limits<double>::denorm_min());
        CHECK_MESSAGE(std::fabs(static_cast<long double>(got) - c.expected) <= allowed,
                      "p(t = " << hm_test::show(t) << ", df = " << c.df << ") = " << hm_test::show(got)
                               << ", expected " << hm_test::show(c.expected));
      }
    }
  }
  CHECK(hm::student_t_two_sided_p(1e160, 1.0) == doctest::Approx(2.0 / (pi * 1e160)).epsilon(1e-14));
  CHECK(hm::student_t_two_sided_p(1e-300, 1.0) == 1.0);
  CHECK(hm::student_t_two_sided_p(0.0, 3.0) == 1.0);
  // df → ∞: the normal two-sided tail.
  CHECK(hm::student_t_two_sided_p(1.959963984540054, std::numeric_limits<double>::infinity()) ==
        doctest::Approx(0.05).epsilon(1e-14));
  // Large df with t² beyond DBL_MAX: x = df/(df + t²) from (√df/t)², p against the normal-like tail
  // through the F(1, df) identity at a t where t² is finite.
  hm_test::check_close_value("t = 1e160, df = 1e300", hm::student_t_two_sided_p(1e160, 1e300),
                             hm::student_t_two_sided_p(1e150, 1e280), 1e-12);
  // F(2, d2): P(F ≥ f) = (d2/(d2 + 2f))^(d2/2); with d2 = 1/2 it stays representable as d1·f overflows.
  for (const double f : {1e10, 1e100, 1e200, 1e300, 1.7e308}) {
    const long double expected = std::pow(0.5L / (0.5L + 2.0L * static_cast<long double>(f)), 0.25L);
    hm_test::check_close_value("F(2, 0.5) p at " + hm_test::show(f), hm::f_upper_p(f, 2.0, 0.5),
                               static_cast<double>(expected), 1e-13);
  }
  // F(1, d) = T² where T² is finite; the inference of one instrument takes the t form for the F p-value.
  hm_test::check_close_value("F(1, 12) at 1e300", hm::f_upper_p(1e300, 1.0, 12.0),
                             hm::student_t_two_sided_p(1e150, 12.0), 1e-13);
  std::vector<double> s, f;
  hm_test::random_source rng(5);
  for (int i = 0; i < 40; ++i) {
    f.push_back(rng.symmetric());
    s.push_back(0.8 * f.back() + 0.01 * rng.symmetric());
  }
  const auto tests = hm::inference(hm::fit_hedge(s, f));
  CHECK(tests.f_p_value == tests.ratios[0].p_value);
}

TEST_CASE("newey_west: a lag beyond the data, and a fit of other data (issue 10)") {
  const std::vector<double> s{0.3, -1.2, 2.5, 0.7, -0.4, 1.9, -2.2};
  const std::vector<double> f{0.5, -1.0, 2.0, 1.0, -0.5, 1.5, -2.5};
  const auto fit = hm::fit_hedge(s, f);
  // The Bartlett meat of the ratio by its definition, in long double: S11 = Σ(d e)² + 2Σ_l w_l Σ_t
  // (d e)_t (d e)_{t−l}, w_l = 1 − l/(L + 1); se = √S11/S_FF (the bread's ratio entry is 1/S_FF).
  auto reference = [&](double lag) {
    const std::size_t n = s.size();
    std::vector<long double> g(n);
    long double sff = 0;
    for (std::size_t t = 0; t < n; ++t) {
      const long double d = static_cast<long double>(f[t]) - static_cast<long double>(fit.hedge_mean);
      const long double e = (static_cast<long double>(s[t]) - static_cast<long double>(fit.exposure_mean)) -
                            static_cast<long double>(fit.ratio) * d;
      g[t] = d * e;
      sff += d * d;
    }
    long double meat = 0;
    for (std::size_t t = 0; t < n; ++t) meat += g[t] * g[t];
    for (std::size_t l = 1; l < n && static_cast<double>(l) <= lag; ++l) {
      const long double w = 1.0L - static_cast<long double>(l) / (static_cast<long double>(lag) + 1.0L);
      for (std::size_t t = l; t < n; ++t) meat += 2.0L * w * g[t] * g[t - l];
    }
    return static_cast<double>(std::sqrt(meat) / sff);
  };
  for (const long lag : {0L, 1L, 3L, 6L}) {
    hm::hac_options options;
    options.lag = lag;
    const auto hac = hm::newey_west(s, f, fit, options);
    CHECK(hac.lag == static_cast<std::size_t>(lag));
    hm_test::check_close_value("HAC ratio se, lag " + std::to_string(lag), hac.ratio_standard_errors(0),
                               reference(static_cast<double>(lag)), 1e-13);
    const Eigen::MatrixXd fm = Eigen::Map<const Eigen::VectorXd>(f.data(), 7);
    const auto multi = hm::newey_west(s, fm, hm::fit_hedge(s, fm), options);
    hm_test::check_close_value("multi HAC ratio se, lag " + std::to_string(lag),
                               multi.ratio_standard_errors(0), reference(static_cast<double>(lag)), 1e-12);
  }
  // A lag at or above the row count: every weight tends to 1 and the meat to (Σg)(Σg)ᵀ = 0, rounding
  // noise; a caller error naming both (a lag of 1e10 on 7 points used to ask for 1e10 columns).
  for (const long lag : {7L, 100L, 10000000000L, std::numeric_limits<long>::max()}) {
    hm::hac_options options;
    options.lag = lag;
    CHECK_THROWS_WITH_AS(
        (void)hm::newey_west(s, f, fit, options),
        doctest::Contains(("less than the 7 rows of the fit, but it is " + std::to_string(lag)).c_str()),
        std::invalid_argument);
    const Eigen::MatrixXd fm = Eigen::Map<const Eigen::VectorXd>(f.data(), 7);
    CHECK_THROWS_WITH_AS((void)hm::newey_west(s, fm, hm::fit_hedge(s, fm), options),
                         doctest::Contains(std::to_string(lag).c_str()), std::invalid_argument);
  }
  // The automatic lag is capped at n − 1 (n = 3: floor(4·0.03^(2/9)) = 1 already is).
  CHECK(hm::newey_west(std::vector<double>{1.0, 2.5, 2.0}, std::vector<double>{1.0, 2.0, 3.0},
                       hm::fit_hedge(std::vector<double>{1.0, 2.5, 2.0}, std::vector<double>{1.0, 2.0, 3.0}))
            .lag == 1);
  // A fit of other data: another row count is an invalid_argument naming both counts.
  const std::vector<double> s6(s.begin(), s.begin() + 6), f6(f.begin(), f.begin() + 6);
  const auto fit6 = hm::fit_hedge(s6, f6);
  CHECK_THROWS_WITH_AS((void)hm::newey_west(s, f, fit6), doctest::Contains("7 usable rows"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS((void)hm::newey_west(s, f, fit6), doctest::Contains("made on 6"),
                       std::invalid_argument);
  const std::vector<double> s2{1.0, 2.0}, f2{1.0, 3.0};
  CHECK_THROWS_WITH_AS((void)hm::newey_west(s, f, hm::fit_hedge(s2, f2)), doctest::Contains("made on 2"),
                       std::invalid_argument);
  const Eigen::MatrixXd fm6 = Eigen::Map<const Eigen::VectorXd>(f6.data(), 6);
  const Eigen::MatrixXd fm = Eigen::Map<const Eigen::VectorXd>(f.data(), 7);
  CHECK_THROWS_WITH_AS((void)hm::newey_west(s, fm, hm::fit_hedge(s6, fm6)), doctest::Contains("made on 6"),
                       std::invalid_argument);
  // The fit's policy must be the one given: a fit under omit (6 pairs) with the default propagate (7 rows).
  std::vector<double> gap = s;
  gap[3] = std::numeric_limits<double>::quiet_NaN();
  const auto omitted = hm::fit_hedge(gap, f, hm::fit_options{true, hm::missing_data::omit});
  CHECK_THROWS_WITH_AS((void)hm::newey_west(gap, f, omitted), doctest::Contains("made on 6"),
                       std::invalid_argument);
  hm::hac_options omit;
  omit.missing = hm::missing_data::omit;
  CHECK(std::isfinite(hm::newey_west(gap, f, omitted, omit).ratio_standard_errors(0)));
  CHECK_THROWS_WITH_AS((void)hm::newey_west(s, f, omitted, omit), doctest::Contains("7 usable rows"),
                       std::invalid_argument);
}

TEST_CASE("property: t, p and F are scale-free; HAC standard errors scale as the ratio") {
  hm_test::random_source rng(1357);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> s, f;
    for (int t = 0; t < 50; ++t) {
      f.push_back(rng.symmetric());
      s.push_back(0.7 * f.back() + 0.5 * rng.symmetric());
    }
    // Within 2^±250 the core kernels' squares stay in range; inference.hpp's own arithmetic must not
    // change a scale-free figure.
    const int a = static_cast<int>(rng.integer(-250, 250)), b = static_cast<int>(rng.integer(-250, 250));
    std::vector<double> sk, fk;
    for (std::size_t t = 0; t < s.size(); ++t) {
      sk.push_back(std::ldexp(s[t], a));
      fk.push_back(std::ldexp(f[t], b));
    }
    const std::string label = "S x 2^" + std::to_string(a) + ", F x 2^" + std::to_string(b);
    const auto fit = hm::fit_hedge(s, f), fit_k = hm::fit_hedge(sk, fk);
    const auto i = hm::inference(fit), ik = hm::inference(fit_k);
    CHECK_MESSAGE(ik.ratios[0].t_statistic == doctest::Approx(i.ratios[0].t_statistic).epsilon(1e-12), label);
    CHECK_MESSAGE(ik.ratios[0].p_value == doctest::Approx(i.ratios[0].p_value).epsilon(1e-10), label);
    CHECK_MESSAGE(ik.f_statistic == doctest::Approx(i.f_statistic).epsilon(1e-12), label);
    CHECK_MESSAGE(ik.f_p_value == doctest::Approx(i.f_p_value).epsilon(1e-10), label);
    CHECK_MESSAGE(ik.ratios[0].upper == doctest::Approx(std::ldexp(i.ratios[0].upper, a - b)).epsilon(1e-12),
                  label);
    hm::hac_options options;
    options.lag = 4;
    const auto hac = hm::newey_west(s, f, fit, options), hac_k = hm::newey_west(sk, fk, fit_k, options);
    CHECK_MESSAGE(hac_k.ratio_standard_errors(0) ==
                      doctest::Approx(std::ldexp(hac.ratio_standard_errors(0), a - b)).epsilon(1e-11),
                  label);
    CHECK_MESSAGE(hac_k.intercept_standard_error ==
                      doctest::Approx(std::ldexp(hac.intercept_standard_error, a)).epsilon(1e-11),
                  label);
  }
}

TEST_CASE("newey_west: a fit of other data of the same length is an error naming both means") {
  const std::vector<double> s{0.3, -1.2, 2.5, 0.7, -0.4, 1.9, -2.2}, f{0.5, -1.0, 2.0, 1.0, -0.5, 1.5, -2.5};
  const std::vector<double> other_s{0.3, -1.2, 2.5, 0.7, -0.4, 1.9, -2.1},
      other_f{0.5, -1.0, 2.0, 1.0, -0.5, 1.5, -2.4};
  CHECK_THROWS_WITH_AS(
      (void)hm::newey_west(s, f, hm::fit_hedge(other_s, f)),
      doctest::Contains(
          "the fit's mean of exposure is 0.242857142857143 but these data's is 0.22857142857142"),
      std::invalid_argument);
  CHECK_THROWS_WITH_AS(
      (void)hm::newey_west(s, f, hm::fit_hedge(s, other_f)),
      doctest::Contains("mean of hedge is 0.157142857142857 but these data's is 0.14285714285714"),
      std::invalid_argument);
  const Eigen::MatrixXd fm = Eigen::Map<const Eigen::VectorXd>(f.data(), 7);
  const Eigen::MatrixXd other_fm = Eigen::Map<const Eigen::VectorXd>(other_f.data(), 7);
  CHECK_THROWS_WITH_AS((void)hm::newey_west(s, fm, hm::fit_hedge(s, other_fm)),
                       doctest::Contains("mean of hedge column 0"), std::invalid_argument);
  // The fit of these data passes, also far from 0 (values near 1e9 that differ by units) and at 2^±600.
  for (const double offset : {0.0, 1e9, -3e12}) {
    for (const int k : {0, 600, -600}) {
      std::vector<double> so, fo;
      for (std::size_t t = 0; t < s.size(); ++t) {
        so.push_back(std::ldexp(offset + s[t], k));
        fo.push_back(std::ldexp(offset / 3 + f[t], k));
      }
      hm::hac_options options;
      options.lag = 2;
      CHECK_NOTHROW((void)hm::newey_west(so, fo, hm::fit_hedge(so, fo), options));
      const Eigen::MatrixXd fom = Eigen::Map<const Eigen::VectorXd>(fo.data(), 7);
      CHECK_NOTHROW((void)hm::newey_west(so, fom, hm::fit_hedge(so, fom), options));
    }
  }
}

TEST_CASE("inference with the HAC covariance of another fit: an error naming both counts") {
  hm_test::random_source rng(99);
  Eigen::MatrixXd x(30, 2);
  Eigen::VectorXd y(30);
  for (Eigen::Index t = 0; t < 30; ++t) {
    x(t, 0) = rng.symmetric();
    x(t, 1) = rng.symmetric();
    y(t) = 0.5 * x(t, 0) - 0.2 * x(t, 1) + 0.1 * rng.symmetric();
  }
  const auto two = hm::fit_hedge(y, x);
  const Eigen::MatrixXd first = x.leftCols(1);
  const auto one = hm::fit_hedge(y, first);
  const auto hac_one = hm::newey_west(y, first, one);
  CHECK_THROWS_WITH_AS((void)hm::inference(two, hac_one),
                       "hedgemetrics::inference: the HAC covariance has 1 ratios but the fit has 2; pass the "
                       "newey_west of this fit",
                       std::invalid_argument);
  CHECK(hm::inference(two, hm::newey_west(y, x, two)).ratios.size() == 2);
}
