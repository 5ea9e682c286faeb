"""Command line: ``kpi-xl metrics | template | refresh | demo | import …``.

``main(argv) -> int`` is the single place where errors become exit codes and readable
messages, in the user's language (``LANG``/``LC_ALL`` ``ja_*`` or ``KPI_XL_LANG=ja``):

- 0 success; 2 usage (unknown command or option — with a suggestion —, bad argument value,
  :class:`~kpi_xl.errors.ConfigError`); 3 input problems (:class:`~kpi_xl.errors.ValidationError`:
  every problem printed and the full table written to ``--problems`` or next to the input);
  4 a file cannot be read or written (:class:`~kpi_xl.errors.InputError`, ``OSError``);
  5 internal error (one line naming what failed; the traceback saved to a report file whose
  path is printed; on the terminal too with ``--debug``).

Long commands show their phases on stderr (:mod:`kpi_xl.cli_progress`) and end with a summary
(:mod:`kpi_xl.cli_report`); the arguments and their help are in :mod:`kpi_xl.cli_parser`, the
workbook commands in :mod:`kpi_xl.cli_commands`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from .calendar import parse_period
from .cli_commands import COMMAND_RUNNERS, Run, parse_as_of
from .cli_parser import build_parser, ui_locale
from .cli_report import describe_oserror
from .errors import (
    EXIT_FILE,
    EXIT_INTERRUPTED,
    ConfigError,
    InputError,
    KpiXlError,
    ValidationError,
)
from .figures import compute_figures
from .i18n import text
from .progress import Progress
from .refresh import read_dataset
from .report.figures_json import figures_json
from .report.figures_text import render_text

__all__ = ["build_parser", "entry", "main", "render_text"]


def _load(args: argparse.Namespace, progress: Progress, locale: str):  # -> Dataset
    if args.demo:
        from .demo import DATA_DIR

        return read_dataset(DATA_DIR, progress=progress, label=text("cli.source.demo", locale))
    if not args.source:
        raise ConfigError(text("cli.usage.source_or_demo", locale))
    if not os.path.lexists(args.source):  # said in the user's language, not the book's
        book = os.path.splitext(args.source)[1].lower() in (".xlsx", ".xlsm", ".xltx", ".xltm")
        raise InputError(text("read.no_such_workbook" if book else "read.not_found", locale,
                              path=args.source))
    return read_dataset(args.source, progress=progress)


def _cmd_metrics(args: argparse.Namespace, run: Run) -> int:
    as_of = parse_as_of(args.as_of, run.locale)
    ds = _load(args, run.progress, run.locale)
    run.progress.phase("compute")
    period = (parse_period(args.period, ds.settings.fiscal_year_start,
                           today=as_of or ds.data_end(), locale=run.locale)
              if args.period is not None else None)
    fig = compute_figures(ds, period, as_of, by=args.by)
    run.progress.phase("render")
    output = figures_json(fig) + "\n" if args.json else render_text(fig, run.locale)
    run.progress.done()
    run.out.write(output)
    run.summary(ds, stream=run.err)  # stdout holds the figures (or the JSON) alone
    return 0


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 2 usage, 3 input problems, 4 file cannot be
    read or written, 5 internal error)."""
    out = out or sys.stdout
    err = err or sys.stderr
    locale = ui_locale()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser(locale, out=out, err=err).parse_args(argv)
    except SystemExit as exc:  # help, version, or a usage error already explained
        return exc.code if isinstance(exc.code, int) else 0
    run = Run(args, argv, out, err, locale)
    try:
        run.check_arguments()
        if args.command == "metrics":
            return _cmd_metrics(args, run)
        return COMMAND_RUNNERS[args.command](args, run)
    except ValidationError as exc:
        return run.fail_validation(exc)
    except KpiXlError as exc:
        run.fail(str(exc))
        return exc.exit_code
    except BrokenPipeError:  # e.g. `kpi-xl metrics --json | head`: the reader has left
        run.progress.abort()
        _silence_stdout()
        return 0
    except OSError as exc:
        run.fail(describe_oserror(exc, locale))
        return EXIT_FILE
    except KeyboardInterrupt:
        run.fail(text("cli.error.interrupted", locale))
        return EXIT_INTERRUPTED
    except Exception as exc:
        cause = _os_cause(exc)
        if cause is not None:
            run.fail(describe_oserror(cause, locale))
            return EXIT_FILE
        return run.fail_internal(exc)
    finally:
        run.progress.done()


def _os_cause(exc: BaseException) -> OSError | None:
    """The OSError behind a library's own exception type (xlsxwriter's FileCreateError holds
    it as its argument), or None."""
    for candidate in (*exc.args[:1], exc.__cause__):
        if isinstance(candidate, OSError):
            return candidate
    return None


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def entry() -> None:
    """Console-script entry point."""
    for stream in (sys.stdout, sys.stderr):
        # a console or a file in a legacy code page (cp932) cannot encode every character
        # ("—"); show an escape rather than fail the run
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    raise SystemExit(main())


if __name__ == "__main__":
    entry()
