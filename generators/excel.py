"""Safe cell writing for every workbook paicha produces.

Untrusted text never becomes a formula: a string starting with = + - @ (or a
tab/CR) is stored as an explicit string cell, shown exactly as typed.

Large sheets are written in openpyxl's write-only mode (rows appended, never
revisited): `write_only_row` keeps the same rule there, and `copy_sheet` copies
a small sheet built with the normal API (merges, styles) into a write-only
workbook, so one workbook can hold both.
"""
from __future__ import annotations

import math
import re
from copy import copy
from typing import Any
from weakref import WeakKeyDictionary

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell, WriteOnlyCell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_MAX = 31                   # Excel's limit
SHEET_NAME_FORBIDDEN = "[]:*?/\\"


def sheet_title(title: str, used: set[str]) -> str:
    """A valid worksheet name for `title`, unique among `used` (and added to it): Excel's forbidden
    characters dropped, at most 31 characters, a repeated name numbered 表_2, 表_3 …"""
    name = "".join(ch for ch in title if ch not in SHEET_NAME_FORBIDDEN)[:SHEET_NAME_MAX] or "表"
    base, k = name, 2
    while name in used:
        name = f"{base[:SHEET_NAME_MAX - len(str(k)) - 1]}_{k}"
        k += 1
    used.add(name)
    return name


def set_cell(cell: Cell, value: Any) -> Cell:
    """Write `value` into `cell`; text is always stored as text, never as a formula."""
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"   # openpyxl would otherwise mark "=..." as a formula
    elif isinstance(value, (list, tuple)):
        cell.value = "；".join(str(v) for v in value)
        cell.data_type = "s"
    elif isinstance(value, dict):
        cell.value = "，".join(f"{v}" for v in value.values() if v not in (None, ""))
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def write(ws, row: int, col: int, value: Any) -> Cell:
    """ws.cell(row, col) with set_cell semantics."""
    return set_cell(ws.cell(row=row, column=col), value)


def write_only_row(ws, values: list) -> list:
    """`values` ready for a write-only worksheet's append(): numbers, None and text that cannot be
    read as a formula as they are (the fast path); anything else set_cell'ed into a WriteOnlyCell."""
    return [v if v is None or isinstance(v, (int, float)) or (isinstance(v, str) and not v.startswith(FORMULA_PREFIXES))
            else set_cell(WriteOnlyCell(ws), v) for v in values]


# --- merged ranges at the cost of the cells they cover -----------------------------------------------
# openpyxl's ws.merge_cells compares a new range with every earlier one and re-registers a Border (a
# hash of the whole object) for each edge cell: 1,232 merges took ~45 % of the statistics workbook.
# merge_cells below gives the same sheet (the same ranges in the same order, the same MergedCells,
# border and protection ids): the containment check looks only at the ranges covering the new one's
# top-left cell, and each distinct border sum is computed once per workbook.

_merge_state: WeakKeyDictionary = WeakKeyDictionary()      # worksheet -> (count seen, {cell: ranges covering it})
_border_sums: WeakKeyDictionary = WeakKeyDictionary()      # workbook -> {(border id, what is added): border id}


def _covering(ws) -> dict:
    """{(row, col): ranges of ws.merged_cells covering it}, rebuilt when ranges came another way."""
    n, cover = _merge_state.get(ws, (-1, None))
    if n != len(ws.merged_cells.ranges):
        cover = {}
        for rng in ws.merged_cells.ranges:
            for rc in rng.cells:
                cover.setdefault(rc, []).append(rng)
    return cover


def add_merged_range(ws, rng: CellRange) -> bool:
    """ws.merged_cells.add(rng): added unless an existing range contains it (True when added)."""
    cover = _covering(ws)
    added = not any(r.min_row <= rng.max_row <= r.max_row and r.min_col <= rng.max_col <= r.max_col
                    for r in cover.get((rng.min_row, rng.min_col), ()))
    if added:
        ws.merged_cells.ranges.add(rng)
        for rc in rng.cells:
            cover.setdefault(rc, []).append(rng)
    _merge_state[ws] = (len(ws.merged_cells.ranges), cover)
    return added


def _style(cell) -> StyleArray:
    """The cell's style ids, made (all 0) on first use as openpyxl's style attributes do."""
    if not cell._style:
        cell._style = StyleArray()
    return cell._style


