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
/// Prefix and suffix states come from a fast vectorisable scan: running sums of deviations from a
/// chunk-local shift (the chunk's mean) and of residuals at a chunk-local reference ratio (the chunk's
/// ratio), the shifted-data algorithm of Chan, Golub & LeVeque (1983, §3). Each window is then merged
/// exactly (Chan, Golub & LeVeque 1979, with the residual sum re-expressed at the merged ratio as in
/// detail::comoments::merge), and its result is checked a posteriori: every figure must exceed the raw
/// sums it was computed from by no more than a factor `window_cancellation_limit`, which bounds the digits
/// lost to cancellation. A window that fails (a level jump inside a chunk, a constant series, overflow)
/// has both of its chunks rebuilt with exact one-pair-at-a-time comoments merges and is merged again.
#ifndef HEDGEMETRICS_DETAIL_WINDOW_STATES_HPP
#define HEDGEMETRICS_DETAIL_WINDOW_STATES_HPP

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "hedgemetrics/detail/comoments.hpp"

namespace hedgemetrics::detail {

/// The largest factor by which a window's S_xx, S_yy or SSR may be smaller than the raw shifted sums it is
/// computed from: log10(64) = 1.8 digits lost at most, out of 16, far inside the 1e-9 target. Any window
/// beyond it is recomputed the careful way (bench_rolling shows real data never triggers it).
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
  const Real* w = raw.w.data();
  const Real* a = raw.a.data();
  const Real* b = raw.b.data();
  const Real* aa = raw.aa.data();
  const Real* bb = raw.bb.data();
  const Real* ab = raw.ab.data();
  const Real* e = raw.e.data();
  const Real* ee = raw.ee.data();
  const Real* eb = raw.eb.data();
  for (std::size_t i = 0; i < m; ++i) {
    const Real inv_m = w[i] > 0 ? 1 / w[i] : Real(0);
    const Real syy = bb[i] - b[i] * (b[i] * inv_m);
    const Real see = ee[i] - e[i] * (e[i] * inv_m);
    const Real seb = eb[i] - e[i] * (b[i] * inv_m);
    const Real inv_syy = syy > 0 ? 1 / syy : Real(0);
    out.count[i] = w[i];
    out.hi_x[i] = sx;
    out.lo_x[i] = a[i] * inv_m;
    out.hi_y[i] = sy;
    out.lo_y[i] = b[i] * inv_m;
    out.sxx[i] = aa[i] - a[i] * (a[i] * inv_m);
    out.syy[i] = syy;
    out.sxy[i] = ab[i] - a[i] * (b[i] * inv_m);
    out.ref[i] = r0;
    out.gap[i] = seb * inv_syy;
    out.ssr[i] = see - seb * (seb * inv_syy);
    out.scale_x[i] = aa[i];
    out.scale_y[i] = bb[i];
    out.scale_e[i] = ee[i];
  }
}

