"""Typed values from cells as people type them, vectorised: each distinct text parsed once.

- :mod:`~kpi_xl.parse.dates` — dates and months (和暦, weekdays, serials, two-digit years);
- :mod:`~kpi_xl.parse.amounts` — amounts and counts (万円, 千円, △, (1,000), ¥ and ``\\``);
- :mod:`~kpi_xl.parse.flags` — yes/no (○ 〇 ◯ ✓ 有/無 在籍/退職 TRUE/FALSE 1/0);
- :mod:`~kpi_xl.parse.text` — ids as text, name and company keys, invisible characters shown;
- :mod:`~kpi_xl.parse.cells` — sorting cells into classes with column operations.

Each ``read_*`` returns a :class:`~kpi_xl.parse.result.Parsed` (typed values and, per cell it
could not read, an :class:`~kpi_xl.parse.result.Issue` naming why); each ``parse_*`` returns
``(values, bad mask)`` for callers that only need to know which cells failed.
"""

from .amounts import ANY, COUNT, MONEY, parse_numbers, read_numbers
from .cells import blank_mask, classify, per_distinct
from .dates import parse_dates, read_dates
from .flags import parse_bool, read_flags
from .result import Issue, Parsed
from .text import (
    company_key,
    describe_difference,
    name_key,
    name_keys,
    nfkc,
    parse_text,
    text_values,
    visible,
)

__all__ = ["ANY", "COUNT", "MONEY", "Issue", "Parsed", "blank_mask", "classify", "company_key",
           "describe_difference", "name_key", "name_keys", "nfkc", "parse_bool", "parse_dates",
           "parse_numbers", "parse_text", "per_distinct", "read_dates", "read_flags",
           "read_numbers", "text_values", "visible"]
