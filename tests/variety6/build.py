"""A sixth round of PDF returns (brief S5, issue 13): PDFs as other offices' tools make them — Word
and Excel files printed to PDF by LibreOffice — with the habits that lose rows: horizontal rules
only, no rules at all, a 3-4-line cell on a page's last row, a borderless Word table after prose,
narrow count columns whose labels wrap, a header repeated on every page (or not) over two or three
pages, a 填表日期 line alone above the grid, merged header cells, cells with line breaks, footers
with page numbers, Excel's printed gridlines, landscape pages saved rotated. A tune set: written
before parsers/readers/pdf.py was changed for it. The source of each PDF is kept beside it so a wrong
expectation shows up as a source that does not read right either.

`build(out)` writes the files and returns the cases as in tests/variety/build.py.

    .venv/bin/python tests/variety6/build.py OUTDIR
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Side

if __name__ == "__main__":          # run as a script: the repo root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.variety.build import build_cases, new_docx, repeat_header
from tests.variety2.build import sheet_rows

CASES: list = []
THIN = Side(style="thin")


def pdf_case(fn):
    """A case whose builder writes a source file and returns (source name, records[, options]); the
    case's file is the source converted to PDF (options: rotate — every page saved turned by 90°)."""
    def wrapped(out: Path) -> dict:
        src, records, *opts = fn(out)
        return {"file": Path(src).stem + ".pdf", "convert": ("pdf", src), "source": src, "records": records,
                **(opts[0] if opts else {})}
    wrapped.__name__ = fn.__name__
    wrapped.__doc__ = fn.__doc__
    CASES.append(wrapped)
    return wrapped


# --- how the tools lay pages out ---------------------------------------------------------------------

def page_setup(ws, widths: list[float], landscape: bool = False, repeat: str | None = None,
               wrap: bool = False, gridlines: bool = False) -> None:
    """Column widths, orientation, rows repeated on every page, wrapping, printed gridlines."""
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.gridLines = gridlines
    if repeat:
        ws.print_title_rows = repeat
    if wrap:
        for row in ws.iter_rows():
            for c in row:
                c.alignment = Alignment(wrap_text=True, vertical="center")


def row_heights(ws, first: int, last: int, height: float) -> None:
    for r in range(first, last + 1):
        ws.row_dimensions[r].height = height


def sheet_borders(ws, first: int, last: int, n_cols: int, horizontal_only: bool = False) -> None:
    """Thin borders round every cell of rows first..last, or only rules between the rows."""
    for r in range(first, last + 1):
        for c in range(1, n_cols + 1):
            ws.cell(r, c).border = (Border(top=THIN, bottom=THIN) if horizontal_only
                                    else Border(top=THIN, bottom=THIN, left=THIN, right=THIN))


