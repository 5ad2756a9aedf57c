"""Reviewing the ledger's records: suspect resubmissions held for a person to accept or reject.

(Field corrections — flagged_fields, correct_field, accept_field, record_history — join here once
ledger/corrections.py exists.)
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ledger import queries, store
from services.ledgers import Ledger


@dataclass
class Suspects:
    # each: id, path, reporting_unit, fill_date, replaces, old_path, message …
    records: list[dict] = field(default_factory=list)


@dataclass
class Accepted:
    record_id: int
    replaced: int                    # the record it now supersedes
    hazards_kept: int
    hazards_new: int


@dataclass
class Rejected:
    record_id: int


def suspects(ledger: Ledger) -> Suspects:
    """Resubmissions that lost most rows or filled fields of the record they would replace, waiting."""
    return Suspects(queries.suspects(ledger.con))


def accept_resubmission(ledger: Ledger, record_id: int, actor: str = "", reason: str = "") -> Accepted:
    """Accept a suspect resubmission: it supersedes the record it was held against."""
    res = store.accept_resubmission(ledger.con, record_id, actor, reason)
    return Accepted(record_id, res.superseded[0][0], res.hazards_kept, res.hazards_new)


def reject_resubmission(ledger: Ledger, record_id: int, actor: str = "", reason: str = "") -> Rejected:
    """Reject a suspect resubmission: kept as history, the old record stays current."""
    store.reject_resubmission(ledger.con, record_id, actor, reason)
    return Rejected(record_id)
