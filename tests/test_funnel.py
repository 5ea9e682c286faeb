"""Tests of kpi_xl.metrics.funnel: hand-computed tables and hypothesis invariants."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_xl.calendar import parse_period
from kpi_xl.dataset import make_dataset
from kpi_xl.errors import ConfigError
from kpi_xl.metrics import (
    average_deal_size,
    conversion,
    conversion_rate,
    cycle_days,
    funnel,
    pipeline_velocity,
    sales_cycle,
    stage_events,
    time_in_stage,
    velocity,
    win_rate,
    win_rates,
)
from kpi_xl.settings import Settings

STAGES = Settings().stages  # approach, hearing, proposal, closing, won
NAN = math.nan


def same(a: float, b: float) -> bool:
    """Equal floats, NaN equal to NaN."""
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a == pytest.approx(b)


def opps(*rows: dict) -> pd.DataFrame:
    cols = ["opportunity_id", "rep", "created_date", "amount", "status", "close_date", "stage",
            *[f"{s}_date" for s in STAGES[:-1]]]
    return pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)


# The main hand-made dataset. Teams: A, B → T1; C → T2.
#   o1 A  created 04-01, approach 04-01, hearing 04-05, proposal 04-10, closing 04-20,
#         won 04-30, amount 100
#   o2 A  created 04-10, hearing 04-12, lost 04-25
#   o3 B  created 03-20, hearing 04-02, proposal 04-08, open
#   o4 C  created 04-15, open, nothing else
#   o5 C  created 04-20, hearing 05-02, proposal 06-15 (slow), won 06-30, amount 300
MAIN = opps(
    dict(opportunity_id="o1", rep="A", created_date="2026-04-01", amount=100, status="won",
         close_date="2026-04-30", approach_date="2026-04-01", hearing_date="2026-04-05",
         proposal_date="2026-04-10", closing_date="2026-04-20"),
    dict(opportunity_id="o2", rep="A", created_date="2026-04-10", amount=50, status="lost",
         close_date="2026-04-25", hearing_date="2026-04-12"),
    dict(opportunity_id="o3", rep="B", created_date="2026-03-20", amount=70, status="open",
         hearing_date="2026-04-02", proposal_date="2026-04-08"),
    dict(opportunity_id="o4", rep="C", created_date="2026-04-15", status="open"),
    dict(opportunity_id="o5", rep="C", created_date="2026-04-20", amount=300, status="won",
         close_date="2026-06-30", hearing_date="2026-05-02", proposal_date="2026-06-15"),
)
REPS = pd.DataFrame({"rep": ["A", "B", "C"], "team": ["T1", "T1", "T2"]})


@pytest.fixture
def main_ds():
    return make_dataset(opportunities=MAIN, reps=REPS)


def reached(df: pd.DataFrame, group: str = "(all)", col: str = "group") -> list[int]:
    return df.loc[df[col] == group, "reached"].tolist()


# --------------------------------------------------------------------------- stage_events


def test_stage_events_implied_from_current_stage_column():
    ds = make_dataset(opportunities=opps(
        dict(opportunity_id="y", rep="A", created_date="2026-04-01", status="open",
             stage="closing"),
        dict(opportunity_id="z", rep="A", created_date="2026-04-01", status="open",
             stage="proposal", hearing_date="2026-04-03"),
    ))
    ev = stage_events(ds)
    y = ev[ev.opportunity_id == "y"]
    assert y.stage.tolist() == ["approach", "hearing", "proposal", "closing"]
    assert y.implied.tolist() == [True] * 4
    assert y.date.iloc[0] == pd.Timestamp("2026-04-01")  # first stage → created_date
    assert y.date.iloc[1:].isna().all()  # no later date known
    z = ev[ev.opportunity_id == "z"]
    assert z.stage.tolist() == ["approach", "hearing", "proposal"]
    assert z.implied.tolist() == [True, False, True]
    assert z.date.iloc[1] == pd.Timestamp("2026-04-03")


def test_stage_events_from_history_earliest_date_wins_and_lost_is_no_row():
    ds = make_dataset(
        opportunities=opps(dict(opportunity_id="x", rep="A", created_date="2026-03-30",
                                status="lost", close_date="2026-04-20",
                                proposal_date="2026-04-12")),
        stage_history=pd.DataFrame({
            "opportunity_id": ["x", "x", "x", "x", "ghost"],
            "stage": ["approach", "proposal", "lost", "proposal", "hearing"],
            "date": ["2026-04-01", "2026-04-10", "2026-04-20", "2026-04-15", "2026-04-01"],
        }),
    )
    ev = stage_events(ds)
    assert ev.stage.tolist() == ["approach", "hearing", "proposal"]
    assert ev.date.tolist() == [pd.Timestamp(d) for d in ("2026-04-01", "2026-04-10",
                                                           "2026-04-10")]
    assert ev.implied.tolist() == [False, True, False]


def test_stage_events_won_reaches_last_stage_at_close_date():
    ds = make_dataset(opportunities=opps(dict(opportunity_id="w", rep="A",
                                              created_date="2026-04-01", status="won",
                                              close_date="2026-04-11")))
    ev = stage_events(ds)
    assert ev.stage.tolist() == list(STAGES)
    assert ev.implied.tolist() == [True, True, True, True, False]
    assert (ev.date.iloc[1:] == pd.Timestamp("2026-04-11")).all()


def test_stage_events_empty_dataset():
    ev = stage_events(make_dataset())
    assert list(ev.columns) == ["opportunity_id", "stage", "date", "implied"]
    assert ev.empty


# --------------------------------------------------------------------------- funnel


@pytest.mark.parametrize(("basis", "start", "end", "window", "expected"), [
    ("cohort", None, None, None, [5, 4, 3, 2, 2]),
    ("cohort", "2026-04-01", "2026-04-30", None, [4, 3, 2, 2, 2]),
    ("period", "2026-04-01", "2026-04-30", None, [4, 3, 2, 1, 1]),
    ("cohort", "2026-04-01", "2026-04-30", 30, [4, 3, 1, 1, 1]),  # o5 proposal after 56 days
    ("cohort", "2026-04-01", "2026-04-30", 28, [4, 3, 1, 1, 0]),  # o1 won after 29 days
    ("period", "2026-05-01", "2026-05-31", None, [0, 1, 0, 0, 0]),
    ("period", "2026-06-01", "2026-06-30", None, [0, 0, 1, 1, 1]),  # o5 closing implied 06-30
    ("cohort", "2027-01-01", "2027-12-31", None, [0, 0, 0, 0, 0]),
])
def test_funnel_reached_by_basis(main_ds, basis, start, end, window, expected):
    df = funnel(main_ds, basis=basis, start=start, end=end, window_days=window)
    assert df.stage.tolist() == list(STAGES)
    assert reached(df) == expected
    assert set(df.definition) == {basis if window is None else f"cohort, within {window} days"}


def test_funnel_cohort_and_period_basis_differ_on_same_data(main_ds):
    c = funnel(main_ds, basis="cohort", start="2026-04-01", end="2026-04-30")
    p = funnel(main_ds, basis="period", start="2026-04-01", end="2026-04-30")
    assert c.conversion_from_first.iloc[-1] == pytest.approx(2 / 4)
    assert p.conversion_from_first.iloc[-1] == pytest.approx(1 / 4)


def test_funnel_conversions_hand_computed(main_ds):
    df = funnel(main_ds, start="2026-04-01", end="2026-04-30")  # [4, 3, 2, 2, 2]
    prev = df.conversion_from_previous.tolist()
    assert math.isnan(prev[0])
    assert prev[1:] == pytest.approx([3 / 4, 2 / 3, 1.0, 1.0])
    assert df.conversion_from_first.tolist() == pytest.approx([1.0, 3 / 4, 2 / 4, 2 / 4, 2 / 4])


def test_funnel_period_zero_denominator_is_nan(main_ds):
    df = funnel(main_ds, basis="period", start="2026-05-01", end="2026-05-31")
    # [0, 1, 0, 0, 0]: hearing ÷ approach = 1/0, proposal ÷ hearing = 0/1
    assert math.isnan(df.conversion_from_previous.iloc[1])
    assert df.conversion_from_previous.iloc[2] == 0.0
    assert df.conversion_from_first.isna().all()


def test_funnel_accepts_a_period_object(main_ds):
    df = funnel(main_ds, start=parse_period("2026-04"))
    assert reached(df) == [4, 3, 2, 2, 2]


def test_funnel_by_team(main_ds):
    df = funnel(main_ds, by="team")
    assert list(df.columns) == ["team", "stage", "reached", "conversion_from_previous",
                                "conversion_from_first", "definition"]
    assert reached(df, "T1", "team") == [3, 3, 2, 1, 1]
    assert reached(df, "T2", "team") == [2, 1, 1, 1, 1]


def test_funnel_empty_dataset_has_all_group_with_zeros_and_nan():
    df = funnel(make_dataset())
    assert reached(df) == [0, 0, 0, 0, 0]
    assert df.conversion_from_previous.isna().all()
    assert df.conversion_from_first.isna().all()
    assert funnel(make_dataset(), by="rep").empty


def test_funnel_single_won_opportunity_passes_every_stage():
    ds = make_dataset(opportunities=opps(dict(opportunity_id="s", rep="A",
                                              created_date="2026-04-01", status="won",
                                              close_date="2026-04-11", amount=50)))
    df = funnel(ds)
    assert reached(df) == [1, 1, 1, 1, 1]
    assert df.conversion_from_first.tolist() == [1.0] * 5


def test_funnel_counts_stages_implied_by_current_stage_and_history():
    ds = make_dataset(
        opportunities=opps(
            dict(opportunity_id="p", rep="A", created_date="2026-04-01", status="open",
                 stage="proposal"),
            dict(opportunity_id="h", rep="A", created_date="2026-04-01", status="open"),
        ),
        stage_history=pd.DataFrame({"opportunity_id": ["h"], "stage": ["closing"],
                                    "date": ["2026-04-09"]}),
    )
    assert reached(funnel(ds)) == [2, 2, 2, 1, 0]
    # within a window only dated passages count: p's proposal date is unknown
    assert reached(funnel(ds, window_days=10)) == [2, 1, 1, 1, 0]


def test_funnel_window_days_defaults_to_settings():
    ds = make_dataset(Settings(conversion_window_days=30), opportunities=MAIN, reps=REPS)
    assert reached(funnel(ds, start="2026-04-01", end="2026-04-30")) == [4, 3, 1, 1, 1]


def test_funnel_rejects_unknown_basis_and_dimension(main_ds):
    with pytest.raises(ConfigError):
        funnel(main_ds, basis="weekly")
    with pytest.raises(ConfigError):
        funnel(main_ds, by="region")


# --------------------------------------------------------------------------- conversion


@pytest.mark.parametrize(("frm", "to", "basis", "window", "num", "den"), [
    ("approach", "won", "cohort", None, 2, 4),
    ("approach", "won", "period", None, 1, 4),
    ("hearing", "proposal", "cohort", None, 2, 3),
    ("hearing", "won", "cohort", None, 1, 3),
    ("approach", "proposal", "cohort", 30, 1, 4),  # o5's proposal took 56 days
    ("approach", "proposal", "cohort", 60, 2, 4),
])
def test_conversion_hand_computed_april(main_ds, frm, to, basis, window, num, den):
    r = conversion(main_ds, frm, to, start="2026-04-01", end="2026-04-30", basis=basis,
                   window_days=window)
    assert (r.numerator, r.denominator) == (num, den)
    assert r.value == pytest.approx(num / den)


def test_conversion_no_entries_is_nan_with_note(main_ds):
    r = conversion(main_ds, "hearing", "won", start="2027-01-01", end="2027-01-31")
    assert math.isnan(r.value)
    assert "hearing" in r.note
    assert math.isnan(conversion(make_dataset(), "approach", "won").value)


def test_conversion_by_team_and_stage_aliases(main_ds):
    df = conversion(main_ds, "アプローチ", "受注", by="team")
    assert df.team.tolist() == ["T1", "T2"]
    assert df.numerator.tolist() == [1, 1]
    assert df.denominator.tolist() == [3, 2]
    assert set(df.definition) == {"cohort"}


def test_conversion_rejects_backwards_stages(main_ds):
    with pytest.raises(ConfigError):
        conversion(main_ds, "proposal", "hearing")


D = pd.Timestamp
FROM = pd.Series([D("2026-04-01"), D("2026-04-10"), D("2026-04-20"), pd.NaT, D("2026-05-01")])
TO = pd.Series([D("2026-04-05"), pd.NaT, D("2026-06-01"), D("2026-04-15"), D("2026-05-02")])


@pytest.mark.parametrize(("kwargs", "num", "den"), [
    ({}, 3, 4),
    ({"start": "2026-04-01", "end": "2026-04-30"}, 2, 3),
    ({"start": "2026-04-01", "end": "2026-04-30", "window_days": 10}, 1, 3),
    ({"start": "2026-04-01", "end": "2026-04-30", "basis": "period"}, 2, 3),
    ({"start": "2026-05-01", "end": "2026-05-31", "basis": "period"}, 1, 1),
    ({"start": "2026-06-01", "end": "2026-06-30", "basis": "period"}, 1, 0),
])
def test_conversion_rate_scalar(kwargs, num, den):
    r = conversion_rate(FROM, TO, **kwargs)
    assert (r.numerator, r.denominator) == (num, den)
    assert same(r.value, num / den if den else NAN)


def test_conversion_rate_empty_series_is_nan():
    r = conversion_rate(pd.Series([], dtype="datetime64[ns]"), pd.Series([], dtype=object))
    assert math.isnan(r.value) and r.note


# --------------------------------------------------------------------------- win rate


@pytest.mark.parametrize(("statuses", "definition", "value", "num", "den"), [
    (["won", "lost", "open"], "closed", 0.5, 1, 2),
    (["won", "lost", "open"], "all", 1 / 3, 1, 3),
    (["WON", " Lost ", "", None, NAN, "受注"], "closed", 2 / 3, 2, 3),
    (["lost", "lost"], "closed", 0.0, 0, 2),  # all lost → 0, not NaN
    (["open", "open"], "closed", NAN, 0, 0),  # no closed deals → NaN
    (["open", "open"], "all", 0.0, 0, 2),
    ([], "closed", NAN, 0, 0),
    (["won"], "closed", 1.0, 1, 1),
])
def test_win_rate_scalar(statuses, definition, value, num, den):
    r = win_rate(statuses, definition)
    assert same(r.value, value)
    assert (r.numerator, r.denominator) == (num, den)
    assert r.definition == definition
    assert bool(r.note) == (den == 0)


def test_win_rate_closed_ignores_open_deals_and_notes_unknown_values():
    r = win_rate(pd.Series(["won", "open", "open", "maybe"]))
    assert r.value == 1.0
    assert "1 unrecognised" in r.note


def test_win_rate_rejects_unknown_definition():
    with pytest.raises(ConfigError):
        win_rate(["won"], "weighted")


@pytest.mark.parametrize(("kwargs", "group", "num", "den"), [
    ({}, "(all)", 2, 3),
    ({"start": "2026-04-01", "end": "2026-04-30"}, "(all)", 1, 2),
    # 'all' counts the same decided deals (o1 won, o2 lost in April) plus those still open on
    # April 30: o3 and o4 (open), o5 (closed only in June). It used to count the deals
    # *created* in April (2/4), a different set from 'closed' (issue 10).
    ({"start": "2026-04-01", "end": "2026-04-30", "definition": "all"}, "(all)", 1, 5),
    ({"by": "team"}, "T1", 1, 2),
    ({"by": "team"}, "T2", 1, 1),
    ({"by": "rep", "definition": "all"}, "B", 0, 1),
])
def test_win_rates_dataset(main_ds, kwargs, group, num, den):
    df = win_rates(main_ds, **kwargs)
    col = kwargs.get("by") or "group"
    row = df[df[col] == group].iloc[0]
    assert (row.numerator, row.denominator) == (num, den)
    assert row.value == pytest.approx(num / den)
    assert row.definition == kwargs.get("definition", "closed")


def test_win_rates_all_lost_is_zero_and_no_closed_is_nan_with_note():
    lost = make_dataset(opportunities=opps(
        dict(opportunity_id="a", rep="A", created_date="2026-04-01", status="lost",
             close_date="2026-04-05"),
        dict(opportunity_id="b", rep="A", created_date="2026-04-01", status="lost",
             close_date="2026-04-06"),
    ))
    assert win_rates(lost).value.iloc[0] == 0.0
    open_only = make_dataset(opportunities=opps(
        dict(opportunity_id="a", rep="A", created_date="2026-04-01", status="open")))
    row = win_rates(open_only).iloc[0]
    assert math.isnan(row.value) and row.note
    assert math.isnan(win_rates(make_dataset()).value.iloc[0])


# --------------------------------------------------------------------------- deal size, cycle


@pytest.mark.parametrize(("kwargs", "group", "avg", "count"), [
    ({}, "(all)", 200.0, 2),
    ({"start": "2026-04-01", "end": "2026-04-30"}, "(all)", 100.0, 1),
    ({"start": "2026-05-01", "end": "2026-05-31"}, "(all)", NAN, 0),
    ({"by": "rep"}, "B", NAN, 0),
    ({"by": "rep"}, "C", 300.0, 1),
])
def test_average_deal_size(main_ds, kwargs, group, avg, count):
    df = average_deal_size(main_ds, **kwargs)
    row = df[df[kwargs.get("by") or "group"] == group].iloc[0]
    assert same(row.average_deal_size, avg)
    assert row["count"] == count
    assert bool(row.note) == (count == 0)


def test_average_deal_size_leaves_out_missing_amounts():
    ds = make_dataset(opportunities=opps(
        dict(opportunity_id="a", rep="A", created_date="2026-04-01", status="won",
             close_date="2026-04-05", amount=10),
        dict(opportunity_id="b", rep="A", created_date="2026-04-01", status="won",
             close_date="2026-04-06"),
    ))
    row = average_deal_size(ds).iloc[0]
    assert (row.average_deal_size, row["count"]) == (10.0, 1)
    assert "without amount" in row.note


@pytest.mark.parametrize(("kwargs", "mean", "median", "count"), [
    ({}, 50.0, 50.0, 2),  # o1 29 days, o5 71 days
    ({"include_lost": True}, 115 / 3, 29.0, 3),  # + o2 15 days
    ({"start": "2026-04-01", "end": "2026-04-30"}, 29.0, 29.0, 1),
    ({"start": "2026-05-01", "end": "2026-05-31"}, NAN, NAN, 0),
])
def test_sales_cycle(main_ds, kwargs, mean, median, count):
    row = sales_cycle(main_ds, **kwargs).iloc[0]
    assert same(row.mean_days, mean) and same(row.median_days, median)
    assert row["count"] == count
    assert bool(row.note) == (count == 0)


@pytest.mark.parametrize(("status", "include_lost", "expected"), [
    (None, False, {"mean": 20.0, "median": 20.0, "count": 3}),
    (["won", "lost", "won"], False, {"mean": 20.0, "median": 20.0, "count": 2}),
    (["won", "lost", "won"], True, {"mean": 20.0, "median": 20.0, "count": 3}),
    (["open", "lost", "open"], False, {"mean": NAN, "median": NAN, "count": 0}),
])
def test_cycle_days_scalar(status, include_lost, expected):
    created = pd.Series(["2026-04-01", "2026-04-01", "2026-04-01"])
    closed = pd.Series(["2026-04-11", "2026-04-21", "2026-05-01"])
    got = cycle_days(created, closed, None if status is None else pd.Series(status),
                     include_lost)
    assert got["count"] == expected["count"]
    assert same(got["mean"], expected["mean"]) and same(got["median"], expected["median"])


# --------------------------------------------------------------------------- time in stage


@pytest.mark.parametrize(("stage", "mean", "median", "count"), [
    ("approach", 4.0, 4.0, 1),  # only o1 has a recorded approach date
    ("hearing", 17.0, 9.5, 4),  # o1 5, o2 13 (to lost close), o3 6, o5 44
    ("proposal", 10.0, 10.0, 1),  # o3 still open, o5's closing is implied
    ("closing", 10.0, 10.0, 1),
])
def test_time_in_stage(main_ds, stage, mean, median, count):
    df = time_in_stage(main_ds)
    assert df.stage.tolist() == list(STAGES[:-1])
    row = df[df.stage == stage].iloc[0]
    assert same(row.mean_days, mean) and same(row.median_days, median)
    assert row["count"] == count


def test_time_in_stage_empty_dataset_is_nan():
    df = time_in_stage(make_dataset())
    assert df.mean_days.isna().all() and (df["count"] == 0).all()


# --------------------------------------------------------------------------- velocity


@pytest.mark.parametrize(("args", "expected"), [
    ((3, 100.0, 0.5, 29.0), 150 / 29),
    ((0, 100.0, 0.5, 29.0), 0.0),
    ((3, NAN, 0.5, 29.0), NAN),
    ((3, 100.0, None, 29.0), NAN),
    ((3, 100.0, 0.5, 0.0), NAN),
])
def test_velocity_scalar(args, expected):
    assert same(velocity(*args), expected)


def test_pipeline_velocity_hand_computed(main_ds):
    row = pipeline_velocity(main_ds, as_of="2026-04-30").iloc[0]
    # open at 04-30: o3, o4, o5 (closes 06-30); o1 closed that day, o2 lost 04-25
    assert row.open_opportunities == 3
    assert (row.average_deal_size, row.win_rate, row.sales_cycle_days) == (100.0, 0.5, 29.0)
    assert row.velocity_per_day == pytest.approx(150 / 29)
    assert row.note == ""


def test_pipeline_velocity_missing_factor_is_nan_with_note(main_ds):
    row = pipeline_velocity(main_ds, as_of="2026-04-20").iloc[0]
    assert row.open_opportunities == 5
    assert math.isnan(row.velocity_per_day)
    assert "win rate" in row.note


def test_pipeline_velocity_lookback_and_team(main_ds):
    df = pipeline_velocity(main_ds, by="team", as_of="2026-06-30", lookback=30)
    t1 = df[df.team == "T1"].iloc[0]
    t2 = df[df.team == "T2"].iloc[0]
    assert t1.open_opportunities == 1 and math.isnan(t1.velocity_per_day)  # nothing closed
    assert t2.open_opportunities == 1
    assert t2.velocity_per_day == pytest.approx(1 * 300 * 1.0 / 71)


# --------------------------------------------------------------------------- properties

DAY0 = dt.date(2026, 1, 1)
days = st.integers(0, 90)
maybe_day = st.none() | days


def as_date(n: int | None) -> dt.date | None:
    return None if n is None else DAY0 + dt.timedelta(days=n)


@st.composite
def datasets(draw):
    n = draw(st.integers(0, 12))
    rows = []
    for i in range(n):
        status = draw(st.sampled_from(["open", "won", "lost"]))
        row = {
            "opportunity_id": f"o{i}",
            "rep": draw(st.sampled_from(["A", "B", "C"])),
            "created_date": as_date(draw(days)),
            "amount": draw(st.none() | st.floats(0, 1000)),
            "status": status,
            "close_date": as_date(draw(maybe_day)) if status != "open" else None,
            "stage": draw(st.none() | st.sampled_from(STAGES)),
        }
        for s in STAGES[:-1]:
            row[f"{s}_date"] = as_date(draw(maybe_day))  # dates may be out of order
        rows.append(row)
    hist = draw(st.lists(st.tuples(st.integers(0, max(n - 1, 0)),
                                   st.sampled_from([*STAGES, "lost"]), days), max_size=8))
    history = pd.DataFrame({
        "opportunity_id": [f"o{i}" for i, _, _ in hist],
        "stage": [s for _, s, _ in hist],
        "date": [as_date(d) for _, _, d in hist],
    })
    reps = pd.DataFrame({"rep": ["A", "B", "C"], "team": ["T1", "T1", "T2"]})
    return make_dataset(opportunities=opps(*rows), stage_history=history, reps=reps)


periods = st.one_of(
    st.just((None, None)),
    st.tuples(days, st.integers(0, 60)).map(lambda t: (as_date(t[0]),
                                                       as_date(t[0] + t[1]))),
)
PROPS = settings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


def in_unit(values) -> bool:
    v = np.asarray(values, dtype=float)
    return bool(np.all(np.isnan(v) | ((v >= 0) & (v <= 1))))


@PROPS
@given(datasets(), periods, st.none() | st.integers(0, 60),
       st.sampled_from([None, "rep", "team"]))
def test_cohort_funnel_reached_never_increases_and_rates_in_unit(ds, period, window, by):
    df = funnel(ds, by=by, start=period[0], end=period[1], basis="cohort", window_days=window)
    col = by or "group"
    for _, g in df.groupby(col):
        counts = g.reached.to_numpy()
        assert np.all(np.diff(counts) <= 0)
    assert in_unit(df.conversion_from_previous) and in_unit(df.conversion_from_first)


@PROPS
@given(datasets(), periods, st.none() | st.integers(0, 60),
       st.sampled_from([*itertools.pairwise(STAGES), ("approach", "won")]))
def test_cohort_conversion_in_unit_interval(ds, period, window, pair):
    r = conversion(ds, *pair, start=period[0], end=period[1], basis="cohort",
                   window_days=window)
    assert in_unit([r.value])
    df = conversion(ds, *pair, start=period[0], end=period[1], basis="cohort",
                    window_days=window, by="rep")
    assert in_unit(df.value)
    assert df.numerator.sum() == r.numerator and df.denominator.sum() == r.denominator


@PROPS
@given(datasets(), periods, st.sampled_from(["closed", "all"]))
def test_win_rates_in_unit_and_rep_won_counts_sum_to_total(ds, period, definition):
    total = win_rates(ds, start=period[0], end=period[1], definition=definition)
    per_rep = win_rates(ds, by="rep", start=period[0], end=period[1], definition=definition)
    assert in_unit(total.value) and in_unit(per_rep.value)
    assert per_rep.numerator.sum() == total.numerator.iloc[0]
    assert per_rep.denominator.sum() == total.denominator.iloc[0]


@PROPS
@given(st.lists(st.sampled_from(["won", "lost", "open", "Won", "", None, "x", "受注"]),
                max_size=20), st.sampled_from(["closed", "all"]))
def test_win_rate_scalar_in_unit(statuses, definition):
    r = win_rate(statuses, definition)
    assert in_unit([r.value])
    assert (r.numerator == 0) if math.isnan(r.value) else r.denominator > 0


@PROPS
@given(datasets())
def test_every_opportunity_reaches_first_stage_and_events_are_monotone(ds):
    ev = stage_events(ds)
    first = ev[ev.stage == STAGES[0]]
    assert sorted(first.opportunity_id) == sorted(ds.opportunities.opportunity_id)
    rank = ev.stage.map({s: i for i, s in enumerate(STAGES)})
    per_opp = rank.groupby(ev.opportunity_id.to_numpy())
    assert (per_opp.max() + 1 == per_opp.count()).all()  # stages 0..k, no gaps


def test_funnel_period_basis_conversion_can_exceed_one(main_ds):
    # T1 in April: approach entries o1, o2; hearing entries o1, o2 and o3 (created in March)
    df = funnel(main_ds, by="team", basis="period", start="2026-04-01", end="2026-04-30")
    t1 = df[df.team == "T1"]
    assert t1.reached.tolist()[:2] == [2, 3]
    assert t1.conversion_from_previous.iloc[1] == pytest.approx(1.5)


def test_funnel_with_custom_stages():
    cfg = Settings(stages=("lead", "deal", "won"), opportunity_stage="deal")
    ds = make_dataset(cfg, opportunities=pd.DataFrame({
        "opportunity_id": ["a", "b", "c"], "rep": ["A", "A", "B"],
        "created_date": ["2026-04-01"] * 3, "status": ["won", "lost", "open"],
        "close_date": ["2026-04-09", "2026-04-08", None],
        "deal_date": [None, "2026-04-03", None],
    }))
    df = funnel(ds)
    assert df.stage.tolist() == ["lead", "deal", "won"]
    assert reached(df) == [3, 2, 1]
    assert win_rates(ds).value.iloc[0] == 0.5
