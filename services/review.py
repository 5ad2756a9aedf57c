"""Reviewing the ledger's records: flagged fields corrected or accepted by a person, a record's
history, and suspect resubmissions held for a person to accept or reject."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ledger import corrections, provenance, queries, store
from ledger.audit import audit
from ledger.corrections import Correction
from ledger.db import transaction
from schema.errors import PaichaError
from services.accounts import Principal, scope_where
from services.ledgers import Ledger


# what each warning code means, as the review page names it
CODE_LABELS = {"low_confidence": "识别置信度低", "checksum": "校验位不符", "total": "合计不符",
               "fixed_exceeds_found": "整改数多于排查数", "required": "未填写", "invalid": "无法识别",
               "date_order": "日期先后不符", "suspect_resubmission": "可疑重报", "unrecognized": "未识别的表格",
               "unit_mismatch": "填报单位不符",
               # OCR'd returns (parsers/ocr/trust.py, parsers/ocr/known.py)
               "ocr_corrected": "识别后已更正", "ocr_ambiguous": "与多个已知名称相近",
               "ocr_check_failed": "数字核验不符", "ocr_unclean": "数字中夹有其他字符",
               "ocr_unread": "该格未识别出内容", "ocr_unplaced": "识别出的内容未能对应到栏目",
               "ocr_cut": "可能漏读了字", "ocr_not_printed": "不是表上印好的检查项",
               "ocr_row_shift": "行号错位", "ocr_run_together": "两个名字连在一起",
               "ocr_label_as_value": "读到的是表头文字"}


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
class FlaggedBlock:
    total: int                       # rows in the whole queue
    start: int                       # the queue position of fields[0]
    fields: list[dict] = field(default_factory=list)


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
                   code: str | None = None, reporting_unit: str | None = None,
                   scope: Principal | None = None) -> Flagged:
    """Every warning of the current records `scope` may see, as a review queue (filters: exact values)."""
    filters = {"form_type": form_type, "record_id": record_id, "code": code, "reporting_unit": reporting_unit,
               "scope": None if scope is None else scope_where(scope, "r.reporting_unit")}
    return Flagged(corrections.flagged_fields(ledger.con, {k: v for k, v in filters.items() if v is not None}))


def flagged_block(ledger: Ledger, start: int, stop: int, scope: Principal | None = None) -> FlaggedBlock:
    """Rows start…stop-1 of the review queue `scope` may see and the queue's length, reading only the records
    those rows are in (the 核对 page: the current field and the block of the list it is in)."""
    filters = {} if scope is None else {"scope": scope_where(scope, "r.reporting_unit")}
    total, rows = corrections.flagged_block(ledger.con, max(0, start), max(0, stop), filters)
    return FlaggedBlock(total, max(0, start), rows)


def correct_field(ledger: Ledger, record_id: int, path: str, new_value: Any, actor: str = "",
                  reason: str = "", scope: Principal | None = None) -> Correction:
    """Set one field of a record (as a person types it); its hazards, inspections and statistics follow."""
    _visible(ledger, record_id, scope)
    with transaction(ledger.con):
        done = corrections.correct_field(ledger.con, record_id, path, new_value, actor, reason)
        _audit(ledger, scope, actor, "field_corrected", record_id, {"field": path, "value": done.old},
               {"field": path, "value": done.new, "reason": reason})
    return done


def accept_field(ledger: Ledger, record_id: int, path: str, actor: str = "", reason: str = "",
                 scope: Principal | None = None) -> Correction:
    """A flagged value confirmed as right: its warnings cleared, logged."""
    _visible(ledger, record_id, scope)
    with transaction(ledger.con):
        done = corrections.accept_field(ledger.con, record_id, path, actor, reason)
        _audit(ledger, scope, actor, "field_accepted", record_id, {"field": path, "flagged": True},
               {"field": path, "flagged": False, "reason": reason})
    return done


def record_history(ledger: Ledger, record_id: int, scope: Principal | None = None) -> RecordHistory:
    """A record's corrections and review events in time order."""
    _visible(ledger, record_id, scope)
    return RecordHistory(record_id, corrections.record_history(ledger.con, record_id))


