"""Shortcuts of the read/validate speed work give what the slow paths gave.

- A whole text column read by fastexcel (``ArrowColumn.series`` over every row) is built from
  its one dictionary encoding; it must hold the same cells as the plain path
  (``series_from_arrow``), which blanks '' and encodes again.
- ``map_codes`` with ``Known`` values resolves those values without calling the per-value
  function, and gives the same Series, rows and problems as calling it for every value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_xl.read.cells import ArrowColumn, series_from_arrow
from kpi_xl.validate.codes import Known, map_codes

_CELLS = st.lists(st.sampled_from(["", " ", "a", "b", "A", "山田", "c", None]), max_size=30)


def _cells(s: pd.Series) -> list[object]:
    return [None if pd.isna(v) else v for v in s.astype(object)]


@settings(max_examples=300, deadline=None)
@given(_CELLS)
def test_whole_text_column_holds_the_cells_of_the_plain_path(values):
    arr = pa.array(values, type=pa.string())
    whole = ArrowColumn(arr).series(np.arange(len(values)))
    assert _cells(whole) == _cells(series_from_arrow(arr))


def test_unique_ids_stay_text_and_blank_cells_become_missing():
    arr = pa.array(["SO1", "", "SO2", None, "SO3"], type=pa.string())
    s = ArrowColumn(arr).series(np.arange(5))
    assert not isinstance(s.dtype, pd.CategoricalDtype)
    assert _cells(s) == ["SO1", None, "SO2", None, "SO3"]


def test_repeated_text_arrives_as_category_without_the_blank():
    arr = pa.array(["visit", "", "call", "visit", "call", "visit"], type=pa.string())
    s = ArrowColumn(arr).series(np.arange(6))
    assert isinstance(s.dtype, pd.CategoricalDtype)
    assert "" not in list(s.cat.categories)
    assert _cells(s) == ["visit", None, "call", "visit", "call", "visit"]


def _lookup(calls: list[str]):
    table = {"yamada": "山田", "o-1": "O-1"}

    def fn(v: str) -> tuple[object, object]:
        calls.append(v)
        hit = table.get(v.lower().replace(" ", ""))
        return (hit, None) if hit is not None else (v, ("unknown", v))

    return fn


def test_known_values_skip_the_per_value_function_and_give_the_same_result():
    s = pd.Series(pd.Categorical(["O-1", "Yamada", "o-1", None, "nobody", "O-1", "unused"]))
    s = s.iloc[:6]  # 'unused' stays a category no row uses
    slow_calls: list[str] = []
    fast_calls: list[str] = []
    slow = map_codes(s, _lookup(slow_calls))
    fast = map_codes(s, _lookup(fast_calls), Known({"O-1": "O-1", "Yamada": "山田"}))
    pd.testing.assert_series_equal(slow[0], fast[0])
    assert list(slow[1]) == list(fast[1]) == [4]
    assert slow[2] == fast[2] == [("unknown", "nobody")]
    assert sorted(slow_calls) == ["O-1", "Yamada", "nobody", "o-1"]
    assert sorted(fast_calls) == ["nobody", "o-1"]
    assert _cells(fast[0]) == ["O-1", "山田", "O-1", None, "nobody", "O-1"]


def test_empty_known_changes_nothing():
    s = pd.Series(["b", "a", None, "b"], dtype=object)
    calls: list[str] = []
    out, rows, problems = map_codes(s, lambda v: (calls.append(v) or v.upper(), None), Known({}))
    assert _cells(out) == ["B", "A", None, "B"]
    assert sorted(calls) == ["a", "b"]
    assert list(rows) == [] and problems == []
