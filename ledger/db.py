"""Connection and migrations, on SQLite or PostgreSQL (ledger/backend.py). SQL stays portable.

Migrations are the numbered .sql files in ledger/migrations/, applied in order
inside one transaction each and recorded in schema_migrations (PRAGMA
user_version mirrors the highest). Whether a migration is applied is read from
the schema itself, not only from that record: each CREATE TABLE / CREATE INDEX /
ALTER TABLE ... ADD COLUMN / DROP statement of a .sql file says what it leaves
behind, so a ledger written by any earlier paicha (one with user_version 10 but
no orders tables, one without schema_migrations, one whose schema_migrations
stayed empty) is recognised, its record filled in, and only what is missing
applied. A statement whose object is already there is skipped, so re-applying a
migration is harmless. A new migration needs no code here, only its .sql file. The .sql files are written as SQLite takes
them; on PostgreSQL backend.translate_ddl turns `id INTEGER PRIMARY KEY` into an identity column and
the schema is read from pg_catalog instead of sqlite_master.
"""
from __future__ import annotations

import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from ledger import stamp
from ledger.backend import dialect, open_connection

MIGRATIONS = Path(__file__).parent / "migrations"

_NAME = r"[\"`\[]?(\w+)[\"`\]]?"
_CREATE = re.compile(r"^CREATE\s+(?:UNIQUE\s+)?(TABLE|INDEX|VIEW|TRIGGER)\s+(?:IF\s+NOT\s+EXISTS\s+)?" + _NAME, re.I)
_DROP = re.compile(r"^DROP\s+(TABLE|INDEX|VIEW|TRIGGER)\s+(?:IF\s+EXISTS\s+)?" + _NAME, re.I)
_ADD_COLUMN = re.compile(r"^ALTER\s+TABLE\s+" + _NAME + r"\s+ADD\s+(?:COLUMN\s+)?" + _NAME, re.I)


@dataclass(frozen=True)
class Step:
    """One statement of a migration and how to see that it has been applied.

    check: ("present", type, name), ("absent", type, name), ("column", table, column),
    or None when the statement leaves nothing to look for (an UPDATE, say).
    """
    sql: str
    check: tuple[str, str, str] | None


def migrations() -> list[tuple[int, Path]]:
    out = []
    for p in sorted(MIGRATIONS.glob("*.sql")):
        out.append((int(p.name.split("_", 1)[0]), p))
    return out


def steps(path: Path) -> list[Step]:
    """The statements of a migration file, each with the check that tells it is applied."""
    out = []
    for stmt in _statements(path.read_text(encoding="utf-8")):
        if m := _CREATE.match(stmt):
            check = ("present", m[1].lower(), m[2])
        elif m := _DROP.match(stmt):
            check = ("absent", m[1].lower(), m[2])
        elif m := _ADD_COLUMN.match(stmt):
            check = ("column", m[1], m[2])
        else:
            check = None
        out.append(Step(stmt, check))
    return out


def connect(target: str | Path) -> Any:
    """Open (creating if needed) and migrate a ledger: a SQLite path or a postgresql:// URL."""
    con = open_connection(target)
    try:
        migrate(con)
    except BaseException:
        con.close()
        raise
    return con


def migrate(con: Any) -> int:
    """Bring the ledger's schema up to date; returns the highest migration version.

    For each migration in order: when the schema shows it applied, make sure
    schema_migrations records it; otherwise run its missing statements and record it.
    A migration numbered below one already applied (work merged from two branches) still runs.
    """
    create = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
    if dialect(con) == "sqlite":
        con.execute(create)
    elif not _done(con, ("present", "table", "schema_migrations")):
        with transaction(con):          # two first connections at once: PostgreSQL's CREATE races
            con.execute(create)
    top = 0
    # one look at the whole schema first: opening an up-to-date ledger costs three queries
    snap, recorded_now = _snapshot(con), {r[0] for r in con.execute("SELECT version FROM schema_migrations")}
    for version, path in migrations():
        top = max(top, version)
        todo = steps(path)
        if version in recorded_now and all(_seen(snap, s.check) for s in todo if s.check):
            continue
        with transaction(con):
            # re-check under the write lock: another process may have migrated meanwhile
            recorded = _recorded(con, version)
            if not _applied(con, todo, recorded):
                for step in todo:
                    if step.check is None or not _done(con, step.check):
                        con.execute(step.sql)
            if not recorded:
                # UTC, as SQLite's datetime('now') wrote it
                con.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                            (version, datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")))
    if dialect(con) == "sqlite" and con.execute("PRAGMA user_version").fetchone()[0] != top:
        con.execute(f"PRAGMA user_version = {int(top)}")
    return top


def applied_versions(con: Any) -> list[int]:
    """The migrations whose traces are all in the schema (what the ledger has, whatever it recorded)."""
    return [v for v, p in migrations() if _applied(con, steps(p), _recorded(con, v))]


def _recorded(con: Any, version: int) -> bool:
    return con.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (version,)).fetchone() is not None


def _applied(con: Any, todo: list[Step], recorded: bool) -> bool:
    """Every checkable statement has left its trace; a migration with none is applied when recorded."""
    checks = [s.check for s in todo if s.check]
    if not checks:
        return recorded
    return all(_done(con, c) for c in checks)


# PostgreSQL's pg_class.relkind of each object type a migration creates
_RELKIND = {"table": "r", "index": "i", "view": "v"}


