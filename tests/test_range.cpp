// SPDX-License-Identifier: MIT
// The range contract (issue 10) of describe and fit_hedge: on finite data anywhere in the double range,
// each figure is as accurate as on data of ordinary size where its true value is a normal double, ±inf
// where its magnitude exceeds DBL_MAX, a subnormal or 0 where it is below the smallest normal double; the
// scale-free figures stay exact. Independent answers: exact rational arithmetic (GMP) on the very inputs
// the library sees, whatever their scale; property checks: scale invariance and k²-scaling.
#include <hedgemetrics/accumulator.hpp>
#include <hedgemetrics/basis.hpp>
#include <hedgemetrics/descriptive.hpp>
#include <hedgemetrics/hedge_ratio.hpp>
#include <hedgemetrics/multi_hedge.hpp>
#include <hedgemetrics/rolling.hpp>
#include <hedgemetrics/walk_forward.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "support/check.hpp"
#include "support/exact.hpp"

namespace hm = hedgemetrics;
namespace ex = hm_test::exact;

namespace {

/// Accuracy of a figure of ordinary size (issue 2's 1e-11 for the hard series; these are easy ones).
constexpr double tolerance = 1e-13;

/// Checks a double figure against its exact value under the range contract: NaN where undefined; ±inf
/// where the exact value is beyond DBL_MAX; otherwise within tolerance·|exact| plus two units of the
/// subnormal spacing (a result below 2^-1022 has fewer significant bits).
bool check_in_range(const std::string& what, double computed, const ex::maybe& expected) {
  if (!expected) {
    CHECK_MESSAGE(std::isnan(computed), what << ": expected NaN, computed " << hm_test::show(computed));
    return std::isnan(computed);
  }
  const long double exact = ex::to_long_double(*expected);
  const auto largest = static_cast<long double>(std::numeric_limits<double>::max());
  if (std::fabs(exact) > largest * (1 + 1e-12L)) {
    const bool ok = std::isinf(computed) && ((computed > 0) == (exact > 0));
    CHECK_MESSAGE(ok, what << ": exact " << hm_test::show(exact) << " exceeds DBL_MAX, expected "
                           << (exact > 0 ? "+inf" : "-inf") << ", computed " << hm_test::show(computed));
    return ok;
  }
  const long double error = std::fabs(static_cast<long double>(computed) - exact);
  const long double bound = static_cast<long double>(tolerance) * std::fabs(exact) +
                            2.0L * static_cast<long double>(std::numeric_limits<double>::denorm_min());
  const bool ok = std::isfinite(computed) && error <= bound;
  CHECK_MESSAGE(ok, what << ": computed " << hm_test::show(computed) << ", exact " << hm_test::show(exact)
                         << ", error " << hm_test::show(error) << ", tolerance " << hm_test::show(bound));
  return ok;
}

/// Hull's Example 3.3 changes (jet fuel on heating-oil futures): an ordinary cross hedge, R² 0.86.
const std::vector<double> jet_fuel = {0.029, 0.020, -0.044, 0.008,  0.026, -0.019, -0.010, -0.007,
                                      0.043, 0.011, -0.036, -0.018, 0.009, -0.032, 0.023};
const std::vector<double> heating_oil = {0.021, 0.035,  -0.046, 0.001,  0.044, -0.029, -0.026, -0.029,
                                         0.048, -0.006, -0.036, -0.011, 0.019, -0.027, 0.029};

std::vector<double> scaled(const std::vector<double>& x, double k, double shift = 0) {
  std::vector<double> out;
  out.reserve(x.size());
  for (const double v : x) out.push_back((v + shift) * k);
  return out;
}

/// got equals want·(1 ± eps), or both are the same infinity, or both are below the normal range and within
/// four units of the subnormal spacing: a power-of-two-scaled figure rounded once at the end.
bool same_scaled(double got, double want, double eps) {
  if (std::isinf(want)) return got == want;
  const double floor = 4 * std::numeric_limits<double>::denorm_min();
  return std::fabs(got - want) <= eps * std::fabs(want) + floor;
}

void check_describe(const std::string& label, const std::vector<double>& x) {
  const auto got = hm::describe(x);
  const auto want = ex::describe(x.data(), x.size());
  INFO(label);
  check_in_range(label + " mean", got.mean, want.mean);
  check_in_range(label + " variance", got.variance, want.variance);
  check_in_range(label + " stddev", got.stddev, want.stddev);
  check_in_range(label + " min", got.min, want.min);
  check_in_range(label + " max", got.max, want.max);
}

void check_fit_figures(const std::string& label, const hm::hedge_fit<double>& got, const ex::fit& want) {
  INFO(label);
  check_in_range(label + " ratio", got.ratio, want.ratio);
  check_in_range(label + " effectiveness", got.effectiveness, want.effectiveness);
  check_in_range(label + " correlation", got.correlation, want.correlation);
  check_in_range(label + " exposure_mean", got.exposure_mean, want.exposure_mean);
  check_in_range(label + " hedge_mean", got.hedge_mean, want.hedge_mean);
  check_in_range(label + " exposure_variance", got.exposure_variance, want.exposure_variance);
  check_in_range(label + " hedge_variance", got.hedge_variance, want.hedge_variance);
  check_in_range(label + " covariance", got.covariance, want.covariance);
  check_in_range(label + " residual_variance", got.residual_variance, want.residual_variance);
  check_in_range(label + " residual_standard_error", got.residual_standard_error,
                 want.residual_standard_error);
  check_in_range(label + " ratio_standard_error", got.ratio_standard_error, want.ratio_standard_error);
  check_in_range(label + " intercept_standard_error", got.intercept_standard_error,
                 want.intercept_standard_error);
}

void check_fit(const std::string& label, const std::vector<double>& s, const std::vector<double>& f) {
  check_fit_figures(label, hm::fit_hedge(s, f), ex::fit_hedge(s.data(), f.data(), s.size()));
}

}  // namespace

TEST_CASE("describe: the issue's examples") {
  // {1,2,4,3}×1e200: variance 1.67e400 is beyond DBL_MAX (+inf); the standard deviation 1.29e200 is not.
  const auto huge = hm::describe(std::vector<double>{1e200, 2e200, 4e200, 3e200});
  CHECK(std::isinf(huge.variance));
  CHECK(huge.stddev == doctest::Approx(1.2909944487358056e200).epsilon(1e-15));
  CHECK(huge.mean == doctest::Approx(2.5e200).epsilon(1e-15));
  // {1e308, 1e308}: the sum overflows, the mean does not.
  const auto top = hm::describe(std::vector<double>{1e308, 1e308});
  CHECK(top.mean == 1e308);
  CHECK(top.variance == 0);
  // Values of both signs near ±DBL_MAX: the spread overflows, the mean is 0.
  const double big = std::numeric_limits<double>::max();
  const auto both = hm::describe(std::vector<double>{big, -big});
  CHECK(both.mean == 0);
  CHECK(std::isinf(both.variance));
  CHECK(std::isinf(both.stddev));  // √2·DBL_MAX
  const auto half = hm::describe(std::vector<double>{big / 2, -big / 2});
  CHECK(half.stddev == doctest::Approx(std::sqrt(0.5) * big).epsilon(1e-15));
}

TEST_CASE("describe: exact at every scale from 1e-300 to 1e300, with shifts") {
  for (int e = -300; e <= 300; e += 20) {
    const double k = std::pow(10.0, e);
    check_describe("jet fuel x 1e" + std::to_string(e), scaled(jet_fuel, k));
    check_describe("jet fuel + 3 x 1e" + std::to_string(e), scaled(jet_fuel, k, 3.0));
  }
  // Random scales and shifts (fixed seed), the whole exponent range of doubles.
  hm_test::random_source random(20261203);
  for (int trial = 0; trial < 60; ++trial) {
    const double k = std::ldexp(1.0 + random.uniform(), static_cast<int>(random.integer(-1060, 1015)));
    const double shift = random.symmetric() * 100;
    check_describe("random scale " + hm_test::show(k) + " shift " + hm_test::show(shift),
                   scaled(jet_fuel, k, shift));
  }
}

TEST_CASE("describe: properties across the range: k-scaling of the standard deviation, k² of the variance") {
  const auto base = hm::describe(jet_fuel);
  for (int p = -1000; p <= 1000; p += 50) {
    // A power of two scales every value exactly, so the figures scale exactly too (up to the final
    // rounding of a result that leaves the normal range).
    const auto s = hm::describe(scaled(jet_fuel, std::ldexp(1.0, p)));
    INFO("scale 2^" << p);
    CHECK(s.stddev == std::ldexp(base.stddev, p));
    CHECK(s.mean == std::ldexp(base.mean, p));
    CHECK(s.variance == std::ldexp(base.variance, 2 * p));
  }
}

