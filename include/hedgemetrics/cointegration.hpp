// SPDX-License-Identifier: MIT
/// \file
/// Convergence risk: are spot and futures still cointegrated, and how fast does the basis close?
/// The Engle–Granger residual ADF test with MacKinnon's (2010) finite-sample critical values and a p-value
/// from the same response surfaces, and the basis' mean-reversion half-life with its standard error.
///
/// Model (Engle & Granger 1987, Econometrica 55(2)): step 1 regresses the levels, S_t = c + βF_t + u_t;
/// step 2 is the augmented Dickey–Fuller regression of the residuals without deterministic terms,
/// \f[ \Delta\hat u_t = \rho\,\hat u_{t-1} + \sum_{i=1}^{p} \phi_i \Delta\hat u_{t-i} + e_t, \f]
/// and the statistic is ρ̂'s t ratio. Under the null of no cointegration it follows the Engle–Granger
/// distribution with N = 2 variables (one hedge), not Dickey–Fuller's.
#ifndef HEDGEMETRICS_COINTEGRATION_HPP
#define HEDGEMETRICS_COINTEGRATION_HPP

#include <Eigen/Core>
#include <Eigen/QR>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/detail/normal.hpp"
#include "hedgemetrics/detail/power_scale.hpp"
#include "hedgemetrics/hedge_ratio.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

/// How engle_granger chooses the number of lagged differences p.
enum class lag_selection {
  fixed,  ///< p = options.lags
  aic,    ///< p in 0 … options.lags minimising AIC = n ln(RSS/n) + 2(p + 1), on the common sample
  bic     ///< likewise with BIC = n ln(RSS/n) + ln(n)(p + 1)
};

/// Options of the cointegration tests.
struct cointegration_options {
  /// p, the lagged differences in the ADF regression (the largest p tried under aic or bic).
  std::size_t lags = 1;
  /// Fixed p, or the automatic choice by AIC or BIC (statsmodels' autolag convention: every candidate
  /// is fitted on the rows the largest p leaves, then the chosen p is refitted on all its rows).
  lag_selection select = lag_selection::fixed;
  /// What non-finite prices mean: propagate (every figure NaN) or raise (std::domain_error). A gap
  /// breaks the differences, so omit is not offered (std::invalid_argument).
  missing_data missing = missing_data::propagate;
};

/// The Engle–Granger test of no cointegration between S and F.
///
/// Critical values: MacKinnon (2010), "Critical values for cointegration tests", Queen's Economics
/// Department Working Paper 1227, Table 2 (constant, no trend), N = 2:
/// C(α) = β_∞ + β_1/T + β_2/T² + β_3/T³ with T = the number of price observations. p-value: MacKinnon's
/// (1994, 1996) form for the distribution function, Φ⁻¹(p) a quadratic in the statistic τ, here fitted
/// exactly through the three points (C(1%), Φ⁻¹(0.01)), (C(5%), Φ⁻¹(0.05)), (C(10%), Φ⁻¹(0.10)) at the
/// same T, and continued linearly (with the quadratic's end slope) beyond them. So p is exactly 1%, 5% and
/// 10% at the critical values and can never contradict them; between 0.005 and 0.2 it is as accurate as
/// the quadratic form (MacKinnon 1996 reports errors of a few parts in a thousand), and beyond 0.2 it is
/// indicative only (the "fail to reject" region, where its exact value rarely matters).
/// NaN figures when the ADF regression has no residual degrees of freedom, a price is not finite, or a
/// series is constant.
struct engle_granger_result {
  std::size_t prices = 0;  ///< N, the price pairs (T of the critical values)
  std::size_t lags = 0;    ///< p used (chosen, under aic or bic)
  std::size_t n = 0;       ///< rows of the ADF regression, N − 1 − p
  double cointegrating_ratio = std::numeric_limits<double>::quiet_NaN();      ///< β of step 1
  double cointegrating_intercept = std::numeric_limits<double>::quiet_NaN();  ///< c of step 1
  double rho = std::numeric_limits<double>::quiet_NaN();        ///< ρ̂ (negative when û mean-reverts)
  double statistic = std::numeric_limits<double>::quiet_NaN();  ///< τ = ρ̂/se(ρ̂), se with n − p − 1 df
  /// C(1%), C(5%), C(10%) at T = prices: reject "no cointegration" at α when statistic < C(α).
  std::array<double, 3> critical_values = {std::numeric_limits<double>::quiet_NaN(),
                                           std::numeric_limits<double>::quiet_NaN(),
                                           std::numeric_limits<double>::quiet_NaN()};
  double p_value = std::numeric_limits<double>::quiet_NaN();  ///< see above
};

