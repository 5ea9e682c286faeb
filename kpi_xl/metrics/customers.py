"""Order-based customers: activity spells, movements, acquisition, cohorts, order frequency/volume.

Customers here are *non-subscription*: nobody tells us when a customer stops buying, so activity
is inferred from orders.

Activity (``N = settings.churn_inactive_months``, default 3)
    A customer's *touch events* are its order dates (order rows with a negative amount — returns,
    credit notes — are not touches) plus ``customers.start_date`` when given. A touch on day
    ``e`` keeps the customer active on every day ``d`` with ``e <= d < e + N months``
    (``pd.DateOffset(months=N)``: an order on Jan 15 with N = 3 keeps it active up to Apr 14; it
    churns *on* Apr 15).
    An explicit ``customers.end_date`` ``E`` ends the spell containing it: touches on or before
    ``E`` keep the customer active only while ``d < E``. Touches strictly after ``E`` start a new
    spell (reactivation).

Spells
    Maximal runs of active days ``[spell_start, spell_end)``; ``spell_end`` is the first inactive
    day (the churn day). Spells are numbered per customer from 1: spell 1 is the customer's first
    activity ever ("new"), later spells are reactivations.

Movements in a period ``start … end`` (both inclusive)
    ``active_at_start`` = active on ``start − 1 day``; ``new`` = first spells starting in the
    period; ``reactivated`` = later spells starting in the period; ``churned`` = spells whose
    ``spell_end`` is in the period; ``active_at_end`` = active on ``end``. These are counts of
    spell starts/ends (events), so a customer who churns and comes back inside one period counts
    in both ``churned`` and ``reactivated``, and the identity
    ``active_at_start + new + reactivated − churned = active_at_end`` always holds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..calendar import Period
from ..dataset import Dataset
from ..errors import ConfigError

__all__ = [
    "ACQUISITION_BASES",
    "active_customers",
    "cohort_retention",
    "customer_acquisition",
    "customer_movements",
    "customer_spells",
    "new_customers",
    "order_frequency_volume",
]

ALL = "(all)"
UNASSIGNED = "(unassigned)"
CUSTOMER_DIMENSIONS = (None, "rep", "team", "segment")
ACQUISITION_BASES = {
    "first_won_or_order": "acquired at the earlier of its first won deal (close date) and its "
                          "first order",
    "first_order": "acquired at its first order",
    "first_won": "acquired at the close date of its first won deal",
}
_FREQ_MONTHS = {"M": 1, "Q": 3, "H": 6, "Y": 12}
_FAR = pd.Timestamp("2260-01-01")
_ONE_DAY = pd.Timedelta(days=1)
_SPELL_COLUMNS = ["customer", "spell", "spell_start", "spell_end", "ended_by"]

# ----------------------------------------------------------------------------------------------
# shared helpers (also used by churn.py and risk.py)


def _day(value: Any) -> pd.Timestamp:
    """A date-like value (date, 'YYYY-MM-DD', Timestamp) as a midnight Timestamp."""
    if isinstance(value, Period):
        return value.start_ts
    ts = pd.Timestamp(value)
    if pd.isna(ts):
        raise ConfigError(f"not a date: {value!r}")
    return ts.normalize()


def _window(start: Any, end: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``(start, end)`` inclusive Timestamps from two dates or one :class:`Period`."""
    if isinstance(start, Period) and end is None:
        return start.start_ts, pd.Timestamp(start.end)
    if end is None:
        raise ConfigError("a period needs a start and an end date (or pass a Period)")
    s, e = _day(start), _day(end.end if isinstance(end, Period) else end)
    if e < s:
        raise ConfigError(f"period end {e.date()} is before its start {s.date()}")
    return s, e


def _n_months(ds: Dataset, inactive_months: int | None) -> int:
    n = ds.settings.churn_inactive_months if inactive_months is None else int(inactive_months)
    if n < 1:
        raise ConfigError("inactive_months must be at least 1")
    return n


def _as_of(ds: Dataset, as_of: Any) -> pd.Timestamp | None:
    if as_of is not None:
        return _day(as_of)
    end = ds.data_end()
    return pd.Timestamp(end) if end is not None else None


def _check_by(by: str | None) -> None:
    if by not in CUSTOMER_DIMENSIONS:
        raise ConfigError(f"by must be one of {list(CUSTOMER_DIMENSIONS)} for customer metrics, "
                          f"not {by!r}")


