// SPDX-License-Identifier: MIT
/// \file
/// Statistical inference for hedge ratios, univariate (hedge_fit) and multi-instrument
/// (multi_hedge_fit): t statistics, two-sided p-values, confidence intervals, the regression's F test,
/// and Newey–West heteroskedasticity- and autocorrelation-consistent (HAC) standard errors.
///
/// The t and F distributions come from Eigen's regularised incomplete beta function
/// (unsupported/Eigen/SpecialFunctions, `Eigen::numext::betainc`, a port of Cephes' incbet), evaluated in
/// double (long double fits are tested in double). Cross-checked against statsmodels 0.13 (OLS and
/// HAC) to 1e-10 relative on WTI spot vs CL1 and CL2 daily price changes: see tests/test_inference.cpp.
#ifndef HEDGEMETRICS_INFERENCE_HPP
#define HEDGEMETRICS_INFERENCE_HPP

#include <Eigen/Core>
#include <unsupported/Eigen/SpecialFunctions>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/exact_sums.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/hedge_ratio.hpp"
#include "hedgemetrics/multi_hedge.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

namespace detail {

/// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
[[nodiscard]] inline double log_beta(double a, double b) {
  return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
}

/// I_x(a, b) where x is so small that I is the leading term of its series, x^a/(a·B(a, b)) (A&S 26.5.4;
/// the next term is a(1 − b)x/(a + 1) of it), given r with x = r²/(1 + r²) (whose x^a is r^{2a} to
/// a·r² relative): x itself may be subnormal or lost where r is not, and betainc's x^a through
/// exp(a·ln x) costs |a·ln x|·ε, 1e-13 at x = 1e-250. Used when (a + |1 − b|)·r² < 2^−60. The power
/// carries the range (0 or a subnormal only where I underflows); 1/(a·B(a, b)) = Γ(a + b)/(Γ(a + 1)Γ(b))
/// by tgamma while a + b < 170, by lgamma above (there a < 20 wherever I is representable).
[[nodiscard]] inline bool near_zero(double r2, double a, double b) noexcept {
  return (a + std::fabs(1 - b)) * r2 < 0x1p-60;
}

[[nodiscard]] inline double incomplete_beta_near_zero(double r, double a, double b) {
  const double coefficient = a + b < 170 ? std::tgamma(a + b) / (std::tgamma(a + 1) * std::tgamma(b))
                                         : std::exp(-std::log(a) - log_beta(a, b));
  return std::pow(r, 2 * a) * coefficient;
}

}  // namespace detail

/// Two-sided p-value of a Student t statistic with `df` degrees of freedom:
/// \f$ P(|T| \ge |t|) = I_{df/(df + t^2)}(df/2, 1/2) \f$ (Abramowitz & Stegun 26.7.1 and 26.5.27),
/// with I the regularised incomplete beta function (Eigen::numext::betainc).
/// Accuracy (against mpmath): betainc is given x = df/(df + t²), whose rounding costs about
/// log10(df/t²) digits when p < ½: 1e-12 relative at df = 1e4, 1e-10 at df = 1e6.
/// Range: x and 1 − x are formed from (t/√df)² or (√df/t)², whichever is below 1, so t² never
/// overflows; where x is small enough ((df/2 + ½)·x < 2^−60: |t| ≫ √df, t = 1e160 with df = 1), p is the
/// leading term
/// of the series of I, x^{df/2}/((df/2)·B(df/2, ½)) with x^{df/2} = (√df/|t|)^df, to a few ulps
/// (student_t_two_sided_p(1e160, 1) = 6.366e-161 = 2/(π·1e160)), and 0 or a subnormal only where p
/// underflows. df = +inf is the normal limit, erfc(|t|/√2).
/// NaN when t is NaN or df ≤ 0 (or NaN); 0 for infinite t.
[[nodiscard]] inline double student_t_two_sided_p(double t, double df) {
  if (std::isnan(t) || !(df > 0)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(t)) return 0.0;
  if (std::isinf(df)) return std::erfc(std::fabs(t) / std::sqrt(2.0));
  if (t == 0) return 1.0;
  const double root = std::sqrt(df), size = std::fabs(t);
  double x = 0, complement_x = 0;  // x = df/(df + t²), 1 − x = t²/(df + t²)
  if (size <= root) {
    const double u = size / root, u2 = u * u;  // may underflow to 0: then p = 1 to the last bit
    x = 1 / (1 + u2);
    complement_x = u2 / (1 + u2);
  } else {
    const double r = root / size, r2 = r * r;
    if (detail::near_zero(r2, 0.5 * df, 0.5)) return detail::incomplete_beta_near_zero(r, 0.5 * df, 0.5);
    x = r2 / (1 + r2);
    complement_x = 1 / (1 + r2);
  }
  // For p > ½ the complement 1 − p = I_{1−x}(1/2, df/2) (A&S 26.5.2), with 1 − x formed directly: x
  // itself rounds near 1, which for |t| ≪ √df would cost digits of p.
  const double complement = Eigen::numext::betainc(0.5, 0.5 * df, complement_x);
  if (complement < 0.5) return 1.0 - complement;
  return Eigen::numext::betainc(0.5 * df, 0.5, x);
}

/// Upper-tail p-value of an F statistic with (d1, d2) degrees of freedom:
/// \f$ P(F_{d1,d2} \ge f) = I_{d2/(d2 + d1 f)}(d2/2, d1/2) \f$ (Abramowitz & Stegun 26.6.2).
/// Range: x = 1/(1 + w) with w = (d1/d2)·f; where d1·f overflows or x is that small, p is the
/// leading term of I's series as in student_t_two_sided_p (0 or a subnormal only where p underflows).
/// NaN when f is NaN or negative or a df ≤ 0; 0 for infinite f.
[[nodiscard]] inline double f_upper_p(double f, double d1, double d2) {
  if (std::isnan(f) || f < 0 || !(d1 > 0) || !(d2 > 0)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(f)) return 0.0;
  if (f == 0) return 1.0;
  const double w = d1 * f;
  if (std::isfinite(w) && w <= d2) return Eigen::numext::betainc(0.5 * d2, 0.5 * d1, d2 / (d2 + w));
  // r² = d2/(d1·f) < 1, formed without overflow; x = r²/(1 + r²).
  const double r = std::sqrt(d2 / d1) / std::sqrt(f), r2 = r * r;
  if (detail::near_zero(r2, 0.5 * d2, 0.5 * d1))
    return detail::incomplete_beta_near_zero(r, 0.5 * d2, 0.5 * d1);
  return Eigen::numext::betainc(0.5 * d2, 0.5 * d1, r2 / (1 + r2));
}

