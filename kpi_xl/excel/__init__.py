"""The Excel side of kpi_xl: the input template, its companion macro module and (later) the
report writers, UDFs and macros.

- :mod:`kpi_xl.excel.template` builds the input workbook (``build_template``) with XlsxWriter:
  a how-to sheet, the Settings sheet and one Excel table per input table of
  :mod:`kpi_xl.schema`, with formats and dropdowns; optionally as an ``.xlsm`` carrying
  xlwings' VBA project and a "Generate rep tabs" button.
- :mod:`kpi_xl.excel.companion` writes the Python module that sits next to the ``.xlsm``.

Nothing here imports xlwings at import time: xlwings needs Excel to do anything useful and the
template is built on any OS.
"""
