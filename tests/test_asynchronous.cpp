// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/asynchronous.hpp>. Independent answers: Hayashi–Yoshida cases worked by hand
// (every overlapping interval written out, exact rationals), a brute-force O(n·m) HY over all interval
// pairs in exact arithmetic, the identity HY = realised covariance on common timestamps, a simulation of a
// correlated Brownian pair at independent random times (HY unbiased, previous tick biased toward zero by
// the amount theory gives), Dimson against exact normal equations in rational arithmetic, Scholes–Williams
// against exact simple regressions, both standard errors against the Monte Carlo spread, the Epps curve
// against exact fits of subsampled changes; every bad input.
#include <hedgemetrics/asynchronous.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "support/check.hpp"
#include "support/exact.hpp"

namespace hm = hedgemetrics;
namespace ex = hm_test::exact;
using hm_test::check_close;
using hm_test::show;

namespace {

using hm_test::check_throws_containing;

ex::rational q(long numerator, long denominator = 1) {
  ex::rational r(numerator, denominator);
  r.canonicalize();
  return r;
}

/// The simulation's own generator: SplitMix64 (Steele, Lea & Flood 2014) and Box–Muller normals, so the
/// figures do not depend on the standard library's distributions.
class splitmix {
 public:
  explicit splitmix(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform on (0, 1): never 0, so its logarithm is finite.
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }
  /// A standard normal (Box–Muller; the second value of each pair is kept for the next call).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double r = std::sqrt(-2.0 * std::log(uniform()));
    const double angle = 6.283185307179586 * uniform();
    spare_ = r * std::sin(angle);
    has_spare_ = true;
    return r * std::cos(angle);
  }
  /// A gap ≥ 1 of a Bernoulli(p) tick process per time unit (geometric, mean 1/p), by inversion.
  std::int64_t gap(double p) {
    return 1 + static_cast<std::int64_t>(std::floor(std::log(uniform()) / std::log1p(-p)));
  }

 private:
  std::uint64_t state_;
  double spare_ = 0;
  bool has_spare_ = false;
};

/// Brute-force HY in exact arithmetic: every pair of intervals, overlapping when t_{i−1} < s_j and
/// s_{j−1} < t_i. Also Σ|ΔX_i||ΔY_j| over the overlapping pairs, the scale of the rounding.
template <class TX, class TY>
ex::rational brute_hy(const std::vector<std::int64_t>& tx, const std::vector<TX>& x,
                      const std::vector<std::int64_t>& ty, const std::vector<TY>& y, double& scale,
                      std::size_t& pairs) {
  ex::rational sum = 0;
  scale = 0;
  pairs = 0;
  for (std::size_t i = 1; i < tx.size(); ++i) {
    const ex::rational dx = ex::to_rational(x[i]) - ex::to_rational(x[i - 1]);
    for (std::size_t j = 1; j < ty.size(); ++j) {
      if (tx[i - 1] < ty[j] && ty[j - 1] < tx[i]) {
        const ex::rational dy = ex::to_rational(y[j]) - ex::to_rational(y[j - 1]);
        sum += dx * dy;
        scale += std::fabs(dx.get_d() * dy.get_d());
        ++pairs;
      }
    }
  }
  return sum;
}

template <class T>
ex::rational exact_rv(const std::vector<T>& x) {
  ex::rational sum = 0;
  for (std::size_t i = 1; i < x.size(); ++i) {
    const ex::rational d = ex::to_rational(x[i]) - ex::to_rational(x[i - 1]);
    sum += d * d;
  }
  return sum;
}

}  // namespace

