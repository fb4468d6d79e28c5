# SPDX-License-Identifier: MIT
"""The Python bindings of inference.hpp (newey_west, inference with null_ratio) and dated.hpp (date_window,
slice, calendar_rows, by_year, resample_changes, hedge_by_horizon) against independent answers on the EIA
data (WTI Cushing spot against NYMEX crude futures 1 and 2, daily prices 1986-2023):

- statsmodels OLS, plain and with cov_type="HAC" (Bartlett kernel, maxlags, use_correction, use_t=True),
  for the standard errors, the t statistics and p-values of H0: ratio = 1 (t_test((R, 1))), intervals, F;
- pandas for the resampling (iloc[::k].diff(), diff(k), groupby(to_period(...)).last().diff()), the
  calendar splits (groupby year, quarter) and the date windows (.loc between dates);
- errors: the C++ message, as ValueError (TypeError for a wrong kind of argument).

Run by CTest through run_pytest.py (PYTHONPATH at the module, HEDGEMETRICS_DATA_DIR at the data; the
tests on EIA data skip, saying why, when it is absent).
"""
import datetime
import math
import os

import numpy as np
import pandas as pd
import pytest

import hedgemetrics as hm

DATA_DIR = os.environ.get("HEDGEMETRICS_DATA_DIR", "")
WTI = os.path.join(DATA_DIR, "market", "derived", "wti_spot_RWTC_vs_CL1_CL2_aligned.csv")
SPOT, CL1, CL2 = "RWTC_spot_usd_bbl", "RCLC1_usd_bbl", "RCLC2_usd_bbl"

# statsmodels computes by a pseudo-inverse and its own sandwich; both sides in double on well-conditioned
# price changes: 1e-10 relative (the C++ cross-check tests/check_inference_statsmodels.py uses the same).
RTOL = 1e-10


@pytest.fixture(scope="module")
def prices():
    if not os.path.exists(WTI):
        pytest.skip(f"reference data not found: {WTI} (set HEDGEMETRICS_DATA_DIR)")
    return pd.read_csv(WTI, parse_dates=["date"], index_col="date")


@pytest.fixture(scope="module")
def changes(prices):
    return prices.diff().iloc[1:]  # CL2 has a blank on 2001-09-14: two NaN changes, kept


@pytest.fixture(scope="module")
def sm():
    return pytest.importorskip("statsmodels.api")


def newey_west_rule(n):
    """Newey & West (1994)'s automatic lag, written out independently of the C++."""
    return int(math.floor(4.0 * (n / 100.0) ** (2.0 / 9.0)))


def t_test_of_one(res, column, value):
    """statsmodels' t test of params[column] = value: (t, p)."""
    r = np.zeros((1, len(res.params)))
    r[0, column] = 1.0
    test = res.t_test((r, np.array([value])))
    return float(np.squeeze(test.tvalue)), float(np.squeeze(test.pvalue))


def assert_test_matches(got, res, column, null_value, level):
    """A CoefficientTest against statsmodels' results for params[column]."""
    t, p = t_test_of_one(res, column, null_value)
    lower, upper = res.conf_int(alpha=1.0 - level)[column]
    assert got.null_value == null_value
    assert got.estimate == pytest.approx(res.params[column], rel=RTOL, abs=1e-13)
    assert got.standard_error == pytest.approx(res.bse[column], rel=RTOL)
    assert got.t_statistic == pytest.approx(t, rel=RTOL)
    assert got.p_value == pytest.approx(p, rel=RTOL)
    assert got.lower == pytest.approx(lower, rel=RTOL)
    assert got.upper == pytest.approx(upper, rel=RTOL)


def assert_same_hac(got, want):
    """Every field bit for bit (a dataclass holding arrays cannot be compared with ==)."""
    assert (got.lag, got.small_sample_correction) == (want.lag, want.small_sample_correction)
    assert got.intercept_standard_error == want.intercept_standard_error
    assert np.array_equal(got.ratio_standard_errors, want.ratio_standard_errors)
    assert np.array_equal(got.ratio_covariance, want.ratio_covariance)


