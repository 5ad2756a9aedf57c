"""Find the forms in a Document and turn each into a Record.

document → units (a table with the lines above and below it)
         → form type (title patterns + label fingerprint: jieba tokens, fuzzy labels; an OCR'd table
           read too poorly to tell: the one form its title line names)
         → continuation tables joined (a 自查表 split across a page)
         → extract (parsers/extract.py) → header lines → validate → Record
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from parsers.extract import (STRONG, Grid, distinct, excel_serial, extract, field_scores, find_header_row,
                             group_scores, label_score, low_recognition, norm_label, per_spec, row_key,
                             set_path, unused_cells)
from parsers.model import Block, Cell, Document, Paragraph, Table
from schema.keys import compact as _key
from schema.marks import NUMBERED_CELL, leading_mark
from schema.normalize import normalize, vocab
from schema.record import Record
from schema.spec import Field, FormSpec, all_specs
from schema.validate import apply_rules, low_confidence

HEAD_ROWS = 15        # a list form's column header row is among a table's first rows
ACCEPT = 0.34         # fingerprint score needed to call a table a known form
LABEL_FOUND = 0.8     # a field's label is among a table's cell texts at this label score
TITLE_WEIGHT = 0.45
TITLE_ONLY = 0.6      # an OCR'd table whose cells name no form is the one its title line names this well ...
TITLE_GAP = 0.15      # ... when no other form is named within this
ATTACHMENT = re.compile(r"^\s*附\s*件\s*[0-9一二三四五六七八九十]*\s*[:：]?\s*$")


@dataclass
class Unit:
    """One table with the text lines around it."""
    table: Table
    before: list[Paragraph] = field(default_factory=list)
    after: list[Paragraph] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)     # grid rows that are the form body
    grid: list = field(default_factory=list)          # the table's cell_grid(), made once


# --- segmentation ------------------------------------------------------------------------------

def _titleish(text: str, specs: list[FormSpec]) -> bool:
    t = norm_label(text)
    return bool(ATTACHMENT.match(text)) or any(norm_label(p) in t for s in specs for p in s.title_patterns)


def _title_line(para: Paragraph, specs: list[FormSpec]) -> bool:
    """A line that starts a form: titleish, or OCR'd and naming one form well (a character misread:
    行动战计表; on a photo of two sheets it heads the second one, not the first one's notes)."""
    if _titleish(para.text, specs):
        return True
    return para.confidence is not None and _title_named([para.text], specs)[0] is not None


def per_specs(fn):
    """fn(specs) kept for the same spec objects (specs are loaded once and live on; a spec file
    changed on disk is a new object)."""
    kept: dict[tuple[int, ...], tuple[tuple[FormSpec, ...], object]] = {}

    def wrapper(specs: list[FormSpec]):
        key = tuple(map(id, specs))
        hit = kept.get(key)
        if hit is None or any(a is not b for a, b in zip(hit[0], specs)):
            if len(kept) > 64:
                kept.clear()
            hit = kept[key] = (tuple(specs), fn(specs))
        return hit[1]
    wrapper.__doc__ = fn.__doc__
    wrapper.cache_clear = kept.clear
    return wrapper


@per_specs
def _header_labels(specs: list[FormSpec]) -> tuple[str, ...]:
    """Labels that make a table row a header line: not one form's header label (企业名称 of a
    hazard_register) that another form reads in its body, unless every form has it (联系电话)."""
    every = set.intersection(*({lb for f in s.header.values() for lb in f.labels} for s in specs)) if specs else set()
    body = {lb for s in specs for f in s.fields.values() for lb in f.labels}
    return tuple(sorted({lb for s in specs for f in s.header.values() for lb in f.labels
                         if len(lb) >= 2 and (lb in every or lb not in body)}, key=len, reverse=True))


# a note after a header label: 填报单位（盖章）, 填报单位(公章)
LABEL_NOTE = r"(?:\s*[(（][^()（）]{0,8}[)）])?"
NOTE_LINE = re.compile(r"^\s*(注|备\s*注|说\s*明|填报说明|填表说明)\s*\d*\s*[:：]")


@lru_cache(maxsize=64)
def _header_rx(labels: tuple[str, ...]) -> re.Pattern:
    """label, optional note, optional colon (OCR loses colons under seals)."""
    alt = "|".join(r"\s*".join(map(re.escape, unicodedata.normalize("NFKC", lb).replace(" ", "")))
                   for lb in sorted(labels, key=len, reverse=True))
    return re.compile(rf"({alt}){LABEL_NOTE}\s*([:：])?")


def header_pairs(text: str, labels: list[str]) -> list[tuple[str, str]]:
    """(label, value) for every header label in a line: with or without colon, several per line.

    Without a colon a label counts only at the start of the line or after a space / punctuation
    (or when it is 4+ characters long), so a value that merely contains 时间 is not split."""
    return [(label, value) for _, _, label, value in label_spans(text, labels)]


def label_spans(text: str, labels: list[str]) -> list[tuple[int, int, str, str]]:
    """header_pairs with where each 'label：value' starts and ends in the NFKC form of `text`."""
    return list(_label_spans(text, labels if type(labels) is tuple else tuple(labels)))


