"""At-risk customers: interval, volume and frequency flags against the customer's own history."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi_xl.dataset import make_dataset
from kpi_xl.metrics.risk import RISK_COLUMNS, at_risk_customers

T = pd.Timestamp
AS_OF = "2025-09-30"


def _rows():
    rows = []
    # R: regular monthly buyer, never flagged.
    rows += [(d, "R", 100.0) for d in pd.date_range("2024-01-15", "2025-09-15", freq="MS")
             + pd.Timedelta(days=14)]
    # I: young customer, every 30 days then silent for 61 days (> 2 × 30).
    rows += [(T(d), "I", 10.0) for d in ("2025-06-01", "2025-07-01", "2025-07-31")]
    # V: 100 a month from 2024-06-15, then 20 a month from July 2025 (volume -80%).
    rows += [(d + pd.Timedelta(days=14), "V", 100.0)
             for d in pd.date_range("2024-06-01", "2025-06-01", freq="MS")]
    rows += [(T(d), "V", 20.0) for d in ("2025-07-15", "2025-08-15", "2025-09-15")]
    # F: two orders of 50 a month, then one of 100 (same amount, frequency -50%).
    for d in pd.date_range("2024-01-01", "2025-06-01", freq="MS"):
        rows += [(d + pd.Timedelta(days=4), "F", 50.0), (d + pd.Timedelta(days=19), "F", 50.0)]
    rows += [(T(d), "F", 100.0) for d in ("2025-07-05", "2025-08-05", "2025-09-05")]
    # X: one order in January → churned by September.
    rows += [(T("2025-01-10"), "X", 500.0)]
    return pd.DataFrame(rows, columns=["date", "customer", "amount"])


CUSTOMERS = pd.DataFrame({"customer": ["R", "I", "V", "F", "X"],
                          "name": ["Regular", "Interval", "Volume", "Freq", "Gone"],
                          "rep": ["r1", "r1", "r2", "r2", "r1"]})


@pytest.fixture
def ds():
    return make_dataset(orders=_rows(), customers=CUSTOMERS)


def test_at_risk_customers_flags_and_order(ds):
    got = at_risk_customers(ds, as_of=AS_OF)
    assert list(got.columns) == RISK_COLUMNS
    assert got["customer"].tolist() == ["V", "F", "I"]  # by score, R not flagged, X churned
    assert got["churned"].tolist() == [False, False, False]


@pytest.mark.parametrize(("customer", "expected"), [
    ("V", {"trailing_3m_amount": 60.0, "baseline_3m_amount": 300.0, "amount_drop": 0.8,
           "trailing_3m_orders": 3, "baseline_3m_orders": 3.0, "frequency_drop": 0.0,
           "revenue_at_risk": 240.0, "volume_flag": True, "frequency_flag": False,
           "interval_flag": False, "score": 1.8, "rep": "r2", "name": "Volume",
           "reasons": "order volume down 80% vs own 12-month baseline"}),
    ("F", {"trailing_3m_amount": 300.0, "baseline_3m_amount": 300.0, "amount_drop": 0.0,
           "trailing_3m_orders": 3, "baseline_3m_orders": 6.0, "frequency_drop": 0.5,
           "volume_flag": False, "frequency_flag": True, "interval_flag": False, "score": 1.5,
           "reasons": "order frequency down 50% vs own 12-month baseline"}),
    ("I", {"last_order": T("2025-07-31"), "days_since_last": 61, "n_order_dates": 3,
           "median_interval_days": 30.0, "interval_flag": True, "volume_flag": False,
           "frequency_flag": False, "score": pytest.approx(1 + 1 / 61),
           "reasons": "no order for 61 days (usual interval 30 days)"}),
])
def test_at_risk_customer_values(ds, customer, expected):
    row = at_risk_customers(ds, as_of=AS_OF).set_index("customer").loc[customer]
    for key, value in expected.items():
        assert row[key] == value, key


def test_churned_customers_listed_only_on_request(ds):
    got = at_risk_customers(ds, as_of=AS_OF, include_churned=True)
    assert got["customer"].tolist() == ["V", "F", "I", "X"]
    x = got.set_index("customer").loc["X"]
    assert (x["reasons"], x["churned"], x["score"]) == ("churned", True, 0.0)


@pytest.mark.parametrize(("kwargs", "flagged"), [
    pytest.param({"drop": 0.9}, ["I"], id="higher-drop-threshold"),
    pytest.param({"interval_factor": 3.0}, ["V", "F"], id="higher-interval-factor"),
])
def test_at_risk_thresholds(ds, kwargs, flagged):
    assert at_risk_customers(ds, as_of=AS_OF, **kwargs)["customer"].tolist() == flagged


def test_volume_flag_needs_six_months_of_history():
    rows = pd.DataFrame({"date": pd.to_datetime(["2025-05-01", "2025-06-01", "2025-07-01",
                                                 "2025-08-01", "2025-09-01"]),
                         "customer": "Y", "amount": [500.0, 500.0, 10.0, 10.0, 10.0]})
    ds = make_dataset(orders=rows)
    assert at_risk_customers(ds, as_of=AS_OF).empty


@pytest.mark.parametrize("rows", [
    pytest.param(pd.DataFrame({"date": [], "customer": [], "amount": []}), id="empty"),
    pytest.param(pd.DataFrame({"date": [T("2025-09-01")], "customer": ["S"], "amount": [1.0]}),
                 id="single-order"),
])
def test_at_risk_empty_and_single_order(rows):
    got = at_risk_customers(make_dataset(orders=rows), as_of=AS_OF)
    assert got.empty and list(got.columns) == RISK_COLUMNS
