"""Reviewing the ledger's records: flagged fields corrected or accepted by a person, a record's
history, and suspect resubmissions held for a person to accept or reject."""
from __future__ import annotations

from dataclasses import dataclass, field

from typing import Any

from ledger import corrections, queries, store
from ledger.corrections import Correction
from services.ledgers import Ledger


@dataclass
class Flagged:
    # each: record_id, form_type, path, label, value, raw, code, message, source_path, part, confidence, box
    fields: list[dict] = field(default_factory=list)


@dataclass
class RecordHistory:
    record_id: int
    # each: at, actor, kind (correction | event), action, path, label, old, new, note; oldest first
    entries: list[dict] = field(default_factory=list)


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


def flagged_fields(ledger: Ledger, form_type: str | None = None, record_id: int | None = None,
                   code: str | None = None, reporting_unit: str | None = None) -> Flagged:
    """Every warning of the current records, as a review queue (filters: exact values)."""
    filters = {"form_type": form_type, "record_id": record_id, "code": code, "reporting_unit": reporting_unit}
    return Flagged(corrections.flagged_fields(ledger.con, {k: v for k, v in filters.items() if v is not None}))


def correct_field(ledger: Ledger, record_id: int, path: str, new_value: Any, actor: str = "",
                  reason: str = "") -> Correction:
    """Set one field of a record (as a person types it); its hazards, inspections and statistics follow."""
    return corrections.correct_field(ledger.con, record_id, path, new_value, actor, reason)


def accept_field(ledger: Ledger, record_id: int, path: str, actor: str = "", reason: str = "") -> Correction:
    """A flagged value confirmed as right: its warnings cleared, logged."""
    return corrections.accept_field(ledger.con, record_id, path, actor, reason)


def record_history(ledger: Ledger, record_id: int) -> RecordHistory:
    """A record's corrections and review events in time order."""
    return RecordHistory(record_id, corrections.record_history(ledger.con, record_id))


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