TEST_CASE("fit_hedge: the issue's examples") {
  const auto ordinary = hm::fit_hedge(jet_fuel, heating_oil);
  for (const double k : {1e154, 1e200, 1e300, 1e-160, 1e-200, 1e-300}) {
    const auto fit = hm::fit_hedge(scaled(jet_fuel, k), scaled(heating_oil, k));
    INFO("scale " << k);
    // The scale-free figures are those of the ordinary-size data (the scaled inputs are rounded once,
    // so they agree to a few units in the last place, not bit for bit).
    CHECK(fit.ratio == doctest::Approx(ordinary.ratio).epsilon(1e-14));
    CHECK(fit.effectiveness == doctest::Approx(ordinary.effectiveness).epsilon(1e-14));
    CHECK(fit.effectiveness < 1);
    CHECK(fit.correlation == doctest::Approx(ordinary.correlation).epsilon(1e-14));
    CHECK(fit.ratio_standard_error == doctest::Approx(ordinary.ratio_standard_error).epsilon(1e-14));
    if (k > 1e150) {
      // k²·Var beyond DBL_MAX for 1e200 and 1e300 (+inf), within it for 1e154.
      if (k > 1e155) CHECK(std::isinf(fit.residual_variance));
      if (k < 1e155)
        CHECK(fit.residual_variance / k / k == doctest::Approx(ordinary.residual_variance).epsilon(1e-13));
    } else {
      CHECK(fit.residual_variance < 1e-300);  // k²·1e-4 underflows
      CHECK(fit.residual_variance >= 0);
    }
  }
}

TEST_CASE("fit_hedge: exact at every scale, each series at its own scale and shift") {
  hm_test::random_source random(31);
  for (int trial = 0; trial < 80; ++trial) {
    const double ks = std::ldexp(1.0 + random.uniform(), static_cast<int>(random.integer(-1040, 1000)));
    const double kf = std::ldexp(1.0 + random.uniform(), static_cast<int>(random.integer(-1040, 1000)));
    const double shift_s = random.symmetric() * 10;
    const double shift_f = random.symmetric() * 10;
    check_fit("exposure x " + hm_test::show(ks) + " hedge x " + hm_test::show(kf),
              scaled(jet_fuel, ks, shift_s), scaled(heating_oil, kf, shift_f));
  }
}

TEST_CASE("fit_hedge: powers of two scale each figure by its own power") {
  const auto base = hm::fit_hedge(jet_fuel, heating_oil);
  for (int ps = -1000; ps <= 1000; ps += 125) {
    for (int pf = -1000; pf <= 1000; pf += 250) {
      const auto fit =
          hm::fit_hedge(scaled(jet_fuel, std::ldexp(1.0, ps)), scaled(heating_oil, std::ldexp(1.0, pf)));
      INFO("exposure x 2^" << ps << ", hedge x 2^" << pf);
      CHECK_MESSAGE(same_scaled(fit.ratio, std::ldexp(base.ratio, ps - pf), 1e-15), "ratio " << fit.ratio);
      CHECK(fit.effectiveness == doctest::Approx(base.effectiveness).epsilon(1e-15));
      CHECK(fit.correlation == doctest::Approx(base.correlation).epsilon(1e-15));
      CHECK_MESSAGE(same_scaled(fit.covariance, std::ldexp(base.covariance, ps + pf), 1e-15),
                    "covariance " << fit.covariance);
      CHECK_MESSAGE(same_scaled(fit.residual_variance, std::ldexp(base.residual_variance, 2 * ps), 1e-15),
                    "residual variance " << fit.residual_variance);
      CHECK_MESSAGE(
          same_scaled(fit.ratio_standard_error, std::ldexp(base.ratio_standard_error, ps - pf), 1e-15),
          "ratio standard error " << fit.ratio_standard_error);
    }
  }
}

TEST_CASE("hedge_effectiveness and residual_variance at a given ratio, at every scale") {
  const double h = 0.7;
  const double e0 = hm::hedge_effectiveness(jet_fuel, heating_oil, h);
  const double v0 = hm::residual_variance(jet_fuel, heating_oil, h);
  for (int p = -1000; p <= 1000; p += 100) {
    const auto s = scaled(jet_fuel, std::ldexp(1.0, p));
    const auto f = scaled(heating_oil, std::ldexp(1.0, p));
    INFO("scale 2^" << p);
    CHECK(hm::hedge_effectiveness(s, f, h) == doctest::Approx(e0).epsilon(1e-14));
    const double got = hm::residual_variance(s, f, h);
    CHECK_MESSAGE(same_scaled(got, std::ldexp(v0, 2 * p), 1e-14), "residual variance " << got);
  }
}

TEST_CASE("missing data at extreme scales: omit skips the gaps, propagate gives NaN, raise throws") {
  auto s = scaled(jet_fuel, 1e200);
  auto f = scaled(heating_oil, 1e200);
  s[3] = std::numeric_limits<double>::quiet_NaN();
  const auto omitted = hm::fit_hedge(s, f, hm::fit_options{true, hm::missing_data::omit});
  std::vector<double> s14, f14;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == 3) continue;
    s14.push_back(s[i]);
    f14.push_back(f[i]);
  }
  const auto complete = hm::fit_hedge(s14, f14);
  CHECK(omitted.n == 14);
  CHECK(omitted.ratio == complete.ratio);
  CHECK(omitted.effectiveness == complete.effectiveness);
  CHECK(std::isinf(omitted.exposure_variance));
  CHECK(std::isnan(hm::fit_hedge(s, f).ratio));
  CHECK_THROWS_AS(static_cast<void>(hm::fit_hedge(s, f, hm::fit_options{true, hm::missing_data::raise})),
                  std::domain_error);
}

TEST_CASE("integer series stay exact: int64 values near 2^62 square past nothing the scaling misses") {
  const std::vector<long long> s = {4611686018427387904LL, 4611686018427387000LL, 4611686018427386000LL,
                                    4611686018427388000LL};
  const auto got = hm::describe(s);
  const std::vector<double> as_double(s.begin(), s.end());
  const auto want = ex::describe(as_double.data(), as_double.size());
  check_in_range("int64 variance", got.variance, want.variance);
  check_in_range("int64 mean", got.mean, want.mean);
}

namespace {

void check_basis(const std::string& label, const std::vector<double>& s, const std::vector<double>& f,
                 double ratio) {
  const auto got = hm::basis_risk(s, f, ratio);
  const auto want = ex::basis_risk(s.data(), f.data(), s.size(), ratio);
  INFO(label);
  check_in_range(label + " mean", got.mean, want.mean);
  check_in_range(label + " variance", got.variance, want.variance);
  check_in_range(label + " stddev", got.stddev, want.stddev);
  check_in_range(label + " change_variance", got.change_variance, want.change_variance);
  check_in_range(label + " change_stddev", got.change_stddev, want.change_stddev);
  check_in_range(label + " min", got.min, want.min);
  check_in_range(label + " max", got.max, want.max);
  check_in_range(label + " last", got.last, want.last);
}

}  // namespace

TEST_CASE("basis_risk: the issue's example and exact figures at every scale") {
  // Hull's changes as price levels near 3, ×1e200: Var(b) ≈ 1e396 is +inf, its square root exact.
  const auto s200 = scaled(jet_fuel, 1e200, 3.0);
  const auto f200 = scaled(heating_oil, 1e200, 3.1);
  const auto huge = hm::basis_risk(s200, f200);
  CHECK(std::isinf(huge.variance));
  CHECK(std::isfinite(huge.stddev));
  check_basis("Hull levels x 1e200, ratio 1", s200, f200, 1.0);
  for (int e = -300; e <= 300; e += 50) {
    const double k = std::pow(10.0, e);
    check_basis("Hull levels x 1e" + std::to_string(e) + ", ratio 1", scaled(jet_fuel, k, 3.0),
                scaled(heating_oil, k, 3.1), 1.0);
  }
  // Each series at its own scale and shift, the ratio bringing the futures to the spot's size.
  hm_test::random_source random(4242);
  for (int trial = 0; trial < 60; ++trial) {
    const int ps = static_cast<int>(random.integer(-1000, 1000));
    const int pf = static_cast<int>(random.integer(-1000, 1000));
    const double ks = std::ldexp(1.0 + random.uniform(), ps);
    const double kf = std::ldexp(1.0 + random.uniform(), pf);
    // h·F of the spot's size where that ratio is a double; otherwise a ratio of 0.9.
    const int ph = ps - pf;
    const double ratio = (ph > -1000 && ph < 1000) ? 0.9 * ks / kf : 0.9;
    check_basis("spot x " + hm_test::show(ks) + ", futures x " + hm_test::show(kf) + ", ratio " +
                    hm_test::show(ratio),
                scaled(jet_fuel, ks, random.symmetric() * 5), scaled(heating_oil, kf, random.symmetric() * 5),
                ratio);
  }
}

