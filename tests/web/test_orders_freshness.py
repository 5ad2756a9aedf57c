"""How fresh the 指令书 page's grouping is (issue 11, measure: the page while a parse job runs). Another
process's commit (the job runner storing a file, another web worker) lets the kept grouping serve for up
to queries.GROUPS_MAX_AGE seconds from when it was read; this process's own writes (issuing, hazard
actions: anything committed through ledger.db.transaction) drop it at once. The clock is the test's
(queries._clock), so "within" and "after" MAX_AGE do not depend on the machine's speed."""
from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ledger import queries
from ledger.db import connect, transaction
from pgtest import BACKENDS, ledger_at
from sample_ledger import filled, sample_ledger  # noqa: F401  (fixtures)
from services import hazards, orders
from services.ledgers import open_ledger
from services.returns import parse_batch
from webtools import token

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "returns"
ENTERPRISE = "晋城市城区兴盛化工有限公司"


@pytest.fixture
def clock(monkeypatch):
    """The grouping's clock, moved by hand: now[0] seconds; MAX_AGE 2 s as in production."""
    now = [1000.0]
    monkeypatch.setattr(queries, "_clock", lambda: now[0])
    monkeypatch.setattr(queries, "GROUPS_MAX_AGE", 2.0)
    return now


@pytest.fixture(params=BACKENDS)
def parsed(request, tmp_path):
    target, drop = ledger_at(request.param, tmp_path)
    with open_ledger(target) as handle:
        parse_batch(sorted(p for p in SAMPLES.rglob("*") if p.suffix == ".docx"), ledger=handle, workers=1)
    yield target
    drop()


def _rectify_elsewhere(target: str, ids: list[int]) -> None:
    """Another process marks hazards rectified and commits, as the job runner or another web worker would."""
    code = ("import sys; from ledger.db import connect; c = connect(sys.argv[1]);"
            " [c.execute(\"UPDATE hazards SET status = 'rectified' WHERE id = ?\", (int(i),)) for i in sys.argv[2:]];"
            " c.close()")
    subprocess.run([sys.executable, "-c", code, target, *map(str, ids)], cwd=ROOT, check=True, timeout=60)


def test_kept_across_another_process_commit_within_max_age_and_recomputed_after(parsed, clock):
    con = connect(parsed)
    try:
        groups = queries.orderable_groups(con)
        page, total = queries.orderable_page(con, limit=1000)
        firm = page[0]
        _rectify_elsewhere(parsed, [h["id"] for h in firm["hazards"]])  # none of its hazards orderable now
        clock[0] += queries.GROUPS_MAX_AGE - 0.1
        assert queries.orderable_groups(con) is groups                  # within MAX_AGE: kept
        kept, kept_total = queries.orderable_page(con, limit=1000)
        # the page's hazards are read afresh: the firm is not offered with nothing to order, the count lags
        assert firm["enterprise"] not in [g["enterprise"] for g in kept] and kept_total == total
        assert all(g["hazards"] for g in kept)
        clock[0] += 0.2                                                 # MAX_AGE since it was read
        after, total_after = queries.orderable_page(con, limit=1000)
        assert queries.orderable_groups(con) is not groups
        assert total_after == total - 1 == len(after) and firm["enterprise"] not in [g["enterprise"] for g in after]
    finally:
        con.close()


def test_max_age_zero_follows_every_commit_at_once(parsed, clock, monkeypatch):
    monkeypatch.setattr(queries, "GROUPS_MAX_AGE", 0.0)
    con = connect(parsed)
    try:
        page, total = queries.orderable_page(con, limit=1000)
        _rectify_elsewhere(parsed, [h["id"] for h in page[-1]["hazards"]])
        assert queries.orderable_page(con, limit=1000)[1] == total - 1   # the clock has not moved
    finally:
        con.close()


def test_this_process_writes_drop_the_grouping_at_once(parsed, clock):
    """A hazard action of this process (services.hazards, in its transaction) is seen on the next page,
    the clock standing still; a write on another connection of this process is one too."""
    with open_ledger(parsed) as handle:
        first = orders.orderable_hazards(handle, per_page=1000)
        firm = first.enterprises[0]
        hazards.mark_rectified(handle, [h["id"] for h in firm["hazards"]], on="2099-01-01", actor="测试")
        after = orders.orderable_hazards(handle, per_page=1000)
        assert after.total == first.total - 1 and firm["enterprise"] not in [g["enterprise"] for g in after.enterprises]
        other = connect(parsed)
        try:
            victim = after.enterprises[-1]
            with transaction(other):
                other.execute("UPDATE hazards SET status = 'rectified' WHERE enterprise = ?", (victim["enterprise"],))
        finally:
            other.close()
        assert orders.orderable_hazards(handle, per_page=1000).total == after.total - 1


