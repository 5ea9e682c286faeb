"""Every English text of kpi_xl, one module per surface, merged into :data:`CATALOG`."""

from __future__ import annotations

from . import cli, figures, formulas, inputs, messages, package, read, report, template

CATALOG: dict[str, str] = {}
for _module in (cli, figures, formulas, inputs, messages, package, read, report, template):
    _clash = CATALOG.keys() & _module.LABELS.keys()
    if _clash:  # pragma: no cover - caught by the tests at import
        raise RuntimeError(f"i18n keys defined twice: {sorted(_clash)}")
    CATALOG.update(_module.LABELS)
