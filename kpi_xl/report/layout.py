"""Report layout: :class:`~kpi_xl.figures.Figures` → :class:`~kpi_xl.report.model.Report`
(pure, no I/O, no computation: every number comes from the figures).

Sheets, in 営業会議 order — where do we stand, where will we land, are we ahead of last year,
which deals are stuck, who is short of activity:

- the dashboard: scorecard (coloured by business-day pace, with the legend), the landing from
  the pipeline (ヨミ), the rep ranking, 前年同月比・前月比, the revenue trend, stalled deals
  (top 20), the activity ranking, the funnel with win probabilities, churn, at-risk customers;
- one tab per active rep: the same questions for the rep, plus the KPI-tree back-solve;
- churn (trend, cohorts, every at-risk customer), external factors (when present);
- 定義 / Definitions: every definition in the book's language (the top of the other sheets
  keeps only the title, the period, the as-of date and the data source).

Every sheet ends with a footnote naming excluded input rows and rows read from outside an
Excel table, and gets its print setup (:mod:`kpi_xl.report.pages`). A book without data gets
one short dashboard saying which sheets to fill.
"""

from __future__ import annotations

import datetime as dt
import math

from ..calendar import Period
from ..dataset import Dataset
from ..figures import DATA_TABLES, Figures, compute_figures
from ..i18n import text
from ..progress import SILENT, Progress
from .cells import sheet_widths
from .layout_context import LayoutContext, wrap_text
from .layout_lists import (
    activity_mix_section,
    activity_ranking_section,
    at_risk_table,
    churn_section,
    cohort_table,
    definitions_sheet_tables,
    external_tables,
    rep_activity_sections,
    stalled_table,
    tree_tables,
)
from .layout_tables import (
    categories_table,
    comparisons_table,
    funnel_section,
    landing_table,
    leaderboard,
    rep_trend_section,
    revenue_trend_section,
    scorecard_table,
)
from .model import Chart, Column, Report, Sheet, Table
from .naming import unique_sheet_names
from .pages import DEFAULT_WIDTH, PX_PER_CHAR

__all__ = ["build_report", "layout"]

DASHBOARD_STALLED = 20
#: Width of a chart in default columns: beside its table when at least the minimum fits
#: within the sheet's widest table, else under it; never wider than the maximum.
MIN_CHART_COLUMNS = 7
MAX_CHART_COLUMNS = 12
#: The printable width of an A4 landscape page at 100 %, in pixels.
PAGE_PIXELS = 1000
#: Pixels a display column of 9-point note text takes (a full-width character: two).
NOTE_PX_PER_COLUMN = 6.5
DASHBOARD_AT_RISK = 15


