"""Gongwen → .docx laid out to GB/T 9704-2012 (and optionally PDF).

The template (templates/gongwen.docx, built by templates/build_templates.py)
carries the styles, odd/even page-number footers and the 版记 section; docxtpl
fills the 版记 placeholders (autoescape on), then the 版头, 主体 and 附件 are
built with python-docx and moved in front of the template's anchor paragraph.
Every 版头 element has an explicit height and spacing so positions do not
depend on the renderer; all numbers come from the layout profile.

The 版记 sits in its own section that starts on an even page (a blank,
unnumbered page is inserted when needed) and is pushed to the bottom of the
版心 by filler lines of known height (LibreOffice ignores w:vAlign, and does
not draw floating tables).
"""
from __future__ import annotations

import copy
import io
import math
import re
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from pathlib import Path

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from docxtpl import DocxTemplate

from generators.gongwen import ooxml as X
from generators.gongwen.model import Attachment, BodyImage, BodyPara, BodyTable, Gongwen
from generators.gongwen.profile import PT_PER_MM, Profile, TitleBreak, load_profile
from generators.mark import mark_docx
from schema.dates import date_text
from schema.errors import InputError
from schema.marks import heading_mark
from schema.office import to_pdf

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "templates" / "gongwen.docx"

# Font metrics (em) of CJK faces, measured on LibreOffice's rendering: in an exact-height line
# the baseline sits DESCENT above the line's bottom; ideographs' ink spans INK_TOP above the
# baseline to INK_BOTTOM below it. A line of NATURAL_LINE em places text alike in Word and LO.
DESCENT = 0.286
INK_TOP = 0.88
INK_BOTTOM = 0.07
NATURAL_LINE = 1.43
RULE_DROP = 3.0         # pt LibreOffice draws a bottom border below the line box beyond w:space

SIG_SLACK_CHARS = 0.5   # a 署名 line this much narrower than its room: rounding never wraps it
SIG_MIN_LINE_CHARS = 4  # a 署名 broken after an organ's name keeps at least this many characters a line
ORGAN_END = "局委会府厅办室院部处所队站"   # last characters of an organ's own name (改革局, 委员会, 人民政府)
SHORT_HEADING = 60      # a numbered paragraph without 。/：, this short and not ending in ，；、 is all heading


def text_width(s: str) -> float:
    """Width in em of the default profile's fonts (CJK and full-width 1, Latin from Times New Roman's
    advance widths: digits 0.5, 'W' 0.94); Profile.text_chars adds a run's letter spacing."""
    return _metrics().em(s)


@lru_cache(maxsize=1)
def _metrics():
    return load_profile("gbt9704").metrics


# Column widths of ruled tables (body tables and 附件 forms), in characters of the table's font.
NOWRAP_CHARS = 6.0        # a text up to this wide never wraps (北石店镇, 西上庄街道, 整改率)
WRAP_MIN_CHARS = 4.0      # a longer text may wrap, on lines of at least this many characters
TWO_LINES_CHARS = 24.0    # a text up to this wide (an enterprise name) wraps onto two lines at most
SHORT_COL_CHARS = 4.0     # natural widths: texts up to 4 characters count whole,
MAX_COL_CHARS = 16.0      # what is longer counts half, up to 16
MIN_COL_CHARS = 2.0
COL_SLACK_CHARS = 0.3     # borders and rounding: a text exactly as wide as its column wraps
# never wrapped: dates (2023年3月16日, 3月16日), numbers, 90.00%, 2023-03-01, codes
UNBREAKABLE_RE = re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日|[\x21-\x7e％．]+")
NUMBER_RE = re.compile(r"^[-+]?[\d.,]+%?$|^[—–-]$")


def cell_text_width(s: str) -> float:
    """Width of table text in characters of its size (em), from the font metrics of the layout profile
    (LibreOffice previews Times New Roman in the metric-compatible Liberation Serif), the wider of Word's
    and the preview's so a date fits its cell in both."""
    return _metrics().em_both(s)


@dataclass
class ColumnNeed:
    """What a column's texts ask for, in characters: `least` (its longest unbreakable text) and
    `want` (its longest line, capped at MAX_COL_CHARS)."""
    least: float
    want: float

    @property
    def natural(self) -> float:
        """Relative width when nothing is known of the page: short texts whole, longer ones half."""
        short = max(MIN_COL_CHARS, min(self.want, SHORT_COL_CHARS))
        return max(self.least, short + max(0.0, self.want - SHORT_COL_CHARS) / 2)


def unbreakable_width(text: str) -> float:
    """Width of the longest part of `text` that must stay on one line: a short text whole, else its
    longest Latin run or date (a number, a percentage, 2023年3月16日) and at least WRAP_MIN_CHARS; a
    text up to TWO_LINES_CHARS (an enterprise name) at least half its width, so two lines hold it."""
    best = 0.0
    for line in text.split("\n"):
        line = line.strip()
        w = cell_text_width(line)
        if w > NOWRAP_CHARS:
            half = math.ceil(w / 2) if w <= TWO_LINES_CHARS else 0.0
            w = max([WRAP_MIN_CHARS, half] + [cell_text_width(t) for t in UNBREAKABLE_RE.findall(line)])
        best = max(best, w)
    return best


def heading_least(h: str) -> float:
    """Least width of a header text: whole up to SHORT_COL_CHARS (整改情况 never wraps as 整改情|况), else
    half of it (two lines) unless a number or date in it is wider."""
    w = cell_text_width(h)
    if w <= SHORT_COL_CHARS:
        return w
    return min(unbreakable_width(h), max(MIN_COL_CHARS, math.ceil(w / 2)))


