#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# pandas merge_asof on the tick data bench_alignment writes (run by `bench_alignment --pandas`, in the
# same run): the exposure's ticks on the left, the hedge's last tick at or before each (direction
# "backward", exact matches allowed), within the same staleness limit (tolerance). Prints the best of five
# timings per input observation, and the matched-row count and checksum to compare with hedgemetrics'.
# Needs Debian python3-pandas. Usage: bench_alignment_pandas.py <directory with tx/x/ty/y.bin> <staleness>
import sys
import time

import numpy as np
import pandas as pd

folder, staleness = sys.argv[1], int(sys.argv[2])
tx = np.fromfile(f"{folder}/tx.bin", dtype=np.int64)
x = np.fromfile(f"{folder}/x.bin", dtype=np.float64)
ty = np.fromfile(f"{folder}/ty.bin", dtype=np.int64)
y = np.fromfile(f"{folder}/y.bin", dtype=np.float64)
left = pd.DataFrame({"time": tx, "x": x})
right = pd.DataFrame({"time": ty, "y": y})
best = float("inf")
for _ in range(5):
    t0 = time.perf_counter()
    joined = pd.merge_asof(left, right, on="time", direction="backward", tolerance=staleness)
    best = min(best, time.perf_counter() - t0)
matched = joined["y"].notna()
observations = len(tx) + len(ty)
print(f"pandas {pd.__version__} merge_asof, {len(tx)} + {len(ty)} ticks: {int(matched.sum())} rows matched, "
      f"sum of hedge values {joined['y'][matched].sum():.6f}")
print(f"pandas merge_asof: {best * 1e3:.1f} ms, {best / observations * 1e9:.2f} ns per observation (best of 5)")
