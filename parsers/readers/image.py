"""Scans and photos (.jpg .png .tif .bmp) -> Document, by offline OCR.

load (size checked before decoding, EXIF orientation) -> blank? (parsers.ocr.blank: no OCR)
-> red channel as grey (seal vanishes) -> deskew -> OCR -> ruling-line grid -> OCR text into
cells, the rest as paragraphs.
"""
from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

from parsers.model import Block, Document
from parsers.readers import sha256_file
from parsers.readers.limits import cap
from schema.errors import InputError

MIN_LONG_SIDE = 600          # pixels: smaller images cannot be read reliably


def load_image(path: Path) -> np.ndarray:
    """The first frame as a BGR array, turned upright by its EXIF orientation; the size is checked
    (check_size) before the pixels are decoded."""
    from PIL import Image, ImageOps
    limit = cap("MAX_PIXELS")
    Image.MAX_IMAGE_PIXELS = limit          # PIL refuses above twice this while opening
    try:
        with warnings.catch_warnings():     # PIL's warning above the cap: check_size says it in Chinese
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(path)
        with im:
            check_size(path, *im.size)
            im = ImageOps.exif_transpose(im)
            rgb = np.asarray(im.convert("RGB"))
    except Image.DecompressionBombError as e:
        raise InputError(f"{path}：图片像素过多（超过上限 {limit / 1e4:.0f} 万像素的两倍），无法处理",
                         code="too_large") from e
    except (OSError, SyntaxError, ValueError) as e:
        raise InputError(f"{path}：无法打开图片（文件已损坏或不是图片）", code="corrupt") from e
    return np.ascontiguousarray(rgb[:, :, ::-1])


PIPELINES = ("cells", "page")


def pipeline() -> str:
    """PAICHA_OCR_PIPELINE: "cells" (default: page geometry, cell by cell) or "page" (the plain full-page
    OCR used before issue 14; kept for bench/bench_ocr.py to measure against)."""
    name = os.environ.get("PAICHA_OCR_PIPELINE", "") or PIPELINES[0]
    return name if name in PIPELINES else PIPELINES[0]


def ocr_blocks(img: np.ndarray, page: int | None = None, suppress_seal: bool = True) -> list[Block]:
    """Tables and paragraphs read from one page image (BGR or grey), in reading order."""
    if pipeline() == "cells":
        from parsers.ocr.cells import page_blocks
        return page_blocks(img, page=page)
    return plain_blocks(img, page, suppress_seal)


def plain_blocks(img: np.ndarray, page: int | None = None, suppress_seal: bool = True) -> list[Block]:
    """The full-page pipeline: seal suppressed, deskewed, OCR'd once, text placed into the ruled grid."""
    from parsers.ocr import engine, grid, seal
    grey = seal.red_channel_grey(img) if suppress_seal else _plain_grey(img)
    grey, _angle = grid.deskew(grey)
    text_grey = seal.whiten_light(grey, seal.OCR_LIGHT_LEVEL)   # seal residue goes, faint writing stays
    pieces = engine.recognise(text_grey)
    if not pieces:
        return []
    return grid.blocks_from_page(text_grey, pieces, page=page, lines_grey=seal.whiten_light(grey), angle=_angle)


def _plain_grey(img: np.ndarray) -> np.ndarray:
    """Luminance grey (used only to measure what seal suppression gains)."""
    import cv2
    return img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)


def check_pixels(path: Path, width: int, height: int, what: str = "图片") -> None:
    """InputError too_large when `what` (an image, a PDF page at its render size) has more pixels than
    the MAX_PIXELS cap: refused before anything that large is decoded or rendered."""
    limit = cap("MAX_PIXELS")
    if width * height > limit:
        raise InputError(f"{path}：{what}像素过多（{width}×{height}，约 {width * height / 1e4:.0f} 万像素，"
                         f"上限 {limit / 1e4:.0f} 万像素），无法处理，请缩小后重新报送", code="too_large")


def check_size(path: Path, width: int, height: int) -> None:
    """An image's size: too_large above the pixel cap, too_small when too small to read."""
    check_pixels(path, width, height)
    if max(width, height) < MIN_LONG_SIDE:
        raise InputError(f"{path}：图片太小（{width}×{height} 像素），无法识别，请重新拍照或以 200 dpi 以上扫描",
                         code="too_small")


def is_blank_image(img: np.ndarray) -> bool:
    """True when a page image (BGR or grey) carries no ink (parsers.ocr.blank on a small sample)."""
    import cv2

    from parsers.ocr import blank
    grey = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    return blank.is_blank(blank.sample(grey))


def nothing_read(path: Path, pages: int, blank: int) -> InputError:
    """The error for a scan or photo where OCR found no text: every page blank, or nothing legible."""
    if blank == pages:
        what = "页面空白，未见任何字迹" if pages == 1 else f"文件各页均为空白（共 {pages} 页）"
        return InputError(f"{path}：{what}", code="blank")
    if pages == 1:
        return InputError(f"{path}：未识别到任何文字，请确认扫描或拍摄清晰、完整", code="no_text")
    return InputError(f"{path}：扫描件中未识别到任何文字（共 {pages} 页，空白 {blank} 页）", code="no_text")


def read_image(path: Path) -> Document:
    """A scanned or photographed form as a Document (format "image", 1 page)."""
    path = Path(path)
    img = load_image(path)
    if is_blank_image(img):
        raise nothing_read(path, 1, 1)
    blocks = ocr_blocks(img)
    if not blocks:
        raise nothing_read(path, 1, 0)
    return Document(blocks=blocks, path=str(path), format="image", sha256=sha256_file(path), pages=1)
