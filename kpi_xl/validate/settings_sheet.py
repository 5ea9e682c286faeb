"""The Settings sheet: key/value rows → :class:`~kpi_xl.settings.Settings`, every bad value a
located problem that names the setting as the sheet shows it (期首月, not fiscal_year_start).

Values are read the way they are typed: ``4``, ``"4"``, ``4月`` or ``４`` for the first month of
the fiscal year; ``3か月`` for months, ``30%`` or ``0.3`` for a share, lists separated by
``,`` ``、`` ``，`` ``;`` or line breaks. Refused: a month outside 1–12 or not whole (13, 0, -1,
4.5), fewer than two stages (``","``), a stage named twice, an opportunity stage that is not a
stage, an unknown choice, custom holidays that are not dates, and one setting given twice with
different values. A blank value keeps the default.
"""

from __future__ import annotations

import dataclasses
import math
import re

import pandas as pd

from ..errors import ConfigError
from ..parse import nfkc, read_dates, read_numbers
from ..schema import (
    ACTIVITY_ALIASES,
    STAGE_ALIASES,
    normalize_header,
    option_key,
    stage_label,
    table_spec,
)
from ..settings import (
    AMOUNT_UNITS,
    CHURN_DEFINITIONS,
    CONVERSION_BASES,
    NRR_BASELINES,
    REVENUE_BASES,
    SETTING_KEYS,
    WIN_RATE_DEFINITIONS,
    Settings,
    setting_label,
)
from .collect import Collector
from .columns import row_numbers
from .hints import did_you_mean

__all__ = ["activity_key", "read_settings", "sheet_locale", "split_list", "stage_keys"]

_CHOICES = {"win_rate_definition": WIN_RATE_DEFINITIONS, "conversion_basis": CONVERSION_BASES,
            "churn_definition": CHURN_DEFINITIONS, "nrr_baseline": NRR_BASELINES,
            "revenue_basis": REVENUE_BASES}
_LOCALES = {"ja": "ja", "日本語": "ja", "japanese": "ja", "jp": "ja", "en": "en", "english": "en",
            "英語": "en"}
DEFAULT_ACTIVITY = ("call", "visit", "meeting", "email", "proposal")
_UNITS = {"auto": "auto", "自動": "auto", "1": "one", "one": "one", "円": "one", "yen": "one",
          "1円": "one", "千": "thousand", "千円": "thousand", "thousand": "thousand",
          "thousands": "thousand", "k": "thousand", "万": "ten_thousand", "万円": "ten_thousand",
          "tenthousand": "ten_thousand", "tenthousands": "ten_thousand", "百万": "million",
          "百万円": "million", "million": "million", "millions": "million", "m": "million",
          "mn": "million"}


def split_list(text: str) -> list[str]:
    """``a, b、c；d`` → ``['a', 'b', 'c', 'd']`` (commas, 、 ， ; and line breaks)."""
    text = nfkc(text)
    for sep in ("、", "，", ";", "\n"):
        text = text.replace(sep, ",")
    return [t.strip() for t in text.split(",") if t.strip()]


def stage_keys(names: list[str]) -> tuple[str, ...]:
    """Stage names as written → stage keys (known names map to their key, others stay)."""
    out = []
    for n in names:
        key = n
        for k, aliases in STAGE_ALIASES.items():
            if k not in ("lost", "open") and normalize_header(n) in {
                    normalize_header(a) for a in (k, *aliases)}:
                key = k
        out.append(key)
    return tuple(out)


def activity_key(text: object, types: tuple[str, ...]) -> str | None:
    """The activity type key among ``types`` that ``text`` names (電話, TEL, 架電 → call)."""
    norm = normalize_header(text)
    for t in types:
        if norm in {normalize_header(a) for a in (t, *ACTIVITY_ALIASES.get(t, ()))}:
            return t
    return None


def _columns(frame: pd.DataFrame) -> tuple[object, object | None]:
    cols = {normalize_header(c): c for c in frame.columns}
    spec = table_spec("settings")
    key = next((cols[normalize_header(n)] for n in spec.column("key").all_names()
                if normalize_header(n) in cols), frame.columns[0])
    value = next((cols[normalize_header(n)] for n in spec.column("value").all_names()
                  if normalize_header(n) in cols),
                 frame.columns[1] if len(frame.columns) > 1 else None)
    return key, value


