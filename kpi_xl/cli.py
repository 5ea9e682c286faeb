"""Command line: ``kpi-xl metrics SOURCE …`` (and the workbook commands as they arrive).

``main(argv) -> int`` is the single place where errors become exit codes and readable
messages: a :class:`~kpi_xl.errors.KpiXlError` prints its message (for validation, every
problem with table, row, column and hint) and returns its ``exit_code``; no traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from collections.abc import Sequence
from typing import TextIO

import pandas as pd

from . import __version__
from .calendar import parse_period
from .errors import ConfigError, KpiXlError
from .i18n import exclusion_text
from .imports import command as import_command
from .parsing import parse_dates
from .schema import stage_label
from .summary import DIMENSIONS, KpiSummary, kpi_summary

__all__ = ["build_parser", "entry", "main"]


def _date_arg(text: str) -> dt.date:
    parsed, bad = parse_dates(pd.Series([text], dtype=object))
    if bad.iloc[0] or pd.isna(parsed.iloc[0]):
        raise ConfigError(f"--as-of: not a date: {text!r} (write e.g. 2026-11-20)")
    return parsed.iloc[0].date()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kpi-xl", description="Sales KPIs for an Excel template.")
    p.add_argument("--version", action="version", version=f"kpi-xl {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("metrics", help="validate the input and print the KPI summary")
    m.add_argument("source", nargs="?", help="workbook (.xlsx/.xlsm) or folder of CSV files")
    m.add_argument("--demo", action="store_true", help="use the bundled demo data")
    m.add_argument("--by", choices=DIMENSIONS, default="rep")
    m.add_argument("--period", help="2026-04, FY2026, FY2026Q1, FY2026H2, 2026年度 … "
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

        ds = load(DATA_DIR)
        ds.source = "kpi_xl bundled demo data"
        return ds
    if not args.source:
        raise ConfigError("give a SOURCE (workbook or CSV folder) or --demo")
    return load(args.source)


def _fmt(v: object, unit: str = "count", currency: str = "JPY") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if unit == "pct":
        return f"{float(v):.1%}"
    if unit == "currency":
        sign = {"JPY": "¥", "USD": "$", "EUR": "€"}.get(currency, "")
        return f"{sign}{float(v):,.0f}"
    if isinstance(v, float):
        return f"{v:,.1f}" if not v.is_integer() else f"{v:,.0f}"
    return str(v)


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(_w(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    def line(r: list[str]) -> str:
        return "  ".join(str(x) + " " * (w - _w(str(x))) for x, w in zip(r, widths, strict=False))
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def _w(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def render_text(s: KpiSummary, currency: str = "JPY") -> str:
    out = [f"KPI summary — {s.period.label} ({s.period.start} … {s.period.end}), as of {s.as_of}",
           f"source: {s.source}", ""]
    card = s.scorecard
    if s.by in ("rep", "team"):
        rows = []
        for r in card.itertuples():
            u = "currency" if r.unit == "currency" else "count"
            rows.append([r.group, r.metric, _fmt(r.target, u, currency),
                         _fmt(r.actual, u, currency), _fmt(r.achievement, "pct"),
                         _fmt(r.pace, "pct"),
                         _fmt(r.forecast, u, currency), _fmt(r.gap, u, currency),
                         _fmt(r.required_per_day, u, currency)])
        out += [f"Scorecard by {s.by}", _table(rows, [s.by, "metric", "target", "actual",
                                                      "achieved", "pace", "forecast", "gap",
                                                      "need/day"]), ""]
    else:
        rows = [[r.group, _fmt(r.revenue, "currency", currency), _fmt(r.won_deals),
                 _fmt(r.leads), _fmt(r.win_rate, "pct"), _fmt(r.average_deal_size, "currency",
                                                               currency),
                 _fmt(r.lead_to_opportunity, "pct")] for r in card.itertuples()]
        out += [f"Breakdown by {s.by}", _table(rows, [s.by, "revenue", "won", "leads",
                                                      "win rate", "avg deal", "lead→opp"]), ""]
    rows = [[stage_label(r.stage, "en"), _fmt(float(r.reached)), _fmt(r.conversion_from_previous,
                                                                     "pct"),
             _fmt(r.conversion_from_first, "pct")] for r in s.funnel.itertuples()]
    out += ["Funnel (" + (s.funnel["definition"].iloc[0] if len(s.funnel) else "") + ")",
            _table(rows, ["stage", "reached", "from previous", "from first"]), ""]
    d = s.deals
    avg = _fmt(d["average_deal_size"]["average_deal_size"], "currency", currency)
    vel = _fmt(d["pipeline_velocity"]["velocity_per_day"], "currency", currency)
    wr = d["win_rate"]
    other = next(k for k in d if k.startswith("win_rate_"))
    out += ["Deals",
            f"  win rate ({wr['definition']}): {_fmt(wr['value'], 'pct')} "
            f"({_fmt(wr['numerator'])}/{_fmt(wr['denominator'])}) {wr.get('note') or ''}",
            f"  win rate ({d[other]['definition']}): {_fmt(d[other]['value'], 'pct')}",
            f"  average deal size: {avg}",
            f"  sales cycle: mean {_fmt(d['sales_cycle']['mean_days'])} days, median "
            f"{_fmt(d['sales_cycle']['median_days'])} days",
            f"  pipeline velocity: {vel} per day", ""]
    c = s.customers
    mv = c["movements"]
    lc = c["logo_churn"]
    rr = c["revenue_retention"]
    out += ["Customers",
            f"  active at start {mv['active_at_start']}, new {mv['new']}, reactivated "
            f"{mv['reactivated']}, churned {mv['churned']}, active at end {mv['active_at_end']}",
            f"  logo churn ({lc.definition}): {_fmt(lc.value, 'pct')} {lc.note}",
            f"  GRR {_fmt(rr['grr'], 'pct')}, NRR {_fmt(rr['nrr'], 'pct')} ({rr['definition']})",
            f"  at-risk customers: {len(s.at_risk)}", ""]
    for r in s.at_risk.head(5).itertuples():
        out.append(f"    {r.customer} {r.name if isinstance(r.name, str) else ''}: {r.reasons}")
    plan = s.plan
    out += ["", "To reach the revenue target (everyone, at historical rates):"]
    for r in plan.itertuples():
        out.append(f"  {r.quantity}: {_fmt(r.needed)} more, {_fmt(r.per_business_day)} per "
                   f"business day {r.note}")
    out += ["", "Definitions:"] + [f"  {k}: {v}" for k, v in s.definitions.items()]
    if s.exclusions:
        out += ["", "Excluded rows:"] + [f"  {exclusion_text(e, 'en')}" for e in s.exclusions]
    if s.warnings:
        out += ["", "Warnings:"] + [f"  {w}" for w in s.warnings]
    return "\n".join(out) + "\n"


def _cmd_metrics(args: argparse.Namespace, out: TextIO) -> int:
    ds = _load(args)
    as_of = _date_arg(args.as_of) if args.as_of else None
    period = parse_period(args.period, ds.settings.fiscal_year_start) if args.period else None
    s = kpi_summary(ds, period=period, by=args.by, as_of=as_of)
    if args.json:
        json.dump(s.to_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(render_text(s, ds.settings.currency))
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
            notices: list[str] = []
            path = refresh(args.book, args.out,
                           as_of=_date_arg(args.as_of) if args.as_of else None,
                           period=ds_period, locale=args.locale,
                           progress=_progress(err, args.quiet), notices=notices)
            err.writelines(f"kpi-xl: {n}\n" for n in notices)
            out.write(f"wrote {path}\n")
            return 0
        if args.command == "import":
            return import_command.run(args, out, err)
        if args.command == "demo":
            from .refresh import demo_workbook

            notices = []
            path = demo_workbook(args.out, locale=args.locale,
                                 progress=_progress(err, args.quiet), notices=notices)
            err.writelines(f"kpi-xl: {n}\n" for n in notices)
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
