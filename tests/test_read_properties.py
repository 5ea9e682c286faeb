"""Invariants: whatever bytes are given as a workbook or a CSV file, read_source answers with
tables or a KpiXlError, and validating the tables it answers with gives a Dataset or a
KpiXlError — never another exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_xl.dataset import Dataset
from kpi_xl.errors import KpiXlError
from kpi_xl.read import RawTable, read_source
from kpi_xl.validate import validate
from tests import read_corpus as corpus

_SETTINGS = settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])
_PARTS = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
          "xl/worksheets/sheet1.xml", "xl/worksheets/_rels/sheet1.xml.rels",
          "xl/tables/table1.xml", "xl/sharedStrings.xml", "xl/styles.xml"]
_VALID = corpus.members(corpus.book(Path(tempfile.mkdtemp()) / "base.xlsx"))
_XML_BITS = [b"<", b">", b"</", b"/>", b'r="', b"A1", b"XFD1048576", b"<c ", b"<row ",
             b"<v>1</v>", b'<sheet name="Orders" r:id="rId1"/>', b"<!DOCTYPE", b"&e;",
             b"<si><t>x</t></si>", b'ref="A1:C3"', b"\x00", b"\xff", b"\xe3\x81\x82"]


def _answer(path: Path) -> None:
    try:
        tables = read_source(path)
    except KpiXlError:
        return
    assert all(isinstance(t, RawTable) for t in tables.values())
    try:
        ds = validate(tables)
    except KpiXlError:
        return
    assert isinstance(ds, Dataset)


@_SETTINGS
@given(st.binary(max_size=4096))
def test_random_bytes_as_a_workbook(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "book.xlsx"
        path.write_bytes(data)
        _answer(path)


@_SETTINGS
@given(st.binary(max_size=2048))
def test_random_bytes_as_a_csv_file(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders.csv"
        path.write_bytes(data)
        _answer(path)


_mutated = st.builds(
    lambda base, cut, insert: base[:cut] + insert + base[cut:],
    st.sampled_from(list(_VALID.values())), st.integers(0, 4000),
    st.lists(st.sampled_from(_XML_BITS), max_size=6).map(b"".join))


@_SETTINGS
@given(st.dictionaries(st.sampled_from(_PARTS),
                       st.one_of(_mutated, st.binary(max_size=300)), max_size=len(_PARTS)),
       st.booleans())
def test_random_small_packages(parts, keep_valid):
    files = dict(_VALID) if keep_valid else {}
    files.update(parts)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "book.xlsx"
        path.write_bytes(corpus.zipped(files))
        _answer(path)
