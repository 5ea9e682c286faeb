"""An .xlsx/.xlsm validator for tests: every XML part against the ECMA-376 Transitional
schemas (``/work/shared/ooxml-schemas``, see its PROVENANCE.txt), after Markup Compatibility
processing as a conforming consumer does it, plus the rules schemas do not express and Excel
enforces.

Markup Compatibility (ECMA-376 Part 3): namespaces listed in ``mc:Ignorable`` that the schema
set does not define are dropped (elements and attributes); ``mc:AlternateContent`` is replaced
by the content of its first ``mc:Choice`` whose ``Requires`` namespaces are all understood, else
by its ``mc:Fallback``. The content of an ``<ext>`` (``extLst``) is extension content that the
schemas accept as any element (``processContents="lax"``): it is left as it is.

Rules checked beyond the schemas:
- every part is namespace-well-formed XML (no undeclared prefix);
- a content type for every part; every override names an existing part;
- relationship ids unique per part, every internal target exists, every ``r:…`` attribute of
  a part names one of its relationships;
- sheet names valid (1–31 UTF-16 units, no ``[]:*?/\\``, no control character, no leading or
  trailing apostrophe) and unique ignoring case; sheet ids and relationship ids unique;
- defined names: ``localSheetId`` within the sheets, no name defined twice in one scope;
- styles: font/fill/border/xf ids of every cell format in range, custom number format ids
  defined; each number format id means one format code across ``numFmts`` and ``dxfs``;
  every ``s=``/``style=`` of the worksheets within ``cellXfs``, every ``dxfId`` within
  ``dxfs``;
- every sheet a chart or a defined name refers to exists.

Compiled schemas are cached per process (:func:`schema`); a package's problems are returned as
a list of strings (:func:`check_package`) or raised (:func:`assert_valid`).
"""

from __future__ import annotations

import functools
import posixpath
import zipfile
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from kpi_xl.report.naming import fold, valid_sheet_name

SCHEMAS = Path("/work/shared/ooxml-schemas")
NS_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_MC_ATTRS = {f"{{{NS_MC}}}{a}" for a in ("Ignorable", "ProcessContent", "MustUnderstand",
                                         "PreserveElements", "PreserveAttributes")}
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@functools.cache
def schema() -> etree.XMLSchema:
    """The compiled ECMA-376 schema set (compiled once per process)."""
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "_all.xsd")))


@functools.cache
def understood() -> frozenset[str]:
    """The namespaces the schema set defines."""
    out = set()
    for xsd in SCHEMAS.glob("*.xsd"):
        ns = etree.parse(str(xsd)).getroot().get("targetNamespace")
        if ns and not ns.startswith("urn:kpi-xl-audit"):
            out.add(ns)
    return frozenset(out)


# --------------------------------------------------------------------------- markup compat


def _ns_of(prefixes: str, el: etree._Element) -> set[str]:
    return {el.nsmap.get(p) for p in prefixes.split() if el.nsmap.get(p)}


def apply_mce(root: etree._Element) -> etree._Element:
    """``root`` after Markup Compatibility processing (edits and returns the tree)."""
    known = understood()
    _mce(root, set(), known)
    return root


def _mce(el: etree._Element, ignorable: set[str], known: frozenset[str]) -> None:
    if etree.QName(el).localname == "ext" and etree.QName(el).namespace in known:
        return  # extension content (CT_Extension: any element, lax) is kept as it is
    ign = el.get(f"{{{NS_MC}}}Ignorable")
    if ign:
        ignorable = ignorable | (_ns_of(ign, el) - known)
    for name in list(el.attrib):
        ns = etree.QName(name).namespace
        if name in _MC_ATTRS or (ns and ns in ignorable):
            del el.attrib[name]
    for child in list(el):
        if not isinstance(child.tag, str):
            continue
        q = etree.QName(child)
        if q.namespace == NS_MC and q.localname == "AlternateContent":
            chosen = None
            for branch in child:
                if not isinstance(branch.tag, str):
                    continue
                local = etree.QName(branch).localname
                req = _ns_of(branch.get("Requires", ""), branch)
                if local == "Choice" and req <= known and req:
                    chosen = branch
                    break
                if local == "Fallback":
                    chosen = branch
            idx = el.index(child)
            el.remove(child)
            if chosen is not None:
                for k, sub in enumerate(list(chosen)):
                    el.insert(idx + k, sub)
                    if isinstance(sub.tag, str):
                        _mce(sub, ignorable, known)
            continue
        if q.namespace in ignorable:
            el.remove(child)
            continue
        _mce(child, ignorable, known)


