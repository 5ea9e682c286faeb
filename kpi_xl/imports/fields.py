"""Field counts of a delimited export, checked before pandas reads it.

pandas takes a file whose first data row has one field more than the header (a trailing
comma, an unquoted comma inside a value) as having an index column, and shifts every value
one column to the left — amounts land in the date column, dates in the status column — and it
pads a row with fewer fields with blanks. Either way values end up in the wrong columns
without a word, so an export is read with Python's ``csv`` module (RFC 4180: a separator or a
line break inside double quotes belongs to the value) first, and a record whose field count
differs from the header's stops the import with its line numbers.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..errors import InputError
from ..i18n import text

__all__ = ["check_field_counts"]

_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
_SHOWN = 5


def check_field_counts(path: Path, sep: str, encoding: str, locale: str = "en") -> None:
    """Raise :class:`InputError` naming the first records (line, field count) whose number of
    fields differs from the header's; blank lines are not records. Compressed files and
    multi-character separators are left to pandas."""
    if path.suffix.lower() not in _TEXT_SUFFIXES or len(sep) != 1:
        return
    bad: list[tuple[int, int]] = []
    width = 0
    try:
        with open(path, encoding=encoding, errors="replace", newline="") as f:
            reader = csv.reader(f, delimiter=sep)
            header = next(reader, None)
            if header is None:
                return
            width = len(header)
            for record in reader:
                if record and len(record) != width:
                    bad.append((reader.line_num, len(record)))
                    if len(bad) >= _SHOWN:
                        break
    except (OSError, csv.Error, LookupError):
        return  # pandas reads the file next and reports what is wrong with it
    if bad:
        rows = ", ".join(text("import.fields_row", locale, line=line, count=n)
                         for line, n in bad)
        raise InputError(text("import.fields", locale, file=path.name, expected=width,
                              rows=rows))
