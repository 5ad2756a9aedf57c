"""PDF returns -> Document: the text layer through pdfplumber, scanned pages through OCR.

sniff (really a PDF?) -> open (pypdfium2: encrypted? how many pages? over the page cap?)
-> for each page: has_text_layer? -> text_page_blocks (turned upright when its text runs sideways;
                                      page numbers dropped; pdfplumber tables (a sheet's title in
                                      its gridlines made a line; a table going on from the page
                                      before in the same columns joined to it), or tables of
                                      aligned text (borderless sheets; a page holding an earlier
                                      page's next columns is laid beside it) + lines)
                                   : blank (a small grey sample, no ink) -> skipped, noted
                                   : scan_page_blocks (render 200 dpi -> OCR), within the time cap
-> nothing read from any page: InputError (all blank / no text), never an empty success.
Pages are processed one at a time and closed, so a long PDF needs bounded memory (the characters of
the last MAX_BESIDE pages holding a borderless table are kept, for a page that goes beside one).
Caps (pages, pixels, OCR seconds) are in limits.py.
"""
from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from parsers.model import Block, Cell, Document, Paragraph, Table
from parsers.readers import sha256_file
from parsers.readers.limits import cap
from schema.errors import InputError

RENDER_DPI = 200
MIN_TEXT_CHARS = 4           # fewer readable characters on a page: treat it as a scan
MAX_JUNK_RATIO = 0.3         # more unmapped glyphs than this: the text layer is junk
COORD_TOL = 1.5              # points: table edges closer than this are one line
LINE_TOL = 3.0               # points: characters whose tops differ less are on one line
CELL_PADDING = 5.4           # points: Word's default right cell margin (0.19 cm)
GLYPH_START = 1.0            # points into a character that tell the ruled cell it belongs to
CID_JUNK = re.compile(r"\(cid:\d+\)")
PAGE_NUMBER = re.compile(r"^(第\d+页([,，/]?共\d+页)?|共\d+页[,，/]?第\d+页|[-—–]\d+[-—–]|\d+/\d+|page\d+(of\d+)?)$", re.I)
MARGIN_BAND = 0.1            # share of the page's height at its top and foot where page numbers are printed

Progress = Callable[[int, int], None]
clock = time.monotonic       # the OCR time cap's clock


def read_pdf(path: Path, progress: Progress | None = None,
             ocr_pages: dict[int, list[Block]] | None = None) -> Document:
    """A PDF as a Document; format "pdf", or "pdf-scan" when any page had to be OCR'd.
    `ocr_pages`: {page number: blocks} of scanned pages already OCR'd elsewhere (parsers.readers.pdf_pages)."""
    path = Path(path)
    kind = _sniff(path)
    if kind == "image":   # an image saved with a .pdf name: read it by its content
        from parsers.readers.image import read_image
        return read_image(path)
    started = clock()
    pdf = open_pdf(path)
    try:
        total = len(pdf)
        if total == 0:
            raise InputError(f"{path}：PDF 没有任何页面", code="empty")
        max_pages = cap("MAX_PAGES")
        if total > max_pages:
            raise InputError(f"{path}：PDF 共 {total} 页，超过 {max_pages} 页上限，请拆分后报送", code="too_large")
        read = read_pages(path, pdf, total, progress, started, ocr_pages)
    finally:
        pdf.close()
    if not read.blocks:
        from parsers.readers.image import nothing_read
        raise nothing_read(path, total, len(read.blank))
    return Document(blocks=read.blocks, path=str(path), format="pdf-scan" if read.scanned else "pdf",
                    sha256=sha256_file(path), pages=total, notes=read.notes())


def _sniff(path: Path) -> str:
    """"pdf" or "image"; InputError for anything else (HTML, Office files, text)."""
    from parsers.readers.sniff import sniff
    kind = sniff(path)
    if kind not in ("pdf", "image"):
        raise InputError(f"{path}：扩展名是 PDF，但内容不是 PDF（实为 {kind} 文件）", code="wrong_type")
    return kind


def open_pdf(path: Path):
    """The pypdfium2 document; InputError encrypted / corrupt."""
    import pypdfium2 as pdfium
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        raw = path.read_bytes()
        if b"/Encrypt" in raw:
            raise InputError(f"{path}：PDF 已加密，请去掉打开密码后重新报送", code="encrypted") from e
        if re.search(rb"/Count\s*0\b", raw) and not re.search(rb"/Type\s*/Page\b", raw):
            raise InputError(f"{path}：PDF 没有任何页面", code="empty") from e   # pdfium refuses 0-page files
        raise InputError(f"{path}：PDF 文件已损坏，无法打开", code="corrupt") from e


@dataclass
class PagesRead:
    """What reading the pages gave: blocks in page order, and which pages OCR was used on, skipped as
    blank, or OCR'd without finding any text."""
    pages: list[list[Block]] = field(default_factory=list)
    scanned: list[int] = field(default_factory=list)
    blank: list[int] = field(default_factory=list)
    unread: list[int] = field(default_factory=list)

    @property
    def blocks(self) -> list[Block]:
        return [b for page in self.pages for b in page]

    def notes(self) -> list[str]:
        """Chinese notes for the file's outcome."""
        out = []
        if self.blank:
            out.append(f"跳过空白页 {len(self.blank)} 页（第 {page_ranges(self.blank)} 页）")
        if self.unread:
            out.append(f"{len(self.unread)} 页未识别到文字（第 {page_ranges(self.unread)} 页）")
        return out


