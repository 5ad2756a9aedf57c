"""`cli.py serve --workers 2` (issue 11, measure): several web processes on one port behave as one server.
A login made through one process holds in the other (sessions signed with the one key file), a form's CSRF
token too, an upload stored by one is parsed through the other, and the job runner runs once, in the parent:
a worker process starts none."""
from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from services import accounts, jobs
from services.ledgers import open_ledger
from web.app import create_app
from webtools import ROOT, serving

RETURNS = ROOT / "samples/returns/北石店镇"
NAMES = ["摸底登记表-晋城市城区宏达建材有限公司.docx", "重大隐患统计表.docx"]
ADMIN = ("区应急局管理员", "district-admin-2024")


def test_a_worker_process_runs_no_jobs(settings):
    with TestClient(create_app(settings, worker=True), base_url="http://127.0.0.1", client=("127.0.0.1", 5000)) as c:
        assert c.app.state.runner is None and c.get("/static/app.css").status_code == 200
    with TestClient(create_app(settings), base_url="http://127.0.0.1", client=("127.0.0.1", 5000)) as c:
        assert c.app.state.runner is not None and c.app.state.runner.alive()
        # parsing takes the CPU the pages leave: its processes run at a lower priority than the server's
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert all(os.getpriority(os.PRIO_PROCESS, pid) == min(19, ours + 10) for pid in c.app.state.runner.pids)
        if hasattr(os, "SCHED_IDLE"):                 # Linux: and in the idle class, CPU only when no page wants it
            assert {os.sched_getscheduler(pid) for pid in c.app.state.runner.pids} == {os.SCHED_IDLE}


def _group(pgid: int) -> list[int]:
    """The processes of a process group (Linux /proc)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if int(text[text.rfind(")") + 2:].split()[2]) == pgid:
            pids.append(int(stat.parent.name))
    return pids


def _fresh(base: str, cookies) -> httpx.Client:
    """A client on a new connection (each may be accepted by either process), the session's cookies."""
    return httpx.Client(base_url=base, cookies=cookies, headers={"Connection": "close"}, timeout=60)


def test_two_web_processes_share_sessions_tokens_uploads_and_one_runner(tmp_path):
    db, data = tmp_path / "台账.db", tmp_path / "data"
    with open_ledger(db) as ledger:
        accounts.add_user(ledger, ADMIN[0], "管理员", "", ADMIN[1])
    with serving("--db", str(db), "--data", str(data), "--workers", "2") as (server, base):
        # one job runner process, the only one at the runner's lower priority; the parent and two web processes
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        nice = [os.getpriority(os.PRIO_PROCESS, pid) for pid in _group(server.pid)]
        assert nice.count(min(19, ours + 10)) == 1 and nice.count(ours) >= 3, nice
        with httpx.Client(base_url=base, timeout=60) as first:
            token = re.search(r'name="csrf_token" value="([^"]+)"', first.get("/login").text)[1]
            answer = first.post("/login", data={"csrf_token": token, "name": ADMIN[0], "password": ADMIN[1]})
            assert answer.status_code == 303 and answer.headers["location"] == "/"
            # the session's form token, made with the first page after the login and kept in its cookie
            token = re.search(r'name="csrf_token" value="([^"]+)"', first.get("/").text)[1]
            cookies = first.cookies
        for _ in range(12):                               # logged in, whichever process answers
            with _fresh(base, cookies) as c:
                page = c.get("/ledger", follow_redirects=False)
                assert page.status_code == 200 and ADMIN[0] in page.text and f'value="{token}"' in page.text
        for n in range(6):                                # the session's token accepted by either process
            with _fresh(base, cookies) as c:
                saved = c.post("/review/reviewer", data={"csrf_token": token, "reviewer": f"核对{n}"},
                               follow_redirects=False)
                assert saved.status_code == 303, saved.text
        with _fresh(base, cookies) as c:                  # a form without the token: refused by either
            assert c.post("/review/reviewer", data={"reviewer": "x"}).status_code == 403
        with _fresh(base, cookies) as c:
            stored = c.post("/files/upload", files=[("csrf_token", (None, token))]
                            + [("files", (n, (RETURNS / n).read_bytes())) for n in NAMES])
            ids = re.findall(r'name="file_id" value="([0-9a-f]{32})"', stored.text)
        assert len(ids) == len(NAMES)
        with _fresh(base, cookies) as c:
            sent = c.post("/jobs/parse", data={"csrf_token": token, "file_id": ids}, follow_redirects=False)
        assert sent.status_code == 303
        job_id = int(sent.headers["location"].rsplit("/", 1)[1])
        deadline = time.monotonic() + 180
        with open_ledger(db) as ledger:
            while (state := jobs.job_status(ledger, job_id)).state in ("queued", "running"):
                assert time.monotonic() < deadline, "解析任务未完成"
                time.sleep(0.5)
            assert state.state == "done" and state.done == state.total == len(NAMES)
            assert ledger.con.execute("SELECT COUNT(*) FROM sources").fetchone()[0] == len(NAMES)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(60)
        out = server.stdout.read()
        assert server.returncode == 0 and "2 个网页进程" in out, out
