"""Refresh: read the workbook's input tables, compute, and replace the generated sheets.

Nothing is written unless everything succeeded: validation problems raise before any output,
and the writer saves to a temporary file that replaces the destination only when complete.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path

from .calendar import Period
from .i18n import normalize_locale
from .readers import read_source
from .report.layout import build_report
from .report.writer import write_report
from .validate import validate
from .xlsx.atomic import check_input_file, check_output_path

__all__ = ["demo_workbook", "refresh"]


def refresh(book: str | os.PathLike[str], out: str | os.PathLike[str] | None = None, *,
            as_of: dt.date | None = None, period: Period | None = None,
            locale: str | None = None, generated_at: dt.datetime | None = None,
            progress: Callable[[int, int, str], None] | None = None,
            timings: MutableMapping[str, float] | None = None,
            notices: list[str] | None = None) -> Path:
    """Refresh ``book`` (or write the refreshed copy to ``out``); returns the written path.

    ``timings``, when given, receives the wall-clock seconds of each step: ``read`` (input
    tables), ``validate``, ``compute`` (metrics and report layout), ``render`` (the generated
    sheets) and ``write`` (the workbook file). ``notices``, when given, receives what the
    user should know about the file written (see :func:`~kpi_xl.report.writer.write_report`).
    """
    msg_locale = normalize_locale(locale)
    check_input_file(Path(book), msg_locale)  # a named pipe would block the reader
    check_output_path(Path(out) if out is not None else Path(book), msg_locale)  # fail early
    with _timed(timings, "read"):
        raws = read_source(book)
    with _timed(timings, "validate"):
        ds = validate(raws, source=os.path.basename(os.path.normpath(os.fspath(book))))
    with _timed(timings, "compute"):
        report = build_report(ds, as_of=as_of, period=period, locale=locale,
                              generated_at=generated_at, progress=progress)
    return write_report(book, report, out, timings=timings, notices=notices)


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


def demo_workbook(out: str | os.PathLike[str], *, locale: str = "ja", macro: bool = False,
                  generated_at: dt.datetime | None = None,
                  progress: Callable[[int, int, str], None] | None = None,
                  notices: list[str] | None = None) -> Path:
    """Template + bundled demo data + refresh → one finished workbook at ``out``."""
    from .demo import demo_frames
    from .excel.template import build_template

    frames = demo_frames()
    s = frames["settings"].copy()
    s.loc[s["key"] == "locale", "value"] = locale  # the book's own setting, kept by re-refreshes
    frames["settings"] = s
    path = build_template(out, locale=locale, macro=macro, data=frames)
    return refresh(path, locale=locale, generated_at=generated_at, progress=progress,
                   notices=notices)
