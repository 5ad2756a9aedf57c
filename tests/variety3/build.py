"""A third round of returns (built with python-docx / openpyxl, never with generators/forms.py), for
four gaps seen in real returns: 自查表 answered 是 / 否 (an item asked negatively, 是否存在…, answered
是 is 不符合), statistics tables with 小计 rows per 检查组 or 乡镇 above the 合计, combined cells
(行政处罚 "罚款1次0.5万元", 行政罚款 "1.5万元（2次）") and spreadsheets printed to PDF without cell
borders.

`build(out)` writes the files and returns the cases: {"file", "records": [expected, …]}, each
expected record {"form_type", "header", "data", "warnings"?, "messages"?} listing only what that
return holds ("warnings": the warning codes the return must raise; "messages": words some warning
message must contain).

    .venv/bin/python tests/variety3/build.py OUTDIR     # writes the files and cases.json
"""
from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment

if __name__ == "__main__":          # run as a script: the repo root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.variety.build import build_cases, docx_table, merge_down, new_docx
from tests.variety2.build import sheet_rows

CASES: list = []


def case(fn):
    CASES.append(fn)
    return fn


# --- 1. 自查表 answered 是 / 否 --------------------------------------------------------------------

# (category, item, self answer, check answer, self mark, check mark): 是 to an item asked
# negatively means 不符合; √ / × are never turned round.
YES_NO_ITEMS = [
    ("机构培训制度", "是否建立健全安全生产责任制和规章制度", "是", "是", "yes", "yes"),
    ("重点场所", "厂房是否禁止使用易燃液体清洁地面", "是", "否", "yes", "no"),
    ("重点场所", "是否使用易燃液体擦洗设备", "否", "是", "yes", "no"),
    ("机器设备", "生产车间作业场所电源线路是否存在老化现象或存在乱搭线或未套管现象", "是", "否", "no", "yes"),
    ("消防安全", "是否存在埋压、圈占消防栓现象", "否", "是", "yes", "no"),
    ("消防安全", "疏散通道是否畅通、无堵塞", "是", "是", "yes", "yes"),
    ("消防安全", "消防车通道是否被占用", "☐是 ☑否", "☑是 ☐否", "yes", "no"),
    ("违章作业", "是否存在私拉乱接电线现象", "√", "×", "yes", "no"),
    ("违章作业", "员工宿舍是否超员居住", "否", "否", "yes", "yes"),
    ("违章作业", "安全出口是否锁闭", "是", "否", "no", "yes"),
]


def _yes_no_docx(p: Path) -> dict:
    d = new_docx()
    d.add_paragraph("生产经营单位自查表")
    d.add_paragraph("填表日期：2023年3月20日")
    rows = [["企业名称", "晋城市城区鼎盛五金厂", "所属行业", "五金加工"],
            ["自查项目", "自查内容", "自查结果", "检查结果"]]
    rows += [[cat, f"{i}.{text}", s, c] for i, (cat, text, s, c, _, _) in enumerate(YES_NO_ITEMS, 1)]
    t = docx_table(d, rows, merge_right=False)
    first = 2
    for i in range(1, len(YES_NO_ITEMS) + 1):       # the category cell merged down its group
        if i == len(YES_NO_ITEMS) or YES_NO_ITEMS[i][0] != YES_NO_ITEMS[i - 1][0]:
            if i + 1 > first:
                merge_down(t, 0, first, i + 1)
            first = i + 2
    d.save(p)
    return {"form_type": "self_check", "header": {"fill_date": "2023-03-20"},
            "data": {"enterprise": {"name": "晋城市城区鼎盛五金厂", "industry": "五金加工"},
                     "items": [{"no": i, "category": cat, "content": text, "self_result": sm, "check_result": cm}
                               for i, (cat, text, _, _, sm, cm) in enumerate(YES_NO_ITEMS, 1)]}}


@case
def self_check_yes_no_words(out: Path) -> dict:
    """自查表 answered 是 / 否 and ☑是☐否: items asked negatively (是否存在…, 是否被占用, 是否锁闭)
    turn round, 是否禁止使用… and 是否畅通、无堵塞 do not, √ / × never do."""
    p = out / "自查表-鼎盛五金.docx"
    return {"file": p.name, "records": [_yes_no_docx(p)]}


