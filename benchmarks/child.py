"""One measured pipeline, run in its own process by :mod:`benchmarks.run`.

``python -m benchmarks.child MODE BOOK OUT_JSON [--profile FILE] [--report-cache FILE]``
with MODE

- ``refresh``: :func:`kpi_xl.refresh.refresh` on BOOK in place — what ``kpi-xl refresh BOOK``
  runs — with its step timings (read, validate, compute, render, write);
- ``naive``: openpyxl full load → pandas DataFrames → the same validation and computation →
  the openpyxl renderer into the loaded workbook → openpyxl save;
- ``floor``: reading the input tables alone with calamine, plus writing only the generated
  sheets to a new file (the report is computed beforehand, untimed, or loaded from the
  ``--report-cache`` pickle written by an earlier floor run on the same workbook).

Writes ``{"mode", "wall", "steps": {...}, "maxrss_mb"}`` to OUT_JSON (``maxrss_mb`` is this
process's peak resident set size).
"""

from __future__ import annotations

import cProfile
import json
import resource
import sys
import time
from pathlib import Path


def _refresh(book: Path, steps: dict[str, float]) -> None:
    from kpi_xl.refresh import refresh

    refresh(book, timings=steps)


def _naive(book: Path, steps: dict[str, float]) -> None:
    import openpyxl
    import pandas as pd

    from kpi_xl.readers import RawTable, resolve_table_name
    from kpi_xl.report.layout import build_report
    from kpi_xl.report.render_openpyxl import render_into
    from kpi_xl.validate import validate

    t0 = time.perf_counter()
    wb = openpyxl.load_workbook(book)
    raws = {}
    for ws in wb.worksheets:
        name = resolve_table_name(ws.title)
        if not name or name in raws:
            continue
        rows = list(ws.values)
        header = [str(h) if h is not None else f"(column {i + 1})"
                  for i, h in enumerate(rows[0])] if rows else []
        frame = pd.DataFrame(rows[1:], columns=header, dtype=object)
        frame = frame.dropna(how="all")  # openpyxl reads formatted empty rows
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


def _floor(book: Path, steps: dict[str, float], cache: Path | None = None) -> None:
    import pickle

    from kpi_xl.readers import read_source
    from kpi_xl.report.layout import build_report
    from kpi_xl.report.writer import new_workbook_report
    from kpi_xl.validate import validate

    if cache is not None and cache.exists():  # the report of the same workbook, untimed
        report = pickle.loads(cache.read_bytes())
    else:
        report = build_report(validate(read_source(book), source=book.name))  # untimed
        if cache is not None:
            cache.write_bytes(pickle.dumps(report))
    t0 = time.perf_counter()
    read_source(book)
    t1 = time.perf_counter()
    new_workbook_report(report, book.with_name(book.stem + "_report_only.xlsx"))
    t2 = time.perf_counter()
    steps.update(read=t1 - t0, write=t2 - t1)


MODES = {"refresh": _refresh, "naive": _naive, "floor": _floor}


def main(argv: list[str]) -> None:
    mode, book, out = argv[0], Path(argv[1]), Path(argv[2])
    opts = dict(zip(argv[3::2], argv[4::2], strict=True))
    profile = opts.get("--profile")
    steps: dict[str, float] = {}
    prof = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    if prof:
        prof.enable()
    if mode == "floor":
        cache = opts.get("--report-cache")
        _floor(book, steps, Path(cache) if cache else None)
    else:
        MODES[mode](book, steps)
    if prof:
        prof.disable()
        prof.dump_stats(profile)
    wall = time.perf_counter() - t0
    if mode == "floor":
        wall = sum(steps.values())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write_text(json.dumps({"mode": mode, "wall": wall, "steps": steps, "maxrss_mb": rss}))


if __name__ == "__main__":
    main(sys.argv[1:])
