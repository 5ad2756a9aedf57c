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
