import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_xl.parse import parse_bool, parse_dates, parse_numbers, parse_text

T = pd.Timestamp


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-04-01", T("2026-04-01")),
        ("2026/4/1", T("2026-04-01")),
        ("2026.04.01", T("2026-04-01")),
        ("2026年4月1日", T("2026-04-01")),
        ("２０２６年４月１日", T("2026-04-01")),
        ("20260401", T("2026-04-01")),
        ("2026-04-01T09:30:00", T("2026-04-01")),
        (46113, T("2026-04-01")),  # Excel serial
        (46113.75, T("2026-04-01")),  # serial with a time of day
        ("46113", T("2026-04-01")),
        (dt.date(2026, 4, 1), T("2026-04-01")),
        (dt.datetime(2026, 4, 1, 18, 0), T("2026-04-01")),
    ],
)
def test_dates_in_every_accepted_form(value, expected):
    out, bad = parse_dates(pd.Series([value], dtype=object))
    assert out.iloc[0] == expected and not bad.iloc[0]


@pytest.mark.parametrize("value", ["2026-13-01", "2026年2月30日", "soon", "04/01"])
def test_bad_dates_are_flagged_not_guessed(value):
    out, bad = parse_dates(pd.Series([value], dtype=object))
    assert pd.isna(out.iloc[0]) and bad.iloc[0]


@pytest.mark.parametrize("value", [None, "", "   ", float("nan")])
def test_blank_cells_are_missing_not_bad(value):
    out, bad = parse_dates(pd.Series([value], dtype=object))
    assert pd.isna(out.iloc[0]) and not bad.iloc[0]
    out, bad = parse_numbers(pd.Series([value], dtype=object))
    assert pd.isna(out.iloc[0]) and not bad.iloc[0]


@pytest.mark.parametrize("value", ["2026-04", "2026/4", "2026年4月", "2026-04-17", 46129])
def test_month_values_become_the_first_of_the_month(value):
    out, bad = parse_dates(pd.Series([value], dtype=object), month=True)
    assert out.iloc[0] == T("2026-04-01") and not bad.iloc[0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("¥1,200,000", 1200000.0), ("￥１，２００", 1200.0), ("$2,500.50", 2500.5),
     ("1,000円", 1000.0), ("(300)", -300.0), ("▲400", -400.0), (" 12 ", 12.0), (7, 7.0),
     ("JPY 5", 5.0)],
)
def test_numbers_with_currency_signs_and_separators(value, expected):
    out, bad = parse_numbers(pd.Series([value], dtype=object))
    assert out.iloc[0] == expected and not bad.iloc[0]


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_formatted_yen_amounts_parse_back(n):
    text = f"¥{n:,}" if n >= 0 else f"(¥{-n:,})"
    out, bad = parse_numbers(pd.Series([text], dtype=object))
    assert out.iloc[0] == n and not bad.iloc[0]


def test_flags_in_english_and_japanese():
    out, bad = parse_bool(pd.Series(["TRUE", "no", "○", "退職", None, "maybe"], dtype=object))
    assert out.tolist() == [True, False, True, False, True, True]
    assert bad.tolist() == [False, False, False, False, False, True]


def test_text_keeps_ids_written_as_numbers_without_decimal_point():
    out = parse_text(pd.Series([1001.0, " A-1 ", None, ""], dtype=object))
    assert out.tolist()[:2] == ["1001", "A-1"] and out.isna().tolist()[2:] == [True, True]
