"""Tables and charts of the performance sections: scorecard, comparisons, pipeline landing,
the rep ranking, revenue trends and the funnel — each a projection of
:class:`~kpi_xl.figures.Figures` (see :mod:`kpi_xl.report.layout_context`)."""

from __future__ import annotations

import math

import pandas as pd

from ..i18n import catalog
from ..schema import stage_label
from .layout_context import LayoutContext, num, tuples_of
from .model import Chart, Column, Conditional, Series, Table

__all__ = ["categories_table", "comparisons_table", "funnel_section", "landing_table",
           "leaderboard",
           "rep_trend_section", "revenue_trend_section", "scorecard_table"]

PACE = Conditional("achievement", by="pace")


def scorecard_table(ctx: LayoutContext, card: pd.DataFrame, name: str) -> Table:
    """Target, actual, achievement (coloured by pace), pace, run-rate landing, gap and what
    is needed per remaining business day; counts in whole numbers, amounts in the unit."""
    cols = [Column("metric", ctx.L("metric"), "text"), Column("target", ctx.L("target"), "auto"),
            Column("actual", ctx.L("actual"), "auto"),
            Column("achievement", ctx.L("achievement"), "pct"),
            Column("pace", ctx.L("pace"), "pct"),
            Column("forecast", ctx.L("forecast"), "auto"), Column("gap", ctx.L("gap"), "auto"),
            Column("required_per_day", ctx.L("required"), "auto", auto_map={"int": "number"}),
            Column("note", ctx.L("note"), "longtext")]
    rows, fmts = [], []
    for r in tuples_of(card):
        money = r.unit == "currency"
        missing = (ctx.L("note.no_target_months", months=r.months_without_target)
                   if r.months_without_target and not math.isnan(r.target) else "")
        note = ctx.notes(r.note, missing)
        conv = ctx.amount if money else num
        rows.append([ctx.metric_label(r.metric, r.unit), conv(r.target), conv(r.actual),
                     num(r.achievement), num(r.pace), conv(r.forecast), conv(r.gap),
                     conv(r.required_per_day), note or None])
        fmts.append(ctx.amount_fmt if money else "int")
    empty = "" if len(card) else ctx.L("why.no_targets")
    return Table(name, ctx.L("scorecard", p=ctx.fig.period.label), cols, rows,
                 conditional=[PACE, Conditional("pace")], row_fmt=fmts, empty=empty)


def _change_cell(ctx: LayoutContext, value: float, note: str, kind: str) -> object:
    if note:
        return ctx.L(f"cmp.{note}.{kind}")
    return num(value)


def comparisons_table(ctx: LayoutContext, cmp: pd.DataFrame, name: str) -> Table:
    """前年同月比・前月比 and the trailing 12 months, each beside its base value; a base
    before the data shows "no data", never 0 %."""
    fig = ctx.fig
    cols = [Column("metric", ctx.L("metric"), "text"),
            Column("current", ctx.L("cmp.current"), "auto"),
            Column("last_year", ctx.L("cmp.last_year"), "auto"),
            Column("yoy", ctx.L("cmp.yoy"), "change"),
            Column("previous_month", ctx.L("cmp.previous"), "auto"),
            Column("mom", ctx.L("cmp.mom"), "change"),
            Column("t12m", ctx.L("cmp.t12m"), "auto"),
            Column("t12m_last_year", ctx.L("cmp.t12m_last_year"), "auto"),
            Column("t12m_yoy", ctx.L("cmp.t12m_yoy"), "change")]
    rows, fmts = [], []
    for r in tuples_of(cmp):
        money = r.unit == "currency"
        conv = ctx.amount if money else num
        label = (ctx.L("activities") if r.metric == "activities"
                 else ctx.metric_label(r.metric, r.unit))
        rows.append([label, conv(r.current), conv(r.last_year),
                     _change_cell(ctx, r.yoy, r.yoy_note, "yoy"), conv(r.previous_month),
                     _change_cell(ctx, r.mom, r.mom_note, "mom"), conv(r.t12m),
                     conv(r.t12m_last_year), _change_cell(ctx, r.t12m_yoy, r.t12m_note, "t12m")])
        fmts.append(ctx.amount_fmt if money else "int")
    cut = fig.cut
    t12_start = (pd.Timestamp(cut) - pd.DateOffset(years=1) + pd.Timedelta(days=1)).date()
    note = ctx.L("note.comparisons", start=t12_start.isoformat(), end=cut.isoformat())
    return Table(name, ctx.L("comparisons", start=cut.replace(day=1).isoformat(),
                             end=cut.isoformat()), cols, rows, row_fmt=fmts, note=note,
                 empty=ctx.L("why.no_history"))


def _landing_row(ctx: LayoutContext, label: str, r: object, run_rate: float) -> list[object]:
    a = ctx.amount
    return [label, a(r.target), a(r.actual), a(run_rate), a(r.weighted), a(r.landing),
            num(r.landing_achievement), int(r.open_deals), a(r.open_amount)]


