"""Write a report into a workbook file, atomically.

:func:`write_report` replaces the generated sheets of the user's workbook (the template they
typed their data into) and saves to a temporary file next to the destination, which then
replaces the destination in one ``os.replace``: a failure at any point leaves the destination
as it was and no temporary file behind.

Two methods:

- ``method="splice"`` (default): :func:`~kpi_xl.report.splice.splice_report` renders only the
  generated sheets and merges them into the workbook's zip package; every other part is kept
  byte-for-byte (DrawingML shapes and their macros, form controls, comments, custom XML, the
  VBA project… survive; pivot tables and slicers — untested, nothing here can create them
  without Excel — are kept like every part the splice does not touch).
- ``method="openpyxl"``: load the whole workbook with openpyxl, replace the generated sheets
  (:func:`~kpi_xl.report.render_openpyxl.render_into`) and save it — kept for comparison.

With ``method="openpyxl"`` (the round trip): VBA project (``.xlsm``, loaded with
``keep_vba``), VML form buttons, external links, defined names, data validation, conditional
formatting, comments, tables and charts openpyxl can read are kept; DrawingML shapes, form
``<controls>``, images without Pillow, pivot caches' refresh state, xlwings Lite code parts
and anything openpyxl does not model are lost — see ``/work/shared/notes/xlwings.md``.
"""

from __future__ import annotations

import os
import tempfile
import time
import zipfile
from collections.abc import MutableMapping
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from ..errors import InputError
from ..progress import SILENT, Progress
from .model import Report
from .render_openpyxl import render_into
from .splice import splice_report

__all__ = ["new_workbook_report", "write_report"]

_MACRO_SUFFIXES = {".xlsm", ".xltm"}
_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm"}


def write_report(book: str | os.PathLike[str], report: Report,
                 out: str | os.PathLike[str] | None = None, *,
                 method: str = "splice",
                 timings: MutableMapping[str, float] | None = None,
                 progress: Progress = SILENT) -> Path:
    """Render ``report`` into the workbook ``book`` and save it to ``out`` (default: ``book``).

    ``method`` is ``"splice"`` (lossless, default) or ``"openpyxl"`` (full load and save).
    ``timings``, when given, receives the seconds spent in ``render`` and ``write``;
    ``progress`` hears the ``render`` phase (a step per sheet) and the ``write`` phase.

    Macros of an ``.xlsm`` are kept when ``out`` is also macro-enabled; writing an ``.xlsm`` to an
    ``.xlsx`` drops them (Excel refuses an ``.xlsx`` holding VBA); an ``.xlsx`` cannot be written
    as ``.xlsm``. Raises :class:`~kpi_xl.errors.InputError` when the workbook cannot be read or
    the result cannot be saved (destination open in Excel, folder not writable…).
    """
    src = Path(book)
    dest = Path(out) if out is not None else src
    _check_suffix(src)
    _check_suffix(dest)
    macro = src.suffix.lower() in _MACRO_SUFFIXES and dest.suffix.lower() in _MACRO_SUFFIXES
    if dest.suffix.lower() in _MACRO_SUFFIXES and src.suffix.lower() not in _MACRO_SUFFIXES:
        raise InputError(f"cannot write {src.name} (no macros) as a macro workbook {dest.name}; "
                         f"use an .xlsx destination")
    if method == "splice":
        # render_into is looked up here so that a patched renderer is used by both methods
        def render(wb: openpyxl.Workbook, rep: Report) -> list[str]:
            progress.phase("render")
            names = render_into(wb, rep, progress=progress)
            progress.phase("write")
            return names

        return splice_report(src, report, dest, render=render, timings=timings)
    if method != "openpyxl":
        raise ValueError(f"method must be 'splice' or 'openpyxl', not {method!r}")
    t0 = time.perf_counter()
    try:
        wb = openpyxl.load_workbook(src, keep_vba=macro, keep_links=True)
    except FileNotFoundError as exc:
        raise InputError(f"workbook not found: {src}") from exc
    except PermissionError as exc:
        raise InputError(f"cannot read {src}: permission denied (is it locked?)") from exc
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError,
            OSError) as exc:
        raise InputError(f"cannot read {src} as an Excel workbook: {exc}") from exc
    t1 = time.perf_counter()
    progress.phase("render")
    render_into(wb, report, progress=progress)
    progress.phase("write")
    t2 = time.perf_counter()
    _save_atomically(wb, dest)
    if timings is not None:
        timings["render"] = timings.get("render", 0.0) + t2 - t1
        timings["write"] = timings.get("write", 0.0) + (t1 - t0) + time.perf_counter() - t2
    return dest


def new_workbook_report(report: Report, out: str | os.PathLike[str]) -> Path:
    """Write ``report`` alone into a new ``.xlsx`` workbook at ``out`` (no how-to sheet)."""
    dest = Path(out)
    _check_suffix(dest)
    if dest.suffix.lower() in _MACRO_SUFFIXES:
        raise InputError(f"a new report workbook cannot be a macro workbook: {dest.name}")
    wb = openpyxl.Workbook()
    placeholder = wb.active
    names = render_into(wb, report)
    if names:
        wb.remove(placeholder)
        wb.active = 0
    _save_atomically(wb, dest)
    return dest


def _check_suffix(path: Path) -> None:
    if path.suffix.lower() not in _SUFFIXES:
        raise InputError(f"{path.name}: not an Excel workbook openpyxl can write "
                         f"(expected one of {', '.join(sorted(_SUFFIXES))})")


def _save_atomically(wb: openpyxl.Workbook, dest: Path) -> None:
    folder = dest.parent if str(dest.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"output folder does not exist: {folder}")
    try:
        fd, name = tempfile.mkstemp(prefix=".~kpi_xl-", suffix=dest.suffix, dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write in {folder}: {exc}") from exc
    tmp = Path(name)
    try:
        os.close(fd)
        wb.save(tmp)
        mode = dest.stat().st_mode & 0o777 if dest.exists() else 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, dest)
    except PermissionError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write {dest}: permission denied — close it in Excel "
                         f"and try again") from exc
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write {dest}: {exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise

