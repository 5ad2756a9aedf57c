"""The records workbook: records as a filler wrote them → normalised, validated → written,
then read back with openpyxl and as raw XML."""
import re
import zipfile

import openpyxl
import pytest

from generators.records_xlsx import write_records_xlsx
from schema.credit_code import check_char
from schema.normalize import normalize
from schema.record import Record
from schema.validate import apply_rules, low_confidence

HOSTILE = ['=HYPERLINK("http://x")', "{{ 7*7 }}", "<script>alert(1)</script>", "+1", "-2", "@SUM(1)", "=1+1"]
GOOD_CODE = "91140500MA0GRX1A2" + check_char("91140500MA0GRX1A2")
BAD_CODE = GOOD_CODE[:17] + ("0" if GOOD_CODE[17] != "0" else "1")


def _register(name: str, code: str, products: str) -> dict:
    r = Record("enterprise_register", "生产经营单位摸底登记表",
               header={"reporting_unit": "北石店镇人民政府", "fill_date": normalize("date", "2023年3月5日").value},
               source={"path": f"returns/北石店镇/{name}.docx", "format": "docx", "part": "table 1"})
    r.data = {"name": normalize("text", name).value,
              "credit_code": normalize("credit_code", code).value,
              "principal": normalize("person", ("赵 强", "135 1358 3104")).value,
              "employees": normalize("count", "12人").value,
              "has_major_hazard_source": normalize("yes_no", "否").value,
              "products": products,
              "safety_org": {"staff": normalize("names", "王五、赵六").value}}
    apply_rules(r, [{"rule": "credit_code", "field": "credit_code"},
                    {"rule": "required", "fields": ["address"]}])
    return r.to_json()


def _stats() -> dict:
    r = Record("campaign_stats", "大排查大整治行动统计表", header={"reporting_unit": "-2"},
               source={"path": "returns/统计表.xlsx", "format": "xlsx", "part": "sheet 统计表"})
    r.data = {"rows": [{"unit": "@SUM(1)", "general_hazards_found": 3, "general_hazards_fixed": 5, "fines_wan": 0.5},
                       {"unit": "第二组", "general_hazards_found": 2, "general_hazards_fixed": 1, "fines_wan": 1.0}],
              "totals": {"general_hazards_found": 6, "general_hazards_fixed": 6, "fines_wan": 1.5}}
    apply_rules(r, [{"rule": "fixed_le_found", "pairs": [["general_hazards_found", "general_hazards_fixed"]]},
                    {"rule": "totals", "keys": ["general_hazards_found", "general_hazards_fixed", "fines_wan"]}])
    low_confidence(r, "rows[1].unit", 0.42)
    return r.to_json()


def _self_check() -> dict:
    r = Record("self_check", "生产经营单位自查表", source={"path": "returns/自查表.pdf", "format": "pdf-scan"})
    marks = [("√", "√"), ("×", "0"), ("不涉及", "")]
    r.data = {"enterprise": {"name": "甲公司", "phone": "0356-2286336"},
              "items": [{"no": i + 1, "category": "消防安全", "content": f"第{i + 1}项内容",
                         "self_result": normalize("mark", a).value, "check_result": normalize("mark", b).value}
                        for i, (a, b) in enumerate(marks)]}
    return r.to_json()


RECORDS = [_register(HOSTILE[0], BAD_CODE, HOSTILE[1]), _register("乙公司", GOOD_CODE, HOSTILE[2]),
           _stats(), _self_check(),
           {"schema_version": 1, "source": {"path": "returns/杂表.docx", "part": "table 3"}, "form_type": "unknown",
            "form_title": "", "header": {}, "data": {"tables": [[["名称", "数量"], ["=1+1", "3"], ["+1", "@SUM(1)", "x"]]]},
            "warnings": [{"field": "data.tables", "code": "unrecognized", "message": "未能识别的表格"}]}]
ERRORS = [{"source": {"path": "returns/坏文件.docx"}, "error": {"code": "corrupt", "message": "坏文件.docx：文件已损坏"}},
          {"path": "returns/加密.xlsx", "code": "encrypted", "reason": "加密.xlsx：文件已加密，请去掉密码后重新报送"}]


@pytest.fixture(scope="session")
def book(tmp_path_factory):
    out = write_records_xlsx(iter(RECORDS), tmp_path_factory.mktemp("rx") / "out" / "汇总.xlsx", ERRORS)
    return out, openpyxl.load_workbook(out)


def _table(ws):
    """Header labels → column index, and the data rows as cell lists."""
    rows = list(ws.iter_rows())
    return {c.value: i for i, c in enumerate(rows[0])}, rows[1:]


def test_sheets_in_order(book):
    _, wb = book
    assert wb.sheetnames == ["摸底登记表", "自查表", "统计表", "未识别", "错误"]


def test_hostile_text_stays_literal(book):
    path, wb = book
    seen = set()
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if c.value in HOSTILE:
                    assert c.data_type == "s", (ws.title, c.coordinate, c.value)
                    seen.add(c.value)
    assert seen == set(HOSTILE)
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 5
        for n in sheets:
            assert not re.search(rb"<(\w+:)?f[ >]", z.read(n)), n


def test_register_row_and_flattened_columns(book):
    _, wb = book
    cols, rows = _table(wb["摸底登记表"])
    assert len(rows) == 2
    first = rows[0]
    assert first[cols["文件"]].value == 'returns/北石店镇/=HYPERLINK("http://x").docx'
    assert first[cols["单位名称"]].value == HOSTILE[0]
    assert first[cols["填报日期"]].value == "2023-03-05"
    assert first[cols["主要负责人姓名"]].value == "赵强"
    assert first[cols["主要负责人手机"]].value == "13513583104"
    assert first[cols["职工人数（从业人数）"]].value == 12
    assert first[cols["是否有重大危险源"]].value == "否"
    assert first[cols["专（兼）职安全管理人员名单"]].value == "王五；赵六"
    assert list(cols)[0] == "序号" and list(cols)[-1] == "问题"


def test_warnings_highlighted_with_comments(book):
    _, wb = book
    cols, rows = _table(wb["摸底登记表"])
    code = rows[0][cols["统一社会信用代码"]]
    assert code.value == BAD_CODE
    assert code.fill.fill_type == "solid" and code.fill.fgColor.rgb.endswith("FFFF00")
    assert code.comment.text == "统一社会信用代码校验位不符"
    assert "统一社会信用代码校验位不符" in rows[0][cols["问题"]].value
    assert "单位所在地未填写" in rows[0][cols["问题"]].value        # a field with no column: listed only
    good = rows[1][cols["统一社会信用代码"]]
    assert good.value == GOOD_CODE and good.fill.fill_type is None and good.comment is None
    assert rows[1][cols["问题"]].value == "单位所在地未填写"


def test_row_forms_one_row_per_data_row_and_totals(book):
    _, wb = book
    cols, rows = _table(wb["统计表"])
    assert [r[cols["表内行号"]].value for r in rows] == [1, 2, "合计"]
    assert [r[cols["填报单位"]].value for r in rows] == ["-2", "-2", "-2"]
    assert all(r[cols["填报单位"]].data_type == "s" for r in rows)
    assert [r[cols["一般隐患排查（项）"]].value for r in rows] == [3, 2, 6]
    assert [r[cols["行政罚款（万元）"]].value for r in rows] == [0.5, 1.0, 1.5]
    fixed = rows[0][cols["一般隐患整改（项）"]]
    assert fixed.fill.fgColor.rgb.endswith("FFFF00") and "大于" in fixed.comment.text
    total = rows[2][cols["一般隐患排查（项）"]]
    assert total.fill.fgColor.rgb.endswith("FFFF00") and "各行相加应为5" in total.comment.text
    unsure = rows[1][cols["检查组/单位"]]
    assert unsure.fill.fgColor.rgb.endswith("FFC000")
    assert "需人工核对" in unsure.comment.text
    assert rows[0][cols["一般隐患排查（项）"]].fill.fill_type is None


def test_self_check_one_row_per_item_with_marks(book):
    _, wb = book
    cols, rows = _table(wb["自查表"])
    assert len(rows) == 3
    assert [r[cols["项目序号"]].value for r in rows] == [1, 2, 3]
    assert [r[cols["自查结果"]].value for r in rows] == ["√", "×", None]
    assert [r[cols["检查结果"]].value for r in rows] == ["√", "整改中", None]
    assert {r[cols["企业名称"]].value for r in rows} == {"甲公司"}


