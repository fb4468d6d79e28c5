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
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/exact_sums.hpp"
#include "hedgemetrics/detail/kernels.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics::detail {

/// Rows per block of the streaming QR. bench_multi_hedge, n = 1e6, CPU ms per fit (medians of 3), k = 1, 2,
/// 4, 8 and the book (n = 1e5, k = 4, m = 100); AMD EPYC (2 vCPUs, 48 KiB L1d and 1 MiB L2
/// each), GCC 12 -O3 -march=native, 2026-11-24, shared with other jobs (load 7-9, so ±10%): 512 rows 0.54
/// / 1.29 / 4.29 / 10.4 / 11.8; 1024: 0.53 / 1.73 / 4.21 / 10.0 / 12.0; 2048: 0.70 / 1.72 / 3.73 / 8.98
/// / 12.9; 4096: 0.84 / 1.86 / 4.07 / 9.65 / 15.7. Below 512 the per-reflector set-up dominates (256: 2.8 ms
/// at k = 1 in an earlier version); 1024 rows (80 KiB for k = 8, in L2) is the compromise.
inline constexpr Eigen::Index qr_block_rows = 1024;

/// out[c] = Σ_i x_i·B(i, c) over the `columns` columns of a column-major block (`count` rows, `stride`
/// apart), by the kernel of the process's instruction set (detail/qr_kernels.ipp).
inline void qr_column_dots(const double* x, const double* b, std::size_t stride, std::size_t count,
                           std::size_t columns, double* out) {
  on_active_set([&](auto set) { qr_column_dots(set, x, b, stride, count, columns, out); });
}

/// out[c] = Σ_i B(i, c) over the `columns` columns of a column-major block (`count` rows, `stride` apart), by
/// the kernel of the process's instruction set (detail/qr_kernels.ipp).
inline void qr_column_sums(const double* b, std::size_t stride, std::size_t count, std::size_t columns,
                           double* out) {
  on_active_set([&](auto set) { qr_column_sums(set, b, stride, count, columns, out); });
}

/// The column sums of a block into `sums`: for doubles by the kernel above (the same order in every unit,
/// whatever its flags), for other types by Eigen.
template <class Real, class Block, class Sums>
void column_sums(const Block& b, Sums& sums) {
  if constexpr (std::is_same_v<Real, double>) {
    sums.resize(b.cols());
    qr_column_sums(b.data(), static_cast<std::size_t>(b.outerStride()), static_cast<std::size_t>(b.rows()),
                   static_cast<std::size_t>(b.cols()), sums.data());
  } else {
    sums = b.colwise().sum();
  }
}

/// B(i, c) −= x_i·w_c over the `columns` columns of a column-major block, by the kernel of the process's
/// instruction set (detail/qr_kernels.ipp).
inline void qr_rank_one_update(const double* x, const double* w, double* b, std::size_t stride,
                               std::size_t count, std::size_t columns) {
  on_active_set([&](auto set) { qr_rank_one_update(set, x, w, b, stride, count, columns); });
}

