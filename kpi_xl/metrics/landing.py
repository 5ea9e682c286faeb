"""Landing from the pipeline (ヨミ): stage probabilities and the pipeline-weighted landing.

Stage probability of stage s (every stage but the won one): among the deals that reached s
and were decided (won or lost, closed on or before the as-of date), the share that was won:

    p(s) = won ÷ (won + lost), over deals that reached s

A probability given on the Settings sheet (``stage_probabilities``, e.g. 提案:40%) replaces the
measured one (source ``setting``). A stage no decided deal ever reached has no history: it gets
its position in the process, (k + 1) ÷ K for stage k of K stages (source ``default``), so an
open deal is never worth nothing for lack of history. The won stage is 1.

Landing for a period P as of day a, per group:

    landing = actual to date + Σ amount × p(current stage), over the open deals whose expected
    close date lies in P

- *open* on a: created on or before a and not closed by a (closed later counts as open then);
  its current stage is the last stage reached on or before a.
- *expected close date*: the ``expected_close_date`` column (受注予定日), else the deal's own
  ``close_date`` when an open deal carries one. Open deals with no expected close date are in
  no period: they are counted (``undated_open``, ``undated_amount``) and left out; so are
  open deals whose expected close lies before P (``overdue_open``, ``overdue_amount``: they
  slipped, see :mod:`kpi_xl.metrics.stalled`).
- the probabilities are the team's (not each rep's), so a rep with pipeline but no win yet
  lands at the weighted value of that pipeline, never at 0 for lack of own history.

Forecast categories (when the table has a ``forecast_category`` column, コミット / ベスト /
パイプライン): the open amount and the number of deals closing in P per category, and two
landings —
``landing_commit`` = actual + commit, ``landing_best`` = actual + commit + best case,
``landing_pipeline`` = the best case + pipeline.
Deals marked ``omitted`` are left out of both. Amounts missing on open deals count as 0 and
are counted in ``no_amount``.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from ..calendar import Period
from ..dataset import Dataset
from .actuals import actual_to_date
from .common import ALL, as_day, check_dataset, check_period
from .stages import NAT, opportunity_groups, stage_matrix, to_ns
from .targets import target_totals

__all__ = ["LANDING_COLUMNS", "OpenDeals", "open_deals", "pipeline_landing",
           "stage_probabilities"]

LANDING_COLUMNS = [
    "group", "target", "actual", "open_deals", "open_amount", "weighted", "landing",
    "landing_achievement", "undated_open", "undated_amount", "overdue_open", "overdue_amount",
    "no_amount",
    "commit", "best_case", "pipeline", "commit_deals", "best_case_deals", "pipeline_deals",
    "landing_commit", "landing_best", "landing_pipeline",
]


class OpenDeals:
    """The deals open on a day, with their current stage (index into the stages, the last
    stage reached on or before that day) and the date they entered it."""

    def __init__(self, rows: np.ndarray, stage: np.ndarray, entered: np.ndarray) -> None:
        self.rows, self.stage, self.entered = rows, stage, entered


def open_deals(ds: Dataset, as_of: dt.date) -> OpenDeals:
    """The deals open on ``as_of`` (module docstring): row positions in
    ``ds.opportunities``, current stage index and entry date (int64 ns, NAT if unknown)."""
    m = stage_matrix(ds)
    opp = ds.opportunities
    hi = (pd.Timestamp(as_day(as_of, "as_of")) + pd.Timedelta(days=1)).value
    created, close = to_ns(opp["created_date"]), to_ns(opp["close_date"])
    decided = np.isin(m.status, ["won", "lost"])
    closed_by = decided & ((close == NAT) | (close < hi))
    started = (created == NAT) | (created < hi)
    is_open = started & ~closed_by & np.isin(m.status, ["open", "won", "lost"])
    k = len(m.stages)
    # stages reached by then: a recorded (or implied) date before the cut, or no date at all
    # for a deal that is open today (its current stage is where it is now)
    known = (m.dates != NAT) & (m.dates < hi)
    undated_now = m.reached & (m.dates == NAT) & (m.status == "open")[:, None]
    by_then = (known | undated_now) & m.reached
    by_then[:, k - 1] = False  # the won stage is not an open deal's stage
    top = np.where(by_then.any(axis=1), k - 1 - np.argmax(by_then[:, ::-1], axis=1), 0)
    rows = np.flatnonzero(is_open)
    stage = top[rows]
    entered = m.dates[rows, stage]
    return OpenDeals(rows, stage, entered)


def stage_probabilities(ds: Dataset, as_of: dt.date,
                        overrides: dict[str, float] | None = None) -> pd.DataFrame:
    """Probability of winning from each stage but the last (module docstring): columns
    stage, reached, won, probability, source (``history`` | ``setting`` | ``default``)."""
    check_dataset(ds)
    overrides = dict(ds.settings.stage_probabilities if overrides is None else overrides)
    m = stage_matrix(ds)
    close = to_ns(ds.opportunities["close_date"])
    hi = (pd.Timestamp(as_day(as_of, "as_of")) + pd.Timedelta(days=1)).value
    decided = np.isin(m.status, ["won", "lost"]) & (close != NAT) & (close < hi)
    won = decided & (m.status == "won")
    k_count = len(m.stages)
    rows = []
    for k, stage in enumerate(m.stages[:-1]):
        reached = m.reached[:, k] & decided
        n, w = int(reached.sum()), int((reached & won).sum())
        if stage in overrides:
            p, source = float(overrides[stage]), "setting"
        elif n:
            p, source = w / n, "history"
        else:
            p, source = (k + 1) / k_count, "default"
        rows.append({"stage": stage, "reached": n, "won": w, "probability": p,
                     "source": source})
    return pd.DataFrame(rows, columns=["stage", "reached", "won", "probability", "source"])


def _expected_close(opp: pd.DataFrame) -> np.ndarray:
    exp = to_ns(opp["expected_close_date"]) if "expected_close_date" in opp else np.full(
        len(opp), NAT, dtype=np.int64)
    own = to_ns(opp["close_date"])
    return np.where(exp != NAT, exp, own)


def pipeline_landing(ds: Dataset, period: Period, as_of: dt.date, *, by: str | None = "rep",
                     probabilities: pd.DataFrame | None = None,
                     groups: list[str] | None = None) -> pd.DataFrame:
    """Actual + weighted open pipeline closing in ``period`` per group (module docstring).

    ``probabilities`` defaults to :func:`stage_probabilities` as of ``as_of``; ``groups`` fixes
    the rows (default: every group with an actual, a target or an open deal).
    ``target`` is the period's revenue target (NaN: none) and ``landing_achievement`` =
    landing ÷ target. Category columns are NaN when the table has no forecast category.
    Columns: :data:`LANDING_COLUMNS`.
    """
    check_dataset(ds)
    check_period(period)
    day = as_day(as_of, "as_of")
    if probabilities is None:
        probabilities = stage_probabilities(ds, day)
    opp = ds.opportunities
    labels, _, _ = opportunity_groups(ds, by)
    od = open_deals(ds, day)
    stages = stage_matrix(ds).stages
    p_of = dict(zip(probabilities["stage"], probabilities["probability"], strict=True))
    p_lut = np.array([p_of.get(s, 0.0) for s in stages], dtype=float)  # one per stage
    p = p_lut.take(np.asarray(od.stage, dtype=np.intp)) if len(p_lut) else np.zeros(
        len(od.stage))
    amount = opp["amount"].to_numpy(dtype=float)[od.rows]
    no_amount = np.isnan(amount)
    amount = np.where(no_amount, 0.0, amount)
    exp = _expected_close(opp)[od.rows]
    lo, hi = pd.Timestamp(period.start).value, period.end_ts.value
    dated = exp != NAT
    inside = dated & (exp >= lo) & (exp < hi) if not period.is_all else np.ones(len(exp), bool)
    g = labels[od.rows]
    has_cat = ("forecast_category" in opp and opp["forecast_category"].notna().any())
    cat = (opp["forecast_category"].astype(object).to_numpy()[od.rows] if has_cat
           else np.full(len(od.rows), None, dtype=object))
    before = dated & (exp < lo) if not period.is_all else np.zeros(len(exp), bool)
    frame = pd.DataFrame({"group": g, "inside": inside, "undated": ~dated, "before": before,
                          "amount": amount,
                          "weighted": amount * p, "no_amount": no_amount, "cat": cat})
    ins = frame[frame["inside"]]
    agg = ins.groupby("group").agg(open_deals=("amount", "size"), open_amount=("amount", "sum"),
                                   weighted=("weighted", "sum"),
                                   no_amount=("no_amount", "sum"))
    und = frame[frame["undated"]].groupby("group").agg(undated_open=("amount", "size"),
                                                       undated_amount=("amount", "sum"))
    late = frame[frame["before"]].groupby("group").agg(overdue_open=("amount", "size"),
                                                       overdue_amount=("amount", "sum"))
    cats = (ins.groupby(["group", "cat"])["amount"].sum().unstack(fill_value=0.0)
            if has_cat and len(ins) else pd.DataFrame())
    cat_n = (ins.groupby(["group", "cat"]).size().unstack(fill_value=0)
             if has_cat and len(ins) else pd.DataFrame())
    actual = actual_to_date(ds, "revenue", period, day, by)
    targets = target_totals(ds, "revenue", period, by=by)
    names = list(groups) if groups is not None else list(dict.fromkeys(
        [*([ALL] if by is None else []), *actual.index, *targets.index, *agg.index,
         *und.index, *late.index]))
    rows = []
    for name in names:
        a = float(actual.get(name, 0.0))
        w = float(agg["weighted"].get(name, 0.0)) if len(agg) else 0.0
        t = float(targets.get(name, math.nan))
        landing = a + w

        def c(key: str, name: str = name, table: pd.DataFrame = cats) -> float:
            if not has_cat:
                return math.nan
            return float(table[key].get(name, 0.0)) if key in table.columns else 0.0

        rows.append({
            "group": name, "target": t, "actual": a,
            "open_deals": int(agg["open_deals"].get(name, 0)) if len(agg) else 0,
            "open_amount": float(agg["open_amount"].get(name, 0.0)) if len(agg) else 0.0,
            "weighted": w, "landing": landing,
            "landing_achievement": landing / t if t and not math.isnan(t) else math.nan,
            "undated_open": int(und["undated_open"].get(name, 0)) if len(und) else 0,
            "undated_amount": float(und["undated_amount"].get(name, 0.0)) if len(und) else 0.0,
            "overdue_open": int(late["overdue_open"].get(name, 0)) if len(late) else 0,
            "overdue_amount": (float(late["overdue_amount"].get(name, 0.0)) if len(late)
                               else 0.0),
            "no_amount": int(agg["no_amount"].get(name, 0)) if len(agg) else 0,
            "commit": c("commit"), "best_case": c("best_case"), "pipeline": c("pipeline"),
            "commit_deals": c("commit", table=cat_n), "best_case_deals": c("best_case",
                                                                          table=cat_n),
            "pipeline_deals": c("pipeline", table=cat_n),
            "landing_commit": a + c("commit") if has_cat else math.nan,
            "landing_best": a + c("commit") + c("best_case") if has_cat else math.nan,
            "landing_pipeline": (a + c("commit") + c("best_case") + c("pipeline") if has_cat
                                 else math.nan),
        })
    return pd.DataFrame(rows, columns=LANDING_COLUMNS)
