"""A second office book, typed with the large and unusual forms: 億 / 百万円 amounts, full-width
digits, the backslash a Shift_JIS export leaves for ¥ (typed into a cell), 昭和/平成/令和 dates
at the era boundaries, a customer written without 有限会社 / with ㈱ / (株), a blank row, a row
typed below the Excel table and a 合計 row under it — written with openpyxl and saved again by
LibreOffice, which stores the same cells differently (shared strings, its own styles). Both
must give the same hand-computed figures.

Hand computation (April 2026, revenue basis = won deals by close date, the deal's rep):

====  ==========  ==========  ===============  =========================  ============
row   deal        rep         amount as typed  status / close             counted
====  ==========  ==========  ===============  =========================  ============
2     O1          山田 太郎   1.2百万円        受注, R8/4/10              1,200,000
3     O2          佐藤 花子   1,000            失注                       lost
4     O3          山田 太郎   2,000            受注済, 2026/4/29          2,000
5     O4          山田 太郎   １２０万円       成約, 2026/4/20            1,200,000
6     O5          佐藤 花子   1,200,000        受注, 2026/4/28            1,200,000
7     O6          佐藤 花子   \\1,200,000       受注, R8.4.25              1,200,000
8     O7          山田 太郎   3億円            受注, 2026/4/26            300,000,000
9     O8          山田 太郎   1,000            見送り                     lost
10    O9          山田 太郎   1.2億            受注, 2026/4/26            120,000,000
11    (blank)                                                             excluded
12    O10         山田 太郎   50万円           受注, 2026/4/27 (below)    500,000
13    合計                    999万円                                     excluded
====  ==========  ==========  ===============  =========================  ============

山田 太郎: 1,200,000 + 2,000 + 1,200,000 + 300,000,000 + 120,000,000 + 500,000 = 422,902,000
from 6 won deals; 佐藤 花子: 2,400,000 from 2. Created dates include S64.1.7 (the last day of
昭和), H31.4.30 (the last of 平成) and 令和元年5月1日 (the first of 令和).
"""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from openpyxl.worksheet.table import Table

from kpi_xl.cli import main
from tests.lo import convert

OPPORTUNITIES = [
    ["O1", "山田\u3000太郎", "㈱青葉商事", "令和8年4月1日", "1.2百万円", "受注", "R8/4/10"],
    ["O2", "佐藤花子", "緑山", "H31.4.30", "1,000", "失注", "平成31年4月30日"],
    ["O3", "山田 太郎", "C002", "2026/4/2（木）", "2,000", "受注済", "2026/4/29"],
    ["O4", "山田 太郎", "C001", "26/4/3", "１２０万円", "成約", "2026/4/20"],
    ["O5", "佐藤 花子", "C001", "S64.1.7", "1,200,000", "受注", "2026/4/28"],
    ["O6", "佐藤 花子", "(株)青葉商事", "令和元年5月1日", "\\1,200,000", "受注", "R8.4.25"],
    ["O7", "山田 太郎", "C002", "2026/4/5", "3億円", "受注", "2026/4/26"],
    ["O8", "山田 太郎", "C001", "2026/4/5", "1,000", "見送り", "2026/4/26"],
    ["O9", "山田 太郎", "C001", "2026/4/5", "1.2億", "受注", "2026/4/26"],
]
BELOW = [
    [None] * 7,
    ["O10", "山田 太郎", "C001", "2026/4/6", "50万円", "受注", "2026/4/27"],
    ["合計", None, None, None, "999万円", None, None],
]


def _table(ws, name: str, header: list[str], rows: list[list], below=()) -> None:
    ws.append(header)
    for r in rows:
        ws.append(r)
    last = openpyxl.utils.get_column_letter(len(header))
    ws.add_table(Table(displayName=name, ref=f"A1:{last}{len(rows) + 1}"))
    for r in below:
        ws.append(r)


def _book(path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _table(wb.create_sheet("設定"), "tblSettings", ["設定項目", "値"],
           [["期首月", "4月"], ["言語", "日本語"]])
    _table(wb.create_sheet("担当者"), "tblReps", ["担当者", "チーム", "在籍"],
           [["山田 太郎", "東京1課", "◯"], ["佐藤 花子", "東京1課", "はい"],
            ["田中\u3000次郎", "大阪", "無"]])
    _table(wb.create_sheet("顧客"), "tblCustomers", ["顧客ID", "顧客名", "担当者"],
           [["C001", "株式会社青葉商事", "山田太郎"], ["C002", "有限会社緑山", "佐藤 花子"]])
    _table(wb.create_sheet("商談"), "tblOpportunities",
           ["商談ID", "担当者", "顧客", "作成日", "金額", "状態", "完了日"], OPPORTUNITIES, BELOW)
    wb.save(path)
    return path


@pytest.fixture(scope="module", params=["openpyxl", "libreoffice"])
def book(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("amounts")
    path = _book(folder / "商談管理.xlsx")
    if request.param == "libreoffice":
        (path,) = convert(path, "xlsx", folder / "lo")
    return path


def test_oku_hyakuman_full_width_and_yen_backslash_amounts_give_the_hand_computed_revenue(
        book):
    out, err = io.StringIO(), io.StringIO()
    code = main(["metrics", str(book), "--json", "--period", "2026-04", "--as-of",
                 "2026-04-30"], out=out, err=err)
    assert code == 0, err.getvalue()
    data = json.loads(out.getvalue())
    card = {(r["group"], r["metric"]): r["actual"] for r in data["scorecard"]}
    assert card[("山田 太郎", "revenue")] == 422_902_000
    assert card[("山田 太郎", "won_deals")] == 6
    assert card[("佐藤 花子", "revenue")] == 2_400_000
    assert card[("佐藤 花子", "won_deals")] == 2
    assert {(e["table"], e["reason"], tuple(e["rows"])) for e in data["exclusions"]} == {
        ("opportunities", "blank_row", (11,)), ("opportunities", "total_row", (13,))}
    assert [(o["table"], o["first"], o["last"]) for o in data["outside_rows"]] == [
        ("opportunities", 12, 12)]
