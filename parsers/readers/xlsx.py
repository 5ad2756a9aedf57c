"""Excel .xlsx → Document: every visible sheet as its title lines and one table.

openpyxl with data_only=True gives the values Excel cached for formulas; a
formula without a cached value is never evaluated here: its cell reads "" and a
warning is logged. Dates become ISO strings, numbers their plain text (3, not 3.0).
"""
from __future__ import annotations

import datetime as dt
import io
import logging
import posixpath
import warnings
import zipfile
from pathlib import Path

from parsers.model import Cell, Document, Paragraph, Table
from parsers.readers.archive import check_package, open_zip
from parsers.readers.xmlsafe import parse_xml
from schema.errors import InputError, exception_reason

log = logging.getLogger("paicha.readers")

MAX_SHEET_CELLS = 1_000_000       # table area (rows × columns) after trimming; above → too_large
NUMBER_DIGITS = 15                # significant digits Excel shows for a General number

SS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"


def read_xlsx(path: Path, display: str) -> Document:
    """Each visible sheet → leading title lines as Paragraphs, the rest as one Table."""
    with open_zip(path, display) as zf:
        names = set(zf.namelist())
        keep = tuple(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
        keep += tuple(n for n in (WORKBOOK_PART, WORKBOOK_RELS) if n in names)
        parts = check_package(zf, display, keep=keep)
    uncached = _uncached_formulas(parts, display)
    wb = _load(path, display)
    blocks: list = []
    try:
        for index, name in enumerate(wb.sheetnames, start=1):
            ws = wb[name]
            if ws.sheet_state != "visible" or not hasattr(ws, "merged_cells"):
                continue                                   # hidden sheets and chart sheets
            blocks += _sheet_blocks(ws, index, display, uncached.get(name, set()))
    finally:
        wb.close()
    return Document(blocks=blocks)


def _load(path: Path, display: str):
    import openpyxl
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")                # openpyxl warns about unsupported extensions
            with open(path, "rb") as f:                    # a file object: openpyxl skips its extension check
                return openpyxl.load_workbook(io.BytesIO(f.read()), read_only=False, data_only=True,
                                              keep_links=False)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise InputError(f"{display}：文件已损坏（压缩结构不完整）", code="corrupt") from exc
    except InputError:
        raise
    except Exception as exc:                               # openpyxl raises many kinds on broken parts
        raise _broken(display, exc) from exc


def _broken(display: str, exc: Exception) -> InputError:
    """The Chinese error for a workbook openpyxl cannot load: a known exception's reason (XML structure,
    nesting, memory …), else "the workbook structure is unreadable" (a missing part's KeyError, an
    IndexError, an OSError or a decoding error inside the package say nothing more to a user)."""
    known = exception_reason(exc)
    code, reason = known if known and not isinstance(exc, (OSError, UnicodeError)) else \
        ("corrupt", "文件已损坏（工作簿结构无法读取）")
    return InputError(f"{display}：{reason}", code=code)


# --- one sheet -------------------------------------------------------------------------------

def _sheet_blocks(ws, index: int, display: str, uncached: set[str]) -> list:
    """Title lines and the table of one worksheet (empty sheet → [])."""
    texts: dict[tuple[int, int], str] = {}
    for (r, c), cell in ws._cells.items():              # only cells that exist; never the styled void
        text = cell_text(cell)
        if not text and cell.coordinate in uncached:
            log.warning("%s：工作表 %s 单元格 %s 是公式但未保存计算结果，按空白处理（不计算公式）",
                        display, ws.title, cell.coordinate)
        if text:
            texts[(r, c)] = text
    if not texts:
        return []
    merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    anchored = [m for m in merges if (m[0], m[1]) in texts]
    top = min(r for r, _ in texts)
    bottom = max([r for r, _ in texts] + [m[2] for m in anchored])
    left = min(c for _, c in texts)
    right = max([c for _, c in texts] + [m[3] for m in anchored])
    if (bottom - top + 1) * (right - left + 1) > MAX_SHEET_CELLS:
        raise InputError(f"{display}：工作表 {ws.title} 过大（{bottom - top + 1} 行 × {right - left + 1} 列），已拒绝",
                         code="too_large")

    blocks: list = []
    row = top
    if right > left:                                       # a one-column sheet is all table
        while row <= bottom:
            in_row = [texts[(row, c)] for c in range(left, right + 1) if (row, c) in texts]
            if len(in_row) > 1:
                break
            if in_row:
                blocks.append(Paragraph(in_row[0], page=index))
            row += 1
    if row > bottom:
        return blocks

    table = Table(page=index, part=f"sheet {ws.title}")
    covered: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for m in merges:
        r0, c0, r1, c1 = max(m[0], row), max(m[1], left), min(m[2], bottom), min(m[3], right)
        if r0 > r1 or c0 > c1:
            continue
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                covered[(r, c)] = (r0, c0, r1, c1)
    for r in range(row, bottom + 1):
        for c in range(left, right + 1):
            span = covered.get((r, c))
            if span and (r, c) != (span[0], span[1]):
                continue
            rowspan, colspan = (span[2] - span[0] + 1, span[3] - span[1] + 1) if span else (1, 1)
            table.cells.append(Cell(text=texts.get((r, c), ""), row=r - row, col=c - left,
                                    rowspan=rowspan, colspan=colspan))
    table.n_rows, table.n_cols = bottom - row + 1, right - left + 1
    blocks.append(table)
    return blocks


def cell_text(cell) -> str:
    """What Excel shows, as plain text: ISO dates, numbers without a trailing .0."""
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    fmt = (cell.number_format or "").lower()
    if isinstance(v, dt.datetime):
        if (v.hour, v.minute, v.second) != (0, 0, 0):
            return v.isoformat(timespec="minutes" if v.second == 0 else "seconds")
        v = v.date()
    if isinstance(v, dt.date):
        month_only = "y" in fmt and "m" in fmt and "d" not in fmt
        return f"{v.year:04d}-{v.month:02d}" if month_only else v.isoformat()
    if isinstance(v, dt.time):
        return v.isoformat(timespec="minutes" if v.second == 0 else "seconds")
    if isinstance(v, dt.timedelta):
        return str(v)
    if isinstance(v, (int, float)):
        if "%" in fmt:
            return number_text(v * 100) + "%"
        return number_text(v)
    return str(v)


def number_text(v: float) -> str:
    if isinstance(v, int) or (v.is_integer() and abs(v) < 1e15):
        return str(int(v))
    return f"{v:.{NUMBER_DIGITS}g}"


# --- formulas without a cached value ----------------------------------------------------------

def _uncached_formulas(parts: dict[str, bytes], display: str) -> dict[str, set[str]]:
    """{sheet name: coordinates of formula cells with no cached value}; cheap when there are no formulas."""
    sheets = {n: b for n, b in parts.items() if n.startswith("xl/worksheets/") and b"<f" in b}
    if not sheets or WORKBOOK_PART not in parts or WORKBOOK_RELS not in parts:
        return {}
    targets = {}
    for rel in parse_xml(parts[WORKBOOK_RELS], display, WORKBOOK_RELS).iter(REL_NS + "Relationship"):
        target = rel.get("Target", "")
        full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id")] = full
    out: dict[str, set[str]] = {}
    for sheet in parse_xml(parts[WORKBOOK_PART], display, WORKBOOK_PART).iter(SS + "sheet"):
        part = targets.get(sheet.get(OFFICE_REL + "id"))
        if part not in sheets:
            continue
        root = parse_xml(sheets[part], display, part)
        missing = {c.get("r") for c in root.iter(SS + "c")
                   if c.find(SS + "f") is not None and not (c.findtext(SS + "v") or "")}
        if missing:
            out[sheet.get("name")] = missing
    return out
