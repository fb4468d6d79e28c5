// SPDX-License-Identifier: MIT
/// \file
/// Which instruction set the hot kernels run on, chosen once per process at run time.
///
/// Every translation unit that includes hedgemetrics compiles each hot kernel (fit_hedge's block sweeps and
/// ratio refinement, describe's moments, basis_risk, the accumulator, rolling_hedge's lane engine, the
/// several-instrument fit's streaming QR) several times, each copy in a namespace of its own and for one
/// instruction set exactly, whatever `-march` the unit is built with (align's input checks and age sums
/// have an AVX2 copy beside their SSE2 one, used for avx2 and avx512):
///
/// | instruction_set | compiled for (GCC/Clang target)        | chosen when the CPU has     | doubles per vector |
/// |-----------------|----------------------------------------|-----------------------------|--------------------|
/// | `sse2`          | `arch=x86-64` (no AVX)                 | always on x86-64            | 2                  |
/// | `avx2`          | `arch=x86-64` + AVX2 + FMA             | AVX2 and FMA                | 4                  |
/// | `avx512`        | `arch=x86-64` + AVX-512F               | AVX-512F                    | 8                  |
/// | `portable`      | the unit's own flags                   | MSVC, or a CPU not x86-64   | 2 (plain arrays)   |
///
/// The first kernel call reads the CPU (CPUID through `__builtin_cpu_supports`) and the environment variable
/// `HEDGEMETRICS_ISA`, and every later call of any kernel in the process uses that choice. So a program
/// whose units are built with different flags runs one kernel everywhere and gets the same figures from
/// each unit, and no copy ever holds instructions of another set (units built with `-march=native` and
/// without share each kernel's symbol only where its code is the same).
///
/// `HEDGEMETRICS_ISA=sse2|avx2|avx512|best` forces a path (CI runs the test suite once per path the
/// machine has); a value the CPU cannot run, or an unknown one, stops the program with a message naming the
/// value and what the CPU has, since silently testing another path would defeat the point. In code,
/// use_instruction_set() does the same and throws instead.
///
/// Figures differ between paths only in the order of summation (lanes of 4, 8 or 16 partial sums) and, on
/// the sets with FMA, in products rounded once where another set rounds them twice: every accuracy bound
/// the library documents holds on each.
#ifndef HEDGEMETRICS_INSTRUCTION_SET_HPP
#define HEDGEMETRICS_INSTRUCTION_SET_HPP

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "hedgemetrics/detail/config.hpp"

/// 1 where the kernels are compiled per instruction set and chosen at run time (GCC or Clang on x86-64),
/// 0 where one portable copy is compiled with the unit's own flags.
#if !defined(HEDGEMETRICS_DISPATCH_X86)
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__) && !defined(__INTEL_COMPILER) && \
    !defined(HEDGEMETRICS_NO_DISPATCH)
#define HEDGEMETRICS_DISPATCH_X86 1
#else
#define HEDGEMETRICS_DISPATCH_X86 0
#endif
#endif

