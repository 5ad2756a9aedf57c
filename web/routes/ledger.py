"""台账: enterprises and hazards (filtered and paged by the services), a hazard's history, and its actions
整改完成 → 复查 (with the 整改复查意见书 download) → 销号, and 作废 of its order — the services of `cli.py hazard`."""
from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse

from schema.errors import PaichaError
from services import hazards
from web import outputs
from web.outputs import cn_date  # noqa: F401  (registers the date filter)
from web.pages import flash, ledger, render

router = APIRouter(prefix="/ledger")

PER_PAGE = 50
ACTOR = "工作台"
FILTERS = ("view", "town", "industry", "status", "overdue", "supervised", "period")


@router.get("")
def ledger_page(request: Request, view: str = "hazards", town: str = "", industry: str = "", status: str = "",
                overdue: str = "", supervised: str = "", period: str = "", page: int = 1):
    """The hazard list (or the enterprise list) with its filters; a bad filter is said on the page."""
    chosen = {"view": view if view == "enterprises" else "hazards", "town": town, "industry": industry,
              "status": status if status in hazards.STATUS_LABELS else "", "overdue": overdue, "supervised": supervised,
              "period": period.strip()}
    error, listing = "", None
    with ledger(request) as handle:
        choices = hazards.hazard_filters(handle)
        try:
            if chosen["view"] == "enterprises":
                listing = hazards.list_enterprises(handle, town or None, industry or None, page, PER_PAGE)
            else:
                listing = hazards.list_hazards(handle, chosen["status"] or None, bool(overdue), bool(supervised),
                                               town=town or None, industry=industry or None,
                                               period=chosen["period"] or None, page=page, per_page=PER_PAGE)
        except PaichaError as e:
            error = e.message
    query = {k: v for k, v in chosen.items() if v and not (k == "view" and v == "hazards")}
    return render(request, "ledger.html", status=400 if error else 200, title="台账", chosen=chosen, choices=choices,
                  listing=listing, error=error, statuses=hazards.STATUS_LABELS,
                  page_url=lambda n: "/ledger?" + urlencode({**query, "page": n}),
                  view_url=lambda v: "/ledger?" + urlencode({**{k: q for k, q in query.items() if k != "view"},
                                                           **({"view": v} if v != "hazards" else {})}))


@router.get("/hazards/{hazard_id}")
def hazard_page(request: Request, hazard_id: int, doc: str = ""):
    """One hazard: its facts, its order and that order's items, its history, and the actions it allows now."""
    with ledger(request) as handle:
        detail = hazards.hazard_detail(handle, hazard_id)
    return render(request, "ledger_hazard.html", title=f"隐患 {hazard_id}", d=detail, docs=outputs.stored(request, [doc]),
                  statuses=hazards.STATUS_LABELS, order_statuses=hazards.ORDER_STATUS_LABELS,
                  events=hazards.EVENT_LABELS)


def _back(hazard_id: int, doc: str = "") -> RedirectResponse:
    return RedirectResponse(f"/ledger/hazards/{hazard_id}" + (f"?doc={doc}" if doc else ""), status_code=303)


@router.post("/hazards/{hazard_id}/rectify")
def rectify(request: Request, hazard_id: int, on: str = Form(""), note: str = Form(""), actor: str = Form("")):
    with ledger(request) as handle:
        try:
            hazards.mark_rectified(handle, [hazard_id], on or None, actor.strip() or ACTOR, note.strip())
            flash(request, f"隐患 {hazard_id} 已标记整改完成，等待复查。", "ok")
        except PaichaError as e:
            flash(request, e.message, "error")
    return _back(hazard_id)


@router.post("/hazards/{hazard_id}/recheck")
async def recheck(request: Request, hazard_id: int):
    """复查 of the hazard's order, item by item (fields result_<hazard id>: passed | failed); the
    整改复查意见书 is written and offered for download."""
    form = await request.form()
    results = {key[len("result_"):]: str(value) for key, value in form.items() if key.startswith("result_")}
    passed = [int(h) for h, v in results.items() if v == "passed" and h.isdigit()]
    failed = [int(h) for h, v in results.items() if v == "failed" and h.isdigit()]
    doc = ""
    with ledger(request) as handle:
        detail = hazards.hazard_detail(handle, hazard_id)
        try:
            if detail.hazard["order_number"] is None:
                raise PaichaError(f"隐患 {hazard_id} 没有有效的指令书，无法复查", code="no_order")
            out = outputs.work_dir(request) / "整改复查意见书.docx"
            res = hazards.record_recheck(handle, detail.hazard["order_number"], str(form.get("on") or "") or None,
                                         passed, failed, str(form.get("actor") or "").strip() or ACTOR, output=out)
            doc = outputs.offer(request, res.file, f"{res.number}整改复查意见书（{res.enterprise}）.docx").id
            flash(request, f"已记录复查：{res.number}，{sum(ok for *_, ok in res.items)}项通过，"
                           f"{sum(not ok for *_, ok in res.items)}项未通过。", "ok")
        except PaichaError as e:
            flash(request, e.message, "error")
    return _back(hazard_id, doc)


@router.post("/hazards/{hazard_id}/close")
def close(request: Request, hazard_id: int, on: str = Form(""), actor: str = Form("")):
    with ledger(request) as handle:
        try:
            hazards.close_hazards(handle, [hazard_id], actor.strip() or ACTOR, on or None)
            flash(request, f"隐患 {hazard_id} 已销号。", "ok")
        except PaichaError as e:
            flash(request, e.message, "error")
    return _back(hazard_id)


@router.post("/hazards/{hazard_id}/void")
def void(request: Request, hazard_id: int, reason: str = Form(""), actor: str = Form("")):
    """作废 the hazard's live order (a reason is required)."""
    with ledger(request) as handle:
        detail = hazards.hazard_detail(handle, hazard_id)
        try:
            if detail.hazard["order_number"] is None:
                raise PaichaError(f"隐患 {hazard_id} 没有有效的指令书", code="no_order")
            number = hazards.void_order(handle, detail.hazard["order_number"], actor.strip() or ACTOR,
                                        reason.strip()).number
            flash(request, f"已作废：{number}（编号保留不再使用，所列隐患可重新出具指令书）", "ok")
        except PaichaError as e:
            flash(request, e.message, "error")
    return _back(hazard_id)
