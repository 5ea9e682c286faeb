"""Fiscal periods, date bounds and business days.

Fiscal years are named by the calendar year they start in, as Japanese companies do (2026年度):
with an April start, ``FY2026`` runs 2026-04-01 … 2027-03-31, ``FY2026Q1`` is April–June,
``FY2026H2`` is October–March. With a January start, ``FY2026`` is the calendar year 2026.

Period labels understood by :func:`parse_period` (full-width characters are folded first):

============================  ===============================================================
``all`` / ``全期間``           every date of the data (kind ``all``: undated entries count too)
``2026-04`` ``2026/4``         a calendar month (also ``2026年4月``, ``2026年4月度``)
``2026`` ``2026年``            a calendar year, January–December
``FY2026`` ``FY26``            a fiscal year (``FY2026Q1``, ``FY26H2`` …: its quarters, halves)
``2026年度`` ``令和8年度``      a fiscal year (``…第1四半期``, ``…上期``, ``…下期``)
``上期`` ``下期`` ``H1`` ``H2``  a half of the current fiscal year (``Q1`` … ``Q4``: a quarter)
``START..END``                 dates or months, both included (``2026-04..2026-09``,
                               ``2026-04-15..2026-05-20``, ``令和8年4月1日〜令和8年9月30日``)
============================  ===============================================================

Dates are supported from 1900-01-01 to 2200-12-31 (:func:`check_day`); anything else is a
:class:`~kpi_xl.errors.ConfigError` saying so, never a crash deeper down.

Business days are weekdays (Mon–Fri) that are not public holidays of the chosen calendar
(``holidays`` country code, default ``JP``) and not in the custom holiday list (e.g. a
company's year-end break 12/29–1/3).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .errors import ConfigError
from .i18n import text

__all__ = [
    "DATE_MAX",
    "DATE_MIN",
    "BusinessCalendar",
    "Period",
    "check_day",
    "fiscal_year_of",
    "month_period",
    "month_periods",
    "parse_period",
    "period_containing",
]

PERIOD_KINDS = ("month", "quarter", "half", "year")
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2200, 12, 31)


def check_day(day: object, name: str = "date", locale: str = "en") -> dt.date:
    """``day`` as a :class:`datetime.date` within 1900-01-01 … 2200-12-31, else ConfigError
    naming ``name`` (dates, datetimes and Timestamps are accepted; anything else is not)."""
    if isinstance(day, pd.Timestamp):
        if pd.isna(day):
            raise ConfigError(text("arg.not_date", locale, name=name, value=repr(day)))
        day = day.date()
    elif isinstance(day, dt.datetime):
        day = day.date()
    if not isinstance(day, dt.date):
        raise ConfigError(text("arg.not_date", locale, name=name, value=repr(day)))
    if not DATE_MIN <= day <= DATE_MAX:
        raise ConfigError(text("date.out_of_range", locale, name=name, value=day.isoformat()))
    return day


def _check_year(year: int, label: str, locale: str) -> int:
    if not DATE_MIN.year <= year <= DATE_MAX.year:
        raise ConfigError(text("date.out_of_range", locale, name="period", value=label))
    return year


@dataclass(frozen=True, order=True)
class Period:
    """A closed date range ``start … end`` (both inclusive) with its label and kind.

    kind: month | quarter | half | year (fiscal) | calendar_year | range | all. A period of
    kind ``all`` stands for the whole history: metric functions given it also count entries
    without a date (open deals nobody dated), which no dated period contains.
    """

    start: dt.date
    end: dt.date
    label: str
    kind: str

    def __post_init__(self) -> None:
        check_day(self.start, "period start")
        check_day(self.end, "period end")
        if self.end < self.start:
            raise ConfigError(text("period.end_before_start", "en", start=self.start,
                                   end=self.end))

    @property
    def is_all(self) -> bool:
        return self.kind == "all"

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

    def clipped(self, start: dt.date, end: dt.date) -> Period:
        """The same label and kind over ``start … end`` (used to pin ``all`` to the data)."""
        return Period(start, max(start, end), self.label, self.kind)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    idx = year * 12 + (month - 1) + n
    return idx // 12, idx % 12 + 1


def fiscal_year_of(day: dt.date, fy_start: int = 4) -> int:
    """The fiscal year (named by its starting calendar year) that contains ``day``."""
    return day.year if day.month >= fy_start else day.year - 1


def _fiscal_period(fy: int, kind: str, index: int, fy_start: int, locale: str = "en"
                   ) -> Period:
    _check_year(fy, f"FY{fy}", locale)
    span = {"year": 12, "half": 6, "quarter": 3}[kind]
    y0, m0 = _add_months(fy, fy_start, span * (index - 1))
    y1, m1 = _add_months(y0, m0, span - 1)
    _check_year(y1, f"FY{fy}", locale)
    label = {"year": f"FY{fy}", "half": f"FY{fy}H{index}", "quarter": f"FY{fy}Q{index}"}[kind]
    return Period(dt.date(y0, m0, 1), _month_end(y1, m1), label, kind)


def month_period(year: int, month: int, locale: str = "en") -> Period:
    """The calendar month ``year-month`` (ConfigError outside 1900 … 2200)."""
    _check_year(year, f"{year:04d}-{month:02d}", locale)
    return Period(dt.date(year, month, 1), _month_end(year, month), f"{year:04d}-{month:02d}",
                  "month")


_ERAS = ("明治", "大正", "昭和", "平成", "令和")
_ERA = "|".join(_ERAS)
_RE_MONTH = re.compile(r"^(\d{4})(?:[-/.]|年)(\d{1,2})(?:月度?)?$")
_RE_YEAR = re.compile(r"^(\d{4})年?$")
_RE_FY = re.compile(r"^FY(\d{4}|\d{2})(?:([QH])([1-4]))?$", re.I)
_YEAR = rf"(\d{{4}}|(?:{_ERA})(?:元|\d{{1,3}}))"
_RE_JA_FY = re.compile(rf"^{_YEAR}年度(?:第?([1-4])四半期|(上|下)期)?$")
_RE_CURRENT = re.compile(r"^(?:([QH])([1-4])|(上|下)期|第?([1-4])四半期)$", re.I)
_RE_DAY = re.compile(rf"^{_YEAR}(?:[-/.]|年)(\d{{1,2}})(?:[-/.]|月)(\d{{1,2}})日?$")
_RANGE_SEPARATORS = ("..", "〜", "~")  # NFKC folds the full-width ～ to ~
_ALL = {"all", "全期間", "全て", "すべて", "全部"}


@lru_cache(maxsize=8)
def _era(name: str):  # -> japanera.Era
    """An era of japanera's table by its kanji name (令和, 平成 …)."""
    from japanera import ERA_DATA_GENERAL

    return next(e for e in ERA_DATA_GENERAL if e.kanji == name)


