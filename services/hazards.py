"""The hazard lifecycle 整改 → 复查 → 销号, 作废, 依据 and the hazard lists, for cli.py hazard and the web.

Dates are ISO (YYYY-MM-DD); None means today.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from generators import legal_basis
from generators.documents import to_iso
from generators.order import load_authority, render_recheck
from ledger import evidence as ledger_evidence
from ledger import lifecycle, queries
from ledger import orders as ledger_orders
from ledger.audit import audit
from ledger.db import transaction
from ledger.periods import parse_period
from ledger.lifecycle import RecheckResult
from schema.errors import PaichaError
from services.accounts import Principal, scope_where
from services.ledgers import Ledger

HAZARD_SCOPE = ("h.reporting_unit", "h.enterprise")       # the columns a user's scope filters hazards on
EVIDENCE_LIMIT = 2000                                       # characters of a rectification's text


STATUS_LABELS = ledger_orders.HAZARD_STATUS                 # open → 未整改 …
ORDER_STATUS_LABELS = ledger_orders.ORDER_STATUS
EVENT_LABELS = {"found": "发现登记", "ordered": "下达指令书", "rectified": "整改完成", "recheck_passed": "复查通过",
                "recheck_failed": "复查未通过", "closed": "销号", "order_void": "指令书作废", "basis": "设置依据",
                "corrected": "更正", "accepted": "确认", "rejected": "退回", "resubmitted": "更正报送",
                "reported_again": "另有报送"}


@dataclass
class Changed:
    """How many hazards an action changed."""
    count: int


@dataclass
class Voided:
    number: str                      # the order's 文号, kept and never used again


@dataclass
class BasisSuggestion:
    text: str                        # the 依据 as printed on an order ("依据：____" when nothing backs it)
    source: str                      # auto | blank
    rule: str | None = None          # the rule that matched (generators/data/legal_basis.yaml)
    topic: str | None = None         # what the rule is about (全员安全生产责任制 …)


@dataclass
class HazardHistory:
    hazard_id: int
    events: list[dict] = field(default_factory=list)     # hazard_events rows, oldest first


@dataclass
class HazardList:
    hazards: list[dict] = field(default_factory=list)    # ledger rows + order_number, overdue, supervised
    total: int = 0                                       # how many match (all pages)
    page: int = 1
    per_page: int | None = None                          # None: every match in `hazards`

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page)) if self.per_page else 1


@dataclass
class EnterpriseList:
    enterprises: list[dict] = field(default_factory=list)  # id, name, credit_code, town, industry, address, hazards, open_hazards
    total: int = 0
    page: int = 1
    per_page: int | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page)) if self.per_page else 1


@dataclass
class HazardDetail:
    hazard: dict                                          # the ledger row + order_number, overdue, supervised
    events: list[dict] = field(default_factory=list)      # hazard_events, oldest first
    order: dict | None = None                             # its live (or latest) order: number, status, issued …
    order_items: list[dict] = field(default_factory=list)  # that order's items: seq, hazard_id, description, hazard_status
    evidence: list[dict] = field(default_factory=list)     # the rectification's evidence: kind text | file, …


@dataclass
class Reported:
    """A rectification reported with evidence: the hazard now waits for its 复查."""
    hazard_id: int
    files: int


def _today(on: str | None) -> str:
    """The date given (as people write it: 2023-03-20, 2023年3月20日 …) in ISO form; None → today."""
    return to_iso(on, "日期") if on else date.today().isoformat()


def mark_rectified(ledger: Ledger, ids: list[int], on: str | None = None, actor: str = "", note: str = "",
                   scope: Principal | None = None) -> Changed:
    """整改完成 reported for open hazards (they wait for a 复查)."""
    with _audited(ledger, ids, "hazard_rectified", actor, scope):
        return Changed(lifecycle.mark_rectified(ledger.con, ids, _today(on), actor, note))


def report_rectification(ledger: Ledger, hazard_id: int, text: str, files: list[tuple[str, str]],
                         scope: Principal | None = None, on: str | None = None) -> Reported:
    """An enterprise (or a clerk) reports the hazard 整改完成 with evidence: `text` and `files` — (file id in
    the file store, display name) each. The same change as mark_rectified, with the evidence rows, in one
    transaction; the office sees them on the hazard page before the 复查."""
    text = (text or "").strip()
    if not text:
        raise PaichaError("请填写整改情况说明", code="no_text")
    if len(text) > EVIDENCE_LIMIT:
        raise PaichaError(f"整改情况说明不能超过 {EVIDENCE_LIMIT} 字", code="too_long")
    actor = scope.actor if scope else ""
    _visible(ledger, hazard_id, scope)
    with transaction(ledger.con):
        mark_rectified(ledger, [hazard_id], on, actor, text[:60], scope)
        ledger_evidence.add_text(ledger.con, hazard_id, text, actor)
        for file_id, name in files:
            ledger_evidence.add_file(ledger.con, hazard_id, file_id, name, actor)
        audit(ledger.con, actor or "本机", "hazard_evidence", ("hazard", hazard_id), None,
              {"text": text, "files": [name for _, name in files]})
    return Reported(hazard_id, len(files))


def evidence_hazard(ledger: Ledger, file_id: str, scope: Principal | None = None) -> int | None:
    """The hazard whose evidence a stored file is, when `scope` may see that hazard; else None."""
    hazard_id = ledger_evidence.hazard_of_file(ledger.con, file_id)
    if hazard_id is None:
        return None
    try:
        _visible(ledger, hazard_id, scope)
    except PaichaError:
        return None
    return hazard_id


def record_recheck(ledger: Ledger, order: str, on: str | None = None, passed: list[int] = (),
                   failed: list[int] = (), actor: str = "", config: Path | None = None,
                   output: Path | None = None, scope: Principal | None = None) -> RecheckResult:
    """Record a 复查 of an order item by item, number its 整改复查意见书 and, with `output`, write it."""
    cfg = load_authority(config)
    on = _today(on)
    with _audited(ledger, list(passed) + list(failed), "hazard_recheck", actor, scope, {"order": order}):
        res = lifecycle.record_recheck(ledger.con, order, on, list(passed), list(failed), actor,
                                       cfg["short_name"], cfg["codes"]["recheck"])
    if output:
        issued = ledger_orders.get_order(ledger.con, res.order_number)["issued"]
        res.file = render_recheck(Path(output), cfg, res.number, res.enterprise, res.order_number, issued,
                                  [(seq, text, ok) for seq, _, text, ok in res.items], on)
        lifecycle.set_recheck_file(ledger.con, res.number, res.file)
    return res


def close_hazards(ledger: Ledger, ids: list[int], actor: str = "", on: str | None = None,
                  scope: Principal | None = None) -> Changed:
    """销号 of hazards whose 复查 passed; an order whose items are all closed is closed too."""
    with _audited(ledger, ids, "hazard_closed", actor, scope):
        return Changed(lifecycle.close_hazards(ledger.con, ids, actor, _today(on)))


def void_order(ledger: Ledger, order: str, actor: str, reason: str, scope: Principal | None = None) -> Voided:
    """作废 an order (its number stays taken; its hazards can be ordered again); a reason is required."""
    if not (reason or "").strip():
        raise PaichaError("请填写作废原因", code="no_reason")
    with transaction(ledger.con):
        before = ledger_orders.get_order(ledger.con, order)
        number = ledger_orders.void_order(ledger.con, order, actor, reason)["number"]
        audit(ledger.con, scope.actor if scope else actor or "本机", "order_void", ("order", number), {"status": before["status"]},
              {"status": "void", "reason": reason})
    return Voided(number)


def set_basis(ledger: Ledger, ids: list[int], text: str, actor: str = "") -> Changed:
    """The inspector's own 依据 for hazards ("无" = a blank line to fill by hand)."""
    with _audited(ledger, ids, "hazard_basis", actor, None, {"basis": text}):
        return Changed(lifecycle.set_basis(ledger.con, ids, text, actor))


