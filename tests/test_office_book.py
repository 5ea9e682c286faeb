"""A whole workbook typed the way a Japanese sales office types it, through the CLI.

Excel tables with Japanese headers, written with openpyxl; rep names with full-width spaces and
without spaces, 東京１課 against 東京1課, customers by 顧客ID, by name, with and without 株式会社 /
(株) / ㈱ and by a nickname from the alias table (表記ゆれ), 和暦 dates with weekdays, 万円 /
千円 / ¥ amounts, status and activity-type variants, counts with units, a blank row inside two
tables and a pasted duplicate. The figures are hand-computed below.

Hand computation (April 2026, revenue basis = won deals, by close date, credited to the deal's
rep):

==========  ======================================================  ========  ====
rep         won deals in April                                      revenue   won
==========  ======================================================  ========  ====
山田 太郎   O-001 120万円 (C001, 受注済み), O-002 ¥800,000 (C002, 成約)  2,000,000  2
佐藤 花子   O-003 見送り (lost), O-004 提案中 (open)                          0  0
鈴木 一郎   O-005 2,000,000 (アオバ → C001, 受注)                   2,000,000  1
==========  ======================================================  ========  ====

New customers in April: C001 (named 青葉商事, C001, アオバ, 株式会社青葉商事, 青葉商事(株)) and
C002 ((株)緑山工業 / ㈱緑山工業 / C002) — 2, not 5. C003 has no order or won deal.
Activities: calls 山田 2 (TEL, ＴＥＬ), 鈴木 2 (架電, アポ電 → 電話 by alias); visits 佐藤 2
(往訪, 訪問); meetings 佐藤 1 (来社), 山田 1 (面談); emails 山田 1.
Targets: 山田 300万円, 佐藤 2,500,000, 鈴木 1500千円 → achievement 2/3, 0, 4/3; won deals 3件,
2件, 1件; calls 4回 each for 山田 and 鈴木; visits 5件 and meetings 2件 for 佐藤.
"""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from openpyxl.worksheet.table import Table, TableStyleInfo

from kpi_xl.cli import main
from kpi_xl.dataset import Exclusion
from kpi_xl.validate import load

SHEETS = {
    "設定": ("tblSettings", ["設定項目", "値"], [
        ["期首月", "４月"], ["言語", "日本語"], ["売上の基準", "won_deals"],
    ]),
    "担当者": ("tblReps", ["担当者", "チーム", "在籍"], [
        ["山田 太郎", "東京1課", "○"],
        ["佐藤 花子", "東京1課", "〇"],
        ["鈴木 一郎", "大阪2課", "✓"],
    ]),
    "顧客": ("tblCustomers", ["顧客ID", "顧客名", "担当者"], [
        ["C001", "株式会社青葉商事", "山田 太郎"],
        ["C002", "(株)緑山工業", "佐藤\u3000花子"],
        ["C003", "白川物産有限会社", "鈴木一郎"],
    ]),
    "商談": ("tblOpportunities",
             ["商談ID", "担当者", "顧客", "作成日", "金額", "状態", "完了日", "ステージ"], [
        ["O-001", "山田\u3000太郎", "青葉商事", "令和8年4月1日", "120万円", "受注済み",
         "R8.4.20", "クロージング"],
        ["O-002", "山田太郎", "C002", "2026/4/3(金)", "¥800,000", "成約", "2026/4/25", None],
        ["O-003", "佐藤 花子", "㈱緑山工業", "R8.4.5", "1,500千円", "見送り", "2026年4月28日",
         "提案中"],
        ["O-004", "佐藤\u3000花子", "白川物産", "26/4/10", "300万", "提案中", None, "提案中"],
        [None] * 8,
        ["O-005", "鈴木 一郎", "アオバ", "2026-04-12", "2,000,000", "受注", "2026/4/30(木)",
         None],
    ]),
    "活動": ("tblActivities", ["日付", "担当者", "顧客", "活動種別"], [
        ["2026/4/1", "山田 太郎", "青葉商事", "TEL"],
        ["R8.4.2", "山田\u3000太郎", "C001", "ＴＥＬ"],
        ["2026/4/3(金)", "佐藤花子", "㈱緑山工業", "往訪"],
        ["2026/4/6", "佐藤 花子", "C002", "来社"],
        ["2026/4/7", "鈴木 一郎", "白川物産", "架電"],
        ["2026/4/8", "鈴木 一郎", "アオバ", "アポ電"],
        ["2026/4/9", "山田 太郎", "C001", "面談"],
        [None] * 4,
        ["2026/4/10", "山田 太郎", "青葉商事", "メール"],
        ["2026/4/13", "佐藤 花子", "緑山工業", "訪問"],
    ]),
    "受注実績": ("tblOrders", ["日付", "顧客", "金額", "数量", "注文番号"], [
        ["R8.4.20", "株式会社青葉商事", "120万円", "2件", "S-1"],
        ["2026/4/25", "C002", "¥800,000", "1", "S-2"],
        ["2026/4/30", "青葉商事(株)", "200万円", "3社", "S-3"],
        ["2026/4/30", "青葉商事(株)", "200万円", "3社", "S-3"],  # pasted twice
    ]),
    "目標": ("tblTargets", ["担当者", "チーム", "月", "指標", "目標"], [
        ["山田 太郎", None, "R8.4", "売上", "300万円"],
        ["佐藤\u3000花子", None, "2026年4月度", "売上", "2,500,000"],
        ["鈴木一郎", None, "2026/4", "売上", "1500千円"],
        [None, "東京１課", "2026年4月", "売上", "500万円"],
        ["山田 太郎", None, "R8.4", "受注件数", "3件"],
        ["佐藤 花子", None, "R8.4", "受注件数", "2件"],
        ["鈴木 一郎", None, "R8.4", "受注件数", "1件"],
        ["山田 太郎", None, "R8.4", "電話数", "4回"],
        ["鈴木　一郎", None, "R8.4", "電話数", "4回"],
        ["佐藤 花子", None, "R8.4", "訪問数", "5件"],
        ["佐藤 花子", None, "R8.4", "打合せ数", "2件"],
    ]),
}
ALIASES = ("tblAliases", ["入力値", "正式な値", "対象列"], [
    ["アオバ", "株式会社青葉商事", "顧客"],
    ["アポ電", "電話", "活動種別"],
])


