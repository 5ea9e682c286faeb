"""Parallel ranges, keys, periods, holidays and the language of a formula's words.

- **Parallel ranges** (ids, dates, amounts of the same rows) must have the same number of
  cells; a first row whose date or number cell is a known column header (日付, Date, 金額 …)
  is the header row the user selected with the data, and is skipped.
- **Keys** (customer ids) are matched as names are everywhere in kpi_xl
  (:func:`kpi_xl.parse.name_key`: NFKC, no spaces, case folded), so ``C001``, ``Ｃ００１`` and
  ``C001 `` are one customer; a number typed as an id is the same id as its text
  (``1001`` = ``'1001'``).
- **Periods**: two dates, or a label in ``period_start`` (2026-04, FY2026Q1, 2026年度上期,
  2026-04..2026-06, all) with ``period_end`` blank.
- **Language** of reasons, headers and notes: Japanese when a text argument (a header, an
  option word, a label, a value) is Japanese, English when a table's headers are English,
  else the machine's (``KPI_XL_LANG``, then ``LC_ALL``/``LANG``, then the system locale).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ...calendar import Period, month_period, parse_period
from ...errors import KpiXlError
from ...i18n import normalize_locale, text
from ...parse import name_keys, read_dates
from ...parse.cells import BLANK, TEXT
from ...parse.text import text_values
from ...read.locale import has_japanese
from ...schema import TABLES, normalize_header
from ...settings import Settings
from .inputs import blank, cells, check_cells, date_column, day, is_range, one
from .outcome import NUM, VALUE, fail, typed

__all__ = ["HEADER_NAMES", "SETTINGS", "categorical", "column", "default_locale", "holidays",
           "key_codes", "locale_of", "parallel", "period", "period_label"]

SETTINGS = Settings()
#: Every column header of every input table, folded (to spot a header row in a range).
HEADER_NAMES = frozenset(normalize_header(n) for t in TABLES.values() for c in t.columns
                         for n in c.all_names() if n)


def parallel(named: Mapping[str, Any], typed_args: Sequence[str]
             ) -> tuple[dict[str, list], int]:
    """Flatten parallel ranges, check that they have the same number of cells and drop a
    header row (the first cell of a date/number range is a known column header). Returns the
    columns and the number, in the selected ranges, of their first value (1, or 2 after a
    header)."""
    cols = {k: cells(v) for k, v in named.items()}
    sizes = {k: len(v) for k, v in cols.items()}
    if len(set(sizes.values())) > 1:
        fail(VALUE, "lengths", names=", ".join(sizes),
             sizes=" / ".join(str(n) for n in sizes.values()))
    head = [cols[k][0] for k in typed_args if cols[k]]
    if any(isinstance(h, str) and normalize_header(h) in HEADER_NAMES for h in head):
        return {k: v[1:] for k, v in cols.items()}, 2
    return cols, 1


def key_codes(values: list, name: str, first: int = 1) -> np.ndarray:
    """One int code per cell: equal codes = one key (module docstring); -1 for blanks."""
    c = check_cells(values, name, first)
    if ((c.kind == TEXT) | (c.kind == BLANK)).all():  # ids as text: their codes as they are
        codes, uniques = c.text_codes, c.text_uniques
    else:
        codes, uniques = pd.factorize(text_values(c.raw, cells=c))
    if not len(uniques):
        return np.full(len(values), -1, dtype=np.int64)
    key_of_unique, _ = pd.factorize(name_keys(np.asarray(uniques, dtype=object)))
    return np.where(codes < 0, -1, np.append(key_of_unique, -1)[codes]).astype(np.int64)


def categorical(values: list, name: str, first: int = 1) -> pd.Series:
    """A column of words (statuses, stages) as a categorical Series of their stripped text,
    so that the engine looks each distinct word up once."""
    c = check_cells(values, name, first)
    if ((c.kind == TEXT) | (c.kind == BLANK)).all():  # words only: their codes as they are
        unique_codes, uniques = pd.factorize(c.text_uniques)
        codes = np.where(c.text_codes < 0, -1, np.append(unique_codes, -1)[c.text_codes])
    else:
        codes, uniques = pd.factorize(text_values(c.raw, cells=c))
    return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(uniques,
                                                                            dtype=object)))


def column(table_rows: list[list], i: int) -> list:
    """Column ``i`` of a block's rows (a short row has blanks there)."""
    try:
        return [r[i] for r in table_rows]
    except (IndexError, TypeError):
        return [r[i] if is_range(r) and len(r) > i else None for r in table_rows]


