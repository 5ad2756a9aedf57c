"""台账: enterprises and hazards (filtered and paged by the services), a hazard's history, and its actions
整改完成 → 复查 (with the 整改复查意见书 download) → 销号, and 作废 of its order — the services of `cli.py hazard`.

Every user sees the hazards of their scope only (a 填报单位 its unit's, an 企业 its own: services.hazards);
an 企业 reports a rectification with its evidence (text and photos), which the office sees here before the
复查; the office's actions are the 汇总单位's and the 填报单位's (on their own unit's hazards)."""
from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse

from schema.errors import PaichaError
from services import hazards
from services.accounts import ADMIN, DISTRICT, ENTERPRISE, UNIT, Principal
from web import outputs
from web.auth import require
from web.outputs import cn_date  # noqa: F401  (registers the date filter)
from web.pages import flash, ledger, render, settings
from web.uploads import receive_uploads

router = APIRouter(prefix="/ledger")
OFFICE = (ADMIN, DISTRICT, UNIT)          # who handles hazards (rectified, 复查, 销号, 作废)
MAX_PHOTOS = 9

PER_PAGE = 50
ACTOR = "工作台"
FILTERS = ("view", "town", "industry", "status", "overdue", "supervised", "period")


@router.get("")
def ledger_page(request: Request, view: str = "hazards", town: str = "", industry: str = "", status: str = "",
                overdue: str = "", supervised: str = "", period: str = "", page: int = 1,
                me: Principal = require()):
    """The hazard list (or the enterprise list) with its filters; a bad filter is said on the page."""
    chosen = {"view": view if view == "enterprises" else "hazards", "town": town, "industry": industry,
              "status": status if status in hazards.STATUS_LABELS else "", "overdue": overdue, "supervised": supervised,
              "period": period.strip()}
    error, listing = "", None
    with ledger(request) as handle:
        choices = hazards.hazard_filters(handle, scope=me)
        try:
            if chosen["view"] == "enterprises":
                listing = hazards.list_enterprises(handle, town or None, industry or None, page, PER_PAGE, scope=me)
            else:
                listing = hazards.list_hazards(handle, chosen["status"] or None, bool(overdue), bool(supervised),
                                               town=town or None, industry=industry or None,
                                               period=chosen["period"] or None, page=page, per_page=PER_PAGE,
                                               scope=me)
        except PaichaError as e:
            error = e.message
    query = {k: v for k, v in chosen.items() if v and not (k == "view" and v == "hazards")}
    return render(request, "ledger.html", status=400 if error else 200, title="台账", chosen=chosen, choices=choices,
                  listing=listing, error=error, statuses=hazards.STATUS_LABELS,
                  page_url=lambda n: "/ledger?" + urlencode({**query, "page": n}),
                  view_url=lambda v: "/ledger?" + urlencode({**{k: q for k, q in query.items() if k != "view"},
                                                           **({"view": v} if v != "hazards" else {})}))


@router.get("/hazards/{hazard_id}")
def hazard_page(request: Request, hazard_id: int, doc: str = "", me: Principal = require()):
    """One hazard: its facts, its order and that order's items, its history, the rectification's evidence,
    and the actions it allows now (the office's, or an 企业's report of its rectification)."""
    with ledger(request) as handle:
        detail = hazards.hazard_detail(handle, hazard_id, scope=me)
    return render(request, "ledger_hazard.html", title=f"隐患 {hazard_id}", d=detail, docs=outputs.stored(request, [doc]),
                  statuses=hazards.STATUS_LABELS, order_statuses=hazards.ORDER_STATUS_LABELS,
                  events=hazards.EVENT_LABELS, office=me.role in OFFICE, reporter=me.role == ENTERPRISE,
                  max_photos=MAX_PHOTOS)


def _back(hazard_id: int, doc: str = "") -> RedirectResponse:
    return RedirectResponse(f"/ledger/hazards/{hazard_id}" + (f"?doc={doc}" if doc else ""), status_code=303)


@router.post("/hazards/{hazard_id}/rectify")
def rectify(request: Request, hazard_id: int, on: str = Form(""), note: str = Form(""), actor: str = Form(""),
            me: Principal = require(*OFFICE)):
    with ledger(request) as handle:
        hazards.hazard_detail(handle, hazard_id, scope=me)          # another unit's hazard: 404
        try:
            hazards.mark_rectified(handle, [hazard_id], on or None, actor.strip() or ACTOR, note.strip(), scope=me)
            flash(request, f"隐患 {hazard_id} 已标记整改完成，等待复查。", "ok")
        except PaichaError as e:
            flash(request, e.message, "error")
    return _back(hazard_id)


