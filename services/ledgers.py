"""The ledger handle the services take: today a SQLite file, tomorrow possibly a database server.

Callers open it with open_ledger(target) and pass it on; only the services reach its connection.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

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
    def path(self) -> Path:
        """The SQLite file, for the document writers that open the ledger themselves."""
        return Path(self.target)

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
    if must_exist and not Path(target).exists():
        raise InputError(f"{target}：找不到台账数据库", code="missing")
    handle = Ledger(str(target))
    try:
        yield handle
    finally:
        handle.close()
