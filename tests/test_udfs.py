"""Tests of kpi_xl.excel.udfs: each formula called as Excel would call it (2-D lists with header
rows, blanks as None, text numbers, serial dates, one-row and one-cell ranges) and compared with
the engine computed directly on equivalent DataFrames."""

from __future__ import annotations

import datetime as dt
import inspect
import math

import pandas as pd
import pytest
import xlwings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_xl.calendar import BusinessCalendar, parse_period
from kpi_xl.dataset import make_dataset
from kpi_xl.excel import udfs
from kpi_xl.excel.udfs import (
    KPI_ACHIEVEMENT,
    KPI_BUSINESS_DAYS,
    KPI_CHURN_RATE,
    KPI_CONVERSION,
    KPI_CYCLE_DAYS,
    KPI_FORECAST,
    KPI_FUNNEL,
    KPI_GRR,
    KPI_NRR,
    KPI_PACE,
    KPI_REQUIRED,
    KPI_SCORECARD,
    KPI_VELOCITY,
    KPI_WIN_RATE,
)
from kpi_xl.metrics import (
    achievement,
    conversion_rate,
    cycle_days,
    funnel,
    logo_churn,
    pace,
    revenue_retention,
    scorecard,
    velocity,
    win_rate,
)
from kpi_xl.metrics.tree import back_solve
from kpi_xl.validate import validate

D = dt.datetime
EPOCH = D(1899, 12, 30)


def serial(d: D | None) -> float | None:
    """The Excel serial number xlwings Lite passes for a date cell."""
    return None if d is None else float((d - EPOCH).days)


def col(*values: object) -> list[list]:
    """A one-column range as classic xlwings passes it with ndim=2."""
    return [[v] for v in values]


def same(a: object, b: float) -> bool:
    if isinstance(b, float) and math.isnan(b):
        return isinstance(a, str) and a.startswith("n/a: ")
    return isinstance(a, float | int) and a == pytest.approx(b)


# --------------------------------------------------------------------------- runtime contract


def test_xlwings_decorators_are_no_ops_on_linux():
    def f(x):
        return x

    assert xlwings.func(f) is f
    assert xlwings.func(category="KPI")(f) is f
    assert xlwings.arg("x", ndim=2, doc="d")(f) is f
    assert xlwings.ret(expand="table")(f) is f


@pytest.mark.parametrize("name", udfs.__all__)
def test_formulas_are_plain_functions_with_xlwings_compatible_signatures(name):
    f = getattr(udfs, name)
    assert inspect.isfunction(f) and f.__name__ == name and f.__module__ == udfs.__name__
    assert not hasattr(f, "__xlfunc__")  # no-op decorators attach nothing on Linux
    kinds = {p.kind for p in inspect.signature(f).parameters.values()}
    assert kinds <= {inspect.Parameter.POSITIONAL_OR_KEYWORD}  # xlwings rejects kw-only args
    first = f.__doc__.strip().splitlines()[0]
    assert len(first) <= 90 and "Engine: kpi_xl." in " ".join(f.__doc__.split())


def test_module_does_not_import_the_windows_only_udf_server():
    src = inspect.getsource(udfs)
    assert "from xlwings import arg, func, ret" in src
    assert "xlwings.udfs" not in src.replace("``", "")


# --------------------------------------------------------------------------- achievement, pace


@pytest.mark.parametrize(("actual", "target", "expected"), [
    (80, 100, 0.8),
    ("¥1,200", 1000, 1.2),
    ("1,200", "1000", 1.2),
    ([[80]], [[100]], 0.8),  # one-cell ranges
    ([80], [100], 0.8),
    (None, 100, 0.0),  # blank actual counts as 0, as in Excel arithmetic
    (5, 0, "n/a: target is zero"),
    (5, None, "n/a: no target"),
    (5, "", "n/a: no target"),
])
def test_achievement_matches_the_engine(actual, target, expected):
    got = KPI_ACHIEVEMENT(actual, target)
    assert got == (pytest.approx(expected) if isinstance(expected, float) else expected)
    if isinstance(expected, float):
        assert got == pytest.approx(achievement(expected * 100, 100).value)


