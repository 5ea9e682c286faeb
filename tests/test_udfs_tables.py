"""The table formulas (KPI_FUNNEL, KPI_SCORECARD) on tables selected with their header row, as
xlwings passes them; KPI_SCORECARD against the workbook's own scorecards; and the normalisation
of issue 9 in every formula (names typed with full-width spaces, Japanese option words)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from kpi_xl.calendar import BusinessCalendar, parse_period
from kpi_xl.excel.udfs import (
    KPI_BUSINESS_DAYS,
    KPI_CHURN_RATE,
    KPI_CONVERSION,
    KPI_CYCLE_DAYS,
    KPI_FUNNEL,
    KPI_NRR,
    KPI_SCORECARD,
    KPI_WIN_RATE,
    explain,
)
from kpi_xl.excel.udfs.why import reason_of_call
from kpi_xl.metrics import funnel, pace, scorecard
from kpi_xl.validate import validate

D = dt.datetime
EPOCH = D(1899, 12, 30)


@pytest.fixture(autouse=True)
def _english_machine(monkeypatch):
    monkeypatch.setenv("KPI_XL_LANG", "en")


def serial(d: D) -> float:
    return float((d - EPOCH).days)


def col(*values: object) -> list[list]:
    return [[v] for v in values]


def _frame(rows: list[list]) -> pd.DataFrame:
    return pd.DataFrame(rows[1:], columns=rows[0], dtype=object)


OPP_JA = [
    ["商談ID", "担当者", "作成日", "状態", "完了日", "金額", "情報収集日", "提案日"],
    ["o1", "A", D(2026, 4, 1), "受注", D(2026, 4, 20), "¥1,000", D(2026, 4, 2), None],
    ["o2", "B", serial(D(2026, 4, 3)), "失注", serial(D(2026, 4, 20)), None, None, None],
    ["o3", "A", D(2026, 4, 3), "進行中", None, None, D(2026, 4, 6), D(2026, 4, 9)],
    [1004.0, "B", "2026/3/28", "進行中", None, "2,000", None, None],
    [None, None, None, None, None, None, None, None],  # trailing blank row of the selection
]


# --------------------------------------------------------------------------- funnel


@pytest.mark.parametrize(("basis", "start", "end"), [
    ("cohort", None, None), ("period", None, None), ("cohort", "2026-04", None),
    ("period", D(2026, 4, 1), D(2026, 4, 5)), ("コホート", "2026年4月", None),
])
def test_funnel_matches_the_engine(basis, start, end):
    ds = validate({"opportunities": _frame(OPP_JA)})
    s, e = (parse_period(start).start, parse_period(start).end) if isinstance(start, str) \
        else (start, end)
    fn = funnel(ds, start=s, end=e, basis={"コホート": "cohort"}.get(basis, basis))
    got = KPI_FUNNEL(OPP_JA, basis, start, end)
    assert got[0] == ["ステージ", "到達数", "前段階からの転換率", "初段階からの転換率"]
    assert [r[0] for r in got[1:]] == ["アプローチ", "情報収集", "提案", "クロージング", "受注"]
    assert [r[1] for r in got[1:]] == fn["reached"].tolist()
    for cell, v in zip([r[3] for r in got[1:]], fn["conversion_from_first"], strict=True):
        assert cell == "" if math.isnan(v) else cell == pytest.approx(v)


def test_funnel_takes_the_stage_history_table():
    history = [["商談ID", "ステージ", "日付"], ["o2", "提案", D(2026, 4, 10)]]
    ds = validate({"opportunities": _frame(OPP_JA), "stage_history": _frame(history)})
    got = KPI_FUNNEL(OPP_JA, "cohort", None, None, history)
    assert [r[1] for r in got[1:]] == funnel(ds, basis="cohort")["reached"].tolist()
    assert got != KPI_FUNNEL(OPP_JA)  # o2 reached the proposal stage


def test_funnel_english_headers_give_english_labels():
    en = [["Opportunity ID", "Rep", "Created", "Status", "Close date"],
          ["o1", "A", D(2026, 4, 1), "won", D(2026, 4, 20)]]
    got = KPI_FUNNEL(en)
    assert got[0][0] == "stage" and got[1] == ["Approach", 1, "", 1.0]
    assert got[-1] == ["Won", 1, 1.0, 1.0]


@pytest.mark.parametrize(("table", "key", "words"), [
    ([[None]], "table_empty", "opportunities_table is empty: select the table with its "
                              "header row."),
    ([["商談ID", "担当者", "作成日", "状態"], ["o1", "A", "someday", "受注"]],
     "table_problems", "商談シート 2行目 〔作成日〕: 日付として読めません（値: someday）— 例: "
     "2026/4/1 / 2026年4月1日 / 令和8年4月1日 / R8.4.1 (and 1 more problems in the table)"),
    ([["商談ID", "作成日"]], "table_problems", "商談シート 1行目 〔担当者〕: 必須の列が"
     "ありません — 見つかった列: '商談ID'、'作成日' (and 1 more problems in the table)"),
    ([["商談ID", "担当者", "作成日", "状態"], ["o1", {"x": 1}, D(2026, 4, 1), "受注"]],
     "not_a_value", "opportunities_table [担当者], cell 2: this is not a value a cell can hold "
                    "(text, number, date or TRUE/FALSE)."),
])
def test_funnel_bad_tables_are_value_errors_with_the_located_problem(table, key, words):
    assert KPI_FUNNEL(table) == "#VALUE!"
    r = reason_of_call("KPI_FUNNEL", table)
    assert r.key == key and explain("KPI_FUNNEL", table, locale="en") == "#VALUE! " + words


def test_a_date_cell_named_in_a_table_problem_reads_as_in_a_refresh():
    # a column of date cells reaches the validator as dates (as a reader hands them), so the
    # value shown is the date, not datetime's isoformat with a midnight time
    rows = [OPP_JA[0][:6], ["o1", "A", D(2026, 4, 10), "受注", D(2026, 4, 1), 1000],
            ["o2", "B", D(2026, 4, 3), "失注", D(2026, 4, 20), None]]
    assert KPI_FUNNEL(rows) == "#VALUE!"
    assert "（値: 2026-04-01）— 作成日は2026-04-10です" in explain("KPI_FUNNEL", rows)


def test_funnel_header_only_gives_zero_counts():
    got = KPI_FUNNEL([OPP_JA[0]])
    assert [r[1] for r in got[1:]] == [0] * 5 and got[1][3] == ""


# --------------------------------------------------------------------------- scorecard

TG_JA = [["担当者", "月", "指標", "目標"], ["A", "2026-04", "売上", 2000],
         ["B", "2026/4", "売上", "1,000"],
         ["A", 46143.0, "売上", 5000]]  # a May row (serial date) is outside the period


def test_scorecard_from_opportunities_matches_the_engine():
    ds = validate({"targets": _frame(TG_JA), "opportunities": _frame(OPP_JA)})
    sc = scorecard(ds, parse_period("2026-04"), by="rep", as_of=dt.date(2026, 4, 25))
    got = KPI_SCORECARD(TG_JA, OPP_JA, "2026-04", D(2026, 4, 25))
    assert got[0][:5] == ["担当者", "指標", "目標", "実績", "達成率"]
    assert [r[0] for r in got[1:]] == sc["group"].tolist() == ["A", "B"]
    assert [r[3] for r in got[1:]] == sc["actual"].tolist() == [1000.0, 0.0]
    assert [r[4] for r in got[1:]] == pytest.approx(sc["achievement"].tolist())
    assert [r[5] for r in got[1:]] == pytest.approx(sc["pace"].tolist())
    assert got[1][1] == "売上"


def test_scorecard_from_an_actuals_table():
    actuals = [["Rep", "Metric", "Actual", "Month"], ["A", "revenue", "1,500", "2026-04"],
               ["A", "revenue", 700, "2026-03"], ["B", "won deals", 2, None]]
    tg = [["Rep", "Month", "Metric", "Target"], ["A", "2026-04", "revenue", 2000]]
    got = KPI_SCORECARD(tg, actuals, "2026-04", D(2026, 4, 15))
    assert got[0][:4] == ["rep", "metric", "target", "actual"]
    cal = BusinessCalendar("JP")
    p = pace(1500.0, 2000.0, dt.date(2026, 4, 1), dt.date(2026, 4, 30), dt.date(2026, 4, 15),
             cal)
    a_row, b_row = got[1], got[2]
    assert a_row[:5] == ["A", "Revenue", 2000.0, 1500.0, 0.75]
    assert a_row[5] == pytest.approx(p.pace) and a_row[6] == pytest.approx(p.forecast)
    assert b_row[:5] == ["B", "Won deals", "", 2.0, ""] and b_row[-1] == "no target"


@pytest.mark.parametrize(("args", "code", "key"), [
    ((TG_JA, [["foo", "bar"], [1, 2]], "2026-04", None), "#VALUE!", "second_table"),
    ((TG_JA, OPP_JA, None, None), "#VALUE!", "blank"),
    ((TG_JA, OPP_JA, "2026-13", None), "#VALUE!", "not_date"),
    ((TG_JA, OPP_JA, "9999-12", None), "#NUM!", "date_range"),
    ((TG_JA, [["担当者", "指標", "実績"], ["A", "売り", 1]], "2026-04", None), "#VALUE!",
     "unknown_metric"),
    ((TG_JA, [["担当者", "指標", "実績", "月"], ["A", "売上", 1, "いつか"]], "2026-04", None),
     "#VALUE!", "not_a_month"),
])
def test_scorecard_errors(args, code, key):
    assert KPI_SCORECARD(*args) == code
    r = reason_of_call("KPI_SCORECARD", *args)
    assert (r.code, r.key) == (code, key)


def test_scorecard_actuals_table_keeps_a_rep_typed_with_a_full_width_space_as_one_rep():
    tg = [["担当者", "月", "指標", "目標"], ["山田 太郎", "2026-04", "売上", 2000]]
    actuals = [["担当者", "指標", "実績"], ["山田\u3000太郎", "売上", 500],
               ["山田太郎", "売上", 500]]
    got = KPI_SCORECARD(tg, actuals, "2026-04", D(2026, 4, 30))
    assert [(r[0], r[2], r[3]) for r in got[1:]] == [("山田 太郎", 2000, 1000.0)]


def _template_tables(tmp_path):
    import openpyxl

    from kpi_xl.demo import demo_frames
    from kpi_xl.excel.template import build_template

    book = build_template(tmp_path / "b.xlsx", data=demo_frames())
    wb = openpyxl.load_workbook(book)
    return book, {name: [[c.value for c in r] for r in wb[name].iter_rows()]
                  for name in ("目標", "商談", "担当者", "活動", "受注実績", "ステージ履歴",
                               "顧客")}


def test_scorecard_equals_the_workbooks_scorecards_for_the_same_tables(tmp_path):
    from kpi_xl.figures import compute_figures
    from kpi_xl.metric_registry import metric_def
    from kpi_xl.validate import load

    book, t = _template_tables(tmp_path)
    out = KPI_SCORECARD(t["目標"], t["商談"], "2026-11", D(2026, 11, 20), t["担当者"], t["活動"],
                        t["受注実績"], t["ステージ履歴"], t["顧客"])
    ds = load(book)
    fig = compute_figures(ds, parse_period("2026-11"), dt.date(2026, 11, 20))
    got = {(r[0], r[1]): r for r in out[1:]}
    compared = 0
    for card in (fig.scorecard_rep, fig.scorecard_team):
        for r in card.itertuples():
            row = got.get((r.group, metric_def(r.metric, ds.settings).label("ja")))
            if row is None:
                continue
            compared += 1
            for cell, v in zip(row[2:9], (r.target, r.actual, r.achievement, r.pace,
                                          r.forecast, r.gap, r.required_per_day), strict=True):
                assert cell == "" if pd.isna(v) else cell == pytest.approx(v)
    assert compared >= len(fig.scorecard_rep) + len(fig.scorecard_team[
        fig.scorecard_team["target"].notna()]) - 1
    assert {m for _, m in got} >= {"売上", "訪問数", "電話数", "商談数"}


def test_scorecard_never_shows_zero_for_a_metric_whose_table_was_not_given(tmp_path):
    _, t = _template_tables(tmp_path)
    out = KPI_SCORECARD(t["目標"], t["商談"], "2026-11", D(2026, 11, 20), t["担当者"])
    visits = [r for r in out[1:] if r[1] == "訪問数"]
    assert visits and all(r[3:9] == [""] * 6 for r in visits)
    assert all(r[9] == "activities_table（6番目の引数）が必要" for r in visits)
    revenue = [r for r in out[1:] if r[1] == "売上"]
    assert revenue and all(isinstance(r[3], float) for r in revenue)


def test_scorecard_lists_team_target_rows_it_cannot_score_without_the_reps(tmp_path):
    _, t = _template_tables(tmp_path)
    assert any(r[0] is None and r[1] for r in t["目標"][1:])  # the demo has team targets
    out = KPI_SCORECARD(t["目標"], t["商談"], "2026-11", D(2026, 11, 20))
    note = "チーム目標: チームを集計するには担当者の表（5番目の引数）を指定"
    team_rows = [r for r in out[1:] if r[-1] == note]
    teams = {r[1] for r in t["目標"][1:] if r[0] is None and r[1]}
    assert {r[0] for r in team_rows} == teams and all(r[2] == "" for r in team_rows)


# --------------------------------------------------------------------------- issue 9


def test_a_rep_typed_with_a_full_width_space_is_one_rep_in_every_table():
    targets = [["担当者", "月", "指標", "目標"], ["山田 太郎", "2026-04", "売上", 2000],
               ["山田　太郎", "2026-04", "受注件数", 2]]
    opps = [["商談ID", "担当者", "作成日", "状態", "完了日", "金額"],
            ["o1", "山田\u3000太郎", dt.date(2026, 4, 1), "受注済み", dt.date(2026, 4, 20),
             "¥1,000"],
            ["o2", "山田太郎", dt.date(2026, 4, 2), "成約", dt.date(2026, 4, 21), "1000"]]
    got = KPI_SCORECARD(targets, opps, "2026-04", dt.date(2026, 4, 30))
    assert [(r[0], r[1], r[2], r[3]) for r in got[1:]] == [
        ("山田 太郎", "売上", 2000, 2000), ("山田 太郎", "受注件数", 2, 2)]


OPTION_WORDS = [
    # formula, arguments with the word at its place, the same with the English word
    (KPI_WIN_RATE, (col("受注", "失注", "商談中"), "全件"),
     (col("受注", "失注", "商談中"), "all")),
    (KPI_WIN_RATE, (col("受注", "失注", "商談中"), "受注/失注"),
     (col("受注", "失注", "商談中"), "closed")),
    (KPI_WIN_RATE, (col("受注", "失注", "商談中"), "ＡＬＬ"),
     (col("受注", "失注", "商談中"), "all")),
    (KPI_CYCLE_DAYS, (col(D(2026, 4, 1), D(2026, 4, 2)), col(D(2026, 4, 5), D(2026, 4, 12)),
                      None, "中央値"),
     (col(D(2026, 4, 1), D(2026, 4, 2)), col(D(2026, 4, 5), D(2026, 4, 12)), None, "median")),
    (KPI_CYCLE_DAYS, (col(D(2026, 4, 1)), col(D(2026, 4, 5)), None, "件数"),
     (col(D(2026, 4, 1)), col(D(2026, 4, 5)), None, "count")),
    (KPI_CONVERSION, ([["情報収集日", "提案日"], [D(2026, 4, 1), D(2026, 4, 5)]], "情報収集",
                      "提案", "2026-04", None, "期間"),
     ([["情報収集日", "提案日"], [D(2026, 4, 1), D(2026, 4, 5)]], "hearing", "proposal",
      "2026-04", None, "period")),
    (KPI_CHURN_RATE, (col("A", "B"), col(D(2026, 1, 15), D(2026, 3, 1)), "2026年4月", None,
                      "３", "期中を含む"),
     (col("A", "B"), col(D(2026, 1, 15), D(2026, 3, 1)), "2026-04", None, 3, "inclusive")),
    (KPI_NRR, (col("A", "A"), col(D(2025, 4, 3), D(2026, 4, 3)), col("100", "１２０"),
               "令和8年4月", None, "前年同期"),
     (col("A", "A"), col(D(2025, 4, 3), D(2026, 4, 3)), col(100, 120), "2026-04", None,
      "year_over_year")),
    (KPI_BUSINESS_DAYS, (D(2026, 5, 1), D(2026, 5, 31), None, "祝日なし"),
     (D(2026, 5, 1), D(2026, 5, 31), None, "none")),
    (KPI_FUNNEL, (OPP_JA, "期間", "2026年度上期"), (OPP_JA, "period", "FY2026H1")),
]


@pytest.mark.parametrize(("f", "ja", "en"), OPTION_WORDS)
def test_japanese_option_words_are_accepted_wherever_english_ones_are(f, ja, en):
    got, expected = f(*ja), f(*en)
    assert not isinstance(expected, str)  # a value, not an error
    assert got == (pytest.approx(expected) if isinstance(expected, float) else expected)
