"""One measured pipeline, run in its own process by :mod:`benchmarks.run`.

``python -m benchmarks.child MODE BOOK OUT_JSON [--profile FILE] [--report-cache FILE]``
with MODE

- ``refresh``: :func:`kpi_xl.refresh.refresh` on BOOK in place — what ``kpi-xl refresh BOOK``
  runs — with its step timings (read, validate, compute, render, write);
- ``floor``: what no refresh can avoid — fastexcel reading every Excel table of BOOK into
  Arrow (:func:`fastexcel_read`, fastexcel's own API, nothing of kpi_xl), plus writing only the
  generated sheets into BOOK's package (:func:`kpi_xl.report.writer.write_report`: render +
  splice). The report is computed beforehand, untimed (or loaded from the ``--report-cache``
  pickle written by an earlier floor run on the same workbook);
- ``fastexcel``: :func:`fastexcel_read` alone (the read step of the floor, in a process of
  its own for its peak RSS);
- ``naive``: openpyxl full load → pandas DataFrames → the same validation and computation →
  the openpyxl renderer into the loaded workbook → openpyxl save.

Writes ``{"mode", "wall", "steps": {...}, "cpu", "maxrss_mb"}`` to OUT_JSON: ``cpu`` is the
CPU seconds (user + system, every thread) of the timed part — steadier than wall time on a
shared machine, and above the wall time when fastexcel and the byte check run in parallel;
``maxrss_mb`` is this process's peak resident set size. ``--profile FILE`` dumps a cProfile of
the whole mode.
"""

from __future__ import annotations

import cProfile
import json
import pickle
import resource
import sys
import time
from pathlib import Path


def _cpu() -> float:
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def fastexcel_read(book: Path) -> dict[str, int]:
    """Every Excel table of ``book`` as an Arrow record batch, by fastexcel alone: table name →
    rows. (The template holds each input table as an Excel table: 設定, 担当者, 活動 …)"""
    import fastexcel

    reader = fastexcel.read_excel(str(book))
    return {name: reader.load_table(name, eager=True).num_rows for name in reader.table_names()}


def _refresh(book: Path, steps: dict[str, float], cache: Path | None) -> float:
    from kpi_xl.refresh import refresh

    c0 = _cpu()
    refresh(book, timings=steps)
    return _cpu() - c0


def _fastexcel(book: Path, steps: dict[str, float], cache: Path | None) -> float:
    c0 = _cpu()
    t0 = time.perf_counter()
    fastexcel_read(book)
    steps["read"] = time.perf_counter() - t0
    return _cpu() - c0


def _naive(book: Path, steps: dict[str, float], cache: Path | None) -> float:
    import openpyxl
    import pandas as pd

    from kpi_xl.read import RawTable, resolve_table_name
    from kpi_xl.report.layout import build_report
    from kpi_xl.report.render_openpyxl import render_into
    from kpi_xl.validate import validate

    c0 = _cpu()
    t0 = time.perf_counter()
    wb = openpyxl.load_workbook(book)
    raws = {}
    for ws in wb.worksheets:
        name = resolve_table_name(ws.title)
        if not name or name in raws:
            continue
        rows = list(ws.values)
        header = (
            [str(h) if h is not None else f"(column {i + 1})" for i, h in enumerate(rows[0])]
            if rows
            else []
        )
        frame = pd.DataFrame(rows[1:], columns=header, dtype=object)
        frame = frame.dropna(how="all").reset_index(drop=True)  # formatted empty rows
        raws[name] = RawTable(name, frame, ws.title, 1)
    t1 = time.perf_counter()
    ds = validate(raws, source=book.name)
    t2 = time.perf_counter()
    report = build_report(ds)
    t3 = time.perf_counter()
    render_into(wb, report)
    t4 = time.perf_counter()
    wb.save(book)
    t5 = time.perf_counter()
    steps.update(read=t1 - t0, validate=t2 - t1, compute=t3 - t2, render=t4 - t3, write=t5 - t4)
    return _cpu() - c0


def report_of(book: Path, cache: Path | None = None):
    """The report a refresh of ``book`` writes (computed, or loaded from ``cache``)."""
    if cache is not None and cache.exists():
        return pickle.loads(cache.read_bytes())
    from kpi_xl.read import read_source
    from kpi_xl.report.layout import build_report
    from kpi_xl.validate import validate

    report = build_report(validate(read_source(book), source=book.name))
    if cache is not None:
        cache.write_bytes(pickle.dumps(report))
    return report


def _floor(book: Path, steps: dict[str, float], cache: Path | None) -> float:
    from kpi_xl.report.writer import write_report

    report = report_of(book, cache)  # untimed
    c0 = _cpu()
    t0 = time.perf_counter()
    fastexcel_read(book)
    t1 = time.perf_counter()
    timings: dict[str, float] = {}
    write_report(book, report, timings=timings)
    t2 = time.perf_counter()
    steps.update(
        read=t1 - t0, render=timings.get("render", 0.0), write=t2 - t1 - timings.get("render", 0.0)
    )
    return _cpu() - c0


MODES = {"refresh": _refresh, "naive": _naive, "floor": _floor, "fastexcel": _fastexcel}


def main(argv: list[str]) -> None:
    mode, book, out = argv[0], Path(argv[1]), Path(argv[2])
    opts = dict(zip(argv[3::2], argv[4::2], strict=True))
    profile = opts.get("--profile")
    cache = Path(opts["--report-cache"]) if "--report-cache" in opts else None
    steps: dict[str, float] = {}
    prof = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    if prof:
        prof.enable()
    cpu = MODES[mode](book, steps, cache)
    if prof:
        prof.disable()
        prof.dump_stats(profile)
    wall = time.perf_counter() - t0
    if mode == "floor":
        wall = sum(steps.values())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write_text(
        json.dumps({"mode": mode, "wall": wall, "steps": steps, "cpu": cpu, "maxrss_mb": rss})
    )


if __name__ == "__main__":
    main(sys.argv[1:])
