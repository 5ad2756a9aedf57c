"""核对: the review queue, keyboard first. One flagged field at a time with its value, its raw reading and
the cell it was read from (the scan's crop, or the table with the cell marked): Enter accepts, typing
corrects (Enter saves), Tab skips. Suspect resubmissions accepted or rejected; a record's history."""
from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Form, Request
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, RedirectResponse

from schema.errors import PaichaError
from services import reports, review
from services.accounts import ADMIN, DISTRICT, UNIT, Principal
from web import datefmt, files
from web.auth import require
from web.pages import env, flash, ledger, render, settings

# a 填报单位 reviews its own unit's records only (services.review scope); an 企业 has no review queue
router = APIRouter(prefix="/review", dependencies=[require(ADMIN, DISTRICT, UNIT)])
datefmt.install(env)
REASONS = ["与原件核对无误", "识别错误，按原件更正", "填报单位电话确认", "合计栏按各行相加"]
MISSING = {"no_record", "no_field", "not_found"}      # a record or field that is not there: 404
QUEUE_ROWS = 50             # the list of the whole queue, this many fields at a time (the block of the current one)


@router.get("")
def queue(request: Request, at: int = 0, me: Principal = require()):
    at = max(0, at)
    with ledger(request) as handle:
        first = at // QUEUE_ROWS * QUEUE_ROWS                    # the block of the list `at` is in
        block = review.flagged_block(handle, first, first + QUEUE_ROWS, scope=me)
        total = block.total
        if at >= total and total:                               # past the end: the last block is listed
            first = (total - 1) // QUEUE_ROWS * QUEUE_ROWS
            block = review.flagged_block(handle, first, first + QUEUE_ROWS, scope=me)
        listed = block.fields
        item = listed[at - first] if at < total and 0 <= at - first < len(listed) else None
        source = review.field_source(handle, item["record_id"], item["path"], scope=me) if item else None
        history = review.record_history(handle, item["record_id"], scope=me).entries if item else []
        suspects = review.suspects(handle, scope=me).records
    return render(request, "review.html", total=total, at=at, item=item, source=source, history=history,
                  suspects=suspects, reasons=REASONS, reviewer=request.session.get("reviewer", ""),
                  codes=review.CODE_LABELS, shown=_shown, first=first, listed=listed, block=QUEUE_ROWS)


@router.post("/decide")
def decide(request: Request, record_id: int = Form(...), path: str = Form(...), at: int = Form(0),
           value: str = Form(""), reason: str = Form(""), me: Principal = require()):
    """Empty value: the flagged value is confirmed; else it is corrected to what was typed."""
    actor = _reviewer(request, me)
    with ledger(request) as handle:
        try:
            if value.strip():
                done = review.correct_field(handle, record_id, path, value.strip(), actor, reason.strip(), scope=me)
                flash(request, f"已更正：{_shown(done.old)} → {_shown(done.new)}", "ok")
            else:
                review.accept_field(handle, record_id, path, actor, reason.strip(), scope=me)
                flash(request, "已确认无误", "ok")
        except PaichaError as e:
            if e.code in MISSING:
                raise HTTPException(404, e.message) from None
            flash(request, e.message, "error")       # a value that cannot be understood: nothing changed
    return RedirectResponse(f"/review?at={max(0, at)}", status_code=303)


@router.post("/reviewer")
def set_reviewer(request: Request, reviewer: str = Form("")):
    """The 核对人 recorded with every decision (kept in this browser's session)."""
    name = " ".join(reviewer.split())[:20]
    request.session["reviewer"] = name
    flash(request, f"核对人已设为“{name}”" if name else "已清除核对人", "ok")
    return RedirectResponse("/review", status_code=303)


@router.post("/suspects/{record_id}/{decision}")
def suspect(request: Request, record_id: int, decision: str, reason: str = Form(""), me: Principal = require()):
    if decision not in ("accept", "reject"):
        raise HTTPException(404)
    actor = _reviewer(request, me)
    with ledger(request) as handle:
        try:
            if decision == "accept":
                review.accept_resubmission(handle, record_id, actor, reason.strip(), scope=me)
                flash(request, f"已采用重报记录 {record_id}，替换原记录", "ok")
            else:
                review.reject_resubmission(handle, record_id, actor, reason.strip(), scope=me)
                flash(request, f"已退回重报记录 {record_id}，原记录保持有效", "ok")
        except PaichaError as e:
            raise HTTPException(404, e.message) from None
    return RedirectResponse("/review", status_code=303)


@router.get("/cell/{record_id}.png")
def cell(request: Request, record_id: int, path: str, me: Principal = require()):
    """The field's cell cut from the scan or photo."""
    with ledger(request) as handle:
        png = review.cell_image(handle, record_id, path, settings(request).data_dir / "cache" / "cells", scope=me)
    return FileResponse(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/statistics")
def statistics(request: Request, me: Principal = require(ADMIN, DISTRICT)):
    """The statistics workbook of the ledger as it stands (corrections included), to download (the
    district's: it holds every unit)."""
    with ledger(request) as handle, tempfile.TemporaryDirectory() as tmp:
        book = reports.statistics_workbook(handle, Path(tmp) / "统计报表.xlsx")
        stored = files.add_file(settings(request).uploads_dir, book.out, "统计报表.xlsx", owner=me)
    return RedirectResponse(f"/files/{stored.id}", status_code=303)


def _reviewer(request: Request, me: Principal) -> str:
    """The 核对人 typed in this browser's session, else the account's name."""
    return request.session.get("reviewer") or (me.user if me.user else "本机用户")


def _shown(value) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, list):
        return "；".join(map(str, value))
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values() if v)
    return datefmt.cn_date(value) if isinstance(value, str) else str(value)
