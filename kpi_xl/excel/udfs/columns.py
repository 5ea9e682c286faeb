"""Excel ranges → typed columns, column by column, with no Python work per cell beyond what
CPython does in C (``map(type, …)``, ``itertools.chain``, ``numpy.fromiter``).

xlwings hands a block as a list of row lists. A block is cut into columns once (one flat
object array, reshaped), each column's cell types are collected once (a set of types, not a
test per cell), and a column whose cells are all dates (``datetime``, ``Timestamp``) or all
numbers (``int``, ``float``) — blanks aside — becomes a ``datetime64`` / ``float64`` Series,
which :func:`kpi_xl.parse.cells.classify` and the validator take by dtype, as they take the
typed columns a reader hands them. Anything else stays an object Series, classified as
before. The values are the same either way; only the path is shorter.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["block_columns", "cell_types", "typed_series"]

_NONE = type(None)
_NUMBER_TYPES = frozenset({int, float})
_DATE_TYPES = frozenset({dt.datetime, pd.Timestamp})


def block_columns(body: Sequence[object], width: int) -> list[np.ndarray]:
    """The ``width`` columns of a block of rows, as object arrays: a short row (or a value
    that is not a row) has blanks where it has no cell, cells beyond ``width`` are ignored."""
    n = len(body)
    if n and set(map(type, body)) == {list} and set(map(len, body)) == {width}:
        flat = np.fromiter(
            itertools.chain.from_iterable(body),
            dtype=object,
            count=n * width,
        ).reshape(n, width)
        return [np.ascontiguousarray(flat[:, j]) for j in range(width)]
    return [
        np.fromiter(
            (
                r[j] if isinstance(r, list | tuple | np.ndarray) and len(r) > j else None
                for r in body
            ),
            dtype=object,
            count=n,
        )
        for j in range(width)
    ]


def cell_types(values: np.ndarray | Sequence[object]) -> set[type]:
    """The types of the cells (blanks included, as ``NoneType``)."""
    if isinstance(values, np.ndarray):  # a list is iterated twice as fast as an array
        values = values.tolist()
    return set(map(type, values))


def typed_series(
    values: np.ndarray | Sequence[object], types: set[type] | None = None
) -> pd.Series:
    """The cells as a ``datetime64`` Series when they are all dates, ``float64`` when they
    are all numbers (blanks aside), else as an object Series (``types``: the cells' types,
    when the caller has them already)."""
    kinds = (cell_types(values) if types is None else set(types)) - {_NONE}
    try:
        if kinds and kinds <= _DATE_TYPES:
            arr = (
                values
                if isinstance(values, np.ndarray)
                else np.fromiter(values, dtype=object, count=len(values))
            )
            return pd.Series(pd.to_datetime(arr, cache=False))
        if kinds and kinds <= _NUMBER_TYPES:
            return pd.Series(values, dtype=object).astype("float64")
    except (ValueError, TypeError, OverflowError):  # out of pandas' range, time zones …
        pass
    return pd.Series(values, dtype=object)
