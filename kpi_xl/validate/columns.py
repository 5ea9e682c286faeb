"""One table from cells as written to typed canonical columns: headers, blank rows, values.

Column operations throughout: every column is classified once (:func:`kpi_xl.parse.classify`),
each distinct text parsed once, and problems are built only for the cells that failed.

- Headers are matched to canonical columns by any of their English/Japanese names
  (:func:`kpi_xl.schema.normalize_header`); a missing required column names the closest unused
  header; two headers meaning one column, and one header written twice, are problems.
- A row is blank when every cell of it (every column, used or not) is blank. Blank rows with
  data below them are excluded and counted (``Exclusion(reason="blank_row")``); trailing blank
  rows (an Excel table's empty rows at its end) are not data and are dropped without a count.
- Values are parsed by the column's kind (dates, months, amounts, counts, flags, text); each
  unreadable cell is one problem with its own reason and a hint with examples, and its cell is
  marked bad so that no later check reports the same cause again.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from ..i18n import catalog
from ..parse import (
    ANY,
    COUNT,
    MONEY,
    Issue,
    classify,
    read_dates,
    read_flags,
    read_numbers,
    text_values,
)
from ..parse.cells import BLANK, from_distinct
from ..schema import TableSpec, normalize_header
from .codes import to_codes
from .collect import Collector, Table

__all__ = ["convert_table", "issue_texts", "map_headers", "row_numbers"]

_UNITS = {("opportunities", "amount"): MONEY, ("orders", "amount"): MONEY,
          ("orders", "quantity"): COUNT}
_UNIT_HINTS = {MONEY: "hint.amount", COUNT: "hint.count", ANY: "hint.number"}


def row_numbers(raw: object) -> np.ndarray:
    """The row number the user sees for each row of ``raw.frame``."""
    frame = raw.frame  # type: ignore[attr-defined]
    rows = getattr(raw, "rows", None)
    if rows is not None and len(rows) == len(frame):
        return np.asarray(rows, dtype=np.int64)
    return int(raw.header_row) + 1 + np.arange(len(frame), dtype=np.int64)  # type: ignore


def issue_texts(issue: Issue, kind_hint: str, col: Collector) -> tuple[str, str]:
    """(problem, hint) of a cell the parser could not read, in the book's language."""
    params = dict(issue.params)
    if "weekday" in params:
        params["weekday"] = col.t(f"weekday.{params['weekday']}")
    problem = col.t(f"msg.{issue.code}", **params)
    hint_key = f"hint.{issue.code}"
    hint = col.t(hint_key, **params) if hint_key in catalog(col.locale) else col.t(kind_hint)
    return problem, hint


def _closest_header(names: tuple[str, ...], unused: list[str]) -> str:
    best, score = "", 0.0
    for h in unused:
        for n in names:
            if n:
                r = difflib.SequenceMatcher(None, normalize_header(h), normalize_header(n)).ratio()
                if r > score:
                    best, score = h, r
    return best if score >= 0.6 else ""


def map_headers(raw: object, spec: TableSpec, col: Collector,
                where: str) -> dict[str, str] | None:
    """raw column → canonical name; records missing/duplicate columns. None if unusable."""
    frame: pd.DataFrame = raw.frame  # type: ignore[attr-defined]
    header_row = int(raw.header_row)  # type: ignore[attr-defined]
    lookup: dict[str, str] = {}
    for c in spec.columns:
        for n in c.all_names():
            lookup.setdefault(normalize_header(n), c.name)
    mapping: dict[str, str] = {}
    seen: dict[str, str] = {}
    unused: list[str] = []
    counts = pd.Series([str(c) for c in frame.columns]).value_counts()
    reported: set[str] = set()
    for rc in (str(c) for c in frame.columns):
        if counts[rc] > 1:
            if rc not in reported:
                reported.add(rc)
                col.add(where, header_row, rc, None,
                        col.t("msg.column.duplicate_header", count=int(counts[rc])),
                        col.t("hint.column.duplicate_header"))
            continue
        canon = lookup.get(normalize_header(rc))
        if canon is None:
            unused.append(rc)
            continue
        if canon in seen:
            col.add(where, header_row, rc, None,
                    col.t("msg.column.twice", first=seen[canon], second=rc),
                    col.t("hint.column.twice"))
            continue
        seen[canon] = rc
        mapping[rc] = canon
    ok = True
    for c in spec.columns:
        if c.required and c.name not in seen:
            near = _closest_header(c.all_names(), unused)
            if near:
                hint = col.t("hint.column.rename", found=near, label=c.label(col.locale))
            else:
                hint = col.t("hint.column.found", columns=col.t("list.sep").join(
                    f"'{h}'" for h in map(str, frame.columns)))
            col.add(where, header_row, c.label(col.locale), None, col.t("msg.column.missing"),
                    hint)
            ok = False
    if unused and ok:
        col.warn(where, header_row, ", ".join(unused), None, col.t("msg.column.unused"))
    return mapping if ok else None


