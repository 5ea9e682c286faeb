"""KPI_WHY: why a KPI_* formula gives an Excel error, in plain words.

``=KPI_WHY("KPI_PACE", C2, D2, TODAY())`` runs ``KPI_PACE(C2, D2, TODAY())`` exactly as the
cell does and returns its reason, e.g. ``#DIV/0! The target is 0, so actual ÷ target divides by
zero.`` — or a sentence saying that it gives a value. The words are in the language of the
formula's tables and words (:func:`~kpi_xl.excel.udfs.ranges.locale_of`); ``"KPI_PACE en"`` or
``"KPI_PACE ja"`` (also 英語 / 日本語) asks for one.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from ...i18n import text
from ...schema import normalize_header
from .customers import KPI_CHURN_RATE, KPI_GRR, KPI_NRR
from .deals import KPI_CONVERSION, KPI_CYCLE_DAYS, KPI_VELOCITY, KPI_WIN_RATE
from .frames import header_row
from .inputs import blank, is_range, one, rows
from .outcome import Reason, evaluate, typed
from .pacing import KPI_ACHIEVEMENT, KPI_BUSINESS_DAYS, KPI_FORECAST, KPI_PACE
from .ranges import locale_of
from .runtime import explaining, formula
from .scorecard import KPI_SCORECARD
from .tables import KPI_FUNNEL, KPI_REQUIRED

__all__ = ["FORMULAS", "KPI_WHY", "explain", "reason_of_call"]

FORMULAS: dict[str, Callable[..., Any]] = {f.__name__: f for f in (
    KPI_ACHIEVEMENT, KPI_PACE, KPI_FORECAST, KPI_BUSINESS_DAYS, KPI_WIN_RATE, KPI_CONVERSION,
    KPI_CYCLE_DAYS, KPI_VELOCITY, KPI_CHURN_RATE, KPI_NRR, KPI_GRR, KPI_REQUIRED, KPI_FUNNEL,
    KPI_SCORECARD)}
_LANGUAGES = {"en": "en", "english": "en", "英語": "en", "ja": "ja", "japanese": "ja",
              "日本語": "ja", "jp": "ja"}


@formula(ranges={"args": "the arguments of that formula, as in its cell"})
def KPI_WHY(formula_name, *args):
    """Why a KPI_* formula gives an Excel error here, in plain words (or that it does not).

    formula_name: the formula's name ("KPI_PACE"; add " en" or " ja" for a language), then the
    same arguments as in its cell. The words are Japanese for Japanese tables or words, else
    the machine's language.
    Engine: kpi_xl.excel.udfs.outcome (the same boundary every formula goes through).
    Example: =KPI_WHY("KPI_ACHIEVEMENT", C2, D2)
    """
    got = evaluate(explain, formula_name, *args)
    if isinstance(got, Reason):  # only an internal error can get here
        loc = locale_of(args)
        return text("formula.why.line", loc, code=got.code, reason=got.text(loc))
    return got


def _name_and_language(v: object) -> tuple[str, str | None, str]:
    """(formula name, language asked for or None, the name as written)."""
    words = str(v).replace("\u3000", " ").replace(",", " ").replace(":", " ").split()
    language = None
    if len(words) > 1 and normalize_header(words[-1]) in _LANGUAGES:
        language = _LANGUAGES[normalize_header(words[-1])]
        words = words[:-1]
    name = "".join(words).upper()
    if name and not name.startswith("KPI_"):
        name = "KPI_" + name
    return name, language, " ".join(words)


def reason_of_call(name: str, *args: Any) -> Any:
    """The value or the :class:`Reason` of ``name(*args)`` as its cell computes it."""
    return explaining(FORMULAS[name], *args)


def _arity(f: Callable[..., Any]) -> tuple[int, int]:
    params = list(inspect.signature(f).parameters.values())
    least = sum(p.default is inspect.Parameter.empty for p in params)
    return least, len(params)


def explain(formula_name: Any, *args: Any, locale: str | None = None) -> str:
    """The sentence KPI_WHY shows for ``formula_name(*args)`` (see the module docstring)."""
    v = one(formula_name, "formula_name")
    if blank(v):
        return text("formula.why.blank", locale or locale_of(args))
    name, language, written = _name_and_language(v)
    headers = [h for a in args if is_range(a) and rows(a) and len(rows(a)[0]) > 1
               for h in header_row(a)]
    loc = locale or language or locale_of((v, *args), headers=headers)
    f = FORMULAS.get(name)
    if f is None:
        return text("formula.why.unknown", loc, name=typed(written)(loc), names=", ".join(FORMULAS))
    least, most = _arity(f)
    if not least <= len(args) <= most:
        return text("formula.why.arity", loc, formula=name, least=least, most=most,
                    count=len(args))
    result = reason_of_call(name, *args)
    if isinstance(result, Reason):
        return text("formula.why.line", loc, code=result.code, reason=result.text(loc))
    return text("formula.why.ok", loc, formula=name)
