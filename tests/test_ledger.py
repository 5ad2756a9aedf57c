"""The ledger on real SQLite files: import, idempotence, supersession, atomicity, entities, migrations."""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest

import cli
from ledger import queries, store
from ledger.db import connect, migrations
from parsers import pipeline
from schema.errors import PaichaError
from schema.record import Record

ROOT = Path(__file__).resolve().parent.parent

CODE = "91140400MA0K1234XY"


def src(name: str, sha: str, fmt: str = "docx") -> dict:
    return {"path": f"回执/{name}", "sha256": sha, "format": fmt}


def register(name="长治市宏达化工有限公司", code=CODE, town="北石店镇", fill="2023-03-05"):
    return Record("enterprise_register", "生产经营单位摸底登记表",
                  header={"reporting_unit": "北石店镇人民政府", "fill_date": fill},
                  data={"name": name, "credit_code": code, "town": town, "industry": "危险化学品",
                        "address": "北石店镇工业园区8号"})


def supervision(problems, measures=None, fill="2023-03-10", check_date="2023-03-09",
                enterprise="长治市宏达化工有限公司", deadline="2023-03-31"):
    return Record("supervision_check", "镇（街道）、部门督导检查表",
                  header={"reporting_unit": "北石店镇人民政府", "fill_date": fill},
                  data={"enterprise": enterprise, "check_date": check_date, "inspectors": ["王强", "李明"],
                        "content": "安全生产大排查", "problems": problems,
                        "measures": measures if measures is not None else [f"整改{i + 1}" for i in range(len(problems))],
                        "deadline": deadline, "responsible": "张三"})


def self_check(fill="2023-03-06"):
    items = [
        {"no": 1, "category": "机构培训制度", "content": "是否建立健全安全生产责任制和规章制度",
         "self_result": "yes", "check_result": "yes"},
        {"no": 2, "category": "机构培训制度", "content": "是否按规定开展安全培训",
         "self_result": "no", "check_result": None},
        {"no": 14, "category": "消防安全", "content": "消防设施是否完好有效",
         "self_result": "rectifying", "check_result": None},
        {"no": 15, "category": "消防安全", "content": "疏散通道是否畅通",
         "self_result": "yes", "check_result": "no"},
    ]
    return Record("self_check", "生产经营单位自查表", header={"fill_date": fill},
                  data={"enterprise": {"name": "长治市 宏达化工有限公司", "industry": "危险化学品",
                                       "town": "北石店镇", "address": "工业园区8号"}, "items": items})


def major_list():
    return Record("major_hazard_list", "非法违法生产经营行为、重大隐患统计表",
                  header={"reporting_unit": "北石店镇人民政府", "fill_date": "2023-03-20"},
                  data={"rows": [
                      {"seq": 1, "enterprise": "长治市宏达化工有限公司", "checking_unit": "北石店镇",
                       "town": "北石店镇", "category": "危化", "description": "重大危险源未设置监控系统",
                       "action": "责令停产整改"},
                      {"seq": 2, "enterprise": "东沟村砖厂", "checking_unit": "北石店镇",
                       "town": "北石店镇", "category": "建材", "description": "无证生产", "action": "关闭取缔"},
                  ]})


def campaign(general_found=5, fill="2023-03-24"):
    return Record("campaign_stats", "镇（街道）、部门大排查大整治行动统计表",
                  header={"reporting_unit": "北石店镇人民政府", "fill_date": fill, "period": "2023-03"},
                  data={"rows": [{"unit": "第一检查组", "inspection_groups": 1, "general_hazards_found": general_found,
                                  "general_hazards_fixed": 3},
                                 {"unit": "第二检查组", "inspection_groups": 1, "general_hazards_found": 2,
                                  "general_hazards_fixed": 2}],
                        "totals": {"inspection_groups": 2, "general_hazards_found": general_found + 2}})


