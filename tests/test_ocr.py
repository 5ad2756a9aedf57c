"""Scanned and photographed forms: every form type scanned at 200 dpi with a red seal,
tilt, noise and JPEG loss (samples/make_scans.py), read by OCR and compared with the
text-layer reading of the same form, cell by cell and field by field."""
from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

from parsers.readers.image import ocr_blocks, read_image
from parsers.readers.pdf import read_pdf
from schema.errors import InputError
from schema.record import leaf_fields

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "returns_pdf"
EXPECTED = [json.loads(line) for line in (SAMPLES / "expected.jsonl").read_text(encoding="utf-8").splitlines()]
TEXT = {e["form_type"]: e for e in EXPECTED if e["format"] == "pdf"}
IMAGES = [e for e in EXPECTED if e["format"] == "image"]
SCAN_PDF = "supervision_check-scan.pdf"

# Measured on these samples (bench/bench_pdf.py): every cell and field read right.
# The thresholds leave room for one misread cell per page, no more.
MIN_CELL_ACCURACY_PER_PAGE = 0.97
MIN_FIELD_ACCURACY = 0.97


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def cells(doc, page: int | None = None) -> set[tuple]:
    """(row, col, rowspan, colspan, text) of the non-empty cells (of one page)."""
    return {(t.page or 1, c.row, c.col, c.rowspan, c.colspan, norm(c.text))
            for t in doc.tables() if page is None or (t.page or 1) == page
            for c in t.cells if norm(c.text)}


def cell_accuracy(ref, got) -> float:
    return len(ref & got) / len(ref)


@pytest.fixture(scope="session")
def text_docs():
    return {ft: read_pdf(SAMPLES / e["file"]) for ft, e in TEXT.items()}


@pytest.fixture(scope="session")
def first_pages(tmp_path_factory):
    """The text layer of each text PDF's first page alone (pdfseparate): the scan images show page 1, and
    a table going on over the page break is read as one table from the whole file."""
    out = tmp_path_factory.mktemp("first_pages")
    docs = {}
    for ft, e in TEXT.items():
        page = out / f"{ft}.pdf"
        subprocess.run(["pdfseparate", "-f", "1", "-l", "1", str(SAMPLES / e["file"]), str(page)], check=True)
        docs[ft] = read_pdf(page)
    return docs


@pytest.fixture(scope="session")
def ocr_docs():
    """Every scanned/photographed sample image read once (the slow part: ~2-3 s a page)."""
    return {e["file"]: read_image(SAMPLES / e["file"]) for e in IMAGES}




def record_of(doc, form_type: str):
    from parsers.recognize import records_from_document
    recs = [r for r in records_from_document(doc) if r.form_type == form_type]
    assert recs, f"no {form_type} record in {doc.path}"
    return recs[0]


@pytest.mark.parametrize("e", IMAGES, ids=[e["file"] for e in IMAGES])
def test_scan_cells_match_text_layer(e, ocr_docs, first_pages):
    """Grid (rows, columns, merged cells) and every cell's text of page 1 as the text layer has them."""
    doc = ocr_docs[e["file"]]
    assert doc.format == "image" and doc.pages == 1 and doc.notes == []
    ref = cells(first_pages[e["form_type"]])
    got = cells(doc)
    acc = cell_accuracy(ref, got)
    assert acc >= MIN_CELL_ACCURACY_PER_PAGE, (acc, sorted(ref - got)[:5])
    # every OCR'd cell and paragraph carries its confidence
    assert all(c.confidence is not None for t in doc.tables() for c in t.cells if c.text)
    assert all(p.confidence is not None for p in doc.paragraphs())


def test_scan_field_accuracy(ocr_docs, text_docs):
    """Records from the scans agree with the records from the text layer on >= 97% of fields."""
    total = right = 0
    wrong = []
    for e in IMAGES:
        if TEXT[e["form_type"]]["pages"] > 1:
            continue     # an image holds page 1 only
        want = leaf_fields(record_of(text_docs[e["form_type"]], e["form_type"]).data)
        rec = record_of(ocr_docs[e["file"]], e["form_type"])
        assert rec.source["format"] == "image"
        got = leaf_fields(rec.data)
        total += len(want)
        right += sum(1 for k, v in want.items() if got.get(k) == v)
        wrong += [(e["file"], k, v, got.get(k)) for k, v in want.items() if got.get(k) != v]
    assert total > 100
    assert right / total >= MIN_FIELD_ACCURACY, wrong[:8]


def test_scanned_pdf_is_ocrd(text_docs):
    doc = read_pdf(SAMPLES / SCAN_PDF)
    assert doc.format == "pdf-scan" and doc.pages == 1 and doc.notes == []
    assert all(t.page == 1 for t in doc.tables())
    assert cell_accuracy(cells(text_docs["supervision_check"]), cells(doc)) >= MIN_CELL_ACCURACY_PER_PAGE
    e = TEXT["supervision_check"]
    rec = record_of(doc, "supervision_check")
    assert rec.source["format"] == "pdf-scan"
    assert leaf_fields(rec.data) == leaf_fields(e["data"])


def test_image_named_pdf_is_read_by_content(tmp_path, ocr_docs):
    p = tmp_path / "督导检查表.pdf"
    shutil.copy(SAMPLES / "supervision_check-scan.jpg", p)
    doc = read_pdf(p)
    assert doc.format == "image"
    assert cells(doc) == cells(ocr_docs["supervision_check-scan.jpg"])


