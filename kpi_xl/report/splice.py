"""Lossless refresh: splice freshly rendered sheets into the user's .xlsx/.xlsm package.

:func:`splice_report` never loads the user's workbook into a spreadsheet object model. It

1. renders ONLY the report's sheets with the openpyxl renderer into a fresh workbook whose other
   sheets are empty placeholders named like the user's remaining sheets (so the renderer picks
   the same sheet names, clash suffixes and positions as on the real book), saved to a temporary
   package;
2. copies every member of the user's package byte-for-byte (raw compressed bytes, no
   re-compression), except the parts it has to edit or drop:

   - ``xl/workbook.xml``: ``<sheets>`` (generated sheets removed, new ones inserted after the
     first remaining sheet with fresh ``sheetId``/``r:id``), ``<definedNames>`` (names scoped to
     removed sheets dropped, every ``localSheetId`` — the sheet's POSITION — recomputed, the
     new sheets' ``kpi_xl_generated`` names added) and ``activeTab``/``firstSheet``;
   - ``xl/_rels/workbook.xml.rels`` and ``[Content_Types].xml``: relationships and overrides
     of removed and added parts;
   - ``xl/styles.xml``: the generated book's number formats (new ids above the largest one in
     use), fonts, fills, borders, cell formats and differential formats are appended (or reused
     when an identical one exists); existing indices are never changed; the new sheets' ``s=``,
     ``style=`` and conditional-format ``dxfId`` are remapped;
   - ``xl/calcChain.xml``: dropped (with its relationship and override) only when it lists a
     cell of a removed sheet — Excel rebuilds it; otherwise kept as is;
   - the parts of previously generated sheets (identified by the sheet-scoped defined name
     :data:`~kpi_xl.report.naming.GENERATED_NAME`): the sheet, its rels, drawings, charts…
     — only the parts nothing else in the package references;
   - ``.xlsm`` → ``.xlsx``: the VBA project parts and the macro-enabled content type.

New worksheets, drawings and charts get free part names. Text cells of the new sheets are
inline strings, so ``xl/sharedStrings.xml`` is untouched.

Not updated (Excel and LibreOffice ignore or rebuild them): ``docProps/app.xml`` (the sheet
titles list), the tab selection of user sheets (the sheet that was active stays active; when
the active sheet was a generated one, the first new generated sheet becomes active).

The result is written to a temporary file next to the destination and moved into place with
``os.replace`` only when complete; on any error the destination is untouched.
"""

from __future__ import annotations

import copy
import html
import os
import posixpath
import re
import struct
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

import openpyxl

from ..errors import InputError
from .model import Report
from .naming import GENERATED_NAME

__all__ = ["SpliceError", "splice_report"]

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL_DOC = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
              "http://purl.oclc.org/ooxml/officeDocument/relationships")
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_WORKSHEET = RT + "worksheet"
RT_OFFICE_DOC = RT + "officeDocument"
RT_CALC_CHAIN = RT + "calcChain"
RT_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
MAIN_CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ".xltx": "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    ".xltm": "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
VBA_CONTENT_TYPES = {"application/vnd.ms-office.vbaProject",
                     "application/vnd.ms-office.vbaProjectSignature",
                     "application/vnd.ms-office.vbaProjectSignatureAgile",
                     "application/vnd.ms-office.vbaProjectSignatureV3",
                     "application/vnd.ms-office.vbaData+xml"}
_STYLE_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
                "dxfs", "tableStyles", "colors", "extLst")
_WB_AFTER_DEFINED_NAMES = ("calcPr", "oleSize", "customWorkbookViews", "pivotCaches",
                           "smartTagPr", "smartTagTypes", "webPublishing", "fileRecoveryPr",
                           "webPublishObjects", "extLst")
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


class SpliceError(InputError):
    """The package cannot be spliced (unexpected structure)."""


Renderer = Callable[[openpyxl.Workbook, Report], list[str]]


# --------------------------------------------------------------------------- small XML helpers


def _attrs(tag: str) -> dict[str, str]:
    return {m.group(1): html.unescape(m.group(2) if m.group(2) is not None else m.group(3))
            for m in _ATTR.finditer(tag)}


def _esc(text: str) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _set_attr(tag: str, name: str, value: str | None) -> str:
    """Set (or with None remove) attribute ``name`` of the start tag text ``tag``."""
    rx = re.compile(r"\s" + re.escape(name) + r"""\s*=\s*(?:"[^"]*"|'[^']*')""")
    if value is None:
        return rx.sub("", tag, count=1)
    if rx.search(tag):
        return rx.sub(f' {name}="{_esc(value)}"', tag, count=1)
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return tag[:end].rstrip() + f' {name}="{_esc(value)}"' + tag[end:]


def _retag(element: str, name: str, value: str | None) -> str:
    """``element`` with attribute ``name`` of its start tag set (or removed)."""
    i = element.index(">") + 1
    return _set_attr(element[:i], name, value) + element[i:]


