"""Report layout: engine results → :class:`~kpi_xl.report.model.Report` (pure, no I/O).

Sheets: the dashboard, one tab per active rep, churn, and external factors (when present).
Every sheet opens with its title and a line saying when, from what data and as of which date it
was generated, followed by the metric definitions in force.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from ..calendar import Period, month_periods, period_containing
from ..dataset import Dataset
from ..i18n import catalog, text
from ..metrics.achievement import scorecard, target_totals
from ..metrics.actuals import actuals, metric_def, metric_events
from ..metrics.churn import churn_trend
from ..metrics.customers import cohort_retention
from ..metrics.funnel import funnel
from ..metrics.risk import at_risk_customers
from ..metrics.tree import DRIVER_LABELS, driver_benchmarks, kpi_tree, measure_drivers_table
from ..progress import Progress
from ..schema import activity_label, stage_label
from .model import Chart, Column, Conditional, Report, Series, Sheet, Table
from .naming import unique_sheet_names

__all__ = ["build_report"]

def _l(key: str, locale: str, **kw: object) -> str:
    return text(key, locale, **kw)


def _quantity_label(quantity: str, locale: str) -> str | None:
    return catalog(locale).get(f"quantity.{quantity}")


def _num(v: object) -> object:
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if v is pd.NaT or v is pd.NA:
        return None
    return v


def _records(df: pd.DataFrame, cols: list[str]) -> list[list[object]]:
    return [[_num(v) for v in row] for row in df[cols].itertuples(index=False, name=None)]


CORE_METRICS = ("revenue", "won_deals", "leads", "opportunities", "new_customers")


def _scorecard_metrics(ds: Dataset, period: Period) -> list[str]:
    """The core KPIs that the data can measure, then every other metric with a target in the
    period — so a book without targets still shows its actuals (targets blank)."""
    t = ds.targets
    targeted = list(dict.fromkeys(t.loc[period.mask(t["period"]), "metric"].dropna()))
    core = [m for m in CORE_METRICS if m in targeted or len(metric_events(ds, m))]
    return core + [m for m in targeted if m not in core]


class _Ctx:
    def __init__(self, ds: Dataset, as_of: dt.date, period: Period, locale: str,
                 generated_at: dt.datetime) -> None:
        self.ds, self.as_of, self.period, self.locale = ds, as_of, period, locale
        self.generated_at = generated_at
        last = period_containing(as_of, "month", ds.settings.fiscal_year_start)
        self.months = month_periods((pd.Timestamp(last.start) - pd.DateOffset(months=11)).date(),
                                    last.start)
        self.window_start = self.months[0].start
        self.window_end = min(as_of, last.end)
        self.metrics = _scorecard_metrics(ds, period)
        self.rep_card = scorecard(ds, period, by="rep", metrics=self.metrics, as_of=as_of)
        self.churn: pd.DataFrame | None = None
        self.drivers = measure_drivers_table(ds, as_of=as_of)
        self.benchmarks = driver_benchmarks(ds, as_of, table=self.drivers)
        # per-rep figures, computed once for every rep tab
        self.rep_funnel = funnel(ds, by="rep", start=self.window_start, end=self.window_end)
        self.rep_monthly: dict[str, pd.Series] = {}
        for metric in ("revenue", "won_deals", "leads", "visits", "calls"):
            try:
                a = actuals(ds, metric, by="rep", start=self.window_start,
                            end=self.window_end, freq="M")
            except KeyError:  # an activity type the settings do not list
                continue
            self.rep_monthly[metric] = a.set_index(["group", "period"])["actual"]
        t = ds.targets
        t = t[(t["metric"] == "revenue") & t["rep"].notna()]
        self.rep_revenue_targets = t.groupby(["rep", "period"])["target"].sum()
        upto = min(as_of, period.end)
        rev = actuals(ds, "revenue", by="rep", start=period.start, end=upto) \
            if upto >= period.start else pd.DataFrame(columns=["group", "actual"])
        self.rep_period_revenue = rev.set_index("group")["actual"]
        self.rep_period_target = target_totals(ds, "revenue", period, by="rep")
        start3 = pd.Timestamp(as_of) - pd.DateOffset(months=3) + pd.Timedelta(days=1)
        a = ds.activities
        a = a[(a["date"] >= start3) & (a["date"] <= pd.Timestamp(as_of))]
        self.activity_mix = a.groupby([a["rep"].astype(object), a["type"].astype(object)]
                                      ).size()

    def rep_month(self, metric: str, rep: str) -> list[float]:
        """The rep's monthly actuals of ``metric`` over the 12-month window."""
        s = self.rep_monthly[metric]
        return [float(s.get((rep, pd.Timestamp(m.start)), 0.0)) for m in self.months]

    def L(self, key: str, **kw: object) -> str:
        return _l(key, self.locale, **kw)

    def header(self, sheet: Sheet, title: str) -> None:
        st = self.ds.settings
        sheet.add_text([title], "title")
        sheet.add_text([self.L("generated", at=self.generated_at.strftime("%Y-%m-%d %H:%M"),
                               src=self.ds.source, asof=self.as_of.isoformat(),
                               p=self.period.label)], "subtitle")
        defs = [f"{self.L('definitions')}:"] + [f"  {k}: {v}" for k, v in
                                                st.definitions(self.locale).items()]
        sheet.add_text(defs, "note")