TEST_CASE("basis_risk: powers of two scale the basis exactly; shifts leave its spread alone") {
  const auto s0 = scaled(jet_fuel, 1.0, 3.0);
  const auto f0 = scaled(heating_oil, 1.0, 3.1);
  const auto base = hm::basis_risk(s0, f0, 0.8);
  for (int p = -1000; p <= 1000; p += 100) {
    const double k = std::ldexp(1.0, p);
    const auto got = hm::basis_risk(scaled(s0, k), scaled(f0, k), 0.8);
    INFO("scale 2^" << p);
    const double sd = std::ldexp(base.stddev, p);
    CHECK(std::fabs(got.stddev - sd) <= 1e-14 * sd + 4 * std::numeric_limits<double>::denorm_min());
    const double v = std::ldexp(base.variance, 2 * p);
    if (std::isinf(v)) {
      CHECK(std::isinf(got.variance));
    } else {
      CHECK(std::fabs(got.variance - v) <= 1e-14 * v + 4 * std::numeric_limits<double>::denorm_min());
    }
    CHECK(got.mean == doctest::Approx(std::ldexp(base.mean, p)).epsilon(1e-14));
  }
}

namespace {

/// Hull's exposure on heating oil and a second, independent instrument (a deterministic wiggle).
Eigen::MatrixXd two_instruments(double k1, double k2) {
  Eigen::MatrixXd x(static_cast<Eigen::Index>(heating_oil.size()), 2);
  for (std::size_t i = 0; i < heating_oil.size(); ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    x(r, 0) = heating_oil[i] * k1;
    x(r, 1) = std::sin(1.7 * static_cast<double>(i) + 0.3) * 0.01 * k2;
  }
  return x;
}

bool close_or_beyond(double got, double want, double allowed) {
  if (std::isinf(want)) return got == want;
  return std::fabs(got - want) <= allowed * std::fabs(want) + 4 * std::numeric_limits<double>::denorm_min();
}

}  // namespace

TEST_CASE("fit_hedge with several instruments: the issue's collinearity false alarms, and every scale") {
  const auto base = hm::fit_hedge(jet_fuel, two_instruments(1, 1));
  REQUIRE(base.rank == 3);
  for (const double k : {1e154, 1e-170, 1e200, 1e-200, 1e300, 1e-300}) {
    const auto fit = hm::fit_hedge(scaled(jet_fuel, k), two_instruments(k, k));
    INFO("every series x " << k);
    CHECK(fit.rank == 3);
    CHECK(fit.dropped.empty());
    CHECK(fit.r_squared == doctest::Approx(base.r_squared).epsilon(1e-13));
    CHECK(fit.effectiveness == doctest::Approx(base.effectiveness).epsilon(1e-13));
    for (Eigen::Index j = 0; j < 2; ++j) {
      CHECK(fit.ratios(j) == doctest::Approx(base.ratios(j)).epsilon(1e-13));
      CHECK(fit.ratio_standard_errors(j) == doctest::Approx(base.ratio_standard_errors(j)).epsilon(1e-12));
    }
  }
  // Powers of two, each series its own: each figure scales by its own power exactly (to rounding).
  hm_test::random_source random(77);
  for (int trial = 0; trial < 40; ++trial) {
    const int ps = static_cast<int>(random.integer(-1000, 1000));
    const int p1 = static_cast<int>(random.integer(-1000, 1000));
    const int p2 = static_cast<int>(random.integer(-1000, 1000));
    const auto fit = hm::fit_hedge(scaled(jet_fuel, std::ldexp(1.0, ps)),
                                   two_instruments(std::ldexp(1.0, p1), std::ldexp(1.0, p2)));
    INFO("exposure x 2^" << ps << ", instruments x 2^" << p1 << ", 2^" << p2);
    CHECK(fit.rank == 3);
    CHECK(fit.r_squared == doctest::Approx(base.r_squared).epsilon(1e-13));
    const int pj[2] = {p1, p2};
    for (Eigen::Index j = 0; j < 2; ++j) {
      const double want = std::ldexp(base.ratios(j), ps - pj[j]);
      CHECK_MESSAGE(close_or_beyond(fit.ratios(j), want, 1e-13),
                    "ratio " << j << " computed " << hm_test::show(fit.ratios(j)) << ", expected "
                             << hm_test::show(want) << ", tolerance 1e-13");
      const double se = std::ldexp(base.ratio_standard_errors(j), ps - pj[j]);
      CHECK_MESSAGE(close_or_beyond(fit.ratio_standard_errors(j), se, 1e-12),
                    "se " << j << " computed " << hm_test::show(fit.ratio_standard_errors(j)) << ", expected "
                          << hm_test::show(se) << ", tolerance 1e-12");
    }
    const double v = std::ldexp(base.residual_variance, 2 * ps);
    CHECK_MESSAGE(close_or_beyond(fit.residual_variance, v, 1e-13),
                  "residual variance computed " << hm_test::show(fit.residual_variance) << ", expected "
                                                << hm_test::show(v) << ", tolerance 1e-13");
    const double a = std::ldexp(base.intercept, ps);
    CHECK_MESSAGE(close_or_beyond(fit.intercept, a, 1e-12),
                  "intercept computed " << hm_test::show(fit.intercept) << ", expected " << hm_test::show(a)
                                        << ", tolerance 1e-12");
  }
  // The one-instrument fit agrees with the univariate kernel at every scale.
  for (int p = -1000; p <= 1000; p += 200) {
    const double k = std::ldexp(1.0, p);
    Eigen::MatrixXd one = two_instruments(k, k).leftCols(1);
    const auto multi = hm::fit_hedge(scaled(jet_fuel, k), one, hm::fit_options{});
    const auto uni = hm::fit_hedge(scaled(jet_fuel, k), scaled(heating_oil, k));
    INFO("scale 2^" << p);
    CHECK(multi.rank == 2);
    CHECK(multi.ratios(0) == doctest::Approx(uni.ratio).epsilon(1e-13));
    CHECK(multi.effectiveness == doctest::Approx(uni.effectiveness).epsilon(1e-13));
  }
}

TEST_CASE("fit_hedge_book: every exposure's figures are the several-instrument fit's, at every scale") {
  // Three exposures (jet fuel, its negative plus a shift, heating oil times 0.3 plus jet fuel) on the two
  // instruments, each column at its own power of two: each fit of the book equals fit_hedge on that
  // exposure (which test_range holds to GMP above), up to rounding, and scales with its own power.
  hm_test::random_source random(83);
  for (int trial = 0; trial < 30; ++trial) {
    const int p1 = static_cast<int>(random.integer(-1000, 1000));
    const int p2 = static_cast<int>(random.integer(-1000, 1000));
    int pe[3];
    for (int& p : pe) p = static_cast<int>(random.integer(-1000, 1000));
    const Eigen::MatrixXd x = two_instruments(std::ldexp(1.0, p1), std::ldexp(1.0, p2));
    const auto n = static_cast<Eigen::Index>(jet_fuel.size());
    Eigen::MatrixXd book(n, 3);
    for (Eigen::Index i = 0; i < n; ++i) {
      const auto u = static_cast<std::size_t>(i);
      book(i, 0) = std::ldexp(jet_fuel[u], pe[0]);
      book(i, 1) = std::ldexp(0.25 - jet_fuel[u], pe[1]);
      book(i, 2) = std::ldexp(0.3 * heating_oil[u] + jet_fuel[u], pe[2]);
    }
    const auto fits = hm::fit_hedge_book(book, x);
    INFO("instruments x 2^" << p1 << ", 2^" << p2 << ", exposures x 2^" << pe[0] << ", 2^" << pe[1] << ", 2^"
                            << pe[2]);
    for (Eigen::Index c = 0; c < 3; ++c) {
      const Eigen::VectorXd column = book.col(c);
      const auto one = hm::fit_hedge(column, x);
      const auto& got = fits.fits[static_cast<std::size_t>(c)];
      CHECK(got.rank == one.rank);
      CHECK(got.r_squared == doctest::Approx(one.r_squared).epsilon(1e-12));
      for (Eigen::Index j = 0; j < 2; ++j) {
        CHECK_MESSAGE(close_or_beyond(got.ratios(j), one.ratios(j), 1e-12),
                      "exposure " << c << " ratio " << j << ": book " << hm_test::show(got.ratios(j))
                                  << ", fit_hedge " << hm_test::show(one.ratios(j)));
        CHECK_MESSAGE(close_or_beyond(got.ratio_standard_errors(j), one.ratio_standard_errors(j), 1e-11),
                      "exposure " << c << " se " << j);
      }
      CHECK_MESSAGE(close_or_beyond(got.residual_variance, one.residual_variance, 1e-12),
                    "exposure " << c << " residual variance: book " << hm_test::show(got.residual_variance)
                                << ", fit_hedge " << hm_test::show(one.residual_variance));
      CHECK_MESSAGE(close_or_beyond(got.exposure_mean, one.exposure_mean, 1e-13),
                    "exposure " << c << " mean");
    }
  }
}