/// The basis' mean reversion: Δb_t = a + φ b_{t−1} + e_t by OLS (an AR(1) in levels, the discrete
/// Ornstein–Uhlenbeck process b_t − μ = (1 + φ)(b_{t−1} − μ) + e_t).
///
/// half-life = ln(1/2)/ln(1 + φ) periods, the time for a deviation to halve; its standard error by the
/// delta method, |ln 2/((1 + φ) ln²(1 + φ))|·se(φ), se(φ) the OLS standard error with n − 2 df.
/// +inf when φ ≥ 0 (no mean reversion), NaN when φ ≤ −1 (overshooting), n < 3 or a value is not finite.
/// Reference: e.g. Chan, Algorithmic Trading (2013), §2 ("half-life of mean reversion").
struct half_life_result {
  std::size_t n = 0;                                      ///< regression rows, one fewer than the values
  double phi = std::numeric_limits<double>::quiet_NaN();  ///< φ
  double phi_standard_error = std::numeric_limits<double>::quiet_NaN();  ///< se(φ)
  double mean = std::numeric_limits<double>::quiet_NaN();       ///< μ = −a/φ, the basis' long-run level
  double half_life = std::numeric_limits<double>::quiet_NaN();  ///< periods
  double half_life_standard_error = std::numeric_limits<double>::quiet_NaN();  ///< delta method
};

namespace detail {

/// MacKinnon (2010) Table 2, "c" (constant, no trend): for N = 1 … 12 variables and α = 1%, 5%, 10%,
/// (β_∞, β_1, β_2, β_3). As printed in the paper; statsmodels' tau_c_2010 (and arch's copy) differs in five
/// entries (statsmodels issue #10271): N = 2 1% β_2 (−22.527 here), N = 3 5% β_1 (−8.5631), N = 5 5% β_1
/// (−14.0406), N = 7 10% β_2 and β_3 (−6.922, 67.721).
inline constexpr double mackinnon_2010_constant[12][3][4] = {
    {{-3.43035, -6.5393, -16.786, -79.433},
     {-2.86154, -2.8903, -4.234, -40.040},
     {-2.56677, -1.5384, -2.809, 0}},
    {{-3.89644, -10.9519, -22.527, 0}, {-3.33613, -6.1101, -6.823, 0}, {-3.04445, -4.2412, -2.720, 0}},
    {{-4.29374, -14.4354, -33.195, 47.433},
     {-3.74066, -8.5631, -10.852, 27.982},
     {-3.45218, -6.2143, -3.718, 0}},
    {{-4.64332, -18.1031, -37.972, 0}, {-4.09600, -11.2349, -11.175, 0}, {-3.81020, -8.3931, -4.137, 0}},
    {{-4.95756, -21.8883, -45.142, 0}, {-4.41519, -14.0406, -12.575, 0}, {-4.13157, -10.7417, -3.784, 0}},
    {{-5.24568, -25.6688, -57.737, 88.639},
     {-4.70693, -16.9178, -17.492, 60.007},
     {-4.42501, -13.1875, -5.104, 27.877}},
    {{-5.51233, -29.5760, -69.398, 164.295},
     {-4.97684, -19.9021, -22.045, 110.761},
     {-4.69648, -15.7315, -6.922, 67.721}},
    {{-5.76202, -33.5258, -82.189, 256.289},
     {-5.22924, -23.0023, -24.646, 144.479},
     {-4.95007, -18.3959, -7.344, 94.872}},
    {{-5.99742, -37.6572, -87.365, 248.316},
     {-5.46697, -26.2057, -26.627, 176.382},
     {-5.18897, -21.1377, -9.484, 172.704}},
    {{-6.22103, -41.7154, -102.680, 389.33},
     {-5.69244, -29.4521, -30.994, 251.016},
     {-5.41533, -24.0006, -7.514, 163.049}},
    {{-6.43377, -46.0084, -106.809, 352.752},
     {-5.90714, -32.8336, -30.275, 249.994},
     {-5.63086, -26.9693, -4.083, 151.427}},
    {{-6.63790, -50.2095, -124.156, 579.622},
     {-6.11279, -36.2681, -32.505, 314.802},
     {-5.83724, -29.9864, -2.686, 184.116}},
};

}  // namespace detail

