// SPDX-License-Identifier: MIT
/// \file
/// Factorisations of the small (k×k, k+1 columns) matrices the multi-instrument fits finish with, written
/// as plain loops over column-major arrays (element (i, j) at a[i + j·stride]): Eigen's HouseholderQR,
/// ColPivHouseholderQR, JacobiSVD and triangular solvers would do the same work, but instantiating them
/// (blocked reflectors, matrix-vector product kernels, expression templates per block type) cost a
/// translation unit that calls fit_hedge about 9 s of GCC 12 -O2 (issue 17; README "Compile times"). The
/// matrices are k×k with k the number of instruments, so the loops' speed does not matter.
#ifndef HEDGEMETRICS_DETAIL_SMALL_DENSE_HPP
#define HEDGEMETRICS_DETAIL_SMALL_DENSE_HPP

#include <Eigen/Core>

#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>
#include <vector>

#include "hedgemetrics/detail/config.hpp"

namespace hedgemetrics::detail {

// The small factorisations round the same in every unit, whatever its flags (detail/config.hpp).
HEDGEMETRICS_NO_FP_CONTRACT_BEGIN

/// Σ v_i² over n values, by a plain loop (also keeps GCC 12's -Wnull-dereference false positive of
/// Eigen's squaredNorm() on an empty dynamic long double vector away).
template <class Real>
[[nodiscard]] Real sum_of_squares(const Real* v, Eigen::Index n) {
  Real sum = 0;
  for (Eigen::Index i = 0; i < n; ++i) sum += v[i] * v[i];
  return sum;
}

/// Turns x (size values `increment` apart: α, then the tail) into a Householder reflector
/// H = I − τ·v·vᵀ, v = [1; tail], with H·x = [β; 0]: the tail is overwritten by v's tail, α is left for
/// the caller (who stores β). The conventions of Eigen's makeHouseholderInPlace (β = −sign(α)·‖x‖,
/// τ = (β − α)/β; τ = 0 and β = α when the tail's squares are below the smallest normal number), so that
/// the factors match Eigen's. Reference: Golub & Van Loan, Matrix Computations, 4th ed., Alg. 5.1.1.
template <class Real>
void make_reflector(Real* x, Eigen::Index size, Real& tau, Real& beta, Eigen::Index increment = 1) {
  Real tail_squares = 0;
  for (Eigen::Index i = 1; i < size; ++i) tail_squares += x[i * increment] * x[i * increment];
  const Real alpha = x[0];
  if (tail_squares <= std::numeric_limits<Real>::min()) {
    tau = Real(0);
    beta = alpha;
    for (Eigen::Index i = 1; i < size; ++i) x[i * increment] = Real(0);
    return;
  }
  beta = std::sqrt(alpha * alpha + tail_squares);
  if (alpha >= Real(0)) beta = -beta;
  const Real denominator = alpha - beta;
  for (Eigen::Index i = 1; i < size; ++i) x[i * increment] /= denominator;
  tau = (beta - alpha) / beta;
}

/// H·x for `count` vectors x of `size` values (element i of vector j at a[i·element_step + j·vector_step]),
/// H = I − τ·v·vᵀ with v = [1; essential] (size − 1 values `essential_step` apart): x −= τ·(vᵀx)·v. As
/// Eigen's applyHouseholderOnTheLeft (vectors = columns) and applyHouseholderOnTheRight (vectors = rows),
/// a vector of one value is multiplied by 1 − τ.
template <class Real>
void apply_reflector_strided(const Real* essential, Eigen::Index essential_step, Real tau, Real* a,
                             Eigen::Index element_step, Eigen::Index vector_step, Eigen::Index size,
                             Eigen::Index count) {
  if (size == 1) {
    for (Eigen::Index j = 0; j < count; ++j) a[j * vector_step] *= Real(1) - tau;
    return;
  }
  if (tau == Real(0)) return;
  for (Eigen::Index j = 0; j < count; ++j) {
    Real* x = a + j * vector_step;
    Real dot = 0;
    for (Eigen::Index i = 1; i < size; ++i) dot += essential[(i - 1) * essential_step] * x[i * element_step];
    dot += x[0];
    x[0] -= tau * dot;
    for (Eigen::Index i = 1; i < size; ++i)
      x[i * element_step] -= (tau * essential[(i - 1) * essential_step]) * dot;
  }
}

/// A ← H·A for the rows × cols block at a (column-major, `stride` apart), H = I − τ·v·vᵀ with
/// v = [1; essential] (rows − 1 contiguous values): column by column, A_j −= τ·(vᵀA_j)·v.
template <class Real>
void apply_reflector(const Real* essential, Real tau, Real* a, Eigen::Index stride, Eigen::Index rows,
                     Eigen::Index cols) {
  apply_reflector_strided(essential, 1, tau, a, 1, stride, rows, cols);
}

/// Overwrites the rows × cols matrix at a (column-major, `stride` apart) with the R factor of its
/// Householder QR: upper triangular, zeros below the diagonal. The unblocked algorithm of Golub & Van
/// Loan, Matrix Computations, 4th ed., Alg. 5.2.1, with Eigen's reflector conventions (make_reflector).
template <class Real>
void householder_triangularise(Real* a, Eigen::Index rows, Eigen::Index cols, Eigen::Index stride) {
  const Eigen::Index size = rows < cols ? rows : cols;
  for (Eigen::Index k = 0; k < size; ++k) {
    Real* column = a + k * stride + k;
    Real tau, beta;
    make_reflector(column, rows - k, tau, beta);
    column[0] = beta;
    apply_reflector(column + 1, tau, column + stride, stride, rows - k, cols - k - 1);
  }
  for (Eigen::Index j = 0; j < cols; ++j) {
    for (Eigen::Index i = j + 1; i < rows; ++i) a[i + j * stride] = Real(0);
  }
}

/// householder_triangularise of a column-major Eigen matrix, in place.
template <class Matrix>
void householder_triangularise(Matrix& a) {
  static_assert(!Matrix::IsRowMajor, "householder_triangularise needs a column-major matrix");
  householder_triangularise(a.data(), a.rows(), a.cols(), a.outerStride());
}

/// Solves U·x = b in place (x holds b on entry) for the n×n upper triangle of the array at u
/// (column-major, `stride` apart), by back substitution.
template <class Real>
void solve_upper(const Real* u, Eigen::Index n, Eigen::Index stride, Real* x) {
  for (Eigen::Index i = n - 1; i >= 0; --i) {
    Real v = x[i];
    for (Eigen::Index j = i + 1; j < n; ++j) v -= u[i + j * stride] * x[j];
    x[i] = v / u[i + i * stride];
  }
}

/// Solves Uᵀ·x = b in place for the n×n upper triangle at u (column-major), by forward substitution.
template <class Real>
void solve_upper_transposed(const Real* u, Eigen::Index n, Eigen::Index stride, Real* x) {
  for (Eigen::Index i = 0; i < n; ++i) {
    Real v = x[i];
    for (Eigen::Index j = 0; j < i; ++j) v -= u[j + i * stride] * x[j];
    x[i] = v / u[i + i * stride];
  }
}

/// The QR factorisation with column pivoting A·P = Q·R of a small rows × cols matrix (Businger & Golub
/// 1965; Golub & Van Loan, Matrix Computations, 4th ed., Alg. 5.4.1): at step j the remaining column of
/// largest norm is swapped in, the norms are downdated as LAPACK's xGEQPF does (Drmač & Bujanović,
/// LAWN 176), and recomputed when the downdate has lost too much. The pivots, the stored reflectors and the
/// rank decision are those of Eigen's ColPivHouseholderQR with its default threshold: rank = the number of
/// |R(j, j)| above min(rows, cols)·ε·max|R(j, j)| among the pivots taken before a remaining squared norm
/// fell below (rows − j)·(ε·max‖a_j‖)²/rows.
template <class Real>
struct pivoted_qr {
  Eigen::Index rows = 0, cols = 0;
  std::vector<Real> qr;   ///< rows × cols column-major: R on and above the diagonal, reflectors below
  std::vector<Real> tau;  ///< the reflectors' τ, min(rows, cols) of them
  std::vector<Eigen::Index> perm;  ///< column j of A·P is column perm[j] of A
  Eigen::Index rank = 0;

