"""Every label, heading, message and hint kpi_xl shows, kept in one place per language.

``kpi_xl/i18n/en/`` and ``kpi_xl/i18n/ja/`` hold one module per surface (``report`` for the
generated sheets; more surfaces register theirs in the language package's ``__init__``). Both
languages define the same keys (checked by ``tests/test_i18n.py``); :func:`text` formats one
entry with ``str.format`` parameters.
"""

from __future__ import annotations

import re

from ..schema import activity_label, stage_label
from . import en, ja

__all__ = ["LOCALES", "catalog", "definitions_text", "exclusion_text", "normalize_locale",
           "note_text", "outside_text", "risk_reasons", "text"]

LOCALES: tuple[str, ...] = ("ja", "en")
_CATALOGS: dict[str, dict[str, str]] = {"en": en.CATALOG, "ja": ja.CATALOG}


def normalize_locale(locale: str | None) -> str:
    """``'ja'``, ``'ja_JP.UTF-8'``, ``'日本語'`` → ``'ja'``; anything else → ``'en'``."""
    text_ = (locale or "").strip().lower()
    return "ja" if text_.startswith("ja") or text_ in ("日本語", "japanese") else "en"


def catalog(locale: str) -> dict[str, str]:
    """Every entry of one language (``KeyError`` for an unknown locale)."""
    return _CATALOGS[locale]


def text(key: str, locale: str, /, **params: object) -> str:
    """The entry ``key`` in ``locale``, formatted with ``params``."""
    entry = _CATALOGS[normalize_locale(locale)][key]
    return entry.format(**params) if params else entry


_PER_OPPORTUNITY = re.compile(r"needs (\w+?)s per opportunity")


def note_text(note: object, locale: str) -> str:
    """The notes the metrics engine attaches to a figure (English keys such as ``"no target"``
    or ``"needs win rate"``, several joined by ``"; "``) worded in ``locale``. A note with no
    wording is shown as it is."""
    cat = _CATALOGS[normalize_locale(locale)]
    out = []
    for part in str(note or "").split("; "):
        if not part:
            continue
        key = part.replace(" ", "_")
        m = _PER_OPPORTUNITY.fullmatch(part)
        if m and normalize_locale(locale) != "en":  # the English note says it already
            out.append(text("enote.needs_per_opportunity", locale,
                            kind=activity_label(m[1], normalize_locale(locale))))
        else:
            out.append(cat.get(f"pace.{key}") or cat.get(f"enote.{key}") or part)
    return "; ".join(dict.fromkeys(out))


def exclusion_text(exclusion: object, locale: str) -> str:
    """One line naming excluded input rows: table, how many, why, and which rows.

    ``exclusion`` is a :class:`kpi_xl.dataset.Exclusion` (duck-typed to keep this package free
    of imports)."""
    rows = list(exclusion.rows)  # type: ignore[attr-defined]
    shown = ", ".join(str(r) for r in rows[:10]) + (" …" if len(rows) > 10 else "")
    table = text(f"table.{exclusion.table}", locale)  # type: ignore[attr-defined]
    reason = text(f"exclusion.{exclusion.reason}", locale,  # type: ignore[attr-defined]
                  detail=exclusion.detail)  # type: ignore[attr-defined]
    return text("exclusion.line", locale, table=table, count=len(rows), reason=reason,
                rows=shown)


def outside_text(outside: object, locale: str) -> str:
    """One line telling the user that rows outside an Excel table's range were read
    (``outside`` is a :class:`kpi_xl.dataset.OutsideRows`)."""
    o = outside
    return text("outside.line", locale, table=text(f"table.{o.table}", locale),  # type: ignore
                count=o.count, first=o.first, last=o.last)  # type: ignore[attr-defined]


def definitions_text(settings: object, locale: str, *, revenue_basis: str | None = None,
                     revenue_reason: str | None = None) -> dict[str, str]:
    """The metric definitions in force, ``name: 'choice — meaning'``, worded in ``locale``.

    ``settings`` is a :class:`kpi_xl.settings.Settings`; ``revenue_basis`` names the basis used
    when the setting is ``auto`` (the data decides, for ``revenue_reason``; see
    ``kpi_xl.metrics.common.revenue_basis``)."""
    s = settings

    def line(kind: str, choice: str, extra: str = "") -> str:
        return text("def.line", locale, choice=text(f"choice.{choice}", locale),
                    text=text(f"def.{kind}.{choice}", locale) + extra)

    window = (text("def.conversion.window", locale, days=s.conversion_window_days)  # type: ignore
              if s.conversion_window_days else "")  # type: ignore[attr-defined]
    rev = line("revenue", s.revenue_basis)  # type: ignore[attr-defined]
    if s.revenue_basis == "auto" and revenue_basis:  # type: ignore[attr-defined]
        why = text(f"def.revenue.why.{revenue_reason or 'setting'}", locale)
        rev = text("def.revenue.chosen", locale, used=line("revenue", revenue_basis), why=why)
    return {
        "win_rate": line("win_rate", s.win_rate_definition),  # type: ignore[attr-defined]
        "conversion": line("conversion", s.conversion_basis, window),  # type: ignore
        "churn": line("churn", s.churn_definition,  # type: ignore[attr-defined]
                      text("def.churn.rule", locale, n=s.churn_inactive_months)),  # type: ignore
        "nrr": line("nrr", s.nrr_baseline),  # type: ignore[attr-defined]
        "revenue": rev,
        "opportunity": text("def.opportunity", locale, stage=stage_label(
            s.opportunity_stage, normalize_locale(locale))),  # type: ignore[attr-defined]
        "new_customer": text("def.new_customer", locale),
    }


def risk_reasons(row: object, locale: str) -> str:
    """The reasons of one at-risk row (``kpi_xl.metrics.at_risk_customers``), worded in
    ``locale``: interval, volume and frequency flags with their figures, or "churned"."""
    r = row
    if getattr(r, "churned", False):
        return text("risk.churned", locale)
    parts = []
    if getattr(r, "interval_flag", False):
        parts.append(text("risk.interval", locale, days=int(r.days_since_last),  # type: ignore
                          gap=f"{r.median_interval_days:.0f}"))  # type: ignore[attr-defined]
    if getattr(r, "volume_flag", False):
        parts.append(text("risk.volume", locale, drop=f"{r.amount_drop:.0%}"))  # type: ignore
    if getattr(r, "frequency_flag", False):
        parts.append(text("risk.frequency", locale,
                          drop=f"{r.frequency_drop:.0%}"))  # type: ignore[attr-defined]
    return ("、" if normalize_locale(locale) == "ja" else "; ").join(parts)
