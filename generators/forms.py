"""Blank and filled 附件 forms drawn from their specs (schema/forms/*.yaml).

draw: spec + data → Drawing (title, header lines, table cells with spans, notes)
render: Drawing → .docx (python-docx) or .xlsx (openpyxl)

The same Drawing serves the blank form, the filled sample returns and the 附件
pages of a 公文 (append_form). Values are written as people write them: dates
2023年3月5日, marks √ × 0, counts as numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.shared import Cm
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from generators.excel import Styler, merge_cells, sheet_title, write as xl_write
from generators.gongwen import ooxml as X
from generators.gongwen.render import column_needs, fit_columns
from schema.dates import date_text
from schema.errors import InputError
from schema.spec import Field, FormSpec, load_spec

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"
TITLE_PT = 18
LINE_PT = 12
A4 = (Cm(21.0), Cm(29.7))
MARGIN = Cm(2.0)
CELL_LINE_EM = 1.3        # exact line height of form text, in font sizes (compact rows)
CELL_MARGIN_MM = 1.0      # left and right cell margins of form tables
ROW_MIN_EM = 1.6          # rows at least this many font sizes high (room to write by hand)
MARK_WRITTEN = {"yes": "√", "no": "×", "rectifying": "0"}


@dataclass
class DCell:
    row: int
    col: int
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    bold: bool = False
    align: str = "center"     # center | left


@dataclass
class Drawing:
    title: str
    above: list[str] = field(default_factory=list)     # header lines above the table
    tables: list[list[DCell]] = field(default_factory=list)
    n_cols: int = 1
    widths: list[float] = field(default_factory=list)
    below: list[str] = field(default_factory=list)     # header lines below, notes
    landscape: bool = False
    font_size: float = 10.5
    fit: bool = False         # widths come from the content: fitted to the page (render.fit_columns)
    heights: dict[int, float] = field(default_factory=dict)  # row index → relative height


# --- values as people write them ----------------------------------------------------------

def written(kind: str, value: Any) -> str:
    """A normalised value the way a filler writes it into a cell."""
    if value is None:
        return ""
    if kind in ("date", "month") and isinstance(value, str):
        parts = value.split("-")
        if len(parts) == 3:
            return date_text(value)
        if len(parts) == 2:
            return f"{int(parts[0])}年{int(parts[1])}月"
        return value
    if kind == "mark":
        return MARK_WRITTEN.get(value, str(value))
    if kind == "yes_no":
        return "是" if value else "否"
    if kind in ("count", "money_wan") and isinstance(value, (int, float)):
        return f"{value:g}"
    if kind == "names" and isinstance(value, list):
        return "、".join(value)
    if kind == "items" and isinstance(value, list):
        if len(value) == 1:
            return value[0]
        return "\n".join(f"{i}. {v}" for i, v in enumerate(value, 1))
    if kind == "person" and isinstance(value, dict):
        return value.get("name") or ""
    return str(value)


def get_path(data: dict | None, key: str) -> Any:
    """data["a"]["b"] for key "a.b"; None when absent."""
    cur: Any = data or {}
    for part in key.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def _header_lines(spec: FormSpec, header: dict | None) -> list[str]:
    lines = []
    for keys in spec.header_lines:
        pieces = []
        for k in keys:
            f = spec.header[k]
            value = (header or {}).get(k)
            if f.pattern:                      # a bare value line, e.g. "东沟村"
                pieces.append(value or "________" + f.labels[0])
                continue
            text = written(f.kind, value)
            if not text and f.kind == "date":
                text = "      年    月    日"
            pieces.append(f"{f.labels[0]}：{text}")
        lines.append("        ".join(pieces))
    return lines


# --- layouts, one per shape --------------------------------------------------------------

def _grid_rows(spec: FormSpec, data: dict | None, rows: list, cols: int, start: int) -> list[DCell]:
    """label_grid rows: a section heading or label/value pairs filling `cols` columns."""
    cells: list[DCell] = []
    sections = spec.layout.get("sections", {})
    for i, row in enumerate(rows):
        r = start + i
        if isinstance(row, dict):
            name = row["section"]
            cells.append(DCell(r, 0, sections.get(name, [name])[0], colspan=cols, bold=True, align="left"))
            continue
        per = cols // len(row)
        for j, key in enumerate(row):
            f = spec.fields[key]
            c0 = j * per
            span = cols - c0 if j == len(row) - 1 else per
            cells.append(DCell(r, c0, f.labels[0]))
            value = get_path(data, key)
            if f.kind == "person" and span >= 3:
                value = value or {}
                cells.append(DCell(r, c0 + 1, "姓名：" + (value.get("name") or ""), align="left"))
                cells.append(DCell(r, c0 + 2, "手机号码"))
                cells.append(DCell(r, c0 + 3, value.get("mobile") or "", colspan=span - 3))
            else:
                cells.append(DCell(r, c0 + 1, written(f.kind, value), colspan=span - 1,
                                   align="left" if f.kind in ("items", "text", "names") else "center"))
    return cells


def layout_label_grid(spec: FormSpec, data: dict | None) -> tuple[list[list[DCell]], int, dict]:
    cols = int(spec.layout.get("cols", 4))
    rows = spec.layout["rows"]
    heights = {}
    for i, row in enumerate(rows):
        if isinstance(row, list) and len(row) == 1:
            heights[i] = spec.layout.get("row_heights", {}).get(row[0], 1)
    return [_grid_rows(spec, data, rows, cols, 0)], cols, heights


def layout_item_marks(spec: FormSpec, data: dict | None) -> tuple[list[list[DCell]], int, dict]:
    cols = 4
    head_rows = spec.layout.get("rows", [])
    cells = _grid_rows(spec, data, head_rows, cols, 0)
    r = len(head_rows)
    for c, col in enumerate(spec.columns):
        cells.append(DCell(r, c, col.labels[0], bold=True))
    r += 1
    kinds = {c.key: c.kind for c in spec.columns}
    items = (data or {}).get(spec.rows_key)
    if not items:
        items, n = [], 0
        for g in spec.groups:
            for text in g["items"]:
                n += 1
                items.append({"no": n, "category": g["category"], "content": text})
    split_after = spec.layout.get("split_after")
    tables: list[list[DCell]] = [cells]
    i = 0
    while i < len(items):
        # one category cell spans its run of consecutive items (cut at a table split)
        j = i
        while (j + 1 < len(items) and items[j + 1].get("category") == items[i].get("category")
               and not (split_after and j + 1 == split_after)):
            j += 1
        if split_after and i == split_after:
            tables.append([])
            r = 0
            carried = i > 0 and items[i - 1].get("category") == items[i].get("category")
        else:
            carried = False
        cur = tables[-1]
        cur.append(DCell(r, 0, "" if carried else items[i].get("category") or "", rowspan=j - i + 1))
        for k in range(i, j + 1):
            it = items[k]
            no = it.get("no")
            cur.append(DCell(r, 1, f"{no}. {it.get('content', '')}" if no else it.get("content", ""),
                             align="left"))
            cur.append(DCell(r, 2, written(kinds.get("self_result", "mark"), it.get("self_result"))))
            cur.append(DCell(r, 3, written(kinds.get("check_result", "mark"), it.get("check_result"))))
            r += 1
        i = j + 1
    for note in spec.notes:
        tables[-1].append(DCell(r, 0, note, colspan=cols, align="left"))
        r += 1
    return tables, cols, {}


def layout_row_list(spec: FormSpec, data: dict | None) -> tuple[list[list[DCell]], int, dict]:
    cols = spec.columns
    cells = [DCell(0, c, col.labels[0], bold=True) for c, col in enumerate(cols)]
    rows = list((data or {}).get(spec.rows_key) or [])
    n = max(spec.blank_rows, len(rows) + 2) if rows else spec.blank_rows
    for i in range(n):
        row = rows[i] if i < len(rows) else {"seq": i + 1}
        for c, col in enumerate(cols):
            cells.append(DCell(1 + i, c, written(col.kind, row.get(col.key)),
                               align="left" if col.kind == "text" and col.key != "seq" else "center"))
    return [cells], len(cols), {}


def matrix_columns(spec: FormSpec, rows: list[dict]) -> list[Field]:
    """The columns a header_matrix form is drawn with: all but the optional ones no row fills."""
    return [c for c in spec.columns if not c.optional or any(r.get(c.key) for r in rows)]


def layout_header_matrix(spec: FormSpec, data: dict | None) -> tuple[list[list[DCell]], int, dict]:
    rows = list((data or {}).get(spec.rows_key) or [])
    cols = matrix_columns(spec, rows)
    n = len(cols)
    depth = max((len(c.path) for c in cols), default=1)
    cells: list[DCell] = []
    for level in range(depth):
        c = 0
        while c < n:
            col = cols[c]
            if not col.path:                         # plain column: label over the whole header
                if level == 0:
                    cells.append(DCell(0, c, col.labels[0], rowspan=depth + 1, bold=True))
                c += 1
                continue
            if level >= len(col.path):
                c += 1
                continue
            end = c
            while (end + 1 < n and len(cols[end + 1].path) > level
                   and [p[0] for p in cols[end + 1].path[:level + 1]] == [p[0] for p in col.path[:level + 1]]):
                end += 1
            last = level == len(col.path) - 1 and end == c
            cells.append(DCell(level, c, col.path[level][0], colspan=end - c + 1,
                               rowspan=depth - level if last else 1, bold=True))
            c = end + 1
    units_row = depth
    for c, col in enumerate(cols):
        if col.path:
            cells.append(DCell(units_row, c, col.unit))
    r = depth + 1
    text_rows = spec.text_rows if cols and not cols[0].path else []
    label_span = min(3, n - 2) if n > 4 else 1
    if not rows:
        rows = [{} for _ in range(spec.blank_rows)]
    for row in rows:
        block = 1 + len(text_rows)
        for c, col in enumerate(cols):
            value = written(col.kind, row.get(col.key))
            if not col.path:
                cells.append(DCell(r, c, value, rowspan=block))
            else:
                cells.append(DCell(r, c, value))
        for t, tf in enumerate(text_rows):
            cells.append(DCell(r + 1 + t, 1, tf.labels[0], colspan=label_span))
            cells.append(DCell(r + 1 + t, 1 + label_span, written(tf.kind, row.get(tf.key)),
                               colspan=n - 1 - label_span, align="left"))
        r += block
    totals = (data or {}).get("totals")
    if totals:
        for c, col in enumerate(cols):
            text = spec.total_labels[0] if c == 0 else written(col.kind, totals.get(col.key))
            cells.append(DCell(r, c, text))
        r += 1
    return [cells], n, {}


def _parts_written(f: Field, data: dict | None) -> str:
    """A multi-number indicator cell: “3次，1.5万元”, “停产1家，关闭0家”."""
    pieces = []
    for p in f.parts:
        v = get_path(data, p.key)
        if data is None or v is None:
            pieces.append(f"（{p.label}）" if p.label else "")
            continue
        pieces.append(f"{p.label}{written(p.kind, v)}{p.unit}")
    return ("　　" if data is None else "，").join(x for x in pieces if x)


def layout_indicator_sheet(spec: FormSpec, data: dict | None) -> tuple[list[list[DCell]], int, dict]:
    per = int(spec.layout.get("per_row", 2))
    cols = 1 + 3 * per
    cells: list[DCell] = []
    r = 0
    for s in spec.sections:
        inds = s.indicators
        n_rows = (len(inds) + per - 1) // per
        cells.append(DCell(r, 0, s.name, rowspan=n_rows, bold=True))
        for i, f in enumerate(inds):
            rr, c = r + i // per, 1 + 3 * (i % per)
            cells.append(DCell(rr, c, str(f.num or i + 1)))
            cells.append(DCell(rr, c + 1, f.labels[0], align="left"))
            text = _parts_written(f, data) if f.parts else written(f.kind, get_path(data, f.key))
            cells.append(DCell(rr, c + 2, text))
        r += n_rows
    return [cells], cols, {}


LAYOUTS = {
    "label_grid": layout_label_grid,
    "item_marks": layout_item_marks,
    "row_list": layout_row_list,
    "header_matrix": layout_header_matrix,
    "indicator_sheet": layout_indicator_sheet,
}


def column_texts(tables: list[list[DCell]], n_cols: int) -> list[list[str]]:
    """The texts of each column's single-column cells, over all the tables of a form."""
    cols: list[list[str]] = [[] for _ in range(n_cols)]
    for cells in tables:
        for c in cells:
            if c.colspan == 1 and c.col < n_cols and c.text:
                cols[c.col].append(c.text)
    return cols


