"""Key columns as integer codes: factorize once, group and count with ``np.bincount``.

The input tables keep their key columns (rep, customer, type, segment …) as text — object,
pandas ``string`` (Arrow) or ``category`` columns, whichever the reader gives. Converting such
a column to Python objects row by row (``astype(object)``) creates one ``str`` per row, and
grouping it hashes every row's text again. These helpers work per *distinct* value instead:

- :func:`as_objects` is ``astype(object)`` with one Python object per distinct value
  (factorize in C, then an array take), so later comparisons and hashes hit the identity
  short-cut and the cached hash;
- :func:`sorted_codes` gives the codes of a label column into its *sorted* distinct labels —
  the order ``groupby`` returns groups in;
- :func:`group_sums` sums values per code (and per month) in one ``np.bincount`` pass and
  keeps the groups that have at least one row, like ``groupby(...).sum()`` does.

Missing keys get code −1 from :func:`sorted_codes` only when the labels contain missing
values; the grouping policy's labels (:func:`kpi_xl.metrics.common.clean_labels`) never do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["GroupSums", "as_objects", "group_sums", "month_index", "sorted_codes"]


def as_objects(values: pd.Series) -> pd.Series:
    """``values.astype(object)`` (same values, missing ones as that conversion gives them),
    with one Python object per distinct value."""
    if values.dtype == object or not len(values):
        return values.astype(object)
    codes, uniques = pd.factorize(values)
    if not len(uniques):
        return values.astype(object)
    out = np.asarray(uniques, dtype=object).take(codes)
    missing = codes < 0
    if missing.any():
        out[missing] = values[missing].astype(object).to_numpy()
    return pd.Series(out, index=values.index, name=values.name, dtype=object)


def sorted_codes(labels: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, uniques): ``uniques`` the distinct labels sorted (object array), ``codes`` the
    position of each row's label in it (−1 for a missing label)."""
    arr = labels.to_numpy(dtype=object) if isinstance(labels, pd.Series) else np.asarray(
        labels, dtype=object)
    codes, uniques = pd.factorize(arr, sort=True)
    return np.asarray(codes, dtype=np.intp), np.asarray(uniques, dtype=object)


def month_index(dates: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of ``datetime64`` values (NaT must be removed first)."""
    return dates.astype("datetime64[M]").astype(np.int64)


class GroupSums:
    """Counts and sums of values per (code, month) cell, from one ``np.bincount`` pass."""

    __slots__ = ("counts", "first_month", "months", "sums")

    def __init__(self, codes: np.ndarray, values: np.ndarray, n_codes: int,
                 months: np.ndarray | None = None) -> None:
        if months is not None and len(months):
            self.first_month = int(months.min())
            self.months = int(months.max()) - self.first_month + 1
            key = codes * self.months + (months - self.first_month)
        else:
            self.first_month, self.months = 0, 1
            key = codes
        size = n_codes * self.months
        self.counts = np.bincount(key, minlength=size)[:size]
        self.sums = np.bincount(key, weights=values, minlength=size)[:size]

    def present(self) -> np.ndarray:
        """Flat indices of the cells with at least one row, in (code, month) order."""
        return np.flatnonzero(self.counts)

    def code_of(self, flat: np.ndarray) -> np.ndarray:
        return flat // self.months

    def month_start_of(self, flat: np.ndarray) -> np.ndarray:
        """First day (``datetime64[ns]``) of the month of each flat index."""
        m = self.first_month + flat % self.months
        return m.astype("datetime64[M]").astype("datetime64[ns]")


def group_sums(codes: np.ndarray, values: np.ndarray, n_codes: int,
               months: np.ndarray | None = None) -> GroupSums:
    """Sum ``values`` (NaN counts as 0, as in ``groupby.sum``) per code, and per month when
    ``months`` (:func:`month_index`) is given; ``codes`` must be ≥ 0."""
    v = np.asarray(values, dtype=float)
    v = np.where(np.isnan(v), 0.0, v)
    return GroupSums(np.asarray(codes, dtype=np.intp), v, n_codes,
                     None if months is None else np.asarray(months, dtype=np.int64))