@case
def self_check_yes_no_words_pdf(out: Path) -> dict:
    """The same 自查表 printed to a text PDF."""
    src = out / "自查表-鼎盛五金-打印.docx"
    return {"file": src.with_suffix(".pdf").name, "convert": ("pdf", src.name), "records": [_yes_no_docx(src)]}


@case
def self_check_conforming_column(out: Path) -> dict:
    """自查表 sheet whose result column is headed 是否符合: 是 means 符合 whatever the item asks."""
    wb = Workbook()
    ws = wb.active
    ws.title = "自查表"
    sheet_rows(ws, [["企业安全自查表", None, None],
                    ["企业名称", "晋城市城区众和物流有限公司", None],
                    ["序号", "检查内容", "是否符合"],
                    [1, "是否存在埋压、圈占消防栓现象", "是"],
                    [2, "安全出口是否堵塞", "否"],
                    [3, "是否建立安全生产责任制", "是"]], merge_blank_right=True)
    p = out / "自查表-众和物流.xlsx"
    wb.save(p)
    return {"file": p.name, "records": [{
        "form_type": "self_check", "header": {},
        "data": {"enterprise": {"name": "晋城市城区众和物流有限公司"}, "items": [
            {"no": 1, "category": None, "content": "是否存在埋压、圈占消防栓现象", "self_result": "yes"},
            {"no": 2, "category": None, "content": "安全出口是否堵塞", "self_result": "no"},
            {"no": 3, "category": None, "content": "是否建立安全生产责任制", "self_result": "yes"}]}}]}


# --- 2. 小计 rows ----------------------------------------------------------------------------------

CAMPAIGN_HEAD = [["单位", "检查组", "一般隐患", None, "重大隐患", None, "行政罚款"],
                 [None, None, "排查", "整改", "排查", "整改", None],
                 [None, "（个）", "（项）", "（项）", "（项）", "（项）", "（万元）"]]
CAMPAIGN_KEYS = ["inspection_groups", "general_hazards_found", "general_hazards_fixed", "major_hazards_found",
                 "major_hazards_fixed", "fines_wan"]


def _campaign_sheet(ws, title: str, body: list[list]) -> None:
    sheet_rows(ws, [[title] + [None] * 6, ["填报单位：城区应急管理局", None, None, None, "填表日期：2023年3月24日",
                                           None, None]] + CAMPAIGN_HEAD + body)
    for rng in ("A1:G1", "A2:D2", "E2:G2", "A3:A5", "B3:B4", "C3:D3", "E3:F3", "G3:G4"):
        ws.merge_cells(rng)


def _row(unit: str, values: list) -> dict:
    return {"unit": unit, **dict(zip(CAMPAIGN_KEYS, values))}


@case
def campaign_stats_group_subtotals(out: Path) -> dict:
    """统计表 with a row per 检查组 name, its towns, a 小计 per group and a 合计; the second
    group's 小计 is added wrong (13 for 5 + 7): warning total naming that 小计, the 合计 is right."""
    groups = [("第一检查组", [("北石店镇", [1, 10, 8, 1, 1, 0.5]), ("西上庄街道", [1, 6, 6, 0, 0, 0])],
               [2, 16, 14, 1, 1, 0.5]),
              ("第二检查组", [("钟家庄街道", [1, 5, 4, 0, 0, 0.2]), ("南村镇", [1, 7, 7, 1, 0, 0])],
               [2, 13, 11, 1, 0, 0.2])]
    body = []
    for name, rows, subtotal in groups:
        body += [[name] + [None] * 6] + [[u] + v for u, v in rows] + [["小计"] + subtotal]
    body.append(["合计", 4, 28, 25, 2, 1, 0.7])
    wb = Workbook()
    _campaign_sheet(wb.active, "大排查大整治行动统计表", body)
    p = out / "统计表-分组小计.xlsx"
    wb.save(p)
    return {"file": p.name, "records": [{
        "form_type": "campaign_stats", "warnings": ["total"], "messages": ["第二检查组", "小计", "12"],
        "header": {"reporting_unit": "城区应急管理局", "fill_date": "2023-03-24"},
        "data": {"rows": [_row(u, v) for _, rows, _ in groups for u, v in rows],
                 "totals": dict(zip(CAMPAIGN_KEYS, [4, 28, 25, 2, 1, 0.7]))}}]}


