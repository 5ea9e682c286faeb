"""Customers: the base book, who owns them, new customers won from deals, their end dates and roles.

A step class of the demo generator (:class:`kpi_xl.demo.generator` composes them): the methods
draw from ``self.rng`` in a fixed order and read and set the generator's tables on ``self``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .story import (
    LEAVER,
    N_AT_RISK,
    N_BASE_CUSTOMERS,
    N_CHURNED,
    N_ENDED,
    N_REACTIVATED,
    NAME_HEAD,
    NAME_TAIL,
    PRODUCT_WEIGHTS,
    PRODUCTS,
    REPS,
    SEGMENT_WEIGHTS,
    SEGMENTS,
    SUCCESSOR,
)

__all__ = ["CustomerSteps"]


class CustomerSteps:
    """Customers: the base book, owners, customers won from deals, end dates and roles."""

    def _base_customers(self) -> None:
        rng = self.rng
        n = N_BASE_CUSTOMERS
        seg_idx = rng.choice(len(SEGMENTS), size=n, p=SEGMENT_WEIGHTS)
        segs = list(SEGMENTS)
        starters = [r[0] for r in REPS if r[0] != SUCCESSOR or self.join_date <= self.start64]
        weights = np.array([r[2] for r in REPS if r[0] in starters])
        reps = rng.choice(starters, size=n, p=weights / weights.sum())
        first = np.datetime64("2015-04-01")
        span = int((self.start64 - 30 - first).astype(int))
        starts = first + rng.integers(0, max(span, 1), size=n)
        self.cust = pd.DataFrame({
            "key": np.arange(n),
            "segment": [segs[i] for i in seg_idx],
            "industry": [rng.choice(SEGMENTS[segs[i]]) for i in seg_idx],
            "orig_rep": reps,
            "start": np.busday_offset(starts, 0, roll="forward", busdaycal=self.cal),
            "end_date": np.datetime64("NaT", "D"),
            "role": "normal",
            "interval": np.clip(rng.lognormal(np.log(13), 0.5, size=n), 4, 40),
            "size": np.clip(rng.lognormal(np.log(3), 0.6, size=n), 1, 25),
            "product": rng.choice(PRODUCTS, size=n, p=PRODUCT_WEIGHTS),
            "discount": rng.choice([0.0, 0.05, 0.1, 0.15], size=n, p=[0.4, 0.3, 0.2, 0.1]),
        })
        c = self.cust
        order = rng.permutation(n)
        k = 0
        for role, count in (("churned", N_CHURNED), ("at_risk", N_AT_RISK), ("ended", N_ENDED),
                            ("reactivated", N_REACTIVATED)):
            c.loc[order[k:k + count], "role"] = role
            k += count
        # Story customers order often enough for the story to be visible.
        c.loc[c.role == "at_risk", "interval"] = rng.uniform(6, 10, size=N_AT_RISK)
        for role in ("churned", "reactivated", "ended"):
            m = c.role == role
            c.loc[m, "interval"] = rng.uniform(8, 16, size=int(m.sum()))
        # last_active: the last day the customer can order / be sold to.
        c["last_active"] = self.end64
        m = (c.role == "churned").to_numpy()
        lo, hi = self.end64 - 355, self.end64 - 125
        c.loc[m, "last_active"] = [self._random_bday(lo, hi) for _ in range(int(m.sum()))]
        m = (c.role == "ended").to_numpy()
        ends = [self._roll_fwd(self.end64 - d) for d in (210, 100)[: int(m.sum())]]
        c.loc[m, "end_date"] = ends
        c.loc[m, "last_active"] = [np.busday_offset(e, -1, busdaycal=self.cal) for e in ends]
        gaps = []
        for _ in range(int((c.role == "reactivated").sum())):
            g0 = self._roll_fwd(self.end64 - int(rng.integers(480, 560)))
            g1 = self._roll_fwd(g0 + int(rng.integers(190, 250)))
            gaps.append((g0, g1))
        c["gap"] = None
        c.loc[c.role == "reactivated", "gap"] = pd.Series(
            gaps, index=c.index[c.role == "reactivated"], dtype=object)
        c["won_opp"] = -1

    def _owner_at(self, orig_rep: np.ndarray, day: np.datetime64) -> np.ndarray:
        if day > self.leave_date:
            return np.where(orig_rep == LEAVER, SUCCESSOR, orig_rep)
        return orig_rep

    def _assign_customers(self) -> None:
        """Won new-business deals create customers; other deals go to existing customers."""
        rng = self.rng
        o, c = self.opp, self.cust
        new_rows = []
        won_new = np.flatnonzero(((o.status == "won") & ~o.existing).to_numpy())
        next_key = len(c)
        for i in won_new:
            new_rows.append(self._new_customer(next_key, i))
            next_key += 1
        if new_rows:
            self.cust = c = pd.concat([c, pd.DataFrame(new_rows)], ignore_index=True)
        starts = c.start.to_numpy()
        last_active = c.last_active.to_numpy().astype("datetime64[D]")
        orig = c.orig_rep.to_numpy()
        gaps = c.gap.to_numpy()
        cust = o.cust.to_numpy().copy()
        for i in won_new:
            cust[i] = c.index[c.won_opp == i][0]
        extra = []
        created = o.created.to_numpy().astype("datetime64[D]")
        close = o.close.to_numpy().astype("datetime64[D]")
        orig_rep = o.orig_rep.to_numpy()
        for i in np.flatnonzero(o.existing.to_numpy()):
            day = created[i]
            until = day if np.isnat(close[i]) else close[i]
            ok = ((self._owner_at(orig, day) == orig_rep[i]) & (starts < day)
                  & (last_active >= until))
            ok &= np.array([g is None or not (g[0] - 20 <= day <= g[1]) for g in gaps])
            cand = np.flatnonzero(ok)
            if len(cand):
                cust[i] = cand[rng.integers(len(cand))]
            elif o.status.iat[i] == "won":
                extra.append(i)
        o["cust"] = cust
        o["existing"] = cust >= 0
        if extra:
            rows = []
            for i in extra:
                rows.append(self._new_customer(next_key, i))
                o.loc[i, "cust"] = next_key
                next_key += 1
            self.cust = pd.concat([self.cust, pd.DataFrame(rows)], ignore_index=True)
        has = o.cust >= 0
        o.loc[has, "segment"] = self.cust.segment.to_numpy()[o.cust[has].to_numpy()]

    def _new_customer(self, key: int, i: int) -> dict:
        rng, o = self.rng, self.opp
        seg = o.segment.iat[i]
        return {
            "key": key, "segment": seg, "industry": rng.choice(SEGMENTS[seg]),
            "orig_rep": o.orig_rep.iat[i], "start": o.close.iat[i],
            "end_date": np.datetime64("NaT", "D"), "role": "new",
            "interval": float(np.clip(rng.lognormal(np.log(14), 0.5), 4, 40)),
            "size": float(np.clip(rng.lognormal(np.log(2.5), 0.6), 1, 25)),
            "product": o["product"].iat[i],
            "discount": float(rng.choice([0.0, 0.05, 0.1])),
            "last_active": self.end64, "gap": None, "won_opp": i,
        }

    def _finish_customers(self) -> None:
        c = self.cust
        base = (c.role != "new").to_numpy()
        new_order = np.argsort(c.start.to_numpy()[~base], kind="stable")
        keys = np.concatenate([c.key.to_numpy()[base], c.key.to_numpy()[~base][new_order]])
        ids = {int(k): f"C{j + 1:04d}" for j, k in enumerate(keys)}
        c["customer"] = c.key.map(ids)
        c["rep"] = np.where(c.orig_rep == LEAVER, SUCCESSOR, c.orig_rep)
        c = c.set_index("key").loc[keys].reset_index()
        rng = self.rng
        used: set[str] = set()
        names = []
        for seg in c.segment:
            while True:
                nm = (rng.choice(NAME_HEAD) + rng.choice(NAME_TAIL[seg]))
                nm = f"株式会社{nm}" if rng.random() < 0.5 else f"{nm}株式会社"
                if nm not in used:
                    used.add(nm)
                    names.append(nm)
                    break
        c["name"] = names
        self.cust = c
        self.cust_pos = {int(k): j for j, k in enumerate(c.key)}
        self.roles = {role: sorted(c.customer[c.role == role])
                      for role in ("churned", "at_risk", "ended", "reactivated")}
        o = self.opp
        o["customer"] = [ids[k] if k >= 0 else None for k in o.cust]
        o["opportunity_id"] = [f"OPP{j + 1:05d}" for j in range(len(o))]
        to_ts = pd.to_datetime
        self.opps = pd.DataFrame({
            "opportunity_id": o.opportunity_id, "rep": o.rep, "customer": o.customer,
            "segment": o.segment, "product": o["product"], "channel": o.channel,
            "created_date": to_ts(o.created), "amount": o.amount, "status": o.status,
            "close_date": to_ts(o.close), "stage": o.stage,
            "expected_close_date": to_ts(o.projected), "forecast_category": None,
            "approach_date": to_ts(o.approach), "hearing_date": to_ts(o.hearing),
            "proposal_date": to_ts(o.proposal), "closing_date": to_ts(o.closing),
        })
        self.customers = pd.DataFrame({
            "customer": c.customer, "name": c.name, "rep": c.rep, "segment": c.segment,
            "industry": c.industry, "start_date": to_ts(c.start), "end_date": to_ts(c.end_date),
        })