def excel_footer(ws) -> None:
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def word_borders(table, sides: tuple[str, ...]) -> None:
    """The table's borders: single lines on `sides` (top, bottom, left, right, insideH, insideV),
    none elsewhere (a table without a style has none)."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single" if side in sides else "nil")
        if side in sides:
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)


def word_table(d, rows: list[list], sides: tuple[str, ...] = (), style: str | None = None, repeat: int = 0,
               size: float | None = None):
    """A table of these rows (a cell's "\\n" a line break inside it); `repeat` header rows printed on
    every page."""
    t = d.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    if style:
        t.style = style
    else:
        word_borders(t, sides)
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is None:
                continue
            p = t.cell(r, c).paragraphs[0]
            for k, part in enumerate(str(v).split("\n")):
                run = p.add_run(part)
                if k < len(str(v).split("\n")) - 1:
                    run.add_break()
                if size:
                    run.font.size = Pt(size)
    for r in range(repeat):
        repeat_header(t.rows[r])
    return t


def word_landscape(d) -> None:
    s = d.sections[0]
    s.orientation = WD_ORIENT.LANDSCAPE
    s.page_width, s.page_height = s.page_height, s.page_width
    s.left_margin = s.right_margin = Cm(2)


def word_page_footer(d, total: bool = True) -> None:
    """A centred footer 第 N 页（共 M 页） as Word writes it: PAGE / NUMPAGES fields."""
    p = d.sections[0].footer.paragraphs[0]
    p.alignment = 1
    parts = ["第 ", "PAGE", " 页"] + (["，共 ", "NUMPAGES", " 页"] if total else [])
    for part in parts:
        if part in ("PAGE", "NUMPAGES"):
            fld = OxmlElement("w:fldSimple")
            fld.set(qn("w:instr"), part)
            r = OxmlElement("w:r")
            t = OxmlElement("w:t")
            t.text = "1"
            r.append(t)
            fld.append(r)
            p._p.append(fld)
        else:
            p.add_run(part)


def rotate_pdf(path: Path, degrees: int = 90) -> None:
    """Every page of the PDF saved turned (/Rotate), as a viewer's 'rotate and save' leaves it."""
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(path))
    for i in range(len(pdf)):
        pdf[i].set_rotation(degrees)
    tmp = path.with_suffix(".tmp.pdf")
    pdf.save(str(tmp))
    pdf.close()
    tmp.replace(path)


def date_text(iso: str, style: int) -> str:
    y, m, d = iso.split("-")
    return [iso, f"{y}年{int(m)}月{int(d)}日", f"{y}.{int(m)}.{int(d)}", f"{y}/{int(m)}/{int(d)}"][style % 4]


# --- data ------------------------------------------------------------------------------------------

ENTERPRISES = ["泽州县金泰建材有限公司", "泽州县巴公镇宏达机械厂", "泽州县晋庙铺顺心物流有限公司", "泽州县南村镇鑫源石材厂",
               "泽州县大东沟镇兴旺养殖场", "泽州县高都镇恒通加油站", "泽州县下村镇福兴酒店", "泽州县周村镇利民超市",
               "泽州县北义城镇天宝冶炼有限公司"]
PROBLEMS = [  # location, description, type, level, measures, responsible
    ("生产车间", "冲压机双手按钮失效", "设备设施", "一般隐患", "修复双手按钮", "李建国"),
    ("配电室", "配电室未配置绝缘垫", "设备设施", "一般隐患", "配置绝缘垫和绝缘手套", "王强"),
    ("油罐区", "油罐区静电接地装置未检测", "设备设施", "重大隐患", "委托检测静电接地", "赵志刚"),
    ("厨房", "燃气管道未安装泄漏报警器", "设备设施", "重大隐患", "安装可燃气体报警器", "张敏"),
    ("仓库", "仓库内货物超高堆放", "现场管理", "一般隐患", "降低堆放高度", "刘伟"),
    ("办公楼", "应急照明灯损坏", "消防安全", "一般隐患", "更换应急照明灯", "陈红"),
    ("宿舍", "员工宿舍私拉乱接电线", "用电安全", "一般隐患", "拆除私拉电线", "杨帆"),
    ("装卸区", "叉车司机无证驾驶", "人员管理", "一般隐患", "安排持证人员驾驶", "周涛"),
    ("熔炼车间", "熔炼炉周边有积水", "现场管理", "重大隐患", "清除积水设置围堰", "吴军"),
    ("安全管理", "未制定年度安全培训计划", "安全管理", "一般隐患", "制定培训计划", "郑丽"),
    ("消防水泵房", "消防水泵不能自动启动", "消防安全", "一般隐患", "维修消防水泵控制柜", "孙斌"),
]
STATUSES = ["已整改", "整改中", "未整改", "已验收", "逾期未整改"]
LONG = ["，企业虽已制定整改方案，但资金未落实到位，整改工作进展缓慢，存在较大安全风险，需持续跟踪督办",
        "，经现场核查，该问题在上次检查中已经指出，企业未按期整改，已约谈企业主要负责人", ""]


