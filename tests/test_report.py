"""The report as a user gets it: layout against the engine, the refreshed demo workbook
reopened with openpyxl, refresh rules, and LibreOffice rendering of every generated sheet."""

import datetime as dt
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest

from kpi_xl.calendar import parse_period
from kpi_xl.cli import main
from kpi_xl.demo import DATA_DIR, demo_frames
from kpi_xl.errors import ValidationError
from kpi_xl.excel.template import build_template
from kpi_xl.metrics import scorecard
from kpi_xl.refresh import demo_workbook, refresh
from kpi_xl.report.layout import build_report
from kpi_xl.report.naming import GENERATED_NAME
from kpi_xl.validate import load

from .lo import convert

FIXED = dt.datetime(2026, 11, 21, 9, 0)


@pytest.fixture(scope="module")
def demo_ds():
    return load(DATA_DIR)


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.xlsx"
    demo_workbook(path, generated_at=FIXED)
    return path


def test_layout_has_dashboard_one_tab_per_active_rep_churn_external_and_definitions(demo_ds):
    report = build_report(demo_ds, generated_at=FIXED)
    active = demo_ds.reps.loc[demo_ds.reps["active"], "rep"].tolist()
    kinds = [s.kind for s in report.sheets]
    assert kinds == ["dashboard"] + ["rep"] * len(active) + ["churn", "external", "definitions"]
    assert [s.rep for s in report.sheets if s.kind == "rep"] == active
    for s in report.sheets:
        # the top keeps the title, then the period, the as-of date and the data source only
        top = s.texts[1].lines[0]
        assert top == "対象期間 2026-11（2026-11-01〜2026-11-30）　基準日 2026-11-20　データ: data"
        assert s.texts[1].row == 1 and s.tables[0].row == 3  # no definition block above
        assert "作成 2026-11-21 09:00" in s.page.footer  # when it was made: in the footer
    defs = report.sheets[-1]
    assert defs.name == "定義"
    lines = [r[1] for t in defs.tables for r in t.rows]
    for meaning in report.definitions.values():  # every definition, worded in the sheet
        assert meaning.split("。")[0] in "".join(lines)


def test_every_chart_points_at_a_table_and_columns_of_its_sheet(demo_ds):
    report = build_report(demo_ds, generated_at=FIXED)
    for s in report.sheets:
        for ch in s.charts:
            t = s.table(ch.table)
            keys = [c.key for c in t.columns]
            assert ch.category in keys
            assert all(se.column in keys for se in ch.series)


def test_rep_scorecard_values_equal_the_engine(demo_ds):
    report = build_report(demo_ds, generated_at=FIXED)
    rep_sheet = next(s for s in report.sheets if s.kind == "rep")
    as_of = demo_ds.data_end()
    card = scorecard(demo_ds, parse_period(as_of.strftime("%Y-%m")), by="rep", as_of=as_of)
    card = card[card["group"] == rep_sheet.rep]
    table = rep_sheet.table("scorecard")
    # amounts in thousands of yen (the automatic unit of the demo), counts as they are
    expected = [a / 1000 if u == "currency" else a for a, u in zip(card["actual"], card["unit"],
                                                                   strict=True)]
    assert [r[2] for r in table.rows] == pytest.approx(expected)
    assert table.rows[0][0] == "売上（千円）"
    assert table.row_fmt[0] == "amount" and set(table.row_fmt[1:]) == {"int"}


def _generated(wb):
    return [ws.title for ws in wb.worksheets if GENERATED_NAME in ws.defined_names]


