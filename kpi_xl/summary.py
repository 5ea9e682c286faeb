"""The KPI summary of one period: every headline figure with the definition it used.

Pure: takes a :class:`~kpi_xl.dataset.Dataset`, returns plain data (DataFrames and dicts) that
the CLI prints or dumps as JSON and the report layout turns into sheets.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .calendar import Period, period_containing
from .dataset import Dataset, Exclusion
from .errors import ConfigError
from .i18n import exclusion_text
from .metrics.achievement import scorecard
from .metrics.actuals import actuals
from .metrics.churn import logo_churn, revenue_retention
from .metrics.customers import customer_movements
from .metrics.funnel import average_deal_size, funnel, pipeline_velocity, sales_cycle, win_rates
from .metrics.risk import at_risk_customers
from .metrics.tree import kpi_tree

__all__ = ["DIMENSIONS", "KpiSummary", "breakdown", "kpi_summary", "to_jsonable"]

DIMENSIONS = ("rep", "team", "segment", "product", "channel")


@dataclass
class KpiSummary:
    """Headline figures of one period (see :func:`kpi_summary`)."""

    source: str
    period: Period
    as_of: dt.date
    by: str
    definitions: dict[str, str]
    scorecard: pd.DataFrame  # per group (rep/team) or breakdown (segment/product/channel)
    overall: pd.DataFrame  # scorecard of everyone
    funnel: pd.DataFrame
    deals: dict[str, Any]
    customers: dict[str, Any]
    at_risk: pd.DataFrame
    plan: pd.DataFrame
    levers: pd.DataFrame
    exclusions: list[Exclusion] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable({
            "source": self.source,
            "period": {"label": self.period.label, "start": self.period.start,
                       "end": self.period.end, "kind": self.period.kind},
            "as_of": self.as_of, "by": self.by, "definitions": self.definitions,
            "scorecard": self.scorecard, "overall": self.overall, "funnel": self.funnel,
            "deals": self.deals, "customers": self.customers, "at_risk": self.at_risk,
            "kpi_tree": {"plan": self.plan, "levers": self.levers},
            "exclusions": [{"table": e.table, "count": e.count, "reason": e.reason,
                            "text": exclusion_text(e, "en"), "rows": list(e.rows)}
                           for e in self.exclusions],
            "warnings": self.warnings,
        })


def to_jsonable(obj: Any) -> Any:
    """DataFrames → list of records, NaN → None, dates → ISO strings, numpy → Python."""
    if isinstance(obj, pd.DataFrame):
        return [to_jsonable(r) for r in obj.to_dict(orient="records")]
    if isinstance(obj, pd.Series):
        return to_jsonable(obj.to_dict())
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, (pd.Timestamp, dt.date)):
        return None if pd.isna(obj) else obj.isoformat()[:10] if (
            not isinstance(obj, pd.Timestamp) or obj == obj.normalize()) else obj.isoformat()
    if obj is pd.NaT or obj is pd.NA or obj is None:
        return None
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return None if math.isnan(obj) else float(obj)
    if hasattr(obj, "as_dict"):
        return to_jsonable(obj.as_dict())
    return obj


def breakdown(ds: Dataset, by: str, period: Period, as_of: dt.date) -> pd.DataFrame:
    """Actuals per segment/product/channel (no targets exist per these): revenue, won deals,
    leads, win rate (settings definition), average deal size, lead → opportunity conversion."""
    upto = min(as_of, period.end)
    frames = []
    for m in ("revenue", "won_deals", "leads", "opportunities"):
        a = actuals(ds, m, by=by, start=period.start, end=upto).set_index("group")["actual"]
        frames.append(a.rename(m))
    out = pd.concat(frames, axis=1).fillna(0.0) if frames else pd.DataFrame()
    wr = win_rates(ds, by=by, start=period.start, end=upto).set_index(by)["value"]
    out["win_rate"] = wr.reindex(out.index)
    out["average_deal_size"] = (out["revenue"] / out["won_deals"]).where(out["won_deals"] > 0)
    out["lead_to_opportunity"] = (out["opportunities"] / out["leads"]).where(out["leads"] > 0)
    out.index.name = "group"
    return out.reset_index().sort_values("revenue", ascending=False, ignore_index=True)


def kpi_summary(ds: Dataset, *, period: Period | None = None, by: str = "rep",
                as_of: dt.date | None = None) -> KpiSummary:
    """Compute the headline KPIs of ``period`` as of ``as_of``.

    Defaults: ``as_of`` = the last date in the data (today if there is none); ``period`` =
    the month containing ``as_of``. ``by`` = rep | team (scorecards against targets) or
    segment | product | channel (actuals breakdown; targets are per rep/team only).
    """
    if by not in DIMENSIONS:
        raise ConfigError(f"--by must be one of {', '.join(DIMENSIONS)}, not {by!r}")
    st = ds.settings
    if as_of is None:
        as_of = ds.data_end() or dt.date.today()
    if period is None:
        period = period_containing(as_of, "month", st.fiscal_year_start)
    upto = min(as_of, period.end)
    if by in ("rep", "team"):
        card = scorecard(ds, period, by=by, as_of=as_of)
    else:
        card = breakdown(ds, by, period, as_of)
    overall = scorecard(ds, period, by=None, as_of=as_of)
    fun = funnel(ds, start=period.start, end=upto)
    wr = win_rates(ds, start=period.start, end=upto).iloc[0].to_dict()
    other = "all" if st.win_rate_definition == "closed" else "closed"
    wr_other = win_rates(ds, start=period.start, end=upto, definition=other
                                ).iloc[0].to_dict()
    deals = {
        "win_rate": wr,
        f"win_rate_{other}": wr_other,
        "average_deal_size": average_deal_size(ds, start=period.start, end=upto
                                                      ).iloc[0].to_dict(),
        "sales_cycle": sales_cycle(ds, start=period.start, end=upto).iloc[0].to_dict(),
        "pipeline_velocity": pipeline_velocity(ds, as_of=upto).iloc[0].to_dict(),
    }
    movements = customer_movements(ds, period.start, upto, as_of=as_of)
    cust = {
        "movements": movements,
        "logo_churn": logo_churn(ds, period.start, upto, as_of=as_of),
        "revenue_retention": revenue_retention(ds, period.start, upto),
    }
    at_risk = at_risk_customers(ds, as_of=as_of)
    kt = kpi_tree(ds, period, as_of=as_of)
    return KpiSummary(
        source=ds.source, period=period, as_of=as_of, by=by, definitions=st.definitions(),
        scorecard=card, overall=overall, funnel=fun, deals=deals, customers=cust,
        at_risk=at_risk, plan=kt.plan, levers=kt.sensitivity, exclusions=ds.exclusions,
        warnings=[w.format() for w in ds.warnings],
    )