/// Exact prefix states of a chunk, one pair at a time (comoments::merge with a one-pair state).
template <class Real>
void careful_prefixes(const chunk_data<Real>& c, state_arrays<Real>& out) noexcept {
  comoments<Real> state;
  for (std::size_t j = 0; j < c.length; ++j) {
    if (c.weight[j] > 0) {
      comoments<Real> one;
      one.count = 1;
      one.mean_x = c.x[j];
      one.mean_y = c.y[j];
      state = comoments<Real>::merge(state, one);
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
      comoments<Real> one;
      one.count = 1;
      one.mean_x = c.x[j];
      one.mean_y = c.y[j];
      state = comoments<Real>::merge(one, state);
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
  std::size_t failures = 0;
  for (std::size_t j = 0; j < m; ++j) {
    const std::size_t i = j + 1;
    // Positions in the window ending at first_end + j (fewer than `window` only in the first chunk).
    const std::size_t end = first_end + j;
    const Real positions = static_cast<Real>(end + 1 < window ? end + 1 : window);
    const Real n_a = early.count[i];
    const Real n_b = late.count[j];
    const Real n = n_a + n_b;
    const Real weight = n > 0 ? n_a * (n_b / n) : Real(0);
    const Real dx = (late.hi_x[j] - early.hi_x[i]) + (late.lo_x[j] - early.lo_x[i]);
    const Real dy = (late.hi_y[j] - early.hi_y[i]) + (late.lo_y[j] - early.lo_y[i]);
    const Real sxx = early.sxx[i] + late.sxx[j] + weight * dx * dx;
    const Real syy = early.syy[i] + late.syy[j] + weight * dy * dy;
    const Real sxy = early.sxy[i] + late.sxy[j] + weight * dx * dy;
    const Real r = syy > 0 ? sxy / syy : Real(0);
    const Real gap_a = (r - early.ref[i]) - early.gap[i];
    const Real gap_b = (r - late.ref[j]) - late.gap[j];
    const Real de = dx - r * dy;
    const Real part_a = gap_a * gap_a * early.syy[i];
    const Real part_b = gap_b * gap_b * late.syy[j];
    const Real ssr = early.ssr[i] + late.ssr[j] + part_a + part_b + weight * de * de;
    // A posteriori: each figure against the raw sums it came from (all non-negative terms).
    const Real bound_x = early.scale_x[i] + late.scale_x[j];
    const Real bound_y = early.scale_y[i] + late.scale_y[j];
    const Real bound_e = early.scale_e[i] + late.scale_e[j] + gap_a * gap_a * early.scale_y[i] +
                         gap_b * gap_b * late.scale_y[j];
    const bool exact_enough = sxx * limit >= bound_x && syy * limit >= bound_y && ssr * limit >= bound_e;
    failures += exact_enough ? 0U : 1U;

    const bool enough = (propagate ? positions : n) >= need && !(propagate && n < positions);
    const bool has_ratio = enough && syy > 0;
    const Real unexplained = ssr / sxx;
    Real r2 = unexplained < Real(0.5) ? 1 - unexplained : r * (sxy / sxx);
    r2 = r2 > 1 ? Real(1) : r2;
    out.ratio[j] = has_ratio ? r : nan;
    out.effectiveness[j] = has_ratio && sxx > 0 ? r2 : nan;
    out.residual_variance[j] = has_ratio ? ssr / (n - 1) : nan;
    out.count[j] = static_cast<std::size_t>(propagate ? positions : n);
  }
  return failures;
}

/// Every window's figures: the chunked prefix/suffix scheme described at the top of this file.
/// `required` ≥ 2 is the least number of pairs a figure needs (min_periods).
template <class Real, class X, class Y>
void rolling_windows(const X* x, const Y* y, std::size_t n, std::size_t window, std::size_t required,
                     bool propagate, const window_figures<Real>& out) {
  if (n == 0) return;
  chunk_data<Real> chunks[2];
  for (chunk_data<Real>& c : chunks) {
    c.x.assign(window, Real(0));
    c.y.assign(window, Real(0));
    c.weight.assign(window, Real(0));
  }
  raw_sums<Real> raw_prefix, raw_suffix;
  raw_prefix.resize(window);
  raw_suffix.resize(window);
  state_arrays<Real> prefix;
  state_arrays<Real> suffixes[2];  // the previous chunk's suffixes and the current chunk's
  prefix.resize(window);
  suffixes[0].resize(window + 1);  // chunk −1: empty states
  suffixes[1].resize(window + 1);
  bool previous_careful = true;  // the empty states of chunk −1 need no rebuilding
  std::size_t k = 0;
  for (std::size_t begin = 0; begin < n; begin += window, ++k) {
    const std::size_t m = n - begin < window ? n - begin : window;
    chunk_data<Real>& current = chunks[k % 2];
    chunk_data<Real>& previous = chunks[(k + 1) % 2];
    state_arrays<Real>& early = suffixes[(k + 1) % 2];
    state_arrays<Real>& late_suffix = suffixes[k % 2];
    load_chunk(current, x + begin, y + begin, m);
    scan_chunk(current, raw_prefix, raw_suffix);
    centre_states(current, raw_prefix, prefix, m);
    centre_states(current, raw_suffix, late_suffix, m);
    // The suffix starting one past the chunk's end is empty (already zero from resize; keep it so).
    const window_figures<Real> here{out.ratio + begin, out.effectiveness + begin,
                                    out.residual_variance + begin, out.count + begin};
    if (merge_windows(early, prefix, m, window, begin, propagate, required, here) > 0) {
      careful_prefixes(current, prefix);
      if (!previous_careful) careful_suffixes(previous, early);
      // Exact states pass the check by construction (every merge term is non-negative), except when
      // their sums overflow, and then the figures are NaN anyway.
      static_cast<void>(merge_windows(early, prefix, m, window, begin, propagate, required, here));
    }
    previous_careful = false;
  }
}

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_WINDOW_STATES_HPP
