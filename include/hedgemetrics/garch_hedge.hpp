// SPDX-License-Identifier: MIT
/// \file
/// Conditional (GARCH) hedge ratios: univariate GARCH(1,1) by Gaussian quasi-maximum likelihood, and the
/// bivariate constant (CCC) and dynamic (DCC) conditional correlation models built on it, whose one-step-
/// ahead minimum-variance ratio is h_t = Cov_{t−1}(S_t, F_t)/Var_{t−1}(F_t) = ρ_t σ_{S,t}/σ_{F,t}
/// (Kroner & Sultan 1993, "Time-varying distributions and dynamic hedging with foreign currency futures",
/// J. Financial and Quantitative Analysis 28(4)).
///
/// GARCH(1,1) (Bollerslev 1986): x_t = μ + ε_t, σ²_t = ω + α ε²_{t−1} + β σ²_{t−1}, started as R's fGarch
/// starts it: ε²_{−1} and σ²_{−1} are replaced by m = mean(ε²) over the sample, so σ²_0 = ω + (α + β)m
/// (fGarch 4022.89, .aparchLLH.filter). The fit is checked against fGarch on EIA prices
/// (tests/check_garch_fgarch.R). CCC: Bollerslev (1990), ρ constant, the correlation of the standardised
/// residuals. DCC(1,1): Engle (2002), "Dynamic conditional correlation", J. Business & Economic Statistics
/// 20(3), estimated in his two steps: the two GARCH fits, then (a, b) of
/// Q_t = (1 − a − b)Q̄ + a u_{t−1}u_{t−1}ᵀ + b Q_{t−1} (Q̄ the sample second moment of u, Q_0 = Q̄),
/// ρ_t = Q_{12}/√(Q_{11}Q_{22}), by maximising the correlation part of the Gaussian likelihood.
#ifndef HEDGEMETRICS_GARCH_HEDGE_HPP
#define HEDGEMETRICS_GARCH_HEDGE_HPP

#include <Eigen/Dense>

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/detail/power_scale.hpp"
#include "hedgemetrics/detail/quasi_newton.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

/// Options of garch_fit and dcc_hedge.
struct garch_options {
  /// Estimate the mean μ (the default, as fGarch's include.mean); false: μ = 0.
  bool mean = true;
  /// The minimiser's tolerance on the projected gradient of the mean negative log-likelihood of the
  /// series scaled to unit standard deviation (detail/quasi_newton.hpp).
  double gradient_tolerance = 1e-8;
  /// The minimiser's iteration limit.
  std::size_t max_iterations = 1000;
};

/// A GARCH(1,1) fit by Gaussian QMLE: parameters, their standard errors, the conditional variances.
///
/// Parameter order everywhere (standard errors, covariances): μ, ω, α, β. Standard errors: `standard_errors`
/// from the inverse Hessian of the negative log-likelihood; `robust_standard_errors` from the sandwich
/// H⁻¹(Σ s_t s_tᵀ)H⁻¹ (Bollerslev & Wooldridge 1992, "Quasi-maximum likelihood estimation and inference in
/// dynamic models with time-varying covariances", Econometric Reviews 11(2)), valid when the innovations
/// are not Gaussian. Without a mean, μ's entries are 0 and NaN. Figures are NaN when n < 10, the series is
/// constant, or it holds a non-finite value; when the maximisation did not converge they are those of the
/// last point tried and `converged` is false — do not use them then.
struct garch_fit {
  /// Observations.
  std::size_t n = 0;
  /// μ, ω, α, β.
  double mu = std::numeric_limits<double>::quiet_NaN();
  double omega = std::numeric_limits<double>::quiet_NaN();  ///< ω.
  double alpha = std::numeric_limits<double>::quiet_NaN();  ///< α.
  double beta = std::numeric_limits<double>::quiet_NaN();   ///< β.
  /// Σ_t log φ(ε_t; 0, σ²_t), the Gaussian log-likelihood with its constants (fGarch's −llh).
  double log_likelihood = std::numeric_limits<double>::quiet_NaN();
  /// σ²_t, t = 0 … n − 1, each from data before t.
  std::vector<double> variance;
  /// σ²_n, the forecast for the period after the sample.
  double forecast_variance = std::numeric_limits<double>::quiet_NaN();
  /// m = mean(ε²), the start of the recursion (see the file comment).
  double initial_variance = std::numeric_limits<double>::quiet_NaN();
  /// Inverse-Hessian standard errors (μ, ω, α, β).
  Eigen::Vector4d standard_errors = Eigen::Vector4d::Constant(std::numeric_limits<double>::quiet_NaN());
  /// Sandwich standard errors (μ, ω, α, β).
  Eigen::Vector4d robust_standard_errors =
      Eigen::Vector4d::Constant(std::numeric_limits<double>::quiet_NaN());
  /// The sandwich covariance.
  Eigen::Matrix4d robust_covariance = Eigen::Matrix4d::Constant(std::numeric_limits<double>::quiet_NaN());
  /// Whether the maximisation met its tolerance.
  bool converged = false;
  /// Quasi-Newton iterations.
  std::size_t iterations = 0;
};

