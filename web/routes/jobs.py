"""Background jobs: start a parse of uploaded files, watch its progress (htmx polls the status fragment)."""
from __future__ import annotations

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse

from schema.errors import PaichaError
from services import jobs
from web import files
from web.pages import ledger, render, settings

router = APIRouter(prefix="/jobs")


@router.post("/parse")
def submit_parse(request: Request, file_id: list[str] = Form(default=[])):
    """Parse stored files (by id) into the ledger in the background."""
    root = settings(request).uploads_dir
    chosen = [files.get(root, i) for i in dict.fromkeys(file_id)]
    if not chosen or None in chosen:
        raise PaichaError("所选文件不存在或已被清理，请重新上传", code="not_found")
    with ledger(request) as handle:
        job = jobs.submit_parse_job(handle, [(f.id, f.name, f.path(root)) for f in chosen])
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/{job_id}")
def job_page(request: Request, job_id: int):
    with ledger(request) as handle:
        job = jobs.job_status(handle, job_id)
    return render(request, "job.html", job=job)


@router.get("/{job_id}/status")
def job_fragment(request: Request, job_id: int):
    with ledger(request) as handle:
        job = jobs.job_status(handle, job_id)
    return render(request, "_job_status.html", job=job)
