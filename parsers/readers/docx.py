"""Word .docx → Document, reading the main part with lxml directly (~1 ms per form).

Body order of paragraphs and tables; tables in grid coordinates with merges
(gridSpan, vMerge, legacy hMerge, gridBefore); nested tables; checkboxes
(content controls and legacy form fields) as ☑/☐ plus Cell.checked; symbol-font
check marks as ☑☒□√×; text boxes as paragraphs. Headers and footers are ignored.

A paragraph's text is read in one of two ways giving the same string: a part
with none of the elements that need the full walk (content controls, fields,
symbols, text boxes, ruby, deletions, symbol fonts: see `_BodyReader.plain`)
collects its runs' text elements in one C-level pass; any other part is
walked element by element (tests/test_readers.py compares the two on every
.docx the tests build).
"""
from __future__ import annotations

import re
from pathlib import Path

from parsers.model import Cell, Document, Paragraph, Table
from parsers.readers.archive import check_package, package, stream_member
from parsers.readers.xmlsafe import parse_xml
from schema.errors import InputError

DEFAULT_MAIN_PART = "word/document.xml"
OFFICE_DOCUMENT_REL = "/officeDocument"
PKG_RELS = "_rels/.rels"

W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

CHECKED, UNCHECKED = "☑", "☐"

# Symbol fonts: the byte a run or w:sym stores → the glyph it shows.
SYMBOL_FONTS = {
    "wingdings": {0xFE: "☑", 0xFD: "☒", 0x78: "☒", 0xA8: "□", 0x6F: "□", 0x71: "□", 0x72: "□",
                  0xFC: "√", 0xFB: "×", 0xA1: "○", 0x6C: "●", 0x6E: "■"},
    "wingdings 2": {0x52: "☑", 0x53: "☒", 0x54: "☒", 0x51: "☒", 0xA3: "□", 0x50: "√", 0x4F: "×",
                    0x98: "○", 0x99: "○"},
    "symbol": {0xD6: "√", 0xB4: "×", 0xB7: "•"},
}
PUA_SYMBOL_BASE = 0xF000          # symbol-font characters are often stored as U+F0xx
PUA_RE = re.compile("[\uf000-\uf0ff]")
SIMPLE_TEXT = {"tab": "\t", "br": "\n", "hyphen": "-"}
SYMBOL_FONT_WORDS = (b"wingdings", b"symbol")            # every SYMBOL_FONTS name contains one
ESCAPED_RUN_FONT = re.compile(rb"rfonts[^>]*&#")          # a font name spelt with character references


