"""Deskew, ruling-line grid recovery, and OCR text assigned to table cells.

The steps, each a plain function, in the order `blocks_from_page` runs them:

    deskew -> (OCR) -> binarize -> horizontal_lines -> table_regions
           -> row_lines / column_lines -> separators -> merge_cells -> assign_pieces

Sizes are expressed in units of the median OCR box height (`unit`), so the same
settings work on a 150-dpi phone photo and a 300-dpi scan.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from parsers.model import Block, Cell, Paragraph, Table
from parsers.ocr.engine import Piece
from schema.marks import leading_mark

SETTINGS = {
    "max_skew_deg": 5.0,        # deskew search range (both directions)
    "coarse_step_deg": 0.25,
    "fine_step_deg": 0.02,
    "h_kernel_units": 2.5,      # a horizontal ruling line is longer than this many text heights
    "h_piece_units": 1.2,       # a piece of a found row line this long over a column separates it (a
                                # line broken by a faint scan; no glyph's stroke is this long)
    "v_kernel_units": 0.6,      # vertical line fragments kept for finding table regions
    "v_coverage": 0.85,         # a column inside a row band ruled over this fraction is a border
    "drift_per_px": 0.02,       # sideways drift of a vertical rule allowed per pixel of band height
    "h_coverage": 0.6,          # an edge ruled over this fraction of its length is a border
    "row_line_share": 0.5,      # a row line found over this share of the table's width is a table line
    "merge_tol_units": 0.3,     # line positions closer than this are one line
    "ink_ratio": 0.004,         # dark fraction of an empty-read cell that means "something unread"
    "min_table_units": 3.0,     # a table region is at least this wide and 1 unit high
    "wrap_units": 1.2,          # a cell line ending this close to the cell's right edge wrapped softly
    "rule_units": 3.0,          # a vertical run this many text heights long is a rule even inside a text box
    "numeric_share": 0.6,       # a column whose body cells read as clean numbers this often is numeric
}


def settings(**overrides) -> dict:
    """SETTINGS with overrides; unknown keys are an error."""
    unknown = set(overrides) - set(SETTINGS)
    if unknown:
        raise KeyError(f"unknown grid settings: {sorted(unknown)}")
    return {**SETTINGS, **overrides}


# --- deskew ---------------------------------------------------------------------------

def rotate(img: np.ndarray, angle: float) -> np.ndarray:
    """The image rotated by `angle` degrees (counter-clockwise) about its centre, white border."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    border = 255 if img.ndim == 2 else (255, 255, 255)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def skew_angle(grey: np.ndarray, cfg: dict = SETTINGS) -> float:
    """The rotation (degrees) that makes text rows and ruling lines horizontal (projection profile)."""
    scale = min(1.0, 1000 / max(grey.shape))
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, bw = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    h, w = bw.shape

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        rows = cv2.warpAffine(bw, m, (w, h), flags=cv2.INTER_NEAREST).sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(rows)).sum())

    lim, step = cfg["max_skew_deg"], cfg["coarse_step_deg"]
    best = max(np.arange(-lim, lim + 1e-9, step), key=sharpness)
    fine = np.arange(best - step, best + step + 1e-9, cfg["fine_step_deg"])
    return float(max(fine, key=sharpness))


def deskew(grey: np.ndarray, cfg: dict = SETTINGS) -> tuple[np.ndarray, float]:
    """The straightened image and the angle it was rotated by."""
    angle = skew_angle(grey, cfg)
    if abs(angle) < cfg["fine_step_deg"]:
        return grey, 0.0
    return rotate(grey, angle), angle


# --- lines and regions ----------------------------------------------------------------