/// MacKinnon's (2010) critical value C(α) = β_∞ + β_1/T + β_2/T² + β_3/T³ (Table 2, constant, no trend).
///
/// \param variables N, the variables in the cointegrating regression (2 for S on one hedge; 1 is the
///                  plain Dickey–Fuller test with a constant), 1 … 12.
/// \param level_index 0, 1, 2 for α = 1%, 5%, 10%.
/// \param observations T; 0 gives the asymptotic value β_∞.
/// \throws std::invalid_argument when variables is not in 1 … 12 or level_index > 2.
[[nodiscard]] inline double mackinnon_critical_value(std::size_t variables, std::size_t level_index,
                                                     std::size_t observations) {
  if (variables < 1 || variables > 12 || level_index > 2) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        "hedgemetrics::mackinnon_critical_value: MacKinnon (2010) tabulates N = 1 … 12 variables and levels "
        "1%, 5%, 10% (index 0 … 2), but N = " +
        std::to_string(variables) + " and the level index is " + std::to_string(level_index)));
  }
  const double* b = detail::mackinnon_2010_constant[variables - 1][level_index];
  if (observations == 0) return b[0];
  const double u = 1.0 / static_cast<double>(observations);
  return b[0] + u * (b[1] + u * (b[2] + u * b[3]));
}

