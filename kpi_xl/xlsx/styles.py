"""``xl/styles.xml``: another book's cell formats appended to the user's, indices kept.

:meth:`StylesPart.merge` appends the generated book's fonts, fills, borders, cell formats and
differential formats (reusing an identical existing entry), and gives each new number format
an id no ``<numFmt>`` of the stylesheet uses — neither in ``<numFmts>`` nor inside a
``<dxf>`` (tables' and conditional formats' differential formats carry their own ids). An id
in use keeps meaning the same format code everywhere. Existing entries never move, so every
``s=`` of the user's sheets still points at the same format.

A stylesheet that already gives one id two codes (openpyxl numbers the number formats of
``<dxfs>`` from 164 again, over those of ``<numFmts>``) is repaired first by
:meth:`StylesPart.separate_dxf_numfmt_ids`: the id inside a ``<dxf>`` is referenced by nothing
but that ``<dxf>``, so it can be renumbered without changing what any cell shows.
"""

from __future__ import annotations

import copy

from lxml import etree

from .xmltree import local_name, qn, serialize

__all__ = ["FIRST_CUSTOM_NUMFMT", "StylesPart"]

#: ids below are Excel's built-in number formats
FIRST_CUSTOM_NUMFMT = 164
_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
          "dxfs", "tableStyles", "colors", "extLst")
_SKIP = {("pivotButton", "0"), ("quotePrefix", "0")}


def _canon(el: etree._Element) -> str:
    attrs = sorted((local_name(k), v) for k, v in el.attrib.items()
                   if (local_name(k), v) not in _SKIP)
    kids = ",".join(_canon(c) for c in el if isinstance(c.tag, str))
    return f"{local_name(el.tag)}{attrs}{(el.text or '').strip()!r}[{kids}]"


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