def binarize(grey: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0; adaptive, so uneven lighting in photos does not matter."""
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def text_unit(pieces: list[Piece]) -> float:
    """The median height of OCR boxes: the length unit of every tolerance."""
    hs = sorted(p.height for p in pieces if p.height > 0)
    return float(hs[len(hs) // 2]) if hs else 30.0


def horizontal_lines(bw: np.ndarray, unit: float, cfg: dict = SETTINGS, units: float | None = None) -> np.ndarray:
    """Mask of horizontal ruling lines (runs longer than any text stroke: `units` text heights, default
    h_kernel_units)."""
    k = max(15, int(unit * (cfg["h_kernel_units"] if units is None else units)))
    mask = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    # bridge small breaks from noise and JPEG loss
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3)))


def erase_text(bw: np.ndarray, pieces: list[Piece]) -> np.ndarray:
    """A copy with every detected text line's box cleared (glyph strokes are not ruling lines)."""
    out = bw.copy()
    for x0, y0, x1, y1 in {p.line_box for p in pieces}:
        x0, x1 = int(x0) + 1, int(np.ceil(x1)) - 1
        if x1 > x0:
            out[max(0, int(y0)):int(np.ceil(y1)), max(0, x0):x1] = 0
    return out


RULE_BEYOND_PX = 2      # px: keep_rules' rule inside a text box reaches this far past its top and bottom
RULE_COVER = 0.95       # share of those rows inked
RULE_WIDTH = 0.2        # text heights: such a rule is no wider (its pixel of lean either side included)


def keep_rules(bw: np.ndarray, bw_notext: np.ndarray, unit: float, cfg: dict = SETTINGS,
               pieces: list[Piece] = ()) -> np.ndarray:
    """bw_notext with the vertical rules of `bw` put back: a text box detected across a rule (北石店镇 |
    建材 read as one line, or 周刚's box taking in the rule before it) must not erase the rule between
    the two cells. A rule: a run longer than `rule_units`, or a column inked over a text box's whole
    height and RULE_BEYOND_PX past both its ends, no wider than RULE_WIDTH (a glyph's stroke stays
    inside its box; a rule in a row just the box's height runs on to the row lines)."""
    k = max(15, int(unit * cfg["rule_units"]))
    out = bw_notext | cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k)))
    h = bw.shape[0]
    for x0, y0, x1, y1 in {p.line_box for p in pieces}:
        a, b = max(0, int(y0) - RULE_BEYOND_PX), min(h, int(np.ceil(y1)) + RULE_BEYOND_PX)
        c0, c1 = max(0, int(x0)), int(np.ceil(x1))
        strip = cv2.dilate(bw[a:b, c0:c1], np.ones((1, 3), np.uint8))     # a rule may lean a pixel
        if not strip.size:
            continue
        full = np.r_[False, (strip > 0).mean(axis=0) >= RULE_COVER, False]
        edges = np.flatnonzero(np.diff(full.astype(np.int8)))
        for s, e in zip(edges[::2], edges[1::2]):
            if e - s <= RULE_WIDTH * unit:          # a seal ring's side is wider, its star far wider
                out[a:b, c0 + s:c0 + e] |= bw[a:b, c0 + s:c0 + e]
    return out


def vertical_lines(bw_notext: np.ndarray, unit: float, cfg: dict = SETTINGS) -> np.ndarray:
    """Mask of vertical line fragments (text already erased)."""
    k = max(9, int(unit * cfg["v_kernel_units"]))
    return cv2.morphologyEx(bw_notext, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k)))


def table_regions(hmask: np.ndarray, vmask: np.ndarray, unit: float,
                  cfg: dict = SETTINGS) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (x0, y0, x1, y1) of ruled tables, top to bottom."""
    both = cv2.dilate(hmask | vmask, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        if w < cfg["min_table_units"] * unit or h < unit:
            continue
        # a table has at least two horizontal rules across most of its width
        rows = (hmask[y:y + h, x:x + w] > 0).sum(axis=1) > 0.5 * w
        if _count_runs(rows) >= 2:
            out.append((int(x), int(y), int(x + w), int(y + h)))
    # a frame around other regions (the paper's edge in a photo) is not a table
    out = [b for b in out if not any(o != b and _contains(b, o) for o in out)]
    return sorted(out, key=lambda b: (b[1], b[0]))


def _contains(outer, inner) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and outer[2] >= inner[2] and outer[3] >= inner[3]


def _count_runs(flags: np.ndarray) -> int:
    """Number of runs of True."""
    f = flags.astype(np.int8)
    return int(((f[1:] - f[:-1]) == 1).sum() + f[0])


def _cluster(values: list[float], tol: float) -> list[float]:
    """Sorted positions with neighbours closer than `tol` merged into their mean."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def row_lines(hmask: np.ndarray, box: tuple[int, int, int, int], unit: float, cfg: dict = SETTINGS) -> list[float]:
    """y positions of horizontal rules inside a table region."""
    x0, y0, x1, y1 = box
    sub = hmask[y0:y1, x0:x1] > 0
    min_len = cfg["h_kernel_units"] * unit
    ys = [y0 + i for i, n in enumerate(sub.sum(axis=1)) if n >= min_len]
    return _cluster(ys, cfg["merge_tol_units"] * unit)