def suspects(ledger: Ledger, scope: Principal | None = None) -> Suspects:
    """Resubmissions that lost most rows or filled fields of the record they would replace, waiting."""
    return Suspects([r for r in queries.suspects(ledger.con) if scope is None or scope.can_see_unit(r["reporting_unit"])])


def accept_resubmission(ledger: Ledger, record_id: int, actor: str = "", reason: str = "",
                        scope: Principal | None = None) -> Accepted:
    """Accept a suspect resubmission: it supersedes the record it was held against."""
    _visible(ledger, record_id, scope)
    with transaction(ledger.con):
        res = store.accept_resubmission(ledger.con, record_id, actor, reason)
        _audit(ledger, scope, actor, "resubmission_accepted", record_id, {"review": "suspect"},
               {"review": "accepted", "replaces": res.superseded[0][0], "reason": reason})
    return Accepted(record_id, res.superseded[0][0], res.hazards_kept, res.hazards_new)


def reject_resubmission(ledger: Ledger, record_id: int, actor: str = "", reason: str = "",
                        scope: Principal | None = None) -> Rejected:
    """Reject a suspect resubmission: kept as history, the old record stays current."""
    _visible(ledger, record_id, scope)
    with transaction(ledger.con):
        store.reject_resubmission(ledger.con, record_id, actor, reason)
        _audit(ledger, scope, actor, "resubmission_rejected", record_id, {"review": "suspect"},
               {"review": "rejected", "reason": reason})
    return Rejected(record_id)


def _visible(ledger: Ledger, record_id: int, scope: Principal | None) -> None:
    """not_found for a record that is not there or that `scope` may not see (the same answer)."""
    row = ledger.con.execute("SELECT reporting_unit FROM records WHERE id = ?", (int(record_id),)).fetchone()
    if row is None or (scope is not None and not scope.can_see_unit(row[0])):
        raise PaichaError(f"台账中没有编号为 {record_id} 的记录", code="not_found")


def _audit(ledger: Ledger, scope: Principal | None, actor: str, action: str, record_id: int, before: dict,
           after: dict) -> None:
    audit(ledger.con, scope.actor if scope else actor or "本机", action, ("record", record_id), before, after)


# --- where a flagged field was read (the review page) ------------------------------------------

CROP_MARGIN = 0.6          # context around a cell's crop, in cell heights
CROP_MAX_WIDTH = 960       # pixels
TABLE_CONTEXT = 5          # rows shown above and below the cell in a digital file's table
CROP_CACHE_VERSION = 1     # part of the cache key: bump when the drawing changes


@dataclass
class FieldSource:
    record_id: int
    path: str
    source_path: str                 # the file as the user named it
    where: dict | None               # ledger/provenance.py: the cell or line it was read from
    raw: str | None                  # the text as read there
    image: bool                      # a crop of the scan or photo can be drawn (cell_image)
    # the table around the cell, each row a list of {text, rowspan, colspan, hit}; first_row: its number
    rows: list[list[dict]] = field(default_factory=list)
    first_row: int = 0

    @property
    def place(self) -> str:
        """The cell in words: 第 5 行第 3 列 (1-based), or 表格外的文字行."""
        w = self.where or {}
        if "row" in w:
            page = f"第 {w['page']} 页，" if w.get("page") else ""
            return f"{page}表格第 {w['row'] + 1} 行第 {w['col'] + 1} 列"
        return "表格外的文字行" if "line" in w else ""


def field_source(ledger: Ledger, record_id: int, path: str, scope: Principal | None = None) -> FieldSource:
    """Where a record's field was read: the cell (its text, the table around it) and whether the scan's
    crop can be shown. PaichaError not_found for a record that does not exist (or `scope` may not see)."""
    _visible(ledger, record_id, scope)
    row = ledger.con.execute("SELECT r.json, s.path FROM records r JOIN sources s ON s.id = r.source_id "
                             "WHERE r.id = ?", (int(record_id),)).fetchone()
    if row is None:
        raise PaichaError(f"台账中没有编号为 {record_id} 的记录", code="not_found")
    prov = provenance.of_record(ledger.con, int(record_id))
    where = prov.field(path) if prov else None
    src = FieldSource(int(record_id), path, row["path"], where, None, False)
    if where is None:
        return src
    src.raw = where.get("text", where.get("line"))
    src.image = bool(where.get("box")) and _scan(row) and _readable(prov)
    snap = prov.tables.get(where.get("part") or "")
    if snap and "row" in where:
        src.first_row, src.rows = _table_window(snap, where)
    return src


