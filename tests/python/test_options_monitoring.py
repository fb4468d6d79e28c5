# SPDX-License-Identifier: MIT
"""The Python module's option-hedging and monitoring functions against independent answers: Hull's
published examples, the Black-Scholes formula written out here with math.erfc, statsmodels (OLS, the
OLS-CUSUM test, Engle-Granger's ADF statistic), SciPy's t distribution, exhaustive break searches by
numpy.linalg.lstsq, and the EIA data (WTI spot against CL1).

Run by CTest through run_pytest.py, like test_hedgemetrics.py.
"""
import math
import os

import numpy as np
import pandas as pd
import pytest

import hedgemetrics as hm

DATA_DIR = os.environ.get("HEDGEMETRICS_DATA_DIR", "")
WTI = os.path.join(DATA_DIR, "market", "derived", "wti_spot_RWTC_vs_CL1_CL2_aligned.csv")


@pytest.fixture(scope="module")
def wti_levels():
    if not os.path.exists(WTI):
        pytest.skip(f"reference data not found: {WTI} (set HEDGEMETRICS_DATA_DIR)")
    return pd.read_csv(WTI, parse_dates=["date"], index_col="date")


@pytest.fixture(scope="module")
def sm():
    return pytest.importorskip("statsmodels.api")


def normal_cdf(x):
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def bs_price(call, s, k, t, r, sigma, q=0.0):
    d1 = (math.log(s / k) + (r - q + 0.5 * sigma * sigma) * t) / (sigma * math.sqrt(t))
    d2 = d1 - sigma * math.sqrt(t)
    if call:
        return s * math.exp(-q * t) * normal_cdf(d1) - k * math.exp(-r * t) * normal_cdf(d2)
    return k * math.exp(-r * t) * normal_cdf(-d2) - s * math.exp(-q * t) * normal_cdf(-d1)


# ------------------------------------------------------------------------------------------------ options

def test_black_scholes_hull_example_and_formula():
    # Hull, Options, Futures and Other Derivatives, Example 15.6: S 42, K 40, r 10%, sigma 20%, 6 months:
    # call 4.76, put 0.81.
    call = hm.black_scholes("call", 42.0, 40.0, 0.5, 0.10, 0.20)
    put = hm.black_scholes("put", 42.0, 40.0, 0.5, 0.10, 0.20)
    assert round(call.price, 2) == 4.76
    assert round(put.price, 2) == 0.81
    for g, is_call in ((call, True), (put, False)):
        assert g.price == pytest.approx(bs_price(is_call, 42.0, 40.0, 0.5, 0.10, 0.20), rel=1e-13)
        # Greeks against central differences of the formula above.
        h = 1e-4
        delta = (bs_price(is_call, 42.0 + h, 40.0, 0.5, 0.10, 0.20) -
                 bs_price(is_call, 42.0 - h, 40.0, 0.5, 0.10, 0.20)) / (2 * h)
        vega = (bs_price(is_call, 42.0, 40.0, 0.5, 0.10, 0.20 + h) -
                bs_price(is_call, 42.0, 40.0, 0.5, 0.10, 0.20 - h)) / (2 * h)
        theta = -(bs_price(is_call, 42.0, 40.0, 0.5 + h, 0.10, 0.20) -
                  bs_price(is_call, 42.0, 40.0, 0.5 - h, 0.10, 0.20)) / (2 * h)
        rho = (bs_price(is_call, 42.0, 40.0, 0.5, 0.10 + h, 0.20) -
               bs_price(is_call, 42.0, 40.0, 0.5, 0.10 - h, 0.20)) / (2 * h)
        assert g.delta == pytest.approx(delta, rel=1e-7)
        assert g.vega == pytest.approx(vega, rel=1e-7)
        assert g.theta == pytest.approx(theta, rel=1e-6)
        assert g.rho == pytest.approx(rho, rel=1e-7)
    # Put-call parity.
    assert call.price - put.price == pytest.approx(42.0 - 40.0 * math.exp(-0.05), rel=1e-13)


