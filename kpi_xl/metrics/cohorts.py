"""Cohort retention of order-based customers (spells and the data start in
:mod:`kpi_xl.metrics.spells`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import ConfigError
from .months import month_index, month_start
from .spells import activity_start, as_of_day, customers_table, valid_orders

__all__ = ["acquired_before_data", "cohort_retention"]


def acquired_before_data(ds: Dataset, as_of: Any = None) -> set:
    """Customers that belong to no cohort because they were customers before the data begins:
    a start date (取引開始日) before the book's first order or won deal, or — with no start
    date — a first order in the data's first month (they cannot be told from customers who
    were ordering before it, so they are not put into that month's cohort)."""
    first = activity_start(ds)
    if first is None:
        return set()
    starts = customers_table(ds)["start_date"]
    carried = set(starts.index[(starts < first).fillna(False).to_numpy()])
    o = valid_orders(ds, as_of_day(ds, as_of))
    if len(o):
        first_order = o.groupby("customer")["date"].min()
        month_end = (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).normalize()
        undated = starts.reindex(first_order.index)
        early = first_order[(first_order <= month_end) & undated.isna().to_numpy()]
        carried |= set(early.index)
    return carried


def cohort_retention(ds: Dataset, *, metric: str = "customers", max_months: int | None = None,
                     as_of: Any = None) -> pd.DataFrame:
    """Cohort matrix by first-order month.

    Rows: cohort = month of the customer's first order (index ``cohort``, month-start
    Timestamps). Column ``cohort_size`` = customers in the cohort; columns ``0 … k`` = months
    since the first order. Cell (c, m):

    - ``metric='customers'``: customers of cohort c with at least one order in month c+m ÷
      cohort size. Month 0 is 1.0 by construction.
    - ``metric='revenue'``: cohort c's order amount in month c+m ÷ its month-0 amount (column
      ``base_revenue``). Month 0 is 1.0 unless month-0 revenue is 0, then the row is NaN.

    Cohorts start where the data starts: customers acquired before the data
    (:func:`acquired_before_data`) belong to no cohort.
    Orders after ``as_of`` (default: the latest date in the data) are ignored; cells for months
    starting after ``as_of`` are NaN (not observed yet — not 0). ``k`` = months from the oldest
    cohort to ``as_of``, capped at ``max_months``. Returns and other negative-amount rows count
    as orders only for the revenue metric. No orders → empty frame.
    """
    if metric not in ("customers", "revenue"):
        raise ConfigError(f"metric must be 'customers' or 'revenue', not {metric!r}")
    cutoff = as_of_day(ds, as_of)
    o = valid_orders(ds, cutoff)
    carried = acquired_before_data(ds, as_of)
    if carried:
        o = o[~o["customer"].isin(carried)]
    if metric == "customers":
        o = o[~(o["amount"] < 0)]
    if o.empty or cutoff is None:
        cols = ["cohort_size", *(["base_revenue"] if metric == "revenue" else []), 0]
        return pd.DataFrame(columns=cols, index=pd.DatetimeIndex([], name="cohort"))
    midx = month_index(o["date"])
    cohort = midx.groupby(o["customer"]).transform("min")
    o = o.assign(cohort=cohort, k=midx - cohort)
    last = int(month_index(pd.Series([cutoff])).iloc[0])
    cohorts = sorted(o["cohort"].unique())
    k_max = last - int(cohorts[0])
    if max_months is not None:
        k_max = min(k_max, int(max_months))
    ks = list(range(k_max + 1))
    sizes = o.groupby("cohort")["customer"].nunique().reindex(cohorts)
    if metric == "customers":
        cells = o.groupby(["cohort", "k"])["customer"].nunique().unstack()
        cells = cells.reindex(index=cohorts, columns=ks).fillna(0).div(sizes, axis=0)
        base = None
    else:
        cells = o.groupby(["cohort", "k"])["amount"].sum().unstack()
        cells = cells.reindex(index=cohorts, columns=ks).fillna(0.0)
        base = cells[0].copy()
        cells = cells.div(base.where(base != 0), axis=0)
    unobserved = np.add.outer(np.array(cohorts, dtype="int64"), np.array(ks)) > last
    cells = cells.astype("float64").mask(unobserved)
    out = pd.DataFrame({"cohort_size": sizes.astype("int64")})
    if base is not None:
        out["base_revenue"] = base
    out = pd.concat([out, cells], axis=1)
    out.index = pd.DatetimeIndex([month_start(c) for c in cohorts], name="cohort")
    return out
