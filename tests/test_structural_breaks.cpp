// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/structural_breaks.hpp>. Independent answers: published figures (Chow on NIST's
// Longley data, F 3.9268 and p 0.06307; strucchange's Nile example, sup-F 75.93 at break 28 and OLS-CUSUM
// 2.9518, Zeileis et al. 2002 §4), a second algorithm (every segment refitted from scratch by Eigen's
// Householder QR in long double: Chow's F at every split, the recursive residuals from their
// definition, Bai–Perron by exhaustive search over all break pairs), and recovery of simulated breaks.
// R's strucchange recomputes the EIA figures this test writes (check_monitoring_r.R, CTest
// monitoring_r).
#include <hedgemetrics/structural_breaks.hpp>

#include <doctest/doctest.h>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/check.hpp"
#include "support/data.hpp"
#include "support/nist_models.hpp"

namespace hm = hedgemetrics;

namespace {

using ld_matrix = Eigen::Matrix<long double, Eigen::Dynamic, Eigen::Dynamic>;
using ld_vector = Eigen::Matrix<long double, Eigen::Dynamic, 1>;

/// RSS of y on [1 | x] over rows [begin, end), by Householder QR in long double.
long double reference_rss(const std::vector<double>& y, const Eigen::MatrixXd& x, std::size_t begin,
                          std::size_t end, bool intercept = true) {
  const auto rows = static_cast<Eigen::Index>(end - begin);
  const Eigen::Index k = x.cols() + (intercept ? 1 : 0);
  ld_matrix a(rows, k);
  ld_vector b(rows);
  for (Eigen::Index r = 0; r < rows; ++r) {
    const auto t = static_cast<Eigen::Index>(begin) + r;
    Eigen::Index c = 0;
    if (intercept) a(r, c++) = 1;
    for (Eigen::Index j = 0; j < x.cols(); ++j) a(r, c++) = static_cast<long double>(x(t, j));
    b(r) = static_cast<long double>(y[static_cast<std::size_t>(t)]);
  }
  const ld_vector coef = a.householderQr().solve(b);
  long double rss = 0;
  for (Eigen::Index r = 0; r < rows; ++r) {
    long double fit = 0;
    for (Eigen::Index c = 0; c < k; ++c) fit += a(r, c) * coef(c);
    rss += (b(r) - fit) * (b(r) - fit);
  }
  return rss;
}

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

/// S_t = a_r + h_r F_t + e_t with regime r changing at `breaks`; F a random walk around 50.
struct regimes {
  std::vector<double> s, f;
};
regimes simulate(std::size_t n, const std::vector<std::size_t>& breaks, const std::vector<double>& ratios,
                 std::uint64_t seed, double noise = 0.5) {
  gaussian z(seed);
  regimes out;
  double f = 50;
  std::size_t regime = 0;
  for (std::size_t t = 0; t < n; ++t) {
    while (regime < breaks.size() && t >= breaks[regime]) ++regime;
    f += z();
    out.f.push_back(f);
    out.s.push_back(2.0 + ratios[regime] * f + noise * z());
  }
  return out;
}

std::vector<double> nile_flows() {
#ifdef HEDGEMETRICS_NILE_CSV
  std::ifstream in(HEDGEMETRICS_NILE_CSV);
  std::vector<double> out;
  std::string line;
  std::getline(in, line);  // year,volume
  while (std::getline(in, line)) {
    const auto comma = line.find(',');
    if (comma != std::string::npos) out.push_back(std::strtod(line.c_str() + comma + 1, nullptr));
  }
  return out;
#else
  return {};
#endif
}

}  // namespace

TEST_CASE(
    "chow_test: Longley, Employed on Year, GNP.deflator, GNP, Armed.Forces, split 7 (F 3.9268, p 0.06307)") {
  const auto path = hm_test::data_file("nist/Longley.dat");
  if (!path) return;
  const auto model = hm_test::read_nist_model(*path, "Longley");
  Eigen::VectorXd y;
  Eigen::MatrixXd x;
  hm_test::nist_design(model, y, x);
  REQUIRE(x.cols() == 6);
  // NIST's columns: x1 GNP.deflator, x2 GNP, x3 Unemployed, x4 Armed.Forces, x5 Population, x6 Year.
  Eigen::MatrixXd design(x.rows(), 4);
  design << x.col(5), x.col(0), x.col(1), x.col(3);
  const auto chow = hm::chow_test(y, design, 7);
  CHECK(chow.k == 5);
  CHECK(chow.df1 == 5);
  CHECK(chow.df2 == 6);
  CHECK(chow.statistic == doctest::Approx(3.9268).epsilon(2e-5));
  CHECK(chow.p_value == doctest::Approx(0.06307).epsilon(1e-4));
  // Second algorithm: the three fits by long-double QR.
  const std::vector<double> yy(y.data(), y.data() + y.size());
  const long double rss = reference_rss(yy, design, 0, 16), r1 = reference_rss(yy, design, 0, 7),
                    r2 = reference_rss(yy, design, 7, 16);
  const double f = static_cast<double>(((rss - r1 - r2) / 5) / ((r1 + r2) / 6));
  CHECK_MESSAGE(std::fabs(chow.statistic - f) <= 1e-8 * f, "computed " << chow.statistic << ", QR " << f);
  CHECK(chow.rss == doctest::Approx(static_cast<double>(rss)).epsilon(1e-9));
}

