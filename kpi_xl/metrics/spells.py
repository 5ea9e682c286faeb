"""Customer activity spells: when each customer was active, built once per dataset and shared by
the customer, churn, cohort and at-risk metrics.

Customers here are *non-subscription*: nobody tells us when a customer stops buying, so activity
is inferred (``N = settings.churn_inactive_months``, default 3).

Touches
    A customer's *touch events* are its order dates (order rows with a negative amount —
    returns, credit notes — are not touches), the close dates of its won deals, and
    ``customers.start_date`` (取引開始日) when given. A touch on day ``e`` keeps the customer
    active on every day ``d`` with ``e <= d < e + N months`` (an order on Jan 15 with N = 3
    keeps it active up to Apr 14; it churns *on* Apr 15).

Where the data starts
    Activity is observed from the first order or won deal of the book (:func:`activity_start`).
    A start date before that makes the customer active from its start date through the data
    start (as if it had ordered on that day): it is never churned, nor reactivated, before the
    data can show it.

End dates
    An explicit ``customers.end_date`` ``E`` ends the spell containing it: touches on or before
    ``E`` keep the customer active only while ``d < E``. Touches strictly after ``E`` start a
    new spell (reactivation).

Spells
    Maximal runs of active days ``[spell_start, spell_end)``; ``spell_end`` is the first inactive
    day (the churn day). Spells are numbered per customer from 1: spell 1 starts at the
    customer's first touch (its acquisition, see
    :func:`kpi_xl.metrics.customers.customer_acquisition`); later spells are reactivations.

Movements in a period ``start … end`` (both inclusive)
    ``active_at_start`` = active on ``start − 1 day``; ``new`` = first spells starting in the
    period; ``reactivated`` = later spells starting in the period; ``churned`` = spells whose
    ``spell_end`` is in the period; ``active_at_end`` = active on ``end``. These are counts of
    spell starts/ends (events), so the identity
    ``active_at_start + new + reactivated − churned = active_at_end`` always holds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..calendar import Period
from ..dataset import Dataset
from ..errors import ConfigError
from .common import ALL, as_day, check_dataset, deal_customers

__all__ = [
    "FAR",
    "MOVEMENT_COLUMNS",
    "ONE_DAY",
    "SPELL_COLUMNS",
    "activity_start",
    "as_of_day",
    "build_spells",
    "churn_relevant",
    "customers_table",
    "first_won",
    "inactive_months",
    "movements",
    "period_window",
    "touch_events",
    "valid_orders",
]

FAR = pd.Timestamp("2260-01-01")
ONE_DAY = pd.Timedelta(days=1)
SPELL_COLUMNS = ["customer", "spell", "spell_start", "spell_end", "ended_by"]
MOVEMENT_COLUMNS = ["active_at_start", "new", "reactivated", "churned", "active_at_end"]


# --------------------------------------------------------------------------- arguments


def period_window(start: Any, end: Any = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``(start, end)`` inclusive Timestamps from two dates or one :class:`Period`."""
    if isinstance(start, Period) and end is None:
        return start.start_ts, pd.Timestamp(start.end)
    if end is None:
        raise ConfigError("a period needs a start and an end date (or pass a Period)")
    s = pd.Timestamp(as_day(start, "start"))
    e = pd.Timestamp(as_day(end.end if isinstance(end, Period) else end, "end"))
    if e < s:
        raise ConfigError(f"period end {e.date()} is before its start {s.date()}")
    return s, e


def inactive_months(ds: Dataset, months: int | None) -> int:
    n = ds.settings.churn_inactive_months if months is None else months
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ConfigError(f"inactive_months must be a whole number ≥ 1, not {months!r}")
    return int(n)


def as_of_day(ds: Dataset, as_of: Any) -> pd.Timestamp | None:
    """``as_of`` as a Timestamp, defaulting to the data's last date (None for no data)."""
    check_dataset(ds)
    if as_of is not None:
        return pd.Timestamp(as_day(as_of, "as_of"))
    end = ds.data_end()
    return pd.Timestamp(end) if end is not None else None


# --------------------------------------------------------------------------- tables


def _build_orders(ds: Dataset) -> pd.DataFrame:
    o = ds.orders
    o = o[o["date"].notna() & o["customer"].notna()].copy()
    o["customer"] = o["customer"].astype(object)
    key = o["customer"].astype(str) + "|" + o["date"].dt.strftime("%Y-%m-%d")
    o["order_key"] = o["order_id"].astype(object).where(o["order_id"].notna(), "#" + key)
    o["amount"] = o["amount"].fillna(0.0)
    return o