@lru_cache(maxsize=16384)
def _label_spans(text: str, labels: tuple[str, ...]) -> tuple[tuple[int, int, str, str], ...]:
    """label_spans, kept (the same lines recur return after return: titles, notes, dates)."""
    text = unicodedata.normalize("NFKC", text)
    if NOTE_LINE.match(text):
        return ()
    found = []
    for m in _header_rx(tuple(labels)).finditer(text):
        label = re.sub(r"\s", "", m.group(1))
        before = text[:m.start()].rstrip(" ")
        anchored = not before or before[-1] in ":：,，;；。、)）" or text[m.start() - 1].isspace()
        if m.group(2) or anchored or len(label) >= 4:
            found.append((m, label))
    out = []
    for i, (m, label) in enumerate(found):
        end = found[i + 1][0].start() if i + 1 < len(found) else len(text)
        value = text[m.end():end].strip(" \t:：,，;；")
        value = re.sub(r"^[(（]\s*(盖章|公章|签章|签字|签名)\s*[)）]\s*[:：]?\s*", "", value)   # 填报单位：（盖章）北石店镇
        value = re.sub(rf"{LABEL_NOTE}$", "", value).strip() if re.search(r"[)）]$", value) and \
            re.search(r"(盖章|公章|签章|签字|签名)[)）]$", value) else value
        out.append((m.start(), end, label, value))
    return tuple(out)


def _header_label_of(text: str, labels: list[str]) -> str | None:
    """The header label a whole cell is (填报单位, 填报单位（盖章）：), else None."""
    return _header_label_in(text, tuple(labels))


@lru_cache(maxsize=65536)
def _header_label_in(text: str, labels: tuple[str, ...]) -> str | None:
    t = re.sub(rf"{LABEL_NOTE}\s*[:：]?\s*$", "", unicodedata.normalize("NFKC", text).strip())
    t = re.sub(r"\s", "", t)
    return next((lb for lb in labels if norm_label(lb) == norm_label(t)), None)


@lru_cache(maxsize=65536)
def signature_label(text: str) -> tuple[str, str] | None:
    """(label, value written after it) when a cell or line starts with a signature label
    (负责人签字, 审核人：王五), else None."""
    t = _key(text)
    for lb in vocab()["signature_labels"]:
        m = re.match(rf"{re.escape(lb)}{LABEL_NOTE}[:：]?(.*)$", t, re.S)
        if m:
            return lb, m.group(1)
    return None


def header_row_text(cells, labels: list[str]) -> str | None:
    """A row made only of header fields ('填报单位 | 北石店镇 | 填报日期 | 2023.3.5' or
    '填表人：张三' cells) as one 'label：value' line; None when any cell is something else.
    Signature cells (负责人签字 | 王五) count as header fields but add nothing."""
    texts = [c.text.strip() for c in cells if c.text.strip()]
    parts, i, n_labels = [], 0, 0
    while i < len(texts):
        sig = signature_label(texts[i])
        if sig:
            nxt = texts[i + 1] if i + 1 < len(texts) else ""
            plain = nxt and not _header_label_of(nxt, labels) and not signature_label(nxt)
            i += 2 if not sig[1] and plain and not header_pairs(nxt, labels) else 1
            n_labels += 1
            continue
        label = _header_label_of(texts[i], labels)
        if label:
            nxt = texts[i + 1] if i + 1 < len(texts) else ""
            if nxt and not _header_label_of(nxt, labels) and not header_pairs(nxt, labels) \
                    and not signature_label(nxt):
                parts.append(f"{label}：{nxt}")
                i += 2
            else:
                parts.append(f"{label}：")
                i += 1
            n_labels += 1
            continue
        pairs = header_pairs(texts[i], labels)
        if not pairs or not re.match(r"^\s*" + r"\s*".join(map(re.escape, pairs[0][0])),
                                     unicodedata.normalize("NFKC", texts[i])):
            return None
        parts.append(texts[i])
        n_labels += 1
        i += 1
    return "  ".join(parts) if n_labels else None


def _line_row(cells, n_cols: int, header_labels: list[str]) -> bool:
    """A table row that is really a text line (Excel title, 填报单位 line, notes)."""
    texts = [c.text.strip() for c in cells if c.text.strip()]
    if not texts:
        return False
    if len(texts) == 1:
        c = next(c for c in cells if c.text.strip())
        if c.colspan >= max(2, 0.6 * n_cols) or n_cols == 1:
            return True
    return header_row_text(cells, header_labels) is not None


def _line_text(cells, header_labels: list[str]) -> str:
    return header_row_text(cells, header_labels) or " ".join(c.text for c in cells if c.text.strip())


def _header_table_lines(table: Table, grid: Grid, header_labels: list[str]) -> list[Paragraph] | None:
    """A small table (`grid`: its cell_grid()) holding only header fields (填报单位 | … | 填报日期 | …)
    as lines, else None."""
    lines = []
    for row in grid:
        cells = distinct(row)
        if not any(c.text.strip() for c in cells):
            continue
        text = header_row_text(cells, header_labels)
        if text is None:
            return None
        lines.append(_row_line(cells, text, table.page))
    return lines or None