TEST_CASE_TEMPLATE("hayashi_yoshida: hand-worked overlaps, exact", T, double, float, long double) {
  SUBCASE("X at 0, 2, 5, 6; Y at 1, 3, 4, 7") {
    // I1 = (0,2], I2 = (2,5], I3 = (5,6];  J1 = (1,3], J2 = (3,4], J3 = (4,7].
    // Overlaps: I1∩J1 = (1,2]; I2∩J1 = (2,3], I2∩J2 = (3,4], I2∩J3 = (4,5]; I3∩J3 = (5,6]: five pairs.
    // ΔX = 3/4, −1/2, 5/4;  ΔY = −1/2, 7/4, 3/4.
    // HY = (3/4)(−1/2) + (−1/2)(−1/2 + 7/4 + 3/4) + (5/4)(3/4) = −3/8 − 1 + 15/16 = −7/16.
    // RV_X = 9/16 + 1/4 + 25/16 = 19/8;  RV_Y = 1/4 + 49/16 + 9/16 = 31/8;  h = (−7/16)/(31/8) = −7/62.
    const std::vector<std::int64_t> tx{0, 2, 5, 6}, ty{1, 3, 4, 7};
    const std::vector<T> x{T(0.5), T(1.25), T(0.75), T(2)}, y{T(1), T(0.5), T(2.25), T(3)};
    const auto fit = hm::hayashi_yoshida(tx, x, ty, y);
    CHECK(fit.overlapping_pairs == 5);
    CHECK(fit.exposure_ticks == 4);
    CHECK(fit.hedge_ticks == 4);
    check_close("HY", fit.covariance, q(-7, 16), 0.0);
    check_close("RV_X", fit.exposure_variance, q(19, 8), 0.0);
    check_close("RV_Y", fit.hedge_variance, q(31, 8), 0.0);
    check_close("ratio", fit.ratio, q(-7, 62), 1e-15);
    // ρ = (−7/16)/√(19/8 · 31/8) = −7/(2√589)
    const ex::rational rho = q(-7, 2) / ex::sqrt_of(q(589));
    check_close("correlation", fit.correlation, ex::maybe(rho), 1e-15);
    check_close("effectiveness", fit.effectiveness, ex::maybe(q(49, 4 * 589)), 1e-15);
  }
  SUBCASE("touching endpoints do not overlap: (0,2] and (2,4] share only the point 2") {
    // X at 0, 2, 4; Y at 2, 4, 6. I1 = (0,2], I2 = (2,4]; J1 = (2,4], J2 = (4,6].
    // Only I2∩J1 = (2,4]: HY = ΔX2·ΔY1 = (4 − 2)(13 − 10) = 6.
    const std::vector<std::int64_t> tx{0, 2, 4}, ty{2, 4, 6};
    const std::vector<T> x{T(1), T(2), T(4)}, y{T(10), T(13), T(20)};
    const auto fit = hm::hayashi_yoshida(tx, x, ty, y);
    CHECK(fit.overlapping_pairs == 1);
    check_close("HY", fit.covariance, q(6), 0.0);
  }
  SUBCASE("Y ticks three times inside one X interval: the Y changes telescope") {
    // X at 0, 10; Y at 2, 3, 4, 5: every J_j ⊂ (0,10]. HY = (x1 − x0)(y3 − y0) = 3·(−2.5) = −7.5.
    const std::vector<std::int64_t> tx{0, 10}, ty{2, 3, 4, 5};
    const std::vector<T> x{T(1), T(4)}, y{T(5), T(7), T(1), T(2.5)};
    const auto fit = hm::hayashi_yoshida(tx, x, ty, y);
    CHECK(fit.overlapping_pairs == 3);
    check_close("HY", fit.covariance, q(-15, 2), 0.0);
    check_close("RV_Y", fit.hedge_variance, q(169, 4), 0.0);  // ΔY = 2, −6, 3/2: 4 + 36 + 9/4
  }
  SUBCASE("disjoint windows: no overlap, HY = 0, ratio 0") {
    const std::vector<std::int64_t> tx{0, 1, 2}, ty{5, 6};
    const std::vector<T> x{T(1), T(2), T(4)}, y{T(1), T(3)};
    const auto fit = hm::hayashi_yoshida(tx, x, ty, y);
    CHECK(fit.overlapping_pairs == 0);
    CHECK(fit.covariance == 0);
    CHECK(fit.ratio == 0);
  }
  SUBCASE("fewer than two observations: NaN") {
    const std::vector<std::int64_t> one{3}, two{1, 5};
    const std::vector<T> v1{T(1)}, v2{T(1), T(2)};
    const auto fit = hm::hayashi_yoshida(one, v1, two, v2);
    CHECK(std::isnan(fit.covariance));
    CHECK(std::isnan(fit.ratio));
    const auto flat = hm::hayashi_yoshida(two, v2, two, std::vector<T>{T(2), T(2)});
    CHECK(flat.covariance == 0);
    CHECK(std::isnan(flat.ratio));  // a constant hedge
  }
}

TEST_CASE_TEMPLATE("hayashi_yoshida: random ticks against brute force over all interval pairs, exact", T,
                   double, float, long double, int) {
  using Real = hm::result_t<std::vector<T>>;
  hm_test::random_source rng(0x16a5f1ULL);
  for (int trial = 0; trial < 12; ++trial) {
    std::vector<std::int64_t> tx, ty;
    std::vector<T> x, y;
    std::int64_t a = rng.integer(-50, 50), b = rng.integer(-50, 50);
    long double lx = 100, ly = 50;
    const long nx = rng.integer(0, 400), ny = rng.integer(0, 400);
    for (long i = 0; i < nx; ++i) {
      tx.push_back(a);
      a += rng.integer(1, 9);
      lx += std::is_integral_v<T> ? rng.integer(-5, 5) : static_cast<long double>(rng.symmetric());
      x.push_back(hm_test::to_element<T>(lx));
    }
    for (long j = 0; j < ny; ++j) {
      ty.push_back(b);
      b += rng.integer(1, 4);
      ly += std::is_integral_v<T> ? rng.integer(-5, 5) : static_cast<long double>(rng.symmetric());
      y.push_back(hm_test::to_element<T>(ly));
    }
    double scale = 0;
    std::size_t pairs = 0;
    const ex::rational expected = brute_hy(tx, x, ty, y, scale, pairs);
    const auto fit = hm::hayashi_yoshida(tx, x, ty, y);
    CAPTURE(trial);
    if (nx < 2 || ny < 2) {
      CHECK(std::isnan(fit.covariance));
      continue;
    }
    CHECK(fit.overlapping_pairs == pairs);
    // Rounding: one in each ΔX, in each telescoped ΔY run and in each product, and the pairwise sums in
    // blocks of 512 (at most 9 more), so at most about 12 units of rounding of Σ|ΔX|·|ΔY| (see hy_block).
    const double eps = static_cast<double>(std::numeric_limits<Real>::epsilon());
    check_close("HY", fit.covariance, ex::maybe(expected), 0.0, 0.0, 12 * eps * scale);
    check_close("RV_X", fit.exposure_variance, ex::maybe(exact_rv(x)), 8 * eps);
    check_close("RV_Y", fit.hedge_variance, ex::maybe(exact_rv(y)), 8 * eps);
  }
}

