"""A second, harder round of returns as other offices make them, built directly with python-docx /
openpyxl (never with generators/forms.py) and some converted by LibreOffice to .doc / .xls / PDF:
mixed list numbering in one cell, three forms in one .docx with page breaks, a workbook with one
sheet per 附件 plus an empty and a 填表说明 sheet, thousands separators and a wrong 合计, units
inside the header cells, values typed into label cells, Wingdings marks and renumbered items,
东沟村委, numbered empty rows, no title, misspelled titles, tracked changes and a comment, a form
wrapped in a layout table, and a signature table under a form.

`build(out)` writes the files and returns the cases: {"file", "records": [expected, …]}, each
expected record {"form_type", "header", "data", "warnings"?} listing only what that return holds
("warnings": the warning codes the return must raise; other invalid/unrecognized/required/total
warnings are failures).

    .venv/bin/python tests/variety2/build.py OUTDIR     # writes the files and cases.json
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openpyxl import Workbook

if __name__ == "__main__":          # run as a script: the repo root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.variety.build import build_cases, docx_table, merge_down, new_docx

CASES: list = []


def case(fn):
    CASES.append(fn)
    return fn


# --- helpers -------------------------------------------------------------------------------

def sheet_rows(ws, rows: list[list], merge_blank_right: bool = False, top: int = 1) -> None:
    """Write rows from `top`; with merge_blank_right a row's trailing None cells merge into its last value."""
    for r, row in enumerate(rows, top):
        last = 0
        for c, v in enumerate(row, 1):
            if v is not None:
                ws.cell(r, c, v)
                last = c
        if merge_blank_right and 0 < last < len(row):
            ws.merge_cells(start_row=r, start_column=last, end_row=r, end_column=len(row))


def set_cell_runs(cell, runs: list) -> None:
    """Replace a docx cell's text by runs: a str is plain text, ("sym", font, hex) a symbol glyph,
    ("del", text) deleted and ("ins", text) inserted tracked changes."""
    p = cell.paragraphs[0]
    for r in list(p.runs):
        r._r.getparent().remove(r._r)
    for i, run in enumerate(runs):
        if isinstance(run, str):
            p.add_run(run)
        elif run[0] == "sym":
            r = p.add_run()
            sym = OxmlElement("w:sym")
            sym.set(qn("w:font"), run[1])
            sym.set(qn("w:char"), run[2])
            r._r.append(sym)
        else:
            wrap = OxmlElement("w:" + run[0])
            wrap.set(qn("w:id"), str(100 + i))
            wrap.set(qn("w:author"), "审核人")
            wrap.set(qn("w:date"), "2023-03-12T09:00:00Z")
            r = OxmlElement("w:r")
            t = OxmlElement("w:delText" if run[0] == "del" else "w:t")
            t.text = run[1]
            r.append(t)
            wrap.append(r)
            p._p.append(wrap)


def register_rows(name: str, code: str, person: str, mobile: str) -> list[list[str]]:
    """A 摸底登记表 in the seed's layout (000 附件1), partly filled."""
    return [
        ["一、企业基本信息", None, None, None],
        ["单位名称", name, None, None],
        ["工商注册号", code, "注册资本（万元）", "300"],
        ["成立时间", "2012年4月", "所属镇（街道）", "北石店镇"],
        ["单位所在地", "北石店镇东武匠村", "办公电话", "0356-2286339"],
        ["主要负责人", "姓名", person, "手机号码", mobile],
        ["行业分类", "机械制造", "监管部门", "区工信局"],
        ["是否有重大危险源", "否", "资产总额（万元）", "1,200"],
        ["二、从业人员统计信息", None, None, None],
        ["职工人数（从业人数）", "45", "正式职工人数", "40"],
    ]


REGISTER_DATA = {"registered_capital_wan": 300, "founded": "2012-04", "town": "北石店镇",
                 "address": "北石店镇东武匠村", "office_phone": "0356-2286339", "industry": "机械制造",
                 "regulator": "区工信局", "has_major_hazard_source": False, "total_assets_wan": 1200,
                 "employees": 45, "formal_employees": 40}


def supervision_rows(enterprise: str, date: str, problems: str, measures: str) -> list[list[str]]:
    return [["检查企业（场所）", enterprise, "检查日期", date],
            ["检查人员", "郭明、陈静", None, None],
            ["存在问题", problems, None, None],
            ["整改措施", measures, None, None],
            ["限期整改时间", "2023年4月15日", "整改责任人", "马超"],
            ["回查人员", "", "回查日期", ""]]


# what supervision_rows' fixed cells read as (the 回查 row is left blank: null)
SUPERVISION_FIXED = {"inspectors": ["郭明", "陈静"], "deadline": "2023-04-15", "responsible": "马超",
                     "recheck_by": None, "recheck_date": None}


# --- the returns ---------------------------------------------------------------------------

PROBLEMS_5 = ["配电箱未上锁，线路私拉乱接", "灭火器压力不足", "安全出口被杂物堵塞",
              "特种作业人员无证上岗", "未开展应急演练"]
MEASURES_5 = ["更换配电箱并规范布线", "更换灭火器", "立即清理安全出口", "停止无证人员作业", "一个月内组织演练"]