def column_lines(bw_notext: np.ndarray, box, ys: list[float], unit: float,
                 cfg: dict = SETTINGS) -> tuple[list[float], list[list[float]]]:
    """x positions of vertical rules, and for each row band the rules found in it."""
    x0, _, x1, _ = box
    per_band: list[list[float]] = []
    for top, bottom in zip(ys, ys[1:]):
        a, b = int(top + 3), int(bottom - 2)
        if b - a < 3:
            per_band.append([])
            continue
        # a rule may drift sideways over a tall band (residual tilt, perspective): look
        # within +-k columns, k growing with the band's height
        k = max(1, int(np.ceil(cfg["drift_per_px"] * (b - a))))
        band = cv2.dilate(bw_notext[a:b, x0:x1], np.ones((1, 2 * k + 1), np.uint8)) > 0
        cover = band.mean(axis=0)
        cols = [x0 + i for i in np.flatnonzero(cover >= cfg["v_coverage"])]
        per_band.append(_cluster(cols, cfg["merge_tol_units"] * unit))
    xs = _cluster([x for band in per_band for x in band], cfg["merge_tol_units"] * unit)
    return xs, per_band


# --- cells ----------------------------------------------------------------------------

@dataclass
class Grid:
    """A recovered table: line positions and the merged cells over them."""
    box: tuple[int, int, int, int]
    xs: list[float]
    ys: list[float]
    cells: list[Cell] = field(default_factory=list)
    owner: dict[tuple[int, int], Cell] = field(default_factory=dict)   # elementary (r, c) -> cell

    def locate(self, x: float, y: float) -> Cell | None:
        """The cell containing a point, or None outside the grid."""
        c = bisect_right(self.xs, x) - 1
        r = bisect_right(self.ys, y) - 1
        return self.owner.get((r, c))

    def cell_box(self, cell: Cell) -> tuple[float, float, float, float]:
        return (self.xs[cell.col], self.ys[cell.row],
                self.xs[cell.col + cell.colspan], self.ys[cell.row + cell.rowspan])


def separators(hmask: np.ndarray, xs: list[float], ys: list[float], per_band: list[list[float]],
               unit: float, cfg: dict = SETTINGS) -> tuple[list[list[bool]], list[list[bool]]]:
    """vsep[r][j]: rule at xs[j] within row r; hsep[i][c]: rule at ys[i] over column c: found over the
    column itself, or over the run of columns no rule parts above or below the line when the line is a
    table line (found over `row_line_share` of the width; a stray column line, a seal's star, leaves
    a narrow column a faint row line is easily lost over; a seal ring's arc is no table line)."""
    tol = cfg["merge_tol_units"] * unit
    vsep = [[any(abs(x - bx) <= tol for bx in band) for x in xs] for band in per_band]

    def ruled(a: int, b: int, left: float, right: float) -> bool:
        m = max(1, int((right - left) * 0.1))
        seg = hmask[a:b, int(left) + m:int(right) - m]
        return bool(seg.size > 0 and (seg.max(axis=0) > 0).mean() >= cfg["h_coverage"])

    hsep = []
    nc = len(xs) - 1
    width = (xs[-1] - xs[0]) if nc > 0 else 0.0
    for i, y in enumerate(ys):
        a, b = max(0, int(y - tol)), int(y + tol) + 1
        row = [ruled(a, b, left, right) for left, right in zip(xs, xs[1:])]
        if all(row) or sum(xs[c + 1] - xs[c] for c in range(nc) if row[c]) < cfg["row_line_share"] * width:
            hsep.append(row)
            continue
        bands = [r for r in (i - 1, i) if 0 <= r < len(vsep)]
        start = 0
        for c in range(nc):
            if c + 1 < nc and not any(vsep[r][c + 1] for r in bands):
                continue                        # the run of joined columns goes on
            if c > start and not all(row[start:c + 1]) and ruled(a, b, xs[start], xs[c + 1]):
                row[start:c + 1] = [True] * (c + 1 - start)
            start = c + 1
        hsep.append(row)
    return vsep, hsep


