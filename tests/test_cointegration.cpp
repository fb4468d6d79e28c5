// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/cointegration.hpp>. Independent answers: MacKinnon's (2010) Table 2 as printed
// in the paper (N = 2, 1%: −3.89644, −10.9519, −22.527, and the five entries statsmodels mistyped, issue
// #10271); the ADF t ratio recomputed from its definition with the normal equations in long double; the
// size of the test under simulated non-cointegration and its power under cointegration; the half-life of
// a simulated AR(1). R's urca (ur.df) recomputes the EIA statistics (check_monitoring_r.R).
#include <hedgemetrics/cointegration.hpp>

#include <doctest/doctest.h>

#include <Eigen/Dense>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "support/check.hpp"

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

struct pair_of_prices {
  std::vector<double> s, f;
};

/// F a random walk; S = 1 + 0.9F + u with u an AR(1) with coefficient `a` (a = 1: no cointegration).
pair_of_prices simulate(std::size_t n, double a, std::uint64_t seed) {
  gaussian z(seed);
  pair_of_prices p;
  double f = 50, u = 0;
  for (std::size_t t = 0; t < n; ++t) {
    f += z();
    u = a * u + z();
    p.f.push_back(f);
    p.s.push_back(1 + 0.9 * f + u);
  }
  return p;
}
}  // namespace

TEST_CASE("MacKinnon (2010) Table 2 as printed: N = 2 and the entries statsmodels mistyped") {
  const auto& t = hm::detail::mackinnon_2010_constant;
  CHECK(t[1][0][0] == -3.89644);
  CHECK(t[1][0][1] == -10.9519);
  CHECK(t[1][0][2] == -22.527);
  CHECK(t[1][1][0] == -3.33613);
  CHECK(t[1][2][0] == -3.04445);
  CHECK(t[2][1][1] == -8.5631);
  CHECK(t[4][1][1] == -14.0406);
  CHECK(t[6][2][2] == -6.922);
  CHECK(t[6][2][3] == 67.721);
  // C(1%) at T = 100: −3.89644 − 10.9519/100 − 22.527/100² = −4.0082117.
  CHECK(hm::mackinnon_critical_value(2, 0, 100) ==
        doctest::Approx(-3.89644 - 0.109519 - 0.0022527).epsilon(1e-15));
  CHECK(hm::mackinnon_critical_value(2, 1, 0) == -3.33613);
  CHECK_THROWS_AS((void)hm::mackinnon_critical_value(13, 0, 100), std::invalid_argument);
}

TEST_CASE("mackinnon_p_value: exactly 1%, 5%, 10% at the critical values, monotone everywhere") {
  for (const std::size_t big_t : {std::size_t{25}, std::size_t{100}, std::size_t{1000}, std::size_t{0}}) {
    std::array<double, 3> c{};
    for (std::size_t i = 0; i < 3; ++i) c[i] = hm::mackinnon_critical_value(2, i, big_t);
    CHECK(hm::mackinnon_p_value(c[0], c) == doctest::Approx(0.01).epsilon(1e-12));
    CHECK(hm::mackinnon_p_value(c[1], c) == doctest::Approx(0.05).epsilon(1e-12));
    CHECK(hm::mackinnon_p_value(c[2], c) == doctest::Approx(0.10).epsilon(1e-12));
    double previous = 0;
    for (double tau = -8; tau <= 2; tau += 0.05) {
      const double p = hm::mackinnon_p_value(tau, c);
      CHECK(p >= previous);
      previous = p;
    }
  }
}

