"""The int8 text-detection model (parsers/ocr/models.py, made by scripts/quantize_ocr.py): made from the
wheel's own fp32 model, finding the same text lines, and chosen by PAICHA_OCR_DET_MODEL."""
from __future__ import annotations

import json
import logging

import cv2
import numpy as np
import pytest

from conftest import ROOT
from parsers.ocr import engine, models
from parsers.readers import sha256_file
from scripts.quantize_ocr import IOU, agreement, line_boxes, session

SCAN = ROOT / "samples" / "returns_pdf" / "self_check-scan.jpg"     # made by samples/make_scans.py
PHOTO = ROOT / "samples" / "returns_pdf" / "supervision_check-photo.jpg"


@pytest.fixture
def fresh(monkeypatch):
    """models' cached answers and the engine forgotten for one test (restored after it)."""
    monkeypatch.setattr(engine, "_engine", None)
    monkeypatch.setattr(models, "_noted", set())
    models.int8_usable.cache_clear()
    yield monkeypatch
    models.int8_usable.cache_clear()


def test_committed_model_made_from_the_wheels_model():
    meta = json.loads(models.INT8_META["det"].read_text(encoding="utf-8"))
    assert meta["source_sha256"] == sha256_file(models.fp32_model("det"))
    assert meta["sha256"] == sha256_file(models.INT8["det"])
    assert models.int8_usable("det") == (True, "")


def det_input(path, long_side: int) -> np.ndarray:
    """A page shrunk to long_side and preprocessed as engine.detect has rapidocr do it."""
    from rapidocr.ch_ppocr_det.utils import DetPreProcess
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    k = long_side / max(img.shape[:2])
    small = cv2.resize(img, (round(img.shape[1] * k), round(img.shape[0] * k)), interpolation=cv2.INTER_AREA)
    return DetPreProcess(max(small.shape[:2]), "max")(small)


@pytest.mark.parametrize("path,long_side", [(SCAN, 1280), (SCAN, 960), (PHOTO, 1280)])
def test_int8_finds_the_lines_fp32_finds(path, long_side):
    x = det_input(path, long_side)
    ref = line_boxes(session(models.fp32_model("det")), x)
    got = line_boxes(session(models.INT8["det"]), x)
    matched, n, matched_int8, n_int8 = agreement(ref, got)
    assert n > 20                                   # a real page of lines
    assert matched / n >= 0.97, f"fp32 lines matched at IoU >= {IOU}: {matched}/{n}"
    assert matched_int8 / n_int8 >= 0.97, f"int8 lines matched: {matched_int8}/{n_int8}"


def loaded_model(monkeypatch, choice: str | None) -> str:
    if choice is None:
        monkeypatch.delenv("PAICHA_OCR_DET_MODEL", raising=False)
    else:
        monkeypatch.setenv("PAICHA_OCR_DET_MODEL", choice)
    monkeypatch.setattr(engine, "_engine", None)
    return engine.get_engine()._load_det_model().session.session._model_path


def test_knob_switches_the_model_the_engine_loads(fresh):
    assert loaded_model(fresh, None) == str(models.INT8["det"])              # the default (models.DEFAULT)
    assert loaded_model(fresh, "int8") == str(models.INT8["det"])
    assert loaded_model(fresh, "fp32") == str(models.fp32_model("det"))


def test_model_made_from_another_fp32_falls_back_with_a_note(fresh, tmp_path, caplog):
    meta = json.loads(models.INT8_META["det"].read_text(encoding="utf-8"))
    stale = tmp_path / "det_int8.json"
    stale.write_text(json.dumps({**meta, "source_sha256": "0" * 64}), encoding="utf-8")
    fresh.setitem(models.INT8_META, "det", stale)
    fresh.setenv("PAICHA_OCR_DET_MODEL", "int8")
    with caplog.at_level(logging.INFO, logger="paicha.ocr"):
        assert models.choice("det") == "fp32" and models.params() == {}
        models.choice("det")
    assert [r.getMessage() for r in caplog.records].count(
        "OCR: text detection runs on the fp32 model: made from another model than the wheel's "
        f"{models.fp32_model('det').name} (run scripts/quantize_ocr.py)") == 1          # noted once



