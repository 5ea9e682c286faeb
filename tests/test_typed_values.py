"""A corpus of values typed the way Japanese offices type them (dates, months, amounts, counts,
flags, statuses, stages, activity types, names), each with its expected parse or its expected
located message in Japanese and in English.

Every value goes through :func:`kpi_xl.validate.validate` in a one-column-varies table, so the
parse is the one a real book gets and every message names its row and column."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi_xl.errors import ValidationError
from kpi_xl.validate import validate

T = pd.Timestamp

# --------------------------------------------------------------------------- dates

DATES_OK = [
    ("2026-04-01", "2026-04-01"), ("2026/4/1", "2026-04-01"), ("2026.4.1", "2026-04-01"),
    ("2026年4月1日", "2026-04-01"), ("２０２６年４月１日", "2026-04-01"),
    ("２０２６／４／１", "2026-04-01"), ("20260401", "2026-04-01"), (20260401, "2026-04-01"),
    ("2026-04-01T09:30:00", "2026-04-01"), ("2026-04-01T09:30:00+09:00", "2026-04-01"),
    ("2026/4/1 9:30", "2026-04-01"), ("2026/4/1 18:05:59", "2026-04-01"),
    ("2026年4月1日 9:30", "2026-04-01"), ("2026年4月1日 午後3時", "2026-04-01"),
    (46113, "2026-04-01"), (46113.75, "2026-04-01"), ("46113", "2026-04-01"),
    (dt.date(2026, 4, 1), "2026-04-01"), (dt.datetime(2026, 4, 1, 23, 59), "2026-04-01"),
    (pd.Timestamp("2026-04-01 08:00"), "2026-04-01"),
    ("令和8年10月1日", "2026-10-01"), ("令和８年１０月１日", "2026-10-01"),
    ("令和元年5月1日", "2019-05-01"), ("令和1年5月1日", "2019-05-01"),
    ("R8.10.1", "2026-10-01"), ("R8/10/1", "2026-10-01"), ("r8.10.1", "2026-10-01"),
    ("R08.10.01", "2026-10-01"), ("Ｒ８．１０．１", "2026-10-01"), ("㋿8.10.1", "2026-10-01"),
    ("R1.5.1", "2019-05-01"), ("H31.4.30", "2019-04-30"), ("平成31年4月30日", "2019-04-30"),
    ("H30.12.31", "2018-12-31"), ("平成元年1月8日", "1989-01-08"), ("H1.1.8", "1989-01-08"),
    ("㍻31.4.30", "2019-04-30"), ("S64.1.7", "1989-01-07"), ("昭和64年1月7日", "1989-01-07"),
    ("昭和50年4月1日", "1975-04-01"), ("S50.4.1", "1975-04-01"), ("大正15年12月24日", "1926-12-24"),
    ("昭和元年12月25日", "1926-12-25"), ("明治45年7月29日", "1912-07-29"),
    ("令和 8年 10月 1日", "2026-10-01"),
    ("2026/10/1(木)", "2026-10-01"), ("2026/10/1（木）", "2026-10-01"),
    ("2026/10/1 (木)", "2026-10-01"), ("2026/10/1(木曜日)", "2026-10-01"),
    ("2026/10/1 木曜日", "2026-10-01"), ("2026年10月1日(木)", "2026-10-01"),
    ("2026年10月1日（木）", "2026-10-01"), ("R8.10.1(木)", "2026-10-01"),
    ("2026/10/1 (Thu)", "2026-10-01"), ("2026-10-01 Thursday", "2026-10-01"),
    ("26/10/1", "2026-10-01"), ("26/4/1", "2026-04-01"), ("29/12/31", "2029-12-31"),
    ("30/1/1", "1930-01-01"), ("99/12/31", "1999-12-31"), ("26年10月1日", "2026-10-01"),
    ("2024/2/29", "2024-02-29"), ("2000/2/29", "2000-02-29"), ("1900/1/1", "1900-01-01"),
    ("2200/12/31", "2200-12-31"),
]

# value → (Japanese problem, English problem)
DATES_BAD = [
    ("2026/2/29", "存在しない日付です（2026年2月は28日までです）",
     "no such date (2026-02 has 28 days)"),
    ("2026/10/32", "存在しない日付です（2026年10月は31日までです）",
     "no such date (2026-10 has 31 days)"),
    ("2026/4/31", "存在しない日付です（2026年4月は30日までです）",
     "no such date (2026-04 has 30 days)"),
    ("1900/2/29", "存在しない日付です（1900年2月は28日までです）",
     "no such date (1900-02 has 28 days)"),
    ("2026-13-01", "月が1〜12の範囲にありません（13月）", "the month must be 1–12 (not 13)"),
    ("2026/0/10", "月が1〜12の範囲にありません（0月）", "the month must be 1–12 (not 0)"),
    ("9999-12-31", "日付が範囲外です（1900〜2200年）", "date out of range (1900–2200)"),
    ("2300/1/1", "日付が範囲外です（1900〜2200年）", "date out of range (1900–2200)"),
    ("1899/12/31", "日付が範囲外です（1900〜2200年）", "date out of range (1900–2200)"),
    (2958465, "日付が範囲外です（1900〜2200年）", "date out of range (1900–2200)"),
    (150000, "日付が範囲外です（1900〜2200年）", "date out of range (1900–2200)"),
    ("150000", "日付が範囲外です（1900〜2200年）", "date out of range (1900–2200)"),
    (dt.datetime(9999, 12, 31), "日付が範囲外です（1900〜2200年）",
     "date out of range (1900–2200)"),
    (-3, "日付が範囲外です（1900〜2200年）", "date out of range (1900–2200)"),
    (float("inf"), "日付が範囲外です（1900〜2200年）", "date out of range (1900–2200)"),
    (60, "日付として読めません", "not a valid date"),
    (9999, "日付として読めません", "not a valid date"),
    ("365", "日付として読めません", "not a valid date"),
    ("平成31年5月1日", "元号と日付が合いません（その日は令和元年5月1日です）",
     "the era does not match the date (that day is 令和元年5月1日)"),
    ("H31.5.1", "元号と日付が合いません（その日は令和元年5月1日です）",
     "the era does not match the date (that day is 令和元年5月1日)"),
    ("S64.1.8", "元号と日付が合いません（その日は平成元年1月8日です）",
     "the era does not match the date (that day is 平成元年1月8日)"),
    ("H1.1.7", "元号と日付が合いません（その日は昭和64年1月7日です）",
     "the era does not match the date (that day is 昭和64年1月7日)"),
    ("R1.4.30", "元号と日付が合いません（その日は平成31年4月30日です）",
     "the era does not match the date (that day is 平成31年4月30日)"),
    ("平成35年1月1日", "元号と日付が合いません（その日は令和5年1月1日です）",
     "the era does not match the date (that day is 令和5年1月1日)"),
    ("2026/10/1(水)", "曜日が日付と合いません（2026-10-01は木曜日です）",
     "the weekday does not match the date (2026-10-01 is a Thursday)"),
    ("2026/10/2（木）", "曜日が日付と合いません（2026-10-02は金曜日です）",
     "the weekday does not match the date (2026-10-02 is a Friday)"),
    ("10月1日", "年のない日付です", "date without a year"),
    ("10/1", "年のない日付です", "date without a year"),
    ("2026/10", "日のない年月です（この列は日付の列です）",
     "month without a day (this column holds dates)"),
    ("2026", "年だけでは日付になりません", "a year alone is not a date"),
    (2026, "年だけでは日付になりません", "a year alone is not a date"),
    ("令和8年", "年だけでは日付になりません", "a year alone is not a date"),
    ("#N/A", "Excelのエラー値です", "an Excel error value"),
    ("soon", "日付として読めません", "not a valid date"),
    ("4月2日頃", "日付として読めません", "not a valid date"),
    ("10/1/2026", "日付として読めません", "not a valid date"),
    ("元年5月1日", "日付として読めません", "not a valid date"),
    (True, "日付として読めません", "not a valid date"),
    (dt.time(9, 30), "日付として読めません", "not a valid date"),
]

# --------------------------------------------------------------------------- months (目標 月)

MONTHS_OK = [
    ("2026-10", "2026-10-01"), ("2026/10", "2026-10-01"), ("2026年10月", "2026-10-01"),
    ("2026年10月度", "2026-10-01"), ("R8.10", "2026-10-01"), ("令和8年10月", "2026-10-01"),
    ("令和8年10月度", "2026-10-01"), ("202610", "2026-10-01"), ("2026-10-17", "2026-10-01"),
    (46296, "2026-10-01"), ("26/10", "2026-10-01"), ("H31.4", "2019-04-01"),
    ("S64.1", "1989-01-01"), ("２０２６年１０月", "2026-10-01"),
]
MONTHS_BAD = [
    ("R1.4", "元号と日付が合いません（その日は平成31年4月1日です）",
     "the era does not match the date (that day is 平成31年4月1日)"),
    ("2026/13", "月が1〜12の範囲にありません（13月）", "the month must be 1–12 (not 13)"),
    ("10月", "年のない日付です", "date without a year"),
    ("next month", "日付として読めません", "not a valid date"),
]

# --------------------------------------------------------------------------- amounts (商談 金額)

AMOUNTS_OK = [
    (1200000, 1200000), (1200000.5, 1200000.5), ("1200000", 1200000), ("1,200,000", 1200000),
    ("¥1,200,000", 1200000), ("￥1,200,000", 1200000), ("￥１，２００，０００", 1200000),
    ("１２００００", 120000), ("1,200,000円", 1200000), ("1200000円", 1200000),
    ("\\1,200,000", 1200000), ("JPY 5,000", 5000), ("5,000 JPY", 5000), ("$2,500.50", 2500.5),
    ("120万円", 1200000), ("120万", 1200000), ("１２０万円", 1200000), ("12.5万円", 125000),
    ("1,500千円", 1500000), ("1500千円", 1500000), ("1.2百万円", 1200000),
    ("3億円", 300000000), ("1億2,000万円", 120000000), ("1億2000万", 120000000),
    ("1万5千円", 15000), ("△1,000", -1000), ("▲1,000", -1000), ("▲¥1,000", -1000),
    ("(1,000)", -1000), ("（１，０００）", -1000), ("(¥1,000)", -1000), ("1,000-", -1000),
    ("-1,000", -1000), ("−1,000", -1000), ("－１，０００", -1000), ("¥-1,000", -1000),
    ("-¥1,000", -1000), ("△120万円", -1200000), ("+500", 500), ("1 200 000", 1200000),
    ("1.2E+06", 1200000), ("0", 0), (" 12 ", 12), ("1,234.56", 1234.56), (".5", 0.5),
]
AMOUNTS_BAD = [
    ("12,00,000", "桁区切りのカンマの位置が正しくありません",
     "thousands separators in the wrong places"),
    ("1.200.000", "桁区切りのカンマの位置が正しくありません",
     "thousands separators in the wrong places"),
    ("1,20", "桁区切りのカンマの位置が正しくありません",
     "thousands separators in the wrong places"),
    ("1,2000,000", "桁区切りのカンマの位置が正しくありません",
     "thousands separators in the wrong places"),
    ("¥12,00,000", "桁区切りのカンマの位置が正しくありません",
     "thousands separators in the wrong places"),
    ("inf", "有限の数値ではありません", "not a finite number"),
    ("-inf", "有限の数値ではありません", "not a finite number"),
    ("Infinity", "有限の数値ではありません", "not a finite number"),
    ("1e400", "有限の数値ではありません", "not a finite number"),
    ("NaN", "有限の数値ではありません", "not a finite number"),
    (float("inf"), "有限の数値ではありません", "not a finite number"),
    ("5件", "この列では使えない単位です（件）", "a unit this column does not take (件)"),
    ("30%", "この列では使えない単位です（%）", "a unit this column does not take (%)"),
    ("ten", "数値として読めません", "not a valid number"),
    ("約100万円", "数値として読めません", "not a valid number"),
    ("100万円～", "数値として読めません", "not a valid number"),
    ("1 2", "数値として読めません", "not a valid number"),
    ("#VALUE!", "Excelのエラー値です", "an Excel error value"),
    (True, "数値として読めません", "not a valid number"),
    (dt.date(2026, 4, 1), "数値として読めません", "not a valid number"),
]

# --------------------------------------------------------------------------- counts (受注 数量)

COUNTS_OK = [("2件", 2), ("3社", 3), ("5回", 5), ("4人", 4), ("3名", 3), ("2個", 2),
             ("1台", 1), ("１２件", 12), ("1,200件", 1200), ("3か所", 3), ("7", 7), (8, 8)]
COUNTS_BAD = [
    ("¥5", "この列では使えない単位です（¥ / 円）", "a unit this column does not take (¥ / 円)"),
    ("5円", "この列では使えない単位です（¥ / 円）", "a unit this column does not take (¥ / 円)"),
    ("a few", "数値として読めません", "not a valid number"),
    ("1,00件", "桁区切りのカンマの位置が正しくありません",
     "thousands separators in the wrong places"),
]

# --------------------------------------------------------------------------- flags (担当者 在籍)

FLAGS_OK = [
    ("TRUE", True), ("true", True), ("FALSE", False), ("false", False), (True, True),
    (False, False), (1, True), (0, False), ("1", True), ("0", False), ("yes", True),
    ("no", False), ("Y", True), ("N", False), ("○", True), ("〇", True), ("◯", True),
    ("●", True), ("◎", True), ("✓", True), ("✔", True), ("レ", True), ("×", False),
    ("✕", False), ("有", True), ("無", False), ("あり", True), ("なし", False),
    ("有効", True), ("無効", False), ("はい", True), ("いいえ", False), ("在籍", True),
    ("在籍中", True), ("退職", False), ("休職", False), ("-", False), ("ＴＲＵＥ", True),
    (None, True),
]
FLAGS_BAD = [
    ("x", "はい/いいえとして読めません", "not a yes/no value"),
    ("maybe", "はい/いいえとして読めません", "not a yes/no value"),
    (2, "はい/いいえとして読めません", "not a yes/no value"),
    ("△", "はい/いいえとして読めません", "not a yes/no value"),
]

# --------------------------------------------------------------------------- statuses (商談 状態)

STATUS_OK = [
    ("受注", "won"), ("受注済", "won"), ("受注済み", "won"), ("成約", "won"), ("成約済み", "won"),
    ("契約済", "won"), ("Won", "won"), ("closed won", "won"), ("WON", "won"),
    ("失注", "lost"), ("見送り", "lost"), ("見送", "lost"), ("不成立", "lost"), ("辞退", "lost"),
    ("他社決定", "lost"), ("Lost", "lost"), ("Closed Lost", "lost"),
    ("進行中", "open"), ("商談中", "open"), ("対応中", "open"), ("検討中", "open"),
    ("open", "open"), ("提案中", "open"), ("ヒアリング", "open"), ("クロージング", "open"),
    ("受注 済み", "won"), ("受注　済み", "won"),
]
STATUS_BAD = [
    ("保留", "状態として読めません", "unknown status"),
    ("pending", "状態として読めません", "unknown status"),
    ("受註", "状態として読めません", "unknown status"),
]

# --------------------------------------------------------------------------- stages (商談 ステージ)

STAGES_OK = [
    ("アプローチ", "approach"), ("アプローチ中", "approach"), ("初回接触", "approach"),
    ("ヒアリング", "hearing"), ("ヒアリング中", "hearing"), ("情報収集", "hearing"),
    ("提案", "proposal"), ("提案中", "proposal"), ("提案済み", "proposal"),
    ("見積提示", "proposal"), ("クロージング", "closing"), ("クロージング中", "closing"),
    ("交渉中", "closing"), ("稟議中", "closing"), ("Proposal", "proposal"),
    ("NEGOTIATION", "closing"), ("ｸﾛｰｼﾞﾝｸﾞ", "closing"), ("受注", "won"),
]
STAGES_BAD = [
    ("検討", "ステージとして読めません", "unknown stage"),
    ("Propsal", "ステージとして読めません", "unknown stage"),
]

# --------------------------------------------------------------------------- activity types

ACTIVITY_OK = [
    ("電話", "call"), ("TEL", "call"), ("ＴＥＬ", "call"), ("tel", "call"), ("Tel", "call"),
    ("架電", "call"), ("テレアポ", "call"), ("コール", "call"), ("Call", "call"),
    ("訪問", "visit"), ("往訪", "visit"), ("客先訪問", "visit"), ("Visit", "visit"),
    ("打合せ", "meeting"), ("打ち合わせ", "meeting"), ("面談", "meeting"), ("来社", "meeting"),
    ("Web会議", "meeting"), ("ＷＥＢ会議", "meeting"), ("オンライン商談", "meeting"),
    ("メール", "email"), ("Eメール", "email"), ("e-mail", "email"), ("ｍａｉｌ", "email"),
    ("提案", "proposal"), ("提案書提出", "proposal"), ("見積提出", "proposal"),
    ("プレゼン", "proposal"), (" 電話 ", "call"),
]
ACTIVITY_BAD = [
    ("訪門", "活動種別として読めません", "unknown activity type"),
    ("FAX", "活動種別として読めません", "unknown activity type"),
    ("DM", "活動種別として読めません", "unknown activity type"),
]

# --------------------------------------------------------------------------- the tables


def _reps(locale: str, n: int = 1, flags: list | None = None) -> pd.DataFrame:
    names = ["山田 太郎"] + [f"担当{i}" for i in range(1, n)]
    head = ("担当者", "在籍") if locale == "ja" else ("Rep", "Active")
    out = pd.DataFrame({head[0]: names})
    if flags is not None:
        out[head[1]] = pd.Series(flags, dtype=object)
    return out


def _opps(locale: str, n: int, **cols: list) -> pd.DataFrame:
    ja = locale == "ja"
    base = {"id": [f"O{i}" for i in range(n)], "rep": ["山田 太郎"] * n,
            "created": ["2026-04-01"] * n, "status": ["進行中" if ja else "open"] * n,
            "close": ["2026-04-20"] * n}
    base.update(cols)
    names = {"id": ("商談ID", "Opportunity ID"), "rep": ("担当者", "Rep"),
             "created": ("作成日", "Created"), "status": ("状態", "Status"),
             "close": ("完了日", "Close date"), "amount": ("金額", "Amount"),
             "stage": ("ステージ", "Stage")}
    return pd.DataFrame({names[k][0 if ja else 1]: pd.Series(v, dtype=object)
                         for k, v in base.items()})


def _tables(kind: str, values: list, locale: str) -> tuple[dict, str]:
    """(tables for validate, header of the column under test)."""
    n = len(values)
    ja = locale == "ja"
    if kind == "date":
        return {"reps": _reps(locale), "opportunities": _opps(locale, n, created=values,
                                                               close=[None] * n)}, \
            "作成日" if ja else "Created"
    if kind == "amount":
        return {"reps": _reps(locale), "opportunities": _opps(locale, n, amount=values)}, \
            "金額" if ja else "Amount"
    if kind == "value":  # 外部要因 値: negative values are data there
        head = ("日付", "要因", "値") if ja else ("Date", "Factor", "Value")
        return {"external": pd.DataFrame({head[0]: ["2026-04-01"] * n,
                                          head[1]: [f"要因{i}" for i in range(n)],
                                          head[2]: pd.Series(values, dtype=object)})}, head[2]
    if kind == "status":
        return {"reps": _reps(locale), "opportunities": _opps(locale, n, status=values)}, \
            "状態" if ja else "Status"
    if kind == "stage":
        return {"reps": _reps(locale), "opportunities": _opps(locale, n, stage=values)}, \
            "ステージ" if ja else "Stage"
    if kind == "month":
        head = ("担当者", "月", "指標", "目標") if ja else ("Rep", "Month", "Metric", "Target")
        reps = _reps(locale, n)  # one rep per row: equal months never collide
        return {"reps": reps, "targets": pd.DataFrame({
            head[0]: reps.iloc[:, 0], head[1]: pd.Series(values, dtype=object),
            head[2]: ["売上" if ja else "Revenue"] * n, head[3]: [100] * n})}, head[1]
    if kind == "count":
        head = ("日付", "顧客ID", "金額", "数量") if ja else ("Date", "Customer ID", "Amount",
                                                          "Quantity")
        return {"orders": pd.DataFrame({head[0]: ["2026-04-01"] * n, head[1]: ["C1"] * n,
                                        head[2]: [1000] * n,
                                        head[3]: pd.Series(values, dtype=object)})}, head[3]
    if kind == "flag":
        return {"reps": _reps(locale, n, flags=values)}, "在籍" if ja else "Active"
    if kind == "activity":
        head = ("日付", "担当者", "活動種別") if ja else ("Date", "Rep", "Activity type")
        return {"reps": _reps(locale), "activities": pd.DataFrame({
            head[0]: ["2026-04-01"] * n, head[1]: ["山田 太郎"] * n,
            head[2]: pd.Series(values, dtype=object)})}, head[2]
    raise AssertionError(kind)


def _column(kind: str) -> tuple[str, str]:
    return {"date": ("opportunities", "created_date"), "amount": ("opportunities", "amount"),
            "status": ("opportunities", "status"), "stage": ("opportunities", "stage"),
            "month": ("targets", "period"), "count": ("orders", "quantity"),
            "flag": ("reps", "active"), "activity": ("activities", "type"),
            "value": ("external", "value")}[kind]


def _parsed(kind: str, values: list) -> list:
    tables, _ = _tables(kind, values, "ja")
    ds = validate(tables)
    table, column = _column(kind)
    return ds.table(table)[column].tolist()


def _problems(kind: str, values: list, locale: str) -> dict[int, object]:
    tables, header = _tables(kind, values, locale)
    with pytest.raises(ValidationError) as exc:
        validate(tables)
    return {p.row: p for p in exc.value.problems if p.column == header}


def _check_bad(kind: str, cases: list) -> None:
    values = [c[0] for c in cases]
    for locale, k in (("ja", 1), ("en", 2)):
        got = _problems(kind, values, locale)
        for i, case in enumerate(cases):
            p = got.get(i + 2)
            assert p is not None, (locale, case[0], "no problem on its row")
            assert p.problem == case[k], (locale, case[0], p.problem)
            assert p.hint, (locale, case[0])
            assert p.locale == locale
        assert len(got) == len(cases), (locale, sorted(got))


@pytest.mark.parametrize(("kind", "cases"), [
    ("date", DATES_OK), ("month", MONTHS_OK), ("value", AMOUNTS_OK), ("count", COUNTS_OK),
    ("flag", FLAGS_OK), ("status", STATUS_OK), ("stage", STAGES_OK),
    ("activity", ACTIVITY_OK)])
def test_typed_values_parse_to_what_the_office_meant(kind, cases):
    got = _parsed(kind, [c[0] for c in cases])
    for (value, want), have in zip(cases, got, strict=True):
        if kind in ("date", "month"):
            want = T(want)
        if kind == "stage" and want == "won":
            want = "won"
        assert have == want, (value, have, want)


@pytest.mark.parametrize(("kind", "cases"), [
    ("date", DATES_BAD), ("month", MONTHS_BAD), ("amount", AMOUNTS_BAD), ("count", COUNTS_BAD),
    ("flag", FLAGS_BAD), ("status", STATUS_BAD), ("stage", STAGES_BAD),
    ("activity", ACTIVITY_BAD)])
def test_unreadable_values_are_located_problems_in_both_languages(kind, cases):
    _check_bad(kind, cases)


def test_the_corpus_has_at_least_200_values():
    n = sum(map(len, (DATES_OK, DATES_BAD, MONTHS_OK, MONTHS_BAD, AMOUNTS_OK, AMOUNTS_BAD,
                      COUNTS_OK, COUNTS_BAD, FLAGS_OK, FLAGS_BAD, STATUS_OK, STATUS_BAD,
                      STAGES_OK, STAGES_BAD, ACTIVITY_OK, ACTIVITY_BAD, NAMES)))
    assert n >= 200, n


# --------------------------------------------------------------------------- whole lines

@pytest.mark.parametrize(("locale", "value", "line"), [
    ("ja", "12,00,000", "商談シート 2行目 〔金額〕: 桁区切りのカンマの位置が正しくありません（値: "
                        "12,00,000）— 3桁ごとにカンマを入れるか、カンマなしで入力してください"
                        "（例: 1,200,000 / 1200000）"),
    ("en", "12,00,000", "Opportunities, row 2, column 'Amount': thousands separators in the "
                        "wrong places (value: '12,00,000') — put a comma every three digits or "
                        "none, e.g. 1,200,000 or 1200000"),
    ("ja", "ten", "商談シート 2行目 〔金額〕: 数値として読めません（値: ten）— 例: 1200000 / "
                  "¥1,200,000 / 120万円"),
    ("en", "ten", "Opportunities, row 2, column 'Amount': not a valid number (value: 'ten') — "
                  "write a number such as 1200000, ¥1,200,000 or 120万円"),
])
def test_a_problem_reads_as_one_located_line(locale, value, line):
    (p,) = _problems("amount", [value], locale).values()
    assert p.format() == line


@pytest.mark.parametrize(("locale", "line"), [
    ("ja", "商談シート 2行目 〔作成日〕: 元号と日付が合いません（その日は令和元年5月1日です）（値: "
           "平成31年5月1日）— 令和元年5月1日 または 2019-05-01 と入力してください"),
    ("en", "Opportunities, row 2, column 'Created': the era does not match the date (that day "
           "is 令和元年5月1日) (value: '平成31年5月1日') — write 令和元年5月1日 or 2019-05-01"),
])
def test_an_era_date_outside_its_era_suggests_the_right_one(locale, line):
    (p,) = _problems("date", ["平成31年5月1日"], locale).values()
    assert p.format() == line


def test_a_date_without_a_year_is_refused_with_the_usual_year_of_the_column():
    (p,) = [p for p in _problems("date", ["2025/4/1", "2025/5/1", "10月1日"], "ja").values()]
    assert p.row == 4 and p.hint == "年から入力してください（例: 2025/10/1）"


# --------------------------------------------------------------------------- names

NAMES = [  # rep as typed in 商談 → the 担当者 table's spelling
    ("山田 太郎", "山田 太郎"), ("山田　太郎", "山田 太郎"), ("山田太郎", "山田 太郎"),
    (" 山田 太郎 ", "山田 太郎"), ("山田  太郎", "山田 太郎"), ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),
    ("ヤマダタロウ", "ヤマダ タロウ"), ("Ｅｍｉｌｙ　Ｃａｒｔｅｒ", "Emily Carter"),
    ("emily carter", "Emily Carter"), ("EMILY CARTER", "Emily Carter"),
    ("小林\u3000直美", "小林 直美"), ("小林直美\u200b", "小林 直美"), ("小林 直美\t", "小林 直美"),
]


def test_rep_names_match_after_width_case_and_space_folding():
    reps = pd.DataFrame({"担当者": ["山田 太郎", "ヤマダ タロウ", "Emily Carter", "小林 直美"]})
    n = len(NAMES)
    opps = _opps("ja", n, rep=[v for v, _ in NAMES])
    ds = validate({"reps": reps, "opportunities": opps})
    assert ds.opportunities["rep"].tolist() == [want for _, want in NAMES]
    assert sorted(ds.reps["rep"]) == sorted(reps["担当者"])
