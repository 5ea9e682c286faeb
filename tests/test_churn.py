"""Logo churn, revenue retention (GRR/NRR) and the churn trend."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_xl.calendar import parse_period
from kpi_xl.dataset import make_dataset
from kpi_xl.errors import ConfigError
from kpi_xl.metrics import (
    actuals,
    baseline_window,
    churn_trend,
    cohort_retention,
    customer_movements,
    logo_churn,
    revenue_retention,
)
from kpi_xl.metrics.cohorts import acquired_before_data
from kpi_xl.metrics.results import Ratio
from kpi_xl.settings import Settings

T = pd.Timestamp


def ds_of(rows, customers=None, **kw):
    o = pd.DataFrame(list(rows), columns=["date", "customer", "amount"]) if rows else \
        pd.DataFrame({"date": [], "customer": [], "amount": []})
    o["date"] = pd.to_datetime(o["date"])
    extra = {"customers": pd.DataFrame(customers)} if customers is not None else {}
    return make_dataset(Settings(**kw), orders=o, **extra)


# April 2025, N = 3: A churns Apr 15 (order Jan 15); B active (Mar 1); C new Apr 2;
# E starts Apr 1 and ends Apr 20 (started and churned inside April).
CHURN_ROWS = [("2025-01-15", "A", 100.0), ("2025-03-01", "B", 50.0), ("2025-04-02", "C", 20.0),
              ("2025-04-01", "E", 5.0)]
CHURN_CUSTOMERS = {"customer": ["A", "B", "C", "E"], "rep": ["r1", "r1", "r2", "r2"],
                   "end_date": [None, None, None, T("2025-04-20")]}


@pytest.mark.parametrize(("definition", "value", "num", "den"), [
    pytest.param("active_at_start", 0.5, 1, 2, id="active-at-start-excludes-E"),
    pytest.param("inclusive", 0.5, 2, 4, id="inclusive-counts-E"),
])
def test_logo_churn_definitions(definition, value, num, den):
    r = logo_churn(ds_of(CHURN_ROWS, CHURN_CUSTOMERS), "2025-04-01", "2025-04-30",
                   definition=definition)
    assert isinstance(r, Ratio)
    assert (r.value, r.numerator, r.denominator, r.definition) == (value, num, den, definition)


def test_logo_churn_definitions_differ_on_the_same_data():
    ds = ds_of(CHURN_ROWS[:1] + CHURN_ROWS[2:], CHURN_CUSTOMERS)  # A, C, E
    a = logo_churn(ds, "2025-04-01", "2025-04-30", definition="active_at_start")
    b = logo_churn(ds, "2025-04-01", "2025-04-30", definition="inclusive")
    assert (a.value, a.numerator, a.denominator) == (1.0, 1, 1)
    assert "1 customer(s) who started and churned inside the period are left out" in a.note
    assert (b.value, b.numerator, b.denominator) == (2 / 3, 2, 3)


def test_logo_churn_default_definition_comes_from_settings():
    ds = ds_of(CHURN_ROWS, CHURN_CUSTOMERS, churn_definition="inclusive")
    assert logo_churn(ds, parse_period("2025-04")).definition == "inclusive"


@pytest.mark.parametrize(("rows", "definition", "note"), [
    pytest.param([], "active_at_start", "no customers active at the start of the period",
                 id="empty-active-at-start"),
    pytest.param([], "inclusive", "no customers active in the period", id="empty-inclusive"),
    pytest.param([("2025-04-10", "C", 1.0)], "active_at_start",
                 "no customers active at the start of the period", id="only-new-customer"),
])
def test_logo_churn_zero_denominator_is_nan_with_note(rows, definition, note):
    r = logo_churn(ds_of(rows), "2025-04-01", "2025-04-30", definition=definition)
    assert math.isnan(r.value) and r.note == note


def test_logo_churn_at_exactly_n_months():
    ds = ds_of([("2025-01-15", "A", 1.0)])
    assert logo_churn(ds, "2025-04-01", "2025-04-14").value == 0.0
    assert logo_churn(ds, "2025-04-15", "2025-04-30").value == 1.0


def test_logo_churn_by_rep():
    got = logo_churn(ds_of(CHURN_ROWS, CHURN_CUSTOMERS), "2025-04-01", "2025-04-30",
                     definition="inclusive", by="rep").set_index("rep")
    assert got.loc["r1", "value"] == 0.5  # A churned, B not
    assert got.loc["r2", "value"] == 0.5  # E churned, C not
    assert list(got.columns) == ["value", "numerator", "denominator", "definition", "note"]


def test_logo_churn_rejects_unknown_definition():
    with pytest.raises(ConfigError):
        logo_churn(ds_of([]), "2025-04-01", "2025-04-30", definition="bogus")


# ---------------------------------------------------------------------------------------------
# revenue retention

RET_ROWS = [
    ("2024-04-10", "A", 100.0), ("2024-04-20", "B", 50.0),        # April 2024 (YoY base)
    ("2025-03-05", "A", 40.0), ("2025-03-06", "D", 60.0),         # March 2025 (previous period)
    ("2025-04-02", "A", 120.0), ("2025-04-03", "C", 80.0), ("2025-04-09", "D", 30.0),
]


@pytest.mark.parametrize(("baseline", "base", "retained", "current", "grr", "nrr"), [
    pytest.param("year_over_year", 150.0, 100.0, 120.0, 100 / 150, 120 / 150, id="yoy"),
    pytest.param("previous_period", 100.0, 70.0, 150.0, 0.7, 1.5, id="previous-period"),
])
def test_revenue_retention_baselines(baseline, base, retained, current, grr, nrr):
    r = revenue_retention(ds_of(RET_ROWS), "2025-04-01", "2025-04-30", baseline=baseline)
    assert (r["base_revenue"], r["retained"], r["current_from_base"]) == (base, retained, current)
    assert r["grr"] == pytest.approx(grr) and r["nrr"] == pytest.approx(nrr)
    assert r["gross_revenue_churn"] == pytest.approx(1 - grr)
    assert r["net_revenue_churn"] == pytest.approx(1 - nrr)
    assert r["definition"] == baseline
    assert "left out" in r["note"]


def test_revenue_retention_nan_when_no_base_revenue():
    r = revenue_retention(ds_of([("2025-04-02", "A", 10.0)]), "2025-04-01", "2025-04-30")
    assert math.isnan(r["grr"]) and math.isnan(r["nrr"])
    assert r["base_revenue"] == 0.0
    assert r["note"] == "no revenue from any customer in the base window"
    empty = revenue_retention(ds_of([]), "2025-04-01", "2025-04-30")
    assert math.isnan(empty["nrr"])


def test_revenue_retention_by_rep():
    customers = {"customer": ["A", "B", "C", "D"], "rep": ["r1", "r2", "r1", "r2"]}
    got = revenue_retention(ds_of(RET_ROWS, customers), "2025-04-01", "2025-04-30",
                            baseline="year_over_year", by="rep").set_index("rep")
    assert got.loc["r1", "nrr"] == pytest.approx(1.2)   # A 100 → 120, C new (left out)
    assert got.loc["r2", "grr"] == 0.0                   # B 50 → 0


@pytest.mark.parametrize(("start", "end", "baseline", "expected"), [
    ("2025-04-01", "2025-04-30", "year_over_year", ("2024-04-01", "2024-04-30")),
    ("2025-04-01", "2025-04-30", "previous_period", ("2025-03-01", "2025-03-31")),
    ("2025-02-01", "2025-02-28", "year_over_year", ("2024-02-01", "2024-02-29")),
    ("2025-04-01", "2025-06-30", "previous_period", ("2025-01-01", "2025-03-31")),
    ("2025-04-05", "2025-04-14", "previous_period", ("2025-03-26", "2025-04-04")),
    ("2025-04-05", "2025-04-14", "year_over_year", ("2024-04-05", "2024-04-14")),
])
def test_baseline_window(start, end, baseline, expected):
    assert baseline_window(start, end, baseline) == (T(expected[0]), T(expected[1]))


@settings(max_examples=60, deadline=None)
@given(events=st.lists(st.tuples(st.integers(0, 500), st.sampled_from("ABCDE"),
                                 st.floats(-50, 1000)), max_size=30),
       start=st.integers(0, 500), length=st.integers(0, 90),
       baseline=st.sampled_from(["year_over_year", "previous_period"]),
       definition=st.sampled_from(["active_at_start", "inclusive"]))
def test_rates_stay_in_range(events, start, length, baseline, definition):
    base = T("2024-01-01")
    ds = ds_of([(base + pd.Timedelta(days=d), c, a) for d, c, a in events])
    s = base + pd.Timedelta(days=start)
    e = s + pd.Timedelta(days=length)
    r = revenue_retention(ds, s, e, baseline=baseline)
    if r["base_revenue"] > 0:
        assert 0 <= r["grr"] <= 1 + 1e-12
        assert r["nrr"] >= 0
        assert r["retained"] <= r["current_from_base"] + 1e-9
    else:
        assert math.isnan(r["grr"]) and math.isnan(r["nrr"])
    lc = logo_churn(ds, s, e, definition=definition)
    assert math.isnan(lc.value) or 0 <= lc.value <= 1


# ---------------------------------------------------------------------------------------------
# trend


def test_churn_trend_one_row_per_month():
    ds = ds_of(CHURN_ROWS + RET_ROWS[:2], CHURN_CUSTOMERS)
    got = churn_trend(ds, ["2025-03-01", "2025-04-01", (T("2025-04-01"), T("2025-04-30"))],
                      definition="active_at_start", baseline="year_over_year")
    assert got["period_start"].tolist() == [T("2025-03-01"), T("2025-04-01"), T("2025-04-01")]
    april = got.iloc[1]
    assert (april["active_at_start"], april["new"], april["reactivated"], april["churned"],
            april["active_at_end"]) == (2, 2, 0, 2, 2)
    assert april["logo_churn"] == 0.5
    assert april["nrr"] == pytest.approx(0.0)  # April 2024 buyers A, B bought nothing in 4/2025
    assert got.iloc[1].drop("period_start").equals(got.iloc[2].drop("period_start"))
    assert set(got["churn_definition"]) == {"active_at_start"}
    assert set(got["nrr_baseline"]) == {"year_over_year"}


def test_churn_trend_empty():
    got = churn_trend(ds_of([]), ["2025-04-01"])
    assert pd.isna(got.loc[0, "active_at_start"]) and got.loc[0, "note"] == "no_data"
    assert math.isnan(got.loc[0, "logo_churn"]) and math.isnan(got.loc[0, "nrr"])
    assert churn_trend(ds_of([]), []).empty


# --------------------------------------------------------------------------- where data starts


def test_a_start_date_before_the_data_makes_the_customer_active_not_churned():
    # Orders start on 2025-06-02. X has traded since 2020 (取引開始日) and orders in July;
    # Y has a start date in 2021 and no order at all; Z is new in June.
    rows = [("2025-06-02", "Z", 10.0), ("2025-07-10", "X", 20.0), ("2025-07-20", "Z", 5.0)]
    customers = {"customer": ["X", "Y", "Z"],
                 "start_date": [T("2020-01-01"), T("2021-05-01"), None]}
    ds = ds_of(rows, customers)
    trend = churn_trend(ds, ["2024-05-01", "2025-05-01", "2025-06-01", "2025-07-01",
                             "2025-09-01"], as_of="2025-12-31").set_index("period_start")
    # before the data starts: no figures, never a 100 % churn spike or a reactivation
    for month in ("2024-05-01", "2025-05-01"):
        row = trend.loc[T(month)]
        assert pd.isna(row["churned"]) and pd.isna(row["reactivated"])
        assert row["note"] == "before_data"
    june = trend.loc[T("2025-06-01")]
    # X and Y are active on May 31 (carried in from their start dates), Z is new
    assert (june["active_at_start"], june["new"], june["reactivated"], june["churned"]) == (
        2, 1, 0, 0)
    # Y, with no order, lapses 3 months after the data start (2025-09-02), like an order
    # on the first day of the data would
    sept = trend.loc[T("2025-09-01")]
    assert (sept["churned"], sept["reactivated"]) == (1, 0)
    assert customer_movements(ds, "2025-06-01", "2025-12-31")["reactivated"] == 0


def test_cohorts_start_where_the_data_starts():
    rows = [("2025-06-02", "Z", 10.0), ("2025-06-05", "W", 8.0), ("2025-07-10", "X", 20.0),
            ("2025-07-20", "Z", 5.0), ("2025-07-21", "N", 7.0)]
    ds = ds_of(rows, {"customer": ["X", "Z", "W", "N"],
                      "start_date": [T("2020-01-01"), None, T("2025-06-03"), None]})
    m = cohort_retention(ds, as_of="2025-07-31")
    # X was acquired in 2020 and Z ordered from the data's first month without a start date
    # (it may be older than the data): neither is lumped into June. W started in June (its
    # start date says so), N first ordered in July.
    assert m.index.tolist() == [T("2025-06-01"), T("2025-07-01")]
    assert m["cohort_size"].tolist() == [1, 1]
    assert acquired_before_data(ds) == {"X", "Z"}


@st.composite
def _books(draw):
    cust = ["A", "B", "C", "D"]
    rows = [(draw(st.dates(dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
             draw(st.sampled_from(cust)), float(draw(st.integers(-5, 50))))
            for _ in range(draw(st.integers(0, 12)))]
    starts = [T(draw(st.dates(dt.date(2019, 1, 1), dt.date(2025, 12, 31))))
              if draw(st.booleans()) else None for _ in cust]
    won = [{"opportunity_id": f"o{i}", "rep": "r", "customer": draw(st.sampled_from(cust)),
            "created_date": "2024-12-01", "status": "won",
            "close_date": T(draw(st.dates(dt.date(2025, 1, 1), dt.date(2025, 12, 31))))}
           for i in range(draw(st.integers(0, 4)))]
    return rows, {"customer": cust, "start_date": starts}, won


@settings(max_examples=60, deadline=None)
@given(_books(), st.integers(1, 12))
def test_new_customers_are_counted_one_way_everywhere(book, month):
    rows, customers, won = book
    o = pd.DataFrame(rows, columns=["date", "customer", "amount"])
    o["date"] = pd.to_datetime(o["date"])
    ds = make_dataset(orders=o, customers=pd.DataFrame(customers),
                      opportunities=pd.DataFrame(won) if won else None)
    start = T(2025, month, 1)
    end = start + pd.offsets.MonthEnd(0)
    moved = customer_movements(ds, start, end)["new"]
    acquired = actuals(ds, "new_customers", start=start.date(), end=end.date())
    assert moved == int(acquired["actual"].sum() if len(acquired) else 0)
