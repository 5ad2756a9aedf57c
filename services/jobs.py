"""Background jobs: kept in the ledger, run by worker processes, resumed after a crash.

    submit_parse_job(ledger, files) → a queued job (table jobs) with one row per file (job_files)
    Runner(target).start()          → re-queues jobs a stopped worker left running, then worker
                                      processes run queued jobs one at a time each
    job_status(ledger, id), list_jobs(ledger)

A parse job parses its files one at a time through the pipeline (a scanned PDF's pages OCR'd by
job_workers() processes, as the CLI splits them, each page's progress shown); after each file its outcome and the
job's progress are stored in one transaction, so a resumed job never parses a finished file again. A file
cut off mid-parse (the worker killed) is parsed again; the ledger imports a file in one transaction and
keeps its bytes once (same sha256 → "unchanged"), so the ledger holds its records once either way.

execute(ledger, job id) is the one task function; two dispatchers call it. On SQLite the Runner's local
processes take queued jobs from the jobs table (claim_next). On PostgreSQL submit_parse_job defers the job
to procrastinate (services/queue.py) and `cli.py worker` processes on any machine run it; a worker holds a
session advisory lock on the job it runs, which the server drops when the worker dies, so a job is never
run twice at once and a dead worker's job is queued again (queue.recover). This small interface is what
the web layer uses.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import threading
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ledger.backend import dialect, is_server
from ledger.audit import audit
from ledger.db import transaction
from parsers.pipeline import PAGES
from schema.errors import INTERNAL_REASON, PaichaError, exception_reason, printable
from services.accounts import ENTERPRISE, Principal, scope_where
from services.ledgers import Ledger, open_ledger
from services.returns import known_names, parse_batch, write_batch_outputs

KIND_PARSE = "parse"
OUTCOME_LABELS = {"records": "已解析", "error": "失败", "no_table": "无表格", "skipped": "已跳过"}
STATE_LABELS = {"queued": "排队中", "running": "进行中", "done": "已完成", "failed": "失败"}
POLL_SECONDS = 0.5            # how often an idle worker looks for queued jobs
STOP_SECONDS = 30             # how long stop() waits for the current file before ending the worker
# pg_advisory_lock class of a running job (ASCII "jobs", an int4); the object id is the job's id
JOB_LOCK_CLASS = 0x6A6F6273


@dataclass
class JobFile:
    seq: int
    file_id: str
    name: str                 # the original file name (display text only)
    outcome: str | None       # records, error, no_table, skipped; None until done
    records: int | None
    message: str | None
    done_at: str | None
    forms: str | None = None  # the Chinese names of the forms found
    warnings: int | None = None

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, self.outcome) if self.outcome else "等待中"


@dataclass
class Job:
    id: int
    kind: str
    state: str
    created_at: str
    started_at: str | None
    finished_at: str | None
    params: dict
    done: int
    total: int
    result: dict | None
    error: str | None
    files: list[JobFile] = field(default_factory=list)
    owner: str = ""           # the account that submitted it ("" in the local mode)
    owner_role: str = ""
    owner_unit: str = ""      # its 填报单位 or enterprise: the batch's returns are attributed to it

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def page(self) -> tuple[str, int, int] | None:
        """(file name, pages read, pages) of the scanned PDF being read now, when its pages are split."""
        page = (self.result or {}).get("page") if not self.finished else None
        if not page:
            return None
        name = next((f.name for f in self.files if f.seq == page["seq"]), "")
        return name, page["done"], page["total"]


def submit_parse_job(ledger: Ledger, files: Iterable[tuple[str, str, str | Path]], params: dict | None = None,
                     scope: Principal | None = None) -> Job:
    """Queue a parse of `files` — (file id, original name, stored path) each — into this ledger.
    params["out_dir"]: a folder; the job then writes its 汇总 workbook and JSONL into out_dir/<job id>/.
    `scope`: who submits it; a 填报单位's or 企业's returns are attributed to its unit (run_job)."""
    files = list(files)
    if not files:
        raise PaichaError("没有要解析的文件", code="empty")
    con = ledger.con
    with transaction(con):
        owner = (scope.user, scope.role, scope.unit) if scope and scope.user else ("", "", "")
        job_id = con.execute("INSERT INTO jobs (kind, state, created_at, params, total, result, owner, owner_role,"
                             " owner_unit) VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?)",
                             (KIND_PARSE, _now(), json.dumps(params or {}, ensure_ascii=False), len(files),
                              json.dumps(_empty_result()), *owner)).lastrowid
        con.executemany("INSERT INTO job_files (job_id, seq, file_id, original_name, stored_path) VALUES (?, ?, ?, ?, ?)",
                        [(job_id, i, fid, name, str(path)) for i, (fid, name, path) in enumerate(files)])
        audit(con, scope.actor if scope else "本机", "upload", ("job", job_id), None,
              {"files": [name for _, name, _ in files], "unit": owner[2]})
    if is_server(ledger.target):
        from services import queue
        queue.defer(ledger.target, job_id)
    return job_status(ledger, job_id)


def job_status(ledger: Ledger, job_id: int, scope: Principal | None = None) -> Job:
    """The job with its files; PaichaError (code not_found) when there is no such job or `scope` may not
    see it."""
    where, params = _job_scope(scope)
    row = ledger.con.execute(f"SELECT * FROM jobs WHERE id = ? AND {where}", (int(job_id), *params)).fetchone()
    if row is None:
        raise PaichaError(f"找不到任务 {job_id}", code="not_found")
    job = _job(row)
    job.files = [JobFile(r["seq"], r["file_id"], r["original_name"], r["outcome"], r["records"], r["message"], r["done_at"],
                         r["forms"], r["warnings"])
                 for r in ledger.con.execute("SELECT * FROM job_files WHERE job_id = ? ORDER BY seq", (job.id,))]
    return job


def list_jobs(ledger: Ledger, limit: int = 50, scope: Principal | None = None) -> list[Job]:
    """The latest jobs `scope` may see, newest first (without their files)."""
    where, params = _job_scope(scope)
    return [_job(r) for r in ledger.con.execute(f"SELECT * FROM jobs WHERE {where} ORDER BY id DESC LIMIT ?",
                                                (*params, int(limit)))]


def _job_scope(scope: Principal | None) -> tuple[str, tuple]:
    """A job belongs to the unit it was submitted for: a 填报单位 sees its unit's, an 企业 its own."""
    return scope_where(scope, "owner_unit", "owner_unit")


