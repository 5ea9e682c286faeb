"""The package layer (kpi_xl.xlsx): the zip writer, the safe XML parser, the parts, and the
regressions of issue 11 — undeclared ``r:`` after an openpyxl save, number-format ids clashing
with table formats, sheet names over 31 UTF-16 units, file modes, zip internals."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from kpi_xl.errors import InputError
from kpi_xl.report.naming import sheet_name, unique_sheet_names, utf16_cut, valid_sheet_name
from kpi_xl.report.writer import write_report
from kpi_xl.xlsx import zipout
from kpi_xl.xlsx.package import Package
from kpi_xl.xlsx.styles import StylesPart
from kpi_xl.xlsx.text import TextChanges, clean_text, escape_excel, utf16_len
from kpi_xl.xlsx.xmltree import XmlRefused, parse_part

from .ooxml_check import assert_valid, check_package
from .test_render_openpyxl import make_report

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def _plain_book(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Notes")
    ws.write("A1", "keep me")
    wb.close()
    return path


def _rewrite(path: Path, replace: dict[str, bytes]) -> None:
    """Replace members of the zip at ``path`` (others copied)."""
    members = _members(path)
    members.update(replace)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


# --------------------------------------------------------------------------- zip writer


def _copy_all(src: Path, dest: Path, limit: int | None = None, monkeypatch=None) -> None:
    if limit is not None:
        monkeypatch.setattr(zipout.ZipOut, "limit", limit)
    with Package(src) as pkg, open(dest, "wb") as fh:
        out = zipout.ZipOut(fh)
        with pkg.open_raw() as raw:
            for info in pkg.infos:
                out.copy_raw(raw, info)
        out.write("extra/new.xml", b"<a>" + b"x" * 5000 + b"</a>")
        out.close()


def test_raw_copy_keeps_every_member_byte_for_byte(tmp_path):
    src = _plain_book(tmp_path / "a.xlsx")
    _copy_all(src, tmp_path / "b.xlsx")
    a, b = _members(src), _members(tmp_path / "b.xlsx")
    assert {k: v for k, v in b.items() if k != "extra/new.xml"} == a
    with zipfile.ZipFile(tmp_path / "b.xlsx") as z:
        assert z.testzip() is None
        infos = {i.filename: i for i in z.infolist()}
    with zipfile.ZipFile(src) as z:  # compressed bytes unchanged: same sizes and CRC
        for i in z.infolist():
            assert (infos[i.filename].compress_size, infos[i.filename].CRC) == \
                (i.compress_size, i.CRC)


def test_zip64_records_are_written_when_sizes_or_offsets_need_them(tmp_path, monkeypatch):
    src = _plain_book(tmp_path / "a.xlsx")
    _copy_all(src, tmp_path / "b.xlsx", limit=100, monkeypatch=monkeypatch)
    data = (tmp_path / "b.xlsx").read_bytes()
    assert b"PK\x06\x06" in data and b"PK\x06\x07" in data
    with zipfile.ZipFile(tmp_path / "b.xlsx") as z:
        assert z.testzip() is None
        assert z.read("extra/new.xml").startswith(b"<a>x")


def test_a_member_name_twice_is_refused(tmp_path):
    with open(tmp_path / "d.zip", "wb") as fh:
        out = zipout.ZipOut(fh)
        out.write("a.xml", b"<a/>")
        with pytest.raises(zipfile.BadZipFile, match="duplicate"):
            out.write("a.xml", b"<b/>")


def test_no_zipfile_internals_are_used():
    source = Path(zipout.__file__).read_text() + Path(
        zipout.__file__).with_name("package.py").read_text()
    for name in ("_didModify", "NameToInfo", "start_dir", "FileHeader", "filelist"):
        assert name not in source


# --------------------------------------------------------------------------- safe XML


@pytest.mark.parametrize("xml, match", [
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
     b"<x>&e;</x>", "DOCTYPE"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">'
     b"]><x>&b;</x>", "DOCTYPE"),
    (b"<x>" * 200_000 + b"</x>" * 200_000, "nested too deeply"),
    (b"<x>&undefined;</x>", "entit"),
    (b"<x><y></x>", "broken"),
])
def test_hostile_xml_is_refused_with_a_message_naming_the_part(xml, match):
    with pytest.raises(XmlRefused, match=match) as err:
        parse_part(xml, "xl/styles.xml", book="book.xlsx")
    assert "book.xlsx: xl/styles.xml" in str(err.value)


@pytest.mark.parametrize("part", ["xl/styles.xml", "xl/workbook.xml", "[Content_Types].xml",
                                  "xl/_rels/workbook.xml.rels", "_rels/.rels"])
def test_a_doctype_in_an_edited_part_stops_the_refresh_and_leaves_the_book(tmp_path, part):
    book = _plain_book(tmp_path / "b.xlsx")
    original = _members(book)[part]
    hostile = original.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
                               1)
    _rewrite(book, {part: hostile})
    before = book.read_bytes()
    with pytest.raises(InputError, match="DOCTYPE") as err:
        write_report(book, make_report())
    assert part in str(err.value)
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.xlsx"]


def test_a_doctype_in_any_relationship_part_is_refused_not_copied(tmp_path):
    book = _plain_book(tmp_path / "b.xlsx")
    part = "xl/worksheets/_rels/sheet1.xml.rels"
    _rewrite(book, {part: b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]>'
                          b'<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                          b'2006/relationships"/>'})
    with pytest.raises(InputError, match="DOCTYPE"):
        write_report(book, make_report(), tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def test_xml_attack_in_styles_is_a_message_not_a_traceback_in_the_cli(tmp_path):
    from kpi_xl.cli import main

    book = tmp_path / "b.xlsx"
    from kpi_xl.excel.template import build_template

    build_template(book, locale="en")
    styles = _members(book)["xl/styles.xml"]
    _rewrite(book, {"xl/styles.xml": b"<a>" * 100_000 + styles[styles.index(b"<styleSheet"):]})
    err = io.StringIO()
    assert main(["refresh", str(book)], out=io.StringIO(), err=err) != 0
    assert "Traceback" not in err.getvalue()


# --------------------------------------------------------------------------- the r: prefix


def test_openpyxl_saved_book_with_r_declared_on_each_sheet_is_refreshed_validly(tmp_path):
    path = tmp_path / "o.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "How to use"
    wb.create_sheet("Data")["A1"] = 1
    wb.save(path)
    wb_xml = _members(path)["xl/workbook.xml"]
    root = etree.fromstring(wb_xml)
    assert "r" not in root.nsmap  # openpyxl declares it on each <sheet> only
    write_report(path, make_report())
    assert_valid(path)
    write_report(path, make_report())  # a second refresh of the same book
    assert_valid(path)
    assert openpyxl.load_workbook(path).sheetnames == ["How to use", "Dashboard", "田中 太郎",
                                                       "Data"]


# --------------------------------------------------------------------------- styles


def _styles_with_dxf_numfmt() -> bytes:
    return (f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
            'formatCode="0.000"/></numFmts><fonts count="1"><font/></fonts><fills count="2">'
            '<fill/><fill/></fills><borders count="1"><border/></borders><cellStyleXfs '
            'count="1"><xf/></cellStyleXfs><cellXfs count="1"><xf xfId="0"/></cellXfs>'
            '<dxfs count="1"><dxf><numFmt numFmtId="165" formatCode="#,##0.00 &quot;pt&quot;"'
            '/></dxf></dxfs></styleSheet>').encode()


def test_new_number_formats_take_ids_no_dxf_uses():
    styles = StylesPart(etree.fromstring(_styles_with_dxf_numfmt()))
    new = styles.numfmt_id("yyyy-mm")
    assert new == 166  # 164 in numFmts, 165 inside a table's dxf
    assert styles.numfmt_id("0.000") == 164  # an existing code is reused
    codes = styles.numfmt_codes()
    assert codes == {164: "0.000", 165: '#,##0.00 "pt"', 166: "yyyy-mm"}


def test_splice_into_a_book_whose_table_format_holds_a_number_format(tmp_path):
    path = tmp_path / "t.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Data")
    money = wb.add_format({"num_format": '#,##0.00 "pt"'})
    ws.add_table("A1:B3", {"columns": [{"header": "a"}, {"header": "b", "format": money}]})
    wb.close()
    write_report(path, make_report())
    assert_valid(path)  # numFmt ids mean one code across numFmts and dxfs


def _styles_with_clashing_dxf_ids() -> bytes:
    """What openpyxl writes: the dxfs' number formats numbered from 164 again."""
    return (f'<styleSheet xmlns="{MAIN}"><numFmts count="2">'
            '<numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
            '<numFmt numFmtId="165" formatCode="0.0%"/></numFmts>'
            '<fonts count="1"><font/></fonts><fills count="2"><fill/><fill/></fills>'
            '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
            '<cellXfs count="1"><xf xfId="0"/></cellXfs><dxfs count="3">'
            '<dxf><numFmt numFmtId="164" formatCode="@"/></dxf>'
            '<dxf><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></dxf>'
            '<dxf><numFmt numFmtId="166" formatCode="#,##0"/></dxf>'
            '</dxfs></styleSheet>').encode()