@pytest.mark.parametrize(("actual", "target", "error"), [
    ("abc", 100, "#KPI! actual 'abc' is not a number"),
    (1, [[1], [2]], "#KPI! target must be one cell, not a range of 2 cells"),
    (True, 100, "#KPI! actual must be a number, not True"),
])
def test_achievement_bad_input_is_an_error_text(actual, target, error):
    assert KPI_ACHIEVEMENT(actual, target) == error


def test_pace_and_forecast_match_the_engine_default_month_and_jp_holidays():
    cal = BusinessCalendar("JP")
    p = pace(500.0, 1000.0, dt.date(2026, 4, 1), dt.date(2026, 4, 30), dt.date(2026, 4, 15), cal)
    assert KPI_PACE(500, 1000, D(2026, 4, 15)) == pytest.approx(p.pace)
    assert KPI_PACE("500", "¥1,000", serial(D(2026, 4, 15))) == pytest.approx(p.pace)
    assert KPI_FORECAST(500, D(2026, 4, 15)) == pytest.approx(p.forecast)
    assert p.business_days_total == 21  # April 2026: 22 weekdays, Showa Day on the 29th


def test_pace_with_explicit_period_label_and_holiday_range():
    hol = col(D(2026, 5, 7), None, serial(D(2026, 5, 8)))
    cal = BusinessCalendar("JP", [dt.date(2026, 5, 7), dt.date(2026, 5, 8)])
    p = pace(300.0, 900.0, dt.date(2026, 4, 1), dt.date(2026, 6, 30), dt.date(2026, 5, 15), cal)
    assert KPI_PACE(300, 900, D(2026, 5, 15), "FY2026Q1", None, hol) == pytest.approx(p.pace)
    assert KPI_PACE(300, 900, D(2026, 5, 15), D(2026, 4, 1), "2026-06-30", hol) \
        == pytest.approx(p.pace)
    assert KPI_FORECAST(300, D(2026, 5, 15), "FY2026Q1", None, hol) == pytest.approx(p.forecast)


@pytest.mark.parametrize(("args", "expected"), [
    ((100, 1000, D(2026, 3, 31), "2026-04"), "n/a: not started"),
    ((100, 0, D(2026, 4, 15)), "n/a: target is zero"),
    ((100, None, D(2026, 4, 15)), "n/a: no target"),
    ((100, 1000, D(2026, 4, 15), D(2026, 4, 30), D(2026, 4, 1)),
     "#KPI! period_end before period_start"),
    ((100, 1000, D(2026, 4, 15), D(2026, 4, 1)), "#KPI! period_end is blank"),
    ((100, 1000, "someday"), "#KPI! as_of 'someday' is not a date"),
    ((100, 1000, D(2026, 4, 15), "Q5"),
     "#KPI! period_start 'Q5' is not a date or a period label (2026-04, FY2026Q1, 2026年度上期)"),
    ((100, 1000, D(2026, 4, 15), None, None, col("not a day")),
     "#KPI! holidays: 'not a day' is not a date (cell 1)"),
])
def test_pace_edge_cases_and_errors(args, expected):
    assert KPI_PACE(*args) == expected


def test_forecast_before_any_business_day():
    assert KPI_FORECAST(0, D(2026, 4, 30), "2026-05") == "n/a: no business day elapsed yet"