def dispatch():
    return Record("progress_dispatch", "重大事故隐患专项排查整治行动进展情况调度表",
                  header={"village": "东沟村", "period": "2023-06"},
                  data={"self_found": 4, "self_fixed": 3, "enforcement_found": 2, "enforcement_fixed": 2})


@pytest.fixture
def con(ledger_target):
    c = connect(ledger_target)
    yield c
    c.close()


def count(con, table, where="1 = 1"):
    return con.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}").fetchone()[0]


def test_reimport_same_bytes_changes_nothing(con):
    first = store.import_records(con, src("a.docx", "aa"), [register(), supervision(["消防通道堵塞"])])
    assert first.status == "new" and len(first.record_ids) == 2 and first.hazards_new == 1
    before = {t: count(con, t) for t in ("sources", "records", "enterprises", "hazards", "hazard_events",
                                         "inspections")}
    again = store.import_records(con, src("copy-of-a.docx", "aa"), [register(), supervision(["消防通道堵塞"])])
    assert again.status == "unchanged" and again.source_id == first.source_id and again.record_ids == []
    assert {t: count(con, t) for t in before} == before
    assert [s["path"] for s in queries.sources(con)] == ["回执/a.docx"]
    assert queries.sources(con)[0]["records"] == 2


def test_record_columns_and_json(con):
    store.import_records(con, src("a.docx", "aa"), [supervision(["消防通道堵塞"], fill="2023-03-10")])
    row = con.execute("SELECT * FROM records").fetchone()
    assert row["reporting_unit"] == "北石店镇人民政府"
    assert row["period"] == "2023-03"            # month of fill_date
    assert row["fill_date"] == "2023-03-10"
    assert row["supersede_key"].startswith("supervision_check|北石店镇人民政府|2023-03|")
    assert json.loads(row["json"])["data"]["problems"] == ["消防通道堵塞"]
    insp = con.execute("SELECT * FROM inspections").fetchone()
    assert insp["inspectors"] == "王强、李明" and insp["check_date"] == "2023-03-09"


def test_corrected_resubmission_supersedes_and_keeps_hazard_history(con):
    old = store.import_records(con, src("督导检查表.docx", "v1"),
                               [supervision(["消防通道堵塞", "配电箱未接地"], fill="2023-03-10")])
    kept_id = con.execute("SELECT id FROM hazards WHERE description = '消防通道堵塞'").fetchone()[0]
    # someone (issue 5's lifecycle) moved the hazard on meanwhile
    con.execute("UPDATE hazards SET status = 'rectified' WHERE id = ?", (kept_id,))
    new = store.import_records(con, src("督导检查表（更正）.docx", "v2"),
                               [supervision(["1. 消防通道堵塞。", "灭火器过期"], fill="2023-03-12")])
    assert new.superseded == [(old.record_ids[0], new.record_ids[0])]
    assert new.hazards_kept == 1 and new.hazards_new == 1

    active = queries.hazards(con)
    assert sorted(h["description"] for h in active) == ["消防通道堵塞", "灭火器过期"]
    kept = next(h for h in active if h["id"] == kept_id)
    assert kept["status"] == "rectified" and kept["record_id"] == new.record_ids[0]
    assert kept["source_path"] == "回执/督导检查表（更正）.docx"
    dropped = queries.hazards(con, active_only=False)
    assert any(h["description"] == "配电箱未接地" and h["active"] == 0 for h in dropped)
    actions = [r[0] for r in con.execute("SELECT action FROM hazard_events WHERE hazard_id = ? ORDER BY id",
                                         (kept_id,))]
    assert actions == ["found", "resubmitted"]

    assert count(con, "inspections", "active = 1") == 1
    recs = queries.records(con, "supervision_check")
    assert [r["id"] for r in recs] == new.record_ids
    assert len(queries.records(con, "supervision_check", active_only=False)) == 2
    sup = queries.superseded(con)
    assert len(sup) == 1
    assert sup[0]["old_path"] == "回执/督导检查表.docx" and sup[0]["new_path"] == "回执/督导检查表（更正）.docx"
    assert (sup[0]["old_fill_date"], sup[0]["new_fill_date"]) == ("2023-03-10", "2023-03-12")
    assert sup[0]["reporting_unit"] == "北石店镇人民政府"


