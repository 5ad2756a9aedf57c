"""Orders in the ledger: numbers, the order and its items, the hazards they cover.

Numbers look like （城区）应急责改〔2023〕15号: serial per authority, document code and
year, taken from order_counters inside the caller's BEGIN IMMEDIATE transaction, so two
processes never get the same number and a number is never reused (voiding keeps it).

An order run chooses its hazards (open_hazards), claims and numbers them (create_orders) in that
one transaction, then prints the documents and marks the orders printed (mark_printed). A run
holds a PrintRun while it prints, so a later run can take over what a stopped run left unprinted
(claim_unprinted) without touching what a live run is printing.
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterable

from ledger import queries
from ledger.backend import RUN_LOCK_CLASS, dialect, open_connection
from ledger.db import transaction
from schema.keys import enterprise_key
from schema.errors import PaichaError

# order statuses, as printed in registers and lists
ORDER_STATUS = {"issued": "已下达", "rechecked": "复查通过", "recheck_failed": "复查未通过",
                "closed": "已销号", "void": "作废"}
HAZARD_STATUS = {"open": "未整改", "rectified": "已整改待复查", "rechecked": "复查通过", "closed": "已销号"}


@dataclass
class OrderItem:
    description: str
    deadline: str                      # ISO date
    basis: str = ""                    # the printed 依据 text; "" = blank line to fill by hand
    basis_source: str = "auto"         # auto | manual | blank
    hazard_id: int | None = None


@dataclass
class OrderDraft:
    enterprise: str
    items: list[OrderItem]
    address: str = ""
    principal: str = ""
    town: str = ""
    # filled by create_orders (or read back by order_draft)
    id: int | None = None
    number: str = ""
    serial: int = 0
    issued: str = ""
    same_as: str = ""                  # a typed-in draft not numbered: the live order with the same content
    extra: dict = field(default_factory=dict)
    officers: list[dict] = field(default_factory=list)   # the 执法人员 printed: {name, cert_no} each


def now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def format_number(short_name: str, code: str, year: int, serial: int) -> str:
    """（城区）应急责改〔2023〕15号 — no leading zero."""
    head = f"（{short_name}）" if short_name else ""
    return f"{head}{code}〔{year}〕{serial}号"


def allocate(con: sqlite3.Connection, authority: str, code: str, year: int, count: int = 1) -> list[int]:
    """Take the next `count` serials. Call inside transaction(con)."""
    if not con.in_transaction:
        raise RuntimeError("allocate() must run inside transaction(con)")
    cur = con.execute("UPDATE order_counters SET last = last + ? WHERE authority = ? AND code = ? AND year = ?",
                      (count, authority, code, year))
    if cur.rowcount == 0:
        con.execute("INSERT INTO order_counters (authority, code, year, last) VALUES (?, ?, ?, ?)",
                    (authority, code, year, count))
    last = con.execute("SELECT last FROM order_counters WHERE authority = ? AND code = ? AND year = ?",
                       (authority, code, year)).fetchone()[0]
    return list(range(last - count + 1, last + 1))


def next_serial(con: sqlite3.Connection, authority: str, code: str, year: int) -> int:
    """One serial in its own transaction (used by the concurrency test and single documents)."""
    with transaction(con):
        return allocate(con, authority, code, year)[0]


def enterprise_id(con: sqlite3.Connection, name: str, address: str = "", town: str = "",
                  create: bool = True) -> int | None:
    """The enterprise's id; an unknown enterprise is added to the ledger when `create`."""
    row = con.execute("SELECT id FROM enterprises WHERE norm_name = ? OR name = ?",
                      (enterprise_key(name), name)).fetchone()
    if row:
        return row[0]
    if not create:
        return None
    cur = con.execute("INSERT INTO enterprises (name, norm_name, town, address) VALUES (?, ?, ?, ?)",
                      (name, enterprise_key(name), town or None, address or None))
    return cur.lastrowid


