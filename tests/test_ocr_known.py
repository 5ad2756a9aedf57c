"""OCR'd names corrected against what the office knows (parsers/ocr/known.py, issue 14 item 4): on a
real scan read by OCR, a name with characters dropped is set to the one known name it is, with
ocr_corrected and the raw reading; near several known names it is left and flagged ocr_ambiguous; a
typed return is never corrected; end to end through the service path into the ledger."""
from __future__ import annotations

import copy
import json

import pytest

from conftest import ROOT
from parsers.ocr.known import correct_known, name_kind
from schema.record import Record
from schema.spec import load_spec

SCAN = ROOT / "samples" / "returns_pdf" / "supervision_check-scan.jpg"
DOCX = ROOT / "samples" / "returns" / "北石店镇" / "督导检查表-晋城市城区宏达建材有限公司.docx"
WRITTEN = "晋城市城区宏达建材有限公司"          # the enterprise written on both returns
LEDGER_NAME = "晋城市城区宏达建材有限责任公司"   # the ledger's name for it: two characters more


@pytest.fixture(scope="module")
def scan_read():
    """The scanned 督导检查表 read once by OCR: (record JSON, provenance), as the batch parser makes them."""
    from parsers.pipeline import read_records
    from schema import runfiles
    with runfiles.run():
        part = read_records(str(SCAN))[0]
    return part["records"][0], part["provenance"][0]


def corrected(scan_read, known: dict, **values) -> Record:
    """The scan's record with `values` put in place of what was read (path=value), then corrected."""
    rec = Record.from_json(copy.deepcopy(scan_read[0]))
    for path, v in values.items():
        part, key = path.split("__")
        getattr(rec, part)[key] = v
    correct_known(rec, load_spec(rec.form_type), known, scan_read[1])
    return rec


def codes(rec: Record, path: str) -> list[str]:
    return [w["code"] for w in rec.warnings if w.get("field") == path and w["code"].startswith("ocr_")]


def test_the_name_fields_come_from_the_spec():
    spec = load_spec("major_hazard_list")
    assert name_kind(spec, "data.rows[3].enterprise") == "enterprises"
    assert name_kind(spec, "data.rows[0].town") == "towns"
    assert name_kind(spec, "data.rows[0].checking_unit") == "units"
    assert name_kind(spec, "header.reporting_unit") == "units"
    assert name_kind(spec, "data.rows[0].description") is None
    assert name_kind(load_spec("progress_dispatch"), "header.village") == "villages"
    assert name_kind(load_spec("self_check"), "data.enterprise.name") == "enterprises"


def test_a_dropped_character_is_corrected_with_the_raw_reading(scan_read):
    assert "box" in scan_read[1]["fields"]["data.enterprise"]          # read by OCR
    rec = corrected(scan_read, {"enterprises": [WRITTEN, "晋城市城区恒泰燃气站"]}, data__enterprise="晋城市城区宏达建材有公司")
    assert rec.data["enterprise"] == WRITTEN
    w = next(w for w in rec.warnings if w["field"] == "data.enterprise" and w["code"] == "ocr_corrected")
    assert w["raw"] == "晋城市城区宏达建材有公司" and WRITTEN in w["message"]
    # a 街道办事处 losing two characters, a 应急管理局 losing one
    units = ["西上庄街道办事处", "钟家庄街道办事处", "榆次区应急管理局", "太谷区应急管理局"]
    assert corrected(scan_read, {"units": units}, header__reporting_unit="西上庄街道事").header["reporting_unit"] \
        == "西上庄街道办事处"
    assert corrected(scan_read, {"units": units}, header__reporting_unit="榆次区应急管局").header["reporting_unit"] \
        == "榆次区应急管理局"


def test_a_known_name_with_characters_missing_only_when_unique(scan_read):
    rec = corrected(scan_read, {"units": ["北石店镇人民政府", "城区住建局"]}, header__reporting_unit="北石店镇")
    assert rec.header["reporting_unit"] == "北石店镇人民政府"
    assert codes(rec, "header.reporting_unit") == ["ocr_corrected"]
    rec = corrected(scan_read, {"units": ["北石店镇人民政府", "北石店镇安监站"]}, header__reporting_unit="北石店镇")
    assert rec.header["reporting_unit"] == "北石店镇"
    assert codes(rec, "header.reporting_unit") == ["ocr_ambiguous"]


def test_two_near_candidates_leave_the_value_and_flag_it(scan_read):
    rec = corrected(scan_read, {"units": ["南街街道办事处", "东街街道办事处", "北石店镇人民政府"]},
                    header__reporting_unit="街街道办事处")
    assert rec.header["reporting_unit"] == "街街道办事处"
    w = next(w for w in rec.warnings if w["field"] == "header.reporting_unit" and w["code"] == "ocr_ambiguous")
    assert sorted(w["candidates"]) == ["东街街道办事处", "南街街道办事处"]
    assert "南街街道办事处" in w["message"] and "东街街道办事处" in w["message"]
    assert "ocr_corrected" not in codes(rec, "header.reporting_unit")


