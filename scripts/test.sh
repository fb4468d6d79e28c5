#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Second command: the whole test suite, as CI runs it.
#  1. C++17, Release: tests, examples, benchmarks and the Python module with warnings as errors; ctest, once
#     on the best instruction set the CPU has and once forced to each other one it runs (HEDGEMETRICS_ISA);
#     every benchmark briefly.
#  2. C++20 under AddressSanitizer + UndefinedBehaviorSanitizer (Debug): the tests once more, warnings as
#     errors. One build serves both the C++20 check and the sanitizers: CI must stay well under 30 minutes
#     on 2 cores. The examples (their CSV reading is the library's, fuzzed in stage 3) and the checks of
#     the build itself (each header alone, compile-failure controls, the -march=native variant, the units
#     built with different flags, the compiled mode) are left to stage 1.
#  3. Fuzzing: the libFuzzer targets of fuzz/ built with clang-14 (-fsanitize=fuzzer,address,undefined), run
#     side by side for a bounded time (HEDGEMETRICS_FUZZ_SECONDS, 70 s by default) on a temporary copy of
#     their seed corpus; any contract violation, crash or sanitizer report fails CI.
#  4. Clang 14, C++17: the units built with different flags (tests/mixed_flags), whose kernels Clang, unlike
#     GCC, would inline into a unit's wider instruction set.
#  5. Packaging: install, the four consumer builds, versions agree, the Doxygen reference builds.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
# Each stage's heading says when it starts (seconds since the script began): CI must stay under 30 minutes.
step() { printf '\n=== [%4d s] %s ===\n' "$((SECONDS - start))" "$*"; }

step "dependencies"
bash scripts/install-deps.sh

jobs=$(nproc)
data_dir="${HEDGEMETRICS_DATA_DIR:-$(cd .. && pwd)/shared/data}"
common=(-DHEDGEMETRICS_DEV_WERROR=ON "-DHEDGEMETRICS_DATA_DIR=${data_dir}")
# Ninja when present (install-deps installs it): build-ci/*/.ninja_log then holds every compile's time.
command -v ninja >/dev/null 2>&1 && common+=(-G Ninja)

step "C++17 Release: build tests, examples, benchmarks"
cmake -S . -B build-ci/cxx17 -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_STANDARD=17 \
  -DHEDGEMETRICS_BENCHMARK_NATIVE=OFF "${common[@]}"
cmake --build build-ci/cxx17 -j "$jobs"
step "C++17 Release: ctest"
ctest --test-dir build-ci/cxx17 --output-on-failure -j "$jobs"
# The kernels run on the best instruction set the CPU has (instruction_set.hpp); every other set it can run
# gets the whole suite too, forced through HEDGEMETRICS_ISA, so no path's accuracy goes untested.
runs=(sse2)
grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && runs+=(avx2)
grep -qw avx512f /proc/cpuinfo && runs+=(avx512)
unset 'runs[-1]'  # the best one, which ran above
for isa in "${runs[@]}"; do
  step "C++17 Release: ctest with the kernels forced to $isa (HEDGEMETRICS_ISA=$isa)"
  HEDGEMETRICS_ISA=$isa ctest --test-dir build-ci/cxx17 --output-on-failure -j "$jobs"
done
step "benchmarks, briefly, so they cannot rot"
for b in build-ci/cxx17/benchmarks/bench_*; do
  [ -x "$b" ] || continue
  t0=$SECONDS
  "$b" --benchmark_min_time=0.01 >/dev/null
  echo "--- $b ($((SECONDS - t0)) s)"
done

step "C++20 with AddressSanitizer + UndefinedBehaviorSanitizer (Debug): build and ctest"
# Line tables only (-g1): the sanitizers' reports keep file and line, the compiles take 14% less.
cmake -S . -B build-ci/sanitize -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_STANDARD=20 -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
  -DHEDGEMETRICS_BUILD_EXAMPLES=OFF -DHEDGEMETRICS_BUILD_BENCHMARKS=OFF -DHEDGEMETRICS_BUILD_PYTHON=OFF \
  -DHEDGEMETRICS_BUILD_HEADER_CHECKS=OFF \
  "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
  "${common[@]}"
