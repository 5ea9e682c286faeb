"""Synthetic input workbooks for the refresh benchmarks, written with kpi_xl's template.

Scenarios (rows of the input tables):

========== ======= ========== ============= ====== ========= =========================
scenario   reps    activities opportunities orders customers targets (monthly, 3 metrics)
========== ======= ========== ============= ====== ========= =========================
small      20      60,000     12,000        25,000 2,000     20 × 24 × 3
excel-max  200     1,048,575  200,000       500,000 20,000   200 × 24 × 3
========== ======= ========== ============= ====== ========= =========================

``excel-max`` fills the Activities sheet to Excel's last row (1,048,576 with the header).
Everything is drawn from ``numpy.random.default_rng(seed)``: the same scenario always gives the
same data. The data passes validation (known reps, customers and types, close date after
created date, unique ids and targets).

``python -m benchmarks.generate SCENARIO OUT.xlsx``
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_xl.excel.template import build_template

__all__ = ["SCENARIOS", "Scenario", "frames", "write_workbook"]


@dataclass(frozen=True)
class Scenario:
    name: str
    reps: int
    activities: int
    opportunities: int
    orders: int
    customers: int
    months: int = 24


SCENARIOS = {
    "small": Scenario("small", 20, 60_000, 12_000, 25_000, 2_000),
    "excel-max": Scenario("excel-max", 200, 1_048_575, 200_000, 500_000, 20_000),
}
END = dt.date(2026, 11, 20)
SEGMENTS = np.array(["IT", "製造業", "小売", "金融", "医療"], dtype=object)
PRODUCTS = np.array(["Standard", "Enterprise", "保守サポート", "導入支援"], dtype=object)
CHANNELS = np.array(["Web", "紹介", "Outbound", "展示会"], dtype=object)
TYPES = np.array(["call", "visit", "meeting", "email", "proposal"], dtype=object)
STAGES = ("approach", "hearing", "proposal", "closing")


def _days(rng: np.random.Generator, start: np.datetime64, n: int, span: int) -> np.ndarray:
    """``n`` business days (Mon–Fri) from ``start`` within ``span`` days, sorted."""
    d = start + rng.integers(0, span, n).astype("timedelta64[D]")
    return np.sort(np.busday_offset(d, 0, roll="forward"))


def frames(sc: Scenario, seed: int = 20261120) -> dict[str, pd.DataFrame]:
    """The input tables of scenario ``sc`` (canonical columns, as kpi_xl.demo.demo_frames)."""
    rng = np.random.default_rng(seed)
    end = np.datetime64(END, "D")
    start = np.datetime64(pd.Timestamp(END).to_period("M").start_time.date()
                          - pd.DateOffset(months=sc.months - 1), "D")
    span = int((end - start).astype(int)) - 2
    n_teams = max(sc.reps // 20, 2)
    reps = pd.DataFrame({
        "rep": [f"Rep {i:03d}" for i in range(1, sc.reps + 1)],
        "team": [f"Team {i % n_teams + 1:02d}" for i in range(sc.reps)],
        "manager": [f"Manager {i % n_teams + 1:02d}" for i in range(sc.reps)],
        "active": True,
    })
    rep_names = reps["rep"].to_numpy(dtype=object)

    nc = sc.customers
    cust_rep = rep_names[rng.integers(0, sc.reps, nc)]
    customers = pd.DataFrame({
        "customer": [f"C{i:06d}" for i in range(1, nc + 1)],
        "name": [f"顧客 {i:06d} 株式会社" for i in range(1, nc + 1)],
        "rep": cust_rep,
        "segment": SEGMENTS[rng.integers(0, len(SEGMENTS), nc)],
        "industry": "General",
        "start_date": pd.to_datetime(start - rng.integers(0, 2000, nc).astype("timedelta64[D]")),
        "end_date": pd.NaT,
    })
    cust_ids = customers["customer"].to_numpy(dtype=object)

    no = sc.opportunities
    created = _days(rng, start, no, span)
    reached = rng.choice(4, no, p=[0.3, 0.25, 0.2, 0.25])  # last stage reached (index)
    gaps = rng.integers(5, 30, (no, 4)).cumsum(axis=1).astype("timedelta64[D]")
    stage_dates = {s: np.where(reached >= k, created + (gaps[:, k - 1] if k else 0),
                               np.datetime64("NaT")) for k, s in enumerate(STAGES)}
    last = np.max(np.stack([np.where(np.isnat(v), created, v) for v in stage_dates.values()]),
                  axis=0)
    close = last + rng.integers(1, 40, no).astype("timedelta64[D]")
    status = np.where(close > end, "open",
                      np.where((reached == 3) & (rng.random(no) < 0.55), "won", "lost"))
    status = status.astype(object)
    for s, v in stage_dates.items():
        stage_dates[s] = np.where(v > end, np.datetime64("NaT"), v)
    opp_ids = np.array([f"OPP{i:07d}" for i in range(1, no + 1)], dtype=object)
    has_cust = rng.random(no) < 0.6
    opportunities = pd.DataFrame({
        "opportunity_id": opp_ids,
        "rep": rep_names[rng.integers(0, sc.reps, no)],
        "customer": np.where(has_cust, cust_ids[rng.integers(0, nc, no)], None),
        "segment": SEGMENTS[rng.integers(0, len(SEGMENTS), no)],
        "product": PRODUCTS[rng.integers(0, len(PRODUCTS), no)],
        "channel": CHANNELS[rng.integers(0, len(CHANNELS), no)],
        "created_date": pd.to_datetime(created),
        "amount": (rng.integers(10, 500, no) * 10_000).astype(float),
        "status": status,
        "close_date": pd.to_datetime(np.where(status == "open", np.datetime64("NaT"), close)),
        "stage": np.array(STAGES, dtype=object)[reached],
        **{f"{s}_date": pd.to_datetime(v) for s, v in stage_dates.items()},
    })

    na = sc.activities
    act_opp = rng.random(na) < 0.5
    activities = pd.DataFrame({
        "date": pd.to_datetime(_days(rng, start, na, span)),
        "rep": rep_names[rng.integers(0, sc.reps, na)],
        "customer": np.where(rng.random(na) < 0.7, cust_ids[rng.integers(0, nc, na)], None),
        "type": TYPES[rng.choice(len(TYPES), na, p=[0.4, 0.2, 0.15, 0.2, 0.05])],
        "opportunity_id": np.where(act_opp, opp_ids[rng.integers(0, no, na)], None),
    })

    nr = sc.orders
    orders = pd.DataFrame({
        "date": pd.to_datetime(_days(rng, start, nr, span)),
        "customer": cust_ids[rng.zipf(1.3, nr) % nc],
        "amount": (rng.integers(1, 300, nr) * 5_000).astype(float),
        "quantity": rng.integers(1, 10, nr).astype(float),
        "product": PRODUCTS[rng.integers(0, len(PRODUCTS), nr)],
        "order_id": [f"SO{i:08d}" for i in range(1, nr + 1)],
    })

    months = pd.date_range(pd.Timestamp(start), periods=sc.months, freq="MS")
    metrics = {"revenue": 3_000_000.0, "visits": 20.0, "calls": 60.0}
    rows = [(r, m, k, v) for r in rep_names for m in months for k, v in metrics.items()]
    targets = pd.DataFrame(rows, columns=["rep", "period", "metric", "target"])
    targets.insert(1, "team", None)

    settings = pd.DataFrame({"key": ["fiscal_year_start", "locale", "currency"],
                             "value": ["4", "ja", "JPY"]})
    external = pd.DataFrame({"date": months, "factor": "原材料価格指数",
                             "value": np.round(100 + rng.normal(0, 2, sc.months).cumsum(), 1),
                             "note": None})
    return {"settings": settings, "reps": reps, "targets": targets, "activities": activities,
            "opportunities": opportunities, "customers": customers, "orders": orders,
            "external": external}


def write_workbook(scenario: str, out: str | Path, seed: int = 20261120) -> Path:
    """Write the scenario's input workbook (kpi_xl template, ja) to ``out``."""
    return build_template(Path(out), locale="ja", data=frames(SCENARIOS[scenario], seed))


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.generate")
    p.add_argument("scenario", choices=sorted(SCENARIOS))
    p.add_argument("out")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    path = write_workbook(args.scenario, args.out)
    print(f"{path}: {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
