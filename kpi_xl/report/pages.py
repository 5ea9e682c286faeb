"""Printing: the page setup of a sheet — one page wide, page breaks between blocks.

A generated sheet prints on A4 landscape. Its width is known before any renderer runs: every
column is as wide as :func:`kpi_xl.report.cells.sheet_widths` says (charts sit on columns of
the default width) and every row is :data:`~kpi_xl.report.model.ROW_POINTS` high, so the
scale that fits the sheet on one page wide and the rows a page holds at that scale follow
from the model alone:

- width of a column of w characters: 7·w + 5 pixels (Excel's default font), × 0.75 points;
- scale = the largest whole percent (10 … 100) at which the used columns fit the printable
  width, with a 4 % allowance for fonts that run wider;
- rows per page at that scale: the printable height ÷ the row height, less the title rows
  repeated on every page and one row of allowance.

Page breaks go before a block (a table with its charts, a text, a legend) that would not fit
on the current page; a block taller than a page starts a page and runs on. Excel ignores
manual page breaks when "fit to N pages" is on, hence a fixed scale rather than fit-to-page.
"""

from __future__ import annotations

import math

from .cells import sheet_widths
from .model import ROW_POINTS, TITLE_ROW_POINTS, PageSetup, Sheet

__all__ = ["A4_LANDSCAPE", "DEFAULT_WIDTH", "column_points", "paginate", "sheet_points"]

#: Paper size in points (A4 landscape).
A4_LANDSCAPE = (841.89, 595.28)
#: The width (characters) of a column no table uses.
DEFAULT_WIDTH = 8.43
_ALLOWANCE = 0.96


def column_points(width: float) -> float:
    """Points a column of ``width`` characters takes on the page."""
    return math.floor(width * 7 + 5) * 0.75


def _last_column(sheet: Sheet, widths: dict[int, float]) -> int:
    last = max(widths, default=0)
    for ch in sheet.charts:
        last = max(last, ch.col + ch.width_cols - 1)
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
    row_h = ROW_POINTS * setup.scale / 100
    titles_h = (TITLE_ROW_POINTS + ROW_POINTS * max(title_rows - 1, 0)) * setup.scale / 100
    per_page = max(int((usable_h - titles_h) / row_h) - 1, 5)
    first_page = max(int((usable_h - titles_h) / row_h) - 1, 5)  # titles printed once
    setup.breaks = []
    page_start, capacity = 0, first_page + title_rows
    for start, rows in sheet.blocks:
        end = start + rows  # exclusive
        if start <= page_start or end - page_start <= capacity:
            continue
        setup.breaks.append(start)
        page_start, capacity = start, per_page
        while end - page_start > capacity:  # a block taller than a page runs on
            page_start += capacity
    return setup
