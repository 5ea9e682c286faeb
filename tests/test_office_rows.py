"""Rows an office adds around its tables, and CSV folders as Japanese Excel saves them.

A 受注実績 Excel table whose range stops at row 3, a blank row, two orders pasted below it (Excel
does not extend a table over a blank row), and a 合計 row at the bottom; the same data as a
CSV folder written in CP932 (amounts with the backslash Excel showed as ¥), UTF-8 with BOM and
UTF-16 tab-separated ("Unicode text"). Every figure is hand-computed:

April 2026, revenue basis = orders (by order date, credited to the customer's rep):

=========  ===============================================================  =========
rep        orders in April                                                  revenue
=========  ===============================================================  =========
山田 太郎  C001 120万円 (row 2), 青葉商事(株) 50万円 (row 5, below the table)  1,700,000
佐藤 花子  緑山工業 ¥300,000 (row 3), C002 1,000千円 (row 6, below the table)  1,300,000
=========  ===============================================================  =========

The 合計 row (row 7, 3,000,000) is excluded and named, never counted: counting it would double
the team's revenue. Targets 200万円 and 1,500千円 → achievement 0.85 and 13/15. New customers
in April: 2 (C001 and C002, each named two ways).
"""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from openpyxl.worksheet.table import Table

from kpi_xl.cli import main
from kpi_xl.read import read_source
from kpi_xl.validate import load

REPS = [["担当者", "チーム"], ["山田 太郎", "東京1課"], ["佐藤 花子", "東京1課"]]
CUSTOMERS = [["顧客ID", "顧客名", "担当者"], ["C001", "株式会社青葉商事", "山田　太郎"],
             ["C002", "(株)緑山工業", "佐藤花子"]]
SETTINGS = [["設定項目", "値"], ["売上の基準", "orders"], ["言語", "日本語"],
            ["金額単位", "円"]]
TARGETS = [["担当者", "月", "指標", "目標"], ["山田 太郎", "R8.4", "売上", "200万円"],
           ["佐藤 花子", "2026年4月", "売上", "1,500千円"]]
ORDERS_IN_TABLE = [["日付", "顧客", "金額"], ["2026/4/1", "C001", "120万円"],
                   ["R8.4.2", "緑山工業", "¥300,000"]]
ORDERS_BELOW = [["2026/4/10", "青葉商事(株)", "50万円"], ["2026/4/11", "C002", "1,000千円"]]
TOTAL = ["合計", None, 3_000_000]
REVENUE = {"山田 太郎": 1_700_000, "佐藤 花子": 1_300_000}


def _sheet(wb: openpyxl.Workbook, title: str, name: str, rows: list[list]) -> None:
    ws = wb.create_sheet(title)
    for row in rows:
        ws.append(row)
    last = openpyxl.utils.get_column_letter(len(rows[0]))
    ws.add_table(Table(displayName=name, ref=f"A1:{last}{len(rows)}"))


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _sheet(wb, "設定", "tblSettings", SETTINGS)
    _sheet(wb, "担当者", "tblReps", REPS)
    _sheet(wb, "顧客", "tblCustomers", CUSTOMERS)
    _sheet(wb, "目標", "tblTargets", TARGETS)
    _sheet(wb, "受注実績", "tblOrders", ORDERS_IN_TABLE)  # the table ends at row 3
    ws = wb["受注実績"]
    ws.append([])  # row 4: blank — Excel stops the table here
    for row in ORDERS_BELOW:  # rows 5 and 6: pasted below it
        ws.append(row)
    ws.append(TOTAL)  # row 7
    path = tmp_path_factory.mktemp("rows") / "受注台帳.xlsx"
    wb.save(path)
    return path