# --------------------------------------------------------------------------- the package


def _rels_path(part: str) -> str:
    d, b = posixpath.split(part)
    return posixpath.join(d, "_rels", b + ".rels")


def _resolve(source: str, target: str) -> str:
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


class _Pkg:
    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as z:
            self.data = {i.filename: z.read(i) for i in z.infolist() if not i.is_dir()}
        self.lower = {n.lower(): n for n in self.data}
        self.trees: dict[str, etree._Element] = {}

    def tree(self, part: str) -> etree._Element | None:
        return self.trees.get(self.lower.get(part.lower(), part))


def check_package(path: Path, *, schemas: bool = True) -> list[str]:
    """Every problem of the package at ``path`` (empty when it is valid)."""
    pkg = _Pkg(Path(path))
    problems: list[str] = []
    ct = _content_types(pkg, problems)
    for name, data in pkg.data.items():
        ctype = ct.get(name.lower(), "")
        if not (name.lower().endswith((".xml", ".rels", ".vml")) or ctype.endswith("+xml")
                or ctype in ("application/xml", "text/xml")):
            continue
        try:
            pkg.trees[name] = etree.fromstring(data, etree.XMLParser(
                resolve_entities=False, no_network=True, huge_tree=True))
        except etree.XMLSyntaxError as exc:
            problems.append(f"{name}: not well-formed XML: {exc}")
    _relationships(pkg, problems)
    _workbook(pkg, problems)
    if schemas:
        for name, root in pkg.trees.items():
            _validate(name, root, problems)
    return problems


def assert_valid(path: Path, *, schemas: bool = True) -> None:
    problems = check_package(path, schemas=schemas)
    assert not problems, f"{path}:\n  " + "\n  ".join(problems[:40])


def _validate(name: str, root: etree._Element, problems: list[str]) -> None:
    if etree.QName(root).namespace not in understood():
        return  # custom XML, VBA data…: well-formedness only
    problems.extend(f"{name}: {p}" for p in _schema_problems(etree.tostring(root)))


@functools.lru_cache(maxsize=4096)
def _schema_problems(data: bytes) -> tuple[str, ...]:
    """Schema errors of one part's XML (cached: tests write the same parts many times)."""
    tree = apply_mce(etree.fromstring(data))
    for el in tree.iter():  # xml:space is allowed anywhere (XML 1.0 §2.10); the XSDs omit it
        el.attrib.pop(_XML_SPACE, None)
    sch = schema()
    if sch.validate(tree):
        return ()
    return tuple(f"schema: line {err.line}: {err.message}" for err in list(sch.error_log)[:5])


def _content_types(pkg: _Pkg, problems: list[str]) -> dict[str, str]:
    data = pkg.data.get("[Content_Types].xml")
    if data is None:
        problems.append("no [Content_Types].xml")
        return {}
    root = etree.fromstring(data)
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for el in root:
        if el.tag == f"{{{NS_CT}}}Default":
            ext = el.get("Extension", "").lower()
            if ext in defaults:
                problems.append(f"[Content_Types].xml: Default {ext} twice")
            defaults[ext] = el.get("ContentType", "")
        elif el.tag == f"{{{NS_CT}}}Override":
            part = unquote(el.get("PartName", "")).lstrip("/").lower()
            if part in overrides:
                problems.append(f"[Content_Types].xml: Override {part} twice")
            if part not in pkg.lower:
                problems.append(f"[Content_Types].xml: Override for missing part {part}")
            overrides[part] = el.get("ContentType", "")
    out = {}
    for name in pkg.data:
        if name == "[Content_Types].xml":
            continue
        base = posixpath.basename(name)
        ext = base.rsplit(".", 1)[1].lower() if "." in base else ""
        t = overrides.get(name.lower()) or defaults.get(ext)
        if not t:
            problems.append(f"{name}: no content type")
        out[name.lower()] = t or ""
    return out


