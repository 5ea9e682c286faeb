"""The input workbook users type their sales data into, written with XlsxWriter.

Layout (sheet names follow the locale, see :func:`sheet_names`):

1. a how-to sheet (使い方 / How to use): purpose, the steps template → fill → refresh, the input
   sheets with a one-line description each, and the tabs a refresh generates; in the ``.xlsm``
   also the "Generate rep tabs" button bound to xlwings' ``SampleCall``;
2. Settings (設定): the key/value table ``tblSettings`` (every :class:`~kpi_xl.settings.Settings`
   field with its value and a description of the allowed values) and, to its right, the lists
   the dropdowns use (defined names ``kpi_activity_types``, ``kpi_statuses``, ``kpi_stages``,
   ``kpi_stage_history_stages``, ``kpi_metrics``) and the alias table ``tblAliases`` (表記ゆれ:
   value as typed → the value it means, optionally for one column; explained in header
   comments and on the how-to sheet);
3. one sheet per input table of :mod:`kpi_xl.schema` (Reps, Targets, Activities, Opportunities,
   StageHistory, Customers, Orders, External), each holding one Excel table named ``tbl`` +
   the English label without spaces (``tblStageHistory``) at A1 with the localized headers,
   frozen header row, formats and dropdowns; rep dropdowns use the defined name ``kpi_reps``
   over the Reps sheet's first column (data validation cannot use structured references);
4. with ``macro=True``: a visible ``xlwings.conf`` sheet at the end (``UDF Modules`` =
   ``kpi_xl.excel.udfs``).

The ``.xlsm`` carries the VBA project of xlwings' ``quickstart_standalone.xlsm`` unchanged,
read from the installed xlwings package at build time (it is never copied into the repository).
Its ``SampleCall`` runs ``import <workbook stem>; <workbook stem>.main()``, hence the stem must
be a Python identifier and a module of that name must sit next to the workbook (see
:mod:`kpi_xl.excel.companion`).

Output is reproducible: fixed document properties (created 2026-01-01) and XlsxWriter's fixed
zip timestamps make two builds byte-identical.

Status and stage values are written as localized labels (進行中/受注/失注, アプローチ…; Open/Won/
Lost, Approach…), all of which :meth:`kpi_xl.settings.Settings.stage_key` maps back to keys.

Run ``python -m kpi_xl.excel.template [FOLDER]`` to regenerate the bundled templates
(default folder ``workbook_templates``).
"""

from __future__ import annotations

import pathlib
import sys
from collections.abc import Mapping

import pandas as pd

from ..errors import ConfigError, InputError
from ..i18n import text as _text
from ..schema import TABLES
from ..settings import Settings
from ..xlsx.atomic import atomic_output
from ..xlsx.text import change_notices
from .template_names import (
    BUTTON_CAPTIONS,
    INPUT_TABLES,
    METRIC_NAMES,
    QUICKSTART_WORKBOOK,
    UDF_MODULES,
    check_locale,
    check_macro_stem,
    howto_sheet_name,
    module_name,
    quickstart_vba_project,
    sheet_names,
    table_name,
)
from .template_sheets import TemplateBuilder

__all__ = [
    "BUTTON_CAPTIONS",
    "INPUT_TABLES",
    "METRIC_NAMES",
    "QUICKSTART_WORKBOOK",
    "UDF_MODULES",
    "build_bundled_templates",
    "build_template",
    "check_macro_stem",
    "howto_sheet_name",
    "module_name",
    "quickstart_vba_project",
    "sheet_names",
    "table_name",
]


def build_template(
    path: str | pathlib.Path,
    *,
    locale: str = "ja",
    macro: bool = False,
    data: Mapping[str, pd.DataFrame] | None = None,
    settings: Settings | None = None,
    notices: list[str] | None = None,
    messages: str | None = None,
) -> pathlib.Path:
    """Write the input template to ``path`` (``.xlsx``, or ``.xlsm`` when ``macro``).

    ``data`` maps table names (``reps``, ``opportunities``…, and ``settings`` as a key/value
    frame) to frames with canonical column names; their rows fill the tables (text is always
    written as text, never as a formula). ``settings`` gives the stages (Opportunities columns),
    currency, activity types and the values listed on the Settings sheet (values in
    ``data['settings']`` win). A path without a suffix gets the right one; a wrong suffix, or
    with ``macro`` a stem that is not a valid module name (see :func:`check_macro_stem`),
    raises ConfigError. Returns the path written.

    ``messages`` is the language of errors and notices (default: ``locale``, the book's); the
    command line passes the user's own (``LANG``), which may differ from the book's.
    """
    check_locale(locale)
    msg = messages or locale
    path = pathlib.Path(path)
    suffix = ".xlsm" if macro else ".xlsx"
    if not path.suffix:
        path = path.with_suffix(suffix)
    elif path.suffix.lower() != suffix:
        raise ConfigError(_text("package.suffix_xlsm" if macro else "package.suffix_xlsx",
                                msg, name=path.name, stem=path.stem))
    if macro:
        check_macro_stem(path, msg)
    data = dict(data or {})
    unknown = sorted(set(data) - set(TABLES))
    if unknown:
        raise ConfigError(f"unknown tables in data: {unknown}; known: {sorted(TABLES)}")
    settings = settings or Settings(locale=locale)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            _text("package.cannot_write", msg, path=path, detail=exc.strerror or str(exc))
        ) from exc
    builder = TemplateBuilder(path, locale, macro, data, settings)
    builder.build()
    with atomic_output(path, locale=msg, notices=notices) as fh:
        fh.write(builder.package())
    if notices is not None:
        notices.extend(change_notices(builder.changes, msg))
    return path


def build_bundled_templates(folder: str | pathlib.Path) -> list[pathlib.Path]:
    """Write the templates shipped in ``workbook_templates/``: ``kpi_template.xlsx`` (ja),
    ``kpi_template.xlsm`` + ``kpi_template.py`` (ja, with the button) and
    ``kpi_template_en.xlsx``."""
    from .companion import write_template

    folder = pathlib.Path(folder)
    written = write_template(folder / "kpi_template.xlsx", locale="ja", macro=False)
    written += write_template(folder / "kpi_template.xlsm", locale="ja", macro=True)
    written += write_template(folder / "kpi_template_en.xlsx", locale="en", macro=False)
    return written


if __name__ == "__main__":
    for p in build_bundled_templates(sys.argv[1] if len(sys.argv) > 1 else "workbook_templates"):
        print(p)
