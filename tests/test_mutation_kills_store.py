"""ledger/store.py: what mutation testing (bench/mutation.sh) found the ledger tests do not pin. Expected
values are worked out by hand from the form specs (schema/forms/*.yaml ledger blocks), hazard_text.yaml and
the documented behaviour (a corrected resubmission carries its hazards over; a suspect one waits for a person)."""
from __future__ import annotations

import hashlib

import pytest

from ledger import store
from ledger.db import connect
from schema.record import Record


@pytest.fixture
def con(ledger_target):
    c = connect(ledger_target)
    yield c
    c.close()


def src(name, sha):
    return {"path": f"回执/{name}", "sha256": sha, "format": "docx"}


def supervision(problems, measures, responsible, deadline, fill):
    return Record("supervision_check", "镇（街道）、部门督导检查表",
                  header={"reporting_unit": "北石店镇人民政府", "fill_date": fill},
                  data={"enterprise": "长治市宏达化工有限公司", "check_date": "2023-03-09", "inspectors": ["王强"],
                        "problems": problems, "measures": measures, "deadline": deadline,
                        "responsible": responsible})


def self_check(result, fill):
    return Record("self_check", "生产经营单位自查表", header={"fill_date": fill},
                  data={"enterprise": {"name": "长治市宏达化工有限公司", "town": "北石店镇"},
                        "items": [{"no": 14, "content": "消防设施是否完好有效", "self_result": result}]})


@pytest.mark.parametrize("item,statement", [
    ("是否建立安全生产责任制？", "未建立安全生产责任制"),        # the question mark goes, 是否 → 未
    ("  是否按规定开展安全培训。 ", "未按规定开展安全培训"),
    ("是否按规定配置X", "未按规定配置X"),                      # only ？?。 are stripped, not letters
    ("疏散通道是否畅通?", "疏散通道不畅通"),
    ("是否建立制度，是否落实到人", "不符合要求：是否建立制度，是否落实到人"),  # two questions: which failed?
    ("", ""),
])
def test_hazard_statement(item, statement):
    assert store.hazard_statement(item) == statement


def test_import_from_a_path_hashes_the_file(con, tmp_path):
    f = tmp_path / "督导检查表.docx"
    f.write_bytes(b"PK\x03\x04 not really a docx")
    rec = supervision(["消防通道堵塞"], ["清理"], "张三", "2023-03-31", "2023-03-10")
    result = store.import_records(con, {"format": "docx"}, [rec], path_on_disk=f)
    row = con.execute("SELECT sha256, path FROM sources WHERE id = ?", (result.source_id,)).fetchone()
    assert (row[0], row[1]) == (hashlib.sha256(f.read_bytes()).hexdigest(), str(f))
    assert store.import_records(con, {"format": "docx"}, [rec], path_on_disk=f).status == "unchanged"


def test_a_carried_hazard_takes_the_new_details_and_keeps_its_status(con):
    store.import_records(con, src("a.docx", "a"), [supervision(["消防通道堵塞"], ["清理杂物"], "张三",
                                                               "2023-03-31", "2023-03-10")])
    hid = con.execute("SELECT id FROM hazards").fetchone()[0]
    con.execute("UPDATE hazards SET status = 'rectified' WHERE id = ?", (hid,))
    new = store.import_records(con, src("b.docx", "b"), [supervision(["消防通道堵塞"], ["清理杂物并设置标识"],
                                                                     "李四", "2023-04-15", "2023-03-12")])
    assert new.hazards_kept == 1
    row = con.execute("SELECT record_id, measure, responsible, deadline, status, enterprise_id FROM hazards"
                      " WHERE id = ?", (hid,)).fetchone()
    eid = con.execute("SELECT id FROM enterprises WHERE name = '长治市宏达化工有限公司'").fetchone()[0]
    assert tuple(row) == (new.record_ids[0], "清理杂物并设置标识", "李四", "2023-04-15", "rectified", eid)
    ev = con.execute("SELECT action, from_status, to_status FROM hazard_events WHERE hazard_id = ? ORDER BY id",
                     (hid,)).fetchall()
    assert [tuple(e) for e in ev] == [("found", None, "open"), ("resubmitted", "rectified", "rectified")]