# ------------------------------------------------------------------------------------------- inference


def test_ols_inference_of_ratio_one_matches_statsmodels(changes, sm):
    y, x = changes[SPOT].to_numpy(), changes[CL1].to_numpy()
    fit = hm.fit_hedge(y, x)
    res = sm.OLS(y, sm.add_constant(x)).fit()
    for level in (0.95, 0.9):
        got = hm.inference(fit, level=level, null_ratio=1.0)
        assert got.level == level and got.residual_df == 9281 and got.model_df == 1
        assert len(got.ratios) == 1
        assert_test_matches(got.ratios[0], res, 1, 1.0, level)
        assert_test_matches(got.intercept, res, 0, 0.0, level)
        assert got.f_statistic == pytest.approx(res.fvalue, rel=RTOL)  # of ratio = 0, whatever null_ratio
    # h* = 0.979 with an OLS se of 0.0025: t = -8.4 against 1, the naive 1:1 hedge is rejected.
    assert hm.inference(fit, null_ratio=1.0).ratios[0].t_statistic == pytest.approx(-8.41, abs=0.01)
    assert hm.inference(fit).ratios[0].t_statistic == pytest.approx(res.tvalues[1], rel=RTOL)


@pytest.mark.parametrize("lag", [None, 0, 5, 30])
@pytest.mark.parametrize("use_correction", [False, True])
def test_hac_inference_of_ratio_one_matches_statsmodels_hac(changes, sm, lag, use_correction):
    y, x = changes[SPOT].to_numpy(), changes[CL1].to_numpy()
    fit = hm.fit_hedge(y, x)
    maxlags = newey_west_rule(len(y)) if lag is None else lag
    hac = hm.newey_west(y, x, fit, lag=-1 if lag is None else lag, small_sample_correction=use_correction)
    assert hac.lag == maxlags  # 10 at n = 9,283
    assert hac.small_sample_correction == use_correction
    assert hac.ratio_standard_errors.shape == (1,) and hac.ratio_covariance.shape == (1, 1)
    res = sm.OLS(y, sm.add_constant(x)).fit(
        cov_type="HAC", cov_kwds={"maxlags": maxlags, "use_correction": use_correction}, use_t=True)
    assert hac.intercept_standard_error == pytest.approx(res.bse[0], rel=RTOL)
    assert hac.ratio_standard_errors[0] == pytest.approx(res.bse[1], rel=RTOL)
    assert hac.ratio_covariance[0, 0] == pytest.approx(res.cov_params()[1, 1], rel=RTOL)
    got = hm.inference(fit, hac, null_ratio=1.0, level=0.99)
    assert_test_matches(got.ratios[0], res, 1, 1.0, 0.99)
    assert_test_matches(got.intercept, res, 0, 0.0, 0.99)
    # newey_west fits the data itself when no fit is given.
    assert_same_hac(hm.newey_west(y, x, lag=maxlags, small_sample_correction=use_correction), hac)


