"""A held-out set of PDF returns for the PDF reader (brief H-pdf, issue 13), written before any change
to parsers/readers/pdf.py and never tuned on: sheets printed without cell borders (or with only
horizontal rules) over two or three pages, with and without a header repeated on each page, narrow
numeric columns, long wrapped cells, two-column 项目 / 情况 sheets, and a table that starts mid page
after text. Each return is written as .xlsx or .docx (python-docx / openpyxl, never generators/forms.py)
and converted to PDF by LibreOffice; the source is kept beside it so a wrong expectation shows up as
a source that does not read right either.

`build(out)` writes the files and returns the cases as in tests/variety/build.py.

    .venv/bin/python tests/heldout_pdf/build.py OUTDIR
"""
from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Side

if __name__ == "__main__":          # run as a script: the repo root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.variety.build import build_cases, new_docx
from tests.variety2.build import sheet_rows

CASES: list = []
THIN = Side(style="thin")


def pdf_case(fn):
    """A case whose builder writes a source file and returns (source name, records); the case's file
    is the source converted to PDF."""
    def wrapped(out: Path) -> dict:
        src, records = fn(out)
        return {"file": Path(src).stem + ".pdf", "convert": ("pdf", src), "source": src, "records": records}
    wrapped.__name__ = fn.__name__
    wrapped.__doc__ = fn.__doc__
    CASES.append(wrapped)
    return wrapped


def page_setup(ws, widths: list[float], landscape: bool = False, repeat: str | None = None,
               wrap: bool = False, height: float | None = None) -> None:
    """Column widths, orientation, the rows repeated at the top of every printed page, wrapping, the
    height of the rows below the header (so the sheet runs over pages)."""
    if height:
        for r in range(4, ws.max_row + 1):
            ws.row_dimensions[r].height = height
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True      # as wide as the page, as long as it runs
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if repeat:
        ws.print_title_rows = repeat
    if wrap:
        for row in ws.iter_rows():
            for c in row:
                c.alignment = Alignment(wrap_text=True, vertical="center")


def rules_under(ws, first: int, last: int, n_cols: int) -> None:
    """A horizontal rule under each row first..last (and over the first): no vertical lines."""
    for r in range(first, last + 1):
        for c in range(1, n_cols + 1):
            cell = ws.cell(r, c)
            cell.border = Border(bottom=THIN, top=THIN if r == first else None)


# --- hazards for registers (none of them in the variety sets) -------------------------------------

ENTERPRISES = ["晋城市城区金鼎铸造有限公司", "晋城市城区福源面粉厂", "晋城市城区安泰化工有限公司", "晋城市城区顺达汽车修理厂",
               "晋城市城区华联超市", "晋城市城区宏图印刷厂", "晋城市城区永安木业有限公司", "晋城市城区通达运输有限公司"]
PROBLEMS = [  # description, measures, level
    ("熔炼炉冷却水系统未设置断水报警装置", "加装断水报警装置", "重大隐患"),
    ("粉尘作业区域未设置除尘设施", "安装除尘设施并定期清理", "一般隐患"),
    ("危化品仓库未设置防爆电气", "更换防爆灯具和开关", "重大隐患"),
    ("喷漆房未设置通风设施", "安装机械通风装置", "一般隐患"),
    ("疏散通道堆放货物", "清理通道保持畅通", "一般隐患"),
    ("配电箱未张贴警示标志", "张贴警示标志", "一般隐患"),
    ("木工机械无防护罩", "加装防护罩", "一般隐患"),
    ("驾驶员未进行岗前安全培训", "组织岗前培训并考核", "一般隐患"),
    ("消防水池水位不足", "补足消防用水", "一般隐患"),
    ("气瓶未固定防倾倒", "加装气瓶固定架", "一般隐患"),
]
STATUSES = ["已整改", "整改中", "未整改", "已验收"]
LONG = ["，现场检查发现该问题已存在较长时间，企业负责人未组织整改，且未制定相应的管控措施和应急处置方案",
        "，经询问相关人员，企业未建立隐患排查治理台账，也未对员工开展针对性的安全教育培训",
        ""]


