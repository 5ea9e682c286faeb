"""Running a mapping: export files → canonical kpi_xl tables, with a report of every change.

Per table, in this order (see docs/imports.md):

1. read the source (each export file is read once, as text; ``.csv``, ``.csv.gz``, ``.xlsx``);
2. joins (left by default; unmatched keys and duplicate right-hand keys are reported);
3. drop rules, in the order written; a row is counted under the first rule that drops it;
4. columns: source column / constant / product of columns, ``normalize`` respellings,
   ``values`` translations (unmapped values reported), ``template``, ``default`` for blanks,
   then typed (dates, numbers);
5. automatic drops, each counted with its reason: a required column blank or unparseable, a
   value the mapping says to drop, a close date before the created date (if asked), duplicate
   ids (first kept);
6. ``aggregate`` (sum lines into one row per key) or ``distinct`` (one row per key, conflicting
   values reported);
7. after all tables: rows pointing at a rep or customer missing from the Reps/Customers table
   are dropped (reported).

Nothing is silent: every dropped, filled, clamped, respelled or unmapped value is counted in
:class:`ImportReport`. Everything is vectorised (the UCI export has 541,909 lines).
"""

from __future__ import annotations

import fnmatch
import os
from collections import Counter
from pathlib import Path

import pandas as pd

from ..dataset import conform
from ..errors import InputError
from ..schema import table_spec
from .columns import column_values, drop_mask, first_examples, is_open_status
from .fields import check_field_counts
from .mapping import Mapping, SourceSpec, TableMapping
from .report import ImportReport, ImportResult, TableReport

__all__ = ["import_sources"]




# --------------------------------------------------------------------------- reading


def _expand(sources: list[str | os.PathLike[str]]) -> list[Path]:
    files: list[Path] = []
    for s in sources:
        p = Path(s)
        if p.is_dir():
            files += sorted(f for f in p.iterdir() if f.is_file())
        elif p.exists():
            files.append(p)
        else:
            raise InputError(f"No such file or folder: {p}")
    return files


def _match(spec: SourceSpec, files: list[Path]) -> Path | None:
    hits = [f for f in files if fnmatch.fnmatch(f.name.lower(), spec.file.lower())]
    if len(hits) > 1:
        raise InputError(f"source {spec.name!r}: {len(hits)} files match {spec.file!r} "
                         f"({', '.join(h.name for h in hits)}); give only one")
    return hits[0] if hits else None


def _read(spec: SourceSpec, path: Path) -> pd.DataFrame:
    name = path.name.lower()
    try:
        if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
            frame = pd.read_excel(path, sheet_name=spec.sheet or 0, dtype=str, engine="calamine",
                                  keep_default_na=False, na_values=list(spec.na_values))
        else:
            check_field_counts(path, spec.sep, spec.encoding)
            frame = pd.read_csv(path, dtype=str, sep=spec.sep, encoding=spec.encoding,
                                keep_default_na=False, na_values=list(spec.na_values),
                                compression="infer", index_col=False)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name}: not {spec.encoding} text ({exc}); set encoding = … in "
                         f"[sources.{spec.name}]") from exc
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(f"Cannot read {path}: {exc}") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _need_columns(frame: pd.DataFrame, cols: tuple[str, ...] | list[str], where: str,
                  origin: str) -> None:
    from ..validate import did_you_mean

    for c in cols:
        if c not in frame.columns:
            raise InputError(f"{where}: column {c!r} is not in {origin} — "
                             f"{did_you_mean(c, [str(x) for x in frame.columns])}")




