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

__all__ = ["DEFAULT_END", "DEFAULT_MONTHS", "DEFAULT_SEED", "DemoData", "build", "generate"]

DEFAULT_SEED = 20261120
DEFAULT_END = dt.date(2026, 11, 20)
DEFAULT_MONTHS = 24

TEAMS = {
    "東京第一営業部": "山本 浩二",
    "大阪営業部": "松本 恵子",
    "Enterprise Sales": "Michael Brown",
}
# name, team, lead volume, skill (conversion multiplier), deal size, activity level
REPS = (
    ("佐藤 美咲", "東京第一営業部", 1.15, 1.05, 1.0, 1.1),
    ("田中 健太", "東京第一営業部", 1.00, 0.95, 1.0, 1.2),
    ("鈴木 大輔", "東京第一営業部", 0.85, 1.00, 1.1, 0.8),
    ("高橋 さくら", "東京第一営業部", 1.05, 1.10, 0.9, 1.0),
    ("伊藤 翔太", "大阪営業部", 1.10, 0.90, 0.9, 1.3),
    ("渡辺 彩", "大阪営業部", 0.95, 1.05, 1.0, 0.9),
    ("小林 直樹", "大阪営業部", 0.90, 0.90, 1.0, 0.9),
    ("中村 優花", "大阪営業部", 0.90, 0.95, 0.9, 1.1),
    ("Emily Carter", "Enterprise Sales", 0.80, 1.10, 1.5, 0.8),
    ("James Wilson", "Enterprise Sales", 0.75, 1.00, 1.6, 0.9),
    ("加藤 玲奈", "Enterprise Sales", 0.85, 1.05, 1.4, 1.0),
    ("Sophie Martin", "Enterprise Sales", 0.70, 0.95, 1.7, 0.7),
)
LEAVER, SUCCESSOR = "小林 直樹", "中村 優花"

SEGMENTS = {
    "製造業": ("自動車部品", "電子部品", "食品製造", "化学"),
    "小売": ("スーパー", "ドラッグストア", "アパレル", "家電量販"),
    "IT": ("SaaS", "SIer", "通信", "Web制作"),
    "医療": ("病院", "クリニック", "医療機器", "調剤薬局"),
}
SEGMENT_WEIGHTS = (0.35, 0.25, 0.25, 0.15)
PRODUCTS = ("Standard", "Enterprise", "導入支援", "保守サポート")
PRODUCT_WEIGHTS = (0.40, 0.25, 0.15, 0.20)
UNIT_PRICE = {"Standard": 48_000, "Enterprise": 150_000, "導入支援": 300_000,
              "保守サポート": 20_000}
CHANNELS = ("Web", "展示会", "紹介", "Outbound")
CHANNEL_WEIGHTS = (0.35, 0.18, 0.20, 0.27)
STEP_RATES = (0.70, 0.60, 0.55, 0.50)  # approach→hearing→proposal→closing→won
# Month multipliers: fiscal-year end (March) and December peaks, August (お盆) dip.
SEASON = {1: 0.90, 2: 1.05, 3: 1.35, 4: 0.95, 5: 0.90, 6: 1.00, 7: 1.00, 8: 0.65, 9: 1.10,
          10: 1.00, 11: 1.05, 12: 1.30}

N_BASE_CUSTOMERS = 150
N_CHURNED, N_AT_RISK, N_ENDED, N_REACTIVATED = 15, 10, 2, 3
LEADS_PER_REP_MONTH = 14.0
PIPELINE_LEAD_MONTHS = 3
ROUTINE_ACTIVITIES_PER_DAY = 3.4

_NAME_HEAD = ("東和", "大和", "北辰", "三協", "富士", "青葉", "中央", "日東", "丸栄", "東邦",
              "昭和", "新光", "朝日", "平和", "共栄", "光洋", "星野", "桜井", "松原", "高砂",
              "明和", "千代田", "港南", "白鷺", "若葉", "緑川", "大洋", "北斗", "南海", "泉")
_NAME_TAIL = {
    "製造業": ("精機", "工業", "製作所", "電子", "食品", "化成"),
    "小売": ("ストア", "商店", "マート", "ドラッグ", "リテール", "百貨店"),
    "IT": ("システムズ", "ソフト", "テック", "ネットワークス", "データ", "ITソリューションズ"),
    "医療": ("メディカル", "病院", "クリニック", "ファーマ", "医療器", "ヘルスケア"),
}
_COMPETITOR_NOTES = ("A社がクラウド版の新製品を低価格で発表", "B社が新製品「SalesX」を発売")


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


