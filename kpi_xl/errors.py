"""The one exception hierarchy of kpi_xl.

Every error a user can cause derives from :class:`KpiXlError`; the CLI turns it into a readable
message and a non-zero exit code, never a traceback. :class:`ValidationError` carries every
problem found in the input at once (collected lazily, like pandera), each naming the table,
the spreadsheet row, the column, the offending value, the problem and a hint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import pandas as pd

__all__ = [
    "EXIT_FILE",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
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

    ``row`` is the row number as the user sees it in the spreadsheet or CSV file (header = row 1
    unless the table starts lower), or ``None`` for a problem of a whole column or table.
    """

    table: str
    row: int | None
    column: str | None
    value: object
    problem: str
    hint: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _plain(self.value))

    def format(self) -> str:
        where = self.table
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        text = f"{where}: {self.problem}"
        if self.value is not None and self.value != "":
            text += f" (value: {self.value!r})"
        if self.hint:
            text += f" — {self.hint}"
        return text


def _plain(value: object) -> object:
    """Numpy/pandas scalars → plain Python values, timestamps → ISO dates (for messages)."""
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            return str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class ValidationError(KpiXlError):
    """The input has problems; ``problems`` lists every one of them."""

    exit_code = EXIT_INPUT

    def __init__(self, problems: Iterable[Problem], *, limit: int = 50) -> None:
        self.problems: list[Problem] = list(problems)
        n = len(self.problems)
        lines = [f"{n} problem{'s' if n != 1 else ''} in the input:"]
        lines += ["  - " + p.format() for p in self.problems[:limit]]
        if n > limit:
            lines.append(f"  … and {n - limit} more (see the full table)")
        super().__init__("\n".join(lines))

    def table(self) -> pd.DataFrame:
        """Every problem as a DataFrame (table, row, column, value, problem, hint)."""
        cols = ["table", "row", "column", "value", "problem", "hint"]
        return pd.DataFrame([asdict(p) for p in self.problems], columns=cols)
