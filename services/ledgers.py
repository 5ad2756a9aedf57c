"""The ledger handle the services take: a SQLite file or a PostgreSQL database (a postgresql:// URL).

Callers open it with open_ledger(target) and pass it on; only the services reach its connection.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from ledger import db
from ledger.backend import display, exists, is_server
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
