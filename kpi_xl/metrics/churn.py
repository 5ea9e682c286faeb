"""Churn and revenue retention of order-based customers.

Activity, spells and movements are defined in :mod:`kpi_xl.metrics.customers` (a customer churns
N = ``settings.churn_inactive_months`` months after its last touch, or at its end date).

Logo churn (``settings.churn_definition``)
    - ``active_at_start``: customers active at the start of the period (on start − 1 day) whose
      spell ended in the period ÷ customers active at the start. Customers who started *and*
      churned inside the period are left out of both parts.
    - ``inclusive``: distinct customers with a churn (spell end) in the period ÷ distinct
      customers active at the start or starting a spell in the period (new or reactivated).

Revenue retention (``settings.nrr_baseline``)
    Base customers = customers with order revenue > 0 in the baseline window: the same dates one
    year earlier (``year_over_year``) or the window of equal length just before
    (``previous_period``; whole-month periods shift by whole months, other periods by their
    length in days). Customers without base revenue (new or reactivated ones) are left out of
    NRR/GRR by definition. Per base customer, current revenue is clipped at 0 (net returns do not
    make retention negative).

    - ``retained`` = Σ min(current, base); ``current_from_base`` = Σ current;
    - GRR = retained ÷ base_revenue (0 … 1); NRR = current_from_base ÷ base_revenue (≥ 0);
    - gross_revenue_churn = 1 − GRR; net_revenue_churn = 1 − NRR (negative = expansion).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..calendar import Period
from ..dataset import Dataset
from ..errors import ConfigError
from ..settings import NRR_BASELINES
from .common import CUSTOMER_DIMENSIONS, as_day, check_by, check_dataset
from .common import definition as definition_of
from .customers import customer_groups
from .results import Ratio, ratio
from .spells import (
    FAR,
    MOVEMENT_COLUMNS,
    ONE_DAY,
    activity_start,
    build_spells,
    inactive_months,
    movements,
    period_window,
    valid_orders,
)

__all__ = ["baseline_window", "churn_parts", "churn_trend", "logo_churn", "logo_ratio",
           "retention_row", "revenue_retention"]

_BY = (None, *CUSTOMER_DIMENSIONS)


def _definition(ds: Dataset, definition: str | None) -> str:
    return definition_of(check_dataset(ds).settings, "churn", definition)


def _baseline(ds: Dataset, baseline: str | None) -> str:
    return definition_of(check_dataset(ds).settings, "nrr", baseline)


def _spells(ds: Dataset, months: int | None, as_of: Any) -> tuple[pd.DataFrame, int]:
    n = inactive_months(ds, months)
    day = pd.Timestamp(as_day(as_of, "as_of")) if as_of is not None else None
    return build_spells(ds, n, day), n


# ----------------------------------------------------------------------------------------------
# logo churn


def churn_parts(sp: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Per customer: active_at_start, churned_from_start, churned_any, started (booleans)."""
    before = start - ONE_DAY
    se = sp["spell_end"].fillna(FAR)
    at_start = (sp["spell_start"] <= before) & (se > before)
    ends_in = (se >= start) & (se <= end)
    started = (sp["spell_start"] >= start) & (sp["spell_start"] <= end)
    f = pd.DataFrame({"active_at_start": at_start, "churned_from_start": at_start & ends_in,
                      "churned_any": ends_in, "started": started})
    return f.groupby(sp["customer"].to_numpy()).any()


def logo_ratio(parts: pd.DataFrame, definition: str) -> Ratio:
    """Logo churn of ``definition`` from :func:`churn_parts` (formulas in the module
    docstring); NaN with a note when nobody is in the denominator."""
    return _logo_from_counts(_logo_counts(parts).sum().to_dict(), definition)


def _logo_counts(parts: pd.DataFrame) -> pd.DataFrame:
    """Per customer, the 0/1 terms :func:`logo_ratio` adds up (so that groups are one sum)."""
    return pd.DataFrame({
        "churned_from_start": parts["churned_from_start"].astype(int),
        "active_at_start": parts["active_at_start"].astype(int),
        "left_out": (parts["churned_any"] & ~parts["active_at_start"]).astype(int),
        "churned_any": parts["churned_any"].astype(int),
        "active_or_started": (parts["active_at_start"] | parts["started"]).astype(int)},
        index=parts.index)