def convert_table(raw: object, spec: TableSpec, mapping: dict[str, str], col: Collector,
                  where: str) -> Table:
    """Typed canonical columns of one table; problems for unreadable and missing values."""
    frame: pd.DataFrame = raw.frame  # type: ignore[attr-defined]
    name = spec.name
    rows = row_numbers(raw)
    n = len(frame)
    blank_row = np.ones(n, dtype=bool)
    columns: dict[str, pd.Series] = {}
    bad: dict[str, np.ndarray] = {}
    shown = {v: k for k, v in mapping.items()}
    issues: list[tuple[int, str, object, Issue, str]] = []
    for i, rc in enumerate(frame.columns):
        s = frame.iloc[:, i].reset_index(drop=True)
        cells = classify(s)
        blank_row &= cells.kind == BLANK
        canon = mapping.get(str(rc))
        if canon is None:
            continue
        c = spec.column(canon)
        if c.kind == "date":
            month = name == "targets" and canon == "period"
            p = read_dates(s, month=month, cells=cells)
            hint = "hint.month" if month else "hint.date"
        elif c.kind in ("number", "int"):
            unit = _UNITS.get((name, canon), ANY)
            p = read_numbers(s, unit=unit, cells=cells)
            hint = _UNIT_HINTS[unit]
        elif c.kind == "bool":
            p = read_flags(s, cells=cells)
            hint = "hint.flag"
        else:
            columns[canon] = (from_distinct(cells.text_codes, cells.text_uniques)
                              if cells.only_text else to_codes(text_values(s, cells=cells)))
            continue
        columns[canon] = p.values
        mask = p.bad.to_numpy()
        bad[canon] = mask
        for j in np.flatnonzero(mask):
            issues.append((j, canon, s.iloc[j], p.issues.iloc[j], hint))
    for j, canon, value, issue, hint in sorted(issues, key=lambda x: x[0]):
        problem, hint_text = issue_texts(issue, hint, col)
        col.add(where, int(rows[j]), shown[canon], value, problem, hint_text)
    out = pd.DataFrame(columns, index=pd.RangeIndex(n))
    typed = pd.DataFrame({canon: frame.iloc[:, i].reset_index(drop=True)
                          for i, rc in enumerate(frame.columns)
                          if (canon := mapping.get(str(rc))) is not None})
    table = Table(name, where, out, rows, shown=shown, bad=bad, typed=typed)
    if blank_row.any():
        data = np.flatnonzero(~blank_row)
        last = data[-1] if len(data) else -1
        inner = blank_row & (np.arange(n) < last)
        col.exclude(name, "blank_row", rows[inner])
        table.keep(~blank_row)
    for c in spec.columns:
        if (name, c.name) == ("opportunities", "created_date"):
            continue  # open deals may be undated (CRM exports): checked with the status
        if c.required and c.name in table.frame.columns:
            missing = table.frame[c.name].isna().to_numpy() & ~table.is_bad(c.name)
            label = table.header(c.name, col.locale)
            for j in np.flatnonzero(missing):
                col.add(where, int(table.rows[j]), label, None, col.t("msg.required"),
                        col.t("hint.required", column=label))
    return table
