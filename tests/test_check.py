"""GB/T 9704 checker: a correct 公文 (rendered by the engine) passes; one planted violation per rule is found.

Each plant edits the rendered .docx XML the way a user's Word session would
(wrong margin, 黑体 title, [2023], 2023年03月02日, hyphen page numbers, …) and
asserts that exactly that rule (and nothing unrelated) is reported.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from generators.gongwen.check import check_file, fix_doc_number, format_report
from schema.dates import find_date as parse_date, fix_dates
from schema.marks import mark_level as heading_level
from generators.gongwen.model import Attachment, BodyPara, BodyTable, Gongwen

ROOT = Path(__file__).resolve().parent.parent
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


GONGWEN = Gongwen(
    organs=["晋城市城区发展和改革局"],
    doc_number="城发改字〔2023〕15号",
    title="晋城市城区发展和改革局关于开展安全生产大排查大整治行动的通知",
    recipients="各相关企业",
    body=[
        "为认真贯彻落实省、市、区领导指示批示和安全生产工作会议精神，区发改（能源）局决定开展安全生产大排查大整治行动，现将有关事项通知如下：",
        "一、目标要求",
        "坚持人民至上、生命至上，强化重点行业领域安全生产风险隐患排查整治，形成“排查—整改—回查”全闭环工作流程。",
        "（一）五级联查。实行区级领导带头查、监管部门重点查、镇（街道）定期查、村（社区）巡回查、企业全面查的工作机制。",
        "1.企业全面查：认真落实企业主体责任，企业法定代表人要严格履行安全生产第一责任人责任。",
        "（1）建立完善全员安全责任制，制定并落实安全生产责任清单。",
        BodyPara(runs=[("二、工作要求", False)]),
        BodyTable(rows=[["职务", "姓名", "单位及职务"], ["组长", "冯晓伟", "区委常委、常务副区长"],
                        ["副组长", "赵强", "区政府办正科级干部"], ["", "杜阳阳", "区发改（能源）局局长"]],
                  merges=[(2, 0, 2, 1)]),
        "各企业要于2023年3月15日前完成自查，报区发改（能源）局安全股。",
    ],
    signature=["晋城市城区发展和改革局"],
    date=dt.date(2023, 3, 2),
    note="此件公开发布",
    attachments=[
        Attachment(name="企业安全生产自查表", blocks=[BodyTable(rows=[["检查项目", "检查内容", "检查结果"],
                                                                  ["安全管理", "安全生产责任制是否健全", ""]])]),
        Attachment(name="安全隐患排查整治统计表", blocks=[BodyTable(rows=[["序号", "单位", "排查隐患（项）"],
                                                                     ["1", "", ""]])]),
    ],
    cc=["区安委办", "区应急管理局"],
    printer="晋城市城区发展和改革局办公室",
    print_date=dt.date(2023, 3, 2),
)


def build_reference(gw: Gongwen, out: Path) -> Path:
    """A conforming 公文 built independently of the renderer with plain python-docx (a second implementation)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH as AL
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor
    from generators.gongwen.profile import load_profile

    prof = load_profile("gbt9704")
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    grid = sec._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(prof.line_pitch_twips))
    grid.set(qn("w:charSpace"), str(prof.char_space))
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    settings = doc.settings.element
    settings.append(OxmlElement("w:evenAndOddHeaders"))

    def para(runs, align=None, indent=True, size=16, pb=False):
        p = doc.add_paragraph()
        pf = p.paragraph_format
        pf.line_spacing, pf.space_after = Pt(28.95), Pt(0)
        if align is not None:
            p.alignment = align
        if indent:
            ind = OxmlElement("w:ind")
            ind.set(qn("w:firstLineChars"), "200")
            p._p.get_or_add_pPr().append(ind)
        pf.page_break_before = pb
        for text, font, bold in runs:
            r = p.add_run(text)
            r.bold, r.font.size = bold, Pt(size)
            r._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        return p

    def border(p, side, color="000000", sz=8):
        pbdr = OxmlElement("w:pBdr")
        el = OxmlElement(f"w:{side}")
        for k, v in (("val", "single"), ("sz", str(sz)), ("space", "1"), ("color", color)):
            el.set(qn(f"w:{k}"), v)
        pbdr.append(el)
        p._p.get_or_add_pPr().append(pbdr)

    def table(bt):
        t = doc.add_table(rows=len(bt.rows), cols=len(bt.rows[0]))
        t.style = "Table Grid"
        for r, row in enumerate(bt.rows):
            for c, text in enumerate(row):
                if text:
                    t.cell(r, c).paragraphs[0].add_run(text)
        for r, c, rs, cs in bt.merges:
            t.cell(r, c).merge(t.cell(r + rs - 1, c + cs - 1))

    fs, hei, kai, xbs = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"
    mark = para([(gw.organs[0] + "文件", xbs, False)], AL.CENTER, False, 40)
    for r in mark.runs:
        r.font.color.rgb = RGBColor(0xFF, 0, 0)
    border(para([(gw.doc_number, fs, False)], AL.CENTER, False), "bottom", "FF0000")
    para([(gw.title, xbs, False)], AL.CENTER, False, 22)
    para([(gw.recipients + "：", fs, False)], indent=False)
    for b in gw.body:
        if isinstance(b, BodyTable):
            table(b)
            continue
        text = b if isinstance(b, str) else b.text
        head = text[:next((i + 1 for i, ch in enumerate(text) if ch in "。："), len(text))]
        font = {1: hei, 2: kai}.get(heading_level(text), fs)
        para([(head, font, False), (text[len(head):], fs, False)])
    para([("附件：1.企业安全生产自查表", fs, False)])
    para([("2.安全隐患排查整治统计表", fs, False)])
    para([(gw.signature[0], fs, False)], AL.RIGHT, False)
    para([("2023年3月2日", fs, False)], AL.RIGHT, False)
    para([("（此件公开发布）", fs, False)])
    for n, att in enumerate(gw.attachments, 1):
        para([(f"附件{n}", hei, False)], indent=False, pb=True)
        para([(att.name, xbs, False)], AL.CENTER, False, 22)
        table(att.blocks[0])
    cc = para([("抄送：" + "，".join(gw.cc) + "。", fs, False)], indent=False, size=14)
    border(cc, "top")
    pr = para([(gw.printer + "\t2023年3月2日印发", fs, False)], indent=False, size=14)
    border(pr, "top", sz=4)
    border(pr, "bottom")
    for footer, align in ((sec.footer, AL.RIGHT), (sec.even_page_footer, AL.LEFT)):
        p = footer.paragraphs[0]
        p.alignment = align
        for kind, text in (("t", "— "), ("begin", None), ("instr", " PAGE "), ("separate", None), ("t", "1"),
                           ("end", None), ("t", " —")):
            r = p.add_run(text if kind == "t" else None)
            r.font.size = Pt(14)
            r._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
            if kind in ("begin", "separate", "end"):
                fc = OxmlElement("w:fldChar")
                fc.set(qn("w:fldCharType"), kind)
                r._r.append(fc)
            elif kind == "instr":
                it = OxmlElement("w:instrText")
                it.text = text
                r._r.append(it)
    doc.save(out)
    return out


