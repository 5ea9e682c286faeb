"""Every cell reaches the validator with its value as typed, whatever fastexcel does with a
column that mixes types."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kpi_xl.read import read_source
from kpi_xl.read.fastload import cell_from_debug

D = dt.datetime


def _book(path: Path, columns: dict[str, list], errors: dict[tuple[int, int], str] = ()
          ) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Orders"
    names = list(columns)
    ws.append(names)
    for i in range(max(len(v) for v in columns.values())):
        ws.append([columns[n][i] if i < len(columns[n]) else None for n in names])
    for (r, c), text in dict(errors).items():
        cell = ws.cell(r, c)
        cell.value = text
        cell.data_type = "e"
    wb.save(path)
    return path


def _values(s: pd.Series) -> list:
    return [None if (v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT)
            else v for v in s.tolist()]


def test_uniform_columns_arrive_typed(tmp_path):
    path = _book(tmp_path / "b.xlsx", {
        "Date": [D(2026, 10, 1), D(2026, 10, 2), None, D(2026, 10, 4)],
        "Customer ID": ["C1", "C1", "C2", "C1"],
        "Order ID": ["O1", "O2", "O3", "O4"],
        "Amount": [100, 200.5, None, 4],
        "Flag": [True, False, True, True]})
    frame = read_source(path)["orders"].frame
    assert str(frame["Date"].dtype) == "datetime64[ns]"
    assert isinstance(frame["Customer ID"].dtype, pd.CategoricalDtype)
    assert frame["Order ID"].dtype == "str"
    assert frame["Amount"].dtype == "float64"
    assert frame["Flag"].dtype == bool
    assert _values(frame["Amount"]) == [100.0, 200.5, None, 4.0]


def test_a_date_column_with_wareki_text_keeps_dates_and_text(tmp_path):
    path = _book(tmp_path / "b.xlsx", {
        "Date": [D(2026, 10, 1), "令和8年10月1日", D(2026, 10, 3, 12, 30, 15, 500000), None,
                 46296],
        "Amount": [1, 2, 3, 4, 5]})
    frame = read_source(path)["orders"].frame
    assert frame["Date"].dtype == object
    assert _values(frame["Date"]) == [D(2026, 10, 1), "令和8年10月1日",
                                      D(2026, 10, 3, 12, 30, 15, 500000), None, 46296.0]


def test_an_amount_column_with_text_amounts_keeps_numbers_exact(tmp_path):
    path = _book(tmp_path / "b.xlsx", {
        "Amount": [0.1234567891234, "120万円", 1_234_567.891234567, "\\1,200,000", True, None,
                   "00123", "1e3", "1200"]})
    frame = read_source(path)["orders"].frame
    assert _values(frame["Amount"]) == [0.1234567891234, "120万円", 1_234_567.891234567,
                                        "\\1,200,000", True, None, "00123", "1e3", 1200.0]


@pytest.mark.parametrize("text", ["NULL", "N/A", "NA", "None", "nan", "NaN", "inf", "-nan",
                                  "#N/A"])
def test_text_that_looks_like_nothing_in_a_number_column_is_kept_as_typed(tmp_path, text):
    path = _book(tmp_path / "b.xlsx", {"Amount": [1.5, text, 2.5]})
    assert _values(read_source(path)["orders"].frame["Amount"]) == [1.5, text, 2.5]


def test_error_cells_arrive_as_the_error_excel_shows(tmp_path):
    path = _book(tmp_path / "b.xlsx", {"Amount": [1.0, None, 3.0], "Date": [
        D(2026, 1, 1), D(2026, 1, 2), None]}, errors={(3, 1): "#DIV/0!", (4, 2): "#N/A"})
    frame = read_source(path)["orders"].frame
    assert _values(frame["Amount"]) == [1.0, "#DIV/0!", 3.0]
    assert _values(frame["Date"]) == [D(2026, 1, 1), D(2026, 1, 2), "#N/A"]


def test_mixed_text_and_numbers_in_an_id_column(tmp_path):
    path = _book(tmp_path / "b.xlsx", {"Customer ID": ["C001", 1002, "00123", 1004.5]})
    assert _values(read_source(path)["orders"].frame["Customer ID"]) == [
        "C001", 1002.0, "00123", 1004.5]


def test_dates_beyond_nanosecond_range_are_python_datetimes(tmp_path):
    path = _book(tmp_path / "b.xlsx", {"Date": [D(2026, 1, 1), D(9999, 12, 31)]})
    frame = read_source(path)["orders"].frame
    assert frame["Date"].dtype == object
    assert frame["Date"].tolist() == [D(2026, 1, 1), D(9999, 12, 31)]


def test_time_of_day_and_booleans_in_a_text_column(tmp_path):
    path = _book(tmp_path / "b.xlsx", {"Note": ["a", dt.time(9, 30), False]})
    values = _values(read_source(path)["orders"].frame["Note"])
    assert values[0] == "a" and values[2] is False
    assert values[1].time() == dt.time(9, 30)


@pytest.mark.parametrize(("detail", "value"), [
    ("Expected float but got 'String(\"N/A\")'", "N/A"),
    ("Expected float but got 'String(\"a \\\"quoted\\\" \\\\ back\\nnew\")'",
     'a "quoted" \\ back\nnew'),
    ("Expected float but got 'String(\"e\\u{301}\")'", "e\u0301"),
    ("Expected float but got 'Error(Div0)'", "#DIV/0!"),
    ("Expected float but got 'Error(NA)'", "#N/A"),
    ("Expected string but got 'Bool(true)'", True),
    ("Expected float but got 'DateTime(ExcelDateTime { value: 46296.5, datetime_type: DateTime,"
     " is_1904: false })'", D(2026, 10, 1, 12)),
    ("Expected float but got 'DateTime(ExcelDateTime { value: 0.5, datetime_type: TimeDelta,"
     " is_1904: false })'", dt.timedelta(hours=12)),
    ("Expected float but got 'DateTime(ExcelDateTime { value: 0.0, datetime_type: DateTime,"
     " is_1904: true })'", D(1904, 1, 1)),
])
def test_fastexcel_conversion_errors_give_back_the_cell(detail, value):
    assert cell_from_debug(detail) == value


def _xlsxwriter_book(path: Path, amounts: list, error: str | None = None) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Orders")
    ws.write_row(0, 0, ["Date", "Customer ID", "Amount"])
    fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for i, a in enumerate(amounts, start=1):
        ws.write_datetime(i, 0, D(2026, 10, i), fmt)
        ws.write_string(i, 1, f"C{i}")
        if isinstance(a, str):
            ws.write_string(i, 2, a)
        elif a is not None:
            ws.write_number(i, 2, a)
    if error:
        ws.write_formula(len(amounts) + 1, 2, "=1/0", None, error)
        ws.write_datetime(len(amounts) + 1, 0, D(2026, 10, 28), fmt)
    wb.close()
    return path


def test_a_book_of_shared_strings_is_read_eagerly_with_the_same_values(tmp_path, monkeypatch):
    from kpi_xl.read import fastload

    path = _xlsxwriter_book(tmp_path / "b.xlsx", [1.5, 2.5, None, 4])
    lazy = read_source(path)["orders"].frame
    monkeypatch.setattr(fastload, "_load", lambda *a, **k: pytest.fail("not eager"))
    eager = read_source(path)["orders"].frame
    assert eager.equals(lazy)
    assert _values(eager["Amount"]) == [1.5, 2.5, None, 4.0]


def test_null_words_and_error_cells_in_shared_strings_books_keep_their_text(tmp_path):
    path = _xlsxwriter_book(tmp_path / "b.xlsx", [1.5, "N/A", "NULL", 4], error="#DIV/0!")
    frame = read_source(path)["orders"].frame
    assert _values(frame["Amount"]) == [1.5, "N/A", "NULL", 4.0, "#DIV/0!"]
