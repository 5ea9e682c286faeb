"""The splice: generated sheets put into the user's package, every other part kept as it is.

:func:`splice_report` runs these named steps:

1. :func:`plan_removal` — find the sheets a previous run generated (each carries the
   sheet-scoped defined name ``kpi_xl_generated``) and the parts only they reach (their
   drawings, charts…); a ``calcChain.xml`` listing a cell of theirs (Excel rebuilds it);
   the VBA project when an ``.xlsm`` is written as ``.xlsx``;
2. :func:`place_sheets` — the names of the new sheets (clashing with a user's sheet ignoring
   case gives ``name (2)``) and where they go: after the first remaining sheet (the how-to
   sheet), at the start when at most one sheet remains;
3. rendering — the report's sheets alone into an in-memory package (see
   :mod:`kpi_xl.report.render_xlsxwriter`);
4. :func:`merge_styles` — the generated formats appended to ``styles.xml``;
5. :func:`import_sheets` — the generated sheet parts and everything they reach, under part
   names free in the package, with their formats remapped;
6. :func:`update_workbook` — ``<sheets>``, defined names (``localSheetId`` is a position) and
   the active tab in ``workbook.xml``; relationships and content types;
7. :func:`kpi_xl.xlsx.package.write_package` into :func:`kpi_xl.xlsx.atomic.atomic_output`.

Not updated (Excel and LibreOffice ignore or rebuild them): ``docProps/app.xml`` (the list of
sheet titles).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..i18n import text
from ..report.model import Report
from ..report.naming import GENERATED_NAME, fold, sheet_name
from .content_types import (
    CT_WORKSHEET,
    MACRO_MAIN_TYPES,
    MAIN_CONTENT_TYPES,
    VBA_CONTENT_TYPES,
)
from .package import Package, PackageError
from .relationships import (
    RT_CALC_CHAIN,
    RT_SHARED_STRINGS,
    RT_STYLES,
    RT_VBA,
    RT_WORKSHEET,
    rels_path,
)
from .styles import StylesPart
from .workbook import SheetEntry, WorkbookPart
from .worksheet import adapt_generated_sheet, shared_strings
from .xmltree import local_name, serialize

__all__ = ["SplicePlan", "Spliced", "generated_value", "import_sheets", "merge_styles",
           "place_sheets", "plan_removal", "splice_parts"]

Renderer = Callable[[Report, list[str]], bytes]


@dataclass
class SplicePlan:
    """What stays and what goes in the user's package."""

    pkg: Package
    wb_part: str
    workbook: WorkbookPart
    sheets: list[SheetEntry]
    removed: list[SheetEntry]
    kept: list[SheetEntry]
    drop_rel_ids: set[str]
    removed_parts: set[str]
    main_type: str | None


@dataclass
class Spliced:
    """The edits that turn the user's package into the result."""

    changed: dict[str, bytes] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    added: dict[str, bytes] = field(default_factory=dict)


def generated_value(kind: str) -> str:
    """The formula text of a generated sheet's ``kpi_xl_generated`` name: its kind, quoted."""
    return '"' + str(kind).replace('"', '""') + '"'


def _calc_chain_sheet_ids(root: etree._Element) -> set[int]:
    ids, current = set(), 0
    for c in root:
        if local_name(c.tag) != "c":
            continue
        if c.get("i"):
            try:
                current = int(c.get("i"))
            except ValueError:
                continue
        ids.add(current)
    return ids


def _generated_positions(wb: WorkbookPart) -> set[int]:
    out = set()
    for el in wb.defined_names():
        if el.get("name", "").lower() == GENERATED_NAME.lower() and el.get("localSheetId"):
            try:
                out.add(int(el.get("localSheetId")))
            except ValueError:
                continue
    return out


def plan_removal(pkg: Package, src: Path, dest: Path) -> SplicePlan:
    """Step 1: the generated sheets of a previous run and the parts only they reach."""
    wb_part = pkg.main_part()
    try:
        wb = WorkbookPart(pkg.xml(wb_part))
    except ValueError as exc:
        raise pkg.error("package.no_workbook") from exc
    if wb.is_strict():
        raise pkg.error("package.strict")
    sheets = wb.sheets()
    gen_pos = _generated_positions(wb)
    removed = [s for i, s in enumerate(sheets) if i in gen_pos]
    kept = [s for i, s in enumerate(sheets) if i not in gen_pos]
    drop = {s.rid for s in removed}
    removed_ids = {s.sheet_id for s in removed}
    ct = pkg.content_types
    macro_src = ct.type_of(wb_part) in MACRO_MAIN_TYPES
    plain_dest = dest.suffix.lower() in (".xlsx", ".xltx")
    for rel, target in pkg.rels(wb_part).internal():
        if rel.type == RT_CALC_CHAIN and removed_ids and pkg.has(target) and \
                _calc_chain_sheet_ids(pkg.xml(target)) & removed_ids:
            drop.add(rel.id)
        if rel.type == RT_VBA and macro_src and plain_dest:
            drop.add(rel.id)
    main_type = None
    if src.suffix.lower() != dest.suffix.lower() and dest.suffix.lower() in MAIN_CONTENT_TYPES:
        main_type = MAIN_CONTENT_TYPES[dest.suffix.lower()]
    wb_rels = pkg.rels(wb_part)
    roots = [pkg.name(wb_rels.target_part(r)) for r in wb_rels.rels
             if r.id in drop and not r.external]
    keep = pkg.closure(["", wb_part], skip=lambda part, r: part == wb_part and r.id in drop)
    gone = {p for p in pkg.closure(roots) - keep if pkg.has(p)}
    gone |= {pkg.name(rels_path(p)) for p in gone if pkg.has(rels_path(p))}
    if main_type is not None and main_type not in MACRO_MAIN_TYPES:
        gone |= {n for n in pkg.names if ct.type_of(n) in VBA_CONTENT_TYPES}
    return SplicePlan(pkg, wb_part, wb, sheets, removed, kept, drop, gone, main_type)