def _metric_label(ctx: _Ctx, metric: str) -> str:
    return metric_def(metric, ctx.ds.settings).label(ctx.locale)


def _scorecard_table(ctx: _Ctx, card: pd.DataFrame, name: str) -> Table:
    cols = [Column("metric", ctx.L("metric"), "text"), Column("target", ctx.L("target"), "auto"),
            Column("actual", ctx.L("actual"), "auto"),
            Column("achievement", ctx.L("achievement"), "pct"),
            Column("pace", ctx.L("pace"), "pct"),
            Column("forecast", ctx.L("forecast"), "auto"), Column("gap", ctx.L("gap"), "auto"),
            Column("required_per_day", ctx.L("required"), "auto")]
    rows, fmts = [], []
    for r in card.itertuples():
        rows.append([_metric_label(ctx, r.metric), _num(r.target), _num(r.actual),
                     _num(r.achievement), _num(r.pace), _num(r.forecast), _num(r.gap),
                     _num(r.required_per_day)])
        fmts.append("currency" if r.unit == "currency" else "number")
    return Table(name, ctx.L("scorecard", p=ctx.period.label), cols, rows,
                 conditional=[Conditional("achievement"), Conditional("pace")], row_fmt=fmts)


def _revenue_trend(ctx: _Ctx, rep: str | None, name: str) -> tuple[Table, Chart]:
    ds = ctx.ds
    rows = []
    if rep:
        acts = ctx.rep_month("revenue", rep)
        tg = ctx.rep_revenue_targets
        targets = [float(tg[(rep, pd.Timestamp(m.start))])
                   if (rep, pd.Timestamp(m.start)) in tg.index else None for m in ctx.months]
    else:
        act = actuals(ds, "revenue", by=None, start=ctx.window_start, end=ctx.window_end,
                      freq="M")
        s = act.set_index("period")["actual"] if len(act) else pd.Series(dtype=float)
        acts = [float(s.get(pd.Timestamp(m.start), 0.0)) for m in ctx.months]
        targets = []
        for m in ctx.months:
            tt = target_totals(ds, "revenue", m, by=None)
            targets.append(float(tt["(all)"]) if "(all)" in tt.index else None)
    for m, t, a in zip(ctx.months, targets, acts, strict=True):
        rows.append([m.label, t, a, (a / t) if t else None])
    table = Table(name, ctx.L("revenue_trend"),
                  [Column("month", ctx.L("month"), "text"),
                   Column("target", ctx.L("target"), "currency"),
                   Column("actual", ctx.L("actual"), "currency"),
                   Column("achievement", ctx.L("achievement"), "pct")], rows,
                  conditional=[Conditional("achievement")])
    chart = Chart("column", ctx.L("revenue_trend"), name, "month",
                  [Series("actual"), Series("target", kind="line")], y_format="currency",
                  width_cols=10)
    return table, chart


def _funnel(ctx: _Ctx, rep: str | None, name: str) -> tuple[Table, Chart]:
    f = ctx.rep_funnel if rep else funnel(ctx.ds, start=ctx.window_start, end=ctx.window_end)
    gcol = "rep" if rep else "group"
    if rep:
        f = f[f[gcol] == rep]
    definition = f["definition"].iloc[0] if len(f) else ctx.ds.settings.conversion_basis
    rows = [[stage_label(r.stage, ctx.locale), _num(float(r.reached)),
             _num(r.conversion_from_previous), _num(r.conversion_from_first)]
            for r in f.itertuples()]
    table = Table(name, ctx.L("funnel", d=definition),
                  [Column("stage", ctx.L("stage"), "text"),
                   Column("reached", ctx.L("reached"), "int"),
                   Column("conv_prev", ctx.L("conv_prev"), "pct"),
                   Column("conv_first", ctx.L("conv_first"), "pct")], rows)
    chart = Chart("bar", ctx.L("funnel", d=definition), name, "stage", [Series("reached")],
                  y_format="int")
    return table, chart