@pytest.fixture(scope="session", params=["reference", "render"])
def good(request, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("check") / f"{request.param}.docx"
    if request.param == "reference":
        return build_reference(GONGWEN, out)
    from generators.gongwen.render import render
    return render(GONGWEN, out)


# --- planting ----------------------------------------------------------------------------------

def plant(src: Path, dst: Path, edits: dict) -> Path:
    """Copy a .docx applying {part name or "footers": fn(root)} to the parsed XML parts."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            key = "footers" if re.fullmatch(r"word/footer\d*\.xml", item.filename) else item.filename
            if key in edits:
                root = etree.fromstring(data)
                edits[key](root) if key != "footers" else edits[key](root, item.filename, zin)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(item, data)
    return dst


def ptext(p) -> str:
    return "".join(t.text or "" for t in p.iter(w("t")))


def para(root, startswith: str):
    """The first paragraph whose text starts with `startswith` (spaces ignored)."""
    for p in root.iter(w("p")):
        if re.sub(r"\s", "", ptext(p)).startswith(startswith):
            return p
    raise AssertionError(f"no paragraph starting {startswith!r}")


def set_font(p, name: str) -> None:
    for r in p.iter(w("r")):
        rpr = r.find(w("rPr"))
        if rpr is None:
            rpr = etree.SubElement(r, w("rPr"))
            r.insert(0, rpr)
        f = rpr.find(w("rFonts"))
        if f is None:
            f = etree.Element(w("rFonts"))
            rpr.insert(0, f)
        for a in list(f.attrib):
            if "eastAsia" in a:
                del f.attrib[a]
        f.set(w("eastAsia"), name)


def set_color(p, color: str) -> None:
    for r in p.iter(w("r")):
        rpr = r.find(w("rPr"))
        if rpr is None:
            rpr = etree.Element(w("rPr"))
            r.insert(0, rpr)
        c = rpr.find(w("color"))
        if c is None:
            c = etree.SubElement(rpr, w("color"))
        c.set(w("val"), color)


def replace_text(root, old: str, new: str) -> None:
    hit = False
    for t in root.iter(w("t")):
        if t.text and old in t.text:
            t.text = t.text.replace(old, new)
            hit = True
    assert hit, f"text {old!r} not found"


def replace_date(root, old: str, new: str, first_only: bool = True) -> None:
    """Replace a date that the renderer may have split over several runs."""
    for p in root.iter(w("p")):
        if ptext(p).strip() == old:
            ts = [t for t in p.iter(w("t")) if t.text]
            ts[0].text = new
            for t in ts[1:]:
                t.text = ""
            return
    raise AssertionError(f"date line {old!r} not found")


def remove_red_rule(root) -> None:
    for el in list(root.iter(w("top"), w("bottom"), w("between"))):
        if el.get(w("color"), "").upper() in ("FF0000", "RED") and el.getparent().tag == w("pBdr"):
            el.getparent().remove(el)


def remove_page_breaks(root) -> None:
    for el in list(root.iter(w("pageBreakBefore"))):
        el.getparent().remove(el)
    for br in list(root.iter(w("br"))):
        if br.get(w("type")) == "page":
            br.getparent().remove(br)
    for st in root.iter(w("type")):
        if st.getparent().tag == w("sectPr"):
            st.set(w("val"), "continuous")


def remove_banji_rules(root) -> None:
    for el in list(root.iter(w("pBdr"))):
        if not any(b.get(w("color"), "").upper() == "FF0000" for b in el):
            el.getparent().remove(el)


def set_pgmar(attr: str, twips: int):
    def f(root):
        for m in root.iter(w("pgMar")):
            m.set(w(attr), str(twips))
    return f


def set_line_pitch(root) -> None:
    for s in root.iter(w("spacing")):
        if s.get(w("lineRule")) == "exact" and s.getparent().tag == w("pPr"):
            s.set(w("line"), "640")
    for g in root.iter(w("docGrid")):
        g.set(w("linePitch"), "640")


def set_char_space(root) -> None:
    for g in root.iter(w("docGrid")):
        g.set(w("charSpace"), "0")
    for sp in list(root.iter(w("spacing"))):
        if sp.getparent().tag == w("rPr"):
            sp.getparent().remove(sp)


def footers(fn):
    """An edit applied to every footer part."""
    return lambda root, name, zin: fn(root)


def even_footer(fn):
    """An edit applied to the even-page footer only."""
    def edit(root, name, zin):
        doc = etree.fromstring(zin.read("word/document.xml"))
        rels = etree.fromstring(zin.read("word/_rels/document.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels}
        even = {target[ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")]
                for ref in doc.iter(w("footerReference")) if ref.get(w("type")) == "even"}
        if name.split("/")[-1] in even:
            fn(root)
    return edit


def set_jc(p, val: str) -> None:
    ppr = p.find(w("pPr"))
    if ppr is None:
        ppr = etree.Element(w("pPr"))
        p.insert(0, ppr)
    jc = ppr.find(w("jc"))
    if jc is None:
        jc = etree.SubElement(ppr, w("jc"))
    jc.set(w("val"), val)


def drop(p) -> None:
    p.getparent().remove(p)


def no_indent(p) -> None:
    for ind in p.iter(w("ind")):
        for a in list(ind.attrib):
            if "firstLine" in a:
                del ind.attrib[a]
        ind.set(w("firstLine"), "0")


def remove_page_field(root) -> None:
    for el in list(root.iter(w("instrText"), w("fldChar"), w("fldSimple"))):
        el.getparent().remove(el)


def move_cc_below_print_line(root) -> None:
    cc, printed = para(root, "抄送"), para(root, "晋城市城区发展和改革局办公室")
    printed.addnext(cc)


D = "word/document.xml"
PLANTS = {
    # rule id: (edits, other rule ids the same edit may reasonably cause)
    "page.margin": ({D: set_pgmar("top", 1440)}, {"grid.lines"}),
    "page.size": ({D: lambda r: [s.set(w("h"), "15840") or s.set(w("w"), "12240") for s in r.iter(w("pgSz"))]},
                  {"grid.lines", "grid.chars"}),
    "grid.lines": ({D: set_line_pitch}, set()),
    "grid.chars": ({D: set_char_space}, set()),
    "body.font": ({D: lambda r: set_font(para(r, "坚持人民至上"), "宋体")}, set()),
    "body.indent": ({D: lambda r: no_indent(para(r, "坚持人民至上"))}, set()),
    "color.text": ({D: lambda r: set_color(para(r, "坚持人民至上"), "FF0000")}, set()),
    "title.font": ({D: lambda r: set_font(para(r, "晋城市城区发展和改革局关于"), "黑体")}, set()),
    "title.align": ({D: lambda r: set_jc(para(r, "晋城市城区发展和改革局关于"), "left")}, set()),
    "heading.font": ({D: lambda r: set_font(para(r, "一、目标要求"), "仿宋_GB2312")}, set()),
    "heading.runin": ({D: lambda r: set_font(para(r, "（一）五级联查"), "楷体_GB2312")}, set()),
    "recipients.colon": ({D: lambda r: replace_text(r, "各相关企业：", "各相关企业:")}, set()),
    "docnum.bracket": ({D: lambda r: replace_text(r, "〔2023〕", "[2023]")}, set()),
    "docnum.zero": ({D: lambda r: replace_text(r, "〕15号", "〕015号")}, set()),
    "docnum.di": ({D: lambda r: replace_text(r, "〕15号", "〕第15号")}, set()),
    "docnum.hao": ({D: lambda r: replace_text(r, "〕15号", "〕15")}, set()),
    "mark.color": ({D: lambda r: set_color(para(r, "晋城市城区发展和改革局文件"), "000000")}, set()),
    "mark.font": ({D: lambda r: set_font(para(r, "晋城市城区发展和改革局文件"), "宋体")}, set()),
    "redline.missing": ({D: remove_red_rule}, set()),
    "date.zero": ({D: lambda r: replace_date(r, "2023年3月2日", "2023年03月02日")}, set()),
    "date.numerals": ({D: lambda r: replace_date(r, "2023年3月2日", "二〇二三年三月二日")}, set()),
    "footer.oddeven": ({"word/settings.xml": lambda r: [e.getparent().remove(e) for e in list(r.iter(w("evenAndOddHeaders")))]},
                       set()),
    "footer.dash": ({"footers": footers(lambda r: [setattr(t, "text", t.text.replace("—", "-"))
                                                     for t in r.iter(w("t")) if t.text])}, set()),
    "footer.align": ({"footers": even_footer(lambda r: [set_jc(p, "right") for p in r.iter(w("p"))])}, set()),
    "footer.font": ({"footers": footers(lambda r: [set_font(p, "黑体") for p in r.iter(w("p"))] and
                                        [f.set(w("ascii"), "黑体") for f in r.iter(w("rFonts"))])}, set()),
    "banji.print_line": ({D: lambda r: drop(para(r, "晋城市城区发展和改革局办公室"))}, {"banji.lines"}),
    "banji.lines": ({D: remove_banji_rules}, set()),
    "banji.cc_punct": ({D: lambda r: replace_text(r, "区应急管理局。", "区应急管理局")}, set()),
    "banji.font": ({D: lambda r: set_font(para(r, "抄送"), "宋体")}, set()),
    "attach.pagebreak": ({D: remove_page_breaks}, set()),
    "attach.punct": ({D: lambda r: replace_text(r, "企业安全生产自查表", "企业安全生产自查表；")}, set()),
    "attach.label": ({D: lambda r: replace_text(para(r, "附件2"), "附件2", "附表")}, set()),
    "attach.label_font": ({D: lambda r: set_font(para(r, "附件1"), "宋体")}, set()),
    "attach.numbering": ({D: lambda r: replace_text(para(r, "2.安全隐患"), "2.", "3.")}, set()),
    "mark.align": ({D: lambda r: set_jc(para(r, "晋城市城区发展和改革局文件"), "left")}, set()),
    "docnum.year": ({D: lambda r: replace_text(r, "〔2023〕", "〔23〕")}, set()),
    "heading.font#2": ({D: lambda r: set_font(para(r, "（一）五级联查"), "黑体")}, {"body.font"}),
    "footer.page_field": ({"footers": footers(remove_page_field)}, set()),
    "banji.order": ({D: move_cc_below_print_line}, {"banji.lines"}),
}


def test_rendered_notice_is_clean(good):
    problems = check_file(good)
    assert problems == [], format_report(good, problems)
    assert format_report(good, problems).endswith("未发现问题")


@pytest.mark.parametrize("rule", sorted(PLANTS))
def test_planted_violation_is_found(good, tmp_path, rule):
    edits, allowed = PLANTS[rule]
    bad = plant(good, tmp_path / "planted.docx", edits)
    rule = rule.split("#")[0]
    problems = check_file(bad)
    ids = {p.rule for p in problems}
    assert rule in ids, format_report(bad, problems)
    assert ids <= {rule} | allowed, format_report(bad, problems)
    hit = next(p for p in problems if p.rule == rule)
    assert hit.message and hit.where and re.search(r"[\u4e00-\u9fff]", hit.message)


# GB/T 9704 margins in mm and their Chinese names; the standard allows ±1 mm either way.
MARGINS = {"top": (37, "上边距"), "bottom": (35, "下边距"), "left": (28, "左边距"), "right": (26, "右边距")}


def _twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


@pytest.mark.parametrize("side", sorted(MARGINS))
@pytest.mark.parametrize("delta", [2.0, -2.0])
def test_margin_out_of_tolerance_either_way(good, tmp_path, side, delta):
    """A margin 2 mm too wide is as wrong as one 2 mm too narrow, on every side."""
    want, name = MARGINS[side]
    bad = plant(good, tmp_path / "margin.docx", {D: set_pgmar(side, _twips(want + delta))})
    problems = check_file(bad)
    hits = [p.message for p in problems if p.rule == "page.margin"]     # once per section
    assert hits, format_report(bad, problems)
    assert all(m.startswith(name) and f"实为 {want + delta:.1f} 毫米" in m for m in hits), hits
    assert {p.rule for p in problems} <= {"page.margin", "grid.lines", "grid.chars"}


@pytest.mark.parametrize("side", sorted(MARGINS))
def test_margin_within_tolerance_is_clean(good, tmp_path, side):
    want, _ = MARGINS[side]
    for delta in (0.8, -0.8):
        ok = plant(good, tmp_path / "margin.docx", {D: set_pgmar(side, _twips(want + delta))})
        assert "page.margin" not in {p.rule for p in check_file(ok)}, (side, delta)


def test_unformatted_draft_reports_every_group():
    draft = ROOT / "samples" / "word_drafts" / "draft_fagai.docx"
    ids = {p.rule for p in check_file(draft)}
    for rule in ("page.size", "page.margin", "grid.lines", "grid.chars", "mark.color", "docnum.bracket",
                 "redline.missing", "title.font", "body.font", "heading.font", "date.zero",
                 "footer.oddeven", "banji.lines"):
        assert rule in ids


def test_report_groups_repeated_rules():
    draft = ROOT / "samples" / "word_drafts" / "draft_fagai.docx"
    problems = check_file(draft)
    text = format_report(draft, problems)
    assert text.splitlines()[0].endswith(f"发现 {len(problems)} 处问题")
    assert "另有" in text and "body.indent" in text


def test_non_docx_is_input_error(tmp_path):
    from schema.errors import InputError
    bad = tmp_path / "x.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="x.docx：文件已损坏"):
        check_file(bad)
    other = tmp_path / "x.txt"
    other.write_text("通知", encoding="utf-8")
    with pytest.raises(InputError, match="只能检查 .docx、.doc 或 .wps"):
        check_file(other)


def test_text_helpers():
    assert fix_doc_number("晋市安委发[2024]第06号") == "晋市安委发〔2024〕6号"
    assert fix_doc_number("南政发（2023）14") == "南政发〔2023〕14号"
    assert fix_dates("2023年03月02日") == "2023年3月2日"
    assert fix_dates("二〇二三年十二月二十五日") == "2023年12月25日"
    assert parse_date("２０２４年２月６日印发") == (2024, 2, 6)


NOTICES = sorted((ROOT / "samples" / "notices").glob("*.md"))


@pytest.mark.parametrize("draft", NOTICES, ids=[d.stem for d in NOTICES])
def test_notice_samples_are_clean(draft, tmp_path):
    from generators.gongwen.notice import notice
    out = notice(draft, tmp_path / (draft.stem + ".docx"))
    problems = check_file(out)
    assert problems == [], format_report(out, problems)


def test_there_are_notice_samples():
    assert len(NOTICES) >= 5


# --- captions: 表N above a table, 图N below a picture -------------------------------------------

@pytest.fixture(scope="session")
def captioned(tmp_path_factory) -> Path:
    """The notice with a captioned table, a captioned picture and a plain paragraph right before a table."""
    import dataclasses

    from PIL import Image

    from generators.gongwen.model import BodyImage
    from generators.gongwen.render import render
    d = tmp_path_factory.mktemp("caption")
    png = d / "chart.png"
    Image.new("RGB", (300, 150), "white").save(png)
    rows = [["职务", "姓名"], ["组长", "冯晓伟"]]
    gw = dataclasses.replace(GONGWEN, body=GONGWEN.body[:3] + [
        BodyTable(rows=rows, title="表1　领导小组成员"),
        "各企业要于2023年3月15日前完成自查，并按下表报送联系人。",
        BodyTable(rows=rows),
        BodyImage(png, width_mm=80, caption="图1　隐患整改情况"),
        "请各单位认真贯彻落实。",
    ])
    return render(gw, d / "captioned.docx")


def test_captions_pass_the_checker(captioned):
    problems = check_file(captioned)
    assert problems == [], format_report(captioned, problems)
    root = etree.fromstring(zipfile.ZipFile(captioned).read("word/document.xml"))
    for text, nxt in (("表1领导小组成员", w("tbl")), ("图1隐患整改情况", None)):
        p = para(root, text)
        assert p.find(f"{w('pPr')}/{w('jc')}").get(w("val")) == "center"
        assert p.find(f"{w('pPr')}/{w('ind')}").get(w("firstLine")) == "0"
        assert {f.get(w("eastAsia")) for f in p.iter(w("rFonts"))} == {"黑体"}
        if nxt:     # kept on the page of its table
            assert p.getnext().tag == nxt
            assert p.find(f"{w('pPr')}/{w('keepNext')}").get(w("val")) == "1"
        else:       # the picture above it is kept with it
            assert p.getprevious().find(f"{w('pPr')}/{w('keepNext')}").get(w("val")) == "1"


CAPTION_PLANTS = {   # what is planted → the rule that must be reported
    "body.font": lambda r: set_font(para(r, "各企业要于2023年3月15日前完成自查"), "宋体"),  # body text right before a table
    "body.font#centred": lambda r: (set_jc(para(r, "请各单位认真贯彻落实"), "center"),         # centred, but not by a table
                                    set_font(para(r, "请各单位认真贯彻落实"), "黑体")),
    "caption.font": lambda r: set_font(para(r, "表1领导小组成员"), "微软雅黑"),
    "caption.color": lambda r: set_color(para(r, "图1隐患整改情况"), "FF0000"),
}


@pytest.mark.parametrize("rule", sorted(CAPTION_PLANTS))
def test_body_rules_still_apply_next_to_tables(captioned, tmp_path, rule):
    bad = plant(captioned, tmp_path / "planted.docx", {"word/document.xml": CAPTION_PLANTS[rule]})
    problems = check_file(bad)
    assert {p.rule for p in problems} == {rule.split("#")[0]}, format_report(bad, problems)


# --- documents as Word and WPS write them ----------------------------------------------------------
# Each fixture edits the conforming reference (python-docx, Word's own template: theme, numbering part,
# styles) the way Word or WPS stores the same content, and the checker must see the same 公文.

WNS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
       'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
       'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
       'xmlns:v="urn:schemas-microsoft-com:vml"')
LEVELS = [("chineseCounting", "%1、", "黑体"), ("chineseCounting", "（%2）", "楷体_GB2312"),    # %N: level N's counter
          ("decimal", "%3.", None), ("decimal", "（%4）", None)]


def xml(fragment: str):
    """One element from an XML fragment written with the w:/a:/wps:/v: prefixes."""
    end = re.match(r"\s*<[\w:]+", fragment).end()
    return etree.fromstring(fragment[:end] + " " + WNS + fragment[end:])


def add_numbering(root, fonts: bool = True) -> None:
    """numbering.xml: the 公文 heading list 一、/（一）/1./（1） (abstractNum 90, num 90), as Word's list dialog writes it."""
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="640"/></w:pPr>'
        + (f'<w:rPr><w:rFonts w:ascii="{font}" w:eastAsia="{font}" w:hint="eastAsia"/></w:rPr>' if font and fonts else "")
        + "</w:lvl>" for i, (fmt, text, font) in enumerate(LEVELS))
    root.insert(0, xml(f'<w:abstractNum w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>'))
    root.append(xml('<w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))


def number_headings(root) -> None:
    """Literal 一、/（一）/1./（1） prefixes → w:numPr of list 90 (the heading text keeps its runs)."""
    for p in list(root.iter(w("p"))):
        text = ptext(p)
        level = heading_level(text)
        if not level or "统计表" in text:      # not the 附件说明 item "2.安全隐患排查整治统计表"
            continue
        prefix = re.match(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.．]|[（(]\d+[）)])", text).group(1)
        t = next(t for t in p.iter(w("t")) if t.text)
        t.text = t.text[len(prefix):]
        ppr = p.find(w("pPr"))
        for ind in ppr.findall(w("ind")):
            ppr.remove(ind)
        ppr.append(xml(f'<w:numPr><w:ilvl w:val="{level - 1}"/><w:numId w:val="90"/></w:numPr>'))


def test_word_numbering_gives_displayed_numbers(good_reference, tmp_path):
    from generators.gongwen.check import DocxView
    doc = plant(good_reference, tmp_path / "num.docx", {D: number_headings, "word/numbering.xml": add_numbering})
    texts = [item.text for kind, item, _ in DocxView(doc).blocks() if kind == "p" and item.numbered]
    assert [t[:4] for t in texts] == ["一、目标", "（一）五", "1.企业", "（1）建", "二、工作"], texts
    problems = check_file(doc)
    assert problems == [], format_report(doc, problems)
    # the heading text typed in 仿宋 is still a level-1 heading: 黑体 is required
    doc = plant(good_reference, tmp_path / "num2.docx", {
        D: lambda r: (number_headings(r), set_font(para(r, "目标要求"), "仿宋_GB2312")), "word/numbering.xml": add_numbering})
    problems = check_file(doc)
    assert {p.rule for p in problems} == {"heading.font"}, format_report(doc, problems)
    assert "一、目标要求" in problems[0].message
    # the number itself takes the paragraph's font when the list level sets none: 仿宋 “一、” is reported
    doc = plant(good_reference, tmp_path / "num3.docx", {
        D: number_headings, "word/numbering.xml": lambda r: add_numbering(r, fonts=False)})
    problems = check_file(doc)
    assert {p.rule for p in problems} == {"heading.font"} and len(problems) == 3, format_report(doc, problems)


def test_format_turns_word_numbering_into_text(tmp_path):
    from generators.gongwen.reformat import format_document, recognise
    draft = ROOT / "samples" / "word_drafts" / "draft_numbered.docx"
    gw = recognise(draft)
    texts = [b if isinstance(b, str) else b.text for b in gw.body if not isinstance(b, BodyTable)]
    for head in ("一、目标要求", "二、工作措施", "（一）五级联查", "（二）严格执法", "1.企业全面查", "2.镇（街道）定期查",
                 "（1）建立", "三、工作要求"):
        assert any(t.startswith(head) for t in texts), (head, texts)
    out = format_document(draft, tmp_path / "formatted.docx")
    root = etree.fromstring(zipfile.ZipFile(out).read("word/document.xml"))
    assert next(root.iter(w("numPr")), None) is None
    assert para(root, "一、目标要求") is not None and para(root, "（二）严格执法") is not None
    problems = check_file(out)
    assert problems == [], format_report(out, problems)
    assert "heading.font" in {p.rule for p in check_file(draft)}     # the draft's 宋体 headings are found


@pytest.fixture(scope="session")
def good_reference(tmp_path_factory) -> Path:
    return build_reference(GONGWEN, tmp_path_factory.mktemp("ref") / "reference.docx")


def _mark_cell(text: str, red: bool = True, font: str = "方正小标宋简体", extra: str = "") -> str:
    color = '<w:color w:val="FF0000"/>' if red else ""
    return (f'<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/>{extra}<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:jc w:val="distribute"/></w:pPr>'
            f'<w:r><w:rPr><w:rFonts w:ascii="{font}" w:eastAsia="{font}" w:hint="eastAsia"/>{color}<w:sz w:val="72"/></w:rPr>'
            f"<w:t>{text}</w:t></w:r></w:p></w:tc>")


def joint_mark_table(first_red: bool = True, font: str = "方正小标宋简体"):
    """联合行文 as Word users make it: a borderless 2×2 table, names left, 文件 right (merged down)."""
    def edit(root):
        mark = para(root, "晋城市城区发展和改革局文件")
        restart, cont = '<w:vMerge w:val="restart"/>', "<w:vMerge/>"
        rows = (_mark_cell("晋城市城区应急管理局", first_red, font) + _mark_cell("文件", True, font, restart),
                _mark_cell("晋城市城区发展和改革局", True, font) + _mark_cell("", True, font, cont))
        tbl = xml('<w:tbl><w:tblPr><w:tblW w:w="8800" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>'
                  '<w:top w:val="nil"/><w:bottom w:val="nil"/><w:insideH w:val="nil"/></w:tblBorders></w:tblPr>'
                  '<w:tblGrid><w:gridCol w:w="6800"/><w:gridCol w:w="2000"/></w:tblGrid>'
                  + "".join(f"<w:tr>{r}</w:tr>" for r in rows) + "</w:tbl>")
        mark.addprevious(tbl)
        mark.getparent().remove(mark)
    return edit


def _textbox_para(text: str, red: bool = True) -> str:
    color = '<w:color w:val="FF0000"/>' if red else ""
    return (f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:rFonts w:eastAsia="方正小标宋简体" w:hint="eastAsia"/>'
            f'{color}<w:sz w:val="96"/></w:rPr><w:t>{text}</w:t></w:r></w:p>')


def mark_in_textbox(red: bool = True):
    """The 标志 in a floating text box (WordArt-like), DrawingML with its VML fallback, as Word 2010+ saves it."""
    def edit(root):
        mark = para(root, "晋城市城区发展和改革局文件")
        text = ptext(mark)
        inner = _textbox_para(text, red)
        anchor = xml(
            '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor behindDoc="0" distT="0" distB="0" '
            'distL="0" distR="0" simplePos="0" locked="0" layoutInCell="1" allowOverlap="1" relativeHeight="1">'
            '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>'
            '<wp:positionV relativeFrom="margin"><wp:posOffset>1260000</wp:posOffset></wp:positionV>'
            '<wp:extent cx="5600000" cy="900000"/><wp:wrapTopAndBottom/><wp:docPr id="5" name="文本框 5"/>'
            '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            '<wps:wsp><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5600000" cy="900000"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>'
            f'<wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>'
            '</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>'
            '<v:shape id="文本框 5" type="#_x0000_t202" style="position:absolute;width:441pt;height:71pt" stroked="f">'
            f'<v:textbox><w:txbxContent>{inner}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>'
            '</mc:AlternateContent></w:r>')
        for r in mark.findall(w("r")):
            mark.remove(r)
        mark.append(anchor)
    return edit


BOXED_MARKS = {   # edit → the rules it must cause, how many times
    "table": (joint_mark_table(), set(), 0),
    "table_black": (joint_mark_table(first_red=False), {"mark.color"}, 1),    # one name left black
    "table_songti": (joint_mark_table(font="宋体"), {"mark.font"}, 3),        # each of the three cells
    "textbox": (mark_in_textbox(), set(), 0),
    "textbox_black": (mark_in_textbox(red=False), {"mark.color"}, 1),         # the VML copy is not counted twice
}


@pytest.mark.parametrize("case", sorted(BOXED_MARKS))
def test_mark_in_table_or_text_box(good_reference, tmp_path, case):
    edit, want, count = BOXED_MARKS[case]
    doc = plant(good_reference, tmp_path / "mark.docx", {D: edit})
    problems = check_file(doc)
    assert {p.rule for p in problems} == want, format_report(doc, problems)
    assert len(problems) == count, format_report(doc, problems)
    if want:
        assert "文本框" in problems[0].where or "表格" in problems[0].where


def _without_red_border(root):
    remove_red_rule(root)
    return para(root, "城发改字")


def rule_as_shape(kind: str, color: str = "FF0000"):
    """The 版头 red rule drawn instead of a paragraph border: DrawingML line, VML line, or a table's bottom border."""
    def edit(root):
        num = _without_red_border(root)
        if kind == "drawingml":
            num.append(xml(
                '<w:r><w:drawing><wp:anchor behindDoc="0" distT="0" distB="0" distL="0" distR="0" simplePos="0" locked="0" '
                'layoutInCell="1" allowOverlap="1" relativeHeight="2"><wp:simplePos x="0" y="0"/>'
                '<wp:positionH relativeFrom="margin"><wp:posOffset>0</wp:posOffset></wp:positionH>'
                '<wp:positionV relativeFrom="paragraph"><wp:posOffset>400000</wp:posOffset></wp:positionV>'
                '<wp:extent cx="5616000" cy="0"/><wp:wrapNone/><wp:docPr id="7" name="直接连接符 7"/><a:graphic>'
                '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
                '<wps:cNvCnPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5616000" cy="0"/></a:xfrm>'
                f'<a:prstGeom prst="line"><a:avLst/></a:prstGeom><a:ln w="12700"><a:solidFill><a:srgbClr val="{color}"/>'
                '</a:solidFill></a:ln></wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor>'
                '</w:drawing></w:r>'))
        elif kind == "vml":      # older Word / WPS: anchored in the empty first paragraph of the page
            first = next(root.iter(w("p")))
            first.addprevious(xml(
                f'<w:p><w:r><w:pict><v:line id="直线 3" from="0,216pt" to="442pt,216pt" strokecolor="{color}" '
                'strokeweight="1pt"/></w:pict></w:r></w:p>'))
        elif kind == "table":    # 字号 in a one-cell table whose bottom border is the rule
            tbl = xml('<w:tbl><w:tblPr><w:tblW w:w="8844" w:type="dxa"/><w:tblBorders><w:top w:val="nil"/>'
                      '<w:left w:val="nil"/><w:right w:val="nil"/>'
                      f'<w:bottom w:val="single" w:sz="12" w:space="0" w:color="{color}"/></w:tblBorders></w:tblPr>'
                      '<w:tblGrid><w:gridCol w:w="8844"/></w:tblGrid><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>')
            num.addnext(tbl)
    return edit


@pytest.mark.parametrize("kind", ["drawingml", "vml", "table"])
def test_red_rule_drawn_as_shape_or_border(good_reference, tmp_path, kind):
    doc = plant(good_reference, tmp_path / "rule.docx", {D: rule_as_shape(kind)})
    problems = check_file(doc)
    assert problems == [], format_report(doc, problems)
    doc = plant(good_reference, tmp_path / "black.docx", {D: rule_as_shape(kind, "000000")})
    assert {p.rule for p in check_file(doc)} == {"redline.missing"}


def _strip_run_fonts(root, startswith: str, keep_hint: bool = True) -> None:
    """Body runs of a paragraph lose their font name; Word keeps only w:hint="eastAsia" (or the ascii font)."""
    for r in para(root, startswith).iter(w("r")):
        f = r.find(f"{w('rPr')}/{w('rFonts')}")
        if f is not None:
            for a in list(f.attrib):
                del f.attrib[a]
            f.set(w("hint"), "eastAsia")
            if not keep_hint:
                f.set(w("ascii"), "Times New Roman")


def set_theme_hans(face: str):
    def edit(root):
        for f in root.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}font"):
            if f.get("script") == "Hans":
                f.set("typeface", face)
    return edit


