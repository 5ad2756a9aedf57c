"""A labelled set of other people's documents for `paicha check` (issue 16).

Each document is made the way an office or a tool makes it (Word/WPS habits through python-docx
and raw OOXML: cover pages, 纪要 without 发文字号, 信函, 请示 with 签发人, 目录 and 章/条, pandoc output
with styles missing from styles.xml, LibreOffice font lists, theme fonts, 版记 rules as borders on
empty paragraphs, tables used for layout, "附件1" + spaces, placeholders, dates 2017.4.13, company
reports that are not 公文). Its true violations (rule ids) are written by hand in labels.yaml.

    build_all(out_dir) -> {name: path}
"""
from __future__ import annotations

import copy
import hashlib
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH as AL
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from generators.gongwen.profile import load_profile

FS, HEI, KAI, XBS, SONG = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体"
ORGAN = "晋城市应急管理局"
TITLE = "晋城市应急管理局关于开展危险化学品安全专项检查的通知"
BODY = [
    "为深入贯彻落实全国安全生产电视电话会议精神，有效防范化解危险化学品领域安全风险，市局决定在全市范围内开展危险化学品安全专项检查，现将有关事项通知如下：",
    "一、检查范围",
    "全市危险化学品生产、经营、储存和使用企业，重点是涉及重大危险源的企业。",
    "（一）检查内容。主要检查安全生产责任制落实、重大危险源管控、特殊作业管理等情况。",
    "二、工作要求",
    "各县（市、区）应急管理局要于2023年4月30日前将检查情况报市局危化科。",
]


class Doc:
    """A python-docx document with a conforming page (A4, margins, grid, 仿宋 Normal, page numbers) by default."""

    def __init__(self, page=True, footer=True, normal_font=FS, normal_size=16):
        self.d = Document()
        sec = self.d.sections[0]
        if page:
            prof = load_profile("gbt9704")
            sec.page_width, sec.page_height = Mm(210), Mm(297)
            sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
            grid = sec._sectPr.find(qn("w:docGrid"))
            grid.set(qn("w:type"), "linesAndChars")
            grid.set(qn("w:linePitch"), str(prof.line_pitch_twips))
            grid.set(qn("w:charSpace"), str(prof.char_space))
        normal = self.d.styles["Normal"]
        normal.font.size = Pt(normal_size)
        if normal_font:
            normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), normal_font)
        if footer:
            self.d.settings.element.append(OxmlElement("w:evenAndOddHeaders"))
            self.footers()

    # --- paragraphs ---
    def p(self, text="", font=FS, size=16, align=None, indent=True, color=None, bold=False, pb=False,
          style=None, runs=None, exact=True):
        p = self.d.add_paragraph()
        pf = p.paragraph_format
        if exact:
            pf.line_spacing, pf.space_after = Pt(28.95), Pt(0)
        if align is not None:
            p.alignment = align
        ppr = p._p.get_or_add_pPr()
        if style:
            ps = OxmlElement("w:pStyle")
            ps.set(qn("w:val"), style)
            ppr.insert(0, ps)
        if indent:
            ind = OxmlElement("w:ind")
            ind.set(qn("w:firstLineChars"), "200")
            ppr.append(ind)
        pf.page_break_before = pb
        for t, f in (runs or [(text, font)]):
            r = p.add_run(t)
            r.bold = bold or None
            if size:
                r.font.size = Pt(size)
            if f:
                r._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), f)
            if color:
                r.font.color.rgb = RGBColor.from_string(color)
        return p

    def border(self, p, side, color="000000", sz=8):
        ppr = p._p.get_or_add_pPr()
        pbdr = ppr.find(qn("w:pBdr"))
        if pbdr is None:
            pbdr = OxmlElement("w:pBdr")
            ppr.append(pbdr)
        el = OxmlElement(f"w:{side}")
        for k, v in (("val", "single"), ("sz", str(sz)), ("space", "1"), ("color", color)):
            el.set(qn(f"w:{k}"), v)
        pbdr.append(el)
        return p

    def page_break(self):
        self.d.add_paragraph().add_run().add_break(__import__("docx").enum.text.WD_BREAK.PAGE)

    def footers(self, dash="—", font=SONG, odd=AL.RIGHT, even=AL.LEFT, first=False):
        sec = self.d.sections[0]
        pairs = [(sec.first_page_footer, odd)] if first else [(sec.footer, odd), (sec.even_page_footer, even)]
        for footer, align in pairs:
            p = footer.paragraphs[0]
            p.alignment = align
            for kind, text in (("t", f"{dash} "), ("begin", None), ("instr", " PAGE "), ("separate", None),
                               ("t", "1"), ("end", None), ("t", f" {dash}")):
                r = p.add_run(text if kind == "t" else None)
                r.font.size = Pt(14)
                r._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
                if kind in ("begin", "separate", "end"):
                    fc = OxmlElement("w:fldChar")
                    fc.set(qn("w:fldCharType"), kind)
                    r._r.append(fc)
                elif kind == "instr":
                    it = OxmlElement("w:instrText")
                    it.text = text
                    r._r.append(it)

    # --- parts of a 公文 ---
    def mark(self, text=ORGAN + "文件", color="FF0000", font=XBS):
        return self.p(text, font, 36, AL.CENTER, False, color)

    def docnum(self, text="晋市应急〔2023〕15号", rule=True):
        p = self.p(text, FS, 16, AL.CENTER, False)
        if rule:
            self.border(p, "bottom", "FF0000", 12)
        return p

    def title(self, text=TITLE, font=XBS, align=AL.CENTER):
        return self.p(text, font, 22, align, False)

    def recipients(self, text="各县（市、区）应急管理局："):
        return self.p(text, FS, 16, None, False)

    def body(self, lines=BODY, font=FS, **kw):
        for t in lines:
            self.p(runs=line_runs(t, font), **kw)

    def signature(self, organ=ORGAN, date="2023年4月3日"):
        self.p(organ, FS, 16, AL.RIGHT, False)
        self.p(date, FS, 16, AL.RIGHT, False)

    def note(self, items=("危险化学品企业检查表",)):
        if len(items) == 1:
            self.p("附件：" + items[0])
        else:
            self.p("附件：1." + items[0])
            for i, t in enumerate(items[1:], 2):
                self.p(f"{i}.{t}", indent=False).paragraph_format.left_indent = Pt(80)

    def attachment(self, label="附件", name="危险化学品企业检查表", rows=(("企业名称", "检查项目", "结果"), ("", "", ""))):
        self.p(label, HEI, 16, None, False, pb=True)
        self.p(name, XBS, 22, AL.CENTER, False)
        self.table(rows)

    def table(self, rows, font=FS, size=12):
        t = self.d.add_table(rows=len(rows), cols=len(rows[0]))
        t.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                if text:
                    run = t.cell(r, c).paragraphs[0].add_run(text)
                    run.font.size = Pt(size)
                    run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        return t

    def banji(self, cc="市安委会办公室，市应急管理局各科室。", printed="晋城市应急管理局办公室\t2023年4月3日印发",
              as_empty_borders=False):
        if as_empty_borders:        # rules drawn as borders of empty paragraphs around the text
            self.border(self.p("", indent=False), "bottom", sz=12)
            if cc:
                self.p("抄送：" + cc, FS, 14, None, False)
                self.border(self.p("", indent=False), "bottom", sz=4)
            self.p(printed, FS, 14, None, False)
            self.border(self.p("", indent=False), "top", sz=12)
            return
        if cc:
            self.border(self.p("抄送：" + cc, FS, 14, None, False), "top", sz=12)
        pr = self.border(self.p(printed, FS, 14, None, False), "top", sz=4)
        self.border(pr, "bottom", sz=12)

    def wenjian(self, **skip):
        """A whole conforming 文件格式 公文 (parts left out by name)."""
        if "mark" not in skip:
            self.mark()
        if "docnum" not in skip:
            self.docnum()
        self.title()
        self.recipients()
        self.body()
        if "note" not in skip:
            self.note()
        self.signature()
        if "note" not in skip:
            self.attachment()
        if "banji" not in skip:
            self.banji()
        return self

    def save(self, path: Path, post=None) -> Path:
        self.d.save(path)
        if post:
            rewrite(path, post)
        return path