@pytest.mark.parametrize(("args", "expected"), [
    ((D(2026, 5, 1), D(2026, 5, 31)), 18),  # 21 weekdays − May 4, 5, 6 (Golden Week)
    ((serial(D(2026, 5, 1)), serial(D(2026, 5, 31))), 18),
    (("2026-05-01", "2026/5/31"), 18),
    ((D(2026, 5, 1), D(2026, 5, 31), col(D(2026, 5, 1), None)), 17),
    ((D(2026, 5, 1), D(2026, 5, 31), None, "none"), 21),
    ((D(2026, 5, 31), D(2026, 5, 1)), 0),
    ((D(2026, 5, 2), D(2026, 5, 2)), 0),  # a Saturday
])
def test_business_days_match_the_engine(args, expected):
    got = KPI_BUSINESS_DAYS(*args)
    assert got == expected
    s, e = (pd.Timestamp(a).date() if not isinstance(a, float) else (EPOCH + dt.timedelta(a))
            .date() for a in args[:2])
    assert got == BusinessCalendar(args[3] if len(args) > 3 else "JP",
                                   [] if len(args) < 3 or args[2] is None
                                   else [dt.date(2026, 5, 1)]).business_days(s, e)


def test_business_days_unknown_calendar_is_an_error_text():
    assert KPI_BUSINESS_DAYS(D(2026, 5, 1), D(2026, 5, 2), None, "XX").startswith(
        "#KPI! Unknown holiday calendar 'XX'")


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
    (col("open", None), "closed", "n/a: no closed deals"),
    ([[None]], "closed", "n/a: no closed deals"),
    ([], "all", "n/a: no deals"),
    (col("won"), None, 1.0),  # a blank definition cell → default
    (col("won"), "x", "#KPI! unknown definition 'x' (closed|all)"),
])
def test_win_rate_edge_cases(rng, definition, expected):
    assert KPI_WIN_RATE(rng, definition) == expected


@given(st.lists(st.sampled_from(STATUSES), max_size=40), st.sampled_from(["closed", "all"]))
@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
def test_win_rate_is_a_rate_or_not_applicable(values, definition):
    got = KPI_WIN_RATE(col(*values), definition)
    assert (isinstance(got, float) and 0.0 <= got <= 1.0) or got.startswith("n/a: ")


# --------------------------------------------------------------------------- conversion

H = D(2026, 4, 2)
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
])
def test_conversion_date_table_matches_the_engine(table, start, end, basis):
    s, e = (parse_period(start).start, parse_period(start).end) if isinstance(start, str) \
        else (start, end)
    expected = conversion_rate(_col_series(1), _col_series(2), start=s, end=e,
                               basis=basis or "cohort")
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
    assert expected.value == pytest.approx(2 / 3)


@pytest.mark.parametrize(("args", "expected"), [
    ((CONV_JA[:1], "hearing", "proposal"), "n/a: no opportunities entered 'from stage' in the "
                                           "period"),
    ((CONV_JA, "hearing", "closing"),
     "#KPI! no column for stage 'closing' in the header row (商談ID, 情報収集日, 提案日, 状態, "
     "完了日)"),
    ((CONV_JA, "proposal", "hearing"), "#KPI! to_stage 'hearing' must come after from_stage "
                                       "'proposal'"),
    ((CONV_JA, "hearing", "contract"), "#KPI! unknown stage 'contract' (approach|hearing|"
                                       "proposal|closing|won)"),
    ((CONV_JA, "hearing", "proposal", None, None, "x"), "#KPI! unknown basis 'x' "
                                                        "(cohort|period)"),
    (([["情報収集日", "提案日"], ["2026-04-01", "soon"]], "hearing", "proposal"),
     "#KPI! 提案日: 'soon' is not a date (cell 1)"),
])
def test_conversion_date_table_errors_and_edge_cases(args, expected):
    assert KPI_CONVERSION(*args) == expected


