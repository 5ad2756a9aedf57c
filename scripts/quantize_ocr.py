"""Make parsers/ocr/models/det_int8.onnx: the rapidocr wheel's fp32 text-detection model quantized to
int8 (static, QDQ: uint8 activations, int8 weights), calibrated on real page inputs.

    .venv/bin/python scripts/quantize_ocr.py              # capture (once), calibrate, write the model
    .venv/bin/python scripts/quantize_ocr.py --compare    # every recipe's line boxes against fp32's

Needs the `onnx` package (pip install '.[models]'); run time needs only onnxruntime. The model made is
committed: neither CI nor users run this.

Steps:
  capture -> every detection input the pipeline makes on the pages of the tune and calib sets of
    samples/make_photos.py (out/ocr_hard/tune|calib; never the held-out set) and the clean scans of
    samples/make_scans.py (samples/returns_pdf/*-scan.jpg), exactly as rapidocr preprocesses them:
    the det session is tapped while the cells pipeline reads each file (turn finding at 800 px, text
    lines at 1280 px), and each page is also detected at 960 px and as the page pipeline does
    (rapidocr's whole call: long side 2000, /32). Kept as uint8 PNGs in out/ocr_quant/inputs/.
  calibrate -> activation ranges per method (MinMax, Percentile, Entropy), one input at a time,
    cached in out/ocr_quant/ranges-METHOD.json.
  quantize -> QDQ model from the opset-17 copy of the fp32 model (the shipped opset makes QDQ invalid).
  compare -> per recipe: line boxes (rapidocr's DB post-processing) matched to fp32's at IoU >= 0.7,
    recall and precision, per input kind; the chosen recipe is RECIPE below.
Deterministic: the same inputs give the same bytes. det_int8.json records the source model's sha256
(parsers/ocr/models.py loads the int8 model only when it matches the wheel's).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WORK = ROOT / "out" / "ocr_quant"
SETS = ("tune", "calib")                   # never "heldout"
CLEAN = ROOT / "samples" / "returns_pdf"
OPSET = 17
IOU = 0.7
CALIB_STRIDE = 3                           # every 3rd input of each kind calibrates; all are compared
RECIPE = {"method": "MinMax", "per_channel": True}    # chosen by --compare (see the module's docstring)
METHODS = ("MinMax", "Percentile", "Entropy")
EXTRA = ("det960", "page")                  # inputs made besides the cells pipeline's own


def capture_files() -> list[Path]:
    from bench.bench_ocr import HARD, ensure_images
    files = [HARD / s / t["file"] for s in SETS for t in ensure_images(s)]
    return files + sorted(CLEAN.glob("*-scan.jpg"))


def read_capture_files(now: dict, index: list, unit: str) -> None:
    """Every capture file read through the pipeline (a tapped session records what it is fed); `now`
    names the file being read, `index` grows by what the tap records (`unit`: what it counts)."""
    from parsers.readers import read_file
    from schema.errors import InputError
    for path in capture_files():
        now["file"] = str(path.relative_to(ROOT))
        t = time.process_time()
        try:
            read_file(path)
        except InputError as e:
            print(f"  {path.name}: {e}")
        print(f"  {path.name}: {time.process_time() - t:.1f} s, {len(index)} {unit}", flush=True)


def capture() -> list[dict]:
    """Run the cells pipeline on every capture file with the det session tapped; the inputs as PNGs."""
    index_path = WORK / "inputs" / "index.json"
    if index_path.exists():
        return json.loads(index_path.read_text(encoding="utf-8"))
    os.environ.update({"PAICHA_OCR_DET_MODEL": "fp32", "PAICHA_OCR_READ": "cells", "PAICHA_OCR_PIPELINE": "cells",
                       "PAICHA_OCR_THREADS": os.environ.get("PAICHA_OCR_THREADS", "1")})
    os.environ.pop("PAICHA_OCR_DET_SIDE", None)
    from parsers.ocr import cellread, engine
    (WORK / "inputs").mkdir(parents=True, exist_ok=True)
    det = engine.get_engine()._load_det_model()
    session, original_detect = det.session, engine.detect
    index: list[dict] = []
    now = {"file": "", "kind": ""}

    def tap(x: np.ndarray):
        name = f"{len(index):04d}.png"
        cv2.imwrite(str(WORK / "inputs" / name), to_uint8(x))
        index.append({"png": name, "file": now["file"], "kind": now["kind"], "shape": list(x.shape[2:])})
        if now["kind"] in EXTRA:                 # only captured: the pipeline does not use this output
            return np.zeros((1, 1, *x.shape[2:]), np.float32)
        return session(x)

    def detect(img, long_side=None):
        now["kind"] = "turn" if long_side == cellread.TURN_SIDE else f"det{long_side}"
        out = original_detect(img, long_side)
        if long_side == cellread.det_side():
            now["kind"] = "det960"
            original_detect(img, 960)
            now["kind"] = "page"                 # the page pipeline's detection: rapidocr's whole call
            engine.get_engine()(engine._bgr(img), use_det=True, use_cls=False, use_rec=False)
        return out

    det.session, engine.detect = tap, detect
    try:
        read_capture_files(now, index, "inputs")
    finally:
        det.session, engine.detect = session, original_detect
    index_path.write_text(json.dumps(index, ensure_ascii=False, indent=0), encoding="utf-8")
    return index


def to_uint8(x: np.ndarray) -> np.ndarray:
    """A det input tensor (1x3xHxW, (v/255 - 0.5) / 0.5) back to the HxWx3 image it was made from."""
    return np.clip(np.rint((x[0].transpose(1, 2, 0) * 0.5 + 0.5) * 255), 0, 255).astype(np.uint8)


def load_input(entry: dict) -> np.ndarray:
    """The tensor rapidocr's DetPreProcess made, from its PNG (the same normalisation code)."""
    from rapidocr.ch_ppocr_det.utils import DetPreProcess
    pre = DetPreProcess()
    img = cv2.imread(str(WORK / "inputs" / entry["png"]), cv2.IMREAD_COLOR)
    return np.expand_dims(pre.permute(pre.normalize(img)), 0).astype(np.float32)


