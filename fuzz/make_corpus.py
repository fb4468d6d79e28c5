#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seed corpus of the fuzz targets into fuzz/corpus/<target>/ (standard library only).

    python3 fuzz/make_corpus.py

The files are committed; rerun this after changing the seeds. libFuzzer adds what it finds to a copy of
the corpus (CI works on a temporary copy), never to these files.
"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    directory = os.path.join(HERE, "corpus", target)
    os.makedirs(directory, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


# ---- fuzz_price_csv: price files as exporters write them, quirks included ----------------------------
CSV = {
    # An EIA export: byte-order mark, a quoted header with a comma, M/D/YYYY, newest first, CRLF, "." and
    # blank cells, no final newline.
    "eia_quirks.csv": '\ufeffDay,"Spot, $/bbl",Futures 1 $/bbl\r\n01/10/2023,78.5,79.1\r\n01/9/2023,.,78.2\r\n'
                      '01/6/2023,75.3,75.9\r\n01/5/2023,"74.1",74.0\r\n01/4/2023,73.8,\r\n01/3/2023,72.9,73.6\r\n'
                      '12/30/2022,80.2,80.9\r\n12/29/2022,78.9,79.4\r\n2/28/2022,95.7,96.1',
    "iso_oldest_first.csv": "date,spot,futures\n2024-01-31,2.000,2.100\n2024-02-29,2.029,2.121\n"
                            "2024-03-31,2.049,2.156\n2024-04-30,2.005,2.110\n2024-05-31,2.013,2.111\n",
    "wti_negative.csv": "date,RWTC,CL1,CL2\n2020-04-17,18.31,18.27,25.03\n2020-04-20,-36.98,-37.63,20.43\n"
                        "2020-04-21,8.91,10.01,11.57\n2020-04-22,13.64,13.78,13.78\n",
    "cr_only_blank_lines.csv": "date,a,b\r\r2024-01-01,1,2\r\r2024-01-02,3,4\r2024-01-03, 5 ,+6\r",
    "repeated_date_blank.csv": "date,spot,futures\n2024-01-02,1,2\n2024-01-03,2,\n2024-01-03,2,3\n2024-01-04,3,4\n",
    "repeated_date.csv": "date,spot,futures\n2024-01-02,1,2\n2024-01-03,2,3\n2024-01-03,2,3\n",
    "duplicate_header.csv": "date,spot,futures,spot\n2024-01-02,1,2,9\n2024-01-03,2,3,8\n",
    "underflow_overflow.csv": "date,spot,futures\n2024-01-02,1e-400,2\n2024-01-03,1e999,3\n2024-01-04,nan,inf\n",
    "huge_prices.csv": "date,spot,futures\n2024-01-01,1e200,1.1e200\n2024-01-02,1.5e200,1.4e200\n"
                       "2024-01-03,1.2e200,1.3e200\n2024-01-04,1.9e200,1.7e200\n2024-01-05,1.1e200,1.2e200\n",
    "overflowing_changes.csv": "date,spot,futures\n2024-01-01,-1.7e308,1\n2024-01-02,1.7e308,2\n"
                               "2024-01-03,1,3\n2024-01-04,2,5\n",
    "quoted_multiline.csv": 'date,"a\nb","c ""q"""\n2024-01-01,1,2\n"2024-01-02",3,"4"\n',
    "unclosed_quote.csv": 'date,a,b\n2024-01-01,"1,2\n',
    "bad_dates.csv": "date,a,b\n2024-02-30,1,2\n2/29/2023,1,2\n13/1/2024,1,2\n2024-1-5,1,2\n",
    "too_wide.csv": "date,a\n2024-01-01,1,2\n",
    # read_column (hedge_report's two files): out of date order, and dates written two ways in one file.
    "unsorted_dates.csv": "date,a,b\n2024-01-02,1,2\n2024-01-04,2,3\n2024-01-03,3,4\n2024-01-05,4,5\n",
    "mixed_date_formats.csv": "Date,a\r\n1/5/2024,1\r\n1/4/2024,.\r\n2024-01-03,2\r\n1/2/2024,3",
    "header_only.csv": "date,a,b\n",
    "empty.csv": "",
}
for name, text in CSV.items():
    write("fuzz_price_csv", name, text)


# ---- fuzz_accumulator: serialized states (format version 2; a few in version 1) -------------------------
def state(xs, ys, policy=0, nonfinite=False, version=2, scale_x=0, scale_y=0):
    """The state of pairs (xs·2^scale_x, ys·2^scale_y): the sums are of the scaled values xs, ys."""
    n = len(xs)
    mx = sum(xs) / n if n else 0.0
    my = sum(ys) / n if n else 0.0
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    ratio = sxy / syy if syy > 0 else 0.0
    ssr = sum(((x - mx) - ratio * (y - my)) ** 2 for x, y in zip(xs, ys))
    body = b"HMAC" + struct.pack("<HHQ", version, (1 if nonfinite else 0) | (policy << 1), n)
    values = (0.0,) * 10 if nonfinite else (mx, 0.0, my, 0.0, sxx, syy, sxy, ratio, 0.0, ssr)
    body += struct.pack("<10d", *values)
    if version >= 2:
        body += struct.pack("<hh", scale_x, scale_y)
    return body + struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF)


