"""Empty and thin books: a short "no data yet" dashboard saying what to fill in; sections
without data say why in one line and stay small; no chart over nothing (no ¥1 axes)."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd

from kpi_xl.calendar import parse_period
from kpi_xl.cli import main
from kpi_xl.dataset import make_dataset
from kpi_xl.report.layout import build_report

from .ooxml_check import assert_valid

FIXED = dt.datetime(2026, 5, 1, 9, 0)


def test_an_empty_template_refreshes_to_a_short_no_data_dashboard(tmp_path):
    book = tmp_path / "book.xlsx"
    assert main(["template", str(book), "--quiet"]) == 0
    assert main(["refresh", str(book), "--quiet"]) == 0
    wb = openpyxl.load_workbook(book)
    generated = [n for n in wb.sheetnames if n == "ダッシュボード" or n in ("定義", "離反分析")]
    assert generated == ["ダッシュボード"]  # one sheet, nothing else
    ws = wb["ダッシュボード"]
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "まだデータがありません" in values
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0]}
    for sheet in ("担当者", "目標", "商談", "受注実績", "活動", "顧客"):
        assert rows[sheet][1] == 0 and rows[sheet][2]  # rows filled: 0, and what to fill
    assert ws._charts == [] and ws.max_row < 20
    assert_valid(book)


def test_a_book_with_reps_only_says_what_to_fill():
    ds = make_dataset(reps=pd.DataFrame({"rep": ["山田"]}))
    report = build_report(ds, as_of=dt.date(2026, 4, 30), generated_at=FIXED)
    assert [s.kind for s in report.sheets] == ["dashboard"]
    rows = {r[0]: r[1] for r in report.sheets[0].table("to_fill").rows}
    assert rows["担当者"] == 1 and rows["商談"] == 0


def test_thin_data_sections_say_why_and_charts_have_values():
    opp = pd.DataFrame({"opportunity_id": ["o1"], "rep": ["a"], "created_date": ["2026-04-01"],
                        "status": ["won"], "close_date": ["2026-04-10"], "amount": [500.0]})
    ds = make_dataset(opportunities=opp)  # no orders, no activities, no targets
    report = build_report(ds, as_of=dt.date(2026, 4, 30), period=parse_period("2026-04"),
                          generated_at=FIXED)
    dash = report.sheets[0]
    notes = [line for t in dash.texts for line in t.lines]
    assert "活動データがないため表示していません（活動シートに入力してください）" in notes
    assert dash.table("scorecard").rows  # the revenue actual, even without a target
    at_risk = dash.table("at_risk")
    assert not at_risk.rows
    assert at_risk.empty == "受注実績がないため表示していません（受注実績シートに入力してください）"
    assert not dash.table("churn_trend").rows or all(
        ch.table != "churn_trend" for ch in dash.charts)
    for sheet in report.sheets:
        for ch in sheet.charts:
            t = sheet.table(ch.table)
            keys = [c.key for c in t.columns]
            for s in ch.series:  # every series has a number, and some number is not 0
                j = keys.index(s.column)
                assert any(isinstance(r[j], (int, float)) for r in t.rows), (sheet.name, ch.title)
            assert any(isinstance(r[keys.index(s.column)], (int, float))
                       and r[keys.index(s.column)] for r in t.rows for s in ch.series)
        assert sheet.page.scale >= 10 and sheet.page.area is not None
