"""Whether the server can work: the ledger answers and, on PostgreSQL, the job queue is there (/healthz)."""
from __future__ import annotations

from ledger.backend import DatabaseError, is_server, open_connection
from schema.errors import PaichaError


def check(target: str) -> dict:
    """{"ok", "ledger": {...}, "queue": {...}}; ok is false when the ledger or the queue cannot be used.
    The queue reports its waiting and running jobs and its live workers (none: jobs wait, said in "message")."""
    report: dict = {"ok": True, "ledger": {"ok": True, "backend": "postgresql" if is_server(target) else "sqlite"}}
    try:
        con = open_connection(target)
        try:
            con.execute("SELECT 1").fetchone()
        finally:
            con.close()
    except (*DatabaseError, PaichaError, OSError) as e:
        report["ok"] = False
        report["ledger"].update(ok=False, message=f"台账无法连接：{_reason(e)}")
    if not is_server(target):
        report["queue"] = {"ok": True, "backend": "local"}
        return report
    from services import queue
    try:
        counts = queue.health(target)
    except PaichaError as e:
        report["ok"] = False
        report["queue"] = {"ok": False, "message": e.message}
        return report
    except DatabaseError as e:
        report["ok"] = False
        report["queue"] = {"ok": False, "message": f"任务队列无法连接：{_reason(e)}"}
        return report
    report["queue"] = {"ok": True, "backend": "procrastinate", **counts}
    if not counts["workers"]:
        report["queue"]["message"] = "没有在线的解析进程：提交的解析任务将等待（请启动 cli.py worker）"
    return report


def _reason(e: BaseException) -> str:
    return getattr(e, "message", None) or type(e).__name__
