// SPDX-License-Identifier: MIT
/// \file
/// Minimum-variance hedges with several instruments at once (two maturities of a futures strip, a cross
/// hedge with crude and heating oil), and books of exposures hedged with the same instruments: the
/// least-squares regression of the exposure on the instruments, solved by a streaming Householder QR.
///
/// Convention: the exposure S is held long and h_j units of instrument F_j are sold per unit of
/// exposure; the hedged position is S − Σ_j h_j·F_j − a, where the intercept a (when fitted) is the
/// position's drift. The series are what the caller passes (price changes, returns).
#ifndef HEDGEMETRICS_MULTI_HEDGE_HPP
#define HEDGEMETRICS_MULTI_HEDGE_HPP

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/exact_sums.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/detail/range.hpp"
#include "hedgemetrics/detail/small_dense.hpp"
#include "hedgemetrics/detail/streaming_qr.hpp"
#include "hedgemetrics/hedge_ratio.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

// fit_options (hedge_ratio.hpp) serves the one- and several-instrument fits alike.

/// Every figure of a minimum-variance hedge of one exposure S with k instruments F_1..F_k over n rows.
///
/// The ratios h solve min Σ_t (S_t − a − Σ_j h_j F_tj)² (a = 0 without intercept). With X the n×k
/// instrument matrix, centred by its column means when there is an intercept (uncentred without),
/// p = rank of the design (k + 1 with an intercept, k without, when the instruments are independent),
/// SSR the residual sum of squares, SST = Σ(S − S̄)² with an intercept and ΣS² without:
///
/// | member                     | formula                                             | NaN when       |
/// |----------------------------|-----------------------------------------------------|----------------|
/// | `ratios`                   | h = (XᵀX)⁻¹XᵀS, by QR, never normal equations       | n < p          |
/// | `intercept`                | S̄ − Σ h_j F̄_j (0 without intercept)               | n < p          |
/// | `effectiveness`            | 1 − Var(e)/Var(S), e = S − a − Σh_jF_j, both n − 1  | n < max(p, 2)  |
/// | `r_squared`                | 1 − SSR/SST (centred with, uncentred without)       | n < p, SST = 0 |
/// | `adjusted_r_squared`       | 1 − (1 − R²)(n − i)/(n − p), i = 1 with intercept   | n ≤ p          |
/// | `residual_variance`        | Σ(e − ē)²/(n − 1), the hedged position's variance   | n < max(p, 2)  |
/// | `residual_standard_error`  | s = √(SSR/(n − p))                                  | n ≤ p          |
/// | `ratio_standard_errors`    | s·√diag((XᵀX)⁻¹)                                    | n ≤ p          |
/// | `intercept_standard_error` | s·√(1/n + F̄ᵀ(XᵀX)⁻¹F̄) (NaN without intercept)     | n ≤ p          |
/// | `ratio_covariance`         | s²·(XᵀX)⁻¹ (k×k)                                    | n ≤ p          |
/// | `condition_number`         | σ_max/σ_min of X with columns scaled to unit length | n < p          |
///
/// With an intercept, `effectiveness` and `r_squared` coincide (Ederington 1979). Collinear instruments
/// (the same future twice, a constant instrument with an intercept) are found by a rank-revealing QR
/// with column pivoting of the small triangular factor: `rank` is less than k (+1), the instruments in
/// `dropped` get ratio 0 and NaN standard errors, and every other figure is that of the fit without them.
/// Reference: Ederington (1979), J. Finance 34(1); Hull, Options, Futures and Other Derivatives, ch. 3;
/// Golub & Van Loan, Matrix Computations, 4th ed., §5.3 (least squares by QR).
template <class Real = double>
struct multi_hedge_fit {
  using vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;               ///< A column of figures.
  using matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;  ///< A matrix of figures.

