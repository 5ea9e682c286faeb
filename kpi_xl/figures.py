"""Every figure any surface shows, computed once: :func:`compute_figures` → :class:`Figures`.

The CLI text (:mod:`kpi_xl.report.figures_text`), the JSON (:mod:`kpi_xl.report.figures_json`),
the workbook layout and the button (:mod:`kpi_xl.report.layout`) are projections of one
:class:`Figures`: they format and arrange its numbers and never compute their own.

Windows, stated with every section that uses one:

- *period*: the scorecards, deals and customers sections (up to the as-of date);
- *trend*: the 12 calendar months ending with the month of the as-of date (or of the period's
  end when the period is over) — revenue, rep trends, churn trend, cohorts;
- *funnel*: the period when it spans 12 months or more (a fiscal year) or is ``all``, else the
  trend window — cohort conversion needs months to mature;
- *activity mix*: the 3 months up to the as-of date;
- *KPI tree*: the 12 months of history up to the as-of date.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .calendar import Period, check_day, month_periods, parse_period, period_containing
from .dataset import Dataset, Exclusion, OutsideRows
from .errors import ConfigError
from .metric_registry import metric_names
from .metrics import (
    actual_to_date,
    at_risk_customers,
    average_deal_size,
    churn_trend,
    cohort_retention,
    core_metrics,
    customer_movements,
    driver_benchmarks,
    funnel,
    kpi_tree,
    logo_churn,
    monthly_actuals,
    monthly_targets,
    pipeline_velocity,
    revenue_basis,
    revenue_retention,
    sales_cycle,
    scorecard,
    target_totals,
    win_rates,
)
from .metrics.common import CUSTOMER_DIMENSIONS, DIMENSIONS, check_by, check_dataset, period_bounds
from .metrics.tree import KpiTree
from .settings import Settings

__all__ = ["CORE_METRICS", "Figures", "KpiTree", "Window", "compute_figures"]

CORE_METRICS = ("revenue", "won_deals", "leads", "opportunities", "new_customers")
REP_TREND_METRICS = ("revenue", "won_deals", "leads", "visits", "calls")


@dataclass(frozen=True)
class Window:
    """A stated date window (both ends included); ``all_time`` when it has no bounds."""

    start: dt.date
    end: dt.date
    all_time: bool = False

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} … {self.end.isoformat()}"


@dataclass
class Figures:
    """Everything the surfaces show for one book, period and as-of date (module docstring).

    DataFrames keep NaN for undefined values (projections print them blank / null) and carry
    their ``definition`` and ``note`` columns where a metric has them.
    """

    source: str
    settings: Settings
    period: Period
    as_of: dt.date
    by: str
    started: bool
    revenue_basis: str
    revenue_basis_reason: str
    metrics: list[str]
    reps: list[str]
    rep_team: dict[str, str]
    scorecard: pd.DataFrame  # everyone
    scorecard_rep: pd.DataFrame
    scorecard_team: pd.DataFrame
    scorecard_by: pd.DataFrame  # per --by group
    trend_window: Window
    trend: pd.DataFrame  # month, target, actual, achievement, other_basis, note
    rep_trend: pd.DataFrame  # rep, month, target, revenue, won_deals, leads, visits, calls
    funnel_window: Window
    funnel: pd.DataFrame
    funnel_rep: pd.DataFrame
    funnel_by: pd.DataFrame
    deals: dict[str, Any]
    deals_by: pd.DataFrame
    customers: dict[str, Any] | None
    customers_by: pd.DataFrame | None
    churn_trend: pd.DataFrame
    cohort_customers: pd.DataFrame
    cohort_revenue: pd.DataFrame
    at_risk: pd.DataFrame
    tree: KpiTree | None
    rep_trees: dict[str, KpiTree]
    activity_window: Window
    activity_mix: pd.DataFrame  # rep, type, count
    external: pd.DataFrame  # month, revenue, <factor>…
    external_events: pd.DataFrame  # date, factor, note
    exclusions: list[Exclusion] = field(default_factory=list)
    outside_rows: list[OutsideRows] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def currency(self) -> str:
        return self.settings.currency

    def definitions(self, locale: str) -> dict[str, str]:
        """The definitions in force, worded in ``locale`` (the revenue basis as used)."""
        return self.settings.definitions(locale, revenue_basis=self.revenue_basis,
                                         revenue_reason=self.revenue_basis_reason)


def _window(start: dt.date, end: dt.date, all_time: bool = False) -> Window:
    return Window(start, max(start, end), all_time)


def _pin(ds: Dataset, period: Period, as_of: dt.date) -> Period:
    """A period of kind ``all`` pinned to the data's first date … max(last date, as_of)."""
    if not period.is_all:
        return period
    lo = ds.data_start() or as_of
    return period.clipped(min(lo, as_of), max(ds.data_end() or as_of, as_of))


