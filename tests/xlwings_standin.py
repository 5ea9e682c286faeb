"""A recording stand-in for the part of xlwings' object model kpi_xl uses (no Excel needed).

Classes mirror ``xlwings.main`` (``App``, ``Book``, ``Sheets``, ``Sheet``, ``Range``,
``PageSetup``, ``Font``,
``Borders``, ``ConditionalFormats``, ``Charts``, ``Chart``, ``ChartSeriesCollection``,
``ChartSeries``, ``ChartAxis``, ``ChartLegend``, ``Names``, ``Name``, ``Tables``, ``Table``):
every public attribute and method here exists on the real class with a compatible signature
(``tests/test_macros.py`` checks it, so the stand-in cannot drift from xlwings). Constructors
and anything starting with ``_`` are the stand-in's own.

Cells live in a dict per sheet, so reads work, and they behave like Excel where it matters for
kpi_xl: a written string is parsed as if typed — ``'text`` stores ``text`` with the quote
prefix, ``=…`` (and ``+``/``-``/``@`` text that is not a number) becomes a formula, number-like
text becomes a number, TRUE/FALSE a boolean; numbers read back as floats (as xlwings returns
them). Date-like text is *not* turned into a date here (Excel would). Every write is appended
to ``book._log`` as ``(what, sheet, address, value)``.

:func:`load_workbook` fills a stand-in Book from an .xlsx/.xlsm with openpyxl (cached values,
number formats, Excel tables, defined names).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from openpyxl.utils import column_index_from_string, get_column_letter

_DEFAULT_WIDTH = 8.43
_ROW_POINTS = 15.0
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
_NUMBER = re.compile(r"^\s*[+\-]?(\d+(\.\d*)?|\.\d+)([eE][+\-]?\d+)?\s*$")


@dataclass
class Cell:
    value: Any = None
    formula: str | None = None
    horizontal_alignment: str | None = None
    number_format: str = "General"
    quote_prefix: bool = False
    fill: Any = None
    font: dict[str, Any] = field(default_factory=dict)
    wrap_text: bool = False
    vertical_alignment: str | None = None
    borders: dict[str, Any] | None = None


def excel_input(value: Any) -> Cell:
    """What Excel stores when ``value`` is written to a cell (Range.Value)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if not isinstance(value, str):
        return Cell(value=value)
    if value.startswith("'"):
        return Cell(value=value[1:], quote_prefix=True)
    if value == "":
        return Cell(value=None)
    number = value.replace(",", "")
    if _NUMBER.match(number):
        return Cell(value=float(number))
    if value.strip().upper() in ("TRUE", "FALSE"):
        return Cell(value=value.strip().upper() == "TRUE")
    if value.startswith(("=", "+", "-", "@")):
        return Cell(formula=value)
    return Cell(value=value)


def _read(cell: Cell | None) -> Any:
    if cell is None or cell.value is None:
        return None
    v = cell.value
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return float(v)
    return v


def _letters(col: int) -> str:
    return get_column_letter(col)


def _parse_cell(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", text.strip())
    if not m:
        raise ValueError(f"not a cell address: {text!r}")
    return int(m.group(2)), column_index_from_string(m.group(1).upper())


def _parse_areas(address: str) -> list[tuple[int, int, int, int]]:
    areas = []
    for part in address.split(","):
        part = part.split("!")[-1]
        if ":" in part:
            a, b = part.split(":")
            (r1, c1), (r2, c2) = _parse_cell(a), _parse_cell(b)
        else:
            r1, c1 = r2, c2 = _parse_cell(part)
        areas.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
    return areas


def area_address(area: tuple[int, int, int, int]) -> str:
    r1, c1, r2, c2 = area
    a = f"${_letters(c1)}${r1}"
    return a if (r1, c1) == (r2, c2) else f"{a}:${_letters(c2)}${r2}"


def area_cells(address: str) -> set[tuple[int, int]]:
    """Every (row, col) of an A1 address (several areas separated by commas)."""
    return {(r, c) for r1, c1, r2, c2 in _parse_areas(address)
            for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}


def _points(width: float) -> float:
    return (width * 7 + 5) * 0.75


# --------------------------------------------------------------------------- application


class App:
    def __init__(self) -> None:
        self._alerts: list[dict[str, Any]] = []
        self._screen_updating = True
        self._status_bar: Any = False
        self._status_history: list[Any] = []

    @property
    def screen_updating(self) -> bool:
        return self._screen_updating

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        self._screen_updating = value

    @property
    def status_bar(self) -> Any:
        return self._status_bar

    @status_bar.setter
    def status_bar(self, value: Any) -> None:
        self._status_bar = value
        self._status_history.append(value)

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok",
              mode: str | None = None, callback: str | None = None) -> str:
        self._alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        return "ok"


