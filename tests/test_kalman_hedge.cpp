// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/kalman_hedge.hpp>. Independent answers: expanding least squares (rolling.hpp's
// expanding_hedge, itself checked against exact rationals) for zero state noise; the state-space model
// solved as one dense generalised least-squares problem (every state step a parameter with a N(0, Q)
// prior, Eigen's QR) for the filtered and smoothed states and their variances; recovery of known noise
// variances from simulated data; the likelihood's maximum checked by perturbing each variance.
#include <hedgemetrics/kalman_hedge.hpp>
#include <hedgemetrics/rolling.hpp>

#include <doctest/doctest.h>

#include <Eigen/Dense>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "support/check.hpp"
#include "support/data.hpp"

namespace hm = hedgemetrics;

namespace {

/// Standard normal draws by Box–Muller from the library-independent uniform source.
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

struct simulated {
  std::vector<double> s, f, h;
};

/// S_t = a + h_t F_t + e_t with a random-walk ratio h_t (step sd √q), F ~ N(0, 1), e ~ N(0, r).
simulated random_walk_ratio(std::size_t n, double r, double q, std::uint64_t seed, double a = 0.1) {
  gaussian z(seed);
  simulated d;
  double h = 0.8;
  for (std::size_t t = 0; t < n; ++t) {
    if (t > 0) h += std::sqrt(q) * z();
    const double f = z();
    d.f.push_back(f);
    d.h.push_back(h);
    d.s.push_back(a + h * f + std::sqrt(r) * z());
  }
  return d;
}

bool close(double computed, double expected, double tolerance) {
  return std::fabs(computed - expected) <= tolerance * std::fmax(1.0, std::fabs(expected));
}

}  // namespace

TEST_CASE("kalman_hedge with zero state noise and a diffuse prior is expanding least squares at every t") {
  for (std::uint64_t seed : {1U, 2U, 3U}) {
    const simulated d = random_walk_ratio(400, 0.3, 1e-3, seed);
    hm::kalman_options o;
    o.observation_variance = 0.7;
    o.ratio_variance = 0;
    o.intercept_variance = 0;
    const auto k = hm::kalman_hedge(d.s, d.f, o);
    const auto ols = hm::expanding_hedge(d.s, d.f);
    CHECK(std::isnan(k.ratio[0]));
    CHECK(std::isnan(ols.ratio[0]));
    double worst = 0;
    for (std::size_t t = 1; t < d.s.size(); ++t) {
      const double e = std::fabs(k.ratio[t] - ols.ratio[t]) / std::fabs(ols.ratio[t]);
      worst = std::fmax(worst, e);
      if (!(e <= 1e-10)) {
        CHECK_MESSAGE(e <= 1e-10, "t = " << t << ": Kalman " << hm_test::show(k.ratio[t]) << ", OLS "
                                         << hm_test::show(ols.ratio[t]) << ", relative error " << e);
      }
    }
    MESSAGE("seed " << seed << ": largest relative difference from expanding OLS " << worst);
    // The smoothed ratio with zero noise is the full-sample ratio at every t.
    const double full = ols.ratio.back();
    for (std::size_t t = 1; t < d.s.size(); ++t) CHECK(close(k.smoothed_ratio[t], full, 1e-10));
  }
}

TEST_CASE("kalman_hedge with zero state noise equals expanding least squares on WTI spot vs CL1 changes") {
  const auto path = hm_test::data_file("market/derived/wti_spot_RWTC_vs_CL1_CL2_aligned.csv");
  if (!path) return;
  const auto table = hm_test::read_csv(*path);
  const auto spot = table.numbers("RWTC_spot_usd_bbl"), cl1 = table.numbers("RCLC1_usd_bbl");
  std::vector<double> ds, df;
  for (std::size_t i = 1; i < spot.size(); ++i) {
    const double a = spot[i] - spot[i - 1], b = cl1[i] - cl1[i - 1];
    if (std::isfinite(a) && std::isfinite(b)) ds.push_back(a), df.push_back(b);
  }
  REQUIRE(ds.size() > 5000);
  hm::kalman_options o;
  o.observation_variance = 1;
  o.ratio_variance = 0;
  o.smooth = false;
  const auto k = hm::kalman_hedge(ds, df, o);
  const auto ols = hm::expanding_hedge(ds, df);
  double worst = 0;
  for (std::size_t t = 1; t < ds.size(); ++t) {
    if (std::isnan(ols.ratio[t])) {
      CHECK(std::isnan(k.ratio[t]));
      continue;
    }
    worst = std::fmax(worst, std::fabs(k.ratio[t] - ols.ratio[t]) / std::fabs(ols.ratio[t]));
  }
  MESSAGE("WTI: " << ds.size() << " changes, largest relative difference " << worst);
  CHECK(worst <= 1e-10);
}