def normal_from_theme(root) -> None:
    """Normal style: East-Asian font from the theme (minorEastAsia), as Word's own templates set it."""
    for st in root.iter(w("style")):
        if st.get(w("styleId")) == "Normal":
            f = st.find(f"{w('rPr')}/{w('rFonts')}")
            for a in list(f.attrib):
                del f.attrib[a]
            f.set(w("eastAsiaTheme"), "minorEastAsia")
            f.set(w("asciiTheme"), "minorHAnsi")


def body_style(root) -> None:
    """A paragraph style 公文正文 (3号仿宋_GB2312) used by the body paragraphs."""
    root.append(xml('<w:style w:type="paragraph" w:customStyle="1" w:styleId="gwbody"><w:name w:val="公文正文"/>'
                    '<w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="632"/></w:pPr>'
                    '<w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="仿宋_GB2312" w:hAnsi="Times New Roman"/>'
                    '<w:sz w:val="32"/></w:rPr></w:style>'))
    for st in root.iter(w("style")):
        if st.get(w("styleId")) == "Normal":
            st.find(f"{w('rPr')}/{w('rFonts')}").set(w("eastAsia"), "宋体")


def styled_body(root) -> None:
    p = para(root, "坚持人民至上")
    _strip_run_fonts(root, "坚持人民至上")
    ppr = p.find(w("pPr"))
    ppr.insert(0, xml('<w:pStyle w:val="gwbody"/>'))