def test_implied_volatility_round_trip_and_nan():
    for sigma in (0.05, 0.2, 0.8):
        price = bs_price(True, 100.0, 120.0, 0.25, 0.03, sigma)
        assert hm.implied_volatility("call", price, 100.0, 120.0, 0.25, 0.03) == pytest.approx(sigma, rel=1e-9)
    # Below the discounted intrinsic value no volatility reproduces the price.
    assert math.isnan(hm.implied_volatility("call", 0.5, 100.0, 50.0, 1.0, 0.0))
    with pytest.raises(ValueError, match="type must be"):
        hm.implied_volatility("straddle", 1.0, 100.0, 100.0, 1.0, 0.0)


# Hull Table 19.2: 100,000 calls written, S0 49, K 50, r 5%, sigma 20%, 20 weeks, hedged weekly.
HULL_19_2 = [49.00, 48.12, 47.37, 50.25, 51.75, 53.12, 53.00, 51.87, 51.38, 53.00, 49.88, 48.50, 49.88,
             50.37, 52.13, 51.88, 52.87, 54.87, 54.62, 55.87, 57.25]
HULL_19_2_DELTA = [0.522, 0.458, 0.400, 0.596, 0.693, 0.774, 0.771, 0.706, 0.674, 0.787, 0.550, 0.413, 0.542,
                   0.591, 0.768, 0.759, 0.865, 0.978, 0.990, 1.000, 1.000]


def test_delta_hedge_hull_table_19_2():
    times = np.arange(len(HULL_19_2)) / 52.0
    h = hm.delta_hedge(np.array(HULL_19_2), times, strike=50.0, expiry=20 / 52, volatility=0.20, rate=0.05,
                       quantity=100000.0)
    assert np.max(np.abs(h.delta - np.array(HULL_19_2_DELTA))) <= 0.0005 + 1e-12  # Hull's 3 decimals
    np.testing.assert_allclose(h.shares_held, 100000.0 * h.delta, rtol=1e-15)
    # Hull's cost of hedging is $263,300 with deltas rounded to 3 decimals; exactly, $263,242.
    assert abs(h.hedging_cost - 263300.0) <= 500.0
    assert h.option_price == pytest.approx(240053, rel=1e-5)  # Hull: "about $240,000"
    parts = h.attribution
    assert set(parts) == {"pnl", "delta", "gamma", "theta", "financing", "costs", "unexplained"}
    assert parts["pnl"].sum() == pytest.approx(h.total.pnl, rel=1e-12)
    total = h.total
    assert total.delta + total.gamma + total.theta + total.financing + total.costs + total.unexplained == \
        pytest.approx(total.pnl, rel=1e-12)
    with pytest.raises(ValueError, match="prices"):
        hm.delta_hedge(np.array(HULL_19_2[:-1]), times, strike=50.0, expiry=20 / 52, volatility=0.2)


def test_simulate_delta_hedge_is_reproducible_and_near_derman_kamal():
    d = hm.simulate_delta_hedge(100.0, strike=100.0, expiry=1 / 12, volatility=0.2, rate=0.05, paths=20000,
                                rebalances=21, seed=7)
    again = hm.simulate_delta_hedge(100.0, strike=100.0, expiry=1 / 12, volatility=0.2, rate=0.05,
                                    paths=20000, rebalances=21, seed=7, threads=2)
    np.testing.assert_array_equal(d.pnl, again.pnl)  # the same paths for any thread count
    assert d.pnl.shape == (20000,)
    # QuantLib's DiscreteHedging experiment: sd 0.43 at 21 hedges; Derman-Kamal 0.443.
    assert d.standard_deviation == pytest.approx(0.43, abs=0.02)
    assert d.derman_kamal == pytest.approx(0.443, abs=0.001)
    assert d.standard_deviation == pytest.approx(float(np.std(d.pnl, ddof=1)), rel=1e-9)