TEST_CASE("basis_risk: a basis steady at 4.65e129 that moves near 1e-125 keeps its variance (fuzz finding)") {
  // fuzz/corpus/fuzz_estimators/basis-4.65e129-plus-spot-near-1e-125: b_t = s_t + 4.65e129 rounds to one
  // double; the exact pass kept each b_t as hi + lo, but its mean mixed the high parts with the low ones
  // and lost them (variance 0). Exact: the variance of s_t, 6.56e-251.
  const std::vector<double> s = {1.0685103375387596e-317, 1.4034161355238147e-125, 6.9551428236766776e-130};
  const std::vector<double> f(3, -4.6537358003282691e+129);
  check_basis("spot near 1e-125 against futures -4.65e129", s, f, 1.0);
  // basis-change-spread-1e115-beside-levels-9e129 (and its sibling): the changes' spread lives below the
  // unit in the last place of the levels' spread, so the changes come from the unshifted parts.
  check_basis("changes 4.65e129 apart by 1.36e57",
              {1.4034161355238149e-125, -4.6537358003282691e+129, -4.653735800328239e+129},
              {-4.6537358003282691e+129, -4.6537358003282691e+129, -1.3631157199890536e+57}, 1.0);
  check_basis("changes 4.65e129 apart by 2.1e122",
              {1.4034163688630611e-125, -4.6537358003282691e+129, -4.6537358003282691e+129},
              {-4.6537360083262815e+129, -4.6537358003282691e+129, -1.3631269883379472e+57}, 1.0);
  // basis-mean-0-for-8.1e-303-beside-prices-near-1e308: three bases cancel exactly on prices near 1e308,
  // the fourth is 3.26e-302; the scaled pass (prices divided by 2^1024) flushed it, and the mean with it.
  check_basis(
      "bases 0, 0, 0 on prices near 1e308 beside one of 3.3e-302",
      {6.984870894094091e-308, -1.0674180159535215e+308, -2.4164719640323486e+284, 3.2572730214426763e-302},
      {6.984870894094091e-308, -1.0674180159535215e+308, -2.4164719640323486e+284, 2.7808029462941232e-308},
      1.0);
  // basis-mean-inf-parts-1e308-cancel-beside-6e238: the compensated sum's high part cancels to 0 and
  // its error term holds 6e238; lifting both by 2^600 for the division overflowed (mean +inf).
  check_basis("bases 1e308 and -1e308 beside 6e238 and values near 1e-296",
              {9.9999955158327897e+307, 4.880590389248991e-312, -1.415129217885588e-296,
               -1.3761532023238148e-296, 1.6506733227556047e-319, 0, 0, 0},
              {0, 0, -6.0258965269059657e+238, 9.9999955158327897e+307, 4.880590389248991e-312,
               -1.415129217885588e-296, -1.3761532023238148e-296, 1.0818017755343407e-314},
              1.0);
  // basis-mean-inf-for-2.2e158-sum-cancelled-below-its-error: bases ±2.4e284 cancel beside 1.76e159, and
  // the compensated sum of the exact bases ends as sum −2e-305, error 1.76e159; the mean lifted both by
  // 2^600 (chosen from the sum alone) and was inf for 2.196735251241796e158. Also negated and reversed.
  const std::vector<double> s3 = {2.6436770471366436e-303,  1.7573882009934369e+159, 9.3641189039817078e-97,
                                  -2.4164719640322727e+284, 9.8966663440999833e+110, -1.4537344454040292e+135,
                                  3.1559840978569891e-294,  4.7514803646669282e-299};
  const std::vector<double> f3 = {1.9939441883818593e-305, 6.1153168443274159e-92,   -2.4164719640322727e+284,
                                  9.8966663440999833e+110, -1.4537344454040292e+135, 3.1559840978569891e-294,
                                  4.7514803646669282e-299, 1.9939441883818593e-305};
  CHECK(hm::basis_risk(s3, f3).mean == doctest::Approx(2.196735251241796e158).epsilon(1e-15));
  check_basis("bases +-2.4e284 cancelling beside 1.76e159", s3, f3, 1.0);
  check_basis("the same negated", scaled(s3, -1.0, 0.0), scaled(f3, -1.0, 0.0), 1.0);
  check_basis("the same reversed", {s3.rbegin(), s3.rend()}, {f3.rbegin(), f3.rend()}, 1.0);
  // The same at other ratios and with the low parts spread over the subnormals and the normals.
  const std::vector<double> s2 = {3e-310, -2.5e-200, 7e-201, 1e-199, 0.0};
  const std::vector<double> f2(5, 1.5e250);
  for (const double ratio : {1.0, -0.75, 3.0, 1e-50}) {
    check_basis("spot near 1e-200 against futures 1.5e250, ratio " + hm_test::show(ratio), s2, f2, ratio);
  }
}

TEST_CASE("fit_hedge with several instruments: subnormal squares are not collinearity (fuzz finding)") {
  // fuzz/corpus/fuzz_estimators/multi-zero-instrument-and-1e-292-rank: a zero exposure, a zero instrument
  // and one near 1e-292 whose shifted values sum to 0 exactly and whose squares underflow. The streaming
  // QR saw an all-zero column of R and called the instrument constant: rank 1 (both dropped), where the
  // same data ×2^969 give rank 2 (only the zero instrument dropped).
  Eigen::MatrixXd h(3, 2);
  h << 0, 7.5156313500336479e-293, 0, 1.0020841800044864e-292, 0, 5.0104209000224319e-293;
  const std::vector<double> zero(3, 0.0);
  const auto fit = hm::fit_hedge(zero, h);
  CHECK(fit.rank == 2);
  REQUIRE(fit.dropped.size() == 1);
  CHECK(fit.dropped[0] == 0);
  // multi-subnormal-exposure-zero-instruments: an exposure of ±2^-1074 on constant instruments; its
  // residual squares underflowed, so the fit looked perfect with TSS 0 (effectiveness NaN). Exact:
  // effectiveness 0, residual variance 2·2^-2148/7, which is 0 in doubles.
  const double d = std::numeric_limits<double>::denorm_min();
  const auto flat = hm::fit_hedge(std::vector<double>{0, 0, 0, d, -d, 0, 0, 0}, Eigen::MatrixXd::Zero(8, 2));
  CHECK(flat.rank == 1);
  CHECK(flat.effectiveness == 0);
  CHECK(flat.residual_variance == 0);
  // Each figure scales by its own power of two: a live exposure on the same instrument and a second
  // independent one, every column among the subnormals or at the bottom of the normal range.
  const std::vector<double> s = {3e-300, 1.7e-300, 2.9e-300, 4.4e-300, 2.2e-300, 3.3e-300};
  Eigen::MatrixXd x(6, 2);
  x << 1e-308, 2e-310, 1.5e-308, 7e-311, 1.25e-308, 3e-310, 2e-308, 9e-311, 1.1e-308, 1.5e-310, 1.6e-308,
      2.5e-310;
  const int ps = 1000, p1 = 1020, p2 = 1028;
  Eigen::MatrixXd up = x;
  up.col(0) = x.col(0).unaryExpr([&](double v) { return std::ldexp(v, p1); });
  up.col(1) = x.col(1).unaryExpr([&](double v) { return std::ldexp(v, p2); });
  std::vector<double> s_up = s;
  for (double& v : s_up) v = std::ldexp(v, ps);
  const auto tiny = hm::fit_hedge(s, x);
  const auto base = hm::fit_hedge(s_up, up);
  REQUIRE(base.rank == 3);
  CHECK(tiny.rank == 3);
  CHECK(tiny.r_squared == doctest::Approx(base.r_squared).epsilon(1e-13));
  CHECK(tiny.effectiveness == doctest::Approx(base.effectiveness).epsilon(1e-13));
  const int pj[2] = {p1, p2};
  for (Eigen::Index j = 0; j < 2; ++j) {
    const double want = std::ldexp(base.ratios(j), pj[j] - ps);
    CHECK_MESSAGE(close_or_beyond(tiny.ratios(j), want, 1e-13),
                  "ratio " << j << " computed " << hm_test::show(tiny.ratios(j)) << ", expected "
                           << hm_test::show(want) << ", tolerance 1e-13");
  }
}

