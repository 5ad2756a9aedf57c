"""Field provenance: where each field of a record was read, kept beside the record (migration 017).

    save(con, record_id, prov)       at import (ledger/store.py), prov from parsers.recognize.provenance
                                     plus the file on disk and the zip member
    of_record(con, record_id)        → Provenance (None when the record has none: imported before 017)
    Provenance.field(path)           → the cell or line a field came from (a list item's parent as fallback)
"""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field


@dataclass
class Provenance:
    record_id: int
    file: str | None
    member: str | None
    tables: dict = field(default_factory=dict)      # part → {n_rows, n_cols, page, cells}
    fields: dict = field(default_factory=dict)      # path → {part, row, col, … } or {line, …}

    def field(self, path: str) -> dict | None:
        """Where `path` was read; for a leaf inside a value read as one (a person's name and mobile,
        an item of a list), the value's own cell."""
        while path:
            if path in self.fields:
                return self.fields[path]
            path = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", path) if re.search(r"(\.[^.\[\]]+|\[\d+\])$", path) else ""
        return None


def save(con: sqlite3.Connection, record_id: int, prov: dict) -> None:
    """Store a record's provenance (inside the import's transaction)."""
    con.execute("INSERT INTO record_provenance (record_id, file, member, tables, fields) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (record_id) DO UPDATE SET file = excluded.file, member = excluded.member,"
                " tables = excluded.tables, fields = excluded.fields",
                (record_id, prov.get("file"), prov.get("member"),
                 json.dumps(prov.get("tables") or {}, ensure_ascii=False),
                 json.dumps(prov.get("fields") or {}, ensure_ascii=False)))


def of_record(con: sqlite3.Connection, record_id: int) -> Provenance | None:
    row = con.execute("SELECT * FROM record_provenance WHERE record_id = ?", (record_id,)).fetchone()
    if row is None:
        return None
    return Provenance(record_id, row["file"], row["member"], json.loads(row["tables"]), json.loads(row["fields"]))
