#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Cross-checks hedgemetrics' hedge by horizon (tests/test_dated.cpp writes dated_brent_wti.json) against
statsmodels, on Brent (exposure) and WTI (hedge) spot prices from FRED, resampled here independently of the
library: the two files are joined on the days both have a price (FRED's "." is no price), then

    k days, non-overlapping   p[::k], differenced                    (pandas: p.iloc[::k].diff())
    k days, overlapping       p[k:] - p[:-k]                         (pandas: p.diff(k))
    weekly                    last price of each ISO week (Monday to Sunday, datetime.isocalendar), differenced
    monthly                   last price of each calendar month, differenced

each change dated by its later price, and regressed as

    OLS(dBrent, add_constant(dWTI)).fit(cov_type="HAC", cov_kwds={"maxlags": L, "use_correction": False},
                                        use_t=True)

with L the lag hedgemetrics reports (which must be at least k - 1 for overlapping changes). Every figure
must agree to 1e-10 relative (issue 17): intercept and ratio, R^2, OLS and HAC standard errors, the HAC t
statistic, p-value and interval of the ratio; the number of changes and the first and last dates exactly.
Exit status 0: all agree; 1: a figure differs; 77: skipped (no statsmodels, or no JSON because the data is
absent).

usage: check_dated_statsmodels.py <dated_brent_wti.json>
"""
import datetime
import json
import math
import os
import sys

TOLERANCE = 1e-10


def read_fred(path):
    prices = {}
    with open(path) as f:
        next(f)
        for line in f:
            date, value = line.strip().split(",")
            if value != ".":
                prices[datetime.date.fromisoformat(date)] = float(value)
    return prices


def main():
    path = sys.argv[1]
    try:
        import numpy as np
        import statsmodels.api as sm
    except ImportError as e:
        print(f"skipped: {e} (Debian: apt-get install python3-statsmodels)")
        return 77
    if not os.path.exists(path):
        print(f"skipped: {path} not written (test_dated skips when the FRED data is absent)")
        return 77
    ours = json.load(open(path))
    brent = read_fred(ours["brent"])
    wti = read_fred(ours["wti"])
    dates = sorted(set(brent) & set(wti))
    s = np.array([brent[d] for d in dates])
    f = np.array([wti[d] for d in dates])
    failures = []
    worst = 0.0
    if len(dates) != ours["rows"]:
        failures.append(f"rows: hedgemetrics {ours['rows']}, here {len(dates)}")

    def compare(what, computed, expected):
        nonlocal worst
        rel = abs(computed - expected) / abs(expected) if expected != 0 else abs(computed)
        worst = max(worst, rel)
        ok = rel <= TOLERANCE
        if not ok:
            failures.append(what)
        print(f"{what}: hedgemetrics {computed!r}, statsmodels {expected!r}, relative difference {rel:.2e} "
              f"{'ok' if ok else 'DIFFERS'}")

    for h in ours["horizons"]:
        k = h["k"]
        if h["period"] == "none":
            if h["overlapping"]:
                end = np.arange(k, len(dates))
                start = end - k
            else:
                picked = np.arange(0, len(dates), k)
                start, end = picked[:-1], picked[1:]
        else:
            key = (lambda d: d.isocalendar()[:2]) if h["period"] == "week" else (lambda d: (d.year, d.month))
            last = [i for i in range(len(dates)) if i + 1 == len(dates) or key(dates[i]) != key(dates[i + 1])]
            start, end = np.array(last[:-1]), np.array(last[1:])
        ds, df = s[end] - s[start], f[end] - f[start]
        label = h["label"]
        if len(ds) != h["n"] or str(dates[end[0]]) != h["first_date"] or str(dates[end[-1]]) != h["last_date"]:
            failures.append(f"{label}: changes")
            print(f"{label}: hedgemetrics {h['n']} changes {h['first_date']}..{h['last_date']}, here {len(ds)} "
                  f"changes {dates[end[0]]}..{dates[end[-1]]} DIFFERS")
        lag = h["lag"]
        if h["overlapping"] and lag < k - 1:
            failures.append(f"{label}: lag {lag} < k - 1 = {k - 1}")
        x = sm.add_constant(df)
        ols = sm.OLS(ds, x).fit()
        hac = sm.OLS(ds, x).fit(cov_type="HAC", cov_kwds={"maxlags": lag, "use_correction": False}, use_t=True)
        ci = hac.conf_int(alpha=0.05)
        print(f"--- {label}: {len(ds)} changes, HAC lag {lag}")
        compare(f"{label} intercept", h["params"][0], ols.params[0])
        compare(f"{label} ratio", h["params"][1], ols.params[1])
        compare(f"{label} R^2", h["rsquared"], ols.rsquared)
        compare(f"{label} OLS se intercept", h["bse"][0], ols.bse[0])
        compare(f"{label} OLS se ratio", h["bse"][1], ols.bse[1])
        compare(f"{label} HAC se intercept", h["bse_hac"][0], hac.bse[0])
        compare(f"{label} HAC se ratio", h["bse_hac"][1], hac.bse[1])
        compare(f"{label} HAC t ratio", h["t_hac"], hac.tvalues[1])
        compare(f"{label} HAC p ratio", h["p_hac"], hac.pvalues[1])
        compare(f"{label} HAC interval lower", h["lower_hac"], ci[1, 0])
        compare(f"{label} HAC interval upper", h["upper_hac"], ci[1, 1])
    print(f"worst relative difference {worst:.2e} (tolerance {TOLERANCE:.0e})")
    if failures:
        print("FAILED: " + ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
