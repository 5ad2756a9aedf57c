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
    ATTACH_ITEM, ATTACH_LABEL_RE, ATTACH_NOTE_RE, CC_RE, DATE_LINE_RE, DOCNUM_RE, PRINT_LINE_RE,
    DocxView, Para, fix_doc_number,
)
from generators.gongwen.model import Attachment, BodyPara, BodyTable, Gongwen
from generators.office import convert_one
from parsers.readers.docx import read_table
from schema.dates import find_date
from schema.errors import InputError
from schema.marks import leading_mark, mark_level

LEGACY = (".doc", ".wps")
STRIP = " \t\u3000\xa0"
MARK_SUFFIXES = ("文件",)


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


def read_blocks(path: Path) -> list:
    """The draft's non-empty paragraphs (Para) and tables (BodyTable), in order. Text boxes come before
    the paragraph they are anchored in; a table holding the 标志 above all text becomes its line.
    Word's automatic list numbers are already the paragraphs' first runs (DocxView), so they stay as text."""
    view = DocxView(path)
    blocks = view.blocks()
    boxes: dict[int, list[Para]] = {}
    for fp in view.frame_paras:
        boxes.setdefault(fp.block, []).append(fp)
    out = []
    for kind, item, el in blocks:
        block = item.block if kind == "p" else (item[0].block if item else -1)
        out += boxes.pop(block, [])
        if kind == "p" and item.text.strip(STRIP):
            out.append(item)
        elif kind == "tbl":
            mark = _mark_table(item) if not any(isinstance(b, Para) for b in out) else None
            out.append(mark or table_block(el))
    return out


# --- recognising the parts ----------------------------------------------------------------

def _text(b) -> str:
    return b.text.strip(STRIP) if isinstance(b, Para) else ""


def _date(text: str) -> dt.date | None:
    ymd = find_date(text)
    try:
        return dt.date(*ymd) if ymd else None
    except ValueError:
        return None


def _is_docnum(text: str) -> bool:
    return bool(DOCNUM_RE.match(text.split("签发人")[0].strip(STRIP)))


def _is_short_line(text: str) -> bool:
    """A 署名-like line: short, no sentence punctuation at the end, not a heading."""
    return 0 < len(text) <= 30 and not re.search(r"[。；，：:！？、]$", text) and not mark_level(text)


def recognise(path: Path) -> Gongwen:
    """The Gongwen a draft .docx contains (raises InputError when no title or organ can be found)."""
    path = Path(path)
    blocks = read_blocks(path)
    if not any(isinstance(b, Para) for b in blocks):
        raise InputError(f"{path}：文档中没有文字", code="empty")
    gw = Gongwen(organs=[])
    i = 0
    # 版头: "××文件" and the 发文字号, in either order
    while i < len(blocks) and i < 3:
        t = _text(blocks[i])
        if t.endswith(MARK_SUFFIXES) and len(t) <= 40 and not gw.organs:
            gw.organs = [o for o in re.split(rf"[{STRIP}]+", t[:-2]) if o]
        elif _is_docnum(t) and not gw.doc_number:
            gw.doc_number = fix_doc_number(t.split("签发人")[0].strip(STRIP))
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
    gw.title = "".join(_text(b) for b in blocks[i:title_end])
    if not gw.title:
        raise InputError(f"{path}：未识别出公文标题", code="no_title")
    i = title_end
    if rec is not None:
        gw.recipients = _text(blocks[rec]).rstrip("：:")
        i += 1
    # 版记 at the end: 抄送 and 印发 lines
    end = len(blocks)
    for j in range(len(blocks) - 1, i - 1, -1):
        t = _text(blocks[j])
        m = PRINT_LINE_RE.match(t)
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
    date_i = next((j for j in range(i, end) if DATE_LINE_RE.match(_text(blocks[j]))), None)
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
    gw.body = [para_block(b) if isinstance(b, Para) else b for b in blocks[i:body_end]]
    # after the date: 附注, then the attachments (each from its "附件N" label)
    j = (date_i + 1) if date_i is not None else end
    if j < end and re.fullmatch(r"[（(].+[）)]", _text(blocks[j])):
        gw.note = _text(blocks[j])[1:-1]
        j += 1
    gw.attachments = _attachments(blocks[j:end], names, path)
    if not gw.organs:
        lead = gw.signature[0] if gw.signature else gw.title.split("关于")[0] if "关于" in gw.title[1:] else ""
        if not lead:
            raise InputError(f"{path}：未识别出发文机关（首行应为“××文件”，或有落款署名）", code="no_organ")
        gw.organs = [lead]
    return gw


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

def format_document(input: Path, output: Path, pdf: bool = False, profile: str = "gbt9704") -> Path:
    """Re-lay out a Word draft as a GB/T 9704 公文 at `output` (.docx; and .pdf next to it with pdf=True)."""
    from generators.gongwen.render import render

    src = Path(input)
    if not src.exists():
        raise InputError(f"{src}：文件不存在", code="missing")
    suffix = src.suffix.lower()
    if suffix not in (".docx",) + LEGACY:
        raise InputError(f"{src}：只能排版 .docx、.doc 或 .wps 文件", code="not_word")
    with tempfile.TemporaryDirectory(prefix="paicha-format-") as tmp:
        docx = convert_one(src, "docx", Path(tmp)) if suffix in LEGACY else src
        gw = recognise(docx)
    gw.profile = profile
    return render(gw, Path(output), pdf=pdf)
