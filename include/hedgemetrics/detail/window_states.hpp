// SPDX-License-Identifier: MIT
/// \file
/// The engine behind rolling_hedge: the figures of every window of a series in O(n) time and O(window)
/// memory, without ever subtracting an observation from a running sum that outlives it.
///
/// The series is cut into chunks of `window` positions. A window that ends at position j of chunk k is the
/// part of chunk k − 1 after j together with the part of chunk k up to j, and each part is summarised on
/// its own: no state ever holds an observation that is not in the window for longer than the chunk it is
/// in (the two-stack idea of van Herk 1992 and Gil & Werman 1993 for running maxima, applied to an
/// invertible-in-theory but not-in-floating-point sum). So a burst of values 1e9 larger leaves no trace in
/// any window once it has left, and rounding never accumulates along the series. Three paths:
///  - the first chunk's windows hold positions 0 … t: expanding windows, one exact comoments merge per pair
///    (decayed_windows, also behind ewma_hedge and expanding_hedge);
///  - every later chunk, the last incomplete one included: the lane engine of window_lanes.hpp, several
///    chunks at once in vector lanes, with an a-posteriori check on every window;
///  - the chunks the lane engine cannot vouch for, and the incomplete chunk of a series shorter than two
///    windows: the general path below.
///
/// The general path builds the state of every suffix of chunk k − 1 and every prefix of chunk k from one
/// scan per chunk: running sums Σa, Σb, Σa², Σb², Σab, Σe, Σe², Σeb of deviations a = x − x̂, b = y − ŷ from
/// the chunk's means and of residuals e = a − r₀b at its ratio (Chan, Golub & LeVeque 1983, §3), pairs that
/// are not both finite weighted 0. Keeping Σe² as its own sum is what keeps near-perfect hedges exact: the
/// residual sum at the state's own ratio is S_ee − S_eb²/S_bb, whose rounding is a few ulps of S_ee. Each
/// window then merges two centred states exactly (Chan, Golub & LeVeque 1979, with the residual sum
/// re-expressed at the merged ratio as in detail::comoments::merge) and is checked a posteriori: every
/// figure must be at least 1/`window_cancellation_limit` of the raw sums it was computed from. If one
/// fails, both chunks are rebuilt with exact one-pair-at-a-time comoments merges.
///
/// Range (issue 10): all of the above squares deviations in plain doubles, which is exact enough only while
/// the values stay in moderate_band ([2^-400, 2^400] or 0). Outside it the data are scaled by powers of
/// two, in the careful paths only, as LAPACK's dnrm2 and Blue's (1978) algorithm do: decayed_windows notices
/// (band_tracker: a few integer operations per value) and computes its figures again on a path whose state
/// follows the data's binary exponent; the lane engine refuses such chunks already (its sums leave
/// [1e-120, 1e120]), and the general path divides the two chunks of a window by one power of two per
/// series, or, when their magnitudes span more than 2^700, computes each window on the scaled path. Figures are scaled back once with std::ldexp: +inf
/// where the true value exceeds DBL_MAX, a subnormal or 0 where it is below the normal range, and the ratio
/// and effectiveness as exact as on data of ordinary size.
#ifndef HEDGEMETRICS_DETAIL_WINDOW_STATES_HPP
#define HEDGEMETRICS_DETAIL_WINDOW_STATES_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "hedgemetrics/detail/comoments.hpp"
#include "hedgemetrics/detail/range.hpp"
#include "hedgemetrics/detail/window_lanes.hpp"
#include "hedgemetrics/hedge_ratio.hpp"

// Clang reports a loop it was asked to vectorise but could not (long double: no vector type) as a warning,
// -Wpass-failed; that is expected here, so it is silenced for this header only.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpass-failed"
#endif

namespace hedgemetrics::detail {

// Every window's figures round the same in every unit, whatever its flags (detail/config.hpp).
HEDGEMETRICS_NO_FP_CONTRACT_BEGIN

/// An array of Real that is not initialised when allocated (the general path overwrites every element it
/// reads, and zeroing its ~50 window-long arrays cost as much as the chunks it recomputes).
template <class Real>
class scratch {
 public:
  void allocate(std::size_t m) { data_.reset(new Real[m]); }
  [[nodiscard]] Real* data() noexcept { return data_.get(); }
  [[nodiscard]] const Real* data() const noexcept { return data_.get(); }
  Real& operator[](std::size_t i) noexcept { return data_[i]; }
  const Real& operator[](std::size_t i) const noexcept { return data_[i]; }

