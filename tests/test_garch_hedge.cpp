// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/garch_hedge.hpp> and of the bounded quasi-Newton minimiser behind it
// (detail/quasi_newton.hpp). Independent answers: known optima (Rosenbrock, quadratics with active bounds,
// a problem whose minimum is on a corner); recovery of known GARCH(1,1) and DCC(1,1) parameters from
// simulated data; the analytic gradient against central differences; the likelihood's maximum checked
// by perturbation; R's fGarch on EIA prices (tests/check_garch_fgarch.R reads the file written here).
#include <hedgemetrics/detail/quasi_newton.hpp>
#include <hedgemetrics/garch_hedge.hpp>

#include <doctest/doctest.h>

#include <Eigen/Dense>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <vector>

#include "support/check.hpp"
#include "support/data.hpp"

namespace hm = hedgemetrics;
namespace hd = hedgemetrics::detail;

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

/// Rosenbrock's function in k dimensions, analytic gradient; minimum 0 at (1, …, 1).
double rosenbrock(const Eigen::VectorXd& x, Eigen::VectorXd* g) {
  double f = 0;
  if (g != nullptr) g->setZero(x.size());
  for (Eigen::Index i = 0; i + 1 < x.size(); ++i) {
    const double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
    f += 100 * a * a + b * b;
    if (g != nullptr) {
      (*g)[i] += -400 * a * x[i] - 2 * b;
      (*g)[i + 1] += 200 * a;
    }
  }
  return f;
}

/// GARCH(1,1) path with N(0, 1) innovations, μ = 0.05.
std::vector<double> simulate_garch(std::size_t n, double omega, double alpha, double beta,
                                   std::uint64_t seed) {
  gaussian z(seed);
  std::vector<double> x;
  double s2 = omega / (1 - alpha - beta), e = 0;
  for (std::size_t t = 0; t < n + 200; ++t) {
    s2 = omega + alpha * e * e + beta * s2;
    e = std::sqrt(s2) * z();
    if (t >= 200) x.push_back(0.05 + e);
  }
  return x;
}

}  // namespace

TEST_CASE("minimize_bounded: Rosenbrock in 2 and 5 dimensions, analytic and numeric gradients") {
  const double inf = std::numeric_limits<double>::infinity();
  for (Eigen::Index k : {2, 5}) {
    const Eigen::VectorXd lower = Eigen::VectorXd::Constant(k, -inf),
                          upper = Eigen::VectorXd::Constant(k, inf);
    Eigen::VectorXd x0 = Eigen::VectorXd::Constant(k, -1.2);
    x0[k - 1] = 1;
    hd::optimizer_options o;
    o.gradient_tolerance = 1e-9;
    const auto r = hd::minimize_bounded(rosenbrock, x0, lower, upper, o);
    CHECK(r.converged);
    CHECK(r.status == hd::optimizer_status::converged);
    for (Eigen::Index i = 0; i < k; ++i) CHECK(std::fabs(r.x[i] - 1) < 1e-7);
    MESSAGE("Rosenbrock k=" << k << ": " << r.iterations << " iterations, " << r.evaluations
                            << " evaluations");
    const auto plain = [](const Eigen::VectorXd& x) { return rosenbrock(x, nullptr); };
    const auto numeric = [&](const Eigen::VectorXd& x, Eigen::VectorXd* g) {
      if (g != nullptr) *g = hd::numeric_gradient(plain, x, lower, upper, 1.0);
      return plain(x);
    };
    o.gradient_tolerance = 1e-6;
    const auto rn = hd::minimize_bounded(numeric, x0, lower, upper, o);
    CHECK(rn.converged);
    for (Eigen::Index i = 0; i < k; ++i) CHECK(std::fabs(rn.x[i] - 1) < 1e-4);
  }
}

