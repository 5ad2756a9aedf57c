"""公文: write a 红头文件 in the browser (live preview, check, downloads, drafts kept in the ledger), one-click
排版 of a Word/WPS draft, and the check report of any .docx placed on its pages."""
from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, RedirectResponse, Response

from schema.dates import date_text
from schema.errors import DraftError, PaichaError
from services import drafts, gongwen
from services.accounts import ADMIN, DISTRICT
from web import files
from web.auth import principal, require
from web.downloads import content_disposition
from web.pages import flash, ledger, render, settings
from web.uploads import receive_uploads

# the district office's 公文 (drafts are the office's, not a unit's)
router = APIRouter(prefix="/gongwen", dependencies=[require(ADMIN, DISTRICT)])

MAX_DRAFT_BYTES = 1024 * 1024
WORD_KINDS = {"docx", "doc", "rtf"}           # what 一键排版 reads (a .wps is sniffed as doc)
NOT_FOUND = "找不到该文件或预览（可能已被清理）。"


def _cache(request: Request) -> Path:
    return settings(request).data_dir / "previews"


def _uploads(request: Request) -> Path:
    return settings(request).uploads_dir


# --- the editor --------------------------------------------------------------------------------

@router.get("")
def editor(request: Request, draft: int | None = None):
    """The editor: empty, or holding the saved draft `draft`."""
    saved = None
    with ledger(request) as handle:
        if draft is not None:
            saved = drafts.load_draft(handle, draft)
        listed = _listed(handle)
    form = saved.form if saved else drafts.DraftForm()
    return _editor(request, form, listed, draft_id=saved.id if saved else None)


def _listed(handle) -> list[dict]:
    """The saved drafts, each with its last saving time as people write it (2023年3月2日 14:05)."""
    rows = drafts.list_drafts(handle).drafts
    for d in rows:
        d["updated_label"] = f"{date_text(d['updated_at'])} {d['updated_at'][11:16]}"
    return rows


def _editor(request: Request, form: drafts.DraftForm, listed: list[dict], draft_id: int | None = None,
            notes: list[str] = (), status: int = 200):
    return render(request, "gongwen.html", status=status, title="公文", form=form, drafts=listed, draft_id=draft_id,
                  elements=drafts.ELEMENTS, specs=drafts.attachment_forms(), notes=notes,
                  attachments=[_attachment_row(request, a) for a in form.attachments])


def _attachment_row(request: Request, item: dict) -> dict:
    """An attachment as the form shows it: its file by stored id, never by path."""
    row = {"name": item.get("名称", ""), "form": item.get("表", ""), "file": "", "file_name": ""}
    if item.get("文件"):
        stored = files.get(_uploads(request), Path(item["文件"]).stem)
        if stored is not None:
            row["file"], row["file_name"] = stored.id, stored.name
    return row


async def _read_form(request: Request) -> tuple[drafts.DraftForm, int | None]:
    """The editor's fields as a DraftForm (attachment files by stored id → their path), and its draft id."""
    data = await request.form()
    values = {key: str(data.get(key) or "") for key, _ in drafts.ELEMENTS}
    names, forms, ids = (data.getlist(k) for k in ("att_name", "att_form", "att_file"))
    attachments = []
    for name, form_type, file_id in zip(names, forms, ids):
        item = {"名称": str(name), "表": str(form_type)}
        if file_id:
            stored = files.get(_uploads(request), str(file_id))
            if stored is None or stored.suffix != ".docx":
                raise PaichaError("所选附件文件不存在或已被清理，请重新上传", code="not_found")
            item = {"名称": str(name), "文件": str(stored.path(_uploads(request)))}
        attachments.append(item)
    draft_id = str(data.get("draft_id") or "")
    form = drafts.make_form(values, str(data.get("body") or ""), data.get("sealed") == "1", attachments)
    return form, int(draft_id) if draft_id.isdigit() else None


