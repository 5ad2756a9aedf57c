"""Parse jobs: submitted through the web, stopped mid-batch, resumed by a new runner, every file once."""
from __future__ import annotations

import os
import re
import signal
import time

import pytest

from pgtest import BACKENDS
from services import jobs
from services.ledgers import open_ledger
from webtools import ROOT, token

RETURNS = ROOT / "samples/returns/北石店镇"
NAMES = ["大排查大整治行动统计表.xlsx", "摸底登记表-晋城市城区宏达建材有限公司.docx",
         "督导检查表-晋城市城区宏达建材有限公司.xlsx", "重大隐患统计表.docx"]


def submit(client) -> int:
    """Upload the four returns and start their parse job through the pages, as a user does."""
    t = token(client)
    parts = [("csrf_token", (None, t))] + [("files", (n, (RETURNS / n).read_bytes())) for n in NAMES]
    page = client.post("/files/upload", files=parts)
    ids = re.findall(r'name="file_id" value="([0-9a-f]{32})"', page.text)
    assert len(ids) == len(NAMES)
    answer = client.post("/jobs/parse", data={"csrf_token": t, "file_id": ids}, follow_redirects=False)
    assert answer.status_code == 303
    return int(answer.headers["location"].rsplit("/", 1)[1])


def stop_after(n: int):
    """should_stop for run_job: true once n files have been parsed (asked once before each file)."""
    asked = iter(range(10**6))
    return lambda: next(asked) >= n


@pytest.mark.parametrize("settings", BACKENDS, indirect=True)
def test_stopped_job_resumes_without_redoing_files(client, settings):
    job_id = submit(client)
    page = client.get(f"/jobs/{job_id}")
    assert "排队中" in page.text and "0 / 4" in page.text
    with open_ledger(settings.ledger) as ledger:
        job = jobs.claim_next(ledger)
        jobs.run_job(ledger, job, should_stop=stop_after(2))       # the server stops after two files
        half = jobs.job_status(ledger, job_id)
    assert (half.state, half.done) == ("running", 2)
    first_two = [(f.outcome, f.done_at) for f in half.files[:2]]
    assert all(o == "records" for o, _ in first_two) and all(f.done_at is None for f in half.files[2:])

    # restart: a new runner on the same ledger re-queues the job and finishes it
    runner = jobs.Runner(settings.ledger)
    assert runner.recover() == 1
    with open_ledger(settings.ledger) as ledger:
        assert jobs.run_pending(ledger) == 1
        done = jobs.job_status(ledger, job_id)
        sources = ledger.con.execute("SELECT count(*) FROM sources").fetchone()[0]
    assert (done.state, done.done, done.total) == ("done", 4, 4)
    assert [(f.outcome, f.done_at) for f in done.files[:2]] == first_two       # not parsed again
    assert [f.outcome for f in done.files] == ["records"] * 4
    assert done.result["files"] == {"records": 4} and done.result["records"] == 4
    # a file parsed twice would show as "unchanged" in the ledger
    assert done.result["ledger"]["new"] == 4 and done.result["ledger"]["unchanged"] == 0
    assert sources == 4
    page = client.get(f"/jobs/{job_id}/status")
    assert "已完成" in page.text and "hx-get" not in page.text and "共得到 4 条记录" in page.text
    assert NAMES[0] in page.text


@pytest.mark.parametrize("settings", BACKENDS, indirect=True)
def test_runner_process_killed_mid_batch_then_resumed(client, settings):
    job_id = submit(client)
    runner = jobs.Runner(settings.ledger, poll=0.1)
    runner.start()
    try:
        with open_ledger(settings.ledger) as ledger:
            deadline = time.monotonic() + 120
            while jobs.job_status(ledger, job_id).done < 1:
                assert runner.alive() and time.monotonic() < deadline
                time.sleep(0.05)
        os.kill(runner.pid, signal.SIGKILL)           # the server dies without warning
        runner._process.join(10)
    finally:
        runner.stop()
    with open_ledger(settings.ledger) as ledger:
        cut = jobs.job_status(ledger, job_id)
    assert cut.state == "running" and 1 <= cut.done < 4          # cut off mid-batch
    finished_before = {f.seq: f.done_at for f in cut.files if f.done_at}

    again = jobs.Runner(settings.ledger, poll=0.1)
    again.start()
    try:
        with open_ledger(settings.ledger) as ledger:
            deadline = time.monotonic() + 120
            while not jobs.job_status(ledger, job_id).finished:
                assert again.alive() and time.monotonic() < deadline
                time.sleep(0.05)
            done = jobs.job_status(ledger, job_id)
            sources = ledger.con.execute("SELECT count(*) FROM sources").fetchone()[0]
    finally:
        again.stop()
    assert done.state == "done" and done.done == 4
    assert {f.seq: f.done_at for f in done.files if f.seq in finished_before} == finished_before
    assert [f.outcome for f in done.files] == ["records"] * 4 and sources == 4