TEST_CASE("fuzz findings (rounds 3-4): extremes are data values; omitted pairs do not set the scale") {
  // describe: min and max are values of the data, never of the scaled copy.
  const auto a = hm::describe(std::vector<double>{3.3295381867416241e-294, 9.7187416465027658e+307});
  CHECK(a.min == 3.3295381867416241e-294);
  CHECK(a.max == 9.7187416465027658e+307);
  const auto b = hm::describe(std::vector<double>{3.3295381867416241e-294, -1.3025381207645299e+163});
  CHECK(b.max == 3.3295381867416241e-294);
  CHECK(b.min == -1.3025381207645299e+163);
  check_describe("finding mixed 1e-294 / 1e307", {3.3295381867416241e-294, 9.7187416465027658e+307});

  // fit_hedge(omit): the complete pairs alone set the scale.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  {
    const std::vector<double> x = {32.501960784196854, -1.7414843649532643e+308, 5.2846432015458031e-308,
                                   2.1646290087179583e-304};
    const std::vector<double> y = {-4.6632054584746354e+304, nan, nan, 3.4616138665934017e-164};
    const auto got = hm::fit_hedge(x, y, hm::fit_options{true, hm::missing_data::omit});
    const std::vector<double> xc = {x[0], x[3]}, yc = {y[0], y[3]};
    const auto want = ex::fit_hedge(xc.data(), yc.data(), 2);
    CHECK(got.n == 2);
    check_in_range("omit finding 1 exposure_variance", got.exposure_variance, want.exposure_variance);
    check_in_range("omit finding 1 exposure_mean", got.exposure_mean, want.exposure_mean);
    check_in_range("omit finding 1 hedge_mean", got.hedge_mean, want.hedge_mean);
  }
  {
    const std::vector<double> x = {-4.7222936467215991e+226, 4.7514787092285699e-299, 1.5319149314489561e-309,
                                   7.7871897104323958e-308, 1.3906350864729128e-308};
    const std::vector<double> y = {nan, 1.5394040782141e-288, nan, nan, -5.4888028709683876e+303};
    const auto got = hm::fit_hedge(x, y, hm::fit_options{true, hm::missing_data::omit});
    const std::vector<double> xc = {x[1], x[4]}, yc = {y[1], y[4]};
    const auto want = ex::fit_hedge(xc.data(), yc.data(), 2);
    check_in_range("omit finding 2 exposure_mean", got.exposure_mean, want.exposure_mean);
    check_in_range("omit finding 2 hedge_mean", got.hedge_mean, want.hedge_mean);
  }

  // basis_risk: min, max and last are single b_t, rounded once from the data.
  const std::vector<std::pair<std::vector<double>, std::vector<double>>> cases = {
      {{7.6534323115471051e-309, 4.6896106980381925e-312},
       {-4.1939703752957017e+188, 4.032946371471766e-308}},
      {{2.7814038791446119e-308, -1.6291816909657139e+308, 3.4632890424956735e-289, -8.988551392776493e+307,
        -5.0561619543786861e+307},
       {1.2479198897474132e-164, 1.8868864876309148e-183, 9.3564946280662151e-97, -2.4495525634124756e+260,
        1.5811172540530909e-260}},
      {{2.4761622481166792e-73, 8.737659657898311e+183, -1.0559436852967125e+270, 2.4000589512127049e+174,
        3.8820982872798573e-265, 6.4346306816327628e-138, 1.9512369318044255e-153, 1.0492846251105065e-153},
       {9.0008522868645462e+223, 6.9501374702034077e-13, 1.9957569627039796e+174, 1.1556452735325074e+171,
        3.029077610012666e-152, 2.4385990526929061e-152, 3.9886421753313487e+209, 1.7034273617892095e-139}}};
  for (std::size_t c = 0; c < cases.size(); ++c) {
    const auto got = hm::basis_risk(cases[c].first, cases[c].second);
    const auto want =
        ex::basis_risk(cases[c].first.data(), cases[c].second.data(), cases[c].first.size(), 1.0);
    const std::string label = "basis finding case " + std::to_string(c);
    check_in_range(label + " min", got.min, want.min);
    check_in_range(label + " max", got.max, want.max);
    check_in_range(label + " last", got.last, want.last);
  }
}

// ---------------------------------------------------------------------------------------------------
// rolling_hedge, ewma_hedge, expanding_hedge under the range contract: every window (or weighted prefix)
// against exact rational arithmetic on the very inputs, with the exposure and the hedge each scaled by its
// own random factor 2^p·(1 + u) over the whole double range (subnormal data included) and shifted.

