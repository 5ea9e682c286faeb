"""The lossless splice writer (kpi_xl.xlsx.splice): what openpyxl would lose survives a
refresh byte for byte, the generated sheets equal the openpyxl renderer's, defined names keep
pointing at their sheets, and a second refresh replaces rather than duplicates. Every file
written here passes the OOXML checker (tests/ooxml_check.py).

Not covered: pivot tables and slicers — neither XlsxWriter nor openpyxl can create them without
Excel; the splice keeps them like any other part it does not touch (parts referenced only by
previously generated sheets are the only ones it removes).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from kpi_xl.errors import InputError
from kpi_xl.excel.template import quickstart_vba_project
from kpi_xl.report.naming import GENERATED_NAME
from kpi_xl.report.render_openpyxl import generated_sheets, render_into, sheet_values
from kpi_xl.report.writer import write_report

from . import lo
from .ooxml_check import assert_valid
from .sheet_compare import differences, sheet_facts
from .test_render_openpyxl import make_report

CUSTOM_XML = (b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
              b'<kpi:meta xmlns:kpi="urn:example:kpi"><owner>Sales ops</owner></kpi:meta>')
CUSTOM_PROPS = (b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
                b'<ds:datastoreItem ds:itemID="{6C9E4D1A-3F0B-4B7E-9C1D-2A5B8E7F0C11}" '
                b'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
                b'<ds:schemaRefs/></ds:datastoreItem>')
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
# the parts a splice edits; everything else of the original package must be byte-identical
EDITED = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
          "xl/styles.xml"}


def _add_custom_xml(path: Path) -> None:
    """Add customXml/item1.xml (+ its itemProps and rels) referenced from the workbook."""
    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", (
                    f'<Relationship Id="rId900" Type="{RT}customXml" '
                    f'Target="../customXml/item1.xml"/></Relationships>').encode())
            elif info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", (
                    b'<Override PartName="/customXml/itemProps1.xml" ContentType='
                    b'"application/vnd.openxmlformats-officedocument.customXmlProperties+xml"/>'
                    b"</Types>"))
            z.writestr(info, data)
        z.writestr("customXml/item1.xml", CUSTOM_XML)
        z.writestr("customXml/itemProps1.xml", CUSTOM_PROPS)
        z.writestr("customXml/_rels/item1.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RT}customXmlProps" Target="itemProps1.xml"/>'
            "</Relationships>"))


def make_rich_book(path: Path) -> Path:
    """An .xlsm with what an openpyxl round trip loses or mangles (see xlwings.md)."""
    wb = xlsxwriter.Workbook(str(path))
    wb.set_vba_name("ThisWorkbook")
    wb.add_vba_project(io.BytesIO(quickstart_vba_project()), is_stream=True)
    red = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    bold = wb.add_format({"bold": True, "num_format": "0.000"})
    how = wb.add_worksheet("How to use")
    how.set_vba_name("Sheet1")
    how.write("A1", "Press the button")
    how.insert_button("B3", {"macro": "SampleCall", "caption": "Refresh"})
    how.insert_textbox("E2", "A DrawingML shape", {"width": 300, "height": 80})
    data = wb.add_worksheet("Data")
    data.set_vba_name("Sheet2")
    data.write_row("A1", ["Amount", "OK?"], bold)
    for i, v in enumerate([10, 20, 30], start=1):
        data.write_number(i, 0, v, bold)
    data.write_formula("C1", "=SUM(A2:A4)", None, 60)
    data.write_comment("A1", "a user comment")
    data.data_validation("B2:B10", {"validate": "list", "source": ["yes", "no"]})
    data.conditional_format("A2:A4", {"type": "cell", "criteria": ">", "value": 15,
                                      "format": red})
    data.print_area("A1:C10")
    wb.define_name("Data!local_total", "=Data!$C$1")
    wb.define_name("my_total", "=Data!$C$1")
    notes = wb.add_worksheet("Notes")
    notes.set_vba_name("Sheet3")
    notes.write("A1", "=Data!C1")
    wb.close()
    _add_custom_xml(path)
    return path


def refresh_the_old_way(book: Path) -> None:
    """What kpi_xl did before the splice: openpyxl load, render, save."""
    wb = openpyxl.load_workbook(book, keep_vba=book.suffix == ".xlsm", keep_links=True)
    render_into(wb, make_report())
    wb.save(book)


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _workbook_xml(path: Path) -> str:
    return _members(path)["xl/workbook.xml"].decode()


@pytest.fixture
def rich(tmp_path) -> tuple[Path, dict[str, bytes]]:
    book = make_rich_book(tmp_path / "kpi_book.xlsm")
    return book, _members(book)


@pytest.fixture
def refreshed(rich) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    book, before = rich
    write_report(book, make_report())
    assert_valid(book)
    once = _members(book)
    write_report(book, make_report())
    assert_valid(book)
    return book, before, once


def test_every_part_but_the_edited_ones_is_byte_identical_after_two_refreshes(refreshed):
    book, before, _ = refreshed
    after = _members(book)
    for name, data in before.items():
        if name in EDITED:
            continue
        assert name in after, f"{name} was removed"
        assert after[name] == data, f"{name} changed"
    # what openpyxl would lose is among them
    assert "xl/vbaProject.bin" in before and "customXml/item1.xml" in before
    drawings = [n for n in before if n.startswith("xl/drawings/drawing")]
    assert drawings and any(b"<xdr:sp" in before[n] for n in drawings)
    vml = b"".join(before[n] for n in before if n.endswith(".vml"))
    assert b"[0]!SampleCall" in vml
    assert any(n.startswith("xl/comments") for n in before)


def test_second_refresh_replaces_rather_than_duplicates(refreshed):
    book, _, once = refreshed
    after = _members(book)
    assert sorted(after) == sorted(once)
    assert after["xl/styles.xml"] == once["xl/styles.xml"]  # styles are reused, not re-added
    sheets = [n for n in after if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
    assert len(sheets) == 3 + 2
    wb_xml = after["xl/workbook.xml"].decode()
    assert wb_xml.count(f'name="{GENERATED_NAME}"') == 2
    ids = re.findall(r'sheetId="(\d+)"', wb_xml)
    assert len(ids) == len(set(ids)) == 5


def test_refreshed_book_opens_in_openpyxl_with_sheets_in_order(refreshed):
    book, _, _ = refreshed
    wb = openpyxl.load_workbook(book, keep_vba=True)
    assert wb.sheetnames == ["How to use", "Dashboard", "田中 太郎", "Data", "Notes"]
    assert generated_sheets(wb) == ["Dashboard", "田中 太郎"]
    data = wb["Data"]
    assert data["C1"].value == "=SUM(A2:A4)"
    assert data["A2"].font.bold and data["A2"].number_format == "0.000"  # user styles kept
    assert data["A1"].comment.text == "a user comment"
    assert data.data_validations.dataValidation[0].formula1 == '"yes,no"'
    cf = {str(r.sqref): rules for r, rules in data.conditional_formatting._cf_rules.items()}
    assert cf["A2:A4"][0].dxf.fill.bgColor.rgb.endswith("FFC7CE")  # user dxf index kept


def test_user_defined_names_still_point_at_their_sheets(refreshed):
    book, before, _ = refreshed
    old = before["xl/workbook.xml"].decode()
    assert re.search(r'localSheetId="1"[^>]*>Data!\$A\$1:\$C\$10', old)  # Data was sheet 1
    new = _workbook_xml(book)
    assert re.search(r'<definedName name="_xlnm.Print_Area" localSheetId="3"', new)
    assert re.search(r'<definedName name="local_total" localSheetId="3"', new)
    wb = openpyxl.load_workbook(book, keep_vba=True)
    assert wb["Data"].print_area == "'Data'!$A$1:$C$10"
    assert "local_total" in wb["Data"].defined_names
    assert wb.defined_names["my_total"].attr_text == "Data!$C$1"
    gen = re.findall(rf'<definedName name="{GENERATED_NAME}" localSheetId="(\d)"', new)
    assert sorted(gen) == ["1", "2"]


def test_generated_sheets_equal_the_openpyxl_render(refreshed, tmp_path):
    book, _, _ = refreshed
    other = make_rich_book(tmp_path / "other.xlsm")
    refresh_the_old_way(other)
    a = openpyxl.load_workbook(book, keep_vba=True)
    b = openpyxl.load_workbook(other, keep_vba=True)
    for name in ("Dashboard", "田中 太郎"):
        assert sheet_values(a[name]) == sheet_values(b[name]), name
        assert not differences(sheet_facts(a[name]), sheet_facts(b[name])), name
    # the openpyxl path loses the shape; the splice keeps it
    assert not any(b"<xdr:sp" in d for n, d in _members(other).items()
                   if n.startswith("xl/drawings/"))


def test_new_sheets_use_inline_strings_and_leave_shared_strings_alone(refreshed):
    book, before, _ = refreshed
    after = _members(book)
    assert after["xl/sharedStrings.xml"] == before["xl/sharedStrings.xml"]
    wb_xml = after["xl/workbook.xml"].decode()
    rels = after["xl/_rels/workbook.xml.rels"].decode()
    rid = re.search(r'<sheet name="Dashboard" sheetId="\d+" r:id="(rId\d+)"', wb_xml).group(1)
    target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels).group(1)
    xml = after["xl/" + target].decode()
    assert 't="inlineStr"' in xml and 't="s"' not in xml


def test_libreoffice_opens_the_refreshed_book(refreshed, tmp_path):
    lo.require_soffice()
    book, _, _ = refreshed
    copy = tmp_path / "lo_in.xlsm"
    shutil.copy(book, copy)
    (xlsx,) = lo.convert(copy, "xlsx", tmp_path / "x")
    (pdf,) = lo.convert(copy, "pdf", tmp_path / "p")
    assert lo.pdf_pages(pdf) >= 5
    cal = CalamineWorkbook.from_path(str(xlsx))
    assert cal.sheet_names == ["How to use", "Dashboard", "田中 太郎", "Data", "Notes"]
    rows = cal.get_sheet_by_name("Dashboard").to_python()
    assert rows[5][:4] == ["Tanaka", 1_000_000, 1_200_000, 1.2]
    back = openpyxl.load_workbook(xlsx, data_only=True)
    assert back["Data"]["C1"].value == 60
    assert back["Notes"]["A1"].value == 60
    assert back["Dashboard"]["A15"].value == dt.datetime(2026, 4, 1)


def test_calc_chain_listing_a_removed_sheet_is_dropped(rich):
    book, _ = rich
    write_report(book, make_report())
    wb_xml = _workbook_xml(book)
    gen_id = re.search(r'<sheet name="Dashboard" sheetId="(\d+)"', wb_xml).group(1)
    members = _members(book)
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in members.items():
            if n == "xl/_rels/workbook.xml.rels":
                d = d.replace(b"</Relationships>", (
                    f'<Relationship Id="rId990" Type="{RT}calcChain" Target="calcChain.xml"/>'
                    "</Relationships>").encode())
            elif n == "[Content_Types].xml":
                d = d.replace(b"</Types>", (
                    b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.'
                    b'openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>'))
            z.writestr(n, d)
        z.writestr("xl/calcChain.xml", (
            '<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<c r="C1" i="2"/><c r="B2" i="{gen_id}"/></calcChain>'))
    write_report(book, make_report())
    assert_valid(book)
    after = _members(book)
    assert "xl/calcChain.xml" not in after
    assert b"calcChain" not in after["[Content_Types].xml"]
    assert b"calcChain" not in after["xl/_rels/workbook.xml.rels"]
    openpyxl.load_workbook(book, keep_vba=True)


def test_a_failing_splice_leaves_the_book_untouched(rich, monkeypatch):
    book, _ = rich
    raw = book.read_bytes()

    def boom(*args, **kwargs):
        raise OSError(28, "disk full")

    monkeypatch.setattr("kpi_xl.xlsx.write.write_package", boom)
    with pytest.raises(InputError, match="disk full"):
        write_report(book, make_report())
    assert book.read_bytes() == raw
    assert sorted(p.name for p in book.parent.iterdir()) == ["kpi_book.xlsm"]


def test_xlsm_written_as_xlsx_drops_the_vba_project_only(rich, tmp_path):
    book, before = rich
    out = write_report(book, make_report(), tmp_path / "plain.xlsx")
    assert_valid(out)
    after = _members(out)
    assert "xl/vbaProject.bin" not in after
    ctypes = after["[Content_Types].xml"].decode()
    assert "macroEnabled" not in ctypes and "sheet.main+xml" in ctypes
    assert b"vbaProject" not in after["xl/_rels/workbook.xml.rels"]
    assert after["customXml/item1.xml"] == before["customXml/item1.xml"]
    assert openpyxl.load_workbook(out).sheetnames[1] == "Dashboard"


def test_splice_into_an_openpyxl_written_book_with_a_clashing_user_sheet(tmp_path):
    from .test_render_openpyxl import make_user_book

    book = make_user_book(tmp_path / "u.xlsx", with_dashboard=True)
    refresh_the_old_way(book)  # openpyxl declares xmlns:r on each <sheet>, not on the root
    write_report(book, make_report())
    assert_valid(book)
    write_report(book, make_report())
    assert_valid(book)
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["How to use", "Dashboard (2)", "田中 太郎", "My notes", "Dashboard"]
    assert generated_sheets(wb) == ["Dashboard (2)", "田中 太郎"]
    assert wb["Dashboard"]["A1"].value == "my own dashboard"
    assert wb.active.title == "Dashboard (2)"  # the active sheet was a generated one
    assert sum(bool(ws.sheet_view.tabSelected) for ws in wb.worksheets) == 1


def test_the_users_active_sheet_stays_the_only_selected_one(tmp_path):
    path = tmp_path / "one.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Only").write("A1", 1)
    wb.close()
    write_report(path, make_report())
    assert_valid(path)
    back = openpyxl.load_workbook(path)
    assert back.sheetnames == ["Dashboard", "田中 太郎", "Only"]  # at the start, as render_into
    assert back.active.title == "Only"
    assert [bool(ws.sheet_view.tabSelected) for ws in back.worksheets] == [False, False, True]
