"""Writing a zip package: members copied raw from another zip, and new members deflated.

:class:`ZipOut` writes the zip format itself (APPNOTE 6.3: local headers, central directory,
Zip64 records when an offset, a size or the member count needs them), so copying a member's
compressed bytes unchanged needs nothing from :mod:`zipfile` but its public
:class:`zipfile.ZipInfo` fields (``header_offset``, ``compress_size``, ``CRC``…). No member is
decompressed and compressed again: a copied member is byte-identical, and fast.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

__all__ = ["ZipOut"]

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_EOCD = struct.Struct("<4s4H2LH")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_LOCATOR64 = struct.Struct("<4sLQL")
#: Sizes and offsets from this value on are written as Zip64 (a class attribute, so that tests
#: can exercise the Zip64 records with small files).
LIMIT = 0xFFFFFFFF
_UTF8 = 0x800
_DESCRIPTOR = 0x08


@dataclass
class _Entry:
    name: bytes
    flags: int
    method: int
    dos_time: int
    dos_date: int
    crc: int
    csize: int
    usize: int
    offset: int
    external_attr: int
    create_system: int


def _dos(date_time: tuple[int, ...]) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    y = min(max(y, 1980), 2107)
    return (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d


def _encode_name(name: str, flags: int) -> tuple[bytes, int]:
    try:
        if not flags & _UTF8:
            return name.encode("ascii"), flags
    except UnicodeEncodeError:
        pass
    return name.encode("utf-8"), flags | _UTF8


class ZipOut:
    """A zip archive written sequentially to ``fp`` (only its ``write`` and ``tell`` are
    used, so ``fp`` may be a plain file or a buffer)."""

    limit = LIMIT

    def __init__(self, fp: BinaryIO) -> None:
        self.fp = fp
        self.entries: list[_Entry] = []
        self.names: set[str] = set()

    # ------------------------------------------------------------------ members
    def copy_raw(self, src: BinaryIO, info: zipfile.ZipInfo) -> None:
        """Copy member ``info`` of the zip file open as ``src`` with its compressed bytes."""
        src.seek(info.header_offset)
        head = src.read(_LOCAL.size)
        if len(head) != _LOCAL.size or head[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"bad local header for {info.filename}")
        fields = _LOCAL.unpack(head)
        src.seek(info.header_offset + _LOCAL.size + fields[9] + fields[10])
        flags = info.flag_bits & ~_DESCRIPTOR & 0xFFFF
        name, flags = _encode_name(info.filename, flags)
        dos_time, dos_date = _dos(info.date_time)
        entry = self._start(name, flags, info.compress_type, dos_time, dos_date, info.CRC,
                            info.compress_size, info.file_size, info.external_attr,
                            info.create_system)
        left = info.compress_size
        while left:
            chunk = src.read(min(left, 1 << 22))
            if not chunk:
                raise zipfile.BadZipFile(f"truncated member {info.filename}")
            self.fp.write(chunk)
            left -= len(chunk)
        self.entries.append(entry)

    def write(self, name: str, data: bytes, like: zipfile.ZipInfo | None = None,
              level: int = 6) -> None:
        """Add member ``name`` holding ``data``, deflated; date and attributes of ``like``."""
        comp = zlib.compressobj(level, zlib.DEFLATED, -15)
        packed = comp.compress(data) + comp.flush()
        method = zipfile.ZIP_DEFLATED
        if len(packed) >= len(data):
            packed, method = data, zipfile.ZIP_STORED
        flags = (like.flag_bits & _UTF8) if like is not None else 0
        raw_name, flags = _encode_name(name, flags)
        dos_time, dos_date = _dos(like.date_time if like else (1980, 1, 1, 0, 0, 0))
        entry = self._start(raw_name, flags, method, dos_time, dos_date,
                            zlib.crc32(data) & 0xFFFFFFFF, len(packed), len(data),
                            like.external_attr if like else 0o600 << 16,
                            like.create_system if like else 3)
        self.fp.write(packed)
        self.entries.append(entry)

    def _start(self, name: bytes, flags: int, method: int, dos_time: int, dos_date: int,
               crc: int, csize: int, usize: int, external_attr: int,
               create_system: int) -> _Entry:
        text = name.decode("utf-8" if flags & _UTF8 else "cp437")
        if text in self.names:
            raise zipfile.BadZipFile(f"duplicate member {text}")
        self.names.add(text)
        offset = self.fp.tell()
        zip64 = csize >= self.limit or usize >= self.limit
        extra = struct.pack("<2H2Q", 1, 16, usize, csize) if zip64 else b""
        version = 45 if zip64 else 20
        self.fp.write(_LOCAL.pack(b"PK\x03\x04", version, flags, method, dos_time, dos_date,
                                  crc, 0xFFFFFFFF if zip64 else csize,
                                  0xFFFFFFFF if zip64 else usize, len(name), len(extra)))
        self.fp.write(name + extra)
        return _Entry(name, flags, method, dos_time, dos_date, crc, csize, usize, offset,
                      external_attr, create_system)

    # ------------------------------------------------------------------ directory
    def close(self) -> None:
        """Write the central directory (and Zip64 end records when needed)."""
        start = self.fp.tell()
        for e in self.entries:
            big = [v for v in (e.usize, e.csize, e.offset) if v >= self.limit]
            extra = b""
            if big:
                extra = struct.pack(f"<2H{len(big)}Q", 1, 8 * len(big), *big)
            version = 45 if big else 20
            self.fp.write(_CENTRAL.pack(
                b"PK\x01\x02", (e.create_system << 8) | version, version, e.flags, e.method,
                e.dos_time, e.dos_date, e.crc,
                0xFFFFFFFF if e.csize >= self.limit else e.csize,
                0xFFFFFFFF if e.usize >= self.limit else e.usize,
                len(e.name), len(extra), 0, 0, 0, e.external_attr & 0xFFFFFFFF,
                0xFFFFFFFF if e.offset >= self.limit else e.offset))
            self.fp.write(e.name + extra)
        end = self.fp.tell()
        count, size = len(self.entries), end - start
        if count >= 0xFFFF or size >= self.limit or start >= self.limit:
            self.fp.write(_EOCD64.pack(b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size,
                                       start))
            self.fp.write(_LOCATOR64.pack(b"PK\x06\x07", 0, end, 1))
            self.fp.write(_EOCD.pack(b"PK\x05\x06", 0, 0, min(count, 0xFFFF),
                                     min(count, 0xFFFF), min(size, 0xFFFFFFFF),
                                     min(start, 0xFFFFFFFF), 0))
        else:
            self.fp.write(_EOCD.pack(b"PK\x05\x06", 0, 0, count, count, size, start, 0))