def hazards(n: int, seed: int = 0, long: bool = False) -> list[dict]:
    """n register rows with every column a register may have."""
    out = []
    for i in range(1, n + 1):
        k = i + seed
        loc, desc, typ, level, measures, who = PROBLEMS[k % len(PROBLEMS)]
        if long:
            desc += LONG[k % len(LONG)]
        out.append({"seq": i, "enterprise": ENTERPRISES[(k * 4) % len(ENTERPRISES)], "location": loc,
                    "description": desc, "type": typ, "level": level, "measures": measures, "responsible": who,
                    "deadline": f"2023-{5 + k % 4:02d}-{1 + (k * 5) % 28:02d}", "status": STATUSES[k % len(STATUSES)]})
    return out


REG_COLS = [("seq", "序号"), ("enterprise", "企业名称"), ("location", "隐患部位"), ("description", "隐患描述"),
            ("type", "隐患类型"), ("level", "隐患等级"), ("measures", "整改措施"), ("responsible", "责任人"),
            ("deadline", "整改期限"), ("status", "整改状态")]


def reg_table(rows: list[dict], keys: list[str]) -> list[list]:
    """Header and body rows of a register with these columns."""
    label = dict(REG_COLS)
    body = [[date_text(r[k], r["seq"]) if k == "deadline" else r[k] for k in keys] for r in rows]
    return [[label[k] for k in keys]] + body


def reg_records(unit: str | None, date: str | None, rows: list[dict], keys: list[str], **header) -> list[dict]:
    head = {k: v for k, v in (("reporting_unit", unit), ("fill_date", date)) if v}
    return [{"form_type": "hazard_register", "header": {**head, **header},
             "data": {"rows": [{k: r[k] for k in keys} for r in rows]}}]


STATS_KEYS = ["inspection_groups", "inspectors", "units_inspected", "general_hazards_found", "general_hazards_fixed",
              "major_hazards_found", "major_hazards_fixed", "enforcement_documents", "suspended", "fines_wan",
              "licenses_revoked", "closed"]
STATS_LEAVES = ["派出检查组数（组）", "派出检查组人数（人）", "被检查单位（家）", "一般隐患排查（项）", "一般隐患整改（项）",
                "重大隐患排查（项）", "重大隐患整改（项）", "下达执法文书（份）", "停产整顿（家）", "行政处罚款（万元）",
                "暂扣吊销证照（个）", "关闭取缔（家）"]
UNITS = ["巴公镇", "北义城镇", "南村镇", "大东沟镇", "高都镇", "晋庙铺镇", "下村镇", "周村镇", "川底乡", "柳树口镇",
         "山河镇", "李寨乡", "金村镇", "大阳镇", "犁川镇", "南岭乡", "县应急局", "县住建局", "县交通局", "县市场监管局"]


def stats_values(k: int) -> list:
    found = 8 + (k * 9) % 27
    major = (k + 1) % 3
    return [1 + k % 5, 4 + (k * 3) % 17, 9 + (k * 13) % 37, found, found - k % 3, major,
            major - (k % 2 if major else 0), k % 6, k % 3 == 0 and 1 or 0, round(0.3 * (k % 8), 1),
            k % 4 == 1 and 1 or 0, 0]


def stats_records(unit: str, period: str, units: list[str]) -> list[dict]:
    rows = [{"unit": u, **dict(zip(STATS_KEYS, stats_values(k)))} for k, u in enumerate(units, 1)]
    return [{"form_type": "inspection_stats", "header": {"reporting_unit": unit, "period": period},
             "data": {"rows": rows}}]


# --- 1. registers ------------------------------------------------------------------------------------

