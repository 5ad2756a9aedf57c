"""Background jobs: queued in the ledger, run by a local runner, resumed after a restart.

    submit_parse_job(ledger, files) → a queued job (table jobs) with one row per file (job_files)
    Runner(target).start()          → re-queues jobs a stopped server left running, then a worker
                                      process takes queued jobs one at a time
    job_status(ledger, id), list_jobs(ledger)

A parse job parses its files one at a time through the pipeline; after each file its outcome and the
job's progress are stored in one transaction, so a resumed job never parses a finished file again. A file
cut off mid-parse (the server killed) is parsed again; the ledger keeps a file's bytes once (same sha256 →
"unchanged"), so the ledger holds its records once either way. This small interface is what the web
layer uses; a real task queue can replace the runner behind it.
"""
from __future__ import annotations

import json
import multiprocessing
import traceback
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

from ledger.db import transaction
from schema.errors import INTERNAL_REASON, PaichaError, exception_reason, printable
from services.ledgers import Ledger, open_ledger
from services.returns import parse_batch, write_batch_outputs

KIND_PARSE = "parse"
OUTCOME_LABELS = {"records": "已解析", "error": "失败", "no_table": "无表格", "skipped": "已跳过"}
STATE_LABELS = {"queued": "排队中", "running": "进行中", "done": "已完成", "failed": "失败"}
POLL_SECONDS = 0.5            # how often an idle worker looks for queued jobs
STOP_SECONDS = 30             # how long stop() waits for the current file before ending the worker


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

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def submit_parse_job(ledger: Ledger, files: Iterable[tuple[str, str, str | Path]], params: dict | None = None) -> Job:
    """Queue a parse of `files` — (file id, original name, stored path) each — into this ledger.
    params["out_dir"]: a folder; the job then writes its 汇总 workbook and JSONL into out_dir/<job id>/."""
    files = list(files)
    if not files:
        raise PaichaError("没有要解析的文件", code="empty")
    con = ledger.con
    with transaction(con):
        job_id = con.execute("INSERT INTO jobs (kind, state, created_at, params, total, result) VALUES (?, 'queued', ?, ?, ?, ?)",
                             (KIND_PARSE, _now(), json.dumps(params or {}, ensure_ascii=False), len(files),
                              json.dumps(_empty_result()))).lastrowid
        con.executemany("INSERT INTO job_files (job_id, seq, file_id, original_name, stored_path) VALUES (?, ?, ?, ?, ?)",
                        [(job_id, i, fid, name, str(path)) for i, (fid, name, path) in enumerate(files)])
    return job_status(ledger, job_id)


def job_status(ledger: Ledger, job_id: int) -> Job:
    """The job with its files; PaichaError (code not_found) when there is no such job."""
    row = ledger.con.execute("SELECT * FROM jobs WHERE id = ?", (int(job_id),)).fetchone()
    if row is None:
        raise PaichaError(f"找不到任务 {job_id}", code="not_found")
    job = _job(row)
    job.files = [JobFile(r["seq"], r["file_id"], r["original_name"], r["outcome"], r["records"], r["message"], r["done_at"],
                         r["forms"], r["warnings"])
                 for r in ledger.con.execute("SELECT * FROM job_files WHERE job_id = ? ORDER BY seq", (job.id,))]
    return job


def list_jobs(ledger: Ledger, limit: int = 50) -> list[Job]:
    """The latest jobs, newest first (without their files)."""
    return [_job(r) for r in ledger.con.execute("SELECT * FROM jobs ORDER BY id DESC LIMIT ?", (int(limit),))]


def requeue_interrupted(ledger: Ledger) -> int:
    """Jobs left running by a stopped server go back to the queue; returns how many."""
    with transaction(ledger.con):
        return ledger.con.execute("UPDATE jobs SET state = 'queued' WHERE state = 'running'").rowcount


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


def run_job(ledger: Ledger, job: Job, should_stop: Callable[[], bool] = lambda: False) -> Job:
    """Parse the job's unfinished files one at a time, storing each outcome; the job is done after the
    last. When `should_stop()` turns true between files the job is left running (resumed later)."""
    con = ledger.con
    out_dir = Path(job.params["out_dir"]) / str(job.id) if job.params.get("out_dir") else None
    pending = con.execute("SELECT * FROM job_files WHERE job_id = ? AND done_at IS NULL ORDER BY seq",
                          (job.id,)).fetchall()
    for row in pending:
        if should_stop():
            return job_status(ledger, job.id)
        forms, warnings = None, 0
        try:
            # recorded in the ledger under the name the user gave the file, not the stored one
            summary = parse_batch([Path(row["stored_path"])], ledger=ledger, workers=1,
                                  jsonl=out_dir / "parts" / f"{row['seq']}.jsonl" if out_dir else None,
                                  display={row["stored_path"]: printable(row["original_name"])}).summary
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
            job = run_job(ledger, job, should_stop)
        except Exception as e:  # noqa: BLE001 — the job fails with a Chinese reason, the runner goes on
            code, reason = exception_reason(e) or ("internal", INTERNAL_REASON)
            traceback.print_exc()
            fail_job(ledger, job.id, f"任务执行失败：{reason}")
            continue
        finished += job.finished
    return finished


class Runner:
    """Executes a ledger's queued jobs one at a time in a background worker process.

    start() first re-queues jobs a stopped server left running; stop() lets the current file finish
    (the rest of its job resumes at the next start). One runner per ledger."""

    def __init__(self, target: str | Path, poll: float = POLL_SECONDS):
        self.target = str(target)
        self.poll = poll
        self._ctx = multiprocessing.get_context("spawn")     # no fork of a threaded web server
        self._stop = self._ctx.Event()
        self._process = None

    def recover(self) -> int:
        with open_ledger(self.target) as ledger:
            return requeue_interrupted(ledger)

    def start(self) -> None:
        self.recover()
        self._stop.clear()
        self._process = self._ctx.Process(target=_worker, args=(self.target, self._stop, self.poll),
                                          name="paicha-jobs", daemon=True)
        self._process.start()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def alive(self) -> bool:
        return bool(self._process and self._process.is_alive())

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        if self._process is None:
            return
        self._stop.set()
        self._process.join(timeout)
        if self._process.is_alive():
            self._process.terminate()       # its job stays running and is re-queued by the next start
            self._process.join(5)
        self._process = None


def _worker(target: str, stop, poll: float) -> None:
    """The worker process: run queued jobs, then wait for more."""
    try:
        with open_ledger(target) as ledger:
            while not stop.is_set():
                run_pending(ledger, stop.is_set)
                stop.wait(poll)
    except KeyboardInterrupt:
        pass                                # Ctrl-C on the server: the running job resumes at the next start


def _job(row) -> Job:
    return Job(id=row["id"], kind=row["kind"], state=row["state"], created_at=row["created_at"],
               started_at=row["started_at"], finished_at=row["finished_at"], params=json.loads(row["params"] or "{}"),
               done=row["done"], total=row["total"], result=json.loads(row["result"]) if row["result"] else None,
               error=row["error"])


def _empty_result() -> dict:
    return {"records": 0, "files": {}, "ledger": {}}


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")