def page_ranges(pages: list[int]) -> str:
    """"2-4、7" for pages [2, 3, 4, 7]."""
    runs: list[list[int]] = []
    for p in pages:
        if runs and p == runs[-1][-1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return "、".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def read_pages(path: Path, pdf, total: int, progress: Progress | None, started: float,
               ocr_pages: dict[int, list[Block]] | None = None) -> PagesRead:
    """Every page in order: text layer, else blank, else OCR (InputError once OCR would start after
    the MAX_OCR_SECONDS cap since `started`, a clock() time); a page in `ocr_pages` is not OCR'd again."""
    read = PagesRead()
    sheets: list[Sheet] = []      # recent pages printed without ruling lines: a later page may go beside one
    carried: list[float] | None = None     # column bounds of a borderless table running to the page's foot
    ruled: list[float] | None = None       # column edges of a ruled table ending the page before
    plumber = None
    try:
        for i in range(total):
            page = pdf[i]
            try:
                page_blocks, bounds, edges = None, None, (None, None)
                if has_text_layer(page_text(page)):
                    if plumber is None:
                        plumber = _open_plumber(path)
                    page_blocks, bounds, chars, edges = text_page_blocks(plumber.pages[i], i + 1, carried)
                    if _is_junk(page_blocks):
                        page_blocks, bounds, edges = None, None, (None, None)
                    elif edges[0] and ruled and _same_columns(ruled, edges[0]) and read.pages[-1:] \
                            and read.pages[-1][-1:] and isinstance(read.pages[-1][-1], Table):
                        joined = _run_on(read.pages[-1][-1], page_blocks[0])
                        if joined is not None:
                            read.pages[-1][-1] = joined
                            page_blocks = page_blocks[1:]
                    elif chars is not None:
                        page_blocks = _lay_beside(read, sheets, len(read.pages), i + 1, chars, page_blocks)
                        bounds = bounds if page_blocks else None
                if page_blocks is None:
                    check_page_size(path, page, i + 1)
                    if is_blank_page(page):
                        page_blocks = []
                        read.blank.append(i + 1)
                    else:
                        check_time(path, started, i, total)
                        done = (ocr_pages or {}).get(i + 1)
                        page_blocks = scan_page_blocks(page, i + 1) if done is None else done
                        read.scanned.append(i + 1)
                        if not page_blocks:
                            read.unread.append(i + 1)
            finally:
                page.close()
            read.pages.append(page_blocks)
            carried, ruled = bounds, edges[1]
            if progress:
                progress(i + 1, total)
    finally:
        if plumber is not None:
            plumber.close()
    return read


def check_time(path: Path, started: float, done: int, total: int) -> None:
    """InputError timeout when the file has been read for longer than the OCR cap: the file fails
    (a form cut off part-way is not kept)."""
    limit = cap("MAX_OCR_SECONDS")
    used = clock() - started
    if used > limit:
        raise InputError(f"{path}：识别超时（已用 {used:.0f} 秒，上限 {limit} 秒），已读 {done} 页，共 {total} 页，"
                         "请拆分后重新报送", code="timeout")


def _open_plumber(path: Path):
    import pdfplumber
    try:
        return pdfplumber.open(str(path))
    except Exception as e:   # pdfminer raises many types on broken files
        raise InputError(f"{path}：PDF 文件已损坏，无法读取文字层", code="corrupt") from e


# --- text layer test ------------------------------------------------------------------

def page_text(page) -> str:
    """The page's plain text by pdfium (1-3 ms): enough to decide text layer or scan."""
    tp = page.get_textpage()
    try:
        return tp.get_text_range()
    finally:
        tp.close()


def has_text_layer(text: str) -> bool:
    """True when the text is real: enough characters and few unmapped glyphs."""
    chars = [ch for ch in text if not ch.isspace()]
    if len(chars) < MIN_TEXT_CHARS:
        return False
    junk = sum(1 for ch in chars if ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff" or ord(ch) < 32)
    return junk / len(chars) <= MAX_JUNK_RATIO


def _is_junk(blocks: list[Block]) -> bool:
    """True when pdfplumber produced mostly "(cid:N)" placeholders (fonts without a Unicode map)."""
    text = "".join(b.text if isinstance(b, Paragraph) else "".join(c.text for c in b.cells) for b in blocks)
    if not text:
        return False
    return len("".join(CID_JUNK.findall(text))) > MAX_JUNK_RATIO * len(text)


# --- text pages (pdfplumber) ----------------------------------------------------------

def text_page_blocks(original, page_no: int, carried: list[float] | None = None
                     ) -> tuple[list[Block], list[float] | None, list[dict] | None,
                                tuple[list[float] | None, list[float] | None]]:
    """Tables (ruling lines) and the text lines around them, in reading order; for a page without
    ruling lines (a sheet printed without borders), the column bounds of a table running to its foot
    (`carried`: those of the page before, see text_tables) and its visible characters; and the
    column edges of the page's first and last blocks when they are ruled tables (page numbers aside)."""
    turned = _upright(original)
    try:
        page = turned.dedupe_chars()     # fake bold: the same glyph printed twice, offset
        found = page.find_tables()
        if not found:
            chars = [c for c in page.chars if c["x1"] > 0 and c["x0"] < page.width]   # not clipped off the page
            chars = without_page_numbers(chars, page.height)
            return *unruled_blocks(chars, page_no, carried), chars, (None, None)
        placed: list[tuple[float, Block]] = []
        boxes = []
        xs: dict[int, list[float]] = {}
        for ft in found:
            table = table_from_plumber(ft, page.chars, page_no)
            lines, table = _title_rows(table)
            placed += [(ft.bbox[1] - len(lines) + k, line) for k, line in enumerate(lines)]
            if table.cells:
                placed.append((ft.bbox[1], table))
                boxes.append(ft.bbox)
                xs[id(table)] = _positions([v for x0, _, x1, _ in ft.cells for v in (x0, x1)])
        outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside_any(obj, boxes))
        blocks = _with_lines(placed, without_page_numbers(outside.chars, page.height), page_no)
        return blocks, None, None, (xs.get(id(blocks[0])), xs.get(id(blocks[-1])))
    finally:
        turned.close()
        original.close()     # drop the parsed objects: memory stays flat over long PDFs


def _same_columns(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= 2 * COORD_TOL for x, y in zip(a, b))


def _run_on(a: Table, b: Table) -> Table | None:
    """`a` with `b`'s rows below it: a ruled table whose next page goes on in the same columns
    without repeating its first row (a repeated header, or a row cut by the page break with its
    first cell empty, is left to the recogniser's joining of page continuations); else None."""
    ga, gb = a.grid(), b.grid()
    if not gb or not gb[0][0].strip() or ["".join(t.split()) for t in ga[0]] == ["".join(t.split()) for t in gb[0]]:
        return None
    out = Table(page=a.page, part=a.part, nested=a.nested + b.nested)
    for c in a.cells:
        out.add(c)
    for c in b.cells:
        out.add(replace(c, row=c.row + a.n_rows))
    return out


def _upright(page):
    """The pdfplumber page turned so that most of its text runs left to right: a page saved rotated
    (/Rotate) the wrong way, or a landscape table drawn sideways on a portrait page."""
    import math

    from pdfplumber.page import Page
    turns: dict[int, int] = {}
    for c in page.chars:
        a, b = c["matrix"][:2]
        angle = round(math.degrees(math.atan2(b, a)) / 90) * 90 % 360
        turns[angle] = turns.get(angle, 0) + 1
    angle = max(turns, key=turns.get, default=0)
    if angle == 0 or turns[angle] * 2 <= len(page.chars):
        return page
    obj = page.page_obj
    obj.attrs = dict(obj.attrs, Rotate=(page.rotation + angle) % 360)
    obj.rotate = obj.attrs["Rotate"]
    return Page(page.pdf, obj, page.page_number, page.initial_doctop)


def without_page_numbers(chars: list[dict], height: float) -> list[dict]:
    """The characters less the lines in the page's top or foot band that are only a page number
    (第 1 页，共 3 页, - 2 -, 1/3): a footer is no table row and would cut the columns."""
    lines: list[list[dict]] = []
    for ch in sorted((c for c in chars if not MARGIN_BAND * height < c["top"] < (1 - MARGIN_BAND) * height),
                     key=lambda c: (c["top"], c["x0"])):
        if lines and abs(ch["top"] - lines[-1][0]["top"]) <= LINE_TOL:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    drop = {id(c) for ln in lines if PAGE_NUMBER.match("".join(c["text"] for c in ln if not c["text"].isspace()))
            for c in ln}
    return [c for c in chars if id(c) not in drop] if drop else chars


def unruled_blocks(chars: list[dict], page_no: int, carried: list[float] | None = None
                   ) -> tuple[list[Block], list[float] | None]:
    """Tables of column-aligned text and the text lines around them, in reading order; and the
    column bounds of the table ending the page (see text_tables)."""
    placed: list[tuple[float, Block]] = []
    boxes = []
    tables, bounds = text_tables(chars, page_no, carried)
    for bbox, table in tables:
        placed.append((bbox[1], table))
        boxes.append(bbox)
    blocks = _with_lines(placed, [c for c in chars if not _inside_any(c, boxes)], page_no)
    return blocks, bounds if blocks and isinstance(blocks[-1], Table) else None


def _with_lines(placed: list[tuple[float, Block]], chars: list[dict], page_no: int) -> list[Block]:
    """The placed tables and the text lines of `chars` (the characters outside them), top to bottom."""
    for top, text in _text_lines(chars):
        placed.append((top, Paragraph(text=text, page=page_no)))
    placed.sort(key=lambda t: t[0])
    return [b for _, b in placed]


def _text_lines(chars: list[dict]) -> list[tuple[float, str]]:
    """(top, text) of the text lines of `chars`, top to bottom. Lines less than a line apart, each
    beside the one before, are one row of cells (a sheet's cell wrapped over two lines, centred beside
    a one-line cell): one line of each cell's text (lines overlapping across, top to bottom) left to
    right."""
    from pdfplumber.utils import chars_to_textmap
    lines = [ln for ln in (chars_to_textmap(chars).extract_text_lines(return_chars=True) if chars else [])
             if ln["text"].strip()]
    bands: list[list[dict]] = []
    for ln in lines:
        size = max(c["bottom"] - c["top"] for c in ln["chars"])
        prev = bands[-1][-1] if bands else None
        if prev and ln["top"] - prev["top"] < 0.9 * size and (ln["x0"] >= prev["x1"] or ln["x1"] <= prev["x0"]):
            bands[-1].append(ln)
        else:
            bands.append([ln])
    out = []
    for band in bands:
        cells: list[list[dict]] = []          # lines overlapping across: one cell's lines
        for ln in sorted(band, key=lambda ln: ln["x0"]):
            if cells and ln["x0"] < max(x["x1"] for x in cells[-1]):
                cells[-1].append(ln)
            else:
                cells.append([ln])
        text = " ".join("".join(x["text"].strip() for x in sorted(cell, key=lambda x: x["top"])) for cell in cells)
        out.append((band[0]["top"], text.strip()))
    return out


def _inside_any(obj: dict, boxes) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _positions(values) -> list[float]:
    """Sorted distinct coordinates, neighbours within COORD_TOL merged."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > COORD_TOL:
            out.append(v)
    return out


def _index(positions: list[float], v: float) -> int:
    return min(range(len(positions)), key=lambda i: abs(positions[i] - v))


def _title_rows(table: Table) -> tuple[list[Paragraph], Table]:
    """A ruled table's leading rows that hold one text, in the first column, and nothing else, as
    lines above it: a sheet's title printed inside its gridlines (its cell no wider than the text
    run over it, where a merged title or section row spans the table; a row cut by a page break
    goes on in later columns)."""
    grid = table.grid()
    k = 0
    while k < len(grid) - 2 and [(c.col, c.colspan < table.n_cols) for c in table.cells
                                 if c.row == k and c.text.strip()] == [(0, True)] \
            and sum(1 for t in grid[k + 1] if t.strip()) >= 2:
        k += 1
    if not k:
        return [], table
    lines = [Paragraph(text=next(c.text for c in table.cells if c.row == r and c.text.strip()), page=table.page)
             for r in range(k)]
    out = Table(page=table.page, part=table.part, nested=table.nested)
    for c in table.cells:
        if c.row >= k:
            out.add(replace(c, row=c.row - k))
        elif c.row + c.rowspan > k:
            return [], table                # a cell merged down from a title row: a real table's
    return lines, out


def table_from_plumber(ft, chars: list[dict], page_no: int) -> Table:
    """A Table from a pdfplumber table: each cell rectangle with its row/col span and its text."""
    xs = _positions([v for x0, _, x1, _ in ft.cells for v in (x0, x1)])
    ys = _positions([v for _, top, _, bottom in ft.cells for v in (top, bottom)])
    x0, top, x1, bottom = ft.bbox
    chars = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
    table = Table(page=page_no)
    for cx0, ctop, cx1, cbottom in sorted(ft.cells, key=lambda b: (b[1], b[0])):
        inside = [c for c in chars      # by where a character starts: text printed on past a cell's edge is its own
                  if cx0 <= min(c["x0"] + GLYPH_START, (c["x0"] + c["x1"]) / 2) < cx1
                  and ctop <= (c["top"] + c["bottom"]) / 2 < cbottom]
        r, c = _index(ys, ctop), _index(xs, cx0)
        rs, cs = max(1, _index(ys, cbottom) - r), max(1, _index(xs, cx1) - c)
        table.add(Cell(text=cell_text(inside, cx1), row=r, col=c, rowspan=rs, colspan=cs))
    return table


def cell_text(chars: list[dict], right: float) -> str:
    """The text of a cell's characters; lines the layout wrapped run on, real breaks stay."""
    from pdfplumber.utils import extract_text

    from parsers.ocr.grid import join_wrapped
    if not chars:
        return ""
    lines: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and abs(ch["top"] - lines[-1][0]["top"]) <= LINE_TOL:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    em = max(c["size"] for c in chars)
    parts = [(extract_text(line).strip(), max(c["x1"] for c in line)) for line in lines]
    return join_wrapped([p for p in parts if p[0]], right, CELL_PADDING + 1.2 * em).strip()


