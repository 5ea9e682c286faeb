"""Refresh: read the workbook's input tables, compute, and replace the generated sheets.

Nothing is written unless everything succeeded: validation problems raise before any output,
and the writer saves to a temporary file that replaces the destination only when complete.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

from .calendar import Period
from .report.layout import build_report
from .report.writer import write_report
from .validate import load

__all__ = ["demo_workbook", "refresh"]


def refresh(book: str | os.PathLike[str], out: str | os.PathLike[str] | None = None, *,
            as_of: dt.date | None = None, period: Period | None = None,
            locale: str | None = None, generated_at: dt.datetime | None = None,
            progress: Callable[[int, int, str], None] | None = None) -> Path:
    """Refresh ``book`` (or write the refreshed copy to ``out``); returns the written path."""
    ds = load(book)
    report = build_report(ds, as_of=as_of, period=period, locale=locale,
                          generated_at=generated_at, progress=progress)
    return write_report(book, report, out)


def demo_workbook(out: str | os.PathLike[str], *, locale: str = "ja", macro: bool = False,
                  generated_at: dt.datetime | None = None,
                  progress: Callable[[int, int, str], None] | None = None) -> Path:
    """Template + bundled demo data + refresh → one finished workbook at ``out``."""
    from .demo import demo_frames
    from .excel.template import build_template

    frames = demo_frames()
    s = frames["settings"].copy()
    s.loc[s["key"] == "locale", "value"] = locale  # the book's own setting, kept by re-refreshes
    frames["settings"] = s
    path = build_template(out, locale=locale, macro=macro, data=frames)
    return refresh(path, locale=locale, generated_at=generated_at, progress=progress)
