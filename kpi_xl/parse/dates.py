"""Dates as Japanese offices write them, each form read or refused with a reason.

Accepted in a date column (results are midnight ``datetime64[ns]``):

- date cells (any resolution, time zones dropped, the time of day dropped);
- Excel serial numbers from 10000 (1927-05-18) on, and 8-digit numbers ``20261001``; text
  holding either (a smaller bare number — 10, 365 — is refused: it is not a date in 1900);
- ``2026-10-01``, ``2026/10/1``, ``2026.10.1``, ``2026年10月1日``, ``20261001``, with a time
  (``2026/10/1 9:30``, ISO ``2026-10-01T09:30:00+09:00``) and/or a weekday
  (``2026/10/1(木)``, ``2026/10/1（木）``, ``2026/10/1 木曜日``, ``(Thu)``) after it;
- 和暦 in full and abbreviated form: ``令和8年10月1日``, ``令和元年5月1日``, ``R8.10.1``,
  ``R8/10/1``, ``H31.4.30``, ``S64.1.7``, ``㋿8.10.1`` (see :mod:`kpi_xl.parse.wareki` for the
  era boundaries);
- two-digit years ``26/10/1`` as Excel reads them: 00–29 → 2000–2029, 30–99 → 1930–1999;
- full-width digits and separators (NFKC first).

In a month column (``month=True``: the Targets month) also ``2026-10``, ``2026/10``,
``2026年10月``, ``2026年10月度``, ``R8.10``, ``令和8年10月``, ``202610``; the result is the
first day of the month.

Refused, each with its own reason (an :class:`~kpi_xl.parse.result.Issue`):

- ``date.impossible``: no such day (2026/2/29, 2026/10/32); ``date.bad_month``: month 13;
- ``date.out_of_range``: before 1900 or after 2200 (9999-12-31, serial 2958465, serial 150000,
  ``inf``), a zero or negative serial;
- ``date.era``: an era date outside its era (平成31年5月1日, 昭和64年1月8日);
- ``date.weekday``: the weekday written does not match the date;
- ``date.year_only``: a year alone (``2026``, ``令和8年``, the number 2026);
- ``date.no_year``: a date without a year (``10/1``, ``10月1日``, ``10月``). **Decision:**
  refused with the fix, not resolved. Excel gives such text the year of the day it was
  *typed*, which a file does not record; guessing the current year would silently misdate a
  December row pasted in January. The hint shows the value with the year most of the
  column's dates have;
- ``date.no_day``: a month without a day in a date column (``2026/10``);
- ``cell.excel_error``: an Excel error value (``#N/A``, ``#VALUE!`` …);
- ``date.unreadable``: anything else (``soon``, ``4月2日頃``, ``10/1/2026`` — month/day order
  unknown).
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from .cells import BLANK, DATE, NUMBER, TEXT, Cells, classify, per_text
from .result import EXCEL_ERRORS, Issue, Parsed
from .text import nfkc
from .wareki import era_of, era_year, in_era, wareki

__all__ = ["FIRST_YEAR", "LAST_YEAR", "parse_dates", "read_dates"]

FIRST_YEAR, LAST_YEAR = 1900, 2200
_LOW = np.datetime64(f"{FIRST_YEAR}-01-01", "us")
_HIGH = np.datetime64(f"{LAST_YEAR + 1}-01-01", "us")
_EPOCH = np.datetime64("1899-12-30", "D")
#: Smallest number taken as an Excel serial: 10000 is 1927-05-18. A bare number below it in a
#: date column (10, 365, 2025 …) is far more likely a typo or another quantity than a date in
#: the 1900s, so it is refused rather than read as one.
_MIN_SERIAL = 10000

_WEEKDAYS_JA = "月火水木金土日"
_WEEKDAYS_EN = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RE_WEEKDAY = re.compile(
    r"^(?P<rest>.*?[\d日])\s*(?:\(\s*(?P<ja>[月火水木金土日])(?:曜日?)?\s*\)|(?P<ja2>[月火水木金土日])曜日?"
    r"|\(\s*(?P<en>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\s*\)|[\s,]+(?P<en2>mon|tue|wed|thu|fri"
    r"|sat|sun)[a-z]*\.?)$", re.I)
_RE_TIME = re.compile(r"^(?P<rest>.*?[\d日])(?:\s+|T|(?<=日))\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                      r"(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?$", re.I)
_RE_JA_TIME = re.compile(r"^(?P<rest>.*?日)\s*(?:午前|午後)?\d{1,2}時(?:\d{1,2}分)?$")
_ERA_NAMES = "明治|大正|昭和|平成|令和|[MTSHRmtshr]"
_RE_PARTS = re.compile(rf"^(?P<era>{_ERA_NAMES})?(?P<y>元|\d{{1,4}})/(?P<m>\d{{1,2}})"
                       rf"(?:/(?P<d>\d{{1,2}}))?$")
_RE_MD = re.compile(r"^(?P<m>\d{1,2})/(?P<d>\d{1,2})$")
_RE_NUM = re.compile(r"^\d+(?:\.\d+)?$")
_RE_MONTH_ONLY = re.compile(r"^(\d{1,2})\s*月\s*度?$")
_RE_YEAR = re.compile(r"^(19\d\d|2[01]\d\d|2200)$")
_RE_ERA_YEAR_ONLY = re.compile(rf"^(?:{_ERA_NAMES})(?:元|\d{{1,2}})$")


def _normalise(text: str) -> tuple[str, str | None]:
    """(date text with unified separators, weekday written or None)."""
    s = nfkc(text).strip()
    weekday = None
    m = _RE_WEEKDAY.match(s)
    if m:
        s = m.group("rest")
        w = m.group("ja") or m.group("ja2")
        weekday = str(_WEEKDAYS_JA.index(w)) if w else str(
            _WEEKDAYS_EN.index((m.group("en") or m.group("en2")).lower()[:3]))
    for rx in (_RE_TIME, _RE_JA_TIME):
        m = rx.match(s)
        if m:
            s = m.group("rest")
    s = re.sub(r"\s+", "", s)
    s = s.replace("年", "/").replace("月度", "").replace("月", "/").replace("日", "")
    s = re.sub(r"[./\-]", "/", s).strip("/")
    return s, weekday


def _two_digit(y: int) -> int:
    return 2000 + y if y < 30 else 1900 + y


def _last_day(year: int, month: int) -> int:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def _build(year: int, month: int, day: int) -> tuple[dt.date | None, Issue | None]:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None, Issue("date.out_of_range", {})
    if not 1 <= month <= 12:
        return None, Issue("date.bad_month", {"month": month})
    last = _last_day(year, month)
    if not 1 <= day <= last:
        return None, Issue("date.impossible", {"year": year, "month": month, "day": day,
                                               "last": last})
    return dt.date(year, month, day), None


def _parse_text(text: str, month: bool, year_hint: int) -> tuple[object, Issue | None]:
    """One distinct text → (datetime64[D] or None, issue or None)."""
    raw = text.strip()
    if raw.upper() in EXCEL_ERRORS:
        return None, Issue("cell.excel_error", {})
    s, weekday = _normalise(raw)
    day_given = True
    if (mo := _RE_MONTH_ONLY.match(nfkc(raw).strip())) is not None:
        return None, Issue("date.no_year", {"month": int(mo.group(1)), "day": 1,
                                            "year": year_hint})
    md = _RE_MD.match(s)
    if md and (len(md.group("m")) == 1 or int(md.group("m")) <= 12):
        return None, Issue("date.no_year", {"month": int(md.group("m")),
                                            "day": int(md.group("d")), "year": year_hint})
    if _RE_YEAR.match(s):
        return None, Issue("date.year_only", {})
    m = _RE_PARTS.match(s)
    if m:
        y_text, mo, d = m.group("y"), int(m.group("m")), m.group("d")
        era = era_of(m.group("era")) if m.group("era") else None
        if era is None and y_text == "元":
            return None, Issue("date.unreadable", {})
        y = 1 if y_text == "元" else int(y_text)
        if era is not None:
            if y == 0 or len(y_text) > 2:
                return None, Issue("date.unreadable", {})
            year = era_year(era, y)
        elif len(y_text) == 4:
            year = y
        elif len(y_text) == 2:
            year = _two_digit(y)
        else:
            return None, Issue("date.unreadable", {})
        if d is None:
            if not month:
                return None, Issue("date.no_day", {"year": year, "month": mo})
            day_given, day = False, 1
        else:
            day = int(d)
        value, issue = _build(year, mo, day)
        if issue:
            return None, issue
        assert value is not None
        if era is not None and not in_era(era, value) and (day_given or not in_era(
                era, dt.date(year, mo, _last_day(year, mo)))):
            return None, Issue("date.era", {"suggestion": wareki(value), "iso": value.isoformat()})
    elif s.isdigit() and len(s) == 8:
        value, issue = _build(int(s[:4]), int(s[4:6]), int(s[6:]))
        if issue:
            return None, issue
    elif s.isdigit() and len(s) == 6 and FIRST_YEAR <= int(s[:4]) <= LAST_YEAR and 1 <= int(
            s[4:]) <= 12:
        if not month:
            return None, Issue("date.no_day", {"year": int(s[:4]), "month": int(s[4:])})
        value, issue = _build(int(s[:4]), int(s[4:]), 1)
        day_given = False
    elif _RE_NUM.match(s):
        return _serial(float(s))
    elif _RE_ERA_YEAR_ONLY.match(s):
        return None, Issue("date.year_only", {})
    else:
        return None, Issue("date.unreadable", {})
    assert value is not None
    if weekday is not None and day_given and str(value.weekday()) != weekday:
        return None, Issue("date.weekday", {"iso": value.isoformat(), "weekday": value.weekday()})
    return np.datetime64(value, "D"), None


def _serial(v: float) -> tuple[object, Issue | None]:
    out, issue = _serials(np.array([v]))
    return (out[0] if issue[0] is None else None), issue[0]


def _serials(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Excel serials (and 8-digit yyyymmdd numbers) → (datetime64[D], issues)."""
    issues = np.full(len(values), None, dtype=object)
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[D]")
    finite = np.isfinite(values)
    ymd = finite & (values >= 19000101) & (values <= 22001231) & (values == np.floor(values))
    for i in np.flatnonzero(ymd):
        s = str(int(values[i]))
        value, issue = _build(int(s[:4]), int(s[4:6]), int(s[6:]))
        if issue:
            issues[i] = issue
        else:
            out[i] = np.datetime64(value, "D")
    year_only = finite & (values >= FIRST_YEAR) & (values <= LAST_YEAR) & (
        values == np.floor(values))
    for i in np.flatnonzero(year_only):
        issues[i] = Issue("date.year_only", {})
    small = finite & ~year_only & (values >= 1) & (values < _MIN_SERIAL)
    for i in np.flatnonzero(small):
        issues[i] = Issue("date.unreadable", {})
    serial = finite & ~ymd & ~year_only & ~small & (values >= 1) & (values < 3_000_000)
    days = np.floor(np.where(serial, values, _MIN_SERIAL)).astype(np.int64)
    dates = (_EPOCH + days).astype("datetime64[D]")
    ok = serial & (dates >= _LOW.astype("datetime64[D]")) & (
        dates < _HIGH.astype("datetime64[D]"))
    out[ok] = dates[ok]
    for i in np.flatnonzero(~ymd & ~year_only & ~small & ~ok):
        issues[i] = Issue("date.out_of_range", {})
    return out, issues


