"""Python side of every ``KPI_*`` cell formula on 100k-row ranges (issue 14: ≤ 50 ms each).

The ranges are what xlwings hands a UDF: lists of lists (one inner list per row), date cells as
``datetime`` (classic UDFs) or serial numbers (xlwings Lite), blanks as ``None``, tables with
their header row. Each case is called ``--repeat`` times (default 7) after one warm-up call; the
median is reported. Three cases also run a plain-Python loop computing the same definition
(same value; the reference for "no per-row Python").

``python -m benchmarks.udfs [--rows 100000] [--repeat 7] [--json OUT] [--before BEFORE.json]``

Wall-clock and CPU medians are both reported (CPU: ``time.process_time``, this process, all
threads — the steadier figure on a shared machine). ``--json`` saves the medians; ``--before``
adds the medians of an earlier run (e.g. on the code before a change, run with
``PYTHONPATH`` pointing at that checkout).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROWS = 100_000
START, END = dt.datetime(2026, 4, 1), dt.datetime(2026, 6, 30)
EPOCH = dt.datetime(1899, 12, 30)
GOAL_MS = 50.0


def _serial(d: dt.datetime | None) -> float | None:
    return None if d is None else (d - EPOCH).days + 0.0


def ranges(n: int = ROWS, seed: int = 7) -> dict[str, object]:
    """Every input range of the cases, built once."""
    rng = np.random.default_rng(seed)
    base = dt.datetime(2025, 1, 1)
    status = rng.choice(["受注", "失注", "進行中", "won", "lost", None], n,
                        p=[0.2, 0.2, 0.3, 0.1, 0.1, 0.1])
    created = [base + dt.timedelta(days=int(d)) for d in rng.integers(0, 540, n)]
    cycle = rng.integers(5, 120, n)
    closed = [c + dt.timedelta(days=int(k)) if s in ("受注", "失注", "won", "lost") else None
              for c, k, s in zip(created, cycle, status, strict=True)]
    reached = rng.random(n) < 0.45
    stages = [["情報収集日", "提案日"]] + [
        [c if rng.random() > 0.05 else None, (c + dt.timedelta(days=20)) if r else None]
        for c, r in zip(created, reached, strict=True)]
    current = rng.choice(["アプローチ", "ヒアリング", "提案", "クロージング", "受注", "失注", None],
                         n, p=[0.25, 0.2, 0.2, 0.1, 0.1, 0.1, 0.05])
    cust = [f"C{int(c):05d}" if c % 50 else None for c in rng.integers(0, 8000, n)]
    dates = [base + dt.timedelta(days=int(d)) if d % 97 else None
             for d in rng.integers(0, 540, n)]
    amounts = [float(a) for a in rng.integers(1, 500, n) * 1000]
    reps = [f"担当{i:02d}" for i in range(20)]
    rep_of = rng.integers(0, 20, n)
    amount_opp = rng.integers(10, 900, n) * 10_000
    opps = [["商談ID", "担当者", "作成日", "状態", "完了日", "金額", "情報収集日", "提案日"]] + [
        [f"O{i:06d}", reps[r], c, s or "進行中", z, float(a), st[0], st[1]]
        for i, (r, c, s, z, a, st) in enumerate(zip(rep_of, created, status, closed, amount_opp,
                                                    stages[1:], strict=True))]
    months = [f"2026-{m:02d}" for m in range(4, 7)]
    targets = [["担当者", "月", "指標", "目標"]] + [
        [r, m, metric, goal] for r in reps for m in months
        for metric, goal in (("売上", 30_000_000), ("受注件数", 40), ("リード数", 200))]
    return {"status": [[s] for s in status], "stages": stages,
            "current": [[s] for s in current], "created": [[c] for c in created],
            "closed": [[z] for z in closed],
            "customers": [[c] for c in cust], "dates": [[d] for d in dates],
            "dates_serial": [[_serial(d)] for d in dates], "amounts": [[a] for a in amounts],
            "opps": opps, "targets": targets,
            "holidays": [[dt.datetime(2026, 4, 29)], [dt.datetime(2026, 5, 3)],
                         [dt.datetime(2026, 5, 4)], [dt.datetime(2026, 5, 5)]]}


# --------------------------------------------------------------------------- plain loops


def loop_win_rate(rows: list[list]) -> float:
    won = lost = 0
    for (v,) in rows:
        if v is None:
            continue
        k = str(v).strip().lower()
        if k in ("won", "受注"):
            won += 1
        elif k in ("lost", "失注"):
            lost += 1
    return won / (won + lost) if won + lost else float("nan")


def loop_conversion(rows: list[list], start: dt.datetime, end: dt.datetime) -> float:
    entered = converted = 0
    for a, b in rows[1:]:
        if a is None or not (start <= a <= end):
            continue
        entered += 1
        converted += b is not None
    return converted / entered if entered else float("nan")


def loop_churn(customers: list[list], dates: list[list], start: dt.datetime,
               end: dt.datetime, months: int = 3) -> float:
    """active_at_start: active the day before start and whose activity ended in the period."""
    by: dict[str, list[dt.datetime]] = {}
    for (c,), (d,) in zip(customers, dates, strict=True):
        if c is None or d is None:
            continue
        by.setdefault(c, []).append(d)

    def plus_months(d: dt.datetime) -> dt.datetime:
        m = d.month - 1 + months
        y, m = d.year + m // 12, m % 12 + 1
        last = (dt.datetime(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).day
        return d.replace(year=y, month=m, day=min(d.day, last))

    day_before = start - dt.timedelta(days=1)
    active = churned = 0
    for ds in by.values():
        ds.sort()
        stop = None  # end of the spell covering day_before
        for d in ds:
            if d > day_before:
                break
            s = plus_months(d)
            if stop is None or d > stop or s > stop:
                stop = s if stop is None or d > stop else max(stop, s)
        if stop is None or stop <= day_before:
            continue
        for d in ds:  # the spell may be extended by orders after day_before
            if day_before < d <= stop:
                stop = max(stop, plus_months(d))
        active += 1
        churned += start <= stop <= end
    return churned / active if active else float("nan")


# --------------------------------------------------------------------------- timing


def _median_ms(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """Median wall-clock and CPU (this process, all threads) milliseconds of ``repeat`` calls
    after a warm-up call, and the last result. On a shared machine the CPU time is the steadier
    figure: the wall clock also counts the time other processes held the cores."""
    out = fn()  # warm-up (imports, caches of the calendar)
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(wall), statistics.median(cpu), out


def cases(r: dict) -> list[tuple[str, str, Callable[[], object], Callable[[], object] | None]]:
    """(formula, what is passed, call, plain loop or None)."""
    from kpi_xl.excel import udfs

    apr15 = dt.datetime(2026, 4, 15)
    out = [
        ("KPI_ACHIEVEMENT", "two cells", lambda: udfs.KPI_ACHIEVEMENT("¥1,200", 1000), None),
        ("KPI_PACE", "three cells", lambda: udfs.KPI_PACE(500, 1000, apr15), None),
        ("KPI_FORECAST", "cells, label period", lambda: udfs.KPI_FORECAST(
            500, apr15, "FY2026Q1"), None),
        ("KPI_BUSINESS_DAYS", "two dates, 4 holidays", lambda: udfs.KPI_BUSINESS_DAYS(
            START, END, r["holidays"]), None),
        ("KPI_VELOCITY", "four cells", lambda: udfs.KPI_VELOCITY(40, 1_000_000, 0.3, 45), None),
        ("KPI_REQUIRED", "six cells (table)", lambda: udfs.KPI_REQUIRED(
            3_000_000, 1_200_000, 250_000, 0.3, 0.5, 12), None),
        ("KPI_WIN_RATE", "100k statuses", lambda: udfs.KPI_WIN_RATE(r["status"]),
         lambda: loop_win_rate(r["status"])),
        ("KPI_CONVERSION", "100k × 2 date table", lambda: udfs.KPI_CONVERSION(
            r["stages"], "hearing", "proposal", START, END),
         lambda: loop_conversion(r["stages"], START, END)),
        ("KPI_CONVERSION", "100k current stages", lambda: udfs.KPI_CONVERSION(
            r["current"], "hearing", "proposal"), None),
        ("KPI_CYCLE_DAYS", "100k × 3 columns", lambda: udfs.KPI_CYCLE_DAYS(
            r["created"], r["closed"], r["status"], "median"), None),
        ("KPI_CHURN_RATE", "100k orders (datetimes)", lambda: udfs.KPI_CHURN_RATE(
            r["customers"], r["dates"], START, END),
         lambda: loop_churn(r["customers"], r["dates"], START, END)),
        ("KPI_CHURN_RATE", "100k orders (serials)", lambda: udfs.KPI_CHURN_RATE(
            r["customers"], r["dates_serial"], "FY2026Q1"), None),
        ("KPI_NRR", "100k orders", lambda: udfs.KPI_NRR(
            r["customers"], r["dates"], r["amounts"], "2026-04"), None),
        ("KPI_GRR", "100k orders", lambda: udfs.KPI_GRR(
            r["customers"], r["dates"], r["amounts"], "2026-04", None, "previous_period"),
         None),
        ("KPI_FUNNEL", "100k-row opportunities table", lambda: udfs.KPI_FUNNEL(
            r["opps"], "cohort", "FY2026Q1"), None),
        ("KPI_SCORECARD", "180 targets + 100k opportunities", lambda: udfs.KPI_SCORECARD(
            r["targets"], r["opps"], "2026-04", apr15), None),
    ]
    if hasattr(udfs, "KPI_WHY"):
        out.append(("KPI_WHY", "of KPI_CHURN_RATE, 100k orders", lambda: udfs.KPI_WHY(
            "KPI_CHURN_RATE", r["customers"], r["dates"], START, END), None))
    return out


def run(rows: int = ROWS, repeat: int = 7) -> list[dict]:
    r = ranges(rows)
    out = []
    for name, what, udf, loop in cases(r):
        ms, cpu, value = _median_ms(udf, repeat)
        row = {"function": name, "input": what, "rows": rows, "udf_ms": ms, "udf_cpu_ms": cpu,
               "udf_value": _short(value)}
        if loop is not None:
            row["loop_ms"], _, loop_value = _median_ms(loop, repeat)
            row["loop_value"] = _short(loop_value)
        out.append(row)
    return out


def _short(value: object) -> str:
    if isinstance(value, list):
        return f"table {len(value)}×{len(value[0]) if value else 0}"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)[:40]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.udfs")
    p.add_argument("--rows", type=int, default=ROWS)
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--json", type=Path, help="save the results here")
    p.add_argument("--before", type=Path, help="results of an earlier run to compare with")
    a = p.parse_args(argv)
    results = run(a.rows, a.repeat)
    if a.json:
        a.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    before = {}
    if a.before:
        before = {(b["function"], b["input"]): b for b in json.loads(
            a.before.read_text(encoding="utf-8"))}
    print(f"| formula | input | before (ms) | after (ms) | before CPU | after CPU | "
          f"≤ {GOAL_MS:.0f} ms | value | plain loop (ms) |")
    print("|---|---|---:|---:|---:|---:|---|---|---:|")
    for r in results:
        b = before.get((r["function"], r["input"]))
        old = f"{b['udf_ms']:.1f}" if b else "–"
        old_cpu = f"{b['udf_cpu_ms']:.1f}" if b and "udf_cpu_ms" in b else "–"
        ok = "yes" if r["udf_ms"] <= GOAL_MS else "**no**"
        loop = f"{r['loop_ms']:.1f}" if "loop_ms" in r else ""
        print(f"| {r['function']} | {r['input']} | {old} | {r['udf_ms']:.1f} | {old_cpu} | "
              f"{r['udf_cpu_ms']:.1f} | {ok} | {r['udf_value']} | {loop} |")


if __name__ == "__main__":
    main()
