"""``read_source``: find the input tables in whatever the user gave.

Accepted: a workbook path (.xlsx/.xlsm), a CSV file, a folder of CSV files (one per table,
named after it: ``orders.csv``, ``受注実績.CSV``, ``商談.tsv``, Excel's Unicode ``.txt``), a
mapping of table name → DataFrame (or RawTable). Anything else — and a mapping whose values are
not DataFrames, a DataFrame with repeated column names, unknown table names — is a
:class:`~kpi_xl.errors.KpiXlError` naming the argument, never an AttributeError or TypeError
from inside.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ..dataset import Exclusion
from ..errors import ConfigError, InputError
from ..i18n import text
from ..progress import SILENT, Progress
from ..schema import TABLES
from .csvfile import CSV_SUFFIXES, read_csv_file
from .limits import DEFAULT_LIMITS, Limits
from .locale import guess_locale, locale_of_texts
from .notes import Note
from .package import check_regular_file
from .raw import RawTable, resolve_table_name, table_names_text
from .region import TOTAL_WORDS, total_key
from .workbook import OTHER_SPREADSHEETS, WORKBOOK_SUFFIXES, read_workbook

__all__ = ["read_csv", "read_folder", "read_source"]


def _detected(enc: tuple[str, str, str], locale: str) -> str:
    label, codec, delim = enc
    encoding = text(label, locale, name=codec) if label == "read.enc_other" else text(label,
                                                                                      locale)
    return text("read.detected", locale, encoding=encoding, delimiter=text(delim, locale))


def _finish(found: list[tuple[str, Path, pd.DataFrame, tuple[str, str, str], list[Note]]],
            locale: str | None, progress: Progress) -> dict[str, RawTable]:
    raws = {name: RawTable(name, frame, "", 1) for name, _, frame, _, _ in found}
    loc = locale or guess_locale(raws, *(p.name for _, p, _, _, _ in found))
    for name, path, _frame, enc, notes in found:
        raw = raws[name]
        _drop_total_rows(raw)
        raw.detected = _detected(enc, loc)
        raw.sheet = path.name  # where the user looks for a row: the file they open
        raw.origin = text("read.origin_csv", loc, file=path.name, detected=raw.detected)
        raw.problems = [n.problem(loc, path.name) for n in notes]
        progress.table(f"{path.name} ({raw.detected})", len(raw.frame))
    return raws


def _drop_total_rows(raw: RawTable) -> None:
    """A CSV exported from a sheet can end in a 合計 / 小計 / Total row: its first filled cell
    names a total. Such rows are never data; they are excluded and named, as in a workbook."""
    frame = raw.frame
    if frame.empty:
        return
    first = frame.bfill(axis=1).iloc[:, 0] if len(frame.columns) else None
    if first is None:
        return
    hit = np.fromiter((total_key(v) in TOTAL_WORDS for v in first), bool, len(first))
    if not hit.any():
        return
    rows = raw.row_numbers()
    labels = " / ".join(dict.fromkeys(str(v).strip() for v in first[hit]))
    raw.exclusions.append(Exclusion(raw.name, "total_row", tuple(int(r) for r in rows[hit]),
                                    labels))
    raw.frame = frame.loc[~hit].reset_index(drop=True)
    raw.rows = np.asarray(rows[~hit], dtype=np.int64)


def read_csv(path: str | os.PathLike[str], table: str | None = None, *,
             limits: Limits = DEFAULT_LIMITS, locale: str | None = None,
             progress: Progress = SILENT) -> RawTable:
    """One CSV file as a RawTable (table name from the file name unless given)."""
    p = Path(path)
    loc = locale or locale_of_texts([p.name])
    check_regular_file(p, limits.max_csv_bytes, loc)
    name = resolve_table_name(table) if table else resolve_table_name(p.stem)
    if name is None:
        raise InputError(text("read.csv_unknown_table", loc, file=p.name,
                              expected=table_names_text(loc)))
    frame, enc, notes = read_csv_file(p, name, limits, loc)
    return _finish([(name, p, frame, enc, notes)], locale, progress)[name]


def read_folder(folder: Path, *, limits: Limits = DEFAULT_LIMITS, locale: str | None = None,
                progress: Progress = SILENT) -> dict[str, RawTable]:
    """Every table CSV file of ``folder`` (file names case-insensitive: ``orders.CSV``)."""
    loc = locale or locale_of_texts([folder.name])
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise InputError(text("read.cannot_open", loc, path=str(folder),
                              reason=exc.strerror or exc)) from None
    files: dict[str, list[Path]] = {}
    for f in entries:
        if f.suffix.lower() in CSV_SUFFIXES and not f.name.startswith((".", "~$")):
            name = resolve_table_name(f.stem)
            if name is not None:
                files.setdefault(name, []).append(f)
    if not files:
        found = ", ".join(f.name for f in entries if f.is_file()) or "-"
        raise InputError(text("read.no_csv_tables", loc, folder=str(folder),
                              expected=table_names_text(loc), found=found))
    loc = locale or locale_of_texts([folder.name, *(f.name for fs in files.values()
                                                    for f in fs)])
    for name, paths in files.items():
        if len(paths) > 1:
            raise InputError(text("read.csv_twice", loc, table=text(f"table.{name}", loc),
                                  files=", ".join(p.name for p in paths)))
    found = []
    for name in TABLES:
        if name in files:
            p = files[name][0]
            frame, enc, notes = read_csv_file(p, name, limits, loc)
            found.append((name, p, frame, enc, notes))
    return _finish(found, locale, progress)


def _from_mapping(source: Mapping[object, object], locale: str | None) -> dict[str, RawTable]:
    loc = locale or "en"
    out: dict[str, RawTable] = {}
    for key, value in source.items():
        if isinstance(value, RawTable):
            out[value.name] = value
            continue
        name = resolve_table_name(key) if isinstance(key, str) else None
        if name is None:
            raise ConfigError(text("read.api_unknown_table", loc, key=key,
                                   expected=", ".join(TABLES)))
        if not isinstance(value, pd.DataFrame):
            raise ConfigError(text("read.api_not_frame", loc, key=key,
                                   type=type(value).__name__))
        cols = [str(c) for c in value.columns]
        dup = sorted({c for c in cols if cols.count(c) > 1})
        if dup:
            raise ConfigError(text("read.api_duplicate_columns", loc, key=key,
                                   columns=", ".join(f"'{c}'" for c in dup)))
        frame = value.reset_index(drop=True)
        frame.columns = cols
        out[name] = RawTable(name, frame, text("read.origin_frame", loc, key=key), 1)
    return out


def read_source(source: object, *, progress: Progress = SILENT,
                limits: Limits | None = None, locale: str | None = None
                ) -> dict[str, RawTable]:
    """Find the input tables in ``source`` (see the module doc), table name → RawTable.

    ``progress.table(label, rows)`` is called as each table's row count becomes known;
    ``limits`` overrides the bounds of :mod:`kpi_xl.read.limits`; ``locale`` fixes the
    language of messages (default: the book's own, see :func:`kpi_xl.read.guess_locale`).
    """
    limits = DEFAULT_LIMITS if limits is None else limits
    if not isinstance(limits, Limits):
        raise ConfigError(text("read.api_limits", locale or "en", type=type(limits).__name__))
    if isinstance(source, Mapping):
        return _from_mapping(source, locale)
    if isinstance(source, bytes) or not isinstance(source, (str, os.PathLike)):
        raise ConfigError(text("read.api_source", locale or "en",
                               type=type(source).__name__))
    p = Path(source)
    loc = locale or locale_of_texts([str(source)])
    if str(source).strip() == "":
        raise ConfigError(text("read.api_source", loc, type="''"))
    if p.is_dir():
        return read_folder(p, limits=limits, locale=locale, progress=progress)
    suffix = p.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES or suffix in OTHER_SPREADSHEETS:
        return read_workbook(p, limits=limits, locale=locale, progress=progress)
    if suffix in CSV_SUFFIXES:
        t = read_csv(p, limits=limits, locale=locale, progress=progress)
        return {t.name: t}
    check_regular_file(p, limits.max_file_bytes, loc)
    raise InputError(text("read.unknown_kind", loc, file=p.name))