def units_of(doc: Document, specs: list[FormSpec]) -> list[Unit]:
    """Tables with their lines; lines between two tables go below the first until a title line."""
    units: list[Unit] = []
    pending: list[Paragraph] = []
    labels = _header_labels(specs)
    for block in join_page_continuations(doc, specs):
        if isinstance(block, Paragraph):
            if block.text.strip():
                pending.append(block)
            continue
        if not block.cells:
            continue
        grid = block.cell_grid()
        header_lines = _header_table_lines(block, grid, labels)
        if header_lines:
            pending += header_lines
            continue
        k = next((i for i, p in enumerate(pending) if _title_line(p, specs)
                  or _other_sheet(units[-1].table, p)), len(pending)) if units else 0
        if units:
            units[-1].after += pending[:k]
        unit = Unit(block, before=pending[k:], grid=grid)
        pending = []
        # rows at the top / bottom of a sheet that are text lines
        rows = list(range(block.n_rows))
        while rows and _line_row(distinct(grid[rows[0]]), block.n_cols, labels):
            unit.before.append(_row_line(distinct(grid[rows[0]]), _line_text(distinct(grid[rows[0]]), labels)))
            rows.pop(0)
        tail: list[Paragraph] = []
        while rows and _line_row(distinct(grid[rows[-1]]), block.n_cols, labels):
            text = _line_text(distinct(grid[rows[-1]]), labels)
            if re.match(r"^\s*备\s*注\s*[:：]", text) and "自查结果" in text:
                break   # the 自查表's own notes row stays in the table
            if len(rows) >= 2 and any(_label_only_row(distinct(grid[r]), specs) for r in rows[-2:]):
                break   # 存在问题： on a row of its own with its text in the row below
            tail.insert(0, _row_line(distinct(grid[rows[-1]]), text))
            rows.pop()
        unit.after += tail
        unit.rows = rows
        units.append(unit)
    if units:
        units[-1].after += pending
    return units


def _label_only_row(cells, specs: list[FormSpec]) -> bool:
    """A row holding nothing but one form field's label (存在问题：)."""
    texts = [c.text.strip() for c in cells if c.text.strip()]
    if len(texts) != 1 or len(norm_label(texts[0])) > 40:
        return False
    return any(max(field_scores(s.all_fields(), texts[0]), default=0.0) >= STRONG for s in specs)


def _other_sheet(table: Table, para: Paragraph) -> bool:
    """A line of another worksheet than `table`'s (a sheet's lines never belong to the previous sheet)."""
    return table.part.startswith("sheet ") and para.page is not None and para.page != table.page


def _min_conf(cells) -> float | None:
    vals = [c.confidence for c in cells if c.confidence is not None]
    return min(vals) if vals else None


def _row_line(cells, text: str, page: int | None = None) -> Paragraph:
    """A table row read as a text line; an OCR'd row keeps its page and the box around its cells."""
    boxes = [c.box for c in cells if c.box]
    box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
           max(b[3] for b in boxes)) if boxes else None
    return Paragraph(text, confidence=_min_conf(cells), page=next((c.page for c in cells if c.box), page), box=box)


def body_grid(unit: Unit) -> Grid:
    grid = unit.grid or unit.table.cell_grid()
    return [grid[r] for r in unit.rows]


# --- forms wrapped in a layout table ------------------------------------------------------------

def _row_lines(table: Table) -> list[str]:
    """The lines a nested table left in its outer cell's text (the reader's flattening)."""
    lines = [" ".join(c.text for c in row if c.text).strip() for row in table.rows()]
    return [ln for ln in lines if ln]


def unwrap_layout_tables(blocks: list[Block]) -> list[Block]:
    """A table used only to lay out a page (one big cell holding the title lines and the real
    form as a nested table) → its lines as paragraphs and the nested tables as tables."""
    out: list[Block] = []
    for block in blocks:
        if not isinstance(block, Table) or not block.nested:
            out.append(block)
            continue
        expanded = _expand(block)
        out += unwrap_layout_tables(expanded) if expanded is not None else [block]
    return out


def _find_rows(text: str, pos: int, table: Table) -> tuple[int, int] | None:
    """Where a nested table's rows sit in its outer cell's text (from `pos`), else None."""
    lines = _row_lines(table)
    at = end = text.find(lines[0], pos) if lines else -1
    if at < 0:
        return None
    for line in lines:
        end = text.find(line, end)
        if end < 0:
            return None
        end += len(line)
    return at, end


def _lines(text: str, page: int | None) -> list[Paragraph]:
    return [Paragraph(ln.strip(), page=page) for ln in text.split("\n") if ln.strip()]


def _expand(table: Table) -> list[Block] | None:
    """A layout table's cell lines and nested tables in reading order; None when it is a form of
    its own (its nested tables are a small part of its text) or the nested rows are not found."""
    nested = list(table.nested)
    blocks: list[Block] = []
    wrapped = 0
    for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
        text, pos = cell.text, 0
        while nested and (span := _find_rows(text, pos, nested[0])):
            at, end = span
            blocks += _lines(text[pos:at], table.page)
            blocks.append(replace(nested.pop(0), page=table.page))
            wrapped += end - at
            pos = end
        blocks += _lines(text[pos:], table.page)
    total = sum(len(c.text) for c in table.cells)
    return blocks if not nested and wrapped * 2 >= total else None


# --- tables continued on the next page ---------------------------------------------------------

# page furniture that may sit between a table and its continuation: "- 2 -", "第2页 共3页", "续表"
PAGE_NOISE = re.compile(r"^\s*([-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
                        r"|\d{1,3}\s*/\s*\d{1,3}|\d{1,3}|续表\s*\d*|（?续）?)\s*$")


def _norm_row(row: list[str]) -> list[str]:
    return [norm_label(t) for t in row]


def _repeated_header_rows(a: Table, b: Table) -> int:
    """How many leading rows of `b` repeat the leading rows of `a` (a header printed on every page)."""
    ga, gb = a.grid(), b.grid()
    n = 0
    while n < min(len(ga), len(gb) - 1, 6) and _norm_row(ga[n]) == _norm_row(gb[n]) and any(ga[n]):
        n += 1
    return n


