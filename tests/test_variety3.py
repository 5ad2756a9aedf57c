"""A third round of other people's returns (tests/variety3/build.py): 自查表 answered 是 / 否, 小计
rows in statistics tables, combined cells (罚款1次0.5万元, 1.5万元（2次）) and spreadsheets printed to
PDF without borders; every record compared field by field, with exactly the warnings it deserves."""
from __future__ import annotations

import pytest

from tests.variety.compare import case_problems
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
    problems = case_problems(cases[name], out)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("text,want", [
    ("罚款1次0.5万元", ["1次", "0.5万元"]), ("处罚2次，罚款1.5万元", ["2次", "1.5万元"]),
    ("2次（1.5万元）", ["2次", "1.5万元"]), ("1.5万元（2次）", ["2次", "1.5万元"]), ("2次（15000元）", ["2次", "15000元"]),
    ("3，1.5", ["3", "1.5"]), ("无", ["无", "无"]), ("", ["", ""]), ("没罚", ["没罚", ""]),
])
def test_penalty_cell_numbers_by_unit(text, want):
    """行政处罚（次，万元）: each number goes to the part of its unit, unit-less ones in order."""
    from parsers.extract import split_parts
    from schema.spec import load_spec
    f = next(f for f in load_spec("progress_dispatch").all_fields() if [p.key for p in f.parts] == ["penalties", "penalty_wan"])
    assert split_parts(f.parts, text) == want


def test_labelled_part_takes_the_number_after_its_label():
    from parsers.extract import split_parts
    from schema.spec import load_spec
    fields = {tuple(p.key for p in f.parts): f for f in load_spec("progress_dispatch").all_fields() if f.parts}
    cases = fields[("typical_cases", "dangerous_operation_cases")]
    assert split_parts(cases.parts, "其中危险作业罪案例1个，共2个") == ["2个", "1个"]
    assert split_parts(fields[("suspended", "closed")].parts, "关闭2家") == ["", "2家"]
