"""Recognition on other people's layouts: synonyms, re-ordered columns, missing/extra rows,
header lines above/below, titles inside the first row, two forms in one file, a split
自查表, an unknown table, OCR confidence."""
from __future__ import annotations

from generators.forms import draw_form
from parsers.model import Cell, Document, Paragraph, Table
from parsers.readers import read_file
from parsers.recognize import records_from_document
from samples.make_returns import variant


def _doc(*blocks) -> Document:
    return Document(blocks=list(blocks), path="t.docx", format="docx", sha256="0" * 64)


SUPERVISION = [
    ["被检查单位", "晋城市城区宏达建材有限公司", "检查时间", "2023.3.5"],
    ["检查人员", "李志刚、王芳", "", ""],
    ["发现问题", "1.配电箱未设置漏电保护装置；2.消防通道堆放杂物", "", ""],
    ["备用栏", "随便写的", "", ""],                     # an extra row nobody knows
    ["整改期限", "2023年3月20日", "整改责任人", "李红梅"],
]


def test_synonyms_missing_and_extra_rows_header_below():
    doc = _doc(Paragraph("镇（街道）、部门督导检查表"), Table.from_grid(SUPERVISION, part="table 1"),
               Paragraph("填报单位（盖章）：北石店镇人民政府    填报日期：2023年3月6日"))
    [rec] = records_from_document(doc)
    assert rec.form_type == "supervision_check"
    d = rec.data
    assert d["enterprise"] == "晋城市城区宏达建材有限公司"
    assert d["check_date"] == "2023-03-05" and d["deadline"] == "2023-03-20"
    assert d["inspectors"] == ["李志刚", "王芳"]
    assert d["problems"] == ["配电箱未设置漏电保护装置", "消防通道堆放杂物"]
    assert "measures" not in d                          # the form has no such row: absent
    assert rec.header == {"reporting_unit": "北石店镇人民政府", "fill_date": "2023-03-06"}
    assert rec.source["part"] == "table 1"


def test_reordered_columns_and_title_in_first_row_excel_style():
    t = Table(part="sheet 1")
    t.add(Cell("非法违法生产经营行为、重大隐患统计表", 0, 0, colspan=4))
    t.add(Cell("填报单位：南庄镇人民政府", 1, 0, colspan=4))
    for c, text in enumerate(["处理措施", "企业名称", "序号", "重大隐患"]):
        t.add(Cell(text, 2, c))
    for c, text in enumerate(["挂牌督办", "晋城市城区恒泰燃气站", "1", "燃气管道未设置可燃气体报警装置"]):
        t.add(Cell(text, 3, c))
    for c, text in enumerate(["", "", "2", ""]):           # an empty numbered row
        t.add(Cell(text, 4, c))
    [rec] = records_from_document(_doc(t))
    assert rec.form_type == "major_hazard_list"
    assert rec.data["rows"] == [{"action": "挂牌督办", "enterprise": "晋城市城区恒泰燃气站", "seq": 1,
                                 "description": "燃气管道未设置可燃气体报警装置"}]
    assert rec.header["reporting_unit"] == "南庄镇人民政府"


def test_two_forms_in_one_file_and_unknown_table():
    unknown = Table.from_grid([["姓名", "岗位", "签到"], ["张三", "司机", "√"]], part="table 3")
    hazards = Table.from_grid([["序号", "生产经营单位名称", "核查单位", "重大隐患/具体非违法行为"],
                               ["1", "某某公司", "城区应急局", "有限空间作业未设置监护人"]], part="table 2")
    doc = _doc(Paragraph("附件3"), Paragraph("镇（街道）、部门督导检查表"),
               Table.from_grid(SUPERVISION, part="table 1"),
               Paragraph("附件5"), Paragraph("非法违法生产经营行为、重大隐患统计表"), hazards,
               Paragraph("签到表"), unknown)
    recs = records_from_document(doc)
    assert [r.form_type for r in recs] == ["supervision_check", "major_hazard_list", "unknown"]
    assert recs[2].data == {"tables": [[["姓名", "岗位", "签到"], ["张三", "司机", "√"]]]}
    assert recs[2].warnings[0]["code"] == "unrecognized"