namespace {

/// Worst relative error seen per figure and band of scales, reported once per test case.
struct error_record {
  std::map<std::string, double> worst;
  std::map<std::string, std::size_t> cases;
  void add(const std::string& key, double error) {
    double& w = worst[key];
    w = std::max(w, error);
    ++cases[key];
  }
  void report(const char* what) const {
    for (const auto& [key, value] : worst) {
      MESSAGE(what << ": worst relative error " << key << " = " << hm_test::show(value) << " over "
                   << cases.at(key) << " figures");
    }
  }
};

/// The band a scale 2^p falls in, for the report.
std::string band_of(int p) {
  if (p < -1000) return "subnormal (2^p < 2^-1000)";
  if (p < -400) return "tiny (2^-1000..2^-400)";
  if (p <= 400) return "moderate (2^-400..2^400)";
  return "huge (2^400..2^1024)";
}

/// check_in_range with a tolerance of our own, recording the relative error.
/// The error is judged relative to max(|exact|, scale): a figure's natural scale (√(S_SS/S_FF) for a ratio,
/// S_SS/(n − 1) for a residual variance, whose rounding is a share of S_SS; 1 for R²).
bool check_window_figure(const std::string& what, double computed, const ex::maybe& expected, double tol,
                         error_record& record, const std::string& key, long double scale = 0) {
  if (!expected) {
    CHECK_MESSAGE(std::isnan(computed), what << ": expected NaN, computed " << hm_test::show(computed));
    return std::isnan(computed);
  }
  const long double exact = ex::to_long_double(*expected);
  const auto largest = static_cast<long double>(std::numeric_limits<double>::max());
  if (std::fabs(exact) > largest * (1 + 1e-12L)) {
    const bool ok = std::isinf(computed) && ((computed > 0) == (exact > 0));
    CHECK_MESSAGE(ok, what << ": exact " << hm_test::show(exact) << " exceeds DBL_MAX, expected "
                           << (exact > 0 ? "+inf" : "-inf") << ", computed " << hm_test::show(computed));
    return ok;
  }
  const long double error = std::fabs(static_cast<long double>(computed) - exact);
  const long double floor = 2.0L * static_cast<long double>(std::numeric_limits<double>::denorm_min());
  const long double size = std::max(std::fabs(exact), scale);
  const long double bound = static_cast<long double>(tol) * size + floor;
  // A figure whose error bound is itself beyond DBL_MAX (a residual variance that is a rounding residue of
  // an exposure variance beyond DBL_MAX) may come back as +inf.
  const bool ok = (std::isfinite(computed) && error <= bound) ||
                  (std::isinf(computed) && bound > largest && (computed > 0) == (exact >= 0));
  // Relative error of normal results only (a subnormal result carries fewer digits by definition).
  if (size >= static_cast<long double>(std::numeric_limits<double>::min()) && std::isfinite(computed))
    record.add(key, static_cast<double>(error / size));
  CHECK_MESSAGE(ok, what << ": computed " << hm_test::show(computed) << ", exact " << hm_test::show(exact)
                         << ", error " << hm_test::show(error) << ", tolerance " << hm_test::show(bound));
  return ok;
}

/// The natural scales of a fit's ratio (√(S_SS/S_FF)) and residual variance (S_SS/(n − 1)), 0 if undefined.
long double ratio_scale(const ex::maybe& sss, const ex::maybe& sff) {
  if (!sss || !sff || sgn(*sff) == 0) return 0;
  return std::sqrt(ex::to_long_double(*sss)) / std::sqrt(ex::to_long_double(*sff));
}
long double variance_scale(const ex::maybe& variance) {
  return variance ? ex::to_long_double(*variance) : 0;
}

/// Correlated changes (ratio about 0.8, R² about 0.7), each series shifted and scaled: (v + shift)·k.
struct scaled_pair {
  std::vector<double> s, f;
};

scaled_pair make_pair_series(hm_test::random_source& random, std::size_t n, double ks, double kf,
                             double shift_s, double shift_f) {
  scaled_pair p;
  for (std::size_t i = 0; i < n; ++i) {
    const double f = 0.02 * random.symmetric();
    const double s = 0.8 * f + 0.01 * random.symmetric();
    p.s.push_back((s + shift_s) * ks);
    p.f.push_back((f + shift_f) * kf);
  }
  return p;
}

/// Exact figures of a weighted window: weights λ^k for the observation k periods before the last, over
/// positions 0 … t (ewma_hedge's definition), as rationals. residual: SSR/W.
struct weighted_exact {
  ex::maybe ratio, effectiveness, residual_variance;
  long double ratio_scale = 0, variance_scale = 0;  // √(S_SS/S_FF) and S_SS/W
};

weighted_exact exact_ewma(const std::vector<double>& s, const std::vector<double>& f, std::size_t t,
                          double lambda) {
  const ex::rational l = ex::to_rational(lambda);
  ex::rational w = 1, total = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (std::size_t k = 0; k <= t; ++k) {
    const ex::rational x = ex::to_rational(s[t - k]);
    const ex::rational y = ex::to_rational(f[t - k]);
    total += w;
    sx += w * x;
    sy += w * y;
    sxx += w * x * x;
    syy += w * y * y;
    sxy += w * x * y;
    w *= l;
  }
  const ex::rational cxx = sxx - sx * sx / total;
  const ex::rational cyy = syy - sy * sy / total;
  const ex::rational cxy = sxy - sx * sy / total;
  weighted_exact out;
  out.variance_scale = ex::to_long_double(cxx / total);
  if (sgn(cyy) != 0)
    out.ratio_scale = std::sqrt(ex::to_long_double(cxx)) / std::sqrt(ex::to_long_double(cyy));
  if (sgn(cyy) != 0) {
    out.ratio = ex::rational(cxy / cyy);
    out.residual_variance = ex::rational((cxx - cxy * cxy / cyy) / total);
    if (sgn(cxx) != 0) out.effectiveness = ex::rational(cxy * cxy / (cxx * cyy));
  }
  return out;
}

/// A random scale 2^p·(1 + u) with p in [lo, hi]; p is returned for the report.
double random_scale(hm_test::random_source& random, long lo, long hi, int& p) {
  p = static_cast<int>(random.integer(lo, hi));
  return std::ldexp(1.0 + random.uniform(), p);
}

/// Every window (or `samples` random ones) of rolling_hedge against fit_hedge's exact figures on it.
void check_rolling(const std::string& label, const scaled_pair& p, std::size_t window, std::size_t samples,
                   hm_test::random_source& random, error_record& record, const std::string& band) {
  const auto path = hm::rolling_hedge(p.s, p.f, hm::rolling_options{window});
  const std::size_t n = p.s.size();
  REQUIRE(path.ratio.size() == n);
  std::vector<std::size_t> ends;
  if (samples == 0 || n - window + 1 <= samples) {
    for (std::size_t t = window - 1; t < n; ++t) ends.push_back(t);
  } else {
    for (std::size_t k = 0; k < samples; ++k)
      ends.push_back(
          static_cast<std::size_t>(random.integer(static_cast<long>(window - 1), static_cast<long>(n - 1))));
  }
  for (std::size_t t = 0; t + 1 < window && t < n; ++t) CHECK(std::isnan(path.ratio[t]));
  for (const std::size_t t : ends) {
    const std::size_t first = t + 1 - window;
    const auto want = ex::fit_hedge(p.s.data() + first, p.f.data() + first, window);
    const std::string at = label + ", window " + std::to_string(window) + " ending at " + std::to_string(t);
    check_window_figure(at + " ratio", path.ratio[t], want.ratio, 1e-12, record, "rolling ratio, " + band,
                        ratio_scale(want.sss, want.sff));
    check_window_figure(at + " effectiveness", path.effectiveness[t], want.effectiveness, 1e-12, record,
                        "rolling effectiveness, " + band);
    check_window_figure(at + " residual_variance", path.residual_variance[t], want.residual_variance, 1e-12,
                        record, "rolling residual_variance, " + band, variance_scale(want.exposure_variance));
  }
}

void check_expanding(const std::string& label, const scaled_pair& p, error_record& record,
                     const std::string& band) {
  const auto path = hm::expanding_hedge(p.s, p.f);
  for (std::size_t t = 1; t < p.s.size(); ++t) {
    const auto want = ex::fit_hedge(p.s.data(), p.f.data(), t + 1);
    const std::string at = label + ", expanding at " + std::to_string(t);
    check_window_figure(at + " ratio", path.ratio[t], want.ratio, 1e-12, record, "expanding ratio, " + band,
                        ratio_scale(want.sss, want.sff));
    check_window_figure(at + " effectiveness", path.effectiveness[t], want.effectiveness, 1e-12, record,
                        "expanding effectiveness, " + band);
    check_window_figure(at + " residual_variance", path.residual_variance[t], want.residual_variance, 1e-12,
                        record, "expanding residual_variance, " + band,
                        variance_scale(want.exposure_variance));
  }
}

void check_ewma(const std::string& label, const scaled_pair& p, double lambda, error_record& record,
                const std::string& band) {
  hm::ewma_options options;
  options.lambda = lambda;
  const auto path = hm::ewma_hedge(p.s, p.f, options);
  for (std::size_t t = 1; t < p.s.size(); ++t) {
    const auto want = exact_ewma(p.s, p.f, t, lambda);
    const std::string at = label + ", lambda " + hm_test::show(lambda) + " at " + std::to_string(t);
    check_window_figure(at + " ratio", path.ratio[t], want.ratio, 1e-12, record, "ewma ratio, " + band,
                        want.ratio_scale);
    check_window_figure(at + " effectiveness", path.effectiveness[t], want.effectiveness, 1e-12, record,
                        "ewma effectiveness, " + band);
    check_window_figure(at + " residual_variance", path.residual_variance[t], want.residual_variance, 1e-12,
                        record, "ewma residual_variance, " + band, want.variance_scale);
  }
}

}  // namespace

TEST_CASE("rolling_hedge, ewma_hedge, expanding_hedge: the issue's scales, against exact figures") {
  struct scales {
    const char* name;
    double ks, kf;
  };
  const scales cases[] = {{"x 1", 1, 1},
                          {"x 1e200", 1e200, 1e200},
                          {"x 1e-200", 1e-200, 1e-200},
                          {"x 1e154", 1e154, 1e154},
                          {"x 1e300", 1e300, 1e300},
                          {"exposure 1e300, hedge 1e-300", 1e300, 1e-300},
                          {"exposure 1e-300, hedge 1e300", 1e-300, 1e300},
                          {"subnormal (x 2^-1050)", std::ldexp(1.0, -1050), std::ldexp(1.0, -1050)},
                          {"exposure subnormal, hedge 1e300", std::ldexp(1.0, -1040), 1e300}};
  hm_test::random_source random(1010);
  error_record record;
  for (const auto& c : cases) {
    const scaled_pair p = make_pair_series(random, 64, c.ks, c.kf, 0.1, -0.05);
    INFO(c.name);
    for (const std::size_t window : {2U, 5U, 20U})
      check_rolling(c.name, p, window, 0, random, record, "fixed");
    check_expanding(c.name, p, record, "fixed");
    const scaled_pair q = make_pair_series(random, 30, c.ks, c.kf, 0.1, -0.05);
    for (const double lambda : {0.94, 0.5}) check_ewma(c.name, q, lambda, record, "fixed");
  }
  // ×1e200: the variances are beyond DBL_MAX (+inf), the ratio and effectiveness those of the data ×1.
  const scaled_pair base = make_pair_series(random, 80, 1, 1, 0, 0);
  std::vector<double> s200 = base.s, f200 = base.f;
  for (double& v : s200) v *= 1e200;
  for (double& v : f200) v *= 1e200;
  const auto ordinary = hm::rolling_hedge(base.s, base.f, hm::rolling_options{25});
  const auto huge = hm::rolling_hedge(s200, f200, hm::rolling_options{25});
  for (std::size_t t = 24; t < base.s.size(); ++t) {
    CHECK(std::isinf(huge.residual_variance[t]));
    CHECK(huge.ratio[t] == doctest::Approx(ordinary.ratio[t]).epsilon(1e-13));
    CHECK(huge.effectiveness[t] == doctest::Approx(ordinary.effectiveness[t]).epsilon(1e-13));
  }
  const auto ewma_huge = hm::ewma_hedge(s200, f200);
  const auto ewma_ordinary = hm::ewma_hedge(base.s, base.f);
  const auto expanding_huge = hm::expanding_hedge(s200, f200);
  const auto expanding_ordinary = hm::expanding_hedge(base.s, base.f);
  for (std::size_t t = 2; t < base.s.size(); ++t) {
    CHECK(std::isinf(ewma_huge.residual_variance[t]));
    CHECK(ewma_huge.ratio[t] == doctest::Approx(ewma_ordinary.ratio[t]).epsilon(1e-13));
    CHECK(ewma_huge.effectiveness[t] == doctest::Approx(ewma_ordinary.effectiveness[t]).epsilon(1e-13));
    CHECK(std::isinf(expanding_huge.residual_variance[t]));
    CHECK(expanding_huge.ratio[t] == doctest::Approx(expanding_ordinary.ratio[t]).epsilon(1e-13));
  }
  record.report("issue's scales");
}