def fp32_model() -> Path:
    from parsers.ocr import models
    path = models.fp32_model("det")
    if path is None:
        sys.exit("rapidocr 的文字检测模型未找到")
    return path


def opset_copy(src: Path | None = None, work: Path = WORK) -> Path:
    """The fp32 model (det's unless `src`) converted to opset 17 (QDQ needs it), in `work`."""
    import onnx
    from onnx import version_converter
    src = src or fp32_model()
    out = work / f"{'det' if src == fp32_model() else 'rec'}_fp32_opset{OPSET}.onnx"
    if not out.exists():
        work.mkdir(parents=True, exist_ok=True)
        model = version_converter.convert_version(onnx.load(str(src)), OPSET)
        onnx.save(model, str(out))
    return out


class Reader:
    """CalibrationDataReader over the chosen inputs, one at a time (ranges merged between them)."""

    def __init__(self, entries: list[dict], input_name: str):
        self.entries, self.name = entries, input_name
        self.start, self.end, self.pos = 0, len(entries), 0

    def __len__(self) -> int:
        return len(self.entries)

    def set_range(self, start_index: int, end_index: int) -> None:
        self.start, self.end, self.pos = start_index, end_index, start_index

    def get_next(self):
        if self.pos >= self.end:
            return None
        self.pos += 1
        return {self.name: load_input(self.entries[self.pos - 1])}


def calib_entries(index: list[dict]) -> list[dict]:
    """Every CALIB_STRIDE-th input of each kind but the page pipeline's full-size ones (calibrating
    returns every tensor of the model: 11 GB for one 2000 px page; the ranges hold at any size)."""
    out = []
    for kind in sorted({e["kind"] for e in index} - {"page"}):
        out += [e for e in index if e["kind"] == kind][::CALIB_STRIDE]
    return out


def quantize(index: list[dict], method: str, per_channel: bool, out: Path) -> Path:
    """The int8 model of one recipe (activation ranges cached per method)."""
    import onnxruntime as ort
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static
    src = opset_copy()
    name = ort.InferenceSession(str(src), providers=["CPUExecutionProvider"]).get_inputs()[0].name
    entries = calib_entries(index)
    cache = WORK / f"ranges-{method}.json"
    t = time.process_time()
    quantize_static(str(src), str(out), Reader(entries, name) if not cache.exists() else None,
                    quant_format=QuantFormat.QDQ, per_channel=per_channel,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                    calibrate_method=getattr(CalibrationMethod, method),
                    extra_options={"CalibStridedMinMax": 1}, calibration_cache_path=str(cache))
    print(f"  {out.name}: {method}, per_channel={per_channel}, {len(entries)} inputs, "
          f"{time.process_time() - t:.0f} s", flush=True)
    return out


def session(path: Path):
    import onnxruntime as ort
    opt = ort.SessionOptions()
    opt.intra_op_num_threads, opt.inter_op_num_threads = 1, 1
    return ort.InferenceSession(str(path), opt, providers=["CPUExecutionProvider"])