 private:
  std::unique_ptr<Real[]> data_;
};

/// Co-moment states of one chunk's prefixes or suffixes, one array per figure (vectorisable layout).
/// State i: `count` pairs; exposure mean hi_x + lo_x (a shift and the mean deviation from it, or a double
/// and its rounding error); centred sums sxx, syy, sxy; own ratio ref + gap (a reference ratio and the
/// exact-ish offset from it, so that (h − ratio) keeps its digits when h is close to it); ssr, the residual
/// sum at that ratio; and the raw sums that bound each figure's rounding error (scale_*).
template <class Real>
struct state_arrays {
  scratch<Real> count, hi_x, lo_x, hi_y, lo_y, sxx, syy, sxy, ref, gap, ssr, scale_x, scale_y, scale_e;

  void allocate(std::size_t m) {
    for (scratch<Real>* v : {&count, &hi_x, &lo_x, &hi_y, &lo_y, &sxx, &syy, &sxy, &ref, &gap, &ssr, &scale_x,
                             &scale_y, &scale_e}) {
      v->allocate(m);
    }
  }

  /// Makes state i the state of no pairs.
  void clear(std::size_t i) noexcept {
    for (scratch<Real>* v : {&count, &hi_x, &lo_x, &hi_y, &lo_y, &sxx, &syy, &sxy, &ref, &gap, &ssr, &scale_x,
                             &scale_y, &scale_e}) {
      (*v)[i] = 0;
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
  scratch<Real> w, a, b, aa, bb, ab, e, ee, eb;

  void allocate(std::size_t m) {
    for (scratch<Real>* v : {&w, &a, &b, &aa, &bb, &ab, &e, &ee, &eb}) v->allocate(m);
  }
};

/// The band of magnitudes inside which the sums of squares of the window paths need no scaling: two distinct
/// values whose magnitudes are 0 or within [2^-400, 2^400] differ by at least 2^-452 (an ulp of 2^-400) and
/// by at most 2^401, so every square, product and sum of a window of fewer than 2^100 pairs stays a normal
/// double, and figures of such data are those of the unscaled arithmetic, bit for bit. Data outside the
/// band take the scaled (careful) paths: decayed_windows_in_range, and general_chunk's rescaled chunks.
template <class Real>
struct moderate_band {
  Real lower = std::ldexp(Real(1), -400);
  Real upper = std::ldexp(Real(1), 400);
  /// Whether a finite value is in the band (0 included).
  [[nodiscard]] bool holds(Real v) const noexcept {
    const Real a = v < 0 ? -v : v;
    return !(a > upper) & !((a < lower) & (a != 0));
  }
};

/// Whether every value seen is in moderate_band, tracked in the fast path's loop at the cost of a few
/// integer operations per value: for doubles on their bits (shifted left by one, which drops the sign and
/// keeps the order of magnitudes; 0 stays 0), the largest key and the smallest non-zero one (key − 1 turns 0
/// into the largest unsigned value, which a minimum ignores). The same test as comparisons of doubles cost
/// 43 instructions per pair (GCC 12 -O2, cachegrind: 184 against the loop's 141) and 5-10% of the time;
/// these cost 24, hidden behind the loop's divisions (bench_rolling: within ±2%).
template <class Real>
struct band_tracker {
  Real largest = 0;
  Real smallest = std::numeric_limits<Real>::infinity();
  void add(Real v) noexcept {
    const Real a = v < 0 ? -v : v;
    largest = a > largest ? a : largest;
    smallest = ((a < smallest) & (a != 0)) ? a : smallest;
  }
  [[nodiscard]] bool beyond() const noexcept {
    const moderate_band<Real> band;
    return largest > band.upper || smallest < band.lower;
  }
};

template <>
struct band_tracker<double> {
  std::uint64_t largest = 0;
  std::uint64_t smallest = ~std::uint64_t(0);
  static std::uint64_t key(double v) noexcept {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    return bits << 1;
  }
  void add(double v) noexcept {
    const std::uint64_t k = key(v);
    largest = k > largest ? k : largest;
    smallest = k - 1 < smallest ? k - 1 : smallest;
  }
  [[nodiscard]] bool beyond() const noexcept {
    const moderate_band<double> band;
    return largest > key(band.upper) || smallest < key(band.lower) - 1;
  }
};

/// The binary exponent e of |v| (|v| in [2^(e−1), 2^e)); `none` for 0.
template <class Real>
[[nodiscard]] int exponent_of(Real v, int none) noexcept {
  if (v == 0) return none;
  int e = 0;
  static_cast<void>(std::frexp(v, &e));
  return e;
}

/// One chunk's data, converted to Real: values of pairs that are not both finite are replaced by 0 and
/// carry weight 0, so every loop over the chunk is branch-free.
template <class Real>
struct chunk_data {
  scratch<Real> x, y, weight;
  std::size_t length = 0;
  Real shift_x = 0;
  Real shift_y = 0;
  Real ratio = 0;
  /// Every value in moderate_band: the chunk's sums need no scaling.
  bool moderate = true;
};

template <class Real>
void chunk_constants(chunk_data<Real>& chunk, Real sum_x, Real sum_y, Real kept) noexcept;

template <class Real, class X, class Y>
void load_chunk(chunk_data<Real>& chunk, const X* x, const Y* y, std::size_t length) {
  chunk.length = length;
  Real sum_x = 0, sum_y = 0, kept = 0;
  const moderate_band<Real> band;
  bool moderate = true;
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
    const bool held_x = band.holds(chunk.x[i]);
    const bool held_y = band.holds(chunk.y[i]);
    moderate = moderate & held_x & held_y;
  }
  chunk.moderate = moderate;
  chunk_constants(chunk, sum_x, sum_y, kept);
}

/// The chunk's shifts and ratio, from the sums of its values and weights.
template <class Real>
void chunk_constants(chunk_data<Real>& chunk, Real sum_x, Real sum_y, Real kept) noexcept {
  const std::size_t length = chunk.length;
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

/// The binary exponents of the largest and of the smallest non-zero magnitude among a chunk's values
/// (of pairs that count), folded into [lo, hi]: `which` 0 for x, 1 for y.
template <class Real>
void magnitude_exponents(const chunk_data<Real>& chunk, int which, int& lo, int& hi) noexcept {
  constexpr int none = std::numeric_limits<int>::min();
  for (std::size_t i = 0; i < chunk.length; ++i) {
    const Real v = which == 0 ? chunk.x[i] : chunk.y[i];
    const int e = exponent_of(v, none);
    if (e == none) continue;
    lo = e < lo ? e : lo;
    hi = e > hi ? e : hi;
  }
}

/// Divides a loaded chunk's x by 2^ex and y by 2^ey (exact: the magnitudes stay normal) and fits its
/// shifts and ratio again.
template <class Real>
void rescale_chunk(chunk_data<Real>& chunk, int ex, int ey) noexcept {
  Real sum_x = 0, sum_y = 0, kept = 0;
  for (std::size_t i = 0; i < chunk.length; ++i) {
    chunk.x[i] = std::ldexp(chunk.x[i], -ex);
    chunk.y[i] = std::ldexp(chunk.y[i], -ey);
    sum_x += chunk.x[i];
    sum_y += chunk.y[i];
    kept += chunk.weight[i];
  }
  chunk_constants(chunk, sum_x, sum_y, kept);
}

/// Running shifted sums of one chunk: of every prefix (forward), or of every suffix (backward, `suffixes`).
/// The general path needs the prefixes of one chunk and the suffixes of the chunk before.
template <class Real>
void scan_chunk(const chunk_data<Real>& c, raw_sums<Real>& out, bool suffixes) noexcept {
  const std::size_t m = c.length;
  const Real sx = c.shift_x, sy = c.shift_y, r0 = c.ratio;
  Real sw = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0, se = 0, see = 0, seb = 0;
  for (std::size_t k = 0; k < m; ++k) {
    const std::size_t j = suffixes ? m - 1 - k : k;
    const Real w = c.weight[j];
    const Real a = w * (c.x[j] - sx);
    const Real b = w * (c.y[j] - sy);
    const Real e = a - r0 * b;
    sw += w, sa += a, sb += b, saa += a * a, sbb += b * b, sab += a * b, se += e, see += e * e, seb += e * b;
    out.w[j] = sw, out.a[j] = sa, out.b[j] = sb, out.aa[j] = saa, out.bb[j] = sbb;
    out.ab[j] = sab, out.e[j] = se, out.ee[j] = see, out.eb[j] = seb;
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

/// Exact prefix states of a chunk (or suffix states, `suffixes`), one pair at a time: comoments::merge with a
/// one-pair state, the pair after the state for a prefix and before it for a suffix.
template <class Real>
void careful_states(const chunk_data<Real>& c, state_arrays<Real>& out, bool suffixes) noexcept {
  comoments<Real> state;
  for (std::size_t k = 0; k < c.length; ++k) {
    const std::size_t j = suffixes ? c.length - 1 - k : k;
    if (c.weight[j] > 0) {
      const auto pair = comoments<Real>::of_pair(c.x[j], c.y[j]);
      state = suffixes ? comoments<Real>::merge(pair, state) : comoments<Real>::merge(state, pair);
    }
    out.store(j, state);
  }
}

/// The three figures rolling_hedge reports for each window, and the pairs behind them: `count` is null
/// where the counts follow from the positions and are not stored (pair_counts, missing_data::propagate).
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
        a_ssr[j] + b_ssr[j] + (gap_a * a_syy[j]) * gap_a + (gap_b * b_syy[j]) * gap_b + weight * de * de;
    // A posteriori: each figure against the raw sums it came from (all non-negative terms).
    const Real bound_x = a_scale_x[j] + b_scale_x[j];
    const Real bound_y = a_scale_y[j] + b_scale_y[j];
    // A part whose S_yy cancelled (its hedge nearly constant beside its shift: y near 1.17e-88 that differ
    // by 1.6e-97) has a ratio of noise, and the share of its S_xx that its own hedge explains, up to all
    // of it, is misassigned: the figure is trusted only if that S_xx is negligible beside the window's
    // SSR (a fuzz finding, 1.4e-9 of the residual variance lost beside a hedge value of 3e-21).
    const Real lost_a = (a_syy[j] * limit < a_scale_y[j]) ? a_sxx[j] : Real(0);
    const Real lost_b = (b_syy[j] * limit < b_scale_y[j]) ? b_sxx[j] : Real(0);
    const Real bound_e = a_scale_e[j] + b_scale_e[j] + (gap_a * a_scale_y[j]) * gap_a +
                         (gap_b * b_scale_y[j]) * gap_b + (lost_a + lost_b) * limit;
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
    out_ratio[j] = has_ratio ? r : nan;
    out_effectiveness[j] = (has_ratio & (sxx > 0)) ? r2 : nan;
    out_residual[j] = has_ratio ? residual : nan;
  }
  // Stored counts (missing_data::omit): the complete pairs, or under propagate the positions.
  if (out_count != nullptr) {
    for (std::size_t j = 0; j < m; ++j) {
      const std::size_t end = first_end + j;
      const std::size_t positions = end + 1 < window ? end + 1 : window;
      const auto pairs = static_cast<std::size_t>(static_cast<long long>(a_count[j] + b_count[j]));
      out_count[j] = propagate ? positions : pairs;
    }
  }
  return failures;
}

/// Exponentially weighted co-moments, one pair at a time, with the figures of every prefix 0 … t for t < m:
/// the state is decayed by λ (weights, means unchanged) and merged with the new pair as comoments::merge
/// merges a one-pair state (West 1979, "Updating mean and variance estimates: an improved method"; Chan,
/// Golub & LeVeque 1979), so the residual sum stays a sum of non-negative terms. λ = 1 gives the expanding
/// (equally weighted) estimate, which is also every window of rolling_hedge's first chunk. A figure needs
/// `required` ≥ 2 pairs; under `propagate` none follows a non-finite pair (count: positions), otherwise
/// such pairs are skipped (count: pairs). `sample_variance`: SSR/(pairs − 1), else SSR/Σweights.
///
/// `Scaled` (the careful path, decayed_windows_in_range): the state holds x·2^−e_x and y·2^−e_y, and before
/// each pair is merged the exponents follow the magnitude of the data in the state and of the new pair
/// (the larger of |mean| and the spread √(S/W), and |x|), so that every scaled deviation, square and sum
/// stays far from overflow and gradual underflow whatever the data's scale, as in Blue's (1978) scaled
/// Euclidean norm. A change of exponent multiplies the state by a power of two (exact, but for parts
/// below 2^−900 of the new pair's, which weigh nothing). Figures are scaled back once, by std::ldexp: a
/// variance beyond DBL_MAX is +inf, one below the normal range a subnormal or 0, and the ratio (by
/// 2^(e_x − e_y)) and the effectiveness are as exact as on data of ordinary size.
template <bool Scaled, class Real, class X, class Y>
void decayed_windows_path(const X* x, const Y* y, std::size_t m, Real lambda, std::size_t required,
                          bool propagate, bool sample_variance, const window_figures<Real>& out) noexcept;

/// decayed_windows for data outside moderate_band (see decayed_windows_path).
template <class Real, class X, class Y>
void decayed_windows_in_range(const X* x, const Y* y, std::size_t m, Real lambda, std::size_t required,
                              bool propagate, bool sample_variance,
                              const window_figures<Real>& out) noexcept {
  decayed_windows_path<true>(x, y, m, lambda, required, propagate, sample_variance, out);
}

/// The exponentially weighted (λ < 1) or expanding (λ = 1) figures of every prefix: decayed_windows_path,
/// unscaled while every value is in moderate_band (the fast path: one more comparison per pair), and
/// computed again from the start on the careful, scaled path as soon as one is not.
template <class Real, class X, class Y>
void decayed_windows(const X* x, const Y* y, std::size_t m, Real lambda, std::size_t required, bool propagate,
                     bool sample_variance, const window_figures<Real>& out) noexcept {
  decayed_windows_path<false>(x, y, m, lambda, required, propagate, sample_variance, out);
}

template <bool Scaled, class Real, class X, class Y>
void decayed_windows_path(const X* x, const Y* y, std::size_t m, Real lambda, std::size_t required,
                          bool propagate, bool sample_variance, const window_figures<Real>& out) noexcept {
  const Real nan = std::numeric_limits<Real>::quiet_NaN();
  Real total = 0, mean_x = 0, tail_x = 0, mean_y = 0, tail_y = 0, sxx = 0, syy = 0, sxy = 0, ratio = 0,
       ssr = 0;
  // Scaled: the state is that of x·2^-scale_x and y·2^-scale_y.
  int scale_x = 0, scale_y = 0;
  std::size_t seen = 0;
  bool poisoned = false;
  band_tracker<Real> seen_values;  // unscaled pass: whether a value is outside the band
  // The figures at t, NaN where not `defined`. `inverse` is 1/(pairs − 1) or 1/Σweights, and S_xx is divided
  // once for both shares of it: two divisions fewer per pair, 11% less time (10^6 pairs, -O2), for one
  // rounding more in each figure.
  const auto write_figures = [&](std::size_t t, bool defined, Real inverse) noexcept {
    const Real inv_sxx = 1 / sxx;
    const Real unexplained = ssr * inv_sxx;
    const Real r2 = unexplained < Real(0.5) ? 1 - unexplained : ratio * (sxy * inv_sxx);
    out.effectiveness[t] = defined && sxx > 0 ? (r2 > 1 ? Real(1) : r2) : nan;
    const Real residual = ssr * inverse;
    if constexpr (Scaled) {
      out.ratio[t] = defined ? std::ldexp(ratio, scale_x - scale_y) : nan;
      out.residual_variance[t] = defined ? std::ldexp(residual, 2 * scale_x) : nan;
    } else {
      out.ratio[t] = defined ? ratio : nan;
      out.residual_variance[t] = defined ? residual : nan;
    }
  };
  // Scaled: the exponent the state of one series should have for a new value u (unscaled): that of the
  // larger of u and the state's own magnitude, kept while it is within 2^±64 of the current one. Returns
  // the power of two by which the state's values are multiplied (0: unchanged).
  constexpr int none = std::numeric_limits<int>::min();
  const auto follow = [&](Real u, Real& mean, Real& tail, Real s, int& scale) noexcept {
    int target = exponent_of(u, none);
    if (total > 0) {
      const Real a = mean < 0 ? -mean : mean;
      const Real spread = std::sqrt(s / total);
      const int e = exponent_of(a > spread ? a : spread, none);
      if (e != none && e + scale > target) target = e + scale;
    }
    if (target == none || (target <= scale + 64 && target >= scale - 64)) return 0;
    const int delta = scale - target;
    scale = target;
    mean = std::ldexp(mean, delta);
    tail = std::ldexp(tail, delta);
    return delta;
  };
  // Each mean is mean + tail, with the pairs' increments gathered in `tail` and added into mean + tail by
  // two_sum only every `fold_every` pairs: a pair's chain of dependent operations is then the tail's update,
  // not two_sum's six (10% less time again). Each increment is a deviation times its share, and folds wait only
  // while the shares are at most 1/fold_every: the tail then holds at most about one deviation, rounded as
  // finely as each deviation is. With larger shares (the first pairs, whose first increment is the whole value:
  // levels near 1e9 moving by 1, test_rolling's hard families; λ below 7/8) every pair is folded: an EWMA of
  // λ = 0.5 folded every 8 pairs had 5 times the error in R² (test_range). The careful path folds every pair
  // (its scaling reads the mean).
  constexpr std::size_t fold_every = Scaled ? 1 : 8;
  std::size_t next_fold = 1;  // the pair (counted by `seen`) after which the next fold comes
  const bool unit_decay = lambda == 1;
  Real previous_share = std::numeric_limits<Real>::infinity();  // 1/Σweights before the last pair's
  for (std::size_t t = 0; t < m; ++t) {
    Real u = static_cast<Real>(x[t]);
    Real v = static_cast<Real>(y[t]);
    total *= lambda, sxx *= lambda, syy *= lambda, sxy *= lambda, ssr *= lambda;
    if (!is_finite_value(u) || !is_finite_value(v)) {
      // Under omit, the window still has the pairs before this one, whose figures the decay leaves as they
      // were (every weighted sum is scaled alike); under propagate no figure follows.
      poisoned = poisoned || propagate;
      if (out.count != nullptr) out.count[t] = propagate ? t + 1 : seen;
      write_figures(
          t, !(poisoned || seen < required || !(syy > 0) || !std::isfinite(sxx) || !std::isfinite(syy)),
          1 / (sample_variance ? static_cast<Real>(seen - 1) : total));
      continue;
    }
    if constexpr (Scaled) {
      const int dx = follow(u, mean_x, tail_x, sxx, scale_x);
      const int dy = follow(v, mean_y, tail_y, syy, scale_y);
      if ((dx | dy) != 0) {
        // The residual sum at ratio 0, Σ(x − x̄)² of the state (SSR + r²·S_yy), in the old units.
        const Real spread_at_zero = ssr + (ratio * syy) * ratio;
        const Real old_syy = syy;
        sxx = std::ldexp(sxx, 2 * dx);
        syy = std::ldexp(syy, 2 * dy);
        sxy = std::ldexp(sxy, dx + dy);
        ratio = std::ldexp(ratio, dx - dy);
        ssr = std::ldexp(ssr, 2 * dx);
        // The hedge's scale grew by more than 2^256 (or its state's S_yy left the normal range, or the
        // ratio the doubles): its deviations so far weigh nothing beside the new pair's, yet the ratio in
        // the new units may overflow and S_yy underflow, and the ratio's jump term (r − r₀)²·S_yy of the
        // merge would be lost (inf·0). The state is then referred to ratio 0, at which its residual sum is
        // its whole S_xx; the cross term this neglects is S_xy·(r − 0), below 2^-380 of S_xx.
        if (dy < -256 || !std::isfinite(ratio) ||
            (old_syy > 0 && !(syy >= std::numeric_limits<Real>::min()))) {
          ratio = 0;
          ssr = std::ldexp(spread_at_zero, 2 * dx);
        }
      }
      u = std::ldexp(u, -scale_x);
      v = std::ldexp(v, -scale_y);
    } else {
      // Data beyond the band: noted here, and the figures computed again on the careful path below (a
      // flag, not a branch out of the loop: this loop is the fast path's whole cost).
      seen_values.add(u);
      seen_values.add(v);
    }
    ++seen;
    if (out.count != nullptr) out.count[t] = propagate ? t + 1 : seen;
    const Real before = total;
    total += 1;
    const Real share = 1 / total;
    const Real weight = before * share;
    const Real dx = (u - mean_x) - tail_x;
    const Real dy = (v - mean_y) - tail_y;
    tail_x += dx * share;
    tail_y += dy * share;
    if (seen == next_fold) {
      two_sum(mean_x, tail_x, mean_x, tail_x);
      two_sum(mean_y, tail_y, mean_y, tail_y);
      next_fold = seen + (total < static_cast<Real>(fold_every) ? 1 : fold_every);
    }
    const Real old_syy = syy;
    sxx += weight * dx * dx;
    syy += weight * dy * dy;
    sxy += weight * dx * dy;
    const Real new_ratio = syy > 0 ? sxy / syy : Real(0);
    const Real gap = new_ratio - ratio;
    const Real de = dx - new_ratio * dy;
    // (gap·Syy)·gap: gap² alone may overflow when Syy is 0 (the first pair's ratio jump), giving inf·0.
    ssr += (gap * old_syy) * gap + weight * de * de;
    ratio = new_ratio;
    // 1/Σweights, or 1/(pairs − 1): for λ = 1 the share of the pair before (Σweights counts the pairs).
    const Real inverse = !sample_variance ? share
                         : unit_decay     ? previous_share
                                          : 1 / static_cast<Real>(seen - 1);
    previous_share = share;
    write_figures(t,
                  !(poisoned || !std::isfinite(sxx) || !std::isfinite(syy) || seen < required || !(syy > 0)),
                  inverse);
  }
  if constexpr (!Scaled) {
    if (seen_values.beyond())
      decayed_windows_in_range(x, y, m, lambda, required, propagate, sample_variance, out);
  } else {
    static_cast<void>(seen_values);
  }
}

/// Scratch space of the general path, reused from one chunk to the next.
template <class Real>
struct general_workspace {
  chunk_data<Real> current, previous;
  raw_sums<Real> prefix_sums, suffix_sums;
  state_arrays<Real> prefix, early;
  // The figures of one window's positions, for windows recomputed on their own (range_chunk).
  std::vector<Real> one_ratio, one_effectiveness, one_residual;
  std::vector<std::size_t> one_count;

  /// Makes room for chunks of `window` positions, keeping the arrays where they hold that many already.
  void prepare(std::size_t window) {
    if (window > capacity) {
      for (chunk_data<Real>* c : {&current, &previous}) {
        c->x.allocate(window);
        c->y.allocate(window);
        c->weight.allocate(window);
      }
      prefix_sums.allocate(window);
      suffix_sums.allocate(window);
      prefix.allocate(window);
      early.allocate(window + 1);
      capacity = window;
    }
    early.clear(window);  // the suffix after the chunk's last position: empty
  }

 private:
  std::size_t capacity = 0;
};

/// The figures of the windows ending at positions begin … begin + m − 1 (begin ≥ window), each computed on
/// its own by the careful, scaled path (decayed_windows_in_range with λ = 1 over the window's positions,
/// whose last figures are the window's): for chunks with values outside moderate_band, where the windows of
/// one chunk may differ in scale by more than any one power of two can bridge. O(window) per window, for
/// data that no market series produces (magnitudes beyond 2^±400).
template <class Real, class X, class Y>
void range_chunk(const X* x, const Y* y, std::size_t window, std::size_t begin, std::size_t m,
                 std::size_t required, bool propagate, const window_figures<Real>& out,
                 general_workspace<Real>& work) {
  work.one_ratio.resize(window);
  work.one_effectiveness.resize(window);
  work.one_residual.resize(window);
  work.one_count.resize(window);
  const window_figures<Real> one{work.one_ratio.data(), work.one_effectiveness.data(),
                                 work.one_residual.data(), work.one_count.data()};
  for (std::size_t j = 0; j < m; ++j) {
    const std::size_t end = begin + j;
    const std::size_t first = end + 1 - window;
    decayed_windows_in_range(x + first, y + first, window, Real(1), required, propagate, true, one);
    out.ratio[end] = one.ratio[window - 1];
    out.effectiveness[end] = one.effectiveness[window - 1];
    out.residual_variance[end] = one.residual_variance[window - 1];
    if (out.count != nullptr) out.count[end] = one.count[window - 1];
  }
}

/// The windows of a general chunk from its two loaded chunks: shifted sums, centred states, merged; and
/// when a window fails the a-posteriori check, exact one-pair-at-a-time states merged again.
template <class Real>
void general_windows(general_workspace<Real>& work, std::size_t m, std::size_t window, std::size_t begin,
                     std::size_t required, bool propagate, const window_figures<Real>& here) {
  scan_chunk(work.current, work.prefix_sums, false);
  centre_states(work.current, work.prefix_sums, work.prefix, m);
  scan_chunk(work.previous, work.suffix_sums, true);
  centre_states(work.previous, work.suffix_sums, work.early, window);
  if (merge_windows(work.early, work.prefix, m, window, begin, propagate, required, here) == 0) return;
  careful_states(work.current, work.prefix, false);
  careful_states(work.previous, work.early, true);
  static_cast<void>(merge_windows(work.early, work.prefix, m, window, begin, propagate, required, here));
}

/// The figures of every window ending in the chunk of `window` positions from `begin` (≥ window; fewer at
/// the series' end), the general way: each of the two chunks (this one and the `window` positions before)
/// weighted for missing pairs and scanned about its own means and ratio, the states centred into arrays
/// and merged by merge_windows; when a window still fails the a-posteriori check, both chunks are rebuilt
/// with exact one-pair-at-a-time comoments merges (which pass it by construction, every merge term being
/// non-negative, unless their sums overflow, and then the figures are NaN anyway).
template <class Real, class X, class Y>
void general_chunk(const X* x, const Y* y, std::size_t n, std::size_t window, std::size_t begin,
                   std::size_t required, bool propagate, const window_figures<Real>& out,
                   general_workspace<Real>& work) {
  const std::size_t m = n - begin < window ? n - begin : window;
  const window_figures<Real> here{out.ratio + begin, out.effectiveness + begin, out.residual_variance + begin,
                                  out.count != nullptr ? out.count + begin : nullptr};
  load_chunk(work.current, x + begin, y + begin, m);
  load_chunk(work.previous, x + begin - window, y + begin - window, window);
  // Range: two chunks with values beyond moderate_band are divided by one power of two per series when
  // that brings all of them into the band (their magnitudes span less than 2^700), and their figures
  // multiplied back at the end; otherwise each window is computed on its own scaled path.
  int scale_x = 0, scale_y = 0;
  if (!work.current.moderate || !work.previous.moderate) {
    constexpr int none = std::numeric_limits<int>::max();
    int lo_x = none, hi_x = -none, lo_y = none, hi_y = -none;
    for (const chunk_data<Real>* c : {&work.current, &work.previous}) {
      magnitude_exponents(*c, 0, lo_x, hi_x);
      magnitude_exponents(*c, 1, lo_y, hi_y);
    }
    // Scaled to a largest magnitude of 2^300 at most: the smallest is then above 2^-400 if the span allows.
    scale_x = lo_x > hi_x ? 0 : hi_x - 300;
    scale_y = lo_y > hi_y ? 0 : hi_y - 300;
    if ((lo_x <= hi_x && lo_x - scale_x < -399) || (lo_y <= hi_y && lo_y - scale_y < -399)) {
      range_chunk(x, y, window, begin, m, required, propagate, out, work);
      return;
    }
    rescale_chunk(work.current, scale_x, scale_y);
    rescale_chunk(work.previous, scale_x, scale_y);
  }
  general_windows(work, m, window, begin, required, propagate, here);
  if (scale_x == 0 && scale_y == 0) return;
  for (std::size_t j = 0; j < m; ++j) {
    here.ratio[j] = std::ldexp(here.ratio[j], scale_x - scale_y);
    here.residual_variance[j] = std::ldexp(here.residual_variance[j], 2 * scale_x);
  }
}

/// `value` in p[0] … p[n − 1]: a few stores, then copies of what is written in spans that double (memcpy,
/// which the C library does with the widest stores the CPU has). GCC at -O2 makes std::fill_n a loop of
/// one scalar store per element.
template <class Real>
void fill_with(Real* p, std::size_t n, Real value) noexcept {
  const std::size_t head = n < 8 ? n : 8;
  for (std::size_t i = 0; i < head; ++i) p[i] = value;
  for (std::size_t done = head; done < n;) {
    const std::size_t span = done < n - done ? done : n - done;
    std::memcpy(p + done, p, span * sizeof(Real));
    done += span;
  }
}

/// The first chunk's figures where a figure needs the whole window (`required` ≥ window: min_periods left
/// at the window, the default): every position before window − 1 is NaN, and the window ending there is one
/// regression, computed as fit_hedge computes it (compute_comoments_in_range and fit_from: the same figures
/// to the bit) instead of by an exact merge per pair, about 7 ns a pair, 10% of rolling_hedge's time at a
/// window of 5,000 over 10^5 points (bench_rolling). NaN there too where a pair is not complete: under
/// propagate the regression gives NaN itself (as fit_hedge does), and under omit that leaves fewer pairs
/// than `required`, counted as the pairs are checked. Under propagate (counts not stored) nothing is checked
/// and the NaN are copied in spans (fill_with): one position at a time, checking each pair, this was 3% of
/// the time at a window of 5,000 over 10^5 points (perf).
template <class Real, class X, class Y>
void first_window_only(const X* x, const Y* y, std::size_t window, std::size_t required, bool propagate,
                       const window_figures<Real>& out) {
  const Real nan = std::numeric_limits<Real>::quiet_NaN();
  std::size_t complete = window;
  if (!propagate || out.count != nullptr) {
    complete = 0;
    for (std::size_t t = 0; t < window; ++t) {
      const bool both = is_finite_value(static_cast<Real>(x[t])) && is_finite_value(static_cast<Real>(y[t]));
      complete += both ? 1U : 0U;
      if (out.count != nullptr) out.count[t] = propagate ? t + 1 : complete;
    }
  }
  fill_with(out.ratio, window, nan);
  fill_with(out.effectiveness, window, nan);
  fill_with(out.residual_variance, window, nan);
  if (complete < window || required > window) return;
  const hedge_fit<Real> fit = fit_from(compute_comoments_in_range<Real>(
      x, y, window, missing_data::propagate, "hedgemetrics::rolling_hedge", "exposure", "hedge"));
  out.ratio[window - 1] = fit.ratio;
  out.effectiveness[window - 1] = fit.effectiveness;
  out.residual_variance[window - 1] = fit.residual_variance;
}

/// Every window's figures: the chunked prefix/suffix scheme described at the top of this file.
/// `required` ≥ 2 is the least number of pairs a figure needs (min_periods); `window` ≤ n. Every figure and
/// count is written, so `out` needs no filling beforehand.
///
/// The windows ending in the first chunk hold positions 0 … t: expanding windows, one exact merge per pair
/// (decayed_windows), or where only the last of them can have figures, one regression (first_window_only).
/// Those of every later chunk, the last incomplete one included, take the lane engine of window_lanes.hpp;
/// the chunks it cannot vouch for, and the incomplete chunk of a series shorter than two windows, take the
/// general path.
template <class Real, class X, class Y>
void rolling_windows(const X* x, const Y* y, std::size_t n, std::size_t window, std::size_t required,
                     bool propagate, const window_figures<Real>& out) {
  if (n == 0) return;
  if (required >= window) {
    first_window_only(x, y, window, required, propagate, out);
  } else {
    decayed_windows(x, y, window, Real(1), required, propagate, true, out);
  }
  const std::size_t whole = n / window;
  std::vector<std::size_t> failed;
  if (whole > 1) {
    // The last incomplete chunk too: the general path took 22% of rolling_hedge's time at a window of
    // 2,048 over 10^5 points (1,696 positions left after 48 whole chunks; perf), and the series whose
    // length is a multiple of the window are few.
    lane_windows<Real>(x, y, n, window, 1, whole - 1, n % window, out.ratio, out.effectiveness,
                       out.residual_variance, out.count, failed);
  } else if (n % window != 0) {
    failed.push_back(whole * window);
  }
  if (failed.empty()) return;
  // Kept by each thread from one call to the next (52 arrays: 416 bytes per position of the largest window
  // it has needed, 2.1 MB at 5,000): allocated afresh, they were new pages for every call that had a
  // chunk to recompute (every series whose length is not a multiple of the window), as lane_pass's rings.
  static thread_local general_workspace<Real> work;
  work.prepare(window);
  for (std::size_t k = 0; k < failed.size(); ++k) {
    // The next chunk's lines asked for while this one is computed: past the caches they are scattered
    // lines of the series that the lanes left long before (bench_rolling, price levels at 10^6 points).
    if (k + 1 < failed.size()) {
      const std::size_t next = failed[k + 1] - window, span = n - next < 2 * window ? n - next : 2 * window;
      prefetch_lines(x + next, span * sizeof(X));
      prefetch_lines(y + next, span * sizeof(Y));
    }
    general_chunk(x, y, n, window, failed[k], required, propagate, out, work);
  }
}

HEDGEMETRICS_NO_FP_CONTRACT_END

}  // namespace hedgemetrics::detail

#if defined(__clang__)
#pragma clang diagnostic pop
#endif

#endif  // HEDGEMETRICS_DETAIL_WINDOW_STATES_HPP
