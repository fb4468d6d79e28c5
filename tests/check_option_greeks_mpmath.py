#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Cross-checks hedgemetrics::black_scholes (tests/test_option_pricing.cpp writes option_greeks.csv) against
mpmath at 30 significant digits: the price from its closed form with mpmath's erfc, and every greek as
mpmath's numerical derivative of that price (mpmath.diff, a second method: no closed-form greek is used),
theta as -dV/dtau. The tolerance of each figure is a few ulps times its condition number, computed here
from the 30-digit values:
  price: the two terms S e^{-q tau} N(d1) and K e^{-r tau} N(d2) cancel far out of the money, so the bound
         is 64 eps (|term1| + |term2|) (1 + |d1| + |d2|) / |price|, relative;
  greeks: 64 eps (1 + d1^2 + d2^2) relative, plus 64 eps times the greek's natural scale (S for theta and
          rho, |price|/sigma for vega, |price|/S^2 for gamma) absolute, for greeks that cross zero.
Exit status 0: all agree; 1: a figure differs; 77: skipped (no mpmath, or no CSV).

usage: check_option_greeks_mpmath.py <option_greeks.csv>
"""
import os
import sys

EPS = 2.0 ** -52


def main():
    path = sys.argv[1]
    try:
        import mpmath
    except ImportError as e:
        print(f"skipped: {e} (Debian: apt-get install python3-mpmath)")
        return 77
    if not os.path.exists(path):
        print(f"skipped: {path} not written by test_option_pricing")
        return 77
    mp = mpmath.mp
    mp.dps = 30
    rows = open(path).read().splitlines()
    header = rows[0].split(",")
    failures = 0
    worst = {}
    for line in rows[1:]:
        cell = dict(zip(header, line.split(",")))
        call = cell["type"] == "call"
        s, k, tau, r, sigma, q = (mpmath.mpf(cell[n]) for n in ("spot", "strike", "tau", "rate", "vol", "div"))

        def ncdf(x):
            return mpmath.erfc(-x / mpmath.sqrt(2)) / 2

        def parts(s_, k_, tau_, r_, sigma_, q_):
            root = sigma_ * mpmath.sqrt(tau_)
            d1 = (mpmath.log(s_ / k_) + (r_ - q_ + sigma_ ** 2 / 2) * tau_) / root
            d2 = d1 - root
            a = s_ * mpmath.exp(-q_ * tau_)
            b = k_ * mpmath.exp(-r_ * tau_)
            if call:
                return a * ncdf(d1), b * ncdf(d2), d1, d2
            return b * ncdf(-d2), a * ncdf(-d1), d1, d2

        def price(s_=s, k_=k, tau_=tau, r_=r, sigma_=sigma, q_=q):
            t1, t2, _, _ = parts(s_, k_, tau_, r_, sigma_, q_)
            return t1 - t2

        t1, t2, d1, d2 = parts(s, k, tau, r, sigma, q)
        v = t1 - t2
        expected = {
            "price": v,
            "delta": mpmath.diff(lambda x: price(s_=x), s),
            "gamma": mpmath.diff(lambda x: price(s_=x), s, 2),
            "vega": mpmath.diff(lambda x: price(sigma_=x), sigma),
            "theta": -mpmath.diff(lambda x: price(tau_=x), tau),
            "rho": mpmath.diff(lambda x: price(r_=x), r),
        }
        shape = 1 + abs(d1) ** 2 + abs(d2) ** 2
        scale = {"price": 0, "delta": 1, "gamma": abs(v) / s ** 2 + 1e-300, "vega": abs(v) / sigma,
                 "theta": s, "rho": s}
        for name, exact in expected.items():
            computed = mpmath.mpf(cell[name])
            error = abs(computed - exact)
            if name == "price":
                bound = 64 * EPS * (abs(t1) + abs(t2)) * (1 + abs(d1) + abs(d2))
            else:
                bound = 64 * EPS * (shape * abs(exact) + scale[name])
            ratio = float(error / bound) if bound > 0 else (0.0 if error == 0 else float("inf"))
            if ratio > worst.get(name, (0, ""))[0]:
                worst[name] = (ratio, line)
            if not error <= bound:
                failures += 1
                if failures <= 20:
                    print(f"FAIL {name}: {line}: computed {mpmath.nstr(computed, 17)}, mpmath "
                          f"{mpmath.nstr(exact, 20)}, error {mpmath.nstr(error, 3)}, allowed {mpmath.nstr(bound, 3)}")
    for name, (ratio, line) in sorted(worst.items()):
        print(f"{name:6s}: worst error / allowed = {ratio:.3f} at {line}")
    print(f"{len(rows) - 1} options, {failures} figures outside their tolerance")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
