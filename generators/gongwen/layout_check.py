"""GB/T 9704 checks on the laid-out page: the 公文 rendered to PDF by LibreOffice and measured.

`check_rendered(docx)` converts through generators.office (its own LibreOffice
profile) and runs `check_layout(pdf)`: 发文机关标志 35 mm under the top of the
版心, red rule 4 mm under the 发文字号 and as wide as the 版心, 22 lines on a
full page and 28 characters a line, page numbers "— N —" 7 mm under the 版心
(odd right, even left; only a blank page before the 版记 and the 版记 page
unnumbered, 7.5), the 版记 at the bottom of the last (even) page, attachments
on new pages, the 附件说明 on one page, and body text on the page of the 署名
and 成文日期 (7.3.5). Words and rules come from pdfplumber, colours from a
pypdfium2 rendering. Layout numbers come from the profile, tolerances and
messages from rules.yaml (section `layout`); problems are check.Problem with
rule ids "layout.*", so check.format_report prints them.
"""
from __future__ import annotations

import re
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium

from generators.gongwen.check import Problem, _problem, rules
from generators.gongwen.profile import Profile, load_profile
from schema.errors import InputError

MM = 72 / 25.4                 # PDF points per millimetre
BODY_SIZE = (15, 17)           # 3号 body text, pt
LABEL_RE = re.compile(r"^附件[0-9０-９]*$")
DATE_LINE_RE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
ITEM_RE = re.compile(r"^\d{1,2}[.．]")
PRINT_RE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日印发$")


def _tol(key: str) -> float:
    return rules()["layout"][key]


# ============================================================================================
# Measurements (also used by tests/test_notice.py)
# ============================================================================================

def banner_geometry(pdf: Path, dpi: int = 200, type_width_mm: float = 156) -> dict:
    """First page, from red and dark pixels: top of the 标志 ink (mm from the paper top), the red rule's
    row, its gap under the 发文字号's ink and its width (mm). Keys are missing when not found."""
    scale = dpi / 72
    page = pdfium.PdfDocument(str(pdf))[0]
    img = np.asarray(page.render(scale=scale).to_pil().convert("RGB")).astype(int)
    mm = lambda px: px / scale / MM  # noqa: E731
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    red = (r > 180) & (g < 90) & (b < 90)
    dark = (r < 110) & (g < 110) & (b < 110)
    out: dict = {}
    half = 0.5 * type_width_mm / 25.4 * dpi
    rows = [y for y in np.where(red.sum(1) > half)[0] if _longest_run(red[y]) > half]   # solid, over half the 版心
    marks = np.where(red.any(1))[0]
    if not rows:
        if marks.size:
            out["mark_top"] = mm(marks[0])
        return out
    rule = rows[0]
    best = rule + int(np.argmax(red[rule:rule + 8].sum(1)))         # the rule's fullest row (edges anti-aliased)
    cols = np.where(red[best])[0]
    out["rule_top"] = mm(rule)
    out["rule_width"] = mm(cols.max() - cols.min() + 1)
    above = marks[marks < rule - 5]
    if above.size:
        out["mark_top"] = mm(above[0])
        number = np.where(dark[above.max() + 1:rule].any(1))[0] + above.max() + 1
    else:
        number = np.where(dark[:rule].any(1))[0]
    if number.size:
        out["rule_gap"] = mm(rule - number.max())
    return out


def _longest_run(row) -> int:
    """Length of the longest run of True in a boolean row."""
    edges = np.diff(np.concatenate(([0], row.astype(int), [0])))
    starts, ends = np.where(edges == 1)[0], np.where(edges == -1)[0]
    return int((ends - starts).max()) if starts.size else 0


def _area(page, prof: Profile) -> tuple[float, float, float, float]:
    """版心 (x0, top, x1, bottom) in pt: the profile's margins, turned on a landscape page."""
    pg = prof.page
    if page.width > page.height:       # turned: binding edge on top
        return (pg.margin_top_mm * MM, pg.margin_left_mm * MM,
                page.width - pg.margin_bottom_mm * MM, page.height - pg.margin_right_mm * MM)
    return (pg.margin_left_mm * MM, pg.margin_top_mm * MM,
            page.width - pg.margin_right_mm * MM, page.height - pg.margin_bottom_mm * MM)


def _lines(chars) -> dict:
    """Characters grouped by rounded baseline (bottom), left to right."""
    out: dict = {}
    for c in chars:
        out.setdefault(round(c["bottom"]), []).append(c)
    return {k: sorted(v, key=lambda c: c["x0"]) for k, v in sorted(out.items())}


def _body_chars(page, prof: Profile):
    x0, top, x1, bottom = _area(page, prof)
    return [c for c in page.chars if BODY_SIZE[0] < c["size"] < BODY_SIZE[1] and top - 2 < c["top"] < bottom]


