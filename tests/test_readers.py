"""Format readers on real files: Word/Excel features, legacy formats through one
LibreOffice batch, and zip archives named the way Windows names them."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from generators.excel import write
from generators.office import convert
import parsers.readers.docx as docx_reader
from parsers.model import Paragraph, Table
from parsers.readers import read_file
from parsers.readers.archive import member_name
from parsers.readers.legacy import convert_legacy
from parsers.readers.sniff import sniff
from schema.errors import InputError
from tests.badfiles import make_docx, raw_zip, replace_part, stored_member

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="w14"')


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def para(*runs: str) -> str:
    return "<w:p>" + "".join(runs) + "</w:p>"


def tc(content: str, span: int = 1, vmerge: str | None = None) -> str:
    pr = ""
    if span > 1:
        pr += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        pr += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        pr += "<w:vMerge/>"
    return f"<w:tc><w:tcPr>{pr}</w:tcPr>{content}</w:tc>"


SDT_CHECKBOX = ('<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="{v}"/></w14:checkbox></w:sdtPr>'
                '<w:sdtContent><w:r><w:t>☒</w:t></w:r></w:sdtContent></w:sdt>')
FORM_CHECKBOX = ('<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:sizeAuto/>'
                 '<w:default w:val="{v}"/></w:checkBox></w:ffData></w:fldChar></w:r>'
                 '<w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')
TEXT_BOX = ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>'
            + para(run("文本框里的字")) + '</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict>'
            '<v:textbox><w:txbxContent>' + para(run("文本框里的字")) + '</w:txbxContent></v:textbox></w:pict>'
            '</mc:Fallback></mc:AlternateContent></w:r>')

RICH_BODY = "".join([
    para(run("附件3")),
    para(run("督导检查表"), TEXT_BOX),
    '<w:sdt><w:sdtPr/><w:sdtContent>' + para(run("控件里的段落")) + '</w:sdtContent></w:sdt>',
    para(run("删改："), '<w:del><w:r><w:delText>删掉的字</w:delText></w:r></w:del>',
         '<w:ins><w:r><w:t>新加的字</w:t></w:r></w:ins>', '<w:r><w:br/><w:t>第二行</w:t><w:tab/><w:t>制表</w:t></w:r>'),
    '<w:tbl><w:tblGrid>' + '<w:gridCol/>' * 4 + '</w:tblGrid>',
    '<w:tr>' + tc(para(run("被检查单位：北石店镇五金厂")), span=4) + '</w:tr>',
    '<w:tr>' + tc(para(run("检查项目")), vmerge="restart") + tc(para(run("内容")))
    + tc(para(run("结果")), span=2) + '</w:tr>',
    '<w:tr>' + tc(para(), vmerge="continue") + tc(para(run("消防通道")))
    + tc(para(SDT_CHECKBOX.format(v=1), run("是"))) + tc(para(FORM_CHECKBOX.format(v=0), run("否"))) + '</w:tr>',
    '<w:tr>' + tc(para(), vmerge="continue") + tc(para(run("应急照明")))
    + tc(para('<w:r><w:sym w:font="Wingdings" w:char="F0FE"/></w:r>'))
    + tc(para('<w:r><w:rPr><w:rFonts w:ascii="Wingdings 2" w:hAnsi="Wingdings 2"/></w:rPr><w:t>£</w:t></w:r>'))
    + '</w:tr>',
    '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>' + tc(para(run("备注")), span=2) + tc(para(run("无"))) + '</w:tr>',
    '<w:tr>' + tc(para(run("签字")), span=2)
    + tc('<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>'
         '<w:tr>' + tc(para(run("检查人"))) + tc(para(run("李四"))) + '</w:tr>'
         '<w:tr>' + tc(para(run("日期"))) + tc(para(run("2023年3月5日"))) + '</w:tr></w:tbl>' + para(), span=2)
    + '</w:tr>',
    '</w:tbl>',
    para(run("填表人：张三")),
])


@pytest.fixture(scope="session")
def rich_docx(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("rich")
    base = make_docx(d / "base.docx")
    with zipfile.ZipFile(base) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    sect = re.search(r"<w:sectPr.*</w:sectPr>", xml, re.S).group(0)
    doc = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{RICH_BODY}{sect}</w:body></w:document>'
    return replace_part(base, d / "督导检查表.docx", "word/document.xml", doc.encode("utf-8"))


@pytest.fixture(scope="session")
def rich_doc(rich_docx) -> list:
    return read_file(rich_docx)


def the_table(doc) -> Table:
    tables = list(doc.tables())
    assert len(tables) == 1
    return tables[0]


def test_docx_paragraphs_in_body_order(rich_doc):
    doc = rich_doc[0]
    assert doc.format == "docx" and len(doc.sha256) == 64
    texts = [b.text if isinstance(b, Paragraph) else "<table>" for b in doc.blocks]
    assert texts == ["附件3", "督导检查表", "文本框里的字", "控件里的段落",
                     "删改：新加的字\n第二行\t制表", "<table>", "填表人：张三"]


def test_docx_merges_in_grid_coordinates(rich_doc):
    t = the_table(rich_doc[0])
    assert (t.n_rows, t.n_cols) == (6, 4)
    g = t.grid()
    assert g[0] == ["被检查单位：北石店镇五金厂"] * 4
    assert [row[0] for row in g[1:4]] == ["检查项目"] * 3            # vMerge restart + 2 continues
    assert g[1][2:] == ["结果", "结果"]                              # gridSpan
    head = t.cell_grid()[1][0]
    assert (head.row, head.col, head.rowspan, head.colspan) == (1, 0, 3, 1)
    assert t.cell_grid()[4][0] is None                               # gridBefore leaves column 0 empty
    assert g[4][1:] == ["备注", "备注", "无"]


def test_docx_checkboxes_and_symbols(rich_doc):
    cells = the_table(rich_doc[0]).cell_grid()
    yes, no = cells[2][2], cells[2][3]
    assert (yes.text, yes.checked) == ("☑是", True)                   # w14 content control
    assert (no.text, no.checked) == ("☐否", False)                    # legacy FORMCHECKBOX
    assert cells[3][2].text == "☑"                                    # w:sym Wingdings F0FE
    assert cells[3][3].text == "□"                                    # Wingdings 2 '£' typed in a run
    assert cells[1][1].checked is None


def test_docx_nested_table_kept_and_its_text_in_cell(rich_doc):
    t = the_table(rich_doc[0])
    assert len(t.nested) == 1
    assert t.nested[0].grid() == [["检查人", "李四"], ["日期", "2023年3月5日"]]
    assert t.cell_grid()[5][2].text == "检查人 李四\n日期 2023年3月5日"


def test_docx_injection_text_stays_literal(tmp_path):
    p = make_docx(tmp_path / "x.docx", ["{{ 7*7 }}", "a & b <c>"])
    assert the_table(read_file(p)[0]).grid()[1] == ["{{ 7*7 }}", "a & b <c>"]


# --- the one-pass text of plain parts against the full walk --------------------------------------

def _built_docx(out: Path, rich_docx: Path) -> list[Path]:
    """Every .docx the tests build or ship (but the check corpus, ~30 s): the variety and held-out
    returns (without their LibreOffice conversions), the benchmark's bases, each form's blank,
    the samples (zips' members too), the templates and the rich document above."""
    import importlib

    from generators.forms import draw_form
    from schema.spec import all_specs
    from bench.make_corpus import draw_bases
    for name in ("variety", "variety2", "variety3", "variety4", "heldout_reg"):
        (out / name).mkdir()
        for fn in importlib.import_module(f"tests.{name}.build").CASES:
            fn(out / name)
    draw_bases(out / "bases")
    (out / "blank").mkdir()
    for spec in all_specs():
        draw_form(spec.form_type, out / "blank" / f"{spec.form_type}.docx")
    root = Path(__file__).resolve().parent.parent
    for i, archive in enumerate(sorted((root / "samples").rglob("*.zip"))):
        with zipfile.ZipFile(archive) as z:
            for j, info in enumerate(z.infolist()):
                if info.filename.lower().endswith(".docx"):
                    (out / f"zip{i}-{j}.docx").write_bytes(z.read(info))
    return (sorted(out.rglob("*.docx")) + sorted((root / "samples").rglob("*.docx"))
            + sorted((root / "templates").glob("*.docx")) + [rich_docx])


def _walked(monkeypatch, path: Path):
    """The document as the full walk reads it (no part taken as plain)."""
    with monkeypatch.context() as m:
        m.setattr(docx_reader._BodyReader, "is_plain", lambda self, tree, data: False)
        return docx_reader.read_docx(path, path.name)


def test_plain_parts_read_as_the_full_walk_reads_them(tmp_path, rich_docx, monkeypatch):
    files = _built_docx(tmp_path, rich_docx)
    plain = []
    real = docx_reader._BodyReader.is_plain
    monkeypatch.setattr(docx_reader._BodyReader, "is_plain",
                        lambda self, tree, data: plain.append(real(self, tree, data)) or plain[-1])
    for f in files:
        assert docx_reader.read_docx(f, f.name) == _walked(monkeypatch, f), f
    assert len(files) >= 80 and len(plain) == len(files)
    print(f"{sum(plain)} of {len(files)} .docx read in one pass")
    assert sum(plain) >= 0.6 * len(files) and not all(plain)     # most take the one pass; rich_docx does not


PLAIN_CASES = {
    "tab stops are not tabs": (
        '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
        '<w:r><w:t>甲</w:t><w:tab/><w:t>乙</w:t><w:br/><w:t>丙</w:t><w:noBreakHyphen/></w:r></w:p>', True, "甲\t乙\n丙-"),
    "private-use symbols": (para(run("\uf0fe 是 \uf0a8 否")), True, "☑ 是 □ 否"),
    "escaped symbol font": ('<w:p><w:r><w:rPr><w:rFonts w:ascii="&#87;ingdings"/></w:rPr><w:t>&#xFE;</w:t></w:r></w:p>',
                            False, "☑"),
    "upper-case symbol font": ('<w:p><w:r><w:rPr><w:rFonts w:eastAsia="SYMBOL"/></w:rPr><w:t>&#xD6;</w:t></w:r></w:p>',
                               False, "√"),
    "text outside a run": ('<w:p><w:t>散字</w:t>' + run("正文") + '</w:p>', True, "散字正文"),
    "moved text and hyperlinks": ('<w:p><w:moveFrom>' + run("移") + '</w:moveFrom><w:hyperlink>' + run("链")
                                  + '</w:hyperlink><w:r><w:instrText>PAGE</w:instrText></w:r></w:p>', True, "移链"),
}


@pytest.mark.parametrize("name", PLAIN_CASES)
def test_plain_part_edge_cases(tmp_path, monkeypatch, name):
    body, plain, text = PLAIN_CASES[name]
    base = make_docx(tmp_path / "base.docx")
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}</w:body></w:document>'
    f = replace_part(base, tmp_path / "x.docx", "word/document.xml", xml.encode("utf-8"))
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert docx_reader._BodyReader(ns).is_plain(etree.fromstring(xml.encode()), xml.encode()) is plain
    doc = docx_reader.read_docx(f, f.name)
    assert [b.text for b in doc.blocks] == [text]
    assert doc == _walked(monkeypatch, f)
    root = etree.fromstring(xml.encode())
    one_pass = docx_reader._BodyReader(ns, plain=True)._run_text(root.find(f"{ns}body/{ns}p"))
    assert not plain or (one_pass is None) == (name == "text outside a run")    # else the walk read it
    for encoding in ("utf-16", "utf-16-le"):                  # with and without a BOM: never plain
        data = xml.replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"').encode(encoding)
        assert docx_reader._BodyReader(ns).is_plain(etree.fromstring(data), data) is False


