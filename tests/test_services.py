"""The services called directly, as the web workbench calls them: each returns its result object and prints
nothing; a real ledger built from the sample returns."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import ROOT
from parsers.pipeline import FILES
from schema.errors import InputError, PaichaError
from services import gongwen, hazards, orders, reports, returns, review
from services.ledgers import Ledger, open_ledger

SAMPLES = ROOT / "samples"
UNIT_RETURNS = SAMPLES / "returns" / "北石店镇"


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def silent(capsys) -> None:
    """Nothing went to the screen."""
    assert capsys.readouterr() == ("", "")


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    """One town's sample returns parsed into a ledger by parse_batch, with the progress it reported."""
    tmp = tmp_path_factory.mktemp("services")
    calls = []
    with open_ledger(tmp / "台账.db") as ledger:
        res = returns.parse_batch([UNIT_RETURNS], ledger, jsonl=tmp / "r.jsonl", xlsx=tmp / "汇总.xlsx", workers=1,
                                  progress=lambda *c: calls.append(c))
    return tmp, res, calls


def test_parse_batch(parsed, capsys):
    tmp, res, calls = parsed
    files = sorted(UNIT_RETURNS.iterdir())
    assert isinstance(res, returns.ParseResult) and res.ok
    assert [o["path"] for o in res.summary.outcomes] == [str(f) for f in files]
    assert {o["outcome"] for o in res.summary.outcomes} == {"records"}
    assert calls == [(n, len(files), FILES) for n in range(1, len(files) + 1)]
    assert res.summary.outputs == {"db": str(tmp / "台账.db"), "jsonl": str(tmp / "r.jsonl"),
                                   "xlsx": str(tmp / "汇总.xlsx")}
    silent(capsys)


def test_open_ledger_is_lazy_and_closes(tmp_path):
    with open_ledger(tmp_path / "新.db") as ledger:
        assert isinstance(ledger, Ledger) and not (tmp_path / "新.db").exists()    # opened on first use
        assert ledger.con.execute("SELECT COUNT(*) FROM hazards").fetchone()[0] == 0
    assert ledger._con is None
    with pytest.raises(InputError, match="找不到台账数据库"):
        with open_ledger(tmp_path / "无.db", must_exist=True):
            pass


def test_blank_form(tmp_path, capsys):
    res = returns.blank_form("self_check", tmp_path / "自查表.xlsx")
    assert isinstance(res, returns.BlankForm) and res.out == tmp_path / "自查表.xlsx"
    assert "自查表" in load_workbook(res.out).active["A1"].value
    silent(capsys)


def test_orders_and_the_hazard_lifecycle(parsed, tmp_path, capsys):
    src, _, _ = parsed
    db = tmp_path / "台账.db"
    shutil.copy(src / "台账.db", db)
    with open_ledger(db) as ledger:
        listed = hazards.list_hazards(ledger)
        assert isinstance(listed, hazards.HazardList) and listed.hazards
        last = max(h["found_date"] for h in listed.hazards if h["found_date"])
        issued = orders.issue_orders(ledger, tmp_path / "o", actor="张三", issued=last)
        assert issued.orders and issued.register.exists() and issued.merged.exists()
        first = issued.orders[0]
        ids = [h["id"] for h in hazards.list_hazards(ledger).hazards if h["order_number"] == first.number]
        assert len(ids) == first.n_items

        assert hazards.mark_rectified(ledger, ids, last, "企业").count == len(ids)
        assert {h["status"] for h in hazards.list_hazards(ledger, status="rectified").hazards} == {"rectified"}
        done = hazards.record_recheck(ledger, first.number, last, passed=ids, actor="张三",
                                      output=tmp_path / "复查意见书.docx")
        assert done.order_status == "rechecked" and done.file == tmp_path / "复查意见书.docx"
        assert done.number in docx_text(done.file)
        assert hazards.close_hazards(ledger, ids, "张三").count == len(ids)
        events = hazards.hazard_history(ledger, ids[0]).events
        assert [e["action"] for e in events][-3:] == ["rectified", "recheck_passed", "closed"]
        with pytest.raises(PaichaError, match="已复查，不能作废"):
            hazards.void_order(ledger, first.number, "张三", "误开")

        again = orders.reprint_orders(ledger, tmp_path / "重印", [first.number])
        assert [o.verb for o in again.orders] == ["重新生成"]
        register = orders.order_register(ledger, tmp_path / "登记簿.xlsx")
        cells = [c.value for row in load_workbook(register.out).active.iter_rows() for c in row]
        assert first.number in cells
        if len(issued.orders) > 1:
            assert hazards.void_order(ledger, issued.orders[1].number, "张三", "误开").number == issued.orders[1].number
        assert hazards.set_basis(ledger, ids[:1], "无", "张三").count == 1
    assert orders.hazard_template(tmp_path / "清单.xlsx").out.exists()
    silent(capsys)


