"""Month arithmetic for per-period counts: months as integers ``year × 12 + month − 1`` and
(fiscal) periods of 1, 3, 6 or 12 months starting at the fiscal year's first month."""

from __future__ import annotations

import pandas as pd

from ..errors import ConfigError

__all__ = ["FREQ_MONTHS", "month_index", "month_start", "period_grid", "period_index"]

FREQ_MONTHS = {"M": 1, "Q": 3, "H": 6, "Y": 12}


def _span(freq: str) -> int:
    if freq not in FREQ_MONTHS:
        raise ConfigError(f"freq must be one of {list(FREQ_MONTHS)}, not {freq!r}")
    return FREQ_MONTHS[freq]


def month_index(dates: pd.Series) -> pd.Series:
    return dates.dt.year * 12 + dates.dt.month - 1


def period_index(dates: pd.Series, freq: str, fy_start: int) -> pd.Series:
    """Month index of the start of the (fiscal) period containing each date."""
    span = _span(freq)
    idx = month_index(dates)
    if span == 1:
        return idx
    off = fy_start - 1
    return (idx - off) // span * span + off


def month_start(idx: int) -> pd.Timestamp:
    return pd.Timestamp(year=int(idx) // 12, month=int(idx) % 12 + 1, day=1)


def period_grid(lo: int, hi: int, freq: str, fy_start: int) -> list[int]:
    """Every period start from the one containing month ``lo`` to month ``hi``."""
    span = _span(freq)
    if span == 1:
        return list(range(lo, hi + 1))
    off = fy_start - 1
    first = (lo - off) // span * span + off
    return list(range(first, hi + 1, span))