/// The p-value MacKinnon's quadratic-in-Φ⁻¹ form gives the statistic `tau` through the three critical
/// values `c` (1%, 5%, 10%; see engle_granger_result).
[[nodiscard]] inline double mackinnon_p_value(double tau, const std::array<double, 3>& c) {
  if (std::isnan(tau) || std::isnan(c[0])) return std::numeric_limits<double>::quiet_NaN();
  const double q[3] = {detail::normal_quantile(0.01), detail::normal_quantile(0.05),
                       detail::normal_quantile(0.10)};
  // Lagrange form of the quadratic g with g(c_i) = q_i, and its derivative.
  auto g = [&](double x) {
    double sum = 0;
    for (std::size_t i = 0; i < 3; ++i) {
      double term = q[i];
      for (std::size_t j = 0; j < 3; ++j)
        if (j != i) term *= (x - c[j]) / (c[i] - c[j]);
      sum += term;
    }
    return sum;
  };
  auto slope = [&](double x) {
    double sum = 0;
    for (std::size_t i = 0; i < 3; ++i) {
      double denominator = 1;
      for (std::size_t j = 0; j < 3; ++j)
        if (j != i) denominator *= c[i] - c[j];
      double numerator = 0;
      for (std::size_t j = 0; j < 3; ++j)
        if (j != i) numerator += x - c[3 - i - j];
      sum += q[i] * numerator / denominator;
    }
    return sum;
  };
  double z = 0;
  if (tau < c[0]) {
    z = q[0] + slope(c[0]) * (tau - c[0]);
  } else if (tau > c[2]) {
    z = q[2] + slope(c[2]) * (tau - c[2]);
  } else {
    z = g(tau);
  }
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

namespace detail {

/// OLS of y on the columns of x (no intercept) by Householder QR: the first coefficient, its standard
/// error (s² with rows − columns df) and the RSS.
struct first_coefficient {
  double estimate = std::numeric_limits<double>::quiet_NaN();
  double standard_error = std::numeric_limits<double>::quiet_NaN();
  double rss = std::numeric_limits<double>::quiet_NaN();
};

/// Templates (Real is double) only so that they are compiled where used: kernels of the compiled mode
/// (detail/config.hpp).
template <class Real>
first_coefficient fit_first(const Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>& x,
                            const Eigen::Matrix<Real, Eigen::Dynamic, 1>& y);
template <class Real>
first_coefficient adf_fit(const std::vector<Real>& u, std::size_t p, std::size_t first);

#if HEDGEMETRICS_KERNEL_BODIES
template <class Real>
first_coefficient fit_first(const Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>& x,
                            const Eigen::Matrix<Real, Eigen::Dynamic, 1>& y) {
  first_coefficient out;
  const Eigen::Index n = x.rows(), k = x.cols();
  if (n <= k) return out;
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(x);
  const Eigen::VectorXd b = qr.solve(y);
  out.rss = (y - x * b).squaredNorm();
  // (XᵀX)⁻¹ = R⁻¹R⁻ᵀ: its (0, 0) entry is the squared norm of the first row of R⁻¹.
  const Eigen::MatrixXd r = qr.matrixQR().topRows(k).template triangularView<Eigen::Upper>();
  const Eigen::MatrixXd r_inverse =
      r.template triangularView<Eigen::Upper>().solve(Eigen::MatrixXd::Identity(k, k));
  const double s2 = out.rss / static_cast<double>(n - k);
  out.estimate = b[0];
  out.standard_error = std::sqrt(s2 * r_inverse.row(0).squaredNorm());
  return out;
}

/// The ADF regression of Δu on u_{t−1} and p lagged differences over rows t = first … N − 1.
template <class Real>
first_coefficient adf_fit(const std::vector<Real>& u, std::size_t p, std::size_t first) {
  const std::size_t big_n = u.size();
  const auto rows = static_cast<Eigen::Index>(big_n - first);
  Eigen::MatrixXd x(rows, static_cast<Eigen::Index>(p + 1));
  Eigen::VectorXd y(rows);
  for (Eigen::Index r = 0; r < rows; ++r) {
    const std::size_t t = first + static_cast<std::size_t>(r);
    y[r] = u[t] - u[t - 1];
    x(r, 0) = u[t - 1];
    for (std::size_t i = 1; i <= p; ++i) x(r, static_cast<Eigen::Index>(i)) = u[t - i] - u[t - i - 1];
  }
  return fit_first(x, y);
}
#endif  // HEDGEMETRICS_KERNEL_BODIES
#if defined(HEDGEMETRICS_COMPILED)
HEDGEMETRICS_INSTANTIATE first_coefficient fit_first<double>(const Eigen::MatrixXd&, const Eigen::VectorXd&);
HEDGEMETRICS_INSTANTIATE first_coefficient adf_fit<double>(const std::vector<double>&, std::size_t,
                                                           std::size_t);
#endif

}  // namespace detail

/// The Engle–Granger test of no cointegration between `spot` and `futures` price levels (see the file
/// comment for the model and engle_granger_result for each figure).
///
/// \param spot    S, price levels: any contiguous series.
/// \param futures F, price levels aligned with spot.
/// \throws std::invalid_argument when the lengths differ or missing is omit; std::domain_error under
///         missing_data::raise, naming the first non-finite price.
/// Reference: Engle & Granger (1987); MacKinnon (2010) Table 2; R urca's ur.df(type = "none") computes
/// the same statistic on the step-1 residuals.
template <class Spot, class Futures>
[[nodiscard]] engle_granger_result engle_granger(const Spot& spot, const Futures& futures,
                                                 const cointegration_options& options = {}) {
  constexpr const char* function = "hedgemetrics::engle_granger";
  const auto sv = detail::view_of(spot, function, "spot");
  const auto fv = detail::view_of(futures, function, "futures");
  detail::require_same_length(function, "spot", sv.size(), "futures", fv.size());
  if (options.missing == missing_data::omit) {
    HEDGEMETRICS_THROW(
        std::invalid_argument(std::string(function) +
                              ": missing_data::omit is not offered (a gap breaks the differences); "
                              "fill or cut the series, or use propagate or raise"));
  }
  const std::size_t big_n = sv.size();
  const detail::nonfinite_position where =
      detail::find_nonfinite(0, big_n, detail::named_series<series_element_t<Spot>>{"spot", sv.data()},
                             detail::named_series<series_element_t<Futures>>{"futures", fv.data()});
  if (where.found && options.missing == missing_data::raise) detail::throw_nonfinite(function, where);
  engle_granger_result out;
  out.prices = big_n;
  out.lags = options.lags;
  for (std::size_t i = 0; i < 3; ++i) out.critical_values[i] = mackinnon_critical_value(2, i, big_n);
  if (where.found || big_n < 4) return out;
  std::vector<double> s(big_n), f(big_n);
  for (std::size_t i = 0; i < big_n; ++i)
    s[i] = static_cast<double>(sv[i]), f[i] = static_cast<double>(fv[i]);
  // Range (detail/range.hpp): ρ̂, τ and the lag criteria do not change when S, F or û is multiplied by a
  // power of two, so prices beyond 2^±64 are regressed divided by the powers of two of their spreads
  // (exact; β and c multiplied back), which keeps a β beyond the double range (2^-1800: 0) from leaving
  // the residuals of another line, and û beyond 2^±64 is divided alike before its squares are summed
  // (prices near 1e±270 gave τ = NaN).
  const int es = detail::significant_exponent(detail::deviation_exponent<double>(s.data(), big_n));
  const int ef = detail::significant_exponent(detail::deviation_exponent<double>(f.data(), big_n));
  for (double& value : s) value = std::ldexp(value, -es);
  for (double& value : f) value = std::ldexp(value, -ef);
  const hedge_fit<double> levels = fit_hedge(s, f);
  out.cointegrating_ratio = std::ldexp(levels.ratio, es - ef);
  out.cointegrating_intercept = std::ldexp(levels.intercept, es);
  if (std::isnan(levels.ratio)) return out;
  std::vector<double> u(big_n);
  for (std::size_t i = 0; i < big_n; ++i) u[i] = s[i] - levels.intercept - levels.ratio * f[i];
  const int scale = detail::significant_exponent(detail::deviation_exponent<double>(u.data(), big_n));
  if (scale != 0) {
    for (double& value : u) value = std::ldexp(value, -scale);
  }
  std::size_t p = options.lags;
  if (options.select != lag_selection::fixed) {
    const std::size_t top = options.lags;
    if (big_n < top + 4) return out;
    const double rows = static_cast<double>(big_n - 1 - top);
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t q = 0; q <= top; ++q) {
      const detail::first_coefficient c = detail::adf_fit(u, q, top + 1);
      const double penalty = options.select == lag_selection::aic ? 2.0 : std::log(rows);
      const double criterion = rows * std::log(c.rss / rows) + penalty * static_cast<double>(q + 1);
      if (criterion < best) best = criterion, p = q;
    }
  }
  out.lags = p;
  if (big_n < p + 3) return out;
  out.n = big_n - 1 - p;
  const detail::first_coefficient c = detail::adf_fit(u, p, p + 1);
  out.rho = c.estimate;
  out.statistic = c.estimate / c.standard_error;
  out.p_value = mackinnon_p_value(out.statistic, out.critical_values);
  return out;
}