def merge_cells(box, xs, ys, vsep, hsep) -> Grid:
    """Elementary cells joined wherever no rule separates them; each group becomes one spanning Cell."""
    nr, nc = len(ys) - 1, len(xs) - 1
    parent = {(r, c): (r, c) for r in range(nr) for c in range(nc)}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for r in range(nr):
        for c in range(nc - 1):
            if not vsep[r][c + 1]:
                parent[find((r, c))] = find((r, c + 1))
    for r in range(1, nr):
        for c in range(nc):
            if not hsep[r][c]:
                parent[find((r - 1, c))] = find((r, c))
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for k in parent:
        groups.setdefault(find(k), []).append(k)
    grid = Grid(box=box, xs=xs, ys=ys)
    for members in sorted(groups.values(), key=min):
        rows = [r for r, _ in members]
        cols = [c for _, c in members]
        cell = Cell(text="", row=min(rows), col=min(cols),
                    rowspan=max(rows) - min(rows) + 1, colspan=max(cols) - min(cols) + 1)
        grid.cells.append(cell)
        for k in members:
            grid.owner[k] = cell
    return grid


def _crosses(seals, x0: float, y0: float, x1: float, y1: float) -> bool:
    """Whether the segment (x0, y0)-(x1, y1) (horizontal or vertical) passes through a seal's disc."""
    for cx, cy, r in seals:
        px, py = min(max(cx, x0), x1), min(max(cy, y0), y1)
        if (px - cx) ** 2 + (py - cy) ** 2 < r * r:
            return True
    return False


def through_seals(xs, ys, vsep, hsep, seals) -> None:
    """Rules taken as drawn on under a black seal (a fax loses them there), in place: a row line that
    separates no cell clear of the seals is the ring's arc (dropped); a column rule found in some band
    clear of every seal separates the bands crossing a seal too, one found only in such bands is the
    ring (dropped); a row rule found clear of the seals runs on under them."""
    nc = len(xs) - 1
    for i in range(len(ys) - 2, 0, -1):     # a row line separating no cell clear of the seals: the ring's arc
        covered = [_crosses(seals, xs[c], ys[i], xs[c + 1], ys[i]) for c in range(nc)]
        if any(covered) and not any(hsep[i][c] for c in range(nc) if not covered[c]):
            vsep[i - 1] = [a or b for a, b in zip(vsep[i - 1], vsep[i])]
            del ys[i], hsep[i], vsep[i]
    nr = len(ys) - 1
    for j in range(len(xs)):
        covered = [_crosses(seals, xs[j], ys[r], xs[j], ys[r + 1]) for r in range(nr)]
        if not any(covered):
            continue
        real = any(vsep[r][j] for r in range(nr) if not covered[r])
        for r in range(nr):
            if covered[r]:
                vsep[r][j] = real
    for i in range(len(ys)):
        covered = [_crosses(seals, xs[c], ys[i], xs[c + 1], ys[i]) for c in range(nc)]
        if any(covered) and any(hsep[i][c] for c in range(nc) if not covered[c]):
            for c in range(nc):
                hsep[i][c] = hsep[i][c] or covered[c]


