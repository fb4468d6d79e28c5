// SPDX-License-Identifier: MIT
/// \file
/// The fast path of rolling_hedge: the windows of whole chunks, several chunks at once, one per vector lane.
///
/// As in window_states.hpp, the series is cut into chunks of `window` positions and the window ending at
/// position j of chunk k is the suffix of chunk k − 1 after j merged with the prefix of chunk k up to j.
/// Here both parts are running sums of shifted values, taken in one forward pass over the two chunks at
/// once: with a = x − x̂, b = y − ŷ and e = a − r₀b about lane constants (x̂, ŷ, r₀), the sums s of
/// a, b, a², b², ab, e, e², eb over the window are
///     s(window) = (T − E_j) + L_j,
/// where T is the sum over the whole of chunk k − 1, E_j its prefix up to j and L_j the prefix of chunk k
/// up to j. Nothing is carried from one window to the next except the two prefix sums, which restart with
/// every chunk, and T is the previous chunk's own sum (L at its end, recomputed from the values in every
/// round): so no rounding accumulates along the series (no drift), and a value that has left the window
/// is in no sum any more once its chunk has been passed. E_j repeats, operation for operation, the sums
/// L_j of the previous round, so T − E_j is the exact difference of two numbers the previous round held.
///
/// The rounding of each window's sums is at most a few ulps of T + E_j + L_j ≤ 2T + L_j per sum of
/// squares, and every window checks a posteriori that its centred co-moments and its residual sum keep at
/// least 1/window_cancellation_limit of that bound (1.8 digits lost at most). A chunk with a window that
/// fails (a burst that has left the window, a level far from the lane's shift, a constant series, a
/// non-finite value) is recomputed by window_states.hpp's general path.
///
/// Vectorisation: lane l works through its own run of consecutive chunks, and the loops over lanes hold
/// no dependence between lanes, so each step is a handful of vector instructions over all lanes (one chunk
/// per lane, as many lanes as one vector register holds), while the sums of each lane form the running
/// dependence chain. The lane constants (shift and reference ratio) stay the same from one chunk to the
/// next while the previous chunk's sums show they are still good (the shifted sums no more than 8 times the
/// centred ones); otherwise they are reset to that chunk's means and ratio and its sums taken again.
#ifndef HEDGEMETRICS_DETAIL_WINDOW_LANES_HPP
#define HEDGEMETRICS_DETAIL_WINDOW_LANES_HPP

#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include "hedgemetrics/detail/blocks.hpp"

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

