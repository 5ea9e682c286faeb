"""Reading the body of a sheet with fastexcel, keeping every cell's value as typed.

fastexcel (Rust calamine → Arrow) types each column from its cells. A column whose cells all
have one type arrives typed. For the others it coerces: text wins and numbers, dates and
booleans become their text (numbers rounded to 9 decimals), booleans in a number column
become 1.0, error cells (#N/A …) and the text ``NULL``/``N/A``/``nan`` become blank. None of
that may reach the validator, so:

1. the sheet is read once with ``dtype_coercion="strict"`` and types sampled from every row:
   if no column mixes types, that is the only read (the common case, and the fast one). Cells
   the strict read could still not convert — an error cell, ``N/A`` text in a date column —
   are reported by fastexcel with the cell's own value, which is put back as typed; a number
   column holding ``nan``/``inf`` text has those cells re-read as text. When the caller knows
   that no such cell can exist (the byte check found no error, formula-text or inline-text
   cell, and the shared strings hold none of fastexcel's "null" words), the read is eager:
   fastexcel borrows the shared strings instead of copying them per cell, which is faster
   and needs far less memory;
2. if a column mixes types, the sheet is read twice more, every column forced to text and
   every column forced to float. Together they tell each cell's type: a float that is a
   float, a date (fastexcel cannot read it as float, and writes it as ISO text), a boolean
   (1.0 and ``true``), text, an error. Mixed columns become object columns holding each
   cell's Python value; columns that turn out uniform are typed as in 1.

A number typed as text that fastexcel writes back identically (``'120`` next to ``120``)
arrives as the number; text such as ``00123`` or ``1e3`` stays text.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .cells import ArrowColumn, Column, ObjectColumn

__all__ = ["Body", "cell_from_debug", "excel_number_text", "load_body"]

# fastexcel logs "Could not determine dtype for column N, falling back to string" for every
# empty column; a reader that reads empty columns on purpose does not want that on stderr.
logging.getLogger("fastexcel.types.dtype").setLevel(logging.ERROR)

_EXCEL_ERRORS = {"Div0": "#DIV/0!", "NA": "#N/A", "Name": "#NAME?", "Null": "#NULL!",
                 "Num": "#NUM!", "Ref": "#REF!", "Value": "#VALUE!",
                 "GettingData": "#GETTING_DATA"}
_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|.)")
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\", '"': '"', "'": "'"}


def _unescape(body: str) -> str:
    def sub(m: re.Match[str]) -> str:
        e = m.group(1)
        if e.startswith("u{"):
            return chr(int(e[2:-1], 16))
        return _SIMPLE_ESCAPES.get(e, e)

    return _ESCAPE.sub(sub, body)


def cell_from_debug(detail: str) -> object:
    """The cell value in a fastexcel conversion error (``Expected float but got
    'String("N/A")'``): calamine's Debug form of the cell, decoded to a Python value."""
    got = detail.split(" but got '", 1)[-1].removesuffix("'")
    kind, _, rest = got.partition("(")
    rest = rest[:-1] if rest.endswith(")") else rest
    if kind in ("String", "SharedString", "DateTimeIso", "DurationIso"):
        return _unescape(rest[1:-1] if rest.startswith('"') else rest)
    if kind == "Error":
        return _EXCEL_ERRORS.get(rest, f"#{rest.upper()}")
    if kind == "Bool":
        return rest == "true"
    if kind in ("Float", "Int"):
        return float(rest)
    if kind == "DateTime":
        m = re.search(r"value: ([-0-9.eE+]+), datetime_type: (\w+), is_1904: (\w+)", rest)
        if m:
            value = float(m.group(1))
            if m.group(2) == "TimeDelta":
                return dt.timedelta(days=value)
            epoch = dt.datetime(1904, 1, 1) if m.group(3) == "true" else dt.datetime(1899, 12, 30)
            return epoch + dt.timedelta(days=value)
    return got


def excel_number_text(x: float) -> str:
    """A number as fastexcel writes it in a text column (9 decimals, zeros trimmed)."""
    return f"{x:.9f}".rstrip("0").rstrip(".")


class Body:
    """The rows below a header row: ``top`` is the sheet row (1-based) of body row 0."""

    def __init__(self, top: int, height: int, columns: dict[int, Column]) -> None:
        self.top = top
        self.height = height
        self.columns = columns


def _errors(errs: object) -> list[tuple[int, int, str]]:
    if not errs:
        return []
    return [(e.offset_position[0], e.offset_position[1], e.detail)
            for e in errs.errors]  # type: ignore[attr-defined]


def _load(reader: object, sheet: str, header0: int | None, **kw: object):
    opts = dict(header_row=header0, skip_rows=0, schema_sample_rows=None, **kw)
    sh = reader.load_sheet(sheet, **opts)  # type: ignore[attr-defined]
    rb, errs = sh.to_arrow_with_errors()
    index = [c.absolute_index for c in sh.selected_columns]
    return rb, index, _errors(errs)


def _patched(arr: pa.Array, fixes: dict[int, object]) -> Column:
    values = np.array(arr.to_pylist(), dtype=object)
    for i, v in fixes.items():
        values[i] = v
    return ObjectColumn(values)