def line_boxes(sess, x: np.ndarray) -> np.ndarray:
    """Line rectangles [x0, y0, x1, y1] rapidocr's DB post-processing finds in a det output."""
    from rapidocr.ch_ppocr_det.utils import DBPostProcess
    pred = sess.run(None, {sess.get_inputs()[0].name: x})[0]
    boxes, _ = DBPostProcess(thresh=0.3, box_thresh=0.5, max_candidates=1000, unclip_ratio=1.6,
                             use_dilation=True, score_mode="fast")(pred, x.shape[2:])
    b = np.asarray(boxes, dtype=np.float32).reshape(-1, 4, 2)
    return np.stack([b[:, :, 0].min(1), b[:, :, 1].min(1), b[:, :, 0].max(1), b[:, :, 1].max(1)], 1)


def iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU matrix of two rectangle arrays."""
    if not len(a) or not len(b):
        return np.zeros((len(a), len(b)))
    x0, y0 = np.maximum(a[:, None, 0], b[None, :, 0]), np.maximum(a[:, None, 1], b[None, :, 1])
    x1, y1 = np.minimum(a[:, None, 2], b[None, :, 2]), np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area = lambda r: (r[:, 2] - r[:, 0]) * (r[:, 3] - r[:, 1])    # noqa: E731
    return inter / (area(a)[:, None] + area(b)[None, :] - inter)


def agreement(ref: np.ndarray, got: np.ndarray) -> tuple[int, int, int, int]:
    """(fp32 lines matched, fp32 lines, int8 lines matched, int8 lines) at IoU >= IOU."""
    m = iou(ref, got) >= IOU
    return int(m.any(1).sum()), len(ref), int(m.any(0).sum()), len(got)


def compare(index: list[dict], recipes: list[tuple[str, bool]]) -> None:
    """Box agreement with fp32 of each recipe, per input kind, and CPU seconds of detection."""
    ref_cache = WORK / "fp32_boxes.npz"
    fp32 = session(fp32_model())
    if ref_cache.exists():
        ref = dict(np.load(ref_cache))
    else:
        ref, t = {}, time.process_time()
        for e in index:
            ref[e["png"]] = line_boxes(fp32, load_input(e))
        np.savez(ref_cache, **ref)
        print(f"  fp32: {time.process_time() - t:.0f} s", flush=True)
    kinds = sorted({e["kind"] for e in index})
    for method, per_channel in recipes:
        path = quantize(index, method, per_channel, WORK / f"det_int8-{method}-{int(per_channel)}.onnx")
        sess = session(path)
        tally = {k: np.zeros(4, int) for k in kinds}
        cpu = {k: 0.0 for k in kinds}
        for e in index:
            x = load_input(e)
            t = time.process_time()
            got = line_boxes(sess, x)
            cpu[e["kind"]] += time.process_time() - t
            tally[e["kind"]] += agreement(ref[e["png"]], got)
        print(f"  {method:10s} per_channel={int(per_channel)}  " + "  ".join(
            f"{k}: recall {a / max(1, b):.4f} precision {c / max(1, d):.4f} ({b} lines, {cpu[k]:.0f} s)"
            for k, (a, b, c, d) in tally.items()), flush=True)


def make(index: list[dict]) -> Path:
    """The chosen recipe's model and its json into parsers/ocr/models/."""
    import onnx
    import onnxruntime as ort
    from parsers.ocr import models
    from parsers.readers import sha256_file
    models.MODEL_DIR.mkdir(exist_ok=True)
    quantize(index, RECIPE["method"], RECIPE["per_channel"], models.INT8["det"])
    src = fp32_model()
    meta = {"source": src.name, "source_sha256": sha256_file(src), "sha256": sha256_file(models.INT8["det"]),
            "made_by": "scripts/quantize_ocr.py", "opset": OPSET, "format": "QDQ, uint8 activations, int8 weights",
            **RECIPE, "calibration_inputs": len(calib_entries(index)),
            "calibration_files": sorted({e["file"] for e in index}),
            "onnx": onnx.__version__, "onnxruntime": ort.__version__}
    models.INT8_META["det"].write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return models.INT8["det"]


# -- the recognition model ----------------------------------------------------------------------------