# --- tables without ruling lines (a spreadsheet printed without cell borders) -------------------
#
# characters -> text lines (a line printed over another split in two) -> words (a number and its
# unit one word) -> columns: gaps no word of the fullest lines that are no running text crosses
# (columns that never share a line are one: 序号 left-aligned
# over right-aligned numbers), or the columns of the table that ran to the foot of the page before
# when this page's rows keep to them -> a row's word printed on into the next cell cut at that
# cell's start -> lines whose words keep to their column (a title or a 填报单位 line running over
# the next column is not a table row; a text row merged across the columns inside the table is) ->
# runs of such lines (and the one-word lines after one that go on with its last row) -> the lines
# of one row joined (wrapped, broken in a cell, or centred beside such a cell), a header label
# wrapped over two header rows put back -> a header whose parent labels run over column bounds
# rebuilt from the lines above the run -> a Table (a header's parent labels spanning their children), accepted only when
# it looks like a grid: 3+ rows with words in two columns, every column used twice, 3+ columns (2
# for a label | value sheet of 5+ rows), so prose pages stay lines. A page holding the next columns
# of an earlier page's rows is read laid beside it (below).
# (pdfplumber's own "text" strategy was tried: it cut 2023年 from 3月31日, lost the 序号 column and
# put a wrapped cell's last line into the next row.)