def _map_table(tm: TableMapping, frame: pd.DataFrame, settings, tr: TableReport
               ) -> pd.DataFrame:
    spec = table_spec(tm.table, settings.stages)
    drop = pd.Series(False, index=frame.index)
    out: dict[str, pd.Series] = {}
    blanks: dict[str, pd.Series] = {}
    for name, rule in tm.columns.items():
        c = spec.column(name)
        vals, bad, unmapped_drop = column_values(rule, frame, c.kind, tr, drop, tm.table)
        drop = drop | unmapped_drop
        if bad.any():
            src = rule.column or "+".join(rule.multiply) or "const"
            ex = first_examples(frame[rule.column] if rule.column else vals, bad)
            if c.required:
                tr.drop(f"{name}: not a valid {c.kind} in {src!r} (e.g. {ex})",
                        int((bad & ~drop).sum()))
                drop = drop | bad
            else:
                tr.change(f"{name}: not a valid {c.kind} in {src!r}, left blank (e.g. {ex})",
                          int((bad & ~drop).sum()))
        out[name] = vals
        if c.required:
            miss = vals.isna() & ~bad
            if tm.table == "opportunities" and name == "created_date":
                blanks[name] = miss  # decided below, once the status is known
                continue
            tr.drop(f"{name}: required value blank", int((miss & ~drop).sum()))
            drop = drop | miss
    if "created_date" in blanks:  # open deals nobody dated are kept: they are today's pipeline
        miss = blanks["created_date"]
        status = out.get("status")
        undated_open = miss & (status.astype(object).map(is_open_status).fillna(False).astype(bool)
                               if status is not None else False)
        tr.drop("created_date: required value blank", int((miss & ~undated_open & ~drop).sum()))
        if (undated_open & ~drop).any():
            tr.notes.append(f"{int((undated_open & ~drop).sum()):,} open deals without a date "
                            "kept: counted in all-time and open-pipeline figures, in no dated "
                            "period")
        drop = drop | (miss & ~undated_open)
    mapped = pd.DataFrame(out, index=frame.index)
    if tm.if_close_before_created != "keep" and {"created_date", "close_date"} <= set(mapped):
        before = (mapped["close_date"] < mapped["created_date"]) & ~drop
        if before.any():
            if tm.if_close_before_created == "drop":
                tr.drop("close date before created date", int(before.sum()))
                drop = drop | before
            else:
                ids = ", ".join(mapped.loc[before, "opportunity_id"].astype(str).head(5)) \
                    if "opportunity_id" in mapped else ""
                tr.change(f"created_date set to close_date (close before created: {ids})",
                          int(before.sum()))
                mapped.loc[before, "created_date"] = mapped.loc[before, "close_date"]
    mapped = mapped[~drop]
    for name in mapped.columns:
        if not spec.column(name).required:
            n = int(mapped[name].isna().sum())
            if n:
                tr.blanks[name] = n
    return mapped


def _aggregate(tm: TableMapping, mapped: pd.DataFrame, tr: TableReport) -> pd.DataFrame:
    agg = tm.aggregate or {}
    by = list(agg["by"])
    how: dict[str, str] = {}
    for k in ("sum", "first", "min", "max"):
        for c in agg.get(k, ()):
            how[c] = k
    left_out = [c for c in mapped.columns if c not in how and c not in by]
    before = len(mapped)
    out = mapped.groupby(by, sort=False, dropna=False).agg(how).reset_index() if how else \
        mapped[by].drop_duplicates()
    tr.notes.append(f"aggregated {before:,} rows into {len(out):,} (one per "
                    f"{' + '.join(by)}; summed: {', '.join(agg.get('sum', ())) or '—'})"
                    + (f"; not kept: {', '.join(left_out)}" if left_out else ""))
    return out[[c for c in mapped.columns if c in out.columns]]


def _distinct(tm: TableMapping, mapped: pd.DataFrame, tr: TableReport) -> pd.DataFrame:
    keys = list(tm.distinct)
    before = len(mapped)
    has_key = mapped[keys].notna().all(axis=1)
    mapped = mapped[has_key]
    for c in mapped.columns:
        if c in keys:
            continue
        n = mapped.dropna(subset=[c]).groupby(keys)[c].nunique()
        conflicts = int((n > 1).sum())
        if conflicts:
            tr.change(f"{c}: {'+'.join(keys)} with more than one {c} value "
                      "(the first kept)", conflicts)
    out = mapped.drop_duplicates(subset=keys, keep="first")
    tr.notes.append(f"one row per {'+'.join(keys)}: {before:,} rows → {len(out):,}")
    return out


