"""Safe cell writing for every workbook paicha produces.

Untrusted text never becomes a formula: a string starting with = + - @ (or a
tab/CR) is stored as an explicit string cell, shown exactly as typed.
"""
from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import Cell

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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
