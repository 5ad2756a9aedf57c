"""Held-out registers, checklists and answers (brief H-reg, issue 13): written before any fix of that
round and never tuned on. Registers as other provincial and enterprise systems export them (隐患内容,
隐患部位, 整改责任人, 整改时限, 治理状态, 验收情况 …, a title and 填报单位 / 企业名称 lines above the
grid, 合计 / 小计 rows), checklists and 自查表 with answers in free positions (是 / 否 / 有 / 无 / √ / ×,
typed after the item, in a 备注 column), in .xlsx / .docx / .xls.

`build(out)` returns the cases as tests/variety/build.py does.

    .venv/bin/python tests/heldout_reg/build.py OUTDIR
"""
from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook

if __name__ == "__main__":          # run as a script: the repo root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.variety.build import build_cases, docx_table, new_docx
from tests.variety2.build import sheet_rows

CASES: list = []


def case(fn):
    CASES.append(fn)
    return fn


def as_xls(make, stem: str):
    """A case of the .xls LibreOffice makes from the .xlsx `make(src)` writes."""
    def fn(out: Path) -> dict:
        src = out / f"{stem}-src.xlsx"
        return {"file": f"{stem}.xls", "convert": ("xls", src.name), "records": make(src)}
    fn.__name__ = f"{make.__name__.lstrip('_')}_xls"
    CASES.append(fn)


# enterprise, location, description, type, level, measures, responsible, deadline (iso), status
HZ = [
    ("泽州县金鼎铸造有限公司", "熔炼车间", "中频炉冷却水系统未设置断水报警", "设备设施", "重大隐患", "加装断水报警并联锁断电", "韩金鼎",
     "2023-06-10", "整改中"),
    ("泽州县金鼎铸造有限公司", "造型车间", "行车吊钩防脱钩装置损坏", "特种设备", "一般隐患", "更换防脱钩装置", "韩金鼎",
     "2023-05-20", "已整改"),
    ("泽州县福源化工有限公司", "罐区", "储罐区围堰有裂缝", "危险化学品", "一般隐患", "修补围堰", "郭福源", "2023-05-25", "未整改"),
    ("泽州县福源化工有限公司", "仓库", "甲类仓库使用非防爆灯具", "危险化学品", "重大隐患", "更换为防爆灯具", "郭福源",
     "2023-05-31", "整改中"),
    ("泽州县顺达运输有限公司", "停车场", "停车场消火栓无水", "消防安全", "一般隐患", "修复消防供水", "冯顺达", "2023-05-15",
     "已整改"),
    ("泽州县顺达运输有限公司", "维修间", "维修间电焊作业无动火审批", "现场管理", "一般隐患", "落实动火审批制度", "冯顺达",
     "2023-05-12", "已整改"),
    ("泽州县新华纺织厂", "织布车间", "车间疏散指示标志损坏", "消防安全", "一般隐患", "更换疏散指示标志", "许新华",
     "2023-05-18", "已验收"),
    ("泽州县新华纺织厂", "配电室", "配电室无挡鼠板", "用电安全", "一般隐患", "安装挡鼠板", "许新华", "2023-05-18", "已验收"),
]


def _date(iso: str, style: int) -> str:
    y, m, d = iso.split("-")
    return [f"{y}年{int(m)}月{int(d)}日", iso, f"{y}.{m}.{d}", f"{y}/{int(m)}/{int(d)}"][style % 4]


# --- registers ------------------------------------------------------------------------------

