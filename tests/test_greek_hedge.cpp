// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/greek_hedge.hpp>: neutralise_greeks. Independent answers: Hull's Example 19.5
// (gamma and vega neutral) and Example 19.3 (gamma neutral); the minimum-norm property (orthogonal to
// the null space, built by a cross product); the least-squares normal equation of a one-instrument fit
// written out by hand; greeks of real options from black_scholes; every bad input.
#include <hedgemetrics/greek_hedge.hpp>
#include <hedgemetrics/option_pricing.hpp>

#include <doctest/doctest.h>
#include <Eigen/QR>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace hm = hedgemetrics;

TEST_CASE(
    "neutralise_greeks: Hull's Example 19.5 (400 and 6,000 options, then sell 3,240 of the underlying)") {
  const hm::position_greeks book{0.0, -5000.0, -8000.0};
  const std::vector<hm::position_greeks> options = {{0.6, 0.5, 2.0}, {0.5, 0.8, 1.2}};
  const auto h = hm::neutralise_greeks(book, options);
  REQUIRE(h.quantities.size() == 2);
  CHECK(h.quantities[0] == doctest::Approx(400.0).epsilon(1e-13));
  CHECK(h.quantities[1] == doctest::Approx(6000.0).epsilon(1e-13));
  CHECK(h.underlying == doctest::Approx(-3240.0).epsilon(1e-13));
  CHECK(h.rank == 2);
  CHECK(h.equations == 2);
  CHECK(h.exact);
  CHECK(std::fabs(h.residual.gamma) <= 1e-9);
  CHECK(std::fabs(h.residual.vega) <= 1e-9);
  CHECK(h.residual.delta == 0.0);
}

TEST_CASE(
    "neutralise_greeks: gamma alone (Hull Example 19.3: buy 2,000 calls, sell 1,240 of the underlying)") {
  hm::greek_hedge_options only_gamma;
  only_gamma.vega = false;
  const auto h = hm::neutralise_greeks({0.0, -3000.0, 0.0}, {{0.62, 1.50, 0.0}}, only_gamma);
  CHECK(h.quantities[0] == doctest::Approx(2000.0).epsilon(1e-14));
  CHECK(h.underlying == doctest::Approx(-1240.0).epsilon(1e-14));
  CHECK(h.equations == 1);
  CHECK(h.exact);
}

TEST_CASE("neutralise_greeks: more instruments than greeks gives the minimum-norm exact hedge") {
  // A written at-the-money call hedged with three listed options (greeks from black_scholes).
  const auto written = hm::black_scholes(hm::option_type::call, 100, 100, 0.5, 0.03, 0.25);
  const hm::position_greeks book{-1000 * written.delta, -1000 * written.gamma, -1000 * written.vega};
  std::vector<hm::position_greeks> listed;
  for (const auto& [k, t] : {std::pair<double, double>{90, 0.25}, {110, 1.0}, {100, 2.0}}) {
    const auto g = hm::black_scholes(hm::option_type::put, 100, k, t, 0.03, 0.25);
    listed.push_back({g.delta, g.gamma, g.vega});
  }
  const auto h = hm::neutralise_greeks(book, listed);
  CHECK(h.rank == 2);
  CHECK(h.exact);
  CHECK(std::fabs(h.residual.gamma) <= 1e-12 * 1000 * written.gamma);
  CHECK(std::fabs(h.residual.vega) <= 1e-12 * 1000 * written.vega);
  // The null space of the 2×3 system is spanned by the cross product of its rows; the minimum-norm
  // solution is orthogonal to it.
  const double a[3] = {listed[0].gamma, listed[1].gamma, listed[2].gamma};
  const double b[3] = {listed[0].vega, listed[1].vega, listed[2].vega};
  const double n[3] = {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
  const double dot = h.quantities[0] * n[0] + h.quantities[1] * n[1] + h.quantities[2] * n[2];
  const double size = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]) *
                      std::sqrt(h.quantities[0] * h.quantities[0] + h.quantities[1] * h.quantities[1] +
                                h.quantities[2] * h.quantities[2]);
  CHECK(std::fabs(dot) <= 1e-12 * size);
  double delta = book.delta;
  for (std::size_t j = 0; j < 3; ++j) delta += h.quantities[j] * listed[j].delta;
  CHECK(h.underlying == doctest::Approx(-delta).epsilon(1e-14));
}

