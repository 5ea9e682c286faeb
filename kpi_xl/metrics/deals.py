"""Deal metrics: win rate, average deal size, sales cycle, time in stage and pipeline
velocity (stage model, periods and grouping as in :mod:`kpi_xl.metrics.stages`).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import ConfigError
from ..settings import Settings
from .common import as_day, check_dataset
from .common import definition as definition_of
from .results import Ratio, ratio, ratios_frame
from .stages import (
    DAY_NS,
    NAT,
    DateLike,
    bounds,
    in_range,
    opportunity_groups,
    safe_div,
    stage_matrix,
    status_codes,
    sum_by,
    to_ns,
)

__all__ = [
    "average_deal_size",
    "cycle_days",
    "pipeline_velocity",
    "sales_cycle",
    "time_in_stage",
    "velocity",
    "win_rate",
    "win_rates",
]

_DEFAULT = Settings()


# --------------------------------------------------------------------------- win rate


def win_rate(statuses: pd.Series | list, definition: str = "closed") -> Ratio:
    """Win rate of a list of statuses (``'won' | 'lost' | 'open'``, any case, en/ja aliases such
    as 受注/失注; a stage name other than won counts as open).

    - ``closed``: won ÷ (won + lost) — open deals are left out;
    - ``all``: won ÷ every non-blank status.

    Blanks (None, NaN, '') are ignored; unrecognised values are ignored and counted in the note.
    Edge cases: all lost → 0.0; no closed deals ('closed') or only blanks → NaN with a note.
    """
    d = definition_of(_DEFAULT, "win_rate", definition)
    codes = status_codes(statuses)
    won, lost = int((codes == "won").sum()), int((codes == "lost").sum())
    open_ = int((codes == "open").sum())
    unknown = int((codes == "?").sum())
    den = won + lost if d == "closed" else won + lost + open_
    r = ratio(won, den, d, zero_note="no closed deals" if d == "closed" else "no deals")
    if unknown:
        extra = f"{unknown} unrecognised status value{'s' if unknown != 1 else ''} ignored"
        r = Ratio(r.value, r.numerator, r.denominator, d, "; ".join(x for x in (r.note, extra)
                                                                      if x))
    return r


def win_rates(ds: Dataset, *, by: str | None = None, start: DateLike = None,
              end: DateLike = None, definition: str | None = None) -> pd.DataFrame:
    """Win rate per group: ``[<by or 'group'>, value, numerator, denominator, definition, note]``.

    Both definitions count the same deals: those *decided* (won or lost) with ``close_date``
    in ``[start, end]``, and — for ``all`` — also those still open at the end of the period
    (created by then and not decided by then, wherever they were created):

    - ``closed`` (default ``settings.win_rate_definition``): won ÷ (won + lost);
    - ``all``: won ÷ (won + lost + open at the end).

    An unbounded end counts every deal open now, undated ones included (CRM exports leave
    early-stage deals undated); a dated end never counts an undated deal.
    Edge cases: all lost → 0.0 (not NaN); nothing decided (and nothing open) → NaN with a note;
    empty dataset → the '(all)' group with NaN (or no rows when grouped).
    """
    settings = check_dataset(ds).settings
    d = definition_of(settings, "win_rate", definition)
    lo, hi = bounds(start, end)
    labels, gname, groups = opportunity_groups(ds, by)
    opp = ds.opportunities
    codes = stage_matrix(ds).status
    won = codes == "won"
    closed = won | (codes == "lost")
    close = to_ns(opp["close_date"])
    decided = in_range(close, closed, lo, hi)
    if d == "closed":
        den = decided
        note = "no deals decided in the period"
    else:
        created = to_ns(opp["created_date"])
        if hi is None:
            open_end = codes == "open"
        else:
            decided_by_end = closed & ((close == NAT) | (close < hi))
            open_end = np.isin(codes, ["won", "lost", "open"]) & ~decided_by_end \
                & (created != NAT) & (created < hi)
        den = decided | open_end
        note = "no deals decided or open in the period"
    sums = sum_by(labels, groups, np.column_stack([won & decided, den]))
    items = {g: ratio(int(a), int(b), d, zero_note=note)
             for g, a, b in zip(groups, sums[0], sums[1], strict=True)}
    return ratios_frame(items, gname).reset_index()


# --------------------------------------------------------------------------- deal size, cycle


def average_deal_size(ds: Dataset, *, by: str | None = None, start: DateLike = None,
                      end: DateLike = None) -> pd.DataFrame:
    """Mean amount of won deals closed in ``[start, end]``:
    ``[<by or 'group'>, average_deal_size, count, total, definition, note]``.

    ``average_deal_size = total / count`` over won deals with ``close_date`` in the period and a
    known amount. Edge cases: no won deal in the period → NaN, count 0 and a note; won deals
    without amount are left out and counted in the note.
    """
    lo, hi = bounds(start, end)
    labels, gname, groups = opportunity_groups(ds, by)
    opp = ds.opportunities
    won = stage_matrix(ds).status == "won"
    sel = in_range(to_ns(opp["close_date"]), won, lo, hi)
    amount = opp["amount"].to_numpy(dtype=float)
    has_amt = sel & ~np.isnan(amount)
    sums = sum_by(labels, groups, np.column_stack([has_amt, np.where(has_amt, amount, 0.0),
                                                    sel & ~has_amt]))
    count = sums[0].to_numpy(dtype=np.int64)
    total = sums[1].to_numpy(dtype=float)
    missing = sums[2].to_numpy(dtype=np.int64)
    notes = []
    for c, mi in zip(count, missing, strict=True):
        parts = [] if c else ["no won deals closed in the period"]
        if mi:
            parts.append(f"{mi} won deal{'s' if mi != 1 else ''} without amount left out")
        notes.append("; ".join(parts))
    return pd.DataFrame({
        gname: np.asarray(groups, dtype=object),
        "average_deal_size": safe_div(total, count),
        "count": count,
        "total": total,
        "definition": "mean amount of won deals closed in the period",
        "note": notes,
    })


def _cycle_stats(days: np.ndarray, labels: np.ndarray, groups: list[str]) -> pd.DataFrame:
    s = pd.Series(days, dtype=float)
    keep = ~np.isnan(days)
    agg = s[keep].groupby(labels[keep]).agg(["mean", "median", "count"])
    agg = agg.reindex(groups)
    agg["count"] = agg["count"].fillna(0).astype(np.int64)
    return agg


def sales_cycle(ds: Dataset, *, by: str | None = None, start: DateLike = None,
                end: DateLike = None, include_lost: bool = False) -> pd.DataFrame:
    """Sales cycle in calendar days, ``close_date − created_date``, of deals closed in
    ``[start, end]``: ``[<by or 'group'>, mean_days, median_days, count, definition, note]``.

    Won deals only (default) or won and lost ones (``include_lost=True``). Deals missing either
    date, or closing before they were created, are left out. Edge cases: no closed deal in the
    period → NaN mean/median, count 0 and a note; a single deal → mean = median = its cycle.
    """
    lo, hi = bounds(start, end)
    labels, gname, groups = opportunity_groups(ds, by)
    opp = ds.opportunities
    codes = stage_matrix(ds).status
    closed = (codes == "won") | ((codes == "lost") if include_lost else False)
    close, created = to_ns(opp["close_date"]), to_ns(opp["created_date"])
    sel = in_range(close, closed, lo, hi) & (close != NAT) & (created != NAT)
    days = np.where(sel, (close - np.where(created == NAT, 0, created)) / DAY_NS, np.nan)
    days[days < 0] = np.nan
    agg = _cycle_stats(days, labels, groups)
    what = "won and lost deals" if include_lost else "won deals"
    return pd.DataFrame({
        gname: np.asarray(groups, dtype=object),
        "mean_days": agg["mean"].to_numpy(dtype=float),
        "median_days": agg["median"].to_numpy(dtype=float),
        "count": agg["count"].to_numpy(),
        "definition": f"calendar days created → close of {what} closed in the period",
        "note": np.where(agg["count"].to_numpy() == 0, f"no {what} closed in the period", ""),
    })


def cycle_days(created: pd.Series, closed: pd.Series, status: pd.Series | None = None,
               include_lost: bool = False) -> dict:
    """Sales cycle of aligned Series: ``{'mean', 'median', 'count'}`` of ``closed − created`` in
    calendar days.

    With ``status``, only won deals (and lost ones when ``include_lost``) count; without it, every
    row with both dates counts. Rows missing a date or closing before creation are left out.
    Edge cases: nothing left → mean and median NaN, count 0.
    """
    c, z = to_ns(created), to_ns(closed)
    if len(c) != len(z):
        raise ConfigError(f"created and closed differ in length ({len(c)} vs {len(z)})")
    keep = (c != NAT) & (z != NAT)
    if status is not None:
        codes = status_codes(status)
        if len(codes) != len(c):
            raise ConfigError("status differs in length from the dates")
        keep &= (codes == "won") | ((codes == "lost") if include_lost else False)
    days = (z[keep] - c[keep]) / DAY_NS
    days = days[days >= 0]
    if not len(days):
        return {"mean": math.nan, "median": math.nan, "count": 0}
    return {"mean": float(days.mean()), "median": float(np.median(days)), "count": len(days)}


# --------------------------------------------------------------------------- time in stage


def time_in_stage(ds: Dataset, *, by: str | None = None,
                  as_of: DateLike = None) -> pd.DataFrame:
    """Days spent in each stage but the last: ``[<by or 'group'>, stage, mean_days,
    median_days, count, definition]``.

    For an opportunity in stage k: from entering k to entering the next stage (k+1, by the
    monotone rule) or, when k is the last stage it reached and the deal is lost, to
    ``close_date``. Only transitions whose two dates are both recorded (not implied, see
    :func:`stage_events`) count; open deals still in a stage (censored) and transitions with
    dates out of order (negative) are left out. With ``as_of``, only transitions that ended on
    or before it count (what was known that day).
    Edge cases: no usable transition for a stage → NaN, count 0; empty dataset → NaN rows for
    the '(all)' group (no rows when grouped).
    """
    labels, gname, groups = opportunity_groups(ds, by)
    m = stage_matrix(ds)
    opp = ds.opportunities
    k_count = len(m.stages)
    lost = stage_matrix(ds).status == "lost"
    close = to_ns(opp["close_date"])
    rec = m.reached & ~m.implied & (m.dates != NAT)
    frames = []
    for k in range(k_count - 1):
        nxt = m.reached[:, k + 1]
        end_ns = np.where(nxt, m.dates[:, k + 1], np.where(lost, close, NAT))
        end_ok = np.where(nxt, rec[:, k + 1], lost & (close != NAT))
        ok = rec[:, k] & end_ok
        if as_of is not None:
            ok &= end_ns < (pd.Timestamp(as_day(as_of, "as_of")) + pd.Timedelta(days=1)).value
        days = np.where(ok, (end_ns - np.where(ok, m.dates[:, k], 0)) / DAY_NS, np.nan)
        days[days < 0] = np.nan
        agg = _cycle_stats(days, labels, groups)
        frames.append(pd.DataFrame({
            gname: np.asarray(groups, dtype=object),
            "stage": m.stages[k],
            "mean_days": agg["mean"].to_numpy(dtype=float),
            "median_days": agg["median"].to_numpy(dtype=float),
            "count": agg["count"].to_numpy(),
        }))
    out = pd.concat(frames, ignore_index=True)
    order = {g: i for i, g in enumerate(groups)}
    out = out.sort_values(gname, key=lambda s: s.map(order), kind="stable", ignore_index=True)
    out["definition"] = ("calendar days from entering the stage to entering the next one (or to "
                         "close_date when lost); recorded dates only")
    return out


# --------------------------------------------------------------------------- velocity


def velocity(open_count: float, avg_deal: float, win_rate: float, cycle_days: float) -> float:
    """Pipeline velocity per day: ``open_count × avg_deal × win_rate ÷ cycle_days``.

    Edge cases: any factor missing (None/NaN) or ``cycle_days ≤ 0`` → NaN; ``open_count`` 0 or
    ``win_rate`` 0 → 0.0.
    """
    vals = [open_count, avg_deal, win_rate, cycle_days]
    try:
        vals = [math.nan if v is None else float(v) for v in vals]
    except (TypeError, ValueError):
        return math.nan
    if any(math.isnan(v) for v in vals) or vals[3] <= 0:
        return math.nan
    return vals[0] * vals[1] * vals[2] / vals[3]


def pipeline_velocity(ds: Dataset, *, by: str | None = None, as_of: DateLike = None,
                      lookback: int | None = None) -> pd.DataFrame:
    """Pipeline velocity (value per day) per group: ``[<by or 'group'>, open_opportunities,
    average_deal_size, win_rate, sales_cycle_days, velocity_per_day, as_of, definition, note]``.

    ``velocity = open_opportunities × average_deal_size × win_rate ÷ sales_cycle_days`` where

    - ``open_opportunities``: deals created on or before ``as_of`` and not closed by then
      (closed = ``close_date ≤ as_of``, or status won/lost with no close date), plus open
      deals without any date (they are in today's pipeline). Every open lead counts,
      whatever its stage;
    - the three other factors use deals closed in the lookback window — the ``lookback`` days
      ending on ``as_of`` (``as_of − lookback + 1 … as_of``), or everything up to ``as_of`` when
      None: :func:`average_deal_size`, :func:`win_rates` with the 'closed' definition and the
      mean of :func:`sales_cycle` (won deals).

    ``as_of`` defaults to ``ds.data_end()`` (today for an empty dataset).
    Edge cases: a missing factor (no won deal, no closed deal) or a 0-day cycle → NaN velocity
    with a note naming it; no open deal → velocity 0.
    """
    check_dataset(ds)
    if as_of is None:
        as_of = ds.data_end() or dt.date.today()
    as_of_ts = pd.Timestamp(as_day(as_of, "as_of"))
    hi = (as_of_ts + pd.Timedelta(days=1)).value
    if lookback is not None and (not isinstance(lookback, int) or isinstance(lookback, bool)
                                 or lookback < 1):
        raise ConfigError(f"lookback must be a number of days ≥ 1, not {lookback!r}")
    start = None if lookback is None else as_of_ts - pd.Timedelta(days=int(lookback) - 1)
    labels, gname, groups = opportunity_groups(ds, by)
    opp = ds.opportunities
    codes = stage_matrix(ds).status
    created, close = to_ns(opp["created_date"]), to_ns(opp["close_date"])
    closed_by = ((close != NAT) & (close < hi)) | (np.isin(codes, ["won", "lost"])
                                                     & (close == NAT))
    undated_open = (created == NAT) & (codes == "open")
    is_open = (((created != NAT) & (created < hi)) | undated_open) & ~closed_by
    open_n = sum_by(labels, groups, is_open)[0].to_numpy(dtype=np.int64)
    size = average_deal_size(ds, by=by, start=start, end=as_of_ts)
    wr = win_rates(ds, by=by, start=start, end=as_of_ts, definition="closed")
    cyc = sales_cycle(ds, by=by, start=start, end=as_of_ts)
    avg = size["average_deal_size"].to_numpy(dtype=float)
    rate = wr["value"].to_numpy(dtype=float)
    days = cyc["mean_days"].to_numpy(dtype=float)
    vel, notes = [], []
    for o, a, r, c in zip(open_n, avg, rate, days, strict=True):
        v = velocity(o, a, r, c)
        missing = []
        if math.isnan(a):
            missing.append("no won deal with an amount (average deal size)")
        if math.isnan(r):
            missing.append("no closed deal (win rate)")
        if math.isnan(c):
            missing.append("no won deal with dates (sales cycle)")
        elif c <= 0:
            missing.append("sales cycle is 0 days")
        if missing and o == 0:
            v = 0.0  # nothing open: the velocity is 0 whatever the other factors
            missing = []
        vel.append(v)
        notes.append("; ".join(missing))
    window = ("all deals closed up to as_of" if lookback is None
              else f"deals closed in the {int(lookback)} days up to as_of")
    return pd.DataFrame({
        gname: np.asarray(groups, dtype=object),
        "open_opportunities": open_n,
        "average_deal_size": avg,
        "win_rate": rate,
        "sales_cycle_days": days,
        "velocity_per_day": np.asarray(vel, dtype=float),
        "as_of": as_of_ts,
        "definition": f"open × average won deal × win rate (closed) ÷ mean cycle days; {window}",
        "note": notes,
    })
