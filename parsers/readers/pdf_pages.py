"""A scanned PDF's OCR split by page, so several processes can read one long scan (parsers.pipeline).

    scan_pages (which pages read_pdf would OCR) → ocr_page for each, in any process
    → read_pdf(path, ocr_pages={page: blocks}): the text pages read and the document assembled as usual.

The assembled Document is the one read_pdf gives reading the file whole: the same functions decide
text layer, blank page and OCR, in the same page order. Anything unusual (a page over the pixel cap,
an unreadable file) makes scan_pages answer [] and the file is read whole, which reports it.
"""
from __future__ import annotations

from pathlib import Path

from parsers.model import Block
from parsers.readers.pdf import (check_page_size, has_text_layer, is_blank_page, open_pdf, page_text,
                                 scan_page_blocks)


def scan_pages(path: Path) -> list[int]:
    """Page numbers (from 1) read_pdf would OCR: no text layer and not blank. [] when the file is not a
    PDF pypdfium2 opens, or a page would fail (the whole-file read then gives the file's reason).
    Pages whose text layer pdfplumber later finds to be junk are not listed: read_pdf OCRs them itself."""
    from parsers.readers.limits import cap
    from parsers.readers.sniff import sniff
    path = Path(path)
    try:
        if sniff(path) != "pdf":
            return []
        pdf = open_pdf(path)
    except Exception:  # noqa: BLE001 — read whole, and the reader says why
        return []
    try:
        if len(pdf) > cap("MAX_PAGES"):
            return []
        pages = []
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                if has_text_layer(page_text(page)):
                    continue
                check_page_size(path, page, i + 1)
                if not is_blank_page(page):
                    pages.append(i + 1)
            finally:
                page.close()
        return pages
    except Exception:  # noqa: BLE001
        return []
    finally:
        pdf.close()


def page_count(path: Path) -> int:
    """The PDF's number of pages."""
    pdf = open_pdf(Path(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def ocr_page(path: Path, page_no: int) -> list[Block]:
    """The blocks read_pdf's OCR gives page `page_no` (from 1) of the PDF."""
    pdf = open_pdf(Path(path))
    try:
        page = pdf[page_no - 1]
        try:
            return scan_page_blocks(page, page_no)
        finally:
            page.close()
    finally:
        pdf.close()