@case
def supervision_mixed_numbering(out: Path) -> dict:
    """存在问题 and 整改措施 with five lines numbered 1、 2. （3） ④ and •."""
    marks = ["1、", "2.", "（3）", "④", "• "]
    d = new_docx()
    d.add_paragraph("镇（街道）、部门督导检查表")
    d.add_paragraph("填报单位（盖章）：北石店镇应急管理办公室")
    d.add_paragraph("填报日期：2023年3月12日")
    docx_table(d, supervision_rows("晋城市城区金鼎机械有限公司", "2023.3.10",
                                   "\n".join(m + p for m, p in zip(marks, PROBLEMS_5)),
                                   "\n".join(m + p for m, p in zip(marks, MEASURES_5))))
    p = out / "督导检查表-金鼎机械.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "supervision_check",
        "header": {"reporting_unit": "北石店镇应急管理办公室", "fill_date": "2023-03-12"},
        "data": {"enterprise": "晋城市城区金鼎机械有限公司", "check_date": "2023-03-10",
                 "inspectors": ["郭明", "陈静"], "problems": PROBLEMS_5, "measures": MEASURES_5,
                 "deadline": "2023-04-15", "responsible": "马超", "recheck_by": None,
                 "recheck_date": None}}]}


@case
def supervision_semicolon_sentence_doc(out: Path) -> dict:
    """A .doc 督查检查表 (misspelled title): problems in one sentence split by ；, measures 一是…二是…."""
    d = new_docx()
    d.add_paragraph("督查检查表")
    docx_table(d, supervision_rows(
        "晋城市城区华泰商贸有限公司", "2023年3月11日",
        "经检查发现：仓库堆放过高；消防通道被占用；员工未经安全培训上岗。",
        "一是降低堆垛高度；二是清理消防通道；三是组织全员安全培训。"))
    d.add_paragraph("填表人：陈静    联系电话：0356-2030111")
    src = out / "督查检查表-华泰商贸.docx"
    d.save(src)
    return {"file": "督查检查表-华泰商贸.doc", "convert": ("doc", src.name), "records": [{
        "form_type": "supervision_check",
        "header": {"filler": "陈静", "contact_phone": "0356-2030111"},
        "data": {**SUPERVISION_FIXED, "enterprise": "晋城市城区华泰商贸有限公司", "check_date": "2023-03-11",
                 "problems": ["仓库堆放过高", "消防通道被占用", "员工未经安全培训上岗"],
                 "measures": ["降低堆垛高度", "清理消防通道", "组织全员安全培训"],
                 "deadline": "2023-04-15", "responsible": "马超"}}]}


@case
def three_forms_page_breaks(out: Path) -> dict:
    """附件1 摸底登记表, then 附件3 督导检查表 for two enterprises, page breaks between them."""
    d = new_docx()
    d.add_paragraph("附件1")
    d.add_paragraph("生产经营单位摸底登记表")
    d.add_paragraph("填报单位（盖章）：北石店镇人民政府")
    d.add_paragraph("填报日期：2023年3月5日")
    docx_table(d, register_rows("晋城市城区鑫达铸造有限公司", "91140502MA0K3D7Q3L", "刘强", "13903561234"))
    d.add_page_break()
    enterprises = [("晋城市城区鑫达铸造有限公司", "2023年3月6日", "砂处理车间粉尘大", "安装除尘设施"),
                   ("晋城市城区天宇包装有限公司", "2023年3月7日", "叉车司机无证驾驶", "送培取证")]
    for i, (name, date, problem, measure) in enumerate(enterprises):
        d.add_paragraph("附件3")
        d.add_paragraph("镇（街道）、部门督导检查表")
        d.add_paragraph("填报单位(盖章):北石店镇人民政府")
        docx_table(d, supervision_rows(name, date, problem, measure))
        if i == 0:
            d.add_page_break()
    p = out / "附件1附件3-北石店镇.docx"
    d.save(p)
    header = {"reporting_unit": "北石店镇人民政府"}
    return {"file": p.name, "records": [
        {"form_type": "enterprise_register", "header": {**header, "fill_date": "2023-03-05"},
         "data": {"name": "晋城市城区鑫达铸造有限公司", "registration_no": "91140502MA0K3D7Q3L",
                  "credit_code": "91140502MA0K3D7Q3L",
                  "principal": {"name": "刘强", "mobile": "13903561234"}, **REGISTER_DATA}},
        *[{"form_type": "supervision_check", "header": header,
           "data": {**SUPERVISION_FIXED, "enterprise": name, "check_date": iso, "problems": [problem],
                    "measures": [measure]}}
          for (name, _, problem, measure), iso in zip(enterprises, ["2023-03-06", "2023-03-07"])]]}


