"""Generated enforcement documents as kinds: one data file per kind, one engine.

A kind's data file (templates/kinds/<kind>.yaml) names its template, its number code (a key of `codes`
in templates/authority.yaml), the ledger table it is recorded in, the context fields and where each
comes from, the one-page rule (the main form stays one page, items that do not fit go to a 附页), its
Chinese name and its file name. issue_document() issues any kind from that file: it builds the
context, takes a number through ledger/orders.allocate and records the document in the same
transaction, renders the template (docxtpl's tag cleaning, one compiled Jinja template with
autoescape, so user text stays literal), checks that no tag is left, marks the file as paicha's
output and writes it atomically.

Field sources, tried in the order written, the first non-empty value wins:
  given: KEY        the caller's context (the order draft, the recheck, what the inspector typed)
  ledger: T.COL     the ledger, by the enterprise named in the context: enterprises.COL (its row),
                    orders.COL (its latest order), hazards.COL (its open hazards, a list)
  authority: KEY    templates/authority.yaml (dotted path)
  issue: KEY        the document itself: number, issued (ISO date)
  default: VALUE    a fixed value
Options: required (missing is an error, before any number is taken), items (a list of {no, text, …}),
date (ISO → 2023年3月10日), choices (short name → the wording printed), blank (what an empty value,
or each empty string inside it, prints as: a line to fill by hand).

generators/order.py keeps the order flow (claiming hazards, one order per enterprise, the merged print
file, the register) and renders through context_of / prepared_kind / render_xml here.
"""
from __future__ import annotations

import html
import math
import os
import re
import tempfile
import time
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterable

import jinja2
import yaml

from generators.mark import mark_part
from ledger import orders as ledger_orders
from ledger.db import transaction
from schema.dates import date_text
from schema.errors import InputError, PaichaError
from schema.normalize import norm_date

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
KINDS = TEMPLATES / "kinds"
DEFAULT_CONFIG = TEMPLATES / "authority.yaml"
SOURCES = ("given", "ledger", "authority", "issue", "default")
OPTIONS = ("required", "items", "date", "choices", "blank", "what")
# what a ledger source may read: table → how the enterprise's row(s) are chosen
LEDGER_ROWS = {
    "enterprises": "SELECT * FROM enterprises WHERE id = ?",
    "orders": "SELECT * FROM orders WHERE enterprise_id = ? AND status != 'void' ORDER BY id DESC LIMIT 1",
    "hazards": "SELECT * FROM hazards WHERE enterprise_id = ? AND status = 'open' AND active = 1 ORDER BY id",
}
RECORDED_BY = {"orders": "ledger/orders.create_orders", "rechecks": "ledger/lifecycle.record_recheck"}
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FILENAME_BAD = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')
_TAG = re.compile(r"\{\{|\}\}|\{%|%\}")
_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.S)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")


# --- small shared helpers ----------------------------------------------------------------------------

def first_line(e: Exception) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__


def clean(value: Any) -> Any:
    """Context values safe for WordprocessingML: no control characters, one line."""
    if isinstance(value, str):
        return _XML_INVALID.sub("", " ".join(value.split()) if "\n" in value or "\r" in value else value)
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def to_iso(raw: Any, where: str) -> str:
    """A date as written (2023年3月20日, 2023.3.20, an Excel date) → ISO; InputError naming `where`."""
    got = norm_date(raw)
    if not got.value or len(got.value) != 10:
        raise InputError(f"{where}：无法识别的日期“{raw}”", code="bad_date")
    return got.value


def safe_filename(text: str, limit: int = 40) -> str:
    return _FILENAME_BAD.sub("_", text).strip("._")[:limit] or "未命名"


