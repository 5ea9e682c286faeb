"""Command line: ``kpi-xl metrics SOURCE …`` (and the workbook commands as they arrive).

``main(argv) -> int`` is the single place where errors become exit codes and readable
messages: a :class:`~kpi_xl.errors.KpiXlError` prints its message (for validation, every
problem with table, row, column and hint) and returns its ``exit_code``; no traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from typing import TextIO

import pandas as pd

from . import __version__
from .calendar import check_day, parse_period
from .errors import ConfigError, KpiXlError
from .figures import compute_figures
from .imports import command as import_command
from .metrics.common import DIMENSIONS
from .parsing import parse_dates
from .report.figures_json import figures_json
from .report.figures_text import render_text

__all__ = ["build_parser", "entry", "main"]


def _date_arg(text: str) -> dt.date:
    try:
        return check_day(dt.date.fromisoformat(text.strip()), "--as-of")
    except ValueError:
        pass
    try:
        parsed, bad = parse_dates(pd.Series([text], dtype=object))
    except (ValueError, OverflowError):  # beyond pandas' dates: out of range
        bad = pd.Series([True])
    if bad.iloc[0] or pd.isna(parsed.iloc[0]):
        raise ConfigError(f"--as-of: not a date: {text!r} (write e.g. 2026-11-20)")
    return check_day(parsed.iloc[0].date(), "--as-of")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kpi-xl", description="Sales KPIs for an Excel template.")
    p.add_argument("--version", action="version", version=f"kpi-xl {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("metrics", help="validate the input and print the KPI summary")
    m.add_argument("source", nargs="?", help="workbook (.xlsx/.xlsm) or folder of CSV files")
    m.add_argument("--demo", action="store_true", help="use the bundled demo data")
    m.add_argument("--by", choices=DIMENSIONS, default="rep")
    m.add_argument("--period", help="all, 2026-04, 2026, FY2026, FY26Q1, 2026年度, 令和8年度, "
                                    "2026年10月度, 上期/下期, H1/H2, START..END "
                                    "(default: the month of the as-of date)")
    m.add_argument("--as-of", help="date to measure pace and forecast at (default: the last "
                                   "date in the data)")
    m.add_argument("--json", action="store_true", help="every figure and definition as JSON")

    t = sub.add_parser("template", help="write an empty input template (.xlsx, or .xlsm + .py)")
    t.add_argument("out", help="output workbook path")
    t.add_argument("--locale", choices=("ja", "en"), default="ja")
    t.add_argument("--macro", action="store_true",
                   help="an .xlsm with xlwings' VBA and the 'Generate rep tabs' button, plus "
                        "its companion Python module")

    r = sub.add_parser("refresh", help="recompute and replace the generated sheets of a book")
    r.add_argument("book", help="the filled template (.xlsx/.xlsm)")
    r.add_argument("-o", "--out", help="write the refreshed workbook here (default: in place)")
    r.add_argument("--as-of", help="measure pace and forecast at this date")
    r.add_argument("--period", help="scorecard period (default: month of the as-of date)")
    r.add_argument("--locale", choices=("ja", "en"), help="labels of the generated sheets")
    r.add_argument("--quiet", action="store_true", help="no progress line")

    d = sub.add_parser("demo", help="template + bundled demo data + refresh → one workbook")
    d.add_argument("out", nargs="?", default="kpi_demo.xlsx")
    d.add_argument("--locale", choices=("ja", "en"), default="ja")
    d.add_argument("--quiet", action="store_true", help="no progress line")

    import_command.add_parser(sub)
    return p


def _progress(err: TextIO, quiet: bool):
    if quiet:
        return None

    def report(i: int, n: int, rep: str) -> None:
        err.write(f"\r[{i}/{n}] {rep}" + " " * 20)
        if i == n:
            err.write("\n")
        err.flush()

    return report


def _load(args: argparse.Namespace):  # -> Dataset
    from .validate import load

    if args.demo:
        from .demo import DATA_DIR

        return load(DATA_DIR).replace(source="kpi_xl bundled demo data")
    if not args.source:
        raise ConfigError("give a SOURCE (workbook or CSV folder) or --demo")
    return load(args.source)


def _cmd_metrics(args: argparse.Namespace, out: TextIO) -> int:
    ds = _load(args)
    as_of = _date_arg(args.as_of) if args.as_of else None
    period = (parse_period(args.period, ds.settings.fiscal_year_start,
                           today=as_of or ds.data_end()) if args.period else None)
    fig = compute_figures(ds, period, as_of, by=args.by)
    if args.json:
        out.write(figures_json(fig) + "\n")
    else:
        out.write(render_text(fig))
    return 0


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 1–3 input/config/validation problems)."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # argparse already printed usage
        return int(exc.code or 0)
    try:
        if args.command == "metrics":
            return _cmd_metrics(args, out)
        if args.command == "template":
            from .excel.companion import write_template

            for path in write_template(args.out, locale=args.locale, macro=args.macro):
                out.write(f"wrote {path}\n")
            return 0
        if args.command == "refresh":
            from .refresh import refresh

            ds_period = None
            if args.period:
                from .validate import load

                fy = load(args.book).settings.fiscal_year_start
                ds_period = parse_period(args.period, fy)
            path = refresh(args.book, args.out,
                           as_of=_date_arg(args.as_of) if args.as_of else None,
                           period=ds_period, locale=args.locale,
                           progress=_progress(err, args.quiet))
            out.write(f"wrote {path}\n")
            return 0
        if args.command == "import":
            return import_command.run(args, out, err)
        if args.command == "demo":
            from .refresh import demo_workbook

            path = demo_workbook(args.out, locale=args.locale,
                                 progress=_progress(err, args.quiet))
            out.write(f"wrote {path}\n")
            return 0
        raise ConfigError(f"unknown command {args.command}")  # pragma: no cover
    except KpiXlError as exc:
        err.write(f"kpi-xl: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        err.write("kpi-xl: interrupted\n")
        return 130


def entry() -> None:
    """Console-script entry point."""
    raise SystemExit(main())


if __name__ == "__main__":
    entry()