namespace detail {

/// Gaussian GARCH(1,1) pass: returns Σ −log φ(ε_t; 0, σ²_t) and, on request, σ²_t (n + 1 values, the last
/// the forecast), the gradient of the sum with respect to (μ, ω, α, β), and each observation's gradient
/// (4×n). `m` is the starting variance; negative: mean(ε²) over the n values (then its dependence on μ
/// enters the gradient).
inline double garch_pass(const double* x, std::size_t n, const Eigen::Vector4d& theta, double m,
                         double* variance, Eigen::Vector4d* gradient,
                         Eigen::Matrix<double, 4, Eigen::Dynamic>* scores) {
  constexpr double log2pi = 1.8378770664093453;
  const double mu = theta[0], omega = theta[1], alpha = theta[2], beta = theta[3];
  double dm_dmu = 0;
  if (m < 0) {
    double sum = 0, sum_e = 0;
    for (std::size_t t = 0; t < n; ++t) {
      const double e = x[t] - mu;
      sum += e * e;
      sum_e += e;
    }
    m = sum / static_cast<double>(n);
    dm_dmu = -2 * sum_e / static_cast<double>(n);
  }
  double s2 = omega + (alpha + beta) * m;
  Eigen::Vector4d d((alpha + beta) * dm_dmu, 1.0, m, m);  // ∂σ²_0/∂θ
  const bool want_gradient = gradient != nullptr || scores != nullptr;
  if (gradient != nullptr) gradient->setZero();
  double total = 0;
  for (std::size_t t = 0; t < n; ++t) {
    if (!(s2 > 0)) return std::numeric_limits<double>::infinity();
    const double e = x[t] - mu, e2 = e * e;
    if (variance != nullptr) variance[t] = s2;
    const double inv = 1 / s2;
    total += 0.5 * (log2pi + std::log(s2) + e2 * inv);
    if (want_gradient) {
      const double w = 0.5 * (inv - e2 * inv * inv);
      Eigen::Vector4d g = w * d;
      g[0] -= e * inv;
      if (gradient != nullptr) *gradient += g;
      if (scores != nullptr) scores->col(static_cast<Eigen::Index>(t)) = g;
      d = Eigen::Vector4d(-2 * alpha * e + beta * d[0], 1 + beta * d[1], e2 + beta * d[2], s2 + beta * d[3]);
    }
    s2 = omega + alpha * e2 + beta * s2;
  }
  if (variance != nullptr) variance[n] = s2;
  return total;
}

/// Throws the library's error for a non-finite value of `name` at `index`.
inline void require_finite_series(const char* function, const char* name, const double* x, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i])) {
      HEDGEMETRICS_THROW(std::domain_error(std::string(function) + ": " + name + "[" + std::to_string(i) +
                                           "] is " + value_text(x[i]) +
                                           "; GARCH models need finite returns: drop or fill the missing "
                                           "periods first"));
    }
  }
}

/// Central-difference Hessian of a gradient function `grad(θ) -> Eigen::Vector4d`, symmetrised.
template <class Gradient>
[[nodiscard]] Eigen::Matrix4d hessian_of(Gradient&& grad, const Eigen::Vector4d& theta, int k) {
  Eigen::Matrix4d h = Eigen::Matrix4d::Zero();
  for (int i = 0; i < k; ++i) {
    const double step = 1e-5 * std::fmax(std::fabs(theta[i]), 1e-3);
    Eigen::Vector4d up = theta, down = theta;
    up[i] += step;
    down[i] -= step;
    h.col(i) = (grad(up) - grad(down)) / (2 * step);
  }
  return 0.5 * (h + h.transpose());
}

/// GARCH(1,1) QMLE on x (already finite), fGarch's way: on x/sd(x), then mapped back. A kernel of the
/// compiled mode (detail/config.hpp; Real is double): a template only so that it is compiled where used.
template <class Real>
garch_fit fit_garch_kernel(const Real* x_raw, std::size_t n, const garch_options& options);