def hazards(n: int, long: bool = False, seed: int = 0) -> list[dict]:
    """n register rows: seq, enterprise, description, level, measures, deadline, status."""
    out = []
    for i in range(1, n + 1):
        k = i + seed
        desc, measures, level = PROBLEMS[k % len(PROBLEMS)]
        if long:
            desc += LONG[k % len(LONG)]
        out.append({"seq": i, "enterprise": ENTERPRISES[(k * 3) % len(ENTERPRISES)], "description": desc,
                    "level": level, "measures": measures, "deadline": f"2023-{4 + k % 3:02d}-{1 + (k * 7) % 28:02d}",
                    "status": STATUSES[k % len(STATUSES)]})
    return out


def date_text(iso: str, style: int) -> str:
    y, m, d = iso.split("-")
    return [iso, f"{y}年{int(m)}月{int(d)}日", f"{y}.{int(m)}.{int(d)}"][style % 3]


REG_HEAD = ["序号", "企业名称", "隐患描述", "隐患等级", "整改措施", "整改期限", "整改状态"]


def reg_body(rows: list[dict]) -> list[list]:
    return [[r["seq"], r["enterprise"], r["description"], r["level"], r["measures"], date_text(r["deadline"], r["seq"]),
             r["status"]] for r in rows]


def reg_record(unit: str, date: str, rows: list[dict]) -> list[dict]:
    return [{"form_type": "hazard_register", "header": {"reporting_unit": unit, "fill_date": date},
             "data": {"rows": rows}}]


# --- 1. registers ---------------------------------------------------------------------------------

@pdf_case
def register_two_pages_no_repeat(out: Path):
    """隐患排查治理台账, 45 rows, no borders, portrait, printed over two pages without a repeated header."""
    rows = hazards(45)
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["隐患排查治理台账"], ["填报单位：钟家庄街道办事处", None, None, None, "填报日期：2023年4月20日"], REG_HEAD]
               + reg_body(rows))
    page_setup(ws, [5, 26, 30, 9, 20, 11, 9], height=26)
    src = "台账-两页-无重复表头.xlsx"
    wb.save(out / src)
    return src, reg_record("钟家庄街道办事处", "2023-04-20", rows)


@pdf_case
def register_three_pages_repeated_header(out: Path):
    """汇总清单, 80 rows in landscape, the header row repeated at the top of each of three pages."""
    rows = hazards(80, seed=3)
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["隐患排查治理汇总清单"], ["填报单位：城区住建局", None, None, None, None, "填报日期：2023年5月8日"],
                    REG_HEAD] + reg_body(rows))
    page_setup(ws, [5, 28, 36, 10, 24, 13, 10], landscape=True, repeat="3:3", height=20)
    src = "汇总清单-三页-重复表头.xlsx"
    wb.save(out / src)
    return src, reg_record("城区住建局", "2023-05-08", rows)


@pdf_case
def register_horizontal_rules(out: Path):
    """隐患台账 with only horizontal rules between rows (no vertical lines), two pages."""
    rows = hazards(40, seed=5)
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["隐患台账"], ["填报单位：西上庄街道办事处", None, None, None, "填报日期：2023年4月18日"], REG_HEAD]
               + reg_body(rows))
    rules_under(ws, 3, 3 + len(rows), len(REG_HEAD))
    page_setup(ws, [5, 26, 30, 9, 20, 11, 9], height=28)
    src = "隐患台账-横线.xlsx"
    wb.save(out / src)
    return src, reg_record("西上庄街道办事处", "2023-04-18", rows)


