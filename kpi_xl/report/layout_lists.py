"""Tables and charts of the follow-up sections: stalled deals, activity, at-risk customers,
churn and cohorts, the KPI tree, external factors and the definitions — each a projection of
:class:`~kpi_xl.figures.Figures` (see :mod:`kpi_xl.report.layout_context`)."""

from __future__ import annotations

import math

import pandas as pd

from ..i18n import catalog
from ..schema import activity_label, stage_label
from .layout_context import LayoutContext, num, records, tuples_of, wrap_text
from .model import Chart, Column, Conditional, Series, Sheet, Table

__all__ = ["activity_ranking_section", "at_risk_table", "churn_section", "cohort_table",
           "definitions_sheet_tables", "external_tables", "rep_activity_sections",
           "stalled_table", "tree_tables"]

_DEFINITION_WIDTH = 96


def stalled_table(ctx: LayoutContext, stalled: pd.DataFrame, name: str, top: int | None
                  ) -> Table:
    """Open deals stuck in their stage or past their expected close, largest amount first:
    rep, customer, amount, stage, days in stage, the typical days and why."""
    fig = ctx.fig
    n = fig.settings.stall_factor
    factor = f"{n:g}"
    shown = stalled.head(top) if top else stalled
    rows = []
    for r in tuples_of(shown):
        why = [ctx.L(f"stl.reason.{k}") for k in ("stalled", "overdue") if getattr(r, k)]
        rows.append([r.opportunity_id, r.rep, ctx.amount(r.amount),
                     stage_label(r.stage, ctx.locale),
                     None if math.isnan(r.days_in_stage) else int(r.days_in_stage),
                     None if math.isnan(r.typical_days) else round(float(r.typical_days)),
                     num(r.expected_close),
                     None if math.isnan(r.days_overdue) else int(r.days_overdue),
                     ctx.L("list.sep").join(why), num(r.name) or num(r.customer)])
    cols = [Column("opportunity", ctx.L("opportunity"), "text"),
            Column("rep", ctx.L("rep"), "text"), ctx.amount_column("amount", "amount"),
            Column("stage", ctx.L("stage"), "text"),
            Column("days", ctx.L("days_in_stage"), "days"),
            Column("typical", ctx.L("typical_days"), "days"),
            Column("expected", ctx.L("expected_close"), "date"),
            Column("overdue", ctx.L("days_overdue"), "days"),
            Column("reason", ctx.L("reasons"), "text"),
            Column("name", ctx.L("name"), "longtext")]
    title = ctx.in_unit(ctx.L("stalled", n=top) if top else ctx.L("stalled_rep"))
    note = ctx.L("note.stalled", n=len(stalled), stalled=int(stalled["stalled"].sum()),
                 overdue=int(stalled["overdue"].sum()), factor=factor) if len(stalled) else ""
    empty = ctx.L("why.no_stalled") if fig.data_rows.get("opportunities") else ctx.L(
        "why.no_pipeline")
    return Table(name, title, cols, rows, note=note, empty=empty)


def _types(ctx: LayoutContext) -> list[str]:
    done = set(ctx.fig.activity_ranking["type"]) if len(ctx.fig.activity_ranking) else set()
    return [t for t in ctx.fig.settings.activity_types if t in done]


