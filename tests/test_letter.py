"""信函格式 (GB/T 9704 10.1) on the rendered page (generators/gongwen/letter.py): a 信函 paicha writes has its
name 30 mm from the paper's top, a 170 mm red double rule (thick over thin) 4 mm under it and another (thin
over thick) 20 mm above the paper's bottom, no page number on page 1 and numbered later pages; `check
--render` measures a 信函 as a 信函 (no 文件-format false alarms) and reports one laid out like a 文件."""
from __future__ import annotations

import datetime as dt

import pytest

from generators.gongwen.check import check_file, format_report
from generators.gongwen.layout_check import check_layout, check_rendered, page_number
from generators.gongwen.letter import geometry
from generators.gongwen.model import Gongwen
from generators.gongwen.profile import load_profile
from generators.gongwen.render import render

BODY = ("为做好危险化学品安全生产专项整治工作，根据省应急管理厅统一部署，现商请贵局提供本市辖区内取得危险化学品"
        "经营许可证的企业名单（含企业名称、地址、许可范围和有效期），以便我局开展联合检查。")


def letter(**kw) -> Gongwen:
    return Gongwen(organs=["晋城市应急管理局"], doc_number="晋市应急函〔2023〕21号", letter=True,
                   title="晋城市应急管理局关于商请提供危险化学品企业名单的函", recipients="晋城市市场监督管理局",
                   body=[BODY] * 8 + ["请于2023年4月20日前函复。"], signature=["晋城市应急管理局"],
                   date=dt.date(2023, 4, 10), **kw)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """A two-page 信函 with a 抄送 版记, written by render() and checked by check_rendered (its PDF kept)."""
    out = tmp_path_factory.mktemp("letter")
    docx = render(letter(cc=["市安委会办公室"]), out / "函.docx")
    pdf = out / "函.pdf"
    return docx, pdf, check_rendered(docx, keep_pdf=pdf)


def test_rendered_letter_meets_10_1(rendered):
    docx, pdf, problems = rendered
    assert problems == [], format_report(pdf, problems)
    assert check_file(docx) == [], format_report(docx, check_file(docx))
    g = geometry(pdf)
    assert abs(g["mark_top"] - 30) < 1, g                 # 10.1: the name 30 mm from the top
    (top, _, width, lines), (_, bottom, width2, lines2) = g["rules"]
    assert abs(top - g["mark_bottom"] - 4) < 1, g         # the rule 4 mm under the name
    assert abs(width - 170) < 1 and abs(width2 - 170) < 1, g
    assert abs(g["paper_mm"] - bottom - 20) < 1, g
    assert abs(g["under_rule"] - 7 / 8 * 16 / 72 * 25.4) < 0.5, g      # the 字号: 7/8 of a 3号 character
    assert len(lines) == 2 and lines[0] > lines[1], g          # 上粗下细
    assert len(lines2) == 2 and lines2[0] < lines2[1], g       # 上细下粗


def test_letter_pages_after_the_first_are_numbered(rendered):
    import pdfplumber
    _, pdf, _ = rendered
    prof = load_profile()
    with pdfplumber.open(str(pdf)) as doc:
        assert len(doc.pages) >= 2
        assert page_number(doc.pages[0], prof) is None
        assert page_number(doc.pages[1], prof)[0] == "—2—"


def test_a_letter_read_as_a_wenjian_would_be_flagged(rendered):
    """The kind matters: measured as a 文件 the same page gives the false alarms check --render used to print."""
    _, pdf, _ = rendered
    got = {(p.rule, p.where) for p in check_layout(pdf)}
    assert {("layout.mark_top", "第1页"), ("layout.page_number_missing", "第1页")} <= got


@pytest.mark.parametrize("name", ["xinhan", "doc_xinhan"])
def test_letter_laid_out_like_a_wenjian_is_reported(tmp_path, name):
    """Another office's 信函 (tests/check_corpus; also handed round as .doc): the name as the first line of the
    版心 (42 mm down), a double rule as wide as the 版心 (156 mm), no rule at the bottom; page 1 unnumbered
    (correct: no page-number finding, and none of a 文件's 72 mm 标志 or 156 mm rule)."""
    from tests.check_corpus.build import DOCS
    problems = check_rendered(DOCS[name](tmp_path / "函.docx"))
    rules = {p.rule for p in problems}
    assert {"layout.xinhan_mark_top", "layout.xinhan_rule_width", "layout.xinhan_rule_missing"} <= rules, \
        format_report(tmp_path, problems)
    assert not rules & {"layout.mark_top", "layout.redline_width", "layout.page_number_missing"}
    assert [p.message for p in problems if p.rule == "layout.xinhan_rule_missing"] == \
        ["信函格式页面下部未找到长 170 毫米的红色双线（10.1）"]


def test_numbered_first_page_of_a_letter_is_reported(tmp_path):
    from tests.check_corpus.build import DOCS
    problems = check_rendered(DOCS["xinhan_first_footer_numbered"](tmp_path / "函.docx"))
    assert [p.where for p in problems if p.rule == "layout.xinhan_first_number"] == ["第1页"], \
        format_report(tmp_path, problems)
