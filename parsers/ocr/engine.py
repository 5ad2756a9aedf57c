"""rapidocr 3.x wrapper: one engine per process, loaded on first use, threads limited.

The ONNX models ship inside the rapidocr wheel: nothing is downloaded at run time.
"""
from __future__ import annotations

import functools
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
    # The digits-only alternative (read_boxes only; "" elsewhere): each of the piece's characters read as
    # the best of 0-9 . - (full-width forms counted with them) in the frames it was read from, with that
    # column's probability (not renormalised: an O read as 0 scores low); digits_score is the weakest.
    digits: str = ""
    digits_score: float = 0.0
    digits_scores: tuple[float, ...] = ()

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
                **models.params(),            # int8 det/rec when asked for and made from this wheel's models
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
    detected: the same crops, at the image's own resolution, recognised in batches of like width
    (each padded to REC_MIN_WIDTH, not rapidocr's 320 px), decoded here (_read_rows: characters with
    their scores and places, word boxes along the line)."""
    global ocr_cpu
    if not len(quads):
        return []
    eng = get_engine()
    start = time.process_time()
    try:
        boxes = np.array(quads, dtype=np.float32).reshape(-1, 4, 2)
        return _read_crops(eng.crop_text_regions(_bgr(img), boxes), boxes, char_scores)
    finally:
        ocr_cpu += time.process_time() - start


REC_HEIGHT = 48       # px: the recogniser's input height
REC_MIN_WIDTH = int(os.environ.get("PAICHA_OCR_REC_MIN_WIDTH", "") or 160)
                      # px at REC_HEIGHT: a crop is padded to at least this (rapidocr pads to 320: a lone
                      # "12" cost as much as a 320 px line; narrower, a lone √ reads as V: tune crops at
                      # 128, 37 of 1,722 read otherwise, √ as V among them). PAICHA_OCR_REC_MIN_WIDTH=N
PACK_WIDTH = 320      # px at REC_HEIGHT: short lines share a row this wide (PAICHA_OCR_PACK=1)
PACK_GAP = 32         # px of white between two lines in a row
REREAD_BELOW = 0.97   # a packed crop whose weakest character scores below this is read again alone (above
                      # the highest flag threshold, _defaults.yaml ocr.min_confidence)
rereads = 0           # crops read again alone by this process
# A batch of crops holds at most this many columns (px at REC_HEIGHT, padded): the recogniser's output
# is 18,710 probabilities per 8 columns, so six 2,000 px lines took ~500 MB at once (a fax's 自查表: peak
# 898 -> 398 MB, CPU no worse). PAICHA_OCR_REC_COLUMNS=N to measure another cap, 0 none. bench_ocr, cells
# + int8 det, one core, same run (no trim between files): tune 4.16 -> 3.82 s CPU a page, 919 -> 769 MB,
# fields right the same, photos' wrong flagged 9/9 -> 8/9 (a pair-photo2 score moved with its batch's
# padding); calib --limit 24 4.07 -> 3.64 s, 973 -> 790 MB, right and flags the same. 3,840: 608 MB.
REC_BATCH_COLUMNS = int(os.environ.get("PAICHA_OCR_REC_COLUMNS", "") or 1920) or 10**9


def packed() -> bool:
    """PAICHA_OCR_PACK=1: read_boxes puts short lines side by side into shared rows."""
    return os.environ.get("PAICHA_OCR_PACK", "") == "1"


def _read_crops(crops: list[np.ndarray], boxes: np.ndarray, char_scores: bool) -> list[Piece]:
    """The crops read, each alone or (packed()) several to a row, each character given back to the crop
    under it. A packed crop that read empty or whose weakest character scores below REREAD_BELOW is
    read again alone: its neighbours change its scores, and flags go by the scores read alone."""
    global rereads
    rec = get_engine()._load_rec_model()
    scaled = [cv2.resize(c, (max(1, round(REC_HEIGHT * c.shape[1] / max(1, c.shape[0]))), REC_HEIGHT))
              for c in crops]
    if packed():
        rows = _pack([s.shape[1] for s in scaled])
        chars = _read_rows(rec, scaled, rows, PACK_WIDTH)
        shared = [i for members in rows if len(members) > 1 for i in members]
        again = [i for i in shared if not chars[i] or min(ch[1] for ch in chars[i]) < REREAD_BELOW]
        rereads += len(again)
        if again:
            chars.update(_read_rows(rec, scaled, [[i] for i in again], REC_MIN_WIDTH))
    else:
        chars = _read_rows(rec, scaled, [[i] for i in range(len(scaled))], REC_MIN_WIDTH)
    pieces: list[Piece] = []
    for i, found in chars.items():
        text = "".join(ch[0] for ch in found).strip()
        if not text:
            continue
        score = float(np.mean([ch[1] for ch in found]))
        if score < MIN_TEXT_SCORE:
            continue
        pieces += _line_pieces(found, score, 0, scaled[i].shape[1], boxes[i], i, char_scores)
    return sorted(pieces, key=lambda p: p.line)


def _pack(widths: list[int]) -> list[list[int]]:
    """Crops (by their widths at REC_HEIGHT) put side by side into rows of PACK_WIDTH, narrowest first."""
    rows: list[list[int]] = []
    width = 0
    for i in sorted(range(len(widths)), key=lambda i: widths[i]):
        if rows and width + PACK_GAP + widths[i] <= PACK_WIDTH:
            rows[-1].append(i)
            width += PACK_GAP + widths[i]
        else:
            rows.append([i])
            width = widths[i]
    return rows


DIGITS = "0123456789.-"      # the digits-only alternative's characters
WIDE_DIGITS = "０１２３４５６７８９．－"


@functools.lru_cache(maxsize=4)
def _digit_columns(alphabet: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The recogniser's output columns of DIGITS and of their full-width forms (-1: not in the alphabet)."""
    col = {c: i for i, c in enumerate(alphabet)}
    return (np.array([col.get(c, -1) for c in DIGITS]), np.array([col.get(c, -1) for c in WIDE_DIGITS]))


