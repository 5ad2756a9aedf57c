"""A third round of other people's returns (tests/variety3/build.py): 自查表 answered 是 / 否, 小计
rows in statistics tables, combined cells (罚款1次0.5万元, 1.5万元（2次）) and spreadsheets printed to
PDF without borders; every record compared field by field, with exactly the warnings it deserves."""
from __future__ import annotations

import pytest

from tests.test_roundtrip import diff
from tests.test_variety import records_of
from tests.test_variety2 import BAD_WARNINGS
from tests.variety3.build import CASES, build


@pytest.fixture(scope="session")
def built3(tmp_path_factory):
    out = tmp_path_factory.mktemp("variety3")
    return out, {c["name"]: c for c in build(out)}


def test_every_gap_has_returns_in_several_formats(built3):
    out, cases = built3
    assert len(cases) >= 14
    assert {(out / c["file"]).suffix for c in cases.values()} >= {".docx", ".doc", ".xlsx", ".xls", ".pdf"}


@pytest.mark.parametrize("name", [fn.__name__ for fn in CASES])
def test_variety3_return_field_by_field(built3, name):
    out, cases = built3
    c = cases[name]
    recs = records_of(out / c["file"])
    assert [r.form_type for r in recs] == [e["form_type"] for e in c["records"]]
    problems = []
    for e, rec in zip(c["records"], recs):
        problems += diff(e["data"], rec.data) + diff(e["header"], rec.header, "header")
        wanted = set(e.get("warnings", []))
        got = {w["code"] for w in rec.warnings}
        problems += [f"missing warning {code}" for code in wanted - got]
        problems += [f"unexpected warning {w}" for w in rec.warnings
                     if w["code"] in BAD_WARNINGS and w["code"] not in wanted]
        messages = " ".join(w["message"] for w in rec.warnings)
        problems += [f"no warning names {word!r}: {messages}" for word in e.get("messages", [])
                     if word not in messages]
    assert not problems, "\n".join(problems)
