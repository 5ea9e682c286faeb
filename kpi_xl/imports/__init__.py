"""Real CRM exports in: declarative column mappings, importers and their reports.

``load_mapping(path)`` → :class:`Mapping`; ``import_sources(mapping, files)`` →
:class:`ImportResult` (canonical tables + :class:`ImportReport`); ``derive_targets(result)``
(optional baseline targets); ``write_import(result, book, locale, mode)`` → a workbook that
``kpi-xl refresh`` turns into the reports. The format is documented in ``docs/imports.md``.
"""

from .engine import import_sources
from .mapping import Mapping, bundled_mappings, load_mapping, resolve_mapping_path
from .report import ImportReport, ImportResult, TableReport
from .targets import DERIVED_NOTE, derive_targets
from .workbook import write_import

__all__ = [
    "DERIVED_NOTE",
    "ImportReport",
    "ImportResult",
    "Mapping",
    "TableReport",
    "bundled_mappings",
    "derive_targets",
    "import_sources",
    "load_mapping",
    "resolve_mapping_path",
    "write_import",
]
