#!/usr/bin/env python3
"""Build draft_numbered.docx: a draft whose headings use Word's automatic numbering.

The secretary typed the headings without numbers and clicked 编号 (a multilevel
list 一、 → （一） → 1. → （1）, numbering.xml with chineseCounting and decimal
levels), as most Word and WPS users do. Everything else as in make_drafts.py
(宋体 五号, no page layout). The checker must read the displayed numbers and
`paicha format` must write them as literal text.

    .venv/bin/python samples/word_drafts/make_numbered.py [OUTDIR]
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_drafts import _font  # noqa: E402

# Word's multilevel list: %N is the counter of level N
LEVELS = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."), ("decimal", "（%4）")]

# ("p", text) plain, (level, text) a numbered heading paragraph (level 1–4), ("table", rows)
BLOCKS = [
    ("p", "晋城市城区发展和改革局文件"),
    ("p", "城发改字〔2023〕15号"),
    ("p", "晋城市城区发展和改革局关于开展安全生产大排查大整治行动的通知"),
    ("p", "各相关企业："),
    ("p", "为认真贯彻落实省、市、区领导指示批示和安全生产工作会议精神，区发改（能源）局决定开展安全生产大排查大整治行动，"
          "现将有关事项通知如下："),
    (1, "目标要求"),
    ("p", "坚持人民至上、生命至上，强化重点行业领域安全生产风险隐患排查整治，形成“排查—整改—回查”全闭环工作流程。"),
    (1, "工作措施"),
    (2, "五级联查。实行区级领导带头查、监管部门重点查、镇（街道）定期查、村（社区）巡回查、企业全面查的工作机制。"),
    (3, "企业全面查：认真落实企业主体责任，企业法定代表人要严格履行安全生产第一责任人责任。"),
    (4, "建立完善全员安全责任制，制定并落实安全生产责任清单。"),
    (4, "开展全员安全教育培训，做到持证上岗。"),
    (3, "镇（街道）定期查：各镇（街道）每月至少开展一次全覆盖检查，建立隐患台账。"),
    (2, "严格执法。对排查出的重大事故隐患，一律依法责令停产停业整顿。"),
    ("table", [["职务", "姓名"], ["组长", "冯晓伟"], ["副组长", "赵强"]]),
    (1, "工作要求"),
    ("p", "各企业要于2023年3月15日前完成自查，报区发改（能源）局安全股。"),
    ("p", "晋城市城区发展和改革局"),
    ("p", "2023年3月2日"),
    ("p", "抄送：区安委办，区应急管理局。"),
    ("p", "晋城市城区发展和改革局办公室　　2023年3月2日印发"),
]


def add_list(doc) -> str:
    """The multilevel list in numbering.xml; returns its numId."""
    numbering = doc.part.numbering_part.element
    lvls = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
                   '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="420"/></w:pPr></w:lvl>'
                   for i, (fmt, text) in enumerate(LEVELS))
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="77">'
                                  f'<w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="77"><w:abstractNumId w:val="77"/></w:num>'))
    return "77"


def build(out: Path) -> Path:
    doc = Document()
    num_id = add_list(doc)
    for kind, content in BLOCKS:
        if kind == "table":
            t = doc.add_table(rows=len(content), cols=len(content[0]))
            t.style = "Table Grid"
            for r, row in enumerate(content):
                for c, text in enumerate(row):
                    _font(t.cell(r, c).paragraphs[0].add_run(text))
            continue
        p = doc.add_paragraph()
        _font(p.add_run(content))
        if kind != "p":
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{kind - 1}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1] if len(sys.argv) > 1 else HERE) / "draft_numbered.docx"))
