"""What a long run reports while it works: phases, tables read, items rendered.

The pipeline (read → validate → compute → render → write) calls a :class:`Progress`; the CLI
passes one that draws on stderr, everything else gets :data:`SILENT`. Phase names are fixed
keys (``read``, ``validate``, ``compute``, ``render``, ``write``) so each surface can label
them in its own language.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["PHASES", "SILENT", "Progress", "Silent"]

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
