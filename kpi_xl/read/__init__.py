"""Reading the input tables: workbooks (fastexcel → Arrow), CSV files and folders, DataFrames,
and the values of live Excel sheets (the button).

Public entry points: :func:`read_source` (anything), :func:`read_workbook`, :func:`read_csv`,
:func:`read_folder`, :func:`read_sheet_values` (2-D values from xlwings), :func:`guess_locale`
(the book's language), :class:`RawTable` (what the validator receives), :class:`Limits` (every
bound, overridable), :func:`resolve_table_name`.
"""

from __future__ import annotations

from .cells import plain_frame
from .limits import DEFAULT_LIMITS, Limits
from .locale import guess_locale, has_japanese
from .package import parse_range_formula
from .plan import TableInfo
from .raw import RawTable, resolve_table_name
from .region import Rect
from .source import read_csv, read_folder, read_source
from .values import SheetValues, read_sheet_values
from .workbook import read_workbook

__all__ = ["DEFAULT_LIMITS", "Limits", "RawTable", "Rect", "SheetValues", "TableInfo",
           "guess_locale", "has_japanese", "parse_range_formula", "plain_frame", "read_csv",
           "read_folder", "read_sheet_values", "read_source", "read_workbook",
           "resolve_table_name"]
