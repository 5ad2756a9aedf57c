"""Writing parsed records into the ledger (台账).

What a record means to the ledger (its subject, its supersede key, the rows that become
hazards, inspections or statistics rows) is read from its form spec's `ledger:` block
(schema/spec.py LedgerSpec); this module names no form type.

One source file = one transaction: its `sources` row, its records and the
entities drawn from them (enterprises, hazards, inspections, stats_rows) land
together or not at all. Re-importing the same bytes (same sha256) changes
nothing. A corrected resubmission of the same return (same supersede key)
supersedes the older record: the older record's hazards, inspections and
statistics rows become inactive, except hazards that reappear in the new
record, which keep their id, status and history. A hazard another return already
reported (the same enterprise, the same normalised description, not yet 销号) is the
same hazard: the new return becomes one more of its sources (hazard_sources), never a
second hazard; hazards of different enterprises are never merged.

A resubmission much poorer than the record it would supersede (data rows lost,
most filled fields now empty: a .xls or PDF damaged in transit has no checksum
to tell) does not supersede it: it is stored with a warning `suspect_resubmission`,
review 'suspect', and the older record stays current until a person calls
accept_resubmission or reject_resubmission.
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

import yaml

from ledger.db import transaction
from ledger.provenance import save as save_provenance
from schema.errors import PaichaError
from schema.keys import description_key, enterprise_key
from schema.record import Record, leaf_fields
from schema.spec import Condition, HazardMap, LedgerSpec, ledger_spec

ACTOR = "导入"   # hazard_events.actor for changes made by an import



@dataclass
class ImportResult:
    status: str                    # "new" or "unchanged"
    source_id: int
    record_ids: list[int] = field(default_factory=list)
    superseded: list[tuple[int, int]] = field(default_factory=list)   # (old record, new record)
    hazards_new: int = 0
    hazards_kept: int = 0          # hazards carried over from a superseded record
    hazards_merged: int = 0        # hazards another current return already reported: one more source
    suspects: list[tuple[int, int]] = field(default_factory=list)    # (suspect record, record kept current)


def record_period(rec: Record) -> str | None:
    """header.period, else the month of fill_date."""
    period = rec.header.get("period")
    if period:
        return str(period)
    fill = rec.header.get("fill_date")
    if fill and re.match(r"^\d{4}-\d{2}", str(fill)):
        return str(fill)[:7]
    return None


def supersede_period(rec: Record) -> str | None:
    """The reporting slot a return fills: the ISO week of fill_date for weekly forms, else record_period."""
    led = ledger_spec(rec.form_type)
    cadence = led.cadence if led else None
    fill = str(rec.header.get("fill_date") or rec.header.get("period") or "")
    if cadence in ("week", "day") and re.match(r"^\d{4}-\d{2}-\d{2}$", fill):
        d = datetime.strptime(fill, "%Y-%m-%d").date()
        if cadence == "day":
            return fill
        y, w, _ = d.isocalendar()
        return f"{y}-W{w:02d}"
    return record_period(rec)


_HAZARD_TEXT = Path(__file__).with_name("hazard_text.yaml")
_hazard_rules: list[tuple[re.Pattern, str]] | None = None


def hazard_statement(item: str | None) -> str | None:
    """A 自查表 question marked 不符合 as a problem statement: 是否建立… → 未建立… (rules in hazard_text.yaml)."""
    global _hazard_rules
    if not item:
        return item
    if _hazard_rules is None:
        data = yaml.safe_load(_HAZARD_TEXT.read_text(encoding="utf-8"))
        _hazard_rules = [(re.compile(r["pattern"]), r["replace"]) for r in data["rules"]]
    text = item.strip().rstrip("？?。")
    if text.count("是否") > 1:   # several questions in one item: which failed is unknown
        return f"不符合要求：{text}"
    for pattern, replace in _hazard_rules:
        if pattern.match(text):
            return pattern.sub(replace, text, count=1)
    return f"不符合要求：{text}"


def record_unit(rec: Record) -> str | None:
    """The reporting unit (the ledger block's `unit` paths: header.reporting_unit, the 调度表's village)."""
    led = ledger_spec(rec.form_type)
    return _value(rec, led.unit if led else ["header.reporting_unit"]) or None


def record_enterprise(rec: Record) -> str | None:
    """The enterprise a per-enterprise form is about (the ledger block's enterprise name)."""
    led = ledger_spec(rec.form_type)
    if led is None or led.subject != "enterprise":
        return None
    return _value(rec, led.enterprise["name"])


def supersede_key(rec: Record) -> str | None:
    """form_type + the ledger block's supersede parts (unit, period, enterprise, a record path);
    None when the subject (the enterprise, or the unit) is unknown."""
    led = ledger_spec(rec.form_type)
    if led is None:
        return None
    parts = [rec.form_type]
    for src in led.supersede:
        if src in ("unit", "enterprise"):
            v = enterprise_key(record_unit(rec) if src == "unit" else record_enterprise(rec))
        elif src == "period":
            v = supersede_period(rec) or ""
        else:
            v = str(_value(rec, [src]) or "")
        if src == led.subject and not v:
            return None   # whose return it is cannot be told: it supersedes nothing
        parts.append(v)
    return "|".join(parts)


# --- reading the ledger block's value sources --------------------------------------------------

def _is_filled(v: Any) -> bool:
    return v not in (None, "", [], {})


def _source_value(rec: Record, src: str, row: Any) -> Any:
    """One value source (schema/spec.py COMPUTED or a header. / data. / row. path)."""
    if src == "unit":
        return record_unit(rec)
    if src == "period":
        return supersede_period(rec)
    if src == "enterprise":
        return record_enterprise(rec)
    head, _, rest = src.partition(".")
    v = {"header": rec.header, "data": rec.data, "row": row}[head]
    for key in rest.split(".") if rest else []:
        v = v.get(key) if isinstance(v, dict) else None
    return v


def _first(rec: Record, sources: list[str], row: Any = None) -> tuple[str | None, Any]:
    """(source, value) of the first source that gives a filled value."""
    for src in sources:
        v = _source_value(rec, src, row)
        if _is_filled(v):
            return src, v
    return None, None


def _value(rec: Record, sources: list[str], row: Any = None) -> Any:
    return _first(rec, sources, row)[1]


def _text(rec: Record, sources: list[str], row: Any, i: int, n: int) -> str | None:
    """A hazard column: a record-level list as long as the rows gives row i's item, any other list
    all its items joined (整改措施 paired with 存在问题)."""
    src, v = _first(rec, sources, row)
    if not isinstance(v, list):
        return v
    items = [str(x) for x in v if _is_filled(x)]
    if len(items) == n and not src.startswith("row"):
        return items[i]
    return "；".join(items) or None


def _meets(rec: Record, row: Any, cond: Condition) -> bool:
    return any(_source_value(rec, p, row) in cond.values for p in cond.paths)


def _rows(rec: Record, path: str) -> list:
    """The rows a path names: a list's filled items, or one dict."""
    v = _source_value(rec, path, None)
    if isinstance(v, dict):
        return [v]
    return [r for r in v if _is_filled(r)] if isinstance(v, list) else []


def import_records(con: sqlite3.Connection, source: dict, records: list[Record],
                   path_on_disk: Path | None = None) -> ImportResult:
    """Import one file's records in one transaction; the same bytes twice → status "unchanged"."""
    with transaction(con):
        return _import(con, source, records, path_on_disk)


def import_many(con: sqlite3.Connection, items: Iterable[tuple[dict, list[Record]]],
                provenance: list[list[dict]] | None = None) -> list[ImportResult]:
    """Several sources (the members of one zip) in one transaction; `provenance`: per source, per record,
    where its fields were read (ledger/provenance.py), stored beside each new record."""
    with transaction(con):
        results = [_import(con, src, recs, None) for src, recs in items]
        for result, provs in zip(results, provenance or []):
            for rid, prov in zip(result.record_ids, provs):
                save_provenance(con, rid, prov)
        return results


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _import(con, source: dict, records: list[Record], path_on_disk: Path | None) -> ImportResult:
    sha = source.get("sha256")
    if not sha:
        if path_on_disk is None:
            raise ValueError("source has no sha256 and no path_on_disk")
        sha = hashlib.sha256(Path(path_on_disk).read_bytes()).hexdigest()
    row = con.execute("SELECT id FROM sources WHERE sha256 = ?", (sha,)).fetchone()
    if row:
        return ImportResult("unchanged", row[0])
    cur = con.execute("INSERT INTO sources (sha256, path, format, imported_at) VALUES (?, ?, ?, ?)",
                      (sha, str(source.get("path") or path_on_disk or ""), source.get("format") or "", _now()))
    result = ImportResult("new", cur.lastrowid)
    for rec in records:
        _import_record(con, result, rec, source)
    return result


def _import_record(con, result: ImportResult, rec: Record, source: dict) -> None:
    """Store one record; it supersedes the current record of the same return unless it is older or suspect.

    A suspect record gets its warning added to `rec.warnings` (the caller's record, so
    the parse output shows it too)."""
    key = supersede_key(rec)
    fill = rec.header.get("fill_date")
    # The current record of the same return from another file, if any.
    older = None
    if key:
        older = con.execute(
            "SELECT r.id, r.fill_date, r.json, s.path FROM records r JOIN sources s ON s.id = r.source_id"
            " WHERE r.supersede_key = ? AND r.superseded_by IS NULL AND r.source_id <> ? ORDER BY r.id DESC",
            (key, result.source_id)).fetchone()
    late = older is not None and (older["fill_date"] or "") > (fill or "")
    lost = [] if older is None or late else poorer(Record.from_json(json.loads(older["json"])), rec)
    if lost:
        rec.warn("record", "suspect_resubmission", _suspect_message(older, lost), replaces=older["id"])
    cur = con.execute(
        "INSERT INTO records (source_id, part, form_type, reporting_unit, period, fill_date,"
        " supersede_key, warnings, json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (result.source_id, str(rec.source.get("part") or ""), rec.form_type, record_unit(rec),
         record_period(rec), fill, key, len(rec.warnings),
         json.dumps(rec.to_json(), ensure_ascii=False), _now()))
    rid = cur.lastrowid
    result.record_ids.append(rid)

    if late:
        # a late import of an earlier version: kept for history, superseded at once
        con.execute("UPDATE records SET superseded_by = ? WHERE id = ?", (older["id"], rid))
        result.superseded.append((rid, older["id"]))
        _draw_entities(con, result, rec, rid, active=False, carry_from=None)
    elif lost:
        # kept aside, the older record stays current; entities are drawn only if a person accepts it
        con.execute("UPDATE records SET superseded_by = ?, review = 'suspect' WHERE id = ?", (older["id"], rid))
        _record_event(con, rid, ACTOR, "suspect", rec.warnings[-1]["message"])
        result.suspects.append((rid, older["id"]))
    else:
        _supersede(con, result, rec, rid, older["id"] if older else None)


