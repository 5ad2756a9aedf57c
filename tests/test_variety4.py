"""A fourth round of other people's returns (tests/variety4/build.py, issue 13): registers and
checklists as provincial systems export them, 003's text rows, 汇总 sheets with text rows, the
调度表's 村 written elsewhere; every record compared field by field. Then what a wrong guess keeps
(data.unused_cells, demotion to unknown with low_recognition), the recogniser's score in the
records workbook, and registers and checklists turned into ledger hazards."""
from __future__ import annotations

import openpyxl
import pytest

from generators.records_xlsx import write_records_xlsx
from ledger import lifecycle, queries
from ledger.db import connect
from parsers import pipeline
from parsers.model import Document, Paragraph, Table
from parsers.readers import read_file
from parsers.recognize import records_from_document
from schema.spec import load_spec
from tests.variety.compare import case_problems, records_of
from tests.variety4.build import CASES, HAZARDS, build

# cases still read wrong, each with why (strict: a case that starts passing must leave this list)
KNOWN_GAPS = {
}


@pytest.fixture(scope="session")
def built4(tmp_path_factory):
    out = tmp_path_factory.mktemp("variety4")
    return out, {c["name"]: c for c in build(out)}


def test_forty_returns_in_every_format(built4):
    out, cases = built4
    assert len(cases) >= 40
    assert {(out / c["file"]).suffix for c in cases.values()} >= {".docx", ".doc", ".xlsx", ".xls", ".pdf"}
    assert set(KNOWN_GAPS) <= set(cases)


@pytest.mark.parametrize("name", [
    pytest.param(fn.__name__, marks=pytest.mark.xfail(reason=KNOWN_GAPS[fn.__name__], strict=True))
    if fn.__name__ in KNOWN_GAPS else fn.__name__ for fn in CASES])
def test_variety4_return_field_by_field(built4, name):
    out, cases = built4
    problems = case_problems(cases[name], out)
    assert not problems, "\n".join(problems)


def test_register_rows_are_not_its_subtotals_and_its_text_rows_are_kept(built4):
    out, cases = built4
    [rec] = records_of(out / cases["subtotals_xlsx"]["file"])
    assert len(rec.data["rows"]) == 6                       # 小计 / 合计 rows are no hazards…
    assert [c["text"] for c in rec.data["unused_cells"]] == ["2项", "2项", "2项", "6项"]   # …but kept
    [summary] = records_of(out / cases["campaign_summary_xls"]["file"])
    kept = " ".join(c["text"] for c in summary.data["unused_cells"])
    assert "各镇街成立专班" in kept and "持续开展回头看" in kept      # 主要做法 / 下步打算 rows: no towns


def _register_table() -> Table:
    head = ["序号", "企业名称", "隐患部位", "隐患描述", "隐患类型", "隐患等级", "整改措施", "责任人", "整改期限", "状态"]
    return Table.from_grid([head] + [[str(i)] + [h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]]
                                     for i, h in enumerate(HAZARDS, 1)], part="table 1")


def _doc(*blocks) -> Document:
    return Document(blocks=list(blocks), path="t.docx", format="docx", sha256="0" * 64)


def test_a_wrong_guess_keeps_every_cell_it_did_not_use():
    """A register read as the only list form known (重大隐患统计表): the columns that form lacks are
    in data.unused_cells, so every filled cell is a value, a label of the form or an unused cell."""
    table = _register_table()
    [rec] = records_from_document(_doc(Paragraph("隐患清单"), table), [load_spec("major_hazard_list")])
    assert rec.form_type == "major_hazard_list"
    unused = {(c["row"], c["col"]): c["text"] for c in rec.data["unused_cells"]}
    assert unused[(1, 4)] == "设备设施" and unused[(5, 9)] == "已验收"     # 隐患类型, 状态 values
    values = {str(v) for row in rec.data["rows"] for v in row.values()}
    labels = {"序号", "企业名称", "隐患描述", "整改措施", "责任人", "整改期限"}
    for c in table.cells:
        if c.text.strip():
            assert c.text in values or c.text in labels or (c.row, c.col) in unused, c.text


def test_a_guess_using_little_of_its_table_becomes_unknown_with_every_cell():
    """The same register under a 督导检查表 title with only that form known: the few cells a
    督导检查表 would take are no record; the table stays whole, the guess named."""
    table = _register_table()
    [rec] = records_from_document(_doc(Paragraph("镇（街道）、部门督导检查表"), table), [load_spec("supervision_check")])
    assert rec.form_type == "unknown"
    assert rec.data["tables"] == [table.grid()]
    [w] = rec.warnings
    assert w["code"] == "low_recognition" and "督导检查表" in w["message"]
    assert rec.source["score"] >= 0.34                     # it had been accepted


