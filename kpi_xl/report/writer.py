"""Write a report into a workbook file, atomically and losslessly.

:func:`write_report` replaces the generated sheets of the user's workbook (the template they
typed their data into) through the splice (:func:`kpi_xl.xlsx.write.splice_report`): only
the generated sheets are rendered, and every other part of the package — DrawingML shapes and
their macros, form controls, comments, custom XML, the VBA project, pivot tables, slicers —
is kept byte for byte. The result replaces the destination in one ``os.replace``; a failure at
any point leaves the destination as it was and no temporary file behind.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path

from ..errors import InputError
from ..i18n import normalize_locale, text
from ..progress import SILENT, Progress
from ..xlsx.text import TextChanges
from ..xlsx.write import Renderer, new_report_book, splice_report
from .model import Report

__all__ = ["new_workbook_report", "write_report"]

_MACRO_SUFFIXES = {".xlsm", ".xltm"}
_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm"}


def write_report(book: str | os.PathLike[str], report: Report,
                 out: str | os.PathLike[str] | None = None, *,
                 render: Renderer | None = None,
                 timings: MutableMapping[str, float] | None = None,
                 notices: list[str] | None = None,
                 progress: Progress = SILENT) -> Path:
    """Render ``report`` into the workbook ``book`` and save it to ``out`` (default: ``book``).

    ``timings``, when given, receives the seconds spent in ``render`` and ``write``;
    ``progress`` hears the ``render`` phase (a step per sheet) and the ``write`` phase;
    ``notices`` receives what the user should know (texts written differently from the data,
    temporary files of an interrupted run removed, a macro book without its module).

    Macros of an ``.xlsm`` are kept when ``out`` is also macro-enabled; writing an ``.xlsm`` to an
    ``.xlsx`` drops them (Excel refuses an ``.xlsx`` holding VBA); an ``.xlsx`` cannot be written
    as ``.xlsm``. Raises :class:`~kpi_xl.errors.InputError` when the workbook cannot be read or
    the result cannot be written (read-only, open in Excel, a folder…).
    """
    locale = normalize_locale(report.locale)
    src = Path(book)
    dest = Path(out) if out is not None else src
    _check_suffix(src, locale)
    _check_suffix(dest, locale)
    if dest.suffix.lower() in _MACRO_SUFFIXES and src.suffix.lower() not in _MACRO_SUFFIXES:
        raise InputError(text("package.plain_to_macro", locale, book=src.name,
                              out=dest.name))
    written = splice_report(src, report, dest, render=_staged(render, progress),
                            timings=timings, notices=notices)
    if notices is not None and dest.suffix.lower() in _MACRO_SUFFIXES:
        from ..excel.companion import companion_notices

        notices.extend(companion_notices(dest, locale))
    return written


def new_workbook_report(report: Report, out: str | os.PathLike[str], *,
                        notices: list[str] | None = None) -> Path:
    """Write ``report`` alone into a new ``.xlsx`` workbook at ``out`` (no how-to sheet)."""
    locale = normalize_locale(report.locale)
    dest = Path(out)
    _check_suffix(dest, locale)
    if dest.suffix.lower() in _MACRO_SUFFIXES:
        raise InputError(text("package.new_report_macro", locale, out=dest.name))
    return new_report_book(report, dest, notices=notices)


def _check_suffix(path: Path, locale: str) -> None:
    if path.suffix.lower() not in _SUFFIXES:
        raise InputError(text("package.bad_suffix", locale, name=path.name,
                              allowed=", ".join(sorted(_SUFFIXES))))


def _staged(render: Renderer | None, progress: Progress) -> Renderer:
    """``render`` (default: the XlsxWriter renderer, a progress step per sheet) announced to
    ``progress`` as the ``render`` phase, followed by the ``write`` phase."""
    if render is None:
        from .render_xlsxwriter import render_package

        def render(rep: Report, names: list[str], changes: TextChanges) -> bytes:
            return render_package(rep, names, changes, progress=progress)

    def staged(rep: Report, names: list[str], changes: TextChanges) -> bytes:
        progress.phase("render")
        data = render(rep, names, changes)
        progress.phase("write")
        return data

    return staged
