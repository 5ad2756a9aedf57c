"""What every page uses: templates (autoescaped), the ledger, flash messages, Chinese error pages."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from services.ledgers import Ledger, shared_ledger
from web.routes import nav_items
from web.security import csrf_token
from web.settings import Settings

TEMPLATES = Path(__file__).parent / "templates"
ERROR_TITLES = {400: "请求有误", 403: "操作被拒绝", 404: "找不到页面", 405: "不支持的操作", 413: "上传内容过大",
                500: "服务器内部错误"}


def _context(request: Request) -> dict:
    me = getattr(request.state, "principal", None)       # set by web/auth.py's gate; None: not logged in
    return {"csrf_token": csrf_token(request), "flashes": request.session.pop("flashes", []), "nav": _bar(me),
            "principal": me}


def _bar(me) -> list[dict]:
    """The user's top bar: none before the login, the whole bar in the local mode (no accounts)."""
    return [] if me is None else nav_items(me.role if me.user else None)


env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True, default_for_string=True))
templates = Jinja2Templates(env=env, context_processors=[_context])


def render(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


def settings(request: Request) -> Settings:
    return request.app.state.settings


@contextmanager
def ledger(request: Request) -> Iterator[Ledger]:
    """The ledger for this request, on a connection of the calling thread kept open between requests
    (services.ledgers.shared_ledger: opened and migrated once, not per request)."""
    with shared_ledger(settings(request).ledger) as handle:
        yield handle


def flash(request: Request, message: str, kind: str = "info") -> None:
    """A message shown once, on the next page rendered (kind: info, ok, error)."""
    request.session.setdefault("flashes", []).append({"kind": kind, "message": message})


def error_page(status: int, message: str, request: Request | None = None) -> HTMLResponse:
    """A Chinese error page; usable before the session exists (no token, no flashes). Given the request of
    a known user, the page has that user's top bar."""
    title = ERROR_TITLES.get(status, "出错了")
    me = getattr(request.state, "principal", None) if request is not None else None
    html = env.get_template("error.html").render(title=title, message=message, status=status,
                                                  nav=_bar(me) if me else nav_items(), principal=me, flashes=[],
                                                  csrf_token=csrf_token(request) if me else "")
    return HTMLResponse(html, status_code=status)
