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
import json
import math
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from .calendar import parse_period
from .cli_commands import COMMAND_RUNNERS, Run, parse_as_of
from .cli_parser import build_parser, ui_locale
from .cli_report import describe_oserror
from .errors import EXIT_FILE, ConfigError, KpiXlError, ValidationError
from .i18n import exclusion_text, text
from .progress import Progress
from .refresh import read_dataset
from .schema import stage_label
from .summary import KpiSummary, kpi_summary

__all__ = ["build_parser", "entry", "main", "render_text"]


def _load(args: argparse.Namespace, progress: Progress, locale: str):  # -> Dataset
    if args.demo:
        from .demo import DATA_DIR

        return read_dataset(DATA_DIR, progress=progress, label="kpi_xl bundled demo data")
    if not args.source:
        raise ConfigError(text("cli.usage.source_or_demo", locale))
    return read_dataset(args.source, progress=progress)


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


def _cmd_metrics(args: argparse.Namespace, run: Run) -> int:
    as_of = parse_as_of(args.as_of, run.locale)
    ds = _load(args, run.progress, run.locale)
    run.progress.phase("compute")
    period = (parse_period(args.period, ds.settings.fiscal_year_start)
              if args.period is not None else None)
    s = kpi_summary(ds, period=period, by=args.by, as_of=as_of)
    run.progress.phase("render")
    if args.json:
        output = json.dumps(s.to_dict(), ensure_ascii=False, indent=2) + "\n"
    else:
        output = render_text(s, ds.settings.currency)
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
        return 130
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