  /// Rows used: all of them, or the complete ones under missing_data::omit.
  std::size_t n = 0;
  /// Rank of the design [1 | X] (of X without intercept): k + 1 (k) when every instrument carries
  /// information; less for collinear instruments, and at most n, so rank < k + 1 with n ≤ k says why the
  /// figures are NaN.
  std::size_t rank = 0;
  /// Whether an intercept was fitted.
  bool has_intercept = true;
  /// h, one ratio per instrument (0 for a dropped instrument).
  vector ratios;
  /// a = S̄ − Σ h_j F̄_j; 0 when fitted through the origin.
  Real intercept = std::numeric_limits<Real>::quiet_NaN();
  /// 1 − Var(e)/Var(S), the hedger's measure: the share of the exposure's variance the hedge removes.
  Real effectiveness = std::numeric_limits<Real>::quiet_NaN();
  /// The regression's R²: 1 − SSR/Σ(S − S̄)² with an intercept, 1 − SSR/ΣS² through the origin.
  Real r_squared = std::numeric_limits<Real>::quiet_NaN();
  /// 1 − (1 − R²)(n − i)/(n − p), i = 1 with an intercept and 0 without (as statsmodels' rsquared_adj).
  Real adjusted_r_squared = std::numeric_limits<Real>::quiet_NaN();
  /// Σ(e − ē)²/(n − 1), the sample variance of the hedged position (ē = 0 with an intercept).
  Real residual_variance = std::numeric_limits<Real>::quiet_NaN();
  /// s = √(SSR/(n − p)), the regression's residual standard error (NIST's residual SD).
  Real residual_standard_error = std::numeric_limits<Real>::quiet_NaN();
  /// s·√diag((XᵀX)⁻¹), the OLS standard errors of the ratios (NaN for dropped instruments).
  vector ratio_standard_errors;
  /// s·√(1/n + F̄ᵀ(XᵀX)⁻¹F̄), the OLS standard error of the intercept (NaN without intercept).
  Real intercept_standard_error = std::numeric_limits<Real>::quiet_NaN();
  /// s²·(XᵀX)⁻¹, the k×k covariance of the ratios (NaN rows and columns for dropped instruments).
  matrix ratio_covariance;
  /// 2-norm condition number of X (centred when there is an intercept) with its columns scaled to unit
  /// length (Belsley, Kuh & Welsch 1980); infinite for exactly collinear instruments.
  Real condition_number = std::numeric_limits<Real>::quiet_NaN();
  /// The instruments (column indices) given no weight because they are collinear with the others.
  std::vector<Eigen::Index> dropped;
  /// SSR = Σe², the residual sum of squares, summed from squares (never SST − explained).
  Real residual_sum_of_squares = std::numeric_limits<Real>::quiet_NaN();
  /// SST: Σ(S − S̄)² with an intercept, ΣS² through the origin.
  Real total_sum_of_squares = std::numeric_limits<Real>::quiet_NaN();
  /// n − p, the residual degrees of freedom (0 when n ≤ p).
  std::size_t residual_df = 0;
  /// S̄, the exposure's mean.
  Real exposure_mean = std::numeric_limits<Real>::quiet_NaN();
  /// F̄_j, the instruments' means.
  vector hedge_means;
  /// (XᵀX)⁻¹ (X centred with an intercept), statsmodels' normalized_cov_params for the ratios; NaN rows
  /// and columns for dropped instruments. Used by the HAC standard errors (inference.hpp).
  matrix normalized_covariance;
};

/// The fits of a book of m exposures hedged with the same k instruments, from one factorisation.
template <class Real = double>
struct hedge_book_fit {
  /// k×m: column i holds the ratios of exposure i.
  Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic> ratios;
  /// m effectivenesses, 1 − Var(e_i)/Var(S_i).
  Eigen::Matrix<Real, Eigen::Dynamic, 1> effectiveness;
  /// Every figure of each exposure's fit, as fit_hedge gives them.
  std::vector<multi_hedge_fit<Real>> fits;
};

