"""Achievement, pace, landing forecast and business days: formulas over single cells.

Engines: :func:`kpi_xl.metrics.achievement.achievement`, :func:`kpi_xl.metrics.achievement.pace`
and :meth:`kpi_xl.calendar.BusinessCalendar.business_days`.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from ...calendar import BusinessCalendar
from ...metrics import Pace, achievement, pace
from ...schema import option_key
from .inputs import blank, day, number, one
from .notes import undefined
from .outcome import DIV0, VALUE, fail, typed
from .ranges import SETTINGS, holidays, period
from .runtime import formula, run

__all__ = ["KPI_ACHIEVEMENT", "KPI_BUSINESS_DAYS", "KPI_FORECAST", "KPI_PACE", "business_calendar"]


@formula()
def KPI_ACHIEVEMENT(actual, target):
    """Achievement rate: actual ÷ target.

    Engine: kpi_xl.metrics.achievement.achievement. A blank actual counts as 0.
    Errors: blank target → #N/A (no target); target 0 → #DIV/0!; text that is not a number
    → #VALUE!. =KPI_WHY("KPI_ACHIEVEMENT", C2, D2) says why.
    Example: =KPI_ACHIEVEMENT(C2, D2)
    """
    return run(_achievement, actual, target)


def _achievement(actual: Any, target: Any) -> float:
    a = number(actual, "actual", blank_as=0.0)
    t = number(target, "target")
    r = achievement(a, None if math.isnan(t) else t)
    if math.isnan(r.value):
        undefined(r.note)
    return r.value


def business_calendar(holidays_range: Any, country: Any = None) -> BusinessCalendar:
    """The business calendar: weekdays minus ``country``'s public holidays (blank: the
    settings' calendar, JP; ``none``/なし: none) minus the dates of a holidays range."""
    v = one(country, "calendar")
    if blank(v):
        code = SETTINGS.holiday_calendar
    elif isinstance(v, str):
        code = option_key(v, ("none", "JP")) or v.strip()
    else:
        fail(VALUE, "unknown_calendar", value=typed(v))
    cal = BusinessCalendar(code, holidays(holidays_range))
    try:
        cal.holidays(dt.date(2026, 1, 1), dt.date(2026, 1, 1))
    except Exception:  # holidays: NotImplementedError (unknown code), KeyError …
        fail(VALUE, "unknown_calendar", value=typed(v))
    return cal


def _pace_of(actual: Any, target: Any, as_of: Any, period_start: Any, period_end: Any,
             holidays_range: Any) -> tuple[Pace, float | None, dict]:
    a = number(actual, "actual", blank_as=0.0)
    t = None if target is None else number(target, "target")
    when = day(as_of, "as_of")
    s, e = period(period_start, period_end, as_of=when)
    tgt = None if t is None or math.isnan(t) else t
    p = pace(a, tgt, s, e, when, business_calendar(holidays_range))
    return p, tgt, {"as_of": when.isoformat(), "start": s.isoformat(), "end": e.isoformat()}


@formula(ranges={"holidays": "extra non-working days (a range of dates), optional"})
def KPI_PACE(actual, target, as_of, period_start=None, period_end=None, holidays=None):
    """Pace: actual ÷ expected to date (business days); 1.0 = on track.

    expected to date = target × business days elapsed ÷ business days in the period.
    Business days: Mon–Fri minus Japanese public holidays minus the holidays range. The
    period defaults to the month of as_of; period_start may be a label (2026-04, FY2026Q1).
    Engine: kpi_xl.metrics.achievement.pace.
    Errors: before the period → #N/A (not started); blank target → #N/A; target 0 → #DIV/0!.
    Example: =KPI_PACE(C2, D2, TODAY())
    """
    return run(_pace, actual, target, as_of, period_start, period_end, holidays)


def _pace(*args: Any) -> float:
    p, tgt, ctx = _pace_of(*args)
    if math.isnan(p.pace):
        if tgt == 0 and "not started" not in p.note:
            fail(DIV0, "target_zero")
        undefined(p.note, **ctx)
    return p.pace


@formula(ranges={"holidays": "extra non-working days (a range of dates), optional"})
def KPI_FORECAST(actual, as_of, period_start=None, period_end=None, holidays=None):
    """Landing forecast: actual ÷ business days elapsed × business days in the period.

    Straight-line run rate per business day (JP holidays + the holidays range). The period
    defaults to the month of as_of; period_start may be a label (2026-04, FY2026Q1).
    Engine: kpi_xl.metrics.achievement.pace (forecast).
    Errors: no business day elapsed yet → #N/A; a period without business days → #N/A.
    Example: =KPI_FORECAST(C2, TODAY())
    """
    return run(_forecast, actual, as_of, period_start, period_end, holidays)


def _forecast(actual: Any, as_of: Any, period_start: Any, period_end: Any,
              holidays_range: Any) -> float:
    p, _, ctx = _pace_of(actual, None, as_of, period_start, period_end, holidays_range)
    if math.isnan(p.forecast):
        undefined(p.note or "no business day elapsed yet", skip=("no target",), **ctx)
    return p.forecast


@formula(ranges={"holidays": "extra non-working days (a range of dates), optional"})
def KPI_BUSINESS_DAYS(start, end, holidays=None, calendar="JP"):
    """Business days from start to end, both included (like NETWORKDAYS).

    Weekdays minus the public holidays of `calendar` (country code, default JP; "none" or
    なし for no public holidays) minus the dates in `holidays`.
    Engine: kpi_xl.calendar.BusinessCalendar.business_days.
    Edge cases: end before start → 0 (NETWORKDAYS would count negative).
    Example: =KPI_BUSINESS_DAYS(DATE(2026,5,1), DATE(2026,5,31), Holidays!A2:A10)
    """
    return run(_business_days, start, end, holidays, calendar)


def _business_days(start: Any, end: Any, holidays_range: Any, country: Any) -> int:
    s, e = day(start, "start"), day(end, "end")
    return business_calendar(holidays_range, country).business_days(s, e)
