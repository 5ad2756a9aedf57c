"""A ledger's change stamp: a value that differs whenever any connection, in any process, has committed
a change to the ledger since it was last read. Read it *before* the data it vouches for: a commit between
the two makes the data newer than the stamp, and the next stamp differs, so a cache keyed by it is never
stale. Used to keep the result of a costly read (the 指令书 page's grouping) while nothing changes.

own_writes() counts this process's own commits (ledger.db.transaction, through which every service writes):
a cache may tolerate other processes' commits for a while, never what this process has just done.
"""
from __future__ import annotations

import itertools
import os
import sqlite3
import threading
from collections import OrderedDict
from typing import Any

from ledger.backend import dialect

_WATCHED = 8                                    # ledger files watched at once, the least recent closed
_watchers: OrderedDict[str, tuple[int, tuple[int, int], int, sqlite3.Connection]] = OrderedDict()
_opened = itertools.count()                     # a watcher's number: a new watcher's versions start again
_lock = threading.Lock()
_own = [0]                                      # this process's commits through ledger.db.transaction


def committed() -> None:
    """This process has committed a change (called by ledger.db.transaction)."""
    with _lock:
        _own[0] += 1


def own_writes() -> int:
    """How many changes this process has committed: differs whenever it has written since last asked."""
    return _own[0]


def change_stamp(con: Any) -> tuple | None:
    """(ledger, version) for `con`'s ledger, equal only while its committed data is the same; None when
    it cannot be told (inside a transaction, whose own writes it would miss; an in-memory ledger)."""
    if con.in_transaction:
        return None
    if dialect(con) == "postgresql":
        # a snapshot fixes what a statement sees: the same snapshot, the same data (any commit in the
        # cluster changes it, so it errs on the side of a change)
        return con.url, con.execute("SELECT pg_current_snapshot()::text").fetchone()[0]
    path = con.execute("PRAGMA database_list").fetchone()[2]
    if not path:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    file_id = (st.st_dev, st.st_ino)
    with _lock:
        pid, seen, number, watcher = _watchers.get(path, (None, None, None, None))
        if pid != os.getpid() or seen != file_id:      # first use, after a fork, or the file replaced
            if pid == os.getpid():
                watcher.close()
            watcher = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            number = next(_opened)
            _watchers[path] = (os.getpid(), file_id, number, watcher)
            while len(_watchers) > _WATCHED:
                _, (old_pid, _, _, old) = _watchers.popitem(last=False)
                if old_pid == os.getpid():              # a connection inherited through fork is not closed
                    old.close()
        _watchers.move_to_end(path)
        # data_version changes when another connection has committed since this one last asked; the
        # watcher never writes, so every commit to the file is "another connection's"
        version = watcher.execute("PRAGMA data_version").fetchone()[0]
    return (path, file_id), (number, version)