def line_runs(t: str, font=FS, prefix: str = "") -> list:
    """A body line as runs: a numbered heading (一、 黑体, （一） 楷体) up to its 。/：, the rest in `font`."""
    head = t[:next((i + 1 for i, ch in enumerate(t) if ch in "。："), len(t))]
    level_font = HEI if t.startswith(("一、", "二、", "三、")) else KAI if t.startswith("（") else None
    if level_font is None:
        return [(prefix + t, font)]
    return [(prefix + head, level_font), (t[len(head):], font)]


def rewrite(path: Path, edits: dict) -> None:
    """Apply {part name: fn(bytes) -> bytes} to a saved .docx."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename in edits:
                data = edits[item.filename](data)
            zout.writestr(item, data)
    tmp.replace(path)


# ============================================================================================
# The documents
# ============================================================================================

DOCS = {}


def doc(fn):
    DOCS[fn.__name__] = fn
    return fn


@doc
def wenjian_clean(out):
    return Doc().wenjian().save(out)


@doc
def wenjian_bracket(out):
    d = Doc()
    d.mark(); d.docnum("晋市应急[2023]015号")
    d.title(); d.recipients(); d.body(); d.signature(); d.banji()
    return d.save(out)


@doc
def wenjian_date_zero(out):
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body(); d.signature(date="2023年04月03日"); d.banji()
    return d.save(out)


@doc
def wenjian_date_dots(out):
    """成文日期 typed 2017.4.13 (a habit from spreadsheets)."""
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body(); d.signature(date="2017.4.13"); d.banji()
    return d.save(out)


@doc
def wenjian_date_dashes(out):
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body(); d.signature(date="2023-4-3"); d.banji()
    return d.save(out)


@doc
def wenjian_title_heiti(out):
    d = Doc()
    d.mark(); d.docnum(); d.title(font=HEI); d.recipients(); d.body(); d.signature(); d.banji()
    return d.save(out)


@doc
def wenjian_mark_black(out):
    d = Doc()
    d.mark(color="000000"); d.docnum(); d.title(); d.recipients(); d.body(); d.signature(); d.banji()
    return d.save(out)


@doc
def wenjian_body_songti(out):
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body(font=SONG); d.signature(); d.banji()
    return d.save(out)


@doc
def wenjian_no_redline(out):
    d = Doc()
    d.mark(); d.docnum(rule=False); d.title(); d.recipients(); d.body(); d.signature(); d.banji()
    return d.save(out)


@doc
def wenjian_letter_page(out):
    """Word's default page (Letter, 1 inch margins) left as it was."""
    d = Doc(page=False)
    d.wenjian()
    return d.save(out)


@doc
def wenjian_hyphen_pages(out):
    d = Doc(footer=False)
    d.d.settings.element.append(OxmlElement("w:evenAndOddHeaders"))
    d.footers(dash="-")
    d.wenjian()
    return d.save(out)


@doc
def wenjian_cc_comma(out):
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body(); d.signature()
    d.banji(cc="市安委会办公室,市应急管理局各科室")
    return d.save(out)


@doc
def wenjian_banji_empty_borders(out):
    """版记 rules drawn as borders of empty paragraphs (a common Word habit)."""
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body(); d.signature()
    d.banji(as_empty_borders=True)
    return d.save(out)


@doc
def wenjian_attach_label_spaces(out):
    """"附件1" followed by spaces (and a full-width space), two attachments with forms."""
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body()
    d.note(["危险化学品企业检查表", "检查情况汇总表"])
    d.signature()
    d.attachment("附件1  ", "危险化学品企业检查表")
    d.attachment("附件2　", "检查情况汇总表", rows=(("序号", "县区", "检查企业数"), ("1", "城区", "12")))
    d.banji()
    return d.save(out)


@doc
def wenjian_attach_forms_text(out):
    """An attachment that is a form written as paragraphs (左对齐, 宋体 小四), not a table."""
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body(); d.note(); d.signature()
    d.p("附件 ", HEI, 16, None, False, pb=True)
    d.p("危险化学品企业检查表", XBS, 22, AL.CENTER, False)
    for t in ("企业名称：__________", "检查日期：__________", "检查人员：__________", "检查结论："):
        d.p(t, SONG, 12, None, False, exact=False)
    d.banji()
    return d.save(out)


@doc
def wenjian_placeholders(out):
    """A template with placeholders left in: [发文单位], [日期]."""
    d = Doc()
    d.mark("[发文单位]文件"); d.docnum("[机关代字]〔2023〕X号"); d.title(); d.recipients(); d.body()
    d.signature("[发文单位]", "[日期]")
    d.banji(cc=None, printed="[发文单位]办公室\t[日期]印发")
    return d.save(out)


@doc
def wenjian_font_list(out):
    """LibreOffice writes the font as a list: 仿宋_GB2312;仿宋."""
    d = Doc(normal_font="仿宋_GB2312;仿宋")
    d.mark(); d.docnum(); d.title(); d.recipients()
    d.body(font="仿宋_GB2312;仿宋")
    d.signature(); d.banji()
    return d.save(out)


@doc
def wenjian_theme_fonts(out):
    """Normal takes its East-Asian font from the theme (minorEastAsia), whose Hans face is 仿宋."""
    d = Doc(normal_font=None)
    rf = d.d.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts()
    rf.set(qn("w:eastAsiaTheme"), "minorEastAsia")
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body(font=None); d.signature(); d.banji()

    def theme(data: bytes) -> bytes:
        s = data.decode("utf-8")
        s = s.replace('<a:font script="Hans" typeface="宋体"/>', '<a:font script="Hans" typeface="仿宋"/>')
        return s.encode("utf-8")
    return d.save(out, {"word/theme/theme1.xml": theme})


@doc
def wenjian_theme_dengxian(out):
    """Body left in the theme font 等线 (Word 2016's default): a real body.font violation."""
    d = Doc(normal_font=None)
    d.d.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsiaTheme"), "minorEastAsia")

    def theme(data: bytes) -> bytes:
        return data.decode("utf-8").replace('<a:font script="Hans" typeface="宋体"/>',
                                            '<a:font script="Hans" typeface="等线"/>').encode("utf-8")
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body(font=None); d.signature(); d.banji()
    return d.save(out, {"word/theme/theme1.xml": theme})


