"""The report model: what the generated sheets hold, independent of how they are written.

The layout (:mod:`kpi_xl.report.layout`) builds a :class:`Report` from the engine's results;
each renderer (openpyxl file, live Excel via xlwings) writes the same model, so both targets
show the same sheets, cells, number formats and charts.

Positions are decided here, not by renderers: every block has a top-left cell (0-based row and
column) assigned by :meth:`Sheet.add`, which flows sections top to bottom with a chart to the
right of its table. Printing is decided here too (:class:`PageSetup`, filled by
:mod:`kpi_xl.report.pages`): paper and orientation, the scale that fits the sheet one page
wide, the rows repeated on every page, the header and footer, the page breaks between blocks
and the print area. Every row has the same height (:data:`ROW_POINTS`) so that the page
breaks computed here fall where every renderer and every spreadsheet program puts them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..units import currency_symbol

__all__ = [
    "FILLS",
    "FORMATS",
    "HEADER_ROW_POINTS",
    "ROW_POINTS",
    "TITLE_ROW_POINTS",
    "Chart",
    "Column",
    "Conditional",
    "Legend",
    "PageSetup",
    "Report",
    "Series",
    "Sheet",
    "Table",
    "Text",
]

#: Height of every row of a generated sheet, in points (titles: :data:`TITLE_ROW_POINTS`;
#: table headers, which wrap onto two lines: :data:`HEADER_ROW_POINTS`).
ROW_POINTS = 18.0
TITLE_ROW_POINTS = 24.0
HEADER_ROW_POINTS = 2 * ROW_POINTS
#: Traffic-light fills (conditional formats and the legend).
FILLS = {"green": "#C6EFCE", "amber": "#FFE699", "red": "#F8CBAD"}

# Logical formats → Excel number formats (the currency symbol is filled in per report).
FORMATS = {
    "text": "@",
    "longtext": "General",  # free text shown in the last column: overflows, does not widen
    "int": "#,##0",
    "amount": "#,##0",  # an amount in the report's unit (stated in the header)
    "amount1": "#,##0.0",  # an amount in millions (one decimal)
    "number": "#,##0.0",
    "change": "+0.0%;-0.0%;0.0%",  # a change against a base (YoY, MoM)
    "index": "0",  # an index (100 = the base)
    "currency": '"{sym}"#,##0',
    "pct": "0.0%",
    "date": "yyyy-mm-dd",
    "month": "yyyy-mm",
    "days": "#,##0",
    "general": "General",
    "auto": "General",  # per-row: Table.row_fmt gives the format of each row
}


@dataclass
class Column:
    key: str
    header: str
    fmt: str = "general"  # a key of FORMATS
    auto_map: dict[str, str] | None = None  # 'auto' columns: row format → this column's
    width: float | None = None  # a fixed width (characters) instead of the measured one

    def number_format(self, currency: str) -> str:
        return FORMATS[self.fmt].replace("{sym}", currency_symbol(currency))


@dataclass
class Conditional:
    """Conditional formatting on one column of a table.

    kind 'traffic' — red below ``low``, amber from ``low`` to below ``high``, green from ``high``
    (e.g. pace 0.9 / 1.0), judged on the column's own value or, with ``by``, on the value of
    column ``by`` of the same row (achievement coloured by its pace); kind 'scale' — a
    3-colour scale (matrix tables, all numeric columns when ``column`` is '*').
    """

    column: str
    kind: str = "traffic"
    low: float = 0.9
    high: float = 1.0
    by: str | None = None


@dataclass
class Table:
    name: str  # unique per sheet; also the Excel table name suffix
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    conditional: list[Conditional] = field(default_factory=list)
    note: str = ""  # under the table; one row per line ("\n")
    row_fmt: list[str] | None = None  # format of each row for the columns whose fmt is 'auto'
    empty: str = ""  # what the table says when it has no rows (why), else "no data"
    row: int = 0  # top-left cell of the title, 0-based, set by Sheet.add
    col: int = 0

    @property
    def header_row(self) -> int:
        return self.row + 1

    @property
    def first_data_row(self) -> int:
        return self.row + 2

    @property
    def note_lines(self) -> list[str]:
        return self.note.split("\n") if self.note else []

    @property
    def height(self) -> int:
        """Rows used: title, header, data (at least one, for 'no data'), note lines."""
        return 2 + max(len(self.rows), 1) + len(self.note_lines)

    def cell_format(self, row: int, col: int, currency: str) -> str:
        """Excel number format of data cell (row, col), both 0-based within the table."""
        column = self.columns[col]
        if column.fmt == "auto" and self.row_fmt is not None:
            fmt = self.row_fmt[row]
            if column.auto_map:
                fmt = column.auto_map.get(fmt, fmt)
            return FORMATS[fmt].replace("{sym}", currency_symbol(currency))
        return column.number_format(currency)

    def column_index(self, key: str) -> int:
        for i, c in enumerate(self.columns):
            if c.key == key:
                return self.col + i
        raise KeyError(f"table {self.name} has no column {key!r}")


@dataclass
class Series:
    column: str  # key of a column of the chart's table
    kind: str | None = None  # overrides the chart kind (combo charts: 'line' over 'column')
    secondary: bool = False


@dataclass
class Chart:
    kind: str  # column | bar | line | pie | doughnut
    title: str
    table: str  # name of the table on the same sheet holding the data
    category: str  # column key for the categories
    series: list[Series]
    y_title: str = ""
    y_format: str = ""  # FORMATS key for the value axis
    y2_title: str = ""  # the secondary value axis (series with secondary=True)
    x_title: str = ""
    every_category: bool = False  # label every category (ranking charts)
    width_cols: int = 8
    height_rows: int = 15
    row: int = 0
    col: int = 0

    def plot_groups(self) -> list[tuple[str, bool, list[Series]]]:
        """The series of a column/bar/line chart grouped as every renderer draws them:
        ``(kind, secondary, series)`` with bars first (lines drawn over them), then primary
        lines, then secondary-axis lines. Bars inherit the chart's own bar orientation."""
        groups: dict[tuple[str, bool], list[Series]] = {}
        base = self.kind
        for s in self.series:
            kind = s.kind or base
            if kind not in ("column", "bar", "line"):
                raise ValueError(f"unknown series kind {kind!r} in chart {self.title!r}")
            if kind in ("column", "bar") and base in ("column", "bar"):
                kind = base
            groups.setdefault((kind, s.secondary and kind == "line"), []).append(s)
        order = sorted(groups, key=lambda k: (k[0] == "line", k[1]))
        return [(k, sec, groups[(k, sec)]) for k, sec in order]


