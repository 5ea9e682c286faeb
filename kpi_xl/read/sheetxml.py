"""Reading cells straight from a worksheet's XML with lxml, where fastexcel is not the tool:

- the **head** of a sheet (its first rows, down to a header row): titles above a table, the
  header cells as written (fastexcel renames duplicate headers), the header row of a sheet
  without an Excel table — a few rows, read without touching the rest of the part;
- a sheet whose filled cells span more than :attr:`Limits.max_sheet_cells` (a stray cell far
  away): :func:`bounded_copy` streams it once, keeps the cells inside the tables' columns and
  reports every other one, so fastexcel reads a sheet of bounded size.

Values are read as stored: shared and inline text, numbers, booleans, error text (``#N/A``)
and ISO dates; number formats are not applied (a date above a header shows as its serial).
Phonetic guides (``rPh``, furigana) are not part of a cell's text.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import IO

import numpy as np
from lxml import etree

from .notes import column_letter
from .xmlscan import find_bytes

__all__ = ["SharedStrings", "bounded_copy", "read_head"]

_SAFE = dict(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
_PARSER = etree.XMLParser(**_SAFE)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(el: etree._Element) -> str:
    """Text of an ``si``/``is`` element: its ``t`` runs, without phonetic runs."""
    parts = []
    for t in el.iter("{*}t"):
        parent = t.getparent()
        if parent is not None and _local(parent.tag) == "rPh":
            continue
        parts.append(t.text or "")
    return "".join(parts)


class SharedStrings:
    """The shared-string table, looked up by index without parsing all of it: the positions
    of its ``si`` elements are found once in the bytes (numpy), and only the items asked for
    are parsed with lxml (the headers of the last sheet can sit at index 700,000)."""

    def __init__(self, opener: Callable[[], IO[bytes]] | None) -> None:
        self._opener = opener
        self._data = b""
        self._starts: np.ndarray | None = None
        self._wrap = (b"", b"")
        self._cache: dict[int, str | None] = {}
        self._lock = threading.Lock()  # sheets are read in parallel

    def _index(self) -> None:
        if self._opener is None:
            self._starts = np.empty(0, np.int64)
            return
        with self._opener() as f:
            data = f.read()
        self._data = data
        root = _root_tag(data)
        name = root.split(b" ", 1)[0].split(b"\t", 1)[0][1:].rstrip(b">/")
        prefix = name.rsplit(b":", 1)[0] + b":" if b":" in name else b""
        pad = b"\0" * 32
        a = np.frombuffer(data + pad, np.uint8)
        marker = b"<" + prefix + b"si"
        # every "<si" followed by '>', '/' or whitespace starts an item
        at = find_bytes(a, len(data), marker[:3])
        ok = np.ones(len(at), bool)
        for i, ch in enumerate(marker[3:], start=3):
            ok &= a[at + i] == ch
        ok &= np.isin(a[at + len(marker)], (62, 47, 32, 9, 10, 13))
        self._starts = np.sort(at[ok])
        self._wrap = (root, b"</" + name + b">")

    def get(self, i: int) -> str | None:
        with self._lock:
            return self._get(i)

    def _get(self, i: int) -> str | None:
        if i in self._cache:
            return self._cache[i]
        if self._starts is None:
            self._index()
        starts = self._starts
        assert starts is not None
        value = None
        if 0 <= i < len(starts):
            end = int(starts[i + 1]) if i + 1 < len(starts) else self._data.rfind(b"</")
            frag = self._data[int(starts[i]):end]
            try:
                el = etree.fromstring(self._wrap[0] + frag + self._wrap[1], _PARSER)
                value = _text(el[0]) if len(el) else ""
            except etree.XMLSyntaxError:
                value = None
        self._cache[i] = value
        return value

    def holds_any(self, texts: tuple[str, ...]) -> bool:
        """Whether some item's text (or a run of it) is exactly one of ``texts``: for texts of
        up to 8 bytes every ``</`` is looked at once with numpy; longer ones are searched."""
        with self._lock:
            if self._starts is None:
                self._index()
        data = self._data
        if not data:
            return False
        padded = data + b"\0" * 16
        a = np.frombuffer(padded, np.uint8)
        words = np.ndarray((len(data) + 8,), dtype="<u8", buffer=padded, strides=(1,))
        ends = find_bytes(a, len(data), b"</")
        wanted: dict[int, set[int]] = {}
        for t in texts:
            raw = t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()
            if len(raw) > 8 and b">" + raw + b"</" in data:
                return True
            if 0 < len(raw) <= 8:
                wanted.setdefault(len(raw), set()).add(int.from_bytes(raw, "little"))
        for length, keys in wanted.items():
            at = ends[ends > length]
            at = at[a[at - length - 1] == 62] - length  # '>' then the text then '</'
            if not len(at):
                continue
            key = words[at] & np.uint64((1 << (8 * length)) - 1)
            if np.isin(key, np.array(sorted(keys), dtype=np.uint64)).any():
                return True
        return False

    def close(self) -> None:
        self._opener, self._data, self._starts = None, b"", np.empty(0, np.int64)


def _root_tag(data: bytes) -> bytes:
    """The root element's start tag (with its namespace declarations)."""
    i = 0
    while True:
        i = data.find(b"<", i)
        if i < 0:
            return b"<sst>"
        if data[i + 1:i + 2] not in (b"?", b"!"):
            j = data.find(b">", i)
            tag = data[i:j + 1]
            return tag[:-2] + b">" if tag.endswith(b"/>") else tag
        i += 1


