"""Tests of kpi_xl.excel.udfs: each formula called as Excel would call it (2-D lists with header
rows, blanks as None, text numbers, serial dates, one-row and one-cell ranges), compared with the
engine computed directly on equivalent DataFrames, and every error case with its exact Excel
error and its KPI_WHY reason (tests/test_udfs_errors.py: runtimes, hostile input, words)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_xl.calendar import BusinessCalendar, parse_period
from kpi_xl.dataset import make_dataset
from kpi_xl.excel.udfs import (
    KPI_ACHIEVEMENT,
    KPI_BUSINESS_DAYS,
    KPI_CHURN_RATE,
    KPI_CONVERSION,
    KPI_CYCLE_DAYS,
    KPI_FORECAST,
    KPI_GRR,
    KPI_NRR,
    KPI_PACE,
    KPI_REQUIRED,
    KPI_VELOCITY,
    KPI_WIN_RATE,
    explain,
)
from kpi_xl.excel.udfs.why import reason_of_call
from kpi_xl.metrics import (
    achievement,
    conversion_rate,
    cycle_days,
    logo_churn,
    pace,
    revenue_retention,
    velocity,
    win_rate,
)
from kpi_xl.metrics.tree import back_solve

D = dt.datetime
EPOCH = D(1899, 12, 30)


@pytest.fixture(autouse=True)
def _english_machine(monkeypatch):
    monkeypatch.setenv("KPI_XL_LANG", "en")  # words of formulas without Japanese input


def serial(d: D | None) -> float | None:
    """The Excel serial number xlwings Lite passes for a date cell."""
    return None if d is None else float((d - EPOCH).days)


def col(*values: object) -> list[list]:
    """A one-column range as classic xlwings passes it with ndim=2."""
    return [[v] for v in values]


def same(a: object, b: float) -> bool:
    if isinstance(b, float) and math.isnan(b):
        return a == "#N/A"
    return isinstance(a, float | int) and a == pytest.approx(b)


def error(name: str, *args: object) -> tuple[str, str]:
    """(Excel error, reason key) a formula gives for these arguments."""
    r = reason_of_call(name, *args)
    assert not isinstance(r, float | int | list), r
    return r.code, r.key


# --------------------------------------------------------------------------- achievement, pace


@pytest.mark.parametrize(("actual", "target", "expected"), [
    (80, 100, 0.8),
    ("¥1,200", 1000, 1.2),
    ("1,200", "1000", 1.2),
    ("１，２００", "千", None),  # full-width digits; 千 alone is no number
    ([[80]], [[100]], 0.8),  # one-cell ranges
    ([80], [100], 0.8),
    (None, 100, 0.0),  # blank actual counts as 0, as in Excel arithmetic
    ("120万円", "1.2百万円", 1.0),
])
def test_achievement_matches_the_engine(actual, target, expected):
    got = KPI_ACHIEVEMENT(actual, target)
    if expected is None:
        assert got == "#VALUE!"
        return
    assert got == pytest.approx(expected)
    assert got == pytest.approx(achievement(expected * 100, 100).value)


@pytest.mark.parametrize(("actual", "target", "code", "key"), [
    (5, 0, "#DIV/0!", "target_zero"),
    (5, None, "#N/A", "no_target"),
    (5, "", "#N/A", "no_target"),
    (5, "　", "#N/A", "no_target"),  # a full-width space is blank too
    ("abc", 100, "#VALUE!", "not_number"),
    (1, [[1], [2]], "#VALUE!", "one_cell"),
    (True, 100, "#VALUE!", "flag_not_number"),
    ("1e400", 100, "#NUM!", "not_finite"),
    (float("inf"), 100, "#NUM!", "not_finite"),
    (10 ** 400, 100, "#NUM!", "not_finite"),
    ("#N/A", 100, "#N/A", "input_error"),  # an error cell passes through (err_to_str)
    (5, "#DIV/0!", "#DIV/0!", "input_error"),
    ("12,00,000", 100, "#VALUE!", "not_number"),
])
def test_achievement_errors(actual, target, code, key):
    assert KPI_ACHIEVEMENT(actual, target) == code
    assert error("KPI_ACHIEVEMENT", actual, target) == (code, key)


def test_pace_and_forecast_match_the_engine_default_month_and_jp_holidays():
    cal = BusinessCalendar("JP")
    p = pace(500.0, 1000.0, dt.date(2026, 4, 1), dt.date(2026, 4, 30), dt.date(2026, 4, 15), cal)
    assert KPI_PACE(500, 1000, D(2026, 4, 15)) == pytest.approx(p.pace)
    assert KPI_PACE("500", "¥1,000", serial(D(2026, 4, 15))) == pytest.approx(p.pace)
    assert KPI_PACE(500, 1000, "R8.4.15") == pytest.approx(p.pace)  # 和暦
    assert KPI_FORECAST(500, D(2026, 4, 15)) == pytest.approx(p.forecast)
    assert p.business_days_total == 21  # April 2026: 22 weekdays, Showa Day on the 29th


def test_pace_with_explicit_period_label_and_holiday_range():
    hol = col(D(2026, 5, 7), None, serial(D(2026, 5, 8)))
    cal = BusinessCalendar("JP", [dt.date(2026, 5, 7), dt.date(2026, 5, 8)])
    p = pace(300.0, 900.0, dt.date(2026, 4, 1), dt.date(2026, 6, 30), dt.date(2026, 5, 15), cal)
    assert KPI_PACE(300, 900, D(2026, 5, 15), "FY2026Q1", None, hol) == pytest.approx(p.pace)
    assert KPI_PACE(300, 900, D(2026, 5, 15), "2026年度第1四半期", None, hol) \
        == pytest.approx(p.pace)
    assert KPI_PACE(300, 900, D(2026, 5, 15), D(2026, 4, 1), "2026-06-30", hol) \
        == pytest.approx(p.pace)
    assert KPI_PACE(300, 900, D(2026, 5, 15), "2026-04..2026-06", None, hol) \
        == pytest.approx(p.pace)
    assert KPI_FORECAST(300, D(2026, 5, 15), "FY2026Q1", None, hol) == pytest.approx(p.forecast)


@pytest.mark.parametrize(("args", "code", "key"), [
    ((100, 1000, D(2026, 3, 31), "2026-04"), "#N/A", "not_started"),
    ((100, 0, D(2026, 4, 15)), "#DIV/0!", "target_zero"),
    ((100, None, D(2026, 4, 15)), "#N/A", "no_target"),
    ((100, 1000, D(2026, 4, 15), D(2026, 4, 30), D(2026, 4, 1)), "#VALUE!", "period_order"),
    ((100, 1000, D(2026, 4, 15), D(2026, 4, 1)), "#VALUE!", "blank"),
    ((100, 1000, "someday"), "#VALUE!", "not_date"),
    ((100, 1000, "2026/2/29"), "#VALUE!", "not_date"),
    ((100, 1000, D(2026, 4, 15), "Q5"), "#VALUE!", "period_unknown"),
    ((100, 1000, D(2026, 4, 15), None, None, col("not a day")), "#VALUE!", "cell"),
    ((100, 1000, D(9999, 12, 31)), "#NUM!", "date_range"),
    ((100, 1000, 2958465), "#NUM!", "date_range"),  # serial of 9999-12-31
    ((100, 1000, "9999-12-31"), "#NUM!", "date_range"),
    ((100, 1000, D(2026, 4, 15), "9999-12"), "#NUM!", "date_range"),
    ((100, 1000, None), "#VALUE!", "blank"),
])
def test_pace_errors(args, code, key):
    assert KPI_PACE(*args) == code
    assert error("KPI_PACE", *args) == (code, key)


@pytest.mark.parametrize(("args", "key"), [
    ((0, D(2026, 4, 30), "2026-05"), "not_started"),
    ((0, D(2026, 5, 2), "2026-05-02", "2026-05-06"), "no_business_days"),  # Sat … Golden Week
])
def test_forecast_without_business_days_is_not_available(args, key):
    assert KPI_FORECAST(*args) == "#N/A"
    assert error("KPI_FORECAST", *args) == ("#N/A", key)


def test_forecast_before_the_first_business_day_of_a_started_period():
    # May 2026 starts on a Friday holiday-free: as of May 1 one day elapsed; as of Apr 30 none
    assert KPI_FORECAST(10, D(2026, 5, 1), "2026-05") == pytest.approx(10 * 18)
    assert error("KPI_FORECAST", 0, D(2026, 5, 3), "2026-05-02", "2026-05-31") == (
        "#N/A", "no_day_elapsed")


@pytest.mark.parametrize(("args", "expected"), [
    ((D(2026, 5, 1), D(2026, 5, 31)), 18),  # 21 weekdays − May 4, 5, 6 (Golden Week)
    ((serial(D(2026, 5, 1)), serial(D(2026, 5, 31))), 18),
    (("2026-05-01", "2026/5/31"), 18),
    (("令和8年5月1日", "R8.5.31"), 18),
    ((D(2026, 5, 1), D(2026, 5, 31), col(D(2026, 5, 1), None)), 17),
    ((D(2026, 5, 1), D(2026, 5, 31), None, "none"), 21),
    ((D(2026, 5, 1), D(2026, 5, 31), None, "なし"), 21),
    ((D(2026, 5, 1), D(2026, 5, 31), None, "日本"), 18),
    ((D(2026, 5, 1), D(2026, 5, 31), None, None), 18),
    ((D(2026, 5, 31), D(2026, 5, 1)), 0),
    ((D(2026, 5, 2), D(2026, 5, 2)), 0),  # a Saturday
])
def test_business_days_match_the_engine(args, expected):
    got = KPI_BUSINESS_DAYS(*args)
    assert got == expected


@pytest.mark.parametrize(("args", "code", "key"), [
    ((D(2026, 5, 1), D(2026, 5, 2), None, "XX"), "#VALUE!", "unknown_calendar"),
    ((D(2026, 5, 1), D(2026, 5, 2), None, 12), "#VALUE!", "unknown_calendar"),
    ((D(2026, 5, 1), D(9999, 12, 31)), "#NUM!", "date_range"),
    ((D(2026, 5, 1), None), "#VALUE!", "blank"),
])
def test_business_days_errors(args, code, key):
    assert KPI_BUSINESS_DAYS(*args) == code
    assert error("KPI_BUSINESS_DAYS", *args) == (code, key)


# --------------------------------------------------------------------------- win rate


STATUSES = ["won", "lost", "open", None, "受注", "失注", "  Won ", "", "proposal", "??"]


@pytest.mark.parametrize("shape", ["column", "row", "flat", "2d"])
@pytest.mark.parametrize("definition", ["closed", "all"])
def test_win_rate_matches_the_engine_for_every_range_shape(shape, definition):
    rng = {"column": col(*STATUSES), "row": [STATUSES], "flat": STATUSES,
           "2d": [STATUSES[:5], STATUSES[5:]]}[shape]
    expected = win_rate(pd.Series(STATUSES, dtype=object), definition).value
    assert KPI_WIN_RATE(rng, definition) == pytest.approx(expected)
    assert KPI_WIN_RATE(rng, definition.upper()) == pytest.approx(expected)


@pytest.mark.parametrize(("rng", "definition", "expected"), [
    ("won", "closed", 1.0),  # one-cell range arrives as a scalar
    ("lost", "closed", 0.0),
    (col("lost", "lost"), "closed", 0.0),
    (col("受注済み", "見送り", "商談中"), "受注/失注", 0.5),
    (col("受注済み", "見送り", "商談中"), "全件", 1 / 3),
    (col("won"), None, 1.0),  # a blank definition cell → default
    (col("won", 1001.0, D(2026, 4, 1)), "closed", 1.0),  # numbers/dates: unrecognised
])
def test_win_rate_values(rng, definition, expected):
    assert KPI_WIN_RATE(rng, definition) == pytest.approx(expected)


@pytest.mark.parametrize(("rng", "definition", "code", "key"), [
    (col("open", None), "closed", "#N/A", "no_closed_deals"),
    ([[None]], "closed", "#N/A", "no_closed_deals"),
    ([], "all", "#N/A", "no_deals"),
    (col("won"), "x", "#VALUE!", "unknown_option"),
    (col("won", "#N/A"), "closed", "#N/A", "input_error_cell"),
    (col("won", {"a": 1}), "closed", "#VALUE!", "not_a_value"),
])
def test_win_rate_errors(rng, definition, code, key):
    assert KPI_WIN_RATE(rng, definition) == code
    assert error("KPI_WIN_RATE", rng, definition) == (code, key)


@given(st.lists(st.sampled_from(STATUSES), max_size=40), st.sampled_from(["closed", "all"]))
@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
def test_win_rate_is_a_rate_or_not_available(values, definition):
    got = KPI_WIN_RATE(col(*values), definition)
    assert (isinstance(got, float) and 0.0 <= got <= 1.0) or got == "#N/A"


# --------------------------------------------------------------------------- conversion

CONV_ROWS = [  # id, hearing, proposal, status, close
    ["o1", D(2026, 4, 1), D(2026, 4, 5), "受注", D(2026, 4, 30)],
    ["o2", D(2026, 4, 2), None, "失注", D(2026, 4, 9)],
    ["o3", D(2026, 3, 20), D(2026, 4, 8), "進行中", None],
    ["o4", None, None, "進行中", None],
    ["o5", D(2026, 4, 20), D(2026, 5, 3), "won", D(2026, 5, 20)],
]
CONV_JA = [["商談ID", "情報収集日", "提案日", "状態", "完了日"], *CONV_ROWS]
CONV_EN = [["Opportunity ID", "Hearing", "Proposal date", "Status", "Close date"], *CONV_ROWS]


def _col_series(i: int) -> pd.Series:
    return pd.Series([r[i] for r in CONV_ROWS], dtype="datetime64[ns]")


@pytest.mark.parametrize("table", [CONV_JA, CONV_EN])
@pytest.mark.parametrize(("start", "end", "basis"), [
    (None, None, "cohort"), ("2026-04", None, "cohort"), ("2026-04", None, "period"),
    (D(2026, 4, 1), D(2026, 4, 10), "period"), (D(2026, 4, 1), D(2026, 4, 10), None),
    ("2026-04", None, "期間"), ("2026-04", None, "コホート"),
])
def test_conversion_date_table_matches_the_engine(table, start, end, basis):
    s, e = (parse_period(start).start, parse_period(start).end) if isinstance(start, str) \
        else (start, end)
    b = {"期間": "period", "コホート": "cohort"}.get(basis, basis or "cohort")
    expected = conversion_rate(_col_series(1), _col_series(2), start=s, end=e, basis=b)
    assert same(KPI_CONVERSION(table, "hearing", "proposal", start, end, basis), expected.value)
    serial_table = [table[0]] + [[r[0], serial(r[1]), serial(r[2]), r[3], serial(r[4])]
                                 for r in table[1:]]
    assert same(KPI_CONVERSION(serial_table, "情報収集", "提案", start, end, basis),
                expected.value)


def test_conversion_to_won_uses_close_date_of_won_deals_when_there_is_no_won_column():
    won_close = pd.Series([r[4] if r[3] in ("受注", "won") else None for r in CONV_ROWS],
                          dtype="datetime64[ns]")
    expected = conversion_rate(_col_series(1), won_close, start=dt.date(2026, 4, 1),
                               end=dt.date(2026, 4, 30))
    assert KPI_CONVERSION(CONV_JA, "hearing", "won", "2026-04") == pytest.approx(expected.value)
    assert KPI_CONVERSION(CONV_JA, "ヒアリング", "受注", "2026-04") == pytest.approx(2 / 3)


@pytest.mark.parametrize(("args", "code", "key"), [
    ((CONV_JA[:1], "hearing", "proposal"), "#N/A", "no_from_stage"),
    ((CONV_JA, "hearing", "closing"), "#VALUE!", "no_stage_column"),
    ((CONV_JA, "proposal", "hearing"), "#VALUE!", "stage_order"),
    ((CONV_JA, "hearing", "contract"), "#VALUE!", "unknown_stage"),
    ((CONV_JA, "hearing", "proposal", None, None, "x"), "#VALUE!", "unknown_option"),
    (([["情報収集日", "提案日"], ["2026-04-01", "soon"]], "hearing", "proposal"),
     "#VALUE!", "cell"),
    (([["情報収集日", "提案日"], ["2026-04-01", "9999-12-31"]], "hearing", "proposal"),
     "#NUM!", "date_range"),
    ((col("hearing"), "hearing", "won", "2026-04"), "#VALUE!", "stage_column_period"),
    ((col("approach", "proposel"), "hearing", "proposal"), "#VALUE!", "stage_column_value"),
    ((col("lost", None), "hearing", "proposal"), "#N/A", "no_stage_reached"),
])
def test_conversion_errors(args, code, key):
    assert KPI_CONVERSION(*args) == code
    assert error("KPI_CONVERSION", *args) == (code, key)


@pytest.mark.parametrize(("rng", "f", "t", "expected"), [
    # current stages: approach, hearing ×2, proposal, won; lost and blank ignored
    (col("ステージ", "approach", "hearing", "ヒアリング", "提案", "受注", "失注", None),
     "hearing", "proposal", 2 / 4),
    (["approach", "hearing", "hearing", "proposal", "won"], "approach", "won", 1 / 5),
    ("proposal", "hearing", "proposal", 1.0),  # one cell
])
def test_conversion_from_a_current_stage_column(rng, f, t, expected):
    assert KPI_CONVERSION(rng, f, t) == pytest.approx(expected)


# --------------------------------------------------------------------------- cycle, velocity

CREATED = [D(2026, 4, 1), D(2026, 4, 2), D(2026, 4, 3), None, D(2026, 4, 10)]
CLOSED = [D(2026, 4, 11), D(2026, 4, 22), None, D(2026, 4, 9), D(2026, 4, 5)]
STATUS = ["won", "lost", "open", "won", "受注"]


@pytest.mark.parametrize("statistic", ["mean", "median", "count", "平均", "中央値"])
@pytest.mark.parametrize("with_status", [False, True])
def test_cycle_days_match_the_engine(statistic, with_status):
    key = {"平均": "mean", "中央値": "median"}.get(statistic, statistic)
    expected = cycle_days(pd.Series(CREATED, dtype="datetime64[ns]"),
                          pd.Series(CLOSED, dtype="datetime64[ns]"),
                          pd.Series(STATUS) if with_status else None)[key]
    status = col(*STATUS) if with_status else None
    got = KPI_CYCLE_DAYS(col(*CREATED), col(*map(serial, CLOSED)), status, statistic)
    assert same(got, float(expected))
    got_h = KPI_CYCLE_DAYS(col("作成日", *CREATED), col("完了日", *CLOSED),
                           col("状態", *STATUS) if with_status else None, statistic)
    assert same(got_h, float(expected))


@pytest.mark.parametrize(("args", "code", "key"), [
    ((col(D(2026, 4, 1)), col(None)), "#N/A", "no_dated_deals"),
    ((col(D(2026, 4, 1)), col(D(2026, 4, 3)), col("open")), "#N/A", "no_dated_won_deals"),
    ((col(D(2026, 4, 1), D(2026, 4, 2)), col(D(2026, 4, 3))), "#VALUE!", "lengths"),
    ((col(D(2026, 4, 1)), col(D(2026, 4, 3)), col("won", "won")), "#VALUE!", "lengths"),
    ((col(D(2026, 4, 1)), col(D(2026, 4, 3)), None, "mode"), "#VALUE!", "unknown_option"),
    ((col("2026-04-01"), col("2026-13-45")), "#VALUE!", "cell"),
])
def test_cycle_days_errors(args, code, key):
    assert KPI_CYCLE_DAYS(*args) == code
    assert error("KPI_CYCLE_DAYS", *args) == (code, key)


def test_a_bad_cell_is_numbered_as_in_the_selected_range_header_included():
    args = (col("作成日", D(2026, 4, 1), "2026/2/30"), col("完了日", None, D(2026, 4, 3)))
    assert explain("KPI_CYCLE_DAYS", *args, locale="en").startswith(
        "#VALUE! created, cell 3: '2026/2/30' — no such date (2026-02 has 28 days).")
    assert explain("KPI_CYCLE_DAYS", *args, locale="ja").startswith(
        "#VALUE! created の3番目のセル：「2026/2/30」 — 存在しない日付です")


def test_cycle_days_count_of_nothing_is_zero():
    assert KPI_CYCLE_DAYS(col(D(2026, 4, 1)), col(None), None, "count") == 0


@pytest.mark.parametrize(("args", "expected"), [
    ((10, 1000, 0.25, 50), velocity(10, 1000, 0.25, 50)),
    (("10", "¥1,000", "25%", "50"), 50.0),
    (("10", "¥1,000", "２５％", "50"), 50.0),
    (([[10]], [[1000]], [[0.25]], [[50]]), 50.0),
    ((0, 1000, 0.25, 50), 0.0),
])
def test_velocity(args, expected):
    assert KPI_VELOCITY(*args) == pytest.approx(expected)


@pytest.mark.parametrize(("args", "code", "key"), [
    ((10, None, 0.25, 50), "#N/A", "missing_factor"),
    ((10, 1000, "#N/A", 50), "#N/A", "input_error"),  # KPI_WIN_RATE gave #N/A
    ((10, 1000, 0.25, 0), "#DIV/0!", "cycle_zero"),
    ((10, 1000, 0.25, -3), "#NUM!", "negative_cycle"),
    ((10, 1000, 25, 50), "#NUM!", "rate_range"),  # 25 meant 25 %: never silently ×100
    ((10, 1000, "abc", 50), "#VALUE!", "not_number"),
])
def test_velocity_errors(args, code, key):
    assert KPI_VELOCITY(*args) == code
    assert error("KPI_VELOCITY", *args) == (code, key)


# --------------------------------------------------------------------------- churn, retention

# Engine docstring example (N = 3, April): A orders Jan 15, B Mar 1, C Apr 2.
CH_IDS = ["A", "B", "C", "A", None]
CH_DATES = [D(2026, 1, 15), D(2026, 3, 1), D(2026, 4, 2), D(2025, 11, 1), D(2026, 4, 3)]


def _engine_churn(ids, dates, start, end, **kw):
    o = pd.DataFrame({"customer": ids, "date": dates}).dropna()
    return logo_churn(make_dataset(orders=o), start, end, **kw).value


@pytest.mark.parametrize("definition", ["active_at_start", "inclusive"])
def test_churn_rate_matches_the_engine(definition):
    expected = _engine_churn(CH_IDS, CH_DATES, "2026-04-01", "2026-04-30",
                             definition=definition)
    assert expected == pytest.approx(0.5 if definition == "active_at_start" else 1 / 3)
    assert KPI_CHURN_RATE(col(*CH_IDS), col(*CH_DATES), "2026-04", None, 3, definition) \
        == pytest.approx(expected)
    # serial dates, a header row and explicit dates
    assert KPI_CHURN_RATE(col("顧客ID", *CH_IDS), col("日付", *map(serial, CH_DATES)),
                          D(2026, 4, 1), D(2026, 4, 30), None, definition) \
        == pytest.approx(expected)


def test_churn_rate_matches_customer_ids_as_names_are_matched():
    # C001 typed three ways is one customer: ordered Jan 15 (alone it churns Apr 15) and again
    # Mar 20 under another spelling, so it is still active after April
    ids = col("C001", "Ｃ００１", "C002")
    dates = col(D(2026, 1, 15), D(2026, 3, 20), D(2026, 1, 10))
    assert KPI_CHURN_RATE(ids, dates, "2026-04") == pytest.approx(0.5)
    assert KPI_CHURN_RATE(col("C001", "c001 ", "C002"), dates, "2026-04") == pytest.approx(0.5)
    assert KPI_CHURN_RATE(col(1001, "1001", 1002.0), dates, "2026-04") == pytest.approx(0.5)


@pytest.mark.parametrize(("word", "definition"), [("期首稼働", "active_at_start"),
                                                  ("期中を含む", "inclusive")])
def test_churn_rate_takes_japanese_definition_words(word, definition):
    expected = _engine_churn(CH_IDS, CH_DATES, "2026-04-01", "2026-04-30",
                             definition=definition)
    assert KPI_CHURN_RATE(col(*CH_IDS), col(*CH_DATES), "2026-04", None, None, word) \
        == pytest.approx(expected)


@pytest.mark.parametrize(("args", "code", "key"), [
    ((col("A"), col(D(2026, 4, 2)), "2026-04"), "#N/A", "no_active_customers"),
    (([[None]], [[None]], "2026-04"), "#N/A", "no_active_customers"),
    ((col("A", "B"), col(D(2026, 4, 2)), "2026-04"), "#VALUE!", "lengths"),
    ((col("A"), col("yesterday"), "2026-04"), "#VALUE!", "cell"),
    ((col("A"), col(D(9999, 12, 31)), "2026-04"), "#NUM!", "date_range"),
    ((col("A"), col(D(2026, 4, 2)), "2026-04", None, 0), "#NUM!", "whole_number"),
    ((col("A"), col(D(2026, 4, 2)), "2026-04", None, 2.5), "#NUM!", "whole_number"),
    ((col("A"), col(D(2026, 4, 2)), "2026-04", None, 3, "x"), "#VALUE!", "unknown_option"),
    ((col("A"), col(D(2026, 4, 2)), None, None), "#VALUE!", "period_blank"),
    ((col("#REF!"), col(D(2026, 4, 2)), "2026-04"), "#REF!", "input_error_cell"),
])
def test_churn_rate_errors(args, code, key):
    assert KPI_CHURN_RATE(*args) == code
    if key is not None:
        assert error("KPI_CHURN_RATE", *args) == (code, key)


@given(
    orders=st.lists(st.tuples(st.sampled_from("ABCDE"), st.integers(0, 400)), max_size=30),
    start=st.integers(0, 400), length=st.integers(0, 120), n=st.integers(1, 4),
    definition=st.sampled_from(["active_at_start", "inclusive"]),
)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_churn_rate_equals_the_engine(orders, start, length, n, definition):
    base = D(2025, 1, 1)
    ids = [c for c, _ in orders]
    dates = [base + dt.timedelta(days=d) for _, d in orders]
    s, e = base + dt.timedelta(days=start), base + dt.timedelta(days=start + length)
    expected = _engine_churn(ids, dates, s, e, definition=definition, inactive_months=n)
    assert same(KPI_CHURN_RATE(col(*ids), col(*dates), s, e, n, definition), expected)


RR_IDS = ["A", "B", "A", "B", "C", "A"]
RR_DATES = [D(2025, 4, 3), D(2025, 4, 4), D(2026, 4, 3), D(2026, 4, 9), D(2026, 4, 9),
            D(2026, 3, 2)]
RR_AMOUNTS = ["¥100", "50", 120, None, "80", 40]


@pytest.mark.parametrize("baseline", ["year_over_year", "previous_period", "前年同期", "前期間"])
def test_nrr_and_grr_match_the_engine(baseline):
    b = {"前年同期": "year_over_year", "前期間": "previous_period"}.get(baseline, baseline)
    amounts = [100.0, 50.0, 120.0, None, 80.0, 40.0]
    o = pd.DataFrame({"customer": RR_IDS, "date": RR_DATES, "amount": amounts})
    r = revenue_retention(make_dataset(orders=o), "2026-04-01", "2026-04-30", baseline=b)
    args = (col(*RR_IDS), col(*map(serial, RR_DATES)), col(*RR_AMOUNTS), "2026-04", None,
            baseline)
    assert same(KPI_NRR(*args), r["nrr"])
    assert same(KPI_GRR(*args), r["grr"])
    if b == "year_over_year":  # engine docstring example
        assert r["nrr"] == pytest.approx(120 / 150) and r["grr"] == pytest.approx(100 / 150)


@pytest.mark.parametrize(("args", "code", "key"), [
    ((col("A"), col(D(2026, 4, 2)), col(10), "2026-04"), "#N/A", "no_base_revenue"),
    ((col("A"), col(D(2026, 4, 2)), col("ten"), "2026-04"), "#VALUE!", "cell"),
    ((col("A"), col(D(2026, 4, 2)), col("inf"), "2026-04"), "#NUM!", "not_finite"),
    ((col("A"), col(D(2026, 4, 2)), col(1, 2), "2026-04"), "#VALUE!", "lengths"),
    ((col("A"), col(D(2026, 4, 2)), col(1), "2026-04", None, "mom"), "#VALUE!",
     "unknown_option"),
])
def test_nrr_errors(args, code, key):
    assert KPI_NRR(*args) == code
    assert error("KPI_NRR", *args) == (code, key)


# --------------------------------------------------------------------------- required (tree)


def test_required_matches_back_solve():
    plan = back_solve(1000.0, 200.0, {"avg_deal_size": 100.0, "win_rate": 0.4,
                                      "conversion": 0.5}, 8, ())
    got = KPI_REQUIRED(1000, "200", "¥100", "40%", 0.5, 8)
    assert got[0] == ["quantity", "needed", "per business day", "note"]
    assert [r[0] for r in got[1:]] == ["Revenue", "Won deals", "Opportunities", "Leads"]
    assert [r[1] for r in got[1:]] == pytest.approx(plan["needed"].tolist())
    assert [r[2] for r in got[1:]] == pytest.approx(plan["per_business_day"].tolist())


@pytest.mark.parametrize(("args", "rows"), [
    ((1000, 1200, 100, 0.5), [["Revenue", 0.0, "", ""], ["Won deals", 0.0, "", ""],
                              ["Opportunities", 0.0, "", ""]]),
    ((1000, 0, 100, None, None, 5), [["Revenue", 1000.0, 200.0, ""],
                                     ["Won deals", 10.0, 2.0, ""],
                                     ["Opportunities", "", "", "needs win rate"]]),
    ((1000, 0, 100, 0.5, None, 0), [["Revenue", 1000.0, "", "no business days left"],
                                    ["Won deals", 10.0, "", "no business days left"],
                                    ["Opportunities", 20.0, "", "no business days left"]]),
    ((None, 0, 100, 0.5), [["Revenue", "", "", "no target"], ["Won deals", "", "", "no target"],
                           ["Opportunities", "", "", "no target"]]),
])
def test_required_edge_cases(args, rows):
    assert KPI_REQUIRED(*args)[1:] == rows


def test_required_in_japanese_when_the_machine_is_japanese(monkeypatch):
    monkeypatch.setenv("KPI_XL_LANG", "ja")
    got = KPI_REQUIRED(1000, 0, 100, None, None, 5)
    assert got[0] == ["項目", "必要数", "営業日あたり", "備考"]
    assert got[3] == ["商談数", "", "", "受注率が必要"]


@pytest.mark.parametrize(("args", "code", "key"), [
    ((1000, 0, 100, 0.5, None, 2.5), "#NUM!", "whole_number"),
    ((1000, 0, 100, 0.5, None, -1), "#NUM!", "whole_number"),
    ((1000, 0, 0, 0.5), "#DIV/0!", "driver_zero"),
    ((1000, 0, -100, 0.5), "#NUM!", "driver_range"),
    ((1000, 0, 100, 40), "#NUM!", "rate_range"),
])
def test_required_errors(args, code, key):
    assert KPI_REQUIRED(*args) == code
    assert error("KPI_REQUIRED", *args) == (code, key)
