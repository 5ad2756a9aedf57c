"""The 公文 page over HTTP: editor, preview fragment, drafts, import, 一键排版, check report; bad input refused."""
from __future__ import annotations

import re

from services import drafts
from services.ledgers import open_ledger
from webtools import ROOT, token

JOINT = ROOT / "samples/notices/joint_城区应急局_城区发改局_燃气安全.md"
WORD_DRAFT = ROOT / "samples/word_drafts/draft_fagai.docx"
XLSX = next((ROOT / "samples/returns").rglob("*.xlsx"))
FIELDS = {"organs": "兴县应急管理局", "doc_number": "兴应急发〔2023〕12号", "title": "关于开展检查的通知",
          "recipients": "各乡镇人民政府", "date": "2023年3月2日", "printer": "兴县应急管理局办公室",
          "print_date": "2023年3月2日", "body": "为做好工作,现通知如下.\n\n一.工作目标\n加强管理."}


def stored_drafts(client) -> list[dict]:
    with open_ledger(client.app.state.settings.ledger) as handle:
        return drafts.list_drafts(handle).drafts


def test_editor_page_is_chinese_and_loads_the_preview_after(client):
    page = client.get("/gongwen")
    assert page.status_code == 200
    for text in ("起草红头文件", "发文机关", "签发人", "印发日期", "附件", "保存草稿", "一键排版", "检查公文格式",
                 "导入草稿文件", "还没有保存的草稿"):
        assert text in page.text
    assert 'hx-post="/gongwen/preview"' in page.text and "<script>" not in page.text
    # every form's first field is the token
    for form in re.findall(r"<form[^>]*>\s*(<input[^>]*>)", page.text):
        assert 'name="csrf_token"' in form
    assert client.get("/gongwen", params={"draft": 99}).status_code == 404
    assert client.get("/gongwen", params={"draft": "x"}).status_code == 400