TEST_CASE("rolling_hedge, ewma_hedge, expanding_hedge: random scales 2^-1074..2^1024 and shifts, exact") {
  hm_test::random_source random(20261204);
  error_record record;
  for (int trial = 0; trial < 48; ++trial) {
    int ps = 0, pf = 0;
    const double ks = random_scale(random, -1060, 1000, ps);
    // Half the trials at one scale for both series, half at independent scales.
    const double kf = trial % 2 == 0 ? ks : random_scale(random, -1060, 1000, pf);
    if (trial % 2 == 0) pf = ps;
    const double shift_s = 5 * random.symmetric();
    const double shift_f = 5 * random.symmetric();
    const std::string band = band_of(std::min(ps, pf) < -400 ? std::min(ps, pf) : std::max(ps, pf));
    const std::string label = "exposure x " + hm_test::show(ks) + " + " + hm_test::show(shift_s) +
                              ", hedge x " + hm_test::show(kf) + " + " + hm_test::show(shift_f);
    INFO(label);
    // Windows 2…500: short ones on every window, long ones on a sample of windows.
    const auto window =
        static_cast<std::size_t>(trial % 4 == 3 ? random.integer(60, 500) : random.integer(2, 40));
    const std::size_t n =
        2 * window + static_cast<std::size_t>(random.integer(0, 2 * static_cast<long>(window) + 3));
    const scaled_pair p = make_pair_series(random, n, ks, kf, shift_s, shift_f);
    check_rolling(label, p, window, window > 40 ? 24 : 0, random, record, band);
    const scaled_pair q = make_pair_series(random, 40, ks, kf, shift_s, shift_f);
    check_expanding(label, q, record, band);
    static constexpr double lambdas[] = {0.94, 0.5, 0.99, 0.97};
    check_ewma(label, q, lambdas[trial % 4], record, band);
  }
  record.report("random scales");
}

TEST_CASE("rolling_hedge, ewma_hedge, expanding_hedge: series whose scale changes inside a window") {
  // Halves 2^900 apart: windows wholly in one half, windows across both, and the switch in the first chunk.
  hm_test::random_source random(99);
  error_record record;
  for (const int gap : {0, 300, 900, 1800}) {
    for (const std::size_t window : {3U, 8U, 30U}) {
      scaled_pair p = make_pair_series(random, 4 * window + 5, 1, 1, 0.2, 0.1);
      for (std::size_t i = 0; i < p.s.size(); ++i) {
        const int e = i < p.s.size() / 2 ? -gap / 2 : gap / 2;
        p.s[i] = std::ldexp(p.s[i], e - 100);
        p.f[i] = std::ldexp(p.f[i], e + 80);
      }
      const std::string label = "halves 2^" + std::to_string(gap) + " apart";
      INFO(label);
      check_rolling(label, p, window, 0, random, record, "mixed");
      check_expanding(label, p, record, "mixed");
      check_ewma(label, p, 0.9, record, "mixed");
    }
  }
  record.report("scale changes");
}

TEST_CASE("rolling_hedge, ewma_hedge, expanding_hedge: powers of two scale each figure by its own power") {
  hm_test::random_source random(7);
  const scaled_pair base = make_pair_series(random, 600, 1, 1, 1.5, -0.7);
  for (const std::size_t window : {2U, 7U, 250U}) {
    const auto b = hm::rolling_hedge(base.s, base.f, hm::rolling_options{window});
    const auto be = hm::ewma_hedge(base.s, base.f);
    const auto bx = hm::expanding_hedge(base.s, base.f);
    for (const auto& powers : {std::pair{700, 700}, std::pair{-700, -700}, std::pair{1000, -1000},
                               std::pair{-1020, 300}, std::pair{513, 0}}) {
      const int ps = powers.first, pf = powers.second;  // INFO's lambda captures them: no structured binding
      std::vector<double> s = base.s, f = base.f;
      for (double& v : s) v = std::ldexp(v, ps);
      for (double& v : f) v = std::ldexp(v, pf);
      const auto r = hm::rolling_hedge(s, f, hm::rolling_options{window});
      const auto e = hm::ewma_hedge(s, f);
      const auto x = hm::expanding_hedge(s, f);
      INFO("window " << window << ", exposure x 2^" << ps << ", hedge x 2^" << pf);
      std::size_t bad = 0;
      for (std::size_t t = 1; t < s.size(); ++t) {
        // Scaling by a power of two is exact, so the figures scale exactly (a result out of the normal range
        // rounded once): the careful path computes the same sums as the fast path, in other units.
        const bool ok =
            same_scaled(r.ratio[t], std::ldexp(b.ratio[t], ps - pf), 1e-13) &&
            (std::isnan(b.effectiveness[t]) ? std::isnan(r.effectiveness[t])
                                            : std::fabs(r.effectiveness[t] - b.effectiveness[t]) <= 1e-13) &&
            same_scaled(r.residual_variance[t], std::ldexp(b.residual_variance[t], 2 * ps), 1e-13) &&
            same_scaled(e.ratio[t], std::ldexp(be.ratio[t], ps - pf), 1e-13) &&
            std::fabs(e.effectiveness[t] - be.effectiveness[t]) <= 1e-13 &&
            same_scaled(e.residual_variance[t], std::ldexp(be.residual_variance[t], 2 * ps), 1e-13) &&
            same_scaled(x.ratio[t], std::ldexp(bx.ratio[t], ps - pf), 1e-13) &&
            same_scaled(x.residual_variance[t], std::ldexp(bx.residual_variance[t], 2 * ps), 1e-13);
        if (!ok && t + 1 >= window) ++bad;
      }
      CHECK(bad == 0);
    }
  }
}

TEST_CASE("ewma_hedge: fuzz finding, a hedge whose scale jumps by 2^1150 (the old ratio would overflow)") {
  // The hedge goes from 4.8e-299 to -4.9e173 at t = 5: in the new units the old state's ratio overflowed and
  // its S_yy underflowed, and the merge's (r − r₀)²·S_yy became inf·0 = NaN (true residual variance 9.1e519).
  const scaled_pair p{
      {1.2515106782432208e-308, -2.6138170584364847e+260, 2.5668854243798332e-169, 2.841321139066013e-173,
       2.841321139066013e-173, 2.841321139066013e-173, 2.841321139066013e-173},
      {0, 0, 2.8413211384044664e-173, 4.3664952691005461e-193, 4.7514787092177053e-299,
       -4.9315119125695024e+173, -2.4495525634124756e+260}};
  error_record record;
  check_ewma("fuzz finding", p, 0.999, record, "finding");
  check_expanding("fuzz finding", p, record, "finding");
  hm_test::random_source random(1);
  check_rolling("fuzz finding", p, 3, 0, random, record, "finding");
  hm::ewma_options options;
  options.lambda = 0.999;
  CHECK(std::isinf(hm::ewma_hedge(p.s, p.f, options).residual_variance[5]));
}

