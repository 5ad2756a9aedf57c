"""The fast paths of issue 17 give what the slow ones gave: the direct .xlsx reader against openpyxl,
cached label scores against fresh ones, the 通报 numbers by scan and by index seek, plain values in the
records workbook, one task per PDF or image."""
from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest

import parsers.readers.xlsx as xlsx_reader
from generators.records_xlsx import write_records_xlsx
from parsers import extract
from parsers.pipeline import ALONE_SUFFIXES, LEGACY_SUFFIXES, _chunks, parse
from parsers.readers import read_file

SS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _workbook(path: Path, sheet1_cells: str, date1904: bool = False, merges: str = "") -> Path:
    """A hand-written package: shared strings (one rich), styles (date, percent, month, custom date),
    a visible sheet with the given cells and a hidden sheet."""
    pr = ' date1904="1"' if date1904 else ""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '</Types>'),
        "_rels/.rels": (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
                        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{SS}" xmlns:r="{REL}">'
            f'<workbookPr{pr}/><sheets>'
            '<sheet name="统计表" sheetId="1" r:id="rId1"/><sheet name="隐藏" sheetId="2" state="hidden" r:id="rId2"/>'
            '</sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/worksheet" Target="/xl/worksheets/sheet2.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId4" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{SS}">'
            '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/>'
            '<numFmt numFmtId="165" formatCode="yyyy/m/d"/></numFmts>'
            '<fonts count="1"><font><sz val="11"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
            '<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="10"/><xf numFmtId="164"/>'
            '<xf numFmtId="165"/><xf numFmtId="21"/></cellXfs></styleSheet>'),
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{SS}">'
            '<si><t>填报单位：北石店镇</t></si><si><t>单位</t></si><si><t>隐患数</t></si>'
            '<si><r><t>整改</t></r><r><rPr><b/></rPr><t xml:space="preserve">率 </t></r><rPh sb="0" eb="2"><t>ふりがな</t></rPh></si>'
            '<si><t>甲x005F_x000D_乙</t></si><si><t>=SUM(A1)</t></si></sst>'),
        "xl/worksheets/sheet1.xml": (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{SS}"><sheetData>'
                                     f'{sheet1_cells}</sheetData>{merges}</worksheet>'),
        "xl/worksheets/sheet2.xml": (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{SS}"><sheetData>'
                                     '<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>2</v></c></row>'
                                     '</sheetData></worksheet>'),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text.encode("utf-8"))
    return path


CELLS = (
    '<row r="2"><c r="B2" t="s"><v>0</v></c></row>'
    '<row r="3"><c r="B3" t="s"><v>1</v></c><c r="C3" t="s"><v>2</v></c><c r="D3" t="s"><v>3</v></c>'
    '<c r="E3" t="inlineStr"><is><r><t>备</t></r><r><t>注</t></r></is></c></row>'
    '<row r="4"><c r="B4" t="s"><v>4</v></c><c r="C4"><v>12</v></c><c r="D4" s="2"><v>0.875</v></c>'
    '<c r="E4" t="s"><v>5</v></c><c r="F4" s="1"><v>44990</v></c></row>'
    '<row r="5"><c r="B5" t="str"><f>A1</f><v>公式文字</v></c><c r="C5"><v>1.50</v></c><c r="D5" t="b"><v>1</v></c>'
    '<c r="E5" t="e"><v>#N/A</v></c><c r="F5" s="3"><v>44986</v></c></row>'
    '<row r="6"><c r="B6" s="4"><v>45000.5</v></c><c r="C6" s="5"><v>0.75</v></c><c r="D6"><v>3E2</v></c>'
    '<c r="E6" t="d"><v>2023-03-05T00:00:00</v></c><c r="F6"><f>SUM(C4:C5)</f></c></row>'
    '<row r="7"><c r="B7" t="s"><v>1</v></c><c r="C7" t="s"><v>2</v></c><c r="D7"><v>5</v></c></row>'
    '<row r="8"><c r="B8"><v>7</v></c><c r="C8" s="1"/></row>')
MERGES = '<mergeCells count="2"><mergeCell ref="B7:B8"/><mergeCell ref="C7:D7"/></mergeCells>'


def _both(path: Path):
    fast = xlsx_reader.read_xlsx(path, str(path))
    saved = xlsx_reader._direct_sheets
    xlsx_reader._direct_sheets = lambda parts, display: None
    try:
        slow = xlsx_reader.read_xlsx(path, str(path))
    finally:
        xlsx_reader._direct_sheets = saved
    return fast, slow


