"""Scans and photos (issue 14): page geometry first, then the page read into its ruled grid.

    page_blocks(bgr) -> Blocks of every sheet in the picture, in reading order:
      sheets (geometry.find_sheets: the paper on a desk; none for a scan) -> each flattened,
      light evened -> two pages side by side split at their gutter -> red channel (seal
      vanishes) -> turned upright (quarter turns) -> the full-page pipeline
      (parsers.readers.image.plain_blocks: deskew, OCR, grid, cells) -> text under a black seal
      (a fax's) doubted
    Cell and line boxes are given as fractions of the picture as received (the review queue shows
    that crop), mapped back through the turn and the warp.
"""
from __future__ import annotations

import cv2
import numpy as np

from parsers.model import Block, Paragraph, Table
from parsers.ocr import cellread, geometry
from parsers.ocr.cellread import mean_score

UPRIGHT_SCORE = 0.8       # a page read with a lower mean character score is read upside down too


def page_blocks(img: np.ndarray, page: int | None = None) -> list[Block]:
    """Tables and paragraphs of every sheet in one picture (BGR or grey)."""
    quads = geometry.find_sheets(img) if img.ndim == 3 else []
    if not quads:
        # a scan: as plain_blocks, seals handled; read cell by cell, a cell scores its weakest character
        return read_page(img, page, char_scores=cellread.mode() == "cells")[0]
    blocks: list[Block] = []
    for quad in quads:
        flat, homography = geometry.flatten(img, quad)
        flat = geometry.even_light(flat)
        for part, shift in halves(flat):
            found, turns = read_upright(part, page)
            upright = np.rot90(part, turns)
            to_picture(found, upright.shape, part.shape, turns, shift, homography, img.shape)
            blocks += found
    return blocks


def halves(flat: np.ndarray) -> list[tuple[np.ndarray, int]]:
    """The flat sheet, or its two pages when two portrait pages lie side by side: [(image, x offset)]."""
    x = geometry.gutter(cv2.cvtColor(flat, cv2.COLOR_BGR2GRAY))
    if x is None:
        return [(flat, 0)]
    return [(flat[:, :x], 0), (flat[:, x:], x)]


def read_upright(bgr: np.ndarray, page: int | None) -> tuple[list[Block], int]:
    """The page read the right way up: turned a quarter round first when most text lines stand on end
    (which way, cellread.quarter_turns tells before reading); when the lines read poorly (mean score),
    read again turned half round if its longest lines read better so. Returns the blocks
    and the quarter turns (np.rot90) applied."""
    if cellread.mode() == "page":
        return _read_upright_twice(bgr, page)
    turns = cellread.quarter_turns(bgr)
    if turns:
        bgr = np.ascontiguousarray(np.rot90(bgr, turns))
    blocks, pieces, text_grey = read_page(bgr, page, with_grey=True)
    if mean_score(pieces) < UPRIGHT_SCORE and cellread.upside_down(text_grey, pieces):
        return read_page(np.ascontiguousarray(np.rot90(bgr, 2)), page)[0], (turns + 2) % 4
    return blocks, turns


def _read_upright_twice(bgr: np.ndarray, page: int | None) -> tuple[list[Block], int]:
    """read_upright by whole reads (PAICHA_OCR_READ=page): as it lies; again a quarter turn round when
    the lines read stand on end; upside down too when they read poorly, the better kept."""
    blocks, pieces = read_page(bgr, page)
    turns = 0
    if geometry.text_is_vertical(list({p.line_box for p in pieces})):
        turns = 1
        blocks, pieces = read_page(np.ascontiguousarray(np.rot90(bgr, 1)), page)
    if mean_score(pieces) < UPRIGHT_SCORE:
        other, o_pieces = read_page(np.ascontiguousarray(np.rot90(bgr, turns + 2)), page)
        if mean_score(o_pieces) > mean_score(pieces):
            return other, turns + 2
    return blocks, turns


