"""Text as typed: ids as text, matching keys for names, and invisible differences made visible.

Keys (:func:`name_key`): Unicode NFKC (full-width letters and digits become half-width,
half-width katakana full-width, ``㈱`` becomes ``(株)``), case folded, every space removed
(half- and full-width, tabs, line breaks) and zero-width characters dropped. So ``山田太郎``,
``山田 太郎`` and ``山田　太郎`` have one key, and ``東京1課`` equals ``東京１課``.

Company keys (:func:`company_key`) also drop a corporate affix at the start or end:
株式会社, (株), ㈱, 有限会社, (有), 合同会社, 合資会社, 合名会社, 一般社団法人 …, and
``Inc.``, ``Co., Ltd.``, ``Corp.``, ``LLC``. ``株式会社青葉商事``, ``青葉商事(株)`` and
``㈱青葉商事`` are one company.

NFKC is the standard library's (``unicodedata``). jaconv was judged and not used: its
``normalize`` turns ``－`` (full-width hyphen-minus) into ``ー`` (katakana long vowel), which
would change ids like ``ＡＢＣ－１`` and negative amounts; NFKC gives ``ABC-1`` and ``-1``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..i18n import text as _t
from .cells import BLANK, DATE, NUMBER, TEXT, Cells, classify, distinct

__all__ = ["company_key", "describe_difference", "name_key", "name_keys", "nfkc", "parse_text",
           "text_values", "visible"]

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"\s+")
_ASCII = re.compile(r"^[\x20-\x7e]*$")


def nfkc(text: str) -> str:
    """NFKC of ``text`` (ASCII text is returned as is)."""
    return text if _ASCII.match(text) else unicodedata.normalize("NFKC", text)


def name_key(text: object) -> str:
    """The matching key of a name (see the module docstring); '' for blank."""
    s = text if isinstance(text, str) else str(text)
    if s.isascii():  # NFKC leaves ASCII as it is; no zero-width characters in ASCII
        return "".join(s.split()).lower()
    s = unicodedata.normalize("NFKC", s).translate(_ZERO_WIDTH)
    return "".join(s.split()).casefold()


#: The ASCII characters ``str.split()`` splits on (space, \t \n \v \f \r and \x1c–\x1f).
_ASCII_SPACE = "".join(c for c in map(chr, range(128)) if c.isspace())
_IS_ASCII_SPACE = np.zeros(256, dtype=bool)
_IS_ASCII_SPACE[[ord(c) for c in _ASCII_SPACE]] = True
_SPACE_RUNS = "[" + "".join(f"\\x{ord(c):02x}" for c in _ASCII_SPACE) + "]+"  # RE2 syntax
_COLUMN_FROM = 2_000  # fewer distinct values: the plain loop is as fast


def name_keys(values: np.ndarray | pd.Series | list) -> np.ndarray:
    """:func:`name_key` of every value, as an object array aligned with ``values`` (None where
    a value is missing), computed once per distinct value — the batch form for columns.

    Same keys as :func:`name_key`, value for value. Distinct ASCII texts (ids, most names
    of English books) are keyed with Arrow column operations — ASCII white space removed,
    ASCII lower case, which is what ``name_key`` does to ASCII — and the others one by one
    with ``name_key`` (NFKC needs Python's own Unicode tables to stay identical)."""
    if isinstance(values, list):
        values = np.fromiter(values, dtype=object, count=len(values))
    codes, uniques = distinct(values)
    keys = _distinct_keys(uniques)
    return np.append(keys, None)[np.where(codes < 0, len(keys), codes)]


def _distinct_keys(uniques: np.ndarray) -> np.ndarray:
    """``name_key`` of each value of ``uniques`` (distinct, none missing)."""
    n = len(uniques)
    if n < _COLUMN_FROM:
        return np.fromiter(map(name_key, uniques), dtype=object, count=n)
    try:
        ascii_ = np.fromiter(map(str.isascii, uniques), dtype=bool, count=n)
    except TypeError:  # numbers, dates …: str() of each, as name_key does
        return np.fromiter(map(name_key, uniques), dtype=object, count=n)
    keys = np.empty(n, dtype=object)
    if ascii_.all():
        keys[:] = _ascii_keys(uniques)
    elif ascii_.any():
        keys[ascii_] = _ascii_keys(uniques[ascii_])
    other = np.flatnonzero(~ascii_)
    if len(other):
        keys[other] = np.fromiter(map(name_key, uniques[other]), dtype=object, count=len(other))
    return keys


def _ascii_keys(texts: np.ndarray) -> np.ndarray:
    """``name_key`` of ASCII texts as column operations: ASCII white space out, lower case."""
    arr = pa.array(texts, type=pa.large_string())
    data = arr.buffers()[2]
    if data is not None and _IS_ASCII_SPACE[np.frombuffer(data, dtype=np.uint8)].any():
        arr = pc.replace_substring_regex(arr, _SPACE_RUNS, "")
    return pc.ascii_lower(arr).to_numpy(zero_copy_only=False)


_JA_AFFIXES = (
    "株式会社", "(株)", "㈱", "株式會社", "有限会社", "(有)", "㈲", "合同会社", "(同)",
    "合資会社", "(資)", "合名会社", "(名)", "一般社団法人", "公益社団法人", "(社)", "㈳",
    "一般財団法人", "公益財団法人", "(財)", "㈶", "医療法人", "医療法人社団", "(医)",
    "社会福祉法人", "(福)", "学校法人", "(学)", "特定非営利活動法人", "NPO法人", "(特非)",
    "独立行政法人", "(独)")
_EN_AFFIXES = ("Co., Ltd.", "Co.,Ltd.", "Co. Ltd.", "Co.,Ltd", "Co., Ltd", "Ltd.", "Ltd",
               "Inc.", "Inc", "Corp.", "Corp", "Corporation", "K.K.", "LLC", "Co.", "Company")


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted({name_key(w) for w in words}, key=len,
                                                  reverse=True))


