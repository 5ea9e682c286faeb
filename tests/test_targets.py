"""Targets of multi-month periods: summed from the monthly targets, phased month by month,
months without a target named — with the JP business days of autumn 2026:
October 21 (Sports Day on the 12th), November 19 (3rd, 23rd), December 23 → 63 in FY2026Q3."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_xl.calendar import BusinessCalendar, parse_period
from kpi_xl.dataset import make_dataset
from kpi_xl.metrics import phased_targets, scorecard, target_totals

D = dt.date


def _ds(targets: dict[str, float], won: dict[str, float] | None = None, rep: str = "a"):
    tg = pd.DataFrame({"rep": rep, "period": [pd.Timestamp(m + "-01") for m in targets],
                       "metric": "revenue", "target": list(targets.values())})
    won = won or {}
    opp = pd.DataFrame({"opportunity_id": [f"o{i}" for i in range(len(won))], "rep": rep,
                        "created_date": "2026-09-01", "status": "won",
                        "close_date": list(won), "amount": list(won.values())})
    return make_dataset(targets=tg, opportunities=opp if won else None, reps=pd.DataFrame(
        {"rep": [rep]}))


def test_business_days_of_the_quarter_are_as_the_docstring_says():
    cal = BusinessCalendar()
    assert [cal.business_days(D(2026, m, 1), D(2026, m, n)) for m, n in
            ((10, 31), (11, 30), (12, 31))] == [21, 19, 23]
    assert cal.business_days(D(2026, 10, 1), D(2026, 10, 28)) == 19


def test_expected_to_date_is_phased_month_by_month():
    # issue 10: 3M/3M/6M, 19 of 63 business days elapsed (Oct 28) — expected 3M × 19/21
    # = 2.714M, not 12M × 19/63 = 3.619M
    ds = _ds({"2026-10": 3e6, "2026-11": 3e6, "2026-12": 6e6})
    p = phased_targets(ds, "revenue", parse_period("FY2026Q3"), D(2026, 10, 28))["a"]
    assert p.target == 12e6
    assert p.expected == pytest.approx(3e6 * 19 / 21)
    assert p.months_without_target == ()
    # mid-November: October fully, November by its business days (Nov 1–16: 10 of 19)
    p = phased_targets(ds, "revenue", parse_period("FY2026Q3"), D(2026, 11, 16))["a"]
    assert p.expected == pytest.approx(3e6 + 3e6 * 10 / 19)


def test_a_quarter_with_targets_only_in_october_paces_like_october():
    # issue 10: paces of 199–221 % where October's pace was 66 %
    ds = _ds({"2026-10": 3e6}, {"2026-10-15": 1.3e6})
    quarter = scorecard(ds, parse_period("FY2026Q3"), as_of=D(2026, 10, 20)).iloc[0]
    october = scorecard(ds, parse_period("2026-10"), as_of=D(2026, 10, 20)).iloc[0]
    assert quarter["target"] == october["target"] == 3e6
    assert quarter["expected_to_date"] == pytest.approx(3e6 * 13 / 21)
    assert quarter["pace"] == pytest.approx(october["pace"]) == pytest.approx(
        1.3e6 / (3e6 * 13 / 21))  # 0.70
    assert quarter["months_without_target"] == "2026-11, 2026-12"
    assert october["months_without_target"] == ""


def test_a_range_covers_the_business_days_of_its_months():
    # 2026-04-15 … 2026-05-20: April 11 of 21 business days, May 11 of 18
    ds = _ds({"2026-04": 2.1e6, "2026-05": 1.8e6})
    period = parse_period("2026-04-15..2026-05-20")
    assert target_totals(ds, "revenue", period)["a"] == pytest.approx(
        2.1e6 * 11 / 21 + 1.8e6 * 11 / 18)


def test_a_period_without_any_target_has_no_target_and_no_spread():
    ds = _ds({"2026-10": 3e6})
    assert phased_targets(ds, "revenue", parse_period("2026-11"), D(2026, 11, 20)) == {}
    row = scorecard(ds, parse_period("2026-11"), metrics=["revenue"],
                    as_of=D(2026, 11, 20)).iloc[0]
    assert pd.isna(row["target"]) and "no target" in row["note"]


def test_a_period_that_has_not_started_is_not_an_error():
    ds = _ds({"2026-12": 6e6})
    row = scorecard(ds, parse_period("2026-12"), as_of=D(2026, 11, 20)).iloc[0]
    assert row["note"] == "not started"
    assert (row["actual"], row["expected_to_date"], row["business_days_elapsed"]) == (0, 0, 0)
    assert row["required_per_day"] == pytest.approx(6e6 / 23)


def test_team_targets_replace_the_sum_of_their_reps_month_by_month():
    tg = pd.DataFrame({
        "rep": ["a", "b", None, "a", "b"], "team": [None, None, "T", None, None],
        "period": pd.to_datetime(["2026-10-01"] * 3 + ["2026-11-01"] * 2),
        "metric": "revenue", "target": [1.0, 2.0, 10.0, 4.0, 5.0]})
    ds = make_dataset(targets=tg, reps=pd.DataFrame({"rep": ["a", "b"], "team": ["T", "T"]}))
    period = parse_period("2026-10..2026-11")
    assert target_totals(ds, "revenue", period, by="team")["T"] == 10 + 9
    assert target_totals(ds, "revenue", period, by=None)["(all)"] == 19
    assert target_totals(ds, "revenue", period, by="rep").to_dict() == {"a": 5, "b": 7}


_month = st.sampled_from([f"2026-{m:02d}" for m in range(1, 13)])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_month, st.integers(0, 10**7), min_size=1),
       st.sampled_from(["2026", "FY2026H1", "FY2025Q4", "2026-03..2026-08", "2026-05"]),
       st.dates(D(2025, 12, 1), D(2027, 4, 30)))
def test_phased_targets_sum_to_the_period_target(targets, label, as_of):
    ds = _ds({m: float(v) for m, v in targets.items()})
    period = parse_period(label, 4)
    got = phased_targets(ds, "revenue", period, as_of).get("a")
    in_period = {m: v for m, v in targets.items() if period.contains(D.fromisoformat(m + "-01"))}
    if not in_period:
        assert got is None
        return
    assert got.target == pytest.approx(sum(in_period.values()))
    end = phased_targets(ds, "revenue", period, period.end)["a"]
    assert end.expected == pytest.approx(end.target)  # on the last day: the whole target
    assert 0 <= got.expected <= got.target + 1e-6
    if as_of < period.start:
        assert got.expected == 0
    later = phased_targets(ds, "revenue", period, as_of + dt.timedelta(days=17))["a"]
    assert later.expected >= got.expected - 1e-6
    named = set(got.months_without_target)
    assert named == {m.strftime("%Y-%m") for m in period.months()} - set(in_period)