REC_WORK = WORK / "rec"
REC_CALIB_STRIDE = 8                       # every 8th captured batch calibrates; every 2nd is compared
REC_COMPARE_STRIDE = 2
# Measured by --rec --compare at 0bbcb06 (2,636 crops of every 2nd captured batch, one thread, machine at
# load 8-9 on 2 cores; fp32 63 s): dynamic, MatMul only: 98.6% crops read the same, 1.4% cross the 0.9
# flag line, 59 s; dynamic with ConvInteger: stopped after 10 min (far slower); static QDQ MinMax per
# channel: 68.7% the same, 78 s; the same with only Conv quantised: 77.0%, 78 s. No recipe is both
# faster and as right: no rec_int8.onnx is committed (models.choice("rec") falls back to fp32).
REC_RECIPE = {"kind": "dynamic", "per_channel": False, "ops": ["MatMul"]}   # the best of those


def rec_capture() -> list[dict]:
    """Run the cells pipeline (int8 det, the fast path) on every capture file with the rec session
    tapped: each batch it recognises kept as one PNG (the batch's crops stacked, grey, as normalised)."""
    index_path = REC_WORK / "inputs" / "index.json"
    if index_path.exists():
        return json.loads(index_path.read_text(encoding="utf-8"))
    os.environ.update({"PAICHA_OCR_DET_MODEL": "int8", "PAICHA_OCR_REC_MODEL": "fp32", "PAICHA_OCR_READ": "cells",
                       "PAICHA_OCR_PIPELINE": "cells",
                       "PAICHA_OCR_THREADS": os.environ.get("PAICHA_OCR_THREADS", "1")})
    from parsers.ocr import engine
    (REC_WORK / "inputs").mkdir(parents=True, exist_ok=True)
    rec = engine.get_engine()._load_rec_model()
    original = rec.session
    index: list[dict] = []
    now = {"file": ""}

    def tap(x: np.ndarray):
        name = f"{len(index):05d}.png"
        grey = to_uint8(x[:, :1].transpose(1, 0, 2, 3).reshape(1, 1, -1, x.shape[3]))[:, :, 0]
        cv2.imwrite(str(REC_WORK / "inputs" / name), grey)
        index.append({"png": name, "file": now["file"], "batch": int(x.shape[0]), "width": int(x.shape[3])})
        return original(x)

    rec.session = tap
    try:
        read_capture_files(now, index, "batches")
    finally:
        rec.session = original
    index_path.write_text(json.dumps(index, ensure_ascii=False, indent=0), encoding="utf-8")
    return index


def rec_input(entry: dict) -> np.ndarray:
    """A captured rec batch tensor (B x 3 x 48 x W) back from its PNG (padding comes back 0.004, not 0)."""
    grey = cv2.imread(str(REC_WORK / "inputs" / entry["png"]), cv2.IMREAD_GRAYSCALE)
    x = (grey.astype(np.float32) / 255 - 0.5) / 0.5
    x = x.reshape(entry["batch"], 1, -1, grey.shape[1])
    return np.ascontiguousarray(np.repeat(x, 3, axis=1))


def fp32_rec_model() -> Path:
    from parsers.ocr import models
    path = models.fp32_model("rec")
    if path is None:
        sys.exit("rapidocr 的文字识别模型未找到")
    return path


def rec_quantize(index: list[dict], recipe: dict, out: Path) -> Path:
    """The int8 rec model of one recipe: static QDQ calibrated on every REC_CALIB_STRIDE-th batch
    (ranges cached per method), or dynamic (weights only, activations quantised at run time)."""
    import onnxruntime as ort
    from onnxruntime.quantization import (CalibrationMethod, QuantFormat, QuantType, quantize_dynamic,
                                          quantize_static)
    src = opset_copy(fp32_rec_model(), REC_WORK)
    t = time.process_time()
    if recipe["kind"] == "dynamic":
        quantize_dynamic(str(src), str(out), weight_type=QuantType.QInt8, per_channel=recipe["per_channel"],
                         op_types_to_quantize=recipe.get("ops"))
    else:
        name = ort.InferenceSession(str(src), providers=["CPUExecutionProvider"]).get_inputs()[0].name
        entries = index[::REC_CALIB_STRIDE]
        cache = REC_WORK / f"ranges-{recipe['method']}.json"
        quantize_static(str(src), str(out), RecReader(entries, name) if not cache.exists() else None,
                        quant_format=QuantFormat.QDQ, per_channel=recipe["per_channel"],
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        calibrate_method=getattr(CalibrationMethod, recipe["method"]),
                        op_types_to_quantize=recipe.get("ops"),
                        extra_options={"CalibStridedMinMax": 1}, calibration_cache_path=str(cache))
    print(f"  {out.name}: {recipe}, {time.process_time() - t:.0f} s", flush=True)
    return out


