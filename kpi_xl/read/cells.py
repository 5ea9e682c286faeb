"""Columns of cell values as a reader found them, and their conversion to pandas.

A :class:`Column` covers the body rows of one sheet column, either as an Arrow array (a
column fastexcel typed because every cell has one type) or as a numpy object array holding
each cell's Python value (a mixed column, or values from live Excel). Both answer the same
three questions: which cells are blank, what one cell holds, and the pandas Series of a slice
in the dtypes :class:`~kpi_xl.read.raw.RawTable` promises.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["ArrowColumn", "Column", "ObjectColumn", "is_blank", "plain_frame",
           "series_from_objects"]

_NS_MIN = dt.datetime(1677, 9, 22)  # datetime64[ns] holds 1677-09-21 … 2262-04-11
_NS_MAX = dt.datetime(2262, 4, 11)
_CATEGORY_SHARE = 0.5  # text repeated this much (distinct ÷ cells) arrives as category


def is_blank(value: object) -> bool:
    """None, NaN, '' and whitespace-only text are blank cells."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def _text_series(arr: pa.Array) -> pd.Series:
    """A text column: empty strings are blank; category when values repeat."""
    if pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.string())
    arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    valid = len(arr) - arr.null_count
    if valid > 1:
        encoded = arr.dictionary_encode()
        if len(encoded.dictionary) <= _CATEGORY_SHARE * valid:
            return encoded.to_pandas()
    return arr.to_pandas()


def _datetime_series(arr: pa.Array) -> pd.Series:
    if pa.types.is_date(arr.type):
        arr = arr.cast(pa.timestamp("ms"))
    try:
        return pd.Series(arr.cast(pa.timestamp("ns")).to_pandas(), dtype="datetime64[ns]")
    except pa.ArrowInvalid:  # beyond 1677–2262: keep the Python datetimes
        return pd.Series(arr.to_pylist(), dtype=object)


def series_from_arrow(arr: pa.Array) -> pd.Series:
    t = arr.type
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return _text_series(arr)
    if pa.types.is_floating(t) or pa.types.is_integer(t):
        return pd.Series(arr.cast(pa.float64()).to_numpy(zero_copy_only=False),
                         dtype="float64")
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        return _datetime_series(arr)
    if pa.types.is_boolean(t) and arr.null_count == 0:
        return pd.Series(arr.to_numpy(zero_copy_only=False), dtype=bool)
    if pa.types.is_duration(t):
        return pd.Series([None if v is None else dt.timedelta(milliseconds=v)
                          for v in arr.cast(pa.int64()).to_pylist()], dtype=object)
    return pd.Series(arr.to_pylist(), dtype=object)


def _as_datetime(v: object) -> dt.datetime:
    if isinstance(v, dt.datetime):
        return v.replace(tzinfo=None)
    return dt.datetime(v.year, v.month, v.day)  # type: ignore[attr-defined]


def series_from_objects(values: np.ndarray) -> pd.Series:
    """Python cell values → the dtype every non-blank value shares, else object."""
    arr = np.asarray(values, dtype=object)
    blank = np.fromiter((is_blank(v) and not (isinstance(v, str) and v) for v in arr),
                        bool, len(arr))
    kinds = {type(v) for v in arr[~blank]}
    if not kinds:
        return pd.Series([None] * len(arr), dtype=object)
    out = arr.copy()
    out[blank] = None
    if kinds == {str}:
        return _text_series(pa.array(out, type=pa.string()))
    if kinds <= {float, int} and bool not in kinds:
        return pd.Series(np.array([np.nan if v is None else float(v) for v in out],
                                  dtype="float64"))
    if kinds <= {dt.datetime, pd.Timestamp} or kinds == {dt.date}:
        good = [v for v in out if v is not None]
        if all(_NS_MIN <= _as_datetime(v) <= _NS_MAX for v in good):
            return pd.Series(pd.to_datetime(pd.Series(out, dtype=object)),
                             dtype="datetime64[ns]")
    if kinds == {bool} and not blank.any():
        return pd.Series(out.astype(bool), dtype=bool)
    return pd.Series(out, dtype=object)


