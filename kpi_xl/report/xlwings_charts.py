"""Native charts through xlwings (live Excel): the chart of a model
:class:`~kpi_xl.report.model.Chart` over its table's cells, decorated as the file renderer
draws it where xlwings has an API for it (titles, legend, axes, series types and markers)."""

from __future__ import annotations

import inspect
from typing import Any

from .cells import axis_format
from .model import ROW_POINTS, Chart, Report, Sheet, Table
from .xlwings_util import attempt, columns_range, supports

__all__ = ["CHART_TYPES", "write_chart"]

#: model chart kind → xlwings chart type
CHART_TYPES = {"column": "column_clustered", "bar": "bar_clustered", "line": "line",
               "pie": "pie", "doughnut": "doughnut"}
_POINTS_PER_CM = 72 / 2.54
_CM_PER_COL = 1.7  # as the file renderer's chart sizes
_CM_PER_ROW = ROW_POINTS * 2.54 / 72


def _series_kinds(chart: Chart) -> tuple[list[tuple[Any, str, bool]], str]:
    """(series, kind, secondary) in source order and the chart's main kind, as the file
    renderer groups them (bars first, then primary lines, then secondary lines)."""
    if chart.kind in ("pie", "doughnut"):
        series = chart.series[:1] if chart.kind == "pie" else chart.series
        return [(s, chart.kind, False) for s in series], chart.kind
    grouped = chart.plot_groups()  # the same grouping as the file renderer
    kind_of = {id(s): (k, sec) for k, sec, members in grouped for s in members}
    out = [(s, *kind_of[id(s)]) for s in chart.series]  # source order, as written
    main_kind, first_group = grouped[0][0], grouped[0][:2]
    # a secondary axis only for a group that is not the main one
    out = [(s, k, sec and (k, sec) != first_group) for s, k, sec in out]
    return out, main_kind


def write_chart(ws: Any, sheet: Sheet, chart: Chart, report: Report) -> None:
    table = sheet.table(chart.table)
    if not table.rows or not chart.series:
        return  # never a chart over empty ranges
    header = table.header_row + 1
    first, last = table.first_data_row + 1, table.first_data_row + len(table.rows)
    series, main_kind = _series_kinds(chart)
    by_col = {table.column_index(s.column): (s, k, sec) for s, k, sec in series}
    cols = sorted(by_col)
    cat_col = table.column_index(chart.category)

    anchor = ws.range((chart.row + 1, chart.col + 1))
    xl_chart = ws.charts.add(anchor.left, anchor.top, chart.width_cols * _CM_PER_COL *
                             _POINTS_PER_CM, chart.height_rows * _CM_PER_ROW * _POINTS_PER_CM)
    explicit_x = supports(xl_chart, "set_x_axis_values")
    source = columns_range(ws, cols if explicit_x else [cat_col, *cols], header, last)
    xl_chart.chart_type = CHART_TYPES[main_kind]
    if "plot_by" in inspect.signature(type(xl_chart).set_source_data).parameters:
        xl_chart.set_source_data(source, plot_by="columns")  # xlwings ≥ 0.37.3
    else:
        xl_chart.set_source_data(source)
    if explicit_x:
        xl_chart.set_x_axis_values(ws.range((first, cat_col + 1), (last, cat_col + 1)))
    _decorate_chart(xl_chart, chart, table, [by_col[c] for c in cols], main_kind, report)


def _decorate_chart(xl_chart: Any, chart: Chart, table: Table, series: list, main_kind: str,
                    report: Report) -> None:
    """Title, legend, series types, markers and axes (xlwings ≥ 0.37.3 / 0.37.5)."""
    if supports(xl_chart, "title"):
        attempt(lambda: setattr(xl_chart, "title", chart.title))
    if supports(xl_chart, "legend"):
        attempt(lambda: setattr(xl_chart.legend, "position", "bottom"))
    if not supports(xl_chart, "series") or chart.kind in ("pie", "doughnut"):
        return

    def column_fmt(key: str) -> str | None:
        for c in table.columns:
            if c.key == key:
                return axis_format(c.fmt, report.currency)
        return None

    for xs, (_, kind, secondary) in zip(xl_chart.series, series, strict=False):
        if kind != main_kind:
            xs.chart_type = CHART_TYPES[kind]
        if secondary:
            xs.axis_group = "secondary"
        if kind == "line":
            xs.marker_style = "circle"  # isolated points (gaps) stay visible
            xs.marker_size = 5
    # axis formats from the first series (model order) on each axis, as the file renderer
    main_series = [s for s, k, sec in series if k == main_kind and not sec]
    secondary_series = [s for s, _, sec in series if sec]
    order = {id(s): i for i, s in enumerate(chart.series)}
    main_series.sort(key=lambda s: order[id(s)])
    secondary_series.sort(key=lambda s: order[id(s)])
    secondary_fmt = column_fmt(secondary_series[0].column) if secondary_series else None
    fmt = axis_format(chart.y_format, report.currency) or (
        column_fmt(main_series[0].column) if main_series else None)
    if fmt:
        xl_chart.value_axis.number_format = fmt
    if chart.y_title:
        xl_chart.value_axis.title = chart.y_title
    if secondary_fmt:
        attempt(lambda: setattr(xl_chart.secondary_value_axis, "number_format", secondary_fmt))
    if chart.y2_title and secondary_series:
        attempt(lambda: setattr(xl_chart.secondary_value_axis, "title", chart.y2_title))
    if chart.x_title:
        attempt(lambda: setattr(xl_chart.category_axis, "title", chart.x_title))
    cat_fmt = column_fmt(chart.category)
    if cat_fmt:
        xl_chart.category_axis.number_format = cat_fmt
    if main_kind == "bar":  # horizontal bars: first category on top, as in the table
        xl_chart.category_axis.reverse_order = True
