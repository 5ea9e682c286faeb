"""The figures of the small benchmark scenario stay what they were before the Arrow rewrite.

``tests/golden/small-*.json.gz`` hold the ``kpi-xl metrics --json`` output of the small
scenario (``benchmarks.generate``: 20 reps, 60,000 activities, 12,000 opportunities, 25,000
orders, 2,000 customers), written by the code *before* issue 14's optimisation (commit
ca17a4b). Any change to reading, validation or compute must give the same JSON: the same
keys, the same texts, the same counts, and the same amounts and rates. Floats are compared to
1e-9 relative, because a grouped sum may add the same numbers in another order; every
figure shown (rounded to a yen or a tenth of a percent) is then identical.

A deliberate change of a figure's definition rewrites the files:
``KPI_XL_UPDATE_GOLDEN=1 python -m pytest tests/test_figures_golden.py`` — and says why in
the commit.
"""

from __future__ import annotations

import gzip
import json
import math
import os
from pathlib import Path

import pytest

from benchmarks.generate import write_workbook
from kpi_xl.cli import main

GOLDEN = Path(__file__).parent / "golden"
RUNS = {
    "month": [],
    "all": ["--period", "all"],
    "fy2026-by-team": ["--period", "FY2026", "--by", "team"],
}


@pytest.fixture(scope="module")
def small_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workbook("small", tmp_path_factory.mktemp("golden") / "small.xlsx")


def _differences(expected: object, actual: object, path: str = "$") -> list[str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        if expected.keys() != actual.keys():
            out.append(f"{path}: keys {sorted(set(expected) ^ set(actual))}")
        for key in expected.keys() & actual.keys():
            out += _differences(expected[key], actual[key], f"{path}.{key}")
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(expected)} items, now {len(actual)}"]
        pairs = enumerate(zip(expected, actual, strict=True))
        return [d for i, (e, a) in pairs for d in _differences(e, a, f"{path}[{i}]")]
    number = isinstance(actual, (int, float)) and not isinstance(actual, bool)
    if isinstance(expected, float) and number:
        if math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-9):
            return []
        return [f"{path}: {expected!r}, now {actual!r}"]
    if type(expected) is not type(actual) or expected != actual:
        return [f"{path}: {expected!r}, now {actual!r}"]
    return []


@pytest.mark.parametrize("run", sorted(RUNS))
def test_metrics_json_of_the_small_scenario_is_unchanged(
    run: str, small_book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["metrics", str(small_book), "--json", "--quiet", *RUNS[run]]) == 0
    actual = json.loads(capsys.readouterr().out)
    actual.pop("source", None)  # the temporary file's name
    golden = GOLDEN / f"small-{run}.json.gz"
    if os.environ.get("KPI_XL_UPDATE_GOLDEN"):
        text = json.dumps(actual, ensure_ascii=False, indent=0)
        golden.write_bytes(gzip.compress(text.encode(), mtime=0))
    expected = json.loads(gzip.decompress(golden.read_bytes()))
    differences = _differences(expected, actual)
    shown = "\n".join(differences[:20])
    assert not differences, f"{len(differences)} figures changed, e.g.\n{shown}"