@doc
def wenjian_signature_two_lines(out):
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body()
    d.p("晋城市应急管理局", FS, 16, AL.RIGHT, False)
    d.signature("晋城市安全生产委员会办公室")
    d.banji()
    return d.save(out)


@doc
def wenjian_sig_table(out):
    """署名 and 日期 laid out in a borderless two-row table (right column)."""
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body()
    t = d.table((("", ORGAN), ("", "2023年4月3日")), size=16)
    t.style = None
    d.banji()
    return d.save(out)


@doc
def wenjian_body_in_table(out):
    """The whole body typed inside a one-cell table (a layout habit) in 宋体: body.font is true."""
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients()
    t = d.d.add_table(rows=1, cols=1)
    cell = t.cell(0, 0)
    for i, line in enumerate(BODY):
        para = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        r = para.add_run(line)
        r.font.size = Pt(16)
        r._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), SONG)
    d.signature(); d.banji()
    return d.save(out)


@doc
def wenjian_separator_para(out):
    """A separator paragraph of dashes/underscores between body and 署名."""
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body()
    d.border(d.p("", indent=False), "bottom", "000000", 4)
    d.signature(); d.banji()
    return d.save(out)


@doc
def wenjian_header_letterhead(out):
    """The 标志 and red rule drawn in the first-page header (a letterhead template)."""
    d = Doc()
    sec = d.d.sections[0]
    sec.different_first_page_header_footer = True
    hp = sec.first_page_header.paragraphs[0]
    hp.alignment = AL.CENTER
    r = hp.add_run(ORGAN + "文件")
    r.font.size, r.font.color.rgb = Pt(36), RGBColor(0xFF, 0, 0)
    r._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), XBS)
    d.border(hp, "bottom", "FF0000", 12)
    d.footers(first=True)
    d.docnum(rule=False); d.title(); d.recipients(); d.body(); d.signature(); d.banji()
    return d.save(out)


@doc
def qingshi_signer(out):
    """上行文 请示: 发文字号 left and 签发人 right on one line (tab)."""
    d = Doc()
    d.mark()
    p = d.p(runs=[("晋市应急〔2023〕8号", FS), ("\t签发人：", FS), ("王建国", KAI)], indent=False)
    d.border(p, "bottom", "FF0000", 12)
    d.title("晋城市应急管理局关于申请安全生产专项资金的请示")
    d.recipients("市人民政府：")
    d.body(BODY[:1] + ["妥否，请批示。"])
    d.signature()
    d.banji(cc=None)
    return d.save(out)


@doc
def qingshi_signer_bad_number(out):
    d = Doc()
    d.mark()
    p = d.p(runs=[("晋市应急(2023)第8号", FS), ("\t签发人：", FS), ("王建国", KAI)], indent=False)
    d.border(p, "bottom", "FF0000", 12)
    d.title("晋城市应急管理局关于申请安全生产专项资金的请示")
    d.recipients("市人民政府：")
    d.body(BODY[:1] + ["妥否，请批示。"])
    d.signature()
    d.banji(cc=None)
    return d.save(out)


@doc
def xinhan(out):
    """信函格式 (10.1): 标志 without 文件, red double rule, 字号 flush right, no 印发 line."""
    d = Doc()
    d.d.sections[0].different_first_page_header_footer = True     # 信函: no page number on page 1
    p = d.mark(ORGAN)
    p2 = d.p("", indent=False)
    d.border(p2, "bottom", "FF0000", 18)
    p2._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).set(qn("w:val"), "double")     # the double rule it describes
    d.p("晋市应急函〔2023〕21号", FS, 16, AL.RIGHT, False)
    d.title("晋城市应急管理局关于商请提供危险化学品企业名单的函")
    d.recipients("晋城市市场监督管理局：")
    d.body(BODY[:1] + ["请于2023年4月20日前函复。"])
    d.signature()
    return d.save(out)


@doc
def han_plain(out):
    """A 函 in 文件 style with 版记 but no 抄送."""
    d = Doc()
    d.mark(); d.docnum("晋市应急函〔2023〕22号"); d.title("晋城市应急管理局关于商请协助开展联合执法检查的函")
    d.recipients("晋城市公安局："); d.body(BODY[:1] + ["特此函商。"]); d.signature(); d.banji(cc=None)
    return d.save(out)


@doc
def jiyao_no_docnum(out):
    """A 会议纪要 typed as a plain document: title ending 纪要 (not red), no 发文字号, no 主送."""
    d = Doc()
    d.title("市安委会2023年第一次全体会议纪要")
    d.p("2023年3月10日上午，市安委会主任主持召开全体会议，研究部署一季度安全生产工作。纪要如下：")
    d.body(BODY[1:])
    d.p(runs=[("出席：", HEI), ("张某某、李某某、王某某", FS)], indent=False)
    d.p(runs=[("列席：", HEI), ("市应急管理局、市公安局负责同志", FS)], indent=False)
    return d.save(out)


@doc
def jiyao_red_head(out):
    """纪要格式 (10.3): red "××纪要" 标志, red rule, no 发文字号, no 主送, no 署名 (no seal)."""
    d = Doc()
    d.mark("晋城市安全生产委员会会议纪要")
    d.border(d.p("第3期", FS, 16, AL.CENTER, False), "bottom", "FF0000", 12)
    d.title("关于推进危险化学品安全专项整治的会议纪要")
    d.p("2023年3月10日，市安委会副主任主持召开专题会议。现将会议议定事项纪要如下：")
    d.body(BODY[1:])
    d.p(runs=[("出席：", HEI), ("张某某、李某某、王某某", FS)], indent=False)
    d.banji(cc="市委办公室，市政府办公室。", printed="晋城市安全生产委员会办公室\t2023年3月12日印发")
    return d.save(out)


@doc
def minglin(out):
    """命令格式 (10.2): 标志 "××令", 令号 第N号, body, signature with 职务 and name."""
    d = Doc()
    d.mark("晋城市人民政府令")
    d.p("第12号", FS, 16, AL.CENTER, False)
    d.p("《晋城市危险化学品安全管理办法》已经2023年3月20日市人民政府第15次常务会议通过，现予公布，自2023年5月1日起施行。")
    d.p("市长　李某某", FS, 16, AL.RIGHT, False)
    d.p("2023年3月28日", FS, 16, AL.RIGHT, False)
    return d.save(out)


@doc
def cover_page_report(out):
    """A company report with a cover page (company and date on it), then the body after a page break."""
    d = Doc(page=False, footer=False, normal_font=SONG, normal_size=12)
    d.p("山西某某化工有限公司", HEI, 26, AL.CENTER, False, exact=False)
    d.p("2023年度安全生产工作总结", HEI, 22, AL.CENTER, False, exact=False)
    d.p("山西某某化工有限公司安全环保部", SONG, 16, AL.CENTER, False, exact=False)
    d.p("2023年12月28日", SONG, 16, AL.CENTER, False, exact=False)
    d.page_break()
    d.p("一、基本情况", HEI, 14, None, False, exact=False)
    for t in ("公司现有员工320人，设安全环保部专职安全管理人员6人。", "全年未发生生产安全事故。"):
        d.p(t, SONG, 12, exact=False)
    d.p("二、主要工作", HEI, 14, None, False, exact=False)
    d.p("全年开展隐患排查42次，整改隐患156项。", SONG, 12, exact=False)
    return d.save(out)