def test_a_carried_hazard_keeps_details_the_resubmission_leaves_out(con):
    store.import_records(con, src("a.docx", "a"), [supervision(["消防通道堵塞"], ["清理杂物"], "张三",
                                                               "2023-03-31", "2023-03-10")])
    store.import_records(con, src("b.docx", "b"), [supervision(["消防通道堵塞"], [], None, None, "2023-03-12")])
    row = con.execute("SELECT measure, responsible, deadline FROM hazards WHERE active = 1").fetchone()
    assert tuple(row) == ("清理杂物", "张三", "2023-03-31")


def test_the_rectifying_note_follows_the_carried_hazard(con):
    first = store.import_records(con, src("a.docx", "a"), [self_check("rectifying", "2023-03-06")])
    second = store.import_records(con, src("b.docx", "b"), [self_check("rectifying", "2023-03-08")])
    notes = [r[0] for r in con.execute("SELECT note FROM hazard_events ORDER BY id")]
    assert notes == ["企业自查：整改中",
                     f"更正报送：记录 {first.record_ids[0]} 由记录 {second.record_ids[0]} 取代；企业自查：整改中"]
    assert con.execute("SELECT description FROM hazards").fetchone()[0] == "消防设施不完好有效"


def _suspect(con):
    """A 统计表 return and a resubmission that lost both its rows: held as suspect."""
    def campaign(rows, sha, fill):
        rec = Record("campaign_stats", "镇（街道）、部门大排查大整治行动统计表",
                     header={"reporting_unit": "北石店镇人民政府", "fill_date": fill, "period": "2023-03"},
                     data={"rows": [{"unit": f"第{i + 1}组", "general_hazards_found": 2} for i in range(rows)]})
        return store.import_records(con, src(f"{sha}.xlsx", sha), [rec]).record_ids[0]
    old = campaign(2, "old", "2023-03-24")
    new = campaign(0, "new", "2023-03-25")
    assert con.execute("SELECT review FROM records WHERE id = ?", (new,)).fetchone()[0] == "suspect"
    return old, new


def _last_event(con, rid):
    return tuple(con.execute("SELECT actor, action, note FROM record_events WHERE record_id = ? ORDER BY id DESC",
                             (rid,)).fetchone())


def test_reject_without_a_reason(con):
    old, new = _suspect(con)
    store.reject_resubmission(con, new, "王科长")
    assert _last_event(con, new) == ("王科长", "rejected", f"不予采用，记录 {old} 仍为当前记录")


def test_reject_with_a_reason(con):
    old, new = _suspect(con)
    store.reject_resubmission(con, new, "王科长", "原件完好，传输损坏")
    assert _last_event(con, new) == ("王科长", "rejected", f"不予采用，记录 {old} 仍为当前记录：原件完好，传输损坏")


def test_accept_without_a_reason(con):
    old, new = _suspect(con)
    store.accept_resubmission(con, new, "王科长")
    assert _last_event(con, new) == ("王科长", "accepted", f"确认采用，取代记录 {old}")
    assert con.execute("SELECT superseded_by FROM records WHERE id = ?", (old,)).fetchone()[0] == new


def test_a_record_not_held_as_suspect_cannot_be_accepted_or_rejected(con):
    old, new = _suspect(con)
    with pytest.raises(Exception) as e:
        store.reject_resubmission(con, old, "王科长")
    assert e.value.code == "bad_status" and e.value.message == f"记录 {old} 不是待确认的疑似损坏重报"
    store.reject_resubmission(con, new, "王科长")
    with pytest.raises(Exception) as e:
        store.accept_resubmission(con, new, "王科长")
    assert e.value.code == "bad_status" and e.value.message == f"记录 {new} 已不予采用"
    with pytest.raises(Exception) as e:
        store.reject_resubmission(con, 999, "王科长")
    assert e.value.code == "no_record" and e.value.message == "台账中没有编号为 999 的记录"


def test_hazard_register_rows_give_each_hazard_its_measure_and_level(con):
    rows = [{"enterprise": "甲公司", "town": "北石店镇", "description": "配电箱未接地", "measures": "加装接地线",
             "level": "重大隐患", "deadline": "2023-03-31", "responsible": "张三"},
            {"enterprise": "乙公司", "town": "南庄镇", "description": "消防通道堵塞", "measures": "清理通道",
             "level": "major"},
            {"enterprise": "丙公司", "town": "南庄镇", "description": "灭火器过期", "measures": None, "level": "一般"}]
    rec = Record("hazard_register", "隐患排查治理台账", header={"reporting_unit": "北石店镇人民政府",
                                                          "fill_date": "2023-03-10"}, data={"rows": rows})
    store.import_records(con, src("台账.xlsx", "r"), [rec])
    got = [tuple(r) for r in con.execute("SELECT enterprise, measure, level FROM hazards ORDER BY id")]
    assert got == [("甲公司", "加装接地线", "major"), ("乙公司", "清理通道", "major"), ("丙公司", None, "general")]