/// The half-life of the basis' mean reversion (see half_life_result), for a basis series b (for
/// example spot minus futures, or spot minus β·futures).
///
/// \throws std::invalid_argument when missing is omit; std::domain_error under missing_data::raise.
template <class Basis>
[[nodiscard]] half_life_result basis_half_life(const Basis& basis,
                                               const cointegration_options& options = {}) {
  constexpr const char* function = "hedgemetrics::basis_half_life";
  const auto bv = detail::view_of(basis, function, "basis");
  if (options.missing == missing_data::omit) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) + ": missing_data::omit is not offered (a gap breaks the differences)"));
  }
  const detail::nonfinite_position where =
      detail::find_nonfinite(0, bv.size(), detail::named_series<series_element_t<Basis>>{"basis", bv.data()});
  if (where.found && options.missing == missing_data::raise) detail::throw_nonfinite(function, where);
  half_life_result out;
  out.n = bv.size() > 0 ? bv.size() - 1 : 0;
  if (where.found || out.n < 3) return out;
  std::vector<double> change(out.n), lagged(out.n);
  for (std::size_t t = 1; t < bv.size(); ++t) {
    change[t - 1] = static_cast<double>(bv[t]) - static_cast<double>(bv[t - 1]);
    lagged[t - 1] = static_cast<double>(bv[t - 1]);
  }
  const hedge_fit<double> fit = fit_hedge(change, lagged);
  out.phi = fit.ratio;
  out.phi_standard_error = fit.ratio_standard_error;
  if (std::isnan(out.phi)) return out;
  out.mean = -fit.intercept / out.phi;
  if (out.phi >= 0) {
    out.half_life = std::numeric_limits<double>::infinity();
    return out;
  }
  if (out.phi <= -1) return out;
  const double l = std::log1p(out.phi);
  out.half_life = -std::log(2.0) / l;
  out.half_life_standard_error = std::fabs(std::log(2.0) / ((1 + out.phi) * l * l)) * out.phi_standard_error;
  return out;
}

