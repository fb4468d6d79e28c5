// SPDX-License-Identifier: MIT
/// \file
/// The engine behind rolling_hedge: co-moment states of every window of a series in O(n) time and O(window)
/// memory, without ever subtracting an observation from a running sum.
///
/// The series is cut into chunks of `window` positions. For each chunk we build the state of every prefix
/// (from the chunk's first position to position j) and of every suffix (from position j to the chunk's
/// last); a window that ends at position j of chunk k is then the suffix of chunk k − 1 that starts at j + 1
/// merged with the prefix of chunk k that ends at j — one merge per window, and no state ever holds an
/// observation that is not in it (the two-stack idea of van Herk 1992 and Gil & Werman 1993 for running
/// maxima, applied to an invertible-in-theory but not-in-floating-point sum). So a burst of values 1e9
/// larger leaves no trace in any window once it has left, and rounding never accumulates along the series.
///
/// Prefix and suffix states come from one scan per chunk: running sums Σa, Σb, Σa², Σb², Σab, Σe, Σe², Σeb of
/// deviations a = x − x̂, b = y − ŷ from a chunk-local shift and of residuals e = a − r₀b at a chunk-local
/// reference ratio (the shifted-data algorithm of Chan, Golub & LeVeque 1983, §3). The shift and r₀ are the
/// previous chunk's mean and ratio (the first chunk's own), so nothing in a chunk's constants comes from
/// later observations. Keeping Σe² as its own sum is what keeps near-perfect hedges exact: the residual sum
/// at the state's own ratio is S_ee − S_eb²/S_bb, whose rounding is a few ulps of S_ee.
/// Each window is then centred and merged exactly in registers (Chan, Golub & LeVeque 1979, with the
/// residual sum re-expressed at the merged ratio as in detail::comoments::merge) in one vectorised loop,
/// and checked a posteriori: every figure must be at least 1/`window_cancellation_limit` of the raw sums it
/// was computed from, which bounds the digits lost to cancellation. When a window fails (a level jump
/// inside a chunk, a constant series, overflow), the chunk's windows are merged again from states held as
/// arrays, and if one still fails, both chunks are rebuilt with exact one-pair-at-a-time comoments merges.
/// Chunks holding a non-finite value take that general path too, with weights 0 for the incomplete pairs.
#ifndef HEDGEMETRICS_DETAIL_WINDOW_STATES_HPP
#define HEDGEMETRICS_DETAIL_WINDOW_STATES_HPP

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "hedgemetrics/detail/comoments.hpp"

/// Promises the compiler that a pointer's array overlaps no other (GCC, Clang and MSVC spell it __restrict).
#if defined(__GNUC__) || defined(__clang__) || defined(_MSC_VER)
#define HEDGEMETRICS_RESTRICT __restrict
#else
#define HEDGEMETRICS_RESTRICT
#endif

/// Tells the compiler that the next loop's iterations are independent. GCC honours __restrict only on
/// function parameters, and gives up vectorising a loop over more than 10 arrays it would have to check for
/// overlap at run time (--param vect-max-version-for-alias-checks): without this the two loops over 28
/// arrays below run scalar, 4 times slower (bench_rolling).
#if defined(__clang__)
#define HEDGEMETRICS_INDEPENDENT_ITERATIONS _Pragma("clang loop vectorize(assume_safety)")
#elif defined(__GNUC__)
#define HEDGEMETRICS_INDEPENDENT_ITERATIONS _Pragma("GCC ivdep")
#else
#define HEDGEMETRICS_INDEPENDENT_ITERATIONS
#endif

// Clang reports a loop it was asked to vectorise but could not (long double: no vector type) as a warning,
// -Wpass-failed; that is expected here, so it is silenced for this header only.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpass-failed"
#endif

namespace hedgemetrics::detail {

/// The largest factor by which a window's S_xx, S_yy or SSR may be smaller than the raw shifted sums it is
/// computed from: log10(64) = 1.8 digits lost at most, out of 16, far inside the 1e-9 target. A chunk with
/// a window beyond it is recomputed the careful way. How often that happens (chunks taking the careful path):
/// WTI spot vs CL1 daily changes, 7 of 465 at window 20 and none at 250 or 5,000; the same as price levels,
/// 73 of 465 at window 20, 1 of 38 at 250; the tests' random walks near 1e9, 13% of the chunks at window 20.
inline constexpr double window_cancellation_limit = 64;

/// Co-moment states of one chunk's prefixes or suffixes, one array per figure (vectorisable layout).
/// State i: `count` pairs; exposure mean hi_x + lo_x (a shift and the mean deviation from it, or a double
/// and its rounding error); centred sums sxx, syy, sxy; own ratio ref + gap (a reference ratio and the
/// exact-ish offset from it, so that (h − ratio) keeps its digits when h is close to it); ssr, the residual
/// sum at that ratio; and the raw sums that bound each figure's rounding error (scale_*).
template <class Real>
struct state_arrays {
  std::vector<Real> count, hi_x, lo_x, hi_y, lo_y, sxx, syy, sxy, ref, gap, ssr, scale_x, scale_y, scale_e;

  void resize(std::size_t m) {
    for (std::vector<Real>* v : {&count, &hi_x, &lo_x, &hi_y, &lo_y, &sxx, &syy, &sxy, &ref, &gap, &ssr,
                                 &scale_x, &scale_y, &scale_e}) {
      v->assign(m, Real(0));
    }
  }

