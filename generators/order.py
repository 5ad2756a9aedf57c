"""责令限期整改指令书 in batch, 整改复查意见书 and 现场检查记录.

Form: the national 式样 of 2016 (安全生产行政执法文书) with the 应急 prefix, 6个月 for
litigation and 行政复议 to the same-level people's government; the fixed wording is in the
editable templates (templates/order_*.docx, built by templates/build_order_templates.py),
names in templates/authority.yaml. Each document is a kind (templates/kinds/*.yaml) rendered by
generators/documents.py; this module keeps the order flow.

Inputs: the ledger's open hazards (one order per enterprise), a hazard list .xlsx
(write_hazard_template) or a YAML spec (samples/orders/). Numbers come from the ledger
(ledger/orders.py): a run claims and numbers its orders in one transaction, then prints them from
the ledger, so a document can always be printed again (reprint_orders) and a run stopped after
numbering is finished by the next. Each template is prepared once and rendered per order from one
compiled Jinja template with autoescape, so user text is always literal (documents.PreparedTemplate). Every file is written
under a temporary name and moved into place, and the merged print file and register are named by
the run's numbers, so runs sharing an output folder never overwrite each other's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from generators import documents, legal_basis
from generators.documents import (  # noqa: F401  (PreparedTemplate, prepared, replacing: this module's API too)
    PreparedTemplate, authority_context, clean, load_authority, prepared, replacing, safe_filename, to_iso)
from generators.documents import first_line as _first_line
from generators.excel import write
from generators.mark import mark_xlsx
from ledger import orders as ledger_orders
from ledger.backend import is_server
from ledger.db import connect, transaction
from ledger.orders import OrderDraft, OrderItem
from schema.dates import date_text
from schema.errors import InputError, PaichaError

ZHILING = documents.load_kind("zhiling")
ORDER_TEMPLATE = ZHILING.template
DEFAULT_DB_NAME = "指令书台账.db"
MERGED_NAME = "指令书合并打印（{label}）.docx"        # label: the run's numbers, run_label
REGISTER_NAME = "指令书登记簿（{label}）.xlsx"
HAZARD_COLUMNS = ("企业名称", "地址", "负责人", "问题描述", "整改期限", "依据（可选）", "执法人员", "执法证号")
# header variants of the officer column pair in a hazard list (执法人员1/执法证号1… number a pair)
OFFICER_NAME_HEADS = ("执法人员", "执法人员姓名", "执法检查人员", "检查人员", "执法人", "检查人")
OFFICER_CERT_HEADS = ("执法证号", "证号", "执法证件号", "执法证件号码", "执法证编号", "执法证号码", "行政执法证号",
                      "执法证")          # not 证件号码: a list may carry the 负责人's ID number under it
_PAIR_NO = re.compile(r"[（(]?([12一二])[）)]?$")
_LIST_SEP = re.compile(r"[、,，;；/／\n]+")
_NAME_CERT = re.compile(r"^(?P<name>[^（(：:\d]+?)\s*(?:[（(]\s*(?:执法)?(?:证号|证件号码?)?[：:]?\s*(?P<c1>[^）)]+)[）)]"
                        r"|(?:(?:执法)?证号[：:]?)?\s*(?P<c2>[A-Za-z0-9\-]{4,}))?$")
MAX_PROBLEM_CHARS = 2000


@dataclass
class IssuedOrder:
    number: str
    enterprise: str
    n_items: int
    deadlines: list[str]
    path: Path
    continued: bool = False
    verb: str = "出具"                  # 出具 | 补出 (left unprinted by a stopped run) | 重新生成 (reprint)


@dataclass
class OrderResult:
    orders: list[IssuedOrder] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)        # 未出具（企业）：why, one per enterprise left out
    merged: Path | None = None
    pdf: Path | None = None
    register: Path | None = None
    db: Path | str | None = None       # a SQLite file, or a PostgreSQL URL (no path)
    db_created: bool = False
    records: list[Path] = field(default_factory=list)      # 现场检查记录 written from a spec
    notes: list[str] = field(default_factory=list)


# --- text helpers ----------------------------------------------------------------------------------

def item_list(numbers: list[int]) -> str:
    """[1, 2, 3, 4, 7] → "1至4、7" (runs of three or more shortened)."""
    parts, run = [], []
    for n in sorted(numbers) + [None]:
        if run and (n is None or n != run[-1] + 1):
            parts.append(f"{run[0]}至{run[-1]}" if len(run) >= 3 else "、".join(map(str, run)))
            run = []
        if n is not None:
            run.append(n)
    return "、".join(parts)


# --- officers: who signs, with their 证号 -------------------------------------------------------------

def split_officer(text: str) -> tuple[str, str]:
    """"张三（证号14050001）", "张三 14050001", "张三" → (name, 证号)."""
    text = clean(str(text or "")).strip()
    m = _NAME_CERT.match(text)
    if not m:
        return text, ""
    return m["name"].strip(), (m["c1"] or m["c2"] or "").strip()


def officers_from(names: Any, certs: Any, cfg: dict, where: str) -> list[dict]:
    """The officers of one order from what was typed: names (a list, or a text "张三、李四", a name may carry
    its 证号 in brackets) and 证号 (the same, in the same order). A name without a 证号 takes the one the
    authority file knows for it (officers, roster); the first two are printed. [] when no name was given;
    a 证号 without a name is an InputError."""
    def listed(v: Any) -> list[str]:
        if v in (None, ""):
            return []
        if isinstance(v, (list, tuple)):
            return [clean(str(x)).strip() for x in v if str(x or "").strip()]
        out: list[str] = []
        for part in _LIST_SEP.split(str(v)):
            for word in part.split():                  # "张三 李四", "张三 14050001 李四 14050002"
                if out and re.search(r"\d", word) and not re.search(r"\d", out[-1]):
                    out[-1] += " " + word
                else:
                    out.append(word)
        return [clean(x) for x in out]

    pairs = [split_officer(n) for n in listed(names)]
    cert_list = listed(certs)
    if len(cert_list) > len(pairs):
        raise InputError(f"{where}：执法证号“{cert_list[len(pairs)]}”没有对应的执法人员姓名", code="bad_officer")
    known = {o["name"]: o["cert_no"] for o in list(cfg.get("roster") or []) + list(cfg.get("officers") or [])
             if isinstance(o, dict) and o.get("name") and o.get("cert_no")}
    out = []
    for k, (name, cert) in enumerate(pairs):
        cert = (cert_list[k] if k < len(cert_list) else "") or cert or known.get(name, "")
        out.append({"name": name, "cert_no": str(cert)})
    return out[:2]


def two_officers(officers: list[dict] | None) -> list[dict]:
    """Exactly two {name, cert_no}: a missing one prints blank lines."""
    got = [{"name": str(o.get("name") or ""), "cert_no": str(o.get("cert_no") or "")} for o in officers or []][:2]
    return got + [{"name": "", "cert_no": ""}] * (2 - len(got))


# --- the context of one order ---------------------------------------------------------------------

# the one deadline sentence: templates/order_zhiling.docx prints it as {{ d.text }}
DEADLINE_SENTENCE = "现责令你单位对上述第{nums}项问题于{date}前整改完毕，达到有关法律法规规章和标准规定的要求。" \
                    "由此造成事故的，依法追究有关人员的责任。"


def order_context(draft: OrderDraft, cfg: dict, issued: str) -> dict:
    """Template context `o` for one 责令限期整改指令书 (kind zhiling); problems beyond the first page go to the 附页."""
    by_deadline: dict[str, list[int]] = {}
    for n, it in enumerate(draft.items, 1):
        by_deadline.setdefault(it.deadline, []).append(n)
    deadlines = []
    for d, nums in sorted(by_deadline.items()):
        entry = {"nums": item_list(nums), "date": date_text(d)}
        deadlines.append({**entry, "text": DEADLINE_SENTENCE.format(**entry)})
    problems = [{"text": it.description, "basis": it.basis or legal_basis.blank_basis()} for it in draft.items]
    officers = two_officers(draft.officers) if any(o.get("name") for o in draft.officers or []) else None
    return documents.context_of(ZHILING, {"number": draft.number, "enterprise": draft.enterprise,
                                          "problems": problems, "deadlines": deadlines, "issued": issued,
                                          "officers": officers}, cfg)


# --- inputs → drafts --------------------------------------------------------------------------------

def _check_item(text: str, deadline: str, issued: str, where: str) -> str:
    text = clean(str(text or "")).strip()
    if not text:
        raise InputError(f"{where}：问题描述为空", code="empty_problem")
    if len(text) > MAX_PROBLEM_CHARS:
        raise InputError(f"{where}：问题描述超过{MAX_PROBLEM_CHARS}字，请拆分为几项", code="problem_too_long")
    if deadline < issued:
        raise InputError(f"{where}：整改期限{deadline}早于出具日期{issued}，请改为今后的日期", code="deadline_past")
    return text


def _item(text: str, deadline: str, issued: str, where: str, basis: str | None, auto: bool,
          hazard_id: int | None = None) -> OrderItem:
    text = _check_item(text, deadline, issued, where)
    printed, source = _resolve_basis(text, basis, auto)
    return OrderItem(text, deadline, printed, source, hazard_id)


@lru_cache(maxsize=4096)
def _resolve_basis(text: str, basis: str | None, auto: bool) -> tuple[str, str]:
    """legal_basis.resolve, remembered: issue_orders looks the bases up before it takes the write lock."""
    return legal_basis.resolve(text, basis, auto=auto)


def _skip(skipped: list[str] | None, enterprise: str, e: InputError) -> None:
    """One enterprise's bad input must not stop the others' orders: note it (or raise without a list)."""
    if skipped is None:
        raise e
    skipped.append(f"未出具（{enterprise}）：{e.message}")


def drafts_from_ledger(con, issued: str, cfg: dict, enterprises=None, town=None, since=None, until=None,
                       source=None, notes: list[str] | None = None,
                       skipped: list[str] | None = None, hazard_ids=None,
                       deadlines: dict[int, str] | None = None) -> list[OrderDraft]:
    """One draft per enterprise from the ledger's open hazards not yet under an order ([] when none);
    only the hazards `hazard_ids` when given; `deadlines` (hazard id → ISO date) replace the ledger's.

    Call inside the transaction that numbers the drafts (ledger_orders.create_orders)."""
    from ledger.queries import enterprise_by_name

    for name in enterprises or []:
        if enterprise_by_name(con, name) is None:
            raise PaichaError(f"台账中没有企业“{name}”（请先导入其检查表，或用 --hazards/--spec 出具）",
                              code="unknown_enterprise")
    rows = ledger_orders.open_hazards(con, enterprises, town, since, until, source)
    if hazard_ids is not None:
        rows = [h for h in rows if h["id"] in set(hazard_ids)]
    days = int(cfg.get("default_deadline_days") or 0)
    groups: dict[Any, OrderDraft] = {}
    bad: set[Any] = set()
    defaulted = 0
    nameless = []                            # a hazard with no 被检查单位 cannot be ordered: said, not fatal
    for h in rows:
        if not (h["enterprise"] or "").strip():
            nameless.append(str(h["id"]))
            continue
        key = h["enterprise_id"] or ledger_orders.enterprise_key(h["enterprise"])
        if key in bad:
            continue
        draft = groups.get(key)
        if draft is None:
            ent = con.execute("SELECT * FROM enterprises WHERE id = ?", (h["enterprise_id"],)).fetchone() \
                if h["enterprise_id"] else None
            draft = groups[key] = OrderDraft(enterprise=h["enterprise"], items=[],
                                             address=(ent["address"] if ent else "") or "",
                                             town=h["town"] or "")
            draft.extra["records"] = []
        if h.get("record_id"):
            draft.extra["records"].append(h["record_id"])
        where = f"台账隐患 {h['id']}（{h['enterprise']}）"
        deadline = (deadlines or {}).get(h["id"]) or h["deadline"]
        if deadline and len(deadline) == 10:
            pass
        elif days:
            deadline = (date.fromisoformat(issued) + timedelta(days=days)).isoformat()
            defaulted += 1
        override = h.get("legal_basis")
        try:
            if not deadline:
                raise InputError(f"{where}：没有整改期限", code="no_deadline")
            draft.items.append(_item(h["description"], deadline, issued, where, override, True, h["id"]))
        except InputError as e:
            bad.add(key)
            groups.pop(key, None)
            _skip(skipped, h["enterprise"], e)
    if nameless and skipped is not None:
        shown = "、".join(nameless[:10]) + ("等" if len(nameless) > 10 else "")
        skipped.append(f"未出具：{len(nameless)}项隐患在台账中没有被检查单位（隐患 {shown}），"
                       "请在台账中补上单位名称后再出具")
    if defaulted and notes is not None:
        notes.append(f"{defaulted}项隐患在台账中没有整改期限，已按出具日期后{days}日确定")
    for draft in groups.values():            # the inspectors of the 督导检查表 the hazards came from
        inspectors = ledger_orders.inspectors_of(con, draft.extra.pop("records", []))
        try:
            draft.officers = officers_from(inspectors, None, cfg, f"台账中{draft.enterprise}的检查人员")
        except InputError:
            draft.officers = []
    return list(groups.values())


def _cell(v: Any) -> str:
    return "" if v is None else str(v).strip()


def _officer_columns(labels: list[str]) -> list[tuple[int | None, int | None]]:
    """(name column, 证号 column) pairs of a hazard list's header: 执法人员 / 执法证号 (one pair, names
    and numbers listed in the cell), or 执法人员1 / 执法证号1, 执法人员2 / 执法证号2 (header variants
    in OFFICER_NAME_HEADS / OFFICER_CERT_HEADS)."""
    names: dict[int, int] = {}
    certs: dict[int, int] = {}
    for c, label in enumerate(labels):
        label = re.sub(r"\s+", "", label)
        m = _PAIR_NO.search(label)
        base, no = (label[:m.start()], 1 if m[1] in "1一" else 2) if m else (label, 1)
        if base in OFFICER_NAME_HEADS and no not in names:
            names[no] = c
        elif base in OFFICER_CERT_HEADS and no not in certs:
            certs[no] = c
    return [(names.get(no), certs.get(no)) for no in sorted(set(names) | set(certs))]


def drafts_from_xlsx(path: Path, issued: str, skipped: list[str] | None = None,
                     cfg: dict | None = None) -> list[OrderDraft]:
    """The hazard list (write_hazard_template's layout): one row per problem; a blank 企业名称 repeats the row above.
    The officers of an enterprise's order: its first row with 执法人员 (and 执法证号) filled.

    A bad row leaves its enterprise out, noted in `skipped` (raised without it)."""
    from openpyxl import load_workbook

    path = Path(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:   # openpyxl raises many kinds for non-workbooks
        raise InputError(f"{path}：无法读取隐患清单（不是有效的 .xlsx 工作簿）", code="unreadable") from None
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    head_at, cols, officer_cols = None, {}, []
    for r, row in enumerate(rows[:10]):
        labels = [_cell(v).replace("（可选）", "").replace("(可选)", "") for v in row]
        if "企业名称" in labels and "问题描述" in labels:
            head_at = r
            cols = {lab: labels.index(lab) for lab in ("企业名称", "地址", "负责人", "问题描述", "整改期限", "依据")
                    if lab in labels}
            officer_cols = _officer_columns(labels)
            break
    if head_at is None or "整改期限" not in cols:
        raise InputError(f"{path}：隐患清单缺少表头（应有 企业名称、问题描述、整改期限 列）", code="bad_header")
    drafts: dict[str, OrderDraft] = {}
    bad: set[str] = set()
    seen = False
    current = None
    for r, row in enumerate(rows[head_at + 1:], head_at + 2):
        get = lambda lab: _cell(row[cols[lab]]) if lab in cols and cols[lab] < len(row) else ""  # noqa: E731
        raw_deadline = row[cols["整改期限"]] if cols["整改期限"] < len(row) else None
        if not any(_cell(v) for v in row):
            continue
        seen = True
        where = f"{path} 第{r}行"
        name = get("企业名称") or current
        if not name:
            _skip(skipped, "企业名称空缺", InputError(f"{where}：缺少企业名称", code="no_enterprise"))
            continue
        current = name
        key = ledger_orders.enterprise_key(name)
        if key in bad:
            continue
        draft = drafts.setdefault(key, OrderDraft(enterprise=clean(name), items=[]))
        draft.address = draft.address or get("地址")
        draft.principal = draft.principal or get("负责人")
        basis = get("依据") if "依据" in cols else ""
        try:
            if not draft.officers and officer_cols:
                names = [_cell(row[n]) for n, _ in officer_cols if n is not None and n < len(row)]
                certs = [_cell(row[c]) for n, c in officer_cols if c is not None and c < len(row)]
                draft.officers = officers_from("、".join(x for x in names if x), "、".join(x for x in certs if x),
                                               cfg or {}, where)
            if raw_deadline in (None, ""):
                raise InputError(f"{where}：缺少整改期限", code="no_deadline")
            draft.items.append(_item(get("问题描述"), to_iso(raw_deadline, where), issued, where, basis or None, True))
        except InputError as e:
            bad.add(key)
            drafts.pop(key)
            _skip(skipped, draft.enterprise, e)
    if not seen:
        raise InputError(f"{path}：隐患清单中没有问题行", code="empty_list")
    return list(drafts.values())


def load_spec(path: Path) -> list[dict]:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise InputError(f"{path}：不是有效的 YAML（{_first_line(e)}）", code="bad_spec")
    specs = data.get("orders") if isinstance(data, dict) and "orders" in data else [data]
    if not specs or not all(isinstance(s, dict) for s in specs):
        raise InputError(f"{path}：指令书描述应包含 enterprise 与 items", code="bad_spec")
    if len(specs) > 1 or specs[0] is not data:         # officers given once for every order of the file
        for key in ("officers", "inspectors"):
            if key in data:
                specs = [s if "officers" in s or "inspectors" in s else {key: data[key], **s} for s in specs]
    return specs


def drafts_from_spec(path: Path, issued: str, skipped: list[str] | None = None,
                     cfg: dict | None = None) -> list[OrderDraft]:
    """One draft per order in a YAML spec (see samples/orders/order_spec.yaml).

    A bad order of the spec is left out, noted in `skipped` (raised without it)."""
    drafts = []
    for k, spec in enumerate(load_spec(path), 1):
        where = f"{path}（第{k}份）"
        name = _cell(spec.get("enterprise"))
        try:
            drafts.append(_spec_draft(spec, name, issued, where, cfg or {}))
        except InputError as e:
            _skip(skipped, name or f"第{k}份", e)
    return drafts


def _spec_officers(spec: dict, cfg: dict, where: str) -> list[dict]:
    """officers (or inspectors): a list of {name, cert_no} or "张三（证号：14050001）" entries, or one text
    "张三、李四"; a name without a 证号 takes the authority file's."""
    raw = spec.get("officers", spec.get("inspectors"))
    if raw in (None, "", []):
        return []
    if isinstance(raw, str):
        return officers_from(raw, None, cfg, where)
    if not isinstance(raw, list):
        raise InputError(f"{where}：officers 应为执法人员清单（name、cert_no）", code="bad_spec")
    names, certs = [], []
    for entry in raw:
        name, cert = (_cell(entry.get("name")), _cell(entry.get("cert_no", entry.get("证号")))) \
            if isinstance(entry, dict) else split_officer(_cell(entry))
        if cert and not name:
            raise InputError(f"{where}：officers 中的执法证号“{cert}”没有对应的姓名", code="bad_officer")
        if name:
            names.append(name)
            certs.append(cert)
    got = officers_from(names, None, cfg, where)
    for o, cert in zip(got, certs):
        o["cert_no"] = cert or o["cert_no"]
    return got


def _spec_draft(spec: dict, name: str, issued: str, where: str, cfg: dict | None = None) -> OrderDraft:
    if not name:
        raise InputError(f"{where}：缺少 enterprise（被检查单位）", code="no_enterprise")
    items = spec.get("items") or []
    if not isinstance(items, list) or not items:
        raise InputError(f"{where}：缺少 items（存在问题）", code="bad_spec")
    default_deadline = spec.get("deadline")
    draft = OrderDraft(enterprise=clean(name), items=[], address=_cell(spec.get("address")),
                       principal=_cell(spec.get("principal")), town=_cell(spec.get("town")))
    draft.extra = {"inspection_record": spec.get("inspection_record")}
    draft.officers = _spec_officers(spec, cfg or {}, where)
    for n, it in enumerate(items, 1):
        it = it if isinstance(it, dict) else {"text": it}
        w = f"{where} 第{n}项"
        raw = it.get("deadline", default_deadline)
        if raw in (None, ""):
            raise InputError(f"{w}：缺少整改期限（deadline）", code="no_deadline")
        basis = it["basis"] if "basis" in it else None
        draft.items.append(_item(_cell(it.get("text")), to_iso(raw, w), issued, w,
                                 "" if ("basis" in it and basis is None) else basis, True))
    return draft


def spec_issued(path: Path) -> str | None:
    specs = load_spec(path)
    raw = specs[0].get("issued") if specs else None
    return to_iso(raw, f"{path} issued") if raw else None


# --- the batch ---------------------------------------------------------------------------------------

def issue_orders(db: Path | None, out_dir: Path, enterprises=None, town=None, since=None, until=None, source=None,
                 hazards_xlsx: Path | None = None, spec: Path | None = None, config: Path | None = None,
                 actor: str = "", pdf: bool = False, issued: str | None = None,
                 unprinted_only: bool = False, hazard_ids=None, deadlines: dict[int, str] | None = None,
                 officers: list[dict] | None = None) -> OrderResult:
    """Issue one 责令限期整改指令书 per enterprise; write each .docx, the merged print file and the register.

    hazard_ids / deadlines: only these ledger hazards, with these deadlines (drafts_from_ledger);
    officers: the 执法人员 printed ({name, cert_no} each) instead of the authority file's.

    Orders a stopped run numbered but never printed are printed too (only those with `unprinted_only`).
    The hazards are chosen, claimed and numbered in one write transaction, so runs at the same time
    never order a hazard twice and the numbers have no gaps; the documents are printed after it.
    """
    cfg = load_authority(config)
    result = OrderResult()
    out_dir = Path(out_dir)
    if issued:
        issued = to_iso(issued, "出具日期（--date）")
    elif spec:
        issued = spec_issued(Path(spec))
    issued = issued or date.today().isoformat()
    if db is None:
        if unprinted_only or not (hazards_xlsx or spec):
            raise PaichaError("请用 --db 指定台账，或用 --hazards / --spec 提供隐患", code="no_input")
        db = out_dir / DEFAULT_DB_NAME
        result.db_created = not db.exists()
        result.notes.append(f"未指定 --db：文书编号记入 {db}（以后出具请继续使用该台账，编号才能连续）")
    result.db = db if is_server(db) else Path(db)
    typed_in = bool(spec or hazards_xlsx) and not unprinted_only
    drafts: list[OrderDraft] = []
    if typed_in:
        drafts = drafts_from_spec(Path(spec), issued, result.skipped, cfg) if spec \
            else drafts_from_xlsx(Path(hazards_xlsx), issued, result.skipped, cfg)
    con = connect(db)
    try:
        if not (unprinted_only or typed_in):
            # a first pass only to look the legal bases up (the slow part) before the write lock
            drafts_from_ledger(con, issued, cfg, enterprises, town, since, until, source, [], [], hazard_ids, deadlines)
        with ledger_orders.PrintRun(con) as run:
            with transaction(con):
                resumed, busy = ledger_orders.claim_unprinted(con, run)
                if not (unprinted_only or typed_in):
                    drafts = drafts_from_ledger(con, issued, cfg, enterprises, town, since, until, source,
                                                result.notes, result.skipped, hazard_ids, deadlines)
                for d in drafts:    # who signs: typed for this run, else the order's own, else the authority's
                    d.officers = two_officers(officers or d.officers or cfg["officers"])
                numbered = ledger_orders.create_orders(con, drafts, cfg["name"], cfg["short_name"],
                                                       cfg["codes"]["order"], issued, actor, run.token)
                result.skipped += [f"未出具（{d.enterprise}）：与已出具的{d.same_as}内容相同，不重复出具"
                                   "（如需重新出具，请先作废原指令书）" for d in drafts if d.same_as]
                busy_note = f"另有{busy}份已编号的指令书正由其他进程生成文书" if busy else ""
                if not (resumed or numbered or unprinted_only):
                    raise _nothing_to_issue(result.skipped, typed_in, busy_note)
            if busy_note:
                result.notes.append(busy_note + "，本次未补出")
            if unprinted_only and not resumed:
                result.notes.append("台账中没有待补出文书的指令书")
            if resumed:
                result.notes.append(f"此前有出具中断，已编号未生成文书的{len(resumed)}份指令书本次补出")
            extras = {d.id: d.extra for d in numbered}
            verbs = {**{i: "补出" for i in resumed}, **{d.id: "出具" for d in numbered}}
            if verbs:
                _print_checked(con, cfg, verbs, out_dir, result, extras)
        blanks = sum(1 for d in numbered for i in d.items if i.basis_source == "blank")
        if blanks and cfg.get("show_basis", True):
            result.notes.append(f"{blanks}项问题无可靠依据，已留“依据：____”待手工填写")
    finally:
        con.close()
    if pdf and result.merged:
        from generators.office import to_pdf
        result.pdf = to_pdf(result.merged)
    return result


def reprint_orders(db: Path, out_dir: Path, numbers: list[str], config: Path | None = None,
                   pdf: bool = False, officers: list[dict] | None = None) -> OrderResult:
    """Print the orders `numbers` (文号 or serial) again from the ledger alone; a void order is refused."""
    cfg = load_authority(config)
    result = OrderResult(db=db if is_server(db) else Path(db))
    con = connect(db)
    try:
        verbs = {}
        for number in numbers:
            order = ledger_orders.get_order(con, str(number).strip())
            if order["status"] == "void":
                raise PaichaError(f"指令书{order['number']}已作废，不再生成文书", code="already_void")
            verbs[order["id"]] = "重新生成"
        _print_checked(con, cfg, verbs, Path(out_dir), result, {}, officers)
    finally:
        con.close()
    if pdf:
        from generators.office import to_pdf
        result.pdf = to_pdf(result.merged)
    return result


def _nothing_to_issue(skipped: list[str], typed_in: bool, busy_note: str) -> PaichaError:
    """The error of a run that has nothing to number and nothing left to print."""
    more = f"（{busy_note}）" if busy_note else ""
    if skipped:
        return InputError("没有可出具的指令书：" + "；".join(skipped) + more, code="no_orders")
    if typed_in:
        return InputError("没有可出具的指令书" + more, code="no_orders")
    return PaichaError("台账中没有符合条件的未整改隐患（已下达指令书的隐患不再重复出具）" + more, code="no_hazards")


def _print_checked(con, cfg: dict, verbs: dict[int, str], out_dir: Path, result: OrderResult,
                   extras: dict[int, dict], officers: list[dict] | None = None) -> None:
    """print_orders; a failure says how to finish, since the numbers stay taken and unprinted."""
    try:
        print_orders(con, cfg, verbs, out_dir, result, extras, officers)
    except Exception as e:
        raise PaichaError(f"指令书文书生成失败（{_first_line(e)}）：已编号的指令书保留编号，排除故障后再次运行"
                          " cli.py order（或加 --all-unprinted）即可补出", code="print_failed") from e


def run_label(drafts: list[OrderDraft]) -> str:
    """2023年第3至10号: the numbers a run prints, naming its merged file and register (runs never share a first order)."""
    first, last = drafts[0], drafts[-1]
    if first.issued[:4] != last.issued[:4]:
        return f"{first.issued[:4]}年第{first.serial}号至{last.issued[:4]}年第{last.serial}号"
    span = str(first.serial) if first is last else f"{first.serial}至{last.serial}"
    return f"{first.issued[:4]}年第{span}号"


def order_filename(draft: OrderDraft, kind: str = ZHILING.name) -> str:
    return documents.file_name(ZHILING, draft.serial, draft.enterprise).replace(ZHILING.name, kind)


def print_orders(con, cfg: dict, verbs: dict[int, str], out_dir: Path, result: OrderResult,
                 extras: dict[int, dict], officers: list[dict] | None = None) -> None:
    """Render the orders (id → verb) from the ledger: each .docx, this run's merged print file and register;
    then mark them printed. `extras` carries a spec's 现场检查记录 by order id; `officers` (a reprint's)
    replace the officers stored with the orders."""
    drafts = sorted((ledger_orders.order_draft(con, i) for i in verbs), key=lambda d: (d.issued[:4], d.serial))
    template = ZHILING.prepared()
    rendered, files = [], {}
    for draft in drafts:
        if officers:
            draft.officers = two_officers(officers)
        o = order_context(draft, cfg, draft.issued)
        xml = documents.render_xml(ZHILING, o, cfg)
        path = template.save(xml, out_dir / order_filename(draft))
        rendered.append(xml)
        files[draft.id] = str(path)
        result.orders.append(IssuedOrder(draft.number, draft.enterprise, len(draft.items),
                                         sorted({i.deadline for i in draft.items}), path, o["continued"],
                                         verbs[draft.id]))
        record_spec = extras.get(draft.id, {}).get("inspection_record")
        if record_spec:
            result.records.append(write_inspection_record(
                con, cfg, draft, draft.issued, out_dir / order_filename(draft, "现场检查记录"),
                record_spec if isinstance(record_spec, dict) else {}))
    label = run_label(drafts)
    result.merged = template.merge(rendered, out_dir / MERGED_NAME.format(label=label))
    ledger_orders.mark_printed(con, files)
    result.register = write_register(con, out_dir / REGISTER_NAME.format(label=label))


def write_register(con, out: Path) -> Path:
    """指令书登记簿: every order in the ledger (void ones too), with when its document was first printed."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "指令书登记簿"
    for c, label in enumerate(("编号", "被检查单位", "问题数", "整改期限", "出具日期", "状态", "文书生成"), 1):
        write(ws, 1, c, label).font = Font(bold=True)
    for r, o in enumerate(ledger_orders.all_orders(con), 2):
        span = o["first_deadline"] if o["first_deadline"] == o["last_deadline"] \
            else f"{o['first_deadline']}至{o['last_deadline']}"
        status = ledger_orders.ORDER_STATUS.get(o["status"], o["status"])
        if o["status"] == "void" and o["void_reason"]:
            status += f"（{o['void_reason']}）"
        printed = (o["printed_at"] or "")[:10] or ("—" if o["status"] == "void" else "未生成")
        for c, v in enumerate((o["number"], o["enterprise"], o["n_items"], span or "", o["issued"], status,
                               printed), 1):
            write(ws, r, c, v)
    for col, width in zip("ABCDEFG", (28, 36, 8, 26, 12, 16, 12)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    mark_xlsx(wb, "register")
    with replacing(out) as tmp:
        wb.save(tmp)
    return out


def write_hazard_template(out: Path) -> Path:
    """The blank hazard list .xlsx that `cli.py order --hazards` reads."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    out = Path(out)
    wb = Workbook()
    ws = wb.active
    ws.title = "隐患清单"
    for c, label in enumerate(HAZARD_COLUMNS, 1):
        write(ws, 1, c, label).font = Font(bold=True)
    for col, width in zip("ABCDEFGH", (32, 30, 10, 50, 14, 40, 18, 28)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    for r, line in enumerate((
            "每行一项问题；同一企业的多项问题可连续填写，企业名称留空表示同上。",
            "整改期限填日期（如 2023-03-20 或 2023年3月20日），不得早于出具日期；不同期限会分别写入指令书。",
            "依据可不填：程序按《安全生产法》条款表自动建议；填“无”则在指令书上留空白横线手工填写。",
            "执法人员、执法证号：填在该企业的第一行，两人用顿号隔开（如“张三、李四”和“14050001、14050002”），"
            "证号按姓名顺序；不填则用执法机关配置（templates/authority.yaml）中的执法人员。"), 1):
        write(notes, r, 1, line)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


# --- companion documents -------------------------------------------------------------------------------

def render_recheck(out: Path, cfg: dict, number: str, enterprise: str, order_number: str, order_issued: str,
                   items: list[tuple[int, str, bool]], recheck_date: str) -> Path:
    """整改复查意见书 (kind fucha), numbered by ledger/lifecycle.record_recheck: items are (seq, problem, passed)."""
    failed = [seq for seq, _, ok in items if not ok]
    context = {"number": number, "enterprise": enterprise, "order_number": order_number,
               "order_issued": order_issued, "issued": recheck_date, "failed": item_list(failed) if failed else "",
               "problems": [{"text": text, "result": "已整改" if ok else "未整改"} for _, text, ok in items]}
    return documents.issue_document("fucha", None, context, Path(out).parent, cfg=cfg, out=out).path


def write_inspection_record(con, cfg: dict, draft: OrderDraft, issued: str, out: Path, spec: dict) -> Path:
    """现场检查记录 (kind jiancha) for the problems of a draft; numbered and recorded in the ledger."""
    context = {"enterprise": draft.enterprise, "address": draft.address, "principal": draft.principal,
               "issued": issued, "problems": [it.description for it in draft.items],
               "officers": two_officers(draft.officers) if any(o.get("name") for o in draft.officers) else None,
               **{k: _cell(spec.get(k)) for k in ("title", "phone", "place", "time")}}
    return documents.issue_document("jiancha", con, context, Path(out).parent, cfg=cfg, out=out,
                                    order_id=draft.id).path