#if HEDGEMETRICS_KERNEL_BODIES
template <class Real>
garch_fit fit_garch_kernel(const Real* x_raw, std::size_t n, const garch_options& options) {
  garch_fit out;
  out.n = n;
  if (n < 10) return out;
  double mean = 0;
  for (std::size_t i = 0; i < n; ++i) mean += x_raw[i];
  mean /= static_cast<double>(n);
  double ss = 0;
  for (std::size_t i = 0; i < n; ++i) ss += (x_raw[i] - mean) * (x_raw[i] - mean);
  const double sd = std::sqrt(ss / static_cast<double>(n - 1));
  if (!(sd > 0) || !std::isfinite(sd)) return out;
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = x_raw[i] / sd;
  const double scaled_mean = mean / sd;
  const int k = options.mean ? 4 : 3;
  // Free parameters: (μ, ω, α, β) or (ω, α, β).
  const auto full = [&](const Eigen::VectorXd& p) {
    return options.mean ? Eigen::Vector4d(p[0], p[1], p[2], p[3]) : Eigen::Vector4d(0, p[0], p[1], p[2]);
  };
  const auto objective = [&](const Eigen::VectorXd& p, Eigen::VectorXd* g) {
    Eigen::Vector4d grad;
    const double value =
        garch_pass(x.data(), n, full(p), -1, nullptr, g != nullptr ? &grad : nullptr, nullptr);
    if (g != nullptr) {
      g->resize(k);
      for (int i = 0; i < k; ++i) (*g)[i] = grad[options.mean ? i : i + 1] / static_cast<double>(n);
    }
    return value / static_cast<double>(n);
  };
  Eigen::VectorXd lower(k), upper(k);
  const double mean_bound = 10 * std::fmax(std::fabs(scaled_mean), 0.1);
  if (options.mean) lower << -mean_bound, 1e-8, 0, 0, upper << mean_bound, 100, 1, 1;
  if (!options.mean) lower << 1e-8, 0, 0, upper << 100, 1, 1;
  // Start: a coarse grid on (α, β) with ω from the variance, the usual daily-returns region first.
  Eigen::VectorXd start(k);
  double best = std::numeric_limits<double>::infinity();
  for (double a : {0.05, 0.1, 0.2}) {
    for (double b : {0.6, 0.8, 0.9}) {
      Eigen::VectorXd p(k);
      if (options.mean) p << scaled_mean, 1 - a - b, a, b;
      if (!options.mean) p << 1 - a - b, a, b;
      const double value = objective(p, nullptr);
      if (value < best) best = value, start = p;
    }
  }
  optimizer_options oo;
  oo.gradient_tolerance = options.gradient_tolerance;
  oo.max_iterations = options.max_iterations;
  const optimizer_result r = minimize_bounded(objective, start, lower, upper, oo);
  out.converged = r.converged;
  out.iterations = r.iterations;
  const Eigen::Vector4d scaled = full(r.x);
  // Back to the data's units: μ·sd, ω·sd²; the likelihood loses n·log(sd) (the Jacobian).
  const Eigen::Vector4d unit(sd, sd * sd, 1, 1);
  const Eigen::Vector4d theta = scaled.cwiseProduct(unit);
  out.mu = theta[0], out.omega = theta[1], out.alpha = theta[2], out.beta = theta[3];
  out.variance.resize(n + 1);
  out.log_likelihood = -garch_pass(x_raw, n, theta, -1, out.variance.data(), nullptr, nullptr);
  out.forecast_variance = out.variance[n];
  out.variance.pop_back();
  double m = 0;
  for (std::size_t i = 0; i < n; ++i) m += (x_raw[i] - out.mu) * (x_raw[i] - out.mu);
  out.initial_variance = m / static_cast<double>(n);
  // Covariances in the scaled parametrisation (better conditioned), then mapped by diag(unit).
  const auto grad_at = [&](const Eigen::Vector4d& th) {
    Eigen::Vector4d g;
    (void)garch_pass(x.data(), n, th, -1, nullptr, &g, nullptr);
    if (!options.mean) g[0] = 0;
    return g;
  };
  Eigen::Matrix4d hessian = Eigen::Matrix4d::Zero();
  const int first = options.mean ? 0 : 1;
  {
    // Differentiate only the free parameters; a fixed μ keeps a unit diagonal so the inverse exists.
    Eigen::Matrix4d h = Eigen::Matrix4d::Zero();
    for (int i = first; i < 4; ++i) {
      const double step = 1e-5 * std::fmax(std::fabs(scaled[i]), 1e-3);
      Eigen::Vector4d up = scaled, down = scaled;
      up[i] += step;
      down[i] -= step;
      h.col(i) = (grad_at(up) - grad_at(down)) / (2 * step);
    }
    hessian = 0.5 * (h + h.transpose());
    if (!options.mean) hessian(0, 0) = 1;
  }
  Eigen::Matrix<double, 4, Eigen::Dynamic> scores(4, static_cast<Eigen::Index>(n));
  (void)garch_pass(x.data(), n, scaled, -1, nullptr, nullptr, &scores);
  if (!options.mean) scores.row(0).setZero();
  const Eigen::Matrix4d meat = scores * scores.transpose();
  const Eigen::Matrix4d inverse = hessian.inverse();
  const Eigen::Matrix4d scale = unit.asDiagonal();
  const Eigen::Matrix4d naive = scale * inverse * scale;
  out.robust_covariance = scale * (inverse * meat * inverse) * scale;
  for (int i = 0; i < 4; ++i) {
    out.standard_errors[i] = std::sqrt(naive(i, i));
    out.robust_standard_errors[i] = std::sqrt(out.robust_covariance(i, i));
  }
  if (!options.mean) {
    out.standard_errors[0] = out.robust_standard_errors[0] = std::numeric_limits<double>::quiet_NaN();
    out.robust_covariance.row(0).setConstant(std::numeric_limits<double>::quiet_NaN());
    out.robust_covariance.col(0).setConstant(std::numeric_limits<double>::quiet_NaN());
  }
  return out;
}
#endif  // HEDGEMETRICS_KERNEL_BODIES
#if defined(HEDGEMETRICS_COMPILED)
HEDGEMETRICS_INSTANTIATE garch_fit fit_garch_kernel<double>(const double*, std::size_t, const garch_options&);
#endif

}  // namespace detail

