"""``kpi-xl import`` into an existing book goes through the package layer: the imported rows are
written into the input tables as XML, and everything else — a DrawingML shape, the VML form
button and its VBA project, comments, custom parts — stays byte for byte; the result passes
the OOXML checker and refreshes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from kpi_xl.excel.template import build_template
from kpi_xl.imports import import_sources, load_mapping, write_import
from kpi_xl.refresh import refresh

from .ooxml_check import assert_valid
from .test_write_safety import _clean_rows, _deals

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
DRAWING = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:twoCellAnchor>
<xdr:from><xdr:col>4</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0
</xdr:rowOff></xdr:from><xdr:to><xdr:col>8</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>6
</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:sp macro="" textlink=""><xdr:nvSpPr>
<xdr:cNvPr id="2" name="Note 1"/><xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr><a:xfrm>
<a:off x="0" y="0"/><a:ext cx="2000000" cy="800000"/></a:xfrm><a:prstGeom prst="rect">
<a:avLst/></a:prstGeom></xdr:spPr><xdr:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:t>
月末までに入力</a:t></a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/></xdr:twoCellAnchor>
</xdr:wsDr>""".encode()
_AFTER_DRAWING = ("legacyDrawing", "legacyDrawingHF", "picture", "oleObjects", "controls",
                  "webPublishItems", "tableParts", "extLst")


def add_shape(book: Path, sheet_name: str) -> str:
    """Add a DrawingML text box to ``sheet_name`` (as Excel stores one); returns its part."""
    with zipfile.ZipFile(book) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    wb = etree.fromstring(members["xl/workbook.xml"])
    rid = next(s.get(f"{{{R}}}id") for s in wb.iter(f"{{{MAIN}}}sheet")
               if s.get("name") == sheet_name)
    wb_rels = etree.fromstring(members["xl/_rels/workbook.xml.rels"])
    target = next(r.get("Target") for r in wb_rels if r.get("Id") == rid)
    sheet_part = "xl/" + target
    rels_part = sheet_part.replace("worksheets/", "worksheets/_rels/") + ".rels"
    rels = etree.fromstring(members[rels_part]) if rels_part in members else etree.Element(
        f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL})
    rel = etree.SubElement(rels, f"{{{PKG_REL}}}Relationship")
    rel.set("Id", "rId900")
    rel.set("Type", R + "/drawing")
    rel.set("Target", "../drawings/drawing900.xml")
    sheet = etree.fromstring(members[sheet_part])
    drawing = etree.Element(f"{{{MAIN}}}drawing", nsmap={"r": R})
    drawing.set(f"{{{R}}}id", "rId900")
    later = [c for c in sheet if etree.QName(c).localname in _AFTER_DRAWING]
    if later:
        later[0].addprevious(drawing)
    else:
        sheet.append(drawing)
    ct = etree.fromstring(members["[Content_Types].xml"])
    over = etree.SubElement(ct, f"{{{CT}}}Override")
    over.set("PartName", "/xl/drawings/drawing900.xml")
    over.set("ContentType", "application/vnd.openxmlformats-officedocument.drawing+xml")
    members.update({sheet_part: etree.tostring(sheet, xml_declaration=True, encoding="UTF-8"),
                    rels_part: etree.tostring(rels, xml_declaration=True, encoding="UTF-8"),
                    "[Content_Types].xml": etree.tostring(ct, xml_declaration=True,
                                                          encoding="UTF-8"),
                    "xl/drawings/drawing900.xml": DRAWING})
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return "xl/drawings/drawing900.xml"


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


@pytest.fixture
def macro_book(tmp_path) -> Path:
    book = build_template(tmp_path / "kpi_book.xlsm", locale="en", macro=True)
    add_shape(book, "How to use")
    assert_valid(book)
    return book


@pytest.mark.parametrize("mode", ["replace", "append"])
def test_import_keeps_shape_button_and_vba_byte_for_byte(macro_book, tmp_path, mode):
    before = _members(macro_book)
    res = import_sources(load_mapping("generic_csv"), [_deals(tmp_path / "d", _clean_rows())])
    write_import(res, macro_book, "en", mode=mode)
    after = _members(macro_book)
    assert_valid(macro_book)
    edited = {n for n in before if after.get(n) != before[n]}
    assert "xl/drawings/drawing900.xml" not in edited
    assert "xl/vbaProject.bin" not in edited
    assert not any(n.endswith(".vml") for n in edited)
    # only the sheets and tables imported into, and the stylesheet, were rewritten
    assert all(n.startswith(("xl/worksheets/sheet", "xl/tables/table")) or n == "xl/styles.xml"
               for n in edited), edited
    assert sorted(after) == sorted(before)
    vml = b"".join(after[n] for n in after if n.endswith(".vml"))
    assert b"SampleCall" in vml
    wb = openpyxl.load_workbook(macro_book, keep_vba=True)
    tbl = wb["Opportunities"].tables["tblOpportunities"]
    assert tbl.ref.endswith("2") and wb["Opportunities"]["A2"].value == "D1"
    refresh(macro_book)
    assert_valid(macro_book)
    final = _members(macro_book)
    assert final["xl/drawings/drawing900.xml"] == before["xl/drawings/drawing900.xml"]
    assert final["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]


def test_importing_twice_in_append_mode_extends_the_table(macro_book, tmp_path):
    res = import_sources(load_mapping("generic_csv"), [_deals(tmp_path / "a", _clean_rows())])
    write_import(res, macro_book, "en", mode="replace")
    rows = [["D2", "Beta", "Sato", "Globex", "event", "500", "2025-04-05", "2025-05-01",
             "Closed Lost"]]
    res2 = import_sources(load_mapping("generic_csv"), [_deals(tmp_path / "b", rows)])
    write_import(res2, macro_book, "en", mode="append")
    assert_valid(macro_book)
    ws = openpyxl.load_workbook(macro_book)["Opportunities"]
    tbl = ws.tables["tblOpportunities"]
    assert tbl.ref.split(":")[1].endswith("3")
    assert [ws["A2"].value, ws["A3"].value] == ["D1", "D2"]
    assert ws["G2"].number_format == "yyyy-mm-dd" or ws["G3"].is_date