class Book:
    def __init__(self, name: str = "Book1.xlsx", app: App | None = None) -> None:
        self._name = name
        self._app = app or App()
        self._sheets: list[Sheet] = []
        self._names: list[Name] = []  # book-level names
        self._log: list[tuple[str, str, str, Any]] = []
        self._active: Sheet | None = None
        self._chart_count = 0

    @property
    def name(self) -> str:
        return self._name

    @property
    def app(self) -> App:
        return self._app

    @property
    def sheets(self) -> Sheets:
        return Sheets(self)

    @property
    def names(self) -> Names:
        scoped = [n for s in self._sheets for n in s._names]
        return Names(self._names + scoped, owner=self, sheet=None)

    def _record(self, what: str, sheet: Sheet, address: str, value: Any) -> None:
        self._log.append((what, sheet._name, address, value))


class Sheets:
    def __init__(self, book: Book) -> None:
        self._book = book

    def _find(self, key: Any) -> Sheet:
        if isinstance(key, Sheet):
            return key
        if isinstance(key, int):
            return self._book._sheets[key]
        for s in self._book._sheets:
            if s._name.lower() == str(key).lower():
                return s
        raise KeyError(key)

    def __getitem__(self, key: int | str) -> Sheet:
        return self._find(key)

    def __call__(self, name_or_index: int | str) -> Sheet:
        if isinstance(name_or_index, int):
            return self._book._sheets[name_or_index - 1]
        return self._find(name_or_index)

    def __iter__(self):
        return iter(list(self._book._sheets))

    def __len__(self) -> int:
        return len(self._book._sheets)

    def __contains__(self, key: str) -> bool:
        try:
            self._find(key)
        except KeyError:
            return False
        return True

    @property
    def count(self) -> int:
        return len(self)

    @property
    def active(self) -> Sheet | None:
        return self._book._active

    def add(self, name: str | None = None, before: Sheet | None = None,
            after: Sheet | None = None) -> Sheet:
        book = self._book
        if name is None:
            n = len(book._sheets) + 1
            while f"Sheet{n}".lower() in {s._name.lower() for s in book._sheets}:
                n += 1
            name = f"Sheet{n}"
        if name.lower() in (s._name.lower() for s in book._sheets):
            raise ValueError(f"Sheet named '{name}' already present in workbook")
        _check_sheet_name(name)
        sheet = Sheet(book, name)
        if before is not None:
            pos = book._sheets.index(self._find(before))
        elif after is not None:
            pos = book._sheets.index(self._find(after)) + 1
        else:  # Excel adds before the active sheet
            pos = book._sheets.index(book._active) if book._active in book._sheets else 0
        book._sheets.insert(pos, sheet)
        book._active = sheet
        book._record("add_sheet", sheet, "", pos)
        return sheet


def _check_sheet_name(name: str) -> None:
    if not 1 <= len(name) <= 31 or _BAD_SHEET.search(name) or name.startswith("'") \
            or name.endswith("'") or name.lower() == "history":
        raise ValueError(f"Excel refuses the sheet name {name!r}")


