"""A row number read with a low score but standing in its place in the list (1, 2, 3) is its place:
not doubted; one that breaks the run is."""
from __future__ import annotations

from parsers.model import Cell
from parsers.ocr import trust
from schema.record import Record
from schema.spec import load_spec


def test_a_row_number_in_its_place_is_trusted_whatever_its_score():
    spec = load_spec("major_hazard_list")
    rows = [{"seq": n, "enterprise": "晋城市城区宏达建材有限公司", "description": "有限空间作业未设置监护人"}
            for n in (1, 2, 3, 9, 5)]
    where = {f"data.rows[{i}].seq": Cell(text=str(r["seq"]), row=i + 2, col=0, confidence=0.5)
             for i, r in enumerate(rows)}
    rec = Record(form_type="major_hazard_list", header={"reporting_unit": "西上庄街道办事处", "fill_date": "2023-03-07"},
                 data={"rows": rows})
    trust.check(rec, spec, where)
    low = {w["field"] for w in rec.warnings if w["code"] == "low_confidence"}
    assert low == {"data.rows[2].seq", "data.rows[3].seq", "data.rows[4].seq"}     # 3 before 9, 9, 5 after it