class Column:
    """Cells of one sheet column over the body rows of a grid."""

    def blank(self) -> np.ndarray:
        raise NotImplementedError

    def value(self, i: int) -> object:
        raise NotImplementedError

    def series(self, index: np.ndarray) -> pd.Series:
        raise NotImplementedError


class ArrowColumn(Column):
    """A column fastexcel typed: every non-blank cell has the Arrow type. Text is dictionary-
    encoded once: blankness is decided per distinct value, and repeated text arrives as a
    category without a second pass."""

    def __init__(self, arr: pa.Array) -> None:
        if pa.types.is_large_string(arr.type):
            arr = arr.cast(pa.string())
        self.arr = arr
        self._blank: np.ndarray | None = None
        self._dict: pa.DictionaryArray | None = None

    def _encoded(self) -> pa.DictionaryArray:
        if self._dict is None:
            self._dict = self.arr.dictionary_encode()
        return self._dict

    def blank(self) -> np.ndarray:
        if self._blank is None:
            arr = self.arr
            if pa.types.is_string(arr.type):
                enc = self._encoded()
                empty = pc.equal(pc.utf8_trim_whitespace(enc.dictionary), "")
                mask = pc.fill_null(pc.take(empty, enc.indices), True)
            elif pa.types.is_floating(arr.type):
                mask = pc.fill_null(pc.is_nan(arr), True)
            else:
                mask = pc.is_null(arr)
            self._blank = mask.to_numpy(zero_copy_only=False)
        return self._blank

    def value(self, i: int) -> object:
        return self.arr[i].as_py()

    def series(self, index: np.ndarray) -> pd.Series:
        arr = self.arr
        whole = len(index) == len(arr) and (not len(index) or (index[0] == 0 and index[-1]
                                                                == len(arr) - 1))
        if pa.types.is_string(arr.type):
            enc = self._encoded() if whole else None
            if enc is None:
                part = _slice(arr, index)
                return _text_series(part)
            return _text_from_encoded(arr, enc)
        return series_from_arrow(arr if whole else _slice(arr, index))


def _slice(arr: pa.Array, index: np.ndarray) -> pa.Array:
    if len(index) and index[-1] - index[0] + 1 == len(index):
        return arr.slice(int(index[0]), len(index))
    return arr.take(pa.array(index))


def _text_from_encoded(arr: pa.Array, enc: pa.DictionaryArray) -> pd.Series:
    """What :func:`_text_series` gives for ``arr``, from its dictionary encoding (computed
    once: a column of 500,000 distinct order numbers is not encoded a second time)."""
    filled = len(arr) - arr.null_count  # '' included
    if filled > 1 and len(enc.dictionary) <= _CATEGORY_SHARE * filled:
        s = enc.to_pandas()
        if "" in s.cat.categories:
            s = s.cat.remove_categories([""])
        return s
    empty = pc.index(enc.dictionary, "").as_py()  # position of '' in the dictionary, or -1
    if empty < 0:  # nothing to blank: _text_series would find the same dictionary again
        return arr.to_pandas()
    return _text_series(arr)


class ObjectColumn(Column):
    """A column of Python values (mixed types, or values from live Excel)."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = np.asarray(values, dtype=object)
        self._blank: np.ndarray | None = None

    def blank(self) -> np.ndarray:
        if self._blank is None:
            self._blank = np.fromiter((is_blank(v) for v in self.values), bool,
                                      len(self.values))
        return self._blank

    def value(self, i: int) -> object:
        return self.values[i]

    def series(self, index: np.ndarray) -> pd.Series:
        return series_from_objects(self.values[index])


def plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with text and category columns as object columns of str and None (what a
    consumer that predates typed columns expects); other columns are left as they are."""
    out = {}
    for name in frame.columns:
        s = frame[name]
        if isinstance(s.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(s.dtype):
            values = s.astype(object).to_numpy().copy()
            values[pd.isna(values)] = None
            s = pd.Series(values, index=s.index, dtype=object)
        out[name] = s
    return pd.DataFrame(out, index=frame.index, columns=frame.columns)
