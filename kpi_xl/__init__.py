"""kpi_xl — sales KPIs behind an Excel template.

input sheets / CSV → :func:`load` (read + validate) → :class:`Dataset` → metrics (pure pandas)
→ :func:`compute_figures` (every figure, once) → CLI text, JSON, report layout → workbook.
"""

__version__ = "0.1.0"

from .calendar import BusinessCalendar, Period, parse_period, period_containing
from .dataset import Dataset, make_dataset
from .errors import ConfigError, InputError, KpiXlError, Problem, ValidationError
from .figures import Figures, compute_figures
from .metrics import *  # noqa: F403  (re-exported explicitly through metrics.__all__)
from .metrics import __all__ as _metrics_all
from .read import read_source
from .settings import Settings
from .validate import load, validate

__all__ = [
    "BusinessCalendar",
    "ConfigError",
    "Dataset",
    "InputError",
    "Figures",
    "KpiXlError",
    "Period",
    "Problem",
    "Settings",
    "ValidationError",
    "__version__",
    "compute_figures",
    "load",
    "make_dataset",
    "parse_period",
    "period_containing",
    "read_source",
    "validate",
    *_metrics_all,
]
