"""The parse-job queue of a PostgreSQL ledger: procrastinate, its tables in the ledger's own database.

    defer(target, job_id)   queue ledger job `job_id` for any worker (services/jobs.submit_parse_job)
    work(target, stop)      a worker process: runs queued jobs until `stop` is set, SIGINT or SIGTERM
    recover(target)         jobs no live worker holds are queued again (every worker at start and each
                            `sweep` seconds); returns how many had been left running
    health(target)          the queue's counts for /healthz

A queue entry only says "run ledger job N"; the job's files and progress live in the ledger's jobs and
job_files tables, and services/jobs.execute is the task on both backends. A worker holds the job's session
advisory lock while it runs it (jobs.holding), so an entry delivered twice (a retry, a recovery racing a
slow start) finds the lock taken or the job finished and does nothing. A worker killed mid-job loses its
lock with its connection; the next recover() queues the job again and the new run parses only the files
not yet done. A graceful stop (SIGTERM, Ctrl-C, Runner.stop) ends the current file, then hands the job
back to the queue (JobAborted on shutdown is retried by procrastinate).

The schema is created on first use (ensure_schema); a procrastinate upgrade that changes it needs its
migrations applied (`procrastinate schema --migrate`, see its documentation) before the new workers start.
"""
from __future__ import annotations

import asyncio
import logging
import os
import threading
from contextlib import suppress

import procrastinate
import psycopg
from procrastinate import exceptions
from procrastinate.schema import SchemaManager
from psycopg_pool import NullConnectionPool

from schema.errors import INTERNAL_REASON, PaichaError, exception_reason
from services import jobs
from services.ledgers import open_ledger

TASK = "paicha.parse_job"
QUEUE = "paicha"
MAX_ATTEMPTS = 5          # tries of a job that fails as a whole (a lost connection) before it is failed
RETRY_WAIT = 5            # seconds before such a try
SWEEP_SECONDS = 10.0      # a worker's look for jobs of dead workers
HEARTBEAT_SECONDS = 5.0   # a worker's heartbeat; a worker silent for STALLED_SECONDS is taken for dead
STALLED_SECONDS = 30.0
FETCH_SECONDS = 5.0       # a worker's poll besides LISTEN/NOTIFY
# pg_advisory_xact_lock key serialising the creation of the queue's schema (ASCII "pqueue")
SCHEMA_LOCK = 0x707175657565

log = logging.getLogger(__name__)
_ready: set[str] = set()
_deferrers: dict[tuple[str, int], procrastinate.App] = {}
_lock = threading.Lock()


def ensure_schema(target: str) -> bool:
    """Create procrastinate's tables in the ledger's database unless there; returns whether it did."""
    if target in _ready:
        return False
    created = False
    with psycopg.connect(target, autocommit=True) as con:
        if not _has_schema(con):
            with con.transaction():
                con.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                if not _has_schema(con):                 # another process may have made it meanwhile
                    con.execute(SchemaManager.get_schema())
                    created = True
    _ready.add(target)
    return created


def _has_schema(con) -> bool:
    return con.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()[0]


def defer(target: str, job_id: int) -> bool:
    """Queue the job for a worker; False when an entry for it is already waiting."""
    app = _deferrer(target)
    try:
        app.configure_task(TASK, queue=QUEUE, queueing_lock=f"job-{int(job_id)}").defer(job_id=int(job_id))
    except exceptions.AlreadyEnqueued:
        return False
    return True


def _deferrer(target: str) -> procrastinate.App:
    """This process's App for deferring into the target (no pooled connection kept: one per defer)."""
    key = (target, os.getpid())
    with _lock:
        app = _deferrers.get(key)
        if app is None:
            ensure_schema(target)
            app = procrastinate.App(connector=procrastinate.SyncPsycopgConnector())
            app.open(NullConnectionPool(target, open=True))
            _deferrers[key] = app
        return app


def recover(target: str) -> int:
    """Jobs left running by a dead worker go back to the queue, and every queued job gets a queue entry
    (one lost between the ledger's commit and the defer included). Returns how many were left running."""
    ensure_schema(target)
    with open_ledger(target) as ledger:
        con = ledger.con
        requeued = jobs.requeue_interrupted(ledger)
        queued = [r["id"] for r in con.execute("SELECT id FROM jobs WHERE state = 'queued' ORDER BY id")]
        waiting = {int(r[0]) for r in con.execute(
            "SELECT args->>'job_id' FROM procrastinate_jobs WHERE task_name = ? AND status = 'todo'", (TASK,))}
    for job_id in queued:
        if job_id not in waiting:
            defer(target, job_id)
    return requeued


