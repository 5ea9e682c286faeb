"""Write a :class:`~kpi_xl.report.model.Report` into an open workbook through xlwings (live Excel).

:func:`render_book` is the live-Excel twin of :func:`kpi_xl.report.render_openpyxl.render_into`:
the same sheets, in the same place, with the same cell values, number formats, column widths,
header styling, traffic lights and charts. It uses only xlwings' documented object model
(``Book``/``Sheets``/``Sheet``/``Range``/``Font``/``Charts``/``Chart``/``Names``, never ``.api``)
so the same code runs on Windows and macOS desktop Excel.

Rules shared with the file renderer:

- generated sheets carry the sheet-scoped defined name
  :data:`~kpi_xl.report.naming.GENERATED_NAME` (``="rep"``, ``="dashboard"`` …); a run deletes
  every sheet carrying it and inserts the report's sheets right after the first remaining sheet
  (at the start when only one sheet remains); other sheets are not touched;
- text from the data stays text. Excel parses a value written through xlwings as if it were
  typed, so a string that Excel would turn into something else — a formula (``= + - @``), a
  number, a date, a percentage, TRUE/FALSE — or that starts with an apostrophe is written with
  a leading apostrophe ``'``: that is how Excel stores a literal (the apostrophe becomes the
  cell's prefix character, it is not part of the value). The file renderer marks only formula
  prefixes with the quote prefix because openpyxl stores strings verbatim;
- one 2-D write per table (and per text block): each call crosses into Excel, so values are
  never written cell by cell.

Printing: the print area (``sheet.page_setup.print_area``) and the fixed row heights the page
breaks are computed for are set; xlwings has no API for orientation, paper, scale, print
titles, header/footer or manual page breaks, so Excel's own page setup applies to those on
the button's sheets (the file written by ``kpi-xl refresh`` has them all).

Differences from the file renderer (see :func:`render_book` for details): no zoom, the print
settings above, pie data labels or "label every category" (no xlwings API); charts' titles,
legend, axes, series types and markers, and real conditional formatting need xlwings ≥
0.37.5 — with an older xlwings the charts keep Excel's defaults and the traffic lights are
static fills computed from the same thresholds (colour scales are then left out).
"""

from __future__ import annotations

import re
from typing import Any

from ..progress import Progress

# The value conversion and width rules are the file renderer's, so both targets agree.
from .cells import FORMULA_PREFIXES as _FORMULA_PREFIXES
from .cells import cell_value as _cell_value
from .cells import empty_label, right_aligned, sheet_widths, traffic_formulas
from .cells import scale_columns as _scale_columns
from .model import FILLS, ROW_POINTS, Legend, Report, Sheet, Table, Text
from .naming import GENERATED_NAME, sheet_name
from .pages import paginate
from .xlwings_charts import CHART_TYPES, write_chart
from .xlwings_util import address, attempt, columns_range, supports

__all__ = ["CHART_TYPES", "excel_text", "generated_sheet_names", "render_book"]


_WHITE = (255, 255, 255)
_GREY = (128, 128, 128)
_HEADER_FILL = (0x1F, 0x38, 0x64)
_BORDER = (0xBF, 0xBF, 0xBF)
_RED = (0xF8, 0xCB, 0xAD)
_AMBER = (0xFF, 0xE6, 0x99)
_GREEN = (0xC6, 0xEF, 0xCE)  # FILLS, as xlwings colours
_SCALE = ("#F8696B", "#FFEB84", "#63BE7B")
_TEXT_FONTS = {"title": {"size": 16, "bold": True}, "subtitle": {"size": 11, "color": _GREY},
               "heading": {"size": 11, "bold": True}, "note": {"size": 9, "color": _GREY}}


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


_FILL_RGB = {k: _rgb(v) for k, v in FILLS.items()}

_NUMBER_LIKE = re.compile(
    r"^\s*[(+\-]?\s*[¥$€£₩]?\s*[\d.,]+\s*(%|[eE][+\-]?\d+)?\s*\)?\s*$")
