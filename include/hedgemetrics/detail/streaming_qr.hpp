// SPDX-License-Identifier: MIT
/// \file
/// Streaming Householder QR of a tall matrix [1 | X | Y] read in row blocks (TSQR), for the
/// multi-instrument hedges: the triangular factor of the design [1 | X], the responses' projections on
/// it, and each response's residual sum of squares, in O((k + m)²) memory whatever the number of rows.
#ifndef HEDGEMETRICS_DETAIL_STREAMING_QR_HPP
#define HEDGEMETRICS_DETAIL_STREAMING_QR_HPP

#include <Eigen/Core>

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>

#include "hedgemetrics/detail/blocks.hpp"
#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics::detail {

/// Rows per block of the streaming QR. A block of 256 rows of 10 columns of doubles (20 KiB) stays in L1;
/// bench_multi_hedge (n = 1e6, k = 1..8) was within 5% for 128..512 rows and slower at 64 and 1024.
inline constexpr Eigen::Index qr_block_rows = 256;

/// The state of a streaming QR of A = [1 | X − c | Y − c_y] (p = k + 1 design columns, m responses):
/// A = Q·[R Z; 0 *], where R (p×p) is upper triangular, Z (p×m) holds the responses' coordinates in Q's
/// first p columns, and `ss` the squared norms of what is left of each response, i.e. the residual sums
/// of squares of the regressions of Y on [1 | X], summed from squares (no cancellation).
///
/// The shift c (the first complete row) changes nothing mathematically, since the ones column absorbs
/// it, but keeps price levels from entering the factorisation: x − c is exact for x within a factor 2 of
/// c (Sterbenz), which makes the implicit centring done by the first Householder reflector nearly exact.
template <class Real>
struct streaming_qr {
  using matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
  using vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;
  using row_vector = Eigen::Matrix<Real, 1, Eigen::Dynamic>;

  Eigen::Index p = 0;  ///< design columns: the ones column and k instruments
  Eigen::Index m = 0;  ///< responses (exposures)
  matrix r;            ///< p × (p + m): [R Z]
  vector ss;           ///< m residual sums of squares
  vector ss_error;     ///< their compensation terms (Kahan–Babuška / Neumaier)
  row_vector work;     ///< p + m scratch values
  std::size_t rows = 0;

  streaming_qr(Eigen::Index design, Eigen::Index responses)
      : p(design),
        m(responses),
        r(matrix::Zero(design, design + responses)),
        ss(vector::Zero(responses)),
        ss_error(vector::Zero(responses)),
        work(row_vector::Zero(design + responses)) {}

  /// Absorbs a block B (its first `count` rows, p + m columns, column-major): Householder reflectors
  /// that annihilate B's design columns against the rows of R, applied to the whole stacked [R Z; B]
  /// (the structured update of Golub & Van Loan, Matrix Computations, 4th ed., §5.2.2 and §6.5.2: the
  /// reflector of column j touches only row j of R, so a block costs 4·rows·Σ_j (p + m − j − 1) flops).
  /// B is overwritten.
  void absorb(Eigen::Ref<matrix> block, Eigen::Index count) {
    const Eigen::Index columns = p + m;
    auto b = block.topRows(count);
    for (Eigen::Index j = 0; j < p; ++j) {
      auto x = b.col(j);
      const Real sigma = x.squaredNorm();
      if (!(sigma > 0)) continue;  // nothing to annihilate
      const Real alpha = r(j, j);
      const Real beta = -std::copysign(std::sqrt(alpha * alpha + sigma), alpha);
      x /= (alpha - beta);  // the reflector v = [1; x/(α − β)]; |α − β| ≥ √σ > 0
      const Real tau = (beta - alpha) / beta;
      r(j, j) = beta;
      const Eigen::Index rest = columns - j - 1;
      if (rest == 0) continue;
      auto w = work.head(rest);
      w.noalias() = x.transpose() * b.rightCols(rest);
      w += r.row(j).tail(rest);
      w *= tau;
      r.row(j).tail(rest) -= w;
      b.rightCols(rest).noalias() -= x * w;
    }
    for (Eigen::Index i = 0; i < m; ++i) {
      // Neumaier's compensated sum: the block sums are all non-negative, so this keeps SSR to a rounding
      // or two however many blocks there are.
      const Real term = b.col(p + i).squaredNorm();
      Real sum = 0, error = 0;
      two_sum(ss(i), term, sum, error);
      ss(i) = sum;
      ss_error(i) += error;
    }
    rows += static_cast<std::size_t>(count);
  }

