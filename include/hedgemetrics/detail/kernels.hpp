// SPDX-License-Identifier: MIT
/// \file
/// The hot kernels, compiled once per instruction set in every translation unit, and the switch that runs
/// the process's choice (instruction_set.hpp).
///
/// Each set's copy lives in a namespace of its own (isa_sse2, isa_avx2, isa_avx512; isa_portable where
/// there is no dispatch) and in a target region that sets its instruction set exactly: `arch=x86-64` plus
/// that set's features, and `no-avx` for SSE2, so `-march=native` on the command line adds nothing to it
/// and two units built with different flags emit the same code for each kernel symbol. The regions also
/// turn floating-point contraction off, so a·b + c is fused only where a kernel calls fma on purpose and
/// a kernel gives the same bits whichever unit's copy the linker keeps. The anchors for the technique:
/// simdjson's per-ISA namespaces and target regions, Google Highway's dynamic dispatch.
///
/// Kernel entry points are never inlined into their callers (HEDGEMETRICS_KERNEL_ENTRY), so each set's
/// code stays in its own symbol, and the small pack operations always are (HEDGEMETRICS_ISA_INLINE); entry
/// points run on a cache-resident block of 1,024 pairs, so the call and the
/// switch cost nothing measurable.
#ifndef HEDGEMETRICS_DETAIL_KERNELS_HPP
#define HEDGEMETRICS_DETAIL_KERNELS_HPP

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "hedgemetrics/detail/comoment_state.hpp"
#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/moment_state.hpp"
#include "hedgemetrics/instruction_set.hpp"

/// Promises the compiler that a pointer's array overlaps no other (GCC, Clang and MSVC spell it __restrict).
#if defined(__GNUC__) || defined(__clang__) || defined(_MSC_VER)
#define HEDGEMETRICS_RESTRICT __restrict
#else
#define HEDGEMETRICS_RESTRICT
#endif

/// Tells the compiler that the next loop's iterations are independent. GCC honours __restrict only on
/// function parameters, and gives up vectorising a loop over more than 10 arrays it would have to check for
/// overlap at run time (--param vect-max-version-for-alias-checks): without this the two loops over 28
/// arrays of window_states.hpp run scalar, 4 times slower (bench_rolling).
#if defined(__clang__)
#define HEDGEMETRICS_INDEPENDENT_ITERATIONS _Pragma("clang loop vectorize(assume_safety)")
#elif defined(__GNUC__)
#define HEDGEMETRICS_INDEPENDENT_ITERATIONS _Pragma("GCC ivdep")
#else
#define HEDGEMETRICS_INDEPENDENT_ITERATIONS
#endif

// Lanes are transposed with __builtin_shufflevector (Clang; GCC 12 and later), else moved one at a time
// (correct, slower). HEDGEMETRICS_NO_SHUFFLEVECTOR forces the latter, to test it.
#if defined(__has_builtin) && !defined(HEDGEMETRICS_NO_SHUFFLEVECTOR)
#if __has_builtin(__builtin_shufflevector)
#define HEDGEMETRICS_HAS_SHUFFLEVECTOR 1
#endif
#endif

#if defined(__GNUC__) || defined(__clang__)
#define HEDGEMETRICS_KERNEL_ENTRY [[gnu::noinline]]
#define HEDGEMETRICS_ISA_INLINE [[gnu::always_inline]] inline
#else
#define HEDGEMETRICS_KERNEL_ENTRY
#define HEDGEMETRICS_ISA_INLINE inline
#endif

/// Always inlined, for a lambda that may throw.
#if defined(__GNUC__) || defined(__clang__)
#define HEDGEMETRICS_ALWAYS_INLINE_LAMBDA __attribute__((always_inline))
#else
#define HEDGEMETRICS_ALWAYS_INLINE_LAMBDA
#endif

/// `noexcept`, and always inlined, for a lambda: GCC takes the attribute after noexcept, Clang before it.
#if defined(__clang__)
#define HEDGEMETRICS_NOEXCEPT_ALWAYS_INLINE __attribute__((always_inline)) noexcept
#elif defined(__GNUC__)
#define HEDGEMETRICS_NOEXCEPT_ALWAYS_INLINE noexcept __attribute__((always_inline))
#else
#define HEDGEMETRICS_NOEXCEPT_ALWAYS_INLINE noexcept
#endif