def test_other_subject_does_not_supersede(con):
    store.import_records(con, src("a.docx", "a"), [supervision(["问题一"], enterprise="甲公司")])
    store.import_records(con, src("b.docx", "b"), [supervision(["问题二"], enterprise="乙公司")])
    store.import_records(con, src("c.docx", "c"), [supervision(["问题三"], enterprise="甲公司",
                                                             check_date="2023-03-15")])
    assert queries.superseded(con) == []
    assert len(queries.hazards(con)) == 3


def test_late_import_of_older_version_is_superseded_at_once(con):
    newer = store.import_records(con, src("v2.xlsx", "v2", "xlsx"), [campaign(7, fill="2023-03-25")])
    older = store.import_records(con, src("v1.xlsx", "v1", "xlsx"), [campaign(5, fill="2023-03-24")])
    assert older.superseded == [(older.record_ids[0], newer.record_ids[0])]
    rows = queries.stats_rows(con, "campaign_stats", "2023-03")
    assert [r["data"]["general_hazards_found"] for r in rows] == [7, 2]


def test_stats_resubmission_replaces_rows(con):
    store.import_records(con, src("v1.xlsx", "v1", "xlsx"), [campaign(5, fill="2023-03-24")])
    store.import_records(con, src("v2.xlsx", "v2", "xlsx"), [campaign(9, fill="2023-03-25")])
    rows = queries.stats_rows(con, "campaign_stats", "2023-03")
    assert [(r["unit"], r["data"]["general_hazards_found"]) for r in rows] == [("第一检查组", 9), ("第二检查组", 2)]
    assert queries.stats_rows(con, "campaign_stats", "2023-04") == []
    assert count(con, "stats_rows", "active = 0") == 2