namespace detail {

// The fit's figures round the same in every unit, whatever its flags (detail/config.hpp).
HEDGEMETRICS_NO_FP_CONTRACT_BEGIN

/// A power of two close to 1/norm: scaling by it is exact.
template <class Real>
[[nodiscard]] Real unit_scale(Real norm) {
  if (!(norm > 0) || !std::isfinite(norm)) return Real(1);
  int exponent = 0;
  (void)std::frexp(norm, &exponent);
  return std::ldexp(Real(1), -exponent);
}

/// The figures of response i from a finished streaming QR. The k×k algebra is done by the plain loops of
/// detail/small_dense.hpp on column-major arrays (k is the number of instruments): Eigen's decompositions,
/// triangular views and products cost a translation unit seconds of compilation for matrices this small.
template <class Real>
[[nodiscard]] multi_hedge_fit<Real> fit_from_qr(const streaming_qr<Real>& qr, Eigen::Index i, bool intercept,
                                                const Eigen::Matrix<Real, 1, Eigen::Dynamic>& hedge_shift,
                                                Real exposure_shift, bool nonfinite, std::size_t all_rows) {
  constexpr Real nan = std::numeric_limits<Real>::quiet_NaN();
  const Eigen::Index k = qr.p - 1;
  const Eigen::Index o = intercept ? 1 : 0;
  const auto at = [](Eigen::Index index) { return static_cast<std::size_t>(index); };
  multi_hedge_fit<Real> fit;
  fit.has_intercept = intercept;
  fit.n = nonfinite ? 0 : qr.rows;
  for (auto* v : {&fit.ratios, &fit.ratio_standard_errors, &fit.hedge_means}) {
    v->resize(k);
    std::fill_n(v->data(), k, nan);
  }
  for (auto* m : {&fit.ratio_covariance, &fit.normalized_covariance}) {
    m->resize(k, k);
    std::fill_n(m->data(), k * k, nan);
  }
  if (nonfinite) {
    fit.n = all_rows;  // as hedge_fit: n counts every row under missing_data::propagate
    return fit;
  }
  if (!intercept) fit.intercept = Real(0);
  const std::size_t n = qr.rows;
  if (n == 0) return fit;

  const auto& r = qr.r;
  const Real r00 = r(0, 0);
  const Real ssr_stream = qr.residual_ss(i);
  // Means: c + (the shifted data's mean), from the first row of R (R(0, j) = Σ(x_j − c_j)/√n·sign).
  for (Eigen::Index j = 0; j < k; ++j) fit.hedge_means(j) = hedge_shift(j) + r(0, 1 + j) / r00;
  fit.exposure_mean = exposure_shift + r(0, qr.p + i) / r00;

  // The centred problem (rows and columns 1.. of R, k×k upper triangular, and the response's column):
  // exact whatever the shift.
  std::vector<Real> centred(at(k * k), Real(0)), centred_z(at(k));
  for (Eigen::Index b = 0; b < k; ++b) {
    centred_z[at(b)] = r(1 + b, qr.p + i);
    for (Eigen::Index a = 0; a <= b; ++a) centred[at(a + b * k)] = r(1 + a, 1 + b);
  }
  const Real centred_tss = sum_of_squares(centred_z.data(), k) + ssr_stream;

  // The problem the fit solves: C (k×k upper triangular), z (k), the part of SSR outside them.
  std::vector<Real> c_mat, z;
  Real ssr_outside = ssr_stream;
  if (intercept) {
    c_mat = centred;
    z = centred_z;
  } else {
    // Undo the shift (A = A_shifted·T, T unit upper triangular: only row 0 of R changes), then
    // re-triangularise the design columns: the R factor of [X | S] itself.
    const Eigen::Index p = qr.p;
    std::vector<Real> u(at(p * (k + 1)));
    for (Eigen::Index a = 0; a < p; ++a) {
      for (Eigen::Index b = 0; b < k; ++b) u[at(a + b * p)] = r(a, 1 + b);  // zeros below R's diagonal
      u[at(a + k * p)] = r(a, qr.p + i);
    }
    for (Eigen::Index b = 0; b < k; ++b) u[at(b * p)] += r00 * hedge_shift(b);
    u[at(k * p)] += r00 * exposure_shift;
    householder_triangularise(u.data(), p, k + 1, p);
    c_mat.resize(at(k * k));
    z.resize(at(k));
    for (Eigen::Index b = 0; b < k; ++b) {
      z[at(b)] = u[at(b + k * p)];
      for (Eigen::Index a = 0; a < k; ++a) c_mat[at(a + b * k)] = u[at(a + b * p)];
    }
    ssr_outside += u[at(k + k * p)] * u[at(k + k * p)];
  }
  const Real tss = intercept ? centred_tss : sum_of_squares(z.data(), k) + ssr_outside;

  // Rank-revealing step on the small factor, columns scaled (exactly, by powers of two) to unit length.
  std::vector<Real> scale(at(k)), scaled(at(k * k));
  for (Eigen::Index b = 0; b < k; ++b) {
    scale[at(b)] = unit_scale(std::sqrt(sum_of_squares(c_mat.data() + b * k, k)));
    for (Eigen::Index a = 0; a < k; ++a) scaled[at(a + b * k)] = c_mat[at(a + b * k)] * scale[at(b)];
  }
  const pivoted_qr<Real> cpqr(scaled.data(), k, k, k);
  const Eigen::Index kept = cpqr.rank;
  const auto perm = [&](Eigen::Index j) { return cpqr.perm[at(j)]; };
  const auto scale_of = [&](Eigen::Index j) { return scale[at(perm(j))]; };
  std::vector<Real> zq = z;
  cpqr.apply_transpose(zq.data());  // Qᵀz
  // T: the kept×kept leading upper triangle of R, in cpqr's array (stride k).
  const Real* t = cpqr.qr.data();
  std::vector<Real> w(zq.begin(), zq.begin() + kept);
  solve_upper(t, kept, k, w.data());
  const Real ssr = ssr_outside + sum_of_squares(zq.data() + kept, k - kept);
  const Real explained = sum_of_squares(zq.data(), kept);

  fit.rank = static_cast<std::size_t>(kept + o);
  if (fit.rank > n) fit.rank = n;
  for (Eigen::Index j = kept; j < k; ++j) fit.dropped.push_back(perm(j));
  const std::size_t parameters = static_cast<std::size_t>(k + o);
  if (n < parameters) return fit;  // fewer rows than parameters: rank < k + o says why

  std::vector<Real> sv(at(k));
  jacobi_singular_values(scaled.data(), k, k, k, sv.data());  // scaled is not needed after this
  fit.condition_number =
      k > 0 ? (sv[at(k - 1)] > 0 ? sv[0] / sv[at(k - 1)] : std::numeric_limits<Real>::infinity()) : Real(1);

  for (Eigen::Index j = 0; j < k; ++j) fit.ratios(j) = Real(0);
  for (Eigen::Index j = 0; j < kept; ++j) fit.ratios(perm(j)) = scale_of(j) * w[at(j)];
  if (intercept) {
    compensated_sum<Real> a;
    a.add(exposure_shift);
    a.add(r(0, qr.p + i) / r00);
    for (Eigen::Index j = 0; j < k; ++j) {
      if (fit.ratios(j) == 0) continue;
      a.add_product(-fit.ratios(j), hedge_shift(j));
      a.add_product(-fit.ratios(j), r(0, 1 + j) / r00);
    }
    fit.intercept = a.value();
  }
  fit.residual_sum_of_squares = ssr;
  fit.total_sum_of_squares = tss;

  // R² from whichever side of ½ it is on, so that both R² and 1 − R² keep their relative accuracy.
  if (tss > 0) {
    const Real unexplained = ssr / tss;
    fit.r_squared = unexplained < Real(0.5) ? 1 - unexplained : explained / tss;
  }
  // Effectiveness: the variance of the hedged position e over that of S, both centred.
  Real centred_residual_ss = ssr;
  if (!intercept) {
    std::vector<Real> ec(at(k));  // centred_z − centred·h
    for (Eigen::Index a = 0; a < k; ++a) {
      Real v = 0;
      for (Eigen::Index b = a; b < k; ++b) v += centred[at(a + b * k)] * fit.ratios(b);
      ec[at(a)] = centred_z[at(a)] - v;
    }
    centred_residual_ss = sum_of_squares(ec.data(), k) + ssr_stream;
  }
  if (n >= 2) {
    fit.residual_variance = centred_residual_ss / static_cast<Real>(n - 1);
    if (centred_tss > 0) {
      if (intercept) {
        fit.effectiveness = fit.r_squared;
      } else {
        fit.effectiveness = 1 - centred_residual_ss / centred_tss;
      }
    }
  }
  if (n <= fit.rank) return fit;
  fit.residual_df = n - fit.rank;
  const Real df = static_cast<Real>(fit.residual_df);
  if (tss > 0) {
    fit.adjusted_r_squared = 1 - (ssr / tss) * (static_cast<Real>(n) - static_cast<Real>(o)) / df;
  }
  const Real s2 = ssr / df;
  const Real s = std::sqrt(s2);
  fit.residual_standard_error = s;

  // (CᵀC)⁻¹ = D·P·T⁻¹T⁻ᵀ·Pᵀ·D for the kept columns; T⁻¹ column by column (kept×kept, column-major).
  std::vector<Real> t_inverse(at(kept * kept), Real(0));
  for (Eigen::Index j = 0; j < kept; ++j) {
    t_inverse[at(j + j * kept)] = Real(1);
    solve_upper(t, kept, k, t_inverse.data() + j * kept);
  }
  const auto row_dot = [&](Eigen::Index a, Eigen::Index b) {  // row a of T⁻¹ · row b of T⁻¹
    Real v = 0;
    for (Eigen::Index j = 0; j < kept; ++j) v += t_inverse[at(a + j * kept)] * t_inverse[at(b + j * kept)];
    return v;
  };
  for (Eigen::Index a = 0; a < kept; ++a) {
    for (Eigen::Index b = 0; b < kept; ++b) {
      const Real v = scale_of(a) * scale_of(b) * row_dot(a, b);
      fit.normalized_covariance(perm(a), perm(b)) = v;
      fit.ratio_covariance(perm(a), perm(b)) = s2 * v;
    }
    fit.ratio_standard_errors(perm(a)) = s * scale_of(a) * std::sqrt(row_dot(a, a));
  }
  if (intercept) {
    // Var(a) = s²(1/n + F̄ᵀ(XᵀX)⁻¹F̄) = s²(1/n + ‖T⁻ᵀ·D·Pᵀ·F̄‖²): a sum of squares, no cancellation.
    std::vector<Real> g(at(kept));
    for (Eigen::Index a = 0; a < kept; ++a) g[at(a)] = scale_of(a) * fit.hedge_means(perm(a));
    solve_upper_transposed(t, kept, k, g.data());
    fit.intercept_standard_error = s * std::sqrt(1 / static_cast<Real>(n) + sum_of_squares(g.data(), kept));
  }
  return fit;
}

#if defined(HEDGEMETRICS_COMPILED)
// Compiled mode (detail/config.hpp): the double figures are compiled once, in hedgemetrics::compiled.
HEDGEMETRICS_INSTANTIATE multi_hedge_fit<double> fit_from_qr<double>(
    const streaming_qr<double>&, Eigen::Index, bool, const Eigen::Matrix<double, 1, Eigen::Dynamic>&, double,
    bool, std::size_t);
#endif

template <class Exposure, class Hedges>
using multi_result_t =
    typename common_compute_type<series_element_t<Exposure>, typename Hedges::Scalar>::type;

template <class Hedges>
void require_instruments(const Eigen::MatrixBase<Hedges>& hedges, const char* function) {
  if (hedges.cols() < 1) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) +
                                             ": hedges has no columns; pass at least one instrument"));
  }
}

