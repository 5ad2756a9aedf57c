"""Hostile and broken inputs: each gives one InputError with the right code and a
Chinese message naming the file, and the files after it are still read."""
from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from generators.office import convert
from parsers.readers import read_file
from parsers.readers.xmlsafe import parser
from schema.errors import InputError
from tests.badfiles import INJECTIONS, XXE_DOCTYPE, build, make_docx

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="session")
def bad(tmp_path_factory) -> tuple[Path, dict[str, str | None]]:
    d = tmp_path_factory.mktemp("bad")
    (d / "src").mkdir()
    src = make_docx(d / "src" / "real.docx")
    legacy = convert([src], "doc", d / "src")[src]          # a real .doc, to be marked encrypted
    return d / "files", build(d / "files", legacy_doc=legacy)


def test_catalogue_is_complete(bad):
    _, cases = bad
    codes = set(cases.values())
    assert {"empty", "corrupt", "encrypted", "wrong_type", "zip_bomb", "xxe", "too_large"} <= codes
    assert {"encrypted.doc", "encrypted.xlsx", "encrypted.docx", "bomb.zip", "lying.zip"} <= set(cases)


@pytest.mark.parametrize("name", [
    "empty.docx", "truncated.docx", "truncated.doc", "html.xlsx", "text.xlsx", "archive.rar.xlsx",
    "encrypted.xlsx", "encrypted.docx", "encrypted.doc", "not_office.doc",
    "bomb.zip", "lying.zip", "bomb_inside.docx", "many_members.zip", "xxe.docx", "xxe.xlsx",
    "encrypted.xls", "huge.docx", "vast.xlsx",
])
def test_bad_file_gives_one_chinese_line(bad, name):
    d, cases = bad
    with pytest.raises(InputError) as exc:
        read_file(d / name, display_path=f"回执/{name}")
    err = exc.value
    assert err.code == cases[name]
    assert f"回执/{name}" in err.message and "\n" not in err.message
    assert CHINESE.search(err.message.replace(f"回执/{name}", ""))


def test_loop_goes_on_after_bad_files(bad):
    """What the batch pipeline does: every file read or reported, in one pass."""
    d, cases = bad
    read, failed = {}, {}
    for name in sorted(cases):
        try:
            read[name] = read_file(d / name)
        except InputError as exc:
            failed[name] = exc.code
    assert failed == {n: c for n, c in cases.items() if c}
    assert set(read) == {n for n, c in cases.items() if c is None}
    assert read["really_xlsx.docx"][0].format == "xlsx"
    assert next(read["really_xlsx.docx"][0].tables()).grid()[1] == ["北石店镇", "3"]


@pytest.mark.parametrize("name", ["injection.docx", "injection.xlsx"])
def test_injections_kept_as_literal_text(bad, name):
    d, _ = bad
    grid = next(read_file(d / name)[0].tables()).grid()
    assert grid[-1] == INJECTIONS
    assert "49" not in str(grid)


def test_encrypted_messages_ask_for_password_removal(bad):
    d, _ = bad
    for name in ("encrypted.doc", "encrypted.xlsx", "encrypted.xls"):
        with pytest.raises(InputError) as exc:
            read_file(d / name)
        assert "文件已加密，请去掉密码后重新报送" in exc.value.message


def test_zip_bomb_is_refused_fast(bad):
    """The lying header is caught while streaming, long before 2 GB come out."""
    d, _ = bad
    with zipfile.ZipFile(d / "lying.zip") as z:
        assert z.infolist()[0].file_size == 1000
    with pytest.raises(InputError) as exc:
        read_file(d / "lying.zip")
    assert "实际解压大小超过声明" in exc.value.message


def test_openpyxl_alone_does_not_read_local_files(bad):
    """Defence in depth: even without our DOCTYPE check, openpyxl's sheet parser refuses the entity."""
    d, _ = bad
    try:
        wb = openpyxl.load_workbook(d / "xxe.xlsx", data_only=True)
        values = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row]
    except Exception:                          # expat: "undefined entity"
        values = []
    assert not any("root:" in v for v in values)


