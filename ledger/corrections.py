"""Corrections of record fields: a person fixes a value read from a return, or confirms a flagged one.

correct_field() changes one field of a stored record (the path as schema.record.leaf_fields names it),
normalised with the field's kind from the form spec, clears that field's warnings and re-derives the
record's entities (enterprise, inspection, hazards, statistics rows) in the same transaction: hazards
that still match keep their id, status and history, as in a supersession. accept_field() confirms a
flagged value (the warning cleared, old = new). Each change is one `corrections` row (migration 013):
who, when, which field, before, after, why and the warnings it cleared. The corrected record stays in
`records.json`, so re-importing the same file (same sha256, unchanged) and re-opening the ledger keep it.
"""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from ledger import store
from ledger.db import transaction
from schema.errors import PaichaError
from schema.labels import field_label
from schema.normalize import normalize
from schema.record import Record, leaf_fields
from schema.spec import load_spec

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass
class Correction:
    id: int
    record_id: int
    path: str
    old: Any
    new: Any
    cleared: list[dict] = field(default_factory=list)    # the field's warnings, now in history
    hazards_kept: int = 0
    hazards_new: int = 0
    hazards_dropped: int = 0


def correct_field(con: sqlite3.Connection, record_id: int, path: str, new_value: Any, actor: str,
                  reason: str = "") -> Correction:
    """Set one field of a record to `new_value` (as a person would type it), re-deriving its entities."""
    with transaction(con):
        row, rec = _record(con, record_id)
        old = _leaf(rec, path)
        new = _normalised(rec, path, new_value)
        _set(rec, path, new)
        return _apply(con, row, rec, path, "corrected", old, new, actor, reason)


def accept_field(con: sqlite3.Connection, record_id: int, path: str, actor: str, reason: str = "") -> Correction:
    """A flagged value confirmed as right: its warnings cleared, logged as a correction with old = new."""
    with transaction(con):
        row, rec = _record(con, record_id)
        value = _leaf(rec, path)
        if not any(w.get("field") == path for w in rec.warnings):
            raise PaichaError(f"记录 {record_id} 的“{_label(rec, path)}”没有待核对的提示", code="not_flagged")
        return _apply(con, row, rec, path, "accepted", value, value, actor, reason)


def record_history(con: sqlite3.Connection, record_id: int) -> list[dict]:
    """The record's corrections and events (suspect, accepted, rejected) in time order:
    {at, actor, kind: correction | event, action, path, label, old, new, note}."""
    form_type = con.execute("SELECT form_type FROM records WHERE id = ?", (record_id,)).fetchone()
    if form_type is None:
        raise PaichaError(f"台账中没有编号为 {record_id} 的记录", code="no_record")
    out = []
    for r in con.execute("SELECT * FROM corrections WHERE record_id = ? ORDER BY id", (record_id,)):
        out.append({"at": r["at"], "actor": r["actor"], "kind": "correction", "action": r["action"],
                    "path": r["path"], "label": field_label(form_type[0], r["path"]),
                    "old": json.loads(r["old_value"]), "new": json.loads(r["new_value"]), "note": r["reason"],
                    "cleared": json.loads(r["warnings"] or "[]"), "seq": (0, r["id"])})
    for r in con.execute("SELECT * FROM record_events WHERE record_id = ? ORDER BY id", (record_id,)):
        out.append({"at": r["at"], "actor": r["actor"], "kind": "event", "action": r["action"], "path": None,
                    "label": None, "old": None, "new": None, "note": r["note"], "cleared": [], "seq": (1, r["id"])})
    out.sort(key=lambda e: (e["at"], e.pop("seq")))
    return out


