"""公文 drafts written in the workbench: the body cleaned of pasted mess, the draft file the CLI reads, and
drafts kept in the ledger (table drafts, migration 016).

A DraftForm is what the page's form holds: the 版头/版记 elements as typed (keys as in
generators.gongwen.draft.KEYS), the body, 盖章, and the attachments in the draft file's own words
({名称, 表} or {名称, 文件}). `draft_text(form)` writes exactly the file `cli.py notice` reads;
`import_draft(text)` reads such a file back into a form.
"""
from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime

import yaml

from generators.gongwen.draft import KEYS, _str_list, split_front_matter
from ledger.audit import audit
from ledger.db import transaction
from schema.dates import date_text
from schema.errors import DraftError, PaichaError
from schema.normalize import _narrow
from services.ledgers import Ledger

# the form's elements in page order: (form key, draft key = label); list elements may hold several names
ELEMENTS = [(KEYS[k], k) for k in ("发文机关", "发文机关标志", "发文字号", "签发人", "份号", "密级", "紧急程度", "标题", "主送机关",
                                      "署名", "成文日期", "附注", "抄送", "印发机关", "印发日期")]
LIST_ELEMENTS = {"organs", "signers", "signature", "cc"}
UNTITLED = "（无标题）"

# --- cleaning a pasted body ---------------------------------------------------------------------

CJK = r"\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e\u201c\u201d\u2018\u2019\u2026\u2014"
# half-width punctuation written in Chinese text → full-width; (pattern, replacement)
PUNCTUATION = [
    (re.compile(rf"(?<=[{CJK}]),|,(?=[{CJK}])"), "，"),
    (re.compile(rf"(?<=[{CJK}]);|;(?=[{CJK}])"), "；"),
    (re.compile(rf"(?<=[{CJK}]):"), "："),
    (re.compile(rf"(?<=[{CJK}])\?"), "？"),
    (re.compile(rf"(?<=[{CJK}])!"), "！"),
    (re.compile(rf"(?<=[\u3400-\u9fff\u201d\uff09])\.(?=$|[{CJK}])"), "。"),
    (re.compile(r"\.{3,}|。{3,}|(?<!…)…(?!…)"), "……"),
]
HEADING_DOT = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[.．,，]\s*")        # 一. → 一、
PARENS = re.compile(r"\(([^()\n]*)\)")
QUOTE = re.compile(r'"([^"\n]*)"')


@dataclass
class Change:
    line: int                        # 1-based line of the pasted text
    before: str
    after: str | None                # None: the line was dropped (blank)
    # (kind, text) with kind same | del | ins: the line's characters, for showing the change
    segments: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Cleaned:
    text: str
    changes: list[Change] = field(default_factory=list)

    @property
    def blank_lines(self) -> int:
        return sum(1 for c in self.changes if c.after is None)

    @property
    def edited(self) -> list[Change]:
        return [c for c in self.changes if c.after is not None]


def clean_line(line: str) -> str:
    """One pasted paragraph as a 公文 line: no stray spaces at its ends, half-width digits and letters,
    Chinese punctuation in Chinese text (a pipe-table row is left as typed)."""
    s = _narrow(line).strip()
    if s.startswith("|"):
        return s
    s = HEADING_DOT.sub(r"\1、", s)
    s = PARENS.sub(lambda m: f"（{m[1]}）" if re.search(f"[{CJK}]", m[1] + s[max(m.start() - 1, 0):m.start()])
                   else m[0], s)
    if re.search(f"[{CJK}]", s) and s.count('"') % 2 == 0:
        s = QUOTE.sub(r"“\1”", s)
    for pattern, full in PUNCTUATION:
        s = pattern.sub(full, s)
    return s


