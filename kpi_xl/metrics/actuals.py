"""The metrics the engine knows, and their actual values as dated events.

Every countable KPI is a stream of events ``(date, rep, value)``: a won deal (value = its
amount, for revenue), a lead, an opportunity, a visit … Actuals for any rep/team/period are sums
over that stream, so targets for any known metric can be compared the same way.

=================  ==========================================================================
metric             event (date → value), credited to
=================  ==========================================================================
revenue            ``revenue_basis='won_deals'``: won opportunity at close_date → amount, the
                   deal's rep; ``'orders'``: order at its date → amount, the customer's rep
won_deals          won opportunity at close_date → 1, the deal's rep
leads              opportunity row at created_date → 1 (every pipeline row starts as a lead)
opportunities      lead reaching ``settings.opportunity_stage`` at that date → 1
new_customers      customer at its acquisition date (first won deal or first order,
                   whichever is earlier) → 1, the customer's rep (else the deal's rep)
activities         any activity at its date → 1
calls, visits, …   activity of that type (one metric per ``settings.activity_types``) → 1
orders             order at its date → 1, the customer's rep
order_amount       order at its date → amount, the customer's rep
=================  ==========================================================================
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from ..dataset import Dataset
from ..schema import normalize_header
from ..settings import Settings

__all__ = [
    "MetricDef",
    "acquisitions",
    "actuals",
    "canonical_metric",
    "dimension_column",
    "metric_def",
    "metric_events",
    "metric_names",
]


@dataclass(frozen=True)
class MetricDef:
    name: str
    en: str
    ja: str
    unit: str  # "currency" | "count"
    aliases: tuple[str, ...] = ()

    def label(self, locale: str) -> str:
        return self.ja if locale == "ja" else self.en


_BASE = (
    MetricDef("revenue", "Revenue", "売上", "currency",
              ("sales", "売上高", "受注金額", "売上金額")),
    MetricDef("won_deals", "Won deals", "受注件数", "count", ("deals", "受注数", "成約数")),
    MetricDef("leads", "Leads", "リード数", "count", ("lead", "リード獲得数", "見込客数")),
    MetricDef("opportunities", "Opportunities", "商談数", "count", ("opps", "商談件数",
                                                                   "引合数", "案件数")),
    MetricDef("new_customers", "New customers", "新規顧客数", "count", ("新規獲得数",
                                                                      "新規顧客")),
    MetricDef("activities", "Activities", "活動数", "count", ("活動件数",)),
    MetricDef("orders", "Orders", "注文数", "count", ("注文件数", "受注回数")),
    MetricDef("order_amount", "Order amount", "注文金額", "currency", ("注文額",)),
)
_ACTIVITY_METRICS = {
    "call": MetricDef("calls", "Calls", "電話数", "count", ("call", "架電数", "コール数")),
    "visit": MetricDef("visits", "Visits", "訪問数", "count", ("visit", "訪問件数")),
    "meeting": MetricDef("meetings", "Meetings", "打合せ数", "count", ("meeting", "面談数")),
    "email": MetricDef("emails", "Emails", "メール数", "count", ("email", "メール件数")),
    "proposal": MetricDef("proposals", "Proposals", "提案数", "count", ("proposal", "提案件数")),
}


def _activity_metric(kind: str) -> MetricDef:
    return _ACTIVITY_METRICS.get(kind, MetricDef(f"{kind}s" if not kind.endswith("s") else kind,
                                                 kind, kind, "count", (kind,)))


def _registry(settings: Settings) -> dict[str, tuple[MetricDef, str | None]]:
    reg: dict[str, tuple[MetricDef, str | None]] = {m.name: (m, None) for m in _BASE}
    for kind in settings.activity_types:
        m = _activity_metric(kind)
        reg[m.name] = (m, kind)
    return reg


def metric_names(settings: Settings | None = None) -> list[str]:
    """Every metric name a target may use, in a stable order."""
    return list(_registry(settings or Settings()))


def metric_def(name: str, settings: Settings | None = None) -> MetricDef:
    return _registry(settings or Settings())[name][0]


def canonical_metric(text: object, settings: Settings | None = None) -> str | None:
    """Map a metric name as a user wrote it (en/ja, any case) to its canonical name."""
    norm = normalize_header(text)
    for name, (m, _) in _registry(settings or Settings()).items():
        if norm in {normalize_header(a) for a in (name, m.en, m.ja, *m.aliases)}:
            return name
    return None


def acquisitions(ds: Dataset) -> pd.DataFrame:
    """One row per acquired customer: customer, date (first won deal or first order, whichever
    is earlier — :func:`kpi_xl.metrics.customers.customer_acquisition`), rep (the customer's
    rep, else the rep of its first won deal), segment (the customer's, else the deal's).

    Customers with neither a won deal nor an order are not acquired (no row).
    """
    from .customers import customer_acquisition

    acq = customer_acquisition(ds).set_index("customer")
    opp = ds.opportunities
    won = opp[(opp["status"] == "won") & opp["customer"].notna() & opp["close_date"].notna()]
    first = won.sort_values("close_date").groupby("customer", sort=False).first()
    cust = ds.customers.set_index("customer")
    out = pd.DataFrame({"date": acq["acquired"]}, index=acq.index)
    for col in ("rep", "segment"):
        out[col] = cust[col].reindex(out.index).fillna(first[col].reindex(out.index))
    return out.reset_index()[["customer", "date", "rep", "segment"]]


_EVENT_COLS = ["date", "rep", "value", "customer", "segment", "product", "channel"]


def _events(df: pd.DataFrame, date_col: str, value: pd.Series | float) -> pd.DataFrame:
    out = pd.DataFrame({"date": df[date_col], "rep": df["rep"], "value": value})
    for c in ("customer", "segment", "product", "channel"):
        out[c] = df[c] if c in df.columns else pd.Series(pd.NA, index=df.index, dtype="string")
    return out[_EVENT_COLS].dropna(subset=["date"]).reset_index(drop=True)


def _orders_with_rep(ds: Dataset) -> pd.DataFrame:
    o = ds.orders.copy()
    cust = ds.customers.set_index("customer")
    o["rep"] = o["customer"].map(cust["rep"])
    o["segment"] = o["customer"].map(cust["segment"])
    return o


def metric_events(ds: Dataset, metric: str) -> pd.DataFrame:
    """The dated events of ``metric`` (see the module table):
    columns date, rep, value, customer, segment, product, channel.

    Unknown metric → KeyError (validation rejects unknown metric names before this).
    """
    reg = _registry(ds.settings)
    if metric not in reg:
        raise KeyError(f"unknown metric {metric!r}; known: {', '.join(reg)}")
    # Reports ask for the same streams many times (per rep, per month): keep them on the
    # dataset while the tables they come from are the same objects (treat them as read-only).
    sources = (ds.settings, *(ds.table(n) for n in (
        "opportunities", "activities", "orders", "customers", "stage_history")))
    cache = ds.__dict__.setdefault("_events_cache", {})
    hit = cache.get(metric)
    if hit is None or any(a is not b for a, b in zip(hit[0], sources, strict=True)):
        hit = (sources, _metric_events(ds, metric, reg[metric][1]))
        cache[metric] = hit
    return hit[1]


def _metric_events(ds: Dataset, metric: str, kind: str | None) -> pd.DataFrame:
    opp, act = ds.opportunities, ds.activities
    if kind is not None:
        a = act[act["type"] == kind]
        return _events(a, "date", 1.0)
    if metric == "activities":
        return _events(act, "date", 1.0)
    if metric in ("won_deals", "revenue") and not (
            metric == "revenue" and ds.settings.revenue_basis == "orders"):
        won = opp[opp["status"] == "won"]
        return _events(won, "close_date", won["amount"].fillna(0.0) if metric == "revenue"
                       else 1.0)
    if metric in ("revenue", "order_amount", "orders"):
        o = _orders_with_rep(ds)
        return _events(o, "date", 1.0 if metric == "orders" else o["amount"])
    if metric == "leads":
        return _events(opp, "created_date", 1.0)
    if metric == "opportunities":
        from .funnel import stage_events

        ev = stage_events(ds)
        ev = ev[ev["stage"] == ds.settings.opportunity_stage][["opportunity_id", "date"]]
        merged = opp.drop(columns=[c for c in opp.columns if c.endswith("_date")]).merge(
            ev, on="opportunity_id")
        return _events(merged, "date", 1.0)
    if metric == "new_customers":
        acq = acquisitions(ds)
        return _events(acq, "date", 1.0)
    raise KeyError(metric)  # pragma: no cover - registry and branches agree


def dimension_column(ds: Dataset, frame: pd.DataFrame, by: str | None) -> pd.Series:
    """The grouping key of each row of ``frame`` for ``by`` (None → '(all)';
    'team' → the rep's team)."""
    if by is None:
        return pd.Series("(all)", index=frame.index, dtype="string")
    if by == "team":
        return frame["rep"].map(ds.rep_team()).astype("string")
    if by not in frame.columns:
        raise KeyError(f"cannot group by {by!r}")
    return frame[by].astype("string").fillna("(none)")


def actuals(ds: Dataset, metric: str, *, by: str | None = None,
            start: dt.date | None = None, end: dt.date | None = None,
            freq: str | None = None) -> pd.DataFrame:
    """Actual value of ``metric`` summed per group (and per month when ``freq='M'``).

    Formula: Σ event values with ``start ≤ date ≤ end`` (inclusive; None = unbounded).
    Empty period → no rows (callers reindex to their groups and treat missing as 0).
    Columns: ``group`` (and ``period`` = month start when ``freq='M'``), ``actual``.
    """
    ev = metric_events(ds, metric)
    if start is not None:
        ev = ev[ev["date"] >= pd.Timestamp(start)]
    if end is not None:
        ev = ev[ev["date"] < pd.Timestamp(end) + pd.Timedelta(days=1)]
    ev = ev.assign(group=dimension_column(ds, ev, by))
    keys = ["group"]
    if freq:
        ev = ev.assign(period=ev["date"].dt.to_period("M").dt.to_timestamp())
        keys.append("period")
    out = ev.groupby(keys, dropna=False)["value"].sum().rename("actual").reset_index()
    return out