@contextmanager
def replacing(out: Path):
    """A temporary path beside `out`, unique to this writer, moved onto `out` when the block succeeds."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=out.suffix, dir=out.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- the authority ------------------------------------------------------------------------------------

def load_authority(config: Path | None = None) -> dict:
    """templates/authority.yaml, overlaid by `config` (nested sections merged key by key)."""
    cfg = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    if config:
        config = Path(config)
        try:
            extra = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as e:
            raise InputError(f"{config}：执法机关配置不是有效的 YAML（{first_line(e)}）", code="bad_config")
        if not isinstance(extra, dict):
            raise InputError(f"{config}：执法机关配置应为“键: 值”格式", code="bad_config")
        for key, value in extra.items():
            if isinstance(value, dict) and isinstance(cfg.get(key), dict):
                cfg[key] = {**cfg[key], **value}
            else:
                cfg[key] = value
    for key in ("name", "short_name", "government", "court", "filing"):
        if not str(cfg.get(key) or "").strip():
            raise InputError(f"{config or DEFAULT_CONFIG}：执法机关配置缺少“{key}”", code="bad_config")
    officers = list(cfg.get("officers") or [])
    officers += [{}] * (2 - len(officers))
    cfg["officers"] = [{"name": str(o.get("name") or ""), "cert_no": str(o.get("cert_no") or "")}
                       for o in officers[:2]]
    return cfg


def authority_context(cfg: dict) -> dict:
    """Template context `a`."""
    return {k: cfg.get(k, "") for k in ("name", "short_name", "government", "court", "filing")}


# --- the template, prepared once -------------------------------------------------------------------

ZIP_LEVEL = 1           # deflate level of the documents written from templates


class _Deflated:
    """A zip entry's compressor that gives bytes deflated beforehand."""

    def __init__(self, deflated: bytes):
        self.deflated = deflated

    def compress(self, data: bytes) -> bytes:
        return self.deflated

    def flush(self) -> bytes:
        return b""


def _write_deflated(z: zipfile.ZipFile, name: str, data: bytes, deflated: bytes) -> None:
    """z.writestr(name, data) (deflated, as writestr makes the entry) with `data` deflated beforehand:
    zipfile still takes its size and CRC-32 from `data`."""
    info = zipfile.ZipInfo(name, date_time=time.localtime(time.time())[:6])
    info.compress_type, info._compresslevel = zipfile.ZIP_DEFLATED, ZIP_LEVEL
    info.external_attr, info.file_size = 0o600 << 16, len(data)
    with z.open(info, "w") as dest:
        dest._compressor = _Deflated(deflated)
        dest.write(data)


class PreparedTemplate:
    """A docxtpl template: tags cleaned by docxtpl once, compiled once (autoescape), rendered per document.
    Every file it writes carries the output mark `mark` (generators/mark.py)."""

    def __init__(self, path: Path, mark: str = "order"):
        from docxtpl import DocxTemplate

        self.path = Path(path)
        self.mark = mark
        with zipfile.ZipFile(self.path) as z:
            self.parts = [(i, z.read(i.filename)) for i in z.infolist()]
        src = dict((i.filename, b) for i, b in self.parts)["word/document.xml"].decode("utf-8")
        src = DocxTemplate(self.path).patch_xml(src)
        src = re.sub(r"<w:p([ >])", r"\n<w:p\1", src)          # as docxtpl does before rendering
        env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
        try:
            self.template = env.from_string(src)
        except jinja2.TemplateError as e:
            raise PaichaError(f"{self.path}：模板标签有误（{first_line(e)}）", code="bad_template")

    def render_xml(self, context: dict) -> str:
        """word/document.xml for this context; a tag left in the text (not the context's) is an error."""
        context = clean(context)
        try:
            xml = self.template.render(context)
        except jinja2.TemplateError as e:
            raise PaichaError(f"{self.path}：模板变量有误（{first_line(e)}）", code="bad_template")
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        left = leftover_tags(xml, context)
        if left:
            raise PaichaError(f"{self.path}：文书中留有未替换的模板标签（{left}）", code="bad_template")
        return xml

    @cached_property
    def fixed_parts(self) -> dict[str, tuple[bytes, bytes]]:
        """Every part but word/document.xml as written to each output (marked) and deflated once:
        the template's styles (~790 KB) are the same in every document."""
        out = {}
        for info, data in self.parts:
            if info.filename != "word/document.xml":
                data = mark_part(info.filename, data, self.mark)
                z = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)       # as zipfile deflates
                out[info.filename] = (data, z.compress(data) + z.flush())
        return out

    def save(self, document_xml: str, out: Path) -> Path:
        out = Path(out)
        fixed = self.fixed_parts
        with replacing(out) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as z:
            for info, _ in self.parts:
                if info.filename in fixed:
                    _write_deflated(z, info.filename, *fixed[info.filename])
                else:
                    z.writestr(info.filename, document_xml.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)
        return out

    def render(self, context: dict, out: Path) -> Path:
        return self.save(self.render_xml(context), out)

    def merge(self, documents: Iterable[str], out: Path) -> Path:
        """One .docx holding the rendered documents, each starting on a new page (a section each)."""
        head = tail = None
        bodies = []
        for xml in documents:
            start = xml.index("<w:body>") + len("<w:body>")
            sect = xml.rindex("<w:sectPr")
            end = xml.rindex("</w:body>")
            if head is None:
                head, tail = xml[:start], xml[end:]
            bodies.append((xml[start:sect], xml[sect:end]))
        if head is None:
            raise PaichaError("没有可合并的文书")
        pieces = [head]
        for i, (body, sect) in enumerate(bodies):
            pieces.append(body)
            if i < len(bodies) - 1:
                # a tiny paragraph carrying a next-page section break
                pieces.append('<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
                              f'<w:rPr><w:sz w:val="2"/></w:rPr>{sect}</w:pPr></w:p>')
            else:
                pieces.append(sect)
        pieces.append(tail)
        return self.save("".join(pieces), out)


