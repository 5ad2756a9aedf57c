"""回执: drop returned forms (files, folders, zips), parse them as one background batch, watch its progress,
see each file's outcome and download the batch's 汇总 workbook and JSONL; the list of past batches."""
from __future__ import annotations

from fastapi import APIRouter, Form, Request
from starlette.responses import FileResponse, RedirectResponse

from services import jobs, returns
from services.accounts import Principal
from web import datefmt
from web.auth import require
from web.downloads import content_disposition
from web.pages import env, flash, ledger, render, settings
from web.routes.jobs import chosen_files
from web.uploads import receive_uploads

# every role: a 填报单位's or 企业's batches are attributed to its unit and seen only by it (and the district)
router = APIRouter(prefix="/returns")
datefmt.install(env)
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "jsonl": "application/x-ndjson"}


@router.get("")
def returns_page(request: Request, me: Principal = require()):
    with ledger(request) as handle:
        batches = jobs.list_jobs(handle, scope=me)
    s = settings(request)
    return render(request, "returns.html", batches=batches, limits={
        "files": s.max_files, "request_bytes": s.max_request_bytes, "file_bytes": s.max_file_bytes})


@router.post("/upload")
async def upload_and_start(request: Request, me: Principal = require()):
    """The page without script: one upload request, parsed as one batch."""
    batch = await receive_uploads(request, settings(request))
    for r in batch.refused:
        flash(request, r.message, "error")
    if not batch.stored:
        flash(request, "没有可解析的文件，请重新选择。", "error")
        return RedirectResponse("/returns", status_code=303)
    return _start(request, [(f.id, f.name, f.path(settings(request).uploads_dir)) for f in batch.stored], me)


@router.post("/start")
def start(request: Request, file_id: list[str] = Form(default=[]), me: Principal = require()):
    """Parse files already uploaded (by id, from the drop zone's uploads) as one batch."""
    return _start(request, chosen_files(request, file_id, me), me)


def _start(request: Request, chosen: list, me: Principal) -> RedirectResponse:
    with ledger(request) as handle:
        job = jobs.submit_parse_job(handle, chosen, {"out_dir": str(settings(request).data_dir / "batches")},
                                    scope=me)
    return RedirectResponse(f"/returns/{job.id}", status_code=303)


@router.get("/{job_id}")
def batch_page(request: Request, job_id: int, me: Principal = require()):
    with ledger(request) as handle:
        job = jobs.job_status(handle, job_id, scope=me)
    return render(request, "returns_batch.html", job=job)


@router.get("/{job_id}/status")
def batch_status(request: Request, job_id: int, me: Principal = require()):
    with ledger(request) as handle:
        job = jobs.job_status(handle, job_id, scope=me)
    return render(request, "_returns_status.html", job=job)


@router.get("/{job_id}/download/{kind}")
def download(request: Request, job_id: int, kind: str, me: Principal = require()):
    with ledger(request) as handle:
        path, name = returns.batch_output(handle, job_id, kind, scope=me)
    return FileResponse(path, media_type=MEDIA[kind], headers={"Content-Disposition": content_disposition(name)})