@router.post("/hazards/{hazard_id}/report")
async def report_rectification(request: Request, hazard_id: int, me: Principal = require(ENTERPRISE, *OFFICE)):
    """整改完成 reported with evidence: the text (field text) and photos (field photo), uploaded through
    web/uploads.py; the hazard waits for its 复查 and the office sees the evidence on this page."""
    with ledger(request) as handle:
        hazards.hazard_detail(handle, hazard_id, scope=me)          # another enterprise's hazard: 404
    batch = await receive_uploads(request, settings(request))
    photos = [f for f in batch.stored if f.kind == "image"]
    refused = [r.message for r in batch.refused] + [f"{f.name}：不是图片，请上传照片（jpg、png 等）"
                                                    for f in batch.stored if f.kind != "image"]
    if refused or len(photos) > MAX_PHOTOS:
        for line in refused or [f"一次最多上传 {MAX_PHOTOS} 张照片"]:
            flash(request, line, "error")
        flash(request, "整改情况未提交，请重新选择照片。", "error")
        return _back(hazard_id)
    with ledger(request) as handle:
        try:
            hazards.report_rectification(handle, hazard_id, batch.fields.get("text", ""),
                                         [(f.id, f.name) for f in photos], scope=me)
            flash(request, f"已提交整改情况（{len(photos)} 张照片），等待复查。", "ok")
        except PaichaError as e:
            flash(request, e.message, "error")
    return _back(hazard_id)


@router.post("/hazards/{hazard_id}/recheck")
async def recheck(request: Request, hazard_id: int, me: Principal = require(*OFFICE)):
    """复查 of the hazard's order, item by item (fields result_<hazard id>: passed | failed); the
    整改复查意见书 is written and offered for download."""
    form = await request.form()
    results = {key[len("result_"):]: str(value) for key, value in form.items() if key.startswith("result_")}
    passed = [int(h) for h, v in results.items() if v == "passed" and h.isdigit()]
    failed = [int(h) for h, v in results.items() if v == "failed" and h.isdigit()]
    doc = ""
    with ledger(request) as handle:
        detail = hazards.hazard_detail(handle, hazard_id, scope=me)
        try:
            if detail.hazard["order_number"] is None:
                raise PaichaError(f"隐患 {hazard_id} 没有有效的指令书，无法复查", code="no_order")
            out = outputs.work_dir(request) / "整改复查意见书.docx"
            res = hazards.record_recheck(handle, detail.hazard["order_number"], str(form.get("on") or "") or None,
                                         passed, failed, str(form.get("actor") or "").strip() or ACTOR, output=out,
                                         scope=me)
            doc = outputs.offer(request, res.file, f"{res.number}整改复查意见书（{res.enterprise}）.docx").id
            flash(request, f"已记录复查：{res.number}，{sum(ok for *_, ok in res.items)}项通过，"
                           f"{sum(not ok for *_, ok in res.items)}项未通过。", "ok")
        except PaichaError as e:
            flash(request, e.message, "error")
    return _back(hazard_id, doc)


@router.post("/hazards/{hazard_id}/close")
def close(request: Request, hazard_id: int, on: str = Form(""), actor: str = Form(""),
          me: Principal = require(*OFFICE)):
    with ledger(request) as handle:
        hazards.hazard_detail(handle, hazard_id, scope=me)
        try:
            hazards.close_hazards(handle, [hazard_id], actor.strip() or ACTOR, on or None, scope=me)
            flash(request, f"隐患 {hazard_id} 已销号。", "ok")
        except PaichaError as e:
            flash(request, e.message, "error")
    return _back(hazard_id)


@router.post("/hazards/{hazard_id}/void")
def void(request: Request, hazard_id: int, reason: str = Form(""), actor: str = Form(""),
          me: Principal = require(ADMIN, DISTRICT)):
    """作废 the hazard's live order (a reason is required): the district's, who issues orders."""
    with ledger(request) as handle:
        detail = hazards.hazard_detail(handle, hazard_id, scope=me)
        try:
            if detail.hazard["order_number"] is None:
                raise PaichaError(f"隐患 {hazard_id} 没有有效的指令书", code="no_order")
            number = hazards.void_order(handle, detail.hazard["order_number"], actor.strip() or ACTOR,
                                        reason.strip(), scope=me).number
            flash(request, f"已作废：{number}（编号保留不再使用，所列隐患可重新出具指令书）", "ok")
        except PaichaError as e:
            flash(request, e.message, "error")
    return _back(hazard_id)