def _relationships(pkg: _Pkg, problems: list[str]) -> None:
    for name in list(pkg.trees):
        if name.endswith(".rels") or name == "[Content_Types].xml":
            continue
        rels = pkg.tree(_rels_path(name))
        ids = set()
        if rels is not None:
            ids = {r.get("Id") for r in rels}
        for el in pkg.trees[name].iter():
            if not isinstance(el.tag, str):
                continue
            for attr, value in el.attrib.items():
                if etree.QName(attr).namespace == NS_R and value and value not in ids:
                    problems.append(f"{name}: {etree.QName(el).localname}/@r:"
                                    f"{etree.QName(attr).localname}={value} has no relationship")
    for name, root in pkg.trees.items():
        if not name.endswith(".rels"):
            continue
        source = posixpath.join(posixpath.dirname(posixpath.dirname(name)),
                                posixpath.basename(name)[:-5])
        if name != "_rels/.rels" and source.lower() not in pkg.lower:
            problems.append(f"{name}: relationships of a missing part {source}")
        seen = set()
        for r in root:
            rid = r.get("Id")
            if rid in seen:
                problems.append(f"{name}: relationship id {rid} twice")
            seen.add(rid)
            if r.get("TargetMode", "").lower() == "external" or \
                    r.get("Target", "").startswith("#"):  # a location in this document
                continue
            target = _resolve("" if name == "_rels/.rels" else source, r.get("Target", ""))
            if target.lower() not in pkg.lower:
                problems.append(f"{name}: {rid} points at missing part {target}")


def _workbook(pkg: _Pkg, problems: list[str]) -> None:
    root_rels = pkg.tree("_rels/.rels")
    root_list = list(root_rels) if root_rels is not None else []
    wb_part = next((_resolve("", r.get("Target", "")) for r in root_list
                    if r.get("Type", "").endswith("/officeDocument")), None)
    wb = pkg.tree(wb_part) if wb_part else None
    if wb is None:
        problems.append("no workbook part")
        return
    sheets = wb.findall(f"{{{MAIN}}}sheets/{{{MAIN}}}sheet")
    names = [s.get("name", "") for s in sheets]
    for n in names:
        if not valid_sheet_name(n):
            problems.append(f"workbook: invalid sheet name {n!r}")
    folded = [fold(n) for n in names]
    if len(set(folded)) != len(folded):
        problems.append(f"workbook: sheet names not unique ignoring case: {names}")
    for attr in ("sheetId", f"{{{NS_R}}}id"):
        values = [s.get(attr) for s in sheets]
        if len(set(values)) != len(values):
            problems.append(f"workbook: {attr} not unique")
    scopes = set()
    for dn in wb.iter(f"{{{MAIN}}}definedName"):
        local = dn.get("localSheetId")
        if local is not None and not 0 <= int(local) < len(sheets):
            problems.append(f"workbook: defined name {dn.get('name')} scoped to sheet "
                            f"{local} of {len(sheets)}")
        key = (dn.get("name", "").casefold(), local)
        if key in scopes:
            problems.append(f"workbook: defined name {dn.get('name')} twice in one scope")
        scopes.add(key)
        _sheet_refs(dn.text or "", names, f"defined name {dn.get('name')}", problems)
    for name, root in pkg.trees.items():
        if etree.QName(root).namespace == NS_C:
            for f in root.iter(f"{{{NS_C}}}f"):
                _sheet_refs(f.text or "", names, name, problems)
    rels = pkg.tree(_rels_path(wb_part))
    rel_list = list(rels) if rels is not None else []
    styles = next((pkg.tree(_resolve(wb_part, r.get("Target", ""))) for r in rel_list
                   if r.get("Type", "").endswith("/styles")), None)
    if styles is not None:
        _styles(pkg, styles, problems)


