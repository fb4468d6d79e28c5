// SPDX-License-Identifier: MIT
/// \file
/// Factorisations of the small (k×k, k+1 columns) matrices the multi-instrument fits finish with, written
/// as plain loops over Eigen's one-reflector primitives: Eigen's HouseholderQR and JacobiSVD would do the
/// same work, but instantiating them (blocked reflectors, GEMM kernels, the SVD's QR preconditioners)
/// cost a translation unit that calls fit_hedge about 5 s of GCC 12 -O2 (issue 17; README "Compile times").
#ifndef HEDGEMETRICS_DETAIL_SMALL_DENSE_HPP
#define HEDGEMETRICS_DETAIL_SMALL_DENSE_HPP

#include <Eigen/Core>
#include <Eigen/Householder>

#include <algorithm>
#include <cmath>
#include <limits>

namespace hedgemetrics::detail {

/// Overwrites `a` (rows × cols) with the R factor of its Householder QR: upper triangular, zeros below
/// the diagonal. The unblocked algorithm of Golub & Van Loan, Matrix Computations, 4th ed., Alg. 5.2.1,
/// with Eigen's reflectors (makeHouseholderInPlace: β = −sign(α)·‖x‖), so that for fewer than 48 columns
/// the figures are those Eigen::HouseholderQR gives, whose blocked driver runs this loop on such matrices.
template <class Matrix>
void householder_triangularise(Matrix& a) {
  using Real = typename Matrix::Scalar;
  const Eigen::Index rows = a.rows(), cols = a.cols();
  const Eigen::Index size = rows < cols ? rows : cols;
  Eigen::Matrix<Real, Eigen::Dynamic, 1> work(cols);
  for (Eigen::Index k = 0; k < size; ++k) {
    Real tau, beta;
    a.col(k).tail(rows - k).makeHouseholderInPlace(tau, beta);
    a(k, k) = beta;
    a.bottomRightCorner(rows - k, cols - k - 1)
        .applyHouseholderOnTheLeft(a.col(k).tail(rows - k - 1), tau, work.data() + k + 1);
  }
  for (Eigen::Index j = 0; j < cols; ++j) {
    for (Eigen::Index i = j + 1; i < rows; ++i) a(i, j) = Real(0);
  }
}

/// The singular values of `a` (its columns), largest first, by one-sided Jacobi rotations (Hestenes 1958;
/// Demmel & Veselić 1992, "Jacobi's method is more accurate than QR", SIAM J. Matrix Anal. Appl. 13(4)):
/// pairs of columns are rotated until every pair is orthogonal to working precision
/// (|a_pᵀa_q| ≤ ε·‖a_p‖·‖a_q‖); the singular values are then the column norms, each to a few ulps of
/// its own size. Meant for columns scaled to about unit length (no guard against overflow in ‖a_j‖²).
/// Exactly dependent columns give an exact 0 (two equal columns rotate to 0 and √2·a).
template <class Matrix>
[[nodiscard]] Eigen::Matrix<typename Matrix::Scalar, Eigen::Dynamic, 1> jacobi_singular_values(Matrix a) {
  using Real = typename Matrix::Scalar;
  const Eigen::Index cols = a.cols();
  const Real eps = std::numeric_limits<Real>::epsilon();
  for (int sweep = 0; sweep < 64; ++sweep) {
    bool rotated = false;
    for (Eigen::Index p = 0; p + 1 < cols; ++p) {
      for (Eigen::Index q = p + 1; q < cols; ++q) {
        const Real alpha = a.col(p).squaredNorm();
        const Real beta = a.col(q).squaredNorm();
        const Real gamma = a.col(p).dot(a.col(q));
        if (gamma == 0 || std::abs(gamma) <= eps * std::sqrt(alpha) * std::sqrt(beta)) continue;
        rotated = true;
        // The rotation that zeroes the (p, q) entry of AᵀA (Golub & Van Loan, Alg. 8.5.1, sym.schur2).
        const Real zeta = (beta - alpha) / (2 * gamma);
        const Real t = std::copysign(Real(1), zeta) / (std::abs(zeta) + std::hypot(Real(1), zeta));
        const Real c = 1 / std::sqrt(1 + t * t);
        const Real s = c * t;
        for (Eigen::Index i = 0; i < a.rows(); ++i) {
          const Real ap = a(i, p), aq = a(i, q);
          a(i, p) = c * ap - s * aq;
          a(i, q) = s * ap + c * aq;
        }
      }
    }
    if (!rotated) break;
  }
  Eigen::Matrix<Real, Eigen::Dynamic, 1> values(cols);
  for (Eigen::Index j = 0; j < cols; ++j) values(j) = a.col(j).norm();
  std::sort(values.data(), values.data() + cols, [](Real x, Real y) { return x > y; });
  return values;
}

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_SMALL_DENSE_HPP
