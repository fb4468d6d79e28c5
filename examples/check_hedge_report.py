#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks hedge_report against an independent computation (standard library only; pandas, when installed,
cross-checks the two-file joins).

    check_hedge_report.py figures --exe HEDGE_REPORT --csv FILE --spot COL --hedge COL
                          [--returns changes|log|simple] [--exposure Q --contract-size Q]
                          [--expect-ratio X] [--expect-r2 Y] [--expect-tol T]
                          [--hac-lags N] [--chart-dir DIR]
    check_hedge_report.py builtin --exe HEDGE_REPORT
    check_hedge_report.py quirks  --exe HEDGE_REPORT --work-dir DIR
    check_hedge_report.py scaled  --exe HEDGE_REPORT --work-dir DIR --exponent K
    check_hedge_report.py two_files --exe HEDGE_REPORT --work-dir DIR
    check_hedge_report.py two_files_data --exe HEDGE_REPORT --exposure-csv A [--exposure-column COL]
                          --hedge-csv B [--hedge-column COL] [--join union-as-of|as-of|inner]
                          [--max-staleness DAYS] [--returns ...] [--exposure Q --contract-size Q]
                          [--expect-rows N] [--expect-ratio X] [--expect-r2 Y] [--expect-tol T]
    check_hedge_report.py error CASE --exe HEDGE_REPORT --work-dir DIR [--data-dir DIR]

figures: reads the CSV with the csv module, keeps the dates where both columns have a value (blank and
"." are missing), sorts by date, takes price changes (or returns), and computes every figure of the
report with exact rational arithmetic (fractions.Fraction); only square roots, logarithms and the t
quantile are floating point. The t quantile comes from a different method than hedge_report's: the
closed-form finite series of Abramowitz & Stegun 26.7.3/26.7.4 for integer degrees of freedom, solved
by bisection. Every figure of hedge_report's JSON must agree to 1e-9 relative.
Issue 17, in figures and builtin: the HAC (Newey-West) standard error of h*, its interval and t tests
against statsmodels, the 97.5% VaR and ES of the unhedged and hedged P&L against numpy (quantile with
method="inverted_cdf"), the cumulative dollar offset exactly, all to 1e-10; --hac-lags N also checks a
given lag; --chart-dir DIR draws --chart and checks the SVG (two polylines, n + 1 points each).
builtin: the built-in scenario against Hull's Example 3.3 (Table 3.2) computed exactly.
quirks: writes a CSV with EIA's quirks (newest first, M/D/YYYY, CRLF, no final newline, "." and blank
cells, a quoted header with a comma) and runs `figures` on it.
scaled: the built-in scenario's prices times 10^K (K = 200: near the overflow threshold of squares, where
every figure still exists and the scale-free ones are those of Hull's example) through `figures`: a figure
whose exact value is beyond 1.8e308 must be null (non-finite), every other one right to 1e-9, and the text
report must print the right effectiveness.
two_files_data: hedge_report on two files (--exposure-file, --hedge-file). The join is recomputed one
candidate date at a time (bisect for each side's last price at or before it, its age in days against the
limit), and again with pandas where installed (merge for inner; merge_asof backward, with and without
tolerance, so that a row with no earlier price and a stale one are told apart); every count of the
report's alignment section (rows, dates lacked, drops and why, the ages 0/1/2/3/4+ days, mean age) must
agree exactly, in the JSON and in the text, and every figure to 1e-9 on the rows kept, exactly as in
`figures`.
two_files: writes a small pair (ISO, oldest first, against an EIA-style export: M/D/YYYY, newest first,
CRLF, two value columns) and runs two_files_data under each join, the counts also against values worked
out on paper.
error: one bad-input case; hedge_report must exit with status 2, print nothing on stdout and one line
on stderr that says what is wrong.

