"""The demo report as a manager prints it, rendered by LibreOffice: A4 landscape, one page wide,
page breaks only between blocks (no table or its chart cut), the pages of each sheet as the
model planned them; and the workbook itself: Japanese only in a Japanese book, whole numbers
for counts, every chart series filled and named, a valid package."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

from kpi_xl.demo import DATA_DIR
from kpi_xl.report.layout import build_report
from kpi_xl.report.writer import new_workbook_report
from kpi_xl.validate import load

from .lo import convert, pdf_pages, require_pdfinfo
from .ooxml_check import assert_valid

FIXED = dt.datetime(2026, 11, 21, 9, 0)
#: Pages each sheet of the Japanese demo report prints on (A4 landscape).
GOLDEN_PAGES = {"ダッシュボード": 8, "佐藤 美咲": 5, "田中 健太": 5, "鈴木 大輔": 5,
                "高橋 さくら": 5, "伊藤 翔太": 5, "渡辺 彩": 5, "中村 優花": 5, "Emily Carter": 5,
                "James Wilson": 5, "加藤 玲奈": 5, "Sophie Martin": 5, "離反分析": 4,
                "外部要因と推移": 1, "定義": 2}


@pytest.fixture(scope="module")
def demo_ds():
    return load(DATA_DIR)


@pytest.fixture(scope="module")
def rendered(demo_ds, tmp_path_factory):
    """The ja and en demo reports as report-only workbooks, and their PDFs."""
    require_pdfinfo()
    out = tmp_path_factory.mktemp("print")
    reports, books = {}, []
    for locale in ("ja", "en"):
        reports[locale] = build_report(demo_ds, locale=locale, generated_at=FIXED)
        books.append(new_workbook_report(reports[locale], out / f"demo_{locale}.xlsx"))
    pdfs = dict(zip(("ja", "en"), convert(books, "pdf", out / "pdf"), strict=True))
    return reports, dict(zip(("ja", "en"), books, strict=True)), pdfs


def _pages(pdf: Path) -> list[dict]:
    """Per page: its text lines (layout kept), the sheet named in its header and the right
    edge of its rightmost word."""
    out = []
    for i in range(1, pdf_pages(pdf) + 1):
        text = subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), "-layout", str(pdf),
                               "-"], capture_output=True, text=True, check=True).stdout
        lines = [ln for ln in text.splitlines() if ln.strip()]
        bbox = subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), "-bbox", str(pdf),
                               "-"], capture_output=True, text=True, check=True).stdout
        xs = [float(x) for x in re.findall(r'xMax="([\d.]+)"', bbox)]
        width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))
        out.append({"lines": lines, "sheet": re.split(r"\s{2,}", lines[0].strip())[0],
                    "right": max(xs, default=0.0), "width": width})
    return out


def _by_sheet(pages: list[dict]) -> dict[str, list[dict]]:
    got: dict[str, list[dict]] = {}
    for p in pages:
        got.setdefault(p["sheet"], []).append(p)
    return got


def test_page_count_per_sheet(rendered):
    reports, _, pdfs = rendered
    got = {k: len(v) for k, v in _by_sheet(_pages(pdfs["ja"])).items()}
    assert got == GOLDEN_PAGES
    # and as the model planned them: one page per break, plus the first
    for sheet in reports["ja"].sheets:
        assert got[sheet.name] == 1 + len(sheet.page.breaks), sheet.name


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_every_sheet_fits_one_page_wide(rendered, locale):
    reports, _, pdfs = rendered
    pages = _pages(pdfs[locale])
    names = [s.name for s in reports[locale].sheets]
    # every page belongs to a sheet by its header (a page cut off to the right has none) …
    assert {p["sheet"] for p in pages} == set(names)
    for p in pages:  # … and nothing runs past the right margin
        assert p["right"] <= p["width"] - 0.3 * 72, (p["sheet"], p["right"])
    dash = reports[locale].sheets[0]
    assert dash.page.scale >= 55  # printed large enough to read
    assert min(s.page.scale for s in reports[locale].sheets if s.kind == "rep") >= 55


def test_no_table_is_cut_by_a_page_break(rendered):
    reports, _, pdfs = rendered
    pages = _by_sheet(_pages(pdfs["ja"]))
    for sheet in reports["ja"].sheets:
        starts = {b: t for t in [*sheet.tables] for b in [t.row]}
        starts.update({t.row: t for t in sheet.texts})
        for k, row in enumerate(sheet.page.breaks, start=1):
            block = starts[row]
            first = block.title if hasattr(block, "title") and hasattr(block, "columns") \
                else block.lines[0]
            # page k+1 starts (after the header and the repeated title rows) with the block
            body = pages[sheet.name][k]["lines"][3:]
            assert body and body[0].strip().startswith(first[:12]), (sheet.name, k, first)
        for table in sheet.tables:  # a table never spans two pages
            last = table.first_data_row + max(len(table.rows), 1) - 1
            assert sum(table.row < b <= last for b in sheet.page.breaks) == 0, table.name


_KEYS = re.compile(r"\b(win_rate|closed|cohort|hearing|approach|proposal|closing|"
                   r"active_at_start|inclusive|year_over_year|previous_period|won_deals|"
                   r"revenue_basis|conversion_basis|best_case|no_data|zero_base|auto|cmp|yoy)\b")


def test_a_japanese_book_shows_no_english_keys(rendered):
    _, books, _ = rendered
    wb = openpyxl.load_workbook(books["ja"])
    found = [(ws.title, c.coordinate, c.value) for ws in wb.worksheets for row in ws.iter_rows()
             for c in row if isinstance(c.value, str) and _KEYS.search(c.value)]
    assert not found
    defs = wb["定義"]
    texts = " ".join(str(c.value) for row in defs.iter_rows() for c in row if c.value)
    assert "受注率" in texts and "決着済みの商談" in texts and "滞留案件" in texts


def test_counts_are_whole_numbers(rendered):
    reports, books, _ = rendered
    for sheet in reports["ja"].sheets:
        for t in sheet.tables:
            for j, col in enumerate(t.columns):
                fmts = ([col.fmt] * len(t.rows) if col.fmt != "auto" else
                        [(col.auto_map or {}).get(f, f) for f in (t.row_fmt or [])])
                for row, fmt in zip(t.rows, fmts, strict=False):
                    v = row[j] if j < len(row) else None
                    if fmt == "int" and isinstance(v, float):
                        assert col.fmt == "auto" or v.is_integer(), (sheet.name, t.name, v)
                        # counts and their targets are whole; a projection of a count
                        # (landing, gap) is shown whole
                        if col.key in ("target", "actual", "current", "last_year",
                                       "previous_month", "t12m", "t12m_last_year"):
                            assert v.is_integer(), (sheet.name, t.name, col.key, v)
    ws = openpyxl.load_workbook(books["ja"])["ダッシュボード"]
    card = reports["ja"].sheets[0].table("scorecard")
    i = [r[0] for r in card.rows].index("受注件数")
    row = card.first_data_row + i + 1  # the won-deals row: 23 and 11, not 23.0
    assert [ws.cell(row, c).value for c in (2, 3)] == [23, 11]
    for col in (2, 3, 6, 7):  # target, actual, landing, gap: shown whole
        assert ws.cell(row, col).number_format == "#,##0"


def test_every_chart_series_has_values_and_a_name(rendered):
    _, books, _ = rendered
    for book in books.values():
        wb = openpyxl.load_workbook(book)
        charts = 0
        for ws in wb.worksheets:
            for ch in ws._charts:
                charts += 1
                for plot in ch._charts:
                    for s in plot.series:
                        ref = s.val.numRef.f
                        sheet, cells = ref.rsplit("!", 1)
                        vals = [c.value for r in wb[sheet.strip("'")][cells.replace("$", "")]
                                for c in r]
                        assert any(isinstance(v, (int, float)) and v for v in vals), ref
                        name = s.tx.strRef.f.rsplit("!", 1)[1].replace("$", "")
                        assert wb[sheet.strip("'")][name].value, ref
        assert charts >= 40


def test_the_printed_files_are_valid_packages(rendered):
    _, books, _ = rendered
    for book in books.values():
        assert_valid(book)
    wb = openpyxl.load_workbook(books["ja"])
    ws = wb["ダッシュボード"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows.replace("$", "") == "1:2"
    assert ws.oddHeader.left.text == "&A" and "対象期間 2026-11" in ws.oddHeader.right.text
    assert ws.oddFooter.center.text == "&P / &N ページ"
    assert ws.print_area
