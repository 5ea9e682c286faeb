"""The JSON projection of :class:`~kpi_xl.figures.Figures` (``kpi-xl metrics --json``).

Strict JSON (``allow_nan=False``): undefined numbers are ``null`` — never ``NaN`` or
``Infinity`` — and every section states its window and definition as the sheets do.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from typing import Any

import numpy as np
import pandas as pd

from ..calendar import Period
from ..figures import Figures, KpiTree, Window
from ..i18n import exclusion_text, outside_text, risk_reasons

__all__ = ["figures_dict", "figures_json", "to_jsonable"]


def to_jsonable(obj: Any) -> Any:
    """DataFrames → list of records, NaN/inf/NA → None, dates → ISO strings, numpy → Python."""
    if isinstance(obj, pd.DataFrame):
        return [to_jsonable(r) for r in obj.to_dict(orient="records")]
    if isinstance(obj, pd.Series):
        return to_jsonable(obj.to_dict())
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if obj is None or obj is pd.NaT or obj is pd.NA:
        return None
    if isinstance(obj, pd.Timestamp | dt.date):
        if pd.isna(obj):
            return None
        if isinstance(obj, pd.Timestamp) and obj != obj.normalize():
            return obj.isoformat()
        return obj.isoformat()[:10]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return float(obj) if math.isfinite(obj) else None
    if isinstance(obj, Period):
        return {"label": obj.label, "start": obj.start.isoformat(), "end": obj.end.isoformat(),
                "kind": obj.kind}
    if isinstance(obj, Window):
        return {"start": obj.start.isoformat(), "end": obj.end.isoformat(),
                "all_time": obj.all_time}
    if hasattr(obj, "as_dict"):
        return to_jsonable(obj.as_dict())
    return obj


def _tree(tree: KpiTree) -> dict[str, Any]:
    return {"window": {"start": tree.window[0], "end": tree.window[1]},
            "drivers": tree.drivers, "reconciliation": tree.reconciliation,
            "target": tree.target, "actual": tree.actual,
            "business_days_remaining": tree.business_days_remaining,
            "months_remaining": tree.months_remaining, "plan": tree.plan,
            "levers": tree.levers, "benchmark_reps": tree.benchmark_reps,
            "levers_ranked_by": "revenue per month gained at the top-quartile level of the reps "
                                "with at least 5 decided opportunities"}


def figures_dict(fig: Figures, locale: str = "en") -> dict[str, Any]:
    """Every figure as plain JSON-ready data (texts worded in ``locale``)."""
    risk = fig.at_risk.copy()
    risk["reasons"] = [risk_reasons(r, locale) for r in risk.itertuples()]
    by = fig.by
    return to_jsonable({
        "source": fig.source, "period": fig.period, "as_of": fig.as_of, "by": by,
        "started": fig.started, "currency": fig.currency,
        "revenue_basis": {"used": fig.revenue_basis, "setting": fig.settings.revenue_basis,
                          "reason": fig.revenue_basis_reason},
        "definitions": fig.definitions(locale),
        "scorecard": fig.scorecard_by, "overall": fig.scorecard,
        "scorecard_rep": fig.scorecard_rep, "scorecard_team": fig.scorecard_team,
        "trend": {"window": fig.trend_window, "months": fig.trend, "by_rep": fig.rep_trend},
        "funnel": {"window": fig.funnel_window, "stages": fig.funnel,
                   "by_rep": fig.funnel_rep, "by_group": fig.funnel_by},
        "deals": {**fig.deals, "win_rate": fig.deals["win_rates"][
            fig.settings.win_rate_definition], "by_group": fig.deals_by},
        "customers": ({**fig.customers, "by_group": fig.customers_by}
                      if fig.customers is not None else None),
        "churn_trend": fig.churn_trend,
        "cohorts": {"customers": fig.cohort_customers.reset_index(),
                    "revenue": fig.cohort_revenue.reset_index()},
        "at_risk": risk,
        "kpi_tree": ({**_tree(fig.tree), "by_rep": {r: _tree(t) for r, t in
                                                    fig.rep_trees.items()}}
                     if fig.tree is not None else None),
        "activity_mix": {"window": fig.activity_window, "counts": fig.activity_mix},
        "comparisons": {"cut": fig.cut, "overall": fig.comparisons,
                        "by_rep": fig.comparisons_rep,
                        "windows": "this month to the cut-off day against the same days a "
                                   "year and a month earlier; trailing 12 months"},
        "landing": {"overall": fig.landing, "by_rep": fig.landing_rep,
                    "stage_probabilities": fig.stage_probabilities,
                    "forecast_categories": fig.forecast_categories},
        "stalled_deals": {"stall_factor": fig.settings.stall_factor, "deals": fig.stalled},
        "activity_ranking": {"window": fig.ranking_window, "ranking": fig.activity_ranking,
                             "per_won_deal": {"window": fig.trend_window,
                                              "reps": fig.activity_per_won},
                             "trend": fig.activity_trend},
        "at_risk_summary": {**fig.at_risk_summary, "by_rep": fig.at_risk_summary_rep},
        "cohort_before_data": fig.cohort_before_data,
        "amount_unit": {"unit": fig.amount_unit, "divisor": fig.amount_divisor,
                        "setting": fig.settings.amount_unit},
        "data_rows": fig.data_rows, "data_start": fig.data_start,
        "external": {"months": fig.external, "events": fig.external_events},
        "exclusions": [{"table": e.table, "count": e.count, "reason": e.reason,
                        "text": exclusion_text(e, locale), "rows": list(e.rows)}
                       for e in fig.exclusions],
        "outside_rows": [{**dataclasses.asdict(o), "text": outside_text(o, locale)}
                         for o in fig.outside_rows],
        "warnings": fig.warnings,
    })


def figures_json(fig: Figures, locale: str = "en", *, indent: int | None = 2) -> str:
    """:func:`figures_dict` as strict JSON text (``allow_nan=False``)."""
    return json.dumps(figures_dict(fig, locale), ensure_ascii=False, indent=indent,
                      allow_nan=False)
