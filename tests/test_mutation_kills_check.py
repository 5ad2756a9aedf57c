"""The 公文 checker's rules on plain strings and planted documents (a notice and a 信函 paicha writes): what
mutation testing (bench/mutation.sh) found that the whole-document tests of test_check.py do not pin.
Expected values are GB/T 9704's, written out by hand."""
import re

import pytest
from lxml import etree

from generators.gongwen.check import check_doc_number, fix_doc_number, fix_numeric_date
from test_check import captioned  # noqa: F401  (the notice with a captioned table and picture, a fixture)


@pytest.mark.parametrize("text,rules", [
    ("城发改字〔2023〕15号", []),
    ("城发改字[2023]15号", ["docnum.bracket"]),
    ("城发改字〔2023]15号", ["docnum.bracket"]),             # only the closing bracket wrong
    ("城发改字[2023〕15号", ["docnum.bracket"]),             # only the opening one
    ("城发改字〔23〕15号", ["docnum.year"]),
    ("城发改字〔2023〕第15号", ["docnum.di"]),
    ("城发改字〔2023〕015号", ["docnum.zero"]),
    ("城发改字〔2023〕105号", []),                           # a 0 inside the number is fine
    ("城发改字〔2023〕15", ["docnum.hao"]),
    ("晋市安委发[24]第06", ["docnum.bracket", "docnum.year", "docnum.di", "docnum.zero", "docnum.hao"]),
    ("关于开展安全生产检查的通知", []),
])
def test_doc_number_rules(text, rules):
    problems = check_doc_number(text, "第2段")
    assert [p.rule for p in problems] == rules
    assert all(p.where == "第2段" and f"“{text}”" in p.message for p in problems)


def test_doc_number_messages():
    (p,) = check_doc_number("城发改字〔2023〕第15号", "第1段")
    assert p.message == "发文字号“城发改字〔2023〕第15号”序号前不加“第”"


@pytest.mark.parametrize("text,fixed", [
    ("城发改字〔23〕5号", "城发改字〔2023〕5号"),
    ("  城发改字（2023）007 号  ", "城发改字〔2023〕7号"),
    ("晋市安委发【2024】第10号", "晋市安委发〔2024〕10号"),
    ("关于开展检查的通知", "关于开展检查的通知"),              # not a 字号: unchanged
])
def test_fix_doc_number(text, fixed):
    assert fix_doc_number(text) == fixed


@pytest.mark.parametrize("text,fixed", [
    ("2017.4.13", "2017年4月13日"),
    ("印发日期 2023-04-03 止", "印发日期 2023年4月3日 止"),
    ("2023/12/31", "2023年12月31日"),
    ("2023.04/03", "2023.04/03"),                             # mixed separators: not a date
    ("2023年4月3日", "2023年4月3日"),
])
def test_fix_numeric_date(text, fixed):
    assert fix_numeric_date(text) == fixed


# --- page and grid rules on a rendered notice whose section lacks what Word may leave out -----------

@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from generators.gongwen.render import render
    from test_check import GONGWEN
    return render(GONGWEN, tmp_path_factory.mktemp("kills") / "notice.docx")


def test_a_section_without_margins_reads_as_words_default_25_4_mm(rendered, tmp_path):
    from generators.gongwen.check import check_file
    from test_check import D, plant, w
    bad = plant(rendered, tmp_path / "no_margins.docx",
                {D: lambda r: [m.getparent().remove(m) for m in list(r.iter(w("pgMar")))]})
    margins = [p.message for p in check_file(bad) if p.rule == "page.margin"]
    assert margins and all("实为 25.4 毫米" in m for m in margins), margins


def test_a_page_size_without_a_width_is_no_crash(rendered, tmp_path):
    from generators.gongwen.check import check_file
    from test_check import D, plant, w

    def drop_width(root):
        for sz in root.iter(w("pgSz")):
            sz.attrib.pop(w("w"), None)
    rules = {p.rule for p in check_file(plant(rendered, tmp_path / "no_width.docx", {D: drop_width}))}
    assert "page.size" in rules