  /// The residual sum of squares of response i.
  [[nodiscard]] Real residual_ss(Eigen::Index i) const { return ss(i) + ss_error(i); }
};

/// Where the first non-finite value of a block is, for missing_data::raise.
struct nonfinite_at {
  Eigen::Index row = -1;
  Eigen::Index column = -1;
};

/// Reads exposures (m columns) and hedges (k columns) in row blocks into [1 | X − c | Y − c_y] and
/// absorbs them; applies the missing-data policy per row. `exposure_column(i)` / `hedge_column(j)` name a
/// column in messages. Returns the state; `nonfinite` is set under missing_data::propagate.
template <class Real, class Exposures, class Hedges>
streaming_qr<Real> factor_rows(const Exposures& exposures, const Hedges& hedges, missing_data policy,
                               const char* function, bool& nonfinite,
                               Eigen::Matrix<Real, 1, Eigen::Dynamic>& hedge_shift,
                               Eigen::Matrix<Real, 1, Eigen::Dynamic>& exposure_shift) {
  using matrix = typename streaming_qr<Real>::matrix;
  const Eigen::Index n = hedges.rows();
  const Eigen::Index k = hedges.cols();
  const Eigen::Index m = exposures.cols();
  streaming_qr<Real> state(k + 1, m);
  nonfinite = false;
  hedge_shift = Eigen::Matrix<Real, 1, Eigen::Dynamic>::Zero(k);
  exposure_shift = Eigen::Matrix<Real, 1, Eigen::Dynamic>::Zero(m);

  auto row_is_finite = [&](Eigen::Index t) {
    for (Eigen::Index j = 0; j < k; ++j) {
      if (!std::isfinite(static_cast<Real>(hedges(t, j)))) return false;
    }
    for (Eigen::Index i = 0; i < m; ++i) {
      if (!std::isfinite(static_cast<Real>(exposures(t, i)))) return false;
    }
    return true;
  };
  auto raise_at = [&](Eigen::Index t) {
    for (Eigen::Index i = 0; i < m; ++i) {
      const Real v = static_cast<Real>(exposures(t, i));
      if (!std::isfinite(v)) {
        HEDGEMETRICS_THROW(std::domain_error(
            std::string(function) + ": exposure" + (m > 1 ? " column " + std::to_string(i) : std::string()) +
            " has a non-finite value (" + std::to_string(static_cast<double>(v)) + ") at index " +
            std::to_string(t) + "; use missing_data::omit to drop incomplete rows"));
      }
    }
    for (Eigen::Index j = 0; j < k; ++j) {
      const Real v = static_cast<Real>(hedges(t, j));
      if (!std::isfinite(v)) {
        HEDGEMETRICS_THROW(std::domain_error(
            std::string(function) + ": hedges column " + std::to_string(j) + " has a non-finite value (" +
            std::to_string(static_cast<double>(v)) + ") at index " + std::to_string(t) +
            "; use missing_data::omit to drop incomplete rows"));
      }
    }
  };

  // The shift: the first complete row.
  for (Eigen::Index t = 0; t < n; ++t) {
    if (row_is_finite(t)) {
      hedge_shift = hedges.row(t).template cast<Real>();
      exposure_shift = exposures.row(t).template cast<Real>();
      break;
    }
    if (policy == missing_data::raise) raise_at(t);
    if (policy == missing_data::propagate) {
      nonfinite = true;
      return state;
    }
  }

  const Eigen::Index block_rows = n < qr_block_rows ? (n > 0 ? n : 1) : qr_block_rows;
  matrix block(block_rows, k + 1 + m);
  for (Eigen::Index start = 0; start < n; start += block_rows) {
    const Eigen::Index count = n - start < block_rows ? n - start : block_rows;
    auto b = block.topRows(count);
    b.col(0).setOnes();
    b.middleCols(1, k) = hedges.middleRows(start, count).template cast<Real>().rowwise() - hedge_shift;
    b.rightCols(m) = exposures.middleRows(start, count).template cast<Real>().rowwise() - exposure_shift;
    Eigen::Index kept = count;
    if (!b.allFinite()) {
      if (policy == missing_data::propagate) {
        nonfinite = true;
        return state;
      }
      kept = 0;
      for (Eigen::Index t = 0; t < count; ++t) {
        if (row_is_finite(start + t)) {
          if (kept != t) block.row(kept) = block.row(t);
          ++kept;
        } else if (policy == missing_data::raise) {
          raise_at(start + t);
        }
      }
    }
    if (kept > 0) state.absorb(block, kept);
  }
  return state;
}

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_STREAMING_QR_HPP
