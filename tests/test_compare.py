"""前年同月比・前月比 and the trailing 12 months: hand-computed tables, the same-day windows,
"no data a year ago" instead of 0 %, and a zero base."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from kpi_xl.dataset import make_dataset
from kpi_xl.metrics.compare import COMPARE_COLUMNS, comparisons, coverage_start, same_day_windows

D = dt.date


def _won(rows):
    """(close date, rep, amount) → won opportunities (created the day before)."""
    return pd.DataFrame({
        "opportunity_id": [f"o{i}" for i in range(len(rows))],
        "rep": [r for _, r, _ in rows],
        "created_date": [pd.Timestamp(d) - pd.Timedelta(days=1) for d, _, _ in rows],
        "status": "won", "close_date": [pd.Timestamp(d) for d, _, _ in rows],
        "amount": [a for _, _, a in rows]})


# won deals: Nov 2024 (a year ago), Oct 2025 (last month), Nov 2025 (this month, to the 20th)
DEALS = [
    ("2024-11-01", "a", 100.0), ("2024-11-05", "a", 50.0),  # 1 … 20 Nov 2024
    ("2024-11-25", "a", 999.0),  # after the 20th a year ago: not compared
    ("2025-10-03", "a", 80.0), ("2025-10-21", "b", 70.0),  # the 21st: after the same day
    ("2025-11-02", "a", 120.0), ("2025-11-20", "b", 60.0),
    ("2025-06-15", "b", 40.0),  # in the trailing 12 months only
]


@pytest.fixture
def ds():
    return make_dataset(opportunities=_won(DEALS))


def test_windows_compare_the_same_days():
    w = same_day_windows(D(2025, 11, 20))
    assert w == {
        "current": (D(2025, 11, 1), D(2025, 11, 20)),
        "last_year": (D(2024, 11, 1), D(2024, 11, 20)),
        "previous_month": (D(2025, 10, 1), D(2025, 10, 20)),
        "t12m": (D(2024, 11, 21), D(2025, 11, 20)),
        "t12m_last_year": (D(2023, 11, 21), D(2024, 11, 20)),
    }


@pytest.mark.parametrize(("cut", "last_year", "previous"), [
    (D(2024, 2, 29), (D(2023, 2, 1), D(2023, 2, 28)), (D(2024, 1, 1), D(2024, 1, 29))),
    (D(2025, 3, 31), (D(2024, 3, 1), D(2024, 3, 31)), (D(2025, 2, 1), D(2025, 2, 28))),
])
def test_windows_at_month_ends_stay_inside_the_month(cut, last_year, previous):
    w = same_day_windows(cut)
    assert (w["last_year"], w["previous_month"]) == (last_year, previous)


def test_everyone_hand_computed(ds):
    got = comparisons(ds, D(2025, 11, 20), metrics=["revenue", "won_deals"])
    assert list(got.columns) == COMPARE_COLUMNS
    rev = got.set_index("metric").loc["revenue"]
    # this month 120 + 60; a year ago 100 + 50 (not the 999 of the 25th); last month 80 (not
    # the 70 of the 21st); trailing 12 months = 999 + 80 + 70 + 120 + 60 + 40
    assert (rev["current"], rev["last_year"], rev["previous_month"]) == (180.0, 150.0, 80.0)
    assert rev["yoy"] == pytest.approx(180 / 150 - 1) and rev["mom"] == pytest.approx(1.25)
    assert rev["t12m"] == 1369.0
    # the 12 months before go back to 2023-11-21: before the first deal (2024-11-01)
    assert math.isnan(rev["t12m_last_year"]) and math.isnan(rev["t12m_yoy"])
    assert rev["t12m_note"] == "no_data" and rev["yoy_note"] == rev["mom_note"] == ""
    won = got.set_index("metric").loc["won_deals"]
    assert (won["current"], won["last_year"], won["previous_month"]) == (2.0, 2.0, 1.0)
    assert (won["yoy"], won["mom"]) == (0.0, 1.0)


def test_no_data_a_year_ago_is_not_zero_percent():
    ds = make_dataset(opportunities=_won([("2025-10-01", "a", 10.0), ("2025-11-03", "a", 30.0)]))
    row = comparisons(ds, D(2025, 11, 20), metrics=["revenue"]).iloc[0]
    assert math.isnan(row["last_year"]) and math.isnan(row["yoy"])
    assert row["yoy_note"] == "no_data"
    assert (row["previous_month"], row["mom"]) == (10.0, 2.0)


def test_data_from_the_first_business_day_covers_the_month():
    # 2025-11-01 is a Saturday: data from Monday 11-03 covers November
    ds = make_dataset(opportunities=_won([("2025-11-03", "a", 10.0), ("2026-11-02", "a", 30.0)]))
    row = comparisons(ds, D(2026, 11, 20), metrics=["revenue"]).iloc[0]
    assert (row["last_year"], row["yoy"], row["yoy_note"]) == (10.0, 2.0, "")


def test_a_zero_base_says_so(ds):
    by_rep = comparisons(ds, D(2025, 11, 20), metrics=["revenue"], by="rep",
                         groups=["a", "b", "c"]).set_index("group")
    # b had nothing a year ago: the change is undefined, not infinite
    assert by_rep.loc["b", "last_year"] == 0.0 and math.isnan(by_rep.loc["b", "yoy"])
    assert by_rep.loc["b", "yoy_note"] == "zero_base"
    # c (a rep with nothing at all): zeros, and no change
    c = by_rep.loc["c"]
    assert (c["current"], c["last_year"], c["previous_month"]) == (0.0, 0.0, 0.0)
    assert c["yoy_note"] == c["mom_note"] == "zero_base"


def test_activity_counts_and_a_rep_with_no_activity():
    acts = pd.DataFrame({"date": pd.to_datetime(["2024-11-01", "2025-10-06", "2025-11-04",
                                                 "2025-11-05", "2025-11-21"]),
                         "rep": ["a", "a", "a", "a", "a"], "type": "call"})
    ds = make_dataset(activities=acts, reps=pd.DataFrame({"rep": ["a", "z"]}))
    got = comparisons(ds, D(2025, 11, 20), metrics=["activities", "calls"], by="rep",
                      groups=["a", "z"]).set_index(["group", "metric"])
    a = got.loc[("a", "activities")]
    assert (a["current"], a["last_year"], a["previous_month"], a["yoy"], a["mom"]) == (
        2.0, 1.0, 1.0, 1.0, 1.0)
    assert got.loc[("a", "calls"), "current"] == 2.0
    z = got.loc[("z", "activities")]
    assert z["current"] == 0.0 and z["yoy_note"] == "zero_base"


def test_metrics_without_any_data_are_left_out(ds):
    got = comparisons(ds, D(2025, 11, 20))  # no orders, customers or activities
    assert got["metric"].tolist() == ["revenue", "won_deals", "new_customers"]
    assert coverage_start(ds, "activities") is None
    assert coverage_start(ds, "revenue") == D(2024, 11, 1)
