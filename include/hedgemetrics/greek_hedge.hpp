// SPDX-License-Identifier: MIT
/// \file
/// Greek-neutral hedges: how many of each traded option to add to a book so that its gamma and vega
/// vanish, and how much of the underlying then makes it delta neutral.
///
/// Convention: greeks are those of the positions as held (a written option has negative gamma and vega);
/// a positive quantity buys the instrument, a positive `underlying` buys the underlying. The underlying
/// has delta 1 and no gamma or vega, so it is traded last, for delta alone (Hull §19.6, §19.7).
#ifndef HEDGEMETRICS_GREEK_HEDGE_HPP
#define HEDGEMETRICS_GREEK_HEDGE_HPP

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/detail/small_dense.hpp"

namespace hedgemetrics {

/// The delta, gamma and vega of a position (or of one unit of an instrument), in the units of
/// option_pricing.hpp: vega per unit of volatility (any unit works if the book and the instruments agree).
struct position_greeks {
  /// ∂V/∂S.
  double delta = 0.0;
  /// ∂²V/∂S².
  double gamma = 0.0;
  /// ∂V/∂σ.
  double vega = 0.0;
};

/// Which greeks neutralise_greeks makes zero with the instruments (delta is always neutralised last, with
/// the underlying).
struct greek_hedge_options {
  /// Neutralise gamma.
  bool gamma = true;
  /// Neutralise vega.
  bool vega = true;
};

/// The hedge neutralise_greeks finds.
struct greek_hedge {
  /// Units of each instrument to buy (negative: sell), in the order given.
  std::vector<double> quantities;
  /// Units of the underlying to buy (negative: sell) for delta neutrality after the instruments.
  double underlying = std::numeric_limits<double>::quiet_NaN();
  /// Number of greeks to neutralise with the instruments (1 or 2).
  std::size_t equations = 0;
  /// Rank of the instruments' greek matrix: equal to equations and to the number of instruments when the
  /// hedge is unique; below the number of instruments when several hedges neutralise (the smallest, in
  /// the Euclidean norm of the scaled quantities, is returned); below equations when the instruments
  /// cannot move the greeks independently (the least-squares hedge is returned: see residual).
  std::size_t rank = 0;
  /// True when the hedge neutralises the greeks exactly (to rounding), false for a least-squares fit.
  bool exact = false;
  /// The greeks of book + hedge + underlying: delta 0, and gamma and vega 0 when exact.
  position_greeks residual;
};

namespace detail {

// The solve rounds the same in every unit, whatever its flags (detail/config.hpp).
HEDGEMETRICS_NO_FP_CONTRACT_BEGIN

inline void require_finite_greeks(const position_greeks& g, const std::string& name, const char* function) {
  const char* field[] = {"delta", "gamma", "vega"};
  const double value[] = {g.delta, g.gamma, g.vega};
  for (int i = 0; i < 3; ++i) {
    if (!std::isfinite(value[i])) {
      HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": " + name + "." + field[i] + " is " +
                                               value_text(value[i]) + " (greeks must be finite)"));
    }
  }
}

HEDGEMETRICS_NO_FP_CONTRACT_END

}  // namespace detail

/// The positions in `instruments` (and then the underlying) that make `book` gamma-, vega- and delta-neutral.
///
/// With G the e×m matrix of the instruments' targeted greeks (row "gamma", row "vega"; e = 1 or 2 by
/// options) and g the book's, the quantities w solve G·w = −g; then underlying = −(book.delta + Σ w_j δ_j).
/// The system is solved by a complete orthogonal decomposition (rank-revealing QR with column pivoting, then
/// reflectors from the right: detail::minimum_norm_solve, the algorithm and rank threshold of Eigen's
/// CompleteOrthogonalDecomposition) after each row is scaled by its largest |entry| (gamma and vega differ
/// by 10² in size): the unique solution when G is square and of full rank, the minimum-norm solution when
/// there are more instruments than greeks, the least-squares solution when the instruments cannot reach
/// g (fewer instruments, or dependent ones); `rank`, `exact` and `residual` say which.
///
/// Example (Hull, Example 19.5): a delta-neutral book with gamma −5,000 and vega −8,000, and options with
/// (delta, gamma, vega) = (0.6, 0.5, 2.0) and (0.5, 0.8, 1.2): buy 400 and 6,000, then sell 3,240 of the
/// underlying.
///
/// \throws std::invalid_argument when there is no instrument, no greek is targeted, or a greek is not
///         finite (the message names book or instruments[i] and the greek).
/// Reference: Hull, *Options, Futures and Other Derivatives*, §19.6–19.7 and Example 19.5.
/// In the compiled mode (detail/config.hpp) this is declared here and compiled once, in hedgemetrics::compiled.
[[nodiscard]] HEDGEMETRICS_KERNEL greek_hedge
neutralise_greeks(const position_greeks& book, const std::vector<position_greeks>& instruments,
                  const greek_hedge_options& options = {});