TEST_CASE("hayashi_yoshida: on common timestamps it is the realised covariance, and so is previous tick") {
  hm_test::random_source rng(20261203);
  std::vector<std::int64_t> t;
  std::vector<double> x, y;
  std::int64_t now = 0;
  double lx = 80, ly = 75;
  for (int i = 0; i < 2000; ++i) {
    t.push_back(now);
    now += 1;  // the grid of previous_tick_fit with grid_step 1
    const double common = rng.symmetric();
    lx += common + 0.3 * rng.symmetric();
    ly += 0.9 * common + 0.2 * rng.symmetric();
    x.push_back(lx);
    y.push_back(ly);
  }
  ex::rational rc = 0;
  double scale = 0;
  for (std::size_t i = 1; i < t.size(); ++i) {
    const ex::rational dx = ex::to_rational(x[i]) - ex::to_rational(x[i - 1]);
    const ex::rational dy = ex::to_rational(y[i]) - ex::to_rational(y[i - 1]);
    rc += dx * dy;
    scale += std::fabs(dx.get_d() * dy.get_d());
  }
  const double eps = std::numeric_limits<double>::epsilon();
  const auto hy = hm::hayashi_yoshida(t, x, t, y);
  CHECK(hy.overlapping_pairs == t.size() - 1);
  check_close("HY on common times", hy.covariance, ex::maybe(rc), 0.0, 0.0, 8 * eps * scale);
  hm::covariation_options grid;
  grid.grid_step = 1;
  const auto pt = hm::previous_tick_fit(t, x, t, y, grid);
  CHECK(pt.overlapping_pairs == t.size() - 1);
  check_close("previous tick on the same grid", pt.covariance, ex::maybe(rc), 0.0, 0.0, 8 * eps * scale);
  check_close("same ratio", pt.ratio, ex::maybe(ex::to_rational(hy.ratio)), 1e-13);
}