def _logo_from_counts(n: dict, definition: str) -> Ratio:
    if definition == "active_at_start":
        r = ratio(int(n["churned_from_start"]), int(n["active_at_start"]), definition,
                  zero_note="no customers active at the start of the period")
        left_out = int(n["left_out"])
        if left_out and not math.isnan(r.value):
            r = Ratio(r.value, r.numerator, r.denominator, definition,
                      f"{left_out} customer(s) who started and churned inside the period are "
                      f"left out")
        return r
    return ratio(int(n["churned_any"]), int(n["active_or_started"]), definition,
                 zero_note="no customers active in the period")


def logo_churn(ds: Dataset, start: Any, end: Any = None, *, definition: str | None = None,
               by: str | None = None, inactive_months: int | None = None,
               as_of: Any = None) -> Ratio | pd.DataFrame:
    """Logo (customer-count) churn rate in ``start … end`` (inclusive; or a Period as start).

    - ``definition='active_at_start'``: customers active on start − 1 day whose spell ends in
      the period ÷ customers active on start − 1 day. Customers who both started and churned
      inside the period are excluded (the note says how many).
    - ``definition='inclusive'``: distinct customers with a spell end in the period ÷ distinct
      customers active at the start or starting a spell (new/reactivated) in the period.

    Default: ``settings.churn_definition``. No customers in the denominator → NaN with a note
    (never 0). ``as_of`` as in :func:`~kpi_xl.metrics.customers.customer_movements`.

    Example (N = 3, period April): A orders Jan 15 (churns Apr 15), B orders Mar 1 (active),
    C orders Apr 2 only (churns Jul 2) → active_at_start 1 ÷ 2 = 0.5; inclusive 1 ÷ 3.

    Returns a :class:`Ratio`, or with ``by`` ('rep' | 'team' | 'segment') a DataFrame with
    columns ``[by, value, numerator, denominator, definition, note]``.
    """
    check_by(by, _BY)
    d = _definition(ds, definition)
    s, e = period_window(start, end)
    sp, _ = _spells(ds, inactive_months, as_of)
    parts = churn_parts(sp, s, e)
    if by is None:
        return logo_ratio(parts, d)
    groups = customer_groups(ds, by, sp["customer"])
    # one grouped sum over the customers, then each group's ratio from its counts
    counts = _logo_counts(parts)
    sums = counts.groupby(parts.index.map(groups).to_numpy()).sum()
    zero = dict.fromkeys(counts.columns, 0)
    rows = [{by: g, **_logo_from_counts(sums.loc[g].to_dict() if g in sums.index else zero,
                                        d).as_dict()}
            for g in sorted(set(groups))]
    return pd.DataFrame(rows, columns=[by, "value", "numerator", "denominator", "definition",
                                       "note"])


# ----------------------------------------------------------------------------------------------
# revenue retention


def _whole_months(s: pd.Timestamp, e: pd.Timestamp) -> int | None:
    if s.day != 1 or (e + ONE_DAY).day != 1:
        return None
    return (e.year * 12 + e.month) - (s.year * 12 + s.month) + 1