def activity_ranking_section(ctx: LayoutContext) -> tuple[Table, list[Chart]]:
    """Every rep's activities per business day (all, and by type) against the team median,
    ranked, with the activities per won deal; the chart labels every rep."""
    fig = ctx.fig
    rk = fig.activity_ranking
    w = fig.ranking_window
    days = int(rk["business_days"].iloc[0]) if len(rk) else 0
    total = rk[rk["type"] == "activities"].sort_values(["rank", "rep"])
    per_type = rk.set_index(["rep", "type"])["per_day"] if len(rk) else pd.Series(dtype=float)
    per_won = fig.activity_per_won.set_index("rep")["per_won"]
    types = _types(ctx)
    rows = []
    for r in tuples_of(total):
        rows.append([r.rank, r.rep, num(r.per_day), num(r.vs_median),
                     *(num(per_type.get((r.rep, t))) for t in types),
                     num(per_won.get(r.rep))])
    cols = [Column("rank", ctx.L("rank"), "int"), Column("rep", ctx.L("rep"), "text"),
            Column("total", ctx.L("rk.total"), "number"),
            Column("vs_median", ctx.L("rk.vs_median"), "pct")]
    cols += [Column(f"t_{t}", ctx.L("rk.per_day", type=activity_label(t, ctx.locale)), "number")
             for t in types]
    cols.append(Column("per_won", ctx.L("rk.per_won"), "number"))
    median = float(total["team_median"].iloc[0]) if len(total) else math.nan
    note = ctx.L("note.ranking", median="—" if math.isnan(median) else f"{median:.1f}",
                 start=fig.trend_window.start.isoformat(), end=fig.trend_window.end.isoformat())
    table = Table("ranking", ctx.L("ranking", start=w.start.isoformat(), end=w.end.isoformat(),
                                   days=days), cols, rows,
                  conditional=[Conditional("vs_median", low=0.8, high=1.0)], note=note,
                  empty=ctx.L("why.no_activities") if not fig.data_rows.get("activities")
                  else ctx.L("why.not_started"))
    chart = Chart("bar", ctx.L("rk.total"), "ranking", "rep", [Series("total")],
                  y_format="number", every_category=True, width_cols=7,
                  height_rows=ctx.category_rows(len(rows)))
    return table, ctx.chart(table, chart)


def rep_activity_sections(ctx: LayoutContext, rep: str) -> list[tuple[Table, list[Chart]]]:
    """One rep against the team: per business day by type (own, team median, ratio, rank),
    then the rep's own month-by-month trend beside the team median."""
    fig = ctx.fig
    rk = ctx.of("ranking", rep)
    n_reps = len(fig.reps)
    w = fig.ranking_window
    rows = []
    for kind in [*_types(ctx), "activities"]:
        r = rk[rk["type"] == kind]
        if not len(r):
            continue
        r = r.iloc[0]
        label = ctx.L("activities") if kind == "activities" else activity_label(kind, ctx.locale)
        rows.append([label, num(r["per_day"]), num(r["team_median"]), num(r["vs_median"]),
                     num(r["rank"])])
    vs = Table("act_vs_team", ctx.L("act_vs_team", start=w.start.isoformat(),
                                    end=w.end.isoformat()),
               [Column("activity", ctx.L("activity"), "text"),
                Column("own", ctx.L("act.own"), "number"),
                Column("median", ctx.L("act.median"), "number"),
                Column("vs_median", ctx.L("rk.vs_median"), "pct"),
                Column("rank", ctx.L("act.rank", n=n_reps), "int")], rows,
               conditional=[Conditional("vs_median", low=0.8, high=1.0)],
               note=ctx.L("note.vs_median"), empty=ctx.L("why.no_activities"))
    tr = ctx.of("act_trend", rep)
    trows = [[r.month, num(r.per_day), num(r.team_median)] for r in tuples_of(tr)]
    trend = Table("act_trend", ctx.L("act_trend"),
                  [Column("month", ctx.L("month"), "text"),
                   Column("own", ctx.L("act.own"), "number"),
                   Column("median", ctx.L("act.median"), "number")], trows,
                  note=ctx.L("note.activity_trend"), empty=ctx.L("why.no_activities"))
    chart = Chart("line", ctx.L("act_trend"), "act_trend", "month",
                  [Series("own"), Series("median")], y_format="number", width_cols=8)
    return [(vs, []), (trend, ctx.chart(trend, chart))]