@doc
def cover_page_gongwen(out):
    """A 公文-styled 方案 with a cover page (organ and date centred) before the 标题 and body."""
    d = Doc()
    d.p(ORGAN, XBS, 26, AL.CENTER, False)
    d.p("2023年4月", FS, 16, AL.CENTER, False)
    d.page_break()
    d.title("晋城市危险化学品安全专项检查工作方案")
    d.body(BODY[1:])
    return d.save(out)


@doc
def company_report(out):
    """A company report that is not a 公文: no 版头, no 主送, Word default page, 宋体 小四."""
    d = Doc(page=False, footer=False, normal_font=SONG, normal_size=12)
    d.p("关于2023年第一季度安全检查情况的报告", HEI, 16, AL.CENTER, False, exact=False)
    for t in ("一季度公司共开展安全检查12次，发现隐患35项，已整改33项。",
              "未整改的2项隐患已制定整改方案，落实资金和责任人。"):
        d.p(t, SONG, 12, exact=False)
    d.p("安全环保部", SONG, 12, AL.RIGHT, False, exact=False)
    d.p("2023年4月5日", SONG, 12, AL.RIGHT, False, exact=False)
    return d.save(out)


@doc
def company_report_zero_date(out):
    d = Doc(page=False, footer=False, normal_font=SONG, normal_size=12)
    d.p("设备检修情况说明", HEI, 16, AL.CENTER, False, exact=False)
    d.p("3号反应釜于4月2日停车检修，4月6日恢复生产。", SONG, 12, exact=False)
    d.p("生产部", SONG, 12, AL.RIGHT, False, exact=False)
    d.p("2023年04月06日", SONG, 12, AL.RIGHT, False, exact=False)
    return d.save(out)


@doc
def guanli_banfa_toc(out):
    """A 管理办法 with a 目录 (TOC field) and 第一章/第一条 structure, no 版头."""
    d = Doc()
    d.title("晋城市危险化学品安全管理办法")
    d.p("目　　录", HEI, 16, AL.CENTER, False)
    for t in ("第一章　总则", "第二章　安全管理", "第三章　附则"):
        d.p(t, FS, 16, None, False)
    d.page_break()
    for ch, arts in (("第一章　总则", ["第一条　为了加强危险化学品安全管理，制定本办法。",
                                     "第二条　本办法适用于本市行政区域内危险化学品的生产、储存、使用和经营。"]),
                     ("第二章　安全管理", ["第三条　企业应当建立健全安全生产责任制。"]),
                     ("第三章　附则", ["第四条　本办法自2023年5月1日起施行。"])):
        d.p(ch, HEI, 16, AL.CENTER, False)
        for a in arts:
            d.p(runs=[(a[:3], HEI), (a[3:], FS)])
    return d.save(out)


def drop_styles(data: bytes, ids=("Title", "FirstParagraph", "BodyText", "Date")) -> bytes:
    """styles.xml without the styles pandoc's paragraphs reference (as when its reference.docx lacks them)."""
    from lxml import etree
    root = etree.fromstring(data)
    for st in root.findall(qn("w:style")):
        if st.get(qn("w:styleId")) in ids:
            root.remove(st)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@doc
def pandoc_output(out):
    """pandoc-like: paragraphs reference Title/BodyText/FirstParagraph styles that styles.xml lacks;
    Word falls back to Normal (仿宋 16 here), so body fonts are fine."""
    d = Doc()
    d.mark(); d.docnum()
    d.p(TITLE, XBS, 22, AL.CENTER, False, style="Title")
    d.p("各县（市、区）应急管理局：", None, None, None, False, style="FirstParagraph")
    d.body(font=None, size=None, style="BodyText")
    d.p(ORGAN, None, None, AL.RIGHT, False, style="BodyText")
    d.p("2023年4月3日", None, None, AL.RIGHT, False, style="Date")
    d.banji()
    return d.save(out, {"word/styles.xml": drop_styles})


@doc
def pandoc_bare(out):
    """pandoc output without any 公文 formatting: Letter page, styles missing, no 版头 (not a 公文)."""
    d = Doc(page=False, footer=False, normal_font=None, normal_size=11)
    d.p("危险化学品安全检查情况", None, None, None, False, style="Title", exact=False)
    for t in ("本次检查覆盖企业45家。", "发现问题已全部反馈企业。"):
        d.p(t, None, None, None, False, style="BodyText", exact=False)
    return d.save(out, {"word/styles.xml": drop_styles})


@doc
def wps_habits(out):
    """WPS habits: 文件 标志 in red, spaces for indents instead of w:ind, 日期 with spaces."""
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients()
    for t in BODY:
        d.p(runs=line_runs(t, prefix="\u3000\u3000"), indent=False)
    d.signature(date="2023年4月3日")
    d.banji()
    return d.save(out)


@doc
def wenjian_attachments_missing_label(out):
    """附件说明 lists two, only 附件1 follows."""
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body()
    d.note(["危险化学品企业检查表", "检查情况汇总表"])
    d.signature()
    d.attachment("附件1", "危险化学品企业检查表")
    d.banji()
    return d.save(out)


@doc
def wenjian_no_page_numbers(out):
    d = Doc(footer=False)
    d.wenjian()
    return d.save(out)


@doc
def wenjian_no_indent(out):
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients()
    d.body(indent=False)
    d.signature(); d.banji()
    return d.save(out)


@doc
def tongbao_fuzhu(out):
    """A 通报 with 附注 （此件公开发布） and a 联系人 line."""
    d = Doc()
    d.mark(); d.docnum("晋市应急〔2023〕31号"); d.title("晋城市应急管理局关于2023年一季度安全生产检查情况的通报")
    d.recipients(); d.body(BODY[:1] + ["全市共检查企业320家，发现隐患1020项，已整改985项。"])
    d.signature()
    d.p("（此件公开发布）")
    d.banji()
    return d.save(out)


@doc
def pianyi_heading_bold(out):
    """一级标题 in bold 仿宋 instead of 黑体 (a real heading.font violation)."""
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients()
    for t in BODY:
        if t.startswith(("一、", "二、")):
            d.p(t, FS, bold=True)
        else:
            d.p(t)
    d.signature(); d.banji()
    return d.save(out)


# --- a second look: written after the first fixes, labelled and measured before any further fix ----------

@doc
def h_head_notes(out):
    """份号, 密级 and 紧急程度 above the 标志 (3号黑体 / 仿宋, flush left)."""
    d = Doc()
    d.p("000123", FS, 16, None, False)
    d.p("机密★1年", HEI, 16, None, False)
    d.p("特急", HEI, 16, None, False)
    d.wenjian()
    return d.save(out)


@doc
def h_word_heading_styles(out):
    """Headings typed with Word's Heading 1 / Heading 2 styles changed to 黑体 / 楷体 16 pt (no direct fonts)."""
    d = Doc()
    for sid, font in (("Heading 1", HEI), ("Heading 2", KAI)):
        st = d.d.styles[sid]
        st.font.size, st.font.bold, st.font.color.rgb = Pt(16), False, RGBColor(0, 0, 0)
        st.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    d.mark(); d.docnum(); d.title(); d.recipients()
    for t in BODY:
        style = "Heading1" if t.startswith(("一、", "二、")) else None
        d.p(t, None if style else FS, style=style) if style else d.p(runs=line_runs(t))
    d.signature(); d.banji()
    return d.save(out)


