"""The hazard lifecycle 整改 → 复查 → 销号, 作废, 依据 and the hazard lists, for cli.py hazard and the web.

Dates are ISO (YYYY-MM-DD); None means today.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from generators import legal_basis
from generators.order import load_authority, render_recheck
from ledger import lifecycle
from ledger import orders as ledger_orders
from ledger.lifecycle import RecheckResult
from services.ledgers import Ledger


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


def _today(on: str | None) -> str:
    return on or date.today().isoformat()


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
    """作废 an order (its number stays taken; its hazards can be ordered again)."""
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
                 today: str | None = None) -> HazardList:
    """Active hazards by status, overdue (deadline passed, not rectified) and/or supervised (挂牌督办/major)."""
    rows = lifecycle.list_hazards(ledger.con, status, overdue, supervised, today)
    for h in rows:
        h["supervised"] = bool(h["supervised"] or h["level"] == "major")
    return HazardList(rows)


def overdue(ledger: Ledger, today: str | None = None) -> HazardList:
    """逾期未整改: open hazards whose deadline has passed."""
    return list_hazards(ledger, overdue=True, today=today)


def supervised(ledger: Ledger) -> HazardList:
    """挂牌督办: supervised and major hazards."""
    return list_hazards(ledger, supervised=True)


def hazard_history(ledger: Ledger, hazard_id: int) -> HazardHistory:
    """Every event of a hazard, oldest first (time, actor, action, status change, note)."""
    return HazardHistory(hazard_id, lifecycle.history(ledger.con, hazard_id))