def _digit_probs(preds: np.ndarray, alphabet) -> np.ndarray:
    """Per frame the probability of each of DIGITS (its full-width form added): preds[..., len(DIGITS)]."""
    narrow, wide = _digit_columns(tuple(alphabet))
    out = np.where(narrow >= 0, preds[..., np.maximum(narrow, 0)], 0.0)
    return out + np.where(wide >= 0, preds[..., np.maximum(wide, 0)], 0.0)


Char = tuple[str, float, float, str, float]   # (char, score, x from the crop's left end, digit, its score)


def _batches(widths: list[int], most: int) -> list[list[int]]:
    """Indices of `widths` (ascending, padded) in batches of at most `most` crops and, but for a crop
    alone, at most REC_BATCH_COLUMNS columns (each padded to the batch's widest)."""
    out: list[list[int]] = []
    for j, w in enumerate(widths):
        if out and len(out[-1]) < most and w * (len(out[-1]) + 1) <= REC_BATCH_COLUMNS:
            out[-1].append(j)
        else:
            out.append([j])
    return out


def _read_rows(rec, scaled: list[np.ndarray], rows: list[list[int]],
               min_width: int) -> dict[int, list[Char]]:
    """Each row of crops (indices into `scaled`, PACK_GAP of white between them) recognised, rows of
    like width batched, each padded to at least `min_width`: per crop its characters (char, score, x
    from the crop's left end, and the digits-only alternative: the DIGITS character most probable in
    the frames the character was read from, with its probability)."""
    images = []
    span_of: dict[int, tuple[int, int]] = {}       # crop -> (x0, x1) in its row
    for members in rows:
        x, parts = 0, []
        for i in members:
            if parts:
                parts.append(np.full((REC_HEIGHT, PACK_GAP, 3), 255, np.uint8))
                x += PACK_GAP
            parts.append(scaled[i])
            span_of[i] = (x, x + scaled[i].shape[1])
            x += scaled[i].shape[1]
        images.append(parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1))
    chars: dict[int, list[Char]] = {i: [] for members in rows for i in members}
    alphabet = rec.postprocess_op.character
    order = sorted(range(len(images)), key=lambda r: images[r].shape[1])
    for ids in _batches([max(min_width, images[r].shape[1]) for r in order], rec.rec_batch_num):
        ids = [order[j] for j in ids]
        ratio = max([min_width / REC_HEIGHT] + [images[r].shape[1] / REC_HEIGHT for r in ids])
        preds = rec.session(np.stack([rec.resize_norm_img(images[r], ratio) for r in ids]).astype(np.float32))
        idx = preds.argmax(axis=2)
        prob = np.take_along_axis(preds, idx[..., None], axis=2)[..., 0]
        digit = _digit_probs(preds, alphabet)
        step = REC_HEIGHT * ratio / preds.shape[1]          # px of the row per output frame
        for k, r in enumerate(ids):
            members = rows[r]
            starts = np.flatnonzero(np.r_[True, idx[k][1:] != idx[k][:-1]])
            ends = np.r_[starts[1:], len(idx[k])]
            for f, g in zip(starts, ends):          # a run of frames of one output column
                if idx[k][f] == 0:
                    continue
                x = (f + 0.5) * step
                i = min(members, key=lambda i: max(span_of[i][0] - x, x - span_of[i][1], 0))
                best = digit[k, f:g].max(axis=0)
                d = int(best.argmax())
                chars[i].append((alphabet[idx[k][f]], float(prob[k][f]), x - span_of[i][0], DIGITS[d],
                                 float(best[d])))
    for i, found in chars.items():      # the white between two crops read as a space: neither's
        while found and found[0][0].isspace():
            found.pop(0)
        while found and found[-1][0].isspace():
            found.pop()
    return chars


