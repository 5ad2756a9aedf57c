"""Page geometry of photos: the sheet(s) found on the desk, warped flat, light evened, turned upright.

    find_sheets(bgr)   -> [Quad]: the four corners of each sheet of paper (none for a scan: the
                          paper fills the picture)
    flatten(bgr, quad) -> (flat BGR page, 3x3 homography flat -> picture)
    even_light(bgr)    -> each channel divided by its background: paper white, shadows gone, seal still red
    quarter_turns(...) -> 0..3: how many quarter turns (counter-clockwise) make the text upright
    ink_region(grey)   -> the box around a page's ink (its blank margins left out: text is looked for
                          inside it only)

Works on a sample of WORK_SIDE px; corners are scaled back to the full picture.
"""
from __future__ import annotations

import cv2
import numpy as np

WORK_SIDE = 800              # px, long side of the sample the sheet is looked for in
MIN_SHEET_SHARE = 0.12       # a sheet covers at least this share of the picture ...
MAX_SHEET_SHARE = 0.93       # ... and a region covering more is the whole picture (a scan): no warp
SECOND_SHEET_SHARE = 0.45    # a second sheet is at least this share of the first (two pages in one photo)
PAPER_CONTRAST = 25          # paper is this much brighter than the desk (grey levels, after blur)
INK_GAMMA = 3                # even_light: grey rules (0.75 of paper) come out at 0.42
FLAT_LONG_SIDE = 2000        # px, long side of a flattened page (OCR resizes above 2000 anyway)
A4 = 297 / 210


def _sample(bgr: np.ndarray) -> tuple[np.ndarray, float]:
    h, w = bgr.shape[:2]
    k = min(1.0, WORK_SIDE / max(h, w))
    grey = bgr if bgr.ndim == 2 else cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    return cv2.resize(grey, (round(w * k), round(h * k)), interpolation=cv2.INTER_AREA), k


def _quad(contour: np.ndarray) -> np.ndarray | None:
    """Four corners (tl, tr, br, bl) of a sheet's outline, or None when it is not four-sided."""
    hull = cv2.convexHull(contour)
    peri = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.03, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            return order(approx.reshape(4, 2).astype(np.float32))
    if len(hull) >= 4:       # a curled corner: the rotated rectangle around it
        return order(cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float32))
    return None


def order(pts: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    s, d = pts.sum(axis=1), pts[:, 0] - pts[:, 1]
    return np.float32([pts[np.argmin(s)], pts[np.argmax(d)], pts[np.argmax(s)], pts[np.argmin(d)]])


def find_sheets(bgr: np.ndarray) -> list[np.ndarray]:
    """Corners of each sheet of paper lying on a darker background, left to right; [] when the paper
    fills the picture (a scan) or no sheet stands out.

    The sheet's outline is the outermost edge (Canny) around a region; light falling off across the
    paper makes no edge. A sheet is kept when the paper just inside its outline is clearly brighter
    than what lies just outside (a desk; on a scan both are paper)."""
    small, k = _sample(bgr)
    blur = cv2.GaussianBlur(small, (0, 0), 2)
    edges = cv2.Canny(blur, 30, 90)
    edges = cv2.dilate(edges, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    area = small.shape[0] * small.shape[1]
    hulls = sorted((cv2.convexHull(c) for c in contours), key=cv2.contourArea, reverse=True)
    hulls = [h for h in hulls if cv2.contourArea(h) >= MIN_SHEET_SHARE * area]
    if not hulls or cv2.contourArea(hulls[0]) > MAX_SHEET_SHARE * area:
        return []
    sheets = [hulls[0]] + [h for h in hulls[1:3] if cv2.contourArea(h) >= SECOND_SHEET_SHARE * cv2.contourArea(hulls[0])]
    quads = [q for h in sheets if (q := _quad(h)) is not None and _stands_out(blur, q)]
    return sorted((q / k for q in quads), key=lambda q: q[:, 0].mean())


def _stands_out(grey: np.ndarray, quad: np.ndarray) -> bool:
    """Paper in a band just inside the outline brighter than the band just outside by PAPER_CONTRAST."""
    h, w = grey.shape
    band = max(4, int(0.02 * max(h, w)))
    mask = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(mask, quad.astype(np.int32), 255)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * band + 1,) * 2)
    inner = cv2.subtract(mask, cv2.erode(mask, kernel))
    outer = cv2.subtract(cv2.dilate(mask, kernel), mask)
    if not inner.any() or not outer.any():
        return False
    return float(np.median(grey[inner > 0])) - float(np.median(grey[outer > 0])) >= PAPER_CONTRAST


def flat_size(quad: np.ndarray) -> tuple[int, int]:
    """(width, height) of the flattened sheet: its sides' lengths, snapped to A4 proportions when close."""
    tl, tr, br, bl = quad
    w = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    h = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    ratio = h / w
    for target in (A4, 1 / A4):
        if abs(ratio / target - 1) < 0.2:
            ratio = target
    long = FLAT_LONG_SIDE
    return (round(long / ratio), long) if ratio >= 1 else (long, round(long * ratio))