TEST_CASE("minimize_bounded: Rosenbrock with the minimum cut off by a bound (known constrained optimum)") {
  // x ≤ 0.5: on the bound x = 0.5 the minimum over y is y = 0.25 (a = 0), f = 0.25; the gradient in x
  // there is −2(1 − 0.5) = −1 < 0, pushing outwards: a KKT point.
  const Eigen::Vector2d lower(-2, -2), upper(0.5, 2);
  const auto r = hd::minimize_bounded(rosenbrock, Eigen::Vector2d(-1.2, 1), lower, upper);
  CHECK(r.converged);
  CHECK(r.x[0] == 0.5);
  CHECK(std::fabs(r.x[1] - 0.25) < 1e-7);
  CHECK(std::fabs(r.value - 0.25) < 1e-12);
}

TEST_CASE("minimize_bounded: a quadratic whose minimum is a corner, and one with two active bounds of five") {
  // f = Σ c_i (x_i − t_i)², targets outside the box on some coordinates.
  const Eigen::VectorXd c = (Eigen::VectorXd(5) << 1, 10, 100, 0.1, 3).finished();
  const Eigen::VectorXd target = (Eigen::VectorXd(5) << 2, -3, 0.5, 0.25, -0.5).finished();
  const Eigen::VectorXd lower = Eigen::VectorXd::Constant(5, -1), upper = Eigen::VectorXd::Constant(5, 1);
  const auto f = [&](const Eigen::VectorXd& x, Eigen::VectorXd* g) {
    const Eigen::VectorXd d = x - target;
    if (g != nullptr) *g = 2 * c.cwiseProduct(d);
    return d.dot(c.cwiseProduct(d));
  };
  hd::optimizer_options o;
  o.gradient_tolerance = 1e-12;  // x within 1e-12/(2·0.1) of the minimum in the flattest coordinate
  const auto r = hd::minimize_bounded(f, Eigen::VectorXd::Zero(5), lower, upper, o);
  CHECK(r.converged);
  const Eigen::VectorXd expected = (Eigen::VectorXd(5) << 1, -1, 0.5, 0.25, -0.5).finished();
  for (Eigen::Index i = 0; i < 5; ++i) CHECK(std::fabs(r.x[i] - expected[i]) < 1e-9);
  // A start outside the box is projected in.
  const auto r2 = hd::minimize_bounded(f, Eigen::VectorXd::Constant(5, 7), lower, upper, o);
  CHECK(r2.converged);
  CHECK((r2.x - expected).cwiseAbs().maxCoeff() < 1e-9);
}

TEST_CASE("minimize_bounded leaves a flat concave stretch (tiny gradient, sᵀy < 0) in few iterations") {
  // f = 1e-6·(x⁴/4 − x²): concave on |x| < √(1/3), minimum at x = √2; from x = 0.05 the gradient is 1e-7.
  const auto f = [](const Eigen::VectorXd& x, Eigen::VectorXd* g) {
    if (g != nullptr) *g = Eigen::VectorXd::Constant(1, 1e-6 * (x[0] * x[0] * x[0] - 2 * x[0]));
    return 1e-6 * (0.25 * x[0] * x[0] * x[0] * x[0] - x[0] * x[0]);
  };
  hd::optimizer_options o;
  o.gradient_tolerance = 1e-14;
  o.max_iterations = 60;
  const auto r = hd::minimize_bounded(f, Eigen::VectorXd::Constant(1, 0.05),
                                      Eigen::VectorXd::Constant(1, -10), Eigen::VectorXd::Constant(1, 10), o);
  CHECK(r.converged);
  CHECK(std::fabs(r.x[0] - std::sqrt(2.0)) < 1e-6);
}