def open_hazards(con: sqlite3.Connection, enterprises: Iterable[str] | None = None, town: str | None = None,
                 since: str | None = None, until: str | None = None, source: str | None = None) -> list[dict]:
    """Open, active hazards (ledger.queries.hazards filters) not already under a live (non-void) order.

    To order them, call inside the transaction(con) that runs create_orders: another run cannot claim
    them in between."""
    names = list(enterprises) if enterprises else [None]
    found: dict[int, dict] = {}
    for name in names:
        for h in queries.hazards(con, status="open", town=town, enterprise=name, since=since, until=until,
                                 source=source):
            found[h["id"]] = h
    ordered = {r[0] for r in con.execute("SELECT oi.hazard_id FROM order_items oi JOIN orders o ON o.id = oi.order_id"
                                         " WHERE o.status != 'void' AND oi.hazard_id IS NOT NULL")}
    return sorted((h for h in found.values() if h["id"] not in ordered), key=lambda h: (h["enterprise"], h["id"]))


def add_event(con: sqlite3.Connection, hazard_id: int, actor: str, action: str,
              from_status: str | None, to_status: str | None, note: str = "", at: str | None = None) -> None:
    con.execute("INSERT INTO hazard_events (hazard_id, at, actor, action, from_status, to_status, note)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)", (hazard_id, at or now(), actor, action, from_status, to_status, note))


def fingerprint(draft: OrderDraft) -> str | None:
    """The identity of a draft typed in (no ledger hazards): its enterprise, problems and deadlines."""
    if any(item.hazard_id is not None for item in draft.items):
        return None
    lines = sorted(f"{item.description}\t{item.deadline}" for item in draft.items)
    return hashlib.sha256("\n".join([enterprise_key(draft.enterprise), *lines]).encode("utf-8")).hexdigest()


def create_orders(con: sqlite3.Connection, drafts: list[OrderDraft], authority: str, short_name: str,
                  code: str, issued: str, actor: str = "", print_run: str | None = None) -> list[OrderDraft]:
    """Number and store the drafts; call inside transaction(con), with the hazards chosen in it.

    Items without a hazard get one (origin manual). A typed-in draft with the same content as a live
    order is not numbered again: its `same_as` names that order. Returns the drafts numbered."""
    if not con.in_transaction:
        raise RuntimeError("create_orders() must run inside transaction(con)")
    fresh = []
    for draft in drafts:
        same = con.execute("SELECT number FROM orders WHERE fingerprint = ? AND status != 'void'",
                           (fingerprint(draft),)).fetchone()
        if same:
            draft.same_as = same[0]
        else:
            fresh.append(draft)
    year = int(issued[:4])
    serials = allocate(con, authority, code, year, len(fresh)) if fresh else []
    stamp = now()
    for draft, serial in zip(fresh, serials):
        draft.serial, draft.issued = serial, issued
        draft.number = format_number(short_name, code, year, serial)
        ent_id = enterprise_id(con, draft.enterprise, draft.address, draft.town)
        cur = con.execute(
            "INSERT INTO orders (number, authority, code, year, serial, enterprise_id, enterprise, address,"
            " principal, issued, status, actor, created_at, print_run, fingerprint, officers)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (draft.number, authority, code, year, serial, ent_id, draft.enterprise, draft.address,
             draft.principal, issued, "issued", actor, stamp, print_run, fingerprint(draft),
             json.dumps(draft.officers, ensure_ascii=False) if draft.officers else None))
        draft.id = cur.lastrowid
        for seq, item in enumerate(draft.items, 1):
            if item.hazard_id is None:
                item.hazard_id = con.execute(
                    "INSERT INTO hazards (enterprise_id, enterprise, town, description, origin, found_date,"
                    " deadline, status) VALUES (?, ?, ?, ?, 'manual', ?, ?, 'open')",
                    (ent_id, draft.enterprise, draft.town or None, item.description, issued,
                     item.deadline)).lastrowid
                add_event(con, item.hazard_id, actor, "found", None, "open", "指令书录入", stamp)
            else:
                con.execute("UPDATE hazards SET deadline = ? WHERE id = ?", (item.deadline, item.hazard_id))
            con.execute("INSERT INTO order_items (order_id, seq, hazard_id, description, deadline, basis,"
                        " basis_source) VALUES (?,?,?,?,?,?,?)",
                        (draft.id, seq, item.hazard_id, item.description, item.deadline, item.basis,
                         item.basis_source))
            add_event(con, item.hazard_id, actor, "ordered", "open", "open",
                      f"{draft.number} 第{seq}项，限{item.deadline}前整改", stamp)
    return fresh


