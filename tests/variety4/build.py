"""A fourth round of returns (built with python-docx / openpyxl, never with generators/forms.py), as
other offices and enterprise systems really send them (issue 13): 隐患排查治理台账 / 汇总清单 exported
from provincial systems (synonyms, a three-row merged header, 合计 / 小计 rows, an enterprise merged
down its hazards, 5,000 rows, one hazard in two returns), enterprises' 安全检查表 (one per sheet,
answers 是 / 否 / √ / × / 符合 / 不符合), 003's 统计表 with its 亮点工作 / 存在问题 / 备注 rows under each
unit or as one block at the end, 汇总 .xls sheets with several units and text rows, the 调度表's 村 in
the title, the 填报单位 line or only the file name, answers written in free positions, text typed
around tables and a table of no known form under its title.

`build(out)` writes the files and returns the cases, as in tests/variety/build.py: {"file", "records":
[expected, …]}, each expected record {"form_type", "header", "data", "warnings"?, "messages"?}.

    .venv/bin/python tests/variety4/build.py OUTDIR     # writes the files and cases.json
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


def widths(ws, cols: list[float]) -> None:
    """Column widths wide enough for the text (a printed sheet clips what does not fit)."""
    for i, w in enumerate(cols):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    ws.page_setup.orientation = "landscape"


def formats(make, targets: list[str], stem: str, base: str):
    """One case per target format of the same return: `make(out, src_path) -> records` writes the
    source (`stem` + its own suffix `base`); the other targets are LibreOffice conversions of it."""
    for target in targets:
        def fn(out: Path, target=target) -> dict:
            src = out / f"{stem}-{target}{base}" if target != base[1:] else out / f"{stem}{base}"
            records = make(src)
            if target == base[1:]:
                return {"file": src.name, "records": records}
            return {"file": f"{stem}.{target}", "convert": (target, src.name), "records": records}
        fn.__name__ = f"{make.__name__.lstrip('_')}_{target}"
        fn.__doc__ = f"{make.__doc__} ({target})"
        CASES.append(fn)


# --- 1. 隐患排查治理台账 / 汇总清单 ----------------------------------------------------------------------

HAZARDS = [  # enterprise, location, description, type, level, measures, responsible, deadline, status
    ("晋城市城区宏达建材有限公司", "粉碎车间", "粉碎机传动部位无防护罩", "设备设施", "一般隐患", "加装防护罩", "李宏达",
     "2023-04-20", "已整改"),
    ("晋城市城区宏达建材有限公司", "配电室", "配电柜前未铺设绝缘胶垫", "用电安全", "一般隐患", "铺设绝缘胶垫", "李宏达",
     "2023-04-20", "已整改"),
    ("晋城市城区兴旺加油站", "油罐区", "油罐区无静电接地装置", "危险化学品", "重大隐患", "安装静电接地装置并检测", "王兴旺",
     "2023-05-10", "整改中"),
    ("晋城市城区兴旺加油站", "卸油口", "卸油口未设置防溢油措施", "危险化学品", "一般隐患", "设置防溢油措施", "王兴旺",
     "2023-04-30", "整改中"),
    ("晋城市城区恒通物流园", "3号库房", "库房违规住人", "消防安全", "重大隐患", "清退住宿人员，设置独立宿舍", "赵恒通",
     "2023-04-15", "已验收"),
    ("晋城市城区恒通物流园", "院内", "消防车通道被货物占用", "消防安全", "一般隐患", "清理通道并划线", "赵恒通",
     "2023-04-15", "已整改"),
    ("晋城市城区瑞祥食品有限公司", "冷库", "氨制冷机房未设置氨气浓度报警装置", "危险化学品", "重大隐患",
     "安装氨气浓度报警装置并与风机联锁", "孙瑞祥", "2023-05-31", "未整改"),
    ("晋城市城区瑞祥食品有限公司", "车间", "员工未佩戴劳动防护用品", "现场管理", "一般隐患", "配发防护用品并培训", "孙瑞祥",
     "2023-04-18", "已整改"),
    ("晋城市城区鼎盛五金厂", "冲压车间", "冲床未安装光电保护装置", "设备设施", "一般隐患", "安装光电保护装置", "周鼎盛",
     "2023-04-25", "整改中"),
    ("晋城市城区鼎盛五金厂", "车间", "电源线路老化、未套管", "用电安全", "一般隐患", "更换线路并穿管保护", "周鼎盛",
     "2023-04-25", "已整改"),
    ("晋城市城区众和物流有限公司", "叉车", "叉车司机无证驾驶", "特种设备", "一般隐患", "停止作业，培训取证", "吴众和",
     "2023-05-05", "整改中"),
    ("晋城市城区众和物流有限公司", "仓库", "安全出口锁闭", "消防安全", "一般隐患", "打开安全出口并保持畅通", "吴众和",
     "2023-04-12", "已验收"),
]
REG_KEYS = ["enterprise", "location", "description", "type", "level", "measures", "responsible", "deadline", "status"]


def _reg_rows(hazards=HAZARDS, source: str | None = None, seq: bool = True) -> list[dict]:
    out = []
    for i, h in enumerate(hazards, 1):
        row = ({"seq": i} if seq else {}) | dict(zip(REG_KEYS, h))
        if source:
            row["source"] = source
        out.append(row)
    return out


def _deadline_text(iso: str, style: int) -> str:
    y, m, d = iso.split("-")
    return [iso, f"{y}年{int(m)}月{int(d)}日", f"{y}.{int(m)}.{int(d)}", f"{y}/{m}/{d}"][style % 4]


def _provincial_export(src: Path) -> list[dict]:
    """隐患排查治理汇总清单 as a provincial system exports it: a title, 填报单位 / 填报日期 line,
    序号 企业名称 隐患部位 隐患描述 隐患类型 隐患等级 整改措施 责任人 整改期限 状态 隐患来源."""
    wb = Workbook()
    ws = wb.active
    ws.title = "隐患清单"
    head = ["序号", "企业名称", "隐患部位", "隐患描述", "隐患类型", "隐患等级", "整改措施", "责任人", "整改期限", "状态",
            "隐患来源"]
    body = [[i] + list(h[:7]) + [_deadline_text(h[7], i), h[8], "执法检查"] for i, h in enumerate(HAZARDS, 1)]
    sheet_rows(ws, [["隐患排查治理汇总清单"] + [None] * 10,
                    ["填报单位：城区应急管理局", None, None, None, None, None, None, "填报日期：2023年4月10日", None, None,
                     None], head] + body)
    ws.merge_cells("A1:K1")
    ws.merge_cells("A2:G2")
    ws.merge_cells("H2:K2")
    for col, w in zip("ABCDEFGHIJK", [5, 26, 10, 30, 10, 9, 24, 8, 12, 8, 10]):
        ws.column_dimensions[col].width = w
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    wb.save(src)
    return [{"form_type": "hazard_register", "header": {"reporting_unit": "城区应急管理局", "fill_date": "2023-04-10"},
             "data": {"rows": _reg_rows(source="执法检查")}}]


formats(_provincial_export, ["xlsx", "xls", "pdf"], "隐患排查治理汇总清单-省平台导出", ".xlsx")


def _ledger_docx(src: Path) -> list[dict]:
    """隐患排查治理台账 in Word with other synonyms (单位名称, 隐患内容, 隐患级别, 整改责任人, 整改时限,
    治理状态, 验收情况) and text typed above and below the table."""
    d = new_docx()
    d.add_paragraph("北石店镇隐患排查治理台账")
    d.add_paragraph("填报单位（盖章）：北石店镇人民政府              填报日期：2023年4月12日")
    d.add_paragraph("按照县安委办要求，现将我镇四月上旬隐患排查治理情况报送如下，请审阅。")
    head = ["序号", "单位名称", "隐患内容", "隐患级别", "整改措施", "整改责任人", "整改时限", "治理状态", "验收情况"]
    hz = HAZARDS[:6]
    accept = ["已验收", "", "", "", "已验收", ""]
    rows = [head] + [[str(i), h[0], h[2], h[4][:2], h[5], h[6], _deadline_text(h[7], 1), h[8], a]
                     for i, (h, a) in enumerate(zip(hz, accept), 1)]
    docx_table(d, rows, merge_right=False)
    d.add_paragraph("说明：治理状态填写未整改、整改中、已整改；已整改的由镇安监站组织验收。")
    d.add_paragraph("审核人：张军        填报人：李娜        联系电话：0356-2286336")
    d.save(src)
    out = []
    for i, (h, a) in enumerate(zip(hz, accept), 1):
        row = {"seq": i, "enterprise": h[0], "description": h[2], "level": h[4][:2], "measures": h[5],
               "responsible": h[6], "deadline": h[7], "status": h[8], "acceptance": a or None}
        out.append(row)
    return [{"form_type": "hazard_register",
             "header": {"reporting_unit": "北石店镇人民政府", "fill_date": "2023-04-12", "filler": "李娜",
                        "contact_phone": "0356-2286336"},
             "data": {"rows": out}}]


formats(_ledger_docx, ["docx", "doc", "pdf"], "隐患排查治理台账-北石店镇", ".docx")


def _three_row_header(src: Path) -> list[dict]:
    """汇总清单 whose header spans three rows with merged parents: 隐患基本情况 over 企业名称 / 隐患
    (部位, 描述) / 等级, 整改情况 over 整改措施 / 责任 (责任人, 期限) / 状态."""
    wb = Workbook()
    ws = wb.active
    hz = HAZARDS[2:9]
    sheet_rows(ws, [["全县隐患排查治理汇总清单"] + [None] * 8,
                    ["填报单位：城区安委办", None, None, None, None, None, "填报日期：2023年4月14日", None, None],
                    ["序号", "隐患基本情况", None, None, None, "整改情况", None, None, None],
                    [None, "企业名称", "隐患", None, "隐患等级", "整改措施", "责任", None, "治理状态"],
                    [None, None, "部位", "描述", None, None, "责任人", "期限", None]]
               + [[i, h[0], h[1], h[2], h[4], h[5], h[6], _deadline_text(h[7], 2), h[8]]
                  for i, h in enumerate(hz, 1)])
    for rng in ("A1:I1", "A2:F2", "G2:I2", "A3:A5", "B3:E3", "F3:I3", "B4:B5", "C4:D4", "E4:E5", "F4:F5", "G4:H4",
                "I4:I5"):
        ws.merge_cells(rng)
    widths(ws, [6, 26, 10, 28, 10, 24, 9, 12, 10])
    wb.save(src)
    return [{"form_type": "hazard_register", "header": {"reporting_unit": "城区安委办", "fill_date": "2023-04-14"},
             "data": {"rows": [{"seq": i, "enterprise": h[0], "location": h[1], "description": h[2], "level": h[4],
                                "measures": h[5], "responsible": h[6], "deadline": h[7], "status": h[8]}
                               for i, h in enumerate(hz, 1)]}}]


formats(_three_row_header, ["xlsx", "xls", "pdf"], "隐患清单-三行表头", ".xlsx")


def _subtotals(src: Path) -> list[dict]:
    """台账 grouped by enterprise: the enterprise merged down its hazards, a 小计 row after each
    group (小计：2项) and a 合计 row at the end; neither is a hazard."""
    wb = Workbook()
    ws = wb.active
    hz = HAZARDS[:6]
    rows = [["隐患排查治理台账"] + [None] * 6,
            ["填报单位：西上庄街道办事处", None, None, None, "填报日期：2023年4月11日", None, None],
            ["企业名称", "序号", "隐患描述", "隐患等级", "整改措施", "整改期限", "整改状态"]]
    merges = ["A1:G1", "A2:D2", "E2:G2"]
    n = 0
    for k in range(0, 6, 2):
        first = len(rows) + 1
        for h in hz[k:k + 2]:
            n += 1
            rows.append([h[0] if h is hz[k] else None, n, h[2], h[4], h[5], _deadline_text(h[7], 1), h[8]])
        merges.append(f"A{first}:A{first + 1}")
        rows.append(["小计", None, "2项", None, None, None, None])
    rows.append(["合计", None, "6项", None, None, None, None])
    sheet_rows(ws, rows)
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(src)
    return [{"form_type": "hazard_register", "header": {"reporting_unit": "西上庄街道办事处", "fill_date": "2023-04-11"},
             "data": {"rows": [{"enterprise": h[0], "seq": i, "description": h[2], "level": h[4], "measures": h[5],
                                "deadline": h[7], "status": h[8]} for i, h in enumerate(hz, 1)]}}]


formats(_subtotals, ["xlsx", "xls"], "隐患台账-小计合计", ".xlsx")


BIG = 5000


@case
def hazard_register_5000_rows(out: Path) -> dict:
    """A provincial export of 5,000 hazards (read in linear time)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("隐患清单")
    ws.append(["隐患排查治理汇总清单"])
    ws.append(["填报单位：市应急管理局", None, None, None, "填报日期：2023年4月30日"])
    ws.append(["序号", "企业名称", "隐患描述", "隐患等级", "整改措施", "整改期限", "状态"])
    rows = []
    for i in range(1, BIG + 1):
        h = HAZARDS[i % len(HAZARDS)]
        name = f"晋城市第{i // 10 + 1}号企业有限公司"
        desc = f"{h[2]}（第{i}处）"
        ws.append([i, name, desc, h[4], h[5], h[7], h[8]])
        rows.append({"seq": i, "enterprise": name, "description": desc, "level": h[4], "measures": h[5],
                     "deadline": h[7], "status": h[8]})
    p = out / "隐患清单-5000条.xlsx"
    wb.save(p)
    return {"file": p.name, "records": [{"form_type": "hazard_register",
                                         "header": {"reporting_unit": "市应急管理局", "fill_date": "2023-04-30"},
                                         "data": {"rows": rows}}]}