def _by_column(errs: list[tuple[int, int, str]]) -> dict[int, dict[int, str]]:
    out: dict[int, dict[int, str]] = {}
    for row, col, detail in errs:
        out.setdefault(col, {})[row] = detail
    return out


def _eager(reader: object, sheet: str, header0: int | None):
    index: list[int] = []

    def keep(column: object) -> bool:  # called once per column, in order: note its position
        index.append(column.absolute_index)  # type: ignore[attr-defined]
        return True

    rb = reader.load_sheet(sheet, header_row=header0, skip_rows=0,  # type: ignore[attr-defined]
                           schema_sample_rows=None, dtype_coercion="strict", eager=True,
                           use_columns=keep)
    if len(index) != rb.num_columns:  # pragma: no cover - fastexcel asks once per column
        raise RuntimeError("fastexcel did not report every column")
    return rb, index, []


def _strict(reader: object, sheet: str, header0: int | None, eager: bool
            ) -> tuple[dict[int, Column], int]:
    if eager:
        rb, index, errs = _eager(reader, sheet, header0)
    else:
        rb, index, errs = _load(reader, sheet, header0, dtype_coercion="strict")
    fixes = {j: {i: cell_from_debug(d) for i, d in rows.items()}
             for j, rows in _by_column(errs).items()}
    # number columns with nan/inf: text fastexcel parsed as a float; re-read those as text
    odd: dict[int, np.ndarray] = {}
    for j in range(rb.num_columns):
        arr = rb.column(j)
        if pa.types.is_floating(arr.type):
            bad = pc.fill_null(pc.invert(pc.is_finite(arr)), False)
            rows = np.flatnonzero(bad.to_numpy(zero_copy_only=False))
            if len(rows):
                odd[j] = rows
    if odd:
        text, tindex, _ = _load(reader, sheet, header0, dtypes="string",
                                use_columns=[index[j] for j in odd])
        by_abs = {a: text.column(k) for k, a in enumerate(tindex)}
        for j, rows in odd.items():
            col = by_abs[index[j]]
            for i in rows:
                fixes.setdefault(j, {})[int(i)] = col[int(i)].as_py()
    out: dict[int, Column] = {}
    for j in range(rb.num_columns):
        arr = rb.column(j)
        out[index[j] + 1] = _patched(arr, fixes[j]) if j in fixes else ArrowColumn(arr)
    return out, rb.num_rows


def _mixed(reader: object, sheet: str, header0: int | None) -> tuple[dict[int, Column], int]:
    text, index, terrs = _load(reader, sheet, header0, dtypes="string")
    num, nindex, nerrs = _load(reader, sheet, header0, dtypes="float")
    if index != nindex:  # pragma: no cover - both reads see the same range
        raise RuntimeError("fastexcel returned different columns for one sheet")
    terr, nerr = _by_column(terrs), _by_column(nerrs)
    out: dict[int, Column] = {}
    for j in range(text.num_columns):
        s = np.array(text.column(j).to_pylist(), dtype=object)
        f = num.column(j)
        fvals = pc.fill_null(f, 0.0).to_numpy(zero_copy_only=False)
        finite = pc.is_valid(f).to_numpy(zero_copy_only=False) & np.isfinite(fvals)
        values = s.copy()
        # A number cell reads back as fastexcel writes that number; text that merely parses
        # as one ('00123', '1e3') does not, and stays text.
        numeric = np.flatnonzero(finite)
        same = np.fromiter((s[i] == excel_number_text(fvals[i]) for i in numeric), bool,
                           len(numeric))
        values[numeric[same]] = fvals[numeric[same]].astype(object)
        flags = finite & ((s == "true") | (s == "false"))
        values[flags] = s[flags] == "true"
        for i, detail in nerr.get(j, {}).items():
            if "got 'DateTime(" in detail:
                values[i] = _datetime_text(s[i], detail)
            elif "got 'String(" not in detail and "got 'SharedString(" not in detail:
                values[i] = cell_from_debug(detail)
        for i, detail in terr.get(j, {}).items():
            if values[i] is None:
                values[i] = cell_from_debug(detail)
        out[index[j] + 1] = ObjectColumn(values)
    return out, text.num_rows


def _datetime_text(text: object, detail: str) -> object:
    """A date cell: fastexcel writes it as ``2026-10-01 12:30:15.500``; parse that text."""
    if isinstance(text, str):
        for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
            try:
                return dt.datetime.strptime(text, fmt)
            except ValueError:
                continue
    return cell_from_debug(detail)


def load_body(reader: object, sheet: str, header_row: int | None,
              on_mixed: Callable[[], None] | None = None, *, eager: bool = False) -> Body:
    """Every cell below ``header_row`` (1-based; None: from row 1) of ``sheet``, as columns
    keyed by 1-based column number. ``eager``: no cell can fail conversion (see 1. above)."""
    import fastexcel

    header0 = None if header_row is None else header_row - 1
    try:
        columns, height = _strict(reader, sheet, header0, eager)
    except fastexcel.UnsupportedColumnTypeCombinationError:
        if on_mixed is not None:
            on_mixed()
        columns, height = _mixed(reader, sheet, header0)
    top = 1 if header_row is None else header_row + 1
    return Body(top, height, columns)