class Sheet:
    def __init__(self, book: Book, name: str) -> None:
        self._book = book
        self._name = name
        self._cells: dict[tuple[int, int], Cell] = {}
        self._widths: dict[int, float] = {}
        self._names: list[Name] = []
        self._charts: list[Chart] = []
        self._tables: list[Table] = []
        self._conditional: list[dict[str, Any]] = []
        self._autofit: list[str | None] = []
        self._heights: dict[int, float] = {}
        self._page = PageSetup(self)

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        _check_sheet_name(value)
        self._name = value

    @property
    def book(self) -> Book:
        return self._book

    @property
    def index(self) -> int:
        return self._book._sheets.index(self) + 1

    @property
    def names(self) -> Names:
        return Names(self._names, owner=self._book, sheet=self)

    @property
    def charts(self) -> Charts:
        return Charts(self)

    @property
    def tables(self) -> Tables:
        return Tables(self)

    @property
    def page_setup(self) -> PageSetup:
        return self._page

    @property
    def used_range(self) -> Range:
        used = [k for k, c in self._cells.items() if c.value is not None or c.formula]
        if not used:
            return Range(self, [(1, 1, 1, 1)])
        rows = [r for r, _ in used]
        cols = [c for _, c in used]
        return Range(self, [(min(rows), min(cols), max(rows), max(cols))])

    def range(self, cell1: Any, cell2: Any = None) -> Range:
        if isinstance(cell1, Range):
            cell1 = cell1._areas[0][:2]
        if isinstance(cell2, Range):
            cell2 = cell2._areas[0][2:]
        if isinstance(cell1, str):
            areas = _parse_areas(cell1)
            if cell2 is None:
                return Range(self, areas)
            r1, c1 = areas[0][:2]
        else:
            r1, c1 = cell1
        if cell2 is None:
            r2, c2 = r1, c1
        elif isinstance(cell2, str):
            r2, c2 = _parse_cell(cell2)
        else:
            r2, c2 = cell2
        if min(r1, c1, r2, c2) < 1:
            raise IndexError("xlwings rows and columns are 1-based")
        return Range(self, [(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))])

    def autofit(self, axis: str | None = None) -> None:
        self._autofit.append(axis)
        self._book._record("autofit", self, "", axis)

    def activate(self) -> None:
        self._book._active = self

    def delete(self) -> None:
        book = self._book
        if len(book._sheets) == 1:
            raise RuntimeError("Excel cannot delete the only sheet of a workbook")
        book._sheets.remove(self)
        book._record("delete_sheet", self, "", None)
        if book._active is self:
            book._active = book._sheets[0]

    def _cell(self, r: int, c: int) -> Cell:
        return self._cells.setdefault((r, c), Cell())

    def _left(self, col: int) -> float:
        return sum(_points(self._widths.get(c, _DEFAULT_WIDTH)) for c in range(1, col))

    def _top(self, row: int) -> float:
        return sum(self._heights.get(r, _ROW_POINTS) for r in range(1, row))

    def _cell_at(self, left: float, top: float) -> tuple[int, int]:
        """1-based (row, col) of the cell whose top-left corner is at (left, top) points."""
        col, x = 1, 0.0
        while x + 0.01 < left:
            x += _points(self._widths.get(col, _DEFAULT_WIDTH))
            col += 1
        row, y = 1, 0.0
        while y + 0.01 < top:
            y += self._heights.get(row, _ROW_POINTS)
            row += 1
        return row, col


# --------------------------------------------------------------------------- ranges


