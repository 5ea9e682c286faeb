"""The Settings sheet: values read as typed, bad values a located problem naming the setting as
the sheet shows it (never IndexError, never a Python message, never silence)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi_xl.errors import ConfigError, ValidationError
from kpi_xl.settings import Settings
from kpi_xl.validate import validate

REPS = pd.DataFrame({"担当者": ["山田 太郎"]})


def settings(rows: list[tuple[object, object]], ja: bool = True) -> pd.DataFrame:
    head = ("設定項目", "値") if ja else ("Setting", "Value")
    return pd.DataFrame({head[0]: [k for k, _ in rows],
                         head[1]: pd.Series([v for _, v in rows], dtype=object)})


def read(rows, ja: bool = True) -> Settings:
    return validate({"reps": REPS, "settings": settings(rows, ja)}).settings


def problem(rows, ja: bool = True):
    with pytest.raises(ValidationError) as exc:
        validate({"reps": REPS, "settings": settings(rows, ja)})
    (p,) = exc.value.problems
    return p


@pytest.mark.parametrize(("value", "month"), [
    (4, 4), (4.0, 4), ("4", 4), ("４", 4), ("4月", 4), ("４月", 4), (" 10 ", 10), (1, 1), (12, 12),
])
def test_the_first_month_is_read_as_typed(value, month):
    assert read([("期首月", value)]).fiscal_year_start == month


@pytest.mark.parametrize("value", [13, 0, -1, 4.5, "4.5", "April", "13月", True])
def test_a_first_month_outside_1_to_12_is_a_located_problem(value):
    p = problem([("言語", "ja"), ("期首月", value)])
    assert (p.table, p.row, p.column) == ("設定", 3, "値")
    assert p.problem == "「期首月」は1〜12の月で入力してください"
    assert p.hint == "例: 4（4月始まりの場合）"


def test_an_english_sheet_names_the_setting_as_written_there():
    p = problem([("fiscal_year_start", 13)], ja=False)
    assert (p.table, p.row, p.column) == ("Settings", 2, "Value")
    assert p.problem == "'fiscal_year_start' must be a month number 1–12"


@pytest.mark.parametrize("value", [",", "、", "提案", " , ,"])
def test_fewer_than_two_stages_is_a_problem_not_an_index_error(value):
    p = problem([("ステージ", value)])
    assert p.problem == "「ステージ」にはステージが2つ以上必要です（最後が受注）"


def test_a_stage_named_twice_is_a_problem():
    p = problem([("ステージ", "アプローチ、提案、提案中、受注")])
    assert p.problem == "「ステージ」に同じステージが2回あります（提案）"  # a label, not a key


def test_stages_and_opportunity_stage_are_read_from_japanese_names():
    st = read([("ステージ", "アプローチ、ヒアリング、提案、受注"), ("商談化ステージ", "提案")])
    assert st.stages == ("approach", "hearing", "proposal", "won")
    assert st.opportunity_stage == "proposal"


def test_an_opportunity_stage_that_is_not_a_stage_lists_the_stages():
    p = problem([("商談化ステージ", "納品")])
    assert p.problem == "「商談化ステージ」の値がステージにありません"
    assert p.hint == "選べる値: アプローチ / 情報収集 / 提案 / クロージング"


@pytest.mark.parametrize(("key", "value", "field", "expected"), [
    ("離反判定月数", "3か月", "churn_inactive_months", 3),
    ("離反判定月数", 6, "churn_inactive_months", 6),
    ("転換期限日数", "30日", "conversion_window_days", 30),
    ("注意減少率", "30%", "at_risk_drop", 0.3),
    ("注意減少率", 0.5, "at_risk_drop", 0.5),
    ("注意間隔倍率", "2.5倍", "at_risk_interval_factor", 2.5),
    ("受注率の定義", "全件", "win_rate_definition", "all"),
    ("受注率の定義", "CLOSED", "win_rate_definition", "closed"),
    ("離反率の定義", "期首稼働", "churn_definition", "active_at_start"),
    ("言語", "英語", "locale", "en"),
    ("独自休日", "2026/12/29、R8.12.30", "custom_holidays",
     (dt.date(2026, 12, 29), dt.date(2026, 12, 30))),
    ("活動種別", "TEL, 往訪, 面談, メール", "activity_types",
     ("call", "visit", "meeting", "email")),
])
def test_settings_are_read_as_typed(key, value, field, expected):
    assert getattr(read([(key, value)]), field) == expected


@pytest.mark.parametrize(("key", "value", "message"), [
    ("離反判定月数", 0, "「離反判定月数」は1以上の整数で入力してください"),
    ("離反判定月数", "1.5", "「離反判定月数」は1以上の整数で入力してください"),
    ("注意減少率", "150%", "「注意減少率」は0より大きく1以下で入力してください"),
    ("注意減少率", "inf", "「注意減少率」は数値で入力してください"),
    ("注意間隔倍率", "a lot", "「注意間隔倍率」は数値で入力してください"),
    ("受注率の定義", "sometimes", "「受注率の定義」に使える値ではありません"),
    ("言語", "fr", "「言語」に使える値ではありません"),
    ("独自休日", "2026/12/29、年末", "「独自休日」に日付として読めない値があります（年末）"),
    ("活動種別", "、", "「活動種別」に活動種別が1つもありません"),
])
def test_bad_setting_values_are_located_problems_in_japanese(key, value, message):
    p = problem([(key, value)])
    assert (p.row, p.column, p.problem) == (2, "値", message)
    assert "could not convert" not in p.problem and "Error" not in p.problem


def test_one_setting_given_twice_with_different_values_is_a_problem():
    p = problem([("期首月", 4), ("fiscal_year_start", 1)])
    assert (p.row, p.problem) == (
        3, "「fiscal_year_start」が2回、別の値で設定されています（2行目も参照）")


def test_an_unknown_setting_suggests_the_sheet_key():
    p = problem([("受注率の定議", "all")])
    assert (p.row, p.column, p.problem) == (2, "設定項目", "設定項目として読めません")
    assert p.hint == "「受注率の定義」のことですか?"


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"fiscal_year_start": "4"}, "fiscal_year_start"),
    ({"fiscal_year_start": 4.5}, "fiscal_year_start"),
    ({"fiscal_year_start": True}, "fiscal_year_start"),
    ({"churn_inactive_months": 2.0}, "churn_inactive_months"),
    ({"conversion_window_days": 0}, "conversion_window_days"),
    ({"at_risk_drop": float("nan")}, "at_risk_drop"),
    ({"stages": ","}, "stages"),
    ({"stages": ["a", "b"]}, "stages"),
    ({"activity_types": ("call", "")}, "activity_types"),
])
def test_settings_built_in_python_name_the_field_of_a_wrong_type(kwargs, name):
    with pytest.raises(ConfigError, match=f"Settings.{name} must be"):
        Settings(**kwargs)


@pytest.mark.parametrize("value", [13, 0, -1])
def test_settings_built_in_python_refuse_a_month_outside_1_to_12(value):
    with pytest.raises(ConfigError, match="fiscal_year_start must be a month 1-12"):
        Settings(fiscal_year_start=value)


# --------------------------------------------------------------------------- issue 13 settings


@pytest.mark.parametrize(("key", "value", "name", "expected"), [
    ("金額単位", "万円", "amount_unit", "ten_thousand"),
    ("金額単位", "千円", "amount_unit", "thousand"),
    ("金額単位", "円", "amount_unit", "one"),
    ("金額単位", "百万円", "amount_unit", "million"),
    ("金額単位", "自動", "amount_unit", "auto"),
    ("滞留判定倍率", "3倍", "stall_factor", 3.0),
    ("滞留判定倍率", "1.5", "stall_factor", 1.5),
    ("受注確度", "提案:40%、クロージング 70%", "stage_probabilities",
     (("proposal", 0.4), ("closing", 0.7))),
    ("ステージ別受注確度", "hearing=0.1; proposal=0.3", "stage_probabilities",
     (("hearing", 0.1), ("proposal", 0.3))),
])
def test_dashboard_settings_are_read_as_typed(key, value, name, expected):
    assert getattr(read([(key, value)]), name) == expected


def test_english_keys_for_the_dashboard_settings():
    s = read([("amount_unit", "thousand"), ("stall_factor", 2.5),
              ("stage_probabilities", "closing:60%")], ja=False)
    assert (s.amount_unit, s.stall_factor, s.stage_probabilities) == (
        "thousand", 2.5, (("closing", 0.6),))


@pytest.mark.parametrize(("key", "value", "message"), [
    ("金額単位", "兆円", "「金額単位」に使える値ではありません"),
    ("滞留判定倍率", "0", "「滞留判定倍率」は0より大きく100以下で入力してください"),
    ("滞留判定倍率", "多め", "「滞留判定倍率」は数値で入力してください"),
    ("受注確度", "受注:100%", "「受注確度」は「ステージ:確率」をカンマ区切りで入力してください"
                           "（読めない部分: 受注:100%）"),
    ("受注確度", "提案:140%", "「受注確度」は「ステージ:確率」をカンマ区切りで入力してください"
                           "（読めない部分: 提案:140%）"),
])
def test_bad_dashboard_settings_are_located_problems(key, value, message):
    p = problem([("言語", "ja"), (key, value)])
    assert (p.table, p.row, p.column) == ("設定", 3, "値")
    assert p.problem == message