  /// Factorises the rows × cols matrix at a (column-major, `stride` apart).
  pivoted_qr(const Real* a, Eigen::Index row_count, Eigen::Index col_count, Eigen::Index stride)
      : rows(row_count),
        cols(col_count),
        qr(static_cast<std::size_t>(row_count * col_count)),
        tau(static_cast<std::size_t>(row_count < col_count ? row_count : col_count)),
        perm(static_cast<std::size_t>(col_count)) {
    const auto at = [](Eigen::Index i) { return static_cast<std::size_t>(i); };
    const Eigen::Index size = rows < cols ? rows : cols;
    for (Eigen::Index j = 0; j < cols; ++j) {
      perm[at(j)] = j;
      for (Eigen::Index i = 0; i < rows; ++i) qr[at(i + j * rows)] = a[i + j * stride];
    }
    std::vector<Real> direct(at(cols)), updated(at(cols));
    Real largest_norm = 0;
    for (Eigen::Index j = 0; j < cols; ++j) {
      direct[at(j)] = updated[at(j)] = std::sqrt(sum_of_squares(column(j), rows));
      if (j == 0 || updated[at(j)] > largest_norm) largest_norm = updated[at(j)];
    }
    const Real eps = std::numeric_limits<Real>::epsilon();
    const Real threshold_helper = (largest_norm * eps) * (largest_norm * eps) / static_cast<Real>(rows);
    const Real downdate_threshold = std::sqrt(eps);
    Eigen::Index nonzero_pivots = size;
    Real max_pivot = 0;
    for (Eigen::Index j = 0; j < size; ++j) {
      Eigen::Index biggest = j;  // the first of equal norms, as Eigen's maxCoeff
      for (Eigen::Index c = j + 1; c < cols; ++c) {
        if (updated[at(c)] > updated[at(biggest)]) biggest = c;
      }
      if (nonzero_pivots == size &&
          updated[at(biggest)] * updated[at(biggest)] < threshold_helper * static_cast<Real>(rows - j))
        nonzero_pivots = j;
      if (biggest != j) {
        for (Eigen::Index i = 0; i < rows; ++i) std::swap(qr[at(i + j * rows)], qr[at(i + biggest * rows)]);
        std::swap(updated[at(j)], updated[at(biggest)]);
        std::swap(direct[at(j)], direct[at(biggest)]);
        std::swap(perm[at(j)], perm[at(biggest)]);
      }
      Real* diagonal = column(j) + j;
      Real beta;
      make_reflector(diagonal, rows - j, tau[at(j)], beta);
      *diagonal = beta;
      if (std::abs(beta) > max_pivot) max_pivot = std::abs(beta);
      apply_reflector(diagonal + 1, tau[at(j)], diagonal + rows, rows, rows - j, cols - j - 1);
      for (Eigen::Index c = j + 1; c < cols; ++c) {
        Real& norm = updated[at(c)];
        if (norm == Real(0)) continue;
        Real ratio = std::abs(qr[at(j + c * rows)]) / norm;
        ratio = (Real(1) + ratio) * (Real(1) - ratio);
        if (ratio < Real(0)) ratio = Real(0);
        const Real drift = norm / direct[at(c)];
        if (ratio * (drift * drift) <= downdate_threshold) {
          direct[at(c)] = norm = std::sqrt(sum_of_squares(column(c) + j + 1, rows - j - 1));
        } else {
          norm *= std::sqrt(ratio);
        }
      }
    }
    const Real cut = max_pivot * (eps * static_cast<Real>(size));
    for (Eigen::Index j = 0; j < nonzero_pivots; ++j) rank += std::abs(qr[at(j + j * rows)]) > cut ? 1 : 0;
  }

