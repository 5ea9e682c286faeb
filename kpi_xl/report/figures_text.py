"""The text projection of :class:`~kpi_xl.figures.Figures` (``kpi-xl metrics``): the same
numbers as the sheets and the JSON, as aligned plain-text tables in the requested language."""

from __future__ import annotations

import math

import pandas as pd

from ..figures import Figures, Window
from ..i18n import catalog, exclusion_text, note_text, outside_text, risk_reasons, text
from ..metric_registry import metric_def
from ..schema import activity_label, stage_label
from ..units import display_width, format_amount

__all__ = ["render_text"]

#: The group of every row in an unsplit table (``kpi_xl.metrics.common.ALL``).
_EVERYONE = "(all)"


def _fmt(v: object, unit: str = "count", currency: str = "JPY") -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    if unit == "pct":
        return f"{float(v):.1%}"
    if unit == "whole":  # a count, or a count projected (forecast, gap): a whole number
        return f"{float(v):,.0f}"
    if unit == "currency":
        return format_amount(float(v), currency)
    if isinstance(v, float):
        return f"{v:,.1f}" if not v.is_integer() else f"{v:,.0f}"
    return str(v)


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(display_width(str(x)) for x in col) for col in zip(header, *rows, strict=False)]

    def line(r: list[str]) -> str:
        cells = [str(x) + " " * (w - display_width(str(x))) for x, w in zip(r, widths,
                                                                             strict=False)]
        return "  ".join(cells).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


class _Text:
    def __init__(self, fig: Figures, locale: str) -> None:
        self.fig, self.locale, self.cur = fig, locale, fig.currency
        self.out: list[str] = []

    def L(self, key: str, **kw: object) -> str:
        return text(key, self.locale, **kw)

    def choice(self, key: object) -> str:
        """A definition choice (``closed``, ``active_at_start`` …) worded in the language."""
        return catalog(self.locale).get(f"choice.{key}", str(key))

    def group(self, g: object) -> str:
        """A group of a split; the everyone group (``'(all)'``) in the language."""
        return self.L("everyone") if g == _EVERYONE else str(g)

    def window(self, w: Window) -> str:
        return self.L("note.all_time") if w.all_time else w.label

    def add(self, *lines: str) -> None:
        self.out.extend(lines)

    def scorecard(self, card: pd.DataFrame, title: str) -> None:
        L = self.L
        rows = []
        for r in card.itertuples():
            u = "currency" if r.unit == "currency" else "whole"
            notes = [note_text(p, self.locale)
                     for p in (r.note or "").split("; ") if p and p != "no target"]
            if r.months_without_target and not math.isnan(r.target):
                notes.append(L("note.no_target_months", months=r.months_without_target))
            rows.append([self.group(r.group), metric_def(r.metric, self.fig.settings).label(
                self.locale), _fmt(r.target, u, self.cur), _fmt(r.actual, u, self.cur),
                _fmt(r.achievement, "pct"), _fmt(r.pace, "pct"), _fmt(r.forecast, u, self.cur),
                _fmt(r.gap, u, self.cur),
                _fmt(r.required_per_day, "currency" if u == "currency" else "count", self.cur),
                "; ".join(notes)])
        head = [L("col.group"), *(L(k) for k in ("metric", "target", "actual", "achievement",
                                                 "pace", "forecast", "gap", "required",
                                                 "note"))]
        self.add(title, _table(rows, head), "")

    def funnel(self, f: pd.DataFrame, gcol: str | None) -> None:
        rows = [([str(getattr(r, gcol))] if gcol else [])
                + [stage_label(r.stage, self.locale), _fmt(float(r.reached)),
                   _fmt(r.conversion_from_previous, "pct"), _fmt(r.conversion_from_first, "pct")]
                for r in f.itertuples()]
        head = ([self.L("col.group")] if gcol else []) + [
            self.L(k) for k in ("stage", "reached", "conv_prev", "conv_first")]
        self.add(_table(rows, head), "")


