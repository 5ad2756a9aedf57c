"""A second round of other people's returns (tests/variety2/build.py: python-docx/openpyxl, some
through LibreOffice to .doc/.xls/PDF): every record found in each file, compared field by field
with what was written, and exactly the warnings the return deserves."""
from __future__ import annotations

import pytest

from tests.variety.compare import case_problems
from tests.variety2.build import CASES, build


@pytest.fixture(scope="session")
def built2(tmp_path_factory):
    out = tmp_path_factory.mktemp("variety2")
    return out, {c["name"]: c for c in build(out)}


def test_at_least_fifteen_returns_in_every_format(built2):
    out, cases = built2
    assert len(cases) >= 15
    assert {r["form_type"] for c in cases.values() for r in c["records"]} >= {
        "enterprise_register", "self_check", "supervision_check", "campaign_stats",
        "major_hazard_list", "progress_dispatch"}
    assert {(out / c["file"]).suffix for c in cases.values()} >= {".docx", ".doc", ".xlsx", ".xls", ".pdf"}


@pytest.mark.parametrize("name", [fn.__name__ for fn in CASES])
def test_variety2_return_field_by_field(built2, name):
    out, cases = built2
    problems = case_problems(cases[name], out)
    assert not problems, "\n".join(problems)