HULL_DS = [0.029, 0.020, -0.044, 0.008, 0.026, -0.019, -0.010, -0.007, 0.043, 0.011, -0.036, -0.018, 0.009,
           -0.032, 0.023]
HULL_DF = [0.021, 0.035, -0.046, 0.001, 0.044, -0.029, -0.026, -0.029, 0.048, -0.006, -0.036, -0.011, 0.019,
           -0.027, 0.029]
STATES = {
    "hull": state(HULL_DS, HULL_DF),
    "hull_omit": state(HULL_DS, HULL_DF, policy=1),
    "empty": state([], []),
    "one_pair": state([1.5], [2.5]),
    "constant_hedge": state([1.0, 2.0, 4.0], [3.0, 3.0, 3.0]),
    "nan_state": state([1.0, 2.0], [1.0, 2.0], nonfinite=True),
    "large_1e150": state([x * 1e150 for x in (1.0, 2.0, 4.0, 3.0)], [x * 1e150 for x in (1.0, 3.0, 4.0, 2.0)]),
    # Exposures near 1e200 (2^665), hedges near 1e-160 (2^-531): summarised at those scales.
    "scaled_1e200_1e-160": state([1.0, 2.0, 4.0, 3.0], [1.0, 3.0, 4.0, 2.0], scale_x=665, scale_y=-531),
}
for name, blob in STATES.items():
    write("fuzz_accumulator", name + ".raw", b"\x00" + blob)           # as it is, checksum included
    write("fuzz_accumulator", name + ".fixed", b"\x01" + blob[:100])   # checksum recomputed by the target
for name in ("hull", "one_pair", "nan_state"):  # format version 1 (100 bytes, no scales), still read
    write("fuzz_accumulator", name + "_v1.raw", b"\x00" + dict(hull=state(HULL_DS, HULL_DF, version=1),
                                                            one_pair=state([1.5], [2.5], version=1),
                                                            nan_state=state([1.0, 2.0], [1.0, 2.0], nonfinite=True,
                                                                            version=1))[name])
write("fuzz_accumulator", "short.raw", b"\x00HMAC\x02\x00")


# ---- fuzz_estimators: byte 0 function, 1 encoding, 2 exponent, 3 parameter, then the values ------------
FUNCTIONS = ["fit_hedge", "fit_hedge_omit", "fit_multi", "describe", "basis_risk", "rolling_hedge", "ewma_hedge",
             "downside", "dollar_offset", "regression_test", "log_returns"]


def raw(function, values, parameter=0):
    return bytes([function, 0, 128, parameter]) + struct.pack("<%dd" % len(values), *values)


