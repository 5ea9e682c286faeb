"""What a parser returns: the typed column and, for each cell it could not read, why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["EXCEL_ERRORS", "Issue", "Parsed"]

#: Error values Excel shows in a cell (they arrive as text from most readers).
EXCEL_ERRORS = frozenset({"#N/A", "#VALUE!", "#DIV/0!", "#REF!", "#NAME?", "#NUM!", "#NULL!",
                          "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!",
                          "#UNKNOWN!", "#CONNECT!", "#BUSY!"})


@dataclass(frozen=True)
class Issue:
    """Why one cell could not be read. ``code`` names the message (``date.impossible``,
    ``number.grouping`` …; the wording is ``msg.<code>`` / ``hint.<code>`` in
    :mod:`kpi_xl.i18n`), ``params`` fills it in."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Parsed:
    """A parsed column: ``values`` (typed, missing where blank or unreadable) and ``issues``
    (object Series: an :class:`Issue` for every non-blank cell that could not be read, else
    None)."""

    values: pd.Series
    issues: pd.Series

    @property
    def bad(self) -> pd.Series:
        """True where a non-blank cell could not be read."""
        return self.issues.notna()

    def problems(self) -> list[tuple[Any, Issue]]:
        """``(index label, issue)`` of every unreadable cell, in row order."""
        mask = self.issues.notna().to_numpy()
        idx = self.issues.index[mask]
        return list(zip(idx, self.issues.to_numpy()[mask], strict=True))


def no_issues(index: pd.Index) -> pd.Series:
    return pd.Series(np.full(len(index), None, dtype=object), index=index)
