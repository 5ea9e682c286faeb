"""Render and write: the report's sheets with openpyxl vs XlsxWriter, and the splice.

``python -m benchmarks.render BOOK [--runs 3] [--workdir DIR]``

The report of BOOK is computed once (untimed) and pickled into WORKDIR. Then, each in a fresh
process (``python -m benchmarks.render --child …``) for a clean peak RSS, the median of
``--runs`` runs of

- **render**: the report's sheets into an in-memory package, by each renderer —
  ``openpyxl`` (:func:`kpi_xl.report.render_openpyxl.render_package`), ``xlsxwriter-cm``
  (XlsxWriter ``constant_memory``: rows written as they come, inline strings) and
  ``xlsxwriter-mem`` (XlsxWriter ``in_memory``: shared strings);
- **splice**: that package spliced into a fresh copy of BOOK (styles merged, parts renamed,
  the zip written with the untouched members copied raw) — what a refresh writes.

Finally the packages of the three renderers are opened with openpyxl and compared sheet by
sheet (cell values, number formats, fonts, fills, borders, widths, conditional formats,
charts and their ranges: ``tests/sheet_compare.py``); the number of differences is printed.
"""

from __future__ import annotations

import argparse
import io
import json
import pickle
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RENDERERS = ("openpyxl", "xlsxwriter-cm", "xlsxwriter-mem")


def _renderer(name: str):
    if name == "openpyxl":
        from kpi_xl.report.render_openpyxl import render_package

        return render_package
    from kpi_xl.report.render_xlsxwriter import render_package

    cm = name == "xlsxwriter-cm"
    return lambda report, names, changes=None: render_package(report, names, changes,
                                                              constant_memory=cm)


def _child(renderer: str, cache: Path, book: Path, out: Path) -> None:
    from kpi_xl.report.naming import unique_sheet_names
    from kpi_xl.report.writer import write_report

    report = pickle.loads(cache.read_bytes())
    render = _renderer(renderer)
    names = unique_sheet_names(s.name for s in report.sheets)
    t0 = time.perf_counter()
    data = render(report, names)
    t_render = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / book.name
        shutil.copy(book, copy)
        timings: dict[str, float] = {}
        write_report(copy, report, render=lambda r, n, c: data, timings=timings)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write_text(json.dumps({"render": t_render, "splice": timings["write"],
                               "bytes": len(data), "rss_mb": rss}))


def _compare(cache: Path) -> dict[str, int]:
    import openpyxl

    from kpi_xl.report.naming import unique_sheet_names
    from tests.sheet_compare import differences, sheet_facts

    report = pickle.loads(cache.read_bytes())
    names = unique_sheet_names(s.name for s in report.sheets)
    books = {r: openpyxl.load_workbook(io.BytesIO(_renderer(r)(report, names)))
             for r in RENDERERS}
    out = {}
    for r in RENDERERS[1:]:
        out[r] = sum(len(differences(sheet_facts(books["openpyxl"][n]), sheet_facts(books[r][n])))
                     for n in names)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.render")
    p.add_argument("book", type=Path)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--workdir", type=Path, default=None)
    p.add_argument("--child", nargs=3, metavar=("RENDERER", "CACHE", "OUT"))
    p.add_argument("--compute", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        _child(args.child[0], Path(args.child[1]), args.book, Path(args.child[2]))
        return 0
    work = args.workdir or args.book.parent
    cache = work / f"{args.book.stem}.report.pickle"
    if args.compute:  # in its own process, so that the measuring parent stays small
        from kpi_xl.read import read_source
        from kpi_xl.report.layout import build_report
        from kpi_xl.validate import validate

        t0 = time.perf_counter()
        report = build_report(validate(read_source(args.book), source=args.book.name))
        cache.write_bytes(pickle.dumps(report))
        print(f"report computed in {time.perf_counter() - t0:.1f} s (untimed), "
              f"{len(report.sheets)} sheets")
        return 0
    if not cache.exists():
        subprocess.run([sys.executable, "-m", "benchmarks.render", str(args.book), "--compute",
                        "--workdir", str(work)], check=True)
    rows = []
    for r in RENDERERS:
        runs = []
        for _ in range(args.runs):
            out = work / f"render-{r}.json"
            subprocess.run([sys.executable, "-m", "benchmarks.render", str(args.book),
                            "--child", r, str(cache), str(out)], check=True)
            runs.append(json.loads(out.read_text()))
        rows.append((r, statistics.median(x["render"] for x in runs),
                     statistics.median(x["splice"] for x in runs),
                     max(x["rss_mb"] for x in runs), runs[0]["bytes"]))
    diffs = _compare(cache)  # last: it loads three workbooks into this process
    print(f"\n{args.book.name}, median of {args.runs}\n")
    print("| renderer | render | splice | render + splice | package | peak RSS | differences "
          "from openpyxl |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r, render, splice, rss, size in rows:
        print(f"| {r} | {render:.2f} s | {splice:.2f} s | {render + splice:.2f} s | "
              f"{size / 1e6:.1f} MB | {rss:.0f} MB | {diffs.get(r, 0)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
