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

__all__ = ["DRIVERS", "KpiTree", "back_solve", "driver_benchmarks", "kpi_tree", "measure_drivers",
           "measure_drivers_table"]

DRIVERS = ("leads_per_month", "conversion", "win_rate", "avg_deal_size")
DRIVER_LABELS = {
    "leads_per_month": {"en": "Leads per month", "ja": "月間リード数"},
    "conversion": {"en": "Lead → opportunity conversion", "ja": "商談化率"},
    "win_rate": {"en": "Win rate", "ja": "受注率"},
    "avg_deal_size": {"en": "Average deal size", "ja": "平均受注単価"},
}


def _div(a: float, b: float) -> float:
    return a / b if b else math.nan


ALL = "(all)"


def measure_drivers_table(ds: Dataset, *, as_of: dt.date, lookback_months: int = 12
                          ) -> pd.DataFrame:
    """Driver values of every rep (one row per rep, plus the row ``'(all)'`` for everyone) from
    history in ``(as_of − lookback_months, as_of]``, in one pass over the data.

    Columns: leads, opportunities, won, lost, revenue, months, leads_per_month, conversion
    (opportunities ÷ leads), win_rate (won ÷ (won + lost)), avg_deal_size (revenue ÷ won), and
    ``<type>_per_opportunity`` for every activity type. Undefined ratios are NaN. ``months`` is
    the window, shortened when the data starts later (at least 1).
    """
    end = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    start = pd.Timestamp(as_of) - pd.DateOffset(months=lookback_months) + pd.Timedelta(days=1)

    def in_window(dates: pd.Series) -> pd.Series:
        return (dates >= start) & (dates < end)

    def per_rep(frame: pd.DataFrame, value: pd.Series | None = None) -> pd.Series:
        v = value if value is not None else pd.Series(1.0, index=frame.index)
        return v.groupby(frame["rep"].astype(object)).sum()

    cols: dict[str, pd.Series] = {}
    for metric in ("leads", "opportunities"):
        ev = metric_events(ds, metric)
        cols[metric] = per_rep(ev[in_window(ev["date"])])
    opp = ds.opportunities
    closed = opp[opp["close_date"].notna() & in_window(opp["close_date"])]
    won = closed[closed["status"] == "won"]
    cols["won"] = per_rep(won)
    cols["lost"] = per_rep(closed[closed["status"] == "lost"])
    cols["revenue"] = per_rep(won, won["amount"].fillna(0.0))
    act = ds.activities[in_window(ds.activities["date"])]
    for kind in ds.settings.activity_types:
        cols[f"_{kind}"] = per_rep(act[act["type"] == kind])
    reps = sorted(set(ds.reps["rep"].dropna()).union(*(set(s.index) for s in cols.values())),
                  key=str)
    table = pd.DataFrame({k: v.reindex(reps) for k, v in cols.items()}, index=reps).fillna(0.0)
    table.loc[ALL] = table.sum()
    first = ds.data_start()
    months = float(lookback_months)
    if first is not None:  # shorter history than the window
        avail = (pd.Timestamp(as_of) - pd.Timestamp(first)).days / 30.4375
        months = max(min(lookback_months, avail), 1.0)
    table["months"] = months
    table["leads_per_month"] = table["leads"] / months

    def ratio(a: pd.Series, b: pd.Series) -> pd.Series:
        return (a / b).where(b > 0)

    table["conversion"] = ratio(table["opportunities"], table["leads"])
    table["win_rate"] = ratio(table["won"], table["won"] + table["lost"])
    table["avg_deal_size"] = ratio(table["revenue"], table["won"])
    for kind in ds.settings.activity_types:
        table[f"{kind}_per_opportunity"] = ratio(table.pop(f"_{kind}"), table["opportunities"])
    table.index.name = "rep"
    return table


def measure_drivers(ds: Dataset, *, rep: str | None = None, as_of: dt.date,
                    lookback_months: int = 12) -> dict[str, float]:
    """Driver values of one rep (or everyone when ``rep`` is None); see
    :func:`measure_drivers_table` for the formulas. A rep without history gets zeros and NaN
    ratios."""
    table = measure_drivers_table(ds, as_of=as_of, lookback_months=lookback_months)
    return _row(table, rep)


def _row(table: pd.DataFrame, rep: str | None) -> dict[str, float]:
    key = ALL if rep is None else rep
    if key not in table.index:
        row = {c: (0.0 if c in ("leads", "opportunities", "won", "lost", "revenue",
                                "leads_per_month") else math.nan) for c in table.columns}
        row["months"] = float(table["months"].iloc[0]) if len(table) else math.nan
        return row
    return {c: float(v) for c, v in table.loc[key].items()}


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


def driver_benchmarks(ds: Dataset, as_of: dt.date, lookback_months: int = 12, *,
                      table: pd.DataFrame | None = None) -> dict[str, float]:
    """75th percentile of each driver across active reps with ≥ 5 closed deals in the window
    (pass the result to :func:`kpi_tree` when building many reps' trees; ``table`` from
    :func:`measure_drivers_table` saves measuring again)."""
    if table is None:
        table = measure_drivers_table(ds, as_of=as_of, lookback_months=lookback_months)
    reps = [r for r in ds.reps.loc[ds.reps["active"], "rep"] if r in table.index]
    t = table.loc[reps]
    t = t[t["won"] + t["lost"] >= 5]  # too little history to benchmark against otherwise
    return {k: float(t[k].dropna().quantile(0.75)) if t[k].notna().any() else math.nan
            for k in DRIVERS}


def kpi_tree(ds: Dataset, period: Period, *, rep: str | None = None,
             as_of: dt.date | None = None, target: float | None = None,
             lookback_months: int = 12,
             benchmarks: dict[str, float] | None = None,
             drivers: pd.DataFrame | None = None, actual: float | None = None) -> KpiTree:
    """Measure the drivers, back-solve the plan to the revenue target of ``period`` and rank
    the levers (module docstring). ``benchmarks`` (from :func:`driver_benchmarks`) and
    ``drivers`` (from :func:`measure_drivers_table`, same as-of and window) save recomputing
    them per rep; so does ``actual`` (the revenue booked in the period up to ``as_of``).
    ``target`` defaults to the rep's (or everyone's) revenue
    targets summed over the period; without one the plan's needs are NaN."""
    from .achievement import target_totals
    from .actuals import actuals

    if as_of is None:
        end = ds.data_end()
        as_of = min(period.end, end) if end else period.end
    table = drivers if drivers is not None else measure_drivers_table(
        ds, as_of=as_of, lookback_months=lookback_months)
    drivers_row = _row(table, rep)
    if target is None:
        tt = target_totals(ds, "revenue", period, by="rep" if rep else None)
        key = rep if rep else "(all)"
        target = float(tt[key]) if key in tt.index else math.nan
    if actual is None:
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
    plan = back_solve(target, actual, drivers_row, remaining, ds.settings.activity_types,
                      months_left or None)

    run_rate = math.prod(drivers_row[d] for d in DRIVERS)
    if not rep:
        bench = {d: math.nan for d in DRIVERS}
    else:
        bench = benchmarks or driver_benchmarks(ds, as_of, lookback_months, table=table)
    rows = []
    for d in DRIVERS:
        cur = drivers_row[d]
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
    return KpiTree(rep, drivers_row, plan, sens, float(target), actual, remaining)
