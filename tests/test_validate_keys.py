"""Keys that match the way people type: master spellings, customers by ID or name, aliases,
duplicate rows — and the located problems when they do not match."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi_xl.dataset import Exclusion
from kpi_xl.errors import ValidationError
from kpi_xl.validate import validate

REPS = pd.DataFrame({"担当者": ["山田 太郎", "小林 直美"], "チーム": ["東京1課", "大阪1課"]})
CUSTOMERS = pd.DataFrame({"顧客ID": ["C001", "C002", "C003"],
                          "顧客名": ["株式会社青葉商事", "(株)緑山工業", "Aoba Trading Co., Ltd."]})


def opps(**cols) -> pd.DataFrame:
    n = len(next(iter(cols.values()))) if cols else 1
    base = {"商談ID": [f"O{i}" for i in range(n)], "担当者": ["山田 太郎"] * n,
            "作成日": ["2026/4/1"] * n, "状態": ["進行中"] * n}
    base.update(cols)
    return pd.DataFrame(base)


def problems(**tables) -> list:
    with pytest.raises(ValidationError) as exc:
        validate(tables)
    return exc.value.problems


# --------------------------------------------------------------------------- master tables


def test_two_spellings_of_one_rep_in_the_master_are_one_problem_shown_visibly():
    reps = pd.DataFrame({"担当者": ["小林 直美", "山田 太郎", "小林\u3000直美", "小林直美"]})
    (p,) = problems(reps=reps)
    assert (p.table, p.row, p.column, p.value) == ("担当者", 4, "担当者", "小林\u3000直美")
    assert p.problem == "同じ名前が別の表記で登録されています"
    assert p.hint == ("「小林 直美」(2行目)、「小林[全角スペース]直美」(4行目)、"
                      "「小林直美」(5行目) は同じ名前とみなされます。表記を1つにそろえてください")
    assert "\\u3000" not in p.format() and "[全角スペース]" in p.format()


def test_the_same_rep_listed_twice_names_the_first_row():
    reps = pd.DataFrame({"担当者": ["山田 太郎", "山田 太郎"], "チーム": ["東京1課", "大阪1課"]})
    (p,) = problems(reps=reps)
    assert (p.row, p.problem, p.hint) == (3, "同じ名前が2回登録されています", "2行目と同じです")


def test_team_spellings_that_differ_in_width_inside_the_reps_table_are_a_problem():
    reps = pd.DataFrame({"担当者": ["A", "B"], "チーム": ["東京1課", "東京１課"]})
    (p,) = problems(reps=reps)
    assert (p.row, p.column, p.value) == (3, "チーム", "東京１課")


def test_teams_in_targets_match_the_reps_table_spelling():
    t = pd.DataFrame({"チーム": ["東京１課", "ﾄｳｷｮｳ"], "月": ["2026-04"] * 2,
                      "指標": ["売上"] * 2, "目標": [100, 200]})
    reps = pd.DataFrame({"担当者": ["A", "B"], "チーム": ["東京1課", "トウキョウ"]})
    ds = validate({"reps": reps, "targets": t})
    assert ds.targets["team"].tolist() == ["東京1課", "トウキョウ"]


def test_an_unknown_rep_suggests_the_master_spelling():
    (p,) = problems(reps=REPS, opportunities=opps(担当者=["小林 直実"]))
    assert (p.row, p.column, p.problem) == (2, "担当者", "担当者シートにない担当者です")
    assert p.hint == "「小林 直美」のことですか?"


def test_an_unknown_rep_on_a_target_is_one_problem_not_also_a_target_without_a_rep():
    t = pd.DataFrame({"担当者": ["山田 大郎"], "月": ["2026-04"], "指標": ["売上"], "目標": [1]})
    (p,) = problems(reps=REPS, targets=t)
    assert p.problem == "担当者シートにない担当者です"


def test_a_look_alike_character_is_named_in_the_hint():
    reps = pd.DataFrame({"担当者": ["○山 一郎"]})
    (p,) = problems(reps=reps, opportunities=opps(担当者=["〇山 一郎"]))
    assert p.hint == ("「○山 一郎」のことですか? 入力は「〇」(U+3007 漢数字のゼロ)、"
                      "登録は「○」(U+25CB 白丸)です")


def test_without_a_reps_table_spellings_of_one_rep_are_one_rep():
    ds = validate({"opportunities": opps(担当者=["山田 太郎", "山田　太郎", "山田太郎"])})
    assert ds.reps["rep"].tolist() == ["山田 太郎"]
    assert ds.opportunities["rep"].tolist() == ["山田 太郎"] * 3
    assert [w.problem for w in ds.warnings] == [
        "担当者シートがないため、データに出てくる担当者を使います（チームなし）"]


# --------------------------------------------------------------------------- customers


@pytest.mark.parametrize(("typed", "customer"), [
    ("C001", "C001"), ("ｃ００１", "C001"), ("株式会社青葉商事", "C001"), ("青葉商事", "C001"),
    ("㈱青葉商事", "C001"), ("（株）青葉商事", "C001"), ("青葉商事株式会社", "C001"),
    ("株式会社　青葉商事", "C001"), ("緑山工業", "C002"), ("緑山工業(株)", "C002"),
    ("株式会社緑山工業", "C002"), ("Aoba Trading", "C003"), ("AOBA TRADING CO.,LTD.", "C003"),
    ("aoba trading inc.", "C003"),
])
def test_customers_resolve_by_id_or_by_name_with_or_without_affixes(typed, customer):
    ds = validate({"reps": REPS, "customers": CUSTOMERS,
                   "opportunities": opps(顧客=[typed])})
    assert ds.opportunities["customer"].tolist() == [customer]


def test_an_unknown_customer_is_a_problem_never_a_new_customer():
    (p,) = problems(reps=REPS, customers=CUSTOMERS, opportunities=opps(顧客=["青葉商会"]))
    assert (p.row, p.column, p.value) == (2, "顧客", "青葉商会")
    assert p.problem == "顧客シートにない顧客です"
    assert p.hint == ("「株式会社青葉商事」のことですか?"
                      "（顧客シートに追加するか、顧客IDで入力してください）")


def test_a_name_shared_by_two_customers_asks_for_the_id():
    cu = pd.DataFrame({"顧客ID": ["C1", "C2"], "顧客名": ["株式会社山本", "山本株式会社"]})
    (p,) = problems(reps=REPS, customers=cu, orders=pd.DataFrame(
        {"日付": ["2026/4/1"], "顧客": ["山本"], "金額": [100]}))
    assert p.problem == "複数の顧客に当てはまります（C1 株式会社山本、C2 山本株式会社）"
    assert p.hint == "顧客IDで入力してください"


def test_without_a_customers_table_one_company_named_two_ways_is_one_customer():
    od = pd.DataFrame({"日付": ["2026/4/1", "2026/4/2", "2026/4/3"],
                       "顧客": ["株式会社青葉商事", "青葉商事(株)", "㈱青葉商事"],
                       "金額": [100, 200, 300]})
    ds = validate({"orders": od, "opportunities": opps(顧客=["青葉商事"], 状態=["受注"],
                                                        完了日=["2026/4/5"])})
    # shown as first written, reading 商談 before 受注実績
    assert set(ds.orders["customer"]) == {"青葉商事"}
    assert ds.opportunities["customer"].tolist() == ["青葉商事"]


def test_a_duplicate_customer_id_written_in_full_width_is_a_problem():
    cu = pd.DataFrame({"顧客ID": ["C001", "Ｃ００１"], "顧客名": ["A社", "B社"]})
    (p,) = problems(customers=cu)
    assert (p.row, p.problem) == (3, "同じ名前が別の表記で登録されています")


# --------------------------------------------------------------------------- aliases


def test_aliases_map_nicknames_and_house_words_for_one_column_or_all():
    aliases = pd.DataFrame({"入力値": ["アオバ", "アポ電", "ヤマちゃん"],
                            "正式な値": ["株式会社青葉商事", "電話", "山田 太郎"],
                            "対象列": ["顧客", "活動種別", None]})
    act = pd.DataFrame({"日付": ["2026/4/1", "2026/4/2"], "担当者": ["ヤマちゃん", "山田 太郎"],
                        "顧客": ["あおば", "ｱｵﾊﾞ"], "活動種別": ["アポ電", "ＡＰＯ電"]})
    with pytest.raises(ValidationError) as exc:
        validate({"reps": REPS, "customers": CUSTOMERS, "aliases": aliases,
                  "activities": act})
    # あおば (hiragana) is not アオバ: the alias is matched by width, case and spaces only
    assert [(p.row, p.column, p.value) for p in exc.value.problems] == [
        (2, "顧客", "あおば"), (3, "活動種別", "ＡＰＯ電")]
    act["顧客"] = ["アオバ", "ｱｵﾊﾞ"]
    act["活動種別"] = ["アポ電", "ｱﾎﾟ電"]
    ds = validate({"reps": REPS, "customers": CUSTOMERS, "aliases": aliases, "activities": act})
    assert ds.activities["rep"].tolist() == ["山田 太郎", "山田 太郎"]
    assert ds.activities["customer"].tolist() == ["C001", "C001"]
    assert ds.activities["type"].tolist() == ["call", "call"]


def test_alias_rows_that_conflict_or_name_no_column_are_problems():
    aliases = pd.DataFrame({"入力値": ["TEL", "ＴＥＬ", "X"], "正式な値": ["電話", "訪問", "Y"],
                            "対象列": [None, None, "備考"]})
    ps = problems(aliases=aliases)
    assert [(p.row, p.column, p.problem) for p in ps] == [
        (3, "正式な値", "同じ入力値に別の正式な値が登録されています"),
        (4, "対象列", "対象列として読めません")]
    assert ps[0].hint == "2行目では「電話」です"


def test_the_unknown_value_hint_lists_the_dropdown_labels_and_mentions_aliases():
    a = pd.DataFrame({"日付": ["2026/4/1"], "担当者": ["山田 太郎"], "活動種別": ["FAX"]})
    (p,) = problems(reps=REPS, activities=a)
    assert p.hint == ("選べる値: 電話 / 訪問 / 打合せ / メール / 提案"
                      "（独自の表記は設定シートの「表記ゆれ」表に登録できます）")
    assert "call" not in p.hint


# --------------------------------------------------------------------------- duplicate rows


def test_identical_rows_are_excluded_and_counted_where_they_cannot_be_two_facts():
    t = pd.DataFrame({"担当者": ["山田 太郎"] * 3, "月": ["2026-04", "2026-04", "2026-05"],
                      "指標": ["売上"] * 3, "目標": [100, 100, 100]})
    od = pd.DataFrame({"日付": ["2026/4/1"] * 4, "顧客ID": ["C1"] * 4, "金額": [5] * 4,
                       "注文番号": ["A", "A", None, None]})
    ds = validate({"reps": REPS, "targets": t, "orders": od})
    assert len(ds.targets) == 2 and len(ds.orders) == 3  # two equal lines without an id stay
    assert ds.exclusions == [Exclusion("targets", "duplicate_row", (3,)),
                             Exclusion("orders", "duplicate_row", (3,))]


def test_identical_activity_rows_are_two_activities():
    a = pd.DataFrame({"日付": ["2026/4/1"] * 2, "担当者": ["山田 太郎"] * 2,
                      "活動種別": ["電話"] * 2})
    ds = validate({"reps": REPS, "activities": a})
    assert len(ds.activities) == 2 and ds.exclusions == []


def test_targets_for_one_rep_month_and_metric_with_different_values_are_a_problem():
    t = pd.DataFrame({"担当者": ["山田 太郎", "山田　太郎"], "月": ["2026-04", "R8.4"],
                      "指標": ["売上", "売上"], "目標": [100, 200]})
    (p,) = problems(reps=REPS, targets=t)
    assert (p.row, p.problem, p.hint) == (3, "同じ担当者/チーム・月・指標の目標がすでにあります",
                                          "2行目と重複しています。1行にまとめてください")


def test_blank_rows_inside_a_table_are_counted_with_their_rows():
    o = opps(商談ID=["O1", None, "O2", None, None],
             担当者=["山田 太郎", None, "山田 太郎", None, None],
             作成日=["2026/4/1", None, "2026/4/2", None, None],
             状態=["進行中", None, "進行中", "  ", "\u3000"])
    ds = validate({"reps": REPS, "opportunities": o})
    assert len(ds.opportunities) == 2
    assert ds.exclusions == [Exclusion("opportunities", "blank_row", (3,))]


def test_a_row_with_only_a_note_in_an_extra_column_is_not_blank():
    o = opps(商談ID=["O1", None], 担当者=["山田 太郎", None], 作成日=["2026/4/1", None],
             状態=["進行中", None])
    o["備考"] = [None, "後で入力"]
    ps = problems(reps=REPS, opportunities=o)
    assert {(p.row, p.problem) for p in ps} == {(3, "必須の値が空欄です")}


# --------------------------------------------------------------------------- cell formulas


def test_a_formula_does_not_split_a_rep_typed_with_a_full_width_space():
    from kpi_xl.excel.udfs import KPI_SCORECARD

    targets = [["担当者", "月", "指標", "目標"], ["山田 太郎", "2026-04", "売上", 2000]]
    opps = [["商談ID", "担当者", "作成日", "状態", "完了日", "金額"],
            ["o1", "山田\u3000太郎", dt.date(2026, 4, 1), "受注済み", dt.date(2026, 4, 20),
             "¥1,000"]]
    got = KPI_SCORECARD(targets, opps, "2026-04", dt.date(2026, 4, 30))
    rows = [r for r in got[1:] if r[1] == "売上"]
    assert [(r[0], r[2], r[3]) for r in rows] == [("山田 太郎", 2000, 1000)]


@pytest.mark.parametrize(("word", "key"), [("全件", "all"), ("受注/失注", "closed"),
                                           ("ALL", "all"), ("closed", "closed")])
def test_formulas_accept_japanese_option_words(word, key):
    from kpi_xl.excel.udfs import KPI_WIN_RATE

    statuses = [["受注済み"], ["見送り"], ["商談中"]]
    got = KPI_WIN_RATE(statuses, word)
    assert got == pytest.approx(0.5 if key == "closed" else 1 / 3)