/// The two-sided critical value t such that P(|T| ≥ t) = 1 − level for Student's t with df degrees of
/// freedom (t_{1−(1−level)/2, df}; 1.96 for level 0.95 and large df).
///
/// Found by bisection on x = df/(df + t²) in (0, 1), where I_x(df/2, 1/2) increases from 0 to 1, until
/// the bracket cannot shrink in double precision (at most 2,200 betainc evaluations, typically 60–80);
/// then t = √(df·(1 − x)/x). Bisection rather than Newton because it cannot fail, and the interval it
/// returns is as accurate as betainc itself (see student_t_two_sided_p). NaN when df ≤ 0 or level is not
/// in (0, 1). Reference: Abramowitz & Stegun 26.7 (the t distribution as an incomplete beta function).
[[nodiscard]] inline double student_t_critical_value(double level, double df) {
  if (!(df > 0) || !(level > 0) || !(level < 1)) return std::numeric_limits<double>::quiet_NaN();
  const double alpha = 1.0 - level;
  double lo = 0.0, hi = 1.0;
  for (int i = 0; i < 2200; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (Eigen::numext::betainc(0.5 * df, 0.5, mid) < alpha) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  const double x = 0.5 * (lo + hi);
  return std::sqrt(df * ((1.0 - x) / x));
}

/// The test of one coefficient (H0: coefficient = null_value, 0 unless inference_options::null_ratio says
/// otherwise) and its confidence interval.
template <class Real = double>
struct coefficient_test {
  /// The estimate b.
  Real estimate = std::numeric_limits<Real>::quiet_NaN();
  /// Its standard error se (OLS or HAC, as asked).
  Real standard_error = std::numeric_limits<Real>::quiet_NaN();
  /// t = (b − b0)/se, b0 = null_value (b/se for the default b0 = 0).
  Real t_statistic = std::numeric_limits<Real>::quiet_NaN();
  /// P(|T_df| ≥ |t|), two-sided, Student t with the residual degrees of freedom.
  Real p_value = std::numeric_limits<Real>::quiet_NaN();
  /// b − t_{(1+level)/2, df}·se (the interval does not depend on b0).
  Real lower = std::numeric_limits<Real>::quiet_NaN();
  /// b + t_{(1+level)/2, df}·se.
  Real upper = std::numeric_limits<Real>::quiet_NaN();
  /// b0, the value of the coefficient under the null hypothesis that t_statistic and p_value test.
  Real null_value = 0;
};

/// Options of inference(): the confidence level and the hypothesised ratio.
struct inference_options {
  /// The confidence level of the intervals, in (0, 1).
  double level = 0.95;
  /// h0, the value every hedge ratio is tested against: t = (h − h0)/se. 0 (the default) asks whether the
  /// hedge instrument explains the exposure at all; 1 whether the minimum-variance hedge differs from the
  /// naive 1:1 hedge (Hull ch. 3). Must be finite. The intercept is always tested against 0, and the F test
  /// is always of "every ratio is 0" (statsmodels' fvalue), whatever h0.
  double null_ratio = 0;
};

/// Tests of every coefficient of a hedge regression, and its F test.
template <class Real = double>
struct hedge_inference {
  /// The confidence level of the intervals (0.95 by default).
  double level = 0.95;
  /// Residual degrees of freedom, n − p (p parameters, intercept included).
  std::size_t residual_df = 0;
  /// The intercept's test (NaN fields when fitted through the origin).
  coefficient_test<Real> intercept;
  /// One test per instrument, in the order of the instruments.
  std::vector<coefficient_test<Real>> ratios;
  /// Model degrees of freedom of the F test: the ratios' count (rank − 1 with intercept, rank without).
  std::size_t model_df = 0;
  /// F = (explained SS/model_df)/(SSR/residual_df), explained centred with an intercept, uncentred
  /// without (as statsmodels' fvalue). From OLS figures even when the standard errors are HAC.
  Real f_statistic = std::numeric_limits<Real>::quiet_NaN();
  /// P(F_{model_df, residual_df} ≥ F).
  Real f_p_value = std::numeric_limits<Real>::quiet_NaN();
};

/// Newey–West options: the lag, the small-sample correction and the missing-data policy.
struct hac_options {
  /// Highest lag L of the Bartlett kernel; negative (the default) for floor(4·(n/100)^{2/9}), the rule of
  /// Newey & West (1994) that statsmodels' S_hac_simple uses when nlags is None.
  long lag = -1;
  /// Multiply the covariance by n/(n − p): statsmodels' `use_correction=True`. Off by default, as in
  /// statsmodels' OLS.fit(cov_type="HAC").
  bool small_sample_correction = false;
  /// Must match the fit's: which rows were used (see missing_data).
  missing_data missing = missing_data::propagate;
};

/// Newey–West HAC covariance of a hedge regression's coefficients.
template <class Real = double>
struct hac_covariance {
  /// The lag L used.
  std::size_t lag = 0;
  /// Whether n/(n − p) was applied.
  bool small_sample_correction = false;
  /// HAC standard error of the intercept (NaN through the origin).
  Real intercept_standard_error = std::numeric_limits<Real>::quiet_NaN();
  /// HAC standard errors of the ratios (NaN for dropped instruments).
  Eigen::Matrix<Real, Eigen::Dynamic, 1> ratio_standard_errors;
  /// HAC covariance of the ratios, k×k.
  Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic> ratio_covariance;
};

/// floor(4·(n/100)^{2/9}), Newey & West (1994)'s automatic lag for the Bartlett kernel (statsmodels'
/// default in sandwich_covariance.S_hac_simple): 4 lags at n = 100, 8 at 2,000, 9 at 9,000.
[[nodiscard]] inline std::size_t newey_west_default_lag(std::size_t n) {
  return static_cast<std::size_t>(std::floor(4.0 * std::pow(static_cast<double>(n) / 100.0, 2.0 / 9.0)));
}

namespace detail {

/// The test of H0: coefficient = null_value. t = (b − b0)/se: the difference is taken first, so that t is
/// that of the shifted regression (S − b0·F on F), as statsmodels' t_test((R, q)) computes it.
template <class Real>
[[nodiscard]] coefficient_test<Real> test_of(Real estimate, Real standard_error, std::size_t df,
                                             double critical, Real null_value = Real(0)) {
  coefficient_test<Real> c;
  c.estimate = estimate;
  c.standard_error = standard_error;
  c.null_value = null_value;
  if (!std::isfinite(static_cast<double>(standard_error)) || df == 0) return c;
  c.t_statistic = (estimate - null_value) / standard_error;
  c.p_value =
      static_cast<Real>(student_t_two_sided_p(static_cast<double>(c.t_statistic), static_cast<double>(df)));
  c.lower = estimate - static_cast<Real>(critical) * standard_error;
  c.upper = estimate + static_cast<Real>(critical) * standard_error;
  return c;
}

inline void require_level(double level, const char* function) {
  require_open_unit(level, "the confidence level", function);
}

inline void require_options(const inference_options& options, const char* function) {
  require_level(options.level, function);
  if (!std::isfinite(options.null_ratio)) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) + ": the hypothesised ratio null_ratio must be finite, but it is " +
        value_text(options.null_ratio)));
  }
}