WORD_GAP = 0.8              # points: characters closer than this are one word (a sheet's column gap can be 1.2)
BASELINE_TOL = 0.2          # points: characters whose tops differ less are on one baseline
OVERPRINT_TOL = 0.5         # points: characters overlapping less than this are side by side
COLUMN_ALIGN = 1.0          # points: a character this close to a column's left start begins that column
MIN_GRID_ROWS = 3           # lines with words in two or more columns
MIN_GRID_COLS = 3
MAX_HEADER_ROWS = 4         # rows a borderless table's header may take
MIN_LABEL_SHEET_ROWS = 5    # a two-column table (label | value sheet) needs this many rows
PROSE_GAP = 0.5             # ems: words of running text are closer than this
PARENT_ROW = 2.5            # ems: a header's row of parent labels is less than this above the rows below
AUTOSPACE = 0.3             # ems: Word's space between Latin digits and CJK text is less than this
UNITS = set("年月日号时分秒个家项人次件处元万%")     # what follows a number in a date or a count


def text_tables(chars: list[dict], page_no: int, carried: list[float] | None = None
                ) -> tuple[list[tuple[tuple[float, float, float, float], Table]], list[float] | None]:
    """(bbox, Table) for every block of column-aligned lines that forms a plausible grid, and the
    column bounds they were read with. `carried`: the bounds of a table that ran to the foot of the
    page before; a page whose rows keep to them goes on in those columns (a column the page leaves
    empty, or fills only in its repeated header, stays a column)."""
    lines = _char_lines(chars)
    multi = [ln for ln in lines if len(ln) >= 2]
    if len(multi) < MIN_GRID_ROWS:
        return [], None
    rows = [ln for ln in multi if not _prose(ln)] or multi
    counts = sorted(len(ln) for ln in rows)
    core = [ln for ln in rows if len(ln) >= counts[len(counts) // 2]]
    bounds = _bounds(core, [w for ln in lines for w in ln])
    known = bool(carried) and _fits(multi, carried)
    if known:
        bounds = carried
    if not bounds:
        return [], None
    left = [min((w["x0"] for ln in lines for w in ln if _column(bounds, w) == c), default=1e9)
            for c in range(len(bounds) + 1)] + [1e9]
    lines = [_split_overflow(ln, left[1:-1]) if len(ln) >= max(MIN_GRID_COLS, (len(bounds) + 1) / 2) else ln
             for ln in lines]
    keeps = [all(w["chars"][-1]["x0"] < left[_column(bounds, w) + 1] for w in ln) for ln in lines]
    # a text row merged across the columns right of its label: starts where its column's text starts
    spans = [not keep and len(ln) <= 2 and all(_starts_column(w, left) for w in ln) for ln, keep in zip(lines, keeps)]
    keeps = [keep or _between(lines, keeps, i) and spans[i] for i, keep in enumerate(keeps)]
    out = []
    done = 0                                  # lines before this index are in a table already
    for run, tail in _runs(lines, keeps):
        start = next(i for i, ln in enumerate(lines) if ln is run[0])
        grid = _grid(run, bounds, known, tail)
        if grid is not None:
            above = _header_above(lines, start, done, bounds)
            above = above if any(_spans(w, bounds) for ln in above for w in ln) else []
            out.append(_text_table(*(_spanned_header(*grid, above, bounds) if above else grid), page_no))
        done = start + len(run) + len(tail)
    return out, bounds if out else None


def _header_above(lines: list[list[dict]], start: int, done: int, bounds: list[float]) -> list[list[dict]]:
    """The lines right above a run that are less than a line apart, down to it: a header whose
    labels, centred in cells of different heights, interleave (and whose parent labels, spanning
    their children, keep to no column: text_tables takes them only when such a label is there);
    and above them a line of parent labels alone, each centred on columns, in a row of its own."""
    words = [w for ln in lines[start:] for w in ln]
    edges = [min(w["x0"] for w in words)] + bounds + [max(w["x1"] for w in words)]
    j = start
    while j > done:
        a, b = lines[j - 1], lines[j]
        size = max(w["bottom"] - w["top"] for w in a + b)
        gap = b[0]["top"] - a[0]["top"]
        if gap >= 0.9 * size and not (gap < PARENT_ROW * size and all(
                _spans(w, bounds) and _centred_span(w, [], edges, [], size, strict=True) for w in a)):
            break
        j -= 1
    return lines[j:start]


def _spanned_header(rows: list[_Row], right: list[float], above: list[list[dict]], bounds: list[float]
                    ) -> tuple[list[_Row], list[float]]:
    """The grid with its header (the lines `above` it and its rows above any number) rebuilt: a row
    for each height of parent labels (words running over column bounds), each in the first column
    of the span it is centred on, and a row of the leaf labels, each column's words top to bottom."""
    first = next((i for i, r in enumerate(rows)
                  if any(NUMBER.match("".join(w["text"] for w in ws[0])) for ws in r.cols.values())), len(rows))
    words = [w for ln in above for w in ln] + [w for r in rows[:first] for ln in r.lines for w in ln]
    every = words + [w for r in rows for ln in r.lines for w in ln]
    edges = [min(w["x0"] for w in every)] + bounds + [max(w["x1"] for w in every)]
    size = max(w["bottom"] - w["top"] for w in words)
    spanning = [w for w in words if _spans(w, bounds)]
    levels: list[list[dict]] = []
    for w in sorted(spanning, key=lambda w: (w["top"], w["x0"])):
        if levels and abs(w["top"] - levels[-1][0]["top"]) <= LINE_TOL:
            levels[-1].append(w)
        else:
            levels.append([w])
    out: list[_Row] = []
    outer: list[tuple[int, int]] = []          # the spans of the level above
    for level in levels:
        spans = [_centred_span(w, [v for v in level if v is not w], edges, outer, size) for w in level]
        out.append(_Row([level], {a: [[w]] for w, (a, _) in zip(level, spans)}))
        outer = spans
    leaf: dict[int, list[list[dict]]] = {}
    for w in sorted((w for w in words if all(w is not v for v in spanning)), key=lambda w: (w["top"], w["x0"])):
        leaf.setdefault(_column(bounds, {"x0": (w["x0"] + w["x1"]) / 2}), []).append([w])
    out.append(_Row([ln for ln in above] + [ln for r in rows[:first] for ln in r.lines], leaf))
    return out + rows[first:], right


def _spans(word: dict, bounds: list[float]) -> bool:
    """The word runs over a column bound, but not over all of them (a title): a parent label centred
    over its children (in a table of three or more columns)."""
    over = sum(1 for b in bounds if word["x0"] + COLUMN_ALIGN < b < word["x1"] - COLUMN_ALIGN)
    return 0 < over < len(bounds) and len(bounds) + 1 >= MIN_GRID_COLS


def _centred_span(word: dict, others: list[dict], edges: list[float], outer: list[tuple[int, int]],
                  size: float, strict: bool = False) -> tuple[int, int] | None:
    """The widest run of columns (first, last) a parent label is centred on: holding it, clear of
    the other labels of its row, within the span above it; else the columns it runs over (None
    when `strict`)."""
    centre = (word["x0"] + word["x1"]) / 2
    n = len(edges) - 1
    best = None
    for a in range(n):
        for b in range(a, n):
            lo, hi = edges[a], edges[b + 1]
            if lo > word["x0"] + COLUMN_ALIGN or hi < word["x1"] - COLUMN_ALIGN \
                    or abs((lo + hi) / 2 - centre) > 0.6 * size \
                    or any(v["x0"] < hi and v["x1"] > lo for v in others) \
                    or (outer and not any(p <= a and b <= q for p, q in outer)):
                continue
            if best is None or b - a > best[1] - best[0]:
                best = (a, b)
    if best or strict:
        return best
    return _column(edges[1:-1], word), _column(edges[1:-1], {"x0": word["x1"] - COLUMN_ALIGN})


def _prose(line: list[dict]) -> bool:
    """A line of running text: its words (cut where Latin meets CJK text) never more than a
    character apart; no table row, whose cells' texts stand apart, to find columns by."""
    size = max(w["bottom"] - w["top"] for w in line)
    return all(b["x0"] - a["x1"] < PROSE_GAP * size for a, b in zip(line, line[1:]))


def _fits(lines: list[list[dict]], bounds: list[float]) -> bool:
    """No word of these lines runs over a column bound."""
    return all(not w["x0"] < b < w["chars"][-1]["x0"] for ln in lines for w in ln for b in bounds)


def _column(bounds: list[float], word: dict) -> int:
    """The column a word starts in."""
    return sum(1 for b in bounds if word["x0"] >= b)


def _split_overflow(line: list[dict], starts: list[float]) -> list[dict]:
    """A row's line with each word that runs over a column start cut there when one of its characters
    begins exactly at that start: a cell's text printed on into the next, filled, cell (a sheet
    prints text clipped by its neighbour whole). Only lines filling half the columns are rows."""
    out = []
    for w in line:
        cuts = [i for i, ch in enumerate(w["chars"]) if i and any(abs(ch["x0"] - s) <= COLUMN_ALIGN for s in starts)]
        for a, b in zip([0] + cuts, cuts + [len(w["chars"])]):
            out.append(_word(w["chars"][a:b]) if cuts else w)
    return out


def _word(chars: list[dict]) -> dict:
    """A word of these characters, as pdfplumber's extract_words gives it."""
    return {"text": "".join(c["text"] for c in chars), "x0": min(c["x0"] for c in chars),
            "x1": max(c["x1"] for c in chars), "top": min(c["top"] for c in chars),
            "bottom": max(c["bottom"] for c in chars), "chars": chars}


def _char_lines(chars: list[dict]) -> list[list[dict]]:
    """The characters' words in text lines, top to bottom, each line left to right; a line printed
    over another (a wrapped cell running into the next row's) is read as two lines, the shorter
    first (the end of the cell above; the longer one wraps on in the cell below)."""
    from pdfplumber.utils import extract_words
    words = lambda cs: extract_words(cs, x_tolerance=WORD_GAP, y_tolerance=LINE_TOL, return_chars=True)  # noqa: E731
    layered = [_layers(line) for line in _word_lines(chars)]
    if all(len(layers) == 1 for layers in layered):
        return [_autospaced(ln) for ln in _word_lines(words(chars))]   # the common case: one pass over the page
    out = []
    for layers in layered:
        for layer in sorted(layers, key=lambda ly: max(c["x1"] for c in ly)):
            out += [_autospaced(ln) for ln in _word_lines(words(layer))]
    return out


def _autospaced(line: list[dict]) -> list[dict]:
    """The line with a number and its unit joined again where Word set a little space between Latin
    digits and CJK text (2023 年 6 月 18 日, 32 家): a date or a count is one word."""
    out = [line[0]]
    for w in line[1:]:
        a = out[-1]
        size = max(a["bottom"] - a["top"], w["bottom"] - w["top"])
        digit_unit = (a["text"][-1].isdigit() and w["text"][0] in UNITS
                      or a["text"][-1] in UNITS and w["text"][0].isdigit())
        if digit_unit and w["x0"] - a["x1"] < AUTOSPACE * size:
            out[-1] = _word(a["chars"] + w["chars"])
        else:
            out.append(w)
    return out


def _layers(line: list[dict]) -> list[list[dict]]:
    """A line's characters as one layer, or, when two different characters start at the same place,
    as layers none of whose characters overlap: each character goes on a layer that ends before
    it, on its own baseline if one does, else the one ending nearest."""
    starts: dict[int, str] = {}
    if all(starts.setdefault(round(c["x0"] * 2), c["text"]) == c["text"] for c in line):
        return [line]
    layers: list[list[dict]] = []
    for c in sorted(line, key=lambda c: round(c["x0"], 1)):     # stable: drawing order kept at a tie
        free = [ly for ly in layers if ly[-1]["x1"] <= c["x0"] + OVERPRINT_TOL]
        if free:     # the layer on the same baseline, then the one ending nearest
            max(free, key=lambda ly: (abs(ly[-1]["top"] - c["top"]) < BASELINE_TOL, ly[-1]["x1"])).append(c)
        else:
            layers.append([c])
    return layers


def _word_lines(words: list[dict]) -> list[list[dict]]:
    """Words grouped into text lines, top to bottom, each line left to right."""
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(w["top"] - lines[-1][0]["top"]) <= LINE_TOL:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(ln, key=lambda w: w["x0"]) for ln in lines]


def _bounds(core: list[list[dict]], words: list[dict]) -> list[float]:
    """Column boundaries: the gaps no word of the core lines crosses; two columns that never share
    a core line are one; a word starting in a gap and running into the next column belongs to it."""
    spans: list[list[float]] = []                       # [x0, x1] of each column's core words
    for w in sorted((w for ln in core for w in ln), key=lambda w: w["x0"]):
        if spans and w["x0"] < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], w["x1"])
        else:
            spans.append([w["x0"], w["x1"]])
    col = lambda w: next(i for i, (a, b) in enumerate(spans) if a <= w["x0"] <= b)   # noqa: E731
    merged, group = [spans[0]] if spans else [], [0]     # group: spans[i] → its merged column
    for i in range(1, len(spans)):
        last = [j for j in range(i) if group[j] == group[-1]]
        if any({col(w) for w in ln} & set(last) and i in {col(w) for w in ln} for ln in core):
            merged.append(spans[i])
        else:
            merged[-1] = [merged[-1][0], spans[i][1]]
        group.append(len(merged) - 1)
    bounds = []
    for (_, a), (b, _) in zip(merged, merged[1:]):
        starts = [w["x0"] - 0.5 for w in words if a < w["x0"] < b and w["x1"] > b]
        bounds.append(min([(a + b) / 2] + starts))
    return bounds