def _two_units_register(out: Path, unit: str, hz: list, fname: str, date: str) -> dict:
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["隐患排查治理台账"], [f"填报单位：{unit}", None, None, f"填报日期：{date}"],
                    ["序号", "企业名称", "隐患内容", "隐患等级", "整改措施", "整改时限"]]
               + [[i, h[0], h[2], h[4], h[5], h[7]] for i, h in enumerate(hz, 1)])
    wb.save(out / fname)
    return {"file": fname, "records": [{
        "form_type": "hazard_register", "header": {"reporting_unit": unit, "fill_date": date.replace("年", "-")
                                                   .replace("月", "-").replace("日", "")},
        "data": {"rows": [{"seq": i, "enterprise": h[0], "description": h[2], "level": h[4], "measures": h[5],
                           "deadline": h[7]} for i, h in enumerate(hz, 1)]}}]}


@case
def hazard_register_shared_hazard_town(out: Path) -> dict:
    """The town's 台账 lists the 加油站's 油罐区 hazard …"""
    return _two_units_register(out, "金村镇人民政府", [HAZARDS[2], HAZARDS[4]], "隐患台账-金村镇.xlsx", "2023-04-08")


@case
def hazard_register_shared_hazard_department(out: Path) -> dict:
    """… and the 应急管理局's 台账 lists it again (one hazard in the ledger, both sources)."""
    return _two_units_register(out, "城区应急管理局", [HAZARDS[2], HAZARDS[6]], "隐患台账-应急局.xlsx", "2023-04-09")


