"""Stalled deals (滞留案件): open deals stuck in their stage, or past their expected close.

For an open deal on day a (:func:`kpi_xl.metrics.landing.open_deals`: its current stage s and
the day it entered s):

- ``days_in_stage`` = a − entered (NaN when the entry date is unknown);
- ``typical_days`` = the median days deals spent in s, over the transitions out of s that
  ended on or before a (:func:`kpi_xl.metrics.deals.time_in_stage`; NaN without history);
- *stalled in stage* when days_in_stage > N × typical_days, N = ``settings.stall_factor``
  (滞留判定倍率, default 2);
- *past expected close* when the expected close date (受注予定日, else the open deal's own
  close date) is before a; ``days_overdue`` = a − expected close.

A stage whose history is a single transition takes that transition as typical. Rows are
sorted by amount, largest first (missing amounts last).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..dataset import Dataset
from .common import as_day, check_dataset, deal_customers
from .deals import time_in_stage
from .landing import open_deals
from .stages import DAY_NS, NAT, stage_matrix, to_ns

__all__ = ["STALLED_COLUMNS", "stalled_deals"]

STALLED_COLUMNS = [
    "opportunity_id", "rep", "customer", "name", "amount", "stage", "entered",
    "days_in_stage", "typical_days", "threshold_days", "expected_close", "days_overdue",
    "stalled", "overdue",
]


def stalled_deals(ds: Dataset, as_of: dt.date, *, factor: float | None = None
                  ) -> pd.DataFrame:
    """The open deals stalled in their stage or past their expected close on ``as_of``
    (module docstring), largest amount first. Columns: :data:`STALLED_COLUMNS`."""
    check_dataset(ds)
    day = as_day(as_of, "as_of")
    n = float(ds.settings.stall_factor if factor is None else factor)
    opp = ds.opportunities
    od = open_deals(ds, day)
    stages = stage_matrix(ds).stages
    now = pd.Timestamp(day).value
    typical = time_in_stage(ds, as_of=day).set_index("stage")["median_days"]
    stage = np.asarray(stages, dtype=object)[od.stage]
    typ = typical.reindex(stage).to_numpy(dtype=float)
    days = np.where(od.entered != NAT, (now - od.entered) / DAY_NS, np.nan)
    exp_col = (to_ns(opp["expected_close_date"]) if "expected_close_date" in opp
               else np.full(len(opp), NAT, dtype=np.int64))
    exp = np.where(exp_col != NAT, exp_col, to_ns(opp["close_date"]))[od.rows]
    overdue = (exp != NAT) & (exp < now)
    with np.errstate(invalid="ignore"):
        stalled = ~np.isnan(days) & ~np.isnan(typ) & (days > n * typ)
    keep = stalled | overdue
    rows = od.rows[keep]
    cust = deal_customers(ds).to_numpy(dtype=object)[rows]
    c = ds.customers
    names = pd.Series(c["name"].astype(object).to_numpy(), index=c["customer"].astype(object))
    names = names[~names.index.duplicated()]
    out = pd.DataFrame({
        "opportunity_id": opp["opportunity_id"].astype(object).to_numpy()[rows],
        "rep": opp["rep"].astype(object).to_numpy()[rows],
        "customer": cust,
        "name": [names.get(x) if x is not None else None for x in cust],
        "amount": opp["amount"].to_numpy(dtype=float)[rows],
        "stage": stage[keep],
        "entered": pd.to_datetime(np.where(od.entered[keep] != NAT, od.entered[keep], NAT)
                                  .view("datetime64[ns]")),
        "days_in_stage": days[keep],
        "typical_days": typ[keep],
        "threshold_days": n * typ[keep],
        "expected_close": pd.to_datetime(exp[keep].view("datetime64[ns]")),
        "days_overdue": np.where(overdue[keep], (now - exp[keep]) / DAY_NS, np.nan),
        "stalled": stalled[keep],
        "overdue": overdue[keep],
    }, columns=STALLED_COLUMNS)
    out = out.sort_values(["amount", "days_in_stage"], ascending=[False, False],
                          na_position="last", kind="stable")
    return out.reset_index(drop=True)
