"""One mapped column at a time: drop rules, respellings, value translations, templates,
defaults and typing, vectorised over each column's distinct values, every change counted."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..parse import parse_dates, parse_numbers
from ..schema import normalize_header
from .mapping import ColumnRule, DropRule
from .report import TableReport

__all__ = ["column_values", "drop_mask", "first_examples", "is_open_status"]




# --------------------------------------------------------------------------- steps


def _per_unique(s: pd.Series, fn, na_value: object) -> pd.Series:
    """``fn`` applied once per distinct value (exports repeat values a lot: 541,909 lines have
    4,372 customer ids), ``na_value`` where ``s`` is missing."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    values = np.array([fn(u) for u in uniques] + [na_value], dtype=object)
    return pd.Series(values[codes], index=s.index)


def _blank(s: pd.Series) -> pd.Series:
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        return _per_unique(s, lambda v: str(v).strip() == "", True).astype(bool)
    return s.isna()


def drop_mask(rule: DropRule, frame: pd.DataFrame) -> pd.Series:
    if rule.op == "duplicate":
        return frame.duplicated(subset=list(rule.columns) if rule.columns else None, keep="first") \
            if rule.arg else pd.Series(False, index=frame.index)
    s = frame[rule.column]
    if rule.op == "blank":
        m = _blank(s)
        return m if rule.arg else ~m
    arg = rule.arg
    if rule.op == "startswith":
        return _per_unique(s, lambda v: str(v).strip().startswith(str(arg)), False).astype(bool)
    if rule.op == "equals":
        return _per_unique(s, lambda v: str(v).strip() == str(arg), False).astype(bool)
    if rule.op == "in":
        allowed = {str(v) for v in arg}
        return _per_unique(s, lambda v: str(v).strip() in allowed, False).astype(bool)
    if rule.op == "matches":
        rx = re.compile(str(arg))
        return _per_unique(s, lambda v: rx.search(str(v).strip()) is not None,
                           False).astype(bool)
    num = pd.to_numeric(s, errors="coerce")
    cmp = {"lt": num < rule.arg, "le": num <= rule.arg, "gt": num > rule.arg,
           "ge": num >= rule.arg}[rule.op]
    return cmp.fillna(False).astype(bool)


def _map_unique(s: pd.Series, fn) -> pd.Series:
    """Apply ``fn`` to each distinct non-blank value only (fast on repetitive exports)."""
    uniq = pd.unique(s.dropna())
    table = {u: fn(u) for u in uniq}
    return s.map(table)


def _norm_lookup(d: dict) -> dict[str, object]:
    out: dict[str, object] = {}
    for k, v in d.items():
        out.setdefault(normalize_header(k), v)
    return out


def _translate(s: pd.Series, mapping: dict, what: str, tr: TableReport,
               count_unmapped: bool) -> tuple[pd.Series, pd.Series]:
    """Translate values exactly, then by folded spelling. Returns (values, unmapped mask)."""
    exact = {str(k): v for k, v in mapping.items()}
    folded = _norm_lookup(mapping)
    missing = object()

    def look(v: object) -> object:
        t = str(v).strip()
        if t in exact:
            return exact[t]
        return folded.get(normalize_header(t), missing)

    mapped = _map_unique(s, look)
    unmapped = s.notna() & mapped.map(lambda v: v is missing).fillna(False).astype(bool)
    if count_unmapped and unmapped.any():
        tr.unmapped[what] = {str(k): int(n) for k, n in s[unmapped].value_counts().items()}
    return mapped.where(~unmapped, s).where(s.notna()), unmapped & s.notna()


