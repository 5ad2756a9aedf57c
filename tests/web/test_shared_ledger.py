"""services.ledgers.shared_ledger (issue 11, measure): the web server's ledger connections are opened and
migrated once and reused by later requests, not opened per request; what one request leaves behind (an open
transaction, a failed connection) never reaches the next."""
from __future__ import annotations

import threading

import pytest

from ledger.backend import DatabaseError, open_connection
from pgtest import BACKENDS, ledger_at
from services import ledgers
from services.ledgers import shared_ledger


@pytest.fixture(params=BACKENDS)
def target(request, tmp_path, monkeypatch):
    """A ledger on each backend, with a count of the connections opened (and migrated) for it."""
    found, drop = ledger_at(request.param, tmp_path)
    request.addfinalizer(drop)
    opened = []
    real = ledgers.connect

    def counting(path):
        opened.append(path)
        return real(path)
    monkeypatch.setattr(ledgers, "connect", counting)
    return found, opened


def test_one_connection_opened_and_migrated_for_many_uses(target):
    where, opened = target
    seen = set()
    for _ in range(5):
        with shared_ledger(where) as handle:
            seen.add(id(handle.con))
            assert handle.con.execute("SELECT COUNT(*) FROM hazards").fetchone()[0] == 0
    assert len(opened) == 1 and len(seen) == 1
    with shared_ledger(where) as outer, shared_ledger(where) as inner:    # two at once: two connections
        assert outer.con is not inner.con
    assert len(opened) == 2


def test_sqlite_connections_stay_in_their_thread(tmp_path):
    where = str(tmp_path / "台账.db")
    cons = []

    def use():
        with shared_ledger(where) as handle:
            handle.con.execute("SELECT 1").fetchone()
            cons.append(handle.con)
    use()
    other = threading.Thread(target=use)
    other.start()
    other.join()
    use()
    assert cons[0] is cons[2] and cons[1] is not cons[0]


def test_an_open_transaction_is_rolled_back_before_reuse(target):
    where, _ = target
    with shared_ledger(where) as handle:
        handle.con.execute("BEGIN IMMEDIATE")
        handle.con.execute("INSERT INTO sources (sha256, path, format, imported_at) VALUES ('x', 'a.docx', 'docx', '')")
        left = handle.con
    with shared_ledger(where) as handle:
        assert handle.con is left and not handle.con.in_transaction
        assert handle.con.execute("SELECT COUNT(*) FROM sources").fetchone()[0] == 0


def test_a_failed_connection_is_not_reused(target):
    where, opened = target
    with pytest.raises(DatabaseError):
        with shared_ledger(where) as handle:
            failed = handle.con
            handle.con.execute("SELECT no_such_column FROM hazards")
    with shared_ledger(where) as handle:
        assert handle.con is not failed and handle.con.execute("SELECT 1").fetchone()[0] == 1
    assert len(opened) == 2


def test_a_page_error_keeps_the_connection(target):
    """An error of the page's own (not the database's) leaves a sound connection, which is reused."""
    where, opened = target
    with pytest.raises(ValueError):
        with shared_ledger(where) as handle:
            kept = handle.con
            raise ValueError("page error")
    with shared_ledger(where) as handle:
        assert handle.con is kept
    assert len(opened) == 1


def test_a_server_connection_cut_while_idle_is_replaced_not_shown_as_an_error(tmp_path, monkeypatch):
    """The PostgreSQL server ends an idle pooled session (a restart, an administrator): the next request
    gets a new connection and its answer, not an error page."""
    found, drop = ledger_at("postgresql", tmp_path)
    try:
        with shared_ledger(found) as handle:
            cut = handle.con
            pid = cut.execute("SELECT pg_backend_pid()").fetchone()[0]
        with shared_ledger(found) as other, shared_ledger(found) as handle:     # the idle one, and a second
            assert handle.con is cut or other.con is cut
        admin = open_connection(found)                                          # not one of the pool's
        try:
            assert admin.execute("SELECT pg_terminate_backend(?)", (pid,)).fetchone()[0]
        finally:
            admin.close()
        for _ in range(3):                                                      # every idle one tried in turn
            with shared_ledger(found) as handle:
                assert handle.con.execute("SELECT COUNT(*) FROM hazards").fetchone()[0] == 0
                assert handle.con.execute("SELECT pg_backend_pid()").fetchone()[0] != pid
    finally:
        ledgers._server_idle.pop(found, None)
        drop()