def test_self_check_split_in_two_tables_is_joined(tmp_path):
    items = [{"no": n, "category": c, "content": f"第{n}项", "self_result": "yes", "check_result": "no"}
             for n, c in zip(range(1, 17), ["机构培训制度"] * 5 + ["重点场所"] * 11)]
    data = {"enterprise": {"name": "晋城市城区兴盛化工有限公司"}, "items": items}
    out = draw_form(variant("self_check"), tmp_path / "z.docx", data)   # split after item 12
    doc = read_file(out)[0]
    assert len(list(doc.tables())) == 2
    [rec] = records_from_document(doc)
    assert rec.form_type == "self_check"
    assert [i["no"] for i in rec.data["items"]] == list(range(1, 17))
    assert rec.data["items"][13]["category"] == "重点场所"      # carried over into the 2nd table
    assert rec.data["items"][15] == {"no": 16, "category": "重点场所", "content": "第16项",
                                     "self_result": "yes", "check_result": "no"}
    assert "+" in rec.source["part"]


def test_low_confidence_cell_is_flagged_and_kept():
    t = Table.from_grid(SUPERVISION)
    cell = next(c for c in t.cells if c.text == "李红梅")
    cell.text, cell.confidence = "李红悔", 0.42
    [rec] = records_from_document(_doc(Paragraph("督导检查表"), t))
    assert rec.data["responsible"] == "李红悔"
    w = [w for w in rec.warnings if w["code"] == "low_confidence"]
    assert [x["field"] for x in w] == ["data.responsible"]


def test_matrix_group_rows_and_wrong_total():
    spec_rows = [
        ["单位名称", "检查工作开展情况", "检查工作开展情况", "检查工作开展情况", "检查工作开展情况"],
        ["单位名称", "派出检查组数", "被检查单位", "一般隐患", "一般隐患"],
        ["单位名称", "派出检查组数", "被检查单位", "排查", "整改"],
        ["", "（组）", "（家）", "（项）", "（项）"],
        ["县直部门", "", "", "", ""],                      # a group label row: not data
        ["榆次区应急管理局", "6", "58", "143", "131"],
        ["太谷区应急管理局", "4", "33", "76", "80"],
        ["合计", "10", "91", "200", "211"],
    ]
    doc = _doc(Paragraph("全市安全检查督导情况统计表"), Paragraph("统计时间：2021年9月 日"),
               Table.from_grid(spec_rows))
    [rec] = records_from_document(doc)
    assert rec.form_type == "inspection_stats"
    assert [r["unit"] for r in rec.data["rows"]] == ["榆次区应急管理局", "太谷区应急管理局"]
    assert rec.data["rows"][0]["general_hazards_fixed"] == 131
    assert rec.data["totals"]["general_hazards_found"] == 200
    codes = {(w["field"], w["code"]) for w in rec.warnings}
    assert ("data.totals.general_hazards_found", "total") in codes
    assert ("data.rows[1].general_hazards_fixed", "fixed_exceeds_found") in codes
    assert rec.header["period"] == "2021-09"


MATRIX = [
    ["单位名称", "派出检查组数", "被检查单位", "一般隐患", "一般隐患"],
    ["单位名称", "派出检查组数", "被检查单位", "排查", "整改"],
    ["榆次区应急管理局", "6", "58", "143", "131"],
]


def test_header_lines_without_colon_several_per_line_and_seal_note():
    doc = _doc(Paragraph("全市安全检查督导情况统计表"),
               Paragraph("填报单位(公章) 榆次区应急管理局（盖章）   统计时间2023年3月"),   # OCR lost the colon
               Table.from_grid(MATRIX),
               Paragraph("填表人张三    联系电话：135 1234 5678  填表日期 2023.3.5"))
    [rec] = records_from_document(doc)
    assert rec.header == {"reporting_unit": "榆次区应急管理局", "period": "2023-03", "filler": "张三",
                          "contact_phone": "13512345678", "fill_date": "2023-03-05"}


def test_header_cells_in_the_table_and_in_a_table_of_their_own():
    t = Table(part="sheet 1")
    t.add(Cell("全市安全检查督导情况统计表", 0, 0, colspan=5))
    for c, text in enumerate(["填报单位（盖章）", "榆次区应急管理局", "", "统计时间：", "2023-03"]):
        t.add(Cell(text, 1, c))
    for r, row in enumerate(MATRIX, 2):
        for c, text in enumerate(row):
            t.add(Cell(text, r, c))
    for c, text in enumerate(["填表人：李四", "", "联系电话：0354-3036123", "", ""]):   # last row of the table
        t.add(Cell(text, 5, c))
    [rec] = records_from_document(_doc(t))
    assert rec.form_type == "inspection_stats"
    assert rec.header == {"reporting_unit": "榆次区应急管理局", "period": "2023-03", "filler": "李四",
                          "contact_phone": "0354-3036123"}
    assert [r["unit"] for r in rec.data["rows"]] == ["榆次区应急管理局"]

    pairs = Table.from_grid([["报送单位", "北石店镇人民政府", "填表日期", "2023年3月5日"]], part="table 1")
    doc = _doc(Paragraph("镇（街道）、部门督导检查表"), pairs, Table.from_grid(SUPERVISION, part="table 2"))
    [rec] = records_from_document(doc)       # the pairs table is header lines, not an unknown form
    assert rec.form_type == "supervision_check"
    assert rec.header == {"reporting_unit": "北石店镇人民政府", "fill_date": "2023-03-05"}
    assert rec.data["enterprise"] == "晋城市城区宏达建材有限公司"


