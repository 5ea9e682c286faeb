"""kpi_xl.metrics.order_columns (the formulas' NumPy path) equals the Dataset engine on books
holding only orders: logo churn, revenue retention and the month arithmetic of spells."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_xl.dataset import make_dataset
from kpi_xl.metrics import logo_churn, revenue_retention
from kpi_xl.metrics.order_columns import (
    add_months,
    logo_churn_of_orders,
    order_spells,
    revenue_retention_of_orders,
)
from kpi_xl.metrics.spells import build_spells

BASE = np.datetime64("2024-01-01", "D")


def _equal(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12, abs=1e-12)


@given(st.lists(st.integers(0, 3000), max_size=50), st.integers(1, 40))
def test_add_months_is_pandas_date_offset(days, n):
    d = BASE + np.array(days, dtype="timedelta64[D]")
    expected = [(pd.Timestamp(x) + pd.DateOffset(months=n)).date() for x in d]
    assert [x.item() for x in add_months(d, n)] == expected


@pytest.mark.parametrize(("day", "n", "expected"), [
    ("2024-01-31", 1, "2024-02-29"), ("2023-01-31", 1, "2023-02-28"),
    ("2024-03-31", 3, "2024-06-30"), ("2024-11-30", 3, "2025-02-28"),
    ("2024-04-15", 12, "2025-04-15"),
])
def test_add_months_clamps_to_the_month_end(day, n, expected):
    assert add_months(np.array([day], dtype="datetime64[D]"), n)[0] == np.datetime64(expected)


ORDERS = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 700), st.integers(-50, 300)),
                  max_size=60)


def _frames(orders):
    cust = np.array([c for c, _, _ in orders], dtype=np.int64)
    dates = (BASE + np.array([d for _, d, _ in orders], dtype="timedelta64[D]")).astype(
        "datetime64[ns]")
    amounts = np.array([a for _, _, a in orders], dtype=float)
    frame = pd.DataFrame({"customer": [f"K{c}" for c in cust], "date": dates,
                          "amount": amounts})
    return cust, dates, amounts, frame


@given(ORDERS, st.integers(1, 4))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_order_spells_equal_the_engines(orders, n):
    cust, dates, _, frame = _frames(orders)
    engine = build_spells(make_dataset(orders=frame.drop(columns="amount")), n)
    mine = order_spells(cust, dates, n)
    assert len(mine) == len(engine)
    ours = sorted(zip(("K" + mine["customer"].astype(str)), mine["spell"],
                      mine["spell_start"], mine["spell_end"], strict=True))
    theirs = sorted(zip(engine["customer"], engine["spell"], engine["spell_start"],
                        engine["spell_end"], strict=True))
    assert ours == theirs


@given(ORDERS, st.integers(0, 700), st.integers(0, 120), st.integers(1, 4),
       st.sampled_from(["active_at_start", "inclusive"]))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_logo_churn_of_orders_equals_the_engine(orders, start, length, n, definition):
    cust, dates, _, frame = _frames(orders)
    s = (BASE + np.timedelta64(start, "D")).item()
    e = s + dt.timedelta(days=length)
    ref = logo_churn(make_dataset(orders=frame.drop(columns="amount")), s, e,
                     definition=definition, inactive_months=n)
    got = logo_churn_of_orders(cust, dates, s, e, definition=definition, inactive_months=n)
    assert _equal(got.value, ref.value) and got.note == ref.note
    assert (got.numerator, got.denominator) == (ref.numerator, ref.denominator)


@given(ORDERS, st.integers(0, 700), st.integers(0, 120),
       st.sampled_from(["year_over_year", "previous_period"]), st.booleans())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_revenue_retention_of_orders_equals_the_engine(orders, start, length, baseline,
                                                       whole_month):
    cust, dates, amounts, frame = _frames(orders)
    s = (BASE + np.timedelta64(start, "D")).item()
    e = s + dt.timedelta(days=length)
    if whole_month:  # whole-month periods shift by months
        s = s.replace(day=1)
        e = (pd.Timestamp(s) + pd.DateOffset(months=1 + length // 60) - pd.Timedelta(
            days=1)).date()
    ref = revenue_retention(make_dataset(orders=frame), s, e, baseline=baseline)
    got = revenue_retention_of_orders(cust, dates, amounts, s, e, baseline=baseline)
    for k in ("grr", "nrr", "base_revenue", "retained", "current_from_base"):
        assert _equal(got[k], ref[k]), k
    assert got["base_customers"] == ref["base_customers"] and got["note"] == ref["note"]
    assert (got["base_start"], got["base_end"]) == (ref["base_start"], ref["base_end"])


def test_blank_customers_and_dates_are_not_orders():
    cust = np.array([0, -1, 0], dtype=np.int64)
    dates = np.array(["2026-01-15", "2026-01-20", "NaT"], dtype="datetime64[ns]")
    r = logo_churn_of_orders(cust, dates, dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert r.value == 1.0 and r.denominator == 1  # one customer, churning Apr 15


# --------------------------------------------------------------------------- metric tables


def test_counted_table_names_the_table_a_metrics_events_come_from():
    from kpi_xl.metrics.metric_tables import counted_table

    opps = pd.DataFrame({"opportunity_id": ["o1"], "rep": ["a"], "created_date": ["2026-04-01"],
                         "status": ["won"], "close_date": ["2026-04-20"], "amount": [100.0]})
    with_amounts = make_dataset(opportunities=opps)
    without = make_dataset(opportunities=opps.assign(amount=None))
    assert counted_table("visits", with_amounts) == "activities"
    assert counted_table("activities", with_amounts) == "activities"
    assert counted_table("order_amount", with_amounts) == "orders"
    assert counted_table("revenue", with_amounts) == "opportunities"
    assert counted_table("revenue", without) == "orders"  # deals without amounts, no orders
    assert counted_table("won_deals", without) == "opportunities"
    assert counted_table("new_customers", with_amounts) is None
