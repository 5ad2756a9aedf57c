"""The 公文 checker's text rules on plain strings: what mutation testing (bench/mutation.sh) found that the
whole-document tests of test_check.py do not pin. Expected values are GB/T 9704's, written out by hand."""
import pytest

from generators.gongwen.check import check_doc_number, fix_doc_number, fix_numeric_date


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
