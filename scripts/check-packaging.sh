#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The packaging checks CI can run without vcpkg or Conan (neither is a Debian package):
#   1. `cmake --install` to a temporary prefix (ARCH_INDEPENDENT version file);
#   2. the manifests parse, and every stated version agrees with include/hedgemetrics/version.hpp
#      (vcpkg.json, ports/hedgemetrics/vcpkg.json, conanfile.py's set_version(), the installed CMake
#      package and pkg-config file), and the check fails when one disagrees;
#   3. four consumer projects (tests/consumers/) each build and run a program using fit_hedge:
#      find_package from the prefix, pkg-config (CMake and a bare compiler command line),
#      add_subdirectory, FetchContent of a git repository made from the working tree, tagged v<version>;
#      and the compiled mode: an install with HEDGEMETRICS_BUILD_COMPILED=ON (hedgemetrics::compiled,
#      not architecture-independent) and its consumer, and the macros on a bare compiler command line;
#   4. a consumer asking for the next major version fails with CMake's version-mismatch message, and a
#      missing Eigen fails with how to install it (installed package and top-level project);
#   5. the docs target builds with Doxygen, and Doxygen fails on an undocumented public function.
# Work goes to build-pkg-check/ (or $HEDGEMETRICS_PACKAGING_DIR), emptied first.
# HEDGEMETRICS_EIGEN_PREFIX=<prefix of another Eigen, e.g. 5.x> runs the consumers against that Eigen too.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="${HEDGEMETRICS_PACKAGING_DIR:-${root}/build-pkg-check}"
jobs=$(nproc)
python=/usr/bin/python3
[ -x "$python" ] || python=python3

step() { printf '\n=== packaging: %s ===\n' "$*"; }
fail() { echo "check-packaging: FAILED: $*" >&2; exit 1; }
passed=0
ok() { passed=$((passed + 1)); echo "check-packaging: ok: $*"; }
# expect_failure <log> <regex> <what> -- <command...>: the command must fail, and its output match <regex>.
expect_failure() {
  local log=$1 regex=$2 what=$3
  shift 4
  if "$@" >"$log" 2>&1; then
    cat "$log"
    fail "$what: succeeded, but should have failed"
  fi
  # CMake wraps its messages: match on the output with each run of blanks and newlines made one space.
  tr -s ' \n' '  ' <"$log" | grep -Eq "$regex" ||
    { cat "$log"; fail "$what: failed without the expected message /$regex/"; }
  ok "$what"
}

for tool in cmake git pkg-config doxygen; do
  command -v "$tool" >/dev/null || fail "$tool not found (bash scripts/install-deps.sh installs it)"
done

rm -rf "$work"
mkdir -p "$work"
version=$(sed -n 's/^#define HEDGEMETRICS_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' \
  include/hedgemetrics/version.hpp | paste -sd.)