def test_dxf_number_format_ids_clashing_with_numfmts_are_renumbered():
    styles = StylesPart(etree.fromstring(_styles_with_clashing_dxf_ids()))
    assert styles.separate_dxf_numfmt_ids() == 2
    dxf_ids = [(el.get("numFmtId"), el.get("formatCode"))
               for el in styles.root.iter(f"{{{MAIN}}}numFmt")]
    assert dxf_ids == [("164", "yyyy-mm-dd"), ("165", "0.0%"),
                       ("167", "@"),            # 164 is yyyy-mm-dd: a fresh id
                       ("164", "yyyy-mm-dd"),   # the code has an id of its own already
                       ("166", "#,##0")]        # no clash: kept
    assert styles.separate_dxf_numfmt_ids() == 0  # repaired once, stable after


def test_an_openpyxl_saved_template_whose_table_formats_clash_is_refreshed_validly(tmp_path):
    """openpyxl re-saves a filled template with the tables' dxf number formats numbered over
    the cell formats' (its own bug); the refresh writes a book where each id means one code,
    and the cells keep their formats."""
    from kpi_xl.demo import demo_frames
    from kpi_xl.excel.template import build_template
    from kpi_xl.refresh import refresh

    book = build_template(tmp_path / "filled.xlsx", locale="en", data=demo_frames())
    openpyxl.load_workbook(book).save(book)
    assert any("means both" in p for p in check_package(book))  # the input's own clash
    before = openpyxl.load_workbook(book)
    formats = {ws.title: ws["B2"].number_format for ws in before.worksheets}
    refresh(book)
    assert_valid(book)
    after = openpyxl.load_workbook(book)
    assert {t: after[t]["B2"].number_format for t in formats} == formats