def valid_orders(ds: Dataset, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Order rows with a date and a customer (dated on or before ``as_of``), plus an order
    key: ``order_id``, or customer + date for rows without one (lines of one order).
    A new frame each call: callers may add columns."""
    o = ds.derived("valid_orders", _build_orders)
    return o[o["date"] <= as_of] if as_of is not None else o


def customers_table(ds: Dataset) -> pd.DataFrame:
    """The customers table indexed by customer (first row per customer)."""
    def build(d: Dataset) -> pd.DataFrame:
        c = d.customers
        c = c[c["customer"].notna()].drop_duplicates("customer").copy()
        c["customer"] = c["customer"].astype(object)
        return c.set_index("customer")
    return ds.derived("customers_table", build)


def first_won(ds: Dataset) -> pd.DataFrame:
    """customer → close_date, rep and segment of its first won deal (deals name customers by
    ID or company name, see :func:`kpi_xl.metrics.common.deal_customers`)."""
    def build(d: Dataset) -> pd.DataFrame:
        op = d.opportunities.assign(customer=deal_customers(d).to_numpy())
        op = op[(op["status"] == "won").fillna(False) & op["customer"].notna()]
        op = op.sort_values(["close_date", "created_date"], na_position="last", kind="stable")
        out = op.drop_duplicates("customer").set_index("customer")
        return out[["close_date", "rep", "segment"]].astype(
            {"rep": object, "segment": object})
    return ds.derived("first_won", build)


def activity_start(ds: Dataset) -> pd.Timestamp | None:
    """The first date on which customer activity is observed: the earliest order or won-deal
    close date of the book (None when it has neither)."""
    def build(d: Dataset) -> pd.Timestamp | None:
        dates = [valid_orders(d)["date"].min()]
        op = d.opportunities
        dates.append(op.loc[op["status"] == "won", "close_date"].min())
        dates = [x for x in dates if pd.notna(x)]
        return min(dates) if dates else None
    return ds.derived("activity_start", build)


# --------------------------------------------------------------------------- touches, spells


def touch_events(ds: Dataset, n: int, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Touches on or before ``as_of``: ``customer, date, stop`` where ``stop`` is the first day
    the touch no longer keeps the customer active (before end dates are applied)."""
    def build(d: Dataset) -> pd.DataFrame:
        o = valid_orders(d)
        o = o[~(o["amount"] < 0)]
        op = d.opportunities
        won = (op["status"] == "won").to_numpy() & op["close_date"].notna().to_numpy()
        cust = deal_customers(d)[won]
        starts = customers_table(d)["start_date"].dropna()
        ev = pd.concat([
            pd.DataFrame({"customer": o["customer"].to_numpy(dtype=object),
                          "date": o["date"].to_numpy(), "carried": False}),
            pd.DataFrame({"customer": cust.to_numpy(dtype=object),
                          "date": op.loc[won, "close_date"].to_numpy(), "carried": False}),
            pd.DataFrame({"customer": starts.index.to_numpy(dtype=object),
                          "date": starts.to_numpy(), "carried": True}),
        ], ignore_index=True)
        ev = ev[ev["customer"].notna()]
        ev["date"] = pd.to_datetime(ev["date"]).astype("datetime64[ns]")
        return ev.sort_values(["customer", "date", "carried"], kind="stable").drop_duplicates(
            ["customer", "date"]).reset_index(drop=True)

    ev = ds.derived("touches", build)
    if as_of is not None:
        ev = ev[ev["date"] <= as_of]
    off = pd.DateOffset(months=n)
    stop = (ev["date"] + off).astype("datetime64[ns]")
    first = activity_start(ds)
    if first is not None:  # a start date before the data: active through the data start
        carried = ev["carried"].to_numpy() & (ev["date"] < first).to_numpy()
        stop = stop.where(~carried, max(first + off, first + ONE_DAY))
    return ev.assign(stop=stop)[["customer", "date", "stop"]]


def build_spells(ds: Dataset, n: int, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """All spells from touches on or before ``as_of`` (all touches when None). ``spell_end`` is
    NaT and ``ended_by`` NA for spells still running after ``as_of``. Computed once per
    dataset, N and as-of date."""
    return ds.derived(("spells", n, as_of), lambda d: _build_spells(d, n, as_of))


def _build_spells(ds: Dataset, n: int, as_of: pd.Timestamp | None) -> pd.DataFrame:
    end_dates = customers_table(ds)["end_date"]
    ev = touch_events(ds, n, as_of).reset_index(drop=True)
    if ev.empty:
        return _finish_spells([], as_of)
    # Vectorised: each touch keeps the customer active until ``stop`` (or the end date when
    # that comes first); a touch after the running maximum of earlier stops starts a new
    # spell; a spell ends at the largest stop of its touches.
    date, stop = ev["date"], ev["stop"]
    end = pd.to_datetime(pd.Series(pd.to_datetime(end_dates).reindex(ev["customer"]).to_numpy(),
                                   index=ev.index)).astype("datetime64[ns]")
    cut = end.notna() & (date <= end) & (stop >= end)
    stop = stop.where(~cut, end)
    why = pd.Series(np.where(cut, "end_date", "inactivity"), index=ev.index, dtype=object)
    keep = stop > date  # a touch on the end date itself keeps nobody active
    ev, date, stop, why = ev[keep], date[keep], stop[keep], why[keep]
    cust = ev["customer"]
    prev_max = stop.groupby(cust, sort=False).cummax().groupby(cust, sort=False).shift(1)
    spell = (prev_max.isna() | (date > prev_max)).groupby(cust, sort=False).cumsum()
    frame = pd.DataFrame({"customer": cust, "spell": spell, "date": date, "stop": stop,
                          "why": why})
    keys = [frame["customer"], frame["spell"]]
    spells = frame.groupby(keys, sort=True).agg(spell_start=("date", "min"),
                                                spell_end=("stop", "max"))
    at_end = (frame["stop"] == frame.groupby(keys)["stop"].transform("max")) \
        & (frame["why"] == "end_date")  # an end date reached at the spell's end decides
    by_end = at_end.groupby(keys).any().reindex(spells.index, fill_value=False)
    spells["ended_by"] = np.where(by_end.to_numpy(), "end_date", "inactivity")
    return _finish_spells(spells.reset_index(), as_of)


def _finish_spells(sp: pd.DataFrame | list, as_of: pd.Timestamp | None) -> pd.DataFrame:
    sp = pd.DataFrame(sp, columns=SPELL_COLUMNS) if isinstance(sp, list) else sp[
        SPELL_COLUMNS].copy()
    sp["customer"] = sp["customer"].astype(object)
    sp["spell"] = sp["spell"].astype("int64")
    for col in ("spell_start", "spell_end"):
        sp[col] = pd.to_datetime(sp[col]).astype("datetime64[ns]")
    sp["ended_by"] = sp["ended_by"].astype(object)
    if as_of is not None:
        running = sp["spell_end"] > as_of
        sp.loc[running, "spell_end"] = pd.NaT
        sp.loc[running, "ended_by"] = np.nan
    return sp.reset_index(drop=True)


# --------------------------------------------------------------------------- movements


def movement_flags(sp: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Per spell: active_at_start, new, reactivated, churned, active_at_end in the period."""
    before = start - ONE_DAY
    se = sp["spell_end"].fillna(FAR)
    started = (sp["spell_start"] >= start) & (sp["spell_start"] <= end)
    return pd.DataFrame({
        "customer": sp["customer"],
        "active_at_start": (sp["spell_start"] <= before) & (se > before),
        "new": started & (sp["spell"] == 1),
        "reactivated": started & (sp["spell"] > 1),
        "churned": (se >= start) & (se <= end),
        "active_at_end": (sp["spell_start"] <= end) & (se > end),
    })


def movements(sp: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp,
              groups: pd.Series | None = None) -> pd.DataFrame:
    """The five movement counts per group (one row :data:`ALL` without ``groups``)."""
    f = movement_flags(sp, start, end)
    g = f["customer"].map(groups) if groups is not None else pd.Series(ALL, index=f.index)
    out = f[MOVEMENT_COLUMNS].astype("int64").groupby(g.to_numpy()).sum()
    if groups is None and out.empty:
        out = pd.DataFrame(0, index=[ALL], columns=MOVEMENT_COLUMNS, dtype="int64")
    return out


def churn_relevant(orders: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, n: int
                   ) -> pd.DataFrame:
    """The order rows (columns customer, date) that can change logo churn in ``start … end``:
    the same result from far fewer rows (used for formulas over whole order ranges).

    Dropped: repeats of a (customer, day), days after ``end``, and per customer every day on or
    before ``start − 1 day`` but the latest — a touch keeps a customer active for ``n`` months,
    so only the latest touch up to the day before the start decides whether it is active at the
    start and when that spell can end — unless even that one lapsed before the start.
    """
    o = orders[orders["date"] <= end].drop_duplicates(["customer", "date"])
    before = start - ONE_DAY
    old = o["date"] <= before
    latest = o[old].sort_values("date").drop_duplicates("customer", keep="last")
    lapsed = before - pd.DateOffset(months=n) - pd.Timedelta(days=4)  # margin for month ends
    latest = latest[latest["date"] >= lapsed]
    return pd.concat([latest, o[~old]], ignore_index=True)