TEST_CASE("neutralise_greeks: too few or dependent instruments give the least-squares hedge and say so") {
  // One instrument for two greeks: with the rows scaled by their largest entry (0.5 and 2.0), the
  // least-squares w minimises (0.5w/0.5 − 5000/0.5)² + (2w/2 − 8000/2)², so w = (10000 + 4000)/2.
  const hm::position_greeks book{0.0, -5000.0, -8000.0};
  const auto one = hm::neutralise_greeks(book, {{0.6, 0.5, 2.0}});
  CHECK(one.rank == 1);
  CHECK(one.equations == 2);
  CHECK_FALSE(one.exact);
  CHECK(one.quantities[0] == doctest::Approx(7000.0).epsilon(1e-13));
  CHECK(one.residual.gamma == doctest::Approx(-5000.0 + 0.5 * 7000.0).epsilon(1e-13));
  CHECK(one.residual.vega == doctest::Approx(-8000.0 + 2.0 * 7000.0).epsilon(1e-13));
  CHECK(one.underlying == doctest::Approx(-0.6 * 7000.0).epsilon(1e-13));
  // Two proportional instruments: rank 1, the minimum-norm least-squares hedge splits w in proportion.
  const auto dependent = hm::neutralise_greeks(book, {{0.6, 0.5, 2.0}, {1.2, 1.0, 4.0}});
  CHECK(dependent.rank == 1);
  CHECK_FALSE(dependent.exact);
  CHECK(dependent.quantities[0] + 2 * dependent.quantities[1] == doctest::Approx(7000.0).epsilon(1e-12));
  CHECK(dependent.quantities[1] == doctest::Approx(2 * dependent.quantities[0]).epsilon(1e-12));
  // A consistent rank-deficient system is still exact: vega already zero everywhere.
  const auto flat = hm::neutralise_greeks({0.1, -10.0, 0.0}, {{0.5, 2.0, 0.0}, {0.4, 1.0, 0.0}});
  CHECK(flat.rank == 1);
  CHECK(flat.exact);
  CHECK(std::fabs(flat.residual.gamma) <= 1e-13);
}

TEST_CASE("neutralise_greeks: bad input names the argument, the instrument and the greek") {
  auto message_of = [](auto call) {
    try {
      call();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(message_of([] {
          (void)hm::neutralise_greeks({0, 1, 1}, {});
        }) == "hedgemetrics::neutralise_greeks: instruments is empty");
  CHECK(message_of([&] {
          (void)hm::neutralise_greeks({0, 1, 1}, {{0.5, 1, 1}, {0.5, nan, 1}});
        }) == "hedgemetrics::neutralise_greeks: instruments[1].gamma is nan (greeks must be finite)");
  CHECK(message_of([&] {
          (void)hm::neutralise_greeks({0, 1, nan}, {{0.5, 1, 1}});
        }) == "hedgemetrics::neutralise_greeks: book.vega is nan (greeks must be finite)");
  hm::greek_hedge_options none;
  none.gamma = false;
  none.vega = false;
  CHECK(message_of([&] {
          (void)hm::neutralise_greeks({0, 1, 1}, {{0.5, 1, 1}}, none);
        }) == "hedgemetrics::neutralise_greeks: options.gamma and options.vega are both false");
}

TEST_CASE(
    "minimum_norm_solve: rank and minimum-norm least-squares solution as Eigen's "
    "CompleteOrthogonalDecomposition") {
  // Small e×m systems (the greeks' 1 or 2 equations, and a few taller ones), with random entries, a column
  // repeated (rank below min(e, m)), and all zeros; the plain-loop solver must give Eigen's rank and its
  // solution to rounding.
  std::uint64_t state = 12345;
  const auto uniform = [&] {  // a 64-bit LCG (Knuth's MMIX constants), mapped to [-1, 1)
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) * 0x1.0p-52 - 1.0;
  };
  int cases = 0;
  for (Eigen::Index rows = 1; rows <= 4; ++rows) {
    for (Eigen::Index cols = 1; cols <= 4; ++cols) {
      for (int kind = 0; kind < 3; ++kind) {
        Eigen::MatrixXd a(rows, cols);
        Eigen::VectorXd b(rows);
        for (Eigen::Index j = 0; j < cols; ++j)
          for (Eigen::Index i = 0; i < rows; ++i) a(i, j) = uniform();
        for (Eigen::Index i = 0; i < rows; ++i) b(i) = uniform();
        if (kind == 1 && cols > 1) a.col(cols - 1) = 2.0 * a.col(0);  // dependent columns
        if (kind == 2) a.setZero();
        const Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> cod(a);
        const Eigen::VectorXd expected = cod.solve(b);
        Eigen::VectorXd x(cols);
        const Eigen::Index rank =
            hm::detail::minimum_norm_solve(a.data(), rows, cols, rows, b.data(), x.data());
        CAPTURE(rows);
        CAPTURE(cols);
        CAPTURE(kind);
        CHECK(rank == cod.rank());
        const double tolerance = 1e-12 * (1.0 + expected.cwiseAbs().maxCoeff());
        for (Eigen::Index j = 0; j < cols; ++j) {
          CAPTURE(j);
          CHECK(std::fabs(x(j) - expected(j)) <= tolerance);
        }
        ++cases;
      }
    }
  }
  CHECK(cases == 48);
}