TEST_CASE_TEMPLATE("chow_test: every split equals three long-double QR fits", T, float, double, long double,
                   int) {
  const regimes data = simulate(60, {35}, {0.9, 1.2}, 7);
  std::vector<T> s, f;
  for (std::size_t i = 0; i < data.s.size(); ++i) {
    s.push_back(static_cast<T>(std::is_integral_v<T> ? std::round(100 * data.s[i]) : data.s[i]));
    f.push_back(static_cast<T>(std::is_integral_v<T> ? std::round(100 * data.f[i]) : data.f[i]));
  }
  std::vector<double> sd(s.begin(), s.end());
  Eigen::MatrixXd fd(static_cast<Eigen::Index>(f.size()), 1);
  for (std::size_t i = 0; i < f.size(); ++i) fd(static_cast<Eigen::Index>(i), 0) = static_cast<double>(f[i]);
  const long double rss = reference_rss(sd, fd, 0, 60);
  for (std::size_t split = 2; split <= 58; split += 4) {
    const auto chow = hm::chow_test(s, f, split);
    const long double r1 = reference_rss(sd, fd, 0, split), r2 = reference_rss(sd, fd, split, 60);
    const double expected = static_cast<double>(((rss - r1 - r2) / 2) / ((r1 + r2) / 56));
    CHECK_MESSAGE(std::fabs(chow.statistic - expected) <= 1e-9 * std::fabs(expected) + 1e-12,
                  "split " << split << ": computed " << chow.statistic << ", QR " << expected);
    CHECK(chow.p_value == doctest::Approx(hm::f_upper_p(expected, 2, 56)).epsilon(1e-8));
  }
  // The break at 35 is found: the F statistic is largest there.
  CHECK(hm::chow_test(s, f, 35).p_value < 1e-6);
}

TEST_CASE("sup_f_test and cusum_test: strucchange's Nile example (supF 75.93 at 28, OLS-CUSUM 2.9518)") {
  const std::vector<double> nile = nile_flows();
  if (nile.size() != 100) {
    MESSAGE("skipped: statsmodels' nile.csv not found (Debian python3-statsmodels)");
    return;
  }
  const Eigen::MatrixXd none(100, 0);  // the intercept-only model, Nile ~ 1
  const auto sup = hm::sup_f_test(nile, none);
  CHECK(sup.k == 1);
  CHECK(sup.from == 15);
  CHECK(sup.to == 85);
  CHECK(sup.statistic == doctest::Approx(75.93).epsilon(1e-4 / 0.7593));  // published to 2 decimals
  CHECK(sup.break_index == 28);
  CHECK(sup.p_value < 1e-10);
  const auto cusum = hm::cusum_test(nile, none);
  CHECK(cusum.statistic == doctest::Approx(2.9518).epsilon(1e-5 / 2.9518 * 5));
  CHECK(cusum.p_value < 1e-6);
  // Chow at the sup-F break equals sup-F / k.
  const auto chow = hm::chow_test(nile, none, 28);
  CHECK(chow.statistic == doctest::Approx(sup.statistic).epsilon(1e-12));
}

TEST_CASE("sup_f_test: F at every candidate equals k times Chow's F from long-double QR") {
  const regimes data = simulate(120, {70}, {1.0, 0.8}, 11);
  hm::break_options options;
  options.trim = 0.2;
  const auto sup = hm::sup_f_test(data.s, data.f, options);
  CHECK(sup.from == 24);
  CHECK(sup.to == 96);
  REQUIRE(sup.statistics.size() == 73);
  Eigen::MatrixXd fd(120, 1);
  for (Eigen::Index i = 0; i < 120; ++i) fd(i, 0) = data.f[static_cast<std::size_t>(i)];
  const long double rss = reference_rss(data.s, fd, 0, 120);
  double best = -1;
  std::size_t at = 0;
  double sum = 0;
  for (std::size_t i = sup.from; i <= sup.to; ++i) {
    const long double u = reference_rss(data.s, fd, 0, i) + reference_rss(data.s, fd, i, 120);
    const double f = static_cast<double>((rss - u) / (u / 116));
    CHECK_MESSAGE(std::fabs(sup.statistics[i - sup.from] - f) <= 1e-9 * f + 1e-12,
                  "i = " << i << ": computed " << sup.statistics[i - sup.from] << ", QR " << f);
    if (f > best) best = f, at = i;
    sum += f;
  }
  CHECK(sup.break_index == at);
  CHECK(sup.statistic == doctest::Approx(best).epsilon(1e-9));
  CHECK(sup.average == doctest::Approx(sum / 73).epsilon(1e-9));
  CHECK(std::abs(static_cast<long>(sup.break_index) - 70) <= 3);
  CHECK(sup.p_value < 0.001);
  CHECK(sup.exponential_p_value < 0.001);
  CHECK(sup.lambda == doctest::Approx((96.0 * 96.0) / (24.0 * 24.0)));
}

