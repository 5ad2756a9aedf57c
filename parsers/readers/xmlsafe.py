"""The one safe XML parser for OOXML parts.

OOXML never needs a DTD. A part that declares one (<!DOCTYPE, <!ENTITY: the
XXE and "billion laughs" vectors) is refused before any parser sees it; the
parser itself resolves no entities, loads no DTD and touches no network.
"""
from __future__ import annotations

import threading

from lxml import etree

from schema.errors import InputError

# What marks a DTD, in the encodings an XML part may use.
DTD_WORDS = ("<!DOCTYPE", "<!ENTITY")
UTF8_MARKERS = tuple(m.encode("utf-8") for m in DTD_WORDS)
UTF16_MARKERS = tuple(m.encode(enc) for m in DTD_WORDS for enc in ("utf-16-le", "utf-16-be"))
_OVERLAP = max(len(m) for m in UTF16_MARKERS)

_local = threading.local()       # lxml parser objects must not be shared between threads


def parser() -> etree.XMLParser:
    p = getattr(_local, "parser", None)
    if p is None:
        p = _local.parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                            huge_tree=False, dtd_validation=False, remove_comments=True)
    return p


def xxe_error(display: str, part: str) -> InputError:
    return InputError(f"{display}：文档包含外部实体声明（{part}），已拒绝", code="xxe")


def has_dtd(data: bytes) -> bool:
    """True if a DTD marker is in `data` (cheap pre-tests: most parts have no "!" and no NUL at all;
    one-byte searches are memchr, "<!" is slow where "<" is everywhere)."""
    if b"!" not in data:
        return False
    if b"<!" in data and any(m in data for m in UTF8_MARKERS):
        return True
    return b"\0" in data and (b"!\0" in data or b"\0!" in data) and any(m in data for m in UTF16_MARKERS)


def parse_xml(data: bytes, display: str, part: str) -> etree._Element:
    """Parse one OOXML part; a DTD → InputError xxe, malformed XML → InputError corrupt."""
    if has_dtd(data):
        raise xxe_error(display, part)
    try:
        return etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{display}：文件已损坏（{part} 不是有效的 XML）", code="corrupt") from exc


class DoctypeScanner:
    """Feed a part chunk by chunk; raises InputError xxe as soon as a DTD marker appears."""

    def __init__(self, display: str, part: str):
        self.display, self.part, self.tail = display, part, b""

    def feed(self, chunk: bytes) -> None:
        window = self.tail + chunk
        if has_dtd(window):
            raise xxe_error(self.display, self.part)
        self.tail = window[-_OVERLAP:]
