"""The workbook commands of the command line (``template``, ``refresh``, ``demo``, ``import``)
and :class:`Run`, what one invocation carries: the parsed arguments, the streams, the user's
language and the progress, plus the way a run ends — a summary, or a message and an exit code.

:func:`kpi_xl.cli.main` is the one error boundary; it calls :meth:`Run.fail`,
:meth:`Run.fail_validation` and :meth:`Run.fail_internal` from there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import pandas as pd

from .calendar import parse_period
from .cli_progress import ConsoleProgress
from .cli_report import (
    PROBLEM_SUFFIXES,
    default_problems_path,
    summary_lines,
    write_crash_report,
    write_problems,
)
from .errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, ConfigError, ValidationError
from .i18n import text
from .parse import parse_dates

__all__ = ["COMMAND_RUNNERS", "DATE_RANGE", "Run", "parse_as_of"]

DATE_RANGE: tuple[int, int] = (1900, 2200)
"""Years a date argument may name (pandas' nanosecond range ends in 2262)."""

_YEAR_FIRST = re.compile(r"(\d{1,4})(?:[-/.年]|$)")


def parse_as_of(value: str | None, locale: str) -> dt.date | None:
    """The ``--as-of`` date: None when the option is absent; ConfigError (exit 2) for an empty
    value, text that is not a date, or a year outside :data:`DATE_RANGE`."""
    if value is None:
        return None
    s = value.strip()
    if not s:
        raise ConfigError(text("cli.date.empty", locale))
    lo, hi = DATE_RANGE
    out_of_range = ConfigError(text("cli.date.range", locale, value=value))
    if s.isdigit() and len(s) != 8:  # a serial number or a bare year is not a date here
        raise ConfigError(text("cli.date.invalid", locale, value=value))
    head = s[:4] if s.isdigit() else (m[1] if (m := _YEAR_FIRST.match(s)) else None)
    if head is not None and not lo <= int(head) <= hi:
        raise out_of_range
    try:
        parsed, bad = parse_dates(pd.Series([s], dtype=object))
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        raise out_of_range from None
    except (ValueError, TypeError):
        raise ConfigError(text("cli.date.invalid", locale, value=value)) from None
    if bool(bad.iloc[0]) or pd.isna(parsed.iloc[0]):
        raise ConfigError(text("cli.date.invalid", locale, value=value))
    day = pd.Timestamp(parsed.iloc[0]).date()
    if not lo <= day.year <= hi:
        raise out_of_range
    return day


class Run:
    """One invocation: arguments, streams, language, progress, and how it ends."""

    def __init__(self, args: argparse.Namespace, argv: Sequence[str], out: TextIO,
                 err: TextIO, locale: str) -> None:
        self.args = args
        self.argv = list(argv)
        self.out = out
        self.err = err
        self.locale = locale
        self.quiet = bool(getattr(args, "quiet", False))
        self.progress = ConsoleProgress(None if self.quiet else err, locale)

    def check_arguments(self) -> None:
        """Refuse, before any work, arguments argparse cannot check (ConfigError, exit 2):
        a ``--problems`` file that is neither .xlsx nor .csv, a ``--period`` label of no
        accepted form (checked again with the book's fiscal year once it is read)."""
        problems = getattr(self.args, "problems", None)
        if problems is not None and Path(problems).suffix.lower() not in PROBLEM_SUFFIXES:
            raise ConfigError(text("cli.usage.problems_suffix", self.locale, name=problems))
        period = getattr(self.args, "period", None)
        if period is not None:
            parse_period(period, today=dt.date.today(), locale=self.locale)

    # ---------------------------------------------------------------- output
    def say(self, lines: Sequence[str], stream: TextIO | None = None) -> None:
        """Print ``lines`` (unless ``--quiet``), after ending the progress line."""
        self.progress.done()
        if not self.quiet and lines:
            (stream or self.out).write("\n".join(lines) + "\n")

    def summary(self, ds: object | None = None, *, path: Path | None = None,
                sheets: Sequence[str] = (), stream: TextIO | None = None,
                next_refresh: bool = False) -> None:
        self.progress.done()
        self.say(summary_lines(ds, self.locale, seconds=self.progress.total(), path=path,
                               sheets=sheets, next_refresh=next_refresh), stream)

    # ---------------------------------------------------------------- failures
    def notices(self, notices: Sequence[str]) -> None:
        """What the writer wants the user to know (texts changed, leftovers removed, a macro
        book without its module): always shown, on stderr, even with ``--quiet``."""
        if not notices:
            return
        self.progress.abort()  # end the drawn line before printing
        for n in notices:
            self.err.write(f"kpi-xl: {n}\n")

    def fail(self, message: str) -> None:
        """Stop the progress and print ``message`` (always, even with ``--quiet``)."""
        self.progress.abort()
        self.err.write(f"kpi-xl: {message}\n")

    def fail_validation(self, exc: ValidationError) -> int:
        """Print the problems, write the full table (``--problems`` or next to the input) and
        say where; exit code 3."""
        self.fail(str(exc))
        L = exc.locale  # the problems' language (the book's), as in the lines above
        target = Path(self.args.problems) if getattr(self.args, "problems", None) else \
            default_problems_path(self.input_path())
        table = exc.table()
        for attempt in (target, Path(tempfile.gettempdir()) / target.name):
            try:
                path = write_problems(table, attempt, L)
                break
            except OSError as err:
                self.err.write("kpi-xl: " + text("cli.failed.problems_unwritten", L,
                                                 path=attempt, reason=err.strerror or err)
                               + "\n")
        else:
            return EXIT_INPUT
        self.err.write("kpi-xl: " + text("cli.failed.problems", L, count=len(exc.problems),
                                         path=path) + "\n")
        if self.args.command == "refresh":
            book = self.args.out or self.args.book
            self.err.write("kpi-xl: " + text("cli.failed.unchanged", L, path=book) + "\n")
        return EXIT_INPUT

    def fail_internal(self, exc: BaseException) -> int:
        """One line naming what failed, the traceback saved to a report file whose path is
        named (and printed too with ``--debug``); exit code 5."""
        self.progress.abort()
        L = self.locale
        phase = self.progress.current
        what = text(f"cli.what.{phase}", L) if phase else text("cli.what.start", L,
                                                                 command=self.args.command)
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        error = type(exc).__name__ + (f": {first}" if first else "")
        self.err.write("kpi-xl: " + text("cli.error.internal", L, what=what, error=error) + "\n")
        try:
            path = write_crash_report(exc, argv=self.argv, what=what,
                                      seconds=self.progress.seconds)
        except OSError as err:
            self.err.write("kpi-xl: " + text("cli.error.report_failed", L, reason=err) + "\n")
            self.err.write("".join(traceback.format_exception(exc)))
            return EXIT_INTERNAL
        if getattr(self.args, "debug", False):
            self.err.write("".join(traceback.format_exception(exc)))
        self.err.write("kpi-xl: " + text("cli.error.report", L, path=path) + "\n")
        return EXIT_INTERNAL

    def input_path(self) -> str | None:
        """The file or folder the input problems belong to (their table goes next to it)."""
        a = self.args
        return {"refresh": getattr(a, "book", None), "metrics": getattr(a, "source", None)}.get(
            a.command, getattr(a, "out", None))


# --------------------------------------------------------------------------- commands


def cmd_template(args: argparse.Namespace, run: Run) -> int:
    from .excel.companion import write_template

    run.progress.phase("write")
    notices: list[str] = []
    paths = write_template(args.out, locale=args.locale, macro=args.macro, notices=notices,
                           messages=run.locale)
    run.progress.done()
    run.notices(notices)
    run.say([text("cli.summary.wrote", run.locale, path=p) for p in paths])
    return EXIT_OK


def cmd_refresh(args: argparse.Namespace, run: Run) -> int:
    from .refresh import refresh_book

    as_of = parse_as_of(args.as_of, run.locale)
    notices: list[str] = []
    res = refresh_book(args.book, args.out, as_of=as_of, period=args.period,
                       locale=args.locale, progress=run.progress, notices=notices,
                       messages=run.locale)
    run.notices(notices)
    run.summary(res.dataset, path=res.path, sheets=res.sheets)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, run: Run) -> int:
    from .refresh import demo_book

    notices: list[str] = []
    res = demo_book(args.out, locale=args.locale, progress=run.progress, notices=notices,
                    messages=run.locale)
    run.notices(notices)
    run.summary(res.dataset, path=res.path, sheets=res.sheets)
    return EXIT_OK


def cmd_import(args: argparse.Namespace, run: Run) -> int:
    from .imports.command import execute

    notices: list[str] = []
    path = execute(args, lambda s: run.say([s.rstrip("\n")]), progress=run.progress,
                   notices=notices)
    run.notices(notices)
    run.summary(path=path, next_refresh=True)
    return EXIT_OK


COMMAND_RUNNERS = {"template": cmd_template, "refresh": cmd_refresh, "demo": cmd_demo,
                   "import": cmd_import}