def _join(frame: pd.DataFrame, rule, right: pd.DataFrame, tr: TableReport,
          origin: str) -> pd.DataFrame:
    _need_columns(frame, [rule.left_on], f"tables.{tr.table}.joins", origin)
    _need_columns(right, [rule.right_on], f"tables.{tr.table}.joins", f"source {rule.source}")
    cols = list(rule.columns) if rule.columns else [c for c in right.columns]
    if rule.right_on not in cols:
        cols = [rule.right_on, *cols]
    right = right[cols]
    dup = right[rule.right_on].duplicated(keep="first") & right[rule.right_on].notna()
    if dup.any():
        tr.notes.append(f"join {rule.source}: {int(dup.sum())} duplicate {rule.right_on!r} "
                        "keys on the right (first kept)")
        right = right[~dup]
    clash = [c for c in right.columns if c in frame.columns and c != rule.left_on]
    right = right.rename(columns={c: f"{rule.source}.{c}" for c in clash})
    key = rule.right_on if rule.right_on not in clash else f"{rule.source}.{rule.right_on}"
    idx = frame.index
    merged = frame.merge(right, how="left", left_on=rule.left_on, right_on=key,
                         indicator="_merge", suffixes=("", f".{rule.source}"))
    merged.index = idx
    unmatched = (merged["_merge"] == "left_only") & frame[rule.left_on].notna()
    if unmatched.any():
        vals = frame.loc[unmatched, rule.left_on].astype(str)
        ex = ", ".join(repr(v) for v in pd.unique(vals)[:5])
        if rule.how == "inner":
            tr.drop(f"no match in {rule.source} for {rule.left_on!r} (e.g. {ex})",
                    int(unmatched.sum()))
            merged = merged[~unmatched]
        else:
            tr.notes.append(f"join {rule.source} on {rule.left_on!r}: {int(unmatched.sum()):,} "
                            f"rows without a match (kept; e.g. {ex})")
    if rule.how == "inner":
        nokey = frame[rule.left_on].isna()
        if nokey.any():
            tr.drop(f"blank {rule.left_on!r} (inner join with {rule.source})", int(nokey.sum()))
            merged = merged[~nokey.reindex(merged.index, fill_value=False)]
    matched_right = right[key].isin(frame[rule.left_on]).sum()
    tr.notes.append(f"join {rule.source} on {rule.left_on!r}: {int(matched_right):,} of "
                    f"{len(right):,} {rule.source} rows used")
    return merged.drop(columns="_merge")


def _check_refs(frames: dict[str, pd.DataFrame], report: ImportReport) -> None:
    """Drop rows that point at a rep/customer missing from the imported Reps/Customers."""
    refs = [("reps", "rep", ("opportunities", "activities", "customers", "targets")),
            ("customers", "customer", ("orders",))]
    for master, col, users in refs:
        if master not in frames:
            continue
        known = set(frames[master][col].dropna())
        for u in users:
            if u not in frames or col not in frames[u]:
                continue
            f = frames[u]
            bad = f[col].notna() & ~f[col].isin(known)
            if bad.any():
                tr = report.tables[u]
                ex = ", ".join(repr(v) for v in pd.unique(f.loc[bad, col].astype(str))[:5])
                tr.drop(f"{col} not in the imported {master} table (e.g. {ex})",
                        int(bad.sum()))
                if tr.rows_out == tr.rows_kept:  # one output row per kept source row
                    tr.rows_kept -= int(bad.sum())
                frames[u] = f[~bad].reset_index(drop=True)
                tr.rows_out = len(frames[u])


# --------------------------------------------------------------------------- the entry point


