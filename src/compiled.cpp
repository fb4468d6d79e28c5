// SPDX-License-Identifier: MIT
// The implementation translation unit of the compiled mode (README "Compile times"; detail/config.hpp):
// the heavy double-precision kernels, which users' translation units only declare when they define
// HEDGEMETRICS_COMPILED, compiled once. CMake builds it as hedgemetrics::compiled; without CMake, a
// project compiles a file with these two lines (and -DHEDGEMETRICS_COMPILED everywhere else).
#define HEDGEMETRICS_IMPLEMENTATION
#include "hedgemetrics/hedgemetrics.hpp"
