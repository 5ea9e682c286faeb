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
           "classify", "distinct", "from_distinct", "per_distinct", "per_text", "take_distinct"]

BLANK, TEXT, NUMBER, DATE, FLAG, OTHER = range(6)

_NUMBER_TYPES = (int, float, np.integer, np.floating)
_DATE_TYPES = (dt.date, np.datetime64)  # datetime.datetime and pd.Timestamp are dates too


@dataclass
class Cells:
    """One class per cell (``kind``: BLANK, TEXT …) and the values of each class.

    TEXT cells are held as codes into distinct stripped texts (``text_codes``, -1 elsewhere;
    ``text_uniques`` may repeat a text: ``" a"`` and ``"a"`` both strip to ``"a"``), so that
    later steps work once per distinct text; :attr:`text` is the dense object array. ``number``
    holds the float of NUMBER cells, ``when`` the datetime64[us] of DATE cells (NaT elsewhere),
    ``flag`` the bool of FLAG cells, ``raw`` the cells as the user typed them."""

    kind: np.ndarray
    text_codes: np.ndarray
    text_uniques: np.ndarray
    number: np.ndarray
    when: np.ndarray
    flag: np.ndarray
    raw: pd.Series

    def mask(self, kind: int) -> np.ndarray:
        return self.kind == kind

    @property
    def text(self) -> np.ndarray:
        """Stripped text of TEXT cells, None elsewhere (object array)."""
        return np.append(self.text_uniques, None)[np.where(self.text_codes < 0,
                                                           len(self.text_uniques),
                                                           self.text_codes)]

    @property
    def only_text(self) -> bool:
        """Whether every non-blank cell is text."""
        return bool(np.isin(self.kind, (BLANK, TEXT)).all())


def _strip_codes(codes: np.ndarray, uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes of the non-blank stripped texts, stripped uniques) from factorized values."""
    stripped = np.array([str(u).strip() for u in uniques], dtype=object)
    empty = np.array([t == "" for t in stripped], dtype=bool)
    codes = np.asarray(codes, dtype=np.int64)
    if not len(stripped):
        return np.full(len(codes), -1, dtype=np.int64), stripped
    blank = (codes < 0) | empty[np.where(codes < 0, 0, codes)]
    return np.where(blank, -1, codes), stripped


def _strip_text(values: np.ndarray | pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, stripped uniques) of str/None values (an Arrow-backed string Series is
    factorized by Arrow, without a Python object per cell)."""
    codes, uniques = pd.factorize(values)
    return _strip_codes(codes, np.asarray(uniques, dtype=object))