def test_rec_int8_asked_for_but_not_made_falls_back_with_a_note(fresh, tmp_path, caplog):
    """No int8 rec model is committed (scripts/quantize_ocr.py REC_RECIPE: none was both faster and as
    right): asking for one loads the wheel's fp32 rec model, with one note."""
    fresh.setitem(models.INT8, "rec", tmp_path / "rec_int8.onnx")
    fresh.setenv("PAICHA_OCR_REC_MODEL", "int8")
    fresh.setenv("PAICHA_OCR_DET_MODEL", "int8")
    with caplog.at_level(logging.INFO, logger="paicha.ocr"):
        assert models.choice("rec") == "fp32" and models.params() == {"Det.model_path": str(models.INT8["det"])}
        rec = engine.get_engine()._load_rec_model()
    assert rec.session.session._model_path == str(models.fp32_model("rec"))
    assert [r.getMessage() for r in caplog.records].count(
        "OCR: text recognition runs on the fp32 model: rec_int8.onnx missing") == 1

# -- the recogniser's own decode (engine.read_boxes): the digits-only alternative reading -----------------

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def cell_crop(text: str, size: int = 36) -> np.ndarray:
    """A grey crop of one cell's text (200 dpi-like: 36 px), white around it."""
    from PIL import Image, ImageDraw, ImageFont
    im = Image.new("L", (40 + size * len(text), size * 2), 255)
    ImageDraw.Draw(im).text((20, size // 3), text, font=ImageFont.truetype(FONT, size, index=2), fill=0)
    return np.array(im)


def read_cells(texts: list[str]) -> list[list]:
    """Each text drawn into its own crop of one strip, read by engine.read_boxes: the pieces per crop."""
    crops = [cell_crop(t) for t in texts]
    strip = np.full((max(c.shape[0] for c in crops), sum(c.shape[1] + 30 for c in crops)), 255, np.uint8)
    quads, x = [], 0
    for c in crops:
        h, w = c.shape
        strip[:h, x:x + w] = c
        quads.append(np.array([[x, 0], [x + w, 0], [x + w, h], [x, h]], np.float32))
        x += w + 30
    pieces = engine.read_boxes(strip, quads, char_scores=True)
    return [[p for p in pieces if p.line == i] for i in range(len(texts))]


@pytest.mark.parametrize("pack", ["", "1"])
def test_digits_alternative_reads_letters_as_digits_and_scores_them(monkeypatch, pack):
    monkeypatch.setenv("PAICHA_OCR_PACK", pack)
    s0, l2, b6, unit = read_cells(["S0", "l2", "B6", "12个"])
    # a zero after a letter is read as the letter O; the digits reading has the zero, scored low
    assert [p.text for p in s0] == ["SO"]
    assert s0[0].digits == "50" and s0[0].digits_score < 0.5
    assert s0[0].digits_score == min(s0[0].digits_scores) and len(s0[0].digits_scores) == 2
    # an l that is a 1: read as 12 both ways, the digits confident
    assert [(p.text, p.digits) for p in l2] == [("12", "12")] and l2[0].digits_score > 0.9
    # a letter with no digit look-alike in its frames: still one digit a character, its score tiny
    assert [p.text for p in b6] == ["B6"] and b6[0].digits[1] == "6" and b6[0].digits_scores[0] < 0.01
    assert b6[0].digits_scores[1] > 0.9
    # a Chinese character after a number: its own piece, its digit reading near zero
    assert [p.text for p in unit] == ["12", "个"]
    assert unit[0].digits == "12" and unit[0].digits_score > 0.9 and unit[1].digits_score < 0.01
    assert all(set(p.digits) <= set(engine.DIGITS) and len(p.digits) == len(p.text)
               for cell in (s0, l2, b6, unit) for p in cell)


def test_pieces_made_elsewhere_carry_no_digits_reading():
    p = engine.Piece("12", 0.9, 0, 0, 10, 10, 0)          # built positionally (cellread.box_pieces)
    assert (p.digits, p.digits_score, p.digits_scores) == ("", 0.0, ())