def suggest_basis(text: str) -> BasisSuggestion:
    """The 依据 an order would print for any problem text, no ledger needed (never an invented article:
    blank when unsure). For cli.py hazard basis --text and the web."""
    basis = legal_basis.suggest(text or "")
    if basis is None:
        return BasisSuggestion(legal_basis.blank_basis(), "blank")
    return BasisSuggestion(basis.text, "auto", basis.rule, basis.topic)


def list_hazards(ledger: Ledger, status: str | None = None, overdue: bool = False, supervised: bool = False,
                 today: str | None = None, town: str | None = None, industry: str | None = None,
                 period: str | None = None, enterprise_id: int | None = None, page: int = 1,
                 per_page: int | None = None, scope: Principal | None = None) -> HazardList:
    """Active hazards by status, overdue (deadline passed, not rectified), supervised (挂牌督办/major), 镇街,
    行业, enterprise and the period their finding date lies in (ledger/periods.py), ordered by deadline;
    with `per_page`, only page `page` of them (paged in SQL)."""
    today = _today(today)
    span = parse_period(period)
    page = max(1, int(page))
    filters = {"status": status, "town": town, "industry": industry, "enterprise_id": enterprise_id,
               "overdue": overdue, "supervised": supervised, "scope": scope_where(scope, *HAZARD_SCOPE)}
    rows, total = queries.hazard_page(ledger.con, filters, today, span.start_iso, span.end_iso, per_page,
                                      (page - 1) * per_page if per_page else 0)
    for h in rows:
        h["supervised"] = bool(h["supervised"] or h["level"] == "major")
    return HazardList(rows, total, page, per_page)