@doc
def h_chinese_date(out):
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body(); d.signature(date="二〇二三年四月三日"); d.banji()
    return d.save(out)


@doc
def h_two_digit_year(out):
    d = Doc()
    d.mark(); d.docnum("晋市应急〔23〕5号"); d.title(); d.recipients(); d.body(); d.signature(); d.banji()
    return d.save(out)


@doc
def h_red_words(out):
    """A deadline typed in red inside the body."""
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body(BODY[:-1])
    d.p(runs=[("各县（市、区）应急管理局要于", FS)]).add_run("2023年4月30日前").font.color.rgb = RGBColor(0xFF, 0, 0)
    d.signature(); d.banji()
    return d.save(out)


@doc
def h_title_left_colon(out):
    """Title left flush, 主送 ending in a half-width colon."""
    d = Doc()
    d.mark(); d.docnum(); d.title(align=AL.LEFT); d.recipients("各县（市、区）应急管理局:"); d.body(); d.signature()
    d.banji()
    return d.save(out)


@doc
def h_cc_below_print(out):
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body(); d.signature()
    pr = d.border(d.p("晋城市应急管理局办公室\t2023年4月3日印发", FS, 14, None, False), "top", sz=12)
    d.border(d.border(d.p("抄送：市安委会办公室。", FS, 14, None, False), "top", sz=4), "bottom", sz=12)
    return d.save(out)


@doc
def h_margin_in_tolerance(out):
    """Margins 0.5 mm off (within the ±1 mm the standard allows)."""
    d = Doc()
    sec = d.d.sections[0]
    sec.top_margin, sec.left_margin = Mm(37.5), Mm(27.5)
    d.wenjian()
    return d.save(out)


@doc
def h_company_to_bureau(out):
    """A company's 报告 to the bureau: no 版头 but a 主送, body in 宋体 (a 公文-like document with real faults)."""
    d = Doc()
    d.title("山西某某化工有限公司关于隐患整改情况的报告")
    d.recipients("晋城市应急管理局：")
    d.body(BODY[1:], font=SONG)
    d.signature("山西某某化工有限公司", "2023年4月10日")
    return d.save(out)


@doc
def h_caption_table(out):
    """A body table with a centred 黑体 caption 表1 above it."""
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body()
    d.p("表1　检查企业分布", HEI, 16, AL.CENTER, False)
    d.table((("县区", "企业数"), ("城区", "12")))
    d.signature(); d.banji()
    return d.save(out)


@doc
def h_contact_note(out):
    """附注 as a 联系人 line after the date."""
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body(); d.signature()
    d.p("（联系人：张某某，电话：0356-1234567）")
    d.banji()
    return d.save(out)


@doc
def h_jiyao_body_songti(out):
    """A 纪要 (red 标志, 期号) whose body is in 宋体: body.font is true."""
    d = Doc()
    d.mark("晋城市安全生产委员会会议纪要")
    d.border(d.p("第4期", FS, 16, AL.CENTER, False), "bottom", "FF0000", 12)
    d.title("关于加强汛期安全防范工作的会议纪要")
    d.body(BODY[1:], font=SONG)
    d.p(runs=[("出席：", HEI), ("张某某、李某某", FS)], indent=False)
    return d.save(out)


# --- 信函, letterheads in the header and .doc files (tuned on; the n_* documents below are held out) -------

def _vml_line(d: Doc, p, *strokes):
    """VML red lines drawn in paragraph p (WPS / old Word): each stroke (weight pt, linestyle or None)."""
    for weight, style in strokes:
        r = OxmlElement("w:r")
        pict = OxmlElement("w:pict")
        r.append(pict)
        p._p.append(r)
        inner = f'<v:stroke linestyle="{style}"/>' if style else ""
        pict.append(etree.fromstring(f'<v:line xmlns:v="urn:schemas-microsoft-com:vml" from="0,0" to="442pt,0" '
                                     f'strokecolor="#FF0000" strokeweight="{weight}pt">{inner}</v:line>'))
    return p


def _xinhan_t(d: Doc, rule=("double",), num_align=AL.RIGHT, first_page=True, printed=False):
    d.d.sections[0].different_first_page_header_footer = first_page
    p = d.mark(ORGAN)
    if rule[0] == "double":
        _dbl(d, p, val="double")
    elif rule[0] == "vml":
        _vml_line(d, d.p("", indent=False), *rule[1:])
    d.p("晋市应急函〔2023〕30号", FS, 16, num_align, False)
    d.title("晋城市应急管理局关于征求危险化学品安全管理办法修改意见的函")
    d.recipients("晋城市住房和城乡建设局：")
    d.body(BODY[:1] + ["请于2023年5月10日前函复。"])
    d.signature()
    if printed:
        d.banji(cc=None)
    return d


@doc
def xinhan_banji_print(out):
    return _xinhan_t(Doc(), printed=True).save(out)


@doc
def xinhan_first_footer_numbered(out):
    """A 信函 with a different first page whose first footer still holds the page number."""
    d = _xinhan_t(Doc())
    d.footers(first=True)
    return d.save(out)


@doc
def xinhan_vml_single(out):
    return _xinhan_t(Doc(), rule=("vml", (2.25, None))).save(out)


@doc
def xinhan_vml_two_lines(out):
    """The double rule drawn as two VML lines, thick then thin."""
    return _xinhan_t(Doc(), rule=("vml", (3, None), (1, None))).save(out)


@doc
def xinhan_docnum_left(out):
    return _xinhan_t(Doc(), num_align=AL.LEFT).save(out)


@doc
def xinhan_cc_top_rule(out):
    """A 信函 whose 抄送 has the 文件 habit's rule above it."""
    d = _xinhan_t(Doc())
    d.border(d.p("抄送：晋城市人民政府办公室。", FS, 14, None, False), "top", sz=8)
    return d.save(out)


@doc
def header_letterhead_kaiti(out):
    """A 文件 letterhead in the first-page header, red but in 楷体."""
    d = Doc()
    _header_mark(d, font=KAI)
    d.footers(first=True)
    d.docnum(rule=False); d.title(); d.recipients(); d.body(); d.signature(); d.banji()
    return d.save(out)


@doc
def header_letterhead_xinhan_vml(out):
    """A 信函 letterhead: the name in the first-page header over a VML thick-thin rule."""
    d = Doc()
    hp = _header_mark(d, ORGAN, rule=None)
    _vml_line(d, hp, (3, "thickThin"))
    d.p("晋市应急函〔2023〕30号", FS, 16, AL.RIGHT, False)
    d.title("晋城市应急管理局关于征求危险化学品安全管理办法修改意见的函")
    d.recipients("晋城市住房和城乡建设局：")
    d.body(BODY[:1] + ["请于2023年5月10日前函复。"])
    d.signature()
    return d.save(out)


@doc
def doc_cc_comma(out):
    """A .doc whose 抄送 is separated by half-width commas."""
    d = Doc()
    d.mark(); d.docnum(); d.title(); d.recipients(); d.body(); d.signature()
    d.banji(cc="市安委会办公室,市应急管理局各科室")
    return _word_then_doc(out, d)


