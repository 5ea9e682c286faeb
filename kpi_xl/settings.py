"""Settings: fiscal year, locale, currency, holiday calendar, stages and metric definitions.

Where the industry disagrees on a definition, the choice is a named setting here and every result
says which one it used. The Settings sheet holds key/value rows; keys may be written in English
or Japanese (see ``SETTING_KEYS``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, fields, replace

from .errors import ConfigError
from .i18n import text
from .schema import DEFAULT_STAGES, STAGE_ALIASES, normalize_header

__all__ = [
    "AMOUNT_UNITS",
    "CHURN_DEFINITIONS",
    "CONVERSION_BASES",
    "NRR_BASELINES",
    "REVENUE_BASES",
    "SETTING_KEYS",
    "WIN_RATE_DEFINITIONS",
    "Settings",
    "setting_label",
]

WIN_RATE_DEFINITIONS = {
    "closed": "won ÷ (won + lost), over the deals decided in the period",
    "all": "won ÷ (won + lost + open), over the deals decided in the period plus those still "
           "open at its end",
}
CONVERSION_BASES = {
    "cohort": "of those entering stage A in the period, how many ever reached stage B",
    "period": "entries into stage B in the period ÷ entries into stage A in the period",
}
CHURN_DEFINITIONS = {
    "active_at_start": "churned in the period among customers active at its start ÷ customers "
                       "active at its start (customers who started and churned inside the "
                       "period are left out)",
    "inclusive": "customers churned in the period ÷ (customers active at its start + customers "
                 "who became active in it)",
}
NRR_BASELINES = {
    "year_over_year": "revenue in the period from customers who bought in the same period a "
                      "year earlier ÷ their revenue then",
    "previous_period": "revenue in the period from customers who bought in the period of equal "
                       "length just before ÷ their revenue then",
}
REVENUE_BASES = {
    "auto": "won deals when the opportunities carry amounts, otherwise orders",
    "won_deals": "amount of won opportunities, dated by close date, credited to the deal's rep",
    "orders": "amount of orders, dated by order date, credited to the customer's rep",
}
ACTIVITY_TYPES = ("call", "visit", "meeting", "email", "proposal")
#: Units amounts are shown in on the sheets (tables and chart axes): the divisor of each.
#: ``auto`` picks thousands when a month's revenue reaches a million, else ones.
AMOUNT_UNITS = {"auto": 0, "one": 1, "thousand": 1_000, "ten_thousand": 10_000,
                "million": 1_000_000}


@dataclass(frozen=True)
class Settings:
    """All settings with their defaults (Japanese company defaults: April FY, JP holidays)."""

    fiscal_year_start: int = 4
    locale: str = "ja"
    currency: str = "JPY"
    holiday_calendar: str = "JP"  # ISO country code understood by `holidays`, or "none"
    custom_holidays: tuple[dt.date, ...] = ()
    stages: tuple[str, ...] = DEFAULT_STAGES
    opportunity_stage: str = "hearing"  # a lead counts as an opportunity from this stage on
    activity_types: tuple[str, ...] = ACTIVITY_TYPES
    win_rate_definition: str = "closed"
    conversion_basis: str = "cohort"
    conversion_window_days: int | None = None
    churn_inactive_months: int = 3
    churn_definition: str = "active_at_start"
    nrr_baseline: str = "year_over_year"
    revenue_basis: str = "auto"  # resolved per book: kpi_xl.metrics.common.revenue_basis
    at_risk_interval_factor: float = 3.0
    at_risk_drop: float = 0.3
    stall_factor: float = 2.0  # a deal stalls after N × the median days of its stage
    stage_probabilities: tuple[tuple[str, float], ...] = ()  # (stage, p): replaces history
    amount_unit: str = "auto"  # a key of AMOUNT_UNITS
    report_period: str = ""  # the period reports show ('' = the month of the as-of date)
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        _check_types(self)
        problems = []
        if not 1 <= self.fiscal_year_start <= 12:
            problems.append(f"fiscal_year_start must be a month 1-12, not {self.fiscal_year_start}")
        if self.locale not in ("ja", "en"):
            problems.append(f"locale must be 'ja' or 'en', not {self.locale!r}")
        for name, allowed in (("win_rate_definition", WIN_RATE_DEFINITIONS),
                              ("conversion_basis", CONVERSION_BASES),
                              ("churn_definition", CHURN_DEFINITIONS),
                              ("nrr_baseline", NRR_BASELINES),
                              ("revenue_basis", REVENUE_BASES)):
            if getattr(self, name) not in allowed:
                problems.append(f"{name} must be one of {sorted(allowed)}, "
                                f"not {getattr(self, name)!r}")
        if len(self.stages) < 2:
            problems.append("at least two stages are needed (the last one is the won stage)")
        if len(set(self.stages)) != len(self.stages):
            problems.append(f"stage names repeat: {list(self.stages)}")
        if self.opportunity_stage not in self.stages:
            problems.append(f"opportunity_stage {self.opportunity_stage!r} is not one of the "
                            f"stages {list(self.stages)}")
        if self.amount_unit not in AMOUNT_UNITS:
            problems.append(f"amount_unit must be one of {list(AMOUNT_UNITS)}, "
                            f"not {self.amount_unit!r}")
        if not self.stall_factor > 0:
            problems.append(f"stall_factor must be above 0, not {self.stall_factor}")
        for stage, p in self.stage_probabilities:
            if stage not in self.stages[:-1]:
                problems.append(f"stage_probabilities: {stage!r} is not one of the stages "
                                f"{list(self.stages[:-1])}")
            if not 0 <= p <= 1:
                problems.append(f"stage_probabilities: {stage!r} must be 0 … 1, not {p}")
        if self.churn_inactive_months < 1:
            problems.append("churn_inactive_months must be at least 1")
        if str(self.report_period).strip():
            from .calendar import parse_period

            try:  # the syntax only: 上期 / H1 are resolved against the as-of date later
                parse_period(str(self.report_period), int(self.fiscal_year_start))
            except ConfigError as exc:
                problems.append(f"report_period: {exc}")
        if problems:
            raise ConfigError("Invalid settings: " + "; ".join(problems))

    @property
    def won_stage(self) -> str:
        return self.stages[-1]

    def definitions(self, locale: str = "en", *, revenue_basis: str | None = None,
                    revenue_reason: str | None = None) -> dict[str, str]:
        """The metric definitions in force, as ``name: 'choice — meaning'`` for reports, in
        ``locale`` (wording in :mod:`kpi_xl.i18n`). ``revenue_basis`` (and why) names the basis
        used when the setting is ``auto`` (the dataset decides it)."""
        from .i18n import definitions_text

        return definitions_text(self, locale, revenue_basis=revenue_basis,
                                revenue_reason=revenue_reason)

    def stage_key(self, text: object) -> str | None:
        """Map a stage/status name written by a user (en/ja, any case) to a stage key.

        Returns the stage key, ``'lost'``, ``'open'``, or None if unknown.
        """
        norm = normalize_header(text)
        if not norm:
            return None
        for s in (*self.stages, "lost", "open"):
            names = (s, *STAGE_ALIASES.get(s, ()))
            if s == self.won_stage:
                names = names + STAGE_ALIASES["won"]
            if any(normalize_header(n) == norm for n in names):
                return s
        return None

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)


def _whole(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _check_types(s: Settings) -> None:
    """A ConfigError naming the field for a value of the wrong type (``Settings(
    fiscal_year_start="4")``, ``4.5``, ``stages=","``), instead of a TypeError later."""
    checks = (
        ("fiscal_year_start", "month", _whole(s.fiscal_year_start)),
        ("churn_inactive_months", "whole", _whole(s.churn_inactive_months)),
        ("conversion_window_days", "optional_whole", s.conversion_window_days is None or (
            _whole(s.conversion_window_days) and s.conversion_window_days >= 1)),
        ("at_risk_interval_factor", "number", isinstance(s.at_risk_interval_factor, (int, float))
         and not isinstance(s.at_risk_interval_factor, bool)
         and math.isfinite(s.at_risk_interval_factor)),
        ("at_risk_drop", "number", isinstance(s.at_risk_drop, (int, float))
         and not isinstance(s.at_risk_drop, bool) and math.isfinite(s.at_risk_drop)),
        ("stall_factor", "number", isinstance(s.stall_factor, (int, float))
         and not isinstance(s.stall_factor, bool) and math.isfinite(s.stall_factor)),
        ("stage_probabilities", "pairs", isinstance(s.stage_probabilities, tuple) and all(
            isinstance(x, tuple) and len(x) == 2 and isinstance(x[0], str)
            and isinstance(x[1], (int, float)) and not isinstance(x[1], bool)
            and math.isfinite(x[1]) for x in s.stage_probabilities)),
        ("stages", "names", isinstance(s.stages, tuple)
         and all(isinstance(x, str) and x.strip() for x in s.stages)),
        ("activity_types", "names", isinstance(s.activity_types, tuple)
         and all(isinstance(x, str) and x.strip() for x in s.activity_types)),
    )
    for name, expected, ok in checks:
        if not ok:
            raise ConfigError(text("api.setting_type", "en", name=name,
                                   expected=text(f"api.expected.{expected}", "en"),
                                   value=repr(getattr(s, name))))


def setting_label(name: str, locale: str) -> str:
    """A setting as the Settings sheet shows it: its Japanese key (期首月) in ``ja``, the field
    name in ``en``."""
    if locale == "ja":
        for alias in _JA_KEYS.get(name, ()):
            if SETTING_KEYS.get(normalize_header(alias)) == name:
                return alias
    return name


# Settings sheet keys (normalized en/ja) → field names.
SETTING_KEYS: dict[str, str] = {}
_JA_KEYS = {
    "fiscal_year_start": ("期首月", "年度開始月", "fiscal year start month", "fy start"),
    "locale": ("言語", "language"),
    "currency": ("通貨",),
    "holiday_calendar": ("祝日カレンダー", "holidays", "holiday calendar"),
    "custom_holidays": ("独自休日", "会社休日", "custom holidays", "company holidays"),
    "stages": ("ステージ", "商談ステージ", "stage names"),
    "opportunity_stage": ("商談化ステージ", "opportunity from stage"),
    "activity_types": ("活動種別", "activity types"),
    "win_rate_definition": ("受注率の定義", "win rate definition", "win rate"),
    "conversion_basis": ("転換率の基準", "conversion basis", "conversion"),
    "conversion_window_days": ("転換期限日数", "conversion window days"),
    "churn_inactive_months": ("離反判定月数", "churn after months", "inactive months"),
    "churn_definition": ("離反率の定義", "churn definition"),
    "nrr_baseline": ("nrrの基準", "nrr baseline"),
    "revenue_basis": ("売上の基準", "revenue basis"),
    "at_risk_interval_factor": ("注意間隔倍率", "at risk interval factor"),
    "at_risk_drop": ("注意減少率", "at risk drop"),
    "stall_factor": ("滞留判定倍率", "滞留倍率", "stall factor", "stalled factor"),
    "stage_probabilities": ("ステージ別受注確度", "受注確度", "ステージ確率",
                            "stage probabilities", "win probabilities"),
    "amount_unit": ("金額単位", "金額の単位", "表示単位", "amount unit", "unit"),
    "report_period": ("対象期間", "集計期間", "report period", "period"),
}
for _f in fields(Settings):
    if _f.name == "extra":
        continue
    for _k in (_f.name, *_JA_KEYS.get(_f.name, ())):
        SETTING_KEYS[normalize_header(_k)] = _f.name
