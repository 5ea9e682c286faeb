"""Logo churn and revenue retention of order-based customers over whole order ranges.

Engines: :func:`kpi_xl.metrics.order_columns.logo_churn_of_orders` and
:func:`kpi_xl.metrics.order_columns.revenue_retention_of_orders` (NumPy paths with the
definitions of :mod:`kpi_xl.metrics.churn`, equal to it on an orders-only book).
"""

from __future__ import annotations

import math
from typing import Any

from ...metrics.order_columns import logo_churn_of_orders, revenue_retention_of_orders
from ...settings import CHURN_DEFINITIONS, NRR_BASELINES
from .inputs import date_column, number_column, option, whole_number
from .notes import undefined
from .ranges import SETTINGS, key_codes, parallel, period
from .runtime import formula, run

__all__ = ["KPI_CHURN_RATE", "KPI_GRR", "KPI_NRR"]

_ORDERS = {"customer_ids": "customer of each order", "order_dates": "date of each order"}


@formula(ranges=_ORDERS)
def KPI_CHURN_RATE(customer_ids, order_dates, period_start, period_end=None,
                   inactive_months=3, definition="active_at_start"):
    """Logo churn rate of order-based customers in the period.

    A customer is active for inactive_months (default 3) months after each order and churns
    on the first day after that. definition "active_at_start" (default, 期首稼働): customers
    active on the day before period_start whose activity ended in the period ÷ customers
    active on that day; "inclusive" (期中を含む): customers churned in the period ÷ (active at
    the start + started in the period). period_start may be a label (2026-04, FY2026Q1) with
    period_end blank. Customer ids match as names do (C001 = Ｃ００１ = "C001 ").
    Engine: kpi_xl.metrics.order_columns.logo_churn_of_orders (= metrics.churn.logo_churn).
    Errors: nobody active at the start → #N/A; rows with a blank customer or date are skipped.
    Example: =KPI_CHURN_RATE(Orders[顧客ID], Orders[日付], "2026-04")
    """
    return run(_churn, customer_ids, order_dates, period_start, period_end, inactive_months,
               definition)


def _orders(named: dict[str, Any]) -> dict[str, Any]:
    """The order columns (customer codes, dates, amounts when given) of parallel ranges."""
    cols, first = parallel(named, [k for k in ("order_dates", "amounts") if k in named])
    out = {"customers": key_codes(cols["customer_ids"], "customer_ids", first),
           "dates": date_column(cols["order_dates"], "order_dates", first)}
    if "amounts" in cols:
        out["amounts"] = number_column(cols["amounts"], "amounts", first)
    return out


def _churn(customer_ids: Any, order_dates: Any, period_start: Any, period_end: Any,
           inactive_months: Any, definition: Any) -> float:
    d = option(definition, "definition", list(CHURN_DEFINITIONS), "active_at_start")
    n = whole_number(inactive_months, "inactive_months", 1, SETTINGS.churn_inactive_months,
                     maximum=1200)
    s, e = period(period_start, period_end)
    o = _orders({"customer_ids": customer_ids, "order_dates": order_dates})
    r = logo_churn_of_orders(o["customers"], o["dates"], s, e, definition=d,
                             inactive_months=n, settings=SETTINGS)
    if math.isnan(r.value):
        undefined(r.note, months=n)
    return r.value


@formula(ranges={**_ORDERS, "amounts": "amount of each order"})
def KPI_NRR(customer_ids, order_dates, amounts, period_start, period_end=None,
            baseline="year_over_year"):
    """Net revenue retention: revenue now from base customers ÷ their base revenue.

    Base customers: revenue > 0 in the baseline window — baseline "year_over_year" (default,
    前年同期: the same dates a year earlier) or "previous_period" (前期間: the window of equal
    length just before). New and reactivated customers are left out; each customer's current
    revenue is clipped at 0.
    Engine: kpi_xl.metrics.order_columns.revenue_retention_of_orders (nrr).
    Errors: no base revenue → #N/A.
    Example: =KPI_NRR(Orders[顧客ID], Orders[日付], Orders[金額], "FY2026Q1")
    """
    return run(_retention, "nrr", customer_ids, order_dates, amounts, period_start,
               period_end, baseline)


@formula(ranges={**_ORDERS, "amounts": "amount of each order"})
def KPI_GRR(customer_ids, order_dates, amounts, period_start, period_end=None,
            baseline="year_over_year"):
    """Gross revenue retention: Σ min(current, base) ÷ base revenue of base customers (0…1).

    Base customers and baseline as in KPI_NRR ("year_over_year" default | "previous_period");
    expansion is not counted.
    Engine: kpi_xl.metrics.order_columns.revenue_retention_of_orders (grr).
    Errors: no base revenue → #N/A.
    Example: =KPI_GRR(Orders[顧客ID], Orders[日付], Orders[金額], "2026-04", , "previous_period")
    """
    return run(_retention, "grr", customer_ids, order_dates, amounts, period_start,
               period_end, baseline)


def _retention(key: str, customer_ids: Any, order_dates: Any, amounts: Any, period_start: Any,
               period_end: Any, baseline: Any) -> float:
    b = option(baseline, "baseline", list(NRR_BASELINES), "year_over_year")
    s, e = period(period_start, period_end)
    o = _orders({"customer_ids": customer_ids, "order_dates": order_dates, "amounts": amounts})
    r = revenue_retention_of_orders(o["customers"], o["dates"], o["amounts"], s, e, baseline=b,
                                    settings=SETTINGS)
    if math.isnan(r[key]):
        undefined(r["note"], start=r["base_start"].date().isoformat(),
                  end=r["base_end"].date().isoformat())
    return float(r[key])