@case
def campaign_stats_town_subtotal_labels(out: Path) -> dict:
    """.docx 统计表: 小计 rows written 北石店镇小计 / 金村镇小计 and a 总　计, all added right."""
    d = new_docx()
    d.add_paragraph("大排查大整治行动统计表")
    d.add_paragraph("填报单位：城区应急管理局      填报日期：2023年3月24日")
    head = [["单位", "检查组（个）", "一般隐患排查（项）", "一般隐患整改（项）", "重大隐患排查（项）", "重大隐患整改（项）",
             "行政罚款（万元）"]]
    rows = [("北石店镇第一组", [1, 4, 4, 0, 0, 0]), ("北石店镇第二组", [1, 3, 2, 1, 1, 0.3])]
    rows2 = [("金村镇第一组", [1, 8, 8, 0, 0, 1])]
    body = [[u] + [str(x) for x in v] for u, v in rows] + [["北石店镇小计", "2", "7", "6", "1", "1", "0.3"]]
    body += [[u] + [str(x) for x in v] for u, v in rows2] + [["金村镇小计", "1", "8", "8", "0", "0", "1"]]
    body.append(["总　计", "3", "15", "14", "1", "1", "1.3"])
    docx_table(d, head + body, merge_right=False)
    p = out / "统计表-镇小计.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "campaign_stats",
        "header": {"reporting_unit": "城区应急管理局", "fill_date": "2023-03-24"},
        "data": {"rows": [_row(u, v) for u, v in rows + rows2],
                 "totals": dict(zip(CAMPAIGN_KEYS, [3, 15, 14, 1, 1, 1.3]))}}]}


INSPECTION_KEYS = ["inspection_groups", "inspectors", "units_inspected", "general_hazards_found",
                   "general_hazards_fixed", "suspended", "fines_wan"]


@case
def inspection_stats_town_merged_subtotals(out: Path) -> dict:
    """督导情况统计表: 乡镇 merged down over its units and its 小计 (小计 in the second column),
    合计 merged over the first two columns."""
    wb = Workbook()
    ws = wb.active
    ws.title = "统计表"
    units = [("北石店镇", "镇安监站", [1, 3, 5, 12, 10, 0, 0.5]), ("北石店镇", "镇派出所", [1, 2, 4, 6, 6, 1, 0]),
             ("北石店镇", "小计", [2, 5, 9, 18, 16, 1, 0.5]),
             ("金村镇", "镇安监站", [2, 6, 8, 9, 9, 0, 1.2]), ("金村镇", "小计", [2, 6, 8, 9, 9, 0, 1.2]),
             ("合计", None, [4, 11, 17, 27, 25, 1, 1.7])]
    sheet_rows(ws, [["全市安全检查督导情况统计表"] + [None] * 8,
                    ["填报单位（盖章）：城区安委办", None, None, None, None, "统计时间：2023年3月", None, None, None],
                    ["乡镇", "单位名称", "检查工作开展情况", None, None, None, None, "查处违法行为情况", None],
                    [None, None, "派出检查组数", "派出检查组人数", "被检查单位", "一般隐患排查", "一般隐患整改",
                     "停产整顿", "行政处罚款"],
                    [None, None, "（组）", "（人）", "（家）", "（项）", "（项）", "（家）", "（万元）"]]
               + [[town, unit] + v for town, unit, v in units])
    for rng in ("A1:I1", "A2:E2", "F2:I2", "C3:G3", "H3:I3", "A3:A5", "B3:B5", "A6:A8", "A9:A10", "A11:B11"):
        ws.merge_cells(rng)
    p = out / "督导情况统计表-乡镇小计.xlsx"
    wb.save(p)
    return {"file": p.name, "records": [{
        "form_type": "inspection_stats",
        "header": {"reporting_unit": "城区安委办", "period": "2023-03"},
        "data": {"rows": [{"unit": unit, **dict(zip(INSPECTION_KEYS, v))} for _, unit, v in units
                          if unit not in ("小计", None)],
                 "totals": dict(zip(INSPECTION_KEYS, units[-1][2]))}}]}


