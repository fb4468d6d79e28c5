#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# One-off comparison for the README (not run by CI): pandas rolling(w).cov / rolling(w).var, time per
# point on 1e6 points for the windows of bench_rolling, and the drift issue 4 describes: a burst of 30
# values 1e9 larger through a 50-point window leaves the rolling ratio wrong for the rest of the series.
# Needs Debian python3-pandas: /usr/bin/python3 benchmarks/bench_rolling_pandas.py
import time, numpy as np, pandas as pd
print("pandas", pd.__version__, "numpy", np.__version__)
rng = np.random.default_rng(20240229)
n = 1_000_000
f = rng.standard_normal(n)
s = 0.8 * f + 0.26 * rng.standard_normal(n)
S, F = pd.Series(s), pd.Series(f)
for w in (20, 250, 5000):
    best = 1e9
    for _ in range(5):
        t0 = time.perf_counter()
        h = S.rolling(w).cov(F) / F.rolling(w).var()
        best = min(best, time.perf_counter() - t0)
    print(f"window {w}: {best / n * 1e9:.1f} ns per point (rolling cov / rolling var)")
# Drift: returns with a true ratio 0.5, a burst of 30 values 1e9 larger, window 50.
m = 10_000
f = rng.standard_normal(m)
s = 0.5 * f + 0.1 * rng.standard_normal(m)
s2, f2 = s.copy(), f.copy()
s2[2000:2030] = s2[2000:2030] * 1e9 + 1e9
f2[2000:2030] = f2[2000:2030] * 1e9 + 1e9
S2, F2 = pd.Series(s2), pd.Series(f2)
h = (S2.rolling(50).cov(F2) / F2.rolling(50).var()).to_numpy()
ref = (pd.Series(s).rolling(50).cov(pd.Series(f)) / pd.Series(f).rolling(50).var()).to_numpy()
after = slice(2030 + 49, m)
err = np.abs(h[after] - ref[after])
print(f"after the burst left: pandas ratio off by up to {err.max():.3g} (median {np.median(err):.3g}) on a ratio of about 0.5")
print("sample:", h[5000], "vs", ref[5000])