/// True when a finished QR may have overflowed or lost digits to gradual underflow: a non-finite entry,
/// or a column of R (the shifted data's column, rotated) whose largest entry is outside [2^-450, 2^450]
/// (Householder reflectors square the entries), or a block column whose squared norm underflowed to 0 while
/// its values did not (streaming_qr::underflow: its reflector was skipped). A column that is exactly 0 (a
/// constant instrument) is in range.
template <class Real>
[[nodiscard]] bool qr_out_of_range(const streaming_qr<Real>& qr) {
  static const Real upper = std::ldexp(Real(1), 450);
  static const Real lower = std::ldexp(Real(1), -450);
  if (qr.underflow || !qr.r.allFinite()) return true;
  for (Eigen::Index j = 0; j < qr.r.cols(); ++j) {
    const Real largest = qr.r.col(j).cwiseAbs().maxCoeff();
    if (largest > upper || (largest != 0 && largest < lower)) return true;
  }
  return false;
}

/// Instrument j as the n contiguous values at columns[j]: the one column type of the double kernel
/// (fit_columns) and of the rescaled pass, so that both share one instantiation of the fit.
template <class Element>
struct column_pointers {
  const Element* const* columns = nullptr;
  Eigen::Index n = 0;
  [[nodiscard]] Eigen::Map<const Eigen::Matrix<Element, Eigen::Dynamic, 1>> operator()(Eigen::Index j) const {
    return {columns[static_cast<std::size_t>(j)], n};
  }
};

