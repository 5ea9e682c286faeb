"""The one exception hierarchy of kpi_xl.

Every error a user can cause derives from :class:`KpiXlError`; the CLI turns it into a readable
message and a non-zero exit code, never a traceback. :class:`ValidationError` carries every
problem found in the input at once (collected lazily, like pandera), each naming the table,
the spreadsheet row, the column, the offending value, the problem and a hint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from .i18n import text
from .parse.text import visible

__all__ = [
    "EXIT_FILE",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "TABLE_COLUMNS",
    "ConfigError",
    "InputError",
    "KpiXlError",
    "Problem",
    "ValidationError",
]


# The command line's exit codes (``kpi-xl --help`` and the README list them).
EXIT_OK = 0
EXIT_USAGE = 2  # unknown command or option, bad argument value (ConfigError)
EXIT_INPUT = 3  # problems in the input rows (ValidationError)
EXIT_FILE = 4  # a file cannot be read or written (InputError, OSError)
EXIT_INTERNAL = 5  # a bug: the traceback is saved to a report file
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it); nothing was written


class KpiXlError(Exception):
    """Base of every error kpi_xl raises on purpose. ``exit_code`` is what the CLI returns."""

    exit_code = EXIT_INPUT


class InputError(KpiXlError):
    """A source cannot be read at all (missing file, unknown format, no such sheet), or a
    result cannot be written."""

    exit_code = EXIT_FILE


class ConfigError(KpiXlError):
    """A setting or an argument is invalid (unknown definition name, bad period label...)."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class Problem:
    """One problem in the input.

    ``table`` is where it is as the user sees it (the sheet name, the CSV file name, or the
    table's label); ``row`` the row number as the user sees it in the sheet or file (header =
    row 1 unless the table starts lower), or ``None`` for a problem of a whole column or table;
    ``column`` the header as written; ``value`` the cell as typed; ``problem`` and ``hint`` are
    text in ``locale`` (the book's language, ``'ja'`` or ``'en'``).
    """

    table: str
    row: int | None
    column: str | None
    value: object
    problem: str
    hint: str = ""
    locale: str = "en"

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _plain(self.value))

    def shown_value(self) -> str:
        """The value as typed, with invisible characters named (``[全角スペース]``)."""
        return visible(self.value, self.locale) if self.value is not None else ""

    def format(self) -> str:
        """One line in the problem's language, e.g.
        「商談シート 12行目 〔金額〕: 数値として読めません（値: 12,00,000）—
        例: 1200000 / ¥1,200,000 / 120万円」."""
        loc = self.locale
        kind = "file" if self.table.lower().endswith((".csv", ".tsv", ".txt")) else "sheet"
        where = text(f"problem.where.{kind}", loc, table=self.table)
        if self.row is not None:
            where += text("problem.where.row", loc, row=self.row)
        if self.column:
            where += text("problem.where.column", loc, column=self.column)
        value = self.shown_value()
        return text("problem.line", loc, where=where, problem=self.problem,
                    value=text("problem.value", loc, value=value) if value != "" else "",
                    hint=text("problem.hint" if value != "" else "problem.hint.bare", loc,
                              hint=self.hint) if self.hint else "")


def _plain(value: object) -> object:
    """Numpy/pandas scalars → plain Python values, timestamps → ISO dates (for messages)."""
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        if value is pd.NaT:
            return None
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            return str(value)
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class ValidationError(KpiXlError):
    """The input has problems; ``problems`` lists every one of them.

    The message is in ``locale`` (default: the first problem's). ``exclusions`` and
    ``outside`` are the rows validation set aside and the rows read outside Excel tables, so a
    report of the problems (the button's Check sheet) can list them too."""

    exit_code = EXIT_INPUT

    def __init__(self, problems: Iterable[Problem], *, limit: int = 50,
                 locale: str | None = None, exclusions: Iterable[object] = (),
                 outside: Iterable[object] = ()) -> None:
        self.problems: list[Problem] = list(problems)
        self.locale = locale or (self.problems[0].locale if self.problems else "en")
        self.exclusions = list(exclusions)
        self.outside = list(outside)
        n = len(self.problems)
        loc = self.locale
        lines = [text("problems.header.one" if n == 1 else "problems.header", loc, count=n)]
        lines += ["  - " + p.format() for p in self.problems[:limit]]
        if n > limit:
            lines.append("  " + text("problems.more", loc, count=n - limit))
        super().__init__("\n".join(lines))

    def table(self, locale: str | None = None) -> pd.DataFrame:
        """Every problem as a DataFrame with localised column names — sheet, row, column, value
        as typed (invisible characters named), problem, hint — for ``--problems FILE`` and the
        Check sheet."""
        loc = locale or self.locale
        cols = [text(f"problems.col.{c}", loc) for c in TABLE_COLUMNS]
        rows = [[p.table, p.row, p.column, p.shown_value(), p.problem, p.hint]
                for p in self.problems]
        out = pd.DataFrame(rows, columns=cols)
        out[cols[1]] = out[cols[1]].astype("Int64")
        return out


#: Columns of :meth:`ValidationError.table` (their labels are ``problems.col.<name>``).
TABLE_COLUMNS = ("sheet", "row", "column", "value", "problem", "hint")