TEST_CASE("kalman_hedge without intercept, zero noise: the cumulative ratio ΣSF/ΣF² at every t") {
  const simulated d = random_walk_ratio(300, 0.5, 0, 7);
  hm::kalman_options o;
  o.intercept = false;
  o.observation_variance = 1;
  o.ratio_variance = 0;
  const auto k = hm::kalman_hedge(d.s, d.f, o);
  long double sf = 0, ff = 0;
  for (std::size_t t = 0; t < d.s.size(); ++t) {
    sf += static_cast<long double>(d.s[t]) * static_cast<long double>(d.f[t]);
    ff += static_cast<long double>(d.f[t]) * static_cast<long double>(d.f[t]);
    CHECK(close(k.ratio[t], static_cast<double>(sf / ff), 1e-12));
    CHECK(close(k.ratio_variance[t], static_cast<double>(1 / ff), 1e-12));
  }
}

TEST_CASE("kalman_hedge filtered and smoothed states equal the dense GLS solution of the state-space model") {
  // Unknowns: x_0 = (a_0, h_0) with a flat prior and the steps w_1..w_n ~ N(0, Q). Whitened rows:
  // (S_i − z_iᵀ(x_0 + Σ_{j≤i} w_j))/√r and w_j/√q; the posterior of any linear combination cᵀθ has mean
  // cᵀθ̂ and variance cᵀ(AᵀA)⁻¹c.
  // Two settings: state noise small against σ²_e (F_{t+1} from the expanded recursion, see
  // kalman_steady_steps) and large (F_{t+1} from P_{t+1|t}, the other branch, on every step).
  const std::size_t n = 25;
  for (const std::tuple<double, double, double>& setting :
       {std::tuple<double, double, double>{0.4, 0.02, 0.05}, {0.004, 0.02, 0.5}}) {
    const double r = std::get<0>(setting), qa = std::get<1>(setting), qh = std::get<2>(setting);
    CAPTURE(r);
    const simulated d = random_walk_ratio(n, r, qh, 11);
    hm::kalman_options o;
    o.observation_variance = r;
    o.ratio_variance = qh;
    o.intercept_variance = qa;
    const auto k = hm::kalman_hedge(d.s, d.f, o);
    const auto dense = [&](std::size_t last, std::size_t at, double& mean, double& variance,
                           double& intercept) {
      const Eigen::Index p = static_cast<Eigen::Index>(2 * (last + 1));
      const Eigen::Index rows = static_cast<Eigen::Index>(last + 1) + p - 2;
      Eigen::MatrixXd a = Eigen::MatrixXd::Zero(rows, p);
      Eigen::VectorXd b = Eigen::VectorXd::Zero(rows);
      for (std::size_t i = 0; i <= last; ++i) {
        const auto row = static_cast<Eigen::Index>(i);
        for (std::size_t j = 0; j <= i; ++j) {
          a(row, static_cast<Eigen::Index>(2 * j)) = 1 / std::sqrt(r);
          a(row, static_cast<Eigen::Index>(2 * j + 1)) = d.f[i] / std::sqrt(r);
        }
        b[row] = d.s[i] / std::sqrt(r);
      }
      for (std::size_t j = 1; j <= last; ++j) {
        const auto row = static_cast<Eigen::Index>(last + 2 * j - 1);
        a(row, static_cast<Eigen::Index>(2 * j)) = 1 / std::sqrt(qa);
        a(row + 1, static_cast<Eigen::Index>(2 * j + 1)) = 1 / std::sqrt(qh);
      }
      const Eigen::VectorXd theta = a.colPivHouseholderQr().solve(b);
      const Eigen::MatrixXd cov = (a.transpose() * a).inverse();
      Eigen::VectorXd ch = Eigen::VectorXd::Zero(p), ca = Eigen::VectorXd::Zero(p);
      for (std::size_t j = 0; j <= at; ++j) {
        ca[static_cast<Eigen::Index>(2 * j)] = 1;
        ch[static_cast<Eigen::Index>(2 * j + 1)] = 1;
      }
      mean = ch.dot(theta);
      intercept = ca.dot(theta);
      variance = ch.dot(cov * ch);
    };
    for (std::size_t t = 1; t < n; ++t) {
      double mean = 0, variance = 0, intercept = 0;
      dense(t, t, mean, variance, intercept);
      CHECK_MESSAGE(close(k.ratio[t], mean, 1e-9),
                    "filtered h at " << t << ": " << k.ratio[t] << " vs " << mean);
      CHECK_MESSAGE(close(k.ratio_variance[t], variance, 1e-9),
                    "filtered Var(h) at " << t << ": " << k.ratio_variance[t] << " vs " << variance);
      CHECK(close(k.intercept[t], intercept, 1e-9));
      dense(n - 1, t, mean, variance, intercept);
      CHECK_MESSAGE(close(k.smoothed_ratio[t], mean, 1e-9),
                    "smoothed h at " << t << ": " << k.smoothed_ratio[t] << " vs " << mean);
      CHECK(close(k.smoothed_ratio_variance[t], variance, 1e-9));
      CHECK(close(k.smoothed_intercept[t], intercept, 1e-9));
    }
  }
}

