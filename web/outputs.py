"""Generated documents for the 台账 / 指令书 / 报表 pages: a fresh work folder per action, the results offered
in the file store (downloaded by id), and first-page previews as PNG (services.orders.preview_pages)."""
from __future__ import annotations

import uuid
from functools import lru_cache
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse

from schema.dates import date_text
from schema.errors import PaichaError
from services import orders
from web import files
from web.pages import env, render, settings

MAX_PREVIEW_PAGES = 5
NOT_FOUND = "找不到该文件或预览（可能已被清理）。"


def work_dir(request: Request) -> Path:
    """An empty folder of its own for one action's output (the services write there)."""
    path = settings(request).data_dir / "out" / uuid.uuid4().hex
    path.mkdir(parents=True)
    return path


def offer(request: Request, path: Path | None, name: str | None = None) -> files.StoredFile | None:
    """A generated file put into the store, to be downloaded at /files/<id> (None for no file)."""
    if path is None:
        return None
    return files.add_file(settings(request).uploads_dir, Path(path), name or Path(path).name,
                          owner=getattr(request.state, "principal", None))


def stored(request: Request, ids: list[str]) -> list[files.StoredFile]:
    """The stored files among `ids` (unknown or malformed ids are left out)."""
    root, me = settings(request).uploads_dir, getattr(request.state, "principal", None)
    return [f for f in (files.owned(root, i, me) for i in dict.fromkeys(ids)) if f is not None]


def preview_response(request: Request, file_id: str, page: int) -> FileResponse:
    """Page `page` of a stored document as PNG (converted once, cached by content); 404 when absent."""
    meta = files.owned(settings(request).uploads_dir, file_id, getattr(request.state, "principal", None))
    if meta is None or meta.suffix not in (".docx", ".xlsx", ".pdf") or not 1 <= page <= MAX_PREVIEW_PAGES:
        raise HTTPException(404, NOT_FOUND)
    pngs = orders.preview_pages(meta.path(settings(request).uploads_dir),
                                settings(request).data_dir / "previews" / "pages", page)
    if len(pngs) < page:
        raise HTTPException(404, NOT_FOUND)
    return FileResponse(pngs[page - 1], media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


def preview_fragment(request: Request, file_id: str, prefix: str, pages: int = 1):
    """The first `pages` pages of a stored document as images (the slow conversion happens here, in the
    fragment htmx loads after the page, so the page itself shows at once)."""
    meta = files.owned(settings(request).uploads_dir, file_id, getattr(request.state, "principal", None))
    if meta is None or meta.suffix not in (".docx", ".xlsx", ".pdf"):
        raise HTTPException(404, NOT_FOUND)
    try:
        count = len(orders.preview_pages(meta.path(settings(request).uploads_dir),
                                         settings(request).data_dir / "previews" / "pages",
                                         min(pages, MAX_PREVIEW_PAGES)))
        error = ""
    except PaichaError as e:
        count, error = 0, f"预览生成失败：{e.message}"
    return render(request, "_preview.html", file=meta, prefix=prefix, pages=range(1, count + 1), error=error)


@lru_cache(maxsize=4096)                # a page of hundreds of deadlines has a few dozen distinct dates
def cn_date(value: str | None) -> str:
    """An ISO date or time as people write it: 2023年3月2日, 2023年3月2日 14:05, 2023年3月; else as given."""
    text = str(value or "")
    try:
        if len(text) >= 10 and text[4] == "-" and text[7] == "-":
            return date_text(text) + (f" {text[11:16]}" if len(text) >= 16 and text[10] in "T " else "")
        if len(text) == 7 and text[4] == "-":
            return f"{int(text[:4])}年{int(text[5:])}月"
    except ValueError:
        pass
    return text


env.filters["cn_date"] = cn_date
