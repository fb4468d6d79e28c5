// SPDX-License-Identifier: MIT
// Fuzz target: the estimator entry points on arbitrary doubles, checked against the range contract.
//
// Input: byte 0 chooses the function, byte 1 how the values are encoded, byte 2 a binary or decimal
// exponent, byte 3 a parameter (window, decay, level); the rest are the values:
//   encoding 0: raw IEEE-754 binary64 (NaN, ±inf, subnormals, anything);
//   encoding 1: int8 × 2^e, e in [−1152, 1144] (whole series near the overflow or underflow threshold);
//   encoding 2: (2^24 + int16) × 2^e (far from the origin: cancellation);
//   encoding 3: int16/1000 × 10^k, k in [−320, 320] (prices in decimal, scaled).
// Pair functions take the first half as the exposure (or spot, item) and the second half as the hedge.
//
// Contract checked (issue 10): every figure is either a finite value in its valid range that agrees with
// a long-double recomputation (which can neither overflow nor underflow on doubles: squares of doubles fit
// in long double's exponent range) within a tolerance, ±inf where the true magnitude exceeds DBL_MAX,
// 0 or a subnormal where it underflows, NaN only in the documented cases (too few points, a constant
// series, a non-finite input under missing_data::propagate), or a documented exception.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <hedgemetrics/basis.hpp>
#include <hedgemetrics/descriptive.hpp>
#include <hedgemetrics/downside.hpp>
#include <hedgemetrics/hedge_accounting.hpp>
#include <hedgemetrics/hedge_ratio.hpp>
#include <hedgemetrics/multi_hedge.hpp>
#include <hedgemetrics/rolling.hpp>
#include <hedgemetrics/transforms.hpp>

#include "fuzz_support.hpp"
#include "gmp.hpp"

namespace {

using ld = long double;
using vec = std::vector<double>;

// A rational rounded to long double (53 bits of it: get_d's), at any size: scaled by a power of two near
// 1 first, so that neither get_d's exponent range nor its rounding of huge values matters.
ld to_long_double(const mpq_class& q) {
  if (q == 0) return 0;
  const long e = static_cast<long>(mpz_sizeinbase(q.get_num_mpz_t(), 2)) -
                 static_cast<long>(mpz_sizeinbase(q.get_den_mpz_t(), 2));
  mpq_class scaled;
  if (e > 0) {
    mpq_div_2exp(scaled.get_mpq_t(), q.get_mpq_t(), static_cast<mp_bitcnt_t>(e));
  } else {
    mpq_mul_2exp(scaled.get_mpq_t(), q.get_mpq_t(), static_cast<mp_bitcnt_t>(-e));
  }
  return std::ldexp(static_cast<ld>(scaled.get_d()), static_cast<int>(e));
}

// Relative tolerance of the scale-free figures and of the variances, against the long-double reference.
constexpr ld tolerance = 1e-9L;

// The input, printed with every violation so that the finding can be written down as numbers.
std::string input_text;
// Where in the input (a position, a window), replaced as the checks move on.
std::string where_text;

void describe_input(const char* function, const vec& a, const vec& b, const std::string& extra) {
  where_text.clear();
  input_text = std::string(function) + extra + "\n  x = {";
  for (std::size_t i = 0; i < a.size(); ++i) input_text += (i ? ", " : "") + fuzz::show(a[i]);
  input_text += "}";
  if (!b.empty()) {
    input_text += "\n  y = {";
    for (std::size_t i = 0; i < b.size(); ++i) input_text += (i ? ", " : "") + fuzz::show(b[i]);
    input_text += "}";
  }
}

// ---------------------------------------------------------------------------------------------------
// Open findings. CI must pass on the committed code, so a finding that is reported (fuzz-findings notes,
// issue 10) but not yet fixed narrows the contract checked here, each by a named switch, until the fix
// lands; then the switch goes back to 0 / false.
//
// Range (issue 10, "Range"): bit k set for selector k (see test_one) whose figures are still wrong on data
// beyond [2^-480, 2^480] (squares and products leave the doubles). For such data and those functions only
// crashes, sanitizer reports and hangs are findings.
// Open at 10:20 UTC on 3 December (fuzz-findings rounds 3-5, against HEAD 45ee574): basis_risk (4: variance
// inf or 0, mean 0 for data spanning 1e-262…1e77), rolling_hedge (5) and ewma_hedge (6) not yet converted,
// dollar_offset (8: cumulative ratio NaN where the sums overflow, true ratio 6.7e615), regression_test (9: t
// NaN on data spanning 1e-314…1e148). describe, fit_hedge (one and several instruments, omit) and the
// downside and transforms families pass the full contract.
// 10:25: fit_hedge (0, 1: correlation 0.5 for 0.49999999255 under omit with y values 3.72e-294 a few ulps
// apart) reopened by the CI-length run.
// 4 December: fit_hedge (0, 1) closed again: 640 s of fuzzing over the full range (seeds 2-4) found only the
// reference's own error (a near-perfect fit's long-double residual sum below 0, hence a NaN standard error
// to compare with; now clamped at 0). Still open: 2, 4, 5, 6, 8 and 9 (regression_test: t NaN on data
// spanning 1e-171…1e307, corpus regression-test-t-nan-1e-171-to-1e307).
// 4 December: rolling_hedge (5) and ewma_hedge (6, which also checks expanding_hedge) closed: the window
// paths scale by powers of two outside [2^-400, 2^400] (detail/window_states.hpp); ewma_hedge's tolerance
// tightened from 1e-7 to the contract's 1e-9, and its residual variance checked.
// 10:27: fit_hedge with several instruments (2) reopened: rank 1 instead of 3 on subnormal data.
// 4 December, 10:45: 2 and 4 closed. The several-instrument fit's streaming QR skipped a reflector whose
// squared norm underflowed and took the column for constant (corpus multi-zero-instrument-and-1e-292-rank);
// basis_risk's exact pass lost low parts below the prices' last digit in its mean (corpus
// basis-4.65e129-plus-spot-near-1e-125).
// 4 December, 12:05: basis_risk (4) reopened. CI's fuzz stage found a mean of 0 where the exact mean is
// 8.1e-303: bases that cancel exactly on prices near 1e308 beside one basis of 3.3e-302 (corpus
// basis-mean-0-for-8.1e-303-beside-prices-near-1e308). Until the exact pass keeps such a basis, basis_risk
// is held to the contract on moderate data only.
// 4 December, 13:50: all closed (open_range_functions = 0). basis_risk's mean now comes from the exact
// bases where the scaled pass ran (corpus basis-mean-0-for-8.1e-303-beside-prices-near-1e308,
// basis-mean-inf-parts-1e308-cancel-beside-6e238); dollar_offset's overflowed cumulative sums are taken per
// series, as they are until each overflows itself and times 2^-64 after (corpus dollar-offset-*);
// regression_test showed no finding on the full range. 5 minutes of the full contract (835,690 runs,
// seed 35) found nothing more; the long run of the closing note followed.
// 4 December, 14:00: all closed (4, 8, 9), every function on the full range. With the three switched off,
// seed 11 found basis_risk's exact mean inf for 2.2e158 (a compensated sum cancelled below its own error
// term, then lifted by 2^600; corpus basis-mean-inf-for-2.2e158-sum-cancelled-below-its-error) and seed 12
// dollar_offset's ratio NaN for -1.4e617 (an item's 1.39e-309 divided by 2^64 with its own later overflow;
// corpus dollar-offset-item-1.4e-309-flushed-by-its-own-later-overflow); both fixed in the kernels. Then
// seed 13 (600 s, 1.17e6 executions) and seed 14 (1140 s, 2.30e6), one process on a shared 2-core machine,
// on the corpus grown from the committed one: no findings.
constexpr unsigned open_range_functions = 0;
// regression_test at n < 3 reports criteria met (issue 10, "Misuse"): when set, n < 3 is not checked.
constexpr bool open_regression_small_n = false;
// basis_risk's change_variance loses digits to cancellation (fuzz-findings round 5: changes ±4.1e13 that
// differ by 0.125 give 0.00712 for 0.0078125): while open, it is compared on the scale of the changes'
// raw second moment instead of their variance.
constexpr bool open_basis_change_cancellation = false;
// describe's variance of near-constant data (spread a few ulps of the level) looked off by 1.6e-9 relative
// (fuzz-findings round 5: six values -7.8969589372544814e-84 and one -7.8969589372544722e-84): the
// reference was, by the n·δ² of its long-double mean; the library gives (b − a)²/7 to 1 ulp. Closed with
// the corrected two-pass references; when set, the variance tolerance grows with |mean|/spread · 2^-52 · 1e-6.
constexpr bool open_near_constant_variance = false;

struct narrowed {};  // thrown by violation() for a contract narrowed by an open finding
bool narrow = false;

[[noreturn]] void violation(const std::string& what) {
  if (narrow) throw narrowed{};
  fuzz::fail(what + "\n  input: " + input_text + where_text);
}

// Whether the values stay where squares and products of values and of their differences are normal
// doubles: every magnitude in (2^-480, 2^480), and any two distinct values 2^-480 apart.
bool moderate(const vec& values) {
  const ld lo = std::ldexp(1.0L, -480), hi = std::ldexp(1.0L, 480);
  vec finite;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    if (v != 0 && (std::fabs(v) <= lo || std::fabs(v) >= hi)) return false;
    finite.push_back(v);
  }
  std::sort(finite.begin(), finite.end());
  for (std::size_t i = 1; i < finite.size(); ++i) {
    if (finite[i] != finite[i - 1] && static_cast<ld>(finite[i]) - finite[i - 1] <= lo) return false;
  }
  return true;
}