@pytest.mark.parametrize("date1904", [False, True])
def test_direct_xlsx_reader_reads_what_openpyxl_reads(tmp_path, date1904):
    path = _workbook(tmp_path / "w.xlsx", CELLS, date1904, MERGES)
    parts = dict((n, zipfile.ZipFile(path).read(n)) for n in zipfile.ZipFile(path).namelist())
    assert xlsx_reader._direct_sheets(parts, "w") is not None            # it really took the direct way
    fast, slow = _both(path)
    assert fast == slow
    table = next(fast.tables())
    texts = {c.text for c in table.cells}
    assert {"整改率 ", "甲x000D_乙", "=SUM(A1)", "87.5%", "公式文字", "TRUE", "#N/A", "1.5", "300"} <= texts
    assert ("2023-03-05" if not date1904 else "2027-03-06") in texts    # 44990 in either epoch
    assert "隐患数" in texts and "ふりがな" not in "".join(texts)
    assert "7" not in texts                     # B8 is covered by the B7:B8 merge: openpyxl drops it too


def test_direct_xlsx_reader_leaves_odd_workbooks_to_openpyxl(tmp_path):
    no_refs = CELLS.replace(' r="C4"', "")       # a cell without its coordinate: openpyxl counts columns
    path = _workbook(tmp_path / "w.xlsx", no_refs)
    parts = dict((n, zipfile.ZipFile(path).read(n)) for n in zipfile.ZipFile(path).namelist())
    assert xlsx_reader._direct_sheets(parts, "w") is None
    fast, slow = _both(path)
    assert fast == slow and "12" in {c.text for c in next(fast.tables()).cells}


