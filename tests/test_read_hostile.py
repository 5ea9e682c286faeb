"""Hostile and broken files: a located message (or the tables, with the odd cells reported),
never a traceback, a hang or a blow-up, and the input file byte-identical afterwards.

The risky cases run in a subprocess under ``RLIMIT_AS`` (address space capped at 3 GiB, far
below what a zip bomb or a dense read of XFD1048576 would need), with a timeout.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kpi_xl.errors import KpiXlError
from kpi_xl.read import Limits, read_source
from tests import read_corpus as corpus

ROOT = Path(__file__).resolve().parents[1]
CAP = 3 << 30

_CHILD = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
    from kpi_xl.errors import KpiXlError
    from kpi_xl.read import read_source
    try:
        tables = read_source(sys.argv[1], locale="en")
    except KpiXlError as exc:
        print(json.dumps({{"error": str(exc)}}))
    else:
        print(json.dumps({{"tables": {{n: len(t.frame) for n, t in tables.items()}},
                          "problems": [p.format() for t in tables.values()
                                       for p in t.problems]}}))
""")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_bounded(path: Path) -> dict:
    """read_source in a child process with its address space capped."""
    before = _digest(path)
    out = subprocess.run([sys.executable, "-c", _CHILD.format(cap=CAP), str(path)],
                         capture_output=True, text=True, timeout=300, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert "Traceback" not in out.stderr, out.stderr
    assert out.returncode == 0, (out.returncode, out.stderr[-2000:])
    assert _digest(path) == before
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_cell_at_xfd1048576_is_reported_and_the_table_read(tmp_path):
    result = read_bounded(corpus.hostile_far_cell(tmp_path))
    assert result["tables"] == {"orders": 2}
    assert any("XFD1048576" in p and "'far'" in p for p in result["problems"])


def test_16384_cells_without_references_far_down_are_bounded(tmp_path):
    # The row's cells under the table's columns are rows below the table (read, with the
    # blank rows between); the other 16,381 cells are reported, the first ones by name.
    result = read_bounded(corpus.hostile_far_cell_without_reference(tmp_path))
    assert result["tables"] == {"orders": 1_048_575}
    assert any("cell D1048576" in p for p in result["problems"])
    assert any("16,331 more filled cells" in p for p in result["problems"])


def test_sheet_zip_bomb_is_refused_by_its_compression_ratio(tmp_path):
    path = corpus.hostile_sheet_bomb(tmp_path)
    assert path.stat().st_size < 1 << 20
    result = read_bounded(path)
    assert "xl/worksheets/sheet1.xml" in result["error"]
    assert "Limits.max_ratio" in result["error"]


def test_one_huge_shared_string_is_refused(tmp_path):
    result = read_bounded(corpus.hostile_string_bomb(tmp_path))
    assert "xl/sharedStrings.xml" in result["error"] and "zip bomb" in result["error"]


def test_part_bigger_than_declared_is_damaged_not_read(tmp_path):
    result = read_bounded(corpus.hostile_lying_size(tmp_path))
    assert "lying.xlsx is damaged" in result["error"]
    assert "xl/worksheets/sheet1.xml" in result["error"]


@pytest.mark.parametrize("depth", [20_000, 200_000])
def test_deeply_nested_workbook_part_is_refused(tmp_path, depth):
    result = read_bounded(corpus.hostile_deep_workbook(tmp_path, depth=depth))
    assert "xl/workbook.xml" in result["error"]


def test_deeply_nested_sheet_is_refused(tmp_path):
    result = read_bounded(corpus.hostile_deep_sheet(tmp_path, depth=20_000))
    assert "xl/worksheets/sheet1.xml" in result["error"]
    assert "levels deep" in result["error"]


@pytest.mark.parametrize("part", [corpus.SHEET, "xl/sharedStrings.xml", "xl/styles.xml"])
def test_deep_nesting_in_a_streamed_part_is_refused_before_fastexcel_reads_it(tmp_path, part):
    # 150 levels, stored uncompressed: small, ratio 1, below lxml's own 256-level stop, so
    # only the byte check's depth count (Limits.max_depth, 100) can refuse it
    path = corpus.hostile_deep_streamed(tmp_path, part, depth=150)
    assert path.stat().st_size < 1 << 20
    with pytest.raises(KpiXlError) as info:
        read_source(path, locale="en")
    assert f"the part {part} nests elements more than 100 levels deep" in str(info.value)
    assert "Limits.max_depth" in str(info.value)


@pytest.mark.parametrize("part", [corpus.SHEET, "xl/sharedStrings.xml", "xl/styles.xml"])
def test_streamed_parts_nested_within_the_limit_are_read(tmp_path, part):
    # worksheet > sheetData > row > c > is > t is 6 levels; 90 more stay below 100
    path = corpus.hostile_deep_streamed(tmp_path, part, depth=90)
    assert read_source(path, locale="en")["orders"].frame.shape == (2, 3)


def test_nesting_depth_limit_is_a_setting(tmp_path):
    path = corpus.hostile_deep_workbook(tmp_path, depth=60)
    with pytest.raises(KpiXlError, match="nests elements more than 50 levels"):
        read_source(path, limits=Limits(max_depth=50), locale="en")
    assert read_source(path)["orders"].frame.shape == (2, 3)


def test_nesting_depth_limit_applies_to_the_sheet_too(tmp_path):
    # the plain book's sheet nests 6 levels (worksheet > sheetData > row > c > is > t)
    path = corpus.book(tmp_path / "plain.xlsx")
    with pytest.raises(KpiXlError, match=r"xl/worksheets/sheet1\.xml nests elements more "
                                         r"than 5 levels"):
        read_source(path, limits=Limits(max_depth=5), locale="en")
    assert read_source(path, limits=Limits(max_depth=6))["orders"].frame.shape == (2, 3)


def test_billion_laughs_in_the_workbook_part_is_refused(tmp_path):
    result = read_bounded(corpus.hostile_laughs_workbook(tmp_path))
    assert "xl/workbook.xml" in result["error"] and "DTD" in result["error"]


@pytest.mark.parametrize(("make", "expected"), [
    (corpus.hostile_truncated_sheet, ["truncated.xlsx is damaged", "xl/worksheets/sheet1.xml",
                                      "ends in the middle"]),
    (corpus.hostile_entity_sheet, ["entity.xlsx", "xl/worksheets/sheet1.xml", "DTD"]),
    (corpus.hostile_duplicate_member, ["duplicate.xlsx is damaged", "xl/worksheets/sheet1.xml",
                                       "stored twice"]),
    (corpus.hostile_missing_sheet, ["missing_sheet.xlsx is damaged", "'Orders'",
                                    "xl/worksheets/sheet1.xml is missing"]),
    (corpus.hostile_no_workbook, ["no_workbook.xlsx is not a workbook", "xl/workbook.xml"]),
    (corpus.hostile_no_sheets, ["no_sheets.xlsx has no worksheets"]),
    (corpus.hostile_encrypted_member, ["flagged.xlsx", "is encrypted"]),
    (corpus.hostile_bzip2, ["bzip2.xlsx", "compression method (12)"]),
    (corpus.no_input_tables, ["no kpi_xl input tables", "Orders (受注実績)",
                              "sheets found: 'Sheet1', 'Memo'"]),
    (corpus.xls_lookalike, ["old.xlsx is not an .xlsx workbook", "Excel 97-2003 (.xls)",
                            "Excel Workbook (*.xlsx)"]),
    (corpus.encrypted_lookalike, ["protected.xlsx is protected with a password",
                                  "remove the password"]),
    (corpus.csv_lookalike, ["export.xlsx", "looks like a CSV text file", "Rename it to .csv"]),
    (corpus.ods_lookalike, ["calc.xlsx is not an .xlsx workbook", "OpenDocument spreadsheet",
                            "Excel Workbook (*.xlsx)"]),
    (corpus.html_lookalike, ["report.xlsx", "web page (HTML)"]),
    (corpus.truncated_download, ["half.xlsx is damaged", "download"]),
    (corpus.random_bytes, ["random.xlsx is not an .xlsx workbook"]),
    (corpus.named_pipe, ["pipe.xlsx is not a regular file"]),
])
def test_broken_file_gets_a_message_naming_file_part_and_problem(tmp_path, make, expected):
    path = make(tmp_path)
    regular = path.is_file()
    before = _digest(path) if regular else None
    with pytest.raises(KpiXlError) as info:
        read_source(path, locale="en")
    for text in expected:
        assert text in str(info.value)
    if regular:
        assert _digest(path) == before


def test_zero_byte_workbook_says_it_is_empty(tmp_path):
    path = tmp_path / "blank.xlsx"
    path.write_bytes(b"")
    with pytest.raises(KpiXlError, match=r"blank\.xlsx is empty"):
        read_source(path, locale="en")


def test_messages_follow_the_book_language(tmp_path):
    path = corpus.xls_lookalike(tmp_path).rename(tmp_path / "受注.xlsx")
    with pytest.raises(KpiXlError, match="旧形式の Excel 97-2003"):
        read_source(path)


@pytest.mark.parametrize("suffix", [".xls", ".xlsb", ".ods"])
def test_other_spreadsheet_formats_say_how_to_convert(tmp_path, suffix):
    path = tmp_path / f"data{suffix}"
    path.write_bytes(b"whatever")
    with pytest.raises(KpiXlError, match=r"Excel Workbook \(\*\.xlsx\)"):
        read_source(path, locale="en")


def test_every_limit_is_a_named_setting_with_a_clear_message(tmp_path):
    path = corpus.book(tmp_path / "b.xlsx", rows=3000)
    cases = [
        (Limits(max_file_bytes=1000), "Limits.max_file_bytes"),
        (Limits(max_members=3), "Limits.max_members"),
        (Limits(max_member_bytes=5000), "Limits.max_member_bytes"),
        (Limits(max_total_bytes=5000), "Limits.max_total_bytes"),
        (Limits(max_ratio=1.5, ratio_from_bytes=1000), "Limits.max_ratio"),
    ]
    for limits, name in cases:
        with pytest.raises(KpiXlError, match=name):
            read_source(path, limits=limits, locale="en")


def test_limits_reject_nonsense_values():
    with pytest.raises(KpiXlError, match="max_rows"):
        Limits(max_rows=0)


def test_a_sheet_too_wide_to_read_whole_is_read_in_bounded_ranges_with_the_same_result(
        tmp_path):
    plain = corpus.book(tmp_path / "b.xlsx", rows=50)
    parts = corpus.members(plain)
    parts[corpus.SHEET] = parts[corpus.SHEET].replace(
        b"</sheetData>", b'<row r="900"><c r="ZZ900"><v>1</v></c></row></sheetData>')
    far = corpus.write(tmp_path / "far.xlsx", parts)
    whole = read_source(plain)["orders"].frame
    raw = read_source(far, limits=Limits(max_sheet_cells=1000))["orders"]
    assert raw.frame.equals(whole)
    assert [(p.row, p.column) for p in raw.problems] == [(900, "ZZ")]


def test_tables_too_large_even_in_bounded_ranges_are_refused_with_the_limit(tmp_path):
    path = corpus.hostile_far_cell(tmp_path)
    with pytest.raises(KpiXlError, match=r"Limits\.max_sheet_cells"):
        read_source(path, limits=Limits(max_sheet_cells=2), locale="en")


@pytest.mark.parametrize(("xml", "depth"), [
    (b'<?xml version="1.0"?><a/>', 1),
    (b"<a><b/><b/></a>", 2),  # a self-closing element is one level below its parent
    (b"<a><b><c>text</c></b><b/></a>", 3),
    (b"<a><!-- <x><y><z> --><b/></a>", 5),  # a comment holding tags can only count more
    (b'<a t="1 > 0"><b>x > y</b><c/> <d/>\n</a>', 2),  # '>' in values and text, spaces
    (b"<p:a xmlns:p='u'><p:b><?pi x?><p:c/></p:b></p:a>", 3),
])
def test_the_byte_check_counts_nesting_depth_like_a_parser(xml, depth):
    import io

    from kpi_xl.read.xmlscan import scan_part

    assert scan_part(io.BytesIO(xml), cells=False, limit=1 << 20).depth == depth


def test_the_byte_check_counts_depth_across_chunk_boundaries():
    import io

    from kpi_xl.read.xmlscan import CHUNK, scan_part

    # 120 levels opened in the first 4 MiB chunk, closed in the second: the level carries over
    filler = b"<r/>" * (CHUNK // 4)
    xml = b"<a>" + b"<b>" * 60 + filler + b"<c>" * 59 + b"</c>" * 59 + b"</b>" * 60 + b"</a>"
    assert scan_part(io.BytesIO(xml), cells=False, limit=1 << 30).depth == 120