TEST_CASE("walk_forward: the rolling, EWMA and expanding strategies inherit the range contract") {
  // The strategies hold the ratios of rolling_hedge, ewma_hedge and expanding_hedge: with the exposure
  // ×2^600 and the hedge ×2^500 (P&L variances near 1e357: beyond DBL_MAX), each ratio is the unscaled one
  // ×2^100, and each strategy's effectiveness, a ratio of variances, that of the unscaled data.
  hm_test::random_source random(600);
  const scaled_pair base = make_pair_series(random, 400, 1, 1, 0, 0);
  std::vector<double> s = base.s, f = base.f;
  for (double& v : s) v = std::ldexp(v, 600);
  for (double& v : f) v = std::ldexp(v, 500);
  hm::walk_forward_options options;
  options.window = 60;
  options.expanding = true;
  const auto ordinary = hm::walk_forward(base.s, base.f, options);
  const auto scaled_run = hm::walk_forward(s, f, options);
  REQUIRE(ordinary.strategies.size() == scaled_run.strategies.size());
  std::size_t checked = 0;
  for (std::size_t k = 0; k < ordinary.strategies.size(); ++k) {
    const auto& a = ordinary.strategies[k];
    const auto& b = scaled_run.strategies[k];
    if (a.name.find("rolling") == std::string::npos && a.name.find("EWMA") == std::string::npos &&
        a.name.find("expanding") == std::string::npos) {
      continue;  // the naive 1:1 hedge and fit_hedge's static ratio are not these estimators'
    }
    ++checked;
    INFO(a.name);
    REQUIRE(std::isfinite(a.overall.effectiveness));
    CHECK(b.overall.effectiveness == doctest::Approx(a.overall.effectiveness).epsilon(1e-12));
    std::size_t bad = 0;
    for (std::size_t t = options.window; t < s.size(); ++t) {
      if (!same_scaled(b.ratio[t], std::ldexp(a.ratio[t], 100), 1e-13)) ++bad;
    }
    CHECK(bad == 0);
  }
  CHECK(checked == 3);
}

// ------------------------------------------------------------------------------------- hedge_accumulator

namespace {

/// n pairs of an ordinary cross hedge (R² about 0.8), exposure × ks + shift_s·ks, hedge × kf + shift_f·kf.
std::pair<std::vector<double>, std::vector<double>> cross_hedge(hm_test::random_source& random, std::size_t n,
                                                                double ks, double kf, double shift_s,
                                                                double shift_f) {
  std::vector<double> s(n), f(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double z = random.symmetric();
    f[i] = (z + shift_f) * kf;
    s[i] = (0.9 * z + 0.4 * random.symmetric() + shift_s) * ks;
  }
  return {s, f};
}

hm::hedge_accumulator<> pushed_one_by_one(const std::vector<double>& s, const std::vector<double>& f,
                                          std::size_t begin, std::size_t end) {
  hm::hedge_accumulator<> acc;
  for (std::size_t i = begin; i < end; ++i) acc.push(s[i], f[i]);
  return acc;
}

}  // namespace

TEST_CASE("hedge_accumulator: exact at every scale, by pushes, by series, merged and serialised") {
  hm_test::random_source random(47);
  for (int trial = 0; trial < 30; ++trial) {
    const double ks = std::ldexp(1.0 + random.uniform(), static_cast<int>(random.integer(-1040, 1000)));
    const double kf = std::ldexp(1.0 + random.uniform(), static_cast<int>(random.integer(-1040, 1000)));
    const double shift_s = random.symmetric() * 10;
    const double shift_f = random.symmetric() * 10;
    const std::size_t n = 700;  // two full blocks of 256 pushes and a partial one
    const auto [s, f] = cross_hedge(random, n, ks, kf, shift_s, shift_f);
    const std::string label = "exposure x " + hm_test::show(ks) + " hedge x " + hm_test::show(kf);
    const auto want = ex::fit_hedge(s.data(), f.data(), n);

    check_fit_figures(label + ", pushes", pushed_one_by_one(s, f, 0, n).fit(), want);
    hm::hedge_accumulator<> by_series;
    by_series.push(s, f);
    check_fit_figures(label + ", one series push", by_series.fit(), want);
    // Three parts, each through its 104 bytes, merged out of order.
    auto total = hm::hedge_accumulator<>::deserialize(pushed_one_by_one(s, f, 450, n).serialize());
    total.merge(hm::hedge_accumulator<>::deserialize(pushed_one_by_one(s, f, 0, 300).serialize()));
    total.merge(hm::hedge_accumulator<>::deserialize(pushed_one_by_one(s, f, 300, 450).serialize()));
    check_fit_figures(label + ", three serialised parts merged", total.fit(), want);
  }
}

TEST_CASE("hedge_accumulator: samples at different scales merge on the coarser one") {
  hm_test::random_source random(53);
  // Blocks whose levels are +1e301 and −1e301 (the gap between their means overflows a plain merge), a
  // tiny sample beside a huge one, and each series at its own scale. (Not a level shift 1e10 times the
  // noise: its near-perfect hedge, 1 − R² = 1e-20, loses 1e-7 of the residual sum to the merge's gap term
  // at any scale, ordinary ones included.)
  struct part_scales {
    double ks, kf, shift_s, shift_f;
  };
  const std::vector<std::pair<part_scales, part_scales>> cases = {
      {{1e300, 1e300, 10, 10}, {1e300, 1e300, -10, -10}},  {{1e307, 1e300, 10, -10}, {1e307, 1e300, -10, 10}},
      {{1e-300, 1e-300, 0.5, -0.5}, {1e300, 1e300, 3, 2}}, {{1e300, 1e-300, 0, 0}, {1e250, 1e-250, 1, -1}},
      {{1.0, 1.0, 0.0, 0.0}, {1e200, 1e-200, 5, -5}},      {{3e-310, 2e-310, 1, 1}, {1e-290, 1e-290, 1, 1}},
  };
  for (const auto& [a, b] : cases) {
    auto [s, f] = cross_hedge(random, 400, a.ks, a.kf, a.shift_s, a.shift_f);
    const auto [s2, f2] = cross_hedge(random, 300, b.ks, b.kf, b.shift_s, b.shift_f);
    s.insert(s.end(), s2.begin(), s2.end());
    f.insert(f.end(), f2.begin(), f2.end());
    const std::string label = "parts x " + hm_test::show(a.ks) + "/" + hm_test::show(a.kf) + " and x " +
                              hm_test::show(b.ks) + "/" + hm_test::show(b.kf);
    const auto want = ex::fit_hedge(s.data(), f.data(), s.size());
    check_fit_figures(label + ", pushes", pushed_one_by_one(s, f, 0, s.size()).fit(), want);
    auto first = pushed_one_by_one(s, f, 0, 400);
    first.merge(hm::hedge_accumulator<>::deserialize(pushed_one_by_one(s, f, 400, s.size()).serialize()));
    check_fit_figures(label + ", merged", first.fit(), want);
    auto second = pushed_one_by_one(s, f, 400, s.size());
    second.merge(pushed_one_by_one(s, f, 0, 400));
    check_fit_figures(label + ", merged the other way", second.fit(), want);
  }
}

TEST_CASE("hedge_accumulator: powers of two scale each figure by its own power, bit for bit") {
  hm_test::random_source random(59);
  const auto [s, f] = cross_hedge(random, 600, 1.0, 1.0, 0.2, -0.1);
  const auto base = pushed_one_by_one(s, f, 0, s.size()).fit();
  for (const int ps : {-1010, -700, -300, 0, 300, 700, 1000}) {
    for (const int pf : {-1000, 0, 1000}) {
      std::vector<double> ss(s.size()), ff(f.size());
      for (std::size_t i = 0; i < s.size(); ++i) {
        ss[i] = std::ldexp(s[i], ps);
        ff[i] = std::ldexp(f[i], pf);
      }
      const auto fit = pushed_one_by_one(ss, ff, 0, ss.size()).fit();
      INFO("exposure x 2^" << ps << ", hedge x 2^" << pf);
      // Where a series was scaled (|p| > 64), its block sums are formed from the same mantissas as base's:
      // each figure within a few roundings of base's, times its power of two.
      CHECK_MESSAGE(same_scaled(fit.ratio, std::ldexp(base.ratio, ps - pf), 1e-14), "ratio " << fit.ratio);
      CHECK_MESSAGE(std::fabs(fit.effectiveness - base.effectiveness) <= 1e-14, "R2 " << fit.effectiveness);
      CHECK_MESSAGE(same_scaled(fit.exposure_variance, std::ldexp(base.exposure_variance, 2 * ps), 1e-14),
                    "variance " << fit.exposure_variance);
      CHECK_MESSAGE(same_scaled(fit.covariance, std::ldexp(base.covariance, ps + pf), 1e-14),
                    "covariance " << fit.covariance);
      CHECK_MESSAGE(same_scaled(fit.residual_variance, std::ldexp(base.residual_variance, 2 * ps), 1e-13),
                    "residual variance " << fit.residual_variance);
    }
  }
}
