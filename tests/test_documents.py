"""Generated documents as kinds (templates/kinds/*.yaml, generators/documents.py); attachments appended whole."""
import datetime as dt
import html
import re
import zipfile

import pytest
import yaml
from docx import Document
from docx.shared import Mm, RGBColor

from generators import documents
from generators.gongwen.model import Attachment, Gongwen
from generators.gongwen.render import render
from ledger.db import connect
from schema.errors import InputError, PaichaError
from test_order import add_hazard, assert_rendered, doc_text, doc_xml

ISSUED = "2023-03-10"
FIRM = "晋城市城区兴盛化工有限公司"
DECISION_TEXT = [
    "（城区）安全生产行政执法文书", "现场处理措施决定书", "被处理单位：" + FIRM, "地址：工业园区1号",
    "本机关于2023年3月9日在现场检查时，发现你单位有下列违法违规行为和事故隐患：",
    "依据《中华人民共和国安全生产法》第六十五条第一款第（三）项的规定，现作出如下现场处理决定：",
    "1．责令从危险区域内撤出作业人员", "2．责令暂时停产停业",
    "如果不服本决定，可以依法在60日内向晋城市城区人民政府申请行政复议，或者在6个月内依法向晋城市城区人民法院"
    "提起行政诉讼，但本决定不停止执行，法律另有规定的除外。",
    "安全生产监管行政执法人员（签名）：", "证号：", "被处理单位负责人（签名）：", "（印章）", "2023年3月10日",
    "本文书一式两份：一份由晋城市城区应急管理局备案，一份交被处理单位。",
]


def pdf_pages(paths):
    """Text of each page of each .docx, rendered by LibreOffice in one call."""
    import pypdfium2 as pdfium
    from generators.office import convert
    out = {}
    pdfs = convert(list(paths), "pdf", paths[0].parent / "pdf")
    for src in paths:
        pdf = pdfium.PdfDocument(str(pdfs[src]))
        try:
            out[src] = [pdf[i].get_textpage().get_text_range().replace(" ", "").replace("\r\n", "")
                        for i in range(len(pdf))]
        finally:
            pdf.close()
    return out


@pytest.fixture
def ledger(tmp_path):
    con = connect(tmp_path / "台账.db")
    add_hazard(con, FIRM, "甲类仓库内违规进行电焊动火作业，未办理动火审批", "2023-03-20")
    add_hazard(con, FIRM, "液氨储罐区可燃气体报警装置失效", "2023-03-20")
    add_hazard(con, "晋城市城区别的公司", "不应出现在决定书上的隐患", "2023-03-20")
    con.commit()
    yield con
    con.close()


def test_every_kind_names_its_template_code_and_sources():
    cfg = documents.load_authority()
    assert set(documents.kinds()) >= {"zhiling", "fucha", "jiancha", "xianjue"}
    for key in documents.kinds():
        kind = documents.load_kind(key)
        assert kind.template.is_file(), key
        assert cfg["codes"][kind.code], key
        assert kind.ledger in ("orders", "rechecks", "documents")
        assert kind.one_page and kind.one_page["items"] in kind.fields
    with pytest.raises(PaichaError, match="未知的文书种类"):
        documents.load_kind("../authority")