def content_widths(tables: list[list[DCell]], n_cols: int) -> list[float]:
    """Relative column widths from the content (the natural widths of render.column_needs): short
    texts (units, marks, numbers) whole, what is longer counts half (it may wrap)."""
    return [n.natural for n in column_needs(column_texts(tables, n_cols))]


def drawing(spec: FormSpec, data: dict | None = None, header: dict | None = None) -> Drawing:
    """The form as title, header lines, table cells and notes."""
    tables, n_cols, heights = LAYOUTS[spec.shape](spec, data)
    widths = spec.layout.get("widths")
    given = bool(widths)
    if spec.shape in ("header_matrix", "row_list"):
        cols = matrix_columns(spec, list((data or {}).get(spec.rows_key) or [])) \
            if spec.shape == "header_matrix" else spec.columns
        widths = [c.width for c in cols]
        given = any(c.width != 1.0 for c in spec.columns)          # 1.0 is the spec's default
    fit = not given or len(widths) != n_cols
    if fit:
        widths = content_widths(tables, n_cols)
    widths = list(widths)
    lines = _header_lines(spec, header)
    d = Drawing(title=spec.title, tables=tables, n_cols=n_cols, widths=widths,
                landscape=spec.orientation == "landscape", font_size=spec.font_size, heights=heights, fit=fit)
    if spec.header_position == "below":
        d.below += lines
    else:
        d.above += lines
    if spec.shape != "item_marks":
        d.below += spec.notes
    return d