def recover_grid(hmask: np.ndarray, bw_notext: np.ndarray, box, unit: float,
                 cfg: dict = SETTINGS, seals=(), pieces_mask: np.ndarray | None = None) -> Grid | None:
    """The grid of one table region, or None when it has no cells; `seals` (cx, cy, r): black seals;
    `pieces_mask`: the row lines' shorter pieces too (h_piece_units), which cells a row line separates."""
    ys = row_lines(hmask, box, unit, cfg)
    if len(ys) < 2:
        return None
    xs, per_band = column_lines(bw_notext, box, ys, unit, cfg)
    if len(xs) < 2:
        return None
    vsep, hsep = separators(hmask if pieces_mask is None else pieces_mask, xs, ys, per_band, unit, cfg)
    if seals:
        through_seals(xs, ys, vsep, hsep, seals)
    return drop_idle_rows(merge_cells(box, xs, ys, vsep, hsep))


def drop_idle_rows(grid: Grid) -> Grid:
    """The grid without row lines that no cell begins at (every cell runs across them: a stroke of a
    seal or a stray mark taken for a rule), so no cell is read twice as two rows."""
    starts = {c.row for c in grid.cells}
    for i in range(len(grid.ys) - 2, 0, -1):
        if i in starts:
            continue
        del grid.ys[i]
        for c in grid.cells:
            if c.row > i:
                c.row -= 1
            elif c.row < i < c.row + c.rowspan:
                c.rowspan -= 1
    grid.owner = {(r, k): c for c in grid.cells for r in range(c.row, c.row + c.rowspan)
                  for k in range(c.col, c.col + c.colspan)}
    return grid


# --- text -----------------------------------------------------------------------------

def _join_line(pieces: list[Piece]) -> str:
    """Pieces of one visual line, left to right; a space only between Latin words or across a wide gap."""
    text, prev = "", None
    for p in sorted(pieces, key=lambda p: p.x0):
        if prev is not None:
            gap = p.x0 - prev.x1
            latin = text[-1:].isascii() and text[-1:].isalnum() and p.text[:1].isascii() and p.text[:1].isalnum()
            if (latin and prev.line != p.line) or (latin and gap > 0.25 * prev.height) or gap > 1.5 * prev.height:
                text += " "
        text += p.text
        prev = p
    return text


def join_wrapped(lines: list[tuple[str, float]], right: float, margin: float) -> str:
    """A cell's lines [(text, right end)] as one text: a line that reaches to within `margin`
    of the cell's right edge was wrapped by the layout and runs on; other breaks are kept."""
    out, prev_end = "", None
    for text, end in lines:
        if prev_end is not None:
            soft = prev_end >= right - margin and not leading_mark(text)  # an item starts its own line
            out += "" if soft else "\n"
        out += text
        prev_end = end
    return out


def text_lines(pieces: list[Piece]) -> list[list[Piece]]:
    """Pieces grouped into visual lines, top to bottom."""
    lines: list[list[Piece]] = []
    for p in sorted(pieces, key=lambda p: p.cy):
        if lines:
            last = lines[-1]
            cy = sum(q.cy for q in last) / len(last)
            if abs(p.cy - cy) < 0.5 * max(p.height, last[0].height):
                last.append(p)
                continue
        lines.append([p])
    return lines


def assign_pieces(grids: list[Grid], pieces: list[Piece]) -> tuple[dict[int, list[Piece]], list[Piece]]:
    """Pieces per cell (keyed by id(cell)) and the pieces outside every grid."""
    inside: dict[int, list[Piece]] = {}
    outside: list[Piece] = []
    for p in pieces:
        for g in grids:
            cell = g.locate(p.cx, p.cy)
            if cell is not None:
                inside.setdefault(id(cell), []).append(p)
                break
        else:
            outside.append(p)
    return inside, outside


@lru_cache(maxsize=1)
def whole_cell_confusions() -> dict[str, str]:
    """OCR readings of a lone mark -> the mark (parsers/ocr/confusions.yaml)."""
    import yaml
    with open(Path(__file__).with_name("confusions.yaml"), encoding="utf-8") as f:
        return dict(yaml.safe_load(f)["whole_cell"])