def test_decision_for_an_enterprise_from_the_ledger_numbered_recorded_and_one_page(ledger, tmp_path):
    got = documents.issue_document("xianjue", ledger, {"enterprise": FIRM, "inspected": "2023年3月9日",
                                                       "measures": ["撤出人员", "暂时停产停业"], "issued": ISSUED},
                                   tmp_path / "out", actor="李四")
    assert got.number == "（城区）应急现决〔2023〕1号" and not got.continued
    assert got.path.name == f"0001_{FIRM}_现场处理措施决定书.docx"
    assert_rendered(got.path)
    text = doc_text(got.path)
    for fixed in DECISION_TEXT + [got.number]:
        assert fixed in text, fixed
    # the problems are the enterprise's open hazards in the ledger, only its own
    assert "1．甲类仓库内违规进行电焊动火作业，未办理动火审批" in text and "2．液氨储罐区可燃气体报警装置失效" in text
    assert "不应出现" not in text
    assert "法定代表人（负责人）：________　职务：______" in text        # blanks stay printable lines
    row = ledger.execute("SELECT * FROM documents").fetchone()
    assert (row["kind"], row["number"], row["file"], row["actor"]) == ("xianjue", got.number, str(got.path), "李四")
    # the next one takes the next number; the 附页 takes what does not fit the first page
    many = [f"第{i}号车间配电箱未安装漏电保护器，线路私拉乱接" for i in range(1, 16)]
    more = documents.issue_document("xianjue", ledger, {"enterprise": FIRM, "problems": many, "issued": ISSUED,
                                                        "measures": ["停止使用设施设备"], "basis": "《某某条例》第十条"},
                                    tmp_path / "out")
    assert more.number == "（城区）应急现决〔2023〕2号" and more.continued
    text = doc_text(more.path)
    assert "现场处理措施决定书（附页）" in text and "15．第15号车间" in text and "依据《某某条例》第十条的规定" in text
    pages = pdf_pages([got.path, more.path])
    assert len(pages[got.path]) == 1 and "一式两份" in pages[got.path][0]
    assert len(pages[more.path]) == 2
    assert "一式两份" in pages[more.path][0] and "（印章）" in pages[more.path][0] and "附页" in pages[more.path][1]
    assert "第15号车间" in pages[more.path][1]


def test_a_document_missing_a_required_field_takes_no_number(ledger, tmp_path):
    with pytest.raises(InputError, match="现场处理措施决定书：缺少现场处理措施"):
        documents.issue_document("xianjue", ledger, {"enterprise": FIRM, "issued": ISSUED}, tmp_path)
    with pytest.raises(InputError, match="缺少违法违规行为和事故隐患"):
        documents.issue_document("xianjue", ledger, {"enterprise": "台账中没有的单位", "measures": ["撤出人员"]}, tmp_path)
    assert ledger.execute("SELECT COUNT(*) FROM order_counters").fetchone()[0] == 0
    assert ledger.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0
    with pytest.raises(PaichaError, match="由 ledger/orders.create_orders 编号"):
        documents.issue_document("zhiling", ledger, {"enterprise": FIRM}, tmp_path)


def test_user_text_stays_literal_and_a_leftover_tag_is_refused(ledger, tmp_path):
    name = '某某"精密"<机械>&Co\'厂{{ a.name }}{% if 1 %}'
    got = documents.issue_document("xianjue", ledger, {"enterprise": name, "problems": ["{{ o.number }} & <b>"],
                                                       "measures": ["{%p endif %}"], "issued": ISSUED}, tmp_path)
    text = html.unescape(doc_text(got.path))
    assert f"被处理单位：{name}" in text and "1．{{ o.number }} & <b>" in text and "1．{%p endif %}" in text
    xml = doc_xml(got.path)
    assert documents.leftover_tags(xml, {"o": {"enterprise": name}, "p": ["{{ o.number }} & <b>", "{%p endif %}"]}) == ""
    assert documents.leftover_tags(xml.replace("现场处理决定：", "现场处理决定：{{ o.lost }}"), {}) != ""