def test_a_known_name_or_a_new_numbered_one_is_left_alone(scan_read):
    read = scan_read[0]["data"]["enterprise"]
    rec = corrected(scan_read, {"enterprises": [read, read + "二分厂"]})
    assert rec.data["enterprise"] == read and codes(rec, "data.enterprise") == []
    rec = corrected(scan_read, {"units": ["第一检查组"]}, header__reporting_unit="第三检查组")
    assert rec.header["reporting_unit"] == "第三检查组" and codes(rec, "header.reporting_unit") == []


def test_another_firm_or_an_abbreviation_is_no_misreading(scan_read):
    # a new enterprise beside a known one of the same pattern: two characters replaced, not one
    rec = corrected(scan_read, {"enterprises": ["晋城市城区永兴建材有限公司"]}, data__enterprise=WRITTEN)
    assert rec.data["enterprise"] == WRITTEN and codes(rec, "data.enterprise") == []
    # one replaced where the known firms' names are alike (有限公司) is a misreading; in the part that tells
    # a firm from the others (宏达) it may be another firm: left and flagged
    firms = [WRITTEN, "晋城市城区兴盛化工有限公司", "晋城市城区南庄煤炭物流有限公司"]
    rec = corrected(scan_read, {"enterprises": firms}, data__enterprise="晋城市城区宏达建材有限公可")
    assert rec.data["enterprise"] == WRITTEN and codes(rec, "data.enterprise") == ["ocr_corrected"]
    rec = corrected(scan_read, {"enterprises": firms}, data__enterprise="晋城市城区宏远建材有限公司")
    assert rec.data["enterprise"] == "晋城市城区宏远建材有限公司" and codes(rec, "data.enterprise") == ["ocr_ambiguous"]
    assert rec.warnings[-1]["candidates"] == [WRITTEN]
    # an abbreviation (characters missing at several places) is not completed
    rec = corrected(scan_read, {"units": ["城区住房和城乡建设局"]}, header__reporting_unit="城区住建局")
    assert rec.header["reporting_unit"] == "城区住建局" and codes(rec, "header.reporting_unit") == []


def _records(con) -> list[dict]:
    return [json.loads(r[0]) for r in con.execute("SELECT json FROM records ORDER BY id").fetchall()]


def test_service_path_corrects_scans_not_typed_returns(ledger_target, tmp_path):
    from services.ledgers import open_ledger
    from services.returns import parse_batch
    from services.roster import add_entry
    with open_ledger(ledger_target) as ledger:
        add_entry(ledger, "北石店镇人民政府", "unit")
        add_entry(ledger, LEDGER_NAME, "enterprise")
        res = parse_batch([SCAN, DOCX], ledger, jsonl=tmp_path / "r.jsonl", workers=1)
        assert res.ok
        recs = {r["source"]["format"]: r for r in _records(ledger.con)}
        hazards = {r[0] for r in ledger.con.execute("SELECT enterprise FROM hazards").fetchall()}
    scan, typed = recs["image"], recs["docx"]
    assert scan["data"]["enterprise"] == LEDGER_NAME
    w = next(w for w in scan["warnings"] if w["field"] == "data.enterprise" and w["code"] == "ocr_corrected")
    assert w["raw"] != LEDGER_NAME and len(w["raw"]) < len(LEDGER_NAME)
    assert scan["header"]["reporting_unit"] == "北石店镇人民政府"
    assert not [w for w in scan["warnings"] if w["field"] == "header.reporting_unit" and w["code"] == "ocr_corrected"]
    assert typed["data"]["enterprise"] == WRITTEN                   # typed: never corrected
    assert not [w for w in typed["warnings"] if w["code"] in ("ocr_corrected", "ocr_ambiguous")]
    assert LEDGER_NAME in hazards                                   # the scan's hazards under the ledger's name
    lines = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {x["data"]["enterprise"] for x in lines} == {LEDGER_NAME, WRITTEN}


def test_a_job_reads_the_known_names_once(ledger_target, tmp_path, monkeypatch):
    from services import jobs
    from services.ledgers import open_ledger
    calls = []
    real = jobs.known_names
    monkeypatch.setattr(jobs, "known_names", lambda ledger: calls.append(1) or real(ledger))
    files = sorted((ROOT / "samples" / "returns" / "北石店镇").glob("*.docx"))[:3]
    with open_ledger(ledger_target) as ledger:
        job = jobs.submit_parse_job(ledger, [(str(i), f.name, f) for i, f in enumerate(files)])
        done = jobs.run_job(ledger, job)
    assert done.state == "done" and all(f.outcome == "records" for f in done.files)
    assert calls == [1]