def fill_cells(grid: Grid, inside: dict[int, list[Piece]], bw_notext: np.ndarray, cfg: dict = SETTINGS) -> None:
    """Cell texts and confidences; an empty-read cell with ink in it gets confidence 0."""
    for cell in grid.cells:
        ps = inside.get(id(cell), [])
        if ps:
            right = grid.cell_box(cell)[2]
            unit = text_unit(ps)
            text = join_wrapped([(_join_line(line), max(p.x1 for p in line)) for line in text_lines(ps)],
                                right, cfg["wrap_units"] * unit)
            cell.text = whole_cell_confusions().get(text.strip(), text)
            cell.confidence = round(min(p.score for p in ps), 4)
            continue
        x0, y0, x1, y1 = (int(v) for v in grid.cell_box(cell))
        m = 6
        inner = bw_notext[y0 + m:y1 - m, x0 + m:x1 - m]
        if inner.size and (inner > 0).mean() > cfg["ink_ratio"]:
            cell.confidence = 0.0


CLEAN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
DIGIT_LIKE = set("0123456789.-OoＯ○〇DQlIi|SsBZzg")    # what a digit is misread as (1/0, 无 stay text)


def numeric_columns(grid: Grid, cfg: dict = SETTINGS) -> dict[int, int]:
    """Columns of a filled grid whose body reads as numbers: {column: first body row}. The body starts
    at the column's first one-column cell read as a clean number (the header cells above it are text);
    numeric when at least two of its filled cells and `numeric_share` of them are clean numbers."""
    out = {}
    for c in range(len(grid.xs) - 1):
        col = sorted((k for k in grid.cells if k.col == c and k.colspan == 1 and k.text.strip()),
                     key=lambda k: k.row)
        first = next((i for i, k in enumerate(col) if CLEAN_NUMBER.fullmatch(k.text.strip())), None)
        if first is None:
            continue
        body = col[first:]
        clean = sum(1 for k in body if CLEAN_NUMBER.fullmatch(k.text.strip()))
        if clean >= 2 and clean >= cfg["numeric_share"] * len(body):
            out[c] = body[0].row
    return out


def read_digits(grid: Grid, inside: dict[int, list[Piece]], cfg: dict = SETTINGS) -> None:
    """A body cell of a numeric column (numeric_columns) read as no clean number but only characters a
    digit is misread as (DIGIT_LIKE: ○ for 0, l for 1) takes its pieces' digits-only reading
    (engine.Piece.digits) when that is a clean number of as many characters, scored by its weakest
    digit (a correction is never trusted more than it was read)."""
    for c, top in numeric_columns(grid, cfg).items():
        for cell in grid.cells:
            if cell.col != c or cell.colspan != 1 or cell.row < top or not cell.text.strip():
                continue
            text = cell.text.strip()
            ps = sorted(inside.get(id(cell), []), key=lambda p: p.x0)
            if (CLEAN_NUMBER.fullmatch(text) or not ps or not set(text) <= DIGIT_LIKE
                    or any(len(p.digits) != len(p.text) for p in ps)):
                continue
            alt = "".join(p.digits for p in ps)
            if len(alt) == len(text) and CLEAN_NUMBER.fullmatch(alt):
                cell.text = alt
                cell.confidence = round(min([cell.confidence or 0.0] + [p.digits_score for p in ps]), 4)


def page_box(box, shape: tuple[int, ...], angle: float = 0.0) -> tuple[float, float, float, float]:
    """A box of the straightened page as fractions (x0, y0, x1, y1) of the upright page before deskew
    (`rotate` by `angle` undone: the bounding box of the box's corners turned back), clipped to the page."""
    h, w = shape[:2]
    x0, y0, x1, y1 = box
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)
    if angle:
        back = cv2.invertAffineTransform(cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0))
        corners = corners @ back[:, :2].T + back[:, 2]
    fx = np.clip(corners[:, 0] / w, 0, 1)
    fy = np.clip(corners[:, 1] / h, 0, 1)
    return (round(float(fx.min()), 5), round(float(fy.min()), 5), round(float(fx.max()), 5), round(float(fy.max()), 5))