_DATE_LIKE = re.compile(
    r"^\s*(\d{1,4}\s*[-/.年]\s*\d{1,2}|\d{1,2}\s*[-/]\s*[A-Za-z]{3}|[A-Za-z]{3,9}\s*[-/ ]\s*\d"
    r"|\d{1,2}:\d{2}|[MTSHRmtshr]\d{1,2}[./]|明治|大正|昭和|平成|令和)")


# --------------------------------------------------------------------------- values


def excel_text(text: str) -> str:
    """``text`` as it must be written through xlwings to be stored as that literal text.

    Excel parses what is written into a cell; a leading apostrophe makes it store the rest as
    text. Added when the text starts with a formula character (``= + - @``) or an apostrophe,
    or looks like a number, date, time, percentage or boolean.
    """
    if not text:
        return text
    if (text.startswith((*_FORMULA_PREFIXES, "'")) or _NUMBER_LIKE.match(text)
            or _DATE_LIKE.match(text) or text.strip().upper() in ("TRUE", "FALSE")):
        return "'" + text
    return text


def _xl(value: Any) -> Any:
    value = _cell_value(value)
    return excel_text(value) if isinstance(value, str) else value


# --------------------------------------------------------------------------- generated sheets


def generated_sheet_names(book: Any) -> list[str]:
    """Names of the sheets of ``book`` carrying the sheet-scoped name ``GENERATED_NAME``."""
    out = []
    for sheet in book.sheets:
        for name in sheet.names:
            # Excel reports sheet-scoped names as "Sheet!name" (or "'My sheet'!name")
            if name.name.rsplit("!", 1)[-1] == GENERATED_NAME:
                out.append(sheet.name)
                break
    return out


def mark_generated(sheet: Any, kind: str) -> None:
    """Give ``sheet`` the sheet-scoped name that makes the next run replace it."""
    sheet.names.add(GENERATED_NAME, '="' + str(kind).replace('"', '""') + '"')


def delete_generated(book: Any) -> None:
    for name in generated_sheet_names(book):
        book.sheets[name].delete()


def render_book(book: Any, report: Report, *,
                progress: Progress | None = None) -> list[str]:
    """Replace the generated sheets of the open xlwings ``book`` with ``report``'s sheets.

    Same placement rules as the file renderer: previously generated sheets are deleted, the new
    ones are inserted in order right after the first remaining sheet (before it when it is the
    only one), a name clashing with a user's sheet gets ``"name (2)"``, the first generated sheet
    is activated. Returns the sheet names written. ``progress.step(i, n, name)`` is called before
    each sheet (the button shows it in Excel's status bar).

    Column widths are the file renderer's (header and data cells measured, 6 to 50 characters)
    rather than Excel's AutoFit: ``sheet.autofit('c')`` would also fit the long title, source and
    note lines in column A, and fitting each table's range separately shrinks columns that an
    earlier table on the same sheet needed wider.
    """
    delete_generated(book)
    remaining = [s.name for s in book.sheets]
    taken = list(remaining)
    written: list[str] = []
    previous = book.sheets[remaining[0]] if remaining else None
    only_one = len(remaining) <= 1
    for i, sheet in enumerate(report.sheets):
        if progress:
            progress.step(i + 1, len(report.sheets), sheet.name)
        title = sheet_name(sheet.name, taken)
        taken.append(title)
        if previous is None:
            ws = book.sheets.add(title)
        elif only_one and not written:
            ws = book.sheets.add(title, before=previous)
        else:
            ws = book.sheets.add(title, after=previous)
        _render_sheet(ws, sheet, report)
        mark_generated(ws, sheet.kind)
        written.append(title)
        previous = ws
    if written:
        book.sheets[written[0]].activate()
    return written


# --------------------------------------------------------------------------- one sheet