def test_neutralise_greeks_hull_example_19_5():
    # Hull Example 19.5: a portfolio delta 0, gamma -5,000, vega -8,000; option 1 (gamma 0.5, vega 2.0,
    # delta 0.6), option 2 (gamma 0.8, vega 1.2, delta 0.5): 400 of option 1 and 6,000 of option 2, then
    # sell 3,240 of the underlying.
    g = hm.neutralise_greeks({"delta": 0.0, "gamma": -5000.0, "vega": -8000.0},
                             [{"delta": 0.6, "gamma": 0.5, "vega": 2.0}, {"delta": 0.5, "gamma": 0.8, "vega": 1.2}])
    np.testing.assert_allclose(g.quantities, [400.0, 6000.0], rtol=1e-12)
    assert g.underlying == pytest.approx(-3240.0, rel=1e-12)
    assert g.exact
    with pytest.raises(ValueError, match="instruments\\[1\\]"):
        hm.neutralise_greeks({"delta": 0, "gamma": 1, "vega": 1}, [{"delta": 1, "gamma": 1, "vega": 1}, {"delta": 1}])


# --------------------------------------------------------------------------------------------- monitoring

def rss(y, x):
    design = np.column_stack([np.ones(len(y)), x])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    e = y - design @ coef
    return float(e @ e)


def break_pair(n=160, split=90, seed=3):
    rng = np.random.default_rng(seed)
    f = rng.normal(size=n)
    s = 0.2 + 0.9 * f + 0.3 * rng.normal(size=n)
    s[split:] += 0.6 * f[split:]  # the ratio moves from 0.9 to 1.5
    return s, f


def test_chow_test_against_separate_regressions():
    scipy_stats = pytest.importorskip("scipy.stats")
    s, f = break_pair()
    for split in (40, 90, 120):
        got = hm.chow_test(s, f, split)
        pooled, first, second = rss(s, f), rss(s[:split], f[:split]), rss(s[split:], f[split:])
        k, n = 2, len(s)
        stat = ((pooled - first - second) / k) / ((first + second) / (n - 2 * k))
        assert got.statistic == pytest.approx(stat, rel=1e-9)
        assert got.p_value == pytest.approx(scipy_stats.f.sf(stat, k, n - 2 * k), rel=1e-9, abs=1e-300)
    with pytest.raises(ValueError, match="split"):
        hm.chow_test(s, f, 0)


def test_sup_f_statistics_are_the_chow_statistics():
    s, f = break_pair()
    got = hm.sup_f_test(s, f)
    assert got.statistics.shape == (got.to - got.from_ + 1,)
    # The Wald form, k times Chow's F (k = 2 coefficients), as strucchange's Fstats.
    for i, value in zip(range(got.from_, got.to + 1), got.statistics):
        assert value == pytest.approx(2 * hm.chow_test(s, f, i).statistic, rel=1e-9)
    assert got.statistic == pytest.approx(got.statistics.max(), rel=1e-15)
    assert got.break_index == got.from_ + int(np.argmax(got.statistics))
    assert 80 <= got.break_index <= 100 and got.p_value < 0.01


def test_ols_cusum_against_statsmodels(sm):
    diagnostic = pytest.importorskip("statsmodels.stats.diagnostic")
    s, f = break_pair()
    got = hm.cusum_test(s, f)
    resid = sm.OLS(s, sm.add_constant(f)).fit().resid
    sup_b, p_value, _ = diagnostic.breaks_cusumolsresid(resid, ddof=2)
    assert got.statistic == pytest.approx(sup_b, rel=1e-9)
    assert got.p_value == pytest.approx(p_value, rel=1e-6)


def test_breakpoints_one_break_is_the_exhaustive_optimum():
    s, f = break_pair(n=120, split=70)
    got = hm.breakpoints(s, f, minimum_segment=15, max_breaks=2)
    assert got.minimum_segment == 15
    best = min((rss(s[:b], f[:b]) + rss(s[b:], f[b:]), b) for b in range(15, len(s) - 15 + 1))
    assert got.rss[1] == pytest.approx(best[0], rel=1e-9)
    assert got.breaks[1] == (best[1],)
    assert got.rss[0] == pytest.approx(rss(s, f), rel=1e-9)
    assert len(got.breaks) == len(got.rss) == len(got.bic)