TEST_CASE("Hansen p-values: chi-square limit at tau = 0.5, monotone in the statistic, NaN beyond k = 40") {
  // λ = 1 (from = to) is τ = 0.5: the p-value is that of χ²_k.
  CHECK(hm::detail::hansen_p(3.84145882069412, 1, 1.0, hm::detail::hansen_1997_sup) ==
        doctest::Approx(0.05).epsilon(1e-9));
  double previous = 1.0;
  for (double x = 2; x <= 30; x += 0.5) {
    const double p = hm::detail::hansen_p(x, 2, 32.111, hm::detail::hansen_1997_sup);
    CHECK(p <= previous + 1e-12);
    CHECK(p >= 0);
    previous = p;
  }
  CHECK(std::isnan(hm::detail::hansen_p(10.0, 41, 32.1, hm::detail::hansen_1997_sup)));
}

TEST_CASE("cusum_test: recursive residuals from their definition, and a break raises both statistics") {
  const regimes data = simulate(80, {50}, {1.0, 1.0}, 3);
  const auto c = hm::cusum_test(data.s, data.f);
  REQUIRE(c.recursive_residuals.size() == 78);
  // w_t = (y_t − x_tᵀb_{t−1}) / √(1 + x_tᵀ(X_{t−1}ᵀX_{t−1})⁻¹x_t), in long double.
  for (std::size_t t = 2; t < 80; t += 7) {
    ld_matrix x(static_cast<Eigen::Index>(t), 2);
    ld_vector y(static_cast<Eigen::Index>(t));
    for (std::size_t i = 0; i < t; ++i) {
      x(static_cast<Eigen::Index>(i), 0) = 1;
      x(static_cast<Eigen::Index>(i), 1) = static_cast<long double>(data.f[i]);
      y(static_cast<Eigen::Index>(i)) = static_cast<long double>(data.s[i]);
    }
    const ld_matrix xtx_inv = (x.transpose() * x).inverse();
    const ld_vector b = xtx_inv * x.transpose() * y;
    ld_vector xt(2);
    xt << 1, static_cast<long double>(data.f[t]);
    const long double w = (static_cast<long double>(data.s[t]) - xt.dot(b)) /
                          std::sqrt(1 + (xt.transpose() * xtx_inv * xt)(0, 0));
    CHECK_MESSAGE(std::fabs(c.recursive_residuals[t - 2] - static_cast<double>(w)) <= 1e-9,
                  "t = " << t << ": computed " << c.recursive_residuals[t - 2] << ", definition "
                         << static_cast<double>(w));
  }
  CHECK(c.process.front() == 0);
  CHECK(std::fabs(c.process.back()) < 1e-10);  // OLS residuals sum to 0 with an intercept
  CHECK(c.p_value > 0.01);                     // no break simulated
  const regimes shifted = simulate(80, {40}, {1.0, 1.25}, 3);
  const auto b = hm::cusum_test(shifted.s, shifted.f);
  CHECK(b.recursive_p_value < 0.01);
  // Brown, Durbin & Evans' 5% boundary a = 0.948.
  CHECK(hm::detail::brownian_motion_linear_boundary_p(0.948) == doctest::Approx(0.05).epsilon(0.01));
  CHECK(hm::detail::brownian_motion_linear_boundary_p(1.143) == doctest::Approx(0.01).epsilon(0.02));
  // Kolmogorov: P(sup|B| > 1.358) = 0.05.
  CHECK(hm::detail::brownian_bridge_sup_p(1.3581) == doctest::Approx(0.05).epsilon(1e-3));
}

