# SPDX-License-Identifier: MIT
"""The Python module against independent answers: statsmodels OLS and pandas (rolling, ewm, var, cov) on
the EIA data (WTI spot against crude futures 1 and 2, daily changes), NumPy for the downside measures; the
accumulator against fit_hedge, through pickle; inputs of every dtype, strided views, pandas Series;
errors carry the C++ message.

Run by CTest through run_pytest.py, with PYTHONPATH at the built module and HEDGEMETRICS_DATA_DIR at the
reference data (the tests on EIA data are skipped, with the reason, when it is absent).
"""
import math
import os
import pickle

import numpy as np
import pandas as pd
import pytest

import hedgemetrics as hm

DATA_DIR = os.environ.get("HEDGEMETRICS_DATA_DIR", "")
WTI = os.path.join(DATA_DIR, "market", "derived", "wti_spot_RWTC_vs_CL1_CL2_aligned.csv")

# Agreement with statsmodels and pandas: both compute in double by other algorithms (statsmodels by a
# pseudo-inverse, pandas' rolling windows by add-and-remove updates), so agreement is to their rounding
# on data whose condition is modest (daily price changes): 1e-10 relative, 1e-8 for pandas' rolling
# and exponential windows, whose updates accumulate error along the series.
OLS_RTOL = 1e-10
WINDOW_RTOL = 1e-8


@pytest.fixture(scope="module")
def wti():
    if not os.path.exists(WTI):
        pytest.skip(f"reference data not found: {WTI} (set HEDGEMETRICS_DATA_DIR)")
    prices = pd.read_csv(WTI, parse_dates=["date"], index_col="date")
    return prices.diff().dropna()


@pytest.fixture(scope="module")
def sm():
    return pytest.importorskip("statsmodels.api")


def ols(sm, y, x):
    return sm.OLS(np.asarray(y, dtype=float), sm.add_constant(np.asarray(x, dtype=float))).fit()


def assert_same_fit(got, want, rel=1e-14):
    """Every figure within `rel`: the same pairs at another address may round differently in the last
    bits, since fit_hedge starts its internal blocks on 64-byte boundaries of the data."""
    assert got.n == want.n
    for field in ("ratio", "effectiveness", "correlation", "exposure_mean", "hedge_mean", "exposure_variance",
                  "hedge_variance", "covariance", "residual_variance", "residual_standard_error",
                  "ratio_standard_error", "intercept_standard_error"):
        assert getattr(got, field) == pytest.approx(getattr(want, field), rel=rel), field
    scale = abs(want.exposure_mean) + abs(want.ratio * want.hedge_mean)
    assert got.intercept == pytest.approx(want.intercept, rel=0, abs=rel * scale)


def rng_pairs(n, seed=7):
    rng = np.random.default_rng(seed)
    f = rng.normal(80.0, 2.0, n)
    s = 0.93 * f + rng.normal(0.0, 0.75, n)
    return s, f


# ------------------------------------------------------------------------------------- fit_hedge on EIA


def test_fit_hedge_matches_statsmodels_ols_on_wti(wti, sm):
    s, f = wti["RWTC_spot_usd_bbl"], wti["RCLC1_usd_bbl"]
    fit = hm.fit_hedge(s, f)
    res = ols(sm, s, f)
    assert fit.n == len(s) == 9281
    assert fit.ratio == pytest.approx(res.params[1], rel=OLS_RTOL)
    assert fit.intercept == pytest.approx(res.params[0], rel=1e-8)  # a small difference of larger terms
    assert fit.effectiveness == pytest.approx(res.rsquared, rel=OLS_RTOL)
    assert fit.ratio_standard_error == pytest.approx(res.bse[1], rel=OLS_RTOL)
    assert fit.intercept_standard_error == pytest.approx(res.bse[0], rel=OLS_RTOL)
    assert fit.residual_standard_error**2 == pytest.approx(res.scale, rel=OLS_RTOL)
    # The data README's figures: h* about 0.979, R^2 about 0.944.
    assert round(fit.ratio, 3) == 0.979 and round(fit.effectiveness, 3) == 0.944


