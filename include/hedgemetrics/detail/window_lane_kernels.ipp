// SPDX-License-Identifier: MIT
/// \file
/// The lane engine of rolling_hedge (detail/window_lanes.hpp describes it) for one instruction set:
/// included once per set by detail/kernels.hpp inside that set's target region and namespace, after
/// isa_pack.ipp and comoment_kernels.ipp (no include guard on purpose). Doubles run in lanes as wide as the
/// set's vectors; other types one lane at a time.

/// One value per lane: a vector of Real as wide as this set's registers (GCC and Clang vector
/// extensions: every operator acts lane by lane, comparisons give lane masks and `mask ? a : b` selects
/// lane by lane), or Real itself, one lane, where there is no such vector (long double, other compilers).
template <class Real>
struct lane_vector {
  using type = Real;
  static constexpr std::size_t size = 1;
};
#if HEDGEMETRICS_ISA_VECTOR_BYTES > 0
template <>
struct lane_vector<double> {
  typedef double type __attribute__((vector_size(HEDGEMETRICS_ISA_VECTOR_BYTES)));
  static constexpr std::size_t size = HEDGEMETRICS_ISA_VECTOR_BYTES / sizeof(double);
};
/// As many counts as one vector register holds: the engine's counts, written a vector at a time.
typedef std::size_t lane_counts __attribute__((vector_size(HEDGEMETRICS_ISA_VECTOR_BYTES)));
static_assert(sizeof(std::size_t) == sizeof(double), "one count per double lane");
#else
using lane_counts = std::size_t;
#endif

/// Zeroed storage for n lane vectors on the heap, aligned for this set's vectors whatever the unit's flags
/// (a std::vector of a 32-byte vector type in a unit built for SSE2 gets memory aligned to 16 bytes only,
/// while this set's code moves such vectors with aligned instructions). Its members are defined here, so
/// they are compiled for this set: a std::vector with an allocator of this set would instantiate
/// std::vector's members under this set's name but with the unit's flags, and a unit built with
/// -march=native then held AVX-512 code under the SSE2 set's name, of which the linker keeps one copy
/// (mixed_flags_kernel_symbols). From `kept_from` bytes on, the storage is the calling thread's, kept from
/// one call to the next (lane_store, one per `slot`).
/// The alignment of the lanes' storage: a cache line, and the widest vector of any set.
inline constexpr std::size_t lane_alignment = 64;

template <class T>
class lane_store {
 public:
  lane_store() noexcept {}  // NOLINT(modernize-use-equals-default): compiled here, for this set
  ~lane_store() { release(); }
  lane_store(const lane_store&) = delete;
  lane_store& operator=(const lane_store&) = delete;
  /// n vectors, in the storage of earlier calls where it is large enough.
  [[nodiscard]] T* reserve(std::size_t n) {
    if (n > capacity_) {
      release();
      data_ = static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(lane_alignment)));
      capacity_ = n;
    }
    return data_;
  }

 private:
  void release() noexcept {
    if (data_ != nullptr) ::operator delete(data_, std::align_val_t(lane_alignment));
    data_ = nullptr;
    capacity_ = 0;
  }
  T* data_ = nullptr;
  std::size_t capacity_ = 0;
};

/// n vectors of the calling thread's storage number `slot` (0 or 1), kept from one call to the next.
template <class T>
[[gnu::noinline]] T* kept_storage(std::size_t slot, std::size_t n) {
  static thread_local lane_store<T> stores[2];
  return stores[slot].reserve(n);
}

template <class T>
class lane_buffer {
 public:
  static constexpr std::size_t alignment = lane_alignment;
  /// Storage of 64 KiB and more (two rings of which, freed, leave glibc's heap more than its 128 KiB trim
  /// threshold to give back, or are mapped afresh above its mapping threshold): every call page-faulted
  /// its rings anew. At a window of 5,000, a loop of rolling_hedge calls over 1e5 points took 17-23 ns per
  /// point, against 4-6 with the rings kept (bench_rolling's A/B harness, 2026-12-05). Below, a fresh block
  /// from the heap each call, which was 6-15% faster than a kept one at windows of 20 to 1,000, for reasons
  /// not found (not where the block is: moving it by 1 to 32 lines changed nothing). Measured again one
  /// build per process (the A/B harness's two builds had dirtied the vector registers for each other before
  /// on_active_set's vzeroupper): kept rings at every size were neutral on price changes and 8.4 -> 10.8 ns
  /// per point on price levels at a window of 20.
  static constexpr std::size_t kept_from = std::size_t{64} << 10;
  /// Not cleared: lane_pass writes every row before a step reads it (clearing both rings, 640 KB at a
  /// window of 5,000, was 7.6% of rolling_hedge's time over 10^5 points, perf).
  lane_buffer(std::size_t n, std::size_t slot)
      : kept_(n * sizeof(T) >= kept_from),
        data_(kept_ ? kept_storage<T>(slot, n)
                    : static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(alignment)))) {}
  ~lane_buffer() {
    if (!kept_) ::operator delete(data_, std::align_val_t(alignment));
  }
  lane_buffer(const lane_buffer&) = delete;
  lane_buffer& operator=(const lane_buffer&) = delete;
  [[nodiscard]] T* data() const noexcept { return data_; }

 private:
  bool kept_;
  T* data_;
};

/// p, kept in a general register: the lanes' stream pointers are in arrays, and GCC 12 at -O2 built them
/// as vectors (its SLP vectoriser), then took each one out again for every block's loads, stores and
/// prefetches (vextracti128, vmovq, vpextrq: 58 instructions a block on the vector ports). Only an asm
/// barrier on each pointer stops it; GCC's optimize("no-tree-slp-vectorize") attribute on the engine made it
/// 2x slower (its lambdas were no longer inlined). 2-4.5% faster at 10^6 points, where the prefetches run.
template <class T>
[[nodiscard]] inline __attribute__((always_inline)) T* in_register(T* p) noexcept {
#if defined(__GNUC__)
  __asm__("" : "+r"(p));
#endif
  return p;
}

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

/// Whether every lane of a comparison's result is set: its lanes' bits ANDed as integers, with no lane
/// taken out of the vector on its own.
template <class M>
[[nodiscard]] HEDGEMETRICS_ISA_INLINE bool mask_all(const M& m) noexcept {
  if constexpr (std::is_arithmetic_v<M>) {
    return m != 0;
  } else {
    using E = std::remove_cv_t<std::remove_reference_t<decltype(m[0])>>;
    constexpr std::size_t n = sizeof(M) / sizeof(E);
    E each[n];
    std::memcpy(each, &m, sizeof m);
    E all = each[0];
    for (std::size_t l = 1; l < n; ++l) all &= each[l];
    return all != 0;
  }
}

/// The five shifted sums the engine keeps for each chunk part, in this order: with b = y − ŷ and the
/// residual e = (x − x̂) − r₀b, Σb, Σb², Σe, Σe², Σeb. The exposure's sums follow from them, since
/// x − x̂ = e + r₀b: S_xy = S_eb + r₀S_yy and S_xx = S_ee + r₀(S_eb + S_xy); so S_xx and the residual sum keep
/// their digits for a near-perfect hedge, where e is small and x is not.
enum sum_index : std::size_t { sum_b, sum_bb, sum_e, sum_ee, sum_eb, sum_count };

/// a·b + c lane by lane: rounded once where this set has FMA in hardware (for double lanes and double
/// scalars alike), twice elsewhere and for other types. chunk_sums computes the residual e = (x − x̂) − r₀b
/// with it, and the engine's step with lane_multiply_subtract, which rounds the same, so that a chunk's total
/// and the terms the step takes out of it are
/// the same numbers to the bit (for a near-perfect hedge e is far below r₀b, and one rounding of r₀b more
/// or less would be a large error in e² that the a-posteriori check does not count). Fusing saves a
/// quarter of the step's operations (bench_rolling).
template <class T>
[[nodiscard]] HEDGEMETRICS_ISA_INLINE T lane_multiply_add(T a, T b, T c) noexcept {
#if HEDGEMETRICS_ISA_HARDWARE_FMA
  if constexpr (std::is_same_v<T, pack>) {
    return multiply_add(a, b, c);
  } else if constexpr (std::is_same_v<T, double>) {
    return __builtin_fma(a, b, c);
  } else {
    return a * b + c;
  }
#else
  return a * b + c;
#endif
}

/// c − a·b lane by lane, rounded as lane_multiply_add(−a, b, c) (the negation is exact), but spelt as one
/// negated fused instruction: with lane_multiply_add(−a, …), GCC kept −a in a register of its own wherever
/// it fed two sums (an exclusive-or more per use, two per step of the lane engine).
template <class T>
[[nodiscard]] HEDGEMETRICS_ISA_INLINE T lane_multiply_subtract(T a, T b, T c) noexcept {
#if HEDGEMETRICS_ISA_HARDWARE_FMA
  if constexpr (std::is_same_v<T, pack>) {
#if defined(__clang__) && HEDGEMETRICS_ISA_VECTOR_BYTES == 64
    return __builtin_ia32_vfmaddpd512_mask(a, -b, c, static_cast<unsigned char>(-1), 4);
#elif defined(__clang__)
    return __builtin_ia32_vfmaddpd256(a, -b, c);
#elif HEDGEMETRICS_ISA_VECTOR_BYTES == 64
    return __builtin_ia32_vfnmaddpd512_mask(a, b, c, static_cast<unsigned char>(-1), 4);
#else
    return __builtin_ia32_vfnmaddpd256(a, b, c);
#endif
  } else {
    return lane_multiply_add(-a, b, c);
  }
#else
  return lane_multiply_add(-a, b, c);
#endif
}

/// The five sums of m pairs about (sx, sy, r0), `lanes` accumulators per sum.
template <class Real, class X, class Y>
void chunk_sums(const X* x, const Y* y, std::size_t m, Real sx, Real sy, Real r0,
                Real (&out)[sum_count]) noexcept {
  Real acc[sum_count][lanes] = {};
  const std::size_t whole = m - m % lanes;
  const Real neg_r0 = -r0;
  const auto add = [&acc, sx, sy, neg_r0](std::size_t j, Real u, Real v) noexcept {
    const Real b = v - sy;
    const Real e = lane_multiply_add(neg_r0, b, u - sx);  // as the step computes it: see lane_multiply_add
    acc[sum_b][j] += b;
    acc[sum_bb][j] = lane_multiply_add(b, b, acc[sum_bb][j]);
    acc[sum_e][j] += e;
    acc[sum_ee][j] = lane_multiply_add(e, e, acc[sum_ee][j]);
    acc[sum_eb][j] = lane_multiply_add(e, b, acc[sum_eb][j]);
  };
  for (std::size_t i = 0; i < whole; i += lanes) {
    for (std::size_t j = 0; j < lanes; ++j) add(j, static_cast<Real>(x[i + j]), static_cast<Real>(y[i + j]));
  }
  for (std::size_t i = whole; i < m; ++i) add(0, static_cast<Real>(x[i]), static_cast<Real>(y[i]));
  for (std::size_t k = 0; k < sum_count; ++k) {
    Real total = 0;
    for (std::size_t j = 0; j < lanes; ++j) total += acc[k][j];
    out[k] = total;
  }
}