TEST_CASE("minimize_bounded reports failure instead of returning numbers silently") {
  const double inf = std::numeric_limits<double>::infinity();
  const Eigen::Vector2d lower(-inf, -inf), upper(inf, inf);
  hd::optimizer_options o;
  o.max_iterations = 3;
  const auto r = hd::minimize_bounded(rosenbrock, Eigen::Vector2d(-1.2, 1), lower, upper, o);
  CHECK_FALSE(r.converged);
  CHECK(r.status == hd::optimizer_status::max_iterations);
  // Unbounded below along x: the search runs until the iteration limit, never "converged".
  const auto linear = [](const Eigen::VectorXd& x, Eigen::VectorXd* g) {
    if (g != nullptr) *g = Eigen::Vector2d(-1, 0);
    return -x[0];
  };
  const auto r2 = hd::minimize_bounded(linear, Eigen::Vector2d(0, 0), lower, upper, o);
  CHECK_FALSE(r2.converged);
  // Not finite at the start.
  const auto nan_start = [](const Eigen::VectorXd&, Eigen::VectorXd* g) {
    if (g != nullptr) g->setZero(2);
    return std::numeric_limits<double>::quiet_NaN();
  };
  const auto r3 = hd::minimize_bounded(nan_start, Eigen::Vector2d(0, 0), lower, upper);
  CHECK_FALSE(r3.converged);
  CHECK(r3.status == hd::optimizer_status::nonfinite_start);
  // A gradient that lies (points uphill): no step decreases f.
  const auto liar = [](const Eigen::VectorXd& x, Eigen::VectorXd* g) {
    if (g != nullptr) *g = -2 * x - Eigen::Vector2d(1, 1);
    return x.squaredNorm();
  };
  const auto r4 = hd::minimize_bounded(liar, Eigen::Vector2d(0, 0), lower, upper);
  CHECK_FALSE(r4.converged);
  CHECK(r4.status == hd::optimizer_status::line_search_failed);
  CHECK_THROWS_AS((void)hd::minimize_bounded(rosenbrock, Eigen::Vector2d(0, 0), Eigen::Vector2d(1, 0),
                                             Eigen::Vector2d(0, 1)),
                  std::invalid_argument);
}

TEST_CASE("garch_pass: the analytic gradient equals central differences, fGarch's start included") {
  const std::vector<double> x = simulate_garch(500, 0.1, 0.08, 0.9, 3);
  const Eigen::Vector4d theta(0.04, 0.12, 0.1, 0.85);
  Eigen::Vector4d g;
  (void)hd::garch_pass(x.data(), x.size(), theta, -1, nullptr, &g, nullptr);
  for (int i = 0; i < 4; ++i) {
    const double h = 1e-6;
    Eigen::Vector4d up = theta, down = theta;
    up[i] += h, down[i] -= h;
    const double numeric = (hd::garch_pass(x.data(), x.size(), up, -1, nullptr, nullptr, nullptr) -
                            hd::garch_pass(x.data(), x.size(), down, -1, nullptr, nullptr, nullptr)) /
                           (2 * h);
    CHECK_MESSAGE(std::fabs(g[i] - numeric) <= 1e-6 * std::fmax(1.0, std::fabs(numeric)),
                  "parameter " << i << ": analytic " << g[i] << ", numeric " << numeric);
  }
}

TEST_CASE("fit_garch recovers known GARCH(1,1) parameters; its robust intervals cover them") {
  const double omega = 0.05, alpha = 0.1, beta = 0.85;
  int covered_alpha = 0, covered_beta = 0, runs = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const std::vector<double> x = simulate_garch(3000, omega, alpha, beta, seed);
    const hm::garch_fit fit = hm::fit_garch(x);
    REQUIRE(fit.converged);
    ++runs;
    CHECK(std::fabs(fit.alpha - alpha) < 5 * fit.robust_standard_errors[2]);
    CHECK(std::fabs(fit.beta - beta) < 5 * fit.robust_standard_errors[3]);
    CHECK(std::fabs(fit.mu - 0.05) < 5 * fit.robust_standard_errors[0]);
    covered_alpha += std::fabs(fit.alpha - alpha) < 1.96 * fit.robust_standard_errors[2];
    covered_beta += std::fabs(fit.beta - beta) < 1.96 * fit.robust_standard_errors[3];
    // The maximum: moving any parameter lowers the likelihood.
    const Eigen::Vector4d theta(fit.mu, fit.omega, fit.alpha, fit.beta);
    for (int i = 0; i < 4; ++i) {
      for (double factor : {0.99, 1.01}) {
        Eigen::Vector4d moved = theta;
        moved[i] *= factor;
        CHECK(-hd::garch_pass(x.data(), x.size(), moved, -1, nullptr, nullptr, nullptr) < fit.log_likelihood);
      }
    }
    if (seed == 1) {
      MESSAGE("seed 1: mu " << fit.mu << " omega " << fit.omega << " alpha " << fit.alpha << " (se "
                            << fit.robust_standard_errors[2] << ") beta " << fit.beta << " (se "
                            << fit.robust_standard_errors[3] << "), " << fit.iterations << " iterations");
    }
  }
  MESSAGE("95% robust intervals covered alpha in " << covered_alpha << "/20, beta in " << covered_beta
                                                   << "/20");
  CHECK(covered_alpha >= 15);  // Binomial(20, 0.95) ≥ 15 with probability 0.9997
  CHECK(covered_beta >= 15);
}