@pytest.mark.parametrize(("rng", "f", "t", "expected"), [
    # current stages: approach, hearing ×2, proposal, won; lost and blank ignored
    (col("ステージ", "approach", "hearing", "ヒアリング", "提案", "受注", "失注", None),
     "hearing", "proposal", 2 / 4),
    (["approach", "hearing", "hearing", "proposal", "won"], "approach", "won", 1 / 5),
    ([["closing", "won"]], "closing", "won", None),  # one row with ≥ 2 cells: a table header
    ("proposal", "hearing", "proposal", 1.0),  # one cell
    (col("lost", None), "hearing", "proposal", "n/a: no opportunities at or beyond 'hearing'"),
    (col("approach", "proposel"), "hearing", "proposal",
     "#KPI! unknown stage 'proposel' in the stage column (approach|hearing|proposal|closing|won"
     ", lost, open)"),
])
def test_conversion_from_a_current_stage_column(rng, f, t, expected):
    got = KPI_CONVERSION(rng, f, t)
    if expected is None:
        assert got == "n/a: no opportunities entered 'from stage' in the period"
    else:
        assert got == (pytest.approx(expected) if isinstance(expected, float) else expected)


def test_conversion_stage_column_refuses_periods():
    assert KPI_CONVERSION(col("hearing"), "hearing", "won", "2026-04").startswith(
        "#KPI! period_start/period_end and basis 'period' need the date-table form")


# --------------------------------------------------------------------------- cycle, velocity

CREATED = [D(2026, 4, 1), D(2026, 4, 2), D(2026, 4, 3), None, D(2026, 4, 10)]
CLOSED = [D(2026, 4, 11), D(2026, 4, 22), None, D(2026, 4, 9), D(2026, 4, 5)]
STATUS = ["won", "lost", "open", "won", "受注"]


@pytest.mark.parametrize("statistic", ["mean", "median", "count"])
@pytest.mark.parametrize("with_status", [False, True])
def test_cycle_days_match_the_engine(statistic, with_status):
    expected = cycle_days(pd.Series(CREATED, dtype="datetime64[ns]"),
                          pd.Series(CLOSED, dtype="datetime64[ns]"),
                          pd.Series(STATUS) if with_status else None)[statistic]
    status = col(*STATUS) if with_status else None
    got = KPI_CYCLE_DAYS(col(*CREATED), col(*map(serial, CLOSED)), status, statistic)
    assert same(got, float(expected))
    # with header cells selected too
    got_h = KPI_CYCLE_DAYS(col("作成日", *CREATED), col("完了日", *CLOSED),
                           col("状態", *STATUS) if with_status else None, statistic)
    assert same(got_h, float(expected))


@pytest.mark.parametrize(("args", "expected"), [
    ((col(D(2026, 4, 1)), col(None)), "n/a: no deals with both dates"),
    ((col(D(2026, 4, 1)), col(D(2026, 4, 3)), col("open")), "n/a: no won deals with both dates"),
    ((col(D(2026, 4, 1)), col(None), None, "count"), 0),
    ((col(D(2026, 4, 1), D(2026, 4, 2)), col(D(2026, 4, 3))),
     "#KPI! created and closed differ in length (2 vs 1)"),
    ((col(D(2026, 4, 1)), col(D(2026, 4, 3)), col("won", "won")),
     "#KPI! created and closed and status differ in length (1 vs 1 vs 2)"),
    ((col(D(2026, 4, 1)), col(D(2026, 4, 3)), None, "mode"),
     "#KPI! unknown statistic 'mode' (mean|median|count)"),
    ((col("2026-04-01"), col("2026-13-45")), "#KPI! closed: '2026-13-45' is not a date (cell 1)"),
])
def test_cycle_days_edge_cases_and_errors(args, expected):
    assert KPI_CYCLE_DAYS(*args) == expected


@pytest.mark.parametrize(("args", "expected"), [
    ((10, 1000, 0.25, 50), velocity(10, 1000, 0.25, 50)),
    (("10", "¥1,000", "25%", "50"), 50.0),
    (([[10]], [[1000]], [[0.25]], [[50]]), 50.0),
    ((0, 1000, 0.25, 50), 0.0),
    ((10, None, 0.25, 50), "n/a: avg_deal missing"),
    ((10, 1000, "n/a: no closed deals", 50), "n/a: win_rate missing"),
    ((10, 1000, 0.25, 0), "n/a: cycle_days must be > 0"),
    ((10, 1000, "abc", 50), "#KPI! win_rate 'abc' is not a number"),
])
def test_velocity(args, expected):
    got = KPI_VELOCITY(*args)
    assert got == (pytest.approx(expected) if isinstance(expected, float) else expected)


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
    # serial dates, a header row, numbers as ids and explicit dates
    assert KPI_CHURN_RATE(col("顧客ID", *CH_IDS), col("日付", *map(serial, CH_DATES)),
                          D(2026, 4, 1), D(2026, 4, 30), None, definition) \
        == pytest.approx(expected)


