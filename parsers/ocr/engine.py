"""rapidocr 3.x wrapper: one engine per process, loaded on first use, threads limited.

The ONNX models ship inside the rapidocr wheel: nothing is downloaded at run time.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

import cv2
import numpy as np

# Keep low-scoring text (flagged later as low confidence) rather than dropping it silently.
MIN_TEXT_SCORE = 0.2
DEFAULT_THREADS = 2

_engine = None
_lock = threading.Lock()
ocr_cpu = 0.0        # CPU seconds spent inside the engine by this process (bench/bench_ocr.py reads it)


@dataclass
class Piece:
    """One recognised word or character with its box (pixels) and its line's score."""
    text: str
    score: float
    x0: float
    y0: float
    x1: float
    y1: float
    line: int          # index of the detected text line it came from
    line_box: tuple[float, float, float, float] = (0, 0, 0, 0)   # that line's box: covers the glyphs fully

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def threads() -> int:
    """ONNX threads per process: PAICHA_OCR_THREADS, else min(2, cores)."""
    env = os.environ.get("PAICHA_OCR_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(DEFAULT_THREADS, os.cpu_count() or 1))


def det_limit() -> dict:
    """Text detection's input size: PAICHA_OCR_DET_SIDE=N shrinks the page so its long side is at most N
    pixels for finding text boxes (recognition still reads the full-resolution crops); unset: rapidocr's own.
    Measured at 0148bea (bench/bench_ocr.py, one core, same run), 1280 together with PAICHA_OCR_PARAMS=
    {"Rec.rec_img_shape": [3, 48, 160], "Rec.rec_batch_num": 1} (no padding of short crops to 320 px):
    tune 9.00 -> 4.88 s/page, 1126 -> 705 MB, photos right 98.9 -> 98.1%, their wrong fields flagged
    100 -> 68.8%; held-out 8.17 -> 4.61 s, 1214 -> 645 MB, photos 92.8 -> 89.8%; and a faint value is no
    longer flagged (tests/test_ocr.py). Not the default: accuracy and flags are not kept."""
    env = os.environ.get("PAICHA_OCR_DET_SIDE", "")
    return {"Det.limit_type": "max", "Det.limit_side_len": int(env)} if env.isdigit() and int(env) > 0 else {}


def extra_params() -> dict:
    """PAICHA_OCR_PARAMS: a JSON object of further rapidocr settings ({"Rec.rec_batch_num": 12}), for
    measuring a setting (bench/bench_ocr.py --variant) before it becomes a default here."""
    import json
    env = os.environ.get("PAICHA_OCR_PARAMS", "")
    return json.loads(env) if env else {}


def get_engine():
    """The process-wide RapidOCR engine (loaded once, ~0.5 s)."""
    global _engine
    with _lock:
        if _engine is None:
            from rapidocr import RapidOCR
            from parsers.ocr import models
            n = threads()
            _engine = RapidOCR(params={
                "Global.log_level": "error",
                "Global.use_cls": False,          # pages are deskewed; cls flips short marks like √
                "Global.text_score": MIN_TEXT_SCORE,
                "EngineConfig.onnxruntime.intra_op_num_threads": n,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                **models.det_params(),        # int8 det when made from this wheel's model
                **det_limit(),
                **extra_params(),
            })
        return _engine


def _run(img: np.ndarray, **kw):
    """The engine on an image (grey made BGR), its CPU time added to ocr_cpu. The steps are named on
    every call: rapidocr keeps use_det/use_rec of the last call otherwise."""
    global ocr_cpu
    kw = {"use_det": True, "use_cls": False, "use_rec": True, **kw}
    start = time.process_time()
    try:
        return get_engine()(_bgr(img), **kw)
    finally:
        ocr_cpu += time.process_time() - start


def _bgr(img: np.ndarray) -> np.ndarray:
    return np.stack([img] * 3, axis=-1) if img.ndim == 2 else img


def release_memory() -> None:
    """Hand the freed inference buffers back to the system (glibc's malloc_trim): without it a worker
    idles at its OCR peak (measured: 600-800 MB after a page, 243 MB after the trim, 70-280 ms)."""
    import ctypes
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):      # not glibc: nothing to do
        pass