/// The two-sided Student t critical value at `level` with df degrees of freedom (NaN for df = 0).
[[nodiscard]] inline double t_critical(double level, std::size_t df) {
  return df > 0 ? student_t_critical_value(level, static_cast<double>(df))
                : std::numeric_limits<double>::quiet_NaN();
}

/// Residual degrees of freedom: n − 2 for a one-instrument fit, the fit's own for a multi-instrument one.
template <class Real>
[[nodiscard]] std::size_t residual_df_of(const hedge_fit<Real>& fit) noexcept {
  return fit.n >= 2 ? fit.n - 2 : 0;
}

template <class Real>
[[nodiscard]] std::size_t residual_df_of(const multi_hedge_fit<Real>& fit) noexcept {
  return fit.residual_df;
}

/// The Bartlett-kernel meat S = Γ0 + Σ_{l=1..L} (1 − l/(L+1))(Γ_l + Γ_lᵀ), Γ_l = Σ_t g_t g_{t−l}ᵀ, over
/// the score rows g_t = d_t·e_t that `row(t, g)` fills (returning false for a row to skip). `used` is set
/// to the number of rows used. A lag at or above the row count keeps its weights 1 − l/(L + 1), but only
/// the lags that exist are summed: the ring buffer holds min(L, n) scores, so a lag of 1e10 on 7 rows
/// costs 7 columns, not 1e10.
template <class Real, class RowFunction>
[[nodiscard]] Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic> bartlett_meat(std::size_t n, Eigen::Index p,
                                                                                std::size_t lag,
                                                                                RowFunction&& row,
                                                                                std::size_t& used) {
  using matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
  using vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;
  const std::size_t memory = lag < n ? lag : n;  // lags beyond n − 1 have no pairs of rows
  const auto window = static_cast<Eigen::Index>(memory);
  matrix history = matrix::Zero(p, window > 0 ? window : 1);  // ring buffer of the last scores
  matrix gamma0 = matrix::Zero(p, p), cross = matrix::Zero(p, p);
  vector g(p), h(p);
  const Real denominator = static_cast<Real>(lag) + 1;  // L + 1, without overflow for any L
  std::size_t seen = 0;
  for (std::size_t t = 0; t < n; ++t) {
    if (!row(t, g)) continue;
    gamma0.noalias() += g * g.transpose();
    if (window > 0) {
      h.setZero();
      const auto available = static_cast<Eigen::Index>(seen < memory ? seen : memory);
      for (Eigen::Index l = 1; l <= available; ++l) {
        const auto slot = static_cast<Eigen::Index>((seen - static_cast<std::size_t>(l)) % memory);
        h += (Real(1) - static_cast<Real>(l) / denominator) * history.col(slot);
      }
      cross.noalias() += g * h.transpose();
      history.col(static_cast<Eigen::Index>(seen % memory)) = g;
    }
    ++seen;
  }
  used = seen;
  return gamma0 + cross + cross.transpose();
}

/// The lag of a HAC covariance on n rows: the automatic one (lag < 0), at most n − 1; an explicit lag must
/// be below n. With L ≥ n every Bartlett weight 1 − l/(L + 1) of the lags that exist (l < n) tends to 1,
/// and the meat tends to (Σg)(Σg)ᵀ, which the normal equations make 0: the covariance would be rounding
/// noise (negative variances), not an estimate. A caller error, naming both.
[[nodiscard]] inline std::size_t hac_lag(long lag, std::size_t n, const char* function) {
  if (lag < 0) {
    const std::size_t automatic = newey_west_default_lag(n);
    return n > 0 && automatic >= n ? n - 1 : automatic;
  }
  if (static_cast<unsigned long>(lag) >= n) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": the lag must be less than the " +
                                             std::to_string(n) + " rows of the fit, but it is " +
                                             std::to_string(lag)));
  }
  return static_cast<std::size_t>(lag);
}

/// Σ(x − m) over the rows a HAC pass uses, m a fit's mean of x: about 0 when the fit is of these data.
/// Compensated, and each term times 2^−32 (exact), so that the sum cannot overflow.
template <class Real>
struct centring_check {
  compensated_sum<Real> deviations;
  Real largest = 0;
  void add(Real value, Real deviation) noexcept {
    deviations.add(deviation * Real(0x1p-32));
    largest = std::max(largest, std::fabs(value));
  }
};

/// Caller error unless the mean of x over the used rows is the fit's mean m to 64 ulps of max|x| (the
/// fit's means are compensated: a few ulps): a fit of other data with the same row count.
template <class Real>
void require_fit_mean(const centring_check<Real>& check, std::size_t n, Real fitted_mean, const char* what,
                      const char* function) {
  if (n == 0) return;
  const Real gap = check.deviations.value() / static_cast<Real>(n) * Real(0x1p32);  // mean(x) − m
  const Real tolerance = 64 * std::numeric_limits<Real>::epsilon() * check.largest;
  if (!(std::fabs(gap) <= tolerance)) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": the fit's mean of " + what + " is " +
                                             value_text(fitted_mean) + " but these data's is " +
                                             value_text(fitted_mean + gap) + "; pass the fit of these data"));
  }
}

