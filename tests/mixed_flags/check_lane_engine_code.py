#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks that rolling_hedge's lane engine kept its prefetches and non-temporal stores in every set.

The lane engine (detail/window_lane_kernels.ipp) asks for the lines it will need with software prefetches
and writes its figures past the caches with non-temporal stores. Neither changes a figure, so no test of
the results can see them go: GCC once dropped every prefetch of the engine (prefetch() was not inlined,
and it took the call for one without effects), and rolling_hedge ran 1.4x slower at 10^6 points unseen
until it was timed. Each object is disassembled (objdump -d -C); every instruction set's
lane_pass<double, double, double> (with the lambdas inside it) must hold at least one prefetch and one
non-temporal store, and each object must hold that engine for SSE2 and AVX2 at least (AVX-512 is checked
where it is compiled). Usage: check_lane_engine_code.py OBJECT...
Exit status 0 when every object passes, 1 otherwise (naming the set and what it lacks)."""
import re

from check_isa_symbols import functions, report, run

ENGINE = re.compile(r"::(isa_[a-z0-9]+)::lane_pass<double, double, double>")
PREFETCH = re.compile(r"^prefetch(t0|t1|t2|nta|w)\b")
NON_TEMPORAL = re.compile(r"^v?movnt(pd|ps|dq)\b")


def engines(path):
    """Counts of prefetches and non-temporal stores in each set's engine (and its lambdas), keyed by set."""
    counts = {}
    for name, instruction in functions(path):
        engine = ENGINE.search(name)
        if not engine:
            continue
        found = counts.setdefault(engine.group(1), {"prefetch": 0, "non-temporal": 0})
        if PREFETCH.match(instruction):
            found["prefetch"] += 1
        elif NON_TEMPORAL.match(instruction):
            found["non-temporal"] += 1
    return counts


def main(paths):
    failures = []
    for path in paths:
        counts = engines(path)
        for required in ("isa_sse2", "isa_avx2"):
            if required not in counts:
                failures.append(f"{path}: no {required}::lane_pass<double, double, double>; the units must hold it")
        for isa, found in sorted(counts.items()):
            print(f"{path}: {isa} lane engine: {found['prefetch']} prefetches, "
                  f"{found['non-temporal']} non-temporal stores")
            for kind, number in found.items():
                if number == 0:
                    failures.append(f"{path}: {isa}::lane_pass<double, double, double> has no {kind} "
                                    "instruction left: the compiler dropped them")
    return report(failures)


if __name__ == "__main__":
    run(main, "check_lane_engine_code.py")