def list_enterprises(ledger: Ledger, town: str | None = None, industry: str | None = None, page: int = 1,
                     per_page: int | None = None, scope: Principal | None = None) -> EnterpriseList:
    """Enterprises by 镇街 and 行业 with their hazards counted; with `per_page`, one page of them."""
    page = max(1, int(page))
    rows, total = queries.enterprise_page(ledger.con, town, industry, per_page,
                                          (page - 1) * per_page if per_page else 0,
                                          None if scope is None else scope_where(scope, *HAZARD_SCOPE))
    return EnterpriseList(rows, total, page, per_page)


def hazard_filters(ledger: Ledger, scope: Principal | None = None) -> dict[str, list[str]]:
    """The values the hazard filters offer: {"town": [镇街…], "industry": [行业…]}."""
    return queries.hazard_choices(ledger.con, scope_where(scope, *HAZARD_SCOPE))


def hazard_detail(ledger: Ledger, hazard_id: int, today: str | None = None,
                  scope: Principal | None = None) -> HazardDetail:
    """One hazard with its history, its order (the live one, else the latest), that order's items and the
    rectification's evidence; PaichaError (code not_found) when there is no such hazard or `scope` may not
    see it."""
    today = _today(today)
    hazard = _visible(ledger, hazard_id, scope)
    hazard["supervised"] = bool(hazard["supervised"] or hazard["level"] == "major")
    hazard["overdue"] = bool(hazard["status"] == "open" and hazard["deadline"] and hazard["deadline"] < today)
    order = queries.hazard_order(ledger.con, hazard["id"])
    hazard["order_number"] = order["number"] if order and order["status"] != "void" else None
    items = [dict(i) for i in ledger_orders.items_of(ledger.con, order["id"])] if order else []
    return HazardDetail(hazard, lifecycle.history(ledger.con, hazard["id"]), order, items,
                        ledger_evidence.of_hazard(ledger.con, hazard["id"]))


def _visible(ledger: Ledger, hazard_id: int, scope: Principal | None) -> dict:
    """The hazard's row; not_found when there is none or the scope may not see it (the same answer)."""
    hazard = queries.hazard(ledger.con, int(hazard_id))
    if hazard is None or (scope is not None and not scope.can_see_enterprise(hazard["enterprise"],
                                                                             hazard["reporting_unit"])):
        raise PaichaError(f"台账中没有编号为 {hazard_id} 的隐患", code="not_found")
    return hazard


class _audited:
    """A hazard change and its audit rows in one transaction: each hazard's status before and after.
    With a scope, hazards it may not see are refused as not found before anything changes."""

    def __init__(self, ledger: Ledger, ids: list[int], action: str, actor: str, scope: Principal | None = None,
                 extra: dict | None = None):
        self.ledger, self.ids, self.action, self.extra = ledger, list(ids), action, extra or {}
        self.actor = scope.actor if scope is not None else actor     # the account, when there is one
        self.scope = scope
        self._tx = None

    def _status(self) -> dict[int, str | None]:
        found = {}
        for hid in self.ids:
            row = queries.hazard(self.ledger.con, int(hid))
            found[hid] = row["status"] if row else None
        return found

    def __enter__(self):
        for hid in self.ids:
            if self.scope is not None:
                _visible(self.ledger, hid, self.scope)
        self._tx = transaction(self.ledger.con)
        self._tx.__enter__()
        self.before = self._status()
        return self

    def __exit__(self, kind, value, tb):
        if kind is None:
            try:
                for hid, after in self._status().items():
                    audit(self.ledger.con, self.actor or "本机", self.action, ("hazard", hid),
                          {"status": self.before[hid]}, {"status": after, **self.extra})
            except BaseException as e:
                self._tx.__exit__(type(e), e, e.__traceback__)
                raise
        return self._tx.__exit__(kind, value, tb)


def overdue(ledger: Ledger, today: str | None = None) -> HazardList:
    """逾期未整改: open hazards whose deadline has passed."""
    return list_hazards(ledger, overdue=True, today=today)


def supervised(ledger: Ledger) -> HazardList:
    """挂牌督办: supervised and major hazards."""
    return list_hazards(ledger, supervised=True)


def hazard_history(ledger: Ledger, hazard_id: int) -> HazardHistory:
    """Every event of a hazard, oldest first (time, actor, action, status change, note)."""
    return HazardHistory(hazard_id, lifecycle.history(ledger.con, hazard_id))


def ledger_counts(ledger: Ledger, today: str | None = None, scope: Principal | None = None) -> dict[str, int]:
    """How many hazards `scope` may see are not yet 销号 (unclosed) and overdue, how many flagged fields wait
    for 核对 (flagged) and suspect resubmissions for a decision (suspects): counted in SQL, nothing listed."""
    return queries.ledger_counts(ledger.con, _today(today), scope_where(scope, *HAZARD_SCOPE),
                                 scope_where(scope, "r.reporting_unit"))
