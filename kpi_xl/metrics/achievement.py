"""Achievement against targets, business-day pace and the landing forecast.

Formulas (period P = start … end, as-of date a, business days from the settings' calendar):

- achievement = actual ÷ target. Zero target → NaN ("target is zero"); no target → NaN
  ("no target"). A team's achievement is Σ actual ÷ Σ target over its reps (not the mean of
  the reps' rates); an explicit team target, when given for that month and metric, replaces
  the sum of its reps' targets.
- business days: total = business days in P; elapsed = business days in start … min(a, end)
  (0 before P starts); remaining = total − elapsed.
- expected to date = target × elapsed ÷ total;  pace = actual ÷ expected to date.
- landing forecast = actual ÷ elapsed × total (straight-line run rate per business day);
  NaN while no business day has elapsed.
- gap = forecast − target (negative: short of target).
- required per remaining business day = max(target − actual, 0) ÷ remaining; NaN once the
  period is over with the target missed (nothing left to do it in), 0 when already met.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass

import pandas as pd

from ..calendar import BusinessCalendar, Period
from ..dataset import Dataset
from ._result import Ratio, ratio
from .actuals import actuals, dimension_column, metric_def

__all__ = [
    "Pace",
    "achievement",
    "calendar_of",
    "pace",
    "scorecard",
    "target_totals",
]


def achievement(actual: float, target: float | None) -> Ratio:
    """actual ÷ target as a Ratio; NaN with the reason when the target is missing or zero.

    >>> achievement(80, 100).value
    0.8
    """
    if target is None or (isinstance(target, float) and math.isnan(target)):
        return Ratio(math.nan, float(actual), math.nan, "actual/target", "no target")
    return ratio(actual, target, "actual/target", zero_note="target is zero")


@dataclass(frozen=True)
class Pace:
    """Business-day pacing of one actual against one target (see the module docstring)."""

    business_days_total: int
    business_days_elapsed: int
    business_days_remaining: int
    expected_to_date: float
    pace: float
    forecast: float
    gap: float
    required_per_day: float
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def pace(actual: float, target: float | None, start: dt.date, end: dt.date, as_of: dt.date,
         calendar: BusinessCalendar | None = None) -> Pace:
    """Pace, landing forecast, gap and required daily rate for ``actual`` vs ``target`` in
    ``start … end`` as of ``as_of`` (formulas in the module docstring).

    Edge cases: no business day elapsed → pace and forecast NaN (note says so); no target →
    expected/pace/gap/required NaN but the forecast is still given; zero business days in the
    period → everything NaN.
    """
    cal = calendar or BusinessCalendar()
    total = cal.business_days(start, end)
    elapsed = cal.business_days(start, min(as_of, end)) if as_of >= start else 0
    remaining = total - elapsed
    nan = math.nan
    tgt = nan if target is None else float(target)
    notes = []
    if total == 0:
        return Pace(0, 0, 0, nan, nan, nan, nan, nan, "no business days in the period")
    forecast = actual / elapsed * total if elapsed else nan
    if not elapsed:
        notes.append("no business day elapsed yet")
    expected = tgt * elapsed / total
    pace_v = actual / expected if expected else nan
    gap = forecast - tgt
    short = max(tgt - actual, 0.0) if not math.isnan(tgt) else nan
    if math.isnan(short):
        required = nan
    elif short == 0:
        required = 0.0
    elif remaining == 0:
        required = nan
        notes.append("period over")
    else:
        required = short / remaining
    if math.isnan(tgt):
        notes.append("no target")
    return Pace(total, elapsed, remaining, expected, pace_v, forecast, gap, required,
                "; ".join(notes))


def calendar_of(ds: Dataset) -> BusinessCalendar:
    """The business calendar of the dataset's settings."""
    return BusinessCalendar(ds.settings.holiday_calendar, ds.settings.custom_holidays)