def requeue_interrupted(ledger: Ledger) -> int:
    """Jobs left running by a stopped worker go back to the queue; returns how many. On PostgreSQL only
    those no live worker holds (workers on other machines share the ledger)."""
    con = ledger.con
    with transaction(con):
        running = [r["id"] for r in con.execute("SELECT id FROM jobs WHERE state = 'running'")]
        held = held_jobs(con)
        orphans = [i for i in running if i not in held]
        con.executemany("UPDATE jobs SET state = 'queued' WHERE id = ? AND state = 'running'", [(i,) for i in orphans])
    return len(orphans)


def held_jobs(con) -> set[int]:
    """The jobs a live worker is running (their advisory locks held); none on SQLite."""
    if dialect(con) != "postgresql":
        return set()
    return {r[0] for r in con.execute(
        "SELECT objid::int FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND classid = ?::oid",
        (JOB_LOCK_CLASS,))}


@contextmanager
def holding(ledger: Ledger, job_id: int) -> Iterator[bool]:
    """Whether this process may run the job: on PostgreSQL it takes the job's session advisory lock (false
    while another worker holds it; the server drops it when this process dies). A SQLite ledger has one
    local Runner, whose processes claim jobs one by one (claim_next)."""
    con = ledger.con
    if dialect(con) != "postgresql":
        yield True
        return
    mine = con.execute("SELECT pg_try_advisory_lock(?, ?)", (JOB_LOCK_CLASS, int(job_id))).fetchone()[0]
    try:
        yield bool(mine)
    finally:
        if mine:
            con.execute("SELECT pg_advisory_unlock(?, ?)", (JOB_LOCK_CLASS, int(job_id)))