def _render_sheet(ws: Any, sheet: Sheet, report: Report) -> None:
    widths = sheet_widths(sheet)
    page = sheet.page if sheet.page.area is not None else paginate(sheet)
    assert page.area is not None
    last = max(page.area[0] + 1, sheet.next_row, 1)
    if supports(ws.range((1, 1)), "row_height"):  # fixed heights: the page breaks hold
        attempt(lambda: setattr(ws.range((1, 1), (last, 1)), "row_height", ROW_POINTS))
        for row, height in sorted(sheet.row_points().items()):
            attempt(lambda r=row, h=height: setattr(ws.range((r + 1, 1)), "row_height", h))
    for text in sheet.texts:
        _write_text(ws, text)
    for legend in sheet.legends:
        _write_legend(ws, legend)
    for table in sheet.tables:
        _write_table(ws, table, report)
    for col, width in sorted(widths.items()):
        ws.range((1, col + 1)).column_width = round(width, 1)
    for chart in sheet.charts:  # after the widths: a chart's position follows its anchor cell
        write_chart(ws, sheet, chart, report)
    area = page.area
    if supports(ws, "page_setup"):
        attempt(lambda: setattr(ws.page_setup, "print_area",
                             address(1, 1, area[0] + 1, area[1] + 1)))


def _write_legend(ws: Any, legend: Legend) -> None:
    r, c = legend.row + 1, legend.col + 1
    row = ws.range((r, c), (r, c + len(legend.items)))
    row.value = [[_xl(legend.title), *(_xl(text) for _, text in legend.items)]]
    _font(ws.range((r, c)), size=9, color=_GREY)
    for j, (fill, _) in enumerate(legend.items):
        cell = ws.range((r, c + 1 + j))
        cell.color = _FILL_RGB[fill]
        _font(cell, size=9)
        _borders(cell)


def _font(rng: Any, size: float | None = None, bold: bool | None = None,
          color: tuple[int, int, int] | None = None) -> None:
    font = rng.font
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color = color


def _write_text(ws: Any, text: Text) -> None:
    if not text.lines:
        return
    rng = ws.range((text.row + 1, text.col + 1), (text.row + len(text.lines), text.col + 1))
    rng.value = [[_xl(line)] for line in text.lines]
    _font(rng, **_TEXT_FONTS.get(text.style, _TEXT_FONTS["note"]))


def _borders(rng: Any) -> None:
    if supports(rng, "borders"):  # xlwings ≥ 0.37.1
        attempt(lambda: rng.borders.set("all", line_style="continuous", weight="thin",
                                     color=_BORDER))


def _write_table(ws: Any, table: Table, report: Report) -> None:
    r0, c0, ncol = table.row + 1, table.col + 1, len(table.columns)
    title = ws.range((r0, c0))
    title.value = _xl(table.title)
    title.font.bold = True

    header = ws.range((r0 + 1, c0), (r0 + 1, c0 + ncol - 1))
    header.value = [[_xl(c.header) for c in table.columns]]
    header.color = _HEADER_FILL
    _font(header, bold=True, color=_WHITE)
    header.wrap_text = True
    if supports(header, "vertical_alignment"):  # xlwings ≥ 0.37.3
        attempt(lambda: setattr(header, "vertical_alignment", "center"))
    _borders(header)

    first = r0 + 2
    nrow = max(len(table.rows), 1)
    body = ws.range((first, c0), (first + nrow - 1, c0 + ncol - 1))
    if table.rows:
        # formats first: Excel then stores what is written under the final format
        for j, column in enumerate(table.columns):
            if column.fmt == "auto" and table.row_fmt is not None:
                _auto_formats(ws, table, j, first, report.currency)
            else:
                ws.range((first, c0 + j), (first + nrow - 1, c0 + j)).number_format = \
                    column.number_format(report.currency)
        values = []
        for row in table.rows:
            cells = [_cell_value(row[j] if j < len(row) else None) for j in range(ncol)]
            values.append([excel_text(v) if isinstance(v, str) else v for v in cells])
        body.value = values
        for i, row in enumerate(table.rows):  # text in a column of numbers ("n/a: no data")
            for j in range(ncol):
                if right_aligned(table, j, row) and supports(body, "horizontal_alignment"):
                    cell = ws.range((first + i, c0 + j))
                    attempt(lambda c=cell: setattr(c, "horizontal_alignment", "right"))
    else:
        label = empty_label(table, report.locale)
        body.value = [[label] + [None] * (ncol - 1)]
        _font(ws.range((first, c0)), size=9, color=_GREY)
    _borders(body)
    lines = table.note_lines
    if lines:  # one write for the note's lines
        note = ws.range((first + nrow, c0), (first + nrow + len(lines) - 1, c0))
        note.value = [[_xl(line)] for line in lines]
        _font(note, size=9, color=_GREY)

    for cond in table.conditional:
        _write_conditional(ws, table, cond)


