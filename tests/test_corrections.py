"""Corrections of record fields on real returns: drawn forms parsed into a ledger, a value fixed by a
person, and the statistics workbook, the hazards and the 通报 follow; the audit trail says who, when,
what, before and after; re-importing the file and re-opening the ledger keep the correction."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from docx import Document

from generators.forms import draw_form
from generators.stats import write_stats_workbook
from generators.summary import summary
from ledger import queries
from ledger.corrections import accept_field, correct_field, flagged_fields, record_history
from ledger.db import connect
from parsers import pipeline
from schema.errors import PaichaError

UNIT = "北石店镇人民政府"
COUNT = "data.rows[0].general_hazards_found"


@pytest.fixture
def ledger(tmp_path, ledger_target):
    """A 统计表 whose first row's 一般隐患排查 reads 若干 (flagged) and a 督导检查表 with two problems."""
    returns = tmp_path / "returns"
    returns.mkdir()
    header = {"reporting_unit": UNIT, "fill_date": "2023-03-10"}
    draw_form("campaign_stats", returns / "统计表.docx", {"rows": [
        {"unit": "第一检查组", "inspection_groups": 1, "general_hazards_found": "若干", "general_hazards_fixed": 3},
        {"unit": "第二检查组", "inspection_groups": 1, "general_hazards_found": 2, "general_hazards_fixed": 2}]},
        header)
    draw_form("supervision_check", returns / "督导检查表.docx", {
        "enterprise": "长治市宏达化工有限公司", "check_date": "2023-03-09", "inspectors": ["王强", "李明"],
        "problems": ["消防通道堵塞", "灭火器过期"], "measures": ["清理通道", "更换灭火器"],
        "deadline": "2023-03-31", "responsible": "张三"}, header)
    db = ledger_target
    pipeline.parse([returns], db=db, workers=1, progress=False)
    con = connect(db)
    yield tmp_path, db, con, returns
    con.close()


def _record_id(con, form_type: str) -> int:
    return queries.records(con, form_type=form_type)[0]["id"]


def _sheet_total(book: Path, column: int) -> object:
    ws = openpyxl.load_workbook(book)["镇（街道）、部门大排查大整治行动统计表"]
    return next(r for r in ws.iter_rows(values_only=True) if r[0] == "合计")[column]


def test_a_corrected_count_reaches_the_workbook_and_the_summary(ledger):
    tmp, db, con, returns = ledger
    rid = _record_id(con, "campaign_stats")
    flagged = [f for f in flagged_fields(con) if f["path"] == COUNT]
    assert len(flagged) == 1
    assert flagged[0]["value"] == "若干" and flagged[0]["record_id"] == rid
    assert flagged[0]["source_path"].endswith("统计表.docx") and flagged[0]["message"]
    assert flagged_fields(con, {"form_type": "supervision_check"}) == []
    assert _sheet_total(write_stats_workbook(db, tmp / "前.xlsx", period="2023-03"), 2) == 2   # 若干 counts 0

    with pytest.raises(PaichaError, match="一般隐患"):
        correct_field(con, rid, COUNT, "很多", actor="李四", reason="电话核实")
    with pytest.raises(PaichaError, match="没有字段"):
        correct_field(con, rid, "data.rows[5].general_hazards_found", "7", actor="李四", reason="")
    done = correct_field(con, rid, COUNT, "7项", actor="李四", reason="电话核实")
    assert (done.old, done.new) == ("若干", 7) and done.cleared[0]["field"] == COUNT
    assert [f for f in flagged_fields(con) if f["path"] == COUNT] == []
    stats = queries.stats_rows(con, "campaign_stats")
    assert [r["data"]["general_hazards_found"] for r in stats] == [7, 2]

    # the audit trail: who, when, what, before, after, why, and the warning it cleared
    history = record_history(con, rid)
    assert [(h["kind"], h["action"], h["actor"], h["path"], h["old"], h["new"], h["note"]) for h in history] == [
        ("correction", "corrected", "李四", COUNT, "若干", 7, "电话核实")]
    assert history[0]["at"] and history[0]["cleared"] == done.cleared

    # the same file again changes nothing; the ledger re-opened keeps the correction
    again = pipeline.parse([returns], db=db, workers=1, progress=False)
    assert again.files_seen == 2
    con2 = connect(db)
    try:
        assert queries.records(con2, form_type="campaign_stats")[0]["record"]["data"]["rows"][0][
            "general_hazards_found"] == 7
        assert len(queries.records(con2)) == 2
    finally:
        con2.close()
    assert _sheet_total(write_stats_workbook(db, tmp / "后.xlsx", period="2023-03"), 2) == 9
    summary(db, tmp / "通报.docx", period="2023-03", organ="晋城市城区安全生产委员会办公室")
    text = "\n".join(p.text for p in Document(str(tmp / "通报.docx")).paragraphs)
    assert "排查一般隐患9项、已整改5项" in text


def test_a_corrected_problem_text_the_hazard_follows(ledger):
    _, _, con, _ = ledger
    rid = _record_id(con, "supervision_check")
    before = {h["description"]: h for h in queries.hazards(con)}
    assert set(before) == {"消防通道堵塞", "灭火器过期"}
    done = correct_field(con, rid, "data.problems", ["消防通道堵塞", "灭火器已过期失效"], actor="王五",
                         reason="原件核对")
    assert done.new == ["消防通道堵塞", "灭火器已过期失效"]
    assert (done.hazards_kept, done.hazards_new, done.hazards_dropped) == (1, 1, 1)
    after = {h["description"]: h for h in queries.hazards(con)}
    assert set(after) == {"消防通道堵塞", "灭火器已过期失效"}
    kept = after["消防通道堵塞"]
    assert kept["id"] == before["消防通道堵塞"]["id"] and kept["measure"] == "清理通道"
    assert after["灭火器已过期失效"]["measure"] == "更换灭火器" and after["灭火器已过期失效"]["status"] == "open"
    events = [tuple(r) for r in con.execute("SELECT action, actor FROM hazard_events WHERE hazard_id = ?"
                                            " ORDER BY id", (kept["id"],))]
    assert events == [("found", "导入"), ("corrected", "王五")]
    dropped = before["灭火器过期"]["id"]
    assert con.execute("SELECT active FROM hazards WHERE id = ?", (dropped,)).fetchone()[0] == 0
    assert con.execute("SELECT COUNT(*) FROM inspections WHERE record_id = ?", (rid,)).fetchone()[0] == 1

    # a deadline corrected: the hazards keep their ids and take the new deadline
    correct_field(con, rid, "data.deadline", "2023年4月15日", actor="王五", reason="")
    assert {h["id"]: h["deadline"] for h in queries.hazards(con)} == {
        h["id"]: "2023-04-15" for h in after.values()}


def test_a_flagged_value_accepted_as_right(ledger):
    _, _, con, _ = ledger
    rid = _record_id(con, "campaign_stats")
    with pytest.raises(PaichaError, match="没有待核对的提示"):
        accept_field(con, rid, "data.rows[1].general_hazards_found", actor="李四")
    done = accept_field(con, rid, COUNT, actor="李四", reason="原件如此")
    assert done.old == done.new == "若干"
    assert [f for f in flagged_fields(con) if f["path"] == COUNT] == []
    row = con.execute("SELECT old_value, new_value, actor, action FROM corrections WHERE record_id = ?",
                      (rid,)).fetchone()
    assert tuple(row) == ('"若干"', '"若干"', "李四", "accepted")
    assert queries.stats_rows(con, "campaign_stats")[0]["data"]["general_hazards_found"] == "若干"