/// The inverse of a symmetric positive definite q×q matrix by its Cholesky factor (plain loops: the
/// matrices here are a handful of instruments wide). NaN entries where it is not positive definite.
template <class Real>
[[nodiscard]] Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic> spd_inverse(
    const Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>& a) {
  using matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
  const Eigen::Index q = a.rows();
  matrix l = matrix::Zero(q, q);
  for (Eigen::Index j = 0; j < q; ++j) {
    Real d = a(j, j);
    for (Eigen::Index k = 0; k < j; ++k) d -= l(j, k) * l(j, k);
    if (!(d > 0)) return matrix::Constant(q, q, std::numeric_limits<Real>::quiet_NaN());
    l(j, j) = std::sqrt(d);
    for (Eigen::Index i = j + 1; i < q; ++i) {
      Real v = a(i, j);
      for (Eigen::Index k = 0; k < j; ++k) v -= l(i, k) * l(j, k);
      l(i, j) = v / l(j, j);
    }
  }
  // L⁻¹ by forward substitution, then A⁻¹ = L⁻ᵀL⁻¹.
  matrix li = matrix::Zero(q, q);
  for (Eigen::Index c = 0; c < q; ++c) {
    li(c, c) = 1 / l(c, c);
    for (Eigen::Index i = c + 1; i < q; ++i) {
      Real v = 0;
      for (Eigen::Index k = c; k < i; ++k) v -= l(i, k) * li(k, c);
      li(i, c) = v / l(i, i);
    }
  }
  matrix out(q, q);
  for (Eigen::Index i = 0; i < q; ++i) {
    for (Eigen::Index j = 0; j <= i; ++j) {
      Real v = 0;
      for (Eigen::Index k = i; k < q; ++k) v += li(k, i) * li(k, j);
      out(i, j) = v;
      out(j, i) = v;
    }
  }
  return out;
}

/// Caller error unless newey_west used as many rows as the fit did: a fit of other data.
inline void require_fit_rows(std::size_t used, std::size_t fitted, const char* function) {
  if (used != fitted) {
    HEDGEMETRICS_THROW(
        std::invalid_argument(std::string(function) + ": the data have " + std::to_string(used) +
                              " usable rows but the fit was made on " + std::to_string(fitted) +
                              "; pass the fit of these data with the same missing-data policy"));
  }
}

/// inference() of a one-instrument fit with its t critical value already known; the ratio tested against
/// null_ratio.
template <class Real>
[[nodiscard]] hedge_inference<Real> ols_inference(const hedge_fit<Real>& fit, double level, double critical,
                                                  double null_ratio = 0) {
  hedge_inference<Real> out;
  out.level = level;
  out.model_df = 1;
  out.residual_df = residual_df_of(fit);
  out.intercept = detail::test_of(fit.intercept, fit.intercept_standard_error, out.residual_df, critical);
  const coefficient_test<Real> zero =
      detail::test_of(fit.ratio, fit.ratio_standard_error, out.residual_df, critical);
  out.f_statistic = zero.t_statistic * zero.t_statistic;
  // P(F_{1,d} ≥ t²) = P(|T_d| ≥ |t|) exactly: the t form, which holds where t² overflows.
  out.f_p_value = zero.p_value;
  out.ratios.push_back(null_ratio == 0 ? zero
                                       : detail::test_of(fit.ratio, fit.ratio_standard_error, out.residual_df,
                                                         critical, static_cast<Real>(null_ratio)));
  return out;
}

}  // namespace detail

/// t tests, confidence intervals and the F test of a one-instrument hedge (hedge_ratio.hpp), from its
/// OLS standard errors: t = (h − h0)/se with n − 2 degrees of freedom and h0 = options.null_ratio (0 by
/// default: t = h/se; 1 tests the naive 1:1 hedge), the intercept's t = a/se_a, two-sided p-values,
/// the interval h ± t_{(1+level)/2, n−2}·se, and F = (h/se)² with (1, n − 2) degrees of freedom (of h = 0
/// whatever h0). NaN figures when n < 3 or the hedge is constant. Reference: Greene, Econometric
/// Analysis, §5.2–5.3 (the t test of a linear restriction, eq. 5-13, here one coefficient against h0).
/// \throws std::invalid_argument when options.level is not in (0, 1) or options.null_ratio is not finite.
template <class Real>
[[nodiscard]] hedge_inference<Real> inference(const hedge_fit<Real>& fit, const inference_options& options) {
  detail::require_options(options, "hedgemetrics::inference");
  return detail::ols_inference(
      fit, options.level, detail::t_critical(options.level, detail::residual_df_of(fit)), options.null_ratio);
}

/// inference(fit, {level}): the tests against 0 at confidence level `level` (see above).
/// \throws std::invalid_argument when level is not in (0, 1).
template <class Real>
[[nodiscard]] hedge_inference<Real> inference(const hedge_fit<Real>& fit, double level = 0.95) {
  inference_options options;
  options.level = level;
  return inference(fit, options);
}

namespace detail {

/// inference() of a multi-instrument fit with its t critical value already known.
template <class Real>
[[nodiscard]] hedge_inference<Real> ols_inference(const multi_hedge_fit<Real>& fit, double level,
                                                  double critical, double null_ratio = 0) {
  hedge_inference<Real> out;
  out.level = level;
  out.residual_df = residual_df_of(fit);
  out.model_df = fit.rank - (fit.has_intercept && fit.rank > 0 ? 1 : 0);
  if (fit.has_intercept) {
    out.intercept = detail::test_of(fit.intercept, fit.intercept_standard_error, out.residual_df, critical);
  }
  for (Eigen::Index j = 0; j < fit.ratios.size(); ++j) {
    out.ratios.push_back(detail::test_of(fit.ratios(j), fit.ratio_standard_errors(j), out.residual_df,
                                         critical, static_cast<Real>(null_ratio)));
  }
  if (out.residual_df > 0 && out.model_df > 0) {
    const Real explained = fit.total_sum_of_squares - fit.residual_sum_of_squares;
    // explained SS from R² when it is the better-conditioned side: R²·SST.
    const Real ess = fit.r_squared >= Real(0.5) ? explained : fit.r_squared * fit.total_sum_of_squares;
    out.f_statistic = (ess / static_cast<Real>(out.model_df)) /
                      (fit.residual_sum_of_squares / static_cast<Real>(out.residual_df));
    out.f_p_value =
        static_cast<Real>(f_upper_p(static_cast<double>(out.f_statistic), static_cast<double>(out.model_df),
                                    static_cast<double>(out.residual_df)));
  }
  return out;
}

}  // namespace detail

