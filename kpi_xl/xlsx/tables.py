"""Excel tables of an existing workbook, filled through the package layer (``kpi-xl import``).

:class:`BookEditor` opens the user's package once, finds tables by name (``tblOpportunities``)
and lets the caller read and write their cells (:class:`EditableTable`); :meth:`BookEditor.save`
writes only the worksheet parts, table parts and stylesheet it changed — every other part of
the package, shapes, form controls, the VBA project and unknown parts included, is copied byte
for byte, exactly as a refresh does. A table's ``ref`` and its ``autoFilter`` follow its rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from .atomic import atomic_output, check_input_file
from .package import Package, write_package
from .relationships import RT, RT_CALC_CHAIN, RT_SHARED_STRINGS, RT_STYLES, rels_path
from .sheetcells import SheetCells
from .styles import StylesPart
from .text import TextChanges, change_notices
from .workbook import WorkbookPart
from .worksheet import shared_strings
from .xmltree import local_name, serialize

__all__ = ["BookEditor", "EditableTable"]

_RT_TABLE = RT + "table"


def _ref(ref: str) -> tuple[int, int, int, int]:
    first, _, last = ref.replace("$", "").partition(":")
    r0, c0 = xl_cell_to_rowcol(first)
    r1, c1 = xl_cell_to_rowcol(last or first)
    return r0, c0, r1, c1


@dataclass
class EditableTable:
    """One Excel table: its part, range (0-based, header row included) and column names."""

    name: str
    sheet_name: str
    sheet_part: str
    part: str
    root: etree._Element
    cells: SheetCells | None
    headers: list[str] = field(default_factory=list)

    @property
    def bounds(self) -> tuple[int, int, int, int]:
        """(header row, first column, last row, last column), 0-based."""
        return _ref(self.root.get("ref", "A1"))

    def resize(self, last_row: int) -> None:
        """Make the table end at 0-based ``last_row`` (its filter follows)."""
        r0, c0, _, c1 = self.bounds
        ref = f"{xl_rowcol_to_cell(r0, c0)}:{xl_rowcol_to_cell(max(last_row, r0 + 1), c1)}"
        self.root.set("ref", ref)
        for el in self.root:
            if local_name(el.tag) == "autoFilter":
                el.set("ref", ref)


class BookEditor:
    """An existing workbook whose tables are being filled; :meth:`save` writes it."""

    def __init__(self, path: Path, *, locale: str = "en") -> None:
        check_input_file(path, locale)
        self.path = path
        self.locale = locale
        self.pkg = Package(path, locale=locale)
        try:
            self.wb_part = self.pkg.main_part()
            self.workbook = WorkbookPart(self.pkg.xml(self.wb_part))
            pr = self.workbook.child("workbookPr")
            self.date1904 = pr is not None and pr.get("date1904", "0") in ("1", "true")
            rels = self.pkg.rels(self.wb_part)
            sst = next((t for r, t in rels.internal() if r.type == RT_SHARED_STRINGS
                        and self.pkg.has(t)), None)
            self.strings = shared_strings(self.pkg.xml(sst)) if sst else []
            self.styles_part = next((self.pkg.name(t) for r, t in rels.internal()
                                     if r.type == RT_STYLES and self.pkg.has(t)), None)
            if self.styles_part is None:
                raise self.pkg.error("package.no_styles")
            self.styles = StylesPart(self.pkg.xml(self.styles_part))
            self.sheets: dict[str, SheetCells] = {}
            self.changes = TextChanges()
            self.tables: dict[str, EditableTable] = {}
            self._index_tables()
        except BaseException:
            self.pkg.close()
            raise

    def _index_tables(self) -> None:
        rels = self.pkg.rels(self.wb_part)
        for sheet in self.workbook.sheets():
            rel = rels.get(sheet.rid)
            if rel is None or rel.external:
                continue
            part = self.pkg.name(rels.target_part(rel))
            if not self.pkg.has(part):
                continue
            for trel, target in self.pkg.rels(part).internal():
                if trel.type != _RT_TABLE or not self.pkg.has(target):
                    continue
                root = self.pkg.xml(target)
                name = root.get("name") or root.get("displayName") or ""
                cols = root.find(f"{{{etree.QName(root).namespace}}}tableColumns")
                headers = [c.get("name", "") for c in cols] if cols is not None else []
                self.tables[name.lower()] = EditableTable(
                    name, sheet.name, part, self.pkg.name(target), root, None, headers)

    def close(self) -> None:
        self.pkg.close()

    def __enter__(self) -> BookEditor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def table(self, name: str) -> EditableTable | None:
        """The table called ``name`` (ignoring case), its sheet's cells loaded; or None."""
        t = self.tables.get(name.lower())
        if t is None:
            return None
        if t.cells is None:
            if t.sheet_part not in self.sheets:
                self.sheets[t.sheet_part] = SheetCells(self.pkg.xml(t.sheet_part),
                                                       self.strings, self.date1904,
                                                       self.changes)
            t.cells = self.sheets[t.sheet_part]
        return t

    def save(self, dest: Path, *, notices: list[str] | None = None) -> Path:
        """Write the edited book to ``dest`` atomically."""
        changed: dict[str, bytes] = {}
        removed: set[str] = set()
        formulas_gone = False
        for part, cells in self.sheets.items():
            cells.update_dimension()
            formulas_gone |= cells.removed_formula
            changed[part] = serialize(cells.root)
        for t in self.tables.values():
            if t.cells is not None:
                changed[t.part] = serialize(t.root)
        changed[self.styles_part] = self.styles.to_bytes()
        if formulas_gone:  # Excel rebuilds the calculation chain
            rels = self.pkg.rels(self.wb_part)
            for rel, target in rels.internal():
                if rel.type == RT_CALC_CHAIN:
                    rels.remove(rel.id)
                    if self.pkg.has(target):
                        removed.add(self.pkg.name(target))
                        self.pkg.content_types.remove(target)
            changed[rels_path(self.wb_part)] = rels.to_bytes()
            changed["[Content_Types].xml"] = self.pkg.content_types.to_bytes()
        with atomic_output(dest, locale=self.locale, notices=notices) as fh:
            write_package(self.pkg, fh, changed=changed, removed=removed)
        if notices is not None:
            notices.extend(change_notices(self.changes, self.locale))
        return dest

    # ------------------------------------------------------------------ formats
    def style_variant(self, base: int | None, *, number_format: str | None = None,
                      quote_prefix: bool = False, bold_color: str | None = None) -> int:
        """A cell format like ``base`` with another number format, the quote prefix, or a
        bold coloured font (cached: the same request gives the same index)."""
        idx = base or 0
        if number_format is not None:
            idx = self.styles.xf_with_numfmt(idx, number_format)
        if bold_color is not None:
            idx = self.styles.xf_with_font(idx, bold=True, color=bold_color)
        if quote_prefix:
            idx = self.styles.xf_with_attrs(idx, quotePrefix="1")
        return idx