namespace hedgemetrics::detail {

/// Bytes in the widest vector register the target has (the lane engine puts one chunk in each element).
#if defined(__AVX512F__)
inline constexpr std::size_t vector_bytes = 64;
#elif defined(__AVX__)
inline constexpr std::size_t vector_bytes = 32;
#else
inline constexpr std::size_t vector_bytes = 16;
#endif

/// One value per lane: a vector of Real as wide as the widest register (GCC and Clang vector extensions:
/// every operator acts lane by lane, comparisons give lane masks and `mask ? a : b` selects lane by lane),
/// or Real itself, one lane, where there is no such vector (long double, other compilers).
template <class Real>
struct lane_vector {
  using type = Real;
  static constexpr std::size_t size = 1;
};
#if defined(__GNUC__) || defined(__clang__)
template <>
struct lane_vector<double> {
  typedef double type __attribute__((vector_size(vector_bytes)));
  static constexpr std::size_t size = vector_bytes / sizeof(double);
};
template <>
struct lane_vector<float> {
  typedef float type __attribute__((vector_size(vector_bytes)));
  static constexpr std::size_t size = vector_bytes / sizeof(float);
};
#endif

/// Lane `l` of a lane_vector.
template <class Real, class V>
[[nodiscard]] Real lane_get(const V& v, std::size_t l) noexcept {
  if constexpr (lane_vector<Real>::size == 1) {
    static_cast<void>(l);
    return v;
  } else {
    return v[l];
  }
}

template <class Real, class V>
void lane_set_value(V& v, std::size_t l, Real value) noexcept {
  if constexpr (lane_vector<Real>::size == 1) {
    static_cast<void>(l);
    v = value;
  } else {
    v[l] = value;
  }
}

/// Lane `l` of a comparison's result (a lane mask, or a bool with one lane).
template <class M>
[[nodiscard]] bool mask_get(const M& m, std::size_t l) noexcept {
  if constexpr (std::is_arithmetic_v<M>) {
    static_cast<void>(l);
    return m != 0;
  } else {
    return m[l] != 0;
  }
}

/// The five shifted sums the engine keeps for each chunk part, in this order: with b = y − ŷ and the
/// residual e = (x − x̂) − r₀b, Σb, Σb², Σe, Σe², Σeb. The exposure's sums follow from them, since
/// x − x̂ = e + r₀b: S_xy = S_eb + r₀S_yy and S_xx = S_ee + r₀(S_eb + S_xy); so S_xx and the residual sum keep
/// their digits for a near-perfect hedge, where e is small and x is not.
enum sum_index : std::size_t { sum_b, sum_bb, sum_e, sum_ee, sum_eb, sum_count };

/// The largest factor by which a window's S_xx, S_yy or SSR may be smaller than the bound on the rounding
/// of the sums it is computed from: log10(64) = 1.8 digits lost at most, out of 16, far inside the 1e-9
/// target. A chunk with a window beyond it is recomputed the general way.
inline constexpr double window_cancellation_limit = 64;

/// The five sums of m pairs about (sx, sy, r0), `lanes` accumulators per sum.
template <class Real, class X, class Y>
void chunk_sums(const X* x, const Y* y, std::size_t m, Real sx, Real sy, Real r0,
                Real (&out)[sum_count]) noexcept {
  Real acc[sum_count][lanes] = {};
  const std::size_t whole = m - m % lanes;
  const auto add = [&acc, sx, sy, r0](std::size_t j, Real u, Real v) noexcept {
    const Real b = v - sy;
    const Real e = (u - sx) - r0 * b;
    acc[sum_b][j] += b;
    acc[sum_bb][j] += b * b;
    acc[sum_e][j] += e;
    acc[sum_ee][j] += e * e;
    acc[sum_eb][j] += e * b;
  };
  for (std::size_t i = 0; i < whole; i += lanes) {
    for (std::size_t j = 0; j < lanes; ++j) add(j, static_cast<Real>(x[i + j]), static_cast<Real>(y[i + j]));
  }
  for (std::size_t i = whole; i < m; ++i) add(0, static_cast<Real>(x[i]), static_cast<Real>(y[i]));
  for (std::size_t k = 0; k < sum_count; ++k) out[k] = lane_sum(acc[k]);
}

// Lanes are transposed with __builtin_shufflevector (Clang; GCC 12 and later), else moved one at a time
// (correct, slower). HEDGEMETRICS_NO_SHUFFLEVECTOR forces the latter, to test it.
#if defined(__has_builtin) && !defined(HEDGEMETRICS_NO_SHUFFLEVECTOR)
#if __has_builtin(__builtin_shufflevector)
#define HEDGEMETRICS_HAS_SHUFFLEVECTOR 1
#endif
#endif

#if defined(HEDGEMETRICS_HAS_SHUFFLEVECTOR)
/// Keeps a lambda's body in its caller (GCC and Clang, the compilers with __builtin_shufflevector).
#define HEDGEMETRICS_ALWAYS_INLINE_LAMBDA __attribute__((always_inline))

/// Source element k of one half of a transposition stage: blocks of B elements of a and c, interleaved;
/// `High` takes the odd-numbered blocks of each pair. Indices L and above name c's elements.
template <std::size_t L, std::size_t B, bool High>
constexpr int interleave_index(std::size_t k) noexcept {
  const std::size_t pair = k / (2 * B), at = k % (2 * B), base = pair * 2 * B + (High ? B : 0);
  return static_cast<int>(at < B ? base + at : L + base + (at - B));
}

template <std::size_t L, std::size_t B, bool High, class V, std::size_t... K>
[[nodiscard]] V interleave(const V& a, const V& c, std::index_sequence<K...>) noexcept {
  return __builtin_shufflevector(a, c, interleave_index<L, B, High>(K)...);
}

/// Transposes L vectors of L lanes in place (rows[i][l] becomes rows[l][i]): log2(L) stages of L shuffles,
/// each interleaving blocks of B = 1, 2, 4, … elements of two rows B apart.
template <std::size_t L, std::size_t B = 1, class V>
inline __attribute__((always_inline)) void transpose(V (&rows)[L]) noexcept {
  if constexpr (B < L) {
    for (std::size_t i = 0; i < L; ++i) {
      if ((i & B) != 0) continue;
      const V lo = interleave<L, B, false>(rows[i], rows[i + B], std::make_index_sequence<L>{});
      const V hi = interleave<L, B, true>(rows[i], rows[i + B], std::make_index_sequence<L>{});
      rows[i] = lo;
      rows[i + B] = hi;
    }
    transpose<L, 2 * B>(rows);
  }
}
#endif

/// L consecutive values from `p` as one vector of Real.
template <class Real, class V, std::size_t L, class T>
[[nodiscard]] V load_row(const T* p) noexcept {
  V v;
  if constexpr (std::is_same_v<T, Real> && L > 1) {
    std::memcpy(&v, p, sizeof v);
  } else {
    for (std::size_t l = 0; l < L; ++l) lane_set_value(v, l, static_cast<Real>(p[l]));
  }
  return v;
}

/// Asks for the cache line holding `p` (for reading, or for writing when `write`).
template <bool Write = false, class T>
void prefetch(const T* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p, Write ? 1 : 0);
#else
  static_cast<void>(p);
#endif
}