#if HEDGEMETRICS_KERNEL_BODIES
HEDGEMETRICS_KERNEL greek_hedge neutralise_greeks(const position_greeks& book,
                                                  const std::vector<position_greeks>& instruments,
                                                  const greek_hedge_options& options) {
  constexpr const char* function = "hedgemetrics::neutralise_greeks";
  if (instruments.empty()) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": instruments is empty"));
  }
  if (!options.gamma && !options.vega) {
    HEDGEMETRICS_THROW(
        std::invalid_argument(std::string(function) + ": options.gamma and options.vega are both false"));
  }
  detail::require_finite_greeks(book, "book", function);
  for (std::size_t j = 0; j < instruments.size(); ++j) {
    detail::require_finite_greeks(instruments[j], "instruments[" + std::to_string(j) + "]", function);
  }
  const auto m = static_cast<Eigen::Index>(instruments.size());
  const Eigen::Index e = (options.gamma ? 1 : 0) + (options.vega ? 1 : 0);
  Eigen::MatrixXd g(e, m);
  Eigen::VectorXd target(e);
  Eigen::Index row = 0;
  auto add_row = [&](double position_greeks::*field) {
    for (Eigen::Index j = 0; j < m; ++j) g(row, j) = instruments[static_cast<std::size_t>(j)].*field;
    target(row) = -(book.*field);
    const double scale = g.row(row).cwiseAbs().maxCoeff();
    if (scale > 0.0) {
      g.row(row) /= scale;
      target(row) /= scale;
    }
    ++row;
  };
  if (options.gamma) add_row(&position_greeks::gamma);
  if (options.vega) add_row(&position_greeks::vega);

  Eigen::VectorXd w(m);
  const Eigen::Index rank = detail::minimum_norm_solve(g.data(), e, m, e, target.data(), w.data());
  greek_hedge out;
  out.equations = static_cast<std::size_t>(e);
  out.rank = static_cast<std::size_t>(rank);
  out.quantities.assign(w.data(), w.data() + w.size());
  position_greeks total = book;
  for (std::size_t j = 0; j < instruments.size(); ++j) {
    total.delta += out.quantities[j] * instruments[j].delta;
    total.gamma += out.quantities[j] * instruments[j].gamma;
    total.vega += out.quantities[j] * instruments[j].vega;
  }
  out.underlying = -total.delta;
  total.delta = 0.0;
  out.residual = total;
  // Exact when the scaled equations hold to rounding (a consistent system, whatever its rank).
  double g_largest = 0.0, w_sum = 0.0, target_largest = 0.0, miss = 0.0;
  for (Eigen::Index j = 0; j < m; ++j) w_sum += std::abs(w(j));
  for (Eigen::Index i = 0; i < e; ++i) {
    double lhs = 0.0;
    for (Eigen::Index j = 0; j < m; ++j) {
      g_largest = std::max(g_largest, std::abs(g(i, j)));
      lhs += g(i, j) * w(j);
    }
    target_largest = std::max(target_largest, std::abs(target(i)));
    miss = std::max(miss, std::abs(lhs - target(i)));
  }
  const double slack = 64.0 * std::numeric_limits<double>::epsilon() * (g_largest * w_sum + target_largest);
  out.exact = miss <= slack;
  return out;
}
#endif  // HEDGEMETRICS_KERNEL_BODIES

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_GREEK_HEDGE_HPP
