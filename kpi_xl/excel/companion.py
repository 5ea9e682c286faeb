"""The Python module that sits next to the macro workbook, and writing both side by side.

xlwings' ``SampleCall`` (the VBA behind the template's "Generate rep tabs" button) runs::

    RunPython "import " & mymodule & ";" & mymodule & ".main()"

where ``mymodule`` is the workbook's file name without its extension. So ``kpi_book.xlsm``
needs ``kpi_book.py`` in the same folder (RunPython puts the workbook's folder on the Python
path), and the stem must be a valid Python module name.
"""

from __future__ import annotations

import pathlib

from .template import build_template, check_macro_stem

__all__ = ["companion_module_source", "write_template"]

_SOURCE = '''"""Companion module of the kpi_xl macro workbook of the same name.

The workbook's "Generate rep tabs" button runs xlwings' SampleCall, which imports the Python
module named like the workbook (file name without .xlsm) from the workbook's folder and calls
its main(). Renaming rule: when you rename or copy the workbook, rename this file to match
(``sales_2026.xlsm`` needs ``sales_2026.py`` beside it); the name must be a valid Python
module name (letters, digits and underscores, not starting with a digit).
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
                   **options) -> list[pathlib.Path]:
    """Write the template: ``OUT.xlsm`` + ``OUT.py`` side by side when ``macro``, else
    ``OUT.xlsx``. An ``.xlsx``/``.xlsm`` suffix on ``out_path`` is replaced by the right one.

    With ``macro``, raises :class:`kpi_xl.errors.ConfigError` if the stem is not a valid Python
    module name, because the button's SampleCall imports the module named like the workbook.
    ``options`` (``data``, ``settings``) go to :func:`build_template`. Returns the files written.
    """
    out = pathlib.Path(out_path)
    if out.suffix.lower() in (".xlsx", ".xlsm"):
        out = out.with_suffix("")
    book = out.with_name(out.name + (".xlsm" if macro else ".xlsx"))
    if not macro:
        return [build_template(book, locale=locale, macro=False, **options)]
    check_macro_stem(book)
    written = [build_template(book, locale=locale, macro=True, **options)]
    module = book.with_suffix(".py")
    module.write_text(companion_module_source(), encoding="utf-8", newline="\n")
    written.append(module)
    return written
