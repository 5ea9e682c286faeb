"""Names, constants and file-name rules of the input template (see :mod:`kpi_xl.excel.template`)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import keyword
import pathlib
import sys
import unicodedata
import zipfile

from ..errors import ConfigError, InputError
from ..i18n import text as _text
from ..schema import (
    TABLES,
    TableSpec,
)
from ..settings import (
    CHURN_DEFINITIONS,
    CONVERSION_BASES,
    NRR_BASELINES,
    REVENUE_BASES,
    WIN_RATE_DEFINITIONS,
)
from ..units import CURRENCY_SYMBOLS

__all__ = [
    "ACTIVITY_TYPE_SLOTS",
    "ALLOWED_VALUES",
    "BUTTON_CAPTIONS",
    "BUTTON_MACRO",
    "CONFIG_SHEET",
    "CREATED",
    "DATE_FORMAT",
    "FORMAT_ROWS",
    "INPUT_TABLES",
    "INT_FORMAT",
    "LOCALES",
    "METRIC_NAMES",
    "QUICKSTART_WORKBOOK",
    "REP_LIST_ROWS",
    "TABLE_STYLE",
    "UDF_MODULES",
    "check_locale",
    "check_macro_stem",
    "currency_format",
    "howto_sheet_name",
    "module_name",
    "quickstart_vba_project",
    "sheet_names",
    "table_name",
]

LOCALES = ("ja", "en")
#: Input tables in sheet order (after the how-to and Settings sheets).
INPUT_TABLES: tuple[str, ...] = (
    "reps",
    "targets",
    "activities",
    "opportunities",
    "stage_history",
    "customers",
    "orders",
    "external",
)
#: Metric names the Targets sheet accepts with the default settings (the dropdown lists
#: ``kpi_xl.metrics.actuals.metric_names(settings)``, localized, which follows the activity types).
METRIC_NAMES: tuple[str, ...] = (
    "revenue",
    "new_customers",
    "leads",
    "opportunities",
    "won_deals",
    "visits",
    "calls",
    "meetings",
    "emails",
    "proposals",
    "activities",
    "orders",
    "order_amount",
)
BUTTON_CAPTIONS = {loc: _text("template.button_caption", loc) for loc in LOCALES}
BUTTON_MACRO = "SampleCall"
QUICKSTART_WORKBOOK = "quickstart_standalone.xlsm"
CONFIG_SHEET = "xlwings.conf"
UDF_MODULES = "kpi_xl.excel.udfs"
CREATED = dt.datetime(2026, 1, 1)

#: Rows below the header that get column formats and dropdowns (beyond the table, so that
#: rows typed under a table that Excel auto-extends keep them).
FORMAT_ROWS = 5000
#: Rows of the Reps sheet's first column covered by ``kpi_reps``.
REP_LIST_ROWS = 1000
#: Slots of the activity-type list split out of the ``activity_types`` setting.
ACTIVITY_TYPE_SLOTS = 30

DATE_FORMAT = "yyyy-mm-dd"
INT_FORMAT = "#,##0"
TABLE_STYLE = "Table Style Medium 2"

ALLOWED_VALUES = {
    "win_rate_definition": WIN_RATE_DEFINITIONS,
    "conversion_basis": CONVERSION_BASES,
    "churn_definition": CHURN_DEFINITIONS,
    "nrr_baseline": NRR_BASELINES,
    "revenue_basis": REVENUE_BASES,
    "locale": {"ja": "日本語 / Japanese", "en": "English"},
}
# --------------------------------------------------------------------------- names and helpers


def check_locale(locale: str) -> str:
    if locale not in LOCALES:
        raise ConfigError(f"locale must be 'ja' or 'en', not {locale!r}")
    return locale


def table_name(spec: TableSpec | str) -> str:
    """Excel table name of an input table: ``tbl`` + English label without spaces."""
    spec = TABLES[spec] if isinstance(spec, str) else spec
    return "tbl" + spec.en.replace(" ", "")


def howto_sheet_name(locale: str) -> str:
    return _text("template.howto_sheet", check_locale(locale))


def sheet_names(locale: str, *, macro: bool = False) -> list[str]:
    """The sheet names of a template, in order."""
    names = [howto_sheet_name(locale), TABLES["settings"].label(locale)]
    names += [TABLES[t].label(locale) for t in INPUT_TABLES]
    if macro:
        names.append(CONFIG_SHEET)
    return names


def currency_format(currency: str) -> str:
    """``"¥"#,##0`` style number format for a currency code (plain ``#,##0`` if unknown)."""
    symbol = CURRENCY_SYMBOLS.get(str(currency).strip().upper())
    return f'"{symbol}"{INT_FORMAT}' if symbol else INT_FORMAT


def module_name(path: str | pathlib.Path) -> str:
    """The Python module the button of the macro workbook ``path`` imports.

    xlwings' ``SampleCall`` runs ``import <stem>`` and Python reads identifiers in NFKC form,
    so ``営業月報_２０２６年.xlsm`` (full-width digits) imports ``営業月報_2026年``.
    """
    return unicodedata.normalize("NFKC", pathlib.Path(path).stem)


def check_macro_stem(path: str | pathlib.Path, locale: str = "en") -> None:
    """Raise ConfigError unless the workbook's stem can be the name of its companion module.

    xlwings' ``SampleCall`` runs ``import <stem>; <stem>.main()`` for the workbook
    ``<stem>.xlsm``, so the stem must be a Python identifier (``str.isidentifier``: letters of
    any script — 営業月報_2026年10月 is one —, digits and underscores, not starting with a
    digit), not a keyword (``import for`` is a syntax error), and not the name of a module
    Python would import instead (standard library, xlwings, kpi_xl, pandas, numpy).
    """
    stem = pathlib.Path(path).stem
    module = module_name(path)
    if not stem.isidentifier() or keyword.iskeyword(module):
        raise ConfigError(_text("package.macro_name_invalid", locale, stem=stem))
    if module in sys.stdlib_module_names or module in ("xlwings", "kpi_xl", "pandas", "numpy"):
        raise ConfigError(_text("package.macro_name_shadows", locale, stem=stem))


def quickstart_vba_project() -> bytes:
    """``xl/vbaProject.bin`` of the quickstart workbook shipped with the installed xlwings."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise ConfigError(
            "macro=True needs the xlwings package installed (its quickstart "
            "workbook provides the VBA project)"
        )
    book = pathlib.Path(spec.origin).parent / QUICKSTART_WORKBOOK
    try:
        with zipfile.ZipFile(book) as z:
            return z.read("xl/vbaProject.bin")
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise InputError(f"cannot read the VBA project of {book}: {exc}") from exc