def _starts_column(word: dict, left: list[float]) -> bool:
    return any(abs(word["x0"] - x) <= COLUMN_ALIGN for x in left[:-1])


def _between(lines: list[list[dict]], keeps: list[bool], i: int) -> bool:
    """Lines of two or more words that keep to their columns come both before and after line i."""
    ok = lambda j: keeps[j] and len(lines[j]) >= 2       # noqa: E731
    return any(ok(j) for j in range(i)) and any(ok(j) for j in range(i + 1, len(lines)))


def _runs(lines: list[list[dict]], keeps: list[bool]) -> list[tuple[list[list[dict]], list[list[dict]]]]:
    """Runs of consecutive lines that keep to their columns, from the first to the last line with
    two or more words, with MIN_GRID_ROWS such lines; each with the one-word lines after it (the
    last line of a wrapped cell in the last row, or text under the table: see _grid)."""
    runs: list[tuple[list[list[dict]], list[list[dict]]]] = []
    cur: list[list[dict]] = []
    for ln, keep in list(zip(lines, keeps)) + [(None, False)]:
        if keep and (len(ln) >= 2 or cur):
            cur.append(ln)
            continue
        tail: list[list[dict]] = []
        while cur and len(cur[-1]) < 2:
            tail.insert(0, cur.pop())
        if sum(1 for x in cur if len(x) >= 2) >= MIN_GRID_ROWS:
            runs.append((cur, tail))
        cur = []
    return runs


