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
from ledger import lifecycle, queries
from ledger import orders as ledger_orders
from ledger.periods import parse_period
from ledger.lifecycle import RecheckResult
from schema.errors import PaichaError
from services.ledgers import Ledger


STATUS_LABELS = ledger_orders.HAZARD_STATUS                 # open → 未整改 …
ORDER_STATUS_LABELS = ledger_orders.ORDER_STATUS
EVENT_LABELS = {"found": "发现登记", "ordered": "下达指令书", "rectified": "整改完成", "recheck_passed": "复查通过",
                "recheck_failed": "复查未通过", "closed": "销号", "order_void": "指令书作废", "basis": "设置依据",
                "corrected": "更正", "accepted": "确认", "rejected": "退回", "resubmitted": "更正报送"}


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


def _today(on: str | None) -> str:
    """The date given (as people write it: 2023-03-20, 2023年3月20日 …) in ISO form; None → today."""
    return to_iso(on, "日期") if on else date.today().isoformat()


def mark_rectified(ledger: Ledger, ids: list[int], on: str | None = None, actor: str = "", note: str = "") -> Changed:
    """整改完成 reported for open hazards (they wait for a 复查)."""
    return Changed(lifecycle.mark_rectified(ledger.con, ids, _today(on), actor, note))


def record_recheck(ledger: Ledger, order: str, on: str | None = None, passed: list[int] = (),
                   failed: list[int] = (), actor: str = "", config: Path | None = None,
                   output: Path | None = None) -> RecheckResult:
    """Record a 复查 of an order item by item, number its 整改复查意见书 and, with `output`, write it."""
    cfg = load_authority(config)
    on = _today(on)
    res = lifecycle.record_recheck(ledger.con, order, on, list(passed), list(failed), actor,
                                   cfg["short_name"], cfg["codes"]["recheck"])
    if output:
        issued = ledger_orders.get_order(ledger.con, res.order_number)["issued"]
        res.file = render_recheck(Path(output), cfg, res.number, res.enterprise, res.order_number, issued,
                                  [(seq, text, ok) for seq, _, text, ok in res.items], on)
        lifecycle.set_recheck_file(ledger.con, res.number, res.file)
    return res


def close_hazards(ledger: Ledger, ids: list[int], actor: str = "", on: str | None = None) -> Changed:
    """销号 of hazards whose 复查 passed; an order whose items are all closed is closed too."""
    return Changed(lifecycle.close_hazards(ledger.con, ids, actor, _today(on)))


def void_order(ledger: Ledger, order: str, actor: str, reason: str) -> Voided:
    """作废 an order (its number stays taken; its hazards can be ordered again); a reason is required."""
    if not (reason or "").strip():
        raise PaichaError("请填写作废原因", code="no_reason")
    return Voided(ledger_orders.void_order(ledger.con, order, actor, reason)["number"])


def set_basis(ledger: Ledger, ids: list[int], text: str, actor: str = "") -> Changed:
    """The inspector's own 依据 for hazards ("无" = a blank line to fill by hand)."""
    return Changed(lifecycle.set_basis(ledger.con, ids, text, actor))


def suggest_basis(text: str) -> BasisSuggestion:
    """The 依据 an order would print for a problem text (never an invented article: blank when unsure)."""
    basis = legal_basis.suggest(text)
    if basis is None:
        return BasisSuggestion(legal_basis.blank_basis(), "blank")
    return BasisSuggestion(basis.text, "auto", basis.rule)


def list_hazards(ledger: Ledger, status: str | None = None, overdue: bool = False, supervised: bool = False,
                 today: str | None = None, town: str | None = None, industry: str | None = None,
                 period: str | None = None, enterprise_id: int | None = None, page: int = 1,
                 per_page: int | None = None) -> HazardList:
    """Active hazards by status, overdue (deadline passed, not rectified), supervised (挂牌督办/major), 镇街,
    行业, enterprise and the period their finding date lies in (ledger/periods.py), ordered by deadline;
    with `per_page`, only page `page` of them (paged in SQL)."""
    today = _today(today)
    span = parse_period(period)
    page = max(1, int(page))
    filters = {"status": status, "town": town, "industry": industry, "enterprise_id": enterprise_id,
               "overdue": overdue, "supervised": supervised}
    rows, total = queries.hazard_page(ledger.con, filters, today, span.start_iso, span.end_iso, per_page,
                                      (page - 1) * per_page if per_page else 0)
    for h in rows:
        h["supervised"] = bool(h["supervised"] or h["level"] == "major")
    return HazardList(rows, total, page, per_page)


def list_enterprises(ledger: Ledger, town: str | None = None, industry: str | None = None, page: int = 1,
                     per_page: int | None = None) -> EnterpriseList:
    """Enterprises by 镇街 and 行业 with their hazards counted; with `per_page`, one page of them."""
    page = max(1, int(page))
    rows, total = queries.enterprise_page(ledger.con, town, industry, per_page,
                                          (page - 1) * per_page if per_page else 0)
    return EnterpriseList(rows, total, page, per_page)


def hazard_filters(ledger: Ledger) -> dict[str, list[str]]:
    """The values the hazard filters offer: {"town": [镇街…], "industry": [行业…]}."""
    return queries.hazard_choices(ledger.con)


def hazard_detail(ledger: Ledger, hazard_id: int, today: str | None = None) -> HazardDetail:
    """One hazard with its history and its order (the live one, else the latest) and that order's items;
    PaichaError (code not_found) when there is no such hazard."""
    today = _today(today)
    hazard = queries.hazard(ledger.con, int(hazard_id))
    if hazard is None:
        raise PaichaError(f"台账中没有编号为 {hazard_id} 的隐患", code="not_found")
    hazard["supervised"] = bool(hazard["supervised"] or hazard["level"] == "major")
    hazard["overdue"] = bool(hazard["status"] == "open" and hazard["deadline"] and hazard["deadline"] < today)
    order = queries.hazard_order(ledger.con, hazard["id"])
    hazard["order_number"] = order["number"] if order and order["status"] != "void" else None
    items = [dict(i) for i in ledger_orders.items_of(ledger.con, order["id"])] if order else []
    return HazardDetail(hazard, lifecycle.history(ledger.con, hazard["id"]), order, items)


def overdue(ledger: Ledger, today: str | None = None) -> HazardList:
    """逾期未整改: open hazards whose deadline has passed."""
    return list_hazards(ledger, overdue=True, today=today)


def supervised(ledger: Ledger) -> HazardList:
    """挂牌督办: supervised and major hazards."""
    return list_hazards(ledger, supervised=True)


def hazard_history(ledger: Ledger, hazard_id: int) -> HazardHistory:
    """Every event of a hazard, oldest first (time, actor, action, status change, note)."""
    return HazardHistory(hazard_id, lifecycle.history(ledger.con, hazard_id))