TEST_CASE("fit_garch without mean, and bad input") {
  std::vector<double> x = simulate_garch(2000, 0.05, 0.1, 0.85, 9);
  for (double& v : x) v -= 0.05;
  hm::garch_options o;
  o.mean = false;
  const auto fit = hm::fit_garch(x, o);
  CHECK(fit.converged);
  CHECK(fit.mu == 0);
  CHECK(std::isnan(fit.robust_standard_errors[0]));
  CHECK(std::fabs(fit.beta - 0.85) < 5 * fit.robust_standard_errors[3]);
  CHECK(std::isnan(hm::fit_garch(std::vector<double>{1, 2, 3}).omega));  // too short
  CHECK(std::isnan(hm::fit_garch(std::vector<double>(50, 2.0)).omega));  // constant
  x[100] = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH_AS((void)hm::fit_garch(x), doctest::Contains("returns[100]"), std::domain_error);
}

TEST_CASE("dcc_hedge recovers a known DCC(1,1) and its ratio path; CCC's constant correlation") {
  // Two GARCH(1,1) margins with DCC(1,1) correlation around 0.7 (a = 0.05, b = 0.9).
  const double a = 0.05, b = 0.9, rho_bar = 0.7;
  int recovered = 0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    gaussian z(100 + seed);
    const std::size_t n = 4000;
    std::vector<double> s, f, true_ratio;
    double s1 = 0.2, s2 = 0.2, e1 = 0, e2 = 0, q11 = 1, q12 = rho_bar, q22 = 1, u1 = 0, u2 = 0;
    for (std::size_t t = 0; t < n + 200; ++t) {
      s1 = 0.02 + 0.08 * e1 * e1 + 0.9 * s1;
      s2 = 0.01 + 0.05 * e2 * e2 + 0.93 * s2;
      q11 = (1 - a - b) + a * u1 * u1 + b * q11;
      q12 = (1 - a - b) * rho_bar + a * u1 * u2 + b * q12;
      q22 = (1 - a - b) + a * u2 * u2 + b * q22;
      const double r = q12 / std::sqrt(q11 * q22);
      const double z1 = z(), z2 = r * z1 + std::sqrt(1 - r * r) * z();
      u1 = z1, u2 = z2;
      e1 = std::sqrt(s1) * z1, e2 = std::sqrt(s2) * z2;
      if (t >= 200) s.push_back(e1), f.push_back(e2), true_ratio.push_back(r * std::sqrt(s1 / s2));
    }
    const auto dcc = hm::dcc_hedge(s, f);
    REQUIRE(dcc.converged);
    MESSAGE("seed " << seed << ": a " << dcc.a << " (se " << dcc.robust_standard_errors[0] << "), b " << dcc.b
                    << " (se " << dcc.robust_standard_errors[1] << ")");
    CHECK(std::fabs(dcc.a - a) < 5 * dcc.robust_standard_errors[0]);
    CHECK(std::fabs(dcc.b - b) < 5 * dcc.robust_standard_errors[1]);
    recovered += std::fabs(dcc.a - a) < 1.96 * dcc.robust_standard_errors[0];
    // The estimated ratio path tracks the true one.
    double err = 0, var = 0, mean = 0;
    for (double h : true_ratio) mean += h / n;
    for (std::size_t t = 100; t < n; ++t) {
      err += (dcc.ratio[t] - true_ratio[t]) * (dcc.ratio[t] - true_ratio[t]);
      var += (true_ratio[t] - mean) * (true_ratio[t] - mean);
    }
    CHECK(err < 0.25 * var);
    // Definition: h_t = ρ_t σ_S,t/σ_F,t from the parts.
    for (std::size_t t : {0UL, 1UL, 1000UL, n - 1}) {
      CHECK(dcc.ratio[t] == doctest::Approx(dcc.conditional_correlation[t] *
                                            std::sqrt(dcc.exposure.variance[t] / dcc.hedge.variance[t]))
                                .epsilon(1e-14));
    }
    // The maximum in (a, b).
    const auto ccc = hm::dcc_hedge(s, f, hm::correlation_model::constant);
    CHECK(ccc.a == 0);
    CHECK(ccc.conditional_correlation[17] == ccc.correlation);
    CHECK(dcc.correlation_log_likelihood > ccc.correlation_log_likelihood);
    CHECK(std::fabs(ccc.correlation - rho_bar) < 0.05);
  }
  CHECK(recovered >= 2);
}