def body_lines(page, prof: Profile | None = None) -> int:
    """Number of 3号 text lines inside the 版心 of a page."""
    return len(_lines(_body_chars(page, prof or load_profile())))


def grid_lines(page, prof: Profile) -> int:
    """Lines of the page's grid from its first to its last 3号 line, blank lines included
    (the most common distance between neighbouring baselines is the pitch)."""
    keys = list(_lines(_body_chars(page, prof)))
    gaps = Counter(round(b - a, 1) for a, b in zip(keys, keys[1:]))
    if not gaps:
        return len(keys)
    pitch = gaps.most_common(1)[0][0]
    return round((keys[-1] - keys[0]) / pitch) + 1


def is_full_body_page(page, prof: Profile) -> bool:
    """Only 3号 text in the 版心, no table or rule, and the text runs from the first line of the 版心 to its
    last line (a last page whose text starts lower down, or a page ending a line short, is not full)."""
    x0, top, x1, bottom = _area(page, prof)
    inside = [c for c in page.chars if top - 2 < c["top"] < bottom and c["text"].strip()]
    if not inside or any(not BODY_SIZE[0] < c["size"] < BODY_SIZE[1] for c in inside):
        return False
    if any(top < r["top"] < bottom for r in page.rects + page.lines):
        return False
    pitch = prof.grid.line_pitch_pt
    # the last line's glyphs end a few points above the 版心's bottom; a page one line short (its last lines
    # kept with the 署名 on the next page) is not full
    return min(c["top"] for c in inside) < top + pitch and max(c["bottom"] for c in inside) > bottom - 0.6 * pitch


def char_pitch(pages) -> float | None:
    """Advance between neighbouring ideographs of 3号 body text on a line: the 20th percentile, since
    justified lines only ever stretch it."""
    steps = []
    for pg in pages:
        for line in _lines([c for c in pg.chars if BODY_SIZE[0] < c["size"] < BODY_SIZE[1]]).values():
            for c1, c2 in zip(line, line[1:]):
                if all("\u4e00" <= c["text"] <= "\u9fff" for c in (c1, c2)) and 0 < c2["x0"] - c1["x0"] < 20:
                    steps.append(c2["x0"] - c1["x0"])
    return float(np.percentile(steps, 20)) if len(steps) >= 20 else None


def page_number(page, prof: Profile):
    """(text without spaces, x0, x1, top) of the characters under the 版心, or None."""
    x0, top, x1, bottom = _area(page, prof)
    foot = [c for c in page.chars if c["top"] > bottom + 1 and c["text"].strip()]
    if not foot:
        return None
    foot.sort(key=lambda c: c["x0"])
    return ("".join(c["text"] for c in foot), min(c["x0"] for c in foot), max(c["x1"] for c in foot),
            min(c["top"] for c in foot) - bottom)


def _text_lines(page, prof: Profile) -> list[str]:
    """Text lines inside the 版心, top to bottom, spaces removed."""
    x0, top, x1, bottom = _area(page, prof)
    chars = [c for c in page.chars if top - 2 < c["top"] < bottom and c["text"].strip()]
    return ["".join(c["text"] for c in line) for line in _lines(chars).values()]


# ============================================================================================
# Rules
# ============================================================================================

def check_banner(pdf: Path, prof: Profile) -> list[Problem]:
    h = prof.header
    g = banner_geometry(pdf, type_width_mm=prof.type_width_mm)
    out = []
    if "mark_top" in g:
        want = prof.page.margin_top_mm + h.organ_mark_top_mm
        if abs(g["mark_top"] - want) > _tol("mark_top_mm"):
            out.append(_problem("layout.mark_top", "第1页", got=g["mark_top"], want=want,
                                below=g["mark_top"] - prof.page.margin_top_mm, tol=_tol("mark_top_mm")))
    if "rule_top" not in g:
        if "mark_top" in g:
            out.append(_problem("layout.redline_missing", "第1页"))
        return out
    if "rule_gap" in g and abs(g["rule_gap"] - h.red_rule_gap_mm) > _tol("rule_gap_mm"):
        out.append(_problem("layout.redline_gap", "第1页", got=g["rule_gap"], want=h.red_rule_gap_mm,
                            tol=_tol("rule_gap_mm")))
    if abs(g["rule_width"] - h.red_rule_width_mm) > _tol("rule_width_mm"):
        out.append(_problem("layout.redline_width", "第1页", got=g["rule_width"], want=h.red_rule_width_mm))
    return out


