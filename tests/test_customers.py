"""Customer spells, movements, acquisition, cohorts and order frequency/volume."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_xl.dataset import make_dataset
from kpi_xl.metrics import (
    active_customers,
    cohort_retention,
    customer_acquisition,
    customer_movements,
    customer_spells,
    new_customers,
    order_frequency_volume,
)
from kpi_xl.settings import Settings

T = pd.Timestamp


def orders(*rows):
    """rows of (date, customer, amount[, order_id])."""
    cols = ["date", "customer", "amount", "order_id"][: len(rows[0])] if rows else None
    if not rows:
        return pd.DataFrame({"date": [], "customer": [], "amount": []})
    return pd.DataFrame(list(rows), columns=cols).assign(date=lambda d: pd.to_datetime(d["date"]))


def ds_of(rows, customers=None, n=3, **frames):
    extra = {"customers": pd.DataFrame(customers)} if customers is not None else {}
    return make_dataset(Settings(churn_inactive_months=n), orders=orders(*rows), **extra,
                        **frames)


def spells_list(ds, as_of="2030-01-01"):
    sp = customer_spells(ds, as_of=as_of)
    return [(r.customer, r.spell, str(r.spell_start.date()),
             None if pd.isna(r.spell_end) else str(r.spell_end.date()),
             None if pd.isna(r.ended_by) else r.ended_by) for r in sp.itertuples()]


@pytest.mark.parametrize(("rows", "customers", "n", "as_of", "expected"), [
    pytest.param([], None, 3, "2030-01-01", [], id="empty"),
    pytest.param([("2025-01-15", "A", 10.0)], None, 3, "2030-01-01",
                 [("A", 1, "2025-01-15", "2025-04-15", "inactivity")],
                 id="single-order-churns-on-apr-15"),
    pytest.param([("2025-01-15", "A", 10.0)], None, 3, "2025-04-14",
                 [("A", 1, "2025-01-15", None, None)], id="still-active-day-before-churn"),
    pytest.param([("2025-01-15", "A", 10.0)], None, 3, "2025-04-15",
                 [("A", 1, "2025-01-15", "2025-04-15", "inactivity")], id="churned-on-churn-day"),
    pytest.param([("2025-01-15", "A", 10.0), ("2025-04-15", "A", 5.0)], None, 3, "2030-01-01",
                 [("A", 1, "2025-01-15", "2025-07-15", "inactivity")],
                 id="order-on-churn-day-continues-spell"),
    pytest.param([("2025-01-15", "A", 10.0), ("2025-04-16", "A", 5.0)], None, 3, "2030-01-01",
                 [("A", 1, "2025-01-15", "2025-04-15", "inactivity"),
                  ("A", 2, "2025-04-16", "2025-07-16", "inactivity")], id="reactivation"),
    pytest.param([("2025-01-15", "A", 10.0)], None, 1, "2030-01-01",
                 [("A", 1, "2025-01-15", "2025-02-15", "inactivity")], id="n-1"),
    pytest.param([("2025-01-15", "A", 10.0), ("2025-03-01", "A", 10.0)],
                 {"customer": ["A"], "end_date": [T("2025-02-01")]}, 3, "2030-01-01",
                 [("A", 1, "2025-01-15", "2025-02-01", "end_date"),
                  ("A", 2, "2025-03-01", "2025-06-01", "inactivity")],
                 id="end-date-cuts-then-reactivation"),
    pytest.param([("2025-01-15", "A", 10.0)],
                 {"customer": ["A"], "end_date": [T("2025-06-01")]}, 3, "2030-01-01",
                 [("A", 1, "2025-01-15", "2025-04-15", "inactivity")],
                 id="end-date-after-churn-has-no-effect"),
    pytest.param([], {"customer": ["S"], "start_date": [T("2025-01-01")]}, 3, "2030-01-01",
                 [("S", 1, "2025-01-01", "2025-04-01", "inactivity")],
                 id="start-date-is-a-touch"),
    pytest.param([("2025-01-15", "A", -10.0)], None, 3, "2030-01-01", [],
                 id="return-is-not-a-touch"),
])
def test_customer_spells_follow_the_activity_rule(rows, customers, n, as_of, expected):
    assert spells_list(ds_of(rows, customers, n), as_of) == expected


def test_customer_spells_empty_frame_has_columns():
    sp = customer_spells(ds_of([]))
    assert list(sp.columns) == ["customer", "spell", "spell_start", "spell_end", "ended_by"]
    assert sp.empty


# April 2025, N = 3. A: Jan 15 → churns Apr 15. B: Mar 1 → active. C: new Apr 2.
# D: Jan 2 → churns Apr 2, returns Apr 20 (counts in churned and reactivated).
MOVES = [("2025-01-15", "A", 100.0), ("2025-03-01", "B", 50.0), ("2025-04-02", "C", 20.0),
         ("2025-01-02", "D", 10.0), ("2025-04-20", "D", 10.0)]


@pytest.mark.parametrize(("rows", "start", "end", "expected"), [
    pytest.param([], "2025-04-01", "2025-04-30", (0, 0, 0, 0, 0), id="empty"),
    pytest.param(MOVES, "2025-04-01", "2025-04-30", (3, 1, 1, 2, 3), id="april"),
    pytest.param(MOVES, "2025-03-01", "2025-03-31", (2, 1, 0, 0, 3), id="march"),
    pytest.param(MOVES, "2025-01-01", "2025-12-31", (0, 4, 1, 5, 0), id="whole-year"),
    pytest.param([("2025-01-15", "A", 1.0)], "2025-04-15", "2025-04-15", (1, 0, 0, 1, 0),
                 id="single-order-churn-day"),
    pytest.param([("2025-01-15", "A", 1.0)], "2025-04-14", "2025-04-14", (1, 0, 0, 0, 1),
                 id="single-order-day-before-churn"),
])
def test_customer_movements_hand_computed(rows, start, end, expected):
    m = customer_movements(ds_of(rows), start, end)
    got = tuple(m[k] for k in ("active_at_start", "new", "reactivated", "churned",
                               "active_at_end"))
    assert got == expected
    assert got[0] + got[1] + got[2] - got[3] == got[4]


def test_customer_movements_by_rep_sums_to_total():
    customers = {"customer": ["A", "B", "C", "D"], "rep": ["r1", "r1", "r2", None]}
    ds = ds_of(MOVES, customers)
    by = customer_movements(ds, "2025-04-01", "2025-04-30", by="rep")
    assert list(by["rep"]) == ["(none)", "r1", "r2"]  # one label for missing values
    assert by["churned"].tolist() == [1, 1, 0]
    assert by["active_at_end"].sum() == 3


def test_customer_movements_as_of_treats_running_spells_as_open():
    ds = ds_of([("2025-01-15", "A", 1.0)])
    assert customer_movements(ds, "2025-04-01", "2025-04-30")["churned"] == 1
    m = customer_movements(ds, "2025-04-01", "2025-04-30", as_of="2025-04-10")
    assert (m["churned"], m["active_at_end"]) == (0, 1)


@pytest.mark.parametrize(("on", "expected"), [
    ("2025-01-14", 1), ("2025-03-31", 3), ("2025-04-02", 3), ("2025-04-15", 2),
    ("2025-04-30", 3), ("2026-01-01", 0),
])
def test_active_customers_on_a_day(on, expected):
    assert active_customers(ds_of(MOVES), on) == expected


def test_active_customers_by_segment():
    ds = ds_of(MOVES, {"customer": ["A", "B"], "segment": ["big", "small"]})
    got = active_customers(ds, "2025-03-31", by="segment")
    assert dict(zip(got["segment"], got["active_customers"], strict=True)) == {
        "(none)": 1, "big": 1, "small": 1}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=st.lists(st.tuples(st.integers(0, 700), st.sampled_from("ABCDE")), max_size=25),
    ends=st.dictionaries(st.sampled_from("ABCDE"), st.integers(0, 700), max_size=3),
    n=st.integers(1, 4),
    start=st.integers(0, 700), length=st.integers(0, 120),
)
def test_movement_identity_holds(events, ends, n, start, length):
    base = T("2024-01-01")
    rows = [(base + pd.Timedelta(days=d), c, 1.0) for d, c in events]
    customers = ({"customer": list(ends), "end_date": [base + pd.Timedelta(days=d)
                                                        for d in ends.values()]}
                 if ends else None)
    ds = ds_of(rows, customers, n)
    s = base + pd.Timedelta(days=start)
    e = s + pd.Timedelta(days=length)
    m = customer_movements(ds, s, e)
    assert m["active_at_start"] + m["new"] + m["reactivated"] - m["churned"] == m["active_at_end"]
    assert m["active_at_start"] == active_customers(ds, s - pd.Timedelta(days=1))
    assert m["active_at_end"] == active_customers(ds, e)


# ---------------------------------------------------------------------------------------------
# acquisition


def test_customer_acquisition_takes_the_earlier_of_won_deal_and_order():
    opps = pd.DataFrame({
        "opportunity_id": ["o1", "o2", "o3"], "rep": ["r1", "r2", "r3"],
        "customer": ["A", "B", "B"], "created_date": pd.to_datetime(["2024-12-01"] * 3),
        "status": ["won", "won", "lost"],
        "close_date": pd.to_datetime(["2025-01-20", "2025-03-05", "2025-01-01"]),
    })
    ds = ds_of([("2025-02-01", "A", 1.0), ("2025-02-10", "B", 1.0), ("2025-05-01", "C", 1.0)],
               opportunities=opps)
    acq = customer_acquisition(ds).set_index("customer")
    assert acq.loc["A", "acquired"] == T("2025-01-20") and acq.loc["A", "source"] == "won_deal"
    assert acq.loc["B", "acquired"] == T("2025-02-10") and acq.loc["B", "source"] == "order"
    assert acq.loc["C", "acquired"] == T("2025-05-01")
    got = new_customers(ds)
    assert got["new_customers"].tolist() == [1, 1, 0, 0, 1]
    assert got["period"].tolist() == list(pd.date_range("2025-01-01", "2025-05-01", freq="MS"))
    by = new_customers(ds, by="rep", start="2025-01-01", end="2025-02-28")
    # A and B have no customers.rep: the rep of their first won deal gets the credit.
    table = by.set_index(["period", "rep"])["new_customers"]
    assert table[(T("2025-01-01"), "r1")] == 1
    assert table[(T("2025-02-01"), "r2")] == 1
    assert by["new_customers"].sum() == 2
    assert (by["definition"] == "first_touch").all()


def test_new_customers_empty_and_first_order_basis():
    assert new_customers(ds_of([])).empty
    ds = ds_of([("2025-01-05", "A", 1.0), ("2025-01-06", "A", 1.0)])
    got = new_customers(ds, basis="first_order", start="2024-12-01", end="2025-02-28")
    assert got["new_customers"].tolist() == [0, 1, 0]


# ---------------------------------------------------------------------------------------------
# cohorts

COHORT_ROWS = [
    ("2025-01-05", "A", 100.0), ("2025-01-20", "B", 100.0), ("2025-02-03", "A", 50.0),
    ("2025-03-10", "B", 300.0), ("2025-02-15", "C", 40.0), ("2025-03-01", "C", 20.0),
]
# A and B started in January (their start dates say so: the data's first month alone would
# not tell them from customers ordering before the data began)
COHORT_CUSTOMERS = {"customer": ["A", "B", "C"],
                    "start_date": [T("2025-01-05"), T("2025-01-20"), None]}


def test_cohort_retention_customers_matrix():
    m = cohort_retention(ds_of(COHORT_ROWS, COHORT_CUSTOMERS), as_of="2025-03-31")
    assert m.index.tolist() == [T("2025-01-01"), T("2025-02-01")]
    assert m["cohort_size"].tolist() == [2, 1]
    assert m.loc[T("2025-01-01"), [0, 1, 2]].tolist() == [1.0, 0.5, 0.5]
    assert m.loc[T("2025-02-01"), [0, 1]].tolist() == [1.0, 1.0]
    assert math.isnan(m.loc[T("2025-02-01"), 2])  # April 2025 is after as_of: NaN, not 0


def test_cohort_retention_revenue_matrix_and_max_months():
    m = cohort_retention(ds_of(COHORT_ROWS, COHORT_CUSTOMERS), metric="revenue",
                         as_of="2025-04-15")
    assert m.loc[T("2025-01-01"), "base_revenue"] == 200.0
    assert m.loc[T("2025-01-01"), [0, 1, 2, 3]].tolist() == [1.0, 0.25, 1.5, 0.0]
    assert m.loc[T("2025-02-01"), [0, 1, 2]].tolist() == [1.0, 0.5, 0.0]
    assert math.isnan(m.loc[T("2025-02-01"), 3])
    capped = cohort_retention(ds_of(COHORT_ROWS, COHORT_CUSTOMERS), as_of="2025-04-15",
                              max_months=1)
    assert [c for c in capped.columns if isinstance(c, int)] == [0, 1]


def test_cohort_retention_empty():
    assert cohort_retention(ds_of([])).empty


@settings(max_examples=40, deadline=None)
@given(events=st.lists(st.tuples(st.integers(0, 400), st.sampled_from("ABCD"),
                                 st.floats(1, 1000)), min_size=1, max_size=20))
def test_cohort_month_zero_is_always_one(events):
    base = T("2024-01-01")
    ds = ds_of([(base + pd.Timedelta(days=d), c, a) for d, c, a in events])
    for metric in ("customers", "revenue"):
        m = cohort_retention(ds, metric=metric)
        assert (m[0] == 1.0).all()
        ks = [c for c in m.columns if isinstance(c, int)]
        vals = m[ks].to_numpy().ravel()
        vals = vals[~pd.isna(vals)]
        assert (vals >= 0).all()
        if metric == "customers":
            assert (vals <= 1).all()


# ---------------------------------------------------------------------------------------------
# frequency / volume of existing customers


def test_order_frequency_volume_counts_only_existing_customers():
    rows = [("2025-01-05", "A", 100.0, "1"), ("2025-02-01", "A", 60.0, "2"),
            ("2025-02-01", "A", 40.0, "2"), ("2025-02-20", "A", 30.0, "3"),
            ("2025-02-10", "B", 999.0, "4"), ("2025-03-03", "B", 10.0, None),
            ("2025-03-03", "B", 20.0, None)]
    got = order_frequency_volume(ds_of(rows)).set_index("period")
    assert got.loc[T("2025-01-01"), "existing_customers_ordering"] == 0
    assert math.isnan(got.loc[T("2025-01-01"), "amount_per_order"])
    feb = got.loc[T("2025-02-01")]
    assert (feb["existing_customers_ordering"], feb["orders"], feb["amount"]) == (1, 2, 130.0)
    assert (feb["orders_per_customer"], feb["amount_per_order"],
            feb["amount_per_customer"]) == (2.0, 65.0, 130.0)
    mar = got.loc[T("2025-03-01")]
    assert (mar["existing_customers_ordering"], mar["orders"], mar["amount"]) == (1, 1, 30.0)


def test_order_frequency_volume_empty():
    assert order_frequency_volume(ds_of([])).empty
