"""Derived baseline targets (``kpi-xl import --derive-targets``).

None of the public exports has targets. Only targets the user supplies are used, unless asked:
then a baseline is derived per rep, month and metric as

    target(rep, M, metric) = actual(rep, M − 12 months, metric) × (1 + uplift)   (uplift 0.10)

for ``revenue`` and ``won_deals`` (actuals by kpi_xl's own definitions, see
:func:`kpi_xl.metrics.actuals.metric_events`, so the revenue basis setting is honoured), for
every month M of the data whose same month a year earlier lies inside the data (on or after the
first month with data). A rep-month whose baseline is 0 gets no target (a zero target is not a
target) and is counted. User-supplied targets win: a derived target is added only where the user
has none for the same rep, month and metric. The workbook says so: the Targets sheet carries the
note :data:`DERIVED_NOTE` next to its table.
"""

from __future__ import annotations

import pandas as pd

from ..dataset import TABLE_NAMES, make_dataset
from ..metrics.actuals import metric_events
from .report import ImportResult

__all__ = ["DERIVED_NOTE", "derive_targets"]

DERIVED_NOTE = "derived: last year +10%"
METRICS = ("revenue", "won_deals")


def derive_targets(result: ImportResult, *, uplift: float = 0.10,
                   metrics: tuple[str, ...] = METRICS) -> pd.DataFrame:
    """Add derived baseline targets to ``result.frames['targets']``; returns the derived rows.

    Records what was derived and skipped in ``result.report`` and sets ``result.targets_note``.
    """
    settings = result.mapping.settings
    frames = {n: f for n, f in result.frames.items() if n in TABLE_NAMES}
    ds = make_dataset(settings, **frames)
    start = ds.data_start()
    rows = []
    skipped_zero = 0
    no_history = 0
    for metric in metrics:
        ev = metric_events(ds, metric)
        if ev.empty or start is None:
            continue
        ev = ev.dropna(subset=["rep"])
        ev["month"] = ev["date"].dt.to_period("M")
        actual = ev.groupby(["rep", "month"])["value"].sum()
        first = pd.Period(start, "M")
        last = ev["month"].max()
        reps = sorted(ev["rep"].unique())
        months = pd.period_range(first, last, freq="M")
        for m in months:
            base_month = m - 12
            if base_month < first:
                no_history += len(reps)
                continue
            for rep in reps:
                base = float(actual.get((rep, base_month), 0.0))
                if base <= 0:
                    skipped_zero += 1
                    continue
                rows.append({"rep": rep, "period": m.to_timestamp(), "metric": metric,
                             "target": round(base * (1 + uplift), 2)})
    derived = pd.DataFrame(rows, columns=["rep", "period", "metric", "target"])
    user = result.frames.get("targets")
    if user is not None and len(user):
        key = ["rep", "period", "metric"]
        have = user.dropna(subset=["rep"])[key].astype(str)
        mine = derived[key].astype(str)
        keep = ~mine.apply(tuple, axis=1).isin(set(have.apply(tuple, axis=1)))
        derived = derived[keep.to_numpy()]
        combined = pd.concat([user, derived], ignore_index=True)
    else:
        combined = derived
    combined["period"] = pd.to_datetime(combined["period"]).astype("datetime64[ns]")
    result.frames["targets"] = combined.reset_index(drop=True)
    pct = f"{uplift:.0%}"
    note = (f"derived targets ({DERIVED_NOTE.replace('10%', pct)}): {len(derived):,} rep-months "
            f"for {', '.join(metrics)}; skipped {no_history:,} rep-months without the same month "
            f"a year earlier in the data and {skipped_zero:,} whose last-year actual is 0")
    result.report.notes.append(note)
    if derived.empty:
        result.report.notes.append("no target could be derived: the data has no rep-month "
                                   "with an actual a year earlier; add your own targets")
    result.targets_note = (f"{DERIVED_NOTE.replace('10%', pct)} — {len(derived):,} rep-months "
                           f"for {', '.join(metrics)} by kpi-xl import --derive-targets "
                           "(actual of the same month a year earlier × "
                           f"{1 + uplift:.2f}); user targets are kept as given")
    return derived