def check_grid(doc, prof: Profile) -> list[Problem]:
    out = []
    portrait = [pg for pg in doc.pages if pg.width < pg.height]
    full = [(i, pg) for i, pg in enumerate(doc.pages, 1) if pg.width < pg.height and is_full_body_page(pg, prof)]
    for i, pg in full:
        n = grid_lines(pg, prof)
        if n != prof.grid.lines:
            out.append(_problem("layout.lines", f"第{i}页", got=n, want=prof.grid.lines))
    if not full:    # no full page: lines from the most common distance between baselines
        gaps = Counter()
        for pg in portrait:
            keys = list(_lines(_body_chars(pg, prof)))
            gaps.update(round(b - a, 1) for a, b in zip(keys, keys[1:]) if b - a < 2 * prof.grid.line_pitch_pt)
        if gaps:
            pitch = gaps.most_common(1)[0][0]
            n = int(prof.type_height_mm * MM / pitch + 0.05)
            if n != prof.grid.lines:
                out.append(_problem("layout.lines", "全文", got=n, want=prof.grid.lines))
    pitch = char_pitch(portrait)
    width = prof.type_width_mm * MM
    chars = prof.grid.chars
    if pitch and not (chars * pitch <= width + _tol("line_width_pt") < (chars + 1) * pitch):
        out.append(_problem("layout.chars", "全文", got=int((width + _tol("line_width_pt")) / pitch),
                            want=chars, pitch=pitch))
    return out


def check_page_numbers(doc, prof: Profile) -> list[Problem]:
    out = []
    pn = prof.page_number
    pages = doc.pages
    n = len(pages)
    one_char = prof.char_width_pt
    for i, pg in enumerate(pages, 1):
        where = f"第{i}页"
        got = page_number(pg, prof)
        if got is None:
            # 7.5: a blank page before the 版记 page (the last) and the 版记 page go unnumbered, no other
            blank_before = n >= 3 and is_blank_page(pages[n - 2], prof)
            unnumbered = prof.banji.unnumbered_blank_page and blank_before and i >= n - 1
            if not unnumbered:
                out.append(_problem("layout.page_number_missing", where))
            continue
        text, x0, x1, below = got
        if prof.banji.unnumbered_blank_page and i == n and n >= 3 and is_blank_page(pages[n - 2], prof) \
                and any(PRINT_RE.search(t) for t in _text_lines(pg, prof)):
            out.append(_problem("layout.page_number_extra", where, got=text))
            continue
        if text != f"{pn.dash}{i}{pn.dash}":
            out.append(_problem("layout.page_number_text", where, got=text, want=f"{pn.dash} {i} {pn.dash}"))
        if abs(below - pn.below_type_area_mm * MM) > _tol("page_number_mm") * MM:
            out.append(_problem("layout.page_number_pos", where, got=below / MM, want=pn.below_type_area_mm))
        if pn.odd_even:
            a0, _, a1, _ = _area(pg, prof)
            centre = (x0 + x1) / 2 - (a0 + a1) / 2         # from the middle of the 版心
            right = centre > 0
            if abs(centre) < one_char or right != (i % 2 == 1):
                got = "中间" if abs(centre) < one_char else "右侧" if right else "左侧"
                out.append(_problem("layout.page_number_side", where, want="右侧" if i % 2 else "左侧", got=got))
            else:
                inset = (a1 - x1) if right else (x0 - a0)
                if abs(inset - pn.indent_chars * one_char) > _tol("page_number_mm") * MM:
                    out.append(_problem("layout.page_number_indent", where, got=inset / one_char,
                                        want=pn.indent_chars))
    return out


def check_banji(doc, prof: Profile) -> list[Problem]:
    pages = doc.pages
    hits = [i for i, pg in enumerate(pages, 1) if any(PRINT_RE.search(t) for t in _text_lines(pg, prof))]
    if not hits:
        return []
    out = []
    i = hits[-1]
    if i != len(pages):
        out.append(_problem("layout.banji_page", f"第{i}页", got=i, n=len(pages)))
    if prof.banji.even_page and i % 2:
        out.append(_problem("layout.banji_even", f"第{i}页", got=i))
    pg = pages[i - 1]
    _, _, _, bottom = _area(pg, prof)
    rules_ = [r for r in pg.rects + pg.lines if abs(r["bottom"] - r["top"]) < 2 and r["x1"] - r["x0"] > 100 * MM]
    last = max((r["bottom"] for r in rules_), default=None)
    if last is None:
        line = next(ln for ln in _lines([c for c in pg.chars if c["text"].strip()]).values()
                    if PRINT_RE.search("".join(c["text"] for c in ln)))
        last = max(c["bottom"] for c in line)
    if abs(last - bottom) > _tol("banji_bottom_mm") * MM:
        out.append(_problem("layout.banji_bottom", f"第{i}页", got=(bottom - last) / MM))
    return out