def _spec(form: str | FormSpec) -> FormSpec:
    return form if isinstance(form, FormSpec) else load_spec(form)


# --- .docx -------------------------------------------------------------------------------

def _par(text: str = "", font: str = TABLE_FONT, size: float = LINE_PT, bold: bool = False,
         align: str = "left", after: float = 0):
    """A form paragraph: exact spacing of CELL_LINE_EM × size, no indent, off the 公文 line grid."""
    return X.plain_paragraph(text, font, size, bold=bold, align=align, line_pt=round(size * CELL_LINE_EM, 1),
                             after_pt=after)


def _line(doc, text: str, font: str = BODY_FONT, size: float = LINE_PT, bold: bool = False,
          align: str = "left") -> None:
    X.append_block(doc, _par(text, font, size, bold, align, after=4))


def _docx_table(doc, cells: list[DCell], d: Drawing, width_mm: float) -> None:
    """One ruled table, built in a single pass (widths on the grid and on every cell)."""
    n_rows = max(c.row + c.rowspan for c in cells)
    size = d.font_size
    widths = fit_columns(column_needs(column_texts(d.tables, d.n_cols)), width_mm, size, CELL_MARGIN_MM) \
        if d.fit else None
    if widths is None:          # spec widths, or content too wide for the page: in proportion
        total = sum(d.widths)
        widths = [width_mm * w / total for w in d.widths]
    grid = []
    for dc in cells:
        pars = [_par(line, TABLE_FONT, size, dc.bold, dc.align) for line in dc.text.split("\n")]
        grid.append(X.GridCell(dc.row, dc.col, pars, dc.rowspan, dc.colspan))
    heights = {r: size * ROW_MIN_EM for r in range(n_rows)}
    heights.update({r: 20 * h for r, h in d.heights.items() if h > 1 and r < n_rows})
    X.append_block(doc, X.grid_table(widths, n_rows, grid, lambda: _par("", TABLE_FONT, size),
                                     margin_mm=CELL_MARGIN_MM, row_heights_pt=heights))


