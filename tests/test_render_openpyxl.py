"""The file renderer of the report model (kpi_xl.report.render_openpyxl) and the writer."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook

from kpi_xl.errors import InputError
from kpi_xl.excel.template import build_template, quickstart_vba_project
from kpi_xl.report.cells import cell_value
from kpi_xl.report.model import Chart, Column, Conditional, Report, Series, Sheet, Table
from kpi_xl.report.naming import GENERATED_NAME
from kpi_xl.report.render_openpyxl import generated_kind, generated_sheets, render_into
from kpi_xl.report.writer import new_workbook_report, write_report

from . import lo

INJECTIONS = ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)"]
MONTHS = [dt.date(2026, 4, 1), dt.date(2026, 5, 1), dt.date(2026, 6, 1)]


# --------------------------------------------------------------------------- fixtures


def make_report(locale: str = "en") -> Report:
    dash = Sheet("Dashboard", "dashboard", "Sales dashboard")
    dash.add_text(["Sales KPI report"], "title")
    dash.add_text(["FY2026 Q1 — as of 2026-06-30"], "subtitle")
    dash.add(Table("score", "Scorecard", [
        Column("rep", "Rep", "text"),
        Column("target", "Target", "currency"),
        Column("actual", "Actual", "currency"),
        Column("ach", "Achievement", "pct"),
    ], [
        ["Tanaka", 1_000_000, 1_200_000, 1.2],
        ["Suzuki", 1_000_000, np.int64(900_000), np.float64(0.9)],
        ["佐藤 花子", 2_000_000, 1_000_000, 0.5],
        ["Nobody", 0, 0, float("nan")],
    ], conditional=[Conditional("ach", "traffic", 0.8, 1.0)], note="Achievement = actual/target"))
    dash.add(Table("monthly", "Monthly revenue", [
        Column("month", "Month", "month"),
        Column("revenue", "Revenue", "currency"),
        Column("win", "Win rate", "pct"),
    ], [
        [pd.Timestamp(MONTHS[0]), 500_000, 0.25],
        [dt.datetime(2026, 5, 1), 700_000, None],
        [MONTHS[2], 1_100_000.0, 0.4],
    ]), Chart("column", "Revenue and win rate", "monthly", "month",
              [Series("revenue"), Series("win", kind="line", secondary=True)],
              y_title="Revenue", y_format="currency"))
    dash.add(Table("empty", "Lost deals", [Column("month", "Month", "month"),
                                            Column("n", "Deals", "int")], []),
             Chart("line", "Lost deals", "empty", "month", [Series("n")], y_format="int"))

    rep = Sheet("田中 太郎", "rep", "Tanaka")
    rep.add(Table("products", "By product", [
        Column("product", "Product", "text"), Column("amount", "Amount", "currency"),
        Column("share", "Share", "pct"),
    ], [["A", 300, 0.3], ["B", 700, 0.7]]),
        Chart("pie", "Product mix", "products", "product", [Series("amount")]),
        Chart("line", "Amount", "products", "product", [Series("amount")], y_format="currency"))
    rep.add(Table("matrix", "Matrix", [
        Column("rep", "Rep", "text"), Column("m1", "Apr", "general"),
        Column("m2", "May", "general"), Column("label", "Label", "general"),
    ], [["x", 1, 2.5, "a"], ["y", 3, 4, "b"]], conditional=[Conditional("*", "scale")]))
    rep.add(Table("notes", "Notes", [Column("text", "Text", "text"),
                                      Column("n", "N", "int")],
                  [[s, i] for i, s in enumerate(INJECTIONS)]))
    return Report([dash, rep], locale, "JPY", dt.datetime(2026, 7, 1, 9), "demo",
                  dt.date(2026, 6, 30), {"win_rate": "closed"})


def make_user_book(path: Path, *, with_dashboard: bool = False) -> Path:
    wb = openpyxl.Workbook()
    how = wb.active
    how.title = "How to use"
    how["A1"] = "Fill in the sheets, then refresh."
    notes = wb.create_sheet("My notes")
    notes["A1"] = "Amount"
    notes["A1"].font = Font(bold=True)
    notes["A1"].fill = PatternFill("solid", fgColor="FFFFFF00")
    notes["A1"].comment = Comment("my comment", "me")
    for i, v in enumerate([10, 20, 30], start=2):
        notes.cell(i, 1, v)
    notes["B1"] = "=SUM(A2:A4)"
    notes["B2"] = "=Dashboard!B6"
    dv = DataValidation(type="list", formula1='"yes,no"', allow_blank=True)
    dv.add("C2:C10")
    notes.add_data_validation(dv)
    chart = BarChart()
    chart.add_data(Reference(notes, min_col=1, min_row=1, max_row=4), titles_from_data=True)
    notes.add_chart(chart, "E2")
    wb.defined_names["my_total"] = DefinedName("my_total", attr_text="'My notes'!$B$1")
    if with_dashboard:
        wb.create_sheet("Dashboard")["A1"] = "my own dashboard"
    wb.save(path)
    return path


@pytest.fixture
def user_book(tmp_path) -> Path:
    return make_user_book(tmp_path / "book.xlsx")


@pytest.fixture
def rendered(user_book) -> tuple[Path, list[str]]:
    wb = openpyxl.load_workbook(user_book)
    names = render_into(wb, make_report())
    wb.save(user_book)
    return user_book, names


def _refs(ref: str) -> tuple[str, str]:
    m = re.fullmatch(r"(?:'((?:[^']|'')+)'|([^'!]+))!(\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)", ref)
    assert m, ref
    sheet = (m.group(1) or m.group(2)).replace("''", "'")
    return sheet, m.group(3).replace("$", "")


def _range_values(wb, ref: str) -> list:
    sheet, rng = _refs(ref)
    assert sheet in wb.sheetnames, f"{ref} points to a missing sheet"
    c1, r1, c2, r2 = range_boundaries(rng)
    ws = wb[sheet]
    return [ws.cell(r, c).value for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def _series_refs(ser) -> tuple[str, str]:
    val = ser.val.numRef.f
    cat = ser.cat.numRef.f if ser.cat.numRef is not None else ser.cat.strRef.f
    return val, cat


def _all_charts(chart) -> list:
    """The chart and the charts combined into it (openpyxl reads a combo as _charts)."""
    return list(getattr(chart, "_charts", None) or [chart])


def _sheet_xml(path: Path, wb: openpyxl.Workbook, title: str) -> str:
    idx = wb.sheetnames.index(title) + 1  # openpyxl writes sheetN.xml in workbook order
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{idx}.xml").decode()


# --------------------------------------------------------------------------- sheets and order


def test_generated_sheets_follow_the_first_sheet_in_report_order(rendered):
    path, names = rendered
    wb = openpyxl.load_workbook(path)
    assert names == ["Dashboard", "田中 太郎"]
    assert wb.sheetnames == ["How to use", "Dashboard", "田中 太郎", "My notes"]
    assert generated_sheets(wb) == names
    assert generated_kind(wb["Dashboard"]) == "dashboard"
    assert generated_kind(wb["田中 太郎"]) == "rep"
    assert wb["Dashboard"].defined_names[GENERATED_NAME].attr_text == '"dashboard"'
    assert generated_kind(wb["My notes"]) is None
    assert wb.active.title == "Dashboard"
    assert sum(bool(ws.sheet_view.tabSelected) for ws in wb.worksheets) == 1


def test_single_sheet_workbook_gets_the_report_at_the_start():
    wb = openpyxl.Workbook()
    wb.active.title = "Only"
    render_into(wb, make_report())
    assert wb.sheetnames == ["Dashboard", "田中 太郎", "Only"]


def test_user_sheets_are_untouched(rendered):
    path, _ = rendered
    wb = openpyxl.load_workbook(path)
    notes = wb["My notes"]
    assert wb["How to use"]["A1"].value == "Fill in the sheets, then refresh."
    assert [notes.cell(r, 1).value for r in range(1, 5)] == ["Amount", 10, 20, 30]
    assert notes["B1"].value == "=SUM(A2:A4)" and notes["B1"].data_type == "f"
    assert notes["B2"].value == "=Dashboard!B6"
    assert notes["A1"].font.bold
    assert notes["A1"].fill.fgColor.rgb == "FFFFFF00"
    assert notes["A1"].comment.text == "my comment"
    assert wb.defined_names["my_total"].attr_text == "'My notes'!$B$1"
    assert len(notes._charts) == 1
    dvs = notes.data_validations.dataValidation
    assert len(dvs) == 1 and dvs[0].formula1 == '"yes,no"' and str(dvs[0].sqref) == "C2:C10"


# --------------------------------------------------------------------------- cells


def test_table_values_and_number_formats(rendered):
    path, _ = rendered
    ws = openpyxl.load_workbook(path)["Dashboard"]
    assert ws["A1"].value == "Sales KPI report" and ws["A1"].font.bold and ws["A1"].font.sz >= 14
    assert ws["A2"].value.startswith("FY2026") and ws["A2"].font.color.rgb == "FF808080"
    # scorecard: title row 4, header row 5, data rows 6..9, note row 10
    assert ws["A4"].value == "Scorecard" and ws["A4"].font.bold
    assert [c.value for c in ws[5][:4]] == ["Rep", "Target", "Actual", "Achievement"]
    header = ws["B5"]
    assert header.font.bold and header.font.color.rgb == "FFFFFFFF"
    assert header.fill.fgColor.rgb == "FF1F3864" and header.alignment.wrap_text
    assert [c.value for c in ws[6][:4]] == ["Tanaka", 1_000_000, 1_200_000, 1.2]
    assert [c.value for c in ws[7][:4]] == ["Suzuki", 1_000_000, 900_000, 0.9]
    assert ws["A8"].value == "佐藤 花子"
    assert ws["D9"].value is None  # NaN → empty cell
    assert ws["B6"].number_format == '"¥"#,##0'
    assert ws["D6"].number_format == "0.0%"
    assert ws["A6"].number_format == "@"
    assert ws["B6"].border.left.style == "thin"
    assert ws["A10"].value == "Achievement = actual/target"
    # monthly: title row 13, header 14, data 15..17; dates written as datetimes
    assert ws["A13"].value == "Monthly revenue"
    assert [ws.cell(r, 1).value for r in (15, 16, 17)] == [
        dt.datetime(2026, 4, 1), dt.datetime(2026, 5, 1), dt.datetime(2026, 6, 1)]
    assert ws["A15"].number_format == "yyyy-mm"
    assert ws["C16"].value is None
    assert ws["B17"].value == 1_100_000


def test_cjk_columns_are_wider_and_widths_are_capped(rendered):
    path, _ = rendered
    wb = openpyxl.load_workbook(path)
    ws = wb["Dashboard"]
    assert 10 <= ws.column_dimensions["A"].width <= 50
    assert ws.sheet_view.zoomScale == 90
    assert ws.page_setup.orientation == "landscape"
    # a fixed scale that fits the sheet one page wide (Excel ignores manual page breaks under
    # "fit to page"), computed from the model
    assert 10 <= ws.page_setup.scale <= 100
    assert not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)


def test_empty_table_shows_one_no_data_row(rendered):
    path, _ = rendered
    ws = openpyxl.load_workbook(path)["Dashboard"]
    title_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Lost deals")
    assert ws.cell(title_row + 2, 1).value == "No data"
    assert ws.cell(title_row + 2, 2).value is None
    assert ws.cell(title_row + 3, 1).value is None


def test_no_data_label_follows_the_locale():
    wb = openpyxl.Workbook()
    render_into(wb, make_report("ja"))
    ws = wb["Dashboard"]
    assert "データなし" in [c.value for c in ws["A"]]


@pytest.mark.parametrize("value, expected", [
    (np.int64(5), 5), (np.float32(0.5), 0.5), (np.bool_(True), True),
    (float("nan"), None), (float("inf"), None), (pd.NaT, None), (pd.NA, None), (None, None),
    (np.datetime64("2026-04-01"), dt.datetime(2026, 4, 1)),
    (pd.Timestamp("2026-04-01 10:00", tz="Asia/Tokyo"), dt.datetime(2026, 4, 1, 10)),
    (dt.date(2026, 4, 1), dt.datetime(2026, 4, 1)),
    ("a\x07b", "ab"),
])
def test_cell_values_are_converted_to_what_excel_stores(value, expected):
    assert cell_value(value) == expected


def test_formula_like_text_stays_text(rendered):
    path, _ = rendered
    wb = openpyxl.load_workbook(path)
    ws = wb["田中 太郎"]
    cells = [c for row in ws.iter_rows() for c in row if c.value in INJECTIONS]
    assert sorted(c.value for c in cells) == sorted(INJECTIONS)
    assert all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells)
    for title in generated_sheets(wb):
        assert "<f>" not in _sheet_xml(path, wb, title) and "<f " not in _sheet_xml(
            path, wb, title)
    xml = _sheet_xml(path, wb, "田中 太郎")
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        shared = z.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in names else ""
    for text in INJECTIONS:
        inline = f'<c r="A{{}}" s="{{}}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
        pattern = re.escape(inline).replace(r"\{\}", r"\d+")
        assert re.search(pattern, xml) or f"<t>{escape(text)}</t>" in shared, text


# --------------------------------------------------------------------------- conditional


def test_traffic_light_rules_on_the_achievement_cells(rendered):
    path, _ = rendered
    ws = openpyxl.load_workbook(path)["Dashboard"]
    cf = {str(rng.sqref): rules for rng, rules in ws.conditional_formatting._cf_rules.items()}
    rules = cf["D6:D9"]
    cell_is = [(r.operator, r.formula, r.dxf.fill.bgColor.rgb) for r in rules if r.type == "cellIs"]
    assert sorted(cell_is) == sorted([
        ("greaterThanOrEqual", ["1"], "FFC6EFCE"),
        ("between", ["0.8", "1"], "FFFFE699"),
        ("lessThan", ["0.8"], "FFF8CBAD"),
    ])
    blank = [r for r in rules if r.type == "expression"]
    assert blank and blank[0].formula == ["ISBLANK(D6)"] and blank[0].stopIfTrue
    # the blank rule and green come before amber and red
    by_priority = sorted(rules, key=lambda r: r.priority)
    assert [r.operator for r in by_priority] == [None, "greaterThanOrEqual", "between",
                                                 "lessThan"]


def test_colour_scale_on_every_numeric_column_but_the_first(rendered):
    path, _ = rendered
    ws = openpyxl.load_workbook(path)["田中 太郎"]
    cf = {str(rng.sqref): rules for rng, rules in ws.conditional_formatting._cf_rules.items()}
    scale = [(ref, r) for ref, rules in cf.items() for r in rules if r.type == "colorScale"]
    assert len(scale) == 1
    ref, rule = scale[0]
    matrix_top = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Matrix")
    first, last = matrix_top + 2, matrix_top + 3
    assert sorted(ref.split()) == [f"B{first}:B{last}", f"C{first}:C{last}"]
    assert len(rule.colorScale.color) == 3


# --------------------------------------------------------------------------- charts


def test_charts_are_bound_to_non_empty_cells_of_existing_sheets(rendered):
    path, _ = rendered
    wb = openpyxl.load_workbook(path)
    dash, rep = wb["Dashboard"], wb["田中 太郎"]
    assert len(dash._charts) == 1  # the chart of the empty table is skipped
    assert len(rep._charts) == 2
    for ws in (dash, rep):
        for chart in ws._charts:
            for part in _all_charts(chart):
                assert part.series
                for ser in part.series:
                    val, cat = _series_refs(ser)
                    values, cats = _range_values(wb, val), _range_values(wb, cat)
                    assert _refs(val)[0] == ws.title and _refs(cat)[0] == ws.title
                    assert any(v is not None for v in values)
                    assert all(c is not None for c in cats)
                    assert ser.tx.strRef is not None  # series title from the header cell
                    assert _range_values(wb, ser.tx.strRef.f)[0] in (
                        "Revenue", "Win rate", "Amount")


def test_combo_chart_has_bars_and_a_line_on_a_secondary_axis(rendered):
    path, _ = rendered
    wb = openpyxl.load_workbook(path)
    combo = wb["Dashboard"]._charts[0]
    parts = _all_charts(combo)
    kinds = sorted(type(p).__name__ for p in parts)
    assert kinds == ["BarChart", "LineChart"]
    bar = next(p for p in parts if type(p).__name__ == "BarChart")
    line = next(p for p in parts if type(p).__name__ == "LineChart")
    assert bar.type == "col"
    assert all(s.smooth is False or s.smooth is None for s in line.series)
    assert line.y_axis.axId == 200 and line.y_axis.crosses == "max"
    assert bar.y_axis.numFmt.formatCode == '"¥"#,##0'
    assert line.y_axis.numFmt.formatCode == "0.0%"
    assert bar.x_axis.delete is False and bar.y_axis.delete is False
    assert combo.legend.position == "b"
    val, _ = _series_refs(bar.series[0])
    assert _refs(val) == ("Dashboard", "B15:B17")
    assert combo.title is not None


def test_line_series_are_not_smoothed_in_the_written_xml(rendered):
    path, _ = rendered
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    line_xml = [x for x in charts if "<lineChart>" in x]
    assert len(line_xml) == 2
    for x in line_xml:
        assert '<smooth val="1"' not in x and '<smooth val="0"' in x
        assert re.search(r'<delete val="0"\s*/>', x)


def test_pie_chart_and_chart_size(rendered):
    path, _ = rendered
    rep = openpyxl.load_workbook(path)["田中 太郎"]
    pie = next(c for c in rep._charts if type(c).__name__ == "PieChart")
    assert len(pie.series) == 1
    assert _refs(_series_refs(pie.series[0])[1])[1] == "A3:A4"
    assert pie.series[0].cat.strRef is not None  # text categories are a string reference
    anchor = pie.anchor._from
    assert (anchor.row, anchor.col) == (0, 5)  # placed right of the 3-column table (min 4 + 1)


def test_chart_size_follows_width_cols_and_height_rows():
    wb = openpyxl.Workbook()
    render_into(wb, make_report())
    chart = wb["Dashboard"]._charts[0]
    assert chart.width == pytest.approx(8 * 1.7)
    assert chart.height == pytest.approx(15 * 18 * 2.54 / 72)  # rows of 18 points


# --------------------------------------------------------------------------- refresh


def _snapshot(wb, titles):
    return {t: [[(c.value, c.number_format) for c in row] for row in wb[t].iter_rows()]
            for t in titles}


def test_rendering_twice_is_idempotent(tmp_path):
    path = make_user_book(tmp_path / "twice.xlsx", with_dashboard=True)
    wb = openpyxl.load_workbook(path)
    first = render_into(wb, make_report())
    wb.save(path)
    wb1 = openpyxl.load_workbook(path)
    snap1 = _snapshot(wb1, first)
    order1 = wb1.sheetnames

    second = render_into(wb1, make_report())
    wb1.save(path)
    wb2 = openpyxl.load_workbook(path)
    assert second == first == ["Dashboard (2)", "田中 太郎"]
    assert wb2.sheetnames == order1 == ["How to use", "Dashboard (2)", "田中 太郎", "My notes",
                                        "Dashboard"]
    assert generated_sheets(wb2) == first
    assert _snapshot(wb2, second) == snap1
    assert wb2["Dashboard"]["A1"].value == "my own dashboard"
    assert generated_kind(wb2["Dashboard"]) is None
    # charts of the renamed sheet point at it
    val, _ = _series_refs(_all_charts(wb2["Dashboard (2)"]._charts[0])[0].series[0])
    assert _refs(val)[0] == "Dashboard (2)"
    cf = [str(r.sqref) for r in wb2["Dashboard (2)"].conditional_formatting]
    assert cf == ["D6:D9"]


def test_a_renamed_generated_sheet_is_still_replaced(tmp_path):
    path = make_user_book(tmp_path / "renamed.xlsx")
    wb = openpyxl.load_workbook(path)
    render_into(wb, make_report())
    wb["Dashboard"].title = "Old dash"
    render_into(wb, make_report())
    assert wb.sheetnames == ["How to use", "Dashboard", "田中 太郎", "My notes"]


# --------------------------------------------------------------------------- writer


def _macro_book(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    wb.set_vba_name("ThisWorkbook")
    how = wb.add_worksheet("How to use")
    how.set_vba_name("Sheet1")
    how.write("A1", "Click the button")
    how.insert_button("B3", {"macro": "SampleCall", "caption": "Refresh"})
    data = wb.add_worksheet("Data")
    data.set_vba_name("Sheet2")
    data.write_row("A1", ["x", 1])
    wb.add_vba_project(io.BytesIO(quickstart_vba_project()), is_stream=True)
    wb.close()
    return path


def test_write_report_keeps_the_vba_project_and_the_button(tmp_path):
    book = _macro_book(tmp_path / "kpi_book.xlsm")
    with zipfile.ZipFile(book) as z:
        vba = z.read("xl/vbaProject.bin")
    assert write_report(book, make_report()) == book
    with zipfile.ZipFile(book) as z:
        assert z.read("xl/vbaProject.bin") == vba
        vml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".vml"))
        ctypes = z.read("[Content_Types].xml").decode()
    assert "[0]!SampleCall" in vml
    assert "macroEnabled" in ctypes
    wb = openpyxl.load_workbook(book, keep_vba=True)
    assert wb.sheetnames == ["How to use", "Dashboard", "田中 太郎", "Data"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~")] == []


def test_write_report_into_the_real_template_keeps_its_tables_and_names(tmp_path):
    book = build_template(tmp_path / "kpi_book.xlsm", locale="ja", macro=True)
    before = openpyxl.load_workbook(book, keep_vba=True)
    shape = {ws.title: (sorted(ws.tables), len(ws.data_validations.dataValidation))
             for ws in before.worksheets}
    names = sorted(before.defined_names)
    with zipfile.ZipFile(book) as z:
        vba = z.read("xl/vbaProject.bin")
    for _ in range(2):
        write_report(book, make_report("ja"))
    after = openpyxl.load_workbook(book, keep_vba=True)
    assert after.sheetnames == [before.sheetnames[0], "Dashboard", "田中 太郎",
                                *before.sheetnames[1:]]
    assert shape == {
        ws.title: (sorted(ws.tables), len(ws.data_validations.dataValidation))
        for ws in after.worksheets if ws.title in shape}
    assert sorted(after.defined_names) == names
    with zipfile.ZipFile(book) as z:
        assert z.read("xl/vbaProject.bin") == vba


def test_macro_book_written_as_xlsx_drops_the_macros(tmp_path):
    book = _macro_book(tmp_path / "kpi_book.xlsm")
    out = write_report(book, make_report(), tmp_path / "plain.xlsx")
    with zipfile.ZipFile(out) as z:
        assert "xl/vbaProject.bin" not in z.namelist()
        assert "macroEnabled" not in z.read("[Content_Types].xml").decode()
    with pytest.raises(InputError, match="macro"):
        write_report(out, make_report(), tmp_path / "again.xlsm")


def test_write_report_to_another_file_leaves_the_source(tmp_path, user_book):
    before = user_book.read_bytes()
    out = write_report(user_book, make_report(), tmp_path / "out.xlsx")
    assert user_book.read_bytes() == before
    assert generated_sheets(openpyxl.load_workbook(out)) == ["Dashboard", "田中 太郎"]


def test_failing_render_leaves_the_book_byte_identical(tmp_path, user_book):
    before = user_book.read_bytes()

    def boom(report, names, changes):
        raise RuntimeError("render failed")

    with pytest.raises(RuntimeError, match="render failed"):
        write_report(user_book, make_report(), render=boom)
    assert user_book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]


def test_failing_save_removes_the_temp_file(tmp_path, user_book, monkeypatch):
    before = user_book.read_bytes()

    def bad_write(pkg, out, **edits):
        out.write(b"partial")
        raise OSError(28, "disk full")

    monkeypatch.setattr("kpi_xl.xlsx.write.write_package", bad_write)
    with pytest.raises(InputError, match="disk full"):
        write_report(user_book, make_report())
    assert user_book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]


@pytest.mark.parametrize("name, content, match", [
    ("missing.xlsx", None, "not found"),
    ("broken.xlsx", b"not a zip", "not an .xlsx/.xlsm workbook"),
    ("data.csv", b"a,b", "not an Excel workbook"),
])
def test_unreadable_books_raise_input_error(tmp_path, name, content, match):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=match):
        write_report(path, make_report())


def test_new_workbook_report_holds_only_the_report(tmp_path):
    out = new_workbook_report(make_report(), tmp_path / "new.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Dashboard", "田中 太郎"]
    # a refresh of it keeps a single set of generated sheets
    write_report(out, make_report())
    assert openpyxl.load_workbook(out).sheetnames == ["Dashboard", "田中 太郎"]


# --------------------------------------------------------------------------- LibreOffice


def test_libreoffice_prints_every_generated_sheet_and_keeps_values(tmp_path, rendered):
    lo.require_soffice()
    path, names = rendered
    only_report = new_workbook_report(make_report(), tmp_path / "report_only.xlsx")
    pdf_full, pdf_report = lo.convert([path, only_report], "pdf", tmp_path / "pdf")
    wb = openpyxl.load_workbook(path)
    assert lo.pdf_pages(pdf_full) >= len(wb.sheetnames)
    assert lo.pdf_pages(pdf_report) >= len(names)

    (xlsx,) = lo.convert(path, "xlsx", tmp_path / "xlsx")
    cal = CalamineWorkbook.from_path(str(xlsx))
    assert cal.sheet_names[:3] == ["How to use", "Dashboard", "田中 太郎"]
    rows = cal.get_sheet_by_name("Dashboard").to_python()
    assert rows[5][:4] == ["Tanaka", 1_000_000, 1_200_000, 1.2]
    back = openpyxl.load_workbook(xlsx, data_only=True)
    assert back["My notes"]["B1"].value == 60  # recalculated by LibreOffice
    assert back["My notes"]["B2"].value == 1_000_000  # the user's formula into the report
    rep_values = [c.value for row in back["田中 太郎"].iter_rows() for c in row]
    assert all(s in rep_values for s in INJECTIONS)
    assert back["Dashboard"]["A15"].value == dt.datetime(2026, 4, 1)


def test_convert_reports_a_missing_output(tmp_path):
    lo.require_soffice()
    bogus = tmp_path / "bogus.xlsx"
    bogus.write_bytes(b"")
    with pytest.raises(lo.LibreOfficeError):
        lo.convert(bogus, "nosuchformat", tmp_path / "out")


def test_pdf_pages_needs_a_pdf(tmp_path):
    lo.require_pdfinfo()
    with pytest.raises(lo.LibreOfficeError):
        lo.pdf_pages(tmp_path / "missing.pdf")


def test_no_temp_files_left_in_the_destination_folder(tmp_path, user_book):
    write_report(user_book, make_report())
    assert sorted(os.listdir(tmp_path)) == ["book.xlsx"]


@pytest.mark.parametrize("kind, cls, extra", [
    ("column", "BarChart", {"type": "col"}), ("bar", "BarChart", {"type": "bar"}),
    ("line", "LineChart", {}), ("pie", "PieChart", {}), ("doughnut", "DoughnutChart", {}),
])
def test_every_chart_kind_is_written_natively(kind, cls, extra):
    sheet = Sheet("S", "dashboard", "S")
    sheet.add(Table("t", "T", [Column("k", "Key", "text"), Column("v", "Value", "int"),
                               Column("w", "Other", "int")],
                    [["a", 1, 4], ["b", 2, 5], ["c", 3, 6]]),
              Chart(kind, "C", "t", "k", [Series("v"), Series("w")], y_format="int"))
    report = Report([sheet], "en", "USD", dt.datetime(2026, 7, 1), "t", dt.date(2026, 6, 30), {})
    wb = openpyxl.Workbook()
    render_into(wb, report)
    buf = io.BytesIO()
    wb.save(buf)
    chart = openpyxl.load_workbook(buf)["S"]._charts[0]
    assert type(chart).__name__ == cls
    for attr, value in extra.items():
        assert getattr(chart, attr) == value
    assert len(chart.series) == (1 if kind == "pie" else 2)
    assert _refs(chart.series[0].val.numRef.f) == ("S", "B3:B5")
    if kind not in ("pie", "doughnut"):
        assert chart.y_axis.numFmt.formatCode == "#,##0"
        assert chart.x_axis.delete is False and chart.y_axis.delete is False
