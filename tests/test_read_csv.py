"""CSV files and folders: the encoding and delimiter they really have, RFC 4180 records, and a
located problem for every cell or record that cannot be read as it is."""

from __future__ import annotations

import pytest

from kpi_xl.errors import KpiXlError
from kpi_xl.read import read_source

HEAD = "日付,顧客ID,金額\r\n"


def _csv(tmp_path, name: str, text: str | bytes, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


def test_cp932_file_with_the_backslash_excel_showed_as_yen(tmp_path):
    path = _csv(tmp_path, "受注実績.csv", HEAD + '2026/10/1,株式会社青葉商事,"\\1,200,000"\r\n',
                "cp932")
    raw = read_source(path)["orders"]
    assert raw.detected == "Shift_JIS(CP932)、カンマ区切り"
    assert raw.frame.iloc[0].tolist() == ["2026/10/1", "株式会社青葉商事", "\\1,200,000"]
    assert "Shift_JIS" in raw.origin


def test_utf8_with_bom(tmp_path):
    path = _csv(tmp_path, "orders.csv", "\ufeffDate,Customer ID,Amount\n2026-10-01,C1,5\n")
    raw = read_source(path, locale="en")["orders"]
    assert raw.detected == "UTF-8 (BOM), comma-separated"
    assert list(raw.frame.columns) == ["Date", "Customer ID", "Amount"]


def test_utf16_tab_separated_unicode_text_from_excel(tmp_path):
    text = "\ufeff日付\t顧客ID\t金額\r\n2026/10/1\tC001\t1200000\r\n"
    path = _csv(tmp_path, "受注実績.txt", text, "utf-16-le")
    raw = read_source(tmp_path)["orders"]
    assert raw.detected == "UTF-16(Unicode テキスト)、タブ区切り"
    assert raw.frame.iloc[0].tolist() == ["2026/10/1", "C001", "1200000"]
    assert path.exists()


def test_plain_utf8_and_semicolons(tmp_path):
    path = _csv(tmp_path, "orders.csv", "Date;Customer ID;Amount\n2026-10-01;Müller;5\n")
    raw = read_source(path, locale="en")["orders"]
    assert raw.detected == "UTF-8, semicolon-separated"
    assert raw.frame["Customer ID"].tolist() == ["Müller"]


def test_a_lone_cr_inside_quotes_stays_in_the_field(tmp_path):
    path = _csv(tmp_path, "orders.csv",
                'Date,Customer ID,Note\r\n2026-10-01,"C1","line\rsame cell"\r\n2026-10-02,C2,x\r\n')
    raw = read_source(path)["orders"]
    assert raw.frame["Note"].tolist() == ["line\rsame cell", "x"]
    assert raw.problems == []


def test_records_with_the_wrong_number_of_fields_are_located(tmp_path):
    path = _csv(tmp_path, "orders.csv",
                "Date,Customer ID,Amount\n2026-10-01,C1,1,200\n2026-10-02,C2\n2026-10-03,C3,3\n")
    raw = read_source(path, locale="en")["orders"]
    assert [(p.row, p.value) for p in raw.problems] == [(2, "2026-10-01,C1,1,200"),
                                                        (3, "2026-10-02,C2")]
    assert "4 fields but the header has 3" in raw.problems[0].problem
    assert raw.frame["Customer ID"].tolist() == ["C1", "C2", "C3"]


def test_blank_lines_are_blank_rows_with_true_row_numbers(tmp_path):
    path = _csv(tmp_path, "orders.csv", "Date,Customer ID,Amount\n2026-10-01,C1,1\n\n,,\n"
                                        "2026-10-02,C2,2\n")
    raw = read_source(path)["orders"]
    assert raw.frame["Customer ID"].isna().tolist() == [False, True, True, False]
    assert raw.row_numbers().tolist() == [2, 3, 4, 5] and raw.problems == []


def test_a_utf8_file_with_one_shift_jis_cell_reports_that_cell(tmp_path):
    data = ("日付,顧客,金額\n2026/10/1,山田商事,100\n2026/10/2,".encode()
            + "青葉商事".encode("cp932") + ",200\n2026/10/3,佐藤工業,300\n".encode())
    raw = read_source(_csv(tmp_path, "受注実績.csv", data))["orders"]
    assert raw.detected.startswith("UTF-8")
    assert raw.frame["顧客"].tolist()[0] == "山田商事"
    assert raw.frame["顧客"].tolist()[2] == "佐藤工業"
    (p,) = raw.problems
    assert p.row == 3 and p.value == "青葉商事" and "B列" in p.problem


def test_a_shift_jis_file_with_many_lines(tmp_path):
    lines = "".join(f"2026/10/{d},顧客{d},{d * 100}\r\n" for d in range(1, 29))
    raw = read_source(_csv(tmp_path, "受注実績.csv", HEAD + lines, "cp932"))["orders"]
    assert raw.detected.startswith("Shift_JIS") and len(raw.frame) == 28


def test_euc_jp_is_named(tmp_path):
    raw = read_source(_csv(tmp_path, "受注実績.csv", HEAD + "2026/10/1,青葉商事,100\r\n",
                           "euc_jp"))["orders"]
    assert raw.frame["顧客ID"].tolist() == ["青葉商事"]
    assert "euc" in raw.detected.lower()


def test_zero_byte_csv_is_a_clear_message(tmp_path):
    with pytest.raises(KpiXlError, match=r"orders\.csv is empty"):
        read_source(_csv(tmp_path, "orders.csv", b""), locale="en")


def test_an_unclosed_quote_names_the_line(tmp_path):
    with pytest.raises(KpiXlError, match=r"orders\.csv, line"):
        read_source(_csv(tmp_path, "orders.csv", 'a,b\n1,"never closed\n2,3\n'), locale="en")


def test_upper_case_extension_is_read_from_a_folder(tmp_path):
    _csv(tmp_path, "orders.CSV", "Date,Customer ID,Amount\n2026-10-01,C1,1\n")
    _csv(tmp_path, "README.txt", "not a table")
    assert set(read_source(tmp_path)) == {"orders"}


def test_two_files_for_one_table_is_an_error_naming_both(tmp_path):
    _csv(tmp_path, "orders.csv", "Date,Customer ID,Amount\n")
    _csv(tmp_path, "受注実績.csv", "日付,顧客ID,金額\n")
    with pytest.raises(KpiXlError) as info:
        read_source(tmp_path)
    assert "orders.csv" in str(info.value) and "受注実績.csv" in str(info.value)


def test_a_folder_without_table_files_lists_what_it_found(tmp_path):
    _csv(tmp_path, "notes.csv", "a,b\n")
    with pytest.raises(KpiXlError, match=r"notes\.csv"):
        read_source(tmp_path, locale="en")


def test_duplicate_csv_headers_are_located(tmp_path):
    raw = read_source(_csv(tmp_path, "orders.csv", "Date,Amount,Amount\n2026-10-01,1,2\n"),
                      locale="en")["orders"]
    assert list(raw.frame.columns) == ["Date", "Amount", "Amount (C)"]
    assert "columns B and C" in raw.problems[0].problem


def test_formula_like_text_stays_text(tmp_path):
    raw = read_source(_csv(tmp_path, "orders.csv",
                           'Date,Customer ID,Amount\n2026-10-01,"=HYPERLINK(""x"")",1\n'))["orders"]
    assert raw.frame["Customer ID"].tolist() == ['=HYPERLINK("x")']


def test_a_csv_file_named_after_no_table(tmp_path):
    with pytest.raises(KpiXlError, match="does not name a kpi_xl table"):
        read_source(_csv(tmp_path, "data.csv", "a,b\n1,2\n"), locale="en")


def test_a_japanese_utf8_header_over_ascii_rows_with_one_shift_jis_cell_stays_utf8(tmp_path):
    # one UTF-8 line (the header, 21 non-ASCII bytes) against one Shift_JIS cell (8 bytes):
    # the file is UTF-8 with one pasted cell, not a Shift_JIS file read as mojibake
    data = ("受注日,顧客ID,金額\r\n2026/4/1,C1,1000\r\n".encode()
            + b"2026/4/2," + "株式会社".encode("cp932") + b",2000\r\n")
    raw = read_source(_csv(tmp_path, "orders.csv", data))["orders"]
    assert raw.detected.startswith("UTF-8")
    assert list(raw.frame.columns) == ["受注日", "顧客ID", "金額"]
    (p,) = raw.problems
    assert (p.table, p.row, p.value) == ("orders.csv", 3, "株式会社")
    assert p.format().startswith("orders.csv 3行目: B列のセルが UTF-8 の文字として読めません")


def test_a_shift_jis_file_with_one_line_that_happens_to_be_utf8_stays_shift_jis(tmp_path):
    # "ア" in UTF-8 (3 bytes) on one line against Shift_JIS text on the others
    data = (HEAD.encode("cp932") + "2026/10/1,青葉商事,100\r\n".encode("cp932")
            + "2026/10/2,ア,200\r\n".encode())
    raw = read_source(_csv(tmp_path, "受注実績.csv", data))["orders"]
    assert raw.detected.startswith("Shift_JIS")
    assert raw.frame["顧客ID"].tolist()[0] == "青葉商事"


@pytest.mark.parametrize(("locale", "line"), [
    ("ja", "orders.csv 2行目: この行の項目数は 4 ですが、見出しは 3 項目です"),
    ("en", "orders.csv, row 2: this row has 4 fields but the header has 3"),
])
def test_reader_problems_are_laid_out_in_the_book_language(tmp_path, locale, line):
    raw = read_source(_csv(tmp_path, "orders.csv", "日付,顧客ID,金額\n2026/10/1,C1,1,200\n"),
                      locale=locale)["orders"]
    (p,) = raw.problems
    assert p.locale == locale and p.format().startswith(line)