def test_numeric_dates_in_the_signature_and_the_banji_are_both_named_where_they_are(rendered, tmp_path):
    from generators.gongwen.check import check_file
    from test_check import D, plant, replace_date, replace_text

    def numeric(root):
        replace_date(root, "2023年3月2日", "2023.3.2")              # the 成文日期 line
        replace_text(root, "2023年3月2日印发", "2023.3.2印发")       # the 印发日期 in the 版记
    problems = [p for p in check_file(plant(rendered, tmp_path / "dates.docx", {D: numeric}))
                if p.rule == "date.format"]
    assert len(problems) == 2, problems
    assert problems[0].where != "版记" and problems[1].where == "版记"


def _footer_problems(rendered, tmp_path, edit, rule):
    from generators.gongwen.check import check_file
    from test_check import footers, plant
    return [p for p in check_file(plant(rendered, tmp_path / "footer.docx", {"footers": footers(edit)}))
            if p.rule == rule]


def test_a_footer_without_a_page_field_is_named(rendered, tmp_path):
    from test_check import remove_page_field
    problems = _footer_problems(rendered, tmp_path, remove_page_field, "footer.page_field")
    assert problems
    for p in problems:                                   # where = 页脚（奇数页）, message = 奇数页页脚中没有…
        which = p.where.removeprefix("页脚（").removesuffix("）")
        assert which and which != "None" and p.message == f"{which}页脚中没有 PAGE 页码域"


def test_a_page_field_without_a_stored_result_is_a_font_problem(rendered, tmp_path):
    from test_check import w

    def drop_results(root):
        state = None
        for r in root.iter(w("r")):
            fc = r.find(w("fldChar"))
            if fc is not None:
                state = fc.get(w("fldCharType"))
            elif state == "separate":
                for t in r.iter(w("t")):
                    t.text = ""
        for fs in root.iter(w("fldSimple")):
            for t in fs.iter(w("t")):
                t.text = ""
    problems = _footer_problems(rendered, tmp_path, drop_results, "footer.font")
    assert problems and all(p.where.startswith("页脚（") and "页码域无存储结果" in p.message for p in problems)


def test_a_missing_even_page_footer_is_named(rendered, tmp_path):
    from generators.gongwen.check import check_file
    from test_check import D, plant, w

    def drop_even(root):
        for ref in list(root.iter(w("footerReference"))):
            if ref.get(w("type")) == "even":
                ref.getparent().remove(ref)
    problems = [p for p in check_file(plant(rendered, tmp_path / "no_even.docx", {D: drop_even}))
                if p.rule == "footer.page_field"]
    assert [(p.where, p.message) for p in problems] == [("页脚（偶数页）", "偶数页页脚中没有 PAGE 页码域")]


def _turn_last_section(margins: dict | None):
    """An edit: a portrait copy of the last section ends section 1's text, and the last section becomes A4
    landscape with these margins in twips (None: no w:pgMar, as Word may leave it)."""
    import copy

    from test_check import w

    def edit(root):
        body = root.find(w("body"))
        last = body.find(w("sectPr"))
        p = etree.Element(w("p"))
        etree.SubElement(p, w("pPr")).append(copy.deepcopy(last))     # the text before keeps the portrait page
        body.insert(list(body).index(last), p)
        sz = last.find(w("pgSz"))
        sz.set(w("w"), "16838"), sz.set(w("h"), "11906"), sz.set(w("orient"), "landscape")
        mar = last.find(w("pgMar"))
        if margins is None:
            last.remove(mar)
        else:
            for side, twips in margins.items():
                mar.set(w(side), str(twips))
    return edit


def test_a_turned_section_without_margins_reads_as_25_4_mm(rendered, tmp_path):
    """A landscape section (a wide table) whose w:pgMar Word left out: its 版心 is A4 turned less
    25.4 mm each side (297 - 50.8 by 210 - 50.8), not the 225 by 156 mm GB/T 9704 wants."""
    from generators.gongwen.check import check_file
    from test_check import D, plant
    problems = check_file(plant(rendered, tmp_path / "turned.docx", {D: _turn_last_section(None)}))
    turned = [(p.where, p.message) for p in problems if p.rule.startswith("page.")]
    assert [m for _, m in turned] == ["横向页面的版心应为 225×156 毫米（纸张转向、版心随之转向），实为 246.2×159.2 毫米"]
    assert turned[0][0] not in ("页面设置", "第1节页面设置"), turned       # the last section, not the first


