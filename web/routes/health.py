"""/healthz: the server's health as JSON (200 or 503), for the reverse proxy and monitors; no login."""
from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from services import health
from web import auth
from web.pages import settings

PATH = "/healthz"
auth.PUBLIC.add(PATH)                  # reachable without a session, like the login page

router = APIRouter()


@router.get(PATH)
def healthz(request: Request) -> JSONResponse:
    report = health.check(settings(request).ledger)
    return JSONResponse(report, status_code=200 if report["ok"] else 503,
                        headers={"Cache-Control": "no-store"})
