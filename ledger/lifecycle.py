"""Hazard lifecycle 排查 → 整改 → 复查 → 销号, and the `cli.py hazard` subcommands.

Statuses (hazards.status): open 未整改 → rectified 已整改待复查 → rechecked 复查通过 → closed 已销号.
A failed 复查 sends a hazard back to open. Every change is a hazard_events row with time and actor.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ledger import orders as ledger_orders
from ledger.db import connect, transaction
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


def _status_cn(status: str) -> str:
    return HAZARD_STATUS.get(status, status)


def mark_rectified(con: sqlite3.Connection, ids: list[int], on: str, actor: str, note: str = "") -> int:
    """整改完成 reported for open hazards; returns how many changed."""
    with transaction(con):
        for hid in ids:
            h = _hazard(con, hid)
            if h["status"] != "open":
                raise PaichaError(f"隐患 {hid} 当前状态为“{_status_cn(h['status'])}”，不能再标记整改完成",
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
                raise PaichaError(f"隐患 {hid} 已{_status_cn(old)}，无需再复查", code="bad_status")
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
                raise PaichaError(f"隐患 {hid} 尚未复查通过，不能销号（当前状态：{_status_cn(h['status'])}）",
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


# --- the `cli.py hazard` subcommands ----------------------------------------------------------------

def add_arguments(parser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="操作")

    def cmd(name: str, help_text: str):
        s = sub.add_parser(name, help=help_text)
        s.add_argument("--db", required=True, help="台账数据库")
        return s

    s = cmd("rectified", "标记隐患整改完成")
    s.add_argument("ids", nargs="+", type=int, metavar="ID", help="隐患编号")
    s.add_argument("--date", help="整改完成日期（默认今天）")
    s.add_argument("--note", default="", help="整改情况说明")
    s.add_argument("--by", default="", help="操作人")

    s = cmd("recheck", "记录复查结果并生成整改复查意见书")
    s.add_argument("order", metavar="ORDER_NO", help="指令书编号（完整编号或序号）")
    s.add_argument("--date", help="复查日期（默认今天）")
    s.add_argument("--passed", nargs="*", type=int, default=[], metavar="ID", help="已整改的隐患编号")
    s.add_argument("--failed", nargs="*", type=int, default=[], metavar="ID", help="未整改的隐患编号")
    s.add_argument("--by", default="", help="操作人")
    s.add_argument("--config", help="执法机关配置文件（默认 templates/authority.yaml）")
    s.add_argument("-o", "--output", help="整改复查意见书 .docx")

    s = cmd("close", "销号（须复查通过）")
    s.add_argument("ids", nargs="+", type=int, metavar="ID")
    s.add_argument("--date", help="销号日期（默认今天）")
    s.add_argument("--by", default="")

    s = cmd("void", "作废指令书（编号保留）")
    s.add_argument("order", metavar="ORDER_NO")
    s.add_argument("--reason", required=True, help="作废原因")
    s.add_argument("--by", default="")

    s = cmd("basis", "为隐患指定依据（填“无”则指令书上留空手填）")
    s.add_argument("ids", nargs="+", type=int, metavar="ID")
    s.add_argument("--text", required=True)
    s.add_argument("--by", default="")

    s = cmd("list", "隐患清单：按状态、逾期未整改、挂牌督办")
    s.add_argument("--status", choices=list(HAZARD_STATUS))
    s.add_argument("--overdue", action="store_true", help="只列逾期未整改")
    s.add_argument("--supervised", action="store_true", help="只列挂牌督办（重大隐患）")
    s.add_argument("--today", help=argparse_suppress())

    s = cmd("history", "隐患的全部处理记录")
    s.add_argument("id", type=int, metavar="ID")


def argparse_suppress():
    import argparse
    return argparse.SUPPRESS


def _date_arg(raw: str | None, what: str) -> str:
    from generators.order import to_iso
    return to_iso(raw, what) if raw else date.today().isoformat()


def run_cli(args) -> int:
    con = connect(Path(args.db))
    try:
        return _run(con, args)
    finally:
        con.close()


def _run(con: sqlite3.Connection, args) -> int:
    action = args.action
    if action == "rectified":
        n = mark_rectified(con, args.ids, _date_arg(args.date, "--date"), args.by, args.note)
        print(f"已标记整改完成：{n}项（待复查）")
    elif action == "recheck":
        from generators.order import load_authority, render_recheck
        cfg = load_authority(Path(args.config) if args.config else None)
        on = _date_arg(args.date, "--date")
        res = record_recheck(con, args.order, on, args.passed, args.failed, args.by,
                             cfg["short_name"], cfg["codes"]["recheck"])
        for seq, hid, text, ok in res.items:
            print(f"  第{seq}项（隐患 {hid}）{'已整改' if ok else '未整改'}：{text}")
        print(f"已记录复查：{res.number}（{res.order_number}，{ledger_orders.ORDER_STATUS[res.order_status]}）")
        if args.output:
            order = get_order(con, res.order_number)
            out = render_recheck(Path(args.output), cfg, res.number, res.enterprise, res.order_number,
                                 order["issued"], [(s, t, ok) for s, _, t, ok in res.items], on)
            con.execute("UPDATE rechecks SET file = ? WHERE number = ?", (str(out), res.number))
            print(f"已生成整改复查意见书：{out}")
    elif action == "close":
        n = close_hazards(con, args.ids, args.by, _date_arg(args.date, "--date"))
        print(f"已销号：{n}项")
    elif action == "void":
        order = ledger_orders.void_order(con, args.order, args.by, args.reason)
        print(f"已作废：{order['number']}（编号保留不再使用，所列隐患可重新出具指令书）")
    elif action == "basis":
        n = set_basis(con, args.ids, args.text, args.by)
        print(f"已设置依据：{n}项")
    elif action == "list":
        rows = list_hazards(con, args.status, args.overdue, args.supervised, args.today)
        for h in rows:
            flags = ("【逾期】" if h["overdue"] else "") + ("【督办】" if h["supervised"] or h["level"] == "major" else "")
            print(f"{h['id']:>5}  {_status_cn(h['status'])}{flags}  期限{h['deadline'] or '—'}  "
                  f"{h['enterprise']}：{h['description']}" + (f"  [{h['order_number']}]" if h["order_number"] else ""))
        print(f"共{len(rows)}项")
    elif action == "history":
        for e in history(con, args.id):
            change = f"{_status_cn(e['from_status'] or '')}→{_status_cn(e['to_status'] or '')}" \
                if e["from_status"] != e["to_status"] else ""
            print(f"{e['at']}  {e['actor'] or '—'}  {e['action']}  {change}  {e['note'] or ''}")
    return 0