def test_multi_instrument_hac_inference_matches_statsmodels(changes, sm):
    """CL1 and CL2 together, missing='omit' (statsmodels' missing='drop'), HAC lag 5, H0: each ratio = 1;
    the hedges as a DataFrame, a 2-D array and a list of columns."""
    y = changes[SPOT]
    both = changes[[CL1, CL2]]
    fit = hm.fit_hedge(y, both, missing="omit")
    assert fit.n == 9281
    res = sm.OLS(y.to_numpy(), sm.add_constant(both.to_numpy()), missing="drop").fit(
        cov_type="HAC", cov_kwds={"maxlags": 5, "use_correction": False}, use_t=True)
    hac = hm.newey_west(y, both, fit, lag=5, missing="omit")
    assert hac.ratio_covariance.shape == (2, 2)
    np.testing.assert_allclose(hac.ratio_standard_errors, res.bse[1:], rtol=RTOL)
    np.testing.assert_allclose(hac.ratio_covariance, res.cov_params()[1:, 1:], rtol=1e-9)
    assert hac.intercept_standard_error == pytest.approx(res.bse[0], rel=RTOL)
    got = hm.inference(fit, hac, null_ratio=1.0)
    assert got.residual_df == 9278 and got.model_df == 2
    for j in (0, 1):
        assert_test_matches(got.ratios[j], res, j + 1, 1.0, 0.95)
    assert got.f_statistic == pytest.approx(sm.OLS(y.to_numpy(), sm.add_constant(both.to_numpy()),
                                                   missing="drop").fit().fvalue, rel=RTOL)
    matrix = both.to_numpy()
    assert_same_hac(hm.newey_west(y.to_numpy(), matrix, fit, lag=5, missing="omit"), hac)
    assert_same_hac(hm.newey_west(y.to_numpy(), [matrix[:, 0], matrix[:, 1]], fit, lag=5, missing="omit"), hac)


def test_strided_and_converted_inputs_give_the_contiguous_answer(changes):
    y, x = changes[SPOT].to_numpy(), changes[CL1].to_numpy()
    fit = hm.fit_hedge(y, x)
    want = hm.newey_west(y, x, fit, lag=7)
    matrix = np.c_[y, x]  # C order: each column is a strided view
    assert not matrix[:, 0].flags.c_contiguous
    got = hm.newey_west(matrix[:, 0], matrix[:, 1], fit, lag=7)
    np.testing.assert_allclose(got.ratio_standard_errors, want.ratio_standard_errors, rtol=1e-14)
    assert got.intercept_standard_error == pytest.approx(want.intercept_standard_error, rel=1e-14)
    half = hm.fit_hedge(y[::2], x[::2])
    assert_same_hac(hm.newey_west(y[::2], x[::2], half, lag=3),
                    hm.newey_west(y[::2].copy(), x[::2].copy(), half, lag=3))
    cents = np.round(y * 100).astype(np.int64)
    assert_same_hac(hm.newey_west(cents, x, lag=3), hm.newey_west(cents.astype(np.float64), x, lag=3))


def test_inference_errors_carry_the_cpp_message(changes):
    y, x = changes[SPOT].to_numpy(), changes[CL1].to_numpy()
    fit = hm.fit_hedge(y, x)
    with pytest.raises(ValueError, match=r"hedgemetrics::inference: the confidence level must be in \(0, 1\), "
                                         r"but it is 1\.5"):
        hm.inference(fit, level=1.5)
    with pytest.raises(ValueError, match="hedgemetrics::inference: the hypothesised ratio null_ratio must be "
                                         "finite, but it is inf"):
        hm.inference(fit, null_ratio=math.inf)
    two = hm.fit_hedge(y, changes[[CL1, CL2]], missing="omit")
    hac_of_two = hm.newey_west(y, changes[[CL1, CL2]], two, missing="omit")
    with pytest.raises(ValueError, match="the HAC covariance has 2 ratios but the fit has 1"):
        hm.inference(fit, hac_of_two)
    with pytest.raises(ValueError, match="hedgemetrics::newey_west: the lag must be less than the 9283 rows "
                                         "of the fit, but it is 9283"):
        hm.newey_west(y, x, fit, lag=9283)
    with pytest.raises(ValueError, match="hedgemetrics::newey_west: the data have 9282 usable rows but the fit "
                                         "was made on 9283"):
        hm.newey_west(y[1:], x[1:], fit)
    with pytest.raises(ValueError, match="the fit's mean of exposure is"):
        hm.newey_west(y[::-1] + 1.0, x[::-1], fit)
    with pytest.raises(ValueError, match="exposure has 9283 values and hedge has 9282"):
        hm.newey_west(y, x[1:], fit)
    with pytest.raises(TypeError, match="fit must be a HedgeFit or a MultiHedgeFit"):
        hm.inference({"ratio": 1.0})
    with pytest.raises(TypeError, match="hac must be a HacCovariance"):
        hm.inference(fit, hac=0.5)


