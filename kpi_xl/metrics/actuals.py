"""Actual values of the metrics of :mod:`kpi_xl.metric_registry`, as dated events.

Every countable KPI is a stream of events ``(date, rep, value)``: a won deal (value = its
amount, for revenue), a lead, an opportunity, a visit … Actuals for any rep/team/period are sums
over that stream, so targets for any known metric can be compared the same way.

=================  ==========================================================================
metric             event (date → value), credited to
=================  ==========================================================================
revenue            revenue basis ``won_deals``: won opportunity at close_date → amount, the
                   deal's rep; ``orders``: order at its date → amount, the customer's rep
                   (basis: :func:`kpi_xl.metrics.common.revenue_basis`)
won_deals          won opportunity at close_date → 1, the deal's rep
leads              opportunity row at created_date → 1 (every pipeline row starts as a lead)
opportunities      lead reaching ``settings.opportunity_stage`` at that date → 1
new_customers      customer at its acquisition date (first touch: start date, first won deal
                   or first order) → 1, the customer's rep (else its first won deal's rep)
activities         any activity at its date → 1
calls, visits, …   activity of that type (one metric per ``settings.activity_types``) → 1
orders             order at its date → 1, the customer's rep
order_amount       order at its date → amount, the customer's rep
=================  ==========================================================================

Undated events (a lead nobody dated) are kept with a NaT date: they count in all-time figures
(no bounds, or a period of kind ``all``) and in no dated period.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..calendar import Period
from ..dataset import Dataset
from ..errors import ConfigError
from ..metric_registry import activity_kind, canonical_metric, metric_def, metric_names
from .codes import as_objects, group_sums, month_index
from .common import as_day, check_by, check_dataset, check_period, deal_customers, group_codes
from .common import revenue_basis as revenue_basis_of
from .customers import customer_acquisition
from .spells import first_won, valid_orders
from .stages import stage_matrix

__all__ = [
    "actual_to_date",
    "actuals",
    "canonical_metric",
    "metric_def",
    "metric_events",
    "metric_names",
    "monthly_actuals",
]

_EVENT_COLS = ["date", "rep", "value", "customer", "segment", "product", "channel"]


def _events(df: pd.DataFrame, date: pd.Series | str, value: pd.Series | float) -> pd.DataFrame:
    dates = df[date] if isinstance(date, str) else date
    out = pd.DataFrame({"date": pd.to_datetime(dates).astype("datetime64[ns]"),
                        "rep": as_objects(df["rep"]) if "rep" in df else None,
                        "value": value}, index=df.index)
    for c in ("customer", "segment", "product", "channel"):
        out[c] = as_objects(df[c]) if c in df.columns else None
    return out[_EVENT_COLS].reset_index(drop=True)


def _orders_with_rep(ds: Dataset) -> pd.DataFrame:
    o = valid_orders(ds)
    cust = ds.customers.drop_duplicates("customer").set_index("customer")
    o["rep"] = o["customer"].map(cust["rep"])
    o["segment"] = o["customer"].map(cust["segment"])
    return o


def metric_events(ds: Dataset, metric: str, *, basis: str | None = None) -> pd.DataFrame:
    """The events of ``metric`` (see the module table), computed once per dataset:
    columns date, rep, value, customer, segment, product, channel. ``basis`` ('won_deals' |
    'orders') overrides the revenue basis of the dataset (revenue only).

    Unknown metric → ConfigError naming the known ones.
    """
    check_dataset(ds)
    if not isinstance(metric, str) or metric not in metric_names(ds.settings):
        raise ConfigError(f"unknown metric {metric!r}; known: "
                          f"{', '.join(metric_names(ds.settings))}")
    if metric == "revenue":  # the basis is part of the key: it is decided by the data
        used = basis or revenue_basis_of(ds)[0]
        if used not in ("won_deals", "orders"):
            raise ConfigError(f"basis must be 'won_deals' or 'orders', not {basis!r}")
        return ds.derived(("events", metric, used), lambda d: _build_events(d, metric, used))
    return ds.derived(("events", metric), lambda d: _build_events(d, metric, None))


def _build_events(ds: Dataset, metric: str, basis: str | None) -> pd.DataFrame:
    opp, act = ds.opportunities, ds.activities
    opp = opp.assign(customer=deal_customers(ds).to_numpy())
    kind = activity_kind(metric, ds.settings)
    if kind is not None:
        a = act[act["type"] == kind]
        return _events(a, "date", 1.0)
    if metric == "activities":
        return _events(act, "date", 1.0)
    if metric == "won_deals" or (metric == "revenue" and basis == "won_deals"):
        won = opp[opp["status"] == "won"]
        return _events(won, "close_date", won["amount"].fillna(0.0) if metric == "revenue"
                       else 1.0)
    if metric in ("revenue", "order_amount", "orders"):
        o = _orders_with_rep(ds)
        return _events(o, "date", 1.0 if metric == "orders" else o["amount"])
    if metric == "leads":
        return _events(opp, "created_date", 1.0)
    if metric == "opportunities":
        m = stage_matrix(ds)
        k = ds.settings.stages.index(ds.settings.opportunity_stage)
        reached = m.reached[:, k]
        dates = pd.Series(m.dates[:, k].view("datetime64[ns]"), index=opp.index)
        return _events(opp[reached], dates[reached], 1.0)
    if metric == "new_customers":
        return _events(acquisitions(ds), "date", 1.0)
    raise ConfigError(f"unknown metric {metric!r}")  # pragma: no cover - registry agrees


def acquisitions(ds: Dataset) -> pd.DataFrame:
    """One row per acquired customer: customer, date (:func:`customer_acquisition`), rep (the
    customer's rep, else the rep of its first won deal), segment (likewise)."""
    acq = customer_acquisition(ds).set_index("customer")
    won = first_won(ds)
    cust = ds.customers.drop_duplicates("customer").set_index("customer")
    out = pd.DataFrame({"date": acq["acquired"]}, index=acq.index)
    for col in ("rep", "segment"):
        own = cust[col].astype(object).reindex(out.index)
        out[col] = own.where(own.notna(), won[col].reindex(out.index))
    return out.reset_index()[["customer", "date", "rep", "segment"]]


def actuals(ds: Dataset, metric: str, *, by: str | None = None,
            start: dt.date | None = None, end: dt.date | None = None,
            freq: str | None = None, basis: str | None = None) -> pd.DataFrame:
    """Actual value of ``metric`` summed per group (and per month when ``freq='M'``).

    Formula: Σ event values with ``start ≤ date ≤ end`` (inclusive; None = unbounded; both
    None also counts undated events). Groups follow the policy of
    :mod:`kpi_xl.metrics.common`. Empty period → no rows (callers reindex to their groups and
    treat missing as 0). Columns: ``group`` (and ``period`` = month start when ``freq='M'``),
    ``actual``. ``basis`` overrides the revenue basis (see :func:`metric_events`).
    """
    check_by(by)
    if freq not in (None, "M"):
        raise ConfigError(f"freq must be None or 'M', not {freq!r}")
    ev = metric_events(ds, metric, basis=basis)
    codes, labels = _event_groups(ds, metric, basis, by)
    dates = ev["date"].to_numpy(dtype="datetime64[ns]")
    keep = np.ones(len(ev), dtype=bool)
    if start is not None:
        keep &= dates >= np.datetime64(pd.Timestamp(as_day(start, "start")))
    if end is not None:
        keep &= dates < np.datetime64(pd.Timestamp(as_day(end, "end")) + pd.Timedelta(days=1))
    if freq:
        keep &= ~np.isnat(dates)
    months = month_index(dates[keep]) if freq else None
    sums = group_sums(codes[keep], ev["value"].to_numpy(dtype=float)[keep], len(labels), months)
    cells = sums.present()
    out = {"group": labels[sums.code_of(cells)]}
    if freq:
        out["period"] = sums.month_start_of(cells)
    out["actual"] = sums.sums[cells]
    return pd.DataFrame(out)


def _event_groups(ds: Dataset, metric: str, basis: str | None, by: str | None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(codes, sorted labels) of the group of every event of ``metric`` (the grouping policy
    of :func:`~kpi_xl.metrics.common.group_labels`), computed once per dataset."""
    used = (basis or revenue_basis_of(ds)[0]) if metric == "revenue" else None

    def build(d: Dataset) -> tuple[np.ndarray, np.ndarray]:
        ev = metric_events(d, metric, basis=basis)
        return group_codes(d, ev, by)

    return ds.derived(("event_groups", metric, used, by), build)


def actual_to_date(ds: Dataset, metric: str, period: Period, as_of: dt.date,
                   by: str | None = None) -> pd.Series:
    """group → actual of ``metric`` in ``period`` up to ``as_of``: Σ events dated
    ``period.start … min(as_of, period.end)``. A period that has not started → empty. A period
    of kind ``all`` counts every event up to ``as_of``, and undated ones too when ``as_of`` is
    at or after the period's end (the data's last date)."""
    check_period(period)
    day = as_day(as_of, "as_of")
    if day < period.start and not period.is_all:
        return pd.Series(dtype=float)
    if period.is_all:
        ev = metric_events(ds, metric)
        codes, labels = _event_groups(ds, metric, None, by)
        dates = ev["date"].to_numpy(dtype="datetime64[ns]")
        keep = dates < np.datetime64(pd.Timestamp(day) + pd.Timedelta(days=1))
        if day >= period.end:
            keep |= np.isnat(dates)
        sums = group_sums(codes[keep], ev["value"].to_numpy(dtype=float)[keep], len(labels))
        cells = sums.present()
        s = pd.Series(sums.sums[cells], index=pd.Index(labels[cells], dtype=object,
                                                        name="group"), name="value")
    else:
        a = actuals(ds, metric, by=by, start=period.start, end=min(day, period.end))
        s = a.set_index("group")["actual"] if len(a) else pd.Series(dtype=float)
    return s.rename("actual").astype(float)


def monthly_actuals(ds: Dataset, metric: str, start: dt.date, end: dt.date,
                    by: str | None = None, basis: str | None = None) -> pd.Series:
    """(group, month start) → actual of ``metric`` dated ``start … end`` (``basis``: as in
    :func:`actuals`)."""
    a = actuals(ds, metric, by=by, start=start, end=end, freq="M", basis=basis)
    if not len(a):
        return pd.Series(dtype=float, index=pd.MultiIndex.from_tuples([], names=[
            "group", "period"]))
    return a.set_index(["group", "period"])["actual"].astype(float)
