"""Located problems found while reading, kept as message keys until the book's language is
known (it is guessed from the tables themselves, after they are read)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Problem
from ..i18n import text

__all__ = ["Note", "column_letter"]


def column_letter(col: int) -> str:
    """1 → A, 27 → AA, 16384 → XFD."""
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass(frozen=True)
class Note:
    """A problem to report: ``key`` (and ``hint``) name entries of the ``read`` catalog."""

    table: str
    row: int | None
    column: str | None
    value: object
    key: str
    hint: str = ""
    params: dict[str, object] = field(default_factory=dict, hash=False, compare=False)

    def problem(self, locale: str, place: str | None = None) -> Problem:
        """The problem in ``locale``, located at ``place`` (the sheet or the CSV file's name;
        the table's name when not given), worded and laid out in that language."""
        return Problem(place or text(f"table.{self.table}", locale), self.row, self.column,
                       self.value, text(self.key, locale, **self.params),
                       text(self.hint, locale, **self.params) if self.hint else "",
                       locale=locale)
