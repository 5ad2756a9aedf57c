"""The output mark (schema/own_output.py) on every file paicha writes, so it is never read back as a return.

Blank forms and notices with attachments are meant to be filled in and sent back: never mark them.
"""
from __future__ import annotations

from lxml import etree

from schema.own_output import KEYWORD_SPLIT, MARK_PREFIX, mark_word

CORE_PART = "docProps/core.xml"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def _keywords(existing: str | None, kind: str) -> str:
    """`existing` keywords with any earlier mark replaced by this kind's."""
    kept = [w for w in KEYWORD_SPLIT.split(existing or "") if w and not w.startswith(MARK_PREFIX)]
    return " ".join([*kept, mark_word(kind)])


def mark_docx(document, kind: str) -> None:
    """Mark a python-docx Document (before saving) as an output of `kind`.

    Written on the core-properties element itself: python-docx's own setter goes through its global "cp"
    prefix, which docxcompose (imported by docxtpl) rebinds to the custom-properties namespace.
    """
    root = document.core_properties._element
    nodes = root.findall(f"{{{CP}}}keywords")
    text = " ".join("".join(n.itertext()) for n in nodes)
    for extra in nodes[1:]:
        root.remove(extra)
    node = nodes[0] if nodes else etree.SubElement(root, f"{{{CP}}}keywords")
    for child in list(node):
        node.remove(child)
    node.text = _keywords(text, kind)


def mark_xlsx(workbook, kind: str) -> None:
    """Mark an openpyxl Workbook (normal or write-only, before saving) as an output of `kind`."""
    props = workbook.properties
    props.keywords = _keywords(props.keywords, kind)


def mark_core_xml(data: bytes, kind: str) -> bytes:
    """docProps/core.xml of a template (paicha's own, trusted) with the mark in cp:keywords."""
    root = etree.fromstring(data)
    node = root.find(f"{{{CP}}}keywords")
    if node is None:
        node = etree.SubElement(root, f"{{{CP}}}keywords")
    text = "".join(node.itertext())
    for child in list(node):
        node.remove(child)
    node.text = _keywords(text, kind)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def mark_part(name: str, data: bytes, kind: str) -> bytes:
    """A package part as written to an output: the core properties marked, any other part unchanged."""
    return mark_core_xml(data, kind) if name == CORE_PART else data
