"""账户 and 审计日志, for administrators: accounts listed, added, disabled or enabled, passwords reset; the
audit log filtered and exported. services/accounts.py writes every change to the audit log."""
from __future__ import annotations

import re
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, RedirectResponse

from services import accounts
from services.accounts import ADMIN, MIN_PASSWORD, ROLES, UNIT, AccountError, AuditFilter, Principal, User
from services.ledgers import Ledger
from web.auth import LOGIN, client_ip, require
from web.downloads import content_disposition
from web.pages import flash, ledger, render

router = APIRouter(prefix="/admin", dependencies=[require(ADMIN)])
AUDIT_PAGE = 500                       # rows shown; the export has them all
EXPORTS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv"}
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@router.get("/users")
def users(request: Request):
    with ledger(request) as handle:
        rows = accounts.list_users(handle)
        units = accounts.known_units(handle)
        has_admin = accounts.has_admin(handle)
    return render(request, "admin_users.html", users=rows, roles=ROLES, units=units, has_admin=has_admin,
                  default_role=UNIT if has_admin else ADMIN, min_password=MIN_PASSWORD)


@router.post("/users/add")
def add(request: Request, name: str = Form(""), role: str = Form(""), unit: str = Form(""),
        password: str = Form(""), me: Principal = require(ADMIN)):
    return _change(request, lambda h: accounts.add_user(h, name, role, unit, password, me.actor, client_ip(request)),
                   lambda u: f"已建立账户：{u.name}（{u.role_label}{'，' + u.unit if u.unit else ''}）")


@router.post("/users/disable")
def disable(request: Request, name: str = Form(""), me: Principal = require(ADMIN)):
    return _change(request, lambda h: accounts.disable_user(h, name, me.actor, client_ip(request)),
                   lambda u: f"已停用账户：{u.name}，其已登录的会话已失效")


@router.post("/users/enable")
def enable(request: Request, name: str = Form(""), me: Principal = require(ADMIN)):
    return _change(request, lambda h: accounts.enable_user(h, name, me.actor, client_ip(request)),
                   lambda u: f"已启用账户：{u.name}")


@router.post("/users/reset")
def reset(request: Request, name: str = Form(""), password: str = Form(""), me: Principal = require(ADMIN)):
    return _change(request, lambda h: accounts.reset_password(h, name, password, me.actor, client_ip(request)),
                   lambda u: f"已重置 {u.name} 的密码，其已登录的会话已失效")


def _change(request: Request, change: Callable[[Ledger], User], done: Callable[[User], str]):
    """Run one account change; its outcome (or the refusal) is flashed on the users page."""
    with ledger(request) as handle:
        had_admin = accounts.has_admin(handle)
        try:
            user = change(handle)
        except AccountError as refused:
            flash(request, refused.message, "error")
            return RedirectResponse("/admin/users", status_code=303)
        first_admin = not had_admin and accounts.has_admin(handle)
    flash(request, done(user), "ok")
    if first_admin:                    # the local mode ends here: from now on every page asks for a login
        flash(request, "已建立第一个管理员账户，从现在起每个页面都需要登录。", "info")
        return RedirectResponse(LOGIN, status_code=303)
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/audit")
def audit(request: Request, actor: str = "", action: str = "", object_id: str = "", since: str = "",
          until: str = ""):
    f = _filters(actor, action, object_id, since, until)
    with ledger(request) as handle:
        found = accounts.audit_entries(handle, f)
    query = urlencode({k: v for k, v in vars(f).items() if v and k != "limit"})
    return render(request, "admin_audit.html", entries=found.entries, actions=found.actions, f=f, query=query,
                  limit=AUDIT_PAGE, shown=accounts.shown)


@router.get("/audit/export")
def export(request: Request, format: str = "xlsx", actor: str = "", action: str = "", object_id: str = "",
           since: str = "", until: str = ""):
    if format not in EXPORTS:
        raise HTTPException(400, "导出格式只能是 xlsx 或 csv。")
    folder = Path(tempfile.mkdtemp(prefix="paicha-audit-"))
    out = folder / f"audit.{format}"
    try:
        with ledger(request) as handle:
            accounts.export_audit(handle, out, _filters(actor, action, object_id, since, until))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    name = f"审计日志（{date.today().isoformat()}）.{format}"
    return FileResponse(out, media_type=EXPORTS[format], headers={"Content-Disposition": content_disposition(name)},
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))


def _filters(actor: str, action: str, object_id: str, since: str, until: str) -> AuditFilter:
    """The page's filters; a date that is not YYYY-MM-DD is ignored."""
    return AuditFilter(actor=actor.strip()[:64], action=action.strip()[:64], object_id=object_id.strip()[:200],
                       since=since if _DAY.fullmatch(since) else "", until=until if _DAY.fullmatch(until) else "",
                       limit=AUDIT_PAGE)