def test_seal_suppression_keeps_or_improves_accuracy(text_docs):
    """The seal sits over the 填报单位 line; reading the red channel loses nothing the plain grey reads."""
    from parsers.readers.image import load_image
    e = next(e for e in IMAGES if e["form_type"] == "enterprise_register")
    img = load_image(SAMPLES / e["file"])
    ref = cells(text_docs[e["form_type"]], page=1)
    ref_lines = {norm(p.text) for p in text_docs[e["form_type"]].paragraphs() if p.page == 1}

    def score(blocks):
        from parsers.model import Document
        doc = Document(blocks=blocks)
        lines = {norm(p.text) for p in doc.paragraphs()}
        return cell_accuracy(ref, cells(doc)) + len(ref_lines & lines) / len(ref_lines), lines

    with_seal, lines = score(ocr_blocks(img, suppress_seal=True))
    without, _ = score(ocr_blocks(img, suppress_seal=False))
    assert with_seal >= without
    assert with_seal == 2.0
    unit = e["header"]["reporting_unit"]
    assert any(unit in line for line in lines)


def test_exif_orientation(tmp_path, ocr_docs):
    """A photo stored sideways with an EXIF orientation tag is read upright."""
    src = Image.open(SAMPLES / "supervision_check-photo.jpg")
    sideways = src.transpose(Image.Transpose.ROTATE_90)       # pixels turned left
    exif = Image.Exif()
    exif[0x0112] = 6                                          # display: rotate 90° clockwise
    p = tmp_path / "sideways.jpg"
    sideways.save(p, "JPEG", quality=90, exif=exif.tobytes())
    got = cells(read_image(p))
    ref = cells(ocr_docs["supervision_check-photo.jpg"])
    assert cell_accuracy(ref, got) >= MIN_CELL_ACCURACY_PER_PAGE


def test_faint_value_is_flagged_low_confidence(tmp_path):
    """A value the OCR cannot read well is flagged for a human, never silently trusted."""
    import pdfplumber
    e = TEXT["supervision_check"]
    pdf = SAMPLES / e["file"]
    with pdfplumber.open(str(pdf)) as doc:
        page = doc.pages[0]
        hit = page.search(e["data"]["responsible"])[0]
        k = 200 / 72
        box = (int(hit["x0"] * k) - 4, int(hit["top"] * k) - 4, int(hit["x1"] * k) + 4, int(hit["bottom"] * k) + 4)
        img = page.to_image(resolution=200).original.convert("RGB")
    faint = img.crop(box).filter(ImageFilter.GaussianBlur(2.5))
    faint = Image.fromarray((255 - (255 - np.asarray(faint, dtype=np.float32)) * 0.5).astype(np.uint8))
    img.paste(faint, box[:2])
    p = tmp_path / "faint.png"
    img.save(p)
    rec = record_of(read_image(p), "supervision_check")
    flagged = {w["field"] for w in rec.warnings if w["code"] == "low_confidence"}
    assert "data.responsible" in flagged, (rec.data.get("responsible"), rec.warnings)


def test_too_small_and_blank_images(tmp_path):
    small = tmp_path / "small.png"
    Image.open(SAMPLES / "supervision_check-scan.jpg").resize((400, 566)).save(small)
    blank = tmp_path / "blank.png"
    Image.new("RGB", (1200, 1600), "white").save(blank)
    for p, code in ((small, "too_small"), (blank, "blank")):
        with pytest.raises(InputError) as info:
            read_image(p)
        assert info.value.code == code and str(p) in info.value.message


def test_mixed_pdf_text_and_scanned_pages(tmp_path, text_docs):
    """A PDF whose page 1 has a text layer and page 2 is a scan: page 2 is OCR'd, format pdf-scan."""
    import pypdfium2 as pdfium
    out = pdfium.PdfDocument.new()
    out.import_pages(pdfium.PdfDocument(str(SAMPLES / "supervision_check.pdf")), [0])
    out.import_pages(pdfium.PdfDocument(str(SAMPLES / "major_hazard_list-scan.pdf")), [0])
    p = tmp_path / "mixed.pdf"
    out.save(str(p))
    seen = []
    doc = read_pdf(p, progress=lambda page, total: seen.append(page))
    assert doc.format == "pdf-scan" and seen == [1, 2]
    tables = list(doc.tables())
    assert [t.page for t in tables] == [1, 2]
    assert all(c.confidence is None for c in tables[0].cells)           # text layer: no OCR
    assert cells(text_docs["supervision_check"]) == cells(doc, page=1)
    ref = {(2, *k[1:]) for k in cells(text_docs["major_hazard_list"], page=1)}
    assert cell_accuracy(ref, cells(doc, page=2)) >= MIN_CELL_ACCURACY_PER_PAGE


def test_low_resolution_photo(tmp_path, text_docs):
    """The phone photo at ~110 dpi (1286 px long side): tall cells' rules drift, still found."""
    src = Image.open(SAMPLES / "supervision_check-photo.jpg")
    p = tmp_path / "lowres.jpg"
    src.resize((int(src.width * 0.55), int(src.height * 0.55)), Image.LANCZOS).save(p, "JPEG", quality=85)
    ref = cells(text_docs["supervision_check"], page=1)
    assert cell_accuracy(ref, cells(read_image(p))) >= MIN_CELL_ACCURACY_PER_PAGE
