"""One module per page; each defines `router` (a fastapi.APIRouter with its own prefix).

A page author adds web/routes/<page>.py; create_app() includes every module found here, and the
top bar links the pages of NAV whose module exists and which the user's role sees (ROLE_NAV).

Who is asking: web/auth.py's gate puts the user on `request.state.principal` (web.auth.principal(request)),
a services.accounts.Principal; in the local single-user mode (no administrator yet) it is accounts.LOCAL,
which sees everything. A page states who may use it and hands the principal to its services as `scope`:

    from services.accounts import DISTRICT, UNIT
    from web.auth import require

    @router.get("")
    def page(request: Request, me: Principal = require(DISTRICT, UNIT)):     # others get 403
        with ledger(request) as handle:
            rows = service(handle, ..., scope=me)          # the service filters with scope.where(...)

`require()` with no role lets any logged-in user through; `router = APIRouter(prefix=..., dependencies=[require(ADMIN)])`
guards a whole page module. A page that shows one object (a record, a hazard, a file by id) checks it with
me.can_see_unit(unit) / me.can_see_enterprise(name, unit) and answers 404 when it may not be seen.
"""
from __future__ import annotations

import importlib
import pkgutil

from fastapi import FastAPI

# (module, label, address), in top-bar order
NAV = [
    ("gongwen", "公文", "/gongwen"),
    ("returns", "回执", "/returns"),
    ("review", "核对", "/review"),
    ("ledger", "台账", "/ledger"),
    ("orders", "指令书", "/orders"),
    ("reports", "报表", "/reports"),
]
# the NAV modules each role sees in the top bar (None: all); the pages themselves check with require()
ROLE_NAV = {
    "admin": None,
    "district": None,
    "unit": {"returns", "review", "ledger"},
    "enterprise": {"returns", "ledger", "orders"},        # returns: its own 自查表
}
# administrators' pages, after NAV
ADMIN_NAV = [("admin", "账户", "/admin/users"), ("roster", "名册", "/admin/roster"),
             ("settings", "机关设置", "/admin/settings"), ("admin", "审计日志", "/admin/audit")]


def modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def include_all(app: FastAPI) -> None:
    for name in modules():
        app.include_router(importlib.import_module(f"{__name__}.{name}").router)


def nav_items(role: str | None = None) -> list[dict]:
    """The top bar of a role (None: every page of NAV, as in the local mode without accounts)."""
    present = set(modules())
    shown = ROLE_NAV.get(role, set()) if role else None
    entries = [e for e in NAV if shown is None or e[0] in shown] + (ADMIN_NAV if role == "admin" else [])
    return [{"label": label, "href": href, "ready": module in present} for module, label, href in entries]