def _county_register(src: Path) -> list[dict]:
    """A county system's export: title, 填报单位 / 填报日期 line, 隐患类别 / 隐患级别 / 治理措施 /
    整改责任人 / 整改时限 / 治理状态 / 验收情况, a 合计 row at the end."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    head = ["序号", "单位名称", "隐患部位", "隐患内容", "隐患类别", "隐患级别", "治理措施", "整改责任人", "整改时限", "治理状态",
            "验收情况"]
    body = [[i, h[0], h[1], h[2], h[3], h[4], h[5], h[6], _date(h[7], i), h[8], "合格" if h[8] == "已验收" else None]
            for i, h in enumerate(HZ, 1)]
    sheet_rows(ws, [["泽州县隐患排查治理情况汇总清单"] + [None] * 10,
                    ["填报单位：泽州县应急管理局", None, None, None, None, None, None, None, "填报日期：2023年5月8日", None,
                     None], head] + body + [["合计", None, None, f"共{len(HZ)}项", None, None, None, None, None, None,
                                            None]])
    ws.merge_cells("A1:K1")
    ws.merge_cells("A2:H2")
    ws.merge_cells("I2:K2")
    wb.save(src)
    rows = [{"seq": i, "enterprise": h[0], "location": h[1], "description": h[2], "type": h[3], "level": h[4],
             "measures": h[5], "responsible": h[6], "deadline": h[7], "status": h[8],
             "acceptance": "合格" if h[8] == "已验收" else None} for i, h in enumerate(HZ, 1)]
    return [{"form_type": "hazard_register", "header": {"reporting_unit": "泽州县应急管理局", "fill_date": "2023-05-08"},
             "data": {"rows": rows}}]


@case
def county_register_xlsx(out: Path) -> dict:
    """(xlsx)"""
    p = out / "泽州县隐患汇总清单.xlsx"
    return {"file": p.name, "records": _county_register(p)}


as_xls(_county_register, "泽州县隐患汇总清单-导出")


@case
def enterprise_register_docx(out: Path) -> dict:
    """An enterprise's own 台账 in Word: 企业名称 / 填报人 / 填报日期 on lines above, no enterprise column."""
    d = new_docx()
    d.add_paragraph("泽州县金鼎铸造有限公司隐患排查治理台账")
    d.add_paragraph("企业名称：泽州县金鼎铸造有限公司    填报日期：2023年5月6日")
    hz = HZ[:2]
    docx_table(d, [["编号", "隐患位置", "隐患内容", "隐患级别", "整改措施", "整改责任人", "整改时限", "治理状态"]]
               + [[str(i), h[1], h[2], h[4][:2], h[5], h[6], _date(h[7], 0), h[8]] for i, h in enumerate(hz, 1)],
               merge_right=False)
    d.add_paragraph("填报人：韩金鼎        联系电话：13835612345")
    p = out / "金鼎铸造-隐患台账.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "hazard_register",
        "header": {"enterprise": "泽州县金鼎铸造有限公司", "fill_date": "2023-05-06", "filler": "韩金鼎",
                   "contact_phone": "13835612345"},
        "data": {"rows": [{"seq": i, "location": h[1], "description": h[2], "level": h[4][:2], "measures": h[5],
                           "responsible": h[6], "deadline": h[7], "status": h[8]} for i, h in enumerate(hz, 1)]}}]}


@case
def enterprise_register_xlsx(out: Path) -> dict:
    """An enterprise's 台账 sheet: title, 企业名称 line, 隐患描述 / 整改要求 / 完成时限 / 整改情况."""
    wb = Workbook()
    ws = wb.active
    hz = HZ[2:4]
    sheet_rows(ws, [["隐患排查治理台账", None, None, None, None, None],
                    ["企业名称：泽州县福源化工有限公司", None, None, None, "2023年5月9日", None],
                    ["序号", "隐患部位", "隐患描述", "整改措施", "整改期限", "整改情况"]]
               + [[i, h[1], h[2], h[5], _date(h[7], 1), h[8]] for i, h in enumerate(hz, 1)])
    ws.merge_cells("A1:F1")
    ws.merge_cells("A2:D2")
    ws.merge_cells("E2:F2")
    p = out / "福源化工-隐患台账.xlsx"
    wb.save(p)
    return {"file": p.name, "records": [{
        "form_type": "hazard_register", "header": {"enterprise": "泽州县福源化工有限公司"},
        "data": {"rows": [{"seq": i, "location": h[1], "description": h[2], "measures": h[5], "deadline": h[7],
                           "status": h[8]} for i, h in enumerate(hz, 1)]}}]}


def _town_register_subtotals(src: Path) -> list[dict]:
    """A town's 台账 with 所在乡镇 / 发现日期 columns and a 小计 row after each village group."""
    wb = Workbook()
    ws = wb.active
    hz = HZ[4:8]
    rows = [["巴公镇隐患排查治理台账"] + [None] * 6,
            ["填报单位：巴公镇人民政府", None, None, None, "填报日期：2023.05.10", None, None],
            ["序号", "所在乡镇", "企业名称", "隐患描述", "发现日期", "整改措施", "整改状态"]]
    n = 0
    for k in (0, 2):
        for h in hz[k:k + 2]:
            n += 1
            rows.append([n, "巴公镇", h[0], h[2], "2023-05-03", h[5], h[8]])
        rows.append(["小计", None, None, "2项", None, None, None])
    sheet_rows(ws, rows)
    ws.merge_cells("A1:G1")
    wb.save(src)
    return [{"form_type": "hazard_register", "header": {"reporting_unit": "巴公镇人民政府", "fill_date": "2023-05-10"},
             "data": {"rows": [{"seq": i, "town": "巴公镇", "enterprise": h[0], "description": h[2],
                                "found_date": "2023-05-03", "measures": h[5], "status": h[8]}
                               for i, h in enumerate(hz, 1)]}}]