def test_a_major_hazard_row_without_a_reporting_unit_takes_its_checking_unit(con):
    rec = Record("major_hazard_list", "非法违法生产经营行为、重大隐患统计表", header={"fill_date": "2023-03-20"},
                 data={"rows": [{"seq": 1, "enterprise": "东沟村砖厂", "checking_unit": "南庄镇", "town": "南庄镇",
                                 "description": "无证生产", "action": "关闭取缔"}]})
    store.import_records(con, src("重大隐患.xlsx", "m"), [rec])
    assert tuple(con.execute("SELECT reporting_unit, level, measure FROM hazards").fetchone()) == \
        ("南庄镇", "major", "关闭取缔")


def test_a_new_enterprise_keeps_its_industry_and_address(con):
    rec = Record("enterprise_register", "生产经营单位摸底登记表",
                 header={"reporting_unit": "北石店镇人民政府", "fill_date": "2023-03-05"},
                 data={"name": "长治市宏达化工有限公司", "town": "北石店镇", "industry": "危险化学品",
                       "address": "北石店镇工业园区8号"})
    store.import_records(con, src("登记表.docx", "e"), [rec])
    assert tuple(con.execute("SELECT town, industry, address FROM enterprises").fetchone()) == \
        ("北石店镇", "危险化学品", "北石店镇工业园区8号")


def test_a_hazard_of_an_unnamed_enterprise_keeps_town_and_industry(con):
    rec = self_check("no", "2023-03-06")
    rec.data["enterprise"] = {"name": "", "town": "北石店镇", "industry": "危险化学品"}
    store.import_records(con, src("自查表.docx", "s"), [rec])
    assert tuple(con.execute("SELECT enterprise, enterprise_id, town, industry FROM hazards").fetchone()) == \
        ("", None, "北石店镇", "危险化学品")


def test_a_source_needs_a_hash_or_a_file(con):
    with pytest.raises(ValueError, match="^source has no sha256 and no path_on_disk$"):
        store.import_records(con, {"path": "a.docx"}, [])


def test_the_part_a_record_came_from_is_stored(con):
    rec = supervision(["消防通道堵塞"], ["清理"], "张三", "2023-03-31", "2023-03-10")
    rec.source["part"] = "第2页"
    (rid,) = store.import_records(con, src("a.docx", "a"), [rec]).record_ids
    assert con.execute("SELECT part FROM records WHERE id = ?", (rid,)).fetchone()[0] == "第2页"


def test_the_suspect_event_carries_the_warning(con):
    old, new = _suspect(con)
    actor, action, note = _last_event(con, new)
    assert (actor, action) == ("导入", "suspect")
    assert note.startswith(f"疑似损坏的重报：本表将取代记录 {old}（回执/old.xlsx，填报日期 2023-03-24），但数据行由 2 行减为 0 行")


def test_a_hazard_takes_the_industry_its_form_gives(con):
    reg = Record("enterprise_register", "生产经营单位摸底登记表",
                 header={"reporting_unit": "北石店镇人民政府", "fill_date": "2023-03-05"},
                 data={"name": "长治市宏达化工有限公司", "town": "北石店镇", "industry": "危险化学品"})
    store.import_records(con, src("登记表.docx", "e"), [reg])
    rec = self_check("no", "2023-03-06")
    rec.data["enterprise"]["industry"] = "工贸"
    store.import_records(con, src("自查表.docx", "s"), [rec])
    assert con.execute("SELECT industry FROM hazards").fetchone()[0] == "工贸"
    assert con.execute("SELECT industry FROM enterprises").fetchone()[0] == "危险化学品"   # the register's stays


# --- one hazard in two returns (the cross-return dedup) -------------------------------------------------

