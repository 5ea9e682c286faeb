"""Pure metric functions: achievement and pace, funnel, customers, churn, risk, KPI tree.

Each takes a :class:`~kpi_xl.dataset.Dataset` (or plain Series for the scalar variants used by
the Excel formulas), does no I/O, and documents its formula and edge cases.
"""

from ._result import Ratio, ratio
from .achievement import Pace, achievement, pace, scorecard, target_totals
from .actuals import actuals, canonical_metric, metric_events, metric_names
from .churn import baseline_window, churn_trend, logo_churn, revenue_retention
from .customers import (
    active_customers,
    cohort_retention,
    customer_acquisition,
    customer_movements,
    customer_spells,
    new_customers,
    order_frequency_volume,
)
from .funnel import (
    average_deal_size,
    conversion,
    conversion_rate,
    cycle_days,
    funnel,
    pipeline_velocity,
    sales_cycle,
    stage_events,
    time_in_stage,
    velocity,
    win_rate,
    win_rates,
)
from .risk import at_risk_customers
from .tree import KpiTree, back_solve, kpi_tree, measure_drivers

__all__ = [
    "KpiTree",
    "Pace",
    "Ratio",
    "achievement",
    "active_customers",
    "actuals",
    "at_risk_customers",
    "average_deal_size",
    "back_solve",
    "baseline_window",
    "canonical_metric",
    "churn_trend",
    "cohort_retention",
    "conversion",
    "conversion_rate",
    "customer_acquisition",
    "customer_movements",
    "customer_spells",
    "cycle_days",
    "funnel",
    "kpi_tree",
    "logo_churn",
    "measure_drivers",
    "metric_events",
    "metric_names",
    "new_customers",
    "order_frequency_volume",
    "pace",
    "pipeline_velocity",
    "ratio",
    "revenue_retention",
    "sales_cycle",
    "scorecard",
    "stage_events",
    "target_totals",
    "time_in_stage",
    "velocity",
    "win_rate",
    "win_rates",
]
