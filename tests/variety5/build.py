"""A fifth round of registers and checklists (built with python-docx / openpyxl, never with
generators/forms.py) showing what field returns do that the fourth round did not (issue 13): the
enterprise named in a merged sheet row above the grid, answers only in a 备注 column, an answer typed
after a space inside the item, items asked with 未 / 无 / 不 (是否未经审批: 是 says the fault exists),
duplicate rows, 合计 / 小计 rows written as text across the sheet, a header of three rows with merged
parents. A tune set: the rules fixed for it must generalise (tests/heldout_reg2 is never tuned on).

`build(out)` writes the files and returns the cases, as tests/variety/build.py: {"file", "records": [...]}.

    .venv/bin/python tests/variety5/build.py OUTDIR
"""
from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook

if __name__ == "__main__":          # run as a script: the repo root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.variety.build import build_cases, docx_table, merge_down, new_docx
from tests.variety2.build import sheet_rows

CASES: list = []


def case(fn):
    CASES.append(fn)
    return fn


HAZARDS = [  # location, description, level, measures, deadline, status
    ("锅炉房", "锅炉安全阀未定期校验", "一般隐患", "送检安全阀", "2023-06-10", "整改中"),
    ("仓库", "消防通道堆放杂物", "一般隐患", "清理杂物", "2023-06-05", "已整改"),
    ("配电室", "配电室无挡鼠板", "一般隐患", "加装挡鼠板", "2023-06-08", "已整改"),
    ("液氨罐区", "液氨储罐未设置紧急切断装置", "重大隐患", "加装紧急切断装置", "2023-07-01", "未整改"),
]
ENTERPRISE = "晋城市城区金鼎化工有限公司"


def _rows(hazards=HAZARDS, keys=("location", "description", "level", "measures", "deadline", "status"), seq=True):
    return [({"seq": i} if seq else {}) | dict(zip(keys, h)) for i, h in enumerate(hazards, 1)]


@case
def enterprise_merged_row_xlsx(out: Path) -> dict:
    """An enterprise's 隐患台账: the title, then 企业名称：… in one merged row above a grid with no
    企业名称 column."""
    wb = Workbook()
    ws = wb.active
    ws.title = "隐患台账"
    head = ["序号", "隐患部位", "隐患描述", "隐患等级", "整改措施", "整改期限", "整改状态"]
    sheet_rows(ws, [["隐患排查治理台账"] + [None] * 6, [f"企业名称：{ENTERPRISE}"] + [None] * 6, head]
               + [[i, *h] for i, h in enumerate(HAZARDS, 1)])
    ws.merge_cells("A1:G1")
    ws.merge_cells("A2:G2")
    f = out / "隐患台账-金鼎化工-企业名称合并行.xlsx"
    wb.save(f)
    return {"file": f.name, "records": [{"form_type": "hazard_register", "header": {"enterprise": ENTERPRISE},
                                         "data": {"rows": _rows()}}]}


@case
def checklist_enterprise_merged_row_xlsx(out: Path) -> dict:
    """A 安全检查表 sheet whose 被检查单位 and 检查日期 share one merged row above the grid."""
    wb = Workbook()
    ws = wb.active
    items = [("安全出口、疏散通道是否畅通", "是", "yes"), ("灭火器是否在有效期内", "否", "no"),
             ("特种作业人员是否持证上岗", "是", "yes")]
    sheet_rows(ws, [["安全检查表", None, None], [f"被检查单位：{ENTERPRISE}      检查日期：2023年5月6日", None, None],
                    ["序号", "检查内容", "检查结果"]] + [[i, t, a] for i, (t, a, _) in enumerate(items, 1)])
    ws.merge_cells("A1:C1")
    ws.merge_cells("A2:C2")
    f = out / "安全检查表-金鼎化工-合并行.xlsx"
    wb.save(f)
    return {"file": f.name, "records": [{"form_type": "checklist", "header": {},
                                         "data": {"enterprise": ENTERPRISE, "check_date": "2023-05-06",
                                                  "items": [{"no": i, "category": None, "content": t, "result": m}
                                                            for i, (t, _, m) in enumerate(items, 1)]}}]}


