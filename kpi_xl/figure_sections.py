"""The sections of :class:`kpi_xl.figures.Figures` that are put together from several metrics:
the revenue trend (with last year's month, the moving annual total and the pace of the running
month), the rep trends, deals, customers, cohorts, the activity mix and external factors.

Each function is pure (a Dataset in, a DataFrame or dict out) and states its window; the
figures module calls each once.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from .calendar import Period
from .dataset import Dataset
from .metric_registry import metric_names
from .metrics import (
    actual_to_date,
    average_deal_size,
    cohort_retention,
    customer_movements,
    kpi_tree,
    logo_churn,
    monthly_actuals,
    monthly_targets,
    pipeline_velocity,
    revenue_retention,
    sales_cycle,
    target_totals,
    win_rates,
)
from .metrics.common import CUSTOMER_DIMENSIONS
from .metrics.compare import coverage_start, covers
from .metrics.targets import calendar_of
from .metrics.tree import KpiTree

__all__ = ["REP_TREND_METRICS", "activity_mix", "cohorts", "customers_section", "deals_section",
           "external_section", "month_pace", "rep_trees", "rep_trend", "revenue_trend"]

REP_TREND_METRICS = ("revenue", "won_deals", "leads", "visits", "calls")


def month_pace(ds: Dataset, month: Period, as_of: dt.date) -> float:
    """Share of ``month``'s business days elapsed on ``as_of`` (1 for a month that is over,
    0 before it starts): the phasing of the running month's target."""
    if as_of >= month.end:
        return 1.0
    if as_of < month.start:
        return 0.0
    cal = calendar_of(ds)
    total = cal.business_days(month.start, month.end)
    return cal.business_days(month.start, as_of) / total if total else 1.0


def rep_trees(ds: Dataset, period: Period, as_of: dt.date, reps: list[str],
              bench: dict[str, float]) -> dict[str, KpiTree]:
    """Every rep's KPI tree, with the revenue target and actual the rep scorecard shows."""
    targets = target_totals(ds, "revenue", period, by="rep")
    actual = actual_to_date(ds, "revenue", period, as_of, "rep")
    return {r: kpi_tree(ds, period, rep=r, as_of=as_of, benchmarks=bench,
                        target=float(targets.get(r, math.nan)),
                        actual=float(actual.get(r, 0.0))) for r in reps}


def revenue_trend(ds: Dataset, months: list[Period], start: dt.date, end: dt.date,
                  basis: str, as_of: dt.date) -> pd.DataFrame:
    """Revenue per month against everyone's monthly target, with:

    - ``pace`` = achievement of a month that is over; for the running month, actual ÷ (target
      × business days elapsed ÷ business days of the month) — the colour of the row;
    - ``last_year`` = the same month a year earlier (NaN before the revenue data begins) and
      ``t12m`` = the moving annual total, the 12 months ending with the month (NaN when they
      reach back before the data);
    - ``other_basis`` = the other revenue basis's amount, ``note`` = ``basis_empty`` for a month
      where the chosen basis has no revenue while the other has some.
    """
    trend_period = Period(start, months[-1].end, "trend", "range")
    back = (pd.Timestamp(start) - pd.DateOffset(months=23)).date()
    actual = monthly_actuals(ds, "revenue", back, end)
    target = monthly_targets(ds, "revenue", trend_period, by=None)
    other = "orders" if basis == "won_deals" else "won_deals"
    other_actual = monthly_actuals(ds, "revenue", start, end, basis=other)
    covered = coverage_start(ds, "revenue")

    def amount(ts: pd.Timestamp) -> float:
        if not covers(ds, covered, ts.date()):
            return math.nan
        return float(actual.get(("(all)", ts), 0.0))

    rows = []
    for m in months:
        ts = pd.Timestamp(m.start)
        a = float(actual.get(("(all)", ts), 0.0))
        t = target.get(("(all)", ts))
        o = float(other_actual.get(("(all)", ts), 0.0))
        share = month_pace(ds, m, as_of)
        expected = None if t is None else float(t) * share
        year = [amount(ts - pd.DateOffset(months=k)) for k in range(12)]
        rows.append({"month": m.label, "target": math.nan if t is None else float(t),
                     "actual": a, "achievement": a / t if t else math.nan,
                     "pace": a / expected if expected else math.nan,
                     "last_year": amount(ts - pd.DateOffset(months=12)),
                     "t12m": math.nan if any(math.isnan(x) for x in year) else sum(year),
                     "other_basis": o, "note": "basis_empty" if a == 0 and o > 0 else ""})
    return pd.DataFrame(rows)


def rep_trend(ds: Dataset, months: list[Period], start: dt.date, end: dt.date,
              as_of: dt.date) -> pd.DataFrame:
    """Per active rep and month: revenue target, the metrics of :data:`REP_TREND_METRICS`,
    achievement and pace (as :func:`revenue_trend`)."""
    trend_period = Period(start, months[-1].end, "trend", "range")
    known = set(metric_names(ds.settings))
    reps = list(ds.reps.loc[ds.reps["active"], "rep"].dropna())
    stamps = [pd.Timestamp(m.start) for m in months]
    grid = pd.MultiIndex.from_product([reps, stamps], names=["group", "period"])
    out = pd.DataFrame({"rep": grid.get_level_values(0),
                        "month": [m.label for m in months] * len(reps)})
    targets = monthly_targets(ds, "revenue", trend_period, by="rep")
    out["target"] = targets.reindex(grid).to_numpy(dtype=float)
    for m in REP_TREND_METRICS:
        if m in known:
            s = monthly_actuals(ds, m, start, end, by="rep")
            out[m] = s.reindex(grid, fill_value=0.0).to_numpy(dtype=float)
    shares = [month_pace(ds, m, as_of) for m in months] * len(reps)
    target = out["target"].where(out["target"] != 0)
    out["achievement"] = out["revenue"] / target
    out["pace"] = out["revenue"] / (target * pd.Series(shares, index=out.index)).where(
        lambda x: x > 0)
    return out


