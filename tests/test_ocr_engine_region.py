"""Text detection only where the page has ink (geometry.ink_region -> engine.detect(region=...)), and
detection's preprocessing by table (engine._TableDetPre): on a real scan, the lines found are the
page's, blank margins and fax specks are left out, and the detector's input is rapidocr's to the bit."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from conftest import ROOT
from parsers.ocr import cellread, engine, geometry

SCAN = ROOT / "samples" / "returns_pdf" / "self_check-scan.jpg"     # made by samples/make_scans.py


def page_grey() -> np.ndarray:
    return cv2.cvtColor(cv2.imread(str(SCAN), cv2.IMREAD_COLOR), cv2.COLOR_BGR2GRAY)


def rects(quads) -> np.ndarray:
    return np.array([cellread.rect(q) for q in quads], dtype=np.float32).reshape(-1, 4)


def held(box, boxes) -> bool:
    """Whether box's centre lies in one of boxes."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return bool(((boxes[:, 0] <= cx) & (cx <= boxes[:, 2]) & (boxes[:, 1] <= cy) & (cy <= boxes[:, 3])).any())


def with_blank_bottom(grey: np.ndarray) -> np.ndarray:
    """The page with its lower half blank but for a dark rim at the right and fax specks."""
    h, w = grey.shape
    sheet = grey.copy()
    sheet[h // 2:] = 255
    sheet[:, w - 6:] = 40                                   # a photo's dark rim at the right
    rng = np.random.default_rng(7)
    for y, x in zip(rng.integers(h // 2 + 80, h - 50, 300), rng.integers(50, w - 50, 300)):
        sheet[y:y + 2, x:x + 2] = 0                         # lone specks, 2 px
    return sheet


def test_table_preprocess_is_rapidocrs_to_the_bit():
    from rapidocr.ch_ppocr_det.utils import DetPreProcess
    grey = page_grey()
    small = cv2.resize(grey, (905, 1280), interpolation=cv2.INTER_AREA)
    want = DetPreProcess(1280, "max")(engine._bgr(small))
    assert np.array_equal(engine._TableDetPre(DetPreProcess(1280, "max"))(small), want)
    assert np.array_equal(engine._TableDetPre(DetPreProcess(1280, "max"))(engine._bgr(small)), want)


def test_ink_region_holds_the_text_and_leaves_out_the_blank():
    grey = page_grey()
    sheet = with_blank_bottom(grey)
    h, w = grey.shape
    x0, y0, x1, y1 = geometry.ink_region(sheet)
    lines = rects(engine.detect(sheet, cellread.DET_SIDE))
    assert len(lines) > 20
    assert x0 <= lines[:, 0].min() and y0 <= lines[:, 1].min()
    assert x1 >= lines[:, 2].max() and y1 >= lines[:, 3].max()
    assert y1 < 0.6 * h                         # the specks and the rim below the text are not ink
    assert geometry.ink_region(np.full((800, 600), 255, np.uint8)) is None


def test_detect_in_the_region_finds_the_pages_lines():
    sheet = with_blank_bottom(page_grey())
    region = geometry.ink_region(sheet)
    whole = rects(engine.detect(sheet, cellread.DET_SIDE))
    got = rects(engine.detect(sheet, cellread.DET_SIDE, region))
    # the lines of the whole page found again (a box a pixel or two apart: the detector's channel
    # weights are page means, it sees less blank), a few short ones besides at most
    assert len(whole) > 20 and sum(held(a, got) for a in whole) >= 0.95 * len(whole)   # all, on this machine
    assert len(got) <= 1.1 * len(whole)
    # text outside the region is not looked for
    x0, y0, x1, y1 = region
    outside = sheet.copy()
    cv2.putText(outside, "12345678", (40, y1 + 200), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 0, 4)
    assert len(engine.detect(outside, cellread.DET_SIDE)) > len(whole)
    assert len(engine.detect(outside, cellread.DET_SIDE, region)) == len(got)


@pytest.mark.parametrize("knob,looked", [("1", True), ("", True), ("0", False)])
def test_cell_reader_looks_in_the_ink_region_unless_told_not_to(monkeypatch, knob, looked):
    monkeypatch.setenv("PAICHA_OCR_DET_REGION", knob)
    sheet = with_blank_bottom(page_grey())
    assert (cellread.region(sheet) is not None) == looked
    assert (cellread.region(cv2.cvtColor(sheet, cv2.COLOR_GRAY2BGR)) is not None) == looked
