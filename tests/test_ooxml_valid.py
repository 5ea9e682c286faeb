"""Every kind of file kpi_xl writes passes the OOXML checker (tests/ooxml_check.py: ECMA-376
schemas after Markup Compatibility, and Excel's rules the schemas miss): empty and filled
templates (.xlsx and .xlsm, both languages), the demo workbook and its next refresh, a refresh
written elsewhere with ``-o``, a report-only workbook, and the README's real-data flow —
``kpi-xl import … --derive-targets`` then ``kpi-xl refresh`` — whose result neither openpyxl
nor LibreOffice could open before issue 11."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kpi_xl.cli import main
from kpi_xl.excel.companion import write_template
from kpi_xl.refresh import demo_workbook, refresh
from kpi_xl.report.writer import new_workbook_report

from .ooxml_check import assert_valid
from .test_render_openpyxl import make_report

UCI = Path("/work/shared/external/uci_online_retail")


@pytest.mark.parametrize("locale", ["ja", "en"])
@pytest.mark.parametrize("macro", [False, True], ids=["xlsx", "xlsm"])
def test_templates_are_valid(tmp_path, locale, macro):
    for path in write_template(tmp_path / "kpi_book", locale=locale, macro=macro):
        if path.suffix in (".xlsx", ".xlsm"):
            assert_valid(path)


def test_filled_template_is_valid(tmp_path):
    from kpi_xl.demo import demo_frames
    from kpi_xl.excel.template import build_template

    assert_valid(build_template(tmp_path / "filled.xlsx", locale="en", data=demo_frames()))


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_demo_workbook_and_its_next_refresh_are_valid(tmp_path, locale):
    book = demo_workbook(tmp_path / "demo.xlsx", locale=locale)
    assert_valid(book)
    out = refresh(book, tmp_path / "next.xlsx")
    assert_valid(out)


def test_macro_demo_is_valid(tmp_path):
    assert_valid(demo_workbook(tmp_path / "kpi_demo.xlsm", locale="ja", macro=True))


def test_report_only_workbook_is_valid(tmp_path):
    assert_valid(new_workbook_report(make_report(), tmp_path / "report.xlsx"))


def test_readme_real_data_flow_import_with_derived_targets_then_refresh(tmp_path):
    if not (UCI / "online_retail.csv.gz").exists():
        pytest.skip("the UCI Online Retail export is not available")
    book = tmp_path / "uci.xlsx"
    out, err = io.StringIO(), io.StringIO()
    assert main(["import", "uci_online_retail", str(UCI), "-o", str(book),
                 "--derive-targets", "--locale", "en"], out=out, err=err) == 0, err.getvalue()
    assert_valid(book)
    for _ in range(2):  # a second refresh of the same file, too
        assert main(["refresh", str(book), "--quiet"], out=out, err=err) == 0, err.getvalue()
        assert_valid(book)


def test_problems_workbook_is_valid(tmp_path):
    """The problem table written on exit code 3 (values as typed, formula-like text kept as
    text) is a workbook kpi_xl writes too."""
    import pandas as pd

    from kpi_xl.cli_report import write_problems

    table = pd.DataFrame({"シート": ["商談", "商談"], "行": [3, None], "列": ["金額", None],
                          "入力値": ['=HYPERLINK("http://x")', "\x01制御文字"],
                          "内容": ["数値として読めません", "列がありません"], "対処": ["", ""]})
    assert_valid(write_problems(table, tmp_path / "book-problems.xlsx", "ja"))