cmake --build build-ci/sanitize -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-ci/sanitize --output-on-failure -j "$jobs"

step "fuzzing: the libFuzzer targets (clang-14), side by side for a bounded time on a copy of their seed corpus"
fuzz_seconds="${HEDGEMETRICS_FUZZ_SECONDS:-70}"
cmake -S . -B build-ci/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
  -DHEDGEMETRICS_BUILD_FUZZERS=ON -DHEDGEMETRICS_BUILD_TESTS=OFF -DHEDGEMETRICS_BUILD_EXAMPLES=OFF \
  -DHEDGEMETRICS_BUILD_BENCHMARKS=OFF -DHEDGEMETRICS_BUILD_DOCS=OFF -DHEDGEMETRICS_BUILD_PYTHON=OFF \
  -DHEDGEMETRICS_INSTALL=OFF "${common[@]}"
cmake --build build-ci/fuzz -j "$jobs"
fuzz_work=$(mktemp -d)
trap 'rm -rf "$fuzz_work"' EXIT
mkdir -p build-ci/fuzz/findings  # a failing input is kept here
fuzz_targets=(fuzz_price_csv fuzz_accumulator fuzz_estimators)
declare -A fuzz_pid
for target in "${fuzz_targets[@]}"; do
  # The committed corpus stays as it is: libFuzzer adds what it finds to the copy. A fixed seed makes a CI
  # run repeatable; the targets run side by side (2 cores, three targets: each gets 2/3 of a core).
  cp -R "fuzz/corpus/$target" "$fuzz_work/$target"
  build-ci/fuzz/fuzz/$target -seed=1 -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="build-ci/fuzz/findings/$target-" "$fuzz_work/$target" \
    >"$fuzz_work/$target.log" 2>&1 &
  fuzz_pid[$target]=$!
done
fuzz_failed=0
for target in "${fuzz_targets[@]}"; do
  if ! wait "${fuzz_pid[$target]}"; then
    grep -v '^#[0-9]' "$fuzz_work/$target.log" | tail -n 60
    echo "fuzzing: $target found an input that breaks its contract (above); reproduce with" \
         "build-ci/fuzz/fuzz/$target build-ci/fuzz/findings/$target-*, and add the input to fuzz/corpus/$target once fixed" >&2
    fuzz_failed=1
    continue
  fi
  printf '%s: %s executions, no finding\n' "$target" \
    "$(sed -n 's/^stat::number_of_executed_units: *//p' "$fuzz_work/$target.log")"
done
[ "$fuzz_failed" -eq 0 ] || exit 1

step "Clang 14, C++17: units built with different flags in one program (mixed_flags)"
# Clang inlines a set's kernel functions into a caller built for a wider set (a -march=native unit), which
# GCC does not: the AVX2 path of such a unit once held AVX-512 code, seen only by this build.
cmake -S . -B build-ci/clang -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_STANDARD=17 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DHEDGEMETRICS_BUILD_EXAMPLES=OFF -DHEDGEMETRICS_BUILD_BENCHMARKS=OFF -DHEDGEMETRICS_BUILD_PYTHON=OFF \
  -DHEDGEMETRICS_BUILD_DOCS=OFF -DHEDGEMETRICS_INSTALL=OFF "${common[@]}"
# Only the mixed-flags targets (they come with the header checks, which stay on for that).
cmake --build build-ci/clang -j "$jobs" --target test_mixed_flags
ctest --test-dir build-ci/clang --output-on-failure -R "mixed_flags|lane_engine_code"

step "packaging: install, consumers, versions, docs"
bash scripts/check-packaging.sh

step "all test stages passed"
echo "CI wall: $((SECONDS - start)) s"