@case
def workbook_sheet_per_attachment(out: Path) -> dict:
    """One sheet per 附件 (附件1…附件5), an empty sheet and a 填表说明 sheet (ignored: no record)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "附件1"
    ws["A1"] = "生产经营单位摸底登记表"
    ws.merge_cells("A1:D1")
    reg = register_rows("晋城市城区瑞丰化工有限公司", "140502000067890", "杨帆", "13835661122")
    reg = [r if len(r) == 4 else [r[0], f"{r[2]} {r[4]}", None, None] for r in reg]
    sheet_rows(ws, reg, merge_blank_right=True, top=2)

    ws = wb.create_sheet("附件2")
    sheet_rows(ws, [["生产经营单位自查表", None, None, None],
                    ["企业名称", "晋城市城区瑞丰化工有限公司", "所属行业", "化工"],
                    ["自查项目", "自查内容", "自查结果", "检查结果"],
                    ["危险化学品管理", "6.危险化学品是否存储在专用仓库，是否分类摆放", "√", "√"],
                    [None, "7.重大危险源监测、评估、监控措施", "0", "×"]])
    ws.merge_cells("A1:D1")
    ws.merge_cells("A4:A5")

    ws = wb.create_sheet("附件3")
    sheet_rows(ws, [["督导检查表", None, None, None]] + supervision_rows(
        "晋城市城区瑞丰化工有限公司", "2023-03-08", "储罐区防火堤破损", "修复防火堤"), merge_blank_right=True)

    ws = wb.create_sheet("附件4")
    sheet_rows(ws, [["大排查大整治行动统计表", None, None, None, None],
                    ["检查组", "一般隐患", None, "重大隐患", None],
                    [None, "排查", "整改", "排查", "整改"],
                    ["（个）", "（项）", "（项）", "（项）", "（项）"],
                    [2, 12, 10, 1, 0]])
    for rng in ("A1:E1", "B2:C2", "D2:E2", "A2:A3"):
        ws.merge_cells(rng)

    ws = wb.create_sheet("附件5")
    sheet_rows(ws, [["重大隐患统计表", None, None, None],
                    ["序号", "生产经营单位名称", "重大隐患/具体非违法行为", "处理措施"],
                    [1, "晋城市城区瑞丰化工有限公司", "储罐区未设置可燃气体报警", "责令停产整改"],
                    [2, None, None, None]])
    ws.merge_cells("A1:D1")

    wb.create_sheet("Sheet6")
    ws = wb.create_sheet("填表说明")
    sheet_rows(ws, [["填表说明", None],
                    ["1.", "各表请于每周五15时前报送区安委办。"],
                    ["2.", "统计表数字请填写阿拉伯数字，没有的填“0”。"],
                    ["3.", "自查结果栏：符合的打“√”，不符合的打“×”，整改中的打“0”。"]])
    p = out / "北石店镇-附件1至5.xlsx"
    wb.save(p)
    name = "晋城市城区瑞丰化工有限公司"
    return {"file": p.name, "records": [
        {"form_type": "enterprise_register", "header": {},
         "data": {"name": name, "registration_no": "140502000067890",
                  "principal": {"name": "杨帆", "mobile": "13835661122"}, **REGISTER_DATA}},
        {"form_type": "self_check", "header": {},
         "data": {"enterprise": {"name": name, "industry": "化工"}, "items": [
             {"no": 6, "category": "危险化学品管理", "content": "危险化学品是否存储在专用仓库，是否分类摆放",
              "self_result": "yes", "check_result": "yes"},
             {"no": 7, "category": "危险化学品管理", "content": "重大危险源监测、评估、监控措施",
              "self_result": "rectifying", "check_result": "no"}]}},
        {"form_type": "supervision_check", "header": {},
         "data": {**SUPERVISION_FIXED, "enterprise": name, "check_date": "2023-03-08", "problems": ["储罐区防火堤破损"],
                  "measures": ["修复防火堤"]}},
        {"form_type": "campaign_stats", "header": {},
         "data": {"rows": [{"inspection_groups": 2, "general_hazards_found": 12, "general_hazards_fixed": 10,
                            "major_hazards_found": 1, "major_hazards_fixed": 0}]}},
        {"form_type": "major_hazard_list", "header": {},
         "data": {"rows": [{"seq": 1, "enterprise": name, "description": "储罐区未设置可燃气体报警",
                            "action": "责令停产整改"}]}}]}


@case
def workbook_named_sheets_no_titles(out: Path) -> dict:
    """Sheets named 统计表 / 隐患表 / 自查表 / 检查表 with no title row and few columns (the sheet
    name is the title), and a Sheet2 contact list that stays an unknown table."""
    wb = Workbook()
    ws = wb.active
    ws.title = "统计表"
    sheet_rows(ws, [["检查组", "一般隐患", None, "重大隐患", None], [None, "排查", "整改", "排查", "整改"],
                    [2, 12, 10, 1, 0]])
    for rng in ("B1:C1", "D1:E1", "A1:A2"):
        ws.merge_cells(rng)
    sheet_rows(wb.create_sheet("隐患表"), [["序号", "单位名称", "隐患", "措施"], [1, "晋城市城区福源面粉厂", "粉尘清扫不及时", "限期整改"]])
    sheet_rows(wb.create_sheet("自查表"), [["企业名称", "晋城市城区福源面粉厂"], ["项目", "内容", "结果"],
                                        ["消防", "1.是否配备灭火器", "是"], ["消防", "2.疏散通道是否畅通", "否"]])
    sheet_rows(wb.create_sheet("检查表"), [["被检查单位", "晋城市城区福源面粉厂"], ["检查时间", "2023.3.1"],
                                        ["发现问题", "粉尘清扫不及时"]])
    sheet_rows(wb.create_sheet("Sheet2"), [["姓名", "职务", "电话"], ["张伟", "站长", "13803561234"]])
    p = out / "福源面粉厂-各表.xlsx"
    wb.save(p)
    name = "晋城市城区福源面粉厂"
    return {"file": p.name, "records": [
        {"form_type": "campaign_stats", "header": {},
         "data": {"rows": [{"inspection_groups": 2, "general_hazards_found": 12, "general_hazards_fixed": 10,
                            "major_hazards_found": 1, "major_hazards_fixed": 0}]}},
        {"form_type": "major_hazard_list", "header": {},
         "data": {"rows": [{"seq": 1, "enterprise": name, "description": "粉尘清扫不及时", "action": "限期整改"}]}},
        {"form_type": "self_check", "header": {},
         "data": {"enterprise": {"name": name}, "items": [
             {"no": 1, "category": "消防", "content": "是否配备灭火器", "self_result": "yes"},
             {"no": 2, "category": "消防", "content": "疏散通道是否畅通", "self_result": "no"}]}},
        {"form_type": "supervision_check", "header": {},
         "data": {"enterprise": name, "check_date": "2023-03-01", "problems": ["粉尘清扫不及时"]}},
        {"form_type": "unknown", "header": {}, "warnings": ["unrecognized"],
         "data": {"tables": [[["姓名", "职务", "电话"], ["张伟", "站长", "13803561234"]]]}}]}


STATS_HEAD = [["检查组", "一般隐患", None, "重大隐患", None, "行政罚款", "停产整顿", "关闭取缔"],
              [None, "排查", "整改", "排查", "整改", None, None, None],
              ["（个）", "（项）", "（项）", "（项）", "（项）", "（万元）", "（家）", "（家）"]]


def stats_sheet(ws, title: str, data: list[list]) -> None:
    sheet_rows(ws, [[title] + [None] * 7, ["填报单位：金村镇人民政府", None, None, None, None,
                                           "填表日期：2023年3月10日", None, None]] + STATS_HEAD + data)
    for rng in ("A1:H1", "A2:E2", "F2:H2", "B3:C3", "D3:E3", "F3:F4", "G3:G4", "H3:H4"):
        ws.merge_cells(rng)


@case
def campaign_stats_thousands_and_blanks(out: Path) -> dict:
    """统计表: 1,200, 罚款 0.5, blanks, / and —, and a correct 合计 row."""
    wb = Workbook()
    stats_sheet(wb.active, "镇（街道）、部门大排查大整治行动统计表", [
        ["1", "1,200", "1,150", "/", "—", "0.5", "", "—"],
        ["1", "350", "350", "2", "1", "1.2", "1", "/"],
        ["合计", "1,550", "1,500", "2", "1", "1.7", "1", "0"]])
    p = out / "大排查大整治统计表-千分位.xlsx"
    wb.save(p)
    return {"file": p.name, "records": [{
        "form_type": "campaign_stats",
        "header": {"reporting_unit": "金村镇人民政府", "fill_date": "2023-03-10"},
        "data": {"rows": [
            {"inspection_groups": 1, "general_hazards_found": 1200, "general_hazards_fixed": 1150,
             "major_hazards_found": 0, "major_hazards_fixed": 0, "fines_wan": 0.5, "suspended": None,
             "closed": 0},
            {"inspection_groups": 1, "general_hazards_found": 350, "general_hazards_fixed": 350,
             "major_hazards_found": 2, "major_hazards_fixed": 1, "fines_wan": 1.2, "suspended": 1,
             "closed": 0}],
            "totals": {"general_hazards_found": 1550, "general_hazards_fixed": 1500, "major_hazards_found": 2,
                       "major_hazards_fixed": 1, "fines_wan": 1.7, "suspended": 1, "closed": 0}}}]}


@case
def campaign_stats_wrong_total_xls(out: Path) -> dict:
    """A .xls 统计表 whose 合计 row disagrees with its rows: warning total."""
    wb = Workbook()
    stats_sheet(wb.active, "大排查大整治行动统计表", [
        ["第一组", "8", "6", "1", "1", "0.3", "0", "0"],
        ["第二组", "5", "5", "0", "0", "0", "1", "0"],
        ["合计", "14", "11", "1", "1", "0.3", "1", "0"]])
    src = out / "大排查大整治统计表-合计错.xlsx"
    wb.save(src)
    return {"file": "大排查大整治统计表-合计错.xls", "convert": ("xls", src.name), "records": [{
        "form_type": "campaign_stats", "warnings": ["total"],
        "header": {"reporting_unit": "金村镇人民政府", "fill_date": "2023-03-10"},
        "data": {"rows": [
            {"unit": "第一组", "inspection_groups": None, "general_hazards_found": 8, "general_hazards_fixed": 6,
             "major_hazards_found": 1, "major_hazards_fixed": 1, "fines_wan": 0.3, "suspended": 0, "closed": 0},
            {"unit": "第二组", "inspection_groups": None, "general_hazards_found": 5, "general_hazards_fixed": 5,
             "major_hazards_found": 0, "major_hazards_fixed": 0, "fines_wan": 0, "suspended": 1, "closed": 0}],
            "totals": {"general_hazards_found": 14, "general_hazards_fixed": 11, "major_hazards_found": 1,
                       "major_hazards_fixed": 1, "fines_wan": 0.3, "suspended": 1, "closed": 0}}}]}


@case
def campaign_stats_units_in_header(out: Path) -> dict:
    """统计表 .docx: 一般隐患 over 排查（项）/整改（项） cells with the unit inside, no units row."""
    d = new_docx()
    d.add_paragraph("大排查大整治行动统计表")
    d.add_paragraph("填报单位：巴公镇人民政府      填报日期：2023年3月17日")
    rows = [["检查组（个）", "一般隐患", "一般隐患", "重大隐患", "重大隐患", "行政罚款（万元）", "典型案例（个）"],
            ["检查组（个）", "排查（项）", "整改（项）", "排查（项）", "整改（项）", "行政罚款（万元）", "典型案例（个）"],
            ["3", "21", "19", "1", "1", "2.5", "1"]]
    t = docx_table(d, rows, merge_right=False)
    for c in (1, 3):
        t.cell(0, c).merge(t.cell(0, c + 1))
        t.cell(0, c).text = rows[0][c]
    for c in (0, 5, 6):
        merge_down(t, c, 0, 1)
    p = out / "统计表-巴公镇.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "campaign_stats",
        "header": {"reporting_unit": "巴公镇人民政府", "fill_date": "2023-03-17"},
        "data": {"rows": [{"inspection_groups": 3, "general_hazards_found": 21, "general_hazards_fixed": 19,
                           "major_hazards_found": 1, "major_hazards_fixed": 1, "fines_wan": 2.5,
                           "typical_cases": 1}]}}]}


@case
def register_values_in_label_cells(out: Path) -> dict:
    """摸底登记表 whose values are typed into the label cells (单位名称：…) and ☑是 ☐否 answers."""
    d = new_docx()
    d.add_paragraph("生产经营单位摸底登记表")
    docx_table(d, [
        ["单位名称：晋城市城区永红五金制品厂", None, None, None],
        ["统一社会信用代码：92140502MA0H2KLX55", None, "注册资本（万元）：50", None],
        ["成立时间：2016年8月", None, "所属镇（街道）：西上庄街道", None],
        ["主要负责人：王永红  手机：13700356789", None, None, None],
        ["是否有重大危险源", "☐是 ☑否", "单位规模", "小微"],
        ["是否存在非法违法生产经营建设行为", "☐是  ☑否", None, None],
        ["从业人数：12人", None, "安全管理人员人数：1", None],
    ])
    d.add_paragraph("填报单位（盖章）：西上庄街道办事处    填报日期：2023年3月6日")
    p = out / "摸底登记表-永红五金.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "enterprise_register",
        "header": {"reporting_unit": "西上庄街道办事处", "fill_date": "2023-03-06"},
        "data": {"name": "晋城市城区永红五金制品厂", "registration_no": "92140502MA0H2KLX55",
                 "credit_code": "92140502MA0H2KLX55", "registered_capital_wan": 50, "founded": "2016-08",
                 "town": "西上庄街道", "principal": {"name": "王永红", "mobile": "13700356789"},
                 "has_major_hazard_source": False, "scale": "小微", "has_illegal_activity": False,
                 "employees": 12, "safety_managers": 1}}]}


SELF_CHECK_EXTRA = ["有限空间作业是否执行先通风、再检测、后作业", "粉尘涉爆场所是否落实防爆措施"]


def _self_check_items() -> list[tuple[str, str]]:
    from schema.spec import load_spec
    spec = load_spec("self_check")
    items = [(g["category"], text) for g in spec.groups for text in g["items"]]
    return items + [("其他", t) for t in SELF_CHECK_EXTRA]


# item number → (self, check): glyph runs as written, and the marks they mean
SELF_MARKS = [(("sym", "Wingdings", "F0FC"), "yes"), (("sym", "Wingdings", "F0FB"), "no"),
              ("符合", "yes"), ("不符合", "no"), ("整改中", "rectifying"), (("sym", "Wingdings 2", "F050"), "yes"),
              ("0", "rectifying"), ("", None)]


@case
def self_check_glyphs_renumbered(out: Path) -> dict:
    """自查表: Wingdings √/× glyphs, 符合/不符合/整改中, 30 items (two added by the office), the 备注 row."""
    p = out / "自查表-德盛化工.docx"
    return {"file": p.name, "records": [_self_check_glyphs(p)]}


@case
def self_check_glyphs_pdf(out: Path) -> dict:
    """The same 自查表 printed to a two-page text PDF: the glyphs come back as U+F0xx characters."""
    src = out / "自查表-德盛化工-打印.docx"
    return {"file": src.with_suffix(".pdf").name, "convert": ("pdf", src.name), "records": [_self_check_glyphs(src)]}


def _self_check_glyphs(p: Path) -> dict:
    items = _self_check_items()
    d = new_docx()
    d.add_paragraph("生产经营单位自查表")
    d.add_paragraph("填表日期：2023年3月9日")
    rows = [["企业名称", "晋城市城区德盛化工有限公司", "所属行业", "危险化学品"],
            ["企业地址", "西上庄街道后河村", "所属镇（街道）", "西上庄街道"],
            ["负责人", "韩德盛", "电 话", "13935612345"],
            ["自查项目", "自查内容", "自查结果", "检查结果"]]
    rows += [[cat, f"{i}.{text}", "", ""] for i, (cat, text) in enumerate(items, 1)]
    rows += [["备注：自查结果栏，符合要求的打“√”；正在整改中的打“0”；不符合要求的打“×”；无该项的不填写",
              None, None, None]]
    t = docx_table(d, rows)
    expected = []
    for i, (cat, text) in enumerate(items, 1):
        s_run, s_val = SELF_MARKS[i % len(SELF_MARKS)]
        c_run, c_val = SELF_MARKS[(i + 3) % len(SELF_MARKS)]
        r = 3 + i
        set_cell_runs(t.cell(r, 2), [s_run] if s_run else [])
        set_cell_runs(t.cell(r, 3), [c_run] if c_run else [])
        expected.append({"no": i, "category": cat, "content": text, "self_result": s_val, "check_result": c_val})
    # the category cell merged down its group, as in the seed
    first = 4
    for i in range(1, len(items) + 1):
        if i == len(items) or items[i][0] != items[i - 1][0]:
            if i + 3 > first:
                merge_down(t, 0, first, i + 3)
            first = i + 4
    d.save(p)
    return {"form_type": "self_check", "header": {"fill_date": "2023-03-09"},
            "data": {"enterprise": {"name": "晋城市城区德盛化工有限公司", "industry": "危险化学品",
                                    "address": "西上庄街道后河村", "town": "西上庄街道", "principal": "韩德盛",
                                    "phone": "13935612345"},
                     "items": expected}}


DISPATCH_ROWS = [
    ["总体情况", "1", "企业自查发现的重大事故隐患（个）", "3", "2", "企业自查发现重大事故隐患中已完成整改的（个）", "2"],
    ["", "3", "执法检查发现的重大事故隐患（个）", "0个", "4", "执法检查发现重大事故隐患中已完成整改的（个）", "0"],
    ["", "5", "群众举报的重大事故隐患（个）", "", "6", "群众举报的重大事故隐患中已完成整改的（个）", "无"],
    ["对企业自查自改进行抽查检查情况", "1", "抽查检查的企业总数（家）", "6", "2",
     "企业主要负责人未按要求亲自研究排查整治工作（家）", "1"],
    ["部门精准严格执法情况", "1", "帮扶指导重点村（个次）", "2", "2", "帮扶指导重点企业（家次）", "4"],
    ["", "3", "行政处罚（次，万元）", "1次，0.5万元", "4", "企业和企业主要负责人“一案双罚”（次）", "0"],
]
DISPATCH_DATA = {"self_found": 3, "self_fixed": 2, "enforcement_found": 0, "enforcement_fixed": 0,
                 "reported_found": None, "reported_fixed": 0, "spot_checked": 6, "head_not_studying": 1,
                 "guided_villages": 2, "guided_enterprises": 4, "penalties": 1, "penalty_wan": 0.5,
                 "dual_penalty": 0}


@case
def self_check_bracket_numbers_doc(out: Path) -> dict:
    """.doc 自查表: items numbered （1） / 第3项, marks √（已整改） and ✔, 填报单位：（盖章）… ."""
    d = new_docx()
    d.add_paragraph("企业自查表")
    d.add_paragraph("填报单位：（盖章）北石店镇人民政府")
    docx_table(d, [["企业名称", "晋城市城区泰和木器厂", "所属行业", "木材加工"],
                   ["自查项目", "自查内容", "自查结果", "检查结果"],
                   ["机构培训制度", "（1）是否建立安全生产管理机构并按规定配备安全主任", "√", "√"],
                   ["机构培训制度", "（2）是否建立健全安全生产责任制和规章制度", "×", "✔"],
                   ["消防安全", "第3项 是否存在埋压、圈占消防栓现象", "√（已整改）", "✔"]], merge_right=False)
    d.add_paragraph("")     # Word ends a body with a paragraph; LibreOffice drops a final table from .doc
    src = out / "自查表-泰和木器.docx"
    d.save(src)
    return {"file": "自查表-泰和木器.doc", "convert": ("doc", src.name), "records": [{
        "form_type": "self_check", "header": {"reporting_unit": "北石店镇人民政府"},
        "data": {"enterprise": {"name": "晋城市城区泰和木器厂", "industry": "木材加工"}, "items": [
            {"no": 1, "category": "机构培训制度", "content": "是否建立安全生产管理机构并按规定配备安全主任",
             "self_result": "yes", "check_result": "yes"},
            {"no": 2, "category": "机构培训制度", "content": "是否建立健全安全生产责任制和规章制度",
             "self_result": "no", "check_result": "yes"},
            {"no": 3, "category": "消防安全", "content": "是否存在埋压、圈占消防栓现象",
             "self_result": "yes", "check_result": "yes"}]}}]}


@case
def dispatch_village_committee(out: Path) -> dict:
    """调度表 in the seed's seven columns: 东沟村委, 时间 2023年6月25日, a blank and a 0个 indicator."""
    d = new_docx()
    d.add_paragraph("重大事故隐患专项排查整治行动进展情况调度表")
    d.add_paragraph("东沟村委")
    d.add_paragraph("时间：2023年6月25日")
    t = docx_table(d, DISPATCH_ROWS, merge_right=False)
    merge_down(t, 0, 0, 2)
    merge_down(t, 0, 4, 5)
    p = out / "调度表-东沟村.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "progress_dispatch", "header": {"village": "东沟村", "period": "2023-06-25"},
        "data": DISPATCH_DATA}]}


