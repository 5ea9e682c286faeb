"""The alias table (表記ゆれ) on the Settings sheet: spellings the user adds, value as typed →
the value it means.

Each row says: wherever ``入力値`` (As typed) is written, read ``正式な値`` (Means). The optional
``対象列`` (Column) limits the row to one kind of column: 担当者 (rep), チーム (team), 顧客
(customer), 商品 (product), セグメント (segment), 流入経路 (channel), 状態 (status), ステージ
(stage), 活動種別 (activity type) or 指標 (metric), written as any header of that column;
blank means every one of them. A value as typed matches after the same normalisation as the
names (NFKC, case, spaces), so one row covers ``ＴＥＬ`` and ``tel``. An alias is applied once
(no chains); the value it means is then read like a typed value (a rep of the 担当者 sheet, a
customer ID or name, a status word …). The built-in variant lists (:mod:`kpi_xl.schema`) stay
in force; the table adds to them.
"""

from __future__ import annotations

import pandas as pd

from ..parse import name_key
from ..schema import TABLES, normalize_header
from .codes import map_codes, objects
from .collect import Collector, Table
from .hints import choices_hint

__all__ = ["ALIAS_COLUMNS", "Aliases", "read_aliases"]

#: Canonical columns an alias can apply to.
ALIAS_COLUMNS = ("rep", "team", "customer", "product", "segment", "channel", "status", "stage",
                 "type", "metric")


def _column_names() -> dict[str, str]:
    out: dict[str, str] = {}
    for spec in TABLES.values():
        if spec.name == "aliases":
            continue
        for c in spec.columns:
            if c.name in ALIAS_COLUMNS:
                for n in c.all_names():
                    out.setdefault(normalize_header(n), c.name)
    out[normalize_header("活動")] = "type"
    out[normalize_header("顧客名")] = "customer"
    return out


_COLUMN_NAMES = _column_names()


class Aliases:
    """Aliases by column (``None``: every column), keyed by :func:`name_key`."""

    def __init__(self) -> None:
        self.by_column: dict[str | None, dict[str, str]] = {}

    def __bool__(self) -> bool:
        return any(self.by_column.values())

    def apply(self, values: pd.Series, column: str) -> pd.Series:
        """``values`` with every aliased spelling replaced by the value it means."""
        specific = self.by_column.get(column, {})
        general = self.by_column.get(None, {})
        if not specific and not general:
            return values

        def one(v: str) -> tuple[str, None]:
            k = name_key(v)
            return specific.get(k, general.get(k, v)), None

        out, _, _ = map_codes(values, one)
        return out.rename(values.name)


def read_aliases(table: Table | None, col: Collector) -> Aliases:
    """The alias table's rows, checked: both values given, a known column, no conflicts."""
    out = Aliases()
    if table is None or table.frame.empty:
        return out
    f = table.frame
    blank = pd.Series(None, index=f.index, dtype=object)
    typed, means, column = (f.get(c, blank) for c in ("typed", "canonical", "column"))
    seen: dict[tuple[str | None, str], tuple[int, str]] = {}
    labels = sorted({TABLES[t].column(c).label(col.locale) for t, c in (
        ("reps", "rep"), ("reps", "team"), ("customers", "customer"), ("orders", "product"),
        ("customers", "segment"), ("opportunities", "channel"), ("opportunities", "status"),
        ("opportunities", "stage"), ("activities", "type"), ("targets", "metric"))})
    typed, means, column = objects(typed), objects(means), objects(column)
    for i in range(len(f)):
        row = int(table.rows[i])
        t, m, c = typed[i], means[i], column[i]
        if t is None or m is None:
            # the required-value problem is already recorded for the blank one
            continue
        target = None
        if c is not None:
            target = _COLUMN_NAMES.get(normalize_header(c))
            if target is None:
                col.add(table.label, row, table.header("column", col.locale), c,
                        col.t("msg.alias.column"), choices_hint(c, labels, col.locale,
                                                                alias=False))
                continue
        k = name_key(t)
        if (target, k) in seen and name_key(seen[(target, k)][1]) != name_key(m):
            first_row, other = seen[(target, k)]
            col.add(table.label, row, table.header("canonical", col.locale), m,
                    col.t("msg.alias.conflict"), col.t("hint.alias.conflict", row=first_row,
                                                        other=other))
            continue
        seen[(target, k)] = (row, str(m))
        out.by_column.setdefault(target, {})[k] = str(m)
    return out