# --- 3. combined cells ------------------------------------------------------------------------------

def _dispatch_rows(penalty: str) -> list[list[str]]:
    return [["总体情况", "1", "企业自查发现的重大事故隐患（个）", "4", "2", "企业自查发现重大事故隐患中已完成整改的（个）", "3"],
            ["部门精准严格执法情况", "1", "帮扶指导重点村（个次）", "2", "2", "帮扶指导重点企业（家次）", "5"],
            ["", "3", "行政处罚（次，万元）", penalty, "4", "企业和企业主要负责人“一案双罚”（次）", "1"],
            ["", "5", "移送司法机关（人）", "0", "6", "责令停产整顿/关闭取缔（家）", "停产1家，关闭0家"],
            ["", "7", "曝光、约谈、联合惩戒企业（家）", "1", "8", "公布典型案例（个），其中危险作业罪案例（个）",
             "2个，其中危险作业罪案例1个"]]


DISPATCH_BASE = {"self_found": 4, "self_fixed": 3, "guided_villages": 2, "guided_enterprises": 5, "dual_penalty": 1,
                 "transferred_to_judiciary": 0, "suspended": 1, "closed": 0, "exposed_interviewed": 1,
                 "typical_cases": 2, "dangerous_operation_cases": 1}


def _dispatch_docx(p: Path, village: str, penalty: str) -> None:
    d = new_docx()
    d.add_paragraph("重大事故隐患专项排查整治行动进展情况调度表")
    d.add_paragraph(f"村（社区）：{village}        时间：2023年7月25日")
    t = docx_table(d, _dispatch_rows(penalty), merge_right=False)
    merge_down(t, 0, 1, 4)
    d.add_paragraph("")     # LibreOffice drops a final table from .doc
    d.save(p)


def _dispatch_record(village: str, penalties: int, wan: float) -> dict:
    return {"form_type": "progress_dispatch", "header": {"village": village, "period": "2023-07-25"},
            "data": {**DISPATCH_BASE, "penalties": penalties, "penalty_wan": wan}}


@case
def dispatch_penalty_run_together(out: Path) -> dict:
    """调度表: 行政处罚 written 罚款1次0.5万元 (no separator), 停产1家，关闭0家, 2个，其中危险作业罪案例1个."""
    p = out / "调度表-西沟村.docx"
    _dispatch_docx(p, "西沟村", "罚款1次0.5万元")
    return {"file": p.name, "records": [_dispatch_record("西沟村", 1, 0.5)]}


@case
def dispatch_penalty_two_phrases_xls(out: Path) -> dict:
    """.xls 调度表: 行政处罚 written 处罚2次，罚款1.5万元."""
    wb = Workbook()
    ws = wb.active
    ws.title = "调度表"
    sheet_rows(ws, [["重大事故隐患专项排查整治行动进展情况调度表"] + [None] * 6,
                    ["村（社区）：南沟村委会        时间：2023.7.25"] + [None] * 6]
               + _dispatch_rows("处罚2次，罚款1.5万元"), merge_blank_right=True)
    ws.merge_cells("A4:A7")
    src = out / "调度表-南沟村.xlsx"
    wb.save(src)
    return {"file": "调度表-南沟村.xls", "convert": ("xls", src.name),
            "records": [_dispatch_record("南沟村", 2, 1.5)]}


@case
def dispatch_penalty_amount_in_brackets_doc(out: Path) -> dict:
    """.doc 调度表: 行政处罚 written 2次（15000元）."""
    src = out / "调度表-北沟村.docx"
    _dispatch_docx(src, "北沟村", "2次（15000元）")
    return {"file": "调度表-北沟村.doc", "convert": ("doc", src.name),
            "records": [_dispatch_record("北沟村", 2, 1.5)]}