def register(unit, rows, fill="2023-04-08"):
    """A 隐患台账 of `unit`: rows (enterprise, description[, level, measure, deadline, responsible])."""
    keys = ("enterprise", "description", "level", "measures", "deadline", "responsible")
    return Record("hazard_register", "隐患排查治理台账", header={"reporting_unit": unit, "fill_date": fill},
                  data={"rows": [{"seq": i, **dict(zip(keys, r))} for i, r in enumerate(rows, 1)]})


def hazard_rows(con):
    return {(h["enterprise"], h["description"]): dict(h) for h in
            con.execute("SELECT * FROM hazards WHERE active = 1 ORDER BY id").fetchall()}


def sources_of(con, hid):
    return [tuple(r) for r in con.execute("SELECT record_id, reporting_unit FROM hazard_sources WHERE hazard_id = ?"
                                          " ORDER BY id", (hid,))]


def test_hazard_key_is_the_enterprise_and_the_description_or_nothing():
    assert store.hazard_key("晋城市城区 兴旺加油站", "1.卸油口未设置防溢油措施。") == \
        store.hazard_key("晋城市城区兴旺加油站", "卸油口未设置防溢油措施") != ""
    assert "|" in store.hazard_key("兴旺加油站", "卸油口未设置防溢油措施")
    assert store.hazard_key(None, "卸油口未设置防溢油措施") == store.hazard_key("兴旺加油站", "") == ""


def test_a_merged_hazard_takes_what_it_lacks_and_major_from_any_return(con):
    a = store.import_records(con, src("a.xlsx", "a" * 8), [register("金村镇人民政府", [
        ("晋城市城区兴旺加油站", "卸油口未设置防溢油措施", "一般隐患"),
        ("晋城市城区宏达建材有限公司", "消防通道堵塞", "重大隐患", "清理通道", "2023-05-01", "李四")])])
    b = store.import_records(con, src("b.xlsx", "b" * 8), [register("城区应急管理局", [
        ("晋城市城区兴旺加油站", "卸油口未设置防溢油措施", "重大隐患", "加装防溢油装置", "2023-05-10", "张三"),
        ("晋城市城区宏达建材有限公司", "消防通道堵塞", "一般隐患", "另一措施", "2023-06-01", "王五")])])
    assert (a.hazards_new, b.hazards_new, b.hazards_merged) == (2, 0, 2)
    hz = hazard_rows(con)
    oil, door = hz[("晋城市城区兴旺加油站", "卸油口未设置防溢油措施")], hz[("晋城市城区宏达建材有限公司", "消防通道堵塞")]
    assert (oil["level"], oil["measure"], oil["deadline"], oil["responsible"]) == \
        ("major", "加装防溢油装置", "2023-05-10", "张三")                   # filled in, made major
    assert (door["level"], door["measure"], door["deadline"], door["responsible"]) == \
        ("major", "清理通道", "2023-05-01", "李四")                         # kept: a 一般 return never lowers it
    assert oil["record_id"] == a.record_ids[0] and oil["reporting_unit"] == "金村镇人民政府"
    assert sources_of(con, oil["id"]) == [(b.record_ids[0], "城区应急管理局")]
    events = con.execute("SELECT action, from_status, to_status, note FROM hazard_events WHERE hazard_id = ?"
                         " ORDER BY id", (oil["id"],)).fetchall()
    assert [tuple(e)[:3] for e in events] == [("found", None, "open"), ("reported_again", "open", "open")]
    assert events[1]["note"] == f"城区应急管理局的记录 {b.record_ids[0]} 也报送了本隐患"


def test_a_return_naming_one_hazard_twice_is_one_source(con):
    store.import_records(con, src("a.xlsx", "a" * 8), [register("金村镇人民政府", [("晋城市城区兴旺加油站", "油罐区无静电接地")])])
    b = store.import_records(con, src("b.xlsx", "b" * 8), [register("城区应急管理局", [
        ("晋城市城区兴旺加油站", "油罐区无静电接地"), ("晋城市城区兴旺加油站", "油罐区无静电接地。")])])
    [oil] = hazard_rows(con).values()
    assert sources_of(con, oil["id"]) == [(b.record_ids[0], "城区应急管理局")]
    assert con.execute("SELECT COUNT(*) FROM hazard_events WHERE hazard_id = ? AND action = 'reported_again'",
                       (oil["id"],)).fetchone()[0] == 1