def test_a_turned_area_is_allowed_twice_the_profiles_tolerance(rendered, tmp_path):
    """版心 225 by 159 mm on a turned page (3 mm too high): over 2 x 1 mm with GB/T 9704's profile, within
    2 x 2 mm with a local profile that allows 2 mm."""
    from generators.gongwen.check import check_file
    from generators.gongwen.profile import PROFILE_DIR
    from test_check import D, plant
    # 36 mm left and right (297 - 72 = 225), 25.5 mm top and bottom (210 - 51 = 159), in twips
    doc = plant(rendered, tmp_path / "turned.docx",
                {D: _turn_last_section({"left": 2041, "right": 2041, "top": 1446, "bottom": 1445})})
    local = tmp_path / "local.yaml"
    local.write_text((PROFILE_DIR / "gbt9704.yaml").read_text(encoding="utf-8").replace(
        "tolerance_mm: 1 ", "tolerance_mm: 2 "), encoding="utf-8")
    turned = [p.message for p in check_file(doc) if p.rule == "page.turned_area"]
    assert turned == ["横向页面的版心应为 225×156 毫米（纸张转向、版心随之转向），实为 225.0×159.0 毫米"], turned
    assert [p.rule for p in check_file(doc, profile=str(local)) if p.rule.startswith("page.")] == []


def test_a_character_pitch_of_zero_or_less_counts_no_characters(rendered, tmp_path):
    from generators.gongwen.check import check_file
    from test_check import D, plant, w

    def squeeze(root):           # charSpace of -24 pt: the pitch 16 - 24 pt is below zero
        for g in root.iter(w("docGrid")):
            g.set(w("type"), "linesAndChars"), g.set(w("charSpace"), str(-24 * 4096))
    problems = [p.message for p in check_file(plant(rendered, tmp_path / "pitch.docx", {D: squeeze}))
                if p.rule == "grid.chars"]
    assert len(problems) == 1 and problems[0].endswith("计算为 0 字（应设文档网格“指定行和字符网格”）"), problems


def test_run_in_text_after_a_level_1_heading_in_the_headings_font(rendered, tmp_path):
    """一、目标要求。 followed on the same line by body text still in 黑体: heading.runin, as for level 2."""
    from generators.gongwen.check import check_file
    from test_check import D, plant, replace_text
    runin = "一、目标要求。全面排查整治重大事故隐患"
    problems = check_file(plant(rendered, tmp_path / "runin.docx",
                                {D: lambda r: replace_text(r, "一、目标要求", runin)}))
    got = [(p.rule, p.message) for p in problems]
    assert [r for r, _ in got] == ["heading.runin"], got
    assert "一、目标要求。" in got[0][1] and "黑体" in got[0][1], got


# --- 信函格式 (GB/T 9704 10.1): the 信函 rules and the 版记 of a letter --------------------------------

@pytest.fixture(scope="module")
def letter_docx(tmp_path_factory):
    """A 信函 with a 抄送 版记 as paicha writes it (render() with letter=True; test_letter.py's letter)."""
    from generators.gongwen.render import render
    from test_letter import letter
    return render(letter(cc=["市安委会办公室"]), tmp_path_factory.mktemp("kills_letter") / "函.docx")


def test_a_letter_as_paicha_writes_it_is_clean(letter_docx):
    """One red double rule under the name, the 字号 flush right, a 抄送 without rules and no 印发 line."""
    from generators.gongwen.check import DocxView, check_file, find_parts
    assert find_parts(DocxView(letter_docx)).kind == "xinhan"
    assert check_file(letter_docx) == []


