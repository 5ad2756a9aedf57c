"""Notices from plain drafts: the five samples rendered through LibreOffice and measured on the page."""
import zipfile
from pathlib import Path

import numpy as np
import pdfplumber
import pytest
from docx import Document as docx_document

from clirun import run as cli
from generators.gongwen.layout_check import banner_geometry, body_lines
from generators.gongwen.notice import notice
from schema.office import PDF_KEEP_BLANK_PAGES as PDF_TARGET
from generators.office import convert
from schema.errors import DraftError

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples" / "notices").glob("0*.md"))          # the five seed notices
LAYOUTS = sorted((ROOT / "samples" / "notices").glob("joint_*.md")) + \
    sorted((ROOT / "samples" / "notices").glob("upward_*.md"))           # 联合行文, 上行文
MM = 72 / 25.4
TRICKY = """---
发文机关: 兴县应急管理局
发文字号: 兴应急发〔2023〕3号
标题: 关于“&<>”测试的通知
主送机关: 各有关企业
成文日期: 2023年3月2日
抄送: [县委办]
印发机关: 兴县应急管理局办公室
---
正文含特殊字符 & < > " 以及 {{ 7*7 }} 和 {% if %} 应原样显示。
"""


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("notices")
    docs = [notice(d, out / (d.stem + ".docx")) for d in SAMPLES + LAYOUTS]     # paginated: 版记 page number
    tricky = out / "tricky.md"
    tricky.write_text(TRICKY, encoding="utf-8")
    docs.append(notice(tricky))
    pdfs = convert(docs, PDF_TARGET, out)
    assert len(pdfs) == len(docs)
    return {d: pdfs[d] for d in docs}


def _sample_pdfs(rendered):
    return [pdf for d, pdf in rendered.items() if d.stem[:1].isdigit()]


def _layout_pdf(rendered, prefix: str) -> Path:
    return next(pdf for d, pdf in rendered.items() if d.stem.startswith(prefix))


def _body_lines(page) -> int:
    return body_lines(page)


def test_five_samples_rendered(rendered):
    assert len(_sample_pdfs(rendered)) == 5


def test_full_pages_have_22_lines_and_28_chars(rendered):
    for pdf in _sample_pdfs(rendered):
        with pdfplumber.open(pdf) as doc:
            counts = [_body_lines(pg) for pg in doc.pages]
            assert max(counts) == 22, (pdf.name, counts)
            # character pitch of body ideographs: exactly 28 fit the 156 mm line, 29 do not
            steps = []
            for pg in doc.pages[2:6]:
                chars = [c for c in pg.chars if 15 < c["size"] < 17]
                for c1, c2 in zip(chars, chars[1:]):
                    if round(c1["bottom"]) == round(c2["bottom"]) and all("\u4e00" <= c["text"] <= "\u9fff" for c in (c1, c2)):
                        steps.append(c2["x0"] - c1["x0"])
            pitch = float(np.percentile(steps, 20))    # justified lines (ASCII punctuation) only stretch it
            assert 28 * pitch <= 156 * MM + 0.5 < 29 * pitch, (pdf.name, pitch)   # LO rounds spacing to 0.05 pt


def test_page_numbers_alternate_sides(rendered):
    for pdf in _sample_pdfs(rendered):
        with pdfplumber.open(pdf) as doc:
            seen = 0
            for i, pg in enumerate(doc.pages, 1):
                foot = [c for c in pg.chars if c["top"] > 262 * MM]
                if not foot:
                    continue
                text = "".join(c["text"] for c in foot)
                assert text == f"— {i} —", (pdf.name, i, text)
                x = min(c["x0"] for c in foot) / MM
                assert (x > 105) == (i % 2 == 1), (pdf.name, i, x)
                top = min(c["top"] for c in foot) / MM
                assert 262 + 5 < top < 262 + 9, top
                seen += 1
            assert seen >= 3


