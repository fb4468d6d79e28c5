#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Cross-check of examples/async_hedge (alignment.hpp and asynchronous.hpp) with pandas and statsmodels.

    check_async_pandas.py <data_dir> <figures.csv written by async_hedge>

Recomputes every figure async_hedge writes from the raw files, with other code:
- the union as-of join (maximum staleness 4 days, missing prices skipped) with pandas.merge_asof, the inner
  join with pandas.merge, and the ages, fills and stale drops from them;
- the synchronous, as-of, Epps-curve and Dimson regressions with statsmodels OLS (the Dimson ratio's
  standard error as sqrt(1' V 1) from statsmodels' covariance of the slopes);
- Hayashi-Yoshida by direct interval bookkeeping (numpy.searchsorted: for each exposure interval, every
  hedge interval it overlaps), the previous-tick weekly grid with pandas.merge_asof, Scholes-Williams'
  slopes with numpy.polyfit and rho_F with numpy.corrcoef.
Counts must agree exactly, figures to 1e-9 relative (the regressions are well conditioned: statsmodels'
pinv and hedgemetrics' centred sums agree to about 1e-13). Exit 77 (skipped) without pandas/statsmodels.
"""
import math
import sys

try:
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm
except ImportError as e:
    print(f"skipped: {e} (Debian: apt-get install python3-pandas python3-statsmodels)")
    sys.exit(77)

EPOCH = pd.Timestamp("1970-01-01")
STALENESS = 4
HO1 = "New York Harbor No. 2 Heating Oil Future Contract 1 ($/gal) $/gal"


def read(path, column, date_format):
    raw = pd.read_csv(path, na_values=["."], dtype=str)
    frame = pd.DataFrame({"date": raw.iloc[:, 0], "value": pd.to_numeric(raw[column])})
    frame["date"] = pd.to_datetime(frame["date"], format=date_format)
    return frame.sort_values("date").reset_index(drop=True)


def days(timestamps):
    return ((timestamps - EPOCH) // pd.Timedelta(days=1)).astype(np.int64)


def ols(y, x):
    fit = sm.OLS(np.asarray(y), sm.add_constant(np.asarray(x))).fit()
    return fit


def hayashi_yoshida(tx, x, ty, y):
    """Sum over exposure intervals (tx[i-1], tx[i]] of dx_i times the sum of dy_j over the hedge intervals
    (ty[j-1], ty[j]] that overlap it (s_{j-1} < t_i and s_j > t_{i-1})."""
    dx, dy = np.diff(x), np.diff(y)
    cum = np.concatenate([[0.0], np.cumsum(dy)])  # cum[k] = dy_1 + ... + dy_k (1-based j)
    covariance = 0.0
    for i in range(1, len(tx)):
        lo = int(np.searchsorted(ty, tx[i - 1], side="right"))  # first j with ty[j] > tx[i-1]
        lo = max(lo, 1)
        hi = int(np.searchsorted(ty, tx[i], side="left"))  # ty[j-1] < tx[i]  <=>  j - 1 < #{ty < tx[i]}
        hi = min(hi, len(ty) - 1)
        if lo <= hi:
            covariance += dx[i - 1] * (cum[hi] - cum[lo - 1])
    vx, vy = float(np.dot(dx, dx)), float(np.dot(dy, dy))
    return covariance, covariance / vy, covariance * covariance / (vx * vy)


def pair_figures(exposure, hedge):
    out = {}
    first = max(exposure["date"].iloc[0], hedge["date"].iloc[0])
    last = min(exposure["date"].iloc[-1], hedge["date"].iloc[-1])
    out["first_day"], out["last_day"] = days(pd.Series([first, last])).tolist()
    s = exposure[(exposure["date"] >= first) & (exposure["date"] <= last)]
    f = hedge[(hedge["date"] >= first) & (hedge["date"] <= last)]
    out["exposure.non_finite"] = int(s["value"].isna().sum())
    out["hedge.non_finite"] = int(f["value"].isna().sum())
    so, fo = s.dropna(), f.dropna()

    # Union as-of join.
    grid = pd.DataFrame({"date": np.union1d(so["date"].values, fo["date"].values)})
    out["candidate_rows"] = len(grid)
    joined = grid
    for name, side in (("s", so), ("f", fo)):
        side = side.rename(columns={"value": name}).assign(**{name + "_date": side["date"]})
        joined = pd.merge_asof(joined, side, on="date", direction="backward")
    age_s = (joined["date"] - joined["s_date"]).dt.days
    age_f = (joined["date"] - joined["f_date"]).dt.days
    started = joined["s"].notna() & joined["f"].notna()
    fresh = started & (age_s <= STALENESS) & (age_f <= STALENESS)
    out["dropped_stale"] = int((started & ~fresh).sum())
    rows = joined[fresh]
    out["rows"] = len(rows)
    for side, age in (("exposure", age_s[fresh]), ("hedge", age_f[fresh])):
        out[side + ".filled"] = int((age > 0).sum())
        out[side + ".max_age"] = int(age.max())
        out[side + ".mean_age"] = float(age.mean())

    # Inner join.
    inner = pd.merge(so, fo, on="date", suffixes=("_s", "_f"))
    out["inner_rows"] = len(inner)

    sync = ols(np.diff(inner["value_s"]), np.diff(inner["value_f"]))
    out["synchronous.ratio"], out["synchronous.ratio_se"] = sync.params[1], sync.bse[1]
    out["synchronous.r2"] = sync.rsquared
    ds, df = np.diff(rows["s"].values), np.diff(rows["f"].values)
    carried = ols(ds, df)
    out["as_of.ratio"], out["as_of.ratio_se"], out["as_of.r2"] = carried.params[1], carried.bse[1], carried.rsquared

    cov, ratio, eff = hayashi_yoshida(days(so["date"]).values, so["value"].values, days(fo["date"]).values,
                                      fo["value"].values)
    out["hy.covariance"], out["hy.ratio"], out["hy.effectiveness"] = cov, ratio, eff

    # Previous tick on a weekly grid from the later first tick to the earlier last tick.
    start = max(so["date"].iloc[0], fo["date"].iloc[0])
    end = min(so["date"].iloc[-1], fo["date"].iloc[-1])
    weekly = pd.DataFrame({"date": pd.date_range(start, end, freq="7D")})
    weekly = pd.merge_asof(weekly, so.rename(columns={"value": "s"}), on="date", direction="backward")
    weekly = pd.merge_asof(weekly, fo.rename(columns={"value": "f"}), on="date", direction="backward")
    ws, wf = np.diff(weekly["s"].values), np.diff(weekly["f"].values)
    c = float(np.dot(ws, wf))
    out["previous_tick_weekly.ratio"] = c / float(np.dot(wf, wf))
    out["previous_tick_weekly.effectiveness"] = c * c / (float(np.dot(ws, ws)) * float(np.dot(wf, wf)))

    # Dimson with one lag and one lead: S_t on F_{t-1}, F_t, F_{t+1}, t = 1..n-2.
    n = len(ds)
    x = np.column_stack([df[0:n - 2], df[1:n - 1], df[2:n]])
    dimson = ols(ds[1:n - 1], x)
    slopes = dimson.params[1:]
    v = dimson.cov_params()[1:, 1:]
    for k in range(3):
        out[f"dimson.slope{k}"] = slopes[k]
    out["dimson.ratio"] = float(slopes.sum())
    out["dimson.ratio_se"] = math.sqrt(float(np.ones(3) @ v @ np.ones(3)))

    # Scholes-Williams: three simple regressions on the common rows t = 1..n-2, and rho_F over t = 1..n-1.
    b = [np.polyfit(x[:, k], ds[1:n - 1], 1)[0] for k in range(3)]
    rho = np.corrcoef(df[1:], df[:-1])[0, 1]
    for k in range(3):
        out[f"scholes_williams.slope{k}"] = b[k]
    out["scholes_williams.rho"] = rho
    out["scholes_williams.ratio"] = sum(b) / (1 + 2 * rho)

    # Epps curve: non-overlapping q-row changes of the as-of rows.
    for q in (1, 2, 5, 10, 20):
        ls, lf = rows["s"].values[::q], rows["f"].values[::q]
        e = ols(np.diff(ls), np.diff(lf))
        out[f"epps{q}.ratio"], out[f"epps{q}.ratio_se"], out[f"epps{q}.r2"] = e.params[1], e.bse[1], e.rsquared
    return out


def main():
    if len(sys.argv) != 3:
        print("usage: check_async_pandas.py <data_dir> <figures.csv>", file=sys.stderr)
        return 2
    data, figures_path = sys.argv[1], sys.argv[2]
    fred = f"{data}/market/fred_eia_spot/"
    try:
        ours = pd.read_csv(figures_path)
        brent = read(fred + "DCOILBRENTEU.csv", "VALUE", "%Y-%m-%d")
        wti = read(fred + "DCOILWTICO.csv", "VALUE", "%Y-%m-%d")
        jet = read(fred + "DJFUELUSGULF.csv", "VALUE", "%Y-%m-%d")
        ho1 = read(f"{data}/market/eia_petroleum_futures_CL_HO_RB_contracts1-4_daily.csv", HO1, "%m/%d/%Y")
    except FileNotFoundError as e:
        print(f"skipped: {e} (is HEDGEMETRICS_DATA_DIR set?)")
        return 77
    ours = dict(zip(ours["name"], ours["value"]))
    theirs = {}
    for pair, (s, f) in enumerate(((brent, wti), (jet, ho1)), start=1):
        for name, value in pair_figures(s, f).items():
            theirs[f"pair{pair}.{name}"] = value
    failures = 0
    for name in sorted(set(ours) | set(theirs)):
        if name not in ours or name not in theirs:
            print(f"{name:44s} only in {'hedgemetrics' if name in ours else 'pandas'}  FAIL")
            failures += 1
            continue
        a, b = float(ours[name]), float(theirs[name])
        exact = isinstance(theirs[name], (int, np.integer))
        error = abs(a - b) / max(abs(b), 1e-300)
        ok = a == b if exact else error <= 1e-9
        print(f"{name:44s} hedgemetrics {a:.15g}  pandas/statsmodels {b:.15g}  "
              f"{'exact' if exact else f'rel. error {error:.2e}'}  {'ok' if ok else 'FAIL'}")
        failures += not ok
    print(f"{len(theirs)} figures compared, {failures} disagree")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
