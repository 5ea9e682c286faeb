"""The "Generate rep tabs" button (kpi_xl.excel.macros) and the xlwings renderer
(kpi_xl.report.render_xlwings), run against the recording stand-in of tests/xlwings_standin.py
and compared with the file renderer (kpi_xl.report.render_openpyxl)."""

from __future__ import annotations

import datetime as dt
import inspect
import math

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlwings.main as xwm
from openpyxl.chart import BarChart, DoughnutChart, LineChart, PieChart

from kpi_xl.demo import demo_frames
from kpi_xl.excel import macros
from kpi_xl.excel.macros import CHECK_COLUMNS, generate_rep_tabs, read_tables
from kpi_xl.excel.template import build_template
from kpi_xl.read import read_workbook
from kpi_xl.report.layout import build_report
from kpi_xl.report.model import ROW_POINTS, Chart, Column, Conditional, Report, Series, Sheet, Table
from kpi_xl.report.naming import GENERATED_NAME
from kpi_xl.report.render_openpyxl import generated_kind, render_into
from kpi_xl.report.render_xlwings import excel_text, generated_sheet_names, render_book
from kpi_xl.validate import load

from . import xlwings_standin as xs

AT = dt.datetime(2026, 11, 20, 9, 30)
INJECTIONS = ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "'quoted", "001", "TRUE"]

# --------------------------------------------------------------------------- (a) no drift

STANDIN_CLASSES = [xs.App, xs.Book, xs.Sheets, xs.Sheet, xs.Range, xs.PageSetup, xs.Font,
                   xs.Borders,
                   xs.ConditionalFormats, xs.Names, xs.Name, xs.Tables, xs.Table, xs.Charts,
                   xs.Chart, xs.ChartSeriesCollection, xs.ChartSeries, xs.ChartAxis,
                   xs.ChartLegend]
_DUNDERS = {"__getitem__", "__iter__", "__len__", "__call__", "__contains__"}
_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _public(cls: type) -> list[str]:
    return [n for n in vars(cls) if (not n.startswith("_") or n in _DUNDERS)]


@pytest.mark.parametrize("cls", STANDIN_CLASSES, ids=lambda c: c.__name__)
def test_standin_matches_xlwings_api(cls: type) -> None:
    real = getattr(xwm, cls.__name__, None)
    assert real is not None, f"xlwings.main has no {cls.__name__}"
    for name in _public(cls):
        mine = inspect.getattr_static(cls, name)
        try:
            theirs = inspect.getattr_static(real, name)
        except AttributeError:
            pytest.fail(f"xlwings.main.{cls.__name__} has no {name}")
        where = f"{cls.__name__}.{name}"
        if isinstance(mine, property):
            assert isinstance(theirs, property), f"{where} is not a property in xlwings"
            if mine.fset is not None:
                assert theirs.fset is not None, f"{where} is read-only in xlwings"
            continue
        assert callable(mine)
        assert callable(theirs) and not isinstance(theirs, property), \
            f"{where} is not a method in xlwings"
        if isinstance(theirs, (staticmethod, classmethod)):
            theirs = theirs.__func__
        p_mine = list(inspect.signature(mine).parameters.values())[1:]
        p_theirs = list(inspect.signature(theirs).parameters.values())[1:]
        pos_mine = [p.name for p in p_mine if p.kind in _POSITIONAL]
        pos_theirs = [p.name for p in p_theirs if p.kind in _POSITIONAL]
        assert pos_mine == pos_theirs[:len(pos_mine)], \
            f"{where}{inspect.signature(mine)} vs xlwings {inspect.signature(theirs)}"
        kw_theirs = {p.name for p in p_theirs if p.kind != inspect.Parameter.VAR_POSITIONAL}
        for p in p_mine:
            if p.kind == inspect.Parameter.KEYWORD_ONLY:
                assert p.name in kw_theirs, f"{where}: xlwings has no keyword {p.name}"
            if p.kind in (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL):
                assert any(q.kind == p.kind for q in p_theirs), f"{where}: *{p.name}"
        # a parameter the stand-in leaves out must not be required by xlwings
        for p in p_theirs[len(pos_mine):]:
            if p.kind in _POSITIONAL:
                assert p.default is not inspect.Parameter.empty, \
                    f"{where}: xlwings requires {p.name}"