@case
def checklist_answers_in_remarks_xlsx(out: Path) -> dict:
    """A checklist with no result column: the answers (符合 / 不符合 / 是 / 否) written in 备注."""
    wb = Workbook()
    ws = wb.active
    items = [("安全管理", "是否建立安全生产责任制", "是", "yes"), ("安全管理", "是否开展安全教育培训", "否", "no"),
             ("消防安全", "消防设施是否完好有效", "符合", "yes"), ("消防安全", "应急照明是否正常", "不符合", "no")]
    sheet_rows(ws, [["企业安全生产检查表", None, None, None], [f"被检查单位：{ENTERPRISE}", None, None, None],
                    ["序号", "检查项目", "检查内容", "备注"]] + [[i, c, t, a] for i, (c, t, a, _) in enumerate(items, 1)])
    ws.merge_cells("A1:D1")
    ws.merge_cells("A2:D2")
    f = out / "检查表-答在备注栏.xlsx"
    wb.save(f)
    return {"file": f.name, "records": [{"form_type": "checklist", "header": {},
                                         "data": {"enterprise": ENTERPRISE,
                                                  "items": [{"no": i, "category": c, "content": t, "result": m}
                                                            for i, (c, t, _, m) in enumerate(items, 1)]}}]}


@case
def checklist_answer_after_space_docx(out: Path) -> dict:
    """Word checklist, no result column: each item ends in its answer after a space (是否设置警示标志 是)."""
    d = new_docx()
    d.add_paragraph("安全检查表")
    items = [("是否设置安全警示标志", "是", "yes"), ("是否配备应急救援器材", "否", "no"),
             ("作业场所通风是否良好", "是", "yes")]
    rows = [["被检查单位", ENTERPRISE, "检查日期", "2023年5月8日"], ["序号", "检查内容", None, None]]
    rows += [[str(i), f"{t} {a}", None, None] for i, (t, a, _) in enumerate(items, 1)]
    docx_table(d, rows)
    f = out / "安全检查表-答在条目后.docx"
    d.save(f)
    return {"file": f.name, "records": [{"form_type": "checklist", "header": {},
                                         "data": {"enterprise": ENTERPRISE, "check_date": "2023-05-08",
                                                  "items": [{"no": i, "category": None, "content": t, "result": m}
                                                            for i, (t, _, m) in enumerate(items, 1)]}}]}


@case
def checklist_negated_items_xlsx(out: Path) -> dict:
    """Items asked with 未 / 无 / 不 right after 是否: 是 says the fault is there."""
    wb = Workbook()
    ws = wb.active
    items = [("是否未经审批进行动火作业", "否", "yes"), ("是否未按规定佩戴劳动防护用品", "是", "no"),
             ("是否不按规定设置防雷设施", "否", "yes"), ("消防控制室是否有人值班", "是", "yes")]
    sheet_rows(ws, [["安全检查表", None, None], [f"被检查单位：{ENTERPRISE}", None, None],
                    ["序号", "检查内容", "检查结果"]] + [[i, t, a] for i, (t, a, _) in enumerate(items, 1)])
    ws.merge_cells("A1:C1")
    ws.merge_cells("A2:C2")
    f = out / "安全检查表-否定问法.xlsx"
    wb.save(f)
    return {"file": f.name, "records": [{"form_type": "checklist", "header": {},
                                         "data": {"enterprise": ENTERPRISE,
                                                  "items": [{"no": i, "category": None, "content": t, "result": m}
                                                            for i, (t, _, m) in enumerate(items, 1)]}}]}


@case
def register_duplicate_rows_xlsx(out: Path) -> dict:
    """A town's 隐患清单 listing one hazard twice (copied rows): both rows kept as written."""
    wb = Workbook()
    ws = wb.active
    head = ["序号", "企业名称", "隐患描述", "隐患等级", "整改措施", "整改期限"]
    hz = [(ENTERPRISE, "锅炉安全阀未定期校验", "一般隐患", "送检安全阀", "2023-06-10"),
          ("晋城市城区永安商贸有限公司", "电动车在楼道内充电", "一般隐患", "设置集中充电点", "2023-06-03"),
          ("晋城市城区永安商贸有限公司", "电动车在楼道内充电", "一般隐患", "设置集中充电点", "2023-06-03")]
    sheet_rows(ws, [["隐患排查治理清单", None, None, None, None, None],
                    ["填报单位：北石店镇", None, None, "填报日期：2023年6月1日", None, None], head]
               + [[i, *h] for i, h in enumerate(hz, 1)])
    ws.merge_cells("A1:F1")
    ws.merge_cells("A2:C2")
    ws.merge_cells("D2:F2")
    f = out / "隐患清单-重复行.xlsx"
    wb.save(f)
    keys = ("enterprise", "description", "level", "measures", "deadline")
    return {"file": f.name, "records": [{"form_type": "hazard_register",
                                         "header": {"reporting_unit": "北石店镇", "fill_date": "2023-06-01"},
                                         "data": {"rows": _rows(hz, keys)}}]}


