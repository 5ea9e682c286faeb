"""Writing a report: into the user's workbook (the splice) or as a new workbook.

Both render the report's sheets into an in-memory package first (no temporary file for it),
then write the destination through :func:`kpi_xl.xlsx.atomic.atomic_output`. ``notices``,
when given, receives one line per thing the user should know: text written differently from
the data (control characters removed), stale temporary files removed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, MutableMapping
from pathlib import Path

from ..i18n import normalize_locale
from ..report.model import Report
from ..report.naming import GENERATED_NAME
from .atomic import atomic_output, check_input_file
from .package import Package, write_package
from .splice import generated_value, place_sheets, plan_removal, splice_parts
from .text import TextChanges, change_notices
from .workbook import WorkbookPart

__all__ = ["Renderer", "new_report_book", "splice_report"]

Renderer = Callable[[Report, list[str], TextChanges], bytes]


def _default_render() -> Renderer:
    from ..report.render_xlsxwriter import render_package

    return render_package


def _report_changes(changes: TextChanges, locale: str, notices: list[str] | None) -> None:
    if notices is not None:
        notices.extend(change_notices(changes, locale))


def _record_renames(report: Report, names: list[str], changes: TextChanges) -> None:
    """A rep whose tab could not carry the rep's name as it is (characters Excel forbids in
    sheet names, over 31 characters, or a name already taken) is named in the notices."""
    for sheet, name in zip(report.sheets, names, strict=True):
        if sheet.rep is not None and name != sheet.rep:
            changes.record(sheet.rep, name)


def splice_report(book: str | os.PathLike[str], report: Report,
                  out: str | os.PathLike[str] | None = None, *,
                  render: Renderer | None = None,
                  timings: MutableMapping[str, float] | None = None,
                  notices: list[str] | None = None) -> Path:
    """Replace the generated sheets of ``book`` with ``report``'s sheets; every other part of
    the package stays byte for byte. Writes ``out`` (default: ``book``) atomically."""
    t_start = time.perf_counter()
    render = render or _default_render()
    locale = normalize_locale(report.locale)
    src = Path(book)
    dest = Path(out) if out is not None else src
    check_input_file(src, locale)
    changes = TextChanges()
    with Package(src, locale=locale) as pkg:
        plan = plan_removal(pkg, src, dest)
        names, position = place_sheets(plan, report)
        _record_renames(report, names, changes)
        t0 = time.perf_counter()
        data = render(report, names, changes)
        t_render = time.perf_counter() - t0
        with Package(Path("generated.xlsx"), data=data, locale=locale) as gen:
            edits = splice_parts(plan, report, names, position, gen)
        with atomic_output(dest, locale=locale, notices=notices) as fh:
            write_package(pkg, fh, changed=edits.changed, removed=edits.removed,
                          added=edits.added)
    _report_changes(changes, locale, notices)
    if timings is not None:
        timings["render"] = timings.get("render", 0.0) + t_render
        timings["write"] = (timings.get("write", 0.0) + time.perf_counter() - t_start
                            - t_render)
    return dest


def new_report_book(report: Report, out: str | os.PathLike[str], *,
                    render: Renderer | None = None,
                    notices: list[str] | None = None) -> Path:
    """Write ``report`` alone into a new workbook at ``out``."""
    from ..report.naming import unique_sheet_names

    render = render or _default_render()
    locale = normalize_locale(report.locale)
    dest = Path(out)
    changes = TextChanges()
    names = unique_sheet_names(s.name for s in report.sheets)
    _record_renames(report, names, changes)
    data = render(report, names, changes)
    with Package(Path("generated.xlsx"), data=data, locale=locale) as gen:
        wb_part = gen.main_part()
        wb = WorkbookPart(gen.xml(wb_part))
        wb.set_defined_names(wb.defined_names() + [
            wb.new_defined_name(GENERATED_NAME, generated_value(sheet.kind), i)
            for i, sheet in enumerate(report.sheets)])
        with atomic_output(dest, locale=locale, notices=notices) as fh:
            write_package(gen, fh, changed={wb_part: wb.to_bytes()})
    _report_changes(changes, locale, notices)
    return dest