def test_a_letters_double_rule_drawn_single_is_named(letter_docx, tmp_path):
    from generators.gongwen.check import DOUBLE_BORDERS, check_file
    from test_check import plant, w

    def single(root):
        for b in root.iter(w("top"), w("bottom")):
            if b.get(w("val")) in DOUBLE_BORDERS:
                b.set(w("val"), "single")
        for ln in root.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}ln"):
            ln.set("cmpd", "sng")
    import zipfile
    parts = [n for n in zipfile.ZipFile(letter_docx).namelist() if re.fullmatch(r"word/(document|header\d*)\.xml", n)]
    assert "word/header1.xml" in parts                  # the 标志 and its rule live in page 1's header
    problems = check_file(plant(letter_docx, tmp_path / "single.docx", {n: single for n in parts}))
    assert "xinhan.double_rule" in {p.rule for p in problems}, problems


def test_a_letters_cc_with_a_rule_under_it_is_named(letter_docx, tmp_path):
    """A 信函's 版记 has no rules (10.1): a rule under the 抄送 line alone is reported too."""
    from generators.gongwen.check import check_file
    from test_check import D, para, plant, w

    def rule_under(root):
        p = para(root, "抄送")
        ppr = p.find(w("pPr"))
        if ppr is None:
            ppr = etree.SubElement(p, w("pPr"))
            p.insert(0, ppr)
        bdr = ppr.find(w("pBdr"))
        if bdr is None:
            bdr = etree.SubElement(ppr, w("pBdr"))
        etree.SubElement(bdr, w("bottom"), {w("val"): "single", w("sz"): "4", w("color"): "000000"})
    problems = [(p.rule, p.where) for p in check_file(plant(letter_docx, tmp_path / "cc.docx", {D: rule_under}))]
    assert problems == [("xinhan.banji_lines", "版记")], problems


def test_a_margin_left_out_of_w_pgMar_reads_as_25_4_mm(rendered, tmp_path):
    """w:pgMar without w:top (Word's default then applies): only the top margin is reported."""
    from generators.gongwen.check import check_file
    from test_check import D, plant, w

    def drop_top(root):
        for m in root.iter(w("pgMar")):
            m.attrib.pop(w("top"), None)
    problems = [p.message for p in check_file(plant(rendered, tmp_path / "no_top.docx", {D: drop_top}))
                if p.rule == "page.margin"]
    assert problems and set(problems) == {"上边距（天头）应为 37 毫米（±1），实为 25.4 毫米"}, problems


def test_a_level_1_heading_in_heiti_at_the_wrong_size_is_named(rendered, tmp_path):
    """一、目标要求 in 黑体 but 14 pt (四号) instead of 16 pt (三号)."""
    from generators.gongwen.check import check_file
    from test_check import D, para, plant, w

    def smaller(root):
        for r in para(root, "一、目标要求").iter(w("r")):
            rpr = r.find(w("rPr"))
            if rpr is None:
                rpr = etree.SubElement(r, w("rPr"))
                r.insert(0, rpr)
            for tag in ("sz", "szCs"):
                for old in rpr.findall(w(tag)):
                    rpr.remove(old)
                etree.SubElement(rpr, w(tag), {w("val"): "28"})
    problems = [(p.rule, p.message) for p in check_file(plant(rendered, tmp_path / "small.docx", {D: smaller}))
                if p.rule.startswith("heading.")]
    assert len(problems) == 1 and problems[0][0] == "heading.font", problems
    assert problems[0][1].startswith("1级标题“一、目标要求”应为 黑体 16 磅，实为 黑体"), problems


@pytest.mark.parametrize("in_table,rules", [(False, ["xinhan.docnum_align"]), (True, [])])
def test_a_letters_docnum_left_aligned_is_named_unless_a_table_places_it(letter_docx, tmp_path, in_table, rules):
    """The 字号 of a 信函 sits flush right under the rule; one typed into a table cell is placed by the table."""
    from generators.gongwen.check import check_file
    from test_check import D, para, plant, w

    def left(root):
        p = para(root, "晋市应急函")
        p.find(w("pPr")).find(w("jc")).set(w("val"), "left")
        if in_table:
            tbl = etree.Element(w("tbl"))
            p.addprevious(tbl)
            etree.SubElement(etree.SubElement(tbl, w("tr")), w("tc")).append(p)
    problems = check_file(plant(letter_docx, tmp_path / "docnum.docx", {D: left}))
    assert [p.rule for p in problems if p.rule.startswith("xinhan.")] == rules, problems