def test_preview_shows_cleaning_pages_check_and_downloads(client):
    t = token(client)
    answer = client.post("/gongwen/preview", data={**FIELDS, "csrf_token": t})
    assert answer.status_code == 200
    text = answer.text
    assert "正文已整理：改动 3 行，删去空行 1 处" in text and "<del>,</del><ins>，</ins>" in text
    assert "未发现格式问题" in text
    key = re.search(r"/gongwen/preview/([0-9a-f]{64})/docx", text)[1]
    page = client.get(f"/gongwen/preview/{key}/page/1")
    assert page.status_code == 200 and page.headers["content-type"] == "image/png" and page.content[:4] == b"\x89PNG"
    docx = client.get(f"/gongwen/preview/{key}/docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert "%E5%85%B3%E4%BA%8E" in docx.headers["content-disposition"]          # 关于… as the file name
    assert client.get(f"/gongwen/preview/{key}/pdf").content[:5] == b"%PDF-"
    for bad in (f"/gongwen/preview/{key}/page/99", f"/gongwen/preview/{key}/exe", "/gongwen/preview/..%2F..%2Fx/docx",
                "/gongwen/preview/" + "0" * 64 + "/docx"):
        assert client.get(bad).status_code == 404
    # an incomplete draft: its problems listed, nothing rendered
    answer = client.post("/gongwen/preview", data={"csrf_token": t, "date": "2023-03-02"})
    assert "草稿还不完整" in answer.text and "缺少“发文机关”" in answer.text and "应写作 2023年3月2日" in answer.text
    assert "<img" not in answer.text
    assert "这里显示排版后的页面" in client.post("/gongwen/preview", data={"csrf_token": t}).text
    assert client.post("/gongwen/preview", data=FIELDS).status_code == 403


def test_user_text_is_escaped(client):
    t = token(client)
    answer = client.post("/gongwen/preview", data={"csrf_token": t, "body": "<script>alert(1)</script>,好"})
    assert "<script>alert" not in answer.text and "&lt;script&gt;" in answer.text


def test_save_list_export_delete(client):
    t = token(client)
    saved = client.post("/gongwen/save", data={**FIELDS, "csrf_token": t, "att_name": "自查表",
                                               "att_form": "self_check", "att_file": ""}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/gongwen?draft=1"
    page = client.get("/gongwen?draft=1")
    assert "草稿“关于开展检查的通知”已保存" in page.text and 'name="draft_id" value="1"' in page.text
    assert 'value="self_check" selected' in page.text and "为做好工作,现通知如下." in page.text
    # saving again with the id updates the same draft
    client.post("/gongwen/save", data={**FIELDS, "title": "关于复查的通知", "draft_id": "1", "csrf_token": t})
    assert [d["title"] for d in stored_drafts(client)] == ["关于复查的通知"]
    exported = client.get("/gongwen/drafts/1/export")
    assert exported.status_code == 200 and exported.text.startswith("---\n发文机关: 兴县应急管理局\n")
    assert "为做好工作，现通知如下。" in exported.text
    assert client.get("/gongwen/drafts/7/export").status_code == 404
    assert client.post("/gongwen/drafts/7/delete", data={"csrf_token": t}).status_code == 404
    assert client.post("/gongwen/drafts/1/delete").status_code == 403
    assert stored_drafts(client)
    gone = client.post("/gongwen/drafts/1/delete", data={"csrf_token": t})
    assert gone.status_code == 200 and "草稿“关于复查的通知”已删除" in gone.text and stored_drafts(client) == []
    # a foreign draft id or attachment file id stores nothing
    assert client.post("/gongwen/save", data={**FIELDS, "draft_id": "5", "csrf_token": t}).status_code == 404
    bad = client.post("/gongwen/save", data={**FIELDS, "csrf_token": t, "att_name": "x", "att_form": "",
                                             "att_file": "0" * 32})
    assert bad.status_code == 404 and "附件文件不存在" in bad.text and stored_drafts(client) == []


def test_import_fills_the_form(client):
    t = token(client)
    answer = client.post("/gongwen/import", data={"csrf_token": t},
                         files={"file": (JOINT.name, JOINT.read_bytes(), "text/markdown")})
    assert answer.status_code == 200
    assert f"已导入 {JOINT.name}" in answer.text
    assert 'value="晋城市城区应急管理局、晋城市城区发展和改革局"' in answer.text and "name=\"sealed\" value=\"1\" checked" in answer.text
    assert stored_drafts(client) == []                   # filled, not saved
    for content, message in ((b"\xd5\xfd\xce\xc4", "不是 UTF-8"), (b"just text", "缺少用 --- 包围的文件信息"),
                             (b"---\n\xe4\xbd\x9c\xe8\x80\x85: x\n---\nbody", "未知的文件信息项")):
        bad = client.post("/gongwen/import", data={"csrf_token": t}, files={"file": ("d.md", content)})
        assert bad.status_code == 400 and message in bad.text
    empty = client.post("/gongwen/import", data={"csrf_token": t}, files={"file": ("", b"")})
    assert empty.status_code == 400 and "请选择要导入的草稿文件" in empty.text


def test_attachment_rows(client):
    t = token(client)
    row = client.get("/gongwen/attachment-row", params={"form": "self_check"})
    assert row.status_code == 200 and 'value="self_check" selected' in row.text
    assert client.get("/gongwen/attachment-row", params={"form": "../etc"}).status_code == 404
    up = client.post("/gongwen/attachment", data={"csrf_token": t},
                     files={"files": ("检查安排.docx", WORD_DRAFT.read_bytes())})
    assert up.status_code == 200 and 'value="检查安排"' in up.text and "Word 文件" in up.text
    wrong = client.post("/gongwen/attachment", data={"csrf_token": t}, files={"files": ("a.pdf", b"%PDF-1.4 x")})
    assert wrong.status_code == 400


def test_format_and_check_uploads(client):
    t = token(client)
    formatted = client.post("/gongwen/format", data={"csrf_token": t},
                            files={"files": (WORD_DRAFT.name, WORD_DRAFT.read_bytes())}, follow_redirects=False)
    assert formatted.status_code == 303
    page = client.get(formatted.headers["location"])
    assert page.status_code == 200 and "draft_fagai（排版）.docx" in page.text and 'hx-get="/gongwen/doc/' in page.text
    report = client.get(formatted.headers["location"] + "/report")
    assert report.status_code == 200 and "未发现格式问题" in report.text and 'id="page-1"' in report.text
    # the unformatted draft, checked: findings linked to their page, the paragraph highlighted beside
    checked = client.post("/gongwen/check", data={"csrf_token": t},
                          files={"files": (WORD_DRAFT.name, WORD_DRAFT.read_bytes())}, follow_redirects=False)
    report = client.get(checked.headers["location"] + "/report").text
    assert "格式检查：发现" in report
    para = re.search(r'data-page="(\d+)" data-para="(\d+)"', report)
    assert para and f'id="para-{para[2]}" class="gw-flagged"' in report
    for data, files, message in (({"csrf_token": t}, {"files": ("a.txt", b"hello")}, ""),
                                 ({"csrf_token": t}, {"files": ("x.xlsx", XLSX.read_bytes())},
                                  "只能检查 .docx")):
        bad = client.post("/gongwen/check", data=data, files=files)
        assert bad.status_code == 400 and message in bad.text
    assert client.post("/gongwen/format", data={"csrf_token": t}, files={"files": ("a.pdf", b"%PDF-1.4\n")}).status_code == 400
    assert client.get("/gongwen/doc/" + "0" * 32).status_code == 404
    assert client.get("/gongwen/doc/../../etc/passwd").status_code == 404
    assert client.post("/gongwen/check", files={"files": (WORD_DRAFT.name, WORD_DRAFT.read_bytes())}).status_code == 403
