"""Excel .xlsx → Document: every visible sheet as its title lines and one table.

The values Excel cached for formulas are read (data_only); a formula without a
cached value is never evaluated here: its cell reads "" and a warning is logged.
Dates become ISO strings, numbers their plain text (3, not 3.0).

Two ways to the same cells: the parts read directly with lxml (shared strings,
styles' number formats, each sheet's cells and merges; ~1 ms a form), or openpyxl
(data_only=True) for any workbook the direct way does not take as plain (cells
without coordinates, odd parts, anything unexpected). The direct way gives what
openpyxl gives: its number casting, date formats and epoch, merged cells' covered
values dropped (tests/test_readers.py compares them).
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
from parsers.readers.archive import check_package, package
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
STYLES_PART = "xl/styles.xml"                 # where openpyxl reads the styles from, whatever the rels say
STRINGS_PART = "xl/sharedStrings.xml"


def read_xlsx(path: Path, display: str, zf=None) -> Document:
    """Each visible sheet → leading title lines as Paragraphs, the rest as one Table.
    `zf`: the package already open (archive.package)."""
    with package(path, display, zf) as zf:
        names = set(zf.namelist())
        keep = tuple(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
        keep += tuple(n for n in (WORKBOOK_PART, WORKBOOK_RELS, STYLES_PART, STRINGS_PART) if n in names)
        parts = check_package(zf, display, keep=keep)
    uncached = _uncached_formulas(parts, display)
    try:
        sheets = _direct_sheets(parts, display)
    except Exception:  # noqa: BLE001 — anything unexpected: openpyxl reads it (and names what is wrong)
        sheets = None
    if sheets is not None:
        blocks = []
        for index, title, texts, merges, empty in sheets:
            for coordinate in empty & uncached.get(title, set()):
                _warn_uncached(display, title, coordinate)
            blocks += _blocks(texts, merges, index, title, display)
        return Document(blocks=blocks)
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

def _warn_uncached(display: str, title: str, coordinate: str) -> None:
    log.warning("%s：工作表 %s 单元格 %s 是公式但未保存计算结果，按空白处理（不计算公式）", display, title, coordinate)


def _sheet_blocks(ws, index: int, display: str, uncached: set[str]) -> list:
    """Title lines and the table of one worksheet (empty sheet → [])."""
    texts: dict[tuple[int, int], str] = {}
    for (r, c), cell in ws._cells.items():              # only cells that exist; never the styled void
        text = cell_text(cell)
        if not text and cell.coordinate in uncached:
            _warn_uncached(display, ws.title, cell.coordinate)
        if text:
            texts[(r, c)] = text
    merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    return _blocks(texts, merges, index, ws.title, display)


def _blocks(texts: dict[tuple[int, int], str], merges: list[tuple[int, int, int, int]], index: int, title: str,
            display: str) -> list:
    """Title lines and the table of one sheet from its non-empty cell texts and merged ranges."""
    if not texts:
        return []
    anchored = [m for m in merges if (m[0], m[1]) in texts]
    top = min(r for r, _ in texts)
    bottom = max([r for r, _ in texts] + [m[2] for m in anchored])
    left = min(c for _, c in texts)
    right = max([c for _, c in texts] + [m[3] for m in anchored])
    if (bottom - top + 1) * (right - left + 1) > MAX_SHEET_CELLS:
        raise InputError(f"{display}：工作表 {title} 过大（{bottom - top + 1} 行 × {right - left + 1} 列），已拒绝",
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

    table = Table(page=index, part=f"sheet {title}")
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
    return value_text(cell.value, cell.number_format)


def value_text(v, number_format: str | None) -> str:
    """cell_text of a value and its number format."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    fmt = (number_format or "").lower()
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


# --- the direct way ----------------------------------------------------------------------------

SHEET_REL = "/worksheet"
CHARTSHEET_REL = "chartsheet"


class _NotPlain(Exception):
    """The workbook is left to openpyxl."""


def _direct_sheets(parts: dict[str, bytes], display: str) -> list[tuple] | None:
    """[(index, title, {(row, col): text}, [merged ranges], {coordinates of empty cells})] of the visible
    worksheets, or None when the workbook is not plain enough to read without openpyxl."""
    from openpyxl.workbook.child import INVALID_TITLE_REGEX
    if WORKBOOK_PART not in parts or WORKBOOK_RELS not in parts:
        return None
    try:
        rels = {}
        for rel in parse_xml(parts[WORKBOOK_RELS], display, WORKBOOK_RELS).iter(REL_NS + "Relationship"):
            target = rel.get("Target", "")
            full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            rels[rel.get("Id")] = (full, rel.get("Type", ""))
        book = parse_xml(parts[WORKBOOK_PART], display, WORKBOOK_PART)
        if book.tag != SS + "workbook":
            return None                                       # strict OOXML and the like
        pr = book.find(SS + "workbookPr")
        epoch = _epoch(pr.get("date1904") if pr is not None else None)
        styles = _Styles(parts.get(STYLES_PART), display)
        strings = _shared_strings(parts.get(STRINGS_PART), display)
        out, titles, index = [], set(), 0
        for sheet in book.iter(SS + "sheet"):
            name, rid = sheet.get("name"), sheet.get(OFFICE_REL + "id")
            if not rid or rid not in rels or not name or INVALID_TITLE_REGEX.search(name) or name in titles \
                    or len(name) > 31:
                return None
            target, kind = rels[rid]
            if target not in parts:
                return None                                   # openpyxl skips it or reads a chartsheet
            if CHARTSHEET_REL in kind or not kind.endswith(SHEET_REL):
                return None
            titles.add(name)
            index += 1
            if (sheet.get("state") or "visible") != "visible":
                continue
            texts, merges, empty = _direct_sheet(parts[target], target, display, strings, styles, epoch)
            out.append((index, name, texts, merges, empty))
        return out
    except _NotPlain:
        return None