def _table(ws, name: str, header: list[str], rows: list[list], col: int = 1) -> None:
    for j, h in enumerate(header):
        ws.cell(1, col + j, h)
    for i, r in enumerate(rows, start=2):
        for j, v in enumerate(r):
            if v is not None:
                ws.cell(i, col + j, v)
    last = openpyxl.utils.get_column_letter(col + len(header) - 1)
    first = openpyxl.utils.get_column_letter(col)
    t = Table(displayName=name, ref=f"{first}1:{last}{len(rows) + 1}")
    t.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(t)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet, (name, header, rows) in SHEETS.items():
        ws = wb.create_sheet(sheet)
        _table(ws, name, header, rows)
        if sheet == "設定":
            _table(ws, ALIASES[0], ALIASES[1], ALIASES[2], col=5)
    path = tmp_path_factory.mktemp("office") / "営業日報.xlsx"
    wb.save(path)
    return path


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_the_typed_book_loads_with_the_master_spellings(book):
    ds = load(book)
    assert sorted(ds.reps["rep"]) == ["佐藤 花子", "山田 太郎", "鈴木 一郎"]
    assert ds.opportunities["rep"].tolist() == ["山田 太郎", "山田 太郎", "佐藤 花子",
                                                "佐藤 花子", "鈴木 一郎"]
    assert ds.opportunities["customer"].tolist() == ["C001", "C002", "C002", "C003", "C001"]
    assert ds.opportunities["status"].tolist() == ["won", "won", "lost", "open", "won"]
    assert ds.opportunities["amount"].tolist() == [1_200_000, 800_000, 1_500_000, 3_000_000,
                                                   2_000_000]
    assert ds.orders["customer"].tolist() == ["C001", "C002", "C001"]
    assert ds.orders["quantity"].tolist() == [2, 1, 3]
    assert ds.activities["type"].tolist() == ["call", "call", "visit", "meeting", "call",
                                              "call", "meeting", "email", "visit"]
    assert ds.targets["team"].dropna().tolist() == ["東京1課"]
    assert ds.settings.fiscal_year_start == 4
    assert set(ds.exclusions) == {Exclusion("opportunities", "blank_row", (6,)),
                                  Exclusion("activities", "blank_row", (9,)),
                                  Exclusion("orders", "duplicate_row", (5,))}


