"""工作台首页: the ledger at a glance, recent jobs, and the way in to uploading returns."""
from __future__ import annotations

from fastapi import APIRouter, Request

from services import hazards, jobs, review
from web.pages import ledger, render

router = APIRouter()


@router.get("/")
def home(request: Request):
    with ledger(request) as handle:
        tiles = counts(handle)
        recent = jobs.list_jobs(handle, limit=10)
    return render(request, "home.html", tiles=tiles, jobs=recent)


def counts(handle) -> list[dict]:
    """The ledger's counts that a service offers (a tile appears once its service exists)."""
    tiles = [{"label": "未销号隐患", "count": len(hazards.list_hazards(handle).hazards), "href": "/ledger"},
             {"label": "待确认重报", "count": len(review.suspects(handle).records), "href": "/review"}]
    if hasattr(review, "flagged_fields"):          # being written (ledger/corrections.py)
        tiles.append({"label": "待核对字段", "count": _size(review.flagged_fields(handle)), "href": "/review"})
    return tiles


def _size(result) -> int:
    """How many items a service returned: a list, or a result object holding one list."""
    if hasattr(result, "__len__"):
        return len(result)
    return len(next(v for v in vars(result).values() if isinstance(v, list)))