namespace detail {

/// The figures of a GARCH fit of returns divided by 2^e, at the returns' own size: μ by 2^e, ω and the
/// variances by 2^2e, the log-likelihood less n·e·ln 2 (each rounded once by ldexp: 0 or +inf where the
/// true figure is out of range).
inline void scale_back(garch_fit& fit, int e) {
  const int powers[4] = {e, 2 * e, 0, 0};
  fit.mu = std::ldexp(fit.mu, e);
  fit.omega = std::ldexp(fit.omega, 2 * e);
  for (double& value : fit.variance) value = std::ldexp(value, 2 * e);
  fit.forecast_variance = std::ldexp(fit.forecast_variance, 2 * e);
  fit.initial_variance = std::ldexp(fit.initial_variance, 2 * e);
  fit.log_likelihood -= static_cast<double>(fit.n) * e * 0.69314718055994530942;
  for (int i = 0; i < 4; ++i) {
    fit.standard_errors[i] = std::ldexp(fit.standard_errors[i], powers[i]);
    fit.robust_standard_errors[i] = std::ldexp(fit.robust_standard_errors[i], powers[i]);
    for (int j = 0; j < 4; ++j)
      fit.robust_covariance(i, j) = std::ldexp(fit.robust_covariance(i, j), powers[i] + powers[j]);
  }
}

}  // namespace detail

/// Fits GARCH(1,1) to `returns` by Gaussian QMLE, as R's fGarch::garchFit(~garch(1, 1), cond.dist = "norm")
/// does: the series is scaled to unit standard deviation, the likelihood maximised over μ ∈ ±10·max(|x̄|,
/// 0.1 sd), ω ∈ [1e-8, 100]·sd², α, β ∈ [0, 1] by the bounded quasi-Newton minimiser with an analytic
/// gradient (α + β < 1 is not imposed, as fGarch does not: check the persistence), and mapped back.
/// See garch_fit for the figures and their standard errors.
///
/// \param returns any contiguous series (returns or price changes; percent returns keep ω readable).
/// \returns garch_fit; `converged` false when the maximisation failed (see there).
/// \throws std::domain_error when a value is not finite (the message names the index).
template <class Returns>
[[nodiscard]] garch_fit fit_garch(const Returns& returns, const garch_options& options = {}) {
  constexpr const char* function = "hedgemetrics::fit_garch";
  const auto v = detail::view_of(returns, function, "returns");
  std::vector<double> x(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) x[i] = static_cast<double>(v[i]);
  detail::require_finite_series(function, "returns", x.data(), x.size());
  // Range (detail/range.hpp): returns whose spread is beyond 2^±64 are fitted divided by its power of two
  // (exact), and the figures multiplied back: μ by 2^e, ω and the variances by 2^2e, the log-likelihood
  // less n·e·ln 2. (The kernel's own scaling to unit standard deviation squares the spread: returns near
  // 1e±300 gave NaN figures, near 1e-90 a log-likelihood off by 1e19.)
  const int e = detail::significant_exponent(detail::deviation_exponent<double>(x.data(), x.size()));
  if (e == 0) return detail::fit_garch_kernel(x.data(), x.size(), options);
  for (double& value : x) value = std::ldexp(value, -e);
  garch_fit fit = detail::fit_garch_kernel(x.data(), x.size(), options);
  detail::scale_back(fit, e);
  return fit;
}

