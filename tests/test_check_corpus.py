"""`check` on other people's documents (issue 16): the labelled set of tests/check_corpus, built the ways offices
and tools write Word files, is checked and compared with its hand-written true violations (labels.yaml)."""
from __future__ import annotations

from pathlib import Path

import pytest

from generators.gongwen.check import DocxView, check_file, find_parts, fix_numeric_date, format_report
from tests.check_corpus.build import DOCS
from tests.check_corpus.score import labels, score

# the rates reached on the set (first look: 74.8% of findings false, 32.3% of true violations missed)
MAX_FALSE_RATE = 0.0
MAX_MISS_RATE = 0.0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("check_corpus")


def test_labels_cover_every_document():
    assert set(labels()) == set(DOCS) and len(DOCS) >= 40


def test_false_alarms_and_misses_stay_under_the_reached_rates(corpus):
    s = score(corpus)
    assert s["reported"] > 30 and s["labels"] > 25       # the set really has violations to find
    assert s["false_rate"] <= MAX_FALSE_RATE and s["miss_rate"] <= MAX_MISS_RATE, s["per_doc"]


@pytest.mark.parametrize("name, kind", [
    ("wenjian_clean", "wenjian"), ("qingshi_signer", "wenjian"), ("wenjian_placeholders", "wenjian"),
    ("xinhan", "xinhan"), ("minglin", "ling"), ("jiyao_red_head", "jiyao"), ("jiyao_no_docnum", "jiyao"),
    ("company_report", "other"), ("cover_page_report", "other"), ("guanli_banfa_toc", "other"),
])
def test_document_kind_is_recognised(corpus, name, kind):
    path = DOCS[name](corpus / f"kind_{name}.docx")
    assert find_parts(DocxView(path)).kind == kind


def test_structure_of_a_jiyao_and_a_ling(corpus):
    jiyao = find_parts(DocxView(DOCS["jiyao_red_head"](corpus / "s_jiyao.docx")))
    assert jiyao.serial.text == "第3期" and jiyao.title[0].text.startswith("关于推进")
    assert [p.text[:3] for p in jiyao.attendees] == ["出席："] and jiyao.recipients is None
    ling = find_parts(DocxView(DOCS["minglin"](corpus / "s_ling.docx")))
    assert ling.serial.text == "第12号" and ling.title == [] and ling.body[0].text.startswith("《晋城市")


def test_not_a_gongwen_says_so_once(corpus):
    path = DOCS["company_report_zero_date"](corpus / "report.docx")
    problems = check_file(path)
    assert [p.rule for p in problems] == ["kind.not_gongwen", "date.zero"]
    assert "不按公文格式检查" in format_report(path, problems)


def test_dates_typed_with_dots_or_dashes(corpus):
    problems = check_file(DOCS["wenjian_date_dots"](corpus / "dots.docx"))
    assert [(p.rule, "2017年4月13日" in p.message) for p in problems] == [("date.format", True)]
    assert fix_numeric_date("2023-04-03") == "2023年4月3日" and fix_numeric_date("2017.4.13") == "2017年4月13日"


def test_word_fallbacks_font_lists_and_layout_tables(corpus):
    view = DocxView(DOCS["pandoc_output"](corpus / "pandoc.docx"))
    body = find_parts(view).body
    assert body and {r.font for p in body for r in p.runs} >= {"仿宋_GB2312"} and \
        all(r.size == 16 for p in body for r in p.runs)          # missing styles fall back to Normal
    parts = find_parts(DocxView(DOCS["wenjian_font_list"](corpus / "list.docx")))
    assert {r.font for p in parts.body for r in p.runs if r.text.strip()} <= {"仿宋_GB2312", "黑体", "楷体_GB2312"}
    parts = find_parts(DocxView(DOCS["wenjian_body_in_table"](corpus / "table.docx")))
    assert len(parts.body) == 6 and all(p.table == 1 for p in parts.body)
