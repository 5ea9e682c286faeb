"""KPI tree: drivers on one chain, the identity with history, back-solve and ranked levers."""

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_xl.calendar import parse_period
from kpi_xl.dataset import make_dataset
from kpi_xl.metrics.tree import (
    TOLERANCE,
    back_solve,
    kpi_tree,
    measure_drivers,
    measure_drivers_table,
)

D = dt.date
AS_OF = D(2026, 6, 15)


def _ds(target=1000.0):
    # rep a, history inside the 12-month window: 10 leads, 5 reached the opportunity stage
    # (hearing), 2 won at 100, 2 lost; 20 visits and 10 calls.
    n = 10
    opp = pd.DataFrame({
        "opportunity_id": [f"o{i}" for i in range(n)],
        "rep": ["a"] * n,
        "created_date": ["2026-01-05"] * n,
        "hearing_date": ["2026-02-02"] * 5 + [None] * 5,
        "status": ["won", "won", "lost", "lost", "open"] + ["open"] * 5,
        "close_date": ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", None] + [None] * 5,
        "amount": [100.0, 100.0, 50.0, 50.0, 80.0] + [10.0] * 5,
    })
    act = pd.DataFrame({"date": ["2026-02-10"] * 30, "rep": ["a"] * 30,
                        "type": ["visit"] * 20 + ["call"] * 10})
    tg = pd.DataFrame({"rep": ["a"], "period": [pd.Timestamp("2026-06-01")],
                       "metric": ["revenue"], "target": [target]})
    return make_dataset(opportunities=opp, activities=act, targets=tg)


def test_drivers_are_measured_from_history():
    d = measure_drivers(_ds(), rep="a", as_of=AS_OF)
    assert (d["leads"], d["opportunities"], d["won"], d["lost"]) == (10, 5, 2, 2)
    assert d["conversion"] == 0.5
    assert d["win_rate"] == 0.5
    assert d["avg_deal_size"] == 100.0
    assert d["visit_per_opportunity"] == 4.0 and d["call_per_opportunity"] == 2.0
    assert math.isnan(d["email_per_opportunity"]) is False  # 0 emails / 5 opps = 0
    assert d["email_per_opportunity"] == 0.0


def test_back_solve_to_the_target_per_business_day():
    tree = kpi_tree(_ds(), parse_period("2026-06"), rep="a", as_of=AS_OF)
    assert tree.business_days_remaining == 11  # Jun 16-30, no JP holidays in June
    plan = tree.plan.set_index("quantity")
    # 1000 short → 10 won → 20 opportunities → 40 leads; 4 visits and 2 calls per opportunity
    assert plan.loc["won_deals", "needed"] == 10
    assert plan.loc["opportunities", "needed"] == 20
    assert plan.loc["leads", "needed"] == 40
    assert plan.loc["visit", "needed"] == 80 and plan.loc["call", "needed"] == 40
    assert plan.loc["visit", "per_business_day"] == pytest.approx(80 / 11)


def test_target_already_met_needs_nothing():
    plan = back_solve(100.0, 150.0, {"avg_deal_size": 10, "win_rate": 0.5, "conversion": 0.5},
                      5, ())
    assert plan["needed"].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_unmeasurable_driver_makes_dependent_needs_nan_with_a_note():
    plan = back_solve(100.0, 0.0, {"avg_deal_size": 10.0, "win_rate": math.nan,
                                   "conversion": 0.5}, 5, ()).set_index("quantity")
    assert plan.loc["won_deals", "needed"] == 10
    assert math.isnan(plan.loc["opportunities", "needed"])
    assert plan.loc["opportunities", "note"] == "needs win rate"


def test_no_target_gives_nan_needs():
    tree = kpi_tree(_ds(), parse_period("2026-07"), rep="a", as_of=AS_OF)
    assert math.isnan(tree.target)
    assert math.isnan(tree.plan.set_index("quantity").loc["revenue", "needed"])