@case
def campaign_stats_fine_with_count(out: Path) -> dict:
    """统计表 whose 行政罚款 cells carry the number of fines: 1.5万元（2次）, 5000元（1次）, 0.8, and a
    合计 of 2.8万元（4次）."""
    wb = Workbook()
    _campaign_sheet(wb.active, "镇（街道）、部门大排查大整治行动统计表", [
        ["北石店镇", 1, 9, 9, 0, 0, "1.5万元（2次）"],
        ["金村镇", 1, 4, 3, 1, 1, "5000元（1次）"],
        ["南村镇", 1, 2, 2, 0, 0, "0.8"],
        ["合计", 3, 15, 14, 1, 1, "2.8万元（4次）"]])
    p = out / "统计表-罚款次数.xlsx"
    wb.save(p)
    return {"file": p.name, "records": [{
        "form_type": "campaign_stats",
        "header": {"reporting_unit": "城区应急管理局", "fill_date": "2023-03-24"},
        "data": {"rows": [_row("北石店镇", [1, 9, 9, 0, 0, 1.5]), _row("金村镇", [1, 4, 3, 1, 1, 0.5]),
                          _row("南村镇", [1, 2, 2, 0, 0, 0.8])],
                 "totals": dict(zip(CAMPAIGN_KEYS, [3, 15, 14, 1, 1, 2.8]))}}]}


@case
def inspection_stats_fine_with_count_docx(out: Path) -> dict:
    """.docx 督导情况统计表, flat header: 行政处罚款（万元） written 1.5万元（2次） and 0."""
    d = new_docx()
    d.add_paragraph("安全检查督导情况统计表")
    d.add_paragraph("填报单位：城区安委办    统计时间：2023年4月")
    docx_table(d, [["单位名称", "派出检查组数（组）", "被检查单位（家）", "一般隐患排查（项）", "一般隐患整改（项）",
                    "行政处罚款（万元）"],
                   ["区住建局", "2", "14", "20", "18", "1.5万元（2次）"],
                   ["区市场监管局", "1", "9", "6", "6", "0"]], merge_right=False)
    p = out / "督导情况统计表-罚款次数.docx"
    d.save(p)
    keys = ["inspection_groups", "units_inspected", "general_hazards_found", "general_hazards_fixed", "fines_wan"]
    return {"file": p.name, "records": [{
        "form_type": "inspection_stats", "header": {"reporting_unit": "城区安委办", "period": "2023-04"},
        "data": {"rows": [{"unit": "区住建局", **dict(zip(keys, [2, 14, 20, 18, 1.5]))},
                          {"unit": "区市场监管局", **dict(zip(keys, [1, 9, 6, 6, 0]))}]}}]}


# --- 4. spreadsheets printed to PDF without cell borders -------------------------------------------

def _unbordered(ws, widths: list[float], head: int, landscape: bool = False, valign: str = "center") -> None:
    """Column widths as an office sets them, the title merged and centred over the columns, the table
    from row `head` on wrapped and centred vertically; no borders (openpyxl writes none); A4."""
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(widths))
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    for row in ws.iter_rows(min_row=head, max_row=ws.max_row - 1):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical=valign)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if landscape:
        ws.page_setup.orientation = "landscape"


@case
def campaign_stats_unbordered_pdf(out: Path) -> dict:
    """统计表 typed in a sheet with no cell borders, printed to PDF: no ruling lines at all."""
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["大排查大整治行动统计表"],
                    ["填报单位：巴公镇人民政府", None, None, None, "填报日期：2023年3月31日"],
                    ["单位", "检查组（个）", "一般隐患排查（项）", "一般隐患整改（项）", "重大隐患排查（项）",
                     "重大隐患整改（项）", "行政罚款（万元）"],
                    ["第一组", 2, 15, 12, 1, 0, 0.5],
                    ["第二组", 1, 8, 8, 0, 0, 0],
                    ["第三组", 1, 11, 9, 2, 1, 1.2],
                    ["合计", 4, 34, 29, 3, 1, 1.7]])
    _unbordered(ws, [12, 10, 12, 12, 12, 12, 12], head=3, landscape=True)
    src = out / "统计表-无边框.xlsx"
    wb.save(src)
    return {"file": "统计表-无边框.pdf", "convert": ("pdf", src.name), "records": [{
        "form_type": "campaign_stats",
        "header": {"reporting_unit": "巴公镇人民政府", "fill_date": "2023-03-31"},
        "data": {"rows": [_row("第一组", [2, 15, 12, 1, 0, 0.5]), _row("第二组", [1, 8, 8, 0, 0, 0]),
                          _row("第三组", [1, 11, 9, 2, 1, 1.2])],
                 "totals": dict(zip(CAMPAIGN_KEYS, [4, 34, 29, 3, 1, 1.7]))}}]}