@dataclass
class _Row:
    lines: list[list[dict]]
    cols: dict[int, list[list[dict]]]          # column → its words, line by line


def _grid(run: list[list[dict]], bounds: list[float], known: bool = False, tail: list[list[dict]] = ()
          ) -> tuple[list[_Row], list[float]] | None:
    """The run's logical rows (a wrapped row's lines joined, and the `tail` lines after the run as
    long as they go on with its last row) and each column's right end (its rightmost text, where a
    wrapped line stops); None when they do not make a plausible grid (with `known` columns, carried
    from the page before, a column may be used once or not at all)."""
    n_cols = len(bounds) + 1
    right = [0.0] * n_cols
    left = [1e9] * n_cols
    for ln in run:
        for w in ln:
            right[_column(bounds, w)] = max(right[_column(bounds, w)], w["x1"])
            left[_column(bounds, w)] = min(left[_column(bounds, w)], w["x0"])
    size = max(w["bottom"] - w["top"] for ln in run for w in ln)
    edge = [min(left[c + 1], 1e9) for c in range(n_cols - 1)] + [right[-1]]   # where a cell's room ends
    rows: list[_Row] = []
    for i, ln in enumerate(list(run) + list(tail)):
        cols: dict[int, list[dict]] = {}
        for w in ln:
            cols.setdefault(_column(bounds, w), []).append(w)
        prev = rows[-1] if rows else None
        if i >= len(run) and not (prev is not None and _same_row(prev, ln, cols, right, edge, size)):
            break
        if prev is not None and _same_row(prev, ln, cols, right, edge, size):
            prev.lines.append(ln)
            for c, ws in cols.items():
                prev.cols.setdefault(c, []).append(ws)
        else:
            rows.append(_Row([ln], {c: [ws] for c, ws in cols.items()}))
    _join_wrapped_header(rows, right, edge, size)
    multi = sum(1 for r in rows if len(r.cols) >= 2)
    used = [sum(1 for r in rows if c in r.cols) for c in range(n_cols)]
    enough = n_cols >= MIN_GRID_COLS or (n_cols == 2 and multi >= MIN_LABEL_SHEET_ROWS)
    if multi < MIN_GRID_ROWS or not enough or (min(used) < 2 and not known):
        return None
    return rows, right


