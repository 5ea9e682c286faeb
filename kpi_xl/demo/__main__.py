"""Regenerate the bundled demo CSVs: ``python -m kpi_xl.demo [folder]``."""

from __future__ import annotations

import sys
from pathlib import Path

from . import DATA_DIR, demo_frames, write_csv


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else DATA_DIR
    frames = demo_frames()
    for path in write_csv(folder, frames):
        name = path.stem
        print(f"{path}  {len(frames[name]):>6} rows  {path.stat().st_size / 1024:8.1f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
