"""Report layout: :class:`~kpi_xl.figures.Figures` → :class:`~kpi_xl.report.model.Report`
(pure, no I/O, no computation: every number comes from the figures).

Sheets: the dashboard, one tab per active rep, churn, and external factors (when present).
Every sheet opens with its title and a line saying when, from what data and as of which date it
was generated, followed by the metric definitions in force, and ends with a footnote naming
every excluded input row and every range read from outside an Excel table.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from ..calendar import Period
from ..dataset import Dataset
from ..figures import Figures, Window, compute_figures
from ..i18n import catalog, exclusion_text, outside_text, risk_reasons, text
from ..metric_registry import metric_def
from ..progress import SILENT, Progress
from ..schema import activity_label, stage_label
from ..units import format_amount
from .model import Chart, Column, Conditional, Report, Series, Sheet, Table
from .naming import unique_sheet_names

__all__ = ["build_report", "layout"]


def _num(v: object) -> object:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def _records(df: pd.DataFrame, cols: list[str]) -> list[list[object]]:
    return [[_num(v) for v in row] for row in df[cols].itertuples(index=False, name=None)]


class _Ctx:
    """The figures being laid out, the locale and the "generated" line."""

    def __init__(self, fig: Figures, locale: str, generated_at: dt.datetime) -> None:
        self.fig, self.locale, self.generated_at = fig, locale, generated_at
        # each rep tab's rows, split once (not filtered again per tab)
        self._split = {name: {k: g for k, g in frame.groupby(col, sort=False)} if len(frame)
                       else {} for name, frame, col in (
                           ("scorecard", fig.scorecard_rep, "group"),
                           ("trend", fig.rep_trend, "rep"), ("funnel", fig.funnel_rep, "rep"),
                           ("mix", fig.activity_mix, "rep"), ("risk", fig.at_risk, "rep"))}
        self._empty = {"scorecard": fig.scorecard_rep, "trend": fig.rep_trend,
                       "funnel": fig.funnel_rep, "mix": fig.activity_mix, "risk": fig.at_risk}

    def of(self, name: str, rep: str) -> pd.DataFrame:
        """The rows of one rep in figures table ``name`` (an empty frame when none)."""
        got = self._split[name].get(rep)
        return got if got is not None else self._empty[name].iloc[0:0]

    def L(self, key: str, **kw: object) -> str:
        return text(key, self.locale, **kw)

    def window(self, what: str, w: Window) -> str:
        if w.all_time:
            return self.L("note.window_all", what=what)
        return self.L("note.window", what=what, start=w.start.isoformat(), end=w.end.isoformat())

    def notes(self, *parts: str) -> str:
        """Metric notes (English keys such as "no target") worded in the locale."""
        cat = catalog(self.locale)
        out = []
        for part in parts:
            for p in str(part or "").split("; "):
                if p:
                    out.append(cat.get(f"pace.{p.replace(' ', '_')}", p))
        return "; ".join(dict.fromkeys(out))

    def header(self, sheet: Sheet, title: str) -> None:
        fig = self.fig
        sheet.add_text([title], "title")
        sheet.add_text([self.L("generated", at=self.generated_at.strftime("%Y-%m-%d %H:%M"),
                               src=fig.source, asof=fig.as_of.isoformat(),
                               p=fig.period.label)], "subtitle")
        defs = [f"{self.L('definitions')}:"] + [f"  {k}: {v}" for k, v in
                                                fig.definitions(self.locale).items()]
        sheet.add_text(defs, "note")

    def footnote(self, sheet: Sheet) -> None:
        fig = self.fig
        lines = [exclusion_text(e, self.locale) for e in fig.exclusions]
        lines += [outside_text(o, self.locale) for o in fig.outside_rows]
        if lines:
            sheet.add_text([self.L("note.footnote"), *(f"  {x}" for x in lines)], "note")


def _metric_label(ctx: _Ctx, metric: str) -> str:
    return metric_def(metric, ctx.fig.settings).label(ctx.locale)


def _scorecard_table(ctx: _Ctx, card: pd.DataFrame, name: str) -> Table:
    cols = [Column("metric", ctx.L("metric"), "text"), Column("target", ctx.L("target"), "auto"),
            Column("actual", ctx.L("actual"), "auto"),
            Column("achievement", ctx.L("achievement"), "pct"),
            Column("pace", ctx.L("pace"), "pct"),
            Column("forecast", ctx.L("forecast"), "auto"), Column("gap", ctx.L("gap"), "auto"),
            Column("required_per_day", ctx.L("required"), "auto"),
            Column("note", ctx.L("note"), "longtext")]
    rows, fmts = [], []
    for r in card.itertuples():
        missing = (ctx.L("note.no_target_months", months=r.months_without_target)
                   if r.months_without_target and not math.isnan(r.target) else "")
        note = ctx.notes(r.note, missing)
        rows.append([_metric_label(ctx, r.metric), _num(r.target), _num(r.actual),
                     _num(r.achievement), _num(r.pace), _num(r.forecast), _num(r.gap),
                     _num(r.required_per_day), note or None])
        fmts.append("currency" if r.unit == "currency" else "number")
    return Table(name, ctx.L("scorecard", p=ctx.fig.period.label), cols, rows,
                 conditional=[Conditional("achievement"), Conditional("pace")], row_fmt=fmts)


def _basis_note(ctx: _Ctx) -> str:
    fig = ctx.fig
    return ctx.L("note.revenue_basis", basis=ctx.L(f"basis.{fig.revenue_basis}"),
                 why=ctx.L(f"def.revenue.why.{fig.revenue_basis_reason}"))


def _revenue_trend(ctx: _Ctx, name: str) -> tuple[Table, Chart]:
    fig = ctx.fig
    other = "orders" if fig.revenue_basis == "won_deals" else "won_deals"
    rows = []
    for r in fig.trend.itertuples():
        note = ctx.L("note.basis_empty", basis=ctx.L(f"basis.{fig.revenue_basis}"),
                     other=ctx.L(f"basis.{other}"),
                     amount=format_amount(r.other_basis, fig.currency)) if r.note else None
        rows.append([r.month, _num(r.target), _num(r.actual), _num(r.achievement), note])
    table = Table(name, ctx.L("revenue_trend"),
                  [Column("month", ctx.L("month"), "text"),
                   Column("target", ctx.L("target"), "currency"),
                   Column("actual", ctx.L("actual"), "currency"),
                   Column("achievement", ctx.L("achievement"), "pct"),
                   Column("note", ctx.L("note"), "longtext")], rows,
                  conditional=[Conditional("achievement")], note=_basis_note(ctx))
    chart = Chart("column", ctx.L("revenue_trend"), name, "month",
                  [Series("actual"), Series("target", kind="line")], y_format="currency",
                  width_cols=10)
    return table, chart


def _funnel(ctx: _Ctx, f: pd.DataFrame, name: str) -> tuple[Table, Chart]:
    fig = ctx.fig
    definition = f["definition"].iloc[0] if len(f) else fig.settings.conversion_basis
    rows = [[stage_label(r.stage, ctx.locale), _num(float(r.reached)),
             _num(r.conversion_from_previous), _num(r.conversion_from_first)]
            for r in f.itertuples()]
    title = ctx.L("funnel", d=definition)
    table = Table(name, title,
                  [Column("stage", ctx.L("stage"), "text"),
                   Column("reached", ctx.L("reached"), "int"),
                   Column("conv_prev", ctx.L("conv_prev"), "pct"),
                   Column("conv_first", ctx.L("conv_first"), "pct")], rows,
                  note=ctx.window(ctx.L("funnel_window"), fig.funnel_window))
    chart = Chart("bar", title, name, "stage", [Series("reached")], y_format="int")
    return table, chart


def _churn_trend(ctx: _Ctx, name: str) -> tuple[Table, Chart]:
    rows = []
    for r in ctx.fig.churn_trend.itertuples():
        label = pd.Timestamp(r.period_start).strftime("%Y-%m")
        note = ctx.L(f"note.{r.note}") if r.note == "before_data" else None
        rows.append([label, _num(r.active_at_start), _num(r.new), _num(r.reactivated),
                     _num(r.churned), _num(r.logo_churn), _num(r.grr), _num(r.nrr), note])
    table = Table(name, ctx.L("churn_trend"),
                  [Column("month", ctx.L("month"), "text"),
                   Column("active_at_start", ctx.L("active_start"), "int"),
                   Column("new", ctx.L("new"), "int"),
                   Column("reactivated", ctx.L("reactivated"), "int"),
                   Column("churned", ctx.L("churned"), "int"),
                   Column("logo_churn", ctx.L("logo_churn"), "pct"),
                   Column("grr", ctx.L("grr"), "pct"), Column("nrr", ctx.L("nrr"), "pct"),
                   Column("note", ctx.L("note"), "longtext")], rows)
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
    rows = [[*map(_num, (r.customer, r.name, r.rep, r.last_order, r.revenue_at_risk)),
             risk_reasons(r, ctx.locale)] for r in risk.itertuples()]
    return Table(name, ctx.L("at_risk"), cols, rows)


def _dashboard(ctx: _Ctx, name: str) -> Sheet:
    fig = ctx.fig
    sh = Sheet(name, "dashboard", ctx.L("dashboard_title"))
    ctx.header(sh, ctx.L("dashboard_title"))
    sh.add(_scorecard_table(ctx, fig.scorecard, "scorecard"))
    sh.add(*_revenue_trend(ctx, "revenue_trend"))
    if fig.tree is not None:  # order-only books (no pipeline) have no funnel
        sh.add(*_funnel(ctx, fig.funnel, "funnel"))
    sh.add(*_churn_trend(ctx, "churn_trend"))
    reps = fig.scorecard_rep[fig.scorecard_rep["metric"] == "revenue"]
    reps = reps.assign(team=reps["group"].map(fig.rep_team)).sort_values(
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
    sh.add(_at_risk_table(ctx, fig.at_risk.head(15), "at_risk"))
    return sh


def _rep_trend(ctx: _Ctx, rep: str) -> tuple[Table, Chart]:
    t = ctx.of("trend", rep)
    extra = [m for m in ("won_deals", "leads", "visits", "calls") if m in t.columns]
    rows = []
    for r in t.itertuples():
        target = _num(r.target)
        rows.append([r.month, target, r.revenue, (r.revenue / target) if target else None,
                     *(getattr(r, m) for m in extra)])
    cols = [Column("month", ctx.L("month"), "text"),
            Column("target", ctx.L("target"), "currency"),
            Column("actual", ctx.L("actual"), "currency"),
            Column("achievement", ctx.L("achievement"), "pct")]
    cols += [Column(m, _metric_label(ctx, m), "int") for m in extra]
    table = Table("trend", ctx.L("trend"), cols, rows, conditional=[Conditional("achievement")],
                  note=_basis_note(ctx))
    chart = Chart("column", ctx.L("trend"), "trend", "month",
                  [Series("actual"), Series("target", kind="line")], y_format="currency",
                  width_cols=10)
    return table, chart


def _tree_tables(ctx: _Ctx, rep: str) -> list[Table]:
    fig = ctx.fig
    tree = fig.rep_trees[rep]
    plan_rows, fmts = [], []
    cat = catalog(ctx.locale)
    for r in tree.plan.itertuples():
        label = cat.get(f"quantity.{r.quantity}") or activity_label(r.quantity, ctx.locale)
        plan_rows.append([label, _num(r.needed), _num(r.per_month), _num(r.per_business_day),
                          r.note or None])
        fmts.append("currency" if r.quantity == "revenue" else "number")
    plan = Table("plan", ctx.L("plan"),
                 [Column("quantity", ctx.L("quantity"), "text"),
                  Column("needed", ctx.L("needed"), "auto"),
                  Column("per_month", ctx.L("per_month"), "auto"),
                  Column("per_day", ctx.L("per_day"), "auto"),
                  Column("note", ctx.L("note"), "text")], plan_rows, row_fmt=fmts,
                 note=ctx.L("note.days_left", days=tree.business_days_remaining,
                            period=fig.period.label))
    rec = tree.reconciliation
    lev_rows, lev_fmt = [], []
    for r in tree.levers.itertuples():
        lev_rows.append([ctx.L(f"driver.{r.driver}"), _num(r.current), _num(r.benchmark),
                         _num(r.gain_per_month), r.rank])
        lev_fmt.append({"conversion": "pct", "win_rate": "pct", "avg_deal_size": "currency"}
                       .get(r.driver, "number"))
    diff = rec["difference"]
    check = ctx.L("note.tree_check", start=tree.window[0].isoformat(),
                  end=tree.window[1].isoformat(),
                  run=format_amount(rec["run_rate"], fig.currency),
                  actual=format_amount(rec["actual_per_month"], fig.currency),
                  diff="—" if math.isnan(diff) else f"{diff:+.1%}",
                  tol=f"{rec['tolerance']:.0%}", entered=f"{rec['opportunities_entered']:.0f}",
                  decided=f"{rec['opportunities_decided']:.0f}")
    levers = Table("levers", ctx.L("levers"),
                   [Column("driver", ctx.L("driver"), "text"),
                    Column("current", ctx.L("current"), "auto"),
                    Column("benchmark", ctx.L("benchmark"), "auto"),
                    Column("gain", ctx.L("at_benchmark"), "currency"),
                    Column("rank", ctx.L("rank"), "int")], lev_rows, row_fmt=lev_fmt,
                   note=ctx.L("note.levers", n=tree.benchmark_reps) + " " + check)
    return [plan, levers]


def _rep_sheet(ctx: _Ctx, name: str, rep: str) -> Sheet:
    fig = ctx.fig
    team = fig.rep_team.get(rep)
    title = f"{rep}" + (f" · {team}" if team and team != rep else "")
    sh = Sheet(name, "rep", title, rep=rep)
    ctx.header(sh, title)
    sh.add(_scorecard_table(ctx, ctx.of("scorecard", rep), "scorecard"))
    sh.add(*_rep_trend(ctx, rep))
    if fig.tree is not None:
        sh.add(*_funnel(ctx, ctx.of("funnel", rep), "funnel"))
    if len(fig.activity_mix):
        counts = ctx.of("mix", rep).set_index("type")["count"]
        rows = [[activity_label(k, ctx.locale), float(counts.get(k, 0))]
                for k in fig.settings.activity_types if counts.get(k, 0) > 0]
        table = Table("activity_mix", ctx.L("activity_mix"),
                      [Column("activity", ctx.L("activity"), "text"),
                       Column("count", ctx.L("count"), "int")], rows,
                      note=ctx.window(ctx.L("activity"), fig.activity_window))
        sh.add(table, Chart("doughnut", ctx.L("activity_mix"), "activity_mix", "activity",
                            [Series("count")], width_cols=7))
    if rep in fig.rep_trees:  # the KPI tree starts from the pipeline
        for t in _tree_tables(ctx, rep):
            sh.add(t)
    sh.add(_at_risk_table(ctx, ctx.of("risk", rep), "at_risk"))
    return sh


def _cohort_table(ctx: _Ctx, m: pd.DataFrame, metric: str, name: str) -> Table:
    offsets = [c for c in m.columns if isinstance(c, int)]
    cols = [Column("cohort", ctx.L("cohort"), "text"), Column("size", ctx.L("size"), "int")]
    cols += [Column(f"m{k}", f"+{k}", "pct") for k in offsets]
    rows = [[pd.Timestamp(idx).strftime("%Y-%m"), _num(float(r["cohort_size"]))]
            + [_num(r[k]) for k in offsets] for idx, r in m.iterrows()]
    title = ctx.L("cohort_customers" if metric == "customers" else "cohort_revenue")
    return Table(name, title, cols, rows, conditional=[Conditional("*", "scale")])


def _churn_sheet(ctx: _Ctx, name: str) -> Sheet:
    fig = ctx.fig
    sh = Sheet(name, "churn", ctx.L("churn_title"))
    ctx.header(sh, ctx.L("churn_title"))
    sh.add(*_churn_trend(ctx, "churn_trend"))
    sh.add(_cohort_table(ctx, fig.cohort_customers, "customers", "cohort_customers"))
    sh.add(_cohort_table(ctx, fig.cohort_revenue, "revenue", "cohort_revenue"))
    sh.add(_at_risk_table(ctx, fig.at_risk, "at_risk"))
    return sh


def _external_sheet(ctx: _Ctx, name: str) -> Sheet:
    fig = ctx.fig
    sh = Sheet(name, "external", ctx.L("external_title"))
    ctx.header(sh, ctx.L("external_title"))
    factors = [c for c in fig.external.columns if c not in ("month", "revenue")]
    rows = _records(fig.external, ["month", "revenue", *factors])
    cols = [Column("month", ctx.L("month"), "text"),
            Column("revenue", ctx.L("revenue"), "currency")]
    cols += [Column(f"f{i}", str(f), "number") for i, f in enumerate(factors)]
    series = [Series("revenue")] + [Series(f"f{i}", kind="line", secondary=True)
                                    for i in range(len(factors))]
    sh.add(Table("external", ctx.L("external_title"), cols, rows),
           Chart("column", ctx.L("external_title"), "external", "month", series,
                 y_format="currency", width_cols=10))
    sh.add(Table("events", ctx.L("events"),
                 [Column("date", ctx.L("date"), "date"), Column("factor", ctx.L("factor"), "text"),
                  Column("note", ctx.L("note"), "text")],
                 _records(fig.external_events, ["date", "factor", "note"])))
    return sh


def layout(fig: Figures, *, locale: str | None = None, generated_at: dt.datetime | None = None,
           progress: Progress = SILENT) -> Report:
    """Lay out every sheet of the report from ``fig`` (no figure is computed here).

    ``locale`` defaults to the settings' locale; ``generated_at`` to now (pass a fixed value
    for reproducible output). ``progress.step(i, n, rep)`` is called before each rep tab.
    """
    st = fig.settings
    locale = locale or st.locale
    generated_at = generated_at or dt.datetime.now().replace(microsecond=0)
    ctx = _Ctx(fig, locale, generated_at)
    fixed = [text("dashboard", locale), text("churn", locale)]
    has_external = len(fig.external.columns) > 2 or len(fig.external_events) > 0
    if has_external:
        fixed.append(text("external", locale))
    names = unique_sheet_names([*fixed, *fig.reps])
    sheets = [_dashboard(ctx, names[0])]
    for i, rep in enumerate(fig.reps):
        progress.step(i + 1, len(fig.reps), rep)
        sheets.append(_rep_sheet(ctx, names[len(fixed) + i], rep))
    sheets.append(_churn_sheet(ctx, names[1]))
    if has_external:
        sheets.append(_external_sheet(ctx, names[2]))
    for sheet in sheets:
        ctx.footnote(sheet)
    return Report(sheets, locale, st.currency, generated_at, fig.source, fig.as_of,
                  fig.definitions(locale))


def build_report(ds: Dataset, *, as_of: dt.date | None = None, period: Period | None = None,
                 locale: str | None = None, generated_at: dt.datetime | None = None,
                 progress: Progress = SILENT) -> Report:
    """:func:`~kpi_xl.figures.compute_figures` then :func:`layout` — the whole report of
    ``ds`` (``as_of`` defaults to the last date in the data, ``period`` to its month)."""
    return layout(compute_figures(ds, period, as_of), locale=locale, generated_at=generated_at,
                  progress=progress)
