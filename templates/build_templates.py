"""Build templates/gongwen.docx reproducibly from the layout profile.

    .venv/bin/python templates/build_templates.py [profile]

The template carries what every 公文 shares: document defaults (仿宋_GB2312 3号,
Times New Roman for Latin), page geometry and line grid, odd/even footers with
PAGE fields ("— N —", 4号宋体; odd right, even left, 1 character in), and the 版记
section (starts on an even page; its footers are empty here and render() links it to the numbered
footers unless a blank page precedes it, GB/T 9704 7.5) with docxtpl placeholders.
The body is inserted by generators/gongwen/render.py before the anchor
paragraph, which also carries the first section's break.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402
from docx.enum.section import WD_SECTION  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.shared import Pt  # noqa: E402

from generators.gongwen import ooxml as X  # noqa: E402
from generators.gongwen.profile import PT_PER_MM, load_profile  # noqa: E402

OUT = Path(__file__).parent / "gongwen.docx"
ANCHOR = "{{ anchor }}"


def _geometry(section, p) -> None:
    pg = p.page
    X.set_page_margins(section, pg.margin_top_mm, pg.margin_bottom_mm, pg.margin_left_mm, pg.margin_right_mm,
                       pg.width_mm, pg.height_mm, footer_mm=p.footer_distance_mm(), header_mm=15,
                       gutter_mm=pg.gutter_mm)
    X.set_page_grid(section, p.grid.lines, p.grid.chars, p.grid.line_pitch_pt, p.char_space, p.grid.type)


def _page_number_paragraph(par, p, odd: bool) -> None:
    X.clear_paragraph(par)
    ind = p.chars_pt(p.page_number.indent_chars)
    par.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    X.set_indent(par, left_pt=0 if odd else ind, right_pt=ind if odd else 0, first_line_pt=0)
    X.set_exact_spacing(par, p.sizes_pt.page_number)
    X.set_paragraph_flags(par, snap_to_grid=False)
    X.add_page_number_field(par, p.fonts.page_number, p.sizes_pt.page_number, p.page_number.dash,
                            latin=p.fonts.page_number)


def _banji_run(par, text: str, p):
    r = par.add_run(text)
    X.set_run_fonts(r, p.fonts.banji, p.fonts.latin)
    r.font.size = Pt(p.sizes_pt.banji)
    return r


def _tag_paragraph(doc, text: str):
    par = doc.add_paragraph(text)
    return par


def build(profile: str = "gbt9704", out: Path = OUT) -> Path:
    p = load_profile(profile)
    doc = Document()
    X.set_doc_default_fonts(doc, p.fonts.body, p.fonts.latin, p.sizes_pt.body)
    normal = doc.styles["Normal"]
    X.style_fonts(normal, p.fonts.body, p.fonts.latin)
    normal.font.size = Pt(p.sizes_pt.body)
    pf = normal.paragraph_format
    pf.first_line_indent = Pt(0)
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = Pt(p.grid.line_pitch_pt)
    from docx.enum.text import WD_LINE_SPACING
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.widow_control = False
    X.set_style_autospace(normal, False)
    X.set_odd_even_footers(doc, p.page_number.odd_even)

    # section 1: the 公文 itself (版头, 主体, 附件), numbered pages
    s1 = doc.sections[0]
    _geometry(s1, p)
    anchor = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    anchor.add_run(ANCHOR)
    s1.footer.is_linked_to_previous = False
    _page_number_paragraph(s1.footer.paragraphs[0], p, odd=True)
    s1.even_page_footer.is_linked_to_previous = False
    _page_number_paragraph(s1.even_page_footer.paragraphs[0], p, odd=False)

    # section 2: 版记 at the bottom of an even page (numbered by render() unless a blank page precedes it)
    s2 = doc.add_section(WD_SECTION.EVEN_PAGE)
    _geometry(s2, p)
    X.set_vertical_alignment(s2, "bottom")
    for ft in (s2.footer, s2.even_page_footer):
        ft.is_linked_to_previous = False
        X.clear_paragraph(ft.paragraphs[0])
    # python-docx put section 1's break in its own empty paragraph: move it into the anchor
    X.move_section_break(doc, anchor)

    ind = p.chars_pt(p.banji.indent_chars)
    thick = p.banji.thick_rule_mm * PT_PER_MM
    thin = p.banji.thin_rule_mm * PT_PER_MM

    _tag_paragraph(doc, "{%p for h in banji_filler %}")
    filler = doc.add_paragraph()
    X.set_paragraph_flags(filler, snap_to_grid=False)
    X.set_exact_spacing(filler, 10)
    X.set_template_value(filler, "w:spacing", "w:line", "{{ h }}")
    r = filler.add_run("")
    r.font.size = Pt(2)
    _tag_paragraph(doc, "{%p endfor %}")

    _tag_paragraph(doc, "{%p if cc %}")
    cc = doc.add_paragraph()
    X.set_paragraph_flags(cc, snap_to_grid=False)
    X.set_exact_spacing(cc, p.banji.line_pitch_pt)
    label_pt = len(p.banji.cc_label) * p.sizes_pt.banji
    X.set_indent(cc, left_pt=ind + label_pt, right_pt=ind, first_line_pt=-label_pt)
    X.set_paragraph_border(cc, "top", thick, p.colors.text)
    X.set_paragraph_border(cc, "bottom", thin, p.colors.text)
    X.set_template_value(cc, "w:pBdr/w:bottom", "w:sz", "{{ cc_bottom_sz }}")
    _banji_run(cc, p.banji.cc_label + "{{ cc }}", p)
    _tag_paragraph(doc, "{%p endif %}")

    _tag_paragraph(doc, "{%p if printer %}")
    pr = doc.add_paragraph()
    X.set_paragraph_flags(pr, snap_to_grid=False)
    X.set_exact_spacing(pr, p.banji.line_pitch_pt)
    X.set_indent(pr, left_pt=ind, right_pt=ind, first_line_pt=0)
    width_pt = p.type_width_mm * PT_PER_MM
    X.set_tab_stops(pr, [("right", width_pt - 2 * ind)])
    X.set_paragraph_border(pr, "top", thick, p.colors.text)
    X.set_template_value(pr, "w:pBdr/w:top", "w:val", "{{ printer_top }}")
    X.set_paragraph_border(pr, "bottom", thick, p.colors.text)
    _banji_run(pr, "{{ printer }}\t{{ print_date }}", p)
    _tag_paragraph(doc, "{%p endif %}")

    out.parent.mkdir(parents=True, exist_ok=True)
    doc.core_properties.author = "paicha"
    doc.core_properties.title = ""
    doc.save(out)
    return out


if __name__ == "__main__":
    print(build(*(sys.argv[1:2] or ["gbt9704"])))
