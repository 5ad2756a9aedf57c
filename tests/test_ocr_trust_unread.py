"""A statistics table of which nothing was read (a small photo): its rows and its 合计 are flagged,
not only the row list (a record with no rows must not pass its totals off as checked)."""
from __future__ import annotations

from parsers.model import Paragraph
from parsers.ocr import trust
from schema.record import Record
from schema.spec import load_spec


def test_a_stats_table_read_empty_has_its_rows_and_totals_flagged():
    spec = load_spec("campaign_stats")
    rec = Record(form_type="campaign_stats", header={"reporting_unit": "钟家庄街道办事处"}, data={"rows": []})
    trust.check(rec, spec, {"header.reporting_unit": Paragraph("填报单位：钟家庄街道办事处", confidence=0.99)})
    flagged = {(w["field"], w["code"]) for w in rec.warnings}
    assert ("data.rows", "ocr_unread") in flagged
    assert ("data.totals", "ocr_unread") in flagged
    assert ("header.reporting_unit", "ocr_unread") not in flagged


def test_a_column_head_misread_flags_the_shifted_fields_not_the_whole_row():
    """一般隐患整改's head not read and the 重大隐患 heads read one column left: 排查 took 整改's 70,
    整改 took 重大排查's 7, 重大整改's 0 is left over. The fields about the left-over number, back to
    the column left unplaced, are flagged; the unit and the counts far from it are not."""
    from parsers.model import Cell
    spec = load_spec("campaign_stats")
    read = [("unit", "第一检查组"), ("inspection_groups", 7), ("general_hazards_found", 84),
            ("major_hazards_found", 70), ("major_hazards_fixed", 7), (None, 0), ("illegal_acts_found", 14),
            ("illegal_acts_handled", 14), ("ordered_rectification", 21), ("fines_wan", 10.5), ("suspended", 7),
            ("licenses_revoked", 0), ("closed", 0), ("party_discipline", 0), ("criminal_liability", 0),
            ("interviewed", 7), ("exposed", 0), ("joint_punishment", 0), ("typical_cases", 7)]
    where = {f"data.rows[0].{k}": Cell(text=str(v), row=4, col=c, confidence=0.99)
             for c, (k, v) in enumerate(read) if k}
    rec = Record(form_type="campaign_stats", header={"reporting_unit": "钟家庄街道办事处", "fill_date": "2023-09-26"},
                 data={"rows": [{k: v for k, v in read if k}], "unused_cells": [{"row": 4, "col": 5, "text": "0"}]})
    trust.check(rec, spec, where)
    unplaced = {w["field"] for w in rec.warnings if w["code"] == "ocr_unplaced"}
    assert {"data.rows[0].major_hazards_found", "data.rows[0].major_hazards_fixed"} <= unplaced   # 70, 7: wrong
    assert not unplaced & {"data.rows[0]", "data.rows[0].unit", "data.rows[0].general_hazards_found",
                           "data.rows[0].fines_wan", "data.rows[0].typical_cases"}
    assert ("data.rows[0].general_hazards_fixed", "ocr_unread") in {(w["field"], w["code"]) for w in rec.warnings}