def test_recogniser_score_in_the_record_and_the_workbook(tmp_path, built4):
    out, cases = built4
    recs = records_of(out / cases["provincial_export_xlsx"]["file"]) + records_of(out / "值班表.xlsx")
    assert [r.form_type for r in recs] == ["hazard_register", "unknown"]
    assert recs[0].source["score"] > 0.5 > recs[1].source["score"]
    book = openpyxl.load_workbook(write_records_xlsx([r.to_json() for r in recs], tmp_path / "r.xlsx"))
    for ws in (book[s] for s in book.sheetnames if s not in ("错误", "文件")):
        head = [c.value for c in ws[1]]
        assert "识别得分" in head
        assert isinstance(ws.cell(2, head.index("识别得分") + 1).value, float)


def test_registers_and_checklists_become_hazards(tmp_path, built4):
    out, cases = built4
    returns = tmp_path / "returns"
    returns.mkdir()
    for name in ("hazard_register_shared_hazard_town", "checklist_docx_docx"):
        (returns / cases[name]["file"]).write_bytes((out / cases[name]["file"]).read_bytes())
    db = tmp_path / "台账.db"
    pipeline.parse([returns], db=db, workers=1, progress=False)
    con = connect(db)
    try:
        hazards = {h["description"]: h for h in queries.hazards(con)}
    finally:
        con.close()
    tank = hazards["油罐区无静电接地装置"]
    assert (tank["enterprise"], tank["level"], tank["deadline"]) == ("晋城市城区兴旺加油站", "major", "2023-05-10")
    assert tank["measure"] == "安装静电接地装置并检测" and tank["reporting_unit"] == "金村镇人民政府"
    assert hazards["库房违规住人"]["level"] == "major"
    # the checklist's items marked 否 / × / 不符合 are hazards, told by their 存在问题
    from_checklist = {d for d, h in hazards.items() if h["enterprise"] == "晋城市城区恒通物流园" and d != "库房违规住人"}
    assert from_checklist == {"安全管理人员证书过期", "2具灭火器过期", "仓库内有2人住宿", "车间线路未套管"}


def test_one_hazard_in_two_returns_is_one_hazard(tmp_path, built4, ledger_target):
    """The town's 台账 and the 应急管理局's both list the 加油站's 油罐区 hazard: one hazard, both
    returns its sources (the second an event in its history); the others stay one each."""
    out, cases = built4
    returns = tmp_path / "returns"
    returns.mkdir()
    for name in ("hazard_register_shared_hazard_town", "hazard_register_shared_hazard_department"):
        (returns / cases[name]["file"]).write_bytes((out / cases[name]["file"]).read_bytes())
    pipeline.parse([returns], db=ledger_target, workers=1, progress=False)
    con = connect(ledger_target)
    try:
        all_ = queries.hazards(con)
        [tank] = [h for h in all_ if h["description"] == "油罐区无静电接地装置"]
        page = queries.hazard(con, tank["id"])
        events = [e["action"] for e in lifecycle.history(con, tank["id"])]
    finally:
        con.close()
    assert sorted(h["description"] for h in all_) == ["库房违规住人", "氨制冷机房未设置氨气浓度报警装置", "油罐区无静电接地装置"]
    assert sorted(s["reporting_unit"] for s in page["sources"]) == ["城区应急管理局", "金村镇人民政府"]
    assert {s["path"].rsplit("/", 1)[-1] for s in page["sources"]} == {"隐患台账-金村镇.xlsx", "隐患台账-应急局.xlsx"}
    assert events == ["found", "reported_again"]
    assert page["dedup_key"] == "晋城市城区兴旺加油站|油罐区无静电接地装置"


def _hz_register(unit: str, rows: list[tuple[str, str]], fill: str = "2023-04-08"):
    from schema.record import Record
    return Record("hazard_register", "隐患排查治理台账", header={"reporting_unit": unit, "fill_date": fill},
                  data={"rows": [{"seq": i, "enterprise": e, "description": d, "level": "一般隐患"}
                                 for i, (e, d) in enumerate(rows, 1)]})


