"""Worksheet parts: a generated sheet made to fit the user's package.

:func:`adapt_generated_sheet` remaps the cell format indices (``s=`` of cells and rows,
``style=`` of columns) and the conditional formats' ``dxfId`` to the merged stylesheet, turns
shared-string cells into inline strings (the user's ``sharedStrings.xml`` is never touched),
and sets which sheet tab is selected.
"""

from __future__ import annotations

from lxml import etree

from .xmltree import local_name, qn

__all__ = ["adapt_generated_sheet", "shared_strings", "string_item_text"]


def string_item_text(si: etree._Element) -> str:
    """The text of a shared-string item ``<si>`` (plain or rich, phonetic runs left out)."""
    parts: list[str] = []
    for child in si:
        name = local_name(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if local_name(t.tag) == "t")
    return "".join(parts)


def shared_strings(root: etree._Element | None) -> list[str]:
    """Every string of a ``sharedStrings.xml`` tree, by index."""
    if root is None:
        return []
    return [string_item_text(si) for si in root if local_name(si.tag) == "si"]


def _remap(el: etree._Element, attr: str, mapping: dict[int, int]) -> None:
    value = el.get(attr)
    if value is None:
        return
    try:
        el.set(attr, str(mapping.get(int(value), 0)))
    except ValueError:
        el.set(attr, "0")


def adapt_generated_sheet(root: etree._Element, xf: dict[int, int], dxf: dict[int, int],
                          strings: list[str], *, selected: bool) -> etree._Element:
    """Fit a generated worksheet tree to the merged styles; returns ``root`` (edited)."""
    ns = etree.QName(root).namespace or ""

    def q(local: str) -> str:
        return qn(ns, local) if ns else local

    c, row, col, rule, view = q("c"), q("row"), q("col"), q("cfRule"), q("sheetView")
    v_tag, is_tag, t_tag = q("v"), q("is"), q("t")
    for el in root.iter(c, row, col, rule, view):
        tag = el.tag
        if tag in (c, row):
            _remap(el, "s", xf)
        elif tag == col:
            _remap(el, "style", xf)
        elif tag == rule:
            _remap(el, "dxfId", dxf)
        else:
            el.attrib.pop("tabSelected", None)
            if selected:
                el.set("tabSelected", "1")
                selected = False
        if tag == c and el.get("t") == "s":
            v = el.find(v_tag)
            try:
                s = strings[int(v.text)] if v is not None and v.text else ""
            except (ValueError, IndexError):
                s = ""
            for child in list(el):
                el.remove(child)
            el.set("t", "inlineStr")
            t = etree.SubElement(etree.SubElement(el, is_tag), t_tag)
            t.text = s
            if s != s.strip():
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return root
