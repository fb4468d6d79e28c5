# SPDX-License-Identifier: MIT
"""The hedge ratios of a book of exposures over a long, chunked history, with Dask.

Every exposure is hedged with the same instrument. The history is a Dask array of shape
(exposures + 1, periods) — one row per exposure, the hedge's changes in the last row — cut into chunks
along time. One dask.array.reduction computes every exposure's fit:

    chunk     -> for each exposure, a HedgeAccumulator over the chunk's periods, as its 104 bytes
    combine   -> merge the accumulators of neighbouring chunks (a tree, split_every at a time)
    aggregate -> merge the last ones and fit: one HedgeFit per exposure

Only 104 bytes per exposure and chunk travel between workers, whatever the chunk length. The run is on a
local `distributed` cluster (127.0.0.1 only, no dashboard), checked against fit_hedge on the whole
history in memory (every figure within 1e-13), and timed against NumPy on one core and statsmodels.

    PYTHONPATH=<build>/python python3 dask_hedge_book.py [--exposures 8] [--periods 262144]
                                                         [--chunk 32768] [--workers 2]

Exit status 0 when the check passes, 1 when it fails, 77 when Dask or distributed is not installed.
"""
import argparse
import os
import sys
import time

# NumPy on one core, as the comparison says (set before NumPy loads its BLAS).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

import hedgemetrics as hm  # noqa: E402

FIGURES = ("ratio", "intercept", "effectiveness", "correlation", "exposure_mean", "hedge_mean",
           "exposure_variance", "hedge_variance", "covariance", "residual_variance",
           "residual_standard_error", "ratio_standard_error", "intercept_standard_error")


def chunk_states(block, axis, keepdims):
    """One chunk of periods: each exposure's accumulator, serialised. Shape (rows, 1), objects (bytes)."""
    hedge = block[-1]
    out = np.empty((block.shape[0], 1), dtype=object)
    for j in range(block.shape[0]):
        acc = hm.HedgeAccumulator()
        acc.push(block[j], hedge)  # the hedge's row against itself, for the last row: harmless
        out[j, 0] = acc.serialize()
    return out


def merged(states):
    """The accumulators of one row of states (bytes), merged in order."""
    total = hm.HedgeAccumulator.deserialize(states[0])
    for s in states[1:]:
        total.merge(hm.HedgeAccumulator.deserialize(s))
    return total


def combine_states(states, axis, keepdims):
    out = np.empty((states.shape[0], 1), dtype=object)
    for j in range(states.shape[0]):
        out[j, 0] = merged(states[j]).serialize()
    return out


def aggregate_fits(states, axis, keepdims):
    out = np.empty(states.shape[0], dtype=object)
    for j in range(states.shape[0]):
        out[j] = merged(states[j]).fit()
    return out


def make_book(exposures, periods, seed):
    """Daily changes of a hedge and of exposures that follow it with their own ratio and noise."""
    rng = np.random.default_rng(seed)
    book = np.empty((exposures + 1, periods))
    book[-1] = rng.normal(0.0, 1.2, periods)
    ratios = rng.uniform(0.5, 1.2, exposures)
    for j in range(exposures):
        book[j] = 0.03 + ratios[j] * book[-1] + rng.normal(0.0, 0.4 + 0.1 * j, periods)
    return book