def _usable_width_mm(section) -> float:
    return (section.page_width - section.left_margin - section.right_margin) / 36000


def _render_docx_body(doc, d: Drawing, with_title: bool = True, width_mm: float | None = None) -> None:
    if with_title:
        _line(doc, d.title, TITLE_FONT, TITLE_PT, align="center")
    for line in d.above:
        _line(doc, line)
    width = width_mm or _usable_width_mm(doc.sections[-1])
    for i, cells in enumerate(d.tables):
        if i:
            X.append_block(doc, _par())
        _docx_table(doc, cells, d, width)
    for line in d.below:
        _line(doc, line, size=LINE_PT if not line.startswith(("注", "备注", "填报说明")) else 10.5)
    if not d.below:
        X.append_block(doc, _par())      # Word keeps a paragraph after a final table; .doc export needs it


def _setup_section(section, landscape: bool) -> None:
    w, h = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (h, w) if landscape else (w, h)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)


def _write_docx(drawings: list[Drawing], out: Path) -> Path:
    from docx.enum.section import WD_SECTION
    doc = new_docx()
    for i, d in enumerate(drawings):
        if i:
            section = doc.add_section(WD_SECTION.NEW_PAGE)
        else:
            section = doc.sections[0]
        _setup_section(section, d.landscape)
        _render_docx_body(doc, d)
    doc.save(out)
    return out


# --- .xlsx -------------------------------------------------------------------------------

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _xl_line(ws, r: int, text: str, n_cols: int, font: Font, align: str = "left") -> None:
    xl_write(ws, r, 1, text)
    ws.cell(r, 1).font = font
    ws.cell(r, 1).alignment = Alignment(horizontal=align, vertical="center")
    if n_cols > 1:
        merge_cells(ws, r, 1, r, n_cols)