TEST_CASE("breakpoints: exhaustive search over all partitions with 1 and 2 breaks") {
  const regimes data = simulate(48, {17, 33}, {0.8, 1.2, 1.0}, 5, 0.3);
  hm::break_options options;
  options.trim = 8;
  options.max_breaks = 2;
  const auto bp = hm::breakpoints(data.s, data.f, options);
  CHECK(bp.minimum_segment == 8);
  REQUIRE(bp.rss.size() == 3);
  Eigen::MatrixXd fd(48, 1);
  for (Eigen::Index i = 0; i < 48; ++i) fd(i, 0) = data.f[static_cast<std::size_t>(i)];
  CHECK(bp.rss[0] == doctest::Approx(static_cast<double>(reference_rss(data.s, fd, 0, 48))).epsilon(1e-10));
  long double best1 = std::numeric_limits<long double>::infinity();
  std::size_t at1 = 0;
  for (std::size_t i = 8; i + 8 <= 48; ++i) {
    const long double r = reference_rss(data.s, fd, 0, i) + reference_rss(data.s, fd, i, 48);
    if (r < best1) best1 = r, at1 = i;
  }
  CHECK(bp.breaks[1] == std::vector<std::size_t>{at1});
  CHECK(bp.rss[1] == doctest::Approx(static_cast<double>(best1)).epsilon(1e-10));
  long double best2 = std::numeric_limits<long double>::infinity();
  std::vector<std::size_t> at2;
  for (std::size_t i = 8; i + 16 <= 48; ++i) {
    for (std::size_t j = i + 8; j + 8 <= 48; ++j) {
      const long double r = reference_rss(data.s, fd, 0, i) + reference_rss(data.s, fd, i, j) +
                            reference_rss(data.s, fd, j, 48);
      if (r < best2) best2 = r, at2 = {i, j};
    }
  }
  CHECK(bp.breaks[2] == at2);
  CHECK(bp.rss[2] == doctest::Approx(static_cast<double>(best2)).epsilon(1e-10));
  CHECK(at2 == std::vector<std::size_t>{17, 33});
  CHECK(bp.chosen == 2);
  const double n = 48;
  CHECK(bp.bic[2] == doctest::Approx(n * (std::log(bp.rss[2]) + 1 - std::log(n) + std::log(2 * M_PI)) +
                                     std::log(n) * 3 * 3));
}

TEST_CASE("breakpoints: five simulated breaks in 2,000 observations are recovered within 5 observations") {
  const std::vector<std::size_t> truth = {300, 700, 1000, 1400, 1700};
  const regimes data = simulate(2000, truth, {0.8, 1.1, 0.9, 1.2, 0.85, 1.05}, 17, 0.5);
  hm::break_options options;
  options.trim = 0.1;
  options.max_breaks = 7;
  const auto bp = hm::breakpoints(data.s, data.f, options);
  CHECK(bp.minimum_segment == 200);
  REQUIRE(bp.rss.size() == 8);
  CHECK(bp.chosen == 5);
  for (std::size_t i = 0; i < 5; ++i)
    CHECK(std::abs(static_cast<long>(bp.breaks[5][i]) - static_cast<long>(truth[i])) <= 5);
  for (std::size_t m = 1; m < bp.rss.size(); ++m) CHECK(bp.rss[m] <= bp.rss[m - 1] * (1 + 1e-12));
}

TEST_CASE("structural breaks across the double range: prices scaled by 2^a and 2^b give the same tests") {
  // F, the CUSUM statistics and the break dates are scale-free and scaling by a power of two is exact;
  // RSS figures scale by 2^2a. Prices near 1e±270 gave F = NaN and a CUSUM statistic of 0 (issue 10).
  const regimes data = simulate(240, {120}, {0.8, 1.1}, 17);
  const auto chow = hm::chow_test(data.s, data.f, 120);
  const auto cusum = hm::cusum_test(data.s, data.f);
  const auto sup_f = hm::sup_f_test(data.s, data.f);
  const auto found = hm::breakpoints(data.s, data.f);
  for (const int a : {-900, -300, 300, 900}) {
    for (const int b : {-900, 0, 900}) {
      std::vector<double> s(data.s.size()), f(data.f.size());
      for (std::size_t t = 0; t < s.size(); ++t)
        s[t] = std::ldexp(data.s[t], a), f[t] = std::ldexp(data.f[t], b);
      INFO("2^" << a << ", 2^" << b);
      const auto c = hm::chow_test(s, f, 120);
      hm_test::check_close_value("Chow F", c.statistic, chow.statistic, 1e-10);
      const double rss = std::ldexp(chow.rss, 2 * a);
      if (std::isfinite(rss) && rss > 0) hm_test::check_close_value("Chow RSS", c.rss, rss, 1e-10);
      const auto u = hm::cusum_test(s, f);
      hm_test::check_close_value("OLS-CUSUM", u.statistic, cusum.statistic, 1e-10);
      hm_test::check_close_value("recursive CUSUM", u.recursive_statistic, cusum.recursive_statistic, 1e-10);
      hm_test::check_close_value("sup-F", hm::sup_f_test(s, f).statistic, sup_f.statistic, 1e-10);
      const auto g = hm::breakpoints(s, f);
      CHECK(g.chosen == found.chosen);
      CHECK(g.breaks == found.breaks);
    }
  }
}