def prepared(path: Path, mark: str = "order") -> PreparedTemplate:
    """The template at `path`, prepared once per process."""
    return _prepared(Path(path), mark)


@lru_cache(maxsize=None)
def _prepared(path: Path, mark: str) -> PreparedTemplate:
    return PreparedTemplate(path, mark)


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def leftover_tags(xml: str, context: dict) -> str:
    """The first template tag ({{ }}, {% %}) left in the document's text that is not part of a context
    value (user text stays literal, so a name may hold braces); "" when none."""
    if not _TAG.search(xml):
        return ""
    text = "\n".join(html.unescape("".join(_TEXT.findall(p))) for p in _PARAGRAPH.findall(xml))
    for s in sorted({s for s in _strings(context) if _TAG.search(s)}, key=len, reverse=True):
        text = text.replace(s, "")
    m = _TAG.search(text)
    return text[max(0, m.start() - 10):m.end() + 10].strip() if m else ""


# --- kinds --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    key: str                    # the data file's name: zhiling, fucha, jiancha, xianjue
    name: str                   # 责令限期整改指令书
    template: Path
    code: str                   # key of `codes` in authority.yaml
    ledger: str                 # table the document is recorded in: orders | rechecks | documents
    file_name: str              # "{serial:04d}_{enterprise}_{name}.docx"
    fields: dict                # field → {source: key, …, option: value}
    one_page: dict | None       # by height {page_pt, width_pt, fixed_pt, item, basis, note, flows}
                                # or by lines {items, lines, per_line, layout, item, basis, also}
    mark: str = "order"

    def prepared(self) -> PreparedTemplate:
        return prepared(self.template, self.mark)


@lru_cache(maxsize=None)
def load_kind(key: str) -> Kind:
    """The kind `key` from templates/kinds/<key>.yaml (trusted, shipped with paicha)."""
    if not re.fullmatch(r"[a-z_]+", key or "") or not (KINDS / f"{key}.yaml").is_file():
        known = "、".join(sorted(p.stem for p in KINDS.glob("*.yaml")))
        raise PaichaError(f"未知的文书种类“{key}”（可用：{known}）", code="unknown_kind")
    data = yaml.safe_load((KINDS / f"{key}.yaml").read_text(encoding="utf-8"))
    fields = data.get("fields") or {}
    for name, spec in fields.items():
        bad = [k for k in spec if k not in SOURCES + OPTIONS]
        if bad or not any(k in spec for k in SOURCES):
            raise PaichaError(f"templates/kinds/{key}.yaml：字段 {name} 的来源有误（{bad or '没有来源'}）",
                              code="bad_kind")
        if "ledger" in spec and spec["ledger"].split(".")[0] not in LEDGER_ROWS:
            raise PaichaError(f"templates/kinds/{key}.yaml：字段 {name} 不能取自台账表 {spec['ledger']}",
                              code="bad_kind")
    return Kind(key=key, name=data["name"], template=TEMPLATES / data["template"], code=data["code"],
                ledger=data["ledger"], file_name=data["file_name"], fields=fields,
                one_page=data.get("one_page"), mark=data.get("mark", "order"))


