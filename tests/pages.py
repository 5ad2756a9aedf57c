"""Scanned pages with little or nothing on them, made the way samples/make_scans.py makes scans.

Each maker returns an RGB A4 page image at 200 dpi; `image_pdf` saves pages as a scanner's
image-only PDF. Used by the blank-page tests and bench/bench_blank.py.
"""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from samples.make_scans import phone_photo, save_image_pdf, scanner_noise

A4 = (1654, 2339)              # pixels at 200 dpi
KAI_FONT = "/usr/share/fonts/truetype/arphic/ukai.ttc"      # brush-like: stands in for handwriting
PAPER_GREY = (236, 234, 229)   # a scanner's idea of white paper


def white() -> Image.Image:
    """A blank page rendered clean (no scanner)."""
    return Image.new("RGB", A4, "white")


def grey_scan(seed: int = 1) -> Image.Image:
    """A blank sheet through a scanner: grey paper, a few dust specks, tilt, grain, JPEG loss."""
    rng = random.Random(seed)
    img = Image.new("RGB", A4, PAPER_GREY)
    d = ImageDraw.Draw(img)
    for _ in range(6):
        x, y, r = rng.randrange(100, A4[0] - 100), rng.randrange(100, A4[1] - 100), rng.choice((1, 2))
        d.ellipse([x - r, y - r, x + r, y + r], fill=(120, 120, 120))
    return scanner_noise(img, rng)


def faint_grid(seed: int = 2) -> Image.Image:
    """An empty form: only a table of thin light-grey rules, scanned."""
    img = Image.new("RGB", A4, PAPER_GREY)
    d = ImageDraw.Draw(img)
    left, right, top = 200, A4[0] - 200, 500
    for i in range(9):
        d.line([(left, top + i * 120), (right, top + i * 120)], fill=(205, 205, 205), width=2)
    for x in (left, 600, 1000, right):
        d.line([(x, top), (x, top + 8 * 120)], fill=(205, 205, 205), width=2)
    return scanner_noise(img, random.Random(seed))


def one_line(text: str = "经检查无问题", seed: int = 3) -> Image.Image:
    """A page with one short handwritten-looking line in blue-black ink, scanned."""
    img = Image.new("RGB", A4, PAPER_GREY)
    write(img, text)
    return scanner_noise(img, random.Random(seed))


def desk_photo(text: str = "", seed: int = 4) -> Image.Image:
    """A phone photo of a sheet (blank, or with one handwritten line) lying on a wooden desk:
    grain, uneven light, slight warp and blur."""
    rng = np.random.default_rng(seed)
    h, w = A4[1], A4[0]
    streaks = np.convolve(rng.normal(0, 14, w + 40), np.ones(9) / 3, mode="same")[20:w + 20]
    grain = streaks[None, :] + rng.normal(0, 6, (h, w))
    desk = np.clip(np.stack([110 + grain, 78 + grain * 0.8, 50 + grain * 0.6], axis=-1), 0, 255)
    img = Image.fromarray(desk.astype(np.uint8))
    sheet = Image.new("RGB", (w - 300, h - 420), (246, 245, 240))
    if text:
        write(sheet, text, (250, 800))
    mask = Image.new("L", sheet.size, 255).rotate(2.5, expand=True, fillcolor=0)
    img.paste(sheet.rotate(2.5, expand=True, fillcolor=(0, 0, 0)), (120, 150), mask)
    return phone_photo(img, random.Random(seed))


def write(page: Image.Image, text: str, at: tuple[int, int] = (400, 1100)) -> None:
    """One short line of handwriting (a brush-like font, blue-black ink) on the page."""
    ImageDraw.Draw(page).text(at, text, fill=(40, 45, 80), font=ImageFont.truetype(KAI_FONT, 44))


def image_pdf(pages: list[Image.Image], path: Path) -> Path:
    """An image-only PDF (no text layer) of the pages, as a scanner writes it."""
    save_image_pdf(pages, path)
    return path


def blank_scan_pdf(n: int, path: Path) -> Path:
    """An n-page scan of blank sheets: one grey scanned blank page repeated (pdfium copies the page)."""
    import pypdfium2 as pdfium
    one = image_pdf([grey_scan()], path.with_suffix(".one.pdf"))
    src = pdfium.PdfDocument(str(one))
    out = pdfium.PdfDocument.new()
    try:
        out.import_pages(src, [0] * n)
        out.save(str(path))
    finally:
        out.close()
        src.close()
        one.unlink()
    return path