@case
def hazard_list_unbordered_pdf(out: Path) -> dict:
    """重大隐患统计表 sheet with no borders printed to PDF, one long description wrapping."""
    return _hazard_list_unbordered(out, "center")


@case
def hazard_list_unbordered_top_aligned_pdf(out: Path) -> dict:
    """The same with the cells aligned to the top: the wrapped lines hang below the row's line."""
    return _hazard_list_unbordered(out, "top")


def _hazard_list_unbordered(out: Path, valign: str) -> dict:
    wb = Workbook()
    ws = wb.active
    rows = [(1, "晋城市城区宏达建材有限公司", "北石店镇", "建材", "粉碎机传动部位无防护罩", "责令立即整改"),
            (2, "晋城市城区兴旺加油站", "金村镇", "危化", "油罐区无静电接地装置，卸油口未设置防溢油措施", "停业整改"),
            (3, "晋城市城区恒通物流园", "南村镇", "物流", "库房违规住人", "立案查处")]
    sheet_rows(ws, [["重大隐患统计表"], ["填报单位（盖章）：城区安委办"],
                    ["序号", "生产经营单位名称", "所在镇（街道）", "企业类别", "重大隐患/具体非违法行为", "处理措施"]]
               + [list(r) for r in rows] + [[], ["填表日期：2023年4月3日"]])
    _unbordered(ws, [5, 26, 13, 9, 30, 12], head=3, landscape=True, valign=valign)
    ws.row_dimensions[5].height = 32          # fitted to the wrapped description, as Excel does
    src = out / f"重大隐患统计表-无边框-{valign}.xlsx"
    wb.save(src)
    keys = ["seq", "enterprise", "town", "category", "description", "action"]
    return {"file": src.with_suffix(".pdf").name, "convert": ("pdf", src.name), "records": [{
        "form_type": "major_hazard_list",
        "header": {"reporting_unit": "城区安委办", "fill_date": "2023-04-03"},
        "data": {"rows": [dict(zip(keys, r)) for r in rows]}}]}


@case
def register_label_sheet_unbordered_pdf(out: Path) -> dict:
    """摸底登记表 typed down two columns (label | value) of a sheet with no borders, printed to PDF."""
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["生产经营单位摸底登记表"],
                    ["单位名称", "晋城市城区瑞祥食品有限公司"], ["统一社会信用代码", "91140502MA0K3D7Q3L"],
                    ["成立时间", "2018年5月"], ["所属镇（街道）", "钟家庄街道"], ["单位所在地", "钟家庄街道前进路12号"],
                    ["主要负责人", "赵瑞祥 13835612345"], ["行业分类", "食品制造"], ["职工人数（从业人数）", "36"],
                    ["是否有重大危险源", "否"], ["填报日期：2023年3月9日"]])
    _unbordered(ws, [24, 40], head=2)
    src = out / "摸底登记表-无边框.xlsx"
    wb.save(src)
    return {"file": "摸底登记表-无边框.pdf", "convert": ("pdf", src.name), "records": [{
        "form_type": "enterprise_register", "header": {"fill_date": "2023-03-09"},
        "data": {"name": "晋城市城区瑞祥食品有限公司", "registration_no": "91140502MA0K3D7Q3L",
                 "credit_code": "91140502MA0K3D7Q3L", "founded": "2018-05", "town": "钟家庄街道",
                 "address": "钟家庄街道前进路12号", "principal": {"name": "赵瑞祥", "mobile": "13835612345"},
                 "industry": "食品制造", "employees": 36, "has_major_hazard_source": False}}]}


def build(out: Path) -> list[dict]:
    """Write every return into `out`; conversions in one LibreOffice batch per target format."""
    return build_cases(CASES, out)


if __name__ == "__main__":
    for c in build(Path(sys.argv[1] if len(sys.argv) > 1 else "variety3_out")):
        print(c["file"])