/// One factorisation of one exposure series `s` on k instruments, instrument j's column given by
/// `hedge_column(j)` as an Eigen column expression of n values.
template <class Real, class View, class HedgeColumn>
[[nodiscard]] multi_hedge_fit<Real> fit_exposure_pass(const View& s, Eigen::Index k,
                                                      HedgeColumn&& hedge_column, const fit_options& options,
                                                      const char* function, bool& out_of_range) {
  using element = typename View::value_type;
  const auto n = static_cast<Eigen::Index>(s.size());
  const Eigen::Map<const Eigen::Matrix<element, Eigen::Dynamic, 1>> column(s.data(), n);
  bool nonfinite = false;
  Eigen::Matrix<Real, 1, Eigen::Dynamic> hedge_shift, exposure_shift;
  const auto qr = factor_rows<Real>(
      n, k, 1, [&](Eigen::Index) { return column; }, hedge_column, options.missing, function, nonfinite,
      hedge_shift, exposure_shift);
  out_of_range = !nonfinite && qr.rows > 0 &&
                 (qr_out_of_range(qr) || !hedge_shift.allFinite() || !std::isfinite(exposure_shift(0)) ||
                  !std::isfinite(qr.residual_ss(0)));
  return fit_from_qr<Real>(qr, 0, options.intercept, hedge_shift, exposure_shift(0), nonfinite, s.size());
}

/// The power-of-two exponent of the spread of a column (detail/range.hpp), for any Eigen column.
template <class Real, class Column>
[[nodiscard]] int column_exponent(const Column& column, std::vector<Real>& copy) {
  const auto n = static_cast<std::size_t>(column.size());
  copy.resize(n);
  for (std::size_t i = 0; i < n; ++i) copy[i] = static_cast<Real>(column(static_cast<Eigen::Index>(i)));
  return deviation_exponent<Real>(copy.data(), n);
}

/// Columns 0 … count − 1 (`column_of(j)`, any Eigen column of n values) as an n × count matrix, each divided
/// by the power of two of its spread (column_exponent; exact), its exponent in exponents[j]. Non-finite
/// values are kept as they are, for the factorisation to report or skip.
template <class Real, class ColumnOf>
[[nodiscard]] Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic> scaled_columns(
    Eigen::Index n, Eigen::Index count, ColumnOf&& column_of, std::vector<int>& exponents) {
  Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic> scaled(n, count);
  exponents.assign(static_cast<std::size_t>(count), 0);
  std::vector<Real> copy;
  for (Eigen::Index j = 0; j < count; ++j) {
    const int e = column_exponent<Real>(column_of(j), copy);
    exponents[static_cast<std::size_t>(j)] = e;
    for (Eigen::Index i = 0; i < n; ++i) {
      const Real v = copy[static_cast<std::size_t>(i)];
      scaled(i, j) = std::isfinite(v) ? std::ldexp(v, -e) : v;
    }
  }
  return scaled;
}

/// The figures of a fit of data divided by powers of two (the exposure by 2^es, instrument j by 2^eh[j]),
/// multiplied back by their own powers: ratio j by 2^(es − eh[j]), variances of S by 2^(2·es), ..., each
/// rounded once, to ±inf or a subnormal where the true figure is out of range.
template <class Real>
void scale_back(multi_hedge_fit<Real>& fit, int es, const std::vector<int>& eh) {
  const auto k = static_cast<Eigen::Index>(eh.size());
  const auto e_of = [&](Eigen::Index j) { return eh[static_cast<std::size_t>(j)]; };
  for (Eigen::Index a = 0; a < k; ++a) {
    fit.ratios(a) = std::ldexp(fit.ratios(a), es - e_of(a));
    fit.ratio_standard_errors(a) = std::ldexp(fit.ratio_standard_errors(a), es - e_of(a));
    fit.hedge_means(a) = std::ldexp(fit.hedge_means(a), e_of(a));
    for (Eigen::Index b = 0; b < k; ++b) {
      fit.ratio_covariance(a, b) = std::ldexp(fit.ratio_covariance(a, b), 2 * es - e_of(a) - e_of(b));
      fit.normalized_covariance(a, b) = std::ldexp(fit.normalized_covariance(a, b), -e_of(a) - e_of(b));
    }
  }
  fit.intercept = std::ldexp(fit.intercept, es);
  fit.intercept_standard_error = std::ldexp(fit.intercept_standard_error, es);
  fit.exposure_mean = std::ldexp(fit.exposure_mean, es);
  fit.residual_standard_error = std::ldexp(fit.residual_standard_error, es);
  fit.residual_variance = std::ldexp(fit.residual_variance, 2 * es);
  fit.residual_sum_of_squares = std::ldexp(fit.residual_sum_of_squares, 2 * es);
  fit.total_sum_of_squares = std::ldexp(fit.total_sum_of_squares, 2 * es);
}