def _decode(data: bytes) -> tuple[str, bool]:
    bom = data.startswith(b"\xef\xbb\xbf")
    return data.decode("utf-8-sig"), bom


def _encode(text: str, bom: bool) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def _root_prefix(text: str, local: str) -> str:
    """'' or 'x:' — the prefix of the document element ``local``."""
    m = re.search(r"<(\w+:)?" + local + r"[\s>/]", text)
    return (m.group(1) or "") if m else ""


def _ns_prefix(text: str, uris: Iterable[str]) -> str | None:
    for uri in uris:
        m = re.search(r'xmlns:(\w+)\s*=\s*["\']' + re.escape(uri) + r'["\']', text)
        if m:
            return m.group(1)
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _serialize(el: ET.Element, prefix: str) -> str:
    """An element of the main namespace written with ``prefix`` (no namespace declarations)."""
    name = prefix + _local(el.tag)
    attrs = "".join(f' {_local(k)}="{_esc(v)}"' for k, v in el.attrib.items())
    inner = "".join(_serialize(c, prefix) for c in el)
    text = _esc(el.text).replace('"', "&quot;") if el.text and el.text.strip() else ""
    if not inner and not text:
        return f"<{name}{attrs}/>"
    return f"<{name}{attrs}>{text}{inner}</{name}>"


_CANON_SKIP = {("pivotButton", "0"), ("quotePrefix", "0")}


def _canon(el: ET.Element) -> str:
    attrs = sorted((_local(k), v) for k, v in el.attrib.items()
                   if (_local(k), v) not in _CANON_SKIP)
    kids = sorted(_canon(c) for c in el)
    text = (el.text or "").strip()
    return f"{_local(el.tag)}{attrs}{text!r}[{','.join(kids)}]"


# --------------------------------------------------------------------------- package model


@dataclass
class Rel:
    raw: str
    id: str
    type: str
    target: str
    external: bool


def _rels_path(part: str) -> str:
    d, b = posixpath.split(part)
    return posixpath.join(d, "_rels", b + ".rels")


def _resolve(source_part: str, target: str) -> str:
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    base = posixpath.dirname(source_part)
    return posixpath.normpath(posixpath.join(base, target))


def _relative(source_part: str, target_part: str) -> str:
    rel = posixpath.relpath(target_part, posixpath.dirname(source_part) or ".")
    return quote(rel, safe="/._-~")


_REL_RE = re.compile(r"<(?:\w+:)?Relationship\b[^>]*?(?:/>|>\s*</(?:\w+:)?Relationship>)", re.S)


def _parse_rels(text: str) -> list[Rel]:
    out = []
    for m in _REL_RE.finditer(text):
        a = _attrs(m.group(0))
        out.append(Rel(m.group(0), a.get("Id", ""), a.get("Type", ""), a.get("Target", ""),
                       a.get("TargetMode", "").lower() == "external"))
    return out