def sheet_locale(raw: object | None) -> str | None:
    """The locale the Settings sheet sets explicitly (言語 / locale row), if readable."""
    frame = getattr(raw, "frame", None)
    if frame is None or frame.empty:
        return None
    key_col, val_col = _columns(frame)
    if val_col is None:
        return None
    for k, v in zip(frame[key_col], frame[val_col], strict=True):
        if isinstance(k, str) and SETTING_KEYS.get(normalize_header(k)) == "locale":
            return _LOCALES.get(normalize_header(v)) if isinstance(v, str) else None
    return None


def _whole(v: object, units: str = "") -> int | None:
    """A whole number from a cell (4, 4.0, "4", "４", "4月", "3か月"), else None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return int(v) if math.isfinite(v) and float(v).is_integer() else None
    text = re.sub(f"(?:{units})$", "", nfkc(str(v)).strip()) if units else nfkc(str(v)).strip()
    return int(text) if re.fullmatch(r"[+-]?\d+", text) else None


def _share(v: object) -> float | None:
    text = nfkc(str(v)).strip()
    pct = text.endswith("%")
    p = read_numbers(pd.Series([text.rstrip("%") if pct else v], dtype=object))
    x = p.values.iloc[0]
    return None if pd.isna(x) else float(x) / (100 if pct else 1)


def _probabilities(text: str, shown: str, col: Collector, stages: tuple[str, ...]):
    """``提案:40%、クロージング:70%`` → ((stage key, 0.4), …) or a problem naming the parts
    that are not a stage of ``stages`` (but the won one) with a share 0–100 %."""
    out, bad = [], []
    for part in split_list(text):
        m = re.fullmatch(r"(.+?)\s*[:=]\s*(.+)|(.+?)\s+([\d.]+\s*%?)", part)
        name, value = ((m.group(1), m.group(2)) if m and m.group(1) else
                       (m.group(3), m.group(4)) if m else (part, ""))
        key = stage_keys([name.strip()])[0]
        p = _share(value) if value else None
        if key not in stages[:-1] or p is None or not 0 <= p <= 1:
            bad.append(part)
        else:
            out.append((key, p))
    if bad or not out:
        return None, (col.t("msg.setting.probabilities", setting=shown,
                            values=col.t("list.sep").join(bad) or text),
                      col.t("hint.setting.probabilities"))
    return tuple(dict(out).items()), None


def _value(name: str, v: object, shown: str, col: Collector, stages: tuple[str, ...]):
    """(value, None) or (None, (problem, hint)) for one setting."""
    text = str(v).strip()
    if name == "fiscal_year_start":
        m = _whole(v, "月")
        if m is None or not 1 <= m <= 12:
            return None, (col.t("msg.setting.month", setting=shown), col.t("hint.setting.month"))
        return m, None
    if name in ("churn_inactive_months", "conversion_window_days"):
        n = _whole(v, "か月|ヶ月|カ月|ケ月|箇月|日")
        if n is None or n < 1:
            return None, (col.t("msg.setting.whole", setting=shown, minimum=1), "")
        return n, None
    if name == "amount_unit":
        unit = _UNITS.get(normalize_header(text))
        if unit is None:
            return None, (col.t("msg.setting.choice", setting=shown),
                          col.t("hint.choices", choices="自動 / 円 / 千円 / 万円 / 百万円 / "
                                + " / ".join(AMOUNT_UNITS)))
        return unit, None
    if name == "stage_probabilities":
        return _probabilities(text, shown, col, stages)
    if name in ("at_risk_interval_factor", "at_risk_drop", "stall_factor"):
        x = _share(v) if name == "at_risk_drop" else _share(re.sub("倍$", "", text))
        if x is None or not math.isfinite(x):
            return None, (col.t("msg.setting.number", setting=shown), "")
        high = 1 if name == "at_risk_drop" else 100
        if not 0 < x <= high:
            return None, (col.t("msg.setting.range", setting=shown, low=0, high=high), "")
        return x, None
    if name == "locale":
        loc = _LOCALES.get(normalize_header(text))
        if loc is None:
            return None, (col.t("msg.setting.choice", setting=shown),
                          col.t("hint.choices", choices="ja / en / 日本語 / 英語"))
        return loc, None
    if name in _CHOICES:
        allowed = _CHOICES[name]
        got = option_key(text, tuple(allowed))
        if got is None:
            return None, (col.t("msg.setting.choice", setting=shown),
                          col.t("hint.choices", choices=" / ".join(allowed)))
        return got, None
    if name == "stages":
        keys = stage_keys(split_list(text))
        if len(keys) < 2:
            return None, (col.t("msg.setting.stages", setting=shown), "")
        seen: set[str] = set()
        for k in keys:
            if k in seen:
                return None, (col.t("msg.setting.stage_repeat", setting=shown,
                                    stage=stage_label(k, col.locale)), "")
            seen.add(k)
        return keys, None
    if name == "opportunity_stage":
        return stage_keys([text])[0], None
    if name == "activity_types":
        types = tuple(activity_key(t, DEFAULT_ACTIVITY) or t for t in split_list(text))
        if not types:
            return None, (col.t("msg.setting.activity_types", setting=shown), "")
        return tuple(dict.fromkeys(types)), None
    if name == "custom_holidays":
        parts = split_list(text) if isinstance(v, str) else [v]
        p = read_dates(pd.Series(parts, dtype=object))
        if p.bad.any():
            wrong = col.t("list.sep").join(str(x) for x, b in zip(parts, p.bad, strict=True) if b)
            return None, (col.t("msg.setting.dates", setting=shown, values=wrong),
                          col.t("hint.date"))
        return tuple(d.date() for d in p.values), None
    return text, None


def read_settings(raw: object | None, col: Collector, where: str,
                  base: Settings | None = None) -> Settings:
    """Settings from the Settings sheet on top of ``base`` (default: the defaults)."""
    base = base or Settings()
    frame = getattr(raw, "frame", None)
    if frame is None or frame.empty or not len(frame.columns):
        return base
    key_col, val_col = _columns(frame)
    rows = row_numbers(raw)
    keys = frame[key_col].tolist()
    values = frame[val_col].tolist() if val_col is not None else [None] * len(frame)
    changes: dict[str, object] = {}
    given: dict[str, tuple[int, object]] = {}
    names = [f.name for f in dataclasses.fields(Settings) if f.name != "extra"]
    known = list(dict.fromkeys([setting_label(n, col.locale) for n in names] + names))
    for row, k, v in zip(rows, keys, values, strict=True):
        if k is None or (isinstance(k, float) and math.isnan(k)) or str(k).strip() == "":
            continue
        shown = str(k).strip()
        name = SETTING_KEYS.get(normalize_header(k))
        if name is None:
            col.add(where, int(row), str(key_col), k, col.t("msg.setting.unknown"),
                    did_you_mean(k, known, locale=col.locale))
            continue
        if v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == "":
            continue
        if name in given and str(given[name][1]).strip() != str(v).strip():
            col.add(where, int(row), str(val_col), v,
                    col.t("msg.setting.twice", setting=shown, row=given[name][0]),
                    col.t("hint.setting.twice"))
            continue
        given[name] = (int(row), v)
        value, problem = _value(name, v, shown, col, changes.get("stages", base.stages))
        if problem:
            col.add(where, int(row), str(val_col), v, *problem)
        else:
            changes[name] = value
    stages = changes.get("stages", base.stages)
    assert isinstance(stages, tuple)
    opp = changes.get("opportunity_stage", base.opportunity_stage)
    if opp not in stages:
        if "opportunity_stage" in given:
            row, v = given["opportunity_stage"]
            col.add(where, row, str(val_col), v,
                    col.t("msg.setting.opportunity_stage",
                          setting=setting_label("opportunity_stage", col.locale)),
                    col.t("hint.choices", choices=" / ".join(
                        stage_label(s, col.locale) for s in stages[:-1])))
            changes.pop("opportunity_stage", None)
        changes["opportunity_stage"] = stages[1] if len(stages) > 1 else stages[0]
    try:
        return dataclasses.replace(base, **changes)
    except ConfigError as exc:
        col.add(where, None, None, None, col.t("msg.setting.invalid", detail=str(exc)))
        return base