def place_sheets(plan: SplicePlan, report: Report) -> tuple[list[str], int]:
    """Step 2: the new sheets' names and the position of the first one."""
    taken = [s.name for s in plan.kept]
    names = []
    for sheet in report.sheets:
        name = sheet_name(sheet.name, taken)
        taken.append(name)
        names.append(name)
    return names, (1 if len(plan.kept) > 1 else 0)


def merge_styles(plan: SplicePlan, gen: Package) -> tuple[str, StylesPart, dict, dict]:
    """Step 4: the generated book's formats appended to the user's stylesheet."""
    pkg = plan.pkg
    styles_part = next((pkg.name(t) for r, t in pkg.rels(plan.wb_part).internal()
                        if r.type == RT_STYLES and pkg.has(t)), None)
    if styles_part is None:
        raise pkg.error("package.no_styles")
    styles = StylesPart(pkg.xml(styles_part))
    g_wb = gen.main_part()
    g_styles = next(gen.name(t) for r, t in gen.rels(g_wb).internal() if r.type == RT_STYLES)
    xf_map, dxf_map = styles.merge(gen.xml(g_styles))
    return styles_part, styles, xf_map, dxf_map


class _FreeNames:
    """Part names not taken in the package: ``xl/worksheets/sheet{n}.xml`` with the lowest
    free ``n`` per folder and stem (counted up once, not searched from 1 for every part)."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken
        self.next: dict[tuple[str, str, str], int] = {}

    def __call__(self, part: str) -> str:
        d, b = posixpath.split(part)
        stem, ext = posixpath.splitext(b)
        stem = stem.rstrip("0123456789") or stem
        n = self.next.get((d, stem, ext), 1)
        while True:
            cand = f"{d}/{stem}{n}{ext}" if d else f"{stem}{n}{ext}"
            n += 1
            if cand.lower() not in self.taken:
                self.taken.add(cand.lower())
                self.next[(d, stem, ext)] = n
                return cand


def import_sheets(plan: SplicePlan, gen: Package, xf_map: dict, dxf_map: dict,
                  select: str | None) -> tuple[dict[str, str], dict[str, bytes],
                                               dict[str, str]]:
    """Step 5: the generated sheets' parts under free names, formats remapped.

    Returns (sheet name → its new part), the new parts' bytes, (new part → content type)."""
    g_wb = gen.main_part()
    g_sheets = WorkbookPart(gen.xml(g_wb)).sheets()
    g_rels = gen.rels(g_wb)
    sheet_parts = {}
    for s in g_sheets:
        rel = g_rels.get(s.rid)
        if rel is not None:
            sheet_parts[s.name] = gen.name(g_rels.target_part(rel))
    parts = gen.closure(sheet_parts.values())
    taken = {n.lower() for n in plan.pkg.names} - {p.lower() for p in plan.removed_parts}
    free = _FreeNames(taken)
    rename = {p: free(p) for p in sorted(parts, key=lambda n: (n.count("/"), n))}
    for p in parts:
        taken.add(rels_path(rename[p]).lower())
    sst = next((gen.name(t) for r, t in g_rels.internal()
                if r.type == RT_SHARED_STRINGS and gen.has(t)), None)
    strings = shared_strings(gen.xml(sst)) if sst else []
    by_part = {v: k for k, v in sheet_parts.items()}
    new_parts: dict[str, bytes] = {}
    types: dict[str, str] = {}
    for p in parts:
        if p in by_part:
            root = adapt_generated_sheet(gen.xml(p), xf_map, dxf_map, strings,
                                         selected=by_part[p] == select)
            data = serialize(root)
        else:
            data = gen.zf.read(gen.name(p))
        new_parts[rename[p]] = data
        types[rename[p]] = gen.content_types.type_of(p) or CT_WORKSHEET
        rels = gen.rels(p)
        if rels.rels:
            moves = [(rel.id, rename[gen.name(target)]) for rel, target in rels.internal()
                     if gen.name(target) in rename]
            rels.source = rename[p]  # targets are relative to the part's new name
            for rid, target in moves:
                rels.retarget(rid, target)
            new_parts[rels_path(rename[p])] = rels.to_bytes()
    return {k: rename[v] for k, v in sheet_parts.items()}, new_parts, types


