"""Where a table's rows are on a sheet: every filled cell is read, excluded with a reason, or
reported. Workbooks written by openpyxl, XlsxWriter and LibreOffice, as offices lay them out."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import xlsxwriter
from openpyxl.worksheet.table import Table

from kpi_xl.dataset import Exclusion, OutsideRows
from kpi_xl.read import read_source

D = dt.datetime


def _openpyxl(path: Path, sheet: str, rows: dict[int, list], table: tuple[str, str] | None,
              extra: dict[str, object] | None = None) -> Path:
    """``rows``: sheet row number → values from column A; ``table``: (name, ref)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r, values in rows.items():
        for c, v in enumerate(values, start=1):
            if v is not None:
                ws.cell(r, c, v)
    for ref, v in (extra or {}).items():
        ws[ref] = v
    if table:
        ws.add_table(Table(displayName=table[0], ref=table[1]))
    wb.save(path)
    return path


ORDERS_HEAD = ["日付", "顧客ID", "金額"]


def test_rows_below_the_table_after_a_blank_row_are_read_with_their_row_numbers(tmp_path):
    rows = {1: ORDERS_HEAD, 2: [D(2026, 10, 1), "C1", 100], 3: [D(2026, 10, 2), "C2", 200],
            5: [D(2026, 10, 3), "C3", 300], 6: [D(2026, 10, 4), "C4", 400]}
    path = _openpyxl(tmp_path / "b.xlsx", "受注実績", rows, ("tblOrders", "A1:C3"))
    raw = read_source(path)["orders"]
    assert raw.frame["顧客ID"].tolist()[:2] == ["C1", "C2"]
    assert raw.frame["顧客ID"].isna().tolist() == [False, False, True, False, False]
    assert raw.row_numbers().tolist() == [2, 3, 4, 5, 6]
    assert raw.outside == [OutsideRows("orders", 5, 6, 2)]
    assert raw.problems == [] and raw.exclusions == []


def test_rows_pasted_directly_below_the_range_are_read(tmp_path):
    rows = {1: ORDERS_HEAD, 2: [D(2026, 10, 1), "C1", 100], 3: [D(2026, 10, 2), "C2", 200],
            4: [D(2026, 10, 3), "C3", 300]}
    path = _openpyxl(tmp_path / "b.xlsx", "Orders", rows, ("tblOrders", "A1:C2"))
    raw = read_source(path)["orders"]
    assert len(raw.frame) == 3
    assert raw.outside == [OutsideRows("orders", 3, 4, 2)]


def test_a_column_typed_beside_the_table_under_a_header_is_read(tmp_path):
    rows = {1: [*ORDERS_HEAD, "備考"], 2: [D(2026, 10, 1), "C1", 100, "至急"],
            3: [D(2026, 10, 2), "C2", 200, None]}
    path = _openpyxl(tmp_path / "b.xlsx", "受注実績", rows, ("tblOrders", "A1:C3"))
    raw = read_source(path)["orders"]
    assert list(raw.frame.columns) == [*ORDERS_HEAD, "備考"]
    assert raw.frame["備考"].tolist()[0] == "至急"
    assert raw.outside == [OutsideRows("orders", 2, 2, 1)]


def test_total_row_at_the_bottom_is_excluded_with_its_label(tmp_path):
    rows = {1: ORDERS_HEAD, 2: [D(2026, 10, 1), "C1", 100], 3: [D(2026, 10, 2), "C2", 200],
            4: ["合　計", None, 300]}
    path = _openpyxl(tmp_path / "b.xlsx", "受注実績", rows, ("tblOrders", "A1:C4"))
    raw = read_source(path)["orders"]
    assert len(raw.frame) == 2
    assert raw.exclusions == [Exclusion("orders", "total_row", (4,), "合　計")]


@pytest.mark.parametrize("label", ["合計", "計", "小計", "総計", "Total", "TOTAL:", "Grand Total",
                                   "Subtotal", "Sum", "ＴＯＴＡＬ", "合計："])
def test_total_labels_are_recognised_in_any_spelling(tmp_path, label):
    rows = {1: ORDERS_HEAD, 2: [D(2026, 10, 1), "C1", 100], 3: [label, None, 100]}
    path = _openpyxl(tmp_path / "b.xlsx", "Orders", rows, None)
    raw = read_source(path)["orders"]
    assert len(raw.frame) == 1
    assert [e.reason for e in raw.exclusions] == ["total_row"]


def test_subtotal_rows_between_groups_are_excluded_and_rows_keep_their_numbers(tmp_path):
    rows = {1: ORDERS_HEAD, 2: [D(2026, 10, 1), "C1", 100], 3: ["小計", None, 100],
            4: [D(2026, 10, 2), "C2", 200], 5: ["小計", None, 200], 6: ["合計", None, 300]}
    path = _openpyxl(tmp_path / "b.xlsx", "Orders", rows, None)
    raw = read_source(path)["orders"]
    assert raw.frame["顧客ID"].tolist() == ["C1", "C2"]
    assert raw.row_numbers().tolist() == [2, 4]
    assert raw.exclusions == [Exclusion("orders", "total_row", (3, 5, 6), "小計 / 合計")]