def cell_image(ledger: Ledger, record_id: int, path: str, cache_dir: Path, scope: Principal | None = None) -> Path:
    """A PNG of the field's cell cut from the scan or photo (some context around it, the cell outlined in
    red), drawn once and kept in `cache_dir`. PaichaError not_found when there is no scan image for it."""
    src = field_source(ledger, record_id, path, scope)
    if not src.image:
        raise PaichaError("该字段没有可显示的扫描图像", code="not_found")
    prov = provenance.of_record(ledger.con, int(record_id))
    where = src.where
    key = json.dumps([CROP_CACHE_VERSION, prov.file, prov.member, where.get("page"), where["box"]])
    out = Path(cache_dir) / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.png"
    if not out.is_file():
        out.parent.mkdir(parents=True, exist_ok=True)
        crop = _crop(_page_image(prov, where.get("page")), where["box"])
        tmp = out.with_suffix(".part")
        crop.save(tmp, format="PNG")
        os.replace(tmp, out)
    return out


def _scan(row) -> bool:
    return json.loads(row["json"]).get("source", {}).get("format") in ("image", "pdf-scan")


def _readable(prov: provenance.Provenance) -> bool:
    return bool(prov.file) and Path(prov.file).is_file()


def _table_window(snap: dict, where: dict) -> tuple[int, list[list[dict]]]:
    """The rows of a table snapshot around the field's cell, as HTML-ready cells (spans clipped)."""
    top = max(0, where["row"] - TABLE_CONTEXT)
    bottom = min(snap["n_rows"], where["row"] + where.get("rowspan", 1) + TABLE_CONTEXT)
    rows: list[list[dict]] = [[] for _ in range(top, bottom)]
    for r, c, rs, cs, text in sorted(snap["cells"], key=lambda x: (max(x[0], top), x[1])):
        if r + rs <= top or r >= bottom:
            continue
        start = max(r, top)
        rows[start - top].append({"text": text, "rowspan": min(r + rs, bottom) - start, "colspan": cs,
                                  "hit": (r, c) == (where["row"], where["col"])})
    return top, rows


def _page_image(prov: provenance.Provenance, page: int | None):
    """The upright page image the OCR read (a photo, or a PDF page rendered as the reader did)."""
    import io
    import zipfile

    from PIL import Image, ImageOps
    data: bytes | None = None
    if prov.member:
        with zipfile.ZipFile(prov.file) as z:
            data = z.read(prov.member)
    if page is None:             # a photo or scan as an image file
        with Image.open(io.BytesIO(data) if data is not None else prov.file) as im:
            return ImageOps.exif_transpose(im).convert("RGB")
    import pypdfium2

    from parsers.readers.pdf import RENDER_DPI
    pdf = pypdfium2.PdfDocument(data if data is not None else prov.file)
    try:
        return pdf[page - 1].render(scale=RENDER_DPI / 72).to_pil().convert("RGB")
    finally:
        pdf.close()


def _crop(image, box):
    """The box (fractions of the page) with a margin of context, outlined in red, at most CROP_MAX_WIDTH wide."""
    from PIL import ImageDraw
    w, h = image.size
    x0, y0, x1, y1 = box[0] * w, box[1] * h, box[2] * w, box[3] * h
    pad = max(12.0, CROP_MARGIN * (y1 - y0))
    left, top = max(0, int(x0 - 3 * pad)), max(0, int(y0 - pad))
    right, bottom = min(w, int(x1 + 3 * pad)), min(h, int(y1 + pad))
    crop = image.crop((left, top, right, bottom))
    ImageDraw.Draw(crop).rectangle((x0 - left, y0 - top, x1 - left, y1 - top), outline=(200, 30, 30), width=3)
    if crop.width > CROP_MAX_WIDTH:
        crop = crop.resize((CROP_MAX_WIDTH, max(1, round(crop.height * CROP_MAX_WIDTH / crop.width))))
    return crop
