"""The package writer: a workbook's zip as OOXML parts, edited with lxml.

- :mod:`~kpi_xl.xlsx.package` — zip read, parts, relationships, raw copy on write;
- :mod:`~kpi_xl.xlsx.atomic` — the destination checks and the one atomic write;
- :mod:`~kpi_xl.xlsx.xmltree` — the safe parser (no DTD, no entities, bounded depth);
- one module per part: :mod:`~kpi_xl.xlsx.content_types`, :mod:`~kpi_xl.xlsx.relationships`,
  :mod:`~kpi_xl.xlsx.workbook`, :mod:`~kpi_xl.xlsx.styles`, :mod:`~kpi_xl.xlsx.worksheet`,
  :mod:`~kpi_xl.xlsx.tables` (input tables written by ``kpi-xl import``);
- :mod:`~kpi_xl.xlsx.splice` — the splice as named steps; :mod:`~kpi_xl.xlsx.write` — the
  entry points that write a report.

This package imports nothing at import time, so that :mod:`kpi_xl.report` can use its text
rules without a cycle.
"""