# ------------------------------------------------------------------------------------------------- dates


def test_dates_from_numpy_lists_strings_and_pandas_are_the_same():
    days = ["2019-12-30", "2019-12-31", "2020-01-02", "2020-03-31", "2020-04-01"]
    as_d = np.array(days, dtype="datetime64[D]")
    forms = [as_d, as_d.astype("datetime64[ns]"), pd.DatetimeIndex(days), pd.Series(pd.DatetimeIndex(days)),
             [datetime.date.fromisoformat(d) for d in days], days, as_d.astype("datetime64[s]")[::1]]
    want = hm.calendar_rows(as_d, "year")
    assert [(r.first, r.last) for r in want] == [(0, 2), (2, 5)]
    assert want[1].first_date == np.datetime64("2020-01-02") and want[1].last_date == np.datetime64("2020-04-01")
    for form in forms:
        assert hm.calendar_rows(form, "year") == want
    assert [(r.first, r.last) for r in hm.calendar_rows(days, "quarter")] == [(0, 2), (2, 4), (4, 5)]


def test_bad_dates_are_refused_with_the_row():
    with pytest.raises(ValueError, match=r"hedgemetrics::calendar_rows: row 2 repeats the date 2020-01-02 of "
                                         r"row 1"):
        hm.calendar_rows(["2020-01-01", "2020-01-02", "2020-01-02"], "month")
    with pytest.raises(ValueError, match=r"row 1 is dated 2019-12-31, before row 0 \(2020-01-01\)"):
        hm.calendar_rows(["2020-01-01", "2019-12-31"], "month")
    with pytest.raises(ValueError, match="hedgemetrics::date_window: dates is NaT .* in row 1"):
        hm.date_window(np.array(["2020-01-01", "NaT"], dtype="datetime64[D]"), "2020-01-01", "2020-02-01")
    noon = np.array(["2020-01-01T00:00", "2020-01-02T12:00"], dtype="datetime64[m]")
    with pytest.raises(ValueError, match="hedgemetrics::by_year: dates holds a time of day in row 1"):
        hm.by_year(noon, [1.0, 2.0], np.mean)
    with pytest.raises(TypeError, match="dates has dtype float64: pass numpy datetime64"):
        hm.calendar_rows(np.array([18000.0, 18001.0]), "month")
    with pytest.raises(ValueError, match='period must be "week", "month", "quarter", "year"'):
        hm.calendar_rows(["2020-01-01"], "fortnight")
    with pytest.raises(ValueError, match="hedgemetrics::calendar_rows: pass a calendar period"):
        hm.calendar_rows(["2020-01-01"], "none")


def test_date_window_and_slice_match_pandas_loc(prices):
    dates = prices.index
    for first, last in (("2015-01-01", "2015-12-31"), ("2020-04-17", "2020-04-21"), ("1980-01-01", "1986-01-06")):
        rows = hm.date_window(dates, first, last)
        want = prices.loc[first:last]
        assert rows.last - rows.first == len(want)
        assert rows.first == dates.get_loc(want.index[0])
        assert rows.first_date == np.datetime64(want.index[0].date())
        assert rows.last_date == np.datetime64(want.index[-1].date())
        spot = hm.slice(prices[SPOT], rows)  # a pandas slice keeps the index
        pd.testing.assert_series_equal(spot, want[SPOT])
        values = prices[SPOT].to_numpy()
        part = hm.slice(values, rows)
        assert np.shares_memory(part, values) and np.array_equal(part, want[SPOT].to_numpy())
    # The same window written as M/D/YYYY (C++ parse_date), datetime.date, pandas Timestamp, datetime64.
    want = hm.date_window(dates, "2015-01-01", "2015-12-31")
    assert hm.date_window(dates, "1/1/2015", "12/31/2015") == want
    assert hm.date_window(dates, datetime.date(2015, 1, 1), pd.Timestamp("2015-12-31")) == want
    assert hm.date_window(dates.to_numpy(), np.datetime64("2015-01-01"), np.datetime64("2015-12-31")) == want


