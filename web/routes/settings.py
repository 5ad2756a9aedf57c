"""执法机关设置 (administrators): the organ's names, document codes and default 整改期限 of
templates/authority.yaml, edited through services.authority (checked, audit-logged)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse

from generators.documents import DEFAULT_CONFIG
from schema.errors import PaichaError
from services import authority
from services.accounts import ADMIN, Principal
from web.auth import client_ip, require
from web.pages import flash, ledger, render

router = APIRouter(prefix="/admin/settings", dependencies=[require(ADMIN)])
CONFIG = DEFAULT_CONFIG                 # the file edited (tests point it at a copy)


@router.get("")
def settings_page(request: Request):
    return render(request, "admin_settings.html", title="执法机关设置", fields=authority.FIELDS,
                  values=authority.current(CONFIG))


@router.post("")
async def save(request: Request, me: Principal = require(ADMIN)):
    form = await request.form(max_files=0, max_fields=len(authority.FIELDS) + 2)
    values = {key: str(form.get(key) or "") for key in authority.FIELDS if key in form}
    try:
        with ledger(request) as handle:
            saved = authority.save(handle, values, me.actor, client_ip(request), CONFIG)
    except PaichaError as e:
        return render(request, "admin_settings.html", status=400, title="执法机关设置", fields=authority.FIELDS,
                      values={**authority.current(CONFIG), **values}, error=e.message)
    labels = "、".join(authority.FIELDS[k] for k in saved.changed)
    flash(request, f"已保存：{labels}" if labels else "没有修改。", "ok")
    return RedirectResponse("/admin/settings", status_code=303)
