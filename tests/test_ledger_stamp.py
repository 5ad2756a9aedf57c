"""The ledger's change stamp (ledger/stamp.py) and the 指令书 grouping kept under it (issue 11, measure):
the same stamp while nothing is committed, a new one after any commit — from this connection, another one,
another process — and a page never older than the ledger, on SQLite and PostgreSQL."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ledger import queries
from ledger.backend import is_server as server
from ledger.db import connect, transaction
from ledger.stamp import change_stamp
from pgtest import BACKENDS, ledger_at
from services.ledgers import open_ledger
from services.returns import parse_batch

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "returns"


@pytest.fixture(params=BACKENDS)
def parsed(request, tmp_path):
    target, drop = ledger_at(request.param, tmp_path)
    with open_ledger(target) as handle:
        parse_batch(sorted(p for p in SAMPLES.rglob("*") if p.suffix == ".docx"), ledger=handle, workers=1)
    yield target
    drop()


def _close_hazard_elsewhere(target: str, hazard_id: int) -> None:
    """Another process marks a hazard rectified, as the job runner or another web worker would."""
    code = ("import sys; from ledger.db import connect; c = connect(sys.argv[1]);"
            " c.execute(\"UPDATE hazards SET status = 'rectified' WHERE id = ?\", (int(sys.argv[2]),)); c.close()")
    subprocess.run([sys.executable, "-c", code, target, str(hazard_id)], cwd=ROOT, check=True, timeout=60)


def test_the_stamp_changes_with_every_commit_and_only_then(parsed):
    con, other = connect(parsed), connect(parsed)
    try:
        first = change_stamp(con)
        assert first is not None
        if not server(parsed):              # PostgreSQL's snapshot moves with any commit in the cluster (other tests)
            assert change_stamp(con) == first == change_stamp(other)                    # nothing committed
        hid = con.execute("SELECT MIN(id) FROM hazards").fetchone()[0]
        other.execute("UPDATE hazards SET measure = '另一个连接' WHERE id = ?", (hid,))
        second = change_stamp(con)
        assert second != first                                                  # another connection's commit
        con.execute("UPDATE hazards SET measure = '本连接' WHERE id = ?", (hid,))
        third = change_stamp(con)
        assert third not in (first, second)                                     # this connection's own commit
        _close_hazard_elsewhere(parsed, hid)
        assert change_stamp(con) not in (first, second, third)                  # another process's commit
        with transaction(con):
            assert change_stamp(con) is None                                    # own uncommitted writes unseen
    finally:
        con.close()
        other.close()


def test_pages_follow_every_change_and_a_still_ledger_is_not_grouped_again(parsed, monkeypatch):
    """With GROUPS_MAX_AGE 0, every other process's commit is followed at once (tests/web/test_orders_freshness.py:
    within and after the production MAX_AGE)."""
    monkeypatch.setattr(queries, "GROUPS_MAX_AGE", 0.0)
    con = connect(parsed)
    try:
        groups = queries.orderable_groups(con)
        again = connect(parsed)
        try:
            if server(parsed):              # kept only while the whole cluster is still: equal, maybe recomputed
                assert queries.orderable_groups(con) == groups == queries.orderable_groups(again)
            else:
                assert queries.orderable_groups(con) is groups                  # kept: nothing changed
                assert queries.orderable_groups(again) is groups                # shared by the process's connections
        finally:
            again.close()
        page, total = queries.orderable_page(con, limit=1000)
        assert total == len(groups) > 2
        firm = page[0]
        for h in firm["hazards"]:                                               # its every hazard closed elsewhere
            _close_hazard_elsewhere(parsed, h["id"])
        after, total_after = queries.orderable_page(con, limit=1000)
        assert total_after == total - 1 and firm["enterprise"] not in [g["enterprise"] for g in after]
        assert queries.orderable_groups(con) is not groups
        # a search and a 镇街 are kept apart from the whole list
        town = after[0]["town"]
        in_town, n = queries.orderable_page(con, town=town, limit=1000)
        assert n == len(in_town) and {g["town"] for g in in_town} == {town} and n < total_after
    finally:
        con.close()


def test_a_ledger_file_replaced_at_the_same_path_is_not_served_from_the_old_one(tmp_path):
    db = tmp_path / "台账.db"
    with open_ledger(db) as handle:
        parse_batch(sorted(p for p in SAMPLES.rglob("*") if p.suffix == ".docx"), ledger=handle, workers=1)
        full = queries.orderable_page(handle.con)[1]
    assert full > 0
    db.unlink()
    for extra in tmp_path.glob("台账.db-*"):
        extra.unlink()
    con = connect(db)                                                           # a new, empty ledger there
    try:
        assert queries.orderable_page(con) == ([], 0)
    finally:
        con.close()


def test_a_watcher_closed_and_opened_again_never_repeats_a_stamp(tmp_path, monkeypatch):
    """More ledgers than are watched at once: the first one's watcher is closed, and a new watcher counts
    its versions from the start again, so its stamps are told apart by the watcher's number."""
    from ledger import stamp
    monkeypatch.setattr(stamp, "_WATCHED", 1)
    a, b = connect(tmp_path / "甲.db"), connect(tmp_path / "乙.db")
    try:
        seen = {change_stamp(a)}
        for n in range(3):
            change_stamp(b)                                                     # a's watcher closed
            a.execute("INSERT INTO sources (sha256, path, format, imported_at) VALUES (?, 'x', 'docx', '')",
                      (f"h{n}",))
            now = change_stamp(a)
            assert now not in seen
            seen.add(now)
    finally:
        a.close()
        b.close()