def read_page(img: np.ndarray, page: int | None, char_scores: bool = True, with_grey: bool = False):
    """parsers.readers.image.plain_blocks, with the OCR pieces it read (and with `with_grey` the
    straightened grey page they were read on); the text read cell by cell (cellread) unless
    PAICHA_OCR_READ=page; black seals (a fax's) found, rules taken as drawn on under them and the
    text read under them doubted."""
    from parsers.ocr import engine, grid, seal
    grey = seal.red_channel_grey(img)
    seals = seal.black_seals(grey)
    grey, angle = grid.deskew(grey)
    text_grey = seal.whiten_light(grey, seal.OCR_LIGHT_LEVEL)
    lines_grey = seal.whiten_light(grey)
    h, w = grey.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)      # grid.rotate's: seals onto the straight page
    straight = [(*(turn @ np.float64([cx, cy, 1.0])), r) for cx, cy, r in seals]
    grids = None
    if cellread.mode() == "cells":
        pieces, grids = cellread.read_with_grids(text_grey, lines_grey, straight, char_scores)
    else:
        pieces = engine.recognise(text_grey, char_scores=char_scores)
    blocks = []
    if pieces:
        blocks = grid.blocks_from_page(text_grey, pieces, page=page, lines_grey=lines_grey, angle=angle,
                                       seals=straight, grids=grids)
        doubt_under_seals(blocks, seals, img.shape)
    return (blocks, pieces, text_grey) if with_grey else (blocks, pieces)


def doubt_under_seals(blocks: list[Block], seals, shape) -> None:
    """Text read where a black seal lies over the page (seal.black_seals: a fax keeps the seal black,
    its strokes cross the writing) is never trusted unchecked: its confidence at most SEAL_TRUST."""
    from parsers.ocr.seal import sealed, under_seal
    if not seals:
        return
    for b in blocks:
        for item in (b.cells if isinstance(b, Table) else [b]):
            if item.box is not None and under_seal(item.box, seals, shape):
                item.confidence = sealed(item.confidence, item.text)


def _turn_back(pts: np.ndarray, turns: int, shape: tuple[int, ...]) -> np.ndarray:
    """Points of np.rot90(img, turns) -> the same points in img (shape: img's shape)."""
    h, w = shape[:2]
    for i in range(turns):
        # one turn maps img (x, y) of an image of width cw to (y, cw - 1 - x)
        cw = w if (turns - 1 - i) % 2 == 0 else h
        x, y = pts[:, 0].copy(), pts[:, 1].copy()
        pts = np.stack([cw - 1 - y, x], axis=1)
    return pts


def to_picture(blocks: list[Block], upright_shape, part_shape, turns: int, shift: int,
               homography: np.ndarray, picture_shape) -> None:
    """Every box of `blocks` (fractions of the upright page) as fractions of the original picture."""
    uh, uw = upright_shape[:2]

    def convert(box):
        if box is None:
            return None
        x0, y0, x1, y1 = box
        pts = np.float64([[x0 * uw, y0 * uh], [x1 * uw, y0 * uh], [x1 * uw, y1 * uh], [x0 * uw, y1 * uh]])
        pts = _turn_back(pts, turns, part_shape) + np.float64([shift, 0])
        p = cv2.perspectiveTransform(pts.reshape(-1, 1, 2).astype(np.float32), homography)[:, 0]
        ph, pw = picture_shape[:2]
        fx, fy = np.clip(p[:, 0] / pw, 0, 1), np.clip(p[:, 1] / ph, 0, 1)
        return (round(float(fx.min()), 5), round(float(fy.min()), 5),
                round(float(fx.max()), 5), round(float(fy.max()), 5))

    for b in blocks:
        if isinstance(b, Table):
            for c in b.cells:
                c.box = convert(c.box)
        elif isinstance(b, Paragraph):
            b.box = convert(b.box)