class _Flow:
    """The sections of one sheet, placed once all are known: a chart goes beside its table
    when it fits within the width of the sheet's widest table, else under it (a narrow sheet
    prints large on one page width)."""

    def __init__(self, ctx: LayoutContext) -> None:
        self.ctx = ctx
        self.items: list[tuple[str, Table | None, list[Chart], int]] = []
        self.whys: list[str] = []

    def add(self, table: Table, charts: list[Chart] | tuple = (), gap: int = 2) -> None:
        self.items.append(("table", table, list(charts), gap))

    def section(self, section: tuple[Table, list[Chart]]) -> None:
        self.add(*section)

    def legend(self) -> None:
        self.items.append(("legend", None, [], 0))

    def why(self, key: str) -> None:
        """One line saying why sections are left out (no data for them)."""
        self.items.append(("why", None, [], 0))
        self.whys.append(self.ctx.L(key))

    def place(self, sheet: Sheet) -> None:
        probe = Sheet("", "probe", "", tables=[t for _, t, _, _ in self.items if t is not None])
        widths = sheet_widths(probe)
        widest = max((len(t.columns) for t in probe.tables), default=0)

        # the right edge: the widest table's last column, or for a narrow sheet the column
        # where a page width at 100 % ends
        edge, used = widest, sum(math.floor(widths.get(c, DEFAULT_WIDTH) * 7 + 5)
                                 for c in range(widest))
        while used + 64 <= PAGE_PIXELS:
            used += 64
            edge += 1

        # notes (9-point text) wrap onto rows that fit between column A and the edge
        note_width = max(60, int(sum(math.floor(widths.get(c, DEFAULT_WIDTH) * PX_PER_CHAR + 5)
                                     for c in range(edge)) / NOTE_PX_PER_COLUMN))

        def room(first: int) -> int:
            """Chart columns (64 pixels in Excel) between column ``first`` and the edge."""
            px = sum(math.floor(widths.get(c, DEFAULT_WIDTH) * 7 + 5) for c in range(first, edge))
            return int(px // 64)

        whys = iter(self.whys)
        for kind, table, charts, gap in self.items:
            if kind == "legend":
                self.ctx.legend(sheet)
                continue
            if kind == "why":
                sheet.add_text([next(whys)], "note")
                continue
            assert table is not None
            if table.note:
                table.note = "\n".join(piece for line in table.note.split("\n")
                                       for piece in wrap_text(line, note_width))
            col = max(len(table.columns), 4) + 1
            beside = room(col)
            if len(charts) == 1 and beside >= MIN_CHART_COLUMNS:
                charts[0].width_cols = min(beside, MAX_CHART_COLUMNS)
                sheet.add(table, *charts, gap=gap)
            elif charts:
                for ch in charts:
                    ch.width_cols = min(max(room(0) // len(charts) - 1, MIN_CHART_COLUMNS),
                                        MAX_CHART_COLUMNS)
                sheet.add(table, *charts, gap=gap, below=True)
            else:
                sheet.add(table, gap=gap)


def _dashboard(ctx: LayoutContext, name: str) -> Sheet:
    fig = ctx.fig
    sh = Sheet(name, "dashboard", ctx.L("dashboard_title"))
    ctx.header(sh, ctx.L("dashboard_title"))
    pipeline = bool(fig.data_rows.get("opportunities"))
    flow = _Flow(ctx)
    flow.add(scorecard_table(ctx, fig.scorecard, "scorecard"), gap=1)
    flow.legend()
    if pipeline:
        flow.add(landing_table(ctx, fig.landing, fig.scorecard, ctx.L("everyone"), "landing"))
        cats = categories_table(ctx, fig.landing, "categories")
        if cats is not None:
            flow.add(cats)
    flow.add(comparisons_table(ctx, fig.comparisons, "comparisons"))
    if len(fig.reps):
        flow.section(leaderboard(ctx))
    flow.section(revenue_trend_section(ctx, "revenue_trend"))
    if pipeline:
        flow.add(stalled_table(ctx, fig.stalled, "stalled", DASHBOARD_STALLED))
    if len(fig.reps) and fig.data_rows.get("activities"):
        flow.section(activity_ranking_section(ctx))
    if pipeline:
        flow.section(funnel_section(ctx, fig.funnel, "funnel"))
    flow.section(churn_section(ctx, "churn_trend"))
    flow.add(at_risk_table(ctx, fig.at_risk, "at_risk", DASHBOARD_AT_RISK))
    _whys(ctx, flow)
    flow.place(sh)
    return sh


def _whys(ctx: LayoutContext, flow: _Flow) -> None:
    """Sections left out for lack of data, each said in one line."""
    rows = ctx.fig.data_rows
    for table, key in (("opportunities", "why.no_pipeline"),
                       ("activities", "why.no_activities")):
        if not rows.get(table):
            flow.why(key)


def _rep_sheet(ctx: LayoutContext, name: str, rep: str) -> Sheet:
    fig = ctx.fig
    team = fig.rep_team.get(rep)
    title = f"{rep}" + (f" · {team}" if team and team != rep else "")
    sh = Sheet(name, "rep", title, rep=rep)
    ctx.header(sh, title)
    card = ctx.of("scorecard", rep)
    pipeline = bool(fig.data_rows.get("opportunities"))
    flow = _Flow(ctx)
    flow.add(scorecard_table(ctx, card, "scorecard"), gap=1)
    flow.legend()
    if pipeline:
        flow.add(landing_table(ctx, ctx.of("landing", rep), card, rep, "landing"))
        cats = categories_table(ctx, ctx.of("landing", rep), "categories")
        if cats is not None:
            flow.add(cats)
    flow.add(comparisons_table(ctx, ctx.of("compare", rep), "comparisons"))
    flow.section(rep_trend_section(ctx, rep))
    if pipeline:
        flow.add(stalled_table(ctx, ctx.of("stalled", rep), "stalled", None))
    if fig.data_rows.get("activities"):
        for section in rep_activity_sections(ctx, rep):
            flow.section(section)
        flow.section(activity_mix_section(ctx, rep))
    if pipeline:
        flow.section(funnel_section(ctx, ctx.of("funnel", rep), "funnel"))
    if rep in fig.rep_trees:  # the KPI tree starts from the pipeline
        for t in tree_tables(ctx, rep):
            flow.add(t)
    flow.add(at_risk_table(ctx, ctx.of("risk", rep), "at_risk", rep=rep))
    _whys(ctx, flow)
    flow.place(sh)
    return sh


def _churn_sheet(ctx: LayoutContext, name: str) -> Sheet:
    fig = ctx.fig
    sh = Sheet(name, "churn", ctx.L("churn_title"))
    ctx.header(sh, ctx.L("churn_title"))
    flow = _Flow(ctx)
    flow.section(churn_section(ctx, "churn_trend"))
    flow.add(cohort_table(ctx, fig.cohort_customers, "customers", "cohort_customers"))
    flow.add(cohort_table(ctx, fig.cohort_revenue, "revenue", "cohort_revenue"))
    flow.add(at_risk_table(ctx, fig.at_risk, "at_risk"))
    flow.place(sh)
    return sh


def _external_sheet(ctx: LayoutContext, name: str) -> Sheet:
    sh = Sheet(name, "external", ctx.L("external_title"))
    ctx.header(sh, ctx.L("external_title"))
    flow = _Flow(ctx)
    for section in external_tables(ctx):
        flow.section(section)
    flow.place(sh)
    return sh


def _definitions_sheet(ctx: LayoutContext, name: str) -> Sheet:
    sh = Sheet(name, "definitions", ctx.L("definitions_title"))
    ctx.header(sh, ctx.L("definitions_title"))
    definitions_sheet_tables(ctx, sh)
    return sh


def _empty_dashboard(ctx: LayoutContext, name: str) -> Sheet:
    """A book without data: what to fill in, sheet by sheet, and nothing else."""
    fig = ctx.fig
    sh = Sheet(name, "dashboard", ctx.L("dashboard_title"))
    ctx.header(sh, ctx.L("dashboard_title"))
    sh.add_text([ctx.L("empty.title")], "heading", gap=0)
    sh.add_text([ctx.L("empty.intro")], "note")
    rows = [[text(f"table.{t}", ctx.locale), fig.data_rows.get(t, 0),
             ctx.L(f"empty.what.{t}")] for t in DATA_TABLES]
    sh.add(Table("to_fill", ctx.L("empty.table"),
                 [Column("sheet", ctx.L("empty.table_list"), "text"),
                  Column("rows", ctx.L("empty.rows"), "int"),
                  Column("what", ctx.L("empty.what"), "longtext")], rows))
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
    ctx = LayoutContext(fig, locale, generated_at)
    if not fig.has_data:
        sheets = [_empty_dashboard(ctx, text("dashboard", locale))]
    else:
        fixed = [text("dashboard", locale), text("churn", locale)]
        has_external = len(fig.external.columns) > 2 or len(fig.external_events) > 0
        if has_external:
            fixed.append(text("external", locale))
        fixed.append(text("definitions", locale))
        names = unique_sheet_names([*fixed, *fig.reps])
        sheets = [_dashboard(ctx, names[0])]
        for i, rep in enumerate(fig.reps):
            progress.step(i + 1, len(fig.reps), rep)
            sheets.append(_rep_sheet(ctx, names[len(fixed) + i], rep))
        sheets.append(_churn_sheet(ctx, names[1]))
        if has_external:
            sheets.append(_external_sheet(ctx, names[2]))
        sheets.append(_definitions_sheet(ctx, names[len(fixed) - 1]))
    for sheet in sheets:
        ctx.footnote(sheet)
        ctx.page(sheet)
    return Report(sheets, locale, st.currency, generated_at, fig.source, fig.as_of,
                  fig.definitions(locale))


def build_report(ds: Dataset, *, as_of: dt.date | None = None, period: Period | None = None,
                 locale: str | None = None, generated_at: dt.datetime | None = None,
                 progress: Progress = SILENT) -> Report:
    """:func:`~kpi_xl.figures.compute_figures` then :func:`layout` — the whole report of
    ``ds`` (``as_of`` defaults to the last date in the data, ``period`` to its month)."""
    return layout(compute_figures(ds, period, as_of), locale=locale, generated_at=generated_at,
                  progress=progress)
