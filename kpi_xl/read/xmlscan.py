"""A byte-level pre-check of an XML part before a reader is allowed near it.

What it finds, streaming the part once in 4 MiB chunks with numpy:

- a DTD or entity declaration before the root element (``<!DOCTYPE``, ``<!ENTITY``) —
  refused, never expanded;
- whether the part ends with its root's closing tag (a truncated part is named as such);
- for worksheets, the rectangle spanned by the cells' references (``r="B7"``) — fastexcel
  (calamine) allocates that whole rectangle densely, so one stray cell at XFD1048576 would
  make it reserve the entire grid. The bounds decide whether a sheet may be handed to
  fastexcel as a whole (see :attr:`~kpi_xl.read.limits.Limits.max_sheet_cells`);
- how many cells are typed as an error, formula text or inline text (they decide whether
  fastexcel may read the sheet eagerly, see :mod:`kpi_xl.read.fastload`);
- the element nesting depth (every part streamed: sheets, shared strings, styles), compared
  by the package with :attr:`~kpi_xl.read.limits.Limits.max_depth` as for the parts parsed as
  trees. Start tags, end tags and self-closing tags are counted; text holding ``<`` inside a
  comment or CDATA section (Excel writes neither) can only make the depth seem larger.

Why not lxml: walking a 1,048,576-row sheet with ``iterparse`` takes 5 s; this pass reads the
same bytes in about half a second and is only a bound. It errs one way only: a reference it
cannot read with certainty (not letters-then-digits, written with spaces around ``=`` or in
single quotes, a cell without one: more ``c``/``row`` start tags than plain references) makes
the bounds inexact and the caller reads the sheet with the exact (lxml) path instead. Text that
merely looks like a reference can only widen the bounds, never narrow them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

import numpy as np

__all__ = ["CellBounds", "PartScan", "find_bytes", "scan_part"]

CHUNK = 1 << 22
_WS = np.zeros(256, bool)
_WS[[9, 10, 13, 32]] = True
_DELIM = _WS.copy()
_DELIM[[ord(">"), ord("/")]] = True
_UPPER = np.zeros(256, bool)
_UPPER[65:91] = True
_DIGIT = np.zeros(256, bool)
_DIGIT[48:58] = True
_MAX_DIGITS = 8  # a row number this long is beyond any grid: the reference is odd


@dataclass
class CellBounds:
    """1-based bounds of every cell reference found, and whether they can be trusted."""

    top: int = 1 << 62
    left: int = 1 << 62
    bottom: int = 0
    right: int = 0
    refs: int = 0  # r="…" attributes (cells and rows)
    elements: int = 0  # <c …> and <row …> start tags, any prefix
    odd: int = 0  # references that are not letters-then-digits
    unusual: int = 0  # error cells, formula text, inline text (t="e", "str", "inlineStr")

    @property
    def empty(self) -> bool:
        return self.right == 0

    @property
    def exact(self) -> bool:
        """True when every cell and row carries a plain reference (the bounds are reliable)."""
        return self.odd == 0 and self.elements <= self.refs

    def area(self) -> int:
        if self.empty:
            return 0
        return (self.bottom - self.top + 1) * (self.right - self.left + 1)


@dataclass
class PartScan:
    size: int
    doctype: bool
    root: bytes
    complete: bool
    bounds: CellBounds | None
    depth: int = 0
    """Deepest element nesting found (the root element is level 1)."""


def find_bytes(a: np.ndarray, n: int, pattern: bytes) -> np.ndarray:
    """Positions p < n where ``a[p:p+len(pattern)] == pattern`` (2 or 3 bytes)."""
    width = 4 if len(pattern) == 3 else 2
    dtype = "<u4" if width == 4 else "<u2"
    key = int.from_bytes(pattern, "little")
    mask = (1 << (8 * len(pattern))) - 1
    out = []
    for off in range(width):
        m = (n - off) // width
        if m <= 0:
            continue
        w = a[off:off + width * m].view(dtype)
        hits = np.flatnonzero((w & mask) == key) if width == 4 else np.flatnonzero(w == key)
        out.append(hits * width + off)
    return np.concatenate(out) if out else np.empty(0, np.int64)


def _references(a: np.ndarray, words: np.ndarray, n: int, b: CellBounds) -> None:
    p = find_bytes(a, n, b'r="')
    p = p[p > 0]
    p = p[_WS[a[p - 1]]]
    if not len(p):
        return
    b.refs += len(p)
    v = p + 3
    head = words[v]
    # first non-letter, first non-digit (argmin finds the first False; a row of eight
    # letters or digits gives 0, which the quote check below rejects)
    letters = np.argmin(_UPPER[head.view(np.uint8).reshape(-1, 8)[:, :4]], axis=1)
    start = v + letters
    tail = words[start]
    tail_bytes = tail.view(np.uint8).reshape(-1, 8)
    digits = np.argmin(_DIGIT[tail_bytes], axis=1)
    after = tail_bytes[np.arange(len(tail)), digits]
    bad = (letters == 0) & (digits == 0)
    bad |= (letters > 3) | (digits == 0) | (digits > _MAX_DIGITS - 1) | (after != 34)
    b.odd += int(bad.sum())
    if b.odd:
        return  # the exact path reads this sheet; its bounds no longer matter
    # Among references of equal length, the byte order is the numeric order: compare the
    # bytes as big-endian integers and parse only the largest and smallest.
    for width in {int(digits.max()), int(digits.min())}:
        key = (tail[digits == width] & np.uint64((1 << (8 * width)) - 1)).byteswap()
        for pick in (key.max(), key.min()):
            row = int(pick.byteswap().tobytes()[:width])
            b.top, b.bottom = min(b.top, row), max(b.bottom, row)
    for count in (1, 2, 3):
        sel = letters == count
        if sel.any():
            key = (head[sel] & np.uint64((1 << (8 * count)) - 1)).byteswap()
            for pick in (key.max(), key.min()):
                col = 0
                for ch in pick.byteswap().tobytes()[:count]:
                    col = col * 26 + ch - 64
                b.left, b.right = min(b.left, col), max(b.right, col)


def _elements(a: np.ndarray, n: int, b: CellBounds) -> None:
    """Count ``c`` and ``row`` start tags, unprefixed or with any prefix (calamine matches
    local names); a cell without a plain reference makes the count exceed the references."""
    total = 0
    for lead in (b"<", b":"):
        c = find_bytes(a, n, lead + b"c")
        total += int(_DELIM[a[c + 2]].sum())
        r = find_bytes(a, n, lead + b"r")
        total += int(((a[r + 2] == 111) & (a[r + 3] == 119) & _DELIM[a[r + 4]]).sum())
    b.elements += total


def _cell_types(a: np.ndarray, n: int, b: CellBounds) -> None:
    """Count cells typed as an error, formula text or inline text. fastexcel reads a sheet
    without any faster (no per-cell conversion report is needed, see fastload)."""
    t = find_bytes(a, n, b't="')
    t = t[t > 0]
    t = t[_WS[a[t - 1]]]
    kind = a[t + 3]
    err = (kind == 101) & (a[t + 4] == 34)  # t="e"
    fstr = (kind == 115) & (a[t + 4] == 116) & (a[t + 5] == 114) & (a[t + 6] == 34)  # t="str"
    inline = kind == 105  # t="inlineStr"
    b.unusual += int(err.sum() + fstr.sum() + inline.sum())


def _depth(a: np.ndarray, n: int, level: int) -> tuple[int, int]:
    """(deepest level, level at the end) of the complete tags in ``a[:n]`` (padded),
    starting at ``level``: ``<x …>`` opens a level, ``</x>`` closes one, ``<x …/>`` reaches
    one level deeper for itself, ``<?…?>`` and ``<!…>`` leave the level as it is."""
    lt = np.flatnonzero(a[:n] == 60)
    if not len(lt):
        return level, level
    nxt = a[lt + 1]
    closing = nxt == 47
    other = closing | (nxt == 63) | (nxt == 33)
    # A tag followed directly by the next one (Excel writes no text between tags) ends with
    # the bytes just before it; when some '/>' is not found that way, find each tag's '>'.
    follow = np.append(lt[1:], n)
    selfclosing = (a[follow - 1] == 62) & (a[follow - 2] == 47)
    if int(selfclosing.sum()) != len(find_bytes(a, n, b"/>")):
        gt = np.flatnonzero(a[:n] == 62)
        if len(gt):
            ends = gt[np.minimum(np.searchsorted(gt, lt), len(gt) - 1)]
            selfclosing = a[ends - 1] == 47
    step = (~other & ~selfclosing).astype(np.int8) - closing.astype(np.int8)
    levels = level + np.cumsum(step, dtype=np.int64)
    deepest = int(levels.max())
    leaves = selfclosing & ~other
    if leaves.any():
        deepest = max(deepest, int(levels[leaves].max()) + 1)
    return max(level, deepest), int(levels[-1])


def _root(head: bytes) -> bytes:
    """The qualified name of the root element (b'' when none is found in ``head``)."""
    i = 0
    while True:
        i = head.find(b"<", i)
        if i < 0 or i + 1 >= len(head):
            return b""
        if head[i + 1:i + 2] not in (b"?", b"!"):
            j = i + 1
            while j < len(head) and head[j] not in b" \t\r\n/>":
                j += 1
            return head[i + 1:j]
        i += 1


def scan_part(stream: IO[bytes], *, cells: bool, limit: int) -> PartScan:
    """Stream one part: size (stops with ``size > limit``), DTD, completeness, cell bounds."""
    bounds = CellBounds() if cells else None
    carry = b""
    size = 0
    doctype = False
    root = b""
    tail = b""
    level = deepest = 0
    while True:
        chunk = stream.read(CHUNK)
        size += len(chunk)
        if size > limit:
            return PartScan(size, doctype, root, False, bounds, deepest)
        buf = carry + chunk if carry else chunk
        if chunk:
            cut = buf.rfind(b"<")
            if cut <= 0:
                carry = buf
                continue
            seg, carry = buf[:cut], buf[cut:]
        else:
            seg, carry = buf, b""
        if not root:
            root = _root(seg[:65536])
            # A DTD can only come before the root element (quick-xml never expands one; the
            # parts parsed as trees are checked whole by the package).
            prolog = seg[:max(seg.find(b"<" + root), 0)] if root else seg[:65536]
            doctype = b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog
        if seg:
            padded = seg + b"\0" * 16
            a = np.frombuffer(padded, np.uint8)
            top, level = _depth(a, len(seg), level)
            deepest = max(deepest, top)
        if bounds is not None and seg:
            words = np.ndarray((len(seg) + 8,), dtype="<u8", buffer=padded, strides=(1,))
            _references(a, words, len(seg), bounds)
            _elements(a, len(seg), bounds)
            _cell_types(a, len(seg), bounds)
        if seg:
            tail = (tail + seg[-256:])[-256:]
        if not chunk:
            break
    end = tail.rstrip()
    complete = bool(root) and end.endswith(b">") and (b"</" + root) in end[-len(root) - 8:]
    return PartScan(size, doctype, root, complete, bounds, deepest)