class _Package:
    """Read access to a zip package: members, relationships and content types."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        self.infos = zf.infolist()
        self.names = {i.filename for i in self.infos}
        self._lower = {n.lower(): n for n in self.names}
        self._rels: dict[str, list[Rel]] = {}

    def has(self, part: str) -> bool:
        return part.lower() in self._lower

    def name(self, part: str) -> str:
        return self._lower.get(part.lower(), part)

    def read(self, part: str) -> bytes:
        return self.zf.read(self.name(part))

    def rels(self, part: str) -> list[Rel]:
        """Relationships of ``part`` ('' = the package)."""
        path = "_rels/.rels" if part == "" else _rels_path(part)
        if path not in self._rels:
            self._rels[path] = (_parse_rels(_decode(self.read(path))[0]) if self.has(path)
                                else [])
        return self._rels[path]

    def targets(self, part: str, skip: Callable[[Rel], bool] | None = None) -> list[str]:
        return [self.name(_resolve(part, r.target)) for r in self.rels(part)
                if not r.external and not (skip and skip(r))]

    def closure(self, roots: Iterable[str], skip: Callable[[str, Rel], bool] | None = None
                ) -> set[str]:
        """Parts reachable from ``roots`` through relationships (roots included)."""
        seen: set[str] = set()
        todo = [self.name(r) for r in roots]
        while todo:
            p = todo.pop()
            if p in seen:
                continue
            seen.add(p)
            for t in self.targets(p, (lambda r, p=p: skip(p, r)) if skip else None):
                if t not in seen and self.has(t):
                    todo.append(t)
        return seen


@dataclass
class _ContentTypes:
    text: str
    bom: bool
    defaults: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)  # lower-case part name → type

    @classmethod
    def parse(cls, data: bytes) -> _ContentTypes:
        text, bom = _decode(data)
        ct = cls(text, bom)
        for m in re.finditer(r"<(?:\w+:)?Default\b[^>]*>", text):
            a = _attrs(m.group(0))
            ct.defaults[a.get("Extension", "").lower()] = a.get("ContentType", "")
        for m in re.finditer(r"<(?:\w+:)?Override\b[^>]*>", text):
            a = _attrs(m.group(0))
            ct.overrides[a.get("PartName", "").lstrip("/").lower()] = a.get("ContentType", "")
        return ct

    def type_of(self, part: str) -> str | None:
        t = self.overrides.get(part.lower())
        if t is None:
            t = self.defaults.get(posixpath.splitext(part)[1].lstrip(".").lower())
        return t


# --------------------------------------------------------------------------- workbook.xml


_SHEET_RE = re.compile(r"<(?:\w+:)?sheet\s[^>]*?/?>(?:\s*</(?:\w+:)?sheet>)?", re.S)
_DN_RE = re.compile(r"<(?:\w+:)?definedName\b[^>]*?(?:/>|>.*?</(?:\w+:)?definedName>)", re.S)


@dataclass
class _Sheet:
    raw: str
    name: str
    sheet_id: int
    rid: str


def _sheets(wb_text: str, rprefix: str) -> tuple[re.Match, list[_Sheet]]:
    block = re.search(r"<(?:\w+:)?sheets\s*>(.*?)</(?:\w+:)?sheets>", wb_text, re.S)
    if block is None:
        raise SpliceError("workbook.xml has no <sheets>")
    out = []
    for m in _SHEET_RE.finditer(block.group(1)):
        a = _attrs(m.group(0).split(">", 1)[0])
        out.append(_Sheet(m.group(0), a.get("name", ""), int(a.get("sheetId", "0") or 0),
                          a.get(f"{rprefix}:id", "")))
    return block, out


@dataclass
class _Name:
    raw: str
    name: str
    local: int | None


def _defined_names(wb_text: str) -> list[_Name]:
    block = re.search(r"<(?:\w+:)?definedNames\s*>(.*?)</(?:\w+:)?definedNames>", wb_text, re.S)
    if block is None:
        return []
    out = []
    for m in _DN_RE.finditer(block.group(1)):
        a = _attrs(m.group(0).split(">", 1)[0])
        local = a.get("localSheetId")
        out.append(_Name(m.group(0), a.get("name", ""),
                         int(local) if local not in (None, "") else None))
    return out


def _replace_defined_names(wb_text: str, names: list[str], prefix: str) -> str:
    body = "".join(names)
    new = f"<{prefix}definedNames>{body}</{prefix}definedNames>" if names else ""
    full = re.compile(r"<(?:\w+:)?definedNames\s*>.*?</(?:\w+:)?definedNames>"
                      r"|<(?:\w+:)?definedNames\s*/>", re.S)
    if full.search(wb_text):
        return full.sub(lambda _m: new, wb_text, count=1)
    if not names:
        return wb_text
    for tag in _WB_AFTER_DEFINED_NAMES:
        m = re.search(r"<(?:\w+:)?" + tag + r"[\s>/]", wb_text)
        if m:
            return wb_text[:m.start()] + new + wb_text[m.start():]
    m = re.search(r"</(?:\w+:)?workbook>", wb_text)
    if m is None:
        raise SpliceError("workbook.xml is not a workbook")
    return wb_text[:m.start()] + new + wb_text[m.start():]


# --------------------------------------------------------------------------- styles.xml


class _Styles:
    """Append the generated book's styles to the user's styles.xml text (indices kept)."""

    def __init__(self, data: bytes) -> None:
        self.text, self.bom = _decode(data)
        self.prefix = _root_prefix(self.text, "styleSheet")
        root = ET.fromstring(self.text.encode("utf-8"))
        self.items: dict[str, list[ET.Element]] = {}
        for sec in ("numFmts", "fonts", "fills", "borders", "cellXfs", "dxfs"):
            el = root.find(f"{{{NS_MAIN}}}{sec}")
            self.items[sec] = list(el) if el is not None else []
        self.canon = {sec: {} for sec in self.items}
        for sec, els in self.items.items():
            for i, el in enumerate(els):
                self.canon[sec].setdefault(_canon(el), i)
        self.added: dict[str, list[str]] = {sec: [] for sec in self.items}
        self.fmt_ids = {el.get("formatCode"): int(el.get("numFmtId", "0"))
                        for el in self.items["numFmts"]}
        self.next_fmt = max([163, *self.fmt_ids.values()]) + 1

    def count(self, sec: str) -> int:
        return len(self.items[sec]) + len(self.added[sec])

    def _add(self, sec: str, el: ET.Element) -> int:
        key = _canon(el)
        if key in self.canon[sec]:
            return self.canon[sec][key]
        idx = self.count(sec)
        self.added[sec].append(_serialize(el, self.prefix))
        self.canon[sec][key] = idx
        return idx

    def merge(self, gen_data: bytes) -> tuple[dict[int, int], dict[int, int]]:
        """Returns (cellXfs index map, dxfs index map) from generated to merged indices."""
        root = ET.fromstring(gen_data)

        def sec(name: str) -> list[ET.Element]:
            el = root.find(f"{{{NS_MAIN}}}{name}")
            return list(el) if el is not None else []

        fmt_map: dict[int, int] = {}
        for el in sec("numFmts"):
            gid, code = int(el.get("numFmtId", "0")), el.get("formatCode", "")
            if code not in self.fmt_ids:
                self.fmt_ids[code] = self.next_fmt
                self.next_fmt += 1
                new = copy.copy(el)
                new.set("numFmtId", str(self.fmt_ids[code]))
                self.added["numFmts"].append(_serialize(new, self.prefix))
            fmt_map[gid] = self.fmt_ids[code]
        maps: dict[str, dict[int, int]] = {}
        for name, fixed in (("fonts", 1), ("fills", 2), ("borders", 1)):
            m = {}
            for i, el in enumerate(sec(name)):
                m[i] = i if i < fixed and i < len(self.items[name]) else self._add(name, el)
            maps[name] = m
        xf_map: dict[int, int] = {}
        for i, el in enumerate(sec("cellXfs")):
            if i == 0:
                xf_map[0] = 0
                continue
            new = copy.deepcopy(el)
            nf = int(new.get("numFmtId", "0"))
            new.set("numFmtId", str(fmt_map.get(nf, nf)))
            for attr, name in (("fontId", "fonts"), ("fillId", "fills"),
                               ("borderId", "borders")):
                if attr in new.attrib:
                    new.set(attr, str(maps[name].get(int(new.get(attr)), 0)))
            new.set("xfId", "0")
            xf_map[i] = self._add("cellXfs", new)
        dxf_map = {i: self._add("dxfs", el) for i, el in enumerate(sec("dxfs"))}
        return xf_map, dxf_map

    def text_out(self) -> bytes:
        text = self.text
        for sec in _STYLE_ORDER:
            if sec not in self.added or not self.added[sec]:
                continue
            body, total = "".join(self.added[sec]), self.count(sec)
            full = re.search(r"<(\w+:)?" + sec + r"\b([^>]*?)(/?)>", text)
            if full is not None and full.group(3) == "":
                close = re.search(r"</(?:\w+:)?" + sec + r"\s*>", text[full.end():])
                if close is None:
                    raise SpliceError(f"styles.xml: <{sec}> is not closed")
                at = full.end() + close.start()
                start = _set_attr(full.group(0), "count", str(total))
                text = (text[:full.start()] + start + text[full.end():at] + body + text[at:])
            elif full is not None:  # <dxfs count="0"/>
                start = _set_attr(full.group(0)[:-2] + ">", "count", str(total))
                text = (text[:full.start()] + start + body + f"</{self.prefix}{sec}>"
                        + text[full.end():])
            else:
                new = f'<{self.prefix}{sec} count="{total}">{body}</{self.prefix}{sec}>'
                later = _STYLE_ORDER[_STYLE_ORDER.index(sec) + 1:]
                at = None
                for tag in later:
                    m = re.search(r"<(?:\w+:)?" + tag + r"[\s>/]", text)
                    if m:
                        at = m.start()
                        break
                if at is None:
                    at = re.search(r"</(?:\w+:)?styleSheet>", text).start()
                text = text[:at] + new + text[at:]
        return _encode(text, self.bom)


# --------------------------------------------------------------------------- sheet XML


def _remap_sheet(data: bytes, xf: dict[int, int], dxf: dict[int, int],
                 shared: list[str] | None, selected: bool) -> bytes:
    text, bom = _decode(data)

    def s_attr(m: re.Match) -> str:
        return f"{m.group(1)}{xf.get(int(m.group(2)), 0)}{m.group(3)}"

    text = re.sub(r'(<(?:\w+:)?(?:c|row)\b[^>]*?\ss=")(\d+)(")', s_attr, text)
    text = re.sub(r'(<(?:\w+:)?col\b[^>]*?\sstyle=")(\d+)(")', s_attr, text)
    text = re.sub(r'(<(?:\w+:)?cfRule\b[^>]*?\sdxfId=")(\d+)(")',
                  lambda m: f"{m.group(1)}{dxf.get(int(m.group(2)), 0)}{m.group(3)}", text)
    if shared is not None and 't="s"' in text:
        def inline(m: re.Match) -> str:
            start, body = m.group(1), m.group(2)
            v = re.search(r"<v>(\d+)</v>", body)
            if v is None:
                return m.group(0)
            s = shared[int(v.group(1))]
            space = ' xml:space="preserve"' if s != s.strip() else ""
            start = _set_attr(start, "t", "inlineStr")
            return f"{start}<is><t{space}>{_esc(s)}</t></is></c>"
        text = re.sub(r'(<c\b[^>]*\st="s"[^>]*>)(.*?)</c>', inline, text, flags=re.S)
    text = re.sub(r'\stabSelected="(?:1|true)"', "", text)
    if selected:
        text = re.sub(r"<((?:\w+:)?sheetView)\b", r'<\1 tabSelected="1"', text, count=1)
    return _encode(text, bom)


def _shared_strings(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    out = []
    for si in root.findall(f"{{{NS_MAIN}}}si"):
        parts = []
        for child in si:
            if _local(child.tag) == "t":
                parts.append(child.text or "")
            elif _local(child.tag) == "r":
                parts.extend(t.text or "" for t in child.findall(f"{{{NS_MAIN}}}t"))
        out.append("".join(parts))
    return out


# --------------------------------------------------------------------------- zip writing


def _copy_raw(zin: zipfile.ZipFile, zout: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Copy a member's compressed bytes as they are (no decompression/recompression)."""
    fp = zin.fp
    assert fp is not None and zout.fp is not None
    fp.seek(info.header_offset)
    header = fp.read(30)
    if header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    nlen, elen = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + 30 + nlen + elen)
    zi = copy.copy(info)
    zi.flag_bits &= ~0x08  # sizes and CRC go into the local header, no data descriptor
    zi.extra = b""
    zi.header_offset = zout.fp.tell()
    zip64 = zi.file_size > zipfile.ZIP64_LIMIT or zi.compress_size > zipfile.ZIP64_LIMIT
    zout.fp.write(zi.FileHeader(zip64))
    left = info.compress_size
    while left:
        chunk = fp.read(min(left, 1 << 22))
        if not chunk:
            raise zipfile.BadZipFile(f"truncated member {info.filename}")
        zout.fp.write(chunk)
        left -= len(chunk)
    zout.filelist.append(zi)
    zout.NameToInfo[zi.filename] = zi
    zout.start_dir = zout.fp.tell()
    zout._didModify = True