# --------------------------------------------------------------------------- sheet names


@pytest.mark.parametrize("text, expected", [
    ("𠮷" * 20, "𠮷" * 15),                       # 40 units → 30
    ("𠮷野家 " + "a" * 30, "𠮷野家 " + "a" * 26),   # the pair is never split
    ("a" * 30 + "𠮷", "a" * 30),                   # 32 units: the pair goes whole
    ("\x01Sato\x07", "Sato"),
    ("_x0001_Sato", "x0001Sato"),
    ("a/b:c", "a_b_c"),
    ("'quoted'", "quoted"),
    ("History", "History_"),
])
def test_sheet_names_fit_excels_rules_in_utf16_units(text, expected):
    name = sheet_name(text)
    assert name == expected
    assert utf16_len(name) <= 31 and valid_sheet_name(name)


def test_clashing_long_names_get_suffixes_within_31_units():
    names = unique_sheet_names(["𠮷" * 20, "𠮷" * 20, "𠮷" * 20])
    assert names == ["𠮷" * 15, "𠮷" * 13 + " (2)", "𠮷" * 13 + " (3)"]
    assert all(utf16_len(n) <= 31 for n in names)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=40), min_size=1, max_size=8))
def test_any_texts_give_valid_unique_sheet_names(texts):
    names = unique_sheet_names(texts, taken=["Sheet"])
    assert all(valid_sheet_name(n) for n in names)
    assert len({n.casefold() for n in names} | {"sheet"}) == len(names) + 1


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=50), st.integers(min_value=0, max_value=40))
def test_utf16_cut_never_exceeds_the_limit_nor_splits_a_pair(text, units):
    cut = utf16_cut(text, units)
    assert text.startswith(cut) and utf16_len(cut) <= units
    assert utf16_len(text) <= units or utf16_len(cut) >= units - 1


