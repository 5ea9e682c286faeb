"""Name keys (:func:`kpi_xl.parse.name_key`) and their batch form for columns
(:func:`kpi_xl.parse.name_keys`): the same key for every value, whichever path computes it."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_xl.parse import name_key, name_keys

#: Enough distinct values for the column path (Arrow) of name_keys, not its per-value loop.
MANY = [f"Rep {i:05d}" for i in range(3_000)]


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("山田 太郎", "山田太郎"),
        ("山田\u3000太郎", "山田太郎"),  # full-width space
        (" C001\t", "c001"),
        ("A\x1cB\x1fC", "abc"),  # ASCII separators are white space to str.split
        ("Ｃ００１", "c001"),  # NFKC: full-width letters and digits
        ("ﾔﾏﾀﾞ", "ヤマダ"),  # NFKC: half-width katakana
        ("㈱青葉", "(株)青葉"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),  # non-ASCII: case folded, not only lower-cased
        ("東京\u200b1課", "東京1課"),  # zero-width space dropped
        ("", ""),
        (1001, "1001"),
    ],
)
def test_name_key_values(value, key):
    assert name_key(value) == key
    assert list(name_keys([value])) == [key]
    assert name_keys(np.array([value, *MANY], dtype=object))[0] == key


def test_missing_values_have_no_key():
    got = name_keys([None, "A", math.nan, " a ", None])
    assert list(got) == [None, "a", None, "a", None]


def test_a_categorical_column_is_keyed_per_category():
    s = pd.Series(pd.Categorical(["B ", None, "ｂ", "B "], categories=["B ", "ｂ", "unused"]))
    assert list(name_keys(s)) == ["b", None, "b", "b"]


def test_a_string_dtype_column_is_keyed_like_its_objects():
    s = pd.Series(["A ", None, "ａ", "山田\u3000太郎"], dtype="string")
    assert list(name_keys(s)) == ["a", None, "a", "山田太郎"]


def test_numbers_among_many_texts_are_keyed_as_their_text():
    values = np.array([*MANY, 1001, 2.5, "Ｘ"], dtype=object)
    assert list(name_keys(values)[-3:]) == ["1001", "2.5", "x"]


TEXT = st.text(
    st.sampled_from(
        list("aZ09 -_.\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0")
        + list("山田太郎　ＣＡｂ１ﾔﾏﾀﾞ㈱ßİſ\u200b\u2060\ufeff\u2028Ⅸ")
    ),
    max_size=8,
)


@given(st.lists(TEXT, max_size=30))
@settings(max_examples=150, deadline=None)
def test_name_keys_equal_name_key_value_for_value(values):
    for column in (values, [*values, *MANY]):  # the per-value loop and the column path
        got = name_keys(column)
        assert list(got) == [name_key(v) for v in column]