def referenced_sheets(formula: str) -> list[str]:
    """Sheet names a formula refers to: quoted (``'it''s'!A1``) or bare (``Data!A1``);
    string literals (``"x!y"``) are skipped."""
    out: list[str] = []
    i, n, bare = 0, len(formula), ""
    while i < n:
        ch = formula[i]
        if ch == "'":
            j, name = i + 1, []
            while j < n:
                if formula[j] == "'":
                    if j + 1 < n and formula[j + 1] == "'":
                        name.append("'")
                        j += 2
                        continue
                    break
                name.append(formula[j])
                j += 1
            if j + 1 < n and formula[j + 1] == "!":
                out.append("".join(name))
            i, bare = j + 1, ""
        elif ch == '"':
            j = i + 1
            while j < n and not (formula[j] == '"' and formula[j + 1:j + 2] != '"'):
                j += 2 if formula[j] == '"' else 1
            i, bare = j + 1, ""
        elif ch == "!":
            if bare:
                out.append(bare)
            i, bare = i + 1, ""
        elif ch.isalnum() or ch in "_.:[]" or ord(ch) > 127:
            bare += ch
            i += 1
        else:
            i, bare = i + 1, ""
    return out


def _sheet_refs(formula: str, names: list[str], where: str, problems: list[str]) -> None:
    known = {fold(n) for n in names}
    for ref in referenced_sheets(formula):
        if ref.startswith("[") or ":" in ref or fold(ref) in known:
            continue  # external ([1]Sheet) and 3-D (Sheet1:Sheet3) references
        problems.append(f"{where}: refers to a missing sheet {ref!r}")


def _styles(pkg: _Pkg, styles: etree._Element, problems: list[str]) -> None:
    def items(sec: str) -> list[etree._Element]:
        el = styles.find(f"{{{MAIN}}}{sec}")
        return [] if el is None else [c for c in el if isinstance(c.tag, str)]

    n = {sec: len(items(sec)) for sec in ("fonts", "fills", "borders", "cellStyleXfs",
                                           "cellXfs", "dxfs")}
    codes: dict[int, str] = {}
    for nf in styles.iter(f"{{{MAIN}}}numFmt"):
        nid, code = int(nf.get("numFmtId", "0")), nf.get("formatCode", "")
        if codes.setdefault(nid, code) != code:
            problems.append(f"styles: numFmtId {nid} means both {codes[nid]!r} and {code!r}")
    defined = {int(nf.get("numFmtId", "0")) for nf in items("numFmts")}
    for sec in ("cellXfs", "cellStyleXfs"):
        for i, xf in enumerate(items(sec)):
            for attr, limit in (("fontId", "fonts"), ("fillId", "fills"),
                                ("borderId", "borders")):
                if xf.get(attr) is not None and not 0 <= int(xf.get(attr)) < n[limit]:
                    problems.append(f"styles: {sec}[{i}] {attr}={xf.get(attr)} of {n[limit]}")
            nid = int(xf.get("numFmtId", "0"))
            if nid >= 164 and nid not in defined:
                problems.append(f"styles: {sec}[{i}] numFmtId {nid} is not defined")
            if sec == "cellXfs" and xf.get("xfId") is not None and \
                    not 0 <= int(xf.get("xfId")) < n["cellStyleXfs"]:
                problems.append(f"styles: cellXfs[{i}] xfId={xf.get('xfId')}")
    for name, root in pkg.trees.items():
        if etree.QName(root) != etree.QName(MAIN, "worksheet"):
            continue
        bad = set()
        for el in root.iter(f"{{{MAIN}}}c", f"{{{MAIN}}}row", f"{{{MAIN}}}col"):
            attr = "style" if el.tag == f"{{{MAIN}}}col" else "s"
            if el.get(attr) is not None and not 0 <= int(el.get(attr)) < n["cellXfs"]:
                bad.add(el.get(attr))
        if bad:
            problems.append(f"{name}: style indices {sorted(bad)} of {n['cellXfs']} cellXfs")
        for rule in root.iter(f"{{{MAIN}}}cfRule"):
            if rule.get("dxfId") is not None and not 0 <= int(rule.get("dxfId")) < n["dxfs"]:
                problems.append(f"{name}: cfRule dxfId={rule.get('dxfId')} of {n['dxfs']}")
    for name, root in pkg.trees.items():
        if etree.QName(root) != etree.QName(MAIN, "table"):
            continue
        for el in root.iter():
            for attr in ("dataDxfId", "headerRowDxfId", "totalsRowDxfId"):
                v = el.get(attr)
                if v is not None and not 0 <= int(v) < n["dxfs"]:
                    problems.append(f"{name}: {attr}={v} of {n['dxfs']} dxfs")
