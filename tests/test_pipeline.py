"""The batch pipeline: mechanics with a stand-in reader, then `cli.py parse` end to end on real returns."""
from __future__ import annotations

import io
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import warnings
import zlib
from pathlib import Path

import pytest

import cli
from clirun import run
from parsers import pipeline
from schema.errors import InputError, OwnOutput
from schema.record import Record

ROOT = Path(__file__).resolve().parent.parent


# --- mechanics, with a stand-in reader ----------------------------------------------------------
# A stand-in file holds the records it "contains" as JSON after the line "FAKE"; "CRASH" kills
# the worker process; "LEGACY" is treated as a .doc that needs converting; "ZIP" is an archive
# whose first member is unreadable and whose second member follows; "NOTHING" reads but holds no
# table (3 pages); "OWN" is one of paicha's own outputs; "BUG" raises an unexpected exception;
# "ZLIB" breaks the legacy check (zlib.error, as sniffing a damaged .xlsx did); "PAGES" reports
# reading 40 pages, as a long PDF does; "NOISY" logs and warns in English, as pdfminer and PIL do.

def fake_record(unit: str, fill: str, found: int) -> dict:
    return Record("campaign_stats", "镇（街道）、部门大排查大整治行动统计表",
                  header={"reporting_unit": unit, "fill_date": fill, "period": fill[:7]},
                  data={"rows": [{"unit": "第一组", "general_hazards_found": found}]}).to_json()


def fake_needs_conversion(path):
    if Path(path).read_bytes().startswith(b"ZLIB"):
        raise zlib.error("Error -3 while decompressing data: invalid block type")
    return Path(path).read_bytes().startswith(b"LEGACY")


def fake_read_records(path, converted=None, member_errors=None, pages=None, display_path=None, specs=None):
    text = Path(path).read_text(encoding="utf-8")
    if text.startswith("NOISY"):
        logging.getLogger("pdfminer.pdftypes").warning("Data-loss while decompressing corrupted data")
        warnings.warn("Image size exceeds limit", UserWarning)
        text = text[6:]
    if text.startswith("PAGES"):
        for page in range(1, 41):
            if pages:
                pages(page, 40)
        text = "FAKE\n[]"
    if text.startswith("ZIP"):      # an archive with one unreadable member, then its good member
        member_errors.append(InputError(f"{path}!坏.docx：文件已损坏", code="corrupt"))
        text = text[4:]
        if not text:
            return []
    if not text:
        raise InputError(f"{path}：文件为空（零字节）", code="empty")
    if text.startswith("CRASH"):
        os._exit(1)
    if text.startswith("OWN"):
        raise OwnOutput(f"{path}：本工具生成的文件（汇总表），已跳过")
    if text.startswith("BUG"):
        raise KeyError("secret internal detail")
    if text.startswith("NOTHING"):
        src = {"path": path, "sha256": "x", "format": "pdf"}
        return [{"source": src, "records": [], "pages": 3, "tables": 0, "notes": ["第 2 页为空白页，已跳过"]}]
    if text.startswith("LEGACY"):
        assert converted is not None, "legacy file was not converted first"
        text = converted.read_text(encoding="utf-8")
    if not text.startswith("FAKE"):
        raise InputError(f"{path}：不是可识别的文档格式", code="wrong_type")
    recs = json.loads(text[5:])
    src = {"path": path, "sha256": f"sha-{Path(path).name}-{len(text)}", "format": "docx"}
    for r in recs:
        r["source"] = src
    return [{"source": src, "records": recs, "provenance": [], "file": path, "member": None}]


def fake_convert(paths, workdir):
    out = {}
    for p in paths:
        target = workdir / (p.stem + ".docx")
        target.write_text("FAKE\n" + Path(p).read_text(encoding="utf-8")[7:], encoding="utf-8")
        out[p] = target
    (Path(os.environ["FAKE_MARKS"]) / f"convert-call-{os.getpid()}-{len(paths)}-{paths[0].name}").touch()
    return out