def claim_next(ledger: Ledger) -> Job | None:
    """The oldest queued job, now marked running (None when the queue is empty)."""
    con = ledger.con
    with transaction(con):
        row = con.execute("SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1").fetchone()
        if row is None:
            return None
        con.execute("UPDATE jobs SET state = 'running', started_at = COALESCE(started_at, ?) WHERE id = ?",
                    (_now(), row["id"]))
    return job_status(ledger, row["id"])


def execute(ledger: Ledger, job_id: int, should_stop: Callable[[], bool] = lambda: False) -> Job | None:
    """The task: run the job's unfinished files. None when another worker is running it, or it has
    finished (a queue entry delivered twice). Errors of the job as a whole propagate (the dispatcher
    fails the job or tries again); one file's failure is that file's outcome."""
    with holding(ledger, job_id) as mine:
        if not mine:
            return None
        job = _start(ledger, job_id)
        return run_job(ledger, job, should_stop) if job else None


def _start(ledger: Ledger, job_id: int) -> Job | None:
    """The job marked running (None when it has finished or is not there)."""
    con = ledger.con
    with transaction(con):
        row = con.execute("SELECT state FROM jobs WHERE id = ?", (int(job_id),)).fetchone()
        if row is None or row["state"] in ("done", "failed"):
            return None
        con.execute("UPDATE jobs SET state = 'running', started_at = COALESCE(started_at, ?) WHERE id = ?",
                    (_now(), int(job_id)))
    return job_status(ledger, job_id)


def run_job(ledger: Ledger, job: Job, should_stop: Callable[[], bool] = lambda: False) -> Job:
    """Parse the job's unfinished files one at a time, storing each outcome; the job is done after the
    last. When `should_stop()` turns true between files the job is left running (resumed later)."""
    con = ledger.con
    out_dir = Path(job.params["out_dir"]) / str(job.id) if job.params.get("out_dir") else None
    attribute = _attribution(job)
    known = known_names(ledger)             # OCR'd names checked against: read once per job, not per file
    pending = con.execute("SELECT * FROM job_files WHERE job_id = ? AND done_at IS NULL ORDER BY seq",
                          (job.id,)).fetchall()
    for row in pending:
        if should_stop():
            return job_status(ledger, job.id)
        forms, warnings = None, 0
        try:
            # recorded in the ledger under the name the user gave the file, not the stored one
            # a scanned PDF's pages are OCR'd by several processes, as the CLI's (parsers.pipeline)
            summary = parse_batch([Path(row["stored_path"])], ledger=ledger, workers=job_workers(),
                                  progress=_page_progress(ledger, job.id, row["seq"]),
                                  jsonl=out_dir / "parts" / f"{row['seq']}.jsonl" if out_dir else None,
                                  display={row["stored_path"]: printable(row["original_name"])},
                                  attribute=attribute, known=known).summary
            outcome = summary.outcomes[0]
            tallies = summary.ledger
            forms = "、".join(summary.titles[t] + (f"（{n} 份）" if n > 1 else "")
                             for t, n in summary.records_by_type.items()) or None
            warnings = summary.warnings
        except Exception as e:  # noqa: BLE001 — one file's failure never stops the job
            code, reason = exception_reason(e) or ("internal", INTERNAL_REASON)
            outcome = {"outcome": "error", "records": 0, "message": f"{row['stored_path']}：{reason}"}
            tallies = {}
        message = (outcome.get("message") or "").replace(row["stored_path"], printable(row["original_name"]))
        with transaction(con):
            con.execute("UPDATE job_files SET outcome = ?, records = ?, message = ?, done_at = ?, forms = ?, "
                        "warnings = ? WHERE job_id = ? AND seq = ?",
                        (outcome["outcome"], outcome.get("records") or 0, message, _now(), forms, warnings,
                         job.id, row["seq"]))
            result = json.loads(con.execute("SELECT result FROM jobs WHERE id = ?", (job.id,)).fetchone()["result"]
                                or "null") or _empty_result()
            result.pop("page", None)           # the file's page progress ends with it
            result["files"][outcome["outcome"]] = result["files"].get(outcome["outcome"], 0) + 1
            result["records"] += outcome.get("records") or 0
            for key, n in tallies.items():
                result["ledger"][key] = result["ledger"].get(key, 0) + n
            con.execute("UPDATE jobs SET done = (SELECT count(*) FROM job_files WHERE job_id = ? AND done_at IS NOT NULL), "
                        "result = ? WHERE id = ?", (job.id, json.dumps(result, ensure_ascii=False), job.id))
    if out_dir:
        # the batch's 汇总 workbook and JSONL, from every file's part (a resumed job included)
        files = job_status(ledger, job.id).files
        outputs = write_batch_outputs(out_dir, [(f.seq, f.name, f.outcome, f.records, f.message) for f in files])
        with transaction(con):
            result = json.loads(con.execute("SELECT result FROM jobs WHERE id = ?", (job.id,)).fetchone()["result"])
            result["outputs"] = {k: str(v) for k, v in outputs.items()}
            con.execute("UPDATE jobs SET result = ? WHERE id = ?", (json.dumps(result, ensure_ascii=False), job.id))
    with transaction(con):
        con.execute("UPDATE jobs SET state = 'done', finished_at = ? WHERE id = ?", (_now(), job.id))
    return job_status(ledger, job.id)


