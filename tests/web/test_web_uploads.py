"""Uploads stored safely or refused with the right Chinese reason; downloads by id with Chinese names."""
from __future__ import annotations

import email.message
import html
import io
import zipfile
from pathlib import Path
from urllib.parse import unquote

from webtools import ROOT, token

DOCX = ROOT / "samples/returns/北石店镇/督导检查表-晋城市城区宏达建材有限公司.docx"
PDF = ROOT / "samples/returns_pdf/campaign_stats.pdf"


def upload(client, *files, as_json=True):
    """POST files [(name, bytes)] the way the page's form does (token first)."""
    parts = [("csrf_token", (None, token(client)))] + [("files", (name, data)) for name, data in files]
    return client.post("/files/upload", files=parts, headers={"Accept": "application/json"} if as_json else {})


def stored_files(settings) -> list[Path]:
    """Everything under the data folder's file store except the store's own bookkeeping."""
    root = settings.uploads_dir
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_good_file_is_stored_under_an_id_and_downloads_with_its_name(client, settings):
    answer = upload(client, (DOCX.name, DOCX.read_bytes()))
    assert answer.status_code == 200
    [f] = answer.json()["stored"]
    assert f["name"] == DOCX.name and f["kind"] == "docx" and f["note"] == ""
    assert [p.name for p in stored_files(settings)] == [f"{f['id']}.docx", f"{f['id']}.json"]
    down = client.get(f"/files/{f['id']}")
    assert down.status_code == 200 and down.content == DOCX.read_bytes()
    # the Chinese name parsed back by the standard library equals the name
    msg = email.message.EmailMessage()
    msg["Content-Disposition"] = down.headers["content-disposition"]
    assert msg.get_filename() == DOCX.name
    star = down.headers["content-disposition"].split("filename*=UTF-8''")[1].split(";")[0]
    assert unquote(star) == DOCX.name
    fallback = down.headers["content-disposition"].split('filename="')[1].split('"')[0]
    assert fallback.isascii() and fallback.endswith(".docx")


def test_html_answer_lists_files(client):
    page = upload(client, (DOCX.name, DOCX.read_bytes()), ("空.docx", b""), as_json=False)
    assert "已保存 1 个文件" in page.text and "未保存 1 个文件" in page.text and "文件为空（零字节）" in page.text


def test_empty_file_refused(client, settings):
    answer = upload(client, ("空表.xlsx", b""))
    assert answer.json() == {"stored": [], "refused": [{"name": "空表.xlsx", "message": "空表.xlsx：文件为空（零字节）"}]}
    assert stored_files(settings) == []


def test_file_over_limit_refused_whole_request_nothing_left(client, settings):
    big = b"%PDF-1.4\n" + b"0" * settings.max_file_bytes
    answer = upload(client, (DOCX.name, DOCX.read_bytes()), ("大文件.pdf", big))
    assert answer.status_code == 413
    assert "大文件.pdf：文件超过 1 MB 上限，未上传任何文件" in html.unescape(answer.text)
    assert stored_files(settings) == []            # the first file neither, nor any partial


def test_request_over_limit_refused(client, settings):
    chunk = b"%PDF-1.4\n" + b"0" * (settings.max_file_bytes - 100)
    answer = upload(client, *[(f"{i}.pdf", chunk) for i in range(5)])
    assert answer.status_code == 413 and "上传内容超过每次 4 MB 的上限" in answer.text
    assert stored_files(settings) == []


def test_too_many_files_refused(client, settings):
    answer = upload(client, *[(f"{i}.docx", DOCX.read_bytes()) for i in range(settings.max_files + 1)])
    assert answer.status_code == 413 and "一次最多上传 5 个文件，请分批上传" in answer.text
    assert stored_files(settings) == []


def test_path_traversal_name_is_display_text_only(client, settings, tmp_path):
    answer = upload(client, ("../../etc/passwd", DOCX.read_bytes()), ("..\\..\\boot.ini", DOCX.read_bytes()))
    stored = answer.json()["stored"]
    assert [f["name"] for f in stored] == ["passwd", "boot.ini"]
    assert all(f["kind"] == "docx" and "扩展名为" in f["note"] for f in stored)
    names = {p.name for p in stored_files(settings)}
    assert names == {f"{f['id']}{suffix}" for f in stored for suffix in (".docx", ".json")}
    assert not (tmp_path / "etc").exists() and not (settings.data_dir.parent / "passwd").exists()


def test_control_characters_escaped(client, settings):
    # the client percent-encodes the newline as browsers do (%0A); the escape and bidi characters arrive raw
    name = "a\nb\x1b[31m\u202e.docx"
    answer = upload(client, (name, DOCX.read_bytes()))
    [f] = answer.json()["stored"]
    assert f["name"] == "a%0Ab\\x1b[31m\\u202e.docx"
    page = upload(client, (name, DOCX.read_bytes()), as_json=False)
    assert "a%0Ab\\x1b[31m\\u202e.docx" in page.text and "\x1b" not in page.text and "\u202e" not in page.text
    down = client.get(f"/files/{f['id']}")
    assert "\n" not in down.headers["content-disposition"] and "\x1b" not in down.headers["content-disposition"]


def test_markup_in_names_escaped(client):
    page = upload(client, ("<img src=x onerror=alert(1)>.docx", DOCX.read_bytes()), as_json=False)
    assert "<img src=x" not in page.text and "&lt;img src=x onerror=alert(1)&gt;.docx" in page.text


def test_lying_extension_sniffed_by_content(client, settings):
    answer = upload(client, ("统计表.docx", PDF.read_bytes()), ("记录.pdf", b"just some text\n"))
    body = answer.json()
    [f] = body["stored"]
    assert f["kind"] == "pdf" and f["note"] == "扩展名为 .docx，按内容识别为PDF 文件"
    assert (settings.uploads_dir / f"{f['id']}.pdf").exists()
    assert body["refused"] == [{"name": "记录.pdf", "message": "记录.pdf：不是可识别的文档格式（内容是纯文本，不是 Office 文档）"}]
    # the download is named for what it is
    msg = email.message.EmailMessage()
    msg["Content-Disposition"] = client.get(f"/files/{f['id']}").headers["content-disposition"]
    assert msg.get_filename() == "统计表.docx.pdf"


def test_zip_bomb_refused(client, settings):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("表.docx", b"\0" * (50 * 1024 * 1024))       # 50 MB of zeros in ~50 KB
    answer = upload(client, ("回执.zip", buf.getvalue()))
    [r] = answer.json()["refused"]
    assert r["message"].startswith("回执.zip：压缩包解压后超过上限（成员 表.docx 压缩比超过 200）")
    assert stored_files(settings) == []


def test_download_only_by_id(client):
    for bad in ("..%2F..%2Fetc%2Fpasswd", "0" * 32, "secret_key", "ABCDEF" * 6):
        assert client.get(f"/files/{bad}").status_code == 404