def _write(zout: zipfile.ZipFile, name: str, data: bytes,
           like: zipfile.ZipInfo | None = None) -> None:
    zi = zipfile.ZipInfo(name, date_time=like.date_time if like else (1980, 1, 1, 0, 0, 0))
    zi.compress_type = zipfile.ZIP_DEFLATED
    if like is not None:
        zi.external_attr = like.external_attr
        zi.create_system = like.create_system
    zout.writestr(zi, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)


# --------------------------------------------------------------------------- the splice


def _free_name(part: str, taken: set[str]) -> str:
    d, b = posixpath.split(part)
    stem, ext = posixpath.splitext(b)
    stem = re.sub(r"\d+$", "", stem) or stem
    n = 1
    while True:
        cand = posixpath.join(d, f"{stem}{n}{ext}")
        if cand.lower() not in taken:
            taken.add(cand.lower())
            return cand
        n += 1


def _main_part(pkg: _Package) -> str:
    for r in pkg.rels(""):
        if r.type.endswith("/officeDocument") and not r.external:
            return pkg.name(_resolve("", r.target))
    raise SpliceError("no workbook part in the package (not an .xlsx/.xlsm?)")


def _calc_chain_sheet_ids(data: bytes) -> set[int]:
    ids: set[int] = set()
    current = 0
    for m in re.finditer(rb"<(?:\w+:)?c\b([^>]*)>", data):
        i = re.search(rb'\si="(\d+)"', m.group(1))
        if i:
            current = int(i.group(1))
        ids.add(current)
    return ids