def test_a_customer_named_like_a_total_is_data_when_it_is_not_the_first_cell(tmp_path):
    rows = {1: ORDERS_HEAD, 2: [D(2026, 10, 1), "合計", 100]}
    raw = read_source(_openpyxl(tmp_path / "b.xlsx", "Orders", rows, None))["orders"]
    assert raw.frame["顧客ID"].tolist() == ["合計"] and raw.exclusions == []


def test_excel_table_totals_row_is_excluded(tmp_path):
    path = tmp_path / "totals.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("受注実績")
    ws.add_table(0, 0, 3, 2, {"name": "tblOrders", "total_row": True, "columns": [
        {"header": "日付", "total_string": "集計"}, {"header": "顧客ID"},
        {"header": "金額", "total_function": "sum"}]})
    for r, (c, a) in enumerate([("C1", 100), ("C2", 200)], start=1):
        ws.write_datetime(r, 0, D(2026, 10, r), wb.add_format({"num_format": "yyyy/m/d"}))
        ws.write(r, 1, c)
        ws.write(r, 2, a)
    wb.close()
    raw = read_source(path)["orders"]
    assert raw.frame["顧客ID"].tolist() == ["C1", "C2"]
    assert raw.exclusions == [Exclusion("orders", "total_row", (4,), "集計")]


def test_title_above_the_header_is_excluded_and_header_found_below_it(tmp_path):
    rows = {1: ["受注実績一覧（2026年10月）"], 2: [None, None, "出力日", D(2026, 11, 1)],
            4: [None, *ORDERS_HEAD], 5: [None, D(2026, 10, 1), "C1", 100]}
    path = _openpyxl(tmp_path / "b.xlsx", "受注実績", rows, None)
    raw = read_source(path)["orders"]
    assert raw.header_row == 4
    assert list(raw.frame.columns) == ORDERS_HEAD
    assert raw.frame["顧客ID"].tolist() == ["C1"]
    (ex,) = raw.exclusions
    assert ex.reason == "before_header" and ex.rows == (1, 2)
    assert ex.detail.startswith("受注実績一覧")


def test_a_data_row_above_the_header_is_a_problem_not_a_silent_title(tmp_path):
    rows = {1: [D(2026, 9, 30), "C0", 50], 2: ORDERS_HEAD, 3: [D(2026, 10, 1), "C1", 100]}
    path = _openpyxl(tmp_path / "b.xlsx", "Orders", rows, ("tblOrders", "A2:C3"))
    raw = read_source(path, locale="en")["orders"]
    (p,) = raw.problems
    assert p.row == 1 and "above the header" in p.problem and "C0" in str(p.value)


def test_stray_cells_are_located_problems_with_their_values(tmp_path):
    rows = {1: ORDERS_HEAD, 2: [D(2026, 10, 1), "C1", 100]}
    path = _openpyxl(tmp_path / "b.xlsx", "Orders", rows, ("tblOrders", "A1:C2"),
                     extra={"F7": 12345, "H2": "memo"})
    raw = read_source(path, locale="en")["orders"]
    found = {(p.row, p.column, p.value) for p in raw.problems}
    assert found == {(7, "F", 12345), (2, "H", "memo")}
    assert all("belongs to no table" in p.problem for p in raw.problems)


def test_a_note_beside_the_header_is_recorded_not_blocking(tmp_path):
    rows = {1: [*ORDERS_HEAD, None, "※金額は税抜"], 2: [D(2026, 10, 1), "C1", 100]}
    raw = read_source(_openpyxl(tmp_path / "b.xlsx", "Orders", rows,
                                ("tblOrders", "A1:C2")))["orders"]
    assert raw.problems == []
    assert raw.exclusions == [Exclusion("orders", "note", (1,), "E1: ※金額は税抜")]


def test_a_table_in_a_sheet_not_named_like_it_is_found_by_its_name(tmp_path):
    rows = {3: ORDERS_HEAD, 4: [D(2026, 10, 1), "C1", 100]}
    path = _openpyxl(tmp_path / "b.xlsx", "Sheet1", rows, ("tblOrders", "A3:C4"))
    raw = read_source(path)["orders"]
    assert raw.sheet == "Sheet1" and raw.header_row == 3
    assert raw.row_numbers().tolist() == [4]
    assert "tblOrders" in raw.origin


def test_a_default_named_excel_table_on_a_sheet_named_like_the_table(tmp_path):
    rows = {2: [None, *ORDERS_HEAD], 3: [None, D(2026, 10, 1), "C1", 100]}
    path = _openpyxl(tmp_path / "b.xlsx", "受注実績", rows, ("テーブル1", "B2:D3"))
    raw = read_source(path)["orders"]
    assert raw.header_row == 2 and raw.frame["金額"].tolist() == [100.0]