bool all_finite(const vec& v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

bool constant(const vec& v) {
  return std::all_of(v.begin(), v.end(), [&](double x) { return x == v.front(); });
}

// `got` against the exact value `want` (long double): NaN only when expected; ±inf when |want| rounds past
// DBL_MAX (either is accepted within the tolerance of the threshold); otherwise within
// tolerance·max(|want|, scale) plus 2^12 subnormal units (a figure that underflows may be 0 or subnormal,
// and figures in the subnormal range have fewer digits: gradual underflow).
void expect_close(const char* figure, double got, ld want, ld scale = 0, ld tol = tolerance) {
  const auto bad = [&] {
    violation(std::string(figure) + ": expected " + fuzz::show(want) + " (tolerance " + fuzz::show(tol) +
              " x " + fuzz::show(std::max(std::fabs(want), scale)) + "), got " + fuzz::show(got));
  };
  if (std::isnan(want)) {
    if (!std::isnan(got)) bad();
    return;
  }
  if (std::isnan(got)) bad();
  const ld slack = tol * std::max(std::fabs(want), scale) + 4096 * static_cast<ld>(DBL_TRUE_MIN);
  if (std::isinf(got)) {
    // Overflow: right when |want| is at or past DBL_MAX (within the tolerance), with the sign of want; any
    // value is when the tolerance itself is past DBL_MAX (an ill-conditioned figure of huge data).
    if (slack >= static_cast<ld>(DBL_MAX)) return;
    if ((got > 0) != (want > 0) || std::fabs(want) + slack < static_cast<ld>(DBL_MAX)) bad();
    return;
  }
  if (std::fabs(static_cast<ld>(got) - want) > slack) bad();
}

void expect_nan(const char* figure, double got) {
  if (!std::isnan(got)) violation(std::string(figure) + ": expected NaN, got " + fuzz::show(got));
}

// ---------------------------------------------------------------------------------------------------
// Long-double references.

ld mean_of(const vec& x) {
  ld sum = 0;
  for (double v : x) sum += v;
  ld m = sum / static_cast<ld>(x.size());
  ld correction = 0;  // one refinement step: the mean good to the deviations' last bit
  for (double v : x) correction += v - m;
  return m + correction / static_cast<ld>(x.size());
}

struct moments {
  std::size_t n = 0;
  ld mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
};

moments moments_of(const vec& x, const vec& y) {
  moments m;
  m.n = x.size();
  m.mx = mean_of(x);
  m.my = mean_of(y);
  // The corrected two-pass form (Chan, Golub & LeVeque 1983, eq. 1.7): Σd² − (Σd)²/n removes the
  // n·δ² that a mean off by δ adds. Without it, data spread over a few ulps of their level (deviations
  // 2^-12 of the long-double ulp of the mean) had references 5e-8 too high (fuzz finding: fit_hedge
  // exposure_variance 3.12436837718e-241 "expected" for the exact 3.12436836228e-241).
  ld sx = 0, sy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const ld dx = x[i] - m.mx;
    const ld dy = y[i] - m.my;
    sx += dx;
    sy += dy;
    m.sxx += dx * dx;
    m.syy += dy * dy;
    m.sxy += dx * dy;
  }
  const ld n = static_cast<ld>(x.size());
  if (x.size() > 0) {
    m.sxx -= sx * sx / n;
    m.syy -= sy * sy / n;
    m.sxy -= sx * sy / n;
  }
  return m;
}