def test_back_solve_per_month_over_a_quarter():
    # FY2026Q1 = Apr-Jun 2026; as of May 15 the months left are May and June.
    ds = _ds()
    tg = ds.targets.copy()
    tg["period"] = pd.Timestamp("2026-05-01")
    ds = ds.replace(targets=tg)
    tree = kpi_tree(ds, parse_period("FY2026Q1"), rep="a", as_of=D(2026, 5, 15))
    plan = tree.plan.set_index("quantity")
    assert plan.loc["won_deals", "needed"] == 10
    assert plan.loc["won_deals", "per_month"] == 5


def test_driver_table_has_every_rep_and_an_everyone_row_that_sums_them():
    from kpi_xl.metrics.tree import measure_drivers_table

    ds = _ds()
    extra = ds.opportunities.iloc[:2].copy()
    extra["opportunity_id"] = ["x1", "x2"]
    extra["rep"] = "b"
    ds = make_dataset(opportunities=pd.concat([ds.opportunities, extra]),
                      activities=ds.activities)
    table = measure_drivers_table(ds, as_of=AS_OF)
    assert {"a", "b", "(all)"} <= set(table.index)
    for col in ("leads", "won", "lost", "revenue"):
        assert table.loc["(all)", col] == table.loc[["a", "b"], col].sum()
    assert measure_drivers(ds, rep="b", as_of=AS_OF)["won"] == 2


# --------------------------------------------------------------------------- one chain, levers


def _history(reps: dict[str, tuple[int, int, int, float]]) -> pd.DataFrame:
    """Opportunities of a steady book: per rep (leads, opportunities, won, amount). Every lead
    is created on 2026-01-10; opportunities reach hearing on 02-01; every deal is decided on
    03-01 — won, lost as an opportunity, or lost before the opportunity stage."""
    rows = []
    for rep, (leads, opps, won, amount) in reps.items():
        for i in range(leads):
            reached = i < opps
            status = "won" if i < won else "lost"
            rows.append({"opportunity_id": f"{rep}-{i}", "rep": rep,
                         "created_date": "2026-01-10", "status": status,
                         "hearing_date": "2026-02-01" if reached else None,
                         "close_date": "2026-03-01", "amount": amount if status == "won" else 0})
    return pd.DataFrame(rows)


BENCH = {"b1": (20, 10, 5, 100.0), "b2": (20, 12, 6, 120.0), "b3": (25, 10, 4, 150.0),
         "b4": (30, 15, 6, 100.0), "b5": (20, 10, 7, 90.0), "x": (10, 4, 1, 200.0)}
MONTHS = (dt.date(2026, 6, 30) - dt.date(2026, 1, 10)).days / 30.4375  # history available


def test_win_rate_counts_opportunities_only_not_leads_lost_before_the_stage():
    ds = make_dataset(opportunities=_history(BENCH))
    d = measure_drivers(ds, rep="x", as_of=dt.date(2026, 6, 30))
    # x: 10 leads, 4 reached hearing, 1 won, 3 lost as opportunities, 6 lost before hearing
    assert (d["leads"], d["opportunities"], d["won"], d["lost"]) == (10, 4, 1, 3)
    assert d["lost_before_opportunity"] == 6
    assert d["conversion"] == 0.4 and d["win_rate"] == 0.25 and d["avg_deal_size"] == 200
    assert d["run_rate"] == pytest.approx(10 / MONTHS * 0.4 * 0.25 * 200)
    assert d["run_rate"] == pytest.approx(d["actual_per_month"])  # 200 revenue ÷ months


