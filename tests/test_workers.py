"""Parse workers (`cli.py worker`) on SQLite and PostgreSQL, and /healthz.

A worker killed mid-batch (SIGKILL: no clean-up) and another started after it: the job finishes, the
files done before the kill are not parsed again, the file cut off is imported once, and the ledger holds
exactly what an uninterrupted run gives. A worker stopped with SIGTERM ends its current file and exits.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from fastapi.testclient import TestClient

from conftest import BACKENDS, ROOT, ledger_at
from ledger.backend import is_server
from services import jobs
from services.ledgers import open_ledger
from services.returns import parse_batch

sys.path.insert(0, str(ROOT / "bench"))
from make_corpus import make_corpus  # noqa: E402

FILES = 8
WAIT = 180                        # a guard against a hung worker, not a timing assertion
# the ledger's tables a parse fills: equal counts after a killed run and an uninterrupted one
TABLES = ["sources", "records", "enterprises", "hazards", "hazard_events", "inspections", "stats_rows",
          "record_provenance"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """FILES distinct returns (.docx and .xlsx), and the table counts of parsing them in one plain run."""
    base = tmp_path_factory.mktemp("corpus")
    docx, xlsx = make_corpus(base, FILES // 2, FILES // 2)
    files = [f for pair in zip(docx, xlsx) for f in pair]
    with open_ledger(base / "plain.db") as ledger:
        assert not parse_batch(files, ledger=ledger, workers=1).summary.errors
        counts = table_counts(ledger)
    return files, counts


def table_counts(ledger) -> dict[str, int]:
    con = ledger.con
    present = [t for t in TABLES if _has_table(con, t)]
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in present}


def _has_table(con, name: str) -> bool:
    from ledger.db import _done
    return _done(con, ("present", "table", name))


def start_worker(target: str, log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "worker", "--db", target], cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT)


def wait_for(target: str, job_id: int, ready, worker: subprocess.Popen) -> jobs.Job:
    """The job once ready(job) holds (the worker must stay alive meanwhile)."""
    deadline = time.monotonic() + WAIT
    with open_ledger(target) as ledger:
        while True:
            job = jobs.job_status(ledger, job_id)
            if ready(job):
                return job
            assert worker.poll() is None, "解析进程意外退出"
            assert time.monotonic() < deadline, f"任务停在 {job.done}/{job.total}"
            time.sleep(0.02)


@pytest.mark.parametrize("backend", BACKENDS)
def test_worker_killed_mid_batch_then_another_finishes_every_file_once(backend, corpus, tmp_path, request):
    files, plain = corpus
    target, drop = ledger_at(backend, tmp_path)
    request.addfinalizer(drop)
    with open_ledger(target) as ledger:
        job_id = jobs.submit_parse_job(ledger, [(f"{i:032x}", f.name, f) for i, f in enumerate(files)]).id
    log = open(tmp_path / "worker.log", "w")

    first = start_worker(target, log)
    try:
        wait_for(target, job_id, lambda j: j.done >= 2, first)
        first.send_signal(signal.SIGKILL)                  # the worker dies without warning, mid-file
        assert first.wait(30) == -signal.SIGKILL
    finally:
        first.kill()
    with open_ledger(target) as ledger:
        cut = jobs.job_status(ledger, job_id)
    assert cut.state == "running" and 2 <= cut.done < FILES
    finished_before = {f.seq: f.done_at for f in cut.files if f.done_at}

    second = start_worker(target, log)
    try:
        # stopped politely (SIGTERM) mid-batch: the current file ends, the worker exits
        polite = wait_for(target, job_id, lambda j: j.done >= cut.done + 2, second)
        second.send_signal(signal.SIGTERM)
        assert second.wait(60) == 0
    finally:
        second.kill()
    with open_ledger(target) as ledger:
        stopped = jobs.job_status(ledger, job_id)
    assert stopped.done >= polite.done and stopped.state in ("running", "done")

    third = start_worker(target, log)
    try:
        done = wait_for(target, job_id, lambda j: j.finished, third)
    finally:
        third.send_signal(signal.SIGTERM)
        third.wait(60)
    log.close()
    assert done.state == "done" and done.done == FILES
    assert [f.outcome for f in done.files] == ["records"] * FILES
    assert {f.seq: f.done_at for f in done.files if f.seq in finished_before} == finished_before
    with open_ledger(target) as ledger:
        assert table_counts(ledger) == plain                    # nothing lost, nothing doubled
        assert ledger.con.execute("SELECT count(DISTINCT sha256) FROM sources").fetchone()[0] == FILES
        # every file's records: what its job row says it gave
        assert sum(f.records for f in done.files) == plain["records"]
    text = (tmp_path / "worker.log").read_text(encoding="utf-8")
    assert text.count("解析进程已启动：1 个") == 3 and "Traceback" not in text


# --- /healthz -------------------------------------------------------------------------------------

def health_client(target: str, tmp_path) -> TestClient:
    from web.app import create_app
    from web.settings import Settings
    settings = Settings.load(data_dir=tmp_path / "data", ledger=target)
    return TestClient(create_app(settings, run_jobs=False), base_url="http://127.0.0.1", client=("127.0.0.1", 50000))


@pytest.mark.parametrize("backend", BACKENDS)
def test_healthz_answers_without_login(backend, tmp_path, request, monkeypatch):
    from argon2 import PasswordHasher

    from services import accounts
    target, drop = ledger_at(backend, tmp_path)
    request.addfinalizer(drop)
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    with open_ledger(target) as ledger:
        accounts.add_user(ledger, "管理员甲", "管理员", "", "health-check-2024")
    with health_client(target, tmp_path) as client:
        assert client.get("/", follow_redirects=False).status_code == 303        # pages ask for a login
        answer = client.get("/healthz")
        body = answer.json()
        assert answer.headers["cache-control"] == "no-store"
        assert body["ledger"] == {"ok": True, "backend": backend}
        if not is_server(target):
            assert answer.status_code == 200 and body == {"ok": True, "ledger": body["ledger"],
                                                           "queue": {"ok": True, "backend": "local"}}
            return
        # PostgreSQL: no worker has ever run, so there is no queue yet
        assert answer.status_code == 503 and body["ok"] is False
        assert body["queue"]["message"] == "任务队列尚未建立：请启动解析进程（cli.py worker）"
        runner = jobs.Runner(target, poll=0.2)
        runner.start()
        try:
            deadline = time.monotonic() + WAIT
            while (body := client.get("/healthz").json())["queue"].get("workers", 0) < 1:
                assert runner.alive() and time.monotonic() < deadline
                time.sleep(0.1)
        finally:
            runner.stop()
        assert body == {"ok": True, "ledger": body["ledger"], "queue": {
            "ok": True, "backend": "procrastinate", "waiting": 0, "running": 0, "workers": 1}}


def test_healthz_reports_a_ledger_it_cannot_reach(tmp_path, request):
    from pgtest import PG_ADMIN, PG_SKIP
    if not PG_ADMIN:
        pytest.skip(PG_SKIP)
    missing = PG_ADMIN.partition("?")[0].rsplit("/", 1)[0] + "/no_such_ledger"
    with health_client(missing, tmp_path) as client:
        answer = client.get("/healthz")
    body = answer.json()
    assert answer.status_code == 503 and body["ok"] is False
    assert body["ledger"]["ok"] is False and body["ledger"]["message"].startswith("台账无法连接：")
    assert "no_such_ledger" not in answer.text                   # no connection details to anonymous callers