@pytest.mark.parametrize(("args", "expected"), [
    ((col("A"), col(D(2026, 4, 2)), "2026-04"), "n/a: no customers active at the start of the "
                                                "period"),
    (([[None]], [[None]], "2026-04"), "n/a: no customers active at the start of the period"),
    ((col("A", "B"), col(D(2026, 4, 2)), "2026-04"),
     "#KPI! customer_ids and order_dates differ in length (2 vs 1)"),
    ((col("A"), col("yesterday"), "2026-04"),
     "#KPI! order_dates: 'yesterday' is not a date (cell 1)"),
    ((col("A"), col(D(2026, 4, 2)), "2026-04", None, 0),
     "#KPI! inactive_months must be a whole number ≥ 1, not 0"),
    ((col("A"), col(D(2026, 4, 2)), "2026-04", None, 3, "x"),
     "#KPI! unknown definition 'x' (active_at_start|inclusive)"),
    ((col("A"), col(D(2026, 4, 2)), None, None), "#KPI! period_start is blank"),
])
def test_churn_rate_edge_cases_and_errors(args, expected):
    assert KPI_CHURN_RATE(*args) == expected


@given(
    orders=st.lists(st.tuples(st.sampled_from("ABCDE"), st.integers(0, 400)), max_size=30),
    start=st.integers(0, 400), length=st.integers(0, 120), n=st.integers(1, 4),
    definition=st.sampled_from(["active_at_start", "inclusive"]),
)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_churn_rate_order_reduction_does_not_change_the_engine_result(orders, start, length, n,
                                                                      definition):
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


@pytest.mark.parametrize("baseline", ["year_over_year", "previous_period"])
def test_nrr_and_grr_match_the_engine(baseline):
    amounts = [100.0, 50.0, 120.0, None, 80.0, 40.0]
    o = pd.DataFrame({"customer": RR_IDS, "date": RR_DATES, "amount": amounts})
    r = revenue_retention(make_dataset(orders=o), "2026-04-01", "2026-04-30", baseline=baseline)
    args = (col(*RR_IDS), col(*map(serial, RR_DATES)), col(*RR_AMOUNTS), "2026-04", None,
            baseline)
    assert same(KPI_NRR(*args), r["nrr"])
    assert same(KPI_GRR(*args), r["grr"])
    if baseline == "year_over_year":  # engine docstring example
        assert r["nrr"] == pytest.approx(120 / 150) and r["grr"] == pytest.approx(100 / 150)


@pytest.mark.parametrize(("args", "expected"), [
    ((col("A"), col(D(2026, 4, 2)), col(10), "2026-04"),
     "n/a: no revenue from any customer in the base window"),
    ((col("A"), col(D(2026, 4, 2)), col("ten"), "2026-04"),
     "#KPI! amounts: 'ten' is not a number (cell 1)"),
    ((col("A"), col(D(2026, 4, 2)), col(1, 2), "2026-04"),
     "#KPI! customer_ids and order_dates and amounts differ in length (1 vs 1 vs 2)"),
    ((col("A"), col(D(2026, 4, 2)), col(1), "2026-04", None, "mom"),
     "#KPI! unknown baseline 'mom' (year_over_year|previous_period)"),
])
def test_nrr_edge_cases_and_errors(args, expected):
    assert KPI_NRR(*args) == expected


# --------------------------------------------------------------------------- required (tree)


