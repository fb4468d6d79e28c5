// SPDX-License-Identifier: MIT
// The range contract (issue 10) of describe and fit_hedge: on finite data anywhere in the double range,
// each figure is as accurate as on data of ordinary size where its true value is a normal double, ±inf
// where its magnitude exceeds DBL_MAX, a subnormal or 0 where it is below the smallest normal double; the
// scale-free figures stay exact. Independent answers: exact rational arithmetic (GMP) on the very inputs
// the library sees, whatever their scale; property checks: scale invariance and k²-scaling.
#include <hedgemetrics/basis.hpp>
#include <hedgemetrics/descriptive.hpp>
#include <hedgemetrics/hedge_ratio.hpp>
#include <hedgemetrics/multi_hedge.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <limits>
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
  const long double largest = std::numeric_limits<double>::max();
  if (std::fabs(exact) > largest * (1 + 1e-12L)) {
    const bool ok = std::isinf(computed) && ((computed > 0) == (exact > 0));
    CHECK_MESSAGE(ok, what << ": exact " << hm_test::show(exact) << " exceeds DBL_MAX, expected "
                           << (exact > 0 ? "+inf" : "-inf") << ", computed " << hm_test::show(computed));
    return ok;
  }
  const long double error = std::fabs(static_cast<long double>(computed) - exact);
  const long double bound = tolerance * std::fabs(exact) +
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

void check_fit(const std::string& label, const std::vector<double>& s, const std::vector<double>& f) {
  const auto got = hm::fit_hedge(s, f);
  const auto want = ex::fit_hedge(s.data(), f.data(), s.size());
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
