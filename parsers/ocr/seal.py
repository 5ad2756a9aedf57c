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


def red_channel_grey(img: np.ndarray) -> np.ndarray:
    """The grey image to read: the red channel of a BGR image (grey images pass through)."""
    if img.ndim == 2:
        return img
    return np.ascontiguousarray(img[:, :, 2])


def whiten_light(grey: np.ndarray, level: int = LIGHT_LEVEL) -> np.ndarray:
    """A copy with every pixel lighter than `level` set to white (seal residue, paper texture)."""
    out = grey.copy()
    out[out > level] = 255
    return out