def render_text(fig: Figures, locale: str = "en") -> str:
    """Every section of the figures as text: scorecards, revenue trend, funnel, deals,
    customers, churn trend, KPI tree, definitions, excluded rows and warnings."""
    t = _Text(fig, locale)
    L, cur, p = t.L, fig.currency, fig.period
    t.add(L("cli.title", p=p.label, start=p.start, end=p.end, asof=fig.as_of),
          L("cli.source", src=fig.source), "")
    if not fig.started:
        t.add(L("note.not_started", asof=fig.as_of), "")
    by = L(f"by.{fig.by}")
    t.scorecard(fig.scorecard_by, L("cli.scorecard", by=by))
    t.scorecard(fig.scorecard, L("cli.overall"))
    rows = [[r.month, _fmt(r.target, "currency", cur), _fmt(r.actual, "currency", cur),
             _fmt(r.achievement, "pct"), _fmt(r.last_year, "currency", cur),
             _fmt(r.t12m, "currency", cur)] for r in fig.trend.itertuples()]
    basis = L("note.revenue_basis", basis=L(f"basis.{fig.revenue_basis}"),
              why=L(f"def.revenue.why.{fig.revenue_basis_reason}"))
    heads = [L(k) for k in ("month", "target", "actual", "achievement", "last_year", "t12m")]
    t.add(L("cli.revenue_trend", title=L("revenue_trend"), basis=basis), _table(rows, heads))
    other = "orders" if fig.revenue_basis == "won_deals" else "won_deals"
    for r in fig.trend.itertuples():
        if r.note:
            t.add(f"  {r.month}: " + L("note.basis_empty", basis=L(f"basis.{fig.revenue_basis}"),
                                       other=L(f"basis.{other}"),
                                       amount=format_amount(r.other_basis, cur)))
    t.add("")
    if fig.tree is not None:
        d = fig.funnel["definition"].iloc[0] if len(fig.funnel) else ""
        d = t.choice(d)
        t.add(L("cli.funnel", d=d, window=t.window(fig.funnel_window)))
        t.funnel(fig.funnel, None)
        if fig.by not in ("rep",):
            t.add(L("cli.funnel_by", by=by, d=d, window=t.window(fig.funnel_window)))
            t.funnel(fig.funnel_by, fig.by)
    dl = fig.deals
    t.add(L("cli.deals"))
    for name, r in dl["win_rates"].items():
        t.add("  " + L("cli.win_rate", d=t.choice(name), v=_fmt(r["value"], "pct"),
                       num=_fmt(r["numerator"]), den=_fmt(r["denominator"]),
                       note=note_text(r.get("note"), locale)).rstrip())
    vel = dl["pipeline_velocity"]
    t.add("  " + L("cli.avg_deal", v=_fmt(dl["average_deal_size"]["average_deal_size"],
                                          "currency", cur)),
          "  " + L("cli.cycle", mean=_fmt(dl["sales_cycle"]["mean_days"]),
                   median=_fmt(dl["sales_cycle"]["median_days"])),
          "  " + L("cli.velocity", v=_fmt(vel["velocity_per_day"], "currency", cur),
                   open=_fmt(vel["open_opportunities"])), "")
    g = fig.deals_by
    rows = [[t.group(r.group), _fmt(r.win_rate_closed, "pct"), _fmt(r.win_rate_all, "pct"),
             _fmt(r.average_deal_size, "currency", cur), _fmt(r.sales_cycle_days),
             _fmt(r.open_opportunities)] for r in g.itertuples()]
    t.add(L("cli.deals_by", by=by), _table(rows, [L(f"col.{k}") for k in (
        "group", "win_closed", "win_all", "avg_deal", "cycle", "open")]), "")
    _manager(t)
    _customers(t)
    _tree(t)
    t.add(L("cli.definitions"), *(f"  {L(f'defname.{k}')}: {v}"
                                  for k, v in fig.definitions(locale).items()))
    for name in dl["win_rates"]:  # the win rate shown beside the one in force
        if name != fig.settings.win_rate_definition:
            t.add("  " + L("cli.win_rate_other", name=L("defname.win_rate"),
                           choice=t.choice(name), text=L(f"def.win_rate.{name}")))
    notes = [exclusion_text(e, locale) for e in fig.exclusions]
    notes += [outside_text(o, locale) for o in fig.outside_rows]
    if notes:
        t.add("", L("cli.excluded"), *(f"  {x}" for x in notes))
    if fig.warnings:
        t.add("", L("cli.warnings"), *(f"  {w}" for w in fig.warnings))
    return "\n".join(t.out) + "\n"