def flagged_fields(con: sqlite3.Connection, filters: dict | None = None) -> list[dict]:
    """Every warning of every current record as a row for a review queue, in record order:
    record_id, form_type, path, label, value, raw, code, message, source_path, part, confidence, box.

    raw / confidence / box come from the warning when the parser put them there (an OCR'd cell's
    reading, its confidence and its box on the page); None otherwise. filters: form_type,
    record_id, code, reporting_unit (exact values)."""
    filters = dict(filters or {})
    sql, args = _flagged_sql(filters)
    return [row for r in con.execute(sql.format(cols="r.id, r.form_type, r.part, r.json, s.path") + " ORDER BY r.id",
                                      args)
            for row in _flagged_rows(r, filters.get("code"))]


def flagged_block(con: sqlite3.Connection, start: int, stop: int, filters: dict | None = None) -> tuple[int, list[dict]]:
    """(how many rows flagged_fields has, its rows[start:stop]) reading only the records those rows are in:
    records.warnings counts each record's warnings, so the queue's positions come from an index scan. With
    a code filter the counts do not apply and the whole queue is read."""
    filters = dict(filters or {})
    if filters.get("code"):
        rows = flagged_fields(con, filters)
        return len(rows), rows[start:stop]
    sql, args = _flagged_sql(filters)
    ids, pos, total = [], {}, 0
    for rid, n in con.execute(sql.format(cols="r.id, r.warnings") + " ORDER BY r.id", args):
        if total < stop and total + n > start:
            ids.append(rid)
            pos[rid] = total
        total += n
    if not ids:
        return total, []
    cols = "r.id, r.form_type, r.part, r.json, s.path"
    got = con.execute(sql.format(cols=cols) + f" AND r.id IN ({', '.join('?' * len(ids))}) ORDER BY r.id",
                      [*args, *ids])
    rows = [(pos[r["id"]] + k, row) for r in got for k, row in enumerate(_flagged_rows(r, None))]
    return total, [row for at, row in rows if start <= at < stop]


def _flagged_sql(filters: dict) -> tuple[str, list[Any]]:
    """The current flagged records' query (its columns left as {cols}) and its parameters."""
    scope = filters.pop("scope", None)          # (condition on r, params): the user's records only
    unknown = set(filters) - {"form_type", "record_id", "code", "reporting_unit"}
    if unknown:
        raise PaichaError(f"未知的筛选条件：{'、'.join(sorted(unknown))}", code="bad_filter")
    sql = ("SELECT {cols} FROM records r JOIN sources s ON s.id = r.source_id"
           " WHERE r.superseded_by IS NULL AND r.warnings > 0")
    args: list[Any] = []
    for col, key in (("r.form_type", "form_type"), ("r.id", "record_id"), ("r.reporting_unit", "reporting_unit")):
        if filters.get(key) is not None:
            sql += f" AND {col} = ?"
            args.append(filters[key])
    if scope:
        sql += f" AND ({scope[0].replace('{', '{{').replace('}', '}}')})"
        args.extend(scope[1])
    return sql, args


def _flagged_rows(r, code: str | None) -> list[dict]:
    """A flagged record's queue rows, one per warning (of `code` only, when given)."""
    rec = Record.from_json(json.loads(r["json"]))
    leaves = _leaves(rec)
    out = []
    for w in rec.warnings:
        if code and w.get("code") != code:
            continue
        path = w.get("field", "")
        out.append({"record_id": r["id"], "form_type": r["form_type"], "path": path,
                    "label": field_label(r["form_type"], path), "value": leaves.get(path),
                    "raw": w.get("raw"), "code": w.get("code"), "message": w.get("message"),
                    "source_path": r["path"], "part": r["part"], "confidence": w.get("confidence"),
                    "box": w.get("box")})
    return out


# --- inside ------------------------------------------------------------------------------------