def test_refreshed_demo_workbook_reopens_with_sheets_formats_and_charts(demo_book, demo_ds):
    wb = openpyxl.load_workbook(demo_book)
    names = wb.sheetnames
    gen = _generated(wb)
    assert names[0] == "使い方" and names[1] == "ダッシュボード"
    assert gen == names[1:1 + len(gen)] and len(gen) == 15
    # input tables are still Excel tables, after the generated sheets
    assert "tblOpportunities" in wb["商談"].tables
    dash = wb["ダッシュボード"]
    assert len(dash._charts) == 5  # ranking, revenue trend, activity, funnel, churn
    # the print setup survives the splice into the user's book
    assert dash.print_title_rows.replace("$", "") == "1:2" and dash.print_area
    assert dash.page_setup.scale and dash.row_breaks.brk
    fmts = {c.number_format for row in dash.iter_rows() for c in row if c.value is not None}
    assert "#,##0" in fmts and "0.0%" in fmts and "+0.0%;-0.0%;0.0%" in fmts
    assert not any("¥" in f for f in fmts)  # amounts in 千円, the unit in the titles
    rep = wb["佐藤 美咲"]
    assert len(rep._charts) == 4  # trend, activity trend, activity mix, funnel
    values = [c.value for row in rep.iter_rows(max_col=1) for c in row]
    assert "売上（千円）" in values
    # every chart reference points at non-empty cells of an existing sheet
    for ws in (wb[n] for n in gen):
        for ch in ws._charts:
            for series in ch.series:
                ref = series.val.numRef.f
                m = re.match(r"'?(.+?)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", ref)
                assert m, ref
                target = wb[m.group(1)]
                cells = target[f"{m.group(2)}{m.group(3)}:{m.group(4)}{m.group(5)}"]
                vals = [c.value for row in cells for c in row]
                assert any(v is not None for v in vals), (ws.title, ref)


def test_refresh_twice_gives_the_same_workbook_as_once(demo_book, tmp_path):
    twice = tmp_path / "twice.xlsx"
    refresh(demo_book, twice, generated_at=FIXED)
    a, b = openpyxl.load_workbook(demo_book), openpyxl.load_workbook(twice)
    assert a.sheetnames == b.sheetnames
    for name in _generated(a):
        va = [[c.value for c in row] for row in a[name].iter_rows()]
        vb = [[c.value for c in row] for row in b[name].iter_rows()]
        assert va == vb, name
        assert len(a[name]._charts) == len(b[name]._charts)


def test_refresh_keeps_what_the_user_added(tmp_path):
    book = build_template(tmp_path / "book.xlsx", data=demo_frames())
    wb = openpyxl.load_workbook(book)
    ws = wb.create_sheet("My analysis")
    ws["A1"] = "売上合計"
    ws["A1"].font = openpyxl.styles.Font(bold=True, color="FF0000")
    ws["B1"] = "=SUM(1,2)"
    ws["A2"].comment = openpyxl.comments.Comment("手書きメモ", "manager")
    chart = openpyxl.chart.BarChart()
    chart.add_data(openpyxl.chart.Reference(ws, min_col=2, min_row=1, max_row=1))
    ws.add_chart(chart, "D2")
    wb.defined_names["my_total"] = openpyxl.workbook.defined_name.DefinedName(
        "my_total", attr_text="'My analysis'!$B$1")
    wb.save(book)
    refresh(book, generated_at=FIXED)
    refresh(book, generated_at=FIXED)
    wb = openpyxl.load_workbook(book)
    ws = wb["My analysis"]
    assert ws["A1"].value == "売上合計" and ws["A1"].font.bold
    assert ws["B1"].value == "=SUM(1,2)"
    assert ws["A2"].comment.text == "手書きメモ"
    assert len(ws._charts) == 1
    assert "my_total" in wb.defined_names
    assert wb.sheetnames.count("ダッシュボード") == 1


def test_text_from_data_starting_with_formula_signs_stays_text(tmp_path):
    frames = demo_frames()
    cust = frames["customers"].copy()
    at_risk = "C0032"  # a deliberately at-risk demo customer: listed on the generated sheets
    cust["name"] = cust["name"].astype(object)
    cust.loc[cust["customer"] == at_risk, "name"] = '=HYPERLINK("http://x","y")'
    frames["customers"] = cust
    book = build_template(tmp_path / "inj.xlsx", data=frames)
    refresh(book, generated_at=FIXED)
    wb = openpyxl.load_workbook(book)
    hits = [c for name in _generated(wb) for row in wb[name].iter_rows() for c in row
            if c.value == '=HYPERLINK("http://x","y")']
    assert hits and all(c.data_type == "s" for c in hits)
    with zipfile.ZipFile(book) as z:
        for n in z.namelist():
            if n.startswith("xl/worksheets/sheet"):
                formulas = re.findall(r"<f>(.*?)</f>", z.read(n).decode())
                assert not any("HYPERLINK" in f for f in formulas), n


