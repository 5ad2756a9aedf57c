"""Read cells, not pages (issue 14 item 3): text lines found on a small copy of the page, cut at the
rules of the ruled grid, each piece read at full resolution by recognition alone.

    read(text_grey, lines_grey, seals) -> Pieces, as engine.recognise gives them:
      engine.detect on the page shrunk to DET_SIDE (text lines; a quarter of the pixels of the
      full-page detection; inside the box round the page's ink only, geometry.ink_region) -> grid.find_grids from those boxes (the rules need no reading) ->
      each line cut where a rule between two cells crosses it (北石店镇 | 建材 are two cells)
      -> trim_to_ink: each piece no wider than its ink, a blank one left out -> engine.read_boxes:
      the pieces recognised, batched by width, on the full-resolution page; each character scored.
    read_with_grids(...) -> the pieces and the grids they were cut by (cells.read_page fills those:
      the cells the text was cut into are the cells it is put in).
    quarter_turns(bgr) -> np.rot90 turns making standing text lie (found on a very small copy, the
      way up told by reading its longest lines both ways).
    upside_down(text_grey, pieces) -> whether the longest lines read better turned half round.

Knobs (bench/bench_ocr.py --variant): PAICHA_OCR_READ=cells reads this way (the default since the
calib and tune runs below; PAICHA_OCR_READ=page: detection and recognition together on the whole page); PAICHA_OCR_DET_SIDE=N the long side text is found on;
PAICHA_OCR_DET_REGION=0 text looked for on the whole page (round the page's ink is the default: below);
PAICHA_OCR_PACK=1 short lines read several to a row (engine.read_boxes; measured slower and with fewer
wrong photo fields flagged than crops read alone, below: a candidate for removal).
Measured at e5ba190 (bench/bench_ocr.py --set tune, one core, same run, machine at load 6-14: CPU
times inflated; fields right / wrong flagged / right flagged): page 11.6 s CPU a page, 1246 MB; scans
93.9 / 96.6 / 3.1 %, photos 98.9 / 100 / 5.4 %. cells 6.3 s (0.54x), 914 MB; scans 94.6 / 96.2 / 4.0 %,
photos 98.8 / 100 / 4.3 % (at 5528cae, packed: wrong flagged 76.9 / 85.7 %). cells + PACK: 7.5 s; scans
94.6 / 96.2 / 3.3 %, photos 99.2 / 85.7 / 4.3 %. Rec of the 200 dpi campaign_stats scan: 43,032 columns
fed padded to 320 px, 21,918 packed, 24,954 now (CPU 4.7 -> 2.6 s at that load).
At 6647dcd with the int8 detection (2a21cd3) and 1cc7743's thresholds, calib set (its first 24 files,
--limit 24), page and cells side by side on the two cores: page 6.4 s CPU a page, 976 MB; scans 93.0 /
100 / 2.6 %, photos 94.9 / 100 / 2.0 %. cells 4.5 s, 961 MB; scans 92.2 / 100 / 3.6 %, photos 89.4 / 100 /
7.0 % (campaign_stats-photo-2: 22 of 58 fields, page 58: its small two-level header read worse). Flags
kept, fewer calib fields right: not the default.
At 0147f38 (grid: rules kept inside text boxes, row lines judged over joined columns, lines over a
table's side not cut, digits-only reading in numeric columns), same runs, machine at load 9-12, page vs
cells + int8 det: calib 8.84 vs 3.69 s CPU a page, 1105 vs 866 MB; scans 93.9 / 100 / 1.7 % vs 94.9 /
100 / 2.8 %, photos 93.4 / 100 / 10.1 % vs 93.5 / 100 / 7.9 % (before: cells 93.5, 93.2 % right). tune
10.67 vs 4.27 s, 1130 vs 750 MB; scans 93.9 / 96.6 / 2.0 % vs 94.4 / 100 / 3.5 %, photos 98.8 / 100 /
5.5 % vs 98.9 / 88.9 / 4.9 % (one wrong field unflagged: 设置 read 投置; progress_dispatch's 1/0 read
as digits, two fields a file, fixed after in 39e416a). The page run had keep_rules without its width
limit (self_check-fax 136 -> 133 fields). Both units-row losses (campaign_stats-photo-2, 20-22 of 58)
are the recogniser's: a unit (人) read 3 makes the units row data.
Text looked for round the ink (PAICHA_OCR_DET_REGION) against 40c0acf (bench_ocr, one core, both side by side, machine at load
9-20: CPU inflated; fields right / wrong flagged / right flagged, scans then photos): tune 3.63 -> 3.31
s CPU a page; 94.8 / 100 / 3.5 -> 94.8 / 100 / 3.3 %, 99.2 / 85.7 / 4.9 -> 99.1 / 87.5 / 4.5 %. tune2
4.22 -> 3.84 s, 783 -> 687 MB; 87.9 / 100 / 9.9 -> 88.2 / 100 / 10.0 %, 59.1 / 99.9 / 19.3 -> 61.7 /
100 / 20.4 %. calib 3.56 -> 3.08 s, 961 -> 755 MB; 95.8 / 100 / 2.2 -> 96.1 / 100 / 2.1 %, 95.8 / 100 /
4.8 -> 95.9 / 100 / 5.5 %. 9-13 % less CPU and more fields right, but more right photo fields flagged
(the detector's channel weights are page means: on less blank its boxes move a pixel or two, a few
short ones are found besides). The default since: less CPU and memory, more fields right, no
wrong field less flagged (and the seal star of tests/test_ocr_cells no longer cuts a name under int8).
"""
from __future__ import annotations

