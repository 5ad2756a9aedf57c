"""指令书: choose open hazards, name the inspectors and deadlines, issue the 责令限期整改指令书 (preview, merged
print file, PDF); the register with reprints; a 现场处理措施决定书 for an enterprise. All through services.orders."""
from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import FileResponse, RedirectResponse

from schema.errors import PaichaError
from services import hazards, orders
from services.accounts import ADMIN, DISTRICT, ENTERPRISE, Principal
from web import outputs
from web.auth import require
from web.downloads import content_disposition
from web.outputs import cn_date  # noqa: F401  (registers the date filter)
from web.pages import flash, ledger, render

# the district issues orders; an 企业 sees its own orders, their deadlines and documents
router = APIRouter(prefix="/orders")
OFFICE = require(ADMIN, DISTRICT)

ACTOR = "工作台"
REGISTER_ROWS = 100             # the register's last orders on the page; all of them in the Excel download


@router.get("")
def orders_page(request: Request, town: str = "", q: str = "", page: str = "1",
                me: Principal = require(ADMIN, DISTRICT, ENTERPRISE)):
    if me.role == ENTERPRISE:
        with ledger(request) as handle:
            register = orders.list_orders(handle, scope=me)
            open_hazards = hazards.list_hazards(handle, scope=me)
        return render(request, "orders_enterprise.html", title="指令书", register=register, hazards=open_hazards,
                      statuses=hazards.STATUS_LABELS)
    with ledger(request) as handle:
        orderable = orders.orderable_hazards(handle, town or None, q.strip() or None,
                                             int(page) if page.isdigit() else 1)
        towns = hazards.hazard_filters(handle)["town"]
    return render(request, "orders.html", title="指令书", orderable=orderable, towns=towns,
                  town=town, q=q.strip(), measures=orders.decision_measures(),
                  page_url=lambda n: "/orders?" + urlencode({"town": town, "q": q.strip(), "page": n}) + "#issue")


@router.get("/register/rows", dependencies=[OFFICE])
def register_rows(request: Request):
    """The register's last orders with their reprint buttons: a part of the page, loaded after it (htmx),
    so that choosing hazards does not wait for the register."""
    with ledger(request) as handle:
        register = orders.list_orders(handle, last=REGISTER_ROWS)
    return render(request, "orders_register.html", register=register)


@router.get("/enterprise-names", dependencies=[OFFICE])
def enterprise_names(request: Request, enterprise: str = ""):
    """The 决定书's 被处理单位 suggestions for what is typed (the <option>s of its datalist, for htmx)."""
    with ledger(request) as handle:
        names = orders.enterprise_names(handle, enterprise.strip() or None)
    return render(request, "orders_names.html", names=names)


def _done(request: Request, stored: list) -> RedirectResponse:
    """The page listing what was just generated (by stored file id, never by path)."""
    return RedirectResponse("/orders/done?" + urlencode([("f", f.id) for f in stored if f]), status_code=303)


def _officers(form) -> list[dict]:
    return orders.officers_of(form.getlist("officer_name"), form.getlist("officer_cert"))


@router.get("/file/{number}")
def order_document(request: Request, number: str, me: Principal = require(ADMIN, DISTRICT, ENTERPRISE)):
    """An order's printed document (an 企业: its own orders only; else 404)."""
    with ledger(request) as handle:
        path, name = orders.order_file(handle, number, scope=me)
    return FileResponse(path, headers={"Content-Disposition": content_disposition(name)})


@router.post("/issue", dependencies=[OFFICE])
async def issue(request: Request):
    """Issue orders for the chosen hazards: deadline_<id> per item over the one deadline for all."""
    form = await request.form()
    chosen = [int(h) for h in form.getlist("hazard") if str(h).isdigit()]
    try:
        with ledger(request) as handle:
            result = orders.issue_orders(
                handle, outputs.work_dir(request), hazard_ids=chosen, officers=_officers(form),
                deadline=str(form.get("deadline") or "") or None, issued=str(form.get("issued") or "") or None,
                deadlines={h: str(form.get(f"deadline_{h}") or "") for h in chosen},
                pdf=form.get("pdf") == "1", actor=str(form.get("actor") or "").strip() or ACTOR,
                scope=request.state.principal)
    except PaichaError as e:
        flash(request, e.message, "error")
        return RedirectResponse("/orders", status_code=303)
    for o in result.orders:
        flash(request, f"已{o.verb}：{o.number} {o.enterprise}，问题{o.n_items}项"
                       f"{'（含附页）' if o.continued else ''}", "ok")
    for line in result.skipped + [f"说明：{n}" for n in result.notes]:
        flash(request, line, "info")
    return _done(request, [outputs.offer(request, result.merged), outputs.offer(request, result.pdf),
                           outputs.offer(request, result.register)]
                 + [outputs.offer(request, o.path) for o in result.orders])


@router.post("/reprint", dependencies=[OFFICE])
async def reprint(request: Request):
    form = await request.form()
    number = str(form.get("number") or "").strip()
    try:
        with ledger(request) as handle:
            result = orders.reprint_orders(handle, outputs.work_dir(request), [number], officers=_officers(form))
    except PaichaError as e:
        flash(request, e.message, "error")
        return RedirectResponse("/orders", status_code=303)
    flash(request, f"已重新生成：{number}", "ok")
    return _done(request, [outputs.offer(request, result.merged)])


@router.post("/register", dependencies=[OFFICE])
def register(request: Request):
    """指令书登记簿 (.xlsx) of every order."""
    with ledger(request) as handle:
        written = orders.order_register(handle, outputs.work_dir(request) / "指令书登记簿.xlsx")
    return _done(request, [outputs.offer(request, written.out)])


@router.post("/decision", dependencies=[OFFICE])
async def decision(request: Request):
    """现场处理措施决定书 for an enterprise; problems one per line (blank: its open hazards in the ledger)."""
    form = await request.form()
    try:
        with ledger(request) as handle:
            doc = orders.issue_decision(
                handle, outputs.work_dir(request), str(form.get("enterprise") or ""),
                [str(m) for m in form.getlist("measure")],
                problems=str(form.get("problems") or "").splitlines(), officers=_officers(form),
                issued=str(form.get("issued") or "") or None, actor=str(form.get("actor") or "").strip() or ACTOR,
                scope=request.state.principal)
    except PaichaError as e:
        flash(request, e.message, "error")
        return RedirectResponse("/orders#decision", status_code=303)
    flash(request, f"已出具{doc.name}：{doc.number} {doc.enterprise}", "ok")
    return _done(request, [outputs.offer(request, doc.path)])


@router.get("/done", dependencies=[OFFICE])
def done(request: Request):
    """What an action generated: downloads, and a preview of the first document."""
    stored = outputs.stored(request, request.query_params.getlist("f"))
    return render(request, "orders_done.html", title="指令书文书", files=stored, prefix="/orders")


@router.get("/preview/{file_id}", dependencies=[OFFICE])
def preview(request: Request, file_id: str):
    return outputs.preview_fragment(request, file_id, "/orders")


@router.get("/preview/{file_id}/{page}", dependencies=[OFFICE])
def preview_page(request: Request, file_id: str, page: int):
    return outputs.preview_response(request, file_id, page)
