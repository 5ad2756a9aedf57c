"""Readable queries over the ledger, for the CLI and the generators.

Each function returns plain dicts. SQL stays standard (parameters, LIKE, joins).
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from typing import Any

from ledger.backend import dialect
from ledger.stamp import change_stamp, own_writes
from schema.keys import enterprise_key


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


# --- paged lists for the workbench's 台账 page ------------------------------------------------------

HAZARD_FILTERS = ("town", "industry", "status", "enterprise_id")
_ACTIVE = "+h.active = 1"
EVERYTHING = "1 = 1"            # the scope condition of a user who sees every row (services.accounts)


def _hazard_where(filters: dict, today: str, since: str | None, until: str | None) -> tuple[str, list]:
    """The WHERE clause of hazard_page: exact filters, overdue, supervised, found_date within [since, until].

    "+h.active" keeps the planner off the nearly-all-true active column and on the filters' indexes
    (migration 018); a ledger has no statistics to tell it which is narrower."""
    sql, args = [_ACTIVE], []
    for key in HAZARD_FILTERS:
        if filters.get(key) not in (None, ""):
            sql.append(f"h.{key} = ?")
            args.append(filters[key])
    if filters.get("overdue"):
        sql.append("h.status = 'open' AND h.deadline IS NOT NULL AND h.deadline != '' AND h.deadline < ?")
        args.append(today)
    if filters.get("supervised"):
        sql.append("(h.supervised = 1 OR h.level = 'major')")
    if filters.get("scope") and filters["scope"][0] != EVERYTHING:  # (condition, params): the user's scope
        cond, params = filters["scope"]
        sql.append(f"({cond})")
        args.extend(params)
    if since:
        sql.append("h.found_date >= ?")
        args.append(since)
    if until:
        sql.append("h.found_date <= ?")
        args.append(until)
    return " AND ".join(sql), args


def _hazard_order(filters: dict, where: str) -> str:
    """hazard_page's ORDER BY: by deadline, none last. Overdue ones all have one, so their index order
    serves (no sort of the matches); unfiltered (or by status alone), the index on this very expression serves
    (migrations 021, 022);
    filtered, the filter's index and a sort of its matches do better, so the expression is spelt so that
    the planner does not take that index (it would walk all hazards in order looking for matches)."""
    if filters.get("overdue"):
        return "h.deadline, h.id"
    if where in (_ACTIVE, f"{_ACTIVE} AND h.status = ?"):     # status alone: migration 022's index in this order
        return "h.deadline IS NULL, h.deadline, h.id"
    return "CASE WHEN h.deadline IS NULL THEN 1 ELSE 0 END, h.deadline, h.id"


def hazard_page(con: sqlite3.Connection, filters: dict, today: str, since: str | None = None,
                until: str | None = None, limit: int | None = None, offset: int = 0) -> tuple[list[dict], int]:
    """One page of active hazards (filters: town, industry, status, enterprise_id, overdue, supervised),
    ordered by deadline, each with its live order's number; and how many match in all."""
    where, args = _hazard_where(filters, today, since, until)
    total = _active_total(con) if where == _ACTIVE else \
        con.execute(f"SELECT COUNT(*) FROM hazards h WHERE {where}", args).fetchone()[0]
    page = "" if limit is None else " LIMIT ? OFFSET ?"
    order = _hazard_order(filters, where)
    # the page's ids chosen first (from the filter's index alone where it covers them), then only their rows read
    rows = _dicts(con.execute(
        "SELECT h.*, (SELECT o.number FROM order_items oi JOIN orders o ON o.id = oi.order_id"
        " WHERE oi.hazard_id = h.id AND o.status != 'void' ORDER BY o.id DESC LIMIT 1) AS order_number"
        f" FROM (SELECT h.id FROM hazards h WHERE {where} ORDER BY {order}{page}) p JOIN hazards h ON h.id = p.id"
        f" ORDER BY {order}", args + ([] if limit is None else [int(limit), int(offset)])))
    for row in rows:
        row["overdue"] = bool(row["status"] == "open" and row["deadline"] and row["deadline"] < today)
    return rows, total