import os

import cv2
import numpy as np

from parsers.ocr import engine, geometry, grid
from parsers.ocr.engine import Piece

DET_SIDE = 1280          # px: long side of the copy text lines are found on
TURN_SIDE = 800          # px: long side of the copy that tells lying text from standing text
CUT_MARGIN = 0.5         # text heights: a rule this close to a line's end does not cut it
RULE_GAP = 0.15          # text heights left out on each side of a rule that cuts a line
MIN_PIECE = 0.4          # text heights: a cut-off piece narrower than this is dropped
LINE_PAD = 0.2           # line heights added at each end of a line found on the small copy (its box
                         # comes out tight: a last character may be cut)
INK_LEVEL = 160          # grey below this is ink (the page read: light residue already whitened)
INK_PX = 2               # a column with this many ink pixels is ink (a speck of noise is not)
INK_MARGIN = 0.1         # piece heights left out at top and bottom when looking for ink
TRIM_PAD = 0.35          # text heights of white kept beyond a piece's ink at each end
PROBE_LINES = 8          # the longest lines read both ways up to tell an upside-down page
READS = ("cells", "page")


def mode() -> str:
    """PAICHA_OCR_READ: "cells" (the default) or "page" (detection and recognition on the whole page)."""
    name = os.environ.get("PAICHA_OCR_READ", "") or READS[0]
    return name if name in READS else READS[0]


def det_side() -> int:
    env = os.environ.get("PAICHA_OCR_DET_SIDE", "")
    return int(env) if env.isdigit() and int(env) > 0 else DET_SIDE


def region(img: np.ndarray) -> tuple[int, int, int, int] | None:
    """Where engine.detect looks for text on a page: round its ink (geometry.ink_region), or with
    PAICHA_OCR_DET_REGION=0 the whole page (None)."""
    if os.environ.get("PAICHA_OCR_DET_REGION", "") == "0":
        return None
    return geometry.ink_region(img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY))


def rect(quad: np.ndarray) -> tuple[float, float, float, float]:
    return (float(quad[:, 0].min()), float(quad[:, 1].min()), float(quad[:, 0].max()), float(quad[:, 1].max()))


def box_pieces(quads: list[np.ndarray]) -> list[Piece]:
    """Unread line boxes as Pieces (what grid.find_grids needs: their boxes)."""
    return [Piece("", 1.0, *rect(q), i, rect(q)) for i, q in enumerate(quads)]


def read(text_grey: np.ndarray, lines_grey: np.ndarray | None = None, seals=(),
         char_scores: bool = True) -> list[Piece]:
    """The pieces of text on a straightened page (see the module's docstring)."""
    return read_with_grids(text_grey, lines_grey, seals, char_scores)[0]


def read_with_grids(text_grey: np.ndarray, lines_grey: np.ndarray | None = None, seals=(),
                    char_scores: bool = True) -> tuple[list[Piece], list[grid.Grid]]:
    """read(), and the grids the lines were cut by (the cells to fill: grid.blocks_from_page)."""
    quads = engine.detect(text_grey, det_side(), region(text_grey))
    if not quads:
        return [], []
    boxes = box_pieces(quads)
    unit = grid.text_unit(boxes)
    grids, _ = grid.find_grids(text_grey, boxes, lines_grey=lines_grey, seals=seals)
    pieces = trim_to_ink(text_grey, cut_at_rules(quads, grids, unit, text_grey.shape[1]), unit)
    return engine.read_boxes(text_grey, pieces, char_scores), grids


def trim_to_ink(grey: np.ndarray, quads: list[np.ndarray], unit: float) -> list[np.ndarray]:
    """The pieces made no wider than their ink and TRIM_PAD (a piece cut out of a line spans its whole
    cell, mostly white: the recogniser's time goes by width), those with no ink left out (a blank cell
    needs no reading). Ink: columns with INK_PX pixels darker than INK_LEVEL, in the piece's middle
    rows (a rule along its top or bottom is not ink)."""
    out = []
    pad = TRIM_PAD * unit
    h, w = grey.shape[:2]
    for q in quads:
        x0, y0, x1, y1 = rect(q)
        m = INK_MARGIN * (y1 - y0)
        a, b = max(0, int(x0)), min(w, int(np.ceil(x1)))
        band = grey[max(0, int(y0 + m)):min(h, int(np.ceil(y1 - m))), a:b]
        cols = np.flatnonzero((band < INK_LEVEL).sum(axis=0) >= INK_PX) if band.size else []
        if not len(cols):
            continue
        lo, hi = max(x0, a + cols[0] - pad), min(x1, a + cols[-1] + 1 + pad)
        if lo <= x0 + 1 and hi >= x1 - 1:
            out.append(q)
            continue
        p = q.copy()
        left = p[:, 0] <= np.median(p[:, 0])
        p[left, 0] = np.maximum(p[left, 0], lo)
        p[~left, 0] = np.minimum(p[~left, 0], hi)
        out.append(p)
    return out


