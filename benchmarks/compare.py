"""Figures before and after: the JSON of ``kpi-xl metrics BOOK --json --period all`` from two
checkouts of kpi_xl, compared key by key.

``python -m benchmarks.compare BOOK --base /tmp/base [--current .]``

Make the base checkout with ``git worktree add --detach /tmp/base 5bc4f85`` (main before the
Arrow rewrite of issue 14). Each side runs in its own process with its checkout first on
``PYTHONPATH``. The ``generated`` time stamp and the run-specific source path are left out;
every other value must be equal (floats to 1e-9 relative). Prints ``identical`` or the
differing paths with both values.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from pathlib import Path

__all__ = ["differences", "metrics_json"]

_VOLATILE = {"generated", "generated_at", "source", "elapsed"}


def metrics_json(checkout: Path, book: Path) -> object:
    """The ``metrics --json --period all`` output of ``book`` computed by ``checkout``."""
    env = dict(os.environ, PYTHONPATH=str(checkout.resolve()))
    proc = subprocess.run(
        [sys.executable, "-m", "kpi_xl", "metrics", str(book), "--json", "--period", "all", "-q"],
        capture_output=True,
        text=True,
        env=env,
        cwd=checkout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"metrics failed in {checkout}:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


def differences(a: object, b: object, path: str = "$") -> list[str]:
    """Paths where ``a`` and ``b`` differ (floats compared to 1e-9 relative)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            if k in _VOLATILE:
                continue
            if k not in a or k not in b:
                out.append(f"{path}.{k}: only in {'after' if k in b else 'before'}")
            else:
                out += differences(a[k], b[k], f"{path}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items before, {len(b)} after"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in differences(x, y, f"{path}[{i}]")
        ]
    numbers = isinstance(a, float) and isinstance(b, float | int) and not isinstance(b, bool)
    if numbers and (
        math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b))
    ):
        return []
    if a != b:
        return [f"{path}: {a!r} before, {b!r} after"]
    return []


def compare(book: Path, base: Path, current: Path) -> list[str]:
    return differences(metrics_json(base, book), metrics_json(current, book))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.compare")
    p.add_argument("book", type=Path)
    p.add_argument("--base", type=Path, required=True, help="checkout computing 'before'")
    p.add_argument("--current", type=Path, default=Path(__file__).resolve().parent.parent)
    a = p.parse_args(argv)
    diffs = compare(a.book, a.base, a.current)
    print(
        f"{a.book.name}: metrics --json --period all, {a.base} vs {a.current}: "
        + ("identical" if not diffs else f"{len(diffs)} differences")
    )
    for d in diffs[:50]:
        print("  " + d)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
