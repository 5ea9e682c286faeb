"""Which input table a metric's events come from (:func:`kpi_xl.metrics.actuals.metric_events`),
so that a surface given only some of a book's tables (the ``KPI_SCORECARD`` cell formula) can
say that a metric cannot be measured from them instead of showing 0."""

from __future__ import annotations

from ..dataset import Dataset
from ..metric_registry import activity_kind
from .common import revenue_basis

__all__ = ["counted_table"]

_DEALS = ("won_deals", "leads", "opportunities")


def counted_table(metric: str, ds: Dataset) -> str | None:
    """The one table whose rows ``metric`` counts, or None when it draws on several.

    - activities (and each per-type metric: calls, visits …) → ``activities``;
    - orders, order_amount → ``orders``;
    - revenue → ``orders`` on the orders basis, and also when the deals carry no amounts and
      the dataset has no orders (the basis then falls back to deals, whose revenue is 0 for
      want of amounts, not for want of sales); else ``opportunities``;
    - won_deals, leads, opportunities → ``opportunities``;
    - new_customers → None (start dates, first won deals and first orders all count).
    """
    if metric == "activities" or activity_kind(metric, ds.settings):
        return "activities"
    if metric in ("orders", "order_amount"):
        return "orders"
    if metric == "revenue":
        basis, reason = revenue_basis(ds)
        return "orders" if basis == "orders" or reason == "no_orders" else "opportunities"
    if metric in _DEALS:
        return "opportunities"
    return None