#if defined(HEDGEMETRICS_HAS_SHUFFLEVECTOR)
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

/// One pair of a transposition stage: rows i and i + B interleaved in blocks of B.
template <std::size_t L, std::size_t B, std::size_t I, class V>
inline __attribute__((always_inline)) void transpose_pair(V (&rows)[L]) noexcept {
  if constexpr ((I & B) == 0) {
    const V lo = interleave<L, B, false>(rows[I], rows[I + B], std::make_index_sequence<L>{});
    const V hi = interleave<L, B, true>(rows[I], rows[I + B], std::make_index_sequence<L>{});
    rows[I] = lo;
    rows[I + B] = hi;
  }
}

/// Transposes L vectors of L lanes in place (rows[i][l] becomes rows[l][i]): log2(L) stages of L shuffles,
/// each interleaving blocks of B = 1, 2, 4, … elements of two rows B apart. Unrolled by folds, not loops:
/// GCC at -O2 kept the loops, and the rows went through memory between stages (half of rolling_hedge's
/// time).
template <std::size_t L, std::size_t B = 1, class V, std::size_t... I>
inline __attribute__((always_inline)) void transpose_stages(V (&rows)[L],
                                                            std::index_sequence<I...> all) noexcept {
  if constexpr (B < L) {
    (transpose_pair<L, B, I>(rows), ...);
    transpose_stages<L, 2 * B>(rows, all);
  }
}

template <std::size_t L, class V>
inline __attribute__((always_inline)) void transpose(V (&rows)[L]) noexcept {
  if constexpr (L == 8 && sizeof(V) == 64 && sizeof(rows[0][0]) == 8) {
    // 8 doubles: interleave pairs of rows element by element (unpcklpd, unpckhpd), then two stages that
    // move whole 128-bit blocks of two vectors (vshuff64x2): t[2k + e] holds, in its block b, column
    // 2b + e of rows 2k and 2k + 1.
    V t[8];
    for_each_index(
        [&](auto k) HEDGEMETRICS_NOEXCEPT_ALWAYS_INLINE {
          t[2 * k] = __builtin_shufflevector(rows[2 * k], rows[2 * k + 1], 0, 8, 2, 10, 4, 12, 6, 14);
          t[2 * k + 1] = __builtin_shufflevector(rows[2 * k], rows[2 * k + 1], 1, 9, 3, 11, 5, 13, 7, 15);
        },
        std::make_index_sequence<4>{});
    for_each_index(
        [&](auto e) HEDGEMETRICS_NOEXCEPT_ALWAYS_INLINE {
          // Blocks 0 and 2 (even), 1 and 3 (odd) of rows e, 2 + e and of rows 4 + e, 6 + e.
          const V u0 = __builtin_shufflevector(t[e], t[2 + e], 0, 1, 4, 5, 8, 9, 12, 13);
          const V u1 = __builtin_shufflevector(t[e], t[2 + e], 2, 3, 6, 7, 10, 11, 14, 15);
          const V v0 = __builtin_shufflevector(t[4 + e], t[6 + e], 0, 1, 4, 5, 8, 9, 12, 13);
          const V v1 = __builtin_shufflevector(t[4 + e], t[6 + e], 2, 3, 6, 7, 10, 11, 14, 15);
          rows[e] = __builtin_shufflevector(u0, v0, 0, 1, 4, 5, 8, 9, 12, 13);
          rows[4 + e] = __builtin_shufflevector(u0, v0, 2, 3, 6, 7, 10, 11, 14, 15);
          rows[2 + e] = __builtin_shufflevector(u1, v1, 0, 1, 4, 5, 8, 9, 12, 13);
          rows[6 + e] = __builtin_shufflevector(u1, v1, 2, 3, 6, 7, 10, 11, 14, 15);
        },
        std::make_index_sequence<2>{});
  } else {
    transpose_stages<L>(rows, std::make_index_sequence<L>{});
  }
}
#endif

/// L consecutive values from `p` as one vector of Real.
template <class Real, class V, std::size_t L, class T>
[[nodiscard]] V load_row(const T* p) noexcept {
  V v{};
  if constexpr (std::is_same_v<T, Real> && L > 1) {
    std::memcpy(&v, p, sizeof v);
  } else {
    for (std::size_t l = 0; l < L; ++l) lane_set_value(v, l, static_cast<Real>(p[l]));
  }
  return v;
}

/// Calls f(integral_constant<I>) for I = 0, 1, …: a loop whose index is a constant in every copy.
template <class F, std::size_t... I>
inline __attribute__((always_inline)) void for_each_index(F&& f, std::index_sequence<I...>) noexcept {
  (f(std::integral_constant<std::size_t, I>{}), ...);
}

/// Asks for the cache line holding `p` (for reading, or for writing when `write`). Always inlined: GCC
/// takes a function that only prefetches for one without effects, and where it did not inline it (the
/// lane engine grew past its inlining limits) it dropped the calls, and every prefetch with them.
template <bool Write = false, class T>
HEDGEMETRICS_ISA_INLINE void prefetch(const T* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p, Write ? 1 : 0);
#else
  static_cast<void>(p);
#endif
}

/// The lanes' constants and the sums over each lane's previous chunk about them, one element per lane.
template <class Real>
struct lane_constants {
  using V = typename lane_vector<Real>::type;
  // A constructor of its own, so that it is compiled for this set (an implicit one is compiled with the
  // unit's flags, under this set's name: see lane_buffer).
  explicit lane_constants(std::size_t w) noexcept : window(w) {}
  std::size_t window;
  V shift_x{}, shift_y{}, ratio{};  // x̂, ŷ, r₀
  V total[sum_count] = {};
};

/// Makes lane l's constants fit the `window` pairs at x, y (its previous chunk), from the values: the
/// chunk's means and ratio the careful way (careful_block_comoments), then its totals about them
/// (chunk_sums). For a lane whose constants cannot be carried over from its totals (refit_lanes, which
/// does the common case for all lanes at once). False when the chunk has a non-finite value or its sums
/// overflow.
template <class Real, class X, class Y>
[[nodiscard]] bool refit_lane(lane_constants<Real>& c, std::size_t l, const X* x, const Y* y) noexcept {
  const std::size_t window = c.window;
  comoments<Real> own;
  if constexpr (std::is_same_v<Real, double>) {
    own = careful_block_comoments(tag{}, window, x, y);
  } else {
    own = generic_careful_block_comoments<Real>(window, x, y);
  }
  if (!own.finite) return false;
  const Real sx = own.mean_x, sy = own.mean_y, r0 = own.ratio;
  if (!std::isfinite(sx) || !std::isfinite(sy) || !std::isfinite(r0)) return false;
  Real s[sum_count];
  chunk_sums(x, y, window, sx, sy, r0, s);
  lane_set_value(c.shift_x, l, sx);
  lane_set_value(c.shift_y, l, sy);
  lane_set_value(c.ratio, l, r0);
  for (std::size_t k = 0; k < sum_count; ++k) lane_set_value(c.total[k], l, s[k]);
  return std::isfinite(s[sum_bb]) && std::isfinite(s[sum_ee]) && std::isfinite(s[sum_eb]);
}

/// The moments of every lane's previous chunk about its first pair (x₀, y₀), gathered while the chunk's rows
/// are put in the ring: Σdx, Σdy, Σdy², Σdx·dy with dx = x − x₀, dy = y − y₀. Shifted by a value of the
/// chunk, the sums lose few digits to cancellation unless that pair lies millions of standard deviations
/// from the rest; the constants fitted from them need only be near the chunk's, since the a-posteriori
/// check vouches for every window.
template <class Real>
struct lane_moments {
  using V = typename lane_vector<Real>::type;
  static constexpr std::size_t L = lane_vector<Real>::size;
  explicit lane_moments(const V& x0, const V& y0) noexcept : origin_x(x0), origin_y(y0) {}
  V origin_x, origin_y;
  V dx{}, dy{}, dyy{}, dxy{};

  HEDGEMETRICS_ISA_INLINE void add(const V& x, const V& y) noexcept {
    const V u = x - origin_x, v = y - origin_y;
    dx += u;
    dy += v;
    dyy = lane_multiply_add(v, v, dyy);
    dxy = lane_multiply_add(u, v, dxy);
  }
  /// L rows at once, summed as a tree, so that the running sums take one addition per block, not L.
  HEDGEMETRICS_ISA_INLINE void add_block(const V (&x)[L], const V (&y)[L]) noexcept {
    V u[L], v[L], vv[L], uv[L];
    for_each_index(
        [&](auto i) HEDGEMETRICS_NOEXCEPT_ALWAYS_INLINE {
          u[i] = x[i] - origin_x;
          v[i] = y[i] - origin_y;
          vv[i] = v[i] * v[i];
          uv[i] = u[i] * v[i];
        },
        std::make_index_sequence<L>{});
    dx += tree_sum(u, std::make_index_sequence<L / 2>{});
    dy += tree_sum(v, std::make_index_sequence<L / 2>{});
    dyy += tree_sum(vv, std::make_index_sequence<L / 2>{});
    dxy += tree_sum(uv, std::make_index_sequence<L / 2>{});
  }

 private:
  template <std::size_t N, std::size_t... I>
  HEDGEMETRICS_ISA_INLINE static V tree_sum(const V (&a)[N], std::index_sequence<I...>) noexcept {
    if constexpr (N == 1) {
      return a[0];
    } else {
      const V half[N / 2] = {(a[2 * I] + a[2 * I + 1])...};
      return tree_sum(half, std::make_index_sequence<N / 4>{});
    }
  }
};

/// Adds the terms of one row (x = u, y = v of every lane) about the lanes' constants (sx, sy, r0) to the
/// five sums `t`, each rounded as the step rounds it.
template <class V>
HEDGEMETRICS_ISA_INLINE void add_to_totals(V (&t)[sum_count], const V& u, const V& v, const V& sx,
                                           const V& sy, const V& r0) noexcept {
  const V b = v - sy, e = lane_multiply_subtract(r0, b, u - sx);
  t[sum_b] += b;
  t[sum_bb] = lane_multiply_add(b, b, t[sum_bb]);
  t[sum_e] += e;
  t[sum_ee] = lane_multiply_add(e, e, t[sum_ee]);
  t[sum_eb] = lane_multiply_add(e, b, t[sum_eb]);
}

