"""Which sheets hold which kpi_xl tables, and where each table's header is — shared by the
file reader and the button (live Excel).

A table is an Excel table (ListObject) whose name resolves to a kpi_xl table on any sheet;
else a sheet named after the table: its Excel table whatever its name (``テーブル1``; the best
matching one when there are several), or the row among its first 30 that names most of the
table's columns (so a title above the header is fine; the first filled row when none does).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..schema import normalize_header, table_spec
from .notes import Note
from .raw import resolve_table_name
from .region import Placement, Rect

__all__ = ["HEADER_SCAN_ROWS", "SheetInfo", "TableInfo", "accounted", "detect_header",
           "placement", "plan_tables"]

HEADER_SCAN_ROWS = 30


@dataclass
class TableInfo:
    """An Excel table (ListObject): its name, range, header and totals row counts, columns."""

    name: str
    sheet: str
    ref: Rect
    header_rows: int = 1
    totals_rows: int = 0
    columns: tuple[str, ...] = ()


@dataclass
class SheetInfo:
    """A worksheet: its name, package part (files), Excel tables and named ranges on it."""

    name: str
    part: str | None = None
    tables: list[TableInfo] = field(default_factory=list)
    names: list[Rect] = field(default_factory=list)


def _names_of(name: str) -> set[str]:
    return {normalize_header(n) for c in table_spec(name).columns for n in c.all_names() if n}


def _score(names: set[str], cells: list[object]) -> int:
    return sum(1 for v in cells if isinstance(v, str) and normalize_header(v) in names)


def _best_table(name: str, tables: list[TableInfo]) -> TableInfo | None:
    if len(tables) <= 1:
        return tables[0] if tables else None
    names = _names_of(name)
    return max(tables, key=lambda t: _score(names, list(t.columns)))


def plan_tables(sheets: list[SheetInfo]) -> tuple[dict[str, list[tuple[str, TableInfo | None]]],
                                                  list[Note]]:
    """sheet name → [(table name, Excel table or None)], and notes on tables found twice."""
    plan: dict[str, list[tuple[str, TableInfo | None]]] = {}
    where: dict[str, str] = {}
    notes: list[Note] = []
    for sheet in sheets:
        for t in sheet.tables:
            name = resolve_table_name(t.name)
            if name is None:
                continue
            if name in where:
                notes.append(Note(name, None, None, None, "read.table_twice", "",
                                  {"first": where[name], "second": f"{t.name} ({sheet.name})"}))
                continue
            where[name] = f"{t.name} ({sheet.name})"
            plan.setdefault(sheet.name, []).append((name, t))
    for sheet in sheets:
        name = resolve_table_name(sheet.name)
        if name is None or name in where or sheet.name in plan:
            continue
        where[name] = sheet.name
        plan[sheet.name] = [(name, _best_table(name, [t for t in sheet.tables
                                                      if resolve_table_name(t.name) is None]))]
    return plan, notes


def placement(name: str, t: TableInfo) -> Placement:
    header = t.ref.top if t.header_rows else t.ref.top - 1
    return Placement(name, t.name, header, t.ref.left, t.ref.right,
                     t.ref.bottom - t.totals_rows, t.totals_rows, t.columns)


def detect_header(name: str, head: dict[tuple[int, int], object], label: str
                  ) -> Placement | None:
    """The header of a sheet without an Excel table (see the module doc)."""
    rows: dict[int, list[tuple[int, object]]] = {}
    for (r, c), v in head.items():
        if r <= HEADER_SCAN_ROWS:
            rows.setdefault(r, []).append((c, v))
    if not rows:
        return None
    names = _names_of(name)
    best = max(sorted(rows), key=lambda r: (_score(names, [v for _, v in rows[r]]), -r))
    cols = sorted(c for c, _ in rows[best])
    return Placement(name, label, best, cols[0], cols[-1])


def accounted(sheet: SheetInfo, used: set[str]) -> list[Rect]:
    """Cells that belong to someone else: named ranges (with the header cell above them) and
    Excel tables that are not read as kpi_xl tables."""
    rects = [Rect(max(r.top - 1, 1), r.left, r.bottom, r.right) for r in sheet.names]
    rects += [t.ref for t in sheet.tables if t.name not in used]
    return rects


def header_rows_needed(tables: list[tuple[str, TableInfo | None]]) -> int:
    """How many rows from the top must be read to know every header."""
    rows = [placement(n, t).header_row for n, t in tables if t is not None]
    if len(rows) < len(tables):
        rows.append(HEADER_SCAN_ROWS)
    return max(rows, default=HEADER_SCAN_ROWS)