def at_risk_table(ctx: LayoutContext, risk: pd.DataFrame, name: str, top: int | None = None,
                  rep: str | None = None) -> Table:
    """At-risk customers, largest revenue at risk first, with how many were flagged and why."""
    fig = ctx.fig
    shown = risk.head(top) if top else risk
    cols = [Column("name", ctx.L("name"), "text"), Column("customer", ctx.L("customer"), "text"),
            Column("rep", ctx.L("rep"), "text"),
            Column("last_order", ctx.L("last_order"), "date"),
            ctx.amount_column("revenue_at_risk", "revenue_at_risk"),
            Column("interval", ctx.L("risk.col.interval"), "text"),
            Column("volume", ctx.L("risk.col.volume"), "change"),
            Column("frequency", ctx.L("risk.col.frequency"), "change")]
    rows = []
    for r in tuples_of(shown):
        interval = (ctx.L("risk.cell.interval", days=int(r.days_since_last),
                          gap=f"{r.median_interval_days:.0f}") if r.interval_flag else None)
        rows.append([*map(num, (r.name, r.customer, r.rep, r.last_order)),
                     ctx.amount(r.revenue_at_risk), interval,
                     -float(r.amount_drop) if r.volume_flag else None,
                     -float(r.frequency_drop) if r.frequency_flag else None])
    s = fig.at_risk_summary if rep is None else fig.at_risk_summary_rep.get(rep, {})
    note = ctx.L("note.at_risk_summary", **s) if s.get("active") else ""
    empty = ctx.L("why.no_at_risk") if fig.data_rows.get("orders") else ctx.L("why.no_orders")
    return Table(name, ctx.in_unit(ctx.L("at_risk")), cols, rows, note=note, empty=empty)


def churn_section(ctx: LayoutContext, name: str) -> tuple[Table, list[Chart]]:
    """Churn and retention by month; the churn rate (a few %) on its own axis beside GRR/NRR
    (around 100 %)."""
    rows = []
    for r in tuples_of(ctx.fig.churn_trend):
        label = pd.Timestamp(r.period_start).strftime("%Y-%m")
        note = ctx.L(f"note.{r.note}") if r.note == "before_data" else None
        rows.append([label, *(None if num(v) is None else int(v) for v in (
            r.active_at_start, r.new, r.reactivated, r.churned)),
            num(r.logo_churn), num(r.grr), num(r.nrr), note])
    table = Table(name, ctx.L("churn_trend"),
                  [Column("month", ctx.L("month"), "text"),
                   Column("active_at_start", ctx.L("active_start"), "int"),
                   Column("new", ctx.L("new"), "int"),
                   Column("reactivated", ctx.L("reactivated"), "int"),
                   Column("churned", ctx.L("churned"), "int"),
                   Column("logo_churn", ctx.L("logo_churn"), "pct"),
                   Column("grr", ctx.L("grr"), "pct"), Column("nrr", ctx.L("nrr"), "pct"),
                   Column("note", ctx.L("note"), "longtext")], rows,
                  empty=ctx.L("why.no_orders"))
    has_customers = any(r[1] for r in rows)
    chart = Chart("line", ctx.L("churn_trend"), name, "month",
                  [Series("grr"), Series("nrr"), Series("logo_churn", secondary=True)],
                  y_format="pct", y_title="GRR・NRR" if ctx.locale == "ja" else "GRR, NRR",
                  y2_title=ctx.L("logo_churn"), width_cols=8)
    return table, (ctx.chart(table, chart) if has_customers else [])


def cohort_table(ctx: LayoutContext, m: pd.DataFrame, metric: str, name: str) -> Table:
    """A cohort matrix: retention as a share of customers, revenue as an index (first month
    = 100); customers from before the data are in no cohort (said in the note)."""
    offsets = [c for c in m.columns if isinstance(c, int)]
    revenue = metric == "revenue"
    cols = [Column("cohort", ctx.L("cohort"), "text"), Column("size", ctx.L("size"), "int")]
    cols += [Column(f"m{k}", f"+{k}", "index" if revenue else "pct") for k in offsets]
    rows = []
    for idx, r in m.iterrows():
        cells = [num(r[k]) for k in offsets]
        if revenue:
            cells = [None if v is None else v * 100 for v in cells]
        rows.append([pd.Timestamp(idx).strftime("%Y-%m"), int(r["cohort_size"]), *cells])
    n = ctx.fig.cohort_before_data
    note = ctx.L("note.cohort_index" if revenue else "note.cohort_customers", n=n)
    title = ctx.L("cohort_revenue" if revenue else "cohort_customers")
    return Table(name, title, cols, rows, conditional=[Conditional("*", "scale")], note=note,
                 empty=ctx.L("why.no_orders"))