@case
def hazard_register_of_one_enterprise(out: Path) -> dict:
    """An enterprise's own 隐患排查治理台账: the enterprise on a line above, no enterprise column."""
    d = new_docx()
    d.add_paragraph("隐患排查治理台账")
    d.add_paragraph("企业名称：晋城市城区兴旺加油站      填报日期：2023年4月6日")
    hz = HAZARDS[2:4]
    docx_table(d, [["序号", "隐患部位", "隐患描述", "隐患等级", "整改措施", "责任人", "整改期限", "整改情况"]]
               + [[str(i), h[1], h[2], h[4], h[5], h[6], _deadline_text(h[7], 1), h[8]] for i, h in enumerate(hz, 1)],
               merge_right=False)
    p = out / "隐患台账-兴旺加油站.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "hazard_register", "header": {"enterprise": "晋城市城区兴旺加油站", "fill_date": "2023-04-06"},
        "data": {"rows": [{"seq": i, "location": h[1], "description": h[2], "level": h[4], "measures": h[5],
                           "responsible": h[6], "deadline": h[7], "status": h[8]} for i, h in enumerate(hz, 1)]}}]}


# --- 2. 安全检查表 of an enterprise ------------------------------------------------------------------

CHECK_ITEMS = [  # category, content, result as written, mark, problem
    ("安全管理", "安全生产责任制是否建立并落实", "是", "yes", ""),
    ("安全管理", "主要负责人和安全管理人员是否持证", "否", "no", "安全管理人员证书过期"),
    ("安全管理", "是否制定应急预案并组织演练", "√", "yes", ""),
    ("消防安全", "灭火器材是否配备齐全、在有效期内", "×", "no", "2具灭火器过期"),
    ("消防安全", "疏散通道、安全出口是否畅通", "符合", "yes", ""),
    ("消防安全", "是否存在违规住人现象", "不符合", "no", "仓库内有2人住宿"),
    ("用电安全", "电气线路是否穿管保护", "不符合", "no", "车间线路未套管"),
    ("用电安全", "配电箱是否上锁并有警示标志", "符合", "yes", ""),
]
CHECK_KEYS = ["category", "content", "result", "problem"]


