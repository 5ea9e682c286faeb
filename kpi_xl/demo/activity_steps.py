"""Orders, activities (calls, visits …), monthly targets and the external-factor rows.

A step class of the demo generator (:class:`kpi_xl.demo.generator` composes them): the methods
draw from ``self.rng`` in a fixed order and read and set the generator's tables on ``self``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .story import (
    COMPETITOR_NOTES,
    LEAVER,
    PRODUCT_WEIGHTS,
    PRODUCTS,
    REPS,
    ROUTINE_ACTIVITIES_PER_DAY,
    SEASON,
    SUCCESSOR,
    UNIT_PRICE,
    round_targets,
)

__all__ = ["ActivitySteps"]


class ActivitySteps:
    """Orders, activities (calls, visits …), monthly targets and the external-factor rows."""

    def _orders(self) -> None:
        rng = self.rng
        # Seasonal "intensity clock" over business days: orders are denser in busy months.
        w = np.array([SEASON[m] for m in self.bday_month])
        clock = np.cumsum(w)
        rows = []
        last3 = self.end64 - 91
        for c in self.cust.itertuples():
            lo = max(np.datetime64(c.start, "D"), self.start64)
            hi = np.datetime64(c.last_active, "D")
            if hi < lo:
                continue
            i0 = np.searchsorted(self.bdays, lo)
            i1 = np.searchsorted(self.bdays, hi, side="right")
            if i1 <= i0:
                continue
            t = clock[i0] - w[i0]
            if c.role == "new":
                t += rng.uniform(0, 6)
            else:
                t += rng.uniform(0, c.interval)
            pos = []
            while True:
                j = np.searchsorted(clock, t, side="left")
                if j >= i1:
                    break
                pos.append(max(j, i0))
                t += min(c.interval * rng.gamma(6.0, 1 / 6.0), 55.0)
            days = self.bdays[np.array(pos, dtype=int)] if pos else self.bdays[:0]
            qty_scale = np.ones(len(days))
            if c.role == "churned" or c.role == "ended":
                days = np.append(days[days < hi], hi)
                qty_scale = np.ones(len(days))
            elif c.role == "at_risk":
                keep = days < last3
                k = 1 + int(rng.random() < 0.4)
                late = np.sort(np.array([self._random_bday(last3 + 3, self.end64 - 40)
                                         for _ in range(k)], dtype="datetime64[D]"))
                days = np.concatenate([days[keep], late])
                qty_scale = np.concatenate([np.ones(int(keep.sum())), np.full(k, 0.3)])
            elif c.role == "reactivated":
                g0, g1 = c.gap
                keep = (days < g0) | (days > g1)
                days = np.concatenate([days[keep & (days < g0)], [g1], days[keep & (days > g1)]])
                qty_scale = np.ones(len(days))
            days = np.unique(days) if c.role != "at_risk" else days
            if len(qty_scale) != len(days):
                qty_scale = np.ones(len(days))
            n = len(days)
            if n == 0:
                continue
            other = rng.choice(PRODUCTS, size=n, p=PRODUCT_WEIGHTS)
            prod = np.where((rng.random(n) < 0.65) | (qty_scale < 1), c.product, other)
            qty = np.maximum(1, np.round(c.size * rng.gamma(4.0, 0.25, n) * qty_scale))
            price = np.array([UNIT_PRICE[p] for p in prod]) * (1 - c.discount)
            amount = np.round(qty * price, -2)
            for d, q, a, p in zip(days, qty, amount, prod, strict=True):
                rows.append((d, c.customer, a, q, p))
        df = pd.DataFrame(rows, columns=["date", "customer", "amount", "quantity", "product"])
        df["date"] = pd.to_datetime(df["date"])
        df = df.sort_values(["date", "customer"], kind="stable").reset_index(drop=True)
        df["order_id"] = [f"SO{j + 1:06d}" for j in range(len(df))]
        self.orders = df

    def _activities(self) -> None:
        rng = self.rng
        o = self.opp
        recs_date, recs_rep, recs_cust, recs_type, recs_opp = [], [], [], [], []

        def rep_on(i: int, day: np.datetime64) -> str:
            return o.orig_rep.iat[i] if day <= self.leave_date else o.rep.iat[i]

        # 1) Activities at the stage steps of every opportunity, plus a few follow-ups.
        stage_types = (("approach", ("call", "email"), (0.7, 0.3)),
                       ("hearing", ("visit", "meeting"), (0.7, 0.3)),
                       ("proposal", ("proposal",), (1.0,)),
                       ("closing", ("meeting", "visit"), (0.6, 0.4)))
        for i in range(len(o)):
            cust = o.customer.iat[i]
            oid = o.opportunity_id.iat[i]
            for col, types, probs in stage_types:
                day = o[col].iat[i]
                if pd.isna(day):
                    continue
                day = np.datetime64(day, "D")
                recs_date.append(day)
                recs_rep.append(rep_on(i, day))
                recs_cust.append(cust)
                recs_type.append(types[rng.choice(len(types), p=probs)])
                recs_opp.append(oid)
            stop = o.close.iat[i]
            stop = self.end64 if pd.isna(stop) else np.datetime64(stop, "D")
            for _ in range(rng.poisson(1.0)):
                day = self._random_bday(np.datetime64(o.created.iat[i], "D"), stop)
                if day is None:
                    continue
                recs_date.append(day)
                recs_rep.append(rep_on(i, day))
                recs_cust.append(cust)
                recs_type.append("email" if rng.random() < 0.6 else "call")
                recs_opp.append(oid)
        # 2) Routine activities per rep and business day.
        c = self.cust
        c_start = c.start.to_numpy().astype("datetime64[D]")
        c_last = c.last_active.to_numpy().astype("datetime64[D]")
        c_orig = c.orig_rep.to_numpy()
        c_id = c.customer.to_numpy()
        types = np.array(["call", "email", "visit", "meeting"])
        tprob = np.array([0.42, 0.28, 0.20, 0.10])
        season = np.array([SEASON[m] for m in self.bday_month])
        o_start = o.created.to_numpy().astype("datetime64[D]")
        o_stop = np.where(pd.isna(o.close), self.end64,
                          o.close.to_numpy().astype("datetime64[D]"))
        for name, *_rest, act in REPS:
            lo, hi = self._tenure(name)
            i0 = np.searchsorted(self.bdays, lo)
            i1 = np.searchsorted(self.bdays, hi, side="right")
            if i1 <= i0:
                continue
            counts = rng.poisson(ROUTINE_ACTIVITIES_PER_DAY * act * season[i0:i1])
            days = np.repeat(self.bdays[i0:i1], counts)
            kinds = types[rng.choice(4, size=len(days), p=tprob)]
            u = rng.random(len(days))
            link = rng.random(len(days))
            mine_opp = np.flatnonzero((o.orig_rep.to_numpy() == name)
                                      | (o.rep.to_numpy() == name))
            for day, kind, uu, ll in zip(days, kinds, u, link, strict=True):
                oid = None
                cust = None
                if ll < 0.15 and len(mine_opp):
                    live = mine_opp[(o_start[mine_opp] <= day) & (o_stop[mine_opp] >= day)]
                    if len(live):
                        j = live[rng.integers(len(live))]
                        oid, cust = o.opportunity_id.iat[j], o.customer.iat[j]
                if oid is None and not (kind == "call" and uu < 0.25):
                    owner = self._owner_at(c_orig, day)
                    cand = np.flatnonzero((owner == name) & (c_start <= day) & (c_last >= day))
                    if len(cand):
                        cust = c_id[cand[rng.integers(len(cand))]]
                recs_date.append(day)
                recs_rep.append(name)
                recs_cust.append(cust)
                recs_type.append(kind)
                recs_opp.append(oid)
        df = pd.DataFrame({"date": pd.to_datetime(np.array(recs_date, dtype="datetime64[D]")),
                           "rep": recs_rep, "customer": recs_cust, "type": recs_type,
                           "opportunity_id": recs_opp})
        df = df[(df.date >= pd.Timestamp(self.start)) & (df.date <= pd.Timestamp(self.end))]
        self.activities = df.sort_values(["date", "rep"], kind="stable").reset_index(drop=True)

    def _targets(self) -> None:
        rng = self.rng
        o, a, c = self.opps, self.activities, self.customers

        def mon(dates: pd.Series) -> pd.Series:
            return pd.to_datetime(dates).dt.to_period("M")

        actual: dict[str, pd.Series] = {}
        won = o[o.status == "won"]
        actual["revenue"] = won.groupby([won.rep, mon(won.close_date)]).amount.sum()
        actual["won_deals"] = won.groupby([won.rep, mon(won.close_date)]).size()
        actual["leads"] = o.groupby([o.rep, mon(o.created_date)]).size()
        heard = self.opp.loc[self.opp.hearing.notna()]
        actual["opportunities"] = heard.groupby([heard.rep, mon(heard.hearing)]).size()
        first = won.sort_values("close_date").drop_duplicates("customer")
        newc = first[first.customer.isin(c.customer[c.start_date >= pd.Timestamp(self.start)])]
        actual["new_customers"] = newc.groupby([newc.rep, mon(newc.close_date)]).size()
        for kind, metric in (("visit", "visits"), ("call", "calls")):
            x = a[a.type == kind]
            actual[metric] = x.groupby([x.rep, mon(x.date)]).size()
        end_month = pd.Timestamp(self.end).to_period("M")
        months = pd.period_range(self.start, self.fy_end, freq="M")
        factors = rng.permutation([0.82, 0.88, 0.92, 0.95, 0.98, 1.0, 1.02, 1.05, 1.08, 1.12,
                                   1.18, 1.25])
        rows = []
        for (name, *_), f in zip(REPS, factors, strict=True):
            lo, hi = self._tenure(name)
            first_m = pd.Timestamp(lo).to_period("M")
            last_m = pd.Timestamp(hi).to_period("M") if name == LEAVER else months[-1]
            active_months = [m for m in months if first_m <= m <= last_m]
            full = [m for m in active_months if m < end_month]
            if name == SUCCESSOR and lo > self.start64:
                full = full[3:]
            for metric, series in actual.items():
                per = series[name] if name in series.index.get_level_values(0) else pd.Series()
                vals = [per.get(m, 0) / SEASON[m.month] for m in full]
                level = float(np.mean(vals)) if vals else 0.0
                for m in active_months:
                    k = (m - first_m).n
                    ramp = (0.5, 0.75, 0.9)[k] if (name == SUCCESSOR and k < 3
                                                   and lo > self.start64) else 1.0
                    jitter = rng.uniform(0.97, 1.03)
                    t = level * SEASON[m.month] * f * ramp * jitter
                    rows.append((name, None, m.to_timestamp(), metric, t))
        tg = pd.DataFrame(rows, columns=["rep", "team", "period", "metric", "target"])
        tg["target"] = round_targets(tg)
        # Team targets for the current fiscal year: revenue and new customers, 5% stretch.
        fy_start = pd.Period(dt.date(self.fy_end.year - 1, 4, 1), "M").to_timestamp()
        team_of = dict(zip(self.reps.rep, self.reps.team, strict=True))
        cur = tg[(tg.period >= fy_start) & tg.metric.isin(["revenue", "new_customers"])]
        team = (cur.assign(team=cur.rep.map(team_of))
                .groupby(["team", "period", "metric"], sort=False).target.sum().reset_index())
        team["target"] = team["target"] * 1.05
        team["target"] = round_targets(team, key="team")
        team["rep"] = None
        self.targets = pd.concat([tg, team[tg.columns]], ignore_index=True)

    def _external(self) -> None:
        rng = self.rng
        n = len(self.month_starts)
        steps = rng.normal(0.45, 1.2, n)
        steps[0] = 0
        index = 100 + np.cumsum(steps)
        rows = [(ms, "原材料価格指数", float(f"{v:.1f}"), None)
                for ms, v in zip(self.month_starts, index, strict=True)]
        for back, note in zip((300, 120), COMPETITOR_NOTES, strict=True):
            day = self._roll_fwd(self.end64 - back)
            if day >= self.start64:
                rows.append((pd.Timestamp(day), "競合新製品", None, note))
        df = pd.DataFrame(rows, columns=["date", "factor", "value", "note"])
        self.external = df.sort_values(["date", "factor"], kind="stable").reset_index(drop=True)