/// The lane engine: lane l works through a run of consecutive whole chunks; one round does one chunk per
/// lane.
template <class Real>
struct lane_engine {
  using V = typename lane_vector<Real>::type;
  static constexpr std::size_t L = lane_vector<Real>::size;
  /// Positions read ahead by software prefetch: the lanes read 2·L streams and write 3·L, more than the
  /// hardware prefetchers follow (bench_rolling: 1.3x faster with it).
  static constexpr std::size_t ahead = 64;

  std::size_t window;
  std::size_t length;               // of the series
  std::size_t end_of_late = 0;      // one past the last position of the lanes' current chunks, this round
  std::size_t first_late[L] = {};   // first position of each lane's current chunk
  std::size_t rounds[L] = {};       // chunks left to each lane, the current one included
  bool carried[L] = {};             // totals carried from the lane's previous round
  V shift_x{}, shift_y{}, ratio{};  // the lanes' constants x̂, ŷ, r₀
  V total[sum_count] = {};          // the five sums over each lane's previous chunk, about its constants
  // Each lane's previous chunk and current chunk, transposed: row j holds every lane's value at step j.
  std::vector<V> early_x, early_y, late_x, late_y;
  std::vector<Real> spare;  // where lanes without a chunk write

  lane_engine(std::size_t w, std::size_t n) : window(w), length(n) {
    const std::size_t rows = (w + L - 1) / L * L;
    for (std::vector<V>* v : {&early_x, &early_y, &late_x, &late_y}) v->assign(rows, V{});
    spare.assign(rows + L, Real(0));
  }
};

