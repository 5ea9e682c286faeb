"""What a long run reports while it works: phases, tables read, items rendered.

The pipeline (read → validate → compute → render → write) calls a :class:`Progress`; the CLI
passes one that draws on stderr (:class:`kpi_xl.cli_progress.ConsoleProgress`), everything else
gets :data:`SILENT`. Phase names are fixed keys (``read``, ``validate``, ``compute``,
``render``, ``write``) so each surface can label them in its own language.

:func:`on_step` turns a plain ``callback(i, n, label)`` (the Excel button's status bar) into a
:class:`Progress` that forwards only the steps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

__all__ = ["PHASES", "SILENT", "Progress", "Silent", "StepCallback", "on_step"]

PHASES: tuple[str, ...] = ("read", "validate", "compute", "render", "write")


class Progress(Protocol):
    def phase(self, name: str) -> None:
        """A new phase starts (one of :data:`PHASES`); the previous one has ended."""

    def table(self, label: str, rows: int) -> None:
        """One input table was read: its label as the book names it, and its data rows."""

    def step(self, i: int, n: int, label: str) -> None:
        """Item ``i`` of ``n`` of the current phase starts (e.g. a sheet being rendered)."""

    def done(self) -> None:
        """The run ended (successfully or not)."""


class Silent:
    """A :class:`Progress` that reports nothing."""

    def phase(self, name: str) -> None:
        pass

    def table(self, label: str, rows: int) -> None:
        pass

    def step(self, i: int, n: int, label: str) -> None:
        pass

    def done(self) -> None:
        pass


SILENT = Silent()


class StepCallback(Silent):
    """A :class:`Progress` that calls ``callback(i, n, label)`` for every step, nothing else."""

    def __init__(self, callback: Callable[[int, int, str], None]) -> None:
        self.callback = callback

    def step(self, i: int, n: int, label: str) -> None:
        self.callback(i, n, label)


def on_step(callback: Callable[[int, int, str], None] | None) -> Progress:
    """A :class:`Progress` forwarding steps to ``callback`` (:data:`SILENT` for ``None``)."""
    return SILENT if callback is None else StepCallback(callback)
