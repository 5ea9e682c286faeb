"""Excel cell formulas (``=KPI_WIN_RATE(...)`` …): thin adapters over :mod:`kpi_xl.metrics`.

This package is the module xlwings imports (``UDF Modules = kpi_xl.excel.udfs``). One code
serves every runtime: ``from xlwings import func, arg, ret`` gives the classic UDF decorators
on Windows desktop (the xlwings add-in), the custom-function decorators with
``XLWINGS_ON_SERVER=true`` (xlwings Lite / Server) and no-op decorators elsewhere (Linux), so
every formula is also a plain Python function (that is how the tests call them).

Each formula:

1. converts what Excel passes (:mod:`.inputs`, :mod:`.ranges`, :mod:`.frames`; column by
   column, :mod:`.columns`): a scalar, a 1-D or 2-D list, blanks as ``None``, dates as
   ``datetime`` or serial numbers, numbers as text (``'1,200'``, ``'¥1,200'``, ``'25%'``),
   option words in English or Japanese (全件, 平均 …), names and ids matched by key
   (``山田　太郎`` = ``山田 太郎``, :func:`kpi_xl.parse.name_keys`);
2. calls the metric function named in its docstring (never a re-implemented formula);
3. returns a number, a table (header row first; undefined cells blank, a note column says
   why), or a real Excel error — ``#N/A`` when the result is undefined (no data, no target,
   not started), ``#DIV/0!`` for a zero divisor the user gave (target 0), ``#VALUE!`` for
   input that is not what the argument takes, ``#NUM!`` for a value out of range (dates
   outside 1900–2200, ``inf``, counts below their minimum), or the input's own error.
   ``=KPI_WHY("KPI_…", same arguments)`` gives the reason in plain words (:mod:`.why`);
   :mod:`.runtime` says what each runtime needs to show an error.

A formula never raises: :func:`.outcome.evaluate` is the one boundary.
"""

from __future__ import annotations

from .customers import KPI_CHURN_RATE, KPI_GRR, KPI_NRR
from .deals import KPI_CONVERSION, KPI_CYCLE_DAYS, KPI_VELOCITY, KPI_WIN_RATE
from .pacing import KPI_ACHIEVEMENT, KPI_BUSINESS_DAYS, KPI_FORECAST, KPI_PACE
from .scorecard import KPI_SCORECARD
from .tables import KPI_FUNNEL, KPI_REQUIRED
from .why import KPI_WHY, explain  # noqa: F401 - explain: KPI_WHY's words from Python

__all__ = [
    "KPI_ACHIEVEMENT",
    "KPI_BUSINESS_DAYS",
    "KPI_CHURN_RATE",
    "KPI_CONVERSION",
    "KPI_CYCLE_DAYS",
    "KPI_FORECAST",
    "KPI_FUNNEL",
    "KPI_GRR",
    "KPI_NRR",
    "KPI_PACE",
    "KPI_REQUIRED",
    "KPI_SCORECARD",
    "KPI_VELOCITY",
    "KPI_WHY",
    "KPI_WIN_RATE",
]
