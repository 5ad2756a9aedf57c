"""回执: drop returned forms (files, folders, zips), parse them as one background batch, watch its progress,
see each file's outcome and download the batch's 汇总 workbook and JSONL; the list of past batches."""
from __future__ import annotations

from fastapi import APIRouter, Form, Request
from starlette.responses import FileResponse, RedirectResponse

from schema.errors import PaichaError
from services import jobs, returns
from web import datefmt, files
from web.downloads import content_disposition
from web.pages import env, flash, ledger, render, settings
from web.uploads import receive_uploads

router = APIRouter(prefix="/returns")
datefmt.install(env)
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "jsonl": "application/x-ndjson"}


@router.get("")
def returns_page(request: Request):
    with ledger(request) as handle:
        batches = jobs.list_jobs(handle)
    s = settings(request)
    return render(request, "returns.html", batches=batches, limits={
        "files": s.max_files, "request_bytes": s.max_request_bytes, "file_bytes": s.max_file_bytes})


@router.post("/upload")
async def upload_and_start(request: Request):
    """The page without script: one upload request, parsed as one batch."""
    batch = await receive_uploads(request, settings(request))
    for r in batch.refused:
        flash(request, r.message, "error")
    if not batch.stored:
        flash(request, "没有可解析的文件，请重新选择。", "error")
        return RedirectResponse("/returns", status_code=303)
    return _start(request, [(f.id, f.name, f.path(settings(request).uploads_dir)) for f in batch.stored])


@router.post("/start")
def start(request: Request, file_id: list[str] = Form(default=[])):
    """Parse files already uploaded (by id, from the drop zone's uploads) as one batch."""
    root = settings(request).uploads_dir
    chosen = [files.get(root, i) for i in dict.fromkeys(file_id)]
    if not chosen or None in chosen:
        raise PaichaError("所选文件不存在或已被清理，请重新上传", code="not_found")
    return _start(request, [(f.id, f.name, f.path(root)) for f in chosen])


def _start(request: Request, chosen: list) -> RedirectResponse:
    with ledger(request) as handle:
        job = jobs.submit_parse_job(handle, chosen, {"out_dir": str(settings(request).data_dir / "batches")})
    return RedirectResponse(f"/returns/{job.id}", status_code=303)


@router.get("/{job_id}")
def batch_page(request: Request, job_id: int):
    with ledger(request) as handle:
        job = jobs.job_status(handle, job_id)
    return render(request, "returns_batch.html", job=job)


@router.get("/{job_id}/status")
def batch_status(request: Request, job_id: int):
    with ledger(request) as handle:
        job = jobs.job_status(handle, job_id)
    return render(request, "_returns_status.html", job=job)


@router.get("/{job_id}/download/{kind}")
def download(request: Request, job_id: int, kind: str):
    with ledger(request) as handle:
        path, name = returns.batch_output(handle, job_id, kind)
    return FileResponse(path, media_type=MEDIA[kind], headers={"Content-Disposition": content_disposition(name)})