def _churn_trend(ctx: _Ctx, name: str) -> tuple[Table, Chart]:
    if ctx.churn is None:  # shown on the dashboard and the churn sheet: compute once
        ctx.churn = churn_trend(ctx.ds, [pd.Timestamp(m.start) for m in ctx.months],
                                as_of=ctx.as_of)
    tr = ctx.churn
    rows = []
    for m, r in zip(ctx.months, tr.itertuples(), strict=False):
        rows.append([m.label, _num(r.active_at_start), _num(r.new), _num(r.reactivated),
                     _num(r.churned), _num(r.logo_churn), _num(r.grr), _num(r.nrr)])
    table = Table(name, ctx.L("churn_trend"),
                  [Column("month", ctx.L("month"), "text"),
                   Column("active_at_start", ctx.L("active_start"), "int"),
                   Column("new", ctx.L("new"), "int"),
                   Column("reactivated", ctx.L("reactivated"), "int"),
                   Column("churned", ctx.L("churned"), "int"),
                   Column("logo_churn", ctx.L("logo_churn"), "pct"),
                   Column("grr", ctx.L("grr"), "pct"), Column("nrr", ctx.L("nrr"), "pct")], rows)
    chart = Chart("line", ctx.L("churn_trend"), name, "month",
                  [Series("logo_churn"), Series("grr"), Series("nrr")], y_format="pct",
                  width_cols=10)
    return table, chart


def _at_risk_table(ctx: _Ctx, risk: pd.DataFrame, name: str) -> Table:
    cols = [Column("customer", ctx.L("customer"), "text"), Column("name", ctx.L("name"), "text"),
            Column("rep", ctx.L("rep"), "text"),
            Column("last_order", ctx.L("last_order"), "date"),
            Column("revenue_at_risk", ctx.L("revenue_at_risk"), "currency"),
            Column("reasons", ctx.L("reasons"), "longtext")]
    rows = _records(risk, ["customer", "name", "rep", "last_order", "revenue_at_risk", "reasons"])
    return Table(name, ctx.L("at_risk"), cols, rows)


def _dashboard(ctx: _Ctx, name: str, risk: pd.DataFrame) -> Sheet:
    ds = ctx.ds
    sh = Sheet(name, "dashboard", ctx.L("dashboard_title"))
    ctx.header(sh, ctx.L("dashboard_title"))
    card = scorecard(ds, ctx.period, by=None, metrics=ctx.metrics, as_of=ctx.as_of)
    sh.add(_scorecard_table(ctx, card, "scorecard"))
    sh.add(*_revenue_trend(ctx, None, "revenue_trend"))
    if len(ds.opportunities):  # order-only books (no pipeline) have no funnel
        sh.add(*_funnel(ctx, None, "funnel"))
    sh.add(*_churn_trend(ctx, "churn_trend"))
    reps = scorecard(ds, ctx.period, by="rep", metrics=["revenue"], as_of=ctx.as_of)
    team = ds.rep_team()
    reps = reps.assign(team=reps["group"].map(team)).sort_values(
        ["achievement", "actual"], ascending=False, na_position="last")
    rows = [[r.group, _num(r.team), _num(r.target), _num(r.actual), _num(r.achievement),
             _num(r.forecast)] for r in reps.itertuples()]
    board = Table("leaderboard", ctx.L("leaderboard"),
                  [Column("rep", ctx.L("rep"), "text"), Column("team", ctx.L("team"), "text"),
                   Column("target", ctx.L("target"), "currency"),
                   Column("actual", ctx.L("actual"), "currency"),
                   Column("achievement", ctx.L("achievement"), "pct"),
                   Column("forecast", ctx.L("forecast"), "currency")], rows,
                  conditional=[Conditional("achievement")])
    sh.add(board, Chart("bar", ctx.L("leaderboard"), "leaderboard", "rep",
                        [Series("achievement")], y_format="pct",
                        height_rows=max(15, len(rows) + 4)))
    sh.add(_at_risk_table(ctx, risk.head(15), "at_risk"))
    return sh


