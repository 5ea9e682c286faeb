"""Report: layout (engine results → report model) and one renderer per target."""

from .model import Chart, Column, Conditional, Report, Series, Sheet, Table, Text
from .naming import GENERATED_NAME, sheet_name, unique_sheet_names

__all__ = [
    "GENERATED_NAME",
    "Chart",
    "Column",
    "Conditional",
    "Report",
    "Series",
    "Sheet",
    "Table",
    "Text",
    "sheet_name",
    "unique_sheet_names",
]
