"""Many offices on one PostgreSQL ledger: 50 uploaders at once, two workers, every file imported once; a
worker killed mid-job leaves nothing half-imported. Skipped, with the reason, without PAICHA_TEST_PG.
(The 8 concurrent order issuers on PostgreSQL: tests/test_order_concurrency.py, parametrised by backend.)"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time

import pytest

from conftest import ROOT
from pgtest import pg_database
from services import jobs
from services.ledgers import open_ledger
from services.returns import parse_batch
from test_workers import table_counts

sys.path.insert(0, str(ROOT / "bench"))
from make_corpus import make_corpus  # noqa: E402

UPLOADERS = 50
PER_UPLOADER = 2
WAIT = 300                          # a guard against hung workers, not a timing assertion


@pytest.fixture(scope="module")
def returns(tmp_path_factory):
    """UPLOADERS × PER_UPLOADER distinct returns, and the table counts of parsing them in one plain run."""
    base = tmp_path_factory.mktemp("returns")
    n = UPLOADERS * PER_UPLOADER
    docx, xlsx = make_corpus(base, n // 2, n - n // 2)
    files = [f for pair in zip(docx, xlsx) for f in pair]
    with open_ledger(base / "plain.db") as ledger:
        assert not parse_batch(files, ledger=ledger, workers=2).summary.errors
        counts = table_counts(ledger)
    return files, counts


@pytest.fixture
def pg(request):
    url, drop = pg_database()                     # skips with the reason when PAICHA_TEST_PG is unset
    request.addfinalizer(drop)
    return url


def upload_all_at_once(url: str, batches: list[list]) -> list[int]:
    """One thread per uploader, all submitting together; the job ids."""
    barrier = threading.Barrier(len(batches))
    ids: list[int] = [0] * len(batches)
    errors: list[BaseException] = []

    def upload(i: int) -> None:
        try:
            with open_ledger(url) as ledger:
                barrier.wait()
                ids[i] = jobs.submit_parse_job(ledger, [(f"{i:04d}{k:028x}", f.name, f)
                                                        for k, f in enumerate(batches[i])]).id
        except BaseException as e:  # noqa: BLE001 — reported by the test
            errors.append(e)

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(len(batches))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return ids


def wait_all(url: str, runner: jobs.Runner, ids: list[int], until=lambda js: all(j.finished for j in js)):
    deadline = time.monotonic() + WAIT
    with open_ledger(url) as ledger:
        while True:
            current = [jobs.job_status(ledger, i) for i in ids]
            if until(current):
                return current
            assert runner.alive() and time.monotonic() < deadline, [(j.id, j.state, j.done) for j in current]
            time.sleep(0.05)


def assert_each_file_once(url: str, done: list[jobs.Job], plain: dict[str, int], files: int) -> None:
    assert all(j.state == "done" and j.done == j.total for j in done)
    outcomes = [f.outcome for j in done for f in j.files]
    assert outcomes == ["records"] * files
    with open_ledger(url) as ledger:
        assert table_counts(ledger) == plain                           # nothing lost, nothing doubled
        con = ledger.con
        assert con.execute("SELECT count(DISTINCT sha256) FROM sources").fetchone()[0] == files
        # every source with all its records: none half-imported
        per_source = con.execute("SELECT count(*) FROM sources s WHERE NOT EXISTS"
                                 " (SELECT 1 FROM records r WHERE r.source_id = s.id)").fetchone()[0]
    assert per_source == 0
    assert sum(f.records for j in done for f in j.files) == plain["records"]


def test_fifty_uploaders_two_workers_every_file_imported_once(pg, returns):
    files, plain = returns
    runner = jobs.Runner(pg, poll=0.2, processes=2, sweep=1)
    runner.start()
    try:
        ids = upload_all_at_once(pg, [files[i::UPLOADERS] for i in range(UPLOADERS)])
        done = wait_all(pg, runner, ids)
    finally:
        runner.stop()
    assert len(set(ids)) == UPLOADERS
    assert_each_file_once(pg, done, plain, len(files))
    # no file met twice: each job's ledger tally is all new
    assert sum(j.result["ledger"]["new"] for j in done) == len(files)
    assert sum(j.result["ledger"].get("unchanged", 0) for j in done) == 0


def test_worker_killed_mid_job_leaves_nothing_half_imported(pg, returns):
    files, plain = returns
    batches = [files[i::10] for i in range(10)]                 # ten uploads of ten files each
    ids = upload_all_at_once(pg, batches)
    runner = jobs.Runner(pg, poll=0.2, processes=2, sweep=1)
    runner.start()
    try:
        # both workers mid-job: kill one of them without warning
        mid = wait_all(pg, runner, ids, until=lambda js: sum(j.state == "running" and 1 <= j.done < j.total
                                                             for j in js) == 2)
        victim = runner.pids[0]
        os.kill(victim, signal.SIGKILL)
        runner._workers[0].join(30)
        assert runner._workers[0].exitcode == -signal.SIGKILL
        with open_ledger(pg) as ledger:
            held = jobs.held_jobs(ledger.con)
            # the victim's job: begun, unfinished, held by no one (the sweep may have queued it again already)
            orphans = [j for j in (jobs.job_status(ledger, i) for i in ids)
                       if not j.finished and j.done >= 1 and j.id not in held]
        assert len(orphans) == 1 and orphans[0].id in {j.id for j in mid if j.state == "running"}
        done = wait_all(pg, runner, ids)                    # the other worker takes the orphan up
    finally:
        runner.stop()
    assert_each_file_once(pg, done, plain, len(files))