TEST_CASE("kalman_hedge recovers known noise variances by maximum likelihood, and the maximum is one") {
  const double r = 0.25, qh = 4e-4;
  for (std::uint64_t seed : {21U, 22U, 23U}) {
    const simulated d = random_walk_ratio(3000, r, qh, seed);
    const auto k = hm::kalman_hedge(d.s, d.f);
    REQUIRE(k.estimated);
    CHECK(k.converged);
    MESSAGE("seed " << seed << ": sigma2_e " << k.observation_variance << " (0.25), q_h "
                    << k.ratio_variance_noise << " (4e-4), " << k.iterations << " iterations");
    CHECK(std::fabs(k.observation_variance / r - 1) < 0.1);
    CHECK(k.ratio_variance_noise > qh / 3);
    CHECK(k.ratio_variance_noise < qh * 3);
    // The filtered ratio tracks the true one far better than the full-sample constant would.
    double tracked = 0, constant = 0;
    const double full = hm::expanding_hedge(d.s, d.f).ratio.back();
    for (std::size_t t = 100; t < d.s.size(); ++t) {
      tracked += (k.smoothed_ratio[t] - d.h[t]) * (k.smoothed_ratio[t] - d.h[t]);
      constant += (full - d.h[t]) * (full - d.h[t]);
    }
    CHECK(tracked < 0.2 * constant);
    // The maximum: every perturbed pair of variances has a lower likelihood.
    for (double factor : {0.9, 1.1}) {
      hm::kalman_options o;
      o.observation_variance = k.observation_variance * factor;
      o.ratio_variance = k.ratio_variance_noise;
      o.smooth = false;
      CHECK(hm::kalman_hedge(d.s, d.f, o).log_likelihood < k.log_likelihood);
      o.observation_variance = k.observation_variance;
      o.ratio_variance = k.ratio_variance_noise * factor;
      CHECK(hm::kalman_hedge(d.s, d.f, o).log_likelihood < k.log_likelihood);
    }
    // Given variances reproduce the estimated run's likelihood.
    hm::kalman_options given;
    given.observation_variance = k.observation_variance;
    given.ratio_variance = k.ratio_variance_noise;
    CHECK(close(hm::kalman_hedge(d.s, d.f, given).log_likelihood, k.log_likelihood, 1e-12));
  }
}