/// The bivariate conditional-correlation hedge: both margins, the correlation model and the ratio path.
///
/// `ratio[t]` = ρ_t σ_{S,t}/σ_{F,t} for t = 0 … n − 1, each from data before t: the minimum-variance ratio
/// to hold over period t; `forecast_ratio` is the one for period n. For CCC, ρ_t = ρ. The DCC parameters'
/// `robust_standard_errors` are the two-step sandwich errors of Engle (2002, §3) (Newey & McFadden 1994,
/// Theorem 6.1): the stacked scores of both steps, and the cross-derivative of the second step's score
/// with respect to the GARCH parameters, so the first step's estimation error is included.
struct conditional_correlation_hedge {
  /// The GARCH(1,1) fit of the exposure's returns.
  garch_fit exposure;
  /// The GARCH(1,1) fit of the hedge's returns.
  garch_fit hedge;
  /// DCC's a (0 for CCC).
  double a = 0;
  /// DCC's b (0 for CCC).
  double b = 0;
  /// Two-step sandwich standard errors of (a, b) (NaN for CCC).
  Eigen::Vector2d robust_standard_errors =
      Eigen::Vector2d::Constant(std::numeric_limits<double>::quiet_NaN());
  /// Q̄₁₂/√(Q̄₁₁Q̄₂₂), the correlation of the standardised residuals u = ε/σ (about zero-mean, so the
  /// second moments are not centred, as in Engle 2002): CCC's ρ, and DCC's long-run correlation.
  double correlation = std::numeric_limits<double>::quiet_NaN();
  /// Q̄ = (Q̄₁₁, Q̄₁₂, Q̄₂₂), the second moments of the standardised residuals: DCC's target.
  Eigen::Vector3d second_moments = Eigen::Vector3d::Constant(std::numeric_limits<double>::quiet_NaN());
  /// The correlation part of the log-likelihood at (a, b) (Engle 2002, eq. 26), 0 at a = b = 0.
  double correlation_log_likelihood = std::numeric_limits<double>::quiet_NaN();
  /// ρ_t, t = 0 … n − 1.
  std::vector<double> conditional_correlation;
  /// h_t = ρ_t σ_{S,t}/σ_{F,t}, t = 0 … n − 1.
  std::vector<double> ratio;
  /// h_n, the ratio for the period after the sample.
  double forecast_ratio = std::numeric_limits<double>::quiet_NaN();
  /// Whether every maximisation (both GARCH fits, and (a, b) for DCC) converged.
  bool converged = false;
};

namespace detail {

/// Σ over t of −ℓ_t, ℓ_t = −½(log(1 − ρ_t²) + (u₁² + u₂² − 2ρ_t u₁u₂)/(1 − ρ_t²) − u₁² − u₂²) for the DCC(1,1)
/// recursion; ρ_t (n + 1 values) and the per-observation terms on request. +∞ outside a, b ≥ 0, a + b < 1.
inline double dcc_pass(const double* u1, const double* u2, std::size_t n, double a, double b,
                       const double* qbar, double* rho, double* terms) {
  if (!(a >= 0 && b >= 0 && a + b < 1)) return std::numeric_limits<double>::infinity();
  const double c = 1 - a - b;
  double q11 = qbar[0], q12 = qbar[1], q22 = qbar[2];
  double total = 0;
  for (std::size_t t = 0; t < n; ++t) {
    const double r = q12 / std::sqrt(q11 * q22);
    if (rho != nullptr) rho[t] = r;
    const double one = 1 - r * r;
    if (!(one > 0)) return std::numeric_limits<double>::infinity();
    const double x = u1[t], y = u2[t];
    const double term = 0.5 * (std::log(one) + (x * x + y * y - 2 * r * x * y) / one - x * x - y * y);
    total += term;
    if (terms != nullptr) terms[t] = term;
    q11 = c * qbar[0] + a * x * x + b * q11;
    q12 = c * qbar[1] + a * x * y + b * q12;
    q22 = c * qbar[2] + a * y * y + b * q22;
  }
  if (rho != nullptr) rho[n] = q12 / std::sqrt(q11 * q22);
  return total;
}

/// Standardised residuals u_t = (x_t − μ)/σ_t of a GARCH(1,1) with parameters θ (m: mean(ε²) over x).
inline void standardise(const double* x, std::size_t n, const Eigen::Vector4d& theta,
                        std::vector<double>& u) {
  std::vector<double> s2(n + 1);
  (void)garch_pass(x, n, theta, -1, s2.data(), nullptr, nullptr);
  u.resize(n);
  for (std::size_t t = 0; t < n; ++t) u[t] = (x[t] - theta[0]) / std::sqrt(s2[t]);
}

inline void second_moment(const std::vector<double>& u1, const std::vector<double>& u2, double* qbar) {
  const std::size_t n = u1.size();
  qbar[0] = qbar[1] = qbar[2] = 0;
  for (std::size_t t = 0; t < n; ++t)
    qbar[0] += u1[t] * u1[t], qbar[1] += u1[t] * u2[t], qbar[2] += u2[t] * u2[t];
  for (int i = 0; i < 3; ++i) qbar[i] /= static_cast<double>(n);
}

}  // namespace detail

/// Which conditional-correlation model dcc_hedge fits.
enum class correlation_model {
  constant,  ///< CCC (Bollerslev 1990): ρ the (uncentred) correlation of the standardised residuals.
  dynamic    ///< DCC(1,1) (Engle 2002), two-step.
};