class StylesPart:
    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.ns = etree.QName(root).namespace or ""
        self._canon: dict[str, dict[str, int]] = {}

    def _q(self, local: str) -> str:
        return qn(self.ns, local) if self.ns else local

    def section(self, name: str, create: bool = False) -> etree._Element | None:
        el = self.root.find(self._q(name))
        if el is None and create:
            el = etree.Element(self._q(name))
            later = _ORDER[_ORDER.index(name) + 1:]
            for i, existing in enumerate(self.root):
                if local_name(existing.tag) in later:
                    self.root.insert(i, el)
                    break
            else:
                self.root.append(el)
        return el

    def items(self, name: str) -> list[etree._Element]:
        sec = self.section(name)
        return [] if sec is None else [c for c in sec if isinstance(c.tag, str)]

    # ------------------------------------------------------------------ number formats
    def numfmt_codes(self) -> dict[int, str]:
        """Every number format id in use (numFmts and dxfs) → its format code."""
        out: dict[int, str] = {}
        for el in self.root.iter(self._q("numFmt")):
            out.setdefault(_int(el.get("numFmtId")), el.get("formatCode", ""))
        return out

    def separate_dxf_numfmt_ids(self) -> int:
        """Give every ``<dxf>`` number format whose custom id already means another code
        (in ``<numFmts>`` or an earlier ``<dxf>``) the id of its own code: the ``<numFmts>``
        entry with that code, else a fresh id. Returns how many were renumbered."""
        codes = {_int(el.get("numFmtId")): el.get("formatCode", "")
                 for el in self.items("numFmts")}
        by_code = {code: nid for nid, code in reversed(list(codes.items()))}
        used = set(codes)
        changed = 0
        for dxf in self.items("dxfs"):
            for nf in dxf.iter(self._q("numFmt")):
                used.add(_int(nf.get("numFmtId")))
        for dxf in self.items("dxfs"):
            for nf in dxf.iter(self._q("numFmt")):
                nid, code = _int(nf.get("numFmtId")), nf.get("formatCode", "")
                if nid < FIRST_CUSTOM_NUMFMT or codes.get(nid, code) == code:
                    codes[nid] = code
                    by_code.setdefault(code, nid)
                    continue
                new = by_code.get(code)
                if new is None:
                    new = max([FIRST_CUSTOM_NUMFMT - 1, *used]) + 1
                    used.add(new)
                    codes[new] = code
                    by_code[code] = new
                nf.set("numFmtId", str(new))
                changed += 1
        return changed

    def numfmt_id(self, code: str) -> int:
        """The id of format ``code``: an existing one of ``<numFmts>``, else a new entry."""
        for el in self.items("numFmts"):
            if el.get("formatCode") == code:
                return _int(el.get("numFmtId"))
        used = set(self.numfmt_codes())
        new = max([FIRST_CUSTOM_NUMFMT - 1, *used]) + 1
        sec = self.section("numFmts", create=True)
        el = etree.SubElement(sec, self._q("numFmt"))
        el.set("numFmtId", str(new))
        el.set("formatCode", code)
        return new

    # ------------------------------------------------------------------ generic entries
    def add(self, name: str, el: etree._Element) -> int:
        """Index of an entry equal to ``el`` in section ``name``, appended if there is none."""
        if name not in self._canon:
            self._canon[name] = {}
            for i, existing in enumerate(self.items(name)):
                self._canon[name].setdefault(_canon(existing), i)
        key = _canon(el)
        if key in self._canon[name]:
            return self._canon[name][key]
        sec = self.section(name, create=True)
        idx = len(self.items(name))
        sec.append(self._adopt(el))
        self._canon[name][key] = idx
        return idx

    def _adopt(self, el: etree._Element) -> etree._Element:
        """A copy of ``el`` (from another stylesheet) in this stylesheet's main namespace."""
        new = copy.deepcopy(el)
        src_ns = etree.QName(el).namespace
        if src_ns != self.ns:
            for sub in new.iter():
                if isinstance(sub.tag, str) and etree.QName(sub).namespace == src_ns:
                    sub.tag = self._q(local_name(sub.tag))
        return new

    def _fix_counts(self) -> None:
        for name in ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs",
                     "cellStyles", "dxfs"):
            sec = self.section(name)
            if sec is not None and (sec.get("count") is not None or len(sec)):
                sec.set("count", str(len(self.items(name))))

    # ------------------------------------------------------------------ merge
    def merge(self, other: etree._Element) -> tuple[dict[int, int], dict[int, int]]:
        """Append the formats of the stylesheet ``other``; returns the maps of its cellXfs
        and dxfs indices to indices in this stylesheet."""
        self.separate_dxf_numfmt_ids()
        theirs = StylesPart(other)
        fmt_map = {_int(el.get("numFmtId")): self.numfmt_id(el.get("formatCode", ""))
                   for el in theirs.items("numFmts")}
        maps: dict[str, dict[int, int]] = {}
        for name, fixed in (("fonts", 1), ("fills", 2), ("borders", 1)):
            mine = len(self.items(name))
            maps[name] = {i: i if i < fixed and i < mine else self.add(name, el)
                          for i, el in enumerate(theirs.items(name))}
        has_style_xfs = bool(self.items("cellStyleXfs"))
        xf_map: dict[int, int] = {}
        for i, el in enumerate(theirs.items("cellXfs")):
            if i == 0 and self.items("cellXfs"):
                xf_map[0] = 0
                continue
            new = copy.deepcopy(el)
            nf = _int(new.get("numFmtId"))
            new.set("numFmtId", str(fmt_map.get(nf, nf)))
            for attr, name in (("fontId", "fonts"), ("fillId", "fills"),
                               ("borderId", "borders")):
                if new.get(attr) is not None:
                    new.set(attr, str(maps[name].get(_int(new.get(attr)), 0)))
            if has_style_xfs:
                new.set("xfId", "0")
            elif "xfId" in new.attrib:
                del new.attrib["xfId"]
            xf_map[i] = self.add("cellXfs", new)
        dxf_map: dict[int, int] = {}
        codes = self.numfmt_codes()
        for i, el in enumerate(theirs.items("dxfs")):
            new = copy.deepcopy(el)
            for nf in new.iter():
                if local_name(nf.tag) != "numFmt":
                    continue
                code = nf.get("formatCode", "")
                nid = _int(nf.get("numFmtId"))
                if nid >= FIRST_CUSTOM_NUMFMT and codes.get(nid, code) != code:
                    nid = self.numfmt_id(code)
                    nf.set("numFmtId", str(nid))
                codes[nid] = code
            dxf_map[i] = self.add("dxfs", new)
        self._fix_counts()
        return xf_map, dxf_map

    def xf_with_numfmt(self, base: int, code: str) -> int:
        """Index of a cell format like ``base`` but with number format ``code``."""
        xfs = self.items("cellXfs")
        src = xfs[base] if 0 <= base < len(xfs) else (xfs[0] if xfs else None)
        new = copy.deepcopy(src) if src is not None else etree.Element(self._q("xf"))
        new.set("numFmtId", str(self.numfmt_id(code)))
        new.set("applyNumberFormat", "1")
        idx = self.add("cellXfs", new)
        self._fix_counts()
        return idx

    def xf_with_font(self, base: int, *, bold: bool = False, color: str | None = None) -> int:
        """Index of a cell format like ``base`` with a font made bold/coloured."""
        xfs = self.items("cellXfs")
        fonts = self.items("fonts")
        src = xfs[base] if 0 <= base < len(xfs) else xfs[0]
        font = copy.deepcopy(fonts[_int(src.get("fontId"))]) if fonts else \
            etree.Element(self._q("font"))
        for child in list(font):
            if local_name(child.tag) in ("b", "color"):
                font.remove(child)
        pos = 0
        if bold:
            font.insert(pos, etree.Element(self._q("b")))
            pos += 1
        if color:
            c = etree.Element(self._q("color"))
            c.set("rgb", color)
            # CT_Font is a choice list: any order is valid, Excel writes color after sz
            font.append(c)
        new = copy.deepcopy(src)
        new.set("fontId", str(self.add("fonts", font)))
        new.set("applyFont", "1")
        idx = self.add("cellXfs", new)
        self._fix_counts()
        return idx

    def xf_with_attrs(self, base: int, **attrs: str) -> int:
        """Index of a cell format like ``base`` with the attributes ``attrs`` set."""
        xfs = self.items("cellXfs")
        src = xfs[base] if 0 <= base < len(xfs) else xfs[0]
        new = copy.deepcopy(src)
        for k, v in attrs.items():
            new.set(k, v)
        idx = self.add("cellXfs", new)
        self._fix_counts()
        return idx

    def number_format_of(self, xf: int) -> str:
        """The format code of cell format ``xf`` ('General' for built-in 0)."""
        xfs = self.items("cellXfs")
        if not 0 <= xf < len(xfs):
            return "General"
        nid = _int(xfs[xf].get("numFmtId"))
        return self.numfmt_codes().get(nid, "General" if nid == 0 else f"builtin:{nid}")

    def to_bytes(self) -> bytes:
        return serialize(self.root)
