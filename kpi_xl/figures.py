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
- *activity ranking*: the period up to the as-of date (activities per business day); the
  activities per won deal: the trend window;
- *comparisons*: the month of the cut-off day (the as-of date, or the period's end when it is
  over) to that day, against the same days a year and a month earlier, and the trailing 12
  months (:mod:`kpi_xl.metrics.compare`);
- *landing*: the period; open deals as of the as-of date (:mod:`kpi_xl.metrics.landing`);
- *stalled deals*: open deals on the as-of date (:mod:`kpi_xl.metrics.stalled`);
- *KPI tree*: the 12 months of history up to the as-of date.

Amounts stay in the currency's units here (and in the JSON); ``amount_unit`` and
``amount_divisor`` say how the sheets show them (the ``amount_unit`` setting, with ``auto``
resolved: thousands once a month's revenue or target reaches a million).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .calendar import Period, check_day, month_periods, parse_period, period_containing
from .dataset import Dataset, Exclusion, OutsideRows
from .errors import ConfigError
from .figure_sections import (
    activity_mix,
    cohorts,
    customers_section,
    deals_section,
    external_section,
    rep_trees,
    rep_trend,
    revenue_trend,
)
from .metrics import (
    active_customers,
    at_risk_customers,
    churn_trend,
    core_metrics,
    driver_benchmarks,
    funnel,
    kpi_tree,
    revenue_basis,
    scorecard,
)
from .metrics.activity import activities_per_won, activity_ranking, activity_trend
from .metrics.cohorts import acquired_before_data
from .metrics.common import DIMENSIONS, check_by, check_dataset, period_bounds
from .metrics.compare import comparisons
from .metrics.landing import pipeline_landing, stage_probabilities
from .metrics.stalled import stalled_deals
from .metrics.tree import KpiTree
from .settings import AMOUNT_UNITS, Settings

__all__ = ["CORE_METRICS", "Figures", "KpiTree", "Window", "compute_figures"]

CORE_METRICS = ("revenue", "won_deals", "leads", "opportunities", "new_customers")
#: Input tables whose rows make a book "have data" (the dashboard of an empty book says
#: which of them to fill).
DATA_TABLES = ("reps", "targets", "opportunities", "orders", "activities", "customers")


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
    trend: pd.DataFrame  # month, target, actual, achievement, pace, last_year, t12m, …
    rep_trend: pd.DataFrame  # rep, month, target, revenue, won_deals, …, achievement, pace
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
    cut: dt.date  # the comparisons' cut-off day
    comparisons: pd.DataFrame  # everyone (kpi_xl.metrics.compare.COMPARE_COLUMNS)
    comparisons_rep: pd.DataFrame
    stage_probabilities: pd.DataFrame  # stage, reached, won, probability, source
    landing: pd.DataFrame  # everyone (kpi_xl.metrics.landing.LANDING_COLUMNS)
    landing_rep: pd.DataFrame
    forecast_categories: bool  # the opportunities carry a forecast category
    stalled: pd.DataFrame  # kpi_xl.metrics.stalled.STALLED_COLUMNS
    ranking_window: Window
    activity_ranking: pd.DataFrame  # rep, type, count, per_day, team_median, vs_median, rank
    activity_per_won: pd.DataFrame  # rep, activities, won_deals, per_won (trend window)
    activity_trend: pd.DataFrame  # rep, month, activities, per_day, team_median
    at_risk_summary: dict[str, int]  # active, flagged, interval, volume, frequency
    at_risk_summary_rep: dict[str, dict[str, int]]  # the same per rep
    cohort_before_data: int  # customers acquired before the data (in no cohort)
    amount_unit: str  # a key of kpi_xl.settings.AMOUNT_UNITS (auto resolved)
    data_rows: dict[str, int]  # rows of each input table of DATA_TABLES
    data_start: dt.date | None  # the first date of the activity, order and pipeline data
    exclusions: list[Exclusion] = field(default_factory=list)
    outside_rows: list[OutsideRows] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def currency(self) -> str:
        return self.settings.currency

    @property
    def amount_divisor(self) -> int:
        """What the sheets divide amounts by (1, 1,000, 10,000 or 1,000,000)."""
        return AMOUNT_UNITS[self.amount_unit]

    @property
    def has_data(self) -> bool:
        """Whether the book holds any pipeline, order or activity row."""
        return any(self.data_rows.get(t, 0) for t in ("opportunities", "orders", "activities"))

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
    cut = min(as_of, period.end)
    last = period_containing(cut, "month", st.fiscal_year_start)
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
    trees = rep_trees(ds, period, as_of, reps, bench) if has_pipeline else {}
    churn = churn_trend(ds, [pd.Timestamp(m.start) for m in months], as_of=as_of)
    matrices = {m: cohorts(ds, m, as_of, months[0].start) for m in ("customers", "revenue")}
    customers, customers_by = (customers_section(ds, period, as_of, by) if started
                               else (None, None))
    trend = revenue_trend(ds, months, trend_window.start, trend_window.end, basis, as_of)
    probs = stage_probabilities(ds, as_of)
    risk = at_risk_customers(ds, as_of=as_of)
    ranking_window = _window(period.start, min(as_of, period.end))
    opp = ds.opportunities
    return Figures(
        source=ds.source, settings=st, period=period, as_of=as_of, by=by, started=started,
        revenue_basis=basis, revenue_basis_reason=reason, metrics=metrics, reps=reps,
        rep_team={str(k): str(v) for k, v in ds.rep_team().items()},
        scorecard=cards[None], scorecard_rep=cards["rep"], scorecard_team=cards["team"],
        scorecard_by=by_card, trend_window=trend_window, trend=trend,
        rep_trend=rep_trend(ds, months, trend_window.start, trend_window.end, as_of),
        funnel_window=funnel_window,
        funnel=funnel(ds, start=f_lo, end=f_hi),
        funnel_rep=funnel(ds, by="rep", start=f_lo, end=f_hi),
        funnel_by=funnel(ds, by=by, start=f_lo, end=f_hi),
        deals=deals_section(ds, start, upto, as_of, None),
        deals_by=deals_section(ds, start, upto, as_of, by),
        customers=customers, customers_by=customers_by, churn_trend=churn,
        cohort_customers=matrices["customers"], cohort_revenue=matrices["revenue"],
        at_risk=risk,
        tree=kpi_tree(ds, period, as_of=as_of, benchmarks=bench) if has_pipeline else None,
        rep_trees=trees,
        activity_window=_window((pd.Timestamp(as_of) - pd.DateOffset(months=3)
                                 + pd.Timedelta(days=1)).date(), as_of),
        activity_mix=activity_mix(ds, as_of),
        external=external_section(ds, months, trend_window.start, trend_window.end),
        external_events=ds.external.loc[ds.external["note"].notna(), ["date", "factor", "note"]]
        .sort_values("date", kind="stable").reset_index(drop=True),
        cut=cut, comparisons=comparisons(ds, cut),
        comparisons_rep=comparisons(ds, cut, by="rep", groups=reps),
        stage_probabilities=probs,
        landing=pipeline_landing(ds, period, as_of, by=None, probabilities=probs),
        landing_rep=pipeline_landing(ds, period, as_of, by="rep", probabilities=probs,
                                     groups=reps),
        forecast_categories=bool(opp["forecast_category"].notna().any()),
        stalled=stalled_deals(ds, as_of),
        ranking_window=ranking_window,
        activity_ranking=(activity_ranking(ds, ranking_window.start, ranking_window.end)
                          if started else activity_ranking(ds, as_of, as_of).iloc[0:0]),
        activity_per_won=activities_per_won(ds, trend_window.start, trend_window.end),
        activity_trend=activity_trend(ds, months, as_of),
        at_risk_summary=_risk_summary(ds, risk, as_of),
        at_risk_summary_rep=_risk_summary_by_rep(ds, risk, as_of, reps),
        cohort_before_data=len(acquired_before_data(ds, as_of)),
        amount_unit=_amount_unit(st, trend),
        data_rows={t: len(ds.table(t)) for t in DATA_TABLES}, data_start=ds.data_start(),
        exclusions=ds.exclusions, outside_rows=ds.outside_rows,
        warnings=[w.format() for w in ds.warnings],
    )


def _risk_summary(ds: Dataset, risk: pd.DataFrame, as_of: dt.date) -> dict[str, int]:
    """How many customers the at-risk rule looked at and flagged, and for which reason."""
    flagged = risk[~risk["churned"].astype(bool)] if len(risk) else risk
    return {"active": int(active_customers(ds, as_of)) if len(ds.orders) else 0,
            "flagged": len(flagged),
            **{k: int(flagged[f"{k}_flag"].astype(bool).sum()) if len(flagged) else 0
               for k in ("interval", "volume", "frequency")}}


def _risk_summary_by_rep(ds: Dataset, risk: pd.DataFrame, as_of: dt.date, reps: list[str]
                         ) -> dict[str, dict[str, int]]:
    """:func:`_risk_summary` for each rep's customers (the customer's rep)."""
    active = (active_customers(ds, as_of, by="rep").set_index("rep")["active_customers"]
              if len(ds.orders) else pd.Series(dtype=int))
    flagged = risk[~risk["churned"].astype(bool)] if len(risk) else risk
    kinds = ("interval", "volume", "frequency")
    if len(flagged):  # one grouped pass over the flagged customers, not one filter per rep
        flags = pd.DataFrame({k: flagged[f"{k}_flag"].astype(bool).to_numpy(dtype=int)
                              for k in kinds})
        grouped = flags.groupby(flagged["rep"].astype(object).to_numpy())
        sizes, sums = grouped.size(), grouped.sum()
    else:
        sizes, sums = pd.Series(dtype=int), pd.DataFrame(columns=list(kinds))
    out = {}
    for rep in reps:
        has = rep in sums.index
        out[rep] = {"active": int(active.get(rep, 0)), "flagged": int(sizes.get(rep, 0)),
                    **{k: int(sums.at[rep, k]) if has else 0 for k in kinds}}
    return out


def _amount_unit(st: Settings, trend: pd.DataFrame) -> str:
    """The ``amount_unit`` setting, ``auto`` resolved on the revenue trend: thousands once a
    month's revenue or target reaches a million, else ones."""
    if st.amount_unit != "auto":
        return st.amount_unit
    top = pd.concat([trend["actual"], trend["target"]]).abs().max() if len(trend) else 0.0
    return "thousand" if pd.notna(top) and top >= 1_000_000 else "one"
