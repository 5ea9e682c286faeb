"""KPI_SCORECARD: target, actual, achievement, pace, forecast and gap per rep and metric — the
same figures as the workbook's scorecards (:func:`kpi_xl.metrics.achievement.scorecard` on
the tables validated by :func:`kpi_xl.validate.validate`), or the engine's
:func:`~kpi_xl.metrics.achievement.scorecard_from_actuals` for an actuals table.

A metric whose events live in a table that was not given (visits and calls in 活動, orders in
受注実績 …) gets a blank actual and a note naming the argument to give, never a 0.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ...calendar import Period, month_period
from ...i18n import text
from ...metric_registry import canonical_metric, metric_def, metric_names
from ...metrics import scorecard, scorecard_from_actuals
from ...metrics.metric_tables import counted_table
from ...parse import blank_mask, name_key, parse_dates, parse_text
from ...schema import normalize_header
from ...validate import validate
from .frames import (
    column_label,
    find_column,
    given,
    names_of,
    reps_from_names,
    table_frame,
    table_locale,
)
from .inputs import blank, day, number_column, one
from .notes import note_text
from .outcome import VALUE, fail, typed
from .ranges import SETTINGS, period_label
from .runtime import formula, run
from .tables import cell

__all__ = ["KPI_SCORECARD"]

_ACTUAL_NAMES = {normalize_header(n) for n in ("actual", "actuals", "実績", "実績値", "value",
                                                 "値")}
_COLUMNS = ("rep", "metric", "target", "actual", "achievement", "pace", "forecast", "gap",
            "required_per_day", "note")
# optional tables: argument name → (table, position of the argument)
_MORE = {"reps_table": ("reps", 5), "activities_table": ("activities", 6),
         "orders_table": ("orders", 7), "stage_history_table": ("stage_history", 8),
         "customers_table": ("customers", 9)}


@formula(ranges={"targets_table": "the targets table with its header row (担当者/月/指標/目標)",
                 "actuals_or_opportunities": "the opportunities table, or an actuals table "
                                             "(担当者/指標/実績[/月]), with header row",
                 "reps_table": "the reps table (担当者/チーム), optional",
                 "activities_table": "the activities table (活動), optional",
                 "orders_table": "the orders table (受注実績), optional",
                 "stage_history_table": "the stage history table (ステージ履歴), optional",
                 "customers_table": "the customers table (顧客), optional"}, spill=True)
def KPI_SCORECARD(targets_table, actuals_or_opportunities, period, as_of=None,
                  reps_table=None, activities_table=None, orders_table=None,
                  stage_history_table=None, customers_table=None):
    """Scorecard per rep and metric: target, actual, achievement, pace, forecast, gap.

    targets_table: header row Rep/Month/Metric/Target (担当者/月/指標/目標). Second table:
    the opportunities table (actuals by the engine, as on the workbook's scorecards) or an
    actuals table Rep/Metric/Actual (担当者/指標/実績) with an optional Month column. period:
    a label (2026-04, FY2026Q1) or a date (its month). as_of: the pacing date (blank: the
    data's last date, or the period end for an actuals table). The optional tables (reps,
    activities, orders, stage history, customers) are the book's other tables: a metric that
    counts rows of a table not given gets a blank actual and a note naming the argument.
    Team target rows (Team filled, Rep blank) are scored with the reps table, else listed with
    a note. Returns rep | metric | target | actual | achievement | pace | forecast | gap |
    required per business day | note. Engine: kpi_xl.metrics.achievement.scorecard.
    Errors: a problem in a table → #VALUE! (KPI_WHY names table, row and column).
    Example: =KPI_SCORECARD(Targets[#All], Opps[#All], "2026-04", TODAY(), Reps[#All])
    """
    return run(_scorecard, targets_table, actuals_or_opportunities, period, as_of,
               {k: v for k, v in zip(_MORE, (reps_table, activities_table, orders_table,
                                             stage_history_table, customers_table),
                                     strict=True)})


def _period(v: Any) -> Period:
    v = one(v, "period")
    if blank(v):
        fail(VALUE, "blank", argument="period")
    if isinstance(v, str):
        got = period_label(v, "period")
        if got is not None:
            return got
    when = day(v, "period")
    return month_period(when.year, when.month)


def _team_rows(tg: pd.DataFrame) -> list[tuple[str, str]]:
    """(team, metric) of the team-only target rows (Team filled, Rep blank)."""
    rep_col = find_column(tg, names_of("targets", "rep"))
    team_col = find_column(tg, names_of("targets", "team"))
    met_col = find_column(tg, names_of("targets", "metric"))
    if team_col is None or met_col is None:
        return []
    only = ~blank_mask(tg[team_col]) & (blank_mask(tg[rep_col]) if rep_col is not None
                                        else True)
    teams = parse_text(tg.loc[only, team_col])
    metrics = parse_text(tg.loc[only, met_col]).map(
        lambda v: canonical_metric(v, SETTINGS) if pd.notna(v) else None)
    return list(dict.fromkeys((t, m) for t, m in zip(teams, metrics, strict=True)
                              if pd.notna(t) and m))


_ARGUMENT_OF = {"activities": "activities_table", "orders": "orders_table"}


def _missing_table(metric: str, given_args: set[str], ds: Any) -> str | None:
    """The optional argument a metric's events need, when it was not given."""
    need = _ARGUMENT_OF.get(counted_table(metric, ds) or "")
    return None if need is None or need in given_args else need


def _scorecard(targets_table: Any, other: Any, period_: Any, as_of: Any,
               more: dict[str, Any]) -> list[list]:
    p = _period(period_)
    when = day(as_of, "as_of", required=False)
    tg = table_frame(targets_table, "targets_table")
    ot = table_frame(other, "actuals_or_opportunities")
    extra = {arg: table_frame(x, arg) for arg, x in more.items() if given(x)}
    loc = table_locale(targets_table, other, *more.values())
    reps = extra.get("reps_table")
    unscored: list[tuple[str, str]] = []
    rep_col = find_column(tg, names_of("targets", "rep"))
    if reps is None and rep_col is not None:  # team rows need the reps' teams
        unscored = _team_rows(tg)
        tg = tg[~blank_mask(tg[rep_col])].reset_index(drop=True)
    is_opps = (find_column(ot, names_of("opportunities", "status")) is not None
               and find_column(ot, names_of("opportunities", "created_date")) is not None)
    if is_opps:
        frames = {"targets": tg, "opportunities": ot,
                  **{_MORE[a][0]: f for a, f in extra.items()}}
        if reps is None:
            frames["reps"] = reps_from_names([(tg, "targets"), (ot, "opportunities"),
                                              *[(f, _MORE[a][0]) for a, f in extra.items()]])
        ds = validate(frames, SETTINGS)
        sc = scorecard(ds, p, by="rep", as_of=when)
        if reps is not None:
            teams = scorecard(ds, p, by="team", as_of=when)
            sc = pd.concat([sc, teams[teams["target"].notna()]], ignore_index=True)
        given_args = {a for a in extra} | {"reps_table"}
    else:
        act_col = find_column(ot, _ACTUAL_NAMES)
        if act_col is None:
            fail(VALUE, "second_table")
        ds = validate({"targets": tg, "reps": reps if reps is not None else
                       reps_from_names([(tg, "targets"), (ot, "targets")])}, SETTINGS)
        sc = _from_actuals(ds, ot, act_col, p, when or p.end, reps is not None)
        given_args = set(_MORE)  # the actuals table holds every metric's actual
    out: list[list] = [[column_label(k, loc) for k in _COLUMNS]]
    for r in sc.itertuples(index=False):
        need = _missing_table(r.metric, given_args, ds)
        missing = text("formula.note.no_target_months", loc, months=r.months_without_target) \
            if r.months_without_target and not math.isnan(r.target) else ""
        notes = [r.achievement_note, r.note]
        if need is not None:
            arg, pos = need, _MORE[need][1]
            notes = [text("formula.note.needs_table", loc, argument=arg, position=pos)]
        label = metric_def(r.metric, ds.settings).label(loc)
        if need is not None:
            out.append([r.group, label, cell(r.target), "", "", "", "", "", "",
                        note_text(notes, loc)])
            continue
        out.append([r.group, label, cell(r.target), cell(r.actual), cell(r.achievement),
                    cell(r.pace), cell(r.forecast), cell(r.gap), cell(r.required_per_day),
                    note_text([*notes, missing], loc)])
    for team, metric in unscored:
        out.append([team, metric_def(metric, ds.settings).label(loc), "", "", "", "", "", "",
                    "", text("formula.note.team_unscored", loc)])
    return out


def _from_actuals(ds: Any, ot: pd.DataFrame, act_col: str, p: Period, as_of: Any,
                  teams: bool) -> pd.DataFrame:
    """Parse the actuals table (cells as typed) and score it with the engine."""
    rep_col = find_column(ot, names_of("targets", "rep"))
    met_col = find_column(ot, names_of("targets", "metric"))
    if rep_col is None or met_col is None:
        fail(VALUE, "actuals_columns")
    values = number_column(list(ot[act_col]), str(act_col), 2)  # row 1: the header row
    filled = ~pd.concat([blank_mask(ot[c]) for c in ot.columns], axis=1).all(axis=1)
    ot, values = ot[filled], values[filled.to_numpy()]
    spelled = {name_key(r): r for r in ds.reps["rep"].dropna()}
    rep_text = parse_text(ot[rep_col])
    reps = rep_text.map(lambda v: spelled.get(name_key(v), v) if pd.notna(v) else None)
    metric_text = parse_text(ot[met_col])
    metrics = metric_text.map(lambda v: canonical_metric(v, ds.settings)
                              if pd.notna(v) else None)
    unknown = metric_text[metrics.isna() & metric_text.notna()]
    if len(unknown):
        fail(VALUE, "unknown_metric", value=typed(unknown.iloc[0]),
             choices=lambda loc: " | ".join(metric_def(m).label(loc) for m in metric_names()))
    keep = reps.notna().to_numpy() & metrics.notna().to_numpy()
    mon_col = find_column(ot, names_of("targets", "period"))
    if mon_col is not None:
        months, bad = parse_dates(ot[mon_col], month=True)
        if bad.any():
            fail(VALUE, "not_a_month", value=typed(ot[mon_col][bad].iloc[0]))
        keep &= (months.isna() | p.mask(months)).to_numpy()
    act = pd.DataFrame({"rep": reps.to_numpy()[keep], "metric": metrics.to_numpy()[keep],
                        "actual": np.asarray(values)[keep]})
    card = scorecard_from_actuals(ds, act, p, as_of)
    if not teams:
        return card
    team = scorecard_from_actuals(ds, act, p, as_of, by="team")
    return pd.concat([card, team[team["target"].notna()]], ignore_index=True)