def _supersede(con, result: ImportResult, rec: Record, rid: int, older_id: int | None) -> None:
    """Make record `rid` current: it replaces `older_id` (if any), whose entities become inactive
    except the hazards that reappear, which are carried over."""
    if older_id:
        con.execute("UPDATE records SET superseded_by = ? WHERE id = ?", (rid, older_id))
        result.superseded.append((older_id, rid))
    _draw_entities(con, result, rec, rid, active=True, carry_from=older_id)
    if older_id:
        _rehome(con, older_id)
        for table in ("hazards", "inspections", "stats_rows"):
            con.execute(f"UPDATE {table} SET active = 0 WHERE record_id = ?", (older_id,))


# --- suspect resubmissions ---------------------------------------------------------------------

_LISTS = {"rows": ("数据行", "行"), "items": ("检查项", "项")}   # how a list of rows is named in messages


def poorer(old: Record, new: Record) -> list[str]:
    """What `new` lost against `old`, in Chinese; empty unless it is much poorer.

    Much poorer: a list of rows (data.rows, data.items) shrank below half, or more than
    half of the fields filled in `old` are empty or gone in `new`."""
    lost = []
    old_rows, new_rows = _row_counts(old.data), _row_counts(new.data)
    for name, n in old_rows.items():
        m = new_rows.get(name, 0)
        if m * 2 < n:
            what, unit = _LISTS.get(name, (name, "条"))
            lost.append(f"{what}由 {n} {unit}减为 {m} {unit}")
    before = _filled(old)
    gone = [p for p in before if p not in _filled(new)]
    if before and len(gone) * 2 > len(before):
        from schema.labels import field_label
        names = list(dict.fromkeys(field_label(old.form_type, p) for p in gone))
        lost.append(f"原有 {len(before)} 项已填内容中 {len(gone)} 项现为空（{'、'.join(names[:4])}"
                    + ("等" if len(names) > 4 else "") + "）")
    return lost