  /// Stores an exact comoments state (the careful path): its figures bound their own errors.
  void store(std::size_t i, const comoments<Real>& c) noexcept {
    count[i] = static_cast<Real>(c.count);
    hi_x[i] = c.mean_x;
    lo_x[i] = c.tail_x;
    hi_y[i] = c.mean_y;
    lo_y[i] = c.tail_y;
    sxx[i] = c.sxx;
    syy[i] = c.syy;
    sxy[i] = c.sxy;
    ref[i] = c.ratio;
    gap[i] = 0;
    ssr[i] = c.ssr;
    scale_x[i] = c.sxx;
    scale_y[i] = c.syy;
    scale_e[i] = c.ssr;
  }
};

/// Running shifted sums of one scan (prefix or suffix), before conversion to centred states.
template <class Real>
struct raw_sums {
  std::vector<Real> w, a, b, aa, bb, ab, e, ee, eb;

  void resize(std::size_t m) {
    for (std::vector<Real>* v : {&w, &a, &b, &aa, &bb, &ab, &e, &ee, &eb}) v->assign(m, Real(0));
  }
};

/// The shifted sums of one state of a clean chunk, side by side: the fast scan updates and stores all
/// eight with two or four vector instructions instead of eight scalar ones (bench_rolling: the scan is
/// bound by its stores; 1.5x faster than eight separate arrays).
template <class Real>
struct alignas(64) packed_sums {
  Real v[8];  // Σa, Σb, Σa², Σb², Σab, Σe, Σe², Σeb; one cache line for doubles, so no store straddles two
};

/// One chunk's data, converted to Real: values of pairs that are not both finite are replaced by 0 and
/// carry weight 0, so every loop over the chunk is branch-free.
template <class Real>
struct chunk_data {
  std::vector<Real> x, y, weight;
  std::size_t length = 0;
  Real shift_x = 0;
  Real shift_y = 0;
  Real ratio = 0;
};

template <class Real, class X, class Y>
void load_chunk(chunk_data<Real>& chunk, const X* x, const Y* y, std::size_t length) {
  chunk.length = length;
  Real sum_x = 0, sum_y = 0, kept = 0;
  for (std::size_t i = 0; i < length; ++i) {
    const Real u = static_cast<Real>(x[i]);
    const Real v = static_cast<Real>(y[i]);
    const bool ok = is_finite_value(u) && is_finite_value(v);
    chunk.x[i] = ok ? u : Real(0);
    chunk.y[i] = ok ? v : Real(0);
    chunk.weight[i] = ok ? Real(1) : Real(0);
    sum_x += chunk.x[i];
    sum_y += chunk.y[i];
    kept += chunk.weight[i];
  }
  // The shift only has to be near the data: the chunk's mean (0 for an empty chunk or overflowing sums,
  // which the a-posteriori check then sends down the careful path).
  chunk.shift_x = kept > 0 && std::isfinite(sum_x) ? sum_x / kept : Real(0);
  chunk.shift_y = kept > 0 && std::isfinite(sum_y) ? sum_y / kept : Real(0);
  Real sab = 0, sbb = 0;
  for (std::size_t i = 0; i < length; ++i) {
    const Real a = chunk.weight[i] * (chunk.x[i] - chunk.shift_x);
    const Real b = chunk.weight[i] * (chunk.y[i] - chunk.shift_y);
    sab += a * b;
    sbb += b * b;
  }
  chunk.ratio = sbb > 0 && std::isfinite(sab) && std::isfinite(sbb) ? sab / sbb : Real(0);
}

/// Prefix sums (forward) and suffix sums (backward) of one chunk in one loop: two independent chains of
/// nine running sums each, which keeps the floating-point adders busy.
template <class Real>
void scan_chunk(const chunk_data<Real>& c, raw_sums<Real>& prefix, raw_sums<Real>& suffix) noexcept {
  const std::size_t m = c.length;
  const Real sx = c.shift_x, sy = c.shift_y, r0 = c.ratio;
  Real pw = 0, pa = 0, pb = 0, paa = 0, pbb = 0, pab = 0, pe = 0, pee = 0, peb = 0;
  Real qw = 0, qa = 0, qb = 0, qaa = 0, qbb = 0, qab = 0, qe = 0, qee = 0, qeb = 0;
  for (std::size_t j = 0; j < m; ++j) {
    {
      const Real w = c.weight[j];
      const Real a = w * (c.x[j] - sx);
      const Real b = w * (c.y[j] - sy);
      const Real e = a - r0 * b;
      pw += w, pa += a, pb += b, paa += a * a, pbb += b * b, pab += a * b, pe += e, pee += e * e,
          peb += e * b;
      prefix.w[j] = pw, prefix.a[j] = pa, prefix.b[j] = pb, prefix.aa[j] = paa, prefix.bb[j] = pbb;
      prefix.ab[j] = pab, prefix.e[j] = pe, prefix.ee[j] = pee, prefix.eb[j] = peb;
    }
    {
      const std::size_t i = m - 1 - j;
      const Real w = c.weight[i];
      const Real a = w * (c.x[i] - sx);
      const Real b = w * (c.y[i] - sy);
      const Real e = a - r0 * b;
      qw += w, qa += a, qb += b, qaa += a * a, qbb += b * b, qab += a * b, qe += e, qee += e * e,
          qeb += e * b;
      suffix.w[i] = qw, suffix.a[i] = qa, suffix.b[i] = qb, suffix.aa[i] = qaa, suffix.bb[i] = qbb;
      suffix.ab[i] = qab, suffix.e[i] = qe, suffix.ee[i] = qee, suffix.eb[i] = qeb;
    }
  }
}

/// Centred states from shifted sums: S_ab = Σab − Σa·Σb/m (Chan, Golub & LeVeque 1983, eq. 1.7); the
/// residual sum at the state's own ratio r = r₀ + S_eb/S_bb is SSR = S_ee − S_eb²/S_bb, whose rounding is
/// at most a few ulps of S_ee (recorded in scale_e), since S_eb² ≤ S_ee·S_bb.
template <class Real>
void centre_states(const chunk_data<Real>& c, const raw_sums<Real>& raw, state_arrays<Real>& out,
                   std::size_t m) noexcept {
  const Real sx = c.shift_x, sy = c.shift_y, r0 = c.ratio;
  const Real* HEDGEMETRICS_RESTRICT w = raw.w.data();
  const Real* HEDGEMETRICS_RESTRICT a = raw.a.data();
  const Real* HEDGEMETRICS_RESTRICT b = raw.b.data();
  const Real* HEDGEMETRICS_RESTRICT aa = raw.aa.data();
  const Real* HEDGEMETRICS_RESTRICT bb = raw.bb.data();
  const Real* HEDGEMETRICS_RESTRICT ab = raw.ab.data();
  const Real* HEDGEMETRICS_RESTRICT e = raw.e.data();
  const Real* HEDGEMETRICS_RESTRICT ee = raw.ee.data();
  const Real* HEDGEMETRICS_RESTRICT eb = raw.eb.data();
  Real* HEDGEMETRICS_RESTRICT count = out.count.data();
  Real* HEDGEMETRICS_RESTRICT hi_x = out.hi_x.data();
  Real* HEDGEMETRICS_RESTRICT lo_x = out.lo_x.data();
  Real* HEDGEMETRICS_RESTRICT hi_y = out.hi_y.data();
  Real* HEDGEMETRICS_RESTRICT lo_y = out.lo_y.data();
  Real* HEDGEMETRICS_RESTRICT sxx = out.sxx.data();
  Real* HEDGEMETRICS_RESTRICT syy_out = out.syy.data();
  Real* HEDGEMETRICS_RESTRICT sxy = out.sxy.data();
  Real* HEDGEMETRICS_RESTRICT ref = out.ref.data();
  Real* HEDGEMETRICS_RESTRICT gap = out.gap.data();
  Real* HEDGEMETRICS_RESTRICT ssr = out.ssr.data();
  Real* HEDGEMETRICS_RESTRICT scale_x = out.scale_x.data();
  Real* HEDGEMETRICS_RESTRICT scale_y = out.scale_y.data();
  Real* HEDGEMETRICS_RESTRICT scale_e = out.scale_e.data();
  HEDGEMETRICS_INDEPENDENT_ITERATIONS
  for (std::size_t i = 0; i < m; ++i) {
    // Divisors are selected before dividing (never a division under a condition), so the loop is
    // branch-free and vectorises.
    const Real inv_m = (w[i] > 0 ? Real(1) : Real(0)) / (w[i] > 0 ? w[i] : Real(1));
    const Real syy = bb[i] - b[i] * (b[i] * inv_m);
    const Real see = ee[i] - e[i] * (e[i] * inv_m);
    const Real seb = eb[i] - e[i] * (b[i] * inv_m);
    const Real inv_syy = (syy > 0 ? Real(1) : Real(0)) / (syy > 0 ? syy : Real(1));
    count[i] = w[i];
    hi_x[i] = sx;
    lo_x[i] = a[i] * inv_m;
    hi_y[i] = sy;
    lo_y[i] = b[i] * inv_m;
    sxx[i] = aa[i] - a[i] * (a[i] * inv_m);
    syy_out[i] = syy;
    sxy[i] = ab[i] - a[i] * (b[i] * inv_m);
    ref[i] = r0;
    gap[i] = seb * inv_syy;
    ssr[i] = see - seb * (seb * inv_syy);
    scale_x[i] = aa[i];
    scale_y[i] = bb[i];
    scale_e[i] = ee[i];
  }
}

/// Exact prefix states of a chunk, one pair at a time (comoments::merge with a one-pair state).
template <class Real>
void careful_prefixes(const chunk_data<Real>& c, state_arrays<Real>& out) noexcept {
  comoments<Real> state;
  for (std::size_t j = 0; j < c.length; ++j) {
    if (c.weight[j] > 0) {
      state = comoments<Real>::merge(state, comoments<Real>::of_pair(c.x[j], c.y[j]));
    }
    out.store(j, state);
  }
}

/// Exact suffix states of a chunk, one pair at a time from its end.
template <class Real>
void careful_suffixes(const chunk_data<Real>& c, state_arrays<Real>& out) noexcept {
  comoments<Real> state;
  for (std::size_t j = c.length; j-- > 0;) {
    if (c.weight[j] > 0) {
      state = comoments<Real>::merge(comoments<Real>::of_pair(c.x[j], c.y[j]), state);
    }
    out.store(j, state);
  }
}

/// The three figures rolling_hedge reports for each window, and the pairs behind them.
template <class Real>
struct window_figures {
  Real* ratio;
  Real* effectiveness;
  Real* residual_variance;
  std::size_t* count;
};

/// Merges suffix state `early[j + 1]` with prefix state `late[j]` for j in [0, m) (early has m + 1
/// states at least, the last one empty when j + 1 is past the chunk) and writes the window's figures.
/// `positions[j]` is the number of positions in window j, `required` the least number of pairs that
/// makes a figure (min_periods, at least 2). Returns the number of windows that failed the a-posteriori
/// cancellation check (their figures are then not to be used).
template <class Real>
[[nodiscard]] std::size_t merge_windows(const state_arrays<Real>& early, const state_arrays<Real>& late,
                                        std::size_t m, std::size_t window, std::size_t first_end,
                                        bool propagate, std::size_t required,
                                        const window_figures<Real>& out) noexcept {
  const Real nan = std::numeric_limits<Real>::quiet_NaN();
  const Real limit = static_cast<Real>(window_cancellation_limit);
  const Real need = static_cast<Real>(required);
  // The early (suffix) state of window j is at j + 1.
  const Real* HEDGEMETRICS_RESTRICT a_count = early.count.data() + 1;
  const Real* HEDGEMETRICS_RESTRICT a_hi_x = early.hi_x.data() + 1;
  const Real* HEDGEMETRICS_RESTRICT a_lo_x = early.lo_x.data() + 1;
  const Real* HEDGEMETRICS_RESTRICT a_hi_y = early.hi_y.data() + 1;
  const Real* HEDGEMETRICS_RESTRICT a_lo_y = early.lo_y.data() + 1;
  const Real* HEDGEMETRICS_RESTRICT a_sxx = early.sxx.data() + 1;
  const Real* HEDGEMETRICS_RESTRICT a_syy = early.syy.data() + 1;
  const Real* HEDGEMETRICS_RESTRICT a_sxy = early.sxy.data() + 1;
  const Real* HEDGEMETRICS_RESTRICT a_ref = early.ref.data() + 1;
  const Real* HEDGEMETRICS_RESTRICT a_gap = early.gap.data() + 1;
  const Real* HEDGEMETRICS_RESTRICT a_ssr = early.ssr.data() + 1;
  const Real* HEDGEMETRICS_RESTRICT a_scale_x = early.scale_x.data() + 1;
  const Real* HEDGEMETRICS_RESTRICT a_scale_y = early.scale_y.data() + 1;
  const Real* HEDGEMETRICS_RESTRICT a_scale_e = early.scale_e.data() + 1;
  const Real* HEDGEMETRICS_RESTRICT b_count = late.count.data();
  const Real* HEDGEMETRICS_RESTRICT b_hi_x = late.hi_x.data();
  const Real* HEDGEMETRICS_RESTRICT b_lo_x = late.lo_x.data();
  const Real* HEDGEMETRICS_RESTRICT b_hi_y = late.hi_y.data();
  const Real* HEDGEMETRICS_RESTRICT b_lo_y = late.lo_y.data();
  const Real* HEDGEMETRICS_RESTRICT b_sxx = late.sxx.data();
  const Real* HEDGEMETRICS_RESTRICT b_syy = late.syy.data();
  const Real* HEDGEMETRICS_RESTRICT b_sxy = late.sxy.data();
  const Real* HEDGEMETRICS_RESTRICT b_ref = late.ref.data();
  const Real* HEDGEMETRICS_RESTRICT b_gap = late.gap.data();
  const Real* HEDGEMETRICS_RESTRICT b_ssr = late.ssr.data();
  const Real* HEDGEMETRICS_RESTRICT b_scale_x = late.scale_x.data();
  const Real* HEDGEMETRICS_RESTRICT b_scale_y = late.scale_y.data();
  const Real* HEDGEMETRICS_RESTRICT b_scale_e = late.scale_e.data();
  Real* HEDGEMETRICS_RESTRICT out_ratio = out.ratio;
  Real* HEDGEMETRICS_RESTRICT out_effectiveness = out.effectiveness;
  Real* HEDGEMETRICS_RESTRICT out_residual = out.residual_variance;
  std::size_t* HEDGEMETRICS_RESTRICT out_count = out.count;
  std::size_t failures = 0;
  HEDGEMETRICS_INDEPENDENT_ITERATIONS
  for (std::size_t j = 0; j < m; ++j) {
    // Positions in the window ending at first_end + j (fewer than `window` only in the first chunk).
    const std::size_t end = first_end + j;
    const std::size_t positions = end + 1 < window ? end + 1 : window;
    const Real n_a = a_count[j];
    const Real n_b = b_count[j];
    const Real n = n_a + n_b;
    const Real weight = n_a * (n_b / (n > 0 ? n : Real(1)));
    const Real dx = (b_hi_x[j] - a_hi_x[j]) + (b_lo_x[j] - a_lo_x[j]);
    const Real dy = (b_hi_y[j] - a_hi_y[j]) + (b_lo_y[j] - a_lo_y[j]);
    const Real sxx = a_sxx[j] + b_sxx[j] + weight * dx * dx;
    const Real syy = a_syy[j] + b_syy[j] + weight * dy * dy;
    const Real sxy = a_sxy[j] + b_sxy[j] + weight * dx * dy;
    const Real r = (syy > 0 ? sxy : Real(0)) / (syy > 0 ? syy : Real(1));
    const Real gap_a = (r - a_ref[j]) - a_gap[j];
    const Real gap_b = (r - b_ref[j]) - b_gap[j];
    const Real de = dx - r * dy;
    const Real ssr =
        a_ssr[j] + b_ssr[j] + gap_a * gap_a * a_syy[j] + gap_b * gap_b * b_syy[j] + weight * de * de;
    // A posteriori: each figure against the raw sums it came from (all non-negative terms).
    const Real bound_x = a_scale_x[j] + b_scale_x[j];
    const Real bound_y = a_scale_y[j] + b_scale_y[j];
    const Real bound_e =
        a_scale_e[j] + b_scale_e[j] + gap_a * gap_a * a_scale_y[j] + gap_b * gap_b * b_scale_y[j];
    // Bitwise & on the comparisons, not &&: no branch, so the loop vectorises.
    const bool exact_enough = (sxx * limit >= bound_x) & (syy * limit >= bound_y) & (ssr * limit >= bound_e);
    const Real present = static_cast<Real>(positions);
    const bool enough_present = (present >= need) & (n >= present);
    const bool enough_pairs = n >= need;
    const bool reported = (propagate & enough_present) | (!propagate & enough_pairs);
    // Only windows whose figures are reported need to pass (a one-pair window cannot and need not).
    failures += static_cast<std::size_t>(reported & !exact_enough);
    const bool has_ratio = reported & (syy > 0);
    const Real unexplained = ssr / sxx;
    const Real explained = r * (sxy / sxx);
    Real r2 = unexplained < Real(0.5) ? 1 - unexplained : explained;
    r2 = r2 > 1 ? Real(1) : r2;
    const Real residual = ssr / (n - 1);  // divided unconditionally, selected below: no branch
    const auto pairs = static_cast<std::size_t>(static_cast<long long>(n));
    out_ratio[j] = has_ratio ? r : nan;
    out_effectiveness[j] = (has_ratio & (sxx > 0)) ? r2 : nan;
    out_residual[j] = has_ratio ? residual : nan;
    out_count[j] =
        positions * static_cast<std::size_t>(propagate) + pairs * static_cast<std::size_t>(!propagate);
  }
  return failures;
}

/// The chunk-local constants of the fast scan: shift (the chunk's means) and reference ratio.
template <class Real>
struct chunk_constants {
  Real shift_x = 0;
  Real shift_y = 0;
  Real ratio = 0;
};

/// For a chunk whose values are all finite, its means and ratio (two vectorised sweeps, each over `lanes`
/// independent sums); false when a value is not finite or the sums overflow (then the chunk takes the
/// general path, with weights).
template <class Real, class X, class Y>
[[nodiscard]] bool clean_chunk_constants(const X* x, const Y* y, std::size_t m,
                                         chunk_constants<Real>& out) noexcept {
  Real sum_x[lanes] = {}, sum_y[lanes] = {};
  const std::size_t whole = m - m % lanes;
  for (std::size_t i = 0; i < whole; i += lanes) {
    for (std::size_t j = 0; j < lanes; ++j) {
      sum_x[j] += static_cast<Real>(x[i + j]);
      sum_y[j] += static_cast<Real>(y[i + j]);
    }
  }
  for (std::size_t i = whole; i < m; ++i) {
    sum_x[0] += static_cast<Real>(x[i]);
    sum_y[0] += static_cast<Real>(y[i]);
  }
  const Real total_x = lane_sum(sum_x), total_y = lane_sum(sum_y);
  // A NaN or an infinity makes its sum non-finite: the whole chunk is clean exactly when both sums are
  // finite.
  if (!std::isfinite(total_x) || !std::isfinite(total_y)) return false;
  out.shift_x = total_x / static_cast<Real>(m);
  out.shift_y = total_y / static_cast<Real>(m);
  Real sab[lanes] = {}, sbb[lanes] = {};
  for (std::size_t i = 0; i < whole; i += lanes) {
    for (std::size_t j = 0; j < lanes; ++j) {
      const Real a = static_cast<Real>(x[i + j]) - out.shift_x;
      const Real b = static_cast<Real>(y[i + j]) - out.shift_y;
      sab[j] += a * b;
      sbb[j] += b * b;
    }
  }
  for (std::size_t i = whole; i < m; ++i) {
    const Real a = static_cast<Real>(x[i]) - out.shift_x;
    const Real b = static_cast<Real>(y[i]) - out.shift_y;
    sab[0] += a * b;
    sbb[0] += b * b;
  }
  const Real ab = lane_sum(sab), bb = lane_sum(sbb);
  out.ratio = bb > 0 && std::isfinite(ab) && std::isfinite(bb) ? ab / bb : Real(0);
  return true;
}

/// scan_chunk for a clean chunk, straight from the input: no weights; the counts (j + 1 and m − j) are not
/// stored (fill_counts writes them when the general path needs them).
template <class Real, class X, class Y>
void scan_clean_chunk(const X* x, const Y* y, std::size_t m, const chunk_constants<Real>& c,
                      packed_sums<Real>* prefix, packed_sums<Real>* suffix) noexcept {
  const Real sx = c.shift_x, sy = c.shift_y, r0 = c.ratio;
  Real p[8] = {}, q[8] = {};
  for (std::size_t j = 0; j < m; ++j) {
    {
      const Real a = static_cast<Real>(x[j]) - sx;
      const Real b = static_cast<Real>(y[j]) - sy;
      const Real e = a - r0 * b;
      const Real terms[8] = {a, b, a * a, b * b, a * b, e, e * e, e * b};
      for (std::size_t l = 0; l < 8; ++l) {
        p[l] += terms[l];
        prefix[j].v[l] = p[l];
      }
    }
    {
      const std::size_t i = m - 1 - j;
      const Real a = static_cast<Real>(x[i]) - sx;
      const Real b = static_cast<Real>(y[i]) - sy;
      const Real e = a - r0 * b;
      const Real terms[8] = {a, b, a * a, b * b, a * b, e, e * e, e * b};
      for (std::size_t l = 0; l < 8; ++l) {
        q[l] += terms[l];
        suffix[i].v[l] = q[l];
      }
    }
  }
}

/// The packed sums of a clean chunk as raw_sums (with their counts: j + 1 for prefixes, m − j for
/// suffixes), for the general path.
template <class Real>
void unpack_sums(const packed_sums<Real>* packed, std::size_t m, bool prefixes,
                 raw_sums<Real>& raw) noexcept {
  for (std::size_t j = 0; j < m; ++j) {
    raw.w[j] = static_cast<Real>(prefixes ? j + 1 : m - j);
    raw.a[j] = packed[j].v[0], raw.b[j] = packed[j].v[1], raw.aa[j] = packed[j].v[2],
    raw.bb[j] = packed[j].v[3];
    raw.ab[j] = packed[j].v[4], raw.e[j] = packed[j].v[5], raw.ee[j] = packed[j].v[6],
    raw.eb[j] = packed[j].v[7];
  }
}

/// The next chunk's constants from the sums of the whole previous chunk (its first suffix): its means and
/// ratio. Taking them from the past, not from the chunk itself, saves a sweep and keeps every figure at t
/// free of any dependence on later observations. False when they are not finite.
template <class Real>
[[nodiscard]] bool constants_from_previous(const packed_sums<Real>& whole, Real count,
                                           const chunk_constants<Real>& c,
                                           chunk_constants<Real>& out) noexcept {
  if (!(count > 0)) return false;
  const Real a = whole.v[0], b = whole.v[1];
  const Real sab = whole.v[4] - a * (b / count);
  const Real sbb = whole.v[3] - b * (b / count);
  out.shift_x = c.shift_x + a / count;
  out.shift_y = c.shift_y + b / count;
  out.ratio = sbb > 0 ? sab / sbb : Real(0);
  return std::isfinite(out.shift_x) && std::isfinite(out.shift_y) && std::isfinite(out.ratio);
}

/// Whether a chunk's sums (over the whole chunk, `count` pairs) were taken about a shift or a reference ratio
/// so far from its own that the raw sums exceed the centred ones 8 times over.
template <class Real>
[[nodiscard]] bool needs_recentring(const packed_sums<Real>& whole, Real count) noexcept {
  const Real a = whole.v[0], b = whole.v[1], e = whole.v[5];
  const Real saa = whole.v[2] - a * (a / count);
  const Real sbb = whole.v[3] - b * (b / count);
  const Real see = whole.v[6] - e * (e / count);
  return !(saa * 8 >= whole.v[2]) || !(sbb * 8 >= whole.v[3]) || !(see * 8 >= whole.v[6]);
}

/// A state computed in registers from shifted sums (centre_states for one state).
template <class Real>
struct centred {
  Real count, lo_x, lo_y, sxx, syy, sxy, gap, ssr;