// SSR at h* = S_SF/S_FF, summed from the residuals (no cancellation of S_SS − S_SF²/S_FF).
ld residual_ss(const vec& x, const vec& y, const moments& m) {
  const ld h = m.sxy / m.syy;
  ld ssr = 0, se = 0;  // corrected two-pass form, as in moments_of
  for (std::size_t i = 0; i < x.size(); ++i) {
    const ld e = (x[i] - m.mx) - h * (y[i] - m.my);
    ssr += e * e;
    se += e;
  }
  if (!x.empty()) ssr -= se * se / static_cast<ld>(x.size());
  // A near-perfect fit leaves a sum at the level of its rounding, which can come out below 0: it is 0 (a
  // negative reference gave a NaN standard error to compare with).
  return ssr > 0 ? ssr : 0;
}

// ---------------------------------------------------------------------------------------------------
// One-instrument fit (fit_hedge, and the regression test built on it).

void check_fit(const hedgemetrics::hedge_fit<double>& f, const vec& x, const vec& y) {
  const std::size_t n = x.size();
  if (f.n != n) violation("fit_hedge: n " + std::to_string(f.n) + " for " + std::to_string(n) + " pairs");
  if (!all_finite(x) || !all_finite(y)) {
    for (double v : {f.ratio, f.effectiveness, f.correlation, f.exposure_mean, f.hedge_mean,
                     f.exposure_variance, f.residual_variance}) {
      expect_nan("fit_hedge (non-finite input, propagate)", v);
    }
    return;
  }
  if (n == 0) return;
  const moments m = moments_of(x, y);
  const ld spread_x = std::sqrt(m.sxx / static_cast<ld>(n));
  const ld spread_y = std::sqrt(m.syy / static_cast<ld>(n));
  expect_close("fit_hedge exposure_mean", f.exposure_mean, m.mx, spread_x);
  expect_close("fit_hedge hedge_mean", f.hedge_mean, m.my, spread_y);
  if (n < 2) {
    expect_nan("fit_hedge ratio (n = 1)", f.ratio);
    expect_nan("fit_hedge effectiveness (n = 1)", f.effectiveness);
    return;
  }
  const ld dof = static_cast<ld>(n - 1);
  expect_close("fit_hedge exposure_variance", f.exposure_variance, m.sxx / dof);
  expect_close("fit_hedge hedge_variance", f.hedge_variance, m.syy / dof);
  expect_close("fit_hedge covariance", f.covariance, m.sxy / dof, std::sqrt(m.sxx) * std::sqrt(m.syy) / dof);
  const bool x_constant = constant(x);
  const bool y_constant = constant(y);
  if (x_constant || y_constant) {
    expect_nan("fit_hedge correlation (a constant series)", f.correlation);
    expect_nan("fit_hedge effectiveness (a constant series)", f.effectiveness);
  } else {
    const ld rho = m.sxy / (std::sqrt(m.sxx) * std::sqrt(m.syy));
    expect_close("fit_hedge correlation", f.correlation, rho, 1);
    expect_close("fit_hedge effectiveness", f.effectiveness, rho * rho, 1);
  }
  if (y_constant) {
    expect_nan("fit_hedge ratio (constant hedge)", f.ratio);
    expect_nan("fit_hedge residual_variance (constant hedge)", f.residual_variance);
    return;
  }
  const ld h = m.sxy / m.syy;
  expect_close("fit_hedge ratio", f.ratio, h, std::sqrt(m.sxx) / std::sqrt(m.syy));
  const ld ssr = residual_ss(x, y, m);
  expect_close("fit_hedge residual_variance", f.residual_variance, ssr / dof, m.sxx / dof);
  if (n < 3) {
    expect_nan("fit_hedge ratio_standard_error (n = 2)", f.ratio_standard_error);
    return;
  }
  const ld se = std::sqrt(ssr / static_cast<ld>(n - 2)) / std::sqrt(m.syy);
  // The standard error from SSR, whose own error is a share of S_SS: compare on the scale of √(S_SS/S_FF).
  expect_close("fit_hedge ratio_standard_error", f.ratio_standard_error, se,
               std::sqrt(m.sxx / static_cast<ld>(n - 2)) / std::sqrt(m.syy), 1e-4L);
}

void run_fit_hedge(const vec& x, const vec& y) {
  describe_input("fit_hedge", x, y, "");
  check_fit(hedgemetrics::fit_hedge(x, y), x, y);
}

void run_fit_hedge_omit(const vec& x, const vec& y) {
  describe_input("fit_hedge(omit)", x, y, "");
  vec cx, cy;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isfinite(x[i]) && std::isfinite(y[i])) {
      cx.push_back(x[i]);
      cy.push_back(y[i]);
    }
  }
  check_fit(hedgemetrics::fit_hedge(x, y, hedgemetrics::fit_options{true, hedgemetrics::missing_data::omit}),
            cx, cy);
}

// ---------------------------------------------------------------------------------------------------
// Several instruments: range, R² no lower than with the first instrument alone, and the same figures on
// the data rescaled by powers of two (exact) to the neighbourhood of 1.

