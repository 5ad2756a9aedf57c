"""Hazard lifecycle 排查 → 整改 → 复查 → 销号: the ledger operations (services/hazards.py uses them).

Statuses (hazards.status): open 未整改 → rectified 已整改待复查 → rechecked 复查通过 → closed 已销号.
A failed 复查 sends a hazard back to open. Every change is a hazard_events row with time and actor.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ledger import orders as ledger_orders
from ledger.db import transaction
from ledger.orders import HAZARD_STATUS, add_event, get_order, items_of, now
from schema.errors import PaichaError


@dataclass
class RecheckResult:
    number: str                 # 整改复查意见书 number
    order_number: str
    enterprise: str
    order_status: str
    items: list[tuple[int, int, str, bool]]   # (seq, hazard id, problem, passed) for every item of the order
    file: Path | None = None


def _hazard(con: sqlite3.Connection, hid: int) -> sqlite3.Row:
    row = con.execute("SELECT * FROM hazards WHERE id = ?", (hid,)).fetchone()
    if row is None:
        raise PaichaError(f"台账中没有编号为 {hid} 的隐患", code="no_hazard")
    return row


def status_cn(status: str) -> str:
    return HAZARD_STATUS.get(status, status)


def mark_rectified(con: sqlite3.Connection, ids: list[int], on: str, actor: str, note: str = "") -> int:
    """整改完成 reported for open hazards; returns how many changed."""
    with transaction(con):
        for hid in ids:
            h = _hazard(con, hid)
            if h["status"] != "open":
                raise PaichaError(f"隐患 {hid} 当前状态为“{status_cn(h['status'])}”，不能再标记整改完成",
                                  code="bad_status")
            con.execute("UPDATE hazards SET status = 'rectified', rectified_at = ? WHERE id = ?", (on, hid))
            add_event(con, hid, actor, "rectified", "open", "rectified", f"{on} 整改完成" + (f"：{note}" if note else ""))
    return len(ids)


def record_recheck(con: sqlite3.Connection, order_number: str, on: str, passed: list[int], failed: list[int],
                   actor: str, short_name: str, code: str) -> RecheckResult:
    """Record a 复查 of an order item by item; numbers the 整改复查意见书 (code 应急复查)."""
    with transaction(con):
        order = get_order(con, order_number)
        if order["status"] == "void":
            raise PaichaError(f"指令书{order['number']}已作废，不能复查", code="void")
        if on < order["issued"]:
            raise PaichaError(f"复查日期{on}早于指令书出具日期{order['issued']}", code="bad_date")
        items = items_of(con, order["id"])
        by_hazard = {it["hazard_id"]: it for it in items}
        both = set(passed) & set(failed)
        if both:
            raise PaichaError(f"隐患 {'、'.join(map(str, sorted(both)))} 同时列为复查通过和未通过", code="bad_args")
        alien = [h for h in list(passed) + list(failed) if h not in by_hazard]
        if alien:
            raise PaichaError(f"隐患 {'、'.join(map(str, alien))} 不在指令书{order['number']}中", code="bad_args")
        pending = [it for it in items if it["hazard_status"] not in ("rechecked", "closed")]
        missing = [it for it in pending if it["hazard_id"] not in set(passed) | set(failed)]
        if missing:
            listed = "、".join(f"第{it['seq']}项（隐患 {it['hazard_id']}）" for it in missing)
            raise PaichaError(f"指令书{order['number']}的{listed}未给出复查结果（--passed 或 --failed）",
                              code="bad_args")
        serial = ledger_orders.allocate(con, order["authority"], code, int(on[:4]))[0]
        number = ledger_orders.format_number(short_name, code, int(on[:4]), serial)
        stamp = now()
        rid = con.execute("INSERT INTO rechecks (order_id, number, year, serial, recheck_date, actor, created_at)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?)",
                          (order["id"], number, int(on[:4]), serial, on, actor, stamp)).lastrowid
        for hid, ok in [(h, True) for h in passed] + [(h, False) for h in failed]:
            it = by_hazard[hid]
            old = it["hazard_status"]
            if old in ("rechecked", "closed"):
                raise PaichaError(f"隐患 {hid} 已{status_cn(old)}，无需再复查", code="bad_status")
            new = "rechecked" if ok else "open"
            con.execute("INSERT INTO recheck_items (recheck_id, order_item_id, passed) VALUES (?, ?, ?)",
                        (rid, it["id"], int(ok)))
            con.execute("UPDATE hazards SET status = ? WHERE id = ?", (new, hid))
            add_event(con, hid, actor, "recheck_passed" if ok else "recheck_failed", old, new,
                      f"{number}（{order['number']} 第{it['seq']}项）{'已整改' if ok else '未整改'}", stamp)
        items = items_of(con, order["id"])
        all_ok = all(it["hazard_status"] in ("rechecked", "closed") for it in items)
        status = "rechecked" if all_ok else "recheck_failed"
        con.execute("UPDATE orders SET status = ? WHERE id = ?", (status, order["id"]))
    return RecheckResult(number, order["number"], order["enterprise"], status,
                         [(it["seq"], it["hazard_id"], it["description"],
                           it["hazard_status"] in ("rechecked", "closed")) for it in items])


def close_hazards(con: sqlite3.Connection, ids: list[int], actor: str, on: str | None = None) -> int:
    """销号: only hazards whose 复查 passed."""
    on = on or date.today().isoformat()
    with transaction(con):
        for hid in ids:
            h = _hazard(con, hid)
            if h["status"] != "rechecked":
                raise PaichaError(f"隐患 {hid} 尚未复查通过，不能销号（当前状态：{status_cn(h['status'])}）",
                                  code="not_rechecked")
            con.execute("UPDATE hazards SET status = 'closed', closed_at = ? WHERE id = ?", (on, hid))
            add_event(con, hid, actor, "closed", "rechecked", "closed", f"{on} 销号")
        # an order whose items are all closed is closed too
        con.execute("UPDATE orders SET status = 'closed' WHERE status = 'rechecked' AND NOT EXISTS ("
                    " SELECT 1 FROM order_items oi JOIN hazards h ON h.id = oi.hazard_id"
                    " WHERE oi.order_id = orders.id AND h.status != 'closed')")
    return len(ids)


def set_basis(con: sqlite3.Connection, ids: list[int], text: str, actor: str) -> int:
    """The inspector's own 依据 for hazards ("无" = leave blank to fill by hand)."""
    with transaction(con):
        for hid in ids:
            h = _hazard(con, hid)
            con.execute("UPDATE hazards SET legal_basis = ? WHERE id = ?", (text, hid))
            add_event(con, hid, actor, "basis", h["status"], h["status"], f"依据：{text or '（手填）'}")
    return len(ids)


