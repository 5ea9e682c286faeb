"""Every bound the reader enforces before and while reading, in one place.

A workbook is a zip of XML parts; a crafted one can hold gigabytes of XML in a few kilobytes,
a stray cell that makes a dense reader allocate the whole 1,048,576 × 16,384 grid, or deeply
nested elements. :class:`Limits` names each bound with a default far above what Excel itself
can produce for kpi_xl's tables (the ``excel-max`` benchmark book: 54 MB on disk, 490 MB of
XML, 1,048,576 activity rows × 5 columns, compression ratio below 10). Pass your own to
:func:`kpi_xl.read.read_source` (``limits=Limits(max_file_bytes=…)``) to raise or lower one.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..errors import ConfigError
from ..i18n import text

__all__ = ["DEFAULT_LIMITS", "Limits"]

_GIB = 1 << 30


@dataclass(frozen=True)
class Limits:
    """Named bounds; every one produces its own message when exceeded."""

    max_file_bytes: int = 2 * _GIB
    """Size of a workbook or CSV file on disk."""
    max_members: int = 10_000
    """Number of parts (zip members) in a workbook package."""
    max_member_bytes: int = 2 * _GIB
    """Uncompressed size of one part that is read (a sheet, the shared strings …)."""
    max_total_bytes: int = 4 * _GIB
    """Uncompressed size of the whole package."""
    max_ratio: float = 250.0
    """Compression ratio (uncompressed ÷ compressed) of a part larger than
    ``ratio_from_bytes``; XML written by Excel compresses about 5–20×, a zip bomb ~1,000×."""
    ratio_from_bytes: int = 1 << 20
    """Parts smaller than this may compress as well as they like."""
    max_depth: int = 100
    """Element nesting depth of every XML part read: those parsed as trees (workbook,
    relationships, tables) and those streamed (sheets, shared strings, styles); Excel writes
    fewer than 10 levels."""
    max_rows: int = 1_048_576
    """Last row a cell may be in (Excel's own grid)."""
    max_columns: int = 16_384
    """Last column a cell may be in (XFD, Excel's own grid)."""
    max_sheet_cells: int = 64_000_000
    """Cells of the rectangle from a sheet's first to its last filled cell that may be read in
    one go (about 2 GB while reading). A sheet whose filled cells span more — typically one
    stray cell far from the data — is read in bounded ranges instead: its tables and their
    neighbourhood, and the stray cells are reported."""
    max_csv_bytes: int = 2 * _GIB
    """Size of one CSV file."""
    max_reported_cells: int = 50
    """Stray cells named one by one per sheet; more are summarised in one problem."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise ConfigError(text("read.limit_invalid", "en", name=f.name, value=value))


DEFAULT_LIMITS = Limits()
