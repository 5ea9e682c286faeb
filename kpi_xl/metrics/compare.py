"""Comparisons with the past: 前年同月比 (year over year), 前月比 (month over month) and the
trailing twelve months (直近12か月), each with its base value.

Windows, for a cut-off day c (the as-of date, or the period's end when the period is over):

- *current* = the month of c up to c (1 … c.day);
- *last year* = the same days of the same month a year earlier (1 … c.day, capped at that
  month's last day: 2/29 → 2/28);
- *previous month* = the same days of the month before (1 … min(c.day, its last day));
- *trailing 12 months* = c − 1 year + 1 day … c; *a year earlier* = the same 12 months shifted
  back one year.

Comparing to the same day keeps a mid-month figure fair: 11/1–11/20 against 10/1–10/20, not
against the whole of October.

change = current ÷ base − 1. A base window that starts before the metric's data begins has no
value (NaN, note ``no_data``: "n/a: no data a year ago" — never 0 %); a base of 0 gives NaN
with note ``zero_base``. A window is covered when the data begins on or before its first
business day (:func:`covers`). Where the data begins (:func:`coverage_start`): revenue and won
deals — the first decided deal (won-deal basis) or the first order (order basis); new
customers — the first decided deal or order, whichever is first; activities — the first
activity.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import pandas as pd

from ..dataset import Dataset
from ..metric_registry import activity_kind, metric_def
from .actuals import actuals
from .common import ALL, as_day, check_by, check_dataset, revenue_basis
from .targets import calendar_of

__all__ = ["COMPARE_COLUMNS", "COMPARE_METRICS", "comparisons", "coverage_start", "covers",
           "same_day_windows"]

COMPARE_METRICS = ("revenue", "won_deals", "new_customers", "activities")
COMPARE_COLUMNS = [
    "group", "metric", "unit", "month", "cut",
    "current", "last_year", "yoy", "yoy_note",
    "previous_month", "mom", "mom_note",
    "t12m", "t12m_last_year", "t12m_yoy", "t12m_note",
]


def _shift_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` months, the day capped at the target month's last day."""
    ts = pd.Timestamp(day) + pd.DateOffset(months=months)
    return ts.date()


def same_day_windows(cut: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    """The comparison windows of the module docstring for cut-off day ``cut``:
    ``current``, ``last_year``, ``previous_month``, ``t12m``, ``t12m_last_year``."""
    first = cut.replace(day=1)
    ly_first = _shift_months(first, -12)
    pm_first = _shift_months(first, -1)
    t12_start = _shift_months(cut, -12) + dt.timedelta(days=1)
    return {
        "current": (first, cut),
        "last_year": (ly_first, _shift_months(cut, -12)),
        "previous_month": (pm_first, min(_shift_months(cut, -1),
                                         (pd.Timestamp(pm_first) + pd.offsets.MonthEnd(0))
                                         .date())),
        "t12m": (t12_start, cut),
        "t12m_last_year": (_shift_months(t12_start, -12), _shift_months(cut, -12)),
    }


def coverage_start(ds: Dataset, metric: str) -> dt.date | None:
    """The first day ``metric`` has data for (module docstring); None when it has none."""
    check_dataset(ds)

    def first(frame: pd.DataFrame, col: str) -> pd.Timestamp | None:
        s = frame[col].dropna() if len(frame) else pd.Series(dtype="datetime64[ns]")
        return s.min() if len(s) else None

    opp = ds.opportunities
    decided = opp[opp["status"].isin(["won", "lost"])]
    deals = first(decided, "close_date")
    orders = first(ds.orders, "date")
    if metric == "won_deals" or (metric == "revenue" and revenue_basis(ds)[0] == "won_deals"):
        found = [deals]
    elif metric in ("revenue", "orders", "order_amount"):
        found = [orders]
    elif metric == "new_customers":
        found = [deals, orders]
    elif metric == "activities" or activity_kind(metric, ds.settings) is not None:
        found = [first(ds.activities, "date")]
    else:  # leads, opportunities: the first lead
        found = [first(opp, "created_date")]
    found = [f for f in found if f is not None]
    return min(found).date() if found else None


def covers(ds: Dataset, data_start: dt.date | None, window_start: dt.date) -> bool:
    """Whether data beginning on ``data_start`` covers a window beginning on ``window_start``:
    it begins on or before it, or no business day lies between them (data that starts on the
    first business day of a month covers the month)."""
    if data_start is None:
        return False
    if data_start <= window_start:
        return True
    return calendar_of(ds).business_days(window_start, data_start - dt.timedelta(days=1)) == 0


def _change(current: float, base: float, covered: bool) -> tuple[float, str]:
    if not covered:
        return math.nan, "no_data"
    if base == 0:
        return math.nan, "zero_base"
    return current / base - 1.0, ""


def comparisons(ds: Dataset, cut: dt.date, *, metrics: Iterable[str] = COMPARE_METRICS,
                by: str | None = None, groups: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per (group, metric): current value, last year's and the previous month's on the
    same days, the trailing 12 months and a year earlier, and the changes (module docstring).

    ``by`` None (one group, ``'(all)'``) or ``'rep'`` / ``'team'`` …; ``groups`` fixes the rows
    (default: the groups with a value in any window). Metrics the data cannot measure at all
    (no data ever) are left out. Base values of a window before the data begins are NaN.
    Columns: :data:`COMPARE_COLUMNS`; ``month`` is ``YYYY-MM`` of ``cut``.
    """
    check_dataset(ds)
    by = check_by(by)
    cut = as_day(cut, "cut")
    wins = same_day_windows(cut)
    rows = []
    fixed = list(groups) if groups is not None else None
    for metric in metrics:
        start = coverage_start(ds, metric)
        if start is None:
            continue
        sums: dict[str, pd.Series] = {}
        for name, (lo, hi) in wins.items():
            a = actuals(ds, metric, by=by, start=lo, end=hi)
            sums[name] = a.set_index("group")["actual"] if len(a) else pd.Series(dtype=float)
        covered = {name: covers(ds, start, lo) for name, (lo, _) in wins.items()}
        names = fixed if fixed is not None else (
            [ALL] if by is None else sorted({g for s in sums.values() for g in s.index}, key=str))
        unit = metric_def(metric, ds.settings).unit
        for g in names:
            v = {k: float(s.get(g, 0.0)) for k, s in sums.items()}
            base = {k: (v[k] if covered[k] else math.nan) for k in v}
            yoy, yoy_note = _change(v["current"], base["last_year"], covered["last_year"])
            mom, mom_note = _change(v["current"], base["previous_month"],
                                    covered["previous_month"])
            t_ok = covered["t12m"] and covered["t12m_last_year"]
            t12 = v["t12m"] if covered["t12m"] else math.nan
            t12_yoy, t12_note = _change(t12, base["t12m_last_year"], t_ok)
            if not covered["t12m"]:
                t12_note = "no_data"
            rows.append({"group": g, "metric": metric, "unit": unit,
                         "month": cut.strftime("%Y-%m"), "cut": pd.Timestamp(cut),
                         "current": v["current"], "last_year": base["last_year"], "yoy": yoy,
                         "yoy_note": yoy_note, "previous_month": base["previous_month"],
                         "mom": mom, "mom_note": mom_note, "t12m": t12,
                         "t12m_last_year": base["t12m_last_year"], "t12m_yoy": t12_yoy,
                         "t12m_note": t12_note})
    return pd.DataFrame(rows, columns=COMPARE_COLUMNS)