@pytest.fixture
def fakes(monkeypatch, tmp_path):
    import parsers.readers.legacy as legacy
    monkeypatch.setattr(legacy, "needs_conversion", fake_needs_conversion)
    monkeypatch.setattr(pipeline, "read_records", fake_read_records)
    monkeypatch.setattr(pipeline, "_convert", fake_convert)
    monkeypatch.setattr(pipeline, "_preload", lambda: None)
    monkeypatch.setattr(pipeline.tempfile, "tempdir", str(tmp_path / "tmp"))
    monkeypatch.setenv("FAKE_MARKS", str(tmp_path / "tmp"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
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
    s = pipeline.parse([src], jsonl=jsonl, db=db, workers=workers)
    assert (s.files_seen, s.files_parsed, s.files_failed) == (16, 14, 2)
    assert [o["outcome"] for o in s.outcomes] == ["records"] * 6 + ["error", "records", "error"] + ["records"] * 7
    assert s.outcomes[12] == {"path": str(src / "08x-archive.zip"), "outcome": "records", "records": 1,
                              "code": None, "message": ""}
    assert s.records_by_type == {"campaign_stats": 14}
    assert [(Path(p).name, c) for p, c, _ in s.errors] == [
        ("05x-bad.docx", "wrong_type"), ("06x-empty.docx", "empty"), ("08x-archive.zip!坏.docx", "corrupt")]
    lines = [json.loads(x) for x in jsonl.read_text(encoding="utf-8").splitlines()]
    order = [Path(x["source"]["path"]).name.split("!")[0] for x in lines]
    assert order == sorted(order)        # input order whatever the workers did
    assert [x["error"]["code"] for x in lines if "error" in x] == ["wrong_type", "empty", "corrupt"]
    assert s.ledger == {"new": 14, "unchanged": 0, "superseded": 0, "suspects": 0}
    # one conversion call for the chunk with the legacy file
    assert len(list((tmp / "tmp").glob("convert-call-*-1-07x-legacy.doc"))) == 1
    # a re-run changes nothing in the ledger
    before = sqlite3.connect(db).execute("SELECT COUNT(*) FROM records").fetchone()[0]
    again = pipeline.parse([src], db=db, workers=workers)
    assert again.ledger == {"new": 0, "unchanged": 14, "superseded": 0, "suspects": 0}
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM records").fetchone()[0] == before == 14


@pytest.mark.parametrize("workers", [1, 2])
def test_every_file_one_outcome(fakes, workers, capsys):
    """records, error, no_table, skipped: one each per input file, counted, written and printed."""
    tmp = fakes
    src = tmp / "mix"
    write(src / "1.docx", "FAKE\n" + json.dumps([fake_record("镇1", "2023-03-05", 1)], ensure_ascii=False))
    write(src / "2.pdf", "NOTHING")
    write(src / "3.xlsx", "OWN")
    write(src / "4.docx", "BUG")
    write(src / "5.xlsx", "ZLIB")
    write(src / "6.zip", "ZIP\n")                 # its only member is unreadable
    write(src / "7.docx", "FAKE\n" + json.dumps([fake_record("镇7", "2023-03-05", 7)], ensure_ascii=False))
    jsonl = tmp / "o.jsonl"
    s = pipeline.parse([src, tmp / "无此文件.docx"], jsonl=jsonl, db=tmp / "l.db", workers=workers)
    got = {Path(o["path"]).name: (o["outcome"], o["code"]) for o in s.outcomes}
    assert got == {"无此文件.docx": ("error", "not_found"), "1.docx": ("records", None),
                   "2.pdf": ("no_table", "no_table"), "3.xlsx": ("skipped", "own_output"),
                   "4.docx": ("error", "internal"), "5.xlsx": ("error", "corrupt"),
                   "6.zip": ("error", "corrupt"), "7.docx": ("records", None)}
    assert [Path(o["path"]).name for o in s.outcomes][1:] == [f"{i}.{e}" for i, e in
                                                            enumerate("docx pdf xlsx docx xlsx zip docx".split(), 1)]
    assert (s.files_seen, s.files_parsed, s.files_failed, s.files_no_table, s.files_skipped) == (8, 2, 4, 1, 1)
    assert s.ledger["new"] == 2
    msg = {Path(o["path"]).name: o["message"] for o in s.outcomes}
    assert msg["2.pdf"] == f"{src / '2.pdf'}：未识别到表格（共 3 页、0 个表格）；第 2 页为空白页，已跳过"
    assert msg["3.xlsx"] == f"{src / '3.xlsx'}：已跳过（本工具生成的文件）"
    assert msg["5.xlsx"].startswith(f"{src / '5.xlsx'}：压缩数据已损坏（详情已写入日志 ")
    # the unexpected exception: a Chinese line, its traceback in the log (not on screen)
    assert msg["4.docx"] == f"{src / '4.docx'}：解析时出现内部错误（详情已写入日志 {s.log}）"
    assert Path(s.log).parent == tmp / "state" / "paicha" / "logs"
    log = Path(s.log).read_text(encoding="utf-8")
    assert "KeyError: 'secret internal detail'" in log and "zlib.error" in log and str(src / "4.docx") in log
    lines = [json.loads(x) for x in jsonl.read_text(encoding="utf-8").splitlines()]
    assert [x["outcome"] for x in lines if "outcome" in x] == [
        {"code": "no_table", "message": msg["2.pdf"]}, {"code": "own_output", "message": msg["3.xlsx"]}]
    assert [Path(x["source"]["path"]).name for x in lines if "error" in x] == [
        "无此文件.docx", "4.docx", "5.xlsx", "6.zip!坏.docx", "6.zip"]
    cli.print_summary(s)
    out = capsys.readouterr().out
    assert "共 8 个文件：解析成功 2 个，失败 4 个，未识别到表格 1 个，已跳过 1 个；得到 2 份表格记录" in out
    assert f"无表格：{msg['2.pdf']}" in out and f"跳过：{msg['3.xlsx']}" in out
    assert f"错误详情已写入日志：{s.log}" in out
    assert "secret" not in out and "KeyError" not in out and "Traceback" not in out
    assert sum(ln.startswith("失败：") for ln in out.splitlines()) == 5      # 4 files and the zip's member


def test_names_are_inert_in_messages(fakes, capsys):
    """A newline or a terminal escape in a file name is shown escaped: no forged line, nothing raw."""
    tmp = fakes
    src = tmp / "names"
    write(src / "ok.docx", "FAKE\n" + json.dumps([fake_record("镇1", "2023-03-05", 1)], ensure_ascii=False))
    write(src / "a\n失败：x.docx", "垃圾")
    write(src / "b\x1b[31m红.docx", "垃圾")
    write(src / "c\tBUG.docx", "BUG")
    s = pipeline.parse([src], jsonl=tmp / "n.jsonl", workers=1)
    cli.print_summary(s)
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\t" not in out
    fails = [ln for ln in out.splitlines() if ln.startswith("失败：")]
    assert len(fails) == 3
    assert f"失败：{src}/a\\n失败：x.docx：不是可识别的文档格式" in out
    assert f"失败：{src}/b\\x1b[31m红.docx：" in out and f"失败：{src}/c\\tBUG.docx：解析时出现内部错误" in out
    assert "\x1b" not in Path(s.log).read_text(encoding="utf-8")
    for x in map(json.loads, (tmp / "n.jsonl").read_text(encoding="utf-8").splitlines()):
        if "error" in x:
            assert "\n" not in x["error"]["message"] and "\x1b" not in x["error"]["message"]


def test_resubmission_counts_as_superseded(fakes):
    tmp = fakes
    # the weekly 统计表 (000: 每周五报本周数据): Monday's return corrected on Thursday of the same week
    write(tmp / "r/1.docx", "FAKE\n" + json.dumps([fake_record("北石店镇", "2023-03-06", 3)], ensure_ascii=False))
    write(tmp / "r/2.docx", "FAKE\n" + json.dumps([fake_record("北石店镇", "2023-03-09", 4)], ensure_ascii=False))
    s = pipeline.parse([tmp / "r"], db=tmp / "l.db", workers=1)
    assert s.ledger == {"new": 2, "unchanged": 0, "superseded": 1, "suspects": 0}


def test_weekly_returns_of_one_month_all_count(fakes):
    tmp = fakes
    for i, day in enumerate(["2023-03-03", "2023-03-10", "2023-03-17"]):
        write(tmp / f"w/{i}.docx", "FAKE\n" + json.dumps([fake_record("北石店镇", day, i + 1)], ensure_ascii=False))
    s = pipeline.parse([tmp / "w"], db=tmp / "l.db", workers=1)
    assert s.ledger == {"new": 3, "unchanged": 0, "superseded": 0, "suspects": 0}


def test_worker_crash_fails_only_its_file(fakes):
    tmp = fakes
    for i in range(8):
        write(tmp / "c" / f"{i}.docx", "FAKE\n" + json.dumps([fake_record(f"镇{i}", "2023-03-05", i)], ensure_ascii=False))
    write(tmp / "c" / "3x.docx", "CRASH")
    s = pipeline.parse([tmp / "c"], jsonl=tmp / "o.jsonl", workers=2)
    assert s.files_parsed == 8 and s.files_failed == 1
    assert s.errors[0][0].endswith("3x.docx") and s.errors[0][1] == "crashed"


def test_print_summary_in_chinese(fakes, capsys):
    tmp = fakes
    write(tmp / "p/1.docx", "FAKE\n" + json.dumps([fake_record("北石店镇", "2023-03-05", 3)], ensure_ascii=False))
    write(tmp / "p/坏文件.docx", "垃圾")
    s = pipeline.parse([tmp / "p"], workers=1)
    cli.print_summary(s)
    out = capsys.readouterr().out
    assert "共 2 个文件：解析成功 1 个，失败 1 个，未识别到表格 0 个，已跳过 0 个" in out
    assert "镇（街道）、部门大排查大整治行动统计表：1 份" in out
    assert f"失败：{tmp / 'p' / '坏文件.docx'}：不是可识别的文档格式" in out


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_through_the_callback(fakes, capsys, workers):
    """Files as they finish and a long PDF's pages (from a pool worker too) reach the callback; nothing is printed."""
    tmp = fakes
    for i in range(3):
        write(tmp / "g" / f"{i}.docx", "FAKE\n[]")
    write(tmp / "g" / "3.pdf", "PAGES")
    calls = []
    pipeline.parse([tmp / "g"], workers=workers, progress=lambda *c: calls.append(c))
    assert [c for c in calls if c[2] == pipeline.FILES] == [(n, 4, "文件") for n in range(1, 5)]
    assert [c for c in calls if c[2] != pipeline.FILES] == [(p, 40, "3.pdf：页") for p in range(1, 41)]
    assert capsys.readouterr() == ("", "")


def test_cli_progress_printer():
    err = io.StringIO()
    show = cli.ProgressPrinter(err)
    for page in range(1, 41):
        show(page, 40, "长.pdf" + pipeline.PAGES)
    for done in range(1, 4):
        show(done, 3, pipeline.FILES)
    lines = err.getvalue().split("\n")
    assert lines[:2] == ["  长.pdf：已读 20/40 页", "  长.pdf：已读 40/40 页"]
    assert lines[2].startswith("\r解析中 [") and lines[2].endswith("] 3/3 文件") and lines[3] == ""
    assert "] 1/3 文件" in lines[2]                       # the first file is always drawn


# --- end to end: `cli.py parse` on the sample returns plus broken files ---------------------------

SAMPLES = ROOT / "samples" / "returns"
RECORD_KEYS = {"schema_version", "source", "form_type", "form_title", "header", "data", "warnings"}
HEADER_KEYS = {"reporting_unit", "fill_date", "filler", "contact", "contact_phone", "period", "village"}
FORMATS = {"docx", "doc", "wps", "xlsx", "xls", "et", "pdf", "pdf-scan", "image"}
FORM_TYPES = {"enterprise_register", "self_check", "supervision_check", "campaign_stats",
              "inspection_stats", "major_hazard_list", "progress_dispatch", "unknown"}
LEDGER_TABLES = ("sources", "records", "enterprises", "hazards", "hazard_events", "inspections", "stats_rows")


def run_cli(*args, state: Path):
    """`cli.py` in-process; its log (if any) under `state`, not the user's home."""
    return run(*args, env={"XDG_STATE_HOME": str(state)})


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
                    "--xlsx", out / "汇总.xlsx", "-q", state=tmp / "state")
    counts = ledger_counts(out / "台账.db")
    second = run_cli("parse", src, "--db", out / "台账.db", "-q", state=tmp / "state")
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
        assert {"path", "sha256", "format"} <= set(r["source"]) <= {"path", "sha256", "format", "part", "score"}
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


def test_workbook_lists_failures_and_every_file(batch):
    import openpyxl
    wb = openpyxl.load_workbook(batch["out"] / "汇总.xlsx", read_only=True)
    assert wb.sheetnames[-2:] == ["错误", "文件"] and len(wb.sheetnames) >= 9   # a sheet per form type first
    text = "\n".join(str(c) for row in wb["错误"].iter_rows(values_only=True) for c in row if c)
    for name in ("截断.docx", "空白.xlsx", "网页.xls", "损坏的表.docx"):
        assert name in text
    rows = list(wb["文件"].iter_rows(values_only=True))
    assert rows[0] == ("序号", "文件", "结果", "记录数", "说明")
    files = sorted(str(p) for p in batch["src"].rglob("*") if p.is_file())
    assert sorted(r[1] for r in rows[1:]) == files          # every input file, once
    by_name = {Path(r[1]).name: r for r in rows[1:]}
    assert by_name["截断.docx"][2:4] == ("失败", 0) and by_name["混合报送.zip"][2:4] == ("已解析", 1)
    assert by_name["空白.xlsx"][4].startswith("文件为空")


def test_own_workbook_in_the_input_folder_is_not_read(tmp_path):
    """parse --xlsx into the folder it reads, twice: the same records, the workbook skipped."""
    import shutil
    src = tmp_path / "回执"
    src.mkdir()
    for p in sorted((SAMPLES / "北石店镇").glob("*.docx"))[:2]:
        shutil.copy(p, src / p.name)
    runs = []
    for n in (1, 2):
        r = run_cli("parse", src, "--xlsx", src / "汇总.xlsx", "--jsonl", tmp_path / f"{n}.jsonl", "-q",
                    "--workers", "1", state=tmp_path / "state")
        assert r.returncode == 0, r.stdout + r.stderr
        runs.append(r.stdout)
        assert (src / "汇总.xlsx").is_file()
    first, second = ([json.loads(x) for x in (tmp_path / f"{n}.jsonl").read_text(encoding="utf-8").splitlines()]
                     for n in (1, 2))
    assert [x for x in second if "outcome" not in x] == first and len(first) >= 2
    assert [x["source"]["path"] for x in second if "outcome" in x] == [str(src / "汇总.xlsx")]
    assert "共 2 个文件：解析成功 2 个" in runs[0]
    assert "共 3 个文件：解析成功 2 个，失败 0 个，未识别到表格 0 个，已跳过 1 个" in runs[1]
    assert f"跳过：{src / '汇总.xlsx'}：已跳过（本次运行的输出文件）" in runs[1]


def test_ledger_filled_and_rerun_changes_nothing(batch):
    counts = batch["counts"]
    assert counts["records"] > 0 and counts["hazards"] > 0 and counts["stats_rows"] > 0 and counts["inspections"] > 0
    second = batch["second"]
    assert second.returncode == 3
    assert "台账：新增 0 个文件" in second.stdout and "更正报送取代旧记录 0 份" in second.stdout
    assert ledger_counts(batch["out"] / "台账.db") == counts


# --- issue 9 part 9: links, pipes, devices, names that are not UTF-8, library noise, suspects ------

GOOD_DOCX = ROOT / "samples" / "returns" / "北石店镇" / "督导检查表-晋城市城区宏达建材有限公司.docx"


def shown(path: Path) -> str:
    """A path as the outputs write it: a name's bytes that are not UTF-8 as \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def test_links_pipes_and_devices_each_get_one_line_and_never_hang(tmp_path):
    """A FIFO named like a return hung the batch (opening it waits for a writer) and a link loop crashed
    it: each such path is now one Chinese error line, the rest is read. `cli.py parse` runs in a
    subprocess with a timeout, so a regression fails here instead of hanging the suite."""
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(GOOD_DOCX, src / "好.docx")
    os.mkfifo(src / "管道.docx")
    (src / "环甲.docx").symlink_to("环乙.docx")
    (src / "环乙.docx").symlink_to("环甲.docx")
    (src / "自指.docx").symlink_to("自指.docx")
    (src / "悬空.docx").symlink_to("不存在.docx")
    (src / "设备.docx").symlink_to("/dev/zero")
    (src / "链接.docx").symlink_to("好.docx")           # the same file once more: read once
    lone = tmp_path / "单独的管道.docx"                 # named on the command line
    os.mkfifo(lone)
    jsonl = tmp_path / "out.jsonl"
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    proc = subprocess.run([sys.executable, "cli.py", "parse", str(src), str(lone), "--jsonl", str(jsonl),
                           "--workers", "1"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3 and proc.stderr == "", proc.stderr
    assert "共 8 个文件：解析成功 1 个，失败 7 个" in proc.stdout, proc.stdout
    lines = [json.loads(x) for x in jsonl.read_text(encoding="utf-8").split("\n") if x]
    errors = {Path(x["source"]["path"]).name: (x["error"]["code"], x["error"]["message"]) for x in lines if "error" in x}
    pipe, loop = ("not_regular", "不是普通文件（管道、设备或套接字），未读取"), ("bad_link", "符号链接循环，无法打开")
    expected = {"管道.docx": pipe, "单独的管道.docx": pipe, "设备.docx": pipe, "环甲.docx": loop, "环乙.docx": loop,
                "自指.docx": loop, "悬空.docx": ("not_found", "符号链接指向的文件不存在")}
    assert {k: c for k, (c, _) in errors.items()} == {k: c for k, (c, _) in expected.items()}
    for name, (_code, reason) in expected.items():
        assert errors[name][1].endswith(f"{name}：{reason}"), errors[name]
    assert {Path(x["source"]["path"]).name for x in lines if "form_type" in x} == {"好.docx"}


def test_sniffing_a_fifo_refuses_it_without_waiting(tmp_path):
    """The reader's own guard (a caller that skips the pipeline's check): a subprocess with a timeout."""
    fifo = tmp_path / "管道.xls"
    os.mkfifo(fifo)
    code = ("import sys; from parsers.readers.sniff import sniff; from parsers.readers.legacy import needs_conversion\n"
            "from schema.errors import InputError\n"
            "assert needs_conversion(sys.argv[1]) is False\n"
            "try:\n    sniff(sys.argv[1])\nexcept InputError as e:\n    print(e.code, e.message)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(fifo)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.stdout == f"not_regular {fifo}：不是普通文件（管道、设备或套接字），未读取\n", proc.stderr


def test_a_name_that_is_not_utf8_is_read_and_written_escaped(tmp_path, capsys, monkeypatch):
    """Names in GBK bytes (a Windows zip unpacked on Linux) crashed the batch at the first output that
    wrote them: JSONL, ledger, workbook, log and screen now all name the file with the bytes escaped."""
    import openpyxl
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    src = tmp_path / "in"
    src.mkdir()
    good, bad = src / os.fsdecode("报表-北石店镇.docx".encode("gbk")), src / os.fsdecode(b"\xff\xfe.docx")
    shutil.copy(GOOD_DOCX, good)
    bad.write_bytes(GOOD_DOCX.read_bytes()[:5000])
    jsonl, db, xlsx = tmp_path / "r.jsonl", tmp_path / "l.db", tmp_path / "汇总.xlsx"
    s = pipeline.parse([src], jsonl=jsonl, db=db, xlsx=xlsx, workers=1)
    assert "\\xb1\\xa8\\xb1\\xed" in shown(good)
    assert [(o["path"], o["outcome"]) for o in s.outcomes] == [(shown(good), "records"), (shown(bad), "error")]
    lines = [json.loads(x) for x in jsonl.read_bytes().decode("utf-8").split("\n") if x]
    assert {x["source"]["path"] for x in lines} == {shown(good), shown(bad)}
    con = sqlite3.connect(db)
    assert con.execute("SELECT DISTINCT path FROM sources").fetchall() == [(shown(good),)]
    con.close()
    cells = {c.value for ws in openpyxl.load_workbook(xlsx) for row in ws.iter_rows() for c in row}
    assert shown(good) in cells and any(shown(bad) in str(v) for v in cells)
    cli.print_summary(s)
    assert f"失败：{shown(bad)}：文件已损坏" in capsys.readouterr().out


def test_an_internal_error_on_such_a_name_is_logged(fakes):
    """The guard's own report (the log's header line) wrote the raw name and raised: the batch died."""
    src = fakes / "in"
    write(src / os.fsdecode(b"\xb1\xa8BUG.docx"), "BUG")
    write(src / "ok.docx", "FAKE\n" + json.dumps([fake_record("镇1", "2023-03-05", 1)], ensure_ascii=False))
    s = pipeline.parse([src], jsonl=fakes / "o.jsonl", workers=1)
    assert [o["outcome"] for o in s.outcomes] == ["records", "error"]
    assert s.outcomes[1]["message"].startswith(f"{src}/\\xb1\\xa8BUG.docx：解析时出现内部错误（详情已写入日志")
    assert f"=== {src}/\\xb1\\xa8BUG.docx" in Path(s.log).read_text(encoding="utf-8")


@pytest.mark.parametrize("workers", [1, 2])
def test_library_logs_and_warnings_go_to_the_run_log(fakes, capfd, workers):
    """pdfminer's "Data-loss while decompressing corrupted data" and PIL's warnings reached the screen in
    English; they go to the run's log (from the worker processes too) and the loggers are put back after."""
    for i in range(3):
        write(fakes / "in" / f"{i}.pdf", "NOISY\nFAKE\n" + json.dumps([fake_record(f"镇{i}", "2023-03-05", i)],
                                                                         ensure_ascii=False))
    shown_before = warnings.showwarning
    s = pipeline.parse([fakes / "in"], workers=workers)
    assert s.files_parsed == 3
    screen = capfd.readouterr()
    assert "Data-loss" not in screen.err + screen.out and "exceeds limit" not in screen.err + screen.out
    log = "".join(p.read_text(encoding="utf-8") for p in (fakes / "state").rglob("*.log"))
    assert "pdfminer.pdftypes WARNING: Data-loss while decompressing corrupted data" in log
    assert "UserWarning: Image size exceeds limit" in log
    assert not s.log                          # no traceback: the summary does not send the user to the log
    assert warnings.showwarning is shown_before and logging.getLogger("pdfminer").propagate


