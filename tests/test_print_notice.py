"""Notices that print right (issue 15): 署名/成文日期 from font metrics, pagination rules on the rendered PDF,
附件 table widths from content. Each notice is rendered by LibreOffice and measured; PNGs of one notice go to
out/screens/print/ to be looked at."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from generators.gongwen.check import format_report
from generators.gongwen.layout_check import DATE_LINE_RE, check_layout
from generators.gongwen.model import Attachment, BodyTable, Gongwen
from generators.gongwen.profile import load_profile
from generators.gongwen.render import render

ROOT = Path(__file__).resolve().parent.parent
SCREENS = ROOT / "out" / "screens" / "print"
MM = 72 / 25.4
P = load_profile()
CHAR = P.char_width_pt
LONG_ORGAN = "晋城市城区发展和改革局能源办公室"          # 15 characters: wrapped before, one left alone
DATE = dt.date(2023, 6, 16)
LO_AUTOSPACE_EM = 0.2      # LibreOffice adds this between Chinese and digits whatever w:autoSpaceDE says


def para(i: int) -> str:
    """A one-line body paragraph (20 characters, no digits)."""
    n = "零一二三四五六七八九"
    return f"第{n[i // 10]}{n[i % 10]}段：各单位要压实安全生产责任并认真落实。"


def notice(name: str, body: list, tmp: Path, **kw) -> Path:
    gw = Gongwen(organs=[kw.pop("organ", "晋城市城区应急管理局")], doc_number="城应急发〔2023〕15号",
                 title="关于开展安全生产大排查大整治行动的通知", recipients="各镇（街道）、各有关单位", body=body,
                 date=DATE, cc=["区安委办"], printer="晋城市城区应急管理局办公室", print_date=DATE, **kw)
    gw.signature = gw.signature or list(gw.organs)
    return render(gw, tmp / f"{name}.docx", pdf=True).with_suffix(".pdf")


def lines_of(page, size=(15, 17)) -> list[list[dict]]:
    out: dict = {}
    for c in page.chars:
        if size[0] < c["size"] < size[1] and c["text"].strip() and 37 * MM - 2 < c["top"] < page.height - 35 * MM:
            out.setdefault(round(c["bottom"]), []).append(c)
    return [sorted(v, key=lambda c: c["x0"]) for _, v in sorted(out.items())]


def text(line) -> str:
    return "".join(c["text"] for c in line)


def signature_and_date(pdf: Path):
    """(page index, 署名 lines, date line) of the first 成文日期 in the right half of a page."""
    with pdfplumber.open(pdf) as doc:
        for i, pg in enumerate(doc.pages):
            ls = lines_of(pg)
            for k, ln in enumerate(ls):
                if DATE_LINE_RE.match(text(ln)) and ln[0]["x0"] > pg.width / 2 - 3 * CHAR:
                    sigs = [x for x in ls[:k] if x[0]["x0"] > 28 * MM + 3 * CHAR][-3:]
                    return i, sigs, ln, ls[:k]
    raise AssertionError(f"{pdf.name}: no 成文日期 line")


def boundaries(s: str) -> int:
    """Chinese/digit boundaries in a text (where LibreOffice adds its autospace)."""
    return sum(1 for a, b in zip(s, s[1:]) if a.isdigit() != b.isdigit())


@pytest.fixture(scope="module")
def probe(tmp_path_factory) -> int:
    """How many one-line paragraphs end exactly at the bottom of page 2 (measured, not assumed)."""
    tmp = tmp_path_factory.mktemp("probe")
    pdf = notice("probe", [para(i) for i in range(60)], tmp)
    with pdfplumber.open(pdf) as doc:
        last = text(lines_of(doc.pages[1])[-1])
    names = [para(i) for i in range(60)]
    return names.index(last) + 1


@pytest.fixture(scope="module")
def tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("print")


def test_sealed_date_four_characters_in_and_signature_centred(tmp):
    pdf = notice("sealed", [para(i) for i in range(6)], tmp, sealed=True)
    _, sigs, date, _ = signature_and_date(pdf)
    right = 210 * MM - 26 * MM
    inset = (right - date[-1]["x1"]) / CHAR
    assert abs(inset - P.signature.sealed_date_right_chars) < 0.1, inset          # 右空四字 (was 2.97)
    # the PDF (LibreOffice): 署名 centred on the date as drawn
    centre = (date[0]["x0"] + date[-1]["x1"]) / 2
    (sig,) = sigs
    assert text(sig) == "晋城市城区应急管理局"
    assert abs((sig[0]["x0"] + sig[-1]["x1"]) / 2 - centre) < 0.5 * MM
    assert check_layout(pdf) == [], format_report(pdf, check_layout(pdf))
    # the .docx (Word, WPS: no space between Chinese and digits) centres it on the date as Word prints it:
    # rendered by LibreOffice, which widens the date to the left only, it sits right of the drawn centre
    from generators.office import convert
    from schema.office import PDF_KEEP_BLANK_PAGES
    docx = pdf.with_suffix(".docx")
    word = convert([docx], PDF_KEEP_BLANK_PAGES, tmp / "word")[docx]
    _, (sig,), date, _ = signature_and_date(word)
    shift = boundaries(text(date)) * LO_AUTOSPACE_EM * P.sizes_pt.body / 2
    assert abs((sig[0]["x0"] + sig[-1]["x1"]) / 2 - (date[0]["x0"] + date[-1]["x1"]) / 2 - shift) < 0.5 * MM


def test_long_signature_on_two_lines(tmp):
    pdf = notice("long_sig", [para(i) for i in range(6)], tmp, sealed=True, organ=LONG_ORGAN)
    _, sigs, date, _ = signature_and_date(pdf)
    got = [text(x) for x in sigs if text(x) in LONG_ORGAN]
    assert got == ["晋城市城区发展和改革局", "能源办公室"], got          # after the organ's name, no lone character
    right = 210 * MM - 26 * MM
    assert all(x[-1]["x1"] <= right + 0.5 for x in sigs)
    centres = [(x[0]["x0"] + x[-1]["x1"]) / 2 for x in sigs]
    assert abs(centres[0] - centres[1]) < 0.5 * MM


def test_signature_lines_balanced_without_an_organ_break():
    from docx import Document
    from generators.gongwen.render import Writer
    w = Writer(Document(), P)
    assert w.signature_lines("晋城市城区应急管理局", 14) == ["晋城市城区应急管理局"]
    lines = w.signature_lines("山西省晋城市城区北石店镇东沟村村民委员会", 12)
    assert "".join(lines) == "山西省晋城市城区北石店镇东沟村村民委员会" and len(lines) == 2
    assert min(map(len, lines)) >= 8, lines                       # balanced: no line of one or two characters


def test_unsealed_signature_two_in_date_two_right(tmp):
    pdf = notice("unsealed", [para(i) for i in range(6)], tmp)
    _, sigs, date, _ = signature_and_date(pdf)
    right = 210 * MM - 26 * MM
    (sig,) = sigs
    assert abs((right - sig[-1]["x1"]) / CHAR - P.signature.right_indent_chars) < 0.1
    assert abs((date[0]["x0"] - sig[0]["x0"]) / CHAR - P.signature.date_offset_chars) < 0.1


def test_body_ending_at_page_bottom_keeps_text_with_signature(tmp, probe):
    """A body ending on the last line of page 2: the 署名 and date must not sit alone on page 3."""
    pdf = notice("bottom", [para(i) for i in range(probe)], tmp, sealed=True)
    page, sigs, date, above = signature_and_date(pdf)
    assert page == 2 and any(text(x).startswith("第") for x in above), [text(x) for x in above]
    assert check_layout(pdf) == [], format_report(pdf, check_layout(pdf))


def test_long_attachment_note_kept_on_one_page(tmp, probe):
    atts = [Attachment(name=f"{n}镇（街道）、部门安全生产大排查大整治行动督导检查情况统计汇总表")
            for n in ("北石店", "西上庄", "钟家庄", "开发区", "南街")]
    pdf = notice("note", [para(i) for i in range(probe - 4)], tmp, sealed=True, attachments=atts)
    with pdfplumber.open(pdf) as doc:
        pages = [i for i, pg in enumerate(doc.pages) for ln in lines_of(pg)
                 if text(ln).startswith(("附件：", "2.", "3.", "4.", "5."))]
        assert len(pages) == 5 and len(set(pages)) == 1, pages
    assert check_layout(pdf) == [], format_report(pdf, check_layout(pdf))


def test_split_attachment_note_and_lone_signature_are_reported(tmp, probe):
    """The checks themselves: the same notices with every keep-with-next removed are reported."""
    import zipfile
    from lxml import etree
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    atts = [Attachment(name=f"第{i}号安全生产大排查大整治行动督导检查情况统计汇总表") for i in range(1, 6)]
    src = notice("note_split", [para(i) for i in range(probe - 4)], tmp, attachments=atts).with_suffix(".docx")
    src2 = notice("alone", [para(i) for i in range(probe)], tmp, sealed=True).with_suffix(".docx")
    from generators.office import convert
    from schema.office import PDF_KEEP_BLANK_PAGES
    bad = []
    for s in (src, src2):
        dst = s.with_name(s.stem + "_nokeep.docx")
        with zipfile.ZipFile(s) as zin, zipfile.ZipFile(dst, "w") as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                if item.filename == "word/document.xml":
                    root = etree.fromstring(data)
                    for el in root.iter(f"{W}keepNext", f"{W}keepLines"):
                        el.set(f"{W}val", "0")
                    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                zout.writestr(item, data)
        bad.append(dst)
    made = convert(bad, PDF_KEEP_BLANK_PAGES, tmp)
    assert "layout.attach_note_split" in {p.rule for p in check_layout(made[bad[0]])}
    assert "layout.signature_alone" in {p.rule for p in check_layout(made[bad[1]])}


def test_attachment_table_widths_from_content(tmp):
    names = ["晋城市城区宏达建材有限责任公司", "山西省晋城市北石店镇东沟村煤炭运销有限公司", "晋城市城区钟家庄街道兴旺铸造厂",
             "晋城市城区开发区恒通化工物流有限公司"]
    rows = [["序号", "企业名称", "所在镇（街道）", "检查日期", "存在问题", "整改期限", "整改情况"]]
    for i, n in enumerate(names, 1):
        rows.append([str(i), n, "北石店镇", f"2023年3月{i + 9}日", "配电箱未设置漏电保护装置，有限空间作业未设置监护人",
                     f"2023年4月{i + 19}日", "整改中"])
    att = Attachment(name="督导检查发现问题清单", blocks=[BodyTable(rows=rows)])
    pdf = notice("table", [para(i) for i in range(4)], tmp, sealed=True, organ=LONG_ORGAN, attachments=[att])
    with pdfplumber.open(pdf) as doc:
        cells = [c for pg in doc.pages for t in pg.extract_tables() for r in t for c in r if c]
        # too wide for a portrait page: the whole 附件 (label, title, table) on one landscape page
        (page,) = [pg for pg in doc.pages if pg.extract_tables()]
        assert page.width > page.height and "附件" in (page.extract_text() or "").split("\n")[0]
        assert all(pg.width in (page.width, page.height) for pg in doc.pages)      # no Letter page
    for n in names:
        cell = next(c for c in cells if c.replace("\n", "") == n)
        assert cell.count("\n") <= 1, cell                              # never three lines
    dates = [c for c in cells if re.fullmatch(r"\d{4}年[\d年月日\n]+", c)]
    assert len(dates) == 8 and all("\n" not in d for d in dates), dates   # never broken inside a cell
    assert check_layout(pdf) == [], format_report(pdf, check_layout(pdf))
    # look at it: every page as PNG in out/screens/print/
    SCREENS.mkdir(parents=True, exist_ok=True)
    for old in SCREENS.glob("notice-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(SCREENS / "notice")], check=True)
    assert len(list(SCREENS.glob("notice-*.png"))) >= 4


def test_the_workbench_preview_shows_the_signature_where_the_printed_page_has_it(tmp):
    """The web preview's pages come from the twin laid out with LibreOffice's widths (as `notice --pdf`), not
    from the Word-width .docx, whose 署名 LibreOffice draws about 3 mm right of the date's centre."""
    from services.gongwen import preview_notice
    draft = (ROOT / "samples" / "notices" / "sealed_城区发改局能源办_隐患清单.md").read_text(encoding="utf-8")
    shown = preview_notice(draft, tmp / "previews")
    _, sigs, date, _ = signature_and_date(shown.folder / "document.pdf")
    centre = (date[0]["x0"] + date[-1]["x1"]) / 2
    sigs = [x for x in sigs if text(x) in LONG_ORGAN]
    assert "".join(map(text, sigs)) == LONG_ORGAN and len(sigs) == 2        # the long 署名 on two lines
    for sig in sigs:
        assert abs((sig[0]["x0"] + sig[-1]["x1"]) / 2 - centre) < 0.5 * MM, text(sig)