def splice_report(book: str | os.PathLike[str], report: Report,
                  out: str | os.PathLike[str] | None = None, *,
                  render: Renderer | None = None,
                  timings: MutableMapping[str, float] | None = None) -> Path:
    """Replace the generated sheets of ``book`` with ``report``'s sheets, losslessly.

    Writes ``out`` (default: ``book``) atomically; returns its path. ``render`` is the function
    that writes a report into an openpyxl workbook (default
    :func:`~kpi_xl.report.render_openpyxl.render_into`). Raises
    :class:`~kpi_xl.errors.InputError` when the book cannot be read or the result written.
    ``timings``, when given, receives the seconds spent in ``render`` (rendering and saving the
    generated sheets) and ``write`` (the splice).
    """
    t_start = time.perf_counter()
    t_render = 0.0
    if render is None:
        from .render_openpyxl import render_into as render
    src = Path(book)
    dest = Path(out) if out is not None else src
    folder = dest.parent if str(dest.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"output folder does not exist: {folder}")
    try:
        zin = zipfile.ZipFile(src)
    except FileNotFoundError as exc:
        raise InputError(f"workbook not found: {src}") from exc
    except PermissionError as exc:
        raise InputError(f"cannot read {src}: permission denied (is it locked?)") from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"cannot read {src} as an Excel workbook: {exc}") from exc
    tmp_gen = tmp_out = None
    try:
        with zin:
            try:
                plan = _Plan(_Package(zin), src, dest)
            except (KeyError, ET.ParseError, ValueError, zipfile.BadZipFile) as exc:
                raise InputError(f"cannot read {src} as an Excel workbook: {exc}") from exc
            t0 = time.perf_counter()
            wb = plan.placeholder_book()
            written = render(wb, report)
            try:
                fd, name = tempfile.mkstemp(prefix=".~kpi_xl-gen-", suffix=".xlsx", dir=folder)
                os.close(fd)
                tmp_gen = Path(name)
                wb.save(tmp_gen)
                t_render = time.perf_counter() - t0
                fd, name = tempfile.mkstemp(prefix=".~kpi_xl-", suffix=dest.suffix, dir=folder)
                os.close(fd)
                tmp_out = Path(name)
                with zipfile.ZipFile(tmp_gen) as zgen:
                    plan.write(_Package(zgen), written, tmp_out)
                mode = dest.stat().st_mode & 0o777 if dest.exists() else 0o644
                os.chmod(tmp_out, mode)
            except PermissionError as exc:
                raise InputError(f"cannot write {dest}: permission denied — close it in Excel "
                                 f"and try again") from exc
            except OSError as exc:
                raise InputError(f"cannot write {dest}: {exc}") from exc
        try:
            os.replace(tmp_out, dest)
        except PermissionError as exc:
            raise InputError(f"cannot write {dest}: permission denied — close it in Excel "
                             f"and try again") from exc
        except OSError as exc:
            raise InputError(f"cannot write {dest}: {exc}") from exc
        tmp_out = None
        if timings is not None:
            timings["render"] = timings.get("render", 0.0) + t_render
            timings["write"] = (timings.get("write", 0.0) + time.perf_counter() - t_start
                                - t_render)
        return dest
    finally:
        for t in (tmp_gen, tmp_out):
            if t is not None:
                t.unlink(missing_ok=True)