def test_crash_mid_file_leaves_nothing(con, monkeypatch):
    store.import_records(con, src("ok.docx", "ok"), [register()])
    before = {t: count(con, t) for t in ("sources", "records", "enterprises", "hazards", "inspections")}
    real = store._draw_entities
    calls = []

    def crash_on_second(*a, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("磁盘已满")
        return real(*a, **kw)

    monkeypatch.setattr(store, "_draw_entities", crash_on_second)
    with pytest.raises(RuntimeError):
        store.import_records(con, src("bad.docx", "bad"), [supervision(["问题一"], enterprise="丙公司"),
                                                           supervision(["问题二"], enterprise="丁公司")])
    assert {t: count(con, t) for t in before} == before
    assert count(con, "sources", "sha256 = 'bad'") == 0
    monkeypatch.setattr(store, "_draw_entities", real)
    # the same file imports cleanly afterwards
    assert store.import_records(con, src("bad.docx", "bad"), [supervision(["问题一"], enterprise="丙公司")]).status == "new"


def test_enterprises_matched_by_credit_code_and_by_name(con):
    store.import_records(con, src("reg.docx", "r"), [register()])
    # same code, a differently written name → same enterprise
    store.import_records(con, src("reg2.docx", "r2"),
                         [register(name="长治市宏达化工有限公司（东厂区）", fill="2023-03-07")])
    # by name: spaces, full-width letters and brackets ignored
    store.import_records(con, src("self.docx", "s"), [self_check()])
    store.import_records(con, src("sup.docx", "p"), [supervision(["问题"], enterprise="长治市宏达化工有限公司 ")])
    assert count(con, "enterprises") == 1
    ent = queries.enterprise_by_name(con, "长治市宏达化工有限公司")
    assert ent["credit_code"] == CODE and ent["town"] == "北石店镇"
    assert queries.enterprise_by_name(con, CODE.lower())["id"] == ent["id"]
    assert queries.enterprise_by_name(con, "长治市宏达化工 有限公司")["id"] == ent["id"]
    # a suffix is part of the name: a branch is another enterprise
    store.import_records(con, src("sup2.docx", "p2"), [supervision(["问题"], enterprise="长治市宏达化工有限公司分公司")])
    assert count(con, "enterprises") == 2
    ids = {h["enterprise_id"] for h in queries.hazards(con, enterprise="长治市宏达化工有限公司")}
    assert ids == {ent["id"]}
    assert store.enterprise_key("宏达（集团）【二厂】 有限公司") == store.enterprise_key("宏达(集团)(二厂)有限公司")


def test_hazards_from_each_source_kind(con):
    store.import_records(con, src("reg.docx", "r"), [register()])
    store.import_records(con, src("self.docx", "s"), [self_check()])
    store.import_records(con, src("sup.pdf", "p", "pdf"), [supervision(["消防通道堵塞", "配电箱未接地"])])
    store.import_records(con, src("major.xlsx", "m", "xlsx"), [major_list()])
    store.import_records(con, src("dispatch.xlsx", "d", "xlsx"), [dispatch()])
    hz = queries.hazards(con)
    by_origin = {}
    for h in hz:
        by_origin.setdefault(h["origin"], []).append(h)
    assert sorted(h["description"] for h in by_origin["self_check"]) == [
        "未按规定开展安全培训", "消防设施不完好有效", "疏散通道不畅通"]
    assert all(h["status"] == "open" and h["town"] == "北石店镇" for h in by_origin["self_check"])
    rect = next(h for h in by_origin["self_check"] if h["description"] == "消防设施不完好有效")
    note = con.execute("SELECT note FROM hazard_events WHERE hazard_id = ?", (rect["id"],)).fetchone()[0]
    assert "整改中" in note
    sup = by_origin["supervision_check"]
    assert [(h["description"], h["measure"], h["deadline"], h["responsible"], h["found_date"]) for h in sup] == [
        ("消防通道堵塞", "整改1", "2023-03-31", "张三", "2023-03-09"),
        ("配电箱未接地", "整改2", "2023-03-31", "张三", "2023-03-09")]
    major = by_origin["major_hazard_list"]
    assert {h["level"] for h in major} == {"major"} and len(major) == 2
    assert {h["enterprise"] for h in major} == {"长治市宏达化工有限公司", "东沟村砖厂"}
    assert "progress_dispatch" not in by_origin
    assert len(queries.hazards(con, town="北石店镇")) == 7
    assert len(queries.hazards(con, since="2023-03-09", until="2023-03-09")) == 2
    assert len(queries.hazards(con, until="2023-03")) == 7
    assert len(queries.hazards(con, source="major.xlsx")) == 2
    assert len(queries.hazards(con, source="m")) == 2
    assert len(queries.hazards(con, status="closed")) == 0
    assert queries.hazards(con, enterprise="不存在的公司") == []
    disp = queries.stats_rows(con, "progress_dispatch", "2023-06")
    assert disp[0]["unit"] == "东沟村" and disp[0]["data"]["self_found"] == 4


def test_unknown_record_is_kept_without_entities(con):
    rec = Record("unknown", data={"tables": [[["甲", "乙"]]]})
    rec.warn("data", "unrecognized", "未能识别的表格")
    store.import_records(con, src("x.docx", "x"), [rec])
    row = con.execute("SELECT supersede_key, warnings FROM records").fetchone()
    assert row["supersede_key"] is None and row["warnings"] == 1
    assert count(con, "hazards") == count(con, "stats_rows") == 0


@pytest.mark.parametrize("version", [0, 1])
def test_older_ledger_opens_and_migrates(tmp_path, version):
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path)
    if version >= 1:
        sql = migrations()[0][1].read_text(encoding="utf-8")
        raw.executescript(sql)
        raw.execute("INSERT INTO sources (sha256, path, format, imported_at) VALUES ('old', 'o.docx', 'docx', 'x')")
        raw.execute("PRAGMA user_version = 1")
    raw.commit()
    raw.close()
    con = connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == migrations()[-1][0]
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "hazards_record" in names
    assert store.import_records(con, src("a.docx", "aa"), [register()]).status == "new"
    assert len(queries.sources(con)) == version + 1


