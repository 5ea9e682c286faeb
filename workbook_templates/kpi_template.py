"""Companion module of the kpi_xl macro workbook of the same name.

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