def clean_body(text: str) -> Cleaned:
    """The body pasted from WPS, Word or WeChat, one paragraph a line, and what was changed."""
    out, changes = [], []
    for n, raw in enumerate(re.split(r"\r\n|\r|\n|\u2028|\u2029", text), 1):
        line = clean_line(raw)
        if not line:
            if raw or n > 1:
                changes.append(Change(n, raw, None, [("del", raw)] if raw else []))
            continue
        out.append(line)
        if line != raw:
            changes.append(Change(n, raw, line, _segments(raw, line)))
    if changes and changes[-1].after is None and not changes[-1].before:
        changes.pop()                # the newline ending the text
    return Cleaned("\n".join(out), changes)


def _segments(a: str, b: str) -> list[tuple[str, str]]:
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", a[i1:i2]))
            continue
        if i2 > i1:
            out.append(("del", a[i1:i2]))
        if j2 > j1:
            out.append(("ins", b[j1:j2]))
    return out


# --- the form and the draft file ----------------------------------------------------------------

@dataclass
class DraftForm:
    elements: dict[str, str] = field(default_factory=dict)     # form key (organs, title …) → text typed
    body: str = ""
    sealed: bool = False
    attachments: list[dict] = field(default_factory=list)     # {名称, 表} or {名称, 文件}, as in a draft file

    @property
    def title(self) -> str:
        return " ".join(self.elements.get("title", "").split()) or UNTITLED


def make_form(values: dict[str, str], body: str = "", sealed: bool = False,
              attachments: list[dict] | None = None) -> DraftForm:
    """A form from submitted values: known element keys only, text kept as typed (ends stripped)."""
    elements = {key: str(values.get(key) or "").strip() for key, _ in ELEMENTS}
    kept = []
    for a in attachments or []:
        item = {k: str(v).strip() for k, v in a.items() if k in ("名称", "表", "文件") and str(v or "").strip()}
        if item:
            kept.append(item)
    return DraftForm({k: v for k, v in elements.items() if v}, body, bool(sealed), kept)


def draft_text(form: DraftForm) -> str:
    """The draft file `cli.py notice` reads: YAML head in Chinese keys, then the cleaned body."""
    head: dict = {}
    for key, name in ELEMENTS:
        value = form.elements.get(key, "").strip()
        if not value:
            continue
        if key in LIST_ELEMENTS:
            items = _str_list(value.replace("\n", "、"))
            if not items:
                continue
            head[name] = items if len(items) > 1 or key != "organs" else items[0]
        else:
            head[name] = value
    if form.sealed:
        head["盖章"] = True
    if form.attachments:
        head["附件"] = [dict(a) for a in form.attachments]
    yaml_head = yaml.safe_dump(head, allow_unicode=True, sort_keys=False, default_flow_style=False, width=4096)
    return f"---\n{yaml_head}---\n{clean_body(form.body).text}\n"


@dataclass
class Imported:
    form: DraftForm
    notes: list[str] = field(default_factory=list)      # what was not taken over, in Chinese


def import_draft(text: str) -> Imported:
    """A draft file (YAML head + body) as a form. A 文件 attachment is kept by name only (a path written
    in a file is never opened) and 版式 is not taken over; every other key must be a draft key."""
    head, body = split_front_matter(text)
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError:
        raise DraftError(["文件信息写法有误（YAML 格式），无法导入"]) from None
    if not isinstance(meta, dict):
        raise DraftError(["文件信息应为“键: 值”的形式"])
    unknown = [str(k) for k in meta if k not in KEYS]
    if unknown:
        raise DraftError([f"未知的文件信息项“{k}”（可用：{'、'.join(KEYS)}）" for k in unknown])
    notes, values = [], {}
    for key, name in ELEMENTS:
        value = meta.get(name)
        if isinstance(value, (dt.date, dt.datetime)):
            value = date_text(value if isinstance(value, dt.date) else value.date())
        elif isinstance(value, list):
            value = "、".join(str(v).strip() for v in value)
        elif isinstance(value, int) and key == "copy_no":
            value = f"{value:06d}"
        values[key] = "" if value is None else str(value)
    if meta.get("版式"):
        notes.append(f"版式“{meta['版式']}”未导入，按国标版式排版")
    attachments = []
    raw = meta.get("附件") or []
    for i, a in enumerate(raw if isinstance(raw, list) else [raw], 1):
        if not isinstance(a, dict):
            attachments.append({"名称": str(a)})
            continue
        item = {k: str(a[k]) for k in ("名称", "表") if a.get(k)}
        if a.get("文件"):
            notes.append(f"附件{i}的文件“{a['文件']}”未导入，请在附件栏重新上传")
        attachments.append(item)
    sealed = meta.get("盖章", False)
    sealed = sealed if isinstance(sealed, bool) else str(sealed).strip() in ("是", "true", "True", "盖", "1")
    return Imported(make_form(values, body.strip("\n"), sealed, attachments), notes)


