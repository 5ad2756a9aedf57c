#!/usr/bin/env python3
"""Build the enforcement-document templates (docxtpl) reproducibly:

    .venv/bin/python templates/build_order_templates.py

- order_zhiling.docx  责令限期整改指令书 (应急责改)
- order_fucha.docx    整改复查意见书     (应急复查)
- order_jiancha.docx  现场检查记录       (应急检记)
- order_xianjue.docx  现场处理措施决定书 (应急现决)

Wording follows the national 式样 of 2016 (原国家安全生产监督管理总局安全生产行政执法
文书) with the post-2018 应急 prefix, 6个月 for litigation and 行政复议 to the people's
government at the same level (revised 行政复议法, 2024-01-01). The current 应急管理部
式样 could not be verified: all fixed wording is plain text in these .docx files, so
an office can edit it in Word (keep each {{ }} / {%p %} tag inside one run).

Context: `a` = templates/authority.yaml, `o` = the document, its fields named in the kind's data file
(templates/kinds/*.yaml, rendered by generators/documents.py). Every form keeps its main page to one
page; the items that do not fit (o.cont_items) go to a 附页 (continuation_page).
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generators.gongwen import ooxml as X  # noqa: E402

# fonts as Windows names (see TOOLCHAIN.md: LibreOffice maps them via generators/fonts)
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"
XIAO_ER = Pt(18)      # 小二
XIAO_SI = Pt(12)      # 小四
WU_HAO = Pt(10.5)     # 五号
LINE = Pt(20)         # exact line pitch of the body


# --- fonts and rules (the XML itself is in generators/gongwen/ooxml.py) --------------------

def set_run_font(run, name: str, size) -> None:
    run.font.size = size
    run.font.name = name
    X.set_run_fonts(run, name)


def underline_cell(cell) -> None:
    """A blank signature/number field that stays a printed line when empty."""
    X.set_cell_border(cell, "bottom", width_pt=0.75)


# --- paragraphs -----------------------------------------------------------------------------

def para(doc, text: str = "", *, font=BODY_FONT, size=XIAO_SI, align=None, indent_chars: float = 0,
         bold=False, before=0, after=0, exact=LINE, page_break_before=False, keep_next=False, keep_lines=False):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    if align is not None:
        p.alignment = align
    if exact is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = exact
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if indent_chars:
        fmt.first_line_indent = Pt(size.pt * indent_chars)
    if page_break_before:
        fmt.page_break_before = True
    if keep_next:
        fmt.keep_with_next = True
    if keep_lines:
        fmt.keep_together = True
    if text:
        run = p.add_run(text)
        set_run_font(run, font, size)
        run.bold = bold
    return p


def tag(doc, text: str):
    """A paragraph holding only a {%p %} tag (docxtpl removes the paragraph)."""
    return para(doc, text, exact=None)


def header(doc, title: str) -> None:
    """（简称）安全生产行政执法文书, the double rule, the title, the number."""
    p = para(doc, "（{{ a.short_name }}）安全生产行政执法文书", font=TITLE_FONT, size=XIAO_ER,
             align=WD_ALIGN_PARAGRAPH.CENTER, exact=Pt(30), after=4)
    X.set_paragraph_border(p, "bottom", width_pt=1.5, space_pt=4, val="double")
    para(doc, title, font=TITLE_FONT, size=XIAO_ER, align=WD_ALIGN_PARAGRAPH.CENTER, exact=Pt(30), before=8)
    para(doc, "{{ o.number }}", align=WD_ALIGN_PARAGRAPH.RIGHT, after=6)


def item_paragraphs(doc, items_var: str) -> None:
    """Numbered problems 1．… with the optional 依据 line under each: an item is never split across pages
    (keep lines together) nor parted from its 依据 (keep with next)."""
    tag(doc, f"{{%p for it in {items_var} %}}")
    tag(doc, "{%p if o.show_basis %}")
    para(doc, "{{ it.no }}．{{ it.text }}", indent_chars=2, keep_next=True, keep_lines=True)
    para(doc, "{{ it.basis }}", indent_chars=3, size=WU_HAO, exact=Pt(18), keep_lines=True)
    tag(doc, "{%p else %}")
    para(doc, "{{ it.no }}．{{ it.text }}", indent_chars=2, keep_lines=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")


def signature_table(doc, rows: list[tuple]) -> None:
    """Label, a ruled blank for the handwritten signature (the officer's name printed in it when known),
    and 证号 (pre-printed when known). A row is (label, cert) or (label, cert, name)."""
    table = doc.add_table(rows=len(rows), cols=4)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    X.set_table_borders(table, "nil")
    # the label (17 characters of 小四 and the cell margins) needs 7.6 cm, 证号： 1.7 cm
    widths = (Cm(7.7), Cm(3.0), Cm(1.8), Cm(3.3))
    for col, w in zip(table.columns, widths):
        col.width = w
    for r, (label, cert, *name) in enumerate(rows):
        cells = table.rows[r].cells
        for c, w in enumerate(widths):
            cells[c].width = w
        texts = (label, name[0] if name else "", "证号：" if cert is not None else "", cert or "")
        for c, text in enumerate(texts):
            p = cells[c].paragraphs[0]
            p.paragraph_format.space_before = Pt(6)
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            p.paragraph_format.line_spacing = LINE
            if c == 1:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if text:
                set_run_font(p.add_run(text), BODY_FONT, XIAO_SI)
        underline_cell(cells[1])
        if cert is not None:
            underline_cell(cells[3])


def seal_and_date(doc) -> None:
    para(doc, "（印章）", align=WD_ALIGN_PARAGRAPH.RIGHT, before=10)
    para(doc, "{{ o.date_cn }}", align=WD_ALIGN_PARAGRAPH.RIGHT)


def footer_line(doc, text: str) -> None:
    p = para(doc, text, size=WU_HAO, before=8)
    X.set_paragraph_border(p, "top", width_pt=0.5, space_pt=4)


def officer_rows(label: str, names: bool = True) -> list[tuple]:
    """The two officers' rows: 证号 pre-printed, and the name in the signature blank (`names`)."""
    return [(label, f"{{{{ o.officers[{i}].cert_no }}}}") + ((f"{{{{ o.officers[{i}].name }}}}",) if names else ())
            for i in (0, 1)]


def overflow_note(doc, blank_form_note: bool = False) -> None:
    """"此栏不够" under the items when some went to the 附页 (the 式样's bare note on a blank form)."""
    tag(doc, "{%p if o.continued %}")
    para(doc, "（此栏不够，可另附页。第{{ o.cont_range }}项见附页）", indent_chars=2)
    if blank_form_note:
        tag(doc, "{%p else %}")
        para(doc, "（此栏不够，可另附页）", indent_chars=2)
    tag(doc, "{%p endif %}")


def continuation_page(doc, title: str, unit_label: str, heading: str, items, signer: str, names: bool = True) -> None:
    """附页 on a new page: title, number, the unit, the items that did not fit, signatures, date.
    `items(doc, var)` writes the item paragraphs of the list `var`."""
    tag(doc, "{%p if o.continued %}")
    para(doc, f"{title}（附页）", font=TITLE_FONT, size=Pt(16), align=WD_ALIGN_PARAGRAPH.CENTER,
         exact=Pt(28), page_break_before=True)
    para(doc, "{{ o.number }}", align=WD_ALIGN_PARAGRAPH.RIGHT, after=6)
    para(doc, f"{unit_label}：{{{{ o.enterprise }}}}")
    para(doc, f"{heading}（续）：", indent_chars=2)
    items(doc, "o.cont_items")
    signature_table(doc, officer_rows("安全生产监管行政执法人员（签名）：", names) + [(signer, None)])
    para(doc, "{{ o.date_cn }}", align=WD_ALIGN_PARAGRAPH.RIGHT, before=10)
    tag(doc, "{%p endif %}")


def plain_items(doc, items_var: str) -> None:
    """Numbered items 1．… without a 依据 line."""
    tag(doc, f"{{%p for it in {items_var} %}}")
    para(doc, "{{ it.no }}．{{ it.text }}", indent_chars=2)
    tag(doc, "{%p endfor %}")


def new_document():
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(2.5), Cm(2.2)
    sec.left_margin, sec.right_margin = Cm(2.7), Cm(2.5)
    sec.start_type = WD_SECTION.NEW_PAGE
    normal = doc.styles["Normal"]
    normal.font.size = XIAO_SI
    normal.font.name = BODY_FONT
    X.style_fonts(normal, BODY_FONT)
    # python-docx's default document starts with no paragraph; nothing to remove
    return doc


# --- the three documents ------------------------------------------------------------------------

def build_zhiling(out: Path) -> Path:
    doc = new_document()
    header(doc, "责令限期整改指令书")
    para(doc, "{{ o.enterprise }}：")
    para(doc, "经查，你单位存在下列问题：", indent_chars=2)
    item_paragraphs(doc, "o.problems")
    overflow_note(doc)
    tag(doc, "{%p for d in o.deadlines %}")
    para(doc, "{{ d.text }}", indent_chars=2)           # the sentence: generators/order.py DEADLINE_SENTENCE
    tag(doc, "{%p endfor %}")
    para(doc, "整改期间，你单位应当采取措施，确保安全生产。对安全生产违法行为，将依法予以行政处罚。", indent_chars=2)
    para(doc, "如果不服本指令，可以依法在60日内向{{ a.government }}申请行政复议，或者在6个月内依法向"
              "{{ a.court }}提起行政诉讼，但本指令不停止执行，法律另有规定的除外。", indent_chars=2)
    signature_table(doc, officer_rows("安全生产监管行政执法人员（签名）：")
                    + [("被检查单位负责人（签名）：", None)])
    seal_and_date(doc)
    footer_line(doc, "本文书一式两份：一份由{{ a.filing }}备案，一份交被检查单位。")
    continuation_page(doc, "责令限期整改指令书", "被检查单位", "存在问题", item_paragraphs, "被检查单位负责人（签名）：")
    doc.save(out)
    return out


def build_fucha(out: Path) -> Path:
    doc = new_document()
    header(doc, "整改复查意见书")
    para(doc, "{{ o.enterprise }}：")
    para(doc, "本机关于{{ o.order_date_cn }}作出了责令限期整改指令书的决定［{{ o.order_number }}］，"
              "经对你单位整改情况进行复查，提出如下意见：", indent_chars=2)
    recheck_items(doc, "o.problems")
    overflow_note(doc)
    tag(doc, "{%p if o.failed %}")
    para(doc, "上述第{{ o.failed }}项问题未整改，你单位应当立即整改；对安全生产违法行为，将依法予以处理。", indent_chars=2)
    tag(doc, "{%p else %}")
    para(doc, "经复查，上述问题已整改完毕。", indent_chars=2)
    tag(doc, "{%p endif %}")
    signature_table(doc, officer_rows("安全生产监管行政执法人员（签名）：")
                    + [("被复查单位负责人（签名）：", None)])
    seal_and_date(doc)
    footer_line(doc, "本文书一式两份：一份由{{ a.filing }}备案，一份交被复查单位。")
    continuation_page(doc, "整改复查意见书", "被复查单位", "复查意见", recheck_items, "被复查单位负责人（签名）：")
    doc.save(out)
    return out


def recheck_items(doc, items_var: str) -> None:
    tag(doc, f"{{%p for it in {items_var} %}}")
    para(doc, "{{ it.no }}．{{ it.text }}——{{ it.result }}。", indent_chars=2)
    tag(doc, "{%p endfor %}")


def build_jiancha(out: Path) -> Path:
    doc = new_document()
    header(doc, "现场检查记录")
    rows = [("被检查单位", "{{ o.enterprise }}"), ("地址", "{{ o.address }}"),
            ("法定代表人（负责人）", "{{ o.principal }}　职务：{{ o.title }}　联系电话：{{ o.phone }}"),
            ("检查场所", "{{ o.place }}"),
            ("检查时间", "{{ o.time }}")]
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    for col, w in zip(table.columns, (Cm(4.2), Cm(11.6))):
        col.width = w
    for r, (label, value) in enumerate(rows):
        cells = table.rows[r].cells
        cells[0].width, cells[1].width = Cm(4.2), Cm(11.6)
        for c, text in enumerate((label, value)):
            set_run_font(cells[c].paragraphs[0].add_run(text), TABLE_FONT, XIAO_SI)
    para(doc, "我们是{{ a.name }}行政执法人员{{ o.officers[0].name }}、{{ o.officers[1].name }}，证件号码为"
              "{{ o.officers[0].cert_no }}、{{ o.officers[1].cert_no }}，这是我们的证件（出示证件）。"
              "现依法对你单位进行现场检查，请予配合。", indent_chars=2, before=6)
    para(doc, "检查情况：", indent_chars=2)
    plain_items(doc, "o.problems")
    overflow_note(doc, blank_form_note=True)
    signature_table(doc, officer_rows("检查人员（签名）：", names=False)    # named in the introduction above
                    + [("被检查单位现场负责人（签名）：", None)])
    para(doc, "{{ o.date_cn }}", align=WD_ALIGN_PARAGRAPH.RIGHT, before=10)
    footer_line(doc, "本文书一式两份：一份由{{ a.filing }}备案，一份交被检查单位。")
    continuation_page(doc, "现场检查记录", "被检查单位", "检查情况", plain_items, "被检查单位现场负责人（签名）：",
                      names=False)
    doc.save(out)
    return out


def build_xianjue(out: Path) -> Path:
    """现场处理措施决定书: the 2016 式样's fixed text; the measures are those of 《安全生产法》第六十五条
    第一款第（三）项 (and 停产停业整顿 where the law provides it), listed in templates/kinds/xianjue.yaml."""
    doc = new_document()
    header(doc, "现场处理措施决定书")
    para(doc, "被处理单位：{{ o.enterprise }}")
    para(doc, "地址：{{ o.address }}")
    para(doc, "法定代表人（负责人）：{{ o.principal }}　职务：{{ o.title }}　联系电话：{{ o.phone }}")
    para(doc, "本机关于{{ o.inspected_cn }}在现场检查时，发现你单位有下列违法违规行为和事故隐患：",
         indent_chars=2, before=6)
    plain_items(doc, "o.problems")
    overflow_note(doc)
    para(doc, "依据{{ o.basis }}的规定，现作出如下现场处理决定：", indent_chars=2)
    plain_items(doc, "o.measures")
    para(doc, "如果不服本决定，可以依法在60日内向{{ a.government }}申请行政复议，或者在6个月内依法向"
              "{{ a.court }}提起行政诉讼，但本决定不停止执行，法律另有规定的除外。", indent_chars=2)
    signature_table(doc, officer_rows("安全生产监管行政执法人员（签名）：")
                    + [("被处理单位负责人（签名）：", None)])
    seal_and_date(doc)
    footer_line(doc, "本文书一式两份：一份由{{ a.filing }}备案，一份交被处理单位。")
    continuation_page(doc, "现场处理措施决定书", "被处理单位", "违法违规行为和事故隐患", plain_items,
                      "被处理单位负责人（签名）：")
    doc.save(out)
    return out


BUILDERS = {"order_zhiling.docx": build_zhiling, "order_fucha.docx": build_fucha,
            "order_jiancha.docx": build_jiancha, "order_xianjue.docx": build_xianjue}


def build_all(outdir: Path = HERE) -> list[Path]:
    return [build(outdir / name) for name, build in BUILDERS.items()]


if __name__ == "__main__":
    for path in build_all():
        print(f"已生成模板：{path}")