def relative(a, b):
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def best_of(repeats, fn):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--exposures", type=int, default=8)
    parser.add_argument("--periods", type=int, default=1 << 18)
    parser.add_argument("--chunk", type=int, default=1 << 15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    try:
        import dask.array as da
        from distributed import Client, LocalCluster
    except ImportError as e:
        print(f"dask_hedge_book: skipped, {e} (Debian: apt-get install python3-dask python3-distributed)")
        return 77

    book = make_book(args.exposures, args.periods, args.seed)
    rows = args.exposures + 1
    print(f"dask_hedge_book: {args.exposures} exposures x {args.periods} periods, chunks of {args.chunk} "
          f"periods, {args.workers} worker processes")

    # One fit per exposure in memory: the reference, and the C++ speed.
    in_memory = [hm.fit_hedge(book[j], book[-1]) for j in range(args.exposures)]
    t_hm = best_of(3, lambda: [hm.fit_hedge(book[j], book[-1]) for j in range(args.exposures)])

    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, memory_limit="1GiB", silence_logs=40) as cluster, \
            Client(cluster) as client:
        history = da.from_array(book, chunks=(rows, args.chunk))
        # Put the history on the workers first, so that the timing is of the reduction, not of shipping
        # the array from this process.
        history = client.persist(history)
        fits = da.reduction(history, chunk_states, aggregate_fits, combine=combine_states, axis=1,
                            keepdims=False, dtype=object, concatenate=True, split_every=8,
                            meta=np.empty((0,), dtype=object))
        result = fits.compute()
        t_dask = best_of(3, fits.compute)

    worst = 0.0
    for j in range(args.exposures):
        for name in FIGURES:
            a, b = getattr(result[j], name), getattr(in_memory[j], name)
            if name == "intercept":  # a difference of larger terms: compared on their scale
                ref = in_memory[j]
                diff = abs(a - b) / (abs(ref.exposure_mean) + abs(ref.ratio * ref.hedge_mean))
            else:
                diff = relative(a, b)
            worst = max(worst, diff)
        if result[j].n != in_memory[j].n:
            worst = float("inf")

    # NumPy on one core: the closed form h* = S_SF/S_FF per exposure, two passes over the data.
    def numpy_ratios():
        f = book[-1] - book[-1].mean()
        s = book[:-1] - book[:-1].mean(axis=1, keepdims=True)
        return (s @ f) / (f @ f)

    t_numpy = best_of(3, numpy_ratios)
    np_ratios = numpy_ratios()

    t_sm = float("nan")
    try:
        import statsmodels.api as sm

        design = sm.add_constant(book[-1])
        t_sm = best_of(1, lambda: [sm.OLS(book[j], design).fit() for j in range(args.exposures)])
        sm_ratio = sm.OLS(book[0], design).fit().params[1]
        print(f"statsmodels OLS, exposure 0: h* = {sm_ratio:.15f} (hedgemetrics {in_memory[0].ratio:.15f})")
    except ImportError:
        print("statsmodels not installed: its timing is left out (Debian: python3-statsmodels)")

    # The cost of one chunk in the reduction (every exposure's accumulator, serialised) against the C++
    # fit of the same chunk: the Python around the C++ is what this measures.
    block = book[:, : args.chunk]
    t_chunk = best_of(20, lambda: chunk_states(block, (1,), True))
    t_chunk_fit = best_of(20, lambda: [hm.fit_hedge(block[j], block[-1]) for j in range(rows)])

    pairs = args.exposures * args.periods
    print(f"exposure 0: h* = {result[0].ratio:.15f}, R^2 = {result[0].effectiveness:.6f}, n = {result[0].n}")
    print(f"largest relative difference, Dask vs one fit in memory, every figure: {worst:.3g}")
    print(f"largest relative difference of h*, NumPy closed form vs hedgemetrics: "
          f"{max(relative(np_ratios[j], in_memory[j].ratio) for j in range(args.exposures)):.3g}")
    print("seconds (best of 3)                   time     pairs/s")
    for label, t in (("hedgemetrics in memory, one core", t_hm), ("NumPy closed form, one core", t_numpy),
                     ("statsmodels OLS, one core (best of 1)", t_sm),
                     (f"Dask reduction, {args.workers} workers", t_dask)):
        print(f"  {label:<38} {t:8.4f}  {pairs / t:10.3g}")
    print(f"per chunk ({args.chunk} periods, {rows} rows): accumulate+serialise {t_chunk * 1e3:.3f} ms, "
          f"fit_hedge {t_chunk_fit * 1e3:.3f} ms, ratio {t_chunk / t_chunk_fit:.2f}")
    ok = worst <= 1e-13
    print(f"dask_hedge_book: {'ok' if ok else 'FAILED'} (Dask within 1e-13 of the in-memory fits: "
          f"{'yes' if ok else 'NO'})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