def test_a_return_parsed_here_is_offered_on_the_next_page(tmp_path, clock):
    """A parse in this process (a job run by this process, the CLI) stores in its transactions: the new
    enterprise is offered at once, the clock standing still."""
    last = SAMPLES / "钟家庄街道" / "重大隐患统计表.docx"
    with open_ledger(tmp_path / "台账.db") as handle:
        parse_batch(sorted(p for p in SAMPLES.rglob("*.docx") if p != last), ledger=handle, workers=1)
        before = orders.orderable_hazards(handle, per_page=1000)
        parse_batch([last], ledger=handle, workers=1)
        after = orders.orderable_hazards(handle, per_page=1000)
    assert after.total == before.total + 1 == len(after.enterprises)


def _count(page: str) -> int:
    return int(re.search(r"共 (\d+) 家单位有可出具的隐患", page)[1])


def test_an_order_issued_here_is_never_offered_on_the_next_request(filled, client, clock):
    page = client.get("/orders", params={"q": "化工"}).text                # the grouping is kept from here on
    whole = client.get("/orders").text
    assert ENTERPRISE in page and ENTERPRISE in whole
    ids = [int(i) for i in re.findall(r'name="hazard" value="(\d+)"', page)]
    with open_ledger(filled) as handle:
        own = [h["id"] for g in orders.orderable_hazards(handle, search=ENTERPRISE).enterprises for h in g["hazards"]]
    assert own and set(own) <= set(ids)
    sent = client.post("/orders/issue", data={"csrf_token": token(client), "hazard": [str(i) for i in own],
                                              "deadline": "2099-01-31"}, follow_redirects=False)
    assert sent.status_code == 303 and client.get(sent.headers["location"]).status_code == 200   # its flashes shown
    again, whole_again = client.get("/orders", params={"q": "化工"}).text, client.get("/orders").text
    assert ENTERPRISE not in again and _count(again) == _count(page) - 1       # the clock has not moved
    assert ENTERPRISE not in whole_again and _count(whole_again) == _count(whole) - 1
    assert not {f'name="hazard" value="{i}"' for i in own} & set(re.findall(r'name="hazard" value="\d+"', whole_again))


def _many_at_once(ledger, n: int = 8) -> list:
    """n requests for the grouping at the same moment, each on its own connection: what each got."""
    start, seen = threading.Barrier(n), []

    def request():
        c = connect(ledger)
        try:
            start.wait()
            seen.append(queries.orderable_groups(c))
        finally:
            c.close()
    threads = [threading.Thread(target=request) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return seen


def _slow_counted_grouping(monkeypatch) -> list:
    """queries._grouped counted and slowed, so the other requests arrive while one regroups."""
    grouped, real = [], queries._grouped

    def counted(*args):
        grouped.append(1)
        time.sleep(0.3)
        return real(*args)
    monkeypatch.setattr(queries, "_grouped", counted)
    return grouped


def test_one_thread_groups_while_the_others_take_the_kept_groups(filled, clock, monkeypatch):
    """After a commit elsewhere and MAX_AGE, many requests at once group once, not once each (20 clients
    each grouping anew was the cost of the page under a parse job); while it groups, the others are served
    the kept groups instead of waiting for it (the page's p95 under a job)."""
    con = connect(filled)
    try:
        old = queries.orderable_groups(con)
        first_open = con.execute("SELECT MIN(id) FROM hazards WHERE status = 'open'").fetchone()[0]
        _rectify_elsewhere(str(filled), [first_open])
    finally:
        con.close()
    clock[0] += queries.GROUPS_MAX_AGE + 1
    grouped = _slow_counted_grouping(monkeypatch)
    seen = _many_at_once(filled)
    new = [s for s in seen if s is not old]
    assert len(seen) == 8 and len(grouped) == 1 and len(new) == 1


def test_after_this_process_writes_the_others_wait_for_the_new_grouping(filled, clock, monkeypatch):
    """After this process's own commit no request is served the kept groups, even while another regroups."""
    con = connect(filled)
    try:
        old = queries.orderable_groups(con)
        first_open = con.execute("SELECT MIN(id) FROM hazards WHERE status = 'open'").fetchone()[0]
        with transaction(con):
            con.execute("UPDATE hazards SET status = 'rectified' WHERE id = ?", (first_open,))
    finally:
        con.close()
    grouped = _slow_counted_grouping(monkeypatch)
    seen = _many_at_once(filled)
    assert len(seen) == 8 and len(grouped) == 1 and all(s is seen[0] for s in seen) and seen[0] is not old
