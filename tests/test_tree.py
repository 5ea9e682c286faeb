import datetime as dt
import math

import pandas as pd
import pytest

from kpi_xl.calendar import parse_period
from kpi_xl.dataset import make_dataset
from kpi_xl.metrics.tree import back_solve, kpi_tree, measure_drivers

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


def test_sensitivity_shows_equal_ten_percent_effects_of_a_product():
    tree = kpi_tree(_ds(), parse_period("2026-06"), rep="a", as_of=AS_OF)
    s = tree.sensitivity
    assert set(s["driver"]) == {"leads_per_month", "conversion", "win_rate", "avg_deal_size"}
    assert s["plus_10pct_change"].nunique() == 1
    assert s["rank"].tolist() == [1, 2, 3, 4]


def test_back_solve_per_month_over_a_quarter():
    # FY2026Q1 = Apr-Jun 2026; as of May 15 the months left are May and June.
    ds = _ds()
    tg = ds.targets.copy()
    tg["period"] = pd.Timestamp("2026-05-01")
    ds.targets = tg
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