def to_table(grid: Grid, page: int | None, shape: tuple[int, ...] | None = None, angle: float = 0.0) -> Table:
    """The document-model Table of a filled grid; with the page image's `shape`, each cell keeps its
    page and box (page_box) so a reviewer can be shown the cell as scanned."""
    t = Table(page=page)
    for cell in sorted(grid.cells, key=lambda c: (c.row, c.col)):
        if shape is not None:
            cell.page, cell.box = page, page_box(grid.cell_box(cell), shape, angle)
        t.add(cell)
    return t


def find_grids(grey: np.ndarray, pieces: list[Piece], cfg: dict = SETTINGS, lines_grey: np.ndarray | None = None,
               seals=()) -> tuple[list[Grid], np.ndarray]:
    """The ruled tables of a straightened page (text found in `pieces`: only their boxes count), and the
    page's ink with the text erased and the rules kept."""
    unit = text_unit(pieces)
    bw = binarize(grey if lines_grey is None else lines_grey)
    hmask = horizontal_lines(bw, unit, cfg)
    pieces_mask = horizontal_lines(bw, unit, cfg, cfg["h_piece_units"])
    bw_notext = keep_rules(bw, erase_text(bw, pieces), unit, cfg, pieces)
    vmask = vertical_lines(bw_notext, unit, cfg)
    grids = [g for box in table_regions(hmask, vmask, unit, cfg)
             if (g := recover_grid(hmask, bw_notext, box, unit, cfg, seals, pieces_mask)) is not None]
    return grids, bw_notext


def cell_edges(grids: list[Grid], x: float, y: float) -> list[float]:
    """x positions of the rules bounding cells on the row of the point (x, y): the table's sides and the
    rules between cells ([] outside every grid)."""
    for g in grids:
        r, c = bisect_right(g.ys, y) - 1, bisect_right(g.xs, x) - 1
        if 0 <= r < len(g.ys) - 1 and 0 <= c < len(g.xs) - 1:
            inner = [g.xs[k + 1] for k in range(len(g.xs) - 2) if g.owner.get((r, k)) is not g.owner.get((r, k + 1))]
            return [g.xs[0], *inner, g.xs[-1]]
    return []


def blocks_from_page(grey: np.ndarray, pieces: list[Piece], page: int | None = None,
                     cfg: dict = SETTINGS, lines_grey: np.ndarray | None = None, angle: float = 0.0,
                     seals=(), grids: list[Grid] | None = None) -> list[Block]:
    """Tables and paragraphs of one straightened page image, in reading order.

    `grey` is the image the OCR read; `lines_grey` (default: the same) the one ruling
    lines are found in, where light residue has been whitened harder; `angle` what deskew
    turned the page by (cell boxes are given on the upright page before it); `seals` the black
    seals on the straightened page (cx, cy, r), where rules are taken as drawn on (through_seals);
    `grids` the page's grids when already found (cellread found them from the line boxes and cut the
    lines at their rules: the cells are filled in the grid they were cut by).
    """
    if grids is None:
        grids, bw_notext = find_grids(grey, pieces, cfg, lines_grey, seals)
        ink = erase_text(binarize(grey), pieces) if lines_grey is not None else bw_notext
    else:
        ink = erase_text(binarize(grey), pieces)
    inside, outside = assign_pieces(grids, pieces)
    placed: list[tuple[float, Block]] = []
    for g in grids:
        fill_cells(g, inside, ink, cfg)
        read_digits(g, inside, cfg)
        placed.append((g.box[1], to_table(g, page, grey.shape, angle)))
    for line in text_lines(outside):
        text = _join_line(line).strip()
        if text:
            conf = round(min(p.score for p in line), 4)
            box = page_box((min(p.x0 for p in line), min(p.y0 for p in line), max(p.x1 for p in line),
                            max(p.y1 for p in line)), grey.shape, angle)
            placed.append((min(p.y0 for p in line), Paragraph(text=text, confidence=conf, page=page, box=box)))
    placed.sort(key=lambda t: t[0])
    return [b for _, b in placed]