class Range:
    def __init__(self, sheet: Sheet, areas: list[tuple[int, int, int, int]],
                 **options: Any) -> None:
        self._sheet = sheet
        self._areas = areas
        self._options = options

    def _all(self):
        for r1, c1, r2, c2 in self._areas:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    yield r, c

    def _record(self, what: str, value: Any) -> None:
        self._sheet._book._record(what, self._sheet, self.address, value)

    def options(self, convert: Any = None, **options: Any) -> Range:
        return Range(self._sheet, self._areas, convert=convert, **options)

    @property
    def address(self) -> str:
        return ",".join(area_address(a) for a in self._areas)

    @property
    def sheet(self) -> Sheet:
        return self._sheet

    @property
    def row(self) -> int:
        return self._areas[0][0]

    @property
    def column(self) -> int:
        return self._areas[0][1]

    @property
    def shape(self) -> tuple[int, int]:
        r1, c1, r2, c2 = self._areas[0]
        return r2 - r1 + 1, c2 - c1 + 1

    @property
    def left(self) -> float:
        return self._sheet._left(self.column)

    @property
    def top(self) -> float:
        return self._sheet._top(self.row)

    @property
    def value(self) -> Any:
        r1, c1, r2, c2 = self._areas[0]
        rows = [[_read(self._sheet._cells.get((r, c))) for c in range(c1, c2 + 1)]
                for r in range(r1, r2 + 1)]
        if self._options.get("ndim") == 2:
            return rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1:
            return rows[0]
        if all(len(r) == 1 for r in rows):
            return [r[0] for r in rows]
        return rows

    @value.setter
    def value(self, data: Any) -> None:
        self._record("value", data)
        r1, c1 = self._areas[0][:2]
        if isinstance(data, list | tuple):
            rows = [list(r) if isinstance(r, list | tuple) else None for r in data]
            if any(r is None for r in rows):  # a flat list is one row
                rows = [list(data)]
            for i, row in enumerate(rows):
                for j, v in enumerate(row):
                    self._store(r1 + i, c1 + j, v)
        else:
            for r, c in self._all():
                self._store(r, c, data)

    def _store(self, r: int, c: int, v: Any) -> None:
        new = excel_input(v)
        cell = self._sheet._cell(r, c)
        cell.value, cell.formula, cell.quote_prefix = new.value, new.formula, new.quote_prefix

    @property
    def number_format(self) -> str:
        r, c = self._areas[0][:2]
        return self._sheet._cell(r, c).number_format

    @number_format.setter
    def number_format(self, value: str) -> None:
        self._record("number_format", value)
        for r, c in self._all():
            self._sheet._cell(r, c).number_format = value

    @property
    def color(self) -> Any:
        r, c = self._areas[0][:2]
        return self._sheet._cell(r, c).fill

    @color.setter
    def color(self, color_or_rgb: Any) -> None:
        self._record("color", color_or_rgb)
        for r, c in self._all():
            self._sheet._cell(r, c).fill = color_or_rgb

    @property
    def wrap_text(self) -> bool:
        r, c = self._areas[0][:2]
        return self._sheet._cell(r, c).wrap_text

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        self._record("wrap_text", value)
        for r, c in self._all():
            self._sheet._cell(r, c).wrap_text = value

    @property
    def vertical_alignment(self) -> str | None:
        r, c = self._areas[0][:2]
        return self._sheet._cell(r, c).vertical_alignment

    @vertical_alignment.setter
    def vertical_alignment(self, value: str) -> None:
        self._record("vertical_alignment", value)
        for r, c in self._all():
            self._sheet._cell(r, c).vertical_alignment = value

    @property
    def horizontal_alignment(self) -> str | None:
        c = self._sheet._cells.get((self.row, self.column))
        return c.horizontal_alignment if c else None

    @horizontal_alignment.setter
    def horizontal_alignment(self, value: str) -> None:
        self._record("horizontal_alignment", value)
        for r, c in self._all():
            self._sheet._cell(r, c).horizontal_alignment = value

    @property
    def column_width(self) -> float:
        return self._sheet._widths.get(self.column, _DEFAULT_WIDTH)

    @column_width.setter
    def column_width(self, value: float) -> None:
        self._record("column_width", value)
        for _, c1, _, c2 in self._areas:
            for c in range(c1, c2 + 1):
                self._sheet._widths[c] = value

    @property
    def row_height(self) -> float:
        return self._sheet._heights.get(self.row, _ROW_POINTS)

    @row_height.setter
    def row_height(self, value: float) -> None:
        self._record("row_height", value)
        for r1, _, r2, _ in self._areas:
            for r in range(r1, r2 + 1):
                self._sheet._heights[r] = value

    @property
    def font(self) -> Font:
        return Font(self)

    @property
    def borders(self) -> Borders:
        return Borders(self)

    @property
    def conditional_formats(self) -> ConditionalFormats:
        return ConditionalFormats(self)