def _check_items(items=CHECK_ITEMS) -> list[dict]:
    return [{"no": i, "category": c, "content": t, "result": m, "problem": p or None}
            for i, (c, t, _, m, p) in enumerate(items, 1)]


def _checklist_docx(src: Path) -> list[dict]:
    """企业安全检查表: 被检查单位 / 检查日期 / 检查人员 above the grid 序号 检查项目 检查内容 检查结果
    存在问题, answers 是 / 否 / √ / × / 符合 / 不符合."""
    d = new_docx()
    d.add_paragraph("企业安全检查表")
    rows = [["被检查单位", "晋城市城区恒通物流园", None, "检查日期", "2023年4月12日"],
            ["检查人员", "王强、李明", None, None, None],
            ["序号", "检查项目", "检查内容", "检查结果", "存在问题"]]
    rows += [[str(i), c, t, r, p] for i, (c, t, r, _, p) in enumerate(CHECK_ITEMS, 1)]
    t = docx_table(d, rows)
    merge_down(t, 1, 3, 5)
    merge_down(t, 1, 6, 8)
    merge_down(t, 1, 9, 10)
    d.add_paragraph("企业负责人（签字）：赵恒通")
    d.save(src)
    return [{"form_type": "checklist", "header": {},
             "data": {"enterprise": "晋城市城区恒通物流园", "check_date": "2023-04-12", "inspectors": ["王强", "李明"],
                      "items": _check_items()}}]


formats(_checklist_docx, ["docx", "doc", "pdf"], "安全检查表-恒通物流园", ".docx")


SHEETS = {"消防安全": CHECK_ITEMS[3:6], "用电安全": CHECK_ITEMS[6:8], "安全管理": CHECK_ITEMS[:3]}


