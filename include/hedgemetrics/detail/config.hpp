// SPDX-License-Identifier: MIT
/// \file
/// Macros shared by every header: one throw macro, one assert macro, and the compiled-mode switches.
#ifndef HEDGEMETRICS_DETAIL_CONFIG_HPP
#define HEDGEMETRICS_DETAIL_CONFIG_HPP

#include <cassert>
#include <cstdio>
#include <cstdlib>

/// Every throw in the library goes through this macro, so the library also builds with
/// -fno-exceptions: there a caller error prints its message to stderr and aborts.
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#define HEDGEMETRICS_THROW(exception) throw exception
#else
#define HEDGEMETRICS_THROW(exception) ::hedgemetrics::detail::fail_without_exceptions((exception).what())
#endif

/// Internal invariants, not caller errors: checked in debug builds only.
#ifndef HEDGEMETRICS_ASSERT
#define HEDGEMETRICS_ASSERT(condition) assert(condition)
#endif

/// A condition the hot loops expect to hold: compiled as a predicted branch (GCC, Clang), so that the
/// rare side's operands are not waited for as a conditional move would wait for them.
#if defined(__GNUC__) || defined(__clang__)
#define HEDGEMETRICS_LIKELY(condition) __builtin_expect(static_cast<bool>(condition), 1)
#else
#define HEDGEMETRICS_LIKELY(condition) (condition)
#endif

/// HEDGEMETRICS_NO_FP_CONTRACT_BEGIN … HEDGEMETRICS_NO_FP_CONTRACT_END: the functions defined between them are
/// compiled without contracting a·b + c into one fused multiply-add, whatever the unit's flags. GCC in its
/// GNU modes (-std=gnu++17, CMake's default) fuses across statements wherever the target has FMA, and
/// Clang within an expression: a unit built with -march=native would round the figures computed outside
/// the dispatched kernels (the kernels are compiled without contraction, detail/kernels.hpp) differently
/// from a unit built for the x86-64 baseline, and a merge of co-moments or an intercept would differ in its
/// last bits from one unit to the other (tests/mixed_flags). Around the functions that compute figures
/// only: GCC does not inline a function compiled with other optimisation options into one without them
/// (the reverse it does), so not around small accessors a hot loop of the user's would call.
#if defined(__clang__)
#define HEDGEMETRICS_NO_FP_CONTRACT_BEGIN _Pragma("STDC FP_CONTRACT OFF")
#define HEDGEMETRICS_NO_FP_CONTRACT_END _Pragma("STDC FP_CONTRACT DEFAULT")
#elif defined(__GNUC__)
#define HEDGEMETRICS_NO_FP_CONTRACT_BEGIN \
  _Pragma("GCC push_options") _Pragma("GCC optimize(\"fp-contract=off\")")
#define HEDGEMETRICS_NO_FP_CONTRACT_END _Pragma("GCC pop_options")
#else
#define HEDGEMETRICS_NO_FP_CONTRACT_BEGIN
#define HEDGEMETRICS_NO_FP_CONTRACT_END
#endif

/// Compiled mode (README "Compile times"), as nanobench's ANKERL_NANOBENCH_IMPLEMENT and stb's
/// *_IMPLEMENTATION: with HEDGEMETRICS_COMPILED defined in every translation unit, the heavy
/// double-precision kernels (the multi-instrument QR fit, the GARCH and DCC fits, the greek hedge, the
/// cointegration regressions) are only declared, and exactly one translation unit defines
/// HEDGEMETRICS_IMPLEMENTATION (which implies HEDGEMETRICS_COMPILED) before including
/// <hedgemetrics/hedgemetrics.hpp>, compiling them once; the CMake target hedgemetrics::compiled is
/// that translation unit as a static library. Header-only (neither macro) is the default. Both modes
/// compile the same source, so they give the same figures. In the headers:
/// - HEDGEMETRICS_KERNEL: `inline` header-only; nothing in compiled mode (one external definition);
/// - HEDGEMETRICS_KERNEL_BODIES: 1 where the kernels' bodies are compiled (header-only, or the
///   implementation translation unit), 0 where only their declarations are;
/// - HEDGEMETRICS_INSTANTIATE: `extern template` in compiled mode, `template` in the implementation
///   translation unit, for the double instances of kernels that are templates.
#if defined(HEDGEMETRICS_IMPLEMENTATION) && !defined(HEDGEMETRICS_COMPILED)
#define HEDGEMETRICS_COMPILED
#endif
#if defined(HEDGEMETRICS_COMPILED)
#define HEDGEMETRICS_KERNEL
#if defined(HEDGEMETRICS_IMPLEMENTATION)
#define HEDGEMETRICS_KERNEL_BODIES 1
#define HEDGEMETRICS_INSTANTIATE template
#else
#define HEDGEMETRICS_KERNEL_BODIES 0
#define HEDGEMETRICS_INSTANTIATE extern template
#endif
#else
#define HEDGEMETRICS_KERNEL inline
#define HEDGEMETRICS_KERNEL_BODIES 1
#endif

namespace hedgemetrics::detail {

[[noreturn]] inline void fail_without_exceptions(const char* message) noexcept {
  std::fputs("hedgemetrics: ", stderr);
  std::fputs(message, stderr);
  std::fputs("\n", stderr);
  std::abort();
}

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_CONFIG_HPP
