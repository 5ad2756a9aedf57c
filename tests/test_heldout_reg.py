"""The held-out registers and checklists (tests/heldout_reg/build.py, never tuned on): field accuracy
as tests/variety4/measure.py counts it must not fall below what the round's fixes reached, and the
cases read whole stay whole.

First look (before any change of the round, 2026-12-07): see FIRST_LOOK."""
from __future__ import annotations

import pytest

from tests.heldout_reg.build import build
from tests.variety.compare import case_problems
from tests.variety4.measure import case_score

FIRST_LOOK = (343, 374)   # 91.7%: xlsx 113/138, xls 143/143, docx 87/93; before any fix of the round
FLOOR = (366, 374)         # 97.9% at the end of the round (xlsx 135/138, xls 143/143, docx 88/93); may only go up


@pytest.fixture(scope="session")
def built_heldout(tmp_path_factory):
    out = tmp_path_factory.mktemp("heldout_reg")
    return out, build(out)


def test_heldout_field_accuracy_does_not_fall(built_heldout):
    out, cases = built_heldout
    assert len(cases) >= 10
    right = total = 0
    for c in cases:
        r, t = case_score(c, out)
        right, total = right + r, total + t
    print(f"held-out field accuracy {right}/{total} = {100 * right / total:.1f}%")
    assert total > 0
    if FLOOR:
        assert right / total >= FLOOR[0] / FLOOR[1], (right, total)


WHOLE = ["county_register_xlsx", "county_register_xls", "enterprise_register_docx", "town_register_subtotals_xls",
         "register_docx_signature_lines", "checklist_remarks_column_xls", "checklist_you_wu_docx",
         "checklist_answer_in_item_xlsx"]     # cases read field by field right at the end of the round


@pytest.mark.parametrize("name", WHOLE)
def test_heldout_case_read_whole(built_heldout, name):
    out, cases = built_heldout
    [c] = [c for c in cases if c["name"] == name]
    problems = case_problems(c, out)
    assert not problems, "\n".join(problems)