@case
def register_totals_as_text_xlsx(out: Path) -> dict:
    """小计 rows under each enterprise (小计 in the 企业名称 column, 2项 in 隐患描述) and a 合计 line
    written across the sheet (合计：共4项)."""
    wb = Workbook()
    ws = wb.active
    head = ["序号", "企业名称", "隐患描述", "隐患等级", "整改期限"]
    a = [(ENTERPRISE, "锅炉安全阀未定期校验", "一般隐患", "2023-06-10"), (ENTERPRISE, "配电室无挡鼠板", "一般隐患", "2023-06-08")]
    b = [("晋城市城区永安商贸有限公司", "电动车在楼道内充电", "一般隐患", "2023-06-03"),
         ("晋城市城区永安商贸有限公司", "安全出口锁闭", "重大隐患", "2023-06-02")]
    rows = [["隐患排查治理台账", None, None, None, None], head,
            [1, *a[0]], [2, *a[1]], [None, "小计", "2项", None, None],
            [3, *b[0]], [4, *b[1]], [None, "小计", "2项", None, None],
            ["合计：共4项，其中重大隐患1项", None, None, None, None]]
    sheet_rows(ws, rows)
    ws.merge_cells("A1:E1")
    ws.merge_cells("A9:E9")
    f = out / "隐患台账-小计合计.xlsx"
    wb.save(f)
    keys = ("enterprise", "description", "level", "deadline")
    return {"file": f.name, "records": [{"form_type": "hazard_register", "header": {},
                                         "data": {"rows": _rows(a + b, keys)}}]}


@case
def register_three_row_header_xlsx(out: Path) -> dict:
    """A header of three rows: 隐患信息 over 部位 | 描述 | 隐患分类 (over 类型 | 等级), 整改情况 over
    措施 | 整改责任 (over 责任人 | 期限) | 状态; 序号 and 企业名称 merged down all three."""
    wb = Workbook()
    ws = wb.active
    r1 = ["序号", "企业名称", "隐患信息", None, None, None, "整改情况", None, None, None]
    r2 = [None, None, "隐患部位", "隐患描述", "隐患分类", None, "整改措施", "整改责任", None, "整改状态"]
    r3 = [None, None, None, None, "隐患类型", "隐患等级", None, "责任人", "整改期限", None]
    hz = [(ENTERPRISE, "锅炉房", "锅炉安全阀未定期校验", "设备设施", "一般隐患", "送检安全阀", "张金鼎", "2023-06-10", "整改中"),
          (ENTERPRISE, "液氨罐区", "液氨储罐未设置紧急切断装置", "危险化学品", "重大隐患", "加装紧急切断装置", "张金鼎",
           "2023-07-01", "未整改")]
    sheet_rows(ws, [["隐患排查治理台账"] + [None] * 9, r1, r2, r3] + [[i, *h] for i, h in enumerate(hz, 1)])
    for rng in ("A1:J1", "A2:A4", "B2:B4", "C2:F2", "G2:J2", "C3:C4", "D3:D4", "E3:F3", "G3:G4", "H3:I3", "J3:J4"):
        ws.merge_cells(rng)
    f = out / "隐患台账-三行表头.xlsx"
    wb.save(f)
    keys = ("enterprise", "location", "description", "type", "level", "measures", "responsible", "deadline", "status")
    return {"file": f.name, "records": [{"form_type": "hazard_register", "header": {},
                                         "data": {"rows": _rows(hz, keys)}}]}


@case
def register_docx_enterprise_line_totals(out: Path) -> dict:
    """A Word 隐患台账: 单位名称 typed on a line above the table, a 合计 row at the end (合计 | 共2项)."""
    d = new_docx()
    d.add_paragraph("隐患排查治理台账")
    d.add_paragraph(f"单位名称：{ENTERPRISE}")
    rows = [["序号", "隐患部位", "隐患描述", "整改措施", "整改期限"]]
    rows += [[str(i), h[0], h[1], h[3], h[4]] for i, h in enumerate(HAZARDS[:2], 1)]
    rows += [["合计", "共2项", "", "", ""]]
    docx_table(d, rows, merge_right=False)
    f = out / "隐患台账-单位名称行.docx"
    d.save(f)
    keys = ("location", "description", "level", "measures", "deadline")
    return {"file": f.name, "records": [{"form_type": "hazard_register", "header": {"enterprise": ENTERPRISE},
                                         "data": {"rows": [{"seq": i, "location": h[0], "description": h[1],
                                                            "measures": h[3], "deadline": h[4]}
                                                           for i, h in enumerate(HAZARDS[:2], 1)]}}]}


def build(out: Path) -> list[dict]:
    """Write every return into `out`."""
    return build_cases(CASES, out)


if __name__ == "__main__":
    for c in build(Path(sys.argv[1] if len(sys.argv) > 1 else "variety5_out")):
        print(c["file"])
