"""One-click 排版: an unformatted Word draft (.docx/.doc/.wps) → a GB/T 9704 公文.

`read_blocks` (the draft's paragraphs with their bold runs, and its tables with
merges) → `recognise` (which line is the 发文机关, 字号, 标题, 主送, 正文, 附件说明,
署名, 日期, 附注, 附件, 抄送, 印发 → a Gongwen) → the one renderer
(generators.gongwen.render). Text is kept as typed except: whitespace at the
ends of lines, the 发文字号 brackets/zeros (〔2023〕15号) and the 成文/印发 dates
(2023年3月2日).
"""
from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

from generators.gongwen.check import (
    ATTACH_ITEM, ATTACH_LABEL_RE, ATTACH_NOTE_RE, CC_RE, DATE_LINE_RE, DOCNUM_LOOSE_RE, DOCNUM_RE, NUMERIC_DATE_LINE_RE,
    BYLINE, PRINT_LINE_RE, SERIAL_RE, DocxView, Para, cover_page, find_parts, markish, fix_doc_number, fix_numeric_date,
)
from generators.gongwen.model import Attachment, BodyPara, BodyTable, Gongwen
from generators.office import convert_one
from parsers.readers.docx import read_table
from schema.dates import find_date
from schema.errors import InputError
from schema.marks import leading_mark, mark_level

LEGACY = (".doc", ".wps")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# What `format` may be told when the draft does not say it (options dict or a small YAML file), with the
# Chinese name used when asking for it.
OPTIONS = {"organs": "发文机关", "doc_number": "发文字号", "signers": "签发人", "recipients": "主送机关",
           "cc": "抄送机关", "printer": "印发机关", "print_date": "印发日期", "note": "附注"}
STRIP = " \t\u3000\xa0"
MARK_SUFFIXES = ("文件",)
PRINT_LOOSE_RE = re.compile(r"^(?P<org>\S.{0,40}?)\s+(?P<date>\S{1,16})\s*印\s*发$")     # "[发文单位]办公室 [日期]印发"


# --- reading the draft --------------------------------------------------------------------

