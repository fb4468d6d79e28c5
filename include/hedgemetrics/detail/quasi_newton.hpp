// SPDX-License-Identifier: MIT
/// \file
/// A small bounded quasi-Newton minimiser (projected BFGS with an active set and a backtracking Armijo
/// search) for the 1–10 parameters of the model-based hedge ratios: the Kalman filter's noise variances,
/// GARCH(1,1) and DCC(1,1) by quasi-maximum likelihood. It never hands back numbers without saying whether
/// they are a minimum: `converged` is true only when the projected gradient is below the tolerance.
///
/// Method: Bertsekas (1982), "Projected Newton methods for optimization problems with simple constraints",
/// SIAM J. Control Optim. 20(2) — the variables at a bound whose gradient pushes outwards are held fixed,
/// the others take a BFGS step (Nocedal & Wright, Numerical Optimization, 2nd ed., §6.1, eq. 6.17; first
/// step scaled by eq. 6.20) projected back onto the box, with Armijo backtracking along the projection arc.
#ifndef HEDGEMETRICS_DETAIL_QUASI_NEWTON_HPP
#define HEDGEMETRICS_DETAIL_QUASI_NEWTON_HPP

#include <Eigen/Dense>

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>

#include "hedgemetrics/detail/config.hpp"

namespace hedgemetrics::detail {

/// Why the minimiser stopped.
enum class optimizer_status {
  converged,           ///< The projected gradient is below the tolerance: a (local) minimum in the box.
  max_iterations,      ///< The iteration limit was reached first.
  line_search_failed,  ///< No step decreased the objective, even along the steepest descent.
  nonfinite_start      ///< The objective or its gradient is not finite at the starting point.
};

/// Options of minimize_bounded.
struct optimizer_options {
  /// Stop when max_i |P(x − ∇f) − x|_i ≤ gradient_tolerance (P the projection onto the box).
  double gradient_tolerance = 1e-7;
  /// Iteration limit.
  std::size_t max_iterations = 500;
};

/// The outcome of minimize_bounded: the last point, its value and gradient, and whether it is a minimum.
struct optimizer_result {
  Eigen::VectorXd x;  ///< The last accepted point (the minimum when converged).
  double value = std::numeric_limits<double>::quiet_NaN();               ///< f(x).
  Eigen::VectorXd gradient;                                              ///< ∇f(x).
  double projected_gradient = std::numeric_limits<double>::quiet_NaN();  ///< max |P(x − ∇f) − x|.
  std::size_t iterations = 0;                                            ///< Quasi-Newton iterations taken.
  std::size_t evaluations = 0;                                           ///< Calls of the objective.
  optimizer_status status = optimizer_status::nonfinite_start;           ///< Why it stopped.
  bool converged = false;                                                ///< status == converged.
};

/// Central-difference gradient of `f` (a `double(const Eigen::VectorXd&)`), one-sided where a central step
/// would leave the box; the step h_i = ε^{1/3}·max(|x_i|, scale_i) balances rounding and truncation error
/// (Nocedal & Wright §8.1).
template <class Function>
[[nodiscard]] Eigen::VectorXd numeric_gradient(Function&& f, const Eigen::VectorXd& x,
                                               const Eigen::VectorXd& lower, const Eigen::VectorXd& upper,
                                               double scale = 1e-3) {
  const Eigen::Index k = x.size();
  Eigen::VectorXd g(k);
  const double root3_eps = 6.0554544523933395e-06;  // cbrt(DBL_EPSILON)
  for (Eigen::Index i = 0; i < k; ++i) {
    const double h = root3_eps * std::fmax(std::fabs(x[i]), scale);
    Eigen::VectorXd up = x, down = x;
    double step_up = h, step_down = h;
    if (x[i] + h > upper[i]) step_up = 0;
    if (x[i] - h < lower[i]) step_down = 0;
    if (step_up == 0 && step_down == 0) {
      g[i] = 0;
      continue;
    }
    if (step_up == 0 || step_down == 0) {  // one-sided, second order: (−3f0 + 4f1 − f2)/(2h)
      const double s = step_up == 0 ? -h : h;
      Eigen::VectorXd one = x, two = x;
      one[i] += s;
      two[i] += 2 * s;
      if (two[i] > upper[i] || two[i] < lower[i]) {
        g[i] = (f(one) - f(x)) / s;
      } else {
        g[i] = (-3 * f(x) + 4 * f(one) - f(two)) / (2 * s);
      }
      continue;
    }
    up[i] += step_up;
    down[i] -= step_down;
    g[i] = (f(up) - f(down)) / (step_up + step_down);
  }
  return g;
}

/// Minimises f over the box lower ≤ x ≤ upper from x0 (projected into the box first). `objective(x, g)`
/// returns f(x) and, when `g` is not null, writes ∇f(x) into *g (resized by the caller to x's size).
/// An objective may return +∞ (or NaN) outside its domain (a non-stationary GARCH): the search then backs
/// off. Bounds may be ±∞.
///
/// \returns optimizer_result; `converged` is false, and `status` says why, when the tolerance was not met.
/// \throws std::invalid_argument when the sizes of x0, lower and upper differ, or lower_i > upper_i.
template <class Objective>
[[nodiscard]] optimizer_result minimize_bounded(Objective&& objective, Eigen::VectorXd x0,
                                                const Eigen::VectorXd& lower, const Eigen::VectorXd& upper,
                                                const optimizer_options& options = {}) {
  const Eigen::Index k = x0.size();
  if (lower.size() != k || upper.size() != k) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        "hedgemetrics::detail::minimize_bounded: x0 has " + std::to_string(k) + " values, lower " +
        std::to_string(lower.size()) + " and upper " + std::to_string(upper.size())));
  }
  for (Eigen::Index i = 0; i < k; ++i) {
    if (!(lower[i] <= upper[i])) {
      HEDGEMETRICS_THROW(std::invalid_argument("hedgemetrics::detail::minimize_bounded: lower[" +
                                               std::to_string(i) + "] exceeds upper[" + std::to_string(i) +
                                               "]"));
    }
  }
  const auto project = [&](Eigen::VectorXd v) {
    for (Eigen::Index i = 0; i < k; ++i) v[i] = std::fmin(std::fmax(v[i], lower[i]), upper[i]);
    return v;
  };
  const auto projected_gradient = [&](const Eigen::VectorXd& x, const Eigen::VectorXd& g) {
    return k == 0 ? 0.0 : (project(x - g) - x).cwiseAbs().maxCoeff();
  };
  optimizer_result r;
  r.x = project(std::move(x0));
  r.gradient = Eigen::VectorXd::Zero(k);
  r.value = objective(r.x, &r.gradient);
  r.evaluations = 1;
  if (!std::isfinite(r.value) || !r.gradient.allFinite()) {
    r.status = optimizer_status::nonfinite_start;
    return r;
  }
  Eigen::MatrixXd inverse_hessian = Eigen::MatrixXd::Identity(k, k);
  bool identity = true;  // inverse_hessian is still the unscaled identity
  Eigen::VectorXd g_new(k);
  for (;;) {
    r.projected_gradient = projected_gradient(r.x, r.gradient);
    if (r.projected_gradient <= options.gradient_tolerance) {
      r.status = optimizer_status::converged;
      r.converged = true;
      return r;
    }
    if (r.iterations >= options.max_iterations) {
      r.status = optimizer_status::max_iterations;
      return r;
    }
    ++r.iterations;
    // Active set (Bertsekas 1982): at a bound, with the gradient pointing out of the box.
    Eigen::Array<bool, Eigen::Dynamic, 1> active(k);
    const double margin = 1e-12;
    for (Eigen::Index i = 0; i < k; ++i) {
      const double room = margin * (1 + std::fabs(r.x[i]));
      active[i] = (r.x[i] <= lower[i] + room && r.gradient[i] > 0) ||
                  (r.x[i] >= upper[i] - room && r.gradient[i] < 0);
    }
    bool accepted = false;
    Eigen::VectorXd x_new;
    double f_new = 0;
    for (int attempt = 0; attempt < 2 && !accepted; ++attempt) {
      Eigen::VectorXd direction = Eigen::VectorXd::Zero(k);
      for (Eigen::Index i = 0; i < k; ++i) {
        if (active[i]) continue;
        for (Eigen::Index j = 0; j < k; ++j) {
          if (!active[j]) direction[i] -= inverse_hessian(i, j) * r.gradient[j];
        }
      }
      if (!(direction.dot(r.gradient) < 0)) {  // not a descent direction: restart from steepest descent
        inverse_hessian.setIdentity();
        identity = true;
        for (Eigen::Index i = 0; i < k; ++i) direction[i] = active[i] ? 0.0 : -r.gradient[i];
      }
      // Without curvature information (the start, a restart, or a concave stretch where sᵀy ≤ 0 leaves
      // the model unscaled) the first trial moves 1 in the largest coordinate, whatever the gradient's
      // size: a tiny gradient on a flat likelihood must not mean tiny steps forever.
      double step = identity ? 1.0 / direction.cwiseAbs().maxCoeff() : 1.0;
      for (int halving = 0; halving < 80; ++halving, step *= 0.5) {
        x_new = project(r.x + step * direction);
        const double decrease = r.gradient.dot(x_new - r.x);
        if (x_new == r.x) break;
        f_new = objective(x_new, &g_new);
        ++r.evaluations;
        if (!std::isfinite(f_new) || !g_new.allFinite()) continue;
        if (f_new <= r.value + 1e-4 * decrease) {
          accepted = true;
          break;
        }
        // Near the minimum a sum of many terms (a likelihood) cannot show a decrease below its rounding
        // noise: accept Hager & Zhang's approximate Wolfe step (SIAM J. Optim. 16(1), 2005, eq. 4.1) —
        // f no higher than the noise level allows and the slope along the step reduced to at most 0.8 of
        // its size, with the sign kept or reversed by less than 0.9: (2δ − 1)φ'(0) ≥ φ'(α) ≥ σφ'(0).
        const double slope0 = decrease, slope = g_new.dot(x_new - r.x);
        if (f_new <= r.value + 1e-13 * std::fabs(r.value) && slope <= -0.8 * slope0 &&
            slope >= 0.9 * slope0) {
          accepted = true;
          break;
        }
      }
      if (!accepted) {
        if (identity) break;
        inverse_hessian.setIdentity();  // the quasi-Newton model misled the search: retry along −∇f
        identity = true;
      }
    }
    if (!accepted) {
      r.status = optimizer_status::line_search_failed;
      return r;
    }
    const Eigen::VectorXd s = x_new - r.x;
    const Eigen::VectorXd y = g_new - r.gradient;
    const double sy = s.dot(y);
    if (sy > 1e-12 * s.norm() * y.norm()) {
      if (identity) inverse_hessian *= sy / y.squaredNorm();  // Nocedal & Wright eq. 6.20
      const double rho = 1 / sy;
      const Eigen::MatrixXd left = Eigen::MatrixXd::Identity(k, k) - rho * s * y.transpose();
      inverse_hessian = left * inverse_hessian * left.transpose() + rho * s * s.transpose();
      identity = false;
    }
    r.x = x_new;
    r.value = f_new;
    r.gradient = g_new;
  }
}

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_QUASI_NEWTON_HPP
