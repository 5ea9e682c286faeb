"""The metrics a target may name: canonical name, labels, unit and the aliases users write.

Beside :mod:`kpi_xl.schema` because it describes input (the Metric column of the Targets
table), not a computation; the events each metric counts are in
:mod:`kpi_xl.metrics.actuals`.

==============  ======================================================================
metric          counts
==============  ======================================================================
revenue         won deal amounts by close date, or order amounts by order date (the
                revenue basis, see :func:`kpi_xl.metrics.common.revenue_basis`)
won_deals       won opportunities by close date
leads           opportunity rows by created date (every pipeline row starts as a lead)
opportunities   leads reaching ``settings.opportunity_stage``, by that date
new_customers   customers at their acquisition date
activities      activities of any type; one metric per activity type (calls, visits …)
orders          orders by date; ``order_amount``: their amount
==============  ======================================================================
"""

from __future__ import annotations

from dataclasses import dataclass

from .schema import normalize_header
from .settings import Settings

__all__ = ["MetricDef", "activity_kind", "canonical_metric", "metric_def", "metric_names"]


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
    """The definition of a canonical metric name (KeyError when unknown)."""
    return _registry(settings or Settings())[name][0]


def activity_kind(name: str, settings: Settings | None = None) -> str | None:
    """The activity type a per-type metric counts (``'visits'`` → ``'visit'``), else None."""
    return _registry(settings or Settings())[name][1]


def canonical_metric(text: object, settings: Settings | None = None) -> str | None:
    """Map a metric name as a user wrote it (en/ja, any case) to its canonical name."""
    norm = normalize_header(text)
    for name, (m, _) in _registry(settings or Settings()).items():
        if norm in {normalize_header(a) for a in (name, m.en, m.ja, *m.aliases)}:
            return name
    return None