def _rep_sheet(ctx: _Ctx, name: str, rep: str, risk: pd.DataFrame) -> Sheet:
    ds = ctx.ds
    team = ds.rep_team().get(rep)
    title = f"{rep}" + (f" · {team}" if isinstance(team, str) and team != rep else "")
    sh = Sheet(name, "rep", title, rep=rep)
    ctx.header(sh, title)
    card = ctx.rep_card
    sh.add(_scorecard_table(ctx, card[card["group"] == rep], "scorecard"))
    # monthly trend: revenue target/actual, won deals, leads, visits, calls
    t, _ = _revenue_trend(ctx, rep, "trend")
    extra = {m: ctx.rep_month(m, rep) for m in ("won_deals", "leads", "visits", "calls")
             if m in ctx.rep_monthly}
    for metric, vals in extra.items():
        t.columns.append(Column(metric, _metric_label(ctx, metric), "int"))
        for row, v in zip(t.rows, vals, strict=True):
            row.append(v)
    t.title = ctx.L("trend")
    chart = Chart("column", ctx.L("trend"), "trend", "month",
                  [Series("actual"), Series("target", kind="line")], y_format="currency",
                  width_cols=10)
    sh.add(t, chart)
    if len(ds.opportunities):
        sh.add(*_funnel(ctx, rep, "funnel"))
    if len(ds.activities):  # activity mix, last 3 months
        mix = ctx.activity_mix
        counts = mix.loc[rep] if rep in mix.index.get_level_values(0) else pd.Series(dtype=float)
        rows = [[activity_label(k, ctx.locale), float(counts.get(k, 0))]
                for k in ds.settings.activity_types]
        rows = [r for r in rows if r[1] > 0]
        mix = Table("activity_mix", ctx.L("activity_mix"),
                    [Column("activity", ctx.L("activity"), "text"),
                     Column("count", ctx.L("count"), "int")], rows)
        sh.add(mix, Chart("doughnut", ctx.L("activity_mix"), "activity_mix", "activity",
                          [Series("count")], width_cols=7))
    if len(ds.opportunities):  # the KPI tree starts from the pipeline
        tt = ctx.rep_period_target
        tree = kpi_tree(ds, ctx.period, rep=rep, as_of=ctx.as_of, benchmarks=ctx.benchmarks,
                        drivers=ctx.drivers,
                        target=float(tt[rep]) if rep in tt.index else math.nan,
                        actual=float(ctx.rep_period_revenue.get(rep, 0.0)))
        plan_rows = []
        for r in tree.plan.itertuples():
            label = _quantity_label(r.quantity, ctx.locale) or activity_label(
                r.quantity, ctx.locale)
            plan_rows.append([label, _num(r.needed), _num(r.per_month), _num(r.per_business_day),
                              r.note or None])
        fmts = ["currency" if r.quantity == "revenue" else "number" for r in tree.plan.itertuples()]
        sh.add(Table("plan", ctx.L("plan"),
                     [Column("quantity", ctx.L("quantity"), "text"),
                      Column("needed", ctx.L("needed"), "auto"),
                      Column("per_month", ctx.L("per_month"), "auto"),
                      Column("per_day", ctx.L("per_day"), "auto"),
                      Column("note", ctx.L("note"), "text")], plan_rows, row_fmt=fmts,
                     note=f"{tree.business_days_remaining} business days left in {ctx.period.label}"
                     if ctx.locale == "en" else
                     f"{ctx.period.label} の残り営業日: {tree.business_days_remaining}日"))
        lev_rows, lev_fmt = [], []
        for r in tree.sensitivity.itertuples():
            lev_rows.append([DRIVER_LABELS[r.driver][ctx.locale], _num(r.current),
                             _num(r.benchmark), _num(r.plus_10pct_change),
                             _num(r.change_at_benchmark), r.rank])
            lev_fmt.append({"conversion": "pct", "win_rate": "pct", "avg_deal_size": "currency"}
                           .get(r.driver, "number"))
        sh.add(Table("levers", ctx.L("levers"),
                     [Column("driver", ctx.L("driver"), "text"),
                      Column("current", ctx.L("current"), "auto"),
                      Column("benchmark", ctx.L("benchmark"), "auto"),
                      Column("plus10", ctx.L("plus10"), "currency"),
                      Column("at_benchmark", ctx.L("at_benchmark"), "currency"),
                      Column("rank", ctx.L("rank"), "int")], lev_rows, row_fmt=lev_fmt))
    sh.add(_at_risk_table(ctx, risk[risk["rep"] == rep], "at_risk"))
    return sh


def _cohort_table(ctx: _Ctx, metric: str, name: str, months: int = 12) -> Table:
    m = cohort_retention(ctx.ds, metric=metric, max_months=months, as_of=ctx.as_of)
    m = m[m.index >= pd.Timestamp(ctx.months[0].start) - pd.DateOffset(months=12)]
    offsets = [c for c in m.columns if isinstance(c, int)]
    cols = [Column("cohort", ctx.L("cohort"), "text"), Column("size", ctx.L("size"), "int")]
    cols += [Column(f"m{k}", f"+{k}", "pct") for k in offsets]
    rows = [[pd.Timestamp(idx).strftime("%Y-%m"), _num(float(r["cohort_size"]))]
            + [_num(r[k]) for k in offsets] for idx, r in m.iterrows()]
    title = ctx.L("cohort_customers" if metric == "customers" else "cohort_revenue")
    return Table(name, title, cols, rows, conditional=[Conditional("*", "scale")])


