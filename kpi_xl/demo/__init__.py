"""Demo data for the template: a deterministic generator and the bundled CSVs.

- :func:`generate` — one canonical DataFrame per table (see :mod:`kpi_xl.demo.generator`);
- :func:`demo_frames` — the default generation, computed once per process (copies returned);
- :func:`write_csv` — one ``<table>.csv`` per table, English header labels, dates YYYY-MM-DD;
- :data:`DATA_DIR` — the bundled CSVs, regenerated with ``python -m kpi_xl.demo``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..schema import table_spec
from .generator import DemoData, build, generate

__all__ = ["DATA_DIR", "DemoData", "build", "demo_frames", "demo_roles", "generate",
           "write_csv"]

DATA_DIR = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def _default() -> DemoData:
    return build()


def demo_frames() -> dict[str, pd.DataFrame]:
    """The default demo tables (``generate()``), cached; each call returns fresh copies."""
    return {k: v.copy() for k, v in _default().frames.items()}


def demo_roles() -> dict[str, list[str]]:
    """Customer ids of the default demo's deliberate stories: churned, at_risk, ended,
    reactivated."""
    return {k: list(v) for k, v in _default().roles.items()}


def write_csv(folder: str | Path, frames: dict[str, pd.DataFrame] | None = None) -> list[Path]:
    """Write one ``<table>.csv`` per table into ``folder`` (created if needed).

    Plain UTF-8, headers are the English labels of the schema (``ColumnSpec.en``), columns in
    schema order, dates as YYYY-MM-DD, whole numbers without a decimal point. Returns the paths.
    """
    frames = demo_frames() if frames is None else frames
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, df in frames.items():
        spec = table_spec(name)
        cols = [c for c in spec.columns if c.name in df.columns]
        out = df[[c.name for c in cols]].copy()
        for c in cols:
            if c.kind == "date":
                out[c.name] = pd.to_datetime(out[c.name]).dt.strftime("%Y-%m-%d")
        out.columns = [c.en for c in cols]
        path = folder / f"{name}.csv"
        out.to_csv(path, index=False, encoding="utf-8", float_format="%.12g",
                   lineterminator="\n")
        paths.append(path)
    return paths