def _checklist_workbook(src: Path) -> list[dict]:
    """A checklist workbook with one 安全检查表 per sheet (per topic), the enterprise on each."""
    wb = Workbook()
    wb.remove(wb.active)
    records = []
    for topic, items in SHEETS.items():
        ws = wb.create_sheet(topic)
        sheet_rows(ws, [[f"{topic}检查表", None, None, None],
                        ["企业名称：晋城市城区瑞祥食品有限公司", None, "检查日期：2023年4月13日", None],
                        ["序号", "检查内容", "检查结果", "存在问题"]]
                   + [[i, t, r, p or None] for i, (_, t, r, _, p) in enumerate(items, 1)])
        ws.merge_cells("A1:D1")
        ws.merge_cells("A2:B2")
        ws.merge_cells("C2:D2")
        records.append({"form_type": "checklist", "header": {},
                        "data": {"enterprise": "晋城市城区瑞祥食品有限公司", "check_date": "2023-04-13",
                                 "items": [{"no": i, "category": None, "content": t, "result": m, "problem": p or None}
                                           for i, (_, t, _, m, p) in enumerate(items, 1)]}})
    wb.save(src)
    return records


formats(_checklist_workbook, ["xlsx", "xls"], "安全检查表-瑞祥食品-分表", ".xlsx")


def _checklist_free_text(src: Path) -> list[dict]:
    """检查表 sheet with the 检查人员 / 检查日期 typed on lines above and the result written 有 / 无
    for questions of 有无…, √ / × for the others, and an 整改要求 line below."""
    wb = Workbook()
    ws = wb.active
    items = [("有无安全生产管理机构", "有", "yes", ""), ("有无特种设备定期检验报告", "无", "no", "叉车未定期检验"),
             ("消防设施是否完好", "√", "yes", ""), ("作业人员是否持证上岗", "×", "no", "2名叉车司机无证")]
    sheet_rows(ws, [["安全生产检查表", None, None, None],
                    ["被检查单位：晋城市城区众和物流有限公司", None, None, None],
                    ["检查人员：赵刚、钱峰", None, "检查日期：2023年4月15日", None],
                    ["序号", "检查内容", "检查情况", "存在问题"]]
               + [[i, t, r, p or None] for i, (t, r, _, p) in enumerate(items, 1)]
               + [["整改要求：以上问题于2023年4月30日前整改完毕。", None, None, None]])
    for rng in ("A1:D1", "A2:D2", "A3:B3", "C3:D3", "A9:D9"):
        ws.merge_cells(rng)
    widths(ws, [6, 36, 12, 26])
    wb.save(src)
    return [{"form_type": "checklist", "header": {},
             "data": {"enterprise": "晋城市城区众和物流有限公司", "check_date": "2023-04-15",
                      "inspectors": ["赵刚", "钱峰"],
                      "items": [{"no": i, "category": None, "content": t, "result": m, "problem": p or None}
                                for i, (t, _, m, p) in enumerate(items, 1)]}}]


formats(_checklist_free_text, ["xlsx", "xls", "pdf"], "安全生产检查表-众和物流", ".xlsx")


# --- 3. 003 统计表 with its text rows ---------------------------------------------------------------

STATS_KEYS = ["inspection_groups", "inspectors", "units_inspected", "general_hazards_found", "general_hazards_fixed",
              "major_hazards_found", "major_hazards_fixed", "enforcement_documents", "suspended", "fines_wan",
              "licenses_revoked", "closed", "other"]
STATS_UNITS = [
    ("城区住建局", [3, 9, 21, 35, 30, 1, 1, 6, 1, 2.5, 0, 0, 0],
     "开展建筑施工领域“打非治违”专项行动，对在建工地全覆盖检查。", "部分工地临边防护不到位，塔吊司机持证不全。", "无"),
    ("城区市场监管局", [2, 6, 14, 12, 12, 0, 0, 3, 0, 0.8, 1, 0, 0],
     "特种设备安全隐患排查，电梯维保单位约谈全覆盖。", "小餐饮燃气使用不规范。", ""),
    ("城区消防救援大队", [4, 12, 40, 56, 41, 2, 0, 18, 2, 4.1, 0, 1, 0],
     "九小场所消防安全集中整治，发动网格员排查。", "出租屋电动车违规充电问题突出。", "其他栏为临时查封场所数"),
]
TEXT_LABELS = ["亮点工作（或者本行业特色工作）（50至200字）", "存在问题（每个方面不超过100字）", "备注"]


def _stats_row(unit, values, hl, pr, rm) -> dict:
    return {"unit": unit, **dict(zip(STATS_KEYS, values)), "highlights": hl, "problems": pr, "remarks": rm or None}