def recognise(img: np.ndarray, char_scores: bool = False) -> list[Piece]:
    """Words/characters found in an image (grey or BGR), each with its box and its line's mean score,
    or with `char_scores` its own score (a Chinese character's, a Latin word's first character's):
    then a cell's lowest piece score is its weakest character's."""
    return _pieces(_run(img, return_word_box=True), char_scores)


def _pieces(out, char_scores: bool) -> list[Piece]:
    """rapidocr's output (lines with word boxes) as Pieces."""
    if not out.txts:
        return []
    pieces: list[Piece] = []
    for line, (box, txt, score, words) in enumerate(zip(out.boxes, out.txts, out.scores, out.word_results)):
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        lbox = (float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys)))
        words = [w for w in (words or ()) if w and w[2] is not None and str(w[0]).strip()]
        if not words:   # no word boxes: the whole line is one piece
            pieces.append(Piece(txt, float(score), *lbox, line, lbox))
            continue
        for text, wscore, wbox in words:
            xs, ys = [p[0] for p in wbox], [p[1] for p in wbox]
            s = min(float(score), float(wscore)) if char_scores and wscore is not None else float(score)
            pieces.append(Piece(str(text), s, min(xs), min(ys), max(xs), max(ys), line, lbox))
    return pieces


def read_boxes(img: np.ndarray, quads: list[np.ndarray], char_scores: bool = False) -> list[Piece]:
    """recognise() with the text lines given (quads of 4 corner points, pixels of `img`) instead of
    detected: the same crops, recognition and word boxes, at the image's own resolution."""
    global ocr_cpu
    if not len(quads):
        return []
    from rapidocr.ch_ppocr_cls import TextClsOutput
    from rapidocr.ch_ppocr_det import TextDetOutput
    eng = get_engine()
    start = time.process_time()
    try:
        bgr = _bgr(img)
        boxes = np.array(quads, dtype=np.float32).reshape(-1, 4, 2)
        crops = eng.crop_text_regions(bgr, boxes)
        if packed():
            return _packed_pieces(crops, boxes, char_scores)
        eng.update_params(return_word_box=True)
        rec = eng.recognize_txt(crops)
        det = TextDetOutput(bgr, boxes, [1.0] * len(boxes))
        out = eng.build_final_output(bgr, det, TextClsOutput(), rec, crops, {"preprocess": {"ratio_h": 1.0,
                                                                                           "ratio_w": 1.0}})
    finally:
        ocr_cpu += time.process_time() - start
    return _pieces(out, char_scores) if getattr(out, "txts", None) else []


REC_HEIGHT = 48       # px: the recogniser's input height
PACK_WIDTH = 320      # px at REC_HEIGHT: short lines share a row this wide (the recogniser pads every
                      # row to at least this: a lone "12" cost as much as a 320 px line)
PACK_GAP = 32         # px of white between two lines in a row


def packed() -> bool:
    """PAICHA_OCR_PACK=1: read_boxes puts short lines side by side into shared rows."""
    return os.environ.get("PAICHA_OCR_PACK", "") == "1"


def _packed_pieces(crops: list[np.ndarray], boxes: np.ndarray, char_scores: bool) -> list[Piece]:
    """The crops read several to a row (PACK_WIDTH), each character given back to the crop under it."""
    rec = get_engine()._load_rec_model()
    scaled = [cv2.resize(c, (max(1, round(REC_HEIGHT * c.shape[1] / max(1, c.shape[0]))), REC_HEIGHT))
              for c in crops]
    rows: list[list[int]] = []
    width = 0
    for i in sorted(range(len(crops)), key=lambda i: scaled[i].shape[1]):
        w = scaled[i].shape[1]
        if rows and width + PACK_GAP + w <= PACK_WIDTH:
            rows[-1].append(i)
            width += PACK_GAP + w
        else:
            rows.append([i])
            width = w
    images, spans = [], []          # per row: the image; per crop: (row, x0, x1) in it
    span_of: dict[int, tuple[int, int, int]] = {}
    for r, members in enumerate(rows):
        x, parts = 0, []
        for i in members:
            if parts:
                parts.append(np.full((REC_HEIGHT, PACK_GAP, 3), 255, np.uint8))
                x += PACK_GAP
            parts.append(scaled[i])
            span_of[i] = (r, x, x + scaled[i].shape[1])
            x += scaled[i].shape[1]
        images.append(np.concatenate(parts, axis=1))
    chars: dict[int, list[tuple[str, float, float]]] = {i: [] for i in range(len(crops))}
    alphabet = rec.postprocess_op.character
    order = sorted(range(len(images)), key=lambda r: images[r].shape[1])
    batch = rec.rec_batch_num
    for b in range(0, len(order), batch):
        ids = order[b:b + batch]
        ratio = max([rec.rec_image_shape[2] / REC_HEIGHT] + [images[r].shape[1] / REC_HEIGHT for r in ids])
        preds = rec.session(np.stack([rec.resize_norm_img(images[r], ratio) for r in ids]).astype(np.float32))
        idx, prob = preds.argmax(axis=2), preds.max(axis=2)
        step = REC_HEIGHT * ratio / preds.shape[1]          # px of the row per output frame
        for k, r in enumerate(ids):
            members = rows[r]
            for f in np.flatnonzero((idx[k] != 0) & np.r_[True, idx[k][1:] != idx[k][:-1]]):
                x = (f + 0.5) * step
                i = min(members, key=lambda i: max(span_of[i][1] - x, x - span_of[i][2], 0))
                chars[i].append((alphabet[idx[k][f]], float(prob[k][f]), x))
    pieces: list[Piece] = []
    for i, found in chars.items():
        text = "".join(c for c, _, _ in found).strip()
        if not text:
            continue
        score = float(np.mean([p for _, p, _ in found]))
        if score < MIN_TEXT_SCORE:
            continue
        _, x0, x1 = span_of[i]
        pieces += _line_pieces(found, score, x0, x1, boxes[i], i, char_scores)
    return pieces


