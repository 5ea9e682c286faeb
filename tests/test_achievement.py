import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_xl.calendar import BusinessCalendar, parse_period
from kpi_xl.dataset import make_dataset
from kpi_xl.metrics import achievement, pace, scorecard, target_totals
from kpi_xl.metrics.actuals import actuals, canonical_metric

D = dt.date
NO_HOLIDAYS = BusinessCalendar("none")


@pytest.mark.parametrize(
    ("actual", "target", "value", "note"),
    [
        (80, 100, 0.8, ""),
        (0, 100, 0.0, ""),
        (150, 100, 1.5, ""),
        (5, 0, math.nan, "target is zero"),
        (0, 0, math.nan, "target is zero"),
        (5, None, math.nan, "no target"),
        (5, math.nan, math.nan, "no target"),
    ],
)
def test_achievement_table(actual, target, value, note):
    r = achievement(actual, target)
    assert (math.isnan(r.value) and math.isnan(value)) or r.value == pytest.approx(value)
    assert r.note == note


# June 2026 without holidays: 22 weekdays (Mon 1 … Tue 30).
@pytest.mark.parametrize(
    ("actual", "target", "as_of", "exp"),
    [
        # 11 of 22 days elapsed (Jun 1-15), half the target done: on pace, forecast = target
        (50, 100, D(2026, 6, 15), dict(elapsed=11, remaining=11, expected=50, pace=1.0,
                                       forecast=100, gap=0, required=50 / 11)),
        # behind: 30 done after 11 days → forecast 60, gap -40, 70 still needed over 11 days
        (30, 100, D(2026, 6, 15), dict(elapsed=11, remaining=11, expected=50, pace=0.6,
                                       forecast=60, gap=-40, required=70 / 11)),
        # target already met: nothing required
        (120, 100, D(2026, 6, 15), dict(elapsed=11, remaining=11, expected=50, pace=2.4,
                                        forecast=240, gap=140, required=0)),
        # before the period: nothing elapsed → pace and forecast undefined
        (0, 100, D(2026, 5, 20), dict(elapsed=0, remaining=22, expected=0, pace=math.nan,
                                      forecast=math.nan, gap=math.nan, required=100 / 22)),
        # after the period, target missed: no days left → required undefined
        (90, 100, D(2026, 7, 3), dict(elapsed=22, remaining=0, expected=100, pace=0.9,
                                      forecast=90, gap=-10, required=math.nan)),
        # zero target: expected 0, pace undefined, gap = forecast
        (10, 0, D(2026, 6, 15), dict(elapsed=11, remaining=11, expected=0, pace=math.nan,
                                     forecast=20, gap=20, required=0)),
    ],
)
def test_pace_and_forecast_table(actual, target, as_of, exp):
    p = pace(actual, target, D(2026, 6, 1), D(2026, 6, 30), as_of, NO_HOLIDAYS)
    assert p.business_days_total == 22
    assert p.business_days_elapsed == exp["elapsed"]
    assert p.business_days_remaining == exp["remaining"]
    got = dict(expected=p.expected_to_date, pace=p.pace, forecast=p.forecast, gap=p.gap,
               required=p.required_per_day)
    for k in ("expected", "pace", "forecast", "gap", "required"):
        if math.isnan(exp[k]):
            assert math.isnan(got[k]), k
        else:
            assert got[k] == pytest.approx(exp[k]), k


def test_pace_uses_japanese_holidays():
    # May 2026 has 18 JP business days; by May 8 (Fri): May 1, 7, 8 → 3 elapsed.
    p = pace(30, 180, D(2026, 5, 1), D(2026, 5, 31), D(2026, 5, 8), BusinessCalendar("JP"))
    assert (p.business_days_total, p.business_days_elapsed) == (18, 3)
    assert p.forecast == pytest.approx(180)


def test_pace_without_target_still_forecasts():
    p = pace(10, None, D(2026, 6, 1), D(2026, 6, 30), D(2026, 6, 15), NO_HOLIDAYS)
    assert p.forecast == pytest.approx(20)
    assert math.isnan(p.pace) and "no target" in p.note


def _ds():
    reps = pd.DataFrame({"rep": ["a", "b", "c"], "team": ["T1", "T1", "T2"]})
    opp = pd.DataFrame({
        "opportunity_id": ["1", "2", "3", "4", "5"],
        "rep": ["a", "a", "b", "c", "c"],
        "created_date": ["2026-03-01"] * 5,
        "close_date": ["2026-04-10", "2026-04-20", "2026-04-15", "2026-05-02", "2026-04-03"],
        "status": ["won", "won", "won", "won", "lost"],
        "amount": [100.0, 50.0, 200.0, 999.0, 70.0],
    })
    targets = pd.DataFrame({
        "rep": ["a", "b", "c", None],
        "team": [None, None, None, "T2"],
        "period": pd.to_datetime(["2026-04-01"] * 4),
        "metric": ["revenue"] * 4,
        "target": [300.0, 0.0, 100.0, 500.0],
    })
    return make_dataset(reps=reps, opportunities=opp, targets=targets)