class _Plan:
    """What to remove from the user's package; then :meth:`write` the spliced package."""

    def __init__(self, pkg: _Package, src: Path, dest: Path) -> None:
        self.pkg = pkg
        self.ct = _ContentTypes.parse(pkg.read("[Content_Types].xml"))
        self.wb_part = _main_part(pkg)
        self.wb_text, self.wb_bom = _decode(pkg.read(self.wb_part))
        self.prefix = _root_prefix(self.wb_text, "workbook")
        self.rprefix = _ns_prefix(self.wb_text, NS_REL_DOC) or "r"
        _, self.sheets = _sheets(self.wb_text, self.rprefix)
        self.names = _defined_names(self.wb_text)
        self.wb_rels = pkg.rels(self.wb_part)
        rel_by_id = {r.id: r for r in self.wb_rels}
        gen_pos = {n.local for n in self.names
                   if n.name.lower() == GENERATED_NAME.lower() and n.local is not None}
        self.removed_sheets = [s for i, s in enumerate(self.sheets) if i in gen_pos]
        self.kept_sheets = [s for i, s in enumerate(self.sheets) if i not in gen_pos]
        self.drop_rel_ids = {s.rid for s in self.removed_sheets}
        removed_ids = {s.sheet_id for s in self.removed_sheets}
        for r in self.wb_rels:
            if r.external:
                continue
            target = pkg.name(_resolve(self.wb_part, r.target))
            if (r.type == RT_CALC_CHAIN and removed_ids and pkg.has(target)
                    and _calc_chain_sheet_ids(pkg.read(target)) & removed_ids):
                self.drop_rel_ids.add(r.id)
            macro_src = self.ct.type_of(self.wb_part) in (MAIN_CONTENT_TYPES[".xlsm"],
                                                           MAIN_CONTENT_TYPES[".xltm"])
            if r.type == RT_VBA and macro_src and dest.suffix.lower() in (".xlsx", ".xltx"):
                self.drop_rel_ids.add(r.id)
        self.main_type = None
        if src.suffix.lower() != dest.suffix.lower() and dest.suffix.lower() in \
                MAIN_CONTENT_TYPES:
            self.main_type = MAIN_CONTENT_TYPES[dest.suffix.lower()]
        # parts only the dropped relationships lead to
        dropped_roots = [pkg.name(_resolve(self.wb_part, rel_by_id[i].target))
                         for i in self.drop_rel_ids if i in rel_by_id]
        keep = pkg.closure(["", self.wb_part],
                           skip=lambda part, r: part == self.wb_part and r.id in
                           self.drop_rel_ids)
        keep.discard("")
        gone = pkg.closure(dropped_roots) - keep
        self.removed_parts = gone | {_rels_path(p) for p in gone if pkg.has(_rels_path(p))}
        self.removed_parts = {pkg.name(p) for p in self.removed_parts if pkg.has(p)}
        if self.main_type is not None and self.main_type not in (
                MAIN_CONTENT_TYPES[".xlsm"], MAIN_CONTENT_TYPES[".xltm"]):
            # .xlsm → .xlsx: VBA parts go even if something odd still points at them
            self.removed_parts |= {n for n in pkg.names
                                   if self.ct.type_of(n) in VBA_CONTENT_TYPES}

    def placeholder_book(self) -> openpyxl.Workbook:
        """An empty workbook with one empty sheet per kept sheet, in order."""
        wb = openpyxl.Workbook()
        first = wb.active
        for s in self.kept_sheets:
            wb.create_sheet(s.name)
        wb.remove(first)
        return wb

    def write(self, gen: _Package, written: list[str], path: Path) -> None:
        pkg = self.pkg
        # ---------------------------------------------------------------- generated parts
        g_wb = _main_part(gen)
        g_text, _ = _decode(gen.read(g_wb))
        g_rprefix = _ns_prefix(g_text, NS_REL_DOC) or "r"
        _, g_sheets = _sheets(g_text, g_rprefix)
        g_rels = {r.id: r for r in gen.rels(g_wb)}
        g_ct = _ContentTypes.parse(gen.read("[Content_Types].xml"))
        g_names = _defined_names(g_text)
        order = [s.name for s in g_sheets]
        kept_by_name = {s.name: s for s in self.kept_sheets}
        if sorted(n for n in order if n not in written) != sorted(kept_by_name):
            raise SpliceError("the renderer changed the workbook's other sheets")
        new_sheet_parts = {s.name: gen.name(_resolve(g_wb, g_rels[s.rid].target))
                           for s in g_sheets if s.name in written}
        gen_parts: set[str] = set()
        for p in new_sheet_parts.values():
            gen_parts |= gen.closure([p])
        # styles and shared strings of the generated book
        styles_part = next((pkg.name(_resolve(self.wb_part, r.target)) for r in self.wb_rels
                            if r.type == RT + "styles"), None)
        if styles_part is None:
            raise SpliceError("the workbook has no styles part")
        styles = _Styles(pkg.read(styles_part))
        g_styles = next(gen.name(_resolve(g_wb, r.target)) for r in g_rels.values()
                        if r.type == RT + "styles")
        xf_map, dxf_map = styles.merge(gen.read(g_styles))
        g_sst = next((gen.name(_resolve(g_wb, r.target)) for r in g_rels.values()
                      if r.type == RT + "sharedStrings"), None)
        shared = _shared_strings(gen.read(g_sst)) if g_sst and gen.has(g_sst) else None

        taken = {n.lower() for n in pkg.names} - {n.lower() for n in self.removed_parts}
        rename: dict[str, str] = {}
        for p in sorted(gen_parts, key=lambda n: (n.count("/"), n)):
            rename[p] = _free_name(p, taken)
        for p in gen_parts:  # rels files of generated parts follow their parts
            taken.add(_rels_path(rename[p]).lower())

        # which sheet is active
        view = re.search(r"<(?:\w+:)?workbookView\b[^>]*>", self.wb_text)
        old_active = int(_attrs(view.group(0)).get("activeTab", "0") or 0) if view else 0
        old_active_sheet = self.sheets[old_active] if old_active < len(self.sheets) else None
        select_new = old_active_sheet is None or old_active_sheet in self.removed_sheets
        first_written = next((n for n in order if n in written), None)

        new_parts: dict[str, bytes] = {}
        for p in gen_parts:
            data = gen.read(p)
            if p in new_sheet_parts.values():
                name = next(k for k, v in new_sheet_parts.items() if v == p)
                data = _remap_sheet(data, xf_map, dxf_map, shared,
                                    selected=select_new and name == first_written)
            new_parts[rename[p]] = data
            rels = gen.rels(p)
            if rels:
                text, bom = _decode(gen.read(_rels_path(p)))
                for r in rels:
                    if r.external:
                        continue
                    t = gen.name(_resolve(p, r.target))
                    if t not in rename:
                        continue
                    new_target = _relative(rename[p], rename[t])
                    text = text.replace(r.raw, _set_attr(r.raw, "Target", new_target), 1)
                new_parts[_rels_path(rename[p])] = _encode(text, bom)

        # ---------------------------------------------------------------- workbook.xml
        used_ids = {r.id for r in self.wb_rels}
        next_rid = 1
        max_sheet_id = max([0, *(s.sheet_id for s in self.sheets)])
        sheet_elems: list[str] = []
        new_rels: list[str] = []
        position: dict[str, int] = {}
        for pos, name in enumerate(order):
            position[name] = pos
            if name in kept_by_name:
                sheet_elems.append(kept_by_name[name].raw)
                continue
            while f"rId{next_rid}" in used_ids:
                next_rid += 1
            rid = f"rId{next_rid}"
            used_ids.add(rid)
            max_sheet_id += 1
            target = rename[new_sheet_parts[name]]
            sheet_elems.append(f'<{self.prefix}sheet name="{_esc(name)}" '
                               f'sheetId="{max_sheet_id}" {self.rprefix}:id="{rid}"/>')
            new_rels.append(f'<Relationship Id="{rid}" Type="{RT_WORKSHEET}" '
                            f'Target="{_relative(self.wb_part, target)}"/>')
        wb_text = self.wb_text
        block = re.search(r"(<(?:\w+:)?sheets\s*>)(.*?)(</(?:\w+:)?sheets>)", wb_text, re.S)
        wb_text = (wb_text[:block.start(2)] + "".join(sheet_elems) + wb_text[block.end(2):])

        old_pos_to_new = {}
        for i, s in enumerate(self.sheets):
            if s in self.kept_sheets:
                old_pos_to_new[i] = position[s.name]
        names_out: list[str] = []
        for n in self.names:
            if n.local is None:
                names_out.append(n.raw)
            elif n.local in old_pos_to_new:
                names_out.append(_retag(n.raw, "localSheetId", str(old_pos_to_new[n.local])))
            # names scoped to removed sheets are dropped
        g_order = {i: s.name for i, s in enumerate(g_sheets)}
        for n in g_names:
            if n.local is not None and g_order.get(n.local) in written:
                raw = _retag(n.raw, "localSheetId", str(position[g_order[n.local]]))
                if self.prefix:
                    raw = re.sub(r"<(/?)definedName\b", rf"<\1{self.prefix}definedName", raw)
                names_out.append(raw)
        wb_text = _replace_defined_names(wb_text, names_out, self.prefix)

        def fix_view(m: re.Match) -> str:
            tag = m.group(0)
            a = _attrs(tag)
            if select_new and first_written is not None:
                tag = _set_attr(tag, "activeTab", str(position[first_written]))
            elif old_active in old_pos_to_new and (
                    "activeTab" in a or old_pos_to_new[old_active] != old_active):
                tag = _set_attr(tag, "activeTab", str(old_pos_to_new[old_active]))
            if "firstSheet" in a:
                fs = int(a["firstSheet"] or 0)
                tag = _set_attr(tag, "firstSheet", str(old_pos_to_new.get(fs, 0)))
            return tag

        wb_text = re.sub(r"<(?:\w+:)?workbookView\b[^>]*>", fix_view, wb_text)

        # ---------------------------------------------------------------- workbook rels
        rels_path = _rels_path(self.wb_part)
        rels_text, rels_bom = _decode(pkg.read(rels_path))
        for r in self.wb_rels:
            if r.id in self.drop_rel_ids:
                rels_text = rels_text.replace(r.raw, "", 1)
        rprefix = _root_prefix(rels_text, "Relationships")
        if rprefix:
            new_rels = [x.replace("<Relationship ", f"<{rprefix}Relationship ") for x in new_rels]
        close = rels_text.rindex("</")
        rels_text = rels_text[:close] + "".join(new_rels) + rels_text[close:]

        # ---------------------------------------------------------------- content types
        ct_text = self.ct.text
        removed_lower = {p.lower() for p in self.removed_parts}

        def drop_override(m: re.Match) -> str:
            part = _attrs(m.group(0)).get("PartName", "").lstrip("/")
            return "" if unquote(part).lower() in removed_lower else m.group(0)

        ct_text = re.sub(r"<(?:\w+:)?Override\b[^>]*?(?:/>|>\s*</(?:\w+:)?Override>)",
                         drop_override, ct_text)
        if self.main_type is not None:
            wb_lower = self.wb_part.lower()

            def main(m: re.Match) -> str:
                part = _attrs(m.group(0)).get("PartName", "").lstrip("/")
                if part.lower() == wb_lower:
                    return _set_attr(m.group(0), "ContentType", self.main_type)
                return m.group(0)

            ct_text = re.sub(r"<(?:\w+:)?Override\b[^>]*>", main, ct_text)
        cprefix = _root_prefix(ct_text, "Types")
        adds = []
        for part in new_parts:
            if part.endswith(".rels"):
                continue
            orig = next(k for k, v in rename.items() if v == part)
            ctype = g_ct.type_of(orig) or CT_WORKSHEET
            if self.ct.defaults.get(posixpath.splitext(part)[1].lstrip(".").lower()) == ctype:
                continue
            adds.append(f'<{cprefix}Override PartName="/{_esc(part)}" ContentType="{ctype}"/>')
        close = ct_text.rindex("</")
        ct_text = ct_text[:close] + "".join(adds) + ct_text[close:]

        # ---------------------------------------------------------------- write the zip
        changed = {
            self.wb_part: _encode(wb_text, self.wb_bom),
            rels_path: _encode(rels_text, rels_bom),
            "[Content_Types].xml": _encode(ct_text, self.ct.bom),
            styles_part: styles.text_out(),
        }
        changed = {pkg.name(k): v for k, v in changed.items()}
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zout:
            for info in pkg.infos:
                name = info.filename
                if name in self.removed_parts:
                    continue
                if name in changed:
                    _write(zout, name, changed[name], info)
                else:
                    _copy_raw(pkg.zf, zout, info)
            for name, data in new_parts.items():
                _write(zout, name, data)