def _active_total(con) -> int:
    """How many hazards are active: all of them less the inactive few (migration 022's partial index; `id > 0`,
    always true, lets the planner take it)."""
    return con.execute("SELECT (SELECT COUNT(*) FROM hazards) - (SELECT COUNT(*) FROM hazards"
                       " WHERE active <> 1 AND id > 0)").fetchone()[0]


def hazard_choices(con: sqlite3.Connection, scope: tuple[str, tuple] = ("1 = 1", ())) -> dict[str, list[str]]:
    """The 镇街 and 行业 that active hazards name, for the filter lists: the distinct values read from
    their indexes one seek each (the next value above the last; a few dozen seeks, not a scan of every
    hazard), each kept when one active hazard (within `scope`, a condition on h) has it."""
    cond, params = scope
    return {col: [r[0] for r in con.execute(
        f"WITH RECURSIVE v(x) AS (SELECT MIN({col}) FROM hazards WHERE {col} > ''"
        f" UNION ALL SELECT (SELECT MIN({col}) FROM hazards WHERE {col} > v.x) FROM v WHERE v.x IS NOT NULL)"
        f" SELECT v.x FROM v WHERE v.x IS NOT NULL"
        f" AND EXISTS (SELECT 1 FROM hazards h WHERE h.{col} = v.x AND h.active = 1 AND ({cond})) ORDER BY v.x",
        params)]
            for col in ("town", "industry")}


def enterprise_page(con: sqlite3.Connection, town: str | None = None, industry: str | None = None,
                    limit: int | None = None, offset: int = 0,
                    scope: tuple[str, tuple] | None = None) -> tuple[list[dict], int]:
    """A page of enterprises by 镇街 and 行业, each with its active and open hazards counted; and the total.
    `scope`: a condition on hazards h; only enterprises with a hazard within it."""
    sql, args = ["1 = 1"], []
    if scope and scope[0] != EVERYTHING:
        sql.append(f"e.id IN (SELECT h.enterprise_id FROM hazards h WHERE {scope[0]})")
        args.extend(scope[1])
    for key, value in (("town", town), ("industry", industry)):
        if value:
            sql.append(f"e.{key} = ?")
            args.append(value)
    where = " AND ".join(sql)
    total = con.execute(f"SELECT COUNT(*) FROM enterprises e WHERE {where}", args).fetchone()[0]
    page = "" if limit is None else " LIMIT ? OFFSET ?"
    rows = _dicts(con.execute(
        "SELECT e.id, e.name, e.credit_code, e.town, e.industry, e.address,"
        f" (SELECT COUNT(*) FROM hazards h WHERE h.enterprise_id = e.id AND {_plain(con, 'h.active')} = 1) AS hazards,"
        f" (SELECT COUNT(*) FROM hazards h WHERE h.enterprise_id = e.id AND {_plain(con, 'h.active')} = 1"
        f"  AND {_plain(con, 'h.status')} = 'open') AS open_hazards"
        f" FROM (SELECT * FROM enterprises e WHERE {where} ORDER BY e.town, e.name, e.id{page}) e"
        " ORDER BY e.town, e.name, e.id", args + ([] if limit is None else [int(limit), int(offset)])))
    return rows, total


def enterprise_names(con: sqlite3.Connection, search: str | None = None, limit: int | None = None) -> list[str]:
    """The enterprises' names in order (a name field's suggestions): those containing `search`, the
    first `limit` of them."""
    sql, args = "SELECT name FROM enterprises", []
    if search and search.strip():
        sql += " WHERE name LIKE ? ESCAPE '\\'"
        args.append("%" + _escape_like(search.strip()) + "%")
    sql += " ORDER BY name"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(int(limit))
    return [r[0] for r in con.execute(sql, args)]


