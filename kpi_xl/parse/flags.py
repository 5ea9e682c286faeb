"""Yes/no cells: TRUE/FALSE, 1/0, ○/×, 有/無, はい/いいえ, 在籍/退職 …

Marks that look alike are all accepted: ○ (U+25CB), 〇 (U+3007, the kanji zero), ◯
(U+25EF), ● and ◎, check marks ✓ ✔ ☑ and the katakana レ typed for one; × ✕ ✗ ☓ for no.
A lone ``x`` is refused: it means "checked" on English forms and "no" (×) on Japanese ones.
A blank cell takes the column's default.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .cells import BLANK, FLAG, NUMBER, TEXT, Cells, classify, per_text
from .result import EXCEL_ERRORS, Issue, Parsed
from .text import name_key

__all__ = ["FALSE_WORDS", "TRUE_WORDS", "parse_bool", "read_flags"]

TRUE_WORDS = ("TRUE", "yes", "y", "t", "on", "1", "1.0", "active", "○", "〇", "◯", "●", "◎",
              "✓", "✔", "☑", "レ", "有", "有り", "あり", "有効", "在籍", "在籍中", "はい")
FALSE_WORDS = ("FALSE", "no", "n", "f", "off", "0", "0.0", "inactive", "×", "✕", "✗", "✘",
               "☓", "-", "無", "無し", "なし", "無効", "退職", "退職済", "退職済み", "退社",
               "休職", "いいえ")
_TRUE = frozenset(name_key(w) for w in TRUE_WORDS)
_FALSE = frozenset(name_key(w) for w in FALSE_WORDS)


def _parse_text(text: str) -> tuple[object, Issue | None]:
    if text.strip().upper() in EXCEL_ERRORS:
        return None, Issue("cell.excel_error", {})
    key = name_key(text)
    if key in _TRUE:
        return True, None
    if key in _FALSE:
        return False, None
    return None, Issue("flag.unreadable", {})


def read_flags(s: pd.Series, *, default: bool = True, cells: Cells | None = None) -> Parsed:
    """Parse a column of yes/no values; blank and unreadable cells take ``default``.
    ``cells``: :func:`~kpi_xl.parse.cells.classify` of ``s`` when the caller has it."""
    cells = cells if cells is not None else classify(s)
    out = np.full(len(s), default, dtype=bool)
    issues = np.full(len(s), None, dtype=object)
    kind = cells.kind
    flag = kind == FLAG
    out[flag] = cells.flag[flag]
    num = kind == NUMBER
    if num.any():
        v = cells.number[num]
        ok = (v == 0.0) | (v == 1.0)
        out[num] = np.where(ok, v == 1.0, default)
        for i in np.flatnonzero(num)[~ok]:
            issues[i] = Issue("flag.unreadable", {})
    text = kind == TEXT
    if text.any():
        values, iss = per_text(cells, _parse_text, 2)
        sub = out[text]
        got = np.array([v is not None for v in values], dtype=bool)
        sub[got] = np.array(list(values[got]), dtype=bool)
        out[text] = sub
        issues[text] = iss
    for i in np.flatnonzero(~np.isin(kind, (BLANK, FLAG, NUMBER, TEXT))):
        issues[i] = Issue("flag.unreadable", {})
    return Parsed(pd.Series(out, index=s.index, name=s.name),
                  pd.Series(issues, index=s.index, dtype=object))


def parse_bool(s: pd.Series, default: bool = True) -> tuple[pd.Series, pd.Series]:
    """``(bool Series, bad mask)`` — :func:`read_flags` without the reasons."""
    p = read_flags(s, default=default)
    return p.values, p.bad.rename(s.name)