def test_fit_hedge_matches_pandas_moments_on_wti(wti):
    s, f = wti["RWTC_spot_usd_bbl"], wti["RCLC1_usd_bbl"]
    fit = hm.fit_hedge(s, f)
    assert fit.exposure_mean == pytest.approx(s.mean(), rel=1e-12, abs=1e-15)
    assert fit.hedge_mean == pytest.approx(f.mean(), rel=1e-12, abs=1e-15)
    assert fit.exposure_variance == pytest.approx(s.var(), rel=1e-12)
    assert fit.hedge_variance == pytest.approx(f.var(), rel=1e-12)
    assert fit.covariance == pytest.approx(s.cov(f), rel=1e-12)
    assert fit.correlation == pytest.approx(s.corr(f), rel=1e-12)
    hedged = s - fit.ratio * f
    assert fit.residual_variance == pytest.approx(hedged.var(), rel=1e-10)


def test_several_instruments_match_statsmodels_on_wti(wti, sm):
    s = wti["RWTC_spot_usd_bbl"]
    hedges = wti[["RCLC1_usd_bbl", "RCLC2_usd_bbl"]]
    res = ols(sm, s, hedges)
    for given in (hedges, hedges.to_numpy(), [hedges.iloc[:, 0].to_numpy(), hedges.iloc[:, 1].to_numpy()]):
        fit = hm.fit_hedge(s, given)
        assert fit.n == len(s)
        np.testing.assert_allclose(fit.ratios, res.params[1:], rtol=OLS_RTOL)
        np.testing.assert_allclose(fit.ratio_standard_errors, res.bse[1:], rtol=OLS_RTOL)
        assert fit.intercept == pytest.approx(res.params[0], rel=1e-8)
        assert fit.r_squared == pytest.approx(res.rsquared, rel=OLS_RTOL)
        assert fit.adjusted_r_squared == pytest.approx(res.rsquared_adj, rel=OLS_RTOL)
        assert fit.residual_df == res.df_resid
        np.testing.assert_allclose(fit.ratio_covariance, res.cov_params()[1:, 1:], rtol=1e-9)
    # A Fortran-ordered matrix and a strided view of a wider one are read through their strides.
    wide = np.asfortranarray(np.c_[hedges.to_numpy(), np.zeros(len(s))])
    np.testing.assert_allclose(hm.fit_hedge(s, wide[:, :2]).ratios, res.params[1:], rtol=OLS_RTOL)


# ---------------------------------------------------------------------------- windows against pandas


def test_rolling_hedge_matches_pandas_rolling_on_wti(wti):
    s, f = wti["RWTC_spot_usd_bbl"], wti["RCLC1_usd_bbl"]
    window = 250
    path = hm.rolling_hedge(s, f, window)
    ratio = s.rolling(window).cov(f) / f.rolling(window).var()
    r2 = s.rolling(window).corr(f) ** 2
    assert path.ratio.shape == (len(s),)
    assert np.isnan(path.ratio[: window - 1]).all()
    np.testing.assert_allclose(path.ratio[window - 1 :], ratio.to_numpy()[window - 1 :], rtol=WINDOW_RTOL)
    np.testing.assert_allclose(path.effectiveness[window - 1 :], r2.to_numpy()[window - 1 :], rtol=WINDOW_RTOL)
    assert (path.count[window - 1 :] == window).all()


