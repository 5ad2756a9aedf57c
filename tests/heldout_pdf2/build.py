"""A second held-out set of PDF returns (brief S5), written with tests/variety6 and before any change
to parsers/readers/pdf.py for it, and never tuned on: other forms, other data, built the same way
(Word / Excel files printed to PDF by LibreOffice): rules between rows only with a header repeated
over three pages, a borderless Word table after prose, a two-level 统计表 header in Word, a 自查表
printed with Excel's gridlines under a date line, a 汇总 sheet with merged headers and no rules saved
rotated, a Word 检查表 of three pages, a 重大隐患统计表 with printed gridlines.

    .venv/bin/python tests/heldout_pdf2/build.py OUTDIR
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx.shared import Cm
from openpyxl import Workbook
from openpyxl.styles import Alignment

if __name__ == "__main__":          # run as a script: the repo root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.variety.build import new_docx
from tests.variety2.build import sheet_rows
from tests.variety6.build import (build as build6, excel_footer, page_setup, row_heights, sheet_borders,
                                  word_page_footer, word_table)

CASES: list = []


def pdf_case(fn):
    """As tests/variety6/build.py's pdf_case, into this set's CASES."""
    def wrapped(out: Path) -> dict:
        src, records, *opts = fn(out)
        return {"file": Path(src).stem + ".pdf", "convert": ("pdf", src), "source": src, "records": records,
                **(opts[0] if opts else {})}
    wrapped.__name__ = fn.__name__
    wrapped.__doc__ = fn.__doc__
    CASES.append(wrapped)
    return wrapped


ENTERPRISES = ["阳城县润城镇永固水泥有限公司", "阳城县北留镇鸿运砖厂", "阳城县凤城镇好又多商场", "阳城县町店镇金盾保安服务有限公司",
               "阳城县芹池镇瑞丰焦化有限公司", "阳城县东冶镇康乐大酒店", "阳城县西河乡森林木材加工厂"]
HAZARDS = [  # content, category, level, measures, responsible
    ("水泥磨机检修平台护栏缺失", "设备设施", "一般隐患", "增设防护栏杆", "冯志强"),
    ("砖窑窑顶作业人员未系安全带", "作业行为", "一般隐患", "配发安全带并监督使用", "蒋卫东"),
    ("商场安全出口上锁", "消防安全", "重大隐患", "立即打开安全出口", "韩丽萍"),
    ("焦炉煤气管道泄漏", "设备设施", "重大隐患", "停产检修煤气管道", "曹建军"),
    ("厨房油烟管道未定期清洗", "消防安全", "一般隐患", "委托清洗油烟管道", "魏红"),
    ("木材加工车间电机未接地", "用电安全", "一般隐患", "电机加装接地线", "沈国庆"),
    ("保安员未经消防培训上岗", "人员管理", "一般隐患", "组织消防培训", "许文"),
    ("焦化厂未设置有毒气体报警仪", "设备设施", "重大隐患", "安装有毒气体报警仪", "曹建军"),
]
STATE = ["已整改", "正在整改", "未整改", "已销号"]


def register(n: int, seed: int) -> list[dict]:
    out = []
    for i in range(1, n + 1):
        k = i + seed
        desc, typ, level, measures, who = HAZARDS[k % len(HAZARDS)]
        out.append({"seq": i, "enterprise": ENTERPRISES[(k * 2) % len(ENTERPRISES)], "description": desc, "type": typ,
                    "level": level, "measures": measures, "responsible": who,
                    "deadline": f"2023-{6 + k % 3:02d}-{3 + (k * 3) % 25:02d}", "status": STATE[k % len(STATE)]})
    return out


def cn_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{y}年{int(m)}月{int(d)}日"


@pdf_case
def register_rules_between_rows_repeated(out: Path):
    """隐患排查治理台账 with the systems' synonyms (单位名称, 隐患内容, 隐患类别, 隐患级别, 治理措施, 整改责任人,
    整改时限, 治理状态), rules between rows only, landscape, the header repeated over three pages."""
    rows = register(90, 1)
    head = ["序号", "单位名称", "隐患内容", "隐患类别", "隐患级别", "治理措施", "整改责任人", "整改时限", "治理状态"]
    keys = ["seq", "enterprise", "description", "type", "level", "measures", "responsible", "deadline", "status"]
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["隐患排查治理台账"], ["填报单位：润城镇人民政府", None, None, None, None, None, "填报日期：2023年6月12日"], head]
               + [[cn_date(r[k]) if k == "deadline" else r[k] for k in keys] for r in rows])
    sheet_borders(ws, 3, 3 + len(rows), len(head), horizontal_only=True)
    page_setup(ws, [5, 30, 28, 10, 10, 22, 10, 14, 10], landscape=True, repeat="3:3")
    row_heights(ws, 4, 3 + len(rows), 19)
    src = "润城镇台账-横线-三页.xlsx"
    wb.save(out / src)
    return src, [{"form_type": "hazard_register", "header": {"reporting_unit": "润城镇人民政府", "fill_date": "2023-06-12"},
                  "data": {"rows": [{k: r[k] for k in keys} for r in rows]}}]


@pdf_case
def register_word_no_borders_after_report(out: Path):
    """A Word report with a paragraph of prose and a borderless table of 20 hazards running over
    three pages, a signature block and a page-number footer."""
    rows = register(20, 4)
    keys = ["seq", "enterprise", "description", "level", "measures", "responsible", "deadline"]
    head = ["序号", "企业名称", "隐患描述", "隐患等级", "整改措施", "整改责任人", "整改期限"]
    d = new_docx()
    d.add_paragraph("北留镇安全隐患排查整治台账")
    d.add_paragraph("填报单位：北留镇安全生产委员会办公室    填报日期：2023年6月20日")
    d.add_paragraph("为深入贯彻落实安全生产十五条措施，我镇围绕建材、焦化、商贸等重点行业领域开展隐患排查，"
                    "坚持边查边改、立查立改，具体情况如下：")
    word_table(d, [head] + [[r[k] for k in keys] for r in rows])
    d.add_paragraph("北留镇安全生产委员会办公室")
    d.add_paragraph("填报人：乔建华        联系电话：0356-4801122")
    word_page_footer(d)
    src = "北留镇台账-正文后表格.docx"
    d.save(out / src)
    return src, [{"form_type": "hazard_register",
                  "header": {"reporting_unit": "北留镇安全生产委员会办公室", "fill_date": "2023-06-20", "filler": "乔建华",
                             "contact_phone": "0356-4801122"},
                  "data": {"rows": [{k: r[k] for k in keys} for r in rows]}}]


STATS_KEYS = ["inspection_groups", "inspectors", "units_inspected", "general_hazards_found", "general_hazards_fixed",
              "major_hazards_found", "major_hazards_fixed", "enforcement_documents", "suspended", "fines_wan",
              "licenses_revoked", "closed"]
DEPTS = ["县应急管理局", "县住房和城乡建设局", "县交通运输局", "县市场监督管理局", "县消防救援大队", "县教育科技局", "县文化和旅游局",
         "县农业农村局", "县水利局", "县商务局"]


def dept_values(k: int) -> list:
    found = 5 + (k * 11) % 23
    return [2 + k % 3, 5 + k * 2, 11 + (k * 7) % 29, found, found - k % 2, k % 2, k % 2, 1 + k % 4, k % 2,
            round(0.2 * (k % 6), 1), 0, k % 5 == 0 and 1 or 0]


@pdf_case
def stats_word_two_level_header_rules(out: Path):
    """督导情况统计表 in Word, portrait: 一般隐患 / 重大隐患 merged over 排查 / 整改 with the other labels
    merged down, rules between rows only."""
    head = [["单位名称", "派出检查组数（组）", "派出检查组人数（人）", "被检查单位（家）", "一般隐患", None, "重大隐患", None,
             "下达执法文书（份）", "停产整顿（家）", "行政处罚款（万元）", "暂扣吊销证照（个）", "关闭取缔（家）"],
            [None, None, None, None, "排查（项）", "整改（项）", "排查（项）", "整改（项）", None, None, None, None, None]]
    d = new_docx()
    d.add_paragraph("检查督导情况统计表")
    d.add_paragraph("填报单位：阳城县安委办        统计时间：2023年7月")
    t = word_table(d, head + [[u] + dept_values(k) for k, u in enumerate(DEPTS, 1)], sides=("top", "bottom", "insideH"),
                   size=8)
    for c in [0, 1, 2, 3, 8, 9, 10, 11, 12]:
        text = t.cell(0, c).text
        t.cell(0, c).merge(t.cell(1, c)).text = text
    for c in (4, 6):
        text = t.cell(0, c).text
        t.cell(0, c).merge(t.cell(0, c + 1)).text = text
    src = "阳城县督导统计表-Word两级表头.docx"
    d.save(out / src)
    return src, [{"form_type": "inspection_stats", "header": {"reporting_unit": "阳城县安委办", "period": "2023-07"},
                  "data": {"rows": [{"unit": u, **dict(zip(STATS_KEYS, dept_values(k)))}
                                    for k, u in enumerate(DEPTS, 1)]}}]


ITEMS = [("基础管理", "是否依法取得营业执照和相关许可证"), ("基础管理", "是否建立安全风险分级管控制度"),
         ("基础管理", "是否建立隐患排查治理制度并如实记录"), ("基础管理", "是否按规定投保安全生产责任保险"),
         ("应急管理", "是否配备必要的应急救援器材"), ("应急管理", "是否每年至少组织一次应急演练"),
         ("设备安全", "压力容器安全阀是否定期校验"), ("设备安全", "起重机械是否设置限位装置"),
         ("设备安全", "传动部位是否设置防护罩"), ("用电安全", "配电箱是否设置漏电保护装置"),
         ("用电安全", "临时用电是否办理审批手续"), ("消防安全", "消防控制室是否二十四小时有人值班"),
         ("消防安全", "疏散指示标志是否完好有效"), ("消防安全", "员工宿舍是否与生产车间分开设置"),
         ("作业安全", "动火作业是否办理作业票"), ("作业安全", "高处作业是否系挂安全带"),
         ("作业安全", "有限空间是否设置警示标识"), ("危化品", "危险化学品是否有安全技术说明书和安全标签")]
ANSWERS = [("是", "yes"), ("否", "no"), ("是", "yes"), ("是", "yes"), ("否", "no")]


@pdf_case
def self_check_gridlines_date_line(out: Path):
    """企业安全生产自查表 printed from Excel with gridlines, the enterprise and the 填表日期 each alone on a
    line, items wrapped in a narrow column, two pages."""
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["企业安全生产自查表"], ["企业名称：阳城县芹池镇瑞丰焦化有限公司"], ["填表日期：2023年7月11日"],
                    ["序号", "自查项目", "自查内容", "自查结果"]]
               + [[i, c, t, ANSWERS[i % len(ANSWERS)][0]] for i, (c, t) in enumerate(ITEMS, 1)])
    page_setup(ws, [6, 12, 26, 10], wrap=True, gridlines=True)
    row_heights(ws, 5, 4 + len(ITEMS), 48)
    for r in (1, 2, 3):
        ws.cell(r, 1).alignment = Alignment(wrap_text=False)
    src = "瑞丰焦化自查表-网格线.xlsx"
    wb.save(out / src)
    return src, [{"form_type": "self_check", "header": {"fill_date": "2023-07-11"},
                  "data": {"enterprise": {"name": "阳城县芹池镇瑞丰焦化有限公司"},
                           "items": [{"no": i, "category": c, "content": t, "self_result": ANSWERS[i % len(ANSWERS)][1]}
                                     for i, (c, t) in enumerate(ITEMS, 1)]}}]


CAMPAIGN_KEYS = ["inspection_groups", "general_hazards_found", "general_hazards_fixed", "major_hazards_found",
                 "major_hazards_fixed", "ordered_rectification", "fines_wan", "suspended"]
TOWNS = ["凤城镇", "北留镇", "润城镇", "町店镇", "芹池镇", "东冶镇", "西河乡", "蟒河镇", "横河镇", "董封乡", "演礼乡", "固隆乡"]


@pdf_case
def campaign_merged_header_no_rules_rotated(out: Path):
    """大排查大整治行动统计汇总表, merged two-level header, no rules, landscape, the PDF saved rotated
    (/Rotate 270), a footer with page numbers."""
    vals = [[1 + k % 3, 7 + k * 2, 6 + k * 2, k % 2, k % 2, k % 4, round(0.5 * (k % 4), 1), k % 3 == 1 and 1 or 0]
            for k in range(len(TOWNS))]
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["大排查大整治行动统计汇总表"], ["填报单位：阳城县安委办", None, None, None, None, None, "填报日期：2023年7月5日"],
                    ["单位", "检查组数", "集中行动开展情况", None, None, None, "执法情况", None, None],
                    [None, None, "一般隐患", None, "重大隐患", None, "责令限期整改（项）", "行政罚款（万）", "停产整顿（家）"],
                    [None, None, "排查（项）", "整改（项）", "排查（项）", "整改（项）", None, None, None]]
               + [[t] + v for t, v in zip(TOWNS, vals)])
    for rng in ("A3:A5", "B3:B5", "C3:F3", "G3:I3", "C4:D4", "E4:F4", "G4:G5", "H4:H5", "I4:I5"):
        ws.merge_cells(rng)
    page_setup(ws, [14, 9, 10, 10, 10, 10, 12, 10, 10], landscape=True)
    for row in ws.iter_rows(min_row=3, max_row=5):
        for c in row:
            c.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    excel_footer(ws)
    src = "阳城县统计汇总表-合并表头-旋转.xlsx"
    wb.save(out / src)
    return src, [{"form_type": "campaign_stats", "header": {"reporting_unit": "阳城县安委办", "fill_date": "2023-07-05"},
                  "data": {"rows": [{"unit": t, **dict(zip(CAMPAIGN_KEYS, v))} for t, v in zip(TOWNS, vals)]}}], \
        {"rotate": 270}


CHECK = [("基础管理", "安全管理制度是否健全", "√", None), ("基础管理", "安全管理台账是否齐全", "×", "隐患排查记录不全"),
         ("基础管理", "是否开展全员培训", "√", None), ("现场管理", "作业现场照明是否充足", "√", None),
         ("现场管理", "原料堆场是否有挡墙", "×", "堆场挡墙破损"), ("现场管理", "厂区道路是否设置限速标志", "×", "未设限速标志"),
         ("设备设施", "皮带机是否设置急停拉绳", "√", None), ("设备设施", "破碎机检修是否挂牌上锁", "×", "检修未执行挂牌上锁"),
         ("设备设施", "空压机储气罐是否定期检验", "√", None), ("用电安全", "电缆沟盖板是否完好", "√", None),
         ("用电安全", "配电室是否有防鼠措施", "×", "配电室门口无挡鼠板"), ("消防安全", "消防器材是否定点摆放", "√", None),
         ("消防安全", "消防水池是否满水位", "√", None), ("消防安全", "仓库是否有吸烟现象", "√", None),
         ("职业健康", "粉尘岗位是否佩戴防尘口罩", "×", "包装工未戴口罩"), ("职业健康", "是否组织职业健康体检", "√", None),
         ("应急管理", "应急预案是否备案", "√", None), ("应急管理", "应急物资是否齐全", "×", "缺少担架"),
         ("相关方", "外来施工单位是否签订安全协议", "√", None), ("相关方", "外来人员是否进行安全告知", "√", None)]


@pdf_case
def checklist_word_grid_three_pages(out: Path):
    """安全检查表 in Word with a full grid, tall rows over three pages, the header row repeated."""
    d = new_docx()
    d.add_paragraph("企业安全检查表")
    d.add_paragraph("被检查单位：阳城县润城镇永固水泥有限公司        检查日期：2023年6月28日")
    t = word_table(d, [["检查项目", "检查内容", "检查结果", "存在问题"]] + [list(x) for x in CHECK], style="Table Grid",
                   repeat=1)
    for row in t.rows[1:]:
        row.height = Cm(2.4)
    src = "永固水泥安全检查表-三页.docx"
    d.save(out / src)
    return src, [{"form_type": "checklist", "header": {},
                  "data": {"enterprise": "阳城县润城镇永固水泥有限公司", "check_date": "2023-06-28",
                           "items": [{"no": None, "category": c, "content": x, "result": "yes" if m == "√" else "no",
                                      "problem": p} for c, x, m, p in CHECK]}}]


@pdf_case
def major_hazards_gridlines_three_pages(out: Path):
    """重大隐患统计表 printed from Excel with gridlines, 90 rows over three pages, no repeated header."""
    rows = []
    for i in range(1, 91):
        desc, _, _, measures, _ = HAZARDS[i % len(HAZARDS)]
        rows.append({"seq": i, "enterprise": ENTERPRISES[(i * 3) % len(ENTERPRISES)], "checking_unit": "阳城县应急管理局",
                     "town": TOWNS[i % len(TOWNS)], "category": ["非煤矿山", "工贸", "危化", "商贸"][i % 4],
                     "description": desc, "action": measures})
    keys = ["seq", "enterprise", "checking_unit", "town", "category", "description", "action"]
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["重大隐患统计表"], ["序号", "生产经营单位名称", "核查单位", "所在镇（街道）", "企业类别", "重大隐患", "处理措施"]]
               + [[r[k] for k in keys] for r in rows])
    page_setup(ws, [5, 30, 16, 12, 10, 26, 20], gridlines=True)
    row_heights(ws, 3, 2 + len(rows), 34)
    src = "重大隐患统计表-网格线-三页.xlsx"
    wb.save(out / src)
    return src, [{"form_type": "major_hazard_list", "header": {}, "data": {"rows": rows}}]


def build(out: Path) -> list[dict]:
    """Write every return and its PDF into `out`; returns the cases."""
    return build6(out, CASES)


if __name__ == "__main__":
    for c in build(Path(sys.argv[1] if len(sys.argv) > 1 else "heldout_pdf2_out")):
        print(c["file"])
