"""Which text-detection model the OCR engine loads: the int8 copy made by scripts/quantize_ocr.py from
the rapidocr wheel's fp32 model, when it is there and was made from the very model this wheel ships
(its recorded sha256) and asked for, else the wheel's fp32 model (noted once in the log).

    det_params() -> rapidocr params ({"Det.model_path": ...} or {}), added by engine.get_engine
    det_choice() -> "int8" | "fp32": the model those params load

Knob: PAICHA_OCR_DET_MODEL=fp32|int8 (bench/bench_ocr.py --variant); unset: fp32 (int8 is opt-in).
Measured at 2a21cd3 (one core, same run; fields right / wrong flagged, scans then photos):
tune, cells+pack: fp32 94.6/96.2, 99.2/85.7 %, 4.98 s CPU a page -> int8 94.8/100, 99.3/100 %, 3.85 s;
tune, page: fp32 93.9/96.6, 98.9/100 % -> int8 93.7/93.3, 94.7/95.6 %, 12.6 -> 6.6 s (loaded machine);
calib, cells+pack: fp32 94.1/100, 95.5/100 %, 4.63 s, 879 MB -> int8 93.5/100, 93.2/100 %, 3.44 s,
1069 MB. The losses are 统计表 read a column off (campaign_stats photos, an inspection_stats fax), all
flagged: fields right not kept, so not the default.
"""
from __future__ import annotations

import functools
import json
import logging
import os
from pathlib import Path

from parsers.readers import sha256_file

MODEL_DIR = Path(__file__).resolve().parent / "models"
DET_INT8 = MODEL_DIR / "det_int8.onnx"
DET_INT8_META = MODEL_DIR / "det_int8.json"     # {"source_sha256": ..., how it was made}
CHOICES = ("int8", "fp32")

log = logging.getLogger("paicha.ocr")


@functools.lru_cache(maxsize=1)
def fp32_det() -> Path | None:
    """The wheel's det model rapidocr loads by default: its file name from rapidocr's own model table
    for the Det settings of its config.yaml, in the wheel's models folder."""
    try:
        import rapidocr
        from omegaconf import OmegaConf
        from rapidocr.inference_engine.base import FileInfo, InferSession
        from rapidocr.utils.typings import EngineType, LangDet, ModelType, OCRVersion, TaskType
        root = Path(rapidocr.__file__).resolve().parent
        cfg = OmegaConf.load(root / "config.yaml").Det
        info = InferSession.get_model_url(FileInfo(
            engine_type=EngineType(cfg.engine_type), ocr_version=OCRVersion(cfg.ocr_version),
            task_type=TaskType.DET, lang_type=LangDet(cfg.lang_type), model_type=ModelType(cfg.model_type)))
        path = root / "models" / Path(info["model_dir"]).name
    except Exception as exc:          # another rapidocr layout: we cannot tell which model it loads
        log.info("OCR: rapidocr's det model not found (%s)", exc)
        return None
    return path if path.is_file() else None


@functools.lru_cache(maxsize=1)
def int8_usable() -> tuple[bool, str]:
    """(whether det_int8.onnx can replace the wheel's model, why not)."""
    if not DET_INT8.is_file() or not DET_INT8_META.is_file():
        return False, f"{DET_INT8.name} missing"
    src = fp32_det()
    if src is None:
        return False, "the wheel's det model not found"
    try:
        want = json.loads(DET_INT8_META.read_text(encoding="utf-8"))["source_sha256"]
    except (ValueError, KeyError, OSError) as exc:
        return False, f"{DET_INT8_META.name} unreadable ({exc})"
    if want != sha256_file(src):
        return False, f"made from another model than the wheel's {src.name} (run scripts/quantize_ocr.py)"
    return True, ""


_noted = False


def det_choice() -> str:
    """The det model to load: PAICHA_OCR_DET_MODEL, else fp32 (see the module's docstring); int8 that
    is not usable falls back to fp32 with a note in the log (once a process)."""
    global _noted
    want = os.environ.get("PAICHA_OCR_DET_MODEL", "")
    if want not in CHOICES:
        want = "fp32"
    if want == "fp32":
        return "fp32"
    ok, why = int8_usable()
    if not ok and not _noted:
        _noted = True
        log.info("OCR: text detection runs on the fp32 model: %s", why)
    return "int8" if ok else "fp32"


def det_params() -> dict:
    """rapidocr params loading the chosen det model ({} for the wheel's own)."""
    return {"Det.model_path": str(DET_INT8)} if det_choice() == "int8" else {}
