"""Layout profiles: every GB/T 9704 number as data (profiles/NAME.yaml), loaded into typed sections.

`load_profile("gbt9704")` returns a Profile with attribute access
(`p.page.margin_top_mm`, `p.fonts.body`, `p.grid.line_pitch_pt`); unknown keys
and missing keys are errors. A profile may `extends: other` and override only
the keys that differ. Derived quantities (type area, character width, docGrid
values) are properties, so the renderer and the checker compute them alike.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from schema.errors import PaichaError

PROFILE_DIR = Path(__file__).parent / "profiles"
PT_PER_MM = 72 / 25.4
FOOTER_DROP_MM = 1.0     # measured: LibreOffice sets an exact 14 pt footer line 1 mm above its nominal place


@dataclass(frozen=True)
class Page:
    width_mm: float
    height_mm: float
    margin_top_mm: float
    margin_bottom_mm: float
    margin_left_mm: float
    margin_right_mm: float
    tolerance_mm: float
    gutter_mm: float


@dataclass(frozen=True)
class Grid:
    lines: int
    chars: int
    line_pitch_pt: float
    char_pitch_pt: float
    type: str


@dataclass(frozen=True)
class Colors:
    red: str
    text: str


@dataclass(frozen=True)
class Fonts:
    organ_mark: str
    title: str
    body: str
    body_fallback: str
    heading1: str
    heading2: str
    heading2_fallback: str
    heading3: str
    heading4: str
    copy_no: str
    secret: str
    urgency: str
    doc_number: str
    signer_label: str
    signer_name: str
    attachment_label: str
    attachment_title: str
    banji: str
    table: str
    table_header: str
    caption: str
    page_number: str
    latin: str


@dataclass(frozen=True)
class Sizes:
    organ_mark: float
    title: float
    body: float
    attachment_title: float
    banji: float
    page_number: float
    table: float
    table_caption: float
    table_wide: float


@dataclass(frozen=True)
class Header:
    organ_mark_top_mm: float
    organ_mark_min_scale: int
    organ_mark_suffix: str
    joint_mark_gap_mm: float
    doc_number_gap_lines: int
    red_rule_gap_mm: float
    red_rule_width_mm: float
    red_rule_thickness_pt: float
    title_gap_lines: int
    signer_label: str
    signer_indent_chars: float
    signers_per_line: int
    copy_no_digits: int


@dataclass(frozen=True)
class TitleBreak:
    glue_forward: list          # words never left at the end of a line (关于, 的 …)
    no_line_start: str          # characters never starting a line (closing brackets, punctuation)
    no_line_end: str            # characters never ending a line (opening brackets)
    prefer_before: list         # words a break goes before when it balances (关于: after the organ name)
    avoid_before: list          # words a break goes before only when needed (的通知)
    suffix_chars: str           # a lone character of these belongs to the word before (局, 年); others to the next (大)


@dataclass(frozen=True)
class Body:
    recipients_gap_lines: int
    first_line_indent_chars: float
    heading_end: str
    heading3_bold: bool
    attachment_note_gap_lines: int
    attachment_note_indent_chars: float
    attachment_note_label: str


@dataclass(frozen=True)
class Signature:
    gap_lines: int
    right_indent_chars: float
    date_offset_chars: float
    sealed_gap_lines: int
    sealed_date_right_chars: float
    note_indent_chars: float


@dataclass(frozen=True)
class Letter:
    """信函格式 (GB/T 9704 10.1) page 1: the organ's name and the two red double rules."""
    mark_top_mm: float          # top edge of the name from the top of the paper
    rule_gap_mm: float          # upper double rule under the name's ink
    rule_width_mm: float        # both double rules, centred on the page
    bottom_rule_mm: float       # lower double rule (its thick line) above the bottom of the paper
    docnum_gap_em: float        # the 字号's ink under the upper rule, in 3号 characters
    thick_pt: float             # the double rules: thick line, thin line and the gap between them
    thin_pt: float
    gap_pt: float


@dataclass(frozen=True)
class AttachmentLayout:
    label: str
    title_line: int
    new_page: bool


@dataclass(frozen=True)
class Banji:
    thick_rule_mm: float
    thin_rule_mm: float
    indent_chars: float
    cc_label: str
    printed_suffix: str
    line_pitch_pt: float
    even_page: bool
    unnumbered_blank_page: bool


@dataclass(frozen=True)
class PageNumber:
    dash: str
    below_type_area_mm: float
    indent_chars: float
    odd_even: bool


@dataclass(frozen=True)
class TableLayout:
    line_em: float
    header_bold: bool
    cell_margin_mm: float
    repeat_header: bool
    wide_columns: int


