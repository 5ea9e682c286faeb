"""XML of package parts as lxml trees: a parser that refuses what a workbook never needs, the
namespaces kpi_xl writes, and serialisation with the declaration Excel writes.

Parsing refuses a document type declaration (no DTD, so no entity can be declared, expanded or
fetched), any network access, and documents nested deeper than libxml2's default limit (256
levels; OOXML parts nest about 20). Every refusal is a :class:`XmlRefused` naming the part.
"""

from __future__ import annotations

from lxml import etree

from ..errors import InputError
from ..i18n import text

__all__ = [
    "NS_CT",
    "NS_MAIN",
    "NS_MC",
    "NS_PKG_REL",
    "NS_REL",
    "STRICT_MAIN",
    "XmlRefused",
    "local_name",
    "parse_part",
    "qn",
    "serialize",
]

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"

DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


class XmlRefused(InputError):
    """A part of the package is not XML kpi_xl will read (DTD, entities, depth, syntax)."""


def _parser() -> etree.XMLParser:
    # a new parser per call: lxml parsers are not thread-safe
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                           load_dtd=False, dtd_validation=False, remove_comments=False,
                           collect_ids=False)


def parse_part(data: bytes, part: str, *, book: str = "", locale: str = "en") -> etree._Element:
    """The root element of the XML ``data`` of ``part``; :class:`XmlRefused` if it holds a
    document type declaration, an entity reference, is nested too deep or is not XML."""
    where = f"{book}: {part}" if book else part
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        msg = str(exc)
        key = "package.xml_depth" if "depth" in msg.lower() else "package.xml_broken"
        if "entity" in msg.lower():
            key = "package.xml_entity"
        if key == "package.xml_depth":  # libxml2's text suggests XML_PARSE_HUGE: not for users
            msg = text("package.xml_depth_limit", locale)
        raise XmlRefused(text(key, locale, part=where, detail=msg)) from exc
    except ValueError as exc:  # e.g. a str with an encoding declaration
        raise XmlRefused(text("package.xml_broken", locale, part=where, detail=str(exc))) \
            from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise XmlRefused(text("package.xml_doctype", locale, part=where))
    for el in root.iter(etree.Entity):
        raise XmlRefused(text("package.xml_entity", locale, part=where, detail=str(el)))
    return root


def serialize(root: etree._Element) -> bytes:
    """``root`` as UTF-8 bytes with the XML declaration Excel writes."""
    return DECLARATION + etree.tostring(root, encoding="UTF-8")


def qn(ns: str, local: str) -> str:
    """Clark notation ``{ns}local``."""
    return f"{{{ns}}}{local}"


def local_name(tag: object) -> str:
    """The local part of an element's tag ('' for comments and processing instructions)."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]