@doc
def doc_xinhan(out):
    """A 信函 handed round as .doc."""
    return _word_then_doc(out, _xinhan_t(Doc()))


# --- a third look, held out (n_*): written and labelled before any 信函 / letterhead / .doc / WPS / pandoc
# work, measured first, never tuned on ------------------------------------------------------------------

def _dbl(d: Doc, p, side="bottom", val="thickThinSmallGap", sz=24):
    """A red double rule (thick over thin) as a paragraph border."""
    d.border(p, side, "FF0000", sz)
    p._p.get_or_add_pPr().find(qn("w:pBdr")).find(qn(f"w:{side}")).set(qn("w:val"), val)
    return p


def _xinhan(d: Doc, rule="double", num_align=AL.RIGHT, first_page=True, banji=None, mark=True):
    """A 信函: organ name in red 小标宋, the red rule under it, 字号 under the rule, title, 主送, body, 署名/日期."""
    d.d.sections[0].different_first_page_header_footer = first_page
    if mark:
        p = d.mark(ORGAN)
        if rule == "double":
            _dbl(d, p)
        elif rule == "single":
            d.border(p, "bottom", "FF0000", 12)
    d.p("晋市应急函〔2023〕21号", FS, 16, num_align, False)
    d.title("晋城市应急管理局关于商请提供危险化学品企业名单的函")
    d.recipients("晋城市市场监督管理局：")
    d.body(BODY[:1] + ["请于2023年4月20日前函复。"])
    d.signature()
    if banji == "cc":           # 信函's 版记: 抄送 only, no rules
        d.p("抄送：市安委会办公室。", FS, 14, None, False)
    elif banji == "wenjian":    # a 文件-style 版记 with its 印发 line
        d.banji()
    return d


@doc
def n_xinhan_clean(out):
    """信函格式 done right: double rule under the name, 字号 flush right, 抄送 without rules, no 印发, page 1 unnumbered."""
    return _xinhan(Doc(), banji="cc").save(out)


@doc
def n_xinhan_print_line(out):
    """A 信函 given a 文件-style 版记 with the 印发 line (信函 has none)."""
    return _xinhan(Doc(), banji="wenjian").save(out)


@doc
def n_xinhan_page_one_number(out):
    """A 信函 numbering its first page (no different first page)."""
    return _xinhan(Doc(), first_page=False).save(out)


@doc
def n_xinhan_single_rule(out):
    """A 信函 under a single red rule instead of the double one."""
    return _xinhan(Doc(), rule="single").save(out)


@doc
def n_xinhan_number_centred(out):
    """A 信函 whose 字号 is centred under the double rule (should be flush right)."""
    return _xinhan(Doc(), num_align=AL.CENTER).save(out)


def _header_mark(d: Doc, text=ORGAN + "文件", color="FF0000", font=XBS, bold=False, rule="single"):
    """The 标志 (and its red rule) typed into the first-page header, as letterhead templates do."""
    sec = d.d.sections[0]
    sec.different_first_page_header_footer = True
    hp = sec.first_page_header.paragraphs[0]
    hp.alignment = AL.CENTER
    r = hp.add_run(text)
    r.font.size, r.font.color.rgb, r.bold = Pt(36 if text.endswith("文件") else 26), RGBColor.from_string(color), bold or None
    r._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    if rule == "double":
        _dbl(d, hp)
    elif rule:
        d.border(hp, "bottom", "FF0000", 12)
    return hp


@doc
def n_header_letterhead_xinhan(out):
    """A 信函 letterhead template: the organ's name and the red double rule in the first-page header."""
    d = Doc()
    _header_mark(d, ORGAN, rule="double")
    _xinhan(d, rule=None, mark=False)
    return d.save(out)


@doc
def n_header_letterhead_black(out):
    """A 文件 letterhead in the first-page header typed in black bold 宋体 (red rule there too)."""
    d = Doc()
    _header_mark(d, color="000000", font=SONG, bold=True)
    d.footers(first=True)
    d.docnum(rule=False); d.title(); d.recipients(); d.body(); d.signature(); d.banji()
    return d.save(out)


@doc
def n_header_letterhead_draft(out):
    """A 文件 letterhead in the header of a 通知 whose 发文字号 is typed right under it, body in 宋体."""
    d = Doc()
    _header_mark(d)
    d.footers(first=True)
    d.docnum(rule=False); d.title(); d.recipients(); d.body(font=SONG); d.signature(); d.banji()
    return d.save(out)


def _word_then_doc(out: Path, d: Doc) -> Path:
    """A .docx written the Word way, saved as .doc by LibreOffice (what an office mails around)."""
    from generators.office import convert_one

    def word_indents(data: bytes) -> bytes:     # Word stores a character indent in twips as well
        return data.replace(b'<w:ind w:firstLineChars="200"/>', b'<w:ind w:firstLine="640" w:firstLineChars="200"/>')
    src = d.save(out.with_name(out.stem + "_word.docx"), {"word/document.xml": word_indents})
    with zipfile.ZipFile(src) as z:      # by content (the zip's own timestamps change every second)
        key = hashlib.sha256(b"".join(n.encode() + z.read(n) for n in sorted(z.namelist()))).hexdigest()
    target = out.with_suffix(".doc")
    if key not in _DOC_CACHE:           # one LibreOffice call per document and process
        _DOC_CACHE[key] = convert_one(src, "doc", out.parent).read_bytes()
    target.write_bytes(_DOC_CACHE[key])
    src.unlink()
    return target


_DOC_CACHE: dict[str, bytes] = {}


@doc
def n_doc_clean(out):
    """A conforming 文件 handed round as .doc."""
    return _word_then_doc(out, Doc().wenjian())


@doc
def n_doc_faults(out):
    """A .doc whose title is in 黑体 and whose date keeps its zeros."""
    d = Doc()
    d.mark(); d.docnum(); d.title(font=HEI); d.recipients(); d.body(); d.signature(date="2023年04月03日"); d.banji()
    return _word_then_doc(out, d)


def _wps(data: bytes) -> bytes:
    """document.xml the way WPS writes it: every run's fonts also as ascii/hAnsi with hint="eastAsia",
    justified paragraphs, indents in both characters and twips."""
    s = data.decode("utf-8")
    s = re.sub(r'<w:rFonts w:eastAsia="([^"]+)"/>', r'<w:rFonts w:hint="eastAsia" w:ascii="\1" w:hAnsi="\1" w:eastAsia="\1"/>', s)
    s = s.replace('<w:ind w:firstLineChars="200"/>', '<w:ind w:firstLine="640" w:firstLineChars="200"/>')
    return s.encode("utf-8")


def _wps_footer(d: Doc) -> None:
    """WPS page numbers: a frame aligned "outside" (no paragraph alignment) in both footers."""
    d.footers(odd=None, even=None)
    sec = d.d.sections[0]
    for f in (sec.footer, sec.even_page_footer):
        ppr = f.paragraphs[0]._p.get_or_add_pPr()
        fr = OxmlElement("w:framePr")
        for k, v in (("wrap", "around"), ("vAnchor", "text"), ("hAnchor", "margin"), ("xAlign", "outside"), ("y", "1")):
            fr.set(qn(f"w:{k}"), v)
        ppr.insert(0, fr)