TEST_CASE("dcc_hedge bad input") {
  std::vector<double> s(30, 1.0), f(29, 1.0);
  CHECK_THROWS_WITH_AS((void)hm::dcc_hedge(s, f), doctest::Contains("hedge has 29"), std::invalid_argument);
  f.push_back(std::numeric_limits<double>::quiet_NaN());
  CHECK_THROWS_WITH_AS((void)hm::dcc_hedge(s, f), doctest::Contains("hedge[29]"), std::domain_error);
}

#ifdef HEDGEMETRICS_GARCH_FGARCH_CSV
TEST_CASE("fit_garch on heating-oil futures (HO1) log returns: the figures R's fGarch is compared with") {
  // Writes the returns and this library's fit; tests/check_garch_fgarch.R fits fGarch on the same returns
  // and compares (parameters 1e-4 relative, log-likelihood 1e-6 relative, conditional variances).
  std::remove(HEDGEMETRICS_GARCH_FGARCH_CSV);  // no stale figures for the R check when the data is absent
  const auto path =
      hm_test::data_file("market/derived/jetfuel_gulf_spot_vs_heatingoil_HO1_futures_aligned.csv");
  if (!path) return;
  const auto table = hm_test::read_csv(*path);
  const auto ho1 = table.numbers("HO_contract1_usd_gal");
  std::vector<double> r;
  for (std::size_t i = 1; i < ho1.size(); ++i) {
    if (std::isfinite(ho1[i]) && std::isfinite(ho1[i - 1]) && ho1[i] > 0 && ho1[i - 1] > 0) {
      r.push_back(100 * std::log(ho1[i] / ho1[i - 1]));
    }
  }
  r.erase(r.begin(), r.end() - 3000);  // the last 3,000 returns keep R's fit to a second
  const auto fit = hm::fit_garch(r);
  REQUIRE(fit.converged);
  MESSAGE("HO1: mu " << fit.mu << " omega " << fit.omega << " alpha " << fit.alpha << " beta " << fit.beta
                     << " loglik " << hm_test::show(fit.log_likelihood) << ", " << fit.iterations
                     << " iterations");
  std::FILE* out = std::fopen(HEDGEMETRICS_GARCH_FGARCH_CSV, "w");
  REQUIRE(out != nullptr);
  std::fprintf(out, "name,value\nmu,%.17g\nomega,%.17g\nalpha,%.17g\nbeta,%.17g\nloglik,%.17g\n", fit.mu,
               fit.omega, fit.alpha, fit.beta, fit.log_likelihood);
  for (std::size_t t = 0; t < r.size(); ++t) std::fprintf(out, "x%zu,%.17g\n", t, r[t]);
  for (std::size_t t = 0; t < r.size(); ++t) std::fprintf(out, "h%zu,%.17g\n", t, fit.variance[t]);
  std::fclose(out);
}
#endif