def _ref(ref: str | None) -> tuple[int, int] | None:
    if not ref:
        return None
    col, i = 0, 0
    while i < len(ref) and "A" <= ref[i] <= "Z":
        col = col * 26 + ord(ref[i]) - 64
        i += 1
    digits = ref[i:]
    return (int(digits), col) if digits.isdigit() else (None, col) if col else None


def cell_value(c: etree._Element, sst: SharedStrings) -> object:
    t = c.get("t") or "n"
    if t == "inlineStr":
        inline = next((x for x in c if _local(x.tag) == "is"), None)
        return None if inline is None else _text(inline)
    v = next((x.text for x in c if _local(x.tag) == "v"), None)
    if v is None:
        return None
    if t == "s":
        return sst.get(int(v)) if v.strip().isdigit() else v
    if t == "b":
        return v.strip() == "1"
    if t in ("str", "e", "d"):
        return v
    try:
        return float(v)
    except ValueError:
        return v


def iter_cells(stream: IO[bytes], sst: SharedStrings) -> Iterator[tuple[int, int,
                                                                         etree._Element]]:
    """(row, column, element) of every ``c`` element, positioned as calamine positions them
    (a missing reference follows the previous cell or row)."""
    row = 0
    for _, el in etree.iterparse(stream, events=("end",), tag="{*}row", **_SAFE):
        pos = _ref(el.get("r"))
        row = pos[0] if pos and pos[0] else row + 1
        col = 0
        for c in el:
            if _local(c.tag) != "c":
                continue
            pos = _ref(c.get("r"))
            r = pos[0] if pos and pos[0] else row
            col = pos[1] if pos else col + 1
            yield r, col, c
        el.clear()
        while el.getprevious() is not None:
            del el.getparent()[0]


def read_head(stream: IO[bytes], sst: SharedStrings, last_row: int) -> dict[tuple[int, int],
                                                                            object]:
    """Filled cells of rows 1..``last_row``, (row, column) → value."""
    out: dict[tuple[int, int], object] = {}
    for r, c, el in iter_cells(stream, sst):
        if r > last_row:
            break
        v = cell_value(el, sst)
        if v is not None and v != "":
            out[(r, c)] = v
    return out


def bounded_copy(stream: IO[bytes], sst: SharedStrings, keep: Callable[[int, int], bool],
                 quiet: Callable[[int, int], bool], sink: IO[bytes], cap: int
                 ) -> tuple[list[tuple[int, int, object]], int, int]:
    """Write a worksheet holding only the cells ``keep`` accepts; return the others that are
    filled and not ``quiet`` (up to ``cap`` with their values), how many there were, and the
    area of the rectangle the kept cells span."""
    dropped: list[tuple[int, int, object]] = []
    count = 0
    top = left = 1 << 62
    bottom = right = 0
    sink.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<worksheet xmlns="' + _MAIN.encode() + b'"><sheetData>')
    current = None
    for r, c, el in iter_cells(stream, sst):
        if keep(r, c):
            if current != r:
                if current is not None:
                    sink.write(b"</row>")
                sink.write(b'<row r="%d">' % r)
                current = r
            el.set("r", f"{column_letter(c)}{r}")
            sink.write(etree.tostring(el))
            top, left, bottom, right = min(top, r), min(left, c), max(bottom, r), max(right, c)
            continue
        if quiet(r, c):
            continue
        v = cell_value(el, sst)
        if v is None or v == "":
            continue
        count += 1
        if len(dropped) < cap:
            dropped.append((r, c, v))
    if current is not None:
        sink.write(b"</row>")
    sink.write(b"</sheetData></worksheet>")
    area = (bottom - top + 1) * (right - left + 1) if right else 0
    return dropped, count, area