/// t tests, confidence intervals and the F test of a multi-instrument hedge (multi_hedge.hpp), from its
/// OLS standard errors: t = (b − h0)/se with n − p degrees of freedom (p = rank), h0 = options.null_ratio
/// for every ratio (0 by default) and 0 for the intercept, two-sided p-values, the
/// intervals b ± t_{(1+level)/2, n−p}·se, and
/// F = (explained SS/q)/(SSR/(n − p)) with (q, n − p) degrees of freedom, q = p − 1 with an intercept
/// (explained SS centred), q = p without (uncentred), as statsmodels' fvalue and f_pvalue.
/// Dropped instruments get NaN tests. NaN figures when n ≤ p. Reference: Greene, Econometric Analysis,
/// §5.2–5.3.
/// \throws std::invalid_argument when options.level is not in (0, 1) or options.null_ratio is not finite.
template <class Real>
[[nodiscard]] hedge_inference<Real> inference(const multi_hedge_fit<Real>& fit,
                                              const inference_options& options) {
  detail::require_options(options, "hedgemetrics::inference");
  return detail::ols_inference(
      fit, options.level, detail::t_critical(options.level, detail::residual_df_of(fit)), options.null_ratio);
}

/// inference(fit, {level}): the tests against 0 at confidence level `level` (see above).
/// \throws std::invalid_argument when level is not in (0, 1).
template <class Real>
[[nodiscard]] hedge_inference<Real> inference(const multi_hedge_fit<Real>& fit, double level = 0.95) {
  inference_options options;
  options.level = level;
  return inference(fit, options);
}

/// The same tests with HAC standard errors (newey_west): t = (b − h0)/se_HAC (h0 = options.null_ratio
/// for the ratios, 0 for the intercept), p-values and intervals from Student t with the OLS residual
/// degrees of freedom (statsmodels' `use_t=True`; its default for HAC is the normal distribution), F from
/// the OLS figures.
/// \throws std::invalid_argument when options.level is not in (0, 1), options.null_ratio is not finite,
///         or `hac` has another number of ratios than the fit (the covariance of another fit; the message
///         names both counts).
template <class Real, class Fit>
[[nodiscard]] hedge_inference<Real> inference(const Fit& fit, const hac_covariance<Real>& hac,
                                              const inference_options& options) {
  detail::require_options(options, "hedgemetrics::inference");
  const double level = options.level;
  // One critical value (a bisection on the incomplete beta function) for the OLS and the HAC figures.
  const double critical = detail::t_critical(level, detail::residual_df_of(fit));
  hedge_inference<Real> out = detail::ols_inference(fit, level, critical);
  if (static_cast<std::size_t>(hac.ratio_standard_errors.size()) != out.ratios.size()) {
    HEDGEMETRICS_THROW(std::invalid_argument("hedgemetrics::inference: the HAC covariance has " +
                                             std::to_string(hac.ratio_standard_errors.size()) +
                                             " ratios but the fit has " + std::to_string(out.ratios.size()) +
                                             "; pass the newey_west of this fit"));
  }
  out.intercept =
      detail::test_of(out.intercept.estimate, hac.intercept_standard_error, out.residual_df, critical);
  for (std::size_t j = 0; j < out.ratios.size(); ++j) {
    out.ratios[j] =
        detail::test_of(out.ratios[j].estimate, hac.ratio_standard_errors(static_cast<Eigen::Index>(j)),
                        out.residual_df, critical, static_cast<Real>(options.null_ratio));
  }
  return out;
}

/// inference(fit, hac, {level}): the HAC tests against 0 at confidence level `level` (see above).
/// \throws std::invalid_argument when level is not in (0, 1), or `hac` has another number of ratios than
///         the fit.
template <class Real, class Fit>
[[nodiscard]] hedge_inference<Real> inference(const Fit& fit, const hac_covariance<Real>& hac,
                                              double level = 0.95) {
  inference_options options;
  options.level = level;
  return inference(fit, hac, options);
}