namespace hedgemetrics::detail {

/// The largest factor by which a window's S_xx, S_yy or SSR may be smaller than the bound on the rounding
/// of the sums it is computed from: log10(64) = 1.8 digits lost at most, out of 16, far inside the 1e-9
/// target. A chunk with a window beyond it is recomputed the general way. How often that happens (chunks
/// the lane engine refuses): WTI spot vs CL1 daily changes, 13 of 463 at window 20 and 1 of 36 at 250; the
/// same as price levels (a near-perfect hedge whose ratio moves from one 20-day window to the next), 112
/// of 463 at 20 and 7 of 36 at 250; the benchmarks' correlated changes, none.
inline constexpr double window_cancellation_limit = 64;

/// The arguments of rolling_hedge's lane engine (window_lanes.hpp's lane_windows, which documents them),
/// given to each set's entry point (lane_engine) as one reference, so that the lambda that dispatches to it
/// holds nothing but the call.
template <class Real, class X, class Y>
struct lane_engine_call {
  const X* x;
  const Y* y;
  std::size_t n, window, first, chunks, tail;
  Real* out_ratio;
  Real* out_effectiveness;
  Real* out_residual;
  std::size_t* out_count;
  std::vector<std::size_t>* failed;
};

/// The largest window whose refused chunks the lane engine's third pass (lane_direct) may compute group by
/// group, every group of windows on its own: that costs O(window) per group, where the general path's cost
/// per window hardly grows with the window. So it computes at most this many windows' worth of groups on
/// their own per chunk (direct_window_limit / L groups), sliding the others from the group before. Price
/// levels near 100, 10^5 points, -O2 (A/B in one process), rolling_hedge with every group on its own
/// against without the pass: 35% less time at windows of 20 and 40, 14% at 100, 4% at 128; 8% more at
/// 180, 47% at 250.
inline constexpr std::size_t direct_window_limit = 128;

/// The least window at which the chunks the lanes' first pass refuses by its check are taken again in the
/// lanes (lane_retry) before lane_direct; below it they go to lane_direct at once. Price levels near 100
/// (A/B, -O2, one process), lane_direct alone against both: at 10^5 points 41% less time at a window of 8,
/// 16% at 16, 9% at 24, the same at 40 and 48, 16% more at 64 and 20% at 1,000; at 10^6 points 49% less at
/// 8, 18% at 20 and 48, 5% less at 64 and 6% more at 128.
inline constexpr std::size_t retry_window_least = 64;

/// Asks for the cache lines of the `bytes` from p, the first `most_lines` of them at most (the hardware
/// prefetchers follow a longer run once it has started): for data about to be read that is not where the
/// last reads were, such as the chunks the rolling engine takes again.
inline void prefetch_lines(const void* p, std::size_t bytes, std::size_t most_lines = 16) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  if (bytes == 0) return;
  constexpr std::uintptr_t line = 64;
  const std::uintptr_t first = reinterpret_cast<std::uintptr_t>(p) / line;
  const std::uintptr_t last = (reinterpret_cast<std::uintptr_t>(p) + bytes - 1) / line;
  for (std::uintptr_t a = first; a <= last && a - first < most_lines; ++a) {
    __builtin_prefetch(reinterpret_cast<const void*>(a * line));
  }
#else
  static_cast<void>(p), static_cast<void>(bytes), static_cast<void>(most_lines);
#endif
}

}  // namespace hedgemetrics::detail

#if HEDGEMETRICS_DISPATCH_X86

// With GCC each set's kernels are compiled at -O2 whatever the unit's optimisation level (`O2` in the
// optimize pragmas below, beside fp-contract=off), so that the code the process runs is the same in a -O2,
// a -O3 and a -O0 build. At -O3, GCC 12's AVX-512 copy of rolling_hedge's lane engine held 9% more
// instructions in its loop and a third more spills, and took 7-15% longer at windows of 20 and 250 than the
// same engine from a -O2 file (one process, two shared objects, -O3 -march=native against
// -O2 -march=native, 2026-12-05); no single -O3 flag or parameter accounted for it, and -O2 with every
// -O3 flag added was as fast as -O2. With the level pinned, both builds ran it equally fast (and
// fit_hedge, the downside and hedge-accounting sweeps no slower). A -O0 or -Og build gets the optimised
// kernels too (the debugger does not step through them line by line). Clang has no such pragma: its
// kernels take the unit's level.

