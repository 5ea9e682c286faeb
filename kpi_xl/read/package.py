"""Opening a workbook file safely: what the file is, whether its package is sound, and where
its sheets, Excel tables and named ranges are.

Checked before any cell is read, each with its own message naming the file and the part:
a regular file (a named pipe or a device would block), its size, what it looks like when it is
not an .xlsx (an old .xls, an encrypted/password-protected workbook, a CSV, a web page), the
zip's member count, duplicate or encrypted members, compression methods, every member's
uncompressed size and compression ratio and their total, and — for the parts parsed here as
trees (relationships, workbook, tables) — DTDs and nesting depth. Parts handed to fastexcel
(sheets, shared strings, styles) are streamed through :func:`kpi_xl.read.xmlscan.scan_part`
first: size, DTD, truncation and nesting depth, against the same limits.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
import zipfile
from pathlib import Path
from typing import IO

from lxml import etree

from ..errors import InputError
from ..i18n import text
from .limits import Limits
from .plan import SheetInfo, TableInfo
from .region import Rect
from .xmlscan import PartScan, scan_part

__all__ = [
    "Package",
    "SheetInfo",
    "TableInfo",
    "check_regular_file",
    "parse_range_formula",
    "parse_ref",
    "what_is",
]

_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS = b"application/vnd.oasis.opendocument.spreadsheet"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          load_dtd=False, dtd_validation=False, remove_comments=True)
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_COLS = re.compile(r"^\$?([A-Za-z]{1,3})$")
_ROWS = re.compile(r"^\$?(\d{1,7})$")


def check_regular_file(path: Path, limit: int, locale: str) -> int:
    """Size of ``path``; refuses what does not exist, is not a regular file or is too big."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        key = "read.no_such_workbook" if path.suffix.lower() in (
            ".xlsx", ".xlsm", ".xltx", ".xltm") else "read.not_found"
        raise InputError(text(key, locale, path=str(path))) from None
    except OSError as exc:
        raise InputError(text("read.cannot_open", locale, path=str(path),
                              reason=exc.strerror or exc)) from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(text("read.not_regular", locale, path=str(path)))
    if st.st_size > limit:
        raise InputError(text("read.file_too_big", locale, file=path.name, size=st.st_size,
                              limit=limit))
    return st.st_size


def _head(path: Path, n: int) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(n)
    except OSError as exc:
        raise InputError(text("read.cannot_open", "en", path=str(path),
                              reason=exc.strerror or exc)) from None


