"""The roster (migration 020): the reporting units (填报单位) and enterprises that accounts attach to and
that the 报送情况 table lists. Plain reads and writes; writers run in the caller's transaction."""
from __future__ import annotations

from typing import Any

from ledger.orders import now

KINDS = {"unit": "填报单位", "enterprise": "企业"}
COLUMNS = ("id", "name", "kind", "contact", "phone", "created_at")


def entries(con: Any, kind: str | None = None) -> list[dict]:
    sql, args = f"SELECT {', '.join(COLUMNS)} FROM roster", ()
    if kind:
        sql, args = sql + " WHERE kind = ?", (kind,)
    return [dict(zip(COLUMNS, r)) for r in con.execute(sql + " ORDER BY kind DESC, name", args).fetchall()]


def get(con: Any, name: str) -> dict | None:
    row = con.execute(f"SELECT {', '.join(COLUMNS)} FROM roster WHERE name = ?", (name,)).fetchone()
    return dict(zip(COLUMNS, row)) if row else None


def insert(con: Any, name: str, kind: str, contact: str = "", phone: str = "") -> int:
    return con.execute("INSERT INTO roster (name, kind, contact, phone, created_at) VALUES (?, ?, ?, ?, ?)",
                       (name, kind, contact, phone, now())).lastrowid


def delete(con: Any, name: str) -> int:
    return con.execute("DELETE FROM roster WHERE name = ?", (name,)).rowcount