def is_blank_page(page, prof: Profile) -> bool:
    """Nothing printed inside the 版心 (a page number under it does not count)."""
    x0, top, x1, bottom = _area(page, prof)
    return not any(top - 2 < c["top"] < bottom and c["text"].strip() for c in page.chars) and \
        not any(top < r["top"] < bottom for r in page.rects + page.lines + page.images)


def _body_line_boxes(page, prof: Profile) -> list[tuple[str, float, float]]:
    """(text, x0 from the 版心's left edge in body characters, x1 likewise) of each 3号 line, top to bottom."""
    x0 = _area(page, prof)[0]
    out = []
    for line in _lines(_body_chars(page, prof)).values():
        line = [c for c in line if c["text"].strip()]
        if line:
            out.append(("".join(c["text"] for c in line), (line[0]["x0"] - x0) / prof.char_width_pt,
                        (line[-1]["x1"] - x0) / prof.char_width_pt))
    return out


def check_attachment_note(doc, prof: Profile) -> list[Problem]:
    """附件说明 on one page: when its last line is the page's last line, the next page must not go on with
    it (a line starting at its names' column or with the next item's number)."""
    label = prof.body.attachment_note_label
    pages = [_body_line_boxes(pg, prof) for pg in doc.pages]
    for i, lines in enumerate(pages):
        k = next((k for k, (t, a, _) in enumerate(lines) if t.startswith(label) and a < prof.grid.chars / 4), None)
        if k is None:
            continue
        start = lines[k][1]
        tail = lines[k + 1:]
        if all(a > start + 0.5 for _, a, _ in tail) and i + 1 < len(pages) and pages[i + 1]:
            text, a, _ = pages[i + 1][0]
            if a > start + 0.5 and (ITEM_RE.match(text) or not DATE_LINE_RE.match(text)) and \
                    a < prof.grid.chars / 2:
                return [_problem("layout.attach_note_split", f"第{i + 1}页", next=text[:16])]
        return []
    return []


def check_signature_page(doc, prof: Profile) -> list[Problem]:
    """The page of the 署名 and 成文日期 carries body text (7.3.5): some line above the date on that page
    starts where body lines start (flush left or indented, not in the right half like a 署名)."""
    half = prof.grid.chars / 2
    for i, pg in enumerate(doc.pages, 1):
        lines = _body_line_boxes(pg, prof)
        k = next((k for k, (t, a, b) in enumerate(lines) if DATE_LINE_RE.match(t) and a > half - 2), None)
        if k is None:
            continue
        body = [t for t, a, _ in lines[:k] if a <= prof.body.first_line_indent_chars + 0.5]
        if not body:
            return [_problem("layout.signature_alone", f"第{i}页", date=lines[k][0])]
        return []
    return []


def check_attachment_pages(doc, prof: Profile) -> list[Problem]:
    out = []
    for i, pg in enumerate(doc.pages, 1):
        lines = _text_lines(pg, prof)
        for k, line in enumerate(lines):
            if LABEL_RE.match(line) and k > 0:
                out.append(_problem("layout.attach_page", f"第{i}页", label=line, above=lines[k - 1][:12]))
    return out


def check_layout(pdf: Path, profile: str = "gbt9704", kind: str = "wenjian") -> list[Problem]:
    """Every layout problem measured on a rendered 公文 PDF (empty list when it conforms); `kind` as
    check.find_parts names it (a 信函's page 1 is measured by generators/gongwen/letter.py)."""
    prof = load_profile(profile)
    with pdfplumber.open(str(pdf)) as doc:
        if not doc.pages:
            raise InputError(f"{pdf}：PDF 没有页面", code="empty_pdf")
        out = check_grid(doc, prof) + check_page_numbers(doc, prof) + check_banji(doc, prof) \
            + check_attachment_pages(doc, prof) + check_attachment_note(doc, prof) + check_signature_page(doc, prof)
    if kind == "xinhan":        # 信函格式 (10.1): its own 版头 and rules, page 1 unnumbered
        from generators.gongwen.letter import check_page_one
        return check_page_one(Path(pdf), prof, out, _tol)
    return check_banner(Path(pdf), prof) + out


def check_rendered(docx: Path, profile: str = "gbt9704", keep_pdf: Path | None = None) -> list[Problem]:
    """Render a .docx with LibreOffice (generators.office) and check its layout; the PDF is kept at keep_pdf."""
    from generators.gongwen.letter import kind_of
    from schema.office import to_pdf
    docx = Path(docx)
    kind = kind_of(docx)
    if keep_pdf is not None:
        return check_layout(to_pdf(docx, Path(keep_pdf), keep_blank_pages=True), profile, kind)
    with tempfile.TemporaryDirectory(prefix="paicha-layout-") as tmp:
        return check_layout(to_pdf(docx, Path(tmp) / (docx.stem + ".pdf"), keep_blank_pages=True), profile, kind)