def compute_figures(ds: Dataset, period: Period | None = None, as_of: dt.date | None = None,
                    *, by: str = "rep") -> Figures:
    """Compute every figure of ``period`` as of ``as_of`` (module docstring).

    Defaults: ``as_of`` = the last date in the data (today if there is none); ``period`` = the
    ``report_period`` setting (対象期間, e.g. ``上期`` of the as-of date's fiscal year), else the
    month containing ``as_of``. ``by`` (rep | team | segment | product | channel) is the split
    of the per-group sections (scorecard, funnel, deals, customers); rep and team scorecards
    and the per-rep figures of the rep tabs are always there.
    """
    check_dataset(ds)
    by = check_by(by, DIMENSIONS)
    st = ds.settings
    as_of = check_day(as_of, "as_of") if as_of is not None else (
        ds.data_end() or dt.date.today())
    if period is None and str(st.report_period).strip():
        period = parse_period(st.report_period, st.fiscal_year_start, today=as_of)
    if period is None:
        period = period_containing(as_of, "month", st.fiscal_year_start)
    if not isinstance(period, Period):
        raise ConfigError(f"period must be a kpi_xl Period (parse_period), not {period!r}")
    period = _pin(ds, period, as_of)
    started = as_of >= period.start
    basis, reason = revenue_basis(ds)
    metrics = core_metrics(ds, period, CORE_METRICS)
    cards = {g: scorecard(ds, period, by=g, metrics=metrics, as_of=as_of)
             for g in (None, "rep", "team")}
    by_card = cards[by] if by in cards else scorecard(ds, period, by=by, metrics=metrics,
                                                      as_of=as_of)
    reps = [r for r in ds.reps.loc[ds.reps["active"], "rep"].dropna().tolist()]
    last = period_containing(min(as_of, period.end), "month", st.fiscal_year_start)
    months = month_periods((pd.Timestamp(last.start) - pd.DateOffset(months=11)).date(),
                           last.start)
    trend_window = _window(months[0].start, min(as_of, last.end))
    long = period.is_all or len(period.months()) >= 12
    funnel_window = (_window(period.start, min(as_of, period.end), period.is_all) if long
                     else trend_window)
    f_lo, f_hi = ((None, None) if funnel_window.all_time and as_of >= period.end
                  else (funnel_window.start, funnel_window.end))
    has_pipeline = len(ds.opportunities) > 0
    start, upto = period_bounds(period, as_of)
    if period.is_all and as_of >= period.end:
        upto = None
    bench = driver_benchmarks(ds, as_of) if has_pipeline else {}
    rep_trees = _rep_trees(ds, period, as_of, reps, bench) if has_pipeline else {}
    churn = churn_trend(ds, [pd.Timestamp(m.start) for m in months], as_of=as_of)
    cohorts = {m: _cohorts(ds, m, as_of, months[0].start) for m in ("customers", "revenue")}
    customers, customers_by = _customers(ds, period, as_of, by) if started else (None, None)
    return Figures(
        source=ds.source, settings=st, period=period, as_of=as_of, by=by, started=started,
        revenue_basis=basis, revenue_basis_reason=reason, metrics=metrics, reps=reps,
        rep_team={str(k): str(v) for k, v in ds.rep_team().items()},
        scorecard=cards[None], scorecard_rep=cards["rep"], scorecard_team=cards["team"],
        scorecard_by=by_card, trend_window=trend_window,
        trend=_trend(ds, months, trend_window, basis),
        rep_trend=_rep_trend(ds, months, trend_window),
        funnel_window=funnel_window,
        funnel=funnel(ds, start=f_lo, end=f_hi),
        funnel_rep=funnel(ds, by="rep", start=f_lo, end=f_hi),
        funnel_by=funnel(ds, by=by, start=f_lo, end=f_hi),
        deals=_deals(ds, start, upto, as_of, None),
        deals_by=_deals(ds, start, upto, as_of, by),
        customers=customers, customers_by=customers_by, churn_trend=churn,
        cohort_customers=cohorts["customers"], cohort_revenue=cohorts["revenue"],
        at_risk=at_risk_customers(ds, as_of=as_of),
        tree=kpi_tree(ds, period, as_of=as_of, benchmarks=bench) if has_pipeline else None,
        rep_trees=rep_trees,
        activity_window=_window((pd.Timestamp(as_of) - pd.DateOffset(months=3)
                                 + pd.Timedelta(days=1)).date(), as_of),
        activity_mix=_activity_mix(ds, as_of),
        external=_external(ds, months, trend_window),
        external_events=ds.external.loc[ds.external["note"].notna(), ["date", "factor", "note"]]
        .sort_values("date", kind="stable").reset_index(drop=True),
        exclusions=ds.exclusions, outside_rows=ds.outside_rows,
        warnings=[w.format() for w in ds.warnings],
    )