def hazard(con: sqlite3.Connection, hazard_id: int) -> dict | None:
    """A hazard's row with `sources`: every return that reported it, its first (hazards.record_id) first;
    `dedup_key`: what another return's hazard must match to be this one (ledger/store.py hazard_key)."""
    from ledger.store import hazard_key
    found = _dicts(con.execute("SELECT * FROM hazards WHERE id = ?", (hazard_id,)))
    if not found:
        return None
    found[0]["dedup_key"] = hazard_key(found[0]["enterprise"], found[0]["description"])
    found[0]["sources"] = _dicts(con.execute(
        "SELECT x.record_id, x.reporting_unit, s.path, r.superseded_by IS NULL AS current FROM"
        " (SELECT 0 AS n, record_id, reporting_unit FROM hazards WHERE id = ?"
        "  UNION ALL SELECT id, record_id, reporting_unit FROM hazard_sources WHERE hazard_id = ?) x"
        " JOIN records r ON r.id = x.record_id JOIN sources s ON s.id = r.source_id ORDER BY x.n", (hazard_id, hazard_id)))
    return found[0]


def hazard_order(con: sqlite3.Connection, hazard_id: int) -> dict | None:
    """The order a hazard is under: its live order, else its latest (void) one; None when never ordered."""
    found = _dicts(con.execute("SELECT o.* FROM orders o JOIN order_items oi ON oi.order_id = o.id"
                               " WHERE oi.hazard_id = ? ORDER BY o.status = 'void', o.id DESC LIMIT 1", (hazard_id,)))
    return found[0] if found else None


def ledger_counts(con: sqlite3.Connection, today: str, hazard_scope: tuple[str, tuple] = (EVERYTHING, ()),
                  record_scope: tuple[str, tuple] = (EVERYTHING, ())) -> dict[str, int]:
    """The home page's counts: active hazards not 销号 (unclosed) and open ones past their deadline
    (overdue); the flagged fields waiting (records' warning counts) and suspect resubmissions.
    The scopes: (condition, params) on hazards h and records r. Each count is read from an index alone
    (migrations 021, 022) when the scope is everything: unclosed is all active ones less the closed ones."""
    (h_cond, h_args), (r_cond, r_args) = hazard_scope, record_scope

    def count(where: str, args: tuple = ()) -> int:
        return con.execute(f"SELECT COUNT(*) FROM hazards h WHERE {where} AND +h.active = 1 AND {h_cond}",
                           (*args, *h_args)).fetchone()[0]

    unclosed = (_active_total(con) if h_cond == EVERYTHING else count("1 = 1")) - count("h.status = 'closed'")
    overdue = count("h.status = 'open' AND h.deadline IS NOT NULL AND h.deadline != '' AND h.deadline < ?", (today,))
    flagged = con.execute("SELECT COALESCE(SUM(r.warnings), 0) FROM records r"
                          f" WHERE r.superseded_by IS NULL AND r.warnings > 0 AND {r_cond}", r_args).fetchone()[0]
    suspect = con.execute(f"SELECT COUNT(*) FROM records r WHERE r.review = 'suspect' AND {r_cond}", r_args).fetchone()[0]
    return {"unclosed": unclosed, "overdue": overdue, "flagged": flagged, "suspects": suspect}


# --- the 指令书 page: orderable hazards, paged by enterprise ----------------------------------------

# open, active hazards; orderable when not under a live (non-void) order (ledger.orders.open_hazards, in SQL)
_OPEN = "h.active = 1 AND h.status = 'open'"
_NOT_ORDERED = ("NOT EXISTS (SELECT 1 FROM order_items oi JOIN orders o ON o.id = oi.order_id"
                " WHERE oi.hazard_id = h.id AND o.status != 'void')")