def test_ewma_hedge_matches_pandas_ewm_on_wti(wti):
    s, f = wti["RWTC_spot_usd_bbl"], wti["RCLC1_usd_bbl"]
    lam = 0.94
    path = hm.ewma_hedge(s, f, lambda_=lam)
    # pandas' ewm with adjust=True weighs the observation k periods old by (1 - alpha)^k = lambda^k; the
    # bias corrections of its covariance and variance are the same factor and cancel in the ratio.
    ew_s, ew_f = s.ewm(alpha=1 - lam, adjust=True, min_periods=2), f.ewm(alpha=1 - lam, adjust=True, min_periods=2)
    ratio = (ew_s.cov(f) / ew_f.var()).to_numpy()
    np.testing.assert_allclose(path.ratio[1:], ratio[1:], rtol=WINDOW_RTOL)
    half = hm.ewma_hedge(s, f, half_life=10)
    np.testing.assert_allclose(half.ratio, hm.ewma_hedge(s, f, lambda_=2 ** (-1 / 10)).ratio, rtol=0, atol=0)


def test_expanding_hedge_ends_at_the_full_fit(wti):
    s, f = wti["RWTC_spot_usd_bbl"], wti["RCLC1_usd_bbl"]
    path = hm.expanding_hedge(s, f)
    assert path.ratio[-1] == pytest.approx(hm.fit_hedge(s, f).ratio, rel=1e-12)


# ------------------------------------------------------------------------------------------ accumulator


def test_accumulator_chunks_merge_and_pickle_equal_fit_hedge():
    s, f = rng_pairs(100_003)
    whole = hm.fit_hedge(s, f)
    parts = []
    for lo in range(0, len(s), 9_999):
        acc = hm.HedgeAccumulator()
        acc.push(s[lo : lo + 9_999], f[lo : lo + 9_999])
        parts.append(pickle.loads(pickle.dumps(acc)))
    total = hm.HedgeAccumulator()
    for acc in parts:
        total.merge(acc)
    fit = total.fit()
    assert total.count == len(total) == len(s)
    for field in ("ratio", "effectiveness", "exposure_variance", "residual_variance", "ratio_standard_error"):
        assert getattr(fit, field) == pytest.approx(getattr(whole, field), rel=1e-13), field
    assert fit.intercept == pytest.approx(whole.intercept, rel=1e-9)
    # Single pushes (Python numbers) give the same figures.
    one = hm.HedgeAccumulator()
    for a, b in zip(s[:1000].tolist(), f[:1000].tolist()):
        one.push(a, b)
    assert one.fit().ratio == pytest.approx(hm.fit_hedge(s[:1000], f[:1000]).ratio, rel=1e-13)


def test_accumulator_state_is_104_bytes_and_round_trips_to_the_bit():
    s, f = rng_pairs(5000)
    acc = hm.HedgeAccumulator(missing="omit")
    acc.push(s, f)
    blob = acc.serialize()
    assert isinstance(blob, bytes) and len(blob) == 104 and blob[:4] == b"HMAC"
    back = hm.HedgeAccumulator.deserialize(blob)
    assert back.serialize() == blob
    assert back.missing == "omit"
    assert back.fit() == acc.fit()
    assert pickle.loads(pickle.dumps(acc)).serialize() == blob
    damaged = bytearray(blob)
    damaged[40] ^= 0x10
    with pytest.raises(ValueError, match="checksum mismatch"):
        hm.HedgeAccumulator.deserialize(bytes(damaged))
    with pytest.raises(ValueError, match=r"expected 104 bytes \(format version 2; 100 for version 1\), got 99"):
        hm.HedgeAccumulator.deserialize(blob[:99])


def test_accumulator_constant_parts_merge_to_zero_variance():
    # SPARK-21818 through Python: parts of the constant 3.0 with 7, 4, 5, 4 pairs.
    total = hm.HedgeAccumulator()
    for count in (7, 4, 5, 4):
        part = hm.HedgeAccumulator()
        part.push(np.full(count, 3.0), np.full(count, 3.0))
        total.merge(pickle.loads(pickle.dumps(part)))
    fit = total.fit()
    assert fit.n == 20 and fit.exposure_mean == 3.0
    assert fit.exposure_variance == 0.0 and fit.hedge_variance == 0.0 and fit.covariance == 0.0
    assert math.isnan(fit.ratio)