/// The fit of one exposure series `s` on k instruments: the one factorisation behind both fit_hedge
/// overloads. Range contract (detail/range.hpp): when the fast factorisation may have overflowed or
/// underflowed (qr_out_of_range), the data are factorised again with the exposure and each instrument
/// divided by its own power of two (exact), which also makes the rank decision scale-free; every figure
/// is multiplied back by its power (ratio j by 2^(e_S − e_j), variances of S by 2^(2e_S), ...), rounding
/// once, to ±inf or a subnormal where the true figure is out of range.
template <class Real, class View, class HedgeColumn>
[[nodiscard]] multi_hedge_fit<Real> fit_exposure(const View& s, Eigen::Index k, HedgeColumn&& hedge_column,
                                                 const fit_options& options, const char* function) {
  bool out_of_range = false;
  multi_hedge_fit<Real> fit = fit_exposure_pass<Real>(s, k, hedge_column, options, function, out_of_range);
  if (!out_of_range) return fit;
  const auto n = static_cast<Eigen::Index>(s.size());
  const Eigen::Map<const Eigen::Matrix<typename View::value_type, Eigen::Dynamic, 1>> exposure(s.data(), n);
  std::vector<int> es, eh;
  const auto scaled_exposure = scaled_columns<Real>(
      n, 1, [&](Eigen::Index) { return exposure; }, es);
  const auto scaled_hedges = scaled_columns<Real>(n, k, hedge_column, eh);
  bool again = false;
  std::vector<const Real*> scaled_columns(static_cast<std::size_t>(k));
  for (Eigen::Index j = 0; j < k; ++j)
    scaled_columns[static_cast<std::size_t>(j)] = scaled_hedges.col(j).data();
  column_pointers<Real> scaled_column{scaled_columns.data(), n};
  fit = fit_exposure_pass<Real>(series_view<Real>(scaled_exposure.data(), static_cast<std::size_t>(n)), k,
                                scaled_column, options, function, again);
  scale_back(fit, es[0], eh);
  return fit;
}

/// The kernel of fit_hedge for contiguous series (the seam of the compiled mode, detail/config.hpp, for
/// double): the exposure's n values at `exposure`, instrument j's n values at hedges[j]. A template even
/// though only double uses it, so that a translation unit that includes this header without calling
/// fit_hedge does not compile it.
template <class Real>
[[nodiscard]] multi_hedge_fit<Real> fit_columns(const Real* exposure, std::size_t n,
                                                const Real* const* hedges, Eigen::Index k,
                                                const fit_options& options, const char* function);

#if HEDGEMETRICS_KERNEL_BODIES
template <class Real>
[[nodiscard]] multi_hedge_fit<Real> fit_columns(const Real* exposure, std::size_t n,
                                                const Real* const* hedges, Eigen::Index k,
                                                const fit_options& options, const char* function) {
  column_pointers<Real> column{hedges, static_cast<Eigen::Index>(n)};
  return fit_exposure<Real>(series_view<Real>(exposure, n), k, column, options, function);
}
#endif
#if defined(HEDGEMETRICS_COMPILED)
HEDGEMETRICS_INSTANTIATE multi_hedge_fit<double> fit_columns<double>(const double*, std::size_t,
                                                                     const double* const*, Eigen::Index,
                                                                     const fit_options&, const char*);
#endif

/// True for an Eigen expression of doubles whose columns are contiguous (a column-major Matrix, Map,
/// Ref or block of one): fit_hedge hands those to the double kernel by column pointers.
template <class Hedges>
inline constexpr bool has_contiguous_double_columns =
    std::is_same_v<typename Hedges::Scalar, double> && (Hedges::Flags & Eigen::DirectAccessBit) != 0 &&
    (Hedges::Flags & Eigen::RowMajorBit) == 0 && Hedges::InnerStrideAtCompileTime == 1;

template <class Exposure, class Hedges>
[[nodiscard]] multi_hedge_fit<multi_result_t<Exposure, Hedges>> fit_multi(const Exposure& exposure,
                                                                          const Hedges& hedges,
                                                                          const fit_options& options) {
  using Real = multi_result_t<Exposure, Hedges>;
  constexpr const char* function = "hedgemetrics::fit_hedge";
  const auto s = view_of(exposure, function, "exposure");
  require_instruments(hedges, function);
  require_same_length(function, "exposure", s.size(), "hedges (rows)",
                      static_cast<std::size_t>(hedges.rows()));
  if constexpr (std::is_same_v<Real, double> && std::is_same_v<series_element_t<Exposure>, double> &&
                has_contiguous_double_columns<Hedges>) {
    std::vector<const double*> columns(static_cast<std::size_t>(hedges.cols()));
    for (Eigen::Index j = 0; j < hedges.cols(); ++j) {
      columns[static_cast<std::size_t>(j)] = hedges.data() + j * hedges.outerStride();
    }
    return fit_columns(s.data(), s.size(), columns.data(), hedges.cols(), options, function);
  } else {
    return fit_exposure<Real>(
        s, hedges.cols(), [&](Eigen::Index j) { return hedges.col(j); }, options, function);
  }
}