def test_scorecard_per_rep_table():
    ds = _ds()
    sc = scorecard(ds, parse_period("2026-04"), by="rep", as_of=D(2026, 4, 30))
    got = sc.set_index("group")[["target", "actual", "achievement", "achievement_note"]]
    assert got.loc["a"].tolist()[:3] == [300.0, 150.0, 0.5]
    assert got.loc["b", "actual"] == 200.0 and math.isnan(got.loc["b", "achievement"])
    assert got.loc["b", "achievement_note"] == "target is zero"
    # c's won deal closed in May does not count in April; the lost one never counts
    assert got.loc["c", "actual"] == 0.0 and got.loc["c", "achievement"] == 0.0


def test_team_achievement_is_sum_actual_over_sum_target_with_team_override():
    ds = _ds()
    sc = scorecard(ds, parse_period("2026-04"), by="team", as_of=D(2026, 4, 30)).set_index(
        "group")
    # T1 = (150 + 200) / (300 + 0); T2's explicit team target 500 replaces c's 100
    assert sc.loc["T1", "achievement"] == pytest.approx(350 / 300)
    assert sc.loc["T2", "target"] == 500.0
    assert target_totals(ds, "revenue", parse_period("2026-04"), by=None)["(all)"] == 800.0


def test_actuals_outside_the_as_of_date_are_not_counted():
    ds = _ds()
    sc = scorecard(ds, parse_period("2026-04"), by="rep", as_of=D(2026, 4, 12))
    assert sc.set_index("group").loc["a", "actual"] == 100.0


def test_empty_dataset_scorecard_is_empty():
    ds = make_dataset()
    assert scorecard(ds, parse_period("2026-04"), by="rep").empty


@pytest.mark.parametrize(
    ("text", "name"),
    [("売上", "revenue"), ("Revenue", "revenue"), ("訪問数", "visits"), ("visit", "visits"),
     ("新規顧客数", "new_customers"), ("商談数", "opportunities"), ("nonsense", None)],
)
def test_metric_names_in_english_and_japanese(text, name):
    assert canonical_metric(text) == name


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]),
                          st.integers(min_value=0, max_value=59),
                          st.floats(min_value=0, max_value=1e6, allow_nan=False)),
                max_size=40))
def test_sum_of_rep_actuals_equals_team_and_total_actual(rows):
    reps = pd.DataFrame({"rep": ["a", "b", "c", "d"], "team": ["X", "X", "Y", "Y"]})
    opp = pd.DataFrame({
        "opportunity_id": [str(i) for i in range(len(rows))],
        "rep": [r for r, _, _ in rows],
        "created_date": [pd.Timestamp("2026-01-01")] * len(rows),
        "close_date": [pd.Timestamp("2026-04-01") + pd.Timedelta(days=d) for _, d, _ in rows],
        "status": ["won"] * len(rows),
        "amount": [a for _, _, a in rows],
    })
    ds = make_dataset(reps=reps, opportunities=opp)
    for start, end in ((D(2026, 4, 1), D(2026, 4, 30)), (None, None)):
        per_rep = actuals(ds, "revenue", by="rep", start=start, end=end)["actual"].sum()
        per_team = actuals(ds, "revenue", by="team", start=start, end=end)["actual"].sum()
        total = actuals(ds, "revenue", by=None, start=start, end=end)["actual"].sum()
        assert per_rep == pytest.approx(per_team) == pytest.approx(total)


def test_new_customer_actuals_agree_with_the_customer_metrics():
    from kpi_xl.demo import DATA_DIR
    from kpi_xl.metrics import new_customers
    from kpi_xl.validate import load

    ds = load(DATA_DIR)
    start, end = D(2025, 4, 1), D(2026, 3, 31)
    total = actuals(ds, "new_customers", by=None, start=start, end=end)["actual"].sum()
    assert total == new_customers(ds, start=start, end=end)["new_customers"].sum() > 0


def test_event_streams_follow_a_replaced_table():
    from kpi_xl.metrics.actuals import metric_events

    ds = _ds()
    assert metric_events(ds, "won_deals")["value"].sum() == 4
    opp = ds.opportunities.copy()
    opp["status"] = "lost"
    assert metric_events(ds.replace(opportunities=opp), "won_deals").empty
    assert metric_events(ds, "won_deals")["value"].sum() == 4  # the dataset itself is unchanged