TEST_CASE(
    "simulation: correlated Brownian pair at independent random times; HY unbiased, previous tick biased "
    "toward zero as theory says") {
  // Seed 20261203. Time in integer units over [0, T], T = 200000; each series ticks in a unit with
  // probability p = 0.1 (geometric gaps, mean 10), independently of the other and of the prices.
  // X, Y Brownian with ⟨X⟩_T = ⟨Y⟩_T = 1 and ⟨X,Y⟩ = ρ·t/T, ρ = 0.6, simulated exactly at every tick.
  // HY's expectation is ρ·|common window|/T (Hayashi & Yoshida 2005, the overlaps tile the window).
  // Previous tick on a grid of step Δ: ρ·|grid|/T·(1 − E|a_X − a_Y|/Δ), a the ages at a grid point,
  // independent geometric on {0, 1, ...}: E|a_X − a_Y| = 2(1 − p)/(p(2 − p)) = 9.4737 units.
  constexpr double rho = 0.6, p = 0.1;
  constexpr std::int64_t horizon = 200000;
  constexpr int replications = 40;
  splitmix rng(20261203);
  const double mean_age_gap = 2 * (1 - p) / (p * (2 - p));
  double hy_sum = 0, hy_sq = 0, hy_expected = 0;
  const std::int64_t deltas[2] = {100, 20};
  double pt_sum[2] = {0, 0}, pt_sq[2] = {0, 0}, pt_expected[2] = {0, 0};
  for (int r = 0; r < replications; ++r) {
    std::vector<std::int64_t> tx, ty;
    for (std::int64_t t = rng.gap(p) - 1; t <= horizon; t += rng.gap(p)) tx.push_back(t);
    for (std::int64_t t = rng.gap(p) - 1; t <= horizon; t += rng.gap(p)) ty.push_back(t);
    // Brownian paths at the merged tick times.
    std::vector<double> x(tx.size()), y(ty.size());
    double bx = 0, by = 0;
    std::int64_t now = 0;
    std::size_t i = 0, j = 0;
    while (i < tx.size() || j < ty.size()) {
      const std::int64_t next =
          std::min(i < tx.size() ? tx[i] : horizon + 1, j < ty.size() ? ty[j] : horizon + 1);
      const double sd = std::sqrt(static_cast<double>(next - now) / static_cast<double>(horizon));
      const double z1 = rng.normal(), z2 = rng.normal();
      bx += sd * z1;
      by += sd * (rho * z1 + std::sqrt(1 - rho * rho) * z2);
      now = next;
      if (i < tx.size() && tx[i] == now) x[i++] = bx;
      if (j < ty.size() && ty[j] == now) y[j++] = by;
    }
    const auto hy = hm::hayashi_yoshida(tx, x, ty, y);
    const std::int64_t start = std::max(tx.front(), ty.front()), end = std::min(tx.back(), ty.back());
    const double window = static_cast<double>(end - start) / static_cast<double>(horizon);
    hy_sum += hy.covariance / window;
    hy_sq += (hy.covariance / window) * (hy.covariance / window);
    hy_expected += rho;
    for (int d = 0; d < 2; ++d) {
      hm::covariation_options grid;
      grid.grid_step = deltas[d];
      const auto pt = hm::previous_tick_fit(tx, x, ty, y, grid);
      const double steps = static_cast<double>(pt.overlapping_pairs);
      const double covered = steps * static_cast<double>(deltas[d]) / static_cast<double>(horizon);
      pt_sum[d] += pt.covariance / covered;
      pt_sq[d] += (pt.covariance / covered) * (pt.covariance / covered);
      pt_expected[d] += rho * (1 - mean_age_gap / static_cast<double>(deltas[d]));
    }
  }
  const double n = replications;
  const double hy_mean = hy_sum / n, hy_se = std::sqrt((hy_sq / n - hy_mean * hy_mean) / (n - 1));
  MESSAGE("HY: mean " << hy_mean << " (standard error " << hy_se << "), expected " << hy_expected / n);
  CHECK_MESSAGE(std::fabs(hy_mean - rho) <= 4 * hy_se,
                "HY mean " << hy_mean << " vs rho " << rho << ", 4 SE = " << 4 * hy_se);
  CHECK(hy_se < 0.005);  // the test can tell a 1% bias
  for (int d = 0; d < 2; ++d) {
    const double mean = pt_sum[d] / n, se = std::sqrt((pt_sq[d] / n - mean * mean) / (n - 1));
    const double theory = pt_expected[d] / n;
    MESSAGE("previous tick, grid " << deltas[d] << ": mean " << mean << " (SE " << se << "), theory "
                                   << theory << ", HY " << hy_mean);
    CHECK_MESSAGE(mean < rho - 6 * se, "previous tick should be biased toward zero: " << mean);
    if (d == 0) {
      // Δ = 100: ages beyond Δ have probability 0.9^100 = 3e-5, so the formula holds.
      CHECK_MESSAGE(std::fabs(mean - theory) <= 4 * se,
                    "previous tick " << mean << " vs theory " << theory << ", 4 SE = " << 4 * se);
    } else {
      // Δ = 20: the formula (which assumes ages < Δ) is only indicative; the bias is large.
      CHECK(mean < 0.7 * rho);
    }
  }
}

namespace {

/// Exact OLS by normal equations in rational arithmetic (Gauss–Jordan on XᵀX with an intercept column):
/// the slopes, and 1ᵀV1 for V = s²(XᵀX)⁻¹ restricted to the slopes.
struct exact_ols {
  std::vector<ex::rational> beta;  // intercept first
  ex::rational sum_of_slopes, variance_of_sum;
};

exact_ols solve_exact(const std::vector<std::vector<double>>& x, const std::vector<double>& y) {
  const std::size_t n = y.size(), p = x.size() + 1;
  std::vector<std::vector<ex::rational>> cols(p, std::vector<ex::rational>(n));
  std::vector<ex::rational> yy(n);
  for (std::size_t t = 0; t < n; ++t) {
    cols[0][t] = 1;
    for (std::size_t c = 1; c < p; ++c) cols[c][t] = ex::to_rational(x[c - 1][t]);
    yy[t] = ex::to_rational(y[t]);
  }
  // [XᵀX | I | Xᵀy]
  std::vector<std::vector<ex::rational>> a(p, std::vector<ex::rational>(2 * p + 1));
  for (std::size_t r = 0; r < p; ++r) {
    for (std::size_t c = 0; c < p; ++c) {
      ex::rational s = 0;
      for (std::size_t t = 0; t < n; ++t) s += cols[r][t] * cols[c][t];
      a[r][c] = s;
    }
    a[r][p + r] = 1;
    ex::rational s = 0;
    for (std::size_t t = 0; t < n; ++t) s += cols[r][t] * yy[t];
    a[r][2 * p] = s;
  }
  for (std::size_t c = 0; c < p; ++c) {
    std::size_t pivot = c;
    while (sgn(a[pivot][c]) == 0) ++pivot;
    std::swap(a[pivot], a[c]);
    const ex::rational d = a[c][c];
    for (auto& v : a[c]) v /= d;
    for (std::size_t r = 0; r < p; ++r) {
      if (r == c || sgn(a[r][c]) == 0) continue;
      const ex::rational f = a[r][c];
      for (std::size_t k = 0; k < 2 * p + 1; ++k) a[r][k] -= f * a[c][k];
    }
  }
  exact_ols out;
  for (std::size_t r = 0; r < p; ++r) out.beta.push_back(a[r][2 * p]);
  ex::rational ssr = 0;
  for (std::size_t t = 0; t < n; ++t) {
    ex::rational e = yy[t];
    for (std::size_t c = 0; c < p; ++c) e -= out.beta[c] * cols[c][t];
    ssr += e * e;
  }
  const ex::rational s2 = ssr / ex::rational(static_cast<long>(n - p));
  out.sum_of_slopes = 0;
  out.variance_of_sum = 0;
  for (std::size_t r = 1; r < p; ++r) {
    out.sum_of_slopes += out.beta[r];
    for (std::size_t c = 1; c < p; ++c) out.variance_of_sum += a[r][p + c];
  }
  out.variance_of_sum *= s2;
  return out;
}

}  // namespace

