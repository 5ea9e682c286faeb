"""Deal facts from plain aligned columns (no Dataset): what the cell formulas need beyond the
engine's column functions (:func:`~kpi_xl.metrics.funnel.conversion_rate`,
:func:`~kpi_xl.metrics.deals.cycle_days`, :func:`~kpi_xl.metrics.deals.win_rate`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..settings import Settings
from .stages import status_codes

__all__ = ["won_dates"]

_DEFAULT = Settings()


def won_dates(close_dates: np.ndarray | pd.Series, statuses: pd.Series,
              settings: Settings | None = None) -> pd.Series:
    """The date each deal reached the won stage when no stage date records it: its close date
    where its status is won (受注, won, closed won … any alias), NaT elsewhere.

    Same rule as the stage model (:mod:`kpi_xl.metrics.stages`: a won deal reached the won
    stage on its close date)."""
    won = status_codes(statuses, settings or _DEFAULT) == "won"
    close = pd.Series(np.asarray(close_dates, dtype="datetime64[ns]"))
    return close.where(won)