def _stats_head() -> list[list]:
    return [["单位名称", "检查工作开展情况", None, None, None, None, None, None, "查处违法行为情况", None, None, None, None,
             None],
            [None, "派出检查组数", "派出检查组人数", "被检查单位", "一般隐患", None, "重大隐患", None, "下达执法文书",
             "停产整顿", "行政处罚款", "暂扣吊销证照", "关闭取缔", "其他"],
            [None, None, None, None, "排查", "整改", "排查", "整改", None, None, None, None, None, None],
            [None, "（组）", "（人）", "（家）", "（项）", "（项）", "（项）", "（项）", "（份）", "（家）", "（万元）", "（个）",
             "（家）", None]]


HEAD_MERGES = ["A3:A6", "B3:H3", "I3:N3", "B4:B5", "C4:C5", "D4:D5", "E4:F4", "G4:H4", "I4:I5", "J4:J5", "K4:K5", "L4:L5",
               "M4:M5", "N4:N5"]


def _stats_under_each_unit(src: Path) -> list[dict]:
    """全市安全检查督导情况统计表 with the three text rows merged across under each unit's numbers,
    其他 written 0, and a 合计 row."""
    wb = Workbook()
    ws = wb.active
    rows = [["全市安全检查督导情况统计表"] + [None] * 13,
            ["填报单位（盖章）：城区安委办", None, None, None, None, None, None, None, None, None, "统计时间：2023年4月",
             None, None, None]] + _stats_head()
    merges = ["A1:N1", "A2:J2", "K2:N2"] + HEAD_MERGES
    for unit, values, *texts in STATS_UNITS:
        rows.append([unit] + values)
        for label, text in zip(TEXT_LABELS, texts):
            rows.append([label, text or None] + [None] * 12)
            merges.append(f"B{len(rows)}:N{len(rows)}")
    totals = [round(sum(u[1][k] for u in STATS_UNITS), 2) for k in range(13)]
    rows.append(["合计"] + totals)
    sheet_rows(ws, rows)
    for rng in merges:
        ws.merge_cells(rng)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 10
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    for r in ws.iter_rows():
        for c in r:
            c.alignment = Alignment(wrap_text=True, vertical="center")
    wb.save(src)
    return [{"form_type": "inspection_stats", "header": {"reporting_unit": "城区安委办", "period": "2023-04"},
             "data": {"rows": [_stats_row(*u) for u in STATS_UNITS],
                      "totals": dict(zip(STATS_KEYS, totals))}}]


formats(_stats_under_each_unit, ["xlsx", "xls", "pdf"], "督导情况统计表-文字行", ".xlsx")


def _stats_docx(src: Path) -> list[dict]:
    """The same 统计表 in Word (one row of leaf labels, units in the labels), text rows under each unit."""
    d = new_docx()
    d.add_paragraph("全市安全检查督导情况统计表")
    d.add_paragraph("填报单位（盖章）：城区安委办                统计时间：2023年4月")
    head = ["单位名称", "派出检查组数（组）", "派出检查组人数（人）", "被检查单位（家）", "一般隐患排查（项）", "一般隐患整改（项）",
            "重大隐患排查（项）", "重大隐患整改（项）", "下达执法文书（份）", "停产整顿（家）", "行政处罚款（万元）",
            "暂扣吊销证照（个）", "关闭取缔（家）", "其他"]
    rows = [head]
    units = STATS_UNITS[:2]
    for unit, values, *texts in units:
        rows.append([unit] + [str(v) for v in values])
        for label, text in zip(TEXT_LABELS, texts):
            rows.append([label, text] + [None] * 12)
    t = docx_table(d, rows)
    d.save(src)
    return [{"form_type": "inspection_stats", "header": {"reporting_unit": "城区安委办", "period": "2023-04"},
             "data": {"rows": [_stats_row(*u) for u in units]}}]


formats(_stats_docx, ["docx"], "督导情况统计表-文字行-word", ".docx")


def _stats_block_at_end(src: Path) -> list[dict]:
    """The 统计表 with every unit's numbers first, a 合计, then one block at the end: each unit's name
    merged down its three text rows (亮点工作 / 存在问题 / 备注)."""
    wb = Workbook()
    ws = wb.active
    rows = [["全市安全检查督导情况统计表"] + [None] * 13,
            ["填报单位（盖章）：城区安委办", None, None, None, None, None, None, None, None, None, "统计时间：2023年4月",
             None, None, None]] + _stats_head()
    merges = ["A1:N1", "A2:J2", "K2:N2"] + HEAD_MERGES
    for unit, values, *_ in STATS_UNITS:
        rows.append([unit] + values)
    totals = [round(sum(u[1][k] for u in STATS_UNITS), 2) for k in range(13)]
    rows.append(["合计"] + totals)
    for unit, _, *texts in STATS_UNITS:
        first = len(rows) + 1
        for label, text in zip(TEXT_LABELS, texts):
            rows.append([unit if len(rows) + 1 == first else None, label, text or None] + [None] * 11)
            merges.append(f"C{len(rows)}:N{len(rows)}")
        merges.append(f"A{first}:A{first + 2}")
    sheet_rows(ws, rows)
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(src)
    return [{"form_type": "inspection_stats", "header": {"reporting_unit": "城区安委办", "period": "2023-04"},
             "data": {"rows": [_stats_row(*u) for u in STATS_UNITS],
                      "totals": dict(zip(STATS_KEYS, totals))}}]