# --- Excel -------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def workbook(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "统计表"
    write(ws, 1, 2, "全市安全检查督导情况统计表")
    ws.merge_cells("B1:G1")
    write(ws, 2, 2, "填报单位：北石店镇    填表日期：2023年3月5日")
    ws.merge_cells("B2:G2")
    for i, h in enumerate(["序号", "乡镇", "检查企业", "发现隐患", "日期", "整改率"], start=2):
        write(ws, 3, i, h)
    ws.merge_cells("B4:B5")
    write(ws, 4, 2, 1)
    write(ws, 4, 3, "北石店镇")
    write(ws, 5, 3, "西宋庄镇")
    write(ws, 4, 4, 12.0)
    write(ws, 5, 4, 7)
    ws["E4"] = "=D4*2"            # a formula; its cached value is added below
    ws["E5"] = "=D5*2"            # a formula left without a cached value
    write(ws, 4, 6, dt.date(2023, 3, 5))
    write(ws, 4, 7, 0.875)
    ws["G4"].number_format = "0.0%"
    write(ws, 5, 6, dt.datetime(2023, 3, 6, 14, 30))
    ws["D20"].fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")   # styled but empty: trimmed
    hidden = wb.create_sheet("底稿")
    write(hidden, 1, 1, "不应读出")
    hidden.sheet_state = "hidden"
    second = wb.create_sheet("重大隐患")
    write(second, 1, 1, "序号")
    write(second, 1, 2, "隐患描述")
    write(second, 2, 1, 1)
    write(second, 2, 2, '=HYPERLINK("http://evil")')
    write(second, 3, 2, "<script>alert(1)</script>")
    plain = d / "plain.xlsx"
    wb.save(plain)
    with zipfile.ZipFile(plain) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    sheet, n = re.subn(r'(<c r="E4"[^>]*>\s*<f>D4\*2</f>)\s*(<v\s*/>|<v></v>)?', r"\1<v>24</v>", sheet)
    assert n == 1
    return replace_part(plain, d / "统计表.xlsx", "xl/worksheets/sheet1.xml", sheet.encode("utf-8"))