TEST_CASE("engle_granger: the ADF t ratio from its definition, in long double") {
  const pair_of_prices p = simulate(300, 0.8, 21);
  hm::cointegration_options options;
  options.lags = 2;
  const auto eg = hm::engle_granger(p.s, p.f, options);
  CHECK(eg.prices == 300);
  CHECK(eg.n == 297);
  // Step 1 and the ADF regression by normal equations in long double (a different algorithm).
  using mat = Eigen::Matrix<long double, Eigen::Dynamic, Eigen::Dynamic>;
  using vec = Eigen::Matrix<long double, Eigen::Dynamic, 1>;
  long double ms = 0, mf = 0;
  const std::vector<long double> s(p.s.begin(), p.s.end()), f(p.f.begin(), p.f.end());
  for (std::size_t i = 0; i < 300; ++i) ms += s[i], mf += f[i];
  ms /= 300, mf /= 300;
  long double sff = 0, ssf = 0;
  for (std::size_t i = 0; i < 300; ++i) sff += (f[i] - mf) * (f[i] - mf), ssf += (s[i] - ms) * (f[i] - mf);
  const long double beta = ssf / sff, c = ms - beta * mf;
  std::vector<long double> u(300);
  for (std::size_t i = 0; i < 300; ++i) u[i] = s[i] - c - beta * f[i];
  mat x(297, 3);
  vec y(297);
  for (Eigen::Index r = 0; r < 297; ++r) {
    const auto t = static_cast<std::size_t>(r) + 3;
    y(r) = u[t] - u[t - 1];
    x(r, 0) = u[t - 1];
    x(r, 1) = u[t - 1] - u[t - 2];
    x(r, 2) = u[t - 2] - u[t - 3];
  }
  const mat xtx_inv = (x.transpose() * x).inverse();
  const vec b = xtx_inv * (x.transpose() * y);
  vec e = y - x * b;
  const long double s2 = e.squaredNorm() / (297 - 3);
  const double tau = static_cast<double>(b(0) / std::sqrt(s2 * xtx_inv(0, 0)));
  CHECK(eg.statistic == doctest::Approx(tau).epsilon(1e-10));
  CHECK(eg.cointegrating_ratio == doctest::Approx(static_cast<double>(beta)).epsilon(1e-12));
  CHECK(eg.statistic < eg.critical_values[0]);
  CHECK(eg.p_value < 0.01);
  CHECK(eg.critical_values[1] == doctest::Approx(hm::mackinnon_critical_value(2, 1, 300)));
}

TEST_CASE("engle_granger: size near 5% without cointegration, power with it; AIC/BIC lag choice") {
  int rejections = 0, detected = 0;
  for (std::uint64_t rep = 0; rep < 300; ++rep) {
    const auto none = simulate(200, 1.0, 1000 + rep);
    rejections += hm::engle_granger(none.s, none.f).p_value < 0.05;
    const auto some = simulate(200, 0.7, 5000 + rep);
    detected += hm::engle_granger(some.s, some.f).p_value < 0.05;
  }
  CHECK(rejections >= 5);  // 15 expected at 5%
  CHECK(rejections <= 30);
  CHECK(detected >= 285);
  const auto p = simulate(400, 0.5, 77);
  hm::cointegration_options aic;
  aic.lags = 6;
  aic.select = hm::lag_selection::bic;
  const auto chosen = hm::engle_granger(p.s, p.f, aic);
  CHECK(chosen.lags <= 1);  // AR(1) residuals need no lagged differences
  CHECK(chosen.n == 400 - 1 - chosen.lags);
}

TEST_CASE("engle_granger across the double range: prices scaled by 2^a and 2^b give the same test") {
  // Scaling by powers of two is exact: β scales by 2^(a − b), c by 2^a, and ρ̂, τ, the chosen lag and the
  // p-value do not change. Prices near 1e±270 gave τ = NaN before (issue 10).
  const auto p = simulate(400, 0.6, 91);
  hm::cointegration_options options;
  options.lags = 4;
  options.select = hm::lag_selection::aic;
  const auto base = hm::engle_granger(p.s, p.f, options);
  REQUIRE(std::isfinite(base.statistic));
  for (const int a : {-900, -300, 300, 900}) {
    for (const int b : {-900, 0, 900}) {
      std::vector<double> s(p.s.size()), f(p.f.size());
      for (std::size_t t = 0; t < s.size(); ++t) s[t] = std::ldexp(p.s[t], a), f[t] = std::ldexp(p.f[t], b);
      const auto got = hm::engle_granger(s, f, options);
      INFO("2^" << a << ", 2^" << b);
      CHECK(got.lags == base.lags);
      hm_test::check_close_value("statistic", got.statistic, base.statistic, 1e-12);
      hm_test::check_close_value("rho", got.rho, base.rho, 1e-12);
      const double beta = std::ldexp(base.cointegrating_ratio, a - b);
      if (std::isfinite(beta) && beta != 0)
        hm_test::check_close_value("beta", got.cointegrating_ratio, beta, 1e-13);
    }
  }
}