def health(target: str) -> dict:
    """The queue's state: entries waiting and running, live workers. PaichaError when it is missing."""
    with psycopg.connect(target, autocommit=True) as con:
        if not _has_schema(con):
            raise PaichaError("任务队列尚未建立：请启动解析进程（cli.py worker）", code="queue")
        counts = dict(con.execute("SELECT status::text, count(*) FROM procrastinate_jobs WHERE task_name = %s"
                                  " AND status IN ('todo', 'doing') GROUP BY status", (TASK,)).fetchall())
        workers = con.execute("SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > now() -"
                              " make_interval(secs => %s)", (STALLED_SECONDS,)).fetchone()[0]
    return {"waiting": counts.get("todo", 0), "running": counts.get("doing", 0), "workers": workers}


# --- the worker -------------------------------------------------------------------------------------

def work(target: str, stop=None, poll: float | None = None, sweep: float | None = None) -> None:
    """Run a worker in this process until `stop` (a threading or multiprocessing Event) is set or a
    SIGINT / SIGTERM; the current file finishes, the rest of its job goes back to the queue."""
    ensure_schema(target)
    asyncio.run(_work(target, stop, poll or FETCH_SECONDS, sweep or SWEEP_SECONDS))


async def _work(target: str, stop, poll: float, sweep: float) -> None:
    app = _worker_app(target)
    async with app.open_async():
        worker = asyncio.create_task(app.run_worker_async(
            queues=[QUEUE], concurrency=1, name=f"paicha-{os.getpid()}", shutdown_graceful_timeout=0,
            fetch_job_polling_interval=poll, update_heartbeat_interval=HEARTBEAT_SECONDS,
            stalled_worker_timeout=STALLED_SECONDS, delete_jobs="successful"))
        side = [asyncio.create_task(_sweeper(app, target, sweep))]
        if stop is not None:
            side.append(asyncio.create_task(_until(stop)))
        await asyncio.wait([worker, *side], return_when=asyncio.FIRST_COMPLETED)
        for task in (*side, worker):            # the worker last: cancelling it is its graceful stop
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task


async def _until(stop) -> None:
    while not stop.is_set():
        await asyncio.sleep(0.2)


async def _sweeper(app: procrastinate.App, target: str, every: float) -> None:
    """At start and every `every` seconds: queue jobs of dead workers again (recover), and send the
    entries of workers silent for STALLED_SECONDS back to the queue (their runs then find the job done or
    held, or take it up)."""
    while True:
        try:
            await asyncio.to_thread(recover, target)
            for entry in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_SECONDS):
                with suppress(exceptions.ConnectorException):      # retried by another sweeper meanwhile
                    await app.job_manager.retry_job(entry)
        except Exception:  # noqa: BLE001 — a database hiccup: the next sweep tries again
            log.exception("任务队列巡检失败")
        await asyncio.sleep(every)


def _worker_app(target: str) -> procrastinate.App:
    """A worker's App with the parse task bound to this ledger."""
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=target, min_size=1, max_size=3))

    @app.task(name=TASK, queue=QUEUE, pass_context=True,
              retry=procrastinate.RetryStrategy(max_attempts=MAX_ATTEMPTS - 1, wait=RETRY_WAIT))
    def parse_job(context: procrastinate.JobContext, job_id: int) -> None:
        _run(target, int(job_id), context)

    return app


def _run(target: str, job_id: int, context: procrastinate.JobContext) -> None:
    """One delivery of a queue entry: jobs.execute; a job failing as a whole is tried MAX_ATTEMPTS times,
    then failed in the ledger with its Chinese reason; a stop mid-job hands it back (JobAborted)."""
    with open_ledger(target) as ledger:
        try:
            job = jobs.execute(ledger, job_id, context.should_abort)
        except Exception as e:
            if context.job.attempts + 1 < MAX_ATTEMPTS:
                raise
            code, reason = exception_reason(e) or ("internal", INTERNAL_REASON)
            log.exception("解析任务 %s 失败", job_id)
            jobs.fail_job(ledger, job_id, f"任务执行失败：{reason}")
            return
    if job is not None and not job.finished:
        raise exceptions.JobAborted("工作进程停止，任务交回队列")