# --- drafts kept in the ledger -----------------------------------------------------------------

@dataclass
class SavedDraft:
    id: int
    title: str
    form: DraftForm
    created_at: str
    updated_at: str


@dataclass
class DraftList:
    # each: id, title, created_at, updated_at (ISO, seconds); newest first
    drafts: list[dict] = field(default_factory=list)


def save_draft(ledger: Ledger, form: DraftForm, draft_id: int | None = None, actor: str = "本机") -> SavedDraft:
    """Keep the form as a new draft, or over the draft `draft_id` (which must exist); audit-logged."""
    now = datetime.now().isoformat(timespec="seconds")
    content = json.dumps(asdict(form), ensure_ascii=False)
    with transaction(ledger.con) as con:
        before = None
        if draft_id is not None:
            row = con.execute("SELECT title FROM drafts WHERE id = ?", (draft_id,)).fetchone()
            before = {"title": row["title"]} if row else None
        if draft_id is None:
            draft_id = con.execute("INSERT INTO drafts (title, content, created_at, updated_at) VALUES (?, ?, ?, ?)",
                                   (form.title, content, now, now)).lastrowid
        elif not con.execute("UPDATE drafts SET title = ?, content = ?, updated_at = ? WHERE id = ?",
                             (form.title, content, now, draft_id)).rowcount:
            raise _missing(draft_id)
        audit(con, actor, "draft_saved", ("draft", draft_id), before, {"title": form.title})
    return load_draft(ledger, draft_id)


def list_drafts(ledger: Ledger) -> DraftList:
    rows = ledger.con.execute("SELECT id, title, created_at, updated_at FROM drafts ORDER BY updated_at DESC, id DESC")
    return DraftList([dict(r) for r in rows])


def load_draft(ledger: Ledger, draft_id: int) -> SavedDraft:
    row = ledger.con.execute("SELECT * FROM drafts WHERE id = ?", (draft_id,)).fetchone()
    if row is None:
        raise _missing(draft_id)
    data = json.loads(row["content"])
    return SavedDraft(row["id"], row["title"], DraftForm(**data), row["created_at"], row["updated_at"])


def delete_draft(ledger: Ledger, draft_id: int, actor: str = "本机") -> None:
    with transaction(ledger.con) as con:
        row = con.execute("SELECT title FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        if not con.execute("DELETE FROM drafts WHERE id = ?", (draft_id,)).rowcount:
            raise _missing(draft_id)
        audit(con, actor, "draft_deleted", ("draft", draft_id), {"title": row["title"]}, None)


@dataclass
class Exported:
    name: str                        # a file name for it: the title, .md
    text: str                        # the draft file's text (UTF-8)


def export_draft(ledger: Ledger, draft_id: int) -> Exported:
    """The saved draft as the draft file `cli.py notice` reads."""
    saved = load_draft(ledger, draft_id)
    stem = saved.title if saved.title != UNTITLED else f"草稿{draft_id}"
    return Exported(f"{stem[:60]}.md", draft_text(saved.form))


def attachment_forms() -> list[tuple[str, str]]:
    """The blank forms a notice may attach: (form type, title)."""
    from schema.spec import all_specs
    return sorted(((s.form_type, s.title) for s in all_specs()), key=lambda x: x[1])


def _missing(draft_id) -> PaichaError:
    return PaichaError(f"找不到草稿 {draft_id}（可能已被删除）", code="not_found")