def size_only_cs(root) -> None:
    """w:sz dropped from the runs, w:szCs kept (the size must come from the style or the defaults)."""
    for r in para(root, "坚持人民至上").iter(w("r")):
        rpr = r.find(w("rPr"))
        for sz in rpr.findall(w("sz")):
            rpr.remove(sz)
        rpr.append(xml('<w:szCs w:val="32"/>'))


def no_style_size(root) -> None:
    for st in root.iter(w("style")):
        if st.get(w("styleId")) == "Normal":
            for sz in st.iter(w("sz")):
                sz.getparent().remove(sz)


FONT_SOURCES = {   # case: (edits, rules expected)
    "hint_only": ({D: lambda r: _strip_run_fonts(r, "坚持人民至上")}, set()),
    "hint_with_ascii": ({D: lambda r: _strip_run_fonts(r, "坚持人民至上", keep_hint=False)}, set()),
    "paragraph_style": ({D: styled_body, "word/styles.xml": body_style}, set()),
    "theme_fangsong": ({D: lambda r: _strip_run_fonts(r, "坚持人民至上"), "word/styles.xml": normal_from_theme,
                        "word/theme/theme1.xml": set_theme_hans("仿宋_GB2312")}, set()),
    "theme_songti": ({D: lambda r: _strip_run_fonts(r, "坚持人民至上"), "word/styles.xml": normal_from_theme},
                     {"body.font"}),
    "szcs_only": ({D: size_only_cs}, set()),                     # Normal is 16 pt
    # Normal without a size: Word's template default 11 pt (the grid's character pitch follows Normal's size)
    "szcs_only_default": ({D: size_only_cs, "word/styles.xml": no_style_size}, {"body.font", "grid.chars"}),
}