namespace detail {

/// dcc_hedge on finite double series of one length: the kernel behind it (compiled mode, detail/config.hpp:
/// Real is double, a template only so that it is compiled where used).
template <class Real>
conditional_correlation_hedge dcc_kernel(const std::vector<Real>& s, const std::vector<Real>& f,
                                         correlation_model model, const garch_options& options);

}  // namespace detail

/// Conditional-correlation hedge ratio of `exposure` returns with `hedge` returns (see the file comment
/// and conditional_correlation_hedge). Step 1: fit_garch on each series; step 2 (DCC): (a, b) maximise the
/// correlation log-likelihood over a, b ≥ 0, a + b < 1 by the bounded quasi-Newton minimiser from the best
/// point of a small grid. Cost: O(n) per likelihood evaluation; about 2 ms for 10⁴ pairs (bench_models).
///
/// \throws std::invalid_argument when the lengths differ; std::domain_error for a non-finite value.
template <class Exposure, class Hedge>
[[nodiscard]] conditional_correlation_hedge dcc_hedge(const Exposure& exposure, const Hedge& hedge,
                                                      correlation_model model = correlation_model::dynamic,
                                                      const garch_options& options = {}) {
  constexpr const char* function = "hedgemetrics::dcc_hedge";
  const auto sv = detail::view_of(exposure, function, "exposure");
  const auto fv = detail::view_of(hedge, function, "hedge");
  detail::require_same_length(function, "exposure", sv.size(), "hedge", fv.size());
  const std::size_t n = sv.size();
  std::vector<double> s(n), f(n);
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<double>(sv[i]), f[i] = static_cast<double>(fv[i]);
  detail::require_finite_series(function, "exposure", s.data(), n);
  detail::require_finite_series(function, "hedge", f.data(), n);
  // Range, as fit_garch: series beyond 2^±64 are fitted divided by the powers of two of their spreads,
  // the margins and the ratio multiplied back (the correlation model works on standardised residuals and
  // is the same either way). Series near 1e±270 gave an empty result.
  const int es = detail::significant_exponent(detail::deviation_exponent<double>(s.data(), n));
  const int ef = detail::significant_exponent(detail::deviation_exponent<double>(f.data(), n));
  if (es == 0 && ef == 0) return detail::dcc_kernel(s, f, model, options);
  for (double& value : s) value = std::ldexp(value, -es);
  for (double& value : f) value = std::ldexp(value, -ef);
  conditional_correlation_hedge out = detail::dcc_kernel(s, f, model, options);
  detail::scale_back(out.exposure, es);
  detail::scale_back(out.hedge, ef);
  for (double& value : out.ratio) value = std::ldexp(value, es - ef);
  out.forecast_ratio = std::ldexp(out.forecast_ratio, es - ef);
  return out;
}

