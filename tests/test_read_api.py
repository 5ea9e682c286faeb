"""read_source as an API: wrong arguments are KpiXlErrors naming the argument, progress is
reported per table, messages follow the book's language, and the button's reader (values
from live Excel) finds exactly what the file reader finds."""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.table import Table

from kpi_xl.errors import KpiXlError
from kpi_xl.excel.macros import read_tables
from kpi_xl.read import guess_locale, read_source
from tests import xlwings_standin as xs

D = dt.datetime


@pytest.mark.parametrize(("source", "words"), [
    ({"orders": "str"}, ["'orders'", "DataFrame", "str"]),
    ({"orders": pd.Series([1, 2])}, ["'orders'", "Series"]),
    ({"bogus": pd.DataFrame()}, ["'bogus'", "orders"]),
    ({3: pd.DataFrame()}, ["3"]),
    (pd.DataFrame({"a": [1]}), ["DataFrame"]),
    (42, ["int"]),
    (None, ["NoneType"]),
    (b"book.xlsx", ["bytes"]),
    ("", ["source"]),
])
def test_wrong_arguments_are_errors_naming_them(source, words):
    with pytest.raises(KpiXlError) as info:
        read_source(source, locale="en")
    for w in words:
        assert w in str(info.value)


def test_a_dataframe_with_repeated_column_names_is_refused():
    frame = pd.DataFrame([[1, 2]], columns=["Amount", "Amount"])
    with pytest.raises(KpiXlError, match="'Amount'"):
        read_source({"orders": frame}, locale="en")


def test_limits_must_be_limits():
    with pytest.raises(KpiXlError, match="Limits"):
        read_source({"orders": pd.DataFrame()}, limits={"max_rows": 3}, locale="en")


def test_a_missing_path_names_it(tmp_path):
    with pytest.raises(KpiXlError, match=r"No such workbook: .*nope\.xlsx"):
        read_source(tmp_path / "nope.xlsx", locale="en")
    with pytest.raises(KpiXlError, match=r"No such file or folder: .*nope\.csv"):
        read_source(tmp_path / "nope.csv", locale="en")


def test_dataframes_are_passed_through_with_their_row_numbers():
    raws = read_source({"受注実績": pd.DataFrame({"日付": ["2026-10-01"]}, index=[7])})
    raw = raws["orders"]
    assert raw.frame.index.tolist() == [0] and raw.row_numbers().tolist() == [2]


def _book(path, sheets):
    wb = openpyxl.Workbook()
    del wb["Sheet"]
    for title, rows, table in sheets:
        ws = wb.create_sheet(title)
        for r, values in rows.items():
            for c, v in enumerate(values, start=1):
                if v is not None:
                    ws.cell(r, c, v)
        if table:
            ws.add_table(Table(displayName=table[0], ref=table[1]))
    wb.save(path)
    return path


class Recorder:
    def __init__(self):
        self.tables = []

    def phase(self, name):
        pass

    def table(self, label, rows):
        self.tables.append((label, rows))

    def step(self, i, n, label):
        pass

    def done(self):
        pass


def test_progress_reports_each_table_with_its_rows(tmp_path):
    path = _book(tmp_path / "b.xlsx", [
        ("受注実績", {1: ["日付", "顧客ID", "金額"], 2: [D(2026, 10, 1), "C1", 1],
                  3: [D(2026, 10, 2), "C2", 2]}, ("tblOrders", "A1:C3")),
        ("担当者", {1: ["担当者"], 2: ["山田"]}, None)])
    rec = Recorder()
    read_source(path, progress=rec)
    assert rec.tables == [("受注実績", 2), ("担当者", 1)]
    rec = Recorder()
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "orders.csv").write_text("Date,Customer ID,Amount\n2026-10-01,C1,1\n")
    read_source(tmp_path / "csv", progress=rec)
    # the detected encoding is named
    assert rec.tables == [("orders.csv (UTF-8, comma-separated)", 1)]


def test_locale_is_guessed_from_settings_then_japanese_text(tmp_path):
    frame = pd.DataFrame({"Date": [1]})
    assert guess_locale({"orders": frame}) == "en"
    assert guess_locale({"orders": pd.DataFrame({"日付": [1]})}) == "ja"
    settings = pd.DataFrame({"設定項目": ["言語"], "値": ["English"]})
    assert guess_locale({"settings": settings, "orders": pd.DataFrame({"日付": [1]})}) == "en"
    settings = pd.DataFrame({"Setting": ["locale"], "Value": ["ja"]})
    assert guess_locale({"settings": settings, "orders": frame}) == "ja"
    assert guess_locale({"orders": frame}, "受注.xlsx") == "ja"