def test_metrics_json_gives_the_hand_computed_figures(book):
    code, out, err = _run("metrics", str(book), "--json", "--period", "2026-04",
                          "--as-of", "2026-04-30")
    assert code == 0, err
    data = json.loads(out)
    card = {(r["group"], r["metric"]): r for r in data["scorecard"]}
    revenue = {rep: card[(rep, "revenue")]["actual"] for rep in ("山田 太郎", "佐藤 花子",
                                                                  "鈴木 一郎")}
    assert revenue == {"山田 太郎": 2_000_000, "佐藤 花子": 0, "鈴木 一郎": 2_000_000}
    assert card[("山田 太郎", "revenue")]["target"] == 3_000_000
    assert card[("山田 太郎", "revenue")]["achievement"] == pytest.approx(2 / 3)
    assert card[("鈴木 一郎", "revenue")]["achievement"] == pytest.approx(4 / 3)
    assert card[("佐藤 花子", "revenue")]["achievement"] == 0
    won = {rep: card[(rep, "won_deals")]["actual"] for rep in ("山田 太郎", "佐藤 花子",
                                                                "鈴木 一郎")}
    assert won == {"山田 太郎": 2, "佐藤 花子": 0, "鈴木 一郎": 1}
    calls = {rep: card[(rep, "calls")]["actual"] for rep in ("山田 太郎", "鈴木 一郎")}
    assert calls == {"山田 太郎": 2, "鈴木 一郎": 2}  # TEL, ＴＥＬ / 架電, アポ電 (alias)
    assert card[("佐藤 花子", "visits")]["actual"] == 2  # 往訪, 訪問
    assert card[("佐藤 花子", "meetings")]["actual"] == 1  # 来社
    assert data["customers"]["movements"]["new"] == 2  # one company named five ways is one
    assert not any("\u3000" in r["group"] for r in data["scorecard"])
    reasons = {(e["table"], e["reason"]): e["rows"] for e in data["exclusions"]}
    assert reasons == {("opportunities", "blank_row"): [6], ("activities", "blank_row"): [9],
                       ("orders", "duplicate_row"): [5]}


def test_metrics_text_names_the_excluded_rows(book):
    code, out, err = _run("metrics", str(book), "--period", "2026-04", "--as-of", "2026-04-30")
    assert code == 0, err
    assert "rows 6" in out and "rows 9" in out and "rows 5" in out


def _check_rep_tabs(out_path) -> None:
    wb = openpyxl.load_workbook(out_path)
    for rep in ("山田 太郎", "佐藤 花子", "鈴木 一郎"):
        assert rep in wb.sheetnames
    assert not [n for n in wb.sheetnames if "\u3000" in n or n in ("山田太郎", "鈴木一郎")]
    values = {c.value for row in wb["山田 太郎"].iter_rows() for c in row}
    # revenue actual and target in thousands of yen (the automatic unit for a book whose
    # monthly revenue reaches a million), the unit stated beside them
    assert 2_000 in values and 3_000 in values
    assert "売上（千円）" in values


def test_refresh_writes_one_tab_per_rep_spelled_as_the_master(book, tmp_path):
    out_path = tmp_path / "refreshed.xlsx"
    code, _, err = _run("refresh", str(book), "-o", str(out_path), "--period", "2026-04",
                        "--as-of", "2026-04-30", "--quiet")
    assert code == 0, err
    _check_rep_tabs(out_path)


def test_a_japanese_book_with_mistakes_gets_japanese_located_messages(book, tmp_path):
    wb = openpyxl.load_workbook(book)
    ws = wb["商談"]
    ws["E2"] = "12,00,000"  # O-001 金額
    ws["G2"] = "平成31年5月1日"  # O-001 完了日: era boundary
    ws["C3"] = "青山商事"  # O-002 顧客: no such customer
    ws["B4"] = "佐藤 華子"  # O-003 担当者: typo
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    code, out, err = _run("metrics", str(bad))
    assert code == 3 and out == ""
    lines = err.splitlines()
    assert "kpi-xl: 入力に4件の問題があります:" in lines
    assert ("  - 商談シート 2行目 〔金額〕: 桁区切りのカンマの位置が正しくありません"
            "（値: 12,00,000）— 3桁ごとにカンマを入れるか、カンマなしで入力してください"
            "（例: 1,200,000 / 1200000）" in lines)
    assert ("  - 商談シート 2行目 〔完了日〕: 元号と日付が合いません（その日は令和元年5月1日"
            "です）（値: 平成31年5月1日）— 令和元年5月1日 または 2019-05-01 と入力してください"
            in lines)
    assert any(line.startswith("  - 商談シート 3行目 〔顧客〕: 顧客シートにない顧客です"
                               "（値: 青山商事）— 「株式会社青葉商事」のことですか?")
               for line in lines)
    assert ("  - 商談シート 4行目 〔担当者〕: 担当者シートにない担当者です（値: 佐藤 華子）— "
            "「佐藤 花子」のことですか?" in lines)
    assert "won deal" not in err and "完了日がありません" not in err  # one cause, one problem