class PageSetup:
    def __init__(self, sheet: Sheet) -> None:
        self._sheet = sheet
        self._print_area: str | None = None

    @property
    def print_area(self) -> str | None:
        return self._print_area

    @print_area.setter
    def print_area(self, value: str | None) -> None:
        self._sheet._book._record("print_area", self._sheet, value or "", value)
        self._print_area = value


class Font:
    def __init__(self, rng: Range) -> None:
        self._rng = rng

    def _get(self, key: str) -> Any:
        r, c = self._rng._areas[0][:2]
        return self._rng._sheet._cell(r, c).font.get(key)

    def _set(self, key: str, value: Any) -> None:
        self._rng._record(f"font.{key}", value)
        for r, c in self._rng._all():
            self._rng._sheet._cell(r, c).font[key] = value

    @property
    def bold(self) -> bool | None:
        return self._get("bold")

    @bold.setter
    def bold(self, value: bool) -> None:
        self._set("bold", value)

    @property
    def color(self) -> Any:
        return self._get("color")

    @color.setter
    def color(self, value: Any) -> None:
        self._set("color", value)

    @property
    def size(self) -> float | None:
        return self._get("size")

    @size.setter
    def size(self, value: float) -> None:
        self._set("size", value)


class Borders:
    def __init__(self, rng: Range) -> None:
        self._rng = rng

    def set(self, which: str = "all", *, line_style: str | None = None,
            weight: str | None = None, color: Any = None) -> None:
        spec = {"which": which, "line_style": line_style, "weight": weight, "color": color}
        self._rng._record("borders", spec)
        for r, c in self._rng._all():
            self._rng._sheet._cell(r, c).borders = spec


class ConditionalFormats:
    def __init__(self, rng: Range) -> None:
        self._rng = rng

    def _add(self, rule: dict[str, Any]) -> None:
        rule["range"] = self._rng.address
        self._rng._record("conditional_format", rule)
        self._rng._sheet._conditional.append(rule)

    def add_cell_value(self, operator: str, formula1: Any, formula2: Any = None, *,
                       fill_color: Any = None, stop_if_true: bool = False) -> None:
        if (operator in ("between", "not_between")) != (formula2 is not None):
            raise ValueError("formula2 is required for between/not_between only")
        self._add({"type": "cell_value", "operator": operator, "formula1": formula1,
                   "formula2": formula2, "fill_color": fill_color,
                   "stop_if_true": stop_if_true})

    def add_custom(self, formula: str, *, fill_color: Any = None,
                   stop_if_true: bool = False) -> None:
        self._add({"type": "custom", "formula": formula, "fill_color": fill_color,
                   "stop_if_true": stop_if_true})

    def add_color_scale(self, colors: list[Any], *, thresholds: list[float] | None = None,
                        threshold_type: str = "number") -> None:
        if len(colors) not in (2, 3):
            raise ValueError("two or three colours")
        self._add({"type": "color_scale", "colors": list(colors), "thresholds": thresholds})


# --------------------------------------------------------------------------- names, tables


