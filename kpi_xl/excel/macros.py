"""The "Generate rep tabs" button: refresh the open workbook in Excel through xlwings.

The button runs xlwings' ``SampleCall``, which imports the companion module named like the
workbook (see :mod:`kpi_xl.excel.companion`) and calls its ``main()``; that calls
:func:`generate_rep_tabs` on ``xw.Book.caller()``. Works in desktop Excel on Windows and macOS
(``RunPython``); every user needs a local Python with kpi_xl and xlwings.

What the button does, on the open workbook (nothing is saved — the user saves):

1. reads the input tables from the workbook itself, so unsaved edits count, with the same
   rules as the file reader (:func:`kpi_xl.read.read_sheet_values`): each Excel table
   (ListObject) whose name resolves to a kpi_xl table (``tblOpportunities``, ``商談`` …), else
   a sheet named after the table; rows pasted below a table, total rows, titles above the
   header and stray cells are handled as in a file. Row numbers are the sheet's, so problems
   point at the row the user sees;
2. validates them (:func:`kpi_xl.validate.validate`). On problems it writes every one of them
   to a sheet named ``Check`` (columns sheet, row, column, value as typed, problem, hint, in
   the book's language; then the rows not counted as data and the rows read outside an Excel
   table; created or replaced, marked as generated so the next successful run removes it),
   activates it and shows a message box — the report sheets and every other sheet are left as
   they are;
3. otherwise builds the report and replaces the generated sheets
   (:func:`kpi_xl.report.render_xlwings.render_book`); when rows were excluded (blank,
   duplicate, total rows …) or read outside an Excel table, a Check sheet lists them (not
   activated).

The message box is ``book.app.alert`` (xlwings ≥ 0.27.13 on desktop Excel); on a runtime that
has none, or when it fails, the ``Check`` sheet is the only report. Progress goes to Excel's
status bar (``app.status_bar``) and the screen is frozen while writing
(``app.screen_updating``), both restored afterwards; a runtime without them is not an error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pandas as pd

from ..errors import TABLE_COLUMNS, KpiXlError, ValidationError
from ..i18n import exclusion_text, outside_text, text
from ..progress import on_step
from ..read import (
    DEFAULT_LIMITS,
    Limits,
    RawTable,
    Rect,
    SheetValues,
    TableInfo,
    parse_range_formula,
    read_sheet_values,
)
from ..report.layout import build_report
from ..report.naming import GENERATED_NAME, sheet_name
from ..report.render_xlwings import excel_text, generated_sheet_names, mark_generated, render_book
from ..validate import book_locale, validate

__all__ = ["CHECK_COLUMNS", "CHECK_SHEET", "generate_rep_tabs", "main", "read_tables"]

CHECK_SHEET = "Check"
CHECK_COLUMNS = TABLE_COLUMNS  # labels: problems.col.<name> in the book's language
_CHECK_KIND = "check"
_ALERT_TITLE = "kpi_xl"
_ALERT_LINES = 15


# --------------------------------------------------------------------------- reading


def _rect(rng: Any) -> Rect:
    rows, cols = rng.shape
    return Rect(rng.row, rng.column, rng.row + rows - 1, rng.column + cols - 1)


def _fetch(sheet: Any) -> Any:
    def fetch(rect: Rect) -> list[list[Any]]:
        rng = sheet.range((rect.top, rect.left), (rect.bottom, rect.right))
        try:
            values = rng.options(ndim=2, err_to_str=True).value
        except TypeError:  # a runtime without err_to_str
            values = rng.options(ndim=2).value
        return [list(r) for r in values or []]

    return fetch


def _table_info(sheet: Any, table: Any) -> TableInfo:
    headers = 1
    with contextlib.suppress(Exception):
        headers = 1 if table.show_headers else 0
    totals = 0
    with contextlib.suppress(Exception):
        totals = 1 if table.show_totals else 0
    return TableInfo(table.name, sheet.name, _rect(table.range), headers, totals)


def _sheet_names(book: Any) -> dict[str, list[Rect]]:
    """Named ranges per sheet (their cells belong to the template's lists, not to a table)."""
    out: dict[str, list[Rect]] = {}
    for name in book.names:
        with contextlib.suppress(Exception):
            for sheet, rect in parse_range_formula(name.refers_to or ""):
                if sheet:
                    out.setdefault(sheet, []).append(rect)
    return out


def read_tables(book: Any, *, limits: Limits | None = None) -> dict[str, RawTable]:
    """Every kpi_xl input table of the open workbook, found as :func:`kpi_xl.read.read_source`
    finds them in a file (:func:`kpi_xl.read.read_sheet_values`): Excel tables first, then
    sheets named after a table; rows below or beside a table, total rows, titles and stray
    cells are handled the same way. Unsaved edits count."""
    generated = set(generated_sheet_names(book))
    names = _sheet_names(book)
    sheets = []
    for sheet in book.sheets:
        used = sheet.used_range
        sheets.append(SheetValues(sheet.name, None,
                                  [_table_info(sheet, t) for t in sheet.tables],
                                  names.get(sheet.name, []), used=_rect(used),
                                  fetch=_fetch(sheet), generated=sheet.name in generated))
    return read_sheet_values(book.name, sheets, limits=limits or DEFAULT_LIMITS)


# --------------------------------------------------------------------------- Excel chrome


@contextlib.contextmanager
def _app_state(book: Any) -> Iterator[Any]:
    """Freeze the screen while writing; restore it and the status bar afterwards."""
    app = None
    with contextlib.suppress(Exception):
        app = book.app
    updating = None
    if app is not None:
        with contextlib.suppress(Exception):
            updating = app.screen_updating
            app.screen_updating = False
    try:
        yield app
    finally:
        if app is not None:
            with contextlib.suppress(Exception):
                app.screen_updating = True if updating is None else updating
            with contextlib.suppress(Exception):
                app.status_bar = False  # give the status bar back to Excel


def _status(app: Any, text: str) -> None:
    if app is not None:
        with contextlib.suppress(Exception):
            app.status_bar = text


def _alert(book: Any, prompt: str) -> None:
    """A message box where the runtime has one (desktop Excel); silently none elsewhere."""
    with contextlib.suppress(Exception):
        book.app.alert(prompt, title=_ALERT_TITLE, mode="critical")


# --------------------------------------------------------------------------- Check sheet


def _write_check(book: Any, error: ValidationError | None, locale: str = "ja",
                 exclusions: list[Any] | None = None, outside: list[Any] | None = None,
                 activate: bool = True) -> str:
    """Create or replace the Check sheet: every problem (localised columns sheet, row, column,
    value as typed, problem, hint), then the rows not counted as data and the rows read outside
    an Excel table; return its name."""
    for name in generated_sheet_names(book):
        if _is_check(book.sheets[name]):
            book.sheets[name].delete()
    names = [s.name for s in book.sheets]
    title = sheet_name(CHECK_SHEET, names)
    before = None
    with contextlib.suppress(Exception):
        before = book.sheets.active
    ws = book.sheets.add(title, after=book.sheets[names[-1]])  # Excel activates a new sheet
    loc = error.locale if error is not None else locale
    exclusions = list(error.exclusions if error is not None else exclusions or [])
    outside = list(error.outside if error is not None else outside or [])
    rows: list[list[Any]] = []
    bold: list[int] = []
    if error is not None:
        table = error.table(loc)
        bold.append(1)
        rows.append(list(table.columns))
        rows += [[None if pd.isna(v) else v for v in r] for r in table.itertuples(index=False)]
    for key, items, line in (("problems.excluded", exclusions, exclusion_text),
                             ("problems.outside", outside, outside_text)):
        if items:
            if rows:
                rows.append([None] * len(CHECK_COLUMNS))
            bold.append(len(rows) + 1)
            rows.append([text(key, loc)] + [None] * (len(CHECK_COLUMNS) - 1))
            rows += [[line(e, loc)] + [None] * (len(CHECK_COLUMNS) - 1) for e in items]
    ws.range((1, 1)).value = [[excel_text(v) if isinstance(v, str) else _plain(v) for v in r]
                              for r in rows]
    for r in bold:
        ws.range((r, 1), (r, len(CHECK_COLUMNS))).font.bold = True
    ws.autofit("c")
    mark_generated(ws, _CHECK_KIND)
    if activate:
        ws.activate()
    elif before is not None:
        with contextlib.suppress(Exception):
            before.activate()
    return title


def _plain(value: Any) -> Any:
    """Problem values are plain (:class:`kpi_xl.errors.Problem`); anything else as text."""
    if value is None or isinstance(value, (bool, int, float, dt.datetime)):
        return value
    return excel_text(str(value))


def _is_check(sheet: Any) -> bool:
    for name in sheet.names:
        if name.name.rsplit("!", 1)[-1] == GENERATED_NAME:
            return (name.refers_to or "").lstrip("=").strip('"') == _CHECK_KIND
    return False


def _alert_text(error: ValidationError, sheet: str) -> str:
    n, loc = len(error.problems), error.locale
    lines = [text("check.alert", loc, count=n, sheet=sheet), ""]
    lines += [p.format() for p in error.problems[:_ALERT_LINES]]
    if n > _ALERT_LINES:
        lines.append(text("check.more", loc, count=n - _ALERT_LINES))
    return "\n".join(lines)


# --------------------------------------------------------------------------- the button


def generate_rep_tabs(book: Any, *, generated_at: dt.datetime | None = None) -> None:
    """The button: validate the open workbook's input tables and regenerate the report sheets.

    ``book`` is an xlwings ``Book`` (``xw.Book.caller()``). ``generated_at`` fixes the
    "generated at" line (tests); default now. Validation problems go to the ``Check`` sheet
    and a message box, and nothing else is touched; other kpi_xl errors (no input tables,
    invalid settings) only show the message box.
    """
    with _app_state(book) as app:
        _status(app, "kpi_xl: reading the input tables…")
        try:
            raws = read_tables(book)
            ds = validate(raws, source=book.name)
        except ValidationError as exc:
            sheet = _write_check(book, exc)
            _alert(book, _alert_text(exc, sheet))
            return
        except KpiXlError as exc:
            _alert(book, str(exc))
            return

        def progress(i: int, n: int, name: str) -> None:
            _status(app, f"kpi_xl: writing {i}/{n} {name}…")

        report = build_report(ds, generated_at=generated_at)
        render_book(book, report, progress=on_step(progress))
        if ds.exclusions or ds.outside_rows:
            _write_check(book, None, book_locale(raws), ds.exclusions, ds.outside_rows,
                         activate=False)


def main() -> None:
    """Entry point of the companion module convention: ``RunPython "import book; book.main()"``
    ends up here with the calling workbook."""
    import xlwings as xw

    generate_rep_tabs(xw.Book.caller())
