"""Safe cell writing for every workbook paicha produces.

Untrusted text never becomes a formula: a string starting with = + - @ (or a
tab/CR) is stored as an explicit string cell, shown exactly as typed.

Large sheets are written in openpyxl's write-only mode (rows appended, never
revisited): `write_only_row` keeps the same rule there, and `copy_sheet` copies
a small sheet built with the normal API (merges, styles) into a write-only
workbook, so one workbook can hold both.
"""
from __future__ import annotations

from copy import copy
from typing import Any

from openpyxl.cell.cell import Cell, MergedCell, WriteOnlyCell

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


def copy_sheet(src, wb) -> Any:
    """A copy of worksheet `src` (normal mode) as a new sheet of the write-only workbook `wb`: values with
    their data types, styles, merged ranges, column widths, row heights, freeze panes, print titles,
    page setup and auto filter."""
    ws = wb.create_sheet(src.title)
    for key, dim in src.column_dimensions.items():
        if dim.width:
            ws.column_dimensions[key].width = dim.width
    for key, dim in src.row_dimensions.items():
        if dim.height:
            ws.row_dimensions[key].height = dim.height
    ws.freeze_panes = src.freeze_panes
    ws.print_title_rows = src.print_title_rows
    for attr in ("orientation", "paperSize", "fitToWidth", "fitToHeight"):
        setattr(ws.page_setup, attr, getattr(src.page_setup, attr))
    ws.sheet_properties.pageSetUpPr = copy(src.sheet_properties.pageSetUpPr)
    ws.auto_filter.ref = src.auto_filter.ref
    for rng in src.merged_cells.ranges:
        ws.merged_cells.add(rng.coord)
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