@pytest.mark.parametrize("case", sorted(FONT_SOURCES))
def test_fonts_and_sizes_resolved_through_styles_theme_defaults(good_reference, tmp_path, case):
    edits, want = FONT_SOURCES[case]
    doc = plant(good_reference, tmp_path / "fonts.docx", edits)
    problems = check_file(doc)
    assert {p.rule for p in problems} == want, format_report(doc, problems)
    if case == "theme_songti":
        assert "宋体" in problems[0].message      # the theme's Hans font, resolved
    if case == "szcs_only_default":
        assert "11 磅" in next(p for p in problems if p.rule == "body.font").message    # Word's template default (w:sz 22), not w:szCs 32


def _sections(turn: int, margins=(1587, 1474, 2098, 1984), size=(16838, 11906)):
    """Section breaks (Word: 布局 → 分隔符 → 下一页) before 附件2 and before the 版记: three sections;
    section `turn` (1-based) gets paper `size` (w, h) and `margins` (left, right, top, bottom)."""
    def edit(root):
        body_sect = root.find(f"{w('body')}/{w('sectPr')}")
        for n, before in ((1, "附件2"), (2, "抄送")):
            sect = etree.fromstring(etree.tostring(body_sect))
            if n == turn:
                sz, mar = sect.find(w("pgSz")), sect.find(w("pgMar"))
                sz.set(w("w"), str(size[0]))
                sz.set(w("h"), str(size[1]))
                if size[0] > size[1]:
                    sz.set(w("orient"), "landscape")
                for k, v in zip(("left", "right", "top", "bottom"), margins):
                    mar.set(w(k), str(v))
            prev = para(root, before).getprevious()
            while prev.tag != w("p"):
                prev = prev.getprevious()
            prev.find(w("pPr")).append(sect)
    return edit