@pytest.mark.parametrize("settings", BACKENDS, indirect=True)
def test_failed_file_is_one_outcome_and_the_job_goes_on(client, settings):
    t = token(client)
    broken = (RETURNS / NAMES[1]).read_bytes()[:3000]            # a truncated .docx: sniffed as corrupt
    parts = [("csrf_token", (None, t)), ("files", ("坏.docx", broken)), ("files", (NAMES[0], (RETURNS / NAMES[0]).read_bytes()))]
    body = client.post("/files/upload", files=parts, headers={"Accept": "application/json"}).json()
    assert body["refused"][0]["message"].startswith("坏.docx：文件已损坏")
    [kept] = body["stored"]
    # a file that passed the upload check but fails to parse (its bytes damaged on disk later)
    with open_ledger(settings.ledger) as ledger:
        root = settings.uploads_dir
        victim = root / f"{kept['id']}.xlsx"
        good = victim.read_bytes()
        victim.write_bytes(good[: len(good) // 2])
        job = jobs.submit_parse_job(ledger, [(kept["id"], NAMES[0], victim)])
        jobs.run_pending(ledger)
        done = jobs.job_status(ledger, job.id)
    assert done.state == "done" and done.files[0].outcome == "error"
    assert done.files[0].message.startswith(NAMES[0] + "：") and str(root) not in done.files[0].message
    assert "失败" in client.get(f"/jobs/{job.id}").text


def test_unknown_job_is_a_chinese_404(client):
    answer = client.get("/jobs/999")
    assert answer.status_code == 404 and "找不到任务 999" in answer.text


SCAN = ROOT / "samples/returns_pdf/self_check-scan.pdf"     # two scanned pages (samples/make_scans.py)


@pytest.mark.parametrize("settings", BACKENDS, indirect=True)
def test_scanned_pdf_in_a_job_is_split_by_page_and_reads_as_the_cli(client, settings, tmp_path, monkeypatch):
    """Real OCR: an uploaded two-page scan's pages are OCR'd by two processes, each page's progress is
    stored and shown on the job's page, and the records are those the CLI reads from the file whole."""
    from services.returns import parse_batch
    name = "自查表（扫描件）.pdf"
    t = token(client)
    body = client.post("/files/upload", files=[("csrf_token", (None, t)), ("files", (name, SCAN.read_bytes()))],
                       headers={"Accept": "application/json"}).json()
    [kept] = body["stored"]
    stored = settings.uploads_dir / f"{kept['id']}.pdf"
    monkeypatch.setenv("PAICHA_JOB_WORKERS", "2")
    seen, shown = [], []
    store = jobs._page_progress

    def watched(ledger, job_id, seq):
        inner = store(ledger, job_id, seq)

        def progress(done, total, label):
            inner(done, total, label)
            if label.endswith("：页"):
                seen.append(jobs.job_status(ledger, job_id).page)
                shown.append(client.get(f"/jobs/{job_id}/status").text)
        return progress
    monkeypatch.setattr(jobs, "_page_progress", watched)
    from parsers import pipeline
    split_pages = []
    parse = pipeline.parse

    def counted(*args, **kwargs):
        summary = parse(*args, **kwargs)
        split_pages.append(summary.split_pages)
        return summary
    monkeypatch.setattr(pipeline, "parse", counted)
    with open_ledger(settings.ledger) as ledger:
        job = jobs.submit_parse_job(ledger, [(kept["id"], name, stored)], {"out_dir": str(tmp_path / "out")})
        jobs.run_pending(ledger)
        done = jobs.job_status(ledger, job.id)
    assert done.state == "done" and done.files[0].outcome == "records" and done.page is None
    assert split_pages == [2]                                   # both scanned pages were tasks of their own
    assert seen == [(name, 1, 2), (name, 2, 2)]
    assert f"正在识别 {name}：已读 1 / 2 页" in shown[0]
    cli = parse_batch([stored], jsonl=tmp_path / "cli.jsonl", workers=1, display={str(stored): name}).summary
    assert cli.split_pages == 0
    job_lines = (tmp_path / "out" / str(job.id) / "parts" / "0.jsonl").read_text(encoding="utf-8").splitlines()
    assert job_lines == (tmp_path / "cli.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(job_lines) >= 1 and '"form_type": "self_check"' in job_lines[0]


@pytest.mark.parametrize("siblings, cores, expected", [(1, 4, "4"), (2, 4, "2"), (3, 2, "1")])
def test_runner_workers_share_the_cores_for_split_scans(settings, monkeypatch, siblings, cores, expected):
    """A Runner of N processes: each splits a scanned PDF over cores // N OCR workers (never N x cores);
    PAICHA_JOB_WORKERS set by hand wins."""
    class Stopped:
        def is_set(self):
            return True

        def wait(self, _):
            pass

    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    monkeypatch.setenv("PAICHA_JOB_WORKERS", "")
    jobs._worker(str(settings.ledger), Stopped(), 0.01, None, siblings)
    assert os.environ["PAICHA_JOB_WORKERS"] == expected and jobs.job_workers() == int(expected)
    monkeypatch.setenv("PAICHA_JOB_WORKERS", "7")
    jobs._worker(str(settings.ledger), Stopped(), 0.01, None, siblings)
    assert jobs.job_workers() == 7