@case
def dispatch_village_label_xls(out: Path) -> dict:
    """.xls 调度表: 村（社区）：东沟村委会 and 时间 on one line, 填报说明 lines below that name 时间."""
    wb = Workbook()
    ws = wb.active
    ws.title = "调度表"
    sheet_rows(ws, [["重大事故隐患专项排查整治行动进展情况调度表"] + [None] * 6,
                    ["村（社区）：东沟村委会        时间：2023.6.25"] + [None] * 6] + DISPATCH_ROWS
               + [["填报说明："] + [None] * 6, ["1.", "时间：每月25日前上报截至当月25日的累计情况。"] + [None] * 5,
                  ["2.", "填报单位须如实填报，村（社区）：盖章。"] + [None] * 5],
               merge_blank_right=True)
    for r in (3, 7):         # the section cells merged down
        ws.merge_cells(start_row=r, start_column=1, end_row=r + (2 if r == 3 else 1), end_column=1)
    src = out / "调度表-东沟村委会.xlsx"
    wb.save(src)
    return {"file": "调度表-东沟村委会.xls", "convert": ("xls", src.name), "records": [{
        "form_type": "progress_dispatch", "header": {"village": "东沟村", "period": "2023-06-25"},
        "data": DISPATCH_DATA}]}


@case
def campaign_stats_flat_header_notes(out: Path) -> dict:
    """统计表 with one header row (一般隐患排查（项） in one cell), notes below naming 统计时间 and
    填报日期, and a signature line."""
    d = new_docx()
    d.add_paragraph("大排查大整治行动统计表")
    d.add_paragraph("填报单位：柳树口镇人民政府    统计时间：2023年3月13日至3月17日")
    docx_table(d, [["检查组", "一般隐患排查（项）", "一般隐患整改（项）", "重大隐患排查（项）", "重大隐患整改（项）",
                    "责令限期整改企业（家）", "行政罚款（万元）", "停产整顿（家）"],
                   ["第一组", "12", "10", "0", "0", "2", "0.8", "0"],
                   ["第二组", "7", "7", "1", "0", "1", "", "1"]], merge_right=False)
    d.add_paragraph("主要负责人签字：              填表人：王丽")
    d.add_paragraph("填表说明：")
    d.add_paragraph("1. 统计时间为本周一至周五。")
    d.add_paragraph("2. 填报日期：每周五15时前。")
    p = out / "统计表-柳树口镇.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "campaign_stats",
        "header": {"reporting_unit": "柳树口镇人民政府", "period": "2023-03-17", "filler": "王丽"},
        "data": {"rows": [
            {"unit": "第一组", "inspection_groups": None, "general_hazards_found": 12, "general_hazards_fixed": 10,
             "major_hazards_found": 0, "major_hazards_fixed": 0, "ordered_rectification": 2, "fines_wan": 0.8,
             "suspended": 0},
            {"unit": "第二组", "inspection_groups": None, "general_hazards_found": 7, "general_hazards_fixed": 7,
             "major_hazards_found": 1, "major_hazards_fixed": 0, "ordered_rectification": 1, "fines_wan": None,
             "suspended": 1}]}}]}


