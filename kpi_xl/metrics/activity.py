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


def _counts(ds: Dataset, start: dt.date, end: dt.date) -> pd.DataFrame:
    a = ds.activities
    a = a[(a["date"] >= pd.Timestamp(start)) & (a["date"] <= pd.Timestamp(end))]
    return a.groupby([a["rep"].astype(object), a["type"].astype(object)]).size()


def activity_ranking(ds: Dataset, start: dt.date, end: dt.date, *,
                     reps: Iterable[str] | None = None) -> pd.DataFrame:
    """Per active rep and activity type (the settings' types, then ``activities`` = all):
    count, business days, per business day, team median, ratio to it and rank (module
    docstring). No business day in the window → per_day NaN. Columns: :data:`RANKING_COLUMNS`.
    """
    check_dataset(ds)
    start, end = as_day(start, "start"), as_day(end, "end")
    names = _reps(ds, reps)
    days = calendar_of(ds).business_days(start, end)
    counts = _counts(ds, start, end)
    rows = []
    for kind in (*ds.settings.activity_types, ALL_TYPES):
        per = []
        for rep in names:
            if kind == ALL_TYPES:
                n = int(counts[rep].sum()) if rep in counts.index.get_level_values(0) else 0
            else:
                n = int(counts.get((rep, kind), 0))
            per.append((rep, n, n / days if days else math.nan))
        values = np.array([p[2] for p in per], dtype=float)
        med = float(np.median(values)) if len(values) and days else math.nan
        ranks = pd.Series(values).rank(ascending=False, method="min").to_numpy()
        for (rep, n, v), rk in zip(per, ranks, strict=True):
            rows.append({"rep": rep, "type": kind, "count": n, "business_days": days,
                         "per_day": v, "team_median": med,
                         "vs_median": v / med if med and not math.isnan(med) else math.nan,
                         "rank": int(rk) if not math.isnan(rk) else None})
    out = pd.DataFrame(rows, columns=RANKING_COLUMNS)
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
    cal = calendar_of(ds)
    rows = []
    for m in months:
        end = min(m.end, day)
        days = cal.business_days(m.start, end) if end >= m.start else 0
        counts = _counts(ds, m.start, end) if end >= m.start else pd.Series(dtype=int)
        per = []
        for rep in names:
            n = int(counts[rep].sum()) if len(counts) and rep in counts.index.get_level_values(
                0) else 0
            per.append((rep, n, n / days if days else math.nan))
        values = np.array([p[2] for p in per], dtype=float)
        med = float(np.median(values)) if len(values) and days else math.nan
        for rep, n, v in per:
            rows.append({"rep": rep, "month": m.label, "activities": n, "business_days": days,
                         "per_day": v, "team_median": med})
    return pd.DataFrame(rows, columns=["rep", "month", "activities", "business_days", "per_day",
                                       "team_median"])