def _epoch(date1904: str | None):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900
    if date1904 in (None, "0", "false"):
        return CALENDAR_WINDOWS_1900
    if date1904 in ("1", "true"):
        return CALENDAR_MAC_1904
    raise _NotPlain


class _Styles:
    """Number format, date and timedelta flags of each cell style (xf), as openpyxl finds them."""

    def __init__(self, data: bytes | None, display: str):
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
        self.formats: list[str] = ["General"]
        self.dates: set[int] = set()
        self.deltas: set[int] = set()
        if data is None:
            return
        root = parse_xml(data, display, STYLES_PART)
        custom = {}
        fmts = root.find(SS + "numFmts")
        for f in (fmts if fmts is not None else ()):
            if f.tag == SS + "numFmt":
                custom[int(f.get("numFmtId"))] = f.get("formatCode")
        xfs = root.find(SS + "cellXfs")
        if xfs is None:
            raise _NotPlain
        self.formats = []
        for idx, xf in enumerate(x for x in xfs if x.tag == SS + "xf"):
            num = int(xf.get("numFmtId", 0))
            if num in custom:
                fmt = custom[num]
            elif num in BUILTIN_FORMATS:
                fmt = BUILTIN_FORMATS[num]
            elif num < 164:
                fmt = None                                    # openpyxl shows it as General
            else:
                raise _NotPlain                               # a custom id no numFmt defines
            self.formats.append(fmt if fmt is not None else "General")
            if is_date_format(fmt):
                self.dates.add(idx)
            if is_timedelta_format(fmt):
                self.deltas.add(idx)


def _rich_text(node) -> str:
    """openpyxl's Text.content: the plain <t> and the runs' <t>, phonetic runs left out."""
    out = []
    for child in node:
        if child.tag == SS + "t":
            if child.text is not None:
                out.append(child.text)
        elif child.tag == SS + "r":
            t = child.find(SS + "t")
            if t is not None and t.text is not None:
                out.append(t.text)
    return "".join(out)


def _shared_strings(data: bytes | None, display: str) -> list[str]:
    if data is None:
        return []
    root = parse_xml(data, display, STRINGS_PART)
    return [_rich_text(si).replace("x005F_", "") for si in root.iter(SS + "si")]


def _cast_number(value: str):
    """openpyxl's: a float when it has a point or an exponent, else an int."""
    if "." in value or "E" in value or "e" in value:
        return float(value)
    return int(value)


def _direct_sheet(data: bytes, part: str, display: str, strings: list[str], styles: _Styles, epoch):
    from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
    from openpyxl.utils.datetime import from_excel, from_ISO8601
    root = parse_xml(data, display, part)
    if root.tag != SS + "worksheet":
        raise _NotPlain
    C, V, IS = SS + "c", SS + "v", SS + "is"
    values: dict[tuple[int, int], str] = {}
    coords: dict[tuple[int, int], str] = {}
    data_el = root.find(SS + "sheetData")
    for row in (data_el if data_el is not None else ()):
        for c in row:
            if c.tag != C:
                continue
            ref = c.get("r")
            if not ref:
                raise _NotPlain                               # openpyxl counts columns itself
            t = c.get("t", "n")
            s = c.get("s", 0)
            s = int(s) if s else 0
            if s >= len(styles.formats):
                raise _NotPlain
            value = None
            if t == "inlineStr":
                inline = c.find(IS)
                if inline is not None:
                    value = _rich_text(inline)
            else:
                raw = c.findtext(V, None) or None
                if raw is not None:
                    if t == "n":
                        value = _cast_number(raw)
                        if s in styles.dates:
                            try:
                                value = from_excel(value, epoch, timedelta=s in styles.deltas)
                            except (OverflowError, ValueError):
                                value = "#VALUE!"
                    elif t == "s":
                        value = strings[int(raw)]
                    elif t == "b":
                        value = bool(int(raw))
                    elif t in ("str", "e"):
                        value = raw
                    elif t == "d":
                        value = from_ISO8601(raw)
                    else:
                        raise _NotPlain
            key = coordinate_to_tuple(ref)
            coords[key] = ref
            values[key] = value_text(value, styles.formats[s])
    merges = []
    merged = root.find(SS + "mergeCells")
    for m in (merged if merged is not None else ()):
        if m.tag != SS + "mergeCell":
            continue
        min_col, min_row, max_col, max_row = range_boundaries(m.get("ref"))
        merges.append((min_row, min_col, max_row, max_col))
        for r in range(min_row, max_row + 1):            # openpyxl drops what covered cells hold
            for col in range(min_col, max_col + 1):
                if (r, col) != (min_row, min_col) and (r, col) in values:
                    values[(r, col)] = ""
    texts = {k: v for k, v in values.items() if v}
    empty = {coords[k] for k, v in values.items() if not v}
    return texts, merges, empty


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
