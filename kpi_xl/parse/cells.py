"""What a column of cells holds, found with column operations, and per-distinct evaluation.

Readers hand over columns typed (float64, datetime64, bool, string), as pandas ``category``
(Arrow dictionaries) or as object arrays holding the Python values the cells held. The parsers
first sort every cell into one :class:`Cells` class (blank, text, number, date, flag, other)
without a per-cell Python loop in the usual cases (homogeneous columns are classified by dtype
or by ``pandas.api.types.infer_dtype``, which runs in C), then parse each *distinct* text once
(:func:`per_distinct`): a million activity rows with a few thousand distinct dates cost a few
thousand parses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["BLANK", "DATE", "FLAG", "NUMBER", "OTHER", "TEXT", "Cells", "blank_mask",
           "classify", "per_distinct"]

BLANK, TEXT, NUMBER, DATE, FLAG, OTHER = range(6)

_NUMBER_TYPES = (int, float, np.integer, np.floating)
_DATE_TYPES = (dt.date, np.datetime64)  # datetime.datetime and pd.Timestamp are dates too


@dataclass
class Cells:
    """One class per cell (``kind``: BLANK, TEXT …) and the values of each class.

    ``text`` holds the stripped text of TEXT cells (object array, None elsewhere), ``number``
    the float of NUMBER cells, ``when`` the datetime64[us] of DATE cells (NaT elsewhere),
    ``flag`` the bool of FLAG cells. ``raw`` is the cell value as the user typed it (for
    messages)."""

    kind: np.ndarray
    text: np.ndarray
    number: np.ndarray
    when: np.ndarray
    flag: np.ndarray
    raw: pd.Series

    def mask(self, kind: int) -> np.ndarray:
        return self.kind == kind


def _strip_text(values: np.ndarray | pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(stripped text, blank mask) of str/None values, once per distinct value (an
    Arrow-backed string Series is factorized by Arrow, without a Python object per cell)."""
    codes, uniques = pd.factorize(values)
    if not len(uniques):
        return np.full(len(values), None, dtype=object), np.ones(len(values), dtype=bool)
    stripped = np.array([u.strip() for u in np.asarray(uniques, dtype=object)], dtype=object)
    empty = np.array([s == "" for s in stripped], dtype=bool)
    safe = np.where(codes < 0, 0, codes)
    blank = (codes < 0) | empty[safe]
    text = stripped[safe]
    text[blank] = None
    return text, blank


