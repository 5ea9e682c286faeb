"""Achievement against targets, business-day pace and the landing forecast.

Formulas (period P = start … end, as-of date a, business days from the settings' calendar;
targets phased month by month as in :mod:`kpi_xl.metrics.targets`):

- achievement = actual ÷ target. Zero target → NaN ("target is zero"); no target → NaN
  ("no target"). A team's achievement is Σ actual ÷ Σ target over its reps (not the mean of
  the reps' rates); an explicit team target, when given for that month and metric, replaces
  the sum of its reps' targets.
- business days: total = business days in P; elapsed = business days in start … min(a, end)
  (0 before P starts: the period is "not started"); remaining = total − elapsed.
- expected to date = the phased target (for a one-month period: target × elapsed ÷ total);
  pace = actual ÷ expected to date.
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
from ..metric_registry import metric_def
from .actuals import actual_to_date, metric_events
from .common import (
    ALL,
    DIMENSIONS,
    as_day,
    check_by,
    check_dataset,
    check_period,
    group_labels,
)
from .results import Ratio, ratio
from .targets import PhasedTarget, calendar_of, phased_targets

__all__ = [
    "SCORECARD_COLUMNS",
    "Pace",
    "achievement",
    "core_metrics",
    "pace",
    "pace_of",
    "scorecard",
    "scorecard_from_actuals",
]

SCORECARD_COLUMNS = [
    "group", "metric", "unit", "target", "actual", "achievement", "achievement_note",
    "business_days_total", "business_days_elapsed", "business_days_remaining",
    "expected_to_date", "pace", "forecast", "gap", "required_per_day", "note",
    "months_without_target"]


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


def pace_of(actual: float, target: float | None, expected: float | None, total: int,
            elapsed: int, *, started: bool = True) -> Pace:
    """:class:`Pace` from the parts: ``expected`` to date (None → target × elapsed ÷ total),
    business days ``total`` and ``elapsed``; ``started`` False for a period after the as-of
    date (note "not started")."""
    nan = math.nan
    if total == 0:
        return Pace(0, 0, 0, nan, nan, nan, nan, nan, "no business days in the period")
    remaining = total - elapsed
    tgt = nan if target is None else float(target)
    exp = tgt * elapsed / total if expected is None else float(expected)
    notes = []
    forecast = actual / elapsed * total if elapsed else nan
    if not started:
        notes.append("not started")
    elif not elapsed:
        notes.append("no business day elapsed yet")
    pace_v = actual / exp if exp else nan
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
    return Pace(total, elapsed, remaining, exp, pace_v, forecast, gap, required,
                "; ".join(notes))


def pace(actual: float, target: float | None, start: dt.date, end: dt.date, as_of: dt.date,
         calendar: BusinessCalendar | None = None) -> Pace:
    """Pace, landing forecast, gap and required daily rate for ``actual`` vs ``target`` in
    ``start … end`` as of ``as_of``, with the target spread over the range's business days
    (one month, or a target given for the whole range; formulas in the module docstring).

    Edge cases: as_of before the start → "not started" (pace and forecast NaN); no business
    day elapsed → pace and forecast NaN (note says so); no target → expected/pace/gap/required
    NaN but the forecast is still given; zero business days in the period → everything NaN.
    """
    cal = calendar or BusinessCalendar()
    total = cal.business_days(start, end)
    elapsed = cal.business_days(start, min(as_of, end)) if as_of >= start else 0
    return pace_of(actual, target, None, total, elapsed, started=as_of >= start)


def _row(group: str, metric: str, unit: str, actual: float, phased: PhasedTarget | None,
         period: Period, as_of: dt.date, cal: BusinessCalendar) -> dict:
    total = cal.business_days(period.start, period.end)
    started = as_of >= period.start
    elapsed = cal.business_days(period.start, min(as_of, period.end)) if started else 0
    target = None if phased is None else phased.target
    ach = achievement(actual, target)
    p = pace_of(actual, target, None if phased is None else phased.expected, total, elapsed,
                started=started)
    missing = phased.months_without_target if phased is not None else ()
    return {"group": group, "metric": metric, "unit": unit,
            "target": math.nan if target is None else target, "actual": actual,
            "achievement": ach.value, "achievement_note": ach.note, **p.as_dict(),
            "months_without_target": ", ".join(missing)}


def _default_as_of(ds: Dataset, period: Period, as_of: dt.date | None) -> dt.date:
    if as_of is not None:
        return as_day(as_of, "as_of")
    end = ds.data_end()
    return min(period.end, end) if end else period.end


def scorecard(ds: Dataset, period: Period, *, by: str | None = "rep",
              metrics: list[str] | None = None, as_of: dt.date | None = None) -> pd.DataFrame:
    """One row per (group, metric): target, actual, achievement, business-day pace, landing
    forecast, gap and required per remaining business day, for ``period`` as of ``as_of``.

    ``metrics`` defaults to every metric that has a target in the period. Actuals count events
    in the period up to ``as_of`` (default: the period end, or the data's last date if earlier;
    :func:`kpi_xl.metrics.actuals.actual_to_date`). Targets are phased month by month
    (:mod:`kpi_xl.metrics.targets`): ``months_without_target`` names the months of the period
    a group has no target for. Groups: every active rep plus any other rep with an actual or a
    target in the period (by='rep'), every team (by='team'), '(all)' (None), or every value of
    segment / product / channel with an actual (no targets exist per those).
    Columns: :data:`SCORECARD_COLUMNS`.
    """
    check_dataset(ds)
    check_period(period)
    by = check_by(by)
    day = _default_as_of(ds, period, as_of)
    if metrics is None:
        t = ds.targets
        metrics = list(dict.fromkeys(t.loc[period.mask(t["period"]), "metric"].dropna()))
    cal = calendar_of(ds)
    if by == "rep":
        reps = ds.reps
        groups = list(reps.loc[reps["active"], "rep"].dropna())
    elif by == "team":
        groups = list(dict.fromkeys(ds.rep_team().tolist()))
    elif by is None:
        groups = [ALL]
    else:
        groups = []
    rows = []
    for metric in metrics:
        phased = phased_targets(ds, metric, period, day, by)
        act = actual_to_date(ds, metric, period, day, by)
        unit = metric_def(metric, ds.settings).unit
        if by == "rep" or by in DIMENSIONS[2:]:
            extra = [g for g in (*act.index, *phased) if g not in groups]
            groups += [g for g in dict.fromkeys(extra) if isinstance(g, str)]
        for g in groups:
            rows.append(_row(g, metric, unit, float(act.get(g, 0.0)), phased.get(g), period,
                             day, cal))
    return pd.DataFrame(rows, columns=SCORECARD_COLUMNS)


def core_metrics(ds: Dataset, period: Period, core: tuple[str, ...]) -> list[str]:
    """The ``core`` metrics the data can measure (or that have a target in the period), then
    every other metric with a target in the period."""
    t = ds.targets
    targeted = list(dict.fromkeys(t.loc[period.mask(t["period"]), "metric"].dropna()))
    measured = [m for m in core if m in targeted or metric_events(ds, m)["date"].notna().any()]
    return measured + [m for m in targeted if m not in measured]


def scorecard_from_actuals(ds: Dataset, actuals: pd.DataFrame, period: Period,
                           as_of: dt.date, *, by: str = "rep") -> pd.DataFrame:
    """A per-rep (or per-team) scorecard from actuals given as numbers (``actuals``: columns
    rep, metric, actual — already summed or not) against the dataset's targets, phased as in
    :func:`scorecard`. Metrics: those with a target in the period, then those only in
    ``actuals``; groups: those with a target, then those only in ``actuals``."""
    check_dataset(ds)
    check_period(period)
    by = check_by(by, ("rep", "team"))
    day = as_day(as_of, "as_of")
    cal = calendar_of(ds)
    actuals = actuals.assign(rep=group_labels(ds, actuals, by).to_numpy()) if by == "team" \
        else actuals
    act_sum = actuals.groupby(["metric", "rep"], sort=False)["actual"].sum()
    t = ds.targets
    order = list(dict.fromkeys([*t.loc[period.mask(t["period"]), "metric"].dropna(),
                                *actuals["metric"]]))
    rows = []
    for metric in order:
        phased = phased_targets(ds, metric, period, day, by)
        reps = list(dict.fromkeys([*phased, *actuals.loc[actuals["metric"] == metric, "rep"]]))
        unit = metric_def(metric, ds.settings).unit
        for rep in reps:
            rows.append(_row(rep, metric, unit, float(act_sum.get((metric, rep), 0.0)),
                             phased.get(rep), period, day, cal))
    return pd.DataFrame(rows, columns=SCORECARD_COLUMNS)