def test_banji_on_last_even_page(rendered):
    for pdf in _sample_pdfs(rendered):
        with pdfplumber.open(pdf) as doc:
            last = doc.pages[-1]
            assert len(doc.pages) % 2 == 0, pdf.name
            text = last.extract_text()
            assert "印发" in text
            # 7.5: the 版记 page is numbered, unless a blank page precedes it (then neither is)
            blank = not doc.pages[-2].chars
            foot = "".join(c["text"] for c in sorted(last.chars, key=lambda c: c["x0"]) if c["top"] > 262 * MM)
            assert foot.replace(" ", "") == ("" if blank else f"—{len(doc.pages)}—"), (pdf.name, blank, foot)
            bottom = max(c["bottom"] for c in last.chars if c["top"] < 262 * MM) / MM
            assert 250 < bottom < 263, bottom          # Liberation Serif digits: a deeper descent than DejaVu


def _first_page_geometry(pdf: Path) -> dict:
    return banner_geometry(pdf)


def test_banner_geometry(rendered):
    for pdf in _sample_pdfs(rendered):
        g = _first_page_geometry(pdf)
        assert abs(g["mark_top"] - 72) <= 3, (pdf.name, g)
        assert abs(g["rule_gap"] - 4) <= 1, (pdf.name, g)


def test_special_characters_literal(rendered):
    docx = next(d for d in rendered if d.stem == "tricky")
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")
    body = [p.text for p in docx_document(docx).paragraphs if p.text.startswith("正文含")]
    assert body == ['正文含特殊字符 & < > " 以及 {{ 7*7 }} 和 {% if %} 应原样显示。'], body
    assert "&amp; &lt; &gt;" in xml
    assert "{{ 7*7 }}" in xml and "{% if %}" in xml and "49" not in xml.split("7*7")[0][-20:]
    for tag in ("{{ anchor", "{{ cc", "{{ printer", "{%p", "{{ h }}"):
        assert tag not in xml
    with pdfplumber.open(rendered[docx]) as doc:
        text = "".join(pg.extract_text() for pg in doc.pages).replace(" ", "").replace("\n", "")
    assert '&<>"' in text and "{{7*7}}" in text and "{%if%}" in text


