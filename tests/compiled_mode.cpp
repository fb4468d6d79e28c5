// SPDX-License-Identifier: MIT
// Compiled mode against header-only (issue 17): this program is built twice, once against the
// header-only target and once against hedgemetrics::compiled, and prints every figure of each kernel
// of the compiled mode as a hexadecimal float; CTest compares the two outputs byte for byte
// (compare_outputs.cmake). The figures themselves are checked against independent answers in each
// header's own test; here the claim is only that both modes compute the same bits.
#include <hedgemetrics/cointegration.hpp>
#include <hedgemetrics/garch_hedge.hpp>
#include <hedgemetrics/greek_hedge.hpp>
#include <hedgemetrics/multi_hedge.hpp>

#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace {

namespace hm = hedgemetrics;

/// A fixed pseudo-random sequence in [-1, 1) (SplitMix64), the same on every platform.
class sequence {
 public:
  explicit sequence(std::uint64_t seed) : state_(seed) {}
  double next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    z ^= z >> 31U;
    return static_cast<double>(z >> 11U) * 0x1.0p-52 - 1.0;
  }

 private:
  std::uint64_t state_;
};

void show(const char* what, double value) {
  std::printf("%s %a\n", what, value);
}

void show(const char* what, const Eigen::VectorXd& values) {
  for (Eigen::Index i = 0; i < values.size(); ++i)
    std::printf("%s[%ld] %a\n", what, static_cast<long>(i), values(i));
}

void show_fit(const hm::multi_hedge_fit<double>& fit) {
  std::printf("n %zu rank %zu dropped %zu\n", fit.n, fit.rank, fit.dropped.size());
  show("ratios", fit.ratios);
  show("ratio_standard_errors", fit.ratio_standard_errors);
  show("intercept", fit.intercept);
  show("intercept_standard_error", fit.intercept_standard_error);
  show("effectiveness", fit.effectiveness);
  show("r_squared", fit.r_squared);
  show("adjusted_r_squared", fit.adjusted_r_squared);
  show("residual_variance", fit.residual_variance);
  show("condition_number", fit.condition_number);
  const Eigen::Map<const Eigen::VectorXd> covariance(fit.ratio_covariance.data(),
                                                     fit.ratio_covariance.size());
  show("ratio_covariance", Eigen::VectorXd(covariance));
}

}  // namespace

int main() {
  sequence random(20261204);
  const Eigen::Index n = 3000, k = 3;
  Eigen::MatrixXd hedges(n, k);
  std::vector<double> exposure(static_cast<std::size_t>(n));
  std::vector<std::vector<double>> columns(static_cast<std::size_t>(k), std::vector<double>(exposure.size()));
  Eigen::Vector3d level(70.0, 2.2, 90.0);
  for (Eigen::Index t = 0; t < n; ++t) {
    for (Eigen::Index j = 0; j < k; ++j) {
      level(j) += 0.5 * random.next();
      hedges(t, j) = level(j);
      columns[static_cast<std::size_t>(j)][static_cast<std::size_t>(t)] = level(j);
    }
    exposure[static_cast<std::size_t>(t)] = 0.6 * level(0) + 8.0 * level(1) + 0.1 * level(2) + random.next();
  }

  std::puts("# fit_hedge, matrix of instruments, with and without intercept");
  show_fit(hm::fit_hedge(exposure, hedges));
  show_fit(hm::fit_hedge(exposure, hedges, hm::fit_options{false, hm::missing_data::propagate}));
  std::puts("# fit_hedge, a std::vector of instrument series");
  show_fit(hm::fit_hedge(exposure, columns));
  std::puts("# fit_hedge, collinear instruments (the first twice)");
  Eigen::MatrixXd twice(n, 2);
  twice << hedges.col(0), hedges.col(0);
  show_fit(hm::fit_hedge(exposure, twice));
  std::puts("# fit_hedge, data far outside the ordinary range (the rescaled pass)");
  std::vector<double> huge(exposure);
  for (double& v : huge) v *= 0x1.0p600;
  show_fit(hm::fit_hedge(huge, Eigen::MatrixXd(hedges * 0x1.0p-600)));
  std::puts("# fit_hedge_book");
  Eigen::MatrixXd book(n, 2);
  book.col(0) = Eigen::Map<const Eigen::VectorXd>(exposure.data(), n);
  book.col(1) = hedges.col(2) * 0.5 + hedges.col(1);
  for (const auto& fit : hm::fit_hedge_book(book, hedges).fits) show_fit(fit);

  std::puts("# fit_garch and dcc_hedge");
  std::vector<double> r1(1500), r2(1500);
  double v1 = 1e-4, v2 = 2e-4, e1 = 0.0, e2 = 0.0;
  for (std::size_t t = 0; t < r1.size(); ++t) {
    v1 = 2e-6 + 0.08 * e1 * e1 + 0.9 * v1;
    v2 = 3e-6 + 0.06 * e2 * e2 + 0.92 * v2;
    const double z1 = random.next() * 1.7, z2 = 0.6 * z1 + 0.8 * random.next() * 1.7;
    e1 = std::sqrt(v1) * z1;
    e2 = std::sqrt(v2) * z2;
    r1[t] = e1;
    r2[t] = e2;
  }
  const hm::garch_fit garch = hm::fit_garch(r1);
  show("garch.omega", garch.omega);
  show("garch.alpha", garch.alpha);
  show("garch.beta", garch.beta);
  show("garch.log_likelihood", garch.log_likelihood);
  const auto dcc = hm::dcc_hedge(r1, r2);
  show("dcc.a", dcc.a);
  show("dcc.b", dcc.b);
  show("dcc.forecast_ratio", dcc.forecast_ratio);

  std::puts("# engle_granger");
  std::vector<double> spot(800), futures(800);
  double f = 80.0, basis = 0.0;
  for (std::size_t t = 0; t < spot.size(); ++t) {
    f += random.next();
    basis = 0.7 * basis + 0.3 * random.next();
    futures[t] = f;
    spot[t] = 1.5 + 0.98 * f + basis;
  }
  const auto eg = hm::engle_granger(spot, futures);
  show("engle_granger.cointegrating_ratio", eg.cointegrating_ratio);
  show("engle_granger.statistic", eg.statistic);
  show("engle_granger.p_value", eg.p_value);

  std::puts("# neutralise_greeks (Hull, Example 19.5)");
  const hm::greek_hedge g =
      hm::neutralise_greeks({0.0, -5000.0, -8000.0}, {{0.6, 0.5, 2.0}, {0.5, 0.8, 1.2}});
  for (double q : g.quantities) show("quantity", q);
  show("underlying", g.underlying);
  return 0;
}