def _from_categorical(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    cats = s.cat.categories
    codes = s.cat.codes.to_numpy()
    if not len(cats):
        return np.full(len(s), None, dtype=object), np.ones(len(s), dtype=bool)
    cat_text = np.array([str(c).strip() for c in cats], dtype=object)
    cat_blank = np.array([t == "" for t in cat_text], dtype=bool)
    safe = np.where(codes < 0, 0, codes)
    blank = (codes < 0) | cat_blank[safe]
    text = cat_text[safe]
    text[blank] = None
    return text, blank


def _kind_of(t: type) -> int:
    if t is type(None):
        return BLANK
    if issubclass(t, str):
        return TEXT
    if issubclass(t, (bool, np.bool_)):
        return FLAG
    if issubclass(t, _NUMBER_TYPES):
        return NUMBER
    if issubclass(t, (*_DATE_TYPES, pd.Timestamp)) and not issubclass(t, type(pd.NaT)):
        return DATE
    return OTHER


def _element_kinds(values: np.ndarray) -> np.ndarray:
    """Per-element class of a mixed object array (one ``issubclass`` test per distinct type;
    the types are factorized, not compared one by one: ``array == pd.Timestamp`` is False)."""
    types = np.fromiter(map(type, values), dtype=object, count=len(values))
    codes, uniques = pd.factorize(types)
    by_type = np.array([_kind_of(t) for t in uniques], dtype=np.int8)
    return by_type[codes]


def _to_datetime(values: np.ndarray) -> np.ndarray:
    """datetime64[us] of dates/datetimes/Timestamps (time zones dropped, wall time kept)."""
    if not len(values):
        return np.array([], dtype="datetime64[us]")
    try:
        out = pd.to_datetime(values)
        if out.tz is not None:
            out = out.tz_localize(None)
        return out.to_numpy().astype("datetime64[us]")
    except (ValueError, TypeError, OverflowError):  # mixed time zones, odd objects
        plain = [v.replace(tzinfo=None) if getattr(v, "tzinfo", None) else v for v in values]
        return np.array([np.datetime64(pd.Timestamp(v).to_pydatetime(), "us") for v in plain],
                        dtype="datetime64[us]")


def classify(s: pd.Series) -> Cells:
    """Sort every cell of ``s`` into a class (see the module docstring)."""
    n = len(s)
    kind = np.full(n, BLANK, dtype=np.int8)
    text = np.full(n, None, dtype=object)
    number = np.full(n, np.nan)
    when = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    flag = np.zeros(n, dtype=bool)
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        text, blank = _from_categorical(s)
        kind[~blank] = TEXT
    elif pd.api.types.is_bool_dtype(dtype):
        na = s.isna().to_numpy()
        kind[~na] = FLAG
        flag[~na] = s[~na].astype(bool).to_numpy()
    elif pd.api.types.is_numeric_dtype(dtype):
        vals = s.to_numpy(dtype="float64", na_value=np.nan)
        ok = ~np.isnan(vals)
        kind[ok] = NUMBER
        number = vals
    elif pd.api.types.is_datetime64_any_dtype(dtype):
        vals = s
        if getattr(vals.dt, "tz", None) is not None:
            vals = vals.dt.tz_localize(None)
        arr = vals.to_numpy().astype("datetime64[us]")
        ok = ~np.isnat(arr)
        kind[ok] = DATE
        when = arr
    elif pd.api.types.is_string_dtype(dtype) and dtype != np.dtype(object):
        text, blank = _strip_text(s)
        kind[~blank] = TEXT
    else:
        values = s.to_numpy(dtype=object)
        inferred = pd.api.types.infer_dtype(values, skipna=True)
        if inferred == "string":
            text, blank = _strip_text(values)
            kind[~blank] = TEXT
            return Cells(kind, text, number, when, flag, s)
        if inferred == "empty":
            return Cells(kind, text, number, when, flag, s)
        kinds = _element_kinds(values)
        na = pd.isna(s).to_numpy()
        kinds[na & (kinds != TEXT)] = BLANK
        is_text = kinds == TEXT
        if is_text.any():
            t, blank = _strip_text(values[is_text])
            text[is_text] = t
            sub = kinds[is_text]
            sub[blank] = BLANK
            kinds[is_text] = sub
        is_num = kinds == NUMBER
        if is_num.any():
            number[is_num] = values[is_num].astype("float64")
        is_date = kinds == DATE
        if is_date.any():
            when[is_date] = _to_datetime(values[is_date])
        is_flag = kinds == FLAG
        if is_flag.any():
            flag[is_flag] = values[is_flag].astype(bool)
        kind = kinds
    return Cells(kind, text, number, when, flag, s)


def blank_mask(s: pd.Series) -> pd.Series:
    """True where a cell is empty: None, NaN/NaT, or text of white space only."""
    return pd.Series(classify(s).kind == BLANK, index=s.index, name=s.name)


def per_distinct(values: np.ndarray, fn: Callable[[Any], tuple[Any, ...]],
                 width: int) -> list[np.ndarray]:
    """Apply ``fn`` once per distinct non-None value of ``values``; ``fn`` returns a tuple of
    ``width`` results. Returns ``width`` object arrays aligned with ``values`` (None where the
    value was None)."""
    codes, uniques = pd.factorize(values)
    results = [fn(u) for u in uniques]
    out = []
    for k in range(width):
        col = np.full(len(uniques) + 1, None, dtype=object)
        for i, r in enumerate(results):
            col[i] = r[k]
        out.append(col[np.where(codes < 0, len(uniques), codes)])
    return out