def cut_at_rules(quads: list[np.ndarray], grids: list[grid.Grid], unit: float, width: int) -> list[np.ndarray]:
    """Each line quad made LINE_PAD of its height longer at both ends (a box found on the small copy
    comes out tight: a last character may be cut), but never over a rule (a table's side cuts off its
    padding only: a number written on over the border is its cell's); where rules between cells cross
    it, its pieces between them (rectangles)."""
    out = []
    gap = RULE_GAP * unit
    for q in quads:
        x0, y0, x1, y1 = rect(q)
        d = LINE_PAD * (y1 - y0)
        edges = grid.cell_edges(grids, (x0 + x1) / 2, (y0 + y1) / 2)
        lo = max([e + gap for e in edges if e <= x0 + CUT_MARGIN * unit], default=0.0)
        hi = min([e - gap for e in edges if e >= x1 - CUT_MARGIN * unit], default=width - 1.0)
        if edges and lo == edges[0] + gap:          # text run over the table's side is its cell's
            lo = min(lo, x0)
        if edges and hi == edges[-1] - gap:
            hi = max(hi, x1)
        cuts = [x for x in edges if x0 + CUT_MARGIN * unit < x < x1 - CUT_MARGIN * unit]
        if not cuts:
            p = q.copy()
            left = p[:, 0] <= np.median(p[:, 0])
            p[left, 0] = np.maximum(p[left, 0] - d, lo)
            p[~left, 0] = np.minimum(p[~left, 0] + d, hi)
            out.append(p)
            continue
        ends = [max(lo, x0 - d)] + [e for x in cuts for e in (x - gap, x + gap)] + [min(hi, x1 + d)]
        for a, b in zip(ends[::2], ends[1::2]):
            if b - a >= MIN_PIECE * unit:
                out.append(np.float32([[a, y0], [b, y0], [b, y1], [a, y1]]))
    return out


def quarter_turns(img: np.ndarray) -> int:
    """np.rot90 turns (0, 1 or 3) that make text standing on end lie, found on a small copy: which of
    the two ways up, its longest lines tell (upside_down)."""
    quads = engine.detect(img, TURN_SIDE, region(img))
    rects = [rect(q) for q in quads]
    if not geometry.text_is_vertical(rects):
        return 0
    from parsers.ocr import seal
    w = img.shape[1]
    turned = np.ascontiguousarray(np.rot90(seal.red_channel_grey(img), 1))
    lying = [(y0, w - 1 - x1, y1, w - 1 - x0) for x0, y0, x1, y1 in rects]     # the same boxes, turned
    return 3 if _reads_better_flipped(turned, lying) else 1


def upside_down(text_grey: np.ndarray, pieces: list[Piece]) -> bool:
    """Whether the page's PROBE_LINES longest lines read better turned half round (mean score)."""
    return _reads_better_flipped(text_grey, list({p.line_box for p in pieces}))


def _reads_better_flipped(grey: np.ndarray, boxes: list[tuple[float, float, float, float]]) -> bool:
    lines = sorted(boxes, key=lambda b: b[0] - b[2])[:PROBE_LINES]
    if not lines:
        return False
    h, w = grey.shape[:2]
    quads = [np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]) for x0, y0, x1, y1 in lines]
    turned = [np.float32([[w - 1 - x1, h - 1 - y1], [w - 1 - x0, h - 1 - y1], [w - 1 - x0, h - 1 - y0],
                          [w - 1 - x1, h - 1 - y0]]) for x0, y0, x1, y1 in lines]
    as_is = engine.read_boxes(grey, quads)
    flipped = engine.read_boxes(np.ascontiguousarray(np.rot90(grey, 2)), turned)
    return line_score(flipped, len(lines)) > line_score(as_is, len(lines))


def line_score(pieces: list[Piece], n: int) -> float:
    """The mean score of n lines read (a line dropped for its low score counts 0)."""
    scores = {p.line: p.score for p in pieces}
    return sum(scores.values()) / n if n else 0.0


def mean_score(pieces) -> float:
    """Pieces' scores weighted by their characters."""
    n = sum(len(p.text) for p in pieces)
    return sum(p.score * len(p.text) for p in pieces) / n if n else 0.0
