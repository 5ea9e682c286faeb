"""Opportunities: leads through the five stages, stage history rows and forecast categories.

A step class of the demo generator (:class:`kpi_xl.demo.generator` composes them): the methods
draw from ``self.rng`` in a fixed order and read and set the generator's tables on ``self``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .story import (
    CHANNEL_WEIGHTS,
    CHANNELS,
    LEADS_PER_REP_MONTH,
    LEAVER,
    PRODUCT_WEIGHTS,
    PRODUCTS,
    REPS,
    SEASON,
    SEGMENT_WEIGHTS,
    SEGMENTS,
    STEP_RATES,
    SUCCESSOR,
    d64,
)

__all__ = ["DealSteps"]


class DealSteps:
    """Opportunities: leads through the five stages, stage history rows and forecast categories."""

    def _opportunities(self) -> None:
        rng = self.rng
        rows = []
        for name, _team, volume, skill, size, _act in REPS:
            lo, hi = self._tenure(name, d64(self.pre_start))
            if hi < lo:
                continue
            for ms in pd.date_range(self.pre_start, self.end, freq="MS"):
                m0 = max(d64(ms), lo)
                m1 = min(d64(ms + pd.offsets.MonthEnd(0)), hi)
                i0 = np.searchsorted(self.bdays, m0)
                i1 = np.searchsorted(self.bdays, m1, side="right")
                if i1 <= i0:
                    continue
                frac = (i1 - i0) / 21.0
                ramp = 1.0
                if name == SUCCESSOR and lo > d64(self.pre_start):
                    months_in = (ms.year * 12 + ms.month) - (
                        lo.astype(object).year * 12 + lo.astype(object).month)
                    ramp = (0.4, 0.7, 0.9)[months_in] if months_in < 3 else 1.0
                lam = LEADS_PER_REP_MONTH * volume * SEASON[ms.month] * frac * ramp
                for _ in range(rng.poisson(lam)):
                    rows.append((name, self.bdays[rng.integers(i0, i1)], skill, size))
        n = len(rows)
        rep = np.array([r[0] for r in rows], dtype=object)
        created = np.array([r[1] for r in rows], dtype="datetime64[D]")
        skill = np.array([r[2] for r in rows])
        size = np.array([r[3] for r in rows])
        srt = np.lexsort((rep.astype(str), created))
        rep, created, skill, size = rep[srt], created[srt], skill[srt], size[srt]
        existing = rng.random(n) < 0.60
        # Step outcomes.
        p = np.clip(np.array(STEP_RATES)[None, :] * skill[:, None]
                    * np.where(existing, 1.08, 0.97)[:, None], 0, 0.95)
        ok = rng.random((n, 4)) < p
        reached = np.cumprod(ok, axis=1).astype(bool)  # hearing, proposal, closing, won
        won = reached[:, 3]
        # Stage dates (business days after the previous stage).
        d_h = 3 + rng.gamma(2.0, 4.0, n)
        d_p = 5 + rng.gamma(2.0, 6.0, n)
        d_c = 5 + rng.gamma(2.0, 6.0, n)
        d_w = 3 + rng.gamma(2.0, 5.0, n)
        d_l = 5 + rng.gamma(2.0, 8.0, n)
        approach = self._add_bdays(created, np.zeros(n))
        hearing = self._add_bdays(approach, d_h)
        proposal = self._add_bdays(hearing, d_p)
        closing = self._add_bdays(proposal, d_c)
        nat = np.datetime64("NaT", "D")
        hearing = np.where(reached[:, 0], hearing, nat)
        proposal = np.where(reached[:, 1], proposal, nat)
        closing = np.where(reached[:, 2], closing, nat)
        last = np.where(reached[:, 2], closing,
                        np.where(reached[:, 1], proposal,
                                 np.where(reached[:, 0], hearing, approach)))
        close = np.where(won, self._add_bdays(last, d_w), self._add_bdays(last, d_l))
        # Fiscal-year-end / calendar-year-end push: early-April/January closes pulled back;
        # summer holidays (お盆) push August decisions into September.
        for i in range(n):
            c = close[i].astype(object)
            if c.month == 8 and rng.random() < 0.3:
                close[i] = self._add_bdays(close[i:i + 1], rng.integers(10, 20, size=1))[0]
            elif c.day <= 25 and c.month in (4, 1) and rng.random() < 0.65:
                lo = d64(dt.date(c.year, 3, 18) if c.month == 4 else dt.date(c.year - 1, 12, 14))
                hi = lo + 13
                lo = max(lo, last[i])
                if lo <= hi:
                    cand = self._random_bday(lo, hi)
                    if cand is not None:
                        close[i] = cand
        # Truncate at the data end: later stages are not reached yet, later closes are open.
        hearing = np.where(hearing > self.end64, nat, hearing)
        proposal = np.where(proposal > self.end64, nat, proposal)
        closing = np.where(closing > self.end64, nat, closing)
        is_open = close > self.end64
        status = np.where(is_open, "open", np.where(won, "won", "lost"))
        stage = np.where(~np.isnat(closing), "closing",
                         np.where(~np.isnat(proposal), "proposal",
                                  np.where(~np.isnat(hearing), "hearing", "approach")))
        stage = np.where(status == "won", "won", stage)
        projected = np.where(is_open, close, nat)  # when a running deal would close
        close = np.where(is_open, nat, close)
        # Amounts (JPY): lognormal, bigger for enterprise reps and at year/fiscal-year end.
        amount = rng.lognormal(np.log(1_100_000), 0.6, n) * size
        cm = pd.DatetimeIndex(np.where(is_open, created, close)).month.to_numpy()
        amount = amount * np.where(np.isin(cm, (3, 12)), 1.15, 1.0)
        amount = np.round(np.clip(amount, 300_000, 5_000_000), -4)
        product = rng.choice(PRODUCTS, size=n, p=PRODUCT_WEIGHTS)
        channel = rng.choice(CHANNELS, size=n, p=CHANNEL_WEIGHTS).astype(object)
        channel[rng.random(n) < 0.02] = None
        segs = list(SEGMENTS)
        segment = np.array([segs[i] for i in rng.choice(len(segs), size=n, p=SEGMENT_WEIGHTS)],
                           dtype=object)
        # The leaver's deals still running when he left went to his successor.
        orig_rep = rep.copy()
        handed = (rep == LEAVER) & (is_open | (close > self.leave_date))
        rep = np.where(handed, SUCCESSOR, rep)
        opp = pd.DataFrame({
            "rep": rep, "orig_rep": orig_rep, "created": created, "approach": approach,
            "hearing": hearing, "proposal": proposal, "closing": closing, "close": close,
            "status": status, "stage": stage, "amount": amount, "product": product,
            "channel": channel, "segment": segment, "existing": existing, "cust": -1,
            "projected": projected,
        })
        # Keep the deals of the window: created in it, or still running at its start.
        keep = (created >= self.start64) | is_open | (close >= self.start64)
        self.opp = opp[keep].reset_index(drop=True)
        self._assign_customers()

    def _stage_history(self) -> None:
        rng = self.rng
        o = self.opps
        n = len(o)
        pick = np.sort(rng.choice(n, size=max(1, n // 10), replace=False))
        rows = []
        stage_cols = ("approach_date", "hearing_date", "proposal_date", "closing_date")
        for i in pick:
            r = o.iloc[i]
            for col in stage_cols:
                if pd.notna(r[col]):
                    rows.append((r.opportunity_id, col.removesuffix("_date"), r[col]))
            if r.status in ("won", "lost"):
                rows.append((r.opportunity_id, r.status, r.close_date))
        self.history = pd.DataFrame(rows, columns=["opportunity_id", "stage", "date"])
        # Half of them keep only the history (wide stage date columns left blank).
        only_hist = pick[rng.random(len(pick)) < 0.5]
        o = o.copy()
        for col in stage_cols:
            o.loc[only_hist, col] = pd.NaT
        self.opps = o

    def _forecast(self) -> None:
        """The running deals' expected close (受注予定日) and forecast category (ヨミ区分), drawn
        from a generator of their own so that every other column stays as it was."""
        rng = np.random.default_rng(self.seed + 1)
        o = self.opps.copy()
        idx = np.flatnonzero((o["status"] == "open").to_numpy())
        # reps write the end of the month the deal should close in
        exp = (pd.to_datetime(o["expected_close_date"]) + pd.offsets.MonthEnd(0)).to_numpy().copy()
        # about one running deal in six has slipped: its expected close (a month end after it
        # was created) is already past
        end = pd.Timestamp(self.end)
        created = pd.to_datetime(o["created_date"]).to_numpy()
        for i in idx[rng.random(len(idx)) < 0.17]:
            ends = [end - pd.offsets.MonthEnd(k) for k in (2, 1)]
            ends = [e for e in ends if e.to_datetime64() > created[i]]
            if ends:
                exp[i] = ends[int(rng.integers(len(ends)))].to_datetime64()
        o["expected_close_date"] = pd.to_datetime(exp)
        cats = ("commit", "best_case", "pipeline", "omitted")
        mix = {"closing": (0.55, 0.35, 0.10, 0.0), "proposal": (0.10, 0.45, 0.45, 0.0),
               "hearing": (0.0, 0.10, 0.80, 0.10), "approach": (0.0, 0.0, 0.70, 0.30)}
        cat = np.full(len(o), None, dtype=object)
        for i in idx:
            cat[i] = cats[rng.choice(4, p=mix.get(o["stage"].iat[i], mix["approach"]))]
        o["forecast_category"] = cat
        self.opps = o
