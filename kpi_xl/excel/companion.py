"""The Python module that sits next to the macro workbook, and writing both side by side.

xlwings' ``SampleCall`` (the VBA behind the template's "Generate rep tabs" button) runs::

    RunPython "import " & mymodule & ";" & mymodule & ".main()"

where ``mymodule`` is the workbook's file name without its extension. So ``kpi_book.xlsm``
needs ``kpi_book.py`` in the same folder (RunPython puts the workbook's folder on the Python
path), and the stem must be a valid Python module name.
"""

from __future__ import annotations

import contextlib
import pathlib

from ..errors import ConfigError
from ..i18n import text
from ..xlsx.atomic import atomic_output, check_output_path
from .template import build_template, check_macro_stem, module_name

__all__ = ["companion_module_source", "companion_notices", "write_template"]

_MARKER = "Companion module of the kpi_xl macro workbook"

_SOURCE = '''"""Companion module of the kpi_xl macro workbook of the same name.

The workbook's "Generate rep tabs" button runs xlwings' SampleCall, which imports the Python
module named like the workbook (file name without .xlsm) from the workbook's folder and calls
its main(). Renaming rule: when you rename or copy the workbook, rename this file to match
(``sales_2026.xlsm`` needs ``sales_2026.py`` beside it); the name must be a Python name:
letters of any script, digits and underscores, not starting with a digit
(``営業月報_2026年10月.xlsm`` is fine; full-width digits count as their ASCII form).
"""

from pathlib import Path

import xlwings as xw

from kpi_xl.excel.macros import generate_rep_tabs


def main():
    generate_rep_tabs(xw.Book.caller())


if __name__ == "__main__":
    # Run from a terminal (Windows/macOS with Excel): act as if the button had been pressed.
    xw.Book(str(Path(__file__).with_suffix(".xlsm"))).set_mock_caller()
    main()
'''


def companion_module_source() -> str:
    """Text of the module to save as ``<workbook stem>.py`` next to the ``.xlsm``.

    Its ``main()`` calls :func:`kpi_xl.excel.macros.generate_rep_tabs` on ``xw.Book.caller()``;
    running the file directly (Windows/macOS with Excel) mocks the caller with the ``.xlsm`` of
    the same name. The text does not depend on the workbook's name.
    """
    return _SOURCE


def write_template(out_path: str | pathlib.Path, *, locale: str = "ja", macro: bool = False,
                   messages: str | None = None, **options) -> list[pathlib.Path]:
    """Write the template: ``OUT.xlsm`` + its module side by side when ``macro``, else
    ``OUT.xlsx``. An ``.xlsx``/``.xlsm`` suffix on ``out_path`` is replaced by the right one;
    any other suffix (``out.csv``) is a ConfigError.

    With ``macro``, raises :class:`kpi_xl.errors.ConfigError` if the stem cannot be imported
    as a Python module (see :func:`~kpi_xl.excel.template.check_macro_stem`), because the
    button's SampleCall imports the module named like the workbook; the module is written as
    ``<module_name(book)>.py``. ``options`` (``data``, ``settings``) go to
    :func:`build_template`. Returns the files written. ``messages`` is the language of errors
    (default: ``locale``); the command line passes the user's.
    """
    msg = messages or locale
    out = pathlib.Path(out_path)
    if out.suffix.lower() in (".xlsx", ".xlsm"):
        out = out.with_suffix("")
    elif out.suffix:
        raise ConfigError(text("package.template_suffix", msg, name=out.name,
                               stem=out.stem))
    book = out.with_name(out.name + (".xlsm" if macro else ".xlsx"))
    if not macro:
        return [build_template(book, locale=locale, macro=False, messages=msg, **options)]
    check_macro_stem(book, msg)
    module = book.with_name(module_name(book) + ".py")
    check_output_path(module, msg)
    written = [build_template(book, locale=locale, macro=True, messages=msg, **options)]
    with atomic_output(module, locale=msg) as fh:
        fh.write(companion_module_source().encode("utf-8"))
    written.append(module)
    return written


def companion_notices(book: str | pathlib.Path, locale: str = "en") -> list[str]:
    """Warnings for a macro workbook whose button cannot find its module: the name is not a
    module name, or no ``<module>.py`` sits beside it (the book was renamed or copied without
    it). Names the companion modules found in the folder, if any."""
    book = pathlib.Path(book)
    try:
        check_macro_stem(book, locale)
    except ConfigError as exc:
        return [text("package.companion_bad_name", locale, book=book.name, reason=str(exc))]
    module = book.with_name(module_name(book) + ".py")
    if module.is_file():
        return []
    found = []
    try:
        for p in sorted(book.parent.glob("*.py")):
            with contextlib.suppress(OSError, UnicodeDecodeError):
                if _MARKER in p.read_text(encoding="utf-8")[:400]:
                    found.append(p.name)
    except OSError:
        pass
    return [text("package.companion_missing", locale, book=book.name, module=module.name,
                 found=", ".join(found) or "-")]
