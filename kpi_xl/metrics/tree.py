"""KPI tree: decompose the revenue KGI into controllable drivers and back-solve the daily actions.

The chain, measured over a look-back window of history (default the 12 months up to the as-of
date, shorter when the data starts later)::

    leads                       opportunity rows created in the window
      × conversion              opportunities ÷ leads  (opportunity = a lead reaching
                                settings.opportunity_stage, counted when it got there)
      × win rate                won ÷ (won + lost) among *opportunities* decided in the window
                                (leads lost before the opportunity stage are not in it)
      × average deal size       revenue ÷ won  (won deal amounts)
      = revenue

Identity on history: leads × conversion × win rate × deal size = revenue × (opportunities
entered ÷ opportunities decided in the window). The drivers therefore reproduce the window's
actual revenue exactly when the pipeline is steady (as many opportunities decided as entered)
and within the net pipeline change otherwise; :data:`TOLERANCE` (±15 %) is the agreement the
tree is expected to reach on a steady book, and every tree reports its reconciliation.

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

Levers: for each driver, the revenue per month gained if it rose to the top-quartile level
(75th percentile) of the reps with at least :data:`MIN_DECIDED` decided opportunities, the
other drivers unchanged; drivers already at or above it gain 0. Levers are ranked by that gain
(the team's lever: the sum of every rep's gain).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..calendar import Period
from ..dataset import Dataset
from .actuals import actual_to_date, metric_events
from .common import ALL, as_day, check_dataset, check_period
from .stages import stage_matrix
from .targets import calendar_of, target_totals

__all__ = ["DRIVERS", "MIN_DECIDED", "TOLERANCE", "KpiTree", "back_solve", "driver_benchmarks",
           "kpi_tree", "lever_table", "measure_drivers", "measure_drivers_table"]

DRIVERS = ("leads_per_month", "conversion", "win_rate", "avg_deal_size")
TOLERANCE = 0.15
MIN_DECIDED = 5
_COUNTS = ("leads", "opportunities", "won", "lost", "lost_before_opportunity", "revenue")


def _div(a: float, b: float) -> float:
    return a / b if b else math.nan


def _window(as_of: dt.date, lookback_months: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    end = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    start = pd.Timestamp(as_of) - pd.DateOffset(months=lookback_months) + pd.Timedelta(days=1)
    return start, end


def measure_drivers_table(ds: Dataset, *, as_of: dt.date, lookback_months: int = 12
                          ) -> pd.DataFrame:
    """Driver values of every rep (one row per rep, plus :data:`ALL` for everyone) from history
    in ``(as_of − lookback_months, as_of]``, in one pass over the data (computed once per
    dataset, as-of date and window).

    Columns: leads, opportunities, won, lost (opportunities lost), lost_before_opportunity,
    revenue, months, leads_per_month, conversion (opportunities ÷ leads), win_rate (won ÷
    (won + lost opportunities)), avg_deal_size (revenue ÷ won), run_rate (the product of the
    four drivers, per month), actual_per_month (revenue ÷ months), reconciliation (run_rate ÷
    actual_per_month − 1), ``<type>_per_opportunity`` for every activity type. Undefined ratios
    are NaN. ``months`` is the window, shortened when the data starts later (at least 1).
    """
    check_dataset(ds)
    day = as_day(as_of, "as_of")
    return ds.derived(("drivers", day, lookback_months),
                      lambda d: _measure(d, day, lookback_months))


def _measure(ds: Dataset, as_of: dt.date, lookback_months: int) -> pd.DataFrame:
    start, end = _window(as_of, lookback_months)

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
    m = stage_matrix(ds)
    reached = pd.Series(m.reached[:, ds.settings.stages.index(ds.settings.opportunity_stage)],
                        index=opp.index)
    closed = in_window(opp["close_date"])
    won = opp[closed & (opp["status"] == "won")]
    lost = closed & (opp["status"] == "lost")
    cols["won"] = per_rep(won)
    cols["lost"] = per_rep(opp[lost & reached])
    cols["lost_before_opportunity"] = per_rep(opp[lost & ~reached])
    cols["revenue"] = per_rep(won, won["amount"].fillna(0.0))
    act = ds.activities
    act = act[in_window(act["date"])]
    for kind in ds.settings.activity_types:
        cols[f"_{kind}"] = per_rep(act[act["type"] == kind])
    reps = sorted(set(ds.reps["rep"].dropna()).union(*(set(s.index) for s in cols.values())),
                  key=str)
    table = pd.DataFrame({k: v.reindex(reps) for k, v in cols.items()}, index=reps,
                         columns=list(cols)).fillna(0.0)
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
    table["run_rate"] = table[list(DRIVERS)].prod(axis=1, skipna=False)
    table["actual_per_month"] = table["revenue"] / months
    table["reconciliation"] = ratio(table["run_rate"], table["actual_per_month"]) - 1
    for kind in ds.settings.activity_types:
        table[f"{kind}_per_opportunity"] = ratio(table.pop(f"_{kind}"), table["opportunities"])
    table.index.name = "rep"
    return table


def measure_drivers(ds: Dataset, *, rep: str | None = None, as_of: dt.date,
                    lookback_months: int = 12) -> dict[str, float]:
    """Driver values of one rep (or everyone when ``rep`` is None); see
    :func:`measure_drivers_table` for the formulas. A rep without history gets zeros and NaN
    ratios."""
    return _row(measure_drivers_table(ds, as_of=as_of, lookback_months=lookback_months), rep)


def _row(table: pd.DataFrame, rep: str | None) -> dict[str, float]:
    key = ALL if rep is None else rep
    if key not in table.index:
        row = {c: (0.0 if c in (*_COUNTS, "leads_per_month", "actual_per_month")
                   else math.nan) for c in table.columns}
        row["months"] = float(table["months"].iloc[0]) if len(table) else math.nan
        return row
    return {c: float(v) for c, v in table.loc[key].items()}


def back_solve(target: float, actual: float, drivers: dict[str, float],
               business_days_remaining: int, activity_types: tuple[str, ...],
               months_remaining: float | None = None) -> pd.DataFrame:
    """What must still happen to reach ``target`` (formulas in the module docstring).

    Columns: quantity, needed, per_business_day, per_month (needed ÷ ``months_remaining``,
    the calendar months left in the period counting the current one; NaN when not given),
    note. Rows: revenue, won_deals, opportunities, leads, then one row per activity type.
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


