"""Every label, heading, message and hint kpi_xl shows, kept in one place per language.

``kpi_xl/i18n/en/`` and ``kpi_xl/i18n/ja/`` hold one module per surface (``report`` for the
generated sheets; more surfaces register theirs in the language package's ``__init__``). Both
languages define the same keys (checked by ``tests/test_i18n.py``); :func:`text` formats one
entry with ``str.format`` parameters.
"""

from __future__ import annotations

from . import en, ja

__all__ = ["LOCALES", "catalog", "exclusion_text", "normalize_locale", "outside_text",
           "text"]

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
