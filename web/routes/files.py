"""Uploading files into the data folder and downloading stored files by id (the frame's, for every page).

Any logged-in user may upload; a download is handed only to whom may have the file (web.files.visible),
or to whom may see the hazard an evidence photo belongs to; anyone else gets the same 404 as for a file
that is not there."""
from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse

from services import hazards
from services.accounts import Principal
from web import files
from web.auth import require
from web.downloads import download_response
from web.pages import ledger, render, settings
from web.uploads import receive_uploads

router = APIRouter(prefix="/files")
MISSING = "找不到该文件（可能已被清理）。"


@router.post("/upload")
async def upload(request: Request, me: Principal = require()):
    """Store the uploaded files; answer with what was kept and what was refused (HTML, or JSON if asked)."""
    batch = await receive_uploads(request, settings(request))
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"stored": [{"id": f.id, "name": f.name, "kind": f.kind, "size": f.size, "note": f.note}
                                        for f in batch.stored],
                             "refused": [{"name": r.name, "message": r.message} for r in batch.refused]})
    return render(request, "uploaded.html", batch=batch)


@router.get("/{file_id}")
def download(request: Request, file_id: str, me: Principal = require()):
    response = download_response(settings(request), file_id, me)
    if response is None and files.get(settings(request).uploads_dir, file_id) is not None:
        with ledger(request) as handle:
            if hazards.evidence_hazard(handle, file_id, me) is not None:
                response = download_response(settings(request), file_id, anyone=True)
    if response is None:
        raise HTTPException(404, MISSING)
    return response
