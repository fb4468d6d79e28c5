#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# First command: installs what is missing, builds everything in build/, and runs the main example
# (hedge_report) on its built-in scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$(nproc)"
./build/examples/hedge_report