@pdf_case
def register_word_horizontal_rules_three_pages(out: Path):
    """A Word 隐患台账 with rules between the rows only (no vertical lines), landscape, three pages,
    the header row repeated on each page, a footer with page numbers."""
    keys = ["seq", "enterprise", "location", "description", "level", "measures", "responsible", "deadline"]
    rows = hazards(26, seed=2)
    d = new_docx()
    word_landscape(d)
    d.add_paragraph("隐患排查治理台账")
    d.add_paragraph("填报单位：巴公镇人民政府                        填报日期：2023年5月10日")
    word_table(d, reg_table(rows, keys), sides=("top", "bottom", "insideH"), repeat=1)
    word_page_footer(d)
    src = "台账-Word横线-三页.docx"
    d.save(out / src)
    return src, reg_records("巴公镇人民政府", "2023-05-10", rows, keys)


@pdf_case
def register_excel_no_rules_three_pages(out: Path):
    """汇总清单 from Excel without any rules, portrait, over three pages, the header not repeated,
    page numbers in the footer."""
    keys = ["seq", "enterprise", "description", "type", "level", "measures", "deadline", "status"]
    rows = hazards(110, seed=4)
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["隐患排查治理汇总清单"], ["填报单位：北义城镇安监站", None, None, None, None, "填报日期：2023年6月2日"]]
               + reg_table(rows, keys))
    page_setup(ws, [5, 27, 24, 9, 9, 18, 11, 9])
    row_heights(ws, 4, 3 + len(rows), 26)
    excel_footer(ws)
    src = "汇总清单-无线-三页.xlsx"
    wb.save(out / src)
    return src, reg_records("北义城镇安监站", "2023-06-02", rows, keys)


@pdf_case
def register_long_cells_page_foot(out: Path):
    """隐患台账 whose descriptions wrap to three or four lines and whose measures hold line breaks
    (Alt+Enter), no rules, tall rows, over pages with the header repeated: rows with long cells sit
    at the foot of the pages."""
    keys = ["seq", "enterprise", "description", "level", "measures", "deadline", "status"]
    rows = hazards(22, seed=6, long=True)
    for r in rows:
        r["measures"] = r["measures"] + "\n" + "责任人：" + r["responsible"]     # Alt+Enter
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["隐患排查治理台账"], ["填报单位：南村镇人民政府", None, None, None, "填报日期：2023年5月22日"]]
               + reg_table(rows, keys))
    page_setup(ws, [5, 15, 30, 9, 18, 11, 9], repeat="3:3", wrap=True)
    row_heights(ws, 4, 3 + len(rows), 70)
    for c in (ws.cell(1, 1), ws.cell(2, 1), ws.cell(2, 5)):
        c.alignment = Alignment(wrap_text=False)
    src = "台账-长单元格-页脚行.xlsx"
    wb.save(out / src)
    for r in rows:          # a cell's line break is read as the line running on (as from the .xlsx)
        r["measures"] = r["measures"].replace("\n", "")
    return src, reg_records("南村镇人民政府", "2023-05-22", rows, keys)


@pdf_case
def register_borderless_word_after_prose(out: Path):
    """A Word report: title, 填报单位 line, two paragraphs of prose, then a table without borders,
    a closing line and the filler's line under it, a page-number footer."""
    keys = ["seq", "enterprise", "description", "level", "measures", "deadline"]
    rows = hazards(12, seed=8)
    d = new_docx()
    d.add_paragraph("大东沟镇隐患排查治理台账")
    d.add_paragraph("填报单位：大东沟镇人民政府            填报日期：2023年5月6日")
    d.add_paragraph("按照县安委会统一部署，我镇于4月中旬至5月初组织开展了安全生产隐患大排查，共检查企业32家，"
                    "发现一般隐患若干项、重大隐患若干项，均已建立台账，明确整改措施、责任人和整改期限。")
    d.add_paragraph("现将隐患排查治理情况汇总如下，请审阅。")
    word_table(d, reg_table(rows, keys))
    d.add_paragraph("以上隐患已全部下达整改通知书。")
    d.add_paragraph("填报人：郭晓燕        联系电话：13903561234")
    word_page_footer(d, total=False)
    src = "台账-正文后无框线表.docx"
    d.save(out / src)
    return src, reg_records("大东沟镇人民政府", "2023-05-06", rows, keys, filler="郭晓燕",
                            contact_phone="13903561234")


