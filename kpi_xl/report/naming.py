"""Excel sheet names from rep names, and the marker of sheets kpi_xl generated.

Excel's rules: 1–31 characters counted in UTF-16 code units (𠮷, common in surnames, counts
2), none of ``[ ] : * ? / \\``, no control character, not starting or ending with an
apostrophe, not ``History``, unique ignoring case. Japanese names are kept as they are; a
``_xHHHH_`` sequence (which Excel would read as an escaped character) loses its underscores.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ..xlsx.text import CONTROL, EXCEL_ESCAPE, utf16_len

__all__ = ["GENERATED_NAME", "MAX_SHEET_NAME", "fold", "sheet_name", "unique_sheet_names",
           "utf16_cut", "valid_sheet_name"]

MAX_SHEET_NAME = 31
# A sheet-scoped defined name on every generated sheet: its value says what generated it,
# so a refresh replaces exactly those sheets (even if the user renamed one).
GENERATED_NAME = "kpi_xl_generated"
_BAD = re.compile(r"[\[\]:*?/\\]")


def utf16_cut(text: str, units: int) -> str:
    """The longest prefix of ``text`` within ``units`` UTF-16 code units (never half a
    surrogate pair)."""
    out, used = [], 0
    for ch in text:
        n = 2 if ord(ch) > 0xFFFF else 1
        if used + n > units:
            break
        out.append(ch)
        used += n
    return "".join(out)


def fold(name: str) -> str:
    """The form two sheet names are compared in (Excel ignores case, also of full-width
    letters)."""
    return unicodedata.normalize("NFKC", name).casefold()


def sheet_name(text: str, taken: Iterable[str] = (), *, fallback: str = "Sheet") -> str:
    """A valid sheet name for ``text`` that does not clash (case-insensitively) with ``taken``.

    Control characters are dropped, forbidden characters become ``_``; the name is cut to 31
    UTF-16 units; clashes get `` (2)``, `` (3)`` … within the limit.
    """
    name = CONTROL.sub("", str(text))
    name = EXCEL_ESCAPE.sub(lambda m: m.group(0)[1:-1], name)
    name = _BAD.sub("_", name).strip().strip("'").strip() or fallback
    if name.lower() == "history":
        name += "_"
    name = utf16_cut(name, MAX_SHEET_NAME).rstrip().rstrip("'") or fallback
    used = {fold(t) for t in taken}
    if fold(name) not in used:
        return name
    n = 2
    while True:
        suffix = f" ({n})"
        cand = utf16_cut(name, MAX_SHEET_NAME - len(suffix)).rstrip() + suffix
        if fold(cand) not in used:
            return cand
        n += 1


def unique_sheet_names(texts: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Sheet names for several texts, unique among themselves and against ``taken``."""
    used = list(taken)
    out = []
    for t in texts:
        name = sheet_name(t, used)
        used.append(name)
        out.append(name)
    return out


def valid_sheet_name(name: str) -> bool:
    """Whether Excel accepts ``name`` as it is (a check for tests and the checker)."""
    return (0 < utf16_len(name) <= MAX_SHEET_NAME and not _BAD.search(name)
            and not CONTROL.search(name) and not name.startswith("'")
            and not name.endswith("'") and name.lower() != "history")