def _snapshot(con: Any) -> set[tuple[str, ...]]:
    """Every object of the schema as ("present", type, name) and every column as ("column", table, column)."""
    if dialect(con) == "postgresql":
        kinds = {v: k for k, v in _RELKIND.items()}
        objects = [(kinds[r[0]], r[1]) for r in con.execute(
            "SELECT c.relkind::text, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i', 'v')")]
        objects += [("trigger", r[0]) for r in con.execute("SELECT tgname::text FROM pg_trigger WHERE NOT tgisinternal")]
        cols = con.execute("SELECT c.relname::text, a.attname::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                           " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
                           " AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped").fetchall()
    else:
        objects = con.execute("SELECT type, name FROM sqlite_master").fetchall()
        cols = con.execute("SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p"
                           " WHERE m.type = 'table'").fetchall()
    return ({("present", t, n.lower()) for t, n in objects}
            | {("column", t.lower(), c.lower()) for t, c in cols})


def _seen(snap: set[tuple[str, ...]], check: tuple[str, str, str]) -> bool:
    """_done, read from a snapshot."""
    kind, a, b = check
    if kind == "column":
        return ("column", a.lower(), b.lower()) in snap
    return (("present", a, b.lower()) in snap) == (kind == "present")


def _done(con: Any, check: tuple[str, str, str]) -> bool:
    kind, a, b = check
    pg = dialect(con) == "postgresql"
    if kind == "column":
        if pg:
            return con.execute("SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()"
                               " AND table_name = lower(?) AND column_name = lower(?)", (a, b)).fetchone() is not None
        return any(r[1].lower() == b.lower() for r in con.execute("SELECT * FROM pragma_table_info(?)", (a,)))
    if not pg:
        found = con.execute("SELECT 1 FROM sqlite_master WHERE type = ? AND lower(name) = lower(?)", (a, b)).fetchone()
    elif a == "trigger":
        found = con.execute("SELECT 1 FROM pg_trigger WHERE tgname = lower(?)", (b,)).fetchone()
    else:
        found = con.execute("SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                            " WHERE n.nspname = current_schema() AND c.relname = lower(?) AND c.relkind = ?",
                            (b, _RELKIND[a])).fetchone()
    return (found is not None) == (kind == "present")


def _statements(sql: str) -> list[str]:
    """The statements of a migration file (`--` comment lines dropped); a trigger body's `;` stays inside."""
    out, buf = [], ""
    for line in sql.splitlines():
        if line.lstrip().startswith("--"):
            continue
        buf += line + "\n"
        if sqlite3.complete_statement(buf):
            out.append(buf.strip().rstrip(";").strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return [s for s in out if s]


@contextmanager
def transaction(con: Any) -> Iterator[Any]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error. Inside a running transaction it joins it (a
    service writes a change and its audit row in one transaction around the ledger's own writers)."""
    if con.in_transaction:
        yield con
        return
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")
        stamp.committed()                   # this process's caches drop what the write may change


# --- copying a whole ledger (cli.py ledger copy) ---------------------------------------------------

def tables(con: Any) -> list[str]:
    """The ledger's tables in the order the migrations create them (a table after those it refers to)."""
    names = [s.check[2] for _, p in migrations() for s in steps(p) if s.check and s.check[:2] == ("present", "table")]
    return [t for t in dict.fromkeys(n.lower() for n in names) if _done(con, ("present", "table", t))]


def columns(con: Any, table: str) -> list[str]:
    if dialect(con) == "postgresql":
        return [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_schema ="
                                          " current_schema() AND table_name = ? ORDER BY ordinal_position", (table,))]
    return [r[1] for r in con.execute("SELECT * FROM pragma_table_info(?)", (table,))]


def self_references(con: Any, table: str) -> list[str]:
    """The columns of `table` that refer to the table itself (records.superseded_by)."""
    if dialect(con) == "postgresql":
        return [r[0] for r in con.execute(
            "SELECT a.attname FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid"
            " AND a.attnum = ANY(c.conkey) WHERE c.contype = 'f' AND c.conrelid = c.confrelid"
            " AND c.conrelid = ?::regclass", (table,))]
    return [r["from"] for r in con.execute("SELECT * FROM pragma_foreign_key_list(?)", (table,))
            if r["table"].lower() == table.lower()]


def copy_rows(src: Any, dst: Any, progress=None) -> dict[str, int]:
    """Copy every row of every ledger table from src into the empty, migrated dst, ids kept, in one
    transaction; PostgreSQL's identity sequences are moved past the highest id. Returns rows per table.
    schema_migrations is not copied: dst records its own migrations."""
    names = [t for t in tables(src) if t != "schema_migrations"]
    counts: dict[str, int] = {}
    with transaction(dst):
        for n, table in enumerate(names, 1):
            cols = [c for c in columns(src, table) if c in set(columns(dst, table))]
            later = self_references(dst, table)       # written after every row is in (a row may name a later one)
            order = "id" if "id" in cols else ", ".join(cols)
            rows = src.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {order}").fetchall()
            first = [tuple(None if c in later else r[c] for c in cols) for r in rows]
            dst.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", first)
            for c in later:
                dst.executemany(f"UPDATE {table} SET {c} = ? WHERE id = ?",
                                [(r[c], r["id"]) for r in rows if r[c] is not None])
            counts[table] = len(rows)
            if progress:
                progress(n, len(names), table)
        if dialect(dst) == "postgresql":
            for table in dst.id_tables():
                dst.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                            f" COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")
    return counts