@pdf_case
def register_printed_gridlines(out: Path):
    """隐患清单 printed from Excel with the sheet's gridlines on (no cell borders): thin lines drawn by
    the printer round every cell, two pages."""
    keys = ["seq", "enterprise", "location", "description", "level", "responsible", "deadline", "status"]
    rows = hazards(48, seed=1)
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["隐患排查治理清单"], ["填报单位：高都镇安全生产办公室", None, None, None, None, "填报日期：2023年4月28日"]]
               + reg_table(rows, keys))
    page_setup(ws, [5, 26, 10, 24, 9, 8, 11, 9], gridlines=True)
    row_heights(ws, 4, 3 + len(rows), 30)
    src = "隐患清单-打印网格线.xlsx"
    wb.save(out / src)
    return src, reg_records("高都镇安全生产办公室", "2023-04-28", rows, keys)


# --- 2. 统计表 ---------------------------------------------------------------------------------------

@pdf_case
def stats_word_narrow_columns_borderless(out: Path):
    """A Word 统计表 without borders in landscape: twelve narrow count columns whose labels (with
    their units) wrap over three or four lines."""
    units = UNITS[:9]
    d = new_docx()
    word_landscape(d)
    d.add_paragraph("安全检查督导情况统计表")
    d.add_paragraph("填报单位：泽州县安委办                统计时间：2023年5月")
    t = word_table(d, [["单位名称"] + STATS_LEAVES] + [[u] + stats_values(k) for k, u in enumerate(units, 1)], size=9)
    t.autofit = False
    for row in t.rows:
        row.cells[0].width = Cm(3.2)
        for c in row.cells[1:]:
            c.width = Cm(1.45)
    src = "督导统计表-Word窄列无框线.docx"
    d.save(out / src)
    return src, stats_records("泽州县安委办", "2023-05", units)


@pdf_case
def stats_two_pages_merged_header_repeated(out: Path):
    """督导情况统计表 with a two-level header (检查工作开展情况 / 查处违法行为情况 merged over their
    columns, 一般隐患 / 重大隐患 over 排查 / 整改), twenty units over two pages, the header rows
    repeated on page 2, horizontal rules only."""
    units = UNITS
    head = [["单位名称", "检查工作开展情况", None, None, None, None, None, None, "查处违法行为情况", None, None, None, None],
            [None, "派出检查组数（组）", "派出检查组人数（人）", "被检查单位（家）", "一般隐患", None, "重大隐患", None,
             "下达执法文书（份）", "停产整顿（家）", "行政处罚款（万元）", "暂扣吊销证照（个）", "关闭取缔（家）"],
            [None, None, None, None, "排查（项）", "整改（项）", "排查（项）", "整改（项）", None, None, None, None, None]]
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["安全检查督导情况统计表"], ["填报单位：泽州县安委会办公室", None, None, None, None, None, None, None,
                                       None, "统计时间：2023年6月"]] + head
               + [[u] + stats_values(k) for k, u in enumerate(units, 1)])
    for rng in ("A3:A5", "B3:H3", "I3:M3", "B4:B5", "C4:C5", "D4:D5", "E4:F4", "G4:H4", "I4:I5", "J4:J5", "K4:K5",
                "L4:L5", "M4:M5"):
        ws.merge_cells(rng)
    page_setup(ws, [14] + [6] * 12, repeat="3:5")
    for row in ws.iter_rows(min_row=3):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    row_heights(ws, 3, 5, 30)           # tall enough for every wrapped label to be printed whole
    row_heights(ws, 6, 5 + len(units), 75)
    sheet_borders(ws, 3, 5 + len(units), 13, horizontal_only=True)
    src = "督导统计表-两级表头-两页.xlsx"
    wb.save(out / src)
    return src, stats_records("泽州县安委会办公室", "2023-06", units)