def sheet_print_names(gen: Package, count: int) -> list[tuple[str, str, int]]:
    """The print area and print titles the renderer gave each of its ``count`` sheets (the
    sheet-scoped ``_xlnm.`` names of its ``workbook.xml``): (name, formula, sheet index)."""
    out = []
    for el in WorkbookPart(gen.xml(gen.main_part())).defined_names():
        local = _int(el.get("localSheetId"))
        name = el.get("name", "")
        if local is not None and 0 <= local < count and name.startswith("_xlnm.Print_"):
            out.append((name, el.text or "", local))
    return out


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def update_workbook(plan: SplicePlan, report: Report, names: list[str], position: int,
                    targets: dict[str, str], select_new: bool,
                    printing: list[tuple[str, str, int]] = ()) -> dict[str, str]:
    """Step 6: sheets, defined names and views of ``workbook.xml``, and the workbook's
    relationships. ``printing`` are the generated sheets' own names (print area and print
    titles: name, formula, index in ``names``), placed on the sheets' new positions.
    Returns {rId: new sheet part} of the relationships added."""
    wb, pkg = plan.workbook, plan.pkg
    rels = pkg.rels(plan.wb_part)
    for rid in plan.drop_rel_ids:
        rels.remove(rid)
    next_id = max([0, *(s.sheet_id for s in plan.sheets)])
    order: list[SheetEntry | tuple[str, int, str]] = list(plan.kept)
    new_pos: dict[str, int] = {}
    added: dict[str, str] = {}
    for i, name in enumerate(names):
        next_id += 1
        rid = rels.add(RT_WORKSHEET, targets[name])
        added[rid] = targets[name]
        order.insert(position + i, (name, next_id, rid))
    for i, e in enumerate(order):
        new_pos[e.name if isinstance(e, SheetEntry) else e[0]] = i
    wb.set_sheets(order)
    old_to_new = {i: new_pos[s.name] for i, s in enumerate(plan.sheets) if s in plan.kept}
    out = []
    for el in wb.defined_names():
        local = _int(el.get("localSheetId"))
        if el.get("localSheetId") is None:
            out.append(el)
        elif local in old_to_new:
            el.set("localSheetId", str(old_to_new[local]))
            out.append(el)
    for sheet, name in zip(report.sheets, names, strict=True):
        out.append(wb.new_defined_name(GENERATED_NAME, generated_value(sheet.kind),
                                       new_pos[name]))
    for name, formula, index in printing:
        out.append(wb.new_defined_name(name, formula, new_pos[names[index]]))
    wb.set_defined_names(out)
    for view in wb.views():
        active = _int(view.get("activeTab")) or 0
        if select_new and names:
            view.set("activeTab", str(position))
        elif active in old_to_new and (view.get("activeTab") is not None
                                       or old_to_new[active] != active):
            view.set("activeTab", str(old_to_new[active]))
        first = _int(view.get("firstSheet"))
        if first is not None:
            view.set("firstSheet", str(old_to_new.get(first, 0)))
    return added


def splice_parts(plan: SplicePlan, report: Report, names: list[str], position: int,
                 gen: Package) -> Spliced:
    """Steps 4–6 over the rendered package ``gen``: the edits of the user's package."""
    pkg = plan.pkg
    if sorted(fold(n) for n in names) != sorted({fold(n) for n in names}) or \
            {fold(n) for n in names} & {fold(s.name) for s in plan.kept}:
        raise PackageError(text("package.sheet_name_clash", pkg.locale, book=pkg.path.name))
    active = _int(next((v.get("activeTab") for v in plan.workbook.views()), None)) or 0
    old_active = plan.sheets[active] if active < len(plan.sheets) else None
    select_new = old_active is None or old_active in plan.removed
    styles_part, styles, xf_map, dxf_map = merge_styles(plan, gen)
    targets, new_parts, types = import_sheets(
        plan, gen, xf_map, dxf_map, names[0] if select_new and names else None)
    update_workbook(plan, report, names, position, targets, select_new,
                    printing=sheet_print_names(gen, len(names)))
    ct = pkg.content_types
    for p in plan.removed_parts:
        ct.remove(p)
    if plan.main_type is not None:
        ct.set_type(plan.wb_part, plan.main_type)
    for p, t in types.items():
        ct.set_type(p, t)
    out = Spliced(removed=set(plan.removed_parts), added=new_parts)
    out.changed = {plan.wb_part: plan.workbook.to_bytes(),
                   rels_path(plan.wb_part): pkg.rels(plan.wb_part).to_bytes(),
                   "[Content_Types].xml": ct.to_bytes(),
                   styles_part: styles.to_bytes()}
    return out
