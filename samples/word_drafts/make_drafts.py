#!/usr/bin/env python3
"""Build unformatted Word drafts, as a secretary types a notice before 排版.

Everything in Calibri/宋体 at Word's default size, no page layout, a table
with merged cells, some bold, dates with leading zeros and a [2023] 发文字号.
Texts come from the campaign notices in /work/shared/seeds. Also writes a .doc
copy of the first draft through LibreOffice (generators/office.convert).

    .venv/bin/python samples/word_drafts/make_drafts.py [OUTDIR]
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generators.office import convert  # noqa: E402

HERE = Path(__file__).resolve().parent

# Each draft: a list of ("p", text) / ("b", [(text, bold), ...]) / ("table", rows, merges) / ("break",)
FAGAI = [
    ("p", "晋城市城区发展和改革局文件"),
    ("p", "城发改字[2023]15号"),
    ("p", "晋城市城区发展和改革局关于开展安全生产大排查大整治行动的通知"),
    ("p", "各相关企业："),
    ("p", "　　为认真贯彻落实省、市、区领导指示批示和安全生产工作会议精神，进一步夯实安全生产基础，切实保障人民群众生命财产安全，"
          "区发改（能源）局决定开展安全生产大排查大整治行动，现将有关事项通知如下："),
    ("p", "一、目标要求"),
    ("p", "坚持人民至上、生命至上，强化重点行业领域安全生产风险隐患排查整治，切实做到“三紧盯，一闭环”，"
          "形成“排查—整改—回查”全闭环工作流程，做到真排查、真整改、真回查。"),
    ("p", "二、组织领导"),
    ("p", "成立区发改（能源）局安全生产大排查大整治行动领导组，成员如下："),
    ("table", [["职务", "姓名", "单位及职务"],
               ["组长", "冯晓伟", "区委常委、常务副区长"],
               ["副组长", "赵强", "区政府办正科级干部"],
               ["", "杜阳阳", "区发改（能源）局局长"],
               ["成员", "区发改（能源）局工作人员", ""]],
     [(2, 0, 2, 1), (4, 1, 1, 2)]),
    ("p", "领导小组下设办公室，办公室设在区发改局，负责统筹协调，收集汇总上报工作进展情况。"),
    ("p", "三、重点内容"),
    ("b", [("（一）五级联查。", True),
           ("实行区级领导带头查、监管部门重点查、镇（街道）定期查、村（社区）巡回查、企业全面查的“五级联查”工作机制。", False)]),
    ("p", "1.企业全面查：认真落实企业主体责任，企业法定代表人、实际控制人、实际负责人要严格履行安全生产第一责任人责任。"),
    ("p", "2.镇（街道）定期查：各镇（街道）每月至少开展一次全覆盖检查，建立隐患台账。"),
    ("b", [("（二）严格执法。", False),
           ("对排查出的重大事故隐患，", False), ("一律依法责令停产停业整顿", True), ("，做到“零容忍”。", False)]),
    ("p", "四、工作要求"),
    ("p", "各企业要于2023年3月15日前完成自查，填写附件表格，报区发改（能源）局安全股。"),
    ("p", "附件：1.企业安全生产自查表"),
    ("p", "2.安全隐患排查整治统计表"),
    ("p", ""),
    ("p", "晋城市城区发展和改革局"),
    ("p", "2023年03月02日"),
    ("p", "（此件公开发布）"),
    ("break",),
    ("p", "附件1"),
    ("p", "企业安全生产自查表"),
    ("table", [["企业名称", "", "统一社会信用代码", ""],
               ["检查项目", "检查内容", "检查结果", "备注"],
               ["安全管理", "安全生产责任制是否健全", "", ""],
               ["", "安全管理机构是否设立", "", ""],
               ["现场管理", "有限空间作业是否审批", "", ""]],
     [(2, 0, 2, 1)]),
    ("break",),
    ("p", "附件2"),
    ("p", "安全隐患排查整治统计表"),
    ("table", [["序号", "单位", "排查隐患（项）", "已整改（项）", "整改率"],
               ["1", "", "", "", ""],
               ["合计", "", "", "", ""]], []),
    ("p", ""),
    ("p", "抄送：区安委办，区应急管理局。"),
    ("p", "晋城市城区发展和改革局办公室          2023年03月02日印发"),
]

NANZHUANG = [
    ("p", "文水县南庄镇人民政府文件"),
    ("p", "南政发（2023）14号"),
    ("p", "南庄镇人民政府关于印发全镇重大事故隐患专项排查整治2023行动实施方案的通知"),
    ("p", "各村委、各站所:"),
    ("p", "现将《全镇重大事故隐患专项排查整治2023行动实施方案》印发给你们，请认真抓好贯彻落实。"),
    ("p", "一、工作要求"),
    ("b", [("1.强化风险意识。", True),
           ("牢固树立以人民为中心的发展思想，始终坚持人民至上、生命至上，坚守“发展绝不能以牺牲安全为代价”这条不可逾越的红线。", False)]),
    ("p", "2.突出安全防范。坚持安全第一、预防为主、综合治理方针，防范化解重大安全风险。"),
    ("p", "二、组织领导"),
    ("p", "（一）成立重大事故隐患专项排查整治2023行动领导组"),
    ("p", "成立全镇专项行动领导组，全面负责对专项行动的组织领导，研究解决工作中的重大问题。"),
    ("p", "（二）明确工作责任"),
    ("p", "（1）各村委要落实属地管理责任；（2）各站所要落实行业监管责任。"),
    ("p", "三、报送要求"),
    ("p", "各村委、各站所于每月25日前将排查整治台账报镇安监站。"),
    ("p", "附件：重大事故隐患排查整治台账"),
    ("p", "文水县南庄镇人民政府"),
    ("p", "2023年04月10日"),
    ("break",),
    ("p", "附件"),
    ("p", "重大事故隐患排查整治台账"),
    ("table", [["序号", "村（站所）", "隐患情况", "", "整改情况"],
               ["", "", "隐患描述", "隐患等级", ""],
               ["1", "", "", "", ""]],
     [(0, 0, 2, 1), (0, 1, 2, 1), (0, 2, 1, 2), (0, 4, 2, 1)]),
    ("p", ""),
    ("p", "南庄镇人民政府党政办公室    2023年04月10日印发"),
]

JINCHENG = [
    ("p", "晋城市安全生产委员会文件"),
    ("p", "晋市安委发[2024]第06号"),
    ("p", "晋城市安全生产委员会关于做好春节期间安全防范工作的通知"),
    ("p", "各县（市、区）人民政府，市安委会各成员单位："),
    ("p", "春节将至，人员流动和生产经营活动增多，为切实做好春节期间安全防范工作，现将有关事项通知如下："),
    ("p", "一、压实安全责任。各地各部门要严格落实“党政同责、一岗双责、齐抓共管、失职追责”，主要负责同志要亲自研究部署。"),
    ("p", "二、强化隐患排查。突出燃气、消防、道路交通、烟花爆竹等重点行业领域，开展节前安全检查。"),
    ("b", [("三、严格值班值守。", False), ("严格执行24小时值班和领导干部带班制度，", False),
           ("遇有重大情况及时报告", True), ("。", False)]),
    ("p", "晋城市安全生产委员会"),
    ("p", "2024年02月06日"),
    ("p", "抄送：市委办公室，市人大常委会办公室，市政府办公室。"),
    ("p", "晋城市安全生产委员会办公室  2024年02月06日印发"),
]

DRAFTS = {"draft_fagai.docx": FAGAI, "draft_nanzhuang.docx": NANZHUANG, "draft_jincheng.docx": JINCHENG}


def _font(run, size: float = 10.5) -> None:
    """What Word gives a secretary: Calibri for Latin, 宋体 for Chinese, 五号."""
    run.font.name = "Calibri"
    run.font.size = Pt(size)
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")


def build(blocks: list, out: Path) -> Path:
    doc = Document()
    for block in blocks:
        kind = block[0]
        if kind == "p":
            _font(doc.add_paragraph().add_run(block[1]))
        elif kind == "b":
            p = doc.add_paragraph()
            for text, bold in block[1]:
                r = p.add_run(text)
                r.bold = bold
                _font(r)
        elif kind == "break":
            doc.add_page_break()
        elif kind == "table":
            rows, merges = block[1], block[2]
            t = doc.add_table(rows=len(rows), cols=len(rows[0]))
            t.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    if text:
                        _font(t.cell(r, c).paragraphs[0].add_run(text))
            for r, c, rs, cs in merges:
                t.cell(r, c).merge(t.cell(r + rs - 1, c + cs - 1))
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    return out


def main(outdir: Path = HERE) -> list[Path]:
    outs = [build(blocks, outdir / name) for name, blocks in DRAFTS.items()]
    doc = convert([outs[0]], "doc", outdir)
    if outs[0] not in doc:
        raise SystemExit("LibreOffice 未能转出 .doc")
    return outs + [doc[outs[0]]]


if __name__ == "__main__":
    for p in main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(p)
