"""Statistics workbook and 通报 on paper: every sheet rendered by LibreOffice (A4, as a secretary prints it);
no character crosses a cell border, no two characters overlap, nothing is cut off, print areas and
titles repeated on every page; doubtful figures marked; PNGs of every page saved for a human to look at."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from generators.excel import shown_text
from generators.stats import write_stats_workbook
from generators.summary import summary
from schema.office import to_pdf
from test_aggregate import build_ledger
from test_summary_print import UNITS, build

ROOT = Path(__file__).resolve().parent.parent
SCREENS = ROOT / "out" / "screens" / "print"
TOL = 0.6          # pt: a border this close to a glyph's box edge touches it, it does not cross it
OVERLAP = 0.2      # share of the smaller glyph box two glyphs may share (kerning of CJK punctuation)


@pytest.fixture(scope="module")
def sample_ledger(tmp_path_factory) -> Path:
    return build_ledger(tmp_path_factory.mktemp("stats_print") / "台账.db")


@pytest.fixture(scope="module")
def long_ledger(tmp_path_factory) -> Path:
    """003's sheet with a long 亮点工作 text row per unit and doubtful figures."""
    return build(tmp_path_factory.mktemp("stats_print_long") / "台账.db", highlight_repeat=6)


def _edges(page):
    v = [(e["x0"], e["top"], e["bottom"]) for e in page.lines if abs(e["x1"] - e["x0"]) < 0.1]
    h = [(e["top"], e["x0"], e["x1"]) for e in page.lines if abs(e["bottom"] - e["top"]) < 0.1]
    return v, h


def crossings(page) -> list[str]:
    """Glyphs a cell border runs through (vertical or horizontal), as 'text@x,y'."""
    v, h = _edges(page)
    bad = []
    for c in page.chars:
        if not c["text"].strip():
            continue
        x0, x1, top, bottom = c["x0"], c["x1"], c["top"], c["bottom"]
        if any(x0 + TOL < x < x1 - TOL and min(bottom, b) - max(top, t) > TOL for x, t, b in v) or \
                any(top + TOL < y < bottom - TOL and min(x1, b) - max(x0, a) > TOL for y, a, b in h):
            bad.append(f"{c['text']}@{x0:.0f},{top:.0f}")
    return bad


def overlaps(page) -> list[str]:
    """Pairs of glyphs drawn over each other (text of two cells or two header lines running together)."""
    chars = sorted((c for c in page.chars if c["text"].strip()), key=lambda c: c["x0"])
    bad = []
    for i, a in enumerate(chars):
        for b in chars[i + 1:]:
            if b["x0"] >= a["x1"]:
                break
            w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            hgt = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if w > 0 and hgt > 0:
                small = min((a["x1"] - a["x0"]) * (a["bottom"] - a["top"]), (b["x1"] - b["x0"]) * (b["bottom"] - b["top"]))
                if w * hgt > OVERLAP * small:
                    bad.append(f"{a['text']}{b['text']}@{a['x0']:.0f},{a['top']:.0f}")
    return bad


def _sheet_chars(path: Path) -> dict[str, Counter]:
    wb = load_workbook(path)
    return {ws.title: Counter(ch for row in ws.iter_rows() for cell in row if cell.value is not None
                              for ch in shown_text(cell) if not ch.isspace()) for ws in wb.worksheets}


def _save_pngs(pdf: Path, stem: str) -> list[Path]:
    SCREENS.mkdir(parents=True, exist_ok=True)
    for old in SCREENS.glob(f"{stem}-*.png"):
        old.unlink()
    doc = pdfium.PdfDocument(str(pdf))
    try:
        saved = []
        for n in range(len(doc)):
            out = SCREENS / f"{stem}-{n + 1}.png"
            doc[n].render(scale=60 / 72).to_pil().save(out)
            saved.append(out)
        return saved
    finally:
        doc.close()


def _check_printed(xlsx: Path, stem: str) -> dict[str, list[int]]:
    """Render the workbook, assert the print rules on every page; {sheet title: its page numbers}."""
    pdf = to_pdf(xlsx)
    wanted = _sheet_chars(xlsx)
    wb = load_workbook(xlsx)
    titles = {ws.title: re.sub(r"\s", "", "".join(str(c.value) for c in ws[1] if c.value)) for ws in wb.worksheets}
    pages: dict[str, list[int]] = {}
    printed: Counter = Counter()
    current = None
    with pdfplumber.open(pdf) as doc:
        for n, page in enumerate(doc.pages, 1):
            first = re.sub(r"\s", "", (page.extract_text() or "").split("\n")[0])
            match = [sheet for sheet, title in titles.items() if first.startswith(title)]
            current = max(match, key=lambda t: len(titles[t])) if match else current
            pages.setdefault(current, []).append(n)
            assert crossings(page) == [], (current, n, crossings(page)[:20])
            assert overlaps(page) == [], (current, n, overlaps(page)[:20])
            printed.update(c["text"] for c in page.chars if c["text"].strip())
    missing = {s: +(want - printed) for s, want in wanted.items() if +(want - printed)}
    assert not missing, missing                                # nothing cut off
    _save_pngs(pdf, stem)
    return pages