def test_safe_parser_resolves_no_entities():
    """Our parser, called directly on a DTD it should never see, does not read the file."""
    xml = f'<?xml version="1.0"?>{XXE_DOCTYPE}<x>&xxe;</x>'.encode()
    root = etree.fromstring(xml, parser())
    assert "root:" not in etree.tostring(root, encoding="unicode")


def test_html_under_xlsx_says_what_it_is(bad):
    d, _ = bad
    with pytest.raises(InputError) as exc:
        read_file(d / "html.xlsx")
    assert "网页 HTML" in exc.value.message and "另存为 .xlsx" in exc.value.message


# --- the whole bad batch through the pipeline: one outcome each, all in Chinese (issue 9) --------

# words that may stand in a Chinese message: formats and products, never exception text
ASCII_ALLOWED = {"docx", "doc", "xlsx", "xls", "xlsb", "wps", "et", "pdf", "zip", "rar", "html", "mht",
                 "xml", "ole", "word", "excel", "office", "opendocument", "libreoffice", "mb", "utf"}


@pytest.fixture(scope="session")
def bad_batch(bad, tmp_path_factory):
    from parsers import pipeline
    from tests.badfiles import build_crashers
    d, cases = bad
    crash_dir = tmp_path_factory.mktemp("crashers") / "files"
    crashers = build_crashers(crash_dir)
    state = tmp_path_factory.mktemp("state")
    old = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(state)
    try:
        summary = pipeline.parse([d, crash_dir], workers=2, progress=False)
    finally:
        os.environ.pop("XDG_STATE_HOME") if old is None else os.environ.__setitem__("XDG_STATE_HOME", old)
    return summary, cases, crashers


def test_issue9_crashers_fail_alone(bad_batch):
    summary, cases, crashers = bad_batch
    by_name = {Path(o["path"]).name: o for o in summary.outcomes}
    assert len(summary.outcomes) == summary.files_seen == len(cases) + len(crashers)
    for name, (outcome, code) in crashers.items():
        assert (by_name[name]["outcome"], by_name[name]["code"]) == (outcome, code), by_name[name]
    assert "压缩数据已损坏" in by_name["damaged_deflate.xlsx"]["message"]
    members = {Path(p).name: c for p, c, _ in summary.errors}
    assert members["member_deflate.zip!统计表.xlsx"] == "corrupt"
    for name, code in cases.items():
        assert by_name[name]["outcome"] == ("records" if code is None else "error"), by_name[name]


def test_gbk_name_under_utf8_flag_is_read(bad_batch, tmp_path):
    from tests.badfiles import build_crashers
    build_crashers(tmp_path / "c")
    docs = read_file(tmp_path / "c" / "gbk_flagged.zip", display_path="回执.zip")
    assert [d.path for d in docs] == ["回执.zip!督导检查表.docx"]
    assert next(docs[0].tables()).grid()[1][1] == "北石店镇五金厂"


def test_every_message_is_chinese(bad_batch):
    summary, _, _ = bad_batch
    messages = [(p, m) for p, _, m in summary.errors]
    messages += [(o["path"], o["message"]) for o in summary.outcomes if o["message"]]
    assert len(messages) >= 25
    for path, message in messages:
        rest = message
        for name in sorted({path, *[p for p, _ in messages]}, key=len, reverse=True):
            rest = rest.replace(name, "")
        # the log's path, member, part and sheet names are names, not text
        rest = re.sub(r"（详情已写入日志 [^）]*）|成员 \S+|工作表 \S+|\w+/[\w./]+\.xml", "", rest)
        words = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", rest)} - ASCII_ALLOWED
        assert not words, (message, words)
        assert CHINESE.search(rest), message


# --- issue 9 part 9: what the fuzz batch found -------------------------------------------------------

XLSX_SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "returns" / "北石店镇" / "大排查大整治行动统计表.xlsx"


