"""The batch pipeline: mechanics with a stand-in reader, then `cli.py parse` end to end on real returns."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from parsers import pipeline
from schema.errors import InputError
from schema.record import Record

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / "cli.py"
PY = sys.executable


# --- mechanics, with a stand-in reader ----------------------------------------------------------
# A stand-in file holds the records it "contains" as JSON after the line "FAKE"; "CRASH" kills
# the worker process; "LEGACY" is treated as a .doc that needs converting; "ZIP" is an archive
# whose first member is unreadable and whose second member follows.

def fake_record(unit: str, fill: str, found: int) -> dict:
    return Record("campaign_stats", "镇（街道）、部门大排查大整治行动统计表",
                  header={"reporting_unit": unit, "fill_date": fill, "period": fill[:7]},
                  data={"rows": [{"unit": "第一组", "general_hazards_found": found}]}).to_json()


def fake_needs_conversion(path):
    return Path(path).read_bytes().startswith(b"LEGACY")


def fake_read_records(path, converted=None, member_errors=None):
    text = Path(path).read_text(encoding="utf-8")
    if text.startswith("ZIP"):      # an archive with one unreadable member, then its good member
        member_errors.append(InputError(f"{path}!坏.docx：文件已损坏", code="corrupt"))
        text = text[4:]
    if not text:
        raise InputError(f"{path}：文件为空（零字节）", code="empty")
    if text.startswith("CRASH"):
        os._exit(1)
    if text.startswith("LEGACY"):
        assert converted is not None, "legacy file was not converted first"
        text = converted.read_text(encoding="utf-8")
    if not text.startswith("FAKE"):
        raise InputError(f"{path}：不是可识别的文档格式", code="wrong_type")
    recs = json.loads(text[5:])
    src = {"path": path, "sha256": f"sha-{Path(path).name}-{len(text)}", "format": "docx"}
    for r in recs:
        r["source"] = src
    return [{"source": src, "records": recs}]


def fake_convert(paths, workdir):
    out = {}
    for p in paths:
        target = workdir / (p.stem + ".docx")
        target.write_text("FAKE\n" + Path(p).read_text(encoding="utf-8")[7:], encoding="utf-8")
        out[p] = target
    (workdir.parent / f"convert-call-{os.getpid()}-{len(paths)}-{paths[0].name}").touch()
    return out


@pytest.fixture
def fakes(monkeypatch, tmp_path):
    import parsers.readers.legacy as legacy
    monkeypatch.setattr(legacy, "needs_conversion", fake_needs_conversion)
    monkeypatch.setattr(pipeline, "read_records", fake_read_records)
    monkeypatch.setattr(pipeline, "_convert", fake_convert)
    monkeypatch.setattr(pipeline, "_preload", lambda: None)
    monkeypatch.setattr(pipeline.tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_expand_walks_sorted_and_filters(tmp_path):
    for name in ["b/2.docx", "b/1.XLSX", "a.pdf", "notes.txt", "~$a.docx", ".hidden.docx", ".git/x.docx"]:
        write(tmp_path / "in" / name, "x")
    loose = write(tmp_path / "loose.txt", "x")
    files, missing = pipeline.expand([tmp_path / "in", loose, tmp_path / "in" / "a.pdf", tmp_path / "无此文件.docx"])
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["in/a.pdf", "in/b/1.XLSX", "in/b/2.docx", "loose.txt"]
    assert missing == [(str(tmp_path / "无此文件.docx"), "not_found", f"{tmp_path / '无此文件.docx'}：找不到文件或文件夹")]


@pytest.mark.parametrize("workers", [1, 2])
def test_batch_order_errors_and_ledger(fakes, workers):
    tmp = fakes
    src = tmp / "returns"
    for i in range(12):
        write(src / f"{i:02d}.docx", "FAKE\n" + json.dumps([fake_record(f"镇{i}", "2023-03-05", i)], ensure_ascii=False))
    write(src / "05x-bad.docx", "纯文本")
    (src / "06x-empty.docx").write_bytes(b"")
    write(src / "07x-legacy.doc", "LEGACY\n" + json.dumps([fake_record("老镇", "2023-03-05", 1)], ensure_ascii=False))
    write(src / "08x-archive.zip", "ZIP\nFAKE\n" + json.dumps([fake_record("新镇", "2023-03-05", 2)], ensure_ascii=False))
    jsonl, db = tmp / "out.jsonl", tmp / "台账.db"
    s = pipeline.parse([src], jsonl=jsonl, db=db, workers=workers, progress=False)
    assert (s.files_seen, s.files_parsed, s.files_failed) == (16, 14, 2)
    assert s.records_by_type == {"campaign_stats": 14}
    assert [(Path(p).name, c) for p, c, _ in s.errors] == [
        ("05x-bad.docx", "wrong_type"), ("06x-empty.docx", "empty"), ("08x-archive.zip!坏.docx", "corrupt")]
    lines = [json.loads(x) for x in jsonl.read_text(encoding="utf-8").splitlines()]
    order = [Path(x["source"]["path"]).name.split("!")[0] for x in lines]
    assert order == sorted(order)        # input order whatever the workers did
    assert [x["error"]["code"] for x in lines if "error" in x] == ["wrong_type", "empty", "corrupt"]
    assert s.ledger == {"new": 14, "unchanged": 0, "superseded": 0}
    # one conversion call for the chunk with the legacy file
    assert len(list((tmp / "tmp").glob("convert-call-*-1-07x-legacy.doc"))) == 1
    # a re-run changes nothing in the ledger
    before = sqlite3.connect(db).execute("SELECT COUNT(*) FROM records").fetchone()[0]
    again = pipeline.parse([src], db=db, workers=workers, progress=False)
    assert again.ledger == {"new": 0, "unchanged": 14, "superseded": 0}
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM records").fetchone()[0] == before == 14


def test_resubmission_counts_as_superseded(fakes):
    tmp = fakes
    # the weekly 统计表 (000: 每周五报本周数据): Monday's return corrected on Thursday of the same week
    write(tmp / "r/1.docx", "FAKE\n" + json.dumps([fake_record("北石店镇", "2023-03-06", 3)], ensure_ascii=False))
    write(tmp / "r/2.docx", "FAKE\n" + json.dumps([fake_record("北石店镇", "2023-03-09", 4)], ensure_ascii=False))
    s = pipeline.parse([tmp / "r"], db=tmp / "l.db", workers=1, progress=False)
    assert s.ledger == {"new": 2, "unchanged": 0, "superseded": 1}


def test_weekly_returns_of_one_month_all_count(fakes):
    tmp = fakes
    for i, day in enumerate(["2023-03-03", "2023-03-10", "2023-03-17"]):
        write(tmp / f"w/{i}.docx", "FAKE\n" + json.dumps([fake_record("北石店镇", day, i + 1)], ensure_ascii=False))
    s = pipeline.parse([tmp / "w"], db=tmp / "l.db", workers=1, progress=False)
    assert s.ledger == {"new": 3, "unchanged": 0, "superseded": 0}


def test_worker_crash_fails_only_its_file(fakes):
    tmp = fakes
    for i in range(8):
        write(tmp / "c" / f"{i}.docx", "FAKE\n" + json.dumps([fake_record(f"镇{i}", "2023-03-05", i)], ensure_ascii=False))
    write(tmp / "c" / "3x.docx", "CRASH")
    s = pipeline.parse([tmp / "c"], jsonl=tmp / "o.jsonl", workers=2, progress=False)
    assert s.files_parsed == 8 and s.files_failed == 1
    assert s.errors[0][0].endswith("3x.docx") and s.errors[0][1] == "crashed"


def test_print_summary_in_chinese(fakes, capsys):
    tmp = fakes
    write(tmp / "p/1.docx", "FAKE\n" + json.dumps([fake_record("北石店镇", "2023-03-05", 3)], ensure_ascii=False))
    write(tmp / "p/坏文件.docx", "垃圾")
    s = pipeline.parse([tmp / "p"], workers=1, progress=False)
    pipeline.print_summary(s)
    out = capsys.readouterr().out
    assert "共 2 个文件：解析成功 1 个，失败 1 个" in out
    assert "镇（街道）、部门大排查大整治行动统计表：1 份" in out
    assert f"失败：{tmp / 'p' / '坏文件.docx'}：不是可识别的文档格式" in out


def test_progress_bar_on_stderr(fakes, monkeypatch, capsys):
    tmp = fakes
    for i in range(3):
        write(tmp / "g" / f"{i}.docx", "FAKE\n[]")
    monkeypatch.setenv("PAICHA_PROGRESS", "1")
    pipeline.parse([tmp / "g"], workers=1, progress=True)
    err = capsys.readouterr().err
    assert "解析中 [" in err and "] 3/3 文件" in err
    pipeline.parse([tmp / "g"], workers=1, progress=False)
    assert capsys.readouterr().err == ""


# --- end to end: `cli.py parse` on the sample returns plus broken files ---------------------------

SAMPLES = ROOT / "samples" / "returns"
RECORD_KEYS = {"schema_version", "source", "form_type", "form_title", "header", "data", "warnings"}
HEADER_KEYS = {"reporting_unit", "fill_date", "filler", "contact", "contact_phone", "period", "village"}
FORMATS = {"docx", "doc", "wps", "xlsx", "xls", "et", "pdf", "pdf-scan", "image"}
FORM_TYPES = {"enterprise_register", "self_check", "supervision_check", "campaign_stats",
              "inspection_stats", "major_hazard_list", "progress_dispatch", "unknown"}
LEDGER_TABLES = ("sources", "records", "enterprises", "hazards", "hazard_events", "inspections", "stats_rows")


def run_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([PY, str(CLI), *map(str, args)], capture_output=True, text=True, timeout=600, cwd=ROOT)


def ledger_counts(db: Path) -> dict:
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in LEDGER_TABLES}
    finally:
        con.close()


@pytest.fixture(scope="session")
def batch(tmp_path_factory):
    """The sample returns (every format, a zip) plus broken files, parsed once by the CLI."""
    import shutil
    import zipfile
    tmp = tmp_path_factory.mktemp("batch")
    src = tmp / "returns"
    shutil.copytree(SAMPLES, src)
    (src / "expected.jsonl").unlink()
    bad = src / "坏文件"
    bad.mkdir()
    good = SAMPLES / "北石店镇" / "督导检查表-晋城市城区宏达建材有限公司.docx"
    (bad / "截断.docx").write_bytes(good.read_bytes()[:3000])
    (bad / "空白.xlsx").write_bytes(b"")
    (bad / "网页.xls").write_text("<html><body><table><tr><td>统计表</td></tr></table></body></html>", encoding="utf-8")
    with zipfile.ZipFile(bad / "混合报送.zip", "w") as z:
        z.write(SAMPLES / "南庄镇" / "督导检查表-晋城市城区南庄煤炭物流有限公司.docx", "督导检查表.docx")
        z.writestr("损坏的表.docx", good.read_bytes()[:2000])
    out = tmp / "out"
    first = run_cli("parse", src, "--jsonl", out / "records.jsonl", "--db", out / "台账.db",
                    "--xlsx", out / "汇总.xlsx", "-q")
    counts = ledger_counts(out / "台账.db")
    second = run_cli("parse", src, "--db", out / "台账.db", "-q")
    return {"src": src, "out": out, "first": first, "second": second, "counts": counts}


def test_cli_counts_and_chinese_errors(batch):
    first = batch["first"]
    assert first.returncode == 3, first.stderr          # some files failed
    out = first.stdout
    n_samples = sum(1 for p in SAMPLES.rglob("*") if p.is_file() and p.name != "expected.jsonl")
    assert f"共 {n_samples + 4} 个文件：解析成功 {n_samples + 1} 个，失败 3 个" in out
    expected = [json.loads(x) for x in (SAMPLES / "expected.jsonl").read_text(encoding="utf-8").splitlines()]
    assert f"得到 {len(expected) + 1} 份表格记录" in out
    src = batch["src"]
    fails = [ln for ln in out.splitlines() if ln.startswith("失败：")]
    assert len(fails) == 4
    for name in ("截断.docx", "空白.xlsx", "网页.xls", "混合报送.zip!损坏的表.docx"):
        line = next((ln for ln in fails if f"{src / '坏文件' / name}：" in ln), None)
        assert line is not None, (name, fails)
        reason = line.split(f"{name}：", 1)[1]
        assert reason and any("\u4e00" <= ch <= "\u9fff" for ch in reason), line
    assert "空白.xlsx：文件为空" in out


def test_jsonl_lines_follow_schema(batch):
    lines = [json.loads(x) for x in (batch["out"] / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    records = [x for x in lines if "error" not in x]
    errors = [x for x in lines if "error" in x]
    assert len(errors) == 4
    for e in errors:
        assert set(e) == {"source", "error"} and set(e["error"]) == {"code", "message"}
        assert e["error"]["message"].startswith(e["source"]["path"])
    for r in records:
        assert set(r) == RECORD_KEYS, r.keys()
        assert r["schema_version"] == 1 and r["form_type"] in FORM_TYPES
        assert {"path", "sha256", "format"} <= set(r["source"]) <= {"path", "sha256", "format", "part"}
        assert r["source"]["format"] in FORMATS and len(r["source"]["sha256"]) == 64
        assert set(r["header"]) <= HEADER_KEYS, r["header"]
        assert isinstance(r["data"], dict) and isinstance(r["warnings"], list)
    # every expected form of the samples came out, from the right file
    src = str(batch["src"]) + "/"
    got = {(r["source"]["path"].replace(src, ""), r["form_type"]) for r in records}
    expected = {(e["path"], e["form_type"])
                for e in map(json.loads, (SAMPLES / "expected.jsonl").read_text(encoding="utf-8").splitlines())}
    assert expected <= got, expected - got
    assert ("坏文件/混合报送.zip!督导检查表.docx", "supervision_check") in got


def test_workbook_lists_failures(batch):
    import openpyxl
    wb = openpyxl.load_workbook(batch["out"] / "汇总.xlsx", read_only=True)
    sheet = wb[wb.sheetnames[-1]]
    text = "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    for name in ("截断.docx", "空白.xlsx", "网页.xls", "损坏的表.docx"):
        assert name in text
    assert len(wb.sheetnames) >= 8        # a sheet per form type, then the errors


def test_ledger_filled_and_rerun_changes_nothing(batch):
    counts = batch["counts"]
    assert counts["records"] > 0 and counts["hazards"] > 0 and counts["stats_rows"] > 0 and counts["inspections"] > 0
    second = batch["second"]
    assert second.returncode == 3
    assert "台账：新增 0 个文件" in second.stdout and "更正报送取代旧记录 0 份" in second.stdout
    assert ledger_counts(batch["out"] / "台账.db") == counts