CAMPAIGN_KEYS = ["inspection_groups", "general_hazards_found", "general_hazards_fixed", "major_hazards_found",
                 "major_hazards_fixed", "fines_wan", "suspended", "closed"]


@pdf_case
def campaign_word_merged_header(out: Path):
    """大排查大整治统计表 in Word with a grid of borders and merged header cells (集中行动开展情况 over
    一般隐患 / 重大隐患 over 排查 / 整改; 执法情况 over its columns), landscape."""
    towns = UNITS[:10]
    vals = [[1 + k % 4, 10 + k * 3, 9 + k * 3 - k % 2, k % 3, k % 3 - (k % 3 == 2), round(0.4 * (k % 5), 1), k % 2,
             k % 4 == 3 and 1 or 0] for k in range(len(towns))]
    d = new_docx()
    word_landscape(d)
    d.add_paragraph("安全生产大排查大整治行动统计表")
    d.add_paragraph("填报单位：泽州县安委办            填报日期：2023年5月31日")
    head = [["单位", "检查组（个）", "集中行动开展情况", None, None, None, "执法情况", None, None],
            [None, None, "一般隐患", None, "重大隐患", None, "行政罚款（万）", "停产整顿（家）", "关闭取缔（家）"],
            [None, None, "排查（项）", "整改（项）", "排查（项）", "整改（项）", None, None, None]]
    t = word_table(d, head + [[u] + v for u, v in zip(towns, vals)], style="Table Grid")
    for (r0, c0), (r1, c1) in [((0, 0), (2, 0)), ((0, 1), (2, 1)), ((0, 2), (0, 5)), ((0, 6), (0, 8)),
                               ((1, 2), (1, 3)), ((1, 4), (1, 5)), ((1, 6), (2, 6)), ((1, 7), (2, 7)),
                               ((1, 8), (2, 8))]:
        text = t.cell(r0, c0).text
        m = t.cell(r0, c0).merge(t.cell(r1, c1))
        m.text = text
    src = "大排查统计表-Word合并表头.docx"
    d.save(out / src)
    return src, [{"form_type": "campaign_stats", "header": {"reporting_unit": "泽州县安委办", "fill_date": "2023-05-31"},
                  "data": {"rows": [{"unit": u, **dict(zip(CAMPAIGN_KEYS, v))} for u, v in zip(towns, vals)]}}]


# --- 3. 自查表 / 检查表 --------------------------------------------------------------------------------

ITEMS = [("安全管理", "是否建立全员安全生产责任制"), ("安全管理", "是否按规定设置安全生产管理机构或配备安全管理人员"),
         ("安全管理", "主要负责人和安全管理人员是否经考核合格"), ("安全管理", "是否制定生产安全事故应急救援预案"),
         ("教育培训", "新员工是否经过三级安全教育"), ("教育培训", "特种作业人员是否持证上岗"),
         ("作业场所", "安全出口、疏散通道是否畅通"), ("作业场所", "作业场所是否设置安全警示标志"),
         ("作业场所", "有限空间作业是否执行先通风、再检测、后作业"), ("设备设施", "设备的安全防护装置是否齐全有效"),
         ("设备设施", "特种设备是否定期检验"), ("设备设施", "电气线路是否穿管保护"),
         ("消防安全", "灭火器材是否配备齐全并在有效期内"), ("消防安全", "消防设施是否定期维护保养"),
         ("消防安全", "消防通道是否保持畅通"), ("危险物品", "危险化学品是否专库专人管理"),
         ("危险物品", "气瓶是否分类存放并有防倾倒措施"), ("职业健康", "从业人员是否按规定佩戴劳动防护用品"),
         ("职业健康", "是否定期进行职业病危害因素检测"), ("外包管理", "是否与承包单位签订安全生产管理协议"),
         ("外包管理", "是否对外包作业进行现场安全管理"), ("事故管理", "是否按规定报告生产安全事故")]