def test_every_sheet_prints_inside_its_cells(sample_ledger, tmp_path):
    xlsx = write_stats_workbook(sample_ledger, tmp_path / "统计表.xlsx")
    wb = load_workbook(xlsx)
    for ws in wb.worksheets:
        assert ws.print_area, ws.title
        assert ws.page_setup.paperSize == 9 and ws.page_setup.fitToWidth == 1, ws.title
    campaign = wb["镇（街道）、部门大排查大整治行动统计表"]
    assert campaign.page_setup.orientation == "landscape" and campaign.print_title_rows
    assert wb["隐患台账"].print_title_rows == "$2:$2"
    pages = _check_printed(xlsx, "统计表")
    assert set(pages) >= {ws.title for ws in wb.worksheets}, pages


def test_doubtful_figures_marked_in_the_workbook(long_ledger, tmp_path):
    """003's sheet with long text rows and impossible figures: marked (still numbers), noted, printed clean."""
    xlsx = write_stats_workbook(long_ledger, tmp_path / "统计表.xlsx", period="2023-03")
    wb = load_workbook(xlsx)
    ws = wb["全市安全检查督导情况统计表"]
    marked = {}
    for row in ws.iter_rows():
        for cell in row:
            if "※" in shown_text(cell) and cell.column > 1:
                marked[(ws.cell(cell.row, 1).value, shown_text(cell))] = cell.fill.fgColor.rgb
    assert set(marked) == {("甲镇", f"{UNITS['甲镇']['general_hazards_fixed']}※"),
                           ("乙镇", f"{UNITS['乙镇']['major_hazards_found']}※")}, marked
    assert isinstance(ws.cell(*next((c.row, c.column) for row in ws.iter_rows() for c in row
                                    if c.value == UNITS["甲镇"]["general_hazards_fixed"])).value, int)
    notes = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "数据核对" in c.value]
    assert notes
    below = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str))
    assert "甲镇《全市安全检查督导情况统计表》：一般隐患整改12，多于一般隐患排查10" in below
    issues = [r[1].value for r in wb["核对情况"].iter_rows(min_row=2)]
    assert any("乙镇" in m and "负数" in m for m in issues)
    _check_printed(xlsx, "统计表_核对")


def test_summary_pages_saved(sample_ledger, tmp_path):
    """One 通报 (with its chart, tables and 重大隐患清单) rendered and saved for a human to look at."""
    res = summary(sample_ledger, tmp_path / "通报.docx", "2023-03", "晋城市城区安全生产委员会办公室",
                  pdf=True, options={"doc_number": "城安办〔2023〕9号", "cc": "区委办公室，区政府办公室"})
    saved = _save_pngs(res.pdf, "通报")
    assert len(saved) >= 3
    with pdfplumber.open(res.pdf) as doc:
        text = "".join(c["text"] for p in doc.pages for c in p.chars)
        words = [w["text"] for p in doc.pages for w in p.extract_words()]
        for n, page in enumerate(doc.pages, 1):
            assert overlaps(page) == [], (n, overlaps(page)[:20])
    assert "城安办〔2023〕9号" in text and "待核实" in words
    body = words[next(i for i, w in enumerate(words) if w.startswith("现将")):]      # after the 数据核对 note
    rates = [float(m) for w in body for m in re.findall(r"(\d+\.\d\d)%", w)]
    assert rates and max(rates) <= 100, rates


def test_the_check_catches_rows_left_at_their_default_height(sample_ledger, tmp_path):
    """The same workbook with the computed row heights taken out (as it was before) fails the check:
    the header labels and the 调度表 labels run through the borders and into each other."""
    xlsx = write_stats_workbook(sample_ledger, tmp_path / "默认行高.xlsx")
    wb = load_workbook(xlsx)
    for ws in wb.worksheets:
        for dim in ws.row_dimensions.values():
            dim.height = None
    wb.save(xlsx)
    with pdfplumber.open(to_pdf(xlsx)) as doc:
        bad = [(len(crossings(p)), len(overlaps(p))) for p in doc.pages]
    assert sum(c for c, _ in bad) > 50 and sum(o for _, o in bad) > 10, bad
