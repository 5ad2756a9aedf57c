"""Connection and migrations. SQL stays portable (no SQLite-only syntax beyond PRAGMAs here).

Migrations are the numbered .sql files in ledger/migrations/, applied in order
inside one transaction each and recorded in schema_migrations (PRAGMA
user_version mirrors the highest), so a ledger written by an older paicha is
brought up to date on open.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

MIGRATIONS = Path(__file__).parent / "migrations"


def migrations() -> list[tuple[int, Path]]:
    out = []
    for p in sorted(MIGRATIONS.glob("*.sql")):
        out.append((int(p.name.split("_", 1)[0]), p))
    return out


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate a ledger."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    con.row_factory = sqlite3.Row
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("PRAGMA journal_mode = WAL")
    # with WAL, NORMAL never corrupts the file and spares an fsync per commit (imports 8x faster)
    con.execute("PRAGMA synchronous = NORMAL")
    con.execute("PRAGMA busy_timeout = 30000")
    migrate(con)
    return con


def migrate(con: sqlite3.Connection) -> int:
    """Apply every migration not yet applied (recorded in schema_migrations); returns the highest version.

    Applied versions are recorded one by one, so a migration numbered below one
    already applied (work merged from two branches) still runs.
    """
    con.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
    applied = {r[0] for r in con.execute("SELECT version FROM schema_migrations")}
    if not applied:
        # ledgers from before schema_migrations: user_version says what they have
        legacy = con.execute("PRAGMA user_version").fetchone()[0]
        applied = {v for v, _ in migrations() if v <= legacy and _has_tables(con)}
    for version, path in migrations():
        if version in applied:
            continue
        con.execute("BEGIN IMMEDIATE")
        try:
            # re-check under the write lock: another process may have migrated meanwhile
            if con.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (version,)).fetchone():
                con.execute("COMMIT")
                continue
            for stmt in _statements(path.read_text(encoding="utf-8")):
                con.execute(stmt)
            con.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (?, datetime('now'))", (version,))
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.add(version)
    top = max(applied, default=0)
    con.execute(f"PRAGMA user_version = {int(top)}")
    return top


def _has_tables(con: sqlite3.Connection) -> bool:
    return con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='records'").fetchone() is not None


def _statements(sql: str) -> list[str]:
    """The statements of a migration file; `--` comment lines dropped."""
    lines = [ln for ln in sql.splitlines() if not ln.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


@contextmanager
def transaction(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")