def tree_tables(ctx: LayoutContext, rep: str) -> list[Table]:
    """The rep's KPI-tree back-solve (what is still needed, per month and business day) and
    the levers ranked."""
    fig = ctx.fig
    tree = fig.rep_trees[rep]
    cat = catalog(ctx.locale)
    plan_rows, fmts = [], []
    for r in tuples_of(tree.plan):
        label = cat.get(f"quantity.{r.quantity}") or activity_label(r.quantity, ctx.locale)
        money = r.quantity == "revenue"
        conv = ctx.amount if money else num
        if money:
            label = ctx.with_unit(label)
        plan_rows.append([label, conv(r.needed), conv(r.per_month), conv(r.per_business_day),
                          ctx.notes(r.note) or None])
        fmts.append(ctx.amount_fmt if money else "number")
    plan = Table("plan", ctx.L("plan"),
                 [Column("quantity", ctx.L("quantity"), "text"),
                  Column("needed", ctx.L("needed"), "auto", auto_map={"number": "int"}),
                  Column("per_month", ctx.L("per_month"), "auto"),
                  Column("per_day", ctx.L("per_day"), "auto"),
                  Column("note", ctx.L("note"), "longtext")], plan_rows, row_fmt=fmts,
                 note=ctx.L("note.days_left", days=tree.business_days_remaining,
                            period=fig.period.label))
    lev_rows, lev_fmt = [], []
    for r in tuples_of(tree.levers):
        money = r.driver == "avg_deal_size"
        conv = ctx.amount if money else num
        lev_rows.append([ctx.L(f"driver.{r.driver}"), conv(r.current), conv(r.benchmark),
                         ctx.amount(r.gain_per_month), r.rank])
        lev_fmt.append({"conversion": "pct", "win_rate": "pct"}.get(
            r.driver, ctx.amount_fmt if money else "number"))
    rec = tree.reconciliation
    diff = rec["difference"]
    check = ctx.L("note.tree_check", start=tree.window[0].isoformat(),
                  end=tree.window[1].isoformat(), run=ctx.money(rec["run_rate"]),
                  actual=ctx.money(rec["actual_per_month"]),
                  diff="—" if math.isnan(diff) else f"{diff:+.1%}",
                  tol=f"{rec['tolerance']:.0%}", entered=f"{rec['opportunities_entered']:.0f}",
                  decided=f"{rec['opportunities_decided']:.0f}")
    levers = Table("levers", ctx.in_unit(ctx.L("levers")),
                   [Column("driver", ctx.L("driver"), "text"),
                    Column("current", ctx.L("current"), "auto"),
                    Column("benchmark", ctx.L("benchmark"), "auto"),
                    ctx.amount_column("gain", "at_benchmark"),
                    Column("rank", ctx.L("rank"), "int")], lev_rows, row_fmt=lev_fmt,
                   note=ctx.L("note.levers", n=tree.benchmark_reps) + " " + check)
    return [plan, levers]


def activity_mix_section(ctx: LayoutContext, rep: str) -> tuple[Table, list[Chart]]:
    fig = ctx.fig
    counts = ctx.of("mix", rep).set_index("type")["count"]
    rows = [[activity_label(k, ctx.locale), int(counts.get(k, 0))]
            for k in fig.settings.activity_types if counts.get(k, 0) > 0]
    table = Table("activity_mix", ctx.L("activity_mix"),
                  [Column("activity", ctx.L("activity"), "text"),
                   Column("count", ctx.L("count"), "int")], rows,
                  note=ctx.window(ctx.L("activity"), fig.activity_window),
                  empty=ctx.L("why.no_activities"))
    chart = Chart("doughnut", ctx.L("activity_mix"), "activity_mix", "activity",
                  [Series("count")], width_cols=7)
    return table, ctx.chart(table, chart)