def _numbered_col(row: list[str]) -> int | None:
    """The column (of the first three) whose text starts with an item number."""
    return next((c for c, t in enumerate(row[:3]) if t.strip() and NUMBERED_CELL.match(t)), None)


def _split_row(prev_last: list[str], first: list[str]) -> bool:
    """The continuation's first row is the rest of a row the page break cut in two."""
    if not any(t.strip() for t in first) or first[0].strip():
        return False
    k = _numbered_col(prev_last)
    return k is None or not NUMBERED_CELL.match(first[k])


def _label_keys(spec: FormSpec, texts) -> set[str]:
    """Keys of the spec's body fields that these cell texts name."""
    fields = spec.all_fields()
    return {f.key for t in texts if 0 < len(norm_label(t)) <= 40
            for f, s in zip(fields, field_scores(fields, t)) if s >= STRONG}


def _continues_on_next_page(a: Table, a_last_page: int | None, b: Table, between: list[Paragraph],
                            specs: list[FormSpec]) -> bool:
    """`b` goes on with `a` (whose last part was on `a_last_page`) over a page break: it repeats
    a's header rows, or starts with the rest of a cut row, or with the next numbered row of a list,
    or (a label form) with labels of the same form that `a` does not have yet."""
    if a_last_page is None or b.page != a_last_page + 1 or a.n_cols != b.n_cols or not a.cells or not b.cells:
        return False
    if any(not PAGE_NOISE.match(p.text) for p in between if p.text.strip()):
        return False
    ga, gb = a.grid(), b.grid()
    if _repeated_header_rows(a, b) or _split_row(ga[-1], gb[0]):
        return True
    # a new instance of a label form starts with the same first label but other values
    if gb[0][0].strip() and norm_label(gb[0][0]) == norm_label(ga[0][0]):
        return False
    texts = list({t.strip() for row in ga for t in row if t.strip()})
    cells = a.cell_grid()
    score, spec = max(((fp * shape_fit(s, cells), s) for fp, s in zip(fingerprints(specs, texts), specs)),
                      key=lambda p: p[0], default=(0.0, None))
    if spec is not None and score >= 0.12 and spec.shape == "label_grid":
        first = _label_keys(spec, gb[0])
        return bool(first) and not first & _label_keys(spec, texts)
    return _numbered_col(gb[0]) is not None


def _join(a: Table, b: Table) -> Table:
    """`a` followed by the rows of `b` (repeated header rows dropped, a split row merged back)."""
    skip = _repeated_header_rows(a, b)
    out = Table(page=a.page, part=f"{a.part}+{b.part}", nested=a.nested + b.nested)
    prev_cells = {id(c): replace(c) for c in a.cells}
    for c in prev_cells.values():
        out.add(c)
    gb = b.grid()
    last = a.n_rows - 1
    merge_first = skip < len(gb) and _split_row(a.grid()[-1], gb[skip])
    a_grid = a.cell_grid()
    for cell in sorted(b.cells, key=lambda c: (c.row, c.col)):
        top, bottom = max(cell.row, skip) - skip, cell.row + cell.rowspan - skip   # rows of b's body
        if bottom <= 0:
            continue                                    # a repeated header row
        if merge_first and top == 0:
            target = a_grid[last][cell.col] if cell.col < len(a_grid[last]) else None
            if target is not None and cell.text.strip():
                t = prev_cells[id(target)]
                t.text += cell.text
                if cell.confidence is not None:
                    t.confidence = min(cell.confidence, 1.0 if t.confidence is None else t.confidence)
            top = 1
            if bottom <= top:
                continue
        shift = a.n_rows - (1 if merge_first else 0)
        out.add(replace(cell, row=top + shift, rowspan=bottom - top))
    return out


def join_page_continuations(doc: Document, specs: list[FormSpec]) -> list[Block]:
    """The document's blocks with every table that runs on over a page break joined into one."""
    blocks: list[Block] = []
    n_table = 0
    between: list[Paragraph] = []
    last_table_at: int | None = None
    last_page: int | None = None
    for block in unwrap_layout_tables(doc.blocks):
        if isinstance(block, Paragraph):
            blocks.append(block)
            between.append(block)
            continue
        n_table += 1
        if not block.part:
            block = replace(block, part=f"table {n_table}")
        if last_table_at is not None and _continues_on_next_page(blocks[last_table_at], last_page, block,
                                                                 between, specs):
            blocks[last_table_at] = _join(blocks[last_table_at], block)
            # page furniture between the halves is dropped
            del blocks[last_table_at + 1:]
        else:
            blocks.append(block)
            last_table_at = len(blocks) - 1
        last_page = block.page
        between = []
    return blocks


# --- recognition ------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _jieba():
    import jieba
    jieba.setLogLevel(60)
    return jieba


TOKEN_GAPS = re.compile(r"[\s\d()（）:：,，、.。/／;；\-_]+")


@lru_cache(maxsize=4096)
def tokens(text: str) -> frozenset[str]:
    """Content words (2+ characters) of a text, via jieba."""
    t = TOKEN_GAPS.sub(" ", unicodedata.normalize("NFKC", text))
    return frozenset(w for w in _jieba().lcut(t) if len(w.strip()) >= 2)