def test_xlsx_title_lines_then_table(workbook):
    doc = read_file(workbook)[0]
    assert doc.format == "xlsx"
    kinds = [(type(b).__name__, getattr(b, "part", b.text if isinstance(b, Paragraph) else "")) for b in doc.blocks]
    assert kinds == [("Paragraph", "全市安全检查督导情况统计表"),
                     ("Paragraph", "填报单位：北石店镇    填表日期：2023年3月5日"),
                     ("Table", "sheet 统计表"), ("Table", "sheet 重大隐患")]       # hidden sheet skipped
    assert [b.page for b in doc.blocks] == [1, 1, 1, 3]


def test_xlsx_values_merges_and_trimming(workbook, caplog):
    with caplog.at_level("WARNING", logger="paicha.readers"):
        t = next(read_file(workbook)[0].tables())
    assert (t.n_rows, t.n_cols) == (3, 6)                    # leading column A and styled D20 trimmed
    assert t.grid() == [
        ["序号", "乡镇", "检查企业", "发现隐患", "日期", "整改率"],
        ["1", "北石店镇", "12", "24", "2023-03-05", "87.5%"],
        ["1", "西宋庄镇", "7", "", "2023-03-06T14:30", ""],
    ]
    first = t.cell_grid()[1][0]
    assert (first.rowspan, first.colspan) == (2, 1)
    assert "E5" in caplog.text and "公式" in caplog.text     # uncached formula: blank, and said so


