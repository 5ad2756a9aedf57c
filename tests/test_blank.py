"""Blank and unreadable scans, and the caps on one file (issue 9).

Pages are made the way samples/make_scans.py makes scans (tests/pages.py): a page with no ink is
skipped before OCR, both as a photo and as a page of a scanner's PDF; a file where nothing was read
is an error naming the file, never an empty success; pages, pixels and OCR time are capped, each
with its own message.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from parsers.readers import pdf as pdf_reader
from parsers.readers import read_file
from parsers.readers.image import is_blank_image, read_image
from parsers.readers.pdf import read_pdf
from schema.errors import InputError, PaichaError
from tests import pages

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "returns_pdf"
BLANK = {"white": pages.white, "grey_scan": pages.grey_scan, "desk_photo": pages.desk_photo}
INKED = {"faint_grid": pages.faint_grid, "one_line": pages.one_line, "one_character": lambda: pages.one_line("无"),
         "desk_photo_with_a_line": lambda: pages.desk_photo("经检查无问题")}


@pytest.fixture(scope="module")
def made() -> dict[str, Image.Image]:
    return {name: make() for name, make in {**BLANK, **INKED}.items()}


@pytest.fixture(scope="module")
def made_pdf(made, tmp_path_factory) -> pdfium.PdfDocument:
    """All the made pages in one image-only PDF, in the order of `made`."""
    path = pages.image_pdf(list(made.values()), tmp_path_factory.mktemp("blank") / "pages.pdf")
    doc = pdfium.PdfDocument(str(path))
    yield doc
    doc.close()


def error_of(read, path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        read(path)
    assert str(path) in info.value.message and "\n" not in info.value.message
    return info.value


@pytest.mark.parametrize("name", [*BLANK, *INKED])
def test_blank_or_not_as_photo_and_as_pdf_page(name, made, made_pdf):
    """The same verdict on the decoded photo and on the PDF page (its JPEG decoded small, or rendered)."""
    from parsers.ocr import blank
    want = name in BLANK
    assert is_blank_image(np.asarray(made[name])[:, :, ::-1]) is want
    page = made_pdf[list(made).index(name)]
    assert pdf_reader._jpeg_page_grey(page) is not None          # a scanner's page: the fast path
    assert pdf_reader.is_blank_page(page) is want
    rendered = page.render(scale=blank.SAMPLE_SIDE / max(page.get_size()), grayscale=True)
    assert blank.is_blank(blank.sample(rendered.to_numpy().copy())) is want


def test_blank_photo_is_an_error(made, tmp_path):
    p = tmp_path / "空白照片.jpg"
    made["desk_photo"].save(p, "JPEG", quality=85)
    err = error_of(read_image, p)
    assert err.code == "blank" and "空白" in err.message


def test_300_blank_pages_end_as_the_all_blank_error(tmp_path):
    """Issue 9: 300 scanned blank pages said "解析成功" with nothing after 260 s; now the blank
    error, without OCR (bench/bench_blank.py times it)."""
    p = pages.blank_scan_pdf(300, tmp_path / "空白扫描.pdf")
    err = error_of(read_pdf, p)
    assert err.code == "blank"
    assert err.message == f"{p}：文件各页均为空白（共 300 页）"
    with pytest.raises(InputError) as info:                      # through read_file: the name as given
        read_file(p, display_path="回执/空白扫描.pdf")
    assert info.value.message.startswith("回执/空白扫描.pdf：文件各页均为空白")


def scan_pdf(path: Path, *parts) -> Path:
    """A PDF of pages taken from PDFs (path, page index) or made images."""
    out = pdfium.PdfDocument.new()
    for i, part in enumerate(parts):
        if isinstance(part, Image.Image):
            part = (pages.image_pdf([part], path.with_suffix(f".{i}.pdf")), 0)
        src = pdfium.PdfDocument(str(part[0]))
        out.import_pages(src, [part[1]])
        src.close()
    out.save(str(path))
    out.close()
    return path


def test_blank_page_in_a_scan_is_skipped_and_noted(made, tmp_path):
    """A 3-page scan, page 2 blank: the form on page 1 and the line on page 3 are read, page 2 noted."""
    from parsers.recognize import records_from_document
    p = scan_pdf(tmp_path / "带空白页.pdf", (SAMPLES / "supervision_check-scan.pdf", 0), made["grey_scan"],
                 made["one_line"])
    doc = read_pdf(p)
    assert doc.format == "pdf-scan" and doc.pages == 3
    assert doc.notes == ["跳过空白页 1 页（第 2 页）"]
    assert {b.page for b in doc.blocks} == {1, 3}
    assert [b.text for b in doc.paragraphs() if b.page == 3] == ["经检查无问题"]
    assert [r.form_type for r in records_from_document(doc) if r.form_type != "unknown"] == ["supervision_check"]


def test_scan_with_no_text_names_its_pages(made, tmp_path):
    """Ink (an empty ruled table) but no text, and a blank page: no text, with the page counts."""
    p = scan_pdf(tmp_path / "空表.pdf", made["faint_grid"], made["white"])
    err = error_of(read_pdf, p)
    assert err.code == "no_text"
    assert err.message == f"{p}：扫描件中未识别到任何文字（共 2 页，空白 1 页）"


class Clock:
    """A clock that moves on `step` seconds every time it is read."""

    def __init__(self, step: float):
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_ocr_time_cap_fails_the_file(made, tmp_path, monkeypatch):
    """Every reading of the fake clock is 200 s later: page 1 starts 200 s in (under the cap of 250 s
    set by the environment), page 2 would start 400 s in: the file fails, saying what was read."""
    monkeypatch.setenv("PAICHA_OCR_SECONDS", "250")
    monkeypatch.setattr(pdf_reader, "clock", Clock(200))
    p = scan_pdf(tmp_path / "慢.pdf", made["faint_grid"], made["faint_grid"], made["faint_grid"])
    err = error_of(read_pdf, p)
    assert err.code == "timeout"
    assert err.message == f"{p}：识别超时（已用 400 秒，上限 250 秒），已读 1 页，共 3 页，请拆分后重新报送"


def test_page_cap_from_the_environment(made, tmp_path, monkeypatch):
    p = scan_pdf(tmp_path / "三页.pdf", made["white"], made["white"], made["white"])
    monkeypatch.setenv("PAICHA_MAX_PAGES", "2")
    err = error_of(read_pdf, p)
    assert err.code == "too_large" and "共 3 页，超过 2 页上限" in err.message
    monkeypatch.setenv("PAICHA_MAX_PAGES", "两页")
    with pytest.raises(PaichaError) as info:
        read_pdf(p)
    assert info.value.code == "config" and "PAICHA_MAX_PAGES" in info.value.message


def test_pixel_cap_on_images(tmp_path, monkeypatch):
    """Over the cap: refused with the size; over twice the cap PIL refuses while opening: still ours."""
    monkeypatch.setenv("PAICHA_MAX_PIXELS", "1000000")
    big, huge = tmp_path / "big.png", tmp_path / "huge.png"
    Image.new("L", (1200, 1000), 255).save(big)
    Image.new("L", (2000, 1500), 255).save(huge)
    err = error_of(read_image, big)
    assert err.code == "too_large" and "1200×1000" in err.message and "上限 100 万像素" in err.message
    err = error_of(read_image, huge)
    assert err.code == "too_large" and "100 万像素" in err.message


def test_pixel_cap_on_pdf_pages(tmp_path, monkeypatch):
    """A page too large to render at 200 dpi, and a small page holding a huge image: refused before
    either is rendered or decoded."""
    monkeypatch.setenv("PAICHA_MAX_PIXELS", "5000000")
    wide = pdfium.PdfDocument.new()
    wide.new_page(2000, 2000)                       # points: 5556 × 5556 px at 200 dpi
    wide.save(str(tmp_path / "wide.pdf"))
    err = error_of(read_pdf, tmp_path / "wide.pdf")
    assert err.code == "too_large" and "第 1 页（按 200 dpi 渲染）像素过多（5556×5556" in err.message
    Image.new("L", (3000, 3000), 255).save(tmp_path / "dense.pdf", "PDF", resolution=600)   # a 360 pt page
    err = error_of(read_pdf, tmp_path / "dense.pdf")
    assert err.code == "too_large" and "第 1 页中的图片像素过多（3000×3000" in err.message


def test_page_ranges():
    assert pdf_reader.page_ranges([2]) == "2"
    assert pdf_reader.page_ranges([2, 3, 4, 7, 9, 10]) == "2-4、7、9-10"
