"""Where validation gathers what it finds: problems, warnings, excluded rows, outside rows.

Problems are collected lazily (pandera style): every table is checked before anything is
raised, so the user fixes the whole book in one go. Texts are final when added: the book's
locale is decided before any value is looked at (see :func:`kpi_xl.validate.api.book_locale`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..dataset import Exclusion, OutsideRows
from ..errors import Problem, ValidationError
from ..i18n import text
from ..schema import TABLES

__all__ = ["Collector", "Table"]


@dataclass
class Table:
    """One input table on its way to the Dataset.

    ``frame`` has canonical columns (typed as they are parsed), ``rows`` the row number the user
    sees for each frame row, ``shown`` the header as the user wrote it per canonical column,
    ``bad`` the cells whose value could not be read (so one cause gives one problem), ``typed``
    the cells as the user typed them (for messages)."""

    name: str
    label: str  # where, as the user sees it: sheet name, file name or table label
    frame: pd.DataFrame
    rows: np.ndarray
    shown: dict[str, str] = field(default_factory=dict)
    bad: dict[str, np.ndarray] = field(default_factory=dict)
    typed: pd.DataFrame | None = None  # the cells as typed, canonical column names

    def value(self, column: str, j: int) -> object:
        """The cell of ``column`` in frame row ``j`` as the user typed it."""
        if self.typed is not None and column in self.typed:
            return self.typed[column].iloc[j]
        return self.frame[column].iloc[j]

    def header(self, column: str, locale: str) -> str:
        """The column's header as written, else its label in ``locale``."""
        if column in self.shown:
            return self.shown[column]
        try:
            return TABLES[self.name].column(column).label(locale)
        except KeyError:
            return column

    def is_bad(self, column: str) -> np.ndarray:
        return self.bad.get(column, np.zeros(len(self.frame), dtype=bool))

    def keep(self, mask: np.ndarray) -> None:
        """Keep only the rows where ``mask`` is True."""
        self.frame = self.frame[mask].reset_index(drop=True)
        if self.typed is not None:
            self.typed = self.typed[mask].reset_index(drop=True)
        self.rows = self.rows[mask]
        self.bad = {k: v[mask] for k, v in self.bad.items()}


class Collector:
    """Problems, warnings, exclusions and outside rows of one validation run."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.exclusions: list[Exclusion] = []
        self.outside: list[OutsideRows] = []

    def t(self, key: str, **params: object) -> str:
        """The catalog entry ``key`` in the book's locale."""
        return text(key, self.locale, **params)

    def add(self, where: str, row: int | None, column: str | None, value: object,
            problem: str, hint: str = "") -> None:
        self.problems.append(Problem(where, row, column, value, problem, hint,
                                     locale=self.locale))

    def warn(self, where: str, row: int | None, column: str | None, value: object,
             problem: str, hint: str = "") -> None:
        self.warnings.append(Problem(where, row, column, value, problem, hint,
                                     locale=self.locale))

    def exclude(self, table: str, reason: str, rows: np.ndarray | list[int],
                detail: str = "") -> None:
        rows = tuple(int(r) for r in rows)
        if rows:
            self.exclusions.append(Exclusion(table, reason, rows, detail))

    def error(self, order: list[str]) -> ValidationError:
        """Every problem, sorted by table (``order`` of the labels) and row."""
        rank = {label: i for i, label in enumerate(order)}
        problems = sorted(self.problems, key=lambda p: (rank.get(p.table, len(rank)),
                                                        p.row or 0))
        return ValidationError(problems, locale=self.locale, exclusions=self.exclusions,
                               outside=self.outside)