TEST_CASE("dimson_fit: against exact normal equations with the lagged and leading regressors") {
  hm_test::random_source rng(1979);
  const std::size_t n = 300;
  std::vector<double> f(n), s(n);
  for (std::size_t t = 0; t < n; ++t) f[t] = rng.symmetric();
  for (std::size_t t = 0; t < n; ++t) {
    s[t] = 0.5 * f[t] + (t >= 1 ? 0.3 * f[t - 1] : 0.0) + (t >= 2 ? 0.1 * f[t - 2] : 0.0) +
           0.4 * rng.symmetric();
  }
  // Plain variables, not a structured binding: CAPTURE's lambda captures them, which C++17 does not allow
  // for a binding (GCC accepts it, Clang does not).
  for (const auto& counts : {std::pair<std::size_t, std::size_t>{1, 1}, {2, 1}, {0, 2}, {3, 0}}) {
    const std::size_t lags = counts.first, leads = counts.second;
    CAPTURE(lags);
    CAPTURE(leads);
    hm::lead_lag_options o;
    o.lags = lags;
    o.leads = leads;
    const auto fit = hm::dimson_fit(s, f, o);
    // The design written out: row t = lags..n−1−leads, column k = F_{t+k}, k = −lags..leads.
    std::vector<std::vector<double>> x(lags + leads + 1);
    std::vector<double> y;
    for (std::size_t t = lags; t + leads < n; ++t) {
      y.push_back(s[t]);
      for (std::size_t c = 0; c < x.size(); ++c) x[c].push_back(f[t + c - lags]);
    }
    const auto e = solve_exact(x, y);
    CHECK(fit.n == y.size());
    REQUIRE(fit.slopes.size() == x.size());
    for (std::size_t c = 0; c < x.size(); ++c)
      check_close("slope", fit.slopes[c], ex::maybe(e.beta[c + 1]), 1e-12);
    check_close("Dimson ratio", fit.ratio, ex::maybe(e.sum_of_slopes), 1e-12);
    check_close("Dimson SE", fit.ratio_standard_error, ex::maybe(ex::sqrt_of(e.variance_of_sum)), 1e-10);
  }
  // No lags, no leads: the univariate fit_hedge of hedge_ratio.hpp (a second algorithm, co-moments).
  hm::lead_lag_options none;
  none.lags = none.leads = 0;
  const auto d0 = hm::dimson_fit(s, f, none);
  const auto h0 = hm::fit_hedge(s, f);
  CHECK(d0.ratio == doctest::Approx(h0.ratio).epsilon(1e-13));
  CHECK(d0.ratio_standard_error == doctest::Approx(h0.ratio_standard_error).epsilon(1e-12));
  CHECK(d0.r_squared == doctest::Approx(h0.effectiveness).epsilon(1e-12));
}

TEST_CASE("scholes_williams_fit: against exact simple regressions on the shifted series") {
  hm_test::random_source rng(1977);
  const std::size_t n = 500;
  std::vector<double> f(n), s(n);
  double ar = 0;
  for (std::size_t t = 0; t < n; ++t) {
    ar = 0.25 * ar + rng.symmetric();
    f[t] = ar;
  }
  for (std::size_t t = 0; t < n; ++t)
    s[t] = 0.6 * f[t] + (t >= 1 ? 0.25 * f[t - 1] : 0.0) + 0.3 * rng.symmetric();
  const auto fit = hm::scholes_williams_fit(s, f);
  // b_k: S_t on F_{t+k}, t = 1..n−2; ρ: F_t with F_{t−1}, t = 1..n−1; all exact.
  const std::size_t m = n - 2;
  const auto b_lag = ex::fit_hedge(s.data() + 1, f.data(), m);
  const auto b_0 = ex::fit_hedge(s.data() + 1, f.data() + 1, m);
  const auto b_lead = ex::fit_hedge(s.data() + 1, f.data() + 2, m);
  const auto auto_fit = ex::fit_hedge(f.data() + 1, f.data(), n - 1);
  CHECK(fit.n == m);
  check_close("b_-1", fit.slopes[0], b_lag.ratio, 1e-12);
  check_close("b_0", fit.slopes[1], b_0.ratio, 1e-12);
  check_close("b_+1", fit.slopes[2], b_lead.ratio, 1e-12);
  check_close("rho_F", fit.hedge_autocorrelation, auto_fit.correlation, 1e-12);
  const ex::rational expected = (*b_lag.ratio + *b_0.ratio + *b_lead.ratio) / (1 + 2 * *auto_fit.correlation);
  check_close("Scholes-Williams ratio", fit.ratio, ex::maybe(expected), 1e-12);
  // With i.i.d.-ish F (ρ ≈ 0.25 here) the ratio recovers 0.6 + 0.25 within a few standard errors.
  CHECK(std::fabs(fit.ratio - 0.85) < 4 * fit.ratio_standard_error);
}