def column_needs(columns: list[list[str]], headings: list[list[str]] | None = None) -> list[ColumnNeed]:
    """ColumnNeed of each column from the texts of its single-column cells; `headings` (header-row texts
    of each column) may wrap onto two lines when the table is tight (指令书/编号), never the data."""
    out = []
    for c, texts in enumerate(columns):
        heads = headings[c] if headings else []
        least = max([unbreakable_width(t) for t in texts if t] + [heading_least(h) for h in heads if h] or [0.0])
        texts = texts + heads
        longest = max((cell_text_width(x.strip()) for t in texts for x in t.split("\n")), default=0.0)
        out.append(ColumnNeed(least, max(least, min(longest, MAX_COL_CHARS))))
    return out


def fit_columns(needs: list[ColumnNeed], width_mm: float, size_pt: float, margin_mm: float) -> list[float] | None:
    """Column widths in mm summing to `width_mm` for text of `size_pt` in cells with `margin_mm` each
    side: every column gets what it wants and the rest goes by natural width; when that is too wide,
    every column gets its least and the rest goes to those wanting more. None when even the least
    widths do not fit (the caller takes a smaller font or a landscape page)."""
    mm_per_char = size_pt / PT_PER_MM
    avail = (width_mm - 2 * margin_mm * len(needs)) / mm_per_char
    least = [max(1.0, n.least) + COL_SLACK_CHARS for n in needs]
    want = [max(MIN_COL_CHARS, n.want) + COL_SLACK_CHARS for n in needs]
    if sum(least) > avail:
        return None
    if sum(want) <= avail:
        nat = [n.natural for n in needs]
        chars = [w + (avail - sum(want)) * x / sum(nat) for w, x in zip(want, nat)]
    else:
        more = [w - lo for w, lo in zip(want, least)]
        chars = [lo + (avail - sum(least)) * m / sum(more) for lo, m in zip(least, more)]
    return [c * mm_per_char + 2 * margin_mm for c in chars]


def heading_split(text: str, ends: str) -> tuple[int, int]:
    """(level, n): the first n characters take the heading font (up to the first 。/：)."""
    level, prefix = heading_mark(text)
    if not level:
        return 0, 0
    for i, c in enumerate(text):
        if i >= prefix and c in ends:
            return level, i + 1
    whole = len(text) <= SHORT_HEADING and text[-1] not in "，,；;、"
    return level, len(text) if whole else prefix


# Title line breaking: cost of a candidate split, in characters of line-length difference.
TOP_LONGEST_COST = 3      # the top line is the longest (the shape should be 梯形 or 菱形)
PREFERRED_BREAK_GAIN = 4  # a break before a prefer_before word (关于)
AVOIDED_BREAK_COST = 3    # a break before an avoid_before word (的)
EXTRA_LINE_COST = 6       # one line more than the minimum


def _words(text: str) -> list[str]:
    import jieba
    jieba.setLogLevel(60)
    return jieba.lcut(text)


def title_breaks(text: str, max_chars: float, rules: TitleBreak, keep: list[str] = (), measure=None) -> set[int]:
    """Offsets where a title line may break: between jieba words, never inside a kept name or a
    《》/（） group that fits a line, never after glue words or before closing punctuation, and
    never between a lone character and the word it belongs to (大|检查, 改革|局)."""
    cuts, pos = set(), 0
    words = _words(text)
    for i, w in enumerate(words):
        if pos:
            cuts.add(pos)
        pos += len(w)
    pos = 0
    for i, w in enumerate(words):
        end = pos + len(w)
        if w in rules.glue_forward:
            cuts.discard(end)
        elif len(w) == 1 and "\u4e00" <= w <= "\u9fff" and w not in rules.avoid_before:
            cuts.discard(pos if w in rules.suffix_chars else end)    # 改革|局, 四个|月; 大|整治
        pos = end
    for i, c in enumerate(text):
        if c in rules.no_line_start:
            cuts.discard(i)
        if c in rules.no_line_end:
            cuts.discard(i + 1)
    spans = [(m.start(), m.end()) for name in keep if name for m in re.finditer(re.escape(name), text)]
    spans += [(m.start(), m.end()) for m in re.finditer(r"《[^《》]*》|（[^（）]*）|“[^“”]*”", text)
              if (measure or text_width)(m.group()) <= max_chars]
    return {c for c in cuts if not any(a < c < b for a, b in spans)}


def break_title(text: str, max_chars: float, rules: TitleBreak, keep: list[str] = (), measure=None) -> list[str]:
    """A title too long for one line, broken between whole phrases into lines of similar length,
    the longest not on top when possible (GB/T 9704 7.3.1: 梯形 or 菱形). Widths by `measure`
    (default text_width: em of the profile's fonts); `max_chars` in the same unit."""
    text_width_ = measure or text_width
    if text_width_(text) <= max_chars:
        return [text]
    cuts = sorted(title_breaks(text, max_chars, rules, keep, text_width_))
    k_min = math.ceil(text_width_(text) / max_chars)
    best, best_cost = None, math.inf
    for k in (k_min, k_min + 1):
        for chosen in combinations(cuts, k - 1):
            bounds = (0, *chosen, len(text))
            lines = [text[a:b] for a, b in zip(bounds, bounds[1:])]
            lens = [text_width_(x) for x in lines]
            if max(lens) > max_chars:
                continue
            cost = max(lens) - min(lens) + (k - k_min) * EXTRA_LINE_COST
            if lens[0] > max(lens[1:]):
                cost += TOP_LONGEST_COST
            for ln in lines[1:]:
                if ln.startswith(tuple(rules.prefer_before)):
                    cost -= PREFERRED_BREAK_GAIN
                if ln.startswith(tuple(rules.avoid_before)):
                    cost += AVOIDED_BREAK_COST
            if cost < best_cost:
                best, best_cost = lines, cost
    if best is None:                    # no phrase split fits: fill lines (a very long name)
        n = math.ceil(len(text) / k_min)
        best = [text[i:i + n] for i in range(0, len(text), n)]
    return best