@router.post("/preview")
async def preview(request: Request):
    """The preview fragment: the cleaning, the pages as images, the check findings, the downloads."""
    form, _ = await _read_form(request)
    cleaned = drafts.clean_body(form.body)
    problems, shown, report = [], None, None
    try:
        shown = await run_in_threadpool(gongwen.preview_notice, drafts.draft_text(form), _cache(request), form.title)
        report = await run_in_threadpool(_placed_report, shown)
    except DraftError as e:
        problems = e.problems
    return render(request, "gongwen_preview.html", cleaned=cleaned, problems=problems, preview=shown, report=report,
                  empty=not form.elements and not form.body.strip())


@router.post("/save")
async def save(request: Request):
    form, draft_id = await _read_form(request)
    with ledger(request) as handle:
        saved = drafts.save_draft(handle, form, draft_id, actor=principal(request).actor)
    flash(request, f"草稿“{saved.title}”已保存", "ok")
    return RedirectResponse(f"/gongwen?draft={saved.id}", status_code=303)


@router.post("/drafts/{draft_id}/delete")
def delete(request: Request, draft_id: int):
    with ledger(request) as handle:
        title = drafts.load_draft(handle, draft_id).title
        drafts.delete_draft(handle, draft_id, actor=principal(request).actor)
    flash(request, f"草稿“{title}”已删除", "ok")
    return RedirectResponse("/gongwen", status_code=303)


@router.get("/drafts/{draft_id}/export")
def export(request: Request, draft_id: int):
    """The saved draft as the draft file `cli.py notice` reads."""
    with ledger(request) as handle:
        exported = drafts.export_draft(handle, draft_id)
    return Response(exported.text.encode("utf-8"), media_type="text/markdown; charset=utf-8",
                    headers={"Content-Disposition": content_disposition(exported.name)})


@router.post("/import")
async def import_file(request: Request):
    """A draft file (as exported, or written for `cli.py notice`) fills the editor; nothing is saved."""
    data = await request.form(max_files=1, max_fields=4, max_part_size=MAX_DRAFT_BYTES)
    upload = data.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise PaichaError("请选择要导入的草稿文件（.md 或 .txt）", code="empty")
    raw = await upload.read(MAX_DRAFT_BYTES + 1)
    if len(raw) > MAX_DRAFT_BYTES:
        raise PaichaError("草稿文件超过 1 MB，无法导入", code="too_big")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PaichaError("草稿不是 UTF-8 编码（可能是 GBK），请用记事本“另存为”UTF-8 后重试", code="encoding") from None
    try:
        imported = drafts.import_draft(text)
    except DraftError as e:
        raise PaichaError("无法导入：" + "；".join(e.problems), code="draft") from None
    with ledger(request) as handle:
        listed = _listed(handle)
    return _editor(request, imported.form, listed, notes=[f"已导入 {files.display_name(upload.filename)}"] + imported.notes)


@router.get("/attachment-row")
def attachment_row(request: Request, form: str = ""):
    """An attachment row: a blank form from the specs, or a name whose text follows 附件N in the body."""
    known = dict(drafts.attachment_forms())
    if form and form not in known:
        raise HTTPException(404, "没有这种表单")
    row = {"name": known.get(form, ""), "form": form, "file": "", "file_name": ""}
    return render(request, "gongwen_attachment.html", a=row, specs=drafts.attachment_forms())


@router.post("/attachment")
async def attachment_upload(request: Request):
    """An uploaded .docx to append as an attachment: answered with its row."""
    stored = _one_upload(await receive_uploads(request, settings(request)), {"docx"}, "附件须为 Word 文档（.docx）")
    row = {"name": Path(stored.name).stem, "form": "", "file": stored.id, "file_name": stored.name}
    return render(request, "gongwen_attachment.html", a=row, specs=drafts.attachment_forms())


def _one_upload(batch, kinds: set[str], wrong: str) -> files.StoredFile:
    """The one file of an upload, of one of `kinds`; else 400 with the reason."""
    if batch.refused:
        raise PaichaError(f"{batch.refused[0].name}：{batch.refused[0].message}", code="upload")
    if len(batch.stored) != 1:
        raise PaichaError("请选择一个文件", code="empty")
    if batch.stored[0].kind not in kinds:
        raise PaichaError(f"{batch.stored[0].name}：{wrong}", code="upload")
    return batch.stored[0]