def test_unknown_tables_kept_cell_by_cell(book):
    _, wb = book
    cols, rows = _table(wb["未识别"])
    assert [r[cols["列1"]].value for r in rows] == ["名称", "=1+1", "+1"]
    assert rows[2][cols["列3"]].value == "x"
    assert rows[0][cols["问题"]].value == "未能识别的表格"


def test_error_sheet(book):
    _, wb = book
    cols, rows = _table(wb["错误"])
    assert [(r[cols["文件"]].value, r[cols["代码"]].value) for r in rows] == [
        ("returns/坏文件.docx", "corrupt"), ("returns/加密.xlsx", "encrypted")]
    assert rows[1][cols["原因"]].value == "加密.xlsx：文件已加密，请去掉密码后重新报送"


def test_header_bold_frozen_and_widths(book):
    _, wb = book
    for ws in wb:
        assert ws.freeze_panes == "A2"
        assert all(c.font.b for c in next(ws.iter_rows()))
    ws = wb["摸底登记表"]
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert 6 <= min(widths.values()) and max(widths.values()) <= 50
    cols, _ = _table(ws)
    letter = openpyxl.utils.get_column_letter(cols["专（兼）职安全管理人员名单"] + 1)
    assert widths[letter] > widths["A"]


def test_column_width_counts_wide_characters_double(tmp_path):
    """Widths as a reader sees them: CJK and full-width characters two columns, ASCII, "…", "①",
    "—" one (Kangxi radicals, as PDFs give 人口工, two); the longest line of a multi-line value;
    numbers by their digits."""
    values = ["中文名称ABC", "整改…①—完成", "第一行\n第二行很长很长", "ｆｕｌｌ", 12345.5, "a" * 60, "\u2f08\u2f1d\u2f2f"]
    rec = {"form_type": "unknown", "source": {"path": "w.docx"}, "header": {}, "warnings": [],
           "data": {"tables": [[values]]}}
    ws = openpyxl.load_workbook(write_records_xlsx([rec], tmp_path / "w.xlsx"))["未识别"]
    cols, _ = _table(ws)
    width = {v: ws.column_dimensions[openpyxl.utils.get_column_letter(cols[f"列{j + 1}"] + 1)].width
             for j, v in enumerate(values)}
    assert [width[v] for v in values] == [8 + 3 + 2, 4 + 3 + 4 + 2, 14 + 2, 8 + 2, 7 + 2, 50, 6 + 2]


def test_control_characters_and_empty_input(tmp_path):
    rec = {"form_type": "supervision_check", "source": {"path": "a\x07b.docx"}, "header": {},
           "data": {"problems": ["通道\x00堵塞", "无灭火器"], "check_date": "2023-03-05"}, "warnings": []}
    out = write_records_xlsx([rec], tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(out)["督导检查表"]
    cols, rows = _table(ws)
    assert rows[0][cols["文件"]].value == "ab.docx"
    assert rows[0][cols["存在问题"]].value == "通道堵塞；无灭火器"
    empty = openpyxl.load_workbook(write_records_xlsx([], tmp_path / "b.xlsx"))
    assert empty.sheetnames == ["错误"]


def test_new_form_spec_gets_its_labels_from_the_spec(tmp_path, monkeypatch):
    from pathlib import Path

    from schema.labels import form_labels
    monkeypatch.setenv("PAICHA_FORMS_DIRS", str(Path(__file__).parent / "specs_extra"))
    form_labels.cache_clear()
    rec = {"form_type": "metallurgy_campaign_stats", "form_title": "冶金工贸统计报表",
           "source": {"path": "冶金.xlsx"}, "header": {"reporting_unit": "某区应急局"},
           "data": {"rows": [{"item": "第一周", "inspection_groups": 2, "supervision": 5}]},
           "warnings": [{"field": "data.rows[0].supervision", "code": "invalid", "message": "数量无法识别：五次"}]}
    try:
        wb = openpyxl.load_workbook(write_records_xlsx([rec], tmp_path / "m.xlsx"))
    finally:
        form_labels.cache_clear()
    ws = wb["冶金工贸行业安全生产大检查大整治大提升专项行动统计报表"[:31]]
    cols, rows = _table(ws)
    assert rows[0][cols["统计项"]].value == "第一周"
    cell = rows[0][cols["督查监管部门情况（次）"]]
    assert cell.value == 5 and cell.comment.text == "数量无法识别：五次"