TEST_CASE("dimson_fit and scholes_williams_fit: standard errors match the Monte Carlo spread") {
  // 400 samples of 300 rows: F an AR(1) (φ = 0.3, so ρ_F's sampling error matters), S_t = 0.5F_t +
  // 0.3F_{t−1} + noise. The spread of the estimates across samples has a relative sampling error of
  // 1/√(2·399) = 3.5%; the mean reported standard error must be within 12% of it.
  splitmix rng(300);
  constexpr int samples = 400;
  constexpr std::size_t n = 300;
  double sw_sum = 0, sw_sq = 0, sw_se = 0, d_sum = 0, d_sq = 0, d_se = 0;
  std::vector<double> f(n), s(n);
  for (int r = 0; r < samples; ++r) {
    double ar = 0;
    for (std::size_t t = 0; t < n; ++t) {
      ar = 0.3 * ar + rng.normal();
      f[t] = ar;
    }
    for (std::size_t t = 0; t < n; ++t)
      s[t] = 0.5 * f[t] + (t >= 1 ? 0.3 * f[t - 1] : 0.0) + 0.5 * rng.normal();
    const auto sw = hm::scholes_williams_fit(s, f);
    sw_sum += sw.ratio;
    sw_sq += sw.ratio * sw.ratio;
    sw_se += sw.ratio_standard_error;
    const auto d = hm::dimson_fit(s, f);
    d_sum += d.ratio;
    d_sq += d.ratio * d.ratio;
    d_se += d.ratio_standard_error;
  }
  const double m = samples;
  const double sw_sd = std::sqrt((sw_sq - sw_sum * sw_sum / m) / (m - 1));
  const double d_sd = std::sqrt((d_sq - d_sum * d_sum / m) / (m - 1));
  MESSAGE("Scholes-Williams: Monte Carlo SD " << sw_sd << ", mean SE " << sw_se / m << ", mean "
                                              << sw_sum / m);
  MESSAGE("Dimson: Monte Carlo SD " << d_sd << ", mean SE " << d_se / m << ", mean " << d_sum / m);
  CHECK(sw_se / m == doctest::Approx(sw_sd).epsilon(0.12));
  CHECK(d_se / m == doctest::Approx(d_sd).epsilon(0.12));
  CHECK(d_sum / m == doctest::Approx(0.8).epsilon(0.02));  // Dimson is unbiased for Σ of the true slopes
}

TEST_CASE("epps_curve: each point is the exact fit of the subsampled changes, and stale prices rise with q") {
  hm_test::random_source rng(1979);
  const std::size_t n = 2001;
  std::vector<double> f(n), s(n);
  double walk = 100;
  for (std::size_t t = 0; t < n; ++t) {
    walk += rng.symmetric();
    f[t] = walk;
  }
  // S is F one step late (a stale price) plus noise: the q-step changes share q − 1 of q steps, so the
  // ratio is (q − 1)/q in expectation: the Epps effect in its simplest form.
  for (std::size_t t = 0; t < n; ++t) s[t] = (t >= 1 ? f[t - 1] : f[0]) + 0.1 * rng.symmetric();
  const auto curve = hm::epps_curve(s, f);
  REQUIRE(curve.size() == 5);
  for (const auto& point : curve) {
    const std::size_t qn = point.interval;
    CAPTURE(qn);
    std::vector<double> ds, df;
    for (std::size_t t = qn; t < n; t += qn) {
      ds.push_back(s[t] - s[t - qn]);
      df.push_back(f[t] - f[t - qn]);
    }
    // The changes are formed in floating point by both; the exact fit is of those same changes.
    const auto e = ex::fit_hedge(ds.data(), df.data(), ds.size());
    CHECK(point.n == ds.size());
    check_close("ratio", point.ratio, e.ratio, 1e-11);
    check_close("effectiveness", point.effectiveness, e.effectiveness, 1e-11);
    check_close("ratio SE", point.ratio_standard_error, e.ratio_standard_error, 1e-10);
    const double theory = (static_cast<double>(qn) - 1) / static_cast<double>(qn);
    CHECK_MESSAGE(std::fabs(point.ratio - theory) <= 4 * point.ratio_standard_error + 0.01,
                  "h*(" << qn << ") = " << point.ratio << " vs (q-1)/q = " << theory);
  }
  CHECK(curve[0].ratio < curve[4].ratio);
}