# --- previews ---------------------------------------------------------------------------------

def _preview(request: Request, key: str) -> gongwen.Preview:
    found = gongwen.cached_preview(_cache(request), key)
    if found is None:
        raise HTTPException(404, NOT_FOUND)
    return found


@router.get("/preview/{key}/page/{n}")
def page_image(request: Request, key: str, n: int):
    path = _preview(request, key).page(n)
    if path is None:
        raise HTTPException(404, NOT_FOUND)
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


@router.get("/preview/{key}/{kind}")
def preview_file(request: Request, key: str, kind: str):
    """The previewed document as .docx or PDF, named after its title."""
    shown = _preview(request, key)
    if kind not in ("docx", "pdf"):
        raise HTTPException(404, NOT_FOUND)
    path = shown.docx if kind == "docx" else shown.pdf
    media = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document" if kind == "docx"
             else "application/pdf")
    return FileResponse(path, media_type=media, headers={"Content-Disposition": content_disposition(f"{shown.name}.{kind}")})


_REPORTS: OrderedDict[str, gongwen.PlacedReport] = OrderedDict()
_REPORTS_KEPT = 256
_reports_lock = threading.Lock()


def _placed_report(shown: gongwen.Preview) -> gongwen.PlacedReport:
    """The check findings of a preview, checked once per preview in this process: a preview's files, named
    by the hash of what made them, never change, and the live preview asks again on every pause in typing."""
    with _reports_lock:
        if shown.key in _REPORTS:
            _REPORTS.move_to_end(shown.key)
            return _REPORTS[shown.key]
    report = gongwen.placed_report(shown)
    with _reports_lock:
        _REPORTS[shown.key] = report
        while len(_REPORTS) > _REPORTS_KEPT:
            _REPORTS.popitem(last=False)
    return report


# --- one-click 排版 and checking an uploaded .docx ---------------------------------------------------

@router.post("/format")
async def format_upload(request: Request):
    """A Word/WPS draft laid out as a 公文; its page shows the preview, the check and the download."""
    root = _uploads(request)
    source = _one_upload(await receive_uploads(request, settings(request)), WORD_KINDS,
                         "一键排版只接受 Word/WPS 文档（.docx、.doc、.wps）")
    work = files.partial_dir(root) / f"{files.new_id()}.docx"
    try:
        await run_in_threadpool(gongwen.format_document, source.path(root), work)
        result = files.add_file(root, work, f"{Path(source.name).stem}（排版）.docx", kind="docx")
    finally:
        work.unlink(missing_ok=True)
    return RedirectResponse(f"/gongwen/doc/{result.id}", status_code=303)


@router.post("/check")
async def check_upload(request: Request):
    stored = _one_upload(await receive_uploads(request, settings(request)), {"docx"},
                         "只能检查 .docx 文件（.doc/.wps 请先用“一键排版”或另存为 .docx）")
    return RedirectResponse(f"/gongwen/doc/{stored.id}", status_code=303)


def _docx(request: Request, file_id: str) -> files.StoredFile:
    stored = files.get(_uploads(request), file_id)
    if stored is None or stored.suffix != ".docx":
        raise HTTPException(404, NOT_FOUND)
    return stored


@router.get("/doc/{file_id}")
def document(request: Request, file_id: str):
    """A .docx's page: downloads at once, its preview and check report loaded after."""
    return render(request, "gongwen_doc.html", title="公文检查", doc=_docx(request, file_id))


@router.get("/doc/{file_id}/report")
def document_report(request: Request, file_id: str):
    stored = _docx(request, file_id)
    shown = gongwen.preview_document(stored.path(_uploads(request)), _cache(request), Path(stored.name).stem)
    return render(request, "gongwen_report.html", preview=shown, report=_placed_report(shown))