def _row_counts(data: dict) -> dict[str, int]:
    """{list name: number of rows} of the lists of rows (lists of dicts) at the top of data."""
    return {k: len(v) for k, v in data.items()
            if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)}


def _filled(rec: Record) -> set[str]:
    """The dotted paths of the header and data fields that hold a value (0 and 无 count as filled)."""
    leaves = leaf_fields({"header": rec.header, "data": rec.data})
    return {p for p, v in leaves.items() if v not in (None, "", [], {})}


def _suspect_message(older, lost: list[str]) -> str:
    dated = f"，填报日期 {older['fill_date']}" if older["fill_date"] else ""
    return (f"疑似损坏的重报：本表将取代记录 {older['id']}（{older['path']}{dated}），但{'；'.join(lost)}。"
            f"原记录仍为当前记录，请核对原件后确认是否采用（cli.py record accept / reject）")


def accept_resubmission(con: sqlite3.Connection, record_id: int, actor: str, reason: str = "") -> ImportResult:
    """A person accepts a suspect resubmission: it supersedes the record it was held against,
    hazards carried over or replaced as in any supersession."""
    with transaction(con):
        row = _suspect(con, record_id)
        old_id = row["superseded_by"]
        newer = con.execute("SELECT superseded_by FROM records WHERE id = ?", (old_id,)).fetchone()[0]
        if newer is not None:
            raise PaichaError(f"记录 {old_id} 已由记录 {newer} 取代，记录 {record_id} 不能再取代它；"
                              f"如不再需要请用 reject 处理", code="bad_status")
        con.execute("UPDATE records SET superseded_by = NULL, review = 'accepted' WHERE id = ?", (record_id,))
        result = ImportResult("accepted", row["source_id"], [record_id])
        _supersede(con, result, Record.from_json(json.loads(row["json"])), record_id, old_id)
        _record_event(con, record_id, actor, "accepted", _note(f"确认采用，取代记录 {old_id}", reason))
    return result