TEST_CASE("structural breaks: prices spanning -1e308 to +1e308 (the shift by the first value overflowed)") {
  // S = c·(S₀ − its mean) with c a power of two taking the largest deviation to 0.9–1.8e308: S − S[0]
  // overflowed before the series were scaled, and F, the CUSUM statistics and the dates came out NaN.
  const regimes data = simulate(240, {120}, {0.8, 1.1}, 23);
  std::vector<double> centred = data.s;
  double mean = 0, largest = 0;
  for (const double v : centred) mean += v / static_cast<double>(centred.size());
  for (double& v : centred) v -= mean, largest = std::max(largest, std::fabs(v));
  int e = 0;
  (void)std::frexp(largest, &e);
  std::vector<double> huge(centred.size());
  for (std::size_t t = 0; t < huge.size(); ++t) huge[t] = std::ldexp(centred[t], 1024 - e);
  REQUIRE(*std::min_element(huge.begin(), huge.end()) < -1e307);
  REQUIRE(*std::max_element(huge.begin(), huge.end()) > 1e307);
  hm_test::check_close_value("Chow F", hm::chow_test(huge, data.f, 120).statistic,
                             hm::chow_test(centred, data.f, 120).statistic, 1e-10);
  const auto u = hm::cusum_test(huge, data.f), v = hm::cusum_test(centred, data.f);
  hm_test::check_close_value("OLS-CUSUM", u.statistic, v.statistic, 1e-10);
  hm_test::check_close_value("recursive CUSUM", u.recursive_statistic, v.recursive_statistic, 1e-10);
  hm_test::check_close_value("sup-F", hm::sup_f_test(huge, data.f).statistic,
                             hm::sup_f_test(centred, data.f).statistic, 1e-10);
  CHECK(hm::breakpoints(huge, data.f).breaks == hm::breakpoints(centred, data.f).breaks);
}

TEST_CASE("cusum_monitor across the double range: the statistic and the alarm do not depend on the scale") {
  // The monitoring CUSUM is scale-free. Before the monitor scaled its data, a history near 1e±270 gave a
  // NaN statistic (the Givens rotations squared 1e270) and no alarm ever (issue 10).
  const regimes data = simulate(600, {250}, {1.0, 1.04}, 31);
  const auto run = [&](int a, int b) {
    std::vector<double> hs(100), hf(100);
    for (std::size_t t = 0; t < 100; ++t) hs[t] = std::ldexp(data.s[t], a), hf[t] = std::ldexp(data.f[t], b);
    hm::cusum_monitor monitor(hs, hf);
    std::vector<double> path;
    for (std::size_t t = 100; t < data.s.size(); ++t) {
      (void)monitor.update(std::ldexp(data.s[t], a), std::ldexp(data.f[t], b));
      path.push_back(monitor.statistic());
    }
    return std::make_pair(path, monitor.alarm_at());
  };
  const auto plain = run(0, 0);
  REQUIRE(plain.second > 250);  // the break is detected in the unscaled run
  for (const int a : {-960, -300, -70, 0, 70, 300, 960}) {
    for (const int b : {-960, -200, 0, 200, 960}) {
      INFO("spot × 2^" << a << ", hedge × 2^" << b);
      const auto scaled = run(a, b);
      CHECK(scaled.second == plain.second);
      REQUIRE(scaled.first.size() == plain.first.size());
      for (std::size_t t = 0; t < plain.first.size(); ++t) {
        hm_test::check_close_value("Q_n", scaled.first[t], plain.first[t], 1e-12);
      }
    }
  }
  // A monitored observation 1e200 history spreads away: its rotation takes std::hypot, and the alarm rings
  // (the statistic is finite and far beyond the boundary).
  std::vector<double> hs(data.s.begin(), data.s.begin() + 100), hf(data.f.begin(), data.f.begin() + 100);
  hm::cusum_monitor far(hs, hf);
  CHECK(far.update(1e200, 50.0));
  CHECK(std::isfinite(far.statistic()));
  CHECK(far.statistic() > 1e150);
  // One whose distance from the history's first values is beyond the double range in history spreads (a
  // history near 1e-300, then an observation of ordinary size): a clear error, and the monitor unchanged.
  for (std::size_t t = 0; t < 100; ++t) hs[t] = std::ldexp(hs[t], -1000), hf[t] = std::ldexp(hf[t], -1000);
  hm::cusum_monitor edge(hs, hf);
  (void)edge.update(std::ldexp(data.s[100], -1000), std::ldexp(data.f[100], -1000));
  const double before = edge.statistic();
  CHECK_THROWS_WITH_AS(
      (void)edge.update(1e10, 0.5),
      "hedgemetrics::cusum_monitor::update: observation 102 (spot 10000000000, hedge 0.5) is "
      "beyond the double range from the history's first values in units of the history's "
      "spread; it was not added",
      std::domain_error);
  CHECK(edge.observations() == 101);
  CHECK(edge.statistic() == before);
  CHECK(before > 0);
}