def landing_columns(ctx: LayoutContext, first: str) -> list[Column]:
    return [Column("who", ctx.L(first), "text"), ctx.amount_column("target", "target"),
            ctx.amount_column("actual", "actual"), ctx.amount_column("linear", "forecast"),
            ctx.amount_column("weighted", "land.weighted"),
            ctx.amount_column("landing", "land.landing"),
            Column("landing_achievement", ctx.L("land.achievement"), "pct"),
            Column("open", ctx.L("land.open"), "int"),
            ctx.amount_column("open_amount", "land.open_amount")]


def categories_table(ctx: LayoutContext, land: pd.DataFrame, name: str) -> Table | None:
    """The open deals closing in the period by forecast category (コミット / ベスト /
    パイプライン): deals, amount, and the landing counting each category onto the ones above
    it (None when the deals carry no category)."""
    fig = ctx.fig
    if not fig.forecast_categories or not len(land):
        return None
    r = land.iloc[0]
    a = ctx.amount
    landings = {"commit": r["landing_commit"], "best_case": r["landing_best"],
                "pipeline": r["landing_pipeline"]}
    rows = [[ctx.L(f"forecast.{k}"), int(r[f"{k}_deals"]), a(r[k]), a(landings[k])]
            for k in ("commit", "best_case", "pipeline")]
    return Table(name, ctx.in_unit(ctx.L("categories", p=fig.period.label)),
                 [Column("category", ctx.L("category"), "text"),
                  Column("deals", ctx.L("land.open"), "int"),
                  ctx.amount_column("amount", "amount"),
                  ctx.amount_column("landing", "category_landing")], rows,
                 note=ctx.L("note.categories"))


def landing_table(ctx: LayoutContext, land: pd.DataFrame, card: pd.DataFrame, label: str,
                  name: str) -> Table:
    """The landing from the pipeline (ヨミ) beside the run-rate landing: one row for
    ``land`` (everyone or one rep), with what was left out in the note."""
    fig = ctx.fig
    rev = card[card["metric"] == "revenue"]
    run = float(rev["forecast"].iloc[0]) if len(rev) else math.nan
    rows = [_landing_row(ctx, label, r, run) for r in tuples_of(land)]
    r = land.iloc[0] if len(land) else None
    note = "" if r is None else ctx.L(
        "note.landing", undated=int(r["undated_open"]), undated_amount=ctx.money(
            r["undated_amount"]), overdue=int(r["overdue_open"]),
        overdue_amount=ctx.money(r["overdue_amount"]))
    empty = ctx.L("why.no_pipeline") if not fig.data_rows.get("opportunities") else ""
    return Table(name, ctx.in_unit(ctx.L("landing", p=fig.period.label)),
                 landing_columns(ctx, "land.group"),
                 rows, conditional=[Conditional("landing_achievement")], note=note,
                 empty=empty)


def leaderboard(ctx: LayoutContext) -> tuple[Table, list[Chart]]:
    """Every rep: target, actual, achievement coloured by pace, pace, both landings; the
    chart labels every rep."""
    fig = ctx.fig
    reps = fig.scorecard_rep[fig.scorecard_rep["metric"] == "revenue"].set_index("group")
    land = fig.landing_rep.set_index("group")
    order = reps.assign(team=reps.index.map(fig.rep_team)).sort_values(
        ["achievement", "actual"], ascending=False, na_position="last")
    a = ctx.amount
    rows = []
    for rep, r in order.iterrows():
        lr = land.loc[rep] if rep in land.index else None
        rows.append([rep, num(r["team"]), a(r["target"]), a(r["actual"]), num(r["achievement"]),
                     num(r["pace"]), a(r["forecast"]),
                     a(lr["landing"]) if lr is not None else None,
                     num(lr["landing_achievement"]) if lr is not None else None])
    cols = [Column("rep", ctx.L("rep"), "text"), Column("team", ctx.L("team"), "text"),
            ctx.amount_column("target", "target"), ctx.amount_column("actual", "actual"),
            Column("achievement", ctx.L("achievement"), "pct"),
            Column("pace", ctx.L("pace"), "pct"), ctx.amount_column("forecast", "forecast"),
            ctx.amount_column("landing", "land.landing"),
            Column("landing_achievement", ctx.L("land.achievement"), "pct")]
    table = Table("leaderboard", ctx.in_unit(ctx.L("leaderboard", p=fig.period.label)), cols,
                  rows,
                  conditional=[PACE, Conditional("pace"), Conditional("landing_achievement")],
                  empty=ctx.L("why.no_targets"))
    chart = Chart("bar", ctx.L("leaderboard_chart"), "leaderboard", "rep",
                  [Series("achievement"), Series("landing_achievement")], y_format="pct",
                  every_category=True, width_cols=8, height_rows=ctx.category_rows(len(rows)))
    return table, ctx.chart(table, chart)