def external_tables(ctx: LayoutContext) -> list[tuple[Table, list[Chart]]]:
    fig = ctx.fig
    factors = [c for c in fig.external.columns if c not in ("month", "revenue")]
    rows = [[r[0], ctx.amount(r[1]), *r[2:]] for r in records(fig.external,
                                                               ["month", "revenue", *factors])]
    cols = [Column("month", ctx.L("month"), "text"), ctx.amount_column("revenue", "revenue")]
    cols += [Column(f"f{i}", str(f), "number") for i, f in enumerate(factors)]
    series = [Series("revenue")] + [Series(f"f{i}", kind="line", secondary=True)
                                    for i in range(len(factors))]
    table = Table("external", ctx.in_unit(ctx.L("external_title")), cols, rows)
    chart = Chart("column", ctx.L("external_title"), "external", "month", series,
                  y_format=ctx.amount_fmt, y_title=ctx.unit,
                  y2_title=", ".join(str(f) for f in factors), width_cols=10)
    events = Table("events", ctx.L("events"),
                   [Column("date", ctx.L("date"), "date"),
                    Column("factor", ctx.L("factor"), "text"),
                    Column("note", ctx.L("note"), "longtext")],
                   records(fig.external_events, ["date", "factor", "note"]))
    return [(table, ctx.chart(table, chart)), (events, [])]


def _definition_rows(ctx: LayoutContext, items: list[tuple[str, str]]) -> list[list[object]]:
    rows: list[list[object]] = []
    for name, meaning in items:
        for i, line in enumerate(wrap_text(meaning, _DEFINITION_WIDTH)):
            rows.append([name if i == 0 else None, line])
    return rows


def definitions_sheet_tables(ctx: LayoutContext, sheet: Sheet) -> None:
    """The 定義 / Definitions sheet: the named metric definitions in force and how every
    figure of the book is computed, in the book's language only."""
    fig = ctx.fig
    st = fig.settings
    defs = fig.definitions(ctx.locale)
    metrics = [(ctx.L(f"defname.{k}"), v) for k, v in defs.items()]
    probs = fig.stage_probabilities
    defaults = ", ".join(f"{stage_label(s, ctx.locale)} {(k + 1) / len(st.stages):.0%}"
                         for k, s in enumerate(st.stages[:-1]))
    factor = f"{st.at_risk_interval_factor:g}"
    texts = {
        "pace": ctx.L("def.pace"), "forecast": ctx.L("def.forecast"),
        "landing": ctx.L("def.landing"),
        "probability": ctx.L("def.probability", defaults=defaults),
        "stalled": ctx.L("def.stalled", n=f"{st.stall_factor:g}"),
        "comparison": ctx.L("def.comparison"), "t12m": ctx.L("def.t12m"),
        "ranking": ctx.L("def.ranking"),
        "at_risk": ctx.L("def.at_risk", factor=factor, drop=f"{st.at_risk_drop:.0%}"),
        "cohort": ctx.L("def.cohort", n=fig.cohort_before_data),
        "unit": ctx.L("def.unit", unit=ctx.unit), "colours": ctx.L("def.colours"),
    }
    items = [(ctx.L(f"defname.{k}"), v) for k, v in texts.items()]
    if len(probs):
        def one(r: object) -> str:
            return ctx.L("def.probability_value", stage=stage_label(r.stage, ctx.locale),
                         p=f"{r.probability:.0%}", source=ctx.L(f"source.{r.source}"))

        sep = "、" if ctx.locale == "ja" else ", "
        items.insert(4, (ctx.L("probability_values"),
                         sep.join(one(r) for r in tuples_of(probs))))
    cols = [Column("item", ctx.L("def.item"), "text"),
            Column("meaning", ctx.L("def.meaning"), "text", width=_DEFINITION_WIDTH + 2)]
    sheet.add(Table("metric_definitions", ctx.L("def.section.metrics"), cols,
                    _definition_rows(ctx, metrics)), gap=1)
    sheet.add(Table("figure_definitions", ctx.L("def.section.figures"), cols,
                    _definition_rows(ctx, items)), gap=1)