@lru_cache(maxsize=8)
def _template_bytes(profile: str) -> bytes:
    if profile == "gbt9704" and TEMPLATE.exists():
        return TEMPLATE.read_bytes()
    import importlib.util
    spec = importlib.util.spec_from_file_location("build_templates", ROOT / "templates" / "build_templates.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    with tempfile.TemporaryDirectory() as tmp:
        out = mod.build(profile, Path(tmp) / "t.docx")
        return out.read_bytes()


_PROTOTYPES: dict[int, tuple[Profile, dict]] = {}    # id(profile) → (profile, {settings: pPr / rPr})


class Writer:
    """Builds the body of one 公文 into a python-docx Document, following a profile."""

    def __init__(self, doc, p: Profile, section=None, preview: bool = False):
        self.doc = doc
        self.p = p
        self.pitch = p.grid.line_pitch_pt
        self.char = p.char_width_pt
        self.chars = p.grid.chars
        self.section = section          # the 公文's own w:sectPr (copied for landscape 附件 pages)
        self.preview = preview          # widths as LibreOffice draws them (the PDF), not as Word does
        self.landscape = False          # the page orientation being written

    # --- primitives -----------------------------------------------------------------------
    # Paragraph and run properties are built once per distinct setting (python-docx's API, slow)
    # and copied afterwards: a notice has hundreds of paragraphs but a dozen kinds of them.
    def _protos(self) -> dict:
        return _PROTOTYPES.setdefault(id(self.p), (self.p, {}))[1]

    def run(self, par, text: str, font: str | None = None, size: float | None = None, bold: bool = False,
            color: str | None = None, condensed: bool | None = None):
        p = self.p
        size = size or p.sizes_pt.body
        condensed = condensed if condensed is not None else size == p.sizes_pt.body
        key = ("r", font, size, bold, color, condensed)
        protos = self._protos()
        if key in protos:
            r = par._p.add_r()
            r.insert(0, copy.deepcopy(protos[key]))
            r.text = text
            return Run(r, par)
        r = par.add_run(text)
        X.set_run_fonts(r, font or p.fonts.body, p.fonts.latin)
        r.font.size = Pt(size)
        if bold:
            r.bold = True
        if color:
            X.set_color(r, color)
        if condensed:
            X.set_char_spacing(r, p.char_spacing_pt)
        protos[key] = copy.deepcopy(r._r.rPr)
        return r

    def para(self, align: str = "left", line: float | None = -1, before: float = 0, left: float = 0,
             right: float = 0, first: float = 0, first_chars: float | None = None, grid: bool = True,
             page_break: bool = False, keep_next: bool = False, keep_lines: bool = False):
        """A paragraph with every property explicit (indents in characters of the grid)."""
        key = ("p", align, line, before, left, right, first, first_chars, grid, page_break, keep_next, keep_lines)
        protos = self._protos()
        if key in protos:
            el = X.paragraph_from(protos[key])
            X.append_block(self.doc, el)
            return Paragraph(el, self.doc._body)
        par = self.doc.add_paragraph()
        par.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                         "right": WD_ALIGN_PARAGRAPH.RIGHT, "both": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
        X.set_paragraph_flags(par, snap_to_grid=grid, page_break_before=page_break, keep_next=keep_next,
                              keep_lines=keep_lines)
        X.set_exact_spacing(par, self.pitch if line == -1 else line, before_pt=before)
        X.set_indent(par, left_pt=left * self.char, right_pt=right * self.char, first_line_pt=first * self.char,
                     first_line_chars=first_chars)
        protos[key] = copy.deepcopy(par._p.pPr)
        return par

    def blank(self, n: int = 1, keep_next: bool = False) -> None:
        for _ in range(n):
            self.para(keep_next=keep_next)

    # --- 版头 -------------------------------------------------------------------------------
    def mark_size(self, n_chars: float) -> tuple[float, int]:
        """(size pt, character scale %) so n characters of the 标志 fit one 版心 line."""
        width = self.p.type_width_mm * PT_PER_MM
        size = self.p.sizes_pt.organ_mark
        scale = min(100, math.floor(width / (n_chars * size) * 100))
        if scale < self.p.header.organ_mark_min_scale:
            scale = self.p.header.organ_mark_min_scale
            size = math.floor(width / (n_chars * scale / 100) * 2) / 2
        return size, scale

    def banner(self, gw: Gongwen) -> None:
        p, h = self.p, self.p.header
        used = 0.0
        for text, font in ((gw.copy_no, p.fonts.copy_no), (gw.secret, p.fonts.secret), (gw.urgency, p.fonts.urgency)):
            if text:
                self.run(self.para(), text, font)
                used += self.pitch
        top = h.organ_mark_top_mm * PT_PER_MM
        red = p.colors.red
        if gw.letter:
            return self.letter_head(gw)
        if len(gw.organs) > 1 and not gw.organ_mark:
            self.joint_mark(gw.organs, top - used)
        else:
            mark = gw.organ_mark or (gw.organs[0] + h.organ_mark_suffix)
            size, scale = self.mark_size(text_width(mark))
            line = NATURAL_LINE * size
            ink = line - DESCENT * size - INK_TOP * size
            par = self.para("center", line=line, before=max(0.0, top - used - ink), grid=False)
            X.set_char_scale(self.run(par, mark, p.fonts.organ_mark, size, color=red, condensed=False), scale)
        self.blank(h.doc_number_gap_lines)
        if gw.signers:
            self.signer_lines(gw)
        else:
            par = self.para("center")
            self.run(par, gw.doc_number, p.fonts.doc_number)
            self.red_rule(par)

    def letter_head(self, gw: Gongwen) -> None:
        """信函格式 (GB/T 9704 10.1): the 字号 flush right under the upper double rule; the name and both double
        rules are page 1's own header and footer (letter.first_page, from build_document)."""
        from generators.gongwen.letter import docnum_space_pt
        if gw.doc_number:
            self.run(self.para("right", before=docnum_space_pt(self.p)), gw.doc_number,
                     self.p.fonts.doc_number)

    def joint_mark(self, organs: list[str], top_pt: float) -> None:
        """联合行文: names stacked on the left, 文件 on the right centred on them (a borderless table)."""
        p = self.p
        suffix = p.header.organ_mark_suffix
        n = max(text_width(o) for o in organs) + text_width(suffix)
        size, scale = self.mark_size(n)
        size = min(size, p.sizes_pt.organ_mark * 0.8)
        row_h = 1.2 * size
        ink = row_h - DESCENT * size - INK_TOP * size
        spacer = self.para(line=max(1.0, top_pt - ink), grid=False)
        self.run(spacer, "", size=1)
        w1 = max(text_width(o) for o in organs) * size * scale / 100 / PT_PER_MM + 1
        w2 = text_width(suffix) * size * scale / 100 / PT_PER_MM + 1
        table = self.doc.add_table(rows=len(organs), cols=2)
        X.set_table_width(table, w1 + w2, [w1, w2])
        X.set_cell_margins(table, 0)
        if len(organs) > 1:
            X.set_cell_merge(table, 0, 1, len(organs), 1)
        for i, name in enumerate(organs):
            row = table.rows[i]
            X.set_row_height(row, row_h, "exact")
            par = row.cells[0].paragraphs[0]
            self._cell_par(par, "both", line=row_h)
            X.set_char_scale(self.run(par, name, p.fonts.organ_mark, size, color=p.colors.red, condensed=False), scale)
        cell = table.cell(0, 1)
        X.set_cell_vcenter(cell)
        par = cell.paragraphs[0]
        self._cell_par(par, "center", line=row_h)
        X.set_char_scale(self.run(par, suffix, p.fonts.organ_mark, size, color=p.colors.red, condensed=False), scale)

    def signer_lines(self, gw: Gongwen) -> None:
        """上行文: 签发人 right (1 char in), the 字号 on the last line left (1 char in)."""
        p, h = self.p, self.p.header
        groups = [gw.signers[i:i + h.signers_per_line] for i in range(0, len(gw.signers), h.signers_per_line)]
        for gi, names in enumerate(groups):
            last = gi == len(groups) - 1
            # the 字号 line keeps zero indents so its red bottom border spans the whole 版心;
            # its 1-character insets are a leading full-width space and a right tab stop
            par = self.para("left" if last else "right", right=0 if last else h.signer_indent_chars)
            if last:
                X.set_tab_stops(par, [("right", (self.chars - h.signer_indent_chars) * self.char)])  # from the margin
                self.run(par, "\u3000" * h.signer_indent_chars + gw.doc_number + "\t", p.fonts.doc_number)
            self.run(par, h.signer_label if gi == 0 else "", p.fonts.signer_label)
            if gi > 0:
                self.run(par, " " * 0 + "\u3000" * len(h.signer_label), p.fonts.signer_label)
            self.run(par, "\u3000".join(names), p.fonts.signer_name)
            if last:
                self.red_rule(par)

    def red_rule(self, par) -> None:
        """Red rule under the 字号 line: `red_rule_gap_mm` below the glyphs' ink."""
        p = self.p
        body = p.sizes_pt.body
        ink_gap = (DESCENT - INK_BOTTOM) * body          # line bottom to ink bottom
        space = p.header.red_rule_gap_mm * PT_PER_MM - ink_gap - RULE_DROP
        X.set_paragraph_border(par, "bottom", p.header.red_rule_thickness_pt, p.colors.red, space_pt=space)

    # --- 主体 -------------------------------------------------------------------------------
    def title_lines(self, text: str, size: float, keep: list[str] = ()) -> list[str]:
        """The draft's lines of a title, each too long for the 版心 broken between phrases."""
        max_chars = math.floor(self.width_mm * PT_PER_MM / size + 0.01)
        lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
        return [part for ln in lines for part in break_title(ln, max_chars, self.p.title_break, keep)]

    def title(self, gw: Gongwen) -> None:
        p = self.p
        lines = self.title_lines(gw.title, p.sizes_pt.title, gw.organs)
        for i, ln in enumerate(lines):
            par = self.para("center", before=p.header.title_gap_lines * self.pitch if i == 0 else 0, grid=False)
            self.run(par, ln, p.fonts.title, p.sizes_pt.title)
        if gw.recipients:
            self.blank(p.body.recipients_gap_lines)
            self.run(self.para("both"), gw.recipients + "：")

    def body_block(self, block) -> None:
        if isinstance(block, BodyTable):
            self.table(block)
            return
        self.turn_page(False)           # after a landscape table: text and images on portrait pages
        if isinstance(block, BodyImage):
            self.image(block)
        elif isinstance(block, BodyPara):
            self.paragraph(block.runs)
        else:
            self.paragraph([(str(block), False)])

    def paragraph(self, runs: list[tuple[str, bool]]) -> None:
        """A body paragraph (indent 2 chars); a numbered heading's own part in its level's font."""
        p = self.p
        text = "".join(t for t, _ in runs)
        level, n = heading_split(text, p.body.heading_end)
        font = {1: p.fonts.heading1, 2: p.fonts.heading2, 3: p.fonts.heading3, 4: p.fonts.heading4}.get(level)
        bold_head = level == 3 and p.body.heading3_bold
        ind = p.body.first_line_indent_chars
        par = self.para("both", first=ind, first_chars=ind)
        pos = 0
        for t, bold in runs:
            if not t:
                continue
            if pos < n:
                head, rest = t[:n - pos], t[n - pos:]
                self.run(par, head, font, bold=bold or bold_head)
                if rest:
                    self.run(par, rest, bold=bold)
            else:
                self.run(par, t, bold=bold)
            pos += len(t)

    def _cell_par(self, par, align: str = "center", line: float | None = None) -> None:
        par.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                         "both": WD_ALIGN_PARAGRAPH.DISTRIBUTE}[align]
        X.set_paragraph_flags(par, snap_to_grid=False)
        X.set_exact_spacing(par, line)
        X.set_indent(par, 0, 0, 0, first_line_chars=0)

    @property
    def width_mm(self) -> float:
        """Width of the 版心 on the current page (225 mm on a landscape page)."""
        return self.p.type_height_mm if self.landscape else self.p.type_width_mm

    def caption(self, text: str, keep_next: bool = False) -> None:
        """A table / figure caption (表1　… / 图1　…): centred, caption font, no indent, on the line grid;
        `keep_next` keeps it on the page of the table below it."""
        p = self.p
        self.run(self.para("center", keep_next=keep_next), text, p.fonts.caption, p.sizes_pt.table_caption)

    def table_layout(self, t: BodyTable, n_cols: int) -> tuple[float, list[float], bool]:
        """(font size, column widths in mm, fits) of a body table on the current page: widths from its
        content (fit_columns) at the table size, or at the wide-table size when it has many columns or
        does not fit; when nothing fits (fits False), widths in proportion to the least widths."""
        p = self.p
        if t.col_widths_mm:
            total = sum(t.col_widths_mm)
            return p.sizes_pt.table, [w * self.width_mm / total for w in t.col_widths_mm], True
        spanned = {(r, j) for (r, c, rs, cs) in t.merges if cs > 1 for j in range(c, c + cs)}
        def texts(rows: range) -> list[list[str]]:
            return [[t.rows[r][c] for r in rows if c < len(t.rows[r]) and (r, c) not in spanned] for c in range(n_cols)]
        needs = column_needs(texts(range(t.header_rows, len(t.rows))), texts(range(min(t.header_rows, len(t.rows)))))
        sizes = [p.sizes_pt.table, p.sizes_pt.table_wide]
        if n_cols > p.table.wide_columns:
            sizes = sizes[1:]
        for size in sizes:
            widths = fit_columns(needs, self.width_mm, size, p.table.cell_margin_mm)
            if widths:
                return size, widths, True
        least = [max(1.0, n.least) for n in needs]
        return sizes[-1], [self.width_mm * w / sum(least) for w in least], False

    def fits_portrait(self, t: BodyTable) -> bool:
        """Whether a table fits the width of a portrait page (table_layout)."""
        if not t.rows:
            return True
        was, self.landscape = self.landscape, False
        try:
            return self.table_layout(t, max(len(r) for r in t.rows))[2]
        finally:
            self.landscape = was

    def table(self, t: BodyTable) -> None:
        """A ruled table: widths from its content at the 版心 width (fixed layout, on tblGrid and every
        cell), merges, repeated header rows, compact exact spacing; a smaller font when wide, a
        landscape page when still too wide; a caption above it kept with it."""
        p = self.p
        if not t.rows:
            return
        n_rows, n_cols = len(t.rows), max(len(r) for r in t.rows)
        size, widths, fits = self.table_layout(t, n_cols)
        turned = False
        if not fits and not self.landscape and self.section is not None:
            turned = self.turn_page(True)
            size, widths, fits = self.table_layout(t, n_cols)
        if t.title:
            self.caption(t.title, keep_next=True)
        line = round(size * p.table.line_em, 1)
        char_mm = size / PT_PER_MM
        covered = {(i, j) for (r, c, rs, cs) in t.merges for i in range(r, r + rs) for j in range(c, c + cs)}
        spans = {(r, c): (rs, cs) for (r, c, rs, cs) in t.merges}
        cells = []
        for r, row in enumerate(t.rows):
            header = r < t.header_rows
            font = p.fonts.table_header if header else p.fonts.table
            for c in range(n_cols):
                if (r, c) in covered and (r, c) not in spans:
                    continue
                val = row[c] if c < len(row) else ""
                rs, cs = spans.get((r, c), (1, 1))
                room = (sum(widths[c:c + cs]) - 2 * p.table.cell_margin_mm) / char_mm
                one_line = all(cell_text_width(x) <= room for x in val.split("\n"))
                align = "center" if header or NUMBER_RE.match(val.strip()) or one_line else "left"
                pars = [X.plain_paragraph(ln, font, size, p.fonts.latin, bold=header and p.table.header_bold,
                                          align=align, line_pt=line) for ln in val.split("\n")]
                cells.append(X.GridCell(r, c, pars, rs, cs))
        empty = lambda: X.plain_paragraph("", p.fonts.table, size, line_pt=line)  # noqa: E731
        X.append_block(self.doc, X.grid_table(widths, n_rows, cells, empty, 0.5, p.colors.text,
                                              p.table.cell_margin_mm,
                                              t.header_rows if p.table.repeat_header else 0))
        # the page turns back when portrait content follows (body_block, write): a turn right here would
        # leave a document ending in a landscape 附件 table with two section breaks in its last paragraph

    def image(self, img: BodyImage) -> None:
        """A centred picture at most the 版心 wide; its caption below it, kept on the same page."""
        if not Path(img.path).exists():
            raise InputError(f"{img.path}：找不到图片文件", code="missing")
        par = self.para("center", line=None, grid=False, keep_next=bool(img.caption))
        par.add_run().add_picture(str(img.path), width=Mm(min(img.width_mm, self.width_mm)))
        if img.caption:
            self.caption(img.caption)

    def attachment_note(self, atts: list[Attachment]) -> None:
        """附件说明: 附件：1. 名称, later items and wrapped lines aligned under the first name (widths from the
        font metrics); the lines are kept together on one page and with the 署名 below."""
        if not atts:
            return
        b = self.p.body
        self.blank(b.attachment_note_gap_lines, keep_next=True)
        label = b.attachment_note_label
        ind = b.attachment_note_indent_chars
        lw = self.p.text_chars(label)
        nums = [f"{i}." if len(atts) > 1 else "" for i in range(1, len(atts) + 1)]
        nw = max(self.p.text_chars(n) for n in nums)
        for i, (num, a) in enumerate(zip(nums, atts), 1):
            par = self.para("both", left=ind + lw + nw, first=-(nw + (lw if i == 1 else 0)), keep_next=True,
                            keep_lines=True)
            # a number narrower than the widest (1. under 10.) is padded by a tab to the names' column
            X.set_tab_stops(par, [("left", (ind + lw + nw) * self.char)])
            self.run(par, (label if i == 1 else "") + num + ("\t" if len(atts) >= 10 else "")
                     + a.name.rstrip("。；;，,"))

    def signature_lines(self, sig: str, room: float) -> list[str]:
        """A 署名 on one line, or on two lines of at most `room` characters: after an organ's own name
        (…改革局 | 能源办公室) when the shorter line keeps SIG_MIN_LINE_CHARS, else between words into
        balanced lines (never a lone wrapped character)."""
        width = lambda t: self.p.text_chars(t, preview=self.preview)   # noqa: E731
        if width(sig) <= room:
            return [sig]
        cuts = title_breaks(sig, room, self.p.title_break, measure=width)
        organ = [c for c in cuts if sig[c - 1] in ORGAN_END and min(c, len(sig) - c) >= SIG_MIN_LINE_CHARS
                 and max(width(sig[:c]), width(sig[c:])) <= room]
        if organ:
            c = min(organ, key=lambda c: abs(width(sig[:c]) - width(sig[c:])))
            return [sig[:c], sig[c:]]
        return break_title(sig, room, self.p.title_break, measure=width)

    def signature_block(self, gw: Gongwen) -> None:
        """署名 and 成文日期 (GB/T 9704 7.3.5), positions from the font metrics: with a seal the date
        右空四字 (right-aligned, so its right edge is exact in any renderer) and each 署名 centred on the
        date, a 署名 too long for that on balanced lines; without a seal the 署名 右空二字 and the date
        two characters right of its first character (or 右空二字 when longer, the 署名 moved left).
        The block is kept on one page with the 附件说明 and the last lines of the body (7.3.5: no page
        of 署名 and date alone)."""
        p, s = self.p, self.p.signature
        date = date_text(gw.date) if gw.date else ""
        sigs = gw.signature or ([] if gw.organ_mark.endswith("纪要") else gw.organs)     # a 纪要 (10.3) has no 署名
        W = self.chars
        width = lambda t: p.text_chars(t, preview=self.preview)   # noqa: E731
        dw = width(date)
        keep_note = bool(gw.note)
        if not sigs:
            if date:
                self.blank(s.gap_lines, keep_next=True)
                self.run(self.para("right", right=s.right_indent_chars, keep_next=keep_note), date)
        elif gw.sealed:
            self.blank(s.sealed_gap_lines, keep_next=True)
            right = s.sealed_date_right_chars
            centre = W - right - dw / 2
            half = W / 2
            if len(sigs) == 2 and max(width(x) for x in sigs) <= half - 1 and centre - half > 0:
                # 联合行文 with seals: both 署名 on one line, the lead organ first, the date below
                par = self.para(keep_next=True)
                X.set_tab_stops(par, [("center", (centre - half) * self.char), ("center", centre * self.char)])
                self.run(par, "\t" + sigs[0] + "\t" + sigs[1])
            else:
                # a centred paragraph between these indents is centred on the date
                box = 2 * (W - centre)
                for sig in sigs:
                    for ln in self.signature_lines(sig, box - SIG_SLACK_CHARS):
                        self.run(self.para("center", left=W - box, keep_next=True), ln)
            if date:
                self.run(self.para("right", right=right, keep_next=keep_note), date)
        else:
            self.blank(s.gap_lines, keep_next=True)
            gap, off = s.right_indent_chars, s.date_offset_chars
            sw = max(width(x) for x in sigs)
            if date and off + dw > sw:          # date longer: 右空二字, the 署名 moved left to keep the offset
                sig_right = gap + off + dw - sw
                for sig in sigs:
                    self.run(self.para("right", right=sig_right + sw - width(sig), keep_next=True), sig)
                self.run(self.para("right", right=gap, keep_next=keep_note), date)
            else:
                for sig in sigs:
                    self.run(self.para("right", right=gap, keep_next=bool(date) or keep_note), sig)
                if date:
                    self.run(self.para(left=W - gap - sw + off, keep_next=keep_note), date)
        if gw.note:
            note = gw.note if gw.note.startswith(("（", "(")) else f"（{gw.note}）"
            self.run(self.para("both", first=s.note_indent_chars, first_chars=s.note_indent_chars), note)

    # --- 附件 -------------------------------------------------------------------------------
    def page_section(self, landscape: bool, sect=None):
        """`sect` (default: a copy of the 公文's w:sectPr) set to portrait or landscape: a landscape
        page turns the 版心 (225 × 156 mm), keeps the odd/even footers and starts on a new page."""
        from docx.section import Section
        pg = self.p.page
        el = sect if sect is not None else X.deepcopy_element(self.section)
        sec = Section(el, self.doc.part)
        if landscape:
            X.set_page_margins(sec, pg.margin_left_mm, pg.margin_right_mm, pg.margin_top_mm, pg.margin_bottom_mm,
                               pg.height_mm, pg.width_mm, footer_mm=self.p.footer_distance_mm(pg.margin_right_mm),
                               gutter_mm=pg.gutter_mm)
        sec.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        X.set_section_start(sec, "nextPage")
        return el

    def turn_page(self, landscape: bool) -> bool:
        """End the current section when the orientation changes (True: a new page has begun)."""
        if landscape == self.landscape or self.section is None:
            return False
        par = self.para(line=1, grid=False)
        X.add_section_break(par._p, self.page_section(self.landscape))
        self.landscape = landscape
        return True

    def attachment(self, i: int, a: Attachment, numbered: bool) -> None:
        from generators.forms import append_form, is_landscape
        p = self.p
        first = a.blocks[0] if a.blocks else None
        wide = (bool(a.form) and is_landscape(a.form)) or \
            (isinstance(first, BodyTable) and not self.fits_portrait(first))   # label, title and table on one page
        turned = self.turn_page(wide)
        par = self.para(page_break=p.attachment.new_page and not turned)
        self.run(par, p.attachment.label + (str(i) if numbered else ""), p.fonts.attachment_label)
        self.blank(max(0, p.attachment.title_line - 2))
        for ln in self.title_lines(a.name, p.sizes_pt.attachment_title):
            self.run(self.para("center", grid=False), ln, p.fonts.attachment_title, p.sizes_pt.attachment_title)
        if a.form:
            self.blank(1)
            append_form(self.doc, a.form, a.form_values, width_mm=self.width_mm)
        if a.file and a.file.suffix.lower() == ".docx":
            self.blank(1)
            self.append_docx(a.file)
        if a.blocks:
            self.blank(1)
        for b in a.blocks:
            self.body_block(b)

    def append_docx(self, path: Path) -> None:
        """Append another .docx whole (docxcompose): its images, numbered lists, styles and tables come
        along; its section breaks are dropped, so it takes the 公文's page and footers."""
        from docx import Document
        from docxcompose.composer import Composer
        try:
            src = Document(str(path))
        except Exception:
            raise InputError(f"{path}：无法读取此 .docx 附件", code="unreadable")
        X.drop_section_breaks(src)
        Composer(self.doc).append(src)

    # --- whole document -----------------------------------------------------------------------
    def plan_title(self, text: str) -> None:
        """`# 标题` in a body: the document a 印发 notice issues starts on a new page under its title."""
        p = self.p
        turned = self.turn_page(False)
        self.para(line=None, grid=False, page_break=not turned)
        for ln in text.split("\n"):
            self.run(self.para("center", grid=False), ln.strip(), p.fonts.title, p.sizes_pt.title)
        self.blank(1)

    def keep_with_next(self) -> None:
        """The last body paragraph kept with the 附件说明 / 署名 after it (its last two lines at least move
        along, widow control on), so a 署名 page always carries body text."""
        last = self.doc.element.body[-2] if len(self.doc.element.body) > 1 else None
        if last is not None and X.is_paragraph(last) and "".join(last.itertext()).strip():
            X.set_paragraph_flags(Paragraph(last, self.doc._body), keep_next=True, widow_control=True)

    def write(self, gw: Gongwen) -> None:
        self.banner(gw)
        self.title(gw)
        split = next((i for i, b in enumerate(gw.body) if isinstance(b, str) and b.startswith("# ")), len(gw.body))
        for b in gw.body[:split]:
            self.body_block(b)
        self.turn_page(False)
        self.keep_with_next()
        self.attachment_note(gw.attachments)
        self.signature_block(gw)
        for b in gw.body[split:]:
            if isinstance(b, str) and b.startswith("# "):
                self.plan_title(b[2:].strip())
            else:
                self.body_block(b)
        numbered = len(gw.attachments) > 1
        for i, a in enumerate(gw.attachments, 1):
            self.attachment(i, a, numbered)
        last = self.doc.element.body[-2] if len(self.doc.element.body) > 1 else None
        if last is not None and X.is_table(last):
            self.para(line=None, grid=False)