// The factorisation rounds the same in every unit, whatever its flags (detail/config.hpp).
HEDGEMETRICS_NO_FP_CONTRACT_BEGIN

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

  Eigen::Index p = 0;                     ///< design columns: the ones column and k instruments
  Eigen::Index m = 0;                     ///< responses (exposures)
  matrix r;                               ///< p × (p + m): [R Z]
  std::vector<compensated_sum<Real>> ss;  ///< m residual sums of squares, compensated (Neumaier)
  row_vector work;                        ///< p + m scratch values
  row_vector centring;                    ///< the constants reflector 0 subtracts from the block's columns
  row_vector sums;                        ///< the column sums of the block being absorbed
  std::size_t rows = 0;
  /// Set when a block's design column was not zero but its squared norm underflowed to 0, so that its
  /// reflector was skipped (R may then miss a column that carries information), or a response's residual
  /// squares did the same: a careful pass is due.
  bool underflow = false;

  streaming_qr(Eigen::Index design, Eigen::Index responses)
      : p(design),
        m(responses),
        r(matrix::Zero(design, design + responses)),
        ss(static_cast<std::size_t>(responses)),
        work(row_vector::Zero(design + responses)),
        centring(row_vector::Zero(design - 1 + responses)),
        sums(row_vector::Zero(design - 1 + responses)) {}

  /// Absorbs a block B (its first `count` rows; k + m columns, column-major: the instruments, then the
  /// responses, the ones column implicit): Householder reflectors that annihilate the block's design
  /// columns against the rows of R, applied to the whole stacked [R Z; 1 B] (the structured update of
  /// Golub & Van Loan, Matrix Computations, 4th ed., §5.1.4 and §6.5.2: the reflector of column j touches
  /// only row j of R, so a block costs about 4·count·Σ_j (p + m − j − 1) flops). B is overwritten.
  /// (A plain matrix rather than an Eigen::Ref: the reflector loop is then the one absorb_with_sums
  /// instantiates, compiled once per translation unit instead of twice.)
  void absorb(matrix& block, Eigen::Index count) {
    auto b = block.topRows(count);
    column_sums<Real>(b, sums);
    absorb_with_sums(b);
  }

  /// absorb(), for a block whose column sums are already in `sums`.
  template <class Block>
  void absorb_with_sums(Block&& b) {
    const row_vector& constants = centre(sums, b.rows());
    for (Eigen::Index j = 0; j < b.cols(); ++j) b.col(j).array() -= constants(j);
    absorb_rest(b);
  }

  /// Applies reflector 0, of the ones column, in closed form: v = [1; u·1] with u = 1/(α − β), so applying
  /// it to a column is a column sum and the subtraction of a constant (in effect, the block is centred).
  /// Takes the block's column sums; returns the constants to subtract from its columns.
  template <class Sums>
  [[nodiscard]] const row_vector& centre(const Sums& column_sums, Eigen::Index count) {
    const Eigen::Index columns = p + m;
    const Real alpha = r(0, 0);
    const Real beta = -std::copysign(std::sqrt(alpha * alpha + static_cast<Real>(count)), alpha);
    const Real u = 1 / (alpha - beta);
    const Real tau = (beta - alpha) / beta;
    r(0, 0) = beta;
    centring = (column_sums * u + r.row(0).tail(columns - 1)) * tau;
    r.row(0).tail(columns - 1) -= centring;
    centring *= u;
    return centring;
  }

  /// The reflectors of the instrument columns, on a block that centre()'s constants have been taken from.
  template <class Block>
  void absorb_rest(Block&& b) {
    const Eigen::Index columns = p + m;
    const Eigen::Index count = b.rows();
    // Doubles go through the per-instruction-set kernels (one code per set whatever the unit's flags, as
    // Eigen's products would not be); other types through Eigen.
    constexpr bool dispatched = std::is_same_v<Real, double>;
    const auto stride = static_cast<std::size_t>(b.outerStride());
    const auto rows_here = static_cast<std::size_t>(count);
    const auto squared_norm = [&](const auto& column) -> Real {
      if constexpr (dispatched) {
        Real out = 0;
        qr_column_dots(column.data(), column.data(), stride, rows_here, 1, &out);
        return out;
      } else {
        return column.squaredNorm();
      }
    };
    for (Eigen::Index j = 1; j < p; ++j) {
      auto x = b.col(j - 1);
      const Real sigma = squared_norm(x);
      if (!(sigma > 0)) {
        // Nothing to annihilate, unless the squares underflowed: a column of values below about 2^-537
        // (fuzz finding: an instrument near 1e-292 whose centred sum was 0 left R's column all zeros and
        // was dropped as constant). Only this rare branch looks; the caller rescales (multi_hedge.hpp).
        if (!underflow && (x.array() != Real(0)).any()) underflow = true;
        continue;
      }
      const Real alpha = r(j, j);
      const Real beta = -std::copysign(std::sqrt(alpha * alpha + sigma), alpha);
      const Real u = 1 / (alpha - beta);  // the reflector v = [1; u·x]; |α − β| ≥ √σ > 0
      const Real tau = (beta - alpha) / beta;
      r(j, j) = beta;
      const Eigen::Index rest = columns - j - 1;
      if (rest == 0) continue;
      auto w = work.head(rest);
      auto trailing = b.rightCols(rest);
      if constexpr (dispatched) {
        qr_column_dots(x.data(), trailing.data(), stride, rows_here, static_cast<std::size_t>(rest),
                       w.data());
      } else {
        w.noalias() = x.transpose() * trailing;
      }
      w = (w * u + r.row(j).tail(rest)) * tau;
      r.row(j).tail(rest) -= w;
      w *= u;
      if constexpr (dispatched) {
        qr_rank_one_update(x.data(), w.data(), trailing.data(), stride, rows_here,
                           static_cast<std::size_t>(rest));
      } else {
        trailing.noalias() -= x * w;
      }
    }
    for (Eigen::Index i = 0; i < m; ++i) {
      // Neumaier's compensated sum: the block sums are all non-negative, so this keeps SSR to a rounding
      // or two however many blocks there are.
      const Real squares = squared_norm(b.col(p - 1 + i));
      // A residual whose squares all underflowed (an exposure of a few subnormals: fuzz finding) is no
      // perfect fit: one test per block, the column scanned only when its squares came out 0.
      if (squares == 0 && !underflow && (b.col(p - 1 + i).array() != Real(0)).any()) underflow = true;
      ss[static_cast<std::size_t>(i)].add(squares);
    }
    rows += static_cast<std::size_t>(count);
  }

  /// The residual sum of squares of response i.
  [[nodiscard]] Real residual_ss(Eigen::Index i) const { return ss[static_cast<std::size_t>(i)].value(); }
};

