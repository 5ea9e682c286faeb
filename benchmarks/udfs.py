"""Python side of three cell functions on 100k-row ranges, vs plain loops.

The ranges are what xlwings hands a UDF: lists of lists (one inner list per row), Excel dates
as ``datetime``, blanks as ``None``. Each function is called ``--repeat`` times (default 5);
the median is reported. The plain-loop versions compute the same definitions with nothing but
Python loops and dicts (they are the reference the target "≤ 100 ms each" is compared with).

``python -m benchmarks.udfs [--rows 100000] [--repeat 5]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

import numpy as np

ROWS = 100_000
START, END = dt.datetime(2026, 4, 1), dt.datetime(2026, 6, 30)


def ranges(n: int = ROWS, seed: int = 7) -> dict[str, list]:
    rng = np.random.default_rng(seed)
    status = rng.choice(["受注", "失注", "進行中", "won", "lost", None], n,
                        p=[0.2, 0.2, 0.3, 0.1, 0.1, 0.1])
    base = dt.datetime(2025, 1, 1)
    created = [base + dt.timedelta(days=int(d)) for d in rng.integers(0, 540, n)]
    reached = rng.random(n) < 0.45
    stages = [["情報収集日", "提案日"]] + [
        [c if rng.random() > 0.05 else None,
         (c + dt.timedelta(days=20)) if r else None] for c, r in zip(created, reached,
                                                                      strict=True)]
    cust = [f"C{int(c):05d}" if c % 50 else None for c in rng.integers(0, 8000, n)]
    dates = [base + dt.timedelta(days=int(d)) if d % 97 else None
             for d in rng.integers(0, 540, n)]
    return {"status": [[s] for s in status], "stages": stages,
            "customers": [[c] for c in cust], "dates": [[d] for d in dates]}


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
        # the spell may be extended by orders after day_before
        for d in ds:
            if day_before < d <= stop:
                stop = max(stop, plus_months(d))
        active += 1
        churned += start <= stop <= end + dt.timedelta(days=1) and stop <= end
    return churned / active if active else float("nan")


# --------------------------------------------------------------------------- timing


def _median_ms(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), out


def run(rows: int = ROWS, repeat: int = 5) -> list[dict]:
    try:
        from kpi_xl.excel import udfs
    except ImportError as exc:  # being written by another engineer
        return [{"function": "kpi_xl.excel.udfs", "error": f"not importable: {exc}"}]
    r = ranges(rows)
    cases = [
        ("KPI_WIN_RATE", lambda: udfs.KPI_WIN_RATE(r["status"]),
         lambda: loop_win_rate(r["status"])),
        ("KPI_CONVERSION", lambda: udfs.KPI_CONVERSION(r["stages"], "hearing", "proposal",
                                                       START, END),
         lambda: loop_conversion(r["stages"], START, END)),
        ("KPI_CHURN_RATE", lambda: udfs.KPI_CHURN_RATE(r["customers"], r["dates"], START,
                                                       END),
         lambda: loop_churn(r["customers"], r["dates"], START, END)),
    ]
    out = []
    for name, udf, loop in cases:
        ms, value = _median_ms(udf, repeat)
        loop_ms, loop_value = _median_ms(loop, repeat)
        out.append({"function": name, "rows": rows, "udf_ms": ms, "loop_ms": loop_ms,
                    "udf_value": value, "loop_value": loop_value})
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.udfs")
    p.add_argument("--rows", type=int, default=ROWS)
    p.add_argument("--repeat", type=int, default=5)
    a = p.parse_args(argv)
    print("| function | rows | kpi_xl UDF (median ms) | plain loop (ms) | ≤ 100 ms | UDF value |"
          " loop value |")
    print("|---|---:|---:|---:|---|---|---|")
    for r in run(a.rows, a.repeat):
        if "error" in r:
            print(f"| {r['function']} | – | {r['error']} | | | | |")
            continue
        ok = "yes" if r["udf_ms"] <= 100 else "no"
        print(f"| {r['function']} | {r['rows']:,} | {r['udf_ms']:.1f} | {r['loop_ms']:.1f} | "
              f"{ok} | {r['udf_value']!r} | {r['loop_value']!r} |")


if __name__ == "__main__":
    main()