HEDGEMETRICS_NO_FP_CONTRACT_END

}  // namespace detail

/// Fits the minimum-variance hedge of `exposure` with k instruments at once: the least-squares ratios
/// h = (XᵀX)⁻¹XᵀS, and every figure of multi_hedge_fit (see there for each formula, its degrees of
/// freedom and when it is NaN).
///
/// Solved by orthogonal factorisation, never normal equations: the rows are streamed in blocks of
/// detail::qr_block_rows through a Householder QR of [R; block] of [1 | X − c | S − c_S] (TSQR; c is the
/// first complete row), so the n×k data are never copied and the extra memory is O(k²). The residual sum
/// of squares is summed from squares of the residual components; the ratios come from a triangular
/// solve after a rank-revealing QR with column pivoting of the small factor. Accuracy on the eleven NIST
/// StRD linear-regression datasets: see the README and tests/test_multi_hedge.cpp. Range: data anywhere in
/// the double range (a careful pass on power-of-two-scaled columns where the reflectors' squares would
/// overflow or underflow): the ratios, R², effectiveness, t and the rank are those of data of ordinary
/// size; a figure whose true value exceeds DBL_MAX is ±inf, one below the normal range a subnormal or 0.
///
/// A call picks this overload for any Eigen object or expression that is not a vector at compile time
/// (`m`, `m.leftCols(2)`, a Map or Ref, `m * 2.0`); a vector is one instrument, for the fit_hedge of
/// hedge_ratio.hpp.
///
/// \param exposure the position held (S): any contiguous series (see series.hpp), n values.
/// \param hedges   the instruments: any n×k Eigen dense expression (Matrix, Map, Ref, block).
/// \param options  intercept or not, and the missing-data policy (see fit_options).
/// \returns multi_hedge_fit over the common compute type of the two element types.
/// \throws std::invalid_argument when the row counts differ (the message gives both) or k = 0;
///         std::domain_error under missing_data::raise, naming the first non-finite value.
template <class Exposure, class Hedges>
[[nodiscard]] multi_hedge_fit<detail::multi_result_t<Exposure, Hedges>> fit_hedge(
    const Exposure& exposure, const Eigen::MatrixBase<Hedges>& hedges, const fit_options& options = {}) {
  return detail::fit_multi(exposure, hedges.derived(), options);
}

/// The missing-data policy goes in fit_options for several instruments as for one: this overload only
/// turns `fit_hedge(s, m, missing_data::omit)` into a message that says so.
template <class Exposure, class Hedges, class Policy, HEDGEMETRICS_ENABLE_IF(detail::is_policy_v<Policy>)>
void fit_hedge(const Exposure&, const Eigen::MatrixBase<Hedges>&, Policy) {
  static_assert(!detail::is_policy_v<Policy>,
                "fit_hedge with several instruments takes the missing-data policy in fit_options: "
                "fit_hedge(s, m, {.missing = missing_data::omit}) in C++20, or set fit_options::missing");
}

/// fit_hedge with the k instruments given as k contiguous series of one length each, in a std::vector:
/// `std::vector<std::vector<double>>`, or `std::vector<series_view<double>>` over buffers that stay where
/// they are (nothing is copied but one block of rows at a time). Same figures, options and errors as the
/// matrix form; the message of a length mismatch names the instrument (hedges[j]).
/// \param exposure the position held (S): any contiguous series, n values.
/// \param hedges   k series of n values each (see series.hpp).
/// \param options  intercept or not, and the missing-data policy (see fit_options).
/// \returns multi_hedge_fit over the common compute type of the element types.
/// \throws std::invalid_argument when a length differs from the exposure's, or k = 0;
///         std::domain_error under missing_data::raise.
template <class Exposure, class Series, class Allocator>
[[nodiscard]] std::enable_if_t<is_series_v<Series>, multi_hedge_fit<result_t<Exposure, Series>>> fit_hedge(
    const Exposure& exposure, const std::vector<Series, Allocator>& hedges, const fit_options& options = {}) {
  using Real = result_t<Exposure, Series>;
  constexpr const char* function = "hedgemetrics::fit_hedge";
  const auto s = detail::view_of(exposure, function, "exposure");
  if (hedges.empty()) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) +
                                             ": hedges has no series; pass at least one instrument"));
  }
  using element = series_element_t<Series>;
  std::vector<series_view<element>> views;
  views.reserve(hedges.size());
  for (std::size_t j = 0; j < hedges.size(); ++j) {
    views.push_back(detail::view_of(hedges[j], function, "hedges"));
    const std::string name = "hedges[" + std::to_string(j) + "]";
    detail::require_same_length(function, "exposure", s.size(), name.c_str(), views.back().size());
  }
  if constexpr (std::is_same_v<Real, double> && std::is_same_v<series_element_t<Exposure>, double> &&
                std::is_same_v<element, double>) {
    std::vector<const double*> columns(views.size());
    for (std::size_t j = 0; j < views.size(); ++j) columns[j] = views[j].data();
    return detail::fit_columns(s.data(), s.size(), columns.data(), static_cast<Eigen::Index>(views.size()),
                               options, function);
  } else {
    const auto n = static_cast<Eigen::Index>(s.size());
    return detail::fit_exposure<Real>(
        s, static_cast<Eigen::Index>(views.size()),
        [&](Eigen::Index j) {
          return Eigen::Map<const Eigen::Matrix<element, Eigen::Dynamic, 1>>(
              views[static_cast<std::size_t>(j)].data(), n);
        },
        options, function);
  }
}