  /// `inv_m` is 1/w (0 for w = 0), from a table: one division fewer per state.
  centred(Real w, Real inv_m, Real a, Real b, Real aa, Real bb, Real ab, Real e, Real ee, Real eb) noexcept {
    count = w;
    syy = bb - b * (b * inv_m);
    const Real see = ee - e * (e * inv_m);
    const Real seb = eb - e * (b * inv_m);
    const Real inv_syy = (syy > 0 ? Real(1) : Real(0)) / (syy > 0 ? syy : Real(1));
    lo_x = a * inv_m;
    lo_y = b * inv_m;
    sxx = aa - a * (a * inv_m);
    sxy = ab - a * (b * inv_m);
    gap = seb * inv_syy;
    ssr = see - seb * (seb * inv_syy);
  }
};

/// merge_windows for two clean chunks whose states are still shifted sums: the states are centred in
/// registers and merged at once, so each window reads 16 sums instead of 28 state figures. `early_length`
/// is the previous chunk's length (0 before the first chunk: its suffixes are then empty). Every window
/// has all its positions, so count = positions. Returns the failures of the a-posteriori check.
template <class Real>
[[nodiscard]] std::size_t merge_clean_windows(const packed_sums<Real>* early, const chunk_constants<Real>& ce,
                                              std::size_t early_length, const packed_sums<Real>* late,
                                              const chunk_constants<Real>& cl, std::size_t m,
                                              std::size_t window, std::size_t first_end, std::size_t required,
                                              const Real* inverse, const Real* inverse_reversed,
                                              const window_figures<Real>& out) noexcept {
  const Real nan = std::numeric_limits<Real>::quiet_NaN();
  const Real limit = static_cast<Real>(window_cancellation_limit);
  const Real need = static_cast<Real>(required);
  const Real shift_dx = cl.shift_x - ce.shift_x;
  const Real shift_dy = cl.shift_y - ce.shift_y;
  const Real ref_a = ce.ratio, ref_b = cl.ratio;
  // Reciprocals from tables (inverse[k] = 1/k): of the early count, w − 1 − j, of the late count, j + 1, of
  // the window's pairs n and of n − 1 (in the first chunk n = j + 1; after it, n = window).
  const bool first = first_end == 0;
  const Real* HEDGEMETRICS_RESTRICT inv_early = inverse_reversed;
  const Real* HEDGEMETRICS_RESTRICT inv_late = inverse + 1;
  const Real* HEDGEMETRICS_RESTRICT inv_before = inverse;
  const Real inv_window = inverse[window], inv_window_1 = inverse[window - 1];
  const packed_sums<Real>* HEDGEMETRICS_RESTRICT e_sums =
      early + 1;  // the early state of window j is at j + 1
  const packed_sums<Real>* HEDGEMETRICS_RESTRICT l_sums = late;
  Real* HEDGEMETRICS_RESTRICT out_ratio = out.ratio;
  Real* HEDGEMETRICS_RESTRICT out_effectiveness = out.effectiveness;
  Real* HEDGEMETRICS_RESTRICT out_residual = out.residual_variance;
  std::size_t* HEDGEMETRICS_RESTRICT out_count = out.count;
  std::size_t failures = 0;
  HEDGEMETRICS_INDEPENDENT_ITERATIONS
  for (std::size_t j = 0; j < m; ++j) {
    const std::size_t end = first_end + j;
    const std::size_t positions = end + 1 < window ? end + 1 : window;
    const long long early_count = static_cast<long long>(early_length) - static_cast<long long>(j + 1) > 0
                                      ? static_cast<long long>(early_length) - static_cast<long long>(j + 1)
                                      : 0;
    const Real* ev = e_sums[j].v;
    const Real* lv = l_sums[j].v;
    const centred<Real> sa(static_cast<Real>(early_count), inv_early[j], ev[0], ev[1], ev[2], ev[3], ev[4],
                           ev[5], ev[6], ev[7]);
    const centred<Real> sb(static_cast<Real>(static_cast<long long>(j + 1)), inv_late[j], lv[0], lv[1], lv[2],
                           lv[3], lv[4], lv[5], lv[6], lv[7]);
    const Real n = sa.count + sb.count;
    const Real inv_n = first ? inv_late[j] : inv_window;
    const Real inv_n_1 = first ? inv_before[j] : inv_window_1;
    const Real weight = sa.count * (sb.count * inv_n);
    const Real dx = shift_dx + (sb.lo_x - sa.lo_x);
    const Real dy = shift_dy + (sb.lo_y - sa.lo_y);
    const Real sxx = sa.sxx + sb.sxx + weight * dx * dx;
    const Real syy = sa.syy + sb.syy + weight * dy * dy;
    const Real sxy = sa.sxy + sb.sxy + weight * dx * dy;
    const Real r = (syy > 0 ? sxy : Real(0)) / (syy > 0 ? syy : Real(1));
    const Real gap_a = (r - ref_a) - sa.gap;
    const Real gap_b = (r - ref_b) - sb.gap;
    const Real de = dx - r * dy;
    const Real ssr = sa.ssr + sb.ssr + gap_a * gap_a * sa.syy + gap_b * gap_b * sb.syy + weight * de * de;
    const Real bound_x = ev[2] + lv[2];
    const Real bound_y = ev[3] + lv[3];
    const Real bound_e = ev[6] + lv[6] + gap_a * gap_a * ev[3] + gap_b * gap_b * lv[3];
    const bool exact_enough = (sxx * limit >= bound_x) & (syy * limit >= bound_y) & (ssr * limit >= bound_e);
    const bool reported = n >= need;
    failures += static_cast<std::size_t>(reported & !exact_enough);
    const bool has_ratio = reported & (syy > 0);
    const Real inv_sxx = 1 / sxx;
    const Real unexplained = ssr * inv_sxx;
    const Real explained = r * (sxy * inv_sxx);
    Real r2 = unexplained < Real(0.5) ? 1 - unexplained : explained;
    r2 = r2 > 1 ? Real(1) : r2;
    const Real residual = ssr * inv_n_1;
    out_ratio[j] = has_ratio ? r : nan;
    out_effectiveness[j] = (has_ratio & (sxx > 0)) ? r2 : nan;
    out_residual[j] = has_ratio ? residual : nan;
    out_count[j] = positions;
  }
  return failures;
}

/// Asks for the next chunk's data to be brought into cache while this one is processed: the scan reads each
/// chunk forwards and backwards at once, and the backward stream is one the hardware prefetchers do not
/// anticipate (bench_rolling: 1.5x faster with this).
template <class X, class Y>
void prefetch_chunk(const X* x, const Y* y, std::size_t m) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  constexpr std::size_t line = 64;
  const auto* bx = reinterpret_cast<const unsigned char*>(x);
  const auto* by = reinterpret_cast<const unsigned char*>(y);
  for (std::size_t i = 0; i < m * sizeof(X); i += line) __builtin_prefetch(bx + i);
  for (std::size_t i = 0; i < m * sizeof(Y); i += line) __builtin_prefetch(by + i);
#else
  static_cast<void>(x), static_cast<void>(y), static_cast<void>(m);
#endif
}

