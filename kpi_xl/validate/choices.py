"""Columns whose values come from a list: status, stage, forecast category, activity type,
target metric.

Each distinct value is mapped once, after the user's aliases, through the built-in variants
(:data:`kpi_xl.schema.STAGE_ALIASES`, :data:`kpi_xl.schema.ACTIVITY_ALIASES`, the metric
registry): 受注済み and 成約 are won, 見送り is lost, ヒアリング is the hearing stage, TEL /
ＴＥＬ / 架電 are calls, 往訪 a visit, 来社 and 面談 meetings. A value that maps to nothing is a
problem whose hint lists the values of the dropdown in the book's language (電話 / 訪問 …),
never internal keys, or names the closest one.
"""

from __future__ import annotations

from collections.abc import Callable

from ..i18n import text
from ..metrics.actuals import canonical_metric, metric_def, metric_names
from ..schema import (
    FORECAST_ALIASES,
    FORECAST_CATEGORIES,
    activity_label,
    normalize_header,
    stage_label,
)
from ..settings import Settings
from .aliases import Aliases
from .codes import map_codes
from .collect import Collector, Table
from .hints import choices_hint
from .settings_sheet import activity_key

__all__ = ["resolve_choices"]


def _map(table: Table, column: str, fn: Callable[[str], str | None], aliases: Aliases,
         alias_column: str, message: str, shown: list[str], extra: list[str],
         col: Collector) -> None:
    if column not in table.frame:
        return
    vals = aliases.apply(table.frame[column], alias_column)

    def one(v: str) -> tuple[object, object]:
        key = fn(v)
        return key, (None if key is not None else choices_hint(v, shown, col.locale,
                                                                extra=extra))

    out, rows, hints = map_codes(vals, one)
    typed = table.frame[column]
    header = table.header(column, col.locale)
    for j, hint in zip(rows, hints, strict=True):
        col.add(table.label, int(table.rows[j]), header, typed.iloc[j], col.t(message), hint)
    table.frame[column] = out


def resolve_choices(tables: dict[str, Table], st: Settings, aliases: Aliases,
                    col: Collector) -> None:
    """Map status, stage, activity type and metric values to their keys, in place."""
    loc = col.locale
    other = "en" if loc == "ja" else "ja"
    stages = [*st.stages, "lost"]
    stage_shown = [stage_label(s, loc) for s in stages]
    stage_extra = [stage_label(s, other) for s in stages] + list(stages)
    statuses = ["open", "won", "lost"]
    status_shown = [stage_label(s, loc) for s in statuses]
    status_extra = [stage_label(s, other) for s in statuses] + statuses

    def status_key(v: str) -> str | None:
        k = st.stage_key(v)
        if k == st.won_stage:
            return "won"
        return k if k in ("lost", "open") else ("open" if k in st.stages else None)

    def stage_key(v: str) -> str | None:
        k = st.stage_key(v)
        return None if k in (None, "open") else k

    if "opportunities" in tables:
        opp = tables["opportunities"]
        _map(opp, "status", status_key, aliases, "status", "msg.unknown.status", status_shown,
             status_extra, col)
        _map(opp, "stage", stage_key, aliases, "stage", "msg.unknown.stage", stage_shown,
             stage_extra, col)
        cats = {normalize_header(a): k for k in FORECAST_CATEGORIES
                for a in (k, *FORECAST_ALIASES[k], text(f"forecast.{k}", "ja"),
                          text(f"forecast.{k}", "en"))}
        _map(opp, "forecast_category", lambda v: cats.get(normalize_header(v)), aliases,
             "forecast_category", "msg.unknown.forecast_category",
             [text(f"forecast.{k}", loc) for k in FORECAST_CATEGORIES],
             [text(f"forecast.{k}", other) for k in FORECAST_CATEGORIES], col)
        if "stage" in opp.frame:  # a lost deal's stage is where it stopped: not kept
            opp.frame["stage"], _, _ = map_codes(opp.frame["stage"],
                                                 lambda v: (None if v == "lost" else v, None))
    if "stage_history" in tables:
        _map(tables["stage_history"], "stage", stage_key, aliases, "stage", "msg.unknown.stage",
             stage_shown, stage_extra, col)
    if "activities" in tables:
        types = st.activity_types
        _map(tables["activities"], "type", lambda v: activity_key(v, types), aliases, "type",
             "msg.unknown.activity_type", [activity_label(t, loc) for t in types],
             [activity_label(t, other) for t in types], col)
    if "targets" in tables:
        names = metric_names(st)
        _map(tables["targets"], "metric", lambda v: canonical_metric(v, st), aliases, "metric",
             "msg.unknown.metric", [metric_def(n, st).label(loc) for n in names],
             [metric_def(n, st).label(other) for n in names] + names, col)
