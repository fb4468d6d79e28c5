// SPDX-License-Identifier: MIT
/// \file
/// Time-varying hedge ratio from a Kalman filter: the ratio is a random walk, observed through the
/// regression of the exposure on the hedge.
///
/// Model (Harvey 1989, Forecasting, Structural Time Series Models and the Kalman Filter, §3.3 "time-varying
/// regression"; Durbin & Koopman 2012, Time Series Analysis by State Space Methods, 2nd ed.):
/// \f[ S_t = a_t + h_t F_t + e_t,\quad e_t \sim N(0, \sigma^2_e);\qquad
///     h_t = h_{t-1} + w_t,\ w_t \sim N(0, q_h);\qquad a_t = a_{t-1} + v_t,\ v_t \sim N(0, q_a) \f]
/// (a_t ≡ 0 without intercept). The initial state is diffuse (a flat prior), handled exactly by the
/// diffuse Kalman filter of Koopman (1997), "Exact initial Kalman filtering and smoothing for nonstationary
/// time series models", JASA 92 — no "large κ" approximation. With q_a = q_h = 0 the filtered ratio at t
/// is therefore the least-squares ratio of observations 0 … t: rolling.hpp's expanding_hedge.
#ifndef HEDGEMETRICS_KALMAN_HEDGE_HPP
#define HEDGEMETRICS_KALMAN_HEDGE_HPP

#include <Eigen/Dense>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/detail/power_scale.hpp"
#include "hedgemetrics/detail/quasi_newton.hpp"
#include "hedgemetrics/hedge_ratio.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

/// Options of kalman_hedge. A variance left NaN is estimated by maximum likelihood.
struct kalman_options {
  /// Fit the random-walk intercept a_t (the default); false: S_t = h_t F_t + e_t.
  bool intercept = true;
  /// σ²_e, the observation noise variance; NaN (the default): maximum likelihood.
  double observation_variance = std::numeric_limits<double>::quiet_NaN();
  /// q_h, the variance of the ratio's step; NaN (the default): maximum likelihood. 0: a constant ratio.
  double ratio_variance = std::numeric_limits<double>::quiet_NaN();
  /// q_a, the variance of the intercept's step; 0 (the default): a constant intercept; NaN: estimated.
  /// Ignored without intercept.
  double intercept_variance = 0;
  /// Compute the smoothed states (a backward pass, O(n)).
  bool smooth = true;
  /// What non-finite values mean: propagate (every figure from the first one on is NaN), omit (the period
  /// has no observation: the filter only predicts, as for a missing value in any state-space model), raise.
  missing_data missing = missing_data::propagate;
};

/// Filtered and smoothed ratios (and intercepts) with their variances, the noise variances used, and the
/// maximum-likelihood report.
///
/// `ratio[t]` = E[h_t | S_0..t, F_0..t] and `ratio_variance[t]` its variance: the ratio a hedger knows at
/// the close of t, to hold over t + 1 (the random walk's forecast is the last filtered value).
/// `smoothed_ratio[t]` = E[h_t | all data] (Rauch, Tung & Striebel 1965). Figures are NaN while the state
/// is not yet identified (the diffuse period: the first observation with an intercept, until F_t ≠ 0
/// without), and NaN from the first non-finite value on under missing_data::propagate.
struct kalman_hedge_result {
  /// h_{t|t}, the filtered ratio.
  std::vector<double> ratio;
  /// Var(h_t | data to t).
  std::vector<double> ratio_variance;
  /// a_{t|t}, the filtered intercept (0 without intercept).
  std::vector<double> intercept;
  /// h_{t|n}, the smoothed ratio (empty unless options.smooth).
  std::vector<double> smoothed_ratio;
  /// Var(h_t | all data).
  std::vector<double> smoothed_ratio_variance;
  /// a_{t|n}, the smoothed intercept.
  std::vector<double> smoothed_intercept;
  /// One-step prediction errors v_t = S_t − a_{t|t−1} − h_{t|t−1}F_t (NaN in the diffuse period).
  std::vector<double> innovation;
  /// σ²_e used (given or estimated).
  double observation_variance = std::numeric_limits<double>::quiet_NaN();
  /// q_h used.
  double ratio_variance_noise = std::numeric_limits<double>::quiet_NaN();
  /// q_a used (0 without intercept).
  double intercept_variance_noise = std::numeric_limits<double>::quiet_NaN();
  /// The diffuse Gaussian log-likelihood −½Σ(log 2π + log F_t + v_t²/F_t) over the non-diffuse
  /// observations (Durbin & Koopman 2012, eq. 7.4, without the diffuse terms, which do not depend on the
  /// variances).
  double log_likelihood = std::numeric_limits<double>::quiet_NaN();
  /// Observations in the likelihood (the non-diffuse, finite ones).
  std::size_t observations = 0;
  /// Whether any variance was estimated.
  bool estimated = false;
  /// When estimated: whether the maximisation converged (the figures are those of the last point tried
  /// otherwise, and should not be used).
  bool converged = true;
  /// When estimated: quasi-Newton iterations.
  std::size_t iterations = 0;
};