def test_dated_errors_carry_the_cpp_message(prices):
    dates = prices.index
    with pytest.raises(ValueError, match=r"hedgemetrics::date_window: no row is dated in \[2030-01-01, "
                                         r"2030-12-31\]; the 9284 rows run from 1986-01-02 \(row 0\) to "
                                         r"2023-01-24 \(row 9283\)"):
        hm.date_window(dates, "2030-01-01", "2030-12-31")
    with pytest.raises(ValueError, match="the window starts on 2016-01-01, after its end 2015-01-01"):
        hm.date_window(dates, "2016-01-01", "2015-01-01")
    with pytest.raises(ValueError, match="hedgemetrics::parse_date: hedgemetrics::date_window: from: '2015-13-01'"):
        hm.date_window(dates, "2015-13-01", "2016-01-01")
    rows = hm.date_window(dates, "2022-01-01", "2023-12-31")
    with pytest.raises(ValueError, match=r"hedgemetrics::slice: rows \[9018, 9284\) do not lie within the "
                                         r"series' 100 values"):
        hm.slice(np.zeros(100), rows)
    with pytest.raises(ValueError, match="hedgemetrics::resample_changes: dates and prices must have the same length, "
                                         "but dates has 9284 values and prices has 9283"):
        hm.resample_changes(dates, prices[SPOT].to_numpy()[1:])
    with pytest.raises(ValueError, match="hedgemetrics::resample_changes: the horizon has rows = 0"):
        hm.resample_changes(dates, prices[SPOT], horizon=0)
    with pytest.raises(ValueError, match="the monthly horizon is marked overlapping"):
        hm.resample_changes(dates, prices[SPOT], horizon=hm.ChangeHorizon(period="month", overlapping=True))
    with pytest.raises(ValueError, match=r"hedgemetrics::resample_changes: prices is nan in row 5 \(1986-01-09\)"):
        spot = prices[SPOT].to_numpy().copy()
        spot[5] = np.nan
        hm.resample_changes(dates, spot, missing="raise")
    with pytest.raises(ValueError, match=r"hedgemetrics::hedge_by_horizon: the lag is 3 but the 5 days, "
                                         r"overlapping changes need at least 4 \(k − 1\)"):
        hm.hedge_by_horizon(dates, prices[SPOT], prices[CL1], horizons=[hm.ChangeHorizon.days(5, True)], lag=3)
    with pytest.raises(ValueError, match="hedgemetrics::hedge_by_horizon: the confidence level must be in"):
        hm.hedge_by_horizon(dates, prices[SPOT], prices[CL1], level=0.0)
    with pytest.raises(TypeError, match="a horizon is a ChangeHorizon, a number of rows"):
        hm.resample_changes(dates, prices[SPOT], horizon=2.5)
    with pytest.raises(TypeError, match=r"the horizon is a keyword: resample_changes\(dates, prices, horizon=5\)"):
        hm.resample_changes(dates, prices[SPOT], 5)
    with pytest.raises(ZeroDivisionError):  # the estimator's own error comes through
        hm.by_year(dates, prices[SPOT], lambda v: 1 / 0)


# ------------------------------------------------------------------------------------------- resampling


def assert_dates(got, index):
    np.testing.assert_array_equal(got, index.to_numpy().astype("datetime64[D]"))