def list_hazards(con: sqlite3.Connection, status: str | None = None, overdue: bool = False,
                 supervised: bool = False, today: str | None = None) -> list[dict]:
    """Hazards with their live order; overdue = deadline passed and not rectified; supervised = 挂牌督办/major."""
    today = today or date.today().isoformat()
    sql = ["SELECT h.*, (SELECT o.number FROM order_items oi JOIN orders o ON o.id = oi.order_id",
           " WHERE oi.hazard_id = h.id AND o.status != 'void' ORDER BY o.id DESC LIMIT 1) AS order_number",
           "FROM hazards h WHERE h.active = 1"]
    args: list = []
    if status:
        sql.append("AND h.status = ?")
        args.append(status)
    if overdue:
        sql.append("AND h.status = 'open' AND h.deadline IS NOT NULL AND h.deadline != '' AND h.deadline < ?")
        args.append(today)
    if supervised:
        sql.append("AND (h.supervised = 1 OR h.level = 'major')")
    sql.append("ORDER BY h.deadline IS NULL, h.deadline, h.id")
    out = []
    for r in con.execute("\n".join(sql), args):
        d = dict(r)
        d["overdue"] = bool(d["status"] == "open" and d["deadline"] and d["deadline"] < today)
        out.append(d)
    return out


def history(con: sqlite3.Connection, hid: int) -> list[dict]:
    _hazard(con, hid)
    return [dict(r) for r in con.execute("SELECT * FROM hazard_events WHERE hazard_id = ? ORDER BY id", (hid,))]


def set_recheck_file(con: sqlite3.Connection, number: str, path: Path) -> None:
    """Record where a 整改复查意见书 was written."""
    con.execute("UPDATE rechecks SET file = ? WHERE number = ?", (str(path), number))