def test_xlsx_injection_text_stays_literal(workbook):
    t = list(read_file(workbook)[0].tables())[1]
    assert t.grid()[1:] == [["1", '=HYPERLINK("http://evil")'], ["", "<script>alert(1)</script>"]]


def test_extension_does_not_decide(tmp_path, workbook, rich_docx):
    shutil.copy(workbook, tmp_path / "表.docx")
    shutil.copy(rich_docx, tmp_path / "表.wps")
    assert read_file(tmp_path / "表.docx")[0].format == "xlsx"
    doc = read_file(tmp_path / "表.wps")[0]
    assert doc.format == "wps" and next(doc.tables()).n_rows == 6


# --- legacy formats through one LibreOffice batch ------------------------------------------------

@pytest.fixture(scope="session")
def legacy_files(tmp_path_factory, rich_docx, workbook) -> list[Path]:
    d = tmp_path_factory.mktemp("legacy")
    doc = convert([rich_docx], "doc", d / "doc")[rich_docx]
    xls = convert([workbook], "xls", d / "xls")[workbook]
    files = [d / "督导检查表.doc", d / "督导检查表.wps", d / "统计表.xls", d / "统计表.et"]
    for src, dst in zip([doc, doc, xls, xls], files):
        shutil.copy(src, dst)
    return files