def test_levers_rank_by_revenue_gained_at_the_top_quartile():
    # top quartile of b1…b5 (x has only 4 decided opportunities, so it is no benchmark):
    # the 4th of 5 sorted values — leads 25, conversion 0.5, win rate 0.5, deal size 120.
    ds = make_dataset(opportunities=_history(BENCH))
    tree = kpi_tree(ds, parse_period("2026-06"), rep="x", as_of=dt.date(2026, 6, 30))
    lev = tree.levers.set_index("driver")
    assert lev["benchmark"].to_dict() == pytest.approx(
        {"leads_per_month": 25 / MONTHS, "conversion": 0.5, "win_rate": 0.5,
         "avg_deal_size": 120.0})
    run = 200 / MONTHS
    assert lev["gain_per_month"].to_dict() == pytest.approx(
        {"leads_per_month": run * 1.5, "win_rate": run * 1.0, "conversion": run * 0.25,
         "avg_deal_size": 0.0})
    assert tree.levers["driver"].tolist() == ["leads_per_month", "win_rate", "conversion",
                                              "avg_deal_size"]
    assert tree.levers["rank"].tolist() == [1, 2, 3, 4]
    assert tree.benchmark_reps == 5


def test_team_levers_add_up_every_reps_gain():
    ds = make_dataset(opportunities=_history(BENCH))
    as_of = dt.date(2026, 6, 30)
    team = kpi_tree(ds, parse_period("2026-06"), as_of=as_of).levers.set_index("driver")
    per_rep = [kpi_tree(ds, parse_period("2026-06"), rep=r, as_of=as_of).levers
               .set_index("driver")["gain_per_month"] for r in BENCH]
    assert team["gain_per_month"].to_dict() == pytest.approx(sum(per_rep).to_dict())
    assert math.isnan(team.loc["leads_per_month", "benchmark"])  # a rep count is no team level


def test_drivers_reproduce_history_exactly_on_a_steady_book_with_leads_lost_early():
    ds = make_dataset(opportunities=_history(BENCH))
    table = measure_drivers_table(ds, as_of=dt.date(2026, 6, 30))
    assert table["reconciliation"].abs().max() < 1e-12
    tree = kpi_tree(ds, parse_period("2026-06"), as_of=dt.date(2026, 6, 30))
    assert tree.reconciliation["within_tolerance"] == 1.0


def test_open_opportunities_make_the_difference_with_history():
    # rep a of _ds(): 5 opportunities entered, 4 decided (o4 still open) → product 5/4 of actual
    tree = kpi_tree(_ds(), parse_period("2026-06"), rep="a", as_of=AS_OF)
    rec = tree.reconciliation
    assert (rec["opportunities_entered"], rec["opportunities_decided"]) == (5, 4)
    assert rec["difference"] == pytest.approx(0.25)
    assert rec["within_tolerance"] == 0.0


def test_demo_drivers_reproduce_revenue_within_the_stated_tolerance():
    from kpi_xl.demo import DATA_DIR
    from kpi_xl.validate import load

    ds = load(DATA_DIR)
    table = measure_drivers_table(ds, as_of=ds.data_end())
    everyone = table.loc["(all)"]
    assert abs(everyone["reconciliation"]) <= TOLERANCE
    assert everyone["run_rate"] == pytest.approx(everyone["actual_per_month"], rel=TOLERANCE)


_rep = st.tuples(st.integers(1, 30), st.integers(0, 30), st.integers(0, 30),
                 st.floats(1, 1e6, allow_nan=False)).map(
    lambda t: (t[0], min(t[1], t[0]), min(t[2], t[1], t[0]), t[3]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), _rep, min_size=1))
def test_kpi_tree_identity_on_history(reps):
    """leads × conversion × win rate × deal size = revenue whenever every opportunity that
    entered the window was decided in it (however many leads were lost before)."""
    ds = make_dataset(opportunities=_history(reps))
    table = measure_drivers_table(ds, as_of=dt.date(2026, 6, 30))
    for rep in [*reps, "(all)"]:
        row = table.loc[rep]
        if row["won"] == 0:  # no deal size: the chain is undefined, never wrong
            assert math.isnan(row["avg_deal_size"])
            continue
        assert row["run_rate"] == pytest.approx(row["revenue"] / row["months"], rel=1e-9)