def milli(function, values, decimal_exponent=0, parameter=0):
    """Encoding 3: int16/1000 × 10^k, k = (byte − 128)·5/2."""
    byte = 128 + (decimal_exponent * 2) // 5
    return bytes([function, 3, byte, parameter]) + struct.pack("<%dh" % len(values), *values)


hull_s = [round(x * 1000) for x in HULL_DS]
hull_f = [round(x * 1000) for x in HULL_DF]
for k, name in enumerate(FUNCTIONS):
    write("fuzz_estimators", name + "_hull", milli(k, hull_s + hull_f, parameter=3))
    write("fuzz_estimators", name + "_hull_1e200", milli(k, hull_s + hull_f, decimal_exponent=200, parameter=1))
    write("fuzz_estimators", name + "_hull_1e-200", milli(k, hull_s + hull_f, decimal_exponent=-200, parameter=2))
# Issue 10's examples.
write("fuzz_estimators", "describe_1e200", raw(3, [1e200, 2e200, 4e200, 3e200]))
write("fuzz_estimators", "describe_1e308", raw(3, [1e308, 1e308]))
write("fuzz_estimators", "fit_hedge_1e154", raw(0, [1e154, 2e154, 4e154, 3e154, 1e154, 3e154, 4e154, 2e154]))
write("fuzz_estimators", "fit_hedge_1e-160", raw(0, [1e-160, 2e-160, 4e-160, 3e-160, 1e-160, 3e-160, 4e-160, 2e-160]))
write("fuzz_estimators", "fit_hedge_nan", raw(0, [1.0, float("nan"), 3.0, 2.0, 1.0, 2.0, 3.0, 5.0]))
write("fuzz_estimators", "fit_hedge_inf_subnormal", raw(0, [float("inf"), 5e-324, -0.0, 1e-310, 1.0, 2.0, 3.0, 4.0]))
write("fuzz_estimators", "multi_1e154", raw(2, [1e154, 2e154, 4e154, 3e154, 5e154, 1e154, 3e154, 4e154, 2e154, 2e154,
                                                 2e154, 1e154, 5e154, 1e154, 3e154]))
write("fuzz_estimators", "semivariance_1e9", raw(7, [1e9 - 2, 1e9 - 1, 1e9, 1e9, 1e9 + 5]))
write("fuzz_estimators", "es_level_near_1", raw(7, [1.0, -2.0, 3.0, -4.0], parameter=5))
write("fuzz_estimators", "log_returns_1e300", raw(10, [1e-300, 1e300]))
write("fuzz_estimators", "regression_n2", raw(9, [1.0, 2.0, -1.0, -2.0]))
write("fuzz_estimators", "dollar_offset_extremes", raw(8, [1e-300, 0.0, 1e308, 1e308, 1e300, 1.0, 1e308, -1e308]))
write("fuzz_estimators", "dollar_offset_cancel_overflow_cancel",
      raw(8, [1e300, 1.0, 1e-20, -1e300, -1.0, 1e308, 1e308, -1e308, -1e308, 0.5,
              -1e300, -1.0, -2e-20, 1e300, 1.0, -1e308, -1e308, 1e308, 1e308, -0.5]))
write("fuzz_estimators", "dollar_offset_compensation_roundings",
      raw(8, [1e16, 1.0] + [5.5e-17] * 5 + [-1e16, -1.0, 41 * 2.0 ** -53] + [0.0] * 9 + [-41 * 2.0 ** -53]))
write("fuzz_estimators", "far_from_origin", bytes([0, 2, 128, 0]) + struct.pack("<8h", 1, 2, 4, 3, 2, 5, 7, 6))
write("fuzz_estimators", "near_overflow_int8", bytes([0, 1, 128 + 113, 0]) + bytes([1, 2, 4, 3, 1, 3, 4, 2]))
write("fuzz_estimators", "near_underflow_int8", bytes([0, 1, 128 - 117, 0]) + bytes([1, 2, 4, 3, 1, 3, 4, 2]))
print("corpus written to", os.path.join(HERE, "corpus"))