def banji_context(gw: Gongwen, p: Profile) -> dict:
    """docxtpl context of the 版记 section, with filler lines pushing it to the bottom of the 版心."""
    cc = "，".join(x.rstrip("。，,") for x in gw.cc)
    cc = cc + "。" if cc else ""
    printer = "" if gw.letter else gw.printer          # 信函: no 印发 line (10.1)
    pdate = gw.print_date or gw.date
    b = p.banji
    thick = round(b.thick_rule_mm * PT_PER_MM * 8)
    thin = round(b.thin_rule_mm * PT_PER_MM * 8)
    size = p.sizes_pt.banji
    width = p.type_width_mm * PT_PER_MM - 2 * b.indent_chars * p.char_width_pt
    label = text_width(b.cc_label) * size
    n_cc = 0
    if cc:
        w = text_width(cc) * size * 1.02
        n_cc = 1 + max(0, math.ceil((w - (width - label)) / (width - label)))
    n_lines = n_cc + (1 if printer else 0)
    used = n_lines * b.line_pitch_pt + (thick * 2 + thin) / 8 + 3
    free = p.type_height_mm * PT_PER_MM - used
    filler = []
    while free > 1:
        h = min(free, p.grid.line_pitch_pt)
        filler.append(round(h * 20))
        free -= h
    return {
        "anchor": "", "banji_filler": filler, "cc": cc, "cc_bottom_sz": thin if printer else thick,
        "printer": printer, "print_date": (date_text(pdate) + b.printed_suffix) if (printer and pdate) else "",
        "printer_top": "none" if cc else "single",
    }