#if HEDGEMETRICS_KERNEL_BODIES
namespace detail {

template <class Real>
conditional_correlation_hedge dcc_kernel(const std::vector<Real>& s, const std::vector<Real>& f,
                                         correlation_model model, const garch_options& options) {
  const std::size_t n = s.size();
  conditional_correlation_hedge out;
  out.exposure = detail::fit_garch_kernel(s.data(), n, options);
  out.hedge = detail::fit_garch_kernel(f.data(), n, options);
  if (std::isnan(out.exposure.omega) || std::isnan(out.hedge.omega)) return out;
  const Eigen::Vector4d th1(out.exposure.mu, out.exposure.omega, out.exposure.alpha, out.exposure.beta);
  const Eigen::Vector4d th2(out.hedge.mu, out.hedge.omega, out.hedge.alpha, out.hedge.beta);
  std::vector<double> u1, u2;
  detail::standardise(s.data(), n, th1, u1);
  detail::standardise(f.data(), n, th2, u2);
  double qbar[3];
  detail::second_moment(u1, u2, qbar);
  out.correlation = qbar[1] / std::sqrt(qbar[0] * qbar[2]);
  out.second_moments = Eigen::Vector3d(qbar[0], qbar[1], qbar[2]);
  out.converged = out.exposure.converged && out.hedge.converged;
  out.conditional_correlation.assign(n + 1, out.correlation);
  if (model == correlation_model::dynamic) {
    const auto objective = [&](const Eigen::VectorXd& p, Eigen::VectorXd* g) {
      const auto value = [&](const Eigen::VectorXd& q) {
        return detail::dcc_pass(u1.data(), u2.data(), n, q[0], q[1], qbar, nullptr, nullptr) /
               static_cast<double>(n);
      };
      const double v = value(p);
      if (g != nullptr) {
        // Inside a + b < 1 by a margin, so central differences stay in the domain.
        *g = detail::numeric_gradient(value, p, Eigen::Vector2d(0, 0),
                                      Eigen::Vector2d(1 - p[1] - 1e-9, 1 - p[0] - 1e-9), 1e-2);
      }
      return v;
    };
    Eigen::VectorXd start(2);
    double best = std::numeric_limits<double>::infinity();
    for (double a : {0.01, 0.03, 0.06}) {
      for (double b : {0.5, 0.8, 0.9, 0.95}) {
        Eigen::VectorXd p(2);
        p << a, b;
        const double v = objective(p, nullptr);
        if (v < best) best = v, start = p;
      }
    }
    detail::optimizer_options oo;
    oo.gradient_tolerance = options.gradient_tolerance;
    oo.max_iterations = options.max_iterations;
    const detail::optimizer_result r =
        detail::minimize_bounded(objective, start, Eigen::Vector2d(0, 0), Eigen::Vector2d(0.999, 0.999), oo);
    out.converged = out.converged && r.converged;
    out.a = r.x[0];
    out.b = r.x[1];
    out.correlation_log_likelihood = -detail::dcc_pass(u1.data(), u2.data(), n, out.a, out.b, qbar,
                                                       out.conditional_correlation.data(), nullptr);
    // Two-step sandwich (Newey & McFadden 1994, Theorem 6.1), θ = (θ_S, θ_F, a, b), all derivatives of the
    // negative log-likelihood terms: A = [[A11, 0], [A21, A22]], B = Σ g_t g_tᵀ, V = A⁻¹BA⁻ᵀ.
    const auto dcc_terms_at = [&](const Eigen::Vector4d& t1, const Eigen::Vector4d& t2, double a, double b,
                                  std::vector<double>& terms) {
      std::vector<double> v1, v2;
      detail::standardise(s.data(), n, t1, v1);
      detail::standardise(f.data(), n, t2, v2);
      double qb[3];
      detail::second_moment(v1, v2, qb);
      terms.resize(n);
      return detail::dcc_pass(v1.data(), v2.data(), n, a, b, qb, nullptr, terms.data());
    };
    const double ha = 1e-5 * std::fmax(out.a, 1e-2), hb = 1e-5 * std::fmax(out.b, 1e-2);
    // Per-observation second-step scores g2_t and the second-step score sum as a function of θ.
    const auto step2_scores = [&](const Eigen::Vector4d& t1, const Eigen::Vector4d& t2,
                                  Eigen::MatrixXd* per_t) {
      std::vector<double> ap, am, bp, bm;
      dcc_terms_at(t1, t2, out.a + ha, out.b, ap);
      dcc_terms_at(t1, t2, out.a - ha, out.b, am);
      dcc_terms_at(t1, t2, out.a, out.b + hb, bp);
      dcc_terms_at(t1, t2, out.a, out.b - hb, bm);
      Eigen::Vector2d total(0, 0);
      for (std::size_t t = 0; t < n; ++t) {
        const double ga = (ap[t] - am[t]) / (2 * ha), gb = (bp[t] - bm[t]) / (2 * hb);
        total[0] += ga, total[1] += gb;
        if (per_t != nullptr)
          (*per_t)(0, static_cast<Eigen::Index>(t)) = ga, (*per_t)(1, static_cast<Eigen::Index>(t)) = gb;
      }
      return total;
    };
    if (out.a > 0 && out.b > 0 && out.a + out.b < 1 - 2e-5) {
      Eigen::MatrixXd g(10, static_cast<Eigen::Index>(n));
      Eigen::Matrix<double, 4, Eigen::Dynamic> sc(4, static_cast<Eigen::Index>(n));
      (void)detail::garch_pass(s.data(), n, th1, -1, nullptr, nullptr, &sc);
      g.topRows(4) = sc;
      (void)detail::garch_pass(f.data(), n, th2, -1, nullptr, nullptr, &sc);
      g.middleRows(4, 4) = sc;
      Eigen::MatrixXd g2(2, static_cast<Eigen::Index>(n));
      (void)step2_scores(th1, th2, &g2);
      g.bottomRows(2) = g2;
      if (!options.mean) g.row(0).setZero(), g.row(4).setZero();
      Eigen::MatrixXd a_mat = Eigen::MatrixXd::Zero(10, 10);
      const auto garch_grad = [&](const double* x, const Eigen::Vector4d& th) {
        Eigen::Vector4d gg;
        (void)detail::garch_pass(x, n, th, -1, nullptr, &gg, nullptr);
        return gg;
      };
      a_mat.block(0, 0, 4, 4) =
          detail::hessian_of([&](const Eigen::Vector4d& th) { return garch_grad(s.data(), th); }, th1, 4);
      a_mat.block(4, 4, 4, 4) =
          detail::hessian_of([&](const Eigen::Vector4d& th) { return garch_grad(f.data(), th); }, th2, 4);
      for (int i = 0; i < 8; ++i) {
        Eigen::Vector4d p1 = th1, p2 = th2, m1 = th1, m2 = th2;
        const double base = i < 4 ? th1[i] : th2[i - 4];
        const double step = 1e-5 * std::fmax(std::fabs(base), 1e-4);
        if (i < 4)
          p1[i] += step, m1[i] -= step;
        else
          p2[i - 4] += step, m2[i - 4] -= step;
        // Element by element: GCC 12 at -O3 -march=native warns (-Warray-bounds, a false positive) on a
        // 4-wide load from the difference of two Vector2d.
        const Eigen::Vector2d up = step2_scores(p1, p2, nullptr), down = step2_scores(m1, m2, nullptr);
        a_mat(8, i) = (up[0] - down[0]) / (2 * step);
        a_mat(9, i) = (up[1] - down[1]) / (2 * step);
      }
      {  // A22 by differences of the step-2 gradient in (a, b).
        const auto sum = [&](double a, double b) {
          std::vector<double> t;
          return dcc_terms_at(th1, th2, a, b, t);
        };
        const double f0 = sum(out.a, out.b);
        a_mat(8, 8) = (sum(out.a + ha, out.b) - 2 * f0 + sum(out.a - ha, out.b)) / (ha * ha);
        a_mat(9, 9) = (sum(out.a, out.b + hb) - 2 * f0 + sum(out.a, out.b - hb)) / (hb * hb);
        a_mat(8, 9) = a_mat(9, 8) = (sum(out.a + ha, out.b + hb) - sum(out.a + ha, out.b - hb) -
                                     sum(out.a - ha, out.b + hb) + sum(out.a - ha, out.b - hb)) /
                                    (4 * ha * hb);
      }
      if (!options.mean) {
        a_mat.row(0).setZero(), a_mat.col(0).setZero(), a_mat(0, 0) = 1;
        a_mat.row(4).setZero(), a_mat.col(4).setZero(), a_mat(4, 4) = 1;
      }
      const Eigen::MatrixXd inverse = a_mat.inverse();
      const Eigen::MatrixXd v = inverse * (g * g.transpose()) * inverse.transpose();
      out.robust_standard_errors = Eigen::Vector2d(std::sqrt(v(8, 8)), std::sqrt(v(9, 9)));
    }
  } else {
    out.correlation_log_likelihood = -detail::dcc_pass(u1.data(), u2.data(), n, 0, 0, qbar, nullptr, nullptr);
  }
  out.ratio.resize(n);
  std::vector<double> vs = out.exposure.variance, vf = out.hedge.variance;
  vs.push_back(out.exposure.forecast_variance);
  vf.push_back(out.hedge.forecast_variance);
  for (std::size_t t = 0; t <= n; ++t) {
    const double h = out.conditional_correlation[t] * std::sqrt(vs[t] / vf[t]);
    if (t < n)
      out.ratio[t] = h;
    else
      out.forecast_ratio = h;
  }
  out.conditional_correlation.pop_back();
  return out;
}

}  // namespace detail
#endif  // HEDGEMETRICS_KERNEL_BODIES
#if defined(HEDGEMETRICS_COMPILED)
namespace detail {
HEDGEMETRICS_INSTANTIATE conditional_correlation_hedge dcc_kernel<double>(const std::vector<double>&,
                                                                          const std::vector<double>&,
                                                                          correlation_model,
                                                                          const garch_options&);
}  // namespace detail
#endif

