"""Write a :class:`~kpi_xl.report.model.Report` as a package of its own sheets, with XlsxWriter.

:func:`render_package` is the renderer of every file kpi_xl writes: the splice puts the sheets
of this in-memory package into the user's workbook (:mod:`kpi_xl.xlsx.splice`), and a new
report book is this package as it is. Cells are collected per sheet and written in row order
(so that ``constant_memory`` is possible); it was measured against the openpyxl renderer in
``benchmarks/README.md`` (about 2.5× faster) and gives the same cells, formats, conditional
formats and charts (``tests/test_render_xlsxwriter.py``).

Security: text from the data is written with ``write_string`` (never a formula) and text
Excel would read as a formula gets the quote prefix; control characters are removed (see
:class:`kpi_xl.xlsx.text.TextChanges`).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from ..i18n import normalize_locale
from ..progress import SILENT, Progress
from ..xlsx.text import TextChanges
from .cells import (
    CM_PER_COL,
    CM_PER_ROW,
    NO_DATA,
    axis_format,
    cell_value,
    column_axis_format,
    empty_label,
    looks_like_formula,
    right_aligned,
    scale_columns,
    sheet_widths,
    traffic_formulas,
)
from .model import FILLS, ROW_POINTS, Chart, Report, Sheet, Table
from .pages import paginate

__all__ = ["render_package"]

_GREY = "#808080"
_HEADER = {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3864", "pattern": 1,
           "text_wrap": True, "valign": "vcenter"}
_BORDER = {"border": 1, "border_color": "#BFBFBF"}
_TEXT = {"title": {"font_size": 16, "bold": True},
         "subtitle": {"font_size": 11, "font_color": _GREY},
         "heading": {"font_size": 11, "bold": True},
         "note": {"font_size": 9, "font_color": _GREY}}
_FILLS = FILLS
_PX_PER_CM = 96 / 2.54
_PADDING = 5 / 7


class _Formats:
    """XlsxWriter formats by their properties (one object per distinct combination)."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.wb = wb
        self.cache: dict[tuple, Any] = {}

    def get(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.wb.add_format(props) if props else None
        return self.cache[key]

    def fill(self, colour: str) -> Any:
        """A differential format (conditional formats) filling the cell with ``colour``."""
        key = ("dxf-fill", colour)
        if key not in self.cache:
            self.cache[key] = self.wb.add_format({"bg_color": colour, "pattern": 1})
        return self.cache[key]


class _SheetCells:
    """The cells of one sheet, collected so that they are written in row order."""

    def __init__(self, changes: TextChanges) -> None:
        self.cells: dict[tuple[int, int], tuple[Any, dict[str, Any]]] = {}
        self.changes = changes

    def put(self, row: int, col: int, value: Any, **props: Any) -> Any:
        value = cell_value(value, self.changes)
        if isinstance(value, str) and looks_like_formula(value):
            props["quote_prefix"] = True
        self.cells[(row, col)] = (value, props)
        return value

    def write(self, ws: Any, formats: _Formats) -> None:
        for (r, c) in sorted(self.cells):
            value, props = self.cells[(r, c)]
            fmt = formats.get(**props)
            if value is None or value == "":
                if fmt is not None:
                    ws.write_blank(r, c, None, fmt)
            elif isinstance(value, bool):
                ws.write_boolean(r, c, value, fmt)
            elif isinstance(value, (int, float)):
                ws.write_number(r, c, value, fmt)
            elif isinstance(value, dt.datetime):
                ws.write_datetime(r, c, value, fmt)
            else:
                ws.write_string(r, c, value, fmt)


def render_package(report: Report, names: list[str], changes: TextChanges | None = None,
                   *, constant_memory: bool = False, progress: Progress = SILENT) -> bytes:
    """The report's sheets, named ``names`` (in order), as the bytes of an ``.xlsx``.

    The sheets carry no ``kpi_xl_generated`` name yet: the splice (or
    :func:`kpi_xl.xlsx.write.new_report_book`) adds it to ``workbook.xml``. By default
    XlsxWriter keeps the sheets in memory (``in_memory``: no temporary file at all) and writes
    shared strings, which the splice turns into inline strings; ``constant_memory`` writes each
    row as it goes through temporary files, with inline strings — measured slower for report
    sheets (``benchmarks/README.md``)."""
    changes = changes if changes is not None else TextChanges()
    buf = io.BytesIO()
    mode = {"constant_memory": True} if constant_memory else {"in_memory": True}
    wb = xlsxwriter.Workbook(buf, {**mode, "strings_to_formulas": False,
                                   "strings_to_numbers": False, "strings_to_urls": False,
                                   "default_date_format": "yyyy-mm-dd"})
    formats = _Formats(wb)
    for i, (sheet, name) in enumerate(zip(report.sheets, names, strict=True)):
        progress.step(i + 1, len(report.sheets), name)
        ws = wb.add_worksheet(name)
        _render_sheet(wb, ws, name, sheet, report, formats, changes)
        if i == 0:
            ws.activate()
    if not report.sheets:
        wb.add_worksheet(NO_DATA[normalize_locale(report.locale)])
    wb.close()
    return buf.getvalue()


def _render_sheet(wb: Any, ws: Any, name: str, sheet: Sheet, report: Report,
                  formats: _Formats, changes: TextChanges) -> None:
    cells = _SheetCells(changes)
    widths = sheet_widths(sheet)
    ws.set_default_row(ROW_POINTS)
    for row, height in sorted(sheet.row_points().items()):
        ws.set_row(row, height)
    for text in sheet.texts:
        for i, line in enumerate(text.lines):
            cells.put(text.row + i, text.col, line, **_TEXT.get(text.style, _TEXT["note"]))
    for legend in sheet.legends:
        cells.put(legend.row, legend.col, legend.title, **_TEXT["note"])
        for j, (fill, label) in enumerate(legend.items):
            cells.put(legend.row, legend.col + 1 + j, label, bg_color=_FILLS[fill], pattern=1,
                      **_BORDER, font_size=9)
    for table in sheet.tables:
        _table_cells(cells, table, report)
    for col, width in sorted(widths.items()):
        # XlsxWriter stores a width as Excel shows it plus 5 pixels of padding; the model's
        # widths are stored widths (as openpyxl writes them)
        ws.set_column(col, col, round(width, 1) - _PADDING)
    cells.write(ws, formats)
    for table in sheet.tables:
        for cond in table.conditional:
            _conditional(ws, table, cond, formats)
    for chart in sheet.charts:
        _chart(wb, ws, name, sheet, chart, report, changes)
    ws.set_zoom(90)
    _page_setup(ws, sheet, changes)


def _page_setup(ws: Any, sheet: Sheet, changes: TextChanges) -> None:
    """Print setup from the model (:class:`~kpi_xl.report.model.PageSetup`)."""
    p = sheet.page if sheet.page.area is not None else paginate(sheet)
    assert p.area is not None
    if p.landscape:
        ws.set_landscape()
    ws.set_paper(p.paper)
    ws.set_print_scale(p.scale)
    left, right, top, bottom = p.margins
    ws.set_margins(left=left, right=right, top=top, bottom=bottom)
    if p.header:
        ws.set_header(changes.clean(p.header), {"margin": p.header_margin})
    if p.footer:
        ws.set_footer(changes.clean(p.footer), {"margin": p.header_margin})
    if p.title_rows:
        ws.repeat_rows(0, p.title_rows - 1)
    if p.breaks:
        ws.set_h_pagebreaks(list(p.breaks))
    ws.print_area(0, 0, p.area[0], p.area[1])


def _table_cells(cells: _SheetCells, table: Table, report: Report) -> None:
    cells.put(table.row, table.col, table.title, bold=True)
    fixed = [c.number_format(report.currency) for c in table.columns]
    for j, column in enumerate(table.columns):
        cells.put(table.header_row, table.col + j, column.header, **_HEADER, **_BORDER)
    for i, values in enumerate(table.rows):
        r = table.first_data_row + i
        for j, column in enumerate(table.columns):
            fmt = (table.cell_format(i, j, report.currency) if column.fmt == "auto"
                   else fixed[j])
            props = dict(_BORDER)
            if fmt != "General":
                props["num_format"] = fmt
            if right_aligned(table, j, values):
                props["align"] = "right"
            cells.put(r, table.col + j, values[j] if j < len(values) else None, **props)
    if not table.rows:
        label = empty_label(table, report.locale)
        for j in range(len(table.columns)):
            if j == 0:
                cells.put(table.first_data_row, table.col, label, **_BORDER,
                          **_TEXT["note"])
            else:
                cells.put(table.first_data_row, table.col + j, None, **_BORDER)
    for i, line in enumerate(table.note_lines):
        cells.put(table.first_data_row + max(len(table.rows), 1) + i, table.col, line,
                  **_TEXT["note"])


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else float(x)


def _conditional(ws: Any, table: Table, cond: Any, formats: _Formats) -> None:
    if not table.rows:
        return
    first, last = table.first_data_row, table.first_data_row + len(table.rows) - 1
    if cond.kind == "traffic" and cond.by:
        c = table.column_index(cond.column)
        ref = xl_rowcol_to_cell(first, table.column_index(cond.by), col_abs=True)
        fill = {k: formats.fill(v) for k, v in _FILLS.items()}
        for criteria, colour in traffic_formulas(ref, cond.low, cond.high):
            ws.conditional_format(first, c, last, c, {"type": "formula", "criteria": criteria,
                                                      "format": fill[colour]})
    elif cond.kind == "traffic":
        c = table.column_index(cond.column)
        top = xl_rowcol_to_cell(first, c)
        fill = {k: formats.fill(v) for k, v in _FILLS.items()}
        rules = [
            {"type": "formula", "criteria": f"=ISBLANK({top})", "stop_if_true": True},
            {"type": "cell", "criteria": ">=", "value": _num(cond.high),
             "format": fill["green"]},
            {"type": "cell", "criteria": "between", "minimum": _num(cond.low),
             "maximum": _num(cond.high), "format": fill["amber"]},
            {"type": "cell", "criteria": "<", "value": _num(cond.low), "format": fill["red"]},
        ]
        for rule in rules:
            ws.conditional_format(first, c, last, c, rule)
    elif cond.kind == "scale":
        cols = scale_columns(table, cond)
        if not cols:
            return
        ranges = " ".join(f"{xl_rowcol_to_cell(first, c)}:{xl_rowcol_to_cell(last, c)}"
                          for c in cols)
        ws.conditional_format(first, cols[0], last, cols[0], {
            "type": "3_color_scale", "multi_range": ranges,
            "min_color": "#F8696B", "mid_type": "percentile", "mid_value": 50,
            "mid_color": "#FFEB84", "max_color": "#63BE7B"})
    else:
        raise ValueError(f"unknown conditional format kind {cond.kind!r}")


def _chart(wb: Any, ws: Any, name: str, sheet: Sheet, chart: Chart, report: Report,
           changes: TextChanges) -> None:
    table = sheet.table(chart.table)
    if not table.rows or not chart.series:
        return  # never a chart over empty ranges
    first, last = table.first_data_row, table.first_data_row + len(table.rows) - 1
    cat = table.column_index(chart.category)

    def series(key: str, **extra: Any) -> dict[str, Any]:
        c = table.column_index(key)
        return {"name": [name, table.header_row, c], "categories": [name, first, cat, last, cat],
                "values": [name, first, c, last, c], **extra}

    if chart.kind in ("pie", "doughnut"):
        main = wb.add_chart({"type": chart.kind})
        for s in (chart.series[:1] if chart.kind == "pie" else chart.series):
            main.add_series(series(s.column, data_labels={"percentage": True}))
    else:
        groups = chart.plot_groups()
        main = None
        for kind, secondary, members in groups:
            plot = wb.add_chart({"type": kind})
            extra: dict[str, Any] = {}
            if kind == "line":
                extra = {"marker": {"type": "circle", "size": 5}, "smooth": False}
            for s in members:
                plot.add_series(series(s.column, y2_axis=secondary and main is not None,
                                       **extra))
            if secondary and main is not None:
                fmt = column_axis_format(table, members[0].column, report.currency)
                y2: dict[str, Any] = {"num_format": fmt} if fmt else {}
                if chart.y2_title:
                    y2["name"] = changes.clean(chart.y2_title)
                plot.set_y2_axis(y2)
            if main is None:
                main = plot
            else:
                main.combine(plot)
        y_fmt = axis_format(chart.y_format, report.currency) or column_axis_format(
            table, groups[0][2][0].column, report.currency)
        y_axis: dict[str, Any] = {}
        if y_fmt:
            y_axis["num_format"] = y_fmt
        if chart.y_title:
            y_axis["name"] = changes.clean(chart.y_title)
        x_axis: dict[str, Any] = {}
        cat_fmt = column_axis_format(table, chart.category, report.currency)
        if cat_fmt:
            x_axis["num_format"] = cat_fmt
        if chart.kind == "bar":  # horizontal bars: first category on top, as in the table
            x_axis["reverse"] = True
        if chart.every_category:
            x_axis["interval_unit"] = 1
        if chart.x_title:
            x_axis["name"] = changes.clean(chart.x_title)
        if chart.kind == "bar":  # XlsxWriter's x axis of a bar chart is the value axis
            x_axis, y_axis = y_axis, x_axis
        main.set_y_axis(y_axis)
        main.set_x_axis(x_axis)
    main.set_title({"name": changes.clean(chart.title)})
    main.set_legend({"position": "bottom"})
    main.set_size({"width": round(chart.width_cols * CM_PER_COL * _PX_PER_CM),
                   "height": round(chart.height_rows * CM_PER_ROW * _PX_PER_CM)})
    ws.insert_chart(chart.row, chart.col, main, {"object_position": 2})