def driver_benchmarks(ds: Dataset, as_of: dt.date, lookback_months: int = 12, *,
                      table: pd.DataFrame | None = None) -> dict[str, float]:
    """Top-quartile level (75th percentile) of each driver across active reps with at least
    :data:`MIN_DECIDED` decided opportunities in the window (key ``reps``: how many)."""
    if table is None:
        table = measure_drivers_table(ds, as_of=as_of, lookback_months=lookback_months)
    reps = [r for r in ds.reps.loc[ds.reps["active"], "rep"] if r in table.index]
    t = table.loc[reps]
    t = t[t["won"] + t["lost"] >= MIN_DECIDED]
    out = {k: float(t[k].dropna().quantile(0.75)) if t[k].notna().any() else math.nan
           for k in DRIVERS}
    out["reps"] = float(len(t))
    return out


def _gains(drivers: dict[str, float], bench: dict[str, float]) -> dict[str, float]:
    """Revenue per month gained moving each driver up to its benchmark, the others unchanged."""
    cur = np.array([drivers[d] for d in DRIVERS], dtype=float)
    base = float(np.prod(cur))
    out = {}
    for i, d in enumerate(DRIVERS):
        b = bench.get(d, math.nan)
        if math.isnan(b) or np.isnan(np.delete(cur, i)).any():
            out[d] = math.nan
            continue
        moved = cur.copy()
        moved[i] = b if math.isnan(cur[i]) else max(cur[i], b)
        out[d] = float(np.prod(moved)) - (0.0 if math.isnan(base) else base)
    return out


