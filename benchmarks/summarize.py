#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn Google Benchmark JSON output of the hedgemetrics benchmarks into Markdown tables.

    bench_hedge_ratio --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \\
        --benchmark_out=hedge_ratio.json --benchmark_out_format=json
    python3 summarize.py hedge_ratio.json [basis.json ...]

For each benchmark and size: CPU time per element (ns per pair, or per value for one series) and the
input bandwidth in GB/s (10^9 bytes per second; the console's "G/s" is 2^30). Medians when the run has
repetitions, else the single run. Then every benchmark as a ratio of time to the bare read of the same
element type at the same size, and GSL's time over fit_hedge's. One section per file (each binary has its
own bare read). Standard library only.
"""
import json
import re
import sys

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
NAME = re.compile(r"^BM_(?P<family>[A-Za-z0-9_]+)(?:<(?P<type>[^>]+)>)?/(?P<n>\d+)$")


def load(path):
    """(binary name, {(family, type): {n: (ns_per_item, gb_per_s)}}), families in first-seen order."""
    rows, medians = {}, set()
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    runs = report["benchmarks"]
    binary = report.get("context", {}).get("executable", path).rsplit("/", 1)[-1]
    for run in runs:
        if run.get("run_type") == "aggregate" and run.get("aggregate_name") == "median":
            medians.add(run["run_name"])
    for run in runs:
        name = run.get("run_name", run["name"])
        if name in medians:
            if run.get("aggregate_name") != "median":
                continue
        elif run.get("run_type") == "aggregate":
            continue
        match = NAME.match(name)
        if not match:
            continue
        n = int(match["n"])
        ns = run["cpu_time"] * UNIT_NS[run.get("time_unit", "ns")] / n
        gbs = run.get("bytes_per_second", float("nan")) / 1e9
        rows.setdefault((match["family"], match["type"] or "double"), {})[n] = (ns, gbs)
    return binary, rows


def fmt_ns(ns):
    return f"{ns:.3f}" if ns < 10 else f"{ns:.1f}"


def summarize(path):
    binary, rows = load(path)
    if not rows:
        sys.exit("summarize.py: no hedgemetrics benchmark runs in " + path)
    print(f"### {binary}\n")
    sizes = sorted({n for cells in rows.values() for n in cells})
    size_names = [f"{n:.0e}".replace("+0", "").replace("+", "") for n in sizes]

    print("ns per element (CPU time) and GB/s of input:\n")
    print("| benchmark | " + " | ".join(size_names) + " |")
    print("|---|" + "---:|" * len(sizes))
    for (family, typ), cells in rows.items():
        text = [f"{fmt_ns(cells[n][0])} ns, {cells[n][1]:.1f} GB/s" if n in cells else "" for n in sizes]
        print(f"| {family}<{typ}> | " + " | ".join(text) + " |")

    print("\nTime relative to bare_read of the same element type (lower is better, 1.0 = memory speed):\n")
    print("| benchmark | " + " | ".join(size_names) + " |")
    print("|---|" + "---:|" * len(sizes))
    for (family, typ), cells in rows.items():
        base = rows.get(("bare_read", typ), {})
        if family == "bare_read" or not base:
            continue
        text = [f"{cells[n][0] / base[n][0]:.2f}x" if n in cells and n in base else "" for n in sizes]
        print(f"| {family}<{typ}> | " + " | ".join(text) + " |")

    fit = rows.get(("fit_hedge", "double"))
    gsl = rows.get(("gsl_fit_linear", "double"))
    if fit and gsl:
        print("\ngsl_fit_linear time / fit_hedge<double> time (higher is better for fit_hedge):\n")
        print("| " + " | ".join(size_names) + " |")
        print("|" + "---:|" * len(sizes))
        print("| " + " | ".join(f"{gsl[n][0] / fit[n][0]:.1f}x" if n in fit and n in gsl else ""
                                for n in sizes) + " |")


def main(paths):
    for k, path in enumerate(paths):
        if k:
            print()
        summarize(path)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
