"""Writing imported tables into a workbook: a new template, or the input tables of an existing one.

- The book does not exist: :func:`kpi_xl.excel.template.build_template` writes the template with
  the imported rows (and the mapping's settings) filled in.
- The book exists: only the input tables that were imported are rewritten, with openpyxl, in
  place (``mode='replace'``: the table's rows are replaced; ``'append'``: the rows are added
  below the existing ones); each table's reference (and autofilter) is resized. Every other
  sheet, including generated report sheets and the user's own sheets, is left as it is (a
  ``kpi-xl refresh`` regenerates the reports). Settings rows named by the mapping are updated
  in place or added; the other settings are kept.

The file is written to a temporary file next to the destination and moved into place only when
complete.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from ..errors import ConfigError, InputError
from ..schema import normalize_header, table_spec
from ..settings import SETTING_KEYS
from .engine import ImportResult

__all__ = ["NOTE_CELL_OFFSET", "write_import"]

#: The derived-targets note is written this many columns right of the Targets table, row 1.
NOTE_CELL_OFFSET = 2
DATE_FORMAT = "yyyy-mm-dd"


def write_import(result: ImportResult, book: str | os.PathLike[str], template_locale: str = "ja",
                 mode: str = "replace", *, check: bool = True) -> Path:
    """Write ``result.frames`` to ``book``; returns the path written.

    ``template_locale`` ('ja'|'en') is used when the template is created (headers and sheet
    names; also the book's ``locale`` setting). ``check`` validates the imported tables with
    :func:`kpi_xl.validate.validate` first when a new book is built (nothing is written if
    there is a problem).
    """
    if mode not in ("replace", "append"):
        raise ConfigError(f"mode must be 'replace' or 'append', not {mode!r}")
    path = Path(book)
    if path.exists():
        return _write_existing(result, path, mode)
    from ..excel.template import build_template

    frames = {n: f for n, f in result.frames.items() if n != "settings"}
    settings_frame = result.mapping.settings_frame(template_locale)
    if check:
        from ..validate import validate

        validate({**frames, "settings": settings_frame})
    settings = result.mapping.settings.with_overrides(locale=template_locale)
    written = build_template(path, locale=template_locale, settings=settings,
                             data={**frames, "settings": settings_frame})
    if result.targets_note:
        import openpyxl

        wb = openpyxl.load_workbook(written)
        ws, tbl = _find_table(wb, "targets")
        _write_note(ws, tbl, result.targets_note)
        _save(wb, written)
    return written


def _find_table(wb, name: str):
    from ..excel.template import table_name

    want = table_name(name).lower()
    for ws in wb.worksheets:
        for tbl in ws.tables.values():
            if tbl.name.lower() == want:
                return ws, tbl
    raise InputError(f"the workbook has no table {table_name(name)} (the {name} input table); "
                     "import into a kpi_xl template (kpi-xl template BOOK) or a new file")


def _write_note(ws, tbl, text: str) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils.cell import range_boundaries

    min_col, min_row, max_col, _ = range_boundaries(tbl.ref)
    cell = ws.cell(row=min_row, column=max_col + NOTE_CELL_OFFSET, value=text)
    cell.font = Font(bold=True, color="C00000")
    ws.cell(row=min_row, column=min_col).comment = Comment(text, "kpi_xl")


def _save(wb, dest: Path) -> None:
    fd, tmp = tempfile.mkstemp(suffix=dest.suffix, dir=dest.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cell_value(v: object, kind: str) -> object:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if kind == "date":
        return pd.Timestamp(v).to_pydatetime()
    if kind == "number":
        return float(v)
    if kind == "bool":
        return bool(v)
    return str(v)


def _write_existing(result: ImportResult, path: Path, mode: str) -> Path:
    import openpyxl
    from openpyxl.utils.cell import get_column_letter, range_boundaries

    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(f"{path.name}: can only import into an .xlsx/.xlsm workbook")
    try:
        wb = openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm",
                                    keep_links=True)
    except Exception as exc:  # openpyxl raises several types for unreadable files
        raise InputError(f"Cannot open {path.name}: {exc}") from exc
    stages = result.mapping.settings.stages
    for name, frame in result.frames.items():
        if name == "settings":
            _upsert_settings(wb, result.mapping.settings_values)
            continue
        ws, tbl = _find_table(wb, name)
        spec = table_spec(name, stages)
        lookup = {}
        for c in spec.columns:
            for n in c.all_names():
                lookup.setdefault(normalize_header(n), c)
        min_col, min_row, max_col, max_row = range_boundaries(tbl.ref)
        headers = [ws.cell(row=min_row, column=j).value for j in range(min_col, max_col + 1)]
        cols = [lookup.get(normalize_header(h)) if h is not None else None for h in headers]
        missing = [c for c in frame.columns if c not in {x.name for x in cols if x}]
        if missing:
            raise InputError(f"{path.name}: table {tbl.name} has no column for {missing}")
        # last row holding data (a fresh template table has one empty row)
        last = min_row
        for r in range(max_row, min_row, -1):
            if any(ws.cell(row=r, column=j).value not in (None, "")
                   for j in range(min_col, max_col + 1)):
                last = r
                break
        formats = {j: ws.cell(row=min_row + 1, column=j).number_format
                   for j in range(min_col, max_col + 1)}
        if mode == "append" and spec.key and spec.key in frame.columns:
            kcol = next(min_col + off for off, c in enumerate(cols) if c and c.name == spec.key)
            have = {str(ws.cell(row=r, column=kcol).value) for r in range(min_row + 1, last + 1)
                    if ws.cell(row=r, column=kcol).value not in (None, "")}
            exists = frame[spec.key].astype(str).isin(have)
            if exists.any():
                result.report.notes.append(
                    f"append {name}: {int(exists.sum()):,} rows skipped, their {spec.key} is "
                    "already in the workbook")
                frame = frame[~exists.to_numpy()].reset_index(drop=True)
        if mode == "replace":
            for r in range(min_row + 1, max_row + 1):
                for j in range(min_col, max_col + 1):
                    ws.cell(row=r, column=j).value = None
            start = min_row + 1
        else:
            start = last + 1
        data = {c.name: frame[c.name].tolist() for c in cols if c and c.name in frame.columns}
        for i in range(len(frame)):
            r = start + i
            for off, c in enumerate(cols):
                j = min_col + off
                cell = ws.cell(row=r, column=j)
                if c is None or c.name not in data:
                    if mode == "replace":
                        cell.value = None
                    continue
                cell.value = _cell_value(data[c.name][i], c.kind)
                if c.kind == "date":
                    cell.number_format = DATE_FORMAT
                elif formats.get(j) and formats[j] != "General":
                    cell.number_format = formats[j]
        end = max(start + len(frame) - 1, min_row + 1)
        tbl.ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{end}"
        if tbl.autoFilter is not None:
            tbl.autoFilter.ref = tbl.ref
        if name == "targets" and result.targets_note:
            _write_note(ws, tbl, result.targets_note)
    _save(wb, path)
    return path


def _upsert_settings(wb, values: dict[str, str]) -> None:
    if not values:
        return
    from openpyxl.utils.cell import get_column_letter, range_boundaries

    ws, tbl = _find_table(wb, "settings")
    min_col, min_row, max_col, max_row = range_boundaries(tbl.ref)
    rows = {}
    for r in range(min_row + 1, max_row + 1):
        key = ws.cell(row=r, column=min_col).value
        if key is not None:
            rows[SETTING_KEYS.get(normalize_header(key), str(key))] = r
    end = max_row
    for k, v in values.items():
        field = SETTING_KEYS.get(normalize_header(k), k)
        r = rows.get(field)
        if r is None:
            end += 1
            r = end
            ws.cell(row=r, column=min_col, value=k)
        ws.cell(row=r, column=min_col + 1, value=str(v))
    tbl.ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{end}"
    if tbl.autoFilter is not None:
        tbl.autoFilter.ref = tbl.ref