# --------------------------------------------------------------------------------------- inputs


@pytest.mark.parametrize(
    "dtype", [np.float32, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
)
def test_every_numeric_dtype_computes_as_double(dtype):
    rng = np.random.default_rng(3)
    s = rng.integers(0, 100, 1000).astype(dtype)
    f = rng.integers(0, 100, 1000).astype(dtype)
    assert_same_fit(hm.fit_hedge(s, f), hm.fit_hedge(s.astype(np.float64), f.astype(np.float64)))


def test_mixed_dtypes_and_strided_views_give_the_contiguous_answer():
    s, f = rng_pairs(4001)
    assert_same_fit(hm.fit_hedge(s[::2], f[::2]), hm.fit_hedge(s[::2].copy(), f[::2].copy()))
    assert_same_fit(hm.fit_hedge(s[::-1], f[::-1]), hm.fit_hedge(s[::-1].copy(), f[::-1].copy()))
    matrix = np.c_[s, f]  # C order: each column is a strided view
    assert_same_fit(hm.fit_hedge(matrix[:, 0], matrix[:, 1]), hm.fit_hedge(s, f))
    assert_same_fit(hm.fit_hedge(s.astype(np.float32), f), hm.fit_hedge(s.astype(np.float32).astype(float), f))
    ints = np.arange(100, dtype=np.int32)
    assert hm.fit_hedge(ints, ints.astype(np.float64) * 2).ratio == pytest.approx(0.5, rel=1e-15)


def test_pandas_series_must_share_their_index():
    s, f = rng_pairs(10)
    a = pd.Series(s, index=pd.date_range("2024-01-01", periods=10))
    b = pd.Series(f, index=pd.date_range("2024-01-02", periods=10))
    with pytest.raises(ValueError, match="indexes of exposure and hedge differ.*align"):
        hm.fit_hedge(a, b)
    a2, b2 = a.align(b, join="inner")
    assert hm.fit_hedge(a2, b2) == hm.fit_hedge(a2.to_numpy(), b2.to_numpy())


def test_missing_data_policies():
    s, f = rng_pairs(500)
    s = s.copy()
    s[10] = np.nan
    assert math.isnan(hm.fit_hedge(s, f).ratio)
    keep = ~np.isnan(s)
    assert hm.fit_hedge(s, f, missing="omit") == hm.fit_hedge(s[keep], f[keep])
    with pytest.raises(ValueError, match=r"exposure\[10\] is nan"):
        hm.fit_hedge(s, f, missing="raise")
    with pytest.raises(ValueError, match='missing must be "propagate", "omit" or "raise"'):
        hm.fit_hedge(s, f, missing="drop")


def test_errors_carry_the_cpp_message():
    s, f = rng_pairs(100)
    with pytest.raises(ValueError, match="exposure has 100 values and hedge has 99"):
        hm.fit_hedge(s, f[:99])
    with pytest.raises(ValueError, match="the window must hold at least 2 observations, but it is 1"):
        hm.rolling_hedge(s, f, 1)
    with pytest.raises(ValueError, match="lambda"):
        hm.ewma_hedge(s, f, lambda_=1.5)
    with pytest.raises(TypeError, match="dtype bool"):
        hm.fit_hedge(s > 80, f)
    with pytest.raises(TypeError, match="float64"):
        hm.fit_hedge(s.astype(np.longdouble), f)
    with pytest.raises(ValueError, match="one-dimensional"):
        hm.fit_hedge(np.c_[s, s], f)


# --------------------------------------------------------------------- downside and hedge accounting


def test_downside_measures_match_numpy(wti):
    pnl = (wti["RWTC_spot_usd_bbl"] - 0.98 * wti["RCLC1_usd_bbl"]).to_numpy()
    n = len(pnl)
    losses = np.sort(-pnl)
    for level in (0.95, 0.99):
        k = math.ceil(level * n)
        assert hm.value_at_risk(pnl, level) == losses[k - 1]
        assert hm.value_at_risk(pnl, level) == np.quantile(-pnl, level, method="inverted_cdf")
    centred = pnl - pnl.mean()
    assert hm.semivariance(pnl) == pytest.approx(np.sum(np.minimum(centred, 0) ** 2) / n, rel=1e-12)
    for order in (0, 1, 2, 3):
        shortfall = np.maximum(0.5 - pnl, 0)
        want = np.mean(pnl < 0.5) if order == 0 else np.mean(shortfall**order)
        assert hm.lower_partial_moment(pnl, order, target=0.5) == pytest.approx(want, rel=1e-12)
    d = hm.downside_effectiveness(wti["RWTC_spot_usd_bbl"], wti["RCLC1_usd_bbl"], 0.98, level=0.95)
    assert d.value_at_risk.hedged == hm.value_at_risk(pnl, 0.95)
    assert d.value_at_risk.unhedged == hm.value_at_risk(wti["RWTC_spot_usd_bbl"], 0.95)
    assert d.value_at_risk.effectiveness == pytest.approx(1 - d.value_at_risk.hedged / d.value_at_risk.unhedged)
    assert len(d.lower_partial_moment) == 4


def test_target_semivariance_ratio_is_below_the_target(wti):
    s = wti["RWTC_spot_usd_bbl"].to_numpy()
    f = wti["RCLC1_usd_bbl"].to_numpy()
    for target in (0.0, -0.5):
        h = hm.min_target_semivariance_ratio(s, f, target=target)
        # The stationary point of the piece it lies on: h = sum_A (S - t)F / sum_A F^2 over the deficits A.
        deficit = s - h * f - target < 0
        assert h == pytest.approx(np.sum((s[deficit] - target) * f[deficit]) / np.sum(f[deficit] ** 2), rel=1e-12)
    with pytest.warns(DeprecationWarning, match="min_target_semivariance_ratio"):
        old = hm.min_semivariance_ratio(s, f, target=0.0)
    assert old == hm.min_target_semivariance_ratio(s, f, target=0.0)
    assert hm.min_semivariance_ratio(s, f) != old  # below the mean is another figure


def test_regression_test_matches_statsmodels(wti, sm):
    item = wti["RWTC_spot_usd_bbl"].to_numpy()[-60:]
    instrument = -wti["RCLC1_usd_bbl"].to_numpy()[-60:]
    r = hm.regression_test(item, instrument)
    res = ols(sm, instrument, item)  # instrument on item, the default direction
    assert r.n == 60
    assert r.slope == pytest.approx(res.params[1], rel=OLS_RTOL)
    assert r.r_squared == pytest.approx(res.rsquared, rel=OLS_RTOL)
    assert r.t_statistic == pytest.approx(res.tvalues[1], rel=OLS_RTOL)
    assert r.f_statistic == pytest.approx(res.fvalue, rel=OLS_RTOL)
    assert r.p_value == pytest.approx(res.pvalues[1], rel=1e-6, abs=1e-300)
    a = hm.assess_hedge(item, instrument)
    assert a.regression.slope == r.slope
    assert a.overall in ("pass", "warn", "fail") and len(a.lines) >= 3
    v = hm.variance_reduction_test(item, instrument)
    assert v.reduction == pytest.approx(1 - np.var(item + instrument, ddof=1) / np.var(item, ddof=1), rel=1e-10)



def test_value_changes_sign_convention_and_slope(wti):
    spot, futures = wti["RWTC_spot_usd_bbl"].to_numpy(), wti["RCLC1_usd_bbl"].to_numpy()
    c = hm.value_changes(spot, futures, notional=100000.0, contract_size=1000.0, contracts=90.0)
    assert c["ratio"] == pytest.approx(0.9, rel=1e-15)
    item, instrument = np.asarray(c["item"]), np.asarray(c["instrument"])
    np.testing.assert_array_equal(item, 100000.0 * np.diff(spot))
    np.testing.assert_array_equal(instrument, -(90.0 * 1000.0) * np.diff(futures))
    h_star = hm.fit_hedge(np.diff(spot), np.diff(futures)).ratio
    back = hm.regression_test(item, instrument, direction="item_on_instrument")
    assert back.slope == pytest.approx(-h_star / 0.9, rel=1e-10)
    gap = item.copy()
    gap[3] = np.nan
    d = hm.dollar_offset(gap, instrument, missing="omit")
    assert d.periods[3].status == "undefined" and not math.isnan(d.cumulative[-1].ratio)
    with pytest.raises(ValueError):
        hm.value_changes(spot, futures, notional=1.0)  # neither contracts nor ratio


def test_walk_forward_static_strategy_is_the_in_sample_fit(wti):
    s, f = wti["RWTC_spot_usd_bbl"].to_numpy(), wti["RCLC1_usd_bbl"].to_numpy()
    out = hm.walk_forward(s, f, window=250, user={"half": np.full(len(s), 0.5)})
    names = [st.name for st in out.strategies]
    assert names == ["naive 1:1", "static h* (in-sample)", "rolling 250", "EWMA 0.94", "half"]
    static = out.strategies[1]
    assert static.in_sample
    assert static.ratio[-1] == pytest.approx(hm.fit_hedge(s[out.start :], f[out.start :]).ratio, rel=1e-12)
    np.testing.assert_array_equal(out.unhedged, s)
    assert out.strategies[4].overall.periods == len(s) - out.start


def test_walk_forward_train_and_expanding_strategies(wti):
    """Issue 17: the static h* of the first `train` periods and the expanding fit, against fit_hedge on the
    prefix; too few periods for the window is a ValueError naming both."""
    s, f = wti["RWTC_spot_usd_bbl"].to_numpy(), wti["RCLC1_usd_bbl"].to_numpy()
    out = hm.walk_forward(s, f, window=250, train=1000, expanding=True)
    assert [st.name for st in out.strategies] == ["naive 1:1", "static h* (in-sample)", "rolling 250", "EWMA 0.94",
                                                  "static h* (first 1000)", "expanding"]
    assert out.start == 1000
    trained, grown = out.strategies[4], out.strategies[5]
    assert not trained.in_sample and not grown.in_sample
    np.testing.assert_array_equal(trained.ratio[1000:], hm.fit_hedge(s[:1000], f[:1000]).ratio)
    for t in (1000, 1001, 4000, len(s) - 1):
        assert grown.ratio[t] == pytest.approx(hm.fit_hedge(s[:t], f[:t]).ratio, rel=1e-12)
    with pytest.raises(ValueError, match=r"walk_forward: the series have 5 periods, but the window is 250"):
        hm.walk_forward(s[:5], f[:5])


def test_walk_forward_tail_figures_against_numpy(wti):
    """Issue 17: each strategy's VaR is numpy.quantile of the losses -p with method="inverted_cdf" (the
    lower empirical quantile L_(ceil(alpha*N))), its ES the mean of the losses beyond it with the boundary
    loss weighted by ceil(alpha*N) - alpha*N (Rockafellar & Uryasev); the downside variance below zero is
    1 - sum(min(p, 0)^2)/sum(min(S, 0)^2), and semivariance_reduction its deprecated alias."""
    s, f = wti["RWTC_spot_usd_bbl"].to_numpy(), wti["RCLC1_usd_bbl"].to_numpy()
    out = hm.walk_forward(s, f, window=250, rebalance_every=5, cost=0.0005, hedge_price=None, level=0.975)
    assert out.level == 0.975
    for st in out.strategies:
        p = np.asarray(st.pnl[out.start :])
        loss = -p
        n = len(loss)
        var = np.quantile(loss, 0.975, method="inverted_cdf")
        k = int(np.ceil(0.975 * n))
        tail = np.sort(loss)[k:]
        es = (tail.sum() + (k - 0.975 * n) * var) / (n * (1 - 0.975))
        assert st.overall.value_at_risk == var
        assert st.overall.expected_shortfall == pytest.approx(es, rel=1e-12)
        down = 1 - np.sum(np.minimum(p, 0) ** 2) / np.sum(np.minimum(s[out.start :], 0) ** 2)
        assert st.overall.downside_variance_below_zero_reduction == pytest.approx(down, rel=1e-12)
        assert st.overall.semivariance_reduction == st.overall.downside_variance_below_zero_reduction


def test_walk_forward_liquidity_costs():
    """Issue 16: the proportional, spread and square-root impact parts against NumPy on the whole position,
    (c*X + s/2*X + eta*sigma*X**1.5/sqrt(V))/Q for a trade of X = Q*|dh| units, and the drag."""
    nan = float("nan")
    s = np.array([1, -1, 2, -1, 3, -2.0])
    f = np.array([1, -1, 2, -2, 2, -2.0])
    spread = np.array([nan, 0, 0.5, 0.25, 0.125, 1])  # values before the first evaluated period are not read
    sigma = np.array([0, -1, 2, 3, 0.5, 1.0])
    volume = np.array([0, 0, 1, 9, 48, 4.0])
    q, eta, c = 16.0, 0.125, 1 / 32
    out = hm.walk_forward(s, f, window=2, start=2, cost=c, spread=spread, impact=eta, volatility=sigma,
                          volume=volume, exposure_size=q, user={"user": [nan, nan, 0.25, 0.25, 1.0, nan]})
    assert out.start == 2
    for st in out.strategies:
        trade = q * np.abs(np.diff(np.r_[0.0, st.ratio[2:]]))
        np.testing.assert_allclose(st.proportional_cost[2:], c * trade / q, rtol=1e-15)
        np.testing.assert_allclose(st.spread_cost[2:], spread[2:] / 2 * trade / q, rtol=1e-15)
        np.testing.assert_allclose(st.impact_cost[2:], eta * sigma[2:] * trade**1.5 / np.sqrt(volume[2:]) / q,
                                   rtol=1e-14)
        np.testing.assert_array_equal(st.cost, st.proportional_cost + st.spread_cost + st.impact_cost)
        np.testing.assert_array_equal(st.pnl_before_costs[2:], s[2:] - st.ratio[2:] * f[2:])
        o = st.overall
        assert o.proportional_cost + o.spread_cost + o.impact_cost == pytest.approx(o.total_cost, rel=1e-15)
        assert o.effectiveness_before_costs == pytest.approx(
            1 - np.var(st.pnl_before_costs[2:], ddof=1) / np.var(s[2:], ddof=1), rel=1e-14)
        assert o.cost_drag == o.effectiveness_before_costs - o.effectiveness
    # The hand-worked user strategy: 25/128 at period 2 (Q*|dh| = 4 units), 3/32 at period 4 (12 units).
    np.testing.assert_array_equal(out.strategies[4].cost, [0, 0, 0.1953125, 0, 0.09375, 0])
    with pytest.raises(ValueError, match=r"spread\[3\] is -0\.01; a bid-ask spread must be finite"):
        hm.walk_forward(s, f, window=2, start=2, spread=np.where(np.arange(6) == 3, -0.01, 0.01))
    with pytest.raises(ValueError, match=r"volume\[2\] is 0 where the strategy \"naive 1:1\" trades"):
        hm.walk_forward(s, f, window=2, start=2, impact=eta, volatility=sigma, volume=np.zeros(6))
