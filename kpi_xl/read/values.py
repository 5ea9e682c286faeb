"""The button's reader: kpi_xl tables from the values of live Excel sheets (xlwings).

The same rules as for a file (:mod:`kpi_xl.read.plan`, :mod:`kpi_xl.read.region`): Excel
tables first, sheets named after a table next, rows below or beside a table read with their
row numbers, total rows and titles excluded, stray cells reported — only the cells come from
``Range.value`` (2-D lists) instead of the file. :class:`SheetValues` is what the caller
describes of each sheet; values are fetched only for the sheets that hold input tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..i18n import text
from ..progress import SILENT, Progress
from .cells import ObjectColumn, is_blank
from .fastload import Body
from .limits import DEFAULT_LIMITS, Limits
from .locale import locale_of_texts
from .notes import Note
from .plan import (
    SheetInfo,
    TableInfo,
    accounted,
    detect_header,
    header_rows_needed,
    placement,
    plan_tables,
)
from .raw import RawTable, table_names_text
from .region import Grid, Located, Rect, locate
from .workbook import empty_located, finish

__all__ = ["SheetValues", "read_sheet_values"]


@dataclass
class SheetValues(SheetInfo):
    """A live sheet: ``used`` is its used range; ``fetch(rect)`` returns the 2-D values of a
    rectangle (rows of cells, None for empty)."""

    used: Rect | None = None
    fetch: Callable[[Rect], list[list[object]]] | None = None
    generated: bool = False


def _window(sheet: SheetValues, tables: list[tuple[str, TableInfo | None]], limits: Limits
            ) -> tuple[Rect, bool]:
    used = sheet.used
    assert used is not None
    area = (used.bottom - used.top + 1) * (used.right - used.left + 1)
    if area <= limits.max_sheet_cells:
        return used, False
    spans = [t.ref for _, t in tables if t is not None] or [Rect(used.top, used.left,
                                                                used.bottom, used.left + 255)]
    left = max(min(r.left for r in spans), used.left)
    right = min(max(r.right for r in spans) + 16, used.right)
    return Rect(used.top, left, used.bottom, right), True


def _grid(sheet: SheetValues, rect: Rect, values: list[list[object]], first: int) -> Grid:
    head: dict[tuple[int, int], object] = {}
    top = first + 1
    rows_below = max(rect.bottom - first, 0)
    width = rect.right - rect.left + 1
    cols = [np.full(rows_below, None, dtype=object) for _ in range(width)]
    for i, row in enumerate(values):
        r = rect.top + i
        for j, v in enumerate(row[:width]):
            if r <= first:
                if not is_blank(v):
                    head[(r, rect.left + j)] = v
            elif r - top < rows_below:
                cols[j][r - top] = v
    columns = {rect.left + j: ObjectColumn(c) for j, c in enumerate(cols)}
    return Grid(sheet.name, head, Body(top, rows_below, columns))


def read_sheet_values(book: str, sheets: list[SheetValues], *, limits: Limits = DEFAULT_LIMITS,
                      locale: str | None = None, progress: Progress = SILENT
                      ) -> dict[str, RawTable]:
    """Every kpi_xl input table of an open workbook (see the module doc)."""
    loc = locale or locale_of_texts([book, *(s.name for s in sheets)])
    usable = [s for s in sheets if not s.generated]
    plan, twice = plan_tables(usable)
    if not plan:
        raise InputError(text("read.no_tables", loc, file=book, expected=table_names_text(loc),
                              sheets=", ".join(f"'{s.name}'" for s in sheets)))
    found: list[tuple[Located, str, str | None]] = []
    for sheet in usable:
        tables = plan.get(sheet.name)
        if not tables:
            continue
        located = _read(sheet, tables, limits)
        names = dict(tables)
        for lo in located:
            t = names.get(lo.name)
            found.append((lo, sheet.name, t.name if t is not None else None))
            # a sheet holding two tables (設定 + 表記ゆれ) names each by its Excel table
            label = sheet.name if len(tables) == 1 or t is None else f"{sheet.name} ({t.name})"
            progress.table(label, len(lo.frame))
    return finish(found, twice, book, locale)


def _read(sheet: SheetValues, tables: list[tuple[str, TableInfo | None]], limits: Limits
          ) -> list[Located]:
    if sheet.used is None or sheet.fetch is None:
        return empty_located(tables, sheet.name)
    rect, partial = _window(sheet, tables, limits)
    values = sheet.fetch(rect) or []
    last = header_rows_needed(tables)
    head: dict[tuple[int, int], object] = {}
    for i, row in enumerate(values[:max(last - rect.top + 1, 0)]):
        for j, v in enumerate(row):
            if not is_blank(v):
                head[(rect.top + i, rect.left + j)] = v
    found = [placement(n, t) if t is not None else detect_header(n, head, sheet.name)
             for n, t in tables]
    placements = [p for p in found if p is not None]
    if not placements:
        return empty_located(tables, sheet.name)
    first = min(p.header_row for p in placements)
    grid = _grid(sheet, rect, values, first)
    others = accounted(sheet, {t.name for _, t in tables if t is not None})
    located = locate(grid, placements, others, cap=limits.max_reported_cells)
    if partial:
        located[0].notes.append(Note(located[0].name, None, None, None, "read.sheet_partial",
                                     "", {"sheet": sheet.name, "used": _address(sheet.used),
                                          "read": _address(rect)}))
    return located


def _address(r: Rect | None) -> str:
    from .notes import column_letter

    if r is None:
        return ""
    return f"{column_letter(r.left)}{r.top}:{column_letter(r.right)}{r.bottom}"