def test_a_body_row_with_a_phone_is_not_a_header_line():
    rows = [["企业名称", "晋城市城区宏达建材有限公司", "所属行业", "建材"],
            ["负责人", "王建国", "电话", "0356-2286336"],
            ["自查项目", "自查内容", "自查结果", "检查结果"],
            ["机构培训制度", "1.是否建立安全生产管理机构", "√", "√"]]
    [rec] = records_from_document(_doc(Paragraph("生产经营单位自查表"), Table.from_grid(rows)))
    assert rec.data["enterprise"]["phone"] == "0356-2286336" and rec.data["enterprise"]["principal"] == "王建国"
    assert "contact_phone" not in rec.header


def _paged(rows, page):
    return Table.from_grid(rows, page=page)


HAZARD_HEAD = ["序号", "生产经营单位名称", "核查单位", "重大隐患/具体非违法行为"]


def test_list_continued_on_next_page_with_repeated_header_split_row_and_page_number():
    doc = _doc(Paragraph("重大隐患统计表", page=1),
               _paged([HAZARD_HEAD, ["1", "甲公司", "城区应急局", "有限空间作业未设置"]], 1),
               Paragraph("- 1 -", page=1),
               _paged([HAZARD_HEAD, ["", "", "", "监护人"], ["2", "乙公司", "南庄镇", "无证动火"]], 2),
               _paged([["3", "丙公司", "南庄镇", "违规储存"]], 3))
    [rec] = records_from_document(doc)
    assert [r["seq"] for r in rec.data["rows"]] == [1, 2, 3]
    assert rec.data["rows"][0]["description"] == "有限空间作业未设置监护人"
    assert rec.source["part"] == "table 1+table 2+table 3"


def test_one_label_form_per_page_is_not_joined_but_a_label_form_running_on_is():
    def form(name, problem):
        return [["检查企业", name, "检查日期", "2023年3月5日"], ["检查人员", "李志刚", "", ""],
                ["存在问题", problem, "", ""], ["整改措施", "立即整改", "", ""]]
    first, second = form("甲公司", "配电箱未上锁"), form("乙公司", "通道堵塞")
    recs = records_from_document(_doc(_paged(first, 1), _paged(second, 2)))
    assert [r.data["enterprise"] for r in recs] == ["甲公司", "乙公司"]
    rest = [["整改期限", "2023年3月20日", "整改责任人", "李红梅"]]
    [rec] = records_from_document(_doc(Paragraph("督导检查表", page=1), _paged(first, 1), _paged(rest, 2)))
    assert rec.data["deadline"] == "2023-03-20" and rec.data["responsible"] == "李红梅"
    # a different form with the same column count on the next page is not a continuation
    self_check = [["企业名称", "丙公司", "所属行业", "建材"], ["自查项目", "自查内容", "自查结果", "检查结果"],
                  ["消防安全", "1.是否存在埋压消防栓", "√", "√"]]
    recs = records_from_document(_doc(_paged(first, 1), _paged(self_check, 2)))
    assert [r.form_type for r in recs] == ["supervision_check", "self_check"]


def test_a_wide_units_row_with_one_unit_misread_still_ends_the_header():
    """An OCR'd 统计表: one of its units read "3)" (calib campaign_stats-photo-2). The row is still the
    units row, so the first body row is not taken for a header row (every row would shift by one)."""
    from parsers.extract import header_depth

    def grid(*rows):
        return [[Cell(t, r, c) for c, t in enumerate(row)] for r, row in enumerate(rows)]
    head = ["单位", "排查", "整改", "处罚", "约谈", "曝光", "停产"]
    units = ["", "(项)", "(项)", "3)", "(家)", "(家)", "(家)"]
    body = ["第一检查组", "12", "10", "1", "0", "2", "0"]
    assert header_depth(grid(head, units, body)) == (1, 2)
    assert header_depth(grid(head, ["", "(项)", "3)", "3", "(家)", "(家)", "(家)"], body)) == (1, 1)  # two: no
