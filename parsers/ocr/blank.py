"""Blank pages: is there any ink on a page? Decided on a small grey sample before OCR (a few ms).

sample (long side SAMPLE_SIDE px, ~50 dpi for A4) -> background (grey closing: strokes vanish)
-> paper (background bright, margins off) -> ink (darker than its background by more than the
contrast threshold, in spots of MIN_SPOT px or more) -> blank when ink covers < MIN_INK_SHARE.
A scanner's grey paper, grain, JPEG noise, dust and a desk around a photographed sheet are not
ink; a faint empty table or one short handwritten line is.
"""
from __future__ import annotations

import numpy as np

SAMPLE_SIDE = 600           # px, the sample's long side
BACKGROUND_KERNEL = 9       # px of the sample (~4.5 mm): darker things thinner than this are ink
PAPER_LEVEL = 0.6           # background at least this share of the brightest paper is paper (a desk is not)
MARGIN = 0.04               # share of each side ignored: scanner lid edges, punch holes, shadows
MIN_CONTRAST = 10           # grey levels a pixel must lie below its background to be ink ...
NOISE_FACTOR = 6            # ... and this many times the paper's grain (sd) ...
MAX_CONTRAST = 60           # ... but never more than this: on a dense form (a fax, a 28-item 自查表) ink is
                            # over a sixth of the paper and the grain estimate is ink, not grain
MIN_SPOT = 3                # px: smaller dark spots are dust or grain
MIN_INK_SHARE = 0.0001      # ink pixels / sample pixels for a page with content (one written character ~0.00017)


def sample(grey: np.ndarray) -> np.ndarray:
    """The grey page shrunk (area average) to SAMPLE_SIDE px on its long side (a smaller one as it is)."""
    import cv2
    h, w = grey.shape[:2]
    k = SAMPLE_SIDE / max(h, w)
    if k >= 1:
        return grey
    return cv2.resize(grey, (max(1, round(w * k)), max(1, round(h * k))), interpolation=cv2.INTER_AREA)


def ink_share(small: np.ndarray) -> float:
    """Share of the sample's pixels that are ink on paper."""
    import cv2
    if small.std() < 1:                    # one flat colour: nothing written
        return 0.0
    h, w = small.shape
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (BACKGROUND_KERNEL, BACKGROUND_KERNEL))
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    levels = np.cumsum(np.bincount(background.ravel(), minlength=256))
    paper = background >= PAPER_LEVEL * np.searchsorted(levels, 0.99 * levels[-1])   # the 99th percentile
    my, mx = int(h * MARGIN), int(w * MARGIN)
    paper[:my], paper[h - my:], paper[:, :mx], paper[:, w - mx:] = False, False, False, False
    if not paper.any():
        return 0.0
    darker = cv2.subtract(background, small)          # >= 0: the closing is never darker
    counts = np.cumsum(np.bincount(darker[paper], minlength=256))
    median, upper = np.searchsorted(counts, counts[-1] * np.array([0.5, 0.84]))
    noise = upper - median                            # ~1 sd of the paper's grain
    level = min(MAX_CONTRAST, max(MIN_CONTRAST, NOISE_FACTOR * noise))
    ink = ((darker > level) & paper).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    return float(areas[areas >= MIN_SPOT].sum()) / ink.size


def is_blank(small: np.ndarray) -> bool:
    """True when the sampled page carries no ink worth reading."""
    return ink_share(small) < MIN_INK_SHARE
