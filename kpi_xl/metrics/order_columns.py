"""Logo churn and revenue retention straight from order columns (NumPy, no Dataset): the path
of the ``KPI_CHURN_RATE`` / ``KPI_NRR`` / ``KPI_GRR`` cell formulas over whole order ranges.

Inputs are aligned arrays, one entry per order row: ``customers`` as integer codes (equal code
= one customer, -1 = blank), ``dates`` as ``datetime64`` (NaT = blank; the time of day is
ignored), ``amounts`` as floats (NaN = blank = 0). Rows with a blank customer or date are not
orders.

Same definitions as the Dataset engine for a book that holds only orders (no won deals, no
customers table): touches, spells and churn as in :mod:`kpi_xl.metrics.spells` and
:mod:`kpi_xl.metrics.churn`, whose :func:`~kpi_xl.metrics.churn.churn_parts`,
:func:`~kpi_xl.metrics.churn.logo_ratio` and :func:`~kpi_xl.metrics.churn.retention_row` do
the counting here too; only the spells are built with array operations:

- touches are the distinct (customer, day) pairs, sorted; a touch on day ``d`` keeps the
  customer active up to ``stop = d + N months`` (exclusive; month ends clamped, as
  ``pandas.DateOffset``: Jan 31 + 1 month = Feb 28/29);
- since ``stop`` never decreases with ``d``, the running maximum of the earlier stops is the
  previous touch's stop: a touch starts a new spell when it is its customer's first or comes
  after the previous stop; a spell ends at the stop of its last touch.

``tests/test_order_columns.py`` checks both against the engine on random order sets.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..settings import Settings
from .churn import baseline_window, churn_parts, logo_ratio, retention_row
from .common import definition as definition_of
from .results import Ratio
from .spells import period_window

__all__ = ["add_months", "logo_churn_of_orders", "order_spells",
           "revenue_retention_of_orders"]

_DEFAULT = Settings()


def add_months(days: np.ndarray, n: int) -> np.ndarray:
    """``days`` (datetime64[D]) plus ``n`` calendar months, the day clamped to the month's
    last day (as ``pandas.DateOffset(months=n)``)."""
    month = days.astype("datetime64[M]")
    day_of_month = (days - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.timedelta64(n, "M")
    length = ((target + np.timedelta64(1, "M")).astype("datetime64[D]")
              - target.astype("datetime64[D]")).astype(np.int64)
    return target.astype("datetime64[D]") + np.minimum(day_of_month, length - 1)


def _touches(customers: np.ndarray, dates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (customer, day) pairs of the valid rows, sorted by customer then day."""
    c = np.asarray(customers, dtype=np.int64)
    d = np.asarray(dates).astype("datetime64[D]")
    ok = (c >= 0) & ~np.isnat(d)
    c, day = c[ok], d[ok].astype(np.int64)
    if not len(c):
        return c, day.astype("datetime64[D]")
    span = int(day.max() - day.min()) + 1
    key = np.sort(c * span + (day - day.min()))
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    key = key[first]  # sorted distinct pairs (sort + compare: no hash table)
    return key // span, (key % span + day.min()).astype("datetime64[D]")


def order_spells(customers: np.ndarray, dates: np.ndarray, n: int) -> pd.DataFrame:
    """The spells of order-only customers with ``n`` inactive months: columns ``customer``
    (the code), ``spell`` (1, 2 … per customer), ``spell_start``, ``spell_end`` (the churn
    day, datetime64[ns]) — the columns :func:`~kpi_xl.metrics.churn.churn_parts` reads."""
    c, day = _touches(customers, dates)
    if len(day) and (span := int((day.max() - day.min()).astype(np.int64)) + 1) < len(day):
        lo = day.min()  # each calendar day once: month arithmetic is slow per element
        stop = add_months(lo + np.arange(span), n)[(day - lo).astype(np.int64)]
    else:
        stop = add_months(day, n)
    first = np.ones(len(c), dtype=bool)
    first[1:] = c[1:] != c[:-1]
    new = first.copy()
    new[1:] |= day[1:] > stop[:-1]
    last = np.ones(len(c), dtype=bool)
    last[:-1] = new[1:]
    number = np.cumsum(new) - np.maximum.accumulate(np.where(first, np.cumsum(new) - 1, 0))
    return pd.DataFrame({"customer": c[new], "spell": number[new],
                         "spell_start": day[new].astype("datetime64[ns]"),
                         "spell_end": stop[last].astype("datetime64[ns]")})


def logo_churn_of_orders(customers: np.ndarray, dates: np.ndarray, start: Any, end: Any = None,
                         *, definition: str | None = None, inactive_months: int | None = None,
                         settings: Settings | None = None) -> Ratio:
    """Logo churn in ``start … end`` (inclusive) of the customers of these orders, as
    :func:`kpi_xl.metrics.churn.logo_churn` on a book holding only these orders.

    ``definition`` (default ``settings.churn_definition``): ``active_at_start`` or
    ``inclusive``; ``inactive_months`` N (default ``settings.churn_inactive_months``).
    Nobody in the denominator → NaN with the engine's note (never 0)."""
    st = settings or _DEFAULT
    d = definition_of(st, "churn", definition)
    n = st.churn_inactive_months if inactive_months is None else int(inactive_months)
    s, e = period_window(start, end)
    return logo_ratio(churn_parts(order_spells(customers, dates, n), s, e), d)


def revenue_retention_of_orders(customers: np.ndarray, dates: np.ndarray, amounts: np.ndarray,
                                start: Any, end: Any = None, *, baseline: str | None = None,
                                settings: Settings | None = None) -> dict:
    """GRR and NRR for ``start … end`` of these orders, as
    :func:`kpi_xl.metrics.churn.revenue_retention` on a book holding only them: revenue per
    customer in the baseline window and in the period, summed with ``numpy.bincount``, then
    :func:`~kpi_xl.metrics.churn.retention_row`. Returns its keys plus ``period_start``,
    ``period_end``, ``base_start``, ``base_end`` and ``definition`` (the baseline)."""
    st = settings or _DEFAULT
    b = definition_of(st, "nrr", baseline)
    s, e = period_window(start, end)
    bs, be = baseline_window(s, e, b)
    c = np.asarray(customers, dtype=np.int64)
    day = np.asarray(dates).astype("datetime64[D]")
    amount = np.nan_to_num(np.asarray(amounts, dtype=float), nan=0.0)
    ok = (c >= 0) & ~np.isnat(day)
    size = int(c.max()) + 1 if len(c) and c.max() >= 0 else 0

    def revenue(lo: pd.Timestamp, hi: pd.Timestamp) -> pd.Series:
        inside = ok & (day >= np.datetime64(lo.date(), "D")) & (day <= np.datetime64(
            hi.date(), "D"))
        sums = np.bincount(c[inside], weights=amount[inside], minlength=size)
        seen = np.bincount(c[inside], minlength=size) > 0
        return pd.Series(sums[seen], index=np.flatnonzero(seen))

    head = {"period_start": s, "period_end": e, "base_start": bs, "base_end": be}
    return {**head, **retention_row(revenue(bs, be), revenue(s, e)), "definition": b}