class _SpecWords:
    """The specs' label words, and each table text's words among them: a text none of whose character
    pairs starts one of those words (a word is a piece of the text) is not cut by jieba at all."""

    MAX = 65536

    def __init__(self, words: frozenset[str]):
        self.words = words
        self.starts = frozenset(w[:2] for w in words)
        self.of: dict[str, frozenset[str]] = {}

    def among(self, text: str) -> frozenset[str]:
        kept = self.of.get(text)
        if kept is None:
            t = TOKEN_GAPS.sub(" ", unicodedata.normalize("NFKC", text))
            hit = any(t[i:i + 2] in self.starts for i in range(len(t) - 1))
            kept = tokens(text) & self.words if hit else frozenset()
            if len(self.of) > self.MAX:
                self.of.clear()
            self.of[text] = kept
        return kept


@lru_cache(maxsize=64)
def _spec_tokens(spec_key: tuple) -> frozenset[str]:
    out: set[str] = set()
    for lb in spec_key:
        out |= tokens(lb)
    return frozenset(out)


def title_score(spec: FormSpec, lines: list[str]) -> tuple[float, str]:
    """1 when a line names the form (its title or a title pattern), with that line."""
    best, best_line = 0.0, ""
    titles = (spec.title, *spec.title_patterns)
    for line in lines[-4:]:
        s = _line_title_score(titles, line)
        if s > best:
            best, best_line = s, line.strip()
    return best, best_line


@lru_cache(maxsize=16384)
def _line_title_score(titles: tuple[str, ...], line: str) -> float:
    """How well one line names a form of these titles (title_score of that line)."""
    t = norm_label(line)
    if not t or len(t) > 60:
        return 0.0
    best = 0.0
    for p in titles:
        s = 1.0 if norm_label(p) in t else label_score(p, line) * 0.8
        if len(t) >= 3 and norm_label(p).endswith(t):      # an abbreviated title: 统计表, 检查表
            s = max(s, 0.8 * len(t) / len(norm_label(p)))
        best = max(best, s)
    return best


@per_spec
def _field_labels(spec: FormSpec) -> tuple[tuple[str, ...], ...]:
    """Each required field's labels, header path end and joined labels (kept per loaded spec)."""
    return tuple(tuple(f.labels + [lb for level in f.path[-1:] for lb in level] + f.joined_labels())
                 for f in spec.all_fields() if not f.optional)


def label_fractions(specs: list[FormSpec], texts: list[str]) -> list[float]:
    """Each spec's share of fields whose label (or header path end) appears among the cell texts,
    from one matrix of all the specs' labels against the texts."""
    every, sizes = _fraction_groups(specs)
    cands = tuple(t for t in texts if 0 < len(norm_label(t)) <= 60)
    found = group_scores(every, cands, LABEL_FOUND).max(axis=1, initial=0.0) > 0
    out, k = [], 0
    for n in sizes:
        out.append(int(found[k:k + n].sum()) / n if n else 0.0)
        k += n
    return out


@per_specs
def _fraction_groups(specs: list[FormSpec]) -> tuple[tuple[tuple[str, ...], ...], list[int]]:
    """Every spec's required-field label groups in one tuple, and how many each spec has."""
    groups = [_field_labels(s) for s in specs]
    return tuple(g for gs in groups for g in gs), [len(gs) for gs in groups]


@per_specs
def _spec_token_sets(specs: list[FormSpec]) -> list[frozenset[str]]:
    return [_spec_tokens(tuple(spec.all_labels())) for spec in specs]


@per_specs
def _spec_words(specs: list[FormSpec]) -> _SpecWords:
    return _SpecWords(frozenset().union(*_spec_token_sets(specs)))


def fingerprints(specs: list[FormSpec], texts: list[str]) -> list[float]:
    """Each spec's label fraction blended with jieba token overlap (tolerant of reworded labels)."""
    table_tok: set[str] = set()         # the table's words that are some spec's words
    words = _spec_words(specs)
    for t in texts:
        if len(t) <= 60:
            table_tok |= words.among(t)
    out = []
    for spec_tok, fraction in zip(_spec_token_sets(specs), label_fractions(specs, texts)):
        overlap = len(spec_tok & table_tok) / max(1, len(spec_tok))
        out.append(0.7 * fraction + 0.3 * overlap)
    return out


def shape_fit(spec: FormSpec, grid: Grid, keys: list[tuple] | None = None) -> float:
    """1.0, or 0.5 for a list form (row_list, item_marks) whose column header row is missing from the
    table's first rows or has no row under it: a poor guess, whatever its labels. `keys`: the row_key()s
    of the grid's first HEAD_ROWS rows, when the caller has them."""
    if spec.shape not in ("item_marks", "row_list"):
        return 1.0
    head = grid[:HEAD_ROWS]
    return 0.5 if find_header_row(spec.read_columns(), head, keys=keys)[0] in (-1, len(grid) - 1) else 1.0


GENERIC_SHEET = re.compile(r"^(sheet|工作表|表)\s*\d*$", re.I)


def sheet_title(table: Table) -> str:
    """A worksheet's name when it names something (自查表, 摸底表), not Sheet1 / 工作表2."""
    name = table.part[len("sheet "):].strip() if table.part.startswith("sheet ") else ""
    return "" if GENERIC_SHEET.match(name) else name


@per_specs
def _body_field_labels(specs: list[FormSpec]) -> tuple[str, ...]:
    return tuple(sorted({lb for s in specs for f in s.fields.values() for lb in f.labels if len(lb) >= 2},
                        key=len, reverse=True))