def test_summary_counts_suspect_resubmissions(tmp_path, capsys):
    """A damaged resubmission held for a person (ledger.store: suspects) is counted and the summary
    says how to review it."""
    from tests.test_ledger import _returns
    good, damaged, _ = _returns(tmp_path)
    db = tmp_path / "台账.db"
    first = pipeline.parse([good], db=db, workers=1)
    cli.print_summary(first)
    assert first.ledger["suspects"] == 0 and "疑似损坏" not in capsys.readouterr().out
    s = pipeline.parse([damaged], db=db, workers=1)
    assert s.ledger == {"new": 1, "unchanged": 0, "superseded": 0, "suspects": 1}
    cli.print_summary(s)
    assert "疑似损坏的重报 1 份，待人工确认（cli.py record suspects）" in capsys.readouterr().out


# --- a long register: a progress line while it is recognised, time linear in its rows (issue 13) ----

REGISTER_HEAD = ["序号", "企业名称", "隐患部位", "隐患描述", "隐患类型", "隐患等级", "整改措施", "整改责任人", "整改期限",
                 "治理状态"]


def long_register(path: Path, rows: int) -> Path:
    """A 隐患排查治理台账 workbook of `rows` hazards, as provincial systems export them."""
    import openpyxl
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("隐患台账")
    ws.append(["隐患排查治理台账"])
    ws.append(["填报单位：北石店镇", None, None, None, "填报日期：2023年3月5日"])
    ws.append(REGISTER_HEAD)
    for i in range(rows):
        ws.append([i + 1, f"宏达{i % 700}号机械厂", "车间", f"第{i}处配电箱未接地，电缆老化破损", "电气",
                   "一般" if i % 50 else "重大", "立即整改", f"张{i % 90}", "2023-04-30", "整改中"])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