def column_values(rule: ColumnRule, frame: pd.DataFrame, kind: str, tr: TableReport,
                   drop: pd.Series, table: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(typed values, unparseable mask, rows to drop because of an unmapped value)."""
    col = rule.name
    drop_unmapped = pd.Series(False, index=frame.index)
    if rule.const is not None:
        s = pd.Series(rule.const, index=frame.index, dtype=object)
    elif rule.multiply:
        nums = [pd.to_numeric(frame[c], errors="coerce") for c in rule.multiply]
        s = nums[0]
        for n in nums[1:]:
            s = s * n
    else:
        s = frame[rule.column].astype(object).where(~_blank(frame[rule.column]))
        if rule.if_present is not None or rule.if_blank is not None:
            present = s.notna()
            s = pd.Series(np.where(present, rule.if_present, rule.if_blank), index=frame.index,
                          dtype=object)
            s = s.where(pd.notna(s) & (s != ""))
    if rule.normalize:
        s, _ = _translate(s, rule.normalize, col, tr, count_unmapped=False)
        for (src, dst) in rule.normalize.items():
            n = int((frame[rule.column].astype("string").str.strip() == src).sum()) \
                if rule.column else 0
            if n:
                tr.change(f"{col}: '{src}' respelled '{dst}'", n)
    if rule.values is not None:
        s, unmapped = _translate(s, rule.values, col, tr, count_unmapped=True)
        s = s.where(~((s == "") & s.notna()))
        if unmapped.any():
            if rule.unmapped == "blank":
                s = s.where(~unmapped)
            elif rule.unmapped == "drop":
                newly = unmapped & ~drop
                tr.drop(f"{col}: value not in the mapping's values (unmapped = \"drop\")",
                        int(newly.sum()))
                drop_unmapped = unmapped
            elif rule.unmapped == "error":
                vals = ", ".join(repr(v) for v in tr.unmapped.get(col, {}))
                raise ConfigError(f"tables.{table}.columns.{col}: values not in the mapping: "
                                  f"{vals} (add them to values, or set unmapped = \"keep\"/"
                                  "\"blank\"/\"drop\")")
    if rule.template:
        tpl = rule.template
        s = _map_unique(s, lambda v: tpl.format(value=str(v)))
    if rule.default is not None:
        blank = s.isna()
        if blank.any():
            tr.change(f"{col}: blank filled with {rule.default!r}", int((blank & ~drop).sum()))
            s = s.where(~blank, rule.default)
    # types
    if kind == "date":
        blank = s.isna()
        if rule.date != "auto":
            codes, uniques = pd.factorize(s, use_na_sentinel=True)
            days = pd.to_datetime(pd.Series(uniques, dtype=object).astype(str),
                                  format=rule.date, errors="coerce")
            days = np.append(days.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT"))
            parsed = pd.Series(days[codes], index=s.index)
        else:
            parsed, _ = parse_dates(s.astype(object))
        parsed = parsed.dt.normalize().astype("datetime64[ns]")
        bad = parsed.isna() & ~blank
        return parsed, bad, drop_unmapped
    if kind == "number":
        if pd.api.types.is_numeric_dtype(s.dtype):
            parsed = s.astype("float64")
            return parsed, pd.Series(False, index=s.index), drop_unmapped
        parsed, bad = parse_numbers(s.astype(object))
        return parsed, bad, drop_unmapped
    if kind == "bool":
        from ..parse import parse_bool

        parsed, bad = parse_bool(s.astype(object))
        return parsed, bad, drop_unmapped
    out = _per_unique(s, lambda v: str(v).strip() or None, None).astype("string")
    return out, pd.Series(False, index=s.index), drop_unmapped


def first_examples(s: pd.Series, mask: pd.Series, n: int = 3) -> str:
    vals = pd.unique(s[mask].astype(str))[:n]
    return ", ".join(repr(v) for v in vals)


def is_open_status(status: object) -> bool:
    """A mapped status that is neither won nor lost (open, or a stage name)."""
    if status is None or (isinstance(status, float) and status != status):
        return False
    return normalize_header(status) not in {normalize_header(x) for x in (
        "won", "lost", "受注", "失注", "closed won", "closed lost")}
