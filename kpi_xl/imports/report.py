"""What an import did to each table: rows dropped with their reason, values changed, values
left unmapped, and the result handed to the workbook writer."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .mapping import Mapping

__all__ = ["ImportReport", "ImportResult", "TableReport"]




@dataclass
class TableReport:
    """What happened to one table: rows read/kept, drops per reason, changes, unmapped values."""

    table: str
    source: str
    rows_read: int = 0
    rows_kept: int = 0  # rows left after every drop
    rows_out: int = 0  # rows in the table (after aggregate / distinct)
    dropped: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    unmapped: dict[str, dict[str, int]] = field(default_factory=dict)
    blanks: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def drop(self, reason: str, n: int, *, always: bool = False) -> None:
        if n or always:
            self.dropped[reason] = self.dropped.get(reason, 0) + int(n)

    def change(self, what: str, n: int) -> None:
        if n:
            self.changed[what] = self.changed.get(what, 0) + int(n)

    @property
    def rows_dropped(self) -> int:
        return sum(self.dropped.values())


@dataclass
class ImportReport:
    mapping: str
    files: dict[str, str] = field(default_factory=dict)  # source name → file used
    tables: dict[str, TableReport] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def unmapped_values(self) -> dict[str, dict[str, int]]:
        """``table.column`` → {value: rows} for every value the mapping could not translate."""
        return {f"{t}.{c}": v for t, r in self.tables.items() for c, v in r.unmapped.items()}

    def format(self, *, limit: int = 20) -> str:
        """The report as text (what ``kpi-xl import`` prints)."""
        out = [f"import with mapping '{self.mapping}'"]
        for s, f in self.files.items():
            out.append(f"  source {s}: {f}")
        for name, r in self.tables.items():
            line = (f"{name} (from {r.source}): read {r.rows_read:,}, dropped "
                    f"{r.rows_dropped:,}, kept {r.rows_kept:,}")
            if r.rows_out != r.rows_kept:
                line += f" → {r.rows_out:,} rows"
            out.append(line)
            for reason, n in r.dropped.items():
                out.append(f"  dropped {n:,}: {reason}")
            for what, n in r.changed.items():
                out.append(f"  changed {n:,}: {what}")
            for col, n in r.blanks.items():
                out.append(f"  blank {col}: {n:,} rows (kept blank)")
            for col, vals in r.unmapped.items():
                items = sorted(vals.items(), key=lambda kv: (-kv[1], kv[0]))
                shown = ", ".join(f"{v!r} ×{n:,}" for v, n in items[:limit])
                more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
                out.append(f"  UNMAPPED {col}: {shown}{more}")
            out += [f"  note: {n}" for n in r.notes]
        out += [f"note: {n}" for n in self.notes]
        return "\n".join(out) + "\n"


@dataclass
class ImportResult:
    """``frames``: canonical kpi_xl tables (plus ``settings`` as key/value rows);
    ``report``: what was read, kept, dropped (per reason) and could not be mapped."""

    frames: dict[str, pd.DataFrame]
    report: ImportReport
    mapping: Mapping
    targets_note: str | None = None