@case
def hazard_list_numbered_empty_rows_xls(out: Path) -> dict:
    """.xls 隐患统计表 (abbreviated title): eight numbered rows, three filled, one 企业类别 missing,
    同上 / 〃 for the cell above."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    rows = [["隐患统计表"] + [None] * 6,
            ["填报单位（盖章）：南村镇人民政府", None, None, None, "填表日期：2023年3月15日", None, None],
            ["序号", "生产经营单位名称", "核查单位", "所在镇（街道）", "企业类别", "重大隐患/具体非违法行为", "处理措施"],
            [1, "晋城市城区康达建材厂", "南村镇安监站", "南村镇", "建材", "粉碎机传动部位无防护罩", "责令立即整改"],
            [2, "晋城市城区兴旺加油站", "同上", "同上", "", "油罐区无静电接地装置", "停业整改"],
            [3, "晋城市城区恒通物流园", "区交通局", "〃", "物流", "库房违规住人", "立案查处"]]
    rows += [[i] + [None] * 6 for i in range(4, 9)]
    sheet_rows(ws, rows)
    ws.merge_cells("A1:G1")
    src = out / "隐患统计表-南村镇.xlsx"
    wb.save(src)
    base = {"checking_unit": "南村镇安监站", "town": "南村镇"}
    return {"file": "隐患统计表-南村镇.xls", "convert": ("xls", src.name), "records": [{
        "form_type": "major_hazard_list",
        "header": {"reporting_unit": "南村镇人民政府", "fill_date": "2023-03-15"},
        "data": {"rows": [
            {"seq": 1, "enterprise": "晋城市城区康达建材厂", **base, "category": "建材",
             "description": "粉碎机传动部位无防护罩", "action": "责令立即整改"},
            {"seq": 2, "enterprise": "晋城市城区兴旺加油站", **base, "category": None,
             "description": "油罐区无静电接地装置", "action": "停业整改"},
            {"seq": 3, "enterprise": "晋城市城区恒通物流园", "checking_unit": "区交通局", "town": "南村镇",
             "category": "物流", "description": "库房违规住人", "action": "立案查处"}]}}]}


@case
def supervision_no_title_pdf(out: Path) -> dict:
    """A 督导检查表 with no title at all, printed to PDF: recognised by its labels alone."""
    d = new_docx()
    docx_table(d, supervision_rows("晋城市城区宏远物流有限公司", "2023年3月14日",
                                   "叉车未定期检验", "送检叉车")
               + [["整改落实情况", "已送检", None, None], ["回查结果", "合格", None, None]])
    src = out / "无标题检查表-宏远物流.docx"
    d.save(src)
    return {"file": "无标题检查表-宏远物流.pdf", "convert": ("pdf", src.name), "records": [{
        "form_type": "supervision_check", "header": {},
        "data": {**SUPERVISION_FIXED, "enterprise": "晋城市城区宏远物流有限公司", "check_date": "2023-03-14",
                 "inspectors": ["郭明", "陈静"], "problems": ["叉车未定期检验"], "measures": ["送检叉车"],
                 "deadline": "2023-04-15", "responsible": "马超", "rectification": "已送检",
                 "recheck_result": "合格"}}]}


@case
def register_pdf_text(out: Path) -> dict:
    """The seed-layout 摸底登记表 printed to a text PDF, 姓名 / 手机号码 cells for the person."""
    d = new_docx()
    d.add_paragraph("附件1")
    d.add_paragraph("生产经营单位摸底登记表")
    d.add_paragraph("填报单位（盖章）：金村镇人民政府")
    d.add_paragraph("填报日期：2023年3月8日")
    docx_table(d, register_rows("晋城市城区金辉陶瓷有限公司", "140502000011111", "李金辉", "13103561111"))
    src = out / "摸底登记表-金辉陶瓷.docx"
    d.save(src)
    return {"file": "摸底登记表-金辉陶瓷.pdf", "convert": ("pdf", src.name), "records": [{
        "form_type": "enterprise_register",
        "header": {"reporting_unit": "金村镇人民政府", "fill_date": "2023-03-08"},
        "data": {"name": "晋城市城区金辉陶瓷有限公司", "registration_no": "140502000011111",
                 "principal": {"name": "李金辉", "mobile": "13103561111"}, **REGISTER_DATA}}]}


def _comment(d, cell, text: str) -> None:
    """A reviewer's comment anchored on the first run of a cell."""
    runs = cell.paragraphs[0].runs
    d.add_comment(runs[:1], text=text, author="区安委办", initials="AW")