formats(_stats_block_at_end, ["xlsx", "xls"], "督导情况统计表-文字块在末尾", ".xlsx")


CAMPAIGN_KEYS = ["inspection_groups", "general_hazards_found", "general_hazards_fixed", "major_hazards_found",
                 "major_hazards_fixed", "fines_wan"]
TOWNS = [("北石店镇", [3, 21, 18, 1, 1, 1.2]), ("西上庄街道", [2, 9, 9, 0, 0, 0]), ("钟家庄街道", [2, 14, 11, 1, 0, 0.6]),
         ("金村镇", [1, 6, 6, 0, 0, 0.2]), ("南村镇", [2, 12, 10, 2, 1, 0.5])]


def _campaign_summary(src: Path) -> list[dict]:
    """汇总 sheet of a county: one row per town, a 合计, then text rows merged across (主要做法,
    下步打算) and a 备注 line: the text rows are no towns."""
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    totals = [round(sum(t[1][k] for t in TOWNS), 2) for k in range(6)]
    rows = [["大排查大整治行动统计汇总表"] + [None] * 6,
            ["填报单位：城区安委办", None, None, None, "填报日期：2023年4月20日", None, None],
            ["单位", "检查组（个）", "一般隐患排查（项）", "一般隐患整改（项）", "重大隐患排查（项）", "重大隐患整改（项）",
             "行政罚款（万元）"]]
    rows += [[t] + v for t, v in TOWNS] + [["合计"] + totals]
    rows += [["主要做法", "各镇街成立专班，逐企建立隐患台账，实行销号管理。"] + [None] * 5,
             ["下步打算", "持续开展回头看，对重大隐患挂牌督办。"] + [None] * 5,
             ["备注：罚款金额以决定书为准。"] + [None] * 6]
    sheet_rows(ws, rows)
    for rng in ("A1:G1", "A2:D2", "E2:G2", "B10:G10", "B11:G11", "A12:G12"):
        ws.merge_cells(rng)
    wb.save(src)
    return [{"form_type": "campaign_stats", "header": {"reporting_unit": "城区安委办", "fill_date": "2023-04-20"},
             "data": {"rows": [{"unit": t, **dict(zip(CAMPAIGN_KEYS, v))} for t, v in TOWNS],
                      "totals": dict(zip(CAMPAIGN_KEYS, totals))}}]


formats(_campaign_summary, ["xlsx", "xls"], "大排查大整治统计汇总表", ".xlsx")


# --- 4. 调度表's 村 written elsewhere ----------------------------------------------------------------

DISPATCH = [["指标", "数值"], ["一、总体情况", None], ["企业自查发现的重大事故隐患（个）", 4],
            ["企业自查发现重大事故隐患中已完成整改的（个）", 3], ["二、对企业自查自改进行抽查检查情况", None],
            ["抽查检查的企业总数（家）", 7], ["三、部门精准严格执法情况", None], ["帮扶指导重点企业（家次）", 5]]
DISPATCH_DATA = {"self_found": 4, "self_fixed": 3, "spot_checked": 7, "guided_enterprises": 5}


def _dispatch_sheet(p: Path, top: list[list]) -> None:
    wb = Workbook()
    ws = wb.active
    rows = top + DISPATCH
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row, 1):
            if v is not None:
                ws.cell(r, c, v)
        if row[1] is None:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
    wb.save(p)


@case
def dispatch_village_in_title(out: Path) -> dict:
    """调度表 whose title carries the village: 南河村重大事故隐患专项排查整治行动进展情况调度表."""
    p = out / "调度表-7月.xlsx"
    _dispatch_sheet(p, [["南河村重大事故隐患专项排查整治行动进展情况调度表", None], ["时间：2023年7月25日", None]])
    return {"file": p.name, "records": [{"form_type": "progress_dispatch",
                                         "header": {"village": "南河村", "period": "2023-07-25"}, "data": DISPATCH_DATA}]}


@case
def dispatch_village_in_reporting_line(out: Path) -> dict:
    """The village only in the 填报单位 line: 填报单位：北石店镇东沟村委会."""
    p = out / "调度表-填报单位.xlsx"
    _dispatch_sheet(p, [["重大事故隐患专项排查整治行动进展情况调度表", None],
                        ["填报单位：北石店镇东沟村委会", None], ["时间：2023年7月25日", None]])
    return {"file": p.name, "records": [{
        "form_type": "progress_dispatch",
        "header": {"village": "东沟村", "reporting_unit": "北石店镇东沟村委会", "period": "2023-07-25"},
        "data": DISPATCH_DATA}]}