def test_correlation_interval_and_comparison():
    scipy_stats = pytest.importorskip("scipy.stats")
    s, f = break_pair()
    got = hm.correlation_interval(s, f, level=0.9)
    n = len(s)
    r = np.corrcoef(s, f)[0, 1]
    z, half = math.atanh(r), scipy_stats.norm.ppf(0.95) / math.sqrt(n - 3)
    assert got.estimate == pytest.approx(r, rel=1e-12)
    assert got.lower == pytest.approx(math.tanh(z - half), rel=1e-12)
    assert got.upper == pytest.approx(math.tanh(z + half), rel=1e-12)
    t = r * math.sqrt((n - 2) / (1 - r * r))
    assert got.t_statistic == pytest.approx(t, rel=1e-12)
    assert got.p_value == pytest.approx(2 * scipy_stats.t.sf(abs(t), n - 2), rel=1e-9, abs=1e-300)
    d = hm.compare_correlations(s[:90], f[:90], s[90:], f[90:])
    r1, r2 = np.corrcoef(s[:90], f[:90])[0, 1], np.corrcoef(s[90:], f[90:])[0, 1]
    zz = (math.atanh(r1) - math.atanh(r2)) / math.sqrt(1 / 87 + 1 / 67)
    assert d.z_statistic == pytest.approx(zz, rel=1e-12)
    assert d.p_value == pytest.approx(2 * scipy_stats.norm.sf(abs(zz)), rel=1e-9)


def test_engle_granger_statistic_against_statsmodels(sm, wti_levels):
    tsa = pytest.importorskip("statsmodels.tsa.stattools")
    window = wti_levels.iloc[-1000:]
    spot, futures = window["RWTC_spot_usd_bbl"].to_numpy(), window["RCLC1_usd_bbl"].to_numpy()
    got = hm.engle_granger(spot, futures, lags=1)
    tstat, _, _ = tsa.coint(spot, futures, trend="c", maxlag=1, autolag=None)
    assert got.statistic == pytest.approx(tstat, rel=1e-9)
    fit = sm.OLS(spot, sm.add_constant(futures)).fit()
    assert got.cointegrating_ratio == pytest.approx(fit.params[1], rel=1e-10)
    assert got.critical_values[0] < got.critical_values[1] < got.critical_values[2] < 0
    # p from the surface that gives the critical values: beyond the 1% value, below 1%.
    assert (got.p_value < 0.01) == (got.statistic < got.critical_values[0])


def test_basis_half_life_against_ols(sm, wti_levels):
    window = wti_levels.iloc[-1000:]
    basis = (window["RWTC_spot_usd_bbl"] - window["RCLC1_usd_bbl"]).to_numpy()
    got = hm.basis_half_life(basis)
    fit = sm.OLS(np.diff(basis), sm.add_constant(basis[:-1])).fit()
    phi = fit.params[1]
    assert got.phi == pytest.approx(phi, rel=1e-10)
    assert got.phi_standard_error == pytest.approx(fit.bse[1], rel=1e-10)
    assert got.half_life == pytest.approx(-math.log(2) / math.log1p(phi), rel=1e-10)
    assert got.mean == pytest.approx(-fit.params[0] / phi, rel=1e-10)


def test_monitoring_accepts_pandas_and_refuses_misaligned(wti_levels):
    window = wti_levels.iloc[-300:].diff().dropna()
    s, f = window["RWTC_spot_usd_bbl"], window["RCLC1_usd_bbl"]
    assert hm.correlation_interval(s, f).estimate == pytest.approx(np.corrcoef(s, f)[0, 1], rel=1e-12)
    with pytest.raises(ValueError, match="indexes"):
        hm.correlation_interval(s, f.shift(1, freq="D"))
