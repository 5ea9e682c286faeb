"""What the live-Excel renderer's parts share: capability checks on xlwings' classes (never an
Excel call), cosmetic settings that must not fail a report, and A1 ranges over columns."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

__all__ = ["address", "attempt", "columns_range", "supports"]


def supports(obj: Any, attr: str) -> bool:
    """True if the xlwings class of ``obj`` has ``attr`` (checked on the class: no Excel call)."""
    return hasattr(type(obj), attr)


def attempt(fn: Callable[[], Any]) -> None:
    """Cosmetic settings a runtime may not implement must not fail the whole report."""
    with contextlib.suppress(NotImplementedError, AttributeError):
        fn()


def _column_runs(cols: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for c in sorted(set(cols)):
        if runs and runs[-1][1] == c - 1:
            runs[-1] = (runs[-1][0], c)
        else:
            runs.append((c, c))
    return runs


def address(row1: int, col1: int, row2: int, col2: int) -> str:
    """A1 address of 1-based cells (row1, col1):(row2, col2)."""
    def cell(r: int, c: int) -> str:
        letters = ""
        while c:
            c, rem = divmod(c - 1, 26)
            letters = chr(65 + rem) + letters
        return f"{letters}{r}"
    a, b = cell(row1, col1), cell(row2, col2)
    return a if a == b else f"{a}:{b}"


def columns_range(ws: Any, cols: list[int], row1: int, row2: int) -> Any:
    """One Range over 0-based columns ``cols`` (a multi-area range when not contiguous)."""
    runs = _column_runs(cols)
    if len(runs) == 1:
        a, b = runs[0]
        return ws.range((row1, a + 1), (row2, b + 1))
    return ws.range(",".join(address(row1, a + 1, row2, b + 1) for a, b in runs))
