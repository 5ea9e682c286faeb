"""Key columns as codes (kpi_xl.metrics.codes, common.group_codes): the grouped pass gives what
the row-wise grouping gave, for object, Arrow string and category key columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi_xl.dataset import make_dataset
from kpi_xl.metrics.codes import as_objects, group_sums, month_index, sorted_codes
from kpi_xl.metrics.common import NONE, group_codes, group_labels

KEY_DTYPES = [object, "string", "category"]


@pytest.mark.parametrize("dtype", KEY_DTYPES)
def test_as_objects_keeps_values_and_shares_one_object_per_distinct_value(dtype):
    s = pd.Series(["a", None, "b", "a"], dtype=dtype)
    out = as_objects(s)
    assert out.dtype == object
    assert out.tolist()[0] == "a" and out.tolist()[2:] == ["b", "a"]
    assert pd.isna(out.iloc[1])
    assert out.iloc[0] is out.iloc[3]


def test_sorted_codes_index_the_sorted_labels():
    codes, labels = sorted_codes(pd.Series(["b", "a", "b", "c"], dtype=object))
    assert labels.tolist() == ["a", "b", "c"]
    assert codes.tolist() == [1, 0, 1, 2]


def test_group_sums_by_code_and_month_keep_only_cells_with_rows():
    # hand-computed: code 0 → Jan 1 + 2, Mar 4; code 1 → Jan NaN (counts as 0, row kept)
    codes = np.array([0, 0, 0, 1])
    values = np.array([1.0, 2.0, 4.0, np.nan])
    months = month_index(np.array(["2026-01-05", "2026-01-31", "2026-03-01", "2026-01-10"],
                                  dtype="datetime64[ns]"))
    sums = group_sums(codes, values, 2, months)
    cells = sums.present()
    assert sums.code_of(cells).tolist() == [0, 0, 1]
    assert [str(d)[:10] for d in sums.month_start_of(cells)] == [
        "2026-01-01", "2026-03-01", "2026-01-01"]
    assert sums.sums[cells].tolist() == [3.0, 4.0, 0.0]


@pytest.mark.parametrize("dtype", KEY_DTYPES)
@pytest.mark.parametrize("by", [None, "rep", "team", "product", "segment"])
def test_group_codes_agree_with_group_labels(dtype, by):
    reps = pd.DataFrame({"rep": ["Ann", "Bob", "Cy"], "team": ["East", None, "East"]})
    opp = pd.DataFrame({"rep": ["Bob", " Ann ", None, "Cy", "Ann", "Zed"],
                        "product": ["x", "", "y", None, "x", "y"],
                        "segment": ["big", None, "small", None, "big", "  "]})
    for c in ("rep", "product", "segment"):
        opp[c] = opp[c].astype(dtype)
    ds = make_dataset(reps=reps)
    codes, labels = group_codes(ds, opp, by)
    expected = group_labels(ds, opp, by)
    assert labels[codes].tolist() == expected.tolist()
    assert labels.tolist() == sorted(set(expected))


def test_group_codes_put_rows_without_a_key_in_none():
    ds = make_dataset(reps=pd.DataFrame({"rep": ["Ann"], "team": ["East"]}))
    frame = pd.DataFrame({"rep": pd.Series(["Ann", None, "Nobody"], dtype="string")})
    codes, labels = group_codes(ds, frame, "team")
    assert labels[codes].tolist() == ["East", NONE, "Nobody"]