def _vml_rule(d: Doc):
    """WPS's red rule: a VML line in an empty paragraph under the 字号."""
    p = d.p("", indent=False)
    r = OxmlElement("w:r")
    pict = OxmlElement("w:pict")
    r.append(pict)
    p._p.append(r)
    pict.append(etree.fromstring('<v:line xmlns:v="urn:schemas-microsoft-com:vml" from="0,0" to="442pt,0" '
                                 'strokecolor="#FF0000" strokeweight="2.25pt"/>'))
    return p


@doc
def n_wps_clean(out):
    """A conforming 文件 saved by WPS: VML red rule, framed page numbers, hinted font lists."""
    d = Doc(footer=False)
    d.d.settings.element.append(OxmlElement("w:evenAndOddHeaders"))
    _wps_footer(d)
    d.mark(); d.docnum(rule=False); _vml_rule(d); d.title(); d.recipients(); d.body(); d.note(); d.signature()
    d.attachment(); d.p("", indent=False); d.banji()
    return d.save(out, {"word/document.xml": _wps})


@doc
def n_wps_faults(out):
    """A WPS 文件 whose （一） heading is bold 仿宋 and whose 抄送 has no closing 。."""
    d = Doc(footer=False)
    d.d.settings.element.append(OxmlElement("w:evenAndOddHeaders"))
    _wps_footer(d)
    d.mark(); d.docnum(rule=False); _vml_rule(d); d.title(); d.recipients()
    for t in BODY:
        if t.startswith("（"):
            d.p(t, FS, bold=True)
        else:
            d.p(runs=line_runs(t))
    d.signature(); d.banji(cc="市安委会办公室，市应急管理局各科室")
    return d.save(out, {"word/document.xml": _wps})


def _style(d: Doc, sid: str, font=None, size=None, bold=None, align=None, indent=None, color=None):
    """A reference.docx style: fonts set explicitly (theme attributes dropped)."""
    st = next(s for s in d.d.styles if s.style_id == sid)
    rpr = st.element.get_or_add_rPr()
    rf = rpr.get_or_add_rFonts()
    for a in list(rf.attrib):
        del rf.attrib[a]
    if font:
        rf.set(qn("w:eastAsia"), font)
    if size:
        st.font.size = Pt(size)
    st.font.bold = bold
    st.font.color.rgb = RGBColor.from_string(color or "000000")
    pf = st.paragraph_format
    pf.alignment = align
    pf.line_spacing, pf.space_before, pf.space_after = Pt(28.95), Pt(0), Pt(0)
    if indent:
        ppr = st.element.get_or_add_pPr()
        ind = OxmlElement("w:ind")
        ind.set(qn("w:firstLineChars"), "200")
        ppr.append(ind)
    return st


@doc
def n_pandoc_reference(out):
    """pandoc with a 公文 reference.docx: Title/Heading1/BodyText styles, custom styles for 标志, 字号 and
    署名; after each heading pandoc writes a FirstParagraph, which the reference left unindented."""
    d = Doc()
    _style(d, "Title", XBS, 22, False, AL.CENTER)
    _style(d, "Heading1", HEI, 16, False)
    _style(d, "BodyText", FS, 16, False, indent=True)
    fp = d.d.styles.add_style("First Paragraph", 1)
    fp.base_style = d.d.styles["Body Text"]
    fp.element.set(qn("w:styleId"), "FirstParagraph")
    ppr = fp.element.get_or_add_pPr()
    ind = OxmlElement("w:ind")
    ind.set(qn("w:firstLineChars"), "0")
    ppr.append(ind)
    d.mark(); d.docnum()
    d.p(TITLE, None, None, None, False, style="Title")
    d.p("各县（市、区）应急管理局：", None, None, None, False, style="FirstParagraph")
    prev_heading = False
    for t in BODY:
        heading = t.startswith(("一、", "二、"))
        style = "Heading1" if heading else "FirstParagraph" if prev_heading else "BodyText"
        d.p(t, None, None, None, False, style=style)
        prev_heading = heading
    d.p(ORGAN, None, None, AL.RIGHT, False, style="BodyText").paragraph_format.first_line_indent = Pt(0)
    d.p("2023年4月3日", None, None, AL.RIGHT, False, style="BodyText").paragraph_format.first_line_indent = Pt(0)
    d.banji()
    return d.save(out)


@doc
def n_pandoc_draft(out):
    """pandoc output of a 公文 draft with no reference.docx and styles.xml lacking its styles: Letter page,
    Normal (theme font, 11 pt) everywhere, a 主送 but no 版头 and no page numbers."""
    d = Doc(page=False, footer=False, normal_font=None, normal_size=11)
    d.p(TITLE, None, None, None, False, style="Title", exact=False)
    d.p("各县（市、区）应急管理局：", None, None, None, False, style="FirstParagraph", exact=False)
    for t in BODY:
        d.p(t, None, None, None, False, style="BodyText", exact=False)
    d.p(ORGAN, None, None, None, False, style="BodyText", exact=False)
    d.p("2023年4月3日", None, None, None, False, style="Date", exact=False)
    return d.save(out, {"word/styles.xml": drop_styles})


# --- a fourth look (m_*): written after the 信函 / letterhead work, labelled and measured once before any fix ----

WPS_SHAPE = ('<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:drawing>'
             '<wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
             'distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" locked="0" '
             'layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
             '<wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>'
             '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
             '<wp:extent cx="5615940" cy="0"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
             '<wp:docPr id="9" name="直接连接符 9"/><wp:cNvGraphicFramePr/>'
             '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
             '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
             '<wps:wsp xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:cNvCnPr/>'
             '<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5615940" cy="0"/></a:xfrm>'
             '<a:prstGeom prst="line"><a:avLst/></a:prstGeom>'
             '<a:ln w="57150" cmpd="{cmpd}"><a:solidFill><a:srgbClr val="FF0000"/></a:solidFill></a:ln></wps:spPr>'
             '<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>')


@doc
def m_xinhan_drawn_rule(out):
    """A 信函 whose double rule is a DrawingML connector (compound thick-thin) anchored under the name."""
    d = Doc()
    d.d.sections[0].different_first_page_header_footer = True
    d.mark(ORGAN)
    d.p("", indent=False)._p.append(etree.fromstring(WPS_SHAPE.replace("{cmpd}", "thickThin")))
    d.p("晋市应急函〔2023〕40号", FS, 16, AL.RIGHT, False)
    d.title("晋城市应急管理局关于商请派员参加联合检查的函")
    d.recipients("晋城市消防救援支队：")
    d.body(BODY[:1] + ["特此函商。"])
    d.signature()
    return d.save(out)


