"""Excel sheet names from rep names, and the marker of sheets kpi_xl generated.

Excel's rules: 1–31 characters, none of ``[ ] : * ? / \\``, not starting or ending with an
apostrophe, not ``History``, unique ignoring case. Japanese names are kept as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["GENERATED_NAME", "MAX_SHEET_NAME", "sheet_name", "unique_sheet_names"]

MAX_SHEET_NAME = 31
# A sheet-scoped defined name on every generated sheet: its value says what generated it,
# so a refresh replaces exactly those sheets (even if the user renamed one).
GENERATED_NAME = "kpi_xl_generated"
_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_name(text: str, taken: Iterable[str] = (), *, fallback: str = "Sheet") -> str:
    """A valid sheet name for ``text`` that does not clash (case-insensitively) with ``taken``.

    Forbidden characters become ``_``; the name is cut to 31 characters; clashes get `` (2)``,
    `` (3)`` … within the limit.
    """
    name = _BAD.sub("_", str(text)).strip().strip("'").strip() or fallback
    if name.lower() == "history":
        name += "_"
    name = name[:MAX_SHEET_NAME]
    used = {t.lower() for t in taken}
    if name.lower() not in used:
        return name
    n = 2
    while True:
        suffix = f" ({n})"
        cand = name[: MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
        if cand.lower() not in used:
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
