"""Benchmark ``kpi-xl refresh`` against the naive openpyxl pipeline and the I/O floor.

``python -m benchmarks.run [--scenario small|excel-max] [--runs 3] [--naive-runs N]
[--workdir DIR] [--profile]``

Each measurement is a fresh process (``python -m benchmarks.child MODE …``) on a fresh copy of
the scenario workbook (generated once into ``--workdir`` by :mod:`benchmarks.generate`), run
under ``/usr/bin/time -v`` when it exists for the peak RSS (else the child's own
``getrusage`` peak). Reported per mode: the median over the runs of the process wall time,
of the in-process total and of each step (read, validate, compute, render, write), and the
largest peak RSS. Ratios use the in-process totals (interpreter start-up left out on both
sides):

- ``refresh / floor`` — target ≤ 1.3;
- ``naive / refresh`` — target ≥ 5;
- refresh peak RSS on excel-max — target ≤ 2.5 GB.

Results are printed as a Markdown table and saved to ``WORKDIR/results-SCENARIO.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .generate import SCENARIOS, write_workbook

STEPS = ("read", "validate", "compute", "render", "write")
TIME = "/usr/bin/time"


def machine() -> dict[str, str]:
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next((ln.split(":", 1)[1].strip() for ln in
                    Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), "")
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    return {"nproc": str(os.cpu_count()), "ram": mem, "cpu": cpu,
            "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d %H:%M %Z")}


def measure(mode: str, book: Path, work: Path, profile: Path | None = None) -> dict:
    run_book = work / f"run-{mode}{book.suffix}"
    shutil.copyfile(book, run_book)
    out = work / f"run-{mode}.json"
    cmd = [sys.executable, "-m", "benchmarks.child", mode, str(run_book), str(out)]
    if profile is not None:
        cmd += ["--profile", str(profile)]
    if mode == "floor":
        cmd += ["--report-cache", str(work / f"{book.stem}.report.pkl")]
    if os.path.exists(TIME):
        cmd = [TIME, "-v", *cmd]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    res = json.loads(out.read_text())
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    res["process_wall"] = wall
    res["total"] = sum(res["steps"].values())
    res["peak_rss_mb"] = int(m.group(1)) / 1024 if m else res["maxrss_mb"]
    for p in (run_book, out, run_book.with_name(run_book.stem + "_report_only.xlsx")):
        p.unlink(missing_ok=True)
    return res


def summarize(results: list[dict]) -> dict:
    if not results:
        return {}
    med = statistics.median
    return {
        "runs": len(results),
        "process_wall": med(r["process_wall"] for r in results),
        "total": med(r["total"] for r in results),
        "steps": {s: med(r["steps"].get(s, 0.0) for r in results) for s in STEPS
                  if any(s in r["steps"] for r in results)},
        "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
        "all_totals": [round(r["total"], 2) for r in results],
    }


def table(scenario: str, summary: dict[str, dict]) -> str:
    lines = [f"**{scenario}** — median of the runs (seconds), peak RSS (MB)", "",
             "| pipeline | runs | process wall | total | read | validate | compute | render |"
             " write | peak RSS MB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for mode in ("refresh", "floor", "naive"):
        s = summary.get(mode)
        if not s:
            continue
        steps = [f"{s['steps'][k]:.2f}" if k in s["steps"] else "–" for k in STEPS]
        lines.append(f"| {mode} | {s['runs']} | {s['process_wall']:.1f} | {s['total']:.2f} | "
                     + " | ".join(steps) + f" | {s['peak_rss_mb']:.0f} |")
    r, f, n = (summary.get(k) for k in ("refresh", "floor", "naive"))
    lines.append("")
    if r and f:
        lines.append(f"- refresh / floor = {r['total'] / f['total']:.2f} (target ≤ 1.3)")
    if r and n:
        lines.append(f"- naive / refresh = {n['total'] / r['total']:.2f} (target ≥ 5)")
    if r:
        lines.append(f"- refresh peak RSS = {r['peak_rss_mb'] / 1024:.2f} GB "
                     f"(target ≤ 2.5 GB on excel-max)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run")
    p.add_argument("--scenario", choices=sorted(SCENARIOS), default="small")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--naive-runs", type=int, default=None,
                   help="runs of the naive pipeline (default: --runs)")
    p.add_argument("--modes", default="refresh,floor,naive")
    p.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "kpi_xl_bench"))
    p.add_argument("--profile", action="store_true",
                   help="also write a cProfile of one refresh to WORKDIR")
    a = p.parse_args(argv)
    work = Path(a.workdir)
    work.mkdir(parents=True, exist_ok=True)
    book = work / f"{a.scenario}.xlsx"
    if not book.exists():
        t0 = time.perf_counter()
        write_workbook(a.scenario, book)
        print(f"generated {book} ({book.stat().st_size / 1e6:.1f} MB) in "
              f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)
    results: dict[str, list[dict]] = {}
    modes = a.modes.split(",")
    for i in range(a.runs):
        for mode in modes:
            n = a.naive_runs if (mode == "naive" and a.naive_runs is not None) else a.runs
            if i >= n:
                continue
            r = measure(mode, book, work)
            results.setdefault(mode, []).append(r)
            print(f"[{a.scenario}] {mode} run {i + 1}: total {r['total']:.2f} s, "
                  f"wall {r['process_wall']:.1f} s, {r['peak_rss_mb']:.0f} MB "
                  f"{ {k: round(v, 2) for k, v in r['steps'].items()} }", file=sys.stderr)
    if a.profile:
        measure("refresh", book, work, profile=work / f"refresh-{a.scenario}.prof")
    summary = {m: summarize(rs) for m, rs in results.items()}
    info = machine()
    (work / f"results-{a.scenario}.json").write_text(json.dumps(
        {"machine": info, "scenario": a.scenario, "summary": summary, "raw": results},
        indent=1, default=str))
    print(f"machine: {info['nproc']} cores, {info['ram']}, {info['cpu']}, Python "
          f"{info['python']}, {info['date']}")
    print(table(a.scenario, summary))


if __name__ == "__main__":
    main()
