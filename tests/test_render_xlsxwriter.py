"""The XlsxWriter renderer (the one every written file uses) shows exactly what the openpyxl
renderer shows: both packages re-opened with openpyxl give the same cells (values, number
formats, fonts, fills, borders, quote prefixes), column widths, conditional formats, charts
(kinds, series ranges, secondary axes, axis formats and orientation, titles, anchors), zoom and
page setup — on the small test report, a report with every chart kind, and the demo report in
both languages."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from kpi_xl.report import render_openpyxl, render_xlsxwriter
from kpi_xl.report.model import Report
from kpi_xl.report.naming import unique_sheet_names

from .sheet_compare import differences, sheet_facts
from .test_macros import small_report
from .test_render_openpyxl import make_report


def _demo(locale: str) -> Report:
    from kpi_xl.demo import DATA_DIR
    from kpi_xl.report.layout import build_report
    from kpi_xl.validate import load

    return build_report(load(DATA_DIR), locale=locale, generated_at=dt.datetime(2026, 1, 1))


REPORTS = {"test": make_report, "every chart kind": small_report,
           "demo ja": lambda: _demo("ja"), "demo en": lambda: _demo("en")}


@pytest.mark.parametrize("constant_memory", [False, True], ids=["in_memory", "constant_memory"])
@pytest.mark.parametrize("which", list(REPORTS))
def test_xlsxwriter_and_openpyxl_render_the_same_sheets(which, constant_memory):
    report = REPORTS[which]()
    names = unique_sheet_names(s.name for s in report.sheets)
    a = openpyxl.load_workbook(io.BytesIO(render_openpyxl.render_package(report, names)))
    b = openpyxl.load_workbook(io.BytesIO(render_xlsxwriter.render_package(
        report, names, constant_memory=constant_memory)))
    assert b.sheetnames == names
    charts = 0
    for name in names:
        fa, fb = sheet_facts(a[name]), sheet_facts(b[name])
        assert not differences(fa, fb), (name, differences(fa, fb)[:5])
        charts += len(fb["charts"])
    assert charts > 0  # the comparison saw charts


def test_the_comparison_notices_a_different_chart():
    report = small_report()
    names = unique_sheet_names(s.name for s in report.sheets)
    a = openpyxl.load_workbook(io.BytesIO(render_openpyxl.render_package(report, names)))
    report.sheets[1].charts[-1].series[1].secondary = False  # no secondary axis any more
    b = openpyxl.load_workbook(io.BytesIO(render_xlsxwriter.render_package(report, names)))
    assert differences(sheet_facts(a[names[1]]), sheet_facts(b[names[1]]))