def _line_pieces(found, score: float, x0: int, x1: int, quad: np.ndarray, line: int,
                 char_scores: bool) -> list[Piece]:
    """One line's characters [(char, score, x in its row)] as Pieces on the page: a Chinese character
    alone, Latin letters and digits together as a word; boxes placed along the line's box."""
    lx0, ly0, lx1, ly1 = (float(quad[:, 0].min()), float(quad[:, 1].min()), float(quad[:, 0].max()),
                          float(quad[:, 1].max()))
    k = (lx1 - lx0) / max(1, x1 - x0)
    half = 0.25 * REC_HEIGHT
    words: list[list[tuple[str, float, float]]] = []
    for c, p, x in found:
        if c.isspace():
            words.append([])
            continue
        latin = c.isascii() and c.isalnum()
        if words and words[-1] and latin and words[-1][-1][0].isascii() and words[-1][-1][0].isalnum():
            words[-1].append((c, p, x))
        else:
            words.append([(c, p, x)])
    out = []
    for w in filter(None, words):
        text = "".join(c for c, _, _ in w)
        wscore = min(score, float(np.mean([p for _, p, _ in w]))) if char_scores else score
        a = lx0 + max(0.0, (w[0][2] - x0 - half) * k)
        b = lx0 + min(x1 - x0, (w[-1][2] - x0 + half)) * k
        out.append(Piece(text, round(wscore, 5), a, ly0, max(a + 1, b), ly1, line, (lx0, ly0, lx1, ly1)))
    return out


def detect(img: np.ndarray, long_side: int | None = None) -> list[np.ndarray]:
    """Text line quads (4 corner points, pixels of `img`) found in an image without reading them; with
    `long_side`, found in a copy shrunk to that long side (a quarter of the pixels: a quarter of the time)."""
    global ocr_cpu
    h, w = img.shape[:2]
    k = min(1.0, long_side / max(h, w)) if long_side else 1.0
    small = cv2.resize(img, (round(w * k), round(h * k)), interpolation=cv2.INTER_AREA) if k < 1 else img
    det = get_engine()._load_det_model()
    start = time.process_time()
    kept = det.limit_type, det.limit_side_len
    try:
        det.limit_type, det.limit_side_len = "max", max(small.shape[:2])    # no further resizing but to /32
        out = det(_bgr(small))
    finally:
        det.limit_type, det.limit_side_len = kept
        ocr_cpu += time.process_time() - start
    if out.boxes is None:
        return []
    return [np.asarray(b, dtype=np.float32) / k for b in out.boxes]


def read_line(img: np.ndarray) -> tuple[str, float]:
    """One line image read without detection: (text, mean character score)."""
    out = _run(img, use_det=False, use_cls=False, use_rec=True)
    txts, scores = getattr(out, "txts", None), getattr(out, "scores", None)
    if not txts:
        return "", 0.0
    return str(txts[0]), float(scores[0])