def _customers(t: _Text) -> None:
    fig, L = t.fig, t.L
    t.add(L("cli.customers"))
    c = fig.customers
    if c is None:
        t.add("  " + L("note.not_started", asof=fig.as_of), "")
    else:
        mv, lc, rr = c["movements"], c["logo_churn"], c["revenue_retention"]
        t.add("  " + L("cli.movements", a=mv["active_at_start"], n=mv["new"],
                       r=mv["reactivated"], c=mv["churned"], e=mv["active_at_end"]),
              "  " + L("cli.logo_churn", d=t.choice(lc["definition"]), v=_fmt(lc["value"], "pct"),
                       note=note_text(lc["note"], t.locale)).rstrip(),
              "  " + L("cli.retention", grr=_fmt(rr["grr"], "pct"), nrr=_fmt(rr["nrr"], "pct"),
                       d=t.choice(rr["definition"])))
    s = fig.at_risk_summary
    t.add("  " + (L("note.at_risk_summary", **s) if s.get("active")
                  else L("cli.at_risk", n=len(fig.at_risk))))
    for r in fig.at_risk.head(5).itertuples():
        name = r.name if isinstance(r.name, str) else ""
        t.add(f"    {r.customer} {name}: {risk_reasons(r, t.locale)}")
    t.add("")
    if fig.customers_by is not None:
        rows = [[t.group(r.group), *(_fmt(getattr(r, k)) for k in (
            "active_at_start", "new", "reactivated", "churned", "active_at_end")),
            _fmt(r.logo_churn, "pct"), _fmt(r.grr, "pct"), _fmt(r.nrr, "pct")]
            for r in fig.customers_by.itertuples()]
        t.add(L("cli.customers_by", by=L(f"by.{fig.by}")), _table(rows, [
            L("col.group"), L("col.active_start"),
            *(L(k) for k in ("new", "reactivated", "churned")),
            L("col.active_end"), *(L(k) for k in ("logo_churn", "grr", "nrr"))]), "")
    elif c is not None:
        t.add("  " + L("note.not_split", by=L(f"by.{fig.by}")), "")
    rows = []
    for r in fig.churn_trend.itertuples():
        rows.append([pd.Timestamp(r.period_start).strftime("%Y-%m"),
                     *(_fmt(getattr(r, k)) for k in ("active_at_start", "new", "reactivated",
                                                      "churned")),
                     _fmt(r.logo_churn, "pct"), _fmt(r.grr, "pct"), _fmt(r.nrr, "pct"),
                     L("note.before_data") if r.note == "before_data" else ""])
    t.add(L("churn_trend"), _table(rows, [L(k) for k in (
        "month", "active_start", "new", "reactivated", "churned", "logo_churn", "grr", "nrr",
        "note")]), "")


def _tree(t: _Text) -> None:
    fig, L, cur = t.fig, t.L, t.fig.currency
    tree = fig.tree
    if tree is None:
        return
    rec = tree.reconciliation
    diff = rec["difference"]
    t.add(L("cli.tree", start=tree.window[0], end=tree.window[1]))
    t.add("  " + L("note.tree_check", start=tree.window[0], end=tree.window[1],
                   run=format_amount(rec["run_rate"], cur),
                   actual=format_amount(rec["actual_per_month"], cur),
                   diff="—" if math.isnan(diff) else f"{diff:+.1%}",
                   tol=f"{rec['tolerance']:.0%}", entered=f"{rec['opportunities_entered']:.0f}",
                   decided=f"{rec['opportunities_decided']:.0f}"))
    units = {"conversion": "pct", "win_rate": "pct", "avg_deal_size": "currency"}
    rows = [[L(f"driver.{r.driver}"), _fmt(r.current, units.get(r.driver, "count"), cur),
             _fmt(r.benchmark, units.get(r.driver, "count"), cur),
             _fmt(r.gain_per_month, "currency", cur), str(r.rank)]
            for r in tree.levers.itertuples()]
    t.add(L("cli.levers") + " — " + L("note.levers", n=tree.benchmark_reps),
          _table(rows, [L(k) for k in ("driver", "current", "benchmark", "at_benchmark",
                                        "rank")]), "")
    t.add(L("cli.plan"))
    cat = catalog(t.locale)
    for r in tree.plan.itertuples():
        q = cat.get(f"quantity.{r.quantity}") or activity_label(r.quantity, t.locale)
        u = "currency" if r.quantity == "revenue" else "count"
        t.add("  " + L("cli.plan_line", q=q, needed=_fmt(r.needed, u, cur), per_day=_fmt(
            r.per_business_day, u, cur), note=note_text(r.note, t.locale)).rstrip())
    t.add("")