@case
def tracked_changes_and_comment(out: Path) -> dict:
    """督导检查表 with a tracked deletion/insertion in two cells and a reviewer's comment."""
    d = new_docx()
    d.add_paragraph("镇（街道）、部门督导检查表")
    t = docx_table(d, supervision_rows("晋城市城区晨光印刷厂", "", "油墨仓库未设置防爆灯",
                                       "更换防爆灯具"))
    set_cell_runs(t.cell(0, 3), [("del", "2023年3月1日"), ("ins", "2023年3月13日")])
    set_cell_runs(t.cell(4, 1), ["2023年", ("del", "3月31日"), ("ins", "4月10日")])
    _comment(d, t.cell(2, 1), "请补充隐患照片")
    d.add_paragraph("填报单位（盖章）：钟家庄街道办事处")
    p = out / "督导检查表-修订痕迹.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "supervision_check", "header": {"reporting_unit": "钟家庄街道办事处"},
        "data": {**SUPERVISION_FIXED, "enterprise": "晋城市城区晨光印刷厂", "check_date": "2023-03-13",
                 "problems": ["油墨仓库未设置防爆灯"], "measures": ["更换防爆灯具"], "deadline": "2023-04-10"}}]}


@case
def form_in_layout_table(out: Path) -> dict:
    """A 重大隐患统计表 placed inside the one cell of an outer layout table, with title lines in it;
    its 合计 row is not an item."""
    d = new_docx()
    outer = d.add_table(rows=1, cols=1)
    cell = outer.cell(0, 0)
    cell.paragraphs[0].text = "非法违法生产经营行为、重大隐患统计表"
    cell.add_paragraph("填报单位（盖章）：东上庄街道办事处")
    inner = cell.add_table(rows=4, cols=5)
    inner.style = "Table Grid"
    for r, row in enumerate([["序号", "生产经营单位名称", "企业类别", "重大隐患/具体非违法行为", "处理措施"],
                             ["1", "晋城市城区万家乐超市", "商贸", "疏散通道锁闭", "当场整改"],
                             ["2", "晋城市城区鸿运饭店", "餐饮", "液化气钢瓶未设置报警装置", "限期整改"],
                             ["合计", "2家", "", "2项", ""]]):
        for c, v in enumerate(row):
            inner.cell(r, c).text = v
    cell.add_paragraph("填表日期：2023年3月16日")
    p = out / "重大隐患统计表-套表.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "major_hazard_list",
        "header": {"reporting_unit": "东上庄街道办事处", "fill_date": "2023-03-16"},
        "data": {"rows": [
            {"seq": 1, "enterprise": "晋城市城区万家乐超市", "category": "商贸", "description": "疏散通道锁闭",
             "action": "当场整改"},
            {"seq": 2, "enterprise": "晋城市城区鸿运饭店", "category": "餐饮",
             "description": "液化气钢瓶未设置报警装置", "action": "限期整改"}]}}]}