def line_field_labels(lines: list[Paragraph], specs: list[FormSpec]) -> list[str]:
    """The form-field labels written as 'label：value' in the lines above a table (企业名称：…),
    which read_body_lines would read: they count for the form like labels in its cells."""
    labels = _body_field_labels(specs)
    return [lb for p in lines[-3:] for lb, v in header_pairs(p.text, labels) if v]


def classify(unit: Unit, specs: list[FormSpec]) -> tuple[FormSpec | None, float, str]:
    grid = body_grid(unit)
    texts = list({c.text.strip() for r in grid for c in distinct(r) if c.text.strip()}
                 | set(line_field_labels(unit.before, specs)))
    lines = [p.text for p in unit.before][-3:] + [t for t in [sheet_title(unit.table)] if t]
    fps = fingerprints(specs, texts)
    # a spec scores fp × shape_fit (≤ 1) + TITLE_WEIGHT × title_score (≤ 1), the title only beside labels:
    # specs are scored best bound first, and none whose bound is under the best score so far
    bound = [fp + TITLE_WEIGHT if fp >= 0.12 else fp for fp in fps]
    best_i, best_score, best_title = -1, 0.0, ""
    keys = None                     # the head rows' row_key()s, made for the first list form that needs them
    for i in sorted(range(len(specs)), key=lambda i: -bound[i]):
        if bound[i] < best_score:
            break
        spec, fp = specs[i], fps[i]
        if fp < 0.12:
            ts, line, score = 0.0, "", fp
        else:
            if keys is None and spec.shape in ("item_marks", "row_list"):
                keys = [row_key(r) for r in grid[:HEAD_ROWS]]
            ts, line = title_score(spec, lines)
            score = fp * shape_fit(spec, grid, keys) + TITLE_WEIGHT * ts
        if score > best_score or score == best_score and best_i >= 0 and i < best_i:   # ties: the first spec
            best_i, best_score, best_title = i, score, line if ts >= 1.0 else ""
    if best_i < 0 or best_score < ACCEPT:
        # an OCR'd table whose cells were read too poorly to tell (a small photo): the form its title
        # line names; the record is checked as any (a poor one kept as low_recognition, the guess named)
        spec, ts, line = _title_named(lines, specs) if any(c.confidence is not None for c in unit.table.cells) \
            else (None, 0.0, "")
        return (spec, TITLE_WEIGHT * ts, line if ts >= 1.0 else "") if spec else (None, best_score, "")
    return specs[best_i], best_score, best_title


def _title_named(lines: list[str], specs: list[FormSpec]) -> tuple[FormSpec | None, float, str]:
    """The one form these lines name at TITLE_ONLY or better, no other within TITLE_GAP: (spec, its
    title_score, the line), or (None, 0, "")."""
    scored = sorted(((*title_score(s, lines), s) for s in specs), key=lambda x: -x[0])
    if not scored:
        return None, 0.0, ""
    (ts, line, spec), nxt = scored[0], scored[1][0] if len(scored) > 1 else 0.0
    if ts >= TITLE_ONLY and ts - nxt >= TITLE_GAP:
        return spec, ts, line
    return None, 0.0, ""


def _continues(prev_spec: FormSpec, prev: Unit, unit: Unit, specs: list[FormSpec]) -> bool:
    """A table without a title right after a form of a list shape, with the same columns."""
    if prev_spec.shape not in ("item_marks", "row_list", "header_matrix"):
        return False
    if unit.before or abs(unit.table.n_cols - prev.table.n_cols) > 1:
        return False
    rows = [distinct(r) for r in body_grid(unit)]
    numbered = sum(1 for r in rows if any(NUMBERED_CELL.match(c.text) for c in r[:3]))
    return numbered * 2 >= len(rows)


# --- header lines ------------------------------------------------------------------------------

BLANK_DATE = re.compile(r"^[\s_年月日]*$")


def without_notes(lines: list[Paragraph]) -> list[Paragraph]:
    """The lines without notes: a 注：/ 填表说明 line and the numbered lines that follow it
    ("1. 统计时间为本周一至周五" is an instruction, not the 统计时间)."""
    titles = {norm_label(t) for t in vocab()["instruction_titles"]}
    out, in_notes = [], False
    for para in lines:
        text = unicodedata.normalize("NFKC", para.text)
        if NOTE_LINE.match(text) or re.sub(r"[:：]$", "", norm_label(text)) in titles:
            in_notes = True
            continue
        if in_notes and leading_mark(text):
            continue
        in_notes = False
        out.append(para)
    return out


@per_spec
def _header_keys(spec: FormSpec) -> tuple[dict[str, str], tuple[str, ...], tuple]:
    """The header labels as _key makes them → field key (pattern fields aside); those labels with the
    signature labels (what a header line is split at); each pattern field as (key, field, its own
    labels but the first, the labels to split a line at for them)."""
    by_label = {_key(lb): key for key, f in spec.header.items() if not f.pattern for lb in f.labels}
    patterns = []
    for key, f in spec.header.items():
        if f.pattern:
            own = tuple(_key(lb) for lb in f.labels[1:])
            patterns.append((key, f, own, own + tuple(by_label)))
    return by_label, tuple(by_label) + tuple(vocab()["signature_labels"]), tuple(patterns)