def test_an_unnamed_enterprise_or_a_closed_hazard_is_never_merged(con):
    store.import_records(con, src("a.xlsx", "a" * 8), [register("金村镇人民政府", [("", "配电箱未接地"),
                                                                                ("晋城市城区兴旺加油站", "油罐区无静电接地")])])
    con.execute("UPDATE hazards SET status = 'closed' WHERE description = '油罐区无静电接地'")
    b = store.import_records(con, src("b.xlsx", "b" * 8), [register("城区应急管理局", [("", "配电箱未接地"),
                                                                               ("晋城市城区兴旺加油站", "油罐区无静电接地")])])
    assert (b.hazards_new, b.hazards_merged) == (2, 0)


def test_a_superseded_source_hands_the_hazard_on_with_an_event(con):
    a = store.import_records(con, src("a.xlsx", "a" * 8), [register("金村镇人民政府", [("晋城市城区兴旺加油站", "油罐区无静电接地"),
                                                                                ("晋城市城区宏达建材有限公司", "消防通道堵塞")])])
    b = store.import_records(con, src("b.xlsx", "b" * 8), [register("城区应急管理局", [("晋城市城区兴旺加油站", "油罐区无静电接地")])])
    c = store.import_records(con, src("c.xlsx", "c" * 8), [register("南村镇人民政府", [("晋城市城区兴旺加油站", "油罐区无静电接地")])])
    store.import_records(con, src("a2.xlsx", "d" * 8), [register("金村镇人民政府", [("晋城市城区宏达建材有限公司", "消防通道堵塞")],
                                                               fill="2023-04-09")])
    oil = hazard_rows(con)[("晋城市城区兴旺加油站", "油罐区无静电接地")]
    assert (oil["record_id"], oil["reporting_unit"]) == (b.record_ids[0], "城区应急管理局")      # the first other source
    assert sources_of(con, oil["id"]) == [(c.record_ids[0], "南村镇人民政府")]
    last = con.execute("SELECT action, note FROM hazard_events WHERE hazard_id = ? ORDER BY id DESC LIMIT 1",
                       (oil["id"],)).fetchone()
    assert tuple(last) == ("resubmitted", f"记录 {a.record_ids[0]} 已被取代，本隐患仍由记录 {b.record_ids[0]} 报送")


def test_every_hazard_of_a_superseded_source_is_handed_on_with_its_status(con):
    """Two hazards of the town's return also reported by the department: the town's correction without them
    hands both on (not only the first), each with a 'resubmitted' event at its own status; a return that
    names no unit is 另一单位 in the 另有报送 event."""
    a = store.import_records(con, src("a.xlsx", "a" * 8), [register("金村镇人民政府", [
        ("晋城市城区兴旺加油站", "油罐区无静电接地"), ("晋城市城区兴旺加油站", "卸油口未设置防溢油措施"),
        ("晋城市城区宏达建材有限公司", "消防通道堵塞")])])
    con.execute("UPDATE hazards SET status = 'rectifying' WHERE description = '卸油口未设置防溢油措施'")
    b = store.import_records(con, src("b.xlsx", "b" * 8), [register(None, [
        ("晋城市城区兴旺加油站", "油罐区无静电接地"), ("晋城市城区兴旺加油站", "卸油口未设置防溢油措施")])])
    a2 = store.import_records(con, src("a2.xlsx", "c" * 8), [register("金村镇人民政府", [
        ("晋城市城区宏达建材有限公司", "消防通道堵塞"), ("晋城市城区宏达建材有限公司", "配电箱未接地")], fill="2023-04-09")])
    assert a2.superseded == [(a.record_ids[0], a2.record_ids[0])]
    hz = hazard_rows(con)
    for desc, status in (("油罐区无静电接地", "open"), ("卸油口未设置防溢油措施", "rectifying")):
        h = hz[("晋城市城区兴旺加油站", desc)]
        assert h["record_id"] == b.record_ids[0] and h["status"] == status
        events = [tuple(e) for e in con.execute("SELECT action, from_status, to_status, note FROM hazard_events"
                                                " WHERE hazard_id = ? ORDER BY id", (h["id"],))]
        assert events[-2:] == [("reported_again", status, status, f"另一单位的记录 {b.record_ids[0]} 也报送了本隐患"),
                               ("resubmitted", status, status,
                                f"记录 {a.record_ids[0]} 已被取代，本隐患仍由记录 {b.record_ids[0]} 报送")]