as_xls(_town_register_subtotals, "巴公镇隐患台账")


@case
def register_docx_signature_lines(out: Path) -> dict:
    """A department's 隐患清单 in Word: 隐患名称 / 隐患等级 / 整改方案 / 治理责任人 / 治理期限 / 隐患状态,
    审核人 / 填报人 / 联系电话 below."""
    d = new_docx()
    d.add_paragraph("泽州县住建局隐患排查治理清单")
    d.add_paragraph("填报单位（盖章）：泽州县住房和城乡建设局            填报日期：2023年5月11日")
    hz = [HZ[0], HZ[3], HZ[6]]
    docx_table(d, [["序号", "企业名称", "隐患名称", "隐患等级", "整改方案", "治理责任人", "治理期限", "隐患状态"]]
               + [[str(i), h[0], h[2], h[4], h[5], h[6], _date(h[7], 3), h[8]] for i, h in enumerate(hz, 1)],
               merge_right=False)
    d.add_paragraph("审核人：王立        填报人：赵敏        联系电话：0356-3031234")
    p = out / "住建局-隐患清单.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "hazard_register",
        "header": {"reporting_unit": "泽州县住房和城乡建设局", "fill_date": "2023-05-11", "filler": "赵敏",
                   "contact_phone": "0356-3031234"},
        "data": {"rows": [{"seq": i, "enterprise": h[0], "description": h[2], "level": h[4], "measures": h[5],
                           "responsible": h[6], "deadline": h[7], "status": h[8]} for i, h in enumerate(hz, 1)]}}]}


# --- checklists and 自查表 with answers in free positions ---------------------------------------

@case
def self_check_answers_after_items_xlsx(out: Path) -> dict:
    """自查表 sheet, one column of items with the answer typed after each (…是否…：是 / （√） / 否)."""
    wb = Workbook()
    ws = wb.active
    items = [("是否制定了工作岗位操作规程", "：是", "yes"), ("危险场所是否安装安全警示标志", "（√）", "yes"),
             ("易燃易爆品仓库是否使用防爆灯照明", " 否", "no"), ("从业人员是否按规定佩戴劳动保护用品", "（×）", "no")]
    sheet_rows(ws, [["企业安全生产自查表", None], ["企业名称：泽州县新华纺织厂", None], ["填表日期：2023年5月4日", None],
                    ["序号", "自查内容"]] + [[i, t + a] for i, (t, a, _) in enumerate(items, 1)])
    ws.merge_cells("A1:B1")
    ws.merge_cells("A2:B2")
    ws.merge_cells("A3:B3")
    ws.column_dimensions["B"].width = 50
    p = out / "新华纺织-自查表.xlsx"
    wb.save(p)
    return {"file": p.name, "records": [{
        "form_type": "self_check", "header": {"fill_date": "2023-05-04"},
        "data": {"enterprise": {"name": "泽州县新华纺织厂"},
                 "items": [{"no": i, "category": None, "content": t, "self_result": m}
                           for i, (t, _, m) in enumerate(items, 1)]}}]}


@case
def self_check_answers_in_remarks_docx(out: Path) -> dict:
    """自查表 in Word whose 自查结果 column is left blank and the answers are written in 备注 (是 / 否,
    有 / 无; 是 to a question of 未… or 存在… meaning a problem)."""
    d = new_docx()
    d.add_paragraph("生产经营单位自查表")
    d.add_paragraph("企业名称：泽州县顺达运输有限公司      填表日期：2023年5月5日")
    items = [("是否建立安全生产管理机构并按规定配备安全主任", "是", "yes"), ("有无应急救援预案", "有", "yes"),
             ("是否存在车辆带病运行现象", "否", "yes"), ("维修间动火作业是否未经审批", "是", "no"),
             ("有无特种设备定期检验报告", "无", "no")]
    docx_table(d, [["序号", "自查内容", "自查结果", "备注"]]
               + [[str(i), t, "", a] for i, (t, a, _) in enumerate(items, 1)], merge_right=False)
    p = out / "顺达运输-自查表.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "self_check", "header": {"fill_date": "2023-05-05"},
        "data": {"enterprise": {"name": "泽州县顺达运输有限公司"},
                 "items": [{"no": i, "category": None, "content": t, "self_result": m}
                           for i, (t, _, m) in enumerate(items, 1)]}}]}