def read_header(spec: FormSpec, lines: list[Paragraph], rec: Record, where: dict | None = None) -> None:
    """header fields from 'label：value' lines (several per line, colon optional) and pattern lines (东沟村);
    `where` gets each field's line ("header.x" → Paragraph)."""
    where = {} if where is None else where
    by_label, line_labels, patterns = _header_keys(spec)
    for para in without_notes(lines):
        text = unicodedata.normalize("NFKC", para.text)
        for key, f, own, split_at in patterns:
            if key not in rec.header:
                # the line itself (东沟村) or the value after one of the field's labels (村（社区）：东沟村委会)
                for cand in [text.strip()] + [v for lb, v in header_pairs(text, split_at) if lb in own]:
                    m = re.match(f.pattern, cand)
                    if m and re.sub(r"[_\s]", "", m.group(1)) != f.labels[0]:
                        rec.header[key] = m.group(1)
                        where[f"header.{key}"] = para
                        break
        for label, raw in header_pairs(text, line_labels):
            key = by_label.get(label)
            if key is None or key in rec.header or not raw or BLANK_DATE.match(raw):
                continue
            n = normalize(spec.header[key].kind, excel_serial(spec.header[key].kind, raw))
            if n.value is None:
                continue
            rec.header[key] = n.value
            where[f"header.{key}"] = para
            if n.warning:
                rec.warn(f"header.{key}", n.warning[0], n.warning[1])
            low_confidence(rec, f"header.{key}", para.confidence, spec.min_confidence)


# a village named inside a longer text: 北石店镇东沟村委会, 南河村重大事故隐患…调度表, 西河村-调度表.xlsx
VILLAGE_IN = re.compile(r"(?:^|[镇乡]|街道|办事处|[-_\s（(])([^\s\-_（()）:：镇乡]{1,8}?村)(?=民委员会|委会|委|[-_\s（(）)]|$|重大|专项|调度|进展)")


def _village_in(text: str) -> str | None:
    m = VILLAGE_IN.search(unicodedata.normalize("NFKC", text or "").strip())
    return m.group(1) if m else None


def village_elsewhere(rec: Record, lines: list[str]) -> None:
    """header.village of a 调度表 that has no 村 label: from the 填报单位, the title line, else the
    file name (flagged: a name is no statement of the return)."""
    for text in [str(rec.header.get("reporting_unit") or "")] + lines:
        v = _village_in(text)
        if v:
            rec.header["village"] = v
            return
    v = _village_in(Path(str(rec.source.get("path") or "")).stem)
    if v:
        rec.header["village"] = v
        rec.warn("header.village", "village_from_file_name", f"表内未写明村名，村名“{v}”取自文件名，请核对")


# --- records -----------------------------------------------------------------------------------

def _get(data: dict, key: str):
    for part in key.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


@per_spec
def _body_label_keys(spec: FormSpec) -> tuple[tuple[str, Field], ...]:
    """(label as _key makes it, field) of every body field's label."""
    return tuple((_key(lb), f) for f in spec.fields.values() for lb in f.labels)


def read_body_lines(spec: FormSpec, lines: list[Paragraph], rec: Record,
                    where: dict | None = None) -> list[Paragraph]:
    """Form fields the table lacks, written as lines above it (企业名称：…  负责人：…  电话：…);
    returns the lines without those parts, for the header. `where` gets each field's line."""
    body = {lb: f for lb, f in _body_label_keys(spec) if _get(rec.data, f.key) is None}
    if not body:
        return lines
    labels = list(body) + list(_header_keys(spec)[0])
    out = []
    for para in lines:
        text = unicodedata.normalize("NFKC", para.text)
        keep, pos = [], 0
        for start, end, label, raw in label_spans(text, labels):
            f = body.get(label)
            if f is None or _get(rec.data, f.key) is not None:
                continue
            n = normalize(f.kind, excel_serial(f.kind, raw))
            if n.value is None:
                continue
            set_path(rec.data, f.key, n.value)
            if where is not None:
                where[f"data.{f.key}"] = para
            if n.warning:
                rec.warn(f"data.{f.key}", n.warning[0], n.warning[1])
            low_confidence(rec, f"data.{f.key}", para.confidence, spec.min_confidence)
            keep.append(text[pos:start])
            pos = end
        rest = "".join(keep) + text[pos:]
        if rest.strip():
            out.append(replace(para, text=rest) if keep else para)
    return out


def _record(doc: Document, spec: FormSpec, units: list[Unit], title: str) -> tuple[Record, dict]:
    """The record of a form and its provenance (provenance())."""
    part = "+".join(u.table.part or f"table {i}" for i, u in enumerate(units, 1))
    rec = Record(form_type=spec.form_type, form_title=title or spec.title, source=doc.source(part))
    if doc.format in ("image", "pdf-scan"):     # OCR'd header cells read slightly wrong: the printed labels
        from parsers.ocr.trust import printed_labels
        printed_labels(spec, [u.table for u in units])
    grids = [body_grid(u) for u in units]
    ex = extract(spec, grids)
    unused, unused_at, filled = unused_cells(spec, grids, ex)
    why = low_recognition(spec, ex, unused, filled)
    if why:                     # too poor a guess: every cell kept as an unknown table, the guess named
        rec, prov = _unknown(doc, units[0], 0, units)
        rec.warnings = [{"field": "data.tables", "code": "low_recognition",
                         "message": f"疑似“{spec.title}”，但{why}，已按未识别表格原样保留，请人工核对"}]
        return rec, prov
    rec.data = ex.data
    if unused:                  # kept, and pointed at like any field
        rec.data["unused_cells"] = unused
    for path, code, message in ex.warnings:
        rec.warn(path, code, message)
    for path, cell in ex.cells.items():
        low_confidence(rec, path, cell.confidence, spec.min_confidence)
    before = units[0].before
    lines: dict[str, Paragraph] = {}
    if spec.shape in ("label_grid", "item_marks"):
        before = read_body_lines(spec, before, rec, lines)
    read_header(spec, before + [p for u in units for p in u.after], rec, lines)
    if "village" in spec.header and "village" not in rec.header:
        village_elsewhere(rec, [p.text for p in units[0].before] + [title])
    apply_rules(rec, spec.rules)
    if doc.format in ("image", "pdf-scan"):     # OCR'd: flag what cannot be trusted (parsers/ocr/trust.py)
        from parsers.ocr.trust import check
        check(rec, spec, {**ex.cells, **lines})
    at = {**ex.cells, **{f"data.unused_cells[{i}].text": c for i, c in enumerate(unused_at)}}
    return rec, provenance([u.table for u in units], at, lines)


