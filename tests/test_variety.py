"""Other people's returns (tests/variety/build.py: built with python-docx/openpyxl, not with our
form generator): every record found in each file, compared field by field with what was written."""
from __future__ import annotations

import pytest

from parsers.readers import read_file
from parsers.recognize import records_from_document
from tests.test_roundtrip import diff
from tests.variety.build import CASES, build


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("variety")
    return out, {c["name"]: c for c in build(out)}


def records_of(path):
    return [r for doc in read_file(path) for r in records_from_document(doc)]


def test_at_least_twelve_returns(built):
    _, cases = built
    assert len(cases) >= 12
    assert {r["form_type"] for c in cases.values() for r in c["records"]} >= {
        "enterprise_register", "self_check", "supervision_check", "campaign_stats", "inspection_stats",
        "major_hazard_list", "progress_dispatch"}


@pytest.mark.parametrize("name", [fn.__name__ for fn in CASES])
def test_variety_return_field_by_field(built, name):
    out, cases = built
    c = cases[name]
    recs = records_of(out / c["file"])
    assert [r.form_type for r in recs] == [e["form_type"] for e in c["records"]]
    problems = []
    for e, rec in zip(c["records"], recs):
        problems += diff(e["data"], rec.data) + diff(e["header"], rec.header, "header")
        problems += [f"unexpected warning {w}" for w in rec.warnings
                     if w["code"] in ("invalid", "unrecognized", "required", "total")]
    assert not problems, "\n".join(problems)
