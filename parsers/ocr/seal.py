"""Red-seal suppression.

Measured (TOOLCHAIN.md): the red channel as the grey image makes a red seal vanish
(red ink is bright in the red channel) while black text stays dark; masking red by
HSV did worse. Whitening light pixels afterwards helps ruling-line detection.
"""
from __future__ import annotations

import numpy as np

# Grey levels above which a pixel counts as paper. The seal left in the red channel
# is lighter than OCR_LIGHT_LEVEL; faint writing is darker and must survive for OCR.
# Grid detection tolerates a harder cut (LIGHT_LEVEL).
LIGHT_LEVEL = 170
OCR_LIGHT_LEVEL = 210


SEAL_REDNESS = 40        # R - max(G, B) above this: seal ink
SEAL_FRINGE_PX = 3      # JPEG smears the seal's edges: widen the seal mask this much
SEAL_DARK_LEVEL = 150   # inside the seal only pixels darker than this (black text) remain


def red_channel_grey(img: np.ndarray) -> np.ndarray:
    """The grey image to read: the red channel of a BGR image, with the seal's
    JPEG fringes (darker in the red channel) whitened too. Grey images pass through."""
    if img.ndim == 2:
        return img
    import cv2
    b, g, r = (img[:, :, i].astype(np.int16) for i in range(3))
    grey = np.ascontiguousarray(img[:, :, 2])
    seal = ((r - np.maximum(g, b)) > SEAL_REDNESS).astype(np.uint8)
    if not seal.any():
        return grey
    k = 2 * SEAL_FRINGE_PX + 1
    seal = cv2.dilate(seal, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))).astype(bool)
    grey[seal & (grey > SEAL_DARK_LEVEL)] = 255
    return grey


def whiten_light(grey: np.ndarray, level: int = LIGHT_LEVEL) -> np.ndarray:
    """A copy with every pixel lighter than `level` set to white (seal residue, paper texture)."""
    out = grey.copy()
    out[out > level] = 255
    return out


SEAL_RADIUS = (0.04, 0.10)    # a round seal's radius as a share of the page's long side (42 mm on A4: 0.07)
SEAL_RING_INK = 0.8           # share of a found circle that must be inked to be a seal's ring
SEAL_TRUST = 0.5              # confidence of text read under a black seal: never trusted unchecked
SEAL_SIDE = 700               # the page is searched for seals at this long side (0.05-0.3 s)
SEAL_RULE_PX = 60             # ink runs this long (at SEAL_SIDE) are ruling lines, taken away first


def black_seals(grey: np.ndarray) -> list[tuple[float, float, float]]:
    """Round seals left black in the grey image (a fax or a black-and-white scan: the red channel
    cannot lift them), as (cx, cy, r) in pixels of `grey`: circles of a seal's size found (Hough) once the
    ruling lines are taken away, kept when inked nearly all round."""
    import cv2
    scale = SEAL_SIDE / max(grey.shape[:2])
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = (small < 128).astype(np.uint8)
    k = SEAL_RULE_PX
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, k), np.uint8)) | \
        cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((k, 1), np.uint8))
    clean = np.where(ink & (1 - rules), 0, 255).astype(np.uint8)
    lo, hi = (int(f * SEAL_SIDE) for f in SEAL_RADIUS)
    found = cv2.HoughCircles(cv2.GaussianBlur(clean, (5, 5), 0), cv2.HOUGH_GRADIENT, dp=2, minDist=lo,
                             param1=120, param2=40, minRadius=lo, maxRadius=hi)
    if found is None:
        return []
    h, w = ink.shape
    cand = found[0]
    t = np.linspace(0, 2 * np.pi, 180, endpoint=False)
    hit = np.zeros((len(cand), t.size), bool)
    for dr in (-2, -1, 0, 1, 2):        # every candidate's ring sampled at once
        rr = cand[:, 2:3] + dr
        xs = np.clip(np.round(cand[:, 0:1] + rr * np.cos(t)).astype(int), 0, w - 1)
        ys = np.clip(np.round(cand[:, 1:2] + rr * np.sin(t)).astype(int), 0, h - 1)
        hit |= ink[ys, xs] > 0
    out: list[tuple[float, float, float]] = []
    for (cx, cy, r), share in sorted(zip(cand.tolist(), hit.mean(axis=1)), key=lambda x: -x[1]):
        if share >= SEAL_RING_INK and not any((cx - a) ** 2 + (cy - b) ** 2 < (r + c) ** 2 / 4 for a, b, c in out):
            out.append((cx, cy, r))
    return [(cx / scale, cy / scale, r / scale) for cx, cy, r in out]


def sealed(confidence: float | None, text: str) -> float:
    """The confidence of what was read where a black seal lies: at most SEAL_TRUST; a cell read empty
    there 0 (a tick or a number under the seal's strokes may not have been seen at all)."""
    if not text.strip():
        return 0.0
    return SEAL_TRUST if confidence is None else min(confidence, SEAL_TRUST)


def under_seal(box: tuple[float, float, float, float], seals, shape) -> bool:
    """Whether a box (fractions of an image of `shape`) overlaps any seal's disc (pixels)."""
    h, w = shape[:2]
    x0, y0, x1, y1 = box[0] * w, box[1] * h, box[2] * w, box[3] * h
    return any((min(max(cx, x0), x1) - cx) ** 2 + (min(max(cy, y0), y1) - cy) ** 2 < r * r for cx, cy, r in seals)
