"""What a formula gives back: a value, or an Excel error whose reason KPI_WHY can tell.

Every formula body raises :class:`FormulaError` (a :class:`Reason`: the Excel error code, a
reason key worded in ``kpi_xl/i18n/*/formulas.py`` and its parameters) when it has no value to
give; :func:`evaluate` is the one boundary that turns whatever happened into either the value
or a :class:`Reason` (never an exception). :mod:`.runtime` turns a Reason into what the
runtime needs to show the error in the cell.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from ...errors import KpiXlError, ValidationError
from ...i18n import text
from ...parse import visible

__all__ = [
    "COM_SCODE",
    "DIV0",
    "ERROR_CODES",
    "NA",
    "NUM",
    "VALUE",
    "XL_CVERR",
    "FormulaError",
    "Reason",
    "evaluate",
    "fail",
    "typed",
]

NA, VALUE, NUM, DIV0 = "#N/A", "#VALUE!", "#NUM!", "#DIV/0!"
#: Excel's CVErr numbers (``xlwings.constants.CVError``) of the errors a formula may give back.
XL_CVERR: dict[str, int] = {"#NULL!": 2000, "#DIV/0!": 2007, "#VALUE!": 2015, "#REF!": 2023,
                            "#NAME?": 2029, "#NUM!": 2036, "#N/A": 2042}
ERROR_CODES = tuple(XL_CVERR)
#: The SCODE of each error in a VT_ERROR variant: 0x800A0000 | CVErr, as a signed 32-bit int
#: (what COM hands Python for an error cell: xlwings' ``_xlwindows.cell_errors`` lists them).
COM_SCODE: dict[str, int] = {code: -2146828288 + n for code, n in XL_CVERR.items()}

Localized = Callable[[str], str]
_LOG = logging.getLogger("kpi_xl.formulas")


@dataclass(frozen=True)
class Reason:
    """Why a formula gives the Excel error ``code``: ``key`` names the sentence
    (``formula.reason.<key>``), ``params`` fill it in (a callable param is worded per locale)."""

    code: str
    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, locale: str) -> str:
        params = {k: (v(locale) if callable(v) else v) for k, v in self.params.items()}
        return text(f"formula.reason.{self.key}", locale, **params)


class FormulaError(KpiXlError):
    """A formula has no value to give: its :class:`Reason` becomes the Excel error."""

    def __init__(self, reason: Reason) -> None:
        self.reason = reason
        super().__init__(f"{reason.code} {reason.key}")


def fail(code: str, key: str, /, **params: object) -> NoReturn:
    """Stop the formula with the Excel error ``code`` for the reason ``key``."""
    raise FormulaError(Reason(code, key, params))


# --------------------------------------------------------------------------- the boundary


def evaluate(impl: Callable[..., Any], *args: Any) -> Any:
    """``impl(*args)``, or the :class:`Reason` it gives no value; never raises.

    Table problems found by :func:`kpi_xl.validate.validate` become ``#VALUE!`` with the first
    problem as it is worded for the table's language; a kpi_xl error not worded for formulas
    keeps its own message (``engine``); anything else is an internal error (``internal``) —
    the tests assert that no argument of the hostile corpus reaches either."""
    try:
        result = impl(*args)
        if isinstance(result, float) and not math.isfinite(result):
            return Reason(NUM, "too_large")
        return result
    except FormulaError as exc:
        return exc.reason
    except ValidationError as exc:
        if not exc.problems:
            return Reason(VALUE, "engine", {"message": str(exc).splitlines()[0]})
        first, more = exc.problems[0].format(), len(exc.problems) - 1
        if more:
            return Reason(VALUE, "table_problems", {"problem": first, "count": more})
        return Reason(VALUE, "table_problem", {"problem": first})
    except KpiXlError as exc:
        return Reason(VALUE, "engine", {"message": (str(exc).splitlines() or [""])[0]})
    except Exception:  # a cell formula must never raise
        _LOG.exception("internal error in a KPI_* formula")
        return Reason(VALUE, "internal")


# --------------------------------------------------------------------------- values in reasons


def typed(value: object) -> Localized:
    """A cell value as the user typed it, quoted, with invisible characters named."""
    def show(locale: str) -> str:
        if isinstance(value, float) and math.isnan(value):
            s = ""
        elif isinstance(value, bool):
            s = "TRUE" if value else "FALSE"
        elif isinstance(value, dt.datetime | pd.Timestamp):
            s = value.date().isoformat() if value == pd.Timestamp(value).normalize() \
                else value.isoformat(sep=" ")
        elif isinstance(value, dt.date):
            s = value.isoformat()
        elif isinstance(value, float | np.floating) and math.isfinite(value) \
                and float(value).is_integer():
            s = str(int(value))
        elif isinstance(value, str | int | float | bool | np.generic):
            s = visible(value, locale)
        else:
            s = type(value).__name__
        if len(s) > 60:
            s = s[:57] + "…"
        return f"「{s}」" if locale == "ja" else f"'{s}'"
    return show