def test_problems_are_written_in_the_book_language(tmp_path):
    rows = {1: ["Date", "Customer ID", "Amount"], 2: [D(2026, 10, 1), "C1", 1]}
    en = _book(tmp_path / "en.xlsx", [("Orders", rows, ("tblOrders", "A1:C2"))])
    wb = openpyxl.load_workbook(en)
    wb["Orders"]["F9"] = "x"
    wb.save(en)
    (p,) = read_source(en)["orders"].problems
    assert p.table == "Orders" and "belongs to no table" in p.problem
    wb["Orders"]["A1"] = "日付"
    wb.save(tmp_path / "ja.xlsx")
    (p,) = read_source(tmp_path / "ja.xlsx")["orders"].problems
    # located on the sheet the user opens, laid out in the book's language
    assert p.table == "Orders" and "どの表にも属していません" in p.problem
    assert p.format().startswith("Ordersシート 9行目 〔F〕: ")


LAYOUTS = {
    "below_and_total": [("受注実績", {1: ["受注一覧"], 3: ["日付", "顧客ID", "金額"],
                                   4: [D(2026, 10, 1), "C1", 100], 5: [D(2026, 10, 2), "C2", 200],
                                   7: [D(2026, 10, 3), "令和8年10月3日", "120万円"],
                                   8: ["合計", None, 300]}, ("tblOrders", "A3:C5"))],
    "beside_and_stray": [("Orders", {1: ["Date", "Customer ID", "Amount", "Memo"],
                                     2: [D(2026, 10, 1), "C1", 1, "x"],
                                     6: [None, None, None, None, None, None, 7]},
                          ("tblOrders", "A1:C2"))],
    "sheet_named": [("担当者", {2: ["担当者一覧"], 4: ["担当者", "チーム"], 5: ["山田", "東京1課"],
                             6: ["佐藤", None]}, None)],
}


def _plain(frame: pd.DataFrame) -> list:
    return frame.astype(object).where(frame.notna(), None).values.tolist()


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_button_finds_what_the_file_reader_finds(tmp_path, layout):
    path = _book(tmp_path / "b.xlsx", LAYOUTS[layout])
    from_file = read_source(path)
    from_excel = read_tables(xs.load_workbook(path))
    assert set(from_excel) == set(from_file)
    for name, raw in from_file.items():
        other = from_excel[name]
        assert list(other.frame.columns) == list(raw.frame.columns)
        assert _plain(other.frame) == _plain(raw.frame)
        assert np.array_equal(other.row_numbers(), raw.row_numbers())
        assert other.exclusions == raw.exclusions
        assert other.outside == raw.outside
        assert [(p.row, p.column, p.value, p.problem) for p in other.problems] == [
            (p.row, p.column, p.value, p.problem) for p in raw.problems]


def test_the_button_reads_a_huge_used_range_in_bounded_columns_and_says_so(tmp_path):
    from kpi_xl.read import Limits

    rows = {1: ["Date", "Customer ID", "Amount"], 2: [D(2026, 10, 1), "C1", 1]}
    path = _book(tmp_path / "b.xlsx", [("Orders", rows, ("tblOrders", "A1:C2"))])
    wb = openpyxl.load_workbook(path)
    wb["Orders"]["AD40"] = "far"
    wb.save(path)
    raw = read_tables(xs.load_workbook(path), limits=Limits(max_sheet_cells=100))["orders"]
    assert raw.frame["Customer ID"].tolist() == ["C1"]
    (p,) = raw.problems
    assert "A1:AD40" in p.problem and "A1:S40" in p.problem


def test_a_range_shorter_than_its_data_loses_no_row(tmp_path):
    rows = {1: ["Date", "Customer ID", "Amount"]}
    rows.update({r: [D(2026, 10, r), f"C{r}", r] for r in range(2, 12)})
    path = _book(tmp_path / "b.xlsx", [("Orders", rows, ("tblOrders", "A1:C2"))])
    raw = read_source(path)["orders"]
    assert len(raw.frame) == 10
    assert [(o.first, o.last, o.count) for o in raw.outside] == [(3, 11, 9)]