# --- provenance --------------------------------------------------------------------------------

TITLE_MAX = 60           # a longer line above an unknown table is text, not its title
SNAPSHOT_CELLS = 5000     # a larger table is not copied into the provenance (its fields keep their cells)


def provenance(tables: list[Table], cells: dict[str, Cell], lines: dict[str, Paragraph] | None = None) -> dict:
    """Where each field of a record was read: {"tables": {part: snapshot}, "fields": {path: where}}.

    A field read from a cell: its table's part, row, col, spans and text, and for OCR the page and
    box (fractions of the upright page); a field read from a text line: that line (and its page and
    box when OCR'd). Each table is kept as a snapshot (its cells with spans) for showing the cell in
    it. Kept beside the record, not in it (the JSONL contract is unchanged)."""
    part_of = {id(c): t.part for t in tables for c in t.cells}
    snaps = {t.part: {"n_rows": t.n_rows, "n_cols": t.n_cols, "page": t.page,
                      "cells": [[c.row, c.col, c.rowspan, c.colspan, c.text] for c in t.cells]}
             for t in tables if len(t.cells) <= SNAPSHOT_CELLS}
    fields: dict[str, dict] = {}
    for path, c in cells.items():
        where = {"part": part_of.get(id(c)), "row": c.row, "col": c.col, "rowspan": c.rowspan,
                 "colspan": c.colspan, "text": c.text, "page": c.page, "box": c.box}
        fields[path] = {k: v for k, v in where.items() if v is not None}
    for path, para in (lines or {}).items():
        where = {"line": para.text, "page": para.page, "box": para.box}
        fields[path] = {k: v for k, v in where.items() if v is not None}
    return {"tables": snaps, "fields": fields}


def _instructions(unit: Unit) -> bool:
    """A table of the forms' instructions (a 填表说明 sheet): headed by an instructions title."""
    heads = [p.text for p in unit.before[-1:]]
    first = next((c.text for r in body_grid(unit)[:1] for c in distinct(r) if c.text.strip()), "")
    titles = {norm_label(t) for t in vocab()["instruction_titles"]}
    return any(re.sub(r"[:：]$", "", norm_label(h)) in titles for h in heads + [first])


def _unknown(doc: Document, unit: Unit, n: int, units: list[Unit] | None = None) -> tuple[Record, dict]:
    """An unknown record: the table (or each table of `units`) as a grid, under its title."""
    tables = [u.table for u in units] if units else [unit.table]
    table = unit.table
    rec = Record(form_type="unknown", form_title="", source=doc.source(table.part or f"table {n}"),
                 data={"tables": [t.grid() for t in tables]})
    title = next((p.text.strip() for p in reversed(unit.before) if p.text.strip()), "")
    if title and len(title) <= TITLE_MAX:        # the title written above the grid (值班表), kept with it
        rec.data = {"title": title, **rec.data}
    rec.warn("data.tables", "unrecognized", "未能识别此表格属于哪种报表，已原样保留")
    return rec, provenance(tables, {})


def records_from_document(doc: Document, specs: list[FormSpec] | None = None) -> list[Record]:
    """Every form found in the document, in order; unmatched tables as form_type unknown."""
    return [rec for rec, _ in records_with_provenance(doc, specs)]


def records_with_provenance(doc: Document, specs: list[FormSpec] | None = None) -> list[tuple[Record, dict]]:
    """records_from_document, each record with where its fields were read (provenance())."""
    specs = specs if specs is not None else all_specs()
    units = units_of(doc, specs)
    groups: list[tuple[FormSpec | None, list[Unit], str, float]] = []
    for unit in units:
        if not unit.rows:
            continue
        spec, score, title = classify(unit, specs)
        if spec is None and _instructions(unit):
            continue            # the forms' instructions (填表说明): no record
        prev = groups[-1] if groups else None
        if prev and prev[0] is not None and _continues(prev[0], prev[1][-1], unit, specs) and (
                spec is None or spec is prev[0] and not title):
            prev[1].append(unit)
            continue
        groups.append((spec, [unit], title, score))
    records = []
    for n, (spec, us, title, score) in enumerate(groups, 1):
        rec, prov = _unknown(doc, us[0], n) if spec is None else _record(doc, spec, us, title)
        rec.source["score"] = round(score, 2)       # the recogniser's score of its best guess
        records.append((rec, prov))
    return records
