"""Activity ranking: activities per business day by type and rep against the team median,
the rep's own trend and the activities per won deal — hand-computed, with a rep who did
nothing."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from kpi_xl.calendar import month_periods
from kpi_xl.dataset import make_dataset
from kpi_xl.metrics.activity import (
    RANKING_COLUMNS,
    activities_per_won,
    activity_ranking,
    activity_trend,
)
from kpi_xl.settings import Settings

# March 2026 up to Friday the 13th: 2–6 and 9–13 = 10 business days (no holiday in them)
START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 13)


def _acts(rep: str, kind: str, n: int, day: str = "2026-03-02"):
    return [(pd.Timestamp(day), rep, kind)] * n


@pytest.fixture
def ds():
    rows = (_acts("a", "call", 30) + _acts("a", "visit", 10)
            + _acts("b", "call", 10) + _acts("b", "visit", 20)
            + _acts("c", "call", 20)
            + _acts("a", "call", 99, "2026-03-16"))  # after the window
    acts = pd.DataFrame(rows, columns=["date", "rep", "type"])
    won = pd.DataFrame({"opportunity_id": ["w1", "w2", "w3"], "rep": ["a", "a", "b"],
                        "created_date": pd.to_datetime(["2026-02-01"] * 3), "status": "won",
                        "close_date": pd.to_datetime(["2026-03-05", "2026-03-06", "2026-03-09"]),
                        "amount": 1.0})
    reps = pd.DataFrame({"rep": ["a", "b", "c", "d"]})  # d: active, no activity at all
    return make_dataset(Settings(holiday_calendar="none", activity_types=("call", "visit",
                                                                          "email")),
                        activities=acts, opportunities=won, reps=reps)


def test_per_business_day_against_the_team_median(ds):
    got = activity_ranking(ds, START, END)
    assert list(got.columns) == RANKING_COLUMNS
    calls = got[got["type"] == "call"].set_index("rep")
    # 30, 10, 20, 0 calls in 10 business days → 3, 1, 2, 0 a day; median (1 + 2) / 2 = 1.5
    assert calls["per_day"].tolist() == [3.0, 1.0, 2.0, 0.0]
    assert set(calls["team_median"]) == {1.5} and set(calls["business_days"]) == {10}
    assert calls["vs_median"].tolist() == pytest.approx([2.0, 2 / 3, 4 / 3, 0.0])
    assert calls["rank"].tolist() == [1, 3, 2, 4]
    total = got[got["type"] == "activities"].set_index("rep")
    # all types: a 40, b 30, c 20, d 0 → 4, 3, 2, 0; median 2.5; d last
    assert total["per_day"].tolist() == [4.0, 3.0, 2.0, 0.0]
    assert set(total["team_median"]) == {2.5} and total.loc["d", "rank"] == 4
    # nobody sent an email: the type is left out rather than ranked at 0 for everyone
    assert "email" not in set(got["type"])


def test_ties_share_a_rank():
    acts = pd.DataFrame(_acts("a", "call", 5) + _acts("b", "call", 5) + _acts("c", "call", 1),
                        columns=["date", "rep", "type"])
    got = activity_ranking(make_dataset(Settings(holiday_calendar="none"), activities=acts),
                           START, END)
    calls = got[got["type"] == "call"].set_index("rep")["rank"]
    assert calls.tolist() == [1, 1, 3]


def test_a_window_without_business_days():
    ds = make_dataset(Settings(holiday_calendar="none"),
                      activities=pd.DataFrame(_acts("a", "call", 1),
                                              columns=["date", "rep", "type"]))
    got = activity_ranking(ds, dt.date(2026, 3, 7), dt.date(2026, 3, 8))  # a weekend
    assert got["per_day"].isna().all() and got["team_median"].isna().all()


def test_activities_per_won_deal(ds):
    got = activities_per_won(ds, START, END).set_index("rep")
    assert got.loc["a", "per_won"] == 20.0  # 40 activities, 2 won deals
    assert got.loc["b", "per_won"] == 30.0
    assert math.isnan(got.loc["c", "per_won"])  # activity but no win
    assert (got.loc["d", "activities"], got.loc["d", "won_deals"]) == (0.0, 0.0)


def test_the_reps_own_trend_beside_the_team_median(ds):
    months = month_periods(dt.date(2026, 2, 1), dt.date(2026, 3, 1))
    got = activity_trend(ds, months, dt.date(2026, 3, 16)).set_index(["rep", "month"])
    # March up to Monday the 16th: 11 business days; a: 40 + 99 on the 16th
    assert got.loc[("a", "2026-03"), "per_day"] == pytest.approx(139 / 11)
    assert got.loc[("a", "2026-03"), "business_days"] == 11
    assert got.loc[("d", "2026-03"), "per_day"] == 0.0
    # February: nobody did anything: 0 a day each, median 0
    assert got.loc[("a", "2026-02"), "per_day"] == 0.0
    assert got.loc[("a", "2026-02"), "team_median"] == 0.0
    assert got.loc[("a", "2026-03"), "team_median"] == pytest.approx((30 / 11 + 20 / 11) / 2)