# --- suspect resubmissions (issue 9): a damaged copy never silently replaces a good return ---------

SAMPLE = ROOT / "samples" / "returns" / "西上庄街道" / "大排查大整治行动统计表.xlsx"   # one data row


def _returns(tmp_path):
    """The good 统计表, a copy whose only data row was lost in transit, and a corrected copy."""
    good, damaged, corrected = (tmp_path / "回执" / n for n in ("统计表.xlsx", "统计表（重报）.xlsx", "统计表（更正）.xlsx"))
    good.parent.mkdir()
    shutil.copy(SAMPLE, good)
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb.active
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "西上庄街道")
    ws.cell(row, 3).value = 52          # the count the 合计 already says
    wb.save(corrected)
    ws.delete_rows(row)
    wb.save(damaged)
    return good, damaged, corrected


def _parse(path, db):
    return pipeline.parse([path], db=db, workers=1, progress=False)


def _current(con):
    return [(r["id"], r["path"]) for r in queries.records(con, "campaign_stats")]


def test_damaged_resubmission_is_held_and_accepted_by_a_person(tmp_path, capsys, ledger_target):
    good, damaged, _ = _returns(tmp_path)
    db = ledger_target
    _parse(good, db)
    s = _parse(damaged, db)
    assert s.ledger == {"new": 1, "unchanged": 0, "superseded": 0, "suspects": 1}
    con = connect(db)
    (good_id, good_path), = _current(con)
    assert good_path.endswith("统计表.xlsx")
    bad = con.execute("SELECT * FROM records WHERE id <> ?", (good_id,)).fetchone()
    assert (bad["review"], bad["superseded_by"]) == ("suspect", good_id)
    warning, = [w for w in json.loads(bad["json"])["warnings"] if w["code"] == "suspect_resubmission"]
    assert f"记录 {good_id}" in warning["message"] and "数据行由 1 行减为 0 行" in warning["message"]
    assert warning["replaces"] == good_id
    # the good return's statistics still count; the damaged copy drew nothing
    assert [r["record_id"] for r in queries.stats_rows(con, "campaign_stats")] == [good_id]
    assert count(con, "stats_rows", f"record_id = {bad['id']}") == 0
    assert queries.superseded(con) == []
    listed, = queries.suspects(con)
    assert (listed["id"], listed["replaces"], listed["old_path"]) == (bad["id"], good_id, good_path)
    con.close()

    assert cli.main(["record", "suspects", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"记录 {bad['id']}" in out and "数据行由 1 行减为 0 行" in out
    assert cli.main(["record", "accept", str(bad["id"]), "--db", str(db), "--by", "王强",
                     "--reason", "已电话核实，该组本周无数据"]) == 0
    assert f"已确认采用记录 {bad['id']}，取代记录 {good_id}" in capsys.readouterr().out

    con = connect(db)
    assert _current(con) == [(bad["id"], listed["path"])]
    assert queries.superseded(con)[0]["old_id"] == good_id
    assert queries.stats_rows(con, "campaign_stats") == []
    assert queries.suspects(con) == []
    assert [dict(e) for e in con.execute("SELECT action, actor, note FROM record_events WHERE record_id = ?"
                                         " ORDER BY id", (bad["id"],))][1] == {
        "action": "accepted", "actor": "王强", "note": f"确认采用，取代记录 {good_id}：已电话核实，该组本周无数据"}
    con.close()
    # decided once: a second decision is refused
    assert cli.main(["record", "reject", str(bad["id"]), "--db", str(db)]) == 2
    assert "已确认采用" in capsys.readouterr().err


def test_rejected_resubmission_changes_nothing(tmp_path, capsys, ledger_target):
    good, damaged, _ = _returns(tmp_path)
    db = ledger_target
    _parse(good, db)
    _parse(damaged, db)
    con = connect(db)
    before = (_current(con), queries.stats_rows(con, "campaign_stats"), count(con, "hazards"))
    bad_id = queries.suspects(con)[0]["id"]
    con.close()
    assert cli.main(["record", "reject", str(bad_id), "--db", str(db), "--reason", "传输损坏"]) == 0
    assert "已不予采用" in capsys.readouterr().out
    con = connect(db)
    assert (_current(con), queries.stats_rows(con, "campaign_stats"), count(con, "hazards")) == before
    assert con.execute("SELECT review FROM records WHERE id = ?", (bad_id,)).fetchone()[0] == "rejected"
    assert queries.suspects(con) == [] and queries.suspects(con, pending_only=False)[0]["review"] == "rejected"
    assert con.execute("SELECT action FROM record_events WHERE record_id = ? ORDER BY id DESC",
                       (bad_id,)).fetchone()[0] == "rejected"
    con.close()
    assert cli.main(["record", "suspects", "--db", str(db)]) == 0
    assert "没有待确认的疑似损坏重报" in capsys.readouterr().out
    assert cli.main(["record", "accept", str(bad_id), "--db", str(db)]) == 2


def test_corrected_real_return_still_supersedes(tmp_path):
    good, _, corrected = _returns(tmp_path)
    db = tmp_path / "台账.db"
    _parse(good, db)
    assert _parse(corrected, db).ledger["superseded"] == 1
    con = connect(db)
    (cur_id, path), = _current(con)
    assert path.endswith("统计表（更正）.xlsx")
    assert [r["data"]["general_hazards_found"] for r in queries.stats_rows(con, "campaign_stats")] == [52]
    assert queries.suspects(con, pending_only=False) == []
    con.close()


def test_accepting_a_suspect_carries_hazards_like_any_resubmission(con):
    first = store.import_records(con, src("自查表.xlsx", "v1", "xlsx"), [self_check()])
    damaged = self_check()
    damaged.data["items"] = damaged.data["items"][1:2]   # three of four items lost
    held = store.import_records(con, src("自查表（重报）.xlsx", "v2", "xlsx"), [damaged])
    assert held.suspects == [(held.record_ids[0], first.record_ids[0])] and held.superseded == []
    assert damaged.warnings[-1]["code"] == "suspect_resubmission" and "检查项由 4 项减为 1 项" in damaged.warnings[-1]["message"]
    assert len(queries.hazards(con)) == 3
    kept = next(h["id"] for h in queries.hazards(con) if h["description"] == "未按规定开展安全培训")

    res = store.accept_resubmission(con, held.record_ids[0], "王强", "")
    assert res.superseded == [(first.record_ids[0], held.record_ids[0])]
    assert (res.hazards_kept, res.hazards_new) == (1, 0)
    active = queries.hazards(con)
    assert [(h["id"], h["record_id"]) for h in active] == [(kept, held.record_ids[0])]
    assert [r[0] for r in con.execute("SELECT action FROM hazard_events WHERE hazard_id = ? ORDER BY id",
                                      (kept,))] == ["found", "resubmitted"]


def test_a_good_correction_while_a_suspect_waits(con):
    first = store.import_records(con, src("v1.xlsx", "v1", "xlsx"), [campaign(5)])
    damaged = campaign(5)
    damaged.data["rows"], damaged.data["totals"] = [], {}
    held = store.import_records(con, src("v2.xlsx", "v2", "xlsx"), [damaged])
    fixed = store.import_records(con, src("v3.xlsx", "v3", "xlsx"), [campaign(6)])
    assert fixed.superseded == [(first.record_ids[0], fixed.record_ids[0])]
    with pytest.raises(PaichaError, match="已由记录"):
        store.accept_resubmission(con, held.record_ids[0], "王强")
    store.reject_resubmission(con, held.record_ids[0], "王强")
    assert [r["id"] for r in queries.records(con, "campaign_stats")] == fixed.record_ids
