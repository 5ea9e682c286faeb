"""Activity ranking: activities per business day by type and rep against the team median,
each rep's own trend, and activities per won deal.

For a window W = start … end (business days from the settings' calendar, both ends included):

- ``per_day`` = activities of the type in W ÷ business days in W (for each active rep, 0 for a
  rep with no activity); type ``activities`` is every type together;
- ``team_median`` = the median of ``per_day`` over the active reps (reps without activity
  included: the median of the team as it is); ``vs_median`` = per_day ÷ team_median (NaN when
  the median is 0); ``rank`` = 1 for the most active rep of that type (ties share a rank);
- ``activities_per_won`` = activities (all types) ÷ won deals, both in the window given to
  :func:`activities_per_won` (NaN with no won deal).

:func:`activity_trend` gives each rep's activities per business day month by month, with the
team median of the same month: a rep's own trend beside the team's.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..calendar import Period
from ..dataset import Dataset
from .actuals import actuals
from .common import as_day, check_dataset
from .targets import calendar_of

__all__ = ["RANKING_COLUMNS", "activities_per_won", "activity_ranking", "activity_trend"]

RANKING_COLUMNS = ["rep", "type", "count", "business_days", "per_day", "team_median",
                   "vs_median", "rank"]
ALL_TYPES = "activities"


def _reps(ds: Dataset, reps: Iterable[str] | None) -> list[str]:
    if reps is not None:
        return list(reps)
    r = ds.reps
    return list(r.loc[r["active"], "rep"].dropna())


@dataclass(frozen=True)
class _Activities:
    """The activities table as codes, computed once per dataset: rows with both a rep and a
    type (the others are in no count), their day, rep code and type code."""

    dates: np.ndarray
    rep: np.ndarray
    type: np.ndarray
    reps: pd.Index
    types: pd.Index


def _activities(ds: Dataset) -> _Activities:
    def build(d: Dataset) -> _Activities:
        a = d.activities
        rep, reps = pd.factorize(a["rep"])
        kind, types = pd.factorize(a["type"])
        keep = (rep >= 0) & (kind >= 0)
        return _Activities(a["date"].to_numpy(dtype="datetime64[ns]")[keep], rep[keep],
                           kind[keep], pd.Index(np.asarray(reps, dtype=object)),
                           pd.Index(np.asarray(types, dtype=object)))

    return ds.derived("activity_codes", build)


def _between(dates: np.ndarray, start: dt.date, end: dt.date) -> np.ndarray:
    return (dates >= np.datetime64(pd.Timestamp(start))) & (
        dates <= np.datetime64(pd.Timestamp(end)))


def _lookup(index: pd.Index, names: list[str]) -> np.ndarray:
    """Positions of ``names`` in ``index`` (−1 for a name not in it)."""
    return index.get_indexer(pd.Index(names, dtype=object)) if len(index) else np.full(
        len(names), -1, dtype=np.intp)


def activity_ranking(ds: Dataset, start: dt.date, end: dt.date, *,
                     reps: Iterable[str] | None = None) -> pd.DataFrame:
    """Per active rep and activity type (the settings' types, then ``activities`` = all):
    count, business days, per business day, team median, ratio to it and rank (module
    docstring). No business day in the window → per_day NaN. Columns: :data:`RANKING_COLUMNS`.
    """
    check_dataset(ds)
    start, end = as_day(start, "start"), as_day(end, "end")
    names = _reps(ds, reps)
    if not names:
        return pd.DataFrame(columns=RANKING_COLUMNS)
    days = calendar_of(ds).business_days(start, end)
    a = _activities(ds)
    inside = _between(a.dates, start, end)
    n_types = len(a.types)
    # one pass: a (rep, type) count matrix, with a zero row for names without activity
    cells = np.bincount(a.rep[inside] * n_types + a.type[inside],
                        minlength=len(a.reps) * n_types).reshape(len(a.reps), n_types)
    cells = np.vstack([cells, np.zeros((1, n_types), dtype=cells.dtype)])
    rows = _lookup(a.reps, names)
    kinds = [*ds.settings.activity_types, ALL_TYPES]
    at = _lookup(a.types, kinds[:-1])
    parts = []
    for kind, col in zip(kinds, [*at, None], strict=True):
        if col is None:
            n = cells[rows].sum(axis=1)
        elif col < 0:
            n = np.zeros(len(names), dtype=np.int64)
        else:
            n = cells[rows, col]
        n = n.astype(np.int64)
        values = n / days if days else np.full(len(names), math.nan)
        med = float(np.median(values)) if days else math.nan
        ranks = pd.Series(values).rank(ascending=False, method="min").to_numpy()
        vs = values / med if med and not math.isnan(med) else np.full(len(names), math.nan)
        parts.append(pd.DataFrame({
            "rep": list(names), "type": [kind] * len(names), "count": n,
            "business_days": days, "per_day": values, "team_median": med, "vs_median": vs,
            "rank": (ranks.astype(np.int64) if days else
                     pd.Series([None] * len(names), dtype=object))}))
    out = pd.concat(parts, ignore_index=True)
    # a type nobody did is noise in a ranking: kept only when someone did it
    done = out.groupby("type")["count"].transform("sum") > 0
    return out[done | (out["type"] == ALL_TYPES)].reset_index(drop=True)


def activities_per_won(ds: Dataset, start: dt.date, end: dt.date, *,
                       reps: Iterable[str] | None = None) -> pd.DataFrame:
    """Per active rep: activities, won deals and activities per won deal in ``start … end``
    (columns rep, activities, won_deals, per_won)."""
    check_dataset(ds)
    names = _reps(ds, reps)
    act = actuals(ds, "activities", by="rep", start=start, end=end).set_index("group")["actual"]
    won = actuals(ds, "won_deals", by="rep", start=start, end=end).set_index("group")["actual"]
    rows = []
    for rep in names:
        a, w = float(act.get(rep, 0.0)), float(won.get(rep, 0.0))
        rows.append({"rep": rep, "activities": a, "won_deals": w,
                     "per_won": a / w if w else math.nan})
    return pd.DataFrame(rows, columns=["rep", "activities", "won_deals", "per_won"])


def activity_trend(ds: Dataset, months: list[Period], as_of: dt.date, *,
                   reps: Iterable[str] | None = None) -> pd.DataFrame:
    """Per active rep and month: activities (all types), business days (up to ``as_of`` in
    the month containing it), per business day and the team median of that month (columns
    rep, month, activities, business_days, per_day, team_median)."""
    check_dataset(ds)
    day = as_day(as_of, "as_of")
    names = _reps(ds, reps)
    cols = ["rep", "month", "activities", "business_days", "per_day", "team_median"]
    if not names or not months:
        return pd.DataFrame(columns=cols)
    cal = calendar_of(ds)
    a = _activities(ds)
    ends = [min(m.end, day) for m in months]
    days = np.array([cal.business_days(m.start, e) if e >= m.start else 0
                     for m, e in zip(months, ends, strict=True)], dtype=np.int64)
    # one pass: each activity in the month whose start … min(end, as_of) holds it
    starts = np.array([np.datetime64(pd.Timestamp(m.start)) for m in months])
    stops = np.array([np.datetime64(pd.Timestamp(e)) for e in ends])
    k = np.searchsorted(starts, a.dates, side="right") - 1
    inside = (k >= 0) & (a.dates <= stops[np.clip(k, 0, None)])
    n_m = len(months)
    cells = np.bincount(a.rep[inside] * n_m + k[inside],
                        minlength=len(a.reps) * n_m).reshape(len(a.reps), n_m)
    cells = np.vstack([cells, np.zeros((1, n_m), dtype=cells.dtype)])
    counts = cells[_lookup(a.reps, names)].T.astype(np.int64)  # month × rep
    with np.errstate(divide="ignore", invalid="ignore"):
        per = np.where(days[:, None] > 0, counts / np.maximum(days, 1)[:, None], math.nan)
    med = np.where(days > 0, np.median(per, axis=1), math.nan)
    return pd.DataFrame({
        "rep": names * n_m,
        "month": [m.label for m in months for _ in names],
        "activities": counts.ravel(), "business_days": np.repeat(days, len(names)),
        "per_day": per.ravel(), "team_median": np.repeat(med, len(names))}, columns=cols)