@pytest.mark.parametrize("rule,where,message", [
    ("body.font", "第8段（“坚持人民至上、生命至上，”）", "正文应为 3号仿宋（16 磅），此段有“坚持人民至上、生”为 宋体 16 磅"),
    ("attach.numbering", "第14段（“附件：1.企业安全生产自”）",
     "附件说明有多个附件时应依次编号“1.”“2.”……，“3安全隐患排查整治统计表”编号不符"),
    ("footer.oddeven", "页面设置", "页码应奇偶页不同（页面设置中未勾选“奇偶页不同”）"),
])
def test_planted_faults_say_what_and_where(rendered, tmp_path, rule, where, message):
    """test_check.py's planted faults (PLANTS), each message and place written out: the first 8 characters
    in the wrong font, the wrongly numbered attachment with its number, the page setup."""
    from generators.gongwen.check import check_file
    from test_check import PLANTS, plant
    got = [(p.where, p.message) for p in check_file(plant(rendered, tmp_path / "x.docx", PLANTS[rule][0]))
           if p.rule == rule]
    assert got == [(where, message)]


def test_a_numeric_date_inside_a_line_is_fixed_whole(rendered, tmp_path):
    from generators.gongwen.check import check_file
    from test_check import D, plant, replace_text
    problems = [p.message for p in check_file(plant(rendered, tmp_path / "d.docx",
                                                    {D: lambda r: replace_text(r, "2023年3月2日印发", "2023.3.2印发")}))
                if p.rule == "date.format"]
    assert problems == ["日期“2023.3.2”应写作“2023年3月2日”（用“年月日”，不用圆点、横线或斜线）"], problems


def test_a_footer_reference_without_a_type_is_the_default_footer(rendered, tmp_path):
    """w:footerReference with no w:type is the default (odd-page) footer, as Word reads it."""
    from generators.gongwen.check import check_file
    from test_check import D, plant, w

    def untyped(root):
        for ref in root.iter(w("footerReference")):
            if ref.get(w("type")) == "default":
                del ref.attrib[w("type")]
    assert [p.rule for p in check_file(plant(rendered, tmp_path / "f.docx", {D: untyped}))
            if p.rule.startswith("footer.")] == []


@pytest.mark.parametrize("rule", ["caption.font", "caption.color"])
def test_a_caption_problem_names_the_caption(captioned, tmp_path, rule):
    from generators.gongwen.check import check_file
    from test_check import CAPTION_PLANTS, D, plant
    got = [p.message for p in check_file(plant(captioned, tmp_path / "c.docx", {D: CAPTION_PLANTS[rule]}))
           if p.rule == rule]
    want = {"caption.font": "图表标题“表1　领导小组成员”应为黑体、仿宋等公文字体（五号至三号），实为 微软雅黑",
            "caption.color": "图表标题“图1　隐患整改情况”应为黑色，实为 FF0000 色"}[rule]
    assert len(got) == 1 and got[0].startswith(want), got


def test_one_attachment_needs_no_number(rendered, tmp_path):
    """GB/T 9704 7.3.6 numbers attachments only when there are several: 附件：xx表 alone is right."""
    from generators.gongwen.check import check_file
    from test_check import D, para, plant, replace_text

    def one(root):
        replace_text(root, "1.企业", "企业")
        second = para(root, "2.安全隐患")
        second.getparent().remove(second)
    problems = check_file(plant(rendered, tmp_path / "one.docx", {D: one}))
    # the notice's 附件2 page is still there: that, and only that, is reported
    assert [(p.rule, p.where) for p in problems if p.rule.startswith("attach.")] == [("attach.extra", "附件2")]
