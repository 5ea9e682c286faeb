"""Relationship parts (``_rels/*.rels``): what a part points at, edited as an lxml tree.

Part names are package paths without the leading slash (``xl/workbook.xml``); the package
itself has the source name ``''`` (its relationships are ``_rels/.rels``).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import quote, unquote

from lxml import etree

from .xmltree import NS_PKG_REL, qn, serialize

__all__ = [
    "RT",
    "RT_CALC_CHAIN",
    "RT_OFFICE_DOC",
    "RT_SHARED_STRINGS",
    "RT_STYLES",
    "RT_VBA",
    "RT_WORKSHEET",
    "Rel",
    "Relationships",
    "relative",
    "rels_path",
    "resolve",
]

RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_WORKSHEET = RT + "worksheet"
RT_OFFICE_DOC = RT + "officeDocument"
RT_CALC_CHAIN = RT + "calcChain"
RT_STYLES = RT + "styles"
RT_SHARED_STRINGS = RT + "sharedStrings"
RT_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
_REL = qn(NS_PKG_REL, "Relationship")


def rels_path(part: str) -> str:
    """The relationship part of ``part`` ('' for the package)."""
    if part == "":
        return "_rels/.rels"
    d, b = posixpath.split(part)
    return posixpath.join(d, "_rels", b + ".rels")


def resolve(source_part: str, target: str) -> str:
    """The part name a relationship ``target`` of ``source_part`` points at."""
    target = unquote(target.split("#", 1)[0]).replace("\\", "/")
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    base = posixpath.dirname(source_part)
    return posixpath.normpath(posixpath.join(base, target)).lstrip("/")


def relative(source_part: str, target_part: str) -> str:
    """The relative target from ``source_part`` to ``target_part``, URI-escaped."""
    rel = posixpath.relpath(target_part, posixpath.dirname(source_part) or ".")
    return quote(rel, safe="/._-~")


@dataclass
class Rel:
    id: str
    type: str
    target: str
    external: bool
    element: etree._Element


class Relationships:
    """The relationships of one part, as a tree that can be edited and serialised."""

    def __init__(self, source: str, root: etree._Element | None = None) -> None:
        self.source = source
        if root is None:
            root = etree.Element(qn(NS_PKG_REL, "Relationships"), nsmap={None: NS_PKG_REL})
        self.root = root
        self.changed = False
        self._rels: list[Rel] | None = None
        self._by_id: dict[str, Rel] = {}

    @property
    def rels(self) -> list[Rel]:
        if self._rels is None:  # read once; every edit below goes through this object
            self._rels = [Rel(el.get("Id", ""), el.get("Type", ""), el.get("Target", ""),
                              el.get("TargetMode", "").lower() == "external", el)
                          for el in self.root if el.tag == _REL]
            self._by_id = {}
            for r in self._rels:
                self._by_id.setdefault(r.id, r)
        return self._rels

    def _edited(self) -> None:
        self._rels = None
        self.changed = True

    def get(self, rid: str) -> Rel | None:
        self.rels  # noqa: B018 - builds the index
        return self._by_id.get(rid)

    def target_part(self, rel: Rel) -> str:
        return resolve(self.source, rel.target)

    def internal(self) -> list[tuple[Rel, str]]:
        """Every internal relationship with the part name it resolves to."""
        return [(r, resolve(self.source, r.target)) for r in self.rels if not r.external]

    def new_id(self) -> str:
        self.rels  # noqa: B018 - builds the index
        n = len(self._by_id) + 1
        while f"rId{n}" in self._by_id:
            n += 1
        return f"rId{n}"

    def add(self, rtype: str, target_part: str) -> str:
        """Add an internal relationship to ``target_part``; returns its new id."""
        rid = self.new_id()
        el = etree.SubElement(self.root, _REL)
        el.set("Id", rid)
        el.set("Type", rtype)
        el.set("Target", relative(self.source, target_part))
        rel = Rel(rid, rtype, el.get("Target"), False, el)
        self.rels.append(rel)
        self._by_id[rid] = rel
        self.changed = True
        return rid

    def remove(self, rid: str) -> None:
        rel = self.get(rid)
        if rel is not None:
            self.root.remove(rel.element)
            self._edited()

    def retarget(self, rid: str, target_part: str) -> None:
        rel = self.get(rid)
        if rel is not None:
            rel.element.set("Target", relative(self.source, target_part))
            self._edited()

    def to_bytes(self) -> bytes:
        return serialize(self.root)
