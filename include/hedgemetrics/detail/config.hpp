// SPDX-License-Identifier: MIT
/// \file
/// Error-reporting macros shared by every header: one throw macro, one assert macro.
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

namespace hedgemetrics::detail {

[[noreturn]] inline void fail_without_exceptions(const char* message) noexcept {
  std::fputs("hedgemetrics: ", stderr);
  std::fputs(message, stderr);
  std::fputs("\n", stderr);
  std::abort();
}

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_CONFIG_HPP
