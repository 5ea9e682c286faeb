"""Text as XML 1.0 and Excel accept it, and a record of what had to change.

XML 1.0 allows tab, newline and carriage return but no other C0 control character (not even
as ``&#1;``), no lone surrogate and neither U+FFFE nor U+FFFF; Excel reads ``_xHHHH_`` inside a
string as the character HHHH (writers escape a literal one as ``_x005F_xHHHH_``). Data from a
workbook arrives decoded (a cell holding ``_x0001_`` is read as U+0001), so text written back
is cleaned here and every change is recorded for the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["TextChanges", "change_notices", "clean_text", "escape_excel", "shown",
           "utf16_len"]

# characters XML 1.0 cannot hold (tab, LF and CR are fine in cell text)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# control characters anywhere (for names: no tab or newline either), DEL and C1 included
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
EXCEL_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")


def clean_text(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot hold."""
    return _ILLEGAL.sub("", value)


def escape_excel(text: str) -> str:
    """``text`` with each literal ``_xHHHH_`` escaped as ``_x005F_xHHHH_`` (what Excel and
    XlsxWriter write), so that Excel shows it as typed."""
    return EXCEL_ESCAPE.sub(lambda m: "_x005F" + m.group(0), text)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Excel counts (𠮷 counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def shown(value: str) -> str:
    """``value`` with its control characters made visible (``\\x01``) for a message."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 0x100
                       else f"\\u{ord(m.group(0)):04x}", value)


@dataclass
class TextChanges:
    """Texts that were written differently from how the data spelled them."""

    items: dict[str, str] = field(default_factory=dict)

    def clean(self, value: str) -> str:
        out = clean_text(value)
        if out != value:
            self.items.setdefault(value, out)
        return out

    def record(self, before: str, after: str) -> None:
        if before != after:
            self.items.setdefault(before, after)


def change_notices(changes: TextChanges, locale: str, limit: int = 20) -> list[str]:
    """One line per text written differently from the data (at most ``limit``, then a
    count), in ``locale``."""
    from ..i18n import text

    items = list(changes.items.items())
    out = [text("package.text_changed", locale, before=shown(before), after=after)
           for before, after in items[:limit]]
    if len(items) > limit:
        out.append(text("package.text_changed_more", locale, count=len(items) - limit))
    return out