def lever_table(drivers: dict[str, float], bench: dict[str, float],
                gains: dict[str, float] | None = None) -> pd.DataFrame:
    """Levers ranked by revenue per month gained at the benchmark: columns driver, current,
    benchmark, revenue_per_month (the drivers' run rate), gain_per_month, rank (ties and
    unmeasurable gains in the drivers' order, unmeasurable last)."""
    gains = gains if gains is not None else _gains(drivers, bench)
    run = float(np.prod([drivers[d] for d in DRIVERS]))
    order = sorted(range(len(DRIVERS)), key=lambda i: (
        math.isnan(gains[DRIVERS[i]]), -gains[DRIVERS[i]] if not math.isnan(gains[DRIVERS[i]])
        else 0.0, i))
    return pd.DataFrame([{"driver": DRIVERS[i], "current": drivers[DRIVERS[i]],
                          "benchmark": bench.get(DRIVERS[i], math.nan),
                          "revenue_per_month": run, "gain_per_month": gains[DRIVERS[i]],
                          "rank": rank} for rank, i in enumerate(order, start=1)])


@dataclass
class KpiTree:
    """Drivers, reconciliation with history, back-solved plan and ranked levers for one rep (or
    everyone, ``rep`` None)."""

    rep: str | None
    drivers: dict[str, float]
    plan: pd.DataFrame
    levers: pd.DataFrame
    target: float
    actual: float
    business_days_remaining: int
    months_remaining: float
    window: tuple[dt.date, dt.date]
    benchmark_reps: int = 0
    reconciliation: dict[str, float] = field(default_factory=dict)


def kpi_tree(ds: Dataset, period: Period, *, rep: str | None = None,
             as_of: dt.date | None = None, target: float | None = None,
             lookback_months: int = 12,
             benchmarks: dict[str, float] | None = None,
             actual: float | None = None) -> KpiTree:
    """Measure the drivers, back-solve the plan to the revenue target of ``period`` and rank
    the levers (module docstring). ``target`` defaults to the rep's (or everyone's) revenue
    target of the period (phased targets, :mod:`kpi_xl.metrics.targets`); without one the
    plan's needs are NaN. ``benchmarks`` (from :func:`driver_benchmarks`) saves recomputing
    them per rep; so do ``target`` and ``actual`` (the revenue in the period up to ``as_of``,
    :func:`kpi_xl.metrics.actuals.actual_to_date`) when a scorecard already has them."""
    check_dataset(ds)
    check_period(period)
    if as_of is None:
        end = ds.data_end()
        as_of = min(period.end, end) if end else period.end
    day = as_day(as_of, "as_of")
    table = measure_drivers_table(ds, as_of=day, lookback_months=lookback_months)
    row = _row(table, rep)
    key = rep if rep else ALL
    if target is None:
        tt = target_totals(ds, "revenue", period, by="rep" if rep else None)
        target = float(tt[key]) if key in tt.index else math.nan
    if actual is None:
        actual = float(actual_to_date(ds, "revenue", period, day, "rep" if rep else None)
                       .get(key, 0.0))
    cal = calendar_of(ds)
    left = max(day + dt.timedelta(days=1), period.start)
    remaining = cal.business_days(left, period.end)
    months_left = float(len(pd.period_range(left, period.end, freq="M"))) \
        if left <= period.end else 0.0
    plan = back_solve(target, actual, row, remaining, ds.settings.activity_types,
                      months_left or None)
    bench = benchmarks or driver_benchmarks(ds, day, lookback_months, table=table)
    if rep:
        levers = lever_table(row, bench)
    else:  # the team's lever: every rep's gain added up
        reps = [r for r in ds.reps.loc[ds.reps["active"], "rep"] if r in table.index]
        per_rep = [_gains(_row(table, r), bench) for r in reps]
        gains = {d: float(np.nansum([g[d] for g in per_rep])) if per_rep else math.nan
                 for d in DRIVERS}
        # a rep-level count is no benchmark for the team's total: only the rates compare
        levers = lever_table(row, {**bench, "leads_per_month": math.nan}, gains)
    start, end = _window(day, lookback_months)
    recon = {"run_rate": row["run_rate"], "actual_per_month": row["actual_per_month"],
             "difference": row["reconciliation"], "tolerance": TOLERANCE,
             "opportunities_entered": row["opportunities"],
             "opportunities_decided": row["won"] + row["lost"],
             "within_tolerance": float(abs(row["reconciliation"]) <= TOLERANCE)
             if not math.isnan(row["reconciliation"]) else math.nan}
    return KpiTree(rep, row, plan, levers, float(target), actual, remaining, months_left,
                   (start.date(), (end - pd.Timedelta(days=1)).date()),
                   int(bench.get("reps", 0)), recon)
