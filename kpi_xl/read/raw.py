"""What a reader hands to the validator: :class:`RawTable`, and how tables are named.

Readers locate tables and keep values and headers as they are (no conversion); the validator
maps headers, converts values and reports problems with the row number the user sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..dataset import Exclusion, OutsideRows
from ..errors import Problem
from ..schema import TABLES, normalize_header

__all__ = ["RawTable", "resolve_table_name", "table_names_text"]


@dataclass
class RawTable:
    """A table as found: values unconverted, headers as written (see ``COMMON.md``).

    - ``frame``: one column per header (unique). A column is typed (float64, datetime64[ns],
      bool, str, or category with str categories for repeated text) when every non-blank cell
      has that type, else object dtype holding each cell's Python value (str, float, bool,
      datetime, date, timedelta; ``'#N/A'``-style text for error cells) with None for blank.
    - ``header_row``: the row number of the header as the user sees it; ``rows``: the row
      number of each frame row, or None for ``header_row + 1 + position``.
    - ``exclusions``: rows read but kept out of ``frame`` (total rows, rows above the header);
      ``outside``: rows read from outside an Excel table's range (they are in ``frame``);
      ``problems``: located problems found while reading; ``detected``: for CSV files, the
      encoding and delimiter found.
    """

    name: str
    frame: pd.DataFrame
    origin: str
    header_row: int = 1
    sheet: str | None = None
    rows: np.ndarray | None = None
    exclusions: list[Exclusion] = field(default_factory=list)
    outside: list[OutsideRows] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    detected: str = ""

    def row_numbers(self) -> np.ndarray:
        """The row number the user sees for every frame row."""
        if self.rows is not None:
            return self.rows
        return self.header_row + 1 + np.arange(len(self.frame), dtype=np.int64)


def _table_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for spec in TABLES.values():
        for alias in (*spec.all_names(), "tbl" + spec.en, "tbl_" + spec.name, "tbl" + spec.ja):
            keys[normalize_header(alias)] = spec.name
    return keys


_KEYS = _table_keys()


def resolve_table_name(text: object) -> str | None:
    """The canonical table name for a sheet, file stem or Excel table name, or None
    (case-, width- and space-insensitive: ``tblOpportunities``, ``商談``, ``orders``)."""
    if not isinstance(text, str):
        return None
    return _KEYS.get(normalize_header(text))


def table_names_text(locale: str) -> str:
    """The input tables as a user would name them, for messages: ``商談 (Opportunities), …``."""
    return ", ".join(f"{s.ja} ({s.en})" if locale == "ja" else f"{s.en} ({s.ja})"
                     for s in TABLES.values())
