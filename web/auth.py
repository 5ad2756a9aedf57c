"""Login, logout and the gate in front of every page.

Until the ledger holds an administrator, the workbench is the local single-user mode: no login, the
server on loopback only (web/security.check_host) and served to loopback clients only; every request
carries services.accounts.LOCAL. Once an administrator exists, LoginGate asks every request but the
login page and the static files for a live session: an anonymous page request is sent to /login (an
htmx request gets HX-Redirect), and request.state.principal carries the user (a Principal).

The session token lives in the signed cookie under SESSION_KEY; the ledger keeps its hash, so logging
out ends it on the server too. Logging in clears the whole cookie session and starts a new token
(no session fixation: a cookie from before the login is worth nothing after it).

Pages restrict themselves with `require(role, ...)` (see web/routes/__init__.py).
"""
from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ledger.backend import exists
from services import accounts
from services.accounts import LOCAL, Principal
from services.ledgers import open_ledger, shared_ledger
from web.pages import error_page, flash, ledger, render
from web.security import is_loopback
from web.settings import Settings

SESSION_KEY = "sid"
LOGIN = "/login"
PUBLIC = {LOGIN}                  # besides /static/: reachable without a session
NO_ADMIN = ("工作台尚未建立管理员账户，只能在运行它的电脑上（127.0.0.1）使用。"
            "请在服务器上运行 cli.py user add 账户名 --role 管理员 --password-stdin 建立管理员账户。")
FORBIDDEN = "您的账户无权使用此页面。"
_SAFE_NEXT = re.compile(r"/(?![/\\])[^\x00-\x20\x7f]*")

router = APIRouter()


def principal(request: Request) -> Principal | None:
    """The user behind this request (LOCAL in the local single-user mode; None: not logged in)."""
    return getattr(request.state, "principal", None)


def require(*roles: str):
    """A dependency letting through the given roles (codes of services.accounts; none given: any user),
    else 403. `def page(request, me: Principal = require(ADMIN))` or `dependencies=[require(...)]`."""
    def check(request: Request) -> Principal:
        me = principal(request)
        if me is None:
            raise HTTPException(401, "请先登录。")
        if roles and me.role not in roles:
            raise HTTPException(403, FORBIDDEN)
        return me
    return Depends(check)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def accounts_on(settings: Settings) -> bool:
    """Whether the ledger holds an administrator (a ledger not there yet holds none and is not created)."""
    if not exists(settings.ledger):
        return False
    with open_ledger(settings.ledger) as handle:
        return accounts.has_admin(handle)


class LoginGate:
    """Sets scope state `principal` for every request, or answers it: to /login (anonymous), 403 (a
    non-loopback request while there is no administrator). Runs inside the session middleware."""

    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.settings = settings
        self.on = False           # accounts seen: stays on (an administrator cannot be removed, only disabled)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            return await self.app(scope, receive, send)
        who, answer = await run_in_threadpool(self.decide, scope)
        if answer is not None:
            return await answer(scope, receive, send)
        scope.setdefault("state", {})["principal"] = who
        await self.app(scope, receive, send)

    def decide(self, scope: Scope) -> tuple[Principal | None, ASGIApp | None]:
        session = scope["session"]
        if not self.on and exists(self.settings.ledger):
            with shared_ledger(self.settings.ledger) as handle:
                self.on = accounts.has_admin(handle)
        if not self.on:
            client = scope["client"][0] if scope.get("client") else ""
            if is_loopback(self.settings.host) and is_loopback(client):
                return LOCAL, None
            return None, error_page(403, NO_ADMIN)
        who = None
        if session.get(SESSION_KEY):
            with shared_ledger(self.settings.ledger) as handle:
                who = accounts.session_principal(handle, session[SESSION_KEY])
            if who is None:
                session.pop(SESSION_KEY, None)
        if who is not None or scope["path"] in PUBLIC:
            return who, None
        return None, _to_login(scope)


def _to_login(scope: Scope) -> Response:
    """Anonymous: the login page, coming back here afterwards (a GET page only)."""
    target = LOGIN
    if scope["method"] == "GET":
        here = scope["path"] + ("?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else "")
        if here != "/":
            target += "?next=" + quote(here, safe="/")
    headers = {k.decode("latin-1").lower(): v for k, v in scope["headers"]}
    if headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def safe_next(value: str | None) -> str:
    """A page of this site to go to after the login ('/' for anything else: no open redirect)."""
    return value if value and _SAFE_NEXT.fullmatch(value) else "/"


@router.get(LOGIN)
def login_page(request: Request, next: str = "/"):
    me = principal(request)
    if me is not None and me.user:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", next=safe_next(next), local=me == LOCAL, typed="", error="")


@router.post(LOGIN)
def login(request: Request, name: str = Form(""), password: str = Form(""), next: str = Form("/")):
    if principal(request) == LOCAL:
        return render(request, "login.html", next="/", local=True, typed="", error="")
    try:
        with ledger(request) as handle:
            me = accounts.authenticate(handle, name, password, client_ip(request))
            token = accounts.start_session(handle, me, client_ip(request))
    except accounts.LoginRefused as refused:
        return render(request, "login.html", status=401, next=safe_next(next), local=False, typed=name[:64],
                      error=refused.message)
    request.session.clear()                      # a new session: nothing from before the login survives
    request.session[SESSION_KEY] = token
    return RedirectResponse(safe_next(next), status_code=303)


@router.get("/logout")
def logout_page(request: Request):
    me = principal(request)
    if me is None or not me.user:
        return RedirectResponse("/", status_code=303)
    return render(request, "logout.html", me=me)


@router.post("/logout")
def logout(request: Request):
    with ledger(request) as handle:
        accounts.end_session(handle, request.session.get(SESSION_KEY), client_ip(request))
    request.session.clear()
    flash(request, "已退出登录。", "ok")
    return RedirectResponse(LOGIN, status_code=303)