namespace detail {

/// The likelihood sums of one filter pass: Σ log F_t, Σ v_t²/F_t and their count over the non-diffuse
/// observations.
struct kalman_sums {
  double log_f = 0, scaled_squares = 0;
  std::size_t m = 0;
};

struct kalman_path {
  double* a = nullptr;          // a_{t|t}
  double* h = nullptr;          // h_{t|t}
  double* p = nullptr;          // 3 per t: P*_{t|t} (aa, ah, hh), NaN while diffuse; null: not stored
  double* v = nullptr;          // innovation
  double* ratio_var = nullptr;  // P*_{t|t}(hh)
};

/// Σ log F over the non-diffuse steps without a log per step (the log is the filter's most expensive
/// operation): the factors are multiplied in blocks of 8, and each block's product is split into its
/// binary exponent (added to an integer) and a significand in [1, 2) that carries on; one log at the end.
/// A block whose product is not a normal number (a factor 0, subnormal, infinite or NaN, or 8 factors
/// beyond the range together) is summed factor by factor instead. The running product's relative error
/// grows by at most one rounding per factor: below 1e-10 of the significand's log over 10⁶ steps.
struct log_accumulator {
  double sum = 0, product = 1, carried = 1;
  std::int64_t exponent = 0;
  double factors[8] = {};
  int count = 0;
  void add(double x) noexcept {
    factors[count++] = x;
    product *= x;
    if (count == 8) flush();
  }
  void flush() noexcept {
    absorb(product, factors, count);
    product = 1;
    count = 0;
  }
  /// Takes in a block of `n` ≤ 8 factors and their product (formed by the caller).
  void absorb(double block, const double* x, int n) noexcept {
    std::uint64_t bits;
    std::memcpy(&bits, &block, sizeof bits);
    const auto field = static_cast<std::int64_t>((bits >> 52) & 0x7ff);
    if (field != 0 && field != 0x7ff) {
      // block = 2^(field − 1023) · significand: keep the significand, count the exponent.
      exponent += field - 1023;
      bits = (bits & 0x800fffffffffffffULL) | (std::uint64_t{1023} << 52);
      std::memcpy(&block, &bits, sizeof bits);
      carried *= block;
      std::memcpy(&bits, &carried, sizeof bits);
      exponent += static_cast<std::int64_t>((bits >> 52) & 0x7ff) - 1023;  // carried in [1, 4): 0 or 1
      bits = (bits & 0x800fffffffffffffULL) | (std::uint64_t{1023} << 52);
      std::memcpy(&carried, &bits, sizeof bits);
    } else {
      for (int i = 0; i < n; ++i) sum += std::log(x[i]);
    }
  }
  /// Σ log of every factor added (after a flush).
  [[nodiscard]] double total() const noexcept {
    return sum + static_cast<double>(exponent) * 0.69314718055994530942 + std::log(carried);
  }
};

/// The filter's state between steps: (a, h)_{t|t} and P*_{t|t}.
struct kalman_state {
  double a = 0, h = 0, paa = 0, pah = 0, phh = 0;
};

/// The non-diffuse filter from step `t` on, while the data are finite; returns the first step it did not
/// take (n, or a step with a non-finite value, left to the general loop). On entry and exit `x` holds
/// the state after step t − 1 (t ≥ 1: the diffuse start takes at least one step).
///
/// The same recursion as the general loop, arranged for speed: the step's critical path is the chain
/// F_t → 1/F_t → F_{t+1}, and F_{t+1} = σ²_e + z'ᵀP_{t+1|t}z' waits for P_{t+1|t}, itself made from
/// 1/F_t. Expanding P_{t+1|t} = P_{t|t−1} + Q − MMᵀ/F_t (M = P_{t|t−1}z) gives
///   F_{t+1} = σ²_e + z'ᵀ(P_{t|t−1} + Q)z' − (z'ᵀP_{t|t−1}z)²/F_t,
/// whose two forms z'ᵀ(P + Q)z' and z'ᵀPz are ready before 1/F_t is: the chain is one division, one
/// product and one subtraction. The subtraction cancels when z'ᵀ(P + Q)z' is large against σ²_e (just
/// after the diffuse start, say); there (above 4σ²_e) F_{t+1} is formed from P_{t+1|t} as the general loop
/// forms it.
///
/// With GCC 12 at -O2 the step is bound by that chain (a division, a product, a subtraction: about 8 ns
/// on the benchmark machine when it has a core to itself) and, on a core shared with other work, by its
/// instruction count. Rearrangements measured slower in bench_models (BM_kalman_filter_reused, interleaved
/// runs): F_{t+1} = … − g²/F_t by a second division (the divider busy twice a step); v_{t+1} from the state
/// one step older (a shorter state chain, more instructions); the state and the columns of P in pairs
/// of doubles (half the instructions, but P spilled to the stack on the chain); the finiteness checks a
/// chunk at a time with the log factors summed after it (F spilled); even the output pointers copied to
/// locals (the registers then allocated differently: 8.0 → 9.1 ns); the two forms F_{t+1} needs taken from
/// P_{t−1|t−1} with Q and σ²_e folded into constants, so that they are ready sooner (7.3 → 8.5 ns: the
/// chain was not waiting for them); and the loop compiled for AVX without FMA (three-operand instructions,
/// no register copies: no change). On the 2.6 GHz benchmark machine the chain is about 18 cycles, 7 ns.
template <bool Store, bool Intercept, class X, class Y>
std::size_t kalman_steady_steps(const X* s, const Y* f, std::size_t t, std::size_t n, double r, double qa,
                                double qh, kalman_state& x, log_accumulator& log_sum, double& squares,
                                std::size_t& m, const kalman_path& out) {
  if (!Intercept) qa = 0;
  // The block of log factors in plain locals (no address taken but the array's): kept in registers even
  // where the stores through `out` could otherwise alias them.
  log_sum.flush();
  double block = 1, factors[8];
  int in_block = 0;
  double a = x.a, h = x.h;
  double faa = x.paa, fah = x.pah, fhh = x.phh;      // P_{t−1|t−1}
  double paa = faa + qa, pah = fah, phh = fhh + qh;  // P_{t|t−1}
  const auto quadratic = [](double aa, double ah, double hh, double ft) {
    return Intercept ? aa + ft * (2 * ah + ft * hh) : ft * ft * hh;
  };
  double ft = static_cast<double>(f[t]);
  double fs = r + quadratic(paa, pah, phh, ft);
  double squares_here = squares;
  std::size_t steps = 0;
  for (; t < n; ++t) {
    const double st = static_cast<double>(s[t]);
    if (!std::isfinite(st) || !std::isfinite(ft)) break;
    const double inv = 1 / fs;
    const double msa = Intercept ? paa + pah * ft : 0.0, msh = Intercept ? pah + phh * ft : phh * ft;
    const double v = st - (Intercept ? a : 0.0) - ft * h;
    const double kv = v * inv;
    a += msa * kv;
    h += msh * kv;
    faa = paa - msa * msa * inv;
    fah = pah - msa * msh * inv;
    fhh = phh - msh * msh * inv;
    factors[in_block++] = fs;
    block *= fs;
    if (in_block == 8) {
      log_sum.absorb(block, factors, in_block);
      block = 1;
      in_block = 0;
    }
    squares_here += v * kv;
    ++steps;
    if constexpr (Store) {
      out.a[t] = a;
      out.h[t] = h;
      out.ratio_var[t] = fhh;
      if (out.p != nullptr) {
        out.p[3 * t] = faa;
        out.p[3 * t + 1] = fah;
        out.p[3 * t + 2] = fhh;
      }
      out.v[t] = v;
    }
    if (t + 1 == n) {
      t = n;
      break;
    }
    const double f1 = static_cast<double>(f[t + 1]);
    const double base = quadratic(paa + qa, pah, phh + qh, f1);  // z'ᵀ(P_{t|t−1} + Q)z'
    const double g = Intercept ? paa + pah * (ft + f1) + phh * (ft * f1) : phh * (ft * f1);  // z'ᵀP_{t|t−1}z
    paa = faa + qa;
    pah = fah;
    phh = fhh + qh;
    // A branch, not a select: a select would wait for the long form on every step.
    if (HEDGEMETRICS_LIKELY(base <= 4 * r)) {
      fs = (r + base) - (g * g) * inv;
    } else {
      fs = r + quadratic(paa, pah, phh, f1);
    }
    ft = f1;
  }
  squares = squares_here;
  log_sum.absorb(block, factors, in_block);
  m += steps;
  x = kalman_state{a, h, faa, fah, fhh};
  return t;
}

template <bool Store, class X, class Y>
kalman_sums kalman_filter_loop(const X* s, const Y* f, std::size_t n, bool intercept, bool omit, double r,
                               double qa, double qh, const kalman_path& out) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  kalman_sums sums;
  log_accumulator logs;
  double a = 0, h = 0;
  double paa = 0, pah = 0, phh = 0;                  // P*
  double iaa = intercept ? 1 : 0, iah = 0, ihh = 1;  // P∞, an orthogonal projector onto unseen directions
  int diffuse_left = intercept ? 2 : 1;
  const double c = intercept ? 1.0 : 0.0;
  if (!intercept) qa = 0;
  bool dead = false;  // propagate: a non-finite value was seen
  double squares = 0;
  std::size_t m = 0;
  for (std::size_t t = 0; t < n; ++t) {
    if (diffuse_left == 0 && !dead && t > 0) {
      // Every direction seen: the non-diffuse steps, in their own loop, until a non-finite value.
      kalman_state x{a, h, paa, pah, phh};
      t = intercept ? kalman_steady_steps<Store, true>(s, f, t, n, r, qa, qh, x, logs, squares, m, out)
                    : kalman_steady_steps<Store, false>(s, f, t, n, r, qa, qh, x, logs, squares, m, out);
      a = x.a, h = x.h, paa = x.paa, pah = x.pah, phh = x.phh;
      if (t == n) break;
    }
    if (t > 0) {
      paa += qa;
      phh += qh;
    }
    const double st = static_cast<double>(s[t]), ft = static_cast<double>(f[t]);
    double vt = nan;
    if (!std::isfinite(st) || !std::isfinite(ft)) {
      if (!omit) dead = true;
    } else if (!dead) {
      vt = st - c * a - ft * h;
      // M* = P*z, F* = zᵀP*z + σ²_e, with z = (c, F_t).
      const double msa = paa * c + pah * ft, msh = pah * c + phh * ft;
      const double fs = c * msa + ft * msh + r;
      if (diffuse_left > 0) {
        // M∞ = P∞z, F∞ = zᵀP∞z.
        const double mia = iaa * c + iah * ft, mih = iah * c + ihh * ft;
        const double fi = c * mia + ft * mih;
        if (fi > 1e-12 * (c * c + ft * ft)) {
          // Diffuse step: the limit κ → ∞ of the ordinary update (no likelihood term that depends on the
          // variances).
          const double k = vt / fi;
          a += mia * k;
          h += mih * k;
          const double w = fs / (fi * fi);
          paa += mia * mia * w - 2 * msa * mia / fi;
          pah += mia * mih * w - (msa * mih + mia * msh) / fi;
          phh += mih * mih * w - 2 * msh * mih / fi;
          if (--diffuse_left == 0) {
            iaa = iah = ihh = 0;  // every direction seen: exactly non-diffuse from here on
          } else {
            iaa -= mia * mia / fi;
            iah -= mia * mih / fi;
            ihh -= mih * mih / fi;
          }
          vt = nan;
          goto store;
        }
      }
      {
        const double inv = 1 / fs;
        const double ka = msa * inv, kh = msh * inv;
        a += ka * vt;
        h += kh * vt;
        paa -= msa * ka;
        pah -= msa * kh;
        phh -= msh * kh;
        logs.add(fs);
        squares += vt * vt * inv;
        ++m;
      }
    }
  store:
    if constexpr (Store) {
      const bool known = !dead && diffuse_left == 0;
      out.a[t] = known ? a : nan;
      out.h[t] = known ? h : nan;
      out.ratio_var[t] = known ? phh : nan;
      if (out.p != nullptr) {
        out.p[3 * t] = known ? paa : nan;
        out.p[3 * t + 1] = known ? pah : nan;
        out.p[3 * t + 2] = known ? phh : nan;
      }
      out.v[t] = dead ? nan : vt;
    }
  }
  logs.flush();
  sums.log_f = logs.total();
  sums.scaled_squares = squares;
  sums.m = m;
  return sums;
}