@pytest.mark.parametrize("workers", [1, 2])
def test_long_register_reports_its_rows(tmp_path, monkeypatch, workers):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    long_register(tmp_path / "in" / "台账.xlsx", 600)
    long_register(tmp_path / "in" / "短.xlsx", 3)
    calls = []
    s = pipeline.parse([tmp_path / "in"], db=tmp_path / "l.db", workers=workers,
                       progress=lambda *c: calls.append(c))
    assert s.records == 2 and s.files_parsed == 2
    rows = [c for c in calls if c[2].endswith(pipeline.ROWS)]
    assert [c[2] for c in rows] == ["台账.xlsx：行"] * 2          # the short one says nothing
    (zero, total, _), (done, total2, _) = rows
    assert zero == 0 and done == total == total2 >= 600
    with sqlite3.connect(tmp_path / "l.db") as con:
        # the short register's 3 hazards are the long one's first 3 (same enterprise and description)
        assert con.execute("select count(*) from hazards").fetchone()[0] == 600


def test_cli_prints_a_long_registers_rows():
    err = io.StringIO()
    show = cli.ProgressPrinter(err)
    show(0, 5003, "台账.xlsx" + pipeline.ROWS)
    show(5003, 5003, "台账.xlsx" + pipeline.ROWS)
    assert err.getvalue() == "  台账.xlsx：已读 5003 行，识别中\n  台账.xlsx：已识别 5003 行\n"


def test_long_register_time_is_linear_in_rows(tmp_path):
    """CPU seconds to read, recognise and store 1,500 and 3,000 rows: twice the rows, about twice the time
    (a cost quadratic in rows would take four times)."""
    import time
    cpu = {}
    for n in (1500, 3000):
        f = long_register(tmp_path / f"{n}" / "台账.xlsx", n)
        pipeline.parse([f], db=tmp_path / f"{n}.db", workers=1)          # warm: imports, specs, dictionary
        t = time.process_time()
        s = pipeline.parse([f], db=tmp_path / f"{n}-2.db", workers=1)
        cpu[n] = time.process_time() - t
        assert s.records == 1
    assert cpu[3000] / cpu[1500] < 2.6, cpu
