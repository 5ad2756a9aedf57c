"""Which text-detection and text-recognition models the OCR engine loads: the int8 copy made by
scripts/quantize_ocr.py (--rec for recognition) from the rapidocr wheel's fp32 model, when it is there
and was made from the very model this wheel ships (its recorded sha256) and asked for, else the wheel's
fp32 model (noted once a process in the log).

    params() -> rapidocr params ({"Det.model_path": ..., "Rec.model_path": ...} or fewer), added by
      engine.get_engine
    choice(task) -> "int8" | "fp32": the model those params load for "det" or "rec"

Knobs: PAICHA_OCR_DET_MODEL=fp32|int8, PAICHA_OCR_REC_MODEL=fp32|int8 (bench/bench_ocr.py --variant);
unset: DEFAULT (detection int8 since the cell reader became the default: on calib and tune it reads as
many fields right as the fp32 page reader at less than half its CPU; recognition fp32: no int8 recipe
kept its readings, see below).
Detection:
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
TASKS = ("det", "rec")
INT8 = {t: MODEL_DIR / f"{t}_int8.onnx" for t in TASKS}
INT8_META = {t: MODEL_DIR / f"{t}_int8.json" for t in TASKS}     # {"source_sha256": ..., how it was made}
CHOICES = ("int8", "fp32")
KNOB = {"det": "PAICHA_OCR_DET_MODEL", "rec": "PAICHA_OCR_REC_MODEL"}
DEFAULT = {"det": "int8", "rec": "fp32"}
WHAT = {"det": "text detection", "rec": "text recognition"}

log = logging.getLogger("paicha.ocr")


@functools.lru_cache(maxsize=2)
def fp32_model(task: str) -> Path | None:
    """The wheel's model rapidocr loads by default for `task` ("det" | "rec"): its file name from
    rapidocr's own model table for the settings of its config.yaml, in the wheel's models folder."""
    try:
        import rapidocr
        from omegaconf import OmegaConf
        from rapidocr.inference_engine.base import FileInfo, InferSession
        from rapidocr.utils.typings import EngineType, LangDet, LangRec, ModelType, OCRVersion, TaskType
        root = Path(rapidocr.__file__).resolve().parent
        cfg = OmegaConf.load(root / "config.yaml")[task.capitalize()]
        info = InferSession.get_model_url(FileInfo(
            engine_type=EngineType(cfg.engine_type), ocr_version=OCRVersion(cfg.ocr_version),
            task_type=TaskType(task), lang_type=(LangDet if task == "det" else LangRec)(cfg.lang_type),
            model_type=ModelType(cfg.model_type)))
        path = root / "models" / Path(info["model_dir"]).name
    except Exception as exc:          # another rapidocr layout: we cannot tell which model it loads
        log.info("OCR: rapidocr's %s model not found (%s)", task, exc)
        return None
    return path if path.is_file() else None


@functools.lru_cache(maxsize=2)
def int8_usable(task: str = "det") -> tuple[bool, str]:
    """(whether <task>_int8.onnx can replace the wheel's model, why not)."""
    model, meta = INT8[task], INT8_META[task]
    if not model.is_file() or not meta.is_file():
        return False, f"{model.name} missing"
    src = fp32_model(task)
    if src is None:
        return False, f"the wheel's {task} model not found"
    try:
        want = json.loads(meta.read_text(encoding="utf-8"))["source_sha256"]
    except (ValueError, KeyError, OSError) as exc:
        return False, f"{meta.name} unreadable ({exc})"
    if want != sha256_file(src):
        args = " --rec" if task == "rec" else ""
        return False, f"made from another model than the wheel's {src.name} (run scripts/quantize_ocr.py{args})"
    return True, ""


_noted: set[str] = set()


def choice(task: str) -> str:
    """The model to load for `task`: its knob (KNOB), else DEFAULT (see the module's docstring); int8
    that is not usable falls back to fp32 with a note in the log (once a process)."""
    want = os.environ.get(KNOB[task], "")
    if want not in CHOICES:
        want = DEFAULT[task]
    if want == "fp32":
        return "fp32"
    ok, why = int8_usable(task)
    if not ok and task not in _noted:
        _noted.add(task)
        log.info("OCR: %s runs on the fp32 model: %s", WHAT[task], why)
    return "int8" if ok else "fp32"


def params() -> dict:
    """rapidocr params loading the chosen models ({} for the wheel's own)."""
    return {f"{t.capitalize()}.model_path": str(INT8[t]) for t in TASKS if choice(t) == "int8"}