def test_inspection_record_and_recheck_render_through_their_kinds(ledger, tmp_path):
    rec = documents.issue_document("jiancha", ledger, {"enterprise": FIRM, "issued": ISSUED, "place": "液氨罐区"},
                                   tmp_path)
    text = doc_text(rec.path)
    assert rec.number == "（城区）应急检记〔2023〕1号" and "检查场所" in text and "液氨罐区" in text
    assert "工业园区1号" in text and "2．液氨储罐区可燃气体报警装置失效" in text   # address and problems from the ledger
    assert "（此栏不够，可另附页）" in text and "现场检查记录（附页）" not in text
    items = [{"text": f"第{i}项问题", "result": "已整改" if i % 2 else "未整改"} for i in range(1, 31)]
    fucha = documents.issue_document("fucha", None, {"number": "（城区）应急复查〔2023〕7号", "serial": 7,
                                                     "enterprise": FIRM, "order_number": "（城区）应急责改〔2023〕3号",
                                                     "order_issued": "2023-03-01", "issued": "2023-03-25",
                                                     "problems": items, "failed": "2、4"}, tmp_path)
    text = doc_text(fucha.path)
    assert fucha.path.name == f"0007_{FIRM}_整改复查意见书.docx" and fucha.continued
    assert "本机关于2023年3月1日作出了责令限期整改指令书的决定［（城区）应急责改〔2023〕3号］" in text
    assert "30．第30项问题——未整改。" in text and "整改复查意见书（附页）" in text
    assert_rendered(fucha.path)


def _draft_with_image_list_and_style(path, png):
    doc = Document()
    style = doc.styles.add_style("检查要点", 1)             # a custom paragraph style
    style.font.color.rgb = RGBColor(0x12, 0x34, 0x56)
    style.font.bold = True
    doc.add_paragraph("现场照片如下：", style="检查要点")
    doc.add_picture(str(png), width=Mm(40))
    for text in ("关闭阀门", "撤出人员", "设置警戒"):
        doc.add_paragraph(text, style="List Number")
    doc.save(str(path))
    return path


def test_an_attached_docx_keeps_its_image_numbered_list_and_style(tmp_path):
    from PIL import Image
    png = tmp_path / "照片.png"
    Image.new("RGB", (120, 80), (200, 30, 30)).save(png)
    draft = _draft_with_image_list_and_style(tmp_path / "附件草稿.docx", png)
    gw = Gongwen(organs=["晋城市城区应急管理局"], title="关于现场处理情况的报告", recipients="区人民政府",
                 body=["现将现场处理情况报告如下。"], date=dt.date(2023, 3, 10),
                 attachments=[Attachment(name="现场处理情况", file=draft)])
    out = render(gw, tmp_path / "报告.docx")
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        xml = z.read("word/document.xml").decode("utf-8")
        styles = z.read("word/styles.xml").decode("utf-8")
        numbering = z.read("word/numbering.xml").decode("utf-8")
        rels = z.read("word/_rels/document.xml.rels").decode("utf-8")
        media = [n for n in names if n.startswith("word/media/")]
        image = z.read(media[0]) if media else b""
    # the image: a drawing whose relationship points at the picture, same bytes as the draft's
    assert "<w:drawing>" in xml and len(media) == 1
    embed = re.search(r'r:embed="(rId\d+)"', xml).group(1)
    assert re.search(rf'Id="{embed}"[^>]*Target="media/', rels) or re.search(rf'Target="media/[^"]*"[^>]*Id="{embed}"', rels)
    with zipfile.ZipFile(draft) as z:
        assert image == z.read(next(n for n in z.namelist() if n.startswith("word/media/")))
    # the custom style, with its colour, and the numbered list (a style whose numbering exists)
    style_id = re.search(r'<w:style [^>]*w:styleId="([^"]+)"[^>]*>\s*<w:name w:val="检查要点"/>', styles).group(1)
    assert f'<w:pStyle w:val="{style_id}"/>' in xml and "123456" in styles
    listed = [p for p in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S) if "关闭阀门" in p][0]
    list_style = re.search(r'<w:pStyle w:val="([^"]+)"/>', listed).group(1)
    num_id = re.search(rf'w:styleId="{list_style}".*?<w:numId w:val="(\d+)"/>', styles, flags=re.S).group(1)
    assert re.search(rf'<w:num w:numId="{num_id}"', numbering)
    Document(str(out))                                      # opens