TEST_CASE("range: HY, previous tick, Dimson and Scholes-Williams at prices scaled by 2^a and 2^b") {
  // Covariances scale by 2^(a+b), variances by 2^2a and 2^2b, ratios and standard errors by 2^(a−b);
  // correlation, effectiveness, R² and ρ_F do not move; scaling by a power of two is exact. Before the
  // families scaled their data, prices near 1e-300 gave a NaN or zero ratio and correlation, near 1e300 NaN
  // where the variance is +inf, and the lead–lag standard errors 0 (issue 10).
  std::mt19937_64 rng(9);
  std::normal_distribution<double> z;
  std::uniform_int_distribution<int> gap(1, 5);
  std::vector<std::int64_t> tx, ty;
  std::vector<double> x, y;
  double px = 100, py = 50;
  std::int64_t t = 0;
  for (int i = 0; i < 400; ++i) {
    t += gap(rng);
    tx.push_back(t);
    px += 0.9 * z(rng) + 0.3 * z(rng);
    x.push_back(px);
  }
  t = 0;
  for (int i = 0; i < 300; ++i) {
    t += gap(rng);
    ty.push_back(t);
    py += z(rng);
    y.push_back(py);
  }
  const std::vector<double> xs(x.begin(), x.begin() + 300);
  hm::covariation_options grid;
  grid.grid_step = 5;
  const auto hy = hm::hayashi_yoshida(tx, x, ty, y);
  const auto pt = hm::previous_tick_fit(tx, x, ty, y, grid);
  const auto dimson = hm::dimson_fit(xs, y);
  const auto sw = hm::scholes_williams_fit(xs, y);
  // The figure to 1e-12 where it is a normal double, ±inf or 0 where its scaled value leaves the range.
  const auto same = [](const char* what, double got, double plain, int power) {
    const double want = std::ldexp(plain, power);
    INFO(std::string(what) << ": " << got << " against " << want);
    if (std::isinf(want)) {
      CHECK(got == want);
    } else if (std::fabs(want) < std::numeric_limits<double>::min()) {
      CHECK(std::fabs(got - want) <= std::numeric_limits<double>::min());
    } else {
      CHECK(std::fabs(got - want) <= 1e-12 * std::fabs(want));
    }
  };
  for (const int a : {-1000, -600, -100, 0, 100, 600, 1000}) {
    for (const int b : {-1000, -300, 0, 300, 1000}) {
      INFO("exposure × 2^" << a << ", hedge × 2^" << b);
      std::vector<double> xa(x.size()), ya(y.size());
      for (std::size_t i = 0; i < x.size(); ++i) xa[i] = std::ldexp(x[i], a);
      for (std::size_t i = 0; i < y.size(); ++i) ya[i] = std::ldexp(y[i], b);
      for (const auto& [name, got, plain] :
           {std::tuple{"HY", hm::hayashi_yoshida(tx, xa, ty, ya), hy},
            std::tuple{"previous tick", hm::previous_tick_fit(tx, xa, ty, ya, grid), pt}}) {
        const std::string label(name);  // INFO's lambda may not capture a structured binding in C++17
        INFO(label);
        same("covariance", got.covariance, plain.covariance, a + b);
        same("exposure variance", got.exposure_variance, plain.exposure_variance, 2 * a);
        same("hedge variance", got.hedge_variance, plain.hedge_variance, 2 * b);
        same("ratio", got.ratio, plain.ratio, a - b);
        same("correlation", got.correlation, plain.correlation, 0);
        same("effectiveness", got.effectiveness, plain.effectiveness, 0);
      }
      const std::vector<double> xsa(xa.begin(), xa.begin() + 300);
      const auto d = hm::dimson_fit(xsa, ya);
      same("Dimson ratio", d.ratio, dimson.ratio, a - b);
      same("Dimson standard error", d.ratio_standard_error, dimson.ratio_standard_error, a - b);
      same("Dimson R²", d.r_squared, dimson.r_squared, 0);
      for (std::size_t k = 0; k < d.slopes.size(); ++k)
        same("Dimson slope", d.slopes[k], dimson.slopes[k], a - b);
      const auto w = hm::scholes_williams_fit(xsa, ya);
      same("Scholes-Williams ratio", w.ratio, sw.ratio, a - b);
      same("Scholes-Williams standard error", w.ratio_standard_error, sw.ratio_standard_error, a - b);
      same("rho_F", w.hedge_autocorrelation, sw.hedge_autocorrelation, 0);
    }
  }
}