major=${version%%.*}
minor=${version#*.}
minor=${minor%%.*}
echo "check-packaging: hedgemetrics ${version} (include/hedgemetrics/version.hpp), work in ${work}"

step "install to a temporary prefix"
prefix="$work/prefix"
cmake -S . -B "$work/install" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DHEDGEMETRICS_BUILD_TESTS=OFF -DHEDGEMETRICS_BUILD_EXAMPLES=OFF -DHEDGEMETRICS_BUILD_BENCHMARKS=OFF \
  -DHEDGEMETRICS_BUILD_DOCS=OFF >"$work/install.log"
cmake --install "$work/install" >>"$work/install.log"
for f in include/hedgemetrics/hedgemetrics.hpp include/hedgemetrics/version.hpp \
         share/cmake/hedgemetrics/hedgemetricsConfig.cmake \
         share/cmake/hedgemetrics/hedgemetricsConfigVersion.cmake \
         share/cmake/hedgemetrics/hedgemetricsTargets.cmake share/pkgconfig/hedgemetrics.pc; do
  [ -f "$prefix/$f" ] || fail "cmake --install did not install $f"
done
# ARCH_INDEPENDENT: the version file accepts a 32-bit consumer of this (64-bit-made) install.
cat >"$work/arch.cmake" <<EOF
cmake_minimum_required(VERSION 3.14)
set(CMAKE_SIZEOF_VOID_P 4)
set(PACKAGE_FIND_VERSION ${major}.${minor})
set(PACKAGE_FIND_VERSION_MAJOR ${major})
include("$prefix/share/cmake/hedgemetrics/hedgemetricsConfigVersion.cmake")
if(NOT PACKAGE_VERSION_COMPATIBLE OR PACKAGE_VERSION_UNSUITABLE)
  message(FATAL_ERROR "hedgemetricsConfigVersion.cmake rejects a 32-bit consumer: not ARCH_INDEPENDENT")
endif()
EOF
cmake -P "$work/arch.cmake" || fail "the version file is not ARCH_INDEPENDENT"
ok "installed headers, CMake package and hedgemetrics.pc under $prefix"

[ ! -e "$prefix/share/cmake/hedgemetrics/hedgemetricsCompiledTargets.cmake" ] ||
  fail "the default install has the compiled mode's library; it should stay header-only"

step "install with the compiled mode (HEDGEMETRICS_BUILD_COMPILED=ON) to a second prefix"
prefix_compiled="$work/prefix-compiled"
cmake -S . -B "$work/install-compiled" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix_compiled" \
  -DHEDGEMETRICS_BUILD_COMPILED=ON -DHEDGEMETRICS_BUILD_TESTS=OFF -DHEDGEMETRICS_BUILD_EXAMPLES=OFF \
  -DHEDGEMETRICS_BUILD_BENCHMARKS=OFF -DHEDGEMETRICS_BUILD_DOCS=OFF >"$work/install-compiled.log"
cmake --build "$work/install-compiled" -j "$jobs" >>"$work/install-compiled.log" 2>&1 ||
  { cat "$work/install-compiled.log"; fail "the compiled mode's library: build"; }
cmake --install "$work/install-compiled" >>"$work/install-compiled.log"
[ -f "$prefix_compiled/share/cmake/hedgemetrics/hedgemetricsCompiledTargets.cmake" ] ||
  fail "cmake --install with HEDGEMETRICS_BUILD_COMPILED=ON did not install hedgemetricsCompiledTargets.cmake"
find "$prefix_compiled" -name 'libhedgemetrics_compiled.a' | grep -q . ||
  fail "cmake --install with HEDGEMETRICS_BUILD_COMPILED=ON did not install libhedgemetrics_compiled.a"
ok "installed hedgemetrics::compiled under $prefix_compiled"

step "manifests parse and versions agree with version.hpp"
"$python" tests/consumers/check_versions.py --root "$root" --prefix "$prefix"
ok "versions agree"
# The check itself must catch a disagreement: a copy whose version.hpp says the next patch version.
skew="$work/version-skew"
mkdir -p "$skew/include/hedgemetrics" "$skew/ports/hedgemetrics"
cp vcpkg.json conanfile.py "$skew/"
cp ports/hedgemetrics/vcpkg.json "$skew/ports/hedgemetrics/"
sed -E "s/^(#define HEDGEMETRICS_VERSION_PATCH )[0-9]+\$/\\1$((${version##*.} + 1))/" \
  include/hedgemetrics/version.hpp >"$skew/include/hedgemetrics/version.hpp"
expect_failure "$work/version-skew.log" "FAILED: version.hpp says ${major}\.${minor}\.[0-9]+;.*vcpkg.json says ${version}" \
  "a version that disagrees with version.hpp fails the check" -- \
  "$python" tests/consumers/check_versions.py --root "$skew"

# consumer_run <name> <source dir> [cmake args...]: configure, build and run one consumer.
consumer_run() {
  local name=$1 src=$2
  shift 2
  cmake -S "$src" -B "$work/$name" -DCMAKE_BUILD_TYPE=Release "$@" >"$work/$name.log" 2>&1 ||
    { cat "$work/$name.log"; fail "consumer $name: configure"; }
  cmake --build "$work/$name" -j "$jobs" >>"$work/$name.log" 2>&1 ||
    { cat "$work/$name.log"; fail "consumer $name: build"; }
  "$work/$name/consumer" | tee "$work/$name.out" || fail "consumer $name: run"
  ok "consumer $name"
}

step "consumers"
consumer_run find_package tests/consumers/find_package \
  -DCMAKE_PREFIX_PATH="$prefix" -DHEDGEMETRICS_REQUEST="${major}.${minor}"
PKG_CONFIG_PATH="$prefix/share/pkgconfig" consumer_run pkgconfig tests/consumers/pkgconfig
# pkg-config from a bare command line, as the README shows it.
cxx=$(command -v c++ || command -v g++)
# shellcheck disable=SC2046
"$cxx" -std=c++17 -o "$work/pkgconfig-bare" tests/consumers/consumer.cpp \
  $(PKG_CONFIG_PATH="$prefix/share/pkgconfig" pkg-config --cflags hedgemetrics)
"$work/pkgconfig-bare" || fail "consumer pkg-config (bare command line): run"
ok "consumer pkg-config (bare command line)"
consumer_run compiled tests/consumers/compiled -DCMAKE_PREFIX_PATH="$prefix_compiled"
grep -q "compiled mode" "$work/compiled.out" || fail "consumer compiled: not built in the compiled mode"
# The compiled mode without CMake, as the README shows it: one implementation file, the macro everywhere.
printf '#define HEDGEMETRICS_IMPLEMENTATION\n#include <hedgemetrics/hedgemetrics.hpp>\n' >"$work/implementation.cpp"
# shellcheck disable=SC2046
"$cxx" -std=c++17 -O2 -DHEDGEMETRICS_COMPILED -o "$work/compiled-bare" tests/consumers/consumer.cpp \
  "$work/implementation.cpp" $(PKG_CONFIG_PATH="$prefix/share/pkgconfig" pkg-config --cflags hedgemetrics)
"$work/compiled-bare" | grep -q "compiled mode" || fail "consumer compiled mode (bare command line): run"
ok "consumer compiled mode (bare command line)"
consumer_run add_subdirectory tests/consumers/add_subdirectory -DHEDGEMETRICS_SOURCE_DIR="$root"
# A git repository of the working tree (tracked and untracked files, not ignored ones), tagged as a
# release would be, so FetchContent sees what is about to be committed.
snapshot="$work/snapshot.git"
git init -q "$work/snapshot"
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
  tar --null -T - -cf - | tar -xf - -C "$work/snapshot"
git -C "$work/snapshot" add -A
git -C "$work/snapshot" -c user.name=check-packaging -c user.email=check-packaging@localhost \
  commit -q -m "working tree of $root"
git -C "$work/snapshot" tag "v${version}"
git clone -q --bare "$work/snapshot" "$snapshot"
consumer_run fetchcontent tests/consumers/fetchcontent \
  -DHEDGEMETRICS_GIT_REPOSITORY="file://$snapshot" -DHEDGEMETRICS_GIT_TAG="v${version}"

if [ -n "${HEDGEMETRICS_EIGEN_PREFIX:-}" ]; then
  step "consumers against the Eigen in ${HEDGEMETRICS_EIGEN_PREFIX}"
  eigen_dir=$(dirname "$(find "$HEDGEMETRICS_EIGEN_PREFIX" -name Eigen3Config.cmake | head -1)")
  consumer_run find_package-other-eigen tests/consumers/find_package -DCMAKE_PREFIX_PATH="$prefix" \
    -DEigen3_DIR="$eigen_dir" -DHEDGEMETRICS_REQUEST="${major}.${minor}"
  consumer_run add_subdirectory-other-eigen tests/consumers/add_subdirectory \
    -DHEDGEMETRICS_SOURCE_DIR="$root" -DEigen3_DIR="$eigen_dir"
  eigen_version=$(sed -n 's/^set(PACKAGE_VERSION "\(.*\)")$/\1/p' "$eigen_dir/Eigen3ConfigVersion.cmake")
  for name in find_package-other-eigen add_subdirectory-other-eigen; do
    grep -Eq "Eigen ${eigen_version}[-:]" "$work/$name.out" || fail "consumer $name did not use Eigen ${eigen_version}"
  done
  ok "consumers used Eigen ${eigen_version}"
fi

step "bad input: an incompatible major version, a missing Eigen"
expect_failure "$work/version-mismatch.log" \
  "Could not find a configuration file for package \"hedgemetrics\" that is compatible with requested version \"$((major + 1))\.0\"" \
  "asking for hedgemetrics $((major + 1)).0 gives CMake's version-mismatch message" -- \
  cmake -S tests/consumers/find_package -B "$work/version-mismatch" -DCMAKE_PREFIX_PATH="$prefix" \
  -DHEDGEMETRICS_REQUEST="$((major + 1)).0"
grep -q "version: ${version}" "$work/version-mismatch.log" ||
  { cat "$work/version-mismatch.log"; fail "the version-mismatch message does not name version ${version}"; }
expect_failure "$work/no-eigen-package.log" "apt-get install libeigen3-dev.*vcpkg install eigen3.*Conan" \
  "a missing Eigen: the installed package says how to install it" -- \
  cmake -S tests/consumers/find_package -B "$work/no-eigen-package" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_DISABLE_FIND_PACKAGE_Eigen3=ON
expect_failure "$work/no-eigen-project.log" "apt-get install libeigen3-dev.*vcpkg install eigen3.*Conan" \
  "a missing Eigen: the project says how to install it" -- \
  cmake -S . -B "$work/no-eigen-project" -DCMAKE_DISABLE_FIND_PACKAGE_Eigen3=ON \
  -DHEDGEMETRICS_BUILD_TESTS=OFF -DHEDGEMETRICS_BUILD_EXAMPLES=OFF -DHEDGEMETRICS_BUILD_BENCHMARKS=OFF \
  -DHEDGEMETRICS_BUILD_DOCS=OFF

step "docs: Doxygen API reference"
cmake -S . -B "$work/docs" -DHEDGEMETRICS_BUILD_TESTS=OFF -DHEDGEMETRICS_BUILD_EXAMPLES=OFF \
  -DHEDGEMETRICS_BUILD_BENCHMARKS=OFF -DHEDGEMETRICS_BUILD_DOCS=ON >"$work/docs.log" 2>&1 ||
  { cat "$work/docs.log"; fail "docs: configure"; }
cmake --build "$work/docs" --target docs >>"$work/docs.log" 2>&1 ||
  { cat "$work/docs.log"; fail "docs: Doxygen failed (undocumented public API or a doc-comment error above)"; }
[ -f "$work/docs/docs/html/index.html" ] || fail "docs: no html/index.html"
ok "docs target: $work/docs/docs/html/index.html"
# The same Doxyfile on a copy of the headers with one undocumented public function must fail.
undoc="$work/docs-undocumented"
mkdir -p "$undoc/html"
cp -r include "$undoc/"
cat >>"$undoc/include/hedgemetrics/contracts.hpp" <<'EOF'
namespace hedgemetrics {
inline double check_packaging_undocumented_function(double x) { return x; }
}  // namespace hedgemetrics
EOF
expect_failure "$undoc.log" "check_packaging_undocumented_function.*is not documented" \
  "docs: Doxygen fails on an undocumented public function" -- \
  sh -c "{ cat '$work/docs/docs/Doxyfile'; echo 'INPUT = \"$undoc/include/hedgemetrics\"'; \
           echo 'OUTPUT_DIRECTORY = \"$undoc\"'; echo 'USE_MDFILE_AS_MAINPAGE ='; } | doxygen -"

echo
echo "check-packaging: ${passed} passed, 0 failed"
