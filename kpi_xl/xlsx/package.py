"""The package layer: a workbook's zip read as parts, relationships and content types, and
written back with every untouched member copied raw.

:class:`Package` opens the zip once and refuses, before anything is written, what a workbook
never holds: duplicate member names, a document type declaration in ``[Content_Types].xml`` or
in any relationship part, parts to parse beyond :data:`LIMITS`. :func:`write_package` writes
the result — members in their original order, edited parts replaced, removed parts left out,
new parts appended — to an open file (see :mod:`kpi_xl.xlsx.atomic` for the file itself).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from ..errors import InputError
from ..i18n import text
from .content_types import ContentTypes
from .relationships import Rel, Relationships, rels_path
from .xmltree import parse_part
from .zipout import ZipOut

__all__ = ["LIMITS", "Package", "PackageError", "WriteLimits", "write_package"]


class PackageError(InputError):
    """The workbook's package cannot be read or edited safely."""


@dataclass(frozen=True)
class WriteLimits:
    """Bounds on the parts the writer parses (far above what an Excel-max workbook holds)."""

    #: uncompressed bytes of one XML part the writer parses
    max_xml_part: int = 2 << 30
    #: uncompressed ÷ compressed size of a parsed part above ``ratio_floor`` bytes
    max_ratio: float = 1000.0
    ratio_floor: int = 8 << 20
    #: members of the zip
    max_members: int = 100_000


LIMITS = WriteLimits()


class Package:
    """Read access to a workbook's zip: parts, relationships, content types.

    Part names are compared case-insensitively (as OPC requires); :meth:`name` gives the
    spelling the zip uses.
    """

    def __init__(self, path: Path, *, data: bytes | None = None, locale: str = "en",
                 limits: WriteLimits = LIMITS) -> None:
        self.path = path
        self.locale = locale
        self.limits = limits
        self._data = data
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data) if data is not None else path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise PackageError(text("package.not_a_workbook", locale, book=path.name,
                                    detail=str(exc))) from exc
        try:
            self._load()
        except BaseException:
            self.zf.close()
            raise

    def _load(self) -> None:
        self.infos = self.zf.infolist()
        if len(self.infos) > self.limits.max_members:
            raise self.error("package.too_many_members", count=len(self.infos))
        seen: dict[str, str] = {}
        for info in self.infos:
            key = info.filename.lower()
            if key in seen:
                raise self.error("package.duplicate_member", part=info.filename)
            seen[key] = info.filename
        self._lower = seen
        self._by_name = {i.filename: i for i in self.infos}
        self._rels: dict[str, Relationships] = {}
        if not self.has("[Content_Types].xml"):
            raise self.error("package.no_content_types")
        self.content_types = ContentTypes(self.xml("[Content_Types].xml"))
        for info in self.infos:  # a DTD in any relationship part is refused up front
            if info.filename.lower().endswith(".rels"):
                self.xml(info.filename)

    # ------------------------------------------------------------------ access
    def error(self, key: str, **params: object) -> PackageError:
        return PackageError(text(key, self.locale, book=self.path.name, **params))

    def close(self) -> None:
        self.zf.close()

    def open_raw(self) -> BinaryIO:
        """The package file itself, opened for reading (members are copied raw from it)."""
        return io.BytesIO(self._data) if self._data is not None else open(self.path, "rb")

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def names(self) -> list[str]:
        return [i.filename for i in self.infos]

    def has(self, part: str) -> bool:
        return part.lower() in self._lower

    def name(self, part: str) -> str:
        return self._lower.get(part.lower(), part)

    def info(self, part: str) -> zipfile.ZipInfo:
        return self._by_name[self.name(part)]

    def read(self, part: str) -> bytes:
        """The bytes of ``part`` (bounded by the limits, since the caller will parse them)."""
        if not self.has(part):
            raise self.error("package.missing_part", part=part)
        info = self.info(part)
        lim = self.limits
        if info.file_size > lim.max_xml_part or (
                info.file_size > lim.ratio_floor
                and info.file_size > lim.max_ratio * max(info.compress_size, 1)):
            raise self.error("package.part_too_large", part=info.filename,
                             size=info.file_size)
        try:
            return self.zf.read(info)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise self.error("package.bad_member", part=info.filename, detail=str(exc)) \
                from exc

    def xml(self, part: str) -> etree._Element:
        """``part`` parsed safely (see :func:`kpi_xl.xlsx.xmltree.parse_part`)."""
        return parse_part(self.read(part), self.name(part), book=self.path.name,
                          locale=self.locale)

    def rels(self, part: str) -> Relationships:
        """The relationships of ``part`` ('' = the package); empty when it has none."""
        path = rels_path(part)
        if path.lower() not in self._rels:
            root = self.xml(path) if self.has(path) else None
            self._rels[path.lower()] = Relationships(part, root)
        return self._rels[path.lower()]

    def main_part(self) -> str:
        """The workbook part (target of the package's officeDocument relationship)."""
        for rel, target in self.rels("").internal():
            if rel.type.endswith("/officeDocument") and self.has(target):
                return self.name(target)
        raise self.error("package.no_workbook")

    def closure(self, roots: Iterable[str],
                skip: Callable[[str, Rel], bool] | None = None) -> set[str]:
        """Existing parts reachable from ``roots`` through relationships (roots included)."""
        seen: set[str] = set()
        todo = [self.name(r) for r in roots]
        while todo:
            part = todo.pop()
            if part in seen:
                continue
            seen.add(part)
            for rel, target in self.rels(part).internal():
                if skip is not None and skip(part, rel):
                    continue
                if self.has(target) and self.name(target) not in seen:
                    todo.append(self.name(target))
        return seen


def write_package(pkg: Package, out: BinaryIO, *, changed: Mapping[str, bytes],
                  removed: Iterable[str] = (), added: Mapping[str, bytes] | None = None) -> None:
    """Write ``pkg`` to ``out``: ``changed`` parts replaced (same position and date), parts in
    ``removed`` left out, ``added`` appended; every other member copied raw."""
    gone = {p.lower() for p in removed}
    edits = {pkg.name(k): v for k, v in changed.items()}
    zout = ZipOut(out)
    with pkg.open_raw() as src:
        for info in pkg.infos:
            if info.filename.lower() in gone:
                continue
            if info.filename in edits:
                zout.write(info.filename, edits[info.filename], like=info)
            else:
                zout.copy_raw(src, info)
    for name, data in (added or {}).items():
        zout.write(name, data)
    zout.close()