def kinds() -> list[str]:
    return sorted(p.stem for p in KINDS.glob("*.yaml"))


# --- context ------------------------------------------------------------------------------------------

def _empty(v: Any) -> bool:
    return v is None or (isinstance(v, (str, list, tuple, dict)) and not (v.strip() if isinstance(v, str) else v))


def _dig(data: dict, path: str) -> Any:
    for part in path.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


class _Ledger:
    """The ledger rows of the enterprise a document is for, read once per document."""

    def __init__(self, con, enterprise: str):
        self.con = con
        self.id = ledger_orders.enterprise_id(con, enterprise, create=False) if con is not None and enterprise \
            else None
        self.rows: dict[str, list] = {}

    def value(self, ref: str) -> Any:
        table, column = ref.split(".", 1)
        if self.id is None:
            return None
        if table not in self.rows:
            self.rows[table] = self.con.execute(LEDGER_ROWS[table], (self.id,)).fetchall()
        rows = self.rows[table]
        if table == "hazards":
            return [r[column] for r in rows]
        return rows[0][column] if rows else None


def _blank(value: Any, blank: str) -> Any:
    """Empty strings (inside dicts and lists too) printed as `blank`, a line to fill by hand."""
    if isinstance(value, str):
        return value if value.strip() else blank
    if isinstance(value, dict):
        return {k: _blank(v, blank) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank(v, blank) for v in value]
    return value


def _items(value: Any, choices: dict | None) -> list[dict]:
    """A list of texts or dicts → [{no, text, …}]; a text may be a short name from `choices`."""
    if isinstance(value, (str, dict)):
        value = [value]
    out = []
    for n, it in enumerate(value or [], 1):
        it = dict(it) if isinstance(it, dict) else {"text": it}
        text = str(it.get("text") or "").strip()
        it["text"] = (choices or {}).get(text, text)
        out.append({"no": n, **{k: v for k, v in it.items() if k != "no"}})
    return [it for it in out if it["text"]]


def field_value(kind: Kind, name: str, spec: dict, given: dict, ledger: _Ledger, cfg: dict, issue: dict) -> Any:
    value = None
    for source, key in spec.items():
        if source == "given":
            value = given.get(key)
        elif source == "ledger":
            value = ledger.value(key)
        elif source == "authority":
            value = _dig(cfg, key)
        elif source == "issue":
            value = issue.get(key)
        elif source == "default":
            value = key
        else:
            continue
        if not _empty(value):
            break
    if spec.get("items"):
        value = _items(value, spec.get("choices"))
    elif isinstance(value, str):
        value = (spec.get("choices") or {}).get(value.strip(), value.strip())
    if spec.get("date") and not _empty(value):
        value = date_text(to_iso(value, f"{kind.name}：{spec.get('what', name)}"))
    if _empty(value) and spec.get("required"):
        raise InputError(f"{kind.name}：缺少{spec.get('what', name)}", code="missing_field")
    if "blank" in spec:
        value = _blank(value if value is not None else "", spec["blank"])
    return value if value is not None else ([] if spec.get("items") else "")


def context_of(kind: Kind | str, given: dict, cfg: dict, con=None, number: str = "") -> dict:
    """Template context `o` of a document of `kind`: every field of its data file, then the one-page
    rule. `given` is the caller's context (issued: the date, ISO or as written; default today)."""
    kind = load_kind(kind) if isinstance(kind, str) else kind
    issued = to_iso(given["issued"], f"{kind.name}：出具日期") if given.get("issued") else date.today().isoformat()
    issue = {"number": number or given.get("number") or "", "issued": issued}
    ledger = _Ledger(con, str(given.get("enterprise") or "").strip())
    o = {name: field_value(kind, name, spec, given, ledger, cfg, issue) for name, spec in kind.fields.items()}
    o.update(number=issue["number"], issued=issued, date_cn=date_text(issued))
    if kind.one_page:
        fit_first_page(o, kind.one_page, cfg)
    return o