def what_is(path: Path) -> str:
    """What a file that is not a zip looks like: ``xls``, ``encrypted``, ``ole``, ``csv``,
    ``html``, ``xml2003``, ``empty`` or ``unknown`` (``zip`` for a package, ``ods`` for an
    OpenDocument spreadsheet, whose first, stored member names its type)."""
    head = _head(path, 1 << 20)
    if not head:
        return "empty"
    if head.startswith(_ZIP):
        return "ods" if _ODS in head[:256] else "zip"
    if head.startswith(_OLE):
        if "EncryptedPackage".encode("utf-16-le") in head:
            return "encrypted"
        if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
            return "xls"
        return "ole"
    sample = head[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").lower()
    if sample.startswith((b"<html", b"<!doctype html")) or b"<table" in sample[:1024]:
        return "html"
    if sample.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        return "xml2003"
    for enc in ("utf-8-sig", "utf-16", "cp932"):
        try:
            lines = head[:4096].decode(enc).splitlines()
        except UnicodeDecodeError:
            continue
        line = lines[0] if lines else ""
        if ("," in line or "\t" in line) and line.replace("\t", " ").isprintable():
            return "csv"
    return "unknown"


def parse_ref(ref: str) -> Rect | None:
    """``A1``, ``$A$1:$C$20``, ``A:C``, ``2:5`` → a 1-based rectangle (None when not a range)."""
    parts = ref.strip().split(":")
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2:
        return None
    ends = []
    for p in parts:
        if m := _CELL.match(p):
            ends.append((int(m.group(2)), _col(m.group(1))))
        elif m := _COLS.match(p):
            ends.append((None, _col(m.group(1))))
        elif m := _ROWS.match(p):
            ends.append((int(m.group(1)), None))
        else:
            return None
    (r1, c1), (r2, c2) = ends
    return Rect(r1 or 1, c1 or 1, r2 or 1_048_576, c2 or 16_384)


def _col(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def parse_range_formula(formula: str) -> list[tuple[str | None, Rect]]:
    """``'設定'!$E$2:$E$31,Sheet2!A1`` → [(sheet, rect), …]; parts that are not plain ranges
    (functions, #REF!) are left out."""
    out: list[tuple[str | None, Rect]] = []
    for area in _split_areas(formula.lstrip("=")):
        sheet, _, ref = area.rpartition("!")
        if sheet.startswith("'") and sheet.endswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
        rect = parse_ref(ref)
        if rect is not None:
            out.append((sheet or None, rect))
    return out


def _split_areas(formula: str) -> list[str]:
    areas, cur, quoted = [], "", False
    for ch in formula:
        if ch == "'":
            quoted = not quoted
        if ch == "," and not quoted:
            areas.append(cur)
            cur = ""
        else:
            cur += ch
    return [*areas, cur]


class Package:
    """An .xlsx/.xlsm package whose structure passed the checks (see the module doc)."""

    def __init__(self, path: Path, limits: Limits, locale: str) -> None:
        self.path, self.limits, self.locale = path, limits, locale
        self.file = path.name
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise self.error("read.zip_damaged", detail=exc) from None
        try:
            self._members()
            self.workbook = self._workbook_part()
            self.sheets = self._sheets()
        except BaseException:
            self.zip.close()
            raise

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zip.close()

    def close(self) -> None:
        self.zip.close()

    def error(self, key: str, **params: object) -> InputError:
        return InputError(text(key, self.locale, file=self.file, **params))

    # ------------------------------------------------------------------ members
    def _members(self) -> None:
        lim = self.limits
        infos = self.zip.infolist()
        if len(infos) > lim.max_members:
            raise self.error("read.too_many_parts", count=len(infos), limit=lim.max_members)
        seen: dict[str, str] = {}
        total = 0
        for info in infos:
            key = info.filename.lower()
            if key in seen:
                raise self.error("read.duplicate_part", part=info.filename)
            seen[key] = info.filename
            if info.flag_bits & 0x1:
                raise self.error("read.part_encrypted", part=info.filename)
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise self.error("read.part_method", part=info.filename,
                                 method=info.compress_type)
            if info.file_size > lim.max_member_bytes:
                raise self.error("read.part_too_big", part=info.filename,
                                 size=info.file_size, limit=lim.max_member_bytes)
            if info.file_size > lim.ratio_from_bytes and (
                    info.file_size > lim.max_ratio * max(info.compress_size, 1)):
                raise self.error("read.part_ratio", part=info.filename,
                                 ratio=round(info.file_size / max(info.compress_size, 1)),
                                 limit=lim.max_ratio)
            total += info.file_size
        if total > lim.max_total_bytes:
            raise self.error("read.package_too_big", size=total, limit=lim.max_total_bytes)
        self.members = seen

    def member(self, part: str) -> str | None:
        return self.members.get(part.lstrip("/").lower())

    def open(self, part: str) -> IO[bytes]:
        name = self.member(part)
        if name is None:
            raise self.error("read.part_missing", part=part)
        return self.zip.open(name)

    def scan(self, part: str, *, cells: bool) -> PartScan:
        """Stream a part through the byte check; a damaged, oversized, DTD-carrying or
        truncated part raises a message naming it."""
        try:
            with self.open(part) as stream:
                result = scan_part(stream, cells=cells, limit=self.limits.max_member_bytes)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise self.error("read.part_damaged", part=part, detail=exc) from None
        if result.size > self.limits.max_member_bytes:
            raise self.error("read.part_too_big", part=part, size=result.size,
                             limit=self.limits.max_member_bytes)
        if result.doctype:
            raise self.error("read.part_doctype", part=part)
        if result.depth > self.limits.max_depth:
            raise self.error("read.part_depth", part=part, limit=self.limits.max_depth)
        if not result.complete:
            raise self.error("read.part_truncated", part=part)
        return result

    def xml(self, part: str) -> etree._Element:
        """A small part parsed as a tree, refusing DTDs, entities and deep nesting."""
        name = self.member(part)
        if name is None:
            raise self.error("read.part_missing", part=part)
        info = self.zip.getinfo(name)
        try:
            data = self.zip.read(name)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise self.error("read.part_damaged", part=part, detail=exc) from None
        if len(data) > info.file_size:  # pragma: no cover - zipfile stops at the size
            raise self.error("read.part_damaged", part=part, detail="size")
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise self.error("read.part_doctype", part=part)
        try:
            root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as exc:
            raise self.error("read.part_damaged", part=part, detail=exc.msg) from None
        depth = 0
        for event, _ in etree.iterwalk(root, events=("start", "end")):
            depth += 1 if event == "start" else -1
            if depth > self.limits.max_depth:
                raise self.error("read.part_depth", part=part, limit=self.limits.max_depth)
        return root

    # ------------------------------------------------------------------ structure
    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationships of ``part``: id → (type suffix, target part)."""
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        if self.member(rels_part) is None:
            return {}
        out = {}
        for rel in self.xml(rels_part).iter(_REL):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target") or ""
            full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(folder, target))
            out[rel.get("Id") or ""] = ((rel.get("Type") or "").rsplit("/", 1)[-1], full)
        return out

    def _workbook_part(self) -> str:
        for kind, target in self.rels("").values():
            if kind == "officeDocument" and self.member(target):
                return target
        if self.member("xl/workbook.xml"):
            return "xl/workbook.xml"
        raise self.error("read.no_workbook")

    def _sheets(self) -> list[SheetInfo]:
        root = self.xml(self.workbook)
        rels = self.rels(self.workbook)
        self.shared_strings = next((t for k, t in rels.values() if k == "sharedStrings"), None)
        self.styles = next((t for k, t in rels.values() if k == "styles"), None)
        sheets: list[SheetInfo] = []
        for el in root.iter("{*}sheet"):
            kind, target = rels.get(el.get(_R_ID) or "", ("", ""))
            if kind not in ("worksheet", ""):
                continue  # chart sheets, dialog sheets
            sheets.append(SheetInfo(el.get("name") or "", target or None))
        if not sheets:
            raise self.error("read.no_sheets")
        by_index = {i: s for i, s in enumerate(sheets)}
        by_name = {s.name.lower(): s for s in sheets}
        for dn in root.iter("{*}definedName"):
            if (dn.get("name") or "").lower().startswith("_xlnm."):
                continue  # print areas, filter ranges: not data of their own
            local = dn.get("localSheetId")
            for sheet, rect in parse_range_formula(dn.text or ""):
                owner = by_name.get(sheet.lower()) if sheet else (
                    by_index.get(int(local)) if local and local.isdigit() else None)
                if owner is not None:
                    owner.names.append(rect)
        return sheets

    def load_tables(self, sheet: SheetInfo) -> None:
        """Fill ``sheet.tables`` from the sheet's table parts (the sheet XML is not read)."""
        if sheet.part is None or sheet.tables:
            return
        for kind, target in self.rels(sheet.part).values():
            if kind != "table" or self.member(target) is None:
                continue
            t = self.xml(target)
            rect = parse_ref(t.get("ref") or "")
            if rect is None:
                raise self.error("read.part_damaged", part=target, detail=t.get("ref"))
            cols = tuple(c.get("name") or "" for c in t.iter("{*}tableColumn"))
            sheet.tables.append(TableInfo(t.get("displayName") or t.get("name") or "",
                                          sheet.name, rect,
                                          _int(t.get("headerRowCount"), 1),
                                          _int(t.get("totalsRowCount"), 0), cols))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
