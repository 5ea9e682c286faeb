"""The Settings sheet's rows: each setting's key, value as text and description, localized."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields

import pandas as pd

from ..errors import ConfigError
from ..i18n import catalog
from ..i18n import text as _text
from ..schema import (
    activity_label,
    normalize_header,
    stage_label,
)
from ..settings import (
    SETTING_KEYS,
    Settings,
    setting_label,
)
from .template_names import ALLOWED_VALUES

__all__ = [
    "is_missing_value",
    "setting_description",
    "setting_key",
    "setting_text",
    "setting_value",
    "settings_rows",
    "split_list",
]


def setting_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (tuple, list)):
        return ",".join(setting_text(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def setting_value(settings: Settings, name: str, locale: str) -> str:
    """A setting as written on the sheet; stage and activity-type names as localized labels
    (the Settings reader maps them back to keys)."""
    value = getattr(settings, name)
    if name == "stages":
        return ",".join(stage_label(s, locale) for s in value)
    if name == "opportunity_stage":
        return stage_label(value, locale)
    if name == "activity_types":
        return ",".join(activity_label(a, locale) for a in value)
    if name == "amount_unit":
        return _text(f"template.amount_unit.{value}", locale)
    return setting_text(value)


def setting_key(field_name: str, locale: str) -> str:
    """Key written in the Settings table: the Japanese key in ja, the field name in en."""
    return setting_label(field_name, locale)


def setting_description(field_name: str, locale: str) -> str:
    key = f"template.setting.{field_name}"
    text = _text(key, locale) if key in catalog(locale) else ""
    allowed = ALLOWED_VALUES.get(field_name)
    if allowed:
        choices = "; ".join(f"{k} — {v}" for k, v in allowed.items())
        text = f"{text} {_text('template.allowed', locale)}: {choices}".strip()
    return text


def split_list(text: str) -> list[str]:
    """Split like the Settings reader: commas, 、, ，, ; and line breaks."""
    for sep in ("、", "，", ";", "\n"):
        text = text.replace(sep, ",")
    return [p.strip() for p in text.split(",") if p.strip()]


def is_missing_value(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def settings_rows(
    settings: Settings, frame: pd.DataFrame | None, locale: str
) -> list[tuple[str, str, str, str | None]]:
    """(key text, value, description, field name or None) for every setting."""
    values = {
        f.name: setting_value(settings, f.name, locale)
        for f in fields(Settings)
        if f.name != "extra"
    }
    keys = {name: setting_key(name, locale) for name in values}
    extras: dict[str, str] = dict(settings.extra)
    if frame is not None:
        missing = {"key", "value"} - set(frame.columns)
        if missing:
            raise ConfigError(
                f"data['settings'] needs the columns key and value; missing {sorted(missing)}"
            )
        for key, value in zip(frame["key"], frame["value"], strict=True):
            if is_missing_value(key) or not str(key).strip():
                continue
            text = "" if is_missing_value(value) else setting_text(value)
            name = SETTING_KEYS.get(normalize_header(key))
            if name is None:
                extras[str(key)] = text
            else:
                values[name] = text
    rows: list[tuple[str, str, str, str | None]] = [
        (keys[name], value, setting_description(name, locale), name)
        for name, value in values.items()
    ]
    rows += [(key, value, "", None) for key, value in extras.items()]
    return rows
