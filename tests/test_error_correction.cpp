// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/error_correction.hpp>. Independent answers: the step-2 regression rebuilt from
// the prices and solved again in long double by Eigen's column-pivoting QR, with the covariance
// s²(DᵀD)⁻¹ inverted directly (a second algorithm, wider arithmetic); recovery of known parameters and the
// coverage of the 95% intervals over many simulated cointegrated systems; the in-sample ordering of the
// OLS and ECM effectiveness.
#include <hedgemetrics/error_correction.hpp>
#include <hedgemetrics/hedge_ratio.hpp>

#include <doctest/doctest.h>

#include <Eigen/Dense>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "support/check.hpp"
#include "support/data.hpp"

namespace hm = hedgemetrics;

namespace {

class gaussian {
 public:
  explicit gaussian(std::uint64_t seed) : rng_(seed) {}
  double operator()() {
    const double u1 = 1.0 - rng_.uniform(), u2 = rng_.uniform();
    return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  hm_test::random_source rng_;
};

struct prices {
  std::vector<double> s, f;
};

constexpr double true_h = 0.9, true_gamma = -0.2, true_beta = 1.05, true_c = 2.0, true_phi = 0.1;

/// F a random walk; ΔS_t = 0.01 + hΔF_t + γ(S_{t−1} − c − βF_{t−1}) + φΔS_{t−1} + e_t, e ~ N(0, 0.5²).
prices cointegrated(std::size_t n, std::uint64_t seed) {
  gaussian z(seed);
  prices p;
  double f = 50, s = true_c + true_beta * f, ds = 0;
  for (std::size_t t = 0; t < n; ++t) {
    if (t > 0) {
      const double df = z();
      const double u = s - true_c - true_beta * f;
      ds = 0.01 + true_h * df + true_gamma * u + true_phi * ds + 0.5 * z();
      f += df;
      s += ds;
    }
    p.f.push_back(f);
    p.s.push_back(s);
  }
  return p;
}

/// Step 2 recomputed in long double: [1, ΔF_t, û_{t−1}, ΔS_{t−i}, ΔF_{t−i}] by column-pivoting QR.
struct reference {
  Eigen::Matrix<long double, Eigen::Dynamic, 1> b, se;
};

reference long_double_fit(const prices& p, std::size_t lags) {
  using vec = Eigen::Matrix<long double, Eigen::Dynamic, 1>;
  using mat = Eigen::Matrix<long double, Eigen::Dynamic, Eigen::Dynamic>;
  const std::size_t big_n = p.s.size(), n = big_n - 1 - lags;
  // Step 1 in long double.
  const std::vector<long double> s(p.s.begin(), p.s.end()), f(p.f.begin(), p.f.end());
  long double ms = 0, mf = 0;
  for (std::size_t i = 0; i < big_n; ++i) ms += s[i], mf += f[i];
  ms /= big_n, mf /= big_n;
  long double sff = 0, ssf = 0;
  for (std::size_t i = 0; i < big_n; ++i) sff += (f[i] - mf) * (f[i] - mf), ssf += (s[i] - ms) * (f[i] - mf);
  const long double beta = ssf / sff, c = ms - beta * mf;
  const auto k = static_cast<Eigen::Index>(3 + 2 * lags);
  mat d(static_cast<Eigen::Index>(n), k);
  vec y(static_cast<Eigen::Index>(n));
  for (std::size_t row = 0; row < n; ++row) {
    const std::size_t t = row + lags + 1;
    const auto r = static_cast<Eigen::Index>(row);
    y[r] = s[t] - s[t - 1];
    d(r, 0) = 1;
    d(r, 1) = f[t] - f[t - 1];
    d(r, 2) = s[t - 1] - c - beta * f[t - 1];
    for (std::size_t i = 1; i <= lags; ++i) {
      d(r, static_cast<Eigen::Index>(2 + i)) = s[t - i] - s[t - i - 1];
      d(r, static_cast<Eigen::Index>(2 + lags + i)) = f[t - i] - f[t - i - 1];
    }
  }
  reference out;
  out.b = d.colPivHouseholderQr().solve(y);
  const vec e = y - d * out.b;
  const long double s2 = e.squaredNorm() / static_cast<long double>(static_cast<Eigen::Index>(n) - k);
  const mat cov = s2 * (d.transpose() * d).inverse();
  out.se = cov.diagonal().cwiseSqrt();
  return out;
}

bool close(double computed, long double expected, double tolerance) {
  const double e =
      static_cast<double>(std::fabs(static_cast<long double>(computed) - expected) / std::fabs(expected));
  return e <= tolerance;
}

}  // namespace

TEST_CASE("error_correction_hedge equals the step-2 regression solved again in long double") {
  for (std::size_t lags : {0U, 1U, 3U}) {
    const prices p = cointegrated(500, 100 + lags);
    hm::error_correction_options o;
    o.lags = lags;
    const auto fit = hm::error_correction_hedge(p.s, p.f, o);
    const reference ref = long_double_fit(p, lags);
    CHECK(fit.n == 499 - lags);
    CHECK(close(fit.ratio, ref.b[1], 1e-10));
    CHECK(close(fit.adjustment, ref.b[2], 1e-10));
    CHECK(close(fit.ratio_test.standard_error, ref.se[1], 1e-10));
    CHECK(close(fit.adjustment_test.standard_error, ref.se[2], 1e-10));
    CHECK(close(fit.model.intercept, ref.b[0], 1e-9));
    for (std::size_t i = 0; i < 2 * lags; ++i) {
      CHECK(close(fit.model.ratios[static_cast<Eigen::Index>(2 + i)], ref.b[static_cast<Eigen::Index>(3 + i)],
                  1e-9));
    }
    CHECK(close(fit.ratio_test.t_statistic, ref.b[1] / ref.se[1], 1e-10));
    CHECK(fit.tests.residual_df == 499 - lags - (3 + 2 * lags));
  }
}

TEST_CASE("error_correction_hedge on WTI spot and CL1 levels: second algorithm, and OLS beside it") {
  const auto path = hm_test::data_file("market/derived/wti_spot_RWTC_vs_CL1_CL2_aligned.csv");
  if (!path) return;
  const auto table = hm_test::read_csv(*path);
  prices p;
  const auto spot = table.numbers("RWTC_spot_usd_bbl"), cl1 = table.numbers("RCLC1_usd_bbl");
  for (std::size_t i = 0; i < spot.size(); ++i) {
    if (std::isfinite(spot[i]) && std::isfinite(cl1[i])) p.s.push_back(spot[i]), p.f.push_back(cl1[i]);
  }
  const auto fit = hm::error_correction_hedge(p.s, p.f);
  const reference ref = long_double_fit(p, 1);
  CHECK(close(fit.ratio, ref.b[1], 1e-10));
  CHECK(close(fit.adjustment, ref.b[2], 1e-10));
  CHECK(close(fit.ratio_test.standard_error, ref.se[1], 1e-9));
  CHECK(close(fit.adjustment_test.standard_error, ref.se[2], 1e-9));
  // OLS over the same periods: fit_hedge of the differences.
  std::vector<double> ds, df;
  for (std::size_t t = 2; t < p.s.size(); ++t)
    ds.push_back(p.s[t] - p.s[t - 1]), df.push_back(p.f[t] - p.f[t - 1]);
  const auto ols = hm::fit_hedge(ds, df);
  CHECK(fit.ols_ratio == doctest::Approx(ols.ratio).epsilon(1e-14));
  CHECK(fit.ols_effectiveness == doctest::Approx(ols.effectiveness).epsilon(1e-14));
  CHECK(fit.ols_effectiveness >= fit.effectiveness);
  CHECK(fit.adjustment < 0);                  // spot reverts towards the futures price
  CHECK(fit.adjustment_test.p_value < 1e-6);  // decisively
  MESSAGE("WTI/CL1: beta " << fit.cointegrating_ratio << ", ECM h " << fit.ratio << " (se "
                           << fit.ratio_test.standard_error << "), gamma " << fit.adjustment << " (t "
                           << fit.adjustment_test.t_statistic << "), OLS h " << fit.ols_ratio
                           << "; effectiveness ECM " << fit.effectiveness << ", OLS "
                           << fit.ols_effectiveness);
}

TEST_CASE("error_correction_hedge recovers known parameters, and its 95% intervals cover them") {
  const int runs = 300;
  int cover_h = 0, cover_gamma = 0;
  double sum_h = 0, sum_gamma = 0, sum_beta = 0;
  for (int run = 0; run < runs; ++run) {
    const prices p = cointegrated(400, 1000 + static_cast<std::uint64_t>(run));
    const auto fit = hm::error_correction_hedge(p.s, p.f);
    cover_h += fit.ratio_test.lower <= true_h && true_h <= fit.ratio_test.upper;
    cover_gamma += fit.adjustment_test.lower <= true_gamma && true_gamma <= fit.adjustment_test.upper;
    sum_h += fit.ratio, sum_gamma += fit.adjustment, sum_beta += fit.cointegrating_ratio;
  }
  const double rate_h = cover_h / double(runs), rate_gamma = cover_gamma / double(runs);
  MESSAGE("coverage of 95% intervals over " << runs << " systems: h " << rate_h << ", gamma " << rate_gamma
                                            << "; mean h " << sum_h / runs << ", gamma " << sum_gamma / runs
                                            << ", beta " << sum_beta / runs);
  // Binomial(300, 0.95): sd 1.26%, so ±3.5 sd.
  CHECK(rate_h >= 0.906);
  CHECK(rate_h <= 0.994);
  CHECK(rate_gamma >= 0.88);  // γ's interval is asymptotic (û is estimated): a little looser
  CHECK(std::fabs(sum_h / runs - true_h) < 0.01);          // se of ĥ ≈ 0.025, of the mean 0.0015
  CHECK(std::fabs(sum_gamma / runs - true_gamma) < 0.02);  // small-sample bias of γ̂ is O(1/n)
  CHECK(std::fabs(sum_beta / runs - true_beta) < 0.01);
}

TEST_CASE("error_correction_hedge: too few prices give NaN; bad input throws") {
  const prices p = cointegrated(6, 5);
  hm::error_correction_options o;
  o.lags = 1;  // n = 4 periods for 5 coefficients
  CHECK(std::isnan(hm::error_correction_hedge(p.s, p.f, o).ratio));
  std::vector<double> s{1, 2, 3}, f{1, 2};
  CHECK_THROWS_WITH_AS((void)hm::error_correction_hedge(s, f), doctest::Contains("futures has 2"),
                       std::invalid_argument);
  prices q = cointegrated(50, 6);
  o.level = 1.5;
  CHECK_THROWS_AS((void)hm::error_correction_hedge(q.s, q.f, o), std::invalid_argument);
  o.level = 0.95;
  q.f[17] = std::numeric_limits<double>::quiet_NaN();
  CHECK(std::isnan(hm::error_correction_hedge(q.s, q.f, o).ratio));
  o.missing = hm::missing_data::raise;
  CHECK_THROWS_WITH_AS((void)hm::error_correction_hedge(q.s, q.f, o), doctest::Contains("17"),
                       std::domain_error);
}
