"""Evidence of a reported rectification (migration 020): the text and the photos an enterprise gives when
it reports a hazard 整改完成. Plain reads and writes; writers run in the caller's transaction."""
from __future__ import annotations

from typing import Any

from ledger.orders import now

COLUMNS = ("id", "hazard_id", "kind", "text", "file_id", "file_name", "actor", "at")


def add_text(con: Any, hazard_id: int, text: str, actor: str) -> int:
    return con.execute("INSERT INTO hazard_evidence (hazard_id, kind, text, actor, at) VALUES (?, 'text', ?, ?, ?)",
                       (hazard_id, text, actor, now())).lastrowid


def add_file(con: Any, hazard_id: int, file_id: str, file_name: str, actor: str) -> int:
    return con.execute("INSERT INTO hazard_evidence (hazard_id, kind, file_id, file_name, actor, at)"
                       " VALUES (?, 'file', ?, ?, ?, ?)", (hazard_id, file_id, file_name, actor, now())).lastrowid


def of_hazard(con: Any, hazard_id: int) -> list[dict]:
    """The hazard's evidence rows, oldest first."""
    rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM hazard_evidence WHERE hazard_id = ? ORDER BY id",
                       (hazard_id,)).fetchall()
    return [dict(zip(COLUMNS, r)) for r in rows]


def hazard_of_file(con: Any, file_id: str) -> int | None:
    """The hazard a stored evidence file belongs to (who may see the file follows from it)."""
    row = con.execute("SELECT hazard_id FROM hazard_evidence WHERE file_id = ? ORDER BY id LIMIT 1",
                      (file_id,)).fetchone()
    return row[0] if row else None
