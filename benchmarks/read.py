"""Reading alone: ``kpi_xl.read_source`` against fastexcel's bare read of every sheet.

``python -m benchmarks.read BOOK [--repeat N]`` runs each reader N times (default 3), each in
a fresh process, and prints the median wall time and the peak resident set size of each:

- ``read_source``: what ``kpi-xl refresh`` reads (input tables located, checked, typed);
- ``fastexcel``: ``fastexcel.read_excel(BOOK)`` and ``load_table(name, eager=True)`` for every
  Excel table (:func:`benchmarks.child.fastexcel_read`) — the floor no reader built on
  fastexcel can go under.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["main"]


def _child(mode: str, book: str) -> None:
    t0 = time.perf_counter()
    if mode == "read_source":
        from kpi_xl.read import read_source

        tables = read_source(book)
        rows = {name: len(t.frame) for name, t in tables.items()}
    else:
        from benchmarks.child import fastexcel_read

        rows = fastexcel_read(Path(book))
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"mode": mode, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                      "maxrss_mb": usage.ru_maxrss / 1024, "rows": rows}))


def _run(mode: str, book: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "benchmarks.read", "--child", mode, book],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.read")
    ap.add_argument("book")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(args.child, args.book)
        return 0
    print(f"{Path(args.book).name}: median of {args.repeat} runs, each in a fresh process")
    for mode in ("fastexcel", "read_source"):
        runs = [_run(mode, args.book) for _ in range(args.repeat)]
        wall = statistics.median(r["wall"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        rss = max(r["maxrss_mb"] for r in runs)
        print(f"  {mode:12s} wall {wall:6.2f} s   cpu {cpu:6.2f} s   peak RSS {rss:6.0f} MB")
        print(f"  {'':12s} rows {runs[0]['rows']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
