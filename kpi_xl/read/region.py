"""Where a table's rows really are on a sheet, so that no filled cell goes unnoticed.

Given the cells of one sheet (:class:`Grid`) and where each kpi_xl table starts
(:class:`Placement`: an Excel table's range, or a header row found on a sheet named after the
table), :func:`locate` decides for every filled cell what it is:

- **data**: the table's own rows, and what lies next to them — rows below the table's range
  in its columns (after blank rows too: pasted below, written by another tool, or a range
  that stopped short), and columns beside it whose header cell in the header row is filled.
  Both are read as part of the table with their true row numbers; for an Excel table they are
  recorded as :class:`~kpi_xl.dataset.OutsideRows` so the user can extend the range. Blank
  rows between data rows stay in the frame (the validator counts them);
- **total rows**: a row whose first filled cell says 合計 / 計 / 小計 / 総計 / Total /
  Subtotal / Sum (any width or spacing), and an Excel table's own totals row — never data,
  recorded as ``Exclusion(reason="total_row")`` with the label;
- **rows above the header** (titles, notes, dates of export) — recorded as
  ``Exclusion(reason="before_header")``. A row above the header that fills at least three and
  at least 60 % of the table's columns and holds a number or date looks like data typed in
  the wrong place: that is a located problem instead, never silently dropped (a label and a
  date such as ``出力日 2026/11/1`` is not data);
- **someone else's**: cells in another Excel table, or in a named range (with its header
  cell above it) — left alone;
- **notes**: text in the header row beside the table, past an empty column (``※ 単位: 円``)
  — recorded as ``Exclusion(reason="note")``;
- **stray**: anything else is a located problem naming the cell and its value.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..dataset import Exclusion, OutsideRows
from .cells import ArrowColumn, Column, is_blank
from .fastload import Body
from .notes import Note, column_letter

__all__ = ["TOTAL_WORDS", "Grid", "Located", "Placement", "Rect", "locate", "total_key"]

TOTAL_WORDS = frozenset({"合計", "計", "小計", "総計", "総合計", "合計額", "合計金額", "総額",
                         "total", "totals", "grandtotal", "subtotal", "sum"})


def total_key(value: object) -> str:
    """A cell's text folded for comparison with :data:`TOTAL_WORDS` (NFKC, lower case, no
    spaces or colons); ``''`` for anything that is not text."""
    if not isinstance(value, str):
        return ""
    s = unicodedata.normalize("NFKC", value).lower()
    return "".join(ch for ch in s if not ch.isspace() and ch not in ":：")


@dataclass(frozen=True)
class Rect:
    top: int
    left: int
    bottom: int
    right: int

    def contains(self, row: int, col: int) -> bool:
        return self.top <= row <= self.bottom and self.left <= col <= self.right


@dataclass
class Placement:
    """Where the book puts a kpi_xl table. ``last_row`` is the last data row of an Excel
    table's range (None for a sheet without one); ``headers`` the Excel table's column names,
    used where a header cell is empty."""

    name: str
    label: str
    header_row: int
    left: int
    right: int
    last_row: int | None = None
    totals: int = 0
    headers: tuple[str, ...] = ()


@dataclass
class Located:
    name: str
    placement: Placement
    frame: pd.DataFrame
    header_row: int
    rows: np.ndarray | None
    exclusions: list[Exclusion] = field(default_factory=list)
    outside: list[OutsideRows] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


class Grid:
    """One sheet: ``head`` holds the cells of the rows above ``body.top`` by (row, column)."""

    def __init__(self, sheet: str, head: dict[tuple[int, int], object], body: Body) -> None:
        self.sheet = sheet
        self.head = head
        self.body = body
        self.bottom = body.top + body.height - 1

    def value(self, row: int, col: int) -> object:
        if row < self.body.top:
            return self.head.get((row, col))
        column = self.body.columns.get(col)
        i = row - self.body.top
        return None if column is None or i >= self.body.height else column.value(i)

    def filled(self, col: int, lo: int, hi: int) -> np.ndarray:
        """Filled-cell mask of body rows ``lo..hi-1`` (body indices) of column ``col``."""
        column = self.body.columns.get(col)
        if column is None:
            return np.zeros(max(hi - lo, 0), bool)
        return ~column.blank()[lo:hi]


_TOTALS = pa.array(sorted(TOTAL_WORDS))


def _totals_in(column: Column, lo: int, hi: int) -> np.ndarray:
    if isinstance(column, ArrowColumn) and pa.types.is_string(column.arr.type):
        arr = column.arr.slice(lo, hi - lo)
        uniq = pc.unique(arr)
        short = pc.filter(uniq, pc.less_equal(pc.utf8_length(uniq), 24))
        key = pc.replace_substring_regex(pc.utf8_lower(pc.utf8_normalize(short, "NFKC")),
                                         r"[\s:]", "")
        words = pc.filter(short, pc.is_in(key, value_set=_TOTALS))
        if not len(words):
            return np.zeros(hi - lo, bool)
        return pc.fill_null(pc.is_in(arr, value_set=words), False).to_numpy(
            zero_copy_only=False)
    if isinstance(column, ArrowColumn):
        return np.zeros(hi - lo, bool)
    return np.fromiter((total_key(column.value(i)) in TOTAL_WORDS for i in range(lo, hi)),
                       bool, hi - lo)


def _header_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _headers(grid: Grid, t: Placement, cols: range, name: str) -> tuple[list[str], list[Note]]:
    names: list[str] = []
    first: dict[str, int] = {}
    notes: list[Note] = []
    for c in cols:
        v = grid.value(t.header_row, c) if t.header_row >= 1 else None
        if is_blank(v):
            i = c - t.left
            h = t.headers[i] if 0 <= i < len(t.headers) else f"({column_letter(c)})"
        else:
            h = _header_text(v)
        if h in first:
            notes.append(Note(name, t.header_row, h, h, "read.duplicate_header",
                              "read.duplicate_header_hint",
                              {"header": h, "first": column_letter(first[h]),
                               "second": column_letter(c)}))
            h = f"{h} ({column_letter(c)})"
        first.setdefault(h, c)
        names.append(h)
    return names, notes


def _limit(grid: Grid, t: Placement, left: int, right: int, others: list[Rect]) -> int:
    limit = grid.bottom
    for r in others:
        if r.top > t.header_row and r.left <= right and r.right >= left:
            limit = min(limit, r.top - 1)
    return limit


def _place(grid: Grid, t: Placement, others: list[Rect]) -> tuple[Located, Rect]:
    top = grid.body.top
    right = t.right
    while not is_blank(grid.value(t.header_row, right + 1)) and not any(
            r.contains(t.header_row, right + 1) for r in others):
        right += 1
    cols = range(t.left, right + 1)
    limit = _limit(grid, t, t.left, right, others)
    lo, hi = t.header_row + 1 - top, max(limit - top + 1, t.header_row + 1 - top)
    filled = np.zeros(max(hi - lo, 0), bool)
    masks = []
    for c in cols:
        m = grid.filled(c, lo, hi)
        masks.append(m)
        filled |= m
    used = np.flatnonzero(filled)
    n = int(used[-1]) + 1 if len(used) else 0  # rows header+1 .. header+n hold the data
    rownum = t.header_row + 1 + np.arange(n, dtype=np.int64)
    keep = np.ones(n, bool)
    exclusions: list[Exclusion] = []
    if t.last_row is not None and t.totals:
        own = (rownum > t.last_row) & (rownum <= t.last_row + t.totals)
        if own.any():
            label = grid.value(int(rownum[own][0]), t.left)
            exclusions.append(Exclusion(t.name, "total_row", tuple(int(r) for r in rownum[own]),
                                        "" if is_blank(label) else str(label)))
            keep &= ~own
    if n:
        seen = np.zeros(n, bool)
        labelled = np.zeros(n, bool)
        labels: dict[int, str] = {}
        for c, m in zip(cols, masks, strict=True):
            m = m[:n]
            first = m & ~seen
            seen |= m
            column = grid.body.columns.get(c)
            if column is not None and first.any():
                hit = first & _totals_in(column, lo, lo + n)
                for i in np.flatnonzero(hit):
                    labels[int(i)] = str(column.value(lo + int(i))).strip()
                labelled |= hit
        labelled &= keep
        if labelled.any():
            idx = np.flatnonzero(labelled)
            exclusions.append(Exclusion(t.name, "total_row", tuple(int(rownum[i]) for i in idx),
                                        " / ".join(dict.fromkeys(labels[int(i)]
                                                                 for i in idx))))
            keep &= ~labelled
    names, notes = _headers(grid, t, cols, t.name)
    index = lo + np.flatnonzero(keep)
    frame = pd.DataFrame({h: _series(grid, c, index) for h, c in zip(names, cols,
                                                                    strict=True)},
                         columns=names)
    frame.index = pd.RangeIndex(len(frame))
    kept_rows = rownum[keep]
    contiguous = not len(kept_rows) or kept_rows[-1] - kept_rows[0] + 1 == len(kept_rows)
    outside: list[OutsideRows] = []
    if t.last_row is not None and n:
        out = filled[:n] & keep & (rownum > t.last_row + t.totals)
        for c, m in zip(cols, masks, strict=True):
            if c > t.right:
                out |= m[:n] & keep
        if out.any():
            rows_out = rownum[out]
            outside.append(OutsideRows(t.name, int(rows_out[0]), int(rows_out[-1]),
                                       len(rows_out)))
    located = Located(t.name, t, frame, t.header_row,
                      None if contiguous else kept_rows, exclusions, outside, notes)
    return located, Rect(max(t.header_row, 1), t.left, t.header_row + n, right)


def _series(grid: Grid, col: int, index: np.ndarray) -> pd.Series:
    column = grid.body.columns.get(col)
    if column is None or not len(index):
        if column is not None:
            return column.series(index)
        return pd.Series([None] * len(index), dtype=object)
    inside = index[index < grid.body.height]
    s = column.series(inside)
    if len(inside) < len(index):  # pragma: no cover - rows beyond the body are blank
        s = pd.concat([s, pd.Series([None] * (len(index) - len(inside)), dtype=object)],
                      ignore_index=True)
    return s.reset_index(drop=True)


def _before_header(grid: Grid, first: Located, accounted: list[Rect]) -> tuple[
        list[Exclusion], list[Note]]:
    t = first.placement
    width = t.right - t.left + 1
    rows: dict[int, list[tuple[int, object]]] = {}
    for (r, c), v in grid.head.items():
        if r < t.header_row and not is_blank(v) and not any(a.contains(r, c) for a in accounted):
            rows.setdefault(r, []).append((c, v))
    notes: list[Note] = []
    excluded: list[int] = []
    texts: list[str] = []
    for r in sorted(rows):
        cells = sorted(rows[r])
        inside = [v for c, v in cells if t.left <= c <= t.right]
        if len(inside) >= max(3, -(-width * 3 // 5)) and any(not isinstance(v, str)
                                                             for v in inside):
            notes.append(Note(t.name, r, None, " | ".join(_header_text(v) for v in inside[:6]),
                              "read.data_above_header", "read.data_above_header_hint",
                              {"row": r, "header": t.header_row}))
            continue
        excluded.append(r)
        texts += [_header_text(v) for _, v in cells]
    exclusions = []
    if excluded:
        detail = " / ".join(texts[:3])
        exclusions.append(Exclusion(t.name, "before_header", tuple(excluded),
                                    detail[:80] + ("…" if len(detail) > 80 else "")))
    return exclusions, notes


def _stray(grid: Grid, regions: list[Rect], accounted: list[Rect], first_header: int,
           table: str, cap: int) -> tuple[list[Note], list[Exclusion]]:
    covered_rects = regions + accounted
    cells: list[tuple[int, int, object]] = []
    notes_beside: list[tuple[int, int, object]] = []
    count = 0
    for (r, c), v in sorted(grid.head.items()):
        if r >= first_header and not is_blank(v) and not any(
                x.contains(r, c) for x in covered_rects):
            if isinstance(v, str):  # a note in the header row, beside the table
                notes_beside.append((r, c, v))
                continue
            count += 1
            if len(cells) < cap:
                cells.append((r, c, v))
    top, height = grid.body.top, grid.body.height
    for c in sorted(grid.body.columns):
        filled = grid.filled(c, 0, height)
        if not filled.any():
            continue
        for x in covered_rects:
            if x.left <= c <= x.right:
                filled[max(x.top - top, 0):max(x.bottom - top + 1, 0)] = False
        hits = np.flatnonzero(filled)
        count += len(hits)
        for i in hits[:max(cap - len(cells), 0)]:
            cells.append((top + int(i), c, grid.value(top + int(i), c)))
    notes = [Note(table, r, column_letter(c), v, "read.stray_cell", "read.stray_cell_hint",
                  {"sheet": grid.sheet, "cell": f"{column_letter(c)}{r}"})
             for r, c, v in sorted(cells)]
    if count > len(cells):
        notes.append(Note(table, None, None, None, "read.stray_more", "read.stray_cell_hint",
                          {"sheet": grid.sheet, "count": count - len(cells)}))
    excluded = []
    if notes_beside:
        detail = " / ".join(f"{column_letter(c)}{r}: {v.strip()}"[:60]
                            for r, c, v in notes_beside[:3])
        excluded.append(Exclusion(table, "note", tuple(sorted({r for r, _, _ in notes_beside})),
                                  detail))
    return notes, excluded


def locate(grid: Grid, placements: list[Placement], accounted: list[Rect],
           *, cap: int = 50) -> list[Located]:
    """Every table of ``placements`` on this sheet, with its exclusions, the rows read outside
    its range and the located problems of the sheet (attached to its first table)."""
    order = sorted(placements, key=lambda t: (t.header_row, t.left))
    found: list[Located] = []
    regions: list[Rect] = []
    for i, t in enumerate(order):
        heads = [Rect(max(o.header_row, 1), o.left, max(o.header_row, 1), o.right)
                 for j, o in enumerate(order) if j != i]
        loc, region = _place(grid, t, accounted + regions + heads)
        found.append(loc)
        regions.append(region)
    if found:
        exclusions, notes = _before_header(grid, found[0], accounted)
        found[0].exclusions[:0] = exclusions
        found[0].notes += notes
        stray, noted = _stray(grid, regions, accounted, order[0].header_row, order[0].name, cap)
        found[0].notes += stray
        found[0].exclusions += noted
    return found