// The binary exponent that brings the largest magnitude of v into [0.5, 1): v·2^-e is exact (but for
// values 2^1074 times smaller than the largest, which fall below the subnormals and weigh nothing).
int exponent_of(const vec& v) {
  double top = 0;
  for (double x : v) top = std::max(top, std::fabs(x));
  if (!(top > 0) || !std::isfinite(top)) return 0;
  int e = 0;
  (void)std::frexp(top, &e);
  return e;
}

void run_fit_multi(const vec& values) {
  const std::size_t n = values.size() / 3;
  vec s(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(n));
  vec f1(values.begin() + static_cast<std::ptrdiff_t>(n),
         values.begin() + static_cast<std::ptrdiff_t>(2 * n));
  vec f2(values.begin() + static_cast<std::ptrdiff_t>(2 * n),
         values.begin() + static_cast<std::ptrdiff_t>(3 * n));
  describe_input(
      "fit_hedge (two instruments: y = F1 then F2)", s,
      [&] {
        vec both = f1;
        both.insert(both.end(), f2.begin(), f2.end());
        return both;
      }(),
      "");
  Eigen::MatrixXd hedges(static_cast<Eigen::Index>(n), 2);
  for (std::size_t i = 0; i < n; ++i) {
    hedges(static_cast<Eigen::Index>(i), 0) = f1[i];
    hedges(static_cast<Eigen::Index>(i), 1) = f2[i];
  }
  const auto fit = hedgemetrics::fit_hedge(s, hedges);
  if (fit.n != n) violation("fit_hedge (several): n is not the number of rows");
  if (!all_finite(s) || !all_finite(f1) || !all_finite(f2)) {
    expect_nan("fit_hedge (several) effectiveness (non-finite input)", fit.effectiveness);
    return;
  }
  if (fit.effectiveness < 0 || fit.effectiveness > 1) {
    violation("fit_hedge (several): effectiveness outside [0, 1]: " + fuzz::show(fit.effectiveness));
  }
  if (fit.residual_variance < 0) violation("fit_hedge (several): negative residual variance");
  const int es = exponent_of(s), e1 = exponent_of(f1), e2 = exponent_of(f2);
  Eigen::MatrixXd scaled = hedges;
  for (std::size_t i = 0; i < n; ++i) {
    scaled(static_cast<Eigen::Index>(i), 0) = std::ldexp(f1[i], -e1);
    scaled(static_cast<Eigen::Index>(i), 1) = std::ldexp(f2[i], -e2);
  }
  vec s_scaled = s;
  for (double& v : s_scaled) v = std::ldexp(v, -es);
  const auto ref = hedgemetrics::fit_hedge(s_scaled, scaled);
  if (fit.rank != ref.rank) {
    violation("fit_hedge (several): rank " + std::to_string(fit.rank) + ", but " + std::to_string(ref.rank) +
              " on the same data rescaled by powers of two (2^" + std::to_string(-es) + ", 2^" +
              std::to_string(-e1) + ", 2^" + std::to_string(-e2) + ")");
  }
  if (!(std::isnan(fit.effectiveness) && std::isnan(ref.effectiveness))) {
    expect_close("fit_hedge (several) effectiveness vs rescaled data", fit.effectiveness, ref.effectiveness,
                 1);
  }
  if (fit.rank == 3 && ref.rank == 3) {
    for (Eigen::Index j = 0; j < 2; ++j) {
      const ld back = std::ldexp(static_cast<ld>(ref.ratios(j)), es - (j == 0 ? e1 : e2));
      expect_close(j == 0 ? "fit_hedge (several) ratio 1 vs rescaled data"
                          : "fit_hedge (several) ratio 2 vs rescaled data",
                   fit.ratios(j), back, 0, 1e-7L);
    }
    // R² of two instruments is at least that of the first alone.
    const auto one = hedgemetrics::fit_hedge(s, f1);
    if (std::isfinite(one.effectiveness) && fit.effectiveness < one.effectiveness - 1e-9) {
      violation("fit_hedge (several): R^2 " + fuzz::show(fit.effectiveness) + " with both instruments < " +
                fuzz::show(one.effectiveness) + " with the first alone");
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// describe, basis_risk.

void run_describe(const vec& x) {
  describe_input("describe", x, {}, "");
  const auto d = hedgemetrics::describe(x);
  if (d.n != x.size()) violation("describe: n");
  if (!all_finite(x)) {
    for (double v : {d.mean, d.variance, d.min, d.max}) expect_nan("describe (non-finite input)", v);
    return;
  }
  if (x.empty()) return;
  const ld m = mean_of(x);
  ld ss = 0, sd = 0;  // corrected two-pass form, as in moments_of
  for (double v : x) ss += (v - m) * (v - m), sd += v - m;
  ss -= sd * sd / static_cast<ld>(x.size());
  expect_close("describe mean", d.mean, m, std::sqrt(ss / static_cast<ld>(x.size())));
  expect_close("describe min", d.min, *std::min_element(x.begin(), x.end()), 0, 0);
  expect_close("describe max", d.max, *std::max_element(x.begin(), x.end()), 0, 0);
  if (x.size() < 2) {
    expect_nan("describe variance (n = 1)", d.variance);
    return;
  }
  const ld spread = std::sqrt(ss / static_cast<ld>(x.size()));
  const ld conditioning = open_near_constant_variance && spread > 0
                              ? std::fabs(m) / spread * static_cast<ld>(DBL_EPSILON) * 1e-6L
                              : 0;
  expect_close("describe variance", d.variance, ss / static_cast<ld>(x.size() - 1), 0,
               tolerance + conditioning);
  expect_close("describe stddev", d.stddev, std::sqrt(ss / static_cast<ld>(x.size() - 1)), 0,
               tolerance + conditioning);
}

void run_basis(const vec& s, const vec& f) {
  describe_input("basis_risk (ratio 1)", s, f, "");
  const auto b = hedgemetrics::basis_risk(s, f);
  if (b.n != s.size()) violation("basis_risk: n");
  if (!all_finite(s) || !all_finite(f)) {
    for (double v : {b.mean, b.variance, b.min, b.max}) expect_nan("basis_risk (non-finite input)", v);
    return;
  }
  if (s.empty()) return;
  std::vector<ld> basis(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) basis[i] = static_cast<ld>(s[i]) - f[i];
  ld sum = 0, lo = basis[0], hi = basis[0];
  for (ld v : basis) {
    sum += v;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  const ld m = sum / static_cast<ld>(basis.size());
  ld ss = 0, sd = 0;  // corrected two-pass form, as in moments_of
  for (ld v : basis) ss += (v - m) * (v - m), sd += v - m;
  ss -= sd * sd / static_cast<ld>(basis.size());
  const ld n = static_cast<ld>(basis.size());
  expect_close("basis_risk mean", b.mean, m, std::sqrt(ss / n));
  expect_close("basis_risk min", b.min, lo, 0, 1e-15L);
  expect_close("basis_risk max", b.max, hi, 0, 1e-15L);
  expect_close("basis_risk last", b.last, basis.back(), 0, 1e-15L);
  if (basis.size() < 2) return;
  // The spreads from the exact basis, in rational arithmetic (GMP): s − f, its deviations and its changes
  // exactly, rounded once (fuzz findings: spot 8.2e107 twice against futures 4e-111 and −8.6e9, variance
  // 3.69e19 where the basis rounded even in long double has none; changes of ±4.65e129 that differ by
  // 1.36e57).
  std::vector<mpq_class> exact(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) exact[i] = mpq_class(s[i]) - mpq_class(f[i]);
  const auto variance_of = [](const std::vector<mpq_class>& v) {
    mpq_class mean = 0;
    for (const auto& x : v) mean += x;
    mean /= static_cast<unsigned long>(v.size());
    mpq_class sum = 0;
    for (const auto& x : v) sum += (x - mean) * (x - mean);
    return mpq_class(sum / static_cast<unsigned long>(v.size() - 1));
  };
  expect_close("basis_risk variance", b.variance, to_long_double(variance_of(exact)));
  if (basis.size() < 3) return;
  std::vector<mpq_class> changes(s.size() - 1);
  for (std::size_t i = 1; i < s.size(); ++i) changes[i - 1] = exact[i] - exact[i - 1];
  const ld change_variance = to_long_double(variance_of(changes));
  ld raw = 0;
  for (std::size_t i = 1; i < basis.size(); ++i) raw += (basis[i] - basis[i - 1]) * (basis[i] - basis[i - 1]);
  expect_close("basis_risk change_variance", b.change_variance, change_variance,
               open_basis_change_cancellation ? raw / (n - 2) * 1e7L : 0);
}

// ---------------------------------------------------------------------------------------------------
// rolling_hedge, ewma_hedge: every position against a recomputation of its window or weights.

void run_rolling(const vec& x, const vec& y, std::size_t window) {
  describe_input("rolling_hedge", x, y, ", window " + std::to_string(window));
  const auto path = hedgemetrics::rolling_hedge(x, y, hedgemetrics::rolling_options{window});
  if (path.ratio.size() != x.size() || path.effectiveness.size() != x.size())
    violation("rolling_hedge: lengths");
  for (std::size_t t = 0; t < x.size(); ++t) {
    if (t + 1 < window) {
      expect_nan("rolling_hedge ratio before the first full window", path.ratio[t]);
      continue;
    }
    const auto first = static_cast<std::ptrdiff_t>(t + 1 - window);
    const vec wx(x.begin() + first, x.begin() + static_cast<std::ptrdiff_t>(t + 1));
    const vec wy(y.begin() + first, y.begin() + static_cast<std::ptrdiff_t>(t + 1));
    where_text = "\n  at t = " + std::to_string(t);
    if (!all_finite(wx) || !all_finite(wy)) {
      expect_nan("rolling_hedge ratio (a non-finite value in the window)", path.ratio[t]);
      expect_nan("rolling_hedge effectiveness (a non-finite value in the window)", path.effectiveness[t]);
      continue;
    }
    if (constant(wy)) {
      expect_nan("rolling_hedge ratio (constant hedge in the window)", path.ratio[t]);
      continue;
    }
    const moments m = moments_of(wx, wy);
    expect_close("rolling_hedge ratio", path.ratio[t], m.sxy / m.syy, std::sqrt(m.sxx) / std::sqrt(m.syy));
    if (constant(wx)) {
      expect_nan("rolling_hedge effectiveness (constant exposure in the window)", path.effectiveness[t]);
    } else {
      const ld rho = m.sxy / (std::sqrt(m.sxx) * std::sqrt(m.syy));
      expect_close("rolling_hedge effectiveness", path.effectiveness[t], rho * rho, 1);
    }
    const ld ssr = residual_ss(wx, wy, m);
    expect_close("rolling_hedge residual_variance", path.residual_variance[t],
                 ssr / static_cast<ld>(window - 1), m.sxx / static_cast<ld>(window - 1));
  }
}

void run_ewma(const vec& x, const vec& y, double lambda) {
  describe_input("ewma_hedge", x, y, ", lambda " + fuzz::show(lambda));
  hedgemetrics::ewma_options options;
  options.lambda = lambda;
  const auto path = hedgemetrics::ewma_hedge(x, y, options);
  if (path.ratio.size() != x.size()) violation("ewma_hedge: lengths");
  bool seen_nonfinite = false;
  for (std::size_t t = 0; t < x.size(); ++t) {
    seen_nonfinite = seen_nonfinite || !std::isfinite(x[t]) || !std::isfinite(y[t]);
    where_text = "\n  at t = " + std::to_string(t);
    if (seen_nonfinite || t < 1) {
      expect_nan("ewma_hedge ratio (non-finite so far, or one pair)", path.ratio[t]);
      continue;
    }
    // Weights λ^k, k periods old; weighted means, then centred weighted co-moments. Every value is taken
    // relative to the newest pair (x_t, y_t) first: long double then resolves deviations far below the
    // level's own rounding (near-constant data, λ = 0.001: a mean of levels near 2e-272 rounded to 2e-292
    // made deviations of 4e-299 garbage and the reference ratio 70× too small; fuzz finding
    // ewma-reference-near-constant-hedge-lambda-0.001).
    const ld ax = x[t], ay = y[t];
    ld w = 0, sx = 0, sy = 0;
    for (std::size_t k = 0; k <= t; ++k) {
      const ld weight = std::pow(static_cast<ld>(lambda), static_cast<ld>(k));
      w += weight;
      sx += weight * (x[t - k] - ax);
      sy += weight * (y[t - k] - ay);
    }
    const ld shift_x = sx / w, shift_y = sy / w;
    const ld mx = ax + shift_x, my = ay + shift_y;
    const auto dev_x = [&](std::size_t i) { return (x[i] - ax) - shift_x; };
    const auto dev_y = [&](std::size_t i) { return (y[i] - ay) - shift_y; };
    ld sxx = 0, syy = 0, sxy = 0;
    for (std::size_t k = 0; k <= t; ++k) {
      const ld weight = std::pow(static_cast<ld>(lambda), static_cast<ld>(k));
      const ld dx = dev_x(t - k), dy = dev_y(t - k);
      sxx += weight * dx * dx;
      syy += weight * dy * dy;
      sxy += weight * dx * dy;
    }
    const vec wy(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(t + 1));
    const vec wx(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(t + 1));
    if (constant(wy)) {
      expect_nan("ewma_hedge ratio (constant hedge so far)", path.ratio[t]);
      continue;
    }
    // A pair whose weight λ^k is below the doubles' resolution relative to the newest one (2^-40, with a
    // margin) cannot register in a running double sum, yet can decide the figure when the recent pairs do
    // not vary (λ = 0.001, 50 positions): compare only while every weight is above it.
    if (std::pow(static_cast<ld>(lambda), static_cast<ld>(t)) < std::ldexp(1.0L, -40)) continue;
    if (!(syy > 0)) continue;
    // The path is updated one pair at a time, in double: the data's own rounding relative to their spread,
    // (|mean|/spread)²·2^-52, bounds what it can resolve (data near 1e-85 that differ in the 8th digit).
    const ld resolution =
        64 * static_cast<ld>(DBL_EPSILON) * ((sxx > 0 ? mx * mx / (sxx / w) : 1) + my * my / (syy / w));
    const ld ewma_tol = tolerance + std::min(resolution, 1.0L);
    expect_close("ewma_hedge ratio", path.ratio[t], sxy / syy, std::sqrt(sxx) / std::sqrt(syy), ewma_tol);
    if (!constant(wx) && sxx > 0) {
      const ld rho = sxy / (std::sqrt(sxx) * std::sqrt(syy));
      expect_close("ewma_hedge effectiveness", path.effectiveness[t], rho * rho, 1, ewma_tol);
    }
    // SSR/W, SSR from the residuals at the weighted ratio (no cancellation of S_SS − S_SF²/S_FF).
    const ld h = sxy / syy;
    ld ssr = 0;
    for (std::size_t k = 0; k <= t; ++k) {
      const ld weight = std::pow(static_cast<ld>(lambda), static_cast<ld>(k));
      const ld e = dev_x(t - k) - h * dev_y(t - k);
      ssr += weight * e * e;
    }
    expect_close("ewma_hedge residual_variance", path.residual_variance[t], ssr / w, sxx / w, ewma_tol);
  }
}

// expanding_hedge: every prefix against its own recomputation (figures from 2 pairs, NaN from the first
// non-finite value on).
void run_expanding(const vec& x, const vec& y) {
  describe_input("expanding_hedge", x, y, "");
  const auto path = hedgemetrics::expanding_hedge(x, y);
  if (path.ratio.size() != x.size()) violation("expanding_hedge: lengths");
  bool seen_nonfinite = false;
  for (std::size_t t = 0; t < x.size(); ++t) {
    seen_nonfinite = seen_nonfinite || !std::isfinite(x[t]) || !std::isfinite(y[t]);
    where_text = "\n  at t = " + std::to_string(t);
    if (seen_nonfinite || t < 1) {
      expect_nan("expanding_hedge ratio (non-finite so far, or one pair)", path.ratio[t]);
      expect_nan("expanding_hedge effectiveness (non-finite so far, or one pair)", path.effectiveness[t]);
      continue;
    }
    const vec wx(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(t + 1));
    const vec wy(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(t + 1));
    if (constant(wy)) {
      expect_nan("expanding_hedge ratio (constant hedge so far)", path.ratio[t]);
      continue;
    }
    const moments m = moments_of(wx, wy);
    expect_close("expanding_hedge ratio", path.ratio[t], m.sxy / m.syy, std::sqrt(m.sxx) / std::sqrt(m.syy));
    if (constant(wx)) {
      expect_nan("expanding_hedge effectiveness (constant exposure so far)", path.effectiveness[t]);
    } else {
      const ld rho = m.sxy / (std::sqrt(m.sxx) * std::sqrt(m.syy));
      expect_close("expanding_hedge effectiveness", path.effectiveness[t], rho * rho, 1);
    }
    const ld ssr = residual_ss(wx, wy, m);
    expect_close("expanding_hedge residual_variance", path.residual_variance[t], ssr / static_cast<ld>(t),
                 m.sxx / static_cast<ld>(t));
  }
}

// ---------------------------------------------------------------------------------------------------
// partial_moments.hpp and tail_risk.hpp: semivariance, value at risk, expected shortfall.

void run_downside(const vec& x, double level) {
  describe_input("semivariance / value_at_risk / expected_shortfall", x, {}, ", level " + fuzz::show(level));
  const double semi = hedgemetrics::semivariance(x);
  hedgemetrics::downside_options tail;
  tail.level = level;
  const double var = hedgemetrics::value_at_risk(x, tail);
  const double es = hedgemetrics::expected_shortfall(x, tail);
  if (x.empty() || !all_finite(x)) {
    expect_nan("semivariance (no value, or a non-finite one)", semi);
    expect_nan("value_at_risk (no value, or a non-finite one)", var);
    expect_nan("expected_shortfall (no value, or a non-finite one)", es);
    return;
  }
  const ld m = mean_of(x);
  ld below = 0, spread = 0;
  for (double v : x) {
    if (v < m) below += (m - v) * (m - v);
    spread += (v - m) * (v - m);
  }
  const ld n = static_cast<ld>(x.size());
  // The reference's own error: the long-double mean is off by up to 2^-63·|x̄|, and the one-sided sum moves
  // by twice that times Σ(x̄ − x) (first order, unlike a variance).
  ld shortfall = 0;
  for (double v : x) shortfall += v < m ? m - v : 0;
  const ld reference_error = 2 * std::fabs(m) * std::ldexp(1.0L, -63) * shortfall / n;
  expect_close("semivariance", semi, below / n, std::max(spread / n * 1e-3L, reference_error / tolerance));
  // VaR is one of the losses; ES is VaR plus the mean excess over it, between VaR and the largest loss.
  if (std::find(x.begin(), x.end(), -var) == x.end()) {
    violation("value_at_risk " + fuzz::show(var) + " is not one of the losses");
  }
  ld excess = 0, worst = -static_cast<ld>(x[0]);
  for (double v : x) {
    excess += std::max(static_cast<ld>(-v) - var, 0.0L);
    worst = std::max(worst, static_cast<ld>(-v));
  }
  const ld es_ref = static_cast<ld>(var) + excess / (n * (1 - static_cast<ld>(level)));
  expect_close("expected_shortfall", es, std::min(es_ref, worst), std::fabs(worst - var), 1e-9L);
  if (es < var) violation("expected_shortfall " + fuzz::show(es) + " < value_at_risk " + fuzz::show(var));
}

// ---------------------------------------------------------------------------------------------------
// hedge_accounting.hpp: dollar offset, regression test.

void run_dollar_offset(const vec& item, const vec& instrument) {
  describe_input("dollar_offset", item, instrument, "");
  const auto r = hedgemetrics::dollar_offset(item, instrument);
  if (r.periods.size() != item.size()) violation("dollar_offset: periods");
  std::size_t passed = 0;
  mpq_class exact_h = 0, exact_i = 0;  // the cumulative changes, exactly
  bool nonfinite = false;
  for (std::size_t t = 0; t < item.size(); ++t) {
    const auto& p = r.periods[t];
    const bool finite = std::isfinite(item[t]) && std::isfinite(instrument[t]);
    nonfinite = nonfinite || !finite;
    where_text = "\n  at period " + std::to_string(t);
    if (!finite || item[t] == 0) {
      expect_nan("dollar_offset ratio (item change 0 or non-finite)", p.ratio);
    } else {
      expect_close("dollar_offset ratio", p.ratio, -static_cast<ld>(instrument[t]) / item[t], 0, 1e-15L);
      const bool in_band = p.ratio >= 0.80 && p.ratio <= 1.25;
      if ((p.status == hedgemetrics::offset_status::pass) != in_band) {
        violation("dollar_offset: status " + std::string(hedgemetrics::to_string(p.status)) + " for ratio " +
                  fuzz::show(p.ratio));
      }
    }
    if (p.status == hedgemetrics::offset_status::pass) ++passed;
    const auto& c = r.cumulative[t];
    if (nonfinite) {
      expect_nan("dollar_offset cumulative ratio (a non-finite change so far)", c.ratio);
      continue;
    }
    // The cumulative changes against exact sums, whatever cancelled or overflowed on the way (sums of
    // 1e300 and 1e308 changes that cancel back to 1e-20 after an overflow: a finding this oracle's
    // long-double sums, which skipped cancellation, could not make): each to a few roundings, ±inf past
    // DBL_MAX (expect_close), and the ratio of the two.
    exact_h += mpq_class(item[t]);
    exact_i += mpq_class(instrument[t]);
    const ld want_h = to_long_double(exact_h), want_i = to_long_double(exact_i);
    expect_close("dollar_offset cumulative item change", c.item_change, want_h, 0, 1e-15L);
    expect_close("dollar_offset cumulative instrument change", c.instrument_change, want_i, 0, 1e-15L);
    if (exact_h == 0) {
      expect_nan("dollar_offset cumulative ratio (cumulative item change exactly 0)", c.ratio);
    } else if (std::fabs(want_h) > 1e-290L && (exact_i == 0 || std::fabs(want_i) > 1e-290L)) {
      // (Sums among the subnormals carry an absolute rounding, which a ratio may magnify without bound.)
      const ld ratio = to_long_double(mpq_class(-exact_i / exact_h));
      expect_close("dollar_offset cumulative ratio", c.ratio, ratio, 0, 1e-14L);
    }
  }
  if (passed != r.passed) violation("dollar_offset: passed count");
}

void run_regression_test(const vec& item, const vec& instrument) {
  describe_input("regression_test", item, instrument, "");
  const auto r = hedgemetrics::regression_test(item, instrument);
  const std::size_t n = item.size();
  if (r.passed != (r.slope_in_band && r.r_squared_met && r.significant)) violation("regression_test: passed");
  if (n < 3 || !all_finite(item) || !all_finite(instrument) || constant(item)) {
    expect_nan("regression_test slope (n < 3, non-finite or constant item)", r.slope);
    expect_nan("regression_test t (n < 3, non-finite or constant item)", r.t_statistic);
    if (r.slope_in_band || r.r_squared_met || r.significant || r.passed) {
      violation("regression_test: a criterion met with undefined figures");
    }
    return;
  }
  // ΔI = a + b·ΔH: the instrument regressed on the item.
  const moments m = moments_of(instrument, item);
  const ld b = m.sxy / m.syy;
  expect_close("regression_test slope", r.slope, b, std::sqrt(m.sxx) / std::sqrt(m.syy));
  if (!constant(instrument)) {
    const ld rho = m.sxy / (std::sqrt(m.sxx) * std::sqrt(m.syy));
    expect_close("regression_test r_squared", r.r_squared, rho * rho, 1);
    const ld ssr = residual_ss(instrument, item, m);
    if (ssr > m.sxx * 1e-6L) {  // t is ill-conditioned as R² → 1
      const ld t = b / (std::sqrt(ssr / static_cast<ld>(n - 2)) / std::sqrt(m.syy));
      // The slope is held to its natural scale √(S_II/S_HH) (above): near b = 0 its relative error is
      // unbounded (S_HI cancels), and so is t's. t = b/se carries that absolute error divided by se, so
      // t is held to 1e-4 relative or to √(S_II/S_HH)/se = √(S_II·(n − 2)/SSR) times 1e-9, whichever is
      // larger (fuzz finding: t 3.1e-19 for 7.1e-22 on a slope of 1e-22).
      const ld t_scale = std::sqrt(m.sxx * static_cast<ld>(n - 2) / ssr) * 1e-5L;
      expect_close("regression_test t_statistic", r.t_statistic, t, t_scale, 1e-4L);
    }
  }
  if (!(r.p_value >= 0 && r.p_value <= 1) && !std::isnan(r.p_value)) {
    violation("regression_test: p-value outside [0, 1]: " + fuzz::show(r.p_value));
  }
  if (r.slope_in_band != (r.slope >= -1.25 && r.slope <= -0.80)) violation("regression_test: slope_in_band");
  if (r.r_squared_met != (r.r_squared >= 0.80)) violation("regression_test: r_squared_met");
}

// ---------------------------------------------------------------------------------------------------
// transforms.hpp: log returns.

void run_log_returns(const vec& p) {
  describe_input("log_returns", p, {}, "");
  bool nonpositive = false;  // a price that a return uses (none with fewer than two prices)
  for (double v : p) nonpositive = nonpositive || (p.size() >= 2 && v <= 0);
  vec r;
  try {
    r = hedgemetrics::log_returns(p);
  } catch (const std::domain_error& e) {
    if (!nonpositive) violation(std::string("log_returns threw on positive prices: ") + e.what());
    return;
  }
  if (nonpositive) violation("log_returns: no error on a price that is zero or negative");
  if (r.size() != (p.size() < 2 ? 0 : p.size() - 1)) violation("log_returns: length");
  for (std::size_t t = 1; t < p.size(); ++t) {
    where_text = "\n  at t = " + std::to_string(t);
    if (std::isnan(p[t]) || std::isnan(p[t - 1])) {
      expect_nan("log_returns (a NaN price)", r[t - 1]);
      continue;
    }
    if (!std::isfinite(p[t]) || !std::isfinite(p[t - 1])) continue;  // ±inf: inf or NaN, both defensible
    const ld before = p[t - 1], now = p[t];
    const ld q = now / before;
    const ld want =
        (q > 0.5L && q < 2) ? std::log1p((now - before) / before) : std::log(now) - std::log(before);
    expect_close("log_returns", r[t - 1], want, 0, 1e-13L);
  }
}

vec decode(fuzz::bytes& in, unsigned encoding, unsigned exponent_byte) {
  vec values;
  switch (encoding % 4) {
    case 0:
      while (in.left() >= 8) values.push_back(in.raw_double());
      break;
    case 1: {
      const int e = (static_cast<int>(exponent_byte) - 128) * 9;
      while (in.left() >= 1)
        values.push_back(std::ldexp(static_cast<double>(static_cast<std::int8_t>(in.byte())), e));
      break;
    }
    case 2: {
      const int e = (static_cast<int>(exponent_byte) - 128) * 9;
      while (in.left() >= 2) {
        const double v = 16777216.0 + static_cast<double>(static_cast<std::int16_t>(in.u16()));
        values.push_back(std::ldexp(v, e));
      }
      break;
    }
    default: {
      const int k = (static_cast<int>(exponent_byte) - 128) * 5 / 2;
      const double scale = std::pow(10.0, k);
      while (in.left() >= 2)
        values.push_back(static_cast<double>(static_cast<std::int16_t>(in.u16())) / 1000 * scale);
      break;
    }
  }
  return values;
}

}  // namespace

int fuzz::test_one(const std::uint8_t* data, std::size_t size) {
  fuzz::bytes in(data, size);
  const unsigned function = in.byte();
  const unsigned encoding = in.byte();
  const unsigned exponent = in.byte();
  const unsigned parameter = in.byte();
  vec values = decode(in, encoding, exponent);
  if (values.size() > 256) values.resize(256);  // the contract does not depend on length; speed does
  const std::size_t half = values.size() / 2;
  const vec x(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(half));
  const vec y(values.begin() + static_cast<std::ptrdiff_t>(half),
              values.begin() + static_cast<std::ptrdiff_t>(2 * half));
  const unsigned selector = function % 11;
  narrow = (((open_range_functions >> selector) & 1U) != 0 && !moderate(values)) ||
           (open_regression_small_n && selector == 9 && half < 3);
  try {
    switch (selector) {
      case 0:
        run_fit_hedge(x, y);
        break;
      case 1:
        run_fit_hedge_omit(x, y);
        break;
      case 2:
        run_fit_multi(values);
        break;
      case 3:
        run_describe(values);
        break;
      case 4:
        run_basis(x, y);
        break;
      case 5:
        run_rolling(x, y, 2 + parameter % 15);
        break;
      case 6: {
        static constexpr double lambdas[] = {0.94, 0.5, 0.99, 0.999, 1e-3, 0.9999999999999999};
        run_ewma(x, y, lambdas[parameter % 6]);
        run_expanding(x, y);
        break;
      }
      case 7: {
        static constexpr double levels[] = {0.95, 0.99, 0.5, 0.9, 0.975, 0.9999999999999999, 1e-16, 0.1};
        run_downside(values, levels[parameter % 8]);
        break;
      }
      case 8:
        run_dollar_offset(x, y);
        break;
      case 9:
        run_regression_test(x, y);
        break;
      default:
        run_log_returns(values);
        break;
    }
  } catch (const narrowed&) {
    return 0;
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).empty()) violation("an std::invalid_argument without a message");
  } catch (const std::exception& e) {
    violation(std::string("unexpected exception: ") + e.what());
  }
  return 0;
}