TEST_CASE("fit_garch across the double range: returns scaled by 2^e give the figures scaled back") {
  // Scaling by a power of two is exact, and fit_garch works on returns divided by the power of two of
  // their spread: μ scales by 2^e, ω and the variances by 2^2e, α and β not at all, the log-likelihood
  // by −n·e·ln 2. Returns near 1e±270 gave NaN figures before (issue 10).
  const std::vector<double> x = simulate_garch(2000, 0.1, 0.08, 0.9, 41);
  const hm::garch_fit base = hm::fit_garch(x);
  REQUIRE(base.converged);
  for (const int e : {-900, -300, 300, 900}) {
    std::vector<double> scaled(x.size());
    for (std::size_t t = 0; t < x.size(); ++t) scaled[t] = std::ldexp(x[t], e);
    const hm::garch_fit fit = hm::fit_garch(scaled);
    INFO("2^" << e);
    CHECK(fit.converged);
    CHECK(fit.alpha == base.alpha);
    CHECK(fit.beta == base.beta);
    CHECK(fit.mu == std::ldexp(base.mu, e));
    // ω and the variances: 0 or +inf where 2^2e takes them out of the double range, as ldexp does.
    CHECK(fit.omega == std::ldexp(base.omega, 2 * e));
    CHECK(fit.forecast_variance == std::ldexp(base.forecast_variance, 2 * e));
    CHECK(fit.variance[100] == std::ldexp(base.variance[100], 2 * e));
    CHECK(fit.standard_errors[2] == base.standard_errors[2]);
    hm_test::check_close_value("log-likelihood", fit.log_likelihood,
                               base.log_likelihood - 2000.0 * e * 0.6931471805599453, 1e-14);
  }
}

TEST_CASE("dcc_hedge across the double range: each series at its own 2^e gives the figures scaled back") {
  // The margins are fitted on the series divided by the powers of two of their spreads and the
  // correlation model on standardised residuals, so a, b, the correlations and the log-likelihood of the
  // correlation model do not change, and the ratio scales by 2^(es − ef). Series near 1e±270 gave an
  // empty result before (issue 10).
  const std::vector<double> s = simulate_garch(1500, 0.1, 0.08, 0.9, 43);
  const std::vector<double> noise = simulate_garch(1500, 0.05, 0.05, 0.9, 44);
  std::vector<double> f(s.size());
  for (std::size_t t = 0; t < s.size(); ++t) f[t] = 0.8 * s[t] + noise[t];
  const auto base = hm::dcc_hedge(s, f);
  REQUIRE(base.converged);
  for (const int es : {-900, 0, 300}) {
    for (const int ef : {-300, 900}) {
      std::vector<double> ss(s.size()), fs(f.size());
      for (std::size_t t = 0; t < s.size(); ++t) ss[t] = std::ldexp(s[t], es), fs[t] = std::ldexp(f[t], ef);
      const auto got = hm::dcc_hedge(ss, fs);
      INFO("2^" << es << ", 2^" << ef);
      CHECK(got.converged);
      CHECK(got.a == base.a);
      CHECK(got.b == base.b);
      CHECK(got.correlation_log_likelihood == base.correlation_log_likelihood);
      REQUIRE(got.ratio.size() == base.ratio.size());
      CHECK(got.ratio[700] == std::ldexp(base.ratio[700], es - ef));
      CHECK(got.forecast_ratio == std::ldexp(base.forecast_ratio, es - ef));
      CHECK(got.exposure.omega == std::ldexp(base.exposure.omega, 2 * es));
      CHECK(got.hedge.mu == std::ldexp(base.hedge.mu, ef));
    }
  }
}