def _from_categorical(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    return _strip_codes(s.cat.codes.to_numpy(), s.cat.categories.to_numpy(dtype=object))


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
    codes = np.full(n, -1, dtype=np.int64)
    uniques = np.array([], dtype=object)
    number = np.full(n, np.nan)
    when = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    flag = np.zeros(n, dtype=bool)
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes, uniques = _from_categorical(s)
        kind[codes >= 0] = TEXT
    elif pd.api.types.is_bool_dtype(dtype):
        na = s.isna().to_numpy()
        kind[~na] = FLAG
        flag[~na] = s[~na].astype(bool).to_numpy()
    elif pd.api.types.is_numeric_dtype(dtype):
        vals = s.to_numpy(dtype="float64", na_value=np.nan)
        kind[~np.isnan(vals)] = NUMBER
        number = vals
    elif pd.api.types.is_datetime64_any_dtype(dtype):
        vals = s
        if getattr(vals.dt, "tz", None) is not None:
            vals = vals.dt.tz_localize(None)
        when = vals.to_numpy().astype("datetime64[us]")
        kind[~np.isnat(when)] = DATE
    elif pd.api.types.is_string_dtype(dtype) and dtype != np.dtype(object):
        codes, uniques = _strip_text(s)
        kind[codes >= 0] = TEXT
    else:
        values = s.to_numpy(dtype=object)
        inferred = pd.api.types.infer_dtype(values, skipna=True)
        if inferred == "string":
            codes, uniques = _strip_text(values)
            kind[codes >= 0] = TEXT
        elif inferred in ("datetime", "datetime64", "date"):  # dates and blanks only
            when = _to_datetime(values)
            kind[~np.isnat(when)] = DATE
        elif inferred in ("floating", "integer", "mixed-integer-float", "decimal"):
            number = pd.to_numeric(pd.Series(values, dtype=object)).to_numpy(
                dtype="float64", na_value=np.nan)
            kind[~np.isnan(number)] = NUMBER
        elif inferred != "empty":
            kind = _element_kinds(values)
            kind[pd.isna(s).to_numpy() & (kind != TEXT)] = BLANK
            is_text = kind == TEXT
            if is_text.any():
                sub, uniques = _strip_text(values[is_text])
                codes[is_text] = sub
                kind[is_text & (codes < 0)] = BLANK
            is_num = kind == NUMBER
            if is_num.any():
                number[is_num] = values[is_num].astype("float64")
            is_date = kind == DATE
            if is_date.any():
                when[is_date] = _to_datetime(values[is_date])
            is_flag = kind == FLAG
            if is_flag.any():
                flag[is_flag] = values[is_flag].astype(bool)
    return Cells(kind, codes, uniques, number, when, flag, s)


def blank_mask(s: pd.Series) -> pd.Series:
    """True where a cell is empty: None, NaN/NaT, or text of white space only."""
    return pd.Series(classify(s).kind == BLANK, index=s.index, name=s.name)


def distinct(values: np.ndarray | pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, uniques)``: a categorical's own codes and categories, else factorized;
    code -1 for a missing value."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        return (values.cat.codes.to_numpy().astype(np.int64),
                values.cat.categories.to_numpy(dtype=object))
    codes, uniques = pd.factorize(values)
    return codes, np.asarray(uniques, dtype=object)


def take_distinct(codes: np.ndarray, per_unique: list[Any]) -> np.ndarray:
    """Object array holding ``per_unique[codes[i]]`` (None where the code is -1)."""
    n = len(per_unique)
    col = np.fromiter(iter(per_unique), dtype=object, count=n)
    return np.append(col, None)[np.where(codes < 0, n, codes)]


def from_distinct(codes: np.ndarray, per_unique: list[Any] | np.ndarray,
                  index: pd.Index | None = None) -> pd.Series:
    """A categorical Series holding ``per_unique[codes[i]]`` per row (None → missing): the new
    categories are the distinct values, merged when two old ones map to one. No Python work
    per row."""
    vals = np.fromiter(iter(per_unique), dtype=object, count=len(per_unique))
    new_codes, cats = pd.factorize(vals)
    lookup = np.append(new_codes, -1)
    out = lookup[np.where(codes < 0, len(vals), codes)]
    return pd.Series(pd.Categorical.from_codes(out, categories=pd.Index(cats, dtype=object)),
                     index=index)


def per_distinct(values: np.ndarray | pd.Series, fn: Callable[[Any], tuple[Any, ...]],
                 width: int) -> list[np.ndarray]:
    """Apply ``fn`` once per distinct non-missing value of ``values``; ``fn`` returns a tuple
    of ``width`` results. Returns ``width`` object arrays aligned with ``values`` (None where
    the value was missing)."""
    codes, uniques = distinct(values)
    results: list[Any] = [None] * len(uniques)
    for c in np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(uniques))):
        # categories no row uses are left alone
        results[c] = fn(uniques[c])
    return [take_distinct(codes, [r[k] if r is not None else None for r in results])
            for k in range(width)]


def per_text(cells: Cells, fn: Callable[[str], tuple[Any, ...]],
             width: int) -> list[np.ndarray]:
    """:func:`per_distinct` over the TEXT cells of ``cells`` (their codes are already known):
    ``width`` object arrays with one entry per TEXT cell, in row order."""
    mask = cells.kind == TEXT
    codes = cells.text_codes[mask]
    used = np.unique(codes)
    results: list[Any] = [None] * len(cells.text_uniques)
    for c in used:
        results[c] = fn(cells.text_uniques[c])
    return [take_distinct(codes, [r[k] if r is not None else None for r in results])
            for k in range(width)]