def test_k_day_changes_match_pandas(prices):
    p = prices[SPOT]
    for k in (1, 5, 21):
        got = hm.resample_changes(prices.index, p, horizon=k)
        sampled = p.iloc[::k]
        want = sampled.diff().iloc[1:]
        assert got.horizon == hm.ChangeHorizon.days(k) and got.omitted == 0
        assert np.array_equal(got.changes, want.to_numpy())  # the same subtraction: bit for bit
        assert_dates(got.dates, want.index)
        assert_dates(got.start_dates, sampled.index[:-1])
        over = hm.resample_changes(prices.index, p, horizon=hm.ChangeHorizon.days(k, overlapping=True))
        want = p.diff(k).iloc[k:]
        assert np.array_equal(over.changes, want.to_numpy())
        assert_dates(over.dates, want.index)
        assert_dates(over.start_dates, p.index[:-k])


@pytest.mark.parametrize("period,pandas_period", [("week", "W"), ("month", "M"), ("quarter", "Q"), ("year", "Y")])
def test_calendar_changes_match_pandas_groupby_last(prices, period, pandas_period):
    """Changes between the last prices of consecutive periods (pandas' W is W-SUN: Monday to Sunday)."""
    p = prices[SPOT]
    groups = p.groupby(p.index.to_period(pandas_period))
    last = groups.last()
    last_dates = pd.DatetimeIndex(groups.apply(lambda g: g.index[-1]).to_numpy())
    got = hm.resample_changes(prices.index, p.to_numpy(), horizon=period)
    assert got.horizon == hm.ChangeHorizon.calendar(period)
    assert np.array_equal(got.changes, last.diff().iloc[1:].to_numpy())
    assert_dates(got.dates, last_dates[1:])
    assert_dates(got.start_dates, last_dates[:-1])
    rows = hm.calendar_rows(prices.index, period)
    assert [r.last - r.first for r in rows] == groups.size().tolist()


def test_pair_changes_omit_rows_without_a_price_as_pandas_dropna(prices):
    """CL2 is blank on 2001-09-14: under omit the row is skipped in both series, the changes span it."""
    both = prices[[SPOT, CL2]]
    got = hm.resample_changes(prices.index, both[SPOT], both[CL2], horizon=5, missing="omit")
    assert got.omitted == 1
    kept = both.dropna().iloc[::5]
    want = kept.diff().iloc[1:]
    assert np.array_equal(got.exposure, want[SPOT].to_numpy())
    assert np.array_equal(got.hedge, want[CL2].to_numpy())
    assert_dates(got.dates, want.index)
    propagated = hm.resample_changes(prices.index, both[SPOT], both[CL2], horizon=1)
    assert propagated.omitted == 0 and np.isnan(propagated.hedge).sum() == 2


def test_by_year_matches_pandas_groupby(changes, sm):
    d = changes.dropna()
    years = hm.by_year(d.index, d[SPOT], d[CL1], hm.fit_hedge)
    groups = d.groupby(d.index.year)
    assert [y.year for y in years] == list(groups.groups.keys())
    assert [y.rows.last - y.rows.first for y in years] == groups.size().tolist()
    for y in years:
        part = groups.get_group(y.year)
        res = sm.OLS(part[SPOT].to_numpy(), sm.add_constant(part[CL1].to_numpy())).fit()
        assert y.value.n == len(part)
        assert y.value.ratio == pytest.approx(res.params[1], rel=RTOL)
        assert y.value.effectiveness == pytest.approx(res.rsquared, rel=RTOL)
        assert y.rows.first_date == np.datetime64(part.index[0].date())
        assert y.rows.last_date == np.datetime64(part.index[-1].date())
    values = d[SPOT].to_numpy()
    assert not any(y.value for y in hm.by_year(d.index, values, lambda x: x.flags.writeable))  # read-only views
    assert all(y.value for y in hm.by_year(d.index, values, lambda x: np.shares_memory(x, values)))
    vol = hm.by_year(d.index, d[SPOT], lambda x: float(np.std(x, ddof=1)))
    np.testing.assert_allclose([y.value for y in vol], groups[SPOT].std().to_numpy(), rtol=1e-12)