/// Makes lane l's constants fit the `window` pairs at x, y (its previous chunk): the chunk's means and
/// ratio, from the carried totals when they are finite, else from the values; then its totals summed
/// about them. False when the chunk has a non-finite value or its sums overflow.
template <class Real, class X, class Y>
[[nodiscard]] bool refit_lane(lane_engine<Real>& engine, std::size_t l, const X* x, const Y* y) noexcept {
  const std::size_t window = engine.window;
  const Real count = static_cast<Real>(window);
  Real sx = lane_get<Real>(engine.shift_x, l), sy = lane_get<Real>(engine.shift_y, l);
  Real r0 = lane_get<Real>(engine.ratio, l);
  Real s[sum_count];
  for (std::size_t k = 0; k < sum_count; ++k) s[k] = lane_get<Real>(engine.total[k], l);
  const Real mean_b = s[sum_b] / count, mean_e = s[sum_e] / count;
  const Real syy = s[sum_bb] - s[sum_b] * mean_b;
  const Real seb = s[sum_eb] - s[sum_e] * mean_b;
  const Real gap = syy > 0 ? seb / syy : Real(0);
  if (engine.carried[l] && std::isfinite(mean_b) && std::isfinite(mean_e) && std::isfinite(gap)) {
    sx += mean_e + r0 * mean_b;  // the mean of x − x̂ is that of e + r₀b
    sy += mean_b;
    r0 += gap;
  } else {
    Real sum_x = 0, sum_y = 0;
    for (std::size_t i = 0; i < window; ++i) {
      sum_x += static_cast<Real>(x[i]);
      sum_y += static_cast<Real>(y[i]);
    }
    sx = sum_x / count;
    sy = sum_y / count;
    if (!std::isfinite(sx) || !std::isfinite(sy)) return false;
    // About the means with r₀ = 0, e is x − x̂: S_eb is then S_xy.
    chunk_sums(x, y, window, sx, sy, Real(0), s);
    const Real own_syy = s[sum_bb] - s[sum_b] * (s[sum_b] / count);
    const Real own_sxy = s[sum_eb] - s[sum_e] * (s[sum_b] / count);
    r0 = own_syy > 0 ? own_sxy / own_syy : Real(0);
  }
  if (!std::isfinite(sx) || !std::isfinite(sy) || !std::isfinite(r0)) return false;
  chunk_sums(x, y, window, sx, sy, r0, s);
  lane_set_value(engine.shift_x, l, sx);
  lane_set_value(engine.shift_y, l, sy);
  lane_set_value(engine.ratio, l, r0);
  for (std::size_t k = 0; k < sum_count; ++k) lane_set_value(engine.total[k], l, s[k]);
  return std::isfinite(s[sum_bb]) && std::isfinite(s[sum_ee]) && std::isfinite(s[sum_eb]);
}

/// Which lanes' carried totals show their constants still fit their previous chunk: the sums about the
/// constants no more than 8 times the centred ones (x's, y's and the residual's about the chunk's own ratio).
template <class Real>
[[nodiscard]] auto constants_fit(const lane_engine<Real>& engine) noexcept {
  using V = typename lane_engine<Real>::V;
  const V zero{};
  const V one = zero + Real(1);
  const V* t = engine.total;
  const Real inv_n = 1 / static_cast<Real>(engine.window);
  const V r0 = engine.ratio;
  const V mean_b = t[sum_b] * inv_n, mean_e = t[sum_e] * inv_n;
  const V syy = t[sum_bb] - t[sum_b] * mean_b;
  const V see = t[sum_ee] - t[sum_e] * mean_e;
  const V seb = t[sum_eb] - t[sum_e] * mean_b;
  const V sxy = seb + r0 * syy;
  const V sxx = see + r0 * (seb + sxy);
  const V raw_xx = t[sum_ee] + r0 * (2 * t[sum_eb] + r0 * t[sum_bb]);
  const auto has_ratio = syy > zero;
  const V gap = seb / (has_ratio ? syy : one);
  const V ssr = see - seb * gap;
  // NaN compares false, so a non-finite total never fits.
  return has_ratio & (sxx * 8 >= raw_xx) & (syy * 8 >= t[sum_bb]) & (ssr * 8 >= t[sum_ee]) &
         (raw_xx < zero + std::numeric_limits<Real>::max());
}

#if defined(HEDGEMETRICS_HAS_SHUFFLEVECTOR)
/// The L values of each lane from position begin[l] + j, transposed into rows[0 … L): rows[i] holds every
/// lane's value at j + i.
template <class Real, class P>
inline __attribute__((always_inline)) void transpose_block(const P& begin, std::size_t j,
                                                           typename lane_vector<Real>::type* rows) noexcept {
  using V = typename lane_vector<Real>::type;
  constexpr std::size_t L = lane_vector<Real>::size;
  V block[L];
  for (std::size_t l = 0; l < L; ++l) block[l] = load_row<Real, V, L>(begin[l] + j);
  transpose(block);
  for (std::size_t i = 0; i < L; ++i) rows[i] = block[i];
}
#endif

