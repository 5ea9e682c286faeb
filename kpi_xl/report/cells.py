"""What every renderer writes the same way: cell values, text safety, column widths, the
columns a colour scale covers, axis number formats and chart sizes.

Security: text from the data is always written as a text cell — a value such as
``=cmd|' /C calc'!A0`` never becomes a formula; renderers also give such cells Excel's quote
prefix, so that editing one keeps it text.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import numbers
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import LOCALES, normalize_locale, text
from ..units import currency_symbol, display_width
from ..xlsx.text import TextChanges, clean_text
from .model import FORMATS, ROW_POINTS, Sheet, Table

__all__ = [
    "CM_PER_COL",
    "CM_PER_ROW",
    "FORMULA_PREFIXES",
    "MAX_TEXT",
    "NO_DATA",
    "axis_format",
    "cell_value",
    "column_axis_format",
    "data_range_rows",
    "empty_label",
    "header_width",
    "is_numeric_column",
    "looks_like_formula",
    "right_aligned",
    "scale_columns",
    "sheet_widths",
    "text_categories",
    "traffic_formulas",
    "value_width",
    "widen",
]

NO_DATA = {loc: text("no_data", loc) for loc in LOCALES}
#: Characters that make Excel (or a CSV export) treat text as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@")
NUMERIC_FORMATS = {"int", "number", "currency", "pct", "days", "amount", "amount1", "change",
                   "index"}
MAX_TEXT = 32767
MAX_WIDTH = 50
MIN_WIDTH = 6
CM_PER_COL = 1.7  # a column of the default width (8.43 characters, 64 pixels)
CM_PER_ROW = ROW_POINTS * 2.54 / 72  # a row of the fixed height


def looks_like_formula(text: str) -> bool:
    """Whether Excel would read ``text`` typed into a cell as a formula."""
    return text.startswith(FORMULA_PREFIXES)


def cell_value(value: Any, changes: TextChanges | None = None) -> Any:
    """A value a cell can hold: int/float, bool, naive datetime, str (XML-safe, at most
    32,767 characters) or None (blank: missing, NaN, infinite)."""
    if value is None:
        return None
    if isinstance(value, str):
        text = changes.clean(value) if changes is not None else clean_text(value)
        return text[:MAX_TEXT]
    if isinstance(value, bool):
        return value
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    elif isinstance(value, np.generic):  # other numpy scalars → Python
        value = value.item()
        if isinstance(value, bool):
            return value
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is not None:
            value = value.tz_localize(None)
        return value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is not None else value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else f
    return cell_value(str(value), changes)


# --------------------------------------------------------------------------- widths


def value_width(value: Any, fmt: str) -> float:
    """The column width ``value`` needs when shown with the model format ``fmt``."""
    if value is None:
        return 0.0
    if fmt == "longtext":  # overflows into the empty cells to its right instead
        return min(display_width(str(value).split("\n")[0]) + 2, 16.0)
    if isinstance(value, dt.datetime):
        return 8.0 if fmt == "month" else 11.0
    if isinstance(value, bool):
        return 6.0
    if isinstance(value, (int, float)):
        if fmt == "pct":
            return len(f"{value * 100:.1f}%") + 2
        if fmt == "change":
            return len(f"{value * 100:+.1f}%") + 2
        if fmt in ("int", "currency", "amount", "days", "index"):
            return len(f"{value:,.0f}") + (3 if fmt == "currency" else 2)
        if fmt in ("number", "amount1"):
            return len(f"{value:,.1f}") + 2
        return min(len(f"{value:.10g}"), 12) + 2
    return display_width(str(value).split("\n")[0]) + 2


def widen(widths: dict[int, float], col: int, width: float) -> None:
    """Make column ``col`` at least ``width`` wide (within the minimum and maximum)."""
    widths[col] = min(max(widths.get(col, MIN_WIDTH), width), MAX_WIDTH)


def header_width(header: str) -> float:
    """The width a table header needs on its two lines (headers wrap): half its text, but
    never less than its longest word (a Latin word does not break), plus the padding."""
    words = [w for w in str(header).split() if w.isascii()]
    longest = max((display_width(w) for w in words), default=0)
    wide = display_width(header) > len(str(header))  # full-width glyphs draw a little wider
    return max(longest, math.ceil(display_width(header) / 2) + (2 if wide else 1)) + 2


def sheet_widths(sheet: Sheet) -> dict[int, float]:
    """The width (characters) of every column a sheet's tables and legends use: each header
    and value measured with :func:`value_width`, 6 to 50 characters — what every renderer
    writes and what the page scale is computed from."""
    widths: dict[int, float] = {}
    fixed: dict[int, float] = {}
    for table in sheet.tables:
        for j, column in enumerate(table.columns):
            if column.width is not None:
                fixed[table.col + j] = max(fixed.get(table.col + j, 0.0), column.width)
            widen(widths, table.col + j, header_width(column.header))
        for i, values in enumerate(table.rows):
            for j, column in enumerate(table.columns):
                value = cell_value(values[j] if j < len(values) else None)
                fmt = column.fmt
                if fmt == "auto" and table.row_fmt is not None:
                    fmt = table.row_fmt[i]
                    fmt = (column.auto_map or {}).get(fmt, fmt)
                widen(widths, table.col + j, value_width(value, fmt))
    for legend in sheet.legends:
        for j, (_, label) in enumerate(legend.items):
            widen(widths, legend.col + 1 + j, display_width(label) + 2)
    widths.update(fixed)
    return widths


# --------------------------------------------------------------------------- tables, charts


def empty_label(table: Table, locale: str) -> str:
    """What an empty table says in its one row: why it is empty (``table.empty``), else
    "no data" in ``locale``."""
    return table.empty or NO_DATA[normalize_locale(locale)]


def data_range_rows(table: Table) -> tuple[int, int]:
    """First and last sheet row (0-based) of ``table``'s data."""
    return table.first_data_row, table.first_data_row + len(table.rows) - 1