/// Newey–West HAC covariance of a multi-instrument hedge's coefficients (Newey & West 1987):
/// \f$ \hat V = (D^\top D)^{-1}\, S\, (D^\top D)^{-1} \f$ with D the design (the ones column and the
/// kept instruments), \f$ S = \Gamma_0 + \sum_{l=1}^{L} (1 - \tfrac{l}{L+1})(\Gamma_l + \Gamma_l^\top) \f$,
/// \f$ \Gamma_l = \sum_t e_t e_{t-l}\, d_t d_{t-l}^\top \f$ (Bartlett kernel), times n/(n − p) when
/// `small_sample_correction` is set.
///
/// This matches statsmodels exactly: `OLS(S, add_constant(F)).fit(cov_type="HAC",
/// cov_kwds={"maxlags": L, "use_correction": c})` (kernel: Bartlett, its default; c =
/// small_sample_correction, default False in both), and with lag < 0 the lag of
/// newey_west_default_lag(n). A second pass over the data (the residuals are needed); computed in the
/// centred parametrisation (ones column orthogonal to the centred instruments) and mapped back to the
/// intercept, which gives the same covariance. Under missing_data::omit the complete rows are taken as
/// consecutive. The fit must be of the same data with the same options.
/// \returns hac_covariance; NaN figures when the fit's figures are NaN or n ≤ p.
/// The lag must be below the fit's row count n (the automatic lag is capped at n − 1): at L ≥ n the
/// estimate degenerates to rounding noise (see hac_lag).
/// \throws std::invalid_argument when the row counts differ, an explicit lag is not below the fit's count,
///         the fit has another number of instruments,
///         or the fit was made on another number of rows than these data give under options.missing (a
///         fit of other data, or with another policy; the message names both counts), or (with an
///         intercept) a mean of the fit is not the mean of these data to 64 ulps (a fit of other data of
///         the same length; the message names both means);
///         std::domain_error under missing_data::raise.
template <class Exposure, class Hedges, class Real>
[[nodiscard]] hac_covariance<Real> newey_west(const Exposure& exposure,
                                              const Eigen::MatrixBase<Hedges>& hedges,
                                              const multi_hedge_fit<Real>& fit,
                                              const hac_options& options = {}) {
  using matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
  using vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;
  constexpr const char* function = "hedgemetrics::newey_west";
  const auto s = detail::view_of(exposure, function, "exposure");
  detail::require_same_length(function, "exposure", s.size(), "hedges (rows)",
                              static_cast<std::size_t>(hedges.rows()));
  const Eigen::Index k = hedges.cols();
  if (k != fit.ratios.size()) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": hedges has " + std::to_string(k) +
                                             " columns but the fit has " + std::to_string(fit.ratios.size()) +
                                             " ratios"));
  }
  constexpr Real nan = std::numeric_limits<Real>::quiet_NaN();
  hac_covariance<Real> out;
  out.small_sample_correction = options.small_sample_correction;
  out.ratio_standard_errors = vector::Constant(k, nan);
  out.ratio_covariance = matrix::Constant(k, k, nan);
  if (options.missing != missing_data::omit) detail::require_fit_rows(s.size(), fit.n, function);
  if (fit.residual_df == 0 || std::isnan(fit.residual_sum_of_squares)) {  // (+inf: beyond DBL_MAX, see below)
    if (options.missing == missing_data::omit) {
      std::size_t complete = 0;
      for (std::size_t t = 0; t < s.size(); ++t) {
        bool finite = std::isfinite(static_cast<Real>(s[t]));
        for (Eigen::Index j = 0; j < k; ++j)
          finite =
              finite && std::isfinite(static_cast<Real>(hedges.derived()(static_cast<Eigen::Index>(t), j)));
        if (finite) ++complete;
      }
      detail::require_fit_rows(complete, fit.n, function);
    }
    return out;
  }

  std::vector<Eigen::Index> kept;
  for (Eigen::Index j = 0; j < k; ++j) {
    bool dropped = false;
    for (const auto d : fit.dropped) dropped = dropped || d == j;
    if (!dropped) kept.push_back(j);
  }
  const Eigen::Index o = fit.has_intercept ? 1 : 0;
  const auto q = static_cast<Eigen::Index>(kept.size());
  const Eigen::Index p = q + o;
  const std::size_t n = s.size();
  out.lag = detail::hac_lag(options.lag, fit.n, function);

  const auto& x = hedges.derived();
  // Range (detail/range.hpp), as in the one-instrument newey_west below: where a spread is beyond 2^±64,
  // the scores are formed with each instrument's deviations divided by the power of two of its spread
  // (2^e_a) and the residuals by the exposure's (2^es), exactly; the bread is (X̃cᵀX̃c)⁻¹ of those scaled
  // deviations, and the covariance is multiplied back (entry (a, b) by 2^(2es − e_a − e_b)).
  std::vector<int> column_scale(kept.size(), 0);
  int es = 0;
  {
    std::vector<Real> column(n);
    const auto scale_of = [&](auto&& value_at) {
      for (std::size_t t = 0; t < n; ++t) column[t] = static_cast<Real>(value_at(t));
      return detail::significant_exponent(detail::deviation_exponent<Real>(column.data(), n));
    };
    es = scale_of([&](std::size_t t) { return s[t]; });
    for (Eigen::Index a = 0; a < q; ++a) {
      const Eigen::Index j = kept[static_cast<std::size_t>(a)];
      column_scale[static_cast<std::size_t>(a)] =
          scale_of([&](std::size_t t) { return x(static_cast<Eigen::Index>(t), j); });
    }
  }
  bool scaled = es != 0;
  for (const int e : column_scale) scaled = scaled || e != 0;
  // The ratios in the scaled units, h_a·2^(e_a − es): the fit's where all are normal numbers; otherwise
  // (a ratio 0, subnormal or ±inf: beyond the double range for spreads 2^±1000 apart, or a true 0) all are
  // taken again from the scaled data, (X̃cᵀX̃c)⁻¹X̃cᵀc̃, so that the residuals are the fit's.
  vector scaled_ratios(q);
  bool representable = true;
  for (Eigen::Index a = 0; a < q; ++a) {
    const Real h = fit.ratios(kept[static_cast<std::size_t>(a)]);
    scaled_ratios(a) = std::ldexp(h, column_scale[static_cast<std::size_t>(a)] - es);
    representable = representable && std::fabs(h) >= std::numeric_limits<Real>::min() &&
                    std::fabs(h) <= std::numeric_limits<Real>::max();
  }
  if (scaled && !representable) {
    matrix gram = matrix::Zero(q, q);
    vector cross = vector::Zero(q), d(q);
    for (std::size_t t = 0; t < n; ++t) {
      const auto ti = static_cast<Eigen::Index>(t);
      const Real c =
          std::ldexp(static_cast<Real>(s[t]) - (fit.has_intercept ? fit.exposure_mean : Real(0)), -es);
      bool finite = std::isfinite(c);
      for (Eigen::Index a = 0; a < q; ++a) {
        const Eigen::Index j = kept[static_cast<std::size_t>(a)];
        d(a) = std::ldexp(static_cast<Real>(x(ti, j)) - (fit.has_intercept ? fit.hedge_means(j) : Real(0)),
                          -column_scale[static_cast<std::size_t>(a)]);
        finite = finite && std::isfinite(d(a));
      }
      for (const auto j : fit.dropped) finite = finite && std::isfinite(static_cast<Real>(x(ti, j)));
      if (!finite) continue;  // a row the fit left out (omit); under the other policies the fit is NaN
      gram.noalias() += d * d.transpose();
      cross += c * d;
    }
    scaled_ratios = detail::spd_inverse<Real>(gram) * cross;
  }
  matrix scaled_gram = matrix::Zero(q, q);  // X̃cᵀX̃c on the scaled path
  vector scaled_deviations(q);
  detail::centring_check<Real> exposure_check;
  std::vector<detail::centring_check<Real>> hedge_checks(kept.size());
  auto row = [&](std::size_t t, vector& g) {
    const auto ti = static_cast<Eigen::Index>(t);
    Real e = static_cast<Real>(s[t]) - (fit.has_intercept ? fit.exposure_mean : Real(0));
    bool finite = std::isfinite(e);
    for (Eigen::Index a = 0; a < q; ++a) {
      const Eigen::Index j = kept[static_cast<std::size_t>(a)];
      const Real d = static_cast<Real>(x(ti, j)) - (fit.has_intercept ? fit.hedge_means(j) : Real(0));
      finite = finite && std::isfinite(d);
      g(o + a) = d;
    }
    // A dropped instrument's values are not used, but a row missing one was left out of the fit.
    for (const auto j : fit.dropped) finite = finite && std::isfinite(static_cast<Real>(x(ti, j)));
    if (!finite) {
      if (options.missing == missing_data::raise) {
        HEDGEMETRICS_THROW(std::domain_error(std::string(function) + ": a non-finite value in row " +
                                             std::to_string(t) +
                                             "; use missing_data::omit to drop incomplete rows"));
      }
      if (options.missing == missing_data::omit) return false;
    }
    if (fit.has_intercept) {
      exposure_check.add(static_cast<Real>(s[t]), e);
      for (Eigen::Index a = 0; a < q; ++a) {
        hedge_checks[static_cast<std::size_t>(a)].add(
            static_cast<Real>(x(ti, kept[static_cast<std::size_t>(a)])), g(o + a));
      }
    }
    if (scaled) {
      Real es_residual = std::ldexp(e, -es);
      for (Eigen::Index a = 0; a < q; ++a) {
        scaled_deviations(a) = std::ldexp(g(o + a), -column_scale[static_cast<std::size_t>(a)]);
        es_residual -= scaled_ratios(a) * scaled_deviations(a);
      }
      scaled_gram.noalias() += scaled_deviations * scaled_deviations.transpose();
      if (o == 1) g(0) = 1;
      g.tail(q) = scaled_deviations;
      g *= es_residual;
      return true;
    }
    for (Eigen::Index a = 0; a < q; ++a) e -= fit.ratios(kept[static_cast<std::size_t>(a)]) * g(o + a);
    if (o == 1) g(0) = 1;
    g *= e;
    return true;
  };
  std::size_t used = 0;
  const matrix meat = detail::bartlett_meat<Real>(n, p, out.lag, row, used);
  detail::require_fit_rows(used, fit.n, function);
  if (fit.has_intercept) {
    detail::require_fit_mean(exposure_check, used, fit.exposure_mean, "exposure", function);
    for (Eigen::Index a = 0; a < q; ++a) {
      const Eigen::Index j = kept[static_cast<std::size_t>(a)];
      detail::require_fit_mean(hedge_checks[static_cast<std::size_t>(a)], used, fit.hedge_means(j),
                               ("hedge column " + std::to_string(j)).c_str(), function);
    }
  }

  // The bread (DᵀD)⁻¹: diag(1/n, (XcᵀXc)⁻¹) with an intercept (the centred instruments are orthogonal to
  // the ones column), (XᵀX)⁻¹ without.
  matrix bread = matrix::Zero(p, p);
  if (o == 1) bread(0, 0) = Real(1) / static_cast<Real>(fit.n);
  const matrix scaled_inverse = scaled ? detail::spd_inverse<Real>(scaled_gram) : matrix();
  for (Eigen::Index a = 0; a < q; ++a) {
    for (Eigen::Index b = 0; b < q; ++b) {
      bread(o + a, o + b) = scaled ? scaled_inverse(a, b)
                                   : fit.normalized_covariance(kept[static_cast<std::size_t>(a)],
                                                               kept[static_cast<std::size_t>(b)]);
    }
  }
  matrix v = bread * meat * bread;
  if (options.small_sample_correction) {
    v *= static_cast<Real>(fit.n) / static_cast<Real>(fit.n - static_cast<std::size_t>(p));
  }
  const auto back = [&](Real value, Eigen::Index a, Eigen::Index b) {  // entry (a, b) at the data's scale
    if (!scaled) return value;
    return std::ldexp(value, 2 * es - column_scale[static_cast<std::size_t>(a)] -
                                 column_scale[static_cast<std::size_t>(b)]);
  };
  if (o == 1) {
    // Back to the intercept a = a_c − F̄ᵀh: J = [1, −F̄ᵀ; 0, I], V = J·V_c·Jᵀ (F̄ at the scaled size).
    matrix j = matrix::Identity(p, p);
    for (Eigen::Index a = 0; a < q; ++a) {
      const Real mean = fit.hedge_means(kept[static_cast<std::size_t>(a)]);
      j(0, o + a) = -(scaled ? std::ldexp(mean, -column_scale[static_cast<std::size_t>(a)]) : mean);
    }
    const matrix centred = v;
    v = j * v * j.transpose();
    out.intercept_standard_error = scaled ? std::ldexp(std::sqrt(v(0, 0)), es) : std::sqrt(v(0, 0));
    if (scaled && !std::isfinite(v(0, 0))) {
      // Means beyond 2^1023 spreads: the F̄ᵀV_hF̄ term is all of it (+inf past DBL_MAX).
      Real term = 0;
      for (Eigen::Index a = 0; a < q; ++a) {
        for (Eigen::Index b = 0; b < q; ++b) {
          term += fit.hedge_means(kept[static_cast<std::size_t>(a)]) * back(centred(o + a, o + b), a, b) *
                  fit.hedge_means(kept[static_cast<std::size_t>(b)]);
        }
      }
      out.intercept_standard_error = std::sqrt(term);
    }
  }
  for (Eigen::Index a = 0; a < q; ++a) {
    const Eigen::Index ja = kept[static_cast<std::size_t>(a)];
    const Real variance = v(o + a, o + a);
    out.ratio_standard_errors(ja) =
        scaled ? std::ldexp(std::sqrt(variance), es - column_scale[static_cast<std::size_t>(a)])
               : std::sqrt(variance);
    for (Eigen::Index b = 0; b < q; ++b)
      out.ratio_covariance(ja, kept[static_cast<std::size_t>(b)]) = back(v(o + a, o + b), a, b);
  }
  return out;
}

