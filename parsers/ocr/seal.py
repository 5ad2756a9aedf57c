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
