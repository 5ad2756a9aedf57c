"""Readable queries over the ledger, for the CLI and the generators.

Each function returns plain dicts. SQL stays standard (parameters, LIKE, joins).
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from ledger.store import enterprise_key


def _dicts(cur) -> list[dict[str, Any]]:
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


def sources(con: sqlite3.Connection) -> list[dict]:
    """Every imported file, oldest first, with its number of records."""
    return _dicts(con.execute(
        "SELECT s.id, s.path, s.sha256, s.format, s.imported_at, COUNT(r.id) AS records"
        " FROM sources s LEFT JOIN records r ON r.source_id = s.id"
        " GROUP BY s.id, s.path, s.sha256, s.format, s.imported_at ORDER BY s.id"))


def records(con: sqlite3.Connection, form_type: str | None = None, active_only: bool = True) -> list[dict]:
    """Records (the SCHEMA.md object under "record"), in import order; superseded ones only if asked."""
    sql = ("SELECT r.id, r.form_type, r.reporting_unit, r.period, r.fill_date, r.superseded_by,"
           " r.warnings, r.part, s.path, r.json FROM records r JOIN sources s ON s.id = r.source_id WHERE 1 = 1")
    args: list[Any] = []
    if form_type:
        sql += " AND r.form_type = ?"
        args.append(form_type)
    if active_only:
        sql += " AND r.superseded_by IS NULL"
    out = _dicts(con.execute(sql + " ORDER BY r.id", args))
    for row in out:
        row["record"] = json.loads(row.pop("json"))
    return out


def superseded(con: sqlite3.Connection) -> list[dict]:
    """Each supersession: the old record and the one that replaced it, with units, dates and files."""
    return _dicts(con.execute(
        "SELECT o.id AS old_id, n.id AS new_id, o.form_type, o.reporting_unit, o.period,"
        " o.fill_date AS old_fill_date, n.fill_date AS new_fill_date,"
        " so.path AS old_path, sn.path AS new_path, sn.imported_at AS replaced_at"
        " FROM records o JOIN records n ON n.id = o.superseded_by"
        " JOIN sources so ON so.id = o.source_id JOIN sources sn ON sn.id = n.source_id"
        " WHERE o.review IS NULL OR o.review = 'accepted' ORDER BY o.id"))


def suspects(con: sqlite3.Connection, pending_only: bool = True) -> list[dict]:
    """Suspect resubmissions (store.poorer), oldest first: each with its file, the record it was
    held against (`replaces`, with that record's file and fill date) and the warning's message.

    `review` is suspect (waiting), accepted or rejected; only the waiting ones unless asked."""
    sql = ("SELECT r.id, r.form_type, r.reporting_unit, r.period, r.fill_date, r.review, s.path,"
           " s.imported_at, r.json FROM records r JOIN sources s ON s.id = r.source_id"
           " WHERE r.review IS NOT NULL")
    if pending_only:
        sql += " AND r.review = 'suspect'"
    out = _dicts(con.execute(sql + " ORDER BY r.id"))
    for row in out:
        warning = next(w for w in json.loads(row.pop("json"))["warnings"] if w["code"] == "suspect_resubmission")
        row["message"], row["replaces"] = warning["message"], warning.get("replaces")
        old = con.execute("SELECT r.fill_date, r.superseded_by, s.path FROM records r"
                          " JOIN sources s ON s.id = r.source_id WHERE r.id = ?", (row["replaces"],)).fetchone()
        row["old_path"], row["old_fill_date"], row["old_superseded_by"] = (
            (old[2], old[0], old[1]) if old else (None, None, None))
    return out


def hazards(con: sqlite3.Connection, status: str | None = None, town: str | None = None,
            enterprise: str | None = None, since: str | None = None, until: str | None = None,
            source: str | None = None, active_only: bool = True) -> list[dict]:
    """Hazards with optional filters; `enterprise` by name or credit code, `source` by file path or sha256.

    since/until compare found_date (ISO dates, inclusive).
    """
    sql = ("SELECT h.*, s.path AS source_path, r.form_type AS record_form_type"
           " FROM hazards h LEFT JOIN records r ON r.id = h.record_id"
           " LEFT JOIN sources s ON s.id = r.source_id WHERE 1 = 1")
    args: list[Any] = []
    if active_only:
        sql += " AND h.active = 1"
    if status:
        sql += " AND h.status = ?"
        args.append(status)
    if town:
        sql += " AND h.town = ?"
        args.append(town)
    if enterprise:
        ent = enterprise_by_name(con, enterprise)
        if ent is None:
            return []
        sql += " AND h.enterprise_id = ?"
        args.append(ent["id"])
    if since:
        sql += " AND h.found_date >= ?"
        args.append(since)
    if until:
        sql += " AND h.found_date <= ?"
        args.append(until + "\uffff" if len(until) < 10 else until)   # "2023-03" covers the whole month
    if source:
        # the path as imported, its sha256, or its last part(s) ("返回/a.docx" matches "x/返回/a.docx")
        sql += " AND (s.path = ? OR s.sha256 = ? OR s.path LIKE ? ESCAPE '\\')"
        args += [source, source, "%/" + _escape_like(source)]
    return _dicts(con.execute(sql + " ORDER BY h.id", args))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def enterprise_by_name(con: sqlite3.Connection, name: str) -> dict | None:
    """The enterprise with this name (spaces, full-width and brackets ignored) or this credit code."""
    found = _dicts(con.execute("SELECT * FROM enterprises WHERE norm_name = ? OR credit_code = ? ORDER BY id",
                               (enterprise_key(name), name.strip().upper())))
    return found[0] if found else None


def stats_rows(con: sqlite3.Connection, form_type: str, period: str | None = None) -> list[dict]:
    """Active statistics rows of one form type (`data` decoded); period "2023-03" also takes dated periods in it."""
    sql = ("SELECT id, record_id, form_type, reporting_unit, unit, period, data FROM stats_rows"
           " WHERE form_type = ? AND active = 1")
    args: list[Any] = [form_type]
    if period:
        sql += " AND (period = ? OR period LIKE ?)"
        args += [period, period + "-%"]
    out = _dicts(con.execute(sql + " ORDER BY id", args))
    for row in out:
        row["data"] = json.loads(row["data"])
    return out