def test_hazards_merge_only_within_one_enterprise_and_survive_a_source_going(ledger_target):
    """The key is the enterprise (its ledger entry) and the normalised description: the same text of
    two enterprises is two hazards, 1.卸油口未设置防溢油措施。 is 卸油口未设置防溢油措施; a 销号
    hazard reported again is a new one; when the first return is superseded without it, the hazard
    stays, the other return now its source."""
    from ledger import store
    src = lambda n: {"path": f"回执/{n}.xlsx", "sha256": n * 8, "format": "xlsx"}   # noqa: E731
    con = connect(ledger_target)
    try:
        a = store.import_records(con, src("a"), [_hz_register("金村镇人民政府", [("晋城市城区兴旺加油站", "卸油口未设置防溢油措施"),
                                                                          ("晋城市城区宏达建材有限公司", "消防通道堵塞")])])
        b = store.import_records(con, src("b"), [_hz_register("城区应急管理局", [
            ("晋城市城区 兴旺加油站", "1.卸油口未设置防溢油措施。"), ("晋城市城区恒通物流园", "消防通道堵塞")])])
        assert (a.hazards_new, b.hazards_new, b.hazards_merged) == (2, 1, 1)
        hz = {(h["enterprise"], h["description"]): h for h in queries.hazards(con)}
        assert len(hz) == 3 and ("晋城市城区恒通物流园", "消防通道堵塞") in hz
        oil = hz[("晋城市城区兴旺加油站", "卸油口未设置防溢油措施")]
        # the town corrects its return without the hazard: the department's return still reports it
        a2 = store.import_records(con, src("c"), [_hz_register("金村镇人民政府", [("晋城市城区宏达建材有限公司", "消防通道堵塞")],
                                                               fill="2023-04-09")])
        assert a2.superseded
        kept = queries.hazard(con, oil["id"])
        assert kept["active"] and kept["record_id"] == b.record_ids[0] and kept["reporting_unit"] == "城区应急管理局"
        assert [s["record_id"] for s in kept["sources"]] == [b.record_ids[0]]
        con.execute("UPDATE hazards SET status = 'closed' WHERE id = ?", (oil["id"],))
        c = store.import_records(con, src("d"), [_hz_register("南村镇人民政府", [("晋城市城区兴旺加油站", "卸油口未设置防溢油措施")])])
        assert c.hazards_new == 1 and c.hazards_merged == 0
    finally:
        con.close()


def test_5000_row_register_is_read_whole(built4):
    out, cases = built4
    [doc] = list(read_file(out / cases["hazard_register_5000_rows"]["file"]))
    [rec] = records_from_document(doc)
    assert len(rec.data["rows"]) == 5000 and "unused_cells" not in rec.data


def test_item_keeps_its_own_number_and_answer_yes_to_a_question_mentioning_wei():
    """An item numbered (1) under 序号 2 keeps its (1); 是 to 电源线路是否规范（无老化、未套管） is
    yes (未 there is no question asked negatively); 是 to …是否存在…未套管现象 is no; an answer typed
    after the item is read when the table has no result column."""
    table = Table.from_grid([["序号", "自查内容", "自查结果"], ["1", "1.消防通道是否畅通", "√"],
                             ["2", "（1）灭火器是否在有效期内", "×"],
                             ["3", "电源线路是否规范（无老化、未套管）", "是"],
                             ["4", "电源线路是否存在老化或未套管现象", "是"]], part="table 1")
    [rec] = records_from_document(_doc(Paragraph("生产经营单位自查表"), Paragraph("企业名称：某公司"), table))
    assert [(i["no"], i["content"], i["self_result"]) for i in rec.data["items"]] == [
        (1, "消防通道是否畅通", "yes"), (2, "（1）灭火器是否在有效期内", "no"),
        (3, "电源线路是否规范（无老化、未套管）", "yes"), (4, "电源线路是否存在老化或未套管现象", "no")]
    table = Table.from_grid([["序号", "自查内容"], ["1", "消防通道是否畅通 √"], ["2", "有无应急预案：无"],
                             ["3", "是否存在违规住人现象（无）"], ["4", "安全出口有无"]], part="table 1")
    [rec] = records_from_document(_doc(Paragraph("生产经营单位自查表"), Paragraph("企业名称：某公司"), table))
    assert [(i["content"], i.get("self_result")) for i in rec.data["items"]] == [
        ("消防通道是否畅通", "yes"), ("有无应急预案", "no"), ("是否存在违规住人现象", "yes"), ("安全出口有无", None)]


def test_an_item_holding_a_numbered_list_keeps_its_numbers_and_lines():
    """1.消防通道是否畅通；/2.灭火器是否在有效期内 in one cell stays as written (was …畅通；2.灭火器…)."""
    table = Table.from_grid([["序号", "检查项目", "检查内容", "检查结果"],
                             ["1", "消防", "1.消防通道是否畅通；\n2.灭火器是否在有效期内", "√"],
                             ["2", "用电", "配电箱是否\n上锁", "×"]], part="table 1")
    [rec] = records_from_document(_doc(Paragraph("企业安全检查表"), Paragraph("被检查单位：某公司"), table))
    assert [i["content"] for i in rec.data["items"]] == ["1.消防通道是否畅通；\n2.灭火器是否在有效期内", "配电箱是否上锁"]