def _year(text_: str) -> int:
    """``2026`` → 2026; ``令和8`` → 2026; ``令和元`` → 2019 (japanera's era table)."""
    if text_.isdigit():
        return int(text_)
    era, rel = text_[:2], text_[2:]
    return int(_era(era).relative_year_to_absolute_year(1 if rel == "元" else int(rel)))


def _fold(label: object) -> str:
    return unicodedata.normalize("NFKC", str(label)).strip().replace(" ", "")


def _day_or_month(part: str, *, last: bool, locale: str) -> dt.date | None:
    """One end of a ``START..END`` range: a date, or a month (its first or last day)."""
    if m := _RE_DAY.match(part):
        y = _check_year(_year(m[1]), part, locale)
        try:
            return dt.date(y, int(m[2]), int(m[3]))
        except ValueError:
            return None
    if (m := _RE_MONTH.match(part)) and 1 <= int(m[2]) <= 12:
        p = month_period(int(m[1]), int(m[2]), locale)
        return p.end if last else p.start
    return None


def parse_period(label: str, fy_start: int = 4, *, today: dt.date | None = None,
                 span: tuple[dt.date, dt.date] | None = None, locale: str = "en") -> Period:
    """Parse a period label (see the module docstring) into a :class:`Period`.

    ``today`` decides "the current fiscal year" for ``上期``/``H1``/``Q1`` (default: today's
    date); ``span`` pins ``all`` to the data's first and last dates (default 1900 … 2200, to
    be pinned later with :meth:`Period.clipped`). Raises ConfigError naming the accepted forms
    for anything else, or saying that a year is outside 1900 … 2200.
    """
    if not isinstance(label, str):
        raise ConfigError(text("arg.type", locale, name="period", expected="a period label",
                               value=repr(label)))
    raw = label
    t = _fold(label)
    if t.lower() in _ALL:
        lo, hi = span if span else (DATE_MIN, DATE_MAX)
        return Period(lo, max(lo, hi), "all", "all")
    sep = next((s for s in _RANGE_SEPARATORS if s in t), None)
    if sep is not None:
        a, b = t.split(sep, 1)
        lo, hi = (_day_or_month(a, last=False, locale=locale),
                  _day_or_month(b, last=True, locale=locale))
        if lo is None or hi is None:
            raise ConfigError(text("period.unknown", locale, label=repr(raw)))
        if hi < lo:
            raise ConfigError(text("period.end_before_start", locale, start=lo, end=hi))
        return Period(lo, hi, f"{lo.isoformat()}..{hi.isoformat()}", "range")
    if m := _RE_MONTH.match(t):
        y, mo = int(m[1]), int(m[2])
        if 1 <= mo <= 12:
            return month_period(y, mo, locale)
    if m := _RE_YEAR.match(t):
        y = _check_year(int(m[1]), raw, locale)
        return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), str(y), "calendar_year")
    if m := _RE_FY.match(t):
        fy = int(m[1]) + (2000 if len(m[1]) == 2 else 0)
        if not m[2]:
            return _fiscal_period(fy, "year", 1, fy_start, locale)
        kind = "quarter" if m[2].upper() == "Q" else "half"
        idx = int(m[3])
        if idx <= (4 if kind == "quarter" else 2):
            return _fiscal_period(fy, kind, idx, fy_start, locale)
    if m := _RE_JA_FY.match(t):
        fy = _year(m[1])
        if m[2]:
            return _fiscal_period(fy, "quarter", int(m[2]), fy_start, locale)
        if m[3]:
            return _fiscal_period(fy, "half", 1 if m[3] == "上" else 2, fy_start, locale)
        return _fiscal_period(fy, "year", 1, fy_start, locale)
    if m := _RE_CURRENT.match(t):
        fy = fiscal_year_of(today or dt.date.today(), fy_start)
        if m[3]:
            return _fiscal_period(fy, "half", 1 if m[3] == "上" else 2, fy_start, locale)
        kind, idx = ("quarter", int(m[4])) if m[4] else (
            "quarter" if m[1].upper() == "Q" else "half", int(m[2]))
        if idx <= (4 if kind == "quarter" else 2):
            return _fiscal_period(fy, kind, idx, fy_start, locale)
    raise ConfigError(text("period.unknown", locale, label=repr(raw)))


def period_containing(day: dt.date, kind: str, fy_start: int = 4) -> Period:
    """The fiscal period of the given kind (month, quarter, half, year) that contains ``day``."""
    day = check_day(day, "day")
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

    def business_days(self, start: dt.date, end: dt.date) -> int:
        """Business days in ``start … end`` inclusive (0 when end < start)."""
        if end < start:
            return 0
        key = (start, end)
        if key not in self._counts:  # scorecards ask the same ranges for every rep and metric
            hol = np.array(self.holidays(start, end), dtype="datetime64[D]")
            self._counts[key] = int(np.busday_count(
                np.datetime64(start, "D"), np.datetime64(end + dt.timedelta(days=1), "D"),
                holidays=hol))
        return self._counts[key]
