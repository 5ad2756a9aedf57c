"""Returns as other offices make them, built directly with python-docx / openpyxl (never with
generators/forms.py, so the layouts are not ours): other labels and synonyms, pairs in another
order, a person and a phone in one cell, checkbox marks, a 序号 column, 合计 on top, no units row,
extra columns, a two-column 调度表, Excel serial dates, counts written 3项 / 叁 / —, two forms in
one file, and a header row repeated on every page of a PDF.

`build(out)` writes the files and returns the cases: {"file", "records": [expected, …]}, each
expected record {"form_type", "header", "data"} listing only what that return holds.

    .venv/bin/python tests/variety/build.py OUTDIR     # writes the files and cases.json
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import Workbook

CASES: list = []


def case(fn):
    CASES.append(fn)
    return fn


# --- helpers -------------------------------------------------------------------------------

def new_docx() -> Document:
    d = Document()
    st = d.styles["Normal"]
    st.font.size = Pt(10.5)
    st.font.name = "宋体"
    st.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    return d


def docx_table(d: Document, rows: list[list[str]], merge_right: bool = True):
    """A bordered table; a None cell is merged into the cell on its left (a label/value row)."""
    n_cols = max(len(r) for r in rows)
    t = d.add_table(rows=len(rows), cols=n_cols)
    t.style = "Table Grid"
    for r, row in enumerate(rows):
        start = 0
        for c in range(n_cols):
            text = row[c] if c < len(row) else None
            if text is None and merge_right and c > 0:
                t.cell(r, start).merge(t.cell(r, c))
                continue
            start = c
            t.cell(r, c).text = text or ""
    return t


def merge_down(t, col: int, first: int, last: int) -> None:
    text = t.cell(first, col).text
    t.cell(first, col).merge(t.cell(last, col))
    t.cell(first, col).text = text


def repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


# --- the returns ---------------------------------------------------------------------------

@case
def supervision_other_labels(out: Path) -> dict:
    """督导检查表 with 被检查单位/检查时间/发现问题/整改要求/整改期限/复查情况, 2 pairs a row, reordered."""
    d = new_docx()
    d.add_paragraph("安全生产督导检查记录表")
    d.add_paragraph("填报单位：北石店镇安监站        填表日期：2023.3.6")
    docx_table(d, [
        ["检查时间", "2023年3月5日", "被检查单位", "晋城市城区鑫源机械厂"],
        ["检查人员", "赵刚 孙丽", "整改期限", "2023.3.20"],
        ["发现问题", "1、灭火器过期未检验；2、安全出口堵塞", None, None],
        ["整改要求", "1.更换灭火器\n2.清理安全出口", None, None],
        ["责任人", "王五", "复查日期", "2023-03-21"],
        ["复查情况", "已整改到位", None, None],
    ])
    p = out / "督导检查记录表-鑫源机械厂.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "supervision_check",
        "header": {"reporting_unit": "北石店镇安监站", "fill_date": "2023-03-06"},
        "data": {"enterprise": "晋城市城区鑫源机械厂", "check_date": "2023-03-05",
                 "inspectors": ["赵刚", "孙丽"], "problems": ["灭火器过期未检验", "安全出口堵塞"],
                 "measures": ["更换灭火器", "清理安全出口"], "deadline": "2023-03-20",
                 "responsible": "王五", "recheck_date": "2023-03-21", "recheck_result": "已整改到位"}}]}


@case
def register_three_pairs_person_in_one_cell(out: Path) -> dict:
    """摸底登记表: 企业名称 / 统一社会信用代码, three pairs a row, '张三 13512345678' in one cell."""
    d = new_docx()
    d.add_paragraph("企业安全生产基本情况登记表")
    docx_table(d, [
        ["企业名称", "晋城市城区鑫源机械厂", "统一社会信用代码", "91140502MA0K3D7Q3L", "成立日期", "2015.6.18"],
        ["法定代表人", "张三 13512345678", "分管负责人", "李四，13623456789", "所属行业", "机械制造"],
        ["注册资本", "500万元", "从业人数", "56人", "所属乡镇", "北石店镇"],
        ["企业地址", "晋城市城区北石店镇东武匠村", None, None, "是否有重大危险源", "☐是 ☑否"],
    ])
    d.add_paragraph("填报单位（盖章）：北石店镇人民政府   填报日期：2023年3月5日")
    p = out / "摸底登记表-鑫源机械厂.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "enterprise_register",
        "header": {"reporting_unit": "北石店镇人民政府", "fill_date": "2023-03-05"},
        "data": {"name": "晋城市城区鑫源机械厂", "registration_no": "91140502MA0K3D7Q3L",
                 "credit_code": "91140502MA0K3D7Q3L", "founded": "2015-06-18",
                 "principal": {"name": "张三", "mobile": "13512345678"},
                 "safety_principal": {"name": "李四", "mobile": "13623456789"},
                 "industry": "机械制造", "registered_capital_wan": 500, "employees": 56,
                 "town": "北石店镇", "address": "晋城市城区北石店镇东武匠村",
                 "has_major_hazard_source": False}}]}


@case
def register_two_column_sheet(out: Path) -> dict:
    """摸底登记表 typed down two columns of a sheet, with section rows; the org's own 办公电话."""
    wb = Workbook()
    ws = wb.active
    ws.title = "登记表"
    rows = [["生产经营单位摸底登记表", None], ["一、企业基本信息", None],
            ["单位名称", "晋城市城区恒泰燃气站"], ["工商注册号", "140502000012345"],
            ["办公电话", "0356 2286336"], ["主要负责人", "王建国 13513583104"],
            ["二、从业人员统计信息", None], ["职工人数", "叁拾"], ["临时用工人数", "—"],
            ["三、安全管理机构信息", None], ["机构名称", "安全环保部"], ["办公电话", "0356-2286337"],
            ["专（兼）职安全管理人员名单", "赵六、钱七"]]
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row, 1):
            if v is not None:
                ws.cell(r, c, v)
        if row[1] is None:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
    p = out / "摸底登记表-恒泰燃气站.xlsx"
    wb.save(p)
    return {"file": p.name, "records": [{
        "form_type": "enterprise_register", "header": {},
        "data": {"name": "晋城市城区恒泰燃气站", "registration_no": "140502000012345",
                 "office_phone": "0356-2286336",
                 "principal": {"name": "王建国", "mobile": "13513583104"},
                 "employees": 30, "temporary_workers": 0,
                 "safety_org": {"name": "安全环保部", "office_phone": "0356-2286337",
                                "staff": ["赵六", "钱七"]}}}]}


