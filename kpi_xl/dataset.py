"""The validated input: one typed pandas DataFrame per table, plus settings and what was excluded.

Canonical columns (see :mod:`kpi_xl.schema`) and dtypes:

- text columns: pandas string values (missing → NA);
- date columns: ``datetime64[ns]`` normalised to midnight (missing → NaT);
- number columns: float64; ``reps.active``: bool;
- ``opportunities.status``: ``'open' | 'won' | 'lost'``; ``stage``: a stage key or NA;
  ``<stage>_date`` columns for every stage but the last (won is reached at ``close_date``);
- ``targets.period``: Timestamp of the first day of the month;
- ``stage_history.stage``: a stage key (or ``'lost'``).

Metric functions take a :class:`Dataset` (or plain Series for the scalar variants) and never do I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from .errors import Problem
from .schema import CONFIG_TABLES, TABLES, table_spec
from .settings import Settings

__all__ = ["TABLE_NAMES", "Dataset", "Exclusion", "OutsideRows", "empty_table", "make_dataset"]

TABLE_NAMES = tuple(n for n in TABLES if n not in CONFIG_TABLES)

_DTYPES = {"str": "string", "date": "datetime64[ns]", "number": "float64", "int": "Int64",
           "bool": "bool"}


def empty_table(name: str, settings: Settings | None = None) -> pd.DataFrame:
    """An empty DataFrame with the canonical columns and dtypes of table ``name``."""
    spec = table_spec(name, (settings or Settings()).stages)
    return pd.DataFrame({c.name: pd.Series(dtype=_DTYPES[c.kind]) for c in spec.columns})


def conform(name: str, df: pd.DataFrame | None, settings: Settings) -> pd.DataFrame:
    """Give ``df`` every canonical column of table ``name`` with its dtype (light coercion only:
    no validation; use :func:`kpi_xl.validate.validate` for user input)."""
    spec = table_spec(name, settings.stages)
    if df is None:
        return empty_table(name, settings)
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    for c in spec.columns:
        if c.name in df.columns:
            col = df[c.name].reset_index(drop=True)
            if c.kind == "date":
                col = pd.to_datetime(col).dt.normalize().astype("datetime64[ns]")
            elif c.kind == "number":
                col = pd.to_numeric(col).astype("float64")
            elif c.kind == "bool":
                col = col.fillna(True).astype(bool)
            else:
                col = col.astype("string")
        elif c.kind == "bool":
            col = pd.Series(True, index=out.index)
        else:
            col = pd.Series(pd.NA if c.kind == "str" else None, index=out.index,
                            dtype=_DTYPES[c.kind])
        out[c.name] = col
    return out


@dataclass(frozen=True)
class Exclusion:
    """Input rows that were read but not counted as data, and why. Every exclusion is shown to
    the user (CLI, JSON, the generated sheets' footnote, the button's Check sheet).

    ``table`` is the canonical table name, ``reason`` a short key (``blank_row``,
    ``total_row``, ``before_header``, ``duplicate_row`` …) whose wording lives in
    :mod:`kpi_xl.i18n` as ``exclusion.<reason>``, ``rows`` the row numbers as the user sees
    them in the sheet or CSV file, ``detail`` what identifies them (e.g. the total row's label).
    """

    table: str
    reason: str
    rows: tuple[int, ...]
    detail: str = ""

    @property
    def count(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class OutsideRows:
    """Rows read as part of a table although they lie outside the Excel table's own range
    (below it after a blank row, pasted under it, or written by another tool). They are data;
    the user is told where they are so the table can be extended over them."""

    table: str
    first: int
    last: int
    count: int


@dataclass
class Dataset:
    """Validated, typed input tables. Build with :func:`kpi_xl.load` (user input, validated) or
    :func:`make_dataset` (already-clean frames, e.g. in tests)."""

    settings: Settings
    reps: pd.DataFrame
    targets: pd.DataFrame
    activities: pd.DataFrame
    opportunities: pd.DataFrame
    stage_history: pd.DataFrame
    customers: pd.DataFrame
    orders: pd.DataFrame
    external: pd.DataFrame
    source: str = "(in memory)"
    exclusions: list[Exclusion] = field(default_factory=list)
    outside_rows: list[OutsideRows] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def data_end(self) -> dt.date | None:
        """The latest date found in the data (used as the default as-of date)."""
        dates = []
        for name, cols in (("activities", ["date"]), ("orders", ["date"]),
                           ("opportunities", ["created_date", "close_date"]),
                           ("stage_history", ["date"])):
            df = self.table(name)
            for c in cols:
                if len(df) and df[c].notna().any():
                    dates.append(df[c].max())
        return max(dates).date() if dates else None

    def data_start(self) -> dt.date | None:
        dates = []
        for name, cols in (("activities", ["date"]), ("orders", ["date"]),
                           ("opportunities", ["created_date"])):
            df = self.table(name)
            for c in cols:
                if len(df) and df[c].notna().any():
                    dates.append(df[c].min())
        return min(dates).date() if dates else None

    def rep_team(self) -> pd.Series:
        """rep → team (reps without a team map to their own name)."""
        r = self.reps
        return pd.Series(r["team"].fillna(r["rep"]).to_numpy(), index=r["rep"].to_numpy())


def make_dataset(settings: Settings | None = None, *, source: str = "(in memory)",
                 **frames: pd.DataFrame) -> Dataset:
    """A Dataset from already-clean frames with canonical column names; missing tables are empty.

    Reps named in other tables but absent from ``reps`` are added (active, no team) so that
    small hand-made test datasets need not list them.
    """
    settings = settings or Settings()
    unknown = set(frames) - set(TABLE_NAMES)
    if unknown:
        raise TypeError(f"unknown tables: {sorted(unknown)}")
    tables = {n: conform(n, frames.get(n), settings) for n in TABLE_NAMES}
    named = set()
    for n in ("activities", "opportunities", "customers", "targets"):
        named |= set(tables[n]["rep"].dropna())
    missing = sorted(named - set(tables["reps"]["rep"].dropna()))
    if missing:
        extra = conform("reps", pd.DataFrame({"rep": missing}), settings)
        tables["reps"] = pd.concat([tables["reps"], extra], ignore_index=True)
    return Dataset(settings=settings, source=source, **tables)