TEST_CASE("kalman_hedge estimates a constant ratio's state noise as (almost) zero") {
  const simulated d = random_walk_ratio(2000, 0.5, 0, 31);
  const auto k = hm::kalman_hedge(d.s, d.f);
  CHECK(k.converged);
  CHECK(k.ratio_variance_noise < 1e-5);
  CHECK(close(k.ratio.back(), hm::expanding_hedge(d.s, d.f).ratio.back(), 1e-2));
}

TEST_CASE("kalman_hedge missing values: omit skips the pair (zero noise: OLS without it), propagate, raise") {
  simulated d = random_walk_ratio(60, 0.5, 0, 41);
  d.s[30] = std::numeric_limits<double>::quiet_NaN();
  hm::kalman_options o;
  o.observation_variance = 1;
  o.ratio_variance = 0;
  o.missing = hm::missing_data::omit;
  const auto k = hm::kalman_hedge(d.s, d.f, o);
  std::vector<double> s2 = d.s, f2 = d.f;
  s2.erase(s2.begin() + 30);
  f2.erase(f2.begin() + 30);
  const auto ols = hm::expanding_hedge(s2, f2);
  CHECK(close(k.ratio[30], ols.ratio[29], 1e-12));
  CHECK(close(k.ratio.back(), ols.ratio.back(), 1e-12));
  o.missing = hm::missing_data::propagate;
  const auto p = hm::kalman_hedge(d.s, d.f, o);
  CHECK(close(p.ratio[29], k.ratio[29], 1e-15));
  CHECK(std::isnan(p.ratio[30]));
  CHECK(std::isnan(p.ratio.back()));
  o.missing = hm::missing_data::raise;
  CHECK_THROWS_AS((void)hm::kalman_hedge(d.s, d.f, o), std::domain_error);
}

TEST_CASE("kalman_hedge bad input") {
  std::vector<double> s{1, 2, 3}, f{1, 2};
  CHECK_THROWS_WITH_AS((void)hm::kalman_hedge(s, f), doctest::Contains("3 values"), std::invalid_argument);
  f.push_back(4);
  hm::kalman_options o;
  o.ratio_variance = -1;
  CHECK_THROWS_WITH_AS((void)hm::kalman_hedge(s, f, o), doctest::Contains("-1"), std::invalid_argument);
  o.ratio_variance = 0.1;  // σ²_e to be estimated: a positive state variance cannot be concentrated
  CHECK_THROWS_AS((void)hm::kalman_hedge(s, f, o), std::invalid_argument);
}

namespace {

/// Every figure of two results, bit for bit (NaN equal to NaN).
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  }
  return true;
}

void check_same(const hm::kalman_hedge_result& got, const hm::kalman_hedge_result& want) {
  CHECK(same_bits(got.ratio, want.ratio));
  CHECK(same_bits(got.ratio_variance, want.ratio_variance));
  CHECK(same_bits(got.intercept, want.intercept));
  CHECK(same_bits(got.innovation, want.innovation));
  CHECK(same_bits(got.smoothed_ratio, want.smoothed_ratio));
  CHECK(same_bits(got.smoothed_ratio_variance, want.smoothed_ratio_variance));
  CHECK(same_bits(got.smoothed_intercept, want.smoothed_intercept));
  CHECK(same_bits(
      {got.observation_variance, got.ratio_variance_noise, got.intercept_variance_noise, got.log_likelihood},
      {want.observation_variance, want.ratio_variance_noise, want.intercept_variance_noise,
       want.log_likelihood}));
  CHECK(got.observations == want.observations);
  CHECK(got.estimated == want.estimated);
  CHECK(got.converged == want.converged);
  CHECK(got.iterations == want.iterations);
}

}  // namespace