def test_overdue_and_supervised(tmp_path, capsys):
    with open_ledger(tmp_path / "s.db") as ledger:
        ledger.con.execute("INSERT INTO hazards (enterprise, description, level, origin, deadline) VALUES"
                           " ('甲厂', '粉尘涉爆除尘系统未设置泄爆装置', 'major', 'major_hazard_list', '2023-04-01')")
        ledger.con.execute("INSERT INTO hazards (enterprise, description, origin, deadline) VALUES"
                           " ('乙厂', '灭火器过期', 'self_check', '2023-03-01')")
        assert [h["enterprise"] for h in hazards.overdue(ledger, today="2023-03-15").hazards] == ["乙厂"]
        assert [h["enterprise"] for h in hazards.overdue(ledger, today="2023-04-15").hazards] == ["乙厂", "甲厂"]
        assert [(h["enterprise"], h["supervised"]) for h in hazards.supervised(ledger).hazards] == [("甲厂", True)]
    silent(capsys)


def test_suggest_basis():
    got = hazards.suggest_basis("二楼安全出口上锁")
    assert got.source == "auto" and "第四十二条" in got.text and got.rule
    unsure = hazards.suggest_basis("天气晴朗")
    assert unsure.source == "blank" and unsure.rule is None and "____" in unsure.text


def test_reports(parsed, tmp_path, capsys):
    src, _, _ = parsed
    with open_ledger(src / "台账.db", must_exist=True) as ledger:
        book = reports.statistics_workbook(ledger, tmp_path / "统计表.xlsx")
        assert isinstance(book, reports.Workbook) and "镇（街道）、部门大排查大整治行动统计表" in load_workbook(book.out).sheetnames
        r = reports.remind(ledger, SAMPLES / "roster.csv", form_type="campaign_stats", out=tmp_path / "催报.docx")
        assert [u.name for u in r.reported] == ["北石店镇人民政府"] and len(r.missing) == len(r.roster) - 1
        assert r.out == tmp_path / "催报.docx" and r.missing[0].name in docx_text(r.out)
        doc = reports.summary_document(ledger, tmp_path / "通报.docx", organ="晋城市城区安全生产委员会办公室",
                                       options={"doc_number": "城安办〔2023〕3号"})
        assert doc.out.exists() and doc.warnings == [] and doc.pdf is None and doc.length.chars > 0
        empty = reports.summary_document(ledger, tmp_path / "空.docx", period="2019-01")
        assert len(empty.warnings) == 2 and "没有收到任何报表" in empty.warnings[0] and "发文字号" in empty.warnings[1]
    silent(capsys)


def test_gongwen(tmp_path, capsys):
    draft = sorted((SAMPLES / "notices").glob("00*.md"))[0]
    made = gongwen.notice(draft, tmp_path / "通知.docx")
    assert isinstance(made, gongwen.Written) and made.pdf is None
    checked = gongwen.check_document(made.out)
    assert isinstance(checked, gongwen.CheckResult) and checked.problems == []
    assert checked.report.endswith("未发现问题")
    laid = gongwen.format_document(SAMPLES / "word_drafts" / "draft_jincheng.docx", tmp_path / "排版.docx")
    assert laid.out.exists()
    bad = gongwen.check_document(SAMPLES / "word_drafts" / "draft_jincheng.docx")
    assert bad.problems and "处问题" in bad.report.splitlines()[0]
    both = gongwen.notices(sorted((SAMPLES / "notices").glob("00*.md"))[:2], tmp_path / "批")
    assert [w.out.parent for w in both] == [tmp_path / "批"] * 2 and all(w.out.exists() for w in both)
    silent(capsys)


def test_review_of_suspects(parsed, tmp_path, capsys):
    src, _, _ = parsed
    with open_ledger(src / "台账.db") as ledger:
        assert review.suspects(ledger).records == []
        with pytest.raises(PaichaError):
            review.accept_resubmission(ledger, 99999, "张三")
        with pytest.raises(PaichaError):
            review.reject_resubmission(ledger, 99999, "张三")
    silent(capsys)


def test_review_of_fields(tmp_path, capsys):
    """A count written as 若干 is flagged, corrected by a person, and the history says so."""
    from generators.forms import draw_form
    count = "data.rows[0].general_hazards_found"
    draw_form("campaign_stats", tmp_path / "r" / "统计表.docx", {"rows": [
        {"unit": "第一检查组", "inspection_groups": 1, "general_hazards_found": "若干", "general_hazards_fixed": 3},
        {"unit": "第二检查组", "inspection_groups": 1, "general_hazards_found": "很多", "general_hazards_fixed": 2}]},
        {"reporting_unit": "北石店镇人民政府", "fill_date": "2023-03-10"})
    with open_ledger(tmp_path / "台账.db") as ledger:
        returns.parse_batch([tmp_path / "r"], ledger, workers=1)
        flagged = review.flagged_fields(ledger, form_type="campaign_stats")
        assert isinstance(flagged, review.Flagged)
        first = next(f for f in flagged.fields if f["path"] == count)
        assert first["value"] == "若干"
        assert review.flagged_fields(ledger, form_type="self_check").fields == []
        rid = first["record_id"]
        fixed = review.correct_field(ledger, rid, count, "6", "张三", "电话核实")
        assert (fixed.old, fixed.new) == ("若干", 6)
        second = count.replace("[0]", "[1]")
        assert review.accept_field(ledger, rid, second, "张三").path == second
        assert [f["path"] for f in review.flagged_fields(ledger, record_id=rid).fields
                if f["path"] in (count, second)] == []
        history = review.record_history(ledger, rid)
        assert history.record_id == rid
        assert [(e["path"], e["actor"]) for e in history.entries if e["kind"] == "correction"] == [
            (count, "张三"), (second, "张三")]
    silent(capsys)