TURNED = (2098, 1984, 1587, 1474)      # landscape: the 版心 turned (225 × 156 mm)
SECTIONS = {    # case: (edit, expected rules, where)
    "landscape_attachment": (_sections(2, TURNED), set(), ""),
    "landscape_bad_area": (_sections(2, (1440, 1440, 1440, 1440)), {"page.turned_area"}, "第2节页面设置"),
    "portrait_letter": (_sections(2, (1587, 1474, 2098, 1984), (12240, 15840)), {"page.size"}, "第2节页面设置"),
    "main_landscape": (_sections(1, TURNED), {"page.orient"}, "第1节页面设置"),
}


@pytest.mark.parametrize("case", sorted(SECTIONS))
def test_sections_landscape_attachments(good_reference, tmp_path, case):
    edit, want, where = SECTIONS[case]
    doc = plant(good_reference, tmp_path / "sect.docx", {D: edit})
    problems = check_file(doc)
    assert {p.rule for p in problems} == want, format_report(doc, problems)
    assert all(p.where == where for p in problems)


def attachment_cells_in_songti(root) -> None:
    """Attachment form cells (and a 填报单位 line) in 宋体 小四/五号, as forms are: not body text."""
    label = para(root, "附件1")
    for tbl in root.iter(w("tbl")):
        if tbl.getparent().tag == w("body") and tbl.getprevious() is not None:
            for r in tbl.iter(w("r")):
                rpr = r.find(w("rPr"))
                if rpr is None:
                    rpr = etree.SubElement(r, w("rPr"))
                    r.insert(0, rpr)
                rpr.append(xml('<w:rFonts w:ascii="宋体" w:eastAsia="宋体" w:hAnsi="宋体" w:hint="eastAsia"/>'))
                rpr.append(xml('<w:sz w:val="21"/>'))
    label.getnext().addnext(xml('<w:p><w:r><w:rPr><w:rFonts w:eastAsia="宋体"/><w:sz w:val="24"/></w:rPr>'
                                '<w:t>填报单位（盖章）：　　　　填报日期：</w:t></w:r></w:p>'))


