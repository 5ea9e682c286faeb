"""Compatibility names for the reader, which now lives in :mod:`kpi_xl.read` (import from
there in new code)."""

from __future__ import annotations

from .read import RawTable, read_csv, read_source, read_workbook, resolve_table_name

__all__ = ["RawTable", "read_csv", "read_source", "read_workbook", "resolve_table_name"]