def test_direct_xlsx_reader_on_openpyxl_written_workbook(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws.append(["序号", "企业名称", "检查日期", "罚款（万元）", "比例"])
    ws.append([1, "甲公司", __import__("datetime").date(2023, 3, 9), 1.25, 0.5])
    ws["E2"].number_format = "0%"
    ws.merge_cells("A3:B3")
    ws["A3"] = "合计"
    wb.create_sheet("空白")
    wb.save(tmp_path / "o.xlsx")
    fast, slow = _both(tmp_path / "o.xlsx")
    assert fast == slow
    assert {"2023-03-09", "50%", "1.25", "合计"} <= {c.text for c in next(fast.tables()).cells}


def test_cached_label_scores_equal_fresh_ones():
    groups = (("企业名称", "单位名称"), ("检查日期",), (), ("隐患数量", "隐患（项）"))
    first = ("企业名称", "检查时间", "隐患(项)", "", "单位名称（盖章）")
    second = ("隐患(项)", "宏达公司", "企业名称", "企业名称")
    extract._columns.clear()
    a = extract.group_scores(groups, first, extract.MATCH)
    b = extract.group_scores(groups, second, extract.MATCH)          # two texts from the cache, one new
    extract._columns.clear()
    fresh_b = extract.group_scores(groups, second, extract.MATCH)
    assert (b == fresh_b).all() and b.shape == (4, 4)
    assert (a[:, 0] == b[:, 2]).all() and a[0, 0] == 1.0 and (b[2] == 0).all()


def test_pdfs_and_images_are_tasks_of_their_own():
    names = [f"{i}{ext}" for i, ext in enumerate([".docx", ".pdf", ".xls", ".docx", ".jpg", ".doc", ".xlsx"] * 9)]
    chunks = _chunks([Path(n) for n in names], 2)
    assert sorted(i for c in chunks for i, _ in c) == list(range(len(names)))
    assert chunks == sorted(chunks, key=lambda c: c[0][0])
    for c in chunks:
        suffixes = {Path(p).suffix for _, p in c}
        if suffixes & ALONE_SUFFIXES:
            assert len(c) == 1
        assert not (suffixes & LEGACY_SUFFIXES) or suffixes <= LEGACY_SUFFIXES


def test_parse_counts_cpu_by_format(tmp_path):
    path = _workbook(tmp_path / "w.xlsx", CELLS, False, MERGES)
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    s = parse([tmp_path], workers=1)
    assert s.files_by_format == {"xlsx": 1, "error": 1}
    assert s.cpu_by_format["xlsx"] > 0 and set(s.cpu_by_format) == {"xlsx", "error"}
    assert read_file(path)[0].format == "xlsx"


def test_records_workbook_keeps_formula_and_error_texts_as_text(tmp_path):
    rec = {"form_type": "enterprise_register", "schema_version": 1, "form_title": "", "warnings": [],
           "source": {"path": "a.docx"}, "header": {"reporting_unit": "#N/A"},
           "data": {"name": "=HYPERLINK(\"x\")", "address": "@SUM(1)", "employees": 12, "products": "#REF!"}}
    out = write_records_xlsx([rec], tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(out).worksheets[0]
    cells = {c.value: c.data_type for row in ws.iter_rows(min_row=2) for c in row if c.value is not None}
    for text in ("#N/A", "=HYPERLINK(\"x\")", "@SUM(1)", "#REF!"):
        assert cells[text] == "s", text
    assert cells[12] == "n"


def _workbook_cells(path: Path) -> list[tuple]:
    """Every cell of every sheet: value, type, bold, fill, wrap, comment; sheets' widths and panes."""
    wb = openpyxl.load_workbook(path)
    out: list[tuple] = []
    for ws in wb.worksheets:
        out.append((ws.title, ws.freeze_panes, sorted((k, d.width) for k, d in ws.column_dimensions.items())))
        out += [(c.coordinate, c.value, c.data_type, c.font.b, c.fill.fgColor.rgb, c.alignment.wrap_text,
                 (c.comment.text, c.comment.author) if c.comment else None) for row in ws.iter_rows() for c in row]
    return out


def test_records_workbook_lines_appended_as_values_equal_cell_by_cell(tmp_path, monkeypatch):
    """A line with no warned cell and no text openpyxl could misread goes to append() as its values;
    written cell by cell through set_cell instead, the workbook holds the same cells, types and styles."""
    import generators.records_xlsx as rx
    from bench.bench_records_xlsx import make_records
    records = make_records(90)
    records[4]["data"]["name"] = "=1+1"
    records[7]["header"]["reporting_unit"] = "#N/A"
    records[10]["data"]["address"] = "-5号"
    records[13]["data"]["principal"] = {"name": "+张三", "mobile": 13512345678}
    fast = _workbook_cells(write_records_xlsx(records, tmp_path / "fast.xlsx"))
    lines_checked = []
    real = rx._plain
    monkeypatch.setattr(rx, "_plain", lambda values: lines_checked.append(len(values)) or
                        (len(values) == 1 and real(values)))
    slow = _workbook_cells(write_records_xlsx(records, tmp_path / "slow.xlsx"))
    assert len(fast) > 2000 and fast == slow
    assert any(n > 1 for n in lines_checked)          # whole lines were offered, and refused here
    cells = {c[1]: c[2] for c in fast if len(c) == 7 and isinstance(c[1], str)}
    assert cells["=1+1"] == cells["#N/A"] == cells["-5号"] == cells["+张三"] == "s"


def test_register_numbers_by_scan_and_by_seek_agree(tmp_path, monkeypatch):
    from ledger import aggregate as agg_mod
    from ledger.db import connect, transaction
    db = tmp_path / "l.db"
    con = connect(db)
    with transaction(con):
        con.execute("INSERT INTO enterprises (name, norm_name, industry) VALUES ('甲厂', '甲厂', '化工')")
        rows = [(f"企业{i}", 1 if i % 3 == 0 else None, ["第1镇", None, "第2镇"][i % 3], [None, "建材"][i % 2],
                 "第9镇人民政府", f"隐患{i}", "major" if i % 7 == 0 else "general", f"2023-0{3 + (i % 5 == 4)}-{1 + i % 28:02d}",
                 f"2023-03-{1 + i % 28:02d}", ["open", "rectified", "closed"][i % 3]) for i in range(300)]
        con.executemany("INSERT INTO hazards (enterprise, enterprise_id, town, industry, reporting_unit, description,"
                        " level, found_date, deadline, status, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                        " 'supervision_check')", rows)
    con.close()
    results = []
    for share in (0.0, 1.0):                     # always scan, never scan
        monkeypatch.setattr(agg_mod, "SCAN_SHARE", share)
        a = agg_mod.aggregate(db, "2023-03", today="2023-03-15")
        results.append((a.register, a.major_hazards))
    assert results[0] == results[1]
    reg = results[0][0]
    assert reg.total.found == sum(1 for r in rows if r[7].startswith("2023-03"))
    assert "化工" in reg.by_industry and "建材" in reg.by_industry