def _change(v: float, note: str, t: _Text, kind: str) -> str:
    return t.L(f"cmp.{note}.{kind}") if note else f"{v:+.1%}"


def _manager(t: _Text) -> None:
    """Comparisons, the landing from the pipeline, stalled deals and the activity ranking."""
    fig, L, cur = t.fig, t.L, t.fig.currency
    cut = fig.cut
    rows = []
    for r in fig.comparisons.itertuples():
        u = "currency" if r.unit == "currency" else "count"
        label = L("activities") if r.metric == "activities" else metric_def(
            r.metric, fig.settings).label(t.locale)
        rows.append([label, _fmt(r.current, u, cur), _fmt(r.last_year, u, cur),
                     _change(r.yoy, r.yoy_note, t, "yoy"), _fmt(r.previous_month, u, cur),
                     _change(r.mom, r.mom_note, t, "mom"), _fmt(r.t12m, u, cur),
                     _fmt(r.t12m_last_year, u, cur), _change(r.t12m_yoy, r.t12m_note, t, "t12m")])
    if rows:
        t.add(L("comparisons", start=cut.replace(day=1), end=cut), _table(rows, [L(k) for k in (
            "metric", "cmp.current", "cmp.last_year", "cmp.yoy", "cmp.previous", "cmp.mom",
            "cmp.t12m", "cmp.t12m_last_year", "cmp.t12m_yoy")]), "")
    rows = []
    for land in (fig.landing, fig.landing_rep):
        for r in land.itertuples():
            name = t.group(r.group)
            rows.append([name, _fmt(r.target, "currency", cur), _fmt(r.actual, "currency", cur),
                         _fmt(r.weighted, "currency", cur), _fmt(r.landing, "currency", cur),
                         _fmt(r.landing_achievement, "pct"), _fmt(r.open_deals)]
                        + ([_fmt(r.landing_commit, "currency", cur),
                            _fmt(r.landing_best, "currency", cur)]
                           if fig.forecast_categories else []))
    head = [L(k) for k in ("land.group", "target", "actual", "land.weighted", "land.landing",
                           "land.achievement", "land.open")]
    if fig.forecast_categories:
        head += [L("land.commit"), L("land.best")]
    t.add(L("landing", p=fig.period.label), _table(rows, head))
    r = fig.landing.iloc[0]
    t.add("  " + L("note.landing", undated=int(r["undated_open"]),
                   undated_amount=_fmt(r["undated_amount"], "currency", cur),
                   overdue=int(r["overdue_open"]),
                   overdue_amount=_fmt(r["overdue_amount"], "currency", cur)), "")
    st = fig.stalled
    t.add(L("stalled", n=min(10, len(st))) if len(st) else L("stalled_rep"))
    if len(st):
        t.add("  " + L("note.stalled", n=len(st), stalled=int(st["stalled"].sum()),
                       overdue=int(st["overdue"].sum()),
                       factor=f"{fig.settings.stall_factor:g}"))
        rows = [[r.opportunity_id, r.rep, _fmt(r.amount, "currency", cur),
                 stage_label(r.stage, t.locale), _fmt(r.days_in_stage), _fmt(r.typical_days),
                 "" if pd.isna(r.expected_close) else r.expected_close.date().isoformat()]
                for r in st.head(10).itertuples()]
        t.add(_table(rows, [L(k) for k in ("opportunity", "rep", "amount", "stage",
                                           "days_in_stage", "typical_days",
                                           "expected_close")]))
    else:
        t.add("  " + L("why.no_stalled"))
    t.add("")
    rk = fig.activity_ranking
    total = rk[rk["type"] == "activities"].sort_values(["rank", "rep"]) if len(rk) else rk
    if not fig.data_rows.get("activities"):  # as the sheets: no ranking of zeros, but why
        t.add(L("why.no_activities"), "")
    elif len(total):
        w = fig.ranking_window
        per_won = fig.activity_per_won.set_index("rep")["per_won"]
        rows = [[str(r.rank), r.rep, _fmt(r.per_day), _fmt(r.vs_median, "pct"),
                 _fmt(per_won.get(r.rep))] for r in total.itertuples()]
        t.add(L("ranking", start=w.start, end=w.end, days=int(total["business_days"].iloc[0])),
              _table(rows, [L(k) for k in ("rank", "rep", "rk.total", "rk.vs_median",
                                           "rk.per_won")]), "")