def render_sheet(ws, d: Drawing) -> None:
    """Draw a form on a worksheet (normal mode): title row, header lines, ruled table with its merges and
    spans, notes; A4 page fitted to the width; column widths from d.widths."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if d.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    total = sum(d.widths)
    page_chars = 150 if d.landscape else 100
    for c, w in enumerate(d.widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = max(5, round(page_chars * w / total, 1))
    r = 1
    _xl_line(ws, r, d.title, d.n_cols, Font(name=TITLE_FONT, size=TITLE_PT - 2), "center")
    ws.row_dimensions[r].height = 30
    r += 1
    for line in d.above:
        _xl_line(ws, r, line, d.n_cols, Font(name=BODY_FONT, size=LINE_PT))
        r += 1
    body = Font(name=TABLE_FONT, size=d.font_size)
    bold = Font(name=TABLE_FONT, size=d.font_size, bold=True)
    aligned: dict[str, Alignment] = {}
    style = Styler(ws.parent)
    for cells in d.tables:
        n_rows = max(c.row + c.rowspan for c in cells)
        for rr in range(n_rows):
            for cc in range(d.n_cols):
                style(ws.cell(r + rr, cc + 1), border=BORDER)
        for dc in cells:
            cell = xl_write(ws, r + dc.row, dc.col + 1, dc.text)
            if dc.text and dc.text.replace(".", "", 1).isdigit() and dc.align == "center" and "\n" not in dc.text:
                cell.value = float(dc.text) if "." in dc.text else int(dc.text)   # counts as numbers
            if dc.align not in aligned:
                aligned[dc.align] = Alignment(horizontal=dc.align, vertical="center", wrap_text=True)
            style(cell, font=bold if dc.bold else body, alignment=aligned[dc.align])
            if dc.rowspan > 1 or dc.colspan > 1:
                merge_cells(ws, r + dc.row, dc.col + 1, r + dc.row + dc.rowspan - 1, dc.col + dc.colspan)
        r += n_rows
    for line in d.below:
        _xl_line(ws, r, line, d.n_cols, Font(name=BODY_FONT, size=LINE_PT - 1))
        r += 1


def _write_xlsx(drawings: list[Drawing], out: Path) -> Path:
    wb = Workbook()
    used: set[str] = set()
    for i, d in enumerate(drawings):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = sheet_title(d.title, used)
        render_sheet(ws, d)
    wb.save(out)
    return out


# --- public API --------------------------------------------------------------------------

def _write(drawings: list[Drawing], out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = out.suffix.lower()
    if suffix == ".docx":
        return _write_docx(drawings, out)
    if suffix == ".xlsx":
        return _write_xlsx(drawings, out)
    raise InputError(f"{out}：只能生成 .docx 或 .xlsx 表格", code="bad_suffix")


def blank_form(form_type: str | FormSpec, out: Path) -> Path:
    """The official blank 附件 form as .docx or .xlsx (by the suffix of `out`)."""
    return _write([drawing(_spec(form_type))], out)


def draw_form(form_type: str | FormSpec, out: Path, data: dict | None = None,
              header: dict | None = None) -> Path:
    """The form filled with a record's `data` and `header`, written as people write."""
    return _write([drawing(_spec(form_type), data, header)], out)


def draw_forms(items: list[tuple], out: Path) -> Path:
    """Several forms in one file: (form_type or spec, data, header) each; a page / sheet per form."""
    return _write([drawing(_spec(t), data, header) for t, data, header in items], out)


def append_form(document, form_type: str | FormSpec, data: dict | None = None,
                header: dict | None = None, font_size: float | None = None,
                width_mm: float | None = None) -> None:
    """Append a form's header lines, table and notes to a python-docx Document (no title).

    The 公文 engine writes "附件N" and the title itself; tables use compact exact spacing,
    no indent, snap-to-grid off and a smaller font, set explicitly so document defaults do
    not leak in. The table is `width_mm` wide (default: the last section's type area).
    """
    d = drawing(_spec(form_type), data, header)
    if font_size:
        d.font_size = font_size
    _render_docx_body(document, d, with_title=False, width_mm=width_mm)


def is_landscape(form_type: str | FormSpec) -> bool:
    """Whether the form is drawn on a landscape page (spec `orientation`)."""
    return _spec(form_type).orientation == "landscape"


def page_break(document) -> None:
    """A page break paragraph (for callers putting forms one per page)."""
    p = _par()
    X.page_break_element(p)
    X.append_block(document, p)
