"""Hints a person can act on: did-you-mean, the values to choose from, look-alike characters."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence

from ..i18n import text
from ..parse import describe_difference, name_key, visible
from ..schema import normalize_header

__all__ = ["choices_hint", "closest", "did_you_mean", "suggest", "variants_text"]


def closest(value: object, choices: Sequence[str], *,
            key: Callable[[object], str] = normalize_header, cutoff: float = 0.6) -> str | None:
    """The choice closest to ``value`` (compared by ``key``), or None."""
    by_key: dict[str, str] = {}
    for c in choices:
        if c:
            by_key.setdefault(key(c), str(c))
    typed = key(value)
    if len(typed) <= 3:  # one wrong character of a short (kanji) word scores 0.5
        cutoff = min(cutoff, 0.5)
    hit = difflib.get_close_matches(typed, list(by_key), n=1, cutoff=cutoff)
    return by_key[hit[0]] if hit else None


def did_you_mean(value: object, choices: list[str], *, show: int = 8,
                 locale: str = "en") -> str:
    """A hint naming the closest choice, else listing what exists (in ``locale``)."""
    choices = [c for c in dict.fromkeys(str(c) for c in choices) if c]
    near = closest(value, choices)
    if near is not None:
        hint = text("hint.did_you_mean", locale, choice=visible(near, locale))
        diff = describe_difference(str(value), near, locale)
        return f"{hint} {diff}" if diff else hint
    if not choices:
        return ""
    return text("hint.known", locale, choices=_listed(choices, show, locale))


def suggest(value: object, choices: list[str], locale: str, *, fallback: str = "",
            key: Callable[[object], str] = name_key) -> str:
    """'did you mean …?' when a choice is close (by ``key``), else ``fallback``."""
    near = closest(value, choices, key=key)
    if near is None:
        near = closest(value, choices)
    if near is None:
        return fallback
    hint = text("hint.did_you_mean", locale, choice=visible(near, locale))
    diff = describe_difference(str(value), near, locale)
    return f"{hint} {diff}" if diff else hint


def choices_hint(value: object, choices: list[str], locale: str, *, alias: bool = True,
                 extra: Sequence[str] = ()) -> str:
    """'did you mean …?' (among ``choices`` and ``extra`` spellings, e.g. the other
    language's) or the list of values to choose from (the dropdown's labels, ``choices``)."""
    listed = text("hint.choices", locale, choices=_listed(choices, 12, locale, sep=" / "))
    out = suggest(value, [*choices, *extra], locale, fallback=listed)
    return text("hint.pair", locale, first=out, second=text("hint.alias", locale)) if alias else out


def variants_text(items: list[tuple[str, int]], locale: str) -> str:
    """「山田 太郎」(2行目)、「山田[全角スペース]太郎」(5行目)."""
    return text("list.sep", locale).join(
        text("hint.variant", locale, value=visible(v, locale), row=r) for v, r in items)


def _listed(choices: Sequence[str], show: int, locale: str, sep: str | None = None) -> str:
    sep = sep if sep is not None else text("list.sep", locale)
    shown = sep.join(visible(c, locale) for c in list(choices)[:show])
    if len(choices) > show:
        shown += text("hint.more", locale, count=len(choices) - show)
    return shown
