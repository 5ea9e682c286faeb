"""Reading the kpi_xl tables of an .xlsx/.xlsm workbook file (fastexcel → Arrow).

Per input sheet (see :mod:`kpi_xl.read.plan` for which sheets those are): the package is
checked (:mod:`kpi_xl.read.package`), the sheet part is streamed through the byte check
(:mod:`kpi_xl.read.xmlscan`), its first rows are read with lxml (:mod:`kpi_xl.read.sheetxml`),
the rows below the first header are read by fastexcel (:mod:`kpi_xl.read.fastload`) — or,
when its filled cells span more than ``Limits.max_sheet_cells``, from a bounded copy holding
only the tables' columns — and every filled cell is accounted for (:mod:`kpi_xl.read.region`).

Only .xlsx/.xlsm (and their template forms) are read: their size, ratio and range bounds can be
checked before reading. An .xls, .xlsb or .ods file gets a message saying how to save it as
.xlsx.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
from lxml import etree

from ..errors import InputError
from ..i18n import text
from ..progress import SILENT, Progress
from .fastload import Body, load_body
from .limits import DEFAULT_LIMITS, Limits
from .locale import guess_locale, locale_of_texts
from .notes import Note, column_letter
from .package import Package, check_regular_file, what_is
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
from .region import Grid, Located, Placement, locate
from .sheetxml import SharedStrings, bounded_copy, read_head
from .xmlscan import CellBounds

__all__ = ["OTHER_SPREADSHEETS", "WORKBOOK_SUFFIXES", "empty_located", "finish", "read_workbook",
           "stray_notes"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
# Text fastexcel takes for "no value" when it guesses a column's type: a sheet whose shared
# strings hold one of them is read with fastexcel's per-cell report (see fastload).
FASTEXCEL_NULL_WORDS = ("#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
                        "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a",
                        "nan", "null")
OTHER_SPREADSHEETS = (".xls", ".xlsb", ".ods", ".numbers")


def _bounded_reader(pkg: Package, sheet: SheetInfo, sst: SharedStrings, keep, quiet,
                    tmp: str, limits: Limits) -> tuple[object, list[tuple[int, int, object]],
                                                       int]:
    import fastexcel

    out = Path(tmp) / "bounded.xlsx"
    member = pkg.member(sheet.part or "")
    dropped: list[tuple[int, int, object]] = []
    count = area = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for info in pkg.zip.infolist():
            with z.open(info.filename, "w") as dst, pkg.zip.open(info) as src:
                if info.filename == member:
                    dropped, count, area = bounded_copy(src, sst, keep, quiet, dst,
                                                        limits.max_reported_cells)
                else:
                    shutil.copyfileobj(src, dst, 1 << 20)
    if area > limits.max_sheet_cells:
        raise pkg.error("read.sheet_too_large", sheet=sheet.name, cells=area,
                        limit=limits.max_sheet_cells)
    return fastexcel.read_excel(str(out)), dropped, count


@contextlib.contextmanager
def _xml_errors(pkg: Package, part: str) -> Iterator[None]:
    """lxml's complaints about a sheet part, as a message naming the file and the part."""
    try:
        yield
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc.msg).lower():
            raise pkg.error("read.part_depth", part=part, limit=256) from None
        raise pkg.error("read.part_damaged", part=part, detail=exc.msg) from None


def _body(pkg: Package, reader: object, sheet: SheetInfo, first: int, eager: bool = False
          ) -> Body:
    import fastexcel

    try:
        return load_body(reader, sheet.name, first if first >= 1 else None, eager=eager)
    except fastexcel.FastExcelError as exc:
        lines = str(exc).strip().splitlines()
        raise pkg.error("read.part_damaged", part=sheet.part,
                        detail=lines[0] if lines else type(exc).__name__) from None


def stray_notes(name: str, sheet: str, dropped: list[tuple[int, int, object]],
                 count: int) -> list[Note]:
    notes = [Note(name, r, column_letter(c), v, "read.stray_cell", "read.stray_cell_hint",
                  {"sheet": sheet, "cell": f"{column_letter(c)}{r}"}) for r, c, v in dropped]
    if count > len(dropped):
        notes.append(Note(name, None, None, None, "read.stray_more", "read.stray_cell_hint",
                          {"sheet": sheet, "count": count - len(dropped)}))
    return notes


def empty_located(tables: list[tuple[str, TableInfo | None]], label: str) -> list[Located]:
    return [Located(n, Placement(n, label, 1, 1, 1), pd.DataFrame(), 1, None)
            for n, _ in tables]