def job_workers() -> int:
    """Processes a job's file may use: a scanned PDF's pages are OCR'd by this many (PAICHA_JOB_WORKERS,
    default the CPU count); other files are read by the job's own process."""
    try:
        return max(1, int(os.environ.get("PAICHA_JOB_WORKERS") or os.cpu_count() or 1))
    except ValueError:
        return os.cpu_count() or 1


def _page_progress(ledger: Ledger, job_id: int, seq: int) -> Callable[[int, int, str], None]:
    """parse_batch's progress for one file of a job: its pages as they are read ({"seq", "done", "total"}
    in the job's result, shown on the job's page until the file is done); files and table rows are not
    stored (the job counts its files itself)."""
    def progress(done: int, total: int, label: str) -> None:
        if not label.endswith(PAGES):
            return
        con = ledger.con
        with transaction(con):
            result = json.loads(con.execute("SELECT result FROM jobs WHERE id = ?", (job_id,)).fetchone()["result"]
                                or "null") or _empty_result()
            result["page"] = {"seq": seq, "done": done, "total": total}
            con.execute("UPDATE jobs SET result = ? WHERE id = ?", (json.dumps(result, ensure_ascii=False), job_id))
    return progress


def fail_job(ledger: Ledger, job_id: int, message: str) -> None:
    with transaction(ledger.con):
        ledger.con.execute("UPDATE jobs SET state = 'failed', finished_at = ?, error = ? WHERE id = ?",
                           (_now(), message, job_id))


def run_pending(ledger: Ledger, should_stop: Callable[[], bool] = lambda: False) -> int:
    """Run queued jobs in this thread until the queue is empty or `should_stop()`; returns jobs finished."""
    finished = 0
    while not should_stop():
        job = claim_next(ledger)
        if job is None:
            break
        try:
            job = execute(ledger, job.id, should_stop) or job
        except Exception as e:  # noqa: BLE001 — the job fails with a Chinese reason, the runner goes on
            code, reason = exception_reason(e) or ("internal", INTERNAL_REASON)
            traceback.print_exc()
            fail_job(ledger, job.id, f"任务执行失败：{reason}")
            continue
        finished += job.finished
    return finished


