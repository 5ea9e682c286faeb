"""The engine's notes, as a formula shows them: the reason of an undefined result (an Excel
error) and the words of a note column, in the formula's language.

The metric functions say why a figure is undefined with a short English note ("no target",
"no closed deals" …, see :class:`kpi_xl.metrics.results.Ratio`); each known note maps to a
reason key (``formula.reason.*``) with its Excel error and, for table cells, a note key
(``formula.note.*``). A note no formula words stays as the engine wrote it (``undefined``);
the tests assert that none of the formulas' own cases reaches that fallback.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...i18n import text
from .outcome import DIV0, NA, Reason, fail

__all__ = ["note_text", "reason_of", "undefined"]

# engine note → (Excel error, reason key or None, table note key or None)
_FIXED: dict[str, tuple[str, str | None, str | None]] = {
    "no target": (NA, "no_target", "no_target"),
    "target is zero": (DIV0, "target_zero", "target_zero"),
    "not started": (NA, "not_started", "not_started"),
    "no business day elapsed yet": (NA, "no_day_elapsed", "no_day_elapsed"),
    "no business days in the period": (NA, "no_business_days", "no_business_days"),
    "period over": (NA, None, "period_over"),
    "no closed deals": (NA, "no_closed_deals", None),
    "no deals": (NA, "no_deals", None),
    "no customers active at the start of the period": (NA, "no_active_customers", None),
    "no customers active in the period": (NA, "no_customers_in_period", None),
    "no revenue from any customer in the base window": (NA, "no_base_revenue", None),
    "no business days left": (NA, None, "no_days_left"),
}
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("no opportunities entered ", "no_from_stage"),
    ("no entries into ", "no_from_stage"),
    ("no opportunities at or beyond ", "no_stage_reached"),
)
_NEEDS = {"needs average deal size": "avg_deal_size", "needs win rate": "win_rate",
          "needs conversion": "conversion"}


def _parts(note: str) -> list[str]:
    return [p.strip() for p in (note or "").split(";") if p.strip()]


def reason_of(note: str, *, skip: Iterable[str] = (), **context: object) -> Reason | None:
    """The reason of the first part of ``note`` that has one (``skip``: parts to pass over),
    with ``context`` (as_of, start, end, stage, months …) as its parameters."""
    skipped = set(skip)
    for part in _parts(note):
        if part in skipped:
            continue
        if part in _FIXED and _FIXED[part][1] is not None:
            code, key, _ = _FIXED[part]
            return Reason(code, key, context)  # type: ignore[arg-type]
        for prefix, key in _PREFIXES:
            if part.startswith(prefix):
                return Reason(NA, key, context)
    return None


def undefined(note: str, *, skip: Iterable[str] = (), **context: object) -> None:
    """Stop with the reason of an engine note (``#N/A`` with the note itself if unknown)."""
    r = reason_of(note, skip=skip, **context)
    if r is not None:
        fail(r.code, r.key, **r.params)
    fail(NA, "undefined", note=note or "-")


def note_text(notes: Iterable[str], locale: str) -> str:
    """Engine notes (each possibly ``'a; b'``) as one note cell in ``locale``, each part once;
    a part no formula words is kept as written."""
    out: list[str] = []
    for note in notes:
        for part in _parts(note):
            if part in _FIXED and _FIXED[part][2] is not None:
                words = text(f"formula.note.{_FIXED[part][2]}", locale)
            elif part in _NEEDS:
                words = text("formula.note.needs", locale,
                             driver=text(f"formula.driver.{_NEEDS[part]}", locale))
            else:
                words = part
            if words not in out:
                out.append(words)
    return text("formula.note.sep", locale).join(out)
