"""create_app(settings): the workbench application with its safety layers and its pages.

Layers, outermost first: security headers → trusted Host header (no DNS rebinding) → signed session
cookie → login gate (web/auth.py: once an administrator exists, every page asks for a login) → CSRF check
→ the pages of web/routes/ and the login pages. The job runner (services/jobs.py) starts with the
server and stops with it; with several server processes (`cli.py serve --workers`), the parent process
runs it once and each worker is worker_app().
"""
from __future__ import annotations

import os
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.staticfiles import StaticFiles

from schema.errors import PaichaError
from services.jobs import Runner
from web import auth, files, routes
from web.pages import error_page
from web.security import CSRFProtect, SecurityHeaders, allowed_hosts, check_host
from web.settings import Settings
from web.uploads import UploadRejected

STATIC = Path(__file__).parent / "static"
SESSION_COOKIE = "paicha_session"
JOB_NICENESS = 10                 # the job runner's CPU priority: this much nicer than the pages'
CSRF_REFUSED = "页面已过期或请求来源不明（缺少安全令牌），操作未执行。请返回刷新页面后重试。"


def create_app(settings: Settings | None = None, run_jobs: bool = True, worker: bool = False) -> FastAPI:
    """The application; `run_jobs`: start the background job runner with the server. `worker`: one of
    several server processes (worker_app), whose parent runs the jobs and clears cut-off uploads."""
    settings = settings or Settings.load()
    check_host(settings.host, auth.accounts_on(settings), settings.allowed_hosts)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    run_jobs = run_jobs and not worker

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if not worker:              # a worker starting late must not remove another one's upload in progress
            files.remove_partials(settings.uploads_dir)
        runner = Runner(settings.ledger) if run_jobs else None
        if runner:
            runner.start()
            in_background(runner.pids)
        app.state.runner = runner
        try:
            yield
        finally:
            if runner:
                runner.stop()

    app = FastAPI(title="排查工作台", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.runner = None
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    routes.include_all(app)
    app.include_router(auth.router)

    async def forbidden(scope, receive, send):
        await error_page(403, CSRF_REFUSED)(scope, receive, send)

    app.add_middleware(CSRFProtect, forbidden=forbidden)
    app.add_middleware(auth.LoginGate, settings=settings)
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key(), session_cookie=SESSION_COOKIE,
                       same_site="strict", https_only=False)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(settings.host, settings.allowed_hosts))
    app.add_middleware(SecurityHeaders)

    @app.exception_handler(UploadRejected)
    async def upload_rejected(request: Request, exc: UploadRejected):
        return error_page(exc.status, exc.message, request)

    @app.exception_handler(PaichaError)
    async def paicha_error(request: Request, exc: PaichaError):
        return error_page(404 if exc.code == "not_found" else 400, exc.message, request)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        message = exc.detail if isinstance(exc.detail, str) and not exc.detail.isascii() else ""
        return error_page(exc.status_code, message or _default_message(exc.status_code), request)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        return error_page(400, "请求内容不完整或格式有误")

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception):
        return error_page(500, "服务器内部错误，操作未完成。详情已记入服务器日志。")

    return app


def in_background(pids: list[int]) -> None:
    """Lower the CPU priority of the job runner's processes (and of what they start: LibreOffice, OCR): a
    1,000-file parse uses whatever the pages leave, and the pages do not wait behind it."""
    try:
        niceness = min(19, os.getpriority(os.PRIO_PROCESS, 0) + JOB_NICENESS)
        for pid in pids:
            os.setpriority(os.PRIO_PROCESS, pid, niceness)
    except (AttributeError, OSError):            # not POSIX, or the process is gone
        pass
    try:                                         # Linux: CPU only when no page wants it (nice 10 still took a tenth)
        for pid in pids:
            os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        pass


def worker_app() -> FastAPI:
    """The application in one of the processes of `cli.py serve --workers N` (uvicorn's factory): settings
    from the environment the parent set (Settings.environ); no job runner, which the parent runs once."""
    return create_app(worker=True)


def _default_message(status: int) -> str:
    return {404: "您要找的页面或文件不存在。", 405: "该地址不支持这种操作。"}.get(status, "请求未能完成。")