def _valid_orders(ds: Dataset, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Order rows with a date and a customer (and dated on or before ``as_of``), plus an order
    key: ``order_id``, or customer + date for rows without one (lines of one order)."""
    cached = ds.__dict__.get("_valid_orders")
    if cached is None or cached[0] is not ds.orders:  # built once per orders table
        o = ds.orders
        o = o[o["date"].notna() & o["customer"].notna()].copy()
        o["customer"] = o["customer"].astype(object)
        key = o["customer"].astype(str) + "|" + o["date"].dt.strftime("%Y-%m-%d")
        o["order_key"] = o["order_id"].astype(object).where(o["order_id"].notna(), "#" + key)
        o["amount"] = o["amount"].fillna(0.0)
        cached = (ds.orders, o)
        ds.__dict__["_valid_orders"] = cached
    o = cached[1]
    # a new frame each call (copy-on-write): callers may add columns without touching the cache
    return o[o["date"] <= as_of] if as_of is not None else o.copy(deep=False)


def _customers_table(ds: Dataset) -> pd.DataFrame:
    c = ds.customers
    c = c[c["customer"].notna()].drop_duplicates("customer").copy()
    c["customer"] = c["customer"].astype(object)
    return c.set_index("customer")


def _first_won(ds: Dataset) -> pd.DataFrame:
    """customer → close_date and rep of its first won deal (deals with a close date first)."""
    op = ds.opportunities
    op = op[(op["status"] == "won").fillna(False) & op["customer"].notna()].copy()
    op["customer"] = op["customer"].astype(object)
    op = op.sort_values(["close_date", "created_date"], na_position="last", kind="stable")
    return op.drop_duplicates("customer").set_index("customer")[["close_date", "rep"]]


def _customer_groups(ds: Dataset, by: str | None, customers: Any = None) -> pd.Series:
    """customer → group label for ``by`` (None → '(all)'; rep from customers.rep, else the rep of
    the first won deal; team via ``ds.rep_team()``; segment from customers.segment)."""
    _check_by(by)
    if customers is None:
        won = _first_won(ds)
        customers = (set(_valid_orders(ds)["customer"]) | set(_customers_table(ds).index)
                     | set(won.index))
    index = pd.Index(sorted(set(customers)), dtype=object, name="customer")
    if by is None:
        return pd.Series(ALL, index=index, dtype=object)
    c = _customers_table(ds)
    if by == "segment":
        seg = c["segment"].astype(object).reindex(index)
        return seg.where(seg.notna(), UNASSIGNED)
    rep = c["rep"].astype(object).reindex(index)
    fallback = _first_won(ds)["rep"].astype(object).reindex(index)
    rep = rep.where(rep.notna(), fallback)
    if by == "team":
        teams = ds.rep_team()
        rep = pd.Series([teams.get(r, UNASSIGNED) if pd.notna(r) else UNASSIGNED for r in rep],
                        index=index, dtype=object)
    return rep.where(rep.notna(), UNASSIGNED)


def _month_index(dates: pd.Series) -> pd.Series:
    return dates.dt.year * 12 + dates.dt.month - 1


def _period_index(dates: pd.Series, freq: str, fy_start: int) -> pd.Series:
    """Month index (year*12 + month-1) of the start of the (fiscal) period containing each date."""
    span = _span(freq)
    idx = _month_index(dates)
    if span == 1:
        return idx
    off = fy_start - 1
    return (idx - off) // span * span + off


def _span(freq: str) -> int:
    if freq not in _FREQ_MONTHS:
        raise ConfigError(f"freq must be one of {list(_FREQ_MONTHS)}, not {freq!r}")
    return _FREQ_MONTHS[freq]


def _idx_ts(idx: int) -> pd.Timestamp:
    return pd.Timestamp(year=int(idx) // 12, month=int(idx) % 12 + 1, day=1)


def _period_grid(lo: int, hi: int, freq: str, fy_start: int) -> list[int]:
    span = _span(freq)
    if span == 1:
        return list(range(lo, hi + 1))
    off = fy_start - 1
    first = (lo - off) // span * span + off
    return list(range(first, hi + 1, span))


# ----------------------------------------------------------------------------------------------
# spells


def _touch_events(ds: Dataset, as_of: pd.Timestamp | None) -> pd.DataFrame:
    o = _valid_orders(ds, as_of)
    o = o[~(o["amount"] < 0)]
    c = _customers_table(ds)
    starts = c["start_date"].dropna()
    ev = pd.concat([
        pd.DataFrame({"customer": o["customer"].to_numpy(dtype=object),
                      "date": o["date"].to_numpy()}),
        pd.DataFrame({"customer": starts.index.to_numpy(dtype=object),
                      "date": starts.to_numpy()}),
    ], ignore_index=True)
    if as_of is not None:
        ev = ev[ev["date"] <= as_of]
    return ev.drop_duplicates().sort_values(["customer", "date"], kind="stable")


def _build_spells(ds: Dataset, n: int, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """All spells from touches on or before ``as_of`` (all touches when None). ``spell_end`` is
    NaT and ``ended_by`` NA for spells still running after ``as_of``."""
    off = pd.DateOffset(months=n)
    end_dates = _customers_table(ds)["end_date"]
    ev = _touch_events(ds, as_of).reset_index(drop=True)
    if ev.empty:
        return _finish_spells([], as_of)
    # Vectorised: each touch keeps the customer active until ``stop`` (touch + N months, or the
    # end date when that comes first); a touch after the running maximum of earlier stops
    # starts a new spell; a spell ends at the largest stop of its touches.
    date = ev["date"]
    end = pd.to_datetime(pd.Series(pd.to_datetime(end_dates).reindex(ev["customer"]).to_numpy(),
                                   index=ev.index)).astype("datetime64[ns]")
    stop = (date + off).astype("datetime64[ns]")
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
    sp = pd.DataFrame(sp, columns=_SPELL_COLUMNS) if isinstance(sp, list) else sp[
        _SPELL_COLUMNS].copy()
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


def customer_spells(ds: Dataset, *, inactive_months: int | None = None,
                    as_of: Any = None) -> pd.DataFrame:
    """Activity spells of every customer (see the module docstring for the activity rule).

    Returns one row per spell: ``customer``, ``spell`` (1 = first activity ever, 2+ =
    reactivations), ``spell_start``, ``spell_end`` (first inactive day, exclusive end),
    ``ended_by`` ('inactivity' | 'end_date').

    - Only touches on or before ``as_of`` (default: the latest date in the data) are used.
      ``spell_end`` is NaT and ``ended_by`` NaN when the spell is still running on ``as_of``
      (``spell_end > as_of``: censored).
    - Example (N = 3): orders on 2025-01-15 and 2025-02-10 → one spell 2025-01-15 … 2025-05-10
      (ended_by 'inactivity').
    - An end date inside a spell cuts it there (ended_by 'end_date'); an order after the end date
      starts spell 2.
    - No orders and no start date → no spells; empty orders → an empty frame with these columns.
    """
    return _build_spells(ds, _n_months(ds, inactive_months), _as_of(ds, as_of))


# ----------------------------------------------------------------------------------------------
# movements


def _movement_flags(sp: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    before = start - _ONE_DAY
    se = sp["spell_end"].fillna(_FAR)
    started = (sp["spell_start"] >= start) & (sp["spell_start"] <= end)
    return pd.DataFrame({
        "customer": sp["customer"],
        "active_at_start": (sp["spell_start"] <= before) & (se > before),
        "new": started & (sp["spell"] == 1),
        "reactivated": started & (sp["spell"] > 1),
        "churned": (se >= start) & (se <= end),
        "active_at_end": (sp["spell_start"] <= end) & (se > end),
    })


MOVEMENT_COLUMNS = ["active_at_start", "new", "reactivated", "churned", "active_at_end"]


def _movements(sp: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp,
               groups: pd.Series | None = None) -> pd.DataFrame:
    f = _movement_flags(sp, start, end)
    g = f["customer"].map(groups) if groups is not None else pd.Series(ALL, index=f.index)
    out = f[MOVEMENT_COLUMNS].astype("int64").groupby(g.to_numpy()).sum()
    if groups is None and out.empty:
        out = pd.DataFrame(0, index=[ALL], columns=MOVEMENT_COLUMNS, dtype="int64")
    return out


def customer_movements(ds: Dataset, start: Any, end: Any = None, *, by: str | None = None,
                       inactive_months: int | None = None,
                       as_of: Any = None) -> dict | pd.DataFrame:
    """Customer movements in the period ``start … end`` (inclusive; or pass a Period as start).

    ``active_at_start`` (active on start − 1 day) ``+ new`` (first spell ever starts in the
    period) ``+ reactivated`` (a later spell starts in the period) ``− churned`` (a spell's
    ``spell_end`` falls in the period) ``= active_at_end`` (active on ``end``).

    Counts are spell events: a customer churning and returning inside the period counts once in
    ``churned`` and once in ``reactivated``.

    - ``as_of`` None (default): all orders are used and churn dates are taken as known even when
      they fall after the last data date (a period running into the future shows the churn that
      happens unless new orders come). With ``as_of``, spells still running on ``as_of`` are
      treated as not ended.
    - Empty data → all zeros.

    Returns a dict (start, end, the five counts, inactive_months) or, with ``by``
    ('rep' | 'team' | 'segment'), a DataFrame with a ``by`` column and the five counts.
    """
    _check_by(by)
    s, e = _window(start, end)
    n = _n_months(ds, inactive_months)
    sp = _build_spells(ds, n, _day(as_of) if as_of is not None else None)
    if by is None:
        row = _movements(sp, s, e).iloc[0]
        return {"start": s, "end": e, **{k: int(row[k]) for k in MOVEMENT_COLUMNS},
                "inactive_months": n}
    groups = _customer_groups(ds, by, sp["customer"])
    out = _movements(sp, s, e, groups)
    out.index.name = by
    out = out.reset_index()
    out.insert(1, "start", s)
    out.insert(2, "end", e)
    return out


def active_customers(ds: Dataset, on: Any, *, by: str | None = None,
                     inactive_months: int | None = None) -> int | pd.DataFrame:
    """Number of customers active on day ``on`` (touch within the last N months, before any end
    date). Returns an int, or with ``by`` a DataFrame ``[by, active_customers]``. Empty → 0."""
    _check_by(by)
    day = _day(on)
    sp = _build_spells(ds, _n_months(ds, inactive_months), day)
    active = sp[(sp["spell_start"] <= day) & (sp["spell_end"].fillna(_FAR) > day)]
    if by is None:
        return int(active["customer"].nunique())
    groups = _customer_groups(ds, by, sp["customer"])
    counts = active.groupby(active["customer"].map(groups))["customer"].nunique()
    out = counts.reindex(sorted(set(groups)), fill_value=0).astype("int64")
    return out.rename_axis(by).rename("active_customers").reset_index()


# ----------------------------------------------------------------------------------------------
# acquisition


def customer_acquisition(ds: Dataset, *, basis: str = "first_won_or_order") -> pd.DataFrame:
    """When each customer was acquired: ``customer, first_won, first_order, acquired, source``.

    ``basis``: 'first_won_or_order' (earlier of first won deal's close date and first order; a
    tie counts as 'won_deal'), 'first_order' or 'first_won'. Customers with no date on the chosen
    basis are left out. Won deals without a customer are ignored.
    """
    if basis not in ACQUISITION_BASES:
        raise ConfigError(f"basis must be one of {sorted(ACQUISITION_BASES)}, not {basis!r}")
    won = _first_won(ds)["close_date"]
    first_order = _valid_orders(ds).groupby("customer")["date"].min()
    idx = pd.Index(sorted(set(won.index) | set(first_order.index)), dtype=object,
                   name="customer")
    df = pd.DataFrame({"first_won": won.reindex(idx), "first_order": first_order.reindex(idx)},
                      index=idx)
    if basis == "first_order":
        df["acquired"], df["source"] = df["first_order"], "order"
    elif basis == "first_won":
        df["acquired"], df["source"] = df["first_won"], "won_deal"
    else:
        use_won = df["first_won"].notna() & ~(df["first_order"] < df["first_won"])
        df["acquired"] = df["first_won"].where(use_won, df["first_order"])
        df["source"] = np.where(use_won, "won_deal", "order")
    df = df[df["acquired"].notna()]
    return df.reset_index()[["customer", "first_won", "first_order", "acquired", "source"]]


def new_customers(ds: Dataset, *, by: str | None = None, start: Any = None, end: Any = None,
                  basis: str = "first_won_or_order", freq: str = "M") -> pd.DataFrame:
    """New (acquired) customers per period.

    A customer is acquired at the earlier of its first won deal (close date) and its first
    order (``basis``, see :func:`customer_acquisition`). Counted per month (``freq='M'``) or
    fiscal quarter / half / year ('Q' | 'H' | 'Y'). With ``by='rep'`` the customer's rep
    (customers.rep, else the rep of its first won deal) gets the credit; 'team' and 'segment'
    likewise; customers without one go to '(unassigned)'.

    Columns: ``period`` (period start), [``by``], ``new_customers``, ``definition`` (the basis).
    Every period from ``start`` (default: first acquisition) to ``end`` (default: last) gets a
    row, 0 when nobody was acquired. No acquisitions and no start/end → empty frame.
    """
    _check_by(by)
    acq = customer_acquisition(ds, basis=basis)
    fy = ds.settings.fiscal_year_start
    if start is not None:
        acq = acq[acq["acquired"] >= _day(start)]
    if end is not None:
        acq = acq[acq["acquired"] <= _day(end)]
    cols = ["period", *([by] if by else []), "new_customers", "definition"]
    lo = (_period_index(pd.Series([_day(start)]), freq, fy).iloc[0] if start is not None
          else (_period_index(acq["acquired"], freq, fy).min() if len(acq) else None))
    hi = (_period_index(pd.Series([_day(end)]), freq, fy).iloc[0] if end is not None
          else (_period_index(acq["acquired"], freq, fy).max() if len(acq) else None))
    if lo is None or hi is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    grid = _period_grid(int(lo), int(hi), freq, fy)
    acq = acq.assign(pidx=_period_index(acq["acquired"], freq, fy))
    if by is None:
        counts = acq.groupby("pidx").size().reindex(grid, fill_value=0)
        out = pd.DataFrame({"period": [_idx_ts(i) for i in grid],
                            "new_customers": counts.to_numpy(dtype="int64")})
    else:
        groups = _customer_groups(ds, by)
        acq["group"] = acq["customer"].map(groups)
        labels = sorted(set(groups))
        full = pd.MultiIndex.from_product([grid, labels], names=["pidx", by])
        counts = acq.groupby(["pidx", "group"]).size().reindex(full, fill_value=0)
        out = counts.rename("new_customers").reset_index()
        out["period"] = [_idx_ts(i) for i in out["pidx"]]
    out["definition"] = basis
    return out[cols].reset_index(drop=True)


# ----------------------------------------------------------------------------------------------
# cohorts


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

    Orders after ``as_of`` (default: the latest date in the data) are ignored; cells for months
    starting after ``as_of`` are NaN (not observed yet — not 0). ``k`` = months from the oldest
    cohort to ``as_of``, capped at ``max_months``. Returns and other negative-amount rows count as
    orders only for the revenue metric. No orders → empty frame.
    """
    if metric not in ("customers", "revenue"):
        raise ConfigError(f"metric must be 'customers' or 'revenue', not {metric!r}")
    cutoff = _as_of(ds, as_of)
    o = _valid_orders(ds, cutoff)
    if metric == "customers":
        o = o[~(o["amount"] < 0)]
    if o.empty or cutoff is None:
        cols = ["cohort_size", *(["base_revenue"] if metric == "revenue" else []), 0]
        return pd.DataFrame(columns=cols, index=pd.DatetimeIndex([], name="cohort"))
    midx = _month_index(o["date"])
    cohort = midx.groupby(o["customer"]).transform("min")
    o = o.assign(cohort=cohort, k=midx - cohort)
    last = int(_month_index(pd.Series([cutoff])).iloc[0])
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
    out.index = pd.DatetimeIndex([_idx_ts(c) for c in cohorts], name="cohort")
    return out


# ----------------------------------------------------------------------------------------------
# frequency and volume of existing customers' orders


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
      existing_customers_ordering (NaN when the denominator is 0, e.g. a period with no
      existing customer ordering, or the first period of the data).

    Every period from ``start`` to ``end`` (default: the first and last order) gets a row.
    Columns: ``period``, [``by``], the counts and ratios above, ``definition``. No orders → empty.
    """
    _check_by(by)
    fy = ds.settings.fiscal_year_start
    o = _valid_orders(ds)
    cols = ["period", *([by] if by else []), "existing_customers_ordering", "orders", "amount",
            "orders_per_customer", "amount_per_order", "amount_per_customer", "definition"]
    if o.empty and (start is None or end is None):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    o["pidx"] = _period_index(o["date"], freq, fy)
    o["first"] = o.groupby("customer")["pidx"].transform("min")
    lo = (int(_period_index(pd.Series([_day(start)]), freq, fy).iloc[0]) if start is not None
          else int(o["pidx"].min()))
    hi = (int(_period_index(pd.Series([_day(end)]), freq, fy).iloc[0]) if end is not None
          else int(o["pidx"].max()))
    grid = _period_grid(lo, hi, freq, fy)
    ex = o[(o["pidx"] > o["first"]) & o["pidx"].isin(grid)].copy()
    if by is None:
        ex["group"] = ALL
        labels = [ALL]
    else:
        groups = _customer_groups(ds, by)
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
    out["period"] = [_idx_ts(i) for i in out["pidx"]]
    if by is not None:
        out[by] = out["group"]
    out["definition"] = "existing = first order in an earlier period"
    return out[cols].reset_index(drop=True)
