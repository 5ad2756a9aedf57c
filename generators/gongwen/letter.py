"""信函格式 (GB/T 9704-2012 10.1): page 1 of a 信函 as written and as measured on the rendered page.

10.1: the organ's name (without 文件) in red, its top edge 30 mm from the top of the paper; a red double
rule (thick over thin) 4 mm under it and another (thin over thick) 20 mm above the bottom of the paper,
both 170 mm long and centred; the 字号 flush right under the first rule; no page number on page 1
(later pages are numbered as in a 文件).

Written (`first_page`, called by render.build_document): the name and the upper rule in page 1's own header
(a letterhead, as letterhead templates put it: the header starts above the 版心, and a header reaching
below the top margin pushes the body down under it), the lower rule as two page-anchored lines in page 1's
own footer (a paragraph border cannot reach below the footer distance), and no page number there.

Measured (`check_page_one`, called by layout_check.check_layout for a 信函): the name's top, the upper
rule's gap, length and order (thick over thin), the 字号 7/8 of a 3号 character under it, the lower rule's
place, length and order (thin over thick), page 1 without a page number.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium

from generators.gongwen import ooxml as X
from generators.gongwen.check import Problem, _problem
from generators.gongwen.profile import PT_PER_MM, Profile


BODY_INK_GAP_MM = 3.56      # measured: LibreOffice sets page 1's first 3号 line with its ink this far under the rule


def docnum_space_pt(p: Profile) -> float:
    """Space before the 字号's paragraph (the first in the body, right under the header) for the 7/8 gap."""
    return max(0.0, p.letter.docnum_gap_em * p.sizes_pt.body - BODY_INK_GAP_MM * PT_PER_MM)


# ============================================================================================
# Writing (render.build_document)
# ============================================================================================

def kind_of(path: Path) -> str:
    """The GB/T 9704 kind check's structure reader finds in a .docx/.doc ("xinhan" for a 信函)."""
    from generators.gongwen.check import DocxView, as_docx, find_parts
    with as_docx(Path(path)) as docx:
        return find_parts(DocxView(docx)).kind


