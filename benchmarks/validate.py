"""Validation speed: ``kpi_xl.validate.validate`` alone, on a scenario's tables.

Three kinds of input, each validated ``--runs`` times (median wall and CPU seconds):

- **book**: the tables of a workbook as the reader hands them over (``--book FILE``; make one
  with ``python -m benchmarks.generate small /tmp/small.xlsx``);
- **objects**: the scenario's tables as object columns holding Python values (str, float,
  datetime) — what a row-wise reader produces;
- **typed**: the same tables with Arrow-like dtypes: text as ``category`` (dictionary
  encoded), dates as ``datetime64``, numbers as ``float64`` — what a columnar reader
  (fastexcel) hands over.

``python -m benchmarks.validate --scenario small [--book /tmp/small.xlsx] [--runs 3]``
(``--scenario excel-max`` builds its 1,048,575 activity rows in memory: no workbook needed).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import pandas as pd

from benchmarks.generate import SCENARIOS, frames


def _as_objects(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    out = {}
    for name, df in tables.items():
        cols = {}
        for c in df.columns:
            s = df[c]
            if pd.api.types.is_datetime64_any_dtype(s.dtype):
                cols[c] = pd.Series(s.dt.to_pydatetime(), dtype=object)
            else:
                cols[c] = s.astype(object).where(s.notna(), None)
        out[name] = pd.DataFrame(cols)
    return out


def _as_typed(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    out = {}
    for name, df in tables.items():
        cols = {}
        for c in df.columns:
            s = df[c]
            is_text = s.dtype == object or pd.api.types.is_string_dtype(s.dtype)
            cols[c] = s.astype("category") if is_text and name != "settings" else s
        out[name] = pd.DataFrame(cols)
    return out


def _time(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def main(argv: list[str] | None = None) -> None:
    from kpi_xl.validate import validate

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scenario", choices=list(SCENARIOS), default="small")
    p.add_argument("--book", help="also validate the tables read from this workbook")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args(argv)
    cases: list[tuple[str, dict]] = []
    if args.book:
        from kpi_xl.read import read_source

        cases.append(("book", read_source(args.book)))
    tables = frames(SCENARIOS[args.scenario])
    tables = {k: v for k, v in tables.items() if k != "settings"}
    cases += [("objects", _as_objects(tables)), ("typed", _as_typed(tables))]
    rows = sum(len(v.frame if hasattr(v, "frame") else v) for v in cases[-1][1].values())
    print(f"scenario {args.scenario}: {rows:,} rows, {args.runs} runs, median seconds")
    print("| input | wall | cpu |\n|---|---:|---:|")
    for label, raw in cases:
        try:
            wall, cpu = _time(lambda raw=raw: validate(raw), args.runs)
        except Exception as exc:  # an older validate may not take every dtype
            print(f"| {label} | failed: {type(exc).__name__}: {str(exc)[:60]} | |")
            continue
        print(f"| {label} | {wall:.2f} | {cpu:.2f} |")


if __name__ == "__main__":
    main()