def test_legacy_batch_converts_each_once(legacy_files, tmp_path):
    assert [sniff(p) for p in legacy_files] == ["doc", "doc", "xls", "xls"]
    converted = convert_legacy(legacy_files, tmp_path)
    assert set(converted) == set(legacy_files)                # same stems never collide
    docs = [read_file(p, converted=converted[p])[0] for p in legacy_files]
    assert [d.format for d in docs] == ["doc", "wps", "xls", "et"]
    for d in docs[:2]:
        g = next(d.tables()).grid()
        assert [row[0] for row in g[1:4]] == ["检查项目"] * 3 and g[1][2:] == ["结果", "结果"]
    for d in docs[2:]:
        g = next(d.tables()).grid()
        assert g[1][:4] == ["1", "北石店镇", "12", "24"] and g[2][0] == "1"
        assert [b.part for b in d.tables()] == ["sheet 统计表", "sheet 重大隐患"]
    assert docs[0].sha256 != docs[2].sha256


def test_legacy_alone_converts_itself(legacy_files):
    doc = read_file(legacy_files[1], display_path="回执/督导检查表.wps")[0]
    assert doc.path == "回执/督导检查表.wps" and doc.format == "wps"
    assert "被检查单位：北石店镇五金厂" in next(doc.tables()).grid()[0]


# --- zip archives --------------------------------------------------------------------------------

def test_zip_gbk_names_nested_zip_and_legacy_member(tmp_path, rich_docx, workbook, legacy_files):
    inner = raw_zip(tmp_path / "inner.zip", [stored_member("西宋庄镇/统计表.xlsx", workbook.read_bytes(), "gbk")])
    archive = raw_zip(tmp_path / "回执.zip", [
        stored_member("北石店镇/督导检查表.docx", rich_docx.read_bytes(), "gbk"),     # Windows: GBK, no flag
        {**stored_member("mac/摸底表.docx", rich_docx.read_bytes()), "flags": 0},      # macOS: UTF-8, no flag
        stored_member("__MACOSX/北石店镇/._督导检查表.docx", b"\0\5\26\7junk"),
        stored_member("Thumbs.db", b"junk"),
        stored_member("说明.txt", "请填写".encode("gbk"), "gbk"),
        stored_member("../../越界.wps", legacy_files[1].read_bytes(), "gbk"),       # zip-slip name
        stored_member("下级.zip", inner.read_bytes(), "gbk"),
    ])
    docs = read_file(archive)
    assert [d.path for d in docs] == [f"{archive}!北石店镇/督导检查表.docx", f"{archive}!mac/摸底表.docx",
                                      f"{archive}!../../越界.wps", f"{archive}!下级.zip!西宋庄镇/统计表.xlsx"]
    assert [d.format for d in docs] == ["docx", "docx", "wps", "xlsx"]
    assert not (tmp_path.parent / "越界.wps").exists()
    assert next(docs[2].tables()).grid()[0][0] == "被检查单位：北石店镇五金厂"


def test_member_name_decoding():
    raw = "北石店镇.docx".encode("gbk")
    info = zipfile.ZipInfo(raw.decode("cp437"))
    assert member_name(info) == "北石店镇.docx"


def test_zip_bad_member_collected_others_read(tmp_path, rich_docx):
    archive = raw_zip(tmp_path / "a.zip", [stored_member("坏.docx", b"PK\3\4broken"),
                                            stored_member("好.docx", rich_docx.read_bytes())])
    with pytest.raises(InputError) as exc:
        read_file(archive)
    assert exc.value.code == "corrupt" and "a.zip!坏.docx" in exc.value.message
    errors: list[InputError] = []
    docs = read_file(archive, errors=errors)
    assert [d.path.split("!")[1] for d in docs] == ["好.docx"]
    assert [e.code for e in errors] == ["corrupt"]
