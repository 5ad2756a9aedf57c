"""Caps on one returned file: the defaults, each overridable by its environment variable.

The README section "限制" lists them; a file over a cap fails with its own Chinese message.
"""
from __future__ import annotations

import os

from schema.errors import PaichaError

MAX_PAGES = 300                 # pages of one PDF
MAX_PIXELS = 60_000_000         # one image, one image inside a PDF page, one page rendered for OCR
MAX_OCR_SECONDS = 300           # wall time reading one file once OCR is needed; then the file fails

ENV = {
    "MAX_PAGES": "PAICHA_MAX_PAGES",
    "MAX_PIXELS": "PAICHA_MAX_PIXELS",
    "MAX_OCR_SECONDS": "PAICHA_OCR_SECONDS",
}


def cap(name: str) -> int:
    """The cap `name` (MAX_PAGES …): its environment variable when set, else the default above."""
    var = ENV[name]
    raw = os.environ.get(var, "").strip()
    if not raw:
        return globals()[name]
    if not raw.isdigit() or int(raw) == 0:
        raise PaichaError(f"环境变量 {var} 应为正整数（现为“{raw}”）", code="config")
    return int(raw)