/// The five totals of `window` rows of transposed values in the ring (row t at ring_x[(first + t) mod ring])
/// about every lane's constants (sx, sy, r0), each term rounded as the step rounds it, so that they are the
/// sums of the very terms the steps take out again.
template <class Real>
void row_totals(const typename lane_vector<Real>::type* ring_x,
                const typename lane_vector<Real>::type* ring_y, std::size_t ring, std::size_t first,
                std::size_t window, const typename lane_vector<Real>::type& sx,
                const typename lane_vector<Real>::type& sy, const typename lane_vector<Real>::type& r0,
                typename lane_vector<Real>::type (&total)[sum_count]) noexcept {
  using V = typename lane_vector<Real>::type;
  // Two sets of running sums, for alternate rows: each sum is a chain of dependent additions, and one set
  // waits on their latency.
  V s[2][sum_count] = {};
  const auto add = [&](V(&t)[sum_count], const V& u, const V& v)
                       HEDGEMETRICS_NOEXCEPT_ALWAYS_INLINE { add_to_totals(t, u, v, sx, sy, r0); };
  // The rows in two runs, first … ring − 1 and 0 …, so that no step tests for the wrap. Row t goes to set
  // t mod 2 in either run: where the ring wraps depends on where the figures are (lane_pass's `offset`), and
  // the totals, so the figures, must not.
  const std::size_t head = ring - first < window ? ring - first : window;
  const auto run = [&](const V* rx, const V* ry, std::size_t count, std::size_t parity)
                       HEDGEMETRICS_NOEXCEPT_ALWAYS_INLINE {
                         std::size_t t = 0;
                         for (; t + 2 <= count; t += 2) {
                           add(s[parity], rx[t], ry[t]);
                           add(s[1 - parity], rx[t + 1], ry[t + 1]);
                         }
                         if (t < count) add(s[parity], rx[t], ry[t]);
                       };
  run(ring_x + first, ring_y + first, head, 0);
  run(ring_x, ring_y, window - head, head % 2);
  for (std::size_t k = 0; k < sum_count; ++k) total[k] = s[0][k] + s[1][k];
}

/// Which lanes are finite in every one of `v`: x − x is 0 for a finite x, NaN for an infinite or NaN one,
/// and a sum of such differences 0 only where all of them are.
template <class V, class... W>
[[nodiscard]] HEDGEMETRICS_ISA_INLINE auto lanes_finite(const V& v, const W&... w) noexcept {
  return ((v - v) + ... + (w - w)) == V{};
}

/// The lanes' constants from the moments `m` of `span` pairs: their means (x̂, ŷ) and ratio (r₀).
template <class Real>
HEDGEMETRICS_ISA_INLINE void constants_from_moments(lane_constants<Real>& c, const lane_moments<Real>& m,
                                                    std::size_t span) noexcept {
  using V = typename lane_vector<Real>::type;
  const Real inv_n = 1 / static_cast<Real>(span);
  const V mean_dx = m.dx * inv_n, mean_dy = m.dy * inv_n;
  const V syy = lane_multiply_subtract(m.dy, mean_dy, m.dyy);
  const V sxy = lane_multiply_subtract(m.dx, mean_dy, m.dxy);
  c.shift_x = m.origin_x + mean_dx;
  c.shift_y = m.origin_y + mean_dy;
  c.ratio = sxy / syy;
}

/// Which lanes of `c` are valid: their constants and sums of products finite.
template <class Real>
HEDGEMETRICS_ISA_INLINE void lanes_valid(const lane_constants<Real>& c,
                                         bool (&valid)[lane_vector<Real>::size]) noexcept {
  const auto fits =
      lanes_finite(c.shift_x, c.shift_y, c.ratio, c.total[sum_bb], c.total[sum_ee], c.total[sum_eb]);
  for (std::size_t l = 0; l < lane_vector<Real>::size; ++l) valid[l] = mask_get(fits, l);
}

/// Fits every lane's constants to its previous chunk at once: the means and ratio of the `span` pairs whose
/// moments `m` took in (the chunk; for lane_retry the chunk and the next), then the chunk's five totals
/// about them from its `c.window` rows in the ring (row_totals). refit_lane fits one lane at a time from
/// the series, by careful_block_comoments and chunk_sums: 12% of rolling_hedge's time at a window of 5,000
/// over 10^5 points (perf), where this is one pass over rows already in the cache. The constants depend on
/// the positions only. A lane is valid where its means, ratio and sums of products are finite (so not
/// where its chunk holds a non-finite value, nor where y is constant over the span).
template <class Real>
void fit_lanes_to_rows(lane_constants<Real>& c, const lane_moments<Real>& m, std::size_t span,
                       const typename lane_vector<Real>::type* ring_x,
                       const typename lane_vector<Real>::type* ring_y, std::size_t ring, std::size_t first,
                       bool (&valid)[lane_vector<Real>::size]) noexcept {
  constants_from_moments(c, m, span);
  row_totals<Real>(ring_x, ring_y, ring, first, c.window, c.shift_x, c.shift_y, c.ratio, c.total);
  lanes_valid(c, valid);
}