def _strip_runs(runs: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Runs without leading/trailing whitespace, adjacent runs of the same weight joined."""
    out: list[tuple[str, bool]] = []
    for text, bold in runs:
        if out and out[-1][1] == bold:
            out[-1] = (out[-1][0] + text, bold)
        elif text:
            out.append((text, bold))
    while out and not out[0][0].lstrip(STRIP):
        out.pop(0)
    while out and not out[-1][0].rstrip(STRIP):
        out.pop()
    if out:
        out[0] = (out[0][0].lstrip(STRIP), out[0][1])
        out[-1] = (out[-1][0].rstrip(STRIP), out[-1][1])
    return out


def para_block(p: Para):
    """A body paragraph: plain str, or BodyPara when some (not all) of it is bold."""
    runs = _strip_runs([(r.text, r.bold) for r in p.runs])
    if any(b for _, b in runs) and len(runs) > 0:
        return BodyPara(runs=runs)
    return "".join(t for t, _ in runs)


def table_block(tbl) -> BodyTable:
    """A w:tbl, read by the docx reader, as BodyTable: text at each merged cell's top-left, merges as
    (row, col, rowspan, colspan); as wide as its cells (not its w:tblGrid)."""
    table = read_table(tbl)
    width = max((c.col + c.colspan for c in table.cells), default=0)
    grid = [[""] * width for _ in range(table.n_rows)]
    for c in table.cells:
        grid[c.row][c.col] = c.text
    merges = sorted((c.row, c.col, c.rowspan, c.colspan) for c in table.cells if c.rowspan > 1 or c.colspan > 1)
    return BodyTable(rows=grid, merges=merges)


def _mark_table(cells: list[Para]) -> Para | None:
    """A 联合行文 标志 typed as a table (names in the left cells, 文件 on the right) as one line "甲　乙文件"."""
    texts = [c.text.strip(STRIP) for c in cells if c.text.strip(STRIP)]
    suffix = next((t for t in texts if t in MARK_SUFFIXES), None)
    if not suffix or len(texts) < 2:
        return None
    text = "\u3000".join(t for t in texts if t != suffix) + suffix
    return Para(cells[0].el, text, cells[0].runs, cells[0].ppr)


def read_blocks(path: Path, cover: list | None = None) -> list:
    """The draft's non-empty paragraphs (Para) and tables (BodyTable), in order. Text boxes come before
    the paragraph they are anchored in; a table holding the 标志 above all text becomes its line.
    Word's automatic list numbers are already the paragraphs' first runs (DocxView), so they stay as text.
    A cover page (check.cover_page) is left out; its lines go to `cover` when a list is given."""
    view = DocxView(path)
    blocks = view.blocks()
    skip = cover_page(blocks)
    if cover is not None:
        cover += [p.text.strip(STRIP) for p in skip]
    boxes: dict[int, list[Para]] = {}
    for fp in view.frame_paras:
        boxes.setdefault(fp.block, []).append(fp)
    out = []
    for kind, item, el in blocks:
        block = item.block if kind == "p" else (item[0].block if item else -1)
        out += boxes.pop(block, [])
        if kind == "p" and item.text.strip(STRIP) and item not in skip:
            out.append(item)
        elif kind == "tbl" and len(el.findall(f"{{{W}}}tr")) == 1 and len(el.find(f"{{{W}}}tr").findall(f"{{{W}}}tc")) == 1:
            out += [q for q in item if q.text.strip(STRIP)]     # a one-cell table framing text: its paragraphs
        elif kind == "tbl":
            mark = _mark_table(item) if not any(isinstance(b, Para) for b in out) else None
            out.append(mark or table_block(el))
    return out


# --- recognising the parts ----------------------------------------------------------------

def _text(b) -> str:
    return b.text.strip(STRIP) if isinstance(b, Para) else ""


def _date(text: str) -> dt.date | None:
    ymd = find_date(fix_numeric_date(text))     # 2017.4.13 / 2023-4-3 read as 年月日
    try:
        return dt.date(*ymd) if ymd else None
    except ValueError:
        return None


def _is_docnum(text: str) -> bool:
    num = text.split("签发人")[0].strip(STRIP)
    return bool(DOCNUM_RE.match(num) or DOCNUM_LOOSE_RE.match(num))     # placeholders too: [代字]〔2023〕X号


def _is_short_line(text: str) -> bool:
    """A 署名-like line: short, no sentence punctuation at the end, not a heading."""
    return 0 < len(text) <= 30 and not re.search(r"[。；，：:！？、]$", text) and not mark_level(text)


def load_options(options: dict | Path | None) -> dict:
    """The options given to `format` (a dict, or a YAML file of the OPTIONS keys), checked and typed."""
    if options is None:
        return {}
    if not isinstance(options, dict):
        import yaml
        try:
            options = yaml.safe_load(Path(options).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as e:
            raise InputError(f"{options}：无法读取排版选项文件（{e}）", code="bad_options") from e
        if not isinstance(options, dict):
            raise InputError(f"{options}：排版选项文件应为“键: 值”的形式", code="bad_options")
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise InputError(f"未知的排版选项：{'、'.join(unknown)}（可用：{'、'.join(f'{k}（{v}）' for k, v in OPTIONS.items())}）",
                         code="bad_options")
    out = {}
    for k, v in options.items():
        if v in (None, "", []):
            continue
        if k in ("organs", "signers", "cc"):
            out[k] = [str(x).strip() for x in (v if isinstance(v, list) else re.split(r"[，,、；;]", str(v))) if str(x).strip()]
        elif k == "print_date":
            out[k] = v if isinstance(v, dt.date) else _date(str(v))
            if out[k] is None:
                raise InputError(f"排版选项 print_date（印发日期）“{v}”不是日期", code="bad_options")
        elif k == "doc_number":
            out[k] = fix_doc_number(str(v).strip())
        else:
            out[k] = str(v).strip()
    return out


def apply_options(gw: Gongwen, path: Path, options: dict) -> Gongwen:
    """Options fill (or correct) what the draft says; the 版记's 印发 line defaults to the 发文机关 and the
    成文日期. Raises one InputError listing everything still missing and how to give it."""
    for k, v in options.items():
        setattr(gw, k, v)
    if gw.letter:           # a 信函's 版记 has no 印发 line (10.1): one typed in is dropped
        gw.printer, gw.print_date = "", None
    missing = [OPTIONS["organs"]] if not gw.organs else []
    if not gw.title:
        missing.insert(0, "公文标题")
    if not gw.organ_mark and gw.title.endswith("纪要") and len(gw.organs) == 1:
        gw.organ_mark = gw.organs[0] + "纪要"      # a 纪要 typed without its 标志 gets one (10.3: "××纪要")
    jiyao = gw.organ_mark.endswith("纪要") or gw.title.endswith("纪要")
    if not gw.print_date and not gw.date and not gw.letter and not (jiyao and not gw.printer and not gw.cc):
        missing.append(OPTIONS["print_date"])       # no 成文日期 to print the 版记 with (a 纪要 may go without one)
    if missing:
        raise InputError(f"{path}：未识别出{'、'.join(missing)}。请用排版选项给出（--organ “××局”，或 --options 选项.yaml，"
                         f"键：{'、'.join(f'{k}（{v}）' for k, v in OPTIONS.items())}）", code="need_options")
    if not gw.printer and (gw.print_date or gw.date) and not gw.letter:
        gw.printer = gw.organs[0]
    return gw


def recognise(path: Path, options: dict | None = None) -> Gongwen:
    """The Gongwen a draft .docx contains, completed by `options` (see OPTIONS); raises InputError listing
    the elements that can be neither found nor taken from the options."""
    path = Path(path)
    cover: list[str] = []
    blocks = read_blocks(path, cover)
    if not any(isinstance(b, Para) for b in blocks):
        raise InputError(f"{path}：文档中没有文字", code="empty")
    parts = find_parts(DocxView(path))
    if parts.mark and parts.mark[0].header:
        blocks = parts.mark + blocks        # a letterhead: the 标志 typed into page 1's header
    gw = Gongwen(organs=[], letter=parts.kind == "xinhan")
    i = 0
    # 版头: "××文件" and the 发文字号, in either order
    while i < len(blocks) and i < 6:
        t = _text(blocks[i])
        if re.fullmatch(r"\d{6}", t) and not gw.copy_no:          # 份号, 密级, 紧急程度 above the 标志
            gw.copy_no = t
        elif re.match(r"^(绝密|机密|秘密)", t) and len(t) <= 12 and not gw.secret:
            gw.secret = t
        elif re.fullmatch(r"特急|加急|特提|平急", t) and not gw.urgency:
            gw.urgency = t
        elif t.endswith(MARK_SUFFIXES) and len(t) <= 40 and not gw.organs:
            gw.organs = [o for o in re.split(rf"[{STRIP}]+", t[:-2]) if o]
        elif not gw.organs and len(t) <= 40 and isinstance(blocks[i], Para) and markish(blocks[i]):
            # a 标志 without 文件 (信函, name alone) or a 纪要 标志: kept as written
            if t.endswith(("命令", "令")):
                raise InputError(f"{path}：这是命令（令）格式的公文，一键排版只排文件格式，请手工调整", code="unsupported_kind")
            gw.organ_mark = t
            gw.organs = [t[:-4] if t.endswith("会议纪要") else t[:-2] if t.endswith("纪要") else t]
            if i + 1 < len(blocks) and SERIAL_RE.match(_text(blocks[i + 1])):
                gw.doc_number = _text(blocks[i + 1])        # 纪要 期号 in the 字号's place
                i += 1
        elif _is_docnum(t) and not gw.doc_number:
            gw.doc_number = fix_doc_number(t.split("签发人")[0].strip(STRIP))
            if "签发人" in t:       # 上行文: "字号  签发人：甲　乙" on one line
                names = re.sub(r"^[：:\s]+", "", t.split("签发人", 1)[1])
                gw.signers = [n for n in re.split(rf"[{STRIP}、，,]+", names) if n]
        else:
            break
        i += 1
    # 标题 (one or more lines) up to the 主送机关 line ending in a colon
    title_end = next((j for j in range(i, min(i + 4, len(blocks)))
                      if _text(blocks[j]).endswith(("：", ":")) and not mark_level(_text(blocks[j]))), None)
    if title_end is None or title_end == i:
        title_end = i + 1
        rec = None
    else:
        rec = title_end
    byline = next((j for j in range(i + 1, title_end) if _text(blocks[j]).startswith(BYLINE)), None)
    if byline is not None:      # "——作者" under the title: the first body line, not part of the title
        title_end, rec = byline, None
    gw.title = "".join(_text(b) for b in blocks[i:title_end])
    i = title_end
    if rec is not None:
        gw.recipients = _text(blocks[rec]).rstrip("：:")
        i += 1
    # 版记 at the end: 抄送 and 印发 lines
    end = len(blocks)
    for j in range(len(blocks) - 1, i - 1, -1):
        t = _text(blocks[j])
        m = PRINT_LINE_RE.match(t) or PRINT_LOOSE_RE.match(t)
        if m and not gw.printer:
            gw.printer = m.group("org").strip(STRIP)
            gw.print_date = _date(m.group("date"))
            end = j
        elif CC_RE.match(t) and not gw.cc:
            names = CC_RE.sub("", t).strip(STRIP).rstrip("。.")
            gw.cc = [n.strip(STRIP) for n in re.split(r"[，,、；;]", names) if n.strip(STRIP)]
            end = j
        elif t or isinstance(blocks[j], BodyTable):
            break
    # 成文日期: the first whole-line date after the title; 署名 lines just above it
    date_i = next((j for j in range(i, end) if DATE_LINE_RE.match(_text(blocks[j]))
                   or NUMERIC_DATE_LINE_RE.match(_text(blocks[j]))), None)
    body_end = end
    if date_i is not None:
        gw.date = _date(_text(blocks[date_i]))
        k = date_i
        while k > i and isinstance(blocks[k - 1], Para) and _is_short_line(_text(blocks[k - 1])) \
                and not leading_mark(_text(blocks[k - 1]), ATTACH_ITEM) and not ATTACH_NOTE_RE.match(_text(blocks[k - 1])) \
                and date_i - k < 3:
            k -= 1
        gw.signature = [_text(b) for b in blocks[k:date_i]]
        body_end = k
    # 附件说明 closes the body
    names: list[str] = []
    note_i = next((j for j in range(i, body_end) if ATTACH_NOTE_RE.match(_text(blocks[j]))), None)
    if note_i is not None:
        first = ATTACH_NOTE_RE.match(_text(blocks[note_i])).group("rest").strip(STRIP)
        lines = [first] + [_text(b) for b in blocks[note_i + 1:body_end]]
        for line in lines:
            m = leading_mark(line, ATTACH_ITEM)
            names.append((line[m.end():] if m else line).strip(STRIP))
        body_end = note_i
    if date_i is None and body_end > i and gw.organs and _text(blocks[body_end - 1]) in gw.organs:
        body_end -= 1       # an undated 署名 (as `format` writes a 纪要's): the organ's name closing the text
        gw.signature = [_text(blocks[body_end])]
    gw.body = [para_block(b) if isinstance(b, Para) else b for b in blocks[i:body_end]]
    # after the date: 附注, then the attachments (each from its "附件N" label)
    j = (date_i + 1) if date_i is not None else end
    if j < end and re.fullmatch(r"[（(].+[）)]", _text(blocks[j])):
        gw.note = _text(blocks[j])[1:-1]
        j += 1
    gw.attachments = _attachments(blocks[j:end], names, path)
    if not gw.organs:
        lead = gw.signature[0] if gw.signature else gw.title.split("关于")[0] if "关于" in gw.title[1:] else \
            next((c for c in cover if not find_date(c) and not re.search(r"\d{4}\s*年", c)), "")   # the cover's organ
        gw.organs = [lead] if lead else []
    return apply_options(gw, path, load_options(options))


def _attachments(blocks: list, names: list[str], path: Path) -> list[Attachment]:
    """Attachments from the 附件 pages; names from the 附件说明 (a page's title line is dropped when it repeats it)."""
    pages: list[list] = []
    for b in blocks:
        if isinstance(b, Para) and ATTACH_LABEL_RE.match(_text(b)):
            pages.append([])
        elif pages:
            pages[-1].append(b)
        else:   # content after the date without a "附件" label: an attachment page named by its first line
            pages.append([b])
    out = []
    for n, page in enumerate(pages):
        name = names[n] if n < len(names) else ""
        if page and isinstance(page[0], Para) and (not name or _text(page[0]) == name):
            name = name or _text(page[0])
            page = page[1:]
        out.append(Attachment(name=name, blocks=[para_block(b) if isinstance(b, Para) else b for b in page]))
    for name in names[len(pages):]:
        out.append(Attachment(name=name))
    return out


# --- the command --------------------------------------------------------------------------

def format_document(input: Path, output: Path, pdf: bool = False, profile: str = "gbt9704",
                    options: dict | Path | None = None, paginate: bool | None = None) -> Path:
    """Re-lay out a Word draft as a GB/T 9704 公文 at `output` (.docx; and .pdf next to it with pdf=True);
    `options` (dict or YAML file, keys OPTIONS) gives what the draft does not say; `paginate` as in
    render (the service passes True: a user's file gets its 版记 page number right)."""
    from generators.gongwen.render import render

    src = Path(input)
    if not src.exists():
        raise InputError(f"{src}：文件不存在", code="missing")
    suffix = src.suffix.lower()
    if suffix not in (".docx",) + LEGACY:
        raise InputError(f"{src}：只能排版 .docx、.doc 或 .wps 文件", code="not_word")
    with tempfile.TemporaryDirectory(prefix="paicha-format-") as tmp:
        docx = convert_one(src, "docx", Path(tmp)) if suffix in LEGACY else src
        gw = recognise(docx, options)
    gw.profile = profile
    return render(gw, Path(output), pdf=pdf, paginate=paginate)
