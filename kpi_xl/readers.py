"""Reading the input tables from DataFrames, CSV files or a workbook, as the user wrote them.

Readers only locate tables and keep the values and headers as they are (no type conversion):
:mod:`kpi_xl.validate` maps headers to canonical columns and converts values, so that every
problem can be reported with the row number the user sees.

Table lookup (case-, width- and space-insensitive):
- in a workbook: an Excel table (ListObject) named ``tbl<English name>`` or any table alias,
  else a sheet named after the table in English or Japanese (``Opportunities`` / ``商談`` …),
  whose first non-empty row is the header;
- in a folder: ``<name>.csv`` for any table name or alias (``opportunities.csv``, ``商談.csv``);
  CSV files are read as UTF-8 (with or without BOM), falling back to cp932 (Shift_JIS, what
  Japanese Excel writes).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError
from .schema import TABLES, normalize_header

__all__ = ["RawTable", "read_csv", "read_source", "read_workbook", "resolve_table_name"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")


@dataclass
class RawTable:
    """A table as found: values unconverted, headers as written.

    ``header_row`` is the spreadsheet row number (1-based) of the header, so data row ``i``
    (0-based) is row ``header_row + 1 + i`` for the user. ``origin`` says where it came from.
    """

    name: str
    frame: pd.DataFrame
    origin: str
    header_row: int = 1


def _table_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for spec in TABLES.values():
        for alias in (*spec.all_names(), "tbl" + spec.en, "tbl_" + spec.name):
            keys[normalize_header(alias)] = spec.name
    return keys


_KEYS = _table_keys()


def resolve_table_name(text: str) -> str | None:
    """The canonical table name for a sheet, file stem or Excel table name, or None."""
    return _KEYS.get(normalize_header(text))


def _blank_cell(v: object) -> bool:
    return v is None or (isinstance(v, str) and v == "")


def _shared_text(arr: np.ndarray) -> np.ndarray:
    """One string object per distinct text of a text column (calamine makes a new ``str`` per
    cell). Equal values, but comparisons, hashing and grouping downstream are much faster on
    repeated objects (identity short-cut, cached hashes): 13 s less compute on excel-max."""
    if len(arr) < 2 or not set(map(type, arr)) <= {str, type(None)}:
        return arr
    codes, uniques = pd.factorize(arr)
    if len(uniques) == 0 or len(uniques) == len(arr):
        return arr  # all empty, or all distinct (ids): nothing to share
    out = np.asarray(uniques, dtype=object)[codes]
    out[codes < 0] = None
    return out


def _frame_from_rows(rows: list[list[object]]) -> tuple[pd.DataFrame, int]:
    """Header = first row with a non-blank cell. Returns (frame, header row index 0-based).

    Built column-wise (one object array per column) rather than from row lists: the same
    frame, several times faster on a million rows."""
    start = 0
    while start < len(rows) and all(_blank_cell(v) for v in rows[start]):
        start += 1
    if start == len(rows):
        return pd.DataFrame(), 0
    header = rows[start]
    names: list[str] = []
    for i, h in enumerate(header):
        name = str(h).strip() if not _blank_cell(h) else f"(column {i + 1})"
        while name in names:
            name += "'"
        names.append(name)
    body = rows[start + 1:]
    width = len(names)
    if any(len(r) != width for r in body):
        body = [list(r[:width]) + [""] * (width - len(r)) if len(r) != width else r
                for r in body]
    columns: dict[str, np.ndarray] = {}
    cols = zip(*body, strict=True) if body else ([] for _ in names)
    for name, col in zip(names, cols, strict=True):
        arr = np.empty(len(body), dtype=object)
        arr[:] = col
        empty = arr == ""
        if name.startswith("(column ") and all(v is None for v in arr[~empty]):
            continue  # a blank column without a header
        arr[empty] = None
        columns[name] = _shared_text(arr)
    frame = pd.DataFrame(columns, columns=list(columns), dtype=object)
    return frame, start


def read_workbook(path: str | os.PathLike[str]) -> dict[str, RawTable]:
    """Every kpi_xl input table found in an .xlsx/.xlsm/.xlsb/.xls/.ods workbook (calamine)."""
    from python_calamine import CalamineWorkbook

    p = Path(path)
    if not p.exists():
        raise InputError(f"No such workbook: {p}")
    try:
        wb = CalamineWorkbook.from_path(str(p), load_tables=p.suffix.lower() in (".xlsx",
                                                                                 ".xlsm"))
    except Exception as exc:  # calamine raises several types for unreadable files
        raise InputError(f"Cannot read {p.name} as a workbook: {exc}") from exc
    found: dict[str, RawTable] = {}
    try:
        table_names = list(wb.table_names) if p.suffix.lower() in (".xlsx", ".xlsm") else []
    except Exception:
        table_names = []
    for tname in table_names:
        name = resolve_table_name(tname)
        if not name or name in found:
            continue
        t = wb.get_table_by_name(tname)
        header = [str(c) for c in t.columns]
        frame, _ = _frame_from_rows([header, *t.to_python()])
        found[name] = RawTable(name, frame, f"{p.name}, sheet '{t.sheet}', table {tname}",
                               header_row=int(t.start[0]))
    for sheet in wb.sheet_names:
        name = resolve_table_name(sheet)
        if not name or name in found:
            continue
        rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        frame, header_idx = _frame_from_rows([list(r) for r in rows])
        found[name] = RawTable(name, frame, f"{p.name}, sheet '{sheet}'",
                               header_row=header_idx + 1)
    return found


def read_csv(path: str | os.PathLike[str], table: str | None = None) -> RawTable:
    """One CSV file as a RawTable (table name from the file name unless given)."""
    p = Path(path)
    name = table or resolve_table_name(p.stem)
    if name is None:
        raise InputError(f"{p.name}: the file name does not name a kpi_xl table "
                         f"(use one of {', '.join(TABLES)})")
    for enc in ("utf-8-sig", "cp932"):
        try:
            frame = pd.read_csv(p, dtype=object, encoding=enc, keep_default_na=False,
                                skip_blank_lines=False)
            break
        except UnicodeDecodeError:
            continue
        except (OSError, pd.errors.ParserError) as exc:
            raise InputError(f"Cannot read {p}: {exc}") from exc
    else:
        raise InputError(f"{p.name}: not UTF-8 or Shift_JIS text")
    frame = frame.replace({"": None})
    return RawTable(name, frame, p.name, header_row=1)


def read_source(source: object) -> dict[str, RawTable]:
    """Find the input tables in ``source``: a mapping of table name → DataFrame, a folder of CSV
    files, a single workbook, or a RawTable mapping (returned as is)."""
    if isinstance(source, Mapping):
        out = {}
        for key, frame in source.items():
            if isinstance(frame, RawTable):
                out[frame.name] = frame
                continue
            name = resolve_table_name(str(key))
            if name is None:
                raise InputError(f"Unknown table {key!r}: use one of {', '.join(TABLES)}")
            out[name] = RawTable(name, frame.reset_index(drop=True), f"table '{key}'", 1)
        return out
    if not isinstance(source, (str, os.PathLike)):
        raise InputError(f"Cannot read {type(source).__name__}: give a workbook path, a folder "
                         "of CSV files or a dict of DataFrames")
    p = Path(source)
    if p.is_dir():
        out = {}
        for f in sorted(p.glob("*.csv")):
            name = resolve_table_name(f.stem)
            if name and name not in out:
                out[name] = read_csv(f, name)
        if not out:
            raise InputError(f"No table CSV files in {p} (expected e.g. opportunities.csv, "
                             f"orders.csv, 商談.csv)")
        return out
    if p.suffix.lower() in WORKBOOK_SUFFIXES:
        return read_workbook(p)
    if p.suffix.lower() == ".csv":
        if not p.exists():
            raise InputError(f"No such file: {p}")
        t = read_csv(p)
        return {t.name: t}
    if not p.exists():
        raise InputError(f"No such file or folder: {p}")
    raise InputError(f"{p.name}: not a workbook ({', '.join(WORKBOOK_SUFFIXES)}), a CSV file or "
                     "a folder of CSV files")
