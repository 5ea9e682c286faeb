"""Deterministic demo data: a Japanese B2B sales organisation over the months ending ``end``.

Everything is drawn from ``numpy.random.default_rng(seed)``; nothing depends on today's date, so
the same arguments always give identical frames. The story the data tells:

- 12 reps in three teams (東京第一営業部, 大阪営業部, Enterprise Sales), Japanese and English
  names; 小林 直樹 left about a year before ``end`` (inactive) and 中村 優花 joined the month
  after and took over his open deals and customers.
- Leads move through approach → hearing → proposal → closing → won/lost with roughly
  70% / 60% / 55% / 50% step conversion; stage dates increase; deals still running at ``end``
  are open. Fiscal-year-end (March) and December peaks, an August dip.
- About 10% of the opportunities also have StageHistory rows; for half of those the wide stage
  date columns are left blank (the history is then the only source of their stage dates).
- Customers order at a customer-specific rhythm. Deliberately: 15 churned customers (last order
  4–12 months before ``end``), 10 at-risk customers (orders drop sharply in the last 3 months),
  2 with an explicit end date, 3 reactivated after a gap of 6+ months. :func:`build` returns
  their ids in :attr:`DemoData.roles`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..dataset import conform
from ..settings import Settings
from .activity_steps import ActivitySteps
from .customer_steps import CustomerSteps
from .deal_steps import DealSteps
from .story import (
    DEFAULT_END,
    DEFAULT_MONTHS,
    DEFAULT_SEED,
    LEAVER,
    PIPELINE_LEAD_MONTHS,
    REPS,
    SUCCESSOR,
    TEAMS,
    d64,
    month_start,
)

__all__ = ["DEFAULT_END", "DEFAULT_MONTHS", "DEFAULT_SEED", "DemoData", "build", "generate"]


@dataclass
class DemoData:
    """The generated tables plus the ids of the customers given a deliberate story."""

    frames: dict[str, pd.DataFrame]
    roles: dict[str, list[str]] = field(default_factory=dict)


def generate(seed: int = DEFAULT_SEED, end: dt.date = DEFAULT_END,
             months: int = DEFAULT_MONTHS) -> dict[str, pd.DataFrame]:
    """One DataFrame per table (canonical columns and dtypes, see :mod:`kpi_xl.dataset`).

    Tables: settings (key/value rows), reps, targets, activities, opportunities, stage_history,
    customers, orders, external. Covers the ``months`` calendar months ending with the (partial)
    month of ``end``; nothing is dated after ``end`` except targets for the rest of the fiscal
    year. Same arguments → identical frames.
    """
    return build(seed, end, months).frames


def build(seed: int = DEFAULT_SEED, end: dt.date = DEFAULT_END,
          months: int = DEFAULT_MONTHS) -> DemoData:
    """Like :func:`generate`, also returning the deliberately churned/at-risk/... customer ids."""
    return _Generator(seed, end, months).run()


class _Generator(CustomerSteps, DealSteps, ActivitySteps):
    def __init__(self, seed: int, end: dt.date, months: int) -> None:
        if months < 1:
            raise ValueError("months must be at least 1")
        self.rng = np.random.default_rng(seed)
        self.seed = seed
        self.end = pd.Timestamp(end).date()
        self.start = month_start(self.end, -(months - 1))
        self.end64 = d64(self.end)
        self.start64 = d64(self.start)
        # Company year-end break (12/29–1/3 weekdays) for every year touched, through the FY end.
        fy_end_year = self.end.year + (1 if self.end.month >= 4 else 0)
        # Deals created up to PIPELINE_LEAD_MONTHS before the window and still running at its
        # start are part of the data (their early stage dates precede the window).
        self.pre_start = month_start(self.start, -PIPELINE_LEAD_MONTHS)
        hol = []
        for y in range(self.pre_start.year - 1, fy_end_year + 1):
            for d in (dt.date(y, 12, 29), dt.date(y, 12, 30), dt.date(y, 12, 31),
                      dt.date(y + 1, 1, 2), dt.date(y + 1, 1, 3)):
                if d.weekday() < 5:
                    hol.append(d)
        self.custom_holidays = [d for d in hol if self.start <= d <= dt.date(fy_end_year, 3, 31)]
        self.cal = np.busdaycalendar(holidays=np.array(hol, dtype="datetime64[D]"))
        all_days = np.arange(d64(self.pre_start), self.end64 + 1)
        self.bdays = all_days[np.is_busday(all_days, busdaycal=self.cal)]
        self.bday_month = self.bdays.astype("datetime64[M]").astype(int) % 12 + 1
        self.month_starts = pd.date_range(self.start, self.end, freq="MS")
        leave_month = month_start(self.end, -12)
        self.leave_date = self._roll_back(d64(month_start(leave_month, 1)) - 1)
        self.join_date = self._roll_fwd(d64(month_start(leave_month, 1)))
        self.fy_end = dt.date(fy_end_year, 3, 31)

    # --- small helpers -------------------------------------------------------------------------

    def _roll_fwd(self, d: np.datetime64) -> np.datetime64:
        return np.busday_offset(d, 0, roll="forward", busdaycal=self.cal)

    def _roll_back(self, d: np.datetime64) -> np.datetime64:
        return np.busday_offset(d, 0, roll="backward", busdaycal=self.cal)

    def _add_bdays(self, d: np.ndarray, n: np.ndarray) -> np.ndarray:
        d = np.busday_offset(d, 0, roll="forward", busdaycal=self.cal)
        return np.busday_offset(d, n.astype(int), roll="forward", busdaycal=self.cal)

    def _tenure(self, rep: str, lo: np.datetime64 | None = None
                ) -> tuple[np.datetime64, np.datetime64]:
        lo, hi = (self.start64 if lo is None else lo), self.end64
        if rep == LEAVER:
            hi = min(hi, self.leave_date)
        if rep == SUCCESSOR:
            lo = max(lo, self.join_date)
        return lo, hi

    def _random_bday(self, lo: np.datetime64, hi: np.datetime64) -> np.datetime64 | None:
        i0 = np.searchsorted(self.bdays, lo, side="left")
        i1 = np.searchsorted(self.bdays, hi, side="right")
        if i1 <= i0:
            return None
        return self.bdays[self.rng.integers(i0, i1)]

    # --- tables --------------------------------------------------------------------------------
    def run(self) -> DemoData:
        self.reps = pd.DataFrame({
            "rep": [r[0] for r in REPS],
            "team": [r[1] for r in REPS],
            "manager": [TEAMS[r[1]] for r in REPS],
            "active": [r[0] != LEAVER for r in REPS],
        })
        self._base_customers()
        self._opportunities()
        self._finish_customers()
        self._orders()
        self._activities()
        self._stage_history()
        self._targets()
        self._external()
        self._forecast()
        settings = pd.DataFrame({
            "key": ["fiscal_year_start", "locale", "currency", "holiday_calendar",
                    "custom_holidays"],
            "value": ["4", "ja", "JPY", "JP",
                      ",".join(d.isoformat() for d in self.custom_holidays)],
        })
        s = Settings()
        frames = {
            "settings": settings,
            "reps": self.reps,
            "targets": self.targets,
            "activities": self.activities,
            "opportunities": self.opps,
            "stage_history": self.history,
            "customers": self.customers,
            "orders": self.orders,
            "external": self.external,
        }
        frames = {k: conform(k, v, s) for k, v in frames.items()}
        return DemoData(frames, self.roles)