/// Newey–West HAC standard errors of a one-instrument hedge (hedge_ratio.hpp): the multi-instrument
/// newey_west with k = 1 (see there for the formula and the matching statsmodels options), design
/// [1, F − F̄], residuals e = S − S̄ − h*(F − F̄), bread diag(1/n, 1/S_FF).
/// \returns hac_covariance with one ratio; NaN figures when n < 3 or the hedge is constant.
/// \throws std::invalid_argument when the lengths differ, an explicit lag is not below the fit's count, or
///         when the fit was made on another number of pairs than these data give under options.missing (a fit of other data; the message names both
///         counts); std::domain_error under missing_data::raise.
template <class Exposure, class Hedge, class Real>
[[nodiscard]] hac_covariance<Real> newey_west(const Exposure& exposure, const Hedge& hedge,
                                              const hedge_fit<Real>& fit, const hac_options& options = {}) {
  using matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
  constexpr const char* function = "hedgemetrics::newey_west";
  const auto s = detail::view_of(exposure, function, "exposure");
  const auto f = detail::view_of(hedge, function, "hedge");
  detail::require_same_length(function, "exposure", s.size(), "hedge", f.size());
  constexpr Real nan = std::numeric_limits<Real>::quiet_NaN();
  hac_covariance<Real> out;
  out.small_sample_correction = options.small_sample_correction;
  out.ratio_standard_errors = Eigen::Matrix<Real, Eigen::Dynamic, 1>::Constant(1, nan);
  out.ratio_covariance = matrix::Constant(1, 1, nan);
  if (options.missing != missing_data::omit) detail::require_fit_rows(s.size(), fit.n, function);
  if (fit.n < 3 || std::isnan(fit.ratio_standard_error)) {  // (+inf: a ratio beyond DBL_MAX, see below)
    if (options.missing == missing_data::omit) {
      std::size_t complete = 0;
      for (std::size_t t = 0; t < s.size(); ++t) {
        if (std::isfinite(static_cast<Real>(s[t])) && std::isfinite(static_cast<Real>(f[t]))) ++complete;
      }
      detail::require_fit_rows(complete, fit.n, function);
    }
    return out;
  }
  out.lag = detail::hac_lag(options.lag, fit.n, function);
  // Range (detail/range.hpp): e² and (d·e)², and the sums of their products over the lags, leave the
  // double range for data beyond about 2^±250 (spreads near 1e-150 gave a standard error of 0 and t = inf,
  // near 1e±300 NaN). There the scores are formed with d divided by the power of two of the hedge's spread
  // (2^ef) and e by that of the exposure's (2^es), exactly, and the covariance is multiplied back: the
  // ratio's by 2^(2(es − ef)), the intercept's by 2^(2es).
  const int es = detail::significant_exponent(detail::deviation_exponent<Real>(s.data(), s.size(), f.data()));
  const int ef = detail::significant_exponent(detail::deviation_exponent<Real>(f.data(), f.size(), s.data()));
  const bool scaled = es != 0 || ef != 0;
  detail::compensated_sum<Real> scaled_sff;  // Σ(d·2^−ef)², the bread's S_FF on the scaled path
  // The ratio in the scaled units, h·2^(ef − es): the fit's where it is a normal number; where it is
  // beyond the double range (spreads 2^±1000 apart: 0, a subnormal or ±inf by the range contract) the
  // residuals would be those of another ratio, so it is taken again from the scaled data.
  Real scaled_ratio = std::ldexp(fit.ratio, ef - es);
  if (scaled && !(std::fabs(fit.ratio) >= std::numeric_limits<Real>::min() &&
                  std::fabs(fit.ratio) <= std::numeric_limits<Real>::max())) {
    detail::compensated_sum<Real> sxy, sxx;
    for (std::size_t t = 0; t < s.size(); ++t) {
      const Real ds = std::ldexp(static_cast<Real>(f[t]) - fit.hedge_mean, -ef);
      const Real cs = std::ldexp(static_cast<Real>(s[t]) - fit.exposure_mean, -es);
      if (!std::isfinite(ds) || !std::isfinite(cs)) continue;  // a pair the fit left out (omit)
      sxy.add_product(cs, ds);
      sxx.add_product(ds, ds);
    }
    scaled_ratio = sxy.value() / sxx.value();
  }
  detail::centring_check<Real> exposure_check, hedge_check;
  auto row = [&](std::size_t t, Eigen::Matrix<Real, Eigen::Dynamic, 1>& g) {
    const Real d = static_cast<Real>(f[t]) - fit.hedge_mean;
    const Real c = static_cast<Real>(s[t]) - fit.exposure_mean;
    const Real e = c - fit.ratio * d;
    if (!std::isfinite(e)) {
      if (options.missing == missing_data::raise) {
        HEDGEMETRICS_THROW(std::domain_error(std::string(function) + ": a non-finite value at index " +
                                             std::to_string(t) +
                                             "; use missing_data::omit to drop incomplete pairs"));
      }
      if (options.missing == missing_data::omit) return false;
    }
    exposure_check.add(static_cast<Real>(s[t]), c);
    hedge_check.add(static_cast<Real>(f[t]), d);
    if (scaled) {
      const Real ds = std::ldexp(d, -ef);
      g(0) = std::ldexp(c, -es) - scaled_ratio * ds;
      g(1) = ds * g(0);
      scaled_sff.add_product(ds, ds);
    } else {
      g(0) = e;
      g(1) = d * e;
    }
    return true;
  };
  std::size_t used = 0;
  const matrix meat = detail::bartlett_meat<Real>(s.size(), 2, out.lag, row, used);
  detail::require_fit_rows(used, fit.n, function);
  detail::require_fit_mean(exposure_check, used, fit.exposure_mean, "exposure", function);
  detail::require_fit_mean(hedge_check, used, fit.hedge_mean, "hedge", function);
  const Real sff = scaled ? scaled_sff.value() : fit.hedge_variance * static_cast<Real>(fit.n - 1);
  matrix bread = matrix::Zero(2, 2);
  bread(0, 0) = Real(1) / static_cast<Real>(fit.n);
  bread(1, 1) = Real(1) / sff;
  matrix v = bread * meat * bread;
  if (options.small_sample_correction) v *= static_cast<Real>(fit.n) / static_cast<Real>(fit.n - 2);
  // Back to the intercept a = a_c − F̄·h: Var(a) = V₀₀ − 2F̄·V₀₁ + F̄²·V₁₁, in the scaled units (F̄·2^−ef).
  const Real mean = scaled ? std::ldexp(fit.hedge_mean, -ef) : fit.hedge_mean;
  Real intercept_variance = v(0, 0) - 2 * mean * v(0, 1) + mean * mean * v(1, 1);
  Real intercept_se = std::sqrt(intercept_variance);
  if (scaled && !std::isfinite(intercept_variance) && std::isfinite(v(1, 1))) {
    // A mean beyond 2^1023 spreads: the F̄²·V₁₁ term is all of it, |F̄|·se(h) (+inf past DBL_MAX).
    intercept_se = std::fabs(fit.hedge_mean) * std::ldexp(std::sqrt(v(1, 1)), es - ef);
  } else if (scaled) {
    intercept_se = std::ldexp(intercept_se, es);
  }
  out.intercept_standard_error = intercept_se;
  out.ratio_standard_errors(0) = scaled ? std::ldexp(std::sqrt(v(1, 1)), es - ef) : std::sqrt(v(1, 1));
  out.ratio_covariance(0, 0) = scaled ? std::ldexp(v(1, 1), 2 * (es - ef)) : v(1, 1);
  return out;
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_INFERENCE_HPP