TEST_CASE("missing data: HY omit drops the tick, propagate gives NaN, raise names it") {
  const std::vector<std::int64_t> tx{0, 2, 5, 6, 9}, ty{1, 3, 4, 7};
  std::vector<double> x{0.5, 1.25, std::nan(""), 0.75, 2}, y{1, 0.5, 2.25, 3};
  hm::covariation_options o;
  CHECK(std::isnan(hm::hayashi_yoshida(tx, x, ty, y, o).covariance));
  o.missing = hm::missing_data::omit;
  const auto omitted = hm::hayashi_yoshida(tx, x, ty, y, o);
  const std::vector<std::int64_t> tx2{0, 2, 6, 9};
  const std::vector<double> x2{0.5, 1.25, 0.75, 2};
  const auto reference = hm::hayashi_yoshida(tx2, x2, ty, y);
  CHECK(omitted.covariance == reference.covariance);
  CHECK(omitted.exposure_ticks == 4);
  o.missing = hm::missing_data::raise;
  check_throws_containing<std::domain_error>([&] { (void)hm::hayashi_yoshida(tx, x, ty, y, o); },
                                             {"hayashi_yoshida", "exposure", "index 2", "timestamp 5"});
  hm::covariation_options grid;
  grid.grid_step = 1;
  CHECK(std::isnan(hm::previous_tick_fit(tx, x, ty, y, grid).covariance));
  std::vector<double> fs{1, 2, std::nan(""), 4, 5}, ss{1, 2, 3, 4, 5};
  CHECK(std::isnan(hm::scholes_williams_fit(ss, fs).ratio));
  CHECK(std::isnan(hm::dimson_fit(ss, fs).ratio));
  hm::lead_lag_options raise;
  raise.missing = hm::missing_data::raise;
  check_throws_containing<std::domain_error>([&] { (void)hm::dimson_fit(ss, fs, raise); },
                                             {"dimson_fit", "hedge value at index 2", "nan"});
}

TEST_CASE("bad input: every caller error names the function, the series, the index and the values") {
  using E = std::invalid_argument;
  const std::vector<std::int64_t> good{0, 1, 2, 3}, dup{0, 1, 1, 3}, back{0, 2, 1, 3};
  const std::vector<double> v{1, 2, 3, 4}, three{1, 2, 3};
  check_throws_containing<E>([&] { (void)hm::hayashi_yoshida(dup, v, good, v); },
                             {"hedgemetrics::hayashi_yoshida", "exposure", "index 2", "(1)", "duplicate"});
  check_throws_containing<E>([&] { (void)hm::hayashi_yoshida(good, v, back, v); },
                             {"hedge", "index 2", "(1) is before", "index 1 (2)"});
  check_throws_containing<E>([&] { (void)hm::hayashi_yoshida(good, three, good, v); },
                             {"exposure_time", "has 4 values", "exposure has 3"});
  hm::covariation_options grid;
  for (const std::int64_t step : {std::int64_t{0}, std::int64_t{-3}}) {
    grid.grid_step = step;
    check_throws_containing<E>([&] { (void)hm::previous_tick_fit(good, v, good, v, grid); },
                               {"previous_tick_fit", "grid_step is " + std::to_string(step)});
  }
  grid.grid_step = 1;
  check_throws_containing<E>([&] { (void)hm::previous_tick_fit(good, v, dup, v, grid); },
                             {"previous_tick_fit", "hedge", "duplicate"});
  check_throws_containing<E>([&] { (void)hm::dimson_fit(v, three); },
                             {"dimson_fit", "4 values", "hedge has 3"});
  check_throws_containing<E>([&] { (void)hm::scholes_williams_fit(three, v); }, {"scholes_williams_fit"});
  hm::lead_lag_options omit;
  omit.missing = hm::missing_data::omit;
  check_throws_containing<E>([&] { (void)hm::dimson_fit(v, v, omit); }, {"omit is not accepted"});
  check_throws_containing<E>([&] { (void)hm::scholes_williams_fit(v, v, omit); }, {"omit is not accepted"});
  hm::epps_options zero;
  zero.intervals = {1, 0};
  check_throws_containing<E>([&] { (void)hm::epps_curve(v, v, zero); }, {"intervals[1] is 0"});
  check_throws_containing<E>([&] { (void)hm::epps_curve(v, three); }, {"epps_curve", "4 values"});
}

TEST_CASE("undefined figures: too few rows and a constant hedge give NaN, not an exception") {
  const std::vector<double> three{1, 2, 3}, flat{2, 2, 2, 2, 2, 2}, six{1, 3, 2, 5, 4, 6};
  CHECK(std::isnan(hm::scholes_williams_fit(three, three).ratio));
  CHECK(std::isnan(hm::scholes_williams_fit(six, flat).ratio));
  CHECK(std::isnan(hm::dimson_fit(three, three).ratio));  // 1 row for 3 slopes and an intercept
  CHECK(std::isnan(hm::dimson_fit(six, flat).ratio));
  const auto curve = hm::epps_curve(three, three);
  CHECK(std::isnan(curve[2].ratio));  // q = 5: no change at all
  CHECK(curve[2].n == 0);
}
