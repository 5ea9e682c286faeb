"""The demo report spliced into workbooks saved by Excel, by openpyxl and by LibreOffice.

Inputs: ``/work/shared/excel-saved/`` (993 files saved by Excel 2007, see its SOURCE.md). By
default a documented sample runs: the first file of every family (the file name without its
number: ``table``, ``chart_combined``, ``comment``, ``button``…), the first three of the
families this writer is most exposed to (:data:`DEEP_FAMILIES`: tables, combined and
secondary-axis charts, chartsheets, quoted and other defined names, protection, comments, VML
buttons, rich text, conditional formats, data validation) and every ``.xlsm``. That covers
every feature family the corpus holds (tables, combined/secondary-axis charts, chartsheets,
comments and VML buttons, images, hyperlinks, data validation, conditional formats, quoted
defined names, protection, print settings, rich text, VBA). Set ``KPI_XL_CORPUS=all`` to
splice all 993 (7 minutes on two shared cores; all pass).

For each input: the result passes the OOXML checker (schemas after Markup Compatibility, and
the rules the schemas miss), every part of the original except the four the splice edits is
byte for byte in the result, and a second refresh of the result does the same.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from kpi_xl.report.render_xlsxwriter import render_package
from kpi_xl.report.writer import write_report

from . import lo
from .ooxml_check import check_package

CORPUS = Path("/work/shared/excel-saved")
EDITED = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
          "xl/styles.xml"}
DEEP_FAMILIES = {"table", "chart_combined", "chart_axis", "chartsheet", "quote_name",
                 "protect", "defined_name", "macro", "button", "comment", "rich_string",
                 "cond_format", "data_validation"}
#: Excel's own deviations from the ECMA schemas (the file is as Excel saved it).
EXCEL_DEVIATIONS = {
    # a stock chart with two series; CT_StockChart requires three or four
    "chart_stock02.xlsx": ("xl/charts/chart1.xml: schema",),
}


def _family(name: str) -> str:
    return re.sub(r"\d+$", "", Path(name).stem).rstrip("_")


def _corpus() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    files = sorted(p for p in CORPUS.iterdir() if p.suffix in (".xlsx", ".xlsm"))
    if os.environ.get("KPI_XL_CORPUS") == "all":
        return files
    seen: dict[str, int] = {}
    sample = []
    for p in files:
        fam = _family(p.name)
        seen[fam] = seen.get(fam, 0) + 1
        if seen[fam] <= (3 if fam in DEEP_FAMILIES else 1) or p.suffix == ".xlsm":
            sample.append(p)
    return sample


@pytest.fixture(scope="module")
def demo_report():
    from kpi_xl.demo import DATA_DIR
    from kpi_xl.report.layout import build_report
    from kpi_xl.validate import load

    return build_report(load(DATA_DIR), locale="ja", generated_at=dt.datetime(2026, 1, 1))


_RENDERED: dict[tuple[str, ...], bytes] = {}


def cached_render(report, names, changes):
    """The XlsxWriter renderer, once per set of sheet names (the demo report is the same for
    every input; the splice's own work is what is tested here)."""
    key = tuple(names)
    if key not in _RENDERED:
        _RENDERED[key] = render_package(report, names, changes)
    return _RENDERED[key]


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def _problems(path: Path, original: str) -> list[str]:
    allowed = EXCEL_DEVIATIONS.get(original, ())
    return [p for p in check_package(path) if not p.startswith(allowed)]


def _assert_kept(before: dict[str, bytes], after: dict[str, bytes]) -> None:
    changed = [n for n, data in before.items() if n not in EDITED and after.get(n) != data]
    assert not changed, f"parts not kept byte for byte: {changed}"


def test_the_sample_covers_every_feature_family():
    names = {p.name for p in _corpus()}
    if not names:
        pytest.skip("the Excel-saved corpus is not available")
    for family in ("table", "chart_combined", "chart_axis", "chartsheet", "comment", "button",
                   "image", "hyperlink", "data_validation", "cond_format", "quote_name",
                   "protect", "print_options", "print_area", "rich_string", "macro",
                   "textbox", "checkbox", "header_image", "autofilter", "utf8_",
                   "unicode_shift_jis"):
        assert any(_family(n).startswith(family.rstrip("_")) for n in names), family
    assert any(n.endswith(".xlsm") for n in names)


@pytest.mark.parametrize("source", _corpus(), ids=lambda p: p.name)
def test_demo_report_spliced_into_an_excel_saved_book(source, demo_report, tmp_path):
    book = tmp_path / source.name
    shutil.copy(source, book)
    book.chmod(0o644)  # the corpus is read-only, and a read-only book is not replaced
    before = _members(book)
    write_report(book, demo_report, render=cached_render)
    assert _problems(book, source.name) == []
    once = _members(book)
    _assert_kept(before, once)
    write_report(book, demo_report, render=cached_render)  # the next month's refresh
    assert _problems(book, source.name) == []
    after = _members(book)
    _assert_kept(before, after)
    names = [s.get("name") for s in etree.fromstring(after["xl/workbook.xml"]).iter(
        "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet")]
    assert names.count("ダッシュボード") == 1
    assert len(names) == len(demo_report.sheets) + len(
        etree.fromstring(before["xl/workbook.xml"]).findall(".//{*}sheet"))


OTHER_PRODUCERS = ["table12.xlsx", "chart_combined05.xlsx", "comment04.xlsx",
                   "data_validation01.xlsx", "cond_format10.xlsx", "quote_name05.xlsx",
                   "hyperlink01.xlsx", "rich_string01.xlsx", "chartsheet01.xlsx"]


@pytest.mark.parametrize("name", OTHER_PRODUCERS)
def test_demo_report_spliced_into_a_book_saved_by_openpyxl(name, demo_report, tmp_path):
    if not (CORPUS / name).exists():
        pytest.skip("the Excel-saved corpus is not available")
    book = tmp_path / name
    openpyxl.load_workbook(CORPUS / name).save(book)  # openpyxl's own namespaces and parts
    before = _members(book)
    write_report(book, demo_report, render=cached_render)
    assert check_package(book) == []
    _assert_kept(before, _members(book))


def test_demo_report_spliced_into_books_saved_by_libreoffice(demo_report, tmp_path):
    lo.require_soffice()
    sources = [CORPUS / n for n in OTHER_PRODUCERS if (CORPUS / n).exists()]
    if not sources:
        pytest.skip("the Excel-saved corpus is not available")
    copies = []
    for s in sources:
        copies.append(tmp_path / "in" / s.name)
        copies[-1].parent.mkdir(exist_ok=True)
        shutil.copy(s, copies[-1])
        copies[-1].chmod(0o644)
    saved = lo.convert(copies, "xlsx", tmp_path / "lo")
    for book in saved:
        before = _members(book)
        write_report(book, demo_report, render=cached_render)
        assert check_package(book) == [], book.name
        _assert_kept(before, _members(book))
    # and LibreOffice opens what the splice wrote
    back = lo.convert(saved[:3], "xlsx", tmp_path / "back")
    for b in back:
        assert "ダッシュボード" in openpyxl.load_workbook(b, read_only=True).sheetnames
