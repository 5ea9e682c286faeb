"""KPI tree: decompose the revenue KGI into controllable drivers and back-solve the daily actions.

The tree (measured over a look-back window of history, default 12 months up to the as-of date)::

    revenue = won deals × average deal size
    won deals = opportunities × win rate             (closed definition: won ÷ (won + lost))
    opportunities = leads × lead→opportunity conversion
    activities of each type = opportunities × activities of that type per opportunity

Back-solve for a revenue target T in a period, with actual A booked so far and r business days
remaining (steady state: the lag between an activity and its close is ignored, and the open
pipeline is not credited — the plan says what new work closes the gap at historical rates)::

    won needed = max(T − A, 0) ÷ average deal size
    opportunities needed = won needed ÷ win rate
    leads needed = opportunities needed ÷ conversion
    activities needed (per type) = opportunities needed × activities per opportunity
    per business day = needed ÷ r;  per month = needed ÷ calendar months left (this one included)

Any driver that cannot be measured (no history, zero denominator) makes the quantities that
depend on it NaN, and the ``note`` says which driver is missing.

Sensitivity: revenue run rate R = leads per month × conversion × win rate × deal size. Because
the chain is a product, +10% in any one driver gives +10% revenue — the table shows that plainly
and ranks the levers by a more telling figure: the revenue change if the rep's driver rose to
the 75th percentile of the reps (benchmark), i.e. where the rep has the most room.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from ..calendar import Period
from ..dataset import Dataset
from .achievement import calendar_of
from .actuals import metric_events

__all__ = ["DRIVERS", "KpiTree", "back_solve", "driver_benchmarks", "kpi_tree", "measure_drivers"]

DRIVERS = ("leads_per_month", "conversion", "win_rate", "avg_deal_size")
DRIVER_LABELS = {
    "leads_per_month": {"en": "Leads per month", "ja": "月間リード数"},
    "conversion": {"en": "Lead → opportunity conversion", "ja": "商談化率"},
    "win_rate": {"en": "Win rate", "ja": "受注率"},
    "avg_deal_size": {"en": "Average deal size", "ja": "平均受注単価"},
}


def _div(a: float, b: float) -> float:
    return a / b if b else math.nan


def measure_drivers(ds: Dataset, *, rep: str | None = None, as_of: dt.date,
                    lookback_months: int = 12) -> dict[str, float]:
    """Driver values from history in ``(as_of − lookback_months, as_of]`` for one rep (or all).

    Returns leads, opportunities, won, lost, revenue, months, leads_per_month, conversion
    (opportunities ÷ leads), win_rate (won ÷ (won + lost)), avg_deal_size (revenue ÷ won), and
    ``<type>_per_opportunity`` for every activity type.
    """
    end = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    start = pd.Timestamp(as_of) - pd.DateOffset(months=lookback_months) + pd.Timedelta(days=1)

    def count(metric: str) -> float:
        ev = metric_events(ds, metric)
        ev = ev[(ev["date"] >= start) & (ev["date"] < end)]
        if rep is not None:
            ev = ev[ev["rep"] == rep]
        return float(ev["value"].sum())

    opp = ds.opportunities
    closed = opp[opp["close_date"].notna() & (opp["close_date"] >= start)
                 & (opp["close_date"] < end)]
    if rep is not None:
        closed = closed[closed["rep"] == rep]
    won = float((closed["status"] == "won").sum())
    lost = float((closed["status"] == "lost").sum())
    revenue = float(closed.loc[closed["status"] == "won", "amount"].fillna(0).sum())
    leads, opps = count("leads"), count("opportunities")
    first = ds.data_start()
    months = lookback_months
    if first is not None:  # shorter history than the window
        avail = (pd.Timestamp(as_of) - pd.Timestamp(first)).days / 30.4375
        months = max(min(lookback_months, avail), 1.0)
    out = {"leads": leads, "opportunities": opps, "won": won, "lost": lost, "revenue": revenue,
           "months": float(months), "leads_per_month": leads / months,
           "conversion": _div(opps, leads), "win_rate": _div(won, won + lost),
           "avg_deal_size": _div(revenue, won)}
    for kind in ds.settings.activity_types:
        a = ds.activities
        a = a[(a["type"] == kind) & (a["date"] >= start) & (a["date"] < end)]
        if rep is not None:
            a = a[a["rep"] == rep]
        out[f"{kind}_per_opportunity"] = _div(float(len(a)), opps)
    return out


def back_solve(target: float, actual: float, drivers: dict[str, float],
               business_days_remaining: int, activity_types: tuple[str, ...],
               months_remaining: float | None = None) -> pd.DataFrame:
    """What must still happen to reach ``target`` (formulas in the module docstring).

    Columns: quantity, needed, per_business_day, per_month (needed ÷ ``months_remaining``,
    the calendar months left in the period counting the current one; NaN when not given),
    note. Rows: revenue, won_deals,
    opportunities, leads, then one row per activity type.
    """
    gap = max(float(target) - float(actual), 0.0) if not math.isnan(target) else math.nan
    won = _div(gap, drivers["avg_deal_size"]) if gap else 0.0
    opps = _div(won, drivers["win_rate"]) if won else 0.0
    leads = _div(opps, drivers["conversion"]) if opps else 0.0
    rows = [("revenue", gap, ""), ("won_deals", won, "needs average deal size"),
            ("opportunities", opps, "needs win rate"), ("leads", leads, "needs conversion")]
    for kind in activity_types:
        per = drivers.get(f"{kind}_per_opportunity", math.nan)
        rows.append((kind, opps * per if opps else 0.0, f"needs {kind}s per opportunity"))
    out = []
    for q, needed, missing in rows:
        per_day = _div(needed, business_days_remaining) if needed else 0.0
        note = missing if (isinstance(needed, float) and math.isnan(needed)) else ""
        if business_days_remaining == 0 and needed:
            note = "no business days left"
        per_month = (_div(needed, months_remaining) if needed else 0.0) \
            if months_remaining else math.nan
        out.append({"quantity": q, "needed": needed, "per_business_day": per_day,
                    "per_month": per_month, "note": note})
    return pd.DataFrame(out)


@dataclass
class KpiTree:
    """Drivers, back-solved plan and lever ranking for one rep (or everyone)."""

    rep: str | None
    drivers: dict[str, float]
    plan: pd.DataFrame
    sensitivity: pd.DataFrame
    target: float
    actual: float
    business_days_remaining: int


def driver_benchmarks(ds: Dataset, as_of: dt.date, lookback_months: int = 12
                      ) -> dict[str, float]:
    """75th percentile of each driver across active reps with ≥ 5 closed deals in the window
    (pass the result to :func:`kpi_tree` when building many reps' trees)."""
    reps = ds.reps.loc[ds.reps["active"], "rep"].tolist()
    vals: dict[str, list[float]] = {d: [] for d in DRIVERS}
    for r in reps:
        d = measure_drivers(ds, rep=r, as_of=as_of, lookback_months=lookback_months)
        if d["won"] + d["lost"] < 5:  # too little history to benchmark against
            continue
        for k in DRIVERS:
            if not math.isnan(d[k]):
                vals[k].append(d[k])
    return {k: float(pd.Series(v).quantile(0.75)) if v else math.nan for k, v in vals.items()}


def kpi_tree(ds: Dataset, period: Period, *, rep: str | None = None,
             as_of: dt.date | None = None, target: float | None = None,
             lookback_months: int = 12,
             benchmarks: dict[str, float] | None = None) -> KpiTree:
    """Measure the drivers, back-solve the plan to the revenue target of ``period`` and rank
    the levers (module docstring). ``benchmarks`` (from :func:`driver_benchmarks`) saves
    recomputing them per rep. ``target`` defaults to the rep's (or everyone's) revenue
    targets summed over the period; without one the plan's needs are NaN."""
    from .achievement import target_totals
    from .actuals import actuals

    if as_of is None:
        end = ds.data_end()
        as_of = min(period.end, end) if end else period.end
    drivers = measure_drivers(ds, rep=rep, as_of=as_of, lookback_months=lookback_months)
    if target is None:
        tt = target_totals(ds, "revenue", period, by="rep" if rep else None)
        key = rep if rep else "(all)"
        target = float(tt[key]) if key in tt.index else math.nan
    upto = min(as_of, period.end)
    act = actuals(ds, "revenue", by="rep" if rep else None, start=period.start, end=upto) \
        if upto >= period.start else pd.DataFrame(columns=["group", "actual"])
    act_s = act.set_index("group")["actual"] if len(act) else pd.Series(dtype=float)
    actual = float(act_s.get(rep if rep else "(all)", 0.0))
    cal = calendar_of(ds)
    start_rem = max(as_of + dt.timedelta(days=1), period.start)
    remaining = cal.business_days(start_rem, period.end)
    left = max(as_of + dt.timedelta(days=1), period.start)
    months_left = float(len(pd.period_range(left, period.end, freq="M"))) \
        if left <= period.end else 0.0
    plan = back_solve(target, actual, drivers, remaining, ds.settings.activity_types,
                      months_left or None)

    run_rate = math.prod(drivers[d] for d in DRIVERS)
    if not rep:
        bench = {d: math.nan for d in DRIVERS}
    else:
        bench = benchmarks or driver_benchmarks(ds, as_of, lookback_months)
    rows = []
    for d in DRIVERS:
        cur = drivers[d]
        b = bench[d]
        to_bench = run_rate * (b / cur - 1) if cur and not math.isnan(b) and b > cur else 0.0
        if math.isnan(b) or math.isnan(run_rate):
            to_bench = math.nan
        rows.append({"driver": d, "current": cur, "revenue_per_month": run_rate,
                     "plus_10pct_change": run_rate * 0.1, "benchmark": b,
                     "change_at_benchmark": to_bench})
    sens = pd.DataFrame(rows)
    sens = sens.sort_values(["change_at_benchmark", "driver"], ascending=[False, True],
                            na_position="last").reset_index(drop=True)
    sens["rank"] = range(1, len(sens) + 1)
    return KpiTree(rep, drivers, plan, sens, float(target), actual, remaining)
