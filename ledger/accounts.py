"""Accounts in the ledger (migration 019): users, their sessions, login throttling.

Plain reads and writes; the rules (hashing, throttle limits, session lifetimes, who may do what) are in
services/accounts.py. Writers run inside the caller's transaction (ledger.db.transaction), next to the
audit row (ledger/audit.py) that records them. Times are passed in (an injectable clock), ISO text.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

# role code → the Chinese name users see
ROLES = {"admin": "管理员", "district": "汇总单位", "unit": "填报单位", "enterprise": "企业"}
USER_COLUMNS = ("id", "name", "role", "unit", "disabled", "password_changed_at", "last_login_at",
                "created_at", "updated_at")
EDITABLE = {"role", "unit", "password_hash", "disabled", "password_changed_at", "last_login_at"}


def stamp(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


# --- users ---------------------------------------------------------------------------------------

def insert_user(con: Any, name: str, role: str, unit: str, password_hash: str, at: datetime) -> int:
    t = stamp(at)
    return con.execute(
        "INSERT INTO users (name, role, unit, password_hash, disabled, password_changed_at, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, 0, ?, ?, ?)", (name, role, unit, password_hash, t, t, t)).lastrowid


def get_user(con: Any, name: str) -> dict | None:
    """The user's row (password hash included, for the login check only)."""
    row = con.execute(f"SELECT {', '.join(USER_COLUMNS)}, password_hash FROM users WHERE name = ?",
                      (name,)).fetchone()
    return dict(zip(USER_COLUMNS + ("password_hash",), row)) if row else None


def list_users(con: Any) -> list[dict]:
    rows = con.execute(f"SELECT {', '.join(USER_COLUMNS)} FROM users ORDER BY role, unit, name").fetchall()
    return [dict(zip(USER_COLUMNS, r)) for r in rows]


def update_user(con: Any, user_id: int, at: datetime, **values) -> None:
    unknown = set(values) - EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    sets = ", ".join(f"{k} = ?" for k in values)
    con.execute(f"UPDATE users SET {sets}, updated_at = ? WHERE id = ?", (*values.values(), stamp(at), user_id))


def count_admins(con: Any) -> int:
    """Administrators who can log in."""
    return con.execute("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0").fetchone()[0]


# --- sessions ------------------------------------------------------------------------------------

def insert_session(con: Any, key: str, user_id: int, at: datetime, ip: str) -> None:
    con.execute("INSERT INTO sessions (id, user_id, created_at, last_seen_at, ip) VALUES (?, ?, ?, ?, ?)",
                (key, user_id, stamp(at), stamp(at), ip))


def session_user(con: Any, key: str) -> dict | None:
    """The session and its user: created_at, last_seen_at and the user's columns."""
    row = con.execute(
        f"SELECT s.created_at, s.last_seen_at, {', '.join('u.' + c for c in USER_COLUMNS)}"
        " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?", (key,)).fetchone()
    return dict(zip(("session_created_at", "last_seen_at") + USER_COLUMNS, row)) if row else None


def touch_session(con: Any, key: str, at: datetime) -> None:
    con.execute("UPDATE sessions SET last_seen_at = ? WHERE id = ?", (stamp(at), key))


def delete_session(con: Any, key: str) -> None:
    con.execute("DELETE FROM sessions WHERE id = ?", (key,))


def delete_user_sessions(con: Any, user_id: int) -> int:
    return con.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,)).rowcount


def purge_sessions(con: Any, created_before: datetime, seen_before: datetime) -> int:
    """Drop the sessions past their lifetime or idle too long."""
    return con.execute("DELETE FROM sessions WHERE created_at < ? OR last_seen_at < ?",
                       (stamp(created_before), stamp(seen_before))).rowcount


# --- login throttling ----------------------------------------------------------------------------

def locked_until(con: Any, subjects: list[str], at: datetime) -> str | None:
    """The latest lock still running on any of the subjects, or None."""
    marks = ", ".join("?" for _ in subjects)
    row = con.execute(f"SELECT MAX(locked_until) FROM login_throttle WHERE subject IN ({marks})"
                      " AND locked_until > ?", (*subjects, stamp(at))).fetchone()
    return row[0] if row and row[0] else None


def record_failure(con: Any, subject: str, at: datetime, limit: int, window_start: datetime,
                   lock_until: datetime) -> bool:
    """Count a failed login of `subject`; failures older than `window_start` are forgotten. The
    `limit`-th failure in the window locks the subject until `lock_until` (and starts a new count).
    Returns whether this failure locked it."""
    row = con.execute("SELECT failures, window_start FROM login_throttle WHERE subject = ?", (subject,)).fetchone()
    failures = 1 if row is None or row[1] < stamp(window_start) else row[0] + 1
    start = stamp(at) if row is None or failures == 1 else row[1]
    locked = failures >= limit
    if locked:
        failures, start = 0, stamp(at)
    if row is None:
        con.execute("INSERT INTO login_throttle (subject, failures, window_start, locked_until) VALUES (?, ?, ?, ?)",
                    (subject, failures, start, stamp(lock_until) if locked else None))
    elif locked:
        con.execute("UPDATE login_throttle SET failures = ?, window_start = ?, locked_until = ? WHERE subject = ?",
                    (failures, start, stamp(lock_until), subject))
    else:
        con.execute("UPDATE login_throttle SET failures = ?, window_start = ? WHERE subject = ?",
                    (failures, start, subject))
    return locked


def clear_throttle(con: Any, subject: str) -> None:
    con.execute("DELETE FROM login_throttle WHERE subject = ?", (subject,))


def purge_throttle(con: Any, at: datetime, window_start: datetime) -> int:
    """Forget subjects with no failure since `window_start` and no lock running at `at` (so the rows of
    names typed at random do not pile up)."""
    return con.execute("DELETE FROM login_throttle WHERE window_start < ? AND (locked_until IS NULL"
                       " OR locked_until <= ?)", (stamp(window_start), stamp(at))).rowcount


def known_units(con: Any, limit: int = 5000) -> list[str]:
    """The reporting units and enterprises of the roster and named in the ledger (choices for an account's unit)."""
    rows = con.execute("SELECT name FROM roster UNION"
                       " SELECT reporting_unit FROM records WHERE reporting_unit IS NOT NULL AND reporting_unit <> ''"
                       " UNION SELECT name FROM enterprises ORDER BY 1 LIMIT ?", (limit,)).fetchall()
    return [r[0] for r in rows]
