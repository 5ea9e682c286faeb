"""The validated input: one typed pandas DataFrame per table, plus settings and what was excluded.

Canonical columns (see :mod:`kpi_xl.schema`) and dtypes:

- text columns: pandas string values (missing → NA);
- date columns: ``datetime64[ns]`` normalised to midnight (missing → NaT);
- number columns: float64; ``reps.active``: bool;
- ``opportunities.status``: ``'open' | 'won' | 'lost'``; ``stage``: a stage key or NA;
  ``created_date`` may be NaT for an open deal nobody dated (CRM exports leave early-stage
  deals undated): such deals count in all-time and open-pipeline figures, in no dated period;
  ``<stage>_date`` columns for every stage but the last (won is reached at ``close_date``);
- ``targets.period``: Timestamp of the first day of the month;
- ``stage_history.stage``: a stage key (or ``'lost'``).

Metric functions take a :class:`Dataset` (or plain Series for the scalar variants) and never do I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd

from .errors import ConfigError, Problem
from .schema import CONFIG_TABLES, TABLES, table_spec
from .settings import Settings

__all__ = ["TABLE_NAMES", "Dataset", "Exclusion", "OutsideRows", "empty_table", "make_dataset"]

TABLE_NAMES = tuple(n for n in TABLES if n not in CONFIG_TABLES)

T = TypeVar("T")

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


_META = ("source", "exclusions", "outside_rows", "warnings")


class Dataset:
    """Validated, typed input tables. Build with :func:`kpi_xl.load` (user input, validated) or
    :func:`make_dataset` (already-clean frames, e.g. in tests).

    Immutable: every table attribute (``ds.opportunities`` …) returns a copy-on-write view, so
    editing it in place never changes the dataset, and assigning an attribute is an error —
    use :meth:`replace` for a dataset with other tables. Frames given to the constructor are
    kept as copy-on-write views too: editing them afterwards does not reach the dataset.
    Derived tables (stage matrix, event streams, spells …) are computed on first use through
    :meth:`derived` and kept for the dataset's lifetime, which is safe because its tables
    can never change.
    """

    __slots__ = ("_derived", "_meta", "_settings", "_tables")

    def __init__(self, settings: Settings, reps: pd.DataFrame, targets: pd.DataFrame,
                 activities: pd.DataFrame, opportunities: pd.DataFrame,
                 stage_history: pd.DataFrame, customers: pd.DataFrame, orders: pd.DataFrame,
                 external: pd.DataFrame, source: str = "(in memory)",
                 exclusions: Iterable[Exclusion] = (), outside_rows: Iterable[OutsideRows] = (),
                 warnings: Iterable[Problem] = ()) -> None:
        if not isinstance(settings, Settings):
            raise ConfigError(f"settings must be a kpi_xl Settings, not {settings!r}"[:200])
        given = {"reps": reps, "targets": targets, "activities": activities,
                 "opportunities": opportunities, "stage_history": stage_history,
                 "customers": customers, "orders": orders, "external": external}
        tables = {}
        for name, df in given.items():
            if not isinstance(df, pd.DataFrame):
                raise ConfigError(f"table {name} must be a pandas DataFrame, not "
                                  f"{type(df).__name__}")
            tables[name] = df.copy(deep=False)
        set_ = object.__setattr__
        set_(self, "_settings", settings)
        set_(self, "_tables", tables)
        set_(self, "_meta", {"source": str(source), "exclusions": tuple(exclusions),
                             "outside_rows": tuple(outside_rows), "warnings": tuple(warnings)})
        set_(self, "_derived", {})

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Dataset is immutable: use ds.replace({name}=...) for a dataset "
                             f"with another {name}")

    def __repr__(self) -> str:
        rows = ", ".join(f"{n}={len(t)}" for n, t in self._tables.items() if len(t))
        return f"Dataset({self.source!r}, {rows or 'empty'})"

    # tables -----------------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self._settings

    def table(self, name: str) -> pd.DataFrame:
        """Table ``name`` as a copy-on-write view (editing it does not change the dataset)."""
        return self._tables[name].copy(deep=False)

    reps = property(lambda self: self.table("reps"))
    targets = property(lambda self: self.table("targets"))
    activities = property(lambda self: self.table("activities"))
    opportunities = property(lambda self: self.table("opportunities"))
    stage_history = property(lambda self: self.table("stage_history"))
    customers = property(lambda self: self.table("customers"))
    orders = property(lambda self: self.table("orders"))
    external = property(lambda self: self.table("external"))

    @property
    def source(self) -> str:
        return self._meta["source"]

    @property
    def exclusions(self) -> list[Exclusion]:
        return list(self._meta["exclusions"])

    @property
    def outside_rows(self) -> list[OutsideRows]:
        return list(self._meta["outside_rows"])

    @property
    def warnings(self) -> list[Problem]:
        return list(self._meta["warnings"])

    def replace(self, **changes: object) -> Dataset:
        """A new dataset with some tables, the settings or the metadata replaced."""
        unknown = set(changes) - {*self._tables, "settings", *_META}
        if unknown:
            raise ConfigError(f"Dataset has no {', '.join(sorted(unknown))}")
        args: dict[str, object] = {"settings": self._settings, **self._tables, **self._meta}
        args.update(changes)
        return Dataset(**args)  # type: ignore[arg-type]

    def derived(self, key: Hashable, build: Callable[[Dataset], T]) -> T:
        """``build(self)``, computed on the first call for ``key`` and kept (tables never
        change). DataFrames come back as copy-on-write views: callers may add columns."""
        cache = self._derived
        if key not in cache:
            cache[key] = build(self)
        hit = cache[key]
        return hit.copy(deep=False) if isinstance(hit, pd.DataFrame | pd.Series) else hit

    # dates ------------------------------------------------------------------------------

    def data_end(self) -> dt.date | None:
        """The latest date found in the data (used as the default as-of date)."""
        return self.derived("data_end", lambda ds: _extreme(ds, _END_COLUMNS, max))

    def data_start(self) -> dt.date | None:
        """The earliest date of the activity, order and pipeline data."""
        return self.derived("data_start", lambda ds: _extreme(ds, _START_COLUMNS, min))

    def rep_team(self) -> pd.Series:
        """rep → team (reps without a team map to their own name)."""
        r = self._tables["reps"]
        return pd.Series(r["team"].fillna(r["rep"]).to_numpy(), index=r["rep"].to_numpy())


_END_COLUMNS = (("activities", "date"), ("orders", "date"), ("opportunities", "created_date"),
                ("opportunities", "close_date"), ("stage_history", "date"))
_START_COLUMNS = (("activities", "date"), ("orders", "date"), ("opportunities", "created_date"))


def _extreme(ds: Dataset, columns: tuple[tuple[str, str], ...], pick) -> dt.date | None:
    dates = []
    for name, col in columns:
        df = ds._tables[name]
        if len(df) and col in df and df[col].notna().any():
            dates.append(df[col].max() if pick is max else df[col].min())
    return pick(dates).date() if dates else None


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