@case
def self_check_checkbox_result_column(out: Path) -> dict:
    """自查表 whose marks are in one 结果 column of ☑是☐否 checkboxes; no 检查结果 column."""
    d = new_docx()
    d.add_paragraph("企业安全隐患自查表")
    t = docx_table(d, [
        ["单位名称", "晋城市城区兴盛化工有限公司", "联系电话", "0356-2021234"],
        ["检查项目", "检查内容", "结果", None],
        ["机构培训制度", "1.是否建立健全安全生产责任制和规章制度", "☑是 ☐否", None],
        ["", "2.是否制定了工作岗位操作规程", "☐是 ☑否", None],
        ["消防安全", "3.是否存在埋压、圈占消防栓现象", "☐是 ☐否", None],
    ])
    merge_down(t, 0, 2, 3)
    d.add_paragraph("填表人：刘洋    填表日期：2023年3月7日")
    p = out / "自查表-兴盛化工.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "self_check",
        "header": {"filler": "刘洋", "fill_date": "2023-03-07"},
        "data": {"enterprise": {"name": "晋城市城区兴盛化工有限公司", "phone": "0356-2021234"},
                 "items": [
                     {"no": 1, "category": "机构培训制度", "content": "是否建立健全安全生产责任制和规章制度",
                      "self_result": "yes"},
                     {"no": 2, "category": "机构培训制度", "content": "是否制定了工作岗位操作规程",
                      "self_result": "no"},
                     {"no": 3, "category": "消防安全", "content": "是否存在埋压、圈占消防栓现象",
                      "self_result": None}]}}]}


