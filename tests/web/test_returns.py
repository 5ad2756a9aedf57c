"""回执 page: upload → one batch job → per-file outcomes, the 汇总 workbook and JSONL; the names users gave."""
from __future__ import annotations

import io
import json
import re

import openpyxl

from services import jobs
from services.ledgers import open_ledger
from webtools import ROOT, token

RETURNS = ROOT / "samples/returns/北石店镇"
NAMES = ["大排查大整治行动统计表.xlsx", "督导检查表-晋城市城区宏达建材有限公司.docx"]


def upload(client, names=NAMES, extra=()) -> int:
    """The page without script: one form post uploads and starts the batch; returns its id."""
    t = token(client)
    parts = [("csrf_token", (None, t))] + [("files", (n, (RETURNS / n).read_bytes())) for n in names] + list(extra)
    answer = client.post("/returns/upload", files=parts, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("/", 1)[1])


def run(settings) -> None:
    with open_ledger(settings.ledger) as ledger:
        jobs.run_pending(ledger)


def test_batch_outcomes_downloads_and_original_names(client, settings):
    job_id = upload(client)
    page = client.get(f"/returns/{job_id}")
    assert page.status_code == 200 and "排队中" in page.text and 'hx-get="/returns/' in page.text
    assert client.get(f"/returns/{job_id}/download/xlsx").status_code == 404     # not written yet
    run(settings)
    status = client.get(f"/returns/{job_id}/status").text
    assert "已完成" in status and "hx-get" not in status
    assert "镇（街道）、部门大排查大整治行动统计表" in status and "已解析" in status
    for name in NAMES:
        assert name in status
    # the ledger records each source under the name the user gave it, not the stored file's
    with open_ledger(settings.ledger) as ledger:
        paths = {r[0] for r in ledger.con.execute("SELECT path FROM sources")}
        stored = ledger.con.execute("SELECT count(*) FROM record_provenance WHERE file LIKE ?",
                                    (f"{settings.uploads_dir}%",)).fetchone()[0]
    assert paths == set(NAMES) and stored == 2
    book = client.get(f"/returns/{job_id}/download/xlsx")
    assert book.status_code == 200 and "filename*=UTF-8''" in book.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(book.content), read_only=True)
    files_sheet = [row for row in wb["文件"].iter_rows(values_only=True)]
    assert [r[1] for r in files_sheet[1:3]] == NAMES
    lines = [json.loads(line) for line in client.get(f"/returns/{job_id}/download/jsonl").text.splitlines()]
    assert [line["source"]["path"] for line in lines if "form_type" in line] == NAMES
    # the list of past batches links the batch and its 汇总
    listing = client.get("/returns").text
    assert f'href="/returns/{job_id}"' in listing and f"/returns/{job_id}/download/xlsx" in listing


def test_no_table_and_refused_files_are_outcomes_in_chinese(client, settings):
    t = token(client)
    body = client.post("/files/upload", files=[("csrf_token", (None, t)), ("files", ("说明.txt", b"hello"))],
                       headers={"Accept": "application/json"}).json()
    assert body["stored"] == [] and body["refused"]
    # a Word file without a table: its outcome says 未识别到表格
    job_id = upload_bytes(client, "没有表格.docx", _blank_docx())
    run(settings)
    status = client.get(f"/returns/{job_id}/status").text
    assert "无表格" in status and "未识别到表格" in status and "没有表格.docx" in status


def upload_bytes(client, name: str, data: bytes) -> int:
    t = token(client)
    answer = client.post("/returns/upload", files=[("csrf_token", (None, t)), ("files", (name, data))],
                         follow_redirects=False)
    assert answer.status_code == 303
    return int(answer.headers["location"].rsplit("/", 1)[1])


def _blank_docx() -> bytes:
    import docx
    d = docx.Document()
    d.add_paragraph("关于开展安全生产大排查的说明")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_start_from_uploaded_ids_and_bad_requests(client, settings):
    t = token(client)
    body = client.post("/files/upload", files=[("csrf_token", (None, t)), ("files", (NAMES[0], (RETURNS / NAMES[0]).read_bytes()))],
                       headers={"Accept": "application/json"}).json()
    [kept] = body["stored"]
    # missing CSRF token: refused, no job
    answer = client.post("/returns/start", data={"file_id": kept["id"]})
    assert answer.status_code == 403 and "安全令牌" in answer.text
    # nothing chosen, a foreign id: 404, no job
    assert client.post("/returns/start", data={"csrf_token": t}).status_code == 404
    answer = client.post("/returns/start", data={"csrf_token": t, "file_id": "0" * 32})
    assert answer.status_code == 404 and "重新上传" in answer.text
    answer = client.post("/returns/start", data={"csrf_token": t, "file_id": "../台账.db"})
    assert answer.status_code == 404
    with open_ledger(settings.ledger) as ledger:
        assert jobs.list_jobs(ledger) == []
    answer = client.post("/returns/start", data={"csrf_token": t, "file_id": kept["id"]}, follow_redirects=False)
    assert answer.status_code == 303
    job_id = int(answer.headers["location"].rsplit("/", 1)[1])
    assert client.get(f"/returns/{job_id}").status_code == 200
    # an empty upload: a message, no job
    answer = client.post("/returns/upload", files=[("csrf_token", (None, t))])
    assert answer.status_code == 200 and "没有可解析的文件" in answer.text
    with open_ledger(settings.ledger) as ledger:
        assert len(jobs.list_jobs(ledger)) == 1
    # unknown batches and outputs
    assert client.get("/returns/999").status_code == 404 and "找不到任务 999" in client.get("/returns/999").text
    assert client.get(f"/returns/{job_id}/download/exe").status_code == 404
    assert client.get("/returns/abc").status_code in (400, 404)


def test_the_page_offers_the_drop_zone_with_the_limits(client, settings):
    page = client.get("/returns").text
    assert "拖放文件、文件夹或 zip 到这里" in page and "webkitdirectory" in page
    assert f'data-max-files="{settings.max_files}"' in page and "/static/returns.js" in page
    assert re.search(r'<form id="returns-upload"[^>]*>\s*<input type="hidden" name="csrf_token"', page)
    assert "还没有上传过回执" in page