@doc
def m_xinhan_header_table(out):
    """A 信函 letterhead typed as a one-cell table in the first-page header, the cell's bottom border a red double line."""
    d = Doc()
    sec = d.d.sections[0]
    sec.different_first_page_header_footer = True
    hdr = sec.first_page_header
    t = hdr.add_table(1, 1, Mm(156))
    cp = t.cell(0, 0).paragraphs[0]
    cp.alignment = AL.CENTER
    r = cp.add_run(ORGAN)
    r.font.size, r.font.color.rgb = Pt(30), RGBColor(0xFF, 0, 0)
    r._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), XBS)
    tcpr = t.cell(0, 0)._tc.get_or_add_tcPr()
    tcpr.append(etree.fromstring('<w:tcBorders xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                                 '<w:bottom w:val="thickThinSmallGap" w:sz="24" w:space="0" w:color="FF0000"/></w:tcBorders>'))
    d.p("晋市应急函〔2023〕41号", FS, 16, AL.RIGHT, False)
    d.title("晋城市应急管理局关于商请提供执法检查计划的函")
    d.recipients("晋城市交通运输局：")
    d.body(BODY[:1] + ["请予支持。"])
    d.signature()
    return d.save(out)


@doc
def m_letterhead_no_rule(out):
    """A 文件 letterhead in the first-page header without any red rule."""
    d = Doc()
    _header_mark(d, rule=None)
    d.footers(first=True)
    d.docnum(rule=False); d.title(); d.recipients(); d.body(); d.signature(); d.banji()
    return d.save(out)


@doc
def m_xinhan_cc_ruled(out):
    """A 信函 whose 抄送 is drawn with the 文件's 版记 rules (10.1: a 信函's 版记 has none)."""
    d = _xinhan(Doc())
    d.border(d.border(d.p("抄送：市安委会办公室。", FS, 14, None, False), "top", sz=12), "bottom", sz=12)
    return d.save(out)


@doc
def m_xinhan_vml_thinthick(out):
    """A 信函 saved by WPS: the double rule a VML line with a thin-thick stroke, page numbers in frames."""
    d = Doc(footer=False)
    d.d.settings.element.append(OxmlElement("w:evenAndOddHeaders"))
    _wps_footer(d)
    d.d.sections[0].different_first_page_header_footer = True
    d.mark(ORGAN)
    _vml_line(d, d.p("", indent=False), (3, "thinThick"))
    d.p("晋市应急函〔2023〕42号", FS, 16, AL.RIGHT, False)
    d.title("晋城市应急管理局关于商请核实企业信息的函")
    d.recipients("晋城市市场监督管理局：")
    d.body(BODY[:1] + ["请于2023年5月20日前函复。"])
    d.signature()
    return d.save(out, {"word/document.xml": _wps})


@doc
def m_jiyao_letterhead(out):
    """A 纪要 whose red "××会议纪要" 标志 and rule sit in the first-page header, 期号 in the body."""
    d = Doc()
    _header_mark(d, "晋城市安全生产委员会会议纪要")
    d.footers(first=True)
    d.p("第5期", FS, 16, AL.CENTER, False)
    d.title("关于部署汛期安全生产工作的会议纪要")
    d.p("2023年5月8日，市安委会副主任主持召开专题会议。现将会议议定事项纪要如下：")
    d.body(BODY[1:])
    d.p(runs=[("出席：", HEI), ("张某某、李某某", FS)], indent=False)
    return d.save(out)


# --- a fifth look (p_*): written after the fourth look's fix, labelled and measured once before any fix -------

def _running_header(d: Doc, text: str, size=20, color="FF0000", first_only=False) -> None:
    """A company letterhead line in the header (every page, or the first page only)."""
    sec = d.d.sections[0]
    if first_only:
        sec.different_first_page_header_footer = True
    hp = (sec.first_page_header if first_only else sec.header).paragraphs[0]
    hp.alignment = AL.CENTER
    r = hp.add_run(text)
    r.font.size, r.font.color.rgb = Pt(size), RGBColor.from_string(color)
    r._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), HEI)


@doc
def p_company_header_report(out):
    """A company report (no 主送) under a red company letterhead repeated in every page's header."""
    d = Doc(page=False, footer=False, normal_font=SONG, normal_size=12)
    _running_header(d, "山西某某化工有限公司")
    d.p("2023年一季度安全检查情况", HEI, 16, AL.CENTER, False, exact=False)
    for t in ("一季度公司共开展安全检查12次，发现隐患35项，已整改33项。", "未整改的2项隐患已制定整改方案。"):
        d.p(t, SONG, 12, exact=False)
    return d.save(out)


@doc
def p_company_letter_to_bureau(out):
    """A company's 报告 to the bureau on its first-page letterhead (red, no 字号), set as a 公文 draft."""
    d = Doc()
    _running_header(d, "山西某某化工有限公司", size=26, first_only=True)
    d.footers(first=True)
    d.title("山西某某化工有限公司关于隐患整改情况的报告")
    d.recipients("晋城市应急管理局：")
    d.body(BODY[1:])
    d.signature("山西某某化工有限公司", "2023年4月10日")
    return d.save(out)


@doc
def p_xinhan_with_attachment(out):
    """A 信函 with an 附件说明 and a form on its own page."""
    d = Doc()
    d.d.sections[0].different_first_page_header_footer = True
    _dbl(d, d.mark(ORGAN))
    d.p("晋市应急函〔2023〕50号", FS, 16, AL.RIGHT, False)
    d.title("晋城市应急管理局关于商请提供企业名单的函")
    d.recipients("晋城市市场监督管理局：")
    d.body(BODY[:1] + ["请按附件格式于2023年5月30日前函复。"])
    d.note()
    d.signature()
    d.attachment()
    d.p("", indent=False)
    return d.save(out)


@doc
def p_xinhan_long_body(out):
    """A 信函 whose body runs onto a second page (numbered there, not on page 1)."""
    d = Doc()
    d.d.sections[0].different_first_page_header_footer = True
    _dbl(d, d.mark(ORGAN))
    d.p("晋市应急函〔2023〕51号", FS, 16, AL.RIGHT, False)
    d.title("晋城市应急管理局关于商请协助做好危险化学品运输安全监管的函")
    d.recipients("晋城市交通运输局：")
    d.body(BODY * 3 + ["特此函商。"])
    d.signature()
    d.p("抄送：市安委会办公室。", FS, 14, None, False)
    return d.save(out)


@doc
def p_jiyao_dated(out):
    """A 纪要 closing with its date (no 署名), red 标志, 期号, 版记."""
    d = Doc()
    d.mark("晋城市安全生产委员会会议纪要")
    d.border(d.p("第6期", FS, 16, AL.CENTER, False), "bottom", "FF0000", 12)
    d.title("关于部署安全生产月活动的会议纪要")
    d.p("2023年5月20日，市安委会副主任主持召开专题会议。现将会议议定事项纪要如下：")
    d.body(BODY[1:])
    d.p(runs=[("出席：", HEI), ("张某某、李某某", FS)], indent=False)
    d.p("2023年5月22日", FS, 16, AL.RIGHT, False)
    d.banji(cc="市委办公室，市政府办公室。", printed="晋城市安全生产委员会办公室\t2023年5月22日印发")
    return d.save(out)


@doc
def p_wps_doc(out):
    """A WPS-made 文件 (VML rule, framed page numbers) handed round as .doc, its date with zeros."""
    d = Doc(footer=False)
    d.d.settings.element.append(OxmlElement("w:evenAndOddHeaders"))
    _wps_footer(d)
    d.mark(); d.docnum(rule=False); _vml_rule(d); d.title(); d.recipients(); d.body()
    d.signature(date="2023年04月03日"); d.banji()
    return _word_then_doc(out, d)


def build_all(out_dir: Path) -> dict[str, Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return {name: fn(out_dir / f"{name}.docx") for name, fn in DOCS.items()}


if __name__ == "__main__":
    import sys
    for name, path in build_all(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus_out")).items():
        print(path)