class Name:
    def __init__(self, name: str, refers_to: str, sheet: Sheet | None) -> None:
        self._name = name
        self._refers_to = refers_to
        self._sheet = sheet

    @property
    def name(self) -> str:
        if self._sheet is None:
            return self._name
        s = self._sheet._name
        prefix = s if re.fullmatch(r"[A-Za-z_]\w*", s) else "'" + s.replace("'", "''") + "'"
        return f"{prefix}!{self._name}"

    @property
    def refers_to(self) -> str:
        return self._refers_to

    def delete(self) -> None:
        owner = self._sheet._names if self._sheet is not None else None
        if owner is not None:
            owner.remove(self)


class Names:
    def __init__(self, names: list[Name], owner: Book, sheet: Sheet | None) -> None:
        self._list = names
        self._book = owner
        self._sheet = sheet

    def __iter__(self):
        return iter(list(self._list))

    def __len__(self) -> int:
        return len(self._list)

    def __getitem__(self, item: int | str) -> Name:
        if isinstance(item, int):
            return self._list[item]
        for n in self._list:
            if n.name == item or n._name == item:
                return n
        raise KeyError(item)

    def __contains__(self, item: int | str) -> bool:
        try:
            self[item]
        except (KeyError, IndexError):
            return False
        return True

    @property
    def count(self) -> int:
        return len(self._list)

    def add(self, name: str, refers_to: str) -> Name:
        if not refers_to.startswith("="):
            raise ValueError("refers_to must start with '='")
        for n in list(self._list):
            if n._name.lower() == name.lower():
                self._list.remove(n)  # Excel redefines an existing name
        new = Name(name, refers_to, self._sheet)
        if self._sheet is not None:
            self._sheet._names.append(new)
            self._book._record("name", self._sheet, name, refers_to)
        else:
            self._book._names.append(new)
        return new


class Table:
    def __init__(self, sheet: Sheet, name: str, area: tuple[int, int, int, int]) -> None:
        self._sheet = sheet
        self._name = name
        self._area = area

    @property
    def name(self) -> str:
        return self._name

    @property
    def range(self) -> Range:
        return Range(self._sheet, [self._area])

    @property
    def header_row_range(self) -> Range:
        r1, c1, _, c2 = self._area
        return Range(self._sheet, [(r1, c1, r1, c2)])

    @property
    def data_body_range(self) -> Range | None:
        r1, c1, r2, c2 = self._area
        return None if r2 == r1 else Range(self._sheet, [(r1 + 1, c1, r2, c2)])


class Tables:
    def __init__(self, sheet: Sheet) -> None:
        self._sheet = sheet

    def __iter__(self):
        return iter(list(self._sheet._tables))

    def __len__(self) -> int:
        return len(self._sheet._tables)

    def __getitem__(self, key: int | str) -> Table:
        if isinstance(key, int):
            return self._sheet._tables[key]
        for t in self._sheet._tables:
            if t._name.lower() == key.lower():
                return t
        raise KeyError(key)


# --------------------------------------------------------------------------- charts


class ChartAxis:
    def __init__(self) -> None:
        self._props: dict[str, Any] = {}

    @property
    def number_format(self) -> str | None:
        return self._props.get("number_format")

    @number_format.setter
    def number_format(self, value: str) -> None:
        self._props["number_format"] = value

    @property
    def title(self) -> str | None:
        return self._props.get("title")

    @title.setter
    def title(self, value: str | None) -> None:
        self._props["title"] = value

    @property
    def reverse_order(self) -> bool:
        return bool(self._props.get("reverse_order"))

    @reverse_order.setter
    def reverse_order(self, value: bool) -> None:
        self._props["reverse_order"] = value


class ChartLegend:
    def __init__(self) -> None:
        self._position: str | None = None

    @property
    def position(self) -> str | None:
        return self._position

    @position.setter
    def position(self, value: str) -> None:
        self._position = value