def read_docx(path: Path, display: str, zf=None) -> Document:
    """The paragraphs and tables of a .docx body, in order. `zf`: the package already open (archive.package)."""
    with package(path, display, zf) as zf:
        main = _main_part(zf, display)
        parts = check_package(zf, display, keep=(main,), only_kept=True)
    if main not in parts:
        raise InputError(f"{display}：文件已损坏（缺少正文部分 {main}）", code="corrupt")
    root = parse_xml(parts[main], display, main)
    ns = root.tag[:root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    body = root.find(ns + "body")
    if body is None:
        raise InputError(f"{display}：文件已损坏（{main} 没有正文）", code="corrupt")
    reader = _BodyReader(ns)
    reader.plain = reader.is_plain(body, parts[main])
    return Document(blocks=reader.blocks(body))


def read_table(tbl, part: str = "table 1") -> Table:
    """One w:tbl element (of any WordprocessingML tree) as a Table, merges and cell texts as read_docx reads them."""
    ns = tbl.tag[:tbl.tag.index("}") + 1] if tbl.tag.startswith("{") else ""
    return _BodyReader(ns).table(tbl, part)


def _main_part(zf, display: str) -> str:
    """The officeDocument part named by the package relationships."""
    if PKG_RELS not in zf.namelist():
        return DEFAULT_MAIN_PART
    rels = parse_xml(b"".join(stream_member(zf, zf.getinfo(PKG_RELS), display)), display, PKG_RELS)
    for rel in rels.iter(REL_NS + "Relationship"):
        if rel.get("Type", "").endswith(OFFICE_DOCUMENT_REL):
            return rel.get("Target", DEFAULT_MAIN_PART).lstrip("/")
    return DEFAULT_MAIN_PART


class _BodyReader:
    """Walks WordprocessingML with the namespace of this document (transitional or strict).

    `plain`: the part needs no full walk (`is_plain`); its paragraphs' text is read in one pass."""

    def __init__(self, ns: str, plain: bool = False):
        w = lambda name: ns + name        # noqa: E731
        self.w = w
        self.P, self.TBL, self.TR, self.TC = w("p"), w("tbl"), w("tr"), w("tc")
        self.SDT, self.SDT_CONTENT, self.SDT_PR, self.CUSTOM_XML = w("sdt"), w("sdtContent"), w("sdtPr"), w("customXml")
        self.TXBX = w("txbxContent")
        self.VAL = w("val")
        self.TC_PR, self.GRID_SPAN, self.V_MERGE, self.H_MERGE = w("tcPr"), w("gridSpan"), w("vMerge"), w("hMerge")
        self.GRID_BEFORE = f"{w('trPr')}/{w('gridBefore')}"
        self.RUN_FONTS = f"{w('rPr')}/{w('rFonts')}"
        self.FONT_ATTRS = tuple(w(a) for a in ("ascii", "hAnsi", "eastAsia", "cs"))
        self.FORM_CHECKBOX = f"{w('ffData')}/{w('checkBox')}"
        self.SDT_CHECKBOX = f"{self.SDT_PR}/{W14}checkbox"
        # element tag → what _walk does with it (anything else: walk its children)
        self.kinds = {w("t"): "t", w("r"): "r", w("tab"): "tab", w("ptab"): "tab", w("br"): "br", w("cr"): "br",
                      w("noBreakHyphen"): "hyphen", w("sym"): "sym", w("fldChar"): "fldChar",
                      self.SDT: "sdt", self.P: "p"}
        for skipped in (self.TXBX, MC + "Fallback", w("rPr"), w("pPr"), w("rt"), w("instrText"),
                        w("delText"), w("del"), self.SDT_PR):
            self.kinds[skipped] = "skip"
        self.tables = 0
        # plain parts: a run's text elements, as one pass collects them (w:p to notice a nested paragraph)
        self.R, self.TABS, self.T = w("r"), w("tabs"), w("t")
        self.text_of = {tag: SIMPLE_TEXT[kind] for tag, kind in self.kinds.items() if kind in SIMPLE_TEXT}
        self.TEXT_TAGS = (self.T, *self.text_of, self.P)
        # elements only the full walk reads right
        self.WALK_TAGS = (w("sym"), w("fldChar"), self.SDT, self.TXBX, MC + "Fallback", w("rt"), w("del"))
        self.plain = plain

    def is_plain(self, tree, data: bytes) -> bool:
        """True if nothing under `tree` needs the full walk: none of WALK_TAGS, and no run font of the
        part (`data`, its bytes) can be a symbol font."""
        return not _may_name_symbol_font(data) and next(tree.iter(*self.WALK_TAGS), None) is None

    # --- blocks ---------------------------------------------------------------------------

    def blocks(self, container) -> list:
        out: list = []
        for el in self._children(container, (self.P, self.TBL)):
            if el.tag == self.P:
                checks: list[bool] = []
                text = self.text(el, checks).strip()
                if text:
                    out.append(Paragraph(text))
                if not self.plain:
                    for box in self._text_boxes(el):
                        out += self.blocks(box)
            else:
                self.tables += 1
                out.append(self.table(el, f"table {self.tables}"))
        return out

    def _children(self, el, wanted: tuple[str, ...]):
        """Child elements with a wanted tag, looking through content controls and customXml."""
        for child in el:
            if child.tag in wanted:
                yield child
            elif child.tag == self.SDT:
                content = child.find(self.SDT_CONTENT)
                if content is not None:
                    yield from self._children(content, wanted)
            elif child.tag == self.CUSTOM_XML:
                yield from self._children(child, wanted)

    def _text_boxes(self, p):
        for box in p.iter(self.TXBX):
            if not any(a.tag == MC + "Fallback" for a in box.iterancestors()):
                yield box

    # --- tables ---------------------------------------------------------------------------

    def table(self, tbl, part: str) -> Table:
        w = self.w
        t = Table(part=part)
        grid = tbl.find(w("tblGrid"))
        grid_cols = len(grid.findall(w("gridCol"))) if grid is not None else 0
        above: dict[int, Cell] = {}          # grid column → the cell a vMerge continues
        r = -1
        for r, tr in enumerate(self._children(tbl, (self.TR,))):
            col = self._int(tr.find(self.GRID_BEFORE), 0)
            current: dict[int, Cell] = {}
            last: Cell | None = None
            for tc in self._children(tr, (self.TC,)):
                span, vmerge, hmerge = self._cell_props(tc)
                if vmerge == "continue" and col in above:
                    cell = above[col]
                    cell.rowspan = r - cell.row + 1
                    extra = self.cell_text(tc, t)[0]
                    if extra and extra != cell.text:           # WPS sometimes repeats the text
                        cell.text = f"{cell.text}\n{extra}" if cell.text else extra
                    current[col] = cell
                elif hmerge == "continue" and last is not None and last.row == r:
                    last.colspan += span
                else:
                    text, checks = self.cell_text(tc, t)
                    cell = Cell(text=text, row=r, col=col, colspan=span,
                                checked=any(checks) if checks else None)
                    t.cells.append(cell)
                    if vmerge == "restart":
                        current[col] = cell
                    last = cell
                col += span
            above = current
        t.n_rows = r + 1
        t.n_cols = max([grid_cols] + [c.col + c.colspan for c in t.cells])
        return t

    def cell_text(self, tc, table: Table) -> tuple[str, list[bool]]:
        """A cell's text (paragraphs joined by newlines; nested tables' text kept) and its checkboxes."""
        lines: list[str] = []
        checks: list[bool] = []
        for el in self._children(tc, (self.P, self.TBL)):
            if el.tag == self.P:
                lines.append(self.text(el, checks))
                for box in () if self.plain else self._text_boxes(el):
                    for b in self.blocks(box):
                        if isinstance(b, Paragraph):
                            lines.append(b.text)
            else:
                inner = self.table(el, f"{table.part} nested {len(table.nested) + 1}")
                table.nested.append(inner)
                for row in inner.rows():
                    lines.append(" ".join(c.text for c in row if c.text))
                    checks += [c.checked for c in row if c.checked is not None]
        if len(lines) == 1:                         # most cells: one paragraph
            return lines[0].strip(), checks
        return "\n".join(line.strip() for line in lines if line.strip()), checks

    def _cell_props(self, tc) -> tuple[int, str | None, str | None]:
        """(gridSpan, vMerge, hMerge) of a w:tc; merges are "restart", "continue" or None."""
        span, vmerge, hmerge = 1, None, None
        pr = tc[0] if len(tc) and tc[0].tag == self.TC_PR else tc.find(self.TC_PR)
        if pr is None:
            return span, vmerge, hmerge
        for el in pr:
            if el.tag == self.GRID_SPAN:
                span = max(self._int(el, 1), 1)
            elif el.tag == self.V_MERGE:
                vmerge = "restart" if el.get(self.VAL) == "restart" else "continue"
            elif el.tag == self.H_MERGE:
                hmerge = "restart" if el.get(self.VAL) == "restart" else "continue"
        return span, vmerge, hmerge

    def _int(self, el, default: int) -> int:
        if el is None:
            return default
        try:
            return int(el.get(self.VAL, default))
        except ValueError:
            return default

    # --- text -----------------------------------------------------------------------------

    def text(self, el, checks: list[bool]) -> str:
        """The visible text under `el` (a paragraph), without text boxes; checkboxes appended to `checks`."""
        if self.plain:
            text = self._run_text(el)
            if text is not None:
                return _map_symbols(text, None) if PUA_RE.search(text) else text
        out: list[str] = []
        self._walk(el, out, checks, None)
        return "".join(out)

    def _run_text(self, p) -> str | None:
        """A plain part's paragraph text in one pass over its runs' text elements; None when an element
        sits anywhere but directly in a run (a nested paragraph, …): then the full walk reads it."""
        out: list[str] = []
        run, t, text_of = self.R, self.T, self.text_of
        it = p.iter(*self.TEXT_TAGS)
        next(it)                                       # iter() yields the w:p itself first
        for el in it:
            parent = el.getparent().tag
            if parent != run:
                if parent == self.TABS:                # a tab stop in the paragraph's properties
                    continue
                return None
            out.append((el.text or "") if el.tag == t else text_of[el.tag])
        return "".join(out)

    def _walk(self, el, out: list[str], checks: list[bool], font: dict | None) -> None:
        kinds = self.kinds
        for child in el:
            kind = kinds.get(child.tag, "walk")
            if kind == "t":
                text = child.text or ""
                out.append(_map_symbols(text, font) if font is not None or PUA_RE.search(text) else text)
            elif kind == "r":
                fonts = child.find(self.RUN_FONTS)
                self._walk(child, out, checks, None if fonts is None else self._symbol_font(fonts))
            elif kind in SIMPLE_TEXT:
                out.append(SIMPLE_TEXT[kind])
            elif kind == "sym":
                code = int(child.get(self.w("char"), "0") or "0", 16)
                table = SYMBOL_FONTS.get((child.get(self.w("font")) or "").lower(), SYMBOL_FONTS["wingdings"])
                out.append(table.get(code & 0xFF, chr(code)) if code else "")
            elif kind == "fldChar":
                box = child.find(self.FORM_CHECKBOX)
                if box is not None:
                    state = box.find(self.w("checked"))
                    if state is None:
                        state = box.find(self.w("default"))
                    on = state is not None and state.get(self.VAL, "1") not in ("0", "false", "off")
                    checks.append(on)
                    out.append(CHECKED if on else UNCHECKED)
            elif kind == "sdt":
                box = child.find(self.SDT_CHECKBOX)
                if box is not None:
                    state = box.find(W14 + "checked")
                    on = state is not None and state.get(W14 + "val", "0") in ("1", "true", "on")
                    checks.append(on)
                    out.append(CHECKED if on else UNCHECKED)
                else:
                    content = child.find(self.SDT_CONTENT)
                    if content is not None:
                        self._walk(content, out, checks, font)
            elif kind == "skip" or not isinstance(child.tag, str):   # comments, PIs, hidden parts
                continue
            elif kind == "p":                                        # a paragraph inside a container (rare)
                if out and not out[-1].endswith("\n"):
                    out.append("\n")
                self._walk(child, out, checks, font)
            else:                                                    # hyperlink, ins, smartTag, fldSimple, …
                self._walk(child, out, checks, font)

    def _symbol_font(self, fonts) -> dict | None:
        """The symbol table for a run whose w:rFonts names a symbol font, else None."""
        for attr in self.FONT_ATTRS:
            name = (fonts.get(attr) or "").lower()
            if name in SYMBOL_FONTS:
                return SYMBOL_FONTS[name]
        return None


def _map_symbols(text: str, font: dict | None) -> str:
    """Symbol-font characters (in a symbol-font run, or U+F0xx) → their glyphs."""
    table = font or SYMBOL_FONTS["wingdings"]
    out = []
    for ch in text:
        code = ord(ch)
        if PUA_SYMBOL_BASE <= code <= PUA_SYMBOL_BASE + 0xFF or (font is not None and code <= 0xFF):
            out.append(table.get(code & 0xFF, ch))
        else:
            out.append(ch)
    return "".join(out)


def _may_name_symbol_font(data: bytes) -> bool:
    """False only when no run font of this part can be a symbol font: its bytes are ASCII-compatible
    (no NUL, "<" first), no symbol font's name appears in them in any case and no w:rFonts spells
    a value with character references."""
    if b"\0" in data or not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return True
    low = data.lower()
    return any(word in low for word in SYMBOL_FONT_WORDS) or (
        b"&" in data and b"&#" in data and ESCAPED_RUN_FONT.search(low) is not None)   # "&": one memchr
