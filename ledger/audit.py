"""The audit log: who changed what, when and from where (table audit_log, migration 019).

audit(con, actor, action, obj, before, after) is called inside the transaction of the change it records,
so a change and its row are committed together or not at all. Rows are only ever added.
An action is a short English code; ACTION_LABELS gives the Chinese shown to users (an unknown code is
shown as it is, so other modules may log their own actions and add their labels here).
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

ACTION_LABELS = {
    "user_add": "新建账户",
    "user_disable": "停用账户",
    "user_enable": "启用账户",
    "password_reset": "重置密码",
    "login": "登录",
    "login_failed": "登录失败",
    "login_locked": "登录锁定",
    "logout": "退出登录",
    "hazard_rectified": "整改完成",
    "hazard_evidence": "整改佐证",
    "hazard_recheck": "复查",
    "hazard_closed": "销号",
    "hazard_basis": "设置依据",
    "order_void": "作废指令书",
    "roster_add": "名册增加单位",
    "roster_remove": "名册删除单位",
    "upload": "上传回执",
    "field_corrected": "更正字段",
    "field_accepted": "确认字段",
    "resubmission_accepted": "采用重报",
    "resubmission_rejected": "退回重报",
    "draft_saved": "保存公文草稿",
    "draft_deleted": "删除公文草稿",
    "orders_issued": "出具指令书",
    "settings_changed": "修改执法机关设置",
    "document_issued": "出具文书",
}

COLUMNS = ("id", "at", "actor", "action", "object_type", "object_id", "before_json", "after_json", "ip")


def audit(con: Any, actor: str, action: str, obj: tuple[str, Any], before: dict | None, after: dict | None,
          ip: str = "", at: datetime | None = None) -> int:
    """Record one change; `obj` is (object type, object id). Must run inside the change's transaction."""
    if not con.in_transaction:
        raise RuntimeError("audit() must run inside the transaction of the change it records")
    kind, key = obj
    stamp = (at or datetime.now()).isoformat(timespec="seconds")
    cur = con.execute(
        "INSERT INTO audit_log (at, actor, action, object_type, object_id, before_json, after_json, ip)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (stamp, actor, action, kind, "" if key is None else str(key), _json(before), _json(after), ip or ""))
    return cur.lastrowid


def entries(con: Any, actor: str | None = None, action: str | None = None, object_type: str | None = None,
            object_id: str | None = None, since: str | None = None, until: str | None = None,
            limit: int | None = None) -> list[dict]:
    """Rows newest first, each filter exact except since/until (ISO date or time, inclusive)."""
    where, params = [], []
    for column, value in (("actor", actor), ("action", action), ("object_type", object_type),
                          ("object_id", object_id)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if since:
        where.append("at >= ?")
        params.append(since)
    if until:
        where.append("at <= ?")
        params.append(until if "T" in until else until + "T99")      # a date covers its whole day
    sql = f"SELECT {', '.join(COLUMNS)} FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC"
    if limit:
        sql += " LIMIT ?"
        params.append(int(limit))
    rows = []
    for r in con.execute(sql, params).fetchall():
        row = dict(zip(COLUMNS, r))
        row["before"] = _load(row.pop("before_json"))
        row["after"] = _load(row.pop("after_json"))
        rows.append(row)
    return rows


def actions(con: Any) -> list[str]:
    """The action codes present in the log (for a filter's choices)."""
    return [r[0] for r in con.execute("SELECT DISTINCT action FROM audit_log ORDER BY action")]


def _json(value: dict | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _load(text: str | None) -> dict | None:
    return None if text is None else json.loads(text)
