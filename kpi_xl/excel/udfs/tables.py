"""The stage funnel of an opportunities table and the KPI-tree back-solve: formulas that spill
a table (header row first; words in the tables' language, numbers left blank where undefined
and a note column saying why).

Engines: :func:`kpi_xl.metrics.funnel.funnel` after :func:`kpi_xl.validate.validate`, and
:func:`kpi_xl.metrics.tree.back_solve`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ...metric_registry import metric_def
from ...metrics import back_solve, funnel
from ...schema import stage_label
from ...settings import CONVERSION_BASES
from ...validate import validate
from .deals import rate
from .frames import column_label, given, table_frame, table_locale
from .inputs import blank, number, one, option, whole_number
from .notes import note_text
from .outcome import DIV0, NUM, fail, typed
from .ranges import SETTINGS, locale_of, period
from .runtime import formula, run

__all__ = ["KPI_FUNNEL", "KPI_REQUIRED", "cell"]


def cell(v: Any) -> Any:
    """A value for a result table: NaN/NaT/None → ``""``, numpy scalars → Python values."""
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return ""
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    return v


@formula(ranges={"opportunities_table": "the opportunities table with its header row",
                 "stage_history_table": "the stage history table with its header row "
                                        "(optional)"}, spill=True)
def KPI_FUNNEL(opportunities_table, basis="cohort", period_start=None, period_end=None,
               stage_history_table=None):
    """The stage funnel of an opportunities table (header row: 商談ID/担当者/作成日/状態 …).

    Returns stage | reached | conversion from previous | conversion from first (header first;
    Japanese words when the table's headers are Japanese). basis "cohort" (default,
    コホート): of the opportunities entering the first stage in the period, how many reached
    each stage; "period" (期間): entries into each stage dated in the period. No period →
    everything. Reaching a stage implies the earlier ones; stage dates come from the table's
    stage-date columns and, when given, the stage history table (ステージ履歴).
    Engine: kpi_xl.metrics.funnel.funnel; the tables are checked by kpi_xl.validate
    (required: Opportunity ID, Rep, Created, Status).
    Errors: a problem in the table → #VALUE! (KPI_WHY names the row and column).
    Example: =KPI_FUNNEL(Opps[#All], "cohort", "FY2026Q1")
    """
    return run(_funnel, opportunities_table, basis, period_start, period_end,
               stage_history_table)


def _funnel(table: Any, basis: Any, period_start: Any, period_end: Any,
            history: Any) -> list[list]:
    b = option(basis, "basis", list(CONVERSION_BASES), "cohort")
    s, e = period(period_start, period_end, open_ok=True)
    frames = {"opportunities": table_frame(table, "opportunities_table")}
    if given(history):
        frames["stage_history"] = table_frame(history, "stage_history_table")
    loc = table_locale(table, history)
    ds = validate(frames, SETTINGS)
    fn = funnel(ds, start=s, end=e, basis=b)
    out: list[list] = [[column_label(k, loc) for k in ("stage", "reached",
                                                         "conversion_previous",
                                                         "conversion_first")]]
    for stage, reached, prev, first in fn[["stage", "reached", "conversion_from_previous",
                                           "conversion_from_first"]].itertuples(index=False):
        out.append([stage_label(stage, loc), int(reached), cell(prev), cell(first)])
    return out


_QUANTITY = {"revenue": "revenue", "won_deals": "won_deals", "opportunities": "opportunities",
             "leads": "leads"}


@formula(spill=True)
def KPI_REQUIRED(target, actual, avg_deal_size, win_rate, conversion=None,
                 business_days_left=None):
    """What must still happen to reach the target (KPI-tree back-solve), as a table.

    won deals = max(target − actual, 0) ÷ avg_deal_size; opportunities = won ÷ win_rate;
    leads = opportunities ÷ conversion (row only when conversion is given); per business day
    = needed ÷ business_days_left (blank column when not given).
    Returns rows quantity | needed | per business day | note (header first).
    Engine: kpi_xl.metrics.tree.back_solve.
    Edge cases: target met → 0; a blank driver → blank cells with "needs …" in the note;
    0 business days left → "no business days left". Errors: a driver of 0 → #DIV/0!; a rate
    outside 0…1 or a negative driver → #NUM!.
    Example: =KPI_REQUIRED(D2, C2, B10, B11, B12, KPI_BUSINESS_DAYS(TODAY()+1, EOMONTH(TODAY(),0)))
    """
    return run(_required, target, actual, avg_deal_size, win_rate, conversion,
               business_days_left)


def _driver(x: Any, name: str, *, is_rate: bool) -> float:
    v = rate(x, name) if is_rate else number(x, name)
    if v == 0:
        fail(DIV0, "driver_zero", argument=name)
    if v < 0:
        fail(NUM, "driver_range", argument=name, value=typed(one(x, name)))
    return v


def _required(target: Any, actual: Any, avg_deal_size: Any, win_rate_: Any, conversion: Any,
              business_days_left: Any) -> list[list]:
    t = number(target, "target")
    a = number(actual, "actual", blank_as=0.0)
    conv_given = not blank(one(conversion, "conversion"))
    drivers = {"avg_deal_size": _driver(avg_deal_size, "avg_deal_size", is_rate=False),
               "win_rate": _driver(win_rate_, "win_rate", is_rate=True),
               "conversion": (_driver(conversion, "conversion", is_rate=True) if conv_given
                              else math.nan)}
    days_given = not blank(one(business_days_left, "business_days_left"))
    days = whole_number(business_days_left, "business_days_left", 0) if days_given else 1
    plan = back_solve(t, a, drivers, days, ())
    if not conv_given:
        plan = plan[plan["quantity"] != "leads"]
    loc = locale_of((target, actual, avg_deal_size, win_rate_, conversion,
                     business_days_left))
    out: list[list] = [[column_label(k, loc) for k in ("quantity", "needed", "per_day",
                                                         "note")]]
    for q, needed, per_day, note in plan[["quantity", "needed", "per_business_day",
                                          "note"]].itertuples(index=False):
        words = note_text(["no target" if math.isnan(t) else note], loc)
        out.append([metric_def(_QUANTITY[q], SETTINGS).label(loc), cell(needed),
                    cell(per_day) if days_given else "", words])
    return out