def _auto_formats(ws: Any, table: Table, j: int, first: int, currency: str) -> None:
    """Per-row formats of an 'auto' column, one write per run of equal formats."""
    col = table.col + j + 1
    start = 0
    formats = [table.cell_format(i, j, currency) for i in range(len(table.rows))]
    for i in range(1, len(formats) + 1):
        if i == len(formats) or formats[i] != formats[start]:
            ws.range((first + start, col), (first + i - 1, col)).number_format = formats[start]
            start = i


# --------------------------------------------------------------------------- conditional


def _write_conditional(ws: Any, table: Table, cond: Any) -> None:
    if not table.rows:
        return
    first, last = table.first_data_row + 1, table.first_data_row + len(table.rows)
    if cond.kind == "traffic" and cond.by:
        col = table.column_index(cond.column)
        by = table.column_index(cond.by)
        rng = ws.range((first, col + 1), (last, col + 1))
        if supports(rng, "conditional_formats"):  # xlwings ≥ 0.37.5: real rules
            ref = "$" + address(first, by + 1, first, by + 1)
            for formula, colour in traffic_formulas(ref, cond.low, cond.high):
                rng.conditional_formats.add_custom(formula, fill_color=_FILL_RGB[colour])
            return
        j = by - table.col  # older xlwings: static fills from the pace of each row
        for i, row in enumerate(table.rows):
            v = _cell_value(row[j] if j < len(row) else None)
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                continue
            fill = _GREEN if v >= cond.high else _AMBER if v >= cond.low else _RED
            ws.range((first + i, col + 1)).color = fill
    elif cond.kind == "traffic":
        col = table.column_index(cond.column)
        rng = ws.range((first, col + 1), (last, col + 1))
        if supports(rng, "conditional_formats"):  # xlwings ≥ 0.37.5: real rules
            cf = rng.conditional_formats
            # blank cells (undefined rates) stay unformatted rather than red
            cf.add_custom(f"=ISBLANK({address(first, col + 1, first, col + 1)})",
                          stop_if_true=True)
            cf.add_cell_value("greater_than_or_equal", cond.high, fill_color=_GREEN)
            cf.add_cell_value("between", cond.low, cond.high, fill_color=_AMBER)
            cf.add_cell_value("less_than", cond.low, fill_color=_RED)
            return
        # older xlwings: static fills from the same thresholds (they do not follow edits)
        j = col - table.col
        for i, row in enumerate(table.rows):
            v = _cell_value(row[j] if j < len(row) else None)
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                continue
            fill = _GREEN if v >= cond.high else _AMBER if v >= cond.low else _RED
            ws.range((first + i, col + 1)).color = fill
    elif cond.kind == "scale":
        cols = _scale_columns(table, cond)
        if not cols:
            return
        rng = columns_range(ws, cols, first, last)
        if supports(rng, "conditional_formats"):
            rng.conditional_formats.add_color_scale(list(_SCALE))
    else:
        raise ValueError(f"unknown conditional format kind {cond.kind!r}")
