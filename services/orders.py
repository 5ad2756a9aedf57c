"""责令限期整改指令书: issue, print again, the register, and the blank hazard list to type orders in;
现场处理措施决定书; first-page previews of generated documents."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from generators import documents, order
from generators.documents import IssuedDocument
from generators.order import OrderResult
from ledger import orders as ledger_orders
from ledger import queries
from ledger.audit import audit
from ledger.db import transaction
from schema.errors import InputError
from services.ledgers import Ledger

PREVIEW_SCALE = 1.2            # 1.2 × 72 dpi: an A4 page about 714 px wide, legible on screen


@dataclass
class Written:
    out: Path


@dataclass
class OrderableHazards:
    # open hazards not under a live order, by enterprise: {enterprise, town, hazards: [rows]} each (the
    # hazards' queries.ORDERABLE_COLUMNS)
    enterprises: list[dict] = field(default_factory=list)
    total: int = 0                  # enterprises matching (all pages)
    page: int = 1
    per_page: int = 50

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass
class Register:
    # every order, oldest first: number, enterprise, issued, status, status_label, n_items, first/last_deadline,
    # void_reason, printed_at
    orders: list[dict] = field(default_factory=list)
    total: int = 0                  # orders `scope` may see (more than `orders` when only the last are listed)


def officers_of(names: list[str], cert_nos: list[str]) -> list[dict]:
    """The two 执法人员 printed, as typed (name and 证号 pairs; a missing second one prints blank lines);
    [] when none was typed (the authority file's are printed). A 证号 without a name is refused."""
    out = []
    for name, cert in zip(names, cert_nos):
        name, cert = (name or "").strip(), (cert or "").strip()
        if cert and not name:
            raise InputError(f"执法证号“{cert}”没有对应的执法人员姓名", code="bad_officer")
        if name:
            out.append({"name": name, "cert_no": cert})
    if len(out) > 2:
        raise InputError("文书上只印两名执法人员", code="bad_officer")
    return out + [{"name": "", "cert_no": ""}] * (2 - len(out)) if out else []


def issue_orders(ledger: Ledger | None, out_dir: Path, enterprises: list[str] | None = None,
                 town: str | None = None, since: str | None = None, until: str | None = None,
                 source: str | None = None, hazards_xlsx: Path | None = None, spec: Path | None = None,
                 config: Path | None = None, actor: str = "", pdf: bool = False, issued: str | None = None,
                 unprinted_only: bool = False, hazard_ids: list[int] | None = None,
                 deadlines: dict[int, str] | None = None, deadline: str | None = None,
                 officers: list[dict] | None = None, scope=None) -> OrderResult:
    """One order per enterprise from the ledger's open hazards (or a typed hazard list / a spec); every
    document, the merged print file and the register are written under `out_dir`.

    hazard_ids: only these hazards; deadline: one 整改期限 for all of them, deadlines (hazard id → date,
    as typed) per item over it; officers: the 执法人员 printed ({name, cert_no} each, officers_of)."""
    if hazard_ids is not None and not hazard_ids:
        raise InputError("请至少选择一项隐患", code="nothing_chosen")
    given = {h: deadline for h in hazard_ids or []} if deadline else {}
    given.update({h: d for h, d in (deadlines or {}).items() if d})
    dated = {int(h): documents.to_iso(d, f"隐患 {h} 的整改期限") for h, d in given.items()}
    result = order.issue_orders(
        db=ledger.path if ledger else None, out_dir=Path(out_dir), enterprises=enterprises or None, town=town,
        since=since, until=until, source=source, hazards_xlsx=Path(hazards_xlsx) if hazards_xlsx else None,
        spec=Path(spec) if spec else None, config=Path(config) if config else None, actor=actor, pdf=pdf,
        issued=issued, unprinted_only=unprinted_only,
        hazard_ids=[int(h) for h in hazard_ids] if hazard_ids is not None else None,
        deadlines=dated or None, officers=officers or None)
    if ledger is not None and result.orders:
        # generators.order numbers and stores the orders on a connection of its own; the log follows at once
        with transaction(ledger.con):
            for o in result.orders:
                audit(ledger.con, scope.actor if scope else actor or "本机", "orders_issued", ("order", o.number),
                      None, {"enterprise": o.enterprise, "items": o.n_items})
    return result


def reprint_orders(ledger: Ledger, out_dir: Path, numbers: list[str], config: Path | None = None,
                   pdf: bool = False, officers: list[dict] | None = None) -> OrderResult:
    """The documents of orders `numbers` (文号 or serial) printed again from the ledger."""
    return order.reprint_orders(ledger.path, Path(out_dir), numbers, config=Path(config) if config else None,
                                pdf=pdf, officers=officers or None)


def order_register(ledger: Ledger, out: Path) -> Written:
    """指令书登记簿 of every order in the ledger (.xlsx)."""
    return Written(order.write_register(ledger.con, Path(out)))


def list_orders(ledger: Ledger, scope=None, last: int | None = None) -> Register:
    """The register's rows (void orders too, with their reason) `scope` may see: an 企业 its own; with
    `last`, only the last `last` of them (still oldest first), `total` counting all."""
    if scope is None or scope.enterprise is None and scope.units is None:       # sees every order
        rows = [dict(r) for r in ledger_orders.all_orders(ledger.con, last=last)]
        total = ledger_orders.count_orders(ledger.con) if last else len(rows)
    elif scope.enterprise:                                                     # an 企业: its own
        rows = [dict(r) for r in ledger_orders.all_orders(ledger.con, scope.enterprise, last)]
        total = ledger_orders.count_orders(ledger.con, scope.enterprise) if last else len(rows)
    else:
        rows = [dict(r) for r in ledger_orders.all_orders(ledger.con) if scope.can_see_enterprise(r["enterprise"])]
        total = len(rows)
        rows = rows[-last:] if last else rows
    for r in rows:
        r["status_label"] = ledger_orders.ORDER_STATUS.get(r["status"], r["status"])
    return Register(rows, total)


def order_file(ledger: Ledger, number: str, scope=None) -> tuple[Path, str]:
    """(path, download name) of an order's printed document; not_found when there is none or `scope` may
    not see the order (an 企业 its own only)."""
    row = ledger.con.execute("SELECT number, enterprise, file FROM orders WHERE number = ?", (number,)).fetchone()
    if row is None or not row["file"] or not Path(row["file"]).is_file() or (
            scope is not None and not scope.can_see_enterprise(row["enterprise"])):
        raise InputError(f"找不到指令书“{number}”的文书", code="not_found")
    return Path(row["file"]), f"{row['number']}（{row['enterprise']}）{Path(row['file']).suffix}"


def orderable_hazards(ledger: Ledger, town: str | None = None, search: str | None = None, page: int = 1,
                      per_page: int = 50) -> OrderableHazards:
    """The open hazards an order can be issued for (none already under a live order), by enterprise
    (by 镇街, then name), `per_page` enterprises a page; only a 镇街's when `town` is given, only
    enterprises whose name contains `search` when given."""
    page, per_page = max(1, int(page)), max(1, int(per_page))
    groups, total = queries.orderable_page(ledger.con, town or None, search, per_page, (page - 1) * per_page)
    return OrderableHazards(groups, total, page, per_page)


def enterprise_names(ledger: Ledger, search: str | None = None, limit: int = 20) -> list[str]:
    """The enterprises' names a 决定书 suggests for its 被处理单位 as it is typed: the first `limit`
    containing `search`."""
    return queries.enterprise_names(ledger.con, search, limit)


def hazard_template(out: Path) -> Written:
    """The blank 隐患清单 .xlsx that `issue_orders(hazards_xlsx=…)` reads."""
    return Written(order.write_hazard_template(Path(out)))


# --- 现场处理措施决定书 --------------------------------------------------------------------------------

def decision_measures() -> dict[str, str]:
    """The 现场处理措施 a 现场处理措施决定书 offers: short name → the wording printed."""
    return dict(documents.load_kind("xianjue").fields["measures"]["choices"])


def issue_decision(ledger: Ledger, out_dir: Path, enterprise: str, measures: list[str],
                   problems: list[str] | None = None, officers: list[dict] | None = None,
                   issued: str | None = None, inspected: str | None = None, actor: str = "",
                   config: Path | None = None, scope=None) -> IssuedDocument:
    """A numbered 现场处理措施决定书 for an enterprise (templates/kinds/xianjue.yaml): `measures` short names
    or wording; `problems` default to the enterprise's open hazards in the ledger."""
    cfg = documents.load_authority(config)
    if officers:
        cfg["officers"] = officers
    context = {"enterprise": (enterprise or "").strip(), "measures": [m for m in measures if m.strip()],
               "problems": [p for p in problems or [] if p.strip()] or None}
    if issued:
        context["issued"] = documents.to_iso(issued, "出具日期")
    if inspected:
        context["inspected"] = documents.to_iso(inspected, "现场检查日期")
    doc = documents.issue_document("xianjue", ledger.con, context, Path(out_dir), cfg=cfg, actor=actor)
    with transaction(ledger.con):          # numbered and recorded by generators.documents; logged at once
        audit(ledger.con, scope.actor if scope else actor or "本机", "document_issued", (doc.kind, doc.number), None,
              {"kind": doc.name, "enterprise": doc.enterprise})
    return doc


# --- previews --------------------------------------------------------------------------------------------

def preview_pages(document: Path, cache_dir: Path, pages: int = 1) -> list[Path]:
    """The first `pages` pages of a .docx/.xlsx/.pdf as PNG (LibreOffice → PDF → pypdfium2), cached in
    `cache_dir` by the file's content: a document is converted once."""
    import pypdfium2 as pdfium

    from schema.office import to_pdf

    document, cache_dir = Path(document), Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(document.read_bytes()).hexdigest()
    wanted = [cache_dir / f"{digest}-{n}.png" for n in range(1, pages + 1)]
    counted = cache_dir / f"{digest}.pages"             # the document's page count, written last
    if counted.exists():
        cached = wanted[:int(counted.read_text())]
        if all(p.exists() for p in cached):
            return cached
    made = document.suffix.lower() != ".pdf"
    pdf = to_pdf(document, cache_dir / f".{digest}.{os.getpid()}.pdf") if made else document
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for n, path in enumerate(wanted[:len(doc)]):
            tmp = path.with_name(f".{path.stem}.{os.getpid()}.png")
            doc[n].render(scale=PREVIEW_SCALE).to_pil().save(tmp, "PNG")
            os.replace(tmp, path)
        total = len(doc)
    finally:
        doc.close()
        if made:
            pdf.unlink(missing_ok=True)
    counted.write_text(str(total))
    return wanted[:total]
