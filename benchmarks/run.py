"""Benchmark ``kpi-xl refresh`` against the floor, fastexcel's bare read and the naive pipeline.

``python -m benchmarks.run [--scenario small|excel-max] [--runs 3] [--naive-runs N]
[--modes refresh,floor,fastexcel,naive] [--workdir DIR] [--book FILE] [--profile]
[--compare-base DIR]``

Each measurement is a fresh process (``python -m benchmarks.child MODE …``) on a fresh copy of
the scenario workbook (generated once into ``--workdir`` by :mod:`benchmarks.generate`, or
``--book``), run under ``/usr/bin/time -v`` when it exists for the peak RSS (else the child's
own ``getrusage`` peak). The modes are interleaved (refresh, floor, fastexcel, naive, then
again), so that a load change on a shared machine hits every mode alike. Reported per mode:
the median over the runs of the process wall time, of the in-process total and of each step
(read, validate, compute, render, write), and the largest peak RSS. Ratios use the in-process
totals (interpreter start-up left out on both sides); targets (issue 14, on excel-max):

- ``refresh / floor`` ≤ 1.3 — the floor is fastexcel reading every input table into Arrow plus
  writing only the generated sheets into the package (report computed beforehand, untimed);
- ``refresh / fastexcel read`` ≤ 2.5;
- ``naive / refresh`` ≥ 15;
- refresh peak RSS ≤ 1.0 GB.

``--profile`` runs one more refresh under cProfile and prints its top 10 functions by
cumulative and by self time; ``--compare-base DIR`` compares the figures (``metrics --json
--period all``) computed by the checkout DIR with this checkout's (:mod:`benchmarks.compare`).
Results are printed as Markdown and saved to ``WORKDIR/results-SCENARIO.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import pstats
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
MODES = ("refresh", "floor", "fastexcel", "naive")
TIME = "/usr/bin/time"
ROOT = Path(__file__).resolve().parent.parent
TARGETS = {
    "refresh/floor": ("≤", 1.3),
    "refresh/fastexcel": ("≤", 2.5),
    "naive/refresh": ("≥", 15.0),
    "rss_gb": ("≤", 1.0),
}


def _git(*args: str) -> str:
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    return ""


def machine() -> dict[str, str]:
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next(
            (
                ln.split(":", 1)[1].strip()
                for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")
            ),
            "",
        )
    mem = ""
    with contextlib.suppress(OSError, AttributeError):
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    versions = {}
    for mod in ("fastexcel", "pyarrow", "pandas", "numpy", "openpyxl", "xlsxwriter"):
        with contextlib.suppress(Exception):
            versions[mod] = __import__(mod).__version__
    dirty = " + uncommitted changes" if _git("status", "--porcelain", "--", "kpi_xl") else ""
    return {
        "nproc": str(os.cpu_count()),
        "ram": mem,
        "cpu": cpu,
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "commit": _git("rev-parse", "--short", "HEAD") + dirty,
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "versions": ", ".join(f"{k} {v}" for k, v in versions.items()),
    }


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
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    res = json.loads(out.read_text())
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    res["process_wall"] = wall
    res["total"] = sum(res["steps"].values())
    res["peak_rss_mb"] = int(m.group(1)) / 1024 if m else res["maxrss_mb"]
    for p in (run_book, out):
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
        "cpu": med(r.get("cpu", float("nan")) for r in results),
        "steps": {
            s: med(r["steps"].get(s, 0.0) for r in results)
            for s in STEPS
            if any(s in r["steps"] for r in results)
        },
        "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
        "all_totals": [round(r["total"], 2) for r in results],
    }


def ratios(summary: dict[str, dict]) -> dict[str, float]:
    r, f, x, n = (summary.get(k) for k in MODES)
    out = {}
    if r and f:
        out["refresh/floor"] = r["total"] / f["total"]
    if r and x:
        out["refresh/fastexcel"] = r["total"] / x["total"]
    if r and n:
        out["naive/refresh"] = n["total"] / r["total"]
    if r:
        out["rss_gb"] = r["peak_rss_mb"] / 1024
    return out


def cpu_ratios(summary: dict[str, dict]) -> dict[str, float]:
    """The same ratios on CPU seconds (steadier on a shared machine; they count the byte
    check's thread, which overlaps fastexcel's read in wall time when a core is free)."""
    r, f, x, n = (summary.get(k) for k in MODES)
    pairs = {"refresh/floor": (r, f), "refresh/fastexcel": (r, x), "naive/refresh": (n, r)}
    return {k: a["cpu"] / b["cpu"] for k, (a, b) in pairs.items() if a and b}


def table(scenario: str, summary: dict[str, dict]) -> str:
    lines = [
        f"**{scenario}** — median of the runs (seconds), peak RSS (MB)",
        "",
        "| pipeline | runs | process wall | total | read | validate | compute | render |"
        " write | CPU | peak RSS MB | totals of the runs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for mode in MODES:
        s = summary.get(mode)
        if not s:
            continue
        steps = [f"{s['steps'][k]:.2f}" if k in s["steps"] else "–" for k in STEPS]
        lines.append(
            f"| {mode} | {s['runs']} | {s['process_wall']:.1f} | {s['total']:.2f} | "
            + " | ".join(steps)
            + f" | {s['cpu']:.2f} | {s['peak_rss_mb']:.0f} | "
            + ", ".join(f"{t:.2f}" for t in s["all_totals"])
            + " |"
        )
    lines += [
        "",
        "| ratio | wall (totals) | CPU | target (excel-max) | met (wall) |",
        "|---|---:|---:|---|---|",
    ]
    cpu = cpu_ratios(summary)
    for key, value in ratios(summary).items():
        op, target = TARGETS[key]
        met = value <= target if op == "≤" else value >= target
        name = "refresh peak RSS (GB)" if key == "rss_gb" else key.replace("/", " / ")
        c = f"{cpu[key]:.2f}" if key in cpu else "–"
        lines.append(f"| {name} | {value:.2f} | {c} | {op} {target:g} | {'yes' if met else 'no'} |")
    return "\n".join(lines)


def top_functions(prof: Path, n: int = 10) -> str:
    """The top ``n`` functions of a cProfile dump, by cumulative and by self time."""
    out = []
    for key, label in (("cumulative", "cumulative"), ("tottime", "self")):
        buf = io.StringIO()
        pstats.Stats(str(prof), stream=buf).strip_dirs().sort_stats(key).print_stats(n)
        body = buf.getvalue()
        start = body.find("   ncalls")
        out.append(f"top {n} by {label} time:\n{body[start:].rstrip()}")
    return "\n\n".join(out)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run")
    p.add_argument("--scenario", choices=sorted(SCENARIOS), default="small")
    p.add_argument(
        "--book", type=Path, help="the scenario workbook (default: generated into the workdir)"
    )
    p.add_argument("--runs", type=int, default=3)
    p.add_argument(
        "--naive-runs", type=int, default=None, help="runs of the naive pipeline (default: --runs)"
    )
    p.add_argument("--modes", default=",".join(MODES))
    p.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "kpi_xl_bench"))
    p.add_argument(
        "--profile",
        action="store_true",
        help="one more refresh under cProfile: print its top 10 functions",
    )
    p.add_argument(
        "--compare-base",
        type=Path,
        default=None,
        help="a checkout whose figures (metrics --json) the current code must equal",
    )
    a = p.parse_args(argv)
    work = Path(a.workdir)
    work.mkdir(parents=True, exist_ok=True)
    book = a.book or work / f"{a.scenario}.xlsx"
    if not book.exists():
        t0 = time.perf_counter()
        write_workbook(a.scenario, book)
        print(
            f"generated {book} ({book.stat().st_size / 1e6:.1f} MB) in "
            f"{time.perf_counter() - t0:.0f} s",
            file=sys.stderr,
        )
    info = machine()
    results: dict[str, list[dict]] = {}
    modes = a.modes.split(",")
    for i in range(a.runs):
        for mode in modes:
            n = a.naive_runs if (mode == "naive" and a.naive_runs is not None) else a.runs
            if i >= n:
                continue
            r = measure(mode, book, work)
            results.setdefault(mode, []).append(r)
            print(
                f"[{a.scenario}] {mode} run {i + 1}: total {r['total']:.2f} s, "
                f"wall {r['process_wall']:.1f} s, {r['peak_rss_mb']:.0f} MB "
                f"{ {k: round(v, 2) for k, v in r['steps'].items()} }",
                file=sys.stderr,
            )
    summary = {m: summarize(rs) for m, rs in results.items()}
    info["load_after"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    extra: dict[str, object] = {}
    print(
        f"machine: {info['nproc']} cores, {info['ram']}, {info['cpu']}, Python "
        f"{info['python']}; {info['versions']}\n{info['date']}, commit {info['commit']}, "
        f"load average {info['load']} before, {info['load_after']} after\n"
    )
    print(table(a.scenario, summary))
    if a.profile:
        prof = work / f"refresh-{a.scenario}.prof"
        measure("refresh", book, work, profile=prof)
        extra["profile"] = top_functions(prof)
        print(f"\ncProfile of one refresh ({prof}):\n\n{extra['profile']}")
    if a.compare_base is not None:
        from .compare import compare

        diffs = compare(book, a.compare_base, ROOT)
        extra["figures"] = diffs
        print(
            f"\nfigures (metrics --json --period all) of {a.compare_base} vs this checkout: "
            + ("identical" if not diffs else f"{len(diffs)} differences")
        )
        for d in diffs[:50]:
            print("  " + d)
    (work / f"results-{a.scenario}.json").write_text(
        json.dumps(
            {
                "machine": info,
                "scenario": a.scenario,
                "summary": summary,
                "ratios": ratios(summary),
                "raw": results,
                **extra,
            },
            indent=1,
            default=str,
        )
    )


if __name__ == "__main__":
    main()