def test_hedge_by_horizon_matches_statsmodels_hac_on_pandas_changes(prices, sm):
    """The default horizons (1 day, 5 and 21 days overlapping, weekly, monthly), H0: h* = 1, against
    statsmodels' HAC OLS of changes resampled by pandas, with the lag the C++ documents."""
    p = prices[[SPOT, CL1]]
    weekly = p.groupby(p.index.to_period("W")).last().diff().iloc[1:]
    monthly = p.groupby(p.index.to_period("M")).last().diff().iloc[1:]
    expected = [("1 day", p.diff().iloc[1:], 1), ("5 days, overlapping", p.diff(5).iloc[5:], 5),
                ("21 days, overlapping", p.diff(21).iloc[21:], 21), ("weekly", weekly, 1),
                ("monthly", monthly, 1)]
    table = hm.hedge_by_horizon(prices.index, p[SPOT], p[CL1], null_ratio=1.0, level=0.9)
    assert table.omitted == 0 and len(table.rows) == 5
    assert [r.horizon for r in table.rows] == hm.default_horizons()
    for row, (label, want, k) in zip(table.rows, expected):
        assert row.label == label and row.n == len(want)
        lag = max(k - 1, newey_west_rule(len(want)))
        assert row.hac.lag == lag
        res = sm.OLS(want[SPOT].to_numpy(), sm.add_constant(want[CL1].to_numpy())).fit(
            cov_type="HAC", cov_kwds={"maxlags": lag, "use_correction": False}, use_t=True)
        assert row.fit.ratio == pytest.approx(res.params[1], rel=RTOL)
        assert row.fit.effectiveness == pytest.approx(res.rsquared, rel=RTOL)
        assert_test_matches(row.ratio, res, 1, 1.0, 0.9)
    # R² rises with the horizon: 0.944 daily, 0.996 monthly (WTI spot and its front future converge).
    assert table.rows[0].fit.effectiveness == pytest.approx(0.9437, abs=1e-4)
    assert table.rows[4].fit.effectiveness == pytest.approx(0.9962, abs=1e-4)


def test_hedge_by_horizon_options_and_an_empty_horizon(prices):
    p = prices.iloc[:30]
    table = hm.hedge_by_horizon(p.index, p[SPOT], p[CL1], horizons=[2, "month", "year"],
                                small_sample_correction=True)
    two, month, year = table.rows
    assert two.horizon == hm.ChangeHorizon.days(2) and two.n == 14 and two.hac.small_sample_correction
    assert month.n == 1 and math.isnan(month.fit.ratio)  # January to February 1986: one change
    assert year.n == 0 and np.isnat(year.first_date) and np.isnat(year.last_date)


def test_change_horizon():
    h = hm.ChangeHorizon.days(21, overlapping=True)
    assert (h.rows, h.period, h.overlapping, h.label) == (21, "none", True, "21 days, overlapping")
    assert h == hm.ChangeHorizon(rows=21, overlapping=True) and h != hm.ChangeHorizon.days(21)
    assert hm.ChangeHorizon.calendar("quarter").label == "quarterly"
    assert repr(hm.ChangeHorizon()) == "ChangeHorizon(rows=1, period='none', overlapping=False)"
    assert len({hm.ChangeHorizon.days(5), hm.ChangeHorizon.days(5), hm.ChangeHorizon.days(6)}) == 2


def test_star_import_leaves_the_builtin_slice_alone():
    namespace = {}
    exec("from hedgemetrics import *", namespace)
    assert "slice" not in namespace
    assert namespace["fit_hedge"] is hm.fit_hedge
    assert "date_window" in namespace and "HedgeAccumulator" in namespace
    assert hm.slice is not None  # still there as an attribute
    assert "slice" not in hm.__all__ and all(not name.startswith("_") for name in hm.__all__)
