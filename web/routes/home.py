"""工作台首页: the ledger at a glance (counted in SQL by services.hazards.ledger_counts, nothing listed), the
latest batches of returns, and the way in to uploading returns. Counts and batches are the user's scope's."""
from __future__ import annotations

from fastapi import APIRouter, Request

from services import hazards, jobs
from services.accounts import Principal
from web import datefmt
from web.auth import require
from web.pages import env, ledger, render

router = APIRouter()
datefmt.install(env)
RECENT_BATCHES = 5


@router.get("/")
def home(request: Request, me: Principal = require()):
    with ledger(request) as handle:
        tiles = counts(handle, me)
        recent = jobs.list_jobs(handle, limit=RECENT_BATCHES, scope=me)
    return render(request, "home.html", tiles=tiles, jobs=recent)


def counts(handle, me: Principal | None = None) -> list[dict]:
    """The tiles: hazards not yet 销号, overdue ones, flagged fields and suspect resubmissions waiting."""
    n = hazards.ledger_counts(handle, scope=me)
    return [{"label": "未销号隐患", "count": n["unclosed"], "href": "/ledger"},
            {"label": "逾期未整改", "count": n["overdue"], "href": "/ledger?overdue=1"},
            {"label": "待核对字段", "count": n["flagged"], "href": "/review"},
            {"label": "待确认重报", "count": n["suspects"], "href": "/review"}]
