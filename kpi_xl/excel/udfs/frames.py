"""Tables selected with their header row (``Opps[#All]``) → DataFrames of the cells as typed,
for :func:`kpi_xl.validate.validate`; and the headers and words a table formula shows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ...i18n import text
from ...parse import name_key, parse_text
from ...schema import normalize_header, table_spec
from .columns import block_columns, cell_types, typed_series
from .inputs import CELL_TYPES, blank, is_range, rows
from .outcome import NUM, VALUE, fail, typed
from .ranges import SETTINGS, locale_of

__all__ = ["column_label", "find_column", "given", "header_row", "names_of",
           "reps_from_names", "table_frame", "table_locale"]


def given(x: Any) -> bool:
    """Whether an optional table argument was given (a range, not a blank cell)."""
    head = header_row(x)
    return bool(head) and not all(blank(v) if isinstance(v, CELL_TYPES) or v is None else False
                                  for v in head)


def table_frame(x: Any, name: str) -> pd.DataFrame:
    """A range with a header row → DataFrame of the cells as given (blank headers named
    ``column1`` …, a header written twice numbered ``金額 (2)`` so that the validator can
    name both)."""
    table = rows(x)
    if not table or all(blank(h) for h in table[0]):
        fail(VALUE, "table_empty", argument=name)
    header: list[str] = []
    for i, h in enumerate(table[0]):
        if h is not None and not isinstance(h, CELL_TYPES):
            fail(VALUE, "not_a_value", argument=f"{name} (1)", cell=i + 1)
        label = f"column{i + 1}" if blank(h) else str(h).strip()
        n, base = 2, label
        while label in header:
            label, n = f"{base} ({n})", n + 1
        header.append(label)
    body = table[1:]
    if not body:
        return pd.DataFrame({h: pd.Series(dtype=object) for h in header})
    columns = {}
    for h, values in zip(header, block_columns(body, len(header)), strict=True):
        types = cell_types(values)
        _check_column(values, types, f"{name} [{h}]")
        columns[h] = typed_series(values, types)
    return pd.DataFrame(columns)


def _check_column(values: np.ndarray, types: set[type], name: str) -> None:
    """Refuse what no cell can hold (a dict, a nested list …) and integers beyond float's
    range, naming the row of the selected range (1 = its header row)."""
    bad = [t for t in types if t is not type(None) and not issubclass(t, CELL_TYPES)]
    if bad:
        kinds = np.fromiter(map(type, values), dtype=object, count=len(values))
        i = int(np.argmax(np.isin(kinds, bad)))
        fail(VALUE, "not_a_value", argument=name, cell=i + 2)
    if int in types:
        big = [i for i, v in enumerate(values) if type(v) is int and abs(v) >= 2 ** 63]
        if big:
            fail(NUM, "not_finite", argument=f"{name} ({big[0] + 2})",
                 value=typed(values[big[0]]))


def header_row(x: Any) -> list[object]:
    """The first row of a range (its headers), or [] for a scalar."""
    if not is_range(x) or not len(x):
        return []
    return list(x[0]) if is_range(x[0]) else list(x)


def table_locale(*tables: Any) -> str:
    """The language of a table formula's words: its tables' headers decide."""
    headers = [h for t in tables for h in header_row(t)]
    return locale_of(tables, headers=headers)


def names_of(table: str, column_name: str) -> set[str]:
    """Every header a column of a table may have (folded; none if it has no such column)."""
    try:
        spec = table_spec(table, SETTINGS.stages).column(column_name)
    except KeyError:
        return set()
    return {normalize_header(n) for n in spec.all_names()}


def find_column(df: pd.DataFrame, names: set[str]) -> str | None:
    for c in df.columns:
        if normalize_header(c) in names:
            return c
    return None


def reps_from_names(frames: Iterable[tuple[pd.DataFrame, str]]) -> pd.DataFrame:
    """The reps table the user did not give: one row per rep named in the tables, spellings
    of one name (山田 太郎 / 山田　太郎) one rep (:func:`kpi_xl.parse.name_key`), shown as first
    written."""
    names: dict[str, str] = {}
    for df, table in frames:
        col = find_column(df, names_of(table, "rep"))
        if col is not None:
            for v in pd.unique(parse_text(df[col]).dropna()):
                names.setdefault(name_key(v), v)
    return pd.DataFrame({"rep": sorted(names.values())}, dtype=object)


def column_label(key: str, locale: str) -> str:
    return text(f"formula.col.{key}", locale)
