"""Fiscal periods and business days.

Fiscal years are named by the calendar year they start in, as Japanese companies do (2026年度):
with an April start, ``FY2026`` runs 2026-04-01 … 2027-03-31, ``FY2026Q1`` is April–June,
``FY2026H2`` is October–March. With a January start, ``FY2026`` is the calendar year 2026.

Business days are weekdays (Mon–Fri) that are not public holidays of the chosen calendar
(``holidays`` country code, default ``JP``) and not in the custom holiday list (e.g. a
company's year-end break 12/29–1/3).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .errors import ConfigError

__all__ = [
    "BusinessCalendar",
    "Period",
    "fiscal_year_of",
    "month_periods",
    "parse_period",
    "period_containing",
]

PERIOD_KINDS = ("month", "quarter", "half", "year")


@dataclass(frozen=True, order=True)
class Period:
    """A closed date range ``start … end`` (both inclusive) with its label and kind."""

    start: dt.date
    end: dt.date
    label: str
    kind: str

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def start_ts(self) -> pd.Timestamp:
        return pd.Timestamp(self.start)

    @property
    def end_ts(self) -> pd.Timestamp:
        """Exclusive upper bound as a Timestamp (the day after ``end``)."""
        return pd.Timestamp(self.end) + pd.Timedelta(days=1)

    def mask(self, dates: pd.Series) -> pd.Series:
        """Boolean mask of the dates that fall in the period (NaT → False)."""
        return (dates >= self.start_ts) & (dates < self.end_ts)

    def months(self) -> list[pd.Timestamp]:
        """Month-start timestamps of the months the period covers."""
        return list(pd.date_range(self.start_ts.to_period("M").to_timestamp(), self.end_ts
                                  - pd.Timedelta(days=1), freq="MS"))


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    idx = year * 12 + (month - 1) + n
    return idx // 12, idx % 12 + 1


def fiscal_year_of(day: dt.date, fy_start: int = 4) -> int:
    """The fiscal year (named by its starting calendar year) that contains ``day``."""
    return day.year if day.month >= fy_start else day.year - 1


def _fiscal_period(fy: int, kind: str, index: int, fy_start: int) -> Period:
    span = {"year": 12, "half": 6, "quarter": 3}[kind]
    y0, m0 = _add_months(fy, fy_start, span * (index - 1))
    y1, m1 = _add_months(y0, m0, span - 1)
    label = {"year": f"FY{fy}", "half": f"FY{fy}H{index}", "quarter": f"FY{fy}Q{index}"}[kind]
    return Period(dt.date(y0, m0, 1), _month_end(y1, m1), label, kind)


def month_period(year: int, month: int) -> Period:
    return Period(dt.date(year, month, 1), _month_end(year, month), f"{year:04d}-{month:02d}",
                  "month")


_RE_MONTH = re.compile(r"^(\d{4})[-/年.](\d{1,2})月?$")
_RE_FY = re.compile(r"^FY(\d{4})(?:([QH])([1-4]))?$", re.I)
_RE_JA_FY = re.compile(r"^(\d{4})年度(?:第?([1-4])四半期|(上|下)期)?$")


def parse_period(label: str, fy_start: int = 4) -> Period:
    """Parse ``2026-04``, ``2026/4``, ``2026年4月``, ``FY2026``, ``FY2026Q1``, ``FY2026H2``,
    ``2026年度``, ``2026年度第1四半期``, ``2026年度上期`` into a :class:`Period`.

    Raises ConfigError naming the accepted forms for anything else.
    """
    text = str(label).strip()
    if m := _RE_MONTH.match(text):
        y, mo = int(m[1]), int(m[2])
        if 1 <= mo <= 12:
            return month_period(y, mo)
    if m := _RE_FY.match(text):
        fy = int(m[1])
        if not m[2]:
            return _fiscal_period(fy, "year", 1, fy_start)
        kind = "quarter" if m[2].upper() == "Q" else "half"
        idx = int(m[3])
        if idx <= (4 if kind == "quarter" else 2):
            return _fiscal_period(fy, kind, idx, fy_start)
    if m := _RE_JA_FY.match(text):
        fy = int(m[1])
        if m[2]:
            return _fiscal_period(fy, "quarter", int(m[2]), fy_start)
        if m[3]:
            return _fiscal_period(fy, "half", 1 if m[3] == "上" else 2, fy_start)
        return _fiscal_period(fy, "year", 1, fy_start)
    raise ConfigError(
        f"Unknown period {label!r}: use a month (2026-04, 2026年4月), a fiscal year (FY2026, "
        f"2026年度), a quarter (FY2026Q1) or a half (FY2026H1)"
    )


def period_containing(day: dt.date, kind: str, fy_start: int = 4) -> Period:
    """The fiscal period of the given kind (month, quarter, half, year) that contains ``day``."""
    if kind == "month":
        return month_period(day.year, day.month)
    if kind not in PERIOD_KINDS:
        raise ConfigError(f"period kind must be one of {PERIOD_KINDS}, not {kind!r}")
    fy = fiscal_year_of(day, fy_start)
    months_in = (day.year * 12 + day.month) - (fy * 12 + fy_start)
    span = {"year": 12, "half": 6, "quarter": 3}[kind]
    return _fiscal_period(fy, kind, months_in // span + 1, fy_start)


def month_periods(start: dt.date, end: dt.date) -> list[Period]:
    """Every calendar month touching ``start … end``, in order."""
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(month_period(y, m))
        y, m = _add_months(y, m, 1)
    return out


@lru_cache(maxsize=64)
def _country_holidays(country: str, years: tuple[int, ...]) -> frozenset[dt.date]:
    if country.lower() in ("", "none"):
        return frozenset()
    import holidays

    try:
        cal = holidays.country_holidays(country.upper(), years=list(years))
    except NotImplementedError as exc:  # unknown country code
        raise ConfigError(f"Unknown holiday calendar {country!r}: use a country code such as "
                          f"JP or US, or 'none'") from exc
    return frozenset(cal.keys())


class BusinessCalendar:
    """Weekdays minus public holidays (``country``) minus ``custom`` dates.

    ``business_days(start, end)`` counts both ends inclusive, like Excel's NETWORKDAYS.
    """

    def __init__(self, country: str = "JP", custom: Iterable[dt.date] = ()) -> None:
        self.country = country
        self.custom = frozenset(pd.Timestamp(d).date() for d in custom)
        self._counts: dict[tuple[dt.date, dt.date], int] = {}

    def holidays(self, start: dt.date, end: dt.date) -> list[dt.date]:
        years = tuple(range(start.year, end.year + 1))
        days = set(_country_holidays(self.country, years)) | set(self.custom)
        return sorted(d for d in days if start <= d <= end)

    def _holiday_array(self, start: dt.date, end: dt.date) -> np.ndarray:
        return np.array(self.holidays(start, end), dtype="datetime64[D]")

    def business_days(self, start: dt.date, end: dt.date) -> int:
        """Business days in ``start … end`` inclusive (0 when end < start)."""
        if end < start:
            return 0
        key = (start, end)
        if key not in self._counts:  # scorecards ask the same ranges for every rep and metric
            self._counts[key] = int(np.busday_count(
                np.datetime64(start, "D"), np.datetime64(end + dt.timedelta(days=1), "D"),
                holidays=self._holiday_array(start, end)))
        return self._counts[key]

    def is_business_day(self, day: dt.date) -> bool:
        return self.business_days(day, day) == 1

    def business_dates(self, start: dt.date, end: dt.date) -> list[dt.date]:
        hol = set(self.holidays(start, end))
        out, d = [], start
        while d <= end:
            if d.weekday() < 5 and d not in hol:
                out.append(d)
            d += dt.timedelta(days=1)
        return out