# --------------------------------------------------------------------------- sections


def _rep_trees(ds: Dataset, period: Period, as_of: dt.date, reps: list[str],
               bench: dict[str, float]) -> dict[str, KpiTree]:
    """Every rep's KPI tree, with the revenue target and actual the rep scorecard shows."""
    targets = target_totals(ds, "revenue", period, by="rep")
    actual = actual_to_date(ds, "revenue", period, as_of, "rep")
    return {r: kpi_tree(ds, period, rep=r, as_of=as_of, benchmarks=bench,
                        target=float(targets.get(r, math.nan)),
                        actual=float(actual.get(r, 0.0))) for r in reps}


def _trend(ds: Dataset, months: list[Period], window: Window, basis: str) -> pd.DataFrame:
    """Revenue per month against everyone's monthly target; ``other_basis`` is the other
    revenue basis's amount, and ``note`` is ``basis_empty`` for a month where the chosen basis
    has no revenue while the other has some."""
    trend_period = Period(window.start, months[-1].end, "trend", "range")
    actual = monthly_actuals(ds, "revenue", window.start, window.end)
    target = monthly_targets(ds, "revenue", trend_period, by=None)
    other = "orders" if basis == "won_deals" else "won_deals"
    other_actual = monthly_actuals(ds, "revenue", window.start, window.end, basis=other)
    rows = []
    for m in months:
        ts = pd.Timestamp(m.start)
        a = float(actual.get(("(all)", ts), 0.0))
        t = target.get(("(all)", ts))
        o = float(other_actual.get(("(all)", ts), 0.0))
        rows.append({"month": m.label, "target": math.nan if t is None else float(t),
                     "actual": a, "achievement": a / t if t else math.nan,
                     "other_basis": o, "note": "basis_empty" if a == 0 and o > 0 else ""})
    return pd.DataFrame(rows)


def _rep_trend(ds: Dataset, months: list[Period], window: Window) -> pd.DataFrame:
    trend_period = Period(window.start, months[-1].end, "trend", "range")
    known = set(metric_names(ds.settings))
    reps = list(ds.reps.loc[ds.reps["active"], "rep"].dropna())
    grid = pd.MultiIndex.from_product([reps, [pd.Timestamp(m.start) for m in months]],
                                      names=["group", "period"])
    out = pd.DataFrame({"rep": grid.get_level_values(0),
                        "month": [m.label for m in months] * len(reps)})
    targets = monthly_targets(ds, "revenue", trend_period, by="rep")
    out["target"] = targets.reindex(grid).to_numpy(dtype=float)
    for m in REP_TREND_METRICS:
        if m in known:
            s = monthly_actuals(ds, m, window.start, window.end, by="rep")
            out[m] = s.reindex(grid, fill_value=0.0).to_numpy(dtype=float)
    return out


def _deals(ds: Dataset, start: dt.date | None, end: dt.date | None, as_of: dt.date,
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


def _customers(ds: Dataset, period: Period, as_of: dt.date, by: str
               ) -> tuple[dict[str, Any], pd.DataFrame | None]:
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


def _cohorts(ds: Dataset, metric: str, as_of: dt.date, trend_start: dt.date) -> pd.DataFrame:
    m = cohort_retention(ds, metric=metric, max_months=12, as_of=as_of)
    return m[m.index >= pd.Timestamp(trend_start) - pd.DateOffset(months=12)]


def _activity_mix(ds: Dataset, as_of: dt.date) -> pd.DataFrame:
    start = pd.Timestamp(as_of) - pd.DateOffset(months=3) + pd.Timedelta(days=1)
    a = ds.activities
    a = a[(a["date"] >= start) & (a["date"] <= pd.Timestamp(as_of))]
    counts = a.groupby([a["rep"].astype(object), a["type"].astype(object)]).size()
    return counts.rename("count").rename_axis(["rep", "type"]).reset_index()


def _external(ds: Dataset, months: list[Period], window: Window) -> pd.DataFrame:
    ext = ds.external
    revenue = monthly_actuals(ds, "revenue", window.start, window.end)
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