def target_totals(ds: Dataset, metric: str, period: Period, *, by: str | None = "rep"
                  ) -> pd.Series:
    """Σ monthly targets of ``metric`` over the months of ``period`` per group.

    by='rep': rep rows only. by='team' or None: explicit team targets for a (team, month)
    replace the sum of that team's rep targets for that month. Groups without any target row
    are absent (→ "no target").
    """
    t = ds.targets
    t = t[(t["metric"] == metric) & period.mask(t["period"])]
    rep_rows = t[t["rep"].notna()]
    if by not in (None, "team"):
        if by != "rep":
            raise KeyError(f"targets exist per rep and team only, not per {by!r}")
        return rep_rows.groupby("rep")["target"].sum()
    rep_rows = rep_rows.assign(team=dimension_column(ds, rep_rows, "team"))
    per_team_month = rep_rows.groupby(["team", "period"])["target"].sum()
    team_rows = t[t["rep"].isna() & t["team"].notna()].groupby(["team", "period"])["target"].sum()
    combined = team_rows.combine_first(per_team_month)
    if by is None:
        return pd.Series({"(all)": combined.sum()}) if len(combined) else pd.Series(dtype=float)
    return combined.groupby(level="team").sum()


def scorecard(ds: Dataset, period: Period, *, by: str | None = "rep",
              metrics: list[str] | None = None, as_of: dt.date | None = None) -> pd.DataFrame:
    """One row per (group, metric): target, actual, achievement, business-day pace, landing
    forecast, gap and required per remaining business day, for ``period`` as of ``as_of``.

    ``metrics`` defaults to every metric that has a target in the period. Actuals count events
    up to ``as_of`` (default: the period end, or the data's last date if earlier). Groups are
    every active rep plus any other rep with an actual or a target in the period (by='rep'),
    every team (by='team') or '(all)'.
    Columns: group, metric, unit, target, actual, achievement, achievement_note,
    business_days_total, business_days_elapsed, business_days_remaining, expected_to_date,
    pace, forecast, gap, required_per_day, note.
    """
    st = ds.settings
    if as_of is None:
        end = ds.data_end()
        as_of = min(period.end, end) if end else period.end
    if metrics is None:
        t = ds.targets
        metrics = list(dict.fromkeys(t.loc[period.mask(t["period"]), "metric"].dropna()))
    cal = calendar_of(ds)
    if by == "rep":
        groups = list(ds.reps.loc[ds.reps["active"], "rep"])
    elif by == "team":
        groups = list(dict.fromkeys(ds.rep_team().tolist()))
    elif by is None:
        groups = ["(all)"]
    else:
        raise KeyError(f"scorecards are per rep, team or overall, not per {by!r}")
    rows = []
    upto = min(as_of, period.end)
    for metric in metrics:
        tgt = target_totals(ds, metric, period, by=by)
        act = actuals(ds, metric, by=by, start=period.start, end=upto) if upto >= period.start \
            else pd.DataFrame(columns=["group", "actual"])
        act_s = act.set_index("group")["actual"] if len(act) else pd.Series(dtype=float)
        unit = metric_def(metric, st).unit
        extra = [g for g in (*act_s.index, *tgt.index) if g not in groups] if by == "rep" else []
        groups += [g for g in dict.fromkeys(extra) if isinstance(g, str)]
        for g in groups:
            a = float(act_s.get(g, 0.0))
            t_val = float(tgt[g]) if g in tgt.index else None
            ach = achievement(a, t_val)
            p = pace(a, t_val, period.start, period.end, as_of, cal)
            rows.append({"group": g, "metric": metric, "unit": unit,
                         "target": math.nan if t_val is None else t_val, "actual": a,
                         "achievement": ach.value, "achievement_note": ach.note,
                         **{k: v for k, v in p.as_dict().items()}})
    cols = ["group", "metric", "unit", "target", "actual", "achievement", "achievement_note",
            "business_days_total", "business_days_elapsed", "business_days_remaining",
            "expected_to_date", "pace", "forecast", "gap", "required_per_day", "note"]
    return pd.DataFrame(rows, columns=cols)
