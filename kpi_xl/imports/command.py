"""``kpi-xl import MAPPING SOURCE... -o BOOK.xlsx [--locale ja|en] [--mode replace|append]
[--derive-targets]``.

Prints, per table, the rows read, kept and dropped (with the reason of each drop), every value
the mapping could not translate, and what was changed (respellings, filled blanks, clamped
dates). Errors are :class:`~kpi_xl.errors.KpiXlError` subclasses: ``run`` prints the message
and returns the error's exit code (2 input/config, 3 validation), never a traceback.
"""

from __future__ import annotations

import argparse
import time
from typing import TextIO

from ..errors import KpiXlError

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``import`` sub-command to an argparse ``subparsers`` object."""
    p = subparsers.add_parser(
        "import", help="import CRM/shop exports through a column mapping into a workbook",
        description="Read export files through a TOML column mapping (a path, or a bundled "
                    "name: maven_crm, olist_funnel, uci_online_retail, generic_csv) and write "
                    "the kpi_xl input tables into BOOK (a new template, or the input tables of "
                    "an existing book). Then run: kpi-xl refresh BOOK.")
    p.add_argument("mapping", help="mapping .toml file or bundled mapping name")
    p.add_argument("sources", nargs="+", help="export files or folders holding them")
    p.add_argument("-o", "--out", required=True, help="workbook to create or update (.xlsx)")
    p.add_argument("--locale", choices=("ja", "en"), default="ja",
                   help="headers and sheet names of a new workbook (default ja)")
    p.add_argument("--mode", choices=("replace", "append"), default="replace",
                   help="for an existing workbook: replace the imported tables' rows "
                        "(default) or append to them")
    p.add_argument("--derive-targets", action="store_true",
                   help="add baseline targets: last year's same-month actual × 1.1 per rep "
                        "(revenue, won deals), marked 'derived: last year +10%%'")
    return p


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``kpi-xl import``; returns the exit code."""
    from . import derive_targets, import_sources, load_mapping, write_import

    try:
        t0 = time.perf_counter()
        mapping = load_mapping(args.mapping)
        result = import_sources(mapping, args.sources)
        if args.derive_targets:
            derive_targets(result)
        t1 = time.perf_counter()
        out.write(result.report.format())
        notices: list[str] = []
        path = write_import(result, args.out, args.locale, args.mode, notices=notices)
        err.writelines(f"kpi-xl: {n}\n" for n in notices)
        t2 = time.perf_counter()
        out.write(f"wrote {path} (import {t1 - t0:.1f} s, write {t2 - t1:.1f} s); "
                  f"next: kpi-xl refresh {path}\n")
        return 0
    except KpiXlError as exc:
        err.write(f"kpi-xl: {exc}\n")
        return exc.exit_code