TEST_CASE("structural breaks: bad input and missing data") {
  std::vector<double> s = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, f = {1, 3, 2, 5, 4, 7, 6, 9, 8, 11};
  const std::vector<double> short_f = {1, 2, 3};
  CHECK_THROWS_WITH_AS((void)hm::chow_test(s, short_f, 5),
                       "hedgemetrics::chow_test: spot and hedge must have the same length, but spot has 10 "
                       "values and hedge has 3",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS((void)hm::chow_test(s, f, 0),
                       "hedgemetrics::chow_test: split must be in 1 … n − 1 = 9, but it is 0",
                       std::invalid_argument);
  CHECK_THROWS_AS((void)hm::chow_test(s, f, 10), std::invalid_argument);
  hm::break_options bad;
  bad.trim = 0.6;
  CHECK_THROWS_WITH_AS((void)hm::sup_f_test(s, f, bad),
                       "hedgemetrics::sup_f_test: trim as a share must be below 0.5, but it is 0.6",
                       std::invalid_argument);
  bad.trim = 2.5;
  CHECK_THROWS_WITH_AS(
      (void)hm::sup_f_test(s, f, bad),
      "hedgemetrics::sup_f_test: trim must be a share in (0, 1) or a whole count >= 1, but it is 2.5",
      std::invalid_argument);
  bad.trim = 2;
  CHECK_THROWS_WITH_AS(
      (void)hm::breakpoints(s, f, bad),
      "hedgemetrics::breakpoints: the minimum segment (2 observations) must exceed the number "
      "of coefficients (2)",
      std::invalid_argument);
  hm::break_options omit;
  omit.missing = hm::missing_data::omit;
  CHECK_THROWS_AS((void)hm::cusum_test(s, f, omit), std::invalid_argument);
  s[4] = std::numeric_limits<double>::quiet_NaN();
  CHECK(std::isnan(hm::chow_test(s, f, 5).statistic));
  CHECK(std::isnan(hm::sup_f_test(s, f).statistic));
  CHECK(std::isnan(hm::cusum_test(s, f).statistic));
  hm::break_options three;
  three.trim = 3;
  CHECK(hm::breakpoints(s, f, three).rss.empty());
  hm::break_options raise;
  raise.missing = hm::missing_data::raise;
  CHECK_THROWS_WITH_AS((void)hm::chow_test(s, f, 5, raise),
                       "hedgemetrics::chow_test: spot[4] is nan (missing_data::raise)", std::domain_error);
  // Too short for a Chow test with k = 2: NaN, not an exception.
  const std::vector<double> s4 = {1, 2, 4, 3}, f4 = {1, 2, 3, 5};
  CHECK(std::isnan(hm::chow_test(s4, f4, 2).statistic));
}

#include <hedgemetrics/cointegration.hpp>
#include <hedgemetrics/correlation.hpp>

TEST_CASE("cusum_monitor: a = 7.78 at 5%, false alarms under no change, delay after a simulated break") {
  const regimes history = simulate(100, {}, {1.0}, 1);
  const hm::cusum_monitor calibrated(history.s, history.f);
  // Chu, Stinchcombe & White (1996) print a² = 7.78 for 5% (it gives 5.1% by the formula); exact: 7.8147.
  CHECK(calibrated.a_squared() == doctest::Approx(7.78).epsilon(0.005));
  hm::monitor_options ten;
  ten.level = 0.90;
  CHECK(hm::cusum_monitor(history.s, history.f, ten).a_squared() == doctest::Approx(6.25).epsilon(0.002));
  // 400 runs: history 100, monitored 900 more, no change. Over this finite horizon the rate is below 5%.
  int false_alarms = 0;
  std::vector<double> delays;
  for (std::uint64_t rep = 0; rep < 400; ++rep) {
    const regimes quiet = simulate(1000, {}, {1.0}, 100 + rep);
    const std::vector<double> hs(quiet.s.begin(), quiet.s.begin() + 100),
        hf(quiet.f.begin(), quiet.f.begin() + 100);
    hm::cusum_monitor monitor(hs, hf);
    for (std::size_t t = 100; t < 1000; ++t) (void)monitor.update(quiet.s[t], quiet.f[t]);
    false_alarms += monitor.alarm();
    // The same with the ratio moving from 1.0 to 1.02 at observation 200.
    const regimes shifted = simulate(1000, {200}, {1.0, 1.02}, 100 + rep);
    const std::vector<double> ss(shifted.s.begin(), shifted.s.begin() + 100),
        sf(shifted.f.begin(), shifted.f.begin() + 100);
    hm::cusum_monitor watch(ss, sf);
    for (std::size_t t = 100; t < 1000 && !watch.update(shifted.s[t], shifted.f[t]); ++t) {
    }
    if (watch.alarm()) delays.push_back(static_cast<double>(watch.alarm_at()) - 200);
  }
  MESSAGE("false alarms " << false_alarms << "/400; detected " << delays.size() << "/400");
  CHECK(false_alarms <= 30);  // 5% of 400 = 20 at most over an unbounded horizon
  REQUIRE(delays.size() >= 380);
  std::sort(delays.begin(), delays.end());
  MESSAGE("median delay " << delays[delays.size() / 2] << " observations after the break");
  CHECK(delays[delays.size() / 2] > 0);
  CHECK(delays[delays.size() / 2] < 300);
  const std::vector<double> tiny = {1, 2};
  CHECK_THROWS_AS(hm::cusum_monitor(tiny, tiny), std::invalid_argument);
}

TEST_CASE("EIA windows: figures for R's strucchange and urca to recompute (check_monitoring_r.R)") {
#ifdef HEDGEMETRICS_MONITORING_CSV
  struct window {
    const char* file;
    const char* spot;
    const char* hedge;
    std::size_t from;  // search for `length` complete rows from here
    std::size_t length;
  };
  const window windows[] = {{"market/derived/wti_spot_RWTC_vs_CL1_CL2_aligned.csv", "RWTC_spot_usd_bbl",
                             "RCLC1_usd_bbl", 5000, 300},
                            {"market/derived/jetfuel_gulf_spot_vs_heatingoil_HO1_futures_aligned.csv",
                             "jetfuel_usgulf_spot_usd_gal", "HO_contract1_usd_gal", 3900, 250},
                            {"market/derived/henryhub_spot_vs_NG1_NG2_aligned.csv", "HenryHub_spot_usd_mmbtu",
                             "NG_contract1_usd_mmbtu", 2000, 300}};
  std::ofstream out(HEDGEMETRICS_MONITORING_CSV);
  out.precision(17);
  out << "file,spot,hedge,start,length,metric,value\n";
  for (const window& w : windows) {
    const auto path = hm_test::data_file(w.file);
    if (!path) return;
    const auto table = hm_test::read_csv(*path);
    const std::vector<double> s_all = table.numbers(w.spot), f_all = table.numbers(w.hedge);
    std::size_t start = w.from;
    for (std::size_t run = 0, i = w.from; i < s_all.size() && run < w.length; ++i) {
      if (std::isfinite(s_all[i]) && std::isfinite(f_all[i])) {
        ++run;
      } else {
        run = 0;
        start = i + 1;
      }
    }
    REQUIRE(start + w.length <= s_all.size());
    const std::vector<double> s(s_all.begin() + static_cast<std::ptrdiff_t>(start),
                                s_all.begin() + static_cast<std::ptrdiff_t>(start + w.length));
    const std::vector<double> f(f_all.begin() + static_cast<std::ptrdiff_t>(start),
                                f_all.begin() + static_cast<std::ptrdiff_t>(start + w.length));
    auto put = [&](const char* metric, double value) {
      out << w.file << ',' << w.spot << ',' << w.hedge << ',' << start << ',' << w.length << ',' << metric
          << ',' << value << '\n';
    };
    const auto chow = hm::chow_test(s, f, w.length / 2);
    put("chow_F", chow.statistic);
    put("chow_p", chow.p_value);
    const auto sup = hm::sup_f_test(s, f);
    put("supF", sup.statistic);
    put("supF_break", static_cast<double>(sup.break_index));
    put("supF_p", sup.p_value);
    put("aveF", sup.average);
    put("aveF_p", sup.average_p_value);
    put("expF", sup.exponential);
    put("expF_p", sup.exponential_p_value);
    const auto cusum = hm::cusum_test(s, f);
    put("ols_cusum", cusum.statistic);
    put("ols_cusum_p", cusum.p_value);
    put("rec_cusum", cusum.recursive_statistic);
    put("rec_cusum_p", cusum.recursive_p_value);
    hm::break_options options;
    options.max_breaks = 3;
    const auto bp = hm::breakpoints(s, f, options);
    for (std::size_t m = 0; m < bp.rss.size(); ++m) {
      const std::string name = "bp_rss_" + std::to_string(m);
      put(name.c_str(), bp.rss[m]);
      for (std::size_t j = 0; j < m; ++j) {
        const std::string at = "bp_break_" + std::to_string(m) + "_" + std::to_string(j + 1);
        put(at.c_str(), static_cast<double>(bp.breaks[m][j]));
      }
      if (m == 0) continue;
      const auto ci = hm::break_confidence_intervals(s, f, bp, m);
      for (std::size_t j = 0; j < m; ++j) {
        const std::string suffix = std::to_string(m) + "_" + std::to_string(j + 1);
        put(("bp_ci_lower_" + suffix).c_str(), ci.lower[j]);
        put(("bp_ci_upper_" + suffix).c_str(), ci.upper[j]);
        put(("bp_ci_qlow_" + suffix).c_str(), ci.lower_distance[j]);
        put(("bp_ci_qhigh_" + suffix).c_str(), ci.upper_distance[j]);
      }
    }
    std::vector<double> ds, df;
    for (std::size_t i = 1; i < s.size(); ++i) ds.push_back(s[i] - s[i - 1]), df.push_back(f[i] - f[i - 1]);
    const auto cor = hm::correlation_interval(ds, df);
    put("cor_r", cor.estimate);
    put("cor_lower", cor.lower);
    put("cor_upper", cor.upper);
    put("cor_p", cor.p_value);
    hm::cointegration_options co;
    co.lags = 2;
    put("eg_adf", hm::engle_granger(s, f, co).statistic);
  }
#else
  MESSAGE("skipped: HEDGEMETRICS_MONITORING_CSV not defined");
#endif
}

TEST_CASE("break_confidence_intervals: strucchange's Nile example, confint(breakpoints(Nile ~ 1))") {
  const std::vector<double> nile = nile_flows();
  if (nile.size() != 100) {
    MESSAGE("skipped: statsmodels' nile.csv not found (Debian python3-statsmodels)");
    return;
  }
  const Eigen::MatrixXd none(100, 0);
  const auto bp = hm::breakpoints(nile, none);
  REQUIRE(bp.chosen == 1);
  const auto ci = hm::break_confidence_intervals(nile, none, bp, 1);
  REQUIRE(ci.breaks.size() == 1);
  CHECK(ci.breaks[0] == 28);
  // strucchange's ?confint.breakpointsfull example and Zeileis et al. (2003), CSDA 44, §5.1: 25, 28, 32
  // (1895, 1898, 1902); checked with R 4 / strucchange 1.5.
  CHECK(ci.lower[0] == 25);
  CHECK(ci.upper[0] == 32);
  // The unrounded quantiles from strucchange's own confint code with uniroot(tol = 1e-14).
  CHECK(ci.upper_distance[0] == doctest::Approx(2.71435944119035).epsilon(1e-9));
  CHECK(ci.lower_distance[0] == doctest::Approx(-3.20247137823136).epsilon(1e-9));
}

TEST_CASE("break_confidence_intervals: a slope break, against strucchange's confint (het.reg, het.err)") {
  // y = 1 + 2x + e to t = 40, then 1.5 + 1.2x + 1.5e; x and e deterministic. R (strucchange 1.5):
  //   t <- 1:100; x <- (t * 37) %% 11 + 0.1 * t; e <- sin(1.3 * t) * 0.6 + cos(0.7 * t^1.5) * 0.4
  //   y <- ifelse(t <= 40, 1 + 2 * x + e, 1.5 + 1.2 * x + 1.5 * e); bp <- breakpoints(y ~ x, h = 0.15)
  //   confint(bp); confint(bp, breaks = 2); confint(bp, level = 0.9)
  // and the unrounded quantiles from confint's code with uniroot(tol = 1e-14).
  std::vector<double> x(100), y(100);
  for (std::size_t i = 0; i < 100; ++i) {
    const double t = static_cast<double>(i + 1);
    x[i] = std::fmod(t * 37, 11) + 0.1 * t;
    const double e = std::sin(1.3 * t) * 0.6 + std::cos(0.7 * std::pow(t, 1.5)) * 0.4;
    y[i] = t <= 40 ? 1 + 2 * x[i] + e : 1.5 + 1.2 * x[i] + 1.5 * e;
  }
  hm::break_options options;
  options.max_breaks = 5;
  const auto bp = hm::breakpoints(y, x, options);
  REQUIRE(bp.chosen == 1);
  CHECK(bp.rss[1] == doctest::Approx(42.94796).epsilon(1e-6));
  const auto one = hm::break_confidence_intervals(y, x, bp, 1);
  CHECK(one.breaks[0] == 40);
  CHECK(one.lower[0] == 39);
  CHECK(one.upper[0] == 41);
  CHECK(one.upper_distance[0] == doctest::Approx(0.0630480879495915).epsilon(1e-9));
  CHECK(one.lower_distance[0] == doctest::Approx(-0.0918460341312928).epsilon(1e-9));
  const auto two = hm::break_confidence_intervals(y, x, bp, 2);
  REQUIRE(two.breaks == std::vector<std::size_t>{15, 40});
  CHECK(two.lower == std::vector<double>{-19, 39});  // a spurious break: the interval leaves the sample
  CHECK(two.upper == std::vector<double>{59, 41});
  CHECK(two.upper_distance[0] == doctest::Approx(33.5423673256663832).epsilon(1e-9));
  CHECK(two.lower_distance[0] == doctest::Approx(-43.4747922402098652).epsilon(1e-9));
  CHECK(two.upper_distance[1] == doctest::Approx(0.0609655166108004).epsilon(1e-9));
  CHECK(two.lower_distance[1] == doctest::Approx(-0.0813829858367064).epsilon(1e-9));
  const auto ninety = hm::break_confidence_intervals(y, x, bp, 1, 0.9);
  CHECK(ninety.upper_distance[0] == doctest::Approx(0.0446604690319677).epsilon(1e-9));
  CHECK(ninety.lower_distance[0] == doctest::Approx(-0.0620542996498337).epsilon(1e-9));
  // Misuse.
  CHECK_THROWS_AS((void)hm::break_confidence_intervals(y, x, bp, 0), std::invalid_argument);
  CHECK_THROWS_AS((void)hm::break_confidence_intervals(y, x, bp, 9), std::invalid_argument);
  CHECK_THROWS_AS((void)hm::break_confidence_intervals(y, x, bp, 1, 1.0), std::invalid_argument);
  const std::vector<double> shorter(y.begin(), y.begin() + 90), xs(x.begin(), x.begin() + 90);
  CHECK_THROWS_AS((void)hm::break_confidence_intervals(shorter, xs, bp, 1), std::invalid_argument);
}