def flatten(bgr: np.ndarray, quad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sheet warped to a flat rectangle, and the homography from the flat page to the picture."""
    w, h = flat_size(quad)
    dst = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    m = cv2.getPerspectiveTransform(quad, dst)
    flat = cv2.warpPerspective(bgr, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    return flat, np.linalg.inv(m)


def even_light(img: np.ndarray) -> np.ndarray:
    """Each channel divided by its background (a wide closing: strokes and rules vanish), so shadows,
    light fall-off and a colour cast go and paper is white; red seal ink stays red."""
    h, w = img.shape[:2]
    small = cv2.resize(img, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    k = max(5, (min(small.shape[:2]) // 40) | 1)      # ~ a line of text high, wider than any stroke
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    bg = cv2.GaussianBlur(bg, (0, 0), k / 2)
    bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
    scale = np.maximum(bg, 1).astype(np.float32)
    np.divide(1.0, scale, out=scale)
    level = img.astype(np.float32)          # in place from here: half the time of np.clip/np.power
    level *= scale
    np.minimum(level, 1, out=level)
    # a photo's rules and strokes are blurred grey: a gamma darkens them while paper stays white
    out = level * 255
    for _ in range(INK_GAMMA - 1):      # a whole power by products: np.power took 3x as long
        out *= level
    return cv2.convertScaleAbs(out)


GUTTER_RANGE = (0.3, 0.7)     # where the gap between two pages side by side is looked for
GUTTER_WIDTH = 0.008          # share of the width the gap is at least
GUTTER_INK = 0.002            # ... with at most this share of its rows inked


def gutter(grey: np.ndarray) -> int | None:
    """x of an empty full-height gap near the middle of a landscape sheet with ink on both sides
    (two portrait pages photographed side by side), or None."""
    h, w = grey.shape[:2]
    if w <= h:
        return None
    bw = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    band = bw[int(0.05 * h):int(0.95 * h)] > 0
    ink = band.mean(axis=0)
    a, b = int(GUTTER_RANGE[0] * w), int(GUTTER_RANGE[1] * w)
    empty = ink[a:b] <= GUTTER_INK
    best, run, start = None, 0, 0
    for i, e in enumerate(empty):
        if e:
            if run == 0:
                start = i
            run += 1
            if run >= GUTTER_WIDTH * w and (best is None or run > best[1]):
                best = (start, run)
        else:
            run = 0
    if best is None:
        return None
    x = a + best[0] + best[1] // 2
    if ink[:x].mean() < 0.01 or ink[x:].mean() < 0.01:
        return None
    return x


def text_is_vertical(boxes: list[tuple[float, float, float, float]]) -> bool:
    """True when most detected text boxes are taller than wide (the page lies on its side)."""
    if len(boxes) < 5:
        return False
    tall = sum(1 for x0, y0, x1, y1 in boxes if (y1 - y0) > 1.5 * (x1 - x0))
    wide = sum(1 for x0, y0, x1, y1 in boxes if (x1 - x0) > 1.5 * (y1 - y0))
    return tall > wide


def to_picture(box: tuple[float, float, float, float], shape: tuple[int, ...], homography: np.ndarray,
               picture: tuple[int, ...]) -> tuple[float, float, float, float]:
    """A box given as fractions of the flat page -> fractions of the original picture (bounding box)."""
    h, w = shape[:2]
    ph, pw = picture[:2]
    x0, y0, x1, y1 = box
    pts = np.float32([[[x0 * w, y0 * h]], [[x1 * w, y0 * h]], [[x1 * w, y1 * h]], [[x0 * w, y1 * h]]])
    p = cv2.perspectiveTransform(pts, homography)[:, 0]
    fx, fy = np.clip(p[:, 0] / pw, 0, 1), np.clip(p[:, 1] / ph, 0, 1)
    return (round(float(fx.min()), 5), round(float(fy.min()), 5), round(float(fx.max()), 5), round(float(fy.max()), 5))


REGION_BLOCK = 8              # px: ink_region looks at the page in blocks this wide ...
REGION_INK = 200              # ... a block whose mean grey is below this holds ink (a stroke across it does,
                              # a speck of fax noise does not)
REGION_EDGE = 0.02            # share of each side left out: a photo's dark rim, a scanner's edge
REGION_MARGIN = 0.04          # share of the long side added round the ink found (text boxes reach past it)
REGION_MOST = 0.85            # a region covering more of the page than this is the page


def ink_region(grey: np.ndarray) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) pixels of `grey` round its ink, REGION_MARGIN wider, or None when that is most
    of the page (nothing to leave out) or there is no ink. Ink: blocks of REGION_BLOCK px darker than
    REGION_INK in groups of two or more (a lone block is noise), away from the page's rim (REGION_EDGE)."""
    h, w = grey.shape[:2]
    b = REGION_BLOCK
    small = cv2.resize(grey, (max(1, w // b), max(1, h // b)), interpolation=cv2.INTER_AREA)
    ink = (small < REGION_INK).astype(np.uint8)
    sh, sw = ink.shape
    ey, ex = int(np.ceil(REGION_EDGE * sh)), int(np.ceil(REGION_EDGE * sw))
    ink[:ey] = ink[sh - ey:] = 0
    ink[:, :ex] = ink[:, sw - ex:] = 0
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    kept = stats[1:][stats[1:, cv2.CC_STAT_AREA] >= 2]
    if not len(kept):
        return None
    x0, y0 = kept[:, cv2.CC_STAT_LEFT].min() * b, kept[:, cv2.CC_STAT_TOP].min() * b
    x1 = (kept[:, cv2.CC_STAT_LEFT] + kept[:, cv2.CC_STAT_WIDTH]).max() * b
    y1 = (kept[:, cv2.CC_STAT_TOP] + kept[:, cv2.CC_STAT_HEIGHT]).max() * b
    m = REGION_MARGIN * max(h, w)
    x0, y0, x1, y1 = max(0, int(x0 - m)), max(0, int(y0 - m)), min(w, int(x1 + m)), min(h, int(y1 + m))
    if (x1 - x0) * (y1 - y0) > REGION_MOST * w * h:
        return None
    return x0, y0, x1, y1
