"""Is this file one of paicha's own outputs? (schema/own_output.py: the mark in the keywords.)

.docx/.xlsx: docProps/core.xml, read through the zip limits and the safe XML parser;
PDF: the document information /Keywords (LibreOffice copies the .docx keywords there).
Anything that cannot be checked counts as not ours: the format reader then says what is wrong.
"""
from __future__ import annotations

from pathlib import Path

from parsers.readers.archive import package, stream_member
from parsers.readers.sniff import sniff
from parsers.readers.xmlsafe import parse_xml
from schema.errors import InputError, OwnOutput
from schema.own_output import MARK_PREFIX, OUTPUT_KINDS, marked_kind

CORE_PART = "docProps/core.xml"
CORE_MAX_BYTES = 1 << 20          # core properties are a few hundred bytes
CP_KEYWORDS = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}keywords"


def is_own_output(path: Path, kind: str | None = None, zf=None) -> str | None:
    """The output kind (a key of OUTPUT_KINDS) of a file paicha wrote, else None.

    `kind`: what sniff() already found the file to be (saves sniffing it again); `zf`: a .docx/.xlsx
    already open and checked (archive.package).
    """
    path = Path(path)
    try:
        kind = kind or sniff(path)
        if kind in ("docx", "xlsx"):
            return marked_kind(_ooxml_keywords(path, zf))
        if kind == "pdf":
            return marked_kind(_pdf_keywords(path))
    except InputError:
        return None
    return None


def refuse_own_output(path: Path, display: str, kind: str | None = None, zf=None) -> None:
    """Raise OwnOutput (naming the file as the user knows it) when paicha wrote this file."""
    own = is_own_output(path, kind, zf)
    if own:
        raise OwnOutput(f"{display}：本工具生成的文件（{OUTPUT_KINDS[own]}），已跳过")


def _ooxml_keywords(path: Path, zf=None) -> str | None:
    display = str(path)
    with package(path, display, zf) as zf:
        try:
            info = zf.getinfo(CORE_PART)
        except KeyError:
            return None
        if info.file_size > CORE_MAX_BYTES:
            return None
        data = b"".join(stream_member(zf, info, display))
    if MARK_PREFIX.encode() not in data and b"&#" not in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None             # no mark written (UTF-8), literally or as character references: nothing to parse
    node = parse_xml(data, display, CORE_PART).find(CP_KEYWORDS)
    return "".join(node.itertext()) if node is not None else None


def _pdf_keywords(path: Path) -> str | None:
    import pypdfium2 as pdfium
    try:
        pdf = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError):
        return None
    try:
        return pdf.get_metadata_value("Keywords")
    finally:
        pdf.close()