@pdf_case
def register_long_wrapped_cells(out: Path):
    """隐患排查治理台账 whose descriptions run to three or four lines in a narrow column (wrapped), no
    borders, over two pages with the header repeated."""
    rows = hazards(24, long=True, seed=1)
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["隐患排查治理台账"], ["填报单位：北石店镇人民政府", None, None, None, "填报日期：2023年4月25日"], REG_HEAD]
               + reg_body(rows))
    page_setup(ws, [5, 16, 30, 9, 14, 11, 8], repeat="3:3", wrap=True)
    for r in range(4, 4 + len(rows)):
        ws.row_dimensions[r].height = 64
    ws.cell(1, 1).alignment = Alignment(wrap_text=False)
    ws.cell(2, 1).alignment = Alignment(wrap_text=False)
    ws.cell(2, 5).alignment = Alignment(wrap_text=False)
    src = "台账-长文字换行.xlsx"
    wb.save(out / src)
    return src, reg_record("北石店镇人民政府", "2023-04-25", rows)


@pdf_case
def register_mid_page_after_text(out: Path):
    """A Word 台账: a title, a 填报单位 line and a paragraph of prose, then a table without borders that
    starts mid page, and a line of text under it."""
    rows = hazards(14, seed=7)
    d = new_docx()
    d.add_paragraph("隐患排查治理台账")
    d.add_paragraph("填报单位：金村镇人民政府              填报日期：2023年4月22日")
    d.add_paragraph("根据区安委办《关于开展安全生产大排查大整治的通知》要求，我镇组织安监站、派出所、市场所等单位"
                    "对辖区内工贸、危化、消防重点场所进行了全面排查，现将排查发现的隐患及整改情况报告如下。"
                    "对排查发现的问题，我镇已逐一下达整改通知，明确整改责任人和整改时限，实行清单化管理，"
                    "整改一项、销号一项，确保隐患动态清零。")
    t = d.add_table(rows=1 + len(rows), cols=len(REG_HEAD))     # no style: no borders
    for c, h in enumerate(REG_HEAD):
        t.cell(0, c).text = h
    for r, row in enumerate(reg_body(rows), 1):
        for c, v in enumerate(row):
            t.cell(r, c).text = str(v)
    d.add_paragraph("填报人：王丽        联系电话：0356-2201234")
    src = "台账-正文后表格.docx"
    d.save(out / src)
    return src, [{"form_type": "hazard_register",
                  "header": {"reporting_unit": "金村镇人民政府", "fill_date": "2023-04-22", "filler": "王丽",
                             "contact_phone": "0356-2201234"}, "data": {"rows": rows}}]


# --- 2. 统计表 with narrow count columns -----------------------------------------------------------

STATS_KEYS = ["inspection_groups", "inspectors", "units_inspected", "general_hazards_found", "general_hazards_fixed",
              "major_hazards_found", "major_hazards_fixed", "enforcement_documents", "suspended", "fines_wan",
              "licenses_revoked", "closed"]
STATS_LEAVES = ["派出检查组数（组）", "派出检查组人数（人）", "被检查单位（家）", "一般隐患排查（项）", "一般隐患整改（项）",
                "重大隐患排查（项）", "重大隐患整改（项）", "下达执法文书（份）", "停产整顿（家）", "行政处罚款（万元）",
                "暂扣吊销证照（个）", "关闭取缔（家）"]
TOWNS = ["钟家庄街道", "西上庄街道", "北石店镇", "金村镇", "南街街道", "东街街道", "西街街道", "北街街道", "矿区街道",
         "开发区管委会", "城区应急局", "城区住建局", "城区交通局", "城区市场监管局", "城区消防大队", "城区教育局"]


def stats_values(k: int) -> list:
    found = 10 + (k * 7) % 30
    major = k % 3
    return [2 + k % 4, 6 + (k * 5) % 20, 12 + (k * 11) % 40, found, found - k % 4, major,
            major - (1 if major == 2 else 0),
            k % 5, k % 2, round(0.5 * (k % 7), 1), 0, k % 2]


def stats_record(unit: str, period: str, units: list[str]) -> list[dict]:
    rows = [{"unit": u, **dict(zip(STATS_KEYS, stats_values(k)))} for k, u in enumerate(units, 1)]
    return [{"form_type": "inspection_stats", "header": {"reporting_unit": unit, "period": period},
             "data": {"rows": rows}}]


