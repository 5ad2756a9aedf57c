"""Background jobs: start a parse of uploaded files, watch its progress (htmx polls the status fragment).
A job is seen by whom may see its unit (services.jobs scope); the files parsed must be the user's own."""
from __future__ import annotations

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse

from schema.errors import PaichaError
from services import jobs
from services.accounts import Principal
from web import files
from web.auth import require
from web.pages import ledger, render, settings

router = APIRouter(prefix="/jobs")
NOT_UPLOADED = "所选文件不存在或已被清理，请重新上传"


def chosen_files(request: Request, ids: list[str], me: Principal) -> list[tuple]:
    """(id, name, path) of the user's own uploaded files among `ids`; not_found when one is not (a stale
    id, or another unit's file: the same answer)."""
    root = settings(request).uploads_dir
    chosen = [files.owned(root, i, me) for i in dict.fromkeys(ids)]
    if not chosen or None in chosen:
        raise PaichaError(NOT_UPLOADED, code="not_found")
    return [(f.id, f.name, f.path(root)) for f in chosen]


@router.post("/parse")
def submit_parse(request: Request, file_id: list[str] = Form(default=[]), me: Principal = require()):
    """Parse stored files (by id) into the ledger in the background."""
    chosen = chosen_files(request, file_id, me)
    with ledger(request) as handle:
        job = jobs.submit_parse_job(handle, chosen, scope=me)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/{job_id}")
def job_page(request: Request, job_id: int, me: Principal = require()):
    with ledger(request) as handle:
        job = jobs.job_status(handle, job_id, scope=me)
    return render(request, "job.html", job=job)


@router.get("/{job_id}/status")
def job_fragment(request: Request, job_id: int, me: Principal = require()):
    with ledger(request) as handle:
        job = jobs.job_status(handle, job_id, scope=me)
    return render(request, "_job_status.html", job=job)