def _line_pieces(found, score: float, x0: int, x1: int, quad: np.ndarray, line: int,
                 char_scores: bool) -> list[Piece]:
    """One line's characters [(char, score, x in its row)] as Pieces on the page: a Chinese character
    alone, Latin letters and digits together as a word; boxes placed along the line's box."""
    lx0, ly0, lx1, ly1 = (float(quad[:, 0].min()), float(quad[:, 1].min()), float(quad[:, 0].max()),
                          float(quad[:, 1].max()))
    k = (lx1 - lx0) / max(1, x1 - x0)
    half = 0.25 * REC_HEIGHT
    words: list[list[Char]] = []
    for ch in found:
        c = ch[0]
        if c.isspace():
            words.append([])
            continue
        latin = c.isascii() and c.isalnum()
        if words and words[-1] and latin and words[-1][-1][0].isascii() and words[-1][-1][0].isalnum():
            words[-1].append(ch)
        else:
            words.append([ch])
    out = []
    for w in filter(None, words):
        text = "".join(ch[0] for ch in w)
        wscore = min(score, float(np.mean([ch[1] for ch in w]))) if char_scores else score
        a = lx0 + max(0.0, (w[0][2] - x0 - half) * k)
        b = lx0 + min(x1 - x0, (w[-1][2] - x0 + half)) * k
        dscores = tuple(round(ch[4], 5) for ch in w)
        out.append(Piece(text, round(wscore, 5), a, ly0, max(a + 1, b), ly1, line, (lx0, ly0, lx1, ly1),
                         "".join(ch[3] for ch in w), min(dscores), dscores))
    return out


class _TableDetPre:
    """rapidocr's DetPreProcess (resized to /32, normalised, channels first) with the normalisation
    looked up in a table made by its own normalize: the same numbers, without its float64 arithmetic
    over every pixel (a 1280 px page: 46 -> 16 ms); a grey image is taken as its three channels."""

    def __init__(self, pre):
        self.pre = pre
        levels = np.repeat(np.arange(256, dtype=np.uint8).reshape(1, 256, 1), 3, axis=2)
        self.table = np.ascontiguousarray(pre.normalize(levels).astype(np.float32)[0].T)   # (3, 256)

    def __call__(self, img: np.ndarray) -> np.ndarray | None:
        img = self.pre.resize(img)
        if img is None:
            return None
        out = np.empty((1, 3, *img.shape[:2]), np.float32)
        for c in range(3):
            np.take(self.table[c], img if img.ndim == 2 else img[:, :, c], out=out[0, c])
        return out


def _det_model():
    """The engine's text detector, its preprocessing by table (_TableDetPre) put in once."""
    det = get_engine()._load_det_model()
    if not getattr(det, "paicha_table", False):
        made = det.get_preprocess
        det.get_preprocess = lambda: _TableDetPre(made())
        det.paicha_table = True
    return det


def _on_grid(v: float, up: bool) -> int:
    """v moved down (or up) onto the detector's 32 px grid."""
    return -(-int(np.ceil(v)) // 32) * 32 if up else int(v) // 32 * 32


def detect(img: np.ndarray, long_side: int | None = None,
           region: tuple[int, int, int, int] | None = None) -> list[np.ndarray]:
    """Text line quads (4 corner points, pixels of `img`) found in an image without reading them; with
    `long_side`, found in a copy shrunk to that long side (a quarter of the pixels: a quarter of the time);
    with `region` (x0, y0, x1, y1 pixels of `img`: geometry.ink_region), looked for there only (on the
    detector's 32 px grid), the rest taken as blank: the time goes by the region's pixels. rapidocr's
    TextDetector step by step (preprocess, model, postprocess on the whole page's map, boxes sorted)."""
    global ocr_cpu
    h, w = img.shape[:2]
    k = min(1.0, long_side / max(h, w)) if long_side else 1.0
    small = cv2.resize(img, (round(w * k), round(h * k)), interpolation=cv2.INTER_AREA) if k < 1 else img
    det = _det_model()
    start = time.process_time()
    kept = det.limit_type, det.limit_side_len
    try:
        det.limit_type, det.limit_side_len = "max", max(small.shape[:2])    # no further resizing but to /32
        x = det.get_preprocess()(small)
        if x is None:
            return []
        rh, rw = x.shape[2:]
        if region is None:
            preds = det.session(x)
        else:
            x0, x1 = _on_grid(region[0] * rw / w, False), min(rw, _on_grid(region[2] * rw / w, True))
            y0, y1 = _on_grid(region[1] * rh / h, False), min(rh, _on_grid(region[3] * rh / h, True))
            preds = np.zeros((1, 1, rh, rw), np.float32)
            preds[:, :, y0:y1, x0:x1] = det.session(np.ascontiguousarray(x[:, :, y0:y1, x0:x1]))
        boxes, _ = det.postprocess_op(preds, small.shape[:2])
    finally:
        det.limit_type, det.limit_side_len = kept
        ocr_cpu += time.process_time() - start
    if len(boxes) < 1:
        return []
    return [np.asarray(b, dtype=np.float32) / k for b in det.sorted_boxes(boxes)]


def read_line(img: np.ndarray) -> tuple[str, float]:
    """One line image read without detection: (text, mean character score)."""
    out = _run(img, use_det=False, use_cls=False, use_rec=True)
    txts, scores = getattr(out, "txts", None), getattr(out, "scores", None)
    if not txts:
        return "", 0.0
    return str(txts[0]), float(scores[0])
