"""Result types shared by the metric functions."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import pandas as pd

__all__ = ["Ratio", "ratio", "ratios_frame"]


@dataclass(frozen=True)
class Ratio:
    """A rate with its parts: ``value = numerator / denominator``.

    ``value`` is NaN when the rate is undefined and ``note`` then says why (e.g. "no target").
    ``definition`` names the variant used (e.g. ``"closed"`` for win rate over closed deals).
    """

    value: float
    numerator: float
    denominator: float
    definition: str = ""
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def ratio(numerator: float, denominator: float, definition: str = "", *,
          zero_note: str = "denominator is zero") -> Ratio:
    """``numerator / denominator`` as a :class:`Ratio`; NaN with ``zero_note`` when the
    denominator is zero or missing."""
    num = float(numerator)
    den = float(denominator) if denominator is not None else math.nan
    if math.isnan(den) or den == 0:
        return Ratio(math.nan, num, 0.0 if not math.isnan(den) else math.nan, definition,
                     zero_note)
    return Ratio(num / den, num, den, definition, "")


def ratios_frame(items: dict, index_name: str | list[str] | None = None) -> pd.DataFrame:
    """A DataFrame (one row per key) of ``{key: Ratio}`` with columns
    value, numerator, denominator, definition, note."""
    cols = ["value", "numerator", "denominator", "definition", "note"]
    df = pd.DataFrame([r.as_dict() for r in items.values()], columns=cols)
    if items and isinstance(next(iter(items)), tuple):
        df.index = pd.MultiIndex.from_tuples(list(items), names=index_name)
    else:
        df.index = pd.Index(list(items), name=index_name)
    return df