def _lines(text: str, per_line: float) -> int:
    return max(1, math.ceil(len(text) / per_line))


def fit_first_page(o: dict, rule: dict, cfg: dict) -> None:
    """The one-page rule: the items (rule["items"]) that do not fit the main page move to the 附页
    (o.cont_items, o.continued, o.cont_range); the main page keeps items 1…k, as many as fit, and may
    keep none (a single problem longer than the room goes to the 附页 whole).

    A kind with `page_pt` is fitted by height (fit_by_height: line breaks from glyph advance widths,
    the rest of the page measured with LibreOffice); an older one by a budget of lines (fit_by_lines)."""
    items = o[rule["items"]]
    first = fit_by_height(o, rule, cfg) if "page_pt" in rule else fit_by_lines(o, rule, cfg)
    cont = items[first:]
    o[rule["items"]] = items[:first]
    o.update(continued=bool(cont), cont_items=cont, cont_range=_range(cont))


def _range(cont: list[dict]) -> str:
    return f"{cont[0]['no']}至{cont[-1]['no']}" if len(cont) > 1 else (str(cont[0]["no"]) if cont else "")


def fit_by_lines(o: dict, rule: dict, cfg: dict) -> int:
    """How many items fit a budget of lines: each item costs its lines ("{no}．{text}" by default, `item`),
    plus its 依据 in 五号 when `basis` names a true flag of o; each entry beyond the first of a list in
    `also` costs its text's lines. `layout` names the authority.yaml section that may set chars_per_line
    and first_page_lines."""
    layout = (cfg.get(rule["layout"]) or {}) if rule.get("layout") else {}
    per_line = float(layout.get("chars_per_line", rule.get("per_line", 34)))
    budget = float(layout.get("first_page_lines", rule["lines"]))
    for name in rule.get("also") or []:
        budget -= sum(_lines(str(e.get("text", "")), per_line) for e in o.get(name, [])[1:])
    items = o[rule["items"]]
    pattern = rule.get("item", "{no}．{text}")
    show_basis = bool(o.get(rule["basis"])) if rule.get("basis") else False
    costs = [_lines(pattern.format_map(_Missing(it)) + "  ", per_line)
             + (0.9 * _lines(str(it.get("basis", "")), per_line * 12 / 10.5) if show_basis else 0) for it in items]
    if sum(costs) <= budget:
        return len(items)
    used, first = 0.0, 0
    while first < len(items) and used + costs[first] <= budget - 1:   # one line for "此栏不够"
        used += costs[first]
        first += 1
    return first


# --- measured text: line breaks from advance widths ---------------------------------------------------

# a line may not start with these (they go up to the line before) nor end with OPENING
CLOSING = set("，。、；：？！）》」』”’〕】〉…—,.;:?!)]%")
OPENING = set("（《「『“‘〔【〈([")
# keys of a kind's ascii_em table that are no characters: default, upper (A–Z), autospace (the space Word
# and LibreOffice put between a Chinese character and a run of Latin letters or digits: 第 1 号)
ASCII_EM_KEYS = ("default", "upper", "autospace")