def test_attachment_table_cells_are_not_body_text(good_reference, tmp_path):
    doc = plant(good_reference, tmp_path / "att.docx", {D: attachment_cells_in_songti})
    problems = check_file(doc)
    assert problems == [], format_report(doc, problems)
    # the same 宋体 in a body paragraph is still reported
    doc = plant(good_reference, tmp_path / "att2.docx",
                {D: lambda r: (attachment_cells_in_songti(r), set_font(para(r, "坚持人民至上"), "宋体"))})
    assert {p.rule for p in check_file(doc)} == {"body.font"}


def framed_page_numbers(x_align: str):
    """WPS-style page numbers: the footer paragraph in a frame placed by w:framePr xAlign (no w:jc)."""
    def edit(root):
        for p in root.iter(w("p")):
            ppr = p.find(w("pPr"))
            for jc in ppr.findall(w("jc")):
                ppr.remove(jc)
            ppr.insert(0, xml(f'<w:framePr w:wrap="around" w:vAnchor="text" w:hAnchor="margin" w:xAlign="{x_align}" w:y="1"/>'))
    return footers(edit)


@pytest.mark.parametrize("x_align,want", [("outside", set()), ("center", {"footer.align"})])
def test_page_numbers_in_frames(good_reference, tmp_path, x_align, want):
    doc = plant(good_reference, tmp_path / "frame.docx", {"footers": framed_page_numbers(x_align)})
    problems = check_file(doc)
    assert {p.rule for p in problems} == want, format_report(doc, problems)
