"""The metrics API as a Python user calls it: wrong types and out-of-range dates give a
KpiXlError naming the argument; the Dataset is immutable and never serves stale figures."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from kpi_xl import compute_figures, make_dataset, parse_period
from kpi_xl.cli import main
from kpi_xl.dataset import Dataset
from kpi_xl.errors import KpiXlError
from kpi_xl.metrics import (
    actuals,
    at_risk_customers,
    customer_movements,
    funnel,
    logo_churn,
    metric_events,
    pipeline_velocity,
    scorecard,
    win_rates,
)
from kpi_xl.metrics.common import ALL, NONE, group_labels

D = dt.date
OPP = pd.DataFrame({"opportunity_id": ["o1", "o2"], "rep": ["a", "b"],
                    "customer": ["C1", None], "created_date": ["2026-04-01", "2026-04-02"],
                    "status": ["won", "open"], "close_date": ["2026-04-20", None],
                    "amount": [100.0, 50.0], "segment": [None, "big"]})


@pytest.fixture
def ds():
    return make_dataset(opportunities=OPP, orders=pd.DataFrame(
        {"date": ["2026-04-03"], "customer": ["C1"], "amount": [10.0]}))


@pytest.mark.parametrize(("call", "names"), [
    (lambda ds: scorecard(ds, parse_period("2026-04"), by="bogus"), "by"),
    (lambda ds: scorecard(ds, "2026-04"), "period"),
    (lambda ds: scorecard(ds, parse_period("2026-04"), as_of=D(1, 1, 1)), "as_of"),
    (lambda ds: compute_figures(ds, as_of=D(1, 1, 1)), "as_of"),
    (lambda ds: compute_figures(ds, "2026-04"), "period"),
    (lambda ds: compute_figures(ds, by="region"), "by"),
    (lambda ds: compute_figures("book.xlsx"), "ds"),
    (lambda ds: funnel(ds, by="bogus"), "by"),
    (lambda ds: win_rates(ds, start="someday"), "start"),
    (lambda ds: win_rates(ds, definition="most"), "win_rate definition"),
    (lambda ds: logo_churn(ds, "2026-04-01", "2026-04-30", by="product"), "by"),
    (lambda ds: customer_movements(ds, "2026-04-30", "2026-04-01"), "before its start"),
    (lambda ds: at_risk_customers(ds, as_of="9999-12-31"), "as_of"),
    (lambda ds: pipeline_velocity(ds, lookback="30"), "lookback"),
    (lambda ds: actuals(ds, "happiness"), "unknown metric"),
    (lambda ds: metric_events(ds, 3), "unknown metric"),
    (lambda ds: Dataset("x", *[OPP] * 8), "settings"),
])
def test_wrong_arguments_are_a_kpi_xl_error_naming_them(ds, call, names):
    with pytest.raises(KpiXlError, match=names):
        call(ds)


@pytest.mark.parametrize("argv", [
    ["--period", "0000-01"], ["--period", "9999-12"], ["--period", "FY9999"],
    ["--as-of", "9999-12-31"], ["--as-of", "0001-01-01"],
])
def test_cli_periods_out_of_range_exit_2_with_a_message(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(["metrics", "--demo", *argv], out=out, err=err)
    assert code == 2 and "1900–2200" in err.getvalue() and "Traceback" not in err.getvalue()


def test_the_dataset_is_immutable(ds):
    with pytest.raises(AttributeError, match="immutable"):
        ds.opportunities = OPP
    view = ds.opportunities
    view.loc[0, "amount"] = 1e9  # editing what it hands out does not reach it
    assert ds.opportunities.loc[0, "amount"] == 100.0
    given = OPP.copy()
    other = make_dataset(opportunities=given)
    given.loc[0, "amount"] = 1e9  # nor does editing the frame it was built from
    assert other.opportunities.loc[0, "amount"] == 100.0


def test_derived_tables_never_go_stale(ds):
    assert metric_events(ds, "revenue")["value"].sum() == 100.0
    handed_out = ds.opportunities
    handed_out.loc[0, "amount"] = 7.0  # a no-op on the dataset
    assert metric_events(ds, "revenue")["value"].sum() == 100.0
    edited = ds.opportunities
    edited.loc[0, "amount"] = 7.0
    assert metric_events(ds.replace(opportunities=edited), "revenue")["value"].sum() == 7.0


def test_one_grouping_policy_for_all_and_missing_values(ds):
    opp = ds.opportunities
    assert set(group_labels(ds, opp, None)) == {ALL}
    # o2's segment 'big'; o1 has none, and its customer C1 has none either
    assert group_labels(ds, opp, "segment").tolist() == [NONE, "big"]
    assert group_labels(ds, opp, "product").tolist() == [NONE, NONE]
    cust = make_dataset(opportunities=OPP, customers=pd.DataFrame(
        {"customer": ["C1"], "segment": ["small"]}))
    assert group_labels(cust, cust.opportunities, "segment").tolist() == ["small", "big"]
    by_seg = actuals(cust, "won_deals", by="segment").set_index("group")["actual"]
    assert by_seg.to_dict() == {"small": 1.0}
