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