namespace detail {

/// Runs a fitted model's recursions, parameters fixed, over n pairs (which may extend past the estimation
/// sample): ratio[t] = ρ_t σ_{S,t}/σ_{F,t} for t = 0 … n, each from data before t. The GARCH recursions
/// start from the fit's initial variances, the correlation recursion from its Q̄.
inline void conditional_ratio_path(const conditional_correlation_hedge& fit, const double* s, const double* f,
                                   std::size_t n, double* ratio) {
  const Eigen::Vector4d th1(fit.exposure.mu, fit.exposure.omega, fit.exposure.alpha, fit.exposure.beta);
  const Eigen::Vector4d th2(fit.hedge.mu, fit.hedge.omega, fit.hedge.alpha, fit.hedge.beta);
  std::vector<double> v1(n + 1), v2(n + 1), u1(n), u2(n),
      rho(n + 1, std::numeric_limits<double>::quiet_NaN());
  (void)garch_pass(s, n, th1, fit.exposure.initial_variance, v1.data(), nullptr, nullptr);
  (void)garch_pass(f, n, th2, fit.hedge.initial_variance, v2.data(), nullptr, nullptr);
  for (std::size_t t = 0; t < n; ++t) {
    u1[t] = (s[t] - th1[0]) / std::sqrt(v1[t]);
    u2[t] = (f[t] - th2[0]) / std::sqrt(v2[t]);
  }
  const double qbar[3] = {fit.second_moments[0], fit.second_moments[1], fit.second_moments[2]};
  (void)dcc_pass(u1.data(), u2.data(), n, fit.a, fit.b, qbar, rho.data(), nullptr);
  for (std::size_t t = 0; t <= n; ++t) ratio[t] = rho[t] * std::sqrt(v1[t] / v2[t]);
}

}  // namespace detail

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_GARCH_HEDGE_HPP