def _plus_border(ws, cell, key: tuple, added) -> None:
    """cell.border += added() (added: the Border to add, made only when this sum is new)."""
    borders = ws.parent._borders
    sums = _border_sums.setdefault(ws.parent, {})
    old = _style(cell).borderId
    new = sums.get((old, key))
    if new is None:
        new = sums[(old, key)] = borders.add(borders[old] + added())
    cell._style.borderId = new


def merge_cells(ws, min_row: int, min_col: int, max_row: int, max_col: int) -> None:
    """ws.merge_cells(start_row=…, …) with the same result, in time linear in the cells merged."""
    from openpyxl.styles.borders import Border
    from openpyxl.worksheet.merge import MergedCellRange

    cells = ws._cells
    mcr = MergedCellRange.__new__(MergedCellRange)
    CellRange.__init__(mcr, min_col=min_col, min_row=min_row, max_col=max_col, max_row=max_row)
    mcr.ws = ws
    # MergedCellRange._get_borders: the top-left cell takes the bottom-right cell's right and bottom sides
    start = mcr.start_cell = cells.get((min_row, min_col))
    if start is None:
        start = mcr.start_cell = ws.cell(row=min_row, column=min_col)
    end = cells.get((max_row, max_col))
    borders = ws.parent._borders
    if end is not None:
        e = borders[_style(end).borderId]
        _plus_border(ws, start, ("corner", end._style.borderId), lambda: Border(right=e.right, bottom=e.bottom))
    add_merged_range(ws, mcr)
    # Worksheet._clean_merge_range: the other cells become MergedCells, the edges take the top-left's sides
    for rc in mcr.cells:
        if rc != (min_row, min_col):
            cells[rc] = MergedCell(ws, *rc)
    for name in ("top", "left", "right", "bottom"):
        s = _style(start).borderId
        side = getattr(borders[s], name)
        if side and side.style is None:
            continue
        for rc in getattr(mcr, name):
            _plus_border(ws, cells[rc], (name, s), lambda: Border(**{name: side}))
    protection = ws.parent._protections.add(copy(start.protection))
    for rc in mcr.cells:
        _style(cells[rc]).protectionId = protection


class Styler:
    """cell.font = …, cell.border = … for many cells of one workbook, each style object registered once:
    openpyxl hashes the whole object at every assignment (a Border ~30 µs). The same ids in the same
    order; a style object must not change once given (openpyxl's own style objects are not changed)."""
    SLOTS = {"font": ("_fonts", "fontId"), "fill": ("_fills", "fillId"), "border": ("_borders", "borderId"),
             "protection": ("_protections", "protectionId"), "alignment": ("_alignments", "alignmentId")}

    def __init__(self, wb):
        self.wb, self.ids = wb, {}

    def __call__(self, cell, **styles) -> None:
        st = _style(cell)
        for attr, obj in styles.items():
            hit = self.ids.get((attr, id(obj)))
            if hit is None:             # the object is kept with its id, so the id is not reused
                coll, _ = self.SLOTS[attr]
                hit = self.ids[(attr, id(obj))] = (obj, getattr(self.wb, coll).add(obj))
            setattr(st, self.SLOTS[attr][1], hit[1])


def copy_sheet(src, wb) -> Any:
    """A copy of worksheet `src` (normal mode) as a new sheet of the write-only workbook `wb`: values with
    their data types, styles, merged ranges, column widths, row heights, freeze panes, print titles,
    page setup, print area and options, margins and auto filter."""
    ws = wb.create_sheet(src.title)
    for key, dim in src.column_dimensions.items():
        if dim.width:
            ws.column_dimensions[key].width = dim.width
    for key, dim in src.row_dimensions.items():
        if dim.height:
            ws.row_dimensions[key].height = dim.height
    ws.freeze_panes = src.freeze_panes
    ws.print_title_rows = src.print_title_rows
    if src.print_area:
        ws.print_area = src.print_area
    ws.print_options = copy(src.print_options)
    ws.page_margins = copy(src.page_margins)
    for attr in ("orientation", "paperSize", "fitToWidth", "fitToHeight"):
        setattr(ws.page_setup, attr, getattr(src.page_setup, attr))
    ws.sheet_properties.pageSetUpPr = copy(src.sheet_properties.pageSetUpPr)
    ws.auto_filter.ref = src.auto_filter.ref
    for rng in src.merged_cells.ranges:
        add_merged_range(ws, CellRange(rng.coord))
    styles: dict[tuple, Any] = {}
    for row in src.iter_rows():
        out = []
        for c in row:
            cell = WriteOnlyCell(ws)
            if not isinstance(c, MergedCell) and c.value is not None:
                cell.value = c.value
                cell.data_type = c.data_type        # text stays text ("s"), numbers stay numbers
            if c.has_style:     # styles are registered again in wb's own tables, once per distinct style
                key = tuple(c._style)
                if key not in styles:
                    cell.font, cell.border, cell.fill = copy(c.font), copy(c.border), copy(c.fill)
                    cell.alignment, cell.number_format = copy(c.alignment), c.number_format
                    styles[key] = cell._style
                cell._style = copy(styles[key])
            out.append(cell)
        ws.append(out)
    return ws


