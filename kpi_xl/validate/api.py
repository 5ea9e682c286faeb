"""``validate`` and ``load``: from tables as the user wrote them to a typed Dataset.

Steps (each in its own module): the book's language is decided first (:func:`book_locale`),
then the Settings sheet (:mod:`.settings_sheet`) and the alias table (:mod:`.aliases`) are
read, every data table is converted column by column (:mod:`.columns`), identical rows are set
aside (:mod:`.rules`), names and list values are resolved (:mod:`.names`, :mod:`.choices`) and
the checks across columns run (:mod:`.rules`). Every problem is collected before anything is
raised; the reader's own findings (``raw.problems``, ``raw.exclusions``, ``raw.outside``) are
reported together with validation's.

Not errors: blank rows (counted when data follows them), identical rows (counted, see
:mod:`.rules`), extra columns (a warning), a missing Reps table (reps are then taken from the
data, with a warning).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

import pandas as pd

from ..dataset import TABLE_NAMES, Dataset, conform
from ..errors import ConfigError
from ..i18n import text
from ..read import read_source
from ..schema import normalize_header, table_spec
from ..settings import Settings
from .aliases import read_aliases
from .choices import resolve_choices
from .codes import to_string
from .collect import Collector, Table
from .columns import convert_table, map_headers
from .names import resolve_names
from .rules import check_rules, drop_duplicate_rows
from .settings_sheet import read_settings, sheet_locale

__all__ = ["book_locale", "load", "validate"]

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")


def _is_raw(value: object) -> bool:
    return hasattr(value, "frame") and hasattr(value, "header_row") and hasattr(value, "name")


def _check_tables(raw: object, arg: str) -> None:
    if not isinstance(raw, Mapping):
        raise ConfigError(text("api.not_mapping", "en", arg=arg, type=type(raw).__name__))
    for key, value in raw.items():
        if not (isinstance(value, pd.DataFrame) or _is_raw(value)):
            raise ConfigError(text("api.not_frame", "en", arg=arg, table=key,
                                   type=type(value).__name__))


def _check_settings(settings: object) -> None:
    if settings is not None and not isinstance(settings, Settings):
        raise ConfigError(text("api.not_settings", "en", type=type(settings).__name__))


def book_locale(raws: Mapping[str, object], settings: Settings | None = None) -> str:
    """The language of the book's messages: the Settings sheet's locale row (when no
    ``settings`` are given), else the language most recognised headers are written in
    (Japanese headers → ``'ja'``), else the locale of ``settings`` (default: the defaults')."""
    explicit = sheet_locale(raws.get("settings")) if settings is None else None
    if explicit:
        return explicit
    ja = en = 0
    for name, raw in raws.items():
        try:
            spec = table_spec(name)
        except KeyError:
            continue
        known = {normalize_header(n) for c in spec.columns for n in c.all_names() if n}
        for h in raw.frame.columns:  # type: ignore[attr-defined]
            if normalize_header(h) in known:
                if _JAPANESE.search(str(h)):
                    ja += 1
                else:
                    en += 1
    if ja != en:
        return "ja" if ja > en else "en"
    return (settings or Settings()).locale


def _where(raw: object, name: str, st_locale: str) -> str:
    """Where a table is, as the user sees it: its sheet, its CSV file, or its label."""
    sheet = getattr(raw, "sheet", None)
    if sheet:
        return str(sheet)
    origin = str(getattr(raw, "origin", ""))
    m = re.search(r"sheet '([^']+)'", origin)
    if m:
        return m.group(1)
    if origin.lower().endswith((".csv", ".tsv", ".txt")):
        return os.path.basename(origin)
    return table_spec(name).label(st_locale)


def validate(raw: Mapping[str, object], settings: Settings | None = None,
             *, source: str = "(in memory)") -> Dataset:
    """Validate and type the input tables; raise :class:`~kpi_xl.errors.ValidationError`
    listing every problem, in the book's language.

    ``raw`` maps table names to RawTables (from a reader) or DataFrames (headers as a user
    would write them). ``settings`` overrides the Settings sheet entirely when given; otherwise
    the sheet's values apply on top of the defaults.
    """
    _check_tables(raw, "raw")
    _check_settings(settings)
    raws = dict(raw) if all(_is_raw(v) for v in raw.values()) else read_source(raw)
    raws = {getattr(r, "name", k): r for k, r in raws.items()}
    locale = book_locale(raws, settings)
    col = Collector(locale)
    order: list[str] = []
    for r in raws.values():
        col.problems.extend(getattr(r, "problems", None) or [])
        col.exclusions.extend(getattr(r, "exclusions", None) or [])
        col.outside.extend(getattr(r, "outside", None) or [])
    settings_raw = raws.get("settings")
    where = _where(settings_raw, "settings", locale)
    order.append(where)
    # A book that does not name its language in 設定 / Settings reports in the language its
    # headers are written in (an English-header book gets English sheets, not the default).
    st = settings or read_settings(settings_raw, col, where, base=Settings(locale=locale))
    tables: dict[str, Table] = {}
    for name in ("aliases", *TABLE_NAMES):
        r = raws.get(name)
        if r is None or (r.frame.empty and not len(r.frame.columns)):  # type: ignore
            continue
        spec = table_spec(name, st.stages)
        where = _where(r, name, locale)
        order.append(where)
        mapping = map_headers(r, spec, col, where)
        if mapping is not None:
            tables[name] = convert_table(r, spec, mapping, col, where)
    aliases = read_aliases(tables.pop("aliases", None), col)
    for t in tables.values():
        drop_duplicate_rows(t, col)
    resolve_names(tables, aliases, col)
    resolve_choices(tables, st, aliases, col)
    check_rules(tables, col)
    if col.problems:
        raise col.error(order)
    frames = {n: t.frame for n, t in tables.items()}
    if "reps" not in frames:
        named: list[str] = []
        for n in ("activities", "opportunities", "customers", "targets"):
            if n in frames and "rep" in frames[n]:
                named += list(frames[n]["rep"].dropna().unique())
        frames["reps"] = pd.DataFrame({"rep": sorted(set(named))})
        if named:
            col.warn(table_spec("reps").label(locale), None, None, None,
                     col.t("msg.reps.from_data"))
    frames = {n: pd.DataFrame({c: to_string(df[c]) for c in df.columns}, index=df.index)
              for n, df in frames.items()}
    out = {n: conform(n, frames.get(n), st) for n in TABLE_NAMES}
    return Dataset(settings=st, source=source, exclusions=col.exclusions,
                   outside_rows=col.outside, warnings=col.warnings, **out)


def load(source: object, *, settings: Settings | None = None) -> Dataset:
    """Read and validate ``source``: a workbook path, a folder of CSV files or a dict of
    DataFrames."""
    if not isinstance(source, (str, os.PathLike, Mapping)):
        raise ConfigError(text("api.not_source", "en", type=type(source).__name__))
    if isinstance(source, Mapping):
        _check_tables(source, "source")
    _check_settings(settings)
    raws = read_source(source)
    label = os.path.basename(os.path.normpath(os.fspath(source))) if isinstance(
        source, (str, os.PathLike)) else "(in memory)"
    return validate(raws, settings, source=label)
