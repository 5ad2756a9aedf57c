"""Uploading files into the data folder and downloading stored files by id (the frame's, for every page)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse

from web.downloads import download_response
from web.pages import render, settings
from web.uploads import receive_uploads

router = APIRouter(prefix="/files")


@router.post("/upload")
async def upload(request: Request):
    """Store the uploaded files; answer with what was kept and what was refused (HTML, or JSON if asked)."""
    batch = await receive_uploads(request, settings(request))
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"stored": [{"id": f.id, "name": f.name, "kind": f.kind, "size": f.size, "note": f.note}
                                        for f in batch.stored],
                             "refused": [{"name": r.name, "message": r.message} for r in batch.refused]})
    return render(request, "uploaded.html", batch=batch)


@router.get("/{file_id}")
def download(request: Request, file_id: str):
    response = download_response(settings(request), file_id)
    if response is None:
        raise HTTPException(404, "找不到该文件（可能已被清理）。")
    return response