# --- sheets that print ------------------------------------------------------------------------------
# Row heights are computed from the content and the column widths (Excel and WPS do not grow a row for
# wrapped text on opening, and nobody grows a row for a merged cell), so every text fits its cell on
# paper. Widths in Excel's units (characters of the default font's digits, 7 px at 96 dpi).

COL_UNIT_PT = 5.25          # one unit of column width (7 px)
COL_EXTRA_PT = 3.75         # Excel adds 5 px of padding to every column
CELL_PAD_PT = 4.0           # text inset inside a cell, both sides together (LibreOffice ~2 pt a side)
LINE_EM = 1.45              # a wrapped line, in font sizes (Noto CJK in the preview; 宋体 in Excel is 1.3)
ROW_PAD_PT = 3.0            # above and below the lines together
MIN_ROW_PT = 15.0           # Excel's default row height
WIDTH_SLACK = 0.94          # fill a line only to this share of the width (glyph widths differ by font)
DEFAULT_FONT_PT = 11.0


def column_pt(width: float | None) -> float:
    """A column's width in points from its Excel width (None: Excel's default 8.43)."""
    return (8.43 if width is None else width) * COL_UNIT_PT + COL_EXTRA_PT


def shown_text(cell) -> str:
    """What a cell shows: text as is, a number by its number format (0, 0.00, a literal suffix like ※)."""
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    fmt = cell.number_format or "General"
    suffix = "".join(re.findall(r'"([^"]*)"', fmt))
    m = re.match(r"0(?:\.(0+))?", fmt.replace('"', ""))
    if m and fmt != "General":
        return f"{v:.{len(m.group(1) or '')}f}{suffix}"
    return (f"{v:g}" if isinstance(v, float) else str(v)) + suffix


def wrapped_lines(text: str, width_chars: float) -> int:
    """Lines `text` takes in a cell `width_chars` characters of its font wide: CJK breaks anywhere, a Latin
    run (a number, a date) only as a whole, explicit line breaks kept."""
    from generators.gongwen.render import UNBREAKABLE_RE, cell_text_width
    width = max(1.0, width_chars * WIDTH_SLACK)
    total = 0
    for line in str(text).split("\n"):
        n, used, pos = 1, 0.0, 0
        for m in list(UNBREAKABLE_RE.finditer(line)) + [None]:
            end = m.start() if m else len(line)
            for ch in line[pos:end]:                       # CJK: one at a time
                w = cell_text_width(ch)
                if used + w > width and used > 0:
                    n, used = n + 1, 0.0
                used += w
            if m:
                w = cell_text_width(m.group())
                if used + w > width and used > 0:
                    n, used = n + 1, 0.0
                used += w                                   # a run wider than the cell stays one line (and shows)
                pos = m.end()
        total += n
    return total


def cell_height_pt(text: str, size_pt: float, width_pt: float) -> float:
    """Height a text needs in a cell `width_pt` wide at `size_pt`."""
    if not text:
        return 0.0
    lines = wrapped_lines(text, max(1.0, (width_pt - CELL_PAD_PT) / size_pt))
    return lines * size_pt * LINE_EM + ROW_PAD_PT


