"""Other people's returns (tests/variety/build.py: built with python-docx/openpyxl, not with our
form generator): every record found in each file, compared field by field with what was written."""
from __future__ import annotations

import pytest

from tests.variety.build import CASES, build
from tests.variety.compare import case_problems


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("variety")
    return out, {c["name"]: c for c in build(out)}


def test_at_least_twelve_returns(built):
    _, cases = built
    assert len(cases) >= 12
    assert {r["form_type"] for c in cases.values() for r in c["records"]} >= {
        "enterprise_register", "self_check", "supervision_check", "campaign_stats", "inspection_stats",
        "major_hazard_list", "progress_dispatch"}


@pytest.mark.parametrize("name", [fn.__name__ for fn in CASES])
def test_variety_return_field_by_field(built, name):
    out, cases = built
    problems = case_problems(cases[name], out)
    assert not problems, "\n".join(problems)
