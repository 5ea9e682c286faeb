"""validate/load as an API: wrong arguments, the reader's RawTable contract, the book's
language, and random cells (a KpiXlError or a Dataset, nothing else)."""

from __future__ import annotations

import datetime as dt
import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_xl.dataset import Dataset, Exclusion, OutsideRows
from kpi_xl.errors import ConfigError, KpiXlError, Problem, ValidationError
from kpi_xl.read import RawTable
from kpi_xl.validate import load, validate

REPS = pd.DataFrame({"担当者": ["山田 太郎"]})


# --------------------------------------------------------------------------- API misuse


@pytest.mark.parametrize(("call", "match"), [
    (lambda: load(123), "source must be a workbook path"),
    (lambda: load({"orders": "str"}), r"source\['orders'\] must be a pandas DataFrame, not str"),
    (lambda: load(pd.Series([1])), "source must be a workbook path"),
    (lambda: validate([REPS]), "raw must be a dict of table name"),
    (lambda: validate({"reps": pd.Series(["a"])}),
     r"raw\['reps'\] must be a pandas DataFrame, not Series"),
    (lambda: validate({"reps": REPS}, settings="x"), "settings must be a kpi_xl.Settings"),
    (lambda: load({"reps": REPS}, settings={"fiscal_year_start": 4}),
     "settings must be a kpi_xl.Settings"),
])
def test_wrong_argument_types_raise_a_kpi_xl_error_naming_the_argument(call, match):
    with pytest.raises(ConfigError, match=match):
        call()


def test_an_unknown_table_name_is_a_kpi_xl_error():
    with pytest.raises(KpiXlError, match="bogus"):
        validate({"bogus": REPS})


def test_duplicate_column_names_in_a_frame_are_an_api_error_naming_table_and_column():
    # a DataFrame is the programmer's input (issue 12: API misuse names the argument); in a
    # sheet, a repeated header is a located problem (tests/test_read_layout.py)
    df = pd.DataFrame([["山田 太郎", "東京", "大阪"]], columns=["担当者", "チーム", "チーム"])
    with pytest.raises(ConfigError, match=r"'reps'.*'チーム'"):
        validate({"reps": df})


def test_column_labels_that_are_not_text_do_not_crash():
    with pytest.raises(ValidationError) as exc:
        validate({"reps": pd.DataFrame({0: ["a"], 1.5: ["b"]})})
    assert exc.value.problems[0].problem == "必須の列がありません"  # no known header: default ja


# --------------------------------------------------------------------------- RawTable contract


def _raw(name: str, frame: pd.DataFrame, **extra) -> RawTable:
    raw = RawTable(name, frame, extra.pop("origin", f"book.xlsx, sheet '{name}'"),
                   header_row=extra.pop("header_row", 1))
    for k, v in extra.items():
        setattr(raw, k, v)  # the fields the new reader adds (rows, exclusions, outside …)
    return raw


def test_row_numbers_exclusions_outside_rows_and_sheet_come_from_the_reader():
    frame = pd.DataFrame({"商談ID": ["O1", "O2", "O3"], "担当者": ["山田 太郎"] * 3,
                          "作成日": ["2026/4/1", "2026/4/2", "someday"],
                          "状態": ["進行中"] * 3})
    reader_problem = Problem("商談", 30, None, "stray", "表の外にある値です", "", locale="ja")
    raw = _raw("opportunities", frame, sheet="商談", rows=np.array([2, 3, 12]),
               exclusions=[Exclusion("opportunities", "total_row", (13,), "合計")],
               outside=[OutsideRows("opportunities", 12, 12, 1)], problems=[reader_problem])
    with pytest.raises(ValidationError) as exc:
        validate({"opportunities": raw, "reps": _raw("reps", REPS)})
    err = exc.value
    assert [(p.table, p.row, p.column) for p in err.problems] == [
        ("商談", 12, "作成日"), ("商談", 30, None)]
    assert err.exclusions == [Exclusion("opportunities", "total_row", (13,), "合計")]
    assert err.outside == [OutsideRows("opportunities", 12, 12, 1)]
    raw.frame.loc[2, "作成日"] = "2026/4/3"
    raw.problems = []
    ds = validate({"opportunities": raw, "reps": _raw("reps", REPS)})
    assert ds.exclusions == [Exclusion("opportunities", "total_row", (13,), "合計")]
    assert ds.outside_rows == [OutsideRows("opportunities", 12, 12, 1)]


