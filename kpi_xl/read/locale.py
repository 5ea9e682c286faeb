"""The language a book is written in, guessed from its own tables.

Order: the Settings table's language row (``言語`` / ``locale``: ja, 日本語, en, English …);
else Japanese when any sheet name, table header, file name or origin holds kana or kanji;
else English. The validator uses the same function so that reader and validator messages
agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..i18n import normalize_locale
from ..schema import TABLES, normalize_header
from ..settings import SETTING_KEYS

__all__ = ["guess_locale", "has_japanese", "locale_of_texts"]

_EN_WORDS = {"en", "english", "英語", "eng"}


def has_japanese(text: object) -> bool:
    """True when ``text`` holds hiragana, katakana, kanji or full-width forms."""
    if not isinstance(text, str):
        return False
    for ch in text:
        o = ord(ch)
        if (0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF
                or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or 0x3000 <= o <= 0x303F):
            return True
    return False


def locale_of_texts(texts: Iterable[object]) -> str:
    return "ja" if any(has_japanese(t) for t in texts) else "en"


def _column(frame: object, names: tuple[str, ...], default: int) -> object:
    wanted = {normalize_header(n) for n in names}
    for i, c in enumerate(frame.columns):  # type: ignore[attr-defined]
        if normalize_header(c) in wanted:
            return frame.iloc[:, i]  # type: ignore[attr-defined]
    return frame.iloc[:, default]  # type: ignore[attr-defined]


def _settings_locale(raw: object) -> str | None:
    frame = getattr(raw, "frame", raw)
    if getattr(frame, "ndim", 0) != 2 or frame.shape[1] < 2:  # type: ignore[attr-defined]
        return None
    spec = TABLES["settings"]
    keys = _column(frame, spec.column("key").all_names(), 0)
    values = _column(frame, spec.column("value").all_names(), 1)
    for k, v in zip(keys, values, strict=True):
        if isinstance(k, str) and SETTING_KEYS.get(normalize_header(k)) == "locale":
            if not isinstance(v, str) or not v.strip():
                return None
            word = normalize_header(v)
            if word in _EN_WORDS:
                return "en"
            loc = normalize_locale(v)
            return loc if loc == "ja" else None
    return None


def guess_locale(raws: Mapping[str, object], *extra: object) -> str:
    """``'ja'`` or ``'en'`` for a mapping of table name → RawTable (or DataFrame); ``extra``
    texts (a file name, sheet names) count as well."""
    settings = raws.get("settings")
    if settings is not None and (loc := _settings_locale(settings)):
        return loc
    texts: list[object] = list(extra)
    for raw in raws.values():
        frame = getattr(raw, "frame", raw)
        texts.append(getattr(raw, "sheet", None))
        texts += list(getattr(frame, "columns", ()))
    return locale_of_texts(texts)