@case
def self_check_number_column_no_group(out: Path) -> dict:
    """自查表 sheet: title in merged A1, a 序号 column, no 自查项目 column, an extra 备注 column."""
    wb = Workbook()
    ws = wb.active
    ws.title = "自查表"
    ws["A1"] = "生产经营单位安全生产自查表"
    ws.merge_cells("A1:E1")
    for c, v in enumerate(["企业名称", "晋城市城区宏达建材有限公司", "", "所属行业", "建材"], 1):
        ws.cell(2, c, v)
    for c, v in enumerate(["序号", "自查事项", "自查结果", "检查结果", "备注"], 1):
        ws.cell(3, c, v)
    items = [(1, "厂房的通风设施是否良好", "√", "√", ""), (2, "危险场所是否安装安全警示标志", "×", "0", "已购置"),
             (3, "特种设备是否取得验收合格证或取得定期监测报告", "", "", "无该项")]
    for r, row in enumerate(items, 4):
        for c, v in enumerate(row, 1):
            ws.cell(r, c, v)
    p = out / "自查表-宏达建材.xlsx"
    wb.save(p)
    return {"file": p.name, "records": [{
        "form_type": "self_check", "header": {},
        "data": {"enterprise": {"name": "晋城市城区宏达建材有限公司", "industry": "建材"},
                 "items": [
                     {"no": 1, "category": None, "content": "厂房的通风设施是否良好",
                      "self_result": "yes", "check_result": "yes"},
                     {"no": 2, "category": None, "content": "危险场所是否安装安全警示标志",
                      "self_result": "no", "check_result": "rectifying"},
                     {"no": 3, "category": None, "content": "特种设备是否取得验收合格证或取得定期监测报告",
                      "self_result": None, "check_result": None}]}}]}


@case
def self_check_enterprise_in_lines(out: Path) -> dict:
    """自查表 whose enterprise details are lines above the table (some without colons), marks
    written 符合 / 不符合 / 整改中, the 类别 cell merged down, a date line without a colon."""
    d = new_docx()
    d.add_paragraph("企业安全生产隐患自查表")
    d.add_paragraph("企业名称：晋城市城区永安铸造厂    负责人：孙强    联系电话：13834567890")
    d.add_paragraph("所属行业 铸造      企业地址 城区钟家庄街道")
    t = docx_table(d, [
        ["类别", "自查内容", "自查结果", "检查结果"],
        ["重点场所", "1、厂房的通风设施是否良好", "符合", "符合"],
        ["", "2、厂房的安全逃生出口是否足够通畅", "不符合", "整改中"],
        ["特种设备", "3、特种设备是否取得验收合格证或取得定期监测报告", "不涉及", ""],
    ], merge_right=False)
    merge_down(t, 0, 1, 2)
    d.add_paragraph("填表日期 2023年3月8日")
    p = out / "自查表-永安铸造厂.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "self_check", "header": {"fill_date": "2023-03-08"},
        "data": {"enterprise": {"name": "晋城市城区永安铸造厂", "principal": "孙强", "phone": "13834567890",
                                "industry": "铸造", "address": "城区钟家庄街道"},
                 "items": [
                     {"no": 1, "category": "重点场所", "content": "厂房的通风设施是否良好",
                      "self_result": "yes", "check_result": "yes"},
                     {"no": 2, "category": "重点场所", "content": "厂房的安全逃生出口是否足够通畅",
                      "self_result": "no", "check_result": "rectifying"},
                     {"no": 3, "category": "特种设备", "content": "特种设备是否取得验收合格证或取得定期监测报告",
                      "self_result": None, "check_result": None}]}}]}


@case
def campaign_stats_total_on_top(out: Path) -> dict:
    """统计表: the 检查组 column named 单位, no 集中行动 parent, 合计 first, counts 3项 / 叁 / —."""
    d = new_docx()
    d.add_paragraph("大排查大整治行动统计表")
    d.add_paragraph("填报单位：金村镇人民政府  统计时间：2023年3月")
    rows = [["单位", "一般隐患", "一般隐患", "重大隐患", "重大隐患", "行政罚款", "停产整顿"],
            ["单位", "排查数", "整改数", "排查数", "整改数", "行政罚款", "停产整顿"],
            ["", "（项）", "（项）", "（项）", "（项）", "（万元）", "（家）"],
            ["合计", "15", "13", "1", "1", "2", "1"],
            ["第一检查组", "9项", "8项", "壹", "1", "1.5", "—"],
            ["第二检查组", "6", "5", "—", "0", "5000元", "1家"]]
    t = docx_table(d, rows, merge_right=False)
    for c in range(1, 5, 2):
        t.cell(0, c).merge(t.cell(0, c + 1))
        t.cell(0, c).text = rows[0][c]
    for c in (0, 5, 6):
        merge_down(t, c, 0, 1)
    p = out / "大排查大整治行动统计表-金村镇.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "campaign_stats",
        "header": {"reporting_unit": "金村镇人民政府", "period": "2023-03"},
        "data": {"rows": [
            {"unit": "第一检查组", "general_hazards_found": 9, "general_hazards_fixed": 8,
             "major_hazards_found": 1, "major_hazards_fixed": 1, "fines_wan": 1.5, "suspended": 0},
            {"unit": "第二检查组", "general_hazards_found": 6, "general_hazards_fixed": 5,
             "major_hazards_found": 0, "major_hazards_fixed": 0, "fines_wan": 0.5, "suspended": 1}],
            "totals": {"general_hazards_found": 15, "general_hazards_fixed": 13, "major_hazards_found": 1,
                       "major_hazards_fixed": 1, "fines_wan": 2, "suspended": 1}}}]}