def test_typed_categorical_and_string_columns_are_accepted():
    n = 4
    frame = pd.DataFrame({
        "商談ID": pd.Series(["O1", "O2", "O3", "O4"], dtype="string"),
        "担当者": pd.Series(["山田 太郎", "山田　太郎", "山田 太郎", None], dtype="category"),
        "作成日": pd.Series(pd.to_datetime(["2026-04-01", "2026-04-02", "2026-04-03",
                                           "2026-04-04"]).as_unit("ms")),
        "金額": pd.Series([1.0, 2.5, np.nan, 4.0], dtype="float64"),
        "状態": pd.Series(["受注", "進行中", "失注", "進行中"], dtype="category"),
        "完了日": pd.Series([dt.datetime(2026, 4, 9), None, dt.datetime(2026, 4, 10), None],
                          dtype=object),
    })
    frame.loc[3, "担当者"] = "山田 太郎"
    ds = validate({"opportunities": _raw("opportunities", frame), "reps": _raw("reps", REPS)})
    o = ds.opportunities
    assert len(o) == n and o["rep"].tolist() == ["山田 太郎"] * n
    assert o["status"].tolist() == ["won", "open", "lost", "open"]
    assert o["amount"].isna().tolist() == [False, False, True, False]
    assert o["created_date"].dtype == "datetime64[ns]"
    assert o["close_date"].iloc[2] == pd.Timestamp("2026-04-10")


def test_a_date_cell_beyond_pandas_range_is_a_located_problem_not_a_crash():
    frame = pd.DataFrame({"商談ID": ["O1"], "担当者": ["山田 太郎"],
                          "作成日": pd.Series(np.array(["9999-12-31"], dtype="datetime64[s]")),
                          "状態": ["進行中"]})
    with pytest.raises(ValidationError) as exc:
        validate({"opportunities": _raw("opportunities", frame), "reps": _raw("reps", REPS)})
    (p,) = exc.value.problems
    assert (p.row, p.problem) == (2, "日付が範囲外です（1900〜2200年）")


def test_inf_and_nan_text_targets_are_located_problems():
    t = pd.DataFrame({"担当者": ["山田 太郎"] * 3, "月": ["2026-04", "2026-05", "2026-06"],
                      "指標": ["売上"] * 3, "目標": ["inf", "1e400", "NaN"]})
    with pytest.raises(ValidationError) as exc:
        validate({"reps": REPS, "targets": t})
    assert [(p.row, p.problem) for p in exc.value.problems] == [
        (r, "有限の数値ではありません") for r in (2, 3, 4)]


# --------------------------------------------------------------------------- the book's language


def test_english_headers_give_english_messages_and_japanese_ones_japanese():
    en = pd.DataFrame({"Opportunity ID": ["O1"], "Rep": ["X"], "Created": ["2026-04-01"],
                       "Status": ["open"]})
    ja = en.set_axis(["商談ID", "担当者", "作成日", "状態"], axis=1)
    for frame, expected in ((en, "unknown rep"), (ja, "担当者シートにない担当者です")):
        with pytest.raises(ValidationError) as exc:
            validate({"reps": REPS, "opportunities": frame})
        assert exc.value.problems[0].problem == expected


