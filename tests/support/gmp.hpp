// SPDX-License-Identifier: MIT
/// \file
/// GMP's C++ interface (gmpxx), included as a system header: the tests build with -Werror and strict
/// conversion warnings, which are meant for hedgemetrics and the tests, not for GMP's own headers.
/// GMP is a test-only dependency (Debian: libgmp-dev); the library never includes it.
#ifndef HEDGEMETRICS_TESTS_SUPPORT_GMP_HPP
#define HEDGEMETRICS_TESTS_SUPPORT_GMP_HPP

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC system_header
#endif

#include <gmpxx.h>

#endif  // HEDGEMETRICS_TESTS_SUPPORT_GMP_HPP