def _without_part(src: Path, dst: Path, part: str) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != part:
                zout.writestr(info.filename, zin.read(info.filename))
    return dst


@pytest.mark.parametrize("damage, reason", [
    ("no-workbook", "工作簿结构无法读取"),          # openpyxl: KeyError
    ("empty-sheet", "XML 结构错误"),                # ParseError
    ("garbage-rels", "XML 结构错误"),               # XMLSyntaxError
])
def test_damaged_workbook_part_says_why_in_chinese(tmp_path, damage, reason):
    """A .xlsx whose workbook parts openpyxl cannot load: a Chinese reason, never the exception's class name."""
    from tests.badfiles import replace_part
    dst = tmp_path / f"{damage}.xlsx"
    if damage == "no-workbook":
        _without_part(XLSX_SAMPLE, dst, "xl/workbook.xml")
    elif damage == "empty-sheet":
        replace_part(XLSX_SAMPLE, dst, "xl/worksheets/sheet1.xml", b"")
    else:
        replace_part(XLSX_SAMPLE, dst, "xl/_rels/workbook.xml.rels", b"<Relationships><oops")
    with pytest.raises(InputError) as e:
        read_file(dst)
    message = e.value.message
    assert message.startswith(f"{dst}：") and reason in message and e.value.code == "corrupt", message
    assert not re.search(r"[A-Za-z]{2,}", message.removeprefix(str(dst)).replace("XML", "")), message


def test_sniff_reads_only_a_prefix_of_a_content_types_bomb(tmp_path):
    """A 400 MB [Content_Types].xml in 0.4 MB of zip: sniffing inflates a bounded prefix (it inflated it all,
    833 MB, before any zip limit), and the zip limits then refuse the file."""
    import tracemalloc

    from parsers.readers.sniff import sniff
    from tests.badfiles import deflated_zeros, raw_zip, stored_member
    good = make_docx(tmp_path / "good.docx")
    with zipfile.ZipFile(good) as z:
        members = [stored_member(i.filename, z.read(i.filename)) for i in z.infolist()
                   if i.filename != "[Content_Types].xml"]
    n = 400 << 20
    bomb = raw_zip(tmp_path / "炸弹.docx", [{"name": b"[Content_Types].xml", "data": deflated_zeros(n),
                                              "size": n, "flags": 0x800}] + members)
    tracemalloc.start()
    try:
        assert sniff(bomb) == "docx"
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 << 20, f"sniff allocated {peak >> 20} MB"
    with pytest.raises(InputError) as e:
        read_file(bomb)
    assert e.value.code == "zip_bomb", e.value.message


def test_damaged_deflate_in_content_types_is_a_corrupt_file_not_an_internal_error(tmp_path):
    from tests.badfiles import damaged_deflate
    bad = damaged_deflate(make_docx(tmp_path / "good.docx"), tmp_path / "坏.docx")
    with pytest.raises(InputError) as e:
        read_file(bad)
    assert (e.value.code, e.value.message) == ("corrupt", f"{bad}：文件已损坏（压缩数据已损坏）")


def test_names_and_text_that_no_writer_accepts_are_escaped():
    """Lone surrogates (a file name in GBK bytes, as Linux hands it to Python) are shown as the bytes they
    were; JSONL lines escape them and the line breaks that str.splitlines() honours."""
    import json

    from schema.errors import path_text, printable
    from schema.record import jsonl_line
    gbk = os.fsdecode("报表.docx".encode("gbk"))
    assert path_text(gbk) == "\\xb1\\xa8\\xb1\\xed.docx" == printable(gbk)
    assert path_text("换行\n.docx") == "换行\n.docx" and printable("换行\n.docx") == "换行\\n.docx"
    assert printable("\ud800") == "\\ud800"
    obj = {"path": "a\u2028b\u2029c\x85d\udcff", "n": 1}
    line = jsonl_line(obj)
    assert json.loads(line) == obj and len(line.splitlines()) == 1
    line.encode("utf-8")