def test_the_locale_setting_decides_over_the_headers():
    s = pd.DataFrame({"Setting": ["locale"], "Value": ["en"]})
    ja = pd.DataFrame({"商談ID": ["O1"], "担当者": ["X"], "作成日": ["2026-04-01"],
                       "状態": ["進行中"]})
    with pytest.raises(ValidationError) as exc:
        validate({"reps": REPS, "opportunities": ja, "settings": s})
    assert exc.value.problems[0].problem == "unknown rep"
    assert str(exc.value).startswith("1 problem in the input:")


def test_the_problem_table_has_localised_columns_and_visible_values():
    o = pd.DataFrame({"商談ID": ["O1"], "担当者": ["小林\u3000直実"], "作成日": ["2026-04-01"],
                      "状態": ["進行中"]})
    with pytest.raises(ValidationError) as exc:
        validate({"reps": pd.DataFrame({"担当者": ["小林 直美"]}), "opportunities": o})
    table = exc.value.table()
    assert list(table.columns) == ["シート", "行", "列", "入力値", "問題", "対処"]
    assert table.iloc[0].tolist() == ["商談", 2, "担当者", "小林[全角スペース]直実",
                                      "担当者シートにない担当者です", "「小林 直美」のことですか?"]
    assert list(exc.value.table("en").columns) == ["sheet", "row", "column", "value as typed",
                                                   "problem", "hint"]


# --------------------------------------------------------------------------- random cells

CELL = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
    st.sampled_from(["令和8年10月1日", "R1.4.30", "12,00,000", "120万円", "△1,000", "2026/2/29",
                     "9999-12-31", "〇", "ＴＥＬ", "受注済み", "山田　太郎", "#N/A", "1e400",
                     " ", "\u3000", "(1,000)", "10/1", "2026/10/1(水)"]),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
)
HEADERS = ["商談ID", "担当者", "顧客", "作成日", "金額", "状態", "完了日", "ステージ"]


@settings(max_examples=int(os.environ.get("KPI_XL_HYPOTHESIS_EXAMPLES", "60")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, min_size=len(HEADERS), max_size=len(HEADERS)), max_size=6),
       st.lists(CELL, min_size=4, max_size=4))
def test_random_cells_give_a_dataset_or_a_kpi_xl_error(rows, order):
    opp = pd.DataFrame(rows, columns=HEADERS, dtype=object) if rows else pd.DataFrame(
        columns=HEADERS)
    orders = pd.DataFrame([order], columns=["日付", "顧客", "金額", "数量"], dtype=object)
    try:
        ds = validate({"reps": REPS, "opportunities": opp, "orders": orders})
    except KpiXlError as exc:
        for p in getattr(exc, "problems", []):
            assert p.format() and isinstance(p.problem, str)
        return
    assert isinstance(ds, Dataset)
    assert ds.opportunities["created_date"].dtype == "datetime64[ns]"
    assert np.isfinite(ds.opportunities["amount"].dropna()).all()


def _orders(headers: tuple[str, str, str, str]) -> dict[str, pd.DataFrame]:
    return {"orders": pd.DataFrame({headers[0]: ["O1"], headers[1]: ["C1"],
                                    headers[2]: [dt.date(2026, 4, 1)], headers[3]: [1000.0]})}


@pytest.mark.parametrize("headers, sheet, expected", [
    (("order_id", "customer", "order_date", "amount"), None, "en"),
    (("受注ID", "顧客", "受注日", "金額"), None, "ja"),
    (("order_id", "customer", "order_date", "amount"), ("言語", "日本語"), "ja"),
    (("受注ID", "顧客", "受注日", "金額"), ("locale", "en"), "en"),
])
def test_a_book_without_a_language_row_reports_in_the_language_of_its_headers(
        headers, sheet, expected):
    tables = _orders(headers)
    if sheet is not None:
        tables["settings"] = pd.DataFrame({"key": [sheet[0]], "value": [sheet[1]]})
    assert load(tables).settings.locale == expected