def test_required_matches_back_solve():
    plan = back_solve(1000.0, 200.0, {"avg_deal_size": 100.0, "win_rate": 0.4,
                                      "conversion": 0.5}, 8, ())
    got = KPI_REQUIRED(1000, "200", "¥100", "40%", 0.5, 8)
    assert got[0] == ["quantity", "needed", "per business day", "note"]
    assert [r[0] for r in got[1:]] == plan["quantity"].tolist()
    assert [r[1] for r in got[1:]] == pytest.approx(plan["needed"].tolist())
    assert [r[2] for r in got[1:]] == pytest.approx(plan["per_business_day"].tolist())


@pytest.mark.parametrize(("args", "rows"), [
    ((1000, 1200, 100, 0.5), [["revenue", 0.0, "", ""], ["won_deals", 0.0, "", ""],
                              ["opportunities", 0.0, "", ""]]),
    ((1000, 0, 100, None, None, 5), [["revenue", 1000.0, 200.0, ""],
                                     ["won_deals", 10.0, 2.0, ""],
                                     ["opportunities", "", "", "needs win rate"]]),
    ((1000, 0, 100, 0.5, None, 0), [["revenue", 1000.0, "", "no business days left"],
                                    ["won_deals", 10.0, "", "no business days left"],
                                    ["opportunities", 20.0, "", "no business days left"]]),
    ((None, 0, 100, 0.5), [["revenue", "", "", "no target"], ["won_deals", "", "", "no target"],
                           ["opportunities", "", "", "no target"]]),
])
def test_required_edge_cases(args, rows):
    assert KPI_REQUIRED(*args)[1:] == rows


def test_required_bad_days_is_an_error_text():
    assert KPI_REQUIRED(1000, 0, 100, 0.5, None, 2.5) == (
        "#KPI! business_days_left must be a whole number ≥ 0, not 2.5")


# --------------------------------------------------------------------------- funnel, scorecard

OPP_JA = [
    ["商談ID", "担当者", "作成日", "状態", "完了日", "金額", "情報収集日", "提案日"],
    ["o1", "A", D(2026, 4, 1), "受注", D(2026, 4, 20), "¥1,000", D(2026, 4, 2), None],
    ["o2", "B", serial(D(2026, 4, 3)), "失注", serial(D(2026, 4, 20)), None, None, None],
    ["o3", "A", D(2026, 4, 3), "進行中", None, None, D(2026, 4, 6), D(2026, 4, 9)],
    [1004.0, "B", "2026/3/28", "進行中", None, "2,000", None, None],
    [None, None, None, None, None, None, None, None],  # trailing blank row of the selection
]


def _frame(rows: list[list]) -> pd.DataFrame:
    return pd.DataFrame(rows[1:], columns=rows[0], dtype=object)


@pytest.mark.parametrize(("basis", "start", "end"), [
    ("cohort", None, None), ("period", None, None), ("cohort", "2026-04", None),
    ("period", D(2026, 4, 1), D(2026, 4, 5)),
])
def test_funnel_matches_the_engine(basis, start, end):
    ds = validate({"opportunities": _frame(OPP_JA)})
    s, e = (parse_period(start).start, parse_period(start).end) if isinstance(start, str) \
        else (start, end)
    fn = funnel(ds, start=s, end=e, basis=basis)
    got = KPI_FUNNEL(OPP_JA, basis, start, end)
    assert got[0] == ["ステージ", "到達数", "前段階からの転換率", "初段階からの転換率"]
    assert [r[0] for r in got[1:]] == ["アプローチ", "情報収集", "提案", "クロージング", "受注"]
    assert [r[1] for r in got[1:]] == fn["reached"].tolist()
    for cell, v in zip([r[3] for r in got[1:]], fn["conversion_from_first"], strict=True):
        assert cell == "" if math.isnan(v) else cell == pytest.approx(v)