@pdf_case
def stats_narrow_count_columns(out: Path):
    """督导情况统计表 with one header row of leaf labels (units in the labels, wrapped), twelve narrow
    count columns, no borders, landscape."""
    units = TOWNS[:8]
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["安全检查督导情况统计表"], ["填报单位：城区安委办", None, None, None, None, None, None, None, None,
                                       "统计时间：2023年5月"], ["单位名称"] + STATS_LEAVES]
               + [[u] + stats_values(k) for k, u in enumerate(units, 1)])
    page_setup(ws, [16] + [6.5] * 12, landscape=True)
    for c in ws[3]:
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    src = "督导统计表-窄数字列.xlsx"
    wb.save(out / src)
    return src, stats_record("城区安委办", "2023-05", units)


@pdf_case
def stats_two_pages_repeated_header(out: Path):
    """The same 统计表 with sixteen units and numbers centred, in portrait so it runs onto a second
    page, the header row repeated, horizontal rules only."""
    units = TOWNS
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["检查督导情况统计表"], ["填报单位：城区安委会办公室", None, None, None, None, None, None, None,
                                     "统计时间：2023年6月"], ["单位名称"] + STATS_LEAVES]
               + [[u] + stats_values(k) for k, u in enumerate(units, 1)])
    page_setup(ws, [14] + [5.2] * 12, repeat="3:3")
    for row in ws.iter_rows(min_row=3):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for r in range(4, 4 + len(units)):
        ws.row_dimensions[r].height = 64
    rules_under(ws, 3, 3 + len(units), 13)
    src = "督导统计表-两页.xlsx"
    wb.save(out / src)
    return src, stats_record("城区安委会办公室", "2023-06", units)


# --- 3. 自查表 / 检查表 ------------------------------------------------------------------------------

ITEMS = [(g["category"], item) for g in __import__("schema.spec", fromlist=["load_spec"]).load_spec(
    "self_check").groups for item in g["items"]] if False else None     # not used: items written out below
ITEMS = [("机构培训制度", "是否建立安全生产管理机构并按规定配备安全主任"), ("机构培训制度", "是否建立健全安全生产责任制和规章制度"),
         ("机构培训制度", "是否开展三级安全教育培训，企业主要负责人和安全生产管理人员是否持证上岗"),
         ("机构培训制度", "是否制定了工作岗位操作规程"), ("机构培训制度", "是否按导则编制应急救援预案并备案和组织演练"),
         ("危险化学品管理", "危险化学品仓库与其他办公场所、厂房、宿舍、仓库等是否有足够的安全距离"),
         ("危险化学品管理", "危险化学品是否存储在专用仓库，是否分类摆放"), ("重点场所", "厂房的通风设施是否良好"),
         ("重点场所", "厂房的安全逃生出口是否足够通畅"), ("重点场所", "厂房是否禁止使用易燃液体清洁地面"),
         ("重点场所", "厂房内机器设备是否设置防漏电装置"), ("重点场所", "涂层烘干室内是否设置安全通风装置和超温报警装置"),
         ("重点场所", "喷漆车间是否有安全隔离措施，并通风良好"), ("重点场所", "危险场所是否安装安全警示标志"),
         ("机器设备", "容易发生伤害事故的机器设备是否安装安全防护装置"), ("机器设备", "机器设备上是否粘贴或悬挂操作规程"),
         ("机器设备", "电器设备是否接零或接地或安装漏电开关"),
         ("机器设备", "生产车间作业场所电源线路是否存在老化现象或存在乱搭线或未套管现象"),
         ("消防安全", "厂房、仓库、宿舍是否设置足够的安全出口并保持通畅"), ("消防安全", "是否存在埋压、圈占消防栓现象"),
         ("消防安全", "安全出口是否按规定安装应急照明灯和指示标志"), ("消防安全", "生产车间和仓库是否按规定配备足够的灭火设施或器材"),
         ("消防安全", "易燃易爆品仓库是否使用防爆灯照明"), ("特种设备", "特种设备是否取得验收合格证或取得定期监测报告"),
         ("违章作业", "从业人员是否按规定佩戴劳动保护用品"), ("违章作业", "危险化学品作业人员及特种作业人员是否持证上岗作业")]
