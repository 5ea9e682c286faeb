"""``kpi-xl import MAPPING SOURCE... -o BOOK.xlsx [--locale ja|en] [--mode replace|append]
[--derive-targets]``.

Prints, per table, the rows read, kept and dropped (with the reason of each drop), every value
the mapping could not translate, and what was changed (respellings, filled blanks, clamped
dates). :func:`execute` does the work with progress (``read``: one table line per imported
table; ``compute``: derived targets; ``write``: the workbook) and raises
:class:`~kpi_xl.errors.KpiXlError` subclasses, which :func:`kpi_xl.cli.main` turns into a
message and an exit code. :func:`run` is the same for a caller without that boundary.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from ..errors import KpiXlError
from ..i18n import text
from ..progress import SILENT, Progress

__all__ = ["add_arguments", "add_parser", "execute", "run"]


def add_arguments(p: argparse.ArgumentParser, locale: str = "en") -> None:
    """Add the arguments of ``kpi-xl import`` to ``p``, with help in ``locale``."""

    def h(key: str) -> str:
        return text(key, locale).replace("%", "%%")  # argparse %-formats help lines

    args = getattr(p, "args_group", p)
    opts = getattr(p, "opts_group", p)
    args.add_argument("mapping", metavar="MAPPING", help=h("cli.help.import.mapping"))
    args.add_argument("sources", nargs="+", metavar="SOURCE", help=h("cli.help.import.sources"))
    opts.add_argument("-o", "--out", required=True, metavar="BOOK", help=h("cli.help.import.out"))
    opts.add_argument("--locale", choices=("ja", "en"), default="ja",
                      help=h("cli.help.import.locale"))
    opts.add_argument("--mode", choices=("replace", "append"), default="replace",
                      help=h("cli.help.import.mode"))
    opts.add_argument("--derive-targets", action="store_true",
                      help=h("cli.help.import.derive_targets"))


def add_parser(subparsers, locale: str = "en", **kwargs) -> argparse.ArgumentParser:
    """Add the ``import`` sub-command to an argparse ``subparsers`` object."""
    p = subparsers.add_parser("import", help=text("cli.help.cmd.import", locale),
                              description=text("cli.help.import.description", locale), **kwargs)
    add_arguments(p, locale)
    return p


def execute(args: argparse.Namespace, say: Callable[[str], None], *,
            progress: Progress = SILENT, notices: list[str] | None = None) -> Path:
    """Run ``kpi-xl import``: ``say`` receives the import report (before anything is written,
    so it is shown even when the imported tables fail validation); returns the workbook
    written. Raises :class:`~kpi_xl.errors.KpiXlError` subclasses."""
    from . import derive_targets, import_sources, load_mapping, write_import

    progress.phase("read")
    mapping = load_mapping(args.mapping)
    result = import_sources(mapping, args.sources)
    for name, table in result.report.tables.items():
        progress.table(name, table.rows_read)
    if args.derive_targets:
        progress.phase("compute")
        derive_targets(result)
    say(result.report.format())
    progress.phase("write")
    return Path(write_import(result, args.out, args.locale, args.mode, notices=notices))


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``kpi-xl import`` without the CLI's boundary; returns the exit code."""
    try:
        notices: list[str] = []
        path = execute(args, out.write, notices=notices)
        err.writelines(f"kpi-xl: {n}\n" for n in notices)
        out.write(text("cli.summary.wrote", "en", path=path) + "\n"
                  + text("cli.summary.next", "en", path=path) + "\n")
        return 0
    except KpiXlError as exc:
        err.write(f"kpi-xl: {exc}\n")
        return exc.exit_code
