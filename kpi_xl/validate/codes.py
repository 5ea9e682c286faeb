"""Text columns as codes into distinct values (pandas ``Categorical``) while validating.

A million 活動 rows name a few hundred reps and customers: every step (aliases, names, list
values) works once per distinct value and re-codes the rows with array operations, never a
Python call per row. The Dataset gets pandas ``string`` columns at the end (:func:`to_string`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..parse.cells import distinct, from_distinct, take_distinct

__all__ = ["Known", "map_codes", "objects", "to_codes", "to_string"]


class Known:
    """Values whose result is known in advance (a master table's own spellings → the value
    they resolve to), held as a hash index: :func:`map_codes` looks every distinct value up
    in one vectorised call and runs its per-value function only for the others."""

    def __init__(self, mapping: Mapping[Any, Any]) -> None:
        self.index = pd.Index(list(mapping), dtype=object)
        self.values = np.fromiter(iter(mapping.values()), dtype=object, count=len(mapping))

    def find(self, values: np.ndarray) -> np.ndarray:
        """Position of each value in the index, -1 when unknown."""
        if not len(self.index) or not len(values):
            return np.full(len(values), -1, dtype=np.int64)
        return self.index.get_indexer(pd.Index(values, dtype=object))


def objects(s: pd.Series) -> np.ndarray:
    """The values as an object array, None for missing."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes, uniques = distinct(s)
        return take_distinct(codes, list(uniques))
    if s.dtype == np.dtype(object):
        arr = s.to_numpy(copy=True)
        arr[pd.isna(arr)] = None
        return arr
    return s.to_numpy(dtype=object, na_value=None)


def to_codes(values: np.ndarray | pd.Series, index: pd.Index | None = None) -> pd.Series:
    """A categorical Series of ``values`` (object array or Series)."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        return values
    codes, uniques = distinct(values)
    return from_distinct(codes, uniques, index=index)


def map_codes(s: pd.Series, fn: Callable[[Any], tuple[Any, Any]], known: Known | None = None
              ) -> tuple[pd.Series, np.ndarray, list[Any]]:
    """Apply ``fn`` once per distinct value: it returns ``(new value, problem or None)``.
    Values in ``known`` take their known value without a call (``fn`` must agree with it).

    Returns the re-coded categorical Series, the positions of the rows whose value has a
    problem, and those problems (aligned with the positions)."""
    codes, uniques = distinct(s)
    results: list[Any] = [(None, None)] * len(uniques)
    # categories no row uses are left alone
    todo = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(uniques)))
    if known is not None and len(todo):
        pos = known.find(uniques[todo])
        for c, v in zip(todo[pos >= 0].tolist(), known.values[pos[pos >= 0]], strict=True):
            results[c] = (v, None)
        todo = todo[pos < 0]
    for c in todo:
        results[c] = fn(uniques[c])
    out = from_distinct(codes, [r[0] for r in results], index=s.index)
    bad = [i for i, r in enumerate(results) if r[1] is not None]
    if not bad:
        return out, np.array([], dtype=np.int64), []
    rows = np.flatnonzero(np.isin(codes, bad))
    return out, rows, [results[codes[j]][1] for j in rows]


def to_string(s: pd.Series) -> pd.Series:
    """A categorical Series as pandas ``string`` (Arrow take over the categories)."""
    if not isinstance(s.dtype, pd.CategoricalDtype):
        return s
    cats = s.cat.categories.astype("string")
    codes = s.cat.codes.to_numpy()
    return pd.Series(cats.take(codes, allow_fill=True, fill_value=pd.NA), index=s.index,
                     name=s.name, dtype="string")