def _checklist_remarks_column(src: Path) -> list[dict]:
    """安全检查表 whose 检查情况 column holds √ / × and a 备注 column the problem found."""
    wb = Workbook()
    ws = wb.active
    items = [("消防设施", "消火栓是否有水、完好有效", "×", "no", "停车场消火栓无水"),
             ("动火作业", "动火作业是否办理审批", "×", "no", "电焊作业无动火审批"),
             ("用电安全", "配电箱是否有漏电保护", "√", "yes", None),
             ("车辆管理", "车辆是否按期年检", "√", "yes", None)]
    sheet_rows(ws, [["安全生产检查表", None, None, None, None],
                    ["被检查单位：泽州县顺达运输有限公司", None, None, "检查日期：2023年5月7日", None],
                    ["检查人员：李强、周涛", None, None, None, None],
                    ["序号", "检查项目", "检查内容", "检查情况", "存在问题"]]
               + [[i, c, t, r, p] for i, (c, t, r, _, p) in enumerate(items, 1)])
    for rng in ("A1:E1", "A2:C2", "D2:E2", "A3:E3"):
        ws.merge_cells(rng)
    wb.save(src)
    return [{"form_type": "checklist", "header": {},
             "data": {"enterprise": "泽州县顺达运输有限公司", "check_date": "2023-05-07", "inspectors": ["李强", "周涛"],
                      "items": [{"no": i, "category": c, "content": t, "result": m, "problem": p}
                                for i, (c, t, _, m, p) in enumerate(items, 1)]}}]


as_xls(_checklist_remarks_column, "顺达运输-安全检查表")


@case
def checklist_you_wu_docx(out: Path) -> dict:
    """Word 检查表: 被检查单位 / 检查时间 / 检查人 in the grid, answers 有 / 无 / 是 / 否, 存在问题."""
    d = new_docx()
    d.add_paragraph("危险化学品企业安全检查表")
    items = [("有无危险化学品安全管理制度", "有", "yes", ""), ("甲类仓库是否使用防爆灯具", "否", "no", "甲类仓库使用非防爆灯具"),
             ("储罐区围堰是否完好", "否", "no", "储罐区围堰有裂缝"), ("有无可燃气体报警装置", "有", "yes", "")]
    rows = [["被检查单位", "泽州县福源化工有限公司", "检查时间", "2023年5月9日"],
            ["检查人", "张伟、刘洋", None, None],
            ["序号", "检查内容", "检查结果", "存在问题"]]
    rows += [[str(i), t, r, p] for i, (t, r, _, p) in enumerate(items, 1)]
    docx_table(d, rows)
    p = out / "福源化工-安全检查表.docx"
    d.save(p)
    return {"file": p.name, "records": [{
        "form_type": "checklist", "header": {},
        "data": {"enterprise": "泽州县福源化工有限公司", "check_date": "2023-05-09", "inspectors": ["张伟", "刘洋"],
                 "items": [{"no": i, "category": None, "content": t, "result": m, "problem": p or None}
                           for i, (t, _, m, p) in enumerate(items, 1)]}}]}


@case
def checklist_answer_in_item_xlsx(out: Path) -> dict:
    """检查表 sheet with no result column: each item ends in its answer (…？否), problems in 备注."""
    wb = Workbook()
    ws = wb.active
    items = [("行车吊钩防脱钩装置是否完好？否", "行车吊钩防脱钩装置损坏", "no"), ("熔炼炉冷却水是否设断水报警？否",
             "中频炉冷却水系统未设置断水报警", "no"), ("作业人员是否持证上岗？是", None, "yes")]
    sheet_rows(ws, [["铸造企业专项检查表", None, None], ["被检查单位：泽州县金鼎铸造有限公司", None, None],
                    ["检查日期：2023年5月6日", None, None], ["序号", "检查内容", "存在问题"]]
               + [[i, t, p] for i, (t, p, _) in enumerate(items, 1)])
    for rng in ("A1:C1", "A2:C2", "A3:C3"):
        ws.merge_cells(rng)
    p = out / "金鼎铸造-专项检查表.xlsx"
    wb.save(p)
    return {"file": p.name, "records": [{
        "form_type": "checklist", "header": {},
        "data": {"enterprise": "泽州县金鼎铸造有限公司", "check_date": "2023-05-06",
                 "items": [{"no": i, "category": None, "content": t.rsplit("？", 1)[0], "result": m, "problem": p}
                           for i, (t, p, m) in enumerate(items, 1)]}}]}


def build(out: Path) -> list[dict]:
    return build_cases(CASES, out)


if __name__ == "__main__":
    for c in build(Path(sys.argv[1] if len(sys.argv) > 1 else "heldout_reg_out")):
        print(c["file"])