@case
def dispatch_village_only_in_file_name(out: Path) -> dict:
    """No village anywhere but the file name (调度表-西河村.xlsx): taken from it, and flagged."""
    p = out / "西河村-调度表.xlsx"
    _dispatch_sheet(p, [["重大事故隐患专项排查整治行动进展情况调度表", None], ["时间：2023年7月25日", None]])
    return {"file": p.name, "records": [{
        "form_type": "progress_dispatch", "header": {"village": "西河村", "period": "2023-07-25"},
        "data": DISPATCH_DATA, "warnings": ["village_from_file_name"], "messages": ["文件名"]}]}


# --- 5. answers written in free positions --------------------------------------------------------

@case
def self_check_answer_in_item_text(out: Path) -> dict:
    """自查表 whose answers are typed at the end of each item (…？是 / …（否）) with no result column."""
    d = new_docx()
    d.add_paragraph("生产经营单位自查表")
    d.add_paragraph("企业名称：晋城市城区宏达建材有限公司      填表日期：2023年4月3日")
    items = [("是否建立健全安全生产责任制和规章制度", "？是", "yes"), ("厂房的通风设施是否良好", "（否）", "no"),
             ("生产车间作业场所电源线路是否存在老化现象或存在乱搭线或未套管现象", "：否", "yes"),
             ("是否存在埋压、圈占消防栓现象", "（是）", "no")]
    docx_table(d, [["序号", "自查内容"]] + [[str(i), t + a] for i, (t, a, _) in enumerate(items, 1)], merge_right=False)
    p = out / "自查表-答案在题后.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "self_check", "header": {"fill_date": "2023-04-03"},
        "data": {"enterprise": {"name": "晋城市城区宏达建材有限公司"},
                 "items": [{"no": i, "category": None, "content": t, "self_result": m}
                           for i, (t, _, m) in enumerate(items, 1)]}}]}


def _self_check_you_wu(src: Path) -> list[dict]:
    """自查表 sheet asking 有无… / 是否有… answered 有 / 无 (有 is yes, 无 no: not a blank)."""
    wb = Workbook()
    ws = wb.active
    items = [("有无安全生产责任制", "有", "yes"), ("是否有应急救援预案", "无", "no"), ("有无安全警示标志", "有", "yes")]
    sheet_rows(ws, [["企业安全自查表", None, None], ["企业名称", "晋城市城区鼎盛五金厂", None],
                    ["序号", "自查内容", "自查结果"]] + [[i, t, a] for i, (t, a, _) in enumerate(items, 1)],
               merge_blank_right=True)
    widths(ws, [8, 40, 12])
    wb.save(src)
    return [{"form_type": "self_check", "header": {},
             "data": {"enterprise": {"name": "晋城市城区鼎盛五金厂"},
                      "items": [{"no": i, "category": None, "content": t, "self_result": m}
                                for i, (t, _, m) in enumerate(items, 1)]}}]


formats(_self_check_you_wu, ["xlsx", "xls", "pdf"], "自查表-有无", ".xlsx")


@case
def dispatch_village_in_reporting_line_docx(out: Path) -> dict:
    """调度表 in Word, the village only in the 填报单位（盖章） line above the table."""
    d = new_docx()
    d.add_paragraph("重大事故隐患专项排查整治行动进展情况调度表")
    d.add_paragraph("填报单位（盖章）：金村镇南岭村民委员会        时间：2023年7月25日")
    docx_table(d, [[a, None if b is None else str(b)] for a, b in DISPATCH])
    p = out / "调度表-金村镇.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "progress_dispatch",
        "header": {"village": "南岭村", "reporting_unit": "金村镇南岭村民委员会", "period": "2023-07-25"},
        "data": DISPATCH_DATA}]}


# --- 6. a table of no known form under its title --------------------------------------------------

@case
def unknown_table_keeps_its_title(out: Path) -> dict:
    """A 值班表 sheet: unknown, with its title kept beside the grid."""
    wb = Workbook()
    ws = wb.active
    grid = [["日期", "带班领导", "值班人员"], ["5月1日", "张军", "李娜"], ["5月2日", "王强", "赵刚"]]
    sheet_rows(ws, [["五一假期安全生产值班表", None, None]] + grid)
    ws.merge_cells("A1:C1")
    p = out / "值班表.xlsx"
    wb.save(p)
    return {"file": p.name, "records": [{"form_type": "unknown", "header": {}, "warnings": ["unrecognized"],
                                         "data": {"title": "五一假期安全生产值班表", "tables": [grid]}}]}


def build(out: Path) -> list[dict]:
    """Write every return into `out`; conversions in one LibreOffice batch per target format."""
    return build_cases(CASES, out)


if __name__ == "__main__":
    for c in build(Path(sys.argv[1] if len(sys.argv) > 1 else "variety4_out")):
        print(c["file"])
