"""A second held-out set of PDF returns (tests/heldout_pdf2/build.py, brief S5): other forms and data
built as tests/variety6 is, written before the PDF reader was changed for that set and never tuned
on. Every record compared field by field, and each source (.xlsx / .docx) must read right too, so a
failing PDF is the PDF reader's. First look: 1544/2004 = 77.0 % of fields, 3 of 7 returns right."""
from __future__ import annotations

import pytest

from tests.heldout_pdf2.build import CASES, build
from tests.variety.compare import case_problems

# cases read wrong at first look (strict: a case that starts passing must leave this list); the
# reasons are the cases' descriptions, not a diagnosis: this set is not looked into
KNOWN_GAPS = {
    "stats_word_two_level_header_rules": "a Word 统计表 with a two-level header and rules between rows only",
    "campaign_merged_header_no_rules_rotated": "a 汇总 sheet with merged headers, no rules, saved rotated",
}


@pytest.fixture(scope="session")
def built_heldout2(tmp_path_factory):
    out = tmp_path_factory.mktemp("heldout_pdf2")
    return out, {c["name"]: c for c in build(out)}


def test_held_out_returns_are_pdfs_of_several_pages(built_heldout2):
    import pypdfium2 as pdfium
    out, cases = built_heldout2
    assert len(cases) >= 6 and set(KNOWN_GAPS) <= set(cases)
    pages = [len(pdfium.PdfDocument(str(out / c["file"]))) for c in cases.values()]
    assert sum(1 for n in pages if n >= 2) >= 5 and sum(1 for n in pages if n >= 3) >= 3


@pytest.mark.parametrize("name", [fn.__name__ for fn in CASES])
def test_held_out2_source_reads_right(built_heldout2, name):
    out, cases = built_heldout2
    problems = case_problems(dict(cases[name], file=cases[name]["source"]), out)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", [
    pytest.param(fn.__name__, marks=pytest.mark.xfail(reason=KNOWN_GAPS[fn.__name__], strict=True))
    if fn.__name__ in KNOWN_GAPS else fn.__name__ for fn in CASES])
def test_held_out2_pdf_field_by_field(built_heldout2, name):
    out, cases = built_heldout2
    problems = case_problems(cases[name], out)
    assert not problems, "\n".join(problems)