TEST_CASE("kalman_hedge into a reused result: the figures of a fresh one, whatever the result held before") {
  const auto big = random_walk_ratio(3000, 0.04, 1e-4, 11);
  const auto small = random_walk_ratio(500, 0.09, 4e-4, 12);
  hm::kalman_options given;
  given.observation_variance = 0.04;
  given.ratio_variance = 1e-4;
  hm::kalman_options estimated;  // every variance by maximum likelihood
  hm::kalman_options unsmoothed = given;
  unsmoothed.smooth = false;
  unsmoothed.intercept = false;
  hm::kalman_hedge_result reused;
  // A long smoothed run first, then shorter, estimated, unsmoothed and through-the-origin runs into the
  // same result: nothing of an earlier run may survive (lengths, smoothed vectors, flags).
  for (const auto* options : {&given, &estimated, &unsmoothed, &given}) {
    for (const auto* d : {&big, &small}) {
      hm::kalman_hedge(d->s, d->f, *options, reused);
      check_same(reused, hm::kalman_hedge(d->s, d->f, *options));
    }
  }
  CHECK(reused.ratio.capacity() >= big.s.size());  // capacity kept: no new allocation on the next run
}

TEST_CASE("kalman_hedge across the double range: series scaled by 2^a and 2^b give the figures scaled back") {
  // Scaling is exact and kalman_hedge filters the series divided by the powers of two of their spreads:
  // h and its variances scale by 2^(a − b) and 2^2(a − b), a and the innovations by 2^a, σ²_e and q_a by
  // 2^2a. With the variances given the figures are the same bits; estimated, the same to the optimiser's
  // tolerance. Series near 1e±90 or beyond gave NaN ratios before (issue 10).
  const simulated d = random_walk_ratio(800, 0.2, 1e-4, 53);
  hm::kalman_options given;
  given.observation_variance = 0.2;
  given.ratio_variance = 1e-4;
  given.intercept_variance = 1e-6;
  const auto base = hm::kalman_hedge(d.s, d.f, given);
  const auto estimated_base = hm::kalman_hedge(d.s, d.f);
  for (const int a : {-900, -300, 0, 300, 900}) {
    for (const int b : {-600, 0, 400}) {
      std::vector<double> s(d.s.size()), f(d.f.size());
      for (std::size_t t = 0; t < s.size(); ++t) s[t] = std::ldexp(d.s[t], a), f[t] = std::ldexp(d.f[t], b);
      hm::kalman_options options = given;
      options.observation_variance = std::ldexp(given.observation_variance, 2 * a);
      options.ratio_variance = std::ldexp(given.ratio_variance, 2 * (a - b));
      options.intercept_variance = std::ldexp(given.intercept_variance, 2 * a);
      INFO("2^" << a << ", 2^" << b);
      if (!(options.observation_variance > 0 && std::isfinite(options.observation_variance) &&
            options.ratio_variance > 0 && std::isfinite(options.ratio_variance))) {
        continue;  // variances the caller cannot give in double
      }
      const auto got = hm::kalman_hedge(s, f, options);
      for (const std::size_t t : {std::size_t{5}, std::size_t{400}, std::size_t{799}}) {
        hm_test::check_close_value("ratio", got.ratio[t], std::ldexp(base.ratio[t], a - b), 1e-13);
        hm_test::check_close_value("smoothed ratio", got.smoothed_ratio[t],
                                   std::ldexp(base.smoothed_ratio[t], a - b), 1e-13);
        hm_test::check_close_value("intercept", got.intercept[t], std::ldexp(base.intercept[t], a), 1e-13);
      }
      hm_test::check_close_value(
          "log-likelihood", got.log_likelihood,
          base.log_likelihood - static_cast<double>(base.observations) * a * 0.6931471805599453, 1e-13);
      const auto estimated = hm::kalman_hedge(s, f);
      hm_test::check_close_value("estimated ratio", estimated.ratio[799],
                                 std::ldexp(estimated_base.ratio[799], a - b), 1e-6);
      const double variance = std::ldexp(estimated_base.observation_variance, 2 * a);
      if (std::isfinite(variance) && variance > 0) {
        hm_test::check_close_value("estimated observation variance", estimated.observation_variance, variance,
                                   1e-6);
      }
    }
  }
}