def reject_resubmission(con: sqlite3.Connection, record_id: int, actor: str, reason: str = "") -> None:
    """A person rejects a suspect resubmission: kept as history, never current."""
    with transaction(con):
        row = _suspect(con, record_id)
        con.execute("UPDATE records SET review = 'rejected' WHERE id = ?", (record_id,))
        _record_event(con, record_id, actor, "rejected",
                      _note(f"不予采用，记录 {row['superseded_by']} 仍为当前记录", reason))


def _suspect(con, record_id: int) -> sqlite3.Row:
    row = con.execute("SELECT * FROM records WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        raise PaichaError(f"台账中没有编号为 {record_id} 的记录", code="no_record")
    if row["review"] != "suspect":
        state = {"accepted": "已确认采用", "rejected": "已不予采用"}.get(row["review"], "不是待确认的疑似损坏重报")
        raise PaichaError(f"记录 {record_id} {state}", code="bad_status")
    return row


def _note(text: str, reason: str) -> str:
    return f"{text}：{reason}" if reason else text


def _record_event(con, rid: int, actor: str, action: str, note: str | None) -> None:
    con.execute("INSERT INTO record_events (record_id, at, actor, action, note) VALUES (?, ?, ?, ?, ?)",
                (rid, _now(), actor, action, note))


# --- entities --------------------------------------------------------------------------------

def _draw_entities(con, result: ImportResult, rec: Record, rid: int, active: bool,
                   carry_from: int | None, actor: str = ACTOR,
                   carry_event: tuple[str, str] | None = None) -> list[int]:
    """Enterprises, inspections, hazards and stats_rows of one record, as its ledger block says.

    The active hazards of record `carry_from` that reappear keep their id, status and history,
    with an event (action, note): by default a resubmission's; returns their ids."""
    led = ledger_spec(rec.form_type)
    kept: list[int] = []
    if led is None:
        return kept
    unit = record_unit(rec)
    subject = _enterprise(con, None, rid)
    if led.subject == "enterprise":
        subject = _enterprise_from(con, rec, rid, led.enterprise, None, led.authoritative)
    if led.inspection:
        inspectors = _value(rec, led.inspection.get("inspectors", []))
        con.execute("INSERT INTO inspections (record_id, enterprise_id, enterprise, check_date,"
                    " inspectors, active) VALUES (?, ?, ?, ?, ?, ?)",
                    (rid, subject["enterprise_id"], record_enterprise(rec),
                     _value(rec, led.inspection.get("check_date", [])),
                     "、".join(inspectors) if isinstance(inspectors, list) else inspectors or "", int(active)))
    hazards: list[dict] = []
    for hm in led.hazards:
        hazards += _hazards_drawn(con, rec, rid, hm, subject)
    if led.stats:
        for row in _rows(rec, led.stats.rows):
            if isinstance(row, dict):
                _stats_row(con, rid, rec.form_type, unit, _value(rec, led.stats.unit, row),
                           record_period(rec), row, active)

    carried = _hazards_of(con, carry_from) if carry_from else {}
    for hz in hazards:
        if not (hz.get("description") or "").strip():
            continue
        hz.setdefault("reporting_unit", unit)
        old_id = carried.pop((hz["enterprise_key"], description_key(hz["description"])), None)
        if old_id is not None and active:
            action, note = carry_event or ("resubmitted", f"更正报送：记录 {carry_from} 由记录 {rid} 取代")
            _carry_hazard(con, old_id, rid, hz, actor, action, note)
            result.hazards_kept += 1
            kept.append(old_id)
        elif active and (same := _reported_elsewhere(con, rid, hz)) is not None:
            _add_source(con, same, rid, hz, actor)
            result.hazards_merged += 1
        else:
            _insert_hazard(con, rid, hz, active, actor)
            result.hazards_new += int(active)
    return kept


def hazard_key(enterprise: str | None, description: str | None) -> str:
    """The key two returns' hazards are one hazard by: the normalised enterprise name and description
    (empty when either is missing: such a hazard is never merged)."""
    e, d = enterprise_key(enterprise), description_key(description)
    return f"{e}|{d}" if e and d else ""


def _reported_elsewhere(con, rid: int, hz: dict) -> int | None:
    """The active, not 销号 hazard of another record with the same enterprise (its ledger id) and the
    same hazard_key, else None."""
    key = hazard_key(hz.get("enterprise"), hz.get("description"))
    if hz.get("enterprise_id") is None or not key:
        return None
    for r in con.execute("SELECT id, enterprise, description FROM hazards WHERE enterprise_id = ? AND active = 1"
                         " AND status <> 'closed' AND record_id <> ? ORDER BY id", (hz["enterprise_id"], rid)):
        if description_key(r["description"]) == description_key(hz["description"]):
            return r["id"]
    return None


def _add_source(con, hid: int, rid: int, hz: dict, actor: str) -> None:
    """Record `rid` reports hazard `hid` too: one more source and an event naming it (once per record)."""
    if con.execute("SELECT 1 FROM hazard_sources WHERE hazard_id = ? AND record_id = ?", (hid, rid)).fetchone():
        return
    unit = hz.get("reporting_unit")
    con.execute("INSERT INTO hazard_sources (hazard_id, record_id, reporting_unit, at) VALUES (?, ?, ?, ?)",
                (hid, rid, unit, _now()))
    # what the ledger lacks is filled in; a return that names it 重大 makes it major
    con.execute("UPDATE hazards SET measure = COALESCE(measure, ?), deadline = COALESCE(deadline, ?),"
                " responsible = COALESCE(responsible, ?), level = CASE WHEN ? = 'major' THEN 'major' ELSE level END"
                " WHERE id = ?", (hz.get("measure"), hz.get("deadline"), hz.get("responsible"), hz.get("level"), hid))
    status = con.execute("SELECT status FROM hazards WHERE id = ?", (hid,)).fetchone()[0]
    _event(con, hid, "reported_again", status, status, f"{unit or '另一单位'}的记录 {rid} 也报送了本隐患", actor)


def _rehome(con, record_id: int) -> None:
    """Before a superseded record's hazards go inactive: a hazard another current return also reports
    stays active, that return now its first source."""
    for r in con.execute("SELECT h.id, s.id AS sid, s.record_id, s.reporting_unit FROM hazards h"
                         " JOIN hazard_sources s ON s.hazard_id = h.id JOIN records r ON r.id = s.record_id"
                         " WHERE h.record_id = ? AND h.active = 1 AND r.superseded_by IS NULL ORDER BY s.id",
                         (record_id,)).fetchall():
        if con.execute("SELECT record_id FROM hazards WHERE id = ?", (r["id"],)).fetchone()[0] != record_id:
            continue                                  # moved already, by an earlier source
        con.execute("UPDATE hazards SET record_id = ?, reporting_unit = COALESCE(?, reporting_unit) WHERE id = ?",
                    (r["record_id"], r["reporting_unit"], r["id"]))
        con.execute("DELETE FROM hazard_sources WHERE id = ?", (r["sid"],))
        status = con.execute("SELECT status FROM hazards WHERE id = ?", (r["id"],)).fetchone()[0]
        _event(con, r["id"], "resubmitted", status, status,
               f"记录 {record_id} 已被取代，本隐患仍由记录 {r['record_id']} 报送", ACTOR)


def _enterprise_from(con, rec: Record, rid: int, mapping: dict[str, list[str]], row: Any,
                     authoritative: bool = False) -> dict:
    """_enterprise with the values a ledger block's enterprise mapping reads from the record (and row)."""
    values = {k: _value(rec, v, row) for k, v in mapping.items()}
    name = values.pop("name", None)
    return _enterprise(con, str(name) if name is not None else None, rid,
                       credit_code=values.pop("credit_code", None), authoritative=authoritative, **values)


def _hazards_drawn(con, rec: Record, rid: int, hm: HazardMap, subject: dict) -> list[dict]:
    """The hazards one HazardMap draws from a record (those without a description are dropped later)."""
    rows = _rows(rec, hm.rows)
    out = []
    for i, row in enumerate(rows):
        if hm.when and not _meets(rec, row, hm.when):
            continue
        owner = _enterprise_from(con, rec, rid, hm.enterprise, row) if hm.enterprise else subject
        description = _text(rec, hm.description, row, i, len(rows))
        level = _value(rec, hm.level, row)
        hz = dict(owner, description=hazard_statement(description) if hm.question else description,
                  measure=_text(rec, hm.measure, row, i, len(rows)),
                  deadline=_value(rec, hm.deadline, row),
                  responsible=_text(rec, hm.responsible, row, i, len(rows)),
                  found_date=_value(rec, hm.found_date, row),
                  level=hm.level_value if level is None else ("major" if "重大" in str(level)
                                                              or str(level) == "major" else "general"),
                  origin=rec.form_type,
                  note=hm.note[1] if hm.note and _meets(rec, row, hm.note[0]) else None)
        reporting_unit = _value(rec, hm.reporting_unit, row)
        if reporting_unit is not None:
            hz["reporting_unit"] = reporting_unit
        out.append(hz)
    return out


def _enterprise(con, name: str | None, rid: int, credit_code: str | None = None,
                authoritative: bool = False, **fields: Any) -> dict:
    """Find or create the enterprise (by credit code, else by normalised name).

    Returns the fields a hazard takes from it: enterprise_id, enterprise, enterprise_key, town, industry.
    """
    key = enterprise_key(name)
    blank = {"enterprise_id": None, "enterprise": name or "", "enterprise_key": key,
             "town": fields.get("town"), "industry": fields.get("industry")}
    if not key and not credit_code:
        return blank
    code = (credit_code or "").strip().upper() or None
    row = None
    if code:
        row = con.execute("SELECT * FROM enterprises WHERE credit_code = ?", (code,)).fetchone()
    if row is None and key:
        row = con.execute("SELECT * FROM enterprises WHERE norm_name = ?", (key,)).fetchone()
    if row is None:
        if not key:
            return blank
        cur = con.execute("INSERT INTO enterprises (name, norm_name, credit_code, town, industry, address,"
                          " record_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                          (name.strip(), key, code, fields.get("town"), fields.get("industry"),
                           fields.get("address"), rid))
        eid = cur.lastrowid
        town, industry = fields.get("town"), fields.get("industry")
    else:
        eid = row["id"]
        # fill what the ledger lacks; a 摸底登记表 (authoritative) overwrites
        updates: dict[str, Any] = {}
        for col in ("town", "industry", "address"):
            v = fields.get(col)
            if v and (authoritative or not row[col]):
                updates[col] = v
        if code and not row["credit_code"]:
            taken = con.execute("SELECT 1 FROM enterprises WHERE credit_code = ?", (code,)).fetchone()
            if not taken:
                updates["credit_code"] = code
        if authoritative:
            updates["record_id"] = rid
        if updates:
            sets = ", ".join(f"{c} = ?" for c in updates)
            con.execute(f"UPDATE enterprises SET {sets} WHERE id = ?", (*updates.values(), eid))
        town = updates.get("town", row["town"])
        industry = updates.get("industry", row["industry"])
    return {"enterprise_id": eid, "enterprise": name or row["name"], "enterprise_key": key or enterprise_key(row["name"]),
            "town": fields.get("town") or town, "industry": fields.get("industry") or industry}