def import_sources(mapping: Mapping, sources: list[str | os.PathLike[str]]) -> ImportResult:
    """Run ``mapping`` on the export files ``sources`` (files or folders).

    Returns the canonical tables (``frames``; ``settings`` holds the mapping's settings as
    key/value rows) and the report. Raises :class:`InputError` when a required source file is
    missing or a mapped source column does not exist.
    """
    files = _expand(sources)
    report = ImportReport(mapping=mapping.name)
    raw: dict[str, pd.DataFrame] = {}
    for name, spec in mapping.sources.items():
        path = _match(spec, files)
        if path is None:
            if spec.required and any(
                    tm.source == name or any(j.source == name for j in tm.joins)
                    for tm in mapping.tables.values()):
                raise InputError(f"source {name!r}: no file matches {spec.file!r} among "
                                 f"{', '.join(f.name for f in files) or 'no files'}")
            continue
        report.files[name] = str(path)
        raw[name] = _read(spec, path)
    frames: dict[str, pd.DataFrame] = {}
    kept_source_rows: dict[str, pd.DataFrame] = {}
    settings = mapping.settings
    for tname in mapping.order:
        tm = mapping.tables[tname]
        if tm.source.startswith("@"):
            frame = frames[tm.source[1:]].copy()
            origin = f"the imported {tm.source[1:]} table"
        elif tm.rows_from:
            frame = kept_source_rows[tm.rows_from].copy()
            origin = f"{tm.source} (rows kept by {tm.rows_from})"
        else:
            if tm.source not in raw:
                continue
            frame = raw[tm.source]
            origin = f"source {tm.source} ({Path(report.files[tm.source]).name})"
        tr = TableReport(tname, origin, rows_read=len(frame))
        report.tables[tname] = tr
        for j in tm.joins:
            if j.source not in raw:
                tr.notes.append(f"join {j.source}: no file given, columns left blank")
                continue
            frame = _join(frame, j, raw[j.source], tr, origin)
        need = {c for r in tm.columns.values() for c in r.source_columns()}
        need |= {d.column for d in tm.drops if d.column}
        need |= {c for d in tm.drops if d.columns for c in d.columns}
        _need_columns(frame, sorted(need), f"tables.{tname}", origin)
        alive = pd.Series(True, index=frame.index)
        for rule in tm.drops:
            m = drop_mask(rule, frame[alive] if rule.op == "duplicate" else frame)
            m = m.reindex(frame.index, fill_value=False) & alive
            tr.drop(rule.reason, int(m.sum()), always=True)
            alive &= ~m
        frame = frame[alive]
        mapped = _map_table(tm, frame, settings, tr)
        kept_source_rows[tname] = frame.loc[mapped.index]
        tr.rows_kept = len(mapped)
        if tm.aggregate:
            mapped = _aggregate(tm, mapped, tr)
        elif tm.distinct:
            mapped = _distinct(tm, mapped, tr)
        spec = table_spec(tname, settings.stages)
        if spec.key and spec.key in mapped and not tm.distinct:
            dup = mapped[spec.key].duplicated(keep="first") & mapped[spec.key].notna()
            tr.drop(f"duplicate {spec.key} (first kept)", int(dup.sum()))
            tr.rows_kept -= int(dup.sum())
            mapped = mapped[~dup]
        mapped = mapped.reset_index(drop=True)
        frames[tname] = mapped
        tr.rows_out = len(mapped)
    _check_refs(frames, report)
    typed = {}
    for name, f in frames.items():
        full = conform(name, f, settings)
        typed[name] = full[[c for c in full.columns if c in f.columns]]
    typed["settings"] = mapping.settings_frame()
    _notes(typed, report)
    return ImportResult(frames=typed, report=report, mapping=mapping)


def _notes(frames: dict[str, pd.DataFrame], report: ImportReport) -> None:
    for name, f in frames.items():
        if name == "settings" or not len(f):
            continue
        dates = [c for c in f.columns if pd.api.types.is_datetime64_any_dtype(f[c])]
        spans = []
        for c in dates:
            if f[c].notna().any():
                spans.append(f"{c} {f[c].min().date()} … {f[c].max().date()}")
        if spans and name in report.tables:
            report.tables[name].notes.append("dates: " + "; ".join(spans))
    counts = Counter({n: len(f) for n, f in frames.items() if n != "settings"})
    report.notes.append("rows per table: " + ", ".join(f"{n} {c:,}" for n, c in counts.items()))
