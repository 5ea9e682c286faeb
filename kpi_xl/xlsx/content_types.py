"""``[Content_Types].xml``: the content type of every part, edited as an lxml tree."""

from __future__ import annotations

import posixpath
from urllib.parse import quote, unquote

from lxml import etree

from .xmltree import NS_CT, qn, serialize

__all__ = ["CT_WORKSHEET", "MACRO_MAIN_TYPES", "MAIN_CONTENT_TYPES", "VBA_CONTENT_TYPES",
           "ContentTypes"]

CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
MAIN_CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ".xltx": "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    ".xltm": "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
MACRO_MAIN_TYPES = {MAIN_CONTENT_TYPES[".xlsm"], MAIN_CONTENT_TYPES[".xltm"]}
VBA_CONTENT_TYPES = {"application/vnd.ms-office.vbaProject",
                     "application/vnd.ms-office.vbaProjectSignature",
                     "application/vnd.ms-office.vbaProjectSignatureAgile",
                     "application/vnd.ms-office.vbaProjectSignatureV3",
                     "application/vnd.ms-office.vbaData+xml"}
_DEFAULT = qn(NS_CT, "Default")
_OVERRIDE = qn(NS_CT, "Override")


def _ext(part: str) -> str:
    return posixpath.splitext(part)[1].lstrip(".").lower()


class ContentTypes:
    """Defaults by extension and overrides by part name (compared case-insensitively)."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.changed = False
        self._index: dict[str, etree._Element] = {
            unquote(el.get("PartName", "")).lstrip("/").lower(): el
            for el in self.root if el.tag == _OVERRIDE}
        self._defaults = {el.get("Extension", "").lower(): el.get("ContentType", "")
                          for el in self.root if el.tag == _DEFAULT}

    def _overrides(self) -> dict[str, etree._Element]:
        return self._index

    def defaults(self) -> dict[str, str]:
        return dict(self._defaults)

    def overridden(self) -> set[str]:
        """Lower-case names of the parts that have an override."""
        return set(self._overrides())

    def type_of(self, part: str) -> str | None:
        el = self._overrides().get(part.lower())
        if el is not None:
            return el.get("ContentType")
        return self._defaults.get(_ext(part))

    def set_type(self, part: str, ctype: str) -> None:
        """Give ``part`` the content type ``ctype`` (an override unless the default fits)."""
        el = self._overrides().get(part.lower())
        if el is not None:
            if el.get("ContentType") != ctype:
                el.set("ContentType", ctype)
                self.changed = True
            return
        if self._defaults.get(_ext(part)) == ctype:
            return
        el = etree.SubElement(self.root, _OVERRIDE)
        el.set("PartName", "/" + quote(part, safe="/._-~"))
        el.set("ContentType", ctype)
        self._index[part.lower()] = el
        self.changed = True

    def remove(self, part: str) -> None:
        el = self._index.pop(part.lower(), None)
        if el is not None:
            self.root.remove(el)
            self.changed = True

    def to_bytes(self) -> bytes:
        return serialize(self.root)