def test_invalid_input_leaves_the_book_untouched(tmp_path):
    frames = demo_frames()
    opp = frames["opportunities"].copy()
    opp["rep"] = opp["rep"].astype(object)
    opp.loc[opp.index[3], "rep"] = "Nobody"
    frames["opportunities"] = opp
    book = build_template(tmp_path / "bad.xlsx", data=frames)
    before = book.read_bytes()
    with pytest.raises(ValidationError, match="担当者シートにない担当者です"):
        refresh(book)
    assert book.read_bytes() == before
    assert main(["refresh", str(book), "--quiet"]) == 3
    assert book.read_bytes() == before


def test_cli_demo_and_refresh_write_the_workbook(tmp_path, capsys):
    out = tmp_path / "d.xlsx"
    assert main(["demo", str(out), "--locale", "en", "--quiet"]) == 0
    wb = openpyxl.load_workbook(out)
    assert "Dashboard" in wb.sheetnames and "Churn" in wb.sheetnames
    assert main(["refresh", str(out), "-o", str(tmp_path / "e.xlsx"), "--as-of", "2026-10-31",
                 "--quiet"]) == 0
    assert "2026-10" in str(openpyxl.load_workbook(tmp_path / "e.xlsx")["Dashboard"]["A2"].value)


def test_libreoffice_renders_every_generated_sheet_with_its_charts(demo_book, tmp_path):
    # Only the generated sheets: the input sheets hold thousands of rows of data.
    wb = openpyxl.load_workbook(demo_book)
    gen = _generated(wb)
    for name in wb.sheetnames:
        if name not in gen:
            del wb[name]
    small = tmp_path / "report.xlsx"
    wb.save(small)
    ods = convert(small, "ods", tmp_path / "ods")[0]
    content = zipfile.ZipFile(ods).read("content.xml").decode()
    tables = re.split(r"<table:table table:name=", content)[1:]
    charts = {t.split('"')[1]: t.count("<draw:object") for t in tables}
    for name in gen:
        expected = len(wb[name]._charts)
        assert charts.get(name) == expected, (name, charts.get(name), expected)
    pdf = convert(small, "pdf", tmp_path / "pdf")[0]
    text = shutil.which("pdftotext")
    assert text, "poppler-utils missing"
    words = subprocess.run([text, str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    for name in gen:
        title = wb[name]["A1"].value
        assert title.split(" · ")[0] in words, name


def test_libreoffice_recalculated_values_equal_the_engine(demo_book, tmp_path):
    back = convert(demo_book, "xlsx", tmp_path / "x")[0]
    a = openpyxl.load_workbook(demo_book)["ダッシュボード"]
    b = openpyxl.load_workbook(back, data_only=True)["ダッシュボード"]
    for row_a, row_b in zip(a.iter_rows(max_row=40), b.iter_rows(max_row=40), strict=False):
        for ca, cb in zip(row_a, row_b, strict=False):
            if isinstance(ca.value, (int, float)):
                assert cb.value == pytest.approx(ca.value), ca.coordinate


def test_order_only_books_get_no_empty_funnel_or_kpi_tree():
    from kpi_xl.dataset import make_dataset

    frames = demo_frames()
    ds = make_dataset(reps=frames["reps"], customers=frames["customers"],
                      orders=frames["orders"])
    report = build_report(ds, generated_at=FIXED)
    for s in report.sheets:
        names = {t.name for t in s.tables}
        assert not names & {"funnel", "plan", "levers", "activity_mix", "landing", "stalled",
                            "ranking", "act_vs_team"}, s.name
    dash = report.sheets[0]  # what is left out is said, in one line each
    notes = [line for t in dash.texts for line in t.lines]
    assert "商談データがないため表示していません（商談シートに入力してください）" in notes
    assert "活動データがないため表示していません（活動シートに入力してください）" in notes
    assert report.sheet("Churn" if report.locale == "en" else "離反分析").table("cohort_customers")
