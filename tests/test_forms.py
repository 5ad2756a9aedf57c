"""Blank and filled forms drawn from the specs: merged headers, labels, no placeholders;
an extra spec file (001's 冶金工贸 form) is drawn and recognised with no code change."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn

from generators.forms import append_form, blank_form, draw_form
from parsers.readers import read_file
from parsers.recognize import records_from_document
from schema.spec import SpecError, all_specs, load_spec, load_spec_file

EXTRA = Path(__file__).parent / "specs_extra"
FORM_TYPES = ["enterprise_register", "self_check", "supervision_check", "campaign_stats",
              "inspection_stats", "major_hazard_list", "progress_dispatch"]


def _texts(doc) -> list[str]:
    return [c.text for t in doc.tables() for c in t.cells] + [p.text for p in doc.paragraphs()]


@pytest.mark.parametrize("form_type", FORM_TYPES)
@pytest.mark.parametrize("ext", ["docx", "xlsx"])
def test_blank_form_has_title_labels_and_is_recognised(tmp_path, form_type, ext):
    spec = load_spec(form_type)
    out = blank_form(form_type, tmp_path / f"blank.{ext}")
    doc = read_file(out)[0]
    texts = _texts(doc)
    joined = "\n".join(texts)
    assert spec.title in joined
    assert not any(x in joined for x in ("{{", "{%", "None", "null"))
    # every label of the form is printed (first synonym), except header paths that repeat
    for f in spec.all_fields():
        if not f.optional and not f.path:
            assert f.labels[0] in joined, f.labels[0]
    recs = records_from_document(doc)
    assert [r.form_type for r in recs] == [form_type]


def test_campaign_stats_docx_has_merged_multi_row_header(tmp_path):
    out = blank_form("campaign_stats", tmp_path / "s.docx")
    table = next(read_file(out)[0].tables())
    spans = {c.text: (c.rowspan, c.colspan) for c in table.cells if c.text}
    assert spans["集中行动开展情况"] == (1, 4)
    assert spans["一般隐患"] == (1, 2)
    assert spans["追究"] == (1, 2)
    assert spans["检查组"][0] == 3            # vertical merge down to the units row
    assert "（万）" in spans
    d = open_docx(str(out))
    sec = d.sections[0]
    assert sec.page_width > sec.page_height  # wide form → landscape


def test_campaign_stats_xlsx_merges_and_page(tmp_path):
    out = blank_form("campaign_stats", tmp_path / "s.xlsx")
    ws = openpyxl.load_workbook(out).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].value == load_spec("campaign_stats").title
    header_row = next(r for r in range(1, 10) if ws.cell(r, 2).value == "集中行动开展情况")
    assert f"B{header_row}:E{header_row}" in merged
    assert ws.page_setup.orientation == "landscape"
    assert ws["A1"].font.name == "方正小标宋简体"


def test_self_check_blank_has_28_items_and_merged_groups(tmp_path):
    out = blank_form("self_check", tmp_path / "z.docx")
    table = next(read_file(out)[0].tables())
    items = [c.text for c in table.cells if c.col == 1 and c.text[:2].rstrip(".").isdigit()]
    assert len(items) == 28 and items[0].startswith("1. ")
    group = next(c for c in table.cells if c.text == "机构培训制度")
    assert group.rowspan == 5


def test_filled_form_writes_values_as_people_do(tmp_path):
    data = {"enterprise": "晋城市城区宏达建材有限公司", "check_date": "2023-03-05",
            "inspectors": ["李志刚", "王芳"], "problems": ["配电箱未设置漏电保护装置", "消防通道堆放杂物"]}
    out = draw_form("supervision_check", tmp_path / "f.docx", data, {"reporting_unit": "北石店镇人民政府"})
    joined = "\n".join(_texts(read_file(out)[0]))
    assert "2023年3月5日" in joined and "李志刚、王芳" in joined
    assert "1. 配电箱未设置漏电保护装置" in joined
    assert "填报单位（盖章）：北石店镇人民政府" in joined


def test_append_form_into_existing_document(tmp_path):
    d = open_docx()
    d.styles["Normal"].paragraph_format.first_line_indent = 400000     # a 公文-like default
    d.add_paragraph("附件1")
    append_form(d, "major_hazard_list", {"rows": [{"seq": 1, "enterprise": "某某公司"}]},
                {"reporting_unit": "南庄镇人民政府"})
    d.save(tmp_path / "a.docx")
    doc = read_file(tmp_path / "a.docx")[0]
    recs = records_from_document(doc)
    assert recs[0].form_type == "major_hazard_list"
    assert recs[0].data["rows"][0]["enterprise"] == "某某公司"
    cell_par = open_docx(str(tmp_path / "a.docx")).tables[0].cell(0, 0).paragraphs[0]
    assert cell_par.paragraph_format.first_line_indent == 0


def test_unknown_spec_key_rejected(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("form_type: x\ntitle: 某表\nshape: row_list\ncolums: []\n", encoding="utf-8")
    with pytest.raises(SpecError, match="colums"):
        load_spec_file(bad)
    bad.write_text("form_type: x\ntitle: 某表\nshape: row_list\ncolumns:\n  - {key: a, labels: [甲], knd: count}\n",
                   encoding="utf-8")
    with pytest.raises(SpecError, match="knd"):
        load_spec_file(bad)


def test_unknown_form_type():
    with pytest.raises(SpecError, match="未知的表类型"):
        load_spec("no_such_form")


def test_extra_spec_is_drawn_and_recognised_without_code(tmp_path, monkeypatch):
    monkeypatch.setenv("PAICHA_FORMS_DIRS", str(EXTRA))
    spec = load_spec("metallurgy_campaign_stats")
    assert spec.shape == "header_matrix"
    blank = blank_form("metallurgy_campaign_stats", tmp_path / "blank.xlsx")
    assert "成立检查组" in "\n".join(_texts(read_file(blank)[0]))
    data = {"rows": [{"item": "兴县应急管理局", "inspection_groups": 3, "supervision": 5,
                      "enterprise_progress": 12}]}
    header = {"reporting_unit": "兴县应急管理局", "filler": "刘亚军", "fill_date": "2022-05-23"}
    out = draw_form("metallurgy_campaign_stats", tmp_path / "f.docx", data, header)
    recs = records_from_document(read_file(out)[0])
    assert recs[0].form_type == "metallurgy_campaign_stats"
    assert recs[0].data["rows"] == data["rows"]
    assert recs[0].header == header
    monkeypatch.delenv("PAICHA_FORMS_DIRS")
    assert "metallurgy_campaign_stats" in [s.form_type for s in all_specs([EXTRA])]
    assert "metallurgy_campaign_stats" not in [s.form_type for s in all_specs()]


def _grid_mm(path):
    d = open_docx(str(path))
    t = d.tables[0]._tbl
    return [int(g.get(qn("w:w"))) / 56.7 for g in t.tblGrid.findall(qn("w:gridCol"))]


def test_blank_forms_fill_the_page_width_with_spec_widths(tmp_path):
    cols = _grid_mm(blank_form("self_check", tmp_path / "z.docx"))
    assert abs(sum(cols) - 170) < 1                        # A4 portrait less 2 × 20 mm
    assert cols[1] == max(cols) and cols[1] > 3 * cols[2]  # 自查内容 is the wide column (spec widths)
    cols = _grid_mm(blank_form("campaign_stats", tmp_path / "s.docx"))
    assert abs(sum(cols) - 257) < 1 and len(cols) == 18    # landscape page
    cells = open_docx(str(tmp_path / "s.docx")).tables[0]._tbl.iter(qn("w:tc"))
    assert all(tc.find(qn("w:tcPr") + "/" + qn("w:tcW")) is not None for tc in cells)


def test_content_widths_when_the_spec_gives_none():
    from generators.forms import DCell, content_widths
    cells = [DCell(0, 0, "序号"), DCell(0, 1, "隐患具体描述及整改要求"), DCell(0, 2, "（项）"), DCell(1, 1, "x", colspan=2)]
    w = content_widths([cells], 3)
    assert w[1] > w[2] > w[0] - 1 and w[2] == 3
