"""The roster of a multi-unit deployment (administrators keep it): the 填报单位 and enterprises accounts
attach to, and 报送情况 — for each unit of the roster and each period, whether its returns came in
(已报), not yet (未报) or not by the period's end (逾期). The 催报 list is the current period's 未报/逾期."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from generators.summary import _match as roster_match
from ledger import roster as store
from ledger.aggregate import reported_units
from ledger.audit import audit
from ledger.db import transaction
from ledger.periods import Period, parse_period
from schema.errors import PaichaError
from services.accounts import Principal
from services.ledgers import Ledger

KINDS = store.KINDS
STATUS_LABELS = {"reported": "已报", "missing": "未报", "overdue": "逾期"}
MAX_NAME = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class RosterError(PaichaError):
    code = "roster"


@dataclass
class SubmissionTable:
    periods: list[Period]
    rows: list[dict] = field(default_factory=list)     # unit, contact, phone, cells: [status code per period]
    remind: list[str] = field(default_factory=list)    # the last period's 未报/逾期 units: the 催报 list
    error: str = ""                                    # a period that could not be read


def list_roster(ledger: Ledger, kind: str | None = None) -> list[dict]:
    return store.entries(ledger.con, kind)


def add_entry(ledger: Ledger, name: str, kind: str, contact: str = "", phone: str = "",
              actor: str = "本机", ip: str = "") -> dict:
    """A unit or enterprise added to the roster (audit-logged); RosterError for a bad or repeated name."""
    name, contact, phone = (" ".join((v or "").split()) for v in (name, contact, phone))
    if kind not in KINDS:
        raise RosterError("请选择类别：填报单位或企业", code="kind")
    if not name:
        raise RosterError("请填写单位名称", code="name")
    if any(len(v) > MAX_NAME or _CONTROL.search(v) for v in (name, contact, phone)):
        raise RosterError("名称、联系人或电话过长或含有不可见字符", code="name")
    with transaction(ledger.con):
        if store.get(ledger.con, name):
            raise RosterError(f"名册中已有“{name}”", code="exists")
        store.insert(ledger.con, name, kind, contact, phone)
        entry = store.get(ledger.con, name)
        audit(ledger.con, actor, "roster_add", ("roster", name), None,
              {"name": name, "kind": KINDS[kind], "contact": contact, "phone": phone}, ip)
    return entry


def remove_entry(ledger: Ledger, name: str, actor: str = "本机", ip: str = "") -> None:
    with transaction(ledger.con):
        entry = store.get(ledger.con, name)
        if entry is None:
            raise RosterError(f"名册中没有“{name}”", code="not_found")
        store.delete(ledger.con, name)
        audit(ledger.con, actor, "roster_remove", ("roster", name),
              {"name": name, "kind": KINDS[entry["kind"]], "contact": entry["contact"], "phone": entry["phone"]},
              None, ip)


def recent_months(today: dt.date, count: int = 3) -> list[str]:
    """The months ending with today's, oldest first ("2023-03" …): the statistics returns' periods."""
    months = [(today.year * 12 + today.month - 1) - back for back in range(count - 1, -1, -1)]
    return [f"{m // 12}-{m % 12 + 1:02d}" for m in months]


def submission_status(ledger: Ledger, periods: list[str], today: dt.date | None = None,
                      form_type: str | None = None, scope: Principal | None = None) -> SubmissionTable:
    """报送情况: each 填报单位 of the roster (those `scope` may see) × each period — reported, missing (the
    period still running) or overdue (it has ended). Read live from the ledger's current returns."""
    today = today or dt.date.today()
    spans = [parse_period(p) for p in periods]
    reported = [reported_units(ledger.con, p, form_type) for p in spans]
    table = SubmissionTable(spans)
    for entry in store.entries(ledger.con, "unit"):
        if scope is not None and not scope.can_see_unit(entry["name"]):
            continue
        cells = []
        for span, units in zip(spans, reported):
            if roster_match(entry["name"], units):
                cells.append("reported")
            else:
                cells.append("overdue" if span.end is not None and span.end < today else "missing")
        table.rows.append({"unit": entry["name"], "contact": entry["contact"], "phone": entry["phone"],
                           "cells": cells})
    table.remind = [r["unit"] for r in table.rows if r["cells"] and r["cells"][-1] != "reported"]
    return table
