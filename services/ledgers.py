"""The ledger handle the services take: a SQLite file or a PostgreSQL database (a postgresql:// URL).

Callers open it with open_ledger(target) and pass it on; only the services reach its connection.
A server answering many requests takes shared_ledger(target) instead: the same handle on a connection
kept open between requests (opened and migrated once, then reused).
"""
from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from ledger import db
from ledger.backend import DatabaseError, display, exists, is_server
from ledger.db import connect
from schema.errors import InputError

# progress(done, total, label): the one progress callback shape of every service
Progress = Callable[[int, int, str], None]


@dataclass
class Ledger:
    """A ledger to work on; the connection is opened on first use and closed with the handle."""
    target: str
    _con: sqlite3.Connection | None = field(default=None, repr=False)

    @property
    def path(self) -> Path | str:
        """What the document writers that open the ledger themselves take: the SQLite file, or the URL."""
        return self.target if is_server(self.target) else Path(self.target)

    @property
    def con(self) -> sqlite3.Connection:
        if self._con is None:
            self._con = connect(self.path)
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


@contextmanager
def open_ledger(target: str | Path, must_exist: bool = False) -> Iterator[Ledger]:
    """A ledger handle, closed on the way out; `must_exist` refuses a ledger that is not there yet
    (reports read a ledger, they never create an empty one)."""
    if must_exist and not exists(target):
        raise InputError(f"{display(target)}：找不到台账数据库", code="missing")
    handle = Ledger(str(target))
    try:
        yield handle
    finally:
        handle.close()


# shared_ledger's idle connections: SQLite ones per thread (a sqlite3 connection stays in its thread; the
# web server's worker threads live as long as it does), PostgreSQL ones per process, at most MAX_IDLE each
MAX_IDLE = 8
_local = threading.local()
_server_idle: dict[str, list] = {}
_server_lock = threading.Lock()


@contextmanager
def shared_ledger(target: str | Path) -> Iterator[Ledger]:
    """A ledger handle on a reused connection: one of this process's idle connections to `target` (a new
    one, opened and migrated, when none is idle), given back on the way out. A transaction left open is
    rolled back first; a connection that failed with a database error is closed, not given back."""
    target = str(target)
    idle = _idle(target)
    con = _take_idle(idle, is_server(target))
    handle = Ledger(target, con)
    try:
        yield handle
    except DatabaseError:
        handle.close()
        raise
    finally:
        con, handle._con = handle._con, None
        if con is not None:
            _give_back(idle, con)


def _take_idle(idle: list, server: bool):
    """An idle connection that still answers, or None. A server's connection may have been cut while idle
    (the server restarted, an administrator ended the session): asked first, closed if it does not answer,
    so that the request gets a new one instead of an error page."""
    while True:
        with _server_lock:
            con = idle.pop() if idle else None
        if con is None or not server:
            return con
        try:
            con.execute("SELECT 1").fetchone()
            return con
        except DatabaseError:
            con.close()


def _idle(target: str) -> list:
    if is_server(target):
        with _server_lock:
            return _server_idle.setdefault(target, [])
    per_thread = getattr(_local, "idle", None)
    if per_thread is None:
        per_thread = _local.idle = {}
    return per_thread.setdefault(target, [])


def _give_back(idle: list, con) -> None:
    try:
        if con.in_transaction:
            con.execute("ROLLBACK")
    except DatabaseError:
        con.close()
        return
    with _server_lock:
        if len(idle) < MAX_IDLE:
            idle.append(con)
            return
    con.close()


@dataclass
class CopyResult:
    source: str
    target: str
    rows: dict[str, int]            # table → rows copied


def copy_ledger(source: str | Path, target: str | Path, progress: Progress | None = None) -> CopyResult:
    """Copy a whole ledger into a new one (a SQLite file into PostgreSQL, say): every table, ids kept.
    The target is created and migrated; one that already holds rows is refused (nothing is merged)."""
    source, target = str(source), str(target)
    if not exists(source):
        raise InputError(f"{display(source)}：找不到台账数据库", code="missing")
    if not is_server(source) and not is_server(target) and Path(source).resolve() == Path(target).resolve():
        raise InputError("源台账和目标台账是同一个", code="same_ledger")
    with open_ledger(source) as src, open_ledger(target) as dst:
        full = [t for t in db.tables(dst.con) if t != "schema_migrations"
                and dst.con.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone()]
        if full:
            raise InputError(f"{display(target)}：目标台账已有数据（{'、'.join(full)}），不能复制到其中",
                             code="target_not_empty")
        rows = db.copy_rows(src.con, dst.con, progress)
    return CopyResult(display(source), display(target), rows)
