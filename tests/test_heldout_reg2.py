"""The held-out registers and checklists of the fifth round (tests/heldout_reg2/build.py, written
before any fix of the round, never tuned on): the field accuracy is reported and may not fall below
its first look; a case read wrong at first look is xfail (strict) until general rules read it.

First look (before any fix of the round, 2026-12-07): FIRST_LOOK fields right."""
from __future__ import annotations

import pytest

from tests.heldout_reg2.build import CASES, build
from tests.variety.compare import case_problems
from tests.variety4.measure import case_score

FIRST_LOOK = (45, 75)       # 60.0 %, before any fix of the round
FINAL = (57, 75)            # 76.0 % after the round's rules (fixed on tests/variety5 only)
# wrong at first look: town_register_three_rows_totals_xlsx, checklist_remarks_negated_xlsx,
# checklist_space_answers_docx; still wrong after the round's fixes (variety5's rules):
WRONG_AT_FIRST_LOOK = {"town_register_three_rows_totals_xlsx"}


@pytest.fixture(scope="session")
def built_heldout2(tmp_path_factory):
    out = tmp_path_factory.mktemp("heldout_reg2")
    return out, {c["name"]: c for c in build(out)}


def test_heldout2_field_accuracy_does_not_fall(built_heldout2):
    out, cases = built_heldout2
    assert len(cases) >= 4
    right = total = 0
    for c in cases.values():
        r, t = case_score(c, out)
        right, total = right + r, total + t
    print(f"held-out 2 field accuracy {right}/{total} = {100 * right / total:.1f}% (first look "
          f"{FIRST_LOOK[0]}/{FIRST_LOOK[1]})")
    assert right >= FINAL[0]


@pytest.mark.parametrize("name", [
    pytest.param(fn.__name__, marks=pytest.mark.xfail(reason="wrong at first look", strict=True))
    if fn.__name__ in WRONG_AT_FIRST_LOOK else fn.__name__ for fn in CASES])
def test_heldout2_case(built_heldout2, name):
    out, cases = built_heldout2
    problems = case_problems(cases[name], out)
    assert not problems, "\n".join(problems)