def test_a_rep_named_with_a_surrogate_pair_refreshes_to_a_valid_book(tmp_path):
    report = make_report()
    report.sheets[1].name = "𠮷田 " + "あ" * 28  # 2 + 1 + 28 + 1 = 32 UTF-16 units
    book = _plain_book(tmp_path / "b.xlsx")
    write_report(book, report)
    assert_valid(book)
    names = openpyxl.load_workbook(book).sheetnames
    assert names[1].startswith("𠮷田") and utf16_len(names[1]) == 31


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize("value, expected", [
    ("a\x01b", "ab"), ("tab\tnew\nline\r", "tab\tnew\nline\r"), ("\ufffe\uffffx", "x"),
    ("\ud800lone", "lone"), ("普通の文字", "普通の文字"),
])
def test_text_keeps_only_what_xml_can_hold(value, expected):
    assert clean_text(value) == expected


def test_literal_excel_escapes_are_escaped():
    assert escape_excel("_x0041_ and _x00e9_ but not _x12_") == \
        "_x005F_x0041_ and _x005F_x00e9_ but not _x12_"


def test_control_characters_in_a_rep_name_are_removed_and_reported(tmp_path):
    report = make_report()
    report.sheets[1].name = "\x01田中\x02"
    report.sheets[1].tables[0].title = "担当: \x01田中\x02 &#1;"
    book = _plain_book(tmp_path / "b.xlsx")
    notices: list[str] = []
    write_report(book, report, notices=notices)
    assert_valid(book)
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames[1] == "田中"
    values = [c.value for row in wb["田中"].iter_rows() for c in row if c.value]
    assert "担当: 田中 &#1;" in values
    assert any("\\x01" in n and "担当: 田中 &#1;" in n for n in notices)


def test_text_changes_record_each_text_once():
    changes = TextChanges()
    assert changes.clean("a\x01") == "a"
    assert changes.clean("a\x01") == "a"
    assert changes.items == {"a\x01": "a"}


# --------------------------------------------------------------------------- file modes


@pytest.mark.parametrize("mode", [0o640, 0o664, 0o600])
def test_the_written_book_keeps_the_original_files_mode(tmp_path, mode):
    book = _plain_book(tmp_path / "b.xlsx")
    os.chmod(book, mode)
    write_report(book, make_report())
    assert stat.S_IMODE(os.stat(book).st_mode) == mode


def test_a_new_file_gets_the_umask_mode_not_0600(tmp_path):
    book = _plain_book(tmp_path / "b.xlsx")
    old = os.umask(0o022)
    try:
        out = write_report(book, make_report(), tmp_path / "new.xlsx")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o644


# --------------------------------------------------------------------------- checker


def test_the_checker_finds_what_the_old_splice_wrote(tmp_path):
    """The checker is not a stub: the defects of issue 11 are problems for it."""
    path = _plain_book(tmp_path / "b.xlsx")
    wb = _members(path)["xl/workbook.xml"]
    bad = wb.replace(b'<sheet name="Notes" sheetId="1" r:id="rId1"/>',
                     b'<sheet name="Notes" sheetId="1" r:id="rId1"/>'
                     b'<sheet name="notes" sheetId="1" r:id="rId9"/>'
                     b'<sheet name="' + "𠮷".encode() * 16 + b'" sheetId="3" r:id="rId1"/>')
    bad = bad.replace(b"</workbook>", b'<definedNames><definedName name="x" localSheetId="7">'
                      b"Missing!$A$1</definedName></definedNames></workbook>")
    _rewrite(path, {"xl/workbook.xml": bad})
    problems = "\n".join(check_package(path))
    for expected in ("invalid sheet name", "not unique ignoring case", "sheetId not unique",
                     "rId9 has no relationship", "scoped to sheet 7", "missing sheet 'Missing'"):
        assert expected in problems


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=400),
                 st.text(alphabet="<>/=\"'&;!?[]xyz:DOCTYPEENTITY \n#%", max_size=200)
                 .map(str.encode)))
def test_any_bytes_are_parsed_or_refused_with_a_message(data):
    try:
        root = parse_part(data, "xl/styles.xml", book="b.xlsx")
    except XmlRefused as exc:
        assert "b.xlsx: xl/styles.xml" in str(exc)
    else:
        assert root.getroottree().docinfo.doctype == ""


# --------------------------------------------------------------------------- extensions kept

MODERN_WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"
 xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
 mc:Ignorable="x15 xr xr6 xr10 xr2"
 xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"
 xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision"
 xmlns:xr6="http://schemas.microsoft.com/office/spreadsheetml/2016/revision6"
 xmlns:xr10="http://schemas.microsoft.com/office/spreadsheetml/2016/revision10"
 xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2">