def is_numeric_column(table: Table, j: int) -> bool:
    """Whether column ``j`` of ``table`` holds numbers (by format, else by its values)."""
    if table.columns[j].fmt in NUMERIC_FORMATS:
        return True
    if table.columns[j].fmt not in ("general", "auto"):  # decided by the values
        return False
    seen = False
    for row in table.rows:
        v = cell_value(row[j] if j < len(row) else None)
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return False
        seen = True
    return seen


def right_aligned(table: Table, j: int, values: list[Any]) -> bool:
    """Whether cell ``j`` of a row holds text in a column of numbers ("n/a: no data" in a
    change column): such text is right-aligned, as the numbers beside it."""
    v = values[j] if j < len(values) else None
    return isinstance(v, str) and table.columns[j].fmt in NUMERIC_FORMATS


def scale_columns(table: Table, cond: Any) -> list[int]:
    """Sheet columns (0-based) a colour scale covers: one column, or with ``'*'`` every
    numeric column but the first (a heatmap over a matrix)."""
    if cond.column == "*":
        return [table.col + j for j in range(1, len(table.columns))
                if is_numeric_column(table, j)]
    return [table.column_index(cond.column)]


def axis_format(fmt_key: str, currency: str) -> str | None:
    """The number format of a chart axis showing model format ``fmt_key`` (None: General)."""
    if not fmt_key or fmt_key not in FORMATS or fmt_key in ("text", "general"):
        return None
    return FORMATS[fmt_key].replace("{sym}", currency_symbol(currency))


def column_axis_format(table: Table, key: str, currency: str) -> str | None:
    for c in table.columns:
        if c.key == key:
            return axis_format(c.fmt, currency)
    return None


def text_categories(table: Table, category: str) -> bool:
    """Whether a chart's categories (column ``category`` of ``table``) hold text."""
    j = table.column_index(category) - table.col
    return any(isinstance(cell_value(row[j]), str) for row in table.rows if len(row) > j)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def traffic_formulas(ref: str, low: float, high: float) -> list[tuple[str, str]]:
    """The conditional-format formulas (without ``=``… with it, as Excel stores them in a
    rule) colouring a cell by the value in ``ref`` (e.g. ``$E5``: the pace of the same row):
    green from ``high``, amber from ``low``, red below; a blank or text ``ref`` colours
    nothing. Returns ``(formula, fill key)`` pairs."""
    lo, hi = _num(low), _num(high)
    return [(f"=AND(ISNUMBER({ref}),{ref}>={hi})", "green"),
            (f"=AND(ISNUMBER({ref}),{ref}>={lo},{ref}<{hi})", "amber"),
            (f"=AND(ISNUMBER({ref}),{ref}<{lo})", "red")]
