"""Excel-shaped input → plain values: what the formulas do before calling a metric.

xlwings hands a formula a scalar (one cell), a 1-D list (one row or column) or a 2-D list (a
block; always with ``ndim=2``); blank cells are ``None``; date cells are ``datetime`` (classic
UDFs) or serial numbers (xlwings Lite); numbers may be text (``'1,200'``, ``'¥1,200'``,
``'120万円'``, ``'25%'`` for rates); error cells arrive as their text (``'#N/A'``, the
formulas ask xlwings for ``err_to_str``). Columns are converted with :mod:`kpi_xl.parse` (each
distinct text parsed once, typed fast paths for homogeneous columns). Anything a cell cannot
hold (a dict, a nested list …) is refused by name. Every refusal is a
:func:`~kpi_xl.excel.udfs.outcome.fail` with the Excel error it deserves: ``#VALUE!`` for input
that is not what the argument takes, ``#NUM!`` for a value out of range (dates outside
1900–2200, ``inf``, counts below their minimum), or the input's own error code.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ...calendar import DATE_MAX, DATE_MIN
from ...i18n import text
from ...parse import read_dates, read_numbers
from ...parse.cells import BLANK, NUMBER, OTHER, TEXT, Cells, classify
from ...parse.result import EXCEL_ERRORS, Issue
from ...schema import option_key
from .columns import typed_series
from .outcome import NUM, VALUE, XL_CVERR, fail, typed

__all__ = [
    "CELL_TYPES",
    "blank",
    "cells",
    "check_cells",
    "date_column",
    "day",
    "error_code",
    "is_range",
    "number",
    "number_column",
    "one",
    "option",
    "rows",
    "whole_number",
]

CELL_TYPES = (str, bool, int, float, dt.date, np.generic, pd.Timestamp)


def is_range(x: object) -> bool:
    return isinstance(x, list | tuple | np.ndarray)


def cells(x: Any) -> list:
    """Every cell of a range, row by row: scalar → [x], 1-D → list, 2-D → flattened."""
    if isinstance(x, np.ndarray):
        return list(np.asarray(x, dtype=object).ravel())
    if not is_range(x):
        return [x]
    if not x or not is_range(x[0]):
        return list(x)
    flat = list(itertools.chain.from_iterable(x))  # the usual rectangular block: fast
    if all(is_range(r) for r in (x[0], x[-1])) and len(flat) == len(x) * len(x[0]):
        return flat
    out: list = []  # ragged, or rows that are not lists (only from Python callers)
    for r in x:
        if is_range(r):
            out.extend(r)
        else:
            out.append(r)
    return out


def rows(x: Any) -> list[list]:
    """A range as a list of rows: scalar → [[x]], 1-D → one row, 2-D as is."""
    if isinstance(x, np.ndarray):
        x = np.asarray(x, dtype=object)
        return [list(r) for r in (x.reshape(1, -1) if x.ndim < 2 else x.reshape(len(x), -1))]
    if not is_range(x):
        return [[x]]
    if not x:
        return []
    if not is_range(x[0]):
        return [list(x)]
    if isinstance(x, list) and set(map(type, x)) == {list}:  # what xlwings passes
        return x
    return [r if isinstance(r, list) else (list(r) if is_range(r) else [r]) for r in x]


def blank(v: object) -> bool:
    if v is None or v is pd.NaT:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and not v.strip()


def error_code(v: object) -> str | None:
    """The Excel error a cell holds (``'#N/A'`` …), as the code a formula can give back."""
    if isinstance(v, str) and v.strip().upper() in EXCEL_ERRORS:
        code = v.strip().upper()
        return code if code in XL_CVERR else VALUE
    return None


def _check(v: object, name: str, cell: int | None = None) -> None:
    code = error_code(v)
    if code is not None:
        if cell is None:
            fail(code, "input_error", argument=name, code=v.strip())  # type: ignore[union-attr]
        fail(code, "input_error_cell", argument=name, cell=cell, code=v.strip())  # type: ignore
    if v is not None and not isinstance(v, CELL_TYPES):
        fail(VALUE, "not_a_value", argument=name, cell=cell or 1)


def one(x: Any, name: str) -> Any:
    """The single value of a one-cell argument (an Excel error in it passes through)."""
    if is_range(x):
        vals = cells(x)
        if len(vals) > 1:
            fail(VALUE, "one_cell", argument=name, count=len(vals))
        x = vals[0] if vals else None
    _check(x, name)
    return x


# --------------------------------------------------------------------------- one value


def _number_issue(issue: Issue, name: str, value: object) -> None:
    if issue.code == "number.not_finite":
        fail(NUM, "not_finite", argument=name, value=typed(value))
    if issue.code == "cell.excel_error":
        _check(value, name)
    fail(VALUE, "not_number", argument=name, value=typed(value),
         hint=lambda loc: text("hint.number", loc))


def number(x: Any, name: str, *, blank_as: float = math.nan, percent: bool = False) -> float:
    """One number: blank → ``blank_as``; text numbers parsed (``'25%'`` with ``percent``)."""
    v = one(x, name)
    if blank(v):
        return blank_as
    if isinstance(v, bool | np.bool_):
        fail(VALUE, "flag_not_number", argument=name)
    if isinstance(v, int | float | np.integer | np.floating):
        try:
            f = float(v)
        except OverflowError:
            f = math.inf
        if not math.isfinite(f):
            fail(NUM, "not_finite", argument=name, value=typed(v))
        return f
    if isinstance(v, str):
        t = v.strip()
        if percent and t.endswith(("%", "％")):
            return number(t[:-1], name) / 100.0
        p = read_numbers(pd.Series([t], dtype=object))
        issue = p.issues.iloc[0]
        if issue is not None:
            _number_issue(issue, name, v)
        return float(p.values.iloc[0])
    fail(VALUE, "not_number", argument=name, value=typed(v),
         hint=lambda loc: text("hint.number", loc))


def _date_issue(issue: Issue, name: str, value: object, cell: int | None = None) -> None:
    if issue.code == "cell.excel_error":
        _check(value, name, cell)
    if issue.code == "date.out_of_range":
        fail(NUM, "date_range", argument=name if cell is None else f"{name} ({cell})",
             value=typed(value))
    hint_key = f"hint.{issue.code}"

    def hint(loc: str) -> str:
        try:
            return text(hint_key, loc, **issue.params)
        except KeyError:
            return text("hint.date", loc)

    def problem(loc: str) -> str:
        return text(f"msg.{issue.code}", loc, **issue.params)
    if cell is None:
        fail(VALUE, "not_date", argument=name, value=typed(value), problem=problem, hint=hint)
    fail(VALUE, "cell", argument=name, cell=cell, value=typed(value), problem=problem,
         hint=hint)


def day(x: Any, name: str, *, required: bool = True) -> dt.date | None:
    """One date (a date cell, a serial number or text such as 2026/4/1 or R8.4.1)."""
    v = one(x, name)
    if blank(v):
        if required:
            fail(VALUE, "blank", argument=name)
        return None
    got: dt.date | None = None
    if isinstance(v, dt.datetime | pd.Timestamp):
        got = v.date()
    elif isinstance(v, dt.date):
        got = v
    elif isinstance(v, str):
        try:
            got = dt.date.fromisoformat(v.strip())  # fast path for 2026-04-01
        except ValueError:
            got = None
    if got is not None:
        if not DATE_MIN <= got <= DATE_MAX:
            fail(NUM, "date_range", argument=name, value=typed(v))
        return got
    if isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool):
        try:
            serial = float(v)
        except OverflowError:
            serial = math.inf
        if not math.isfinite(serial) or abs(serial) > 1e9:  # no serial of 1900–2200
            fail(NUM, "date_range", argument=name, value=typed(v))
    p = read_dates(pd.Series([v], dtype=object))
    issue = p.issues.iloc[0]
    if issue is not None:
        _date_issue(issue, name, v)
    return p.values.iloc[0].date()


def option(x: Any, name: str, allowed: Sequence[str], default: str) -> str:
    """The option a cell names (its key in any case, or a Japanese word: 全件, 平均 …)."""
    v = one(x, name)
    if blank(v):
        return default
    key = option_key(v, tuple(allowed)) if isinstance(v, str) else None
    if key is None:
        fail(VALUE, "unknown_option", argument=name, value=typed(v), choices=" | ".join(allowed))
    return key


def whole_number(x: Any, name: str, minimum: int, default: int | None = None,
                 maximum: int = 10 ** 6) -> int:
    """A whole number in ``minimum … maximum`` (blank → ``default``; required when None)."""
    v = number(x, name)
    if math.isnan(v):
        if default is None:
            fail(VALUE, "blank", argument=name)
        return default
    if v != int(v) or not minimum <= v <= maximum:
        fail(NUM, "whole_number", argument=name, minimum=minimum, maximum=maximum,
             value=typed(one(x, name)))
    return int(v)


# --------------------------------------------------------------------------- columns


def check_cells(values: list, name: str, first: int = 1) -> Cells:
    """Classify a column of cells; an Excel error (passed through) or something no cell can
    hold stops the formula, naming the first such cell (``first``: the number of the first
    value in the range the user selected — 2 when a header cell was skipped)."""
    try:
        c = classify(typed_series(values))
    except (OverflowError, ValueError, TypeError):  # e.g. an int beyond float's range
        for i, v in enumerate(values):
            _check(v, name, i + first)
            if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 2 ** 63:
                fail(NUM, "not_finite", argument=f"{name} ({i + first})", value=typed(v))
        raise
    other = c.kind == OTHER
    if other.any():
        i = int(np.argmax(other))
        fail(VALUE, "not_a_value", argument=name, cell=i + first)
    if len(c.text_uniques):  # an error text starts with "#" (the texts are stripped)
        errs = [i for i, u in enumerate(c.text_uniques) if u[:1] == "#"
                and u.upper() in EXCEL_ERRORS]
        if errs:
            bad = np.isin(c.text_codes, errs)
            i = int(np.argmax(bad))
            _check(values[i], name, i + first)
    return c


def _first_issue(issues: pd.Series) -> tuple[int, Issue] | None:
    arr = issues.to_numpy()
    mask = pd.notna(arr)
    if not mask.any():
        return None
    i = int(np.argmax(mask))
    return i, arr[i]


def date_column(values: list, name: str, first: int = 1) -> np.ndarray:
    """A column of dates → datetime64[ns] (NaT for blanks); the first unreadable cell stops
    the formula (``#NUM!`` out of 1900–2200, ``#VALUE!`` otherwise)."""
    c = check_cells(values, name, first)
    p = read_dates(c.raw, cells=c)
    bad = _first_issue(p.issues)
    if bad is not None:
        i, issue = bad
        _date_issue(issue, name, values[i], i + first)
    return p.values.to_numpy(dtype="datetime64[ns]")


def number_column(values: list, name: str, first: int = 1) -> np.ndarray:
    """A column of numbers → float64 (NaN for blanks); the first unreadable cell stops it."""
    c = check_cells(values, name, first)
    if not (c.kind == TEXT).any() and not ((c.kind != BLANK) & (c.kind != NUMBER)).any():
        vals = c.number  # numbers and blanks only: nothing to parse
    else:
        p = read_numbers(c.raw, cells=c)
        bad = _first_issue(p.issues)
        if bad is not None:
            i, issue = bad
            v = values[i]
            if issue.code == "number.not_finite":
                fail(NUM, "not_finite", argument=f"{name} ({i + first})", value=typed(v))
            if issue.code == "cell.excel_error":
                _check(v, name, i + first)
            fail(VALUE, "cell", argument=name, cell=i + first, value=typed(v),
                 problem=lambda loc: text(f"msg.{issue.code}", loc, **issue.params),
                 hint=lambda loc: text("hint.number", loc))
        vals = p.values.to_numpy(dtype=float, na_value=np.nan)
    inf = np.isinf(vals)
    if inf.any():
        i = int(np.argmax(inf))
        fail(NUM, "not_finite", argument=f"{name} ({i + first})", value=typed(values[i]))
    return vals