def test_the_same_table_found_twice_is_a_problem(tmp_path):
    wb = openpyxl.Workbook()
    for title, name in (("A", "tblOrders"), ("B", "受注実績")):
        ws = wb.create_sheet(title)
        ws.append(ORDERS_HEAD)
        ws.append([D(2026, 10, 1), "C1", 100])
        ws.add_table(Table(displayName=name, ref="A1:C2"))
    del wb["Sheet"]
    wb.save(tmp_path / "b.xlsx")
    raw = read_source(tmp_path / "b.xlsx", locale="en")["orders"]
    assert any("found twice" in p.problem for p in raw.problems)


def test_duplicate_headers_are_a_located_problem_naming_both_columns(tmp_path):
    rows = {1: ["Date", "Customer ID", "Amount", "Amount"], 2: [D(2026, 10, 1), "C1", 1, 2]}
    raw = read_source(_openpyxl(tmp_path / "b.xlsx", "Orders", rows, None),
                      locale="en")["orders"]
    assert list(raw.frame.columns) == ["Date", "Customer ID", "Amount", "Amount (D)"]
    (p,) = raw.problems
    assert (p.row, p.column) == (1, "Amount")
    assert "columns C and D" in p.problem


def test_blank_rows_inside_the_data_stay_in_the_frame(tmp_path):
    rows = {1: ORDERS_HEAD, 2: [D(2026, 10, 1), "C1", 100], 5: [D(2026, 10, 2), "C2", 200]}
    raw = read_source(_openpyxl(tmp_path / "b.xlsx", "Orders", rows, None))["orders"]
    assert len(raw.frame) == 4 and raw.row_numbers().tolist() == [2, 3, 4, 5]


def test_named_lists_beside_a_table_belong_to_the_template_not_to_strays(tmp_path):
    from kpi_xl.excel.template import build_template

    path = build_template(tmp_path / "t.xlsx", locale="ja")
    raws = read_source(path)
    assert all(r.problems == [] for r in raws.values())
    assert raws["settings"].exclusions == []


def test_xlsxwriter_table_with_rows_below_and_a_stray_cell(tmp_path):
    path = tmp_path / "xw.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Orders")
    ws.add_table(0, 0, 2, 2, {"name": "tblOrders", "columns": [
        {"header": "Date"}, {"header": "Customer ID"}, {"header": "Amount"}]})
    fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    data = [(D(2026, 10, 1), "C1", 1), (D(2026, 10, 2), "C2", 2), None, (D(2026, 10, 3), "C3", 3)]
    for r, row in enumerate(data, start=1):
        if row:
            ws.write_datetime(r, 0, row[0], fmt)
            ws.write(r, 1, row[1])
            ws.write(r, 2, row[2])
    ws.write(10, 10, "??")
    wb.close()
    raw = read_source(path, locale="en")["orders"]
    assert raw.frame["Amount"].tolist()[:2] == [1.0, 2.0] and raw.frame["Amount"].iloc[3] == 3
    assert str(raw.frame["Date"].dtype) == "datetime64[ns]"  # the blank row is NaT
    assert raw.frame["Date"].isna().tolist() == [False, False, True, False]
    assert raw.outside == [OutsideRows("orders", 5, 5, 1)]
    assert [(p.row, p.column) for p in raw.problems] == [(11, "K")]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_book_saved_by_libreoffice_reads_the_same(tmp_path):
    rows = {1: ["受注実績"], 3: ORDERS_HEAD, 4: [D(2026, 10, 1), "C1", 100],
            5: [D(2026, 10, 2), "令和8年10月2日", "120万円"], 7: [D(2026, 10, 3), "C3", 300],
            8: ["合計", None, 400]}
    src = _openpyxl(tmp_path / "src.xlsx", "受注実績", rows, ("tblOrders", "A3:C5"))
    out = tmp_path / "lo"
    subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(out),
                    str(src)], check=True, capture_output=True, timeout=180,
                   env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    mine, theirs = read_source(src)["orders"], read_source(out / "src.xlsx")["orders"]
    assert theirs.frame.astype(object).where(theirs.frame.notna(), None).values.tolist() == \
        mine.frame.astype(object).where(mine.frame.notna(), None).values.tolist()
    assert theirs.exclusions == mine.exclusions
    assert theirs.outside == mine.outside == [OutsideRows("orders", 7, 7, 1)]
    assert np.array_equal(theirs.row_numbers(), mine.row_numbers())


def test_a_stray_cell_in_a_japanese_book_is_located_on_its_own_sheet_in_japanese(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "受注一覧"
    ws.append(["日付", "顧客ID", "金額"])
    ws.append(["2026/4/1", "C1", 100])
    ws.add_table(Table(displayName="tblOrders", ref="A1:C2"))
    ws["H20"] = "メモ: 来月確認"
    wb.save(tmp_path / "受注.xlsx")
    (p,) = read_source(tmp_path / "受注.xlsx")["orders"].problems
    assert p.format() == ("受注一覧シート 20行目 〔H〕: シート「受注一覧」のセル H20 に値が"
                          "ありますが、どの表にも属していません（値: メモ: 来月確認）— 表の中"
                          "(または見出しのある隣の列)か別のシートに移すか、不要なら削除してください")