def revenue_trend_section(ctx: LayoutContext, name: str) -> tuple[Table, list[Chart]]:
    """Revenue by month against the target, last year's month and the moving annual total;
    achievement coloured by pace (the running month by its business-day pace)."""
    fig = ctx.fig
    other = "orders" if fig.revenue_basis == "won_deals" else "won_deals"
    a = ctx.amount
    rows, notes = [], []
    for r in tuples_of(fig.trend):
        if r.note:
            notes.append(f"{r.month}: " + ctx.L(
                "note.basis_empty", basis=ctx.L(f"basis.{fig.revenue_basis}"),
                other=ctx.L(f"basis.{other}"), amount=ctx.money(r.other_basis)))
        rows.append([r.month, a(r.target), a(r.actual), num(r.achievement), num(r.pace),
                     a(r.last_year), a(r.t12m)])
    cols = [Column("month", ctx.L("month"), "text"), ctx.amount_column("target", "target"),
            ctx.amount_column("actual", "actual"),
            Column("achievement", ctx.L("achievement"), "pct"),
            Column("pace", ctx.L("pace"), "pct"),
            ctx.amount_column("last_year", "last_year"), ctx.amount_column("t12m", "t12m")]
    title = ctx.in_unit(ctx.L("revenue_trend"))
    table = Table(name, title, cols, rows, conditional=[PACE],
                  note=" ".join([_basis_note(ctx), *notes]))
    chart = Chart("column", title, name, "month",
                  [Series("actual"), Series("target", kind="line"),
                   Series("last_year", kind="line")], y_format=ctx.amount_fmt,
                  y_title=ctx.unit, width_cols=8, height_rows=14)
    return table, ctx.chart(table, chart)


def _basis_note(ctx: LayoutContext) -> str:
    fig = ctx.fig
    return ctx.L("note.revenue_basis", basis=ctx.L(f"basis.{fig.revenue_basis}"),
                 why=ctx.L(f"def.revenue.why.{fig.revenue_basis_reason}"))


def rep_trend_section(ctx: LayoutContext, rep: str) -> tuple[Table, list[Chart]]:
    """One rep's last 12 months: revenue against target (coloured by pace) and the counts."""
    t = ctx.of("trend", rep)
    extra = [m for m in ("won_deals",) if m in t.columns]
    rows = []
    for r in tuples_of(t):
        rows.append([r.month, ctx.amount(r.target), ctx.amount(r.revenue), num(r.achievement),
                     num(r.pace), *(int(getattr(r, m)) for m in extra)])
    cols = [Column("month", ctx.L("month"), "text"), ctx.amount_column("target", "target"),
            ctx.amount_column("actual", "actual"),
            Column("achievement", ctx.L("achievement"), "pct"),
            Column("pace", ctx.L("pace"), "pct")]
    cols += [Column(m, ctx.metric_label(m), "int") for m in extra]
    title = ctx.in_unit(ctx.L("trend"))
    table = Table("trend", title, cols, rows, conditional=[PACE], note=_basis_note(ctx))
    chart = Chart("column", title, "trend", "month",
                  [Series("actual"), Series("target", kind="line")], y_format=ctx.amount_fmt,
                  y_title=ctx.unit, width_cols=8, height_rows=14)
    return table, ctx.chart(table, chart)


def funnel_section(ctx: LayoutContext, f: pd.DataFrame, name: str) -> tuple[Table, list[Chart]]:
    """Stages reached, conversions and the win probability of each stage (what the landing
    from the pipeline weighs open deals with)."""
    fig = ctx.fig
    definition = f["definition"].iloc[0] if len(f) else fig.settings.conversion_basis
    probs = fig.stage_probabilities.set_index("stage") if len(fig.stage_probabilities) else None
    rows = []
    for r in tuples_of(f):
        p = probs.loc[r.stage] if probs is not None and r.stage in probs.index else None
        rows.append([stage_label(r.stage, ctx.locale), int(r.reached),
                     num(r.conversion_from_previous), num(r.conversion_from_first),
                     num(p["probability"]) if p is not None else (1.0 if r.stage ==
                                                                 fig.settings.won_stage
                                                                 else None),
                     ctx.L(f"source.{p['source']}") if p is not None else None])
    title = ctx.L("funnel", d=catalog(ctx.locale).get(f"choice.{definition}", definition))
    table = Table(name, title,
                  [Column("stage", ctx.L("stage"), "text"),
                   Column("reached", ctx.L("reached"), "int"),
                   Column("conv_prev", ctx.L("conv_prev"), "pct"),
                   Column("conv_first", ctx.L("conv_first"), "pct"),
                   Column("probability", ctx.L("probability"), "pct"),
                   Column("source", ctx.L("probability_source"), "text")], rows,
                  note=ctx.window(ctx.L("funnel_window"), fig.funnel_window),
                  empty=ctx.L("why.no_pipeline"))
    chart = Chart("bar", title, name, "stage", [Series("reached")], y_format="int",
                  every_category=True, width_cols=7, height_rows=10)
    return table, ctx.chart(table, chart)