namespace hedgemetrics {

/// The instruction sets the kernels are compiled for (see the file comment).
enum class instruction_set : int { portable = 0, sse2 = 1, avx2 = 2, avx512 = 3 };

/// "portable", "sse2", "avx2" or "avx512".
[[nodiscard]] constexpr const char* instruction_set_name(instruction_set set) noexcept {
  switch (set) {
    case instruction_set::sse2:
      return "sse2";
    case instruction_set::avx2:
      return "avx2";
    case instruction_set::avx512:
      return "avx512";
    case instruction_set::portable:
      break;
  }
  return "portable";
}

/// Whether this CPU can run the kernels compiled for `set` (and this build compiled them).
[[nodiscard]] inline bool instruction_set_supported(instruction_set set) noexcept {
#if HEDGEMETRICS_DISPATCH_X86
  // Reads the CPU's features now, as GCC's manual asks where the check may run before the runtime's own
  // constructor (a static initializer with a constructor priority): the choice is kept for the process.
  __builtin_cpu_init();
  switch (set) {
    case instruction_set::sse2:
      return true;
    case instruction_set::avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case instruction_set::avx512:
      return __builtin_cpu_supports("avx512f") != 0;
    case instruction_set::portable:
      return false;
  }
  return false;
#else
  return set == instruction_set::portable;
#endif
}

/// The widest instruction set this CPU supports among those compiled.
[[nodiscard]] inline instruction_set best_instruction_set() noexcept {
#if HEDGEMETRICS_DISPATCH_X86
  if (instruction_set_supported(instruction_set::avx512)) return instruction_set::avx512;
  if (instruction_set_supported(instruction_set::avx2)) return instruction_set::avx2;
  return instruction_set::sse2;
#else
  return instruction_set::portable;
#endif
}

namespace detail {

/// The sets this CPU supports, as text for messages: "sse2 avx2".
inline std::string supported_sets_text() {
  std::string text;
  for (int k = 0; k <= 3; ++k) {
    const auto set = static_cast<instruction_set>(k);
    if (!instruction_set_supported(set)) continue;
    if (!text.empty()) text += ' ';
    text += instruction_set_name(set);
  }
  return text;
}

/// The set HEDGEMETRICS_ISA asks for, or the best one when it is unset or "best". Anything else is a
/// configuration error of the program's environment: reported on stderr, then the program stops.
inline instruction_set instruction_set_from_environment() noexcept {
  const char* wanted = std::getenv("HEDGEMETRICS_ISA");
  if (wanted == nullptr || *wanted == '\0' || std::strcmp(wanted, "best") == 0) return best_instruction_set();
  for (int k = 0; k <= 3; ++k) {
    const auto set = static_cast<instruction_set>(k);
    if (std::strcmp(wanted, instruction_set_name(set)) != 0) continue;
    if (instruction_set_supported(set)) return set;
    std::fprintf(stderr,
                 "hedgemetrics: HEDGEMETRICS_ISA=%s, but this CPU or build cannot run it (it can run: %s)\n",
                 wanted, supported_sets_text().c_str());
    std::abort();
  }
  std::fprintf(
      stderr,
      "hedgemetrics: HEDGEMETRICS_ISA=%s is not an instruction set; use sse2, avx2, avx512, portable "
      "or best (this CPU can run: %s)\n",
      wanted, supported_sets_text().c_str());
  std::abort();
}

/// The process's choice: one object for the whole program (an inline variable), set on first use.
inline std::atomic<int> chosen_instruction_set{-1};

/// The set the kernels run on; the first call makes the choice.
[[nodiscard]] inline instruction_set active_instruction_set_code() noexcept {
  int set = chosen_instruction_set.load(std::memory_order_relaxed);
  if (HEDGEMETRICS_LIKELY(set >= 0)) return static_cast<instruction_set>(set);
  int expected = -1;
  const int detected = static_cast<int>(instruction_set_from_environment());
  chosen_instruction_set.compare_exchange_strong(expected, detected, std::memory_order_relaxed);
  return static_cast<instruction_set>(chosen_instruction_set.load(std::memory_order_relaxed));
}

}  // namespace detail

/// The instruction set the kernels run on in this process (the first call makes the choice: see the file
/// comment).
[[nodiscard]] inline instruction_set active_instruction_set() noexcept {
  return detail::active_instruction_set_code();
}

/// Makes every later kernel call in the process run on `set`, for tests and for comparing paths.
/// \throws std::invalid_argument when this CPU or build cannot run `set`, naming what it can run.
inline void use_instruction_set(instruction_set set) {
  if (!instruction_set_supported(set)) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string("hedgemetrics::use_instruction_set: ") + instruction_set_name(set) +
        " cannot run here (this CPU and build can run: " + detail::supported_sets_text() + ")"));
  }
  detail::chosen_instruction_set.store(static_cast<int>(set), std::memory_order_relaxed);
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_INSTRUCTION_SET_HPP
