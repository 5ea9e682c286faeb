"""The landing from the pipeline (ヨミ), stage probabilities and stalled deals: hand-computed on
one small book, with the edge cases (no open deals, a stage with one deal, no history, a rep
with pipeline but no win)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from kpi_xl.calendar import parse_period
from kpi_xl.dataset import make_dataset
from kpi_xl.metrics.landing import LANDING_COLUMNS, pipeline_landing, stage_probabilities
from kpi_xl.metrics.stalled import STALLED_COLUMNS, stalled_deals
from kpi_xl.settings import Settings

AS_OF = dt.date(2026, 3, 31)
MARCH = parse_period("2026-03")
COLS = ["opportunity_id", "rep", "status", "amount", "stage", "approach_date", "hearing_date",
        "proposal_date", "closing_date", "close_date", "expected_close_date",
        "forecast_category"]
DEALS = [
    # decided: d1, d4 and d5 won; d2 lost at proposal, d3 at approach
    ("d1", "a", "won", 900, "won", "01-05", "01-10", "01-20", "02-01", "02-10", None, None),
    ("d2", "a", "lost", 800, "proposal", "01-05", "01-12", "01-22", None, "02-15", None, None),
    ("d3", "b", "lost", 700, "approach", "01-10", None, None, None, "01-20", None, None),
    ("d4", "a", "won", 600, "won", "01-06", "01-16", "01-26", "02-03", "02-20", None, None),
    ("d5", "a", "won", 400, "won", "03-01", None, None, None, "03-10", None, None),
    # open on 03-31
    ("o1", "a", "open", 1000, "proposal", "02-01", "02-10", "03-01", None, None, "03-25",
     "commit"),
    ("o2", "b", "open", 600, "hearing", "03-10", "03-20", None, None, None, "03-31",
     "best_case"),
    ("o3", "a", "open", 500, "closing", "02-01", "02-05", "02-15", "03-05", None, "04-15",
     "commit"),
    ("o4", "a", "open", 300, "approach", "03-28", None, None, None, None, None, None),
    ("o5", "b", "open", 200, "proposal", "01-20", "02-01", "02-20", None, None, "02-27",
     "pipeline"),
]


def _frame(rows=DEALS) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLS)
    for c in ("approach_date", "hearing_date", "proposal_date", "closing_date", "close_date",
              "expected_close_date"):
        df[c] = pd.to_datetime([None if pd.isna(d) else f"2026-{d}" for d in df[c]])
    df["created_date"] = df["approach_date"]
    df["amount"] = df["amount"].astype(float)
    return df


TARGETS = pd.DataFrame({"rep": ["a"], "period": [pd.Timestamp("2026-03-01")],
                        "metric": ["revenue"], "target": [2000.0]})


@pytest.fixture
def ds():
    return make_dataset(opportunities=_frame(), targets=TARGETS)


def test_stage_probabilities_from_history(ds):
    got = stage_probabilities(ds, AS_OF).set_index("stage")
    # every decided deal reached approach: 3 won of 5; hearing and proposal: d1 d2 d4 d5
    # (d5 won: it passed every stage); closing: d1 d4 d5, all won
    assert got["reached"].tolist() == [5, 4, 4, 3]
    assert got["won"].tolist() == [3, 3, 3, 3]
    assert got["probability"].tolist() == [0.6, 0.75, 0.75, 1.0]
    assert set(got["source"]) == {"history"}


def test_a_stage_with_one_deal_and_settings_overrides():
    one = make_dataset(opportunities=_frame([DEALS[0], DEALS[1]]))
    got = stage_probabilities(one, AS_OF).set_index("stage")["probability"]
    # d1 (won) and d2 (lost at proposal): closing was reached by one deal, which was won
    assert got.tolist() == [0.5, 0.5, 0.5, 1.0]
    s = Settings(stage_probabilities=(("closing", 0.7),))
    got = stage_probabilities(one.replace(settings=s), AS_OF).set_index("stage")
    assert got.loc["closing", "probability"] == 0.7 and got.loc["closing", "source"] == "setting"


def test_no_history_takes_the_stage_position():
    only_open = make_dataset(opportunities=_frame(DEALS[5:]))
    got = stage_probabilities(only_open, AS_OF)
    assert got["probability"].tolist() == [0.2, 0.4, 0.6, 0.8]
    assert set(got["source"]) == {"default"}


def test_landing_hand_computed(ds):
    land = pipeline_landing(ds, MARCH, AS_OF, by=None)
    assert list(land.columns) == LANDING_COLUMNS
    r = land.iloc[0]
    # actual: d5 (400); weighted: o1 1000 × 0.75 (proposal) + o2 600 × 0.75 (hearing);
    # o3 closes in April, o4 has no expected close, o5 was expected in February
    assert (r["actual"], r["open_deals"], r["open_amount"]) == (400.0, 2, 1600.0)
    assert r["weighted"] == pytest.approx(1200.0) and r["landing"] == pytest.approx(1600.0)
    assert (r["undated_open"], r["undated_amount"]) == (1, 300.0)
    assert (r["overdue_open"], r["overdue_amount"]) == (1, 200.0)
    # categories of the deals closing in March: commit o1, best case o2
    assert (r["commit"], r["best_case"], r["pipeline"]) == (1000.0, 600.0, 0.0)
    assert (r["commit_deals"], r["best_case_deals"], r["pipeline_deals"]) == (1, 1, 0)
    assert (r["landing_commit"], r["landing_best"], r["landing_pipeline"]) == (
        1400.0, 2000.0, 2000.0)


def test_landing_per_rep_and_a_rep_with_pipeline_but_no_win(ds):
    land = pipeline_landing(ds, MARCH, AS_OF, by="rep").set_index("group")
    assert land.loc["a", "landing"] == pytest.approx(400 + 750)
    assert land.loc["a", "landing_achievement"] == pytest.approx(1150 / 2000)
    # b never won a deal: its pipeline still lands at the team's probabilities, not at 0
    assert land.loc["b", "actual"] == 0.0 and land.loc["b", "landing"] == pytest.approx(450)
    assert math.isnan(land.loc["b", "target"]) and math.isnan(land.loc["b", "landing_achievement"])


def test_landing_without_open_deals_or_categories():
    decided = make_dataset(opportunities=_frame(DEALS[:5]).drop(columns="forecast_category"))
    r = pipeline_landing(decided, MARCH, AS_OF, by=None).iloc[0]
    assert (r["actual"], r["weighted"], r["landing"], r["open_deals"]) == (400.0, 0.0, 400.0, 0)
    assert math.isnan(r["commit"]) and math.isnan(r["landing_best"])


def test_settings_probabilities_change_the_landing(ds):
    s = ds.settings.with_overrides(stage_probabilities=(("proposal", 0.5),))
    r = pipeline_landing(ds.replace(settings=s), MARCH, AS_OF, by=None).iloc[0]
    assert r["weighted"] == pytest.approx(1000 * 0.5 + 600 * 0.75)


# ------------------------------------------------------------------ stalled deals


def test_stalled_deals_hand_computed(ds):
    got = stalled_deals(ds, AS_OF)
    assert list(got.columns) == STALLED_COLUMNS
    # typical days, over every recorded transition out of the stage by 03-31 (open deals
    # that moved on count too): proposal d1 12, d2 24 (to its loss), d4 8, o3 18 → 15;
    # closing d1 9, d4 17 → 13; hearing 10, 10, 10, 19, 10, 19 → 10
    # o1: 30 days in proposal = 2 × 15, not over, but expected 03-25; o5: 39 days > 30 and
    # expected 02-27; o3: 26 days in closing = 2 × 13, not over; o2: 11 days in hearing ≤ 20
    assert got["opportunity_id"].tolist() == ["o1", "o5"]  # largest amount first
    o1 = got.iloc[0]
    assert (o1["stage"], o1["days_in_stage"], o1["typical_days"], o1["threshold_days"]) == (
        "proposal", 30.0, 15.0, 30.0)
    assert (o1["stalled"], o1["overdue"], o1["days_overdue"]) == (False, True, 6.0)
    o5 = got.iloc[1]
    assert (o5["stalled"], o5["days_in_stage"], o5["days_overdue"]) == (True, 39.0, 32.0)


def test_the_stall_factor_is_a_setting(ds):
    strict = ds.replace(settings=ds.settings.with_overrides(stall_factor=1.5))
    got = stalled_deals(strict, AS_OF).set_index("opportunity_id")
    # proposal: 30 days > 1.5 × 15; closing: 26 days > 1.5 × 13; hearing: 11 days ≤ 15
    assert set(got.index) == {"o1", "o3", "o5"} and bool(got.loc["o3", "stalled"])


def test_a_stage_whose_history_is_one_deal():
    rows = [DEALS[0], ("o9", "a", "open", 100, "closing", "02-01", "02-05", "02-15", "03-11",
                       None, None, None)]
    got = stalled_deals(make_dataset(opportunities=_frame(rows)), AS_OF)
    # d1 spent 9 days in closing, the only deal that left it: o9's 20 days are over 2 × 9
    assert got["opportunity_id"].tolist() == ["o9"]
    assert (got.iloc[0]["typical_days"], got.iloc[0]["days_in_stage"]) == (9.0, 20.0)


def test_no_open_deals_no_stalled_deals():
    assert stalled_deals(make_dataset(opportunities=_frame(DEALS[:5])), AS_OF).empty
    assert stalled_deals(make_dataset(), AS_OF).empty


def test_a_deal_closed_later_was_open_then(ds):
    # on 02-05, d2 (lost 02-15) was still in proposal, entered 01-22: 14 days, no history of
    # proposal ending by then (d1 left it 02-01: 12 days) → 14 ≤ 24, not stalled
    got = stalled_deals(ds, dt.date(2026, 2, 5))
    assert "d2" not in set(got["opportunity_id"])
    assert pipeline_landing(ds, parse_period("2026-02"), dt.date(2026, 2, 5), by=None).iloc[0][
        "actual"] == 0.0
