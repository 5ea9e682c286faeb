"""Native charts with openpyxl (the file renderer kept to compare with XlsxWriter): the chart
of a model :class:`~kpi_xl.report.model.Chart` over its table's cells."""

from __future__ import annotations

from typing import Any

from openpyxl.chart import BarChart, DoughnutChart, LineChart, PieChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .cells import CM_PER_COL, CM_PER_ROW, axis_format, cell_value
from .model import Chart, Report, Sheet

__all__ = ["write_chart"]


def _make_plot(kind: str) -> Any:
    if kind in ("column", "bar"):
        plot = BarChart()
        plot.type = "col" if kind == "column" else "bar"
        plot.grouping = "clustered"
        return plot
    if kind == "line":
        return LineChart()
    raise ValueError(f"unknown chart kind {kind!r}")


def write_chart(ws: Worksheet, sheet: Sheet, chart: Chart, report: Report) -> None:
    table = sheet.table(chart.table)
    if not table.rows or not chart.series:
        return  # never a chart over empty ranges
    first = table.first_data_row + 1  # 1-based rows for Reference
    last = table.first_data_row + len(table.rows)
    cat_col = table.column_index(chart.category) + 1
    cats = Reference(ws, min_col=cat_col, min_row=first, max_row=last)

    def data(key: str) -> Reference:
        c = table.column_index(key) + 1
        return Reference(ws, min_col=c, min_row=first - 1, max_row=last)

    def column_fmt(key: str) -> str | None:
        for c in table.columns:
            if c.key == key:
                return axis_format(c.fmt, report.currency)
        return None

    j = cat_col - 1 - table.col
    text_categories = any(isinstance(cell_value(row[j]), str)
                          for row in table.rows if len(row) > j)

    def bind_categories(plot: Any) -> None:
        plot.set_categories(cats)
        if text_categories:  # openpyxl writes numRef; text categories belong in a strRef
            for ser in plot.series:
                ser.cat = AxDataSource(strRef=StrRef(f=ser.cat.numRef.f))

    if chart.kind in ("pie", "doughnut"):
        plot = PieChart() if chart.kind == "pie" else DoughnutChart()
        series = chart.series[:1] if chart.kind == "pie" else chart.series
        for s in series:
            plot.add_data(data(s.column), titles_from_data=True)
        bind_categories(plot)
        plot.dataLabels = DataLabelList(showPercent=True, showVal=False, showCatName=False,
                                        showSerName=False, showLegendKey=False)
        main = plot
    else:
        plot_groups = chart.plot_groups()
        plots = []
        for kind, secondary, members in plot_groups:
            plot = _make_plot(kind)
            for s in members:
                plot.add_data(data(s.column), titles_from_data=True)
            bind_categories(plot)
            if kind == "line":
                for ser in plot.series:
                    ser.smooth = False
                    ser.marker.symbol = "circle"  # isolated points (gaps) stay visible
                    ser.marker.size = 5
            plot.x_axis.delete = False
            plot.y_axis.delete = False
            if secondary and plots:
                plot.y_axis.axId = 200
                plot.y_axis.crosses = "max"
                plot.y_axis.axPos = "r"
                plot.y_axis.majorGridlines = None
                fmt = column_fmt(members[0].column)
                if fmt:
                    plot.y_axis.number_format = fmt
                if chart.y2_title:
                    plot.y_axis.title = chart.y2_title
            plots.append(plot)
        main = plots[0]
        for extra in plots[1:]:
            main += extra
        fmt = axis_format(chart.y_format, report.currency)
        if fmt is None:
            fmt = column_fmt(plot_groups[0][2][0].column)
        if fmt:
            main.y_axis.number_format = fmt
        cat_fmt = column_fmt(chart.category)
        if cat_fmt:
            main.x_axis.number_format = cat_fmt
        if chart.kind == "bar":  # horizontal bars: first category on top, as in the table
            main.x_axis.scaling.orientation = "maxMin"
        if chart.y_title:
            main.y_axis.title = chart.y_title
        if chart.x_title:
            main.x_axis.title = chart.x_title
        if chart.every_category:
            main.x_axis.tickLblSkip = 1
        main.x_axis.delete = False
        main.y_axis.delete = False
        main.x_axis.axPos = "l" if chart.kind == "bar" else "b"
        main.y_axis.axPos = "b" if chart.kind == "bar" else "l"

    main.title = chart.title
    main.legend.position = "b"
    main.width = chart.width_cols * CM_PER_COL
    main.height = chart.height_rows * CM_PER_ROW
    ws.add_chart(main, f"{get_column_letter(chart.col + 1)}{chart.row + 1}")