/// Every window's figures: the chunked prefix/suffix scheme described at the top of this file.
/// `required` ≥ 2 is the least number of pairs a figure needs (min_periods).
///
/// Per chunk, the common case (every value finite, the previous chunk too, and every window passing the
/// check) is: two sweeps for the chunk's constants, one scan, one fused merge. Otherwise the chunk's
/// states are centred into arrays and merged by merge_windows, and if a window still fails, both chunks
/// are rebuilt the careful way.
template <class Real, class X, class Y>
void rolling_windows(const X* x, const Y* y, std::size_t n, std::size_t window, std::size_t required,
                     bool propagate, const window_figures<Real>& out) {
  if (n == 0) return;
  chunk_data<Real> current, previous;
  for (chunk_data<Real>* c : {&current, &previous}) {
    c->x.assign(window, Real(0));
    c->y.assign(window, Real(0));
    c->weight.assign(window, Real(0));
  }
  raw_sums<Real> raw_prefix;
  raw_sums<Real> raw_suffixes[2];  // the previous chunk's suffixes and the current chunk's (general path)
  raw_prefix.resize(window);
  raw_suffixes[0].resize(window + 1);  // index `window`: the empty suffix, kept zero
  raw_suffixes[1].resize(window + 1);
  std::vector<packed_sums<Real>> packed_prefix(window), packed_suffixes[2];
  packed_suffixes[0].assign(window + 1, packed_sums<Real>{});  // index `window`: the empty suffix
  packed_suffixes[1].assign(window + 1, packed_sums<Real>{});
  state_arrays<Real> prefix, early;
  prefix.resize(window);
  early.resize(window + 1);
  chunk_constants<Real> constants[2];
  bool clean[2] = {true, true};  // chunk −1 (empty) counts as clean
  // inverse[k] = 1/k (0 for k = 0), and the same reversed for the previous chunk's suffix counts.
  std::vector<Real> inverse(window + 1), inverse_reversed(window);
  inverse[0] = 0;
  for (std::size_t i = 1; i <= window; ++i) inverse[i] = 1 / static_cast<Real>(i);
  for (std::size_t i = 0; i < window; ++i) inverse_reversed[i] = inverse[window - 1 - i];
  std::size_t k = 0;
  for (std::size_t begin = 0; begin < n; begin += window, ++k) {
    const std::size_t m = n - begin < window ? n - begin : window;
    const std::size_t now = k % 2, before = (k + 1) % 2;
    const std::size_t early_length = k == 0 ? 0 : window;
    chunk_constants<Real>& c = constants[now];
    {
      // As many positions as this chunk, at least 512 positions ahead (small windows: several chunks ahead).
      const std::size_t ahead = begin + (m > 512 ? m : 512);
      if (ahead < n) prefetch_chunk(x + ahead, y + ahead, n - ahead < m ? n - ahead : m);
    }
    // The chunk's shift and reference ratio: from the previous chunk when it was clean, else from this one.
    bool clean_now = false;
    if (k > 0 && clean[before] &&
        constants_from_previous(packed_suffixes[before][0], static_cast<Real>(window), constants[before],
                                c)) {
      scan_clean_chunk(x + begin, y + begin, m, c, packed_prefix.data(), packed_suffixes[now].data());
      // A NaN or an infinity anywhere in the chunk makes the sums over the whole chunk non-finite.
      const packed_sums<Real>& whole = packed_prefix[m - 1];
      clean_now = std::isfinite(whole.v[0]) && std::isfinite(whole.v[1]) && std::isfinite(whole.v[2]) &&
                  std::isfinite(whole.v[3]) && std::isfinite(whole.v[6]);
      // When the level has moved so far that the previous chunk's mean is a poor shift for this one (raw
      // sums over 8 times the centred ones: price levels rather than changes), scan again with this chunk's
      // own means and ratio, which the sums just computed give: one more scan instead of the general path.
      if (clean_now && needs_recentring(whole, static_cast<Real>(m))) {
        chunk_constants<Real> own;
        if (constants_from_previous(whole, static_cast<Real>(m), c, own)) {
          c = own;
          scan_clean_chunk(x + begin, y + begin, m, c, packed_prefix.data(), packed_suffixes[now].data());
        }
      }
    } else if (clean_chunk_constants(x + begin, y + begin, m, c)) {
      scan_clean_chunk(x + begin, y + begin, m, c, packed_prefix.data(), packed_suffixes[now].data());
      clean_now = true;
    }
    clean[now] = clean_now;
    bool loaded = false;
    if (!clean_now) {
      load_chunk(current, x + begin, y + begin, m);
      loaded = true;
      c = chunk_constants<Real>{current.shift_x, current.shift_y, current.ratio};
      scan_chunk(current, raw_prefix, raw_suffixes[now]);
    }
    const window_figures<Real> here{out.ratio + begin, out.effectiveness + begin,
                                    out.residual_variance + begin, out.count + begin};
    const bool both_clean = clean[now] && clean[before];
    if (both_clean && merge_clean_windows(packed_suffixes[before].data(), constants[before], early_length,
                                          packed_prefix.data(), c, m, window, begin, required, inverse.data(),
                                          inverse_reversed.data(), here) == 0) {
      continue;
    }
    // The general path: states as arrays (the previous chunk's suffixes, then this chunk's prefixes). For
    // two clean chunks it would merge the very sums that just failed, so they go straight to the careful way.
    if (!both_clean) {
      if (clean[before])
        unpack_sums(packed_suffixes[before].data(), early_length, false, raw_suffixes[before]);
      if (clean[now]) unpack_sums(packed_prefix.data(), m, true, raw_prefix);
      chunk_data<Real> shifts;
      shifts.shift_x = constants[before].shift_x, shifts.shift_y = constants[before].shift_y;
      shifts.ratio = constants[before].ratio;
      centre_states(shifts, raw_suffixes[before], early, early_length);
      shifts.shift_x = c.shift_x, shifts.shift_y = c.shift_y, shifts.ratio = c.ratio;
      centre_states(shifts, raw_prefix, prefix, m);
      if (merge_windows(early, prefix, m, window, begin, propagate, required, here) == 0) continue;
    }
    if (!loaded) load_chunk(current, x + begin, y + begin, m);
    careful_prefixes(current, prefix);
    if (k > 0) {
      load_chunk(previous, x + begin - window, y + begin - window, window);
      careful_suffixes(previous, early);
    } else {
      early.resize(window + 1);  // chunk −1: empty states
    }
    // Exact states pass the check by construction (every merge term is non-negative), except when their sums
    // overflow, and then the figures are NaN anyway.
    static_cast<void>(merge_windows(early, prefix, m, window, begin, propagate, required, here));
  }
}

}  // namespace hedgemetrics::detail

#if defined(__clang__)
#pragma clang diagnostic pop
#endif

#endif  // HEDGEMETRICS_DETAIL_WINDOW_STATES_HPP
