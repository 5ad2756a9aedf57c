"""GB/T 9704-2012 checker for any .docx (ours, Word's, WPS's; .doc/.wps through LibreOffice, `as_docx`).

Pipeline: `read_docx` (XML → paragraphs with effective formatting resolved
through docDefaults → style chain (a missing style falls back to Normal, as in
Word) → paragraph → run) → `find_parts` (the structure as written: the kind —
文件, 信函, 命令, 纪要, a 公文 without 版头, or not a 公文 — and which paragraph is
the cover, 标志 (in the body, a table, a text box, or page 1's header as
letterhead templates put it), 字号/期号, 标题, byline, 主送, 正文, 附件说明,
署名/日期, 附件, 版记) → one `check_*` function per group of rules, each on its
element only (a 信函 adds `check_xinhan`: double rule, 字号 flush right, page 1
unnumbered, 版记 without 印发 line or rules) → `Problem`s. A document that is not
a 公文 gets one kind.not_gongwen line and the date rules. Layout numbers come from the
profile (profiles/NAME.yaml); messages, tolerances and font synonyms from
rules.yaml. The text helpers (发文字号, parts of a 公文) are shared with reformat.py.
"""
from __future__ import annotations

import re
import tempfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

import yaml
from lxml import etree

from generators.gongwen.profile import Profile, load_profile
from parsers.readers.archive import open_zip, stream_member
from parsers.readers.xmlsafe import parse_xml
from schema.dates import DATE_RE, fix_dates
from schema.errors import InputError
from schema.marks import leading_mark, mark_level
from schema.numerals import cn_counting, parse_int

RULES_FILE = Path(__file__).parent / "rules.yaml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
V_NS = "urn:schemas-microsoft-com:vml"
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
MM_PER_TWIP = 25.4 / 1440


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@lru_cache(maxsize=1)
def rules() -> dict:
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


@dataclass
class Problem:
    rule: str       # short id, e.g. "docnum.bracket"
    message: str    # Chinese, one line
    where: str      # Chinese location: 第N段 / 页脚 / 版记 / 附件2 …


def _problem(rule: str, where: str, **values) -> Problem:
    return Problem(rule, rules()["messages"][rule].format(**values), where)


# ============================================================================================
# Text helpers (shared with reformat.py)
# ============================================================================================

DATE_LINE_RE = re.compile(rf"^\s*{DATE_RE.pattern}\s*$")
DOCNUM_RE = re.compile(
    r"^(?P<code>[\u4e00-\u9fff]{1,16}?)\s*(?P<open>[〔\[［（(【])\s*(?P<year>\d{2,4})\s*(?P<close>[〕\]］）)】])"
    r"\s*(?P<di>第?)\s*(?P<num>\d{1,4})\s*(?P<hao>号?)$")
ATTACH_ITEM = ("num",)                  # 附件说明's list: 1. 名称 (schema.marks styles)
ATTACH_NOTE_RE = re.compile(r"^附\s*件\s*[：:]\s*(?P<rest>.*)$")
ATTACH_LABEL_RE = re.compile(r"^附\s*件\s*(?P<num>[0-9０-９]*)\s*[：:]?$")
# 2017.4.13, 2023-4-3, 2023/04/03: a date line typed without 年月日
NUMERIC_DATE_RE = re.compile(r"(?P<y>\d{4})\s*(?P<sep>[.．\-－/])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})")
NUMERIC_DATE_LINE_RE = re.compile(rf"^\s*{NUMERIC_DATE_RE.pattern}\s*$")
# a date left as a placeholder in a template: [日期], ××××年×月×日
PLACEHOLDER_DATE_RE = re.compile(r"^\s*([\[［【]\s*\S{0,4}日期\s*[\]］】]|[×xX]{2,4}年[×xX]{1,2}月[×xX]{1,2}日)\s*$")
# a 发文字号 with placeholders in it ([机关代字]〔2023〕X号): located as the 字号, not checked as one
DOCNUM_LOOSE_RE = re.compile(r"^\S{1,20}?[〔\[［（(【]\s*(\d{2,4}|[×xX年]+)\s*[〕\]］）)】]\s*\S{0,6}号$")
SERIAL_RE = re.compile(r"^第\s*[0-9０-９一二三四五六七八九十百〇零]+\s*[期号]$")     # 纪要 期号, 命令 令号
BYLINE = ("——", "—", "--")                                               # a byline under the title
ATTENDEES_RE = re.compile(r"^(出\s*席|列\s*席|请\s*假|缺\s*席|记\s*录)\s*[：:]")
PRINT_LINE_RE = re.compile(rf"^(?P<org>.*?)\s*(?P<date>{DATE_RE.pattern})\s*印\s*发\s*$")
CC_RE = re.compile(r"^抄\s*送\s*[：:]")


def fix_doc_number(text: str) -> str:
    """发文字号 normalised: 〔2023〕, no 第, no leading zeros, ends in 号 (unchanged when not a 字号)."""
    m = DOCNUM_RE.match(text.strip())
    if not m:
        return text
    year = m.group("year")
    if len(year) == 2:
        year = "20" + year
    return f"{m.group('code')}〔{year}〕{int(m.group('num'))}号"


def fix_numeric_date(text: str) -> str:
    """2017.4.13 / 2023-04-03 → 2017年4月13日 (other text unchanged)."""
    return NUMERIC_DATE_RE.sub(lambda m: f"{m.group('y')}年{int(m.group('m'))}月{int(m.group('d'))}日", text)


def heading_end(text: str, ends: str = "。：:") -> int:
    """Length of the heading part of a numbered paragraph: up to its first 。/： (or all of it)."""
    for i, ch in enumerate(text):
        if ch in ends:
            return i + 1
    return len(text)


# ============================================================================================
# Reading: paragraphs with effective formatting
# ============================================================================================

@dataclass
class Run:
    text: str
    font: str          # East-Asian font
    ascii_font: str
    size: float        # pt
    bold: bool
    color: str         # RRGGBB upper case, "000000" for auto


@dataclass
class Para:
    el: object
    text: str
    runs: list[Run]
    ppr: dict                 # effective paragraph properties {tag: {attr: value}}
    index: int = 0            # 1-based among non-empty top-level paragraphs (0: empty)
    table: int = 0            # 1-based table number when inside a table
    block: int = 0            # position among top-level blocks
    frame: int = 0            # 1-based text box number when inside a text box / shape
    header: bool = False      # in the first page's header (a letterhead)
    numbered: bool = False    # the first run is Word's automatic list number

    @property
    def where(self) -> str:
        snippet = self.text.strip()[:12]
        if self.header:
            return f"页眉（“{snippet}”）"
        if self.frame:
            return f"第{self.frame}个文本框（“{snippet}”）"
        if self.table:
            return f"第{self.table}个表格（“{snippet}”）"
        return f"第{self.index}段（“{snippet}”）" if self.index else "空段"

    @property
    def align(self) -> str:
        v = self.ppr.get("jc", {}).get("val", "left")
        return {"start": "left", "end": "right", "both": "left", "distribute": "left"}.get(v, v)

    def chars(self):
        """(char, run) for every character."""
        for r in self.runs:
            for ch in r.text:
                yield ch, r


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF


def _merge_props(target: dict, el) -> None:
    """Merge a w:pPr / w:rPr element into {tag: {attr: value}} (attribute by attribute)."""
    if el is None:
        return
    for child in el:
        if not isinstance(child.tag, str):
            continue
        tag = etree.QName(child).localname
        if tag == "pBdr":
            for edge in child:
                if isinstance(edge.tag, str):
                    target[f"pBdr.{etree.QName(edge).localname}"] = _attrs(edge)
            continue
        if tag in ("rPr", "sectPr", "pPrChange", "rPrChange", "numPr", "tabs"):
            continue
        cur = target.setdefault(tag, {})
        if tag in ("b", "color", "sz", "jc", "pageBreakBefore"):
            cur.clear()
        cur.update(_attrs(child))


def _attrs(el) -> dict:
    return {etree.QName(k).localname: v for k, v in el.attrib.items()}


def _on(props: dict, tag: str) -> bool:
    if tag not in props:
        return False
    return props[tag].get("val", "true") not in ("0", "false", "off", "none")


@dataclass
class NumLevel:
    fmt: str          # w:numFmt: decimal, chineseCounting, ideographTraditional, …
    text: str         # w:lvlText: "%1、", "（%1）", "%1.%2."
    start: int
    ppr: object       # the level's w:pPr (indents), w:rPr (the number's font)
    rpr: object
    is_lgl: bool      # legal numbering: higher levels shown as decimal


TIANGAN = "甲乙丙丁戊己庚辛壬癸"