def test_standin_chart_types_are_xlwings_names() -> None:
    from xlwings.base_classes import CHART_TYPES

    from kpi_xl.report.render_xlwings import CHART_TYPES as OURS

    assert set(OURS.values()) <= set(CHART_TYPES)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory):
    return build_template(tmp_path_factory.mktemp("demo") / "demo.xlsx", data=demo_frames())


@pytest.fixture(scope="module")
def demo_book_pristine(demo_path) -> xs.Book:
    return xs.load_workbook(demo_path)


@pytest.fixture
def demo_book(demo_book_pristine) -> xs.Book:
    return xs.clone(demo_book_pristine)


@pytest.fixture(scope="module")
def file_rendered(demo_path):
    """The file renderer's result for the same workbook: (openpyxl workbook, report)."""
    ds = load(demo_path)
    report = build_report(ds, generated_at=AT)
    wb = openpyxl.load_workbook(demo_path)
    render_into(wb, report)
    return wb, report


@pytest.fixture(scope="module")
def button_rendered(demo_book_pristine) -> xs.Book:
    book = xs.clone(demo_book_pristine)
    generate_rep_tabs(book, generated_at=AT)
    return book


# --------------------------------------------------------------------------- comparison


def _same(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _openpyxl_cells(ws) -> dict[tuple[int, int], object]:
    return {(c.row, c.column): c.value for row in ws.iter_rows() for c in row
            if c.value is not None}


def _standin_cells(sheet: xs.Sheet) -> dict[tuple[int, int], object]:
    out = {}
    for k, c in xs.sheet_cells(sheet).items():
        assert c.formula is None, f"{sheet.name}!{k}: stored as a formula: {c.formula!r}"
        if c.value is not None:
            out[k] = c.value
    return out


def assert_same_cells(ws, sheet: xs.Sheet) -> None:
    want, got = _openpyxl_cells(ws), _standin_cells(sheet)
    assert set(got) == set(want), (ws.title, sorted(set(got) ^ set(want))[:10])
    bad = [(k, want[k], got[k]) for k in want if not _same(want[k], got[k])]
    assert not bad, (ws.title, bad[:10])


def assert_same_formats(ws, sheet: xs.Sheet) -> None:
    cells = xs.sheet_cells(sheet)
    keys = {(c.row, c.column) for row in ws.iter_rows() for c in row} | set(cells)
    bad = []
    for r, c in keys:
        want = ws.cell(r, c).number_format, ws.cell(r, c).alignment.horizontal
        got = ((cells[(r, c)].number_format, cells[(r, c)].horizontal_alignment)
               if (r, c) in cells else ("General", None))
        if want != got:
            bad.append(((r, c), want, got))
    assert not bad, (ws.title, bad[:10])


_OPENPYXL_TYPES = {LineChart: "line", PieChart: "pie", DoughnutChart: "doughnut"}


def _plot_type(plot) -> str:
    if isinstance(plot, BarChart):
        return "column_clustered" if plot.type == "col" else "bar_clustered"
    return _OPENPYXL_TYPES[type(plot)]


def _ref(data) -> str | None:
    if data is None:
        return None
    ref = data.numRef or data.strRef
    return ref.f if ref is not None else None


def _openpyxl_chart(chart) -> dict:
    source: set = set()
    cats: set = set()
    types = []
    for plot in chart._charts:
        secondary = getattr(getattr(plot, "y_axis", None), "axId", None) == 200
        for ser in plot.series:
            source |= xs.area_cells(_ref(ser.val))
            source |= xs.area_cells(ser.tx.strRef.f)
            cats |= xs.area_cells(_ref(ser.cat))
            types.append((_plot_type(plot), secondary))
    anchor = openpyxl.utils.cell.coordinate_from_string(chart.anchor)
    return {"type": _plot_type(chart), "source": source, "categories": cats,
            "series_types": sorted(types),
            "anchor": (anchor[1], openpyxl.utils.column_index_from_string(anchor[0]))}


def _standin_chart(chart: xs.Chart) -> dict:
    rec = xs.chart_record(chart)
    types = [(s["chart_type"] or rec["chart_type"], s["axis_group"] == "secondary")
             for s in rec["series"]]
    return {"type": rec["chart_type"], "source": xs.area_cells(rec["source"]),
            "categories": xs.area_cells(rec["x_values"]), "series_types": sorted(types),
            "anchor": rec["anchor"]}


def assert_same_charts(ws, sheet: xs.Sheet, model: Sheet) -> None:
    want = [_openpyxl_chart(c) for c in ws._charts]
    got = [_standin_chart(c) for c in sheet.charts]
    assert got == want, ws.title
    drawn = [c for c in model.charts if model.table(c.table).rows and c.series]
    for chart, rec in zip(drawn, (xs.chart_record(c) for c in sheet.charts), strict=True):
        assert rec["title"] == chart.title
        assert rec["legend"] == "bottom"
        assert rec["plot_by"] == "columns"


def _cf_openpyxl(ws) -> set:
    out = set()
    for cf in ws.conditional_formatting:
        cells = frozenset(c for rng in str(cf.sqref).split() for c in xs.area_cells(rng))
        for rule in cf.rules:
            if rule.type == "cellIs":
                out.add((cells, rule.operator, tuple(float(f) for f in rule.formula)))
            else:
                out.add((cells, rule.type, ()))
    return out


_OPS = {"greater_than_or_equal": "greaterThanOrEqual", "between": "between",
        "less_than": "lessThan"}


def _cf_standin(sheet: xs.Sheet) -> set:
    out = set()
    for rule in sheet._conditional:
        cells = frozenset(xs.area_cells(rule["range"]))
        if rule["type"] == "cell_value":
            nums = tuple(float(f) for f in (rule["formula1"], rule["formula2"]) if f is not None)
            out.add((cells, _OPS[rule["operator"]], nums))
        else:
            out.add((cells, {"custom": "expression", "color_scale": "colorScale"}[rule["type"]],
                     ()))
    return out


def assert_same_report(wb: openpyxl.Workbook, book: xs.Book, report: Report) -> None:
    assert [s.name for s in book.sheets] == wb.sheetnames
    generated = generated_sheet_names(book)
    assert generated == [ws.title for ws in wb.worksheets if generated_kind(ws)]
    for name, model in zip(generated, report.sheets, strict=True):
        ws, sheet = wb[name], book.sheets[name]
        assert_same_cells(ws, sheet)
        assert_same_formats(ws, sheet)
        assert_same_charts(ws, sheet, model)
        assert _cf_standin(sheet) == _cf_openpyxl(ws), name
        widths = {openpyxl.utils.column_index_from_string(k): d.width
                  for k, d in ws.column_dimensions.items() if d.width}
        assert sheet._widths == widths, name
        # the print area and the row heights the page breaks were computed for
        assert sheet.page_setup.print_area.replace("$", "") == ws.print_area.split("!")[-1] \
            .replace("$", ""), name
        tall = {r: d.height for r, d in ws.row_dimensions.items()
                if d.height and d.height != ws.sheet_format.defaultRowHeight}
        assert {r: h for r, h in sheet._heights.items() if h != ROW_POINTS} == tall, name
        assert ws.sheet_format.defaultRowHeight == ROW_POINTS
        kind = [n.refers_to for n in sheet.names
                if n.name.rsplit("!", 1)[-1] == GENERATED_NAME]
        assert kind == [f'="{generated_kind(ws)}"']
    assert book.sheets.active.name == generated[0]


# --------------------------------------------------------------------------- (b) same result


def test_button_reads_the_same_tables_as_the_file_reader(demo_path, demo_book) -> None:
    from_file = read_workbook(demo_path)
    from_excel = read_tables(demo_book)
    assert set(from_excel) == set(from_file)
    for name, raw in from_file.items():
        assert from_excel[name].header_row == raw.header_row, name
        assert list(from_excel[name].frame.columns) == list(raw.frame.columns), name
        assert len(from_excel[name].frame) == len(raw.frame), name


def test_button_on_demo_workbook_equals_file_renderer(file_rendered, button_rendered) -> None:
    wb, report = file_rendered
    assert_same_report(wb, button_rendered, report)
    assert button_rendered.app._alerts == []
    first = button_rendered.sheets[0].name
    assert first == wb.sheetnames[0]  # the how-to sheet stays first


def test_button_header_styling(button_rendered, file_rendered) -> None:
    _, report = file_rendered
    model = report.sheets[0]
    sheet = button_rendered.sheets[model.name]
    table = model.tables[0]
    for j in range(len(table.columns)):
        cell = xs.sheet_cells(sheet)[(table.header_row + 1, table.col + j + 1)]
        assert cell.fill == (0x1F, 0x38, 0x64)
        assert cell.font == {"bold": True, "color": (255, 255, 255)}
        assert cell.wrap_text and cell.vertical_alignment == "center"


def test_button_writes_each_table_in_one_call(button_rendered, file_rendered) -> None:
    _, report = file_rendered
    writes = [(s, a) for what, s, a, _ in button_rendered._log if what == "value"]
    sheet = report.sheets[0]
    expected = (len(sheet.texts) + len(sheet.legends)
                + sum(3 + (1 if t.note else 0) for t in sheet.tables))
    assert sum(1 for s, _ in writes if s == sheet.name) == expected


# --------------------------------------------------------------------------- (c) validation


def _snapshot(book: xs.Book) -> list:
    def cell(c: xs.Cell) -> tuple:
        return (c.value, c.formula, c.number_format, c.quote_prefix, c.fill,
                sorted(c.font.items()), c.wrap_text, c.borders)

    return [(s.name, {k: cell(c) for k, c in xs.sheet_cells(s).items()}, s._widths.copy(),
             [(n.name, n.refers_to) for n in s.names], len(s._charts)) for s in book.sheets]


@pytest.fixture(scope="module")
def bad_path(tmp_path_factory: pytest.TempPathFactory):
    frames = demo_frames()
    frames["orders"].loc[3, "amount"] = -5
    frames["opportunities"].loc[0, "status"] = "bogus"
    return build_template(tmp_path_factory.mktemp("bad") / "bad.xlsx", data=frames)


def test_validation_errors_go_to_check_sheet_and_alert(bad_path) -> None:
    book = xs.load_workbook(bad_path)
    before = _snapshot(book)
    generate_rep_tabs(book, generated_at=AT)

    names = [s.name for s in book.sheets]
    assert names == [n for n, *_ in before] + ["Check"]
    assert _snapshot(book)[:-1] == before  # nothing else touched
    check = book.sheets["Check"]
    rows = check.range((1, 1), (check.used_range.shape[0], 6)).options(ndim=2).value
    assert rows[0] == ["シート", "行", "列", "入力値", "問題", "対処"]  # the book is Japanese
    assert len(CHECK_COLUMNS) == 6
    problems = {r[4]: r for r in rows[1:]}
    assert len(rows) - 1 == 2
    neg = problems["金額がマイナスです"]
    orders = book.sheets[neg[0]]
    assert orders.range((int(neg[1]), 1), (int(neg[1]), 6)).value.count(-5.0) == 1
    assert any(r[3] == "bogus" for r in rows[1:])
    assert book.sheets.active.name == "Check"
    (alert,) = book.app._alerts
    assert "入力に2件の問題" in alert["prompt"] and "「Check」シート" in alert["prompt"]
    assert alert["mode"] == "critical"
    assert book.app.screen_updating is True

    # a second failing run replaces the Check sheet; a fixed workbook removes it
    generate_rep_tabs(book, generated_at=AT)
    assert [s.name for s in book.sheets].count("Check") == 1
    assert "Check (2)" not in [s.name for s in book.sheets]
    for sheet in book.sheets:
        for (r, c), cell in list(xs.sheet_cells(sheet).items()):
            if cell.value == -5.0:
                sheet.range((r, c)).value = 5
            if cell.value == "bogus":
                sheet.range((r, c)).value = "失注"
    generate_rep_tabs(book, generated_at=AT)
    assert "Check" not in [s.name for s in book.sheets]
    assert len(generated_sheet_names(book)) > 3


def test_alert_failure_is_not_fatal(bad_path, monkeypatch) -> None:
    book = xs.load_workbook(bad_path)

    def no_alert(*args, **kwargs):
        raise NotImplementedError("no message box here")

    monkeypatch.setattr(book.app, "alert", no_alert)
    generate_rep_tabs(book, generated_at=AT)
    assert "Check" in [s.name for s in book.sheets]


def test_workbook_without_tables_alerts() -> None:
    book = xs.Book("empty.xlsx")
    book.sheets.add("Sheet1")
    generate_rep_tabs(book)
    (alert,) = book.app._alerts
    assert "no kpi_xl input tables" in alert["prompt"]
    assert [s.name for s in book.sheets] == ["Sheet1"]


# --------------------------------------------------------------------------- (d) twice


def test_refresh_twice_keeps_one_set_of_sheets(button_rendered, file_rendered) -> None:
    wb, report = file_rendered
    book = xs.clone(button_rendered)
    generate_rep_tabs(book, generated_at=AT)
    assert_same_report(wb, book, report)


def test_button_replaces_sheets_the_file_renderer_wrote(demo_path, tmp_path,
                                                        file_rendered) -> None:
    wb, report = file_rendered
    path = tmp_path / "demo.xlsx"  # same name: the report names its source file
    wb.save(path)
    book = xs.load_workbook(path)
    assert generated_sheet_names(book) == [s.name for s in report.sheets]
    generate_rep_tabs(book, generated_at=AT)
    assert_same_report(wb, book, report)


# --------------------------------------------------------------------------- (e) text


@pytest.mark.parametrize(("text", "written"), [
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"), ("+1", "'+1"), ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("'quoted", "''quoted"), ("001", "'001"), ("1,234", "'1,234"),
    ("50%", "'50%"), ("2026-04", "'2026-04"), ("2026/4/1", "'2026/4/1"), ("4月", "4月"),
    ("2026年4月1日", "'2026年4月1日"), ("true", "'true"), ("佐藤 美咲", "佐藤 美咲"),
    ("Emily Carter", "Emily Carter"), ("", ""), ("A-1", "A-1"), ("C0001", "C0001"),
])
def test_excel_text(text: str, written: str) -> None:
    assert excel_text(text) == written


def small_report() -> Report:
    dash = Sheet("Dashboard", "dashboard", "Dashboard")
    dash.add_text(["Report", *INJECTIONS], "title")
    dash.add(Table("score", "Scorecard", [
        Column("rep", "Rep", "text"), Column("target", "Target", "currency"),
        Column("ach", "Achievement", "pct"), Column("v", "Value", "auto"),
    ], [[t, 1000 + i, 0.5 + i / 5, 3] for i, t in enumerate(INJECTIONS)] + [
        ["None", np.int64(5), float("nan"), None]],
        conditional=[Conditional("ach", "traffic", 0.8, 1.0)], note="=1+1",
        row_fmt=["pct", "int", "currency", "number", "days", "general", "text", "int"]))
    dash.add(Table("monthly", "Monthly", [
        Column("month", "Month", "month"), Column("revenue", "Revenue", "currency"),
        Column("deals", "Deals", "int"), Column("win", "Win rate", "pct"),
    ], [[pd.Timestamp(2026, 4, 1), 500, 2, 0.25], [dt.date(2026, 5, 1), 700, 3, None]]),
        Chart("column", "Revenue and win rate", "monthly", "month",
              [Series("revenue"), Series("win", kind="line", secondary=True)],
              y_title="Revenue", y_format="currency"),
        Chart("bar", "Deals", "monthly", "month", [Series("deals")]))
    dash.add(Table("empty", "Lost", [Column("m", "Month", "month"), Column("n", "N", "int")],
                   []), Chart("line", "Lost", "empty", "m", [Series("n")]))
    rep = Sheet("Sheet", "rep", "Rep", rep="x")
    rep.add(Table("mix", "Mix", [Column("k", "Kind", "text"), Column("a", "A", "int"),
                                 Column("b", "B", "number")],
                  [["call", 3, 1.5], ["visit", 2, 2.5]],
                  conditional=[Conditional("*", "scale")]),
            Chart("pie", "Mix", "mix", "k", [Series("a"), Series("b")]),
            Chart("doughnut", "Mix 2", "mix", "k", [Series("a"), Series("b")]),
            Chart("line", "Both", "mix", "k", [Series("b"), Series("a", secondary=True)]))
    return Report([dash, rep], "en", "JPY", AT, "test", dt.date(2026, 5, 31), {})


def test_small_report_equals_file_renderer_and_keeps_text_literal() -> None:
    report = small_report()
    wb = openpyxl.Workbook()
    wb.active.title = "How to"
    wb.create_sheet("Sheet")  # a user's sheet: the rep sheet becomes "Sheet (2)"
    render_into(wb, report)

    book = xs.Book("small.xlsx")
    book.sheets.add("Sheet")
    book.sheets.add("How to", before=book.sheets["Sheet"])
    written = render_book(book, report)
    assert written == ["Dashboard", "Sheet (2)"]
    assert_same_report(wb, book, report)

    dash = book.sheets["Dashboard"]
    cells = xs.sheet_cells(dash)
    quoted = {c.value for c in cells.values() if c.quote_prefix}
    assert {*INJECTIONS, "=1+1"} <= quoted  # stored as that literal text
    sent = [v for what, s, _, v in book._log if what == "value" and s == "Dashboard"]
    flat = [x for v in sent for x in (v if isinstance(v, list) else [v])
            for x in (x if isinstance(x, list) else [x])]
    assert "'=cmd|' /C calc'!A0" in flat and "'@SUM(A1)" in flat and "'=1+1" in flat


def test_render_book_with_one_sheet_inserts_before_it() -> None:
    report = small_report()
    book = xs.Book("one.xlsx")
    book.sheets.add("Data")
    render_book(book, report)
    assert [s.name for s in book.sheets] == ["Dashboard", "Sheet", "Data"]
    wb = openpyxl.Workbook()
    wb.active.title = "Data"
    render_into(wb, report)
    assert wb.sheetnames == [s.name for s in book.sheets]


def test_main_uses_the_calling_book(monkeypatch) -> None:
    import xlwings as xw

    seen = []
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: "the book"))
    monkeypatch.setattr(macros, "generate_rep_tabs", lambda book: seen.append(book))
    macros.main()
    assert seen == ["the book"]


def test_rows_set_aside_are_listed_on_a_check_sheet_after_a_successful_run(tmp_path) -> None:
    frames = demo_frames()
    targets = frames["targets"]
    frames["targets"] = pd.concat([targets, targets.iloc[[0]]], ignore_index=True)  # pasted twice
    book = xs.load_workbook(build_template(tmp_path / "dup.xlsx", data=frames))
    generate_rep_tabs(book, generated_at=AT)
    assert len(generated_sheet_names(book)) > 3  # the report was made
    check = book.sheets["Check"]
    rows = check.range((1, 1), (check.used_range.shape[0], 6)).options(ndim=2).value
    assert rows[0][0] == "データとして数えなかった行"
    row = len(targets) + 2  # the copy's row on the 目標 sheet (header on row 1)
    assert rows[1][0] == f"目標: 1行を除外 — 前の行とまったく同じ重複行(行 {row})"
    assert book.sheets.active.name != "Check"  # shown, not pushed in front of the report