@case
def inspection_stats_sheet_no_units_row(out: Path) -> dict:
    """统计表 .xlsx: title in merged A1, header fields in cells, no units row, numbers as numbers."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A1"] = "全市安全检查督导情况统计表"
    ws.merge_cells("A1:H1")
    ws["A2"], ws["B2"], ws["F2"], ws["G2"] = "填报单位", "榆次区应急管理局", "统计时间", "2023年9月"
    head1 = ["单位名称", "派出检查组数", "派出检查组人数", "被检查单位", "一般隐患", None, "重大隐患", None]
    head2 = [None, None, None, None, "排查", "整改", "排查", "整改"]
    for c, v in enumerate(head1, 1):
        if v:
            ws.cell(3, c, v)
    for c, v in enumerate(head2, 1):
        if v:
            ws.cell(4, c, v)
    for col in "ABCD":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("E3:F3")
    ws.merge_cells("G3:H3")
    data = [["乌金山镇", 3, 12, 25, 40, 38, 1, 1], ["东赵乡", 2, 8, 16, 22, 22, 0, 0],
            ["合计", 5, 20, 41, 62, 60, 1, 1]]
    for r, row in enumerate(data, 5):
        for c, v in enumerate(row, 1):
            ws.cell(r, c, v)
    ws.cell(8, 1, "填表人：韩梅    联系电话：0354-3036123")
    ws.merge_cells("A8:H8")
    p = out / "全市安全检查督导情况统计表-榆次区.xlsx"
    wb.save(p)
    return {"file": p.name, "records": [{
        "form_type": "inspection_stats",
        "header": {"reporting_unit": "榆次区应急管理局", "period": "2023-09", "filler": "韩梅",
                   "contact_phone": "0354-3036123"},
        "data": {"rows": [
            {"unit": "乌金山镇", "inspection_groups": 3, "inspectors": 12, "units_inspected": 25,
             "general_hazards_found": 40, "general_hazards_fixed": 38, "major_hazards_found": 1,
             "major_hazards_fixed": 1},
            {"unit": "东赵乡", "inspection_groups": 2, "inspectors": 8, "units_inspected": 16,
             "general_hazards_found": 22, "general_hazards_fixed": 22, "major_hazards_found": 0,
             "major_hazards_fixed": 0}],
            "totals": {"inspection_groups": 5, "inspectors": 20, "units_inspected": 41,
                       "general_hazards_found": 62, "general_hazards_fixed": 60,
                       "major_hazards_found": 1, "major_hazards_fixed": 1}}}]}


@case
def hazard_list_extra_columns(out: Path) -> dict:
    """重大隐患统计表 with its columns reordered and renamed, plus 整改时限 and 责任人 columns."""
    d = new_docx()
    d.add_paragraph("重大隐患明细表")
    d.add_paragraph("报送单位：西上庄街道办事处")
    docx_table(d, [
        ["序号", "企业名称", "所在乡镇", "行业类别", "重大隐患或非法违法行为", "整改措施", "整改时限", "责任人",
         "核查单位"],
        ["1", "晋城市城区恒泰燃气站", "西上庄街道", "燃气", "燃气管道未设置可燃气体报警装置", "停产整改",
         "2023.4.30", "郭强", "城区应急局"],
        ["2", "晋城市城区顺达物流有限公司", "西上庄街道", "物流仓储", "仓库违规存放危险化学品", "立即清理",
         "2023年4月10日", "周敏", "西上庄街道"],
        ["3", "", "", "", "", "", "", "", ""],
    ], merge_right=False)
    p = out / "重大隐患统计表-西上庄.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "major_hazard_list", "header": {"reporting_unit": "西上庄街道办事处"},
        "data": {"rows": [
            {"seq": 1, "enterprise": "晋城市城区恒泰燃气站", "town": "西上庄街道", "category": "燃气",
             "description": "燃气管道未设置可燃气体报警装置", "action": "停产整改", "checking_unit": "城区应急局",
             "deadline": "2023-04-30", "responsible": "郭强"},
            {"seq": 2, "enterprise": "晋城市城区顺达物流有限公司", "town": "西上庄街道", "category": "物流仓储",
             "description": "仓库违规存放危险化学品", "action": "立即清理", "checking_unit": "西上庄街道",
             "deadline": "2023-04-10", "responsible": "周敏"}]}}]}


@case
def dispatch_two_column_list(out: Path) -> dict:
    """调度表 typed as 指标 | 数值 down one sheet, sections as rows, the village on its own line."""
    wb = Workbook()
    ws = wb.active
    ws.title = "调度表"
    rows = [["重大事故隐患专项排查整治行动进展情况调度表", None], ["西沟村", None], ["时间：2023年7月25日", None],
            ["指标", "数值"], ["一、总体情况", None],
            ["企业自查发现的重大事故隐患（个）", 4], ["企业自查发现重大事故隐患中已完成整改的（个）", 3],
            ["执法检查发现的重大事故隐患（个）", "2个"], ["执法检查发现重大事故隐患中已完成整改的（个）", "贰"],
            ["二、对企业自查自改进行抽查检查情况", None], ["抽查检查的企业总数（家）", 7],
            ["外包外租安全管理混乱（家）", "—"],
            ["三、部门精准严格执法情况", None], ["帮扶指导重点企业（家次）", 5],
            ["行政处罚（次，万元）", "3次，2.5万元"], ["责令停产整顿/关闭取缔（家）", "停产2家，关闭1家"]]
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row, 1):
            if v is not None:
                ws.cell(r, c, v)
        if row[1] is None:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
    p = out / "调度表-西沟村.xlsx"
    wb.save(p)
    return {"file": p.name, "records": [{
        "form_type": "progress_dispatch", "header": {"village": "西沟村", "period": "2023-07-25"},
        "data": {"self_found": 4, "self_fixed": 3, "enforcement_found": 2, "enforcement_fixed": 2,
                 "spot_checked": 7, "outsourcing_disorder": 0, "guided_enterprises": 5,
                 "penalties": 3, "penalty_wan": 2.5, "suspended": 2, "closed": 1}}]}


@case
def supervision_sheet_excel_dates(out: Path) -> dict:
    """督导检查表 sheet: a real date cell, an Excel serial typed as a number, and 2023.3.5 text."""
    wb = Workbook()
    ws = wb.active
    ws.title = "督导检查表"
    ws["A1"] = "镇（街道）、部门督导检查表"
    ws.merge_cells("A1:D1")
    rows = [["检查企业（场所）", "晋城市城区宏达建材有限公司", "检查日期", 44990],
            ["检查人员", "李志刚、王芳", None, None],
            ["存在问题", "配电箱未上锁；灭火器压力不足", None, None],
            ["限期整改时间", dt.datetime(2023, 3, 20), "整改责任人", "李红梅"],
            ["回查人员", "李志刚", "回查日期", "2023.3.25"]]
    for r, row in enumerate(rows, 2):
        for c, v in enumerate(row, 1):
            if v is not None:
                ws.cell(r, c, v)
        if row[2] is None:
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4)
    ws["D5"].number_format = "yyyy年m月d日"
    ws["B5"].number_format = "yyyy/m/d"
    p = out / "督导检查表-宏达建材.xlsx"
    wb.save(p)
    return {"file": p.name, "records": [{
        "form_type": "supervision_check", "header": {},
        "data": {"enterprise": "晋城市城区宏达建材有限公司", "check_date": "2023-03-05",
                 "inspectors": ["李志刚", "王芳"], "problems": ["配电箱未上锁", "灭火器压力不足"],
                 "deadline": "2023-03-20", "responsible": "李红梅", "recheck_by": ["李志刚"],
                 "recheck_date": "2023-03-25"}}]}


@case
def two_forms_in_one_file(out: Path) -> dict:
    """附件1 督导检查表 and 附件2 重大隐患统计表 in one .docx."""
    d = new_docx()
    d.add_paragraph("附件1")
    d.add_paragraph("督导检查表")
    docx_table(d, [["被检查企业", "晋城市城区南庄煤炭物流有限公司", "检查日期", "2023年3月9日"],
                   ["存在问题", "煤场未设置防火隔离带", None, None],
                   ["整改责任人", "赵军", "整改期限", "2023年3月31日"]])
    d.add_paragraph("附件2")
    d.add_paragraph("重大隐患统计表")
    docx_table(d, [["序号", "生产经营单位名称", "核查单位", "重大隐患", "处理措施"],
                   ["1", "晋城市城区南庄煤炭物流有限公司", "南庄镇", "煤场未设置防火隔离带", "责令限期整改"]],
               merge_right=False)
    d.add_paragraph("填报单位：南庄镇人民政府   填报日期：2023年3月10日")
    p = out / "附件1附件2-南庄煤炭物流.docx"
    d.save(p)
    return {"file": p.name, "records": [
        {"form_type": "supervision_check", "header": {},
         "data": {"enterprise": "晋城市城区南庄煤炭物流有限公司", "check_date": "2023-03-09",
                  "problems": ["煤场未设置防火隔离带"], "responsible": "赵军", "deadline": "2023-03-31"}},
        {"form_type": "major_hazard_list",
         "header": {"reporting_unit": "南庄镇人民政府", "fill_date": "2023-03-10"},
         "data": {"rows": [{"seq": 1, "enterprise": "晋城市城区南庄煤炭物流有限公司", "checking_unit": "南庄镇",
                            "description": "煤场未设置防火隔离带", "action": "责令限期整改"}]}}]}


HAZARD_PAGES_ROWS = 40


@case
def hazard_list_header_repeated_on_every_page(out: Path) -> dict:
    """A 重大隐患统计表 of 40 rows printed to PDF: the header row repeats on every page."""
    d = new_docx()
    d.add_paragraph("非法违法生产经营行为、重大隐患统计表")
    rows = [["序号", "生产经营单位名称", "所在镇（街道）", "重大隐患/具体非违法行为", "处理措施"]]
    rows += [[str(i), f"晋城市城区第{i}号加工厂", "北石店镇", f"第{i}项：有限空间作业未设置监护人员，未配备检测仪器",
              "责令停止作业"] for i in range(1, HAZARD_PAGES_ROWS + 1)]
    t = docx_table(d, rows, merge_right=False)
    repeat_header(t.rows[0])
    d.add_paragraph("填报单位：北石店镇人民政府")
    src = out / "重大隐患统计表-跨页.docx"
    d.save(src)
    return {"file": "重大隐患统计表-跨页.pdf", "convert": ("pdf", src.name), "records": [{
        "form_type": "major_hazard_list", "header": {"reporting_unit": "北石店镇人民政府"},
        "data": {"rows": [{"seq": i, "enterprise": f"晋城市城区第{i}号加工厂", "town": "北石店镇",
                           "description": f"第{i}项：有限空间作业未设置监护人员，未配备检测仪器",
                           "action": "责令停止作业"} for i in range(1, HAZARD_PAGES_ROWS + 1)]}}]}


def build(out: Path) -> list[dict]:
    """Write every return into `out`; PDFs in one LibreOffice batch. Returns the cases."""
    return build_cases(CASES, out)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    for c in build(Path(sys.argv[1] if len(sys.argv) > 1 else "variety_out")):
        print(c["file"])


def build_cases(case_fns: list, out: Path) -> list[dict]:
    """Run each case builder into `out`; files a case asks to convert ("convert": (target, source))
    go through one LibreOffice batch per target format. Writes cases.json; returns the cases."""
    from generators.office import convert
    out.mkdir(parents=True, exist_ok=True)
    cases = [dict(fn(out), name=fn.__name__) for fn in case_fns]
    for target in sorted({c["convert"][0] for c in cases if "convert" in c}):
        todo = [c for c in cases if c.get("convert", ("",))[0] == target]
        done = convert([out / c["convert"][1] for c in todo], target, out)
        for c in todo:
            made = done[out / c["convert"][1]]
            if made.name != c["file"]:
                made.rename(out / c["file"])
    (out / "cases.json").write_text(json.dumps(cases, ensure_ascii=False, indent=1), encoding="utf-8")
    return cases