/// The basis b = S − F in one band of time to expiry (see basis_convergence).
struct basis_bucket {
  double from = 0;                                         ///< band start, inclusive (same unit as τ)
  double to = 0;                                           ///< band end, exclusive
  std::size_t count = 0;                                   ///< dates in the band
  double mean = std::numeric_limits<double>::quiet_NaN();  ///< mean basis (NaN when empty)
  double sd = std::numeric_limits<double>::quiet_NaN();    ///< sample sd, n − 1 (NaN below 2 dates)
  double mean_absolute = std::numeric_limits<double>::quiet_NaN();  ///< mean |b|
};

/// Convergence of the basis at expiry (see basis_convergence).
struct basis_convergence_result {
  std::size_t n = 0;                  ///< dates used (finite S, F and τ)
  std::size_t skipped = 0;            ///< dates with a non-finite S, F or τ, left out
  std::vector<basis_bucket> buckets;  ///< one per band between consecutive edges, in order
  /// OLS of |b_t| = a + c·τ_t + e_t over all dates used: a is the fitted |basis| at expiry, c > 0 with a
  /// large t ratio says the basis narrows as expiry nears. The t ratio assumes independent errors; daily
  /// bases are autocorrelated, so read it as descriptive, not as a test.
  double intercept = std::numeric_limits<double>::quiet_NaN();
  double slope = std::numeric_limits<double>::quiet_NaN();                 ///< c, |basis| per unit of τ
  double slope_standard_error = std::numeric_limits<double>::quiet_NaN();  ///< OLS se of c (n − 2)
  double slope_t = std::numeric_limits<double>::quiet_NaN();               ///< c / its se
};