# --- printing: who prints which order, and what is printed ---------------------------------------

_TOKEN = re.compile(r"[0-9a-f]{32}")


class PrintRun:
    """A run's hold on the orders it prints, kept from before it claims them until it ends.

    The run's token goes into orders.print_run; the run holds an exclusive lock on a small file
    beside the ledger (<ledger>-run-<token>.lock). The operating system drops the lock when the
    process ends, even when it is killed, so run_alive tells a live run from a stopped one.
    SQLite takes the lock, so this works alike on Windows and Linux. On PostgreSQL the lock is a session
    advisory lock on a connection of its own, which the server drops when the process ends.
    """

    def __init__(self, con: sqlite3.Connection):
        self.token = uuid.uuid4().hex
        if dialect(con) == "postgresql":
            self.path = None
            self._lock = open_connection(con.url)
            self._lock.execute("SELECT pg_advisory_lock(?, ?)", (RUN_LOCK_CLASS, _run_key(self.token)))
            return
        self.path = run_lock_path(con, self.token)
        self._lock = sqlite3.connect(str(self.path), isolation_level=None)
        self._lock.execute("BEGIN EXCLUSIVE")

    def close(self) -> None:
        try:
            if self.path is None:   # PostgreSQL drops a closed session's locks only once its backend exits: unlock now
                self._lock.execute("SELECT pg_advisory_unlock(?, ?)", (RUN_LOCK_CLASS, _run_key(self.token)))
        finally:
            self._lock.close()
        if self.path:
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> "PrintRun":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def run_lock_path(con: sqlite3.Connection, token: str) -> Path:
    ledger = con.execute("PRAGMA database_list").fetchone()[2]      # the main database's file
    return Path(f"{ledger}-run-{token}.lock")


def _run_key(token: str) -> int:
    return int(token[:7], 16)           # the advisory lock's object id (an int4) on PostgreSQL


def run_alive(con: sqlite3.Connection, token: str | None) -> bool:
    """Whether the run with this token still holds its lock (a token not ours counts as ended)."""
    if not token or not _TOKEN.fullmatch(token):
        return False
    if dialect(con) == "postgresql":
        return con.execute("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2"
                           " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                           " AND classid = ?::oid AND objid = ?::oid",
                           (RUN_LOCK_CLASS, _run_key(token))).fetchone() is not None
    path = run_lock_path(con, token)
    try:
        lock = sqlite3.connect(path.as_uri() + "?mode=rw", uri=True, timeout=0, isolation_level=None)
    except sqlite3.OperationalError:
        return False                                                # no lock file: the run has ended
    try:
        lock.execute("BEGIN EXCLUSIVE")
        lock.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        lock.close()


def claim_unprinted(con: sqlite3.Connection, run: PrintRun) -> tuple[list[int], int]:
    """Take over the live orders numbered but never printed whose run has ended; call inside transaction(con).

    Returns the ids taken (by number) and how many unprinted orders live runs are still printing."""
    if not con.in_transaction:
        raise RuntimeError("claim_unprinted() must run inside transaction(con)")
    alive: dict[str | None, bool] = {}
    taken, busy = [], 0
    for row in con.execute("SELECT id, print_run FROM orders WHERE printed_at IS NULL AND status != 'void'"
                           " ORDER BY year, code, serial").fetchall():
        token = row["print_run"]
        if token not in alive:
            alive[token] = run_alive(con, token)
        if alive[token]:
            busy += 1
        else:
            taken.append(row["id"])
    con.executemany("UPDATE orders SET print_run = ? WHERE id = ?", [(run.token, i) for i in taken])
    for token, live in alive.items():
        if not live and token and _TOKEN.fullmatch(token) and dialect(con) == "sqlite":
            run_lock_path(con, token).unlink(missing_ok=True)      # a killed run's leftover
    return taken, busy


def mark_printed(con: sqlite3.Connection, files: dict[int, str]) -> None:
    """Record each order's document (order id → path); printed_at keeps the first printing."""
    with transaction(con):
        stamp = now()
        con.executemany("UPDATE orders SET file = ?, printed_at = COALESCE(printed_at, ?) WHERE id = ?",
                        [(path, stamp, order_id) for order_id, path in files.items()])


