// SPDX-License-Identifier: MIT
/// \file
/// Vector packs for one instruction set: included once per set by detail/isa_regions.hpp, inside that set's
/// target region and namespace (no include guard on purpose). Parameters, as macros:
///   HEDGEMETRICS_ISA_VECTOR_BYTES  bytes per vector register: 16, 32 or 64 (GCC/Clang vector types), or
///                                  0 for the portable path (plain arrays of two, any compiler).
///   HEDGEMETRICS_ISA_HARDWARE_FMA  1 where the set has a fused multiply-add instruction.
///
/// A pack holds `width` partial sums of one accumulator; each step of a sweep reads two packs of each series
/// and adds their terms together before the accumulator, so the seven sums of the fast co-moment sweep and
/// the step's temporaries stay in the 16 registers of SSE2 and AVX2 (two packs per sum did not, and the
/// spilled accumulators ran the loop at store-forward speed). The arithmetic is written on the
/// packs explicitly, so it does not depend on the optimiser vectorising a loop (GCC at -O2 does not), and
/// the region compiles with contraction off, so a·b + c is never fused unless a kernel asks for fma().

#if HEDGEMETRICS_ISA_VECTOR_BYTES > 0

/// Doubles per vector register.
inline constexpr std::size_t width = HEDGEMETRICS_ISA_VECTOR_BYTES / sizeof(double);

/// A vector of `width` doubles (GCC/Clang vector extension): + − * and comparisons act lane by lane.
typedef double pack __attribute__((vector_size(HEDGEMETRICS_ISA_VECTOR_BYTES)));
typedef float float_pack __attribute__((vector_size(HEDGEMETRICS_ISA_VECTOR_BYTES / 2)));

[[nodiscard]] HEDGEMETRICS_ISA_INLINE pack splat(double value) noexcept {
  pack out = {};
  return out + value;
}

/// Loads `width` consecutive values from any address, converted to double.
template <class T>
[[nodiscard]] HEDGEMETRICS_ISA_INLINE pack load(const T* p) noexcept {
  if constexpr (std::is_same_v<T, double>) {
    pack out;
    std::memcpy(&out, p, sizeof out);
    return out;
  } else if constexpr (std::is_same_v<T, float>) {
    float_pack narrow;
    std::memcpy(&narrow, p, sizeof narrow);
    return __builtin_convertvector(narrow, pack);
  } else {
    pack out = {};
    for (std::size_t k = 0; k < width; ++k) out[k] = static_cast<double>(p[k]);
    return out;
  }
}

[[nodiscard]] HEDGEMETRICS_ISA_INLINE pack lane_minimum(pack a, pack b) noexcept {
  return a < b ? a : b;
}
[[nodiscard]] HEDGEMETRICS_ISA_INLINE pack lane_maximum(pack a, pack b) noexcept {
  return a > b ? a : b;
}

#else  // the portable path: the same kernels on arrays of two

inline constexpr std::size_t width = 2;

struct pack {
  double v[width];
  [[nodiscard]] double& operator[](std::size_t k) noexcept { return v[k]; }
  [[nodiscard]] double operator[](std::size_t k) const noexcept { return v[k]; }
  friend pack operator+(pack a, pack b) noexcept { return {{a.v[0] + b.v[0], a.v[1] + b.v[1]}}; }
  friend pack operator-(pack a, pack b) noexcept { return {{a.v[0] - b.v[0], a.v[1] - b.v[1]}}; }
  friend pack operator*(pack a, pack b) noexcept { return {{a.v[0] * b.v[0], a.v[1] * b.v[1]}}; }
  pack& operator+=(pack b) noexcept { return *this = *this + b; }
};

[[nodiscard]] HEDGEMETRICS_ISA_INLINE pack splat(double value) noexcept {
  return {{value, value}};
}

template <class T>
[[nodiscard]] HEDGEMETRICS_ISA_INLINE pack load(const T* p) noexcept {
  return {{static_cast<double>(p[0]), static_cast<double>(p[1])}};
}

[[nodiscard]] HEDGEMETRICS_ISA_INLINE pack lane_minimum(pack a, pack b) noexcept {
  return {{a.v[0] < b.v[0] ? a.v[0] : b.v[0], a.v[1] < b.v[1] ? a.v[1] : b.v[1]}};
}
[[nodiscard]] HEDGEMETRICS_ISA_INLINE pack lane_maximum(pack a, pack b) noexcept {
  return {{a.v[0] > b.v[0] ? a.v[0] : b.v[0], a.v[1] > b.v[1] ? a.v[1] : b.v[1]}};
}

#endif

/// Pairs per step of the sweeps: two packs, whose terms are added together before they reach the
/// accumulators (one pack per sum).
inline constexpr std::size_t lanes = 2 * width;

/// Σ of a pack's lanes in a fixed order (lane 0 first).
[[nodiscard]] HEDGEMETRICS_ISA_INLINE double pack_sum(const pack& p) noexcept {
  double total = 0;
  for (std::size_t k = 0; k < width; ++k) total += p[k];
  return total;
}

/// Least and greatest lane of a running minimum or maximum.
[[nodiscard]] HEDGEMETRICS_ISA_INLINE double pack_min(const pack& p) noexcept {
  double least = p[0];
  for (std::size_t k = 1; k < width; ++k) least = p[k] < least ? p[k] : least;
  return least;
}

[[nodiscard]] HEDGEMETRICS_ISA_INLINE double pack_max(const pack& p) noexcept {
  double greatest = p[0];
  for (std::size_t k = 1; k < width; ++k) greatest = p[k] > greatest ? p[k] : greatest;
  return greatest;
}

/// product + error == a·b exactly (TwoProduct). With FMA: error = fma(a, b, −product) (Ogita, Rump &
/// Oishi 2005). Without: Dekker's splitting into 26-bit halves (Dekker 1971; Ogita, Rump & Oishi,
/// Algorithm 3.2), exact unless a half overflows (|a| or |b| from 2^996) or a partial product underflows (|a·b| up to
/// 2^-900), where std::fma is used instead.
HEDGEMETRICS_ISA_INLINE void exact_product(double a, double b, double& product, double& error) noexcept {
  product = a * b;
#if HEDGEMETRICS_ISA_HARDWARE_FMA
  error = __builtin_fma(a, b, -product);
#else
  constexpr double split = 134217729.0;  // 2^27 + 1
  constexpr double big = 0x1p996;
  constexpr double small = 0x1p-900;
  const double magnitude_a = a < 0 ? -a : a;
  const double magnitude_b = b < 0 ? -b : b;
  const double magnitude_p = product < 0 ? -product : product;
  if (HEDGEMETRICS_LIKELY(magnitude_a < big && magnitude_b < big &&
                          (magnitude_p > small || a == 0 || b == 0))) {
    const double ca = split * a;
    const double a_high = ca - (ca - a);
    const double a_low = a - a_high;
    const double cb = split * b;
    const double b_high = cb - (cb - b);
    const double b_low = b - b_high;
    error = a_low * b_low - (((product - a_high * b_high) - a_low * b_high) - a_high * b_low);
  } else {
    error = std::fma(a, b, -product);
  }
#endif
}

/// sum + error == a + b exactly (Knuth's TwoSum).
HEDGEMETRICS_ISA_INLINE void exact_sum(double a, double b, double& sum, double& error) noexcept {
  sum = a + b;
  const double b_part = sum - a;
  error = (a - (sum - b_part)) + (b - b_part);
}
