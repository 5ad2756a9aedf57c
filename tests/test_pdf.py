"""Text PDFs: every form type filled, printed to PDF, read back and compared field by field;
bad inputs (encrypted, disguised, empty, too long) fail with one-line Chinese errors."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from parsers.model import Table
from parsers.readers import pdf as pdf_reader
from parsers.readers.pdf import read_pdf
from schema.errors import InputError
from schema.record import leaf_fields

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "returns_pdf"
EXPECTED = [json.loads(line) for line in (SAMPLES / "expected.jsonl").read_text(encoding="utf-8").splitlines()]
TEXT_PDFS = [e for e in EXPECTED if e["format"] == "pdf"]




def field_diff(expected: dict, record) -> list[tuple[str, object, object]]:
    """(field, expected, got) for every field of the fill data the record does not reproduce."""
    want = leaf_fields({"header": expected["header"], "data": expected["data"]})
    got = leaf_fields({"header": record.header, "data": record.data})
    return [(k, v, got.get(k)) for k, v in want.items() if got.get(k) != v]


def record_of(doc, form_type: str):
    from parsers.recognize import records_from_document
    recs = [r for r in records_from_document(doc) if r.form_type == form_type]
    assert recs, f"no {form_type} record in {doc.path}"
    return recs[0]


@pytest.fixture(scope="session")
def docx_of(tmp_path_factory):
    """The same filled form as .docx (what the PDF was printed from)."""
    from generators.forms import draw_form
    out = tmp_path_factory.mktemp("docx")

    def make(e: dict) -> Path:
        p = out / f"{e['form_type']}.docx"
        if not p.exists():
            draw_form(e["form_type"], p, e["data"], e["header"])
        return p
    return make


def norm(text: str) -> str:
    import unicodedata
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.parametrize("e", TEXT_PDFS, ids=[e["form_type"] for e in TEXT_PDFS])
def test_text_pdf_cells_match_the_word_file(e, docx_of):
    """Every non-empty cell of the Word form is read from its PDF with the same text."""
    from parsers.readers.docx import read_docx
    doc = read_pdf(SAMPLES / e["file"])
    assert doc.format == "pdf" and doc.sha256
    word = read_docx(docx_of(e), "form.docx")
    want = [norm(c.text) for t in word.tables() for c in t.cells if norm(c.text)]
    got = [norm(c.text) for t in doc.tables() for c in t.cells if norm(c.text)]
    # a row that Word broke across a page: the two halves are the last/first rows of two tables
    tables = list(doc.tables())
    for a, b in zip(tables, tables[1:]):
        last, first = a.grid()[-1], b.grid()[0]
        got += [norm(x + y) for x, y in zip(last, first)]
    missing = [w for w in want if w not in got]
    assert not missing, missing[:5]
    assert all(t.page for t in doc.tables())
    # the 填报/时间 lines and the title are paragraphs, not lost
    assert any(p.text for p in doc.paragraphs())


@pytest.mark.parametrize("degrees", [90, 270])
def test_a_pdf_saved_rotated_reads_as_upright(tmp_path, degrees):
    """Every page turned (/Rotate) as a viewer's 'rotate and save' leaves it: the text runs
    sideways, and the tables, lines and record are those of the upright file."""
    import pypdfium2 as pdfium
    e = next(e for e in TEXT_PDFS if e["form_type"] == "self_check")
    pdf = pdfium.PdfDocument(str(SAMPLES / e["file"]))
    for i in range(len(pdf)):
        pdf[i].set_rotation(degrees)
    turned = tmp_path / "turned.pdf"
    pdf.save(str(turned))
    pdf.close()
    a, b = read_pdf(SAMPLES / e["file"]), read_pdf(turned)
    assert [[c.text for c in t.cells] for t in b.tables()] == [[c.text for c in t.cells] for t in a.tables()]
    assert [p.text for p in b.paragraphs()] == [p.text for p in a.paragraphs()]
    assert not field_diff(e, record_of(b, e["form_type"]))


@pytest.mark.parametrize("e", TEXT_PDFS, ids=[e["form_type"] for e in TEXT_PDFS])
def test_text_pdf_round_trip(e):
    """Forms split over two pages (self_check: a row cut in two; progress_dispatch) are joined."""
    doc = read_pdf(SAMPLES / e["file"])
    rec = record_of(doc, e["form_type"])
    assert rec.source["format"] == "pdf"
    assert field_diff(e, rec) == []
    assert not [w for w in rec.warnings if w["code"] == "low_confidence"]


def test_multipage_tables_keep_their_page():
    multi = [e for e in TEXT_PDFS if e["pages"] > 1]
    assert multi, "no multi-page sample"
    doc = read_pdf(SAMPLES / multi[0]["file"])
    pages = [t.page for t in doc.tables()]
    assert pages == sorted(pages) and pages[-1] == multi[0]["pages"] and len(pages) >= 2
    assert doc.pages == multi[0]["pages"] and doc.notes == []


def test_fake_bold_and_soft_wraps(tmp_path):
    """Doubled glyphs (fake bold) are read once; a code wrapped by the cell width runs on."""
    from docx import Document
    from generators.office import convert
    d = Document()
    t = d.add_table(rows=2, cols=2)
    t.style = "Table Grid"
    t.cell(0, 0).text, t.cell(0, 1).text = "统一社会信用代码", "91140500MA0K3D7Q2L"
    t.cell(1, 0).text = "存在问题"
    t.cell(1, 1).text = "1.配电箱未上锁\n2.灭火器压力不足"
    t.columns[1].width = t.cell(0, 1).width = t.cell(1, 1).width = 700000   # ~1.9 cm: the code wraps
    run = d.add_paragraph().add_run("填报单位：北石店镇人民政府")
    run.font.bold = True
    d.add_paragraph("")
    d.save(tmp_path / "f.docx")
    pdf = convert([tmp_path / "f.docx"], "pdf", tmp_path)[tmp_path / "f.docx"]
    doc = read_pdf(pdf)
    table = next(doc.tables())
    assert table.grid()[0][1] == "91140500MA0K3D7Q2L"
    assert table.grid()[1][1] == "1.配电箱未上锁\n2.灭火器压力不足"
    assert [p.text for p in doc.paragraphs()] == ["填报单位：北石店镇人民政府"]


# --- bad inputs ----------------------------------------------------------------------------

def error_of(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        read_pdf(path)
    err = info.value
    assert str(path) in err.message and "\n" not in err.message
    return err


def test_encrypted_pdf(tmp_path):
    from generators.office import convert
    src = SAMPLES / "fills.yaml"   # any text file LibreOffice opens
    target = ('pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
              '"DocumentOpenPassword":{"type":"string","value":"x"}}')
    out = convert([src], target, tmp_path)
    assert out, "LibreOffice did not write the encrypted PDF"
    assert error_of(out[src]).code == "encrypted"


def test_html_named_pdf(tmp_path):
    p = tmp_path / "统计表.pdf"
    p.write_text("<!DOCTYPE html><html><body><table><tr><td>检查组</td></tr></table></body></html>", encoding="utf-8")
    assert error_of(p).code == "wrong_type"


def test_zero_page_pdf(tmp_path):
    import pypdfium2 as pdfium
    p = tmp_path / "empty.pdf"
    pdfium.PdfDocument.new().save(str(p))
    assert error_of(p).code == "empty"


def test_truncated_pdf(tmp_path):
    p = tmp_path / "cut.pdf"
    p.write_bytes((SAMPLES / TEXT_PDFS[0]["file"]).read_bytes()[:3000])
    assert error_of(p).code in ("corrupt", "empty")


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory) -> Path:
    """A 200-page text PDF (one form page copied)."""
    import pypdfium2 as pdfium
    src = pdfium.PdfDocument(str(SAMPLES / "supervision_check.pdf"))
    out = pdfium.PdfDocument.new()
    for _ in range(200):
        out.import_pages(src, [0])
    p = tmp_path_factory.mktemp("long") / "200页.pdf"
    out.save(str(p))
    return p


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_200_pages_bounded_memory(long_pdf):
    """Progress on every page, memory flat (speed: bench/bench_pdf.py, ~9 s on 2 idle cores)."""
    seen, rss = [], {}

    def progress(page, total):
        seen.append((page, total))
        if page in (20, 200):
            rss[page] = rss_mb()
    doc = read_pdf(long_pdf, progress=progress)
    assert seen[0] == (1, 200) and seen[-1] == (200, 200) and len(seen) == 200
    tables = list(doc.tables())
    assert len(tables) == 200 and tables[-1].page == 200 and doc.pages == 200
    assert doc.format == "pdf"
    assert rss[200] - rss[20] < 150, rss          # pages are closed: memory does not grow with pages


def test_page_limit(long_pdf, monkeypatch):
    monkeypatch.setenv("PAICHA_MAX_PAGES", "150")
    err = error_of(long_pdf)
    assert err.code == "too_large" and "150" in err.message


def test_cid_junk_is_not_a_text_layer():
    assert not pdf_reader.has_text_layer("  \n ")
    assert not pdf_reader.has_text_layer("\ufffd\ufffd\ufffd\ufffd\ufffd填")
    assert pdf_reader.has_text_layer("督导检查表 检查日期")
    junk = [Table.from_grid([["(cid:12)(cid:13)(cid:14)", "(cid:15)"]])]
    assert pdf_reader._is_junk(junk)


@pytest.fixture(scope="module")
def prose_pdf(tmp_path_factory) -> Path:
    """A long notice (no 附件 form) rendered from samples/notices to PDF: pages of prose only."""
    from generators.gongwen.notice import notice
    out = tmp_path_factory.mktemp("prose")
    draft = Path(__file__).resolve().parent.parent / "samples" / "notices" / "004_晋城安委会_治本攻坚三年行动.md"
    return notice(draft, out / "notice.docx", pdf=True).with_suffix(".pdf")


def test_prose_pages_give_no_text_table(prose_pdf):
    """Without ruling lines a table is found from aligned columns only: prose, headings, the
    signature and the 版记 stay lines on every page."""
    doc = read_pdf(prose_pdf)
    assert doc.format == "pdf" and len({b.page for b in doc.blocks}) >= 10
    assert not [b for b in doc.blocks if isinstance(b, Table)]


def test_unbordered_sheet_is_a_grid(tmp_path):
    """A statistics sheet printed without borders: its rows and columns come back as a Table, the
    title and the 填报单位 line (running over the columns) as lines."""
    from openpyxl import Workbook

    from generators.office import convert
    wb = Workbook()
    ws = wb.active
    for row in [["行动统计表"], ["填报单位：巴公镇人民政府"], ["单位", "检查组", "一般隐患排查", "一般隐患整改"],
                ["第一组", 2, 15, 12], ["第二组", 1, 8, 8], ["合计", 3, 23, 20]]:
        ws.append(row)
    for col in "ABCD":
        ws.column_dimensions[col].width = 14      # headers not clipped by the next cell
    src = tmp_path / "sheet.xlsx"
    wb.save(src)
    doc = read_pdf(convert([src], "pdf", tmp_path)[src])
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert len(tables) == 1
    assert tables[0].grid() == [["单位", "检查组", "一般隐患排查", "一般隐患整改"], ["第一组", "2", "15", "12"],
                                ["第二组", "1", "8", "8"], ["合计", "3", "23", "20"]]
    assert [b.text for b in doc.blocks if not isinstance(b, Table)] == ["行动统计表", "填报单位：巴公镇人民政府"]


def _chars(text: str, x0: float, top: float, width: float = 10.0) -> list[dict]:
    """pdfplumber-like characters of `text`, each `width` wide, from x0 on one line."""
    return [{"text": ch, "x0": x0 + i * width, "x1": x0 + (i + 1) * width, "top": top, "bottom": top + 10,
             "size": 10.0, "upright": True, "doctop": top} for i, ch in enumerate(text)]


def test_a_line_printed_over_another_is_read_as_two_lines():
    """A wrapped label overflowing its row prints its last line over the next row's first line:
    the characters share places; the two lines come apart, the shorter (the end of the cell above)
    first."""
    end_of_above, start_of_next = _chars("作）（至字）", 50, 100), _chars("存在问题（每个方面", 50, 100.5)
    mixed = [c for pair in zip(start_of_next, end_of_above) for c in pair] + start_of_next[len(end_of_above):]
    lines = pdf_reader._char_lines(mixed)
    assert [["".join(w["text"] for w in ln)] for ln in lines] == [["作）（至字）"], ["存在问题（每个方面"]]
    # characters merely touching are one line
    assert len(pdf_reader._char_lines(_chars("单位名称", 50, 100) + _chars("城区", 90.2, 100))) == 1


def test_a_cell_printed_on_into_its_filled_neighbour_is_cut_at_the_neighbours_start():
    words = [pdf_reader._word(_chars("1", 40, 100, 5)), pdf_reader._word(_chars("安装报警装置孙瑞祥", 50, 100))]
    line = pdf_reader._split_overflow(words, [50.0, 110.0, 200.0])
    assert [w["text"] for w in line] == ["1", "安装报警装置", "孙瑞祥"]
    # no character starts at a column: a title running over the columns stays whole
    title = [pdf_reader._word(_chars("隐患排查治理台账", 55, 80))]
    assert [w["text"] for w in pdf_reader._split_overflow(title, [50.0, 110.0, 200.0])] == ["隐患排查治理台账"]


def test_parent_labels_of_a_borderless_header_span_their_children():
    texts = [["", "隐患基本情况", "", "", "", "整改情况", "", ""],
             ["", "", "隐患", "", "", "", "责任", ""],
             ["序号", "企业名称", "部位", "描述", "等级", "整改措施", "责任人", "期限"],
             ["1", "兴旺加油站", "油罐区", "无静电接地", "重大", "安装接地", "王兴旺", "2023.5.10"]]
    spans = pdf_reader._parent_spans(texts)
    assert spans[(0, 1)] == 4 and spans[(0, 5)] == 3          # up to the next label of the row
    assert spans[(1, 2)] == 3 and spans[(1, 6)] == 2          # within the label above
    assert not any(r >= 2 for r, _ in spans)                  # the leaf row and the body keep one column each


def test_a_sheet_too_wide_for_the_paper_is_read_with_its_right_part_beside_it(tmp_path):
    """A 70-row register without borders, its last column printed on the pages after the first
    two (down, then across): every row keeps its 状态, read from page 3 or 4."""
    from openpyxl import Workbook

    from generators.office import convert
    from parsers.recognize import records_from_document
    wb = Workbook()
    ws = wb.active
    ws.append(["隐患台账"])
    ws.append(["序号", "企业名称", "隐患描述", "整改期限", "状态"])
    status = ["已整改", "整改中", "未整改"]
    for i in range(1, 71):
        ws.append([i, f"城区第{i % 7}号厂", "消防通道" + "被占用" * (1 + i % 3), f"2023-05-{1 + i % 28:02d}", status[i % 3]])
    for col, width in zip("ABCDE", [6, 20, 32, 12, 10]):
        ws.column_dimensions[col].width = width
    src = tmp_path / "台账.xlsx"
    wb.save(src)
    doc = read_pdf(convert([src], "pdf", tmp_path)[src])
    assert doc.pages == 4
    [rec] = records_from_document(doc)
    assert rec.form_type == "hazard_register" and len(rec.data["rows"]) == 70
    assert [r["status"] for r in rec.data["rows"]] == [status[i % 3] for i in range(1, 71)]


def test_a_borderless_table_goes_on_in_the_columns_of_the_page_before(tmp_path):
    """A register without borders over two pages, its header repeated on page 2, its 验收情况
    column filled only in the first rows: page 2 keeps that column (used there by the repeated
    header alone), the header is not a row and no row is lost."""
    from openpyxl import Workbook

    from generators.office import convert
    from parsers.recognize import records_from_document
    wb = Workbook()
    ws = wb.active
    ws.append(["隐患台账"])
    ws.append(["序号", "企业名称", "隐患描述", "整改期限", "验收情况"])
    for i in range(1, 71):
        ws.append([i, f"城区第{i % 7}号厂", "消防通道" + "被占用" * (1 + i % 3), f"2023-05-{1 + i % 28:02d}",
                   "已验收" if i < 10 else None])
    for col, width in zip("ABCDE", [6, 14, 22, 12, 10]):
        ws.column_dimensions[col].width = width
    ws.print_title_rows = "2:2"
    src = tmp_path / "台账.xlsx"
    wb.save(src)
    doc = read_pdf(convert([src], "pdf", tmp_path)[src])
    assert doc.pages == 2
    assert [b.n_cols for b in doc.blocks if isinstance(b, Table)] == [5, 5]
    [rec] = records_from_document(doc)
    assert [r["seq"] for r in rec.data["rows"]] == list(range(1, 71))
    assert [r["acceptance"] for r in rec.data["rows"]][8:10] == ["已验收", None]