// ---- SSE2: the x86-64 baseline ----
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("arch=x86-64,no-avx"))), apply_to = function)
#pragma STDC FP_CONTRACT OFF
#else
#pragma GCC push_options
#pragma GCC target("arch=x86-64,no-avx")
#pragma GCC optimize("O2,fp-contract=off")
#endif
#define HEDGEMETRICS_ISA_VECTOR_BYTES 16
#define HEDGEMETRICS_ISA_HARDWARE_FMA 0
#define HEDGEMETRICS_ISA_NAMESPACE isa_sse2
#include "hedgemetrics/detail/isa_kernels.ipp"
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

// ---- AVX2 + FMA ----
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("arch=x86-64,avx2,fma,no-avx512f"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("arch=x86-64,avx2,fma,no-avx512f")
#pragma GCC optimize("O2,fp-contract=off")
#endif
#define HEDGEMETRICS_ISA_VECTOR_BYTES 32
#define HEDGEMETRICS_ISA_HARDWARE_FMA 1
#define HEDGEMETRICS_ISA_NAMESPACE isa_avx2
#include "hedgemetrics/detail/isa_kernels.ipp"
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

// ---- AVX-512F ----
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("arch=x86-64,avx512f,avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("arch=x86-64,avx512f,avx2,fma")
#pragma GCC optimize("O2,fp-contract=off")
#endif
#define HEDGEMETRICS_ISA_VECTOR_BYTES 64
#define HEDGEMETRICS_ISA_HARDWARE_FMA 1
#define HEDGEMETRICS_ISA_NAMESPACE isa_avx512
#include "hedgemetrics/detail/isa_kernels.ipp"
#if defined(__clang__)
#pragma clang attribute pop
#pragma STDC FP_CONTRACT DEFAULT
#else
#pragma GCC pop_options
#endif

#else  // one portable copy, with the unit's own flags

#define HEDGEMETRICS_ISA_VECTOR_BYTES 0
#define HEDGEMETRICS_ISA_HARDWARE_FMA 0
#define HEDGEMETRICS_ISA_NAMESPACE isa_portable
#include "hedgemetrics/detail/isa_kernels.ipp"

#endif

namespace hedgemetrics::detail {

#if HEDGEMETRICS_DISPATCH_X86
/// Zeroes the upper halves of the vector registers when it goes out of scope: on leaving an AVX2 or
/// AVX-512 kernel, whatever it did on the way out. Code compiled without AVX (SSE2, what -O2 with no -march
/// gives) runs slowly while they hold data: on a Zen 4, an add-and-subtract rolling loop of scalar SSE2
/// arithmetic took 24-27 ns per point after a call of rolling_hedge against 6.2 before it: after the call,
/// ymm0-15 still held data in their upper halves (seen in gdb; the exit that left them so was not pinned
/// down, so every AVX kernel gets the guard). `vzeroupper` is an AVX instruction, executed only where the
/// process runs an AVX set; the registers it clobbers hold nothing of the caller's at this point.
struct upper_state_guard {
  upper_state_guard() noexcept = default;
  upper_state_guard(const upper_state_guard&) = delete;
  upper_state_guard& operator=(const upper_state_guard&) = delete;
  ~upper_state_guard() {
    __asm__ volatile("vzeroupper" ::
                         : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
                           "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory");
  }
};
#endif

/// Calls `run` with the tag of the process's instruction set; kernels overload on the tag. After an AVX2
/// or AVX-512 kernel the upper halves of the vector registers are zeroed (upper_state_guard).
template <class Run>
decltype(auto) on_active_set(Run&& run) {
#if HEDGEMETRICS_DISPATCH_X86
  switch (active_instruction_set_code()) {
    case instruction_set::avx512: {
      const upper_state_guard clean;
      return run(isa_avx512::tag{});
    }
    case instruction_set::avx2: {
      const upper_state_guard clean;
      return run(isa_avx2::tag{});
    }
    default:
      return run(isa_sse2::tag{});
  }
#else
  return run(isa_portable::tag{});
#endif
}

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_KERNELS_HPP