@case
def supervision_label_rows(out: Path) -> dict:
    """督导检查表 whose 存在问题 label is merged down over one row per problem, and whose 整改措施：
    sits on a row of its own with the measures in the row below (the table's last rows)."""
    d = new_docx()
    d.add_paragraph("安全生产督导检查表")
    t = docx_table(d, [["检查企业（场所）", "晋城市城区三利木业有限公司", "检查日期", "2023/3/18"],
                       ["检查人员", "郭明 陈静", None, None],
                       ["存在问题", "1.除尘器未设置泄爆装置", None, None],
                       ["", "2.木粉尘清扫不及时", None, None],
                       ["", "3.电气线路未穿管保护", None, None],
                       ["整改措施：", None, None, None],
                       ["1.加装泄爆片；2.每班清扫；3.线路穿管", None, None, None]])
    merge_down(t, 0, 2, 4)
    p = out / "督导检查表-三利木业.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "supervision_check", "header": {},
        "data": {"enterprise": "晋城市城区三利木业有限公司", "check_date": "2023-03-18", "inspectors": ["郭明", "陈静"],
                 "problems": ["除尘器未设置泄爆装置", "木粉尘清扫不及时", "电气线路未穿管保护"],
                 "measures": ["加装泄爆片", "每班清扫", "线路穿管"]}}]}


@case
def signature_block_table(out: Path) -> dict:
    """A 督导检查表 followed by a signature table (负责人签字 / 填表人 / 日期): no extra record."""
    d = new_docx()
    d.add_paragraph("镇（街道）、部门督导检查表")
    docx_table(d, supervision_rows("晋城市城区顺发机械厂", "2023年3月15日", "车床防护罩缺失", "加装防护罩"))
    docx_table(d, [["负责人签字", "", "填表人", "李明", "日期", "2023年3月16日"]], merge_right=False)
    p = out / "督导检查表-签字栏.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "supervision_check", "header": {"filler": "李明", "fill_date": "2023-03-16"},
        "data": {**SUPERVISION_FIXED, "enterprise": "晋城市城区顺发机械厂", "check_date": "2023-03-15",
                 "problems": ["车床防护罩缺失"],
                 "measures": ["加装防护罩"], "responsible": "马超"}}]}


def build(out: Path) -> list[dict]:
    """Write every return into `out`; conversions in one LibreOffice batch per target format."""
    return build_cases(CASES, out)


if __name__ == "__main__":
    for c in build(Path(sys.argv[1] if len(sys.argv) > 1 else "variety2_out")):
        print(c["file"])
