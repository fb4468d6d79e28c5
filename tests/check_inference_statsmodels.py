#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Cross-checks hedgemetrics' inference (tests/test_inference.cpp writes inference_wti.json) against
statsmodels on the same data: WTI spot daily changes regressed on CL1 (univariate), on CL1 and CL2
(multi), and on CL1 and CL2 through the origin (multi_origin). Every figure must agree to 1e-10 relative (issue 3): params, OLS standard errors, t statistics,
two-sided p-values, confidence intervals, F and its p-value, and Newey-West HAC standard errors for each
lag and small-sample correction written, the t statistics and p-values of H0: ratio = 1 (the naive hedge,
inference_options::null_ratio = 1; statsmodels' t_test((R, 1)), OLS and HAC), computed as

    OLS(y, add_constant(X)).fit(cov_type="HAC", cov_kwds={"maxlags": L, "use_correction": c})

(Bartlett kernel, statsmodels' default; missing="drop", as missing_data::omit: CL2 has a blank on
2001-09-14, so the multi regressions drop the two changes it touches). Exit status 0: all agree; 1: a figure differs; 77: skipped
(no statsmodels, or no JSON because the data is absent).

usage: check_inference_statsmodels.py <inference_wti.json>
"""
import json
import math
import os
import sys

TOLERANCE = 1e-10


def main():
    path = sys.argv[1]
    try:
        import numpy as np
        import statsmodels.api as sm
    except ImportError as e:
        print(f"skipped: {e} (Debian: apt-get install python3-statsmodels)")
        return 77
    if not os.path.exists(path):
        print(f"skipped: {path} not written (test_inference skips when the WTI data is absent)")
        return 77
    ours = json.load(open(path))
    rows = open(ours["csv"]).read().splitlines()
    header = rows[0].split(",")
    cols = {name: np.array([float(r.split(",")[i] or "nan") for r in rows[1:]]) for i, name in enumerate(header) if name != "date"}
    y = np.diff(cols["RWTC_spot_usd_bbl"])
    x1 = np.diff(cols["RCLC1_usd_bbl"])
    x2 = np.diff(cols["RCLC2_usd_bbl"])
    designs = {"univariate": sm.add_constant(np.column_stack([x1])),
               "multi": sm.add_constant(np.column_stack([x1, x2])),
               "multi_origin": np.column_stack([x1, x2])}  # through the origin: uncentred R^2 and F

    worst = 0.0
    failures = []

    def compare(what, computed, expected):
        nonlocal worst
        for i, (c, e) in enumerate(zip(computed, expected)):
            if e == 0.0 or (abs(e) < 1e-300 and abs(c) < 1e-300):
                rel = abs(c - e)
            else:
                rel = abs(c - e) / abs(e)
            worst = max(worst, rel)
            status = "ok" if rel <= TOLERANCE else "DIFFERS"
            if rel > TOLERANCE or math.isnan(rel):
                failures.append(what)
            print(f"{what}[{i}]: hedgemetrics {c!r}, statsmodels {e!r}, relative difference {rel:.2e} {status}")

    for name, x in designs.items():
        mine = ours[name]
        res = sm.OLS(y, x, missing="drop").fit()
        ci = res.conf_int(alpha=1.0 - mine["level"])
        compare(f"{name} params", mine["params"], res.params)
        compare(f"{name} bse", mine["bse"], res.bse)
        compare(f"{name} tvalues", mine["tvalues"], res.tvalues)
        compare(f"{name} pvalues", mine["pvalues"], res.pvalues)
        compare(f"{name} conf_int lower (level {mine['level']})", mine["lower"], ci[:, 0])
        compare(f"{name} conf_int upper (level {mine['level']})", mine["upper"], ci[:, 1])
        compare(f"{name} fvalue", [mine["fvalue"]], [res.fvalue])
        compare(f"{name} f_pvalue", [mine["f_pvalue"]], [res.f_pvalue])
    # H0: every ratio = 1 (the naive 1:1 hedge; coefficient_test's null_value, inference_options::null_ratio),
    # the intercept (if any) left out: statsmodels' t_test((R, q)) with R selecting one ratio and q = 1. The
    # HAC tests with lag 5, no correction, Student t (use_t=True), as hedgemetrics' inference(fit, hac).
    null = ours["null_ratio_1"]
    hac5 = {"cov_type": "HAC", "cov_kwds": {"maxlags": 5, "use_correction": False}, "use_t": True}
    for name, x, fit_kwargs in (("univariate", designs["univariate"], {}),
                                ("multi", designs["multi"], {}),
                                ("multi_origin", designs["multi_origin"], {}),
                                ("hac_univariate", designs["univariate"], hac5),
                                ("hac_multi", designs["multi"], hac5)):
        res = sm.OLS(y, x, missing="drop").fit(**fit_kwargs)
        first_ratio = 0 if name == "multi_origin" else 1
        tvalues, pvalues = [], []
        for j in range(first_ratio, x.shape[1]):
            r = np.zeros((1, x.shape[1]))
            r[0, j] = 1.0
            test = res.t_test((r, np.array([1.0])))
            tvalues.append(float(np.squeeze(test.tvalue)))
            pvalues.append(float(np.squeeze(test.pvalue)))
        compare(f"{name} t of ratio = 1", null[name]["tvalues"], tvalues)
        compare(f"{name} p of ratio = 1", null[name]["pvalues"], pvalues)
    for case in ours["hac"]:
        for name, x in designs.items():
            res = sm.OLS(y, x, missing="drop").fit(cov_type="HAC",
                                   cov_kwds={"maxlags": case["lag"], "use_correction": case["use_correction"]})
            compare(f"{name} HAC bse (maxlags={case['lag']}, use_correction={case['use_correction']})",
                    case[name], res.bse)
    print(f"largest relative difference: {worst:.2e} (tolerance {TOLERANCE:g})")
    if failures:
        print("differ: " + "; ".join(sorted(set(failures))))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
