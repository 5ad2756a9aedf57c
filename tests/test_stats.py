"""Statistics workbook: official merged headers, 合计 computed, numbers agree with the recount, no formulas."""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generators.stats import write_stats_workbook
from ledger.db import connect
from ledger.store import import_records
from schema.errors import InputError
from schema.record import Record
from test_aggregate import CAMPAIGN_KEYS, build_ledger, recount

CAMPAIGN = "镇（街道）、部门大排查大整治行动统计表"


@pytest.fixture(scope="session")
def workbook(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("stats")
    db = build_ledger(d / "台账.db")
    return write_stats_workbook(db, d / "统计表.xlsx")


def _spans(ws) -> dict[str, tuple[int, int]]:
    """Header text → (rows, cols) it spans."""
    out = {}
    for rng in ws.merged_cells.ranges:
        v = ws.cell(rng.min_row, rng.min_col).value
        if isinstance(v, str):
            out[v] = (rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1)
    return out


def _row_of(ws, text: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == text)


def test_campaign_sheet_has_the_seed_header(workbook):
    ws = load_workbook(workbook)[CAMPAIGN]
    spans = _spans(ws)
    # 000 附件4: group headings over their columns, single columns spanning the header rows
    assert spans["集中行动开展情况"] == (1, 4)
    assert spans["执法情况"] == (1, 7)
    assert spans["追责情况"] == (1, 2) and spans["追究"] == (1, 2)
    assert spans["问责曝光工作不力情况"] == (1, 3)
    assert spans["一般隐患"] == (1, 2) and spans["重大隐患"] == (1, 2)
    assert spans["检查组"] == (3, 1) and spans["典型案例（详另情报）"] == (3, 1)
    units = [c.value for c in ws[_row_of(ws, "合计") - 3]]
    assert units[1:5] == ["（个）", "（项）", "（项）", "（项）"] and "（万）" in units
    assert ws.freeze_panes == f"B{_row_of(ws, '合计') - 2}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1


def test_total_row_is_the_sum_and_matches_recount(workbook):
    ws = load_workbook(workbook)[CAMPAIGN]
    total = _row_of(ws, "合计")
    header = [ws.cell(r, c).value for r in range(total - 4, total - 1) for c in range(1, ws.max_column + 1)]
    assert "排查" in header
    units = [ws.cell(r, 1).value for r in range(total - 2, total)]
    assert units == ["北石店镇", "西上庄街道"]
    # column C = 一般隐患排查, D = 整改, K = 行政罚款
    for col, key in ((3, "general_hazards_found"), (4, "general_hazards_fixed"), (10, "fines_wan")):
        cells = [ws.cell(r, col) for r in range(total - 2, total + 1)]
        assert all(c.data_type == "n" for c in cells)          # numbers, not formulas
        assert Fraction(str(cells[-1].value)) == sum(Fraction(str(c.value)) for c in cells[:-1])
        assert Fraction(str(cells[-1].value)) == recount("campaign_stats", CAMPAIGN_KEYS)[key]
    assert ws.cell(total, 10).number_format == "0.00" and ws.cell(total, 3).number_format == "0"


def test_other_sheets(workbook):
    wb = load_workbook(workbook)
    assert {"全市安全检查督导情况统计表", "调度表（汇总）", "调度表（分村）", "隐患台账", "核对情况"} <= set(wb.sheetnames)
    haz = wb["隐患台账"]
    assert haz.cell(2, 1).value == "序号" and haz.freeze_panes == "C3"
    levels = {haz.cell(r, 6).value for r in range(3, haz.max_row + 1)}
    assert levels == {"一般隐患", "重大隐患"}
    assert any(haz.cell(r, 11).value == "逾期" for r in range(3, haz.max_row + 1))
    village = wb["调度表（分村）"]
    total = _row_of(village, "合计")
    assert village.cell(total, 2).value == recount("progress_dispatch", ["self_found"])["self_found"]
    assert "西上庄街道" in [c.value for c in wb["核对情况"]["A"]]


def test_hostile_unit_name_stays_text(tmp_path):
    db = tmp_path / "l.db"
    con = connect(db)
    evil = "=HYPERLINK(\"http://x\",\"点我\")"
    rec = Record("campaign_stats", CAMPAIGN, header={"reporting_unit": evil, "fill_date": "2023-03-10"},
                 data={"rows": [{"general_hazards_found": 3, "general_hazards_fixed": 1}]})
    import_records(con, {"path": "evil.xlsx", "format": "xlsx", "sha256": "evil"}, [rec])
    con.close()
    wb = load_workbook(write_stats_workbook(db, tmp_path / "s.xlsx", period="2023-W10", layout="campaign_stats"))
    ws = wb[CAMPAIGN]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
    assert all(not (isinstance(c.value, str) and c.value.startswith("=") and c.data_type == "f")
               for row in ws.iter_rows() for c in row)


def test_empty_period_and_bad_arguments(workbook, tmp_path):
    db = workbook.parent / "台账.db"
    wb = load_workbook(write_stats_workbook(db, tmp_path / "e.xlsx", period="2019-01"))
    ws = wb[CAMPAIGN]
    assert any(ws.cell(r, 1).value == "本统计期没有收到此表。" for r in range(1, 6))
    assert wb["隐患台账"].max_row <= 2
    with pytest.raises(InputError):
        write_stats_workbook(db, tmp_path / "x.xlsx", layout="nonsense")
    with pytest.raises(InputError):
        write_stats_workbook(db, tmp_path / "x.csv")
    with pytest.raises(InputError):
        write_stats_workbook(tmp_path / "none.db", tmp_path / "x.xlsx")


def test_hazard_sheet_written_row_by_row_keeps_text_as_text(tmp_path):
    """The 隐患台账 is streamed (write-only): a styled header, and hostile text stays text."""
    from ledger.db import transaction
    db = tmp_path / "l.db"
    con = connect(db)
    evil = ["=1+1", "+SUM(A1:A9)", "-2", "@cmd", "普通描述"]
    with transaction(con):
        con.executemany("INSERT INTO hazards (enterprise, town, description, level, origin, found_date, deadline,"
                        " status) VALUES (?, '北石店镇', ?, 'general', 'manual', '2023-03-05', '2023-03-10', 'open')",
                        [(f"企业{i}", d) for i, d in enumerate(evil)])
    con.close()
    ws = load_workbook(write_stats_workbook(db, tmp_path / "s.xlsx", period="2023-03"))["隐患台账"]
    assert ws.cell(1, 1).value == "隐患台账（2023年3月，共5项）" and ws.cell(1, 1).font.b
    assert "A1:M1" in [str(r) for r in ws.merged_cells.ranges]
    assert ws.cell(2, 5).value == "隐患描述" and ws.cell(2, 5).font.b and ws.cell(2, 5).border.left.style == "thin"
    descriptions = [ws.cell(r, 5) for r in range(3, 8)]
    assert sorted(c.value for c in descriptions) == sorted(evil)
    assert all(c.data_type == "s" for c in descriptions)
    assert [ws.cell(r, 1).value for r in range(3, 8)] == [1, 2, 3, 4, 5]     # 序号 numbers
    assert {ws.cell(r, 11).value for r in range(3, 8)} == {"逾期"}
    assert ws.freeze_panes == "C3" and ws.auto_filter.ref == "A2:M7"