/// Reads m exposures and k hedges, n rows each, in row blocks into [1 | X − c | Y − c_y] and absorbs them;
/// applies the missing-data policy per row. `exposure_column(i)` and `hedge_column(j)` give a column as an
/// Eigen vector expression (a column of a matrix, or a Map of a series). Returns the state; `nonfinite`
/// is set under missing_data::propagate.
template <class Real, class ExposureColumn, class HedgeColumn>
streaming_qr<Real> factor_rows(Eigen::Index n, Eigen::Index k, Eigen::Index m,
                               ExposureColumn&& exposure_column, HedgeColumn&& hedge_column,
                               missing_data policy, const char* function, bool& nonfinite,
                               Eigen::Matrix<Real, 1, Eigen::Dynamic>& hedge_shift,
                               Eigen::Matrix<Real, 1, Eigen::Dynamic>& exposure_shift) {
  using matrix = typename streaming_qr<Real>::matrix;
  streaming_qr<Real> state(k + 1, m);
  nonfinite = false;
  hedge_shift = Eigen::Matrix<Real, 1, Eigen::Dynamic>::Zero(k);
  exposure_shift = Eigen::Matrix<Real, 1, Eigen::Dynamic>::Zero(m);

  auto row_is_finite = [&](Eigen::Index t) {
    for (Eigen::Index j = 0; j < k; ++j) {
      if (!std::isfinite(static_cast<Real>(hedge_column(j)(t)))) return false;
    }
    for (Eigen::Index i = 0; i < m; ++i) {
      if (!std::isfinite(static_cast<Real>(exposure_column(i)(t)))) return false;
    }
    return true;
  };
  auto raise_at = [&](Eigen::Index t) {
    for (Eigen::Index i = 0; i < m; ++i) {
      const Real v = static_cast<Real>(exposure_column(i)(t));
      if (!std::isfinite(v)) {
        HEDGEMETRICS_THROW(std::domain_error(
            std::string(function) + ": exposure" + (m > 1 ? " column " + std::to_string(i) : std::string()) +
            " has a non-finite value (" + std::to_string(static_cast<double>(v)) + ") at index " +
            std::to_string(t) + "; use missing_data::omit to drop incomplete rows"));
      }
    }
    for (Eigen::Index j = 0; j < k; ++j) {
      const Real v = static_cast<Real>(hedge_column(j)(t));
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
      for (Eigen::Index j = 0; j < k; ++j) hedge_shift(j) = static_cast<Real>(hedge_column(j)(t));
      for (Eigen::Index i = 0; i < m; ++i) exposure_shift(i) = static_cast<Real>(exposure_column(i)(t));
      break;
    }
    if (policy == missing_data::raise) raise_at(t);
    if (policy == missing_data::propagate) {
      nonfinite = true;
      return state;
    }
  }

  const Eigen::Index block_rows = n < qr_block_rows ? (n > 0 ? n : 1) : qr_block_rows;
  matrix block(block_rows, k + m);
  for (Eigen::Index start = 0; start < n; start += block_rows) {
    const Eigen::Index count = n - start < block_rows ? n - start : block_rows;
    auto b = block.topRows(count);
    // Column by column: Eigen's rowwise() broadcast over a column-major block does not vectorise as well.
    for (Eigen::Index j = 0; j < k; ++j) {
      b.col(j).array() = hedge_column(j).segment(start, count).template cast<Real>().array() - hedge_shift(j);
    }
    for (Eigen::Index i = 0; i < m; ++i) {
      b.col(k + i).array() =
          exposure_column(i).segment(start, count).template cast<Real>().array() - exposure_shift(i);
    }
    // The column sums, which reflector 0 needs, double as the finiteness check: a NaN or an infinity makes
    // its column's sum non-finite (a finite overflow only sends the block down the row-by-row path).
    column_sums<Real>(b, state.sums);
    if (state.sums.array().isFinite().all()) {
      state.absorb_with_sums(b);
      continue;
    }
    Eigen::Index kept = 0;
    bool any_nonfinite = false;
    for (Eigen::Index t = 0; t < count && !any_nonfinite; ++t) any_nonfinite = !row_is_finite(start + t);
    if (!any_nonfinite) {
      kept = count;
    } else {
      if (policy == missing_data::propagate) {
        nonfinite = true;
        return state;
      }
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

HEDGEMETRICS_NO_FP_CONTRACT_END

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_STREAMING_QR_HPP