def holidays(x: Any) -> list[dt.date]:
    """The dates of an optional holidays range (blanks skipped)."""
    if x is None:
        return []
    vals = [v for v in cells(x) if not blank(v)]
    if not vals:
        return []
    return [d.astype("datetime64[D]").item() for d in date_column(vals, "holidays")]


def period_label(v: str, argument: str = "period_start") -> Period | None:
    """The period a label names (2026-04, FY2026Q1, 2026年度上期, 2026-04..2026-06, all, and
    months as a month column takes them: 令和8年4月, R8.4, 2026年10月度), or None; a label
    whose year is outside 1900–2200 stops the formula (#NUM!)."""
    try:
        return parse_period(v, SETTINGS.fiscal_year_start)
    except KpiXlError as exc:
        if str(exc) == text("date.out_of_range", "en", name="period", value=v):
            fail(NUM, "date_range", argument=argument, value=typed(v))
    as_day = read_dates(pd.Series([v], dtype=object))
    issue = as_day.issues.iloc[0]
    if issue is not None and issue.code in ("date.no_day", "date.out_of_range"):
        month = read_dates(pd.Series([v], dtype=object), month=True)
        if month.issues.iloc[0] is None:
            m = month.values.iloc[0]
            return month_period(m.year, m.month)
        if month.issues.iloc[0].code == "date.out_of_range":
            fail(NUM, "date_range", argument=argument, value=typed(v))
    return None


def period(start: Any, end: Any, *, as_of: dt.date | None = None, open_ok: bool = False
           ) -> tuple[dt.date | None, dt.date | None]:
    """(start, end) from two dates, or from a period label in ``start`` with ``end`` blank;
    both blank → the month of ``as_of`` (or unbounded when ``open_ok``)."""
    s_raw, e_raw = one(start, "period_start"), one(end, "period_end")
    if blank(s_raw) and blank(e_raw):
        if as_of is not None:
            p = month_period(as_of.year, as_of.month)
            return p.start, p.end
        if open_ok:
            return None, None
        fail(VALUE, "period_blank")
    if isinstance(s_raw, str) and blank(e_raw):
        got = period_label(s_raw)
        if got is not None:
            return got.start, got.end
        if not _is_date_text(s_raw):
            fail(VALUE, "period_unknown", argument="period_start", value=typed(s_raw))
    s = day(s_raw, "period_start", required=not open_ok)
    e = day(e_raw, "period_end", required=not open_ok)
    if s is not None and e is not None and e < s:
        fail(VALUE, "period_order", start=s.isoformat(), end=e.isoformat())
    return s, e


def _is_date_text(v: str) -> bool:
    try:
        day(v, "period_start")
    except KpiXlError as exc:  # a date out of range is a date: say so, not "no period"
        return getattr(getattr(exc, "reason", None), "key", "") == "date_range"
    return True


# --------------------------------------------------------------------------- language


def _sample(x: Any, limit: int = 200) -> Iterable[object]:
    """The header row of a block, then up to ``limit`` cells of any range; a scalar itself."""
    if not is_range(x):
        return (x,)
    if len(x) and is_range(x[0]):
        return itertools.chain(x[0], itertools.islice(cells(x), limit))
    return itertools.islice(cells(x), limit)


def default_locale() -> str:
    """The machine's language (``KPI_XL_LANG``, ``LC_ALL``, ``LANG``, the system locale)."""
    from ...cli_parser import ui_locale  # argparse & co. only when a text is needed

    return normalize_locale(ui_locale())


def locale_of(args: Iterable[Any], *, headers: Sequence[object] = ()) -> str:
    """The language of a formula's words (module docstring): ``headers`` of its tables
    decide when given; else Japanese text anywhere in the arguments; else the machine's."""
    if headers:
        known = [h for h in headers if isinstance(h, str) and normalize_header(h)
                 in HEADER_NAMES]
        if known:
            return "ja" if any(has_japanese(h) for h in known) else "en"
    for a in args:
        if any(has_japanese(v) for v in _sample(a)):
            return "ja"
    return default_locale()