def _roman(n: int) -> str:
    out = ""
    for v, r in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                 (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out, n = out + r, n - v
    return out


def format_number(n: int, fmt: str) -> str:
    """A list number as Word displays it for a w:numFmt."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "japaneseCounting",
               "taiwaneseCounting", "taiwaneseCountingThousand", "ideographDigital"):
        return cn_counting(n)
    if fmt == "ideographTraditional":
        return TIANGAN[(n - 1) % 10]
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    return str(n)


def _owner(el):
    """The nearest enclosing w:p of el."""
    el = el.getparent()
    while el is not None and el.tag != _w("p"):
        el = el.getparent()
    return el


def _in_fallback(el, stop) -> bool:
    """el lies in an mc:Fallback (the VML copy of a DrawingML shape) below `stop`."""
    el = el.getparent()
    while el is not None and el is not stop:
        if etree.QName(el).localname == "Fallback":
            return True
        el = el.getparent()
    return False


class DocxView:
    """A .docx opened for checking: parts, styles, theme fonts and sections."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.zip = open_zip(self.path, str(self.path))      # limits on size, members, compression ratio
        try:
            self.doc = self._xml("word/document.xml")
        except KeyError as e:
            raise InputError(f"{self.path}：不是 Word 文档（缺少 word/document.xml）", code="bad_docx") from e
        self.body = self.doc.find(_w("body"))
        if self.body is None:
            raise InputError(f"{self.path}：.docx 中没有正文", code="bad_docx")
        self.rels = self._rels("word/_rels/document.xml.rels")
        self._load_theme()
        self._load_styles()
        self._load_numbering()
        settings = self._xml_opt("word/settings.xml")
        flag = settings.find(_w("evenAndOddHeaders")) if settings is not None else None
        self.odd_even = flag is not None and _on({"f": _attrs(flag)}, "f")

    # --- parts ---
    def _xml(self, name: str):
        """A part parsed safely (no DTD/entities; real inflated size checked); KeyError when absent."""
        info = self.zip.getinfo(name)
        data = b"".join(stream_member(self.zip, info, str(self.path)))
        return parse_xml(data, str(self.path), name)

    def _xml_opt(self, name: str):
        try:
            return self._xml(name)
        except KeyError:
            return None

    def _rels(self, name: str) -> dict:
        root = self._xml_opt(name)
        out = {}
        if root is not None:
            for rel in root:
                target = rel.get("Target", "")
                out[rel.get("Id")] = str(PurePosixPath("word") / target) if not target.startswith("/") else target[1:]
        return out

    def part(self, rid: str):
        name = self.rels.get(rid)
        return self._xml_opt(name) if name else None

    # --- theme and styles ---
    def _load_theme(self):
        self.theme = {}
        name = next((n for n in self.zip.namelist() if n.startswith("word/theme/") and n.endswith(".xml")), None)
        if not name:
            return
        root = self._xml(name)
        for kind in ("major", "minor"):
            f = root.find(f".//{{{A_NS}}}{kind}Font")
            if f is None:
                continue
            ea = f.find(f"{{{A_NS}}}ea")
            face = ea.get("typeface", "") if ea is not None else ""
            if not face:
                hans = f.find(f"{{{A_NS}}}font[@script='Hans']")
                face = hans.get("typeface", "") if hans is not None else ""
            latin = f.find(f"{{{A_NS}}}latin")
            self.theme[f"{kind}EastAsia"] = face
            self.theme[f"{kind}HAnsi"] = latin.get("typeface", "") if latin is not None else ""
            self.theme[f"{kind}Ascii"] = self.theme[f"{kind}HAnsi"]

    def _load_styles(self):
        self.styles: dict[str, tuple] = {}
        self.default_pstyle = None
        self.def_ppr: dict = {}
        self.def_rpr: list = []
        root = self._xml_opt("word/styles.xml")
        if root is None:
            return
        dd = root.find(_w("docDefaults"))
        if dd is not None:
            _merge_props(self.def_ppr, dd.find(f"{_w('pPrDefault')}/{_w('pPr')}"))
            self.def_rpr = [dd.find(f"{_w('rPrDefault')}/{_w('rPr')}")]
        for st in root.findall(_w("style")):
            sid = st.get(_w("styleId"))
            based = st.find(_w("basedOn"))
            self.styles[sid] = (based.get(_w("val")) if based is not None else None,
                                st.find(_w("pPr")), st.find(_w("rPr")))
            if st.get(_w("type")) == "paragraph" and st.get(_w("default")) in ("1", "true"):
                self.default_pstyle = sid
        if self.default_pstyle is None and "Normal" in self.styles:
            self.default_pstyle = "Normal"      # LibreOffice leaves w:default out; Word takes Normal

    def _load_numbering(self):
        """numbering.xml: list instances (w:num) → abstract definitions, each level's format, text and props."""
        self.nums: dict[str, tuple[str, dict]] = {}       # numId → (abstractNumId, {ilvl: startOverride})
        self.abstract: dict[str, dict[int, NumLevel]] = {}
        self.style_levels: dict[str, tuple[str, int]] = {}   # pStyle linked from a level → (abstractNumId, ilvl)
        self.counters: dict[str, list[int]] = {}
        root = self._xml_opt("word/numbering.xml")
        if root is None:
            return
        for an in root.findall(_w("abstractNum")):
            aid = an.get(_w("abstractNumId"))
            levels = {}
            for lvl in an.findall(_w("lvl")):
                val = lambda tag, default: (lvl.find(_w(tag)).get(_w("val"), default)  # noqa: E731
                                            if lvl.find(_w(tag)) is not None else default)
                ilvl = int(lvl.get(_w("ilvl"), 0))
                levels[ilvl] = NumLevel(val("numFmt", "decimal"), val("lvlText", ""), int(val("start", 1)),
                                        lvl.find(_w("pPr")), lvl.find(_w("rPr")), lvl.find(_w("isLgl")) is not None)
                if lvl.find(_w("pStyle")) is not None:
                    self.style_levels[val("pStyle", "")] = (aid, ilvl)
            self.abstract[aid] = levels
        for num in root.findall(_w("num")):
            ref = num.find(_w("abstractNumId"))
            overrides = {}
            for ov in num.findall(_w("lvlOverride")):
                so = ov.find(_w("startOverride"))
                if so is not None:
                    overrides[int(ov.get(_w("ilvl"), 0))] = int(so.get(_w("val"), 1))
            if ref is not None:
                self.nums[num.get(_w("numId"))] = (ref.get(_w("val")), overrides)

    def _num_level(self, pstyle: str | None, pchain: list, ppr_el):
        """(abstractNumId, ilvl, NumLevel, numId) of a numbered paragraph (direct w:numPr, else its style's), or None."""
        num_id = ilvl = None
        for el in [s[1] for s in pchain] + [ppr_el]:
            npr = el.find(_w("numPr")) if el is not None else None
            if npr is None:
                continue
            if npr.find(_w("numId")) is not None:
                num_id = npr.find(_w("numId")).get(_w("val"))
            if npr.find(_w("ilvl")) is not None:
                ilvl = int(npr.find(_w("ilvl")).get(_w("val"), 0))
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        aid = self.nums[num_id][0]
        if ilvl is None:
            linked = next((v for k, v in self.style_levels.items() if k == pstyle and v[0] == aid), None)
            ilvl = linked[1] if linked else 0
        level = self.abstract.get(aid, {}).get(ilvl)
        return (aid, ilvl, level, num_id) if level is not None else None

    def number_text(self, aid: str, ilvl: int, num_id: str) -> str:
        """Advance the list's counters and return the displayed number ("一、", "（1）", "1.2.")."""
        levels = self.abstract[aid]
        count = self.counters.setdefault(aid, [0] * 10)
        started = self.counters.setdefault(f"num:{num_id}", [])
        overrides = self.nums[num_id][1]
        if ilvl in overrides and ilvl not in started:      # a w:num restarting its level
            started.append(ilvl)
            count[ilvl] = 0
        start = overrides.get(ilvl, levels[ilvl].start)
        count[ilvl] = start if count[ilvl] == 0 else count[ilvl] + 1
        for deeper in range(ilvl + 1, len(count)):
            count[deeper] = 0

        def repl(m):
            k = int(m.group(1)) - 1
            lv = levels.get(k)
            if lv is None:
                return ""
            n = count[k] or lv.start
            return format_number(n, "decimal" if levels[ilvl].is_lgl and k < ilvl else lv.fmt)
        if levels[ilvl].fmt in ("bullet", "none"):
            return ""
        return re.sub(r"%(\d)", repl, levels[ilvl].text)

    def chain(self, sid: str | None) -> list:
        """Style and its ancestors, root first."""
        out, seen = [], set()
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            out.append(self.styles[sid])
            sid = self.styles[sid][0]
        return out[::-1]

    def _fonts_of(self, rpr, cur: list) -> None:
        """Update [eastAsia, ascii] from one rPr (theme attribute wins within one element)."""
        if rpr is None:
            return
        f = rpr.find(_w("rFonts"))
        if f is None:
            return
        a = _attrs(f)
        ea = self.theme.get(a["eastAsiaTheme"]) if "eastAsiaTheme" in a else a.get("eastAsia")
        asc = self.theme.get(a["asciiTheme"]) if "asciiTheme" in a else a.get("ascii")
        # LibreOffice writes alternatives ("仿宋_GB2312;仿宋"): the first one is the font asked for
        if ea is not None:
            cur[0] = ea.split(";")[0].strip()
        if asc is not None:
            cur[1] = asc.split(";")[0].strip()

    # --- paragraphs ---
    def _run_props(self, levels: list) -> tuple[dict, list]:
        props: dict = {}
        fonts = ["", ""]
        for lv in levels:
            _merge_props(props, lv)
            self._fonts_of(lv, fonts)
        return props, fonts

    def _make_run(self, text: str, levels: list) -> Run:
        props, fonts = self._run_props(levels)
        size = float(props.get("sz", {}).get("val", 20)) / 2      # w:sz only: w:szCs sizes complex scripts
        color = props.get("color", {}).get("val", "auto").upper()
        return Run(text, fonts[0], fonts[1], size, _on(props, "b"), "000000" if color in ("AUTO", "") else color)

    def paragraph(self, p, numbered: bool = True) -> Para:
        """A w:p with effective formatting; Word's automatic list number becomes its first run."""
        ppr_el = p.find(_w("pPr"))
        pstyle = None
        if ppr_el is not None and ppr_el.find(_w("pStyle")) is not None:
            pstyle = ppr_el.find(_w("pStyle")).get(_w("val"))
        if pstyle not in self.styles:       # missing from styles.xml (pandoc): Word falls back to Normal
            pstyle = self.default_pstyle
        pchain = self.chain(pstyle)
        num = self._num_level(pstyle, pchain, ppr_el) if numbered else None
        ppr = {k: dict(v) for k, v in self.def_ppr.items()}     # copies: merging updates the inner dicts
        for _, sppr, _ in pchain:
            _merge_props(ppr, sppr)
        if num:
            _merge_props(ppr, num[2].ppr)       # list indents sit between the style and the paragraph
        _merge_props(ppr, ppr_el)
        base_rpr = self.def_rpr + [s[2] for s in pchain]
        runs = []
        if num:
            label = self.number_text(num[0], num[1], num[3])
            if label:
                mark = ppr_el.find(_w("rPr")) if ppr_el is not None else None
                runs.append(self._make_run(label, base_rpr + [mark, num[2].rpr]))
        for r in p.iter(_w("r")):
            if _owner(r) is not p:
                continue        # a run of a text box anchored here
            text = "".join(t.text or "" if t.tag == _w("t") else "\t" if t.tag == _w("tab") else ""
                           for t in r if isinstance(t.tag, str))
            if not text:
                continue
            rpr_el = r.find(_w("rPr"))
            rstyle = rpr_el.find(_w("rStyle")).get(_w("val")) if rpr_el is not None and rpr_el.find(_w("rStyle")) is not None else None
            runs.append(self._make_run(text, base_rpr + [s[2] for s in self.chain(rstyle)] + [rpr_el]))
        para = Para(p, "".join(r.text for r in runs), runs, ppr)
        para.numbered = bool(num)
        return para

    def frames(self, el) -> list:
        """Paragraphs of the text boxes / shapes anchored in el (DrawingML, or VML when there is no DrawingML copy)."""
        out = []
        for box in el.iter(_w("txbxContent")):
            if _in_fallback(box, el) or _owner(box) is None or \
                    (el.tag == _w("p") and _owner(box) is not el):
                continue
            out += [self.paragraph(q) for q in box.findall(_w("p"))]
        return out

    def blocks(self):
        """Top-level blocks in order: ("p", Para) or ("tbl", [Para of its cells], element).
        Text-box paragraphs are kept apart in self.frame_paras (their .block is the anchor's)."""
        out, n_para, n_tbl = [], 0, 0
        self.counters = {}
        self.frame_paras = []
        for i, el in enumerate(self.body):
            if el.tag == _w("p"):
                para = self.paragraph(el)
                para.block = i
                if para.text.strip():
                    n_para += 1
                    para.index = n_para
                out.append(("p", para, el))
            elif el.tag == _w("tbl"):
                n_tbl += 1
                cells = []
                for p in el.iter(_w("p")):
                    if _owner(p) is not None and _owner(p).tag == _w("p"):
                        continue        # inside a text box in a cell
                    para = self.paragraph(p)
                    para.table, para.block = n_tbl, i
                    cells.append(para)
                out.append(("tbl", cells, el))
            else:
                continue
            for fp in self.frames(el):
                if fp.text.strip():
                    fp.frame, fp.block = len(self.frame_paras) + 1, i
                    self.frame_paras.append(fp)
        return out

    def sections(self) -> list:
        """All w:sectPr in document order (the body's last)."""
        return list(self.body.iter(_w("sectPr")))

    def first_page_part(self, kind: str):
        """The header or footer (kind "header"/"footer") Word shows on page 1: the first-page one when the
        first section has a different first page (none there: blank), else the default one; None when blank."""
        sect = self.sections()[0] if self.sections() else None
        if sect is None:
            return None
        title_pg = sect.find(_w("titlePg"))
        want = "first" if title_pg is not None and _on({"t": _attrs(title_pg)}, "t") else "default"
        ref = next((r for r in sect.findall(_w(f"{kind}Reference")) if r.get(_w("type"), "default") == want), None)
        return self.part(ref.get(f"{{{R_NS}}}id")) if ref is not None else None

    def header_paras(self) -> list[Para]:
        """The non-empty paragraphs of page 1's header (where letterhead templates put the 标志)."""
        part = self.first_page_part("header")
        if part is None:
            return []
        out = []
        for el in part.iter(_w("p")):
            if _in_fallback(el, part):
                continue
            q = self.paragraph(el, numbered=False)
            if q.text.strip():
                q.header, q.block = True, -1
                out.append(q)
        return out


# ============================================================================================
# Finding the parts of a 公文
# ============================================================================================

@dataclass
class Parts:
    paras: list[Para]                       # top-level paragraphs in order
    blocks: list
    mark: list[Para] = field(default_factory=list)
    docnum: Para | None = None
    title: list[Para] = field(default_factory=list)
    recipients: Para | None = None
    body: list[Para] = field(default_factory=list)
    note: list[Para] = field(default_factory=list)      # 附件说明 lines
    date: Para | None = None                            # 成文日期
    labels: list[Para] = field(default_factory=list)    # 附件 labels ("附件1")
    cc: Para | None = None
    printed: Para | None = None                         # 印发机关 + 印发日期
    head_end: int = -1                                  # block index of the last 版头 paragraph
    captions: list[Para] = field(default_factory=list)  # 表N / 图N captions among the body lines
    serial: Para | None = None                          # 纪要 期号 / 命令 令号 ("第3期", "第12号")
    attendees: list[Para] = field(default_factory=list)  # 纪要: 出席：/列席： lines
    kind: str | None = None                             # a key of KINDS
    cover: list[Para] = field(default_factory=list)     # lines of a cover page (kept out of every rule)
    byline: Para | None = None                          # "——作者" under the title


def _nonempty(paras):
    return [p for p in paras if p.text.strip()]


def _is_red(color: str) -> bool:
    c = color.lstrip("#").upper()
    if c == "RED":
        return True
    if not re.fullmatch(r"[0-9A-F]{6}", c):
        return False
    r, g, b = int(c[:2], 16), int(c[2:4], 16), int(c[4:], 16)
    return r >= 0xB0 and g <= 0x60 and b <= 0x60


KINDS = {"wenjian": "文件格式", "xinhan": "信函格式", "ling": "命令（令）格式", "jiyao": "纪要格式",
         "draft": "无版头的公文", "other": "非公文"}


def _layout_cells(blocks) -> list[Para]:
    """Text typed inside one-cell tables (a table used as a frame for body text)."""
    out = []
    for kind, item, el in blocks:
        if kind == "tbl" and len(el.findall(_w("tr"))) == 1 and len(el.find(_w("tr")).findall(_w("tc"))) == 1:
            out += [q for q in item if q.text.strip()]
    return out


def cover_page(blocks) -> list[Para]:
    """A cover page: at most 8 short lines (organ, title, date …), no table, then a page break, and text
    after it. Its lines are neither 标志 nor 标题 nor 署名/日期. A first page with a 版头 line (…文件, a
    发文字号), a 主送 (…：) or a 目录 is no cover."""
    lines = []
    for n, (kind, item, el) in enumerate(blocks):
        t = item.text.strip() if kind == "p" else ""
        if kind != "p" or len(t) > 40 or len(lines) > 8 or t.endswith(("文件", "：", ":")) or \
                DOCNUM_RE.match(t.split("签发人")[0].strip()) or re.fullmatch(r"目\s*录", t):
            return []
        if item.text.strip():
            if lines and _on(item.ppr, "pageBreakBefore"):
                break
            lines.append(item)
        breaks = [b for b in el.iter(_w("br")) if b.get(_w("type")) == "page"] or \
            el.findall(f"{_w('pPr')}/{_w('sectPr')}")
        if lines and breaks:
            rest = [b for b in blocks[n + 1:] if b[0] == "tbl" or b[1].text.strip()]
            return lines if rest else []
    else:
        return []
    return lines


def _indented(p: Para) -> bool:
    """The paragraph's first line starts at least one character in (w:ind or leading U+3000)."""
    return _indent_chars(p, 16.0) >= 1


def find_parts(view: DocxView) -> Parts:
    """The structure of the document as written: its kind (KINDS), 版头, 标题, 主送, 正文, 附件说明,
    署名/日期, 附件 labels and 版记; every rule then runs on the element it concerns."""
    blocks = view.blocks()
    paras = [b[1] for b in blocks if b[0] == "p"]
    cells = [p for b in blocks if b[0] == "tbl" for p in b[1]]
    parts = Parts(paras, blocks)
    parts.cover = cover_page(blocks)
    filled = [q for q in sorted(_nonempty(paras) + _layout_cells(blocks), key=lambda q: q.block) if q not in parts.cover]
    # 版头: 标志 and 发文字号 among the first lines
    for i, p in enumerate(filled[:12]):
        t = p.text.strip()
        num = t.split("签发人")[0].strip()
        if (DOCNUM_RE.match(num) or DOCNUM_LOOSE_RE.match(num)) and len(num) <= 30:
            parts.docnum = p
            parts.mark = [q for q in filled[:i] if _looks_like_mark(q)] + _boxed_mark(view, blocks, p.block)
            break
    first = filled[0].text.strip() if filled else ""
    if parts.docnum is None and len(first) <= 40 and \
            (first.endswith(("文件", "命令")) or (first.endswith(MARK_ENDS) and markish(filled[0]))):
        parts.mark = [filled[0]]
    if parts.docnum is None and not parts.mark and filled:
        parts.mark = _boxed_mark(view, blocks, filled[0].block)     # 标志 in a table / text box, no 字号
        if not "".join(q.text.strip() for q in parts.mark).endswith(MARK_ENDS):
            parts.mark = []
    if not parts.mark and (parts.docnum is None or parts.docnum is filled[0] or
                           all(_is_head_note(q) for q in filled[:filled.index(parts.docnum)])):
        # a letterhead: the 标志 typed into page 1's header (set like one: red or larger than a title)
        head = [q for q in view.header_paras() if markish(q) and not _is_head_note(q)]
        if head and (parts.docnum is not None or "".join(q.text.strip() for q in head).endswith(MARK_ENDS)):
            parts.mark = head
    parts.mark.sort(key=lambda q: (q.block, q.frame))
    mark_text = "".join(q.text.strip() for q in parts.mark)
    head = [p for p in (parts.mark + [parts.docnum]) if p is not None]
    parts.head_end = max(p.block for p in head) if head else -1
    rest = [p for p in filled if p.block > parts.head_end]
    if parts.docnum is None and parts.mark and rest and SERIAL_RE.match(rest[0].text.strip()):
        parts.serial = rest[0]          # 纪要 期号 / 命令 令号
        parts.head_end = rest[0].block
        rest = rest[1:]
    if mark_text.endswith(("命令", "令")):
        parts.kind = "ling"
    elif mark_text.endswith("纪要"):
        parts.kind = "jiyao"
    elif parts.mark and parts.docnum is not None and not mark_text.endswith("文件") and \
            (parts.docnum.align == "right" or _rule_above(view, parts) is not None):
        parts.kind = "xinhan"           # the name alone, the 字号 flush right or under the red rule (10.1)
    elif head:
        parts.kind = "wenjian"
    # 标题: the first line after the 版头 (and the centred lines following it); a 令 has none
    if parts.kind != "ling" and rest and len(rest[0].text.strip()) <= 80 and not mark_level(rest[0].text) \
            and not rest[0].text.strip().endswith(("：", ":")):
        parts.title = [rest[0]]
        size = {r.size for r in rest[0].runs if r.text.strip()}
        for p in rest[1:]:      # further title lines: centred like the first, or in the title's size
            same = size and {r.size for r in p.runs if r.text.strip()} == size
            if not (p.align == "center" == rest[0].align or same) or p.text.strip().endswith(("：", ":")) \
                    or p.text.strip().startswith(BYLINE):
                break
            parts.title.append(p)
        rest = rest[len(parts.title):]
        if rest and rest[0].text.strip().startswith(BYLINE) and len(rest[0].text.strip()) <= 40:
            parts.byline, rest = rest[0], rest[1:]      # "——××局局长 张某某" under the title
    if parts.kind is None and parts.title and "".join(q.text.strip() for q in parts.title).endswith("纪要"):
        parts.kind = "jiyao"
    if rest and rest[0].text.strip().endswith(("：", ":")) and len(rest[0].text.strip()) <= 100 \
            and not mark_level(rest[0].text) and not _indented(rest[0]) and not ATTENDEES_RE.match(rest[0].text.strip()):
        parts.recipients = rest[0]
        rest = rest[1:]
    if parts.kind is None:
        parts.kind = "draft" if parts.recipients is not None else "other"
    # 版记 (searched everywhere: it may sit in a table)
    for p in filled + cells:
        t = p.text.strip()
        if CC_RE.match(t) and parts.cc is None:
            parts.cc = p
        if PRINT_LINE_RE.match(t) or (t.endswith("印发") and len(t) <= 60 and not re.search(r"[。，；]", t)):
            parts.printed = p
    banji_start = min((p.block for p in (parts.cc, parts.printed) if p is not None), default=10 ** 9)
    # 成文日期: the first date-only line after the 标题; 附件 labels after it
    date_i = next((i for i, p in enumerate(rest) if p.block < banji_start and any(
        r.match(p.text) for r in (DATE_LINE_RE, NUMERIC_DATE_LINE_RE, PLACEHOLDER_DATE_RE))), None)
    if date_i is not None:
        parts.date = rest[date_i]
        parts.labels = [p for p in rest[date_i + 1:] if ATTACH_LABEL_RE.match(p.text.strip())]
    main = rest[:date_i] if date_i is not None else [p for p in rest if p.block < banji_start]
    # 附件说明 and 署名 end the body
    for i, p in enumerate(main):
        m = ATTACH_NOTE_RE.match(p.text.strip())
        if m and len(p.text.strip()) <= 100:
            parts.note = [p]
            for q in main[i + 1:]:
                if leading_mark(q.text.strip(), ATTACH_ITEM):
                    parts.note.append(q)
                else:
                    break
            main = main[:i]
            break
    else:
        # drop the 署名 lines just above the date (undated: set flush right, as a 纪要's may be); a line set
        # as body text (left, indented 2 characters) stays body
        while main and len(main[-1].text.strip()) <= 30 and not re.search(r"[。；，！？]$", main[-1].text.strip()) \
                and not mark_level(main[-1].text) and not (main[-1].align == "left" and abs(_indent_chars(main[-1], 16.0) - 2) < 0.3) \
                and (date_i is not None or main[-1].align == "right" or _indent_chars(main[-1], 16.0) >= 8):
            main = main[:-1]
    parts.attendees = [p for p in main if ATTENDEES_RE.match(p.text.strip())] if parts.kind == "jiyao" else []
    main = [p for p in main if p not in parts.attendees]
    parts.captions = [p for p in main if is_caption(p)]
    parts.body = [p for p in main if p not in parts.captions]
    return parts


def _sibling(el, step: int):
    """The next (step 1) or previous (-1) w:p / w:tbl beside el, skipping bookmarks and the like."""
    nxt = el.getnext if step > 0 else el.getprevious
    sib = nxt()
    while sib is not None and sib.tag not in (_w("p"), _w("tbl")):
        sib = sib.getnext() if step > 0 else sib.getprevious()
    return sib


def _is_picture(el) -> bool:
    """A paragraph holding a picture (DrawingML or VML) and no text."""
    if el is None or el.tag != _w("p"):
        return False
    has = next(el.iter(_w("drawing"), _w("pict")), None) is not None
    return has and not "".join(t.text or "" for t in el.iter(_w("t"))).strip()


def is_caption(p: Para) -> bool:
    """A table / figure caption: short, and centred directly before a table or after a picture, or
    numbered 表N / 图N (rules.yaml captions.pattern) and centred or next to one."""
    cfg = rules()["captions"]
    t = p.text.strip()
    if not t or len(t) > cfg["max_chars"] or p.table:
        return False
    after = _sibling(p.el, 1)
    beside = (after is not None and after.tag == _w("tbl")) or _is_picture(_sibling(p.el, -1))
    centred = p.align == "center"
    return (centred and beside) or (bool(re.match(cfg["pattern"], t)) and (centred or beside))


def _boxed_mark(view: DocxView, blocks, before: int) -> list[Para]:
    """The 发文机关标志 set in a table (联合行文: names left, 文件 right) or in text boxes / shapes,
    above block `before` (the 发文字号) or anchored in it."""
    out = []
    for kind, item, _ in blocks[:before]:
        if kind != "tbl":
            continue
        cells = [q for q in item if q.text.strip()]
        if any(_looks_like_mark(q) for q in cells):
            out += [q for q in cells if not _is_head_note(q)]
    out += [q for q in view.frame_paras if q.block <= before and _looks_like_mark(q)]
    return out


def _is_head_note(p: Para) -> bool:
    """份号, 密级 or 紧急程度 (not part of the 标志)."""
    t = p.text.strip()
    return bool(re.fullmatch(r"\d{6}", t) or re.match(r"^(绝密|机密|秘密|特急|加急|特提|平急)", t))


MARK_ENDS = ("文件", "命令", "令", "纪要")


def markish(p: Para) -> bool:
    """Set like a 标志: red or larger than a 2号 title."""
    return any(_is_red(r.color) for r in p.runs) or any(r.size >= 26 for r in p.runs)


def _looks_like_mark(p: Para) -> bool:
    t = p.text.strip()
    if _is_head_note(p):
        return False
    return t.endswith(MARK_ENDS) or markish(p)


# ============================================================================================
# Rules
# ============================================================================================

def _fonts(role_font: str) -> set[str]:
    """The accepted spellings of a font (its synonym group in rules.yaml)."""
    for names in rules()["fonts"].values():
        if role_font in names:
            return set(names)
    return {role_font}


def _font_label(r: Run) -> str:
    return f"{r.font or '未设置字体'} {r.size:g} 磅"


def _size_ok(size: float, want: float) -> bool:
    return abs(size - want) <= rules()["tolerances"]["size_pt"]


def _first_bad(chars, fonts: set[str], size: float | None):
    """(char, run) of the first CJK character whose font (or size) is wrong."""
    for ch, r in chars:
        if not _is_cjk(ch) or ch in "\u3000":
            continue
        if r.font not in fonts or (size is not None and not _size_ok(r.size, size)):
            return ch, r
    return None


def check_page(view: DocxView, prof: Profile) -> list[Problem]:
    out = []
    tol = max(prof.page.tolerance_mm, rules()["tolerances"]["margin_mm"])
    secs = view.sections()
    for n, sect in enumerate(secs, 1):
        where = "页面设置" if len(secs) == 1 else f"第{n}节页面设置"
        sz, mar = sect.find(_w("pgSz")), sect.find(_w("pgMar"))
        w = float(sz.get(_w("w"), 0)) * MM_PER_TWIP if sz is not None else 215.9
        h = float(sz.get(_w("h"), 0)) * MM_PER_TWIP if sz is not None else 279.4
        if w > h and n == 1:
            out.append(_problem("page.orient", where))
            continue
        if w > h:       # a landscape section (wide form or table): A4 turned, the 版心 turned with it
            if abs(w - prof.page.height_mm) > tol or abs(h - prof.page.width_mm) > tol:
                out.append(_problem("page.size", where, w=w, h=h))
            mm = lambda a: float(mar.get(_w(a), 1440)) * MM_PER_TWIP if mar is not None else 25.4  # noqa: E731
            area = (w - mm("left") - mm("right"), h - mm("top") - mm("bottom"))
            if abs(area[0] - prof.type_height_mm) > 2 * tol or abs(area[1] - prof.type_width_mm) > 2 * tol:
                out.append(_problem("page.turned_area", where, w=area[0], h=area[1],
                                    want_w=prof.type_height_mm, want_h=prof.type_width_mm))
            continue
        if abs(w - prof.page.width_mm) > tol or abs(h - prof.page.height_mm) > tol:
            out.append(_problem("page.size", where, w=w, h=h))
        sides = [("top", "上边距（天头）", prof.page.margin_top_mm), ("bottom", "下边距", prof.page.margin_bottom_mm),
                 ("left", "左边距（订口）", prof.page.margin_left_mm), ("right", "右边距", prof.page.margin_right_mm)]
        for attr, name, want in sides:
            got = float(mar.get(_w(attr), 1440)) * MM_PER_TWIP if mar is not None else 25.4
            if abs(got - want) > tol:
                out.append(_problem("page.margin", where, side=name, want=want, got=got, tol=tol))
    return out


def _grid_pitches(view: DocxView, body: list[Para], prof: Profile) -> tuple[float, float]:
    """(line pitch, character pitch) in pt, as Word lays out the body text."""
    sect = view.sections()[0] if view.sections() else None
    grid = sect.find(_w("docGrid")) if sect is not None else None
    gtype = grid.get(_w("type"), "default") if grid is not None else "default"
    sample = body
    spacings = Counter((p.ppr.get("spacing", {}).get("lineRule", "auto"), p.ppr.get("spacing", {}).get("line", "240"))
                       for p in sample)
    rule, line = spacings.most_common(1)[0][0] if spacings else ("auto", "240")
    size = Counter(round(r.size, 1) for p in sample for r in p.runs).most_common(1)
    size = size[0][0] if size else prof.sizes_pt.body
    if rule in ("exact", "atLeast"):
        pitch = float(line) / 20
    elif gtype in ("lines", "linesAndChars", "snapToChars") and grid.get(_w("linePitch")):
        pitch = float(grid.get(_w("linePitch"))) / 20 * float(line) / 240
    else:
        pitch = size * 1.3 * float(line) / 240     # single spacing of a CJK font is about 1.3 em
    # character pitch: docGrid charSpace, else the run's own character spacing
    default_size = float((view.def_rpr[0].find(_w("sz")).get(_w("val")) if view.def_rpr and view.def_rpr[0] is not None
                          and view.def_rpr[0].find(_w("sz")) is not None else 20)) / 2
    if view.default_pstyle:
        for _, _, rpr in view.chain(view.default_pstyle):
            if rpr is not None and rpr.find(_w("sz")) is not None:
                default_size = float(rpr.find(_w("sz")).get(_w("val"))) / 2
    if gtype in ("linesAndChars", "snapToChars") and grid.get(_w("charSpace")) is not None:
        space = int(grid.get(_w("charSpace")))
        space = space - 2 ** 32 if space >= 2 ** 31 else space      # LibreOffice writes negatives unsigned
        cpitch = default_size + space / 4096
    else:
        spacing = Counter()
        for p in sample:
            for r in p.runs:
                sp = r_spacing(r, p)
                spacing[sp] += len(r.text)
        extra = spacing.most_common(1)[0][0] if spacing else 0.0
        cpitch = size + extra
    return pitch, cpitch


def r_spacing(run: Run, para: Para) -> float:
    """Character spacing (w:spacing in a run's own rPr) in pt, found by the run's text."""
    for r in para.el.iter(_w("r")):
        rpr = r.find(_w("rPr"))
        t = "".join(x.text or "" for x in r.iter(_w("t")))
        if t == run.text and rpr is not None and rpr.find(_w("spacing")) is not None:
            return float(rpr.find(_w("spacing")).get(_w("val"), 0)) / 20
    return 0.0


def check_grid(view: DocxView, parts: Parts, prof: Profile) -> list[Problem]:
    if not parts.body:
        return []
    secs = view.sections()
    mar = secs[0].find(_w("pgMar")) if secs else None
    sz = secs[0].find(_w("pgSz")) if secs else None
    if mar is None or sz is None or float(sz.get(_w("w"), 0)) > float(sz.get(_w("h"), 1)):
        return []       # no page set up, or the main section turned (page.orient says so)
    tw = lambda el, a: float(el.get(_w(a), 0)) / 20      # noqa: E731  twips → pt
    text_h = tw(sz, "h") - tw(mar, "top") - tw(mar, "bottom")
    text_w = tw(sz, "w") - tw(mar, "left") - tw(mar, "right")
    pitch, cpitch = _grid_pitches(view, parts.body, prof)
    out = []
    tol = rules()["tolerances"]
    lines = int(text_h / pitch + 0.02) if pitch > 0 else 0
    if abs(lines - prof.grid.lines) > tol["lines_per_page"]:
        out.append(_problem("grid.lines", "页面设置", pitch=pitch, got=lines))
    chars = int(text_w / cpitch + 0.02) if cpitch > 0 else 0
    if abs(chars - prof.grid.chars) > tol["chars_per_line"]:
        out.append(_problem("grid.chars", "页面设置", pitch=cpitch, got=chars))
    return out


def check_mark_and_number(view: DocxView, parts: Parts, prof: Profile) -> list[Problem]:
    out = []
    for p in parts.mark:
        t = p.text.strip()
        cjk = [r for ch, r in p.chars() if _is_cjk(ch)]
        if cjk and not all(_is_red(r.color) for r in cjk):
            out.append(_problem("mark.color", p.where, text=t))
        bad = _first_bad(p.chars(), _fonts(prof.fonts.organ_mark), None)
        if bad:
            out.append(_problem("mark.font", p.where, text=t, got=bad[1].font or "未设置字体"))
        if p.align != "center" and not (p.table or p.frame):     # a table / text box places itself
            out.append(_problem("mark.align", p.where))
    if parts.docnum is not None:
        out += check_doc_number(parts.docnum.text.split("签发人")[0].strip(), parts.docnum.where)
    # the 版头 red rule (命令格式 has none)
    if (parts.mark or parts.docnum is not None) and parts.kind != "ling" and not _has_red_rule(view, parts):
        where = parts.docnum.where if parts.docnum is not None else parts.mark[-1].where
        out.append(_problem("redline.missing", where))
    return out


def check_doc_number(text: str, where: str) -> list[Problem]:
    m = DOCNUM_RE.match(text)
    if not m:
        return []
    out = []
    if m.group("open") != "〔" or m.group("close") != "〕":
        out.append(_problem("docnum.bracket", where, text=text))
    if len(m.group("year")) != 4:
        out.append(_problem("docnum.year", where, text=text))
    if m.group("di"):
        out.append(_problem("docnum.di", where, text=text))
    if m.group("num").startswith("0"):
        out.append(_problem("docnum.zero", where, text=text))
    if not m.group("hao"):
        out.append(_problem("docnum.hao", where, text=text))
    return out


def _drawn_line_in(el) -> bool:
    """A DrawingML or VML line shape inside el (Word's Insert → Shapes → Line)."""
    if any(g.get("prst") in ("line", "straightConnector1") for g in el.iter(f"{{{A_NS}}}prstGeom")):
        return True
    return next(el.iter(f"{{{V_NS}}}line"), None) is not None


DOUBLE_BORDERS = {"double", "triple", "thinThickSmallGap", "thickThinSmallGap", "thinThickMediumGap",
                  "thickThinMediumGap", "thinThickLargeGap", "thickThinLargeGap", "thinThickThinSmallGap",
                  "thinThickThinMediumGap", "thinThickThinLargeGap"}
DOUBLE_STROKES = {"dbl", "thickThin", "thinThick", "tri", "thinThin", "thickBetweenThin"}    # a:ln cmpd, v:stroke linestyle


def _red_lines(el):
    """Each red rule inside el (paragraph or table border, DrawingML or VML line, thin red-filled
    rectangle), as True when it is drawn double (a double border or compound line) else False."""
    for tag in ("top", "bottom", "between", "insideH"):
        for b in el.iter(_w(tag)):
            if b.getparent().tag in (_w("pBdr"), _w("tblBorders"), _w("tcBorders")) \
                    and b.get(_w("val"), "none") not in ("nil", "none") and _is_red(b.get(_w("color"), "")):
                yield b.get(_w("val")) in DOUBLE_BORDERS
    for ln in el.iter(f"{{{A_NS}}}ln"):
        clr = ln.find(f".//{{{A_NS}}}srgbClr")
        if clr is not None and _is_red(clr.get("val", "")):
            yield ln.get("cmpd", "sng") in DOUBLE_STROKES
    for sp in el.iter(f"{{{WPS_NS}}}spPr"):        # a thin red-filled rectangle drawn as the rule
        clr = sp.find(f"{{{A_NS}}}solidFill/{{{A_NS}}}srgbClr")
        ext = sp.find(f"{{{A_NS}}}xfrm/{{{A_NS}}}ext")
        if clr is not None and _is_red(clr.get("val", "")) and ext is not None \
                and int(ext.get("cy", 0)) * 20 < int(ext.get("cx", 1)):
            yield False
    for tag in ("line", "shape", "rect"):
        for v in el.iter(f"{{{V_NS}}}{tag}"):
            if _in_fallback(v, el) and next(el.iter(f"{{{A_NS}}}ln", f"{{{WPS_NS}}}spPr"), None) is not None:
                continue        # the VML copy of a DrawingML shape already counted
            filled = v.get("filled", "t") not in ("f", "false")
            if _is_red(v.get("strokecolor", "")) or (filled and _is_red(v.get("fillcolor", ""))):
                stroke = v.find(f"{{{V_NS}}}stroke")
                yield stroke is not None and stroke.get("linestyle", "single") in DOUBLE_STROKES


def _red_line_in(el) -> bool:
    """A red paragraph border, table border, DrawingML or VML line anywhere inside el."""
    return next(_red_lines(el), None) is not None


def _rule_above(view: DocxView, parts: Parts) -> list | None:
    """The elements holding a red rule between the 标志 and the 发文字号 (where a 信函 has its rule: under the
    name, above the 字号): body blocks from the 标志 down to the 字号, or page 1's header; None when none."""
    if not parts.mark or parts.docnum is None:
        return None
    if parts.mark[0].header:
        els = [view.first_page_part("header")]
    else:
        start = min(q.block for q in parts.mark)
        els = [el for i, el in enumerate(view.body) if start <= i < parts.docnum.block]
    els = [el for el in els if el is not None and _red_line_in(el)]
    return els or None


def check_xinhan(view: DocxView, parts: Parts) -> list[Problem]:
    """信函格式 (GB/T 9704 10.1): a red double rule under the name, the 字号 flush right under it, no page
    number on page 1, a 版记 without the 印发 line."""
    if parts.kind != "xinhan":
        return []
    out = []
    rules_ = _rule_above(view, parts)
    lines = [double for el in rules_ or [] for double in _red_lines(el)]
    if lines and not any(lines) and len(lines) < 2:
        out.append(_problem("xinhan.double_rule", parts.mark[-1].where))
    d = parts.docnum
    if d.align != "right" and not (d.table or d.frame):
        out.append(_problem("xinhan.docnum_align", d.where))
    if parts.printed is not None:
        out.append(_problem("xinhan.print_line", "版记", text=parts.printed.text.strip()[:24]))
    footer = view.first_page_part("footer")
    if footer is not None and _page_field(footer)[0]:
        out.append(_problem("xinhan.first_page_number", "首页页脚"))
    return out


def _has_red_rule(view: DocxView, parts: Parts) -> bool:
    """The 版头 red rule: between the 标志/字号 and the 标题 (or in a header part of page 1)."""
    last = parts.title[0].block if parts.title else parts.head_end + 3
    if any(_red_line_in(el) for i, el in enumerate(view.body) if i < last):     # shapes anchor anywhere above
        return True
    sect = view.sections()[0] if view.sections() else None
    if sect is not None:
        for ref in sect.findall(_w("headerReference")):
            part = view.part(ref.get(f"{{{R_NS}}}id"))
            if part is not None and _red_line_in(part):
                return True
    return False


def check_title(parts: Parts, prof: Profile) -> list[Problem]:
    out = []
    for p in parts.title:
        bad = _first_bad(p.chars(), _fonts(prof.fonts.title), prof.sizes_pt.title)
        if bad:
            out.append(_problem("title.font", p.where, got=_font_label(bad[1])))
        if p.align != "center":
            out.append(_problem("title.align", p.where))
    if parts.recipients is not None and parts.recipients.text.strip().endswith(":"):
        out.append(_problem("recipients.colon", parts.recipients.where, text=parts.recipients.text.strip()))
    return out


def _indent_chars(p: Para, cpitch: float) -> float:
    """Where the first line starts, in characters from the margin (left indent + first-line − hanging)."""
    ind = p.ppr.get("ind", {})
    num = lambda k: int(float(ind.get(k, 0) or 0))      # noqa: E731
    if num("leftChars") or num("startChars"):
        left = (num("leftChars") or num("startChars")) / 100
    else:
        left = (num("left") or num("start")) / 20 / cpitch
    if num("firstLineChars"):
        first = num("firstLineChars") / 100
    elif num("hangingChars"):
        first = -num("hangingChars") / 100
    elif num("hanging"):
        first = -num("hanging") / 20 / cpitch
    else:
        first = num("firstLine") / 20 / cpitch
    typed = p.text[:len(p.text) - len(p.text.lstrip(" \u3000"))]     # indent typed as spaces (WPS habit)
    return left + first + typed.count("\u3000") + typed.count(" ") / 2


def check_body(view: DocxView, parts: Parts, prof: Profile) -> list[Problem]:
    out = []
    body_fonts = _fonts(prof.fonts.body) | _fonts(prof.fonts.body_fallback)
    role_fonts = {1: _fonts(prof.fonts.heading1),
                  2: _fonts(prof.fonts.heading2) | _fonts(prof.fonts.heading2_fallback),
                  3: _fonts(prof.fonts.heading3), 4: _fonts(prof.fonts.heading4)}
    names = rules()["role_names"]
    level_roles = rules()["heading_fonts"]
    _, cpitch = _grid_pitches(view, parts.body, prof)
    want_indent = prof.body.first_line_indent_chars
    size = prof.sizes_pt.body
    for p in parts.body:
        chars = list(p.chars())
        level = mark_level(p.text)
        start = len(p.text) - len(p.text.lstrip())
        rest = chars
        if level:
            end = start + heading_end(p.text[start:], prof.body.heading_end)
            head, rest = chars[:end], chars[end:]
            bad = _first_bad(head, role_fonts[level], size)
            if bad:
                out.append(_problem("heading.font", p.where, level=level, head=p.text[start:end][:16],
                                    want=names[level_roles[level]] + f" {size:g} 磅", got=_font_label(bad[1])))
            bad_rest = _first_bad(rest, body_fonts, size)
            if bad_rest and level in (1, 2) and bad_rest[1].font in role_fonts[level]:
                out.append(_problem("heading.runin", p.where, head=p.text[start:end][:16], got=bad_rest[1].font))
                rest = []
        bad = _first_bad(rest, body_fonts, size)
        if bad:
            i = next(i for i, c in enumerate(rest) if c[1] is bad[1])
            sample = "".join(c for c, _ in rest[i:i + 8])
            out.append(_problem("body.font", p.where, sample=sample, got=_font_label(bad[1])))
        ind = _indent_chars(p, cpitch)
        if abs(ind - want_indent) > rules()["tolerances"]["indent_chars"]:
            out.append(_problem("body.indent", p.where, got=f"{ind:.1f} 字"))
        colored = next((r for r in p.runs if r.text.strip() and r.color != "000000"), None)
        if colored:
            out.append(_problem("color.text", p.where, sample=colored.text.strip()[:8], got=colored.color))
    return out


def check_captions(parts: Parts) -> list[Problem]:
    """Captions: an official face (rules.yaml captions.roles) of 五号 to 三号, black."""
    cfg = rules()["captions"]
    fonts = set().union(*(rules()["fonts"][r] for r in cfg["roles"]))
    out = []
    for p in parts.captions:
        text = p.text.strip()[:16]
        bad = next((r for r in p.runs if r.text.strip() and (r.font not in fonts or not
                                                             cfg["min_size_pt"] <= r.size <= cfg["max_size_pt"])), None)
        if bad:
            out.append(_problem("caption.font", p.where, text=text, got=_font_label(bad)))
        colored = next((r for r in p.runs if r.text.strip() and r.color != "000000"), None)
        if colored:
            out.append(_problem("caption.color", p.where, text=text, got=colored.color))
    return out


def check_dates(parts: Parts) -> list[Problem]:
    out = []
    for p in (parts.date, parts.printed):
        if p is None:
            continue
        num = NUMERIC_DATE_RE.search(p.text)
        if num and not DATE_RE.search(p.text):
            out.append(_problem("date.format", "版记" if p is parts.printed else p.where, text=num.group(0),
                                fixed=fix_numeric_date(num.group(0))))
            continue
        m = DATE_RE.search(p.text)
        if not m:
            continue
        text = m.group(0)
        fixed = fix_dates(text)
        if text == fixed:
            continue
        arabic = all(m.group(k).isascii() and m.group(k).isdigit() for k in "ymd") and len(m.group("y")) == 4
        rule = "date.zero" if arabic else "date.numerals"
        out.append(_problem(rule, "版记" if p is parts.printed else p.where, text=text, fixed=fixed))
    return out


def _page_field(footer) -> tuple[bool, bool]:
    """(has a PAGE field, the field has a stored result)."""
    for fs in footer.iter(_w("fldSimple")):
        if "PAGE" in fs.get(_w("instr"), "").upper().split():
            return True, any(t.text for t in fs.iter(_w("t")))
    instr = [i for i in footer.iter(_w("instrText")) if "PAGE" in (i.text or "").upper().split()]
    if not instr:
        return False, False
    # a result run lies between fldChar separate and end
    state, result = None, False
    for r in footer.iter(_w("r")):
        fc = r.find(_w("fldChar"))
        if fc is not None:
            state = fc.get(_w("fldCharType"))
            continue
        if state == "separate" and any(t.text for t in r.iter(_w("t"))):
            result = True
    return True, result


WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def _footer_align(p: Para, kind: str) -> str:
    """Where a page number sits: a frame (w:framePr xAlign, as WPS writes page numbers) or the text box
    holding it (wp:positionH align / VML mso-position-horizontal) wins over the paragraph's alignment."""
    side = {"outside": "right" if kind == "default" else "left", "inside": "left" if kind == "default" else "right"}
    frame = p.ppr.get("framePr", {}).get("xAlign")
    if frame:
        return side.get(frame, frame)
    for anc in p.el.iterancestors():
        align = anc.find(f"{{{WP_NS}}}positionH/{{{WP_NS}}}align")
        if align is not None and align.text:
            return side.get(align.text, align.text)
        m = re.search(r"mso-position-horizontal:\s*(\w+)", anc.get("style", "")) if anc.tag == f"{{{V_NS}}}shape" else None
        if m:
            return side.get(m.group(1), m.group(1))
    return p.align


def check_footers(view: DocxView, prof: Profile) -> list[Problem]:
    out = []
    secs = view.sections()
    if not secs:
        return out
    want_odd_even = prof.page_number.odd_even
    if want_odd_even and not view.odd_even:
        out.append(_problem("footer.oddeven", "页面设置"))
    # footers of the first section (later sections inherit missing references)
    refs: dict[str, str] = {}
    for sect in secs[:1]:
        for ref in sect.findall(_w("footerReference")):
            refs[ref.get(_w("type"), "default")] = ref.get(f"{{{R_NS}}}id")
    wanted = [("default", "奇数页", "right", "居右")]
    if want_odd_even and view.odd_even:
        wanted.append(("even", "偶数页", "left", "居左"))
    dash = prof.page_number.dash
    fonts = _fonts(prof.fonts.page_number)
    for kind, which, align, align_name in wanted:
        footer = view.part(refs[kind]) if kind in refs else None
        if footer is None:
            out.append(_problem("footer.page_field", f"页脚（{which}）", which=which))
            continue
        has, result = _page_field(footer)
        if not has:
            out.append(_problem("footer.page_field", f"页脚（{which}）", which=which))
            continue
        paras = [view.paragraph(p, numbered=False) for p in footer.iter(_w("p")) if not _in_fallback(p, footer)]
        paras = [p for p in paras if p.text.strip()] or paras
        text = "".join(p.text for p in paras).strip()
        if not (text.startswith(dash) and text.endswith(dash)) or re.search(r"[-－–‐]", text):
            out.append(_problem("footer.dash", f"页脚（{which}）", which=which, text=text))
        al = _footer_align(paras[0], kind) if paras else "left"
        if al != align:
            got = {"left": "居左", "right": "居右", "center": "居中"}.get(al, al)
            out.append(_problem("footer.align", f"页脚（{which}）", which=which, want=align_name, got=got))
        runs = [r for p in paras for r in p.runs if r.text.strip()]
        bad = next((r for r in runs if (r.font not in fonts and r.ascii_font not in fonts)
                    or not _size_ok(r.size, prof.sizes_pt.page_number)), None)
        if bad:
            out.append(_problem("footer.font", f"页脚（{which}）", which=which, got=_font_label(bad)))
        elif not result:
            out.append(_problem("footer.font", f"页脚（{which}）", which=which, got="页码域无存储结果（LibreOffice 显示为 10 磅）"))
    return out


def _line_edge(p: Para, edge: str) -> bool:
    b = p.ppr.get(f"pBdr.{edge}")
    return bool(b) and b.get("val", "none") not in ("nil", "none")


def _neighbour(view_blocks, block: int, step: int):
    """The top-level block next to `block` (step -1: before, +1: after) as ("p", Para) / ("tbl", element)."""
    i = block + step
    if not 0 <= i < len(view_blocks):
        return None
    kind, item, el = view_blocks[i]
    return ("tbl", el) if kind == "tbl" else ("p", item)


def _has_line(parts: Parts, p: Para, side: str) -> bool:
    """A rule above (side="top") or below ("bottom") the 版记 element p."""
    if p.table:
        tbl = parts.blocks[p.block][2]
        tc = p.el.getparent()
        for el in (tc, tbl):
            for edge in ([side, "insideH"] if el is tbl else [side]):
                for b in el.iter(_w(edge)):
                    if b.get(_w("val"), "none") not in ("nil", "none"):
                        return True
        return False
    if _line_edge(p, side) or _line_edge(p, "between") or _drawn_line_in(p.el):
        return True
    other = _neighbour(parts.blocks, p.block, -1 if side == "top" else 1)
    opposite = "bottom" if side == "top" else "top"
    if other is None:
        return False
    kind, item = other
    if kind == "p":
        return _line_edge(item, opposite) or _line_edge(item, "between") or \
            (not item.text.strip() and _drawn_line_in(item.el))
    return any(b.get(_w("val"), "none") not in ("nil", "none") for b in item.iter(_w(opposite)))


def check_banji(view: DocxView, parts: Parts, prof: Profile) -> list[Problem]:
    out = []
    # 印发 line: required in 文件格式 (and wherever a 抄送 is given), never in 信函格式
    if parts.printed is None and (parts.kind == "wenjian" or (parts.cc is not None and parts.kind != "xinhan")):
        out.append(_problem("banji.print_line", "版记"))
    fonts = _fonts(prof.fonts.banji) | _fonts(prof.fonts.body_fallback)
    for p in (parts.cc, parts.printed):
        if p is None:
            continue
        bad = _first_bad(p.chars(), fonts, prof.sizes_pt.banji)
        if bad:
            out.append(_problem("banji.font", "版记", text=p.text.strip()[:14], got=_font_label(bad[1])))
    if parts.cc is not None:
        t = parts.cc.text.strip()
        if not t.endswith("。") or re.search(r"[,;；]", t):
            out.append(_problem("banji.cc_punct", "版记", text=t[:30]))
        if parts.kind != "xinhan" and not _has_line(parts, parts.cc, "top"):
            out.append(_problem("banji.lines", "版记", text=t[:10], side="上方"))
        if parts.kind == "xinhan" and parts.printed is None and \
                (_has_line(parts, parts.cc, "top") or _has_line(parts, parts.cc, "bottom")):
            out.append(_problem("xinhan.banji_lines", "版记", text=t[:10]))     # (with a 印发 line: xinhan.print_line)
    if parts.printed is not None:
        t = parts.printed.text.strip()
        for side, name in (("bottom", "下方（末条线）"), ("top", "上方")):
            if parts.kind != "xinhan" and not _has_line(parts, parts.printed, side):    # 信函: xinhan.print_line
                out.append(_problem("banji.lines", "版记", text=t[:14], side=name))
        if parts.cc is not None and (parts.cc.block, parts.cc.index) > (parts.printed.block, parts.printed.index):
            out.append(_problem("banji.order", "版记", what="抄送应在印发机关和印发日期之上"))
        after = [b for b in parts.blocks if b[0] == "p" and b[1].block > parts.printed.block and b[1].text.strip()]
        after += [b for b in parts.blocks if b[0] == "tbl" and parts.blocks.index(b) > parts.printed.block
                  and not parts.printed.table]
        if after:
            out.append(_problem("banji.order", "版记", what="版记应在公文最后一页的末尾，其后不应再有内容（附件应在版记之前）"))
    return out


def _page_break_before(parts: Parts, p: Para) -> bool:
    if _on(p.ppr, "pageBreakBefore"):
        return True
    for r in p.el.iter(_w("r")):
        if r.find(_w("br")) is not None and r.find(_w("br")).get(_w("type")) == "page":
            return True
        if any(t.text for t in r.iter(_w("t"))):
            break
    i = p.block - 1
    while i >= 0:
        kind, item, el = parts.blocks[i]
        if kind != "p":
            return False
        sect = el.find(f"{_w('pPr')}/{_w('sectPr')}")
        if sect is not None:
            st = sect.find(_w("type"))
            return st is None or st.get(_w("val")) != "continuous"
        if any(b.get(_w("type")) == "page" for b in el.iter(_w("br"))):
            # the break must come after the paragraph's last text
            last_text = max((j for j, x in enumerate(el.iter()) if x.tag == _w("t") and x.text), default=-1)
            last_br = max(j for j, x in enumerate(el.iter()) if x.tag == _w("br") and x.get(_w("type")) == "page")
            return last_br > last_text
        if item.text.strip():
            return False
        i -= 1
    return False


def check_attachments(parts: Parts, prof: Profile) -> list[Problem]:
    out = []
    items: list[tuple[str | None, str, Para]] = []
    if parts.note:
        first = ATTACH_NOTE_RE.match(parts.note[0].text.strip()).group("rest").strip()
        for text, p in [(first, parts.note[0])] + [(q.text.strip(), q) for q in parts.note[1:]]:
            if not text:
                continue
            m = leading_mark(text, ATTACH_ITEM)
            items.append((m.group("num"), text[m.end():].strip(), p) if m else (None, text, p))
    for num, name, p in items:
        if re.search(r"[。，；、.,;：:！!？?]$", name):
            out.append(_problem("attach.punct", p.where, text=name))
    nums = [n for n, _, _ in items]
    if len(items) > 1 and nums != [str(i) for i in range(1, len(items) + 1)]:
        bad = next(((n, t) for i, (n, t, _) in enumerate(items) if n != str(i + 1)), items[0][:2])
        out.append(_problem("attach.numbering", items[0][2].where, text=f"{bad[0] or ''}{bad[1]}"))
    labels = {}
    for p in parts.labels:
        num = ATTACH_LABEL_RE.match(p.text.strip()).group("num")      # 附件２: full-width digits too
        labels[str(parse_int(num)) if num else "1"] = p
    expected = [str(i) for i in range(1, len(items) + 1)]
    for n in expected:
        if n not in labels:
            out.append(_problem("attach.label", "附件说明", n=len(items), label="附件" + (n if len(items) > 1 else "")))
    for n, p in labels.items():
        where = f"附件{n}"
        if n not in expected:
            out.append(_problem("attach.extra", where, label=p.text.strip()))
        if prof.attachment.new_page and not _page_break_before(parts, p):
            out.append(_problem("attach.pagebreak", where, label=p.text.strip()))
        bad = _first_bad(p.chars(), _fonts(prof.fonts.attachment_label), prof.sizes_pt.body)
        if bad:
            out.append(_problem("attach.label_font", where, label=p.text.strip(), got=_font_label(bad[1])))
    return out


# ============================================================================================
# Entry points
# ============================================================================================

def check_file(path: Path, profile: str = "gbt9704") -> list[Problem]:
    """Every GB/T 9704 problem found in a .docx (empty list when it conforms)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}：文件不存在", code="missing")
    prof = load_profile(profile)
    with as_docx(path) as docx:
        view = DocxView(docx)
        parts = find_parts(view)
        if parts.kind == "other":       # no 版头, no 主送, no 公文 kind: say so once; only the date rules apply
            return [_problem("kind.not_gongwen", "全文")] + check_dates(parts)
        return (check_page(view, prof) + check_grid(view, parts, prof) + check_mark_and_number(view, parts, prof)
                + check_xinhan(view, parts) + check_title(parts, prof) + check_body(view, parts, prof)
                + check_captions(parts) + check_dates(parts) + check_attachments(parts, prof)
                + check_banji(view, parts, prof) + check_footers(view, prof))


LEGACY_WORD = (".doc", ".wps")


@contextmanager
def as_docx(path: Path):
    """The .docx to read for `path`: itself, or a .doc/.wps converted by LibreOffice (generators.office)
    into a temporary folder that lasts as long as the `with`."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        yield path
        return
    if suffix not in LEGACY_WORD:
        raise InputError(f"{path}：只能检查 .docx、.doc 或 .wps 文件", code="not_docx")
    from generators.office import convert_one
    with tempfile.TemporaryDirectory(prefix="paicha-check-") as tmp:
        yield convert_one(path, "docx", Path(tmp))


def format_report(path: Path, problems: list[Problem], max_per_rule: int = 5) -> str:
    """Chinese report: one line per problem (long runs of the same rule shortened)."""
    if not problems:
        return f"{path}：未发现问题"
    lines = [f"{path}：发现 {len(problems)} 处问题"]
    shown: Counter = Counter()
    for pr in problems:
        shown[pr.rule] += 1
        if shown[pr.rule] <= max_per_rule:
            lines.append(f"  [{pr.rule}] {pr.where}：{pr.message}")
    total = Counter(pr.rule for pr in problems)
    for rule, n in total.items():
        if n > max_per_rule:
            lines.append(f"  [{rule}] 另有 {n - max_per_rule} 处同类问题未列出")
    return "\n".join(lines)