/// Transposes the `window` values of each lane's chunk starting at `begin[l]` into rows (row j: every lane's
/// value at step j; `rows` has room for a whole last block). A last, shorter block reads past the chunk, so
/// L − 1 values after each chunk must exist.
template <class Real, class X>
void transpose_chunks(const X* x, const std::size_t (&begin)[lane_vector<Real>::size], std::size_t window,
                      typename lane_vector<Real>::type* rows) noexcept {
  constexpr std::size_t L = lane_vector<Real>::size;
  std::size_t j = 0;
#if defined(HEDGEMETRICS_HAS_SHUFFLEVECTOR)
  if constexpr (L > 1) {
    const X* at[L];
    for (std::size_t l = 0; l < L; ++l) at[l] = x + begin[l];
    for (; j < window; j += L) transpose_block<Real>(at, j, rows + j);
  }
#endif
  for (; j < window; ++j) {
    for (std::size_t l = 0; l < L; ++l) lane_set_value(rows[j], l, static_cast<Real>(x[begin[l] + j]));
  }
}

/// One round: every lane's windows ending in its current chunk (see the top of this file), written to
/// out_* at their positions. The lanes' totals become the sums over their current chunks (the next round's
/// totals), and the returned mask has lane l false when a window of lane l fails the a-posteriori check.
///
/// Every window this engine vouches for has S_xx > 0 and S_yy > 0 (the check fails otherwise, and the
/// general path, which detects constant series exactly, gives their NaN), so its three figures need no
/// selection; one division per window gives both 1/S_yy and 1/S_xx, as S_xx/(S_xx·S_yy) and
/// S_yy/(S_xx·S_yy), when that product is far from overflow and underflow (the check again).
template <class Real, class X, class Y>
[[nodiscard]] auto lane_round(const X* x, const Y* y, lane_engine<Real>& engine, Real* out_ratio,
                              Real* out_effectiveness, Real* out_residual) noexcept {
  using V = typename lane_engine<Real>::V;
  constexpr std::size_t L = lane_engine<Real>::L;
  const std::size_t window = engine.window;
  const V zero{};
  const V one = zero + Real(1);
  const Real inv_limit = 1 / static_cast<Real>(window_cancellation_limit);
  const V tiny = zero + std::numeric_limits<Real>::min() / std::numeric_limits<Real>::epsilon();
  const V huge = zero + std::numeric_limits<Real>::max() * std::numeric_limits<Real>::epsilon();
  const Real inv_n = 1 / static_cast<Real>(window);
  const Real inv_n_1 = 1 / static_cast<Real>(window - 1);
  const V sx = engine.shift_x, sy = engine.shift_y, r0 = engine.ratio;
  const V r0_squared = r0 * r0;
  // Early chunk: its total, less every pair passed (its suffix); late chunk: its prefix.
  V s_b = engine.total[sum_b], s_bb = engine.total[sum_bb], s_e = engine.total[sum_e];
  V s_ee = engine.total[sum_ee], s_eb = engine.total[sum_eb];
  V p_b = zero, p_bb = zero, p_e = zero, p_ee = zero, p_eb = zero;
  // The rounding of a window's sums of squares is a few ulps of T + P ≤ 2T + P (T: the early chunk's total,
  // P: the late prefix); the checks are S ≥ (2T + P)/limit, and for S_xx, from x − x̂ = e + r₀b,
  // S_xx ≥ 2(bound_e + r₀²·bound_y).
  const V bound_y = engine.total[sum_bb] * (2 * inv_limit);
  const V bound_e = engine.total[sum_ee] * (2 * inv_limit);
  auto ok = zero < one;  // every lane true
  const auto step = [&](const V& x_late, const V& y_late, const V& x_early, const V& y_early, V& ratio,
                        V& effectiveness, V& residual) noexcept {
    const V b_l = y_late - sy, e_l = (x_late - sx) - r0 * b_l;
    const V b_e = y_early - sy, e_e = (x_early - sx) - r0 * b_e;
    s_b -= b_e;
    s_bb -= b_e * b_e;
    s_e -= e_e;
    s_ee -= e_e * e_e;
    s_eb -= e_e * b_e;
    p_b += b_l;
    p_bb += b_l * b_l;
    p_e += e_l;
    p_ee += e_l * e_l;
    p_eb += e_l * b_l;
    const V w_b = s_b + p_b, w_e = s_e + p_e;
    const V mean_b = w_b * inv_n, mean_e = w_e * inv_n;
    const V syy = (s_bb + p_bb) - w_b * mean_b;
    const V see = (s_ee + p_ee) - w_e * mean_e;
    const V seb = (s_eb + p_eb) - w_e * mean_b;
    const V sxy = seb + r0 * syy;
    const V sxx = see + r0 * (seb + sxy);
    const V product = sxx * syy;
    const V inv_product = one / product;
    const V gap = seb * (sxx * inv_product);  // S_eb/S_yy
    const V inv_sxx = syy * inv_product;
    const V ssr = see - seb * gap;
    const V need_y = p_bb * inv_limit + bound_y;
    const V need_e = p_ee * inv_limit + bound_e;
    ok = ok & (syy >= need_y) & (ssr >= need_e) & (sxx >= 2 * (need_e + r0_squared * need_y)) &
         (product > tiny) & (product < huge);
    const V r = r0 + gap;
    const V r2 = r * (sxy * inv_sxx);
    ratio = r;
    effectiveness = r2 > one ? one : r2;
    residual = ssr * inv_n_1;
  };
  const X* lane_x[L];
  const Y* lane_y[L];
  Real* ratio_at[L];
  Real* effectiveness_at[L];
  Real* residual_at[L];
  for (std::size_t l = 0; l < L; ++l) {
    const std::size_t at = engine.first_late[l];
    lane_x[l] = x + at;
    lane_y[l] = y + at;
    const bool write = engine.rounds[l] > 0;
    ratio_at[l] = write ? out_ratio + at : engine.spare.data();
    effectiveness_at[l] = write ? out_effectiveness + at : engine.spare.data();
    residual_at[l] = write ? out_residual + at : engine.spare.data();
  }
  V* HEDGEMETRICS_RESTRICT late_x = engine.late_x.data();
  V* HEDGEMETRICS_RESTRICT late_y = engine.late_y.data();
  const V* HEDGEMETRICS_RESTRICT early_x = engine.early_x.data();
  const V* HEDGEMETRICS_RESTRICT early_y = engine.early_y.data();
  std::size_t j = 0;
#if defined(HEDGEMETRICS_HAS_SHUFFLEVECTOR)
  if constexpr (L > 1) {
    // L steps at a time: each lane's next L values read as one vector and transposed into rows (row i holds
    // every lane's value at step j + i, kept for the next round's early chunk), and the figures of the L
    // steps transposed back and written as one vector per lane. A last, shorter block reads past the chunk
    // (into the next one) when the series goes on that far, and writes past it only for lanes whose next
    // chunk is theirs and comes later; otherwise its steps are taken one at a time below.
    for (; j + L <= window; j += L) {
      for (std::size_t l = 0; l < L; ++l) {
        prefetch(lane_x[l] + j + lane_engine<Real>::ahead);
        prefetch(lane_y[l] + j + lane_engine<Real>::ahead);
        prefetch<true>(ratio_at[l] + j + lane_engine<Real>::ahead);
        prefetch<true>(effectiveness_at[l] + j + lane_engine<Real>::ahead);
        prefetch<true>(residual_at[l] + j + lane_engine<Real>::ahead);
      }
      transpose_block<Real>(lane_x, j, late_x + j);
      transpose_block<Real>(lane_y, j, late_y + j);
      V figures[3][L];
      for (std::size_t i = 0; i < L; ++i) {
        step(late_x[j + i], late_y[j + i], early_x[j + i], early_y[j + i], figures[0][i], figures[1][i],
             figures[2][i]);
      }
      Real* const* outputs[3] = {ratio_at, effectiveness_at, residual_at};
      for (std::size_t k = 0; k < 3; ++k) {
        transpose(figures[k]);
        for (std::size_t l = 0; l < L; ++l) std::memcpy(outputs[k][l] + j, &figures[k][l], sizeof(V));
      }
    }
    if (j < window && engine.end_of_late + L <= engine.length) {
      // The last, shorter block: read past the chunk (into the next one, which the series has), and write
      // past it only for lanes whose next chunk is theirs, to be written in the next round.
      const std::size_t steps = window - j;
      transpose_block<Real>(lane_x, j, late_x + j);
      transpose_block<Real>(lane_y, j, late_y + j);
      V figures[3][L];
      for (std::size_t i = 0; i < steps; ++i) {
        step(late_x[j + i], late_y[j + i], early_x[j + i], early_y[j + i], figures[0][i], figures[1][i],
             figures[2][i]);
      }
      Real* const* outputs[3] = {ratio_at, effectiveness_at, residual_at};
      for (std::size_t k = 0; k < 3; ++k) {
        transpose(figures[k]);
        for (std::size_t l = 0; l < L; ++l) {
          if (engine.rounds[l] > 1) {
            std::memcpy(outputs[k][l] + j, &figures[k][l], sizeof(V));
          } else {
            for (std::size_t i = 0; i < steps; ++i) outputs[k][l][j + i] = lane_get<Real>(figures[k][l], i);
          }
        }
      }
      j = window;
    }
  }
#endif
  for (; j < window; ++j) {
    V x_late, y_late;
    for (std::size_t l = 0; l < L; ++l) {
      lane_set_value(x_late, l, static_cast<Real>(lane_x[l][j]));
      lane_set_value(y_late, l, static_cast<Real>(lane_y[l][j]));
    }
    late_x[j] = x_late;
    late_y[j] = y_late;
    V ratio, effectiveness, residual;
    step(x_late, y_late, early_x[j], early_y[j], ratio, effectiveness, residual);
    for (std::size_t l = 0; l < L; ++l) {
      ratio_at[l][j] = lane_get<Real>(ratio, l);
      effectiveness_at[l][j] = lane_get<Real>(effectiveness, l);
      residual_at[l][j] = lane_get<Real>(residual, l);
    }
  }
  engine.total[sum_b] = p_b;
  engine.total[sum_bb] = p_bb;
  engine.total[sum_e] = p_e;
  engine.total[sum_ee] = p_ee;
  engine.total[sum_eb] = p_eb;
  return ok;
}