TEST_CASE("basis_half_life: AR(1) with coefficient 0.9 has half-life ln 2 / −ln 0.9 = 6.58") {
  gaussian z(8);
  std::vector<double> b;
  double x = 0;
  for (int t = 0; t < 20000; ++t) {
    x = 0.9 * x + z();
    b.push_back(3 + x);
  }
  const auto h = hm::basis_half_life(b);
  CHECK(h.phi == doctest::Approx(-0.1).epsilon(0.05));
  CHECK(h.half_life == doctest::Approx(std::log(2.0) / -std::log(0.9)).epsilon(0.06));
  CHECK(std::fabs(h.half_life - 6.5788) < 4 * h.half_life_standard_error);
  CHECK(h.mean == doctest::Approx(3).epsilon(0.05));
  std::vector<double> walk;
  gaussian w(9);
  double level = 0;
  for (int t = 0; t < 50; ++t) walk.push_back(level = 1.05 * level + 1 + 0.1 * w());  // explosive: φ > 0
  CHECK(std::isinf(hm::basis_half_life(walk).half_life));
}

TEST_CASE("engle_granger and basis_half_life: bad input and missing data") {
  std::vector<double> s = {1, 2, 3, 4, 5, 6}, f = {1, 3, 2, 4, 6, 5};
  const std::vector<double> shorter = {1, 2};
  CHECK_THROWS_WITH_AS(
      (void)hm::engle_granger(s, shorter),
      "hedgemetrics::engle_granger: spot and futures must have the same length, but spot has 6 "
      "values and futures has 2",
      std::invalid_argument);
  hm::cointegration_options omit;
  omit.missing = hm::missing_data::omit;
  CHECK_THROWS_AS((void)hm::engle_granger(s, f, omit), std::invalid_argument);
  CHECK_THROWS_AS((void)hm::basis_half_life(s, omit), std::invalid_argument);
  s[3] = std::numeric_limits<double>::infinity();
  CHECK(std::isnan(hm::engle_granger(s, f).statistic));
  CHECK(std::isnan(hm::basis_half_life(s).half_life));
  hm::cointegration_options raise;
  raise.missing = hm::missing_data::raise;
  CHECK_THROWS_WITH_AS((void)hm::engle_granger(s, f, raise),
                       "hedgemetrics::engle_granger: spot[3] is inf (missing_data::raise)",
                       std::domain_error);
}

