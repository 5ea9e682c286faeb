"""Page setup computed from the model: the scale that fits a sheet one page wide, page breaks
only before blocks, a block taller than a page, the print area and the header codes."""

from __future__ import annotations

import pytest

from kpi_xl.report.model import Chart, Column, Series, Sheet, Table
from kpi_xl.report.pages import (
    A4_LANDSCAPE,
    PX_PER_CHAR,
    chart_last_column,
    page_sections,
    paginate,
    sheet_points,
)


def _table(name: str, rows: int, cols: int = 3) -> Table:
    return Table(name, name, [Column(f"c{j}", "H", "int") for j in range(cols)],
                 [[i] * cols for i in range(rows)])


def _sheet(*rows: int) -> Sheet:
    sh = Sheet("S", "dashboard", "S")
    sh.add_text(["Title"], "title")
    sh.add_text(["Subtitle"], "subtitle")
    for i, n in enumerate(rows):
        sh.add(_table(f"t{i}", n))
    return sh


def test_a_narrow_sheet_prints_at_100_percent_without_breaks():
    sh = _sheet(5, 5)
    setup = paginate(sh, header="&L&A", footer="&C&P / &N")
    assert (setup.scale, setup.breaks, setup.title_rows) == (100, [], 2)
    assert setup.area == (sh.next_row - 1, 2)  # A1 to the last row and column used
    assert (setup.header, setup.footer) == ("&L&A", "&C&P / &N")


def test_breaks_fall_before_the_block_that_would_not_fit():
    sh = _sheet(20, 20, 20)  # each block: title, header (2 rows high), 20 rows
    setup = paginate(sh)
    starts = [t.row for t in sh.tables]
    assert setup.breaks and set(setup.breaks) <= set(starts)
    for t in sh.tables:  # no table is cut
        assert not any(t.row < b < t.row + t.height for b in setup.breaks)


def test_a_block_taller_than_a_page_starts_a_page_and_runs_on():
    sh = _sheet(3, 80, 3)
    setup = paginate(sh)
    assert setup.breaks == [sh.tables[1].row]  # it starts a page; Excel breaks inside it
    # the short table after it fits on the long table's last page: no break before it
    assert not any(sh.tables[2].row < b < sh.tables[2].row + sh.tables[2].height
                   for b in setup.breaks)


def test_a_wide_sheet_is_scaled_to_one_page_width():
    sh = Sheet("S", "dashboard", "S")
    sh.add(Table("wide", "Wide", [Column(f"c{j}", "x" * 40, "text") for j in range(12)],
                 [["y" * 40] * 12]))
    setup = paginate(sh)
    width = sheet_points(sh)
    usable = A4_LANDSCAPE[0] - (setup.margins[0] + setup.margins[1]) * 72
    assert width * setup.scale / 100 <= usable
    assert width * (setup.scale + 1) / 100 > usable * 0.98


def test_a_chart_covers_columns_until_its_width():
    ch = Chart("bar", "c", "t", "c0", [Series("c1")], width_cols=4)
    ch.col = 2
    # 64-pixel default columns: four of them; narrow 6-character columns (47 px): six
    assert chart_last_column(ch, {}) == 5
    assert chart_last_column(ch, {c: 6.0 for c in range(2, 20)}) == 7
    assert PX_PER_CHAR > 7  # the widest case of a column's unit


@pytest.mark.parametrize(("code", "parts"), [
    ("&L&A&R対象期間 2026-11", {"L": "&A", "R": "対象期間 2026-11"}),
    ("&LR&&D&C&P / &N", {"L": "R&&D", "C": "&P / &N"}),
    ("plain", {"C": "plain"}),
])
def test_header_codes_split_into_sections(code, parts):
    assert page_sections(code) == parts
