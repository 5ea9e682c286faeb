"""Customers: spells, movements, acquisition (new customers) and existing customers' order
frequency and volume. Activity, spells and movements are defined in
:mod:`kpi_xl.metrics.spells`; grouping follows the customer policy of
:mod:`kpi_xl.metrics.common` (by rep, team or segment; customers without one are ``'(none)'``).

New customers are counted one way everywhere: a customer is *acquired* at its first touch —
the earliest of its start date (取引開始日), its first won deal and its first order — which is
also where its first spell starts, so ``new`` in the movements and the ``new_customers``
actuals of the scorecard always agree.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import ConfigError
from .common import ALL, CUSTOMER_DIMENSIONS, as_day, check_by, check_dataset, customer_labels
from .months import month_start, period_grid, period_index
from .spells import (
    FAR,
    MOVEMENT_COLUMNS,
    as_of_day,
    build_spells,
    customers_table,
    first_won,
    inactive_months,
    movements,
    period_window,
    valid_orders,
)

__all__ = [
    "ACQUISITION_BASES",
    "active_customers",
    "customer_acquisition",
    "customer_groups",
    "customer_movements",
    "customer_spells",
    "new_customers",
    "order_frequency_volume",
]

ACQUISITION_BASES = {
    "first_touch": "acquired at the earliest of its start date, its first won deal (close "
                   "date) and its first order",
    "first_won_or_order": "acquired at the earlier of its first won deal (close date) and its "
                          "first order",
    "first_order": "acquired at its first order",
    "first_won": "acquired at the close date of its first won deal",
}
_BY = (None, *CUSTOMER_DIMENSIONS)


def customer_groups(ds: Dataset, by: str | None, customers: Any = None) -> pd.Series:
    """customer → group label for ``by`` (every customer known to the book by default)."""
    check_by(by, _BY)
    won = first_won(ds)
    if customers is None:
        customers = (set(valid_orders(ds)["customer"]) | set(customers_table(ds).index)
                     | set(won.index))
    return customer_labels(ds, customers, by, won)


def customer_spells(ds: Dataset, *, inactive_months: int | None = None,
                    as_of: Any = None) -> pd.DataFrame:
    """Activity spells of every customer (see :mod:`kpi_xl.metrics.spells`).

    Returns one row per spell: ``customer``, ``spell`` (1 = first activity ever, 2+ =
    reactivations), ``spell_start``, ``spell_end`` (first inactive day, exclusive end),
    ``ended_by`` ('inactivity' | 'end_date').

    - Only touches on or before ``as_of`` (default: the latest date in the data) are used.
      ``spell_end`` is NaT and ``ended_by`` NaN when the spell is still running on ``as_of``.
    - Example (N = 3): orders on 2025-01-15 and 2025-02-10 → one spell 2025-01-15 … 2025-05-10
      (ended_by 'inactivity').
    - An end date inside a spell cuts it there (ended_by 'end_date'); an order after the end date
      starts spell 2.
    - No touches → no spells; empty orders → an empty frame with these columns.
    """
    n = _months(ds, inactive_months)
    return build_spells(ds, n, as_of_day(ds, as_of))


def _months(ds: Dataset, months: int | None) -> int:
    return inactive_months(check_dataset(ds), months)


def customer_movements(ds: Dataset, start: Any, end: Any = None, *, by: str | None = None,
                       inactive_months: int | None = None,
                       as_of: Any = None) -> dict | pd.DataFrame:
    """Customer movements in the period ``start … end`` (inclusive; or pass a Period as start).

    ``active_at_start`` (active on start − 1 day) ``+ new`` (first spell ever starts in the
    period) ``+ reactivated`` (a later spell starts in the period) ``− churned`` (a spell's
    ``spell_end`` falls in the period) ``= active_at_end`` (active on ``end``).

    Counts are spell events: a customer churning and returning inside the period counts once in
    ``churned`` and once in ``reactivated``.

    - ``as_of`` None (default): all touches are used and churn dates are taken as known even
      when they fall after the last data date. With ``as_of``, spells still running on
      ``as_of`` are treated as not ended.
    - Empty data → all zeros.

    Returns a dict (start, end, the five counts, inactive_months) or, with ``by``
    ('rep' | 'team' | 'segment'), a DataFrame with a ``by`` column and the five counts.
    """
    check_by(by, _BY)
    n = _months(ds, inactive_months)
    s, e = period_window(start, end)
    sp = build_spells(ds, n, pd.Timestamp(as_day(as_of, "as_of")) if as_of is not None
                      else None)
    if by is None:
        row = movements(sp, s, e).iloc[0]
        return {"start": s, "end": e, **{k: int(row[k]) for k in MOVEMENT_COLUMNS},
                "inactive_months": n}
    groups = customer_groups(ds, by, sp["customer"])
    out = movements(sp, s, e, groups).reindex(sorted(set(groups)), fill_value=0)
    out.index.name = by
    out = out.reset_index()
    out.insert(1, "start", s)
    out.insert(2, "end", e)
    return out


def active_customers(ds: Dataset, on: Any, *, by: str | None = None,
                     inactive_months: int | None = None) -> int | pd.DataFrame:
    """Number of customers active on day ``on`` (touch within the last N months, before any end
    date). Returns an int, or with ``by`` a DataFrame ``[by, active_customers]``. Empty → 0."""
    check_by(by, _BY)
    day = pd.Timestamp(as_day(on, "on"))
    sp = build_spells(ds, _months(ds, inactive_months), day)
    active = sp[(sp["spell_start"] <= day) & (sp["spell_end"].fillna(FAR) > day)]
    if by is None:
        return int(active["customer"].nunique())
    groups = customer_groups(ds, by, sp["customer"])
    counts = active.groupby(active["customer"].map(groups))["customer"].nunique()
    out = counts.reindex(sorted(set(groups)), fill_value=0).astype("int64")
    return out.rename_axis(by).rename("active_customers").reset_index()


def customer_acquisition(ds: Dataset, *, basis: str = "first_touch") -> pd.DataFrame:
    """When each customer was acquired: ``customer, start_date, first_won, first_order,
    acquired, source``.

    ``basis``: 'first_touch' (default: the earliest of the start date, the first won deal's
    close date and the first order — where the customer's first spell starts; ties count as
    'start_date', then 'won_deal'), 'first_won_or_order', 'first_order' or 'first_won'. Orders
    with a negative amount (returns) do not acquire. Customers with no date on the chosen basis
    are left out. Won deals without a customer are ignored; deals may name customers by ID or
    company name.
    """
    check_dataset(ds)
    if basis not in ACQUISITION_BASES:
        raise ConfigError(f"basis must be one of {sorted(ACQUISITION_BASES)}, not {basis!r}")
    won = first_won(ds)["close_date"]
    o = valid_orders(ds)
    first_order = o[~(o["amount"] < 0)].groupby("customer")["date"].min()
    start = customers_table(ds)["start_date"].dropna()
    idx = pd.Index(sorted(set(won.index) | set(first_order.index) | set(start.index), key=str),
                   dtype=object, name="customer")
    df = pd.DataFrame({"start_date": start.reindex(idx), "first_won": won.reindex(idx),
                       "first_order": first_order.reindex(idx)}, index=idx)
    cols = {"first_order": ["first_order"], "first_won": ["first_won"],
            "first_won_or_order": ["first_won", "first_order"],
            "first_touch": ["start_date", "first_won", "first_order"]}[basis]
    dates = df[cols].apply(lambda c: c.fillna(FAR))
    pick = dates.to_numpy().argmin(axis=1)
    df["acquired"] = dates.min(axis=1).where(lambda s: s < FAR)
    names = {"start_date": "start_date", "first_won": "won_deal", "first_order": "order"}
    df["source"] = np.asarray([names[c] for c in cols], dtype=object)[pick]
    df = df[df["acquired"].notna()]
    return df.reset_index()[["customer", "start_date", "first_won", "first_order", "acquired",
                             "source"]]


def new_customers(ds: Dataset, *, by: str | None = None, start: Any = None, end: Any = None,
                  basis: str = "first_touch", freq: str = "M") -> pd.DataFrame:
    """New (acquired) customers per period (acquisition as in :func:`customer_acquisition`).

    Counted per month (``freq='M'``) or fiscal quarter / half / year ('Q' | 'H' | 'Y'). With
    ``by='rep'`` the customer's rep (customers.rep, else the rep of its first won deal) gets
    the credit; 'team' and 'segment' likewise; customers without one go to '(none)'.

    Columns: ``period`` (period start), [``by``], ``new_customers``, ``definition`` (the basis).
    Every period from ``start`` (default: first acquisition) to ``end`` (default: last) gets a
    row, 0 when nobody was acquired. No acquisitions and no start/end → empty frame.
    """
    check_by(by, _BY)
    acq = customer_acquisition(ds, basis=basis)
    fy = ds.settings.fiscal_year_start
    lo_day = pd.Timestamp(as_day(start, "start")) if start is not None else None
    hi_day = pd.Timestamp(as_day(end, "end")) if end is not None else None
    if lo_day is not None:
        acq = acq[acq["acquired"] >= lo_day]
    if hi_day is not None:
        acq = acq[acq["acquired"] <= hi_day]
    cols = ["period", *([by] if by else []), "new_customers", "definition"]
    pidx = period_index(acq["acquired"], freq, fy)
    lo = (period_index(pd.Series([lo_day]), freq, fy).iloc[0] if lo_day is not None
          else (pidx.min() if len(acq) else None))
    hi = (period_index(pd.Series([hi_day]), freq, fy).iloc[0] if hi_day is not None
          else (pidx.max() if len(acq) else None))
    if lo is None or hi is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    grid = period_grid(int(lo), int(hi), freq, fy)
    acq = acq.assign(pidx=pidx)
    if by is None:
        counts = acq.groupby("pidx").size().reindex(grid, fill_value=0)
        out = pd.DataFrame({"period": [month_start(i) for i in grid],
                            "new_customers": counts.to_numpy(dtype="int64")})
    else:
        groups = customer_groups(ds, by)
        acq["group"] = acq["customer"].map(groups)
        labels = sorted(set(groups))
        full = pd.MultiIndex.from_product([grid, labels], names=["pidx", by])
        counts = acq.groupby(["pidx", "group"]).size().reindex(full, fill_value=0)
        out = counts.rename("new_customers").reset_index()
        out["period"] = [month_start(i) for i in out["pidx"]]
    out["definition"] = basis
    return out[cols].reset_index(drop=True)


def order_frequency_volume(ds: Dataset, *, by: str | None = None, freq: str = "M",
                           start: Any = None, end: Any = None) -> pd.DataFrame:
    """Frequency and volume of existing customers' orders per period (既存顧客の受注頻度・量):
    a decline means lost revenue even when the customer count holds.

    Existing customer in a period = its first order ever was in an earlier period. Per period
    (month by default; 'Q' | 'H' | 'Y' are fiscal) and group:

    - ``existing_customers_ordering`` = existing customers with ≥ 1 order in the period;
    - ``orders`` = their distinct orders (``order_id``; rows without one count as one order per
      customer and day); ``amount`` = their order amount;
    - ``orders_per_customer`` = orders ÷ existing_customers_ordering;
    - ``amount_per_order`` = amount ÷ orders; ``amount_per_customer`` = amount ÷
      existing_customers_ordering (NaN when the denominator is 0).

    Every period from ``start`` to ``end`` (default: the first and last order) gets a row.
    Columns: ``period``, [``by``], the counts and ratios above, ``definition``. No orders → empty.
    """
    check_by(by, _BY)
    check_dataset(ds)
    fy = ds.settings.fiscal_year_start
    o = valid_orders(ds)
    cols = ["period", *([by] if by else []), "existing_customers_ordering", "orders", "amount",
            "orders_per_customer", "amount_per_order", "amount_per_customer", "definition"]
    if o.empty and (start is None or end is None):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    o["pidx"] = period_index(o["date"], freq, fy)
    o["first"] = o.groupby("customer")["pidx"].transform("min")

    def edge(value: Any, name: str, default: int) -> int:
        if value is None:
            return default
        return int(period_index(pd.Series([pd.Timestamp(as_day(value, name))]), freq,
                                fy).iloc[0])

    lo = edge(start, "start", int(o["pidx"].min()) if len(o) else 0)
    hi = edge(end, "end", int(o["pidx"].max()) if len(o) else 0)
    grid = period_grid(lo, hi, freq, fy)
    ex = o[(o["pidx"] > o["first"]) & o["pidx"].isin(grid)].copy()
    if by is None:
        ex["group"] = ALL
        labels = [ALL]
    else:
        groups = customer_groups(ds, by)
        ex["group"] = ex["customer"].map(groups)
        labels = sorted(set(groups))
    full = pd.MultiIndex.from_product([grid, labels], names=["pidx", "group"])
    agg = ex.groupby(["pidx", "group"]).agg(
        existing_customers_ordering=("customer", "nunique"), orders=("order_key", "nunique"),
        amount=("amount", "sum"),
    ).reindex(full)
    agg[["existing_customers_ordering", "orders"]] = (
        agg[["existing_customers_ordering", "orders"]].fillna(0).astype("int64"))
    agg["amount"] = agg["amount"].fillna(0.0).astype("float64")
    cust = agg["existing_customers_ordering"].replace(0, np.nan)
    orders = agg["orders"].replace(0, np.nan)
    agg["orders_per_customer"] = agg["orders"] / cust
    agg["amount_per_order"] = agg["amount"] / orders
    agg["amount_per_customer"] = agg["amount"] / cust
    out = agg.reset_index()
    out["period"] = [month_start(i) for i in out["pidx"]]
    if by is not None:
        out[by] = out["group"]
    out["definition"] = "existing = first order in an earlier period"
    return out[cols].reset_index(drop=True)