def fit_rows(ws, first_row: int = 1) -> dict[int, float]:
    """Row heights (pt) of a normal-mode sheet from its content: every text cell wraps, each row is as high
    as its tallest single-row cell, a merged cell's rows share what it still needs. Returns {row: height}."""
    widths = {c: column_pt(ws.column_dimensions[get_column_letter(c)].width) for c in range(1, ws.max_column + 1)}
    spans = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
    heights: dict[int, float] = {r: MIN_ROW_PT for r in range(first_row, ws.max_row + 1)}
    tall: list[tuple[int, int, float]] = []             # (first row, last row, height) of merged row spans
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            if isinstance(cell, MergedCell) or cell.value is None:
                continue
            rng = spans.get((cell.row, cell.column))
            c0, c1, r1 = (rng.min_col, rng.max_col, rng.max_row) if rng else (cell.column, cell.column, cell.row)
            size = float(cell.font.sz or DEFAULT_FONT_PT) if cell.has_style else DEFAULT_FONT_PT
            need = cell_height_pt(shown_text(cell), size, sum(widths[c] for c in range(c0, c1 + 1)))
            if isinstance(cell.value, str):
                al = copy(cell.alignment)
                if not al.wrap_text:
                    al.wrap_text = True
                    cell.alignment = al
            if r1 == cell.row:
                heights[cell.row] = max(heights[cell.row], need, ws.row_dimensions[cell.row].height or 0)
            else:
                tall.append((cell.row, r1, need))
    for r0, r1, need in sorted(tall, key=lambda t: t[1] - t[0]):
        have = sum(heights[r] for r in range(r0, r1 + 1))
        if have < need:
            extra = (need - have) / (r1 - r0 + 1)
            for r in range(r0, r1 + 1):
                heights[r] += extra
    for r, h in heights.items():
        ws.row_dimensions[r].height = round(h + 0.05, 1)
    return heights


def set_print(ws, n_cols: int, n_rows: int, title_rows: str | None = None, landscape: bool = True) -> None:
    """A4 (landscape unless told), fitted to the page width, centred, the used range as the print area and
    `title_rows` ("3:5") repeated on every page; works on normal and write-only sheets."""
    ws.page_setup.paperSize = 9                     # A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_area = f"A1:{get_column_letter(max(1, n_cols))}{max(1, n_rows)}"
    if title_rows:
        ws.print_title_rows = title_rows


def quick_lines(text: str, width_chars: float) -> int:
    """wrapped_lines for long sheets: the width estimated from the UTF-8 length (a CJK character is 3 bytes
    and 1 character wide, ASCII 1 byte and about 0.55: Calibri, SimSun) instead of glyph by glyph."""
    total = 0
    for line in text.split("\n"):
        n = len(line)
        cjk = (len(line.encode("utf-8")) - n) / 2
        w = cjk + 0.55 * (n - cjk)
        total += max(1, math.ceil(w / max(1.0, width_chars * WIDTH_SLACK)))
    return total


class StyledCell(Cell):
    """A write-only cell with one registered style whose id is looked up once (styled_row gives it every
    value of a row in turn): a 100,000-row sheet is styled at little more than the cost of plain values."""
    __slots__ = ("_sid",)

    @property
    def style_id(self) -> int:
        return self._sid

    @property
    def has_style(self) -> bool:
        return True

    def __repr__(self) -> str:          # formatted by the writer's ValueError for every cell given: keep it cheap
        return "StyledCell"


def registered_style(ws, **attrs) -> StyledCell:
    """A style (font, border, alignment, number_format …) registered in ws's workbook, for styled_row."""
    cell = WriteOnlyCell(ws)
    for k, v in attrs.items():
        setattr(cell, k, v)
    out = StyledCell(ws, row=1, column=1)
    out._style = copy(cell._style)
    out._sid = cell.style_id
    return out


def styled_row(ws, values: list, style: StyledCell):
    """`values` for a write-only sheet's append(), every cell (empty ones too: the table's borders) in
    `style`; text never becomes a formula. A generator: the write-only writer takes the cells one by one."""
    for v in values:
        if v is None:                                   # the common cases set directly
            style._value, style.data_type = None, "n"
        elif v.__class__ is str:                        # text is always text; control characters dropped
            style._value, style.data_type = ILLEGAL_CHARACTERS_RE.sub("", v), "s"
        elif v.__class__ in (int, float):
            style._value, style.data_type = v, "n"
        else:
            set_cell(style, v)
        yield style


def cell_lines(values: list, width_chars: list[float]) -> list[int]:
    """Lines each value takes in its column (quick_lines; 1 for what cannot be wider than its column)."""
    return [quick_lines(v, w) if v.__class__ is str and (len(v) > w * WIDTH_SLACK or "\n" in v) else 1
            for v, w in zip(values, width_chars)]
