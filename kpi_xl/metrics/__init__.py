"""Pure metric functions: achievement and pace, funnel, deals, customers, churn, risk, KPI tree.

Each takes a :class:`~kpi_xl.dataset.Dataset` (or plain Series for the scalar variants used by
the Excel formulas), does no I/O, and documents its formula and edge cases. Shared rules —
grouping, definitions, the revenue basis, actual to date — are in :mod:`.common`; the stage
model in :mod:`.stages`; customer activity in :mod:`.spells`.
"""

from ..metric_registry import canonical_metric, metric_def, metric_names
from .achievement import (
    Pace,
    achievement,
    core_metrics,
    pace,
    pace_of,
    scorecard,
    scorecard_from_actuals,
)
from .actuals import actual_to_date, actuals, metric_events, monthly_actuals
from .churn import baseline_window, churn_trend, logo_churn, revenue_retention
from .cohorts import cohort_retention
from .common import ALL, NONE, definition, group_labels, revenue_basis
from .customers import (
    active_customers,
    customer_acquisition,
    customer_movements,
    customer_spells,
    new_customers,
    order_frequency_volume,
)
from .deals import (
    average_deal_size,
    cycle_days,
    pipeline_velocity,
    sales_cycle,
    time_in_stage,
    velocity,
    win_rate,
    win_rates,
)
from .funnel import conversion, conversion_from_stages, conversion_rate, funnel
from .results import Ratio, ratio
from .risk import at_risk_customers
from .stages import stage_events
from .targets import monthly_targets, phased_targets, target_totals
from .tree import KpiTree, back_solve, driver_benchmarks, kpi_tree, measure_drivers

__all__ = [
    "ALL",
    "NONE",
    "KpiTree",
    "Pace",
    "Ratio",
    "achievement",
    "active_customers",
    "actual_to_date",
    "actuals",
    "at_risk_customers",
    "average_deal_size",
    "back_solve",
    "baseline_window",
    "canonical_metric",
    "churn_trend",
    "cohort_retention",
    "conversion",
    "conversion_from_stages",
    "conversion_rate",
    "core_metrics",
    "customer_acquisition",
    "customer_movements",
    "customer_spells",
    "cycle_days",
    "definition",
    "driver_benchmarks",
    "funnel",
    "group_labels",
    "kpi_tree",
    "logo_churn",
    "measure_drivers",
    "metric_def",
    "metric_events",
    "metric_names",
    "monthly_actuals",
    "monthly_targets",
    "new_customers",
    "order_frequency_volume",
    "pace",
    "pace_of",
    "phased_targets",
    "pipeline_velocity",
    "ratio",
    "revenue_basis",
    "revenue_retention",
    "sales_cycle",
    "scorecard",
    "scorecard_from_actuals",
    "stage_events",
    "target_totals",
    "time_in_stage",
    "velocity",
    "win_rate",
    "win_rates",
]