def _hazards_of(con, record_id: int) -> dict[tuple[str, str], int]:
    """{(enterprise key, description key): hazard id} of a record's active hazards."""
    out = {}
    for r in con.execute("SELECT id, enterprise, description FROM hazards WHERE record_id = ? AND active = 1",
                         (record_id,)):
        out.setdefault((enterprise_key(r["enterprise"]), description_key(r["description"])), r["id"])
    return out


_HAZARD_COLS = ("enterprise_id", "enterprise", "town", "industry", "reporting_unit", "description",
                "measure", "level", "origin", "found_date", "deadline", "responsible")


def _insert_hazard(con, rid: int, hz: dict, active: bool, actor: str = ACTOR) -> int:
    values = [hz.get(c) for c in _HAZARD_COLS]
    values[_HAZARD_COLS.index("level")] = hz.get("level") or "general"
    cur = con.execute(
        f"INSERT INTO hazards (record_id, {', '.join(_HAZARD_COLS)}, status, active)"
        f" VALUES (?, {', '.join('?' for _ in _HAZARD_COLS)}, 'open', ?)",
        (rid, *values, int(active)))
    hid = cur.lastrowid
    if active:
        _event(con, hid, "found", None, "open", hz.get("note"), actor)
    return hid


def _carry_hazard(con, hid: int, rid: int, hz: dict, actor: str, action: str, note: str) -> None:
    """A hazard that reappears in a corrected resubmission (or a corrected record): same id and
    status, new details."""
    con.execute("UPDATE hazards SET record_id = ?, measure = COALESCE(?, measure),"
                " deadline = COALESCE(?, deadline), responsible = COALESCE(?, responsible),"
                " enterprise_id = COALESCE(?, enterprise_id) WHERE id = ?",
                (rid, hz.get("measure"), hz.get("deadline"), hz.get("responsible"),
                 hz.get("enterprise_id"), hid))
    status = con.execute("SELECT status FROM hazards WHERE id = ?", (hid,)).fetchone()[0]
    if hz.get("note"):
        note += f"；{hz['note']}"
    _event(con, hid, action, status, status, note, actor)


def _event(con, hid: int, action: str, from_status: str | None, to_status: str | None,
           note: str | None, actor: str = ACTOR) -> None:
    con.execute("INSERT INTO hazard_events (hazard_id, at, actor, action, from_status, to_status, note)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)", (hid, _now(), actor, action, from_status, to_status, note))


def _stats_row(con, rid: int, form_type: str, reporting_unit: str | None, unit: str | None,
               period: str | None, data: dict, active: bool) -> None:
    con.execute("INSERT INTO stats_rows (record_id, form_type, reporting_unit, unit, period, data, active)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (rid, form_type, reporting_unit, unit, period, json.dumps(data, ensure_ascii=False),
                 int(active)))
