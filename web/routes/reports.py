"""报表: a period's statistics workbook (its sheets shown as tables), the 催报 list and notice from an uploaded
roster (.csv / .xlsx), and the 通报 draft, each previewed — through services.reports. The district's page;
报送情况 (the roster's units × the last weeks, live) is also a 填报单位's, for its own row."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse

from ledger.periods import parse_period
from schema.errors import InputError, PaichaError
from services import reports, roster
from services.accounts import ADMIN, DISTRICT, UNIT, Principal
from web import outputs
from web.auth import require
from web.pages import flash, ledger, render, settings

router = APIRouter(prefix="/reports")
OFFICE = require(ADMIN, DISTRICT)
STATUS_MONTHS = 3

MAX_ROSTER_BYTES = 2 * 1024 * 1024
KINDS = ("通报", "总结")


@router.get("/status")
def submission_status(request: Request, period: str = "", me: Principal = require(ADMIN, DISTRICT, UNIT)):
    """报送情况: each roster unit (a 填报单位: its own) × the last months, or the one period asked for —
    已报 / 未报 / 逾期, read live; the last column's 未报 and 逾期 units are the 催报 list. htmx asks for the
    table alone (and again every minute)."""
    period = period.strip()[:40]
    periods = [period] if period else roster.recent_months(date.today(), STATUS_MONTHS)
    error = ""
    with ledger(request) as handle:
        try:
            table = roster.submission_status(handle, periods, scope=me)
        except PaichaError as e:
            error, table = e.message, roster.submission_status(handle, [], scope=me)
    name = "_submission_status.html" if request.headers.get("hx-request") else "reports_status.html"
    return render(request, name, status=400 if error else 200, title="报送情况", table=table,
                  labels=roster.STATUS_LABELS, office=me.role in (ADMIN, DISTRICT), period=period, error=error)


@router.get("", dependencies=[OFFICE])
def reports_page(request: Request):
    return render(request, "reports.html", title="报表", kinds=KINDS)


def _period_label(period: str) -> str:
    return parse_period(period or None).label


@router.post("/workbook", dependencies=[OFFICE])
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


@router.get("/workbook", dependencies=[OFFICE])
def workbook_page(request: Request, f: str = "", period: str = ""):
    found = outputs.stored(request, [f])
    if not found:
        flash(request, "找不到该统计表（可能已被清理），请重新生成。", "error")
        return RedirectResponse("/reports", status_code=303)
    tables = reports.workbook_tables(found[0].path(settings(request).uploads_dir))
    return render(request, "reports_workbook.html", title="统计表", file=found[0], tables=tables, period=period)


@router.post("/remind", dependencies=[OFFICE])
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


@router.post("/summary", dependencies=[OFFICE])
def summary(request: Request, period: str = Form(""), organ: str = Form(""), kind: str = Form("通报"),
            doc_number: str = Form("")):
    """The 通报 (or 总结) draft of the period as a 公文 .docx (with its 发文字号 when given)."""
    period = period.strip()
    try:
        label = _period_label(period)
        with ledger(request) as handle:
            doc = reports.summary_document(handle, outputs.work_dir(request) / "通报.docx", period or None,
                                           organ.strip() or None, kind,
                                           options={"doc_number": doc_number.strip()} if doc_number.strip() else None)
    except PaichaError as e:
        return render(request, "reports.html", status=400, title="报表", kinds=KINDS, error=e.message, period=period)
    for w in doc.warnings:
        flash(request, w, "info")
    if doc.length:
        flash(request, f"篇幅：{doc.length.text}", "info")
    stored = outputs.offer(request, doc.out, f"{kind}（{label}）.docx")
    return RedirectResponse("/reports/done?" + urlencode({"f": stored.id}), status_code=303)


@router.get("/done", dependencies=[OFFICE])
def done(request: Request):
    stored = outputs.stored(request, request.query_params.getlist("f"))
    return render(request, "orders_done.html", title="报表文书", files=stored, prefix="/reports")


@router.get("/preview/{file_id}", dependencies=[OFFICE])
def preview(request: Request, file_id: str, pages: int = 3):
    return outputs.preview_fragment(request, file_id, "/reports", pages)


@router.get("/preview/{file_id}/{page}", dependencies=[OFFICE])
def preview_page(request: Request, file_id: str, page: int):
    return outputs.preview_response(request, file_id, page)