NUMBER = re.compile(r"^[\d.,%]+$")


def _wrapped(words: list[dict], c: int, right: list[float], edge: list[float], size: float) -> bool:
    """A cell line (its words) that reached column c's right end: the layout wrapped it."""
    end = words[-1]["x1"]
    return not NUMBER.match("".join(w["text"] for w in words)) and end >= right[c] - 1.2 * size \
        and end >= edge[c] - 2 * CELL_PADDING - 1.2 * size


def _join_wrapped_header(rows: list[_Row], right: list[float], edge: list[float], size: float) -> None:
    """In the first rows above any number, a header label wrapped onto the next header row (a cell
    merged down two rows, its text running over both) goes back into its cell; the rest of that row
    stays a row (other labels there are children of merged parents). Only rows less than a line
    apart (their cells centred in a row two rows tall) are one cell's lines."""
    numbers = next((i for i, r in enumerate(rows)
                    if any(NUMBER.match("".join(w["text"] for w in ws[0])) for ws in r.cols.values())), len(rows))
    first = min(numbers, MAX_HEADER_ROWS)
    for upper, lower in zip(rows[:first], rows[1:first]):
        for c in list(lower.cols):
            if c in upper.cols and _wrapped(upper.cols[c][-1], c, right, edge, size) \
                    and lower.cols[c][0][0]["top"] - upper.lines[-1][0]["top"] < 0.9 * size:
                upper.cols[c] += lower.cols.pop(c)
    # above the numbers of a table that has some: a header row whose labels wrapped onto lines of
    # their own, in none but its columns and under its labels (a Word cell's lines 派出检查 / 组数 /
    # （组）), is one row
    i = 1
    while numbers < len(rows) and i < min(first, len(rows)):
        upper, lower = rows[i - 1], rows[i]
        if len(upper.cols) >= MIN_GRID_COLS and lower.cols and set(lower.cols) <= set(upper.cols) \
                and lower.lines[0][0]["top"] - upper.lines[-1][0]["top"] < 2 * size \
                and all(_under(ws[0][0], upper.cols[c][-1][0]) for c, ws in lower.cols.items()):
            upper.lines += lower.lines
            for c, ws in lower.cols.items():
                upper.cols[c] += ws
            del rows[i]
            first -= 1
            numbers -= 1
        else:
            i += 1


def _under(word: dict, above: dict) -> bool:
    """The word starts, or is centred, where the word above it does (a cell's next line)."""
    return abs(word["x0"] - above["x0"]) <= 2 * COLUMN_ALIGN \
        or abs(word["x0"] + word["x1"] - above["x0"] - above["x1"]) <= 4 * COLUMN_ALIGN


def _same_row(prev: _Row, line: list[dict], cols: dict[int, list[dict]], right: list[float], edge: list[float],
              size: float) -> bool:
    """`line` goes on with the row above: it is less than a line below the row's last line (cells
    centred on a wrapped neighbour; a next row's text starts a whole line lower) and in the columns it
    shares with the row a line below their last line (a cell's own line break), or every column they
    share goes on from a text that reached the column's right end (wrapped): as far as its widest
    text, and to within a character and a cell's margins of the next column's start (the widest text
    may be one line)."""
    shared = set(cols) & set(prev.cols)
    gap = line[0]["top"] - prev.lines[-1][0]["top"]
    if not shared or LINE_TOL < gap < 0.9 * size and all(_below(cols[c], prev.cols[c][-1], size) for c in shared):
        return gap < 0.9 * size
    if not all(_wrapped(prev.cols[c][-1], c, right, edge, size) for c in shared):
        return False
    return line[0]["top"] - prev.lines[-1][0]["top"] < 2 * size


def _below(words: list[dict], above: list[dict], size: float) -> bool:
    """The words are the line after `above` in a cell: a line lower, or less than two."""
    return 0.9 * size <= words[0]["top"] - above[0]["top"] < 2 * size


def _text_table(rows: list[_Row], right: list[float], page_no: int):
    """The bbox and the Table of a text grid, each cell's text through cell_text."""
    words = [w for r in rows for ln in r.lines for w in ln]
    bbox = (min(w["x0"] for w in words), min(w["top"] for w in words),
            max(w["x1"] for w in words), max(w["bottom"] for w in words))
    n_cols = len(right)
    texts = [[cell_text([ch for ln in row.cols.get(c, []) for w in ln for ch in w["chars"]], right[c])
              for c in range(n_cols)] for row in rows]
    spans = _parent_spans(texts)
    table = Table(page=page_no)
    for r, row in enumerate(texts):
        c = 0
        while c < n_cols:
            span = spans.get((r, c), 1)
            table.add(Cell(text=row[c], row=r, col=c, colspan=span))
            c += span
    return bbox, table


def _parent_spans(texts: list[list[str]]) -> dict[tuple[int, int], int]:
    """{(row, col): colspan} for the labels of the parent rows of a header (the leading rows filled in
    fewer than half the columns, above a row filled in half or more): a merged parent cell printed
    without borders shows its label once; it spans the columns up to the next label of its row,
    within the span of the label above it."""
    n_cols = len(texts[0]) if texts else 0
    full = next((r for r, row in enumerate(texts) if sum(1 for t in row if t) * 2 >= n_cols), 0)
    spans: dict[tuple[int, int], int] = {}
    limit = [n_cols] * n_cols             # column → where the span of the label above it ends
    for r in range(full):
        filled = [c for c, t in enumerate(texts[r]) if t]
        for c, nxt in zip(filled, filled[1:] + [n_cols]):
            end = min(nxt, limit[c])
            spans[(r, c)] = end - c
        for c, nxt in zip(filled, filled[1:] + [n_cols]):
            for k in range(c, min(nxt, limit[c])):
                limit[k] = min(nxt, limit[c])
    return spans


