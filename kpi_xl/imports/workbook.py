"""Writing imported tables into a workbook: a new template, or the input tables of an existing one.

- The book does not exist: :func:`kpi_xl.excel.template.build_template` writes the template with
  the imported rows (and the mapping's settings) filled in.
- The book exists: only the input tables that were imported are rewritten, as XML through the
  package layer (:class:`kpi_xl.xlsx.tables.BookEditor`) — the same lossless path as a refresh:
  shapes, form controls, comments, the VBA project and parts kpi_xl does not know stay byte for
  byte. ``mode='replace'``: the table's rows are replaced; ``'append'``: the rows are added below
  the existing ones; each table's reference (and autofilter) is resized. Every other sheet,
  including generated report sheets and the user's own sheets, is left as it is (a
  ``kpi-xl refresh`` regenerates the reports). Settings rows named by the mapping are updated in
  place or added; the other settings are kept.

Text from the data is always written as text (an inline string, never a formula), with Excel's
quote prefix when it starts with ``= + - @``. The file is written to a temporary file next to
the destination and moved into place only when complete.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd

from ..errors import ConfigError, InputError
from ..i18n import text
from ..schema import normalize_header, table_spec
from ..settings import SETTING_KEYS
from ..xlsx.tables import BookEditor, EditableTable
from .report import ImportResult

__all__ = ["NOTE_CELL_OFFSET", "write_import"]

#: The derived-targets note is written this many columns right of the Targets table, row 1.
NOTE_CELL_OFFSET = 2
DATE_FORMAT = "yyyy-mm-dd"
_NOTE_COLOUR = "FFC00000"
_FORMULA_PREFIXES = ("=", "+", "-", "@")


def write_import(result: ImportResult, book: str | os.PathLike[str], template_locale: str = "ja",
                 mode: str = "replace", *, check: bool = True,
                 notices: list[str] | None = None) -> Path:
    """Write ``result.frames`` to ``book``; returns the path written.

    ``template_locale`` ('ja'|'en') is used when the template is created (headers and sheet
    names; also the book's ``locale`` setting) and for messages. ``check`` validates the
    imported tables with :func:`kpi_xl.validate.validate` first when a new book is built
    (nothing is written if there is a problem).
    """
    if mode not in ("replace", "append"):
        raise ConfigError(text("package.import_mode", template_locale, mode=mode))
    path = Path(book)
    if path.exists() or path.is_symlink():
        return _write_existing(result, path, mode, template_locale, notices)
    from ..excel.template import build_template

    frames = {n: f for n, f in result.frames.items() if n != "settings"}
    settings_frame = result.mapping.settings_frame(template_locale)
    if check:
        from ..validate import validate

        validate({**frames, "settings": settings_frame})
    settings = result.mapping.settings.with_overrides(locale=template_locale)
    written = build_template(path, locale=template_locale, settings=settings,
                             data={**frames, "settings": settings_frame}, notices=notices)
    if result.targets_note:
        with BookEditor(written, locale=template_locale) as ed:
            _write_note(ed, _find_table(ed, "targets", template_locale), result.targets_note)
            ed.save(written, notices=notices)
    return written


def _find_table(ed: BookEditor, name: str, locale: str) -> EditableTable:
    from ..excel.template import table_name

    table = ed.table(table_name(name))
    if table is None:
        raise InputError(text("package.no_table", locale, table=table_name(name), name=name))
    return table


def _write_note(ed: BookEditor, table: EditableTable, text: str) -> None:
    r0, _, _, c1 = table.bounds
    style = ed.style_variant(table.cells.style(r0, c1 + NOTE_CELL_OFFSET),
                             bold_color=_NOTE_COLOUR)
    table.cells.set(r0, c1 + NOTE_CELL_OFFSET, text, style)


def _cell_value(v: object, kind: str) -> object:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if kind == "date":
        return pd.Timestamp(v).to_pydatetime().replace(tzinfo=None)
    if kind == "number":
        return float(v)
    if kind == "bool":
        return bool(v)
    return str(v)


def _is_blank(value: object) -> bool:
    return value is None or value == ""


def _write_existing(result: ImportResult, path: Path, mode: str, locale: str,
                    notices: list[str] | None) -> Path:
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(text("package.import_suffix", locale, name=path.name))
    stages = result.mapping.settings.stages
    with BookEditor(path, locale=locale) as ed:
        for name, frame in result.frames.items():
            if name == "settings":
                _upsert_settings(ed, result.mapping.settings_values, locale)
                continue
            table = _find_table(ed, name, locale)
            frame = _fill_table(ed, table, name, frame, table_spec(name, stages), mode, result,
                                locale)
            if name == "targets" and result.targets_note:
                _write_note(ed, table, result.targets_note)
        return ed.save(path, notices=notices)


def _fill_table(ed: BookEditor, table: EditableTable, name: str, frame: pd.DataFrame, spec,
                mode: str, result: ImportResult, locale: str) -> pd.DataFrame:
    cells = table.cells
    r0, c0, r1, c1 = table.bounds
    lookup = {}
    for c in spec.columns:
        for n in c.all_names():
            lookup.setdefault(normalize_header(n), c)
    headers = [cells.value(r0, j) for j in range(c0, c1 + 1)]
    if all(_is_blank(h) for h in headers) and table.headers:
        headers = list(table.headers)
    cols = [lookup.get(normalize_header(h)) if not _is_blank(h) else None for h in headers]
    missing = [c for c in frame.columns if c not in {x.name for x in cols if x}]
    if missing:
        raise InputError(text("package.no_column", locale, book=ed.path.name,
                              table=table.name, columns=missing))
    last = r0  # last row holding data (a fresh template table has one empty row)
    for r in range(r1, r0, -1):
        if any(not _is_blank(cells.value(r, j)) for j in range(c0, c1 + 1)):
            last = r
            break
    base = {j: cells.style(r0 + 1, j) for j in range(c0, c1 + 1)}
    if mode == "append" and spec.key and spec.key in frame.columns:
        kcol = next(c0 + off for off, c in enumerate(cols) if c and c.name == spec.key)
        have = {_key_text(cells.value(r, kcol)) for r in range(r0 + 1, last + 1)
                if not _is_blank(cells.value(r, kcol))}
        exists = frame[spec.key].map(_key_text).isin(have)
        if exists.any():
            result.report.notes.append(text("package.append_skipped", locale, name=name,
                                            count=int(exists.sum()), key=spec.key))
            frame = frame[~exists.to_numpy()].reset_index(drop=True)
    if mode == "replace":
        for r in range(r0 + 1, r1 + 1):
            for j in range(c0, c1 + 1):
                cells.clear(r, j)
        start = r0 + 1
    else:
        start = last + 1
    data = {c.name: frame[c.name].tolist() for c in cols if c and c.name in frame.columns}
    date_style: dict[int, int] = {}
    quoted: dict[int, int] = {}
    for off, c in enumerate(cols):
        if c is None or c.name not in data:
            continue
        j = c0 + off
        values = data[c.name]
        for i, raw in enumerate(values):
            value = _cell_value(raw, c.kind)
            style = base[j]
            if isinstance(value, dt.datetime):
                if j not in date_style:
                    date_style[j] = ed.style_variant(base[j], number_format=DATE_FORMAT)
                style = date_style[j]
            elif isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
                if j not in quoted:
                    quoted[j] = ed.style_variant(base[j], quote_prefix=True)
                style = quoted[j]
            cells.set(start + i, j, value, style)
    table.resize(max(start + len(frame) - 1, r0 + 1))
    return frame


def _key_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _upsert_settings(ed: BookEditor, values: dict[str, str], locale: str) -> None:
    if not values:
        return
    table = _find_table(ed, "settings", locale)
    cells = table.cells
    r0, c0, r1, _ = table.bounds
    rows = {}
    for r in range(r0 + 1, r1 + 1):
        key = cells.value(r, c0)
        if not _is_blank(key):
            rows[SETTING_KEYS.get(normalize_header(key), str(key))] = r
    end = r1
    for k, v in values.items():
        field = SETTING_KEYS.get(normalize_header(k), k)
        r = rows.get(field)
        if r is None:
            end += 1
            r = end
            cells.set(r, c0, k, cells.style(r1, c0))
        cells.set(r, c0 + 1, str(v), cells.style(r, c0 + 1) or cells.style(r1, c0 + 1))
    table.resize(end)