  [[nodiscard]] Real* column(Eigen::Index j) { return qr.data() + j * rows; }

  /// z ← Qᵀz (rows values) with the first `length` reflectors (all of them by default).
  void apply_transpose(Real* z, Eigen::Index length = -1) const {
    const Eigen::Index size = static_cast<Eigen::Index>(tau.size());
    if (length < 0 || length > size) length = size;
    for (Eigen::Index j = 0; j < length; ++j) {
      apply_reflector(qr.data() + j * rows + j + 1, tau[static_cast<std::size_t>(j)], z + j, rows, rows - j,
                      1);
    }
  }
};

/// The minimum-norm least-squares solution x (cols values) of A·x ≈ b for a small rows × cols matrix A at
/// a (column-major, `stride` apart) and b (rows values), by a complete orthogonal decomposition
/// A·P = Q·[T 0; 0 0]·Z (Golub & Van Loan, Matrix Computations, 4th ed., §5.4.2, as LAPACK's xGELSY and
/// Eigen's CompleteOrthogonalDecomposition): the pivoted QR decides the rank r, reflectors applied from
/// the right fold R's trailing columns into an r×r triangle T, and x = P·Zᵀ·[T⁻¹·(Qᵀb)_{1..r}; 0].
/// Returns r (0: x = 0).
template <class Real>
Eigen::Index minimum_norm_solve(const Real* a, Eigen::Index rows, Eigen::Index cols, Eigen::Index stride,
                                const Real* b, Real* x) {
  const auto at = [](Eigen::Index i) { return static_cast<std::size_t>(i); };
  pivoted_qr<Real> f(a, rows, cols, stride);
  const Eigen::Index r = f.rank;
  for (Eigen::Index j = 0; j < cols; ++j) x[j] = Real(0);
  if (r == 0) return 0;
  Real* q = f.qr.data();
  const Eigen::Index ld = rows;
  std::vector<Real> z_tau(at(r), Real(0));
  const auto swap_heads = [&](Eigen::Index k) {  // the top k + 1 entries of columns k and r − 1
    for (Eigen::Index i = 0; i <= k; ++i) std::swap(q[i + k * ld], q[i + (r - 1) * ld]);
  };
  if (r < cols) {
    // [R11 R12] = [T 0]·Z: row k's entries in columns k and r − 1 … cols − 1 reflected onto column k.
    for (Eigen::Index k = r - 1; k >= 0; --k) {
      if (k != r - 1) swap_heads(k);
      Real* row = q + k + (r - 1) * ld;  // row k from column r − 1, entries ld apart
      Real beta;
      make_reflector(row, cols - r + 1, z_tau[at(k)], beta, ld);
      row[0] = beta;
      // The rows above, from the right: each row of columns r − 1 … as one vector.
      if (k > 0)
        apply_reflector_strided(row + ld, ld, z_tau[at(k)], q + (r - 1) * ld, ld, 1, cols - r + 1, k);
      if (k != r - 1) swap_heads(k);
    }
  }
  std::vector<Real> c(b, b + rows);
  f.apply_transpose(c.data(), r);
  solve_upper(q, r, ld, c.data());
  std::vector<Real> y(at(cols), Real(0));
  for (Eigen::Index j = 0; j < r; ++j) y[at(j)] = c[at(j)];
  if (r < cols) {
    for (Eigen::Index k = 0; k < r; ++k) {  // y ← Zᵀy
      if (k != r - 1) std::swap(y[at(k)], y[at(r - 1)]);
      apply_reflector_strided(q + k + r * ld, ld, z_tau[at(k)], y.data() + (r - 1), 1, 0, cols - r + 1, 1);
      if (k != r - 1) std::swap(y[at(k)], y[at(r - 1)]);
    }
  }
  for (Eigen::Index j = 0; j < cols; ++j) x[f.perm[at(j)]] = y[at(j)];
  return r;
}

/// The singular values of the rows × cols matrix at a (column-major, `stride` apart; overwritten) into
/// values[0 .. cols), largest first, by one-sided Jacobi rotations (Hestenes 1958; Demmel & Veselić 1992,
/// "Jacobi's method is more accurate than QR", SIAM J. Matrix Anal. Appl. 13(4)): pairs of columns are
/// rotated until every pair is orthogonal to working precision (|a_pᵀa_q| ≤ ε·‖a_p‖·‖a_q‖); the singular
/// values are then the column norms, each to a few ulps of its own size. Meant for columns scaled to about
/// unit length (no guard against overflow in ‖a_j‖²). Exactly dependent columns give an exact 0 (two
/// equal columns rotate to 0 and √2·a).
template <class Real>
void jacobi_singular_values(Real* a, Eigen::Index rows, Eigen::Index cols, Eigen::Index stride,
                            Real* values) {
  const Real eps = std::numeric_limits<Real>::epsilon();
  for (int sweep = 0; sweep < 64; ++sweep) {
    bool rotated = false;
    for (Eigen::Index p = 0; p + 1 < cols; ++p) {
      for (Eigen::Index q = p + 1; q < cols; ++q) {
        Real* ap = a + p * stride;
        Real* aq = a + q * stride;
        Real alpha = 0, beta = 0, gamma = 0;
        for (Eigen::Index i = 0; i < rows; ++i) {
          alpha += ap[i] * ap[i];
          beta += aq[i] * aq[i];
          gamma += ap[i] * aq[i];
        }
        if (gamma == 0 || std::abs(gamma) <= eps * std::sqrt(alpha) * std::sqrt(beta)) continue;
        rotated = true;
        // The rotation that zeroes the (p, q) entry of AᵀA (Golub & Van Loan, Alg. 8.5.1, sym.schur2).
        const Real zeta = (beta - alpha) / (2 * gamma);
        const Real t = std::copysign(Real(1), zeta) / (std::abs(zeta) + std::hypot(Real(1), zeta));
        const Real c = 1 / std::sqrt(1 + t * t);
        const Real s = c * t;
        for (Eigen::Index i = 0; i < rows; ++i) {
          const Real x = ap[i], y = aq[i];
          ap[i] = c * x - s * y;
          aq[i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  for (Eigen::Index j = 0; j < cols; ++j) values[j] = std::sqrt(sum_of_squares(a + j * stride, rows));
  for (Eigen::Index j = 1; j < cols; ++j) {  // insertion sort, largest first: cols is small
    const Real v = values[j];
    Eigen::Index i = j;
    for (; i > 0 && values[i - 1] < v; --i) values[i] = values[i - 1];
    values[i] = v;
  }
}

/// jacobi_singular_values of a column-major Eigen matrix (a copy), as a vector.
template <class Matrix>
[[nodiscard]] Eigen::Matrix<typename Matrix::Scalar, Eigen::Dynamic, 1> jacobi_singular_values(Matrix a) {
  static_assert(!Matrix::IsRowMajor, "jacobi_singular_values needs a column-major matrix");
  Eigen::Matrix<typename Matrix::Scalar, Eigen::Dynamic, 1> values(a.cols());
  jacobi_singular_values(a.data(), a.rows(), a.cols(), a.outerStride(), values.data());
  return values;
}

HEDGEMETRICS_NO_FP_CONTRACT_END

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_SMALL_DENSE_HPP