MARKS = [("是", "yes"), ("是", "yes"), ("否", "no"), ("是", "yes"), ("√", "yes"), ("×", "no")]


@pdf_case
def self_check_date_alone_word(out: Path):
    """A Word 自查表: title, the enterprise on a label line, 填表日期 alone on its own right-aligned
    line, then a table without borders of 序号 | 检查项目 | 检查内容 | 自查结果 over two pages."""
    items = ITEMS
    d = new_docx()
    d.add_paragraph("生产经营单位安全隐患自查表")
    d.add_paragraph("企业名称：泽州县金泰建材有限公司")
    p = d.add_paragraph("填表日期：2023年5月15日")
    p.alignment = 2
    rows = [["序号", "检查项目", "检查内容", "自查结果"]]
    rows += [[i, cat, t, MARKS[i % len(MARKS)][0]] for i, (cat, t) in enumerate(items, 1)]
    t = word_table(d, rows)
    for row in t.rows:
        for c, w in zip(row.cells, (1.2, 2.4, 9.5, 2.0)):
            c.width = Cm(w)
    for row in t.rows[1:]:
        row.height = Cm(1.3)
    src = "自查表-日期单独一行.docx"
    d.save(out / src)
    return src, [{"form_type": "self_check", "header": {"fill_date": "2023-05-15"},
                  "data": {"enterprise": {"name": "泽州县金泰建材有限公司"},
                           "items": [{"no": i, "category": cat, "content": t, "self_result": MARKS[i % len(MARKS)][1]}
                                     for i, (cat, t) in enumerate(items, 1)]}}]


CHECK = [("安全管理", "安全生产责任制是否落实到岗位", "√", None), ("安全管理", "安全投入是否满足需要", "×", "未提取安全生产费用"),
         ("教育培训", "员工培训档案是否齐全", "×", "2名新员工无培训记录"), ("教育培训", "应急演练是否按计划开展", "√", None),
         ("设备设施", "砂轮机防护罩是否完好", "×", "砂轮机防护罩缺失\n已当场责令停用"), ("设备设施", "行车限位器是否有效", "√", None),
         ("用电安全", "配电柜前是否铺设绝缘垫", "√", None), ("用电安全", "移动电具是否使用漏电保护器", "×", "焊机未接漏电保护器"),
         ("消防安全", "消防栓是否被遮挡", "√", None), ("消防安全", "仓库是否使用防爆灯", "×", "仓库使用普通白炽灯"),
         ("现场管理", "通道是否划线并保持畅通", "√", None), ("现场管理", "物料是否定置摆放", "√", None),
         ("危化品", "油漆稀料是否专柜存放", "×", "稀料放在车间内\n未设专柜"), ("危化品", "是否有安全技术说明书", "√", None)]


@pdf_case
def checklist_rotated_landscape(out: Path):
    """企业安全检查表 with a grid of borders in landscape, cells with line breaks, the PDF's pages
    saved rotated (/Rotate 90) as a viewer's 'rotate and save' leaves them."""
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["企业安全检查表"], ["被检查单位：泽州县巴公镇宏达机械厂", None, "检查日期：2023年6月8日"],
                    ["检查项目", "检查内容", "检查结果", "存在问题"]] + [list(x) for x in CHECK])
    sheet_borders(ws, 3, 3 + len(CHECK), 4)
    page_setup(ws, [16, 40, 12, 36], landscape=True, wrap=True)
    row_heights(ws, 4, 3 + len(CHECK), 30)
    for c in (ws.cell(1, 1), ws.cell(2, 1), ws.cell(2, 3)):
        c.alignment = Alignment(wrap_text=False)
    src = "安全检查表-横向旋转.xlsx"
    wb.save(out / src)
    return src, [{"form_type": "checklist", "header": {},
                  "data": {"enterprise": "泽州县巴公镇宏达机械厂", "check_date": "2023-06-08",
                           "items": [{"no": None, "category": c, "content": t, "result": "yes" if m == "√" else "no",
                                      "problem": p and p.replace("\n", "")} for c, t, m, p in CHECK]}}], {"rotate": 90}