def build_document(gw: Gongwen, banji_numbered: bool = True, preview: bool = False):
    """The laid-out python-docx Document of a Gongwen. The 版记 page carries its page number unless
    `banji_numbered` is False (GB/T 9704 7.5: only when a blank page precedes it). `preview`: positions
    that depend on text widths (the 署名 centred on the date) as LibreOffice draws them, for the PDF; by
    default as Word and WPS do."""
    p = load_profile(gw.profile)
    tpl = DocxTemplate(io.BytesIO(_template_bytes(gw.profile)))
    tpl.render(banji_context(gw, p), autoescape=True)
    doc = tpl.docx
    body = doc.element.body
    anchor = next(el for el in body if X.is_paragraph(el) and X.paragraph_section(el) is not None)
    final = X.body_section(body)
    old_last = final.getprevious()
    writer = Writer(doc, p, X.paragraph_section(anchor), preview=preview)
    writer.write(gw)
    new = [el for el in old_last.itersiblings() if el is not final]
    for el in new:
        anchor.addprevious(el)
    # the first section's break moves into the last body paragraph; the anchor goes
    sect1 = X.paragraph_section(anchor)
    if writer.landscape:                # the 公文 ends on a landscape 附件 page
        writer.page_section(True, sect1)
    last = anchor.getprevious()
    X.add_section_break(last, sect1)
    body.remove(anchor)
    if not (gw.cc or (gw.printer and not gw.letter)):
        # no 版记: drop its section, the first section becomes the document's last
        for el in list(last.itersiblings()):
            if el is not final:
                body.remove(el)
        last.pPr.remove(sect1)
        body.replace(final, sect1)
    elif banji_numbered:
        number_banji(doc)
    if gw.letter:       # 信函 (10.1): page 1's letterhead, no page number on it, a 版记 without rules
        from generators.gongwen.letter import first_page
        first_page(writer, gw, sect1)
        for el in list(last.itersiblings()):
            for bdr in list(el.iter(X.qn("w:pBdr"))):
                bdr.getparent().remove(bdr)
    return doc