def test_funnel_english_headers_give_english_labels():
    en = [["Opportunity ID", "Rep", "Created", "Status", "Close date"],
          ["o1", "A", D(2026, 4, 1), "won", D(2026, 4, 20)]]
    got = KPI_FUNNEL(en)
    assert got[0][0] == "stage" and got[1] == ["Approach", 1, "", 1.0]
    assert got[-1] == ["Won", 1, 1.0, 1.0]


@pytest.mark.parametrize(("table", "expected"), [
    ([[None]], "#KPI! opportunities_table is empty: select the table with its header row"),
    ([["商談ID", "担当者", "作成日", "状態"], ["o1", "A", "someday", "受注"]],
     "#KPI! 商談シート 2行目 〔作成日〕: 日付として読めません（値: someday）— 例: 2026/4/1 / "
     "2026年4月1日 / 令和8年4月1日 / R8.4.1 (+1 more problem)"),
    ([["商談ID", "作成日"]], "#KPI! 商談シート 1行目 〔担当者〕: 必須の列がありません — "
                          "見つかった列: '商談ID'、'作成日' (+1 more problem)"),
])
def test_funnel_bad_tables_are_error_texts(table, expected):
    assert KPI_FUNNEL(table) == expected


def test_funnel_header_only_gives_zero_counts():
    got = KPI_FUNNEL([OPP_JA[0]])
    assert [r[1] for r in got[1:]] == [0] * 5 and got[1][3] == ""


TG_JA = [["担当者", "月", "指標", "目標"], ["A", "2026-04", "売上", 2000],
         ["B", "2026/4", "売上", "1,000"],
         ["A", 46143.0, "売上", 5000]]  # a May row (serial date) is outside the period


def test_scorecard_from_opportunities_matches_the_engine():
    ds = validate({"targets": _frame(TG_JA), "opportunities": _frame(OPP_JA)})
    sc = scorecard(ds, parse_period("2026-04"), by="rep", as_of=dt.date(2026, 4, 25))
    got = KPI_SCORECARD(TG_JA, OPP_JA, "2026-04", D(2026, 4, 25))
    assert got[0][:5] == ["担当者", "指標", "目標", "実績", "達成率"]
    assert [r[0] for r in got[1:]] == sc["group"].tolist() == ["A", "B"]
    assert [r[3] for r in got[1:]] == sc["actual"].tolist() == [1000.0, 0.0]
    assert [r[4] for r in got[1:]] == pytest.approx(sc["achievement"].tolist())
    assert [r[5] for r in got[1:]] == pytest.approx(sc["pace"].tolist())
    assert got[1][1] == "売上"


def test_scorecard_from_an_actuals_table():
    actuals = [["Rep", "Metric", "Actual", "Month"], ["A", "revenue", "1,500", "2026-04"],
               ["A", "revenue", 700, "2026-03"], ["B", "won deals", 2, None]]
    tg = [["Rep", "Month", "Metric", "Target"], ["A", "2026-04", "revenue", 2000]]
    got = KPI_SCORECARD(tg, actuals, "2026-04", D(2026, 4, 15))
    assert got[0][:4] == ["rep", "metric", "target", "actual"]
    cal = BusinessCalendar("JP")
    p = pace(1500.0, 2000.0, dt.date(2026, 4, 1), dt.date(2026, 4, 30), dt.date(2026, 4, 15), cal)
    a_row, b_row = got[1], got[2]
    assert a_row[:5] == ["A", "Revenue", 2000.0, 1500.0, 0.75]
    assert a_row[5] == pytest.approx(p.pace) and a_row[6] == pytest.approx(p.forecast)
    assert b_row[:5] == ["B", "Won deals", "", 2.0, ""] and b_row[-1] == "no target"


@pytest.mark.parametrize(("args", "expected"), [
    ((TG_JA, [["foo", "bar"], [1, 2]], "2026-04", None),
     "#KPI! the second table must be the opportunities table (商談ID, 担当者, 作成日, 状態 …) "
     "or an actuals table (担当者, 指標, 実績)"),
    ((TG_JA, OPP_JA, None, None), "#KPI! period is blank (use a label such as 2026-04 or "
                                  "FY2026Q1)"),
    ((TG_JA, [["担当者", "指標", "実績"], ["A", "売り", 1]], "2026-04", None),
     "#KPI! actuals table: unknown metric '売り'"),
])
def test_scorecard_errors(args, expected):
    assert KPI_SCORECARD(*args) == expected