MARKS = [("√", "yes"), ("√", "yes"), ("×", "no"), ("√", "yes"), ("√", "yes"), ("×", "no"), ("√", "yes")]


@pdf_case
def self_check_two_pages(out: Path):
    """生产经营单位自查表 with 序号 | 自查项目 | 自查内容 | 自查结果, 26 items and a taller row each, no
    borders, over two pages, the enterprise on a label line above."""
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["生产经营单位自查表"], [None, None, None, "填表日期：2023年4月6日"], ["企业名称：晋城市城区金鼎铸造有限公司"],
                    ["序号", "自查项目", "自查内容", "自查结果"]]
               + [[i, cat, t, MARKS[i % len(MARKS)][0]] for i, (cat, t) in enumerate(ITEMS, 1)])
    page_setup(ws, [6, 14, 48, 10], wrap=True)
    for r in range(5, 5 + len(ITEMS)):
        ws.row_dimensions[r].height = 36
    ws.cell(3, 1).alignment = Alignment(wrap_text=False)
    src = "自查表-两页.xlsx"
    wb.save(out / src)
    return src, [{"form_type": "self_check", "header": {"fill_date": "2023-04-06"},
                  "data": {"enterprise": {"name": "晋城市城区金鼎铸造有限公司"},
                           "items": [{"no": i, "category": cat, "content": t, "self_result": MARKS[i % len(MARKS)][1]}
                                     for i, (cat, t) in enumerate(ITEMS, 1)]}}]


@pdf_case
def self_check_two_columns(out: Path):
    """企业隐患自查表 of two columns only, 自查内容 | 自查结果 (是 / 否), no 序号, no borders."""
    items = ITEMS[7:17]
    answers = [("是", "yes"), ("是", "yes"), ("否", "no"), ("是", "yes"), ("否", "no")]
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["企业隐患自查表"], ["企业名称：晋城市城区福源面粉厂"], ["自查内容", "自查结果"]]
               + [[t, answers[i % len(answers)][0]] for i, (_, t) in enumerate(items)])
    page_setup(ws, [56, 12])
    src = "自查表-两列.xlsx"
    wb.save(out / src)
    return src, [{"form_type": "self_check", "header": {},
                  "data": {"enterprise": {"name": "晋城市城区福源面粉厂"},
                           "items": [{"no": None, "category": None, "content": t,
                                      "self_result": answers[i % len(answers)][1]}
                                     for i, (_, t) in enumerate(items)]}}]


CHECK_ITEMS = [("安全管理", "安全生产责任制是否健全", "√", None), ("安全管理", "安全管理人员是否持证", "×", "安全员证书过期"),
               ("消防安全", "灭火器是否在有效期内", "×", "3具灭火器过期"), ("消防安全", "疏散通道是否畅通", "√", None),
               ("用电安全", "配电箱是否上锁", "√", None), ("用电安全", "线路是否穿管保护", "×", "仓库线路未穿管"),
               ("危化品", "危化品是否专库存放", "√", None), ("危化品", "是否建立出入库台账", "×", "出入库台账缺失"),
               ("特种设备", "叉车是否定期检验", "√", None), ("特种设备", "叉车司机是否持证", "√", None),
               ("现场管理", "员工是否佩戴防护用品", "×", "打磨工未戴护目镜"), ("现场管理", "物料是否堆放整齐", "√", None)]