class ChartSeries:
    def __init__(self, name: Any, values: str) -> None:
        self._props: dict[str, Any] = {"name": name, "values": values, "chart_type": None,
                                       "axis_group": "primary"}

    @property
    def name(self) -> Any:
        return self._props["name"]

    @property
    def chart_type(self) -> str | None:
        return self._props["chart_type"]

    @chart_type.setter
    def chart_type(self, value: str) -> None:
        self._props["chart_type"] = value

    @property
    def axis_group(self) -> str:
        return self._props["axis_group"]

    @axis_group.setter
    def axis_group(self, value: str) -> None:
        if value not in ("primary", "secondary"):
            raise ValueError(value)
        self._props["axis_group"] = value

    @property
    def marker_style(self) -> str | None:
        return self._props.get("marker_style")

    @marker_style.setter
    def marker_style(self, value: str) -> None:
        self._props["marker_style"] = value

    @property
    def marker_size(self) -> int | None:
        return self._props.get("marker_size")

    @marker_size.setter
    def marker_size(self, value: int) -> None:
        self._props["marker_size"] = value


class ChartSeriesCollection:
    def __init__(self, series: list[ChartSeries]) -> None:
        self._series = series

    def __iter__(self):
        return iter(list(self._series))

    def __len__(self) -> int:
        return len(self._series)

    def __getitem__(self, key: int | str) -> ChartSeries:
        if isinstance(key, int):
            return self._series[key]
        for s in self._series:
            if s.name == key:
                return s
        raise KeyError(key)


class Chart:
    def __init__(self, sheet: Sheet, left: float, top: float, width: float,
                 height: float) -> None:
        sheet._book._chart_count += 1
        self._sheet = sheet
        self._props: dict[str, Any] = {
            "name": f"Chart {sheet._book._chart_count}", "left": left, "top": top,
            "width": width, "height": height, "chart_type": None, "source": None,
            "plot_by": None, "x_values": None, "title": None}
        self._series: list[ChartSeries] = []
        self._legend = ChartLegend()
        self._axes = {"value": ChartAxis(), "category": ChartAxis(), "secondary": ChartAxis()}

    @property
    def name(self) -> str:
        return self._props["name"]

    @property
    def left(self) -> float:
        return self._props["left"]

    @property
    def top(self) -> float:
        return self._props["top"]

    @property
    def width(self) -> float:
        return self._props["width"]

    @property
    def height(self) -> float:
        return self._props["height"]

    @property
    def chart_type(self) -> str | None:
        return self._props["chart_type"]

    @chart_type.setter
    def chart_type(self, value: str) -> None:
        import xlwings.base_classes as bc

        if value not in bc.CHART_TYPES:
            raise ValueError(f"unknown chart type {value!r}")
        self._props["chart_type"] = value

    @property
    def title(self) -> str | None:
        return self._props["title"]

    @title.setter
    def title(self, value: str | None) -> None:
        self._props["title"] = value

    @property
    def legend(self) -> ChartLegend:
        return self._legend

    @property
    def value_axis(self) -> ChartAxis:
        return self._axes["value"]

    @property
    def category_axis(self) -> ChartAxis:
        return self._axes["category"]

    @property
    def secondary_value_axis(self) -> ChartAxis:
        return self._axes["secondary"]

    @property
    def series(self) -> ChartSeriesCollection:
        return ChartSeriesCollection(self._series)

    def set_source_data(self, source: Range, plot_by: str | None = None) -> None:
        if source._sheet is not self._sheet:
            raise ValueError("source on another sheet")
        self._props["source"] = source.address
        self._props["plot_by"] = plot_by
        self._series = []
        for r1, c1, r2, c2 in source._areas:
            for c in range(c1, c2 + 1):
                name = _read(self._sheet._cells.get((r1, c)))
                self._series.append(ChartSeries(name, area_address((r1 + 1, c, r2, c))))
        self._sheet._book._record("chart_source", self._sheet, source.address, plot_by)

    def set_x_axis_values(self, source: Range) -> None:
        self._props["x_values"] = source.address


