"""Win rate, stage conversion, sales cycle and pipeline velocity.

Engines: :func:`kpi_xl.metrics.deals.win_rate`, :func:`kpi_xl.metrics.funnel.conversion_rate`,
:func:`kpi_xl.metrics.funnel.conversion_from_stages`, :func:`kpi_xl.metrics.deals.cycle_days`,
:func:`kpi_xl.metrics.deals.velocity` and :func:`kpi_xl.metrics.deal_columns.won_dates`.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ...errors import ConfigError
from ...metrics import conversion_from_stages, conversion_rate, cycle_days, velocity, win_rate
from ...metrics.deal_columns import won_dates
from ...schema import STAGE_ALIASES, normalize_header, stage_label, table_spec
from ...settings import CONVERSION_BASES, WIN_RATE_DEFINITIONS
from .inputs import blank, cells, date_column, is_range, number, one, option, rows
from .notes import undefined
from .outcome import DIV0, NA, NUM, VALUE, fail, typed
from .ranges import SETTINGS, categorical, column, parallel, period
from .runtime import formula, run

__all__ = ["KPI_CONVERSION", "KPI_CYCLE_DAYS", "KPI_VELOCITY", "KPI_WIN_RATE", "rate",
           "stage_word"]

_STAGES = SETTINGS.stages
_OPP_SPEC = table_spec("opportunities", _STAGES)


@formula(ranges={"status_range": "statuses: won/lost/open or 受注/失注/進行中 (or stage names)"})
def KPI_WIN_RATE(status_range, definition="closed"):
    """Win rate of a range of statuses.

    definition "closed" (default, also 受注/失注): won ÷ (won + lost), open deals left out;
    "all" (全件): won ÷ every non-blank status. Statuses in any case, English or Japanese
    (受注, 失注, 受注済み, 見送り); another stage name counts as open; blanks and unrecognised
    values are ignored. Engine: kpi_xl.metrics.deals.win_rate.
    Errors: no closed deal → #N/A; all lost → 0.
    Example: =KPI_WIN_RATE(Opps[状態])
    """
    return run(_win_rate, status_range, definition)


def _win_rate(status_range: Any, definition: Any) -> float:
    d = option(definition, "definition", list(WIN_RATE_DEFINITIONS), "closed")
    r = win_rate(categorical(cells(status_range), "status_range"), d)
    if math.isnan(r.value):
        undefined(r.note)
    return r.value


def stage_word(value: Any, name: str) -> str:
    """The stage a cell names (key, English or Japanese label, alias: 提案, ヒアリング …)."""
    v = one(value, name)
    if blank(v):
        fail(VALUE, "blank", argument=name)
    key = SETTINGS.stage_key(v)
    if key not in _STAGES:
        fail(VALUE, "unknown_stage", argument=name, value=typed(v),
             choices=lambda loc: " | ".join(stage_label(s, loc) for s in _STAGES))
    return key


def _stage_header_names(key: str) -> set[str]:
    if key == SETTINGS.won_stage:
        names: tuple[str, ...] = (key, f"{key} date", stage_label(key, "en"),
                                  stage_label(key, "ja"), f"{stage_label(key, 'ja')}日",
                                  *STAGE_ALIASES.get("won", ()))
    else:
        names = _OPP_SPEC.column(f"{key}_date").all_names()
    return {normalize_header(n) for n in names}


def _find(header: list[str], names: set[str]) -> int | None:
    for i, h in enumerate(header):
        if normalize_header(h) in names:
            return i
    return None


def _column_names(column_name: str) -> set[str]:
    return {normalize_header(n) for n in _OPP_SPEC.column(column_name).all_names()}


@formula(ranges={"stage_dates_or_stages": "a table with a header row of stage names and date "
                                          "cells, or one column of stages"})
def KPI_CONVERSION(stage_dates_or_stages, from_stage, to_stage, period_start=None,
                   period_end=None, basis="cohort"):
    """Conversion from one stage to a later one.

    Form 1 — a range with a header row naming stages (アプローチ, 情報収集日, proposal date …)
    and date cells, one row per opportunity (blank = stage not reached):
    basis "cohort" (default, コホート): of the rows whose from-stage date is in the period, the
    share with a to-stage date; "period" (期間): to-stage dates in the period ÷ from-stage dates
    in the period (may exceed 1). No period → all rows. For the won stage without a won
    column: Close date where Status is won. Engine: kpi_xl.metrics.funnel.conversion_rate.
    Form 2 — one column of current-stage names: count at or beyond to_stage ÷ count at or
    beyond from_stage, stage order approach → hearing → proposal → closing → won.
    Engine: kpi_xl.metrics.funnel.conversion_from_stages.
    Errors: nobody entered from_stage → #N/A; unknown stage name → #VALUE!.
    Example: =KPI_CONVERSION(Opps[[#All],[情報収集日]:[クロージング日]], "hearing", "closing")
    """
    return run(_conversion, stage_dates_or_stages, from_stage, to_stage, period_start,
               period_end, basis)


def _conversion(data: Any, from_stage: Any, to_stage: Any, period_start: Any, period_end: Any,
                basis: Any) -> float:
    f, t = stage_word(from_stage, "from_stage"), stage_word(to_stage, "to_stage")
    if _STAGES.index(t) <= _STAGES.index(f):
        fail(VALUE, "stage_order", from_stage=lambda loc: stage_label(f, loc),
             to_stage=lambda loc: stage_label(t, loc))
    b = option(basis, "basis", list(CONVERSION_BASES), "cohort")
    table = rows(data)
    two_d = is_range(data) and len(data) > 0 and is_range(data[0])
    if two_d and len(table[0]) > 1:
        return _conversion_table(table, f, t, period_start, period_end, b)
    if not (blank(one(period_start, "period_start")) and blank(one(period_end, "period_end"))) \
            or b != "cohort":
        fail(VALUE, "stage_column_period")
    values = categorical(cells(data), "stage_dates_or_stages")
    try:
        r = conversion_from_stages(values, f, t, SETTINGS)
    except ConfigError:
        bad = next(u for u in values.cat.categories if str(u).strip()
                   and SETTINGS.stage_key(u) is None)
        fail(VALUE, "stage_column_value", value=typed(bad),
             choices=lambda loc: " | ".join(stage_label(s, loc) for s in _STAGES))
    if math.isnan(r.value):
        undefined(r.note, stage=lambda loc: stage_label(f, loc))
    return r.value


def _conversion_table(table: list[list], f: str, t: str, period_start: Any, period_end: Any,
                      basis: str) -> float:
    header = ["" if blank(h) else str(h) for h in table[0]]
    body = table[1:]
    shown = ", ".join(h for h in header if h)

    def missing(stage: str) -> None:
        fail(VALUE, "no_stage_column", stage=lambda loc: stage_label(stage, loc),
             headers=shown)
    i = _find(header, _stage_header_names(f))
    if i is None:
        missing(f)
    j = _find(header, _stage_header_names(t))
    from_dates = date_column(column(body, i), header[i], 2)  # row 1: the header row
    if j is not None:
        to_dates = date_column(column(body, j), header[j], 2)
    else:
        c = _find(header, _column_names("close_date"))
        st = _find(header, _column_names("status"))
        if t != SETTINGS.won_stage or c is None or st is None:
            missing(t)
        close = date_column(column(body, c), header[c], 2)
        to_dates = won_dates(close, categorical(column(body, st), header[st], 2), SETTINGS)
    s, e = period(period_start, period_end, open_ok=True)
    r = conversion_rate(pd.Series(from_dates), pd.Series(to_dates), start=s, end=e,
                        basis=basis)
    if math.isnan(r.value):
        undefined(r.note, stage=lambda loc: stage_label(f, loc))
    return r.value


@formula(ranges={"created": "created dates", "closed": "close dates",
                 "status": "statuses (optional): then won deals only"})
def KPI_CYCLE_DAYS(created, closed, status=None, statistic="mean"):
    """Sales cycle in calendar days: close date − created date.

    statistic "mean" (default, 平均) | "median" (中央値) | "count" (件数). With a status range
    only won deals count; without it every row with both dates. Rows missing a date or
    closing before creation are left out. Engine: kpi_xl.metrics.deals.cycle_days.
    Errors: nothing left → #N/A (count → 0).
    Example: =KPI_CYCLE_DAYS(Opps[作成日], Opps[完了日], Opps[状態], "median")
    """
    return run(_cycle_days, created, closed, status, statistic)


def _cycle_days(created: Any, closed: Any, status: Any, statistic: Any) -> float | int:
    stat = option(statistic, "statistic", ["mean", "median", "count"], "mean")
    named = {"created": created, "closed": closed}
    if status is not None:
        named["status"] = status
    cols, first = parallel(named, ["created", "closed"])
    c = date_column(cols["created"], "created", first)
    z = date_column(cols["closed"], "closed", first)
    st = categorical(cols["status"], "status", first) if "status" in cols else None
    res = cycle_days(pd.Series(c), pd.Series(z), st)
    if stat == "count":
        return int(res["count"])
    if math.isnan(res[stat]):
        fail(NA, "no_dated_won_deals" if st is not None else "no_dated_deals")
    return float(res[stat])


@formula()
def KPI_VELOCITY(open_count, avg_deal, win_rate, cycle_days):
    """Pipeline velocity per day: open deals × average deal × win rate ÷ cycle days.

    Engine: kpi_xl.metrics.deals.velocity. win_rate may be 0.25 or "25%".
    Errors: a blank factor → #N/A; cycle_days 0 → #DIV/0!; cycle_days below 0 or a win rate
    outside 0…1 → #NUM!; an error in a factor (e.g. from KPI_WIN_RATE) passes through.
    Example: =KPI_VELOCITY(B2, B3, KPI_WIN_RATE(Opps[状態]), B5)
    """
    return run(_velocity, open_count, avg_deal, win_rate, cycle_days)


def rate(x: Any, name: str) -> float:
    """A rate between 0 and 1 (``0.25`` or ``'25%'``); blank → NaN."""
    v = number(x, name, percent=True)
    if not math.isnan(v) and not 0.0 <= v <= 1.0:
        fail(NUM, "rate_range", argument=name, value=typed(one(x, name)))
    return v


def _velocity(open_count: Any, avg_deal: Any, win_rate_: Any, cycle: Any) -> float:
    vals = {"open_count": number(open_count, "open_count"),
            "avg_deal": number(avg_deal, "avg_deal"),
            "win_rate": rate(win_rate_, "win_rate"),
            "cycle_days": number(cycle, "cycle_days")}
    missing = [n for n, v in vals.items() if math.isnan(v)]
    if missing:
        fail(NA, "missing_factor", names=", ".join(missing))
    if vals["cycle_days"] == 0:
        fail(DIV0, "cycle_zero")
    if vals["cycle_days"] < 0:
        fail(NUM, "negative_cycle", value=typed(one(cycle, "cycle_days")))
    return velocity(*vals.values())