class RecReader(Reader):
    def get_next(self):
        if self.pos >= self.end:
            return None
        self.pos += 1
        return {self.name: rec_input(self.entries[self.pos - 1])}


def greedy(preds: np.ndarray) -> list[tuple[tuple[int, ...], float]]:
    """Per crop of a batch: (CTC greedy output columns, weakest character's probability)."""
    out = []
    idx, prob = preds.argmax(2), preds.max(2)
    for k in range(len(preds)):
        keep = (idx[k] != 0) & np.r_[True, idx[k][1:] != idx[k][:-1]]
        out.append((tuple(idx[k][keep].tolist()), float(prob[k][keep].min()) if keep.any() else 1.0))
    return out


def rec_compare(index: list[dict], recipes: list[dict]) -> None:
    """Per recipe against fp32, on every REC_COMPARE_STRIDE-th batch: crops read the same, crops whose
    weakest character crosses 0.9 either way (a flag gained or lost), CPU seconds of recognition."""
    entries = index[1::REC_COMPARE_STRIDE]
    ref_cache = REC_WORK / "fp32_reads.json"
    fp32 = session(fp32_rec_model())
    name = fp32.get_inputs()[0].name
    t = time.process_time()
    if ref_cache.exists():
        ref = json.loads(ref_cache.read_text())
    else:
        ref = {e["png"]: greedy(fp32.run(None, {name: rec_input(e)})[0]) for e in entries}
        ref_cache.write_text(json.dumps(ref))
    print(f"  fp32: {time.process_time() - t:.0f} s, {sum(e['batch'] for e in entries)} crops", flush=True)
    for recipe in recipes:
        tag = "-".join("+".join(v) if isinstance(v, list) else str(v) for v in recipe.values())
        sess = session(rec_quantize(index, recipe, REC_WORK / f"rec_int8-{tag}.onnx"))
        same = crossed = n = 0
        cpu = 0.0
        for e in entries:
            x = rec_input(e)
            t = time.process_time()
            got = greedy(sess.run(None, {name: x})[0])
            cpu += time.process_time() - t
            for (a, sa), (b, sb) in zip(ref[e["png"]], got):
                n += 1
                same += tuple(a) == b
                crossed += (sa < 0.9) != (sb < 0.9)
        print(f"  {tag}: same {same / n:.4f}, flag crossed {crossed / n:.4f} ({n} crops, {cpu:.0f} s)", flush=True)


def rec_make(index: list[dict]) -> Path:
    """The chosen rec recipe's model and its json into parsers/ocr/models/."""
    import onnx
    import onnxruntime as ort
    from parsers.ocr import models
    from parsers.readers import sha256_file
    rec_quantize(index, REC_RECIPE, models.INT8["rec"])
    src = fp32_rec_model()
    meta = {"source": src.name, "source_sha256": sha256_file(src), "sha256": sha256_file(models.INT8["rec"]),
            "made_by": "scripts/quantize_ocr.py --rec", "opset": OPSET,
            "format": "QDQ, uint8 activations, int8 weights" if REC_RECIPE["kind"] == "static"
            else "dynamic, int8 weights", **REC_RECIPE,
            "calibration_batches": len(index[::REC_CALIB_STRIDE]),
            "calibration_files": sorted({e["file"] for e in index}),
            "onnx": onnx.__version__, "onnxruntime": ort.__version__}
    models.INT8_META["rec"].write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return models.INT8["rec"]


REC_RECIPES = [{"kind": "dynamic", "per_channel": False, "ops": ["MatMul"]},
               {"kind": "dynamic", "per_channel": True},
               {"kind": "static", "method": "MinMax", "per_channel": True},
               {"kind": "static", "method": "Percentile", "per_channel": True},
               {"kind": "static", "method": "MinMax", "per_channel": True, "ops": ["Conv"]}]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--compare", action="store_true", help="box agreement of every recipe with fp32")
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--rec", action="store_true", help="the recognition model instead of detection's")
    a = ap.parse_args()
    if a.rec:
        index = rec_capture()
        print(f"{len(index)} rec batches from {len({e['file'] for e in index})} files", flush=True)
        if a.compare:
            rec_compare(index, REC_RECIPES)
        else:
            print(rec_make(index))
        return
    index = capture()
    print(f"{len(index)} det inputs from {len({e['file'] for e in index})} files", flush=True)
    if a.compare:
        compare(index, [(m, pc) for m in a.methods.split(",") for pc in (False, True)])
    else:
        print(make(index))


if __name__ == "__main__":
    main()
