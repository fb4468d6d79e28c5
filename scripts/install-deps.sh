#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian/Ubuntu packages hedgemetrics' tests, examples and benchmarks need, if any is missing.
# The library itself needs nothing but a C++17 compiler (and Eigen for the Eigen integrations).
set -euo pipefail

packages=(
  g++ cmake make            # toolchain
  ninja-build               # test.sh: Ninja schedules the two cores better than make, and logs each compile's time
  libeigen3-dev             # Eigen 3.4: accepted series types, later the multi-instrument hedges
  doctest-dev               # tests
  libgmp-dev                # tests: exact rational reference arithmetic
  libbenchmark-dev          # benchmarks
  libgsl-dev                # benchmarks: gsl_fit_linear, the peer we compare against
  libcli11-dev              # examples: hedge_report's command line
  python3 python3-numpy     # examples: the independent cross-check of hedge_report
  python3-statsmodels       # tests: the OLS and Newey-West cross-check of inference.hpp
  python3-mpmath            # tests: the 30-digit cross-check of option_pricing.hpp's prices and greeks
  quantlib-examples         # benchmarks: QuantLib's DiscreteHedging program, timed beside bench_delta_hedge
  gnuplot-nox               # examples: the rolling_hedge chart (plot_rolling_hedge.sh)
  doxygen pkg-config        # packaging checks: the docs target (API reference), the pkg-config consumer
  clang-14 libclang-rt-14-dev # test.sh's fuzz stage: the compiler and libFuzzer runtime of fuzz/
  libopenmpi-dev openmpi-bin # examples: mpi_hedge, one fit across MPI ranks
  pybind11-dev python3-dev  # the Python module (python/)
  python3-pytest python3-pandas # tests/python: the module against pandas and statsmodels
  python3-dask python3-distributed # examples: dask_hedge_book.py on a local cluster
  r-base-core r-cran-fgarch # tests: fGarch's GARCH(1,1) against garch_hedge.hpp (check_garch_fgarch.R)
  r-cran-strucchange r-cran-urca # tests: structural breaks and Engle-Granger against strucchange and urca (check_monitoring_r.R)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo_cmd=()
elif command -v sudo >/dev/null 2>&1; then
  sudo_cmd=(sudo)
else
  echo "install-deps: missing ${missing[*]}, and not root and no sudo: install them, then run again" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