@pdf_case
def checklist_horizontal_rules(out: Path):
    """安全检查表 with 检查项目 | 检查内容 | 检查结果 | 存在问题 and horizontal rules only, the
    enterprise and date on label lines above."""
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["企业安全检查表"], ["被检查单位：晋城市城区顺达汽车修理厂", None, "检查日期：2023年5月12日"],
                    ["检查项目", "检查内容", "检查结果", "存在问题"]] + [list(x) for x in CHECK_ITEMS])
    rules_under(ws, 3, 3 + len(CHECK_ITEMS), 4)
    page_setup(ws, [14, 34, 10, 24])
    src = "安全检查表-横线.xlsx"
    wb.save(out / src)
    return src, [{"form_type": "checklist", "header": {},
                  "data": {"enterprise": "晋城市城区顺达汽车修理厂", "check_date": "2023-05-12",
                           "items": [{"no": None, "category": c, "content": t,
                                      "result": "yes" if m == "√" else "no", "problem": p}
                                     for c, t, m, p in CHECK_ITEMS]}}]


# --- 4. 调度表: a two-column 指标 | 数值 sheet -----------------------------------------------------------

DISPATCH = [("一、总体情况", None, None), ("企业自查发现的重大事故隐患（个）", 6, "self_found"),
            ("企业自查发现重大事故隐患中已完成整改的（个）", 5, "self_fixed"), ("执法检查发现的重大事故隐患（个）", 3, "enforcement_found"),
            ("执法检查发现重大事故隐患中已完成整改的（个）", 2, "enforcement_fixed"), ("群众举报的重大事故隐患（个）", 1, "reported_found"),
            ("群众举报的重大事故隐患中已完成整改的（个）", 1, "reported_fixed"),
            ("二、对企业自查自改进行抽查检查情况", None, None), ("抽查检查的企业总数（家）", 12, "spot_checked"),
            ("企业主要负责人未带队检查（家）", 2, "head_not_leading"), ("外包外租安全管理混乱（家）", 1, "outsourcing_disorder"),
            ("三、部门精准严格执法情况", None, None), ("帮扶指导重点村（个次）", 4, "guided_villages"),
            ("帮扶指导重点企业（家次）", 9, "guided_enterprises")]


@pdf_case
def dispatch_two_columns(out: Path):
    """调度表 as a two-column 指标 | 数值 sheet without borders, the village in a 村 label line."""
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["重大事故隐患专项排查整治行动进展情况调度表"], ["村（社区）：东沟村", "时间：2023年8月1日"], ["指标", "数值"]]
               + [[a, b] for a, b, _ in DISPATCH])
    page_setup(ws, [52, 14])
    src = "调度表-两列.xlsx"
    wb.save(out / src)
    return src, [{"form_type": "progress_dispatch", "header": {"village": "东沟村", "period": "2023-08-01"},
                  "data": {k: v for _, v, k in DISPATCH if k}}]


# --- 5. 重大隐患统计表 ---------------------------------------------------------------------------------

@pdf_case
def major_hazards_two_pages(out: Path):
    """重大隐患统计表 of 36 rows without borders, landscape, over two pages, the header not repeated."""
    rows = []
    for i in range(1, 37):
        desc, action, _ = PROBLEMS[i % len(PROBLEMS)]
        rows.append({"seq": i, "enterprise": ENTERPRISES[(i * 5) % len(ENTERPRISES)], "checking_unit": "城区应急管理局",
                     "town": TOWNS[i % 8], "category": ["工贸", "危化", "商贸"][i % 3], "description": desc,
                     "action": action})
    wb = Workbook()
    ws = wb.active
    head = ["序号", "生产经营单位名称", "核查单位", "所在镇（街道）", "企业类别", "重大隐患", "处理措施"]
    sheet_rows(ws, [["重大隐患统计表"], head] + [[r[k] for k in ("seq", "enterprise", "checking_unit", "town", "category",
                                                                  "description", "action")] for r in rows])
    page_setup(ws, [5, 28, 15, 13, 9, 34, 22], landscape=True, height=22)
    src = "重大隐患统计表-两页.xlsx"
    wb.save(out / src)
    return src, [{"form_type": "major_hazard_list", "header": {}, "data": {"rows": rows}}]


def build(out: Path) -> list[dict]:
    """Write every return and its PDF into `out`; returns the cases."""
    return build_cases(CASES, out)


if __name__ == "__main__":
    for c in build(Path(sys.argv[1] if len(sys.argv) > 1 else "heldout_pdf_out")):
        print(c["file"])
