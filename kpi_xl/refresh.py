"""Refresh: read the workbook's input tables, compute, and replace the generated sheets.

Nothing is written unless everything succeeded: validation problems raise before any output,
and the writer saves to a temporary file that replaces the destination only when complete.

Each step tells a :class:`~kpi_xl.progress.Progress` where it is: ``read`` (a ``table`` call
per input table with its rows), ``validate``, ``compute`` (a ``step`` per rep tab laid out),
``render`` (a ``step`` per sheet) and ``write``. The CLI draws them; the API default is silent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from .calendar import Period, parse_period
from .dataset import Dataset
from .i18n import normalize_locale
from .progress import SILENT, Progress
from .read import read_source
from .report.layout import build_report
from .report.writer import write_report
from .validate import validate
from .xlsx.atomic import check_input_file, check_output_path

__all__ = ["RefreshResult", "demo_book", "demo_workbook", "read_dataset", "refresh",
           "refresh_book"]


@dataclass
class RefreshResult:
    """What a refresh did: the file written, the validated input (its exclusions and rows
    outside tables included) and the names of the generated sheets, in order."""

    path: Path
    dataset: Dataset
    sheets: list[str] = field(default_factory=list)


def read_dataset(source: object, *, progress: Progress = SILENT, label: str | None = None,
                 timings: MutableMapping[str, float] | None = None) -> Dataset:
    """Read and validate ``source`` (workbook, CSV folder or dict of frames) with progress:
    the ``read`` phase reports each table and its rows, then the ``validate`` phase runs.

    ``label`` names the source in the dataset (default: its file or folder name).
    """
    if label is None:
        label = (os.path.basename(os.path.normpath(os.fspath(source)))
                 if isinstance(source, (str, os.PathLike)) else "(in memory)")
    progress.phase("read")
    with _timed(timings, "read"):
        raws = read_source(source, progress=progress)
    progress.phase("validate")
    with _timed(timings, "validate"):
        return validate(raws, source=label)


def refresh_book(book: str | os.PathLike[str], out: str | os.PathLike[str] | None = None, *,
                 as_of: dt.date | None = None, period: Period | str | None = None,
                 locale: str | None = None, generated_at: dt.datetime | None = None,
                 progress: Progress = SILENT,
                 timings: MutableMapping[str, float] | None = None,
                 notices: list[str] | None = None,
                 messages: str | None = None) -> RefreshResult:
    """Refresh ``book`` (or write the refreshed copy to ``out``) and say what was done.

    ``period`` may be a label (``FY2026Q3`` …), parsed with the book's own fiscal-year start.
    ``timings``, when given, receives the wall-clock seconds of each step: ``read`` (input
    tables), ``validate``, ``compute`` (metrics and report layout), ``render`` (the generated
    sheets) and ``write`` (the workbook file). ``notices``, when given, receives what the user
    should know about the file written (see :func:`~kpi_xl.report.writer.write_report`).

    The input and the destination are checked before anything is read: a named pipe would
    block the reader, and a book open in Excel or read-only should fail at once, not after
    the whole computation.

    ``messages`` is the language of those checks and of a bad ``period`` label (default:
    ``locale``); the command line passes the user's (``LANG``). Problems found in the book's
    rows are worded in the book's language, like its sheets.
    """
    msg_locale = normalize_locale(messages or locale)
    check_input_file(Path(book), msg_locale)
    check_output_path(Path(out) if out is not None else Path(book), msg_locale)
    ds = read_dataset(book, progress=progress, timings=timings)
    progress.phase("compute")
    if isinstance(period, str):
        period = parse_period(period, ds.settings.fiscal_year_start,
                              today=as_of or ds.data_end(), locale=msg_locale)
    with _timed(timings, "compute"):
        report = build_report(ds, as_of=as_of, period=period, locale=locale,
                              generated_at=generated_at, progress=progress)
    path = write_report(book, report, out, timings=timings, notices=notices, progress=progress)
    return RefreshResult(Path(path), ds, [s.name for s in report.sheets])


def refresh(book: str | os.PathLike[str], out: str | os.PathLike[str] | None = None, *,
            as_of: dt.date | None = None, period: Period | str | None = None,
            locale: str | None = None, generated_at: dt.datetime | None = None,
            progress: Progress = SILENT,
            timings: MutableMapping[str, float] | None = None,
            notices: list[str] | None = None) -> Path:
    """Refresh ``book`` (or write the refreshed copy to ``out``); returns the written path.

    The same as :func:`refresh_book`, which also returns the dataset and the sheet names.
    """
    return refresh_book(book, out, as_of=as_of, period=period, locale=locale,
                        generated_at=generated_at, progress=progress, timings=timings,
                        notices=notices).path


@contextlib.contextmanager
def _timed(timings: MutableMapping[str, float] | None, step: str) -> Iterator[None]:
    if timings is None:
        yield
        return
    t0 = time.perf_counter()
    try:
        yield
    finally:
        timings[step] = timings.get(step, 0.0) + time.perf_counter() - t0


def demo_book(out: str | os.PathLike[str], *, locale: str = "ja", macro: bool = False,
              generated_at: dt.datetime | None = None,
              progress: Progress = SILENT,
              notices: list[str] | None = None,
              messages: str | None = None) -> RefreshResult:
    """Template + bundled demo data + refresh → one finished workbook at ``out``.

    The template filled with the demo data is written first (a ``write`` phase), then
    refreshed (the phases of :func:`refresh_book`). ``messages``: the language of errors
    (default: ``locale``).
    """
    from .demo import demo_frames
    from .excel.template import build_template

    progress.phase("write")
    frames = demo_frames()
    s = frames["settings"].copy()
    s.loc[s["key"] == "locale", "value"] = locale  # the book's own setting, kept by re-refreshes
    frames["settings"] = s
    path = build_template(out, locale=locale, macro=macro, data=frames, notices=notices,
                          messages=messages)
    return refresh_book(path, locale=locale, generated_at=generated_at, progress=progress,
                        notices=notices, messages=messages)


def demo_workbook(out: str | os.PathLike[str], *, locale: str = "ja", macro: bool = False,
                  generated_at: dt.datetime | None = None,
                  progress: Progress = SILENT,
                  notices: list[str] | None = None) -> Path:
    """Template + bundled demo data + refresh → one finished workbook at ``out``."""
    return demo_book(out, locale=locale, macro=macro, generated_at=generated_at,
                     progress=progress, notices=notices).path