@dataclass
class Text:
    lines: list[str]
    style: str = "note"  # title | subtitle | heading | note
    row: int = 0
    col: int = 0

    @property
    def height(self) -> int:
        return len(self.lines)


@dataclass
class Legend:
    """One row explaining colours: ``title`` then one cell per ``(fill, text)`` item, each
    filled with :data:`FILLS` [fill]."""

    title: str
    items: list[tuple[str, str]]
    row: int = 0
    col: int = 0

    @property
    def height(self) -> int:
        return 1


@dataclass
class PageSetup:
    """How a sheet prints (filled by :func:`kpi_xl.report.pages.paginate`).

    A4 landscape at ``scale`` percent (the sheet fits one page wide); ``title_rows`` rows
    repeated at the top of every page; ``breaks`` the rows (0-based) that start a new page —
    always the first row of a block, so that no table and its chart are split unless the
    block is taller than a page; ``area`` = (last row, last column), 0-based, of the print
    area from A1 (None until :func:`~kpi_xl.report.pages.paginate` ran: a renderer given a
    sheet nobody paginated paginates it, without header and footer). Header and footer texts
    use Excel's codes (``&A`` sheet name, ``&P`` page,
    ``&N`` pages; a literal ``&`` written ``&&``).
    """

    scale: int = 100
    title_rows: int = 0
    breaks: list[int] = field(default_factory=list)
    area: tuple[int, int] | None = None  # None: not paginated yet (renderers paginate)
    header: str = ""
    footer: str = ""
    paper: int = 9  # A4
    landscape: bool = True
    margins: tuple[float, float, float, float] = (0.4, 0.4, 0.6, 0.6)  # left right top bottom
    header_margin: float = 0.25

@dataclass
class Sheet:
    name: str  # Excel-safe, unique (see naming.sheet_name)
    kind: str  # dashboard | rep | churn | external
    title: str
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    legends: list[Legend] = field(default_factory=list)
    rep: str | None = None
    next_row: int = 0
    blocks: list[tuple[int, int]] = field(default_factory=list)  # (first row, rows) each
    page: PageSetup = field(default_factory=PageSetup)

    def add_text(self, lines: list[str], style: str = "note", gap: int | None = None) -> Text:
        """Lines of text at the next free row (a block of their own); ``gap`` empty rows
        after them (default: 1, none after a title)."""
        t = Text(lines, style, self.next_row, 0)
        self.texts.append(t)
        self.blocks.append((t.row, t.height))
        self.next_row += t.height + ((0 if style == "title" else 1) if gap is None else gap)
        return t

    def add_legend(self, legend: Legend, gap: int = 1) -> Legend:
        """A colour legend at the next free row, joined to the block above it (it explains
        the table it follows, and prints on its page)."""
        legend.row, legend.col = self.next_row, 0
        self.legends.append(legend)
        if self.blocks:
            first = self.blocks[-1][0]
            self.blocks[-1] = (first, legend.row + 1 - first)
        else:
            self.blocks.append((legend.row, 1))
        self.next_row += 1 + gap
        return legend

    def add(self, table: Table, *charts: Chart, gap: int = 2, below: bool = False) -> Table:
        """Place ``table`` at the next free row and its charts side by side to its right, or
        with ``below`` under it (a narrower sheet prints larger); one block for the page
        breaks either way."""
        table.row, table.col = self.next_row, 0
        self.tables.append(table)
        col = 0 if below else max(len(table.columns), 4) + 1
        top = self.next_row + (table.height + 1 if below else 0)
        height = table.height
        for ch in charts:
            ch.row, ch.col = top, col
            col += ch.width_cols + 1
            height = max(height, top - self.next_row + ch.height_rows)
            self.charts.append(ch)
        self.blocks.append((table.row, height))
        self.next_row += height + gap
        return table

    def row_points(self) -> dict[int, float]:
        """The rows (0-based) taller than :data:`ROW_POINTS`: titles and table headers."""
        out: dict[int, float] = {}
        for t in self.texts:
            if t.style == "title":
                for i in range(t.height):
                    out[t.row + i] = TITLE_ROW_POINTS
        for table in self.tables:
            out[table.header_row] = HEADER_ROW_POINTS
        return out

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)


@dataclass
class Report:
    sheets: list[Sheet]
    locale: str
    currency: str
    generated_at: dt.datetime
    source: str
    as_of: dt.date
    definitions: dict[str, str]

    def sheet(self, name: str) -> Sheet:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)
