"""Printing: the page setup of a sheet — one page wide, page breaks between blocks.

A generated sheet prints on A4 landscape. Its width is known before any renderer runs: every
column is as wide as :func:`kpi_xl.report.cells.sheet_widths` says (charts sit on columns of
the default width) and every row is :data:`~kpi_xl.report.model.ROW_POINTS` high, so the
scale that fits the sheet on one page wide and the rows a page holds at that scale follow
from the model alone:

- width of a column of w characters: 9.3·w + 5 pixels, × 0.75 points. A column's unit is the
  digit width of the book's default font: 7 pixels for Calibri 11 in Excel, about 9 where the
  font is replaced by a wider one (LibreOffice without Carlito draws it in DejaVu Sans), so
  the widest case is assumed and Excel prints the sheet a little narrower than the page;
- scale = the largest whole percent (10 … 100) at which the used columns fit the printable
  width, with a 2 % allowance;
- rows per page at that scale: the printable height ÷ the row height, less the title rows
  repeated on every page and one row of allowance.

Page breaks go before a block (a table with its charts, a text, a legend) that would not fit
on the current page; a block taller than a page starts a page and runs on. Excel ignores
manual page breaks when "fit to N pages" is on, hence a fixed scale rather than fit-to-page.
"""

from __future__ import annotations

import math

from .cells import sheet_widths
from .model import ROW_POINTS, Chart, PageSetup, Sheet

__all__ = ["A4_LANDSCAPE", "DEFAULT_WIDTH", "PX_PER_CHAR", "chart_last_column", "column_points",
           "page_sections", "paginate", "sheet_points"]

#: Paper size in points (A4 landscape).
A4_LANDSCAPE = (841.89, 595.28)
#: The width (characters) of a column no table uses.
DEFAULT_WIDTH = 8.43
_ALLOWANCE = 0.98
#: Pixels per character of column width, in the widest case (module docstring).
PX_PER_CHAR = 9.3


def page_sections(code: str) -> dict[str, str]:
    """A header/footer in Excel's codes split into its ``L``, ``C`` and ``R`` sections
    (``"&LSheet&CPage &P"`` → ``{"L": "Sheet", "C": "Page &P"}``); ``&&`` stays a literal."""
    out: dict[str, str] = {}
    section, i, buf = "C", 0, []
    while i < len(code):
        if code.startswith("&&", i):
            buf.append("&&")
            i += 2
        elif code[i] == "&" and i + 1 < len(code) and code[i + 1] in "LCR":
            if buf:
                out[section] = out.get(section, "") + "".join(buf)
            section, buf = code[i + 1], []
            i += 2
        else:
            buf.append(code[i])
            i += 1
    if buf:
        out[section] = out.get(section, "") + "".join(buf)
    return out


def column_points(width: float) -> float:
    """Points a column of ``width`` characters takes on the page (the widest case)."""
    return math.floor(width * PX_PER_CHAR + 5) * 0.75


def chart_last_column(chart: Chart, widths: dict[int, float]) -> int:
    """The last column a chart covers: it is ``width_cols`` default columns wide (64 pixels
    each in Excel) whatever the columns it is anchored over, so narrow columns under it add
    up until its width is covered (at Excel's 7 pixels per character, where columns are
    narrowest against a chart)."""
    need = chart.width_cols * 64
    col, got = chart.col, 0.0
    while True:
        got += math.floor(widths.get(col, DEFAULT_WIDTH) * 7 + 5)
        if got >= need - 1:
            return col
        col += 1


def _last_column(sheet: Sheet, widths: dict[int, float]) -> int:
    last = max(widths, default=0)
    for ch in sheet.charts:
        last = max(last, chart_last_column(ch, widths))
    for lg in sheet.legends:
        last = max(last, lg.col + len(lg.items))
    return last


def sheet_points(sheet: Sheet, widths: dict[int, float] | None = None) -> float:
    """Width in points of the used columns of ``sheet`` (A … the last table, chart or legend
    column)."""
    widths = sheet_widths(sheet) if widths is None else widths
    return sum(column_points(widths.get(c, DEFAULT_WIDTH))
               for c in range(_last_column(sheet, widths) + 1))


def paginate(sheet: Sheet, *, header: str = "", footer: str = "", title_rows: int = 2
             ) -> PageSetup:
    """Fill ``sheet.page`` (and return it): scale, title rows, breaks, print area, header and
    footer (module docstring)."""
    widths = sheet_widths(sheet)
    setup = sheet.page
    setup.header, setup.footer = header, footer
    left, right, top, bottom = (m * 72 for m in setup.margins)
    width, height = A4_LANDSCAPE if setup.landscape else A4_LANDSCAPE[::-1]
    usable_w, usable_h = width - left - right, height - top - bottom
    points = sheet_points(sheet, widths)
    scale = 100 if points <= 0 else int(min(100.0, 100 * usable_w * _ALLOWANCE / points))
    setup.scale = max(10, scale)
    last_row = max(sheet.next_row - 1, 0)
    for ch in sheet.charts:
        last_row = max(last_row, ch.row + ch.height_rows - 1)
    setup.area = (last_row, _last_column(sheet, widths))
    title_rows = min(title_rows, sheet.next_row)
    setup.title_rows = title_rows
    tall = sheet.row_points()

    def top_of(row: int) -> float:  # points from the top of the sheet, unscaled
        return row * ROW_POINTS + sum(h - ROW_POINTS for r, h in tall.items() if r < row)

    page_h = usable_h / (setup.scale / 100) - ROW_POINTS  # one row of allowance
    titles_h = top_of(title_rows)
    setup.breaks = []
    page_top = 0.0  # where the current page's own rows begin
    room = page_h  # the first page prints its titles once, as its own rows
    for start, rows in sheet.blocks:
        end = top_of(start + rows)
        if top_of(start) <= page_top or end - page_top <= room:
            continue
        setup.breaks.append(start)
        page_top, room = top_of(start), page_h - titles_h
        while end - page_top > room:  # a block taller than a page runs on
            page_top += room
    return setup
