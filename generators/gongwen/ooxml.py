"""The one door to raw WordprocessingML for 公文 documents.

Everything python-docx has no API for lives here as a named helper: the
docGrid, page margins, odd/even footers with PAGE fields, paragraph borders
(red rule, 版记 rules), East-Asian fonts, exact line spacing, cell merges,
section breaks and page alignment. Lengths are taken in mm or pt and
converted to twips / eighths of a point here.
"""
from __future__ import annotations

import copy

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

TWIPS_PER_PT = 20
TWIPS_PER_MM = 1440 / 25.4


def twips_mm(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


def twips_pt(pt: float) -> int:
    return round(pt * TWIPS_PER_PT)


def _child(parent, tag: str, before: tuple[str, ...] = ()):
    """The first child `tag` of parent, created (before the first of `before` present) when missing."""
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        for b in before:
            ref = parent.find(qn(b))
            if ref is not None:
                ref.addprevious(el)
                break
        else:
            parent.append(el)
    return el


# --- page geometry ------------------------------------------------------------------------

def set_page_margins(section, top_mm: float, bottom_mm: float, left_mm: float, right_mm: float,
                     width_mm: float = 210, height_mm: float = 297, footer_mm: float | None = None,
                     header_mm: float | None = None, gutter_mm: float = 0) -> None:
    section.page_width = Mm(width_mm)
    section.page_height = Mm(height_mm)
    section.top_margin = Mm(top_mm)
    section.bottom_margin = Mm(bottom_mm)
    section.left_margin = Mm(left_mm)
    section.right_margin = Mm(right_mm)
    section.gutter = Mm(gutter_mm)
    if footer_mm is not None:
        section.footer_distance = Emu(round(footer_mm * 36000))
    if header_mm is not None:
        section.header_distance = Emu(round(header_mm * 36000))


def set_page_grid(section, lines: int, chars: int, line_pitch_pt: float, char_space: int,
                  grid_type: str = "linesAndChars") -> None:
    """w:docGrid: `line_pitch_pt` per line and characters condensed by `char_space` (1/4096 pt)."""
    sectPr = section._sectPr
    grid = sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sectPr.append(grid)
    grid.set(qn("w:type"), grid_type)
    grid.set(qn("w:linePitch"), str(twips_pt(line_pitch_pt)))
    grid.set(qn("w:charSpace"), str(char_space))


def set_section_start(section, kind: str) -> None:
    """w:type of a section: nextPage, evenPage, oddPage, continuous."""
    sectPr = section._sectPr
    t = sectPr.find(qn("w:type"))
    if t is None:
        t = OxmlElement("w:type")
        sectPr.insert(0, t)
    t.set(qn("w:val"), kind)


def set_vertical_alignment(section, where: str = "bottom") -> None:
    """w:vAlign: where the text of the section's pages sits (top, center, bottom)."""
    sectPr = section._sectPr
    v = sectPr.find(qn("w:vAlign"))
    if v is None:
        v = OxmlElement("w:vAlign")
        grid = sectPr.find(qn("w:docGrid"))
        if grid is not None:
            grid.addprevious(v)
        else:
            sectPr.append(v)
    v.set(qn("w:val"), where)


def set_odd_even_footers(document, on: bool = True) -> None:
    """w:evenAndOddHeaders in settings: odd and even pages get their own footers."""
    settings = document.settings.element
    el = settings.find(qn("w:evenAndOddHeaders"))
    if on and el is None:
        el = OxmlElement("w:evenAndOddHeaders")
        settings.append(el)
    elif not on and el is not None:
        settings.remove(el)


# --- runs and paragraphs ---------------------------------------------------------------------

def set_run_fonts(run, east_asia: str, latin: str | None = None) -> None:
    """Fonts of a run: `east_asia` into w:eastAsia, `latin` (default: same) into ascii/hAnsi/cs."""
    rPr = run._r.get_or_add_rPr()
    _set_rfonts(rPr, east_asia, latin)


def _set_rfonts(rPr, east_asia: str, latin: str | None) -> None:
    rf = rPr.find(qn("w:rFonts"))
    if rf is None:
        rf = OxmlElement("w:rFonts")
        rPr.insert(0, rf)
    lat = latin or east_asia
    for a in ("w:ascii", "w:hAnsi", "w:cs"):
        rf.set(qn(a), lat)
    rf.set(qn("w:eastAsia"), east_asia)
    for a in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rf.attrib.pop(qn(a), None)


def style_fonts(style, east_asia: str, latin: str | None = None) -> None:
    """Fonts of a paragraph/character style."""
    rPr = style.element.get_or_add_rPr()
    _set_rfonts(rPr, east_asia, latin)


def set_doc_default_fonts(document, east_asia: str, latin: str, size_pt: float) -> None:
    """docDefaults rPr: fonts and size, and the East-Asian language."""
    styles = document.styles.element
    rpr_default = styles.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault"))
    if rpr_default is None:
        dd = _child(styles, "w:docDefaults")
        rpr_default = _child(dd, "w:rPrDefault")
    rPr = _child(rpr_default, "w:rPr")
    _set_rfonts(rPr, east_asia, latin)
    sz = _child(rPr, "w:sz")
    sz.set(qn("w:val"), str(round(size_pt * 2)))
    szcs = _child(rPr, "w:szCs")
    szcs.set(qn("w:val"), str(round(size_pt * 2)))
    lang = _child(rPr, "w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def set_char_scale(run, percent: int) -> None:
    """w:w: horizontal character scale (narrow glyphs), e.g. for a long 发文机关标志."""
    rPr = run._r.get_or_add_rPr()
    w = _child(rPr, "w:w")
    w.set(qn("w:val"), str(int(percent)))


def set_char_spacing(run, pt: float) -> None:
    """w:spacing on a run: letter spacing in points (negative condenses)."""
    rPr = run._r.get_or_add_rPr()
    sp = _child(rPr, "w:spacing")
    sp.set(qn("w:val"), str(twips_pt(pt)))


def set_color(run, hex_rgb: str) -> None:
    rPr = run._r.get_or_add_rPr()
    c = _child(rPr, "w:color")
    c.set(qn("w:val"), hex_rgb)


def set_exact_spacing(paragraph, line_pt: float | None, before_pt: float = 0, after_pt: float = 0) -> None:
    """Exact (固定值) line spacing and spacing before/after in points; line_pt None = single."""
    pPr = paragraph._p.get_or_add_pPr()
    sp = _ppr_child(pPr, "w:spacing")
    for a in list(sp.attrib):
        del sp.attrib[a]
    sp.set(qn("w:before"), str(twips_pt(before_pt)))
    sp.set(qn("w:after"), str(twips_pt(after_pt)))
    if line_pt is None:
        sp.set(qn("w:line"), "240")
        sp.set(qn("w:lineRule"), "auto")
    else:
        sp.set(qn("w:line"), str(twips_pt(line_pt)))
        sp.set(qn("w:lineRule"), "exact")


def set_indent(paragraph, left_pt: float = 0, right_pt: float = 0, first_line_pt: float = 0,
               left_chars: float | None = None, right_chars: float | None = None,
               first_line_chars: float | None = None) -> None:
    """w:ind in absolute units AND (when given) in characters (1/100 char), as Word writes both."""
    pPr = paragraph._p.get_or_add_pPr()
    ind = _ppr_child(pPr, "w:ind")
    for a in list(ind.attrib):
        del ind.attrib[a]
    ind.set(qn("w:left"), str(twips_pt(left_pt)))
    ind.set(qn("w:right"), str(twips_pt(right_pt)))
    if first_line_pt < 0:
        ind.set(qn("w:hanging"), str(twips_pt(-first_line_pt)))
    else:
        ind.set(qn("w:firstLine"), str(twips_pt(first_line_pt)))
    if left_chars is not None:
        ind.set(qn("w:leftChars"), str(round(left_chars * 100)))
    if right_chars is not None:
        ind.set(qn("w:rightChars"), str(round(right_chars * 100)))
    if first_line_chars is not None:
        if first_line_chars < 0:
            ind.set(qn("w:hangingChars"), str(round(-first_line_chars * 100)))
        else:
            ind.set(qn("w:firstLineChars"), str(round(first_line_chars * 100)))


def set_paragraph_flags(paragraph, keep_next: bool = False, keep_lines: bool = False,
                        widow_control: bool = False, snap_to_grid: bool | None = None,
                        page_break_before: bool = False) -> None:
    """Pagination flags written explicitly (off unless asked): keep-with-next off avoids short pages."""
    pPr = paragraph._p.get_or_add_pPr()
    for tag, on in (("w:keepNext", keep_next), ("w:keepLines", keep_lines),
                    ("w:pageBreakBefore", page_break_before), ("w:widowControl", widow_control)):
        el = _child(pPr, tag)
        el.set(qn("w:val"), "1" if on else "0")
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        el = _child(pPr, tag)           # no extra space between CJK and Latin/digits: widths stay on the grid
        el.set(qn("w:val"), "0")
    if snap_to_grid is not None:
        el = _child(pPr, "w:snapToGrid")
        el.set(qn("w:val"), "1" if snap_to_grid else "0")
    _reorder_ppr(pPr)


# Order of pPr children required by the schema (Word rejects files otherwise).
_PPR_ORDER = ["w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
              "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
              "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
              "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
              "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
              "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
              "w:sectPr", "w:pPrChange"]
_PPR_RANK = {qn(t): i for i, t in enumerate(_PPR_ORDER)}


def _reorder_ppr(pPr) -> None:
    kids = list(pPr)
    kids.sort(key=lambda e: _PPR_RANK.get(e.tag, 100))
    for k in kids:
        pPr.append(k)


def _ppr_child(pPr, tag: str):
    """The paragraph property `tag`, created in schema order when missing."""
    el = pPr.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        pPr.append(el)
        _reorder_ppr(pPr)
    return el


def set_paragraph_border(paragraph, side: str = "bottom", width_pt: float = 1.0, color: str = "000000",
                         space_pt: float = 0, val: str = "single") -> None:
    """A rule on one side of a paragraph (red rule, 版记 lines, the double rule of 执法文书); width in points."""
    pPr = paragraph._p.get_or_add_pPr()
    bdr = _ppr_child(pPr, "w:pBdr")
    el = bdr.find(qn(f"w:{side}"))
    if el is None:
        el = OxmlElement(f"w:{side}")
        bdr.append(el)
    el.set(qn("w:val"), val)
    el.set(qn("w:sz"), str(max(2, round(width_pt * 8))))
    el.set(qn("w:space"), str(round(space_pt)))
    el.set(qn("w:color"), color)
    order = {qn(f"w:{s}"): i for i, s in enumerate(["top", "left", "bottom", "right", "between", "bar"])}
    for k in sorted(list(bdr), key=lambda e: order.get(e.tag, 9)):
        bdr.append(k)


def set_tab_stops(paragraph, stops: list[tuple[str, float]]) -> None:
    """Tab stops [(alignment, position_pt)], alignment left/right/center."""
    pPr = paragraph._p.get_or_add_pPr()
    tabs = _ppr_child(pPr, "w:tabs")
    for align, pos in stops:
        t = OxmlElement("w:tab")
        t.set(qn("w:val"), align)
        t.set(qn("w:pos"), str(twips_pt(pos)))
        tabs.append(t)


def add_page_break(paragraph) -> None:
    run = paragraph.add_run()
    br = OxmlElement("w:br")
    br.set(qn("w:type"), "page")
    run._r.append(br)


def page_break_element(p) -> None:
    """A run with a page break appended to a bare w:p element (forms built as XML)."""
    r = _sub(p, "w:r")
    _sub(r, "w:br", type="page")


def set_style_autospace(style, on: bool = False) -> None:
    """w:autoSpaceDE/DN of a paragraph style: off = no extra space between CJK and Latin/digits."""
    pPr = style.element.get_or_add_pPr()
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        _child(pPr, tag).set(qn("w:val"), "1" if on else "0")
    _reorder_ppr(pPr)


def set_template_value(paragraph, path: str, attr: str, value: str) -> None:
    """Put a docxtpl placeholder into an attribute of a paragraph property already written,
    e.g. ("w:spacing", "w:line", "{{ h }}") or ("w:pBdr/w:bottom", "w:sz", "{{ sz }}")."""
    el = paragraph._p.get_or_add_pPr()
    for tag in path.split("/"):
        el = el.find(qn(tag))
    el.set(qn(attr), value)


# --- fields and footers ------------------------------------------------------------------------

def _field_char(run, kind: str) -> None:
    fc = OxmlElement("w:fldChar")
    fc.set(qn("w:fldCharType"), kind)
    run._r.append(fc)


def add_page_number_field(paragraph, font: str, size_pt: float, dash: str = "—", latin: str | None = None,
                          stored: str = "1") -> None:
    """"— N —": a PAGE field with a stored result run carrying the same font and size."""
    def run(text: str = ""):
        r = paragraph.add_run(text)
        set_run_fonts(r, font, latin or font)
        r.font.size = Pt(size_pt)
        return r

    run(f"{dash} ")
    _field_char(run(), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run()._r.append(instr)
    _field_char(run(), "separate")
    run(stored)
    _field_char(run(), "end")
    run(f" {dash}")


def clear_paragraph(paragraph) -> None:
    for r in list(paragraph._p):
        if r.tag != qn("w:pPr"):
            paragraph._p.remove(r)


# --- tables ---------------------------------------------------------------------------------------

def set_cell_merge(table, row: int, col: int, rowspan: int, colspan: int) -> None:
    """Merge a block of cells (python-docx writes gridSpan / vMerge)."""
    if rowspan <= 1 and colspan <= 1:
        return
    a = table.cell(row, col)
    b = table.cell(row + rowspan - 1, col + colspan - 1)
    a.merge(b)


def set_table_width(table, width_mm: float, col_widths_mm: list[float], center: bool = True) -> None:
    """Fixed layout with explicit grid columns (LibreOffice and Word agree on fixed tables)."""
    tbl = table._tbl
    tblPr = tbl.tblPr
    tw = _child(tblPr, "w:tblW")
    tw.set(qn("w:w"), str(twips_mm(width_mm)))
    tw.set(qn("w:type"), "dxa")
    lay = _child(tblPr, "w:tblLayout")
    lay.set(qn("w:type"), "fixed")
    if center:
        jc = _child(tblPr, "w:jc")
        jc.set(qn("w:val"), "center")
    grid = tbl.tblGrid
    cols = grid.findall(qn("w:gridCol"))
    for gc, w in zip(cols, col_widths_mm):
        gc.set(qn("w:w"), str(twips_mm(w)))
    for row in table.rows:
        for tc in row._tr.findall(qn("w:tc")):
            span_el = tc.find(qn("w:tcPr") + "/" + qn("w:gridSpan"))
            span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
            # the cell's grid start is the sum of previous spans
            start = 0
            for prev in tc.itersiblings(preceding=True):
                if prev.tag == qn("w:tc"):
                    s = prev.find(qn("w:tcPr") + "/" + qn("w:gridSpan"))
                    start += int(s.get(qn("w:val"))) if s is not None else 1
            w = sum(col_widths_mm[start:start + span])
            tcPr = tc.get_or_add_tcPr()
            tcw = _child(tcPr, "w:tcW", before=("w:gridSpan", "w:vMerge", "w:tcBorders", "w:vAlign"))
            tcw.set(qn("w:w"), str(twips_mm(w)))
            tcw.set(qn("w:type"), "dxa")


def set_cell_margins(table, mm: float) -> None:
    tblPr = table._tbl.tblPr
    mar = _child(tblPr, "w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        el = _child(mar, f"w:{side}")
        el.set(qn("w:w"), str(twips_mm(mm if side in ("left", "right") else 0)))
        el.set(qn("w:type"), "dxa")


def set_cell_vcenter(cell) -> None:
    tcPr = cell._tc.get_or_add_tcPr()
    v = _child(tcPr, "w:vAlign")
    v.set(qn("w:val"), "center")


def set_cell_border(cell, side: str = "bottom", width_pt: float = 0.75, val: str = "single",
                    space_pt: float = 1, color: str = "000000") -> None:
    """A rule on one side of a table cell: a signature or number blank stays a printed line when empty."""
    tcPr = cell._tc.get_or_add_tcPr()
    box = _child(tcPr, "w:tcBorders", before=("w:shd", "w:noWrap", "w:tcMar", "w:textDirection",
                                               "w:tcFitText", "w:vAlign", "w:hideMark"))
    el = _child(box, f"w:{side}")
    el.set(qn("w:val"), val)
    el.set(qn("w:sz"), str(max(2, round(width_pt * 8))))
    el.set(qn("w:space"), str(round(space_pt)))
    el.set(qn("w:color"), color)


def set_table_borders(table, val: str = "nil") -> None:
    """Every border of a table (outer and inside) set to `val`: "nil" = a borderless layout table."""
    borders = _child(table._tbl.tblPr, "w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _child(borders, f"w:{edge}").set(qn("w:val"), val)


def set_row_height(row, height_pt: float, rule: str = "exact") -> None:
    """A table row's height (w:trHeight) with its rule: exact or atLeast."""
    row.height = Pt(height_pt)
    _child(row._tr.get_or_add_trPr(), "w:trHeight").set(qn("w:hRule"), rule)


def deepcopy_element(el):
    return copy.deepcopy(el)


# --- the body as elements: what code outside this module may ask of them ---------------------------

def is_paragraph(el) -> bool:
    return el.tag == qn("w:p")


def is_table(el) -> bool:
    return el.tag == qn("w:tbl")


def paragraph_section(p):
    """The w:sectPr a w:p carries (the section break ending a section), or None."""
    return p.find(qn("w:pPr") + "/" + qn("w:sectPr"))


def body_section(body):
    """The body's own (last) w:sectPr."""
    return body.find(qn("w:sectPr"))


def add_section_break(p, sect) -> None:
    """Make the w:p `p` end a section with the properties `sect` (moved there)."""
    p.get_or_add_pPr().append(sect)


def paragraph_from(pPr):
    """A new w:p with a copy of the paragraph properties `pPr`."""
    p = OxmlElement("w:p")
    p.append(copy.deepcopy(pPr))
    return p


def move_section_break(document, paragraph) -> None:
    """python-docx's add_section leaves the break in its own empty paragraph: move the first one
    into `paragraph` (a python-docx Paragraph) and drop the empty paragraph."""
    holder = next(par._p for par in document.paragraphs if paragraph_section(par._p) is not None)
    add_section_break(paragraph._p, paragraph_section(holder))
    if holder is not paragraph._p:
        holder.getparent().remove(holder)


def drop_section_breaks(document) -> None:
    """Remove the section breaks inside a document's body (its last section's properties stay)."""
    for sect in document.element.body.findall(qn("w:p") + "/" + qn("w:pPr") + "/" + qn("w:sectPr")):
        sect.getparent().remove(sect)


# --- tables and plain paragraphs built directly as XML -----------------------------------------
# python-docx's table.cell() rebuilds the whole cell grid on every call; a form of a few hundred
# cells is built here in one pass instead (w:tblGrid, w:tcW on every cell, gridSpan / vMerge).

_ALIGN = {"left": "left", "center": "center", "right": "right", "both": "both", "distribute": "distribute"}


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _sub(parent, tag: str, **attrs):
    """Child element `tag` ("w:x") appended to parent, with w: attributes given by local name."""
    el = parent.makeelement(_W + tag[2:], {_W + k: str(v) for k, v in attrs.items()})
    parent.append(el)
    return el


_PLAIN: dict[tuple, tuple] = {}    # settings → (pPr, rPr) prototypes, copied for each paragraph


def plain_paragraph(text: str = "", font: str = "宋体", size_pt: float = 10.5, latin: str | None = None,
                    bold: bool = False, align: str = "left", line_pt: float | None = None,
                    after_pt: float = 0):
    """A w:p with single (or exact `line_pt`) spacing, no indent, snap-to-grid off: the look of a
    table cell or a form line, written explicitly so the 公文 body's grid and indents do not leak in."""
    key = (font, size_pt, latin, bold, align, line_pt, after_pt)
    protos = _PLAIN.get(key)
    if protos is None:
        protos = _PLAIN[key] = _plain_props(*key)
    ppr, rpr = protos
    p = OxmlElement("w:p")
    p.append(copy.deepcopy(ppr))
    if text:
        r = _sub(p, "w:r")
        r.append(copy.deepcopy(rpr))
        t = _sub(r, "w:t")
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = text
    return p


def _plain_props(font, size_pt, latin, bold, align, line_pt, after_pt):
    ppr = OxmlElement("w:pPr")
    for tag in ("w:keepNext", "w:keepLines", "w:widowControl"):
        _sub(ppr, tag, val="0")
    _sub(ppr, "w:snapToGrid", val="0")
    if line_pt is None:
        _sub(ppr, "w:spacing", before="0", after=twips_pt(after_pt), line="240", lineRule="auto")
    else:
        _sub(ppr, "w:spacing", before="0", after=twips_pt(after_pt), line=twips_pt(line_pt), lineRule="exact")
    _sub(ppr, "w:ind", left="0", right="0", firstLine="0", firstLineChars="0")
    _sub(ppr, "w:jc", val=_ALIGN[align])
    rpr = _run_props(font, size_pt, latin, bold)
    ppr.append(copy.deepcopy(rpr))          # paragraph mark: an empty cell keeps the small size
    return ppr, rpr


def _run_props(font: str, size_pt: float, latin: str | None, bold: bool):
    rpr = OxmlElement("w:rPr")
    lat = latin or font
    _sub(rpr, "w:rFonts", ascii=lat, hAnsi=lat, eastAsia=font, cs=lat)
    if bold:
        _sub(rpr, "w:b")
    sz = str(round(size_pt * 2))
    _sub(rpr, "w:sz", val=sz)
    _sub(rpr, "w:szCs", val=sz)
    return rpr


class GridCell:
    """One cell of a grid_table: its top-left position, spans and paragraphs (w:p elements)."""
    __slots__ = ("row", "col", "rowspan", "colspan", "paragraphs")

    def __init__(self, row: int, col: int, paragraphs: list, rowspan: int = 1, colspan: int = 1):
        self.row, self.col, self.rowspan, self.colspan, self.paragraphs = row, col, rowspan, colspan, paragraphs


def grid_table(widths_mm: list[float], n_rows: int, cells: list[GridCell], empty_paragraph=None,
               border_pt: float = 0.5, color: str = "000000", margin_mm: float = 1.0, header_rows: int = 0,
               row_heights_pt: dict[int, float] | None = None):
    """A fully ruled, fixed-layout, centred w:tbl: widths on w:tblGrid and on every w:tc.

    Positions not covered by any cell get an empty cell; merged areas become gridSpan / vMerge.
    `empty_paragraph()` makes the paragraph of empty and continued cells (default: a bare w:p).
    """
    n_cols = len(widths_mm)
    tw = [twips_mm(w) for w in widths_mm]
    tbl = OxmlElement("w:tbl")
    pr = _sub(tbl, "w:tblPr")
    _sub(pr, "w:tblW", w=sum(tw), type="dxa")
    _sub(pr, "w:jc", val="center")
    b = _sub(pr, "w:tblBorders")
    sz = max(2, round(border_pt * 8))
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _sub(b, f"w:{side}", val="single", sz=sz, space="0", color=color)
    _sub(pr, "w:tblLayout", type="fixed")
    mar = _sub(pr, "w:tblCellMar")
    for side, w in (("top", 0), ("left", twips_mm(margin_mm)), ("bottom", 0), ("right", twips_mm(margin_mm))):
        _sub(mar, f"w:{side}", w=w, type="dxa")
    _sub(pr, "w:tblLook", val="0000", firstRow="0", lastRow="0", firstColumn="0", lastColumn="0",
         noHBand="1", noVBand="1")
    grid = _sub(tbl, "w:tblGrid")
    for w in tw:
        _sub(grid, "w:gridCol", w=w)

    owner: dict[tuple[int, int], GridCell] = {}
    for c in cells:
        for i in range(c.row, min(n_rows, c.row + c.rowspan)):
            for j in range(c.col, min(n_cols, c.col + c.colspan)):
                owner.setdefault((i, j), c)
    blank = empty_paragraph or (lambda: OxmlElement("w:p"))
    heights = row_heights_pt or {}
    for r in range(n_rows):
        tr = _sub(tbl, "w:tr")
        trpr = _sub(tr, "w:trPr")
        _sub(trpr, "w:cantSplit", val="1")
        if r in heights:
            _sub(trpr, "w:trHeight", val=twips_pt(heights[r]), hRule="atLeast")
        if r < header_rows:
            _sub(trpr, "w:tblHeader", val="1")
        c = 0
        while c < n_cols:
            cell = owner.get((r, c))
            span = min(cell.colspan, n_cols - c) if cell and cell.col == c else 1
            tc = _sub(tr, "w:tc")
            tcpr = _sub(tc, "w:tcPr")
            _sub(tcpr, "w:tcW", w=sum(tw[c:c + span]), type="dxa")
            if span > 1:
                _sub(tcpr, "w:gridSpan", val=span)
            start = cell is not None and cell.col == c and cell.row == r
            if cell is not None and cell.col == c and cell.rowspan > 1:
                if start:
                    _sub(tcpr, "w:vMerge", val="restart")
                else:
                    _sub(tcpr, "w:vMerge")
            _sub(tcpr, "w:vAlign", val="center")
            pars = cell.paragraphs if start and cell.paragraphs else [blank()]
            for p in pars:
                tc.append(p)
            c += span
    return tbl


def append_block(document, el) -> None:
    """Append a w:p / w:tbl to the end of a python-docx Document's body (before its sectPr)."""
    body = document.element.body
    sect = body.find(qn("w:sectPr"))
    if sect is not None:
        sect.addprevious(el)
    else:
        body.append(el)


def add_page_line(paragraph, x_mm: float, y_mm: float, length_mm: float, width_pt: float, color: str,
                  shape_id: int) -> None:
    """A horizontal line drawn at a fixed place on the page (DrawingML, anchored to the page, behind the text,
    no wrapping): x, y of its centre line from the paper's left and top edges. For rules a paragraph border
    cannot reach (the 信函's bottom double rule, 20 mm above the paper's bottom, below the footer)."""
    from docx.oxml import parse_xml
    emu = lambda mm: int(Mm(mm))  # noqa: E731
    xml = (
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:drawing>'
        '<wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="%d" behindDoc="1" locked="0" '
        'layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="page"><wp:posOffset>%d</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="page"><wp:posOffset>%d</wp:posOffset></wp:positionV>'
        '<wp:extent cx="%d" cy="0"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        '<wp:docPr id="%d" name="rule %d"/><wp:cNvGraphicFramePr/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:cNvCnPr/>'
        '<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%d" cy="0"/></a:xfrm>'
        '<a:prstGeom prst="line"><a:avLst/></a:prstGeom>'
        '<a:ln w="%d"><a:solidFill><a:srgbClr val="%s"/></a:solidFill></a:ln></wps:spPr>'
        '<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>'
    ) % (shape_id, emu(x_mm), emu(y_mm), emu(length_mm), shape_id, shape_id, emu(length_mm),
         int(Pt(width_pt)), color)
    paragraph._p.append(parse_xml(xml))