# --- 4. 重大隐患统计表, 摸底登记表 -----------------------------------------------------------------------

@pdf_case
def major_hazards_word_three_pages_no_repeat(out: Path):
    """重大隐患统计表 in Word with a full grid, landscape, 45 rows over three pages without a
    repeated header, a footer 第 N 页，共 M 页."""
    rows = []
    for i in range(1, 46):
        loc, desc, _, _, measures, _ = PROBLEMS[i % len(PROBLEMS)]
        rows.append({"seq": i, "enterprise": ENTERPRISES[(i * 2) % len(ENTERPRISES)], "checking_unit": "泽州县应急管理局",
                     "town": UNITS[i % 12], "category": ["工贸", "危化", "商贸", "建筑"][i % 4], "description": desc,
                     "action": measures})
    head = ["序号", "生产经营单位名称", "核查单位", "所在镇（街道）", "企业类别", "重大隐患", "处理措施"]
    keys = ["seq", "enterprise", "checking_unit", "town", "category", "description", "action"]
    d = new_docx()
    word_landscape(d)
    d.add_paragraph("重大隐患统计表")
    word_table(d, [head] + [[r[k] for k in keys] for r in rows], style="Table Grid")
    word_page_footer(d)
    src = "重大隐患统计表-Word三页.docx"
    d.save(out / src)
    return src, [{"form_type": "major_hazard_list", "header": {}, "data": {"rows": rows}}]


@pdf_case
def dispatch_no_rules_footer(out: Path):
    """调度表 as a 指标 | 数值 sheet without rules, long indicator labels wrapping onto a second line,
    a page-number footer."""
    lines = [("一、总体情况", None, None), ("企业自查发现的重大事故隐患（个）", 9, "self_found"),
             ("企业自查发现重大事故隐患中已完成整改的（个）", 7, "self_fixed"), ("执法检查发现的重大事故隐患（个）", 4, "enforcement_found"),
             ("执法检查发现重大事故隐患中已完成整改的（个）", 4, "enforcement_fixed"),
             ("二、对企业自查自改进行抽查检查情况", None, None), ("抽查检查的企业总数（家）", 15, "spot_checked"),
             ("企业主要负责人未带队检查（家）", 3, "head_not_leading"), ("外包外租安全管理混乱（家）", 2, "outsourcing_disorder"),
             ("三、部门精准严格执法情况", None, None), ("帮扶指导重点村（个次）", 6, "guided_villages"),
             ("帮扶指导重点企业（家次）", 11, "guided_enterprises")]
    wb = Workbook()
    ws = wb.active
    sheet_rows(ws, [["重大事故隐患专项排查整治行动进展情况调度表"], ["村（社区）：西沟村", "时间：2023年7月3日"], ["指标", "数值"]]
               + [[a, b] for a, b, _ in lines])
    page_setup(ws, [30, 12], wrap=True)
    ws.cell(1, 1).alignment = Alignment(wrap_text=False)
    excel_footer(ws)
    src = "调度表-无线-页码.xlsx"
    wb.save(out / src)
    return src, [{"form_type": "progress_dispatch", "header": {"village": "西沟村", "period": "2023-07-03"},
                  "data": {k: v for _, v, k in lines if k}}]


def build(out: Path, case_fns: list | None = None) -> list[dict]:
    """Write every return (of CASES, or of `case_fns`) and its PDF into `out`, rotated where a case
    asks; returns the cases."""
    cases = build_cases(CASES if case_fns is None else case_fns, out)
    for c in cases:
        if c.get("rotate"):
            rotate_pdf(out / c["file"], c["rotate"])
    return cases


if __name__ == "__main__":
    for c in build(Path(sys.argv[1] if len(sys.argv) > 1 else "variety6_out")):
        print(c["file"])
