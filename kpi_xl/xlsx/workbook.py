"""``xl/workbook.xml``: the sheet list, defined names and workbook views, edited as a tree.

Elements are created in the namespace of the workbook's own root element; the relationship id
of a new ``<sheet>`` uses the prefix in scope for the relationships namespace, or declares
``r`` on the element itself when nothing declares it (openpyxl declares ``xmlns:r`` on each
``<sheet>`` rather than on the root). Everything else — ``mc:Ignorable``, ``x15ac``/``xr``
attributes, ``extLst`` — stays as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .xmltree import NS_REL, local_name, qn, serialize

__all__ = ["SheetEntry", "WorkbookPart"]

#: children of <workbook> in schema order (CT_Workbook)
_ORDER = ("fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews",
          "sheets", "functionGroups", "externalReferences", "definedNames", "calcPr",
          "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
          "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")
_RID = qn(NS_REL, "id")


@dataclass
class SheetEntry:
    name: str
    sheet_id: int
    rid: str
    state: str
    element: etree._Element


class WorkbookPart:
    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.ns = etree.QName(root).namespace or ""
        if local_name(root.tag) != "workbook":
            raise ValueError("not a workbook part")

    def _q(self, local: str) -> str:
        return qn(self.ns, local) if self.ns else local

    def child(self, local: str, create: bool = False) -> etree._Element | None:
        el = self.root.find(self._q(local))
        if el is None and create:
            el = etree.Element(self._q(local))
            self._insert(el)
        return el

    def _insert(self, el: etree._Element) -> None:
        later = _ORDER[_ORDER.index(local_name(el.tag)) + 1:]
        for i, existing in enumerate(self.root):
            if local_name(existing.tag) in later:
                self.root.insert(i, el)
                return
        self.root.append(el)

    # ------------------------------------------------------------------ sheets
    def sheets(self) -> list[SheetEntry]:
        block = self.child("sheets")
        if block is None:
            return []
        out = []
        for el in block:
            if local_name(el.tag) != "sheet":
                continue
            try:
                sid = int(el.get("sheetId", "0") or 0)
            except ValueError:
                sid = 0
            out.append(SheetEntry(el.get("name", ""), sid, el.get(_RID, ""),
                                  el.get("state", "visible"), el))
        return out

    def set_sheets(self, entries: list[SheetEntry | tuple[str, int, str]]) -> None:
        """Replace the sheet list: kept entries move as they are, tuples ``(name, sheetId,
        rId)`` become new ``<sheet>`` elements."""
        block = self.child("sheets", create=True)
        assert block is not None
        for el in list(block):
            if local_name(el.tag) == "sheet":
                block.remove(el)
        in_scope = NS_REL in block.nsmap.values()
        for e in entries:
            if isinstance(e, SheetEntry):
                block.append(e.element)
                continue
            name, sid, rid = e
            el = etree.SubElement(block, self._q("sheet"),
                                  nsmap=None if in_scope else {"r": NS_REL})
            el.set("name", name)
            el.set("sheetId", str(sid))
            el.set(_RID, rid)

    # ------------------------------------------------------------------ defined names
    def defined_names(self) -> list[etree._Element]:
        block = self.child("definedNames")
        return [] if block is None else [el for el in block
                                         if local_name(el.tag) == "definedName"]

    def set_defined_names(self, elements: list[etree._Element]) -> None:
        block = self.child("definedNames")
        if not elements:
            if block is not None:
                self.root.remove(block)
            return
        block = self.child("definedNames", create=True)
        assert block is not None
        for el in list(block):
            block.remove(el)
        for el in elements:
            block.append(el)

    def new_defined_name(self, name: str, value: str, local: int | None) -> etree._Element:
        el = etree.Element(self._q("definedName"))
        el.set("name", name)
        if local is not None:
            el.set("localSheetId", str(local))
        el.text = value
        return el

    # ------------------------------------------------------------------ views
    def views(self) -> list[etree._Element]:
        block = self.child("bookViews")
        return [] if block is None else [el for el in block
                                         if local_name(el.tag) == "workbookView"]

    def is_strict(self) -> bool:
        return self.ns.startswith("http://purl.oclc.org/")

    def to_bytes(self) -> bytes:
        return serialize(self.root)