def _write_csv(path, rows: list[list], encoding: str, delimiter: str = ",",
               backslash_yen: bool = False) -> None:
    lines = []
    for row in rows:
        cells = ["" if v is None else str(v) for v in row]
        if backslash_yen:  # what a CP932 file shows where Excel displayed ¥
            cells = [c.replace("¥", "\\") for c in cells]
        lines.append(delimiter.join(f'"{c}"' if "," in c else c for c in cells))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("csv") / "4月分"
    d.mkdir()
    _write_csv(d / "設定.csv", SETTINGS, "utf-8-sig")
    _write_csv(d / "担当者.csv", REPS, "utf-8-sig")
    _write_csv(d / "顧客.csv", CUSTOMERS, "cp932")
    _write_csv(d / "目標.csv", TARGETS, "cp932", backslash_yen=True)
    orders = [*ORDERS_IN_TABLE, *ORDERS_BELOW, TOTAL]
    orders[2] = ["R8.4.2", "緑山工業", "\\300,000"]  # typed in a CP932 CSV as Excel shows ¥
    _write_csv(d / "受注実績.txt", orders, "utf-16", delimiter="\t")
    return d


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _revenue(data: dict) -> dict[str, float]:
    return {r["group"]: r["actual"] for r in data["scorecard"] if r["metric"] == "revenue"}


def test_rows_below_the_table_are_read_and_the_total_row_is_not(book):
    ds = load(book)
    assert ds.orders["amount"].tolist() == [1_200_000, 300_000, 500_000, 1_000_000]
    assert ds.orders["customer"].tolist() == ["C001", "C002", "C001", "C002"]
    assert [(o.table, o.first, o.last, o.count) for o in ds.outside_rows] == [
        ("orders", 5, 6, 2)]
    reasons = {(e.table, e.reason): e.rows for e in ds.exclusions}
    assert reasons[("orders", "total_row")] == (7,)
    assert sum(e.count for e in ds.exclusions if e.reason != "blank_row") == 1


def test_metrics_of_the_book_give_the_hand_computed_figures(book):
    code, out, err = _run("metrics", str(book), "--json", "--period", "2026-04",
                          "--as-of", "2026-04-30")
    assert code == 0, err
    data = json.loads(out)
    assert _revenue(data) == REVENUE
    card = {(r["group"], r["metric"]): r for r in data["scorecard"]}
    assert card[("山田 太郎", "revenue")]["achievement"] == pytest.approx(0.85)
    assert card[("佐藤 花子", "revenue")]["achievement"] == pytest.approx(13 / 15)
    assert data["customers"]["movements"]["new"] == 2
    assert [e["reason"] for e in data["exclusions"] if e["table"] == "orders"] \
        .count("total_row") == 1
    assert [(o["table"], o["first"], o["last"]) for o in data["outside_rows"]] == [
        ("orders", 5, 6)]


def test_refresh_says_where_rows_outside_the_table_were_read(book, tmp_path, monkeypatch):
    monkeypatch.setenv("KPI_XL_LANG", "ja")
    out_path = tmp_path / "refreshed.xlsx"
    code, out, err = _run("refresh", str(book), "-o", str(out_path), "--period", "2026-04",
                          "--as-of", "2026-04-30")
    assert code == 0, err
    assert "受注実績: テーブル範囲外の2行も読み込みました(行 5–6)" in out  # the closing summary
    assert "受注実績: 1行を除外" in out and "(行 7)" in out
    wb = openpyxl.load_workbook(out_path)
    texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)}
    assert any("テーブル範囲外の2行" in t for t in texts)  # the sheets' footnote says it too
    values = {c.value for row in wb["山田 太郎"].iter_rows() for c in row}
    assert 1_700_000 in values


def test_a_csv_folder_in_three_encodings_gives_the_same_figures(folder):
    code, out, err = _run("metrics", str(folder), "--json", "--period", "2026-04",
                          "--as-of", "2026-04-30")
    assert code == 0, err
    data = json.loads(out)
    assert _revenue(data) == REVENUE
    assert data["customers"]["movements"]["new"] == 2
    assert [e["reason"] for e in data["exclusions"]].count("total_row") == 1


def test_the_detected_encodings_are_named_in_the_folder_language(folder):

    detected = {name: raw.detected for name, raw in read_source(folder).items()}
    assert detected["customers"] == "Shift_JIS(CP932)、カンマ区切り"
    assert detected["orders"] == "UTF-16(Unicode テキスト)、タブ区切り"
    assert detected["reps"] == "UTF-8(BOM付き)、カンマ区切り"
