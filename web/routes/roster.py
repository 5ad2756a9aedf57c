"""名册 (administrators): the 填报单位 and enterprises accounts attach to and the 报送情况 table lists;
added and removed through services.roster (audit-logged)."""
from __future__ import annotations

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse

from schema.errors import PaichaError
from services import roster
from services.accounts import ADMIN, Principal
from web.auth import client_ip, require
from web.pages import flash, ledger, render

router = APIRouter(prefix="/admin/roster", dependencies=[require(ADMIN)])


@router.get("")
def roster_page(request: Request):
    with ledger(request) as handle:
        entries = roster.list_roster(handle)
    return render(request, "admin_roster.html", title="名册", entries=entries, kinds=roster.KINDS)


@router.post("/add")
def add(request: Request, name: str = Form(""), kind: str = Form("unit"), contact: str = Form(""),
        phone: str = Form(""), me: Principal = require(ADMIN)):
    try:
        with ledger(request) as handle:
            entry = roster.add_entry(handle, name, kind, contact, phone, me.actor, client_ip(request))
        flash(request, f"已加入名册：{entry['name']}（{roster.KINDS[entry['kind']]}）", "ok")
    except PaichaError as e:
        flash(request, e.message, "error")
    return RedirectResponse("/admin/roster", status_code=303)


@router.post("/remove")
def remove(request: Request, name: str = Form(""), me: Principal = require(ADMIN)):
    try:
        with ledger(request) as handle:
            roster.remove_entry(handle, name, me.actor, client_ip(request))
        flash(request, f"已从名册删除：{name}", "ok")
    except PaichaError as e:
        flash(request, e.message, "error")
    return RedirectResponse("/admin/roster", status_code=303)
