"""Write a :class:`~kpi_xl.report.model.Report` into an openpyxl workbook (the file target).

:func:`render_into` replaces the sheets a previous run generated (each carries the sheet-scoped
defined name :data:`~kpi_xl.report.naming.GENERATED_NAME`) and leaves every other sheet as it
is. Positions come from the model; nothing is re-laid out here.

Security: text from the data is always stored as a string cell — a value such as
``=cmd|' /C calc'!A0`` never becomes a formula (openpyxl would otherwise store any str starting
with ``=`` as one); such cells also get Excel's quote prefix so editing them keeps them text.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ..progress import SILENT, Progress
from ..xlsx.text import TextChanges
from .cells import (
    NO_DATA,
    cell_value,
    empty_label,
    looks_like_formula,
    right_aligned,
    scale_columns,
    sheet_widths,
    traffic_formulas,
)
from .model import FILLS, ROW_POINTS, Report, Sheet, Table, Text
from .naming import GENERATED_NAME, sheet_name
from .openpyxl_charts import write_chart
from .pages import page_sections, paginate

__all__ = ["NO_DATA", "generated_kind", "generated_sheets", "render_into", "render_package",
           "sheet_values"]

# Styles
_TITLE = Font(size=16, bold=True)
_SUBTITLE = Font(size=11, color="FF808080")
_NOTE = Font(size=9, color="FF808080")
_BOLD = Font(bold=True)
_HEADER_FONT = Font(bold=True, color="FFFFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="FF1F3864")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
_RIGHT = Alignment(horizontal="right")
_THIN = Side(style="thin", color="FFBFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_RED = PatternFill("solid", fgColor="FFF8CBAD", bgColor="FFF8CBAD")
_AMBER = PatternFill("solid", fgColor="FFFFE699", bgColor="FFFFE699")
_GREEN = PatternFill("solid", fgColor="FFC6EFCE", bgColor="FFC6EFCE")
_HEADING = Font(bold=True)
_TEXT_STYLES = {"title": _TITLE, "subtitle": _SUBTITLE, "heading": _HEADING, "note": _NOTE}
_LEGEND_FONT = Font(size=9)


def _fill(key: str) -> PatternFill:
    rgb = "FF" + FILLS[key].lstrip("#")
    return PatternFill("solid", fgColor=rgb, bgColor=rgb)


# --------------------------------------------------------------------------- generated sheets


def generated_kind(ws: Worksheet) -> str | None:
    """The kind a kpi_xl-generated sheet was written as (``'rep'``…), None for a user sheet."""
    defn = ws.defined_names.get(GENERATED_NAME)
    if defn is None:
        return None
    return (defn.attr_text or "").strip().strip('"')


def generated_sheets(wb: openpyxl.Workbook) -> list[str]:
    """Titles of the sheets of ``wb`` that kpi_xl generated, in workbook order."""
    return [ws.title for ws in wb.worksheets if generated_kind(ws) is not None]


def render_into(wb: openpyxl.Workbook, report: Report, *,
                progress: Progress = SILENT) -> list[str]:
    """Replace the generated sheets of ``wb`` with the sheets of ``report``; return their names.

    Generated sheets (those carrying the sheet-scoped name ``GENERATED_NAME``) are deleted,
    then the report's sheets are inserted, in order, right after the first remaining sheet
    (the how-to sheet) — at the start when at most one sheet remains. A report sheet whose name
    clashes (ignoring case) with a user's sheet gets ``"name (2)"`` etc. The first generated
    sheet becomes the active one. Other sheets keep their content and order.
    ``progress.step(i, n, name)`` is called before each sheet.
    """
    for ws in list(wb.worksheets):
        if generated_kind(ws) is not None:
            wb.remove(ws)

    remaining = list(wb.sheetnames)
    position = 1 if len(remaining) > 1 else 0
    taken = list(remaining)
    written: list[str] = []
    for i, sheet in enumerate(report.sheets):
        progress.step(i + 1, len(report.sheets), sheet.name)
        title = sheet_name(sheet.name, taken)
        taken.append(title)
        ws = wb.create_sheet(title, position + i)
        _render_sheet(ws, sheet, report)
        ws.defined_names[GENERATED_NAME] = DefinedName(
            GENERATED_NAME, attr_text=_quoted(sheet.kind))
        written.append(title)

    for ws in wb.worksheets + wb.chartsheets:
        ws.sheet_view.tabSelected = False  # never leave several tabs grouped
    if written:
        wb.active = wb[written[0]]
        wb[written[0]].sheet_view.tabSelected = True
    elif wb.sheetnames:
        wb.active = 0
        wb.active.sheet_view.tabSelected = True
    return written


def render_package(report: Report, names: list[str],
                   changes: TextChanges | None = None) -> bytes:
    """The report's sheets, named ``names``, as the bytes of an ``.xlsx`` (the openpyxl twin
    of :func:`kpi_xl.report.render_xlsxwriter.render_package`, kept to compare them)."""
    wb = openpyxl.Workbook()
    for i, (sheet, name) in enumerate(zip(report.sheets, names, strict=True)):
        ws = wb.active if i == 0 else wb.create_sheet(name)
        ws.title = name  # the first sheet is the new book's own ("Sheet")
        _render_sheet(ws, sheet, report, changes)
        ws.defined_names[GENERATED_NAME] = DefinedName(
            GENERATED_NAME, attr_text=_quoted(sheet.kind))
    wb.active = 0
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _quoted(text: str) -> str:
    return '"' + str(text).replace('"', '""') + '"'


# --------------------------------------------------------------------------- one sheet


def _render_sheet(ws: Worksheet, sheet: Sheet, report: Report,
                  changes: TextChanges | None = None) -> None:
    widths = sheet_widths(sheet)
    ws.sheet_format.defaultRowHeight = ROW_POINTS
    ws.sheet_format.customHeight = True
    for row, height in sheet.row_points().items():
        ws.row_dimensions[row + 1].height = height
    for text in sheet.texts:
        _write_text(ws, text, changes)
    for legend in sheet.legends:
        title = _put(ws, legend.row, legend.col, legend.title, changes)
        title.font = _NOTE
        for j, (fill, label) in enumerate(legend.items):
            cell = _put(ws, legend.row, legend.col + 1 + j, label, changes)
            cell.fill, cell.border, cell.font = _fill(fill), _BORDER, _LEGEND_FONT
    for table in sheet.tables:
        _write_table(ws, table, report, changes)
    for chart in sheet.charts:
        write_chart(ws, sheet, chart, report)
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col + 1)].width = round(width, 1)

    ws.sheet_view.zoomScale = 90
    ws.print_options.gridLines = False
    _page_setup(ws, sheet, changes)


def _page_setup(ws: Worksheet, sheet: Sheet, changes: TextChanges | None) -> None:
    p = sheet.page if sheet.page.area is not None else paginate(sheet)
    assert p.area is not None
    ws.page_setup.orientation = "landscape" if p.landscape else "portrait"
    ws.page_setup.paperSize = p.paper
    ws.page_setup.scale = p.scale
    left, right, top, bottom = p.margins
    ws.page_margins = PageMargins(left=left, right=right, top=top, bottom=bottom,
                                  header=p.header_margin, footer=p.header_margin)

    def clean(text: str) -> str:
        return changes.clean(text) if changes is not None else text

    for code, item in ((p.header, ws.oddHeader), (p.footer, ws.oddFooter)):
        parts = page_sections(clean(code)) if code else {}
        for key, part in (("L", item.left), ("C", item.center), ("R", item.right)):
            if key in parts:
                part.text = parts[key]
    if p.title_rows:
        ws.print_title_rows = f"1:{p.title_rows}"
    for row in p.breaks:
        ws.row_breaks.append(Break(id=row))
    ws.print_area = f"A1:{get_column_letter(p.area[1] + 1)}{p.area[0] + 1}"


def _write_text(ws: Worksheet, text: Text, changes: TextChanges | None) -> None:
    font = _TEXT_STYLES.get(text.style, _NOTE)
    for i, line in enumerate(text.lines):
        cell = _put(ws, text.row + i, text.col, line, changes)
        cell.font = font


def _write_table(ws: Worksheet, table: Table, report: Report,
                 changes: TextChanges | None = None) -> None:
    title = _put(ws, table.row, table.col, table.title, changes)
    title.font = _BOLD
    formats = [c.number_format(report.currency) for c in table.columns]
    for j, column in enumerate(table.columns):
        cell = _put(ws, table.header_row, table.col + j, column.header, changes)
        cell.font, cell.fill, cell.alignment, cell.border = (
            _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN, _BORDER)

    for i, values in enumerate(table.rows):
        r = table.first_data_row + i
        for j in range(len(table.columns)):
            value = values[j] if j < len(values) else None
            cell = _put(ws, r, table.col + j, value, changes)
            cell.border = _BORDER
            cell.number_format = (table.cell_format(i, j, report.currency)
                                  if table.columns[j].fmt == "auto" else formats[j])
            if right_aligned(table, j, values):
                cell.alignment = _RIGHT
    if not table.rows:
        r = table.first_data_row
        label = empty_label(table, report.locale)
        for j in range(len(table.columns)):
            cell = _put(ws, r, table.col + j, label if j == 0 else None)
            cell.border = _BORDER
            if j == 0:
                cell.font = _NOTE
    for i, line in enumerate(table.note_lines):
        note = _put(ws, table.first_data_row + max(len(table.rows), 1) + i, table.col, line,
                    changes)
        note.font = _NOTE

    for cond in table.conditional:
        _write_conditional(ws, table, cond)


def _data_range(table: Table, col: int) -> str:
    letter = get_column_letter(col + 1)
    first = table.first_data_row + 1
    last = table.first_data_row + len(table.rows)
    return f"{letter}{first}:{letter}{last}"


def _write_conditional(ws: Worksheet, table: Table, cond: Any) -> None:
    if not table.rows:
        return
    if cond.kind == "traffic" and cond.by:
        col = table.column_index(cond.column)
        rng = _data_range(table, col)
        ref = f"${get_column_letter(table.column_index(cond.by) + 1)}{table.first_data_row + 1}"
        fills = {"green": _GREEN, "amber": _AMBER, "red": _RED}
        for formula, colour in traffic_formulas(ref, cond.low, cond.high):
            ws.conditional_formatting.add(rng, FormulaRule(formula=[formula.lstrip("=")],
                                                           fill=fills[colour]))
    elif cond.kind == "traffic":
        col = table.column_index(cond.column)
        rng = _data_range(table, col)
        first = rng.split(":")[0]
        # blank cells (undefined rates) stay unformatted rather than red
        ws.conditional_formatting.add(
            rng, FormulaRule(formula=[f"ISBLANK({first})"], stopIfTrue=True))
        ws.conditional_formatting.add(rng, CellIsRule(
            operator="greaterThanOrEqual", formula=[_num(cond.high)], fill=_GREEN))
        ws.conditional_formatting.add(rng, CellIsRule(
            operator="between", formula=[_num(cond.low), _num(cond.high)], fill=_AMBER))
        ws.conditional_formatting.add(rng, CellIsRule(
            operator="lessThan", formula=[_num(cond.low)], fill=_RED))
    elif cond.kind == "scale":
        cols = scale_columns(table, cond)
        if not cols:
            return
        sqref = " ".join(_data_range(table, c) for c in cols)
        ws.conditional_formatting.add(sqref, ColorScaleRule(
            start_type="min", start_color="FFF8696B",
            mid_type="percentile", mid_value=50, mid_color="FFFFEB84",
            end_type="max", end_color="FF63BE7B"))
    else:
        raise ValueError(f"unknown conditional format kind {cond.kind!r}")


def _num(x: float) -> str:
    return repr(float(x)) if not float(x).is_integer() else str(int(x))


# --------------------------------------------------------------------------- cells


def _put(ws: Worksheet, row: int, col: int, value: Any, changes: TextChanges | None = None):
    """Write ``value`` at 0-based (row, col); strings always stay strings."""
    cell = ws.cell(row=row + 1, column=col + 1)
    value = cell_value(value, changes)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # '=…' would otherwise be stored as a formula
        if looks_like_formula(value):
            cell.quotePrefix = True
    return cell


def sheet_values(ws: Worksheet) -> list[tuple[Any, ...]]:
    """All values of ``ws`` row by row (a helper for tests and comparisons)."""
    return [tuple(row) for row in ws.iter_rows(values_only=True)]