def deals_section(ds: Dataset, start: dt.date | None, end: dt.date | None, as_of: dt.date,
                  by: str | None) -> Any:
    """Win rates (both definitions over the same deals), average deal size, sales cycle and
    pipeline velocity: a dict for everyone, a DataFrame per group with ``by``."""
    closed = win_rates(ds, by=by, start=start, end=end, definition="closed")
    every = win_rates(ds, by=by, start=start, end=end, definition="all")
    size = average_deal_size(ds, by=by, start=start, end=end)
    cycle = sales_cycle(ds, by=by, start=start, end=end)
    vel = pipeline_velocity(ds, by=by, as_of=as_of)
    if by is None:
        return {"win_rates": {"closed": closed.iloc[0].to_dict(), "all": every.iloc[0].to_dict()},
                "average_deal_size": size.iloc[0].to_dict(),
                "sales_cycle": cycle.iloc[0].to_dict(),
                "pipeline_velocity": vel.iloc[0].to_dict()}
    g = by
    out = pd.DataFrame({g: closed[g]})
    out["win_rate_closed"] = closed["value"].to_numpy()
    out["win_rate_all"] = every["value"].to_numpy()
    out["won"] = closed["numerator"].to_numpy()
    out["decided"] = closed["denominator"].to_numpy()
    out["decided_or_open"] = every["denominator"].to_numpy()
    out["average_deal_size"] = size["average_deal_size"].to_numpy()
    out["sales_cycle_days"] = cycle["mean_days"].to_numpy()
    out["open_opportunities"] = vel["open_opportunities"].to_numpy()
    out["velocity_per_day"] = vel["velocity_per_day"].to_numpy()
    return out.rename(columns={g: "group"})


def customers_section(ds: Dataset, period: Period, as_of: dt.date, by: str
                      ) -> tuple[dict[str, Any], pd.DataFrame | None]:
    """Customer movements, logo churn and revenue retention of the period (everyone, and per
    ``by`` group when customers can be split that way)."""
    end = min(as_of, period.end)
    overall = {"movements": customer_movements(ds, period.start, end, as_of=as_of),
               "logo_churn": logo_churn(ds, period.start, end, as_of=as_of).as_dict(),
               "revenue_retention": revenue_retention(ds, period.start, end)}
    if by not in CUSTOMER_DIMENSIONS:
        return overall, None
    mv = customer_movements(ds, period.start, end, by=by, as_of=as_of).set_index(by)
    lc = logo_churn(ds, period.start, end, by=by, as_of=as_of).set_index(by)
    rr = revenue_retention(ds, period.start, end, by=by).set_index(by)
    out = mv.drop(columns=["start", "end"]).join(lc["value"].rename("logo_churn"), how="outer")
    out = out.join(rr[["grr", "nrr"]], how="outer")
    return overall, out.rename_axis("group").reset_index()


def cohorts(ds: Dataset, metric: str, as_of: dt.date, trend_start: dt.date) -> pd.DataFrame:
    """The cohort matrix of ``metric`` for the cohorts of the trend window and the year
    before it, 12 months out."""
    m = cohort_retention(ds, metric=metric, max_months=12, as_of=as_of)
    return m[m.index >= pd.Timestamp(trend_start) - pd.DateOffset(months=12)]


def activity_mix(ds: Dataset, as_of: dt.date) -> pd.DataFrame:
    """Activities per rep and type in the 3 months up to ``as_of``."""
    start = pd.Timestamp(as_of) - pd.DateOffset(months=3) + pd.Timedelta(days=1)
    a = ds.activities
    a = a[(a["date"] >= start) & (a["date"] <= pd.Timestamp(as_of))]
    counts = a.groupby([a["rep"].astype(object), a["type"].astype(object)]).size()
    return counts.rename("count").rename_axis(["rep", "type"]).reset_index()


def external_section(ds: Dataset, months: list[Period], start: dt.date, end: dt.date
                     ) -> pd.DataFrame:
    """Revenue per month beside the monthly mean of every external factor."""
    ext = ds.external
    revenue = monthly_actuals(ds, "revenue", start, end)
    valued = ext[ext["value"].notna()].copy()
    valued["month"] = valued["date"].dt.to_period("M").dt.to_timestamp()
    pivot = valued.pivot_table(index="month", columns="factor", values="value", aggfunc="mean")
    rows = []
    for m in months:
        ts = pd.Timestamp(m.start)
        row = {"month": m.label, "revenue": float(revenue.get(("(all)", ts), 0.0))}
        for f in pivot.columns:
            row[str(f)] = float(pivot.at[ts, f]) if ts in pivot.index else math.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=["month", "revenue", *(str(f) for f in pivot.columns)])
