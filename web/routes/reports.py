"""报表: a period's statistics workbook (its sheets shown as tables), the 催报 list and notice from an uploaded
roster (.csv / .xlsx), and the 通报 draft, each previewed — through services.reports."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse

from ledger.periods import parse_period
from schema.errors import InputError, PaichaError
from services import reports
from web import outputs
from web.pages import flash, ledger, render, settings

router = APIRouter(prefix="/reports")

MAX_ROSTER_BYTES = 2 * 1024 * 1024
KINDS = ("通报", "总结")


@router.get("")
def reports_page(request: Request):
    return render(request, "reports.html", title="报表", kinds=KINDS)


def _period_label(period: str) -> str:
    return parse_period(period or None).label


@router.post("/workbook")
def workbook(request: Request, period: str = Form("")):
    """The statistics workbook of the period, offered for download and shown sheet by sheet."""
    period = period.strip()
    try:
        label = _period_label(period)
        with ledger(request) as handle:
            written = reports.statistics_workbook(handle, outputs.work_dir(request) / "统计表.xlsx", period or None)
    except PaichaError as e:
        return render(request, "reports.html", status=400, title="报表", kinds=KINDS, error=e.message, period=period)
    stored = outputs.offer(request, written.out, f"统计表（{label}）.xlsx")
    return RedirectResponse("/reports/workbook?" + urlencode({"f": stored.id, "period": period}), status_code=303)


@router.get("/workbook")
def workbook_page(request: Request, f: str = "", period: str = ""):
    found = outputs.stored(request, [f])
    if not found:
        flash(request, "找不到该统计表（可能已被清理），请重新生成。", "error")
        return RedirectResponse("/reports", status_code=303)
    tables = reports.workbook_tables(found[0].path(settings(request).uploads_dir))
    return render(request, "reports_workbook.html", title="统计表", file=found[0], tables=tables, period=period)


@router.post("/remind")
async def remind(request: Request):
    """催报: the roster's units with no return in the period, and the notice naming them."""
    form = await request.form(max_files=1, max_fields=10)
    period = str(form.get("period") or "").strip()
    try:
        work = outputs.work_dir(request)
        roster = await _roster(form.get("roster"), work)
        with ledger(request) as handle:
            result = reports.remind(handle, roster, period or None, out=work / "催报通知.docx")
    except PaichaError as e:
        return render(request, "reports.html", status=400, title="报表", kinds=KINDS, error=e.message, period=period)
    notice = outputs.offer(request, result.out, f"催报通知（{result.period.label}）.docx")
    return render(request, "reports_remind.html", title="催报", result=result, notice=notice, period=period)


async def _roster(upload, work: Path) -> Path:
    """The uploaded roster saved under a fixed name in `work`: .xlsx by its content, else text read as .csv."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InputError("请选择名册文件（.csv 或 .xlsx，须有“单位名称”列）", code="no_roster")
    data = await upload.read(MAX_ROSTER_BYTES + 1)
    if not data:
        raise InputError("名册文件为空", code="empty")
    if len(data) > MAX_ROSTER_BYTES:
        raise InputError("名册文件超过 2 MB，请检查是否选错了文件", code="too_big")
    if data.startswith(b"PK\x03\x04"):
        suffix = ".xlsx"
    elif _is_text(data):
        suffix = ".csv"
    else:
        raise InputError("名册应为 .csv 或 .xlsx 文件", code="bad_suffix")
    path = work / f"名册{suffix}"
    path.write_bytes(data)
    return path


def _is_text(data: bytes) -> bool:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return "\x00" not in data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return False


@router.post("/summary")
def summary(request: Request, period: str = Form(""), organ: str = Form(""), kind: str = Form("通报")):
    """The 通报 (or 总结) draft of the period as a 公文 .docx."""
    period = period.strip()
    try:
        label = _period_label(period)
        with ledger(request) as handle:
            doc = reports.summary_document(handle, outputs.work_dir(request) / "通报.docx", period or None,
                                           organ.strip() or None, kind)
    except PaichaError as e:
        return render(request, "reports.html", status=400, title="报表", kinds=KINDS, error=e.message, period=period)
    for w in doc.warnings:
        flash(request, w, "info")
    stored = outputs.offer(request, doc.out, f"{kind}（{label}）.docx")
    return RedirectResponse("/reports/done?" + urlencode({"f": stored.id}), status_code=303)


@router.get("/done")
def done(request: Request):
    stored = outputs.stored(request, request.query_params.getlist("f"))
    return render(request, "orders_done.html", title="报表文书", files=stored, prefix="/reports")


@router.get("/preview/{file_id}")
def preview(request: Request, file_id: str, pages: int = 3):
    return outputs.preview_fragment(request, file_id, "/reports", pages)


@router.get("/preview/{file_id}/{page}")
def preview_page(request: Request, file_id: str, page: int):
    return outputs.preview_response(request, file_id, page)