TEST_CASE("basis_convergence: bands and the regression of |basis| on time to expiry, by hand") {
  // b = S − F = 0, −0.5, 1 | −2, −3, 2.5 at τ = 0, 1, 2 | 10, 11, 12 in the bands [0, 5), [5, 15); the
  // seventh date has no spot price and is skipped.
  const std::vector<double> spot{50, 50, 50, 50, 50, 50, std::nan("")};
  const std::vector<double> futures{50, 50.5, 49, 52, 53, 47.5, 50};
  const std::vector<double> tau{0, 1, 2, 10, 11, 12, 20};
  const auto r = hm::basis_convergence(spot, futures, tau, {0, 5, 15});
  CHECK(r.n == 6);
  CHECK(r.skipped == 1);
  REQUIRE(r.buckets.size() == 2);
  CHECK(r.buckets[0].count == 3);
  CHECK(r.buckets[0].mean == doctest::Approx(0.5 / 3).epsilon(1e-14));
  CHECK(r.buckets[0].sd == doctest::Approx(std::sqrt(7.0 / 12)).epsilon(1e-14));  // squares 42/36 over 2
  CHECK(r.buckets[0].mean_absolute == doctest::Approx(0.5).epsilon(1e-14));
  CHECK(r.buckets[1].count == 3);
  CHECK(r.buckets[1].mean == doctest::Approx(-2.5 / 3).epsilon(1e-14));
  CHECK(r.buckets[1].sd == doctest::Approx(std::sqrt(103.0 / 12)).epsilon(1e-14));  // 618/36 over 2
  CHECK(r.buckets[1].mean_absolute == doctest::Approx(2.5).epsilon(1e-14));
  // |b| on τ: τ̄ = 6, |b|̄ = 1.5, Sττ = 154, Sτb = 31.5, Sbb = 7: slope 9/44, intercept 3/11,
  // RSS = 7 − 31.5²/154 = 85.75/154, se = √(RSS/4/154).
  CHECK(r.slope == doctest::Approx(9.0 / 44).epsilon(1e-14));
  CHECK(r.intercept == doctest::Approx(3.0 / 11).epsilon(1e-13));
  const double se = std::sqrt(85.75 / 154 / 4 / 154);
  CHECK(r.slope_standard_error == doctest::Approx(se).epsilon(1e-12));
  CHECK(r.slope_t == doctest::Approx(9.0 / 44 / se).epsilon(1e-12));
  // A date outside the bands counts in the regression only.
  const std::vector<double> s2{50, 50, 50, 50}, f2{50, 51, 52, 54}, t2{0, 1, 2, 30};
  const auto outside = hm::basis_convergence(s2, f2, t2, {0, 3});
  CHECK(outside.n == 4);
  CHECK(outside.buckets[0].count == 3);
  CHECK(outside.slope == doctest::Approx(  // τ̄ = 8.25, |b|̄ = 1.75: Sττ = 632.75, Sτb = 67.25
                             67.25 / 632.75)
                             .epsilon(1e-13));
  // Misuse.
  CHECK_THROWS_AS((void)hm::basis_convergence(s2, f2, std::vector<double>{0, 1, 2}, {0, 3}),
                  std::invalid_argument);
  CHECK_THROWS_AS((void)hm::basis_convergence(s2, f2, std::vector<double>{0, 1, -2, 3}, {0, 3}),
                  std::invalid_argument);
  CHECK_THROWS_AS((void)hm::basis_convergence(s2, f2, t2, {3}), std::invalid_argument);
  CHECK_THROWS_AS((void)hm::basis_convergence(s2, f2, t2, {0, 3, 3}), std::invalid_argument);
  // A basis beyond the double range is an error that names the date.
  const std::vector<double> far_spot{1e308, 50, 50}, far_futures{-1e308, 51, 52}, far_tau{0, 1, 2};
  CHECK_THROWS_WITH_AS(
      (void)hm::basis_convergence(far_spot, far_futures, far_tau, {0, 3}),
      "hedgemetrics::basis_convergence: the basis at index 0 (spot 1e+308 less futures -1e+308) "
      "is beyond the double range",
      std::domain_error);
}

TEST_CASE("basis_convergence across the double range: the hand-worked example at prices scaled by 2^a") {
  // Band means, mean |b|, sd, the slope and its standard error scale by 2^a; the t ratio does not move.
  // Before, the band sd's squares overflowed near 1e200 (sd +inf) and underflowed near 1e-200 (sd 0).
  const std::vector<double> spot{50, 50, 50, 50, 50, 50}, futures{50, 50.5, 49, 52, 53, 47.5};
  const std::vector<double> tau{0, 1, 2, 10, 11, 12};
  const auto plain = hm::basis_convergence(spot, futures, tau, {0, 5, 15});
  for (const int a : {-1000, -700, -300, 300, 700, 1000}) {
    INFO("2^" << a);
    std::vector<double> s(spot.size()), f(futures.size());
    for (std::size_t t = 0; t < s.size(); ++t)
      s[t] = std::ldexp(spot[t], a), f[t] = std::ldexp(futures[t], a);
    const auto r = hm::basis_convergence(s, f, tau, {0, 5, 15});
    const auto close = [a](double got, double want) {
      return std::fabs(got - std::ldexp(want, a)) <= 1e-13 * std::fabs(std::ldexp(want, a));
    };
    for (std::size_t j = 0; j < 2; ++j) {
      CHECK(close(r.buckets[j].mean, plain.buckets[j].mean));
      CHECK(close(r.buckets[j].sd, plain.buckets[j].sd));
      CHECK(close(r.buckets[j].mean_absolute, plain.buckets[j].mean_absolute));
    }
    CHECK(close(r.slope, plain.slope));
    CHECK(close(r.slope_standard_error, plain.slope_standard_error));
    CHECK(r.slope_t == doctest::Approx(plain.slope_t).epsilon(1e-13));
  }
}