_P = "[,.、。・･]*"
_JA = _alternation(_JA_AFFIXES)
_EN = _alternation(_EN_AFFIXES)
# Japanese affixes before or after the name (前株 / 後株), English ones only after it.
_AFFIXES = re.compile(rf"^(?:(?:{_JA}){_P})+(?=.)|(?<=.)(?:{_P}(?:{_JA}|{_EN}))+{_P}$")


def company_key(text: object) -> str:
    """The matching key of a company name: :func:`name_key` without corporate affixes."""
    key = name_key(text)
    stripped = _AFFIXES.sub("", key).strip(",.、。・･")
    return stripped or key


# --------------------------------------------------------------------------- visible text

_MARKS = {"\u3000": "fullwidth_space", "\t": "tab", "\n": "newline", "\r": "newline",
          "\u00a0": "nbsp", **{c: "zero_width" for c in "\u200b\u200c\u200d\u2060\ufeff"}}


def visible(value: object, locale: str = "en") -> str:
    """``value`` as text with invisible characters named: a full-width space becomes
    ``[全角スペース]`` / ``[full-width space]``, leading and trailing spaces ``[空白]`` /
    ``[space]``, tabs, line breaks, no-break and zero-width spaces and control characters
    likewise. Ordinary inner spaces stay as they are."""
    if value is None:
        return ""
    s = value if isinstance(value, str) else _plain_text(value)
    if not s:
        return s
    out = []
    n = len(s)
    lead = len(s) - len(s.lstrip(" "))
    trail = len(s) - len(s.rstrip(" ")) if s.strip(" ") else 0
    for i, c in enumerate(s):
        if c in _MARKS:
            out.append("[" + _t(f"visible.{_MARKS[c]}", locale) + "]")
        elif c == " " and (i < lead or i >= n - trail or (i + 1 < n and s[i + 1] == " ")):
            out.append("[" + _t("visible.space", locale) + "]")
        elif unicodedata.category(c) == "Cc":
            out.append(f"[U+{ord(c):04X}]")
        else:
            out.append(c)
    return "".join(out)


def _plain_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


_LOOKALIKE = set("〇○◯ー-‐‑–—―−~〜口ロ力カ工エ二ニ夕タ八ハへヘ卜トぺペべベ")


def describe_difference(typed: str, known: str, locale: str = "en") -> str:
    """When ``typed`` and ``known`` differ only in characters that look alike (〇 and ○,
    ー and －, ロ and 口 …), name those characters with their code points; else ''."""
    a, b = nfkc(typed), nfkc(known)
    if a == b:
        return ""
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    pairs = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        if op != "replace" or i2 - i1 != j2 - j1:
            return ""
        for x, y in zip(a[i1:i2], b[j1:j2], strict=True):
            if x not in _LOOKALIKE or y not in _LOOKALIKE:
                return ""
            pairs.append((x, y))
    if not pairs:
        return ""
    parts = [_t("difference.pair", locale, typed=_char(x, locale), known=_char(y, locale))
             for x, y in dict.fromkeys(pairs)]
    return "; ".join(parts)


def _char(c: str, locale: str) -> str:
    key = f"char.{ord(c):04x}"
    try:
        name = _t(key, locale)
    except KeyError:
        name = unicodedata.name(c, "").lower()
    return _t("difference.char", locale, char=c, code=f"U+{ord(c):04X}", name=name)


# --------------------------------------------------------------------------- ids as text

def parse_text(s: pd.Series, *, cells: Cells | None = None) -> pd.Series:
    """Cells as stripped text (pandas string dtype, NA for blank). Numbers typed into an id
    column come back without a decimal point (``1001.0`` → ``'1001'``), dates as ISO dates."""
    return pd.Series(text_values(s, cells=cells), index=s.index, name=s.name, dtype="string")


def text_values(s: pd.Series, *, cells: Cells | None = None) -> np.ndarray:
    """:func:`parse_text` as an object array (str or None): no string-dtype round trip for
    callers that keep working on the values."""
    cells = cells if cells is not None else classify(s)
    out = cells.text.copy()
    num = cells.kind == NUMBER
    if num.any():
        vals = cells.number[num]
        out[num] = [str(int(v)) if float(v).is_integer() else repr(float(v)) for v in vals]
    date = cells.kind == DATE
    if date.any():
        w = cells.when[date]
        day = w.astype("datetime64[D]")
        out[date] = np.where(w == day, np.datetime_as_string(day),
                             np.datetime_as_string(w, unit="s"))
    other = ~np.isin(cells.kind, (BLANK, TEXT, NUMBER, DATE))
    if other.any():
        out[other] = [str(v).strip() for v in s.to_numpy(dtype=object)[other]]
    out[cells.kind == BLANK] = None
    return out