def _month_start(d: dt.date, shift: int = 0) -> dt.date:
    idx = d.year * 12 + d.month - 1 + shift
    return dt.date(idx // 12, idx % 12 + 1, 1)


def _d64(d: dt.date | pd.Timestamp) -> np.datetime64:
    return np.datetime64(pd.Timestamp(d).date(), "D")


class _Generator:
    def __init__(self, seed: int, end: dt.date, months: int) -> None:
        if months < 1:
            raise ValueError("months must be at least 1")
        self.rng = np.random.default_rng(seed)
        self.seed = seed
        self.end = pd.Timestamp(end).date()
        self.start = _month_start(self.end, -(months - 1))
        self.end64 = _d64(self.end)
        self.start64 = _d64(self.start)
        # Company year-end break (12/29–1/3 weekdays) for every year touched, through the FY end.
        fy_end_year = self.end.year + (1 if self.end.month >= 4 else 0)
        # Deals created up to PIPELINE_LEAD_MONTHS before the window and still running at its
        # start are part of the data (their early stage dates precede the window).
        self.pre_start = _month_start(self.start, -PIPELINE_LEAD_MONTHS)
        hol = []
        for y in range(self.pre_start.year - 1, fy_end_year + 1):
            for d in (dt.date(y, 12, 29), dt.date(y, 12, 30), dt.date(y, 12, 31),
                      dt.date(y + 1, 1, 2), dt.date(y + 1, 1, 3)):
                if d.weekday() < 5:
                    hol.append(d)
        self.custom_holidays = [d for d in hol if self.start <= d <= dt.date(fy_end_year, 3, 31)]
        self.cal = np.busdaycalendar(holidays=np.array(hol, dtype="datetime64[D]"))
        all_days = np.arange(_d64(self.pre_start), self.end64 + 1)
        self.bdays = all_days[np.is_busday(all_days, busdaycal=self.cal)]
        self.bday_month = self.bdays.astype("datetime64[M]").astype(int) % 12 + 1
        self.month_starts = pd.date_range(self.start, self.end, freq="MS")
        leave_month = _month_start(self.end, -12)
        self.leave_date = self._roll_back(_d64(_month_start(leave_month, 1)) - 1)
        self.join_date = self._roll_fwd(_d64(_month_start(leave_month, 1)))
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

    def _opportunities(self) -> None:
        rng = self.rng
        rows = []
        for name, _team, volume, skill, size, _act in REPS:
            lo, hi = self._tenure(name, _d64(self.pre_start))
            if hi < lo:
                continue
            for ms in pd.date_range(self.pre_start, self.end, freq="MS"):
                m0 = max(_d64(ms), lo)
                m1 = min(_d64(ms + pd.offsets.MonthEnd(0)), hi)
                i0 = np.searchsorted(self.bdays, m0)
                i1 = np.searchsorted(self.bdays, m1, side="right")
                if i1 <= i0:
                    continue
                frac = (i1 - i0) / 21.0
                ramp = 1.0
                if name == SUCCESSOR and lo > _d64(self.pre_start):
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
                lo = _d64(dt.date(c.year, 3, 18) if c.month == 4 else dt.date(c.year - 1, 12, 14))
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
                nm = (rng.choice(_NAME_HEAD) + rng.choice(_NAME_TAIL[seg]))
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
        tg["target"] = _round_targets(tg)
        # Team targets for the current fiscal year: revenue and new customers, 5% stretch.
        fy_start = pd.Period(dt.date(self.fy_end.year - 1, 4, 1), "M").to_timestamp()
        team_of = dict(zip(self.reps.rep, self.reps.team, strict=True))
        cur = tg[(tg.period >= fy_start) & tg.metric.isin(["revenue", "new_customers"])]
        team = (cur.assign(team=cur.rep.map(team_of))
                .groupby(["team", "period", "metric"], sort=False).target.sum().reset_index())
        team["target"] = team["target"] * 1.05
        team["target"] = _round_targets(team, key="team")
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
        for back, note in zip((300, 120), _COMPETITOR_NOTES, strict=True):
            day = self._roll_fwd(self.end64 - back)
            if day >= self.start64:
                rows.append((pd.Timestamp(day), "競合新製品", None, note))
        df = pd.DataFrame(rows, columns=["date", "factor", "value", "note"])
        self.external = df.sort_values(["date", "factor"], kind="stable").reset_index(drop=True)

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


def _round_targets(tg: pd.DataFrame, key: str = "rep") -> list[float]:
    """Targets as a sales plan writes them: revenue in ¥100,000 steps (at least ¥100,000);
    counts in whole numbers, rounded on the running total of each owner's months so that a
    0.4-a-month plan becomes 0, 1, 0, 0, 1 … and the year still adds up (never 0.5 of a
    customer)."""
    out = pd.Series(0.0, index=tg.index)
    for (_, metric), g in tg.sort_values("period", kind="stable").groupby([key, "metric"],
                                                                          sort=False):
        if metric == "revenue":
            out[g.index] = np.maximum(100_000.0, np.round(g["target"] / 100_000) * 100_000)
        else:
            cum = np.round(np.cumsum(g["target"].to_numpy(dtype=float)))
            out[g.index] = np.diff(np.concatenate([[0.0], cum]))
    return out.tolist()