def first_page(writer, gw, sect) -> None:
    """Page 1's own header (the name over the upper double rule) and footer (the lower double rule, no page
    number) on the 公文's first section `sect` (a w:sectPr)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.section import Section

    from generators.gongwen.render import DESCENT, INK_BOTTOM, INK_TOP, NATURAL_LINE, RULE_DROP, text_width
    p = writer.p
    G = p.letter                                   # the 10.1 numbers of the profile
    sec = Section(sect, writer.doc.part)
    sec.different_first_page_header_footer = True
    paper_w = p.page.width_mm
    # the paragraph spans the rule's 170 mm, centred on the paper (indents from the 版心's margins)
    left = (p.page.margin_left_mm - (paper_w - G.rule_width_mm) / 2) * PT_PER_MM
    right = (p.page.margin_right_mm - (paper_w - G.rule_width_mm) / 2) * PT_PER_MM

    mark = gw.organ_mark or gw.organs[0]
    size, scale = writer.mark_size(text_width(mark))
    line = NATURAL_LINE * size
    ink = line - DESCENT * size - INK_TOP * size            # line top to the ink's top
    header = sec.first_page_header
    header.is_linked_to_previous = False
    par = header.paragraphs[0]
    X.clear_paragraph(par)
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    X.set_paragraph_flags(par, snap_to_grid=False)
    X.set_exact_spacing(par, line, before_pt=max(0.0, (G.mark_top_mm - sec.header_distance.mm) * PT_PER_MM - ink))
    X.set_indent(par, left_pt=-left, right_pt=-right)
    X.set_char_scale(writer.run(par, mark, p.fonts.organ_mark, size, color=p.colors.red, condensed=False), scale)
    space = G.rule_gap_mm * PT_PER_MM - (DESCENT - INK_BOTTOM) * size - RULE_DROP
    X.set_paragraph_border(par, "bottom", G.thick_pt + G.thin_pt, p.colors.red, space_pt=max(0.0, space),
                           val="thickThinSmallGap")

    footer = sec.first_page_footer
    footer.is_linked_to_previous = False
    par = footer.paragraphs[0]
    X.clear_paragraph(par)
    x = (paper_w - G.rule_width_mm) / 2
    thick_y = p.page.height_mm - G.bottom_rule_mm - G.thick_pt / 2 / PT_PER_MM
    thin_y = thick_y - (G.thick_pt / 2 + G.gap_pt + G.thin_pt / 2) / PT_PER_MM
    X.add_page_line(par, x, thin_y, G.rule_width_mm, G.thin_pt, p.colors.red, 9101)
    X.add_page_line(par, x, thick_y, G.rule_width_mm, G.thick_pt, p.colors.red, 9102)


# ============================================================================================
# Measuring (layout_check.check_layout)
# ============================================================================================

def geometry(pdf: Path, dpi: int = 200) -> dict:
    """Page 1 from its red pixels: the name's ink top and bottom, and each red rule (a band of rows with a red
    run longer than 120 mm) as (top, bottom, length in mm, [each line's thickness in pixel rows]), top to
    bottom."""
    scale = dpi / 72
    page = pdfium.PdfDocument(str(pdf))[0]
    img = np.asarray(page.render(scale=scale).to_pil().convert("RGB")).astype(int)
    mm = lambda px: px / scale / PT_PER_MM  # noqa: E731
    red = (img[..., 0] > 180) & (img[..., 1] < 90) & (img[..., 2] < 90)
    long_ = 120 * PT_PER_MM * scale
    rows = [y for y in np.where(red.sum(1) > long_)[0] if _longest_run(red[y]) > long_]
    bands: list[list[int]] = []
    for y in rows:                  # rows less than 2 mm apart belong to one double rule
        if bands and y - bands[-1][-1] < 2 * PT_PER_MM * scale:
            bands[-1].append(y)
        else:
            bands.append([y])
    out: dict = {"rules": []}
    for b in bands:
        cols = np.where(red[b].any(0))[0]
        cuts = [k for k, (a, c) in enumerate(zip(b, b[1:]), 1) if c - a > 1]
        runs = [len(r) for r in np.split(np.array(b), cuts)]          # each line's thickness, in rows
        out["rules"].append((mm(b[0]), mm(b[-1] + 1), mm(cols.max() - cols.min() + 1), runs))
    if bands and bands[0][-1] < red.shape[0] / 2:
        dark = (img[..., 0] < 110) & (img[..., 1] < 110) & (img[..., 2] < 110)
        below = np.where(dark[bands[0][-1] + 1:].any(1))[0]
        if below.size:
            out["under_rule"] = mm(below[0] + 1)      # the first line's ink (the 字号) under the upper rule
    top_rule = bands[0][0] if bands else red.shape[0]
    ink = np.where(red[:top_rule].any(1))[0]
    if ink.size:
        out["mark_top"], out["mark_bottom"] = mm(ink[0]), mm(ink[-1] + 1)
    out["paper_mm"] = mm(red.shape[0])
    return out


def _longest_run(row) -> int:
    edges = np.diff(np.concatenate(([0], row.astype(int), [0])))
    starts, ends = np.where(edges == 1)[0], np.where(edges == -1)[0]
    return int((ends - starts).max()) if starts.size else 0


def check_page_one(pdf: Path, prof: Profile, problems: list[Problem], tol) -> list[Problem]:
    """A 信函's page 1 measured (10.1), and the page-number findings of a 文件 adjusted: page 1 goes
    unnumbered. `problems` are layout_check's other findings; `tol(key)` its tolerances."""
    from generators.gongwen.layout_check import page_number
    out = []
    G = prof.letter
    g = geometry(pdf)
    if "mark_top" in g and abs(g["mark_top"] - G.mark_top_mm) > tol("mark_top_mm"):
        out.append(_problem("layout.xinhan_mark_top", "第1页", got=g["mark_top"], want=G.mark_top_mm,
                            tol=tol("mark_top_mm")))
    half = g["paper_mm"] / 2
    upper = [r for r in g["rules"] if r[0] < half]
    lower = [r for r in g["rules"] if r[0] >= half]
    if not upper:
        out.append(_problem("layout.xinhan_rule_missing", "第1页", part="标志下", want=G.rule_width_mm))
    else:
        top, _, length, lines = upper[0]
        if "mark_bottom" in g and abs(top - g["mark_bottom"] - G.rule_gap_mm) > tol("rule_gap_mm"):
            out.append(_problem("layout.xinhan_rule_gap", "第1页", got=top - g["mark_bottom"], want=G.rule_gap_mm,
                                tol=tol("rule_gap_mm")))
        out += _rule_shape(length, lines, "标志下", "thick", tol, G.rule_width_mm)
        want = G.docnum_gap_em * prof.sizes_pt.body / PT_PER_MM
        if "under_rule" in g and abs(g["under_rule"] - want) > tol("rule_gap_mm"):
            out.append(_problem("layout.xinhan_docnum_gap", "第1页", got=g["under_rule"], want=want,
                                tol=tol("rule_gap_mm")))
    if not lower:
        out.append(_problem("layout.xinhan_rule_missing", "第1页", part="页面下部", want=G.rule_width_mm))
    else:
        _, bottom, length, lines = lower[-1]
        if abs(g["paper_mm"] - bottom - G.bottom_rule_mm) > tol("rule_gap_mm"):
            out.append(_problem("layout.xinhan_bottom_rule", "第1页", got=g["paper_mm"] - bottom,
                                want=G.bottom_rule_mm, tol=tol("rule_gap_mm")))
        out += _rule_shape(length, lines, "页面下部", "thin", tol, G.rule_width_mm)
    with pdfplumber.open(str(pdf)) as doc:
        number = page_number(doc.pages[0], prof)
    if number is not None:
        out.append(_problem("layout.xinhan_first_number", "第1页", got=number[0]))
    kept = [q for q in problems if not (q.where == "第1页" and q.rule.startswith("layout.page_number"))]
    return out + kept


def _rule_shape(length: float, lines: list[int], part: str, upper: str, tol, width_mm: float) -> list[Problem]:
    """A double rule 170 mm long whose upper line is `upper` ("thick": 上粗下细, "thin": 上细下粗), the thick
    line at least 1.5 times the thin one (a plain double border, two equal lines, is neither)."""
    out = []
    if abs(length - width_mm) > tol("rule_width_mm"):
        out.append(_problem("layout.xinhan_rule_width", "第1页", part=part, got=length, want=width_mm))
    if len(lines) < 2:
        out.append(_problem("layout.xinhan_rule_single", "第1页", part=part))
    elif not (lines[0] >= 1.5 * lines[-1] if upper == "thick" else lines[-1] >= 1.5 * lines[0]):
        out.append(_problem("layout.xinhan_rule_order", "第1页", part=part,
                            want="上粗下细" if upper == "thick" else "上细下粗"))
    return out
