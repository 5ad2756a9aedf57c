"""Scans and photos (.jpg .png .tif .bmp) -> Document, by offline OCR.

load (EXIF orientation) -> red channel as grey (seal vanishes) -> deskew -> OCR
-> ruling-line grid -> OCR text into cells, the rest as paragraphs.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from parsers.model import Block, Document
from parsers.readers import sha256_file
from schema.errors import InputError

MIN_LONG_SIDE = 600          # pixels: smaller images cannot be read reliably
MAX_PIXELS = 60_000_000      # refuse decompression bombs before decoding


def load_image(path: Path) -> np.ndarray:
    """The first frame as a BGR array, turned upright by its EXIF orientation."""
    from PIL import Image, ImageOps
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(path) as im:
            im = ImageOps.exif_transpose(im)
            rgb = np.asarray(im.convert("RGB"))
    except Image.DecompressionBombError:
        raise InputError(f"{path}：图片像素过多，无法处理", code="too_large")
    except (OSError, SyntaxError, ValueError) as e:
        raise InputError(f"{path}：无法打开图片（文件已损坏或不是图片）", code="corrupt") from e
    return np.ascontiguousarray(rgb[:, :, ::-1])


def ocr_blocks(img: np.ndarray, page: int | None = None, suppress_seal: bool = True) -> list[Block]:
    """Tables and paragraphs read from one page image (BGR or grey), in reading order."""
    from parsers.ocr import engine, grid, seal
    grey = seal.red_channel_grey(img) if suppress_seal else _plain_grey(img)
    grey, _angle = grid.deskew(grey)
    text_grey = seal.whiten_light(grey, seal.OCR_LIGHT_LEVEL)   # seal residue goes, faint writing stays
    pieces = engine.recognise(text_grey)
    if not pieces:
        return []
    return grid.blocks_from_page(text_grey, pieces, page=page, lines_grey=seal.whiten_light(grey))


def _plain_grey(img: np.ndarray) -> np.ndarray:
    """Luminance grey (used only to measure what seal suppression gains)."""
    import cv2
    return img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)


def check_size(path: Path, img: np.ndarray) -> None:
    """InputError too_small when the image is too small to read."""
    if max(img.shape[:2]) < MIN_LONG_SIDE:
        h, w = img.shape[:2]
        raise InputError(f"{path}：图片太小（{w}×{h} 像素），无法识别，请重新拍照或以 200 dpi 以上扫描",
                         code="too_small")


def read_image(path: Path) -> Document:
    """A scanned or photographed form as a Document (format "image")."""
    path = Path(path)
    img = load_image(path)
    check_size(path, img)
    blocks = ocr_blocks(img)
    if not blocks:
        raise InputError(f"{path}：图片中未识别到文字，请确认拍摄清晰、完整", code="too_small")
    return Document(blocks=blocks, path=str(path), format="image",
                    sha256=sha256_file(path))