def read_dates(s: pd.Series, *, month: bool = False, cells: Cells | None = None) -> Parsed:
    """Parse a column of dates (see the module docstring) → values and issues. ``cells`` is
    :func:`~kpi_xl.parse.cells.classify` of ``s`` when the caller already has it."""
    cells = cells if cells is not None else classify(s)
    n = len(s)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    issues = np.full(n, None, dtype=object)
    kind = cells.kind
    date = kind == DATE
    if date.any():
        w = cells.when[date]
        inside = (w >= _LOW) & (w < _HIGH)
        sub = np.full(len(w), np.datetime64("NaT"), dtype="datetime64[D]")
        sub[inside] = w[inside].astype("datetime64[D]")
        out[date] = sub
        if (~inside).any():
            idx = np.flatnonzero(date)[~inside]
            for i in idx:
                issues[i] = Issue("date.out_of_range", {})
    num = kind == NUMBER
    if num.any():
        vals, iss = _serials(cells.number[num])
        out[num] = vals
        issues[num] = iss
    text = kind == TEXT
    if text.any():
        year_hint = _usual_year(out)
        values, iss = per_text(cells, lambda t: _parse_text(t, month, year_hint), 2)
        got = np.array([v is not None for v in values], dtype=bool)
        sub = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[D]")
        if got.any():
            sub[got] = np.array(list(values[got]), dtype="datetime64[D]")
        out[text] = sub
        issues[text] = iss
        if year_hint == 0:  # the hint needs the year of the column's other dates
            year_hint = _usual_year(out)
            for i in np.flatnonzero(text):
                if issues[i] is not None and issues[i].code == "date.no_year":
                    issues[i] = Issue("date.no_year", {**issues[i].params, "year": year_hint
                                                       or dt.date.today().year})
    other = ~np.isin(kind, (BLANK, DATE, NUMBER, TEXT))
    for i in np.flatnonzero(other):
        issues[i] = Issue("date.unreadable", {})
    values = pd.Series(out.astype("datetime64[ns]"), index=s.index, name=s.name)
    if month:
        values = values.dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]")
    return Parsed(values, pd.Series(issues, index=s.index, dtype=object))


def _usual_year(days: np.ndarray) -> int:
    ok = days[~np.isnat(days)]
    if not len(ok):
        return 0
    years, counts = np.unique(ok.astype("datetime64[Y]").astype(int) + 1970, return_counts=True)
    return int(years[np.argmax(counts)])


def parse_dates(s: pd.Series, *, month: bool = False) -> tuple[pd.Series, pd.Series]:
    """``(datetime64[ns] Series, bad mask)`` — :func:`read_dates` without the reasons."""
    p = read_dates(s, month=month)
    return p.values, p.bad.rename(s.name)