# --- a sheet too wide for the paper: its next columns printed on a later page ------------------------
#
# A spreadsheet wider than the paper is printed down, then across: a later page holds the next
# columns of the same rows, at the same heights. That page is laid beside the earlier one (its
# characters shifted to the right of it) and the two are read as one page.

MAX_BESIDE = 8              # pages back a page's left part is looked for
BESIDE_GAP = 12.0           # points between the left part's text and the right part laid beside it
BESIDE_ROWS = 0.8           # share of the left part's rows the right part must go on with
MIN_BESIDE_ROWS = 3


@dataclass
class Sheet:
    """A page without ruling lines: its index in PagesRead.pages, its number, its characters, and
    its lines' tops, its rows' tops (lines of two or more words) and its words' starts (2-pt bins)."""
    at: int
    page_no: int
    chars: list[dict]
    tops: list[float] = field(default_factory=list)
    rows: list[float] = field(default_factory=list)
    starts: set[int] = field(default_factory=set)

    def __post_init__(self):
        lines = _char_lines(self.chars)
        self.tops = [ln[0]["top"] for ln in lines]
        self.rows = [ln[0]["top"] for ln in lines if len(ln) >= 2]
        self.starts = {round(w["x0"] / 2) for ln in lines if len(ln) >= 2 for w in ln}


def _lay_beside(read: PagesRead, sheets: list[Sheet], at: int, page_no: int, chars: list[dict],
                blocks: list[Block]) -> list[Block]:
    """The page's blocks; or none when the page is the right part of an earlier one that has a
    table, whose blocks are then read again from both pages' characters."""
    has_table = any(isinstance(b, Table) for b in blocks)
    if not sheets and not has_table:
        return blocks
    sheet = Sheet(at, page_no, chars)
    left = _left_part(sheet, sheets)
    if left is None:
        if has_table:
            sheets.append(sheet)
            del sheets[:-MAX_BESIDE]
        return blocks
    shift = max(c["x1"] for c in left.chars) + BESIDE_GAP - min(c["x0"] for c in sheet.chars)
    merged = Sheet(left.at, left.page_no, left.chars + [dict(c, x0=c["x0"] + shift, x1=c["x1"] + shift)
                                                          for c in sheet.chars])
    sheets[sheets.index(left)] = merged
    read.pages[left.at] = unruled_blocks(merged.chars, merged.page_no)[0]
    return []


def _left_part(sheet: Sheet, sheets: list[Sheet]) -> Sheet | None:
    """The earlier page this one goes on from to the right: each of its lines at the height of a
    line there, going on with most of the rows there, in other columns (a page going on downwards
    has the same ones). The closest fit (fewest lines left over) wins."""
    if len(sheet.tops) < MIN_BESIDE_ROWS:
        return None
    near = lambda t, tops: any(abs(t - u) <= LINE_TOL for u in tops)     # noqa: E731
    best: tuple[int, Sheet] | None = None
    for left in reversed(sheets):
        if not all(near(t, left.tops) for t in sheet.tops):
            continue
        if sum(1 for u in left.rows if near(u, sheet.tops)) < max(MIN_BESIDE_ROWS, BESIDE_ROWS * len(left.rows)):
            continue
        if len(sheet.starts & left.starts) > 0.5 * len(sheet.starts | left.starts):
            continue
        slack = len(left.tops) - len(sheet.tops)
        if best is None or slack < best[0]:
            best = (slack, left)
    return best[1] if best else None


# --- scanned pages --------------------------------------------------------------------

def check_page_size(path: Path, page, page_no: int) -> None:
    """InputError too_large when the page rendered for OCR, or an image on it, exceeds the pixel cap."""
    import pypdfium2.raw as pdfium_c

    from parsers.readers.image import check_pixels
    w, h = page.get_size()
    k = RENDER_DPI / 72
    check_pixels(path, round(w * k), round(h * k), f"第 {page_no} 页（按 {RENDER_DPI} dpi 渲染）")
    for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
        check_pixels(path, *image.get_px_size(), f"第 {page_no} 页中的图片")


def is_blank_page(page) -> bool:
    """True when the page carries no ink (parsers.ocr.blank on a small grey sample)."""
    from parsers.ocr import blank
    return blank.is_blank(page_sample(page))


def page_sample(page):
    """The page in grey, blank.SAMPLE_SIDE px on its long side: a scanner's page (one JPEG and nothing
    else) decoded at reduced scale, a few ms; any other page rendered small."""
    from parsers.ocr import blank
    grey = _jpeg_page_grey(page)
    if grey is None:
        w, h = page.get_size()
        bitmap = page.render(scale=blank.SAMPLE_SIDE / max(w, h), grayscale=True)
        try:
            grey = bitmap.to_numpy().copy()
        finally:
            bitmap.close()
    return blank.sample(grey)


def _jpeg_page_grey(page):
    """The page's only object, a grey or colour JPEG, decoded to grey near blank.SAMPLE_SIDE (PIL draft
    mode: the DCT scaled down, not the pixels); None for any other page."""
    import numpy as np
    from PIL import Image

    from parsers.ocr import blank
    objects = list(page.get_objects())
    if len(objects) != 1 or not hasattr(objects[0], "get_filters") or objects[0].get_filters() != ["DCTDecode"]:
        return None
    try:
        with Image.open(io.BytesIO(bytes(objects[0].get_data(decode_simple=False)))) as im:
            if im.format != "JPEG" or im.mode not in ("L", "RGB"):     # CMYK may be stored inverted
                return None
            k = 0.9 * blank.SAMPLE_SIDE / max(im.size)       # 0.9: a 200 dpi A4 page decodes at 1/4
            im.draft("L", (int(im.width * k), int(im.height * k)))
            return np.asarray(im.convert("L"))
    except (OSError, ValueError, SyntaxError):     # let pdfium render what PIL cannot decode
        return None


def scan_page_blocks(page, page_no: int) -> list[Block]:
    """OCR of the page rendered at RENDER_DPI."""
    import numpy as np

    from parsers.readers.image import ocr_blocks
    bitmap = page.render(scale=RENDER_DPI / 72, grayscale=False)
    try:
        rgb = np.asarray(bitmap.to_pil().convert("RGB"))
    finally:
        bitmap.close()
    return ocr_blocks(np.ascontiguousarray(rgb[:, :, ::-1]), page=page_no)