/// The exact diffuse Kalman filter of the time-varying regression (state (a, h), transition the identity),
/// in scalars: Koopman (1997) eqs. 2.13–2.16 for the diffuse steps, P = κP∞ + P*. With `out.h` null only
/// the likelihood sums are formed: Σ log F and Σ v²/F over the non-diffuse observations, and their count.
template <class X, class Y>
kalman_sums kalman_filter_pass(const X* s, const Y* f, std::size_t n, bool intercept, bool omit, double r,
                               double qa, double qh, const kalman_path& out) {
  if (out.h == nullptr) return kalman_filter_loop<false>(s, f, n, intercept, omit, r, qa, qh, out);
  return kalman_filter_loop<true>(s, f, n, intercept, omit, r, qa, qh, out);
}

/// Rauch–Tung–Striebel smoother for the random walk (transition I): with P_{t+1|t} = P_{t|t} + Q,
/// J_t = P_{t|t}P_{t+1|t}⁻¹, x_{t|n} = x_{t|t} + J_t(x_{t+1|n} − x_{t|t}),
/// P_{t|n} = P_{t|t} + J_t(P_{t+1|n} − P_{t+1|t})J_tᵀ (Durbin & Koopman 2012, eq. 4.70 in its RTS form).
inline void kalman_smooth(std::size_t n, bool intercept, double qa, double qh, const double* a,
                          const double* h, const double* p, double* sa, double* sh, double* sp_hh) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (n == 0) return;
  double xa = a[n - 1], xh = h[n - 1];
  double saa = p[3 * (n - 1)], sah = p[3 * (n - 1) + 1], shh = p[3 * (n - 1) + 2];
  sa[n - 1] = xa, sh[n - 1] = xh, sp_hh[n - 1] = shh;
  for (std::size_t i = n - 1; i-- > 0;) {
    const double paa = p[3 * i], pah = p[3 * i + 1], phh = p[3 * i + 2];
    if (std::isnan(h[i]) || std::isnan(xh)) {
      sa[i] = sh[i] = sp_hh[i] = nan;
      xa = xh = nan;
      continue;
    }
    double jaa = 0, jah = 0, jha = 0, jhh = 0;
    if (intercept) {
      const double baa = paa + qa, bah = pah, bhh = phh + qh;
      const double det = baa * bhh - bah * bah;
      // J = P B⁻¹ with B⁻¹ = [bhh −bah; −bah baa]/det
      jaa = (paa * bhh - pah * bah) / det;
      jah = (-paa * bah + pah * baa) / det;
      jha = (pah * bhh - phh * bah) / det;
      jhh = (-pah * bah + phh * baa) / det;
    } else {
      jhh = phh / (phh + qh);
    }
    const double da = xa - a[i], dh = xh - h[i];
    xa = a[i] + jaa * da + jah * dh;
    xh = h[i] + jha * da + jhh * dh;
    // D = P_{t+1|n} − P_{t+1|t}
    const double daa = saa - (paa + (intercept ? qa : 0)), dah = sah - pah, dhh = shh - (phh + qh);
    const double naa = paa + jaa * (daa * jaa + dah * jah) + jah * (dah * jaa + dhh * jah);
    const double nah = pah + jaa * (daa * jha + dah * jhh) + jah * (dah * jha + dhh * jhh);
    const double nhh = phh + jha * (daa * jha + dah * jhh) + jhh * (dah * jha + dhh * jhh);
    saa = naa, sah = nah, shh = nhh;
    sa[i] = xa, sh[i] = xh, sp_hh[i] = shh;
  }
}

}  // namespace detail

