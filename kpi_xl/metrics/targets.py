"""Targets of a period, phased month by month.

Targets are monthly (the Targets table has one row per rep or team, month and metric). For a
period P as of day a:

- a month's *cover* = business days of the month inside P ÷ business days of the month (1 for
  every whole month; a ``START..END`` range covering half of April's business days covers
  half of April's target). Calendar days stand in for a month without business days.
- period target = Σ over the months of P of monthly target × cover. Months without a target
  row contribute nothing and are *named* (``months_without_target``), never filled by
  spreading the other months' targets over them.
- expected to date = Σ monthly target × elapsed share, where the elapsed share of a month is
  its business days inside P up to a ÷ its business days: months fully before a count fully,
  the month containing a by business days elapsed, later months not at all. On the period's
  last day the expected equals the period target.

Team figures: an explicit team target for a (team, month) replaces the sum of its reps'
targets for that month; everyone's target is the sum over teams.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from ..calendar import BusinessCalendar, Period
from ..dataset import Dataset
from .common import ALL, check_by, check_period, group_labels

__all__ = ["MonthShare", "PhasedTarget", "calendar_of", "month_shares", "monthly_targets",
           "phased_targets", "target_totals"]


def calendar_of(ds: Dataset) -> BusinessCalendar:
    """The business calendar of the dataset's settings (one per dataset: it caches counts)."""
    return ds.derived("calendar", lambda d: BusinessCalendar(d.settings.holiday_calendar,
                                                             d.settings.custom_holidays))


@dataclass(frozen=True)
class MonthShare:
    """One month of a period: its first day, cover and elapsed share (see the module text)."""

    month: pd.Timestamp
    cover: float
    elapsed: float


def _days(cal: BusinessCalendar, start: dt.date, end: dt.date, month_days: int) -> int:
    return cal.business_days(start, end) if month_days else max((end - start).days + 1, 0)


def month_shares(period: Period, as_of: dt.date, cal: BusinessCalendar) -> list[MonthShare]:
    """Cover and elapsed share of every month the period touches, as of ``as_of``."""
    out = []
    for m in period.months():
        first = m.date()
        last = (m + pd.offsets.MonthEnd(0)).date()
        bd = cal.business_days(first, last)
        total = bd or (last - first).days + 1
        lo, hi = max(first, period.start), min(last, period.end)
        cover = _days(cal, lo, hi, bd) / total
        upto = min(hi, as_of)
        elapsed = _days(cal, lo, upto, bd) / total if upto >= lo else 0.0
        out.append(MonthShare(m, cover, elapsed))
    return out


def monthly_targets(ds: Dataset, metric: str, period: Period, by: str | None = "rep"
                    ) -> pd.Series:
    """(group, month start) → monthly target of ``metric`` for the months of ``period``.

    by='rep': rep rows only. by='team' or None: explicit team targets for a (team, month)
    replace the sum of that team's rep targets. Other dimensions have no targets (empty).
    """
    check_period(period)
    by = check_by(by, (None, "rep", "team", "segment", "product", "channel"))
    t = ds.targets
    months = period.months()
    t = t[(t["metric"] == metric) & t["period"].isin(months) & t["target"].notna()]
    empty = pd.Series(dtype=float, index=pd.MultiIndex.from_tuples([], names=["group",
                                                                              "period"]))
    if by not in (None, "rep", "team"):
        return empty
    rep_rows = t[t["rep"].notna()]
    if by == "rep":
        s = rep_rows.groupby([rep_rows["rep"].astype(object), "period"])["target"].sum()
        return s.rename_axis(["group", "period"]) if len(s) else empty
    rep_rows = rep_rows.assign(team=group_labels(ds, rep_rows, "team"))
    per_team = rep_rows.groupby(["team", "period"])["target"].sum()
    team_rows = t[t["rep"].isna() & t["team"].notna()]
    team_rows = team_rows.groupby([team_rows["team"].astype(object), "period"])["target"].sum()
    combined = team_rows.combine_first(per_team)
    if not len(combined):
        return empty
    if by is None:
        s = combined.groupby(level="period").sum()
        return pd.concat({ALL: s}, names=["group", "period"])
    return combined.rename_axis(["group", "period"])


@dataclass(frozen=True)
class PhasedTarget:
    """A group's target of a period: ``target`` (NaN without any target row), ``expected``
    to date and the month labels (``YYYY-MM``) that have no target."""

    target: float
    expected: float
    months_without_target: tuple[str, ...]


def phased_targets(ds: Dataset, metric: str, period: Period, as_of: dt.date,
                   by: str | None = "rep") -> dict[str, PhasedTarget]:
    """group → :class:`PhasedTarget` for every group with at least one target row in the
    period (formulas in the module docstring)."""
    monthly = monthly_targets(ds, metric, period, by)
    if not len(monthly):
        return {}
    shares = [s for s in month_shares(period, as_of, calendar_of(ds)) if s.cover > 0]
    months = monthly.index.get_level_values("period")
    cover = months.map({s.month: s.cover for s in shares}).to_numpy(dtype=float)
    elapsed = months.map({s.month: s.elapsed for s in shares}).to_numpy(dtype=float)
    groups = monthly.index.get_level_values("group")
    values = monthly.to_numpy(dtype=float)
    target = pd.Series(values * cover).groupby(groups).sum()
    expected = pd.Series(values * elapsed).groupby(groups).sum()
    grid = pd.crosstab(groups, months).reindex(index=target.index,
                                               columns=[s.month for s in shares], fill_value=0)
    labels = [s.month.strftime("%Y-%m") for s in shares]
    absent = grid.to_numpy() == 0
    return {str(group): PhasedTarget(float(target[group]), float(expected[group]),
                                     tuple(lab for lab, gone in zip(labels, row, strict=True)
                                           if gone))
            for group, row in zip(target.index, absent, strict=True)}


def target_totals(ds: Dataset, metric: str, period: Period, *, by: str | None = "rep"
                  ) -> pd.Series:
    """group → target of ``metric`` for ``period`` (Σ monthly target × cover). Groups without
    any target row are absent (→ "no target")."""
    phased = phased_targets(ds, metric, period, period.end, by)
    return pd.Series({g: p.target for g, p in phased.items()}, dtype=float)
