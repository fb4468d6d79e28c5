#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""LRE of numpy.linalg.lstsq on the eleven NIST StRD linear-regression datasets, for the README's
comparison with hedgemetrics::fit_hedge (tests/test_multi_hedge.cpp prints the library's table).

Same inputs as the C++ test: the x columns (Longley) or the powers x, x^2, ..., x^d formed in extended
precision and rounded once; a column of ones when the model has B0. lstsq with its default rcond
(eps * max(n, p)), the call people write. Standard errors from s^2 (X^T X)^-1 with the inverse taken from
lstsq's SVD (the pseudo-inverse, as lstsq truncated it). LRE = -log10(|computed - certified|/|certified|),
clamped to [0, 15]; -log10|computed| where the certified value is 0.

usage: nist_numpy_lre.py <folder with the NIST .dat files>
"""
import math
import sys
from decimal import Decimal
from fractions import Fraction

import numpy as np

DATASETS = ["Norris", "Pontius", "NoInt1", "NoInt2", "Longley", "Wampler1", "Wampler2", "Wampler3",
            "Wampler4", "Wampler5", "Filip"]


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def read(path):
    lines = open(path, encoding="ascii").read().splitlines()
    coef, sd, resid_sd, r2, start = [], [], None, None, 0
    intercept = False
    for i, line in enumerate(lines):
        t = line.split()
        if len(t) == 3 and t[0].startswith("B") and t[0][1:].isdigit() and is_number(t[1]) and is_number(t[2]):
            intercept |= t[0] == "B0"
            coef.append(t[1])
            sd.append(t[2])
        elif len(t) == 3 and t[0] == "Standard" and t[1] == "Deviation":
            resid_sd = t[2]
        elif len(t) == 2 and t[0] == "R-Squared":
            r2 = t[1]
        if line.startswith("Data:"):
            start = i + 1
    rows = [l.split() for l in lines[start:] if l.split() and all(is_number(x) for x in l.split())]
    return intercept, coef, sd, resid_sd, r2, rows


def lre(computed, certified):
    c = Fraction(Decimal(certified))
    if not math.isfinite(computed):
        return 0.0
    d = abs(Fraction(computed) - c)
    if d == 0:
        return 15.0
    e = float(d / abs(c)) if c != 0 else float(d)
    return max(0.0, min(15.0, -math.log10(e))) if e > 0 else 15.0


def main():
    folder = sys.argv[1]
    print("dataset    coefficients  coefficient SDs  residual SD   R^2   least   (numpy %s lstsq)" % np.__version__)
    for name in DATASETS:
        intercept, coef, sd, resid_sd, r2, rows = read(f"{folder}/{name}.dat")
        y = np.array([float(r[0]) for r in rows])
        predictors = len(coef) - (1 if intercept else 0)
        if len(rows[0]) - 1 == predictors:
            x = np.array([[float(v) for v in r[1:]] for r in rows])
        else:
            xs = [np.longdouble(r[1]) for r in rows]
            x = np.array([[float(v ** j) for j in range(1, predictors + 1)] for v in xs])
        a = np.column_stack([np.ones(len(y)), x]) if intercept else x
        n, p = a.shape
        b = np.linalg.lstsq(a, y, rcond=None)[0]
        e = y - a @ b
        ssr = float(e @ e)
        s = math.sqrt(ssr / (n - p))
        # SEs from the SVD that lstsq used: V diag(1/sv^2) V^T restricted to the singular values it kept
        _, sv, vt = np.linalg.svd(a, full_matrices=False)
        keep = sv > np.finfo(float).eps * max(n, p) * sv[0]
        cov = (vt[keep].T / sv[keep] ** 2) @ vt[keep]
        ses = s * np.sqrt(np.diag(cov))
        tss = float(((y - y.mean()) ** 2).sum()) if intercept else float(y @ y)
        r2_ = 1.0 - ssr / tss
        lb = min(lre(float(v), c) for v, c in zip(b, coef))
        ls = min(lre(float(v), c) for v, c in zip(ses, sd))
        lr = lre(s, resid_sd)
        l2 = lre(r2_, r2)
        print(f"{name:<10} {lb:12.1f}  {ls:15.1f}  {lr:11.1f}  {l2:5.1f}  {min(lb, ls, lr, l2):5.1f}")


if __name__ == "__main__":
    main()