class Runner:
    """Worker processes on this machine running a ledger's queued jobs, one job at a time each.

    SQLite: the processes take queued jobs from the ledger (one Runner per ledger). PostgreSQL: each is a
    procrastinate worker (services/queue.work), as `cli.py worker` starts on any machine. start() first
    re-queues jobs a stopped worker left running; stop() lets each current file finish (the rest of its
    job resumes at the next start, or at once on another worker)."""

    def __init__(self, target: str | Path, poll: float = POLL_SECONDS, processes: int = 1,
                 sweep: float | None = None):
        self.target = str(target)
        self.poll = poll
        self.processes = max(1, int(processes))
        self.sweep = sweep              # PostgreSQL: seconds between looks for jobs of dead workers
        self._ctx = multiprocessing.get_context("spawn")     # no fork of a threaded web server
        self._stop = self._ctx.Event()
        self._workers: list = []

    def recover(self) -> int:
        if is_server(self.target):
            from services import queue
            return queue.recover(self.target)
        with open_ledger(self.target) as ledger:
            return requeue_interrupted(ledger)

    def start(self) -> None:
        self.recover()
        self._stop = self._ctx.Event()      # a fresh one: a stop() that timed out may hold the old one's lock
        self._workers = [self._ctx.Process(target=_worker, args=(self.target, self._stop, self.poll, self.sweep,
                                                                 self.processes),
                                           name=f"paicha-jobs-{i + 1}", daemon=True)
                         for i in range(self.processes)]
        for p in self._workers:
            p.start()

    @property
    def pid(self) -> int | None:
        return self._workers[0].pid if self._workers else None

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self._workers]

    @property
    def _process(self):
        """The first worker process (what tests that kill "the runner" wait for)."""
        return self._workers[0] if self._workers else None

    def alive(self) -> bool:
        return any(p.is_alive() for p in self._workers)

    def join(self) -> None:
        """Wait until every worker process has ended (a signal, or stop() from another thread)."""
        for p in self._workers:
            p.join()

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        if not self._workers:
            return
        # Event.set() raises the flag, then waits for every sleeper to wake: a worker killed in stop.wait()
        # (a signal to the whole process group) never does and set() would hang; so set it on the side
        threading.Thread(target=self._stop.set, name="paicha-jobs-stop", daemon=True).start()
        for p in self._workers:
            p.join(timeout)
            if p.is_alive():
                p.terminate()       # its job stays running and is re-queued by the next start
                p.join(5)
        self._workers = []


def work(target: str | Path, poll: float = POLL_SECONDS, sweep: float | None = None) -> None:
    """One worker in this process (`cli.py worker`): re-queue what a stopped worker left running, then run
    jobs until SIGINT / SIGTERM."""
    runner = Runner(target, poll, sweep=sweep)
    runner.recover()
    _worker(runner.target, threading.Event(), poll, sweep)


def _worker(target: str, stop, poll: float, sweep: float | None, siblings: int = 1) -> None:
    """A worker process: run queued jobs, then wait for more. Its share of the cores splits a scanned
    PDF's pages (job_workers): `siblings` workers of one Runner never start more OCR processes than cores."""
    if not os.environ.get("PAICHA_JOB_WORKERS"):
        os.environ["PAICHA_JOB_WORKERS"] = str(max(1, (os.cpu_count() or 1) // max(1, siblings)))
    try:
        if is_server(target):
            from services import queue
            queue.work(target, stop, poll=poll, sweep=sweep)
            return
        with open_ledger(target) as ledger:
            while not stop.is_set():
                run_pending(ledger, stop.is_set)
                stop.wait(poll)
    except KeyboardInterrupt:
        pass                                # Ctrl-C: the running job resumes at the next start


def _attribution(job: Job) -> dict | None:
    """直报: the returns of a 填报单位's batch are that unit's, those of an 企业's batch that enterprise's,
    whatever the forms say (parsers.pipeline.attribute)."""
    if not job.owner_unit or job.owner_role not in ("unit", ENTERPRISE):
        return None
    return {"enterprise" if job.owner_role == ENTERPRISE else "unit": job.owner_unit}


def _job(row) -> Job:
    return Job(id=row["id"], kind=row["kind"], state=row["state"], created_at=row["created_at"],
               started_at=row["started_at"], finished_at=row["finished_at"], params=json.loads(row["params"] or "{}"),
               done=row["done"], total=row["total"], result=json.loads(row["result"]) if row["result"] else None,
               error=row["error"], owner=row["owner"], owner_role=row["owner_role"], owner_unit=row["owner_unit"])


def _empty_result() -> dict:
    return {"records": 0, "files": {}, "ledger": {}}


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")