/// The basis b_t = S_t − F_t of a dated futures contract against τ_t, the time to expiry of the contract
/// held at t: its mean, sd and mean |b| in each band [edges[j], edges[j + 1]) of τ, and the regression of
/// |b| on τ. No-arbitrage pricing gives F_t = S_t e^{(r + u − y)τ_t} (cost of carry r + u, convenience
/// yield y), so b_t → 0 as τ_t → 0: the futures price converges to spot at delivery (Hull, "Options,
/// Futures, and Other Derivatives", ch. 2 "convergence of futures price to spot price" and ch. 5, eq. 5.3
/// and §5.11). A hedge lifted before expiry bears the basis still open at that τ (Hull §3.3).
///
/// \param spot, futures  S and F on the same dates (any contiguous series).
/// \param time_to_expiry τ ≥ 0 on those dates (days or years; the edges in the same unit).
/// \param edges          band edges, strictly ascending, at least two; dates outside them are in no band
///                       but are in the regression.
/// Range: the band figures and the slope scale with the prices at any scale (each band summed divided by
/// a power of two where its bases are beyond 2^±64); the slope's t ratio does not move.
/// \throws std::invalid_argument when the lengths differ, a τ is negative, or the edges are fewer than two
///         or not strictly ascending; std::domain_error when a basis S − F itself exceeds the double range.
template <class Spot, class Futures, class Tau>
[[nodiscard]] basis_convergence_result basis_convergence(const Spot& spot, const Futures& futures,
                                                         const Tau& time_to_expiry,
                                                         const std::vector<double>& edges) {
  constexpr const char* function = "hedgemetrics::basis_convergence";
  const auto sv = detail::view_of(spot, function, "spot");
  const auto fv = detail::view_of(futures, function, "futures");
  const auto tv = detail::view_of(time_to_expiry, function, "time_to_expiry");
  if (sv.size() != fv.size() || sv.size() != tv.size()) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": spot, futures and time_to_expiry " +
                                             "must have the same length, but they have " +
                                             std::to_string(sv.size()) + ", " + std::to_string(fv.size()) +
                                             " and " + std::to_string(tv.size())));
  }
  if (edges.size() < 2) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": give at least two band edges"));
  }
  for (std::size_t j = 1; j < edges.size(); ++j) {
    if (!(edges[j] > edges[j - 1])) {
      HEDGEMETRICS_THROW(
          std::invalid_argument(std::string(function) + ": the band edges must ascend strictly"));
    }
  }
  basis_convergence_result out;
  const std::size_t bands = edges.size() - 1;
  std::vector<std::vector<double>> members(bands);
  std::vector<double> magnitude, tau;
  for (std::size_t t = 0; t < sv.size(); ++t) {
    const double s = static_cast<double>(sv[t]), f = static_cast<double>(fv[t]);
    const double x = static_cast<double>(tv[t]);
    if (x < 0) {
      HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": time_to_expiry[" +
                                               std::to_string(t) + "] is negative (" + std::to_string(x) +
                                               "): the contract held must not have expired"));
    }
    if (!std::isfinite(s) || !std::isfinite(f) || !std::isfinite(x)) {
      ++out.skipped;
      continue;
    }
    const double b = s - f;
    if (!std::isfinite(b)) {
      HEDGEMETRICS_THROW(std::domain_error(
          std::string(function) + ": the basis at index " + std::to_string(t) + " (spot " +
          detail::value_text(s) + " less futures " + detail::value_text(f) + ") is beyond the double range"));
    }
    magnitude.push_back(std::fabs(b));
    tau.push_back(x);
    if (x < edges.front() || x >= edges.back()) continue;
    const std::size_t j =
        static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), x) - edges.begin()) - 1;
    members[j].push_back(b);
  }
  out.n = tau.size();
  for (std::size_t j = 0; j < bands; ++j) {
    basis_bucket bucket;
    bucket.from = edges[j];
    bucket.to = edges[j + 1];
    bucket.count = members[j].size();
    // Range (detail/power_scale.hpp): a band whose bases are beyond 2^±64 is summed divided by the power
    // of two of its largest |b| (exact), and mean, mean |b| and sd multiplied back: bases near 1e200 gave
    // an sd of +inf (the squares overflowed), near 1e-200 of 0.
    std::vector<double>& band = members[j];
    double largest = 0;
    for (const double b : band) largest = std::max(largest, std::fabs(b));
    int e = 0;
    if (largest > 0) static_cast<void>(std::frexp(largest, &e));
    e = detail::significant_exponent(e);
    if (e != 0) {
      for (double& b : band) b = std::ldexp(b, -e);
    }
    double mean = 0;
    if (bucket.count > 0) {
      double total = 0, total_abs = 0;
      for (const double b : band) total += b, total_abs += std::fabs(b);
      mean = total / static_cast<double>(bucket.count);
      bucket.mean = std::ldexp(mean, e);
      bucket.mean_absolute = std::ldexp(total_abs / static_cast<double>(bucket.count), e);
    }
    if (bucket.count > 1) {
      double squares = 0;  // two-pass: deviations from the mean
      for (const double b : band) squares += (b - mean) * (b - mean);
      bucket.sd = std::ldexp(std::sqrt(squares / static_cast<double>(bucket.count - 1)), e);
    }
    out.buckets.push_back(bucket);
  }
  if (out.n >= 3) {
    const hedge_fit<double> fit = fit_hedge(magnitude, tau);
    out.intercept = fit.intercept;
    out.slope = fit.ratio;
    out.slope_standard_error = fit.ratio_standard_error;
    out.slope_t = fit.ratio / fit.ratio_standard_error;
  }
  return out;
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_COINTEGRATION_HPP