def _ideograph(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def advance_em(ch: str, ascii_em: dict) -> float:
    """The advance width of a character in em: every CJK and full-width character is 1 em; ASCII from
    the kind's `ascii_em` table (the widest of the Windows face and the preview face, see zhiling.yaml)."""
    if ord(ch) >= 0x2E80 or ch in "“”‘’":
        return 1.0
    for chars, em in ascii_em.items():
        if chars not in ASCII_EM_KEYS and ch in chars:
            return float(em)
    if ch.isupper():
        return float(ascii_em.get("upper", 0.8))
    return float(ascii_em.get("default", 0.6))


def _pieces(text: str) -> list[str]:
    """The unbreakable pieces of a text: a CJK character with the closing marks after it and the
    opening marks before it, a run of ASCII letters and digits (a word, 2023, DN50)."""
    pieces: list[str] = []
    for ch in text:
        if pieces and (ch in CLOSING or pieces[-1][-1] in OPENING
                       or (ch.isascii() and ch.isalnum() and pieces[-1][-1].isascii() and pieces[-1][-1].isalnum())):
            pieces[-1] += ch
        else:
            pieces.append(ch)
    return pieces


def line_count(text: str, width_em: float, indent_em: float = 0.0, ascii_em: dict | None = None) -> int:
    """Lines a left-aligned paragraph takes at `width_em` per line (first line indented): greedy, as
    LibreOffice and Word break CJK text; a piece wider than a whole line is broken between characters."""
    ascii_em = ascii_em or {}
    gap = float(ascii_em.get("autospace", 0))
    lines, room = 1, width_em - indent_em
    pieces = _pieces(text)
    for k, piece in enumerate(pieces):
        w = sum(advance_em(c, ascii_em) for c in piece)
        if gap and piece[0].isascii() and piece[0].isalnum():
            w += gap * ((k > 0 and _ideograph(pieces[k - 1][-1])) + (k + 1 < len(pieces) and _ideograph(pieces[k + 1][0])))
        parts = [w] if w <= width_em else [advance_em(c, ascii_em) for c in piece]
        for w in parts:
            if w > room + 1e-6:
                lines += 1
                room = width_em
            room -= w
    return lines


def block_pt(text: str, spec: dict, width_pt: float, ascii_em: dict) -> float:
    """Height of a paragraph (exact line pitch) of `spec`: {size, pitch, indent (em), before, after}."""
    size = float(spec.get("size", 12))
    n = line_count(text, width_pt / size, float(spec.get("indent", 0)), ascii_em)
    return n * float(spec.get("pitch", size * 1.5)) + float(spec.get("before", 0)) + float(spec.get("after", 0))


def fit_by_height(o: dict, rule: dict, cfg: dict) -> int:
    """How many items fit the main page, by height in points: the page's text height (`page_pt`) less
    `fixed_pt` (what never changes, measured with LibreOffice), the `flows` (flows_pt), a safety
    `slack_pt`, and the "此栏不够" `note` when something goes to the 附页. An item costs its paragraph
    plus its 依据 (item_pt), kept together on one page by the template."""
    room = float(rule["page_pt"]) - float(rule["fixed_pt"]) - float(rule.get("slack_pt", 0)) - flows_pt(o, rule, cfg)
    items = o[rule["items"]]
    costs = [item_pt(it, o, rule) for it in items]
    if sum(costs) <= room + 1e-6:
        return len(items)
    first, used = 0, 0.0
    while first < len(items) and used + costs[first] + note_pt(items[first + 1:], rule) <= room + 1e-6:
        used += costs[first]
        first += 1
    return first


def flows_pt(o: dict, rule: dict, cfg: dict) -> float:
    """Height of the main page's paragraphs whose length varies (`flows`: the unit, the deadline sentences,
    the remedies with the authority's names; `when`/`unless` a field of o is set). A flow with `cells` is a
    table row (an officer's name and 证号) whose one line fixed_pt holds already: only the lines its
    tallest cell takes beyond it count."""
    width, ascii_em = float(rule["width_pt"]), rule.get("ascii_em") or {}
    names = {**{f"a_{k}": v for k, v in authority_context(cfg).items()}, **o}
    total = 0.0
    for flow in rule.get("flows") or []:
        if ("when" in flow and not o.get(flow["when"])) or ("unless" in flow and o.get(flow["unless"])):
            continue
        for e in (o.get(flow["each"], []) if "each" in flow else [names]):
            if "cells" in flow:
                tallest = max(block_pt(c["text"].format_map(_Missing(e)), flow, float(c["width_pt"]), ascii_em)
                              for c in flow["cells"])
                total += tallest - float(flow.get("pitch", 20))
            else:
                total += block_pt(flow["text"].format_map(_Missing(e)), flow, width, ascii_em)
    return total


def item_pt(it: dict, o: dict, rule: dict) -> float:
    """Height of one item: its paragraph, and its 依据 when the kind prints one (`basis`, with its flag)."""
    width, ascii_em = float(rule["width_pt"]), rule.get("ascii_em") or {}
    h = block_pt(rule["item"]["text"].format_map(_Missing(it)), rule["item"], width, ascii_em)
    basis = rule.get("basis") or {}
    if basis and o.get(basis.get("flag", ""), True):
        h += block_pt(basis["text"].format_map(_Missing(it)), basis, width, ascii_em)
    return h


def note_pt(cont: list[dict], rule: dict) -> float:
    """Height of the "此栏不够" note for the items `cont` going to the 附页 (0 when none)."""
    note = rule["note"]
    if not cont:
        return 0.0
    h = block_pt(note["text"].format(cont_range=_range(cont)), note, float(rule["width_pt"]), rule.get("ascii_em") or {})
    # a form printing a bare "此栏不够，可另附页" when nothing moves has its first line in fixed_pt
    return h - float(note.get("pitch", 20)) if note.get("always") else h


class _Missing(dict):
    def __missing__(self, key):
        return ""


# --- issuing ------------------------------------------------------------------------------------------

@dataclass
class IssuedDocument:
    kind: str
    name: str                   # 现场处理措施决定书
    number: str
    enterprise: str
    path: Path
    continued: bool = False     # with a 附页


def render_xml(kind: Kind, o: dict, cfg: dict) -> str:
    return kind.prepared().render_xml({"a": authority_context(cfg), "o": o})


def file_name(kind: Kind, serial: int, enterprise: str) -> str:
    return kind.file_name.format(serial=serial, enterprise=safe_filename(enterprise), name=kind.name)


def issue_document(kind: Kind | str, con, context: dict, out_dir: Path, *, cfg: dict | None = None,
                   config: Path | None = None, out: Path | None = None, actor: str = "",
                   order_id: int | None = None) -> IssuedDocument:
    """Issue one document of `kind` for the enterprise `context["enterprise"]`.

    Kinds recorded in `documents` are numbered here: the serial is taken (ledger/orders.allocate) and
    the document recorded in one transaction, after every required field is checked, and the file is
    noted once written. Kinds recorded elsewhere (orders, rechecks) are numbered by their own flow:
    pass context["number"] (and "serial" for the file name). The file is `out`, or the kind's file name
    in `out_dir`."""
    kind = load_kind(kind) if isinstance(kind, str) else kind
    cfg = cfg or load_authority(config)
    doc_id, serial, number = None, int(context.get("serial") or 0), str(context.get("number") or "")
    if not number and kind.ledger != "documents":
        raise PaichaError(f"{kind.name}由 {RECORDED_BY.get(kind.ledger, kind.ledger)} 编号，请传入编号",
                          code="bad_args")
    if not number and con is None:
        raise PaichaError(f"出具{kind.name}需要台账（--db）以取得文书编号", code="no_input")
    o = context_of(kind, context, cfg, con)                 # every field checked before a number is taken
    enterprise = str(o.get("enterprise") or context.get("enterprise") or "")
    if not number:
        doc_id, serial, number = _number_and_record(con, kind, cfg, o, enterprise, actor, order_id)
        o["number"] = number
    path = Path(out) if out else Path(out_dir) / file_name(kind, serial, enterprise)
    template = kind.prepared()
    template.save(render_xml(kind, o, cfg), path)
    if doc_id is not None:
        with transaction(con):
            con.execute("UPDATE documents SET file = ? WHERE id = ?", (str(path), doc_id))
    return IssuedDocument(kind.key, kind.name, number, enterprise, path, bool(o.get("continued")))


def _number_and_record(con, kind: Kind, cfg: dict, o: dict, enterprise: str, actor: str,
                       order_id: int | None) -> tuple[int, int, str]:
    code = cfg["codes"][kind.code]
    year = int(o["issued"][:4])
    with transaction(con):
        serial = ledger_orders.allocate(con, cfg["name"], code, year)[0]
        number = ledger_orders.format_number(cfg["short_name"], code, year, serial)
        doc_id = con.execute(
            "INSERT INTO documents (kind, number, authority, code, year, serial, enterprise_id, enterprise,"
            " order_id, issued, actor, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (kind.key, number, cfg["name"], code, year, serial,
             ledger_orders.enterprise_id(con, enterprise, create=False), enterprise, order_id, o["issued"],
             actor, ledger_orders.now())).lastrowid
    return doc_id, serial, number