/// The figures of every window ending in chunks first … first + chunks − 1 (each a whole chunk of
/// `window` ≥ 2 positions, first ≥ 1), written to out_* (indexed by position). Chunks with a window that
/// fails the a-posteriori check, or a non-finite value in them or in the chunk before, are appended to
/// `failed` for the general path.
template <class Real, class X, class Y>
void lane_windows(const X* x, const Y* y, std::size_t n, std::size_t window, std::size_t first,
                  std::size_t chunks, Real* out_ratio, Real* out_effectiveness, Real* out_residual,
                  std::vector<std::size_t>& failed) {
  constexpr std::size_t L = lane_engine<Real>::L;
  if (chunks == 0) return;
  lane_engine<Real> engine(window, n);
  // Lane l takes a run of consecutive chunks; the first runs are one chunk longer when they do not divide.
  std::size_t next = first;
  std::size_t early_begin[L];
  for (std::size_t l = 0; l < L; ++l) {
    const std::size_t run = chunks / L + (l < chunks % L ? 1 : 0);
    engine.first_late[l] = (run > 0 ? next : first) * window;
    engine.rounds[l] = run;
    early_begin[l] = engine.first_late[l] - window;
    next += run;
  }
  transpose_chunks<Real>(x, early_begin, window, engine.early_x.data());
  transpose_chunks<Real>(y, early_begin, window, engine.early_y.data());
  const std::size_t rounds = chunks / L + (chunks % L != 0 ? 1 : 0);
  for (std::size_t round = 0; round < rounds; ++round) {
    const auto fits = constants_fit(engine);
    bool valid[L];
    for (std::size_t l = 0; l < L; ++l) {
      valid[l] = true;
      if (!engine.carried[l] || !mask_get(fits, l)) {
        const std::size_t p = engine.first_late[l] - window;
        valid[l] = refit_lane(engine, l, x + p, y + p);
      }
    }
    engine.end_of_late = 0;
    for (std::size_t l = 0; l < L; ++l) {
      const std::size_t end = engine.first_late[l] + window;
      engine.end_of_late = end > engine.end_of_late ? end : engine.end_of_late;
    }
    const auto ok = lane_round(x, y, engine, out_ratio, out_effectiveness, out_residual);
    for (std::size_t l = 0; l < L; ++l) {
      if (engine.rounds[l] == 0) continue;
      if (!valid[l] || !mask_get(ok, l)) failed.push_back(engine.first_late[l] / window);
      engine.carried[l] = true;
      if (--engine.rounds[l] > 0) engine.first_late[l] += window;
    }
    std::swap(engine.early_x, engine.late_x);
    std::swap(engine.early_y, engine.late_y);
  }
}

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_WINDOW_LANES_HPP
