#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Second command: the whole test suite, as CI runs it.
#  1. C++17, Release: tests, examples and benchmarks with warnings as errors; ctest; every benchmark briefly.
#  2. C++20: the same tests and examples.
#  3. C++17 under AddressSanitizer + UndefinedBehaviorSanitizer: the tests and examples once more (the
#     examples parse CSV files: the sanitizers watch that code too).
#  4. Packaging: install, the four consumer builds, versions agree, the Doxygen reference builds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

jobs=$(nproc)
data_dir="${HEDGEMETRICS_DATA_DIR:-$(cd .. && pwd)/shared/data}"
common=(-DHEDGEMETRICS_DEV_WERROR=ON "-DHEDGEMETRICS_DATA_DIR=${data_dir}")

step() { printf '\n=== %s ===\n' "$*"; }

step "C++17 Release: build tests, examples, benchmarks"
cmake -S . -B build-ci/cxx17 -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_STANDARD=17 \
  -DHEDGEMETRICS_BENCHMARK_NATIVE=OFF "${common[@]}"
cmake --build build-ci/cxx17 -j "$jobs"
step "C++17 Release: ctest"
ctest --test-dir build-ci/cxx17 --output-on-failure -j "$jobs"
step "benchmarks, briefly, so they cannot rot"
for b in build-ci/cxx17/benchmarks/bench_*; do
  [ -x "$b" ] || continue
  echo "--- $b"
  "$b" --benchmark_min_time=0.01 >/dev/null
done

step "C++20: build and ctest"
cmake -S . -B build-ci/cxx20 -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_STANDARD=20 \
  -DHEDGEMETRICS_BUILD_BENCHMARKS=OFF "${common[@]}"
cmake --build build-ci/cxx20 -j "$jobs"
ctest --test-dir build-ci/cxx20 --output-on-failure -j "$jobs"

step "AddressSanitizer + UndefinedBehaviorSanitizer: build and ctest"
cmake -S . -B build-ci/sanitize -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_STANDARD=17 \
  -DHEDGEMETRICS_BUILD_BENCHMARKS=OFF \
  "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
  "${common[@]}"
cmake --build build-ci/sanitize -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-ci/sanitize --output-on-failure -j "$jobs"

step "packaging: install, consumers, versions, docs"
bash scripts/check-packaging.sh

step "all test stages passed"
