"""Cells of an existing worksheet part, read and written as XML (``kpi-xl import``).

:class:`SheetCells` indexes ``<sheetData>`` by row and column and edits cells in place: a value
written replaces the cell's content (formula, value, inline or shared string) and keeps its
format unless another is given; a cleared cell keeps its format (templates pre-format their
rows). Text is always an inline string (``t="inlineStr"``) — never a formula, whatever it
starts with — so ``sharedStrings.xml`` is left as it is. Everything else in the part (sheet
views, data validation, conditional formats, drawings, ``extLst``…) is untouched.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from typing import Any

from lxml import etree
from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from .text import TextChanges, escape_excel
from .xmltree import qn

__all__ = ["SheetCells", "excel_serial"]

_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


def excel_serial(value: dt.datetime, date1904: bool = False) -> float:
    """The Excel serial number of ``value`` (days since the workbook's epoch)."""
    delta = value - (_EPOCH_1904 if date1904 else _EPOCH_1900)
    serial = delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
    return float(serial)


class SheetCells:
    """The cells of one worksheet tree (edited in place)."""

    def __init__(self, root: etree._Element, strings: list[str],
                 date1904: bool = False, changes: TextChanges | None = None) -> None:
        self.root = root
        self.changes = changes if changes is not None else TextChanges()
        self.ns = etree.QName(root).namespace or ""
        self.strings = strings
        self.date1904 = date1904
        data = root.find(self._q("sheetData"))
        if data is None:
            data = etree.SubElement(root, self._q("sheetData"))
        self.data = data
        self.rows: dict[int, etree._Element] = {}
        self.row_order: list[int] = []  # sorted row numbers
        self.cells: dict[tuple[int, int], etree._Element] = {}
        self.row_cols: dict[int, list[int]] = {}  # sorted columns of each row
        self.removed_formula = False
        r = 0
        for row in data:
            if etree.QName(row).localname != "row":
                continue
            r = int(row.get("r")) - 1 if row.get("r") else r
            row.set("r", str(r + 1))
            self.rows[r] = row
            cols = self.row_cols.setdefault(r, [])
            c = -1
            for cell in row:
                if etree.QName(cell).localname != "c":
                    continue
                c = xl_cell_to_rowcol(cell.get("r"))[1] if cell.get("r") else c + 1
                cell.set("r", xl_rowcol_to_cell(r, c))
                self.cells[(r, c)] = cell
                cols.append(c)
            cols.sort()
            r += 1
        self.row_order = sorted(self.rows)

    def _q(self, local: str) -> str:
        return qn(self.ns, local) if self.ns else local

    # ------------------------------------------------------------------ reading
    def value(self, row: int, col: int) -> Any:
        """The value of the cell at 0-based (row, col): str, float, bool or None."""
        cell = self.cells.get((row, col))
        if cell is None:
            return None
        t = cell.get("t", "n")
        if t == "inlineStr":
            is_ = cell.find(self._q("is"))
            return "".join(x.text or "" for x in is_.iter(self._q("t"))) if is_ is not None \
                else ""
        v = cell.find(self._q("v"))
        if v is None or v.text is None:
            return None
        if t == "s":
            try:
                return self.strings[int(v.text)]
            except (ValueError, IndexError):
                return None
        if t == "b":
            return v.text.strip() in ("1", "true")
        if t in ("str", "e"):
            return v.text
        try:
            return float(v.text)
        except ValueError:
            return v.text

    def style(self, row: int, col: int) -> int | None:
        cell = self.cells.get((row, col))
        if cell is None or cell.get("s") is None:
            return None
        return int(cell.get("s"))

    def last_row(self) -> int:
        return self.row_order[-1] if self.row_order else -1

    # ------------------------------------------------------------------ writing
    def _row(self, row: int) -> etree._Element:
        el = self.rows.get(row)
        if el is not None:
            return el
        el = etree.Element(self._q("row"))
        el.set("r", str(row + 1))
        at = bisect.bisect_right(self.row_order, row)
        if at < len(self.row_order):
            self.rows[self.row_order[at]].addprevious(el)
        else:
            self.data.append(el)
        self.row_order.insert(at, row)
        self.rows[row] = el
        self.row_cols[row] = []
        return el

    def _cell(self, row: int, col: int) -> etree._Element:
        el = self.cells.get((row, col))
        if el is not None:
            return el
        parent = self._row(row)
        parent.attrib.pop("spans", None)
        el = etree.Element(self._q("c"))
        el.set("r", xl_rowcol_to_cell(row, col))
        cols = self.row_cols[row]
        at = bisect.bisect_right(cols, col)
        ext = parent.find(self._q("extLst"))
        if at < len(cols):
            self.cells[(row, cols[at])].addprevious(el)
        elif ext is not None:
            ext.addprevious(el)
        else:
            parent.append(el)
        cols.insert(at, col)
        self.cells[(row, col)] = el
        return el

    def _empty(self, cell: etree._Element) -> None:
        for child in list(cell):
            if etree.QName(child).localname == "f":
                self.removed_formula = True
            cell.remove(child)
        cell.attrib.pop("t", None)

    def clear(self, row: int, col: int) -> None:
        """Remove the value of a cell (its format stays)."""
        cell = self.cells.get((row, col))
        if cell is not None:
            self._empty(cell)

    def set(self, row: int, col: int, value: Any, style: int | None = None) -> None:
        """Write ``value`` (str, int/float, bool, datetime, None) at 0-based (row, col)."""
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            self.clear(row, col)
            if style is not None and (row, col) in self.cells:
                self.cells[(row, col)].set("s", str(style))
            return
        cell = self._cell(row, col)
        self._empty(cell)
        if style is not None:
            cell.set("s", str(style))
        if isinstance(value, bool):
            cell.set("t", "b")
            etree.SubElement(cell, self._q("v")).text = "1" if value else "0"
        elif isinstance(value, dt.datetime):
            etree.SubElement(cell, self._q("v")).text = repr(excel_serial(value, self.date1904))
        elif isinstance(value, (int, float)):
            etree.SubElement(cell, self._q("v")).text = repr(value) \
                if isinstance(value, float) else str(value)
        else:
            text = self.changes.clean(str(value))
            cell.set("t", "inlineStr")
            t = etree.SubElement(etree.SubElement(cell, self._q("is")), self._q("t"))
            t.text = escape_excel(text)
            if text != text.strip() or "\n" in text:
                t.set(_XML_SPACE, "preserve")

    def update_dimension(self) -> None:
        """Make ``<dimension>`` cover every cell."""
        dim = self.root.find(self._q("dimension"))
        if dim is None or not self.cells:
            return
        rows = [r for r, _ in self.cells]
        cols = [c for _, c in self.cells]
        first = xl_rowcol_to_cell(min(rows), min(cols))
        last = xl_rowcol_to_cell(max(rows), max(cols))
        dim.set("ref", first if first == last else f"{first}:{last}")
