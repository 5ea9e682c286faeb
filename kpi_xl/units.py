"""Display units shared by every surface: currency symbols and the width of text.

One table of currency symbols and one text-width rule, used by the CLI text, the report
renderers and the template (they used to keep three copies each).
"""

from __future__ import annotations

import math
import unicodedata

__all__ = ["CURRENCY_SYMBOLS", "currency_symbol", "display_width", "format_amount"]

CURRENCY_SYMBOLS: dict[str, str] = {"JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥",
                                    "KRW": "₩"}


def currency_symbol(currency: str) -> str:
    """The symbol of an ISO currency code (``'JPY'`` → ``'¥'``); ``''`` when unknown."""
    return CURRENCY_SYMBOLS.get(str(currency).upper(), "")


def display_width(text: object) -> int:
    """Width of ``text`` in fixed-width character cells (Excel column units, terminals):
    East Asian wide and full-width characters count 2, combining marks 0, everything else 1."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F")
               else 0 if unicodedata.combining(ch) else 1 for ch in str(text))


def format_amount(value: float | None, currency: str) -> str:
    """``-387143.0`` → ``'-¥387,143'``; None/NaN/inf → ``'—'``."""
    if value is None or not math.isfinite(float(value)):
        return "—"
    v = float(value)
    return f"{'-' if v < 0 else ''}{currency_symbol(currency)}{abs(v):,.0f}"