@dataclass(frozen=True)
class Metrics:
    """Advance widths of the fonts named in the document, so positions come from widths, not character counts.

    Every character from U+2000 up (ideographs, full-width punctuation, CJK quotes) is `cjk_em` wide in
    every CJK font; ASCII is set in the Latin font (w:ascii), whose widths are `latin_widths`
    ({font units: characters}) over `latin_units_per_em`; other Latin letters take `latin_other`.
    `ascii_em` gives the half-width ASCII of the CJK fonts themselves (text whose Latin slot is not set)."""
    source: str
    cjk_em: float
    latin_font: str
    latin_units_per_em: int
    latin_widths: dict
    latin_other: int
    ascii_em: dict
    preview_gap_em: float       # LibreOffice's space between Chinese and Latin/digits (Word: none)

    def em_both(self, text: str) -> float:
        """Width in em that `text` takes at most in Word and in the LibreOffice preview (which adds
        preview_gap_em at every Chinese/Latin boundary): for what must never wrap, like a date in a cell."""
        gaps = sum(1 for a, b in zip(text, text[1:]) if (ord(a) >= 0x2000) != (ord(b) >= 0x2000)
                   and not a.isspace() and not b.isspace())
        return self.em(text) + gaps * self.preview_gap_em

    def em(self, text: str) -> float:
        """Width of `text` in em of its size."""
        table, other = self._latin, self.latin_other / self.latin_units_per_em
        return sum(self.cjk_em if ord(c) >= 0x2000 else table.get(c, other) for c in text)

    @cached_property
    def _latin(self) -> dict:
        return {c: units / self.latin_units_per_em for units, chars in self.latin_widths.items() for c in chars}


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    page: Page
    grid: Grid
    colors: Colors
    fonts: Fonts
    sizes_pt: Sizes
    header: Header
    title_break: TitleBreak
    body: Body
    signature: Signature
    attachment: AttachmentLayout
    banji: Banji
    page_number: PageNumber
    table: TableLayout
    metrics: Metrics
    letter: Letter

    # --- derived quantities -------------------------------------------------------
    @property
    def type_width_mm(self) -> float:
        """版心 width (156 mm by default)."""
        p = self.page
        return p.width_mm - p.margin_left_mm - p.margin_right_mm

    @property
    def type_height_mm(self) -> float:
        """版心 height (225 mm by default)."""
        p = self.page
        return p.height_mm - p.margin_top_mm - p.margin_bottom_mm

    @property
    def char_width_pt(self) -> float:
        """Width of one body character on the grid: 版心 width / chars per line."""
        return self.type_width_mm * PT_PER_MM / self.grid.chars

    @property
    def char_space(self) -> int:
        """docGrid w:charSpace: extra width per character in 1/4096 pt relative to the body size."""
        return round((self.char_width_pt - self.sizes_pt.body) * 4096)

    @property
    def char_spacing_pt(self) -> float:
        """Run letter spacing (whole twips, rounded down) so exactly `grid.chars` body characters fill a line."""
        import math
        return math.floor((self.char_width_pt - self.sizes_pt.body) * 20) / 20

    @property
    def line_pitch_twips(self) -> int:
        return round(self.grid.line_pitch_pt * 20)

    def footer_distance_mm(self, margin_bottom_mm: float | None = None) -> float:
        """Footer distance so the page number's line top sits `below_type_area_mm` under the 版心."""
        bottom = self.page.margin_bottom_mm if margin_bottom_mm is None else margin_bottom_mm
        line_mm = self.sizes_pt.page_number / PT_PER_MM
        return bottom - self.page_number.below_type_area_mm - line_mm - FOOTER_DROP_MM

    def chars_pt(self, n: float) -> float:
        """Width of n body characters in points (indents are based on this one width)."""
        return n * self.char_width_pt

    def text_pt(self, text: str, size: float | None = None, condensed: bool | None = None) -> float:
        """Printed width of `text` in points at `size` (default: body), from the font metrics; body-size
        runs are condensed by char_spacing_pt after every character (Writer.run does the same)."""
        size = size or self.sizes_pt.body
        condensed = size == self.sizes_pt.body if condensed is None else condensed
        return self.metrics.em(text) * size + (len(text) * self.char_spacing_pt if condensed else 0.0)

    def text_chars(self, text: str, size: float | None = None, condensed: bool | None = None,
                   preview: bool = False) -> float:
        """Printed width of `text` in body characters of the grid (the unit of every indent); `preview`:
        as LibreOffice draws it (metrics.preview_gap_em at each Chinese/Latin boundary), else as Word does."""
        pt = self.text_pt(text, size, condensed)
        if preview:
            pt += (self.metrics.em_both(text) - self.metrics.em(text)) * (size or self.sizes_pt.body)
        return pt / self.char_width_pt


class ProfileError(PaichaError):
    code = "profile"


def _build(cls, data: dict, where: str):
    """Dataclass `cls` from a dict, rejecting unknown and missing keys."""
    if not isinstance(data, dict):
        raise ProfileError(f"版式配置 {where} 应为键值表")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ProfileError(f"版式配置 {where} 含未知的键：{'、'.join(unknown)}")
    missing = sorted(set(known) - set(data))
    if missing:
        raise ProfileError(f"版式配置 {where} 缺少键：{'、'.join(missing)}")
    kw = {}
    for name, f in known.items():
        val = data[name]
        sub = _SECTIONS.get(name) if cls is Profile else None
        kw[name] = _build(sub, val, f"{where}.{name}") if sub else val
    return cls(**kw)


_SECTIONS = {
    "page": Page, "grid": Grid, "colors": Colors, "fonts": Fonts, "sizes_pt": Sizes,
    "header": Header, "title_break": TitleBreak, "body": Body, "signature": Signature, "attachment": AttachmentLayout,
    "banji": Banji, "page_number": PageNumber, "table": TableLayout, "metrics": Metrics,
    "letter": Letter,
}


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _raw(name: str, seen: tuple = ()) -> dict:
    path = Path(name) if name.endswith((".yaml", ".yml")) else PROFILE_DIR / f"{name}.yaml"
    if not path.exists():
        avail = "、".join(sorted(p.stem for p in PROFILE_DIR.glob("*.yaml")))
        raise ProfileError(f"找不到版式配置 {name}（可用：{avail}）")
    if name in seen:
        raise ProfileError(f"版式配置 {name} 循环继承")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    parent = data.pop("extends", None)
    if parent:
        data = _merge(_raw(parent, seen + (name,)), data)
    return data


@lru_cache(maxsize=16)
def load_profile(name: str = "gbt9704") -> Profile:
    """The named profile (profiles/NAME.yaml, or a path to a .yaml file), validated and cached."""
    return _build(Profile, _raw(str(name)), str(name))