Exit status 77 (CTest's SKIP_RETURN_CODE) when a data file is absent.
"""
import argparse
import bisect
import csv
import datetime
import json
import math
import os
import re
import subprocess
import sys
from fractions import Fraction

SKIP = 77
RELATIVE_TOLERANCE = 1e-9


def parse_date(text):
    text = text.strip()
    for form in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.datetime.strptime(text, form).date()
        except ValueError:
            pass
    raise ValueError("not a date: %r" % text)


def load(path, spot, hedge):
    """The (date, spot, hedge) rows where both values exist, oldest first, as exact Fractions."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = [row for row in csv.reader(f) if any(cell.strip() for cell in row)]
    header = [name.strip() for name in rows[0]]
    i, j = header.index(spot), header.index(hedge)
    aligned = []
    for row in rows[1:]:
        a = row[i].strip() if i < len(row) else ""
        b = row[j].strip() if j < len(row) else ""
        if a in ("", ".") or b in ("", "."):
            continue
        aligned.append((parse_date(row[0]), Fraction(a), Fraction(b)))
    aligned.sort(key=lambda r: r[0])
    return len(rows) - 1, aligned


def transform(levels, mode):
    pairs = list(zip(levels[:-1], levels[1:]))
    if mode == "changes":
        return [b - a for a, b in pairs]
    # Returns are irrational (log) or have ever-growing denominators (simple): round each to the
    # nearest double, then carry on exactly. That rounding is far below the 1e-9 tolerance.
    if mode == "simple":
        return [Fraction(float(b / a - 1)) for a, b in pairs]
    return [Fraction(math.log1p(float((b - a) / a))) for a, b in pairs]


def sqrt(q):
    """√q as a float, for a Fraction of any size (inf when √q itself is beyond the doubles)."""
    if isinstance(q, float):
        return math.sqrt(q)
    q = Fraction(q)
    if q == 0:
        return 0.0
    e = q.numerator.bit_length() - q.denominator.bit_length()
    e -= e % 2
    try:
        return math.ldexp(math.sqrt(float(q / Fraction(2) ** e)), e // 2)
    except OverflowError:
        return math.inf


def to_float(q):
    """q as a float: ±inf beyond the largest double, as a figure that overflows must be."""
    try:
        return float(q)
    except OverflowError:
        return math.inf if q > 0 else -math.inf


def fit(s, f):
    n = len(s)
    ms, mf = sum(s) / n, sum(f) / n
    sss = sum((x - ms) ** 2 for x in s)
    sff = sum((y - mf) ** 2 for y in f)
    ssf = sum((x - ms) * (y - mf) for x, y in zip(s, f))
    h = ssf / sff
    ssr = sss - ssf * ssf / sff  # exact: no cancellation in rational arithmetic
    naive_ssr = sum(((x - ms) - (y - mf)) ** 2 for x, y in zip(s, f))
    r2 = ssf * ssf / (sss * sff)
    out = {
        "n": n,
        "hedge_ratio": h,
        "intercept": ms - h * mf,
        "effectiveness": r2,
        "naive_effectiveness": 1 - naive_ssr / sss,
        "correlation": math.copysign(sqrt(r2), 1 if ssf >= 0 else -1),
        "exposure_mean": ms,
        "hedge_mean": mf,
        "exposure_variance": sss / (n - 1),
        "hedge_variance": sff / (n - 1),
        "covariance": ssf / (n - 1),
        "residual_variance": ssr / (n - 1),
        "residual_standard_error": sqrt(ssr / (n - 2)),
        "hedge_ratio_standard_error": sqrt(ssr / ((n - 2) * sff)),
        "intercept_standard_error": sqrt(ssr / (n - 2) * (Fraction(1, n) + mf * mf / sff)),
        "degrees_of_freedom": n - 2,
    }
    t = t_quantile_975(n - 2)
    out["t_quantile_975"] = t
    se = out["hedge_ratio_standard_error"]
    out["hedge_ratio_ci95"] = [float(h) - t * se, float(h) + t * se]
    # The t tests of h* = 0 and h* = 1 (the naive hedge): t = (h − h0)/se with h − h0 exact, the two-sided
    # p-value 1 − P(|T| ≤ |t|) by Abramowitz & Stegun 26.7.3/26.7.4 (checked where it is above 1e-3: below,
    # 1 − P loses the digits; see check_report).
    if math.isfinite(se) and se > 0:
        for h0 in (0, 1):
            t_h0 = to_float(h - h0) / se
            out["hedge_ratio_t_vs_%d" % h0] = t_h0
            out["hedge_ratio_p_vs_%d" % h0] = 1.0 - t_two_sided_coverage(abs(t_h0), n - 2)
    return out


def basis(spot, futures, ratio):
    b = [s - ratio * f for s, f in zip(spot, futures)]
    n = len(b)
    m = sum(b) / n
    var = sum((x - m) ** 2 for x in b) / (n - 1)
    d = [y - x for x, y in zip(b[:-1], b[1:])]
    md = sum(d) / len(d)
    dvar = sum((x - md) ** 2 for x in d) / (len(d) - 1)
    return {"n": n, "ratio": ratio, "mean": m, "variance": var, "stddev": sqrt(var), "change_variance": dvar,
            "change_stddev": sqrt(dvar), "min": min(b), "max": max(b), "last": b[-1]}


def t_two_sided_coverage(t, nu):
    """P(|T| <= t) for integer nu: Abramowitz & Stegun 26.7.3 (nu odd) and 26.7.4 (nu even)."""
    theta = math.atan(t / math.sqrt(nu))
    c2 = math.cos(theta) ** 2
    if nu % 2 == 1:
        if nu == 1:
            return 2 * theta / math.pi
        term, terms = math.cos(theta), []
        for k in range(1, (nu - 1) // 2 + 1):  # cos, 2/3 cos^3, (2*4)/(3*5) cos^5, ... up to cos^(nu-2)
            terms.append(term)
            term *= c2 * (2 * k) / (2 * k + 1)
        return 2 / math.pi * (theta + math.sin(theta) * math.fsum(terms))
    term, terms = 1.0, []
    for k in range(1, nu // 2 + 1):  # 1, 1/2 cos^2, (1*3)/(2*4) cos^4, ... up to cos^(nu-2)
        terms.append(term)
        term *= c2 * (2 * k - 1) / (2 * k)
    return math.sin(theta) * math.fsum(terms)


def t_quantile_975(nu):
    lo, hi = 0.0, 1.0
    while t_two_sided_coverage(hi, nu) < 0.95:
        lo, hi = hi, 2 * hi
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        if t_two_sided_coverage(mid, nu) < 0.95:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def run(exe, args):
    p = subprocess.run([exe] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    return p.returncode, p.stdout, p.stderr


class Checker:
    def __init__(self):
        self.failures = 0
        self.worst = 0.0

    def close(self, name, got, want, scale=None):
        want_f = to_float(want)
        floor = abs(to_float(scale)) if scale is not None else 0.0
        floor = floor if math.isfinite(floor) else 0.0
        if math.isinf(want_f):
            # Beyond the doubles: hedge_report writes a non-finite figure as null.
            ok, rel = got is None, 0.0 if got is None else float("inf")
        elif got is None:
            ok, rel = False, float("inf")
        else:
            err = abs(float(got) - want_f)
            denom = max(abs(want_f), floor)
            rel = err / denom if denom > 0 else err
            ok = rel <= RELATIVE_TOLERANCE
        self.worst = max(self.worst, rel)
        print("  %-34s %-24r %-24r rel %.1e %s" % (name, got, want_f, rel, "" if ok else "  <-- MISMATCH"))
        if not ok:
            self.failures += 1

    def equal(self, name, got, want):
        ok = got == want
        print("  %-34s %-24r %-24r %s" % (name, got, want, "" if ok else "  <-- MISMATCH"))
        if not ok:
            self.failures += 1


def check_report(report, expected, checker):
    for key, want in expected.items():
        if key in ("n", "degrees_of_freedom"):
            checker.equal(key, report[key], want)
        elif key.startswith("hedge_ratio_p_vs_") and want < 1e-3:
            got = report[key]
            checker.equal(key + " below 1e-3 (as 1 - P(|T| <= t))", got is not None and 0 <= got < 1e-3, True)
        elif key == "hedge_ratio_ci95":
            scale = expected["hedge_ratio_standard_error"]
            checker.close("hedge_ratio_ci95[0]", report[key][0], want[0], scale)
            checker.close("hedge_ratio_ci95[1]", report[key][1], want[1], scale)
        else:
            checker.close(key, report[key], want)


def check_figures(report, spot, futures, args, c):
    """Every figure of the JSON report against the exact computation on the price levels of its rows."""
    expected = fit(transform(spot, args.returns), transform(futures, args.returns))
    check_report(report, expected, c)
    for key, ratio in (("basis_ratio_1", Fraction(1)), ("basis_ratio_h", expected["hedge_ratio"])):
        want = basis(spot, futures, ratio)
        got = report[key]
        for name, value in want.items():
            label = key + "." + name
            if name == "n":
                c.equal(label, got[name], value)
            elif name in ("mean", "min", "max", "last"):
                # Levels minus levels: judge these against the basis's spread, not a mean that may be ~0.
                c.close(label, got[name], value, scale=want["stddev"])
            else:
                c.close(label, got[name], value)
    if args.exposure is not None:
        if args.returns == "changes":
            n_star = expected["hedge_ratio"] * Fraction(args.exposure) / Fraction(args.contract_size)
        else:
            # h* of returns: N* = h*·V_A/V_F, the quantities valued at the last prices (Hull eq. 3.3).
            v_a = Fraction(args.exposure) * spot[-1]
            v_f = Fraction(args.contract_size) * futures[-1]
            c.close("contracts.spot_price", report["contracts"]["spot_price"], spot[-1])
            c.close("contracts.hedge_price", report["contracts"]["hedge_price"], futures[-1])
            c.close("contracts.exposure_value", report["contracts"]["exposure_value"], v_a)
            c.close("contracts.contract_value", report["contracts"]["contract_value"], v_f)
            n_star = expected["hedge_ratio"] * v_a / v_f
        c.close("contracts.optimal", report["contracts"]["optimal"], n_star)
        c.equal("contracts.rounded", report["contracts"]["rounded"], float(round(n_star)))
    else:
        c.equal("contracts", report["contracts"], None)
    for name, got, want in (("h* vs the data README", report["hedge_ratio"], args.expect_ratio),
                            ("R^2 vs the data README", report["effectiveness"], args.expect_r2)):
        if want is None:
            continue
        ok = abs(got - want) <= args.expect_tol
        print("  %-34s %-24.6f %-24s %s" % (name, got, "%g +- %g" % (want, args.expect_tol),
                                           "" if ok else "  <-- MISMATCH"))
        c.failures += 0 if ok else 1


def check_hac_and_tail(report, spot, futures, returns, c, lags=None):
    """Issue 17: the Newey-West standard error of h*, its interval and t tests against statsmodels
    (OLS(S, add_constant(F)).fit(cov_type="HAC", cov_kwds={"maxlags": L}, use_t=True): Bartlett kernel, no
    small-sample correction), the default lag floor(4 (n/100)^(2/9)); the 97.5% VaR of the unhedged and
    hedged P&L as numpy.quantile(L, 0.975, method="inverted_cdf") of the losses L (the lower empirical
    quantile L_(ceil(0.975 n))), the ES as (sum of the losses beyond it + (ceil(0.975 n) - 0.975 n) VaR) /
    (n (1 - 0.975)) with math.fsum (Rockafellar & Uryasev); the cumulative dollar offset h* sum(dF)/sum(dS)
    exactly. All to 1e-10 relative. Without numpy/statsmodels (not the interpreter CTest uses) the HAC and
    tail figures are skipped with a note."""
    global RELATIVE_TOLERANCE
    s_exact = transform(spot, returns)
    f_exact = transform(futures, returns)
    n = len(s_exact)
    h = fit(s_exact, f_exact)["hedge_ratio"]
    want_lags = lags if lags is not None else math.floor(4 * (n / 100) ** (2 / 9))
    c.equal("hac_lags", report["hac_lags"], want_lags)
    c.equal("hac_lags_rule", report["hac_lags_rule"], "--hac-lags" if lags is not None else "floor(4*(n/100)^(2/9))")
    offset = h * sum(f_exact, Fraction(0)) / sum(s_exact, Fraction(0))
    c.close("dollar_offset_ratio", report["dollar_offset_ratio"], offset)
    c.equal("dollar_offset_effective", report["dollar_offset_effective"], Fraction(4, 5) <= offset <= Fraction(5, 4))
    verdict = report["verdict"]
    c.equal("verdict names the rule and its answer",
            bool(re.search(r"dollar-offset rule \(cumulative offset [-0-9.]+%\): " +
                           ("yes" if report["dollar_offset_effective"] else "no"), verdict)), True)
    try:
        import numpy as np
        import statsmodels.api as sm
    except ImportError as e:
        print("  (HAC and tail figures not cross-checked: %s)" % e)
        return
    saved, RELATIVE_TOLERANCE = RELATIVE_TOLERANCE, 1e-10
    try:
        s = np.array([to_float(x) for x in s_exact])
        f = np.array([to_float(x) for x in f_exact])
        res = sm.OLS(s, sm.add_constant(f)).fit(cov_type="HAC", cov_kwds={"maxlags": want_lags}, use_t=True)
        se = res.bse[1]
        unit = 1.0  # the ratio's unit: 2^(ks − kf) when statsmodels needs the data scaled
        if not (math.isfinite(se) and se > 0):
            # Prices near 1e200 or 1e-200: statsmodels' squares overflow or underflow. The same regression
            # on the data divided by powers of two (exact), ks for S and kf for F, has the ratio's HAC
            # standard error, interval and t ratios, in units of 2^(ks − kf): hedgemetrics' newey_west,
            # range-safe, must give them at the data's own size.
            ks = math.frexp(float(np.max(np.abs(s))))[1]
            kf = math.frexp(float(np.max(np.abs(f))))[1]
            res = sm.OLS(np.ldexp(s, -ks), sm.add_constant(np.ldexp(f, -kf))).fit(
                cov_type="HAC", cov_kwds={"maxlags": want_lags}, use_t=True)
            unit = math.ldexp(1.0, ks - kf)
            se = res.bse[1] * unit
            print("  (HAC beyond statsmodels' range: statsmodels on the data divided by 2^%d and 2^%d)" % (ks, kf))
        c.close("hedge_ratio_hac_standard_error", report["hedge_ratio_hac_standard_error"], se)
        low, high = res.conf_int(0.05)[1]
        c.close("hedge_ratio_hac_ci95[0]", report["hedge_ratio_hac_ci95"][0], low * unit, se)
        c.close("hedge_ratio_hac_ci95[1]", report["hedge_ratio_hac_ci95"][1], high * unit, se)
        c.close("hedge_ratio_hac_t_vs_0", report["hedge_ratio_hac_t_vs_0"], res.tvalues[1])
        c.close("hedge_ratio_hac_t_vs_1", report["hedge_ratio_hac_t_vs_1"], (res.params[1] * unit - 1) / se)
        hf = to_float(h)
        level = 0.975
        for name, pnl in (("unhedged", s), ("hedged", s - hf * f)):
            loss = -pnl
            var = np.quantile(loss, level, method="inverted_cdf")
            k = math.ceil(level * n)
            tail = np.sort(loss)[k:]
            es = (math.fsum(tail) + (k - level * n) * var) / (n * (1 - level))
            c.close(name + "_value_at_risk", report[name + "_value_at_risk"], var)
            c.close(name + "_expected_shortfall", report[name + "_expected_shortfall"], es)
    finally:
        RELATIVE_TOLERANCE = saved


def check_chart(exe, command, work, s_exact, f_exact, c):
    """--chart FILE.svg: a well-formed SVG with the two cumulative P&L polylines, n + 1 points each, whose
    last points are ordered as the exact sums sum(dS) and sum(dS - h* dF) are (the y axis points down)."""
    import xml.etree.ElementTree as ET
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "hedge_report_chart.svg")
    if os.path.exists(path):
        os.remove(path)
    code, out, err = run(exe, command + ["--chart", path])
    c.equal("--chart exit status", code, 0)
    root = ET.parse(path).getroot()
    lines = {e.get("id"): e.get("points").split() for e in root.iter("{http://www.w3.org/2000/svg}polyline")}
    c.equal("chart polylines", sorted(lines), ["hedged", "unhedged"])
    n = len(s_exact)
    c.equal("chart points per line", [len(lines["unhedged"]), len(lines["hedged"])], [n + 1, n + 1])
    h = fit(s_exact, f_exact)["hedge_ratio"]
    total_s = sum(s_exact, Fraction(0))
    total_h = total_s - h * sum(f_exact, Fraction(0))
    y_s = float(lines["unhedged"][-1].split(",")[1])
    y_h = float(lines["hedged"][-1].split(",")[1])
    c.equal("chart: last points ordered as the totals", (y_s < y_h) == (total_s > total_h), True)


def figures(args):
    if not os.path.exists(args.csv):
        print("SKIP: %s not found (set HEDGEMETRICS_DATA_DIR to the reference data)" % args.csv)
        return SKIP
    rows_read, rows = load(args.csv, args.spot, args.hedge)
    spot = [r[1] for r in rows]
    futures = [r[2] for r in rows]
    command = [args.csv, "--spot", args.spot, "--hedge", args.hedge, "--returns", args.returns, "--format", "json"]
    if args.exposure is not None:
        command += ["--exposure", args.exposure, "--contract-size", args.contract_size]
    code, out, err = run(args.exe, command)
    if code != 0:
        print("FAIL: hedge_report exited with %d: %s" % (code, err.strip()))
        return 1
    report = json.loads(out)
    print("%s: %s vs %s, %s" % (os.path.basename(args.csv), args.spot, args.hedge, args.returns))
    print("  %-34s %-24s %-24s" % ("figure", "hedge_report", "independent"))
    c = Checker()
    c.equal("rows_read", report["rows_read"], rows_read)
    c.equal("rows_aligned", report["rows_aligned"], len(rows))
    c.equal("first_date", report["first_date"], rows[0][0].isoformat())
    c.equal("last_date", report["last_date"], rows[-1][0].isoformat())
    check_figures(report, spot, futures, args, c)
    check_hac_and_tail(report, spot, futures, args.returns, c)
    if getattr(args, "hac_lags", None) is not None:
        code, out, err = run(args.exe, command + ["--hac-lags", str(args.hac_lags)])
        if code != 0:
            print("FAIL: hedge_report --hac-lags %d exited with %d: %s" % (args.hac_lags, code, err.strip()))
            return 1
        check_hac_and_tail(json.loads(out), spot, futures, args.returns, c, lags=args.hac_lags)
    if getattr(args, "chart_dir", None) is not None:
        check_chart(args.exe, command, args.chart_dir, transform(spot, args.returns),
                    transform(futures, args.returns), c)
    # The text report must run too, and say the same h*.
    code, text, err = run(args.exe, [a for a in command if a not in ("--format", "json")])
    if code != 0 or "h*" not in text:
        print("FAIL: the text report exited with %d: %s" % (code, err.strip()))
        c.failures += 1
    print("worst relative difference %.2e over every figure; %d mismatches" % (c.worst, c.failures))
    return 1 if c.failures else 0


HULL_DF = ["0.021", "0.035", "-0.046", "0.001", "0.044", "-0.029", "-0.026", "-0.029", "0.048", "-0.006",
           "-0.036", "-0.011", "0.019", "-0.027", "0.029"]
HULL_DS = ["0.029", "0.020", "-0.044", "0.008", "0.026", "-0.019", "-0.010", "-0.007", "0.043", "0.011",
           "-0.036", "-0.018", "0.009", "-0.032", "0.023"]


def builtin(args):
    code, out, err = run(args.exe, ["--format", "json"])
    if code != 0:
        print("FAIL: hedge_report exited with %d: %s" % (code, err.strip()))
        return 1
    report = json.loads(out)
    c = Checker()
    print("built-in scenario vs Hull, Example 3.3 (Table 3.2), exact")
    c.equal("source", report["source"], "built-in")
    expected = fit([Fraction(x) for x in HULL_DS], [Fraction(x) for x in HULL_DF])
    check_report(report, expected, c)
    # Price levels whose changes are Hull's: the first level of each is arbitrary for the changes.
    levels_s, levels_f = [Fraction(2)], [Fraction(21, 10)]
    for ds, df in zip(HULL_DS, HULL_DF):
        levels_s.append(levels_s[-1] + Fraction(ds))
        levels_f.append(levels_f[-1] + Fraction(df))
    check_hac_and_tail(report, levels_s, levels_f, "changes", c)
    n_star = expected["hedge_ratio"] * 2000000 / 42000
    c.close("contracts.optimal", report["contracts"]["optimal"], n_star)
    c.equal("contracts.rounded", report["contracts"]["rounded"], 37.0)
    # Hull's rounded figures.
    for name, got, want in (("sigma_F", math.sqrt(report["hedge_variance"]), 0.0313),
                            ("sigma_S", math.sqrt(report["exposure_variance"]), 0.0263),
                            ("rho", report["correlation"], 0.928), ("h*", report["hedge_ratio"], 0.78)):
        digits = len(str(want).split(".")[1])
        c.equal("Hull's " + name, round(got, digits), want)
    print("worst relative difference %.2e; %d mismatches" % (c.worst, c.failures))
    return 1 if c.failures else 0


QUIRKY_CSV = (
    '\ufeffDay,"Spot, $/bbl",Futures 1 $/bbl\r\n'
    "01/10/2023,78.5,79.1\r\n"
    "01/9/2023,.,78.2\r\n"       # "." is missing: this date drops out
    "01/6/2023,75.3,75.9\r\n"
    '01/5/2023,"74.1",74.0\r\n'   # a quoted number
    "01/4/2023,73.8,\r\n"         # blank futures
    "01/3/2023,72.9,73.6\r\n"
    "12/30/2022,80.2,80.9\r\n"
    "12/29/2022,78.9,79.4\r\n"
    "2/28/2022,95.7,96.1"         # no final newline
)


def quirks(args):
    path = os.path.join(args.work_dir, "hedge_report_quirks.csv")
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write(QUIRKY_CSV)
    args.csv, args.spot, args.hedge = path, "Spot, $/bbl", "Futures 1 $/bbl"
    args.returns, args.exposure, args.contract_size = "changes", None, None
    args.expect_ratio = args.expect_r2 = None
    status = figures(args)
    code, out, _ = run(args.exe, [path, "--spot", args.spot, "--hedge", args.hedge, "--format", "json"])
    report = json.loads(out)
    if report["rows_aligned"] != 7 or report["first_date"] != "2022-02-28" or not report["sorted_by_date"]:
        print("FAIL: expected 7 aligned rows from 2022-02-28, sorted by date; got %r" % report)
        return 1
    return status


def scaled(args):
    """Hull's example as price levels times 10^K: the scale-free figures must be Hull's, whatever K."""
    spot, futures = [Fraction("2.000")], [Fraction("2.100")]
    for ds, df in zip(HULL_DS, HULL_DF):
        spot.append(spot[-1] + Fraction(ds))
        futures.append(futures[-1] + Fraction(df))
    path = os.path.join(args.work_dir, "hedge_report_scaled_1e%d.csv" % args.exponent)
    os.makedirs(args.work_dir, exist_ok=True)
    with open(path, "w", newline="") as f:
        f.write("date,spot,futures\n")
        for i, (s, h) in enumerate(zip(spot, futures)):
            # Yearly dates; levels as decimal text ("2.029e200"), which Fraction reads exactly.
            f.write("%04d-01-01,%.3fe%d,%.3fe%d\n" % (2000 + i, s, args.exponent, h, args.exponent))
    args.csv, args.spot, args.hedge = path, "spot", "futures"
    args.returns, args.exposure, args.contract_size = "changes", "2000000", "42000"
    args.expect_ratio = args.expect_r2 = None
    status = figures(args)
    # The text report prints the effectiveness to 4 decimals: it must be Hull's R², not 1.0000.
    want = fit([Fraction(x) for x in HULL_DS], [Fraction(x) for x in HULL_DF])["effectiveness"]
    code, text, err = run(args.exe, [path, "--spot", "spot", "--hedge", "futures"])
    match = re.search(r"^ +effectiveness +([-0-9.na/]+)", text, re.M)
    shown = match.group(1) if match else None
    print("  %-34s %-24r %-24r" % ("text effectiveness", shown, "%.4f" % float(want)))
    if code != 0 or shown != "%.4f" % float(want):
        print("FAIL: the text report shows effectiveness %r (exit %d %s), expected %.4f" % (shown, code, err.strip(),
                                                                                            float(want)))
        return 1
    return status


# ---------------------------------------------------------------------------------------------------------
# Two files joined as of date (--exposure-file, --hedge-file).

AGE_BUCKETS = 5  # rows by the age of a side's price: 0, 1, 2, 3, 4+ days


def load_column(path, column):
    """One column of a dated CSV file on every date of the file, oldest first: (date, Fraction or None),
    with what the report says of the file (rows, missing cells, date format, order)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = [row for row in csv.reader(f) if any(cell.strip() for cell in row)]
    header = [name.strip() for name in rows[0]]
    i = header.index(column) if column is not None else 1
    dated = []
    for row in rows[1:]:
        cell = row[i].strip() if i < len(row) else ""
        dated.append((parse_date(row[0]), None if cell in ("", ".") else Fraction(cell)))
    newest_first = len(dated) > 1 and dated[-1][0] < dated[0][0]
    about = {"rows_read": len(dated), "missing": sum(v is None for _, v in dated),
             "date_format": "YYYY-MM-DD" if "-" in rows[1][0] else "M/D/YYYY", "newest_first": newest_first}
    dated.sort(key=lambda r: r[0])
    about["first_date"], about["last_date"] = dated[0][0].isoformat(), dated[-1][0].isoformat()
    return dated, about


def join_by_hand(exposure, hedge, policy, limit):
    """The join as the report describes it, one candidate date at a time (bisect for each side's last price
    at or before it): the rows kept (date, exposure, hedge) and every count of the report's "alignment"."""
    sides = []
    for dated in (exposure, hedge):
        priced = [(d, v) for d, v in dated if v is not None]
        sides.append(([d for d, _ in priced], [v for _, v in priced]))
    (et, ev), (ht, hv) = sides
    out = {"candidate_rows": 0, "rows": 0, "dropped_not_in_both": 0, "dropped_no_earlier_value": 0,
           "dropped_stale": 0}
    per_side = [{"no_earlier_value": 0, "stale": 0, "ages": [], "stamps": []} for _ in range(2)]
    kept = []
    if policy == "inner":
        common = sorted(set(et) & set(ht))
        out["candidate_rows"] = len(set(et) | set(ht))
        out["dropped_not_in_both"] = len(et) + len(ht) - 2 * len(common)
        candidates = []
        for d in common:
            kept.append((d, ev[et.index(d)], hv[ht.index(d)]))
            for j in range(2):
                per_side[j]["ages"].append(0)
                per_side[j]["stamps"].append(d)
    else:
        candidates = et if policy == "as-of" else sorted(set(et) | set(ht))
        out["candidate_rows"] = len(candidates)
    for t in candidates:
        found = []
        for j, (times, _) in enumerate(sides):
            k = bisect.bisect_right(times, t) - 1
            if k < 0:
                per_side[j]["no_earlier_value"] += 1
                found.append(None)
                continue
            age = (t - times[k]).days
            if age > limit:
                per_side[j]["stale"] += 1
            found.append((k, age))
        if None in found:
            out["dropped_no_earlier_value"] += 1
        elif any(age > limit for _, age in found):
            out["dropped_stale"] += 1
        else:
            kept.append((t, ev[found[0][0]], hv[found[1][0]]))
            for j, (k, age) in enumerate(found):
                per_side[j]["ages"].append(age)
                per_side[j]["stamps"].append(sides[j][0][k])
    out["rows"] = len(kept)
    for j, name in enumerate(("exposure", "hedge")):
        ages = per_side[j]["ages"]
        out[name] = {
            "no_earlier_value": per_side[j]["no_earlier_value"], "stale": per_side[j]["stale"],
            "used": len(set(per_side[j]["stamps"])), "dates_lacked": sum(a > 0 for a in ages),
            "max_age_days": max(ages, default=0),
            "mean_age_days": Fraction(sum(ages), len(ages)) if ages else None,
            "rows_by_age_days": [sum(min(a, AGE_BUCKETS - 1) == b for a in ages) for b in range(AGE_BUCKETS)],
        }
    return kept, out


def join_with_pandas(exposure, hedge, policy, limit):
    """The same counts from pandas: merge for inner; for the as-of joins merge_asof (backward) twice, with
    and without tolerance=limit days, so that a row with no earlier price and a stale row can be told
    apart. None when pandas is not installed."""
    try:
        import pandas as pd
    except ImportError:
        return None
    frames = []
    for dated in (exposure, hedge):
        priced = [(d, float(v)) for d, v in dated if v is not None]
        frames.append(pd.DataFrame({"date": pd.to_datetime([d for d, _ in priced]),
                                    "value": [v for _, v in priced]}))
    e, h = frames
    out = {}
    if policy == "inner":
        both = pd.merge(e, h, on="date", how="inner")
        out["candidate_rows"] = len(pd.Index(e["date"]).union(pd.Index(h["date"])))
        out["rows"] = len(both)
        out["dropped_not_in_both"] = len(e) + len(h) - 2 * len(both)
        for name in ("exposure", "hedge"):
            out[name] = {"used": len(both), "dates_lacked": 0, "rows_by_age_days": [len(both), 0, 0, 0, 0]}
        return out
    dates = e["date"] if policy == "as-of" else pd.Series(pd.Index(e["date"]).union(pd.Index(h["date"])))
    grid = pd.DataFrame({"date": dates.sort_values().reset_index(drop=True)})
    tolerance = pd.Timedelta(days=limit)
    stamps, within = {}, {}
    for name, frame in (("exposure", e), ("hedge", h)):
        side = frame.assign(stamp=frame["date"])[["date", "stamp"]]
        stamps[name] = pd.merge_asof(grid, side, on="date", direction="backward")["stamp"]
        within[name] = pd.merge_asof(grid, side, on="date", direction="backward", tolerance=tolerance)["stamp"]
    none = stamps["exposure"].isna() | stamps["hedge"].isna()
    keep = within["exposure"].notna() & within["hedge"].notna()
    out["candidate_rows"] = len(grid)
    out["rows"] = int(keep.sum())
    out["dropped_not_in_both"] = 0
    out["dropped_no_earlier_value"] = int(none.sum())
    out["dropped_stale"] = int((~none & ~keep).sum())
    for name in ("exposure", "hedge"):
        age = (grid["date"] - stamps[name]).dt.days
        kept_age = age[keep].astype(int)
        out[name] = {
            "no_earlier_value": int(stamps[name].isna().sum()),
            "stale": int((age > limit).sum()),
            "used": int(stamps[name][keep].nunique()),
            "dates_lacked": int((kept_age > 0).sum()),
            "max_age_days": int(kept_age.max()) if len(kept_age) else 0,
            "rows_by_age_days": [int((kept_age.clip(upper=AGE_BUCKETS - 1) == b).sum()) for b in range(AGE_BUCKETS)],
        }
    return out


def compare_counts(label, got, want, c):
    """Every count of `want` (nested one level) must be in `got`, equal; mean ages to 1e-9."""
    for key, value in want.items():
        if isinstance(value, dict):
            compare_counts(label + key + ".", got[key], value, c)
        elif key == "mean_age_days":
            if value is None:
                c.equal(label + key, got[key], None)
            else:
                c.close(label + key, got[key], value)
        else:
            c.equal(label + key, got[key], value)


def check_two_files(args, expect_counts=None):
    """hedge_report on two files against the join by hand (and pandas, when installed) and the exact
    figures on the rows it keeps; `expect_counts`, worked out by hand for a small case, must agree too."""
    for path in (args.exposure_csv, args.hedge_csv):
        if not os.path.exists(path):
            print("SKIP: %s not found (set HEDGEMETRICS_DATA_DIR to the reference data)" % path)
            return SKIP
    limit = args.max_staleness if args.max_staleness is not None else 4
    exposure, exposure_about = load_column(args.exposure_csv, args.exposure_column)
    hedge, hedge_about = load_column(args.hedge_csv, args.hedge_column)
    kept, want = join_by_hand(exposure, hedge, args.join, limit)
    command = ["--exposure-file", args.exposure_csv, "--hedge-file", args.hedge_csv, "--returns", args.returns]
    for option, value in (("--exposure-column", args.exposure_column), ("--hedge-column", args.hedge_column),
                          ("--join", args.join), ("--max-staleness", args.max_staleness),
                          ("--exposure", args.exposure), ("--contract-size", args.contract_size)):
        if value is not None:
            command += [option, str(value)]
    code, out, err = run(args.exe, command + ["--format", "json"])
    if code != 0:
        print("FAIL: hedge_report exited with %d: %s" % (code, err.strip()))
        return 1
    report = json.loads(out)
    print("%s vs %s, %s join%s, %s" % (os.path.basename(args.exposure_csv), os.path.basename(args.hedge_csv),
                                       args.join, "" if args.join == "inner" else ", at most %d days" % limit,
                                       args.returns))
    print("  %-34s %-24s %-24s" % ("figure", "hedge_report", "independent"))
    c = Checker()
    if expect_counts is not None:
        print(" the join by hand against the counts worked out on paper:")
        compare_counts("paper: ", want, expect_counts, c)
    pandas_counts = join_with_pandas(exposure, hedge, args.join, limit)
    if pandas_counts is None:
        print(" (pandas not installed: the join by hand is not cross-checked with merge_asof)")
    else:
        print(" the join by hand against pandas (%s):" % ("merge" if args.join == "inner" else
                                                          "merge_asof, with and without tolerance"))
        compare_counts("pandas: ", want, pandas_counts, c)
    print(" hedge_report against the join by hand:")
    alignment = report["alignment"]
    c.equal("source", report["source"], "files")
    c.equal("alignment.join", alignment["join"], args.join)
    c.equal("alignment.max_staleness_days", alignment["max_staleness_days"], None if args.join == "inner" else limit)
    compare_counts("alignment.", alignment, want, c)
    for name, about in (("exposure", exposure_about), ("hedge", hedge_about)):
        compare_counts("alignment.%s." % name, alignment[name], about, c)
    c.equal("rows_aligned", report["rows_aligned"], len(kept))
    c.equal("first_date", report["first_date"], kept[0][0].isoformat())
    c.equal("last_date", report["last_date"], kept[-1][0].isoformat())
    if args.expect_rows is not None:
        c.equal("rows vs the data README", report["rows_aligned"], args.expect_rows)
    check_figures(report, [r[1] for r in kept], [r[2] for r in kept], args, c)
    # The text report prints the same counts in its alignment section.
    code, text, err = run(args.exe, command)
    if code != 0:
        print("FAIL: the text report exited with %d: %s" % (code, err.strip()))
        c.failures += 1
    else:
        shown = {}
        for label, key in (("dates lacked", "dates_lacked"), ("prices used", "used"),
                           ("dropped: no price yet", "no_earlier_value"), ("dropped: stale", "stale")):
            match = re.search(r"^  %s +(\d+) +(\d+)$" % re.escape(label), text, re.M)
            shown[key] = [int(g) for g in match.groups()] if match else None
        ages = re.findall(r"^  (?:rows by age:)? +(\d\+?) days? +(\d+) +(\d+)$", text, re.M)
        shown["rows_by_age_days"] = [[int(a[1]) for a in ages], [int(a[2]) for a in ages]]
        for key, value in shown.items():
            c.equal("text: " + key, value, [want["exposure"][key], want["hedge"][key]])
        match = re.search(r"^  rows kept +(\d+)$", text, re.M)
        c.equal("text: rows kept", int(match.group(1)) if match else None, want["rows"])
    print("worst relative difference %.2e over every figure; %d mismatches" % (c.worst, c.failures))
    return 1 if c.failures else 0


def two_files_data(args):
    return check_two_files(args)


# A hand-made pair: the exposure ISO-dated, oldest first, one value column (no --exposure-column needed),
# a "." on 2024-01-03; the hedge as an EIA export would write it (M/D/YYYY, newest first, CRLF, no final
# newline) with two value columns and a blank cell on 1/9/2024. Dates with a price: exposure 1, 2, 4, 5, 8,
# 9, 10, 16, 17, 18, 19 January (11); hedge 2, 3, 5, 8, 11, 12, 17, 18, 22 January (9).
TWO_EXPOSURE_CSV = ("date,spot\n2024-01-01,100\n2024-01-02,101\n2024-01-03,.\n2024-01-04,102.5\n2024-01-05,103\n"
                    "2024-01-08,102\n2024-01-09,104\n2024-01-10,103.5\n2024-01-16,105\n2024-01-17,106\n"
                    "2024-01-18,105.5\n2024-01-19,107\n")
TWO_HEDGE_CSV = ("Date,Futures 1,Futures 2\r\n1/22/2024,53.6,54.0\r\n1/18/2024,52.5,53.1\r\n1/17/2024,52.8,53.0\r\n"
                 "1/12/2024,51.9,52.2\r\n1/11/2024,51.2,51.7\r\n1/9/2024,,51.5\r\n1/8/2024,50.5,51.0\r\n"
                 "1/5/2024,51.0,51.2\r\n1/3/2024,50.4,50.9\r\n1/2/2024,50.0,50.3")

# The counts worked out on paper, for each join.
TWO_FILES_BY_HAND = {
    # union-as-of, at most 3 days: the 15 dates either file has. 1 Jan: the hedge has no price yet (dropped);
    # 16 Jan: the hedge's last price is 12 Jan's, 4 days old (dropped as stale). The 13 rows kept and the
    # age of each side's price (exposure/hedge): 2: 0/0, 3: 1/0, 4: 0/1, 5: 0/0, 8: 0/0, 9: 0/1, 10: 0/2,
    # 11: 1/0, 12: 2/0, 17: 0/0, 18: 0/0, 19: 0/1, 22: 3/0. Prices used: the exposure's of 2, 4, 5, 8, 9,
    # 10, 17, 18, 19 (9); the hedge's of 2, 3, 5, 8, 11, 12, 17, 18, 22 (9).
    "union-as-of": {
        "candidate_rows": 15, "rows": 13, "dropped_not_in_both": 0, "dropped_no_earlier_value": 1,
        "dropped_stale": 1,
        "exposure": {"no_earlier_value": 0, "stale": 0, "used": 9, "dates_lacked": 4, "max_age_days": 3,
                     "mean_age_days": Fraction(7, 13), "rows_by_age_days": [9, 2, 1, 1, 0]},
        "hedge": {"no_earlier_value": 1, "stale": 1, "used": 9, "dates_lacked": 4, "max_age_days": 2,
                  "mean_age_days": Fraction(5, 13), "rows_by_age_days": [9, 3, 1, 0, 0]},
    },
    # as-of the exposure's 11 dates, at most 4 days (the default): 1 Jan dropped (no hedge price yet); 16 Jan
    # kept with the hedge's 12 Jan price, 4 days old. Hedge ages: 2: 0, 4: 1, 5: 0, 8: 0, 9: 1, 10: 2, 16: 4,
    # 17: 0, 18: 0, 19: 1; its prices used: 2, 3, 5, 8, 12, 17, 18 (7).
    "as-of": {
        "candidate_rows": 11, "rows": 10, "dropped_not_in_both": 0, "dropped_no_earlier_value": 1,
        "dropped_stale": 0,
        "exposure": {"no_earlier_value": 0, "stale": 0, "used": 10, "dates_lacked": 0, "max_age_days": 0,
                     "mean_age_days": Fraction(0), "rows_by_age_days": [10, 0, 0, 0, 0]},
        "hedge": {"no_earlier_value": 1, "stale": 0, "used": 7, "dates_lacked": 5, "max_age_days": 4,
                  "mean_age_days": Fraction(9, 10), "rows_by_age_days": [5, 3, 1, 0, 1]},
    },
    # inner: 2, 5, 8, 17 and 18 January; the 6 exposure and 4 hedge prices of other dates are dropped.
    "inner": {
        "candidate_rows": 15, "rows": 5, "dropped_not_in_both": 10, "dropped_no_earlier_value": 0,
        "dropped_stale": 0,
        "exposure": {"used": 5, "dates_lacked": 0, "max_age_days": 0, "rows_by_age_days": [5, 0, 0, 0, 0]},
        "hedge": {"used": 5, "dates_lacked": 0, "max_age_days": 0, "rows_by_age_days": [5, 0, 0, 0, 0]},
    },
}


def two_files(args):
    os.makedirs(args.work_dir, exist_ok=True)
    args.exposure_csv = os.path.join(args.work_dir, "hedge_report_two_exposure.csv")
    args.hedge_csv = os.path.join(args.work_dir, "hedge_report_two_hedge.csv")
    for path, text in ((args.exposure_csv, TWO_EXPOSURE_CSV), (args.hedge_csv, TWO_HEDGE_CSV)):
        with open(path, "w", newline="") as f:
            f.write(text)
    args.exposure_column, args.hedge_column = None, "Futures 1"
    args.expect_ratio = args.expect_r2 = args.expect_rows = None
    args.expect_tol = 0.0005
    args.exposure, args.contract_size = "1000", "100"
    status = 0
    for join, limit in (("union-as-of", 3), ("as-of", None), ("inner", None)):
        args.join, args.max_staleness = join, limit
        status = max(status, check_two_files(args, TWO_FILES_BY_HAND[join]))
        print()
    return status


# Each case: (arguments, regular expression the stderr line must match, data file needed or None).
# {work} is the work directory, {data} the data directory.
ERROR_CASES = {
    "unknown_column": (["{work}/hedge_report_good.csv", "--spot", "spot", "--hedge", "nope"],
                       r'unknown column "nope"; the columns are "spot", "futures"', None),
    "date_column": (["{work}/hedge_report_good.csv", "--spot", "date", "--hedge", "futures"],
                    r'column "date" holds the dates', None),
    "non_numeric": (["{work}/hedge_report_bad_cell.csv", "--spot", "spot", "--hedge", "futures"],
                    r'row 4 \(2024-01-04\), column "futures": "12\.3x" is not a number', None),
    "bad_date": (["{work}/hedge_report_bad_date.csv", "--spot", "spot", "--hedge", "futures"],
                 r'row 3, column "date": "2024-02-30" is not a date', None),
    "missing_file": (["{work}/no_such_file.csv", "--spot", "spot", "--hedge", "futures"],
                     r"no_such_file\.csv: file not found", None),
    "too_few_rows": (["{work}/hedge_report_short.csv", "--spot", "spot", "--hedge", "futures"],
                     r"too few rows: .* both have a value on 3 dates", None),
    "no_columns": (["{work}/hedge_report_good.csv"], r'--spot COL --hedge COL; .* are "spot", "futures"', None),
    "bad_returns": (["--returns", "cubic"], r"--returns: cubic not in \{changes,log,simple\}", None),
    "exposure_alone": (["--exposure", "1000"], r"--exposure requires --contract-size", None),
    "log_nonpositive": (["{data}/market/derived/wti_spot_RWTC_vs_CL1_CL2_aligned.csv", "--spot", "RWTC_spot_usd_bbl",
                         "--hedge", "RCLC1_usd_bbl", "--returns", "log"],
                        r'--returns log needs positive prices, but on 2020-04-20 "RWTC_spot_usd_bbl" is -36\.98 and '
                        r'"RCLC1_usd_bbl" is -37\.63',
                        "market/derived/wti_spot_RWTC_vs_CL1_CL2_aligned.csv"),
    # The same column as exposure and hedge: h* = 1 and R^2 = 1 whatever it holds, an error (issue 17).
    "same_column": (["{work}/hedge_report_good.csv", "--spot", "spot", "--hedge", "spot"],
                    r'hedge_report_good\.csv: --spot and --hedge both name the column "spot"; a series hedged '
                    r'with itself gives h\* = 1', None),
    "two_same_column": (["--exposure-file", "{work}/hedge_report_one.csv", "--hedge-file",
                         "{work}/hedge_report_one.csv"],
                        r'hedge_report_one\.csv: the exposure and the hedge are both its column "x"', None),
    # Contracts with returns value the position at the last prices: a last price of -1 has no value.
    "returns_contracts_nonpositive": (["{work}/hedge_report_last_negative.csv", "--spot", "spot", "--hedge",
                                       "futures", "--returns", "simple", "--exposure", "1000",
                                       "--contract-size", "100"],
                                      r'with --returns simple the contracts hedge the value of the exposure, at '
                                      r'the last prices, but on 2024-01-05 "spot" is -1 ', None),
    # A name given twice: choosing it must not silently take the first column.
    "duplicate_column": (["{work}/hedge_report_duplicate.csv", "--spot", "spot", "--hedge", "futures"],
                         r'the header names the column "spot" twice, as columns 2 and 4', None),
    # 1e-400 is a number, but below the smallest double: the real cause, not "not a finite number".
    "underflow": (["{work}/hedge_report_underflow.csv", "--spot", "spot", "--hedge", "futures"],
                  r'row 3 \(2024-01-03\), column "spot": "1e-400" underflows to 0: out of range', None),
    "overflow": (["{work}/hedge_report_overflow.csv", "--spot", "spot", "--hedge", "futures"],
                 r'row 3 \(2024-01-03\), column "futures": "1e999" is out of range', None),
    # The spot's change from -1.7e308 to 1.7e308 overflows: the spot column and its rows are named.
    "overflowing_change": (["{work}/hedge_report_overflowing_change.csv", "--spot", "spot", "--hedge", "futures"],
                           r'the price change of "spot" from 2024-01-02 \(row 2, -1\.7e\+308\) to 2024-01-03 '
                           r'\(row 3, 1\.7e\+308\) is beyond the range of double', None),
    # A repeated date throws even when one of its rows has a blank cell (and so is not aligned).
    "repeated_date_blank": (["{work}/hedge_report_repeated_date.csv", "--spot", "spot", "--hedge", "futures"],
                            r"the date 2024-01-03 appears twice, in rows 3 and 4", None),
    # Standard output that cannot be written (a full disk): exit 2, not 0 with nothing written.
    "output_full": ([], r"the report could not be written to standard output: No space left on device", None),
    # Two files: each must be in date order (oldest or newest first), without a repeated date, its dates
    # written one way; the staleness limit is align()'s to check, and its message is passed through.
    "two_unsorted": (["--exposure-file", "{work}/hedge_report_unsorted.csv", "--hedge-file",
                      "{work}/hedge_report_one.csv"],
                     r'hedge_report_unsorted\.csv row 4, column "date": "2024-01-03" is earlier than "2024-01-04" '
                     r'on row 3, but the file runs oldest first \(row 2 to row 6\): the rows are not in date order',
                     None),
    "two_unsorted_newest_first": (["--exposure-file", "{work}/hedge_report_one.csv", "--hedge-file",
                                   "{work}/hedge_report_unsorted_eia.csv"],
                                  r'hedge_report_unsorted_eia\.csv row 4, column "Date": "1/5/2024" is later than '
                                  r'"1/4/2024" on row 3, but the file runs newest first', None),
    "two_repeated_date": (["--exposure-file", "{work}/hedge_report_one.csv", "--hedge-file",
                           "{work}/hedge_report_repeated_date.csv", "--hedge-column", "futures"],
                          r"hedge_report_repeated_date\.csv: the date 2024-01-03 appears twice, in rows 3 and 4", None),
    "two_mixed_date_formats": (["--exposure-file", "{work}/hedge_report_mixed_dates.csv", "--hedge-file",
                                "{work}/hedge_report_one.csv"],
                               r'hedge_report_mixed_dates\.csv row 4, column "date": "1/4/2024" is written M/D/YYYY '
                               r'but row 2 is written YYYY-MM-DD \(mixed date formats in one file\)', None),
    "two_staleness_zero": (["--exposure-file", "{work}/hedge_report_one.csv", "--hedge-file",
                            "{work}/hedge_report_one.csv", "--max-staleness", "0"],
                           r"joining .*hedge_report_one\.csv and .*hedge_report_one\.csv: hedgemetrics::align: "
                           r"max_staleness is 0; it must be > 0", None),
    "two_staleness_negative": (["--exposure-file", "{work}/hedge_report_one.csv", "--hedge-file",
                                "{work}/hedge_report_one.csv", "--join", "as-of", "--max-staleness", "-3"],
                               r"hedgemetrics::align: max_staleness is -3; it must be > 0", None),
    "two_staleness_inner": (["--exposure-file", "{work}/hedge_report_one.csv", "--hedge-file",
                             "{work}/hedge_report_one.csv", "--join", "inner", "--max-staleness", "3"],
                            r"--max-staleness limits the age of a carried price, and --join inner carries none", None),
    "two_unknown_column": (["--exposure-file", "{work}/hedge_report_one.csv", "--hedge-file",
                            "{work}/hedge_report_good.csv", "--hedge-column", "nope"],
                           r'hedge_report_good\.csv: unknown column "nope"; the columns are "spot", "futures"', None),
    "two_column_needed": (["--exposure-file", "{work}/hedge_report_one.csv", "--hedge-file",
                           "{work}/hedge_report_good.csv"],
                          r'hedge_report_good\.csv has 2 value columns: name the one to use with --hedge-column; '
                          r'the columns are "spot", "futures"', None),
    "two_missing_file": (["--exposure-file", "{work}/hedge_report_one.csv", "--hedge-file", "{work}/no_such_file.csv"],
                         r"no_such_file\.csv: file not found", None),
    "two_bad_cell": (["--exposure-file", "{work}/hedge_report_bad_cell.csv", "--exposure-column", "futures",
                      "--hedge-file", "{work}/hedge_report_one.csv"],
                     r'hedge_report_bad_cell\.csv row 4 \(2024-01-04\), column "futures": "12\.3x" is not a number',
                     None),
    "two_and_one_file": (["{work}/hedge_report_good.csv", "--exposure-file", "{work}/hedge_report_one.csv",
                          "--hedge-file", "{work}/hedge_report_one.csv"],
                         r"FILE with --spot and --hedge \(one file\) and --exposure-file with --hedge-file \(two "
                         r"files\) are two ways of giving the prices; use one", None),
    "two_spot_column": (["--exposure-file", "{work}/hedge_report_one.csv", "--hedge-file",
                         "{work}/hedge_report_one.csv", "--spot", "x"],
                        r"are two ways of giving the prices; use one", None),
    "two_hedge_file_missing": (["--exposure-file", "{work}/hedge_report_one.csv"],
                               r"--exposure-file requires --hedge-file", None),
    "two_join_alone": (["{work}/hedge_report_good.csv", "--spot", "spot", "--hedge", "futures", "--join", "inner"],
                       r"--join requires --exposure-file", None),
    # hedge_report_short_two.csv has prices on 3 dates (and a blank on a fourth), 2 of them in
    # hedge_report_one.csv.
    "hac_lags_negative": (["{work}/hedge_report_good.csv", "--spot", "spot", "--hedge", "futures",
                           "--hac-lags", "-1"], r'--hac-lags: must be a whole number of lags, 0 or more, not "-1"',
                          None),
    "hac_lags_too_many": (["{work}/hedge_report_good.csv", "--spot", "spot", "--hedge", "futures",
                           "--hac-lags", "4"], r"--hac-lags 4 is not below the 4 price changes", None),
    "chart_unwritable": (["{work}/hedge_report_good.csv", "--spot", "spot", "--hedge", "futures",
                          "--chart", "{work}/no_such_dir/chart.svg"],
                         r'--chart: cannot write ".*no_such_dir/chart\.svg": No such file or directory', None),
    "two_too_few_rows": (["--exposure-file", "{work}/hedge_report_one.csv", "--hedge-file",
                          "{work}/hedge_report_short_two.csv", "--join", "inner"],
                         r"too few rows: .*hedge_report_one\.csv \(\"x\"\) and .*hedge_report_short_two\.csv "
                         r"\(\"y\"\) joined inner give 2 rows \(6 candidate dates, 4 in one file only\)", None),
}


def write_error_inputs(work):
    os.makedirs(work, exist_ok=True)
    files = {
        "hedge_report_good.csv": "date,spot,futures\n2024-01-01,1,2\n2024-01-02,2,3\n2024-01-03,2.5,3.1\n"
                                 "2024-01-04,2,2.9\n2024-01-05,2.2,3.3\n",
        "hedge_report_bad_cell.csv": "date,spot,futures\n2024-01-02,1,2\n2024-01-03,2,3\n2024-01-04,2.5,12.3x\n"
                                     "2024-01-05,2,2.9\n",
        "hedge_report_bad_date.csv": "date,spot,futures\n2024-01-02,1,2\n2024-02-30,2,3\n",
        "hedge_report_last_negative.csv": "date,spot,futures\n2024-01-01,1,2\n2024-01-02,2,3\n2024-01-03,2.5,3.1\n"
                                          "2024-01-04,2,2.9\n2024-01-05,-1,3.3\n",
        "hedge_report_short.csv": "date,spot,futures\n2024-01-02,1,2\n2024-01-03,,3\n2024-01-04,2,3\n2024-01-05,2.5,2\n",
        "hedge_report_duplicate.csv": "date,spot,futures,spot\n2024-01-02,1,2,9\n2024-01-03,2,3,8\n2024-01-04,3,5,7\n"
                                      "2024-01-05,2,4,6\n",
        "hedge_report_underflow.csv": "date,spot,futures\n2024-01-02,1,2\n2024-01-03,1e-400,3\n2024-01-04,2,3\n",
        "hedge_report_overflow.csv": "date,spot,futures\n2024-01-02,1,2\n2024-01-03,2,1e999\n2024-01-04,2,3\n",
        "hedge_report_overflowing_change.csv": "date,spot,futures\n2024-01-02,-1.7e308,1\n2024-01-03,1.7e308,2\n"
                                               "2024-01-04,1,3\n2024-01-05,2,5\n2024-01-06,3,4\n",
        "hedge_report_repeated_date.csv": "date,spot,futures\n2024-01-02,1,2\n2024-01-03,2,\n2024-01-03,2,3\n"
                                          "2024-01-04,3,4\n2024-01-05,3,5\n",
        # One value column, oldest first; the same, out of order; newest first with 1/5 after 1/4.
        "hedge_report_one.csv": "date,x\n2024-01-02,1\n2024-01-03,2\n2024-01-04,2.5\n2024-01-05,2\n2024-01-08,3\n",
        "hedge_report_unsorted.csv": "date,x\n2024-01-02,1\n2024-01-04,2\n2024-01-03,2.5\n2024-01-05,2\n"
                                     "2024-01-08,3\n",
        "hedge_report_unsorted_eia.csv": "Date,x\r\n1/8/2024,3\r\n1/4/2024,2\r\n1/5/2024,2.5\r\n1/3/2024,2\r\n"
                                         "1/2/2024,1",
        "hedge_report_mixed_dates.csv": "date,x\n2024-01-02,1\n2024-01-03,2\n1/4/2024,2.5\n2024-01-05,2\n",
        "hedge_report_short_two.csv": "date,y\n2024-01-03,1\n2024-01-04,\n2024-01-05,2\n2024-01-06,3\n",
    }
    for name, text in files.items():
        with open(os.path.join(work, name), "w", newline="") as f:
            f.write(text)


def error(args):
    arguments, pattern, needs = ERROR_CASES[args.case]
    if needs is not None and not os.path.exists(os.path.join(args.data_dir, needs)):
        print("SKIP: %s not found in %s (set HEDGEMETRICS_DATA_DIR)" % (needs, args.data_dir))
        return SKIP
    write_error_inputs(args.work_dir)
    arguments = [a.format(work=args.work_dir, data=args.data_dir) for a in arguments]
    if args.case == "output_full":
        if not os.path.exists("/dev/full"):
            print("SKIP: no /dev/full on this system")
            return SKIP
        with open("/dev/full", "w") as full:
            p = subprocess.run([args.exe] + arguments, stdout=full, stderr=subprocess.PIPE, universal_newlines=True)
        code, out, err = p.returncode, "", p.stderr
    else:
        code, out, err = run(args.exe, arguments)
    print("hedge_report %s\n  exit %d\n  stdout %r\n  stderr %r" % (" ".join(arguments), code, out, err))
    problems = []
    if code != 2:
        problems.append("exit status %d, expected 2" % code)
    if out:
        problems.append("something on stdout")
    if err.count("\n") != 1 or not err.endswith("\n") or not err.startswith("hedge_report: "):
        problems.append("stderr is not one line starting with 'hedge_report: '")
    if not re.search(pattern, err):
        problems.append("stderr does not match %r" % pattern)
    for p in problems:
        print("FAIL: " + p)
    return 1 if problems else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode")
    p = sub.add_parser("figures")
    p.add_argument("--exe", required=True)
    p.add_argument("--csv", required=True)
    p.add_argument("--spot", required=True)
    p.add_argument("--hedge", required=True)
    p.add_argument("--returns", default="changes", choices=["changes", "log", "simple"])
    p.add_argument("--exposure")
    p.add_argument("--contract-size")
    p.add_argument("--expect-ratio", type=float)
    p.add_argument("--expect-r2", type=float)
    p.add_argument("--expect-tol", type=float, default=0.0005)
    p.add_argument("--hac-lags", type=int)
    p.add_argument("--chart-dir")
    p = sub.add_parser("builtin")
    p.add_argument("--exe", required=True)
    p = sub.add_parser("quirks")
    p.add_argument("--exe", required=True)
    p.add_argument("--work-dir", required=True)
    p = sub.add_parser("scaled")
    p.add_argument("--exe", required=True)
    p.add_argument("--work-dir", required=True)
    p.add_argument("--exponent", type=int, required=True)
    p = sub.add_parser("two_files")
    p.add_argument("--exe", required=True)
    p.add_argument("--work-dir", required=True)
    p.add_argument("--returns", default="changes", choices=["changes", "log", "simple"])
    p = sub.add_parser("two_files_data")
    p.add_argument("--exe", required=True)
    p.add_argument("--exposure-csv", required=True)
    p.add_argument("--exposure-column")
    p.add_argument("--hedge-csv", required=True)
    p.add_argument("--hedge-column")
    p.add_argument("--join", default="union-as-of", choices=["union-as-of", "as-of", "inner"])
    p.add_argument("--max-staleness", type=int)
    p.add_argument("--returns", default="changes", choices=["changes", "log", "simple"])
    p.add_argument("--exposure")
    p.add_argument("--contract-size")
    p.add_argument("--expect-rows", type=int)
    p.add_argument("--expect-ratio", type=float)
    p.add_argument("--expect-r2", type=float)
    p.add_argument("--expect-tol", type=float, default=0.0005)
    p = sub.add_parser("error")
    p.add_argument("case", choices=sorted(ERROR_CASES))
    p.add_argument("--exe", required=True)
    p.add_argument("--work-dir", required=True)
    p.add_argument("--data-dir", default="")
    args = parser.parse_args()
    if args.mode is None:
        parser.error("choose figures, builtin, quirks, scaled, two_files, two_files_data or error")
    return {"figures": figures, "builtin": builtin, "quirks": quirks, "scaled": scaled, "two_files": two_files,
            "two_files_data": two_files_data, "error": error}[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