def _read_sheet(pkg: Package, reader: object, sheet: SheetInfo,
                tables: list[tuple[str, TableInfo | None]], sst: SharedStrings,
                limits: Limits, bounds: CellBounds, quiet_strings: bool) -> list[Located]:
    part = sheet.part or ""
    with _xml_errors(pkg, part), pkg.open(part) as stream:
        head = read_head(stream, sst, header_rows_needed(tables))
    found = [placement(n, t) if t is not None else detect_header(n, head, sheet.name)
             for n, t in tables]
    placements = [p for p in found if p is not None]
    if not placements:
        return empty_located(tables, sheet.name)
    others = accounted(sheet, {t.name for _, t in tables if t is not None})
    first = min(p.header_row for p in placements)
    head = {k: v for k, v in head.items() if k[0] <= first}
    cap = limits.max_reported_cells
    if (bounds.exact and bounds.area() <= limits.max_sheet_cells
            and bounds.bottom <= limits.max_rows and bounds.right <= limits.max_columns):
        eager = quiet_strings and bounds.unusual == 0
        body = _body(pkg, reader, sheet, first, eager)
        return locate(Grid(sheet.name, head, body), placements, others, cap=cap)
    # Filled cells far apart: read the tables' columns from a bounded copy of the sheet.
    spans = []
    for p in placements:
        right = p.right
        while head.get((p.header_row, right + 1)) not in (None, ""):
            right += 1
        spans.append((p.left, right))

    def keep(r: int, c: int) -> bool:
        return r <= limits.max_rows and any(lo <= c <= hi for lo, hi in spans)

    def quiet(r: int, c: int) -> bool:
        return any(a.contains(r, c) for a in others)

    with tempfile.TemporaryDirectory(prefix="kpi_xl-read-") as tmp, _xml_errors(pkg, part):
        bounded, dropped, count = _bounded_reader(pkg, sheet, sst, keep, quiet, tmp, limits)
        body = _body(pkg, bounded, sheet, first)
    located = locate(Grid(sheet.name, head, body), placements, others, cap=cap)
    located[0].notes += stray_notes(located[0].name, sheet.name, dropped, count)
    return located


def finish(found: list[tuple[Located, str, str | None]], twice: list[Note], file: str,
           locale: str | None) -> dict[str, RawTable]:
    """RawTables from located tables, with origins and problems in the book's language."""
    raws = {lo.name: RawTable(lo.name, lo.frame, "", lo.header_row, sheet, lo.rows,
                              lo.exclusions, lo.outside)
            for lo, sheet, _ in found}
    final = locale or guess_locale(raws, file)
    for lo, sheet, table in found:
        raw = raws[lo.name]
        key = "read.origin_table" if table else "read.origin_sheet"
        raw.origin = text(key, final, file=file, sheet=sheet, table=table)
        raw.problems = [n.problem(final, sheet) for n in lo.notes]
    for n in twice:
        target = raws.get(n.table) or next(iter(raws.values()), None)
        if target is not None:
            target.problems.append(n.problem(final))
    return raws


def read_workbook(path: str | Path, *, limits: Limits = DEFAULT_LIMITS,
                  locale: str | None = None, progress: Progress = SILENT
                  ) -> dict[str, RawTable]:
    """Every kpi_xl input table of an .xlsx/.xlsm workbook (see the module doc)."""
    p = Path(path)
    loc = locale or locale_of_texts([p.name])
    check_regular_file(p, limits.max_file_bytes, loc)
    if p.suffix.lower() in OTHER_SPREADSHEETS:
        raise InputError(text("read.convert_to_xlsx", loc, file=p.name, kind=p.suffix.lower()))
    kind = what_is(p)
    if kind != "zip":
        raise InputError(text(f"read.looks_{kind}", loc, file=p.name))
    with Package(p, limits, loc) as pkg:
        loc = locale or locale_of_texts([p.name, *(s.name for s in pkg.sheets)])
        pkg.locale = loc
        for sheet in pkg.sheets:
            pkg.load_tables(sheet)
        plan, twice = plan_tables([s for s in pkg.sheets if s.part is not None])
        if not plan:
            raise pkg.error("read.no_tables", expected=table_names_text(loc),
                            sheets=", ".join(f"'{s.name}'" for s in pkg.sheets))
        for part in (pkg.shared_strings, pkg.styles):
            if part and pkg.member(part):
                pkg.scan(part, cells=False)
        for sheet in pkg.sheets:
            if sheet.name in plan and pkg.member(sheet.part or "") is None:
                raise pkg.error("read.sheet_part_missing", sheet=sheet.name,
                                part=sheet.part or "?")
        reader = _open_reader(pkg, p)
        sst_part = pkg.shared_strings if pkg.shared_strings and pkg.member(
            pkg.shared_strings) else None
        sst = SharedStrings((lambda: pkg.open(sst_part)) if sst_part else None)
        quiet = not sst.holds_any(FASTEXCEL_NULL_WORDS)
        inputs = [s for s in pkg.sheets if plan.get(s.name)]
        found: list[tuple[Located, str, str | None]] = []
        # The byte check of sheet k+1 runs while fastexcel reads sheet k (both release the
        # GIL); sheets are read one at a time so that one sheet's cells are held at once.
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpi_xl-scan")
        scans = [pool.submit(pkg.scan, s.part or "", cells=True) for s in inputs]
        try:
            for sheet, scan in zip(inputs, scans, strict=True):
                tables = plan[sheet.name]
                bounds = scan.result().bounds
                assert bounds is not None
                names = dict(tables)
                for lo in _read_sheet(pkg, reader, sheet, tables, sst, limits, bounds, quiet):
                    t = names.get(lo.name)
                    found.append((lo, sheet.name, t.name if t is not None else None))
                    # a sheet holding two tables (設定 + 表記ゆれ) names each by its Excel table
                    label = (sheet.name if len(tables) == 1 or t is None
                             else f"{sheet.name} ({t.name})")
                    progress.table(label, len(lo.frame))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            sst.close()
    return finish(found, twice, p.name, locale)


def _open_reader(pkg: Package, path: Path) -> object:
    import fastexcel

    try:
        return fastexcel.read_excel(str(path))
    except fastexcel.FastExcelError as exc:
        lines = str(exc).strip().splitlines()
        raise pkg.error("read.part_damaged", part=pkg.workbook,
                        detail=lines[0] if lines else type(exc).__name__) from None