def order_draft(con: sqlite3.Connection, order_id: int) -> OrderDraft:
    """An order as the ledger holds it, ready to print (again)."""
    o = con.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
    items = [OrderItem(i["description"], i["deadline"], i["basis"], i["basis_source"], i["hazard_id"])
             for i in items_of(con, order_id)]
    return OrderDraft(o["enterprise"], items, address=o["address"] or "", principal=o["principal"] or "",
                      id=o["id"], number=o["number"], serial=o["serial"], issued=o["issued"],
                      officers=json.loads(o["officers"]) if o["officers"] else [])


def inspectors_of(con: sqlite3.Connection, record_ids: Iterable[int]) -> str:
    """The inspectors written on the 督导检查表 (or other inspection record) the hazards came from ("" when none)."""
    for rid in record_ids:
        row = con.execute("SELECT inspectors FROM inspections WHERE record_id = ? AND inspectors IS NOT NULL"
                          " AND inspectors != '' ORDER BY id DESC LIMIT 1", (rid,)).fetchone()
        if row:
            return row[0]
    return ""


def get_order(con: sqlite3.Connection, number: str) -> sqlite3.Row:
    """The order with this number (full form or just the serial within the latest year)."""
    row = con.execute("SELECT * FROM orders WHERE number = ?", (number,)).fetchone()
    if row is None and number.isdigit():
        row = con.execute("SELECT * FROM orders WHERE serial = ? ORDER BY year DESC LIMIT 1",
                          (int(number),)).fetchone()
    if row is None:
        raise PaichaError(f"台账中没有编号为“{number}”的指令书", code="no_order")
    return row


def items_of(con: sqlite3.Connection, order_id: int) -> list[sqlite3.Row]:
    return con.execute("SELECT oi.*, h.status AS hazard_status FROM order_items oi"
                       " LEFT JOIN hazards h ON h.id = oi.hazard_id WHERE oi.order_id = ? ORDER BY oi.seq",
                       (order_id,)).fetchall()


def all_orders(con: sqlite3.Connection, enterprise: str | None = None,
               last: int | None = None) -> list[sqlite3.Row]:
    """The orders with their item count and deadlines, for the register, oldest first: only
    `enterprise`'s when given, only the last `last` when given (read by SQL, not sliced)."""
    where, params = ("WHERE o.enterprise = ?", (enterprise,)) if enterprise is not None else ("", ())
    sql = ("SELECT o.*, COUNT(oi.id) AS n_items, MAX(oi.deadline) AS last_deadline,"
           " MIN(oi.deadline) AS first_deadline FROM orders o"
           f" LEFT JOIN order_items oi ON oi.order_id = o.id {where} GROUP BY o.id")
    if not last:
        return con.execute(sql + " ORDER BY o.year, o.code, o.serial", params).fetchall()
    rows = con.execute(sql + " ORDER BY o.year DESC, o.code DESC, o.serial DESC LIMIT ?",
                       params + (int(last),)).fetchall()
    return rows[::-1]


def count_orders(con: sqlite3.Connection, enterprise: str | None = None) -> int:
    if enterprise is None:
        return con.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
    return con.execute("SELECT COUNT(*) FROM orders WHERE enterprise = ?", (enterprise,)).fetchone()[0]


def void_order(con: sqlite3.Connection, number: str, actor: str, reason: str) -> sqlite3.Row:
    """作废: the order keeps its number, its hazards become free for a new order."""
    with transaction(con):
        order = get_order(con, number)
        if order["status"] == "void":
            raise PaichaError(f"指令书{order['number']}已作废", code="already_void")
        if con.execute("SELECT 1 FROM rechecks WHERE order_id = ?", (order["id"],)).fetchone():
            raise PaichaError(f"指令书{order['number']}已复查，不能作废", code="rechecked")
        stamp = now()
        con.execute("UPDATE orders SET status = 'void', void_reason = ?, voided_at = ? WHERE id = ?",
                    (reason, stamp, order["id"]))
        for item in items_of(con, order["id"]):
            if item["hazard_id"] is not None:
                add_event(con, item["hazard_id"], actor, "order_void", item["hazard_status"], item["hazard_status"],
                          f"{order['number']} 作废：{reason}", stamp)
    return get_order(con, order["number"])