/// Fits a book of m exposures (the columns of an n×m matrix) hedged with the same k instruments, from one
/// streaming factorisation of [1 | X | S_1 .. S_m]: the k×m ratios, the m effectivenesses and every
/// figure of each exposure's multi_hedge_fit, identical to m calls of fit_hedge (up to rounding) at a
/// fraction of the cost: the instruments are factored once, and each exposure adds 4·k flops per row.
///
/// The missing-data policy applies to whole rows: under missing_data::omit a row with any non-finite
/// exposure or instrument value is dropped for every exposure; under propagate it makes every figure of
/// every exposure NaN. Formulas, degrees of freedom and NaN cases: multi_hedge_fit. Reference: Golub &
/// Van Loan, Matrix Computations, 4th ed., §5.3 (one QR, several right-hand sides); Ederington (1979).
/// Range: the several-instrument fit's contract (README, "Range contract"): where the fast factorisation
/// may have overflowed or underflowed, the book is factorised again with every exposure and instrument
/// divided by its own power of two, and each figure multiplied back by its power.
/// \param exposures the positions: an n×m Eigen dense expression.
/// \param hedges    the instruments: an n×k Eigen dense expression.
/// \param options   intercept or not, and the missing-data policy.
/// \returns hedge_book_fit.
/// \throws std::invalid_argument when the row counts differ (the message gives both) or k = 0;
///         std::domain_error under missing_data::raise.
template <class Exposures, class Hedges>
[[nodiscard]] hedge_book_fit<
    typename detail::common_compute_type<typename Exposures::Scalar, typename Hedges::Scalar>::type>
fit_hedge_book(const Eigen::MatrixBase<Exposures>& exposures, const Eigen::MatrixBase<Hedges>& hedges,
               const fit_options& options = {}) {
  using Real =
      typename detail::common_compute_type<typename Exposures::Scalar, typename Hedges::Scalar>::type;
  constexpr const char* function = "hedgemetrics::fit_hedge_book";
  detail::require_instruments(hedges, function);
  detail::require_same_length(function, "exposures (rows)", static_cast<std::size_t>(exposures.rows()),
                              "hedges (rows)", static_cast<std::size_t>(hedges.rows()));
  const Eigen::Index m = exposures.cols();
  const Eigen::Index k = hedges.cols();
  const auto n = static_cast<std::size_t>(exposures.rows());
  bool nonfinite = false;
  Eigen::Matrix<Real, 1, Eigen::Dynamic> hedge_shift, exposure_shift;
  auto qr = detail::factor_rows<Real>(
      hedges.rows(), k, m, [&](Eigen::Index i) { return exposures.derived().col(i); },
      [&](Eigen::Index j) { return hedges.derived().col(j); }, options.missing, function, nonfinite,
      hedge_shift, exposure_shift);
  // Range contract (fit_hedge with several instruments, detail/range.hpp): where the fast factorisation may
  // have overflowed or underflowed, factorise again with every exposure and instrument divided by its own
  // power of two, and scale each figure back.
  bool out_of_range =
      !nonfinite && qr.rows > 0 &&
      (detail::qr_out_of_range(qr) || !hedge_shift.allFinite() || !exposure_shift.allFinite());
  for (Eigen::Index i = 0; i < m && !nonfinite && qr.rows > 0; ++i)
    out_of_range = out_of_range || !std::isfinite(qr.residual_ss(i));
  std::vector<int> es, eh;
  if (out_of_range) {
    const auto scaled_exposures = detail::scaled_columns<Real>(
        exposures.rows(), m, [&](Eigen::Index j) { return exposures.derived().col(j); }, es);
    const auto scaled_hedges = detail::scaled_columns<Real>(
        hedges.rows(), k, [&](Eigen::Index j) { return hedges.derived().col(j); }, eh);
    nonfinite = false;
    qr = detail::factor_rows<Real>(
        hedges.rows(), k, m, [&](Eigen::Index i) { return scaled_exposures.col(i); },
        [&](Eigen::Index j) { return scaled_hedges.col(j); }, options.missing, function, nonfinite,
        hedge_shift, exposure_shift);
  }
  hedge_book_fit<Real> book;
  book.ratios.resize(k, m);
  book.effectiveness.resize(m);
  book.fits.reserve(static_cast<std::size_t>(m));
  for (Eigen::Index i = 0; i < m; ++i) {
    book.fits.push_back(
        detail::fit_from_qr<Real>(qr, i, options.intercept, hedge_shift, exposure_shift(i), nonfinite, n));
    if (out_of_range) detail::scale_back(book.fits.back(), es[static_cast<std::size_t>(i)], eh);
    book.ratios.col(i) = book.fits.back().ratios;
    book.effectiveness(i) = book.fits.back().effectiveness;
  }
  return book;
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_MULTI_HEDGE_HPP