def number_banji(doc) -> list:
    """Number the 版记 page: its section's own footer references go, so it takes the numbered odd/even
    footers. Returns them with their places, for unnumber_banji."""
    final = X.body_section(doc.element.body)
    refs = [(i, el) for i, el in enumerate(final) if el.tag == X.qn("w:footerReference")]
    for _, el in refs:
        final.remove(el)
    return refs


def unnumber_banji(doc, refs: list) -> None:
    """Undo number_banji: the references back in their places (the document as banji_numbered=False)."""
    final = X.body_section(doc.element.body)
    for i, el in refs:
        final.insert(i, el)


def blank_before_banji(pdf: Path, profile: str) -> bool:
    """On a rendered 公文: is the 版记 page (the last) preceded by a blank page (nothing in the 版心)?"""
    import pdfplumber
    from generators.gongwen.layout_check import is_blank_page
    p = load_profile(profile)
    with pdfplumber.open(str(pdf)) as doc:
        return len(doc.pages) >= 3 and is_blank_page(doc.pages[-2], p)


def render(gw: Gongwen, out_path: Path, pdf: bool = False, kind: str | None = None,
           paginate: bool | None = None) -> Path:
    """Write the 公文 as .docx at out_path (and a PDF next to it when pdf=True); returns the .docx path.

    `paginate` (default: pdf; the notice, 通报 and 催报 commands pass True): lay the document out once with
    LibreOffice to learn whether a blank page precedes the 版记 page; only then does the 版记 page go
    without its page number (GB/T 9704 7.5). Without it the 版记 page is numbered (a corpus built for
    tests need not pay the LibreOffice run). The PDF is made from a twin of the .docx whose width-dependent
    positions follow LibreOffice's drawing (build_document preview), so both print alike.

    `kind`: its output mark (schema/own_output.py); by default "notice", and no mark on a notice with
    attachments (forms and lists the recipients fill in and send back are returns, not outputs).
    """
    out_path = Path(out_path)
    kind = kind or (None if gw.attachments else "notice")
    paginate = pdf if paginate is None else paginate
    has_banji = bool(gw.cc or (gw.printer and not gw.letter))

    def build(preview: bool = False) -> tuple:
        """The document with a numbered 版记 page and the footer references that unnumber it (each
        variant is built once; the numbering only moves those references)."""
        doc = build_document(gw, banji_numbered=False, preview=preview)
        if kind:
            mark_docx(doc, kind)
        return doc, (number_banji(doc) if has_banji else [])

    def save(doc, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        doc.save(str(tmp))
        tmp.replace(path)

    doc, refs = build()
    save(doc, out_path)
    if pdf or (paginate and has_banji):
        with tempfile.TemporaryDirectory(prefix="paicha-render-") as tmpdir:
            twin = Path(tmpdir) / out_path.name
            twin_doc, twin_refs = build(preview=True)
            save(twin_doc, twin)
            made = to_pdf(twin, keep_blank_pages=True)
            if paginate and has_banji and blank_before_banji(made, gw.profile):
                unnumber_banji(doc, refs)
                save(doc, out_path)
                if pdf:
                    unnumber_banji(twin_doc, twin_refs)
                    save(twin_doc, twin)
                    made = to_pdf(twin, keep_blank_pages=True)
            if pdf:
                shutil.move(str(made), out_path.with_suffix(".pdf"))
    return out_path
