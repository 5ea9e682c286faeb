"""Amounts and counts as Japanese offices write them, each form read or refused with a reason.

Read (after NFKC, so full-width digits, ``，`` and ``．`` count as their ASCII forms):

- numbers, and text such as ``1200000``, ``1,200,000``, ``1 200 000``, ``1.5``, ``1.2E+06``;
- a currency mark before or after: ``¥1,200,000``, ``￥1,200``, ``1,200円``, ``JPY 5``,
  ``$2,500.50``, and ``\\1,200,000`` — the backslash a Shift-JIS (CP932) CSV shows where Excel
  displayed ¥;
- Japanese multipliers, alone or combined from the largest down: ``120万円`` (1,200,000),
  ``1,500千円`` (1,500,000), ``1.2百万円`` (1,200,000), ``3億円``, ``1億2,000万円``;
- negatives: ``-1,000``, ``−1,000``, ``△1,000``, ``▲1,000``, ``(1,000)``, ``1,000-``;
- counts with a unit (count columns and columns that take either): ``2件``, ``3社``, ``5回``,
  ``4人``, ``3名``, ``2個``, ``1台``, ``2本``, ``5枚``, ``3か所``, ``2通``.

Refused, with a reason (an :class:`~kpi_xl.parse.result.Issue`):

- ``number.grouping``: separators in the wrong places — ``12,00,000``, ``1.200.000``,
  ``1,20`` — never read as some other number;
- ``number.not_finite``: ``inf``, ``1e400``, ``NaN`` written as text, infinite cells;
- ``number.unit``: a unit that does not fit the column (``5件`` as an amount, ``¥5`` as a
  count, ``30%``);
- ``cell.excel_error``: ``#N/A``, ``#VALUE!`` …;
- ``number.unreadable``: anything else (``ten``, ``約100万``, a date or TRUE in a number column).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from .cells import BLANK, NUMBER, TEXT, Cells, classify, per_text
from .result import EXCEL_ERRORS, Issue, Parsed
from .text import nfkc

__all__ = ["ANY", "COUNT", "MONEY", "parse_numbers", "read_numbers"]

MONEY, COUNT, ANY = "money", "count", "any"

_MULTIPLIERS = {"兆": 1e12, "億": 1e8, "百万": 1e6, "万": 1e4, "千": 1e3}
_COUNT_UNITS = ("箇所", "ヶ所", "か所", "カ所", "件", "社", "回", "人", "名", "個", "台",
                "本", "枚", "通", "店", "組")
_CURRENCY_PREFIX = re.compile(r"^(?:[¥$€£\\]|JPY|USD|EUR|円)", re.I)
_CURRENCY_SUFFIX = re.compile(r"(?:円|JPY|USD|EUR|ドル)$", re.I)
_NEG_PREFIX = "-−▲△▼"
_PART = re.compile(r"(\d[\d,]*(?:\.\d+)?|\.\d+)(兆|億|百万|万|千)?")
_PLAIN = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$")
_SCI = re.compile(r"^\d+(?:\.\d+)?e[+-]?\d+$", re.I)
_NON_FINITE = {"inf", "+inf", "-inf", "infinity", "-infinity", "nan", "-nan", "#num!"}


def _strip_marks(s: str) -> tuple[str, bool, bool, str]:
    """(body, negative, had a currency mark, count unit or '') — or raises ValueError."""
    neg = False
    currency = False
    unit = ""
    changed = True
    while changed and s:
        changed = False
        if s[0] in _NEG_PREFIX and not neg:
            s, neg, changed = s[1:].lstrip(), True, True
        elif s[0] == "+":
            s, changed = s[1:].lstrip(), True
        elif s[0] == "(" and s[-1] == ")" and not neg:
            s, neg, changed = s[1:-1].strip(), True, True
        elif (m := _CURRENCY_PREFIX.match(s)) is not None:
            s, currency, changed = s[m.end():].lstrip(), True, True
        elif (m := _CURRENCY_SUFFIX.search(s)) is not None:
            s, currency, changed = s[:m.start()].rstrip(), True, True
        elif s[-1] in "-−" and not neg and len(s) > 1:
            s, neg, changed = s[:-1].rstrip(), True, True
        elif not unit:
            for u in _COUNT_UNITS:
                if s.endswith(u) and len(s) > len(u):
                    s, unit, changed = s[:-len(u)].rstrip(), u, True
                    break
    return s, neg, currency, unit


def _parse_text(text: str, unit_kind: str) -> tuple[float | None, Issue | None]:
    raw = text.strip()
    if raw.upper() in EXCEL_ERRORS:
        return None, Issue("cell.excel_error", {})
    s = nfkc(raw).strip()
    if s.lower().replace(" ", "") in _NON_FINITE:
        return None, Issue("number.not_finite", {})
    if s.endswith("%"):
        return None, Issue("number.unit", {"unit": "%"})
    body, neg, currency, unit = _strip_marks(s)
    if currency and unit_kind == COUNT:
        return None, Issue("number.unit", {"unit": "¥ / 円"})
    if unit and unit_kind == MONEY:
        return None, Issue("number.unit", {"unit": unit})
    body = re.sub(r"(?<=\d)[ \u00a0](?=\d{3}\b)", ",", body)
    if not body or re.search(r"\s", body):
        return None, Issue("number.unreadable", {})
    if re.fullmatch(r"[\d.,]+", body) and not _PLAIN.match(body):
        return None, Issue("number.grouping", {})
    if _SCI.match(body):
        value = float(body)
    else:
        pos, total, last_unit = 0, 0.0, math.inf
        for m in _PART.finditer(body):
            if m.start() != pos:
                return None, Issue("number.unreadable", {})
            digits, mult = m.group(1), _MULTIPLIERS.get(m.group(2) or "", 1.0)
            if not _PLAIN.match(digits):
                return None, Issue("number.grouping", {})
            part = float(digits.replace(",", ""))
            if mult >= last_unit or (total and part * mult >= last_unit):
                return None, Issue("number.unreadable", {})
            total += part * mult
            last_unit = mult
            pos = m.end()
        if pos != len(body) or pos == 0:
            if re.fullmatch(r"[\d.,]+", body):
                return None, Issue("number.grouping", {})
            return None, Issue("number.unreadable", {})
        value = total
    if not math.isfinite(value):
        return None, Issue("number.not_finite", {})
    return (-value if neg else value), None


def read_numbers(s: pd.Series, *, unit: str = ANY, cells: Cells | None = None) -> Parsed:
    """Parse a column of amounts (``unit=MONEY``), counts (``COUNT``) or either (``ANY``).
    ``cells``: :func:`~kpi_xl.parse.cells.classify` of ``s`` when the caller has it."""
    cells = cells if cells is not None else classify(s)
    n = len(s)
    out = np.full(n, np.nan)
    issues = np.full(n, None, dtype=object)
    kind = cells.kind
    num = kind == NUMBER
    if num.any():
        vals = cells.number[num]
        finite = np.isfinite(vals)
        sub = np.where(finite, vals, np.nan)
        out[num] = sub
        for i in np.flatnonzero(num)[~finite]:
            issues[i] = Issue("number.not_finite", {})
    text = kind == TEXT
    if text.any():
        values, iss = per_text(cells, lambda t: _parse_text(t, unit), 2)
        out[text] = np.array([np.nan if v is None else v for v in values], dtype=float)
        issues[text] = iss
    for i in np.flatnonzero(~np.isin(kind, (BLANK, NUMBER, TEXT))):
        issues[i] = Issue("number.unreadable", {})
    return Parsed(pd.Series(out, index=s.index, name=s.name, dtype="float64"),
                  pd.Series(issues, index=s.index, dtype=object))


def parse_numbers(s: pd.Series, *, unit: str = ANY) -> tuple[pd.Series, pd.Series]:
    """``(float64 Series, bad mask)`` — :func:`read_numbers` without the reasons."""
    p = read_numbers(s, unit=unit)
    return p.values, p.bad.rename(s.name)