def baseline_window(start: Any, end: Any = None, baseline: str = "year_over_year"
                    ) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The baseline window (inclusive) compared with ``start … end``.

    ``year_over_year``: the same dates a year earlier (whole-month periods map to the same
    months, so Feb 2025 ↔ Feb 2024 including the 29th). ``previous_period``: the window of equal
    length right before — the same number of whole months for whole-month periods (April →
    March), otherwise the same number of days.
    """
    s, e = period_window(start, end)
    months = _whole_months(s, e)
    if baseline == "year_over_year":
        if months:
            bs = s - pd.DateOffset(years=1)
            return bs, bs + pd.DateOffset(months=months) - ONE_DAY
        return s - pd.DateOffset(years=1), e - pd.DateOffset(years=1)
    if baseline == "previous_period":
        if months:
            return s - pd.DateOffset(months=months), s - ONE_DAY
        return s - (e - s + ONE_DAY), s - ONE_DAY
    raise ConfigError(f"nrr baseline must be one of {sorted(NRR_BASELINES)}, not {baseline!r}")


_RETENTION_COLUMNS = ["period_start", "period_end", "base_start", "base_end", "base_customers",
                      "base_revenue", "retained", "current_from_base", "grr", "nrr",
                      "gross_revenue_churn", "net_revenue_churn", "definition", "note"]
_EXCLUSION_NOTE = "customers without revenue in the base window (new, reactivated) are left out"


def retention_row(base: pd.Series, cur: pd.Series) -> dict:
    """GRR, NRR and their parts from revenue per customer in the base window (``base``) and in
    the period (``cur``), both indexed by customer (formulas in the module docstring)."""
    base = base[base > 0]
    current = cur.reindex(base.index).fillna(0.0).clip(lower=0.0)
    base_rev = float(base.sum())
    retained = float(np.minimum(current, base).sum())
    from_base = float(current.sum())
    if base_rev > 0:
        grr, nrr, note = retained / base_rev, from_base / base_rev, _EXCLUSION_NOTE
    else:
        grr = nrr = math.nan
        note = "no revenue from any customer in the base window"
    return {"base_customers": len(base), "base_revenue": base_rev, "retained": retained,
            "current_from_base": from_base, "grr": grr, "nrr": nrr,
            "gross_revenue_churn": 1 - grr, "net_revenue_churn": 1 - nrr, "note": note}


def _revenue_by_customer(o: pd.DataFrame, s: pd.Timestamp, e: pd.Timestamp) -> pd.Series:
    w = o[(o["date"] >= s) & (o["date"] <= e)]
    return w.groupby("customer")["amount"].sum()


def revenue_retention(ds: Dataset, start: Any, end: Any = None, *, baseline: str | None = None,
                      by: str | None = None) -> dict | pd.DataFrame:
    """Gross and net revenue retention (GRR, NRR) of order-based customers for ``start … end``.

    Base window: :func:`baseline_window` with ``baseline`` ('year_over_year' |
    'previous_period'; default ``settings.nrr_baseline``). Base customers: revenue > 0 there.

    - ``retained`` = Σ_base min(current, base); ``current_from_base`` = Σ_base current (current
      revenue clipped at 0 per customer);
    - ``grr`` = retained ÷ base_revenue ∈ [0, 1]; ``nrr`` = current_from_base ÷ base_revenue ≥ 0;
    - ``gross_revenue_churn`` = 1 − grr; ``net_revenue_churn`` = 1 − nrr.

    Customers with no base revenue (new or reactivated) are excluded from both by definition
    (stated in ``note``). No base revenue → grr/nrr NaN with the note "no revenue from any
    customer in the base window".

    Example: base A 100, B 50; current A 120, B 0, C 80 (new) → retained 100, current_from_base
    120, GRR 100/150, NRR 120/150.

    Returns a dict with keys ``period_start, period_end, base_start, base_end, base_customers,
    base_revenue, retained, current_from_base, grr, nrr, gross_revenue_churn, net_revenue_churn,
    definition (the baseline), note``, or with ``by`` a DataFrame with a ``by`` column first.
    """
    check_by(by, _BY)
    b = _baseline(ds, baseline)
    s, e = period_window(start, end)
    bs, be = baseline_window(s, e, b)
    o = valid_orders(ds)
    base, cur = _revenue_by_customer(o, bs, be), _revenue_by_customer(o, s, e)
    head = {"period_start": s, "period_end": e, "base_start": bs, "base_end": be}
    if by is None:
        return {**head, **retention_row(base, cur), "definition": b}
    groups = customer_groups(ds, by)
    base = base[base > 0]
    current = cur.reindex(base.index).fillna(0.0).clip(lower=0.0)
    parts = pd.DataFrame({"base_customers": 1, "base_revenue": base,
                          "retained": np.minimum(current, base), "current_from_base": current})
    sums = parts.groupby(base.index.map(groups)).sum().reindex(sorted(set(groups)),
                                                               fill_value=0)
    out = sums.rename_axis(by).reset_index()
    ok = out["base_revenue"] > 0
    out["grr"] = (out["retained"] / out["base_revenue"]).where(ok)
    out["nrr"] = (out["current_from_base"] / out["base_revenue"]).where(ok)
    out["gross_revenue_churn"] = 1 - out["grr"]
    out["net_revenue_churn"] = 1 - out["nrr"]
    out["note"] = np.where(ok, _EXCLUSION_NOTE, "no revenue from any customer in the base window")
    out["definition"] = b
    for k, v in head.items():
        out[k] = v
    out["base_customers"] = out["base_customers"].astype("int64")
    return out[[by, *_RETENTION_COLUMNS]]


# ----------------------------------------------------------------------------------------------
# trend


def _periods(months: Any) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    out = []
    for m in months:
        if isinstance(m, Period):
            out.append((m.start_ts, pd.Timestamp(m.end)))
        elif isinstance(m, tuple | list):
            out.append(period_window(m[0], m[1]))
        else:
            s = pd.Timestamp(as_day(m, "month")).replace(day=1)
            out.append((s, s + pd.DateOffset(months=1) - ONE_DAY))
    return out


def churn_trend(ds: Dataset, months: Any, *, definition: str | None = None,
                baseline: str | None = None, inactive_months: int | None = None,
                as_of: Any = None) -> pd.DataFrame:
    """One row per period: movements, logo churn and revenue retention.

    ``months``: month dates (any day of the month → that calendar month), ``(start, end)``
    tuples or :class:`~kpi_xl.calendar.Period` objects.

    Columns: ``period_start, period_end, active_at_start, new, reactivated, churned,
    active_at_end`` (see :func:`~kpi_xl.metrics.customers.customer_movements`), ``logo_churn``
    (value of :func:`logo_churn`, NaN when no customers), ``churn_definition``, ``grr``, ``nrr``
    (:func:`revenue_retention`, NaN when no base revenue), ``nrr_baseline``,
    ``inactive_months``, ``note``. No periods → empty frame with these columns.

    The trend starts where the data starts: a period ending before the book's first order or
    won deal (:func:`kpi_xl.metrics.spells.activity_start`) has no figures (NA) and the note
    ``before_data`` — customers are never churned or reactivated before the data shows them.
    """
    d = _definition(ds, definition)
    b = _baseline(ds, baseline)
    sp, n = _spells(ds, inactive_months, as_of)
    o = valid_orders(ds)
    first = activity_start(ds)
    rows = []
    for s, e in _periods(months):
        if first is None or e < first:
            rows.append({"period_start": s, "period_end": e,
                         **{k: pd.NA for k in MOVEMENT_COLUMNS}, "logo_churn": math.nan,
                         "churn_definition": d, "grr": math.nan, "nrr": math.nan,
                         "nrr_baseline": b, "inactive_months": n,
                         "note": "before_data" if first is not None else "no_data"})
            continue
        mv = movements(sp, s, e).iloc[0]
        lc = logo_ratio(churn_parts(sp, s, e), d)
        bs, be = baseline_window(s, e, b)
        rr = retention_row(_revenue_by_customer(o, bs, be), _revenue_by_customer(o, s, e))
        rows.append({"period_start": s, "period_end": e,
                     **{k: int(mv[k]) for k in MOVEMENT_COLUMNS},
                     "logo_churn": lc.value, "churn_definition": d, "grr": rr["grr"],
                     "nrr": rr["nrr"], "nrr_baseline": b, "inactive_months": n, "note": ""})
    cols = ["period_start", "period_end", *MOVEMENT_COLUMNS, "logo_churn", "churn_definition",
            "grr", "nrr", "nrr_baseline", "inactive_months", "note"]
    out = pd.DataFrame(rows, columns=cols)
    return out.astype({k: "Int64" for k in MOVEMENT_COLUMNS})