/// Kalman-filter hedge ratio: the filtered (and smoothed) random-walk ratio h_t of S_t = a_t + h_tF_t + e_t
/// (see the file comment for the model), with its variance, from an exact diffuse start.
///
/// Variances left NaN in `options` are estimated by maximising the diffuse log-likelihood with the bounded
/// quasi-Newton minimiser (detail/quasi_newton.hpp) over their log10 (q between 1e-12 and 1e4 times the
/// observation variance): when σ²_e is estimated it is concentrated out, σ̂²_e = Σv²/F̃/m (Harvey 1989,
/// §3.4.2), so only the ratios q/σ²_e are searched. A variance that goes to the lower bound is reported as
/// that bound (effectively 0). `converged` says whether the maximisation met its tolerance.
///
/// Cost: O(n) per likelihood evaluation, about 20 flops per observation; with every variance given, the
/// filter alone (bench_models).
///
/// \param exposure S, \param hedge F: any contiguous series (price changes or returns), the same length.
/// \param options the variances (NaN: estimated), the start, smoothing and missing-data policy.
/// \param out     receives the figures (kalman_hedge_result), reusing its vectors' storage.
/// \throws std::invalid_argument when the lengths differ, a given variance is negative or infinite, or
///         σ²_e is to be estimated while a state variance is given as a positive number (give all three,
///         or the state variances as 0 or NaN); std::domain_error under missing_data::raise.
///
/// The overload with `out` writes into a result the caller keeps: its vectors keep their capacity, so a
/// filter run again on series of the same length allocates nothing and touches no new pages (a fresh
/// result of n observations costs 4n to 7n doubles of first-touch page faults, about as much as the
/// filter itself at n = 10⁶, bench_models). Every field of `out` is overwritten.
template <class Exposure, class Hedge>
void kalman_hedge(const Exposure& exposure, const Hedge& hedge, const kalman_options& options,
                  kalman_hedge_result& out) {
  constexpr const char* function = "hedgemetrics::kalman_hedge";
  const auto s = detail::view_of(exposure, function, "exposure");
  const auto f = detail::view_of(hedge, function, "hedge");
  detail::require_same_length(function, "exposure", s.size(), "hedge", f.size());
  const std::size_t n = s.size();
  const bool with_intercept = options.intercept;
  const double qa_given = with_intercept ? options.intercept_variance : 0.0;
  const auto check = [&](double v, const char* name) {
    if (!std::isnan(v) && !(v >= 0 && std::isfinite(v))) {
      HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": " + name +
                                               " must be NaN (estimate it) or finite and not negative, "
                                               "but it is " +
                                               detail::value_text(v)));
    }
  };
  check(options.observation_variance, "options.observation_variance");
  check(options.ratio_variance, "options.ratio_variance");
  check(qa_given, "options.intercept_variance");
  const bool concentrate = std::isnan(options.observation_variance);
  if (concentrate && (options.ratio_variance > 0 || qa_given > 0)) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) +
        ": the observation variance is to be estimated (NaN) but a state variance is given as " +
        detail::value_text(options.ratio_variance > 0 ? options.ratio_variance : qa_given) +
        "; give all three variances, or leave the state variances NaN (estimated) or 0"));
  }
  if (options.missing == missing_data::raise) {
    const detail::nonfinite_position where =
        detail::find_nonfinite(0, n, detail::named_series<series_element_t<Exposure>>{"exposure", s.data()},
                               detail::named_series<series_element_t<Hedge>>{"hedge", f.data()});
    if (where.found) detail::throw_nonfinite(function, where);
  }
  // Range (detail/range.hpp): series whose spreads are beyond 2^±64 (prices or changes near 1e±300 gave
  // NaN ratios, near 1e-90 a wrong observation variance) are filtered divided by the powers of two of their
  // spreads, 2^es and 2^ef (exact), with the given variances divided alike, and every figure is multiplied
  // back: h and its variances by 2^(es − ef) and 2^2(es − ef), a and v by 2^es, σ²_e and q_a by 2^2es; the
  // log-likelihood less m·es·ln 2.
  const int es = detail::significant_exponent(detail::deviation_exponent<double>(s.data(), n, f.data()));
  const int ef = detail::significant_exponent(detail::deviation_exponent<double>(f.data(), n, s.data()));
  if (es != 0 || ef != 0) {
    const std::vector<double> scaled_s = detail::scaled_copy<double>(s.data(), n, es);
    const std::vector<double> scaled_f = detail::scaled_copy<double>(f.data(), n, ef);
    kalman_options scaled_options = options;
    scaled_options.missing =
        options.missing == missing_data::raise ? missing_data::propagate : options.missing;
    scaled_options.observation_variance = std::ldexp(options.observation_variance, -2 * es);
    scaled_options.ratio_variance = std::ldexp(options.ratio_variance, -2 * (es - ef));
    scaled_options.intercept_variance = std::ldexp(options.intercept_variance, -2 * es);
    kalman_hedge(scaled_s, scaled_f, scaled_options, out);
    const int eh = es - ef;
    for (std::vector<double>* v : {&out.ratio, &out.smoothed_ratio})
      for (double& x : *v) x = std::ldexp(x, eh);
    for (std::vector<double>* v : {&out.ratio_variance, &out.smoothed_ratio_variance})
      for (double& x : *v) x = std::ldexp(x, 2 * eh);
    for (std::vector<double>* v : {&out.intercept, &out.smoothed_intercept, &out.innovation})
      for (double& x : *v) x = std::ldexp(x, es);
    out.observation_variance = std::ldexp(out.observation_variance, 2 * es);
    out.ratio_variance_noise = std::ldexp(out.ratio_variance_noise, 2 * eh);
    out.intercept_variance_noise = std::ldexp(out.intercept_variance_noise, 2 * es);
    out.log_likelihood -= static_cast<double>(out.observations) * es * 0.69314718055994530942;
    return;
  }
  const bool omit = options.missing == missing_data::omit;
  {
    // Reset every scalar figure; the vectors are resized (keeping their capacity) below.
    kalman_hedge_result fresh;
    std::swap(fresh.ratio, out.ratio);
    std::swap(fresh.ratio_variance, out.ratio_variance);
    std::swap(fresh.intercept, out.intercept);
    std::swap(fresh.smoothed_ratio, out.smoothed_ratio);
    std::swap(fresh.smoothed_ratio_variance, out.smoothed_ratio_variance);
    std::swap(fresh.smoothed_intercept, out.smoothed_intercept);
    std::swap(fresh.innovation, out.innovation);
    out = std::move(fresh);
  }
  double r = options.observation_variance, qh = options.ratio_variance, qa = qa_given;
  const bool estimate_qh = std::isnan(qh), estimate_qa = with_intercept && std::isnan(qa);
  const bool estimate_r = concentrate;
  constexpr double log2pi = 1.8378770664093453;
  if (estimate_qh || estimate_qa || estimate_r) {
    out.estimated = true;
    // Unknowns: log10 of q_h, q_a (relative to σ²_e when it is concentrated out), and of σ²_e when it is
    // not concentrated (never: concentration is used whenever σ²_e is unknown).
    const int k = (estimate_qh ? 1 : 0) + (estimate_qa ? 1 : 0);
    // The scale of S's variance sets the absolute bounds when σ²_e is given.
    const double scale = concentrate ? 1.0 : r;
    const auto unpack = [&](const Eigen::VectorXd& x, double& qh_out, double& qa_out) {
      int i = 0;
      qh_out = estimate_qh ? scale * std::pow(10.0, x[i++]) : (concentrate ? 0.0 : qh);
      qa_out = estimate_qa ? scale * std::pow(10.0, x[i++]) : (concentrate ? 0.0 : qa);
    };
    const auto negative_loglik = [&](const Eigen::VectorXd& x) {
      double q1 = 0, q2 = 0;
      unpack(x, q1, q2);
      const double rr = concentrate ? 1.0 : r;
      const detail::kalman_sums sums = detail::kalman_filter_pass(s.data(), f.data(), n, with_intercept, omit,
                                                                  rr, q2, q1, detail::kalman_path{});
      if (sums.m == 0) return std::numeric_limits<double>::infinity();
      const double m = static_cast<double>(sums.m);
      if (concentrate) {
        const double sigma2 = sums.scaled_squares / m;
        return 0.5 * (m * (log2pi + 1 + std::log(sigma2)) + sums.log_f) / m;
      }
      return 0.5 * (m * log2pi + sums.log_f + sums.scaled_squares) / m;
    };
    Eigen::VectorXd lower = Eigen::VectorXd::Constant(k, -12.0), upper = Eigen::VectorXd::Constant(k, 4.0);
    Eigen::VectorXd x0 = Eigen::VectorXd::Constant(k, -4.0);
    detail::optimizer_options oo;
    oo.gradient_tolerance = 1e-9;
    const auto objective = [&](const Eigen::VectorXd& x, Eigen::VectorXd* g) {
      const double value = negative_loglik(x);
      if (g != nullptr) *g = detail::numeric_gradient(negative_loglik, x, lower, upper, 1.0);
      return value;
    };
    detail::optimizer_result best;
    if (k > 0) {
      // A coarse grid picks the start: the likelihood in log q can be flat and bimodal (q → 0 against a
      // moving ratio), and BFGS from one point could stop on the wrong side.
      double best_value = std::numeric_limits<double>::infinity();
      for (double g1 = -10; g1 <= 2; g1 += 2) {
        for (double g2 = (k > 1 ? -10 : 0); g2 <= (k > 1 ? 2 : 0); g2 += 2) {
          Eigen::VectorXd trial(k);
          trial[0] = g1;
          if (k > 1) trial[1] = g2;
          const double value = negative_loglik(trial);
          if (value < best_value) best_value = value, x0 = trial;
        }
      }
      best = detail::minimize_bounded(objective, x0, lower, upper, oo);
      out.converged = best.converged;
      out.iterations = best.iterations;
      unpack(best.x, qh, qa);
    } else {
      qh = concentrate ? 0.0 : qh;
      qa = concentrate ? 0.0 : qa;
    }
    if (concentrate) {
      const detail::kalman_sums sums = detail::kalman_filter_pass(s.data(), f.data(), n, with_intercept, omit,
                                                                  1.0, qa, qh, detail::kalman_path{});
      r = sums.m > 0 ? sums.scaled_squares / static_cast<double>(sums.m)
                     : std::numeric_limits<double>::quiet_NaN();
      qh *= r;
      qa *= r;
    }
  }
  if (!with_intercept) qa = 0;
  out.observation_variance = r;
  out.ratio_variance_noise = qh;
  out.intercept_variance_noise = qa;
  // Every element is written by the filter: resize, not assign (zeroing 5n doubles costs as much as
  // the filter, bench_models).
  out.ratio.resize(n);
  out.intercept.resize(n);
  out.innovation.resize(n);
  out.ratio_variance.resize(n);
  std::vector<double> p(options.smooth ? 3 * n : 0);
  const detail::kalman_sums sums = detail::kalman_filter_pass(
      s.data(), f.data(), n, with_intercept, omit, r, qa, qh,
      detail::kalman_path{out.intercept.data(), out.ratio.data(), options.smooth ? p.data() : nullptr,
                          out.innovation.data(), out.ratio_variance.data()});
  out.observations = sums.m;
  if (sums.m > 0) {
    out.log_likelihood = -0.5 * (static_cast<double>(sums.m) * log2pi + sums.log_f + sums.scaled_squares);
  }
  if (options.smooth) {
    out.smoothed_ratio.resize(n);
    out.smoothed_intercept.resize(n);
    out.smoothed_ratio_variance.resize(n);
    detail::kalman_smooth(n, with_intercept, qa, qh, out.intercept.data(), out.ratio.data(), p.data(),
                          out.smoothed_intercept.data(), out.smoothed_ratio.data(),
                          out.smoothed_ratio_variance.data());
  } else {
    out.smoothed_ratio.clear();
    out.smoothed_intercept.clear();
    out.smoothed_ratio_variance.clear();
  }
}

/// kalman_hedge returning a fresh result (see the overload above for the figures, errors and cost).
/// \returns kalman_hedge_result.
template <class Exposure, class Hedge>
[[nodiscard]] kalman_hedge_result kalman_hedge(const Exposure& exposure, const Hedge& hedge,
                                               const kalman_options& options = {}) {
  kalman_hedge_result out;
  kalman_hedge(exposure, hedge, options, out);
  return out;
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_KALMAN_HEDGE_HPP