def _churn_sheet(ctx: _Ctx, name: str, risk: pd.DataFrame) -> Sheet:
    sh = Sheet(name, "churn", ctx.L("churn_title"))
    ctx.header(sh, ctx.L("churn_title"))
    sh.add(*_churn_trend(ctx, "churn_trend"))
    sh.add(_cohort_table(ctx, "customers", "cohort_customers"))
    sh.add(_cohort_table(ctx, "revenue", "cohort_revenue"))
    sh.add(_at_risk_table(ctx, risk, "at_risk"))
    return sh


def _external_sheet(ctx: _Ctx, name: str) -> Sheet:
    ds = ctx.ds
    ext = ds.external
    sh = Sheet(name, "external", ctx.L("external_title"))
    ctx.header(sh, ctx.L("external_title"))
    act = actuals(ds, "revenue", by=None, start=ctx.window_start, end=ctx.window_end, freq="M")
    rev = act.set_index("period")["actual"] if len(act) else pd.Series(dtype=float)
    valued = ext[ext["value"].notna()].copy()
    valued["month"] = valued["date"].dt.to_period("M").dt.to_timestamp()
    pivot = valued.pivot_table(index="month", columns="factor", values="value", aggfunc="mean")
    factors = list(pivot.columns)
    rows = []
    for m in ctx.months:
        ts = pd.Timestamp(m.start)
        rows.append([m.label, float(rev.get(ts, 0.0))]
                    + [_num(pivot.at[ts, f]) if ts in pivot.index else None for f in factors])
    cols = [Column("month", ctx.L("month"), "text"),
            Column("revenue", ctx.L("revenue"), "currency")]
    cols += [Column(f"f{i}", str(f), "number") for i, f in enumerate(factors)]
    series = [Series("revenue")] + [Series(f"f{i}", kind="line", secondary=True)
                                    for i in range(len(factors))]
    sh.add(Table("external", ctx.L("external_title"), cols, rows),
           Chart("column", ctx.L("external_title"), "external", "month", series,
                 y_format="currency", width_cols=10))
    events = ext[ext["note"].notna()].sort_values("date")
    sh.add(Table("events", ctx.L("events"),
                 [Column("date", ctx.L("date"), "date"), Column("factor", ctx.L("factor"), "text"),
                  Column("note", ctx.L("note"), "text")],
                 _records(events, ["date", "factor", "note"])))
    return sh


def build_report(ds: Dataset, *, as_of: dt.date | None = None, period: Period | None = None,
                 locale: str | None = None, generated_at: dt.datetime | None = None,
                 progress: Progress | None = None) -> Report:
    """Lay out the whole report for ``ds``.

    ``as_of`` defaults to the last date in the data; ``period`` to the month containing it;
    ``locale`` to the settings' locale; ``generated_at`` to now (pass a fixed value for
    reproducible output). ``progress.step(i, n, rep)`` is called before each rep tab.
    """
    st = ds.settings
    locale = locale or st.locale
    as_of = as_of or ds.data_end() or dt.date.today()
    period = period or period_containing(as_of, "month", st.fiscal_year_start)
    generated_at = generated_at or dt.datetime.now().replace(microsecond=0)
    ctx = _Ctx(ds, as_of, period, locale, generated_at)
    risk = at_risk_customers(ds, as_of=as_of, locale=locale)
    reps = [r for r in ds.reps.loc[ds.reps["active"], "rep"].dropna().tolist()]
    fixed = [_l("dashboard", locale), _l("churn", locale)]
    has_external = len(ds.external) > 0
    if has_external:
        fixed.append(_l("external", locale))
    names = unique_sheet_names([*fixed, *reps])
    sheets = [_dashboard(ctx, names[0], risk)]
    for i, rep in enumerate(reps):
        if progress:
            progress.step(i + 1, len(reps), rep)
        sheets.append(_rep_sheet(ctx, names[len(fixed) + i], rep, risk))
    sheets.append(_churn_sheet(ctx, names[1], risk))
    if has_external:
        sheets.append(_external_sheet(ctx, names[2]))
    return Report(sheets, locale, st.currency, generated_at, ds.source, as_of,
                  st.definitions(locale))
