"""Progress of a long run on the terminal, in the user's language.

:class:`ConsoleProgress` implements :class:`kpi_xl.progress.Progress`. On a terminal it keeps
one line updated in place (the current phase, the table just read or the item being rendered
with the time left, and the elapsed time, refreshed twice a second by a small timer thread);
when a phase ends its line is completed with the phase's time and a new line starts. In a pipe
or a log file (or with ``TERM=dumb``) it writes plain lines instead — no carriage returns: one
per table read, one per phase ended, and for long phases a counter line every few seconds.

It also records what the closing summary and an internal-error message need, even when it
draws nothing (``stream=None`` for ``--quiet``): the current phase, seconds per phase and the
tables read.

Hand-written rather than ``rich.progress``: rich draws nothing in a pipe until the end (a log
would get only the final frame, not the phase lines), reads ``[...]`` in rep or sheet names as
markup, and the single line here needs only width-aware truncation
(:func:`kpi_xl.units.display_width`, the one text-width function).
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from typing import TextIO

from .i18n import text
from .progress import PHASES
from .units import display_width

__all__ = ["ConsoleProgress", "display_width", "format_count", "format_seconds"]


def _fit(s: str, width: int) -> str:
    if display_width(s) <= width:
        return s
    out, used = [], 0
    for c in s:
        w = display_width(c)
        if used + w > width - 1:
            break
        out.append(c)
        used += w
    return "".join(out) + "…"


def format_seconds(seconds: float, locale: str, *, whole: bool = False) -> str:
    """``3.2 s`` / ``3.2秒`` (``whole``: ``4 s``) under a minute, ``2 min 05 s`` / ``2分05秒``
    above."""
    if seconds < 59.95:
        s = f"{max(seconds, 0.0):.0f}" if whole else f"{max(seconds, 0.0):.1f}"
        return text("cli.time.seconds", locale, s=s)
    m, s = divmod(round(seconds), 60)
    return text("cli.time.minutes", locale, m=m, s=f"{s:02d}")


def format_count(n: int) -> str:
    return f"{n:,}"


class ConsoleProgress:
    """A :class:`~kpi_xl.progress.Progress` drawing on ``stream`` (``None``: draw nothing).

    ``tty`` defaults to ``stream.isatty()`` (and not ``TERM=dumb``). ``clock`` and ``tick``
    (seconds between timer redraws on a terminal; 0 for none) are there for the tests;
    ``every`` is the seconds between counter lines in plain mode.
    """

    def __init__(self, stream: TextIO | None, locale: str, *, tty: bool | None = None,
                 clock: Callable[[], float] = time.monotonic, tick: float = 0.5,
                 every: float = 5.0) -> None:
        self.stream = stream
        self.locale = locale
        if tty is None:
            tty = bool(stream is not None and _isatty(stream)
                       and os.environ.get("TERM") != "dumb")
        self.tty = tty
        self.clock = clock
        self.tick = tick
        self.every = every
        self.started = clock()
        self.current: str | None = None
        self.seconds: dict[str, float] = {}
        self.tables: list[tuple[str, int]] = []
        self._lock = threading.RLock()
        self._timer: threading.Thread | None = None
        self._stop = threading.Event()
        self._shown = 0  # columns of the line now on the terminal
        self._pad = max(display_width(text(f"cli.phase.{p}", locale)) for p in PHASES) + 2
        self._reset(None)

    # ---------------------------------------------------------------- the protocol
    def phase(self, name: str) -> None:
        with self._lock:
            self._end_phase()
            self.current = name
            self._reset(name)
            self._draw()
        if self.tty and self.tick > 0 and self._timer is None and self.stream is not None:
            self._timer = threading.Thread(target=self._run_timer, name="kpi-xl-progress",
                                           daemon=True)
            self._timer.start()

    def table(self, label: str, rows: int) -> None:
        with self._lock:
            now = self.clock()
            self.tables.append((label, rows))
            self._count += 1
            self._rows += rows
            key = "cli.progress.table_one" if rows == 1 else "cli.progress.table"
            self._detail = text(key, self.locale, label=label, rows=format_count(rows))
            if self.tty:
                self._draw()
            else:
                self._line(f"{self._detail}  ({format_seconds(now - self._last, self.locale)})")
            self._last = now

    def step(self, i: int, n: int, label: str) -> None:
        with self._lock:
            now = self.clock()
            if self._first_step is None or i <= 1:
                self._first_step = now
            self._steps = (i, n)
            detail = f"{i}/{n} {label}"
            if i > 1 and n > i - 1:
                left = (now - self._first_step) / (i - 1) * (n - i + 1)
                detail += " · " + text("cli.progress.left", self.locale,
                                       time=format_seconds(max(1, math.ceil(left)),
                                                           self.locale, whole=True))
            self._detail = detail
            if self.tty:
                if now - self._drawn >= 0.05 or i == n:
                    self._draw()
            elif now - self._last >= self.every:  # "…": still running, unlike a phase's end
                self._line(f"{detail} …  {format_seconds(now - self._t0, self.locale)}")
                self._last = now

    def done(self) -> None:
        """End the current phase (its line gets its time) and stop the timer."""
        self._stop_timer()
        with self._lock:
            self._end_phase()
            self.current = None
            self._reset(None)

    # ---------------------------------------------------------------- beyond the protocol
    def abort(self) -> None:
        """The run failed: stop drawing and clear the unfinished line; :attr:`current` keeps
        the phase that failed (for the error message)."""
        self._stop_timer()
        with self._lock:
            if self.current is not None:
                self.seconds[self.current] = (self.seconds.get(self.current, 0.0)
                                              + self.clock() - self._t0)
            if self.tty and self.stream is not None and self._shown:
                self._write("\r" + " " * self._shown + "\r")
                self._shown = 0
            self._phase = None

    def total(self) -> float:
        """Seconds since this progress was created (the run's total time)."""
        return self.clock() - self.started

    # ---------------------------------------------------------------- drawing
    def _reset(self, name: str | None) -> None:
        self._phase = name
        self._t0 = self._last = self.clock()
        self._drawn = 0.0
        self._detail = ""
        self._count = self._rows = 0
        self._steps: tuple[int, int] | None = None
        self._first_step: float | None = None

    def _end_phase(self) -> None:
        name = self._phase
        if name is None:
            return
        elapsed = self.clock() - self._t0
        self.seconds[name] = self.seconds.get(name, 0.0) + elapsed
        if name == "read" and self._count:
            key = "cli.progress.tables_one" if self._count == 1 else "cli.progress.tables"
            detail = text(key, self.locale, count=self._count, rows=format_count(self._rows))
        elif self._steps is not None:
            detail = f"{self._steps[1]}/{self._steps[1]}"
        else:
            detail = ""
        line = self._compose(detail, format_seconds(elapsed, self.locale))
        if self.tty:
            self._paint(line, end=True)
        else:
            self._write(line + "\n")
        self._phase = None

    def _compose(self, detail: str, clock: str) -> str:
        label = text(f"cli.phase.{self._phase}", self.locale) if self._phase else ""
        label += " " * (self._pad - display_width(label))
        return f"{label}{detail + '  ' if detail else ''}{clock}"

    def _draw(self) -> None:
        if not self.tty or self._phase is None:
            return
        now = self.clock()
        self._drawn = now
        clock = format_seconds(now - self._t0, self.locale)
        self._paint(self._compose(self._detail + " …" if self._detail else "…", clock))

    def _line(self, detail: str) -> None:
        self._write(self._compose(detail, "").rstrip() + "\n")

    def _paint(self, line: str, *, end: bool = False) -> None:
        line = _fit(line, _columns(self.stream) - 1)
        width = display_width(line)
        pad = " " * max(0, self._shown - width)
        self._write("\r" + line + pad + ("\n" if end else ""))
        self._shown = 0 if end else width

    def _write(self, s: str) -> None:
        if self.stream is None:
            return
        try:
            self.stream.write(s)
            self.stream.flush()
        except (OSError, ValueError):  # a closed or broken stderr must not stop the run
            self.stream = None

    def _run_timer(self) -> None:
        while not self._stop.wait(self.tick):
            with self._lock:
                self._draw()

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._stop.set()
            self._timer.join()
            self._timer = None
            self._stop.clear()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _columns(stream: TextIO | None) -> int:
    """The terminal's width (``COLUMNS``, or 80, when the terminal does not say)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        columns = 0
    if columns <= 0:
        try:
            columns = int(os.environ.get("COLUMNS", "80"))
        except ValueError:
            columns = 80
    return max(20, columns)