# what the page shows of an orderable hazard (not every column: a page holds a few hundred)
ORDERABLE_COLUMNS = ("h.id, h.enterprise_id, h.enterprise, h.town, h.industry, h.description, h.measure, h.level,"
                     " h.found_date, h.deadline, h.status")


def orderable_page(con: sqlite3.Connection, town: str | None = None, search: str | None = None,
                   limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """One page of the enterprises with orderable hazards (by 镇街, then name; `search`: part of the
    name), each {enterprise, town, hazards: [rows by id, ORDERABLE_COLUMNS]}; and how many enterprises match
    in all.

    The enterprises (orderable_groups) are kept while the ledger is unchanged (for a moment after another
    process's commit); then only the page's hazards are read, as they are now, by enterprise
    (hazards_enterprise): a hazard ordered meanwhile is never offered."""
    where, args = _orderable_where(town, search)
    groups = orderable_groups(con, town, search)
    page = {g[3]: {"enterprise": g[1], "town": g[0], "id": g[2], "hazards": []} for g in groups[offset:offset + limit]}
    if not page:
        return [], len(groups)
    ids = [g["id"] for g in page.values() if g["id"] is not None]
    names = [g["enterprise"] for g in page.values() if g["id"] is None]
    by = []
    if ids:
        by.append(f"h.enterprise_id IN ({', '.join('?' * len(ids))})")
    if names:
        by.append(f"(h.enterprise_id IS NULL AND h.enterprise IN ({', '.join('?' * len(names))}))")
    rows = _dicts(con.execute(f"SELECT {ORDERABLE_COLUMNS} FROM hazards h WHERE ({' OR '.join(by)})"
                              f" AND {_unhinted(con, where)} AND {_NOT_ORDERED} ORDER BY h.id", [*ids, *names, *args]))
    for h in rows:
        grp = str(h["enterprise_id"]) if h["enterprise_id"] is not None else "名称:" + h["enterprise"]
        if grp in page:
            page[grp]["hazards"].append(h)
    for g in page.values():
        del g["id"]
    # an enterprise whose hazards another process has just ordered or closed (a grouping kept GROUPS_MAX_AGE)
    return [g for g in page.values() if g["hazards"]], len(groups)


def _orderable_where(town: str | None, search: str | None) -> tuple[str, list]:
    sql, args = [_OPEN], []
    if town:
        sql.append("h.town = ?")
        args.append(town)
    if search and search.strip():
        sql.append("h.enterprise LIKE ? ESCAPE '\\'")
        args.append("%" + _escape_like(search.strip()) + "%")
    return " AND ".join(sql), args


_GROUPS_KEPT = 16                               # (ledger, 镇街, search) groupings kept, the least recent dropped
# seconds a grouping serves after another process's commit, from when it was read: a page is that old anyway
# by the time it is read, and issuing re-checks every hazard in its transaction (ledger.orders.open_hazards).
# A parse job commits every file; without it the grouping was redone on nearly every request meanwhile.
GROUPS_MAX_AGE = float(os.environ.get("PAICHA_GROUPS_MAX_AGE") or 2.0)
_clock = time.monotonic
_groups_memo: OrderedDict[tuple, "_Kept"] = OrderedDict()
_groups_lock = threading.Lock()


class _Kept:
    """One (ledger, 镇街, search)'s grouping, `value` = (stamp version, own writes, read at, groups), and the
    lock under which one request at a time groups it anew; meanwhile the others take the kept groups when
    only another process has written, else wait for its result."""

    def __init__(self):
        self.lock = threading.Lock()
        self.value: tuple | None = None

    def serves(self, version, own: int) -> tuple | None:
        """The groups, unless this process has written since they were read, or another process has and
        they were read GROUPS_MAX_AGE ago or more."""
        if self.value is None:
            return None
        kept_version, kept_own, at, groups = self.value
        if kept_own == own and (kept_version == version or _clock() - at < GROUPS_MAX_AGE):
            return groups
        return None


def orderable_groups(con: sqlite3.Connection, town: str | None = None,
                     search: str | None = None) -> tuple[tuple[str, str, int | None, str], ...]:
    """The enterprises with orderable hazards, each (镇街, name, enterprise id or None, group key), sorted by
    镇街 and name (_grouped).

    Kept under the ledger's change stamp (ledger/stamp.py, read first): while no connection commits, the
    next page is one index seek, not a pass over every open hazard; after another process's commit, for
    GROUPS_MAX_AGE and while one request regroups; after this process's own, not at all."""
    stamp, own = change_stamp(con), own_writes()
    if stamp is None:
        return _grouped(con, town, search)
    memo_key = (stamp[0], town, search)
    with _groups_lock:
        kept = _groups_memo.get(memo_key)
        if kept is None:
            kept = _groups_memo[memo_key] = _Kept()
        _groups_memo.move_to_end(memo_key)
        while len(_groups_memo) > _GROUPS_KEPT:
            _groups_memo.popitem(last=False)
    groups = kept.serves(stamp[1], own)
    if groups is not None:
        return groups
    if not kept.lock.acquire(blocking=False):
        stale = kept.value
        if stale is not None and stale[1] == own:
            return stale[3]                     # another request is regrouping after another process's commit:
                                                # the kept groups serve until it is done (not after own writes)
        kept.lock.acquire()                     # this process wrote: wait, then take what the other read
    try:
        groups = kept.serves(stamp[1], own)
        if groups is None:
            at = _clock()
            groups = _grouped(con, town, search)
            kept.value = (stamp[1], own, at, groups)
    finally:
        kept.lock.release()
    return groups


def _grouped(con, town: str | None, search: str | None) -> tuple[tuple[str, str, int | None, str], ...]:
    """One pass over migration 022's index (the open hazards counted by 镇街, name and enterprise id, no hazard
    read) less those under a live order (counted from the orders' side, a few)."""
    where, args = _orderable_where(town, search)
    key = "h.town, h.enterprise, h.enterprise_id"
    free = {tuple(r[:3]): r[3] for r in con.execute(f"SELECT {key}, COUNT(*) FROM hazards h WHERE {where}"
                                                    f" GROUP BY {key}", args)}
    for r in con.execute(f"SELECT {key}, COUNT(DISTINCT h.id) FROM order_items oi JOIN orders o ON o.id = oi.order_id"
                         f" JOIN hazards h ON h.id = oi.hazard_id WHERE o.status != 'void' AND {_unhinted(con, where)}"
                         f" GROUP BY {key}", args):
        free[tuple(r[:3])] = free.get(tuple(r[:3]), 0) - r[3]
    groups: dict[str, list] = {}
    for (t, name, eid), n in free.items():
        if n <= 0:
            continue
        grp = str(eid) if eid is not None else "名称:" + name       # an enterprise's id, else its name as typed
        g = groups.get(grp)
        if g is None:
            groups[grp] = [t or "", name, eid, grp]
        else:                                   # one enterprise under several names or towns: the first of each
            g[0], g[1] = min(g[0], t or ""), min(g[1], name)
    return tuple(sorted(map(tuple, groups.values()), key=lambda g: (g[0], g[1], g[3])))


def _unhinted(con, where: str) -> str:
    """`where` with its status and 镇街 terms kept off the indexes (_plain), so that the planner seeks the
    few enterprises of a page rather than walk every open hazard."""
    for col in ("h.status", "h.town", "h.active"):
        where = where.replace(f"{col} = ", f"{_plain(con, col)} = ")
    return where


def _plain(con, column: str) -> str:
    """A column that the planner shall not look up by its indexes: on SQLite, which has no statistics to
    tell a term that matches a few rows from one that matches half the table, a unary + (not an index
    term); PostgreSQL's planner has them, and its + takes numbers only."""
    return f"+{column}" if dialect(con) == "sqlite" else column