# --------------------------------------------------------------------------- never raise


@pytest.mark.parametrize("name", udfs.__all__)
@pytest.mark.parametrize("junk", [None, "", [[None, None], [None, None]], object(), [[{}]]])
def test_formulas_never_raise(name, junk):
    f = getattr(udfs, name)
    n_required = sum(p.default is inspect.Parameter.empty
                     for p in inspect.signature(f).parameters.values())
    got = f(*([junk] * n_required))
    assert isinstance(got, str | float | int | list)
    if isinstance(got, str):
        assert got.startswith(("#KPI! ", "n/a: "))


def test_churn_rate_on_the_demo_orders_passed_as_datetimes_matches_the_engine():
    import datetime as _dt

    from kpi_xl.dataset import make_dataset
    from kpi_xl.demo import demo_frames
    from kpi_xl.metrics import logo_churn

    o = demo_frames()["orders"]
    ids = [[v] for v in o["customer"]]
    dates = [[v.to_pydatetime()] for v in o["date"]]  # as xlwings passes date cells
    got = udfs.KPI_CHURN_RATE(ids, dates, _dt.datetime(2026, 10, 1), _dt.datetime(2026, 10, 31))
    ds = make_dataset(orders=o[["date", "customer", "amount"]])
    assert got == pytest.approx(logo_churn(ds, "2026-10-01", "2026-10-31").value)


TEAM_NOTE = "team target: give the reps table (5th argument) to score teams"


def _template_tables(tmp_path):
    import openpyxl

    from kpi_xl.demo import demo_frames
    from kpi_xl.excel.template import build_template

    book = build_template(tmp_path / "b.xlsx", data=demo_frames())
    wb = openpyxl.load_workbook(book)
    return {name: [[c.value for c in r] for r in wb[name].iter_rows()]
            for name in ("目標", "商談", "担当者")}


def test_scorecard_lists_team_target_rows_it_cannot_score_without_the_reps(tmp_path):
    # issue 10: team rows used to be dropped silently
    import datetime as _dt

    t = _template_tables(tmp_path)
    assert any(r[0] is None and r[1] for r in t["目標"][1:])  # the demo has team targets
    out = udfs.KPI_SCORECARD(t["目標"], t["商談"], "2026-11", _dt.datetime(2026, 11, 20))
    assert isinstance(out, list) and out[0][0] == "担当者" and len(out) > 10
    team_rows = [r for r in out[1:] if r[-1] == TEAM_NOTE]
    teams = {r[1] for r in t["目標"][1:] if r[0] is None and r[1]}
    assert {r[0] for r in team_rows} == teams and all(r[2] == "" for r in team_rows)


def test_scorecard_scores_team_rows_with_the_reps_table_like_the_dashboard(tmp_path):
    import datetime as _dt

    from kpi_xl.demo import DATA_DIR
    from kpi_xl.validate import load

    t = _template_tables(tmp_path)
    out = udfs.KPI_SCORECARD(t["目標"], t["商談"], "2026-11", _dt.datetime(2026, 11, 20),
                             t["担当者"])
    assert not any(r[-1] == TEAM_NOTE for r in out[1:])
    ds = load(DATA_DIR)
    card = scorecard(ds, parse_period("2026-11"), by="team", metrics=["revenue"],
                     as_of=dt.date(2026, 11, 20)).set_index("group")
    got = {r[0]: r for r in out[1:] if r[1] == "売上" and r[0] in card.index}
    assert got and all(got[g][2] == card.loc[g, "target"] and
                       got[g][3] == pytest.approx(card.loc[g, "actual"]) for g in got)
