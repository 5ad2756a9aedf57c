"""A photo read too poorly to tell its form from its cells (a small or far-off sheet, two sheets in
one photo) still gives a record for each form its title line names: flagged for review, never none."""
from __future__ import annotations

from parsers.model import Cell, Document, Paragraph, Table
from parsers.recognize import records_from_document


def _ocr_table(rows: list[list[str]]) -> Table:
    """A table as the OCR reads a tiny sheet: its cells garbled, each with its confidence."""
    t = Table(part="")
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            t.add(Cell(text=text, row=r, col=c, confidence=0.4 if text else None))
    return t


GARBLED = [["on", "DAN", "DAN", "AAMX", "AAMX", "助尚销戏"],
           ["on", "CO8", "AARS", "自康视U为政站", "ee", "VAN"],
           ["(m", "(D", "0D", "0", "CD", "(I)"],
           ["", "1", "06", "0", "1", "H"],
           ["", "1", "", "8", "0", "●"]]


def _line(text: str, x: float) -> Paragraph:
    return Paragraph(text, confidence=0.9, box=(x, 0.2, x + 0.1, 0.23))


def _photo(*blocks) -> Document:
    return Document(blocks=list(blocks), path="p.jpg", format="image", sha256="0" * 64, pages=1)


def test_two_small_sheets_in_one_photo_give_a_flagged_record_each():
    # the second title read with a character wrong (战计表): it still heads the second sheet
    doc = _photo(_line("全市安全检查督导情况统计表", 0.2), _line("填报单位（盖章）：内文和度急置修码", 0.1),
                 _ocr_table(GARBLED),
                 _line("镇（街道）、部门大排查大整治行动战计表", 0.6), _line("填报日期：200年90月2日", 0.55),
                 _ocr_table(GARBLED))
    recs = records_from_document(doc)
    assert len(recs) == 2
    for rec, title in zip(recs, ("全市安全检查督导情况统计表", "镇（街道）、部门大排查大整治行动统计表")):
        flags = {w["code"] for w in rec.warnings}
        assert rec.form_type != "unknown" or "low_recognition" in flags
        assert "unrecognized" not in flags      # the second too: its lines are not the first one's notes
        if rec.form_type == "unknown":
            assert title in rec.warnings[0]["message"]      # 疑似“…”: the guess named
        else:
            assert any(w["field"] == "data.rows" for w in rec.warnings)   # its (missing) rows flagged


def test_a_title_naming_two_forms_or_a_typed_table_gives_no_guess():
    # 安全检查表 is a title pattern of both 自查表 and 安全检查表: no form is named
    recs = records_from_document(_photo(_line("安全检查表", 0.3), _ocr_table(GARBLED)))
    assert [w["code"] for w in recs[0].warnings] == ["unrecognized"]
    # a typed (not OCR'd) table is what its cells say, whatever the line above it
    typed = Table.from_grid([["姓名", "岗位", "签到"], ["张三", "司机", "√"]])
    doc = Document(blocks=[Paragraph("镇（街道）、部门大排查大整治行动统计表"), typed], path="t.docx",
                   format="docx", sha256="0" * 64)
    assert [w["code"] for r in records_from_document(doc) for w in r.warnings] == ["unrecognized"]