class Charts:
    def __init__(self, sheet: Sheet) -> None:
        self._sheet = sheet

    def add(self, left: float = 0, top: float = 0, width: float = 355,
            height: float = 211) -> Chart:
        chart = Chart(self._sheet, left, top, width, height)
        self._sheet._charts.append(chart)
        self._sheet._book._record("chart", self._sheet, "", (left, top, width, height))
        return chart

    def __iter__(self):
        return iter(list(self._sheet._charts))

    def __len__(self) -> int:
        return len(self._sheet._charts)

    def __getitem__(self, key: int | str) -> Chart:
        if isinstance(key, int):
            return self._sheet._charts[key]
        for c in self._sheet._charts:
            if c.name == key:
                return c
        raise KeyError(key)

    @property
    def count(self) -> int:
        return len(self._sheet._charts)


# --------------------------------------------------------------------------- loading


def load_workbook(path: Any, app: App | None = None) -> Book:
    """A stand-in Book holding the sheets, cached values, number formats, Excel tables and
    defined names of the workbook file at ``path`` (read with openpyxl)."""
    import pathlib

    wb = openpyxl.load_workbook(path, data_only=True)
    book = Book(pathlib.Path(path).name, app)
    for ws in wb.worksheets:
        sheet = Sheet(book, ws.title)
        book._sheets.append(sheet)
        for (r, col), c in ws._cells.items():  # only the stored cells (iter_rows fills gaps)
            if c.value is None and c.number_format == "General":
                continue
            sheet._cells[(r, col)] = Cell(value=c.value, number_format=c.number_format,
                                          quote_prefix=bool(c.quotePrefix))
        for letter, dim in ws.column_dimensions.items():
            if dim.width:
                sheet._widths[column_index_from_string(letter)] = dim.width
        for tname, ref in ws.tables.items():
            sheet._tables.append(Table(sheet, tname, _parse_areas(ref)[0]))
        for dname, defn in ws.defined_names.items():
            sheet._names.append(Name(dname, "=" + (defn.attr_text or ""), sheet))
    for dname, defn in wb.defined_names.items():
        book._names.append(Name(dname, "=" + (defn.attr_text or ""), None))
    book._active = book._sheets[wb.index(wb.active)] if book._sheets else None
    book._log.clear()
    return book


def clone(book: Book) -> Book:
    """An independent copy of ``book`` (much faster than copy.deepcopy for large books)."""
    import copy

    new = Book(book._name, App())
    new._chart_count = book._chart_count
    new._log = list(book._log)
    for s in book._sheets:
        t = Sheet(new, s._name)
        t._cells = {k: copy.copy(c) for k, c in s._cells.items()}
        for c in t._cells.values():
            c.font = dict(c.font)
        t._widths = dict(s._widths)
        t._heights = dict(s._heights)
        t._page._print_area = s._page._print_area
        t._names = [Name(n._name, n._refers_to, t) for n in s._names]
        t._tables = [Table(t, tb._name, tb._area) for tb in s._tables]
        t._conditional = copy.deepcopy(s._conditional)
        for ch in s._charts:
            t._charts.append(copy.deepcopy(ch, {id(s): t, id(book): new}))
        new._sheets.append(t)
        if book._active is s:
            new._active = t
    new._names = [Name(n._name, n._refers_to, None) for n in book._names]
    return new


def sheet_cells(sheet: Sheet) -> dict[tuple[int, int], Cell]:
    """The stand-in sheet's cells, 1-based (row, col) → :class:`Cell`."""
    return sheet._cells


def chart_record(chart: Chart) -> dict[str, Any]:
    """Everything recorded about one chart, with its anchor cell (1-based row, col)."""
    out = dict(chart._props)
    out["anchor"] = chart._sheet._cell_at(chart.left, chart.top)
    out["series"] = [dict(s._props) for s in chart._series]
    out["legend"] = chart._legend.position
    out["axes"] = {k: dict(a._props) for k, a in chart._axes.items()}
    return out