def _record(con, record_id: int) -> tuple[sqlite3.Row, Record]:
    row = con.execute("SELECT * FROM records WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        raise PaichaError(f"台账中没有编号为 {record_id} 的记录", code="no_record")
    return row, Record.from_json(json.loads(row["json"]))


def _leaves(rec: Record) -> dict[str, Any]:
    return leaf_fields({"header": rec.header, "data": rec.data})


def _label(rec: Record, path: str) -> str:
    return field_label(rec.form_type, path)


def _leaf(rec: Record, path: str) -> Any:
    leaves = _leaves(rec)
    if path not in leaves:
        raise PaichaError(f"记录中没有字段 {path}（{_label(rec, path)}）", code="no_field")
    return leaves[path]


def _normalised(rec: Record, path: str, value: Any) -> Any:
    """The value as the parser would have stored it; a value that cannot be understood is refused."""
    kind = load_spec(rec.form_type).kind_of(path) if rec.form_type != "unknown" else None
    if kind is None:
        return value
    if isinstance(value, list) and kind in ("items", "names"):    # given as a list: each one normalised
        return [x for v in value for x in _normalised(rec, path, v) or []]
    n = normalize(kind, value)
    if n.warning:
        raise PaichaError(f"{_label(rec, path)}：{n.warning[1]}", code="invalid_value")
    return n.value


def _set(rec: Record, path: str, value: Any) -> None:
    tokens = [int(i) if i else k for k, i in _TOKEN.findall(path)]
    target: Any = {"header": rec.header, "data": rec.data}
    for t in tokens[:-1]:
        target = target[t]
    target[tokens[-1]] = value


def _apply(con, row: sqlite3.Row, rec: Record, path: str, action: str, old: Any, new: Any,
           actor: str, reason: str) -> Correction:
    """Store the changed record, log the correction, re-derive the entities of a current record."""
    rid = row["id"]
    cleared = [w for w in rec.warnings if w.get("field") == path]
    rec.warnings = [w for w in rec.warnings if w.get("field") != path]
    con.execute("UPDATE records SET json = ?, warnings = ?, reporting_unit = ?, period = ?, fill_date = ?,"
                " supersede_key = ? WHERE id = ?",
                (json.dumps(rec.to_json(), ensure_ascii=False), len(rec.warnings), store.record_unit(rec),
                 store.record_period(rec), rec.header.get("fill_date"), store.supersede_key(rec), rid))
    raw = next((w["raw"] for w in cleared if w.get("raw") is not None), None)
    cur = con.execute("INSERT INTO corrections (record_id, path, action, old_value, new_value, raw, warnings,"
                      " actor, at, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      (rid, path, action, _json(old), _json(new), None if raw is None else str(raw),
                       _json(cleared), actor, store._now(), reason or None))
    result = Correction(cur.lastrowid, rid, path, old, new, cleared)
    if row["superseded_by"] is None and new != old:
        _rederive(con, rec, rid, result, actor, f"记录 {rid} 的“{_label(rec, path)}”更正"
                  + (f"：{reason}" if reason else ""))
    return result


def _rederive(con, rec: Record, rid: int, result: Correction, actor: str, note: str) -> None:
    """The record's entities drawn again from the corrected record: statistics rows and inspections
    replaced, hazards that still match carried over (id, status, history), the others inactive."""
    before = [r[0] for r in con.execute("SELECT id FROM hazards WHERE record_id = ? AND active = 1", (rid,))]
    for table in ("inspections", "stats_rows"):
        con.execute(f"DELETE FROM {table} WHERE record_id = ?", (rid,))
    imported = store.ImportResult("corrected", _source_id(con, rid), [rid])
    kept = store._draw_entities(con, imported, rec, rid, active=True, carry_from=rid, actor=actor,
                                carry_event=("corrected", note))
    dropped = [h for h in before if h not in kept]
    for hid in dropped:
        status = con.execute("SELECT status FROM hazards WHERE id = ?", (hid,)).fetchone()[0]
        con.execute("UPDATE hazards SET active = 0 WHERE id = ?", (hid,))
        store._event(con, hid, "corrected", status, status, f"{note}，本隐患不再属于该记录", actor)
    result.hazards_kept, result.hazards_new, result.hazards_dropped = len(kept), imported.hazards_new, len(dropped)


def _source_id(con, rid: int) -> int:
    return con.execute("SELECT source_id FROM records WHERE id = ?", (rid,)).fetchone()[0]


def _json(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False)