<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27328"/>
<workbookPr defaultThemeVersion="166925"/>
<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">
<mc:Choice Requires="x15"><x15ac:absPath url="C:\\Users\\sato\\"
 xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice>
</mc:AlternateContent>
<xr:revisionPtr revIDLastSave="0" documentId="8_{{1B2C3D4E-0000-0000-0000-000000000000}}"
 xr6:coauthVersionLast="47" xr6:coauthVersionMax="47"
 xr10:uidLastSave="{{00000000-0000-0000-0000-000000000000}}"/>
<bookViews><workbookView xWindow="-120" yWindow="-120" windowWidth="29040"
 windowHeight="15840" xr2:uid="{{5E6F7A8B-0000-0000-0000-000000000000}}"/></bookViews>
<sheets><sheet name="Notes" sheetId="1" r:id="rId1"/></sheets>
<calcPr calcId="191029"/>
<extLst><ext uri="{{140A7094-0E35-4892-8432-C4D2E57EDEB5}}"
 xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main">
<x15:workbookPr chartTrackingRefBase="1"/></ext></extLst>
</workbook>""".encode()


def test_extensions_of_a_modern_excel_workbook_survive_the_edit(tmp_path):
    book = _plain_book(tmp_path / "modern.xlsx")
    styles = _members(book)["xl/styles.xml"].replace(
        b"<styleSheet ", b'<styleSheet xmlns:mc="http://schemas.openxmlformats.org/markup-'
        b'compatibility/2006" mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.microsoft.com/'
        b'office/spreadsheetml/2009/9/ac" ', 1).replace(
        b'<fonts count="1">', b'<fonts count="1" x14ac:knownFonts="1">', 1)
    _rewrite(book, {"xl/workbook.xml": MODERN_WORKBOOK, "xl/styles.xml": styles})
    write_report(book, make_report())
    assert_valid(book)
    wb = etree.fromstring(_members(book)["xl/workbook.xml"])
    ns = {"m": MAIN, "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
          "xr": "http://schemas.microsoft.com/office/spreadsheetml/2014/revision",
          "x15": "http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"}
    assert wb.get(f"{{{ns['mc']}}}Ignorable") == "x15 xr xr6 xr10 xr2"
    assert wb.find("mc:AlternateContent/mc:Choice", ns) is not None
    ptr = wb.find("xr:revisionPtr", ns)
    assert ptr is not None and ptr.get(
        "{http://schemas.microsoft.com/office/spreadsheetml/2016/revision6}coauthVersionLast"
    ) == "47"
    view = wb.find("m:bookViews/m:workbookView", ns)
    assert view.get("{http://schemas.microsoft.com/office/spreadsheetml/2015/revision2}uid")
    assert wb.find("m:extLst/m:ext/x15:workbookPr", ns) is not None
    assert [s.get("name") for s in wb.iterfind("m:sheets/m:sheet", ns)] == [
        "Dashboard", "田中 太郎", "Notes"]
    assert b'x14ac:knownFonts="1"' in _members(book)["xl/styles.xml"]


@pytest.mark.parametrize("locale, expected", [
    ("ja", "「Cy:/\\?*[]」は「Cy_______」として書き込みました"),
    ("en", '"Cy:/\\?*[]" was written as "Cy_______"'),
])
def test_a_rep_tab_renamed_for_excels_rules_is_named_in_the_notices(tmp_path, locale, expected):
    report = make_report()
    report.locale = locale
    report.sheets[1].rep = "Cy:/\\?*[]"
    report.sheets[1].name = sheet_name(report.sheets[1].rep)
    book = _plain_book(tmp_path / "b.xlsx")
    notices: list[str] = []
    write_report(book, report, notices=notices)
    assert_valid(book)
    assert openpyxl.load_workbook(book).sheetnames[1] == "Cy_______"
    assert any(n.startswith(expected) for n in notices), notices


def test_a_rep_tab_named_as_the_rep_gives_no_notice(tmp_path):
    report = make_report()
    report.sheets[1].rep = report.sheets[1].name
    book = _plain_book(tmp_path / "b.xlsx")
    notices: list[str] = []
    write_report(book, report, notices=notices)
    assert not any(report.sheets[1].rep in n for n in notices), notices
