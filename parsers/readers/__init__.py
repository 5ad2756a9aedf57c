"""Format readers: any returned file → Documents.

    read_file(path) → [Document, …]

The real format is sniffed from the bytes (sniff.py), never taken from the
extension. .docx and .xlsx are read directly (docx.py, xlsx.py); .doc/.wps/.xls/.et
go through LibreOffice first (legacy.py); zip archives give one Document per form
inside (archive.py); PDFs and images are read by pdf.py and image.py.
Every failure is an InputError with a one-line Chinese message naming the file.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from parsers.model import Document
from parsers.readers.own import refuse_own_output
from parsers.readers.archive import check_declared
from parsers.readers.sniff import sniff_open
from schema.errors import InputError

MAX_FILE_BYTES = 200 * 1024 * 1024          # one returned file; above → too_large

# sniffed kind → {extension that names the same content: format}, and the default format
FORMATS = {
    "docx": ({"wps": "wps"}, "docx"),
    "doc": ({"wps": "wps"}, "doc"),
    "rtf": ({"wps": "wps"}, "doc"),
    "xlsx": ({"et": "et"}, "xlsx"),
    "xls": ({"et": "et"}, "xls"),
}


def read_file(path: Path, display_path: str | None = None, converted: Path | None = None,
              errors: list[InputError] | None = None, progress=None, ocr_pages=None) -> list[Document]:
    """The Documents in one file (a zip archive gives one per member form).

    `converted`: a .docx/.xlsx LibreOffice already made from this legacy file.
    `errors`: for archives, collect unreadable members here and go on with the
    others (default: the first unreadable member raises).
    `progress(page, total)`: a PDF's page progress.
    `ocr_pages`: a PDF's scanned pages already OCR'd ({page: blocks}, parsers.readers.pdf_pages).
    """
    return read_any(Path(path), display_path or str(path), converted, errors, 0, progress, ocr_pages)


def read_any(path: Path, display: str, converted: Path | None, errors: list[InputError] | None,
             depth: int, progress=None, ocr_pages=None) -> list[Document]:
    """read_file for a file nested `depth` archives deep."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{display}：文件不存在或无法打开", code="not_found") from exc
    if size == 0:
        raise InputError(f"{display}：文件为空（零字节）", code="empty")
    if size > MAX_FILE_BYTES:
        raise InputError(f"{display}：文件过大（{size / (1 << 20):.0f} MB，上限 {MAX_FILE_BYTES >> 20} MB）",
                         code="too_large")
    try:
        kind, zf = sniff_open(path, display)    # a .docx/.xlsx: opened once, for the own check and the reader
    except UnicodeDecodeError:              # a zip with the UTF-8 flag on GBK names: read_archive copes
        kind, zf = "zip", None
    try:
        if zf is not None:
            check_declared(zf, display)
        refuse_own_output(path, display, kind, zf)     # paicha's own workbooks, documents and PDFs are not returns
        if kind == "zip":
            from parsers.readers.archive import read_archive
            return read_archive(path, display, errors, depth)
        if kind in ("pdf", "image"):
            doc = _read_scanned(path, display, kind, progress, ocr_pages)
        else:
            doc = _read_office(path, display, kind, converted, zf)
            ext = path.suffix.lower().lstrip(".")
            by_ext, default = FORMATS[kind]
            doc.format = by_ext.get(ext, default)
    finally:
        if zf is not None:
            zf.close()
    doc.path = display
    doc.sha256 = doc.sha256 or sha256_file(path)      # the PDF and image readers hash the file themselves
    return [doc]


def _read_office(path: Path, display: str, kind: str, converted: Path | None, zf=None) -> Document:
    """`zf`: a .docx/.xlsx already open (sniff_open)."""
    from parsers.readers.docx import read_docx
    from parsers.readers.xlsx import read_xlsx
    if kind == "docx":
        return read_docx(path, display, zf)
    if kind == "xlsx":
        return read_xlsx(path, display, zf)
    from parsers.readers.legacy import convert_single
    tmp = None
    if converted is None:
        converted, tmp = convert_single(path, display, kind)
    try:
        reader = read_docx if kind in ("doc", "rtf") else read_xlsx
        return reader(Path(converted), display)
    finally:
        if tmp is not None:
            tmp.cleanup()


def _read_scanned(path: Path, display: str, kind: str, progress=None, ocr_pages=None) -> Document:
    """PDFs and images: helper O's readers, imported only when needed."""
    try:
        if kind == "pdf":
            from parsers.readers.pdf import read_pdf as reader
        else:
            from parsers.readers.image import read_image as reader
    except ImportError as exc:
        what = "PDF" if kind == "pdf" else "图片"
        raise InputError(f"{display}：{what}读取模块尚未安装，暂不能读取此文件", code="unsupported") from exc
    try:
        return reader(path, progress=progress, ocr_pages=ocr_pages) if kind == "pdf" else reader(path)
    except InputError as exc:                  # name the file as the user knows it (zip members)
        if str(path) in exc.message and str(path) != display:
            raise InputError(exc.message.replace(str(path), display), exc.code) from exc
        raise


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
