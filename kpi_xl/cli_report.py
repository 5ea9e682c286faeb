"""What the command line writes besides the figures: the closing summary, the table of input
problems (``--problems``), and the report file of an internal error.

Every text comes from :mod:`kpi_xl.i18n` (``cli.*``) in the user's language.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import os
import platform
import re
import sys
import tempfile
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from . import __version__
from .cli_progress import format_seconds
from .dataset import TABLE_NAMES, Dataset
from .i18n import exclusion_text, outside_text, text
from .xlsx.atomic import file_mode_for

__all__ = ["PROBLEM_SUFFIXES", "default_problems_path", "describe_oserror", "guard_text",
           "log_dir", "summary_lines", "write_crash_report", "write_problems"]

PROBLEM_SUFFIXES: tuple[str, ...] = (".xlsx", ".csv")
_SHOWN_SHEETS = 3
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


# --------------------------------------------------------------------------- summary


def summary_lines(ds: Dataset | None, locale: str, *, seconds: float, path: Path | None = None,
                  sheets: Sequence[str] = (), next_refresh: bool = False) -> list[str]:
    """The closing summary of a successful run: the file written, the sheets generated, the
    rows read per table with how many were excluded, why, rows outside the Excel tables, and
    the total time."""
    L = locale
    lines: list[str] = []
    if path is not None:
        lines.append(text("cli.summary.wrote", L, path=path))
    if sheets:
        names = text("cli.summary.separator", L).join(sheets[:_SHOWN_SHEETS])
        if len(sheets) > _SHOWN_SHEETS:
            names += " " + text("cli.summary.more", L, count=len(sheets) - _SHOWN_SHEETS)
        lines.append(text("cli.summary.sheets", L, count=len(sheets), names=names))
    rows = []
    for name in TABLE_NAMES if ds is not None else ():
        used = len(ds.table(name))
        excluded = sum(e.count for e in ds.exclusions if e.table == name)
        if used + excluded == 0:
            continue
        key = "cli.summary.table_excluded" if excluded else "cli.summary.table"
        rows.append("  " + text(key, L, table=text(f"table.{name}", L),
                                read=f"{used + excluded:,}", used=f"{used:,}",
                                excluded=f"{excluded:,}"))
    if rows:
        lines += [text("cli.summary.rows", L), *rows]
    if ds is not None and ds.exclusions:
        lines.append(text("cli.summary.excluded", L))
        lines += ["  " + exclusion_text(e, L) for e in ds.exclusions]
    if ds is not None and ds.outside_rows:
        lines.append(text("cli.summary.outside", L))
        lines += ["  " + outside_text(o, L) for o in ds.outside_rows]
    if next_refresh and path is not None:
        lines.append(text("cli.summary.next", L, path=path))
    lines.append(text("cli.summary.total", L, time=format_seconds(seconds, L)))
    return lines


# --------------------------------------------------------------------------- problems


def default_problems_path(source: str | os.PathLike[str] | None) -> Path:
    """Where the problem table goes when ``--problems`` is not given: ``BOOK-problems.xlsx``
    next to the book (``FOLDER-problems.xlsx`` beside a CSV folder; in the current folder
    for the demo data)."""
    if source is None:
        return Path("kpi_xl-problems.xlsx")
    p = Path(source)
    if p.is_dir():
        p = p.resolve()
        return p.parent / f"{p.name}-problems.xlsx"
    return p.with_name(f"{p.stem}-problems.xlsx")


def guard_text(value: str) -> str:
    """Text for a CSV cell that no spreadsheet will run as a formula: text starting with
    ``= + - @`` (or a tab or carriage return) gets a leading apostrophe; plain numbers such as
    ``-5`` are left alone."""
    if value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_problems(table: pd.DataFrame, path: str | os.PathLike[str], locale: str) -> Path:
    """Write the problem table (``ValidationError.table()``, whose column names are already in
    the book's language) to ``path`` (.xlsx or .csv); values as typed, always as text or
    numbers, never as formulas.
    Written to a temporary file first, so a failure leaves no half-written file."""
    dest = Path(path)
    suffix = dest.suffix.lower()
    if suffix not in PROBLEM_SUFFIXES:
        raise ValueError(f"unsupported suffix {dest.suffix!r}")
    headers = [str(c) for c in table.columns]
    records = [[_cell(v) for v in row] for row in table.itertuples(index=False, name=None)]
    folder = dest.parent if str(dest.parent) else Path(".")
    fd, name = tempfile.mkstemp(prefix=".~kpi_xl-problems-", suffix=suffix, dir=folder)
    os.close(fd)
    tmp = Path(name)
    try:
        if suffix == ".csv":
            with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
                w = csv.writer(f)
                w.writerow([guard_text(h) for h in headers])
                for row in records:
                    w.writerow(["" if v is None else guard_text(v) if isinstance(v, str) else v
                                for v in row])
        else:
            _write_xlsx(tmp, headers, records, text("cli.problems.title", locale))
        os.chmod(tmp, file_mode_for(dest))  # not the temporary file's 0600
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "item"):  # numpy scalars (row numbers of an Int64 column)
        return value.item()
    return str(value)


def _write_xlsx(path: Path, headers: list[str], records: list[list[object]], title: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False,
                                         "nan_inf_to_errors": True})
    try:
        ws = wb.add_worksheet(title)
        bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        for c, h in enumerate(headers):
            ws.write_string(0, c, h, bold)
        widths = [max(8, min(12, len(h) * 2)) for h in headers]
        for r, row in enumerate(records, start=1):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, bool):
                    ws.write_boolean(r, c, v)
                elif isinstance(v, (int, float)):
                    ws.write_number(r, c, v)
                else:
                    ws.write_string(r, c, v, wrap)
                    widths[c] = max(widths[c], min(60, len(v) + 2))
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(1, len(records)), len(headers) - 1)
    finally:
        wb.close()


# --------------------------------------------------------------------------- errors


def describe_oserror(exc: OSError, locale: str) -> str:
    """``cannot read or write PATH: permission denied`` in ``locale`` (the reason in plain
    words for the usual causes, the system's text otherwise)."""
    name = errno.errorcode.get(exc.errno or 0, "")
    name = "EACCES" if name == "EPERM" else name
    key = f"cli.oserror.{name}"
    try:
        reason = text(key, locale)
    except KeyError:
        reason = exc.strerror or str(exc)
    path = exc.filename if exc.filename is not None else "?"
    return text("cli.error.file", locale, path=path, reason=reason)


def log_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Folder of internal-error reports: ``KPI_XL_LOG_DIR``, else the user's cache folder
    (``%LOCALAPPDATA%\\kpi_xl\\logs`` on Windows, ``~/Library/Logs/kpi_xl`` on macOS,
    ``$XDG_CACHE_HOME/kpi_xl/logs`` or ``~/.cache/kpi_xl/logs`` elsewhere)."""
    env = os.environ if environ is None else environ
    if env.get("KPI_XL_LOG_DIR"):
        return Path(env["KPI_XL_LOG_DIR"])
    if sys.platform == "win32" and env.get("LOCALAPPDATA"):
        return Path(env["LOCALAPPDATA"]) / "kpi_xl" / "logs"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Logs" / "kpi_xl"
    base = Path(env["XDG_CACHE_HOME"]) if env.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "kpi_xl" / "logs"


def write_crash_report(exc: BaseException, *, argv: Sequence[str], what: str,
                       seconds: Mapping[str, float]) -> Path:
    """Save what a maintainer needs about an internal error (versions, arguments, the phase
    that failed and the traceback) and return the file's path; falls back to the temporary
    folder when the log folder cannot be written. Raises OSError when neither can."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    body = "\n".join([
        f"kpi-xl {__version__} internal error report, {dt.datetime.now().isoformat()}",
        f"python {sys.version.split()[0]} on {platform.platform()}",
        f"arguments: {list(argv)!r}",
        f"while: {what}",
        "phase seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in seconds.items()),
        "",
        "".join(traceback.format_exception(exc)),
    ])
    last: OSError | None = None
    for folder in (log_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"kpi-xl-error-{stamp}-{os.getpid()}.log"
            path.write_text(body, encoding="utf-8")
            return path
        except OSError as err:
            last = err
    assert last is not None
    raise last