def test_malformed_draft_lists_every_problem(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("""---
发文机关: 兴县应急管理局
发文字号: 兴应急发[2023]3号
标题: 关于测试的通知
成文日期: 2023年03月02日
附件:
  - {名称: 清单, 文件: 不存在.docx}
---
正文。
""", encoding="utf-8")
    with pytest.raises(DraftError) as e:
        notice(bad)
    msg = "\n".join(e.value.problems)
    assert len(e.value.problems) == 3, msg
    assert "〔〕" in msg and "2023年3月2日" in msg and "不存在.docx" in msg
    assert not bad.with_suffix(".docx").exists()


def test_heading_font_stops_at_heading_end(tmp_path):
    from docx import Document
    d = tmp_path / "h.md"
    d.write_text(TRICKY.replace("正文含特殊字符", "（一）五级联查。实行县乡村三级联查。\n1.企业全面查：（1）各企业开展自查"),
                 encoding="utf-8")
    doc = Document(str(notice(d)))
    par = next(p for p in doc.paragraphs if p.text.startswith("（一）"))
    fonts = [(r.text, r._r.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"))
             for r in par.runs]
    assert fonts[0] == ("（一）五级联查。", "楷体_GB2312") and fonts[1][1] == "仿宋_GB2312"
    par = next(p for p in doc.paragraphs if p.text.startswith("1.企业"))
    assert par.runs[0].text == "1.企业全面查："


def test_cli_notice_end_to_end(tmp_path):
    src = SAMPLES[1]
    out = tmp_path / "n.docx"
    r = cli("notice", src, "-o", out)
    assert r.returncode == 0, r.stderr
    assert out.exists() and "已生成" in r.stdout
    bad = tmp_path / "gbk.md"
    bad.write_bytes(TRICKY.encode("gbk"))
    r = cli("notice", bad)
    assert r.returncode == 2 and "UTF-8" in r.stderr


def test_samples_pass_checker(rendered):
    check = pytest.importorskip("generators.gongwen.check")
    for docx in rendered:
        if docx.stem == "tricky":
            continue
        problems = check.check_file(docx, profile="gbt9704")
        assert not problems, (docx.name, problems)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _page_of(doc, label: str) -> int:
    """Index of the page whose first line is `label` (an attachment page: 附件2)."""
    return next(i for i, pg in enumerate(doc.pages) if (pg.extract_text() or "").replace(" ", "").startswith(label))


def test_attachment_tables_fill_the_type_area_with_compact_rows(rendered):
    from lxml import etree
    docx = next(d for d in rendered if d.stem.startswith("000"))
    root = etree.fromstring(zipfile.ZipFile(docx).read("word/document.xml"))
    tables = root.findall(f".//{W}tbl")
    assert len(tables) >= 5
    for tbl in tables:
        width = int(tbl.find(f"{W}tblPr/{W}tblW").get(f"{W}w"))
        cols = [int(g.get(f"{W}w")) for g in tbl.iter(f"{W}gridCol")]
        assert abs(sum(cols) - width) <= len(cols)
        assert round(width / 56.7) in (156, 225)              # 版心 width, portrait or landscape
        assert tbl.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
        for tc in tbl.iter(f"{W}tc"):
            assert tc.find(f"{W}tcPr/{W}tcW") is not None
        for p in tbl.iter(f"{W}p"):
            sp = p.find(f"{W}pPr/{W}spacing")
            assert sp.get(f"{W}lineRule") == "exact" and int(sp.get(f"{W}line")) <= 20 * 16, "not the 28.95 pt grid"
            assert p.find(f"{W}pPr/{W}snapToGrid").get(f"{W}val") == "0"
            assert p.find(f"{W}pPr/{W}ind").get(f"{W}firstLine") == "0"
    # 自查表: the content column is the widest; its 24 first items fit on the 附件2 page
    self_check = next(t for t in tables if "自查内容" in "".join(x.text or "" for x in t.iter(f"{W}t")))
    cols = [int(g.get(f"{W}w")) for g in self_check.iter(f"{W}gridCol")]
    assert cols[1] > 3 * max(cols[2:])
    with pdfplumber.open(rendered[docx]) as doc:
        page = _page_of(doc, "附件2")
        assert "24.生产车间" in doc.pages[page].extract_text().replace(" ", "")


def test_wide_forms_on_landscape_pages_with_page_numbers(rendered):
    docx = next(d for d in rendered if d.stem.startswith("000"))
    with pdfplumber.open(rendered[docx]) as doc:
        wide = _page_of(doc, "附件4")              # campaign_stats, 18 columns
        narrow = _page_of(doc, "附件3")            # supervision_check: portrait
        for i, pg in enumerate(doc.pages):
            if i == wide:
                assert pg.width > pg.height
                foot = [c for c in pg.chars if c["top"] > (210 - 26) * MM]
                assert "".join(c["text"] for c in foot) == f"— {i + 1} —"
                top = min(c["top"] for c in foot) / MM
                assert 210 - 26 + 5 < top < 210 - 26 + 9, top     # 7 mm under the turned 版心
                table = max(pg.rects + pg.lines, key=lambda r: r["x1"] - r["x0"])
                assert abs((table["x1"] - table["x0"]) / MM - 225) < 2
        assert doc.pages[narrow].width < doc.pages[narrow].height
        assert doc.pages[-1].width < doc.pages[-1].height          # back to portrait for the 版记


SEED_TITLES = [   # (发文机关, the seeds' titles written on one line)
    ("晋城市城区发展和改革局", "晋城市城区发展和改革局关于印发《安全生产大排查大整治行动方案》的通知"),
    ("兴县应急管理局", "兴县应急管理局关于深入开展冶金工贸行业安全生产大检查大整治大提升专项行动的通知"),
    ("南庄镇人民政府", "南庄镇人民政府关于印发全镇重大事故隐患专项排查整治2023行动实施方案的通知"),
    ("晋中市安全生产委员会", "晋中市安全生产委员会关于做好当前及后四个月安全防范工作扎实有效开展安全检查督导的通知"),
    ("晋城市安全生产委员会", "晋城市安全生产委员会关于印发《晋城市安全生产治本攻坚三年行动实施方案（2024—2026年）》的通知"),
]


@pytest.mark.parametrize("organ,title", SEED_TITLES)
def test_title_breaks_between_phrases(organ, title):
    from generators.gongwen.profile import load_profile
    from generators.gongwen.render import break_title, text_width
    rules = load_profile().title_break
    lines = break_title(title, 20, rules, [organ])
    assert "".join(lines) == title and 2 <= len(lines) <= 3
    widths = [text_width(x) for x in lines]
    assert max(widths) <= 20
    assert widths[0] <= max(widths[1:]) + 2, lines             # longest not on top (梯形 / 菱形) when possible
    assert max(widths) - min(widths) <= 6, lines               # lines of similar length
    for a, b in zip(lines, lines[1:]):
        assert not a.endswith(("关于", "的", "《", "（")) and not b.startswith(("》", "）", "、", "，")), lines
        assert not (organ in a + b and organ not in a and organ not in b), lines    # organ name whole
    for book in ("《安全生产大排查大整治行动方案》",):
        if book in title:
            assert any(book in x for x in lines), lines         # a book title that fits stays whole
    assert lines[0] == {"晋城市城区发展和改革局关于印发《安全生产大排查大整治行动方案》的通知": "晋城市城区发展和改革局关于印发"}.get(title, lines[0])


def test_short_title_and_explicit_lines_kept():
    from generators.gongwen.profile import load_profile
    from generators.gongwen.render import break_title
    rules = load_profile().title_break
    assert break_title("关于开展安全生产大检查的通知", 20, rules) == ["关于开展安全生产大检查的通知"]
    lines = break_title("关于印发《安全生产大排查大整治行动方案》的通知", 20, rules)
    assert lines == ["关于印发", "《安全生产大排查大整治行动方案》的通知"]      # never inside 《》, never 关于 alone


def test_rendered_title_lines(rendered):
    docx = next(d for d in rendered if d.stem.startswith("000"))
    with pdfplumber.open(rendered[docx]) as doc:
        chars = [c for c in doc.pages[0].chars if 21 < c["size"] < 23]
        lines = {}
        for c in chars:
            lines.setdefault(round(c["top"]), []).append(c["text"])
        texts = ["".join(v) for _, v in sorted(lines.items())]
    assert texts == ["晋城市城区发展和改革局", "关于印发", "《安全生产大排查大整治行动方案》的通知"], texts


def _lines(chars, key="bottom") -> dict:
    """Characters grouped by their rounded baseline."""
    out = {}
    for c in chars:
        out.setdefault(round(c[key]), []).append(c)
    return out


def test_joint_mark_names_stacked_and_wenjian_centred(rendered):
    with pdfplumber.open(_layout_pdf(rendered, "joint")) as doc:
        page = doc.pages[0]
        red = [c for c in page.chars if c.get("non_stroking_color") and tuple(c["non_stroking_color"])[:3] == (1, 0, 0)]
        if not red:       # colour space without RGB triples: take the big glyphs of the 版头
            red = [c for c in page.chars if c["size"] > 24]
        text = "".join(c["text"] for c in red)
        assert text.count("文件") == 1
        wen = [c for c in red if c["text"] in "文件" and text.count(c["text"]) == 1]
        names = [c for c in red if c not in wen]
        rows = ["".join(x["text"] for x in sorted(v, key=lambda c: c["x0"])) for _, v in sorted(_lines(names).items())]
        assert rows == ["晋城市城区应急管理局", "晋城市城区发展和改革局"], rows
        names_mid = (min(c["top"] for c in names) + max(c["bottom"] for c in names)) / 2
        wen_mid = (min(c["top"] for c in wen) + max(c["bottom"] for c in wen)) / 2
        assert abs(wen_mid - names_mid) < 2 * MM                          # 文件 centred on the names
        assert min(c["x0"] for c in wen) > max(c["x1"] for c in names)    # to the right of them


def test_joint_sealed_signatures_side_by_side(rendered):
    with pdfplumber.open(_layout_pdf(rendered, "joint")) as doc:
        page = next(pg for pg in doc.pages if "2023年6月25日" in (pg.extract_text() or "").replace(" ", "")
                    and "印发" not in (pg.extract_text() or ""))
        body = [c for c in page.chars if 15 < c["size"] < 17]
        row = next(v for _, v in _lines(body).items() if "应急管理局" in "".join(c["text"] for c in v))
        text = "".join(c["text"] for c in sorted(row, key=lambda c: c["x0"]))
        assert "晋城市城区应急管理局" in text and "晋城市城区发展和改革局" in text
        assert text.index("应急") < text.index("发展")                   # lead organ first (left)
        date = next(v for _, v in _lines(body).items() if "".join(c["text"] for c in v).startswith("2023"))
        assert min(c["top"] for c in date) > max(c["bottom"] for c in row)  # date under the names


def test_upward_signer_line_shares_the_doc_number_baseline(rendered):
    with pdfplumber.open(_layout_pdf(rendered, "upward")) as doc:
        page = doc.pages[0]
        row = next(v for _, v in _lines(page.chars).items() if "签" in "".join(c["text"] for c in v))
        row = sorted((c for c in row if c["text"].strip()), key=lambda c: c["x0"])   # ink only
        text = "".join(c["text"] for c in row)
        assert text == "城应急字〔2023〕8号签发人：张卫东", text
        assert max(c["bottom"] for c in row) - min(c["bottom"] for c in row) < 1      # one baseline
        char = 156 / 28
        assert abs(row[0]["x0"] / MM - (28 + char)) < 1.5                  # 字号 1 char in from the left
        assert abs(row[-1]["x1"] / MM - (210 - 26 - char)) < 1.5           # 签发人 1 char in from the right
        label = next(c for c in row if c["text"] == "签")
        name = next(c for c in row if c["text"] == "张")
        assert label["fontname"] != name["fontname"]                       # 仿宋 label, 楷体 name
    g = _first_page_geometry(_layout_pdf(rendered, "upward"))
    assert abs(g["rule_gap"] - 4) <= 1 and abs(g["mark_top"] - 72) <= 3, g     # red rule 4 mm under that line


def test_body_table_widths_font_and_landscape(tmp_path):
    """Body tables: widths from the content at the 版心 width; many columns → 10.5 pt; still too wide →
    a landscape page of its own, then portrait again; the result passes the checker."""
    import datetime as dt

    from docx import Document
    from lxml import etree

    from generators.gongwen.check import check_file
    from generators.gongwen.model import BodyTable, Gongwen
    from generators.gongwen.render import render

    def table(n_cols: int, value: str) -> BodyTable:
        return BodyTable([["单位"] + ["排查"] * (n_cols - 1),
                          ["西上庄街道"] + [value] * (n_cols - 1)], title=f"表　{n_cols}列")

    gw = Gongwen(organs=["晋城市城区应急管理局"], title="关于隐患排查情况的通报", recipients="各镇人民政府",
                 body=["现将情况通报如下。", table(5, "90.00%"), "一、宽表", table(12, "12"),
                       "二、更宽的表", table(14, "1234.56%"), "以上情况请各单位核实。"],
                 signature=["晋城市城区应急管理局"], date=dt.date(2023, 3, 2), printer="晋城市城区应急管理局")
    out = render(gw, tmp_path / "宽表.docx")
    root = etree.fromstring(zipfile.ZipFile(out).read("word/document.xml"))
    tables = root.findall(f".//{W}tbl")
    sizes = [{int(s.get(f"{W}val")) / 2 for s in t.iter(f"{W}sz")} for t in tables]
    assert sizes[0] == {12} and sizes[1] == {10.5} and sizes[2] == {10.5}
    widths = [round(sum(int(g.get(f"{W}w")) for g in t.iter(f"{W}gridCol")) / 56.7) for t in tables]
    assert widths == [156, 156, 225]                  # the widest on a landscape page
    first = [int(g.get(f"{W}w")) for g in tables[0].iter(f"{W}gridCol")]
    assert first[0] > first[1]                        # the unit column is the widest
    sections = Document(str(out)).sections
    turned = [s.page_width > s.page_height for s in sections]
    assert turned[:3] == [False, True, False] and not any(turned[3:])     # then the 版记 section
    assert check_file(out) == []