/// Which lanes' totals show their constants still fit their previous chunk: the sums about the constants
/// no more than 8 times the centred ones (x's, y's, and the residual's about the chunk's own ratio).
template <class Real>
[[nodiscard]] auto constants_fit(const lane_constants<Real>& c) noexcept {
  using V = typename lane_constants<Real>::V;
  const V zero{};
  const V one = zero + Real(1);
  const V* t = c.total;
  const Real inv_n = 1 / static_cast<Real>(c.window);
  const V r0 = c.ratio;
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

/// Where a chunk ends, refits the constants of the lanes marked in `refit` to the chunk just ended (the
/// lanes' steps `step` … `step` + c.window − 1: rows (step + offset) mod ring … of the ring, positions
/// start[l] + step … of the series), all lanes at once: the chunk's means and ratio follow from its totals
/// about the old constants (the mean of b added to ŷ, that of e + r₀b to x̂, S_eb/S_bb to r₀), and the
/// totals about the new ones from the rows (row_totals). A lane whose carried constants are not finite is
/// fitted from its values by refit_lane. valid[l] says whether lane l's constants and sums are usable.
/// Lane by lane, refit_lane's chunk_sums and careful_block_comoments took 19% of rolling_hedge's time on
/// price levels at a window of 20 (perf), where the level moves and most chunk ends refit several lanes.
/// Not inlined, so that lane_pass's steps keep their registers.
template <class Real, class X, class Y>
HEDGEMETRICS_KERNEL_ENTRY void refit_lanes(lane_constants<Real>& c,
                                           const bool (&refit)[lane_vector<Real>::size],
                                           const typename lane_vector<Real>::type* ring_x,
                                           const typename lane_vector<Real>::type* ring_y, std::size_t ring,
                                           std::size_t offset, const X* x, const Y* y,
                                           const std::size_t* start, std::size_t step,
                                           bool (&valid)[lane_vector<Real>::size]) noexcept {
  using V = typename lane_vector<Real>::type;
  constexpr std::size_t L = lane_vector<Real>::size;
  const V zero{};
  const V one = zero + Real(1);
  const Real inv_n = 1 / static_cast<Real>(c.window);
  const V* t = c.total;
  const V mean_b = t[sum_b] * inv_n, mean_e = t[sum_e] * inv_n;
  const V syy = t[sum_bb] - t[sum_b] * mean_b;
  const V seb = t[sum_eb] - t[sum_e] * mean_b;
  const auto has_ratio = syy > zero;
  const V gap = has_ratio ? seb / (has_ratio ? syy : one) : zero;
  const auto carried = lanes_finite(mean_b, mean_e, gap);
  const V sx = c.shift_x + (mean_e + c.ratio * mean_b);  // the mean of x − x̂ is that of e + r₀b
  const V sy = c.shift_y + mean_b;
  const V r0 = c.ratio + gap;
  V total[sum_count];
  row_totals<Real>(ring_x, ring_y, ring, (step + offset) % ring, c.window, sx, sy, r0, total);
  const auto usable = lanes_finite(sx, sy, r0, total[sum_bb], total[sum_ee], total[sum_eb]);
  for (std::size_t l = 0; l < L; ++l) {
    if (!refit[l]) continue;
    if (mask_get(carried, l)) {
      lane_set_value(c.shift_x, l, lane_get<Real>(sx, l));
      lane_set_value(c.shift_y, l, lane_get<Real>(sy, l));
      lane_set_value(c.ratio, l, lane_get<Real>(r0, l));
      for (std::size_t k = 0; k < sum_count; ++k) lane_set_value(c.total[k], l, lane_get<Real>(total[k], l));
      valid[l] = mask_get(usable, l);
    } else {
      valid[l] = refit_lane(c, l, x + start[l] + step, y + start[l] + step);
    }
  }
}

#if defined(HEDGEMETRICS_HAS_SHUFFLEVECTOR)
/// The L values of each lane from position begin[l] + j, transposed into rows[0 … L): rows[i] holds every
/// lane's value at j + i.
template <class Real, class P, std::size_t... I>
inline __attribute__((always_inline)) void transpose_block(const P& begin, std::size_t j,
                                                           typename lane_vector<Real>::type* rows,
                                                           std::index_sequence<I...>) noexcept {
  using V = typename lane_vector<Real>::type;
  constexpr std::size_t L = lane_vector<Real>::size;
  V block[L] = {load_row<Real, V, L>(in_register(begin[I]) + j)...};
  transpose(block);
  ((rows[I] = block[I]), ...);
}

template <class Real, class P>
inline __attribute__((always_inline)) void transpose_block(const P& begin, std::size_t j,
                                                           typename lane_vector<Real>::type* rows) noexcept {
  transpose_block<Real>(begin, j, rows, std::make_index_sequence<lane_vector<Real>::size>{});
}

/// Prefetches position j of each lane's two input and three output streams; when Stream, the outputs of
/// lane 0 only (the others are written by non-temporal stores, which a prefetch of their lines would only
/// slow down). A fold, not a loop, for the reason given at transpose_stages: GCC at -O2 kept the loop over
/// lanes (and the one in write_rows), and the engine ran 2x slower at 10^6 points than at -O3
/// (bench_rolling), its memory operations stalled.
template <bool Stream, class X, class Y, class Real, std::size_t... I>
inline __attribute__((always_inline)) void prefetch_lanes(const X* const* lane_x, const Y* const* lane_y,
                                                          Real* const (*lane_out)[sizeof...(I)],
                                                          std::size_t j, std::index_sequence<I...>) noexcept {
  ((prefetch(in_register(lane_x[I]) + j), prefetch(in_register(lane_y[I]) + j),
    Stream && I != 0
        ? void()
        : (prefetch<true>(in_register(lane_out[0][I]) + j), prefetch<true>(in_register(lane_out[1][I]) + j),
           prefetch<true>(in_register(lane_out[2][I]) + j))),
   ...);
}

#if HEDGEMETRICS_ISA_VECTOR_BYTES > 0
/// Writes v to p, which starts a vector's worth of aligned memory, with a non-temporal store: to memory
/// without reading its line first, nor keeping it in the caches.
inline __attribute__((always_inline)) void stream_row(double* p,
                                                      const lane_vector<double>::type& v) noexcept {
#if defined(__clang__)
  __builtin_nontemporal_store(v, reinterpret_cast<lane_vector<double>::type*>(p));
#elif HEDGEMETRICS_ISA_VECTOR_BYTES == 64
  __builtin_ia32_movntpd512(p, v);
#elif HEDGEMETRICS_ISA_VECTOR_BYTES == 32
  __builtin_ia32_movntpd256(p, v);
#else
  __builtin_ia32_movntpd(p, v);
#endif
}
#endif

/// Writes row l of `rows` (a transposed block of figures: lane l's next L figures) to lane l's stream at j;
/// when Stream, lanes 1 … L − 1 (whose rows start lines: lane_starts) with non-temporal stores.
template <bool Stream, class Real, class V, std::size_t... I>
inline __attribute__((always_inline)) void write_rows(Real* const* lane_out, std::size_t j, const V* rows,
                                                      std::index_sequence<I...>) noexcept {
  ((Stream && I != 0 ? stream_row(in_register(lane_out[I]) + j, rows[I])
                     : static_cast<void>(std::memcpy(in_register(lane_out[I]) + j, &rows[I], sizeof(V)))),
   ...);
}

/// Transposes a block of figures (figures[k][i]: figure k of every lane at step i) and writes it, lane l's L
/// figures of each kind as one vector. Three calls rather than a loop over k, which GCC at -O2 also kept.
template <bool Stream, class Real, std::size_t L, class V>
inline __attribute__((always_inline)) void write_block(Real* const (*lane_out)[L], std::size_t j,
                                                       V (&figures)[3][L]) noexcept {
  transpose(figures[0]);
  write_rows<Stream, Real>(lane_out[0], j, figures[0], std::make_index_sequence<L>{});
  transpose(figures[1]);
  write_rows<Stream, Real>(lane_out[1], j, figures[1], std::make_index_sequence<L>{});
  transpose(figures[2]);
  write_rows<Stream, Real>(lane_out[2], j, figures[2], std::make_index_sequence<L>{});
}

#endif

/// Where each lane's run of steps starts (positions, in `position`), and how many steps every lane takes
/// (returned), for chunks first … first + chunks − 1 of `window` positions and the `tail` positions after
/// them (fewer than `window`: a last incomplete chunk, which the last lane takes as its last steps, every
/// lane taking `tail` steps more). Where the chunks divide among the lanes, lane l takes the l-th share of
/// them. Where they do not, each lane takes an L-th of their positions (rounded up to a line's worth, and the
/// lanes but the first starting on lines), so that a lane's run starts and ends inside a chunk; before, the
/// last lanes took one chunk more, and every lane as many steps as the longest share. A lane whose run is
/// longer than the gap to the next one's goes on into it, computing those windows a second time.
///
/// Spread over the cache: the lanes read and write 5·L streams in step, and where their starts are a multiple
/// of 4 KiB apart, or close to one (on 10^5 points: windows of 128, 256, 512 and 2,048 doubles, among
/// others), each stream's lanes share one set of an 8-way L1 cache and evict each other's lines:
/// rolling_hedge took 1.5x the time at a window of 256, 1.9x at 512 and 2.3x at 2,048 (bench_rolling, 10^5
/// points). So lanes 1 … L − 2 start up to `extra` positions later than their share, at the first multiple of
/// a line's worth of positions that keeps them `apart` lines from the others (modulo the 64 sets of a 32 KiB
/// L1 of 64-byte lines); the last lane still ends at the last position (the tail's), also a multiple of a
/// line's worth from the first, and every lane takes `extra` more steps, so that the shares still cover every
/// position. The least such `extra` is taken (at most 512 positions); without one, or with fewer than two
/// chunks per lane where they divide, the layout before spreading. Where the outputs start lines, lanes
/// 1 … L − 1 then write whole lines (5-7% faster, and past the caches they stream: lane_windows).
///
/// The layout depends on the positions only, never on where the series or the figures are in memory: a
/// lane's sums restart where its chunks start, so the layout decides the figures' last bits, and the same
/// series must give the same figures wherever they are (a first version that aligned the lanes to the
/// figures' addresses gave walk_forward two answers a bit apart for one series). In a spread layout a
/// lane's chunks straddle the series' chunks, which is why lane_windows reports the chunks it refuses by
/// position, not by number.
template <class Real, std::size_t L>
[[nodiscard]] std::size_t lane_starts(std::size_t window, std::size_t first, std::size_t chunks,
                                      std::size_t tail, std::size_t (&position)[L]) noexcept {
  std::size_t next = first;
  for (std::size_t l = 0; l < L; ++l) {
    position[l] = next * window;
    next += chunks / L + (l >= L - chunks % L ? 1 : 0);
  }
  // The last lane's share is the largest; with the tail, it ends at the series' last position.
  std::size_t steps = (chunks / L + (chunks % L != 0 ? 1 : 0)) * window + tail;
  if (L < 2) return steps;
  constexpr std::size_t line = 64, sets = 64;
  constexpr std::size_t per_line = line / sizeof(Real) > 0 ? line / sizeof(Real) : 1;
  const std::size_t end = (first + chunks) * window + tail;
  // Lanes 1 … L − 1 start a multiple of per_line positions from position 0.
  const auto to_line = [](std::size_t p) noexcept { return p + (per_line - p % per_line) % per_line; };
  // Balanced shares where the chunks do not divide among the lanes: each lane takes an L-th of the
  // positions (rounded up to a line's worth), not of the chunks, so that no lane spends its last chunk's
  // steps on a chunk that another lane computes. 19 chunks of 5,000 took 3 chunks' steps per lane, 15,000,
  // where 11,880 cover them: 12-20% less time at a window of 5,000 over 10^5 points (bench_rolling, -O2).
  bool balanced = false;
  {
    const std::size_t base = first * window, total = end - base;
    const std::size_t share = to_line(total / L + (total % L != 0 ? 1 : 0));
    const std::size_t aligned_base = to_line(base);
    // Lane 0 covers up to lane 1's start (aligned_base + share), and the last lane starts on a line.
    std::size_t taken = share + (aligned_base - base);
    taken += (end - taken) % per_line;
    // Only where that saves a sixteenth of the steps or more: the lanes' chunks then straddle the series'
    // (so do they in a spread layout), and on price levels that moved which chunks the check refused.
    if (share >= 2 * per_line && taken + steps / 16 <= steps) {
      position[0] = base;
      for (std::size_t l = 1; l < L; ++l) {
        const std::size_t p = aligned_base + l * share;
        position[l] = l + 1 < L && p < end - taken ? p : end - taken;
      }
      steps = taken;
      balanced = true;
    }
  }
  if (!balanced && chunks < 2 * L) return steps;
  constexpr std::size_t apart =
      24 / L > 1 ? 24 / L : 1;  // 3 lines for 8 lanes (bench_rolling: 1 was not enough)
  // The set of position p, counted from the first position's line (as if the figures started one).
  const auto set_of = [](std::size_t p) noexcept { return p * sizeof(Real) / line % sets; };
  const auto distance = [](std::size_t a, std::size_t b) noexcept {
    const std::size_t d = a > b ? a - b : b - a;
    return d < sets - d ? d : sets - d;
  };
  for (std::size_t extra = (end - steps) % per_line;
       extra <= sets * per_line && steps + extra <= end - position[0]; extra += per_line) {
    const std::size_t last = end - steps - extra;  // the last lane's start
    std::size_t chosen[L], taken[L], count = 0;
    chosen[0] = position[0];
    chosen[L - 1] = last;
    taken[count++] = set_of(position[0]);
    const auto free = [&](std::size_t s) noexcept {
      for (std::size_t k = 0; k < count; ++k) {
        if (distance(s, taken[k]) < apart) return false;
      }
      return true;
    };
    bool spread = free(set_of(last));
    taken[count++] = set_of(last);
    for (std::size_t l = 1; spread && l + 1 < L; ++l) {
      spread = false;
      const std::size_t limit = position[l] + extra < last ? position[l] + extra : last;
      for (std::size_t p = to_line(position[l]); p <= limit; p += per_line) {
        if (free(set_of(p))) {
          chosen[l] = p;
          taken[count++] = set_of(p);
          spread = true;
          break;
        }
      }
    }
    if (spread) {
      for (std::size_t l = 0; l < L; ++l) position[l] = chosen[l];
      return steps + extra;
    }
  }
  return steps;
}

/// Every lane's values at positions p[l] + t for t = 0 … count − 1, as rows (row t holds every lane's value
/// at t): `block(t, rows_x, rows_y)` for each whole block of L rows, transposed as the steps' rows are, and
/// `row(t, vx, vy)` for the rows after the last whole block (or for all of them, without
/// __builtin_shufflevector), built one value at a time: inserting each lane's value into its row went
/// through memory and took 8% of the engine's time at a window of 5,000 over 10^5 points (perf).
template <class Real, class X, class Y, class Block, class Row>
HEDGEMETRICS_ISA_INLINE void lane_rows(const X* const (&px)[lane_vector<Real>::size],
                                       const Y* const (&py)[lane_vector<Real>::size], std::size_t count,
                                       Block&& block, Row&& row) noexcept {
  using V = typename lane_vector<Real>::type;
  constexpr std::size_t L = lane_vector<Real>::size;
  std::size_t t = 0;
#if defined(HEDGEMETRICS_HAS_SHUFFLEVECTOR)
  if constexpr (L > 1) {
    for (; t + L <= count; t += L) {
      V rows_x[L], rows_y[L];
      transpose_block<Real>(px, t, rows_x);
      transpose_block<Real>(py, t, rows_y);
      block(t, rows_x, rows_y);
    }
  }
#else
  static_cast<void>(block);
#endif
  for (; t < count; ++t) {
    V vx{}, vy{};
    for (std::size_t l = 0; l < L; ++l) {
      lane_set_value(vx, l, static_cast<Real>(px[l][t]));
      lane_set_value(vy, l, static_cast<Real>(py[l][t]));
    }
    row(t, vx, vy);
  }
}

/// The most pairs of a span that prepare_lanes fits the lanes' constants to: of a longer span it takes
/// every k-th pair, k the least that keeps them this many or fewer, and the chunk's totals about them are
/// summed as its rows are put in the ring, in the same pass. The constants need only be near the chunk's
/// (the a-posteriori check vouches for every window), and a second pass over the rows (row_totals) was a
/// fifth of rolling_hedge's time at a window of 5,000 over 10^5 points.
inline constexpr std::size_t fit_sample_rows = 256;

/// Puts each lane's previous chunk (the `c.window` pairs before start[l]) in the ring, as the rows of steps
/// −window … −1 (row t at (first + t) mod ring, and its copy past the ring where it wraps), and fits the
/// lanes' constants to the `first_fit` pairs from start[l] − window (the previous chunk, or for lane_retry
/// that chunk and the lane's own), all lanes at once (fit_lanes_to_rows; above fit_sample_rows pairs, to a
/// sample of them, with the totals summed as the rows go into the ring). A function of its own, not inlined:
/// inside lane_pass, GCC at -O2 allocated the steps' registers differently, and they took 5-8% more time at
/// 10^6 points (bench_rolling, windows 20 and 250, alternated builds).
template <class Real, class X, class Y>
HEDGEMETRICS_KERNEL_ENTRY void prepare_lanes(const X* x, const Y* y, const std::size_t* start,
                                             std::size_t first_fit, typename lane_vector<Real>::type* ring_x,
                                             typename lane_vector<Real>::type* ring_y, std::size_t ring,
                                             std::size_t first, lane_constants<Real>& c,
                                             bool (&valid)[lane_vector<Real>::size]) noexcept {
  using V = typename lane_vector<Real>::type;
  constexpr std::size_t L = lane_vector<Real>::size;
  const std::size_t window = c.window;
  const auto put_row = [&](std::size_t t, const V& vx, const V& vy) HEDGEMETRICS_ALWAYS_INLINE_LAMBDA {
    std::size_t row = first + t;
    if (row >= ring) {
      row -= ring;
      ring_x[ring + row] = vx;
      ring_y[ring + row] = vy;
    }
    ring_x[row] = vx;
    ring_y[row] = vy;
  };
  // The lanes' previous chunks into the ring, their moments gathered on the way (for fit_lanes_to_rows).
  const X* previous_x[L];
  const Y* previous_y[L];
  const X* own_x[L];
  const Y* own_y[L];
  V origin_x{}, origin_y{};
  for (std::size_t l = 0; l < L; ++l) {
    previous_x[l] = x + start[l] - window, previous_y[l] = y + start[l] - window;
    own_x[l] = x + start[l], own_y[l] = y + start[l];
    lane_set_value(origin_x, l, static_cast<Real>(previous_x[l][0]));
    lane_set_value(origin_y, l, static_cast<Real>(previous_y[l][0]));
  }
  lane_moments<Real> moments(origin_x, origin_y);
  if (first_fit > fit_sample_rows) {
    // Constants from every stride-th pair of the span, then the chunk into the ring with its totals about
    // them summed on the way, as row_totals sums them (row t into set t mod 2, in order of t).
    const std::size_t stride = (first_fit + fit_sample_rows - 1) / fit_sample_rows;
    std::size_t span = 0;
    for (std::size_t p = 0; p < first_fit; p += stride, ++span) {
      V vx{}, vy{};
      for (std::size_t l = 0; l < L; ++l) {
        lane_set_value(vx, l, static_cast<Real>(previous_x[l][p]));
        lane_set_value(vy, l, static_cast<Real>(previous_y[l][p]));
      }
      moments.add(vx, vy);
    }
    constants_from_moments(c, moments, span);
    const V sx = c.shift_x, sy = c.shift_y, r0 = c.ratio;
    V sums[2][sum_count] = {};
    lane_rows<Real>(
        previous_x, previous_y, window,
        [&](std::size_t t, const V(&rows_x)[L], const V(&rows_y)[L]) HEDGEMETRICS_ALWAYS_INLINE_LAMBDA {
          // t is a multiple of L, an even number here: row t + i goes to set i mod 2.
          for_each_index(
              [&](auto i) HEDGEMETRICS_NOEXCEPT_ALWAYS_INLINE {
                put_row(t + i, rows_x[i], rows_y[i]);
                add_to_totals(sums[i % 2], rows_x[i], rows_y[i], sx, sy, r0);
              },
              std::make_index_sequence<L>{});
        },
        [&](std::size_t t, const V& vx, const V& vy) HEDGEMETRICS_ALWAYS_INLINE_LAMBDA {
          put_row(t, vx, vy);
          add_to_totals(sums[t % 2], vx, vy, sx, sy, r0);
        });
    for (std::size_t k = 0; k < sum_count; ++k) c.total[k] = sums[0][k] + sums[1][k];
    lanes_valid(c, valid);
    return;
  }
  lane_rows<Real>(
      previous_x, previous_y, window,
      [&](std::size_t t, const V(&rows_x)[L], const V(&rows_y)[L]) HEDGEMETRICS_ALWAYS_INLINE_LAMBDA {
        moments.add_block(rows_x, rows_y);
        for (std::size_t i = 0; i < L; ++i) put_row(t + i, rows_x[i], rows_y[i]);
      },
      [&](std::size_t t, const V& vx, const V& vy) HEDGEMETRICS_ALWAYS_INLINE_LAMBDA {
        moments.add(vx, vy);
        put_row(t, vx, vy);
      });
  // lane_retry fits the constants to both chunks of a window: the moments then take in each lane's own
  // first chunk as well (read here, and again by the steps).
  lane_rows<Real>(
      own_x, own_y, first_fit - window,
      [&](std::size_t, const V(&rows_x)[L], const V(&rows_y)[L])
          HEDGEMETRICS_ALWAYS_INLINE_LAMBDA { moments.add_block(rows_x, rows_y); },
      [&](std::size_t, const V& vx, const V& vy) HEDGEMETRICS_ALWAYS_INLINE_LAMBDA { moments.add(vx, vy); });
  fit_lanes_to_rows(c, moments, first_fit, ring_x, ring_y, ring, first, valid);
}

/// A window's figures from its five sums about the lanes' constants (Σb, Σe, Σb², Σe², Σeb), for the
/// steps of lane_pass and for lane_direct: S_yy, S_ee and S_eb centred by the window's means, S_xy = S_eb +
/// r₀S_yy, S_xx = S_ee + r₀(S_eb + S_xy), the ratio r₀ + S_eb/S_yy and SSR = S_ee − S_eb²/S_yy (given in
/// `ssr`). Returns which lanes pass the a-posteriori check: S_yy ≥ need_y, SSR ≥ need_e and S_xx ≥
/// 2(r₀²·need_y + need_e), the least values the rounding of the sums allows.
template <class V, class Real>
[[nodiscard]] HEDGEMETRICS_ISA_INLINE auto window_from_sums(const V& w_b, const V& w_e, const V& w_bb,
                                                            const V& w_ee, const V& w_eb, const V& r0,
                                                            const V& r0_squared, const V& need_y,
                                                            const V& need_e, Real inv_n, Real inv_n_1,
                                                            V& ratio, V& effectiveness, V& residual,
                                                            V& ssr) noexcept {
  const V one = V{} + Real(1);
  const V half = V{} + Real(0.5);
  const V mean_b = w_b * inv_n, mean_e = w_e * inv_n;
  const V syy = lane_multiply_subtract(w_b, mean_b, w_bb);
  const V see = lane_multiply_subtract(w_e, mean_e, w_ee);
  const V seb = lane_multiply_subtract(w_e, mean_b, w_eb);
  const V sxy = lane_multiply_add(r0, syy, seb);
  const V sxx = lane_multiply_add(r0, seb + sxy, see);
  // Two divisions: one for both, through 1/(S_xx·S_yy), took 3 more products and 4-6% more time (the
  // divider is not what bounds the step; bench_rolling).
  const V gap = seb / syy;
  const V inv_sxx = one / sxx;
  ssr = lane_multiply_subtract(seb, gap, see);
  const V need_x = lane_multiply_add(r0_squared, need_y, need_e);
  const auto ok = (syy >= need_y) & (ssr >= need_e) & (sxx >= need_x + need_x);
  const V r = r0 + gap;
  // 1 − SSR/S_xx keeps 1 − R² to an ulp for a near-perfect hedge; r·S_xy/S_xx keeps a small R² exact.
  // No clamp to 1 is needed: in a window the check vouches for, SSR ≥ need_e > 0, so the first is below
  // 1, and the second is taken only where R² is near 0.5 or below.
  const V unexplained = ssr * inv_sxx;
  ratio = r;
  effectiveness = unexplained < half ? one - unexplained : r * (sxy * inv_sxx);
  residual = ssr * inv_n_1;
  return ok;
}

/// Adds the ascending positions `more` to the ascending `into`, which stays ascending and without repeats:
/// one merge, O(n). The lanes' refused chunks were gathered in the order the lanes reached them and sorted
/// (std::sort): on price levels at a window of 20 over 10^6 points, 4-5% of rolling_hedge's time (perf).
inline void merge_ascending(std::vector<std::size_t>& into, const std::vector<std::size_t>& more) {
  if (more.empty()) return;
  const auto middle = static_cast<std::ptrdiff_t>(into.size());
  into.insert(into.end(), more.begin(), more.end());
  std::inplace_merge(into.begin(), into.begin() + middle, into.end());
  into.erase(std::unique(into.begin(), into.end()), into.end());
}

/// The lanes' pass behind lane_windows and lane_retry: lane l takes `steps_total` steps from position
/// start[l] (at least `window`; start[l] + steps_total ≤ n), its first chunk's constants fitted to the
/// `first_fit` positions from start[l] − window (`window`: the chunk before; lane_retry: both). A lane's
/// chunk that fails the a-posteriori check goes to `retry` when that is given and the lane's constants were
/// valid, else to `failed`; one with a non-finite value, or sums out of range, to `failed`. Both come back
/// sorted, without repeats. Counts are not written here.
///
/// Where a lane's chunk ends, its prefix sums become the totals of the next chunk's early part, and its
/// constants are refitted when they no longer fit. Rows of L steps are transposed in blocks: each lane's
/// next L values read as one vector and transposed, so that row i holds every lane's value at step i, and
/// the rows kept in a ring of window + L (or more) rows for the steps `window` later, whose early part they
/// are; the figures of L steps transposed back and written as one vector per lane.
///
/// Every window this engine vouches for has S_xx > 0 and S_yy > 0 (the check fails otherwise, and the
/// general path, which detects constant series exactly, gives their NaN), so its three figures need no
/// selection, and the chunk's magnitudes keep S_yy, S_xx and 1/S_xx far from overflow and underflow (chunks
/// whose sums of squares are below 1e-120 or above 1e120 go to the general path).
template <class Real, class X, class Y>
HEDGEMETRICS_KERNEL_ENTRY void lane_pass(tag, const X* x, const Y* y, std::size_t n, std::size_t window,
                                         const std::size_t* start, std::size_t steps_total,
                                         std::size_t first_fit, Real* out_ratio, Real* out_effectiveness,
                                         Real* out_residual, std::vector<std::size_t>& failed,
                                         std::vector<std::size_t>* retry) {
  using V = typename lane_vector<Real>::type;
  constexpr std::size_t L = lane_vector<Real>::size;
  /// Positions read ahead by software prefetch: the lanes read 2·L streams and write 3·L, more than the
  /// hardware prefetchers follow (bench_rolling: 1.3x faster with it, when they wrote 4·L). 16 positions (2
  /// cache lines per stream) since the lanes start apart in the cache (lane_starts): 5-9% faster than 32 at
  /// 10^6 points (bench_rolling -O2, windows 20, 250 and 5,000), and 24 no better; further ahead, the
  /// streams' lines start evicting each other from L1.
  [[maybe_unused]] constexpr std::size_t ahead = 16;
  const X* lane_x[L];
  const Y* lane_y[L];
  Real* lane_out[3][L];
  for (std::size_t l = 0; l < L; ++l) {
    lane_x[l] = in_register(x + start[l]);
    lane_y[l] = in_register(y + start[l]);
    lane_out[0][l] = in_register(out_ratio + start[l]);
    lane_out[1][l] = in_register(out_effectiveness + start[l]);
    lane_out[2][l] = in_register(out_residual + start[l]);
  }
  // Prefetching pays only where the streams are beyond the last-level cache. With them in cache it cost
  // 2-4% (a Zen 4 with 32 MiB of L3, window 250: 2% slower with it at 2·10^5 points, 9.6 MB of streams;
  // even at 3·10^5, 14.4 MB; 18% faster at 5·10^5, 24 MB, and 20% at 10^6).
  [[maybe_unused]] const bool far =
      steps_total * L * (sizeof(X) + sizeof(Y) + 3 * sizeof(Real) + sizeof(std::size_t)) >
      (std::size_t{16} << 20);
  // The first block takes `lead` steps (0 to L − 1) and every later one L, starting where lanes 1 … L − 1
  // write whole rows of figures (lane_starts starts them a multiple of L positions from position 0) when the
  // figures start lines alike: 5-7% faster in cache, and past it the stores can stream. The blocks only
  // group the steps, so the figures are the same whatever `lead` is.
  const std::size_t lead = (L - reinterpret_cast<std::uintptr_t>(out_ratio) / sizeof(Real) % L) % L;
  const std::size_t offset = (L - lead) % L;
  // Non-temporal stores for the figures of lanes 1 … L − 1 where the streams are beyond the caches: their
  // lines are written without being read from memory first, 3-9% faster at 10^6 points (drv -O2, windows
  // 20, 250 and 5,000, three alternated runs: 2.63-2.66 ns per point at 250 against 2.86-2.99). Only where
  // those lanes' rows start lines from the second block on (`lead`: not where lane_starts keeps the plain
  // layout, nor where the three outputs do not start lines alike), and only with the transposed blocks that
  // write whole rows.
#if defined(HEDGEMETRICS_HAS_SHUFFLEVECTOR)
  constexpr bool whole_rows = true;
#else
  constexpr bool whole_rows = false;
#endif
  constexpr bool can_stream = L > 1 && HEDGEMETRICS_ISA_VECTOR_BYTES > 0 && whole_rows;
  [[maybe_unused]] bool stream = false;
  if constexpr (can_stream) {
    stream = far;
    for (std::size_t l = 1; l < L; ++l) {
      for (std::size_t k = 0; k < 3; ++k) {
        stream = stream && reinterpret_cast<std::uintptr_t>(lane_out[k][l] + lead) % sizeof(V) == 0;
      }
    }
  }
  // The last lane's stream ends last; a block may read up to L − 1 values past it if the series has them.
  std::size_t furthest = 0;
  for (std::size_t l = 0; l < L; ++l) furthest = start[l] > furthest ? start[l] : furthest;
  [[maybe_unused]] const bool read_past = furthest + steps_total + L <= n;

  // Ring of transposed rows: the row of step t at (t + offset) mod R; R ≥ window + L, a multiple of L, so
  // that a block of L new rows never overwrites a row still to be read as an early part.
  // Rows ring … ring + L − 1 repeat rows 0 … L − 1, so that the early rows of a block never wrap.
  const std::size_t ring = (window + 2 * L - 1) / L * L;
  const lane_buffer<V> ring_storage_x(ring + L, 0), ring_storage_y(ring + L, 1);
  // Raw pointers, read once (lane_buffer::data is compiled for this set; kept out of the loop all the same).
  V* const ring_x = ring_storage_x.data();
  V* const ring_y = ring_storage_y.data();
  // Steps 0 … window − 1 have the lanes' previous chunks as early parts: rows R − window … R − 1, moved on by
  // `offset` (and then rows 0 … offset − 1, with their copies).
  lane_constants<Real> c(window);
  bool valid[L];
  prepare_lanes(x, y, start, first_fit, ring_x, ring_y, ring, (ring - window + offset) % ring, c, valid);

  const V zero{};
  const V one = zero + Real(1);
  const Real inv_limit = 1 / static_cast<Real>(window_cancellation_limit);
  // Magnitudes that keep every window's sums, their products and their reciprocals far from underflow and
  // overflow, so that no step has to check: with the early chunk's Σb² and Σe² (about the lane's constants)
  // in [small, large], the late chunk's no larger, and |r₀| ≤ ratio_limit, every window that passes the
  // check has S_yy and S_xx in [1e-122, 1e141] (S ≥ (2T + P)/limit, S_xx ≤ 2(S_ee + r₀²S_yy)). A chunk
  // outside them goes to the general path.
  static_assert(std::numeric_limits<Real>::max_exponent10 >= 300, "a type with the range of double at least");
  const V small = zero + Real(1e-120), large = zero + Real(1e120), ratio_limit = zero + Real(1e10);
  const Real inv_n = 1 / static_cast<Real>(window);
  const Real inv_n_1 = 1 / static_cast<Real>(window - 1);
  // The running state, kept in registers: constants; the early chunk's total less every pair passed (its
  // suffix) and the late chunk's prefix; the check's bounds and its verdict so far, per lane.
  V sx, sy, r0, r0_squared, bound_y, bound_e;
  const V limit_fraction = zero + inv_limit;
  V s_b, s_bb, s_e, s_ee, s_eb, p_b, p_bb, p_e, p_ee, p_eb;
  auto ok = zero < one;
  const auto begin_chunk = [&]() noexcept {
    sx = c.shift_x, sy = c.shift_y, r0 = c.ratio;
    r0_squared = r0 * r0;
    s_b = c.total[sum_b], s_bb = c.total[sum_bb], s_e = c.total[sum_e], s_ee = c.total[sum_ee];
    s_eb = c.total[sum_eb];
    p_b = p_bb = p_e = p_ee = p_eb = zero;
    // The rounding of a window's sums of squares is a few ulps of T + P ≤ 2T + P (T: the early chunk's
    // total, P: the late prefix); the checks are S ≥ (2T + P)/limit, and for S_xx, from x − x̂ = e + r₀b,
    // S_xx ≥ 2(bound_e + r₀²·bound_y).
    bound_y = c.total[sum_bb] * (2 * inv_limit);
    bound_e = c.total[sum_ee] * (2 * inv_limit);
    const V r0_size = r0 < zero ? -r0 : r0;
    ok = (s_bb >= small) & (s_bb <= large) & (s_ee >= small) & (s_ee <= large) & (r0_size <= ratio_limit);
  };
  // The chunks each lane refuses, in its own order (ascending), merged into `failed` and `retry` at the end.
  std::vector<std::size_t> lane_failed[L], lane_retry[L];
  // Where a chunk ends (`done` chunks into each lane's run): its verdicts, and the next chunk's constants.
  // Inlined: GCC at -O2 kept it a function, so the running sums it reads had their addresses taken (5-7%
  // of the time at windows 20 and 250 with the streams in cache, 28% at 5,000, together with in_register;
  // bench_rolling's A/B harness, 2026-12-05).
  const auto end_chunk = [&](std::size_t done) HEDGEMETRICS_ALWAYS_INLINE_LAMBDA {
    ok = ok & (p_bb <= large) & (p_ee <= large);
    bool all_valid = true;
    for (std::size_t l = 0; l < L; ++l) all_valid = all_valid && valid[l];
    // Lane by lane only where some lane refused its chunk (a lane's mask read alone costs more than all).
    if (!all_valid || !mask_all(ok)) {
      for (std::size_t l = 0; l < L; ++l) {
        if (!valid[l] || (retry == nullptr && !mask_get(ok, l))) {
          lane_failed[l].push_back(start[l] + (done - 1) * window);
        } else if (!mask_get(ok, l)) {
          lane_retry[l].push_back(start[l] + (done - 1) * window);
        }
      }
    }
    if (done * window >= steps_total) return;
    c.total[sum_b] = p_b, c.total[sum_bb] = p_bb, c.total[sum_e] = p_e, c.total[sum_ee] = p_ee;
    c.total[sum_eb] = p_eb;
    const auto fits = constants_fit(c);
    for (std::size_t l = 0; l < L; ++l) valid[l] = true;
    if (!mask_all(fits)) {
      bool refit[L];
      for (std::size_t l = 0; l < L; ++l) refit[l] = !mask_get(fits, l);
      refit_lanes(c, refit, ring_x, ring_y, ring, offset, x, y, start, (done - 1) * window, valid);
    }
  };
  // Inlined whatever the optimiser's mood: GCC at -O2 left it a call, with the running sums in memory.
  // Products are fused into the sums they feed where the set has FMA (lane_multiply_add): one rounding
  // instead of two, so every bound above still holds.
  const auto step = [&](const V& x_late, const V& y_late, const V& x_early, const V& y_early, V& ratio,
                        V& effectiveness, V& residual) HEDGEMETRICS_NOEXCEPT_ALWAYS_INLINE {
    const V b_l = y_late - sy, e_l = lane_multiply_subtract(r0, b_l, x_late - sx);
    const V b_e = y_early - sy, e_e = lane_multiply_subtract(r0, b_e, x_early - sx);
    s_b -= b_e;
    s_bb = lane_multiply_subtract(b_e, b_e, s_bb);
    s_e -= e_e;
    s_ee = lane_multiply_subtract(e_e, e_e, s_ee);
    s_eb = lane_multiply_subtract(e_e, b_e, s_eb);
    p_b += b_l;
    p_bb = lane_multiply_add(b_l, b_l, p_bb);
    p_e += e_l;
    p_ee = lane_multiply_add(e_l, e_l, p_ee);
    p_eb = lane_multiply_add(e_l, b_l, p_eb);
    const V need_y = lane_multiply_add(p_bb, limit_fraction, bound_y);
    const V need_e = lane_multiply_add(p_ee, limit_fraction, bound_e);
    V ssr;
    ok = ok & window_from_sums(s_b + p_b, s_e + p_e, s_bb + p_bb, s_ee + p_ee, s_eb + p_eb, r0, r0_squared,
                               need_y, need_e, inv_n, inv_n_1, ratio, effectiveness, residual, ssr);
  };

  begin_chunk();
  std::size_t boundary = window;                        // the step at which the current chunk ends
  std::size_t early = (ring - window + offset) % ring;  // ring rows of block t0's first early part
  std::size_t late = offset;                            // and of its first late part
  // The steps, with the figures written by non-temporal stores (Stream) or plain ones: one loop for each,
  // the choice made once. With the choice made in the loop, GCC's allocation of its registers changed and
  // the loop with plain stores took 1.4x the time at 10^6 points (drv -O2, outputs on different lines).
  const auto run = [&](auto stream_tag) HEDGEMETRICS_ALWAYS_INLINE_LAMBDA {
    [[maybe_unused]] constexpr bool Stream = decltype(stream_tag)::value;
    for (std::size_t t0 = 0, steps = 0; t0 < steps_total; t0 += steps) {
      const std::size_t block = t0 == 0 && lead != 0 ? lead : L;
      steps = steps_total - t0 < block ? steps_total - t0 : block;
      V* late_x = ring_x + late;
      V* late_y = ring_y + late;
      bool whole = false;
#if defined(HEDGEMETRICS_HAS_SHUFFLEVECTOR)
      if constexpr (L > 1) {
        if (steps == L || read_past) {
          // Every lane's stream is steps_total positions long and inside the series: prefetch within it.
          if (far && t0 + ahead < steps_total) {
            prefetch_lanes<Stream>(lane_x, lane_y, lane_out, t0 + ahead, std::make_index_sequence<L>{});
          }
          transpose_block<Real>(lane_x, t0, late_x);
          transpose_block<Real>(lane_y, t0, late_y);
          whole = true;
        }
      }
#endif
      if (!whole) {
        for (std::size_t i = 0; i < steps; ++i) {
          V vx{}, vy{};
          for (std::size_t l = 0; l < L; ++l) {
            lane_set_value(vx, l, static_cast<Real>(lane_x[l][t0 + i]));
            lane_set_value(vy, l, static_cast<Real>(lane_y[l][t0 + i]));
          }
          late_x[i] = vx;
          late_y[i] = vy;
        }
      }
      for (std::size_t i = late; i < L; ++i) ring_x[ring + i] = ring_x[i], ring_y[ring + i] = ring_y[i];
      V figures[3][L];
      if (t0 == boundary) {
        end_chunk(boundary / window);
        begin_chunk();
        boundary += window;
      }
      if (steps == L && boundary - t0 >= L) {
        // A whole block inside one chunk (most blocks): its L steps unrolled with constant indices, so the
        // figures stay in registers until they are transposed and written. GCC at -O2 kept the loop below
        // (a run-time trip count), the figures went through memory, and its loads waited behind the
        // stores to the lanes' outputs: 1.6-2x slower than -O3 at 10^6 points (bench_rolling).
        const V* early_x = ring_x + early;
        const V* early_y = ring_y + early;
        for_each_index(
            [&](auto i) HEDGEMETRICS_NOEXCEPT_ALWAYS_INLINE {
              step(late_x[i], late_y[i], early_x[i], early_y[i], figures[0][i], figures[1][i], figures[2][i]);
            },
            std::make_index_sequence<L>{});
      } else {
        for (std::size_t i = 0; i < steps;) {
          if (t0 + i == boundary) {
            end_chunk(boundary / window);
            begin_chunk();
            boundary += window;
          }
          const std::size_t stop = boundary - t0 < steps ? boundary - t0 : steps;
          for (; i < stop; ++i) {
            step(late_x[i], late_y[i], ring_x[early + i], ring_y[early + i], figures[0][i], figures[1][i],
                 figures[2][i]);
          }
        }
      }
      bool written = false;
#if defined(HEDGEMETRICS_HAS_SHUFFLEVECTOR)
      if constexpr (L > 1) {
        if (steps == L) {
          write_block<Stream>(lane_out, t0, figures);
          written = true;
        }
      }
#endif
      if (!written) {
        for (std::size_t k = 0; k < 3; ++k) {
          for (std::size_t l = 0; l < L; ++l) {
            for (std::size_t i = 0; i < steps; ++i) lane_out[k][l][t0 + i] = lane_get<Real>(figures[k][i], l);
          }
        }
      }
      // The next block's rows: both stay below `ring` (a multiple of L; early + L − 1 may reach the copies).
      late = late + steps >= ring ? late + steps - ring : late + steps;
      early = early + steps >= ring ? early + steps - ring : early + steps;
    }
  };
  if constexpr (can_stream) {
    if (stream) {
      run(std::true_type{});
    } else {
      run(std::false_type{});
    }
  } else {
    run(std::false_type{});
  }
#if HEDGEMETRICS_ISA_VECTOR_BYTES > 0
  // Orders the non-temporal stores before whatever follows (another thread reading the figures).
  if (stream) __builtin_ia32_sfence();
#endif
  end_chunk((steps_total + window - 1) / window);
  // Each lane's chunks are ascending, so the lists are merged, not sorted.
  if (!std::is_sorted(failed.begin(), failed.end())) std::sort(failed.begin(), failed.end());
  for (const auto& lane : lane_failed) merge_ascending(failed, lane);
  if (retry != nullptr) {
    if (!std::is_sorted(retry->begin(), retry->end())) std::sort(retry->begin(), retry->end());
    for (const auto& lane : lane_retry) merge_ascending(*retry, lane);
  }
}

/// The figures of every window ending in chunks first … first + chunks − 1 (each a whole chunk of
/// `window` ≥ 2 positions, first ≥ 1) and in the `tail` positions after them (tail < window, the series'
/// last incomplete chunk), written to out_* (indexed by position; out_count, unless null, gets `window`, the
/// pairs of every such window, written here in a pass of its own before the figures). A lane's chunk (the
/// `window` positions from where it starts, or fewer where the series ends) with a window that fails the
/// a-posteriori check has its start returned in `retry` (ascending) for lane_retry; one with a non-finite
/// value in it or in the `window` positions before, or sums out of range, in `failed` (ascending) for the
/// general path, which recomputes the windows ending there and at the `window` − 1 positions after (those
/// in the series).
///
/// Lane l takes a run of consecutive positions (its share: lane_starts) and goes through it as one stream
/// of steps, one window per step (lane_pass), its chunks counted from where it starts: every lane takes the
/// same number of steps, so a lane with a shorter run goes on into the next lane's, computing those windows
/// a second time. That is safe: both computations vouch for those windows or put their chunk in `retry` or
/// `failed` (and a lane with no run of its own computes the same chunk as the first lane that has one).
template <class Real, class X, class Y>
void lane_windows(tag, const X* x, const Y* y, std::size_t n, std::size_t window, std::size_t first,
                  std::size_t chunks, std::size_t tail, Real* out_ratio, Real* out_effectiveness,
                  Real* out_residual, std::size_t* out_count, std::vector<std::size_t>& failed,
                  std::vector<std::size_t>& retry) {
  constexpr std::size_t L = lane_vector<Real>::size;
  if (chunks == 0) return;
  HEDGEMETRICS_ASSERT(first >= 1 && window >= 2 && tail < window && (first + chunks) * window + tail <= n);
  std::size_t start[L];  // each lane's first position
  const std::size_t steps_total = lane_starts<Real>(window, first, chunks, tail, start);
  // Every window here has `window` pairs. Where the counts are stored (out_count not null: under
  // missing_data::omit) they are written first, in one pass over the chunks' positions (the general path
  // writes its own over those of the chunks it takes); under propagate they are computed when read
  // (pair_counts), which took 10-17% off at 10^6 points. Written by the lanes beside their figures, they
  // were 8 more streams of stores (one per lane): at 10^6 points, past the caches, the lanes' 40 streams
  // took 1.3-1.5x the time of 32 streams and this pass (bench_rolling).
  if (out_count != nullptr) {
    std::size_t p = first * window;
    const std::size_t end = (first + chunks) * window + tail;
    lane_counts counts{};
    counts += window;
    constexpr std::size_t per_store = sizeof counts / sizeof(std::size_t);
    for (; p + per_store <= end; p += per_store) std::memcpy(out_count + p, &counts, sizeof counts);
    for (; p < end; ++p) out_count[p] = window;
  }
  lane_pass<Real>(tag{}, x, y, n, window, start, steps_total, window, out_ratio, out_effectiveness,
                  out_residual, failed, &retry);
}

/// A second chance for the chunks lane_windows refused by their check (`begins`, ascending, each at least
/// `window` from the start): those that end by n, L at a time, one per lane, each lane's constants fitted
/// afresh to the chunk and the one before it (the 2·window positions its windows span), not carried from
/// chunk to chunk. The first pass carries a lane's constants while they fit its previous chunk within a
/// factor of 8, and the check asks each window to keep 1/64 of the sums about them, so where the level
/// moves from chunk to chunk (a spot and a futures price near 100) it refuses 14-19% of the chunks; each
/// cost the general path about 150 ns per window (two chunks scanned, centred and merged, scalar at -O2),
/// and rolling_hedge took 26-36 ns per point there instead of 2. Taken again, 70-80% of them pass (the
/// test "price levels, the refused chunks taken again in the lanes"). What still fails goes to `failed`
/// (ascending, merged with what is there) for the general path, and so do the chunks that end past n.
/// Their counts are already written.
template <class Real, class X, class Y>
void lane_retry(tag, const X* x, const Y* y, std::size_t n, std::size_t window,
                const std::vector<std::size_t>& begins, Real* out_ratio, Real* out_effectiveness,
                Real* out_residual, std::vector<std::size_t>& failed) {
  constexpr std::size_t L = lane_vector<Real>::size;
  // A lane's last chunk may end past the series (lane_starts' spread layout: it takes `extra` steps more);
  // the general path takes those.
  std::vector<std::size_t> whole, past_end;
  for (const std::size_t begin : begins) (begin + window <= n ? whole : past_end).push_back(begin);
  // What the groups refuse, ascending from group to group (each group's chunks follow the last one's).
  std::vector<std::size_t> refused, refused_all;
  for (std::size_t g = 0; g < whole.size(); g += L) {
    std::size_t start[L];
    // A last group with fewer chunks than lanes computes its last chunk in the spare lanes as well.
    for (std::size_t l = 0; l < L; ++l) start[l] = whole[g + l < whole.size() ? g + l : whole.size() - 1];
    // The next group's chunks asked for while this one is computed: past the caches they are scattered
    // lines of the series that the first pass left long before.
    for (std::size_t k = g + L; k < g + 2 * L && k < whole.size(); ++k) {
      prefetch_lines(x + whole[k] - window, 2 * window * sizeof(X));
      prefetch_lines(y + whole[k] - window, 2 * window * sizeof(Y));
    }
    lane_pass<Real>(tag{}, x, y, n, window, start, window, 2 * window, out_ratio, out_effectiveness,
                    out_residual, refused, nullptr);
    refused_all.insert(refused_all.end(), refused.begin(), refused.end());
    refused.clear();
  }
  if (!std::is_sorted(failed.begin(), failed.end())) std::sort(failed.begin(), failed.end());
  merge_ascending(failed, refused_all);
  merge_ascending(failed, past_end);
}

/// A third pass over the whole chunks that both lane passes refused (`failed`, ascending): L consecutive
/// windows at once, one per lane (lane i of row j is the pair at q − window + 1 + i + j, so a row is L
/// consecutive values of the series: no transposition), each group of windows of a chunk either computed
/// on its own or slid from the group before.
///
/// A group computed on its own gets constants fitted to it (lane_moments about its first row), then the
/// five sums of its pairs about them (T), and the step's figures and a-posteriori check with no early part:
/// S ≥ T/limit. The next group (up to L positions on) slides those sums: the pairs that left each window
/// subtracted and those that entered added, about the same constants, each operation rounding by an ulp of
/// at most T + P (P: the sums of squares added since), and its windows are checked as the step checks
/// them, S ≥ (2T + P)/limit. A group that fails is computed on its own, with constants of its own; every
/// window a chunk of price levels puts here then passes, where the level moved too far for the lanes'
/// constants (the lanes fit theirs to one chunk or two, a group's to its first window). A chunk whose own
/// computation fails (a non-finite value, a constant series, sums out of range), or that needs more than
/// direct_groups of them, stays in `failed` for the general path, which writes every figure of that chunk
/// again; the others are taken out. On price levels near 100 at a window of 20, the general path took about
/// 60 ns per window, 40% of rolling_hedge's time (perf); at 250, its exact one-pair merges half of it.
template <class Real, class X, class Y>
HEDGEMETRICS_KERNEL_ENTRY void lane_direct(tag, const X* x, const Y* y, std::size_t n, std::size_t window,
                                           std::vector<std::size_t>& failed, Real* out_ratio,
                                           Real* out_effectiveness, Real* out_residual) noexcept {
  using V = typename lane_vector<Real>::type;
  constexpr std::size_t L = lane_vector<Real>::size;
  if (L < 2 || window < L) return;
  // Groups computed on their own per chunk, at most: every group of a window up to direct_window_limit.
  constexpr std::size_t direct_groups = (direct_window_limit + L - 1) / L;
  const V zero{};
  const V small = zero + Real(1e-120), large = zero + Real(1e120), ratio_limit = zero + Real(1e10);
  const Real inv_n = 1 / static_cast<Real>(window);
  const Real inv_n_1 = 1 / static_cast<Real>(window - 1);
  const Real limit_fraction = 1 / static_cast<Real>(window_cancellation_limit);
  // The current group's constants, its windows' five sums about them, the totals of squares of the group
  // last computed on its own (T) and the squares added since (P).
  // (Set by the first group of every chunk, which is computed on its own; zero only for the compilers.)
  V sx = zero, sy = zero, r0 = zero, r0_squared = zero, s_b = zero, s_bb = zero, s_e = zero, s_ee = zero;
  V s_eb = zero, t_bb = zero, t_ee = zero, p_bb = zero, p_ee = zero;
  // The figures and check of the windows ending at q … q + L − 1 from the sums, need_y and need_e the
  // least S_yy and SSR the rounding allows; written where every lane passes.
  const auto finish = [&](std::size_t q, const V& need_y,
                          const V& need_e) HEDGEMETRICS_NOEXCEPT_ALWAYS_INLINE {
    V r, effectiveness, residual, ssr;
    const auto fits = window_from_sums(s_b, s_e, s_bb, s_ee, s_eb, r0, r0_squared, need_y, need_e, inv_n,
                                       inv_n_1, r, effectiveness, residual, ssr);
    // The residual sum's own conditioning. Each e = (x − x̂) − r₀b is off by about an ulp of each of
    // |x − x̂|, 2|r₀b| and |e| (the rounding of x − x̂, of b, and of the product where there is no FMA), so
    // √SSR by at most ‖δe‖ ≈ u·(√Σ(x − x̂)² + 2|r₀|√Σb² + √Σe²), and SSR by 2‖δe‖/√SSR of itself. With
    // Σ(x − x̂)² ≤ 2(Σe² + r₀²Σb²), that is below 1e-11 where SSR ≥ 1e-8·(Σe² + 2r₀²Σb²) (a few ulps each
    // give a few times that, far inside the 1e-9 target). The lanes' steps need no such test: their
    // constants come from other windows, and their S_xx test bounds Σ(x − x̂)² by 64·S_xx. Here they are
    // the windows' own, and a window that one pair dominates (a burst 1e9 larger, S_xx 1e18 times SSR)
    // passed every other test with residual variances 6e-8 off (SSE2, window 5).
    const V need_ssr = lane_multiply_add(r0_squared + r0_squared, s_bb, s_ee) * Real(1e-8);
    const auto ok = fits & (p_bb <= large) & (p_ee <= large) & (ssr >= need_ssr);
    for (std::size_t l = 0; l < L; ++l) {
      if (!mask_get(ok, l)) return false;
    }
    std::memcpy(out_ratio + q, &r, sizeof r);
    std::memcpy(out_effectiveness + q, &effectiveness, sizeof effectiveness);
    std::memcpy(out_residual + q, &residual, sizeof residual);
    return true;
  };
  // The windows ending at q … q + L − 1 computed on their own.
  const auto own = [&](std::size_t q) HEDGEMETRICS_NOEXCEPT_ALWAYS_INLINE {
    const X* px = x + (q + 1 - window);
    const Y* py = y + (q + 1 - window);
    lane_moments<Real> m(load_row<Real, V, L>(px), load_row<Real, V, L>(py));
    for (std::size_t j = 0; j < window; ++j)
      m.add(load_row<Real, V, L>(px + j), load_row<Real, V, L>(py + j));
    const V mean_dx = m.dx * inv_n, mean_dy = m.dy * inv_n;
    sx = m.origin_x + mean_dx, sy = m.origin_y + mean_dy;
    r0 = lane_multiply_subtract(m.dx, mean_dy, m.dxy) / lane_multiply_subtract(m.dy, mean_dy, m.dyy);
    r0_squared = r0 * r0;
    s_b = s_bb = s_e = s_ee = s_eb = zero;
    for (std::size_t j = 0; j < window; ++j) {
      const V b = load_row<Real, V, L>(py + j) - sy;
      const V e = lane_multiply_subtract(r0, b, load_row<Real, V, L>(px + j) - sx);
      s_b += b;
      s_bb = lane_multiply_add(b, b, s_bb);
      s_e += e;
      s_ee = lane_multiply_add(e, e, s_ee);
      s_eb = lane_multiply_add(e, b, s_eb);
    }
    t_bb = s_bb, t_ee = s_ee, p_bb = p_ee = zero;
    const V r0_size = r0 < zero ? -r0 : r0;
    const auto range =
        (t_bb >= small) & (t_bb <= large) & (t_ee >= small) & (t_ee <= large) & (r0_size <= ratio_limit);
    for (std::size_t l = 0; l < L; ++l) {
      if (!mask_get(range, l)) return false;
    }
    return finish(q, s_bb * limit_fraction, s_ee * limit_fraction);
  };
  // The windows ending at q … q + L − 1 slid from those ending `by` positions before (by ≤ L).
  const auto slide = [&](std::size_t q, std::size_t by) HEDGEMETRICS_NOEXCEPT_ALWAYS_INLINE {
    const X* leave_x = x + (q - by + 1 - window);
    const Y* leave_y = y + (q - by + 1 - window);
    const X* enter_x = x + (q - by + 1);
    const Y* enter_y = y + (q - by + 1);
    for (std::size_t j = 0; j < by; ++j) {
      const V b_e = load_row<Real, V, L>(leave_y + j) - sy;
      const V e_e = lane_multiply_subtract(r0, b_e, load_row<Real, V, L>(leave_x + j) - sx);
      const V b_l = load_row<Real, V, L>(enter_y + j) - sy;
      const V e_l = lane_multiply_subtract(r0, b_l, load_row<Real, V, L>(enter_x + j) - sx);
      s_b = (s_b - b_e) + b_l;
      s_bb = lane_multiply_add(b_l, b_l, lane_multiply_subtract(b_e, b_e, s_bb));
      s_e = (s_e - e_e) + e_l;
      s_ee = lane_multiply_add(e_l, e_l, lane_multiply_subtract(e_e, e_e, s_ee));
      s_eb = lane_multiply_add(e_l, b_l, lane_multiply_subtract(e_e, b_e, s_eb));
      p_bb = lane_multiply_add(b_l, b_l, p_bb);
      p_ee = lane_multiply_add(e_l, e_l, p_ee);
    }
    const V twice_bb = t_bb + t_bb, twice_ee = t_ee + t_ee;
    return finish(q, (twice_bb + p_bb) * limit_fraction, (twice_ee + p_ee) * limit_fraction);
  };
  std::size_t kept = 0;
  for (std::size_t k = 0; k < failed.size(); ++k) {
    const std::size_t begin = failed[k];
    bool done = begin >= window && begin + window <= n;
    // The groups from the chunk's start; the last one ends with the chunk, over windows a group before it
    // has computed already.
    std::size_t computed = 0;  // groups computed on their own
    for (std::size_t q = begin, previous = 0; done && q < begin + window; q += L) {
      const std::size_t at = q + L <= begin + window ? q : begin + window - L;
      if (q == begin || !slide(at, at - previous)) {
        done = ++computed <= direct_groups && own(at);
      }
      previous = at;
    }
    if (!done) failed[kept++] = begin;
  }
  failed.resize(kept);
}

/// rolling_hedge's lane engine over whole chunks on this set: lane_windows, lane_retry for the chunks it
/// refused by their check (from a window of retry_window_least), and lane_direct for what is still refused
/// (window_lanes.hpp). One entry point, never
/// inlined: Clang inlines a function of a set into a caller built for a wider one (a unit built with
/// -march=native), where it is compiled with that unit's instructions under this set's name, so the
/// dispatching lambda only calls this (mixed_flags_kernel_symbols).
template <class Real, class X, class Y>
HEDGEMETRICS_KERNEL_ENTRY void lane_engine(tag, const lane_engine_call<Real, X, Y>& call) {
  std::vector<std::size_t> retry;
  std::vector<std::size_t>& failed = *call.failed;
  lane_windows<Real>(tag{}, call.x, call.y, call.n, call.window, call.first, call.chunks, call.tail,
                     call.out_ratio, call.out_effectiveness, call.out_residual, call.out_count, failed,
                     retry);
  if (call.window < retry_window_least) {
    merge_ascending(failed, retry);  // both ascending, as lane_windows returns them
  } else if (!retry.empty()) {
    lane_retry(tag{}, call.x, call.y, call.n, call.window, retry, call.out_ratio, call.out_effectiveness,
               call.out_residual, failed);
  }
  if (!failed.empty()) {
    lane_direct(tag{}, call.x, call.y, call.n, call.window, failed, call.out_ratio, call.out_effectiveness,
                call.out_residual);
  }
}
